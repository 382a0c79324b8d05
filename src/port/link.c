// SPDX-License-Identifier: MIT
/*
 * link.c - in-process links: a pair of ports joined by two pointer rings.
 *
 * Each direction is a single-producer single-consumer ring of struct pkt
 * pointers, @size a power of two. head and tail are free-running counters;
 * head is written only by the consumer (the receiving end's rx()), tail only
 * by the producer (the sending end's tx()), with acquire/release ordering,
 * so the two ends may run on different threads as long as each end stays on
 * one. (The pool is single-threaded, so in practice both ends belong to the
 * same dataplane thread; the ordering costs nothing on x86.)
 *
 * Ownership: a packet in a ring belongs to the link. Closing the first end
 * only detaches it; closing the second frees the packets still queued in
 * both rings to the pool given at creation, then the shared state.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"

struct link_ring {
	_Atomic unsigned int head;  /* next slot to read, consumer only */
	_Atomic unsigned int tail;  /* next slot to write, producer only */
	unsigned int mask;
	struct pkt **slots;
};

struct link_pair {
	struct link_ring rings[2];  /* rings[i] carries end i -> end !i */
	struct port *ends[2];
	struct pkt_pool *pool;
	int refs;
};

/* what a port's priv points to: its side of the pair */
struct link_end {
	struct link_pair *pair;
	unsigned int side;
};

static const struct port_ops link_ops;

static struct link_ring *ring_out(const struct link_end *e)
{
	return &e->pair->rings[e->side];
}

static struct link_ring *ring_in(const struct link_end *e)
{
	return &e->pair->rings[!e->side];
}

static unsigned int ring_count(struct link_ring *r)
{
	return atomic_load_explicit(&r->tail, memory_order_acquire) -
	       atomic_load_explicit(&r->head, memory_order_relaxed);
}

static int link_rx(struct port *port, struct pkt_pool *pool,
		   struct pkt **pkts, unsigned int max)
{
	struct link_ring *r = ring_in(port->priv);
	unsigned int head = atomic_load_explicit(&r->head,
						 memory_order_relaxed);
	unsigned int n, avail = ring_count(r);

	(void)pool;
	n = avail < max ? avail : max;
	for (unsigned int i = 0; i < n; i++) {
		struct pkt *p = r->slots[(head + i) & r->mask];

		p->in_port = port->id;
		port->stats.rx_bytes += p->len;
		pkts[i] = p;
	}
	atomic_store_explicit(&r->head, head + n, memory_order_release);
	port->stats.rx_packets += n;
	return (int)n;
}

static int link_tx(struct port *port, struct pkt_pool *pool,
		   struct pkt **pkts, unsigned int n)
{
	struct link_ring *r = ring_out(port->priv);
	unsigned int tail = atomic_load_explicit(&r->tail,
						 memory_order_relaxed);
	unsigned int head = atomic_load_explicit(&r->head,
						 memory_order_acquire);
	unsigned int room = r->mask + 1 - (tail - head);
	unsigned int i, sent = n < room ? n : room;

	for (i = 0; i < sent; i++) {
		r->slots[(tail + i) & r->mask] = pkts[i];
		port->stats.tx_bytes += pkts[i]->len;
	}
	atomic_store_explicit(&r->tail, tail + sent, memory_order_release);
	port->stats.tx_packets += sent;
	if (sent < n) {
		port->stats.tx_dropped += n - sent;
		pkt_free_bulk(pool, pkts + sent, n - sent);
	}
	return (int)sent;
}

static int link_fd(const struct port *port)
{
	(void)port;
	return -1;
}

static void ring_drain(struct link_ring *r, struct pkt_pool *pool)
{
	unsigned int head = atomic_load(&r->head);
	unsigned int tail = atomic_load(&r->tail);

	for (; head != tail; head++)
		pkt_free(pool, r->slots[head & r->mask]);
	atomic_store(&r->head, head);
}

static void pair_free(struct link_pair *lp)
{
	for (unsigned int i = 0; i < 2; i++) {
		if (lp->rings[i].slots)
			ring_drain(&lp->rings[i], lp->pool);
		free(lp->rings[i].slots);
	}
	free(lp);
}

static void link_close(struct port *port)
{
	struct link_end *e = port->priv;
	struct link_pair *lp;

	if (!e)
		return;
	lp = e->pair;
	lp->ends[e->side] = NULL;
	free(e);
	port->priv = NULL;
	if (--lp->refs == 0)
		pair_free(lp);
}

static const struct port_ops link_ops = {
	.kind = "link",
	.rx = link_rx,
	.tx = link_tx,
	.fd = link_fd,
	.close = link_close,
};

static int end_init(struct port *port, const char *name,
		    struct link_pair *lp, unsigned int side)
{
	struct link_end *e = calloc(1, sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->pair = lp;
	e->side = side;
	lp->ends[side] = port;
	lp->refs++;
	port->ops = &link_ops;
	port->priv = e;
	strncpy(port->name, name, PORT_NAME_MAX - 1);
	port->name[PORT_NAME_MAX - 1] = '\0';
	return 0;
}

static unsigned int pow2_at_least(unsigned int n)
{
	unsigned int p = 1;

	while (p < n && p < (1u << 30))
		p <<= 1;
	return p;
}

/**
 * link_pair_create() - join ports @a and @b by an in-process link
 * @a: first end, filled (ops, name, priv)
 * @name_a: its name
 * @b: second end, filled likewise
 * @name_b: its name
 * @pool: pool packets left in the rings are freed to when both ends close
 * @ring_size: packets each direction can hold, rounded up to a power of
 *             two (0: LINK_RING_DEFAULT)
 *
 * Close both ends with port->ops->close(); the pair is freed by the second.
 *
 * Return: 0, or -ENOMEM (neither port touched).
 */
int link_pair_create(struct port *a, const char *name_a, struct port *b,
		     const char *name_b, struct pkt_pool *pool,
		     unsigned int ring_size)
{
	unsigned int size = pow2_at_least(ring_size ? ring_size
						    : LINK_RING_DEFAULT);
	struct link_pair *lp = calloc(1, sizeof(*lp));
	int ret = -ENOMEM;

	if (!lp)
		return -ENOMEM;
	lp->pool = pool;
	for (unsigned int i = 0; i < 2; i++) {
		lp->rings[i].mask = size - 1;
		lp->rings[i].slots = calloc(size, sizeof(struct pkt *));
		if (!lp->rings[i].slots)
			goto err_free_pair;
	}
	ret = end_init(a, name_a, lp, 0);
	if (ret)
		goto err_free_pair;
	ret = end_init(b, name_b, lp, 1);
	if (ret)
		goto err_close_a;
	return 0;

err_close_a:
	free(a->priv);
	a->priv = NULL;
	a->ops = NULL;
err_free_pair:
	pair_free(lp);
	return ret;
}

/**
 * link_port_is() - is @port one end of an in-process link?
 * @port: any opened port
 *
 * Return: true for a link end.
 */
bool link_port_is(const struct port *port)
{
	return port->ops == &link_ops;
}

/**
 * link_pending() - does @port have packets waiting for its rx()?
 * @port: any opened port
 *
 * Return: true if @port is a link end whose incoming ring is not empty;
 * false otherwise (also for ports of other kinds).
 */
bool link_pending(const struct port *port)
{
	if (!link_port_is(port) || !port->priv)
		return false;
	return ring_count(ring_in(port->priv)) != 0;
}

/**
 * link_peer() - the other end of a link
 * @port: a link end
 *
 * Return: the peer port, or NULL if @port is not a link or the peer closed.
 */
struct port *link_peer(const struct port *port)
{
	const struct link_end *e = port->priv;

	if (!link_port_is(port) || !e)
		return NULL;
	return e->pair->ends[!e->side];
}
