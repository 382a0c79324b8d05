/* SPDX-License-Identifier: MIT */
/*
 * ct.h - connection tracking: the flow table shared by the router (NAT) and
 * the firewall. It sees every IPv4/IPv6 TCP, UDP and ICMP packet once, after
 * pkt_parse() and before any rewrite, and answers: is this a new flow, a
 * packet of a known one (and in which direction), an ICMP error about a
 * known one, or invalid.
 *
 * Per packet (see ct_process()):
 *
 *	struct ct_result r;
 *
 *	switch (ct_process(ct, pkt_data(p), &m, now_ms, &r)) {
 *	case CT_INVALID:   drop, reason r.reason (counted already)
 *	case CT_NEW:       policy; r.created says this packet made r.e
 *	case CT_ESTABLISHED, CT_RELATED: r.e, r.dir
 *	case CT_UNTRACKED: not TCP/UDP/ICMP (or ICMP info): policy
 *	}
 *
 * and once in a while (the daemon's 1 s tick): ct_sweep(ct, now_ms, 0).
 *
 * Theory of operation
 *
 * A flow is one struct ct_entry with two tuples, like Linux conntrack:
 * tuple[CT_DIR_ORIG] is the first packet as it arrived, tuple[CT_DIR_REPLY]
 * what a reply looks like when it arrives. Without NAT the reply tuple is
 * the inverse of the original one; NAT (nat.h) edits the reply tuple so a
 * translated reply still finds its flow, and the difference between
 * tuple[d] and the inverse of tuple[!d] is exactly the rewrite to apply to
 * a packet travelling in direction d. Both tuples are keys of one chained
 * hash table (u32 bucket heads, links stored in the entry, "node ref" =
 * entry index << 1 | direction), keyed with SipHash-1-3 and a random seed so
 * a remote sender cannot aim its tuples at one chain. Every tuple in the
 * table is unique; ct_process() refuses (CT_INV_CLASH) a flow whose reply
 * tuple is already taken.
 *
 * Memory is one array of max_entries entries allocated by ct_table_init(),
 * with a free list; nothing is allocated per packet. When the array is full
 * a new flow evicts the oldest "evictable" entry (early drop): not yet
 * assured, closing (TIME_WAIT, CLOSE) or killed. Assured flows - TCP after
 * the handshake completed, UDP after a reply - are never on that list, so
 * a SYN flood recycles its own embryonic entries and cannot push out
 * established connections; if nothing is evictable the new flow is refused
 * (table_full). The list is a doubly linked LRU in creation order, so
 * eviction is O(1) and always finds a victim if one exists.
 *
 * Time is the caller's monotonic clock in milliseconds (tests use a fake
 * one). Each entry stores when it expires; the timeout is chosen by state
 * (struct ct_config) and refreshed by each accepted packet. Lookups treat
 * an expired entry as absent and free it on the spot, so correctness does
 * not depend on the sweep; ct_sweep() frees the rest, a bounded slice of the
 * array per call.
 *
 * TCP is tracked with the state machine and window tracking of Guido van
 * Rooij's "Real Stateful TCP Packet Filtering in IP Filter", as Linux
 * nf_conntrack_proto_tcp and pf do (ct_tcp.c has the details and the
 * deviations). Connections are only picked up from a SYN: a segment for an
 * unknown connection is invalid (no "loose" mode).
 *
 * Fragments are not tracked (CT_INV_FRAGMENT): reassemble first.
 *
 * Ownership and lifetime: one table belongs to one dataplane thread; there
 * is no locking. A struct ct_entry pointer returned by any function stays
 * valid until the next call that may change the table (ct_process(),
 * ct_find(), ct_sweep(), ct_entry_set_reply(), ct_flush(), the nat_*
 * set-up calls). So a node runs one packet through ct_process() and NAT
 * before it calls ct_process() for the next one. Killing an entry
 * (ct_entry_kill()) only marks it; its memory is reused later.
 */
#ifndef DCBOX_CT_H
#define DCBOX_CT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/parse.h"

enum {
	CT_MAX_ENTRIES_LIMIT = 1u << 24, /* entry refs are idx << 1 in a u32 */
	CT_DEFAULT_MAX = 65536,
	CT_SWEEP_DEFAULT = 4096, /* entries looked at per ct_sweep() call */
	CT_NIL = 0xffffffffu, /* end of a chain or list */
};

/** enum ct_dir - direction of a packet within its flow */
enum ct_dir {
	CT_DIR_ORIG = 0, /* same way as the packet that created the flow */
	CT_DIR_REPLY = 1, /* the other way */
	CT_DIR_MAX = 2,
};

/** enum ct_verdict - what ct_process() decided about a packet */
enum ct_verdict {
	CT_NEW = 0, /* original direction, no reply seen yet */
	CT_ESTABLISHED, /* a reply has been seen (either direction) */
	CT_RELATED, /* ICMP error about a tracked flow */
	CT_INVALID, /* not acceptable: see ct_result.reason */
	CT_UNTRACKED, /* not TCP/UDP/ICMP echo/error; not an IP packet */
	CT_VERDICT_MAX,
};

/*
 * CT_TCP_STATES(X) - X(ENUM_SUFFIX, name, default timeout in seconds).
 * The order is the one of Linux (the transition table in ct_tcp.c
 * depends on it).
 */
#define CT_TCP_STATES(X)                                                       \
	X(NONE, none, 0)                                                       \
	X(SYN_SENT, syn_sent, 30)                                              \
	X(SYN_RECV, syn_recv, 60)                                              \
	X(ESTABLISHED, established, 432000)                                    \
	X(FIN_WAIT, fin_wait, 120)                                             \
	X(CLOSE_WAIT, close_wait, 60)                                          \
	X(LAST_ACK, last_ack, 30)                                              \
	X(TIME_WAIT, time_wait, 120)                                           \
	X(CLOSE, close, 10)                                                    \
	X(SYN_SENT2, syn_sent2, 30)

/** enum ct_tcp_state - TCP connection state as conntrack sees it */
enum ct_tcp_state {
#define CT_TCP_STATE_ENUM(name, str, tmo) CT_TCP_##name,
	CT_TCP_STATES(CT_TCP_STATE_ENUM)
#undef CT_TCP_STATE_ENUM
		CT_TCP_STATE_MAX
};

/*
 * CT_COUNTERS(X) - X(ENUM_SUFFIX, counter_name, "description"): events of
 * the table, in struct ct_table.counters[], named for `dcbox show
 * conntrack --json`.
 */
#define CT_COUNTERS(X)                                                         \
	X(NEW, new, "entries created")                                         \
	X(ESTABLISHED, established, "entries that became assured")             \
	X(EXPIRED, expired, "entries removed after their timeout")             \
	X(EARLY_DROP, early_drop, "unassured entries evicted for new ones")    \
	X(TABLE_FULL, table_full, "new flows refused: all entries assured")    \
	X(KILLED, killed, "entries killed (RST before reply, NAT failure)")    \
	X(REOPENED, reopened, "closed TCP connections reopened by a SYN")      \
	X(INVALID, invalid, "packets with verdict invalid")                    \
	X(RELATED, related, "ICMP errors matched to a flow")                   \
	X(UNTRACKED, untracked, "packets not tracked")

/** enum ct_counter - index into struct ct_table.counters */
enum ct_counter {
#define CT_COUNTER_ENUM(name, str, text) CT_CNT_##name,
	CT_COUNTERS(CT_COUNTER_ENUM)
#undef CT_COUNTER_ENUM
		CT_CNT_MAX
};

/*
 * CT_INVALID_REASONS(X) - X(ENUM_SUFFIX, counter_name, "log text"): why a
 * packet got CT_INVALID, in ct_result.reason and ct_table.invalid[].
 */
#define CT_INVALID_REASONS(X)                                                  \
	X(NONE, none, "not invalid")                                           \
	X(FRAGMENT, fragment, "IP fragment (reassemble before conntrack)")     \
	X(TCP_FLAGS, tcp_flags, "invalid TCP flag combination")                \
	X(TCP_NO_SYN, tcp_no_syn, "TCP segment for no connection, not SYN")    \
	X(TCP_STATE, tcp_state, "TCP flags not valid in this state")           \
	X(TCP_SEQ, tcp_seq, "TCP sequence number outside the window")          \
	X(TCP_ACK, tcp_ack, "TCP acknowledgment outside the window")           \
	X(TCP_SYNACK, tcp_synack, "SYN-ACK does not acknowledge the SYN")      \
	X(TCP_RST, tcp_rst, "RST outside the window")                          \
	X(ICMP_NO_FLOW, icmp_no_flow, "ICMP echo reply for no request")        \
	X(ICMP_ERR_INNER, icmp_err_inner, "ICMP error: bad embedded packet")   \
	X(ICMP_ERR_NO_FLOW, icmp_err_no_flow, "ICMP error for no flow")        \
	X(ICMP_ERR_SEQ, icmp_err_seq, "ICMP error: embedded TCP seq off")      \
	X(CLASH, clash, "new flow's reply tuple belongs to another flow")      \
	X(TABLE_FULL, table_full, "table full of assured entries")

/** enum ct_invalid_reason - value of ct_result.reason */
enum ct_invalid_reason {
#define CT_INVALID_ENUM(name, str, text) CT_INV_##name,
	CT_INVALID_REASONS(CT_INVALID_ENUM)
#undef CT_INVALID_ENUM
		CT_INV_MAX
};

/** enum ct_entry_flags - bits of ct_entry.flags */
enum ct_entry_flags {
	CT_F_USED = 1 << 0, /* slot holds a flow */
	CT_F_SEEN_REPLY = 1 << 1, /* a packet in the reply direction passed */
	CT_F_ASSURED = 1 << 2, /* never evicted for a new flow */
	CT_F_SNAT = 1 << 3, /* source translated (masquerade) */
	CT_F_DNAT = 1 << 4, /* destination translated (port forward) */
	CT_F_HAIRPIN = 1 << 5, /* DNAT'd flow from inside, SNAT'd too */
	CT_F_DYING = 1 << 6, /* killed; freed by the next lookup/sweep */
	CT_F_EVICTABLE = 1 << 7, /* on the early-drop list */
};

/**
 * struct ct_tuple - what identifies a packet of a flow in one direction
 * @src: source address (IPv4 v4-mapped), network order
 * @dst: destination address
 * @sport: TCP/UDP source port, host order; ICMP echo request: identifier
 * @dport: TCP/UDP destination port; ICMP echo reply: identifier
 * @proto: IP protocol (6, 17, 1 or 58)
 * @pad: zero (the tuple is hashed and compared as 40 raw bytes)
 *
 * An echo request carries (id, 0) and its reply (0, id), so the inverse of
 * a request's tuple is its reply's tuple, as for ports.
 */
struct ct_tuple {
	union pkt_addr src;
	union pkt_addr dst;
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;
	uint8_t pad[3];
};
_Static_assert(sizeof(struct ct_tuple) == 40, "tuple is 5 u64 words");

/**
 * struct ct_tcp_dir - window tracking of one direction (the sender's view)
 * @td_end: highest seq + len sent
 * @td_maxend: highest ack + window the other side allowed
 * @td_maxwin: largest window (scaled) the sender advertised
 * @td_maxack: highest ack sent
 * @td_scale: window scale shift (RFC 7323), 0 unless both sides sent it
 * @flags: CT_TCP_F_* options and state
 */
struct ct_tcp_dir {
	uint32_t td_end;
	uint32_t td_maxend;
	uint32_t td_maxwin;
	uint32_t td_maxack;
	uint8_t td_scale;
	uint8_t flags;
	uint8_t pad[2];
};

/** enum ct_tcp_dir_flags - bits of ct_tcp_dir.flags */
enum ct_tcp_dir_flags {
	CT_TCP_F_WSCALE = 1 << 0, /* window scale option sent on SYN */
	CT_TCP_F_SACK_PERM = 1 << 1, /* SACK permitted sent on SYN */
	CT_TCP_F_CLOSE_INIT = 1 << 2, /* this side sent the first FIN */
	CT_TCP_F_MAXACK_SET = 1 << 3, /* td_maxack is valid */
	CT_TCP_F_DATA_UNACK = 1 << 4, /* data not acknowledged yet */
};

/**
 * struct ct_tcp - TCP part of an entry
 * @seen: window tracking, [CT_DIR_ORIG] the initiator's side
 * @state: enum ct_tcp_state
 * @last_index: flag class of the last accepted segment (ct_tcp.c)
 * @last_dir: its direction
 */
struct ct_tcp {
	struct ct_tcp_dir seen[CT_DIR_MAX];
	uint8_t state;
	uint8_t last_index;
	uint8_t last_dir;
	uint8_t pad;
};

/**
 * struct ct_entry - one tracked flow
 * @tuple: [CT_DIR_ORIG] as the first packet arrived, [CT_DIR_REPLY] what a
 *         reply looks like on arrival (NAT edits it)
 * @hnext: hash chain links of the two tuples (node refs)
 * @lru_prev: early-drop list, older neighbour (entry index)
 * @lru_next: early-drop list, newer neighbour
 * @expires_ms: the entry is dead once the clock reaches this
 * @created_ms: when the first packet arrived
 * @flags: enum ct_entry_flags
 * @mark: free for the user (the firewall stores the rule that allowed it)
 * @tcp: TCP state and windows; zero for other protocols
 * @packets: packets accepted per direction
 * @bytes: IP bytes accepted per direction
 *
 * Read-only outside src/ct: change entries through the ct_* and nat_* calls.
 */
struct ct_entry {
	struct ct_tuple tuple[CT_DIR_MAX];
	uint32_t hnext[CT_DIR_MAX];
	uint32_t lru_prev;
	uint32_t lru_next;
	uint64_t expires_ms;
	uint64_t created_ms;
	uint16_t flags;
	uint16_t pad;
	uint32_t mark;
	struct ct_tcp tcp;
	uint64_t packets[CT_DIR_MAX];
	uint64_t bytes[CT_DIR_MAX];
};

/**
 * struct ct_config - table size and timeouts (seconds)
 * @max_entries: capacity, 1..CT_MAX_ENTRIES_LIMIT (fixed after init)
 * @tcp_timeout: per enum ct_tcp_state
 * @udp_timeout: UDP flow without a reply yet
 * @udp_timeout_assured: UDP flow that has seen a reply
 * @icmp_timeout: ICMP echo flow
 */
struct ct_config {
	uint32_t max_entries;
	uint32_t tcp_timeout[CT_TCP_STATE_MAX];
	uint32_t udp_timeout;
	uint32_t udp_timeout_assured;
	uint32_t icmp_timeout;
};

/**
 * struct ct_result - ct_process()'s answer for one packet
 * @e: the flow; NULL for CT_UNTRACKED and for CT_INVALID without a flow
 *     (with CT_INVALID it may name the flow the packet claimed to be in)
 * @verdict: enum ct_verdict (also the return value of ct_process())
 * @dir: enum ct_dir of the packet within @e (of the ICMP error itself
 *       for CT_RELATED: the direction it travels)
 * @reason: enum ct_invalid_reason when @verdict is CT_INVALID
 * @created: this packet created @e: set up NAT (nat_prerouting() ...)
 */
struct ct_result {
	struct ct_entry *e;
	uint8_t verdict;
	uint8_t dir;
	uint8_t reason;
	bool created;
};

/**
 * struct ct_table - the table; fields are private to src/ct except for
 * reading counters and count
 * @entries: max entries
 * @buckets: chain heads (node refs), bucket_mask + 1 of them
 * @bucket_mask: buckets - 1
 * @max: capacity
 * @count: entries in use (killed/expired ones included until freed)
 * @free_head: first free entry index, CT_NIL if none
 * @lru_head: oldest evictable entry, CT_NIL if none
 * @lru_tail: newest evictable entry
 * @sweep_pos: next entry ct_sweep() looks at
 * @hash_keep: mask on the hash: ~0, or 0 to put every tuple in bucket 0
 * @now_ms: clock of the last ct_process() call (used by NAT set-up)
 * @seed: SipHash key
 * @cfg: timeouts
 * @counters: enum ct_counter
 * @invalid: packets with CT_INVALID per enum ct_invalid_reason
 */
struct ct_table {
	struct ct_entry *entries;
	uint32_t *buckets;
	uint32_t bucket_mask;
	uint32_t max;
	uint32_t count;
	uint32_t free_head;
	uint32_t lru_head;
	uint32_t lru_tail;
	uint32_t sweep_pos;
	uint32_t hash_keep;
	uint64_t now_ms;
	uint64_t seed[2];
	struct ct_config cfg;
	uint64_t counters[CT_CNT_MAX];
	uint64_t invalid[CT_INV_MAX];
};

void ct_config_default(struct ct_config *cfg);
int ct_table_init(struct ct_table *t, const struct ct_config *cfg);
void ct_table_fini(struct ct_table *t);
int ct_set_timeouts(struct ct_table *t, const struct ct_config *cfg);
int ct_test_collide(struct ct_table *t, bool on);

enum ct_verdict ct_process(struct ct_table *t, const uint8_t *frame,
			   const struct pkt_meta *m, uint64_t now_ms,
			   struct ct_result *res);
struct ct_entry *ct_find(struct ct_table *t, const struct ct_tuple *tu,
			 uint64_t now_ms, enum ct_dir *dir);
int ct_tuple_from_meta(const struct pkt_meta *m, struct ct_tuple *tu);
void ct_tuple_invert(const struct ct_tuple *in, struct ct_tuple *out);
int ct_entry_set_reply(struct ct_table *t, struct ct_entry *e,
		       const struct ct_tuple *reply);
bool ct_tuple_taken(struct ct_table *t, const struct ct_tuple *tu,
		    const struct ct_entry *self);
void ct_entry_kill(struct ct_table *t, struct ct_entry *e);
unsigned int ct_sweep(struct ct_table *t, uint64_t now_ms, unsigned int budget);
unsigned int ct_flush(struct ct_table *t);
const struct ct_entry *ct_next(const struct ct_table *t, uint32_t *pos,
			       uint64_t now_ms);

const char *ct_verdict_name(unsigned int verdict);
const char *ct_tcp_state_name(unsigned int state);
const char *ct_counter_name(unsigned int counter);
const char *ct_invalid_name(unsigned int reason);
const char *ct_proto_name(uint8_t proto);
int ct_tuple_format(const struct ct_tuple *tu, char *buf, size_t size);
int ct_entry_format(const struct ct_entry *e, uint64_t now_ms, char *buf,
		    size_t size);

/**
 * ct_tuple_equal() - are two tuples the same key
 * @a: a tuple (pad zero)
 * @b: another
 *
 * Return: true if equal.
 */
static inline bool ct_tuple_equal(const struct ct_tuple *a,
				  const struct ct_tuple *b)
{
	const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
	uint64_t d = 0, u, v;
	int i;

	for (i = 0; i < 40; i += 8) {
		__builtin_memcpy(&u, x + i, 8);
		__builtin_memcpy(&v, y + i, 8);
		d |= u ^ v;
	}
	return !d;
}

/**
 * ct_entry_expired() - is @e dead at @now_ms (timed out or killed)
 * @e: an entry in use
 * @now_ms: the clock
 *
 * Return: true if it must be treated as absent.
 */
static inline bool ct_entry_expired(const struct ct_entry *e, uint64_t now_ms)
{
	return now_ms >= e->expires_ms;
}

/**
 * ct_entry_ttl_ms() - time left before @e expires, for dumps
 * @e: an entry in use
 * @now_ms: the clock
 *
 * Return: milliseconds, 0 if expired.
 */
static inline uint64_t ct_entry_ttl_ms(const struct ct_entry *e,
				       uint64_t now_ms)
{
	return ct_entry_expired(e, now_ms) ? 0 : e->expires_ms - now_ms;
}

/**
 * ct_tuple_is_v4() - does the tuple carry IPv4 (v4-mapped) addresses
 * @tu: tuple
 *
 * Return: true for IPv4.
 */
static inline bool ct_tuple_is_v4(const struct ct_tuple *tu)
{
	static const uint8_t v4map[12] = {[10] = 0xff, [11] = 0xff};

	return !__builtin_memcmp(tu->src.b, v4map, 12) &&
	       !__builtin_memcmp(tu->dst.b, v4map, 12);
}

#endif
