// SPDX-License-Identifier: MIT
/*
 * router.c - the IPv4 router's per-packet path: VLAN pop on tagged
 * uplinks, parse, ARP, DHCP, conntrack and NAT, local delivery (echo
 * replies, port unreachable), forwarding by longest prefix match with the
 * TTL and MTU checks, ICMP errors, next-hop resolution and per-interface
 * output batches. The set-up side, the tick and the accessors are in
 * router_config.c; the tables are the tested modules of src/l3 and src/ct.
 *
 * One frame, in order (rx_frame()):
 *
 *	VLAN check/pop -> pkt_parse -> destination MAC is ours or group
 *	ARP  -> arp_input: reply out the same interface; a resolved entry
 *	        releases the packets that waited for it
 *	IPv4 -> header checksum -> DHCP to the interface's server
 *	     -> broadcast/multicast: drop
 *	     -> ct_process, nat_prerouting (new flows), nat_apply (DNAT and
 *	        replies of translated flows)
 *	     -> own address: echo reply, or port unreachable
 *	     -> else forward: route, TTL/MTU, nat_postrouting (new flows:
 *	        masquerade, hairpin), TTL - 1, ARP, output
 *	else -> drop (DROP_OTHER)
 *
 * Packets the router makes itself (echo replies, ICMP errors) take
 * router_local_out(): conntrack (so an error about a translated packet is
 * translated back, as Linux's nf_nat_icmp_reply_translation does), route,
 * ARP, output, no TTL decrement.
 *
 * Conntrack entries are used one packet at a time: a pointer from
 * ct_process() is dead after the next ct call. The one exception is
 * kill_new() after an ICMP error went through router_local_out(): the
 * error's ct_process() only looks flows up (ct_icmp_error()), which frees
 * expired entries only, and a flow created by the packet being handled is
 * not expired. A flow whose first packet is dropped is killed, so that the
 * next packet of the same 5-tuple creates it again and gets its NAT set up
 * (otherwise a TCP traceroute through a masquerading uplink would leak
 * inside addresses from its second probe on).
 *
 * Output never calls tx per packet: router_output() appends to the batch
 * of the interface, router_flush() hands each touched batch to tx once at
 * the end of router_input() (a full batch goes at once). tx may not
 * re-enter the router within the call; the dataplane's links queue, so it
 * does not.
 */
#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "../core/parse.h"
#include "../l3/ipv4_fwd.h"
#include "router_priv.h"

enum {
	NS_PER_MS = 1000000,
	ETH_HLEN_ = 14,
	VLAN_HLEN_ = 18,
	IPPROTO_ICMP_ = 1,
	IPPROTO_TCP_ = 6,
	IPPROTO_UDP_ = 17,
};

/* A verdict for a packet handed on: not a drop reason */
#define ROUTER_PASSED ROUTER_C_MAX

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

static inline uint64_t now_ms(const struct router *r)
{
	return r->now_ns / NS_PER_MS;
}

static void drop(struct router *r, struct pkt *p, enum router_counter c)
{
	r->counters[c]++;
	pkt_free(r->pool, p);
}

static void flush_one(struct router *r, unsigned int ifidx)
{
	struct pkt_batch *b = &r->out[ifidx];

	r->tx(r->tx_ctx, r->ifs[ifidx].cfg.port_id, b->pkts, b->n);
	b->n = 0;
}

/**
 * router_output() - queue a finished frame for transmission
 * @r: the router
 * @ifidx: output interface
 * @p: the frame, untagged, MAC addresses set; ownership passes
 *
 * Pushes the interface's 802.1Q tag if it has one. The batch goes to tx
 * when full or at router_flush().
 */
void router_output(struct router *r, unsigned int ifidx, struct pkt *p)
{
	uint16_t vlan = r->ifs[ifidx].cfg.vlan;
	struct pkt_batch *b = &r->out[ifidx];

	if (unlikely(vlan) && pkt_vlan_push(p, vlan)) {
		drop(r, p, ROUTER_C_DROP_VLAN);
		return;
	}
	if (!r->queued[ifidx]) {
		r->queued[ifidx] = 1;
		r->active[r->nactive++] = (uint16_t)ifidx;
	}
	pkt_batch_add(b, p);
	if (unlikely(b->n == PKT_BURST))
		flush_one(r, ifidx);
}

/**
 * router_flush() - hand every non-empty output batch to tx, once each
 * @r: the router
 */
void router_flush(struct router *r)
{
	unsigned int i;

	for (i = 0; i < r->nactive; i++) {
		uint16_t ifidx = r->active[i];

		if (r->out[ifidx].n)
			flush_one(r, ifidx);
		r->queued[ifidx] = 0;
	}
	r->nactive = 0;
}

/* Is @a (network order) an address of one of the router's interfaces? */
static bool is_own(const struct router *r, uint32_t a)
{
	unsigned int i;

	for (i = 0; i < r->nifs; i++)
		if (r->ifs[i].addr == a)
			return true;
	return false;
}

/* Limited or subnet-directed broadcast, multicast, class E, or 0.0.0.0. */
static bool is_group(const struct router *r, uint32_t a)
{
	unsigned int i;

	if (ntohl(a) >> 28 >= 0xe || !a)
		return true;
	for (i = 0; i < r->nifs; i++)
		if (r->ifs[i].bcast == a)
			return true;
	return false;
}

static void send_solicit(struct router *r, unsigned int ifidx,
			 const struct arp_entry *e)
{
	struct pkt *q = pkt_alloc(r->pool);

	if (!q) {
		r->counters[ROUTER_C_DROP_NOMEM]++;
		return;
	}
	arp_build_solicit(q, &r->ifs[ifidx].arp, e);
	r->counters[ROUTER_C_ARP_TX]++;
	router_output(r, ifidx, q);
}

/* Send IPv4 packet @p out @ifidx to next hop @nh, resolving it first. */
static void send_ip(struct router *r, unsigned int ifidx, uint32_t nh,
		    struct pkt *p)
{
	const struct arp_entry *sol;
	uint8_t mac[6];

	if (arp_resolve(&r->arp, (uint16_t)ifidx, nh, p, r->now_ns, mac,
			&sol) == ARP_RES_HIT) {
		ipv4_eth_rewrite(p, mac, r->ifs[ifidx].cfg.mac);
		router_output(r, ifidx, p);
	}
	if (sol)
		send_solicit(r, ifidx, sol);
}

/**
 * router_local_out() - send a packet the router made (echo reply, ICMP
 * error): conntrack and NAT for it, route, ARP, output
 * @r: the router
 * @q: an Ethernet + IPv4 frame, untagged; ownership passes
 *
 * An ICMP error about a translated packet is RELATED to its flow and gets
 * translated back to what its receiver sent. The TTL is left alone.
 */
void router_local_out(struct router *r, struct pkt *q)
{
	const struct route_entry *rt;
	struct ct_result res;
	struct pkt_meta m;
	uint32_t dst;

	if (pkt_parse(pkt_data(q), q->len, &m) || m.l3 != PKT_L3_IPV4) {
		drop(r, q, ROUTER_C_DROP_PARSE);
		return;
	}
	if (ct_process(&r->ct, pkt_data(q), &m, now_ms(r), &res) !=
		    CT_INVALID &&
	    nat_apply(&r->nat, res.e, q, &m, (enum ct_dir)res.dir)) {
		drop(r, q, ROUTER_C_DROP_NAT);
		return;
	}
	dst = pkt_addr_v4(&m.dst);
	if (is_own(r, dst) || is_group(r, dst)) {
		drop(r, q, ROUTER_C_DROP_LOCAL);
		return;
	}
	rt = route_lookup(&r->routes, dst);
	if (!rt) {
		drop(r, q, ROUTER_C_DROP_NO_ROUTE);
		return;
	}
	send_ip(r, rt->ifindex, route_nexthop(rt, dst), q);
}

/*
 * Send an ICMP error about @p (described by @m, which matches its bytes)
 * from @saddr, if the rules and the rate limit allow. @p is not consumed.
 */
static void send_error(struct router *r, const struct pkt *p,
		       const struct pkt_meta *m, uint8_t type, uint8_t code,
		       uint32_t info, uint32_t saddr)
{
	struct pkt *q;

	if (!icmp_error_allowed(&r->icmp, p, m, r->now_ns) ||
	    is_group(r, pkt_addr_v4(&m->src)))
		return;
	q = pkt_alloc(r->pool);
	if (!q) {
		r->counters[ROUTER_C_DROP_NOMEM]++;
		return;
	}
	if (icmp_build_error(&r->icmp, q, p, m, type, code, info, saddr)) {
		pkt_free(r->pool, q);
		return;
	}
	r->counters[ROUTER_C_ICMP_ERRORS]++;
	router_local_out(r, q);
}

/* The packet that created res->e is dropped: forget the flow too. */
static void kill_new(struct router *r, const struct ct_result *res)
{
	if (res->created && res->e)
		ct_entry_kill(&r->ct, res->e);
}

/* Release the packets that waited for @e, now resolved. */
static void release(struct router *r, struct arp_entry *e)
{
	struct pkt *pkts[ARP_QUEUE_MAX];
	const uint8_t *src = r->ifs[e->ifindex].cfg.mac;
	unsigned int n, i;

	n = arp_drain(&r->arp, e, pkts);
	for (i = 0; i < n; i++) {
		ipv4_eth_rewrite(pkts[i], e->mac, src);
		router_output(r, e->ifindex, pkts[i]);
	}
}

static void rx_arp(struct router *r, unsigned int in, struct pkt *p,
		   const struct pkt_meta *m)
{
	struct arp_entry *e;

	r->counters[ROUTER_C_ARP_RX]++;
	if (arp_input(&r->arp, &r->ifs[in].arp, p, m, r->now_ns, &e) ==
	    ARP_RX_REPLY) {
		r->counters[ROUTER_C_ARP_TX]++;
		router_output(r, in, p);
	} else {
		pkt_free(r->pool, p);
	}
	if (e)
		release(r, e);
}

/* A DHCP client message for the server on interface @in? */
static bool is_dhcp(const struct router *r, unsigned int in,
		    const struct pkt_meta *m)
{
	const struct router_if *ifc = &r->ifs[in];
	uint32_t dst = pkt_addr_v4(&m->dst);

	return ifc->dhcp && m->l4_proto == IPPROTO_UDP_ &&
	       (m->flags & PKT_F_L4) && !(m->flags & PKT_F_FRAG) &&
	       m->dst_port == DHCP_SERVER_PORT &&
	       (dst == INADDR_BROADCAST || dst == ifc->addr);
}

/* Answer a DHCP message in the buffer it came in (a reply fits easily). */
static void rx_dhcp(struct router *r, unsigned int in, struct pkt *p,
		    const struct pkt_meta *m)
{
	struct router_if *ifc = &r->ifs[in];
	struct dhcp_reply *rep = &r->dhcp_reply;
	struct in_addr src = {.s_addr = ifc->addr};
	int len;

	r->counters[ROUTER_C_DHCP]++;
	if (dhcp_server_input(ifc->dhcp, pkt_data(p) + m->payload_off,
			      m->payload_len, (uint64_t)time(NULL), rep) != 1) {
		pkt_free(r->pool, p);
		return;
	}
	pkt_reset(p);
	len = dhcp_frame_build(pkt_data(p), pkt_tailroom(p), rep, ifc->cfg.mac,
			       src);
	if (len < 0) {
		drop(r, p, ROUTER_C_DROP_OTHER);
		return;
	}
	p->len = (uint32_t)len;
	r->counters[ROUTER_C_DHCP_TX]++;
	router_output(r, in, p);
}

/* For the router itself: echo reply, or port unreachable, or nothing. */
static void rx_local(struct router *r, struct pkt *p, struct pkt_meta *m,
		     const struct ct_result *res)
{
	bool l4 = (m->flags & PKT_F_L4) && !(m->flags & PKT_F_FRAG);

	r->counters[ROUTER_C_LOCAL]++;
	if (l4 && m->l4_proto == IPPROTO_ICMP_ &&
	    m->icmp_type == ICMP_TYPE_ECHO) {
		if (icmp_echo_reply(&r->icmp, p, m)) {
			drop(r, p, ROUTER_C_DROP_LOCAL);
			return;
		}
		r->counters[ROUTER_C_ECHO_REPLIES]++;
		router_local_out(r, p);
		return;
	}
	if (l4 && (m->l4_proto == IPPROTO_UDP_ || m->l4_proto == IPPROTO_TCP_))
		send_error(r, p, m, ICMP_TYPE_DEST_UNREACH,
			   ICMP_CODE_PORT_UNREACH, 0, pkt_addr_v4(&m->dst));
	kill_new(r, res);
	drop(r, p, ROUTER_C_DROP_LOCAL);
}

/*
 * NAT after routing, for a flow's first packet: masquerade when @out does,
 * hairpin when it leaves where it came in. Return: ROUTER_PASSED or why
 * to drop.
 */
static enum router_counter postroute(struct router *r, unsigned int in,
				     unsigned int out, struct pkt *p,
				     struct pkt_meta *m,
				     const struct ct_result *res)
{
	const struct router_if *o = &r->ifs[out];
	unsigned int flags = 0;

	if (!res->e)
		/* untracked (or a fragment) must not leak inside addresses */
		return o->cfg.masquerade ? ROUTER_C_DROP_NAT : ROUTER_PASSED;
	if (!res->created)
		return ROUTER_PASSED;
	if (o->cfg.masquerade)
		flags |= NAT_OUT_MASQ;
	if (in == out)
		flags |= NAT_SAME_IF;
	if (nat_postrouting(&r->nat, &r->ct, res->e, &o->addr6, flags) < 0 ||
	    nat_apply(&r->nat, res->e, p, m, (enum ct_dir)res->dir))
		return ROUTER_C_DROP_NAT;
	return ROUTER_PASSED;
}

/*
 * The checks before forwarding out @out: TTL and MTU, with the ICMP error
 * each failure calls for, from the input interface's address (traceroute
 * shows the router). Return: ROUTER_PASSED or why to drop.
 */
static enum router_counter fwd_check(struct router *r, unsigned int in,
				     unsigned int out, const struct pkt *p,
				     const struct pkt_meta *m)
{
	uint32_t mtu = r->ifs[out].cfg.mtu, saddr = r->ifs[in].addr;

	switch (ipv4_fwd_check(p, m, mtu)) {
	case IPV4_FWD_OK:
		return ROUTER_PASSED;
	case IPV4_FWD_TTL_EXCEEDED:
		send_error(r, p, m, ICMP_TYPE_TIME_EXCEEDED,
			   ICMP_CODE_TTL_EXCEEDED, 0, saddr);
		return ROUTER_C_DROP_TTL;
	case IPV4_FWD_FRAG_NEEDED:
		send_error(r, p, m, ICMP_TYPE_DEST_UNREACH,
			   ICMP_CODE_FRAG_NEEDED, mtu, saddr);
		return ROUTER_C_DROP_MTU;
	default:
		return ROUTER_C_DROP_FRAG;
	}
}

static void forward(struct router *r, unsigned int in, struct pkt *p,
		    struct pkt_meta *m, const struct ct_result *res)
{
	uint32_t dst = pkt_addr_v4(&m->dst);
	const struct route_entry *rt = route_lookup(&r->routes, dst);
	enum router_counter why;

	if (unlikely(!rt)) {
		send_error(r, p, m, ICMP_TYPE_DEST_UNREACH,
			   ICMP_CODE_NET_UNREACH, 0, r->ifs[in].addr);
		why = ROUTER_C_DROP_NO_ROUTE;
		goto drop;
	}
	why = fwd_check(r, in, rt->ifindex, p, m);
	if (likely(why == ROUTER_PASSED))
		why = postroute(r, in, rt->ifindex, p, m, res);
	if (unlikely(why != ROUTER_PASSED))
		goto drop;
	if (res->e && (res->e->flags & CT_F_SNAT))
		r->counters[ROUTER_C_NAT_SNAT]++;
	if (res->e && (res->e->flags & CT_F_DNAT))
		r->counters[ROUTER_C_NAT_DNAT]++;
	ipv4_ttl_dec(p, m);
	r->counters[ROUTER_C_FORWARDED]++;
	send_ip(r, rt->ifindex, route_nexthop(rt, dst), p);
	return;
drop:
	kill_new(r, res);
	drop(r, p, why);
}

static void rx_ipv4(struct router *r, unsigned int in, struct pkt *p,
		    struct pkt_meta *m)
{
	struct ct_result res;

	if (unlikely(!ipv4_hdr_ok(p, m))) {
		drop(r, p, ROUTER_C_DROP_CSUM);
		return;
	}
	if (unlikely(is_dhcp(r, in, m))) {
		rx_dhcp(r, in, p, m);
		return;
	}
	if (unlikely(is_group(r, pkt_addr_v4(&m->dst)))) {
		drop(r, p, ROUTER_C_DROP_BCAST);
		return;
	}
	if (ct_process(&r->ct, pkt_data(p), m, now_ms(r), &res) == CT_INVALID) {
		/* fragments are not tracked: route them without NAT */
		if (res.reason != CT_INV_FRAGMENT) {
			drop(r, p, ROUTER_C_DROP_CT);
			return;
		}
		res.e = NULL;
		res.created = false;
	}
	if (res.created && nat_prerouting(&r->nat, &r->ct, res.e) < 0) {
		drop(r, p, ROUTER_C_DROP_NAT);
		return;
	}
	if (nat_apply(&r->nat, res.e, p, m, (enum ct_dir)res.dir)) {
		kill_new(r, &res);
		drop(r, p, ROUTER_C_DROP_NAT);
		return;
	}
	if (is_own(r, pkt_addr_v4(&m->dst)))
		rx_local(r, p, m, &res);
	else
		forward(r, in, p, m, &res);
}

/*
 * The interface's tag on a tagged uplink: check and pop it. Untagged
 * interfaces take untagged frames only (checked after the parse).
 */
static enum router_counter rx_vlan(const struct router_if *ifc, struct pkt *p)
{
	const uint8_t *d = pkt_data(p);

	if (likely(!ifc->cfg.vlan))
		return ROUTER_PASSED;
	if (p->len < VLAN_HLEN_ || d[12] != 0x81 || d[13] != 0x00 ||
	    ((d[14] << 8 | d[15]) & 0x0fff) != ifc->cfg.vlan || pkt_vlan_pop(p))
		return ROUTER_C_DROP_VLAN;
	return ROUTER_PASSED;
}

static void rx_frame(struct router *r, unsigned int in, struct pkt *p)
{
	const struct router_if *ifc = &r->ifs[in];
	enum router_counter why = rx_vlan(ifc, p);
	struct pkt_meta m;

	if (unlikely(why != ROUTER_PASSED)) {
		drop(r, p, why);
		return;
	}
	if (unlikely(pkt_parse(pkt_data(p), p->len, &m))) {
		drop(r, p, ROUTER_C_DROP_PARSE);
		return;
	}
	if (unlikely(m.n_vlans)) {
		drop(r, p, ROUTER_C_DROP_VLAN);
		return;
	}
	if (!(m.dst_mac[0] & 1) && memcmp(m.dst_mac, ifc->cfg.mac, 6)) {
		drop(r, p, ROUTER_C_DROP_NOT_US);
		return;
	}
	if (likely(m.l3 == PKT_L3_IPV4))
		rx_ipv4(r, in, p, &m);
	else if (m.l3 == PKT_L3_ARP)
		rx_arp(r, in, p, &m);
	else
		drop(r, p, ROUTER_C_DROP_OTHER);
}

/**
 * router_input() - route a batch of frames received on one interface
 * @node: the router (struct router *; dp_input_fn signature)
 * @ifidx: the router interface they arrived on
 * @pkts: the frames, from the router's pool; ownership passes
 * @n: how many (any number)
 * @now_ns: current monotonic time
 *
 * Every frame is answered, forwarded, queued for ARP, or dropped with a
 * counted reason. Output goes to tx once per output interface (more only
 * if more than PKT_BURST frames go one way). Allocates nothing but packet
 * buffers (ARP requests, ICMP errors).
 */
void router_input(void *node, uint16_t ifidx, struct pkt **pkts, unsigned int n,
		  uint64_t now_ns)
{
	struct router *r = node;
	unsigned int i;

	r->counters[ROUTER_C_RX] += n;
	if (unlikely(ifidx >= r->nifs)) {
		r->counters[ROUTER_C_DROP_NO_IF] += n;
		pkt_free_bulk(r->pool, pkts, n);
		return;
	}
	r->now_ns = now_ns;
	for (i = 0; i < n; i++) {
		if (i + 1 < n)
			__builtin_prefetch(pkt_data(pkts[i + 1]));
		rx_frame(r, ifidx, pkts[i]);
	}
	router_flush(r);
}

/* The router's address on the interface facing @a (or on @fallback). */
static uint32_t addr_toward(const struct router *r, uint32_t a,
			    unsigned int fallback)
{
	const struct route_entry *rt = route_lookup(&r->routes, a);

	return r->ifs[rt ? rt->ifindex : fallback].addr;
}

/**
 * router_arp_solicit() - arp_tick() callback: send the request @e needs
 * @ctx: the router
 * @e: the entry; the request goes out its interface
 */
void router_arp_solicit(void *ctx, const struct arp_entry *e)
{
	send_solicit(ctx, e->ifindex, e);
}

/**
 * router_arp_unreach() - arp_tick() callback: @p waited for @e in vain
 * @ctx: the router
 * @e: the failed entry
 * @p: a packet that was to go to it; freed here
 *
 * The ICMP host unreachable is built now but sent after arp_tick()
 * returns (router_tick() drains r->defer): sending resolves addresses,
 * which would change the ARP cache during its walk.
 */
void router_arp_unreach(void *ctx, const struct arp_entry *e, struct pkt *p)
{
	struct router *r = ctx;
	struct pkt_meta m;
	struct pkt *q;

	r->counters[ROUTER_C_DROP_ARP]++;
	if (pkt_parse(pkt_data(p), p->len, &m) || m.l3 != PKT_L3_IPV4 ||
	    r->ndefer >= ROUTER_DEFER_MAX ||
	    !icmp_error_allowed(&r->icmp, p, &m, r->now_ns))
		goto out;
	q = pkt_alloc(r->pool);
	if (!q) {
		r->counters[ROUTER_C_DROP_NOMEM]++;
		goto out;
	}
	if (icmp_build_unreach(
		    &r->icmp, q, p, &m, ICMP_CODE_HOST_UNREACH,
		    addr_toward(r, pkt_addr_v4(&m.src), e->ifindex))) {
		pkt_free(r->pool, q);
		goto out;
	}
	r->counters[ROUTER_C_ICMP_ERRORS]++;
	r->defer[r->ndefer++] = q;
out:
	pkt_free(r->pool, p);
}
