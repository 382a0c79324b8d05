// SPDX-License-Identifier: MIT
/*
 * test_ct.c - unit tests of the conntrack table (src/ct/ct.c, ct_proto.c,
 * ct_icmp_err.c): UDP and ICMP echo flows over IPv4 and IPv6, per-state
 * timeouts on a fake clock, lazy expiry and the bounded sweep, 1000
 * connections opened and closed leaving nothing behind, a SYN flood into a
 * small table next to established flows, early drop and table_full, ICMP
 * errors matched to their flow, fragments and untracked packets, the
 * whole thing again with every tuple hashed into one chain, and the dump
 * helpers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_ct_frames.h"

enum { S = 1000 }; /* ms per second */

static const uint32_t in1 = 0x0a000002, out1 = 0xc6336407;

static struct ct_table *new_table(uint32_t max)
{
	static struct ct_table ct;
	struct ct_config cfg;

	ct_config_default(&cfg);
	cfg.max_entries = max;
	assert_int_equal(ct_table_init(&ct, &cfg), 0);
	return &ct;
}

/* Entries the table holds, counted the slow way. */
static uint32_t used_entries(const struct ct_table *ct)
{
	uint32_t i, n = 0;

	for (i = 0; i < ct->max; i++)
		n += !!(ct->entries[i].flags & CT_F_USED);
	return n;
}

/* Every used entry is findable by both tuples; free list + used = max. */
static void check_invariants(struct ct_table *ct)
{
	uint32_t i, nfree = 0, ref;
	enum ct_dir d;

	for (i = 0; i < ct->max; i++) {
		struct ct_entry *e = &ct->entries[i];

		if (!(e->flags & CT_F_USED) || (e->flags & CT_F_DYING))
			continue;
		assert_ptr_equal(ct_find(ct, &e->tuple[0], 0, &d), e);
		assert_int_equal(d, CT_DIR_ORIG);
		assert_ptr_equal(ct_find(ct, &e->tuple[1], 0, &d), e);
		assert_int_equal(d, CT_DIR_REPLY);
	}
	for (ref = ct->free_head; ref != CT_NIL;
	     ref = ct->entries[ref].hnext[0])
		nfree++;
	assert_int_equal(nfree + ct->count, ct->max);
	assert_int_equal(used_entries(ct), ct->count);
}

static void test_udp_flow(void **state)
{
	struct ct_table *ct = new_table(64);
	struct ct_result r;
	struct tf t;

	(void)state;
	tf_udp4(&t, in1, out1, 5000, 53, 10, false);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_NEW);
	assert_true(r.created);
	assert_int_equal(r.dir, CT_DIR_ORIG);
	assert_false(r.e->flags & CT_F_ASSURED);
	assert_int_equal(ct_entry_ttl_ms(r.e, 0), 30 * S);
	/* a second datagram before any reply: still new, not created */
	assert_int_equal(tf_ct(ct, &t, S, &r), CT_NEW);
	assert_false(r.created);
	tf_udp4(&t, out1, in1, 53, 5000, 40, false);
	assert_int_equal(tf_ct(ct, &t, 2 * S, &r), CT_ESTABLISHED);
	assert_int_equal(r.dir, CT_DIR_REPLY);
	assert_true(r.e->flags & CT_F_ASSURED);
	assert_int_equal(ct_entry_ttl_ms(r.e, 2 * S), 180 * S);
	assert_int_equal(r.e->packets[0], 2);
	assert_int_equal(r.e->packets[1], 1);
	assert_int_equal(r.e->bytes[1], 20 + 8 + 40);
	assert_int_equal(ct->counters[CT_CNT_NEW], 1);
	assert_int_equal(ct->counters[CT_CNT_ESTABLISHED], 1);
	check_invariants(ct);
	ct_table_fini(ct);
}

static void test_udp_timeouts(void **state)
{
	struct ct_table *ct = new_table(64);
	struct ct_result r;
	struct tf q, a;

	(void)state;
	tf_udp4(&q, in1, out1, 5000, 53, 10, false);
	tf_udp4(&a, out1, in1, 53, 5000, 10, false);
	assert_int_equal(tf_ct(ct, &q, 0, &r), CT_NEW);
	/* unreplied: gone after 30 s; the reply is then unknown (a new flow) */
	assert_int_equal(tf_ct(ct, &a, 30 * S, &r), CT_NEW);
	assert_true(r.created);
	assert_int_equal(ct->counters[CT_CNT_EXPIRED], 1);
	assert_int_equal(ct->count, 1);
	ct_flush(ct);
	/* replied: lives 180 s after the last packet */
	assert_int_equal(tf_ct(ct, &q, 0, &r), CT_NEW);
	assert_int_equal(tf_ct(ct, &a, S, &r), CT_ESTABLISHED);
	assert_int_equal(tf_ct(ct, &q, 181 * S - 1, &r), CT_ESTABLISHED);
	assert_int_equal(tf_ct(ct, &a, 361 * S - 2, &r), CT_ESTABLISHED);
	assert_int_equal(tf_ct(ct, &q, 541 * S - 2, &r), CT_NEW);
	assert_true(r.created);
	ct_table_fini(ct);
}

static void test_icmp_echo(void **state)
{
	struct ct_table *ct = new_table(64);
	struct ct_result r;
	struct tf t;

	(void)state;
	tf_icmp4_echo(&t, out1, in1, 0, 77, 1); /* reply, no request */
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_INVALID);
	assert_int_equal(r.reason, CT_INV_ICMP_NO_FLOW);
	tf_icmp4_echo(&t, in1, out1, 8, 77, 1);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_NEW);
	assert_int_equal(r.e->tuple[0].sport, 77);
	assert_int_equal(r.e->tuple[1].dport, 77);
	tf_icmp4_echo(&t, out1, in1, 0, 77, 1);
	assert_int_equal(tf_ct(ct, &t, S, &r), CT_ESTABLISHED);
	assert_int_equal(r.dir, CT_DIR_REPLY);
	/* another identifier is another flow */
	tf_icmp4_echo(&t, out1, in1, 0, 78, 1);
	assert_int_equal(tf_ct(ct, &t, S, &r), CT_INVALID);
	/* ICMP timeout 30 s */
	tf_icmp4_echo(&t, in1, out1, 8, 77, 2);
	assert_int_equal(tf_ct(ct, &t, 31 * S, &r), CT_NEW);
	assert_true(r.created);
	/* timestamp requests and other info types are not tracked */
	tf_icmp4_echo(&t, in1, out1, 13, 1, 1);
	assert_int_equal(tf_ct(ct, &t, 31 * S, &r), CT_UNTRACKED);
	assert_null(r.e);
	ct_table_fini(ct);
}

static void test_ipv6_flows(void **state)
{
	struct ct_table *ct = new_table(64);
	struct ct_result r;
	struct tf t, q;
	char line[256];

	(void)state;
	tf_udp6(&t, 1, 2, 1111, 2222);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_NEW);
	assert_false(ct_tuple_is_v4(&r.e->tuple[0]));
	ct_entry_format(r.e, 0, line, sizeof(line));
	assert_non_null(strstr(line, "udp [2001:db8::1]:1111 -> "
				     "[2001:db8::2]:2222"));
	tf_udp6(&t, 2, 1, 2222, 1111);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_ESTABLISHED);
	tf_icmp6(&t, 1, 2, 128, 9, NULL, 0);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_NEW);
	tf_icmp6(&t, 2, 1, 129, 9, NULL, 0);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_ESTABLISHED);
	/* neighbour discovery is not tracked */
	tf_icmp6(&t, 2, 1, 135, 0, NULL, 0);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_UNTRACKED);
	/* an ICMPv6 unreachable quoting the UDP datagram 1 -> 2 */
	tf_udp6(&q, 1, 2, 1111, 2222);
	tf_icmp6(&t, 7, 1, 1, 0, &q, q.len - TF_ETH);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_RELATED);
	assert_int_equal(r.dir, CT_DIR_REPLY);
	check_invariants(ct);
	ct_table_fini(ct);
}

static void test_icmp_errors(void **state)
{
	struct ct_table *ct = new_table(64);
	struct ct_result r;
	struct tf q, t, syn, synack;
	struct ct_entry *flow;

	(void)state;
	tf_udp4(&q, in1, out1, 5000, 53, 10, false);
	assert_int_equal(tf_ct(ct, &q, 0, &r), CT_NEW);
	flow = r.e;
	/* a router on the way: time exceeded, to the sender */
	tf_icmp4_err(&t, 0xc0000201, in1, 11, 0, &q, 28);
	assert_int_equal(tf_ct(ct, &t, S, &r), CT_RELATED);
	assert_ptr_equal(r.e, flow);
	assert_int_equal(r.dir, CT_DIR_REPLY);
	assert_int_equal(ct->counters[CT_CNT_RELATED], 1);
	/* an error does not refresh the flow */
	assert_int_equal(ct_entry_ttl_ms(flow, S), 29 * S);
	/* an error about a datagram the receiver sent back (orig direction) */
	tf_udp4(&q, out1, in1, 53, 5000, 10, false);
	tf_icmp4_err(&t, in1, out1, 3, 3, &q, q.len - TF_ETH);
	assert_int_equal(tf_ct(ct, &t, S, &r), CT_RELATED);
	assert_int_equal(r.dir, CT_DIR_ORIG);
	/* about no flow we know */
	tf_udp4(&q, in1, out1, 5001, 53, 10, false);
	tf_icmp4_err(&t, out1, in1, 3, 3, &q, 28);
	assert_int_equal(tf_ct(ct, &t, S, &r), CT_INVALID);
	assert_int_equal(r.reason, CT_INV_ICMP_ERR_NO_FLOW);
	/* quoting too little */
	tf_icmp4_err(&t, out1, in1, 3, 3, &q, 24);
	assert_int_equal(tf_ct(ct, &t, S, &r), CT_INVALID);
	assert_int_equal(r.reason, CT_INV_ICMP_ERR_INNER);

	/* TCP: the quoted sequence number must be plausible */
	tf_tcp4(&syn, in1, out1, 6000, 80, 1000, 0, TF_SYN, 65535, NULL, 0, 0);
	assert_int_equal(tf_ct(ct, &syn, S, &r), CT_NEW);
	tf_tcp4(&synack, out1, in1, 80, 6000, 7000, 1001, TF_SYN | TF_ACK,
		65535, NULL, 0, 0);
	assert_int_equal(tf_ct(ct, &synack, S, &r), CT_ESTABLISHED);
	tf_icmp4_err(&t, 0xc0000201, in1, 3, 1, &syn, 28);
	assert_int_equal(tf_ct(ct, &t, S, &r), CT_RELATED);
	tf_tcp4(&syn, in1, out1, 6000, 80, 1000 + 300000, 0, TF_SYN, 65535,
		NULL, 0, 0);
	tf_icmp4_err(&t, 0xc0000201, in1, 3, 1, &syn, 28);
	assert_int_equal(tf_ct(ct, &t, S, &r), CT_INVALID);
	assert_int_equal(r.reason, CT_INV_ICMP_ERR_SEQ);
	ct_table_fini(ct);
}

static void test_fragments_untracked(void **state)
{
	struct ct_table *ct = new_table(64);
	struct ct_result r;
	struct tf t;
	uint16_t c;

	(void)state;
	tf_udp4(&t, in1, out1, 5000, 53, 10, false);
	t.buf[TF_ETH + 6] = 0x20; /* MF */
	memset(t.buf + TF_ETH + 10, 0, 2);
	c = csum_ipv4_hdr(t.buf + TF_ETH, 20);
	memcpy(t.buf + TF_ETH + 10, &c, 2);
	tf_finish(&t, t.len);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_INVALID);
	assert_int_equal(r.reason, CT_INV_FRAGMENT);
	/* an unknown IP protocol */
	tf_udp4(&t, in1, out1, 5000, 53, 10, false);
	t.buf[TF_ETH + 9] = 47;
	tf_finish(&t, t.len);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_UNTRACKED);
	assert_int_equal(ct->count, 0);
	assert_int_equal(ct->counters[CT_CNT_UNTRACKED], 1);
	assert_int_equal(ct->counters[CT_CNT_INVALID], 1);
	assert_int_equal(ct->invalid[CT_INV_FRAGMENT], 1);
	ct_table_fini(ct);
}

/* A full TCP connection from client @i: handshake, data, close. */
static void tcp_conn(struct ct_table *ct, uint32_t i, uint64_t now)
{
	uint32_t c = 0x0a000000 + (i >> 8), s = out1;
	uint16_t cp = (uint16_t)(10000 + (i & 0xff));
	struct ct_result r;
	struct tf t;

	tf_tcp4(&t, c, s, cp, 80, 100, 0, TF_SYN, 65535, NULL, 0, 0);
	assert_int_equal(tf_ct(ct, &t, now, &r), CT_NEW);
	tf_tcp4(&t, s, c, 80, cp, 900, 101, TF_SYN | TF_ACK, 65535, NULL, 0, 0);
	assert_int_equal(tf_ct(ct, &t, now, &r), CT_ESTABLISHED);
	tf_tcp4(&t, c, s, cp, 80, 101, 901, TF_ACK, 65535, NULL, 0, 50);
	assert_int_equal(tf_ct(ct, &t, now, &r), CT_ESTABLISHED);
	assert_true(r.e->flags & CT_F_ASSURED);
	tf_tcp4(&t, s, c, 80, cp, 901, 151, TF_FIN | TF_ACK, 65535, NULL, 0,
		500);
	assert_int_equal(tf_ct(ct, &t, now, &r), CT_ESTABLISHED);
	tf_tcp4(&t, c, s, cp, 80, 151, 1402, TF_FIN | TF_ACK, 65535, NULL, 0,
		0);
	assert_int_equal(tf_ct(ct, &t, now, &r), CT_ESTABLISHED);
	tf_tcp4(&t, s, c, 80, cp, 1402, 152, TF_ACK, 65535, NULL, 0, 0);
	assert_int_equal(tf_ct(ct, &t, now, &r), CT_ESTABLISHED);
	assert_int_equal(r.e->tcp.state, CT_TCP_TIME_WAIT);
}

static void burst_no_leak(struct ct_table *ct)
{
	uint64_t now = 0, est = ct->counters[CT_CNT_ESTABLISHED];
	uint64_t expired = ct->counters[CT_CNT_EXPIRED];
	uint32_t i, swept = 0;

	for (i = 0; i < 1000; i++, now += 7)
		tcp_conn(ct, i, now);
	assert_int_equal(ct->count, 1000);
	assert_int_equal(ct->counters[CT_CNT_ESTABLISHED] - est, 1000);
	check_invariants(ct);
	/* nothing expires before TIME_WAIT (120 s) is over */
	assert_int_equal(ct_sweep(ct, 119 * S, ct->max), 0);
	/* sweep in small slices, as the daemon's tick would */
	now += 120 * S;
	for (i = 0; i < ct->max / 256 + 1; i++)
		swept += ct_sweep(ct, now, 256);
	assert_int_equal(swept, 1000);
	assert_int_equal(ct->count, 0);
	assert_int_equal(ct->counters[CT_CNT_EXPIRED] - expired, 1000);
	check_invariants(ct);
}

static void test_burst_1000_no_leak(void **state)
{
	struct ct_table *ct = new_table(4096);
	struct ct_result r;
	struct tf t;
	uint32_t i;

	(void)state;
	burst_no_leak(ct);
	burst_no_leak(ct);
	/* and the whole capacity is usable again */
	for (i = 0; i < ct->max; i++) {
		tf_udp4(&t, in1, out1, (uint16_t)i, 53, 0, false);
		assert_int_equal(tf_ct(ct, &t, 500 * S, &r), CT_NEW);
	}
	assert_int_equal(ct->counters[CT_CNT_EARLY_DROP], 0);
	assert_int_equal(ct->count, ct->max);
	ct_table_fini(ct);
}

static uint64_t rng = 88172645463325252ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/* Data from client @i of the established set, and the server's ack. */
static void established_ok(struct ct_table *ct, uint32_t i, uint64_t now)
{
	uint32_t c = 0x0a000000 + (i >> 8);
	uint16_t cp = (uint16_t)(10000 + (i & 0xff));
	struct ct_result r;
	struct tf t;

	tf_tcp4(&t, c, out1, cp, 80, 151, 901, TF_ACK, 65535, NULL, 0, 10);
	assert_int_equal(tf_ct(ct, &t, now, &r), CT_ESTABLISHED);
	assert_int_equal(r.e->tcp.state, CT_TCP_ESTABLISHED);
}

static void established(struct ct_table *ct, uint32_t i, uint64_t now)
{
	uint32_t c = 0x0a000000 + (i >> 8);
	uint16_t cp = (uint16_t)(10000 + (i & 0xff));
	struct ct_result r;
	struct tf t;

	tf_tcp4(&t, c, out1, cp, 80, 100, 0, TF_SYN, 65535, NULL, 0, 0);
	assert_int_equal(tf_ct(ct, &t, now, &r), CT_NEW);
	tf_tcp4(&t, out1, c, 80, cp, 900, 101, TF_SYN | TF_ACK, 65535, NULL, 0,
		0);
	assert_int_equal(tf_ct(ct, &t, now, &r), CT_ESTABLISHED);
	tf_tcp4(&t, c, out1, cp, 80, 101, 901, TF_ACK, 65535, NULL, 0, 50);
	assert_int_equal(tf_ct(ct, &t, now, &r), CT_ESTABLISHED);
}

static void test_syn_flood(void **state)
{
	struct ct_table *ct = new_table(4096);
	struct ct_result r;
	struct tf t;
	uint64_t now = 0;
	uint32_t i, legit = 100;

	(void)state;
	for (i = 0; i < 100; i++)
		established(ct, i, now);
	for (i = 0; i < 100000; i++) {
		tf_tcp4(&t, rnd(), in1, (uint16_t)rnd(), 443, rnd(), 0, TF_SYN,
			1024, NULL, 0, 0);
		assert_int_not_equal(tf_ct(ct, &t, now, &r), CT_INVALID);
		assert_true(ct->count <= ct->max);
		if (i % 1000 == 999) {
			/* a real client still gets through mid-flood */
			established(ct, legit++, now);
			established_ok(ct, (i / 1000) % 100, now);
			now += 10;
		}
	}
	assert_int_equal(ct->count, ct->max);
	for (i = 0; i < legit; i++)
		established_ok(ct, i, now);
	assert_true(ct->counters[CT_CNT_EARLY_DROP] >= 100000 + 100 - ct->max);
	assert_int_equal(ct->counters[CT_CNT_TABLE_FULL], 0);
	check_invariants(ct);
	ct_table_fini(ct);
}

static void test_full_of_assured(void **state)
{
	struct ct_table *ct = new_table(64);
	struct ct_result r;
	struct tf t;
	uint32_t i;

	(void)state;
	for (i = 0; i < 64; i++)
		established(ct, i, 0);
	tf_tcp4(&t, 0x01020304, in1, 1, 443, 1, 0, TF_SYN, 1024, NULL, 0, 0);
	assert_int_equal(tf_ct(ct, &t, S, &r), CT_INVALID);
	assert_int_equal(r.reason, CT_INV_TABLE_FULL);
	assert_int_equal(ct->counters[CT_CNT_TABLE_FULL], 1);
	assert_int_equal(ct->counters[CT_CNT_EARLY_DROP], 0);
	for (i = 0; i < 64; i++)
		established_ok(ct, i, S);
	/* once one is closing, it may make room */
	tf_tcp4(&t, 0x0a000000, out1, 10000, 80, 161, 901, TF_RST, 0, NULL, 0,
		0);
	assert_int_equal(tf_ct(ct, &t, S, &r), CT_ESTABLISHED);
	tf_tcp4(&t, 0x01020304, in1, 1, 443, 1, 0, TF_SYN, 1024, NULL, 0, 0);
	assert_int_equal(tf_ct(ct, &t, S, &r), CT_NEW);
	assert_int_equal(ct->counters[CT_CNT_EARLY_DROP], 1);
	ct_table_fini(ct);
}

/* Expired entries make room when the table is full of assured ones. */
static void test_full_of_expired(void **state)
{
	struct ct_table *ct = new_table(16);
	struct ct_result r;
	struct tf t;
	uint32_t i;

	(void)state;
	for (i = 0; i < 16; i++) {
		tf_udp4(&t, in1, out1, (uint16_t)i, 53, 0, false);
		assert_int_equal(tf_ct(ct, &t, 0, &r), CT_NEW);
		tf_udp4(&t, out1, in1, 53, (uint16_t)i, 0, false);
		assert_int_equal(tf_ct(ct, &t, 0, &r), CT_ESTABLISHED);
	}
	tf_udp4(&t, in1, out1, 999, 53, 0, false);
	assert_int_equal(tf_ct(ct, &t, 100 * S, &r), CT_INVALID);
	assert_int_equal(tf_ct(ct, &t, 200 * S, &r), CT_NEW);
	assert_int_equal(ct->counters[CT_CNT_EARLY_DROP], 0);
	assert_true(ct->counters[CT_CNT_EXPIRED] >= 1);
	ct_table_fini(ct);
}

static void test_tcp_timeouts(void **state)
{
	struct ct_table *ct = new_table(64);
	struct ct_config cfg;
	struct ct_result r;
	struct tf t;

	(void)state;
	tf_tcp4(&t, in1, out1, 7, 80, 1, 0, TF_SYN, 100, NULL, 0, 0);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_NEW);
	assert_int_equal(ct_entry_ttl_ms(r.e, 0), 30 * S);
	assert_null(ct_find(ct, &r.e->tuple[0], 30 * S, NULL));
	established(ct, 0, 0);
	assert_int_equal(ct_entry_ttl_ms(&ct->entries[0], 0), 432000ULL * S);
	assert_int_equal(ct_sweep(ct, 4 * 86400ULL * S, 0), 0);
	/* settable: a new value applies from the next packet */
	cfg = ct->cfg;
	cfg.tcp_timeout[CT_TCP_ESTABLISHED] = 3600;
	cfg.max_entries = 1; /* ignored */
	assert_int_equal(ct_set_timeouts(ct, &cfg), 0);
	assert_int_equal(ct->cfg.max_entries, 64);
	established_ok(ct, 0, S);
	assert_int_equal(ct_entry_ttl_ms(&ct->entries[0], S), 3600 * S);
	assert_int_equal(ct_sweep(ct, 3601 * S, 0), 1);
	assert_int_equal(ct->count, 0);
	ct_table_fini(ct);
}

/* Random UDP traffic on a tiny table, all tuples in one hash chain. */
static void test_collisions(void **state)
{
	struct ct_table *ct = new_table(32);
	struct ct_result r;
	struct tf t;
	uint64_t now = 0;
	uint32_t i;

	(void)state;
	assert_int_equal(ct_test_collide(ct, true), 0);
	for (i = 0; i < 20000; i++, now += 97) {
		uint16_t p = (uint16_t)(rnd() % 48);

		if (rnd() & 1)
			tf_udp4(&t, in1, out1, p, 53, 0, false);
		else
			tf_udp4(&t, out1, in1, 53, p, 0, false);
		tf_ct(ct, &t, now, &r);
		if (rnd() % 16 == 0)
			ct_sweep(ct, now, 5);
		if (rnd() % 64 == 0 && r.e)
			ct_entry_kill(ct, r.e);
		if (i % 512 == 0)
			check_invariants(ct);
	}
	check_invariants(ct);
	assert_int_equal(ct_test_collide(ct, false), -EBUSY);
	ct_table_fini(ct);
}

static void test_dump(void **state)
{
	struct ct_table *ct = new_table(64);
	struct ct_result r;
	struct tf t;
	const struct ct_entry *e;
	uint32_t pos = 0, n = 0, i;
	char line[256];

	(void)state;
	established(ct, 0, 0);
	tf_udp4(&t, in1, out1, 5000, 53, 0, false);
	tf_ct(ct, &t, 0, &r);
	while ((e = ct_next(ct, &pos, S)))
		n++;
	assert_int_equal(n, 2);
	ct_entry_format(&ct->entries[0], S, line, sizeof(line));
	assert_string_equal(line, "tcp 10.0.0.0:10000 -> 198.51.100.7:80 "
				  "established ttl=431999s reply: "
				  "198.51.100.7:80 -> 10.0.0.0:10000 "
				  "[ASSURED]");
	ct_entry_format(&ct->entries[1], S, line, sizeof(line));
	assert_non_null(strstr(line, "[UNREPLIED]"));
	/* dead entries are not listed */
	pos = n = 0;
	while ((e = ct_next(ct, &pos, 31 * S)))
		n++;
	assert_int_equal(n, 1);
	for (i = 0; i < CT_CNT_MAX; i++)
		assert_string_not_equal(ct_counter_name(i), "unknown");
	for (i = 0; i < CT_INV_MAX; i++)
		assert_string_not_equal(ct_invalid_name(i), "unknown");
	assert_string_equal(ct_counter_name(CT_CNT_EARLY_DROP), "early_drop");
	assert_string_equal(ct_tcp_state_name(CT_TCP_TIME_WAIT), "time_wait");
	assert_string_equal(ct_verdict_name(CT_RELATED), "related");
	assert_string_equal(ct_verdict_name(99), "unknown");
	assert_int_equal(ct_flush(ct), 2);
	assert_int_equal(ct->count, 0);
	ct_table_fini(ct);
}

static void test_init_errors(void **state)
{
	struct ct_table ct;
	struct ct_config cfg;

	(void)state;
	ct_config_default(&cfg);
	cfg.max_entries = 0;
	assert_int_equal(ct_table_init(&ct, &cfg), -EINVAL);
	cfg.max_entries = CT_MAX_ENTRIES_LIMIT + 1;
	assert_int_equal(ct_table_init(&ct, &cfg), -EINVAL);
	assert_int_equal(ct_table_init(&ct, NULL), 0);
	assert_int_equal(ct.max, CT_DEFAULT_MAX);
	ct_table_fini(&ct);
	ct_table_fini(&ct); /* twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_flow),
		cmocka_unit_test(test_udp_timeouts),
		cmocka_unit_test(test_icmp_echo),
		cmocka_unit_test(test_ipv6_flows),
		cmocka_unit_test(test_icmp_errors),
		cmocka_unit_test(test_fragments_untracked),
		cmocka_unit_test(test_burst_1000_no_leak),
		cmocka_unit_test(test_syn_flood),
		cmocka_unit_test(test_full_of_assured),
		cmocka_unit_test(test_full_of_expired),
		cmocka_unit_test(test_tcp_timeouts),
		cmocka_unit_test(test_collisions),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_init_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
