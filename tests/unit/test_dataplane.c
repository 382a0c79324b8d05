// SPDX-License-Identifier: MIT
/*
 * test_dataplane.c - the graph runner with dummy ports: frames from a port
 * through its switch to the others, across an in-process trunk link to a
 * second switch, port mirrors, live captures, pool accounting, and no
 * malloc on the forwarding path (malloc is interposed outside ASan builds).
 *
 *   p1 (v10) --+                      +-- p3 (v10)
 *   p2 (v20) --+-- sw1 == trunk == sw2 +-- p4 (v20)
 *   mon -------+ (v30, mirror target)
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "node/dataplane.h"
#include "port/dummy.h"
#include "port/link.h"

#if !defined(__SANITIZE_ADDRESS__)
/* Count allocations while `counting` is set: the forwarding path must make
 * none. glibc's __libc_* entry points do the real work. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
static int counting, allocs;

void *malloc(size_t size)
{
	allocs += counting;
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	allocs += counting;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	allocs += counting;
	return __libc_realloc(p, size);
}
#define MALLOC_CHECKED 1
#else
static int counting, allocs;
#define MALLOC_CHECKED 0
#endif

enum { POOL = 1024 };

struct env {
	struct dataplane dp;
	struct switch_node *sw1, *sw2;
	struct dp_port *p1, *p2, *p3, *p4, *mon, *l1, *l2;
};

static struct dp_port *host(struct env *e, struct switch_node *sw,
			    const char *name, uint16_t vlan)
{
	struct dp_port *dpp = dp_port_new(&e->dp, name);
	struct sw_port_cfg cfg = { .mode = SW_PORT_ACCESS, .vlan = vlan };

	assert_non_null(dpp);
	assert_int_equal(dummy_port_open(&dpp->port, name, &e->dp.pool, 0), 0);
	assert_int_equal(dp_port_attach(&e->dp, dpp, sw, &cfg), 0);
	return dpp;
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct sw_port_cfg trunk = { .mode = SW_PORT_TRUNK };

	assert_int_equal(dp_init(&e->dp, POOL), 0);
	e->sw1 = switch_create("sw1", &e->dp.pool, 0, 0, dp_tx, &e->dp);
	e->sw2 = switch_create("sw2", &e->dp.pool, 0, 0, dp_tx, &e->dp);
	e->p1 = host(e, e->sw1, "p1", 10);
	e->p2 = host(e, e->sw1, "p2", 20);
	e->mon = host(e, e->sw1, "mon", 30);
	e->p3 = host(e, e->sw2, "p3", 10);
	e->p4 = host(e, e->sw2, "p4", 20);
	e->l1 = dp_port_new(&e->dp, "sw1.sw2");
	e->l2 = dp_port_new(&e->dp, "sw2.sw1");
	assert_int_equal(link_pair_create(&e->l1->port, "sw1.sw2",
					  &e->l2->port, "sw2.sw1",
					  &e->dp.pool, 0), 0);
	trunk.allowed[0] = 1ull << 10 | 1ull << 20;
	assert_int_equal(dp_port_attach(&e->dp, e->l1, e->sw1, &trunk), 0);
	assert_int_equal(dp_port_attach(&e->dp, e->l2, e->sw2, &trunk), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	dp_fini(&e->dp);
	switch_destroy(e->sw1);
	switch_destroy(e->sw2);
	free(e);
	return 0;
}

static void frame(uint8_t *f, uint8_t dst, uint8_t src)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memset(f, 0, 64);
	if (dst == 0xff)
		memcpy(f, bcast, 6);
	else
		memcpy(f, (uint8_t[]){ 2, 0, 0, 0, 0, dst }, 6);
	memcpy(f + 6, (uint8_t[]){ 2, 0, 0, 0, 0, src }, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	f[14] = 0x45;
}

static void send_on(struct env *e, struct dp_port *dpp, uint8_t dst,
		    uint8_t src, unsigned int n)
{
	uint8_t f[64];
	unsigned int i;

	frame(f, dst, src);
	for (i = 0; i < n; i++)
		assert_int_equal(dummy_port_inject_frame(&dpp->port, f, 64), 0);
	while (dp_port_poll(&e->dp, dpp))
		;
	while (dp_poll_links(&e->dp))
		;
}

static unsigned int txn(struct dp_port *dpp)
{
	return dummy_port_tx_count(&dpp->port);
}

static void clear(struct env *e)
{
	uint16_t i;

	for (i = 0; i < e->dp.nports; i++)
		if (dummy_port_is(&e->dp.ports[i]->port))
			dummy_port_tx_clear(&e->dp.ports[i]->port);
}

/* A broadcast in VLAN 10 reaches p3 across the trunk, untagged, and no
 * port of another VLAN. */
static void test_flood_across_trunk(void **state)
{
	struct env *e = *state;
	struct pkt *p;

	send_on(e, e->p1, 0xff, 1, 1);
	assert_int_equal(txn(e->p3), 1);
	assert_int_equal(txn(e->p2) + txn(e->p4) + txn(e->mon), 0);
	p = dummy_port_tx_peek(&e->p3->port, 0);
	assert_int_equal(p->len, 64);
	assert_int_equal(pkt_data(p)[12], 0x08);
}

/* After learning, unicast goes to exactly one port, both ways. */
static void test_unicast_after_learning(void **state)
{
	struct env *e = *state;

	send_on(e, e->p1, 0xff, 1, 1);
	send_on(e, e->p3, 1, 3, 1);
	assert_int_equal(txn(e->p1), 1);
	clear(e);
	send_on(e, e->p1, 3, 1, 5);
	assert_int_equal(txn(e->p3), 5);
	assert_int_equal(txn(e->p2) + txn(e->p4) + txn(e->mon), 0);
}

/* A mirror of p1 (in) copies every frame p1 sends to mon. */
static void test_mirror(void **state)
{
	struct env *e = *state;

	assert_int_equal(dp_mirror_add(&e->dp, e->p1, e->mon, DP_DIR_IN), 0);
	assert_int_equal(dp_mirror_add(&e->dp, e->p1, e->p1, DP_DIR_IN),
			 -EINVAL);
	send_on(e, e->p1, 0xff, 1, 3);
	assert_int_equal(txn(e->mon), 3);
	assert_int_equal(txn(e->p3), 3);
	clear(e);
	send_on(e, e->p3, 1, 3, 2);
	assert_int_equal(txn(e->p1), 2);
	assert_int_equal(txn(e->mon), 0);
}

struct cap {
	unsigned int in, out, stop_after;
};

static bool on_frame(void *ctx, const struct pkt *p, enum dp_dir dir)
{
	struct cap *c = ctx;

	(void)p;
	if (dir == DP_DIR_IN)
		c->in++;
	else
		c->out++;
	return !c->stop_after || c->in + c->out < c->stop_after;
}

/* Captures see in and out frames; one that returns false ends itself. */
static void test_capture(void **state)
{
	struct env *e = *state;
	struct cap both = { 0 }, once = { .stop_after = 1 };

	assert_int_equal(dp_capture_add(e->p1, on_frame, &both, DP_DIR_BOTH),
			 0);
	assert_int_equal(dp_capture_add(e->p1, on_frame, &once, DP_DIR_IN), 0);
	send_on(e, e->p1, 0xff, 1, 2);
	send_on(e, e->p3, 1, 3, 4);
	assert_int_equal(both.in, 2);
	assert_int_equal(both.out, 4);
	assert_int_equal(once.in, 1);
	assert_int_equal(e->p1->ncaps, 1);
	dp_capture_del(e->p1, &both);
	assert_int_equal(e->p1->ncaps, 0);
}

/* Bursts of every awkward size forward with no malloc and no leak. */
static void test_no_malloc_no_leak(void **state)
{
	static const unsigned int sizes[] = { 1, 2, 63, 64, 65, 257 };
	struct env *e = *state;
	unsigned int i;

	send_on(e, e->p1, 0xff, 1, 1);
	send_on(e, e->p3, 1, 3, 1);
	clear(e);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t f[64];
		unsigned int k;

		frame(f, 3, 1);
		for (k = 0; k < sizes[i]; k++)
			dummy_port_inject_frame(&e->p1->port, f, 64);
		allocs = 0;
		counting = 1;
		while (dp_port_poll(&e->dp, e->p1))
			;
		while (dp_poll_links(&e->dp))
			;
		counting = 0;
		if (MALLOC_CHECKED)
			assert_int_equal(allocs, 0);
		assert_int_equal(txn(e->p3), sizes[i]);
		clear(e);
		assert_int_equal(e->dp.pool.nfree, POOL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flood_across_trunk, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unicast_after_learning,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_mirror, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_malloc_no_leak, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
