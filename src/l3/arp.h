/* SPDX-License-Identifier: MIT */
/*
 * arp.h - the router's ARP: a neighbour cache with fixed capacity, states
 * and timeouts; a bounded queue of packets waiting for resolution; request
 * retries that end in "host unreachable"; the decision whether to answer a
 * request (only for the router's own addresses on the interface it came in
 * on, never as a proxy); and builders for request, reply and gratuitous ARP
 * frames.
 *
 * How a router node calls it (one struct arp_cache per router, one struct
 * arp_iface per router interface, all on the dataplane thread):
 *
 *   start-up, per interface address:
 *	arp_build_gratuitous(q, ifc->mac, addr); send q on the interface
 *
 *   a frame with m->l3 == PKT_L3_ARP arrives on interface ifc:
 *	e = NULL;
 *	switch (arp_input(c, ifc, p, m, now_ns, &e)) {
 *	case ARP_RX_REPLY: send p back out ifc (it is now the reply); break;
 *	case ARP_RX_CONSUMED: pkt_free(pool, p); break;
 *	}
 *	if (e) {  // an entry was resolved: send what waited for it
 *		n = arp_drain(c, e, pkts);  // in arrival order
 *		for each: ipv4_eth_rewrite(pkts[i], e->mac, ifc->mac); send
 *	}
 *
 *   an IPv4 packet p leaves via ifc towards next hop nh (route_nexthop()):
 *	sol = NULL;
 *	if (arp_resolve(c, ifc->ifindex, nh, p, now_ns, mac, &sol) ==
 *	    ARP_RES_HIT) { ipv4_eth_rewrite(p, mac, ifc->mac); send p }
 *	// else the cache holds p (queued, or dropped and counted)
 *	if (sol) { q = pkt_alloc(pool); arp_build_solicit(q, ifc, sol);
 *		   send q on ifc }
 *
 *   every ~100 ms (retries are timed in ARP_RETRANS_MS_DEFAULT steps):
 *	arp_tick(c, now_ns, &ops, ctx);
 *	ops.solicit(ctx, e): send arp_build_solicit() for e on e->ifindex
 *	ops.unreach(ctx, e, p): resolution of e failed; p waited for it:
 *		ICMP host unreachable about p (icmp_build_unreach()), free p
 *
 * Theory of operation
 *
 * States (a subset of Linux's NUD machine):
 *	INCOMPLETE  created by a miss; a broadcast request is sent at once
 *	            and repeated every retrans_ms up to max_probes requests;
 *	            packets queue. Resolved by any ARP packet from the address
 *	            (reply -> REACHABLE, request -> STALE); when the retries
 *	            run out the queued packets go to ops.unreach and the entry
 *	            is deleted (the next packet starts again).
 *	REACHABLE   confirmed (a reply to us) less than reachable_ms ago; used
 *	            as is.
 *	STALE       older, or learnt from a request. Still used to send at
 *	            once, but the first use starts unicast probes to the known
 *	            MAC (every retrans_ms, max_probes of them); a reply makes it
 *	            REACHABLE, no reply deletes it. A STALE entry not used for
 *	            stale_ms is deleted by arp_tick().
 *	PERMANENT   static (arp_cache_add_static()); never changed by traffic.
 *
 * Learning follows Linux: a request for one of our addresses creates or
 * updates the sender's entry (it is about to talk to us); a reply, or any
 * other ARP packet (gratuitous, requests for others), only updates an
 * entry that already exists, so a host cannot fill the cache by chattering.
 * Requests are answered only for an address configured on the interface
 * they arrived on. Senders that are not unicast (multicast or broadcast
 * MAC or IP, 0.0.0.0 except an RFC 5227 probe, 127/8), or that claim the
 * router's own MAC or address, are ignored and counted; a probe
 * (sender 0.0.0.0) for our address is answered, so the prober sees the
 * conflict, but not learnt.
 *
 * Pending queue: each INCOMPLETE entry holds at most queue_per_entry (3)
 * packets, all entries together at most queue_total, in slots of one
 * preallocated array linked by index. When an entry's queue is full the
 * OLDEST packet is dropped to make room (as Linux's arp_queue: the newest
 * packet is the most useful, e.g. the latest TCP retransmission); when the
 * shared array is full the NEW packet is dropped (stealing from another
 * destination would be unfair). Dropped packets are freed to the pool given
 * to arp_cache_init() and counted. A full table evicts one unused STALE
 * entry found by a bounded scan, otherwise the packet is dropped.
 *
 * Entries live in a fixed array, hashed by (ifindex, IP) into chained
 * buckets, so a struct arp_entry pointer stays valid until the entry is
 * deleted (arp_tick(), arp_cache_del(), arp_cache_flush_iface()). Nothing
 * is allocated after arp_cache_init(). arp_tick() visits every entry: keep
 * the capacity in the thousands (default 1024).
 *
 * Frames built here are Ethernet + ARP, 42 bytes, untagged and unpadded
 * (the kernel and NIC drivers pad on transmit); a router interface on a
 * VLAN pushes its tag with pkt_vlan_push().
 */
#ifndef DCBOX_ARP_H
#define DCBOX_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/parse.h"
#include "../core/pkt.h"

enum {
	ARP_FRAME_SIZE = 42, /* Ethernet + ARP for IPv4 */
	ARP_IFACE_ADDRS = 8, /* addresses per router interface */
	ARP_QUEUE_MAX = 16, /* largest queue_per_entry */
	ARP_CAPACITY_DEFAULT = 1024,
	ARP_CAPACITY_MAX = 1 << 20,
	ARP_QUEUE_TOTAL_DEFAULT = 256,
	ARP_QUEUE_PER_ENTRY_DEFAULT = 3,
	ARP_MAX_PROBES_DEFAULT = 3,
	ARP_REACHABLE_MS_DEFAULT = 30000,
	ARP_RETRANS_MS_DEFAULT = 1000,
	ARP_STALE_MS_DEFAULT = 60000,
	ARP_EVICT_SCAN = 64, /* entries looked at to make room */
	ARP_OP_REQUEST = 1,
	ARP_OP_REPLY = 2,
};

/** enum arp_state - state of a cache entry */
enum arp_state {
	ARP_FREE = 0,
	ARP_INCOMPLETE,
	ARP_REACHABLE,
	ARP_STALE,
	ARP_PERMANENT,
};

/*
 * ARP_COUNTERS(X) - X(ENUM_SUFFIX, counter_name, "text"); `dcbox show arp`
 * prints them by these names.
 */
#define ARP_COUNTERS(X)                                                        \
	X(RX_REQUEST, "rx_request", "requests received")                       \
	X(RX_REPLY, "rx_reply", "replies received")                            \
	X(TX_REPLY, "tx_reply", "replies for our addresses built")             \
	X(TX_REQUEST, "tx_request", "requests and probes asked for")           \
	X(LEARNED, "learned", "entries created from requests to us")           \
	X(RESOLVED, "resolved", "incomplete entries resolved")                 \
	X(CONFIRMED, "confirmed", "entries confirmed by a reply")              \
	X(MAC_CHANGED, "mac_changed", "entries whose MAC changed")             \
	X(QUEUED, "queued", "packets queued awaiting resolution")              \
	X(RELEASED, "released", "queued packets released on resolution")       \
	X(FAILED, "failed", "resolutions that ran out of retries")             \
	X(UNREACH, "unreach", "queued packets handed back as unreachable")     \
	X(EXPIRED, "expired", "entries deleted: unused or unanswered")         \
	X(EVICTED, "evicted", "stale entries evicted to make room")            \
	X(DROP_QUEUE_OLDEST, "drop_queue_oldest",                              \
	  "queued packet dropped: entry queue full, oldest goes")              \
	X(DROP_QUEUE_FULL, "drop_queue_full",                                  \
	  "packet dropped: all pending slots in use")                          \
	X(DROP_TABLE_FULL, "drop_table_full",                                  \
	  "packet dropped: cache full, nothing to evict")                      \
	X(IGN_NOT_OURS, "ignored_not_ours",                                    \
	  "requests for an address not ours on that interface")                \
	X(IGN_BAD_OP, "ignored_bad_op", "neither request nor reply")           \
	X(IGN_BAD_SENDER_IP, "ignored_bad_sender_ip",                          \
	  "sender IP multicast, broadcast, loopback or zero")                  \
	X(IGN_BAD_SENDER_MAC, "ignored_bad_sender_mac",                        \
	  "sender MAC multicast, zero or our own")                             \
	X(IGN_CONFLICT, "ignored_conflict",                                    \
	  "sender claims one of our addresses")                                \
	X(DROP_FLUSHED, "drop_flushed",                                        \
	  "queued packets freed when their entry was deleted")

/** enum arp_counter - index in arp_cache.counters */
enum arp_counter {
#define X(e, n, d) ARP_C_##e,
	ARP_COUNTERS(X)
#undef X
		ARP_C_MAX
};

/**
 * struct arp_config - sizes and timers; zero fields take the defaults
 * @capacity: entries
 * @queue_total: pending packets, all entries together
 * @queue_per_entry: pending packets per entry, at most ARP_QUEUE_MAX
 * @max_probes: requests sent before giving up
 * @reachable_ms: how long a confirmation keeps an entry REACHABLE
 * @retrans_ms: interval between requests
 * @stale_ms: an unused STALE entry is deleted after this long
 */
struct arp_config {
	uint32_t capacity;
	uint32_t queue_total;
	uint32_t queue_per_entry;
	uint32_t max_probes;
	uint32_t reachable_ms;
	uint32_t retrans_ms;
	uint32_t stale_ms;
};

/**
 * struct arp_iface - what ARP needs to know of one router interface; the
 * router keeps it (e.g. embedded in its own interface struct)
 * @ifindex: the router's interface number (as in struct route_entry)
 * @mac: the interface's MAC
 * @n_addrs: addresses in use in @addrs
 * @addrs: the interface's IPv4 addresses, network byte order
 * @plens: their prefix lengths (used to pick a request's source address)
 */
struct arp_iface {
	uint16_t ifindex;
	uint8_t mac[6];
	uint8_t n_addrs;
	uint32_t addrs[ARP_IFACE_ADDRS];
	uint8_t plens[ARP_IFACE_ADDRS];
};

/**
 * struct arp_entry - one neighbour; read-only outside arp.c
 * @ip: neighbour address, network byte order
 * @ifindex: interface it is on
 * @mac: its MAC (zero while INCOMPLETE)
 * @state: enum arp_state
 * @probes: requests sent in the current round (0 = not probing)
 * @qlen: packets queued
 * @confirmed_ns: last confirmation (reply to us), or creation
 * @used_ns: last time a packet was sent or queued through it
 * @probe_ns: when the next request is due (while probing)
 * @qhead: first queued packet's slot, or UINT32_MAX
 * @qtail: last queued packet's slot, or UINT32_MAX
 * @next: next entry in the bucket, or in the free list
 */
struct arp_entry {
	uint32_t ip;
	uint16_t ifindex;
	uint8_t mac[6];
	uint8_t state;
	uint8_t probes;
	uint8_t qlen;
	uint8_t pad;
	uint64_t confirmed_ns;
	uint64_t used_ns;
	uint64_t probe_ns;
	uint32_t qhead;
	uint32_t qtail;
	uint32_t next;
};

/**
 * struct arp_cache - the cache; fields are private to arp.c except
 * @counters and @count, which `show` reads
 */
struct arp_cache {
	struct arp_config cfg;
	struct pkt_pool *pool;
	struct arp_entry *entries;
	uint32_t *buckets;
	uint32_t bucket_mask;
	uint32_t free_head;
	uint32_t count;
	uint32_t evict_pos;
	struct pkt **q_pkts;
	uint32_t *q_next;
	uint32_t q_free;
	uint32_t q_used;
	uint64_t counters[ARP_C_MAX];
};

/** enum arp_res - result of arp_resolve() */
enum arp_res {
	ARP_RES_HIT, /* the MAC is known: send the packet now */
	ARP_RES_HELD, /* the cache took the packet: queued, or dropped */
};

/** enum arp_rx - what to do with an ARP frame after arp_input() */
enum arp_rx {
	ARP_RX_CONSUMED, /* nothing to send: free the frame */
	ARP_RX_REPLY, /* the frame is now our reply: send it out ifc */
};

/**
 * arp_solicit_fn - arp_tick() wants a request sent for @e (broadcast if
 * INCOMPLETE, unicast to e->mac if probing a STALE entry)
 * @ctx: the caller's context
 * @e: the entry; valid during the call
 */
typedef void arp_solicit_fn(void *ctx, const struct arp_entry *e);

/**
 * arp_unreach_fn - resolution of @e failed and @p waited for it; the
 * callee owns @p (ICMP host unreachable, then free it)
 * @ctx: the caller's context
 * @e: the entry, about to be deleted; valid during the call
 * @p: a queued packet, handed back in arrival order
 */
typedef void arp_unreach_fn(void *ctx, const struct arp_entry *e,
			    struct pkt *p);

/** struct arp_tick_ops - what arp_tick() calls back */
struct arp_tick_ops {
	arp_solicit_fn *solicit;
	arp_unreach_fn *unreach;
};

int arp_cache_init(struct arp_cache *c, const struct arp_config *cfg,
		   struct pkt_pool *pool);
void arp_cache_fini(struct arp_cache *c);
void arp_cache_set_timers(struct arp_cache *c, uint32_t reachable_ms,
			  uint32_t retrans_ms, uint32_t stale_ms);
struct arp_entry *arp_cache_find(const struct arp_cache *c, uint16_t ifindex,
				 uint32_t ip);
int arp_cache_add_static(struct arp_cache *c, uint16_t ifindex, uint32_t ip,
			 const uint8_t mac[6]);
int arp_cache_del(struct arp_cache *c, uint16_t ifindex, uint32_t ip);
unsigned int arp_cache_flush_iface(struct arp_cache *c, uint16_t ifindex);
const struct arp_entry *arp_cache_next(const struct arp_cache *c,
				       uint32_t *pos);

enum arp_res arp_resolve(struct arp_cache *c, uint16_t ifindex, uint32_t ip,
			 struct pkt *p, uint64_t now_ns, uint8_t mac[6],
			 const struct arp_entry **solicit);
enum arp_rx arp_input(struct arp_cache *c, const struct arp_iface *ifc,
		      struct pkt *p, const struct pkt_meta *m, uint64_t now_ns,
		      struct arp_entry **resolved);
unsigned int arp_drain(struct arp_cache *c, struct arp_entry *e,
		       struct pkt **out);
void arp_tick(struct arp_cache *c, uint64_t now_ns,
	      const struct arp_tick_ops *ops, void *ctx);

bool arp_iface_owns(const struct arp_iface *ifc, uint32_t ip);
uint32_t arp_iface_src(const struct arp_iface *ifc, uint32_t target);
void arp_build_request(struct pkt *p, const uint8_t src_mac[6], uint32_t sip,
		       uint32_t tip, const uint8_t *dst_mac);
void arp_build_reply(struct pkt *p, const uint8_t src_mac[6], uint32_t sip,
		     const uint8_t dst_mac[6], uint32_t tip);
void arp_build_gratuitous(struct pkt *p, const uint8_t mac[6], uint32_t ip);
void arp_build_solicit(struct pkt *p, const struct arp_iface *ifc,
		       const struct arp_entry *e);
const char *arp_state_str(uint8_t state);
const char *arp_counter_str(enum arp_counter c);

#endif
