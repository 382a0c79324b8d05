// SPDX-License-Identifier: MIT
/*
 * test_switch_offload.c - the switch's side of the kernel fast path
 * (switch.c offer(), switch_config.c switch_set_offload() and friends):
 * which frames are offered, with which tag handling, MAC moves and expiry
 * reported through sw_mac_gone_fn, and switch_mac_touch()/switch_mac_at()
 * as offload.c uses them for aging. No kernel: a recording offer function.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/pkt.h"
#include "node/switch.h"

enum { POOL_SIZE = 256, PORT_ID_BASE = 100, NS = 1000000000, MAXREC = 16 };

struct fixture {
	struct pkt_pool pool;
	struct switch_node *sw;
	struct sw_flow offers[MAXREC];
	unsigned int noffers;
	uint64_t gone[MAXREC];
	uint16_t gone_vlan[MAXREC];
	unsigned int ngone;
};

static void drop_tx(void *ctx, uint16_t port_id, struct pkt **pkts,
		    unsigned int n)
{
	struct fixture *f = ctx;

	(void)port_id;
	pkt_free_bulk(&f->pool, pkts, n);
}

static void on_offer(void *ctx, struct switch_node *sw,
		     const struct sw_flow *fl)
{
	struct fixture *f = ctx;

	assert_ptr_equal(sw, f->sw);
	assert_true(f->noffers < MAXREC);
	f->offers[f->noffers++] = *fl;
}

static void on_gone(void *ctx, struct switch_node *sw, uint16_t vlan,
		    uint64_t mac)
{
	struct fixture *f = ctx;

	assert_ptr_equal(sw, f->sw);
	assert_true(f->ngone < MAXREC);
	f->gone_vlan[f->ngone] = vlan;
	f->gone[f->ngone++] = mac;
}

static int add_port(struct fixture *f, enum sw_port_mode mode, uint16_t vlan,
		    uint16_t native)
{
	struct sw_port_cfg c = {
		.mode = mode, .vlan = vlan, .native_vlan = native};
	int n;

	c.allowed[0] = ~0ULL;
	c.port_id = (uint16_t)(PORT_ID_BASE + f->sw->nports);
	n = switch_port_add(f->sw, &c);
	assert_true(n >= 0);
	return n;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || pkt_pool_init(&f->pool, POOL_SIZE))
		return -1;
	f->sw = switch_create("sw0", &f->pool, 64, 10, drop_tx, f);
	if (!f->sw)
		return -1;
	add_port(f, SW_PORT_ACCESS, 10, 0); /* 0 */
	add_port(f, SW_PORT_ACCESS, 10, 0); /* 1 */
	add_port(f, SW_PORT_TRUNK, 0, 1); /* 2: native 1, all tagged */
	add_port(f, SW_PORT_ACCESS, 10, 0); /* 3: never offloadable */
	switch_set_offload(f->sw, on_offer, on_gone, f);
	switch_port_set_offload(f->sw, 0, true);
	switch_port_set_offload(f->sw, 1, true);
	switch_port_set_offload(f->sw, 2, true);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->pool.nfree, POOL_SIZE);
	switch_destroy(f->sw);
	pkt_pool_fini(&f->pool);
	free(f);
	return 0;
}

/* one 60-byte frame from MAC 02::@s to 02::@d (0xff: broadcast) */
static void send1(struct fixture *f, int port, int d, int s, int vid,
		  uint64_t t)
{
	struct pkt *p = pkt_alloc(&f->pool);
	uint8_t *b;
	int off = 12;

	assert_non_null(p);
	b = pkt_data(p);
	memset(b, 0, 64);
	memset(b, d == 0xff ? 0xff : 0, 6);
	if (d != 0xff) {
		b[0] = 2;
		b[5] = (uint8_t)d;
	}
	b[6] = 2;
	b[11] = (uint8_t)s;
	if (vid >= 0) {
		b[off++] = 0x81;
		b[off++] = 0;
		b[off++] = (uint8_t)(vid >> 8);
		b[off++] = (uint8_t)vid;
	}
	b[off] = 0x08;
	p->len = 60;
	switch_input(f->sw, (uint16_t)port, &p, 1, t * NS);
}

static uint64_t mac(int n)
{
	return 0x020000000000ULL | (uint64_t)n;
}

/* known unicast between two offloadable access ports is offered */
static void test_offer_access(void **state)
{
	struct fixture *f = *state;

	send1(f, 0, 0xff, 1, -1, 1); /* learn 1 on port 0 */
	send1(f, 1, 1, 2, -1, 1); /* 2 -> 1: known */
	assert_int_equal(f->noffers, 1);
	assert_true(f->offers[0].src == mac(2) && f->offers[0].dst == mac(1));
	assert_int_equal(f->offers[0].in, 1);
	assert_int_equal(f->offers[0].out, 0);
	assert_int_equal(f->offers[0].vlan, 10);
	assert_false(f->offers[0].tagged_in);
	assert_false(f->offers[0].tagged_out);
}

/* broadcast, unknown unicast and a non-offloadable port: never offered */
static void test_no_offer(void **state)
{
	struct fixture *f = *state;

	send1(f, 0, 0xff, 1, -1, 1); /* flood */
	send1(f, 1, 9, 2, -1, 1); /* unknown: flood */
	send1(f, 3, 0xff, 3, -1, 1); /* learn 3 on port 3 */
	send1(f, 0, 3, 1, -1, 1); /* to a non-offloadable port */
	send1(f, 3, 1, 3, -1, 1); /* from it */
	assert_int_equal(f->noffers, 0);
	switch_port_set_offload(f->sw, 1, false);
	send1(f, 1, 1, 2, -1, 1);
	assert_int_equal(f->noffers, 0);
	switch_set_offload(f->sw, NULL, NULL, NULL);
	switch_port_set_offload(f->sw, 0, true); /* no fn: stays off */
	send1(f, 0, 2, 1, -1, 1);
	assert_int_equal(f->noffers, 0);
}

/* trunk <-> access: the tag the kernel must push or pop */
static void test_offer_trunk(void **state)
{
	struct fixture *f = *state;

	send1(f, 0, 0xff, 1, -1, 1); /* 1 on access port 0, VLAN 10 */
	send1(f, 2, 1, 5, 10, 1); /* tagged 10 from the trunk */
	assert_int_equal(f->noffers, 1);
	assert_true(f->offers[0].tagged_in);
	assert_false(f->offers[0].tagged_out); /* pop */
	send1(f, 0, 5, 1, -1, 1); /* back: push */
	assert_int_equal(f->noffers, 2);
	assert_false(f->offers[1].tagged_in);
	assert_true(f->offers[1].tagged_out);
	assert_int_equal(f->offers[1].vlan, 10);
}

/* a move and an expired entry are reported; a fresh relearn is not */
static void test_gone(void **state)
{
	struct fixture *f = *state;

	send1(f, 0, 0xff, 1, -1, 1);
	send1(f, 0, 0xff, 1, -1, 2); /* same port: nothing */
	assert_int_equal(f->ngone, 0);
	send1(f, 1, 0xff, 1, -1, 3); /* moved to port 1 */
	assert_int_equal(f->ngone, 1);
	assert_true(f->gone[0] == mac(1) && f->gone_vlan[0] == 10);
	send1(f, 1, 0xff, 1, -1, 30); /* expired (aging 10 s) */
	assert_int_equal(f->ngone, 2);
}

/* touch keeps an entry alive only on its own port and only forward */
static void test_touch(void **state)
{
	struct fixture *f = *state;

	send1(f, 0, 0xff, 1, -1, 1);
	assert_true(switch_mac_at(f->sw, 10, mac(1), 0, 5ULL * NS));
	assert_false(switch_mac_at(f->sw, 10, mac(1), 1, 5ULL * NS));
	assert_false(switch_mac_at(f->sw, 20, mac(1), 0, 5ULL * NS));
	assert_false(switch_mac_at(f->sw, 10, mac(1), 0, 12ULL * NS));
	switch_mac_touch(f->sw, 10, mac(1), 1, 9ULL * NS); /* wrong port */
	assert_false(switch_mac_at(f->sw, 10, mac(1), 0, 12ULL * NS));
	switch_mac_touch(f->sw, 10, mac(1), 0, 9ULL * NS);
	assert_true(switch_mac_at(f->sw, 10, mac(1), 0, 12ULL * NS));
	switch_mac_touch(f->sw, 10, mac(1), 0, 2ULL * NS); /* older */
	assert_true(switch_mac_at(f->sw, 10, mac(1), 0, 19ULL * NS));
	assert_false(switch_mac_at(f->sw, 10, mac(1), 0, 20ULL * NS));
	switch_mac_touch(f->sw, 10, mac(1), 0, 30ULL * NS); /* expired */
	assert_false(switch_mac_at(f->sw, 10, mac(1), 0, 30ULL * NS));
	switch_age(f->sw, 30ULL * NS);
	assert_int_equal(switch_mac_count(f->sw), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_offer_access, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_offer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_trunk, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_touch, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
