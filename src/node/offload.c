// SPDX-License-Identifier: MIT
/*
 * offload.c - the switch fast path's control side: the daemon's copy of
 * the kernel flow map, install on offer, removal on MAC move/aging,
 * capture and mirror, and the once-a-second counter and aging sync.
 *
 * Theory of operation
 *
 * A flow is keyed like the kernel's (ingress device, VID on the wire,
 * destination, source), so a frame from a source the switch has not yet
 * learned on that port, or to a destination it does not know, always
 * reaches the daemon: learning, moves, the MAC limit, flooding, broadcast
 * and multicast stay in userspace. The switch offers a frame only when
 * both ports are offloadable: kernel devices (veth host ends) of the same
 * switch with no capture and no mirror. In-process links (routers,
 * firewalls, other switches) never are.
 *
 * The offer is on the packet path, so a known flow is found in a chained
 * hash (one probe), and after a failed install (map full, netlink error)
 * offers are ignored for OFFLOAD_BACKOFF_NS. A flow is removed from the
 * map before the daemon forgets it, and its last counters are read first,
 * so the ports' counters lose nothing. A port's tc filter and socket filter
 * exist only while flows enter the kernel there.
 *
 * Aging: the kernel stamps each flow with its last use; offload_tick()
 * moves that stamp into the switch's entry for the flow's source, so an
 * offloaded MAC ages exactly as one the daemon sees, and removes flows
 * whose MACs are gone or moved (the learn path also reports moves at once
 * through sw_mac_gone_fn).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../port/tcbpf.h"
#include "offload.h"

enum {
	NONE = 0xffffffffu,
	OFFLOAD_BACKOFF_NS = 1000000000,
};

struct oflow {
	struct tcbpf_key key;
	struct switch_node *sw;
	uint64_t src, dst;
	uint16_t vlan;
	uint16_t in, out; /* switch ports */
	uint16_t in_id, out_id; /* dataplane ports */
	uint64_t packets, bytes; /* already in the ports' stats */
	uint64_t lastuse_ns; /* last stamp moved into the switch */
	uint32_t next; /* hash chain or free list */
	bool used;
};

struct oport {
	int ifindex; /* 0: not a kernel device */
	bool attached; /* tc + socket filter in place */
	uint32_t flows;
	uint64_t rx_packets, tx_packets;
};

/*
 * struct offload - one per dataplane. @flows and @buckets are allocated at
 * create; nothing is allocated afterwards.
 */
struct offload {
	struct dataplane *dp;
	struct tcbpf bpf;
	struct oflow *flows;
	uint32_t *buckets;
	uint32_t max, n, mask, free_head;
	uint64_t backoff_until;
	struct switch_node *sws[DP_MAX_SWITCHES];
	unsigned int nsws;
	struct oport ports[DP_MAX_PORTS];
};

static uint32_t hash(const struct switch_node *sw, uint16_t in, uint16_t vlan,
		     uint64_t src, uint64_t dst)
{
	uint64_t h = (uintptr_t)sw ^ src * 0x9e3779b97f4a7c15ULL ^
		     (dst + ((uint64_t)in << 48 | (uint64_t)vlan << 32)) *
			     0xc4ceb9fe1a85ec53ULL;

	h ^= h >> 29;
	return (uint32_t)h;
}

static struct oflow *find(const struct offload *o, const struct switch_node *sw,
			  const struct sw_flow *f)
{
	uint32_t i =
		o->buckets[hash(sw, f->in, f->vlan, f->src, f->dst) & o->mask];

	for (; i != NONE; i = o->flows[i].next) {
		const struct oflow *x = &o->flows[i];

		if (x->sw == sw && x->in == f->in && x->vlan == f->vlan &&
		    x->src == f->src && x->dst == f->dst)
			return (struct oflow *)x;
	}
	return NULL;
}

static void put_mac(uint8_t *p, uint64_t mac)
{
	int i;

	for (i = 0; i < 6; i++)
		p[i] = (uint8_t)(mac >> (40 - 8 * i));
}

/* add what the kernel counted since last time to the ports' stats */
static void account(struct offload *o, struct oflow *f,
		    const struct tcbpf_val *v)
{
	uint64_t pk = v->packets - f->packets, by = v->bytes - f->bytes;
	struct port_stats *in = &o->dp->ports[f->in_id]->port.stats;
	struct port_stats *out = &o->dp->ports[f->out_id]->port.stats;

	in->rx_packets += pk;
	in->rx_bytes += by;
	out->tx_packets += pk;
	out->tx_bytes += by;
	o->ports[f->in_id].rx_packets += pk;
	o->ports[f->out_id].tx_packets += pk;
	f->packets = v->packets;
	f->bytes = v->bytes;
}

static int pkt_fd(const struct offload *o, uint16_t id)
{
	const struct dp_port *dpp = o->dp->ports[id];

	return dpp->port.ops->fd(&dpp->port);
}

static void port_detach(struct offload *o, uint16_t id)
{
	struct oport *op = &o->ports[id];

	if (!op->attached)
		return;
	if (tcbpf_detach(op->ifindex, pkt_fd(o, id)))
		fprintf(stderr, "dcbox: offload: detach %s failed\n",
			o->dp->ports[id]->port.name);
	op->attached = false;
}

static void unlink_flow(struct offload *o, uint32_t idx)
{
	struct oflow *f = &o->flows[idx];
	uint32_t *pp = &o->buckets[hash(f->sw, f->in, f->vlan, f->src, f->dst) &
				   o->mask];

	while (*pp != idx)
		pp = &o->flows[*pp].next;
	*pp = f->next;
	f->used = false;
	f->next = o->free_head;
	o->free_head = idx;
	o->n--;
}

static void flow_remove(struct offload *o, uint32_t idx)
{
	struct oflow *f = &o->flows[idx];
	struct tcbpf_val v;
	uint16_t in_id = f->in_id;

	if (!tcbpf_flow_get(&o->bpf, &f->key, &v))
		account(o, f, &v);
	tcbpf_flow_del(&o->bpf, &f->key);
	unlink_flow(o, idx);
	if (!--o->ports[in_id].flows)
		port_detach(o, in_id);
}

static bool port_ok(const struct offload *o, uint16_t id)
{
	const struct dp_port *dpp = o->dp->ports[id];

	return o->ports[id].ifindex > 0 && !dpp->ncaps && !dpp->no_offload;
}

static void flow_key(struct oflow *x, const struct sw_flow *f, int ifindex)
{
	memset(&x->key, 0, sizeof(x->key));
	x->key.ifindex = (uint32_t)ifindex;
	x->key.vid = f->tagged_in ? f->vlan : TCBPF_VID_NONE;
	put_mac(x->key.macs, f->dst);
	put_mac(x->key.macs + 6, f->src);
}

static int install(struct offload *o, struct oflow *x, const struct sw_flow *f)
{
	struct tcbpf_val v = {.out_ifindex =
				      (uint32_t)o->ports[x->out_id].ifindex};
	struct oport *op = &o->ports[x->in_id];
	int ret;

	if (f->tagged_in != f->tagged_out)
		v.op = f->tagged_out ? TCBPF_OP_PUSH : TCBPF_OP_POP;
	v.push_vid = f->vlan;
	flow_key(x, f, op->ifindex);
	if (!op->attached) {
		ret = tcbpf_attach(&o->bpf, op->ifindex, pkt_fd(o, x->in_id));
		if (ret)
			return ret;
		op->attached = true;
	}
	ret = tcbpf_flow_set(&o->bpf, &x->key, &v);
	if (ret && !op->flows)
		port_detach(o, x->in_id);
	return ret;
}

static void on_offer(void *ctx, struct switch_node *sw, const struct sw_flow *f)
{
	struct offload *o = ctx;
	uint32_t idx, b, next_free;
	struct oflow *x;

	if (o->dp->now_ns < o->backoff_until || find(o, sw, f))
		return;
	if (o->free_head == NONE)
		goto backoff;
	idx = o->free_head;
	x = &o->flows[idx];
	next_free = x->next;
	*x = (struct oflow){.sw = sw,
			    .src = f->src,
			    .dst = f->dst,
			    .vlan = f->vlan,
			    .in = f->in,
			    .out = f->out,
			    .in_id = sw->ports[f->in].port_id,
			    .out_id = sw->ports[f->out].port_id,
			    .lastuse_ns = o->dp->now_ns};
	if (!port_ok(o, x->in_id) || !port_ok(o, x->out_id) || install(o, x, f))
		goto backoff;
	o->free_head = next_free;
	x->used = true;
	b = hash(sw, f->in, f->vlan, f->src, f->dst) & o->mask;
	x->next = o->buckets[b];
	o->buckets[b] = idx;
	o->ports[x->in_id].flows++;
	o->n++;
	return;
backoff:
	o->backoff_until = o->dp->now_ns + OFFLOAD_BACKOFF_NS;
}

static void on_gone(void *ctx, struct switch_node *sw, uint16_t vlan,
		    uint64_t mac)
{
	struct offload *o = ctx;
	uint32_t i;

	for (i = 0; i < o->max && o->n; i++) {
		struct oflow *f = &o->flows[i];

		if (f->used && f->sw == sw && f->vlan == vlan &&
		    (f->src == mac || f->dst == mac))
			flow_remove(o, i);
	}
}

/**
 * offload_create() - load the kernel fast path for dataplane @dp
 * @dp: the dataplane whose ports it forwards between
 * @max_flows: flows at most, 0 for OFFLOAD_MAX_FLOWS
 * @err: out: -errno on failure (-EPERM, -EINVAL on a kernel without BPF
 *       or cls_bpf, -ENOMEM)
 *
 * Return: the manager (no switch uses it yet: offload_switch()), or NULL.
 */
struct offload *offload_create(struct dataplane *dp, uint32_t max_flows,
			       int *err)
{
	struct offload *o = calloc(1, sizeof(*o));
	uint32_t i, nb = 1;

	max_flows = max_flows ? max_flows : OFFLOAD_MAX_FLOWS;
	while (nb < max_flows)
		nb <<= 1;
	if (o) {
		o->flows = calloc(max_flows, sizeof(*o->flows));
		o->buckets = malloc(nb * sizeof(*o->buckets));
	}
	if (!o || !o->flows || !o->buckets) {
		*err = -ENOMEM;
		goto err_free;
	}
	*err = tcbpf_open(&o->bpf, max_flows);
	if (*err)
		goto err_free;
	o->dp = dp;
	o->max = max_flows;
	o->mask = nb - 1;
	memset(o->buckets, 0xff, nb * sizeof(*o->buckets));
	for (i = 0; i < max_flows; i++)
		o->flows[i].next = i + 1 < max_flows ? i + 1 : NONE;
	o->free_head = 0;
	return o;

err_free:
	if (o) {
		free(o->buckets);
		free(o->flows);
	}
	free(o);
	return NULL;
}

/**
 * offload_flush() - remove every flow (the kernel forgets them first)
 * @o: the manager
 *
 * Return: how many were removed.
 */
unsigned int offload_flush(struct offload *o)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < o->max && o->n; i++) {
		if (o->flows[i].used) {
			flow_remove(o, i);
			n++;
		}
	}
	return n;
}

/**
 * offload_destroy() - remove every flow and filter, unhook the switches,
 * close the programs and map
 * @o: the manager, or NULL
 */
void offload_destroy(struct offload *o)
{
	unsigned int i;

	if (!o)
		return;
	offload_flush(o);
	for (i = 0; i < DP_MAX_PORTS; i++)
		if (o->ports[i].attached)
			port_detach(o, (uint16_t)i);
	for (i = 0; i < o->nsws; i++)
		switch_set_offload(o->sws[i], NULL, NULL, NULL);
	for (i = 0; i < o->dp->nports; i++)
		if (o->dp->ports[i]->offload == o)
			o->dp->ports[i]->offload = NULL;
	tcbpf_close(&o->bpf);
	free(o->buckets);
	free(o->flows);
	free(o);
}

/**
 * offload_switch() - let switch @sw offer its known-unicast frames
 * @o: the manager
 * @sw: a switch of the same dataplane
 *
 * Return: 0, or -ENOSPC after DP_MAX_SWITCHES switches.
 */
int offload_switch(struct offload *o, struct switch_node *sw)
{
	if (o->nsws >= DP_MAX_SWITCHES)
		return -ENOSPC;
	o->sws[o->nsws++] = sw;
	switch_set_offload(sw, on_offer, on_gone, o);
	return 0;
}

/**
 * offload_port_enable() - mark a switch port as a kernel device the fast
 * path may forward from and to
 * @o: the manager
 * @dpp: an AF_PACKET port attached to a switch given to offload_switch()
 * @ifindex: its device, in the daemon's namespace
 *
 * Return: 0, or -EINVAL if @dpp is not a switch port or @ifindex <= 0.
 */
int offload_port_enable(struct offload *o, struct dp_port *dpp, int ifindex)
{
	if (!dpp->sw || ifindex <= 0)
		return -EINVAL;
	o->ports[dpp->port.id].ifindex = ifindex;
	dpp->offload = o;
	offload_port_update(o, dpp);
	return 0;
}

/**
 * offload_port_update() - a capture or mirror started or stopped on @dpp:
 * recompute whether it may be offloaded, removing its flows if not
 * @o: the manager
 * @dpp: the port
 *
 * The dataplane calls this from dp_capture_add()/dp_capture_del()/
 * dp_mirror_add(), so a capture sees every frame from its first one on.
 */
void offload_port_update(struct offload *o, struct dp_port *dpp)
{
	uint16_t id = dpp->port.id;
	bool ok = port_ok(o, id);
	uint32_t i;

	if (dpp->sw)
		switch_port_set_offload(dpp->sw, dpp->sw_port, ok);
	if (ok)
		return;
	for (i = 0; i < o->max && o->n; i++) {
		struct oflow *f = &o->flows[i];

		if (f->used && (f->in_id == id || f->out_id == id))
			flow_remove(o, i);
	}
}

/**
 * offload_tick() - once a second: counters into port stats, last use into
 * MAC aging, and removal of flows the switch no longer agrees with
 * @o: the manager
 * @now_ns: current time (CLOCK_MONOTONIC, as the kernel's stamps)
 *
 * Call it before switch_age(), so a busy offloaded source is not aged.
 */
void offload_tick(struct offload *o, uint64_t now_ns)
{
	uint32_t i;

	for (i = 0; i < o->max && o->n; i++) {
		struct oflow *f = &o->flows[i];
		struct tcbpf_val v;

		if (!f->used)
			continue;
		if (tcbpf_flow_get(&o->bpf, &f->key, &v)) {
			flow_remove(o, i);
			continue;
		}
		account(o, f, &v);
		if (v.lastuse_ns > f->lastuse_ns) {
			switch_mac_touch(f->sw, f->vlan, f->src, f->in,
					 v.lastuse_ns);
			f->lastuse_ns = v.lastuse_ns;
		}
		if (!switch_mac_at(f->sw, f->vlan, f->src, f->in, now_ns) ||
		    !switch_mac_at(f->sw, f->vlan, f->dst, f->out, now_ns))
			flow_remove(o, i);
	}
}

/**
 * offload_flow_count() - flows the kernel forwards now
 * @o: the manager
 *
 * Return: the count.
 */
unsigned int offload_flow_count(const struct offload *o)
{
	return o->n;
}

/**
 * offload_port_stats() - the fast path's share of a port's traffic
 * @o: the manager, or NULL (all zero)
 * @port_id: dataplane port id
 * @st: filled in; packets are those counted at the last offload_tick()
 *      or flow removal (they are also in the port's own rx/tx counters)
 */
void offload_port_stats(const struct offload *o, uint16_t port_id,
			struct offload_port_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!o || port_id >= DP_MAX_PORTS)
		return;
	st->flows = o->ports[port_id].flows;
	st->rx_packets = o->ports[port_id].rx_packets;
	st->tx_packets = o->ports[port_id].tx_packets;
}
