/* SPDX-License-Identifier: MIT */
/*
 * ips_stream.h - TCP stream reassembly for the IPS, one struct ips_stream
 * per direction of a flow (the flow in ips_flow.c holds two). Segments go
 * in with their sequence number in any order; the bytes come out once, in
 * sequence order, through a callback, with a flag when a hole had to be
 * skipped.
 *
 * Memory: in-order data is handed to the callback straight from the packet
 * (zero copy, nothing allocated). Only out-of-order data is copied, into
 * fixed-size chunks of a struct ips_stream_pool that every stream of one
 * inspector shares. The pool is allocated once at creation (its size is the
 * total bound, stream_memcap) and each direction may hold at most
 * cfg.max_ooo_bytes of it, so memory is bounded per flow and in total and
 * nothing is malloc'ed per packet. ips_stream_free() gives a direction's
 * chunks back.
 *
 * Policies (see the theory of operation in ips_stream.c):
 *  - overlaps: FIRST WINS (Suricata's "first", BSD-like): bytes already
 *    received for a sequence number, delivered or queued, are kept; a
 *    later segment for the same sequence space never changes them. When
 *    both copies are in memory and differ, overlap_diff counts it.
 *  - gaps: when an out-of-order segment cannot be stored (direction or
 *    pool full) or lies more than cfg.max_ahead bytes beyond the next
 *    expected byte, the stream gives up on the oldest hole: it skips to the
 *    earliest data it has and delivers it with IPS_STREAM_GAP.
 *  - sequence numbers use serial arithmetic (RFC 1982) everywhere, so a
 *    stream may wrap around 2^32 any number of times.
 *
 * Thread-safety: a pool and its streams belong to one thread (one
 * inspector); nothing is locked.
 */
#ifndef DCBOX_IPS_STREAM_H
#define DCBOX_IPS_STREAM_H

#include <stdbool.h>
#include <stdint.h>

enum {
	IPS_STREAM_CHUNK = 2048, /* bytes of out-of-order data per chunk */
	IPS_STREAM_DEF_MEMCAP = 64 << 20, /* pool bytes (all streams) */
	IPS_STREAM_DEF_OOO = 256 << 10, /* chunk bytes one direction holds */
	IPS_STREAM_DEF_AHEAD = 1 << 20, /* window beyond the next byte */
	IPS_STREAM_MAX_SEG = 1 << 24, /* longest segment accepted */
};

/** enum ips_stream_flags - @flags of ips_stream_data_fn */
enum ips_stream_flags {
	IPS_STREAM_GAP = 1 << 0, /* bytes before this data were lost */
};

/*
 * IPS_STREAM_COUNTERS(X) - X(ENUM_SUFFIX, counter_name, "description"):
 * events of all the streams of a pool, in struct ips_stream_pool.counters[].
 */
#define IPS_STREAM_COUNTERS(X)                                                 \
	X(SEGMENTS, segments, "segments with data")                            \
	X(BYTES, bytes, "bytes delivered")                                     \
	X(OOO, ooo, "segments queued out of order")                            \
	X(OOO_BYTES, ooo_bytes, "bytes copied into out-of-order chunks")       \
	X(RETRANS, retrans, "segments wholly inside received data (ignored)")  \
	X(OVERLAPS, overlaps, "segments partly inside received data")          \
	X(OVERLAP_DIFF, overlap_diff, "overlaps of other bytes (first kept)")  \
	X(GAPS, gaps, "holes skipped: data delivered with IPS_STREAM_GAP")     \
	X(GAP_BYTES, gap_bytes, "sequence space skipped by gaps")              \
	X(REFUSED, refused, "out-of-order segments not stored: memory limit")  \
	X(TOO_FAR, too_far, "segments beyond max_ahead of the next byte")      \
	X(INVALID, invalid, "segments refused: longer than IPS_STREAM_MAX_SEG")

/** enum ips_stream_counter - index into struct ips_stream_pool.counters */
enum ips_stream_counter {
#define IPS_STREAM_CNT_ENUM(name, str, text) IPS_STREAM_CNT_##name,
	IPS_STREAM_COUNTERS(IPS_STREAM_CNT_ENUM)
#undef IPS_STREAM_CNT_ENUM
		IPS_STREAM_CNT_MAX
};

extern const char *const ips_stream_counter_names[IPS_STREAM_CNT_MAX];

/**
 * struct ips_stream_cfg - limits (0 in a field: the IPS_STREAM_DEF_* value)
 * @memcap: bytes of out-of-order storage for all streams (rounded down to
 *          whole chunks, at least one)
 * @max_ooo_bytes: chunk bytes one direction may hold (a chunk counts
 *                 whole: IPS_STREAM_CHUNK bytes however little it holds)
 * @max_ahead: a segment starting more than this many bytes after the next
 *             expected byte is not queued (see gaps above)
 */
struct ips_stream_cfg {
	uint64_t memcap;
	uint32_t max_ooo_bytes;
	uint32_t max_ahead;
};

/**
 * struct ips_stream_chunk - header of one chunk of out-of-order data
 * @seq: sequence number of its first byte
 * @len: bytes held (1..IPS_STREAM_CHUNK)
 * @next: index of the next chunk of the stream's queue or of the free list
 *        (IPS_STREAM_NONE: none)
 */
struct ips_stream_chunk {
	uint32_t seq;
	uint32_t len;
	uint32_t next;
};

#define IPS_STREAM_NONE UINT32_MAX

/**
 * struct ips_stream_pool - out-of-order storage shared by streams, and
 * their counters
 * @cfg: limits, defaults filled in
 * @chunks: chunk headers, @n_chunks of them
 * @data: chunk data, IPS_STREAM_CHUNK bytes per chunk
 * @n_chunks: chunks in the pool
 * @n_used: chunks held by streams now
 * @n_touched: chunks ever handed out (the rest were never written, so the
 *             pool's pages stay untouched until needed)
 * @free_head: free list of returned chunks
 * @counters: IPS_STREAM_COUNTERS events
 */
struct ips_stream_pool {
	struct ips_stream_cfg cfg;
	struct ips_stream_chunk *chunks;
	uint8_t *data;
	uint32_t n_chunks;
	uint32_t n_used;
	uint32_t n_touched;
	uint32_t free_head;
	uint64_t counters[IPS_STREAM_CNT_MAX];
};

/**
 * struct ips_stream - one direction of a TCP connection
 * @pool: where out-of-order chunks come from
 * @next_seq: sequence number of the next byte to deliver
 * @head: first chunk of the out-of-order queue, sorted by sequence, no two
 *        overlapping, every one after @next_seq (IPS_STREAM_NONE: empty)
 * @tail: last chunk of the queue
 * @n_chunks: chunks this direction holds
 * @started: @next_seq is valid
 * @gap_pending: the next delivery carries IPS_STREAM_GAP
 */
struct ips_stream {
	struct ips_stream_pool *pool;
	uint32_t next_seq;
	uint32_t head;
	uint32_t tail;
	uint32_t n_chunks;
	bool started;
	bool gap_pending;
};

/**
 * typedef ips_stream_data_fn - receives reassembled bytes in order
 * @ctx: the caller's context
 * @data: the bytes (the packet's own memory or a chunk's; valid only
 *        during the call)
 * @len: how many (> 0)
 * @seq: sequence number of @data[0]
 * @flags: enum ips_stream_flags
 *
 * Must not call back into the same stream.
 */
typedef void ips_stream_data_fn(void *ctx, const uint8_t *data, uint32_t len,
				uint32_t seq, uint32_t flags);

/* Allocate the pool (cfg may be NULL: defaults). 0 or -ENOMEM. */
int ips_stream_pool_init(struct ips_stream_pool *p,
			 const struct ips_stream_cfg *cfg);
/* Free the pool; every stream using it must be dead. */
void ips_stream_pool_fini(struct ips_stream_pool *p);
/* Bytes of chunk memory streams hold now (0 when all were freed). */
uint64_t ips_stream_pool_memory(const struct ips_stream_pool *p);

/* Make @s an empty, not yet started direction using pool @p. */
void ips_stream_init(struct ips_stream *s, struct ips_stream_pool *p);
/* Set the next expected byte: SYN seq + 1, or a mid-stream pickup. */
void ips_stream_start(struct ips_stream *s, uint32_t next_seq);
/*
 * Feed one segment's payload; calls @fn for every stretch that becomes
 * deliverable (possibly several times, possibly none). A stream not yet
 * started starts at @seq. 0, or -EINVAL for len > IPS_STREAM_MAX_SEG.
 */
int ips_stream_segment(struct ips_stream *s, uint32_t seq, const uint8_t *data,
		       uint32_t len, ips_stream_data_fn *fn, void *ctx);
/* At FIN/RST/flow end: deliver what is queued, skipping holes (GAP). */
void ips_stream_flush(struct ips_stream *s, ips_stream_data_fn *fn, void *ctx);
/* Drop what is queued and give the chunks back; @s stays usable. */
void ips_stream_free(struct ips_stream *s);

/**
 * ips_stream_queued() - does the direction hold out-of-order data?
 * @s: the stream
 *
 * Return: true if a hole is waiting to be filled.
 */
static inline bool ips_stream_queued(const struct ips_stream *s)
{
	return s->head != IPS_STREAM_NONE;
}

#endif
