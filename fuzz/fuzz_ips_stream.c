// SPDX-License-Identifier: MIT
/*
 * fuzz_ips_stream.c - libFuzzer harness for TCP stream reassembly
 * (ips_stream.c): two directions share one small chunk pool and take
 * random segments, flushes and frees.
 *
 * Input: 4 bytes of ISN (little-endian), one byte choosing the per-
 * direction limit (1..8 chunks), one the pool size (1..12 chunks), then
 * records of 5 bytes: an op byte (bit 0: which direction; 0xf0..0xf7:
 * flush, 0xf8..0xff: free), a 16-bit offset from the ISN and a 16-bit
 * length (mod 4096). Each segment's bytes are a function of the record's
 * index and the offset, so two segments for the same offset usually
 * differ. max_ahead is 16 KiB, so segments beyond it happen too.
 *
 * Checked (__builtin_trap on violation): deliveries come in order, never
 * twice for an offset, and with IPS_STREAM_GAP exactly when bytes were
 * skipped; every byte delivered is the first byte received for its offset
 * from a segment that was not dropped as too far ahead (first wins, so
 * delivered bytes never change); each queue is sorted, without overlaps,
 * after the next byte, and within its limit; the pool count equals the
 * directions' counts; and freeing both directions empties the pool.
 * Build: make fuzz-build; seeds in fuzz/corpus/fuzz_ips_stream/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/ips/ips_stream.c"
#include "fuzz.h"

enum { FZ_SPAN = 65536 + 4096, FZ_MAXSEG = 4096, FZ_AHEAD = 16384 };

struct fz_dir {
	struct ips_stream s;
	uint32_t isn;
	uint32_t end; /* offset after the last byte delivered */
	uint8_t model[FZ_SPAN]; /* first byte received per offset */
	uint8_t have[FZ_SPAN];
};

static struct fz_dir dirs[2];
static uint8_t seg[FZ_MAXSEG];

static void fz_data(void *ctx, const uint8_t *data, uint32_t len, uint32_t seq,
		    uint32_t flags)
{
	struct fz_dir *d = ctx;
	uint32_t off = seq - d->isn;

	CHECK(len > 0);
	CHECK(off < FZ_SPAN && len <= FZ_SPAN - off);
	CHECK(off >= d->end);
	CHECK((off != d->end) == !!(flags & IPS_STREAM_GAP));
	for (uint32_t i = 0; i < len; i++) {
		CHECK(d->have[off + i]);
		CHECK(d->model[off + i] == data[i]);
	}
	d->end = off + len;
}

static void fz_check_queue(struct fz_dir *d)
{
	struct ips_stream *s = &d->s;
	uint32_t i, n = 0, prev_end = s->next_seq;

	for (i = s->head; i != IPS_STREAM_NONE; i = chunk(s, i)->next) {
		CHECK(chunk(s, i)->len >= 1 &&
		      chunk(s, i)->len <= IPS_STREAM_CHUNK);
		/* strictly after the next byte, then strictly after each other */
		CHECK(seq_after(chunk(s, i)->seq, prev_end) ||
		      (n && chunk(s, i)->seq == prev_end));
		prev_end = chunk_end(s, i);
		if (chunk(s, i)->next == IPS_STREAM_NONE)
			CHECK(s->tail == i);
		n++;
	}
	CHECK(n == s->n_chunks);
	CHECK((uint64_t)n * IPS_STREAM_CHUNK <= s->pool->cfg.max_ooo_bytes);
	CHECK((s->head == IPS_STREAM_NONE) == (s->tail == IPS_STREAM_NONE));
}

static void fz_segment(struct fz_dir *d, uint32_t idx, uint32_t off,
		       uint32_t len)
{
	uint64_t far = d->s.pool->counters[IPS_STREAM_CNT_TOO_FAR];
	uint8_t save_have[FZ_MAXSEG], save_model[FZ_MAXSEG];

	for (uint32_t i = 0; i < len; i++)
		seg[i] = (uint8_t)((idx * 131 + off + i) ^ (idx >> 3));
	/* the model learns the bytes first: delivery checks against it */
	memcpy(save_have, d->have + off, len);
	memcpy(save_model, d->model + off, len);
	for (uint32_t i = 0; i < len; i++)
		if (!d->have[off + i]) {
			d->have[off + i] = 1;
			d->model[off + i] = seg[i];
		}
	CHECK(!ips_stream_segment(&d->s, d->isn + off, seg, len, fz_data, d));
	if (d->s.pool->counters[IPS_STREAM_CNT_TOO_FAR] != far) {
		/* dropped whole: it never counted as received */
		memcpy(d->have + off, save_have, len);
		memcpy(d->model + off, save_model, len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ips_stream_cfg cfg = {.max_ahead = FZ_AHEAD};
	struct ips_stream_pool pool;
	uint32_t isn;

	if (size < 6)
		return 0;
	memcpy(&isn, data, 4);
	cfg.max_ooo_bytes = (1 + data[4] % 8) * IPS_STREAM_CHUNK;
	cfg.memcap = (1 + data[5] % 12) * IPS_STREAM_CHUNK;
	data += 6;
	size -= 6;
	CHECK(!ips_stream_pool_init(&pool, &cfg));
	for (int k = 0; k < 2; k++) {
		memset(&dirs[k], 0, sizeof(dirs[k]));
		ips_stream_init(&dirs[k].s, &pool);
		dirs[k].isn = isn + (uint32_t)k * 0x80000000u;
		ips_stream_start(&dirs[k].s, dirs[k].isn);
	}
	for (uint32_t idx = 0; size >= 5; idx++, data += 5, size -= 5) {
		struct fz_dir *d = &dirs[data[0] & 1];
		uint32_t off = (uint32_t)data[1] | (uint32_t)data[2] << 8;
		uint32_t len = ((uint32_t)data[3] | (uint32_t)data[4] << 8) %
			       FZ_MAXSEG;

		if (data[0] >= 0xf8) {
			/* queued bytes are forgotten: no longer received */
			memset(d->have + (d->s.next_seq - d->isn), 0,
			       FZ_SPAN - (d->s.next_seq - d->isn));
			ips_stream_free(&d->s);
		} else if (data[0] >= 0xf0) {
			ips_stream_flush(&d->s, fz_data, d);
			CHECK(!ips_stream_queued(&d->s));
		} else {
			fz_segment(d, idx, off, len);
		}
		fz_check_queue(&dirs[0]);
		fz_check_queue(&dirs[1]);
		CHECK(pool.n_used == dirs[0].s.n_chunks + dirs[1].s.n_chunks);
		CHECK(pool.n_used <= pool.n_chunks);
	}
	ips_stream_free(&dirs[0].s);
	ips_stream_free(&dirs[1].s);
	CHECK(pool.n_used == 0 && ips_stream_pool_memory(&pool) == 0);
	ips_stream_pool_fini(&pool);
	return 0;
}
