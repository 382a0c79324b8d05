// SPDX-License-Identifier: MIT
/*
 * test_ips_detect.c - unit tests of the IPS detection engine
 * (src/ips/ips_detect*.c): rules are loaded from text, inspections are
 * struct ips_pktinfo built by hand.
 *
 * Covered: prefilter candidate selection and pattern sharing, header
 * mismatches (protocol, ports, negated addresses, direction, <>), flow
 * keywords and stream/packet inspections, header-only rules, flowbits
 * across inspections and within one (setters first), noalert, threshold
 * limit by_src and detection_filter with time, the action order
 * pass > drop > reject > alert, the group lists of rules without a fast
 * pattern (class, ports, <>, negated ports, ip rules), the Hyperscan and
 * naive engines firing the same rules on a few hundred random rules
 * (protocols, port sets, <>, flags) and inspections (with the payload
 * database split by port, so a wrongly picked database fails it), and the
 * build time of ET Open and of 30,000 generated rules (printed).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ips/ips_detect.h"

enum { MAX_FIRED = 4096 };

static struct ips_vars vars;

/**
 * struct fired - what the callback saw
 * @sids: sids in call order
 * @n: calls
 */
struct fired {
	uint32_t sids[MAX_FIRED];
	uint32_t n;
};

static void on_fire(void *ctx, const struct ips_rule *r, uint32_t idx,
		    const struct ips_pktinfo *p)
{
	struct fired *f = ctx;

	(void)p;
	(void)idx;
	if (f->n < MAX_FIRED)
		f->sids[f->n] = r->sid;
	f->n++;
}

static bool fired_sid(const struct fired *f, uint32_t sid)
{
	for (uint32_t i = 0; i < f->n && i < MAX_FIRED; i++)
		if (f->sids[i] == sid)
			return true;
	return false;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* An engine from rules text; every rule must load */
static struct ips_engine *engine_from(const char *text, bool naive)
{
	struct ips_engine_cfg cfg = {.naive = naive};
	struct ips_engine *e = NULL;
	struct ips_ruleset rs;
	char err[256];

	ips_ruleset_init(&rs);
	assert_int_equal(
		ips_ruleset_load_buf(&rs, text, strlen(text), "t", &vars), 0);
	if (rs.n_errors)
		print_error("%s\n", rs.errors[0]);
	assert_int_equal(rs.stats.failed + rs.stats.skipped, 0);
	if (ips_engine_build(&e, &rs, &cfg, err, sizeof(err)))
		fail_msg("build: %s", err);
	assert_int_equal(rs.n_rules, 0); /* moved into the engine */
	ips_ruleset_free(&rs);
	return e;
}

/* A TCP packet inspection 10.0.0.1:1234 -> 192.168.1.2:80 */
static void pkt_tcp(struct ips_pktinfo *p, const char *payload)
{
	memset(p, 0, sizeof(*p));
	p->family = 4;
	p->proto = 6;
	p->tcp_flags = IPS_TCP_ACK | IPS_TCP_PSH;
	p->sport = 1234;
	p->dport = 80;
	p->src4 = 0x0a000001;
	p->dst4 = 0xc0a80102;
	p->flow =
		IPS_FLOW_TO_SERVER | IPS_FLOW_ESTABLISHED | IPS_FLOW_NO_STREAM;
	p->bufs.p[IPS_BUF_PAYLOAD] = (const uint8_t *)payload;
	p->bufs.len[IPS_BUF_PAYLOAD] = (uint32_t)strlen(payload);
	p->bufs.present = 1ull << IPS_BUF_PAYLOAD;
	p->dsize = p->bufs.len[IPS_BUF_PAYLOAD];
}

static void set_buf(struct ips_pktinfo *p, enum ips_buf b, const char *s)
{
	p->bufs.p[b] = (const uint8_t *)s;
	p->bufs.len[b] = (uint32_t)strlen(s);
	p->bufs.present |= 1ull << b;
}

static int run(struct ips_engine *e, struct ips_scratch *s,
	       struct ips_pktinfo *p, struct fired *f,
	       struct ips_detect_result *res)
{
	struct ips_detect_result tmp;

	f->n = 0;
	return ips_detect(e, s, p, res ? res : &tmp, on_fire, f);
}

static void test_candidates(void **state)
{
	static const char rules[] =
		"alert tcp any any -> any any (msg:\"a\"; content:\"evil\"; "
		"sid:1;)\n"
		"alert tcp any any -> any any (content:\"EVIL\"; nocase; "
		"sid:2;)\n"
		"alert tcp any any -> any any (content:\"evil\"; nocase; "
		"sid:3;)\n"
		"alert tcp any any -> any any (content:\"x\"; "
		"content:\"good\"; "
		"sid:4;)\n"
		"alert tcp any any -> any any (content:\"ab\"; "
		"content:\"ignored\"; fast_pattern; sid:5;)\n"
		"alert tcp any any -> any any (content:!\"zzz\"; sid:6;)\n"
		"alert tcp any any -> any any (content:\"foo|00|bar\"; "
		"sid:7;)\n"
		"alert tcp any any -> any any (content:\"abcdefgh\"; "
		"fast_pattern:2,3; sid:8;)\n";
	struct ips_engine *e = engine_from(rules, false);
	struct ips_scratch *s = ips_scratch_new(e);
	struct ips_engine_stats st;
	struct ips_pktinfo p;
	static struct fired f;

	(void)state;
	assert_non_null(s);
	ips_engine_stats(e, &st);
	assert_int_equal(st.n_rules, 8);
	assert_int_equal(st.n_prefiltered, 7);
	assert_int_equal(st.n_always, 1); /* only a negated content */
	/* "EVIL"/nocase and "evil"/nocase share one pattern */
	assert_int_equal(st.n_patterns, 6);
	assert_int_equal(st.n_databases, 1);
	assert_true(ips_engine_memory(e) > 1000);

	pkt_tcp(&p, "some eViL thing zzz");
	run(e, s, &p, &f, NULL);
	assert_int_equal(f.n, 2);
	assert_true(fired_sid(&f, 2) && fired_sid(&f, 3));

	pkt_tcp(&p, "evil xgood"); /* 4 needs "good" (longest) */
	run(e, s, &p, &f, NULL);
	assert_true(fired_sid(&f, 1) && fired_sid(&f, 4) && fired_sid(&f, 6));
	assert_int_equal(f.n, 5);

	pkt_tcp(&p, "ab"); /* fast pattern absent: 5 is no candidate */
	run(e, s, &p, &f, NULL);
	assert_int_equal(f.n, 1);
	assert_true(fired_sid(&f, 6));

	p.bufs.p[0] = (const uint8_t *)"ab ignored foo\0bar";
	p.bufs.len[0] = 18;
	run(e, s, &p, &f, NULL);
	assert_true(fired_sid(&f, 5) && fired_sid(&f, 7));
	assert_int_equal(f.n, 3);

	pkt_tcp(&p, "abcdefgh"); /* chopped fast pattern "cde" */
	run(e, s, &p, &f, NULL);
	assert_true(fired_sid(&f, 8));
	assert_int_equal(ips_engine_hits(e, 7), 1);
	assert_int_equal(ips_engine_hits(e, 5), 4);
	assert_int_equal(ips_engine_hits(e, 99), 0);
	ips_scratch_free(s);
	ips_engine_free(e);
}

/*
 * A literal that is the longest content of more than FP_SHARED_MAX (8)
 * rules is traded for each rule's least shared content of >= 6 bytes:
 * the shared "Mozilla/5.0" no longer makes all of them candidates. Not for
 * an explicit fast_pattern, a shorter content or a negated one; the rules
 * that fire are the naive engine's.
 */
static void test_shared_fast_pattern(void **state)
{
	static const char tail[][80] = {
		"content:\"abc\"; sid:11;",
		"content:\"Mozilla/5.0\"; fast_pattern; "
		"content:\"explicitlong\"; sid:12;",
		"content:!\"negated-long\"; sid:13;",
	};
	static const char *const uas[] = {
		"Mozilla/5.0 (X11)",
		"Mozilla/5.0 qwerty3",
		"Mozilla/5.0 abc explicitlong",
		"qwerty7",
		"negated-long",
	};
	/* "qwerty7" alone makes rule 7 a candidate (it fails startswith) */
	static const uint32_t n_cands[] = {3, 4, 3, 1, 0};
	static char rules[4096];
	struct ips_engine *e, *naive;
	struct ips_scratch *s, *sn;
	struct ips_detect_result res;
	static struct fired f, fn;
	struct ips_pktinfo p;
	size_t n = 0;
	int i;

	(void)state;
	for (i = 1; i <= 13; i++) {
		char opt[96];

		if (i <= 10)
			snprintf(opt, sizeof(opt),
				 "content:\"qwerty%d\"; sid:%d;", i % 10, i);
		else
			snprintf(opt, sizeof(opt), "%s", tail[i - 11]);
		n += (size_t)snprintf(
			rules + n, sizeof(rules) - n,
			"alert http any any -> any any "
			"(http.user_agent; content:\"Mozilla/5.0\"; "
			"startswith; %s)\n",
			opt);
	}
	e = engine_from(rules, false);
	naive = engine_from(rules, true);
	s = ips_scratch_new(e);
	sn = ips_scratch_new(naive);
	assert_non_null(s);
	assert_non_null(sn);
	for (i = 0; i < 5; i++) {
		pkt_tcp(&p, "x");
		p.bufs.present = 0;
		p.app = IPS_APP_HTTP;
		set_buf(&p, IPS_BUF_HTTP_USER_AGENT, uas[i]);
		run(e, s, &p, &f, &res);
		assert_int_equal(res.n_cands, n_cands[i]);
		run(naive, sn, &p, &fn, NULL);
		assert_int_equal(f.n, fn.n);
		assert_memory_equal(f.sids, fn.sids, f.n * sizeof(f.sids[0]));
	}
	/* by load index: sid 3 once, 11 and 12 once, 13 on three UAs */
	assert_int_equal(ips_engine_hits(e, 2), 1);
	assert_int_equal(ips_engine_hits(e, 10), 1);
	assert_int_equal(ips_engine_hits(e, 11), 1);
	assert_int_equal(ips_engine_hits(e, 12), 3);
	ips_scratch_free(sn);
	ips_scratch_free(s);
	ips_engine_free(naive);
	ips_engine_free(e);
}

/* ips_detect_ex: candidates from a prefilter buffer, or from the last call */
static void test_prefilter_and_reuse(void **state)
{
	static const char rules[] =
		"alert tcp any any -> any any (content:\"evil\"; sid:1;)\n"
		"alert tcp any any -> any any (content:\"bad\"; depth:3; "
		"sid:2;)\n"
		"alert tcp any any -> any any (flags:S; sid:3;)\n";
	struct ips_engine *e = engine_from(rules, false);
	struct ips_engine *h = engine_from(
		"alert http any any -> any any (http.uri; content:\"x\"; "
		"sid:9;)\n",
		false);
	struct ips_scratch *s = ips_scratch_new(e);
	struct ips_detect_opts o = {0};
	struct ips_detect_result res;
	struct ips_bufs w = {0};
	struct ips_pktinfo p;
	static struct fired f;

	(void)state;
	assert_true(ips_engine_raw_inspects(e, true));
	assert_true(ips_engine_raw_inspects(e, false));
	assert_false(ips_engine_raw_inspects(h, true));
	assert_false(ips_engine_raw_inspects(h, false));
	/* the window holds the payload: both rules are found through it */
	w.present = 1ull << IPS_BUF_PAYLOAD;
	w.p[0] = (const uint8_t *)"tail..bad evil";
	w.len[0] = 14;
	pkt_tcp(&p, "bad evil");
	o.prefilter = &w;
	f.n = 0;
	ips_detect_ex(e, s, &p, &res, on_fire, &f, &o);
	assert_int_equal(f.n, 2); /* depth:3 is checked on the packet */
	assert_true(fired_sid(&f, 1) && fired_sid(&f, 2));
	/* the window itself, reusing that scan: depth:3 fails there */
	p.bufs.p[0] = w.p[0];
	p.bufs.len[0] = w.len[0];
	p.flow = IPS_FLOW_TO_SERVER | IPS_FLOW_ESTABLISHED |
		 IPS_FLOW_ONLY_STREAM;
	o.prefilter = NULL;
	o.reuse = true;
	f.n = 0;
	ips_detect_ex(e, s, &p, &res, on_fire, &f, &o);
	assert_int_equal(f.n, 1);
	assert_true(fired_sid(&f, 1));
	/* the candidates really are the previous call's: a prefilter
	 * without the patterns finds nothing, and reuse keeps that */
	w.p[0] = (const uint8_t *)"harmless";
	w.len[0] = 8;
	pkt_tcp(&p, "bad evil");
	o.prefilter = &w;
	o.reuse = false;
	f.n = 0;
	ips_detect_ex(e, s, &p, &res, on_fire, &f, &o);
	assert_int_equal(f.n, 0);
	o.reuse = true;
	ips_detect_ex(e, s, &p, &res, on_fire, &f, &o);
	assert_int_equal(f.n, 0);
	/* header-only rules still come on packet inspections */
	pkt_tcp(&p, "");
	p.tcp_flags = IPS_TCP_SYN;
	o.reuse = false;
	ips_detect_ex(e, s, &p, &res, on_fire, &f, &o);
	assert_int_equal(f.n, 1);
	assert_true(fired_sid(&f, 3));
	ips_scratch_free(s);
	ips_engine_free(h);
	ips_engine_free(e);
}

static void test_header(void **state)
{
	static const char rules[] =
		"alert tcp any any -> any 80 (content:\"x\"; sid:1;)\n"
		"alert tcp any any -> any 81 (content:\"x\"; sid:2;)\n"
		"alert tcp !10.0.0.1 any -> any any (content:\"x\"; sid:3;)\n"
		"alert tcp 192.168.1.2 any -> 10.0.0.1 any (content:\"x\"; "
		"sid:4;)\n"
		"alert tcp 192.168.1.2 80 <> 10.0.0.1 any (content:\"x\"; "
		"sid:5;)\n"
		"alert udp any any -> any any (content:\"x\"; sid:6;)\n"
		"alert ip any any -> any any (content:\"x\"; sid:7;)\n"
		"alert tcp [10.0.0.0/8,!10.0.0.2] 1000:2000 -> $HOME_NET "
		"any (content:\"x\"; sid:8;)\n"
		"alert http any any -> any any (content:\"x\"; sid:9;)\n"
		"alert tcp any any -> any any (content:\"x\"; flags:PA; "
		"sid:10;)\n"
		"alert tcp any any -> any any (content:\"x\"; flags:S; "
		"sid:11;)\n"
		"alert tcp any any -> any any (content:\"x\"; dsize:<3; "
		"sid:12;)\n";
	struct ips_engine *e = engine_from(rules, false);
	struct ips_scratch *s = ips_scratch_new(e);
	struct ips_pktinfo p;
	static struct fired f;

	(void)state;
	pkt_tcp(&p, "x");
	run(e, s, &p, &f, NULL);
	assert_int_equal(f.n, 6);
	assert_true(fired_sid(&f, 1) && fired_sid(&f, 5) && fired_sid(&f, 7) &&
		    fired_sid(&f, 8) && fired_sid(&f, 10) && fired_sid(&f, 12));

	/* the reply: 192.168.1.2:80 -> 10.0.0.1:1234 */
	p.src4 = 0xc0a80102;
	p.dst4 = 0x0a000001;
	p.sport = 80;
	p.dport = 1234;
	p.app = IPS_APP_HTTP;
	run(e, s, &p, &f, NULL);
	assert_true(fired_sid(&f, 3) && fired_sid(&f, 4) && fired_sid(&f, 5) &&
		    fired_sid(&f, 7) && fired_sid(&f, 9));
	assert_false(fired_sid(&f, 1) || fired_sid(&f, 8));
	assert_int_equal(f.n, 7); /* and 10, 12 */

	pkt_tcp(&p, "x"); /* negated member of a list */
	p.src4 = 0x0a000002;
	run(e, s, &p, &f, NULL);
	assert_false(fired_sid(&f, 8));
	p.src4 = 0x0a000003;
	run(e, s, &p, &f, NULL);
	assert_true(fired_sid(&f, 8));

	pkt_tcp(&p, "x"); /* UDP */
	p.proto = 17;
	run(e, s, &p, &f, NULL);
	assert_int_equal(f.n, 2);
	assert_true(fired_sid(&f, 6) && fired_sid(&f, 7));

	pkt_tcp(&p, "xxx"); /* dsize:<3 */
	p.tcp_flags = IPS_TCP_SYN;
	run(e, s, &p, &f, NULL);
	assert_true(fired_sid(&f, 11));
	assert_false(fired_sid(&f, 12) || fired_sid(&f, 10));

	pkt_tcp(&p, "x"); /* IPv6: v4 address sets never match */
	p.family = 6;
	p.src6[15] = 1;
	run(e, s, &p, &f, NULL);
	assert_true(fired_sid(&f, 3) && fired_sid(&f, 1));
	assert_false(fired_sid(&f, 8) || fired_sid(&f, 5));
	ips_scratch_free(s);
	ips_engine_free(e);
}

static void test_flow(void **state)
{
	static const char rules[] =
		"alert tcp any any -> any any (flow:established,to_server; "
		"content:\"q\"; sid:1;)\n"
		"alert tcp any any -> any any (flow:to_client; content:\"q\"; "
		"sid:2;)\n"
		"alert tcp any any -> any any (flow:not_established; "
		"content:\"q\"; sid:3;)\n"
		"alert tcp any any -> any any (flow:only_stream; "
		"content:\"q\"; sid:4;)\n"
		"alert tcp any any -> any any (flow:no_stream; "
		"content:\"q\"; sid:5;)\n"
		"alert tcp any any -> any any (dsize:1; sid:6;)\n"
		"alert icmp any any -> any any (itype:8; icode:0; sid:7;)\n"
		"alert tcp any any -> any any (flags:S; sid:8;)\n"
		"alert http any any -> any any (flow:to_server; sid:9;)\n"
		"alert http any any -> any any (urilen:>4; sid:10;)\n";
	struct ips_engine *e = engine_from(rules, false);
	struct ips_scratch *s = ips_scratch_new(e);
	struct ips_pktinfo p;
	static struct fired f;

	(void)state;
	pkt_tcp(&p, "q");
	run(e, s, &p, &f, NULL);
	assert_int_equal(f.n, 3);
	assert_true(fired_sid(&f, 1) && fired_sid(&f, 5) && fired_sid(&f, 6));

	p.flow = IPS_FLOW_TO_CLIENT | IPS_FLOW_ONLY_STREAM;
	run(e, s, &p, &f, NULL); /* no dsize, no header rule on streams */
	assert_int_equal(f.n, 3);
	assert_true(fired_sid(&f, 2) && fired_sid(&f, 3) && fired_sid(&f, 4));

	pkt_tcp(&p, ""); /* an empty SYN is still a packet inspection */
	p.tcp_flags = IPS_TCP_SYN;
	run(e, s, &p, &f, NULL);
	assert_int_equal(f.n, 1);
	assert_true(fired_sid(&f, 8));

	pkt_tcp(&p, "");
	p.proto = 1;
	p.icmp_type = 8;
	run(e, s, &p, &f, NULL);
	assert_int_equal(f.n, 1);
	assert_true(fired_sid(&f, 7));
	p.icmp_code = 1;
	run(e, s, &p, &f, NULL);
	assert_int_equal(f.n, 0);

	/* an HTTP event: request buffers only, no payload */
	pkt_tcp(&p, "");
	p.bufs.present = 0;
	p.app = IPS_APP_HTTP;
	set_buf(&p, IPS_BUF_HTTP_URI, "/a");
	run(e, s, &p, &f, NULL);
	assert_int_equal(f.n, 1);
	assert_true(fired_sid(&f, 9));
	set_buf(&p, IPS_BUF_HTTP_URI, "/abcd");
	run(e, s, &p, &f, NULL);
	assert_int_equal(f.n, 2);
	assert_true(fired_sid(&f, 10));
	ips_scratch_free(s);
	ips_engine_free(e);
}

static void test_flowbits(void **state)
{
	/* the checker is loaded first: setters must still run first */
	static const char rules[] =
		"alert tcp any any -> any any (flowbits:isset,auth; "
		"content:\"secret\"; sid:2;)\n"
		"alert tcp any any -> any any (content:\"login\"; "
		"flowbits:set,auth; flowbits:noalert; sid:1;)\n"
		"alert tcp any any -> any any (content:\"logout\"; "
		"flowbits:unset,auth; sid:3;)\n"
		"alert tcp any any -> any any (flowbits:isnotset,auth; "
		"content:\"secret\"; sid:4;)\n"
		"alert tcp any any -> any any (flowbits:isset,a|auth; "
		"content:\"secret\"; sid:5;)\n"
		"alert tcp any any -> any any (flowbits:isset,a&auth; "
		"content:\"secret\"; sid:6;)\n";
	struct ips_engine *e = engine_from(rules, false);
	struct ips_scratch *s = ips_scratch_new(e);
	uint64_t bits[4] = {0};
	struct ips_detect_result res;
	struct ips_pktinfo p;
	static struct fired f;

	(void)state;
	assert_int_equal(ips_engine_flowbit_words(e), 1);
	pkt_tcp(&p, "secret");
	p.flowbits = bits;
	p.n_flowbit_words = 1;
	run(e, s, &p, &f, &res);
	assert_int_equal(f.n, 1);
	assert_true(fired_sid(&f, 4));

	pkt_tcp(&p, "login"); /* noalert: nothing reported */
	p.flowbits = bits;
	p.n_flowbit_words = 1;
	assert_int_equal(run(e, s, &p, &f, &res), IPS_ACT_MAX);
	assert_int_equal(f.n, 0);
	assert_int_equal(res.n_fired, 0);
	assert_int_equal(ips_engine_hits(e, 1), 1); /* but it fired */
	assert_true(bits[0] != 0);

	pkt_tcp(&p, "secret");
	p.flowbits = bits;
	p.n_flowbit_words = 1;
	run(e, s, &p, &f, &res);
	assert_int_equal(f.n, 2);
	assert_true(fired_sid(&f, 2) && fired_sid(&f, 5));
	assert_int_equal(res.n_fired, 2);
	assert_int_equal(res.action, IPS_ACT_ALERT);

	pkt_tcp(&p, "logout secret"); /* unset runs after, in load order */
	p.flowbits = bits;
	p.n_flowbit_words = 1;
	run(e, s, &p, &f, NULL);
	assert_true(fired_sid(&f, 3));
	assert_int_equal(bits[0], 0);

	memset(bits, 0, sizeof(bits)); /* set and test in one inspection */
	pkt_tcp(&p, "login secret");
	p.flowbits = bits;
	p.n_flowbit_words = 1;
	run(e, s, &p, &f, NULL);
	assert_int_equal(f.n, 2);
	assert_true(fired_sid(&f, 2) && fired_sid(&f, 5));

	pkt_tcp(&p, "login secret"); /* no flow: no bits, isnotset holds */
	run(e, s, &p, &f, NULL);
	assert_int_equal(f.n, 1);
	assert_true(fired_sid(&f, 4));
	ips_scratch_free(s);
	ips_engine_free(e);
}

static void test_threshold(void **state)
{
	static const char rules[] =
		"alert tcp any any -> any any (content:\"lim\"; threshold: "
		"type limit, track by_src, count 1, seconds 60; sid:1;)\n"
		"alert tcp any any -> any any (content:\"df\"; "
		"detection_filter: track by_dst, count 2, seconds 10; sid:2;)\n"
		"alert tcp any any -> any any (content:\"thr\"; threshold: "
		"type threshold, track by_rule, count 3, seconds 60; sid:3;)\n"
		"alert tcp any any -> any any (content:\"both\"; threshold: "
		"type both, track by_src, count 2, seconds 60; sid:4;)\n";
	struct ips_engine *e = engine_from(rules, false);
	struct ips_scratch *s = ips_scratch_new(e);
	const uint64_t sec = 1000000000ull;
	unsigned int n = 0;
	struct ips_pktinfo p;
	static struct fired f;

	(void)state;
	pkt_tcp(&p, "lim df thr both");
	for (uint64_t t = 0; t < 5; t++) {
		p.now_ns = 1000 * sec + t * sec;
		run(e, s, &p, &f, NULL);
		assert_int_equal(fired_sid(&f, 1), t == 0);
		assert_int_equal(fired_sid(&f, 2), t >= 2);
		assert_int_equal(fired_sid(&f, 3), t == 2);
		assert_int_equal(fired_sid(&f, 4), t == 1);
	}
	p.src4 = 0x0a000009; /* another source: its own limit */
	run(e, s, &p, &f, NULL);
	assert_true(fired_sid(&f, 1) && fired_sid(&f, 2));
	assert_true(fired_sid(&f, 3)); /* by_rule: the 3rd since the last */
	assert_false(fired_sid(&f, 4)); /* by_src: a first event */
	p.src4 = 0x0a000001;
	p.now_ns = 1061 * sec; /* a new window */
	run(e, s, &p, &f, NULL);
	assert_true(fired_sid(&f, 1));
	assert_false(fired_sid(&f, 2)); /* detection_filter restarts */
	for (uint32_t i = 0; i < 4; i++)
		n += ips_engine_hits(e, i);
	assert_int_equal(n, (1 + 1 + 1) + (3 + 1) + (1 + 1) + 1);
	ips_engine_reset_state(e);
	p.now_ns = 1062 * sec;
	run(e, s, &p, &f, NULL);
	assert_true(fired_sid(&f, 1));
	assert_int_equal(ips_engine_hits(e, 0), 1);
	ips_scratch_free(s);
	ips_engine_free(e);
}

static void test_actions(void **state)
{
	static const char rules[] =
		"alert tcp any any -> any any (content:\"a\"; sid:1;)\n"
		"reject tcp any any -> any any (content:\"r\"; sid:2;)\n"
		"drop tcp any any -> any any (content:\"d\"; sid:3;)\n"
		"pass tcp any any -> any any (content:\"p\"; sid:4;)\n"
		"drop tcp any any -> any any (content:\"n\"; noalert; sid:5;)\n"
		"alert tcp any any -> any any (content:\"m\"; noalert; "
		"sid:6;)\n";
	struct ips_engine *e = engine_from(rules, false);
	struct ips_scratch *s = ips_scratch_new(e);
	struct ips_detect_result res;
	struct ips_pktinfo p;
	static struct fired f;
	static const struct {
		const char *payload;
		int action;
		uint32_t sid;
		uint32_t n_fired;
	} cases[] = {
		{"a r d p", IPS_ACT_PASS, 4, 1}, /* pass ends it */
		{"a r d", IPS_ACT_DROP, 3, 3},
		{"r a", IPS_ACT_REJECT, 2, 2},
		{"a", IPS_ACT_ALERT, 1, 1},
		{"a n", IPS_ACT_DROP, 5, 1}, /* silent drop */
		{"m", IPS_ACT_MAX, 0, 0}, /* silent alert: nothing */
		{"zzz", IPS_ACT_MAX, 0, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pkt_tcp(&p, cases[i].payload);
		assert_int_equal(run(e, s, &p, &f, &res), cases[i].action);
		assert_int_equal(res.action, cases[i].action);
		assert_int_equal(res.n_fired, cases[i].n_fired);
		assert_int_equal(f.n, cases[i].n_fired);
		if (cases[i].sid)
			assert_int_equal(res.rule->sid, cases[i].sid);
		else
			assert_null(res.rule);
	}
	ips_scratch_free(s);
	ips_engine_free(e);
}

/* A packet inspection of @proto (6, 17, 1, 47) from @sport to @dport */
static void pkt_proto(struct ips_pktinfo *p, uint8_t proto, uint16_t sport,
		      uint16_t dport, uint8_t tcp_flags)
{
	pkt_tcp(p, "");
	p->proto = proto;
	p->tcp_flags = proto == 6 ? tcp_flags : 0;
	p->sport = proto == 6 || proto == 17 ? sport : 0;
	p->dport = proto == 6 || proto == 17 ? dport : 0;
}

/* candidates and fired rules of one inspection */
static uint32_t cands(struct ips_engine *e, struct ips_scratch *s,
		      struct ips_pktinfo *p, struct fired *f)
{
	struct ips_detect_result res;

	run(e, s, p, f, &res);
	return res.n_cands;
}

/*
 * Rules without a fast pattern are listed by packet class and port: a
 * port-80 rule is no candidate of a port-53 packet, flags:S rules only
 * of SYNs, itype only of ICMP; <> rules under both directions, negated
 * port sets by what remains, ip rules in every class.
 */
static void test_groups(void **state)
{
	static const char rules[] =
		"alert tcp any any -> any 80 (flags:S; sid:1;)\n"
		"alert udp any any -> any 53 (content:!\"zz\"; sid:2;)\n"
		"alert tcp any any <> any 8080 (sid:3;)\n"
		"alert tcp any any -> any ![0:79,81:65535] (sid:4;)\n"
		"alert tcp any any -> any !80 (dsize:0; sid:5;)\n"
		"alert tcp any 25 -> any any (sid:6;)\n"
		"alert ip any any -> any any (dsize:0; sid:7;)\n"
		"alert ip any any -> any 53 (sid:8;)\n"
		"alert icmp any any -> any any (itype:8; sid:9;)\n"
		"alert tcp any any -> any any (flags:A,12; dsize:0; sid:10;)\n"
		"alert tcp any any -> any 5900:5920 (flags:S,12; sid:11;)\n";
	struct ips_engine *e = engine_from(rules, false);
	struct ips_scratch *s = ips_scratch_new(e);
	struct ips_engine_stats st;
	struct ips_pktinfo p;
	static struct fired f;

	(void)state;
	ips_engine_stats(e, &st);
	assert_int_equal(st.n_always, 11);
	assert_int_equal(st.n_port_keyed, 7); /* 1, 2, 3, 4, 6, 8, 11 */

	pkt_proto(&p, 6, 1234, 80, IPS_TCP_SYN); /* 1, 4, 7 (5: port) */
	assert_int_equal(cands(e, s, &p, &f), 4);
	assert_int_equal(f.n, 3);
	assert_true(fired_sid(&f, 1) && fired_sid(&f, 4) && fired_sid(&f, 7));
	pkt_proto(&p, 6, 1234, 80, IPS_TCP_ACK); /* no SYN: not 1 */
	assert_int_equal(cands(e, s, &p, &f), 4);
	assert_true(fired_sid(&f, 10) && !fired_sid(&f, 1));
	pkt_proto(&p, 6, 1234, 53, IPS_TCP_SYN); /* 5, 7, 8 */
	assert_int_equal(cands(e, s, &p, &f), 3);
	assert_int_equal(f.n, 3);
	pkt_proto(&p, 6, 1234, 5910, IPS_TCP_SYN | IPS_TCP_ECE);
	cands(e, s, &p, &f);
	assert_true(fired_sid(&f, 11) && fired_sid(&f, 5));
	pkt_proto(&p, 6, 1234, 5921, IPS_TCP_SYN);
	cands(e, s, &p, &f);
	assert_false(fired_sid(&f, 11));

	/* <> 8080: either side's port */
	pkt_proto(&p, 6, 1234, 8080, IPS_TCP_ACK);
	cands(e, s, &p, &f);
	assert_true(fired_sid(&f, 3));
	pkt_proto(&p, 6, 8080, 1234, IPS_TCP_ACK);
	cands(e, s, &p, &f);
	assert_true(fired_sid(&f, 3));
	pkt_proto(&p, 6, 25, 1234, IPS_TCP_ACK); /* source port 25: 6 */
	cands(e, s, &p, &f);
	assert_true(fired_sid(&f, 6) && !fired_sid(&f, 3));
	pkt_proto(&p, 6, 1234, 25, IPS_TCP_ACK);
	cands(e, s, &p, &f);
	assert_false(fired_sid(&f, 6));

	pkt_proto(&p, 17, 1234, 53, 0); /* UDP 53: 2, 7, 8 */
	assert_int_equal(cands(e, s, &p, &f), 3);
	assert_true(fired_sid(&f, 2) && fired_sid(&f, 7) && fired_sid(&f, 8));
	pkt_proto(&p, 17, 1234, 80, 0); /* 7 only */
	assert_int_equal(cands(e, s, &p, &f), 1);
	assert_true(fired_sid(&f, 7));

	pkt_proto(&p, 1, 0, 0, 0); /* ICMP echo: 7, 9 */
	p.icmp_type = 8;
	assert_int_equal(cands(e, s, &p, &f), 2);
	assert_true(fired_sid(&f, 7) && fired_sid(&f, 9));
	/* GRE: the ip rules (other protocols may have ports: SCTP) */
	pkt_proto(&p, 47, 0, 0, 0);
	assert_int_equal(cands(e, s, &p, &f), 2);
	assert_int_equal(f.n, 1);
	assert_true(fired_sid(&f, 7));
	ips_scratch_free(s);
	ips_engine_free(e);
}

/* Random rules over a tiny alphabet so that many of them match */
static void rand_word(char *out, unsigned int len)
{
	static const char alpha[] = "abcAB";

	for (unsigned int i = 0; i < len; i++)
		out[i] = alpha[rand() % 5];
	out[len] = '\0';
}

static void rand_content(char *o, size_t size, bool *fp)
{
	bool neg = rand() % 8 == 0;
	char w[8];
	int n;

	rand_word(w, 1 + rand() % 4);
	n = snprintf(o, size, "content:%s\"%s\"; ", neg ? "!" : "", w);
	if (rand() % 3 == 0)
		n += snprintf(o + n, size - n, "nocase; ");
	if (rand() % 5 == 0)
		n += snprintf(o + n, size - n, "offset:%d; ", rand() % 4);
	if (rand() % 5 == 0)
		n += snprintf(o + n, size - n, "depth:%d; ", 4 + rand() % 8);
	if (!neg && !*fp && rand() % 6 == 0) {
		snprintf(o + n, size - n, "fast_pattern; ");
		*fp = true;
	}
}

static const char *rand_ports(void)
{
	static const char *const ports[] = {"80",
					    "53",
					    "!80",
					    "[80,8080]",
					    "1024:65535",
					    "!53:1023",
					    "![1:79,81:65535]",
					    "8080",
					    "443",
					    "[443,53]",
					    "[80,443,8080]",
					    "!443"};

	return rand() % 3 ? "any" : ports[rand() % 12];
}

static size_t rand_rule(char *out, size_t size, uint32_t sid)
{
	static const char *const bufs[] = {"", "http.uri; ",
					   "http.user_agent; "};
	static const char *const acts[] = {"alert", "alert", "drop", "reject",
					   "pass"};
	static const char *const protos[] = {"tcp", "tcp", "udp", "ip", "icmp"};
	static const char *const flags[] = {"S",  "S,12", "A",	"SA",
					    "+S", "*SF",  "!S", "S,S"};
	/* the databases are split by direction too (ips_detect_mpm.c) */
	static const char *const flows[] = {
		"flow:to_server; ", "flow:to_client; ",
		"flow:established,to_server; ", "flow:from_server; "};
	unsigned int nc = rand() % 4, a = rand() % 5, pr = rand() % 5;
	size_t n;

	/* a pass rule ends an inspection: keep them rare and specific */
	if (a == 4 && (nc < 3 || rand() % 4))
		a = 0;
	n = snprintf(out, size, "%s %s any %s", acts[a], protos[pr],
		     rand_ports());
	n += snprintf(out + n, size - n, " %s any %s (",
		      rand() % 6 ? "->" : "<>", rand_ports());
	bool fp = false;
	char c[128];

	if (pr < 2 && rand() % 5 == 0)
		n += snprintf(out + n, size - n, "flags:%s; ",
			      flags[rand() % 8]);
	if (pr == 4 && rand() % 2)
		n += snprintf(out + n, size - n, "itype:%d; ", rand() % 2 * 8);

	if (pr < 2 && rand() % 2)
		n += snprintf(out + n, size - n, "%s", bufs[1 + rand() % 2]);
	for (unsigned int i = 0; i < nc; i++) {
		rand_content(c, sizeof(c), &fp);
		n += snprintf(out + n, size - n, "%s", c);
	}
	if (rand() % 10 == 0)
		n += snprintf(out + n, size - n, "dsize:>3; ");
	if (pr != 4 && rand() % 2)
		n += snprintf(out + n, size - n, "%s", flows[rand() % 4]);
	n += snprintf(out + n, size - n, "sid:%u;)\n", sid);
	return n;
}

/* fired-set signature of one inspection: sorted sids plus the action */
static void fired_set(struct ips_engine *e, struct ips_scratch *s,
		      struct ips_pktinfo *p, struct fired *f, int *action)
{
	struct ips_detect_result res;

	*action = run(e, s, p, f, &res);
	for (uint32_t i = 1; i < f->n; i++)
		for (uint32_t j = i; j > 0 && f->sids[j - 1] > f->sids[j];
		     j--) {
			uint32_t t = f->sids[j];

			f->sids[j] = f->sids[j - 1];
			f->sids[j - 1] = t;
		}
}

static void test_naive_equals_prefilter(void **state)
{
	enum { RULES = 400, PKTS = 4000 };
	char *text = malloc(RULES * 512);
	struct ips_engine_stats st;
	struct ips_engine *hs, *nv;
	struct ips_scratch *shs, *snv;
	static struct fired a, b;
	size_t n = 0;
	uint64_t total = 0;

	(void)state;
	srand(4242);
	for (uint32_t i = 0; i < RULES; i++)
		n += rand_rule(text + n, RULES * 512 - n, i + 1);
	hs = engine_from(text, false);
	nv = engine_from(text, true);
	/* the payload database is split by port: every port named gets a
	 * set, so a wrong pick of database drops a rule that fires */
	ips_engine_stats(hs, &st);
	assert_true(st.n_mpm_ports >= 4);
	assert_true(st.n_databases > 8);
	shs = ips_scratch_new(hs);
	snv = ips_scratch_new(nv);
	for (uint32_t k = 0; k < PKTS; k++) {
		char pay[40], uri[24], host[16];
		struct ips_pktinfo p;
		int act_a, act_b;

		rand_word(pay, rand() % 40);
		rand_word(uri, rand() % 24);
		rand_word(host, rand() % 16);
		static const uint16_t port[] = {80, 8080, 53, 1234, 40000, 443};
		static const uint8_t proto[] = {6, 6, 6, 17, 1, 47};

		pkt_tcp(&p, pay);
		p.dport = port[rand() % 6];
		p.sport = port[rand() % 6];
		p.proto = proto[rand() % 6];
		p.tcp_flags = (uint8_t)(rand() % 4 ? IPS_TCP_ACK : 0) |
			      (rand() % 3 ? 0 : IPS_TCP_SYN) |
			      (rand() % 5 ? 0 : IPS_TCP_FIN);
		p.icmp_type = rand() % 2 * 8;
		if (p.proto != 6)
			p.tcp_flags = 0;
		if (p.proto != 6 && p.proto != 17)
			p.sport = p.dport = 0;
		/* a flow's direction picks the database block; none (no
		 * flow) takes the full one */
		p.flow = (uint32_t[]){
			IPS_FLOW_TO_SERVER | IPS_FLOW_ESTABLISHED,
			IPS_FLOW_TO_CLIENT | IPS_FLOW_ESTABLISHED,
			IPS_FLOW_TO_CLIENT, 0}[rand() % 4] |
			 IPS_FLOW_NO_STREAM;
		if (p.proto == 6 && rand() % 2) {
			p.app = IPS_APP_HTTP;
			set_buf(&p, IPS_BUF_HTTP_URI, uri);
			set_buf(&p, IPS_BUF_HTTP_USER_AGENT, host);
		}
		fired_set(hs, shs, &p, &a, &act_a);
		fired_set(nv, snv, &p, &b, &act_b);
		assert_int_equal(a.n, b.n);
		assert_memory_equal(a.sids, b.sids, a.n * sizeof(a.sids[0]));
		assert_int_equal(act_a, act_b);
		total += a.n;
	}
	print_message("random: %u rules, %u inspections, %llu alerts\n", RULES,
		      PKTS, (unsigned long long)total);
	assert_true(total > PKTS); /* the rules really fire */
	ips_scratch_free(shs);
	ips_scratch_free(snv);
	ips_engine_free(hs);
	ips_engine_free(nv);
	free(text);
}

static const char *et_open_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("DCBOX_ET_OPEN");
	DIR *d;

	snprintf(dir, sizeof(dir), "%s",
		 env && *env ? env : "../shared/rules/et-open");
	d = opendir(dir);
	if (!d) {
		snprintf(dir, sizeof(dir), "/work/shared/rules/et-open");
		d = opendir(dir);
	}
	if (!d)
		return NULL;
	closedir(d);
	return dir;
}

static void test_et_open(void **state)
{
	const char *dir = et_open_dir();
	struct ips_engine_stats st;
	struct ips_engine *e;
	struct ips_scratch *s;
	struct ips_ruleset rs;
	struct ips_pktinfo p;
	static struct fired f;
	char err[512];
	uint64_t t0;

	(void)state;
	if (!dir) {
		print_message("ET Open not found: skipped\n");
		skip();
	}
	ips_ruleset_init(&rs);
	assert_int_equal(ips_ruleset_load_dir(&rs, dir, &vars), 0);
	assert_true(rs.n_rules > 10000);
	t0 = mono_ns();
	if (ips_engine_build(&e, &rs, NULL, err, sizeof(err)))
		fail_msg("ET Open build: %s", err);
	ips_engine_stats(e, &st);
	print_message("ET Open: %u rules built in %llu ms (pcre %llu ms, "
		      "hyperscan %llu ms; %u prefiltered, %u always, %u "
		      "patterns, %u databases, %llu KiB)\n",
		      st.n_rules,
		      (unsigned long long)(mono_ns() - t0) / 1000000,
		      (unsigned long long)st.prepare_ns / 1000000,
		      (unsigned long long)st.mpm_ns / 1000000, st.n_prefiltered,
		      st.n_always, st.n_patterns, st.n_databases,
		      (unsigned long long)st.memory / 1024);
	assert_true(st.n_prefiltered * 10 > st.n_rules * 9);
	s = ips_scratch_new(e);
	assert_non_null(s);
	pkt_tcp(&p, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	p.src4 = 0xcb007105; /* 203.0.113.5: $EXTERNAL_NET */
	p.app = IPS_APP_HTTP;
	set_buf(&p, IPS_BUF_HTTP_URI, "/index.php?id=1 UNION SELECT 1,2");
	set_buf(&p, IPS_BUF_HTTP_METHOD, "GET");
	set_buf(&p, IPS_BUF_HTTP_USER_AGENT, "sqlmap/1.0");
	run(e, s, &p, &f, NULL);
	print_message("ET Open: a sqlmap UNION SELECT request fires %u "
		      "rules\n",
		      f.n);
	assert_true(f.n >= 1);
	ips_scratch_free(s);
	ips_engine_free(e);
	ips_ruleset_free(&rs);
}

static void test_30k_rules(void **state)
{
	enum { RULES = 30000 };
	size_t size = (size_t)RULES * 160, n = 0;
	char *text = malloc(size), w[24];
	struct ips_engine_stats st;
	struct ips_engine *e;
	uint64_t t0;

	(void)state;
	assert_non_null(text);
	srand(77);
	for (uint32_t i = 0; i < RULES; i++) {
		for (unsigned int k = 0; k < 12; k++)
			w[k] = "abcdefghijklmnopqrstuvwxyz0123456789"[rand() %
								      36];
		w[12] = '\0';
		n += snprintf(text + n, size - n,
			      "alert %s any any -> any any (msg:\"g %u\"; "
			      "%scontent:\"%s\";%s sid:%u;)\n",
			      i % 3 ? "tcp" : "http", i,
			      i % 3 ? "" : "http.uri; ", w,
			      i % 2 ? " nocase;" : "", i + 1);
	}
	t0 = mono_ns();
	e = engine_from(text, false);
	ips_engine_stats(e, &st);
	print_message("30k rules: loaded and built in %llu ms (build %llu "
		      "ms, hyperscan %llu ms, %u patterns, %llu KiB)\n",
		      (unsigned long long)(mono_ns() - t0) / 1000000,
		      (unsigned long long)st.build_ns / 1000000,
		      (unsigned long long)st.mpm_ns / 1000000, st.n_patterns,
		      (unsigned long long)st.memory / 1024);
	assert_int_equal(st.n_rules, RULES);
	ips_engine_free(e);
	free(text);
}

static int setup_vars(void **state)
{
	(void)state;
	return ips_vars_init_defaults(&vars);
}

static int teardown_vars(void **state)
{
	(void)state;
	ips_vars_free(&vars);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_candidates),
		cmocka_unit_test(test_shared_fast_pattern),
		cmocka_unit_test(test_prefilter_and_reuse),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_flow),
		cmocka_unit_test(test_flowbits),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_naive_equals_prefilter),
		cmocka_unit_test(test_et_open),
		cmocka_unit_test(test_30k_rules),
	};

	return cmocka_run_group_tests_name("ips_detect", tests, setup_vars,
					   teardown_vars);
}
