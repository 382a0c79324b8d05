// SPDX-License-Identifier: MIT
/*
 * test_ips_stream.c - unit tests for TCP stream reassembly
 * (src/ips/ips_stream.c).
 *
 * A collector records every delivery (sequence number, length, flags, where
 * the bytes lived) and writes the bytes into an image of the stream indexed
 * by offset from the initial sequence number, so each test can compare the
 * image with what first-wins reassembly must produce. Most cases run twice:
 * once far from 2^32 and once with the segments straddling 0xffffffff.
 * A randomised case checks the whole thing against a brute-force model:
 * each byte of the stream is the one of the first segment that covered it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ips/ips_stream.h"

enum { IMG = 1 << 16, MAX_CALLS = 4096 };

struct call {
	uint32_t seq, len, flags;
	const uint8_t *data;
};

struct collect {
	uint32_t isn;
	uint8_t img[IMG];
	uint32_t delivered; /* bytes, contiguous from isn (gaps included) */
	uint32_t n_calls;
	struct call calls[MAX_CALLS];
};

static const uint32_t isns[] = {1000, 0xffffff00u};

static void on_data(void *ctx, const uint8_t *data, uint32_t len, uint32_t seq,
		    uint32_t flags)
{
	struct collect *c = ctx;
	uint32_t off = seq - c->isn;

	assert_true(len > 0);
	/* deliveries are in order, never repeat, and gaps are flagged */
	if (off != c->delivered)
		assert_true(flags & IPS_STREAM_GAP);
	assert_true(off >= c->delivered);
	assert_true(off + len <= IMG);
	memcpy(c->img + off, data, len);
	c->delivered = off + len;
	assert_true(c->n_calls < MAX_CALLS);
	c->calls[c->n_calls++] = (struct call){seq, len, flags, data};
}

struct fix {
	struct ips_stream_pool pool;
	struct ips_stream s;
	struct collect c;
};

static struct fix *fix_new(const struct ips_stream_cfg *cfg, uint32_t isn)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(ips_stream_pool_init(&f->pool, cfg), 0);
	ips_stream_init(&f->s, &f->pool);
	ips_stream_start(&f->s, isn);
	f->c.isn = isn;
	return f;
}

static void fix_free(struct fix *f)
{
	ips_stream_free(&f->s);
	assert_int_equal(ips_stream_pool_memory(&f->pool), 0);
	assert_int_equal(f->pool.n_used, 0);
	ips_stream_pool_fini(&f->pool);
	free(f);
}

static uint64_t ctr(struct fix *f, enum ips_stream_counter c)
{
	return f->pool.counters[c];
}

/* Feed bytes [off, off + len) of @src (offsets from the ISN). */
static void feed(struct fix *f, const uint8_t *src, uint32_t off, uint32_t len)
{
	assert_int_equal(ips_stream_segment(&f->s, f->c.isn + off, src + off,
					    len, on_data, &f->c),
			 0);
}

static void pattern(uint8_t *buf, uint32_t len, uint8_t salt)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + salt + (i >> 8));
}

static void test_in_order_zero_copy(void **state)
{
	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct fix *f = fix_new(NULL, isns[k]);
		uint8_t src[3000];

		pattern(src, sizeof(src), 1);
		feed(f, src, 0, 1000);
		feed(f, src, 1000, 1500);
		feed(f, src, 2500, 500);
		assert_int_equal(f->c.n_calls, 3);
		/* straight from the packet, no copy */
		assert_ptr_equal(f->c.calls[0].data, src);
		assert_ptr_equal(f->c.calls[1].data, src + 1000);
		assert_ptr_equal(f->c.calls[2].data, src + 2500);
		assert_int_equal(f->c.calls[2].flags, 0);
		assert_memory_equal(f->c.img, src, 3000);
		assert_int_equal(f->s.next_seq, isns[k] + 3000);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_SEGMENTS), 3);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_BYTES), 3000);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_OOO), 0);
		assert_int_equal(ips_stream_pool_memory(&f->pool), 0);
		fix_free(f);
	}
}

static void test_three_segments_every_order(void **state)
{
	static const uint8_t perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
					    {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	/* the middle segment straddles 2^32 for the second ISN */
	static const uint32_t offs[4] = {0, 200, 300, 700};
	uint8_t src[700];

	(void)state;
	pattern(src, sizeof(src), 3);
	for (size_t k = 0; k < 2; k++) {
		for (size_t p = 0; p < 6; p++) {
			struct fix *f = fix_new(NULL, isns[k]);

			for (size_t i = 0; i < 3; i++) {
				uint8_t j = perms[p][i];

				feed(f, src, offs[j], offs[j + 1] - offs[j]);
			}
			assert_int_equal(f->c.delivered, 700);
			assert_memory_equal(f->c.img, src, 700);
			assert_false(ips_stream_queued(&f->s));
			assert_int_equal(f->s.next_seq, isns[k] + 700);
			assert_int_equal(ctr(f, IPS_STREAM_CNT_BYTES), 700);
			assert_int_equal(ctr(f, IPS_STREAM_CNT_GAPS), 0);
			assert_int_equal(ctr(f, IPS_STREAM_CNT_OVERLAPS), 0);
			fix_free(f);
		}
	}
}

static void test_duplicates(void **state)
{
	uint8_t src[600];

	(void)state;
	pattern(src, sizeof(src), 5);
	for (size_t k = 0; k < 2; k++) {
		struct fix *f = fix_new(NULL, isns[k]);

		feed(f, src, 0, 200);
		feed(f, src, 0, 200); /* retransmission of delivered data */
		feed(f, src, 50, 100);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_RETRANS), 2);
		assert_int_equal(f->c.n_calls, 1);
		feed(f, src, 400, 100); /* queued, then duplicated */
		feed(f, src, 400, 100);
		assert_int_equal(f->pool.n_used, 1);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_OVERLAPS), 1);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_OVERLAP_DIFF), 0);
		feed(f, src, 200, 200);
		feed(f, src, 500, 100);
		assert_int_equal(f->c.delivered, 600);
		assert_memory_equal(f->c.img, src, 600);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_BYTES), 600);
		fix_free(f);
	}
}

static void test_partial_overlap_both_sides(void **state)
{
	uint8_t src[1000];

	(void)state;
	pattern(src, sizeof(src), 9);
	for (size_t k = 0; k < 2; k++) {
		struct fix *f = fix_new(NULL, isns[k]);

		feed(f, src, 0, 100);
		feed(f, src, 50, 100); /* left side in delivered data */
		assert_int_equal(f->c.delivered, 150);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_OVERLAPS), 1);
		feed(f, src, 300, 100); /* queued [300,400) */
		feed(f, src, 250, 100); /* overlaps its left side */
		feed(f, src, 380, 100); /* overlaps its right side */
		feed(f, src, 200, 300); /* covers all of it and more */
		assert_int_equal(f->c.delivered, 150);
		feed(f, src, 140, 70); /* fills the hole, overlaps both */
		assert_int_equal(f->c.delivered, 500);
		assert_memory_equal(f->c.img, src, 500);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_OVERLAPS), 5);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_OVERLAP_DIFF), 0);
		assert_false(ips_stream_queued(&f->s));
		fix_free(f);
	}
}

/* The evasion case: a second copy of the same sequence space with other
 * bytes never changes what the reassembler gives out. */
static void test_overlap_different_bytes_first_wins(void **state)
{
	uint8_t a[800], b[800], want[800];

	(void)state;
	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	for (size_t k = 0; k < 2; k++) {
		struct fix *f = fix_new(NULL, isns[k]);

		feed(f, a, 0, 100);
		feed(f, b, 0, 150); /* [0,100) delivered: only [100,150) new */
		feed(f, a, 300, 100); /* queued A at [300,400) */
		feed(f, b, 250, 200); /* ooo over it: A kept, B around */
		assert_int_equal(ctr(f, IPS_STREAM_CNT_OVERLAP_DIFF), 1);
		feed(f, b, 150, 400); /* in order over queued A and B */
		assert_int_equal(ctr(f, IPS_STREAM_CNT_OVERLAP_DIFF), 2);
		memset(want, 'A', 100);
		memset(want + 100, 'B', 450);
		memset(want + 300, 'A', 100);
		assert_int_equal(f->c.delivered, 550);
		assert_memory_equal(f->c.img, want, 550);
		/* a late full retransmission with other bytes changes nothing */
		feed(f, a, 0, 550);
		assert_int_equal(f->c.delivered, 550);
		assert_memory_equal(f->c.img, want, 550);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_RETRANS), 1);
		fix_free(f);
	}
}

static void test_wraparound_exact(void **state)
{
	struct fix *f = fix_new(NULL, 0xfffffff0u);
	uint8_t src[64];

	(void)state;
	pattern(src, sizeof(src), 11);
	/* seq 0x00000010 is after 0xfffffff0 in serial arithmetic */
	feed(f, src, 32, 32);
	assert_true(ips_stream_queued(&f->s));
	assert_int_equal(f->c.n_calls, 0);
	feed(f, src, 0, 20); /* ends at 0x00000004 */
	feed(f, src, 16, 16); /* straddles nothing new, fills to 0x10 */
	assert_int_equal(f->c.delivered, 64);
	assert_int_equal(f->s.next_seq, 0x30);
	assert_memory_equal(f->c.img, src, 64);
	/* an old segment from before the wrap is a retransmission */
	assert_int_equal(
		ips_stream_segment(&f->s, 0xfffffff8u, src, 8, on_data, &f->c),
		0);
	assert_int_equal(ctr(f, IPS_STREAM_CNT_RETRANS), 1);
	assert_int_equal(f->c.delivered, 64);
	fix_free(f);
}

static void test_gap_when_direction_full(void **state)
{
	struct ips_stream_cfg cfg = {.max_ooo_bytes = 4 * IPS_STREAM_CHUNK};
	uint8_t src[100 + 6 * IPS_STREAM_CHUNK];

	(void)state;
	pattern(src, sizeof(src), 13);
	for (size_t k = 0; k < 2; k++) {
		struct fix *f = fix_new(&cfg, isns[k]);

		/* [0,100) is lost; four chunks fill the direction */
		for (uint32_t i = 0; i < 4; i++)
			feed(f, src, 100 + i * IPS_STREAM_CHUNK,
			     IPS_STREAM_CHUNK);
		assert_int_equal(f->c.n_calls, 0);
		assert_int_equal(f->s.n_chunks, 4);
		feed(f, src, 100 + 5 * IPS_STREAM_CHUNK, IPS_STREAM_CHUNK);
		/* the hole was given up: the queue came out with GAP... */
		assert_int_equal(ctr(f, IPS_STREAM_CNT_REFUSED), 1);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_GAPS), 1);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_GAP_BYTES), 100);
		assert_int_equal(f->c.calls[0].flags, IPS_STREAM_GAP);
		assert_int_equal(f->c.calls[0].seq, isns[k] + 100);
		assert_int_equal(f->c.calls[1].flags, 0);
		assert_int_equal(f->c.delivered, 100 + 4 * IPS_STREAM_CHUNK);
		/* ... and the new segment, after a hole of its own, queued */
		assert_int_equal(f->s.n_chunks, 1);
		assert_memory_equal(f->c.img + 100, src + 100,
				    4 * IPS_STREAM_CHUNK);
		feed(f, src, 100 + 4 * IPS_STREAM_CHUNK, IPS_STREAM_CHUNK);
		assert_int_equal(f->c.delivered, sizeof(src));
		assert_memory_equal(f->c.img + 100, src + 100,
				    sizeof(src) - 100);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_GAPS), 1);
		fix_free(f);
	}
}

static void test_shared_pool_limit(void **state)
{
	struct ips_stream_cfg cfg = {.memcap = 4 * IPS_STREAM_CHUNK,
				     .max_ooo_bytes = 4 * IPS_STREAM_CHUNK};
	struct fix *f = fix_new(&cfg, 0);
	struct ips_stream b;
	struct collect *cb = calloc(1, sizeof(*cb));
	uint8_t src[8 * IPS_STREAM_CHUNK];

	(void)state;
	assert_non_null(cb);
	pattern(src, sizeof(src), 17);
	assert_int_equal(f->pool.n_chunks, 4);
	ips_stream_init(&b, &f->pool);
	ips_stream_start(&b, 5000);
	cb->isn = 5000;
	feed(f, src, 10, 3 * IPS_STREAM_CHUNK); /* A holds 3 chunks */
	assert_int_equal(f->pool.n_used, 3);
	assert_int_equal(ips_stream_pool_memory(&f->pool),
			 3 * IPS_STREAM_CHUNK);
	/* B may take one more, then the pool is empty: B gives up its hole */
	ips_stream_segment(&b, 5000 + 10, src, 2 * IPS_STREAM_CHUNK, on_data,
			   cb);
	assert_int_equal(ctr(f, IPS_STREAM_CNT_REFUSED), 1);
	assert_int_equal(ctr(f, IPS_STREAM_CNT_GAPS), 1);
	assert_int_equal(cb->delivered, 10 + 2 * IPS_STREAM_CHUNK);
	assert_memory_equal(cb->img + 10, src, 2 * IPS_STREAM_CHUNK);
	assert_int_equal(f->pool.n_used, 3);
	assert_int_equal(b.n_chunks, 0);
	/* A is untouched and completes */
	assert_int_equal(f->s.n_chunks, 3);
	feed(f, src, 0, 10);
	assert_int_equal(f->c.delivered, 10 + 3 * IPS_STREAM_CHUNK);
	assert_int_equal(ips_stream_pool_memory(&f->pool), 0);
	/* freeing a direction with queued data gives its chunks back */
	feed(f, src, 9 * IPS_STREAM_CHUNK / 2, 100);
	ips_stream_segment(&b, 5000 + 3 * IPS_STREAM_CHUNK, src, 100, on_data,
			   cb);
	assert_int_equal(f->pool.n_used, 2);
	ips_stream_free(&b);
	assert_int_equal(f->pool.n_used, 1);
	free(cb);
	fix_free(f);
}

static void test_too_far_ahead_ignored(void **state)
{
	struct fix *f = fix_new(NULL, 0xfff00000u);
	uint8_t src[300];

	(void)state;
	pattern(src, sizeof(src), 19);
	feed(f, src, 0, 100);
	assert_int_equal(
		ips_stream_segment(&f->s,
				   0xfff00000u + 100 + IPS_STREAM_DEF_AHEAD + 1,
				   src, 100, on_data, &f->c),
		0);
	assert_int_equal(ctr(f, IPS_STREAM_CNT_TOO_FAR), 1);
	assert_false(ips_stream_queued(&f->s));
	assert_int_equal(ctr(f, IPS_STREAM_CNT_GAPS), 0);
	feed(f, src, 100, 200);
	assert_int_equal(f->c.delivered, 300);
	assert_memory_equal(f->c.img, src, 300);
	fix_free(f);
}

static void test_flush_skips_holes(void **state)
{
	uint8_t src[1000];

	(void)state;
	pattern(src, sizeof(src), 23);
	for (size_t k = 0; k < 2; k++) {
		struct fix *f = fix_new(NULL, isns[k]);

		feed(f, src, 0, 100);
		feed(f, src, 300, 100);
		feed(f, src, 400, 50); /* appended to the same chunk */
		feed(f, src, 700, 100);
		assert_int_equal(f->pool.n_used, 2);
		ips_stream_flush(&f->s, on_data, &f->c);
		assert_int_equal(f->c.n_calls, 3);
		assert_int_equal(f->c.calls[1].seq, isns[k] + 300);
		assert_int_equal(f->c.calls[1].len, 150);
		assert_int_equal(f->c.calls[1].flags, IPS_STREAM_GAP);
		assert_int_equal(f->c.calls[2].seq, isns[k] + 700);
		assert_int_equal(f->c.calls[2].flags, IPS_STREAM_GAP);
		assert_memory_equal(f->c.img + 300, src + 300, 150);
		assert_memory_equal(f->c.img + 700, src + 700, 100);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_GAP_BYTES), 450);
		assert_int_equal(ips_stream_pool_memory(&f->pool), 0);
		fix_free(f);
	}
}

static void test_tiny_segments_share_chunks(void **state)
{
	struct fix *f = fix_new(NULL, 77);
	uint8_t src[3001];

	(void)state;
	pattern(src, sizeof(src), 29);
	for (uint32_t i = 1; i < 3001; i++)
		feed(f, src, i, 1);
	/* 3000 one-byte segments fit in two chunks */
	assert_int_equal(f->s.n_chunks, 2);
	assert_int_equal(ctr(f, IPS_STREAM_CNT_OOO), 3000);
	feed(f, src, 0, 1);
	assert_int_equal(f->c.delivered, 3001);
	assert_memory_equal(f->c.img, src, 3001);
	fix_free(f);
}

static void test_midstream_pickup_and_invalid(void **state)
{
	struct ips_stream_pool p;
	struct ips_stream s;
	struct collect *c = calloc(1, sizeof(*c));
	uint8_t src[10] = "abcdefghij";

	(void)state;
	assert_non_null(c);
	assert_int_equal(ips_stream_pool_init(&p, NULL), 0);
	ips_stream_init(&s, &p);
	c->isn = 0x7ffffffe;
	assert_int_equal(
		ips_stream_segment(&s, 0x7ffffffe, src, 10, on_data, c), 0);
	assert_int_equal(c->delivered, 10);
	assert_int_equal(ips_stream_segment(&s, 0x80000008, src, 0, on_data, c),
			 0);
	assert_int_equal(ips_stream_segment(&s, 0x80000008, src,
					    IPS_STREAM_MAX_SEG + 1, on_data, c),
			 -EINVAL);
	assert_int_equal(p.counters[IPS_STREAM_CNT_INVALID], 1);
	assert_int_equal(p.counters[IPS_STREAM_CNT_SEGMENTS], 1);
	assert_string_equal(ips_stream_counter_names[IPS_STREAM_CNT_GAP_BYTES],
			    "gap_bytes");
	ips_stream_free(&s);
	ips_stream_pool_fini(&p);
	free(c);
}

/* Random segments of a stream, each with its own bytes, against the model
 * "each byte is the first one received for its offset". */
static void test_random_against_model(void **state)
{
	enum { LEN = 20000, ROUNDS = 40 };
	static uint8_t model[LEN], seg[LEN];
	static bool have[LEN];
	/* room for every chunk: this test is about order, not limits */
	struct ips_stream_cfg cfg = {.memcap = 16 << 20,
				     .max_ooo_bytes = 16 << 20};

	(void)state;
	srand(1234);
	for (int r = 0; r < ROUNDS; r++) {
		uint32_t isn = r & 1 ? 0xffffc000u + (uint32_t)rand() % 0x8000
				     : (uint32_t)rand();
		struct fix *f = fix_new(&cfg, isn);

		memset(have, 0, sizeof(have));
		for (int n = 0; n < 300; n++) {
			uint32_t off = (uint32_t)rand() % LEN;
			uint32_t len = 1 + (uint32_t)rand() % 1600;

			if (off + len > LEN)
				len = LEN - off;
			memset(seg + off, rand(), len);
			seg[off] ^= (uint8_t)n;
			for (uint32_t i = off; i < off + len; i++)
				if (!have[i]) {
					have[i] = true;
					model[i] = seg[i];
				}
			feed(f, seg, off, len);
		}
		memset(seg, 0xee, LEN);
		for (uint32_t i = 0; i < LEN; i++)
			if (!have[i])
				model[i] = 0xee;
		feed(f, seg, 0, LEN);
		assert_int_equal(f->c.delivered, LEN);
		assert_memory_equal(f->c.img, model, LEN);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_GAPS), 0);
		assert_int_equal(ctr(f, IPS_STREAM_CNT_BYTES), LEN);
		assert_int_equal(ips_stream_pool_memory(&f->pool), 0);
		fix_free(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_zero_copy),
		cmocka_unit_test(test_three_segments_every_order),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_partial_overlap_both_sides),
		cmocka_unit_test(test_overlap_different_bytes_first_wins),
		cmocka_unit_test(test_wraparound_exact),
		cmocka_unit_test(test_gap_when_direction_full),
		cmocka_unit_test(test_shared_pool_limit),
		cmocka_unit_test(test_too_far_ahead_ignored),
		cmocka_unit_test(test_flush_skips_holes),
		cmocka_unit_test(test_tiny_segments_share_chunks),
		cmocka_unit_test(test_midstream_pickup_and_invalid),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
