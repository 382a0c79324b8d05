// SPDX-License-Identifier: MIT
/*
 * test_switch.c - in-process tests of the L2 switch node (switch.c,
 * switch_config.c): hand-written frames go in through switch_input(), and a
 * recording tx callback keeps every output frame (port, bytes, offload
 * state) so the tests compare byte-exact frames and counters. Covers
 * learning, flooding within a VLAN, access/trunk tag push and pop, native
 * VLANs, MAC moves, aging, MAC limits, a full table, bursts of 1..257
 * frames with no pool leak, the forced-collision hash, and offload state.
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
#include "node/switch.h"

enum {
	POOL_SIZE = 2048,
	REC_MAX = 4096,
	REC_BYTES = 128,
	PORT_ID_BASE = 100,   /* dataplane port id = PORT_ID_BASE + sw port */
	NS = 1000000000,
};

struct rec {
	uint16_t port;        /* switch port (port_id - PORT_ID_BASE) */
	uint32_t len;
	uint8_t bytes[REC_BYTES];
	struct virtio_net_hdr vnet;
};

struct fixture {
	struct pkt_pool pool;
	struct switch_node *sw;
	struct rec recs[REC_MAX];
	unsigned int nrec;
	unsigned int tx_calls[SWITCH_MAX_PORTS]; /* since last reset */
	bool tx_twice;        /* some port got two tx calls in one input */
};

static void rec_tx(void *ctx, uint16_t port_id, struct pkt **pkts,
		   unsigned int n)
{
	struct fixture *f = ctx;
	uint16_t port = (uint16_t)(port_id - PORT_ID_BASE);
	unsigned int i;

	assert_true(n >= 1 && n <= PKT_BURST);
	if (f->tx_calls[port]++)
		f->tx_twice = true;
	for (i = 0; i < n; i++) {
		struct rec *r = &f->recs[f->nrec++];

		assert_true(f->nrec <= REC_MAX);
		r->port = port;
		r->len = pkts[i]->len;
		r->vnet = pkts[i]->vnet;
		memcpy(r->bytes, pkt_data(pkts[i]),
		       r->len < REC_BYTES ? r->len : REC_BYTES);
	}
	pkt_free_bulk(&f->pool, pkts, n);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || pkt_pool_init(&f->pool, POOL_SIZE))
		return -1;
	f->sw = switch_create("sw0", &f->pool, 64, 0, rec_tx, f);
	if (!f->sw)
		return -1;
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

static int add_access(struct fixture *f, uint16_t vlan, uint32_t limit)
{
	struct sw_port_cfg c = { .mode = SW_PORT_ACCESS, .vlan = vlan,
				 .mac_limit = limit };
	int n;

	c.port_id = (uint16_t)(PORT_ID_BASE + f->sw->nports);
	n = switch_port_add(f->sw, &c);
	assert_true(n >= 0);
	return n;
}

/* A trunk carrying the VLANs in the 0-terminated list @vlans. */
static int add_trunk(struct fixture *f, uint16_t native, const uint16_t *vlans)
{
	struct sw_port_cfg c = { .mode = SW_PORT_TRUNK, .native_vlan = native };
	int n;

	for (; *vlans; vlans++)
		c.allowed[*vlans / 64] |= 1ULL << (*vlans % 64);
	c.port_id = (uint16_t)(PORT_ID_BASE + f->sw->nports);
	n = switch_port_add(f->sw, &c);
	assert_true(n >= 0);
	return n;
}

static void mac_n(uint8_t *mac, unsigned int n)
{
	const uint8_t m[6] = { 0x02, 0, 0, 0, (uint8_t)(n >> 8), (uint8_t)n };

	memcpy(mac, m, 6);
}

static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/*
 * Expected bytes of a 60-byte frame from @src to @dst: tagged with @tci if
 * @tci >= 0, then ethertype 0x0800 and a payload of @src's last byte
 * counting up. Return: the length.
 */
static uint32_t frame_bytes(uint8_t *d, const uint8_t *dst, const uint8_t *src,
			    int tci)
{
	uint32_t off = 12, i;

	memcpy(d, dst, 6);
	memcpy(d + 6, src, 6);
	if (tci >= 0) {
		d[off++] = 0x81;
		d[off++] = 0x00;
		d[off++] = (uint8_t)(tci >> 8);
		d[off++] = (uint8_t)tci;
	}
	d[off++] = 0x08;
	d[off++] = 0x00;
	for (i = 0; i < 46; i++)
		d[off + i] = (uint8_t)(src[5] + i);
	return off + 46;
}

static struct pkt *frame(struct fixture *f, const uint8_t *dst,
			 const uint8_t *src, int tci)
{
	struct pkt *p = pkt_alloc(&f->pool);

	assert_non_null(p);
	p->len = frame_bytes(pkt_data(p), dst, src, tci);
	return p;
}

static void reset_rec(struct fixture *f)
{
	f->nrec = 0;
	memset(f->tx_calls, 0, sizeof(f->tx_calls));
	f->tx_twice = false;
}

/* Feed one frame on @port at time @t seconds; outputs go to f->recs. */
static void send1(struct fixture *f, int port, const uint8_t *dst,
		  const uint8_t *src, int tci, uint64_t t)
{
	struct pkt *p = frame(f, dst, src, tci);

	reset_rec(f);
	p->in_port = (uint16_t)(PORT_ID_BASE + port);
	switch_input(f->sw, (uint16_t)port, &p, 1, t * NS);
}

static uint64_t ctr(struct fixture *f, enum switch_counter c)
{
	return switch_counters(f->sw)[c];
}

/* Bitmap of the ports f->recs went to. */
static uint64_t out_ports(struct fixture *f)
{
	uint64_t m = 0;
	unsigned int i;

	for (i = 0; i < f->nrec; i++)
		m |= 1ULL << f->recs[i].port;
	return m;
}

/* Check the output on @port is byte-exact frame (dst, src, tci). */
static void expect_out(struct fixture *f, int port, const uint8_t *dst,
		       const uint8_t *src, int tci)
{
	uint8_t want[REC_BYTES];
	uint32_t len = frame_bytes(want, dst, src, tci);
	unsigned int i;

	for (i = 0; i < f->nrec; i++) {
		if (f->recs[i].port != port)
			continue;
		assert_int_equal(f->recs[i].len, len);
		assert_memory_equal(f->recs[i].bytes, want, len);
		return;
	}
	fail_msg("no frame out of port %d", port);
}

static void test_create_errors(void **state)
{
	struct fixture *f = *state;
	char longname[SWITCH_NAME_MAX + 1];
	struct sw_port_cfg c = { .mode = SW_PORT_ACCESS, .vlan = 4095 };

	memset(longname, 'x', sizeof(longname) - 1);
	longname[SWITCH_NAME_MAX] = 0;
	assert_null(switch_create(longname, &f->pool, 0, 0, rec_tx, f));
	assert_int_equal(errno, ENAMETOOLONG);
	assert_null(switch_create("x", &f->pool, 0, 0, NULL, f));
	assert_string_equal(switch_name(f->sw), "sw0");
	assert_int_equal(switch_port_add(f->sw, &c), -EINVAL);
	c.mode = 7;
	c.vlan = 1;
	assert_int_equal(switch_port_add(f->sw, &c), -EINVAL);
	c.mode = SW_PORT_TRUNK;
	c.native_vlan = 5000;
	assert_int_equal(switch_port_add(f->sw, &c), -EINVAL);
	assert_int_equal(add_access(f, 0, 0), 0);
	assert_int_equal(f->sw->ports[0].vlan, SWITCH_VLAN_DEFAULT);
	assert_string_equal(switch_counter_names[SWITCH_C_DROP_LIMIT],
			    "drop_mac_limit");
}

static void test_learn_forward(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6];
	int i;

	mac_n(a, 1);
	mac_n(b, 2);
	for (i = 0; i < 4; i++)
		add_access(f, 1, 0);
	send1(f, 0, b, a, -1, 1);
	assert_int_equal(f->nrec, 3);
	assert_int_equal(out_ports(f), 0xe);
	expect_out(f, 1, b, a, -1);
	assert_int_equal(ctr(f, SWITCH_C_FLOODED), 1);
	assert_int_equal(ctr(f, SWITCH_C_LEARNED), 1);
	send1(f, 2, a, b, -1, 1);
	assert_int_equal(f->nrec, 1);
	expect_out(f, 0, a, b, -1);
	send1(f, 0, b, a, -1, 2);
	assert_int_equal(f->nrec, 1);
	expect_out(f, 2, b, a, -1);
	assert_int_equal(ctr(f, SWITCH_C_FORWARDED), 2);
	assert_int_equal(ctr(f, SWITCH_C_LEARNED), 2);
	assert_int_equal(switch_port_macs(f->sw, 0), 1);
	assert_int_equal(switch_port_macs(f->sw, 2), 1);
	/* Destination on the ingress port. */
	send1(f, 0, a, a, -1, 2);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(ctr(f, SWITCH_C_DROP_SAME_PORT), 1);
}

/*
 * Ports: 0,1 access 10; 2,3 access 20; 4 access 30; 5 trunk {10,20};
 * 6 trunk {30} native 10.
 */
static void three_vlans(struct fixture *f)
{
	static const uint16_t t5[] = { 10, 20, 0 }, t6[] = { 30, 0 };

	add_access(f, 10, 0);
	add_access(f, 10, 0);
	add_access(f, 20, 0);
	add_access(f, 20, 0);
	add_access(f, 30, 0);
	add_trunk(f, 0, t5);
	add_trunk(f, 10, t6);
}

static void test_flood_within_vlan(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], x[6];

	three_vlans(f);
	mac_n(a, 1);
	mac_n(x, 0x99);
	send1(f, 0, BCAST, a, -1, 1);
	assert_int_equal(out_ports(f), 1 << 1 | 1 << 5 | 1 << 6);
	expect_out(f, 1, BCAST, a, -1);
	expect_out(f, 5, BCAST, a, 10);
	expect_out(f, 6, BCAST, a, -1);
	send1(f, 3, x, a, -1, 1);
	assert_int_equal(out_ports(f), 1 << 2 | 1 << 5);
	expect_out(f, 2, x, a, -1);
	expect_out(f, 5, x, a, 20);
	send1(f, 4, BCAST, a, -1, 1);
	assert_int_equal(out_ports(f), 1 << 6);
	expect_out(f, 6, BCAST, a, 30);
	send1(f, 5, BCAST, a, 20, 1);
	assert_int_equal(out_ports(f), 1 << 2 | 1 << 3);
	send1(f, 6, BCAST, a, 30, 1);
	assert_int_equal(out_ports(f), 1 << 4);
	send1(f, 6, BCAST, a, -1, 1);
	assert_int_equal(out_ports(f), 1 << 0 | 1 << 1 | 1 << 5);
	expect_out(f, 5, BCAST, a, 10);
	/* The same MAC is a separate entry in each VLAN. */
	assert_int_equal(switch_mac_count(f->sw), 3);
	assert_int_equal(ctr(f, SWITCH_C_FLOODED), 6);
	/* A lone port in its VLAN floods nowhere. */
	add_access(f, 40, 0);
	send1(f, 7, BCAST, a, -1, 1);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(ctr(f, SWITCH_C_DROP_NO_DEST), 1);
}

static void test_tag_push_pop(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6], c[6];

	three_vlans(f);
	mac_n(a, 1);
	mac_n(b, 2);
	mac_n(c, 3);
	/* Learn b behind trunk 5 in VLAN 10 and c behind trunk 5 in 20. */
	send1(f, 5, BCAST, b, 10, 1);
	send1(f, 5, BCAST, c, 0x2000 | 20, 1);
	expect_out(f, 2, BCAST, c, -1);
	/* Access to trunk: push. */
	send1(f, 0, b, a, -1, 1);
	assert_int_equal(f->nrec, 1);
	expect_out(f, 5, b, a, 10);
	/* Trunk to access: pop, whatever the priority bits. */
	send1(f, 5, a, b, 0xa000 | 10, 1);
	assert_int_equal(f->nrec, 1);
	expect_out(f, 0, a, b, -1);
	/* Trunk native VLAN to access, and access to native: untagged. */
	send1(f, 6, a, c, -1, 1);
	assert_int_equal(f->nrec, 1);
	expect_out(f, 0, a, c, -1);
	send1(f, 1, c, a, -1, 1);
	assert_int_equal(f->nrec, 1);
	expect_out(f, 6, c, a, -1);
	/* A tagged frame in the native VLAN leaves the trunk untagged. */
	send1(f, 5, c, b, 10, 1);
	assert_int_equal(f->nrec, 1);
	expect_out(f, 6, c, b, -1);
	/* Native to a trunk where VLAN 10 is tagged: push. */
	send1(f, 6, b, c, -1, 1);
	assert_int_equal(f->nrec, 1);
	expect_out(f, 5, b, c, 10);
	assert_int_equal(ctr(f, SWITCH_C_DROP_VLAN), 0);
}

static void test_trunk_to_trunk_keeps_pcp(void **state)
{
	struct fixture *f = *state;
	static const uint16_t v[] = { 10, 20, 0 };
	uint8_t a[6], b[6];

	add_trunk(f, 0, v);
	add_trunk(f, 0, v);
	mac_n(a, 1);
	mac_n(b, 2);
	send1(f, 1, BCAST, b, 20, 1);
	send1(f, 0, b, a, 0xe000 | 20, 1);
	assert_int_equal(f->nrec, 1);
	expect_out(f, 1, b, a, 0xe000 | 20);
	/* Untagged on a trunk with no native VLAN, VLAN not allowed. */
	send1(f, 0, b, a, -1, 1);
	send1(f, 0, b, a, 30, 1);
	send1(f, 0, b, a, 4095, 1);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(ctr(f, SWITCH_C_DROP_VLAN), 3);
}

static void test_tagged_on_access(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6];

	three_vlans(f);
	mac_n(a, 1);
	mac_n(b, 2);
	send1(f, 0, b, a, 20, 1);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(ctr(f, SWITCH_C_DROP_VLAN), 1);
	assert_int_equal(switch_mac_count(f->sw), 0);
	/* Tagged with the access VLAN: accepted and stripped. */
	send1(f, 0, b, a, 0x6000 | 10, 1);
	assert_int_equal(out_ports(f), 1 << 1 | 1 << 5 | 1 << 6);
	expect_out(f, 1, b, a, -1);
	expect_out(f, 5, b, a, 10);
	expect_out(f, 6, b, a, -1);
	/* Priority-tagged (VID 0): the access VLAN, tag removed. */
	send1(f, 2, b, a, 0x4000, 1);
	assert_int_equal(out_ports(f), 1 << 3 | 1 << 5);
	expect_out(f, 3, b, a, -1);
	expect_out(f, 5, b, a, 20);
	/* Priority-tagged on a trunk: the native VLAN, or dropped. */
	send1(f, 6, b, a, 0x4000, 1);
	assert_int_equal(out_ports(f), 1 << 0 | 1 << 1 | 1 << 5);
	expect_out(f, 5, b, a, 10);
	send1(f, 5, b, a, 0x4000, 1);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(ctr(f, SWITCH_C_DROP_VLAN), 2);
}

static void test_bad_frames(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6], m[6] = { 0x01, 0, 0x5e, 0, 0, 1 };
	struct pkt *p;

	add_access(f, 1, 0);
	add_access(f, 1, 0);
	mac_n(a, 1);
	mac_n(b, 2);
	p = frame(f, b, a, -1);
	p->len = 13;
	switch_input(f->sw, 0, &p, 1, NS);
	p = frame(f, b, a, 10);
	p->len = 17;
	switch_input(f->sw, 0, &p, 1, NS);
	assert_int_equal(ctr(f, SWITCH_C_DROP_SHORT), 2);
	send1(f, 0, b, m, -1, 1);
	assert_int_equal(ctr(f, SWITCH_C_DROP_SRC_MCAST), 1);
	send1(f, 9, b, a, -1, 1);
	assert_int_equal(ctr(f, SWITCH_C_DROP_NO_PORT), 1);
	assert_int_equal(f->nrec, 0);
	/* Multicast destination floods like broadcast. */
	send1(f, 0, m, a, -1, 1);
	assert_int_equal(out_ports(f), 1 << 1);
	/* 14-byte frame, the shortest accepted. */
	p = frame(f, BCAST, a, -1);
	p->len = 14;
	reset_rec(f);
	switch_input(f->sw, 0, &p, 1, NS);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].len, 14);
}

static void test_mac_move(void **state)
{
	struct fixture *f = *state;
	uint8_t a[6], b[6];

	add_access(f, 1, 0);
	add_access(f, 1, 0);
	add_access(f, 1, 0);
	mac_n(a, 1);
	mac_n(b, 2);
	send1(f, 0, BCAST, a, -1, 1);
	send1(f, 2, a, b, -1, 1);
	assert_int_equal(out_ports(f), 1 << 0);
	send1(f, 1, BCAST, a, -1, 2);
	assert_int_equal(ctr(f, SWITCH_C_MOVED), 1);
	assert_int_equal(switch_port_macs(f->sw, 0), 0);
	assert_int_equal(switch_port_macs(f->sw, 1), 1);
	send1(f, 2, a, b, -1, 2);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(out_ports(f), 1 << 1);
	assert_int_equal(ctr(f, SWITCH_C_LEARNED), 2);
}

static void test_aging(void **state)
{
	struct fixture *f = *state;
	struct sw_mac_entry dump[8];
	uint8_t a[6], b[6];

	add_access(f, 1, 0);
	add_access(f, 1, 0);
	add_access(f, 1, 0);
	mac_n(a, 1);
	mac_n(b, 2);
	send1(f, 0, BCAST, a, -1, 100);
	send1(f, 1, BCAST, b, -1, 200);
	assert_int_equal(switch_mac_dump(f->sw, dump, 8, 250ULL * NS), 2);
	assert_memory_equal(dump[0].mac, a, 6);
	assert_int_equal(dump[0].age_s, 150);
	assert_int_equal(dump[0].sw_port, 0);
	assert_int_equal(dump[0].vlan, 1);
	assert_int_equal(dump[1].age_s, 50);
	/* Default 300 s: a is still known at 400, gone at 401. */
	send1(f, 2, a, b, -1, 400);
	assert_int_equal(out_ports(f), 1 << 0);
	send1(f, 2, a, b, -1, 401);
	assert_int_equal(out_ports(f), 1 << 0 | 1 << 1);
	assert_int_equal(switch_mac_dump(f->sw, dump, 8, 401ULL * NS), 1);
	assert_int_equal(switch_port_macs(f->sw, 0), 1);
	switch_age(f->sw, 401ULL * NS);
	assert_int_equal(ctr(f, SWITCH_C_AGED), 1);
	assert_int_equal(switch_port_macs(f->sw, 0), 0);
	assert_int_equal(switch_mac_count(f->sw), 1);
	/* b moved to port 2 at 400; aging cut to 10 s at run time. */
	switch_set_aging(f->sw, 10);
	send1(f, 0, b, a, -1, 411);
	assert_int_equal(out_ports(f), 1 << 2);
	send1(f, 0, b, a, -1, 412);
	assert_int_equal(out_ports(f), 1 << 1 | 1 << 2);
	/* An expired entry relearned before the sweep counts as aged. */
	send1(f, 2, BCAST, b, -1, 413);
	assert_int_equal(ctr(f, SWITCH_C_AGED), 2);
	assert_int_equal(switch_port_macs(f->sw, 1), 0);
	assert_int_equal(switch_port_macs(f->sw, 2), 1);
	switch_set_aging(f->sw, SWITCH_AGING_NEVER);
	send1(f, 1, b, a, -1, 100000);
	assert_int_equal(out_ports(f), 1 << 2);
}

static void test_mac_limit(void **state)
{
	struct fixture *f = *state;
	uint8_t m[6], b[6];
	unsigned int i;

	add_access(f, 1, 2);
	add_access(f, 1, 0);
	mac_n(b, 0x100);
	for (i = 1; i <= 3; i++) {
		mac_n(m, i);
		send1(f, 0, b, m, -1, 1);
		assert_int_equal(f->nrec, i <= 2 ? 1 : 0);
	}
	assert_int_equal(ctr(f, SWITCH_C_DROP_LIMIT), 1);
	assert_int_equal(switch_port_macs(f->sw, 0), 2);
	/* Known sources still pass. */
	mac_n(m, 2);
	send1(f, 0, b, m, -1, 2);
	assert_int_equal(f->nrec, 1);
	/* A move onto a full port is refused; the entry stays put. */
	mac_n(m, 7);
	send1(f, 1, b, m, -1, 2);
	send1(f, 0, b, m, -1, 2);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(ctr(f, SWITCH_C_DROP_LIMIT), 2);
	assert_int_equal(switch_port_macs(f->sw, 1), 1);
	/* Once an entry ages out, a new MAC fits again. */
	switch_set_aging(f->sw, 5);
	mac_n(m, 2);
	send1(f, 0, b, m, -1, 4);
	switch_age(f->sw, 9ULL * NS);
	assert_int_equal(switch_port_macs(f->sw, 0), 1);
	mac_n(m, 3);
	send1(f, 0, b, m, -1, 9);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(switch_port_macs(f->sw, 0), 2);
}

static void test_table_full(void **state)
{
	struct fixture *f = *state;
	uint8_t m[6], b[6];
	unsigned int i;

	switch_destroy(f->sw);
	f->sw = switch_create("small", &f->pool, 4, 0, rec_tx, f);
	assert_non_null(f->sw);
	add_access(f, 1, 0);
	add_access(f, 1, 0);
	mac_n(b, 0x100);
	for (i = 1; i <= 6; i++) {
		mac_n(m, i);
		send1(f, 0, b, m, -1, 1);
		assert_int_equal(f->nrec, 1);
	}
	assert_int_equal(ctr(f, SWITCH_C_LEARNED), 4);
	assert_int_equal(ctr(f, SWITCH_C_DROP_TABLE_FULL), 2);
	assert_int_equal(switch_mac_count(f->sw), 4);
	/* Unlearned m6 is unknown: frames to it flood. */
	send1(f, 1, m, b, -1, 1);
	assert_int_equal(ctr(f, SWITCH_C_FLOODED), 7);
	assert_int_equal(switch_mac_flush(f->sw), 4);
	assert_int_equal(switch_port_macs(f->sw, 0), 0);
}

static void test_collisions(void **state)
{
	struct fixture *f = *state;
	uint8_t m[6], dst[6];
	unsigned int i;

	assert_int_equal(switch_mac_test_collide(f->sw, true), 0);
	for (i = 0; i < 4; i++)
		add_access(f, 1, 0);
	for (i = 0; i < 40; i++) {
		mac_n(m, i + 1);
		send1(f, (int)(i % 4), BCAST, m, -1, i < 20 ? 1 : 50);
	}
	assert_int_equal(switch_mac_count(f->sw), 40);
	assert_int_equal(switch_mac_test_collide(f->sw, false), -EBUSY);
	switch_set_aging(f->sw, 30);
	switch_age(f->sw, 50ULL * NS);
	assert_int_equal(switch_mac_count(f->sw), 20);
	mac_n(m, 0x200);
	for (i = 0; i < 40; i++) {
		mac_n(dst, i + 1);
		send1(f, (int)((i + 1) % 4), dst, m, -1, 50);
		if (i < 20)
			assert_int_equal(f->nrec, 3);
		else
			assert_int_equal(out_ports(f), 1u << (i % 4));
	}
}

static void test_offload_state(void **state)
{
	struct fixture *f = *state;
	static const uint16_t v[] = { 10, 0 };
	uint8_t a[6], b[6];
	struct pkt *p;

	add_access(f, 10, 0);
	add_trunk(f, 0, v);
	mac_n(a, 1);
	mac_n(b, 2);
	send1(f, 1, BCAST, b, 10, 1);
	p = frame(f, b, a, -1);
	p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	p->vnet.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	p->vnet.csum_start = 34;
	p->vnet.csum_offset = 16;
	p->vnet.hdr_len = 54;
	reset_rec(f);
	switch_input(f->sw, 0, &p, 1, NS);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].vnet.csum_start, 38);
	assert_int_equal(f->recs[0].vnet.csum_offset, 16);
	assert_int_equal(f->recs[0].vnet.hdr_len, 58);
	assert_int_equal(f->recs[0].vnet.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	p = frame(f, a, b, 10);
	p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	p->vnet.csum_start = 38;
	p->vnet.csum_offset = 6;
	reset_rec(f);
	switch_input(f->sw, 1, &p, 1, NS);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].port, 0);
	assert_int_equal(f->recs[0].vnet.csum_start, 34);
	assert_int_equal(f->recs[0].vnet.csum_offset, 6);
}

/*
 * A burst of @n frames on port 0 split into batches of at most PKT_BURST,
 * mixing known unicast to ports 1-3 (pushed on the trunk), unknown unicast
 * and broadcast (flooded to 3 ports) and same-port drops.
 */
static void burst(struct fixture *f, unsigned int n)
{
	uint8_t src[6], dst[6];
	uint64_t drops0 = ctr(f, SWITCH_C_DROP_SAME_PORT);
	unsigned int i, j, want = 0, start = f->pool.nfree;
	struct pkt *batch[PKT_BURST];

	reset_rec(f);
	mac_n(src, 0x300);
	for (i = 0; i < n; i += j) {
		memset(f->tx_calls, 0, sizeof(f->tx_calls));
		for (j = 0; j < PKT_BURST && i + j < n; j++) {
			unsigned int k = (i + j) % 5;

			if (k < 3)
				mac_n(dst, 0x10 + k + 1);
			else if (k == 3)
				mac_n(dst, 0x10);
			else
				memcpy(dst, (i + j) % 10 == 4 ? src : BCAST, 6);
			want += k < 3 ? 1 : (i + j) % 10 == 4 ? 0 : 3;
			batch[j] = frame(f, dst, src, -1);
		}
		switch_input(f->sw, 0, batch, j, NS);
		assert_false(f->tx_twice);
	}
	assert_int_equal(f->nrec, want);
	assert_int_equal(f->pool.nfree, start);
	assert_int_equal(ctr(f, SWITCH_C_DROP_SAME_PORT) - drops0,
			 n / 10 + (n % 10 > 4));
}

static void test_bursts(void **state)
{
	struct fixture *f = *state;
	static const uint16_t v[] = { 1, 0 };
	static const unsigned int sizes[] = { 1, 2, 63, 64, 65, 257 };
	uint8_t m[6];
	unsigned int i;

	add_access(f, 1, 0);
	add_access(f, 1, 0);
	add_access(f, 1, 0);
	add_trunk(f, 0, v);
	for (i = 1; i <= 3; i++) {
		mac_n(m, 0x10 + i);
		send1(f, (int)i, BCAST, m, i == 3 ? 1 : -1, 1);
	}
	mac_n(m, 0x300);
	send1(f, 0, BCAST, m, -1, 1);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		burst(f, sizes[i]);
}

/* One tx call per egress port even with 257 frames in one input call. */
static void test_big_input_batch(void **state)
{
	struct fixture *f = *state;
	struct pkt *pkts[257];
	uint8_t a[6], b[6];
	unsigned int i;

	add_access(f, 1, 0);
	add_access(f, 1, 0);
	mac_n(a, 1);
	mac_n(b, 2);
	send1(f, 1, BCAST, b, -1, 1);
	for (i = 0; i < 257; i++)
		pkts[i] = frame(f, b, a, -1);
	reset_rec(f);
	switch_input(f->sw, 0, pkts, 257, NS);
	assert_int_equal(f->nrec, 257);
	assert_int_equal(f->tx_calls[1], 5);
}

/* Flood copies when the pool runs dry: counted, nothing leaks. */
static void test_flood_nomem(void **state)
{
	struct fixture *f = *state;
	struct pkt *hold[POOL_SIZE];
	uint8_t a[6];
	unsigned int n = 0, i;
	struct pkt *p;

	for (i = 0; i < 4; i++)
		add_access(f, 1, 0);
	mac_n(a, 1);
	p = frame(f, BCAST, a, -1);
	while ((hold[n] = pkt_alloc(&f->pool)))
		n++;
	reset_rec(f);
	switch_input(f->sw, 0, &p, 1, NS);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(ctr(f, SWITCH_C_DROP_NOMEM), 2);
	pkt_free_bulk(&f->pool, hold, n);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_errors),
		T(test_learn_forward),
		T(test_flood_within_vlan),
		T(test_tag_push_pop),
		T(test_trunk_to_trunk_keeps_pcp),
		T(test_tagged_on_access),
		T(test_bad_frames),
		T(test_mac_move),
		T(test_aging),
		T(test_mac_limit),
		T(test_table_full),
		T(test_collisions),
		T(test_offload_state),
		T(test_bursts),
		T(test_big_input_batch),
		T(test_flood_nomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
