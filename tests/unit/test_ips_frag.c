// SPDX-License-Identifier: MIT
/*
 * test_ips_frag.c - unit tests for IPv4 and IPv6 fragment reassembly
 * (src/ips/ips_frag.c).
 *
 * Each case cuts a known datagram (header with or without options, payload
 * of a counting pattern) into fragments, feeds them in some order, and
 * compares the result byte for byte with the datagram, whose header must
 * come back with total length, fragment field and checksum fixed up. The
 * adversarial cases (overlaps with other bytes, conflicting ends, too big,
 * too many, out of memory, table full) each check the return value, the
 * counter and that no memory stays held. The IPv6 cases do the same
 * behind 0-3 extension headers (the reassembled packet must be the
 * unfragmentable part, without the Fragment header, with the payload
 * length fixed), and cover the 32-bit id key, atomic fragments (passed
 * through), fragments of fragments (dropped) and the header chain walk.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/csum.h"
#include "ips/ips_frag.h"

enum { SEC = 1000000000 };

struct dgram {
	uint8_t hdr[60];
	uint8_t hl;
	uint8_t payload[65536];
	uint32_t len;
};

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* A datagram 10.0.0.1 -> 10.0.0.2, UDP, @id, with @hl bytes of header. */
static struct dgram *dg_make(uint16_t id, uint8_t hl, uint32_t len,
			     uint8_t salt)
{
	struct dgram *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	d->hl = hl;
	d->len = len;
	d->hdr[0] = (uint8_t)(0x40 | hl / 4);
	wr16(d->hdr + 4, id);
	d->hdr[8] = 64;
	d->hdr[9] = 17;
	memcpy(d->hdr + 12, (uint8_t[]){10, 0, 0, 1, 10, 0, 0, 2}, 8);
	for (uint8_t i = 20; i < hl; i++)
		d->hdr[i] = 1; /* NOP options */
	for (uint32_t i = 0; i < len; i++)
		d->payload[i] = (uint8_t)(i + salt + (i >> 8));
	return d;
}

/* Fragment [off, off + len) of @d into @pkt; only offset 0 has options. */
static uint32_t frag(const struct dgram *d, uint8_t *pkt, uint32_t off,
		     uint32_t len, int more, uint16_t extra_flags)
{
	uint8_t hl = off ? 20 : d->hl;
	uint16_t c;

	memcpy(pkt, d->hdr, hl);
	pkt[0] = (uint8_t)(0x40 | hl / 4);
	wr16(pkt + 2, (uint16_t)(hl + len));
	wr16(pkt + 6, (uint16_t)((more ? 0x2000 : 0) | extra_flags | off / 8));
	wr16(pkt + 10, 0);
	c = csum_ipv4_hdr(pkt, hl);
	memcpy(pkt + 10, &c, 2);
	memcpy(pkt + hl, d->payload + off, len);
	return hl + len;
}

static uint8_t pkt[70000];

static int add(struct ips_frag_table *t, const struct dgram *d, uint32_t off,
	       uint32_t len, int more, uint64_t now, const uint8_t **out,
	       uint32_t *out_len)
{
	uint32_t n = frag(d, pkt, off, len, more, 0);

	return ips_frag_add(t, pkt, n, now, out, out_len);
}

static uint64_t ctr(const struct ips_frag_table *t, enum ips_frag_counter c)
{
	return ips_frag_counters(t)[c];
}

/* The result is @d with a fixed-up header and a valid checksum. */
static void check_result(const struct dgram *d, const uint8_t *out,
			 uint32_t out_len, uint16_t want_fo)
{
	assert_int_equal(out_len, d->hl + d->len);
	assert_int_equal(rd16(out + 2), d->hl + d->len);
	assert_int_equal(rd16(out + 6), want_fo);
	assert_int_equal(csum_buf(out, d->hl), 0);
	assert_memory_equal(out, d->hdr, 2);
	assert_memory_equal(out + 4, d->hdr + 4, 2);
	assert_memory_equal(out + 8, d->hdr + 8, 2);
	assert_memory_equal(out + 12, d->hdr + 12, d->hl - 12);
	assert_memory_equal(out + d->hl, d->payload, d->len);
}

static void assert_empty(const struct ips_frag_table *t)
{
	assert_int_equal(ips_frag_pending(t), 0);
	assert_int_equal(ips_frag_memory(t), 0);
}

static void test_not_a_fragment(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram *d = dg_make(1, 20, 100, 0);
	const uint8_t *out;
	uint32_t n, out_len;

	(void)state;
	assert_non_null(t);
	n = frag(d, pkt, 0, 100, 0, 0x4000);
	/* trailing padding is not part of the packet */
	assert_int_equal(ips_frag_add(t, pkt, n + 6, 0, &out, &out_len), 1);
	assert_ptr_equal(out, pkt);
	assert_int_equal(out_len, 120);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_FRAGMENTS), 0);
	free(d);
	ips_frag_destroy(t);
}

static void test_in_order_and_reverse(void **state)
{
	static const uint32_t offs[] = {0, 1480, 2960, 3000};

	(void)state;
	for (int rev = 0; rev < 2; rev++) {
		struct ips_frag_table *t = ips_frag_create(NULL);
		struct dgram *d = dg_make(0x1234, 24, 3000, 5);
		const uint8_t *out = NULL;
		uint32_t out_len = 0;

		assert_non_null(t);
		for (int k = 0; k < 3; k++) {
			int i = rev ? 2 - k : k;
			int r = add(t, d, offs[i], offs[i + 1] - offs[i], i < 2,
				    (uint64_t)k * SEC, &out, &out_len);

			assert_int_equal(r, k == 2 ? 1 : 0);
			if (k < 2)
				assert_int_equal(ips_frag_pending(t), 1);
		}
		/* options of the first fragment kept, DF clear */
		check_result(d, out, out_len, 0);
		assert_int_equal(ctr(t, IPS_FRAG_CNT_FRAGMENTS), 3);
		assert_int_equal(ctr(t, IPS_FRAG_CNT_REASSEMBLED), 1);
		assert_int_equal(ctr(t, IPS_FRAG_CNT_OVERLAPS), 0);
		assert_empty(t);
		free(d);
		ips_frag_destroy(t);
	}
}

static void test_df_kept_and_every_order(void **state)
{
	/* five fragments in all 120 orders, with DF on the first */
	static const uint32_t offs[] = {0, 600, 1200, 1808, 2400, 2405};
	int perm[5] = {0, 1, 2, 3, 4}, n = 0;
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram *d = dg_make(7, 20, 2405, 9);

	(void)state;
	assert_non_null(t);
	for (;;) {
		const uint8_t *out = NULL;
		uint32_t out_len = 0;

		for (int k = 0; k < 5; k++) {
			int i = perm[k];
			uint32_t len =
				frag(d, pkt, offs[i], offs[i + 1] - offs[i],
				     i < 4, i == 0 ? 0x4000 : 0);

			assert_int_equal(
				ips_frag_add(t, pkt, len, 0, &out, &out_len),
				k == 4);
		}
		check_result(d, out, out_len, 0x4000);
		assert_empty(t);
		n++;
		/* next permutation (lexicographic) */
		int i = 3, j = 4;
		while (i >= 0 && perm[i] > perm[i + 1])
			i--;
		if (i < 0)
			break;
		while (perm[j] < perm[i])
			j--;
		int tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
		for (int a = i + 1, b = 4; a < b; a++, b--) {
			tmp = perm[a];
			perm[a] = perm[b];
			perm[b] = tmp;
		}
	}
	assert_int_equal(n, 120);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_REASSEMBLED), 120);
	free(d);
	ips_frag_destroy(t);
}

static void test_overlap_same_bytes_and_duplicate(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram *d = dg_make(42, 20, 2500, 1);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	assert_int_equal(add(t, d, 0, 1000, 1, 0, &out, &out_len), 0);
	assert_int_equal(add(t, d, 0, 1000, 1, 0, &out, &out_len), 0);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_DUPLICATES), 1);
	assert_int_equal(add(t, d, 800, 1200, 1, 0, &out, &out_len), 0);
	assert_int_equal(add(t, d, 1600, 900, 0, 0, &out, &out_len), 1);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_OVERLAPS), 2);
	check_result(d, out, out_len, 0);
	assert_empty(t);
	free(d);
	ips_frag_destroy(t);
}

/* The evasion case: the same offsets with other bytes. */
static void test_overlap_different_bytes_drops(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram *d = dg_make(43, 20, 2000, 1);
	struct dgram *evil = dg_make(43, 20, 2000, 77);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	assert_int_equal(add(t, d, 0, 1000, 1, 0, &out, &out_len), 0);
	assert_int_equal(add(t, evil, 992, 8, 1, 0, &out, &out_len), -EBADMSG);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_OVERLAP_DIFF), 1);
	/* pages given back at once, the entry refuses the rest */
	assert_int_equal(ips_frag_memory(t), 0);
	assert_int_equal(add(t, d, 1000, 1000, 0, SEC, &out, &out_len),
			 -EBADMSG);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_DEAD), 1);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_REASSEMBLED), 0);
	/* until it expires (not counted as a timeout: it was dropped) */
	assert_int_equal(ips_frag_tick(t, IPS_FRAG_DEF_TIMEOUT_NS), 1);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_TIMEOUTS), 0);
	assert_empty(t);
	/* afterwards the same id reassembles normally */
	assert_int_equal(add(t, d, 0, 1000, 1, 31ull * SEC, &out, &out_len), 0);
	assert_int_equal(add(t, d, 1000, 1000, 0, 31ull * SEC, &out, &out_len),
			 1);
	check_result(d, out, out_len, 0);
	free(d);
	free(evil);
	ips_frag_destroy(t);
}

static void test_last_fragment_differs_in_tail(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram *d = dg_make(44, 20, 1005, 1);
	const uint8_t *out;
	uint32_t out_len, n;

	(void)state;
	assert_int_equal(add(t, d, 1000, 5, 0, 0, &out, &out_len), 0);
	n = frag(d, pkt, 1000, 5, 0, 0);
	pkt[n - 1] ^= 1; /* other last byte, in the partial block */
	assert_int_equal(ips_frag_add(t, pkt, n, 0, &out, &out_len), -EBADMSG);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_OVERLAP_DIFF), 1);
	free(d);
	ips_frag_destroy(t);
}

static void test_missing_last_times_out(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram *d = dg_make(45, 20, 3000, 1);
	const uint8_t *out;
	uint32_t out_len;
	uint64_t t0 = 5ull * SEC;

	(void)state;
	assert_int_equal(add(t, d, 0, 1480, 1, t0, &out, &out_len), 0);
	assert_int_equal(add(t, d, 1480, 1480, 1, t0 + SEC, &out, &out_len), 0);
	assert_int_equal(ips_frag_memory(t), 2 * 2048);
	assert_int_equal(ips_frag_tick(t, t0 + IPS_FRAG_DEF_TIMEOUT_NS - 1), 0);
	assert_int_equal(ips_frag_pending(t), 1);
	assert_int_equal(ips_frag_tick(t, t0 + IPS_FRAG_DEF_TIMEOUT_NS), 1);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_TIMEOUTS), 1);
	assert_empty(t);
	/* the late last fragment starts a new datagram that cannot finish */
	assert_int_equal(
		add(t, d, 2960, 40, 0, t0 + 31ull * SEC, &out, &out_len), 0);
	assert_int_equal(ips_frag_pending(t), 1);
	free(d);
	ips_frag_destroy(t);
}

/* Complete means every block: one 8-byte block missing is not complete. */
static void test_one_block_missing(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram *d = dg_make(49, 20, 21, 1);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	assert_int_equal(add(t, d, 16, 5, 0, 0, &out, &out_len), 0);
	assert_int_equal(add(t, d, 0, 8, 1, 0, &out, &out_len), 0);
	assert_int_equal(ips_frag_pending(t), 1);
	assert_int_equal(add(t, d, 8, 8, 1, 0, &out, &out_len), 1);
	check_result(d, out, out_len, 0);
	free(d);
	ips_frag_destroy(t);
}

static void test_too_many_fragments(void **state)
{
	struct ips_frag_cfg cfg = {.max_frags = 4};
	struct ips_frag_table *t = ips_frag_create(&cfg);
	struct dgram *d = dg_make(46, 20, 48, 1);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(add(t, d, i * 8, 8, 1, 0, &out, &out_len), 0);
	assert_int_equal(add(t, d, 32, 8, 1, 0, &out, &out_len), -E2BIG);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_TOO_MANY), 1);
	assert_int_equal(add(t, d, 40, 8, 0, 0, &out, &out_len), -EBADMSG);
	assert_int_equal(ips_frag_memory(t), 0);
	free(d);
	ips_frag_destroy(t);
}

static void test_too_big(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram *d = dg_make(47, 40, 65536 - 40, 1);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	/* 20 + 65512 + 24 > 65535 */
	assert_int_equal(add(t, d, 65512, 24, 0, 0, &out, &out_len), -EMSGSIZE);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_TOO_BIG), 1);
	/* fits with a 20-byte header, not with the first fragment's 40 */
	d->hdr[5] = 48;
	assert_int_equal(add(t, d, 65504, 8, 0, 0, &out, &out_len), 0);
	assert_int_equal(add(t, d, 0, 1000, 1, 0, &out, &out_len), -EMSGSIZE);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_TOO_BIG), 2);
	assert_int_equal(ips_frag_memory(t), 0);
	free(d);
	ips_frag_destroy(t);
}

static void test_largest_datagram(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram *d = dg_make(48, 20, 65535 - 20, 3);
	const uint8_t *out = NULL;
	uint32_t out_len = 0;
	int r = 0;

	(void)state;
	for (uint32_t off = 0; off < d->len; off += 1480) {
		uint32_t len = d->len - off < 1480 ? d->len - off : 1480;

		r = add(t, d, off, len, off + len < d->len, 0, &out, &out_len);
	}
	assert_int_equal(r, 1);
	check_result(d, out, out_len, 0);
	assert_empty(t);
	free(d);
	ips_frag_destroy(t);
}

static void test_memory_budget(void **state)
{
	struct ips_frag_cfg cfg = {.memcap = 4 * 2048};
	struct ips_frag_table *t = ips_frag_create(&cfg);
	struct dgram *a = dg_make(50, 20, 6500, 1);
	struct dgram *b = dg_make(51, 20, 3000, 2);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	assert_int_equal(add(t, a, 0, 1480, 1, 0, &out, &out_len), 0);
	assert_int_equal(add(t, a, 4440, 2060, 0, 0, &out, &out_len), 0);
	assert_int_equal(ips_frag_memory(t), 3 * 2048); /* pages 0, 2, 3 */
	assert_int_equal(add(t, b, 0, 1480, 1, 0, &out, &out_len), 0);
	assert_int_equal(add(t, b, 1480, 1520, 0, 0, &out, &out_len), -ENOBUFS);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_NO_MEMORY), 1);
	assert_int_equal(ips_frag_memory(t), 3 * 2048);
	/* b was dropped, a still completes */
	assert_int_equal(add(t, a, 1480, 2960, 1, 0, &out, &out_len), 1);
	check_result(a, out, out_len, 0);
	assert_int_equal(ips_frag_memory(t), 0);
	assert_int_equal(ips_frag_pending(t), 1);
	free(a);
	free(b);
	ips_frag_destroy(t);
}

static void test_table_full(void **state)
{
	struct ips_frag_cfg cfg = {.max_datagrams = 2, .timeout_ns = SEC};
	struct ips_frag_table *t = ips_frag_create(&cfg);
	struct dgram *d = dg_make(60, 20, 16, 1);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	assert_int_equal(add(t, d, 0, 8, 1, 0, &out, &out_len), 0);
	d->hdr[5] = 61;
	assert_int_equal(add(t, d, 0, 8, 1, 0, &out, &out_len), 0);
	d->hdr[5] = 62;
	assert_int_equal(add(t, d, 0, 8, 1, 0, &out, &out_len), -ENOBUFS);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_NO_ENTRY), 1);
	/* the others expire when time passes, making room */
	assert_int_equal(add(t, d, 0, 8, 1, SEC, &out, &out_len), 0);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_TIMEOUTS), 2);
	assert_int_equal(add(t, d, 8, 8, 0, SEC, &out, &out_len), 1);
	check_result(d, out, out_len, 0);
	assert_empty(t);
	free(d);
	ips_frag_destroy(t);
}

static void test_conflicting_ends(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram *d = dg_make(70, 20, 100, 1);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	assert_int_equal(add(t, d, 80, 20, 0, 0, &out, &out_len), 0);
	assert_int_equal(add(t, d, 80, 16, 0, 0, &out, &out_len), -EBADMSG);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_INCONSISTENT), 1);
	/* a middle fragment beyond a known end */
	d->hdr[5] = 71;
	assert_int_equal(add(t, d, 80, 20, 0, 0, &out, &out_len), 0);
	assert_int_equal(add(t, d, 88, 16, 1, 0, &out, &out_len), -EBADMSG);
	/* an end before data already received */
	d->hdr[5] = 72;
	assert_int_equal(add(t, d, 64, 32, 1, 0, &out, &out_len), 0);
	assert_int_equal(add(t, d, 80, 4, 0, 0, &out, &out_len), -EBADMSG);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_INCONSISTENT), 3);
	assert_int_equal(ips_frag_memory(t), 0);
	free(d);
	ips_frag_destroy(t);
}

static void test_invalid(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram *d = dg_make(80, 20, 100, 1);
	const uint8_t *out;
	uint32_t out_len, n;

	(void)state;
	/* middle fragment not a multiple of 8 */
	assert_int_equal(add(t, d, 0, 12, 1, 0, &out, &out_len), -EINVAL);
	/* zero-length fragment */
	assert_int_equal(add(t, d, 8, 0, 1, 0, &out, &out_len), -EINVAL);
	n = frag(d, pkt, 0, 16, 1, 0);
	assert_int_equal(ips_frag_add(t, pkt, n - 1, 0, &out, &out_len),
			 -EINVAL); /* total length beyond the capture */
	assert_int_equal(ips_frag_add(t, pkt, 19, 0, &out, &out_len), -EINVAL);
	pkt[0] = 0x44; /* IHL 16 bytes */
	assert_int_equal(ips_frag_add(t, pkt, n, 0, &out, &out_len), -EINVAL);
	pkt[0] = 0x65;
	assert_int_equal(ips_frag_add(t, pkt, n, 0, &out, &out_len), -EINVAL);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_INVALID), 6);
	assert_empty(t);
	assert_string_equal(ips_frag_counter_names[IPS_FRAG_CNT_OVERLAP_DIFF],
			    "overlap_diff");
	free(d);
	ips_frag_destroy(t);
}

/* ---- IPv6 ---- */

struct dgram6 {
	uint8_t hdr[IPS_FRAG_HDR_MAX]; /* unfragmentable part, reassembled */
	uint32_t hl;
	uint32_t nh_at; /* the byte naming the fragmentable part */
	uint32_t id;
	uint8_t payload[65536];
	uint32_t len;
};

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/*
 * A datagram 2001:db8::1 -> 2001:db8::2 with @id; its unfragmentable part
 * holds the extension headers @exts ('H' hop-by-hop, 'R' routing, 'D'
 * destination options), @ext_size bytes each; the fragmentable part is
 * @len bytes whose first header is UDP.
 */
static struct dgram6 *dg6_make(uint32_t id, const char *exts, uint32_t ext_size,
			       uint32_t len, uint8_t salt)
{
	struct dgram6 *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	d->hdr[0] = 0x60;
	d->hdr[7] = 64;
	for (int i = 0; i < 16; i++) {
		d->hdr[8 + i] = i == 0 ? 0x20 : i == 1 ? 0x01 : 0;
		d->hdr[24 + i] = d->hdr[8 + i];
	}
	d->hdr[23] = 1;
	d->hdr[39] = 2;
	d->hl = 40;
	d->nh_at = 6;
	for (const char *e = exts; *e; e++) {
		d->hdr[d->nh_at] = *e == 'H' ? 0 : *e == 'R' ? 43 : 60;
		d->nh_at = d->hl;
		d->hdr[d->hl + 1] = (uint8_t)(ext_size / 8 - 1);
		d->hl += ext_size;
	}
	d->hdr[d->nh_at] = 17;
	d->id = id;
	d->len = len;
	wr16(d->hdr + 4, (uint16_t)(d->hl - 40 + len));
	for (uint32_t i = 0; i < len; i++)
		d->payload[i] = (uint8_t)(i * 7 + salt + (i >> 9));
	return d;
}

/* Fragment [off, off + len) of @d into @pkt; @nh: the Fragment header's
 * next header (0: the datagram's). */
static uint32_t frag6_nh(const struct dgram6 *d, uint8_t *p, uint32_t off,
			 uint32_t len, int more, uint8_t nh)
{
	uint8_t *f = p + d->hl;

	memcpy(p, d->hdr, d->hl);
	p[d->nh_at] = 44;
	f[0] = nh ? nh : d->hdr[d->nh_at];
	f[1] = 0;
	wr16(f + 2, (uint16_t)(off | (more ? 1 : 0)));
	wr32(f + 4, d->id);
	memcpy(f + 8, d->payload + off, len);
	wr16(p + 4, (uint16_t)(d->hl - 40 + 8 + len));
	return d->hl + 8 + len;
}

static int add6(struct ips_frag_table *t, const struct dgram6 *d, uint32_t off,
		uint32_t len, int more, uint64_t now, const uint8_t **out,
		uint32_t *out_len)
{
	uint32_t n = frag6_nh(d, pkt, off, len, more, 0);

	assert_true(ips_frag_is_fragment(pkt, n));
	return ips_frag_add(t, pkt, n, now, out, out_len);
}

/* The result is @d: its unfragmentable part, no Fragment header, the
 * payload length fixed; its chain walks to the UDP header. */
static void check_result6(const struct dgram6 *d, const uint8_t *out,
			  uint32_t out_len)
{
	struct ips_frag_v6_chain c;

	assert_int_equal(out_len, d->hl + d->len);
	assert_memory_equal(out, d->hdr, d->hl);
	assert_memory_equal(out + d->hl, d->payload, d->len);
	assert_int_equal(ips_frag_v6_walk(out, out_len, &c), 0);
	assert_int_equal(c.nh, 17);
	assert_int_equal(c.off, d->hl);
	assert_int_equal(c.end, out_len);
	assert_false(ips_frag_is_fragment(out, out_len));
}

/* In order, reversed and every order of four, behind 0-3 ext headers. */
static void test_v6_orders_and_ext_headers(void **state)
{
	static const uint32_t offs[] = {0, 1232, 2464, 3696, 4000};
	static const char *const exts[] = {"", "H", "HRD", "D"};
	struct ips_frag_table *t = ips_frag_create(NULL);
	uint32_t n = 0;

	(void)state;
	assert_non_null(t);
	for (int e = 0; e < 4; e++) {
		struct dgram6 *d = dg6_make(0x12345678u + (uint32_t)e, exts[e],
					    e == 3 ? 24 : 8, 4000, (uint8_t)e);

		for (int p = 0; p < 24; p++) {
			int perm[4] = {0, 1, 2, 3}, rest = p;
			const uint8_t *out = NULL;
			uint32_t out_len = 0;

			/* the p-th permutation, factorial base */
			for (int k = 0; k < 4; k++) {
				int f = k == 0 ? 6 : k == 1 ? 2 : 1, j = k;
				int pick = k < 3 ? rest / f : 0, tmp;

				rest -= pick * (k < 3 ? f : 0);
				j += pick;
				tmp = perm[j];
				memmove(perm + k + 1, perm + k,
					(size_t)(j - k) * sizeof(int));
				perm[k] = tmp;
			}
			for (int k = 0; k < 4; k++) {
				int i = perm[k];

				assert_int_equal(add6(t, d, offs[i],
						      offs[i + 1] - offs[i],
						      i < 3, 0, &out, &out_len),
						 k == 3);
			}
			check_result6(d, out, out_len);
			assert_empty(t);
			n++;
		}
		free(d);
	}
	assert_int_equal(n, 96);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_REASSEMBLED), 96);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_FRAGMENTS), 4 * 96);
	ips_frag_destroy(t);
}

static void test_v6_duplicate_overlap_same(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram6 *d = dg6_make(9, "D", 8, 2500, 3);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	assert_int_equal(add6(t, d, 0, 1000, 1, 0, &out, &out_len), 0);
	assert_int_equal(add6(t, d, 0, 1000, 1, 0, &out, &out_len), 0);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_DUPLICATES), 1);
	assert_int_equal(add6(t, d, 800, 1200, 1, 0, &out, &out_len), 0);
	assert_int_equal(add6(t, d, 1600, 900, 0, 0, &out, &out_len), 1);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_OVERLAPS), 2);
	check_result6(d, out, out_len);
	assert_empty(t);
	free(d);
	ips_frag_destroy(t);
}

static void test_v6_overlap_different_drops(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram6 *d = dg6_make(10, "", 8, 2000, 1);
	struct dgram6 *evil = dg6_make(10, "", 8, 2000, 99);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	assert_int_equal(add6(t, d, 0, 1000, 1, 0, &out, &out_len), 0);
	assert_int_equal(add6(t, evil, 992, 16, 1, 0, &out, &out_len),
			 -EBADMSG);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_OVERLAP_DIFF), 1);
	assert_int_equal(ips_frag_memory(t), 0);
	/* the rest of the datagram is refused until the entry expires */
	assert_int_equal(add6(t, d, 1000, 1000, 0, SEC, &out, &out_len),
			 -EBADMSG);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_DEAD), 1);
	assert_int_equal(ips_frag_tick(t, IPS_FRAG_DEF_TIMEOUT_NS), 1);
	assert_empty(t);
	free(d);
	free(evil);
	ips_frag_destroy(t);
}

static void test_v6_too_many_and_too_big(void **state)
{
	struct ips_frag_cfg cfg = {.max_frags = 3};
	struct ips_frag_table *t = ips_frag_create(&cfg);
	struct dgram6 *d = dg6_make(11, "H", 8, 65535 - 8, 1);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(add6(t, d, i * 8, 8, 1, 0, &out, &out_len), 0);
	assert_int_equal(add6(t, d, 24, 8, 1, 0, &out, &out_len), -E2BIG);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_TOO_MANY), 1);
	assert_int_equal(ips_frag_memory(t), 0);
	/* reassembled payload length: 8 (hop-by-hop) + 65520 + 7 = 65535 */
	d->id = 12;
	assert_int_equal(add6(t, d, 65520, 7, 0, 0, &out, &out_len), 0);
	d->id = 13;
	assert_int_equal(add6(t, d, 65520, 8, 0, 0, &out, &out_len), -EMSGSIZE);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_TOO_BIG), 1);
	free(d);
	ips_frag_destroy(t);
}

static void test_v6_largest_datagram(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram6 *d = dg6_make(14, "H", 8, 65535 - 8, 5);
	const uint8_t *out = NULL;
	uint32_t out_len = 0;
	int r = 0;

	(void)state;
	for (uint32_t off = 0; off < d->len; off += 1448) {
		uint32_t len = d->len - off < 1448 ? d->len - off : 1448;

		r = add6(t, d, off, len, off + len < d->len, 0, &out, &out_len);
	}
	assert_int_equal(r, 1);
	assert_int_equal(out_len, 40 + 65535);
	check_result6(d, out, out_len);
	free(d);
	ips_frag_destroy(t);
}

static void test_v6_table_full_and_timeout(void **state)
{
	struct ips_frag_cfg cfg = {.max_datagrams = 2, .timeout_ns = SEC};
	struct ips_frag_table *t = ips_frag_create(&cfg);
	struct dgram6 *d = dg6_make(20, "", 8, 16, 1);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	assert_int_equal(add6(t, d, 0, 8, 1, 0, &out, &out_len), 0);
	d->id = 21;
	assert_int_equal(add6(t, d, 8, 8, 0, 0, &out, &out_len), 0);
	d->id = 22;
	assert_int_equal(add6(t, d, 0, 8, 1, 0, &out, &out_len), -ENOBUFS);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_NO_ENTRY), 1);
	assert_int_equal(ips_frag_tick(t, SEC - 1), 0);
	assert_int_equal(ips_frag_tick(t, SEC), 2);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_TIMEOUTS), 2);
	assert_empty(t);
	/* id 20's last fragment after its first expired: held, not merged */
	d->id = 20;
	assert_int_equal(add6(t, d, 8, 8, 0, SEC, &out, &out_len), 0);
	assert_int_equal(add6(t, d, 0, 8, 1, 2 * SEC - 1, &out, &out_len), 1);
	check_result6(d, out, out_len);
	free(d);
	ips_frag_destroy(t);
}

/* The key is (src, dst, 32-bit id): ids differing in the high half and
 * IPv4 datagrams with the same low half do not mix. */
static void test_v6_key(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram6 *a = dg6_make(0x00010007, "", 8, 32, 1);
	struct dgram6 *b = dg6_make(0x00020007, "", 8, 32, 2);
	struct dgram *v4 = dg_make(7, 20, 32, 3);
	const uint8_t *out;
	uint32_t out_len;

	(void)state;
	assert_int_equal(add6(t, a, 0, 16, 1, 0, &out, &out_len), 0);
	assert_int_equal(add6(t, b, 0, 16, 1, 0, &out, &out_len), 0);
	assert_int_equal(add(t, v4, 0, 16, 1, 0, &out, &out_len), 0);
	assert_int_equal(ips_frag_pending(t), 3);
	assert_int_equal(add6(t, b, 16, 16, 0, 0, &out, &out_len), 1);
	check_result6(b, out, out_len);
	assert_int_equal(add(t, v4, 16, 16, 0, 0, &out, &out_len), 1);
	check_result(v4, out, out_len, 0);
	assert_int_equal(add6(t, a, 16, 16, 0, 0, &out, &out_len), 1);
	check_result6(a, out, out_len);
	assert_empty(t);
	free(a);
	free(b);
	free(v4);
	ips_frag_destroy(t);
}

/* RFC 6946: offset 0 without M is a whole datagram, never held. */
static void test_v6_atomic_fragment(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram6 *d = dg6_make(30, "H", 8, 100, 1);
	struct ips_frag_v6_chain c;
	const uint8_t *out;
	uint32_t out_len, n;

	(void)state;
	n = frag6_nh(d, pkt, 0, 100, 0, 0);
	assert_false(ips_frag_is_fragment(pkt, n));
	assert_int_equal(ips_frag_v6_walk(pkt, n + 3, &c), 0);
	assert_true(c.atomic);
	assert_int_equal(c.nh, 17);
	assert_int_equal(c.off, 48 + 8);
	assert_int_equal(c.nh_at, 48);
	assert_int_equal(ips_frag_add(t, pkt, n + 3, 0, &out, &out_len), 1);
	assert_ptr_equal(out, pkt);
	assert_int_equal(out_len, n);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_ATOMIC), 1);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_FRAGMENTS), 0);
	assert_empty(t);
	/* an atomic Fragment header in the unfragmentable part is kept */
	d->hdr[40] = 44;
	memset(d->hdr + 48, 0, 8);
	d->hdr[48] = 17;
	d->nh_at = 48;
	d->hl = 56;
	wr16(d->hdr + 4, (uint16_t)(16 + d->len));
	assert_int_equal(add6(t, d, 0, 48, 1, 0, &out, &out_len), 0);
	assert_int_equal(add6(t, d, 48, 52, 0, 0, &out, &out_len), 1);
	check_result6(d, out, out_len);
	free(d);
	ips_frag_destroy(t);
}

/* Fragments of a fragment: the reassembled chain holds another
 * (non-atomic) Fragment header, which Linux would reassemble again. */
static void test_v6_nested_fragment_dropped(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram6 *d = dg6_make(40, "", 8, 64, 1);
	const uint8_t *out;
	uint32_t out_len, n;

	(void)state;
	/* the fragmentable part starts with an inner Fragment header */
	memcpy(d->payload, (uint8_t[]){17, 0, 0, 1, 0, 0, 0, 41}, 8);
	n = frag6_nh(d, pkt, 0, 32, 1, 44);
	assert_int_equal(ips_frag_add(t, pkt, n, 0, &out, &out_len), 0);
	assert_int_equal(add6(t, d, 32, 32, 0, 0, &out, &out_len), -EBADMSG);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_NESTED), 1);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_REASSEMBLED), 0);
	assert_int_equal(ips_frag_memory(t), 0);
	/* an inner atomic one is a whole datagram: fine */
	d->id = 41;
	d->payload[3] = 0;
	n = frag6_nh(d, pkt, 0, 32, 1, 44);
	assert_int_equal(ips_frag_add(t, pkt, n, 0, &out, &out_len), 0);
	assert_int_equal(add6(t, d, 32, 32, 0, 0, &out, &out_len), 1);
	assert_int_equal(out[6], 44);
	assert_memory_equal(out + 40, d->payload, 64);
	free(d);
	ips_frag_destroy(t);
}

static void test_v6_invalid(void **state)
{
	struct ips_frag_table *t = ips_frag_create(NULL);
	struct dgram6 *d = dg6_make(50, "", 8, 64, 1);
	struct dgram6 *big = dg6_make(51, "H", 480, 64, 1);
	struct ips_frag_v6_chain c;
	const uint8_t *out;
	uint32_t out_len, n;

	(void)state;
	/* middle fragment not a multiple of 8, empty fragment */
	assert_int_equal(add6(t, d, 0, 12, 1, 0, &out, &out_len), -EINVAL);
	assert_int_equal(add6(t, d, 8, 0, 1, 0, &out, &out_len), -EINVAL);
	/* payload length beyond the capture; Fragment header cut short */
	n = frag6_nh(d, pkt, 0, 16, 1, 0);
	assert_int_equal(ips_frag_add(t, pkt, n - 1, 0, &out, &out_len),
			 -EINVAL);
	wr16(pkt + 4, 4);
	assert_int_equal(ips_frag_add(t, pkt, n, 0, &out, &out_len), -EINVAL);
	assert_false(ips_frag_is_fragment(pkt, n));
	/* unfragmentable part 40 + 480 > IPS_FRAG_HDR_MAX */
	assert_int_equal(add6(t, big, 0, 16, 1, 0, &out, &out_len), -EINVAL);
	assert_int_equal(ctr(t, IPS_FRAG_CNT_INVALID), 5);
	assert_empty(t);
	free(big);
	/* nine extension headers: more than the walk takes */
	big = dg6_make(52, "DDDDDDDD", 8, 8, 1);
	n = frag6_nh(big, pkt, 0, 8, 1, 0);
	assert_int_equal(ips_frag_v6_walk(pkt, n, &c), -EINVAL);
	assert_int_equal(ips_frag_add(t, pkt, n, 0, &out, &out_len), -EINVAL);
	/* AH counts 4-byte units: 12 bytes here */
	memset(pkt, 0, 80);
	pkt[0] = 0x60;
	pkt[5] = 20;
	pkt[6] = 51;
	pkt[40] = 6;
	pkt[41] = 1;
	assert_int_equal(ips_frag_v6_walk(pkt, 60, &c), 0);
	assert_int_equal(c.nh, 6);
	assert_int_equal(c.off, 52);
	assert_int_equal(c.nh_at, 40);
	assert_false(c.atomic);
	free(big);
	free(d);
	ips_frag_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_a_fragment),
		cmocka_unit_test(test_in_order_and_reverse),
		cmocka_unit_test(test_df_kept_and_every_order),
		cmocka_unit_test(test_overlap_same_bytes_and_duplicate),
		cmocka_unit_test(test_overlap_different_bytes_drops),
		cmocka_unit_test(test_last_fragment_differs_in_tail),
		cmocka_unit_test(test_missing_last_times_out),
		cmocka_unit_test(test_one_block_missing),
		cmocka_unit_test(test_too_many_fragments),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_largest_datagram),
		cmocka_unit_test(test_memory_budget),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_conflicting_ends),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_v6_orders_and_ext_headers),
		cmocka_unit_test(test_v6_duplicate_overlap_same),
		cmocka_unit_test(test_v6_overlap_different_drops),
		cmocka_unit_test(test_v6_too_many_and_too_big),
		cmocka_unit_test(test_v6_largest_datagram),
		cmocka_unit_test(test_v6_table_full_and_timeout),
		cmocka_unit_test(test_v6_key),
		cmocka_unit_test(test_v6_atomic_fragment),
		cmocka_unit_test(test_v6_nested_fragment_dropped),
		cmocka_unit_test(test_v6_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
