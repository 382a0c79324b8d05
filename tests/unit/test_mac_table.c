// SPDX-License-Identifier: MIT
/*
 * test_mac_table.c - unit tests of the switch's MAC table (mac_table.[ch]):
 * insert, find, move, remove with backward shift, capacity, aging and the
 * bounded sweep, iteration, and random operations checked against a
 * brute-force reference, with the normal hash and with every key forced
 * into one slot (collisions and wrap-around).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "node/mac_table.h"

static union mac_key key_n(uint16_t vlan, uint32_t n)
{
	uint8_t mac[6] = { 0x02, 0x00, (uint8_t)(n >> 24), (uint8_t)(n >> 16),
			   (uint8_t)(n >> 8), (uint8_t)n };

	return mac_key_make(vlan, mac);
}

/* Every entry is reachable: no empty slot between its home and itself. */
static void check_invariants(const struct mac_table *t)
{
	uint32_t i, j, used = 0, ports = 0;

	for (i = 0; i <= t->mask; i++) {
		const struct mac_entry *e = &t->slots[i];

		if (e->port == MAC_PORT_NONE)
			continue;
		used++;
		for (j = mac_table_hash(t, e->key); j != i;
		     j = (j + 1) & t->mask)
			assert_int_not_equal(t->slots[j].port, MAC_PORT_NONE);
		assert_ptr_equal(mac_table_find(t, e->key), e);
	}
	assert_int_equal(used, t->count);
	for (i = 0; i < MAC_TABLE_MAX_PORTS; i++)
		ports += t->port_macs[i];
	assert_int_equal(ports, t->count);
}

static void test_key_layout(void **state)
{
	const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	union mac_key k = mac_key_make(10, mac);
	uint8_t back[6];

	(void)state;
	assert_true(k.raw == 0x000a021122334455ULL);
	assert_int_equal(k.vlan, 10);
	assert_int_equal(k.mac_hi, 0x0211);
	assert_int_equal(k.mac_lo, 0x22334455);
	mac_key_mac(k, back);
	assert_memory_equal(back, mac, 6);
}

static void test_init_errors(void **state)
{
	struct mac_table t;

	(void)state;
	assert_int_equal(mac_table_init(&t, 0, 0), -EINVAL);
	assert_int_equal(mac_table_init(&t, MAC_TABLE_MAX_CAPACITY + 1, 0),
			 -EINVAL);
	assert_int_equal(mac_table_init(&t, 1, 0), 0);
	assert_int_equal(t.aging_s, MAC_AGING_DEFAULT);
	assert_true(t.mask + 1 >= 2);
	mac_table_fini(&t);
	mac_table_fini(&t);
}

static void test_insert_find_remove(void **state)
{
	struct mac_table t;
	struct mac_entry *e;

	(void)state;
	assert_int_equal(mac_table_init(&t, 100, 0), 0);
	assert_null(mac_table_find(&t, key_n(1, 1)));
	assert_int_equal(mac_table_insert(&t, key_n(1, 1), 3, 5), 0);
	assert_int_equal(mac_table_insert(&t, key_n(1, 1), 4, 5), -EEXIST);
	assert_int_equal(mac_table_insert(&t, key_n(2, 1), 4, 5), 0);
	assert_int_equal(mac_table_insert(&t, key_n(2, 2), MAC_TABLE_MAX_PORTS,
					  5), -EINVAL);
	e = mac_table_lookup(&t, key_n(1, 1), 5);
	assert_non_null(e);
	assert_int_equal(e->port, 3);
	e = mac_table_lookup(&t, key_n(2, 1), 5);
	assert_non_null(e);
	assert_int_equal(e->port, 4);
	assert_int_equal(mac_table_port_macs(&t, 3), 1);
	assert_int_equal(mac_table_port_macs(&t, 4), 1);
	mac_table_move(&t, e, 3, 6);
	assert_int_equal(mac_table_port_macs(&t, 3), 2);
	assert_int_equal(mac_table_port_macs(&t, 4), 0);
	assert_int_equal(e->seen_s, 6);
	mac_table_remove(&t, mac_table_find(&t, key_n(1, 1)));
	assert_null(mac_table_find(&t, key_n(1, 1)));
	assert_non_null(mac_table_find(&t, key_n(2, 1)));
	assert_int_equal(t.count, 1);
	check_invariants(&t);
	assert_int_equal(mac_table_flush(&t), 1);
	assert_int_equal(t.count, 0);
	assert_int_equal(mac_table_port_macs(&t, 3), 0);
	mac_table_fini(&t);
}

static void test_capacity(void **state)
{
	struct mac_table t;
	uint32_t i;

	(void)state;
	assert_int_equal(mac_table_init(&t, 37, 0), 0);
	for (i = 0; i < 37; i++)
		assert_int_equal(mac_table_insert(&t, key_n(1, i), 0, 0), 0);
	assert_int_equal(mac_table_insert(&t, key_n(1, 99), 0, 0), -ENOSPC);
	mac_table_remove(&t, mac_table_find(&t, key_n(1, 5)));
	assert_int_equal(mac_table_insert(&t, key_n(1, 99), 0, 0), 0);
	check_invariants(&t);
	mac_table_fini(&t);
}

static void test_aging(void **state)
{
	struct mac_table t;

	(void)state;
	assert_int_equal(mac_table_init(&t, 16, 10), 0);
	assert_int_equal(mac_table_insert(&t, key_n(1, 1), 0, 100), 0);
	assert_int_equal(mac_table_insert(&t, key_n(1, 2), 1, 105), 0);
	assert_non_null(mac_table_lookup(&t, key_n(1, 1), 110));
	assert_null(mac_table_lookup(&t, key_n(1, 1), 111));
	assert_non_null(mac_table_find(&t, key_n(1, 1)));
	assert_int_equal(mac_table_age(&t, 111), 1);
	assert_null(mac_table_find(&t, key_n(1, 1)));
	assert_int_equal(mac_table_port_macs(&t, 0), 0);
	assert_int_equal(mac_table_port_macs(&t, 1), 1);
	mac_table_set_aging(&t, UINT32_MAX);
	assert_non_null(mac_table_lookup(&t, key_n(1, 2), 100000));
	assert_int_equal(mac_table_age(&t, 100000), 0);
	mac_table_set_aging(&t, 0);
	assert_int_equal(t.aging_s, MAC_AGING_DEFAULT);
	/* Time wraps: seen just before 2^32, now just after. */
	mac_table_set_aging(&t, 10);
	assert_int_equal(mac_table_insert(&t, key_n(1, 3), 0, UINT32_MAX - 2),
			 0);
	assert_non_null(mac_table_lookup(&t, key_n(1, 3), 5));
	assert_null(mac_table_lookup(&t, key_n(1, 3), 9));
	mac_table_fini(&t);
}

/* A big table is swept in slices: a pass takes MAC_SWEEP_PASS calls. */
static void test_sweep_slices(void **state)
{
	struct mac_table t;
	uint32_t i, calls = 0, n = 200000;
	unsigned int removed = 0;

	(void)state;
	assert_int_equal(mac_table_init(&t, n, 10), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(mac_table_insert(&t, key_n(1, i), i % 7, 0),
				 0);
	while (removed < n && calls < 2 * MAC_SWEEP_PASS) {
		unsigned int r = mac_table_age(&t, 11);

		assert_true(r < n);
		removed += r;
		calls++;
	}
	assert_int_equal(removed, n);
	assert_true(calls <= MAC_SWEEP_PASS);
	assert_int_equal(t.count, 0);
	for (i = 0; i < 7; i++)
		assert_int_equal(mac_table_port_macs(&t, (uint16_t)i), 0);
	mac_table_fini(&t);
}

/* A huge table: no call sweeps more than MAC_SWEEP_MAX slots. */
static void test_sweep_capped(void **state)
{
	struct mac_table t;
	uint32_t i, calls = 0, n = 600000;
	unsigned int removed = 0;

	(void)state;
	assert_int_equal(mac_table_init(&t, n, 10), 0);
	assert_true(t.mask + 1 > MAC_SWEEP_MAX * MAC_SWEEP_PASS);
	for (i = 0; i < n; i++)
		assert_int_equal(mac_table_insert(&t, key_n(1, i), 0, 0), 0);
	while (removed < n && calls < 100) {
		unsigned int r = mac_table_age(&t, 11);

		/* Backward shift may pull a few more into the slice. */
		assert_true(r <= MAC_SWEEP_MAX + 64);
		removed += r;
		calls++;
	}
	assert_int_equal(removed, n);
	assert_int_equal(calls, (t.mask + 1) / MAC_SWEEP_MAX);
	mac_table_fini(&t);
}

static void test_iterate(void **state)
{
	struct mac_table t;
	const struct mac_entry *e;
	uint32_t pos = 0, i, seen = 0;

	(void)state;
	assert_int_equal(mac_table_init(&t, 64, 10), 0);
	for (i = 0; i < 40; i++)
		assert_int_equal(mac_table_insert(&t, key_n(3, i), 1,
						  i < 10 ? 0 : 20), 0);
	while ((e = mac_table_next(&t, &pos, 25))) {
		assert_true((e->key.raw & 0xffffffff) >= 10);
		seen++;
	}
	assert_int_equal(seen, 30);
	mac_table_fini(&t);
}

static void test_collide_mode(void **state)
{
	struct mac_table t;
	uint32_t i;

	(void)state;
	assert_int_equal(mac_table_init(&t, 8, 10), 0);
	assert_int_equal(mac_table_test_collide(&t, true), 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(mac_table_insert(&t, key_n(1, i), 2, 0), 0);
	/* All start three slots before the end: the cluster wraps. */
	assert_int_equal(mac_table_hash(&t, key_n(1, 0)), t.mask - 2);
	assert_int_not_equal(t.slots[0].port, MAC_PORT_NONE);
	check_invariants(&t);
	assert_int_equal(mac_table_test_collide(&t, false), -EBUSY);
	for (i = 0; i < 8; i += 2) {
		mac_table_remove(&t, mac_table_find(&t, key_n(1, i)));
		check_invariants(&t);
	}
	for (i = 0; i < 8; i++)
		assert_true(!mac_table_find(&t, key_n(1, i)) == !(i & 1));
	mac_table_fini(&t);
}

struct ref_entry {
	union mac_key key;
	uint32_t seen_s;
	uint16_t port;
};

struct ref {
	struct ref_entry *e;
	uint32_t n;
};

static int ref_find(const struct ref *r, union mac_key key)
{
	uint32_t i;

	for (i = 0; i < r->n; i++) {
		if (r->e[i].key.raw == key.raw)
			return (int)i;
	}
	return -1;
}

static void ref_del(struct ref *r, int i)
{
	r->e[i] = r->e[--r->n];
}

/* Entries the sweep removed leave the reference too; the rest must agree. */
static void ref_reconcile(struct ref *r, const struct mac_table *t,
			  uint32_t now_s)
{
	uint32_t i = 0;

	while (i < r->n) {
		const struct ref_entry *x = &r->e[i];
		const struct mac_entry *e = mac_table_find(t, x->key);
		bool expired = now_s - x->seen_s > t->aging_s;

		if (!e) {
			assert_true(expired);
			ref_del(r, (int)i);
			continue;
		}
		assert_int_equal(e->port, x->port);
		assert_int_equal(e->seen_s, x->seen_s);
		assert_true(!mac_table_lookup(t, x->key, now_s) == expired);
		i++;
	}
	assert_int_equal(r->n, t->count);
}

static void random_ops(bool collide, uint32_t cap, uint32_t keys,
		       unsigned int ops, unsigned int seed)
{
	struct mac_table t;
	struct ref r = { calloc(cap, sizeof(*r.e)), 0 };
	uint32_t now_s = 1000;
	unsigned int op;

	assert_non_null(r.e);
	srand(seed);
	assert_int_equal(mac_table_init(&t, cap, 50), 0);
	assert_int_equal(mac_table_test_collide(&t, collide), 0);
	for (op = 0; op < ops; op++) {
		union mac_key k = key_n((uint16_t)(1 + rand() % 3),
					(uint32_t)rand() % keys);
		uint16_t port = (uint16_t)(rand() % 8);
		int i = ref_find(&r, k), c = rand() % 100;
		struct mac_entry *e = mac_table_find(&t, k);

		assert_true(!e == (i < 0));
		if (c < 45) {
			int rc = mac_table_insert(&t, k, port, now_s);

			if (i >= 0)
				assert_int_equal(rc, -EEXIST);
			else if (r.n == cap)
				assert_int_equal(rc, -ENOSPC);
			else
				assert_int_equal(rc, 0);
			if (!rc)
				r.e[r.n++] = (struct ref_entry){ k, now_s,
								 port };
		} else if (c < 80 && e) {
			mac_table_remove(&t, e);
			ref_del(&r, i);
		} else if (c < 90 && e) {
			mac_table_move(&t, e, port, now_s);
			r.e[i].port = port;
			r.e[i].seen_s = now_s;
		} else if (c < 95) {
			now_s += (uint32_t)(rand() % 20);
		} else {
			mac_table_age(&t, now_s);
			ref_reconcile(&r, &t, now_s);
		}
		if (op % 64 == 0 || cap <= 64) {
			check_invariants(&t);
			ref_reconcile(&r, &t, now_s);
		}
	}
	check_invariants(&t);
	ref_reconcile(&r, &t, now_s);
	mac_table_fini(&t);
	free(r.e);
}

static void test_random_vs_reference(void **state)
{
	(void)state;
	random_ops(false, 50, 80, 20000, 1);
	random_ops(false, 2000, 3000, 50000, 2);
	random_ops(false, 5000, 200000, 50000, 3);
}

static void test_random_vs_reference_collide(void **state)
{
	(void)state;
	random_ops(true, 13, 20, 20000, 4);
	random_ops(true, 200, 300, 20000, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_layout),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_insert_find_remove),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_aging),
		cmocka_unit_test(test_sweep_slices),
		cmocka_unit_test(test_sweep_capped),
		cmocka_unit_test(test_iterate),
		cmocka_unit_test(test_collide_mode),
		cmocka_unit_test(test_random_vs_reference),
		cmocka_unit_test(test_random_vs_reference_collide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
