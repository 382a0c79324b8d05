// SPDX-License-Identifier: MIT
/*
 * test_ips_flow.c - the IPS flow table: both directions find one flow and
 * know the client (first packet, or SYN-ACK first), IPv4 and IPv6 keys
 * apart, flow ids unique and non-zero, eviction when full (closed flows
 * first, then the least recently seen), per-class timeouts, the app slot
 * pool, flowbits cleared on reuse, the release hook, releasing every
 * flow at the end of a capture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ips/ips_flow.h"

#define S 1000000000ull

struct fixture {
	struct ips_stream_pool pool;
	struct ips_flow_table *t;
	unsigned int released;
};

static void on_release(void *ctx, struct ips_flow *f)
{
	struct fixture *fx = ctx;

	assert_non_null(f);
	fx->released++;
}

static void setup_n(struct fixture *fx, uint32_t n, uint32_t slots)
{
	struct ips_flow_cfg cfg = { .max_flows = n, .app_slots = slots,
				    .app_slot_size = slots ? 64 : 0,
				    .flowbit_words = 2 };

	memset(fx, 0, sizeof(*fx));
	assert_int_equal(ips_stream_pool_init(&fx->pool, NULL), 0);
	fx->t = ips_flow_table_create(&cfg, &fx->pool, on_release, fx);
	assert_non_null(fx->t);
}

static void teardown_fx(struct fixture *fx)
{
	ips_flow_table_destroy(fx->t);
	ips_stream_pool_fini(&fx->pool);
}

static struct ips_flow_tuple tup4(uint32_t s, uint16_t sp, uint32_t d,
				  uint16_t dp, uint8_t proto)
{
	struct ips_flow_tuple tp;

	memset(&tp, 0, sizeof(tp));
	memcpy(tp.src, &s, 4);
	memcpy(tp.dst, &d, 4);
	tp.sport = sp;
	tp.dport = dp;
	tp.proto = proto;
	tp.family = 4;
	return tp;
}

static struct ips_flow_tuple rev(struct ips_flow_tuple tp)
{
	struct ips_flow_tuple r = tp;

	memcpy(r.src, tp.dst, 16);
	memcpy(r.dst, tp.src, 16);
	r.sport = tp.dport;
	r.dport = tp.sport;
	return r;
}

static void test_both_directions_one_flow(void **state)
{
	struct fixture fx;
	/* client has the larger address, so it is key.b */
	struct ips_flow_tuple c2s = tup4(0x0a000009, 40000, 0x0a000001, 80, 6);
	struct ips_flow_tuple s2c = rev(c2s);
	struct ips_flow *f, *g;
	bool ts;

	(void)state;
	setup_n(&fx, 16, 0);
	f = ips_flow_lookup(fx.t, &c2s, 1 * S, true, &ts);
	assert_non_null(f);
	assert_true(ts);
	g = ips_flow_lookup(fx.t, &s2c, 2 * S, true, &ts);
	assert_ptr_equal(f, g);
	assert_false(ts);
	assert_int_equal(fx.t->n_active, 1);
	assert_int_equal(f->last_ns, 2 * S);
	/* another source port, another flow */
	c2s.sport = 40001;
	g = ips_flow_lookup(fx.t, &c2s, 3 * S, true, &ts);
	assert_ptr_not_equal(f, g);
	assert_int_not_equal(f->id, g->id);
	assert_int_equal(fx.t->n_active, 2);
	/* no create: a missing flow stays missing */
	c2s.sport = 40002;
	assert_null(ips_flow_lookup(fx.t, &c2s, 3 * S, false, &ts));
	teardown_fx(&fx);
}

static void test_synack_first_client_is_dst(void **state)
{
	struct fixture fx;
	struct ips_flow_tuple s2c = tup4(0x0a000001, 80, 0x0a000009, 40000, 6);
	struct ips_flow *f;
	bool ts;

	(void)state;
	setup_n(&fx, 4, 0);
	s2c.tcp_flags = 0x12;
	f = ips_flow_lookup(fx.t, &s2c, S, true, &ts);
	assert_false(ts);
	s2c.tcp_flags = 0x10;
	assert_ptr_equal(ips_flow_lookup(fx.t, &s2c, S, true, &ts), f);
	assert_false(ts);
	s2c = rev(s2c);
	ips_flow_lookup(fx.t, &s2c, S, true, &ts);
	assert_true(ts);
	/* same port both ends, same address: still one flow */
	s2c = tup4(0x0a000001, 53, 0x0a000001, 53, 17);
	f = ips_flow_lookup(fx.t, &s2c, S, true, &ts);
	assert_true(ts);
	assert_ptr_equal(ips_flow_lookup(fx.t, &s2c, S, true, &ts), f);
	teardown_fx(&fx);
}

static void test_v4_v6_apart(void **state)
{
	struct fixture fx;
	struct ips_flow_tuple a = tup4(0x0a000001, 1, 0x0a000002, 2, 17);
	struct ips_flow_tuple b = a;
	struct ips_flow *f;
	bool ts;

	(void)state;
	setup_n(&fx, 4, 0);
	b.family = 6;
	f = ips_flow_lookup(fx.t, &a, S, true, &ts);
	assert_ptr_not_equal(ips_flow_lookup(fx.t, &b, S, true, &ts), f);
	b = a;
	b.proto = 6;
	assert_ptr_not_equal(ips_flow_lookup(fx.t, &b, S, true, &ts), f);
	assert_int_equal(fx.t->n_active, 3);
	teardown_fx(&fx);
}

static void test_eviction_closed_first_then_lru(void **state)
{
	struct fixture fx;
	struct ips_flow *f[4], *n;
	struct ips_flow_tuple tp;
	uint64_t id1;
	unsigned int i;
	bool ts;

	(void)state;
	setup_n(&fx, 4, 0);
	for (i = 0; i < 4; i++) {
		tp = tup4(0x0a000001, (uint16_t)(1000 + i), 0x0a000002, 80, 6);
		f[i] = ips_flow_lookup(fx.t, &tp, (i + 1) * S, true, &ts);
		assert_non_null(f[i]);
	}
	/* flow 2 is closed: it goes first although flow 0 is older */
	ips_flow_set_class(fx.t, f[2], IPS_FLOW_TC_TCP_CLOSED);
	tp = tup4(0x0a000001, 2000, 0x0a000002, 80, 6);
	n = ips_flow_lookup(fx.t, &tp, 10 * S, true, &ts);
	assert_ptr_equal(n, f[2]);
	assert_int_equal(fx.t->evicted, 1);
	assert_int_equal(fx.released, 1);
	/* then the least recently seen: flow 0, unless touched */
	id1 = f[1]->id;
	tp = tup4(0x0a000001, 1000, 0x0a000002, 80, 6);
	ips_flow_lookup(fx.t, &tp, 11 * S, false, &ts); /* touch flow 0 */
	tp = tup4(0x0a000001, 2001, 0x0a000002, 80, 17); /* UDP class */
	n = ips_flow_lookup(fx.t, &tp, 12 * S, true, &ts);
	assert_ptr_equal(n, f[1]);
	assert_int_not_equal(n->id, id1);
	assert_int_equal(fx.t->n_active, 4);
	tp = tup4(0x0a000001, 1001, 0x0a000002, 80, 6);
	assert_null(ips_flow_lookup(fx.t, &tp, 12 * S, false, &ts));
	teardown_fx(&fx);
}

static void test_timeouts_per_class(void **state)
{
	struct fixture fx;
	struct ips_flow_tuple a = tup4(1, 1, 2, 2, 6), b = tup4(1, 1, 2, 2, 17);
	struct ips_flow_tuple c = tup4(1, 1, 2, 3, 6);
	struct ips_flow *fa, *fb;
	bool ts;

	(void)state;
	setup_n(&fx, 8, 0);
	fa = ips_flow_lookup(fx.t, &a, 0, true, &ts);
	fb = ips_flow_lookup(fx.t, &b, 0, true, &ts);
	ips_flow_lookup(fx.t, &c, 0, true, &ts);
	ips_flow_set_class(fx.t, fa, IPS_FLOW_TC_TCP_EST);
	assert_int_equal(fb->tclass, IPS_FLOW_TC_UDP);
	/* tcp new: 60 s; udp: 120 s; established: 3600 s */
	assert_int_equal(ips_flow_expire(fx.t, 59 * S), 0);
	assert_int_equal(ips_flow_expire(fx.t, 60 * S), 1);
	assert_null(ips_flow_lookup(fx.t, &c, 60 * S, false, &ts));
	assert_int_equal(ips_flow_expire(fx.t, 120 * S), 1);
	assert_null(ips_flow_lookup(fx.t, &b, 120 * S, false, &ts));
	assert_int_equal(ips_flow_expire(fx.t, 3599 * S), 0);
	/* a packet keeps it alive */
	assert_ptr_equal(ips_flow_lookup(fx.t, &a, 3000 * S, false, &ts), fa);
	assert_int_equal(ips_flow_expire(fx.t, 3601 * S), 0);
	assert_int_equal(ips_flow_expire(fx.t, 6600 * S), 1);
	assert_int_equal(fx.t->n_active, 0);
	assert_int_equal(fx.t->expired, 3);
	assert_int_equal(fx.released, 3);
	teardown_fx(&fx);
}

/* End of capture: every flow in use released through the hook, slots
 * back, the table reusable; not counted as expired */
static void test_release_all(void **state)
{
	struct fixture fx;
	struct ips_flow_tuple a = tup4(1, 1, 2, 2, 6), b = tup4(1, 1, 2, 2, 17);
	struct ips_flow_tuple c = tup4(1, 1, 2, 3, 6);
	struct ips_flow *fa;
	bool ts;

	(void)state;
	setup_n(&fx, 4, 2);
	fa = ips_flow_lookup(fx.t, &a, 0, true, &ts);
	ips_flow_lookup(fx.t, &b, 0, true, &ts);
	ips_flow_lookup(fx.t, &c, 0, true, &ts);
	ips_flow_set_class(fx.t, fa, IPS_FLOW_TC_TCP_EST);
	assert_non_null(ips_flow_app_get(fx.t, fa));
	assert_int_equal(fx.t->n_app_free, 1);
	assert_int_equal(ips_flow_release_all(fx.t), 3);
	assert_int_equal(fx.released, 3);
	assert_int_equal(fx.t->n_active, 0);
	assert_int_equal(fx.t->n_app_free, 2);
	assert_int_equal(fx.t->expired, 0);
	c = rev(a);
	assert_null(ips_flow_lookup(fx.t, &c, 0, false, &ts));
	assert_int_equal(ips_flow_release_all(fx.t), 0);
	assert_int_equal(fx.released, 3);
	/* all four entries usable again */
	for (uint16_t i = 0; i < 4; i++) {
		struct ips_flow_tuple t = tup4(9, i, 2, 2, 6);

		assert_non_null(ips_flow_lookup(fx.t, &t, 0, true, &ts));
	}
	assert_int_equal(fx.t->evicted, 0);
	teardown_fx(&fx);
}

static void test_app_slots_and_flowbits(void **state)
{
	struct fixture fx;
	struct ips_flow_tuple a = tup4(1, 1, 2, 2, 6), b = tup4(1, 1, 2, 3, 6);
	struct ips_flow *fa, *fb;
	uint8_t *m;
	bool ts;

	(void)state;
	setup_n(&fx, 2, 1);
	fa = ips_flow_lookup(fx.t, &a, 0, true, &ts);
	fb = ips_flow_lookup(fx.t, &b, 0, true, &ts);
	m = ips_flow_app_get(fx.t, fa);
	assert_non_null(m);
	memset(m, 0xaa, 64);
	assert_ptr_equal(ips_flow_app_get(fx.t, fa), m); /* idempotent */
	assert_null(ips_flow_app_get(fx.t, fb));
	assert_int_equal(fx.t->no_app_slot, 1);
	ips_flow_bits(fx.t, fa)[1] = 5;
	/* expiry gives the slot back and a new flow starts with clear bits */
	ips_flow_expire(fx.t, 100 * S);
	fa = ips_flow_lookup(fx.t, &a, 100 * S, true, &ts);
	assert_int_equal(ips_flow_bits(fx.t, fa)[1], 0);
	assert_null(ips_flow_app_mem(fx.t, fa));
	assert_non_null(ips_flow_app_get(fx.t, fa));
	ips_flow_app_put(fx.t, fa);
	assert_null(ips_flow_app_mem(fx.t, fa));
	assert_int_equal(ips_flow_set_flowbit_words(fx.t, 4), 0);
	assert_int_equal(ips_flow_bits(fx.t, fa)[3], 0);
	teardown_fx(&fx);
}

static void test_flow_ids(void **state)
{
	struct fixture fx;
	uint64_t ids[64];
	unsigned int i, j;
	bool ts;

	(void)state;
	setup_n(&fx, 64, 0);
	for (i = 0; i < 64; i++) {
		struct ips_flow_tuple tp = tup4(1, (uint16_t)i, 2, 2, 17);

		ids[i] = ips_flow_lookup(fx.t, &tp, 0, true, &ts)->id;
		assert_true(ids[i] > 0 && ids[i] < (1ull << 51));
		for (j = 0; j < i; j++)
			assert_int_not_equal(ids[i], ids[j]);
	}
	teardown_fx(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_directions_one_flow),
		cmocka_unit_test(test_synack_first_client_is_dst),
		cmocka_unit_test(test_v4_v6_apart),
		cmocka_unit_test(test_eviction_closed_first_then_lru),
		cmocka_unit_test(test_timeouts_per_class),
		cmocka_unit_test(test_release_all),
		cmocka_unit_test(test_app_slots_and_flowbits),
		cmocka_unit_test(test_flow_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
