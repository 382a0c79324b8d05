/* SPDX-License-Identifier: MIT */
/*
 * ips_flow.h - the IPS flow table: one entry per connection, found by its
 * 5-tuple in either direction, holding what the inspector keeps between
 * packets (TCP state, both reassembly directions, the stream tails for
 * cross-segment matches, app-layer state, flowbits, the verdict).
 *
 * Bounded: max_flows entries, the flowbit words and the app-layer slots
 * are allocated at create; a lookup never allocates. A full table evicts
 * (closed flows first, then the least recently seen); app-layer slots (an
 * HTTP parser's ~100 KiB, a TLS ClientHello being collected) come from a
 * separate smaller pool, and a flow that finds it empty is inspected
 * without its app layer (counted by the caller).
 *
 * Theory of operation: entries live in one array, chained from a
 * power-of-two bucket array by index. Every in-use entry is on exactly one
 * of IPS_FLOW_TC_MAX LRU lists, one per timeout class (new TCP,
 * established TCP, closed TCP, UDP, other); each list has one timeout, so
 * it is ordered by last-seen time and expiry only looks at list heads:
 * ips_flow_expire() costs O(expired flows). A flow moves list when its
 * class changes. The key is canonical (the smaller address/port first),
 * so both directions hash alike; the flow remembers which side is the
 * client (the first packet's source, or the SYN sender when the first
 * packet seen is a SYN-ACK). Flow ids are a 51-bit mix of a per-table
 * counter (unique, non-zero, exact in a JSON double), as EVE's flow_id.
 */
#ifndef DCBOX_IPS_FLOW_H
#define DCBOX_IPS_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "ips/ips_stream.h"

enum {
	IPS_FLOW_TAIL = 512, /* stream bytes kept per direction for matches */
	IPS_FLOW_SEEN = 8, /* rules remembered per direction against repeats */
	IPS_FLOW_CARRY = 8, /* payload patterns remembered inside the tail */
	IPS_FLOW_NONE = UINT32_MAX,
};

/** enum ips_flow_tclass - timeout class; one LRU list each */
enum ips_flow_tclass {
	IPS_FLOW_TC_TCP_NEW,
	IPS_FLOW_TC_TCP_EST,
	IPS_FLOW_TC_TCP_CLOSED,
	IPS_FLOW_TC_UDP,
	IPS_FLOW_TC_OTHER,
	IPS_FLOW_TC_MAX
};

/* default timeouts per class, seconds */
#define IPS_FLOW_TIMEOUTS_S                                                    \
	{                                                                      \
		60, 3600, 30, 120, 30                                          \
	}

/* struct ips_flow.flags */
enum {
	IPS_FLOWF_DROPPED = 1u << 0, /* inline drop: drop every packet */
	IPS_FLOWF_PASSED = 1u << 1, /* pass rule: inspect nothing more */
	IPS_FLOWF_ESTABLISHED = 1u << 2,
	IPS_FLOWF_SYN = 1u << 3, /* client SYN seen */
	IPS_FLOWF_SYNACK = 1u << 4, /* server SYN-ACK seen */
	IPS_FLOWF_DATA_TS = 1u << 5, /* client sent payload */
	IPS_FLOWF_DATA_TC = 1u << 6, /* server sent payload */
	IPS_FLOWF_FIN_TS = 1u << 7,
	IPS_FLOWF_FIN_TC = 1u << 8,
	IPS_FLOWF_RST = 1u << 9,
	IPS_FLOWF_APP_DONE = 1u << 10, /* app protocol decided (maybe NONE) */
	IPS_FLOWF_REJECTED = 1u << 11, /* dropped by a reject rule */
};

/**
 * struct ips_flow_key - canonical 5-tuple: (@a, @pa) <= (@b, @pb)
 * @a: one address, network order (IPv4: first 4 bytes, rest zero)
 * @b: the other
 * @pa: @a's port, host order (0 without ports)
 * @pb: @b's port
 * @proto: IP protocol
 * @family: 4 or 6
 * @pad: zero
 */
struct ips_flow_key {
	uint8_t a[16];
	uint8_t b[16];
	uint16_t pa;
	uint16_t pb;
	uint8_t proto;
	uint8_t family;
	uint8_t pad[2];
};

_Static_assert(sizeof(struct ips_flow_key) == 40, "hashed as 5 words");

/**
 * struct ips_flow_tuple - a packet's addressing, as lookups take it
 * @src: source address, network order (IPv4: first 4 bytes, rest zero)
 * @dst: destination
 * @sport: host order
 * @dport: host order
 * @proto: IP protocol
 * @family: 4 or 6
 * @tcp_flags: TCP flags of the packet (a SYN-ACK first makes the
 *             destination the client)
 */
struct ips_flow_tuple {
	uint8_t src[16];
	uint8_t dst[16];
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;
	uint8_t family;
	uint8_t tcp_flags;
};

/**
 * struct ips_flow_seen - a rule that fired on this direction's stream
 * @rule: rule index
 * @end: stream offset the data it fired on ended at; a later inspection
 *       starting before @end may be seeing the same bytes again
 */
struct ips_flow_seen {
	uint32_t rule;
	uint64_t end;
};

/**
 * struct ips_flow_dir - per-direction state ([0] to server, [1] to client)
 * @stream: TCP reassembly
 * @off: stream bytes delivered so far (the offset of @stream.next_seq)
 * @carry: the payload fast patterns (ids) occurring wholly inside @tail,
 *         when @carry_gen is the inspector's engine generation (0: not
 *         known, the next window is scanned whole)
 * @carry_at: where each of them starts (stream offset, low 32 bits)
 * @n_carry: entries of @carry in use
 * @carry_gen: see @carry
 * @tail: the last bytes delivered, at most IPS_FLOW_TAIL
 * @tail_len: bytes in @tail
 * @app_len: bytes collected in the app slot (TLS / DNS over TCP)
 * @app_skip: DNS over TCP: bytes of an oversized message still to skip
 * @n_seen: entries of @seen in use
 * @seen: rules that fired on this direction's raw data
 */
struct ips_flow_dir {
	struct ips_stream stream;
	uint64_t off;
	uint32_t carry[IPS_FLOW_CARRY];
	uint32_t carry_at[IPS_FLOW_CARRY];
	uint32_t n_carry;
	uint32_t carry_gen;
	uint8_t tail[IPS_FLOW_TAIL];
	uint16_t tail_len;
	uint32_t app_len;
	uint32_t app_skip;
	uint32_t n_seen;
	struct ips_flow_seen seen[IPS_FLOW_SEEN];
};

/**
 * struct ips_flow - one connection
 * @key: canonical tuple
 * @id: EVE flow_id (non-zero)
 * @first_ns: when it was created (now_ns clock)
 * @last_ns: when a packet last touched it
 * @client_is_a: the client is @key.a (else @key.b)
 * @tclass: enum ips_flow_tclass, the LRU list it is on
 * @app: enum ips_app once known
 * @flags: IPS_FLOWF_*
 * @app_slot: index of its app-layer slot, or IPS_FLOW_NONE
 * @hnext: next entry in the bucket chain, or IPS_FLOW_NONE
 * @prev: LRU list neighbours (or the free list's @next)
 * @next: ...
 * @pkts: packets seen, [0] to server, [1] to client
 * @dir: per-direction state
 */
struct ips_flow {
	struct ips_flow_key key;
	uint64_t id;
	uint64_t first_ns;
	uint64_t last_ns;
	bool client_is_a;
	uint8_t tclass;
	uint8_t app;
	uint16_t flags;
	uint32_t app_slot;
	uint32_t hnext;
	uint32_t prev;
	uint32_t next;
	uint64_t pkts[2];
	struct ips_flow_dir dir[2];
};

/**
 * struct ips_flow_cfg - table limits (0 = default)
 * @max_flows: entries (default 65536)
 * @app_slots: app-layer slots (default min(@max_flows, 1024))
 * @app_slot_size: bytes per slot (0: no slots)
 * @flowbit_words: 64-bit flowbit words per flow
 * @timeout_s: per enum ips_flow_tclass (0: IPS_FLOW_TIMEOUTS_S)
 */
struct ips_flow_cfg {
	uint32_t max_flows;
	uint32_t app_slots;
	uint32_t app_slot_size;
	uint32_t flowbit_words;
	uint32_t timeout_s[IPS_FLOW_TC_MAX];
};

/**
 * typedef ips_flow_release_fn - called before a flow's entry is reused or
 * freed (expiry, eviction, ips_flow_table_destroy()), while its app slot
 * is still attached
 */
typedef void ips_flow_release_fn(void *ctx, struct ips_flow *f);

/**
 * struct ips_flow_table - the flows of one inspector (private to
 * ips_flow.c except the counts)
 * @cfg: limits, defaults filled in
 * @pool: the stream pool of every flow's directions
 * @flows: @cfg.max_flows entries
 * @buckets: chain heads, @mask + 1 of them
 * @mask: bucket count - 1
 * @lru_head: oldest flow per timeout class
 * @lru_tail: newest flow per timeout class
 * @free_head: unused entries, chained by @next
 * @n_active: entries in use
 * @bits: flowbit words, @cfg.flowbit_words per entry
 * @app_mem: @cfg.app_slots slots of @cfg.app_slot_size bytes
 * @app_free: free slot stack
 * @n_app_free: entries on @app_free
 * @next_id: counter behind flow ids
 * @release: called before a flow goes away
 * @release_ctx: its context
 * @created: flows created
 * @evicted: flows evicted to make room
 * @expired: flows expired
 * @no_app_slot: app slot requests refused
 */
struct ips_flow_table {
	struct ips_flow_cfg cfg;
	struct ips_stream_pool *pool;
	struct ips_flow *flows;
	uint32_t *buckets;
	uint32_t mask;
	uint32_t lru_head[IPS_FLOW_TC_MAX];
	uint32_t lru_tail[IPS_FLOW_TC_MAX];
	uint32_t free_head;
	uint32_t n_active;
	uint64_t *bits;
	uint8_t *app_mem;
	uint32_t *app_free;
	uint32_t n_app_free;
	uint64_t next_id;
	ips_flow_release_fn *release;
	void *release_ctx;
	uint64_t created;
	uint64_t evicted;
	uint64_t expired;
	uint64_t no_app_slot;
};

struct ips_flow_table *ips_flow_table_create(const struct ips_flow_cfg *cfg,
					     struct ips_stream_pool *pool,
					     ips_flow_release_fn *fn,
					     void *ctx);
void ips_flow_table_destroy(struct ips_flow_table *t);
int ips_flow_set_flowbit_words(struct ips_flow_table *t, uint32_t words);
struct ips_flow *ips_flow_lookup(struct ips_flow_table *t,
				 const struct ips_flow_tuple *tp,
				 uint64_t now_ns, bool create, bool *to_server);
void ips_flow_set_class(struct ips_flow_table *t, struct ips_flow *f,
			enum ips_flow_tclass tc);
uint32_t ips_flow_expire(struct ips_flow_table *t, uint64_t now_ns);
uint32_t ips_flow_release_all(struct ips_flow_table *t);
uint64_t *ips_flow_bits(struct ips_flow_table *t, const struct ips_flow *f);
void *ips_flow_app_get(struct ips_flow_table *t, struct ips_flow *f);
void *ips_flow_app_mem(struct ips_flow_table *t, const struct ips_flow *f);
void ips_flow_app_put(struct ips_flow_table *t, struct ips_flow *f);

#endif
