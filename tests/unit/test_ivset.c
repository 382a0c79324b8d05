// SPDX-License-Identifier: MIT
/*
 * test_ivset.c - the interval set template (src/core/ivset.h).
 *
 * The template is instantiated here over uint8_t, where the whole value
 * space fits in a 256-bit map: random sets are built from random
 * (overlapping, adjacent, unsorted) intervals and every operation is
 * checked value by value against the map, together with the normal form
 * (sorted, disjoint, not adjacent). The two instances the code uses,
 * fw_set (uint32_t) and ips_set (unsigned __int128), are checked at the
 * top of their types, where hi + 1 wraps, and a tiny instance checks the
 * IVSET_MAX bound.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fw/fw_set.h"
#include "ips/ips_set.h"

#define IVSET_NAME set8
#define IVSET_RANGE range8
#define IVSET_T uint8_t
#include "core/ivset.h"

#define IVSET_NAME set8
#define IVSET_RANGE range8
#define IVSET_T uint8_t
#define IVSET_MAX 1024
#include "core/ivset_impl.h"

#define IVSET_NAME tiny
#define IVSET_RANGE tiny_range
#define IVSET_T uint8_t
#include "core/ivset.h"

#define IVSET_NAME tiny
#define IVSET_RANGE tiny_range
#define IVSET_T uint8_t
#define IVSET_MAX 8
#include "core/ivset_impl.h"

enum {
	ROUNDS = 3000,
	VALUES = 256,
};

/* the model: one bool a value */
struct map {
	bool in[VALUES];
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33) % n;
}

/* Fill @s (unnormalised) and @m with random intervals inside [0, @max]. */
static void random_set(struct set8 *s, struct map *m, unsigned int max)
{
	unsigned int i, k, n = rnd(12);

	memset(m, 0, sizeof(*m));
	for (i = 0; i < n; i++) {
		unsigned int lo = rnd(max + 1), len = rnd(4) ? rnd(8) : rnd(80);
		unsigned int hi = lo + len > max ? max : lo + len;

		/* sometimes exactly adjacent to the last interval */
		if (i && rnd(4) == 0 && s->r[s->n - 1].hi < max) {
			lo = s->r[s->n - 1].hi + 1u;
			hi = lo;
		}
		assert_int_equal(set8_add(s, (uint8_t)lo, (uint8_t)hi), 0);
		for (k = lo; k <= hi; k++)
			m->in[k] = true;
	}
}

/* @s is normalised and holds exactly the values of @m. */
static void check(const struct set8 *s, const struct map *m)
{
	unsigned int v, i;

	for (i = 0; i < s->n; i++) {
		assert_true(s->r[i].lo <= s->r[i].hi);
		if (i)
			assert_true(s->r[i - 1].hi + 1u < s->r[i].lo);
	}
	for (v = 0; v < VALUES; v++)
		assert_int_equal(set8_contains(s, (uint8_t)v), m->in[v]);
}

static void test_random_against_map(void **state)
{
	struct set8 a, b, c;
	struct map ma, mb, mc;
	unsigned int round, v;

	(void)state;
	for (round = 0; round < ROUNDS; round++) {
		unsigned int max = rnd(3) ? 255 : rnd(256);
		bool full = true;

		set8_init(&a);
		set8_init(&b);
		set8_init(&c);
		random_set(&a, &ma, max);
		random_set(&b, &mb, max);
		set8_normalise(&a);
		set8_normalise(&b);
		check(&a, &ma);
		check(&b, &mb);
		assert_int_equal(set8_equal(&a, &b),
				 !memcmp(&ma, &mb, sizeof(ma)));

		/* union: append, normalise */
		assert_int_equal(set8_add_set(&c, &a), 0);
		assert_int_equal(set8_add_set(&c, &b), 0);
		set8_normalise(&c);
		for (v = 0; v < VALUES; v++)
			mc.in[v] = ma.in[v] || mb.in[v];
		check(&c, &mc);

		/* a minus b */
		assert_int_equal(set8_minus(&c, &c), 0);
		assert_int_equal(c.n, 0);
		assert_int_equal(set8_add_set(&c, &a), 0);
		assert_int_equal(set8_minus(&c, &b), 0);
		for (v = 0; v < VALUES; v++)
			mc.in[v] = ma.in[v] && !mb.in[v];
		check(&c, &mc);

		/* complement in [0, max], twice */
		for (v = 0; v <= max; v++)
			full &= ma.in[v];
		assert_int_equal(set8_is_full(&a, (uint8_t)max), full);
		assert_int_equal(set8_complement(&a, (uint8_t)max), 0);
		for (v = 0; v < VALUES; v++)
			mc.in[v] = v <= max && !ma.in[v];
		check(&a, &mc);
		assert_int_equal(a.n == 0, full);
		assert_int_equal(set8_complement(&a, (uint8_t)max), 0);
		check(&a, &ma);
		set8_free(&a);
		set8_free(&b);
		set8_free(&c);
		assert_null(c.r);
	}
}

/* @s as "lo-hi" items ("v" for one value), space-separated */
static const char *show(const struct set8 *s)
{
	static char buf[VALUES * 8];
	size_t len = 0;
	uint32_t i;

	buf[0] = 0;
	for (i = 0; i < s->n; i++) {
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u",
					i ? " " : "", s->r[i].lo);
		if (s->r[i].hi != s->r[i].lo)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"-%u", s->r[i].hi);
	}
	return buf;
}

static void test_small_cases(void **state)
{
	struct set8 s, t;

	(void)state;
	set8_init(&s);
	set8_init(&t);
	assert_int_equal(set8_add(&s, 3, 2), -EINVAL);
	assert_false(set8_contains(&s, 0)); /* empty */
	assert_true(set8_equal(&s, &t));
	assert_int_equal(set8_complement(&s, 255), 0);
	assert_true(set8_is_full(&s, 255));
	assert_true(set8_contains(&s, 0) && set8_contains(&s, 255));
	/* values touching the top of the type merge without wrapping */
	set8_free(&s);
	assert_int_equal(set8_add(&s, 255, 255), 0);
	assert_int_equal(set8_add(&s, 0, 0), 0);
	assert_int_equal(set8_add(&s, 254, 254), 0);
	set8_normalise(&s);
	assert_string_equal(show(&s), "0 254-255");
	assert_int_equal(set8_add(&t, 0, 255), 0);
	assert_int_equal(set8_minus(&t, &s), 0);
	assert_string_equal(show(&t), "1-253");
	set8_free(&s);
	set8_free(&t);
}

static void test_bound(void **state)
{
	struct tiny s;
	unsigned int i;

	(void)state;
	tiny_init(&s);
	for (i = 0; i < 8; i++)
		assert_int_equal(
			tiny_add(&s, (uint8_t)(2 * i), (uint8_t)(2 * i)), 0);
	assert_int_equal(tiny_add(&s, 100, 100), -E2BIG);
	assert_int_equal(s.n, 8);
	assert_int_equal(tiny_complement(&s, 255), 0);
	assert_int_equal(s.n, 8); /* 1, 3, ..., 13, 15-255 */
	tiny_free(&s);
}

static void test_fw_set_top(void **state)
{
	struct fw_set s;

	(void)state;
	fw_set_init(&s);
	assert_int_equal(fw_set_add(&s, UINT32_MAX, UINT32_MAX), 0);
	assert_int_equal(fw_set_add(&s, 7, UINT32_MAX - 1), 0);
	fw_set_normalise(&s);
	assert_int_equal(s.n, 1);
	assert_true(fw_set_contains(&s, UINT32_MAX) && fw_set_contains(&s, 7));
	assert_false(fw_set_contains(&s, 6));
	assert_int_equal(fw_set_complement(&s, UINT32_MAX), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.r[0].lo, 0);
	assert_int_equal(s.r[0].hi, 6);
	assert_int_equal(fw_set_complement(&s, UINT32_MAX), 0);
	assert_int_equal(fw_set_complement(&s, UINT32_MAX), 0);
	assert_false(fw_set_contains(&s, UINT32_MAX));
	assert_true(fw_set_contains(&s, 6));
	fw_set_free(&s);
}

static void test_ips_set_top(void **state)
{
	const unsigned __int128 top = IPS_V6_MAX;
	struct ips_set s, t;

	(void)state;
	ips_set_init(&s);
	ips_set_init(&t);
	assert_int_equal(ips_set_add(&s, top, top), 0);
	assert_int_equal(ips_set_add(&s, 0, top - 2), 0);
	ips_set_normalise(&s);
	assert_int_equal(s.n, 2);
	assert_false(ips_set_contains(&s, top - 1));
	assert_true(ips_set_contains(&s, top));
	assert_int_equal(ips_set_add(&t, top - 1, top - 1), 0);
	assert_int_equal(ips_set_add_set(&t, &s), 0);
	ips_set_normalise(&t);
	assert_true(ips_set_is_full(&t, top));
	assert_int_equal(ips_set_minus(&t, &s), 0);
	assert_int_equal(t.n, 1);
	assert_true(t.r[0].lo == top - 1 && t.r[0].hi == top - 1);
	assert_int_equal(ips_set_complement(&s, top), 0);
	assert_true(ips_set_equal(&s, &t));
	ips_set_free(&s);
	ips_set_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_against_map),
		cmocka_unit_test(test_small_cases),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_fw_set_top),
		cmocka_unit_test(test_ips_set_top),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
