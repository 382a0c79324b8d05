// SPDX-License-Identifier: MIT
/*
 * test_route.c - unit tests of the LPM route table (l3/route.[ch]): edge
 * cases in a numbered table (/0, /32, /16 and /24 level boundaries,
 * overlapping prefixes, deletes falling back to the parent), argument
 * errors, capacity, group folding, dump order, and tens of thousands of
 * random adds, deletes and lookups checked against a brute-force linear
 * reference.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "l3/route.h"

enum { PKT_BURST_TEST = 65 }; /* one past a full burst */

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static int add(struct route_table *t, const char *pfx, uint8_t len,
	       uint16_t ifindex)
{
	struct route_entry r = {.prefix = ip(pfx),
				.len = len,
				.ifindex = ifindex,
				.kind = ROUTE_KIND_STATIC};

	return route_table_add(t, &r);
}

/* ifindex of the route for @dst, or -1 */
static int via(const struct route_table *t, const char *dst)
{
	const struct route_entry *r = route_lookup(t, ip(dst));

	return r ? r->ifindex : -1;
}

/* Groups taken from the pool. */
static uint32_t groups_in_use(const struct route_table *t)
{
	return t->max_groups - t->n_free_groups;
}

static void test_edges(void **state)
{
	static const struct {
		const char *dst;
		int want;
	} cases[] = {
		/* 1 */ {"0.0.0.0", 0},
		/* 2 */ {"255.255.255.255", 0},
		/* 3 */ {"10.0.0.0", 1},
		/* 4 */ {"10.255.255.255", 1},
		/* 5 */ {"10.1.128.0", 2}, /* /16 past the /17 */
		/* 6 */ {"10.1.255.255", 2},
		/* 7 */ {"10.1.2.0", 3}, /* /24 */
		/* 8 */ {"10.1.2.7", 4}, /* /32 inside the /24 */
		/* 9 */ {"10.1.2.8", 3},
		/* 10 */ {"10.1.2.128", 5}, /* /25 */
		/* 11 */ {"10.1.3.0", 6}, /* /17 spans 128 /24s */
		/* 12 */ {"10.1.127.255", 6},
		/* 13 */ {"10.1.0.0", 6},
		/* 14 */ {"11.0.0.0", 7}, /* /7 = 10.0.0.0-11.255.. */
		/* 15 */ {"12.0.0.0", 0},
		/* 16 */ {"192.168.1.1", 8}, /* lone /32 */
		/* 17 */ {"192.168.1.2", 0},
	};
	struct route_table t;
	unsigned int i;

	(void)state;
	assert_int_equal(route_table_init(&t, 64), 0);
	assert_int_equal(via(&t, "1.2.3.4"), -1);
	assert_int_equal(add(&t, "0.0.0.0", 0, 0), 0);
	assert_int_equal(add(&t, "10.0.0.0", 8, 1), 0);
	assert_int_equal(add(&t, "10.1.2.7", 32, 4), 0); /* before /24 */
	assert_int_equal(add(&t, "10.1.2.0", 24, 3), 0);
	assert_int_equal(add(&t, "10.1.0.0", 16, 2), 0); /* after /24 */
	assert_int_equal(add(&t, "10.1.2.128", 25, 5), 0);
	assert_int_equal(add(&t, "10.1.0.0", 17, 6), 0);
	assert_int_equal(add(&t, "10.0.0.0", 7, 7), 0);
	assert_int_equal(add(&t, "192.168.1.1", 32, 8), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = via(&t, cases[i].dst);

		if (got != cases[i].want)
			fail_msg("case %u: %s via %d, want %d", i + 1,
				 cases[i].dst, got, cases[i].want);
	}
	/* deletes fall back to the parent */
	assert_int_equal(route_table_del(&t, ip("10.1.0.0"), 17), 0);
	assert_int_equal(via(&t, "10.1.3.0"), 2);
	assert_int_equal(via(&t, "10.1.2.9"), 3);
	assert_int_equal(route_table_del(&t, ip("10.1.2.0"), 24), 0);
	assert_int_equal(via(&t, "10.1.2.9"), 2);
	assert_int_equal(via(&t, "10.1.2.7"), 4);
	assert_int_equal(via(&t, "10.1.2.200"), 5);
	assert_int_equal(route_table_del(&t, ip("10.1.0.0"), 16), 0);
	assert_int_equal(via(&t, "10.1.2.9"), 1);
	assert_int_equal(route_table_del(&t, ip("10.0.0.0"), 8), 0);
	assert_int_equal(via(&t, "10.1.2.9"), 7);
	assert_int_equal(route_table_del(&t, ip("0.0.0.0"), 0), 0);
	assert_int_equal(via(&t, "12.0.0.0"), -1);
	assert_int_equal(via(&t, "10.1.2.7"), 4);
	assert_int_equal(route_table_del(&t, ip("0.0.0.0"), 0), -ENOENT);
	assert_int_equal(t.count, 4);
	route_table_fini(&t);
	route_table_fini(&t);
}

static void test_errors(void **state)
{
	struct route_table t;
	struct route_entry r = {.prefix = ip("10.0.0.0"),
				.len = 8,
				.kind = ROUTE_KIND_CONNECTED};

	(void)state;
	assert_int_equal(route_table_init(&t, ROUTE_CAPACITY_MAX + 1), -EINVAL);
	assert_int_equal(route_table_init(&t, 2), 0);
	assert_int_equal(add(&t, "10.0.0.1", 8, 0), -EINVAL); /* host bits */
	assert_int_equal(add(&t, "10.0.0.0", 33, 0), -EINVAL);
	r.kind = ROUTE_KIND_NONE;
	assert_int_equal(route_table_add(&t, &r), -EINVAL);
	r.kind = ROUTE_KIND_CONNECTED;
	assert_int_equal(route_table_add(&t, &r), 0);
	assert_int_equal(route_table_add(&t, &r), -EEXIST);
	assert_int_equal(add(&t, "10.0.0.0", 9, 0), 0);
	assert_int_equal(add(&t, "10.0.0.0", 10, 0), -ENOSPC);
	assert_null(route_table_find(&t, ip("10.0.0.0"), 10));
	assert_non_null(route_table_find(&t, ip("10.0.0.0"), 9));
	assert_int_equal(route_table_del(&t, ip("10.0.0.0"), 33), -ENOENT);
	assert_int_equal(route_table_del(&t, ip("10.0.0.0"), 7), -ENOENT);
	assert_string_equal(route_kind_str(ROUTE_KIND_CONNECTED), "connected");
	assert_string_equal(route_kind_str(9), "none");
	route_table_fini(&t);
}

static void test_groups_fold(void **state)
{
	struct route_table t;
	uint32_t i;
	char s[32];

	(void)state;
	assert_int_equal(route_table_init(&t, 1024), 0);
	assert_int_equal(add(&t, "10.0.0.0", 8, 1), 0);
	for (i = 0; i < 200; i++) {
		snprintf(s, sizeof(s), "10.%u.%u.%u", i % 3, i, i);
		assert_int_equal(add(&t, s, 32, 2), 0);
	}
	assert_true(groups_in_use(&t) > 0);
	for (i = 0; i < 200; i++) {
		snprintf(s, sizeof(s), "10.%u.%u.%u", i % 3, i, i);
		assert_int_equal(route_table_del(&t, ip(s), 32), 0);
	}
	assert_int_equal(groups_in_use(&t), 0);
	assert_int_equal(via(&t, "10.1.1.1"), 1);
	/* a /16 added over existing groups fills and folds them */
	assert_int_equal(add(&t, "10.5.5.0", 24, 3), 0);
	assert_int_equal(add(&t, "10.5.0.0", 16, 4), 0);
	assert_int_equal(route_table_del(&t, ip("10.5.5.0"), 24), 0);
	assert_int_equal(groups_in_use(&t), 0);
	assert_int_equal(via(&t, "10.5.5.5"), 4);
	route_table_del_ifindex(&t, 4);
	assert_int_equal(via(&t, "10.5.5.5"), 1);
	assert_int_equal(t.count, 1);
	route_table_flush(&t);
	assert_int_equal(t.count, 0);
	assert_int_equal(via(&t, "10.5.5.5"), -1);
	route_table_fini(&t);
}

static void test_dump(void **state)
{
	struct route_table t;
	struct route_entry out[8];

	(void)state;
	assert_int_equal(route_table_init(&t, 16), 0);
	assert_int_equal(add(&t, "192.168.0.0", 16, 1), 0);
	assert_int_equal(add(&t, "10.0.0.0", 24, 2), 0);
	assert_int_equal(add(&t, "10.0.0.0", 8, 3), 0);
	assert_int_equal(add(&t, "0.0.0.0", 0, 4), 0);
	assert_int_equal(route_table_dump(&t, NULL, 0), 4);
	assert_int_equal(route_table_dump(&t, out, 2), 4);
	assert_int_equal(out[0].len, 0);
	assert_int_equal(out[1].len, 8);
	assert_int_equal(route_table_dump(&t, out, 8), 4);
	assert_int_equal(out[0].ifindex, 4);
	assert_int_equal(out[1].ifindex, 3);
	assert_int_equal(out[2].ifindex, 2);
	assert_int_equal(out[3].ifindex, 1);
	route_table_fini(&t);
}

/* The reference: a plain array searched linearly. */
struct ref {
	uint32_t prefix_h[4096];
	uint8_t len[4096];
	uint16_t ifindex[4096];
	unsigned int n;
};

static int ref_find(const struct ref *r, uint32_t prefix_h, uint8_t len)
{
	unsigned int i;

	for (i = 0; i < r->n; i++)
		if (r->prefix_h[i] == prefix_h && r->len[i] == len)
			return (int)i;
	return -1;
}

static int ref_lookup(const struct ref *r, uint32_t a)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < r->n; i++) {
		if ((a & route_prefix_mask(r->len[i])) != r->prefix_h[i])
			continue;
		if (best < 0 || r->len[i] > r->len[best])
			best = (int)i;
	}
	return best;
}

static uint32_t rnd32(void)
{
	return (uint32_t)random() << 16 ^ (uint32_t)random();
}

/* Prefix lengths biased to the interesting ones; bases clustered. */
static void random_prefix(uint32_t *prefix_h, uint8_t *len)
{
	static const uint8_t lens[] = {0,  8,  12, 15, 16, 16, 17, 20, 23,
				       24, 24, 25, 28, 30, 31, 32, 32, 32};
	uint32_t base = 0x0a000000u | (rnd32() & 0x0003ffffu);

	*len = (random() % 8) ? lens[random() % sizeof(lens)]
			      : (uint8_t)(random() % 33);
	if (random() % 4 == 0)
		base = rnd32();
	*prefix_h = base & route_prefix_mask(*len);
}

static void check_lookups(const struct route_table *t, const struct ref *r,
			  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t a = (i & 1) ? rnd32()
				     : 0x0a000000u | (rnd32() & 0x0003ffffu);
		const struct route_entry *got = route_lookup(t, htonl(a));
		int want = ref_lookup(r, a);

		if (want < 0) {
			assert_null(got);
			continue;
		}
		assert_non_null(got);
		assert_int_equal(ntohl(got->prefix), r->prefix_h[want]);
		assert_int_equal(got->len, r->len[want]);
		assert_int_equal(got->ifindex, r->ifindex[want]);
	}
}

static void test_random_vs_reference(void **state)
{
	static struct ref r;
	struct route_table t;
	unsigned int round, op;

	(void)state;
	srandom(12345);
	r.n = 0;
	assert_int_equal(route_table_init(&t, 4096), 0);
	for (round = 0; round < 40; round++) {
		for (op = 0; op < 500; op++) {
			uint32_t p;
			uint8_t len;
			int i;

			random_prefix(&p, &len);
			i = ref_find(&r, p, len);
			if (i >= 0 && random() % 2) {
				assert_int_equal(
					route_table_del(&t, htonl(p), len), 0);
				r.n--;
				r.prefix_h[i] = r.prefix_h[r.n];
				r.len[i] = r.len[r.n];
				r.ifindex[i] = r.ifindex[r.n];
			} else if (i < 0 && r.n < 4096) {
				struct route_entry e = {
					.prefix = htonl(p),
					.len = len,
					.ifindex = (uint16_t)random(),
					.kind = ROUTE_KIND_STATIC,
				};

				assert_int_equal(route_table_add(&t, &e), 0);
				r.prefix_h[r.n] = p;
				r.len[r.n] = len;
				r.ifindex[r.n++] = e.ifindex;
			} else if (i >= 0) {
				assert_int_equal(
					route_table_del(&t, htonl(p), len), 0);
				assert_int_equal(
					route_table_del(&t, htonl(p), len),
					-ENOENT);
				r.n--;
				r.prefix_h[i] = r.prefix_h[r.n];
				r.len[i] = r.len[r.n];
				r.ifindex[i] = r.ifindex[r.n];
			}
		}
		assert_int_equal(t.count, r.n);
		check_lookups(&t, &r, 2000);
	}
	/* empty it in random order; every group must come back */
	while (r.n) {
		unsigned int i = (unsigned int)random() % r.n;

		assert_int_equal(
			route_table_del(&t, htonl(r.prefix_h[i]), r.len[i]), 0);
		r.n--;
		r.prefix_h[i] = r.prefix_h[r.n];
		r.len[i] = r.len[r.n];
		r.ifindex[i] = r.ifindex[r.n];
		if (r.n % 64 == 0)
			check_lookups(&t, &r, 200);
	}
	assert_int_equal(groups_in_use(&t), 0);
	assert_int_equal(t.count, 0);
	route_table_fini(&t);
}

static void test_batch(void **state)
{
	struct route_table t;
	const struct route_entry *out[PKT_BURST_TEST];
	uint32_t dsts[PKT_BURST_TEST];
	unsigned int i;

	(void)state;
	assert_int_equal(route_table_init(&t, 64), 0);
	assert_int_equal(add(&t, "10.0.0.0", 8, 1), 0);
	assert_int_equal(add(&t, "10.9.9.9", 32, 2), 0);
	for (i = 0; i < PKT_BURST_TEST; i++)
		dsts[i] = htonl(i % 3 == 0   ? 0x0a090909u
				: i % 3 == 1 ? 0x0a000001u
					     : 0x0b000001u);
	route_lookup_batch(&t, dsts, out, PKT_BURST_TEST);
	for (i = 0; i < PKT_BURST_TEST; i++)
		assert_ptr_equal(out[i], route_lookup(&t, dsts[i]));
	assert_int_equal(out[0]->ifindex, 2);
	assert_int_equal(out[1]->ifindex, 1);
	assert_null(out[2]);
	route_table_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_groups_fold),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_random_vs_reference),
		cmocka_unit_test(test_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
