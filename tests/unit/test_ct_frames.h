/* SPDX-License-Identifier: MIT */
/*
 * test_ct_frames.h - frame builders and checkers shared by the conntrack
 * and NAT unit tests (test_ct.c, test_ct_tcp.c, test_nat.c): Ethernet +
 * IPv4/IPv6 + TCP/UDP/ICMP frames with correct checksums, ICMP errors
 * quoting another frame, and a checker that recomputes every checksum of
 * a frame from scratch (csum_l4_ipv4() and friends). Header-only, static.
 * Addresses are host-order integers (0x0a000002 is 10.0.0.2).
 */
#ifndef DCBOX_TEST_CT_FRAMES_H
#define DCBOX_TEST_CT_FRAMES_H

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/csum.h"
#include "core/parse.h"
#include "core/pkt.h"
#include "ct/ct.h"

enum {
	TF_ETH = 14,
	TF_FRAME_MAX = 2048,
	TF_TCP = 6,
	TF_UDP = 17,
	TF_ICMP = 1,
	TF_ICMP6 = 58,
	TF_FIN = 0x01,
	TF_SYN = 0x02,
	TF_RST = 0x04,
	TF_PSH = 0x08,
	TF_ACK = 0x10,
	TF_URG = 0x20,
};

/** struct tf - a frame under test, its pkt descriptor and parse */
struct tf {
	uint8_t buf[TF_FRAME_MAX];
	uint32_t len;
	struct pkt p;
	struct pkt_meta m;
};

static inline void tf_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void tf_put32(uint8_t *p, uint32_t v)
{
	tf_put16(p, (uint16_t)(v >> 16));
	tf_put16(p + 2, (uint16_t)v);
}

static inline uint16_t tf_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t tf_get32(const uint8_t *p)
{
	return (uint32_t)tf_get16(p) << 16 | tf_get16(p + 2);
}

static inline void tf_eth(uint8_t *f, uint16_t type)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};

	memcpy(f, macs, 12);
	tf_put16(f + 12, type);
}

/* IPv4 header at @ip with a correct checksum; returns 20. */
static inline uint32_t tf_ip4(uint8_t *ip, uint32_t saddr, uint32_t daddr,
			      uint8_t proto, uint32_t l4len)
{
	uint16_t c;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	tf_put16(ip + 2, (uint16_t)(20 + l4len));
	tf_put16(ip + 4, 0x1234);
	ip[8] = 64;
	ip[9] = proto;
	tf_put32(ip + 12, saddr);
	tf_put32(ip + 16, daddr);
	c = csum_ipv4_hdr(ip, 20);
	memcpy(ip + 10, &c, 2);
	return 20;
}

static inline void tf_l4sum4(uint8_t *ip, uint32_t l4len, unsigned int off)
{
	uint8_t *l4 = ip + 20;
	uint32_t s, d;
	uint16_t c;

	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	memset(l4 + off, 0, 2);
	c = csum_l4_ipv4(l4, (uint16_t)l4len, s, d, ip[9]);
	if (ip[9] == TF_UDP && c == 0)
		c = 0xffff;
	memcpy(l4 + off, &c, 2);
}

static inline void tf_finish(struct tf *t, uint32_t len)
{
	t->len = len;
	memset(&t->p, 0, sizeof(t->p));
	t->p.buf = t->buf;
	t->p.off = 0;
	t->p.len = len;
	t->p.in_port = PKT_PORT_NONE;
	assert_int_equal(pkt_parse(t->buf, len, &t->m), 0);
}

/* Copy a frame under test (its pkt must point at its own buffer). */
static inline void tf_copy(struct tf *dst, const struct tf *src)
{
	*dst = *src;
	dst->p.buf = dst->buf;
}

/* TCP over IPv4 with options @opts (multiple of 4 bytes) and zero payload */
static inline void tf_tcp4(struct tf *t, uint32_t saddr, uint32_t daddr,
			   uint16_t sport, uint16_t dport, uint32_t seq,
			   uint32_t ack, uint8_t flags, uint16_t win,
			   const uint8_t *opts, uint32_t optlen,
			   uint32_t paylen)
{
	uint8_t *ip = t->buf + TF_ETH, *th = ip + 20;
	uint32_t l4len = 20 + optlen + paylen;

	tf_eth(t->buf, 0x0800);
	tf_ip4(ip, saddr, daddr, TF_TCP, l4len);
	memset(th, 0, 20);
	tf_put16(th, sport);
	tf_put16(th + 2, dport);
	tf_put32(th + 4, seq);
	tf_put32(th + 8, ack);
	th[12] = (uint8_t)((5 + optlen / 4) << 4);
	th[13] = flags;
	tf_put16(th + 14, win);
	if (optlen)
		memcpy(th + 20, opts, optlen);
	memset(th + 20 + optlen, 'x', paylen);
	tf_l4sum4(ip, l4len, 16);
	tf_finish(t, TF_ETH + 20 + l4len);
}

static inline void tf_udp4(struct tf *t, uint32_t saddr, uint32_t daddr,
			   uint16_t sport, uint16_t dport, uint32_t paylen,
			   bool no_csum)
{
	uint8_t *ip = t->buf + TF_ETH, *uh = ip + 20;
	uint32_t l4len = 8 + paylen;

	tf_eth(t->buf, 0x0800);
	tf_ip4(ip, saddr, daddr, TF_UDP, l4len);
	tf_put16(uh, sport);
	tf_put16(uh + 2, dport);
	tf_put16(uh + 4, (uint16_t)l4len);
	memset(uh + 8, 'u', paylen);
	if (no_csum)
		memset(uh + 6, 0, 2);
	else
		tf_l4sum4(ip, l4len, 6);
	tf_finish(t, TF_ETH + 20 + l4len);
}

static inline void tf_icmp4_echo(struct tf *t, uint32_t saddr, uint32_t daddr,
				 uint8_t type, uint16_t id, uint16_t seq)
{
	uint8_t *ip = t->buf + TF_ETH, *ih = ip + 20;
	uint32_t l4len = 8 + 16;
	uint16_t c;

	tf_eth(t->buf, 0x0800);
	tf_ip4(ip, saddr, daddr, TF_ICMP, l4len);
	memset(ih, 0, l4len);
	ih[0] = type;
	tf_put16(ih + 4, id);
	tf_put16(ih + 6, seq);
	memset(ih + 8, 'p', 16);
	c = csum_buf(ih, l4len);
	memcpy(ih + 2, &c, 2);
	tf_finish(t, TF_ETH + 20 + l4len);
}

/* ICMP error quoting @quote (from its IP header), @qlen bytes of it. */
static inline void tf_icmp4_err(struct tf *t, uint32_t saddr, uint32_t daddr,
				uint8_t type, uint8_t code,
				const struct tf *quote, uint32_t qlen)
{
	uint8_t *ip = t->buf + TF_ETH, *ih = ip + 20;
	uint32_t l4len = 8 + qlen;
	uint16_t c;

	assert_true(qlen <= quote->len - TF_ETH);
	tf_eth(t->buf, 0x0800);
	tf_ip4(ip, saddr, daddr, TF_ICMP, l4len);
	memset(ih, 0, 8);
	ih[0] = type;
	ih[1] = code;
	memcpy(ih + 8, quote->buf + TF_ETH, qlen);
	c = csum_buf(ih, l4len);
	memcpy(ih + 2, &c, 2);
	tf_finish(t, TF_ETH + 20 + l4len);
}

/* IPv6 address 2001:db8::@n */
static inline void tf_a6(uint8_t *a, uint32_t n)
{
	memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8;
	tf_put32(a + 12, n);
}

static inline void tf_ip6(uint8_t *ip, uint32_t s, uint32_t d, uint8_t nh,
			  uint32_t l4len)
{
	memset(ip, 0, 40);
	ip[0] = 0x60;
	tf_put16(ip + 4, (uint16_t)l4len);
	ip[6] = nh;
	ip[7] = 64;
	tf_a6(ip + 8, s);
	tf_a6(ip + 24, d);
}

static inline void tf_udp6(struct tf *t, uint32_t s, uint32_t d, uint16_t sport,
			   uint16_t dport)
{
	uint8_t *ip = t->buf + TF_ETH, *uh = ip + 40;
	uint16_t c;

	tf_eth(t->buf, 0x86dd);
	tf_ip6(ip, s, d, TF_UDP, 12);
	memset(uh, 0, 12);
	tf_put16(uh, sport);
	tf_put16(uh + 2, dport);
	tf_put16(uh + 4, 12);
	c = csum_l4_ipv6(uh, 12, ip + 8, ip + 24, TF_UDP);
	memcpy(uh + 6, &c, 2);
	tf_finish(t, TF_ETH + 40 + 12);
}

static inline void tf_icmp6(struct tf *t, uint32_t s, uint32_t d, uint8_t type,
			    uint16_t id, const struct tf *quote, uint32_t qlen)
{
	uint8_t *ip = t->buf + TF_ETH, *ih = ip + 40;
	uint32_t l4len = 8 + (quote ? qlen : 8);
	uint16_t c;

	tf_eth(t->buf, 0x86dd);
	tf_ip6(ip, s, d, TF_ICMP6, l4len);
	memset(ih, 0, l4len);
	ih[0] = type;
	if (quote)
		memcpy(ih + 8, quote->buf + TF_ETH, qlen);
	else
		tf_put16(ih + 4, id);
	c = csum_l4_ipv6(ih, l4len, ip + 8, ip + 24, TF_ICMP6);
	memcpy(ih + 2, &c, 2);
	tf_finish(t, TF_ETH + 40 + l4len);
}

/*
 * Check every checksum of an IPv4 frame from scratch: the IP header, the
 * TCP/UDP checksum over pseudo-header and segment (UDP 0 = none), the ICMP
 * checksum; for an ICMP error also the quoted IP header and, when the
 * whole quoted datagram is there, its L4 checksum.
 */
static inline void tf_verify_l4(const uint8_t *ip, uint32_t iplen, bool whole)
{
	uint32_t hl = (ip[0] & 0xfu) * 4, s, d, l4len = iplen - hl;
	const uint8_t *l4 = ip + hl;

	assert_int_equal(csum_buf(ip, hl), 0);
	memcpy(&s, ip + 12, 4);
	memcpy(&d, ip + 16, 4);
	if (!whole)
		return;
	if (ip[9] == TF_TCP || (ip[9] == TF_UDP && tf_get16(l4 + 6)))
		assert_int_equal(csum_l4_ipv4(l4, (uint16_t)l4len, s, d, ip[9]),
				 0);
	if (ip[9] == TF_ICMP)
		assert_int_equal(csum_buf(l4, l4len), 0);
}

static inline void tf_verify(const struct tf *t)
{
	const uint8_t *ip = t->buf + TF_ETH, *q;
	uint32_t iplen = tf_get16(ip + 2), qlen;

	assert_int_equal(ip[0] >> 4, 4);
	tf_verify_l4(ip, iplen, true);
	if (ip[9] != TF_ICMP || !(t->m.flags & PKT_F_ICMP_ERR))
		return;
	q = ip + 20 + 8;
	qlen = iplen - 28;
	tf_verify_l4(q, qlen, tf_get16(q + 2) == qlen);
}

/* Re-parse after a rewrite and check the descriptor NAT left matches. */
static inline void tf_reparse_same(const struct tf *t)
{
	struct pkt_meta m2;

	assert_int_equal(pkt_parse(t->buf, t->len, &m2), 0);
	assert_memory_equal(&m2, &t->m, sizeof(m2));
}

static inline enum ct_verdict tf_ct(struct ct_table *ct, struct tf *t,
				    uint64_t now_ms, struct ct_result *r)
{
	return ct_process(ct, t->buf, &t->m, now_ms, r);
}

#endif
