// SPDX-License-Identifier: MIT
/*
 * firewall_reject.c - the answers of a reject: a TCP RST (RFC 793 "Reset
 * Generation") back to the sender and, when a reload cuts a flow, another
 * to its peer; an ICMP destination unreachable (src/l3/icmp.c builds the
 * IPv4 one) or an ICMPv6 one (built here) for everything else.
 *
 * The firewall is transparent: it has no address of its own. Every answer
 * is sent in the name of the packet's destination (source address, port
 * and MAC are the destination's), as Linux's bridge REJECT target does,
 * and keeps the packet's VLAN tags, so it reaches the sender as if the
 * destination had answered. Answers go out of the leg the packet came in
 * on; the RST to the peer goes out of the other leg, in the sender's name.
 *
 * Sequence numbers (RFC 793 p. 65, as Linux nf_reject): to the sender of a
 * segment with ACK, seq = its ack and no ACK; without ACK, seq = 0 and
 * ack = its seq + payload + SYN + FIN with ACK set. To the peer, seq = the
 * segment's seq (exactly what the peer expects next: the segment itself
 * never arrives) and ack = its ack.
 *
 * Never answered: a RST (RFC 793), an ICMP error, a non-first fragment, a
 * link or IP broadcast/multicast, an invalid source; ICMP answers are rate
 * limited (opts.reject_rate); RSTs are not (one per denied segment, never
 * more, so a flood cannot be amplified).
 */
#include <errno.h>
#include <string.h>

#include "../core/csum.h"
#include "firewall_priv.h"

enum {
	ETH_HLEN_ = 14,
	IP4_HLEN = 20,
	IP6_HLEN = 40,
	TCP_HLEN = 20,
	ICMP_HLEN = 8,
	IPV6_MIN_MTU = 1280,
	TH_FIN = 0x01,
	TH_SYN = 0x02,
	TH_RST = 0x04,
	TH_ACK = 0x10,
	ICMP6_DST_UNREACH = 1,
	ICMP6_ADMIN_PROHIBITED = 1,
	ICMP6_PORT_UNREACH = 4,
	RST_TTL = 64,
	NS_PER_S = 1000000000,
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

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The L2 header of @orig (MACs, VLAN tags, ethertype), MACs swapped. */
static void put_l2(uint8_t *o, const uint8_t *orig, uint16_t l3_off, bool swap)
{
	memcpy(o, orig + (swap ? 6 : 0), 6);
	memcpy(o + 6, orig + (swap ? 0 : 6), 6);
	memcpy(o + 12, orig + 12, l3_off - 12u);
}

/* IP header of a reply (@swap) or of a copy in the sender's name. */
static void put_ip(uint8_t *ip, const uint8_t *oip, bool v6, uint8_t proto,
		   uint16_t l4len, bool swap)
{
	uint16_t c;

	if (v6) {
		memset(ip, 0, IP6_HLEN);
		ip[0] = 0x60;
		put16(ip + 4, l4len);
		ip[6] = proto;
		ip[7] = RST_TTL;
		memcpy(ip + 8, oip + (swap ? 24 : 8), 16);
		memcpy(ip + 24, oip + (swap ? 8 : 24), 16);
		return;
	}
	memset(ip, 0, IP4_HLEN);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(IP4_HLEN + l4len));
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = RST_TTL;
	ip[9] = proto;
	memcpy(ip + 12, oip + (swap ? 16 : 12), 4);
	memcpy(ip + 16, oip + (swap ? 12 : 16), 4);
	c = csum_ipv4_hdr(ip, IP4_HLEN);
	memcpy(ip + 10, &c, 2);
}

static void put_tcp_rst(uint8_t *t, const uint8_t *th, const struct pkt_meta *m,
			bool to_sender)
{
	uint32_t seq = get32(th + 4), ack = get32(th + 8);
	uint16_t f = m->tcp_flags;

	memset(t, 0, TCP_HLEN);
	memcpy(t, th + (to_sender ? 2 : 0), 2);
	memcpy(t + 2, th + (to_sender ? 0 : 2), 2);
	t[12] = (TCP_HLEN / 4) << 4;
	if (!to_sender) {
		put32(t + 4, seq);
		put32(t + 8, ack);
		t[13] = TH_RST | (f & TH_ACK);
	} else if (f & TH_ACK) {
		put32(t + 4, ack);
		t[13] = TH_RST;
	} else {
		put32(t + 8,
		      seq + m->payload_len + !!(f & TH_SYN) + !!(f & TH_FIN));
		t[13] = TH_RST | TH_ACK;
	}
}

/**
 * firewall_build_rst() - a TCP RST answering the segment @orig
 * @out: a packet from the pool; reset and overwritten
 * @orig: the segment (not modified)
 * @m: its descriptor (IPv4 or IPv6, PKT_F_L4, TCP)
 * @to_sender: true: to @orig's sender, in its destination's name; false:
 *             to its destination, in the sender's name
 *
 * The frame keeps @orig's VLAN tags; IP and TCP checksums are complete
 * (no offload), window 0, TTL/hop limit 64, IPv4 DF and IP ID 0.
 *
 * Return: 0, or -EINVAL if @orig is not a TCP segment with its header.
 */
int firewall_build_rst(struct pkt *out, const struct pkt *orig,
		       const struct pkt_meta *m, bool to_sender)
{
	const uint8_t *d = pkt_data(orig);
	bool v6 = m->l3 == PKT_L3_IPV6;
	uint32_t iphl = v6 ? IP6_HLEN : IP4_HLEN;
	uint8_t *o, *ip, *t;
	uint16_t c;

	if ((m->l3 != PKT_L3_IPV4 && !v6) || m->l4_proto != 6 ||
	    !(m->flags & PKT_F_L4) || m->l3_off < ETH_HLEN_)
		return -EINVAL;
	pkt_reset(out);
	out->len = m->l3_off + iphl + TCP_HLEN;
	o = pkt_data(out);
	put_l2(o, d, m->l3_off, to_sender);
	ip = o + m->l3_off;
	t = ip + iphl;
	put_ip(ip, d + m->l3_off, v6, 6, TCP_HLEN, to_sender);
	put_tcp_rst(t, d + m->l4_off, m, to_sender);
	if (v6) {
		c = csum_l4_ipv6(t, TCP_HLEN, ip + 8, ip + 24, 6);
	} else {
		uint32_t s, dd;

		memcpy(&s, ip + 12, 4);
		memcpy(&dd, ip + 16, 4);
		c = csum_l4_ipv4(t, TCP_HLEN, s, dd, 6);
	}
	memcpy(t + 16, &c, 2);
	return 0;
}

/**
 * firewall_build_icmp6_unreach() - an ICMPv6 destination unreachable
 * (RFC 4443 3.1) about @orig, to its sender in its destination's name
 * @out: a packet from the pool; reset and overwritten
 * @orig: the offending packet (not modified)
 * @m: its descriptor (IPv6)
 * @code: 1 administratively prohibited, 4 port unreachable
 *
 * Quotes as much of @orig as keeps the reply within the IPv6 minimum MTU.
 *
 * Return: 0, or -EINVAL if @orig is not IPv6.
 */
int firewall_build_icmp6_unreach(struct pkt *out, const struct pkt *orig,
				 const struct pkt_meta *m, uint8_t code)
{
	uint32_t qlen = m->payload_off + m->payload_len - m->l3_off;
	const uint8_t *d = pkt_data(orig);
	uint8_t *o, *ip, *ic;
	uint16_t c;

	if (m->l3 != PKT_L3_IPV6 || m->l3_off < ETH_HLEN_)
		return -EINVAL;
	if (qlen > IPV6_MIN_MTU - IP6_HLEN - ICMP_HLEN)
		qlen = IPV6_MIN_MTU - IP6_HLEN - ICMP_HLEN;
	pkt_reset(out);
	out->len = m->l3_off + IP6_HLEN + ICMP_HLEN + qlen;
	o = pkt_data(out);
	put_l2(o, d, m->l3_off, true);
	ip = o + m->l3_off;
	put_ip(ip, d + m->l3_off, true, 58, (uint16_t)(ICMP_HLEN + qlen), true);
	ic = ip + IP6_HLEN;
	memset(ic, 0, ICMP_HLEN);
	ic[0] = ICMP6_DST_UNREACH;
	ic[1] = code;
	memcpy(ic + ICMP_HLEN, d + m->l3_off, qlen);
	c = csum_l4_ipv6(ic, ICMP_HLEN + qlen, ip + 8, ip + 24, 58);
	memcpy(ic + 2, &c, 2);
	return 0;
}

/**
 * firewall_rate_init() - (re)arm the ICMP reject rate limits from opts
 * @fw: firewall
 */
void firewall_rate_init(struct firewall *fw)
{
	uint32_t rate = fw->opts.reject_rate, burst = fw->opts.reject_burst;

	if (!burst)
		burst = 1;
	icmp_set_rate(&fw->icmp, rate, burst);
	fw->v6_cost_ns = rate ? NS_PER_S / rate : 0;
	if (rate && !fw->v6_cost_ns)
		fw->v6_cost_ns = 1;
	fw->v6_credit_ns = fw->v6_cost_ns * burst;
	fw->v6_last_ns = 0;
}

static bool v6_rate_take(struct firewall *fw, uint64_t now_ns)
{
	uint64_t max = fw->v6_cost_ns * (fw->opts.reject_burst ?: 1);

	if (!fw->v6_cost_ns)
		return true;
	if (now_ns > fw->v6_last_ns) {
		fw->v6_credit_ns += now_ns - fw->v6_last_ns;
		if (fw->v6_credit_ns > max)
			fw->v6_credit_ns = max;
	}
	fw->v6_last_ns = now_ns;
	if (fw->v6_credit_ns < fw->v6_cost_ns)
		return false;
	fw->v6_credit_ns -= fw->v6_cost_ns;
	return true;
}

static bool addr_zero(const union pkt_addr *a)
{
	return !(a->q[0] | a->q[1]);
}

/* RFC 4443 2.4 (e): no error about an error, a multicast, ... */
static bool v6_error_allowed(struct firewall *fw, const struct fw_pctx *c)
{
	const struct pkt_meta *m = c->m;

	if ((m->l4_proto == 58 &&
	     (m->icmp_type < 128 || (m->flags & PKT_F_ICMP_ERR))) ||
	    m->frag_off || (m->dst_mac[0] & 1) || m->dst.b[0] == 0xff ||
	    m->src.b[0] == 0xff || addr_zero(&m->src))
		return false;
	return v6_rate_take(fw, c->now_ns);
}

static void send_rst(struct firewall *fw, const struct fw_pctx *c,
		     bool to_sender)
{
	struct pkt *q = pkt_alloc(fw->pool);

	if (!q) {
		fw->counters[FIREWALL_C_REJECT_NOMEM]++;
		return;
	}
	if (firewall_build_rst(q, c->p, c->m, to_sender)) {
		pkt_free(fw->pool, q);
		fw->counters[FIREWALL_C_REJECT_QUIET]++;
		return;
	}
	fw->counters[FIREWALL_C_RST_SENT]++;
	firewall_emit(fw, to_sender ? c->leg : c->leg ^ 1, q);
}

/* An IPv4 error from icmp.c gets the original's L2 header and tags. */
static int icmp4_build(struct firewall *fw, struct pkt *q,
		       const struct fw_pctx *c, uint8_t code)
{
	const struct pkt_meta *m = c->m;
	uint16_t extra = m->l3_off - ETH_HLEN_;
	int ret;

	ret = icmp_build_unreach(&fw->icmp, q, c->p, m, code,
				 pkt_addr_v4(&m->dst));
	if (ret)
		return ret;
	if (q->off < extra)
		return -ENOSPC;
	q->off -= extra;
	q->len += extra;
	put_l2(pkt_data(q), pkt_data(c->p), m->l3_off, true);
	return 0;
}

static void send_unreach(struct firewall *fw, const struct fw_pctx *c)
{
	const struct pkt_meta *m = c->m;
	bool v6 = m->l3 == PKT_L3_IPV6, udp = m->l4_proto == 17;
	struct pkt *q;
	int ret;

	if (v6 ? !v6_error_allowed(fw, c)
	       : !icmp_error_allowed(&fw->icmp, c->p, m, c->now_ns)) {
		fw->counters[FIREWALL_C_REJECT_QUIET]++;
		return;
	}
	q = pkt_alloc(fw->pool);
	if (!q) {
		fw->counters[FIREWALL_C_REJECT_NOMEM]++;
		return;
	}
	if (v6)
		ret = firewall_build_icmp6_unreach(
			q, c->p, m,
			udp ? ICMP6_PORT_UNREACH : ICMP6_ADMIN_PROHIBITED);
	else
		ret = icmp4_build(fw, q, c,
				  udp ? ICMP_CODE_PORT_UNREACH
				      : ICMP_CODE_ADMIN_PROHIBITED);
	if (ret) {
		pkt_free(fw->pool, q);
		fw->counters[FIREWALL_C_REJECT_QUIET]++;
		return;
	}
	fw->counters[FIREWALL_C_ICMP_SENT]++;
	firewall_emit(fw, c->leg, q);
}

/**
 * firewall_reject() - answer a denied packet (inline only)
 * @fw: firewall
 * @c: the packet
 * @act: the action that denied it (reject: answer; drop: only with @cut)
 * @cut: a reload cut its flow: a TCP flow gets a RST in both directions
 *       whatever the action; other flows an ICMP error only if rejected
 */
void firewall_reject(struct firewall *fw, const struct fw_pctx *c,
		     enum fw_action act, bool cut)
{
	const struct pkt_meta *m = c->m;
	bool tcp = m->l4_proto == 6 && (m->flags & PKT_F_L4);

	if (fw->mode != FIREWALL_INLINE)
		return;
	if (tcp) {
		if ((m->tcp_flags & TH_RST) || (m->dst_mac[0] & 1)) {
			fw->counters[FIREWALL_C_REJECT_QUIET]++;
			return;
		}
		send_rst(fw, c, true);
		if (cut)
			send_rst(fw, c, false);
		return;
	}
	if (act == FW_REJECT)
		send_unreach(fw, c);
}
