// SPDX-License-Identifier: MIT
/*
 * switch.c - the L2 switch's per-packet path: VLAN classification on
 * ingress, source learning, destination lookup, flooding within the VLAN,
 * tag push/pop per egress port, and per-port output batches.
 *
 * switch_input() takes a batch received on one switch port and makes two
 * passes over it (input_burst()). The first, classify(), checks each frame,
 * finds its VLAN and MAC keys and prefetches the MAC table slots they hash
 * to; the second, forward(), learns the source and forwards, floods or
 * drops the frame. Each output is appended to the batch of its egress port,
 * and every touched batch is handed to the tx callback once at the end (or
 * when it fills up), so tx runs once per egress port per input batch. The
 * set-up side is in switch_config.c and the MAC table in mac_table.[ch].
 *
 * Why two passes: with one pass, the table slot loads stalled the loop
 * (switch_bench, 4096 MACs: about 17 Mpps per CPU-second); prefetching a
 * whole batch of slots before using them overlaps those misses (about 21
 * to 27 Mpps on the same machine). Frames are still handled in order, and
 * a frame's learning happens before its lookup, as with one pass.
 *
 * A frame that arrives tagged on a trunk keeps its tag until it is queued
 * on an egress port: only then is a tag pushed or popped, per copy, so a
 * frame that goes trunk to trunk is never touched and keeps its priority
 * bits. Tagged frames accepted on an access port and priority-tagged frames
 * (VID 0, which belong to the access or native VLAN) lose their tag at once;
 * frames leave a trunk with a fresh tag (priority 0) in that case.
 *
 * A known-unicast frame between two ports marked offloadable is also
 * offered to the kernel fast path (offer(), src/node/offload.c), which may
 * then forward the rest of that conversation without the daemon; a MAC
 * that moves or expires is reported to it (sw->mac_gone) from learn_slow().
 */
#include <endian.h>
#include <string.h>

#include "switch.h"

enum {
	ETH_ALEN_ = 6,
	ETH_HLEN_ = 14,
	VLAN_HLEN_ = 18,
	NSEC_PER_SEC_ = 1000000000,
};

/* A verdict for a frame handed on: not a drop reason */
#define SW_PASSED SWITCH_C_MAX

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* A MAC address at @p as a 48-bit number; reads 8 bytes from @p. */
static inline uint64_t load_mac(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return be64toh(v) >> 16;
}

static inline union mac_key make_key(uint16_t vlan, uint64_t mac)
{
	return (union mac_key){ .raw = (uint64_t)vlan << 48 | mac };
}

static void drop(struct switch_node *sw, struct pkt *p, enum switch_counter c)
{
	sw->counters[c]++;
	pkt_free(sw->pool, p);
}

static bool vlan_allowed(const struct sw_port *port, uint16_t vid)
{
	return port->allowed[vid >> 6] >> (vid & 63) & 1;
}

/* Does @port carry VLAN @vlan (as an egress for floods)? */
static bool port_carries(const struct sw_port *port, uint16_t vlan)
{
	if (port->mode == SW_PORT_ACCESS)
		return port->vlan == vlan;
	return port->native_vlan == vlan || vlan_allowed(port, vlan);
}

/*
 * VLAN of frame @p arriving on @in; sets *tagged if it still carries its
 * tag. Return: the VLAN, or 0 to drop the frame for reason *why.
 */
static uint16_t ingress_vlan(const struct sw_port *in, struct pkt *p,
			     bool *tagged, enum switch_counter *why)
{
	const uint8_t *d = pkt_data(p);
	bool access = in->mode == SW_PORT_ACCESS;
	uint16_t vid;

	*why = SWITCH_C_DROP_VLAN;
	*tagged = d[12] == 0x81 && d[13] == 0x00;
	if (likely(!*tagged))
		return access ? in->vlan : in->native_vlan;
	if (unlikely(p->len < VLAN_HLEN_)) {
		*why = SWITCH_C_DROP_SHORT;
		return 0;
	}
	vid = (uint16_t)((d[14] << 8 | d[15]) & 0x0fff);
	if (!vid || access) {
		/*
		 * Priority tag, or a tag on an access port: the frame is
		 * untagged from here on. The pop cannot fail (length checked).
		 */
		if (access && vid && vid != in->vlan)
			return 0;
		*tagged = false;
		if (pkt_vlan_pop(p))
			return 0;
		return access ? in->vlan : in->native_vlan;
	}
	return vid == in->native_vlan || vlan_allowed(in, vid) ? vid : 0;
}

/*
 * Learn source @key seen on port @in when it is new, expired or moved; @e
 * is its entry if any. Return: false to drop the frame (port MAC limit).
 */
static bool learn_slow(struct switch_node *sw, uint16_t in,
		       union mac_key key, struct mac_entry *e, uint32_t now_s)
{
	struct mac_table *t = &sw->macs;
	uint32_t limit = sw->ports[in].mac_limit;

	if (e && sw->mac_gone)
		sw->mac_gone(sw->offload_ctx, sw, key.vlan, key.raw &
			     0xffffffffffffULL);
	if (e && mac_entry_expired(t, e, now_s)) {
		mac_table_remove(t, e);
		sw->counters[SWITCH_C_AGED]++;
		e = NULL;
	}
	if (limit && mac_table_port_macs(t, in) >= limit)
		return false;
	if (e) {
		mac_table_move(t, e, in, now_s);
		sw->counters[SWITCH_C_MOVED]++;
	} else if (mac_table_insert(t, key, in, now_s)) {
		sw->counters[SWITCH_C_DROP_TABLE_FULL]++;
	} else {
		sw->counters[SWITCH_C_LEARNED]++;
	}
	return true;
}

static inline bool learn(struct switch_node *sw, uint16_t in,
			 union mac_key key, uint32_t hash, uint32_t now_s)
{
	struct mac_entry *e = mac_table_find_at(&sw->macs, key, hash);

	if (likely(e && e->port == in &&
		   !mac_entry_expired(&sw->macs, e, now_s))) {
		if (e->seen_s != now_s)
			e->seen_s = now_s;
		return true;
	}
	return learn_slow(sw, in, key, e, now_s);
}

static void flush(struct switch_node *sw, uint16_t port)
{
	struct pkt_batch *b = &sw->out[port];

	sw->tx(sw->ctx, sw->ports[port].port_id, b->pkts, b->n);
	b->n = 0;
}

/* Queue @p, in VLAN @vlan and tagged or not, for egress on @port. */
static void output(struct switch_node *sw, uint16_t port, struct pkt *p,
		   uint16_t vlan, bool tagged)
{
	const struct sw_port *out = &sw->ports[port];
	bool want = out->mode == SW_PORT_TRUNK && vlan != out->native_vlan;
	struct pkt_batch *b = &sw->out[port];

	if (unlikely(want != tagged) &&
	    (want ? pkt_vlan_push(p, vlan) : pkt_vlan_pop(p))) {
		drop(sw, p, SWITCH_C_DROP_TAG);
		return;
	}
	if (!sw->queued[port]) {
		sw->queued[port] = 1;
		sw->active[sw->nactive++] = port;
	}
	pkt_batch_add(b, p);
	if (unlikely(b->n == PKT_BURST))
		flush(sw, port);
}

/*
 * Send @p to every port but @in that carries @vlan, copies to all but one.
 * Return: SW_PASSED, or why @p is to be dropped.
 */
static enum switch_counter flood(struct switch_node *sw, uint16_t in,
				 struct pkt *p, uint16_t vlan, bool tagged)
{
	uint16_t dsts[SWITCH_MAX_PORTS];
	unsigned int n = 0, i;

	for (i = 0; i < sw->nports; i++) {
		if (i != in && sw->ports[i].used &&
		    port_carries(&sw->ports[i], vlan))
			dsts[n++] = (uint16_t)i;
	}
	if (!n)
		return SWITCH_C_DROP_NO_DEST;
	sw->counters[SWITCH_C_FLOODED]++;
	for (i = 0; i + 1 < n; i++) {
		struct pkt *c = pkt_clone(sw->pool, p);

		if (!c) {
			sw->counters[SWITCH_C_DROP_NOMEM] += n - 1 - i;
			break;
		}
		output(sw, dsts[i], c, vlan, tagged);
	}
	output(sw, dsts[n - 1], p, vlan, tagged);
	return SW_PASSED;
}

/*
 * What the first pass over a batch finds out about a frame, for the second.
 * The hashes are where the searches start; they stay valid while the second
 * pass changes the table, since a key's hash never changes.
 */
struct sw_desc {
	union mac_key src;
	union mac_key dst;
	uint32_t src_hash;
	uint32_t dst_hash;
	uint16_t vlan;
	bool tagged;
	bool flood;                /* destination is multicast or broadcast */
};

/*
 * First pass for one frame on port @in: check it, find its VLAN and keys,
 * and prefetch the table slots the second pass will read.
 * Return: SW_PASSED, or why the frame is to be dropped.
 */
static enum switch_counter classify(const struct switch_node *sw,
				    uint16_t in, struct pkt *p,
				    struct sw_desc *desc)
{
	const struct mac_table *t = &sw->macs;
	enum switch_counter why;
	const uint8_t *d;

	if (unlikely(p->len < ETH_HLEN_))
		return SWITCH_C_DROP_SHORT;
	desc->vlan = ingress_vlan(&sw->ports[in], p, &desc->tagged, &why);
	if (unlikely(!desc->vlan))
		return why;
	d = pkt_data(p);
	if (unlikely(d[ETH_ALEN_] & 1))
		return SWITCH_C_DROP_SRC_MCAST;
	desc->src = make_key(desc->vlan, load_mac(d + ETH_ALEN_));
	desc->src_hash = mac_table_hash(t, desc->src);
	__builtin_prefetch(&t->slots[desc->src_hash]);
	desc->flood = d[0] & 1;
	if (desc->flood)
		return SW_PASSED;
	desc->dst = make_key(desc->vlan, load_mac(d));
	desc->dst_hash = mac_table_hash(t, desc->dst);
	__builtin_prefetch(&t->slots[desc->dst_hash]);
	return SW_PASSED;
}

/* Tell the fast path about a frame going from @in to @out. */
static void offer(struct switch_node *sw, uint16_t in, uint16_t out,
		  const struct sw_desc *desc)
{
	const struct sw_port *o = &sw->ports[out];
	struct sw_flow f = {
		.src = desc->src.raw & 0xffffffffffffULL,
		.dst = desc->dst.raw & 0xffffffffffffULL,
		.vlan = desc->vlan, .in = in, .out = out,
		.tagged_in = desc->tagged,
		.tagged_out = o->mode == SW_PORT_TRUNK &&
			      desc->vlan != o->native_vlan,
	};

	sw->offload(sw->offload_ctx, sw, &f);
}

/*
 * Second pass for one classified frame on port @in: learn its source, then
 * forward, flood or drop it.
 * Return: SW_PASSED if @p was handed on, or why it is to be dropped.
 */
static enum switch_counter forward(struct switch_node *sw, uint16_t in,
				   struct pkt *p, const struct sw_desc *desc,
				   uint32_t now_s)
{
	struct mac_entry *e;

	if (unlikely(!learn(sw, in, desc->src, desc->src_hash, now_s)))
		return SWITCH_C_DROP_LIMIT;
	if (desc->flood)
		return flood(sw, in, p, desc->vlan, desc->tagged);
	e = mac_table_find_at(&sw->macs, desc->dst, desc->dst_hash);
	if (!e || mac_entry_expired(&sw->macs, e, now_s))
		return flood(sw, in, p, desc->vlan, desc->tagged);
	if (unlikely(e->port == in))
		return SWITCH_C_DROP_SAME_PORT;
	sw->counters[SWITCH_C_FORWARDED]++;
	if (unlikely(sw->offload_ports[in] && sw->offload_ports[e->port]))
		offer(sw, in, e->port, desc);
	output(sw, e->port, p, desc->vlan, desc->tagged);
	return SW_PASSED;
}

/* Both passes over up to PKT_BURST frames from port @in. */
static void input_burst(struct switch_node *sw, uint16_t in,
			struct pkt **pkts, unsigned int n, uint32_t now_s)
{
	struct sw_desc descs[PKT_BURST];
	uint8_t verdicts[PKT_BURST];
	unsigned int i;

	for (i = 0; i < n; i++)
		verdicts[i] = (uint8_t)classify(sw, in, pkts[i], &descs[i]);
	for (i = 0; i < n; i++) {
		enum switch_counter why = verdicts[i];

		if (likely(why == SW_PASSED))
			why = forward(sw, in, pkts[i], &descs[i], now_s);
		if (unlikely(why != SW_PASSED))
			drop(sw, pkts[i], why);
	}
}

/**
 * switch_input() - switch a batch of frames received on one port
 * @sw: the switch
 * @sw_port: switch port they arrived on
 * @pkts: the frames, from the switch's pool; the switch takes ownership
 * @n: how many; any number (the dataplane gives at most PKT_BURST)
 * @now_ns: current time (CLOCK_MONOTONIC), for learning and aging
 *
 * Every frame is forwarded, flooded or dropped with a counted reason. The
 * tx callback is called once per egress port (more only if more than
 * PKT_BURST frames go to one port) and must not re-enter switch_input() on
 * the same switch.
 */
void switch_input(struct switch_node *sw, uint16_t sw_port,
		  struct pkt **pkts, unsigned int n, uint64_t now_ns)
{
	uint32_t now_s = (uint32_t)(now_ns / NSEC_PER_SEC_);
	unsigned int i;

	if (unlikely(sw_port >= sw->nports || !sw->ports[sw_port].used)) {
		sw->counters[SWITCH_C_DROP_NO_PORT] += n;
		pkt_free_bulk(sw->pool, pkts, n);
		return;
	}
	for (i = 0; i < n; i += PKT_BURST)
		input_burst(sw, sw_port, pkts + i,
			    n - i < PKT_BURST ? n - i : PKT_BURST, now_s);
	for (i = 0; i < sw->nactive; i++) {
		uint16_t port = sw->active[i];

		if (sw->out[port].n)
			flush(sw, port);
		sw->queued[port] = 0;
	}
	sw->nactive = 0;
}
