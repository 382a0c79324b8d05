// SPDX-License-Identifier: MIT
/*
 * test_nat.c - unit tests of NAT (src/ct/nat.c, nat_rewrite.c) driven the
 * way the router node drives it (route() below follows the steps in
 * nat.h): masquerade of TCP, UDP and ICMP echo with the original port
 * kept when free, port collisions, a port range filled to the last port
 * and the counted refusal after it, a random property test of port
 * allocation against a brute-force scan of the table, port forwards,
 * hairpin, ICMP error translation (UDP, TCP, ping, port-forwarded), UDP
 * without checksum, GSO/CHECKSUM_PARTIAL frames, and IPv6 refusal.
 * After every rewrite all checksums are recomputed from scratch.
 *
 *   inside 10.0.0.0/24           router            outside
 *   client 10.0.0.2..   --- 10.0.0.1 | 203.0.113.1 ---  198.51.100.7
 *   server 10.0.0.80                                    (remote)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_ct_frames.h"
#include "ct/nat.h"

enum {
	S = 1000,
	IN_ADDR = 0x0a000001,
	CLIENT = 0x0a000002,
	SERVER = 0x0a000050,
	EXT = 0xcb007101,
	REMOTE = 0xc6336407,
	ROUTER_X = 0xc00002fe, /* a router somewhere outside */
	OUT = NAT_OUT_MASQ,
	IN = 0,
};

struct rt {
	struct ct_table ct;
	struct nat nat;
	uint64_t now;
};

static union pkt_addr v4(uint32_t host)
{
	union pkt_addr a = {0};

	a.b[10] = a.b[11] = 0xff;
	a.w[3] = htonl(host);
	return a;
}

static struct rt *rt_new(uint16_t lo, uint16_t hi, uint32_t max)
{
	static struct rt rt;
	struct nat_config nc;
	struct ct_config cc;

	ct_config_default(&cc);
	cc.max_entries = max;
	assert_int_equal(ct_table_init(&rt.ct, &cc), 0);
	nat_config_default(&nc);
	nc.port_min = lo;
	nc.port_max = hi;
	assert_int_equal(nat_init(&rt.nat, &nc), 0);
	rt.now = 0;
	return &rt;
}

static void rt_free(struct rt *rt)
{
	ct_table_fini(&rt->ct);
}

/*
 * The router's per-packet NAT steps. @out_addr/@flags describe the output
 * interface the (imaginary) route lookup chose. Returns 0 or a negative
 * NAT error; a ct verdict of invalid or untracked returns 1.
 */
static int route(struct rt *rt, struct tf *t, uint32_t out_addr,
		 unsigned int flags, struct ct_result *r)
{
	union pkt_addr oa = v4(out_addr);
	enum ct_verdict v;
	int ret;

	v = ct_process(&rt->ct, t->buf, &t->m, rt->now, r);
	if (v == CT_INVALID || v == CT_UNTRACKED)
		return 1;
	if (r->created) {
		ret = nat_prerouting(&rt->nat, &rt->ct, r->e);
		if (ret < 0)
			return ret;
	}
	ret = nat_apply(&rt->nat, r->e, &t->p, &t->m, r->dir);
	if (ret || !r->created)
		return ret;
	ret = nat_postrouting(&rt->nat, &rt->ct, r->e, &oa, flags);
	if (ret < 0)
		return ret;
	return nat_apply(&rt->nat, r->e, &t->p, &t->m, r->dir);
}

static void expect_ip(const struct tf *t, uint32_t src, uint32_t dst)
{
	assert_int_equal(tf_get32(t->buf + TF_ETH + 12), src);
	assert_int_equal(tf_get32(t->buf + TF_ETH + 16), dst);
}

static void expect_ports(const struct tf *t, uint16_t sport, uint16_t dport)
{
	assert_int_equal(tf_get16(t->buf + TF_ETH + 20), sport);
	assert_int_equal(tf_get16(t->buf + TF_ETH + 22), dport);
}

/* Checksums right, and the descriptor NAT updated matches a re-parse. */
static void check(const struct tf *t)
{
	tf_verify(t);
	tf_reparse_same(t);
}

static void test_masq_tcp(void **state)
{
	struct rt *rt = rt_new(1024, 65535, 64);
	struct ct_result r;
	struct tf t;

	(void)state;
	tf_tcp4(&t, CLIENT, REMOTE, 40000, 80, 1, 0, TF_SYN, 1000, NULL, 0, 0);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	assert_true(r.e->flags & CT_F_SNAT);
	expect_ip(&t, EXT, REMOTE);
	expect_ports(&t, 40000, 80); /* the original port was free */
	check(&t);
	tf_tcp4(&t, REMOTE, EXT, 80, 40000, 500, 2, TF_SYN | TF_ACK, 1000, NULL,
		0, 0);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	assert_int_equal(r.verdict, CT_ESTABLISHED);
	assert_int_equal(r.dir, CT_DIR_REPLY);
	expect_ip(&t, REMOTE, CLIENT);
	expect_ports(&t, 80, 40000);
	check(&t);
	tf_tcp4(&t, CLIENT, REMOTE, 40000, 80, 2, 501, TF_ACK | TF_PSH, 1000,
		NULL, 0, 300);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	expect_ip(&t, EXT, REMOTE);
	check(&t);
	/* again: idempotent */
	assert_int_equal(nat_apply(&rt->nat, r.e, &t.p, &t.m, r.dir), 0);
	check(&t);
	assert_int_equal(rt->nat.counters[NAT_CNT_SNAT], 1);
	/* the same flow arriving outside-in is not masqueraded */
	tf_udp4(&t, REMOTE, CLIENT, 1, 2, 0, false);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	assert_false(r.e->flags & CT_F_SNAT);
	expect_ip(&t, REMOTE, CLIENT);
	rt_free(rt);
}

static void test_masq_collision(void **state)
{
	struct rt *rt = rt_new(1024, 65535, 64);
	struct ct_result r;
	struct tf t;
	uint16_t p2;

	(void)state;
	tf_udp4(&t, CLIENT, REMOTE, 40000, 53, 4, false);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	expect_ports(&t, 40000, 53);
	tf_udp4(&t, CLIENT + 1, REMOTE, 40000, 53, 4, false);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	p2 = tf_get16(t.buf + TF_ETH + 20);
	assert_int_not_equal(p2, 40000);
	assert_true(p2 >= 1024);
	check(&t);
	/* to another destination port 40000 is free again */
	tf_udp4(&t, CLIENT + 1, REMOTE, 40000, 54, 4, false);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	expect_ports(&t, 40000, 54);
	/* replies find their own client */
	tf_udp4(&t, REMOTE, EXT, 53, p2, 4, false);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	expect_ip(&t, REMOTE, CLIENT + 1);
	expect_ports(&t, 53, 40000);
	check(&t);
	tf_udp4(&t, REMOTE, EXT, 53, 40000, 4, false);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	expect_ip(&t, REMOTE, CLIENT);
	rt_free(rt);
}

static void test_masq_exhaustion(void **state)
{
	struct rt *rt = rt_new(2000, 2063, 256);
	uint8_t used[64] = {0};
	struct ct_result r;
	struct tf t;
	uint32_t i;
	uint16_t p;

	(void)state;
	for (i = 0; i < 64; i++) {
		tf_udp4(&t, CLIENT + i, REMOTE, 5000, 53, 0, false);
		assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
		p = tf_get16(t.buf + TF_ETH + 20);
		assert_true(p >= 2000 && p <= 2063);
		assert_int_equal(used[p - 2000]++, 0);
	}
	/* the range is full for this destination: a counted refusal */
	tf_udp4(&t, CLIENT + 64, REMOTE, 5000, 53, 0, false);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), -EADDRNOTAVAIL);
	assert_int_equal(rt->nat.counters[NAT_CNT_PORT_EXHAUSTED], 1);
	assert_true(r.e->flags & CT_F_DYING);
	expect_ip(&t, CLIENT + 64, REMOTE); /* untouched: the caller drops */
	/* its retry is a new flow again, and refused again */
	assert_int_equal(route(rt, &t, EXT, OUT, &r), -EADDRNOTAVAIL);
	assert_true(r.created);
	/* another destination port has its own 64 ports */
	tf_udp4(&t, CLIENT + 64, REMOTE, 5000, 54, 0, false);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	/* once the flows time out the ports are free again */
	rt->now = 31 * S;
	tf_udp4(&t, CLIENT + 64, REMOTE, 5000, 53, 0, false);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	rt_free(rt);
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/* Brute force: does any live entry but @self hold @tu in any direction? */
static bool held_elsewhere(struct ct_table *ct, const struct ct_entry *self,
			   const struct ct_tuple *tu, uint64_t now)
{
	uint32_t pos = 0;
	const struct ct_entry *e;

	while ((e = ct_next(ct, &pos, now)))
		if (e != self && (ct_tuple_equal(&e->tuple[0], tu) ||
				  ct_tuple_equal(&e->tuple[1], tu)))
			return true;
	return false;
}

/* Brute force: are all ports of the range taken towards this remote? */
static bool range_full(struct ct_table *ct, const struct ct_tuple *reply,
		       uint16_t lo, uint16_t hi, uint64_t now)
{
	struct ct_tuple c = *reply;
	uint32_t p;

	c.dst = v4(EXT);
	for (p = lo; p <= hi; p++) {
		c.dport = (uint16_t)p;
		if (!held_elsewhere(ct, NULL, &c, now))
			return false;
	}
	return true;
}

static void check_alloc(struct rt *rt, const struct ct_result *r, int ret,
			uint16_t lo, uint16_t hi)
{
	const struct ct_tuple *rep = &r->e->tuple[CT_DIR_REPLY];
	union pkt_addr ext = v4(EXT);

	if (ret == -EADDRNOTAVAIL) {
		assert_true(range_full(&rt->ct, rep, lo, hi, rt->now));
		return;
	}
	assert_int_equal(ret, 0);
	assert_true(r->e->flags & CT_F_SNAT);
	assert_true(rep->dport >= lo && rep->dport <= hi);
	assert_memory_equal(&rep->dst, &ext, 16);
	assert_false(held_elsewhere(&rt->ct, r->e, rep, rt->now));
	assert_false(held_elsewhere(&rt->ct, r->e, &r->e->tuple[0], rt->now));
}

/* A reply to a random live masqueraded flow reaches its client. */
static void reply_random(struct rt *rt)
{
	uint32_t pos = rnd() % rt->ct.max;
	const struct ct_entry *e = ct_next(&rt->ct, &pos, rt->now);
	const struct ct_tuple *o, *rep;
	struct ct_result r;
	struct tf t;

	if (!e || e->tuple[0].proto != TF_UDP)
		return;
	o = &e->tuple[CT_DIR_ORIG];
	rep = &e->tuple[CT_DIR_REPLY];
	tf_udp4(&t, ntohl(rep->src.w[3]), EXT, rep->sport, rep->dport, 3,
		false);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	assert_ptr_equal(r.e, e);
	expect_ip(&t, ntohl(rep->src.w[3]), ntohl(o->src.w[3]));
	expect_ports(&t, rep->sport, o->sport);
	check(&t);
}

static void test_masq_property(void **state)
{
	const uint16_t lo = 1000, hi = 1099;
	struct rt *rt = rt_new(lo, hi, 1024);
	struct ct_result r;
	struct tf t;
	uint32_t i, ok = 0, full = 0;
	int ret;

	(void)state;
	for (i = 0; i < 6000; i++) {
		uint32_t c = CLIENT + rnd() % 8, rem = REMOTE + rnd() % 2;
		uint16_t sp = (uint16_t)(990 + rnd() % 40);
		uint16_t dp = (uint16_t)(53 + rnd() % 2);

		rt->now += rnd() % 40;
		if (rnd() & 1)
			tf_udp4(&t, c, rem, sp, dp, 0, false);
		else
			tf_tcp4(&t, c, rem, sp, dp, rnd(), 0, TF_SYN, 100, NULL,
				0, 0);
		ret = route(rt, &t, EXT, OUT, &r);
		if (ret == 1 || !r.created)
			continue; /* invalid (table full) or known flow */
		check_alloc(rt, &r, ret, lo, hi);
		if (!ret) {
			ok++;
			check(&t);
		} else {
			full++;
		}
		if (rnd() % 8 == 0)
			reply_random(rt);
		if (rnd() % 32 == 0)
			ct_sweep(&rt->ct, rt->now, 64);
	}
	/* both outcomes must have been exercised */
	assert_true(ok > 1000);
	assert_true(full > 10);
	rt_free(rt);
}

static void test_udp_zero_checksum(void **state)
{
	struct rt *rt = rt_new(1024, 65535, 64);
	struct ct_result r;
	struct tf t;
	uint32_t v, seen_ffff = 0;
	uint16_t c, want;
	uint8_t *l4;

	(void)state;
	tf_udp4(&t, CLIENT, REMOTE, 7, 53, 10, true);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	expect_ip(&t, EXT, REMOTE);
	assert_int_equal(tf_get16(t.buf + TF_ETH + 26), 0);
	check(&t);
	/* a rewrite whose checksum comes out as 0 must store 0xffff */
	for (v = 0; v < 65536; v++) {
		tf_udp4(&t, CLIENT, REMOTE, 7, 53, 2, false);
		l4 = t.buf + TF_ETH + 20;
		tf_put16(l4 + 8, (uint16_t)v);
		tf_l4sum4(t.buf + TF_ETH, 10, 6);
		assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
		c = tf_get16(l4 + 6);
		assert_int_not_equal(c, 0);
		memset(l4 + 6, 0, 2);
		want = ntohs(csum_l4_ipv4(l4, 10, htonl(EXT), htonl(REMOTE),
					  TF_UDP));
		if (want == 0) {
			assert_int_equal(c, 0xffff);
			seen_ffff++;
		} else {
			assert_int_equal(c, want);
		}
	}
	assert_true(seen_ffff > 0);
	rt_free(rt);
}

static void test_icmp_echo_masq(void **state)
{
	struct rt *rt = rt_new(1024, 65535, 64);
	struct ct_result r;
	struct tf t;
	uint16_t id;

	(void)state;
	tf_icmp4_echo(&t, CLIENT, REMOTE, 8, 77, 1);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	id = tf_get16(t.buf + TF_ETH + 24);
	assert_true(id >= 1024); /* 77 is outside the range */
	assert_int_equal(t.m.icmp_id, id);
	expect_ip(&t, EXT, REMOTE);
	check(&t);
	tf_icmp4_echo(&t, REMOTE, EXT, 0, id, 1);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	expect_ip(&t, REMOTE, CLIENT);
	assert_int_equal(tf_get16(t.buf + TF_ETH + 24), 77);
	check(&t);
	rt_free(rt);
}

/* Give @t a CHECKSUM_PARTIAL L4 checksum as a guest's TSO frame has. */
static void make_partial(struct tf *t, unsigned int csum_off)
{
	uint8_t *ip = t->buf + TF_ETH;
	uint16_t l4len = (uint16_t)(tf_get16(ip + 2) - 20);
	uint32_t s, d;
	uint16_t f;

	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	f = (uint16_t)~csum_fold(csum_pseudo_ipv4(s, d, ip[9], l4len));
	memcpy(ip + 20 + csum_off, &f, 2);
	t->p.vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	t->p.vnet.gso_type = ip[9] == TF_TCP ? VIRTIO_NET_HDR_GSO_TCPV4 : 0;
	t->p.vnet.gso_size = 1448;
	t->p.vnet.csum_start = TF_ETH + 20;
	t->p.vnet.csum_offset = (uint16_t)csum_off;
}

/* The partial field must be the pseudo-header sum of the new header; then
 * completing it as a NIC would gives a valid segment. */
static void check_partial(struct tf *t, unsigned int csum_off)
{
	uint8_t *ip = t->buf + TF_ETH, *l4 = ip + 20;
	uint16_t l4len = (uint16_t)(tf_get16(ip + 2) - 20), f, want, done;
	uint32_t s, d;

	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	want = (uint16_t)~csum_fold(csum_pseudo_ipv4(s, d, ip[9], l4len));
	memcpy(&f, l4 + csum_off, 2);
	assert_int_equal(f, want);
	done = csum_fold(csum_partial(l4, l4len, 0));
	memcpy(l4 + csum_off, &done, 2);
	assert_int_equal(csum_l4_ipv4(l4, l4len, s, d, ip[9]), 0);
	memcpy(l4 + csum_off, &f, 2);
}

static void test_gso_partial(void **state)
{
	struct rt *rt = rt_new(1024, 65535, 64);
	struct ct_result r;
	struct tf t;

	(void)state;
	/* the port must change too, to check it is not folded in */
	tf_tcp4(&t, CLIENT + 1, REMOTE, 40000, 80, 1, 0, TF_SYN, 1000, NULL, 0,
		0);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);

	tf_tcp4(&t, CLIENT, REMOTE, 40000, 80, 1, 0, TF_SYN, 1000, NULL, 0, 0);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	tf_tcp4(&t, REMOTE, EXT, 80, tf_get16(t.buf + TF_ETH + 20), 500, 2,
		TF_SYN | TF_ACK, 1000, NULL, 0, 0);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	/* a 1900-byte TSO segment out, and one in */
	tf_tcp4(&t, CLIENT, REMOTE, 40000, 80, 2, 501, TF_ACK, 1000, NULL, 0,
		1900);
	make_partial(&t, 16);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	assert_int_not_equal(tf_get16(t.buf + TF_ETH + 20), 40000);
	check_partial(&t, 16);
	tf_tcp4(&t, REMOTE, EXT, 80, r.e->tuple[1].dport, 501, 1902, TF_ACK,
		1000, NULL, 0, 1900);
	make_partial(&t, 16);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	expect_ip(&t, REMOTE, CLIENT);
	check_partial(&t, 16);
	/* UDP with a partial checksum (UFO / checksum offload) */
	tf_udp4(&t, CLIENT, REMOTE, 40000, 80, 1000, false);
	make_partial(&t, 6);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	check_partial(&t, 6);
	/* NEEDS_CSUM not at the L4 header: refused, frame unchanged */
	tf_udp4(&t, CLIENT, REMOTE, 40000, 80, 10, false);
	make_partial(&t, 6);
	t.p.vnet.csum_start = 20;
	assert_int_equal(route(rt, &t, EXT, OUT, &r), -EPROTO);
	expect_ip(&t, CLIENT, REMOTE);
	assert_int_equal(rt->nat.counters[NAT_CNT_BAD_OFFLOAD], 1);
	rt_free(rt);
}

static void set_forwards(struct rt *rt)
{
	struct nat_rule rules[2] = {
		{.proto = TF_TCP, .ext_port = 8080, .int_port = 80},
		{.proto = TF_UDP, .ext_port = 5353, .int_port = 53},
	};

	rules[0].ext_addr = rules[1].ext_addr = v4(EXT);
	rules[0].int_addr = rules[1].int_addr = v4(SERVER);
	assert_int_equal(nat_set_rules(&rt->nat, rules, 2), 0);
}

static void test_dnat(void **state)
{
	struct rt *rt = rt_new(1024, 65535, 64);
	struct ct_result r;
	struct tf t;

	(void)state;
	set_forwards(rt);
	tf_tcp4(&t, REMOTE, EXT, 5555, 8080, 1, 0, TF_SYN, 1000, NULL, 0, 0);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	assert_true(r.e->flags & CT_F_DNAT);
	assert_false(r.e->flags & CT_F_SNAT);
	expect_ip(&t, REMOTE, SERVER);
	expect_ports(&t, 5555, 80);
	check(&t);
	tf_tcp4(&t, SERVER, REMOTE, 80, 5555, 900, 2, TF_SYN | TF_ACK, 1000,
		NULL, 0, 0);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), 0);
	assert_int_equal(r.dir, CT_DIR_REPLY);
	expect_ip(&t, EXT, REMOTE);
	expect_ports(&t, 8080, 5555);
	check(&t);
	/* a port without a forward: tracked, not translated */
	tf_tcp4(&t, REMOTE, EXT, 5555, 8081, 1, 0, TF_SYN, 1000, NULL, 0, 0);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	assert_false(r.e->flags & (CT_F_DNAT | CT_F_SNAT));
	expect_ip(&t, REMOTE, EXT);
	assert_int_equal(rt->nat.counters[NAT_CNT_DNAT], 1);
	rt_free(rt);
}

static void test_rules_validation(void **state)
{
	struct rt *rt = rt_new(1024, 65535, 64);
	struct nat_rule rules[2] = {
		{.proto = TF_TCP, .ext_port = 1, .int_port = 2},
		{.proto = TF_TCP, .ext_port = 1, .int_port = 3},
	};
	struct nat_config nc = {.port_min = 10, .port_max = 9};
	struct nat n;

	(void)state;
	rules[0].ext_addr = rules[1].ext_addr = v4(EXT);
	rules[0].int_addr = rules[1].int_addr = v4(SERVER);
	assert_int_equal(nat_set_rules(&rt->nat, rules, 2), -EEXIST);
	rules[1].proto = TF_ICMP;
	assert_int_equal(nat_set_rules(&rt->nat, rules, 2), -EINVAL);
	rules[1].proto = TF_UDP;
	tf_a6(rules[1].int_addr.b, 1);
	assert_int_equal(nat_set_rules(&rt->nat, rules, 2), -EINVAL);
	assert_int_equal(nat_set_rules(&rt->nat, rules, NAT_RULES_MAX + 1),
			 -E2BIG);
	assert_int_equal(rt->nat.n_rules, 0);
	assert_int_equal(nat_init(&n, &nc), -EINVAL);
	assert_string_equal(nat_counter_name(NAT_CNT_PORT_EXHAUSTED),
			    "port_exhausted");
	assert_string_equal(nat_counter_name(NAT_CNT_MAX), "unknown");
	rt_free(rt);
}

static void test_hairpin(void **state)
{
	struct rt *rt = rt_new(1024, 65535, 64);
	struct ct_result r;
	struct tf t;

	(void)state;
	set_forwards(rt);
	/* a client on the server's own segment uses the published address */
	tf_tcp4(&t, CLIENT, EXT, 4444, 8080, 1, 0, TF_SYN, 1000, NULL, 0, 0);
	assert_int_equal(route(rt, &t, IN_ADDR, NAT_SAME_IF, &r), 0);
	assert_true(r.e->flags & CT_F_HAIRPIN);
	expect_ip(&t, IN_ADDR, SERVER);
	expect_ports(&t, 4444, 80);
	check(&t);
	/* the server answers the router, which answers the client */
	tf_tcp4(&t, SERVER, IN_ADDR, 80, 4444, 900, 2, TF_SYN | TF_ACK, 1000,
		NULL, 0, 0);
	assert_int_equal(route(rt, &t, IN_ADDR, NAT_SAME_IF, &r), 0);
	expect_ip(&t, EXT, CLIENT);
	expect_ports(&t, 8080, 4444);
	check(&t);
	assert_int_equal(rt->nat.counters[NAT_CNT_HAIRPIN], 1);
	/* from another inside segment no SNAT is needed */
	tf_tcp4(&t, 0x0a000102, EXT, 4444, 8080, 1, 0, TF_SYN, 1000, NULL, 0,
		0);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	assert_false(r.e->flags & CT_F_SNAT);
	expect_ip(&t, 0x0a000102, SERVER);
	rt_free(rt);
}

/* The quoted packet of an ICMP error in @t, from its IP header. */
static const uint8_t *quoted(const struct tf *t)
{
	return t->buf + TF_ETH + 20 + 8;
}

static void test_icmp_error_translation(void **state)
{
	struct rt *rt = rt_new(1024, 65535, 64);
	struct ct_result r;
	struct tf orig, sent, err;
	uint32_t n;

	(void)state;
	/* UDP: a router outside reports TTL exceeded for the sent datagram */
	tf_udp4(&orig, CLIENT, REMOTE, 40000, 53, 20, false);
	tf_copy(&sent, &orig);
	assert_int_equal(route(rt, &sent, EXT, OUT, &r), 0);
	n = sent.len - TF_ETH;
	tf_icmp4_err(&err, ROUTER_X, EXT, 11, 0, &sent, n);
	assert_int_equal(route(rt, &err, IN_ADDR, IN, &r), 0);
	assert_int_equal(r.verdict, CT_RELATED);
	expect_ip(&err, ROUTER_X, CLIENT);
	assert_memory_equal(quoted(&err), orig.buf + TF_ETH, n);
	check(&err);
	assert_int_equal(rt->nat.counters[NAT_CNT_ICMP_ERR], 1);

	/* TCP, quoted with 8 bytes only: no quoted checksum to fix */
	tf_tcp4(&orig, CLIENT, REMOTE, 40001, 80, 1, 0, TF_SYN, 1000, NULL, 0,
		0);
	tf_copy(&sent, &orig);
	assert_int_equal(route(rt, &sent, EXT, OUT, &r), 0);
	tf_icmp4_err(&err, REMOTE, EXT, 3, 3, &sent, 28);
	assert_int_equal(route(rt, &err, IN_ADDR, IN, &r), 0);
	expect_ip(&err, REMOTE, CLIENT);
	assert_memory_equal(quoted(&err), orig.buf + TF_ETH, 28);
	check(&err);

	/* ping through traceroute: the quoted echo gets its identifier back */
	tf_icmp4_echo(&orig, CLIENT, REMOTE, 8, 77, 1);
	tf_copy(&sent, &orig);
	assert_int_equal(route(rt, &sent, EXT, OUT, &r), 0);
	n = sent.len - TF_ETH;
	tf_icmp4_err(&err, ROUTER_X, EXT, 11, 0, &sent, n);
	assert_int_equal(route(rt, &err, IN_ADDR, IN, &r), 0);
	expect_ip(&err, ROUTER_X, CLIENT);
	assert_memory_equal(quoted(&err), orig.buf + TF_ETH, n);
	check(&err);
	rt_free(rt);
}

/* The inside host of a masqueraded flow sends an error about a reply. */
static void test_icmp_error_outbound(void **state)
{
	struct rt *rt = rt_new(1024, 1024, 64);
	struct ct_result r;
	struct tf orig, reply, err, want;

	(void)state;
	tf_udp4(&orig, CLIENT, REMOTE, 40000, 53, 0, false);
	assert_int_equal(route(rt, &orig, EXT, OUT, &r), 0);
	tf_udp4(&reply, REMOTE, EXT, 53, 1024, 12, false);
	tf_copy(&want, &reply);
	assert_int_equal(route(rt, &reply, IN_ADDR, IN, &r), 0);
	tf_icmp4_err(&err, CLIENT, REMOTE, 3, 3, &reply, reply.len - TF_ETH);
	assert_int_equal(route(rt, &err, EXT, OUT, &r), 0);
	assert_int_equal(r.dir, CT_DIR_ORIG);
	expect_ip(&err, EXT, REMOTE);
	assert_memory_equal(quoted(&err), want.buf + TF_ETH, want.len - TF_ETH);
	check(&err);
	rt_free(rt);
}

/* The port-forwarded server refuses: the error leaves as the router. */
static void test_icmp_error_dnat(void **state)
{
	struct rt *rt = rt_new(1024, 65535, 64);
	struct ct_result r;
	struct tf orig, fwd, err;

	(void)state;
	set_forwards(rt);
	tf_udp4(&orig, REMOTE, EXT, 6666, 5353, 8, false);
	tf_copy(&fwd, &orig);
	assert_int_equal(route(rt, &fwd, IN_ADDR, IN, &r), 0);
	expect_ip(&fwd, REMOTE, SERVER);
	tf_icmp4_err(&err, SERVER, REMOTE, 3, 3, &fwd, fwd.len - TF_ETH);
	assert_int_equal(route(rt, &err, EXT, OUT, &r), 0);
	assert_int_equal(r.dir, CT_DIR_REPLY);
	expect_ip(&err, EXT, REMOTE);
	assert_memory_equal(quoted(&err), orig.buf + TF_ETH, orig.len - TF_ETH);
	check(&err);
	rt_free(rt);
}

static void test_no_nat_untouched(void **state)
{
	struct rt *rt = rt_new(1024, 65535, 64);
	struct ct_result r;
	struct tf t, copy;

	(void)state;
	tf_udp4(&t, CLIENT, SERVER, 1, 2, 8, false);
	tf_copy(&copy, &t);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	assert_memory_equal(t.buf, copy.buf, t.len);
	tf_icmp4_err(&t, SERVER, CLIENT, 3, 3, &copy, copy.len - TF_ETH);
	tf_copy(&copy, &t);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	assert_int_equal(r.verdict, CT_RELATED);
	assert_memory_equal(t.buf, copy.buf, t.len);
	rt_free(rt);
}

static void test_ipv6_refused(void **state)
{
	struct rt *rt = rt_new(1024, 65535, 64);
	struct ct_result r;
	struct tf t;

	(void)state;
	tf_udp6(&t, 1, 2, 1000, 53);
	assert_int_equal(route(rt, &t, EXT, OUT, &r), -EAFNOSUPPORT);
	assert_true(r.e->flags & CT_F_DYING);
	assert_int_equal(rt->nat.counters[NAT_CNT_NOT_IPV4], 1);
	/* without masquerade IPv6 is tracked and forwarded */
	tf_udp6(&t, 1, 3, 1000, 53);
	assert_int_equal(route(rt, &t, IN_ADDR, IN, &r), 0);
	rt_free(rt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_masq_tcp),
		cmocka_unit_test(test_masq_collision),
		cmocka_unit_test(test_masq_exhaustion),
		cmocka_unit_test(test_masq_property),
		cmocka_unit_test(test_udp_zero_checksum),
		cmocka_unit_test(test_icmp_echo_masq),
		cmocka_unit_test(test_gso_partial),
		cmocka_unit_test(test_dnat),
		cmocka_unit_test(test_rules_validation),
		cmocka_unit_test(test_hairpin),
		cmocka_unit_test(test_icmp_error_translation),
		cmocka_unit_test(test_icmp_error_outbound),
		cmocka_unit_test(test_icmp_error_dnat),
		cmocka_unit_test(test_no_nat_untouched),
		cmocka_unit_test(test_ipv6_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
