// SPDX-License-Identifier: MIT
/*
 * arp.c - the router's ARP cache, its pending-packet queue and timers, the
 * decision to answer or ignore an ARP packet, and the ARP frame builders.
 * The state machine, learning rules and queue policy are described in
 * arp.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arp.h"

#define ARP_NONE_IDX UINT32_MAX

enum {
	ARPF_ETH = 14,
	ARPF_ARP = 28,
	ARPF_SHA = 8, /* offsets inside the ARP header */
	ARPF_SPA = 14,
	ARPF_THA = 18,
	ARPF_TPA = 24,
	ARPF_NS_PER_MS = 1000000,
};

static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t zero_mac[6];

static uint64_t ms_ns(uint32_t ms)
{
	return (uint64_t)ms * ARPF_NS_PER_MS;
}

static void config_defaults(struct arp_config *cfg)
{
	if (!cfg->capacity)
		cfg->capacity = ARP_CAPACITY_DEFAULT;
	if (!cfg->queue_total)
		cfg->queue_total = ARP_QUEUE_TOTAL_DEFAULT;
	if (!cfg->queue_per_entry)
		cfg->queue_per_entry = ARP_QUEUE_PER_ENTRY_DEFAULT;
	if (!cfg->max_probes)
		cfg->max_probes = ARP_MAX_PROBES_DEFAULT;
	if (!cfg->reachable_ms)
		cfg->reachable_ms = ARP_REACHABLE_MS_DEFAULT;
	if (!cfg->retrans_ms)
		cfg->retrans_ms = ARP_RETRANS_MS_DEFAULT;
	if (!cfg->stale_ms)
		cfg->stale_ms = ARP_STALE_MS_DEFAULT;
}

/**
 * arp_cache_init() - allocate an empty cache
 * @c: the cache
 * @cfg: sizes and timers, NULL or zero fields for the defaults
 * @pool: where packets the cache drops are freed to
 *
 * Return: 0; -EINVAL if capacity > ARP_CAPACITY_MAX, queue_per_entry >
 * ARP_QUEUE_MAX or max_probes > 255; -ENOMEM.
 */
int arp_cache_init(struct arp_cache *c, const struct arp_config *cfg,
		   struct pkt_pool *pool)
{
	uint32_t i, nb = 1;

	memset(c, 0, sizeof(*c));
	if (cfg)
		c->cfg = *cfg;
	config_defaults(&c->cfg);
	if (c->cfg.capacity > ARP_CAPACITY_MAX ||
	    c->cfg.queue_per_entry > ARP_QUEUE_MAX || c->cfg.max_probes > 255)
		return -EINVAL;
	while (nb < c->cfg.capacity)
		nb <<= 1;
	c->pool = pool;
	c->bucket_mask = nb - 1;
	c->entries = calloc(c->cfg.capacity, sizeof(*c->entries));
	c->buckets = malloc(nb * sizeof(*c->buckets));
	c->q_pkts = calloc(c->cfg.queue_total, sizeof(*c->q_pkts));
	c->q_next = malloc(c->cfg.queue_total * sizeof(*c->q_next));
	if (!c->entries || !c->buckets || !c->q_pkts || !c->q_next) {
		arp_cache_fini(c);
		return -ENOMEM;
	}
	for (i = 0; i < nb; i++)
		c->buckets[i] = ARP_NONE_IDX;
	for (i = 0; i < c->cfg.capacity; i++)
		c->entries[i].next =
			i + 1 < c->cfg.capacity ? i + 1 : ARP_NONE_IDX;
	for (i = 0; i < c->cfg.queue_total; i++)
		c->q_next[i] =
			i + 1 < c->cfg.queue_total ? i + 1 : ARP_NONE_IDX;
	return 0;
}

/**
 * arp_cache_fini() - free the cache and the packets still queued in it;
 * safe to call twice
 * @c: the cache
 */
void arp_cache_fini(struct arp_cache *c)
{
	uint32_t i;

	if (c->entries)
		for (i = 0; i < c->cfg.capacity; i++)
			if (c->entries[i].state != ARP_FREE)
				arp_cache_del(c, c->entries[i].ifindex,
					      c->entries[i].ip);
	free(c->entries);
	free(c->buckets);
	free(c->q_pkts);
	free(c->q_next);
	memset(c, 0, sizeof(*c));
}

/**
 * arp_cache_set_timers() - change timers at run time (control side)
 * @c: the cache
 * @reachable_ms: REACHABLE lifetime; 0 = unchanged
 * @retrans_ms: request interval; 0 = unchanged
 * @stale_ms: unused STALE lifetime; 0 = unchanged
 */
void arp_cache_set_timers(struct arp_cache *c, uint32_t reachable_ms,
			  uint32_t retrans_ms, uint32_t stale_ms)
{
	if (reachable_ms)
		c->cfg.reachable_ms = reachable_ms;
	if (retrans_ms)
		c->cfg.retrans_ms = retrans_ms;
	if (stale_ms)
		c->cfg.stale_ms = stale_ms;
}

static uint32_t bucket_of(const struct arp_cache *c, uint16_t ifindex,
			  uint32_t ip)
{
	uint64_t h = (uint64_t)ifindex << 32 | ip;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h & c->bucket_mask;
}

/**
 * arp_cache_find() - the entry for (@ifindex, @ip), in any state
 * @c: the cache
 * @ifindex: router interface
 * @ip: neighbour address, network byte order
 *
 * Return: the entry, or NULL.
 */
struct arp_entry *arp_cache_find(const struct arp_cache *c, uint16_t ifindex,
				 uint32_t ip)
{
	uint32_t i = c->buckets[bucket_of(c, ifindex, ip)];

	while (i != ARP_NONE_IDX) {
		struct arp_entry *e = &c->entries[i];

		if (e->ip == ip && e->ifindex == ifindex)
			return e;
		i = e->next;
	}
	return NULL;
}

static struct pkt *q_pop(struct arp_cache *c, struct arp_entry *e)
{
	uint32_t s = e->qhead;
	struct pkt *p;

	if (s == ARP_NONE_IDX)
		return NULL;
	p = c->q_pkts[s];
	e->qhead = c->q_next[s];
	if (e->qhead == ARP_NONE_IDX)
		e->qtail = ARP_NONE_IDX;
	e->qlen--;
	c->q_next[s] = c->q_free;
	c->q_free = s;
	c->q_used--;
	return p;
}

static void q_push(struct arp_cache *c, struct arp_entry *e, struct pkt *p)
{
	uint32_t s;

	if (e->qlen >= c->cfg.queue_per_entry) {
		pkt_free(c->pool, q_pop(c, e));
		c->counters[ARP_C_DROP_QUEUE_OLDEST]++;
	}
	s = c->q_free;
	if (s == ARP_NONE_IDX) {
		pkt_free(c->pool, p);
		c->counters[ARP_C_DROP_QUEUE_FULL]++;
		return;
	}
	c->q_free = c->q_next[s];
	c->q_pkts[s] = p;
	c->q_next[s] = ARP_NONE_IDX;
	if (e->qtail == ARP_NONE_IDX)
		e->qhead = s;
	else
		c->q_next[e->qtail] = s;
	e->qtail = s;
	e->qlen++;
	c->q_used++;
	c->counters[ARP_C_QUEUED]++;
}

static void entry_unlink(struct arp_cache *c, struct arp_entry *e)
{
	uint32_t idx = (uint32_t)(e - c->entries);
	uint32_t *link = &c->buckets[bucket_of(c, e->ifindex, e->ip)];
	struct pkt *p;

	while ((p = q_pop(c, e))) {
		pkt_free(c->pool, p);
		c->counters[ARP_C_DROP_FLUSHED]++;
	}
	while (*link != idx)
		link = &c->entries[*link].next;
	*link = e->next;
	memset(e, 0, sizeof(*e));
	e->next = c->free_head;
	c->free_head = idx;
	c->count--;
}

/* Make room by deleting one idle STALE entry near the eviction cursor. */
static bool evict_one(struct arp_cache *c)
{
	uint32_t n;

	for (n = 0; n < ARP_EVICT_SCAN; n++) {
		struct arp_entry *e = &c->entries[c->evict_pos];

		c->evict_pos = (c->evict_pos + 1) % c->cfg.capacity;
		if (e->state == ARP_STALE && !e->probes) {
			entry_unlink(c, e);
			c->counters[ARP_C_EVICTED]++;
			return true;
		}
	}
	return false;
}

static struct arp_entry *entry_new(struct arp_cache *c, uint16_t ifindex,
				   uint32_t ip, uint8_t state, uint64_t now_ns)
{
	uint32_t idx, b;
	struct arp_entry *e;

	if (c->free_head == ARP_NONE_IDX && !evict_one(c))
		return NULL;
	idx = c->free_head;
	e = &c->entries[idx];
	c->free_head = e->next;
	memset(e, 0, sizeof(*e));
	e->ip = ip;
	e->ifindex = ifindex;
	e->state = state;
	e->confirmed_ns = now_ns;
	e->used_ns = now_ns;
	e->qhead = e->qtail = ARP_NONE_IDX;
	b = bucket_of(c, ifindex, ip);
	e->next = c->buckets[b];
	c->buckets[b] = idx;
	c->count++;
	return e;
}

/**
 * arp_cache_add_static() - add or overwrite a PERMANENT entry (control)
 * @c: the cache
 * @ifindex: router interface
 * @ip: neighbour address, network byte order
 * @mac: its MAC
 *
 * Packets queued on an INCOMPLETE entry it replaces are freed (counted as
 * drop_flushed).
 *
 * Return: 0, or -ENOSPC if the cache is full.
 */
int arp_cache_add_static(struct arp_cache *c, uint16_t ifindex, uint32_t ip,
			 const uint8_t mac[6])
{
	struct arp_entry *e = arp_cache_find(c, ifindex, ip);

	if (e)
		entry_unlink(c, e);
	e = entry_new(c, ifindex, ip, ARP_PERMANENT, 0);
	if (!e)
		return -ENOSPC;
	memcpy(e->mac, mac, 6);
	return 0;
}

/**
 * arp_cache_del() - delete an entry of any state (control side)
 * @c: the cache
 * @ifindex: router interface
 * @ip: neighbour address, network byte order
 *
 * Return: 0, or -ENOENT.
 */
int arp_cache_del(struct arp_cache *c, uint16_t ifindex, uint32_t ip)
{
	struct arp_entry *e = arp_cache_find(c, ifindex, ip);

	if (!e)
		return -ENOENT;
	entry_unlink(c, e);
	return 0;
}

/**
 * arp_cache_flush_iface() - delete every entry on an interface, static
 * ones included, as when the interface goes away
 * @c: the cache
 * @ifindex: router interface
 *
 * Return: entries deleted.
 */
unsigned int arp_cache_flush_iface(struct arp_cache *c, uint16_t ifindex)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < c->cfg.capacity; i++) {
		struct arp_entry *e = &c->entries[i];

		if (e->state != ARP_FREE && e->ifindex == ifindex) {
			entry_unlink(c, e);
			n++;
		}
	}
	return n;
}

/**
 * arp_cache_next() - iterate over the entries in use, for `show arp`
 * @c: the cache
 * @pos: cursor; start at 0
 *
 * Return: the next entry, or NULL at the end.
 */
const struct arp_entry *arp_cache_next(const struct arp_cache *c, uint32_t *pos)
{
	while (*pos < c->cfg.capacity) {
		const struct arp_entry *e = &c->entries[(*pos)++];

		if (e->state != ARP_FREE)
			return e;
	}
	return NULL;
}

static void start_probe(struct arp_cache *c, struct arp_entry *e,
			uint64_t now_ns, const struct arp_entry **solicit)
{
	e->probes = 1;
	e->probe_ns = now_ns + ms_ns(c->cfg.retrans_ms);
	c->counters[ARP_C_TX_REQUEST]++;
	*solicit = e;
}

/**
 * arp_resolve() - the MAC to send a packet to, or hold the packet until it
 * is known (per packet)
 * @c: the cache
 * @ifindex: output interface
 * @ip: next hop, network byte order (route_nexthop())
 * @p: the packet to send
 * @now_ns: monotonic time
 * @mac: set to the next hop's MAC on ARP_RES_HIT
 * @solicit: set to an entry when a request must be sent now (build it with
 *	arp_build_solicit()), else NULL; independent of the result
 *
 * Return: ARP_RES_HIT: the caller sends @p to @mac. ARP_RES_HELD: the
 * cache owns @p now: queued until resolution (then arp_drain() after
 * arp_input(), or arp_tick()'s unreach), or dropped and counted.
 */
enum arp_res arp_resolve(struct arp_cache *c, uint16_t ifindex, uint32_t ip,
			 struct pkt *p, uint64_t now_ns, uint8_t mac[6],
			 const struct arp_entry **solicit)
{
	struct arp_entry *e = arp_cache_find(c, ifindex, ip);

	*solicit = NULL;
	if (e && e->state != ARP_INCOMPLETE) {
		if (e->state == ARP_REACHABLE &&
		    now_ns - e->confirmed_ns >= ms_ns(c->cfg.reachable_ms))
			e->state = ARP_STALE;
		if (e->state == ARP_STALE && !e->probes)
			start_probe(c, e, now_ns, solicit);
		e->used_ns = now_ns;
		memcpy(mac, e->mac, 6);
		return ARP_RES_HIT;
	}
	if (!e) {
		e = entry_new(c, ifindex, ip, ARP_INCOMPLETE, now_ns);
		if (!e) {
			pkt_free(c->pool, p);
			c->counters[ARP_C_DROP_TABLE_FULL]++;
			return ARP_RES_HELD;
		}
		start_probe(c, e, now_ns, solicit);
	}
	e->used_ns = now_ns;
	q_push(c, e, p);
	return ARP_RES_HELD;
}

/**
 * arp_drain() - take the packets queued on a resolved entry
 * @c: the cache
 * @e: the entry arp_input() returned in @resolved
 * @out: room for ARP_QUEUE_MAX packets; the caller owns them after
 *
 * Return: number of packets, in the order they were queued.
 */
unsigned int arp_drain(struct arp_cache *c, struct arp_entry *e,
		       struct pkt **out)
{
	unsigned int n = 0;
	struct pkt *p;

	while (n < ARP_QUEUE_MAX && (p = q_pop(c, e)))
		out[n++] = p;
	c->counters[ARP_C_RELEASED] += n;
	return n;
}

static bool mac_unicast(const uint8_t *mac)
{
	return !(mac[0] & 1) && memcmp(mac, zero_mac, 6);
}

/* Could be a neighbour's address: not 0/8, 127/8, multicast or class E. */
static bool ip_unicast(uint32_t ip)
{
	uint32_t h = ntohl(ip);

	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 28) < 0xe;
}

/**
 * arp_iface_owns() - is @ip one of the interface's addresses
 * @ifc: the interface
 * @ip: address, network byte order
 *
 * Return: true if configured on @ifc.
 */
bool arp_iface_owns(const struct arp_iface *ifc, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < ifc->n_addrs && i < ARP_IFACE_ADDRS; i++)
		if (ifc->addrs[i] == ip)
			return true;
	return false;
}

/**
 * arp_iface_src() - the interface address to send a request for @target
 * from: the one whose subnet holds @target, else the first
 * @ifc: the interface
 * @target: address asked for, network byte order
 *
 * Return: an address, network byte order; 0 if @ifc has none.
 */
uint32_t arp_iface_src(const struct arp_iface *ifc, uint32_t target)
{
	unsigned int i;

	for (i = 0; i < ifc->n_addrs && i < ARP_IFACE_ADDRS; i++) {
		uint32_t mask = ifc->plens[i] ? ~0u << (32 - ifc->plens[i]) : 0;

		if (!((ntohl(ifc->addrs[i]) ^ ntohl(target)) & mask))
			return ifc->addrs[i];
	}
	return ifc->n_addrs ? ifc->addrs[0] : 0;
}

/*
 * Record what an ARP packet says about its sender. Creates an entry only
 * if @create; @confirm (a reply to us) makes it REACHABLE.
 * Return: the entry if it was INCOMPLETE and is now resolved.
 */
static struct arp_entry *learn(struct arp_cache *c, uint16_t ifindex,
			       uint32_t ip, const uint8_t *sha, bool create,
			       bool confirm, uint64_t now_ns)
{
	struct arp_entry *e = arp_cache_find(c, ifindex, ip);
	bool was_incomplete;

	if (!e) {
		if (create &&
		    (e = entry_new(c, ifindex, ip, ARP_STALE, now_ns))) {
			memcpy(e->mac, sha, 6);
			c->counters[ARP_C_LEARNED]++;
		}
		return NULL;
	}
	if (e->state == ARP_PERMANENT)
		return NULL;
	was_incomplete = e->state == ARP_INCOMPLETE;
	if (!was_incomplete && memcmp(e->mac, sha, 6)) {
		c->counters[ARP_C_MAC_CHANGED]++;
		e->state = ARP_STALE;
		e->probes = 0;
	}
	memcpy(e->mac, sha, 6);
	if (confirm) {
		e->state = ARP_REACHABLE;
		e->confirmed_ns = now_ns;
		e->probes = 0;
		c->counters[ARP_C_CONFIRMED]++;
	} else if (was_incomplete) {
		e->state = ARP_STALE;
		e->probes = 0;
	}
	if (!was_incomplete)
		return NULL;
	c->counters[ARP_C_RESOLVED]++;
	return e;
}

static void write_arp(uint8_t *a, uint16_t op, const uint8_t *sha, uint32_t spa,
		      const uint8_t *tha, uint32_t tpa)
{
	static const uint8_t fixed[6] = {0, 1, 8, 0, 6, 4};
	uint16_t be_op = htons(op);

	memcpy(a, fixed, 6);
	memcpy(a + 6, &be_op, 2);
	memcpy(a + ARPF_SHA, sha, 6);
	memcpy(a + ARPF_SPA, &spa, 4);
	memcpy(a + ARPF_THA, tha, 6);
	memcpy(a + ARPF_TPA, &tpa, 4);
}

/* Turn the request in @p into our reply for @tpa, keeping any VLAN tags. */
static void reply_in_place(struct pkt *p, const struct pkt_meta *m,
			   const struct arp_iface *ifc, uint32_t spa,
			   uint32_t tpa)
{
	uint8_t *d = pkt_data(p), *a = d + m->l3_off, sha[6];

	memcpy(sha, a + ARPF_SHA, 6);
	memcpy(d, sha, 6);
	memcpy(d + 6, ifc->mac, 6);
	write_arp(a, ARP_OP_REPLY, ifc->mac, tpa, sha, spa);
	p->len = m->l3_off + ARPF_ARP;
	p->vnet = (struct virtio_net_hdr){0};
}

/* Checks on the sender of an ARP packet; the reason, or ARP_C_MAX if OK. */
static enum arp_counter check_sender(const struct arp_iface *ifc,
				     const uint8_t *sha, uint32_t spa,
				     uint32_t tpa, uint16_t op)
{
	if (!mac_unicast(sha) || !memcmp(sha, ifc->mac, 6))
		return ARP_C_IGN_BAD_SENDER_MAC;
	if (arp_iface_owns(ifc, spa))
		return ARP_C_IGN_CONFLICT;
	if (!spa && op == ARP_OP_REQUEST && arp_iface_owns(ifc, tpa))
		return ARP_C_MAX; /* RFC 5227 probe for our address */
	if (!ip_unicast(spa))
		return ARP_C_IGN_BAD_SENDER_IP;
	return ARP_C_MAX;
}

/**
 * arp_input() - process an ARP frame received on a router interface
 * @c: the cache
 * @ifc: the interface it arrived on
 * @p: the frame (m->l3 == PKT_L3_ARP)
 * @m: its descriptor
 * @now_ns: monotonic time
 * @resolved: set to an entry that this frame resolved (INCOMPLETE before),
 *	whose queued packets the caller now sends with arp_drain(); else NULL
 *
 * Learns from the sender as arp.h describes, and answers a request for one
 * of @ifc's own addresses by rewriting @p into the reply (Ethernet and ARP
 * addresses swapped, our MAC as sender, VLAN tags kept, padding trimmed).
 *
 * Return: ARP_RX_REPLY: send @p out @ifc. ARP_RX_CONSUMED: free @p.
 */
enum arp_rx arp_input(struct arp_cache *c, const struct arp_iface *ifc,
		      struct pkt *p, const struct pkt_meta *m, uint64_t now_ns,
		      struct arp_entry **resolved)
{
	const uint8_t *sha = pkt_data(p) + m->l3_off + ARPF_SHA;
	uint32_t spa = pkt_addr_v4(&m->src), tpa = pkt_addr_v4(&m->dst);
	uint16_t op = m->arp_op;
	enum arp_counter why;
	bool for_us;

	*resolved = NULL;
	if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY) {
		c->counters[ARP_C_IGN_BAD_OP]++;
		return ARP_RX_CONSUMED;
	}
	c->counters[op == ARP_OP_REQUEST ? ARP_C_RX_REQUEST : ARP_C_RX_REPLY]++;
	why = check_sender(ifc, sha, spa, tpa, op);
	if (why != ARP_C_MAX) {
		c->counters[why]++;
		return ARP_RX_CONSUMED;
	}
	for_us = arp_iface_owns(ifc, tpa);
	if (spa)
		*resolved = learn(c, ifc->ifindex, spa, sha,
				  op == ARP_OP_REQUEST && for_us,
				  op == ARP_OP_REPLY && for_us, now_ns);
	if (op == ARP_OP_REPLY)
		return ARP_RX_CONSUMED;
	if (!for_us) {
		c->counters[ARP_C_IGN_NOT_OURS]++;
		return ARP_RX_CONSUMED;
	}
	reply_in_place(p, m, ifc, spa, tpa);
	c->counters[ARP_C_TX_REPLY]++;
	return ARP_RX_REPLY;
}

/* One INCOMPLETE or probing STALE entry whose next request is due. */
static void tick_probe(struct arp_cache *c, struct arp_entry *e,
		       uint64_t now_ns, const struct arp_tick_ops *ops,
		       void *ctx)
{
	struct pkt *p;

	if (e->probes < c->cfg.max_probes) {
		e->probes++;
		e->probe_ns = now_ns + ms_ns(c->cfg.retrans_ms);
		c->counters[ARP_C_TX_REQUEST]++;
		if (ops && ops->solicit)
			ops->solicit(ctx, e);
		return;
	}
	if (e->state == ARP_INCOMPLETE) {
		c->counters[ARP_C_FAILED]++;
		while ((p = q_pop(c, e))) {
			c->counters[ARP_C_UNREACH]++;
			if (ops && ops->unreach)
				ops->unreach(ctx, e, p);
			else
				pkt_free(c->pool, p);
		}
	} else {
		c->counters[ARP_C_EXPIRED]++;
	}
	entry_unlink(c, e);
}

/**
 * arp_tick() - run the timers: retries, failures, aging (call every
 * ~100 ms; retries are only as punctual as the calls)
 * @c: the cache
 * @now_ns: monotonic time
 * @ops: callbacks for requests to send and packets that cannot be
 *	delivered; NULL members: no request sent / packet freed
 * @ctx: passed to the callbacks
 *
 * Visits every entry once. The callbacks must not change the cache.
 */
void arp_tick(struct arp_cache *c, uint64_t now_ns,
	      const struct arp_tick_ops *ops, void *ctx)
{
	uint32_t i;

	for (i = 0; i < c->cfg.capacity; i++) {
		struct arp_entry *e = &c->entries[i];

		switch (e->state) {
		case ARP_REACHABLE:
			if (now_ns - e->confirmed_ns >=
			    ms_ns(c->cfg.reachable_ms))
				e->state = ARP_STALE;
			break;
		case ARP_INCOMPLETE:
			if (now_ns >= e->probe_ns)
				tick_probe(c, e, now_ns, ops, ctx);
			break;
		case ARP_STALE:
			if (e->probes) {
				if (now_ns >= e->probe_ns)
					tick_probe(c, e, now_ns, ops, ctx);
			} else if (now_ns - e->used_ns >=
				   ms_ns(c->cfg.stale_ms)) {
				c->counters[ARP_C_EXPIRED]++;
				entry_unlink(c, e);
			}
			break;
		default:
			break;
		}
	}
}

static void write_frame(struct pkt *p, const uint8_t *eth_dst,
			const uint8_t *src_mac, uint16_t op, uint32_t spa,
			const uint8_t *tha, uint32_t tpa)
{
	uint8_t *d;

	pkt_reset(p);
	p->len = ARP_FRAME_SIZE;
	d = pkt_data(p);
	memcpy(d, eth_dst, 6);
	memcpy(d + 6, src_mac, 6);
	d[12] = 0x08;
	d[13] = 0x06;
	write_arp(d + ARPF_ETH, op, src_mac, spa, tha, tpa);
}

/**
 * arp_build_request() - write an ARP request frame into @p
 * @p: a packet from the pool; reset and overwritten (42 bytes)
 * @src_mac: our interface MAC (Ethernet source and sender hardware address)
 * @sip: sender address, network byte order
 * @tip: address asked for, network byte order
 * @dst_mac: Ethernet destination for a unicast probe, or NULL to broadcast;
 *	the target hardware address is zero either way (as Linux sends)
 */
void arp_build_request(struct pkt *p, const uint8_t src_mac[6], uint32_t sip,
		       uint32_t tip, const uint8_t *dst_mac)
{
	write_frame(p, dst_mac ? dst_mac : bcast_mac, src_mac, ARP_OP_REQUEST,
		    sip, zero_mac, tip);
}

/**
 * arp_build_reply() - write an ARP reply frame into @p
 * @p: a packet from the pool; reset and overwritten (42 bytes)
 * @src_mac: our interface MAC
 * @sip: our address being announced, network byte order
 * @dst_mac: the requester's MAC (Ethernet destination and target MAC)
 * @tip: the requester's address, network byte order
 */
void arp_build_reply(struct pkt *p, const uint8_t src_mac[6], uint32_t sip,
		     const uint8_t dst_mac[6], uint32_t tip)
{
	write_frame(p, dst_mac, src_mac, ARP_OP_REPLY, sip, dst_mac, tip);
}

/**
 * arp_build_gratuitous() - write a gratuitous ARP announcing @ip at @mac:
 * a broadcast request with sender and target address both @ip (RFC 5227
 * announcement, the form Linux sends); the router sends one per address
 * when an interface comes up, so neighbours update stale caches
 * @p: a packet from the pool; reset and overwritten (42 bytes)
 * @mac: the interface MAC
 * @ip: the address, network byte order
 */
void arp_build_gratuitous(struct pkt *p, const uint8_t mac[6], uint32_t ip)
{
	arp_build_request(p, mac, ip, ip, NULL);
}

/**
 * arp_build_solicit() - write the request an entry needs: broadcast while
 * INCOMPLETE, unicast to the known MAC when probing a STALE entry, from
 * the interface address on the target's subnet
 * @p: a packet from the pool; reset and overwritten (42 bytes)
 * @ifc: the entry's interface
 * @e: the entry (from arp_resolve()'s @solicit or arp_tick()'s callback)
 */
void arp_build_solicit(struct pkt *p, const struct arp_iface *ifc,
		       const struct arp_entry *e)
{
	arp_build_request(p, ifc->mac, arp_iface_src(ifc, e->ip), e->ip,
			  e->state == ARP_STALE ? e->mac : NULL);
}

/**
 * arp_state_str() - name of an entry state, as `ip neigh` prints them
 * @state: enum arp_state
 *
 * Return: a static string.
 */
const char *arp_state_str(uint8_t state)
{
	switch (state) {
	case ARP_INCOMPLETE:
		return "INCOMPLETE";
	case ARP_REACHABLE:
		return "REACHABLE";
	case ARP_STALE:
		return "STALE";
	case ARP_PERMANENT:
		return "PERMANENT";
	default:
		return "FREE";
	}
}

/**
 * arp_counter_str() - counter name for `show arp` output
 * @c: the counter
 *
 * Return: a static string, "?" for an unknown value.
 */
const char *arp_counter_str(enum arp_counter c)
{
	static const char *const names[] = {
#define X(e, n, d) n,
		ARP_COUNTERS(X)
#undef X
	};

	return (unsigned int)c < ARP_C_MAX ? names[c] : "?";
}
