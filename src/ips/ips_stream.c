// SPDX-License-Identifier: MIT
/*
 * ips_stream.c - TCP stream reassembly for one direction of a flow (API and
 * policies in ips_stream.h). The inspector feeds every TCP segment's payload
 * to ips_stream_segment() and receives the direction's bytes in order
 * through a callback, which runs detection on them.
 *
 * Theory of operation
 *
 * A direction is @next_seq (the next byte to deliver) plus a queue of
 * out-of-order chunks sorted by sequence number. Invariants, kept by every
 * function here: queued chunks never overlap one another, every queued
 * byte lies strictly after @next_seq, and a chunk never lies at @next_seq
 * once a call returns (it would have been delivered). All comparisons are
 * serial (seq_before() and friends), so nothing special happens at 2^32.
 *
 * A segment first loses whatever lies before @next_seq: those bytes were
 * delivered, and first-wins means a retransmission can never change them
 * (that is the evasion where a second copy with other bytes is what the
 * receiver keeps: the reassembler must pick one answer, and it picks the
 * first). If the rest starts at @next_seq it is delivered straight from the
 * packet, interleaved with queued chunks it overlaps (queued bytes came
 * first, so they win there), and the queue is drained as far as it is now
 * contiguous. Otherwise the rest is copied into the queue, filling only the
 * holes between queued chunks; appending to a chunk that ends exactly where
 * the new bytes start fills its spare room first, so a stream of tiny
 * segments does not take a chunk each.
 *
 * Bounds: a direction holds at most cfg.max_ooo_bytes of chunks, the pool
 * at most cfg.memcap. When a segment does not fit, the direction gives up
 * on its oldest hole (a gap): @next_seq jumps to the earliest data it has,
 * queued or in hand, which is delivered with IPS_STREAM_GAP, and the
 * segment's remainder is tried again. Each round delivers at least one
 * chunk or the segment itself, so the loop ends. A segment more than
 * cfg.max_ahead bytes beyond @next_seq is dropped (too_far), not used to
 * skip: a receiver would not accept it either, and jumping there would let
 * one bogus segment blind the IPS to everything before it.
 *
 * Rejected alternatives: a malloc per out-of-order segment charged to a
 * budget (per-packet allocation; the fixed pool gives the same bound
 * without it); a byte-copy ring per direction (a flow would reserve its
 * worst case); last-wins overlaps (Linux's receive queue behaviour for some
 * cases, but first-wins is the choice that needs no copy of delivered
 * data and is Suricata's "first" policy).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ips/ips_stream.h"

const char *const ips_stream_counter_names[IPS_STREAM_CNT_MAX] = {
#define IPS_STREAM_CNT_NAME(name, str, text) [IPS_STREAM_CNT_##name] = #str,
	IPS_STREAM_COUNTERS(IPS_STREAM_CNT_NAME)
#undef IPS_STREAM_CNT_NAME
};

/* What one call saw, counted once per segment at the end. */
struct seg_acct {
	bool overlap;
	bool diff;
	bool queued;
	bool refused;
};

static inline int32_t seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static inline bool seq_before(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) < 0;
}

static inline bool seq_after(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) > 0;
}

static inline void cnt(struct ips_stream *s, enum ips_stream_counter c,
		       uint64_t n)
{
	s->pool->counters[c] += n;
}

static inline struct ips_stream_chunk *chunk(struct ips_stream *s, uint32_t i)
{
	return &s->pool->chunks[i];
}

static inline uint8_t *chunk_data(struct ips_stream *s, uint32_t i)
{
	return s->pool->data + (size_t)i * IPS_STREAM_CHUNK;
}

static inline uint32_t chunk_end(struct ips_stream *s, uint32_t i)
{
	return chunk(s, i)->seq + chunk(s, i)->len;
}

/**
 * ips_stream_pool_init() - allocate the out-of-order chunk pool
 * @p: pool to set up
 * @cfg: limits, or NULL for the defaults (0 fields: defaults too)
 *
 * The data area is one allocation of the whole memcap that is written
 * only as chunks are first used, so an idle pool costs little resident
 * memory.
 *
 * Return: 0, or -ENOMEM (@p is then left empty and needs no fini).
 */
int ips_stream_pool_init(struct ips_stream_pool *p,
			 const struct ips_stream_cfg *cfg)
{
	uint64_t n;

	memset(p, 0, sizeof(*p));
	if (cfg)
		p->cfg = *cfg;
	if (!p->cfg.memcap)
		p->cfg.memcap = IPS_STREAM_DEF_MEMCAP;
	if (!p->cfg.max_ooo_bytes)
		p->cfg.max_ooo_bytes = IPS_STREAM_DEF_OOO;
	if (!p->cfg.max_ahead)
		p->cfg.max_ahead = IPS_STREAM_DEF_AHEAD;
	n = p->cfg.memcap / IPS_STREAM_CHUNK;
	if (n < 1)
		n = 1;
	if (n >= IPS_STREAM_NONE)
		n = IPS_STREAM_NONE - 1;
	p->chunks = calloc(n, sizeof(*p->chunks));
	p->data = malloc(n * IPS_STREAM_CHUNK);
	if (!p->chunks || !p->data) {
		free(p->chunks);
		free(p->data);
		memset(p, 0, sizeof(*p));
		return -ENOMEM;
	}
	p->n_chunks = (uint32_t)n;
	p->free_head = IPS_STREAM_NONE;
	return 0;
}

/**
 * ips_stream_pool_fini() - free a pool
 * @p: pool from ips_stream_pool_init(); no stream may use it afterwards
 */
void ips_stream_pool_fini(struct ips_stream_pool *p)
{
	free(p->chunks);
	free(p->data);
	memset(p, 0, sizeof(*p));
}

/**
 * ips_stream_pool_memory() - chunk memory streams hold now
 * @p: the pool
 *
 * Return: bytes (whole chunks), 0 once every stream was freed.
 */
uint64_t ips_stream_pool_memory(const struct ips_stream_pool *p)
{
	return (uint64_t)p->n_used * IPS_STREAM_CHUNK;
}

/* A chunk for @s, or IPS_STREAM_NONE when the direction or pool is full. */
static uint32_t chunk_get(struct ips_stream *s)
{
	struct ips_stream_pool *p = s->pool;
	uint32_t i;

	if ((uint64_t)(s->n_chunks + 1) * IPS_STREAM_CHUNK >
	    p->cfg.max_ooo_bytes)
		return IPS_STREAM_NONE;
	if (p->free_head != IPS_STREAM_NONE) {
		i = p->free_head;
		p->free_head = p->chunks[i].next;
	} else if (p->n_touched < p->n_chunks) {
		i = p->n_touched++;
	} else {
		return IPS_STREAM_NONE;
	}
	p->n_used++;
	s->n_chunks++;
	return i;
}

static void chunk_put(struct ips_stream *s, uint32_t i)
{
	struct ips_stream_pool *p = s->pool;

	p->chunks[i].next = p->free_head;
	p->free_head = i;
	p->n_used--;
	s->n_chunks--;
}

/**
 * ips_stream_init() - make an empty direction that has not started
 * @s: the direction
 * @p: pool its out-of-order chunks come from
 */
void ips_stream_init(struct ips_stream *s, struct ips_stream_pool *p)
{
	memset(s, 0, sizeof(*s));
	s->pool = p;
	s->head = IPS_STREAM_NONE;
	s->tail = IPS_STREAM_NONE;
}

/**
 * ips_stream_start() - set the sequence number of the next byte expected
 * @s: the direction (its queue must be empty: a fresh or freed stream)
 * @next_seq: SYN's sequence number + 1, or a mid-stream pickup point
 */
void ips_stream_start(struct ips_stream *s, uint32_t next_seq)
{
	s->next_seq = next_seq;
	s->started = true;
}

/* Hand @len bytes at @next_seq to @fn and move past them. */
static void deliver(struct ips_stream *s, const uint8_t *data, uint32_t len,
		    ips_stream_data_fn *fn, void *ctx)
{
	uint32_t flags = 0;

	if (s->gap_pending) {
		flags |= IPS_STREAM_GAP;
		s->gap_pending = false;
	}
	fn(ctx, data, len, s->next_seq, flags);
	s->next_seq += len;
	cnt(s, IPS_STREAM_CNT_BYTES, len);
}

/* Deliver and free the head chunk (it starts at @next_seq). */
static void deliver_head(struct ips_stream *s, ips_stream_data_fn *fn,
			 void *ctx)
{
	uint32_t h = s->head;

	deliver(s, chunk_data(s, h), chunk(s, h)->len, fn, ctx);
	s->head = chunk(s, h)->next;
	if (s->head == IPS_STREAM_NONE)
		s->tail = IPS_STREAM_NONE;
	chunk_put(s, h);
}

static void drain(struct ips_stream *s, ips_stream_data_fn *fn, void *ctx)
{
	while (s->head != IPS_STREAM_NONE &&
	       chunk(s, s->head)->seq == s->next_seq)
		deliver_head(s, fn, ctx);
}

/* Give up on the hole at @next_seq: jump to the earliest data, @seq or the
 * head of the queue, and deliver what is contiguous there. */
static void skip_gap(struct ips_stream *s, uint32_t seq, ips_stream_data_fn *fn,
		     void *ctx)
{
	uint32_t to = seq;

	if (s->head != IPS_STREAM_NONE &&
	    seq_before(chunk(s, s->head)->seq, seq))
		to = chunk(s, s->head)->seq;
	cnt(s, IPS_STREAM_CNT_GAPS, 1);
	cnt(s, IPS_STREAM_CNT_GAP_BYTES, to - s->next_seq);
	s->next_seq = to;
	s->gap_pending = true;
	drain(s, fn, ctx);
}

/* Note an overlap of @len new bytes with @old ones already received. */
static void overlap(struct seg_acct *a, const uint8_t *data, const uint8_t *old,
		    uint32_t len)
{
	a->overlap = true;
	if (memcmp(data, old, len))
		a->diff = true;
}

/*
 * Deliver a segment that starts at @next_seq, taking queued bytes where a
 * queued chunk covers the same sequence space (they came first).
 */
static void deliver_inorder(struct ips_stream *s, const uint8_t *data,
			    uint32_t len, struct seg_acct *a,
			    ips_stream_data_fn *fn, void *ctx)
{
	while (len) {
		uint32_t h = s->head, n;

		if (h == IPS_STREAM_NONE ||
		    !seq_before(chunk(s, h)->seq, s->next_seq + len)) {
			deliver(s, data, len, fn, ctx);
			break;
		}
		n = chunk(s, h)->seq - s->next_seq;
		if (n) {
			deliver(s, data, n, fn, ctx);
			data += n;
			len -= n;
		}
		n = len < chunk(s, h)->len ? len : chunk(s, h)->len;
		overlap(a, data, chunk_data(s, h), n);
		deliver_head(s, fn, ctx);
		data += n;
		len -= n;
	}
	drain(s, fn, ctx);
}

/* Copy up to @n bytes into a new chunk linked after @prev, before @cur. */
static uint32_t queue_new(struct ips_stream *s, uint32_t prev, uint32_t cur,
			  uint32_t seq, const uint8_t *data, uint32_t n)
{
	uint32_t c = chunk_get(s);

	if (c == IPS_STREAM_NONE)
		return 0;
	if (n > IPS_STREAM_CHUNK)
		n = IPS_STREAM_CHUNK;
	chunk(s, c)->seq = seq;
	chunk(s, c)->len = n;
	chunk(s, c)->next = cur;
	memcpy(chunk_data(s, c), data, n);
	if (prev == IPS_STREAM_NONE)
		s->head = c;
	else
		chunk(s, prev)->next = c;
	if (cur == IPS_STREAM_NONE)
		s->tail = c;
	return n;
}

/* Fill a hole [seq, seq + n) that starts right after @prev (if it ends
 * there) or at nothing queued. Returns bytes stored (0: no memory). */
static uint32_t queue_hole(struct ips_stream *s, uint32_t prev, uint32_t cur,
			   uint32_t seq, const uint8_t *data, uint32_t n)
{
	struct ips_stream_chunk *pc;
	uint32_t room;

	if (prev != IPS_STREAM_NONE) {
		pc = chunk(s, prev);
		room = IPS_STREAM_CHUNK - pc->len;
		if (pc->seq + pc->len == seq && room) {
			if (n > room)
				n = room;
			memcpy(chunk_data(s, prev) + pc->len, data, n);
			pc->len += n;
			return n;
		}
	}
	return queue_new(s, prev, cur, seq, data, n);
}

/*
 * Queue [*seq, *seq + *len), which lies after @next_seq, filling only the
 * holes between queued chunks. Advances *seq, *data and *len past what was
 * stored or found already queued. Return: 0, or -ENOBUFS with the rest
 * left in *seq, *data and *len.
 */
static int queue_insert(struct ips_stream *s, uint32_t *seq,
			const uint8_t **data, uint32_t *len, struct seg_acct *a)
{
	uint32_t prev = IPS_STREAM_NONE, cur = s->head, n;

	if (s->tail != IPS_STREAM_NONE &&
	    !seq_before(*seq, chunk_end(s, s->tail))) {
		prev = s->tail;
		cur = IPS_STREAM_NONE;
	}
	while (*len) {
		if (cur != IPS_STREAM_NONE &&
		    !seq_after(chunk_end(s, cur), *seq)) {
			prev = cur;
			cur = chunk(s, cur)->next;
			continue;
		}
		if (cur != IPS_STREAM_NONE &&
		    !seq_after(chunk(s, cur)->seq, *seq)) {
			n = chunk_end(s, cur) - *seq;
			n = n < *len ? n : *len;
			overlap(a, *data,
				chunk_data(s, cur) +
					(*seq - chunk(s, cur)->seq),
				n);
		} else {
			n = *len;
			if (cur != IPS_STREAM_NONE &&
			    chunk(s, cur)->seq - *seq < n)
				n = chunk(s, cur)->seq - *seq;
			n = queue_hole(s, prev, cur, *seq, *data, n);
			if (!n)
				return -ENOBUFS;
			a->queued = true;
			cnt(s, IPS_STREAM_CNT_OOO_BYTES, n);
			if (prev == IPS_STREAM_NONE ||
			    chunk_end(s, prev) != *seq + n)
				prev = prev == IPS_STREAM_NONE
					       ? s->head
					       : chunk(s, prev)->next;
		}
		*seq += n;
		*data += n;
		*len -= n;
	}
	return 0;
}

static void account(struct ips_stream *s, const struct seg_acct *a)
{
	if (a->overlap)
		cnt(s, IPS_STREAM_CNT_OVERLAPS, 1);
	if (a->diff)
		cnt(s, IPS_STREAM_CNT_OVERLAP_DIFF, 1);
	if (a->queued)
		cnt(s, IPS_STREAM_CNT_OOO, 1);
	if (a->refused)
		cnt(s, IPS_STREAM_CNT_REFUSED, 1);
}

/**
 * ips_stream_segment() - take one segment's payload
 * @s: the direction
 * @seq: sequence number of @data[0]
 * @data: the payload (the packet's memory; not kept after the call)
 * @len: its length (0: nothing happens)
 * @fn: receives every stretch that becomes deliverable, in order
 * @ctx: passed to @fn
 *
 * A direction that has not started starts at @seq (mid-stream pickup).
 *
 * Return: 0, or -EINVAL when @len exceeds IPS_STREAM_MAX_SEG (counted
 * invalid, nothing changes).
 */
int ips_stream_segment(struct ips_stream *s, uint32_t seq, const uint8_t *data,
		       uint32_t len, ips_stream_data_fn *fn, void *ctx)
{
	struct seg_acct a = {0};
	uint32_t trim;

	if (len > IPS_STREAM_MAX_SEG) {
		cnt(s, IPS_STREAM_CNT_INVALID, 1);
		return -EINVAL;
	}
	if (!len)
		return 0;
	if (!s->started)
		ips_stream_start(s, seq);
	cnt(s, IPS_STREAM_CNT_SEGMENTS, 1);
	if (!seq_after(seq + len, s->next_seq)) {
		cnt(s, IPS_STREAM_CNT_RETRANS, 1);
		return 0;
	}
	if (seq_diff(seq, s->next_seq) > (int64_t)s->pool->cfg.max_ahead) {
		cnt(s, IPS_STREAM_CNT_TOO_FAR, 1);
		return 0;
	}
	for (;;) {
		if (!seq_after(seq + len, s->next_seq))
			break;
		if (seq_before(seq, s->next_seq)) {
			trim = s->next_seq - seq;
			seq += trim;
			data += trim;
			len -= trim;
			a.overlap = true;
		}
		if (seq == s->next_seq) {
			deliver_inorder(s, data, len, &a, fn, ctx);
			break;
		}
		if (!queue_insert(s, &seq, &data, &len, &a))
			break;
		a.refused = true;
		skip_gap(s, seq, fn, ctx);
	}
	account(s, &a);
	return 0;
}

/**
 * ips_stream_flush() - deliver everything queued, skipping the holes
 * @s: the direction
 * @fn: receives the data (each stretch after a hole with IPS_STREAM_GAP)
 * @ctx: passed to @fn
 *
 * For the end of a direction (FIN, RST, flow expiry): no more data will
 * fill the holes. The queue is empty afterwards.
 */
void ips_stream_flush(struct ips_stream *s, ips_stream_data_fn *fn, void *ctx)
{
	while (s->head != IPS_STREAM_NONE)
		skip_gap(s, chunk(s, s->head)->seq, fn, ctx);
}

/**
 * ips_stream_free() - drop the queued data and give its chunks back
 * @s: the direction; it keeps its position and may take segments again
 */
void ips_stream_free(struct ips_stream *s)
{
	uint32_t i = s->head, next;

	while (i != IPS_STREAM_NONE) {
		next = chunk(s, i)->next;
		chunk_put(s, i);
		i = next;
	}
	s->head = IPS_STREAM_NONE;
	s->tail = IPS_STREAM_NONE;
}
