// SPDX-License-Identifier: MIT
/*
 * test_ports_dummy.c - the fd-less port backends: the dummy test port and
 * in-process links. No root, no kernel: checks the port_ops contract (rx
 * returns a count and never blocks, tx takes ownership), drop counting on a
 * full tx log or ring, and that every buffer returns to the pool.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "port/dummy.h"
#include "port/link.h"

enum { POOL_SIZE = 2048 };

struct fixture {
	struct pkt_pool pool;
	struct port a, b;
};

static int setup(void **state)
{
	static struct fixture fx;

	memset(&fx, 0, sizeof(fx));
	if (pkt_pool_init(&fx.pool, POOL_SIZE))
		return -1;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->a.ops)
		fx->a.ops->close(&fx->a);
	if (fx->b.ops)
		fx->b.ops->close(&fx->b);
	pkt_pool_fini(&fx->pool);
	return 0;
}

static unsigned int alloc_frames(struct pkt_pool *pool, struct pkt **pkts,
				 unsigned int n, uint8_t tag)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		pkts[i] = pkt_alloc(pool);
		assert_non_null(pkts[i]);
		memset(pkt_data(pkts[i]), tag, 60);
		pkt_data(pkts[i])[0] = (uint8_t)i;
		pkts[i]->len = 60;
	}
	return n;
}

static void test_dummy_rx_tx(void **state)
{
	struct fixture *fx = *state;
	uint8_t frame[64] = { 0xaa };
	struct pkt *pkts[PKT_BURST];
	int n;

	assert_int_equal(dummy_port_open(&fx->a, "d0", &fx->pool, 4), 0);
	fx->a.id = 7;
	assert_true(dummy_port_is(&fx->a));
	assert_int_equal(fx->a.ops->fd(&fx->a), -1);
	assert_int_equal(fx->a.ops->rx(&fx->a, &fx->pool, pkts, PKT_BURST),
			 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(dummy_port_inject_frame(&fx->a, frame, 64),
				 0);
	assert_int_equal(dummy_port_inject_frame(&fx->a, frame, 64),
			 -ENOBUFS);
	assert_int_equal(fx->pool.nfree, POOL_SIZE - 4);
	n = fx->a.ops->rx(&fx->a, &fx->pool, pkts, 3);
	assert_int_equal(n, 3);
	assert_int_equal(pkts[0]->in_port, 7);
	assert_int_equal(pkts[0]->len, 64);
	assert_int_equal(dummy_port_rx_queued(&fx->a), 1);
	/* tx log holds 4: sending 3 + 2 logs 4 and drops 1 */
	assert_int_equal(fx->a.ops->tx(&fx->a, &fx->pool, pkts, 3), 3);
	n = fx->a.ops->rx(&fx->a, &fx->pool, pkts, PKT_BURST);
	assert_int_equal(n, 1);
	alloc_frames(&fx->pool, pkts + 1, 1, 0x55);
	assert_int_equal(fx->a.ops->tx(&fx->a, &fx->pool, pkts, 2), 1);
	assert_int_equal(fx->a.stats.tx_dropped, 1);
	assert_int_equal(fx->a.stats.tx_packets, 4);
	assert_int_equal(fx->a.stats.rx_packets, 4);
	assert_int_equal(dummy_port_tx_count(&fx->a), 4);
	assert_int_equal(pkt_data(dummy_port_tx_peek(&fx->a, 0))[0], 0xaa);
	assert_null(dummy_port_tx_peek(&fx->a, 4));
	assert_int_equal(dummy_port_tx_take(&fx->a, pkts, 1), 1);
	pkt_free(&fx->pool, pkts[0]);
	dummy_port_tx_clear(&fx->a);
	assert_int_equal(dummy_port_tx_count(&fx->a), 0);
	assert_int_equal(fx->pool.nfree, POOL_SIZE);
}

static void test_dummy_close_frees(void **state)
{
	struct fixture *fx = *state;
	struct pkt *pkts[8];

	assert_int_equal(dummy_port_open(&fx->a, "d0", &fx->pool, 0), 0);
	alloc_frames(&fx->pool, pkts, 8, 1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(dummy_port_inject(&fx->a, pkts[i]), 0);
	assert_int_equal(fx->a.ops->tx(&fx->a, &fx->pool, pkts + 4, 4), 4);
	fx->a.ops->close(&fx->a);
	fx->a.ops = NULL;
	assert_int_equal(fx->pool.nfree, POOL_SIZE);
}

/* send @n frames a -> b in bursts, receive them all, check order */
static void link_burst(struct fixture *fx, unsigned int n)
{
	struct pkt *pkts[PKT_BURST];
	unsigned int got = 0, sent = 0;

	while (sent < n) {
		unsigned int k = n - sent < PKT_BURST ? n - sent : PKT_BURST;

		alloc_frames(&fx->pool, pkts, k, 2);
		for (unsigned int i = 0; i < k; i++)
			pkt_data(pkts[i])[1] = (uint8_t)(sent + i);
		assert_int_equal(fx->a.ops->tx(&fx->a, &fx->pool, pkts, k), k);
		sent += k;
	}
	assert_true(link_pending(&fx->b) == (n != 0));
	assert_false(link_pending(&fx->a));
	while (got < n) {
		int r = fx->b.ops->rx(&fx->b, &fx->pool, pkts, PKT_BURST);

		assert_true(r > 0);
		for (int i = 0; i < r; i++) {
			assert_int_equal(pkt_data(pkts[i])[1],
					 (uint8_t)(got + i));
			assert_int_equal(pkts[i]->in_port, fx->b.id);
		}
		pkt_free_bulk(&fx->pool, pkts, (unsigned int)r);
		got += (unsigned int)r;
	}
	assert_false(link_pending(&fx->b));
	assert_int_equal(fx->b.ops->rx(&fx->b, &fx->pool, pkts, PKT_BURST), 0);
}

static void test_link_bursts(void **state)
{
	static const unsigned int sizes[] = { 1, 2, 63, 64, 65, 257, 0 };
	struct fixture *fx = *state;

	assert_int_equal(link_pair_create(&fx->a, "la", &fx->b, "lb",
					  &fx->pool, 300), 0);
	fx->b.id = 3;
	assert_true(link_port_is(&fx->a));
	assert_ptr_equal(link_peer(&fx->a), &fx->b);
	assert_int_equal(fx->a.ops->fd(&fx->a), -1);
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		link_burst(fx, sizes[i]);
	for (unsigned int i = 0; i < 20; i++) /* wrap the counters */
		link_burst(fx, 257);
	assert_int_equal(fx->a.stats.tx_dropped, 0);
	assert_int_equal(fx->b.stats.rx_packets, fx->a.stats.tx_packets);
	assert_int_equal(fx->pool.nfree, POOL_SIZE);
}

static void test_link_full_drops(void **state)
{
	struct fixture *fx = *state;
	struct pkt *pkts[PKT_BURST];

	/* 10 rounds up to a 16-slot ring */
	assert_int_equal(link_pair_create(&fx->a, "la", &fx->b, "lb",
					  &fx->pool, 10), 0);
	alloc_frames(&fx->pool, pkts, 20, 3);
	assert_int_equal(fx->a.ops->tx(&fx->a, &fx->pool, pkts, 20), 16);
	assert_int_equal(fx->a.stats.tx_dropped, 4);
	assert_int_equal(fx->pool.nfree, POOL_SIZE - 16);
	/* the other direction is independent */
	alloc_frames(&fx->pool, pkts, 2, 4);
	assert_int_equal(fx->b.ops->tx(&fx->b, &fx->pool, pkts, 2), 2);
	assert_true(link_pending(&fx->a));
	/* closing both ends frees what is still queued */
	fx->a.ops->close(&fx->a);
	fx->a.ops = NULL;
	assert_null(link_peer(&fx->b));
	fx->b.ops->close(&fx->b);
	fx->b.ops = NULL;
	assert_int_equal(fx->pool.nfree, POOL_SIZE);
}

static void test_pending_other_kinds(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(dummy_port_open(&fx->a, "d0", &fx->pool, 0), 0);
	assert_false(link_pending(&fx->a));
	assert_false(link_port_is(&fx->a));
	assert_null(link_peer(&fx->a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dummy_rx_tx, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dummy_close_frees, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_link_bursts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_link_full_drops, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pending_other_kinds,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
