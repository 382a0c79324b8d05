// SPDX-License-Identifier: MIT
/*
 * test_ips_mpm.c - unit tests of the Hyperscan literal multi-pattern
 * wrapper (src/ips/ips_mpm.c): ids, caseless vs case-sensitive patterns,
 * binary patterns with NUL bytes, single report per pattern, many
 * patterns checked against a brute-force memmem reference, one scratch
 * shared by two databases, stopping a scan, and errors.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ips/ips_mpm.h"

enum { MAX_IDS = 4096 };

struct hits {
	uint32_t count[MAX_IDS];
	uint32_t total;
	uint64_t last_end;
	uint32_t stop_after;
};

static int record(void *ctx, uint32_t id, uint64_t end)
{
	struct hits *h = ctx;

	assert_true(id < MAX_IDS);
	h->count[id]++;
	h->total++;
	h->last_end = end;
	return h->stop_after && h->total >= h->stop_after;
}

#define PAT(s, i, nc)                                                          \
	{                                                                      \
		(const uint8_t *)(s), sizeof(s) - 1, (i), (nc)                 \
	}

static void scan_str(struct ips_mpm *m, struct ips_mpm_scratch *s,
		     const void *buf, size_t len, struct hits *h)
{
	memset(h->count, 0, sizeof(h->count));
	h->total = 0;
	assert_int_equal(ips_mpm_scan(m, s, buf, len, record, h), 0);
}

static void test_caseless(void **state)
{
	const struct ips_mpm_pattern pats[] = {
		PAT("Attack", 7, false),
		PAT("select", 9, true),
		PAT("UNION", 11, false),
	};
	struct ips_mpm_scratch *s = NULL;
	struct ips_mpm *m;
	struct hits h = {0};
	char err[256];

	(void)state;
	assert_int_equal(ips_mpm_build(&m, pats, 3, err, sizeof(err)), 0);
	assert_int_equal(ips_mpm_count(m), 3);
	assert_true(ips_mpm_size(m) > 0);
	assert_int_equal(ips_mpm_scratch_grow(&s, m), 0);

	scan_str(m, s, "an ATTACK with SeLeCt and union", 31, &h);
	assert_int_equal(h.count[7], 0); /* case-sensitive: no */
	assert_int_equal(h.count[9], 1); /* nocase: yes */
	assert_int_equal(h.count[11], 0);
	assert_int_equal(h.total, 1);

	scan_str(m, s, "Attack Attack SELECT UNION", 26, &h);
	assert_int_equal(h.count[7], 1); /* twice, reported once */
	assert_int_equal(h.count[9], 1);
	assert_int_equal(h.count[11], 1);

	scan_str(m, s, "Attac", 5, &h); /* prefix only */
	assert_int_equal(h.total, 0);
	scan_str(m, s, NULL, 0, &h); /* empty buffer */
	assert_int_equal(h.total, 0);

	ips_mpm_scratch_free(s);
	ips_mpm_free(m);
}

static void test_binary_nul(void **state)
{
	static const uint8_t p0[] = {0x00, 0x01, 0x00};
	static const uint8_t p1[] = {0xff, 0x00, 'A'};
	static const uint8_t buf[] = {'x',  0xff, 0x00, 'a',
				      0x00, 0x01, 0x00, 'y'};
	const struct ips_mpm_pattern pats[] = {
		{p0, sizeof(p0), 1, false},
		{p1, sizeof(p1), 2, true},
		{p1, sizeof(p1), 3, false},
	};
	struct ips_mpm_scratch *s = NULL;
	struct ips_mpm *m;
	struct hits h = {0};

	(void)state;
	assert_int_equal(ips_mpm_build(&m, pats, 3, NULL, 0), 0);
	assert_int_equal(ips_mpm_scratch_grow(&s, m), 0);
	scan_str(m, s, buf, sizeof(buf), &h);
	assert_int_equal(h.count[1], 1);
	assert_int_equal(h.count[2], 1); /* 0xff 0x00 'a' nocase */
	assert_int_equal(h.count[3], 0); /* case-sensitive 'A' */
	/* the NUL is part of the pattern: stopping at it would match */
	scan_str(m, s, "\x00\x01", 2, &h);
	assert_int_equal(h.total, 0);
	ips_mpm_scratch_free(s);
	ips_mpm_free(m);
}

/* Random patterns over a small alphabet vs memmem / case-folded memmem */
static bool contains(const uint8_t *hay, size_t n, const uint8_t *pat,
		     size_t len, bool nocase)
{
	for (size_t i = 0; i + len <= n; i++) {
		size_t k = 0;

		while (k < len &&
		       (nocase ? (hay[i + k] | 0x20) == (pat[k] | 0x20)
			       : hay[i + k] == pat[k]))
			k++;
		if (k == len)
			return true;
	}
	return false;
}

static void test_many_patterns(void **state)
{
	enum { N = 3000, PLEN = 6, BUFS = 200, BLEN = 512 };
	static uint8_t store[N][PLEN];
	static struct ips_mpm_pattern pats[N];
	static const char alpha[] = "abAB\0x";
	struct ips_mpm_scratch *s = NULL;
	static struct hits h;
	struct ips_mpm *m;
	uint8_t buf[BLEN];
	uint32_t seen = 0;

	(void)state;
	srand(12345);
	for (uint32_t i = 0; i < N; i++) {
		uint32_t len = 2 + rand() % (PLEN - 1);

		for (uint32_t k = 0; k < len; k++)
			store[i][k] = alpha[rand() % 6];
		pats[i] = (struct ips_mpm_pattern){store[i], len, i,
						   rand() % 2 == 0};
	}
	assert_int_equal(ips_mpm_build(&m, pats, N, NULL, 0), 0);
	assert_int_equal(ips_mpm_scratch_grow(&s, m), 0);
	for (uint32_t b = 0; b < BUFS; b++) {
		uint32_t n = rand() % BLEN;

		for (uint32_t k = 0; k < n; k++)
			buf[k] = alpha[rand() % 6];
		scan_str(m, s, buf, n, &h);
		for (uint32_t i = 0; i < N; i++) {
			bool want = contains(buf, n, pats[i].bytes, pats[i].len,
					     pats[i].nocase);

			assert_int_equal(h.count[i], want ? 1 : 0);
			seen += want;
		}
	}
	assert_true(seen > 1000); /* the test really matched things */
	ips_mpm_scratch_free(s);
	ips_mpm_free(m);
}

static void test_shared_scratch_and_stop(void **state)
{
	const struct ips_mpm_pattern pa[] = {PAT("foo", 1, false)};
	const struct ips_mpm_pattern pb[] = {
		PAT("barbaz", 2, false),
		PAT("qux", 3, false),
		PAT("a", 4, false),
		PAT("b", 5, false),
	};
	struct ips_mpm_scratch *s = NULL;
	struct ips_mpm *a, *b;
	struct hits h = {0};

	(void)state;
	assert_int_equal(ips_mpm_build(&a, pa, 1, NULL, 0), 0);
	assert_int_equal(ips_mpm_build(&b, pb, 4, NULL, 0), 0);
	assert_int_equal(ips_mpm_scratch_grow(&s, a), 0);
	assert_int_equal(ips_mpm_scratch_grow(&s, b), 0);
	assert_true(ips_mpm_scratch_size(s) > 0);
	scan_str(a, s, "xxfoo", 5, &h);
	assert_int_equal(h.count[1], 1);
	assert_int_equal(h.last_end, 5);
	scan_str(b, s, "barbaz qux", 10, &h);
	assert_int_equal(h.count[2], 1);
	assert_int_equal(h.count[3], 1);
	assert_int_equal(h.count[4], 1);
	assert_int_equal(h.count[5], 1);
	h.stop_after = 1;
	scan_str(b, s, "barbaz qux", 10, &h);
	assert_int_equal(h.total, 1);
	ips_mpm_scratch_free(s);
	ips_mpm_free(a);
	ips_mpm_free(b);
}

static void test_errors(void **state)
{
	const struct ips_mpm_pattern pats[] = {
		PAT("ok", 1, false), {(const uint8_t *)"", 0, 9, false}};
	struct ips_mpm *m = (struct ips_mpm *)1;
	char err[256] = "";

	(void)state;
	assert_int_equal(ips_mpm_build(&m, pats, 0, err, sizeof(err)), -EINVAL);
	assert_null(m);
	assert_int_equal(ips_mpm_build(&m, pats, 2, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "id 9"));
	ips_mpm_free(NULL);
	ips_mpm_scratch_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caseless),
		cmocka_unit_test(test_binary_nul),
		cmocka_unit_test(test_many_patterns),
		cmocka_unit_test(test_shared_scratch_and_stop),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("ips_mpm", tests, NULL, NULL);
}
