/* SPDX-License-Identifier: MIT */
/*
 * ips_frag.h - IPv4 fragment reassembly for the IPS inspector, with bounded
 * memory. The inspector hands every IPv4 packet to ips_frag_add(); a
 * fragment is held until its datagram is complete, and the complete
 * datagram comes back as one IPv4 packet (the first fragment's header with
 * total length, flags/offset and checksum fixed up) in a buffer the table
 * owns, valid until the next call on the table.
 *
 * Bounds: a fixed table of cfg.max_datagrams in-progress datagrams keyed by
 * (src, dst, id, protocol); payload bytes live in 2 KiB pages of one pool
 * of cfg.memcap bytes allocated at creation (a datagram takes only the
 * pages its fragments touch); at most cfg.max_frags fragments per datagram;
 * at most 65535 bytes per datagram; cfg.timeout_ns from a datagram's first
 * fragment to its completion. Nothing is malloc'ed per packet.
 *
 * Policies (theory of operation in ips_frag.c):
 *  - overlaps: bytes received first are kept; an overlap carrying the SAME
 *    bytes (a duplicate or a retransmitted fragment) is harmless; an
 *    overlap carrying DIFFERENT bytes makes the datagram ambiguous (the
 *    classic IDS evasion) and the whole datagram is dropped: its later
 *    fragments get -EBADMSG until the entry times out. Linux (since 4.19)
 *    also discards datagrams with overlapping fragments.
 *  - when the table or the page pool is full, a new datagram is refused
 *    (-ENOBUFS, fail closed: inline the fragment should be dropped) rather
 *    than evicting an older one, which would let the receiver reassemble
 *    a datagram the IPS never saw.
 * IPv6 fragments are not handled here.
 */
#ifndef DCBOX_IPS_FRAG_H
#define DCBOX_IPS_FRAG_H

#include <stdint.h>

enum {
	IPS_FRAG_DEF_MEMCAP = 16 << 20, /* page pool bytes */
	IPS_FRAG_DEF_DATAGRAMS = 1024, /* datagrams in progress */
	IPS_FRAG_DEF_MAX_FRAGS = 64, /* fragments per datagram */
	IPS_FRAG_MAX_DATAGRAM = 65535, /* IPv4 total length limit */
};

#define IPS_FRAG_DEF_TIMEOUT_NS (30ull * 1000000000ull)

/*
 * IPS_FRAG_COUNTERS(X) - X(ENUM_SUFFIX, counter_name, "description"):
 * events of a table, in ips_frag_counters().
 */
#define IPS_FRAG_COUNTERS(X)                                                   \
	X(FRAGMENTS, fragments, "fragments seen")                              \
	X(REASSEMBLED, reassembled, "datagrams reassembled")                   \
	X(DUPLICATES, duplicates, "fragments wholly inside received data")     \
	X(OVERLAPS, overlaps, "fragments partly overlapping received data")    \
	X(OVERLAP_DIFF, overlap_diff, "datagrams dropped: overlap differed")   \
	X(TOO_BIG, too_big, "datagrams dropped: longer than 65535 bytes")      \
	X(TOO_MANY, too_many, "datagrams dropped: too many fragments")         \
	X(INCONSISTENT, inconsistent, "datagrams dropped: conflicting end")    \
	X(DEAD, dead, "fragments of a dropped datagram")                       \
	X(INVALID, invalid, "packets refused: malformed IPv4 or fragment")     \
	X(NO_ENTRY, no_entry, "datagrams refused: table full")                 \
	X(NO_MEMORY, no_memory, "fragments refused: page pool full")           \
	X(TIMEOUTS, timeouts, "datagrams expired incomplete")

/** enum ips_frag_counter - index into ips_frag_counters() */
enum ips_frag_counter {
#define IPS_FRAG_CNT_ENUM(name, str, text) IPS_FRAG_CNT_##name,
	IPS_FRAG_COUNTERS(IPS_FRAG_CNT_ENUM)
#undef IPS_FRAG_CNT_ENUM
		IPS_FRAG_CNT_MAX
};

extern const char *const ips_frag_counter_names[IPS_FRAG_CNT_MAX];

/**
 * struct ips_frag_cfg - limits (0 in a field: the IPS_FRAG_DEF_* value)
 * @memcap: bytes of payload pages for all datagrams
 * @max_datagrams: datagrams in progress at once
 * @max_frags: fragments one datagram may take (more: dropped)
 * @timeout_ns: lifetime of an incomplete datagram from its first fragment
 */
struct ips_frag_cfg {
	uint64_t memcap;
	uint32_t max_datagrams;
	uint32_t max_frags;
	uint64_t timeout_ns;
};

struct ips_frag_table;

/* Allocate a table (cfg may be NULL: defaults); NULL on ENOMEM. */
struct ips_frag_table *ips_frag_create(const struct ips_frag_cfg *cfg);
void ips_frag_destroy(struct ips_frag_table *t);
/*
 * Add one IPv4 packet (@ip: the IPv4 header, @len bytes captured).
 * Return: 1 with *@out and *@out_len = a complete datagram (a packet that is
 * not a fragment comes back as itself; a reassembled one lives in the
 * table until the next call), 0 when the fragment is held, or -EINVAL
 * (malformed), -EMSGSIZE (> 65535), -E2BIG (too many fragments), -EBADMSG
 * (overlap differed, conflicting end, or the datagram was dropped
 * before), -ENOBUFS (table or pages full).
 */
int ips_frag_add(struct ips_frag_table *t, const uint8_t *ip, uint32_t len,
		 uint64_t now_ns, const uint8_t **out, uint32_t *out_len);
/* Expire datagrams older than the timeout; returns how many. */
uint32_t ips_frag_tick(struct ips_frag_table *t, uint64_t now_ns);
/* Datagrams in progress (dropped ones waiting to expire included). */
uint32_t ips_frag_pending(const struct ips_frag_table *t);
/* Payload page bytes held now (0 when nothing is pending). */
uint64_t ips_frag_memory(const struct ips_frag_table *t);
/* The IPS_FRAG_COUNTERS array, IPS_FRAG_CNT_MAX entries. */
const uint64_t *ips_frag_counters(const struct ips_frag_table *t);

#endif
