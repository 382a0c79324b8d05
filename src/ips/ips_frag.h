/* SPDX-License-Identifier: MIT */
/*
 * ips_frag.h - IPv4 and IPv6 fragment reassembly for the IPS inspector,
 * with bounded memory. The inspector hands every packet that
 * ips_frag_is_fragment() calls a fragment to ips_frag_add(); a fragment is
 * held until its datagram is complete, and the complete datagram comes
 * back as one packet in a buffer the table owns, valid until the next call
 * on the table: IPv4, the first fragment's header with total length,
 * flags/offset and checksum fixed up; IPv6, the first fragment's
 * unfragmentable part (IPv6 header and the extension headers before the
 * Fragment header) with the payload length fixed up and the Fragment
 * header removed (its next header written into the header before it),
 * then the fragmentable part (RFC 8200 section 4.5).
 *
 * Bounds: a fixed table of cfg.max_datagrams in-progress datagrams keyed by
 * (src, dst, id, protocol) for IPv4 and (src, dst, 32-bit id) for IPv6;
 * payload bytes live in 2 KiB pages of one pool of cfg.memcap bytes
 * allocated at creation (a datagram takes only the pages its fragments
 * touch); at most cfg.max_frags fragments per datagram; at most 65535
 * bytes per datagram (IPv4 total length, IPv6 payload length); an IPv6
 * unfragmentable part of at most IPS_FRAG_HDR_MAX bytes; cfg.timeout_ns
 * from a datagram's first fragment to its completion. Nothing is malloc'ed
 * per packet.
 *
 * Policies (theory of operation in ips_frag.c), the same for both
 * families:
 *  - overlaps: bytes received first are kept; an overlap carrying the SAME
 *    bytes (a duplicate or a retransmitted fragment) is harmless; an
 *    overlap carrying DIFFERENT bytes makes the datagram ambiguous (the
 *    classic IDS evasion) and the whole datagram is dropped: its later
 *    fragments get -EBADMSG until the entry times out. Linux (since 4.19)
 *    also discards datagrams with overlapping fragments (RFC 5722 requires
 *    it for IPv6).
 *  - when the table or the page pool is full, a new datagram is refused
 *    (-ENOBUFS, fail closed: inline the fragment should be dropped) rather
 *    than evicting an older one, which would let the receiver reassemble
 *    a datagram the IPS never saw.
 *  - an IPv6 atomic fragment (offset 0, no M flag) is a whole datagram
 *    (RFC 6946): it is not held, and the decoder skips its Fragment header.
 *  - an IPv6 datagram whose reassembled chain still holds a Fragment
 *    header (fragments of fragments, which Linux would reassemble again)
 *    is dropped (-EBADMSG).
 */
#ifndef DCBOX_IPS_FRAG_H
#define DCBOX_IPS_FRAG_H

#include <stdbool.h>
#include <stdint.h>

enum {
	IPS_FRAG_DEF_MEMCAP = 16 << 20, /* page pool bytes */
	IPS_FRAG_DEF_DATAGRAMS = 1024, /* datagrams in progress */
	IPS_FRAG_DEF_MAX_FRAGS = 64, /* fragments per datagram */
	IPS_FRAG_MAX_DATAGRAM = 65535, /* IPv4 total length limit */
	IPS_FRAG_MAX_DATAGRAM6 = 40 + 65535, /* IPv6 header + payload length */
	IPS_FRAG_HDR_MAX = 512, /* IPv6 unfragmentable part kept */
	IPS_FRAG_V6_EXT_MAX = 8, /* extension headers walked */
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
	X(INVALID, invalid, "packets refused: malformed IP or fragment")       \
	X(NESTED, nested, "datagrams dropped: IPv6 fragment in a fragment")    \
	X(ATOMIC, atomic, "IPv6 atomic fragments passed as whole datagrams")   \
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

/**
 * struct ips_frag_v6_chain - an IPv6 header chain, walked by
 * ips_frag_v6_walk()
 * @off: offset of the header the walk stopped at, from the IPv6 header
 * @end: 40 + the payload length: the packet's bytes (padding excluded)
 * @nh_at: offset of the next-header byte that names that header (6: the
 *         IPv6 header's own)
 * @nh: that header's type: an upper-layer protocol, or 44 (a Fragment
 *      header that is not atomic)
 * @atomic: an atomic Fragment header (RFC 6946) was stepped over
 */
struct ips_frag_v6_chain {
	uint32_t off;
	uint32_t end;
	uint32_t nh_at;
	uint8_t nh;
	bool atomic;
};

struct ips_frag_table;

/* Does @ip need reassembly (an IPv4 fragment; an IPv6 packet with a
 * Fragment header that is not atomic)? */
bool ips_frag_is_fragment(const uint8_t *ip, uint32_t len);
/* Walk an IPv6 packet's extension headers; 0 or -EINVAL. */
int ips_frag_v6_walk(const uint8_t *ip, uint32_t len,
		     struct ips_frag_v6_chain *c);

/* Allocate a table (cfg may be NULL: defaults); NULL on ENOMEM. */
struct ips_frag_table *ips_frag_create(const struct ips_frag_cfg *cfg);
void ips_frag_destroy(struct ips_frag_table *t);
/*
 * Add one IPv4 or IPv6 packet (@ip: the IP header, @len bytes captured).
 * Return: 1 with *@out and *@out_len = a complete datagram (a packet that is
 * not a fragment, or an IPv6 atomic fragment, comes back as itself; a
 * reassembled one lives in the table until the next call), 0 when the
 * fragment is held, or -EINVAL (malformed), -EMSGSIZE (> 65535), -E2BIG
 * (too many fragments), -EBADMSG (overlap differed, conflicting end, a
 * fragment inside, or the datagram was dropped before), -ENOBUFS (table
 * or pages full).
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
