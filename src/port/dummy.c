// SPDX-License-Identifier: MIT
/*
 * dummy.c - the test port: an rx queue filled by the test, a tx log read by
 * the test, no file descriptor.
 *
 * The dataplane sees an ordinary port (rx never blocks, tx takes ownership);
 * the test sees two FIFOs. Injecting hands a packet to the port, taking from
 * the tx log hands it back to the test, clearing the log frees it. Both
 * FIFOs are fixed-size arrays allocated at open, so rx/tx never allocate.
 * Single-threaded: the test and the dataplane loop run on one thread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dummy.h"

/* a bounded FIFO of packet pointers; @cap slots, @head oldest */
struct fifo {
	struct pkt **slots;
	unsigned int cap, head, len;
};

struct dummy {
	struct pkt_pool *pool;
	struct fifo rxq, txlog;
};

static const struct port_ops dummy_ops;

static struct dummy *dummy_of(const struct port *port)
{
	return port->priv;
}

static bool fifo_push(struct fifo *f, struct pkt *p)
{
	if (f->len == f->cap)
		return false;
	f->slots[(f->head + f->len++) % f->cap] = p;
	return true;
}

static struct pkt *fifo_pop(struct fifo *f)
{
	struct pkt *p;

	if (!f->len)
		return NULL;
	p = f->slots[f->head];
	f->head = (f->head + 1) % f->cap;
	f->len--;
	return p;
}

static void fifo_drain(struct fifo *f, struct pkt_pool *pool)
{
	struct pkt *p;

	while ((p = fifo_pop(f)))
		pkt_free(pool, p);
}

static int dummy_rx(struct port *port, struct pkt_pool *pool,
		    struct pkt **pkts, unsigned int max)
{
	struct dummy *d = dummy_of(port);
	unsigned int n = 0;

	(void)pool;
	while (n < max && d->rxq.len) {
		struct pkt *p = fifo_pop(&d->rxq);

		p->in_port = port->id;
		port->stats.rx_packets++;
		port->stats.rx_bytes += p->len;
		pkts[n++] = p;
	}
	return (int)n;
}

static int dummy_tx(struct port *port, struct pkt_pool *pool,
		    struct pkt **pkts, unsigned int n)
{
	struct dummy *d = dummy_of(port);
	unsigned int i, sent = 0;

	for (i = 0; i < n; i++) {
		if (!fifo_push(&d->txlog, pkts[i])) {
			port->stats.tx_dropped++;
			pkt_free(pool, pkts[i]);
			continue;
		}
		port->stats.tx_packets++;
		port->stats.tx_bytes += pkts[i]->len;
		sent++;
	}
	return (int)sent;
}

static int dummy_fd(const struct port *port)
{
	(void)port;
	return -1;
}

static void dummy_close(struct port *port)
{
	struct dummy *d = dummy_of(port);

	if (!d)
		return;
	fifo_drain(&d->rxq, d->pool);
	fifo_drain(&d->txlog, d->pool);
	free(d->rxq.slots);
	free(d->txlog.slots);
	free(d);
	port->priv = NULL;
}

static const struct port_ops dummy_ops = {
	.kind = "dummy",
	.rx = dummy_rx,
	.tx = dummy_tx,
	.fd = dummy_fd,
	.close = dummy_close,
};

/**
 * dummy_port_open() - make @port a dummy port
 * @port: port to fill (ops, name, priv; id and stats are left alone)
 * @name: port name, truncated to PORT_NAME_MAX - 1
 * @pool: pool that frames injected by name and leftovers at close use
 * @capacity: slots in the rx queue and in the tx log (0: default)
 *
 * Return: 0, or -ENOMEM.
 */
int dummy_port_open(struct port *port, const char *name,
		    struct pkt_pool *pool, unsigned int capacity)
{
	struct dummy *d;

	if (!capacity)
		capacity = DUMMY_QUEUE_DEFAULT;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->pool = pool;
	d->rxq.cap = d->txlog.cap = capacity;
	d->rxq.slots = calloc(capacity, sizeof(*d->rxq.slots));
	d->txlog.slots = calloc(capacity, sizeof(*d->txlog.slots));
	if (!d->rxq.slots || !d->txlog.slots) {
		free(d->rxq.slots);
		free(d->txlog.slots);
		free(d);
		return -ENOMEM;
	}
	port->ops = &dummy_ops;
	port->priv = d;
	strncpy(port->name, name, PORT_NAME_MAX - 1);
	port->name[PORT_NAME_MAX - 1] = '\0';
	return 0;
}

/**
 * dummy_port_is() - is @port a dummy port?
 * @port: any opened port
 *
 * Return: true if dummy_port_open() set it up.
 */
bool dummy_port_is(const struct port *port)
{
	return port->ops == &dummy_ops;
}

/**
 * dummy_port_inject() - queue @p to come out of the port's next rx()
 * @port: a dummy port
 * @p: packet; ownership passes to the port on success only
 *
 * Return: 0, or -ENOBUFS when the rx queue is full (caller keeps @p).
 */
int dummy_port_inject(struct port *port, struct pkt *p)
{
	return fifo_push(&dummy_of(port)->rxq, p) ? 0 : -ENOBUFS;
}

/**
 * dummy_port_inject_frame() - copy @frame into a new packet and queue it
 * @port: a dummy port
 * @frame: frame bytes, starting with the Ethernet header
 * @len: its length, at most PKT_DATA_MAX
 *
 * Return: 0, -EMSGSIZE, -ENOMEM (pool empty) or -ENOBUFS (queue full).
 */
int dummy_port_inject_frame(struct port *port, const void *frame, size_t len)
{
	struct dummy *d = dummy_of(port);
	struct pkt *p;
	int ret;

	if (len > PKT_DATA_MAX)
		return -EMSGSIZE;
	p = pkt_alloc(d->pool);
	if (!p)
		return -ENOMEM;
	memcpy(pkt_data(p), frame, len);
	p->len = (uint32_t)len;
	ret = dummy_port_inject(port, p);
	if (ret)
		pkt_free(d->pool, p);
	return ret;
}

/**
 * dummy_port_rx_queued() - packets injected but not yet received
 * @port: a dummy port
 *
 * Return: the count.
 */
unsigned int dummy_port_rx_queued(const struct port *port)
{
	return dummy_of(port)->rxq.len;
}

/**
 * dummy_port_tx_count() - packets in the tx log
 * @port: a dummy port
 *
 * Return: the count.
 */
unsigned int dummy_port_tx_count(const struct port *port)
{
	return dummy_of(port)->txlog.len;
}

/**
 * dummy_port_tx_peek() - look at the @i-th oldest logged packet
 * @port: a dummy port
 * @i: index, 0 is the oldest
 *
 * Return: the packet (still owned by the port), or NULL if @i is too big.
 */
struct pkt *dummy_port_tx_peek(const struct port *port, unsigned int i)
{
	const struct fifo *f = &dummy_of(port)->txlog;

	if (i >= f->len)
		return NULL;
	return f->slots[(f->head + i) % f->cap];
}

/**
 * dummy_port_tx_take() - remove the oldest logged packets
 * @port: a dummy port
 * @out: where to store them
 * @max: at most this many
 *
 * Return: how many were stored; the caller owns them and frees them.
 */
unsigned int dummy_port_tx_take(struct port *port, struct pkt **out,
				unsigned int max)
{
	struct fifo *f = &dummy_of(port)->txlog;
	unsigned int n = 0;

	while (n < max && f->len)
		out[n++] = fifo_pop(f);
	return n;
}

/**
 * dummy_port_tx_clear() - free every logged packet to the port's pool
 * @port: a dummy port
 */
void dummy_port_tx_clear(struct port *port)
{
	struct dummy *d = dummy_of(port);

	fifo_drain(&d->txlog, d->pool);
}
