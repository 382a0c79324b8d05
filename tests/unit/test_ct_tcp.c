// SPDX-License-Identifier: MIT
/*
 * test_ct_tcp.c - unit tests of conntrack's TCP state machine and window
 * tracking (src/ct/ct_tcp.c) through ct_process() on real frames.
 *
 * The state machine is a numbered table of cases: each is a sequence of
 * segments (sender, flags, seq and ack relative to the ISNs, payload
 * length) with the verdict, invalid reason and TCP state expected after
 * each one. Every case runs twice, with ISNs far from and just below the
 * 2^32 wrap, so sequence arithmetic is tested across the wrap. Window
 * tracking has its own tests: in-window data, retransmissions, segments
 * beyond the receiver's window, acks of unsent data, window scaling (and
 * its absence when only one side offers it), SACK.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test_ct_frames.h"
#include "ct/ct_proto.h"

enum { A = 0, B = 1, STEPS_MAX = 12, SEQ_ZERO = INT32_MIN };

#define V_NEW CT_NEW
#define V_EST CT_ESTABLISHED
#define V_INV CT_INVALID

struct step {
	uint8_t from;
	uint8_t flags;
	int32_t seq; /* relative to the sender's ISN; SEQ_ZERO: absolute 0 */
	int32_t ack; /* relative to the receiver's ISN */
	uint16_t len;
	uint8_t verdict;
	uint8_t reason;
	uint8_t state; /* after the step; NONE if the flow is gone */
};

struct tcase {
	const char *name;
	struct step s[STEPS_MAX];
};

#define SYN_A                                                                  \
	{                                                                      \
		A, TF_SYN, 0, 0, 0, V_NEW, 0, CT_TCP_SYN_SENT                  \
	}
#define SYNACK_B                                                               \
	{                                                                      \
		B, TF_SYN | TF_ACK, 0, 1, 0, V_EST, 0, CT_TCP_SYN_RECV         \
	}
#define ACK_A                                                                  \
	{                                                                      \
		A, TF_ACK, 1, 1, 0, V_EST, 0, CT_TCP_ESTABLISHED               \
	}
#define HANDSHAKE SYN_A, SYNACK_B, ACK_A

static const struct tcase cases[] = {
	/* 1 */ {"three-way handshake", {HANDSHAKE}},
	/* 2 */
	{"data, close by the initiator",
	 {HANDSHAKE,
	  {A, TF_ACK | TF_PSH, 1, 1, 100, V_EST, 0, CT_TCP_ESTABLISHED},
	  {B, TF_ACK, 1, 101, 0, V_EST, 0, CT_TCP_ESTABLISHED},
	  {A, TF_FIN | TF_ACK, 101, 1, 0, V_EST, 0, CT_TCP_FIN_WAIT},
	  {B, TF_ACK, 1, 102, 0, V_EST, 0, CT_TCP_CLOSE_WAIT},
	  {B, TF_FIN | TF_ACK, 1, 102, 0, V_EST, 0, CT_TCP_LAST_ACK},
	  {A, TF_ACK, 102, 2, 0, V_EST, 0, CT_TCP_TIME_WAIT}}},
	/* 3 */
	{"close by the responder",
	 {HANDSHAKE,
	  {B, TF_FIN | TF_ACK, 1, 1, 0, V_EST, 0, CT_TCP_FIN_WAIT},
	  {A, TF_ACK, 1, 2, 0, V_EST, 0, CT_TCP_CLOSE_WAIT},
	  {A, TF_FIN | TF_ACK, 1, 2, 0, V_EST, 0, CT_TCP_LAST_ACK},
	  {B, TF_ACK, 2, 2, 0, V_EST, 0, CT_TCP_TIME_WAIT}}},
	/* 4 */
	{"simultaneous close",
	 {HANDSHAKE,
	  {A, TF_FIN | TF_ACK, 1, 1, 0, V_EST, 0, CT_TCP_FIN_WAIT},
	  {B, TF_FIN | TF_ACK, 1, 1, 0, V_EST, 0, CT_TCP_LAST_ACK},
	  {A, TF_ACK, 2, 2, 0, V_EST, 0, CT_TCP_TIME_WAIT},
	  {B, TF_ACK, 2, 2, 0, V_EST, 0, CT_TCP_TIME_WAIT}}},
	/* 5 */
	{"RST by the initiator",
	 {HANDSHAKE, {A, TF_RST | TF_ACK, 1, 1, 0, V_EST, 0, CT_TCP_CLOSE}}},
	/* 6 */
	{"RST by the responder",
	 {HANDSHAKE, {B, TF_RST, 1, 0, 0, V_EST, 0, CT_TCP_CLOSE}}},
	/* 7 */
	{"connection refused: flow removed at once",
	 {SYN_A,
	  {B, TF_RST | TF_ACK, SEQ_ZERO, 1, 0, V_EST, 0, CT_TCP_NONE},
	  SYN_A}},
	/* 8 */
	{"simultaneous open",
	 {SYN_A,
	  {B, TF_SYN, 0, 0, 0, V_EST, 0, CT_TCP_SYN_SENT2},
	  {A, TF_SYN | TF_ACK, 0, 1, 0, V_EST, 0, CT_TCP_SYN_RECV},
	  {B, TF_SYN | TF_ACK, 0, 1, 0, V_EST, 0, CT_TCP_SYN_RECV},
	  ACK_A}},
	/* 9 */ {"retransmitted SYN stays new", {SYN_A, SYN_A, SYN_A}},
	/* 10 */
	{"retransmitted SYN-ACK is passed, ignored",
	 {SYN_A, SYNACK_B, SYNACK_B, ACK_A}},
	/* 11 */
	{"SYN-ACK acking the wrong sequence",
	 {SYN_A,
	  {B, TF_SYN | TF_ACK, 0, 7, 0, V_INV, CT_INV_TCP_SYNACK,
	   CT_TCP_SYN_SENT},
	  SYNACK_B}},
	/* 12 */
	{"ACK before the SYN-ACK",
	 {SYN_A,
	  {A, TF_ACK, 1, 1, 0, V_INV, CT_INV_TCP_STATE, CT_TCP_SYN_SENT}}},
	/* 13 */
	{"bad flag combinations",
	 {{A, TF_SYN | TF_FIN, 0, 0, 0, V_INV, CT_INV_TCP_FLAGS, CT_TCP_NONE},
	  {A, 0, 0, 0, 0, V_INV, CT_INV_TCP_FLAGS, CT_TCP_NONE},
	  HANDSHAKE,
	  {A, TF_FIN, 1, 1, 0, V_INV, CT_INV_TCP_FLAGS, CT_TCP_ESTABLISHED},
	  {A, TF_FIN | TF_RST | TF_SYN | TF_ACK | TF_PSH | TF_URG, 1, 1, 0,
	   V_INV, CT_INV_TCP_FLAGS, CT_TCP_ESTABLISHED}}},
	/* 14 */
	{"segment beyond the receive window",
	 {HANDSHAKE,
	  {A, TF_ACK, 70000, 1, 100, V_INV, CT_INV_TCP_SEQ, CT_TCP_ESTABLISHED},
	  {A, TF_ACK, 1, 1, 100, V_EST, 0, CT_TCP_ESTABLISHED}}},
	/* 15 */
	{"ack of data never sent",
	 {HANDSHAKE,
	  {B, TF_ACK, 1, 5001, 0, V_INV, CT_INV_TCP_ACK, CT_TCP_ESTABLISHED}}},
	/* 16 */
	{"RST outside the window",
	 {HANDSHAKE,
	  {B, TF_RST, 200000, 0, 0, V_INV, CT_INV_TCP_RST, CT_TCP_ESTABLISHED},
	  {B, TF_RST, 1, 0, 0, V_EST, 0, CT_TCP_CLOSE}}},
	/* 17 */
	{"RST below what the peer acknowledged",
	 {HANDSHAKE,
	  {A, TF_ACK, 1, 1, 100, V_EST, 0, CT_TCP_ESTABLISHED},
	  {B, TF_ACK, 1, 101, 0, V_EST, 0, CT_TCP_ESTABLISHED},
	  {A, TF_RST, 1, 0, 0, V_INV, CT_INV_TCP_RST, CT_TCP_ESTABLISHED},
	  {A, TF_RST, 101, 0, 0, V_EST, 0, CT_TCP_CLOSE}}},
	/* 18 */
	{"SYN on an open connection is passed, ignored",
	 {HANDSHAKE, {A, TF_SYN, 0, 0, 0, V_EST, 0, CT_TCP_ESTABLISHED}}},
	/* 19 */
	{"URG, PSH, ECE, CWR are ordinary",
	 {HANDSHAKE,
	  {A, TF_ACK | TF_URG, 1, 1, 10, V_EST, 0, CT_TCP_ESTABLISHED},
	  {B, TF_ACK | TF_PSH | 0x40 | 0x80, 1, 11, 10, V_EST, 0,
	   CT_TCP_ESTABLISHED}}},
	/* 20 */
	{"retransmission of acknowledged data",
	 {HANDSHAKE,
	  {A, TF_ACK, 1, 1, 1000, V_EST, 0, CT_TCP_ESTABLISHED},
	  {B, TF_ACK, 1, 1001, 0, V_EST, 0, CT_TCP_ESTABLISHED},
	  {A, TF_ACK, 1, 1, 1000, V_EST, 0, CT_TCP_ESTABLISHED},
	  {A, TF_ACK, 501, 1, 1000, V_EST, 0, CT_TCP_ESTABLISHED}}},
	/* 21 */
	{"reply SYN on TIME_WAIT is invalid",
	 {HANDSHAKE,
	  {A, TF_FIN | TF_ACK, 1, 1, 0, V_EST, 0, CT_TCP_FIN_WAIT},
	  {B, TF_FIN | TF_ACK, 1, 2, 0, V_EST, 0, CT_TCP_LAST_ACK},
	  {A, TF_ACK, 2, 2, 0, V_EST, 0, CT_TCP_TIME_WAIT},
	  {B, TF_SYN, 9000, 0, 0, V_INV, CT_INV_TCP_STATE, CT_TCP_TIME_WAIT}}},
	/* 22 */
	{"new SYN reopens a connection closed by RST",
	 {HANDSHAKE,
	  {A, TF_RST, 1, 0, 0, V_EST, 0, CT_TCP_CLOSE},
	  {A, TF_SYN, 300000, 0, 0, V_NEW, 0, CT_TCP_SYN_SENT},
	  {B, TF_SYN | TF_ACK, 0, 300001, 0, V_EST, 0, CT_TCP_SYN_RECV}}},
	/* 23 */
	{"no pick-up of a connection in the middle",
	 {{A, TF_ACK, 1, 1, 10, V_INV, CT_INV_TCP_NO_SYN, CT_TCP_NONE},
	  {B, TF_SYN | TF_ACK, 0, 1, 0, V_INV, CT_INV_TCP_NO_SYN,
	   CT_TCP_NONE}}},
};

static const uint32_t hostA = 0x0a000002, hostB = 0xc6336407;

static uint32_t isns[2][2] = {
	{1000, 500000},
	{0xffffff00u, 0xfffffff0u}, /* both wrap during the case */
};

static uint8_t state_of(struct ct_table *ct, uint64_t now)
{
	struct ct_tuple tu = {0};
	struct ct_entry *e;

	tu.src.b[10] = tu.src.b[11] = tu.dst.b[10] = tu.dst.b[11] = 0xff;
	tu.src.w[3] = htonl(hostA);
	tu.dst.w[3] = htonl(hostB);
	tu.sport = 40000;
	tu.dport = 80;
	tu.proto = TF_TCP;
	e = ct_find(ct, &tu, now, NULL);
	return e ? e->tcp.state : CT_TCP_NONE;
}

static void send_step(struct ct_table *ct, const struct step *s,
		      const uint32_t *isn, struct ct_result *r)
{
	uint32_t addr[2] = {hostA, hostB};
	uint16_t port[2] = {40000, 80};
	uint32_t seq = s->seq == SEQ_ZERO ? 0 : isn[s->from] + (uint32_t)s->seq;
	uint32_t ack = isn[!s->from] + (uint32_t)s->ack;
	struct tf t;

	if (!(s->flags & TF_ACK))
		ack = 0;
	tf_tcp4(&t, addr[s->from], addr[!s->from], port[s->from],
		port[!s->from], seq, ack, s->flags, 65535, NULL, 0, s->len);
	tf_ct(ct, &t, 1000, r);
}

static void run_case(unsigned int n, const uint32_t *isn)
{
	const struct tcase *c = &cases[n];
	struct ct_table ct;
	struct ct_result r;
	unsigned int i;

	assert_int_equal(ct_table_init(&ct, NULL), 0);
	for (i = 0; i < STEPS_MAX && (c->s[i].flags || c->s[i].verdict); i++) {
		const struct step *s = &c->s[i];

		send_step(&ct, s, isn, &r);
		if (r.verdict != s->verdict || r.reason != s->reason ||
		    state_of(&ct, 1000) != s->state)
			fail_msg("case %u (%s) step %u: verdict %s reason %s "
				 "state %s, want %s %s %s",
				 n + 1, c->name, i + 1,
				 ct_verdict_name(r.verdict),
				 ct_invalid_name(r.reason),
				 ct_tcp_state_name(state_of(&ct, 1000)),
				 ct_verdict_name(s->verdict),
				 ct_invalid_name(s->reason),
				 ct_tcp_state_name(s->state));
	}
	ct_table_fini(&ct);
}

static void test_state_table(void **state)
{
	unsigned int n, k;

	(void)state;
	for (k = 0; k < 2; k++)
		for (n = 0; n < sizeof(cases) / sizeof(cases[0]); n++)
			run_case(n, isns[k]);
}

/* Case 7 again, looking at the counters: the refused flow was killed. */
static void test_refused_is_killed(void **state)
{
	struct ct_table ct;
	struct ct_result r;
	const struct step refuse = {B, TF_RST | TF_ACK, SEQ_ZERO, 1,
				    0, V_EST,		0,	  CT_TCP_NONE};
	const struct step syn = SYN_A;

	(void)state;
	assert_int_equal(ct_table_init(&ct, NULL), 0);
	send_step(&ct, &syn, isns[0], &r);
	send_step(&ct, &refuse, isns[0], &r);
	assert_non_null(r.e);
	assert_true(r.e->flags & CT_F_DYING);
	assert_int_equal(ct.counters[CT_CNT_KILLED], 1);
	assert_int_equal(ct_sweep(&ct, 1000, 0), 1);
	assert_int_equal(ct.count, 0);
	ct_table_fini(&ct);
}

/* A handshake with options on the SYNs; returns the table ready. */
static void handshake_opts(struct ct_table *ct, const uint8_t *oa,
			   const uint8_t *ob, uint16_t win)
{
	struct tf t;
	struct ct_result r;

	assert_int_equal(ct_table_init(ct, NULL), 0);
	tf_tcp4(&t, hostA, hostB, 40000, 80, 1000, 0, TF_SYN, win, oa,
		oa ? 4 : 0, 0);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_NEW);
	tf_tcp4(&t, hostB, hostA, 80, 40000, 9000, 1001, TF_SYN | TF_ACK, win,
		ob, ob ? 4 : 0, 0);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_ESTABLISHED);
	tf_tcp4(&t, hostA, hostB, 40000, 80, 1001, 9001, TF_ACK, win, NULL, 0,
		0);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_ESTABLISHED);
	assert_int_equal(r.e->tcp.state, CT_TCP_ESTABLISHED);
	/* B advertises its (scaled) window in a plain ACK */
	tf_tcp4(&t, hostB, hostA, 80, 40000, 9001, 1001, TF_ACK, win, NULL, 0,
		0);
	assert_int_equal(tf_ct(ct, &t, 0, &r), CT_ESTABLISHED);
}

static const uint8_t ws7[4] = {1, 3, 3, 7}; /* NOP, wscale 7 */

static enum ct_verdict a_data(struct ct_table *ct, uint32_t seq, uint32_t len)
{
	struct tf t;
	struct ct_result r;

	tf_tcp4(&t, hostA, hostB, 40000, 80, seq, 9001, TF_ACK, 1000, NULL, 0,
		len);
	return tf_ct(ct, &t, 0, &r);
}

static void test_window_scale(void **state)
{
	struct ct_table ct;

	(void)state;
	/* both offer scale 7: B's window 1000 means 128000 bytes */
	handshake_opts(&ct, ws7, ws7, 1000);
	assert_int_equal(ct.entries[0].tcp.seen[0].td_scale, 7);
	assert_int_equal(a_data(&ct, 1001 + 100000, 100), CT_ESTABLISHED);
	assert_int_equal(a_data(&ct, 1001 + 130000, 100), CT_INVALID);
	assert_int_equal(ct.invalid[CT_INV_TCP_SEQ], 1);
	ct_table_fini(&ct);

	/* only A offers it: no scaling either way (RFC 7323) */
	handshake_opts(&ct, ws7, NULL, 1000);
	assert_int_equal(ct.entries[0].tcp.seen[0].td_scale, 0);
	assert_int_equal(a_data(&ct, 1001 + 500, 100), CT_ESTABLISHED);
	assert_int_equal(a_data(&ct, 1001 + 100000, 100), CT_INVALID);
	ct_table_fini(&ct);
}

static void test_window_zero(void **state)
{
	struct ct_table ct;
	struct tf t;
	struct ct_result r;

	(void)state;
	handshake_opts(&ct, NULL, NULL, 1000);
	/* B closes its window: A may still probe one byte at the edge */
	tf_tcp4(&t, hostB, hostA, 80, 40000, 9001, 1001, TF_ACK, 0, NULL, 0, 0);
	assert_int_equal(tf_ct(&ct, &t, 0, &r), CT_ESTABLISHED);
	assert_int_equal(a_data(&ct, 1001, 1), CT_ESTABLISHED);
	ct_table_fini(&ct);
}

static void test_sack_extends_ack(void **state)
{
	struct ct_table ct;
	struct tf t;
	struct ct_result r;
	/* NOP NOP SACK(10): one block [left, right) */
	uint8_t sack[12] = {1, 1, 5, 10};
	const uint8_t sackperm[4] = {1, 1, 4, 2};

	(void)state;
	handshake_opts(&ct, sackperm, sackperm, 65535);
	assert_true(ct.entries[0].tcp.seen[0].flags & CT_TCP_F_SACK_PERM);
	assert_int_equal(a_data(&ct, 1001, 1500), CT_ESTABLISHED);
	/* B acks 1001 and SACKs the second half: in window */
	tf_put32(sack + 4, 1751);
	tf_put32(sack + 8, 2501);
	tf_tcp4(&t, hostB, hostA, 80, 40000, 9001, 1001, TF_ACK, 65535, sack,
		12, 0);
	assert_int_equal(tf_ct(&ct, &t, 0, &r), CT_ESTABLISHED);
	/* a SACK block beyond anything sent is as bad as such an ack */
	tf_put32(sack + 4, 5001);
	tf_put32(sack + 8, 9001);
	tf_tcp4(&t, hostB, hostA, 80, 40000, 9001, 1001, TF_ACK, 65535, sack,
		12, 0);
	assert_int_equal(tf_ct(&ct, &t, 0, &r), CT_INVALID);
	assert_int_equal(r.reason, CT_INV_TCP_ACK);
	ct_table_fini(&ct);
}

/* Malformed options must neither crash nor loop. */
static void test_options_garbage(void **state)
{
	struct ct_tcp_seg s;
	struct tf t;
	const uint8_t opts[3][8] = {
		{3, 0, 1, 1, 1, 1, 1, 1}, /* length 0 */
		{1, 1, 1, 1, 1, 1, 3, 9}, /* runs past the end */
		{3, 3, 200, 4, 2, 5, 2, 0}, /* scale clamped, short SACK */
	};
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		tf_tcp4(&t, hostA, hostB, 1, 2, 3, 0, TF_SYN, 100, opts[i], 8,
			0);
		ct_tcp_seg_parse(t.buf, &t.m, &s);
		if (i == 2) {
			assert_true(s.has_wscale);
			assert_int_equal(s.wscale, 14);
			assert_true(s.sack_perm);
		}
	}
}

/* After more than a window of data, a segment from before is invalid. */
static void test_old_segment(void **state)
{
	struct ct_table ct;
	struct tf t;
	struct ct_result r;
	uint32_t seq = 1001;
	int i;

	(void)state;
	handshake_opts(&ct, NULL, NULL, 65535);
	for (i = 0; i < 100; i++, seq += 1400) {
		assert_int_equal(a_data(&ct, seq, 1400), CT_ESTABLISHED);
		tf_tcp4(&t, hostB, hostA, 80, 40000, 9001, seq + 1400, TF_ACK,
			65535, NULL, 0, 0);
		assert_int_equal(tf_ct(&ct, &t, 0, &r), CT_ESTABLISHED);
	}
	assert_int_equal(a_data(&ct, seq - 1400, 1400), CT_ESTABLISHED);
	assert_int_equal(a_data(&ct, 1001, 100), CT_INVALID);
	assert_int_equal(ct.invalid[CT_INV_TCP_SEQ], 1);
	ct_table_fini(&ct);
}

static void test_flag_validity(void **state)
{
	unsigned int f, valid = 0;

	(void)state;
	for (f = 0; f < 256; f++)
		valid += ct_tcp_flags_valid((uint8_t)f);
	/* 9 combinations, times 8 for PSH/ECE/CWR */
	assert_int_equal(valid, 9 * 8);
	assert_false(ct_tcp_flags_valid(TF_SYN | TF_RST));
	assert_false(ct_tcp_flags_valid(TF_FIN | TF_URG | TF_PSH));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_table),
		cmocka_unit_test(test_refused_is_killed),
		cmocka_unit_test(test_window_scale),
		cmocka_unit_test(test_window_zero),
		cmocka_unit_test(test_sack_extends_ack),
		cmocka_unit_test(test_options_garbage),
		cmocka_unit_test(test_old_segment),
		cmocka_unit_test(test_flag_validity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
