// SPDX-License-Identifier: MIT
/*
 * test_ips_inspect.c - the IPS inspector on hand-built IPv4/IPv6 packets
 * and real rules: an HTTP request split over two TCP segments fires a raw
 * content rule on the stream and an http.uri rule on the normalised URI,
 * each once; retransmissions and the stream tail do not repeat alerts,
 * a later occurrence does; inline drop drops the completing packet and
 * every later one of the flow, not inline it only alerts; pass stops
 * inspection of the flow; reject asks for a reject; a fragmented UDP
 * datagram is reassembled and matched (IPv4; IPv6 behind an extension
 * header, where an overlap with other bytes is dropped inline); checksum
 * validation on and off;
 * DNS over UDP and TLS SNI events; IPv6; truncated packets; one
 * Hyperscan pass for in-order payload (window reuse) with unchanged
 * alerts; no raw inspections for an engine of HTTP rules; a body
 * delimited by the close is inspected at expiry, eviction and the end of
 * a capture (flush); a response rule testing its request's URI or
 * method; a first payload split inside the HTTP method.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/csum.h"
#include "ips/ips_detect.h"
#include "ips/ips_inspect.h"

#define S 1000000000ull

enum { MAX_ALERTS = 64, TALLY_SIDS = 256 };

static struct ips_vars vars;

struct seen {
	uint32_t sid;
	bool blocked;
	uint8_t app;
	uint16_t sport;
	uint64_t flow_id;
};

struct fx {
	struct ips_engine *eng;
	struct ips_inspect *in;
	struct seen a[MAX_ALERTS];
	unsigned int n;
	uint64_t now;
	bool tally; /* count alerts per sid in @by_sid instead */
	unsigned int by_sid[TALLY_SIDS];
};

static void on_alert(void *ctx, const struct ips_alert *a)
{
	struct fx *fx = ctx;

	if (fx->tally) {
		fx->by_sid[a->rule->sid % TALLY_SIDS]++;
		return;
	}
	assert_true(fx->n < MAX_ALERTS);
	fx->a[fx->n].sid = a->rule->sid;
	fx->a[fx->n].blocked = a->blocked;
	fx->a[fx->n].app = a->app;
	fx->a[fx->n].sport = a->sport;
	fx->a[fx->n].flow_id = a->flow_id;
	fx->n++;
}

static unsigned int count(const struct fx *fx, uint32_t sid)
{
	unsigned int i, n = 0;

	for (i = 0; i < fx->n; i++)
		n += fx->a[i].sid == sid;
	return n;
}

static void fx_init_eng(struct fx *fx, const char *rules, bool inl,
			bool csum, bool naive)
{
	struct ips_inspect_cfg cfg = { .inline_mode = inl, .checksums = csum,
				       .max_flows = 64,
				       .stream_memcap = 1 << 20,
				       .frag_memcap = 1 << 20 };
	struct ips_engine_cfg ecfg = { .naive = naive };
	struct ips_ruleset rs;
	char err[256];

	memset(fx, 0, sizeof(*fx));
	ips_ruleset_init(&rs);
	assert_int_equal(ips_ruleset_load_buf(&rs, rules, strlen(rules), "t",
					      &vars),
			 0);
	assert_int_equal(rs.stats.failed + rs.stats.skipped, 0);
	if (ips_engine_build(&fx->eng, &rs, &ecfg, err, sizeof(err)))
		fail_msg("engine: %s", err);
	ips_ruleset_free(&rs);
	fx->in = ips_inspect_create(&cfg, fx->eng, on_alert, fx);
	assert_non_null(fx->in);
	fx->now = 1000 * S;
}

static void fx_init(struct fx *fx, const char *rules, bool inl, bool csum)
{
	fx_init_eng(fx, rules, inl, csum, false);
}

static void fx_fini(struct fx *fx)
{
	ips_inspect_destroy(fx->in);
	ips_engine_free(fx->eng);
}

static uint64_t ctr(const struct fx *fx, enum ips_inspect_counter c)
{
	return ips_inspect_counters(fx->in)[c];
}

/* ---- packet building ---- */

struct sess {
	uint32_t cip, sip; /* network order */
	uint16_t cport, sport;
	uint32_t cseq, sseq;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t ip4_hdr(uint8_t *b, uint32_t src, uint32_t dst, uint8_t proto,
			uint32_t l4len, uint16_t id, uint16_t frag)
{
	uint16_t c;

	memset(b, 0, 20);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)(20 + l4len));
	put16(b + 4, id);
	put16(b + 6, frag);
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, &src, 4);
	memcpy(b + 16, &dst, 4);
	c = csum_ipv4_hdr(b, 20);
	memcpy(b + 10, &c, 2);
	return 20;
}

static uint32_t tcp4(uint8_t *b, uint32_t src, uint32_t dst, uint16_t sp,
		     uint16_t dp, uint32_t seq, uint32_t ack, uint8_t flags,
		     const char *data)
{
	uint32_t n = data ? (uint32_t)strlen(data) : 0;
	uint8_t *t = b + 20;
	uint16_t c;

	ip4_hdr(b, src, dst, 6, 20 + n, 1, 0);
	memset(t, 0, 20);
	put16(t, sp);
	put16(t + 2, dp);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 65535);
	if (n)
		memcpy(t + 20, data, n);
	c = csum_l4_ipv4(t, (uint16_t)(20 + n), src, dst, 6);
	memcpy(t + 16, &c, 2);
	return 40 + n;
}

static enum ips_verdict pkt(struct fx *fx, const uint8_t *b, uint32_t len)
{
	fx->now += S / 1000;
	return ips_inspect_packet(fx->in, b, len, fx->now, fx->now);
}

static enum ips_verdict c2s(struct fx *fx, struct sess *s, uint8_t fl,
			    const char *data)
{
	uint8_t b[2048];
	uint32_t n = tcp4(b, s->cip, s->sip, s->cport, s->sport, s->cseq,
			  s->sseq, fl, data);

	s->cseq += (data ? (uint32_t)strlen(data) : 0) + ((fl & 3) ? 1 : 0);
	return pkt(fx, b, n);
}

static enum ips_verdict s2c(struct fx *fx, struct sess *s, uint8_t fl,
			    const char *data)
{
	uint8_t b[2048];
	uint32_t n = tcp4(b, s->sip, s->cip, s->sport, s->cport, s->sseq,
			  s->cseq, fl, data);

	s->sseq += (data ? (uint32_t)strlen(data) : 0) + ((fl & 3) ? 1 : 0);
	return pkt(fx, b, n);
}

static struct sess handshake(struct fx *fx, uint16_t cport)
{
	struct sess s = { htonl(0x0a000001), htonl(0x0a000002), cport, 80,
			  0xfffffff0u, 1000 };

	assert_int_equal(c2s(fx, &s, 0x02, NULL), IPS_VERDICT_PASS);
	assert_int_equal(s2c(fx, &s, 0x12, NULL), IPS_VERDICT_PASS);
	assert_int_equal(c2s(fx, &s, 0x10, NULL), IPS_VERDICT_PASS);
	return s;
}

/* ---- tests ---- */

static const char split_rules[] =
	"alert tcp any any -> any 80 (msg:\"raw ua\"; "
	"flow:established,to_server; content:\"sqlmap-evil\"; sid:1;)\n"
	"alert http any any -> any any (msg:\"uri sqli\"; http.uri; "
	"content:\"union select\"; nocase; sid:2;)\n";

static void test_split_request_stream_and_uri(void **state)
{
	struct fx fx;
	struct sess s;

	(void)state;
	fx_init(&fx, split_rules, false, true);
	s = handshake(&fx, 40000);
	/* sequence numbers wrap inside the request */
	c2s(&fx, &s, 0x18, "GET /p?id=1%20UNION%20SELECT%201 HTTP/1.1\r\n"
			   "Host: x\r\nUser-Agent: sqlmap-");
	assert_int_equal(fx.n, 0);
	c2s(&fx, &s, 0x18, "evil/1.0\r\n\r\n");
	assert_int_equal(count(&fx, 1), 1);
	assert_int_equal(count(&fx, 2), 1);
	assert_int_equal(fx.a[0].app, IPS_APP_HTTP);
	assert_int_equal(fx.a[0].sport, 40000);
	assert_int_not_equal(fx.a[0].flow_id, 0);
	assert_int_equal(fx.a[0].flow_id, fx.a[1].flow_id);
	assert_false(fx.a[0].blocked);
	/* more data in the flow: the tail still holds the match, no repeat */
	c2s(&fx, &s, 0x18, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	assert_int_equal(fx.n, 2);
	assert_int_equal(ctr(&fx, IPS_IC_HTTP_EVENTS), 2);
	assert_int_equal(ctr(&fx, IPS_IC_FLOWS), 1);
	fx_fini(&fx);
}

static void test_no_repeat_retransmit_then_new(void **state)
{
	struct fx fx;
	struct sess s;
	char big[700];
	uint32_t seq;

	(void)state;
	fx_init(&fx, "alert tcp any any -> any any (msg:\"m\"; "
		     "content:\"ATTACK\"; sid:7;)\n",
		 false, true);
	s = handshake(&fx, 40001);
	seq = s.cseq;
	c2s(&fx, &s, 0x18, "xxATTACKxx");
	assert_int_equal(count(&fx, 7), 1);
	/* the same segment again: same bytes, no alert */
	s.cseq = seq;
	c2s(&fx, &s, 0x18, "xxATTACKxx");
	assert_int_equal(count(&fx, 7), 1);
	/* data beyond the tail, then a new occurrence: alerts again */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	c2s(&fx, &s, 0x18, big);
	assert_int_equal(count(&fx, 7), 1);
	c2s(&fx, &s, 0x18, "ATTACK");
	assert_int_equal(count(&fx, 7), 2);
	fx_fini(&fx);
}

static const char drop_rules[] =
	"drop tcp any any -> any 80 (msg:\"drop ua\"; "
	"flow:established,to_server; content:\"sqlmap-evil\"; "
	"classtype:web-application-attack; sid:3;)\n";

static void test_inline_drop_drops_flow(void **state)
{
	struct fx fx;
	struct sess s, other;

	(void)state;
	fx_init(&fx, drop_rules, true, true);
	s = handshake(&fx, 40002);
	assert_int_equal(c2s(&fx, &s, 0x18, "GET / HTTP/1.1\r\nUA: sqlmap-"),
			 IPS_VERDICT_PASS);
	assert_int_equal(c2s(&fx, &s, 0x18, "evil\r\n\r\n"), IPS_VERDICT_DROP);
	assert_int_equal(fx.n, 1);
	assert_true(fx.a[0].blocked);
	/* every later packet of the flow, both ways, is dropped */
	assert_int_equal(s2c(&fx, &s, 0x10, NULL), IPS_VERDICT_DROP);
	assert_int_equal(c2s(&fx, &s, 0x18, "more"), IPS_VERDICT_DROP);
	assert_int_equal(ctr(&fx, IPS_IC_DROPS), 1);
	assert_int_equal(ctr(&fx, IPS_IC_FLOW_DROPPED), 2);
	/* another flow is not affected */
	other = handshake(&fx, 40003);
	assert_int_equal(c2s(&fx, &other, 0x18, "GET / HTTP/1.1\r\n\r\n"),
			 IPS_VERDICT_PASS);
	assert_int_equal(fx.n, 1);
	fx_fini(&fx);
}

static void test_not_inline_only_alerts(void **state)
{
	struct fx fx;
	struct sess s;

	(void)state;
	fx_init(&fx, drop_rules, false, true);
	s = handshake(&fx, 40004);
	assert_int_equal(c2s(&fx, &s, 0x18, "UA: sqlmap-evil\r\n"),
			 IPS_VERDICT_PASS);
	assert_int_equal(c2s(&fx, &s, 0x18, "next"), IPS_VERDICT_PASS);
	assert_int_equal(fx.n, 1);
	assert_false(fx.a[0].blocked);
	assert_int_equal(ctr(&fx, IPS_IC_DROPS), 0);
	fx_fini(&fx);
}

static void test_reject_verdict(void **state)
{
	struct fx fx;
	struct sess s;

	(void)state;
	fx_init(&fx, "reject tcp any any -> any any (msg:\"r\"; "
		     "content:\"bad\"; sid:4;)\n",
		 true, true);
	s = handshake(&fx, 40005);
	assert_int_equal(c2s(&fx, &s, 0x18, "so bad"), IPS_VERDICT_REJECT);
	assert_int_equal(c2s(&fx, &s, 0x18, "x"), IPS_VERDICT_DROP);
	assert_int_equal(ctr(&fx, IPS_IC_REJECTS), 1);
	fx_fini(&fx);
}

static void test_pass_stops_inspection(void **state)
{
	struct fx fx;
	struct sess s;

	(void)state;
	fx_init(&fx, "pass tcp any any -> any any (msg:\"ok\"; "
		     "content:\"trusted\"; sid:5;)\n"
		     "drop tcp any any -> any any (msg:\"e\"; "
		     "content:\"evil\"; sid:6;)\n",
		 true, true);
	s = handshake(&fx, 40006);
	assert_int_equal(c2s(&fx, &s, 0x18, "trusted"), IPS_VERDICT_PASS);
	assert_int_equal(c2s(&fx, &s, 0x18, "evil"), IPS_VERDICT_PASS);
	assert_int_equal(fx.n, 0); /* pass rules do not alert */
	assert_int_equal(ctr(&fx, IPS_IC_FLOW_PASSED), 1);
	/* a flow without the pass is still dropped */
	s = handshake(&fx, 40007);
	assert_int_equal(c2s(&fx, &s, 0x18, "evil"), IPS_VERDICT_DROP);
	assert_int_equal(count(&fx, 6), 1);
	fx_fini(&fx);
}

/* In-order segments after a stream tail: the packet inspection scans the
 * window (tail + payload) and the window reuses that scan; anchored and
 * dsize rules still see the packet alone, stream rules the window. */
static const char inorder_rules[] =
	"alert tcp any any -> any 80 (content:\"GET /a\"; depth:6; sid:10;)\n"
	"alert tcp any any -> any 80 (flow:established,to_server; "
	"content:\"evil-x\"; sid:11;)\n"
	"alert tcp any any -> any 80 (content:\"zz\"; dsize:>3; sid:12;)\n"
	"alert tcp any any -> any 80 (flow:only_stream; content:\"sp\"; "
	"content:\"lit\"; distance:0; within:3; sid:13;)\n";

static void test_inorder_window_reuse(void **state)
{
	char big[700];
	struct fx fx;
	struct sess s;

	(void)state;
	fx_init(&fx, inorder_rules, false, true);
	s = handshake(&fx, 40100);
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	c2s(&fx, &s, 0x18, big); /* fills the tail */
	assert_int_equal(fx.n, 0);
	c2s(&fx, &s, 0x18, "GET /a evil-x zz sp");
	assert_int_equal(count(&fx, 10), 1);
	assert_int_equal(count(&fx, 11), 1);
	assert_int_equal(count(&fx, 12), 1);
	assert_int_equal(count(&fx, 13), 0);
	c2s(&fx, &s, 0x18, "lit"); /* split over two segments */
	assert_int_equal(count(&fx, 13), 1);
	c2s(&fx, &s, 0x18, big);
	c2s(&fx, &s, 0x18, "GET /a again evil-x");
	assert_int_equal(count(&fx, 10), 2);
	assert_int_equal(count(&fx, 11), 2);
	assert_int_equal(count(&fx, 12), 1);
	/* out of order: the later segment is inspected as a packet first,
	 * then in the stream once the hole is filled; one alert each */
	s.cseq += 6;
	c2s(&fx, &s, 0x18, "GET /a evil-x");
	s.cseq -= 19;
	c2s(&fx, &s, 0x18, "hole..");
	s.cseq += 13;
	assert_int_equal(count(&fx, 10), 3);
	assert_int_equal(count(&fx, 11), 3);
	c2s(&fx, &s, 0x18, "tail");
	assert_int_equal(fx.n, 8);
	fx_fini(&fx);
}

/* An engine without raw rules makes no raw inspections at all */
static void test_http_only_engine_skips_raw(void **state)
{
	struct fx fx;
	struct sess s;

	(void)state;
	fx_init(&fx,
		"alert http any any -> any any (http.uri; content:\"/x\"; "
		"sid:20;)\n",
		false, true);
	s = handshake(&fx, 40200);
	c2s(&fx, &s, 0x18, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
	s2c(&fx, &s, 0x18, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(count(&fx, 20), 1);
	assert_int_equal(ctr(&fx, IPS_IC_HTTP_EVENTS), 2);
	assert_int_equal(ctr(&fx, IPS_IC_INSPECTIONS), 2);
	fx_fini(&fx);
}

static uint32_t udp4(uint8_t *b, uint32_t src, uint32_t dst, uint16_t sp,
		     uint16_t dp, const uint8_t *data, uint32_t n)
{
	uint8_t *u = b + 20;
	uint16_t c;

	ip4_hdr(b, src, dst, 17, 8 + n, 7, 0);
	put16(u, sp);
	put16(u + 2, dp);
	put16(u + 4, (uint16_t)(8 + n));
	put16(u + 6, 0);
	memcpy(u + 8, data, n);
	c = csum_l4_ipv4(u, (uint16_t)(8 + n), src, dst, 17);
	memcpy(u + 6, &c, 2);
	return 28 + n;
}

static void test_fragmented_udp(void **state)
{
	static const char rule[] = "drop udp any any -> any 9999 (msg:\"f\"; "
				   "content:\"fragmented-evil\"; sid:8;)\n";
	uint8_t whole[256], f1[128], f2[128], payload[64];
	uint32_t src = htonl(0x0a000001), dst = htonl(0x0a000002), n;
	struct fx fx;
	unsigned int pass;

	(void)state;
	memset(payload, '.', sizeof(payload));
	memcpy(payload + 10, "fragmented-evil", 15); /* crosses byte 24 */
	n = udp4(whole, src, dst, 5555, 9999, payload, sizeof(payload));
	/* first fragment: 8 UDP header + 24 payload bytes; MF */
	for (pass = 0; pass < 2; pass++) {
		fx_init(&fx, rule, pass, true);
		ip4_hdr(f1, src, dst, 17, 32, 77, 0x2000);
		memcpy(f1 + 20, whole + 20, 32);
		ip4_hdr(f2, src, dst, 17, n - 52, 77, 4);
		memcpy(f2 + 20, whole + 52, n - 52);
		assert_int_equal(pkt(&fx, f1, 52), IPS_VERDICT_PASS);
		assert_int_equal(fx.n, 0);
		assert_int_equal(pkt(&fx, f2, 20 + n - 52),
				 pass ? IPS_VERDICT_DROP : IPS_VERDICT_PASS);
		assert_int_equal(count(&fx, 8), 1);
		assert_int_equal(fx.a[0].blocked, pass);
		assert_int_equal(ctr(&fx, IPS_IC_REASSEMBLED), 1);
		assert_int_equal(ctr(&fx, IPS_IC_FRAG_HELD), 1);
		fx_fini(&fx);
	}
}

/* An IPv6 UDP datagram 2001:db8::1 -> 2001:db8::2 behind a hop-by-hop
 * header: @b gets the 48-byte unfragmentable part, then UDP and @data. */
static uint32_t udp6_hbh(uint8_t *b, uint16_t dp, const uint8_t *data,
			 uint32_t n)
{
	uint8_t *u = b + 48;
	uint16_t c;

	memset(b, 0, 48);
	b[0] = 0x60;
	put16(b + 4, (uint16_t)(8 + 8 + n));
	b[6] = 0; /* hop-by-hop, then UDP */
	b[7] = 64;
	inet_pton(AF_INET6, "2001:db8::1", b + 8);
	inet_pton(AF_INET6, "2001:db8::2", b + 24);
	b[40] = 17;
	b[42] = 1; /* PadN, 4 bytes */
	b[43] = 4;
	put16(u, 5555);
	put16(u + 2, dp);
	put16(u + 4, (uint16_t)(8 + n));
	put16(u + 6, 0);
	memcpy(u + 8, data, n);
	c = csum_l4_ipv6(u, 8 + n, b + 8, b + 24, 17);
	memcpy(u + 6, &c, 2);
	return 56 + n;
}

/* Fragment [off, off + len) of the fragmentable part of @whole (from byte
 * 48) into @f: unfragmentable part, Fragment header, the bytes. */
static uint32_t frag6_of(uint8_t *f, const uint8_t *whole, uint32_t off,
			 uint32_t len, bool more, uint32_t id)
{
	memcpy(f, whole, 48);
	f[40] = 44;
	f[48] = 17;
	f[49] = 0;
	put16(f + 50, (uint16_t)(off | (more ? 1 : 0)));
	put32(f + 52, id);
	memcpy(f + 56, whole + 48 + off, len);
	put16(f + 4, (uint16_t)(8 + 8 + len));
	return 56 + len;
}

/* The IPv6 evasion: a pattern split across fragments behind an extension
 * header alerts once when the datagram completes (inline: drops it); an
 * overlap with other bytes drops the fragment inline and alerts nothing;
 * an atomic fragment is inspected as a whole datagram. */
static void test_fragmented_udp_v6(void **state)
{
	static const char rule[] = "drop udp any any -> any 9999 (msg:\"f6\"; "
				   "content:\"fragmented-evil\"; sid:9;)\n";
	uint8_t whole[256], f1[128], f2[128], payload[64];
	uint32_t n, n1, n2;
	struct fx fx;

	(void)state;
	memset(payload, '.', sizeof(payload));
	memcpy(payload + 10, "fragmented-evil", 15); /* crosses byte 24 */
	n = udp6_hbh(whole, 9999, payload, sizeof(payload)) - 48;
	for (unsigned int inl = 0; inl < 2; inl++) {
		fx_init(&fx, rule, inl, true);
		n1 = frag6_of(f1, whole, 0, 32, true, 0x10000077);
		n2 = frag6_of(f2, whole, 32, n - 32, false, 0x10000077);
		assert_int_equal(pkt(&fx, f2, n2), IPS_VERDICT_PASS);
		assert_int_equal(fx.n, 0);
		assert_int_equal(pkt(&fx, f1, n1),
				 inl ? IPS_VERDICT_DROP : IPS_VERDICT_PASS);
		assert_int_equal(count(&fx, 9), 1);
		assert_int_equal(ctr(&fx, IPS_IC_FRAGMENTS), 2);
		assert_int_equal(ctr(&fx, IPS_IC_REASSEMBLED), 1);
		assert_int_equal(ctr(&fx, IPS_IC_UNSUPPORTED), 0);
		assert_int_equal(ctr(&fx, IPS_IC_CSUM_BAD), 0);
		/* same offsets, other bytes: the datagram is ambiguous */
		n1 = frag6_of(f1, whole, 0, 32, true, 0x10000078);
		assert_int_equal(pkt(&fx, f1, n1), IPS_VERDICT_PASS);
		f1[56 + 30] ^= 0x20;
		assert_int_equal(pkt(&fx, f1, n1),
				 inl ? IPS_VERDICT_DROP : IPS_VERDICT_PASS);
		n2 = frag6_of(f2, whole, 32, n - 32, false, 0x10000078);
		assert_int_equal(pkt(&fx, f2, n2),
				 inl ? IPS_VERDICT_DROP : IPS_VERDICT_PASS);
		assert_int_equal(ctr(&fx, IPS_IC_FRAG_BAD), 2);
		assert_int_equal(count(&fx, 9), 1);
		/* atomic: offset 0, no M */
		n1 = frag6_of(f1, whole, 0, n, false, 0x10000079);
		assert_int_equal(pkt(&fx, f1, n1),
				 inl ? IPS_VERDICT_DROP : IPS_VERDICT_PASS);
		/* (inline, the flow was dropped: no inspection) */
		assert_int_equal(count(&fx, 9), inl ? 1 : 2);
		assert_int_equal(ctr(&fx, IPS_IC_FRAGMENTS), 5);
		fx_fini(&fx);
	}
}

static void test_checksums(void **state)
{
	static const char rule[] = "alert tcp any any -> any any (msg:\"c\"; "
				   "content:\"payload\"; sid:9;)\n";
	uint8_t b[256];
	uint32_t n;
	unsigned int on;
	struct fx fx;

	(void)state;
	for (on = 0; on < 2; on++) {
		fx_init(&fx, rule, false, on);
		n = tcp4(b, htonl(0x0a000001), htonl(0x0a000002), 1, 2, 5, 0,
			 0x18, "payload");
		b[36] ^= 0xff; /* break the TCP checksum */
		assert_int_equal(pkt(&fx, b, n), IPS_VERDICT_PASS);
		assert_int_equal(count(&fx, 9), on ? 0 : 1);
		assert_int_equal(ctr(&fx, IPS_IC_CSUM_BAD), on ? 1 : 0);
		/* a bad IPv4 header checksum too */
		b[36] ^= 0xff;
		b[10] ^= 0x01;
		pkt(&fx, b, n);
		assert_int_equal(ctr(&fx, IPS_IC_CSUM_BAD), on ? 2 : 0);
		fx_fini(&fx);
	}
}

static void test_dns_udp_query(void **state)
{
	static const uint8_t q[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		4, 'e', 'v', 'i', 'l', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
		3, 'c', 'o', 'm', 0, 0, 1, 0, 1 };
	uint8_t b[128];
	struct fx fx;
	uint32_t n;

	(void)state;
	fx_init(&fx, "alert dns any any -> any any (msg:\"d\"; dns.query; "
		     "content:\"evil.example.com\"; sid:10;)\n",
		 false, true);
	n = udp4(b, htonl(0x0a000001), htonl(0x0a000002), 3333, 53, q,
		 sizeof(q));
	pkt(&fx, b, n);
	assert_int_equal(count(&fx, 10), 1);
	assert_int_equal(fx.a[0].app, IPS_APP_DNS);
	assert_int_equal(ctr(&fx, IPS_IC_DNS_QUERIES), 1);
	fx_fini(&fx);
}

static void test_tls_sni(void **state)
{
	/* a minimal ClientHello with SNI "bad.example" */
	static const char sni[] = "bad.example";
	uint8_t hello[128], *p = hello;
	uint32_t sl = sizeof(sni) - 1, ext = 9 + sl, body;
	struct fx fx;
	struct sess s;

	(void)state;
	body = 2 + 32 + 1 + 4 + 2 + 2 + ext;
	*p++ = 0x16, *p++ = 3, *p++ = 1, put16(p, (uint16_t)(4 + body)), p += 2;
	*p++ = 1, *p++ = 0, put16(p, (uint16_t)body), p += 2;
	*p++ = 3, *p++ = 3;
	memset(p, 0x11, 32), p += 32;
	*p++ = 0;
	put16(p, 2), p += 2, put16(p, 0x1301), p += 2;
	*p++ = 1, *p++ = 0;
	put16(p, (uint16_t)ext), p += 2;
	put16(p, 0), p += 2, put16(p, (uint16_t)(5 + sl)), p += 2;
	put16(p, (uint16_t)(3 + sl)), p += 2, *p++ = 0;
	put16(p, (uint16_t)sl), p += 2, memcpy(p, sni, sl), p += sl;
	/* binary payload: built as an empty segment, then filled (the
	 * checksums are off for this one) */
	fx_init(&fx, "alert tls any any -> any any (msg:\"t\"; tls.sni; "
		     "content:\"bad.example\"; sid:11;)\n",
		 false, false);
	s = handshake(&fx, 40008);
	{
		uint8_t b[512];
		uint32_t n = (uint32_t)(p - hello);

		tcp4(b, s.cip, s.sip, s.cport, s.sport, s.cseq, s.sseq, 0x18,
		     NULL);
		memcpy(b + 40, hello, n);
		put16(b + 2, (uint16_t)(40 + n));
		pkt(&fx, b, 40 + n);
	}
	assert_int_equal(count(&fx, 11), 1);
	assert_int_equal(fx.a[0].app, IPS_APP_TLS);
	assert_int_equal(ctr(&fx, IPS_IC_TLS_SNI), 1);
	fx_fini(&fx);
}

static void test_ipv6_and_truncated(void **state)
{
	uint8_t b[128];
	struct fx fx;
	const char *pl = "v6 attack";
	uint32_t n = (uint32_t)strlen(pl);

	(void)state;
	fx_init(&fx, "alert udp any any -> any any (msg:\"6\"; "
		     "content:\"attack\"; sid:12;)\n",
		 false, true);
	memset(b, 0, sizeof(b));
	b[0] = 0x60;
	put16(b + 4, (uint16_t)(8 + n));
	b[6] = 17;
	b[7] = 64;
	inet_pton(AF_INET6, "2001:db8::1", b + 8);
	inet_pton(AF_INET6, "2001:db8::2", b + 24);
	put16(b + 40, 1234);
	put16(b + 42, 5678);
	put16(b + 44, (uint16_t)(8 + n));
	memcpy(b + 48, pl, n);
	{
		uint16_t c = csum_l4_ipv6(b + 40, 8 + n, b + 8, b + 24, 17);

		memcpy(b + 46, &c, 2);
	}
	pkt(&fx, b, 48 + n);
	assert_int_equal(count(&fx, 12), 1);
	/* cut short: the IPv6 payload length says more than there is */
	pkt(&fx, b, 47 + n);
	assert_int_equal(ctr(&fx, IPS_IC_INVALID), 1);
	pkt(&fx, b, 10);
	assert_int_equal(ctr(&fx, IPS_IC_INVALID), 2);
	assert_int_equal(fx.n, 1);
	fx_fini(&fx);
}

static void test_flow_expiry_tick(void **state)
{
	struct fx fx;
	struct sess s;

	(void)state;
	fx_init(&fx, split_rules, false, true);
	s = handshake(&fx, 40009);
	c2s(&fx, &s, 0x18, "GET / HTTP/1.1\r\n\r\n");
	assert_int_equal(ips_inspect_flows_active(fx.in), 1);
	ips_inspect_tick(fx.in, fx.now + 3599 * S);
	assert_int_equal(ips_inspect_flows_active(fx.in), 1);
	ips_inspect_tick(fx.in, fx.now + 3601 * S);
	assert_int_equal(ips_inspect_flows_active(fx.in), 0);
	assert_int_equal(ctr(&fx, IPS_IC_FLOWS_TIMEOUT), 1);
	fx_fini(&fx);
}

/* A response body delimited by the connection's close is inspected when
 * the flow ends without a FIN: by expiry, and by eviction */
static const char close_rules[] =
	"alert http any any -> any any (flow:to_client; file.data; "
	"content:\"secret-body\"; sid:30;)\n";

static struct sess until_close_response(struct fx *fx, uint16_t cport)
{
	struct sess s = handshake(fx, cport);

	c2s(fx, &s, 0x18, "GET /f HTTP/1.1\r\nHost: a\r\n\r\n");
	s2c(fx, &s, 0x18, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
	s2c(fx, &s, 0x18, "some secret-body here");
	return s;
}

static void test_expiry_closes_http(void **state)
{
	struct fx fx;

	(void)state;
	fx_init(&fx, close_rules, false, true);
	until_close_response(&fx, 40300);
	assert_int_equal(count(&fx, 30), 0);
	ips_inspect_tick(fx.in, fx.now + 3601 * S);
	assert_int_equal(ctr(&fx, IPS_IC_FLOWS_TIMEOUT), 1);
	assert_int_equal(count(&fx, 30), 1);
	/* a to_client inspection: named from the server, as Suricata does */
	assert_int_equal(fx.a[0].sport, 80);
	assert_int_not_equal(fx.a[0].flow_id, 0);
	fx_fini(&fx);
}

static void test_eviction_closes_http(void **state)
{
	uint8_t b[64];
	struct fx fx;
	uint16_t i;

	(void)state;
	fx_init(&fx, close_rules, false, true);
	until_close_response(&fx, 40301);
	for (i = 0; i < 64; i++) /* SYNs of new flows fill the table */
		pkt(&fx, b,
		    tcp4(b, htonl(0x0a000009), htonl(0x0a000002),
			 (uint16_t)(41000 + i), 80, 7, 0, 0x02, NULL));
	assert_int_equal(count(&fx, 30), 1);
	assert_int_equal(fx.a[0].sport, 80);
	/* the packet whose lookup evicted is unaffected */
	assert_int_equal(ips_inspect_flows_active(fx.in), 64);
	assert_int_equal(fx.n, 1);
	fx_fini(&fx);
}

/*
 * End of capture: ips_inspect_flush() ends every open flow as expiry
 * would. A response body delimited by the close, a request body short of
 * its Content-Length and out-of-order data queued behind a hole are
 * inspected only then; the header addresses of the to_client rule hold
 * because the response side is addressed from the server.
 */
static const char flush_rules[] =
	"alert http 10.0.0.2 any -> 10.0.0.1 any (flow:established,to_client; "
	"file.data; content:\"secret-body\"; sid:30;)\n"
	"alert http any any -> any any (flow:to_server; http.request_body; "
	"content:\"half-body\"; sid:31;)\n"
	"alert tcp any any -> any 80 (flow:established,to_server,only_stream; "
	"content:\"queued-late\"; sid:32;)\n";

static void test_flush_ends_open_flows(void **state)
{
	struct fx fx;
	struct sess s;

	(void)state;
	fx_init(&fx, flush_rules, false, true);
	until_close_response(&fx, 40310);
	s = handshake(&fx, 40311);
	c2s(&fx, &s, 0x18, "POST /u HTTP/1.1\r\nHost: a\r\n"
			   "Content-Length: 100\r\n\r\nsome half-body");
	s = handshake(&fx, 40312);
	s.cseq += 4; /* a hole: the segment waits in the reassembly queue */
	c2s(&fx, &s, 0x18, "xx queued-late xx");
	assert_int_equal(fx.n, 0);
	assert_int_equal(ips_inspect_flows_active(fx.in), 3);
	assert_int_equal(ips_inspect_flush(fx.in), 3);
	assert_int_equal(ips_inspect_flows_active(fx.in), 0);
	assert_int_equal(ctr(&fx, IPS_IC_FLOWS_FLUSHED), 3);
	assert_int_equal(ctr(&fx, IPS_IC_FLOWS_TIMEOUT), 0);
	assert_int_equal(count(&fx, 30), 1);
	assert_int_equal(count(&fx, 31), 1);
	assert_int_equal(count(&fx, 32), 1);
	assert_int_equal(fx.n, 3);
	for (unsigned int i = 0; i < fx.n; i++)
		assert_int_equal(
			fx.a[i].sport,
			fx.a[i].sid == 30 ? 80 : 40311 + (fx.a[i].sid == 32));
	/* nothing left: a second flush is a no-op */
	assert_int_equal(ips_inspect_flush(fx.in), 0);
	assert_int_equal(fx.n, 3);
	fx_fini(&fx);
}

/*
 * One transaction: a to_client rule sees the response's buffers and its
 * request's (pipelined requests: each response its own); a rule on
 * request buffers alone still fires once, on the request, and on the
 * response neither alerts nor decides the verdict (inline).
 */
static const char txn_rules[] =
	"alert http any any -> any any (flow:established,to_client; "
	"http.stat_code; content:\"200\"; http.uri; content:\"/admin\"; "
	"sid:40;)\n"
	"alert http any any -> any any (flow:to_client; http.method; "
	"content:\"POST\"; file.data; content:\"resp-marker\"; sid:41;)\n"
	"alert http any any -> any any (http.uri; content:\"/admin\"; "
	"sid:42;)\n"
	"drop http any any -> any any (http.uri; content:\"/x\"; http.header; "
	"content:\"X-Mark|3a| srv\"; sid:43;)\n";

static void test_response_sees_request(void **state)
{
	struct fx fx;
	struct sess s;

	(void)state;
	fx_init(&fx, txn_rules, true, true);
	s = handshake(&fx, 40320);
	c2s(&fx, &s, 0x18, "GET /admin/panel HTTP/1.1\r\nHost: a\r\n\r\n"
			   "GET /public HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(count(&fx, 42), 1);
	assert_int_equal(fx.n, 1);
	s2c(&fx, &s, 0x18, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	assert_int_equal(count(&fx, 40), 1);
	assert_int_equal(fx.a[1].sport, 80);
	s2c(&fx, &s, 0x18, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	assert_int_equal(count(&fx, 40), 1); /* /public's response */
	assert_int_equal(count(&fx, 42), 1);
	/* the request rule is taken as to_server: the response events that
	 * carry /admin do not even evaluate it (no hit, no threshold) */
	assert_int_equal(ips_engine_hits(fx.eng, 2), 1);
	/* not 200: no alert */
	c2s(&fx, &s, 0x18, "GET /admin/x HTTP/1.1\r\nHost: a\r\n\r\n");
	s2c(&fx, &s, 0x18, "HTTP/1.1 404 No\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(count(&fx, 40), 1);
	assert_int_equal(count(&fx, 42), 2);
	/* http.method with the response body */
	s = handshake(&fx, 40321);
	c2s(&fx, &s, 0x18, "POST /up HTTP/1.1\r\nContent-Length: 1\r\n\r\nz");
	s2c(&fx, &s, 0x18,
	    "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nxx resp-marker");
	assert_int_equal(count(&fx, 41), 1);
	/* a request rule matching only with the response's headers: silent,
	 * and inline the response passes */
	s = handshake(&fx, 40322);
	c2s(&fx, &s, 0x18, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(s2c(&fx, &s, 0x18,
			     "HTTP/1.1 200 OK\r\nX-Mark: srv\r\n"
			     "Content-Length: 0\r\n\r\n"),
			 IPS_VERDICT_PASS);
	assert_int_equal(count(&fx, 43), 0);
	assert_int_equal(ips_engine_hits(fx.eng, 3), 0);
	assert_int_equal(ctr(&fx, IPS_IC_DROPS), 0);
	assert_int_equal(fx.n, 4);
	fx_fini(&fx);
	/* without such rules responses do not carry (scan) the request's
	 * buffers: the request rule is not even evaluated there (one hit) */
	fx_init(&fx, split_rules, false, true);
	s = handshake(&fx, 40323);
	c2s(&fx, &s, 0x18, "GET /?union%20select HTTP/1.1\r\nHost: a\r\n\r\n");
	s2c(&fx, &s, 0x18, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(ctr(&fx, IPS_IC_HTTP_EVENTS), 2);
	assert_int_equal(count(&fx, 2), 1);
	assert_int_equal(ips_engine_hits(fx.eng, 1), 1);
	fx_fini(&fx);
}

/*
 * A segment's bytes are inspected as the packet and again in the stream
 * window: the second match is a repeat and moves no threshold, no
 * detection_filter and no hit counter (each segment counts once).
 */
static const char thresh_rules[] =
	"alert tcp any any -> any 80 (flow:to_server; content:\"mark-one\"; "
	"threshold: type threshold, track by_src, count 2, seconds 60; "
	"sid:50;)\n"
	"alert tcp any any -> any 80 (flow:to_server; content:\"mark-two\"; "
	"detection_filter: track by_src, count 2, seconds 60; sid:51;)\n";

static void test_repeat_counts_once(void **state)
{
	struct fx fx;
	struct sess s;

	(void)state;
	fx_init(&fx, thresh_rules, false, true);
	s = handshake(&fx, 40330);
	c2s(&fx, &s, 0x18, "xx mark-one xx mark-two");
	assert_int_equal(fx.n, 0); /* one match each so far */
	assert_int_equal(ips_engine_hits(fx.eng, 0), 0);
	c2s(&fx, &s, 0x18, "yy mark-one yy mark-two");
	assert_int_equal(count(&fx, 50), 1); /* the 2nd: threshold reached */
	assert_int_equal(count(&fx, 51), 0); /* alerts after 2 matches */
	c2s(&fx, &s, 0x18, "zz mark-two");
	assert_int_equal(count(&fx, 51), 1);
	assert_int_equal(ips_engine_hits(fx.eng, 0), 1);
	assert_int_equal(ips_engine_hits(fx.eng, 1), 1);
	assert_int_equal(fx.n, 2);
	fx_fini(&fx);
}

/*
 * Stream windows are scanned from just before their new bytes, the
 * patterns inside the tail carried from earlier scans (ips_inspect_tcp.c).
 * Against the naive engine (every rule evaluated on every whole window)
 * over random streams cut at random: the same alerts, sid by sid. The
 * alphabet and rules make matches frequent but the carry mostly known;
 * runs of one letter overflow the occurrence ring; long contents are cut
 * to their 64-byte prefix in the database.
 */
#define RAND_ALPHA "abcdefghijklmnop"

static void rand_text(char *o, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		o[i] = RAND_ALPHA[rand() % 16];
	o[n] = '\0';
}

static size_t carry_rules(char *out, size_t size, const char *motif)
{
	size_t n = 0;
	char w[8], v[8];

	for (uint32_t sid = 1; sid <= 60; sid++) {
		rand_text(w, 3 + rand() % 3);
		rand_text(v, 1 + rand() % 3);
		n += snprintf(out + n, size - n,
			      "alert tcp any any -> any 80 (flow:to_server; ");
		if (sid % 3 == 0)
			n += snprintf(out + n, size - n,
				      "content:\"%s\"; content:\"%s\"; "
				      "distance:%d; within:%d; ",
				      w, v, rand() % 4, 8 + rand() % 600);
		else
			n += snprintf(out + n, size - n, "content:\"%s\"; ",
				      w);
		n += snprintf(out + n, size - n, "sid:%u;)\n", sid);
	}
	n += snprintf(out + n, size - n,
		      "alert tcp any any -> any 80 (content:\"%s\"; sid:61;)\n"
		      "alert tcp any any -> any 80 (content:\"aaaa\"; "
		      "content:\"pop\"; distance:0; sid:62;)\n",
		      motif);
	return n;
}

/*
 * One random stream through both inspectors: random text with the long
 * motif and runs of 'a' (more occurrences of "aaaa" than the ring holds,
 * after the patterns before them) at random places, cut into random
 * segments, so both straddle segment boundaries.
 */
static void carry_stream(struct fx *fa, struct fx *fb, const char *motif,
			 uint16_t port)
{
	enum { LEN = 90000 };
	struct sess sa = handshake(fa, port), sb = handshake(fb, port);
	char *text = malloc(LEN + 1), seg[1500];
	uint32_t off = 0;

	rand_text(text, LEN);
	for (uint32_t k = 0; k < 60; k++) {
		uint32_t at = (uint32_t)rand() % (LEN - 600);

		if (k % 2)
			memcpy(text + at, motif, strlen(motif));
		else
			memset(text + at, 'a', 70 + rand() % 300);
	}
	while (off < LEN) {
		uint32_t len = 1 + (uint32_t)rand() % 1400;

		if (len > LEN - off)
			len = LEN - off;
		memcpy(seg, text + off, len);
		seg[len] = '\0';
		c2s(fa, &sa, 0x18, seg);
		c2s(fb, &sb, 0x18, seg);
		off += len;
	}
	free(text);
}

static void test_window_carry_equals_naive(void **state)
{
	char *rules = malloc(16384), motif[101];
	struct fx fa, fb;
	uint64_t total = 0;

	(void)state;
	srand(777);
	for (uint32_t round = 0; round < 6; round++) {
		rand_text(motif, 100);
		carry_rules(rules, 16384, motif);
		fx_init_eng(&fa, rules, false, true, false);
		fx_init_eng(&fb, rules, false, true, true);
		fa.tally = fb.tally = true;
		for (uint16_t f = 0; f < 3; f++)
			carry_stream(&fa, &fb, motif, (uint16_t)(41000 + f));
		assert_memory_equal(fa.by_sid, fb.by_sid, sizeof(fa.by_sid));
		for (uint32_t i = 0; i < TALLY_SIDS; i++)
			total += fa.by_sid[i];
		/* the partial path ran, and so did the full one */
		assert_true(ctr(&fa, IPS_IC_WIN_PARTIAL) > 100);
		assert_true(ctr(&fa, IPS_IC_WIN_PARTIAL) <
			    ctr(&fa, IPS_IC_TCP_SEGMENTS));
		assert_int_equal(ctr(&fb, IPS_IC_WIN_PARTIAL), 0);
		fx_fini(&fa);
		fx_fini(&fb);
	}
	print_message("carry: %llu alerts\n", (unsigned long long)total);
	assert_true(total > 1000);
	free(rules);
}

/* The first payload split inside the method still makes an HTTP flow */
static void test_app_detect_split_method(void **state)
{
	struct fx fx;
	struct sess s;

	(void)state;
	fx_init(&fx, split_rules, false, true);
	s = handshake(&fx, 40302);
	c2s(&fx, &s, 0x18, "GE");
	c2s(&fx, &s, 0x18, "T /?q=union%20select HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(count(&fx, 2), 1);
	assert_int_equal(fx.a[0].app, IPS_APP_HTTP);
	assert_int_equal(ctr(&fx, IPS_IC_HTTP_EVENTS), 1);
	/* not a method: decided as nothing once it cannot become one */
	s = handshake(&fx, 40303);
	c2s(&fx, &s, 0x18, "GE");
	c2s(&fx, &s, 0x18, "X /?q=union%20select HTTP/1.1\r\n\r\n");
	assert_int_equal(count(&fx, 2), 1);
	assert_int_equal(ctr(&fx, IPS_IC_HTTP_EVENTS), 1);
	fx_fini(&fx);
}

/* Short IPv4/IPv6 headers in buffers of exactly their length (the ASan
 * build catches a read past them: found by fuzz_ips_inspect, IPv6's next
 * header was read before the length check) */
static void test_short_headers_exact_buffers(void **state)
{
	struct fx fx;
	uint32_t n;

	(void)state;
	fx_init(&fx, split_rules, false, true);
	for (n = 1; n < 40; n++) {
		uint8_t *b = malloc(n);

		assert_non_null(b);
		memset(b, 0, n);
		b[0] = n < 20 ? 0x45 : 0x60;
		assert_int_equal(pkt(&fx, b, n), IPS_VERDICT_PASS);
		b[0] = 0x60;
		assert_int_equal(pkt(&fx, b, n), IPS_VERDICT_PASS);
		free(b);
	}
	assert_int_equal(ctr(&fx, IPS_IC_INVALID), 78);
	fx_fini(&fx);
}

static int setup(void **state)
{
	(void)state;
	return ips_vars_init_defaults(&vars);
}

static int teardown(void **state)
{
	(void)state;
	ips_vars_free(&vars);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_request_stream_and_uri),
		cmocka_unit_test(test_no_repeat_retransmit_then_new),
		cmocka_unit_test(test_inline_drop_drops_flow),
		cmocka_unit_test(test_not_inline_only_alerts),
		cmocka_unit_test(test_reject_verdict),
		cmocka_unit_test(test_pass_stops_inspection),
		cmocka_unit_test(test_inorder_window_reuse),
		cmocka_unit_test(test_http_only_engine_skips_raw),
		cmocka_unit_test(test_fragmented_udp),
		cmocka_unit_test(test_fragmented_udp_v6),
		cmocka_unit_test(test_checksums),
		cmocka_unit_test(test_dns_udp_query),
		cmocka_unit_test(test_tls_sni),
		cmocka_unit_test(test_ipv6_and_truncated),
		cmocka_unit_test(test_flow_expiry_tick),
		cmocka_unit_test(test_expiry_closes_http),
		cmocka_unit_test(test_eviction_closes_http),
		cmocka_unit_test(test_flush_ends_open_flows),
		cmocka_unit_test(test_response_sees_request),
		cmocka_unit_test(test_repeat_counts_once),
		cmocka_unit_test(test_window_carry_equals_naive),
		cmocka_unit_test(test_app_detect_split_method),
		cmocka_unit_test(test_short_headers_exact_buffers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
