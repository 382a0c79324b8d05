// SPDX-License-Identifier: MIT
/*
 * test_firewall.c - the firewall node with hand-built frames and a tx
 * callback that keeps what it is given: inline allow/deny, replies of
 * allowed flows, rejects (RST with RFC 793 seq/ack, ICMP and ICMPv6
 * unreachables, all checksums recomputed), non-IP policy, VLAN tags, a
 * policy swap that keeps allowed flows and cuts the others, per-rule
 * counters, one-arm mode, EVE lines parsed back with jansson, log rate
 * limit and dedup, and bursts of 1..257 frames with pool accounting and
 * no malloc (interposed outside ASan builds, as test_dataplane.c does).
 *
 *   web 10.0.0.1, client 10.0.2.1          db 10.0.1.1
 *        leg 0 (port 10) -- [ fw ] -- leg 1 (port 11)
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "fw/fw_classify.h"
#include "node/firewall.h"
#include "test_ct_frames.h"

#if !defined(__SANITIZE_ADDRESS__)
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

enum {
	POOL = 2048,
	PORT0 = 10,
	PORT1 = 11,
	OUT_MAX = 1024,
	WEB = 0x0a000001,
	DB = 0x0a000101,
	CLIENT = 0x0a000201,
	NS = 1000000000,
};

static const char POLICY[] = "define web 10.0.0.1\n"
			     "define db 10.0.1.1\n"
			     "define client 10.0.2.1\n"
			     "default drop\n"
			     "allow tcp from web to db port 5432\n" /* 0 */
			     "allow icmp from any to any\n" /* 1 */
			     "reject tcp from client to db\n" /* 2 */
			     "reject udp from client to db\n" /* 3 */
			     "allow udp from web to db port 53\n" /* 4 */
			     "allow tcp from web to db port 80\n" /* 5 */
			     "reject udp from any to any port 9999\n"; /* 6 */

/* Policy 2: rule 5 (port 80) is gone; port 5432 stays allowed. */
static const char POLICY2[] = "define web 10.0.0.1\n"
			      "define db 10.0.1.1\n"
			      "allow udp from web to db port 53\n"
			      "allow tcp from web to db port 5432\n";

struct out {
	uint16_t port;
	struct pkt *p;
};

struct env {
	struct pkt_pool pool;
	struct firewall *fw;
	struct out outs[OUT_MAX];
	unsigned int nout;
	unsigned int tx_calls;
	uint64_t now;
	int logfd;
	char logpath[64];
};

static void tx(void *ctx, uint16_t port, struct pkt **pkts, unsigned int n)
{
	struct env *e = ctx;
	unsigned int i;

	e->tx_calls++;
	assert_true(n > 0 && n <= PKT_BURST);
	for (i = 0; i < n; i++) {
		assert_true(e->nout < OUT_MAX);
		e->outs[e->nout].port = port;
		e->outs[e->nout++].p = pkts[i];
	}
}

static void clear(struct env *e)
{
	unsigned int i;

	for (i = 0; i < e->nout; i++)
		pkt_free(&e->pool, e->outs[i].p);
	e->nout = 0;
	e->tx_calls = 0;
}

static void load(struct env *e, const char *text)
{
	struct fw_policy p;
	char err[256];

	fw_policy_init(&p);
	assert_int_equal(fw_policy_parse_buf(&p, text, strlen(text), "t", NULL,
					     NULL, err, sizeof(err)),
			 0);
	assert_int_equal(firewall_set_policy(e->fw, &p, err, sizeof(err)), 0);
	assert_int_equal(p.n_rules, 0);
	fw_policy_free(&p);
}

static int setup_mode(void **state, enum firewall_mode mode)
{
	struct firewall_cfg cfg;
	struct env *e = calloc(1, sizeof(*e));
	char err[256];

	assert_non_null(e);
	assert_int_equal(pkt_pool_init(&e->pool, POOL), 0);
	snprintf(e->logpath, sizeof(e->logpath), "/tmp/test_fw_eve.%d",
		 (int)getpid());
	e->logfd =
		open(e->logpath, O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0600);
	assert_true(e->logfd >= 0);
	firewall_cfg_default(&cfg);
	cfg.mode = mode;
	cfg.leg_port[0] = PORT0;
	cfg.leg_port[1] = PORT1;
	snprintf(cfg.leg_name[0], FIREWALL_IFACE_MAX, "fw.front");
	snprintf(cfg.leg_name[1], FIREWALL_IFACE_MAX, "fw.back");
	cfg.ct_max = 4096;
	cfg.log_fd = e->logfd;
	e->fw = firewall_create(&cfg, &e->pool, tx, e, err, sizeof(err));
	assert_non_null(e->fw);
	eve_log_set_wall_offset(firewall_eve(e->fw), 1795672800ll * NS);
	e->now = 1000ull * NS;
	load(e, POLICY);
	*state = e;
	return 0;
}

static int setup(void **state)
{
	return setup_mode(state, FIREWALL_INLINE);
}

static int setup_onearm(void **state)
{
	return setup_mode(state, FIREWALL_ONE_ARM);
}

static int teardown(void **state)
{
	struct env *e = *state;

	clear(e);
	firewall_destroy(e->fw);
	assert_int_equal(e->pool.nfree, POOL);
	pkt_pool_fini(&e->pool);
	close(e->logfd);
	unlink(e->logpath);
	free(e);
	return 0;
}

static struct pkt *mkpkt(struct env *e, const struct tf *t)
{
	struct pkt *p = pkt_alloc(&e->pool);

	assert_non_null(p);
	pkt_reset(p);
	memcpy(pkt_data(p), t->buf, t->len);
	p->len = t->len;
	return p;
}

/* Send one frame on @leg; return how many frames came out (in e->outs). */
static unsigned int send1(struct env *e, uint16_t leg, const struct tf *t)
{
	struct pkt *p = mkpkt(e, t);

	clear(e);
	firewall_input(e->fw, leg, &p, 1, e->now);
	return e->nout;
}

static const uint64_t *cnt(struct env *e)
{
	return firewall_counters(e->fw);
}

static void tcp(struct tf *t, uint32_t s, uint32_t d, uint16_t sp, uint16_t dp,
		uint32_t seq, uint32_t ack, uint8_t fl, uint32_t paylen)
{
	tf_tcp4(t, s, d, sp, dp, seq, ack, fl, 65535, NULL, 0, paylen);
}

/* Handshake web:40000 -> db:@dport through the firewall (ISNs 1000/5000). */
static void handshake(struct env *e, uint16_t dport)
{
	struct tf t;

	tcp(&t, WEB, DB, 40000, dport, 1000, 0, TF_SYN, 0);
	assert_int_equal(send1(e, 0, &t), 1);
	assert_int_equal(e->outs[0].port, PORT1);
	tcp(&t, DB, WEB, dport, 40000, 5000, 1001, TF_SYN | TF_ACK, 0);
	assert_int_equal(send1(e, 1, &t), 1);
	assert_int_equal(e->outs[0].port, PORT0);
	tcp(&t, WEB, DB, 40000, dport, 1001, 5001, TF_ACK, 0);
	assert_int_equal(send1(e, 0, &t), 1);
}

static void test_allow_and_deny(void **state)
{
	struct env *e = *state;
	struct tf t;

	tcp(&t, WEB, DB, 40000, 5432, 1000, 0, TF_SYN, 0);
	assert_int_equal(send1(e, 0, &t), 1);
	assert_int_equal(e->outs[0].port, PORT1);
	assert_memory_equal(pkt_data(e->outs[0].p), t.buf, t.len);
	tcp(&t, WEB, DB, 40001, 22, 1000, 0, TF_SYN, 0);
	assert_int_equal(send1(e, 0, &t), 0);
	assert_int_equal(cnt(e)[FIREWALL_C_PASSED], 1);
	assert_int_equal(cnt(e)[FIREWALL_C_DROPPED], 1);
	assert_int_equal(cnt(e)[FIREWALL_C_NEW_ALLOWED], 1);
	assert_int_equal(cnt(e)[FIREWALL_C_NEW_DENIED], 1);
	/* a denied flow leaves no entry behind */
	tcp(&t, WEB, DB, 40001, 22, 1000, 0, TF_SYN, 0);
	assert_int_equal(send1(e, 0, &t), 0);
	assert_int_equal(cnt(e)[FIREWALL_C_DROPPED], 2);
}

/* No rule allows db -> web, yet the replies of web's flow pass. */
static void test_stateful_replies(void **state)
{
	struct env *e = *state;
	struct tf t;

	handshake(e, 5432);
	tcp(&t, WEB, DB, 40000, 5432, 1001, 5001, TF_ACK | TF_PSH, 100);
	assert_int_equal(send1(e, 0, &t), 1);
	tcp(&t, DB, WEB, 5432, 40000, 5001, 1101, TF_ACK | TF_PSH, 50);
	assert_int_equal(send1(e, 1, &t), 1);
	assert_int_equal(e->outs[0].port, PORT0);
	/* db opening its own connection to web is judged, and denied */
	tcp(&t, DB, WEB, 5432, 40000 + 1, 7000, 0, TF_SYN, 0);
	assert_int_equal(send1(e, 1, &t), 0);
	assert_int_equal(cnt(e)[FIREWALL_C_PASSED], 5);
	assert_int_equal(cnt(e)[FIREWALL_C_DROPPED], 1);
	/* an unsolicited non-SYN segment is invalid */
	tcp(&t, DB, WEB, 5432, 40002, 7000, 1, TF_ACK, 0);
	assert_int_equal(send1(e, 1, &t), 0);
	assert_int_equal(cnt(e)[FIREWALL_C_INVALID], 1);
}

/* Check a RST frame: addresses, ports, flags, seq/ack and checksums. */
static void check_rst(const struct pkt *p, uint32_t s, uint32_t d, uint16_t sp,
		      uint16_t dp, uint32_t seq, uint32_t ack, uint8_t flags)
{
	struct tf r;
	const uint8_t *th;

	memcpy(r.buf, pkt_data(p), p->len);
	tf_finish(&r, p->len);
	tf_verify(&r);
	assert_int_equal(r.m.l4_proto, TF_TCP);
	assert_int_equal(tf_get32(r.buf + TF_ETH + 12), s);
	assert_int_equal(tf_get32(r.buf + TF_ETH + 16), d);
	th = r.buf + r.m.l4_off;
	assert_int_equal(tf_get16(th), sp);
	assert_int_equal(tf_get16(th + 2), dp);
	assert_int_equal(tf_get32(th + 4), seq);
	assert_int_equal(tf_get32(th + 8), ack);
	assert_int_equal(th[13], flags);
	assert_int_equal(r.m.payload_len, 0);
}

static void test_reject_tcp_rst(void **state)
{
	struct env *e = *state;
	struct tf t;

	tcp(&t, CLIENT, DB, 33000, 5432, 0xfffffff0u, 0, TF_SYN, 0);
	assert_int_equal(send1(e, 0, &t), 1);
	assert_int_equal(e->outs[0].port, PORT0);
	/* no ACK in the SYN: seq 0, ack = its seq + 1 (wraps), RST|ACK */
	check_rst(e->outs[0].p, DB, CLIENT, 5432, 33000, 0, 0xfffffff1u,
		  TF_RST | TF_ACK);
	/* MACs swapped: the RST comes from db's MAC */
	assert_memory_equal(pkt_data(e->outs[0].p), t.buf + 6, 6);
	assert_memory_equal(pkt_data(e->outs[0].p) + 6, t.buf, 6);
	assert_int_equal(cnt(e)[FIREWALL_C_REJECTED], 1);
	assert_int_equal(cnt(e)[FIREWALL_C_RST_SENT], 1);
}

static void test_rst_builder_with_ack(void **state)
{
	struct env *e = *state;
	struct pkt *q = pkt_alloc(&e->pool);
	struct pkt *p;
	struct tf t;

	tcp(&t, WEB, DB, 40000, 80, 1000, 7777, TF_ACK | TF_PSH | TF_FIN, 33);
	p = mkpkt(e, &t);
	assert_int_equal(firewall_build_rst(q, p, &t.m, true), 0);
	check_rst(q, DB, WEB, 80, 40000, 7777, 0, TF_RST);
	assert_int_equal(firewall_build_rst(q, p, &t.m, false), 0);
	check_rst(q, WEB, DB, 40000, 80, 1000, 7777, TF_RST | TF_ACK);
	tf_udp4(&t, WEB, DB, 1, 2, 0, false);
	assert_int_equal(firewall_build_rst(q, p, &t.m, true), -EINVAL);
	pkt_free(&e->pool, p);
	pkt_free(&e->pool, q);
}

static void test_reject_udp_icmp(void **state)
{
	struct env *e = *state;
	struct tf t, r;
	const uint8_t *ih;

	tf_udp4(&t, CLIENT, DB, 5353, 53, 20, false);
	assert_int_equal(send1(e, 0, &t), 1);
	assert_int_equal(e->outs[0].port, PORT0);
	memcpy(r.buf, pkt_data(e->outs[0].p), e->outs[0].p->len);
	tf_finish(&r, e->outs[0].p->len);
	tf_verify(&r);
	assert_true(r.m.flags & PKT_F_ICMP_ERR);
	ih = r.buf + r.m.l4_off;
	assert_int_equal(ih[0], 3);
	assert_int_equal(ih[1], 3); /* port unreachable */
	assert_int_equal(tf_get32(r.buf + TF_ETH + 12), DB);
	assert_int_equal(tf_get32(r.buf + TF_ETH + 16), CLIENT);
	assert_memory_equal(ih + 8, t.buf + TF_ETH, t.len - TF_ETH);
	assert_int_equal(cnt(e)[FIREWALL_C_ICMP_SENT], 1);
}

static void test_reject_udp6_icmp6(void **state)
{
	struct env *e = *state;
	struct tf t, r;
	const uint8_t *ip, *ih;

	tf_udp6(&t, 1, 2, 5000, 9999);
	assert_int_equal(send1(e, 0, &t), 1);
	memcpy(r.buf, pkt_data(e->outs[0].p), e->outs[0].p->len);
	tf_finish(&r, e->outs[0].p->len);
	ip = r.buf + TF_ETH;
	ih = r.buf + r.m.l4_off;
	assert_int_equal(r.m.l4_proto, TF_ICMP6);
	assert_int_equal(ih[0], 1);
	assert_int_equal(ih[1], 4);
	assert_memory_equal(ip + 8, t.buf + TF_ETH + 24, 16);
	assert_memory_equal(ip + 24, t.buf + TF_ETH + 8, 16);
	assert_int_equal(
		csum_l4_ipv6(ih, tf_get16(ip + 4), ip + 8, ip + 24, TF_ICMP6),
		0);
	assert_memory_equal(ih + 8, t.buf + TF_ETH, t.len - TF_ETH);
}

static void test_non_ip_policy(void **state)
{
	struct env *e = *state;
	struct firewall_opts o = *firewall_opts(e->fw);
	struct tf t;

	memset(t.buf, 0, 60);
	tf_eth(t.buf, 0x0806);
	tf_put16(t.buf + 14, 1);
	tf_put16(t.buf + 16, 0x0800);
	t.buf[18] = 6;
	t.buf[19] = 4;
	tf_put16(t.buf + 20, 1);
	t.len = 60;
	assert_int_equal(send1(e, 1, &t), 1);
	assert_int_equal(e->outs[0].port, PORT0);
	assert_int_equal(cnt(e)[FIREWALL_C_NON_IP_PASSED], 1);
	o.non_ip_drop = true;
	firewall_set_opts(e->fw, &o);
	assert_int_equal(send1(e, 1, &t), 0);
	assert_int_equal(cnt(e)[FIREWALL_C_NON_IP_DROPPED], 1);
	/* garbage is a parse drop, whatever the setting */
	t.len = 10;
	assert_int_equal(send1(e, 0, &t), 0);
	assert_int_equal(cnt(e)[FIREWALL_C_DROP_PARSE], 1);
}

/* Insert an 802.1Q tag (VID @vid) into a frame under test. */
static void tag(struct tf *t, uint16_t vid)
{
	memmove(t->buf + 16, t->buf + 12, t->len - 12);
	tf_put16(t->buf + 12, 0x8100);
	tf_put16(t->buf + 14, vid);
	tf_finish(t, t->len + 4);
}

static void test_vlan_inner_judged(void **state)
{
	struct env *e = *state;
	struct tf t;

	tcp(&t, WEB, DB, 40000, 5432, 1000, 0, TF_SYN, 0);
	tag(&t, 42);
	assert_int_equal(send1(e, 0, &t), 1);
	assert_memory_equal(pkt_data(e->outs[0].p), t.buf, t.len);
	tcp(&t, CLIENT, DB, 33000, 5432, 1000, 0, TF_SYN, 0);
	tag(&t, 42);
	assert_int_equal(send1(e, 0, &t), 1);
	/* the RST carries the same tag */
	assert_int_equal(tf_get16(pkt_data(e->outs[0].p) + 12), 0x8100);
	assert_int_equal(tf_get16(pkt_data(e->outs[0].p) + 14), 42);
	assert_int_equal(e->outs[0].p->len, 14 + 4 + 20 + 20);
}

/*
 * Across a swap: flow A (port 5432) stays allowed and none of its packets
 * is dropped; flow B (port 80) is no longer allowed: its next packet is
 * dropped, RSTs go both ways, and the flow is gone.
 */
static void test_policy_swap(void **state)
{
	struct env *e = *state;
	uint32_t a_seq = 1001, b_seq = 1001;
	struct tf t;
	int i;

	handshake(e, 5432);
	handshake(e, 80);
	/* interleave A's data and swaps; every A packet passes */
	for (i = 0; i < 4; i++) {
		tcp(&t, WEB, DB, 40000, 5432, a_seq, 5001, TF_ACK, 10);
		assert_int_equal(send1(e, 0, &t), 1);
		a_seq += 10;
		tcp(&t, DB, WEB, 5432, 40000, 5001, a_seq, TF_ACK, 0);
		assert_int_equal(send1(e, 1, &t), 1);
		if (i == 1)
			load(e, POLICY2);
	}
	assert_int_equal(firewall_generation(e->fw), 3);
	assert_int_equal(cnt(e)[FIREWALL_C_RECHECK_KEPT], 1);
	/* B: the server's packet is the one that finds the old mark */
	tcp(&t, DB, WEB, 80, 40000, 5001, b_seq, TF_ACK | TF_PSH, 5);
	assert_int_equal(send1(e, 1, &t), 2);
	assert_int_equal(cnt(e)[FIREWALL_C_RECHECK_CUT], 1);
	assert_int_equal(cnt(e)[FIREWALL_C_RST_SENT], 2);
	/* outputs are flushed leg 0 first */
	assert_int_equal(e->outs[0].port, PORT0);
	assert_int_equal(e->outs[1].port, PORT1);
	/* RST back to db (it sent with ACK: seq = its ack), out leg 1 */
	check_rst(e->outs[1].p, WEB, DB, 40000, 80, b_seq, 0, TF_RST);
	/* RST to web in db's name: seq = the dropped segment's seq */
	check_rst(e->outs[0].p, DB, WEB, 80, 40000, 5001, b_seq,
		  TF_RST | TF_ACK);
	/* the flow is gone: web's next segment is invalid */
	tcp(&t, WEB, DB, 40000, 80, b_seq, 5001, TF_ACK, 5);
	assert_int_equal(send1(e, 0, &t), 0);
	assert_int_equal(cnt(e)[FIREWALL_C_INVALID], 1);
	/* and a new one to port 80 is denied by the new default */
	tcp(&t, WEB, DB, 40100, 80, 1, 0, TF_SYN, 0);
	assert_int_equal(send1(e, 0, &t), 0);
	/* A still flows */
	tcp(&t, WEB, DB, 40000, 5432, a_seq, 5001, TF_ACK, 10);
	assert_int_equal(send1(e, 0, &t), 1);
}

static void test_recheck_all(void **state)
{
	struct env *e = *state;
	struct tf t;

	handshake(e, 5432);
	handshake(e, 80);
	load(e, POLICY2);
	assert_int_equal(firewall_recheck_all(e->fw, e->now), 1);
	assert_int_equal(cnt(e)[FIREWALL_C_RECHECK_KEPT], 1);
	assert_int_equal(cnt(e)[FIREWALL_C_RECHECK_CUT], 1);
	assert_int_equal(firewall_recheck_all(e->fw, e->now), 0);
	tcp(&t, WEB, DB, 40000, 5432, 1001, 5001, TF_ACK, 10);
	assert_int_equal(send1(e, 0, &t), 1);
	tcp(&t, WEB, DB, 40000, 80, 1001, 5001, TF_ACK, 10);
	assert_int_equal(send1(e, 0, &t), 0);
}

static void test_rule_counters(void **state)
{
	struct env *e = *state;
	uint64_t pk, by;
	struct tf t;

	handshake(e, 5432);
	assert_int_equal(firewall_rule_stats(e->fw, 0, &pk, &by), 0);
	assert_int_equal(pk, 3);
	assert_int_equal(by, 3 * 40);
	tcp(&t, CLIENT, DB, 1, 2, 1, 0, TF_SYN, 0);
	send1(e, 0, &t);
	assert_int_equal(firewall_rule_stats(e->fw, 2, &pk, &by), 0);
	assert_int_equal(pk, 1);
	tf_udp4(&t, CLIENT, WEB, 1, 2, 0, false);
	send1(e, 0, &t);
	assert_int_equal(firewall_rule_stats(e->fw, 7, &pk, &by), 0);
	assert_int_equal(pk, 1); /* the default */
	assert_int_equal(firewall_rule_stats(e->fw, 8, &pk, &by), -ENOENT);
	/* a reload keeps the counters of rules with the same text */
	load(e, POLICY2);
	assert_int_equal(firewall_rule_stats(e->fw, 1, &pk, &by), 0);
	assert_int_equal(pk, 3);
	assert_int_equal(firewall_rule_stats(e->fw, 0, &pk, &by), 0);
	assert_int_equal(pk, 0);
}

static void test_one_arm_never_forwards(void **state)
{
	struct env *e = *state;
	struct tf t;

	tcp(&t, WEB, DB, 40000, 5432, 1000, 0, TF_SYN, 0);
	assert_int_equal(send1(e, 0, &t), 0);
	tcp(&t, DB, WEB, 5432, 40000, 5000, 1001, TF_SYN | TF_ACK, 0);
	assert_int_equal(send1(e, 0, &t), 0);
	tcp(&t, CLIENT, DB, 33000, 5432, 1000, 0, TF_SYN, 0);
	assert_int_equal(send1(e, 0, &t), 0);
	/* the would-be-rejected flow goes on, tracked, alerted once */
	tcp(&t, DB, CLIENT, 5432, 33000, 9000, 1001, TF_SYN | TF_ACK, 0);
	assert_int_equal(send1(e, 0, &t), 0);
	assert_int_equal(e->tx_calls, 0);
	assert_int_equal(cnt(e)[FIREWALL_C_ALERTS], 1);
	assert_int_equal(cnt(e)[FIREWALL_C_PASSED], 2);
	assert_int_equal(cnt(e)[FIREWALL_C_REJECTED], 2);
	assert_int_equal(cnt(e)[FIREWALL_C_RST_SENT], 0);
	assert_int_equal(firewall_ct(e->fw)->count, 2);
	firewall_tick(e->fw, e->now);
	{
		char buf[4096];
		ssize_t n = pread(e->logfd, buf, sizeof(buf) - 1, 0);
		json_t *j;

		assert_true(n > 0);
		buf[n] = 0;
		j = json_loads(buf, JSON_DISABLE_EOF_CHECK, NULL);
		assert_non_null(j);
		assert_string_equal(
			json_string_value(json_object_get(j, "event_type")),
			"alert");
		assert_string_equal(
			json_string_value(json_object_get(
				json_object_get(j, "alert"), "action")),
			"allowed");
		assert_int_equal(
			json_integer_value(json_object_get(
				json_object_get(j, "alert"), "signature_id")),
			FIREWALL_SID_BASE + 2);
		json_decref(j);
	}
}

/* Read the log file's lines into @lines (jansson objects). */
static unsigned int read_log(struct env *e, json_t **lines, unsigned int max)
{
	static char buf[1 << 20];
	unsigned int n = 0;
	ssize_t len;
	char *s, *nl;

	firewall_tick(e->fw, e->now);
	len = pread(e->logfd, buf, sizeof(buf) - 1, 0);
	assert_true(len >= 0);
	buf[len] = 0;
	for (s = buf; (nl = strchr(s, '\n')); s = nl + 1) {
		json_error_t jerr;

		assert_true(n < max);
		lines[n] = json_loadb(s, (size_t)(nl - s), 0, &jerr);
		if (!lines[n])
			fail_msg("bad line: %s", jerr.text);
		n++;
	}
	assert_int_equal(*s, 0);
	return n;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	assert_non_null(s);
	return s;
}

static long long jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static void test_eve_drop_line(void **state)
{
	struct env *e = *state;
	json_t *l[4], *d, *f;
	struct tf t;

	tcp(&t, CLIENT, DB, 33000, 5432, 77, 0, TF_SYN, 0);
	send1(e, 0, &t);
	assert_int_equal(read_log(e, l, 4), 1);
	assert_string_equal(jstr(l[0], "timestamp"),
			    "2026-11-26T06:16:40.000000+0000");
	assert_true(jint(l[0], "flow_id") > 0);
	assert_string_equal(jstr(l[0], "in_iface"), "fw.front");
	assert_string_equal(jstr(l[0], "event_type"), "drop");
	assert_string_equal(jstr(l[0], "src_ip"), "10.0.2.1");
	assert_int_equal(jint(l[0], "src_port"), 33000);
	assert_string_equal(jstr(l[0], "dest_ip"), "10.0.1.1");
	assert_int_equal(jint(l[0], "dest_port"), 5432);
	assert_string_equal(jstr(l[0], "proto"), "TCP");
	d = json_object_get(l[0], "drop");
	assert_int_equal(jint(d, "len"), 40);
	assert_int_equal(jint(d, "ttl"), 64);
	assert_int_equal(jint(d, "ipid"), 0x1234);
	assert_int_equal(jint(d, "tcpseq"), 77);
	assert_true(json_is_true(json_object_get(d, "syn")));
	assert_true(json_is_false(json_object_get(d, "ack")));
	f = json_object_get(l[0], "firewall");
	assert_string_equal(jstr(f, "name"), "fw");
	assert_string_equal(jstr(f, "action"), "reject");
	assert_int_equal(jint(f, "rule"), 2);
	assert_string_equal(jstr(f, "rule_text"),
			    "reject tcp from client to db");
	assert_int_equal(jint(f, "rule_line"), 7);
	assert_string_equal(jstr(f, "reason"), "policy");
	json_decref(l[0]);
}

/* One line per flow: the retried SYN is not logged again. */
static void test_eve_dedup(void **state)
{
	struct env *e = *state;
	json_t *l[4];
	struct tf t;

	tcp(&t, CLIENT, DB, 33000, 5432, 77, 0, TF_SYN, 0);
	send1(e, 0, &t);
	e->now += NS;
	send1(e, 0, &t);
	assert_int_equal(cnt(e)[FIREWALL_C_LOG_DUP], 1);
	e->now += FIREWALL_DEDUP_S_DEFAULT * (uint64_t)NS;
	send1(e, 0, &t);
	assert_int_equal(read_log(e, l, 4), 2);
	json_decref(l[0]);
	json_decref(l[1]);
}

static void test_eve_rate_limit(void **state)
{
	struct env *e = *state;
	struct firewall_opts o = *firewall_opts(e->fw);
	json_t *l[64];
	unsigned int i, n;
	struct tf t;

	o.log_rate = 10;
	o.log_burst = 5;
	firewall_set_opts(e->fw, &o);
	for (i = 0; i < 50; i++) {
		tf_udp4(&t, WEB, CLIENT, (uint16_t)(1000 + i), 7, 0, false);
		send1(e, 0, &t);
	}
	assert_int_equal(cnt(e)[FIREWALL_C_LOGGED], 5);
	assert_int_equal(cnt(e)[FIREWALL_C_LOG_SUPPRESSED], 45);
	assert_int_equal(firewall_eve(e->fw)->counters[EVE_C_SUPPRESSED], 45);
	e->now += NS;
	for (i = 0; i < 50; i++) {
		tf_udp4(&t, WEB, CLIENT, (uint16_t)(2000 + i), 7, 0, false);
		send1(e, 0, &t);
	}
	assert_int_equal(cnt(e)[FIREWALL_C_LOGGED], 10);
	n = read_log(e, l, 64);
	assert_int_equal(n, 10);
	for (i = 0; i < n; i++) {
		assert_string_equal(jstr(l[i], "proto"), "UDP");
		json_decref(l[i]);
	}
}

static void test_log_all_and_none(void **state)
{
	struct env *e = *state;
	struct firewall_opts o = *firewall_opts(e->fw);
	json_t *l[8];
	struct tf t;

	o.log = FIREWALL_LOG_ALL;
	firewall_set_opts(e->fw, &o);
	tf_udp4(&t, WEB, DB, 5000, 53, 4, false);
	assert_int_equal(send1(e, 0, &t), 1);
	assert_int_equal(send1(e, 0, &t), 1); /* later packets: no line */
	o.log = FIREWALL_LOG_NONE;
	firewall_set_opts(e->fw, &o);
	tf_udp4(&t, WEB, CLIENT, 5000, 53, 4, false);
	send1(e, 0, &t);
	assert_int_equal(read_log(e, l, 8), 1);
	assert_string_equal(jstr(l[0], "event_type"), "flow");
	assert_string_equal(jstr(json_object_get(l[0], "flow"), "action"),
			    "pass");
	json_decref(l[0]);
}

/*
 * Bursts of 1..257: an allowed UDP flow, with every third frame a
 * rejected one (an ICMP answer each); no malloc, one tx call per leg per
 * 64 frames at most, every buffer back in the pool.
 */
static void test_bursts_no_malloc(void **state)
{
	static const unsigned int sizes[] = {1, 2, 63, 64, 65, 257};
	struct env *e = *state;
	struct firewall_opts o = *firewall_opts(e->fw);
	struct pkt *pkts[257];
	struct tf ok, bad;
	unsigned int i, k, fwd, rej;

	o.reject_rate = 0; /* unlimited: every reject answered */
	firewall_set_opts(e->fw, &o);
	tf_udp4(&ok, WEB, DB, 5000, 53, 30, false);
	tf_udp4(&bad, CLIENT, DB, 5000, 53, 30, false);
	assert_int_equal(send1(e, 0, &ok), 1);
	clear(e);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned int n = sizes[i];

		for (k = 0, rej = 0; k < n; k++) {
			pkts[k] = mkpkt(e, k % 3 == 2 ? &bad : &ok);
			rej += k % 3 == 2;
		}
		e->now += NS; /* refill the ICMP bucket */
		allocs = 0;
		counting = 1;
		firewall_input(e->fw, 0, pkts, n, e->now);
		counting = 0;
		if (MALLOC_CHECKED)
			assert_int_equal(allocs, 0);
		for (k = 0, fwd = 0; k < e->nout; k++)
			fwd += e->outs[k].port == PORT1;
		assert_int_equal(fwd, n - rej);
		assert_int_equal(e->nout - fwd, rej);
		assert_true(e->tx_calls <=
			    2 * ((n + PKT_BURST - 1) / PKT_BURST));
		clear(e);
		assert_int_equal(e->pool.nfree, POOL);
	}
}

static void test_bad_leg(void **state)
{
	struct env *e = *state;
	struct tf t;
	struct pkt *p;

	tf_udp4(&t, WEB, DB, 5000, 53, 30, false);
	p = mkpkt(e, &t);
	firewall_input(e->fw, 5, &p, 1, e->now);
	assert_int_equal(cnt(e)[FIREWALL_C_DROP_NO_LEG], 1);
	assert_int_equal(e->nout, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_allow_and_deny),
		T(test_stateful_replies),
		T(test_reject_tcp_rst),
		T(test_rst_builder_with_ack),
		T(test_reject_udp_icmp),
		T(test_reject_udp6_icmp6),
		T(test_non_ip_policy),
		T(test_vlan_inner_judged),
		T(test_policy_swap),
		T(test_recheck_all),
		T(test_rule_counters),
		cmocka_unit_test_setup_teardown(test_one_arm_never_forwards,
						setup_onearm, teardown),
		T(test_eve_drop_line),
		T(test_eve_dedup),
		T(test_eve_rate_limit),
		T(test_log_all_and_none),
		T(test_bursts_no_malloc),
		T(test_bad_leg),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
