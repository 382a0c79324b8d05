// SPDX-License-Identifier: MIT
/*
 * test_pkt_pool.c - unit tests for the packet pool and the VLAN tag helpers
 * (src/core/pkt_pool.c).
 *
 * The pool: init/fini, allocation until empty (the refusal is counted),
 * LIFO reuse, partial bulk allocation, bulk free and the nfree count, and
 * pkt_clone() copying both the bytes and the offload state. The tag
 * helpers: byte-exact push and pop on a known frame, push then pop giving
 * back the original, the virtio-net header offsets moving with the payload,
 * and each error (short, untagged, no headroom) leaving the frame alone.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/pkt.h"

enum { POOL_SIZE = 8 };

/* dst 02:00:00:00:00:02, src 02:00:00:00:00:01, IPv4, then payload */
static const uint8_t frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11,
	0xaa, 0xbb, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
};

/* the same frame tagged with VLAN 0x123 */
static const uint8_t tagged[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x81, 0x00, 0x01, 0x23, 0x08, 0x00, 0x45, 0x00,
	0x00, 0x14, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0xaa, 0xbb,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
};

static int pool_setup(void **state)
{
	static struct pkt_pool pool;

	if (pkt_pool_init(&pool, POOL_SIZE))
		return -1;
	*state = &pool;
	return 0;
}

static int pool_teardown(void **state)
{
	pkt_pool_fini(*state);
	return 0;
}

static struct pkt *fill(struct pkt_pool *pool, const uint8_t *bytes,
			size_t size)
{
	struct pkt *p = pkt_alloc(pool);

	assert_non_null(p);
	memcpy(pkt_data(p), bytes, size);
	p->len = (uint32_t)size;
	return p;
}

static void test_init_fini(void **state)
{
	struct pkt_pool pool;
	unsigned int i;

	(void)state;
	assert_int_equal(pkt_pool_init(&pool, 0), -EINVAL);
	assert_int_equal(pkt_pool_init(&pool, 3), 0);
	assert_int_equal(pool.size, 3);
	assert_int_equal(pool.nfree, 3);
	assert_int_equal(pool.alloc_fail, 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(pool.pkts[i].idx, i);
		assert_ptr_equal(pool.pkts[i].buf,
				 pool.data + (size_t)i * PKT_BUF_SIZE);
	}
	pkt_pool_fini(&pool);
	assert_null(pool.pkts);
	assert_null(pool.data);
	assert_int_equal(pool.size, 0);
	/* a second fini on a cleared pool is harmless */
	pkt_pool_fini(&pool);
}

static void test_alloc_until_empty(void **state)
{
	struct pkt_pool *pool = *state;
	struct pkt *got[POOL_SIZE];
	unsigned int i, j;

	for (i = 0; i < POOL_SIZE; i++) {
		got[i] = pkt_alloc(pool);
		assert_non_null(got[i]);
		assert_int_equal(pool->nfree, POOL_SIZE - i - 1);
		assert_int_equal(got[i]->off, PKT_HEADROOM);
		assert_int_equal(got[i]->len, 0);
		assert_int_equal(got[i]->in_port, PKT_PORT_NONE);
		for (j = 0; j < i; j++)
			assert_ptr_not_equal(got[i], got[j]);
	}
	assert_int_equal(pool->alloc_fail, 0);
	assert_null(pkt_alloc(pool));
	assert_null(pkt_alloc(pool));
	assert_int_equal(pool->alloc_fail, 2);
	assert_int_equal(pool->nfree, 0);
	pkt_free_bulk(pool, got, POOL_SIZE);
	assert_int_equal(pool->nfree, POOL_SIZE);
}

static void test_lifo_reuse(void **state)
{
	struct pkt_pool *pool = *state;
	struct pkt *a = pkt_alloc(pool), *b = pkt_alloc(pool);

	assert_non_null(a);
	assert_non_null(b);
	/* a reused buffer comes back reset */
	a->len = 99;
	a->off = 3;
	a->in_port = 7;
	a->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	pkt_free(pool, a);
	pkt_free(pool, b);
	assert_ptr_equal(pkt_alloc(pool), b);
	assert_ptr_equal(pkt_alloc(pool), a);
	assert_int_equal(a->len, 0);
	assert_int_equal(a->off, PKT_HEADROOM);
	assert_int_equal(a->in_port, PKT_PORT_NONE);
	assert_int_equal(a->vnet.flags, 0);
	pkt_free(pool, a);
	pkt_free(pool, b);
	assert_int_equal(pool->nfree, POOL_SIZE);
}

static void test_alloc_bulk_partial(void **state)
{
	struct pkt_pool *pool = *state;
	struct pkt *got[POOL_SIZE + 4];
	struct pkt *one;

	one = pkt_alloc(pool);
	assert_non_null(one);
	assert_int_equal(pkt_alloc_bulk(pool, got, 0), 0);
	assert_int_equal(pkt_alloc_bulk(pool, got, 3), 3);
	assert_int_equal(pool->nfree, POOL_SIZE - 4);
	/* asks for more than is left: gets the rest, one refusal counted */
	assert_int_equal(pkt_alloc_bulk(pool, got + 3, 8), POOL_SIZE - 4);
	assert_int_equal(pool->nfree, 0);
	assert_int_equal(pool->alloc_fail, 1);
	assert_int_equal(pkt_alloc_bulk(pool, got + POOL_SIZE - 1, 2), 0);
	assert_int_equal(pool->alloc_fail, 2);

	pkt_free_bulk(pool, got, 0);
	assert_int_equal(pool->nfree, 0);
	pkt_free_bulk(pool, got, POOL_SIZE - 1);
	assert_int_equal(pool->nfree, POOL_SIZE - 1);
	pkt_free(pool, one);
	assert_int_equal(pool->nfree, POOL_SIZE);
	/* every buffer is back: the whole pool can be taken again */
	assert_int_equal(pkt_alloc_bulk(pool, got, POOL_SIZE), POOL_SIZE);
	pkt_free_bulk(pool, got, POOL_SIZE);
	assert_int_equal(pool->nfree, POOL_SIZE);
}

static void test_clone(void **state)
{
	struct pkt_pool *pool = *state;
	struct pkt *p = fill(pool, frame, sizeof(frame)), *c;
	struct pkt *rest[POOL_SIZE];
	unsigned int n;

	p->in_port = 5;
	p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	p->vnet.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	p->vnet.hdr_len = 54;
	p->vnet.gso_size = 1448;
	p->vnet.csum_start = 34;
	p->vnet.csum_offset = 16;
	c = pkt_clone(pool, p);
	assert_non_null(c);
	assert_ptr_not_equal(c, p);
	assert_ptr_not_equal(c->buf, p->buf);
	assert_int_equal(c->len, sizeof(frame));
	assert_int_equal(c->off, p->off);
	assert_int_equal(c->in_port, 5);
	assert_memory_equal(&c->vnet, &p->vnet, sizeof(c->vnet));
	assert_memory_equal(pkt_data(c), frame, sizeof(frame));
	/* a deep copy: changing one leaves the other alone */
	pkt_data(c)[0] = 0xff;
	assert_int_equal(pkt_data(p)[0], 0x02);

	n = pkt_alloc_bulk(pool, rest, POOL_SIZE);
	assert_int_equal(n, POOL_SIZE - 2);
	assert_null(pkt_clone(pool, p));
	assert_int_equal(pool->alloc_fail, 2);
	pkt_free_bulk(pool, rest, n);
	pkt_free(pool, c);
	pkt_free(pool, p);
	assert_int_equal(pool->nfree, POOL_SIZE);
}

static void test_vlan_push_pop_bytes(void **state)
{
	struct pkt_pool *pool = *state;
	struct pkt *p = fill(pool, frame, sizeof(frame));
	struct pkt *t = fill(pool, tagged, sizeof(tagged));

	assert_int_equal(pkt_vlan_push(p, 0x123), 0);
	assert_int_equal(p->len, sizeof(tagged));
	assert_int_equal(p->off, PKT_HEADROOM - 4);
	assert_memory_equal(pkt_data(p), tagged, sizeof(tagged));

	assert_int_equal(pkt_vlan_pop(t), 0);
	assert_int_equal(t->len, sizeof(frame));
	assert_int_equal(t->off, PKT_HEADROOM + 4);
	assert_memory_equal(pkt_data(t), frame, sizeof(frame));

	/* push then pop gives back the original, offsets included */
	assert_int_equal(pkt_vlan_pop(p), 0);
	assert_int_equal(p->off, PKT_HEADROOM);
	assert_int_equal(p->len, sizeof(frame));
	assert_memory_equal(pkt_data(p), frame, sizeof(frame));
	pkt_free(pool, p);
	pkt_free(pool, t);
}

static void test_vlan_vid_bits(void **state)
{
	struct pkt_pool *pool = *state;
	struct pkt *p = fill(pool, frame, sizeof(frame));
	uint8_t *d;

	/* only 12 bits are a VID: priority and DEI stay zero */
	assert_int_equal(pkt_vlan_push(p, 0xffff), 0);
	d = pkt_data(p);
	assert_int_equal(d[14], 0x0f);
	assert_int_equal(d[15], 0xff);
	/* a QinQ frame: pop removes the outer tag only */
	assert_int_equal(pkt_vlan_push(p, 10), 0);
	d = pkt_data(p);
	assert_int_equal(d[14], 0x00);
	assert_int_equal(d[15], 10);
	assert_int_equal(pkt_vlan_pop(p), 0);
	d = pkt_data(p);
	assert_int_equal(d[12], 0x81);
	assert_int_equal(d[15], 0xff);
	assert_int_equal(pkt_vlan_pop(p), 0);
	assert_memory_equal(pkt_data(p), frame, sizeof(frame));
	pkt_free(pool, p);
}

static void test_vlan_vnet_offsets(void **state)
{
	struct pkt_pool *pool = *state;
	struct pkt *p = fill(pool, frame, sizeof(frame));

	p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	p->vnet.csum_start = 34;
	p->vnet.csum_offset = 6;
	p->vnet.hdr_len = 42;
	assert_int_equal(pkt_vlan_push(p, 7), 0);
	assert_int_equal(p->vnet.csum_start, 38);
	assert_int_equal(p->vnet.csum_offset, 6);
	assert_int_equal(p->vnet.hdr_len, 46);
	assert_int_equal(pkt_vlan_pop(p), 0);
	assert_int_equal(p->vnet.csum_start, 34);
	assert_int_equal(p->vnet.hdr_len, 42);

	/* without NEEDS_CSUM csum_start means nothing and is left alone */
	p->vnet.flags = 0;
	p->vnet.hdr_len = 0;
	assert_int_equal(pkt_vlan_push(p, 7), 0);
	assert_int_equal(p->vnet.csum_start, 34);
	assert_int_equal(p->vnet.hdr_len, 0);
	assert_int_equal(pkt_vlan_pop(p), 0);
	assert_int_equal(p->vnet.csum_start, 34);
	assert_int_equal(p->vnet.hdr_len, 0);
	pkt_free(pool, p);
}

static void test_vlan_errors(void **state)
{
	struct pkt_pool *pool = *state;
	struct pkt *p = fill(pool, frame, sizeof(frame));

	/* untagged: nothing to pop, frame untouched */
	assert_int_equal(pkt_vlan_pop(p), -EINVAL);
	assert_int_equal(p->len, sizeof(frame));
	assert_memory_equal(pkt_data(p), frame, sizeof(frame));

	/* short: 13 bytes cannot take a tag, a bare tag cannot be popped */
	p->len = 13;
	assert_int_equal(pkt_vlan_push(p, 1), -EINVAL);
	assert_int_equal(p->off, PKT_HEADROOM);
	memcpy(pkt_data(p), tagged, 17);
	p->len = 17;
	assert_int_equal(pkt_vlan_pop(p), -EINVAL);
	assert_int_equal(p->len, 17);
	p->len = 0;
	assert_int_equal(pkt_vlan_pop(p), -EINVAL);

	/* no headroom */
	p->off = 3;
	memcpy(pkt_data(p), frame, sizeof(frame));
	p->len = sizeof(frame);
	assert_int_equal(pkt_vlan_push(p, 1), -ENOSPC);
	assert_int_equal(p->off, 3);
	assert_int_equal(p->len, sizeof(frame));
	assert_memory_equal(pkt_data(p), frame, sizeof(frame));
	/* exactly enough headroom */
	p->off = 4;
	memcpy(pkt_data(p), frame, sizeof(frame));
	assert_int_equal(pkt_vlan_push(p, 0x123), 0);
	assert_int_equal(p->off, 0);
	assert_memory_equal(pkt_data(p), tagged, sizeof(tagged));
	pkt_free(pool, p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_fini),
		cmocka_unit_test_setup_teardown(test_alloc_until_empty,
						pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_lifo_reuse, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_alloc_bulk_partial,
						pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_clone, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_vlan_push_pop_bytes,
						pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_vlan_vid_bits, pool_setup,
						pool_teardown),
		cmocka_unit_test_setup_teardown(test_vlan_vnet_offsets,
						pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_vlan_errors, pool_setup,
						pool_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
