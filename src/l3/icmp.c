// SPDX-License-Identifier: MIT
/*
 * icmp.c - ICMPv4 echo replies in place, error messages into a new packet,
 * the RFC 1812 4.3.2.7 suppression rules and the error rate limit. See
 * icmp.h for how the router calls it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "icmp.h"

#include "../core/csum.h"

enum {
	ICMPF_ETH = 14,
	ICMPF_IP = 20,
	ICMPF_ICMP = 8,
	ICMPF_TTL_OFF = 8,
	ICMPF_IPCSUM_OFF = 10,
	ICMPF_SRC_OFF = 12,
	ICMPF_DST_OFF = 16,
	ICMPF_CSUM_OFF = 2,
	ICMPF_NS_PER_S = 1000000000,
};

/**
 * icmp_ctx_init() - reset a router's ICMP state: default rate limit
 * (ICMP_RATE_DEFAULT per second, burst ICMP_BURST_DEFAULT), counters zero
 * @ic: the state
 */
void icmp_ctx_init(struct icmp_ctx *ic)
{
	memset(ic, 0, sizeof(*ic));
	icmp_set_rate(ic, ICMP_RATE_DEFAULT, ICMP_BURST_DEFAULT);
}

/**
 * icmp_set_rate() - set the error rate limit (control side, at any time)
 * @ic: the state
 * @per_s: errors per second on average; 0 = unlimited
 * @burst: errors allowed back to back (at least 1 is used)
 *
 * The bucket starts full. Echo replies are not limited (as in Linux, whose
 * default icmp_ratemask covers only errors).
 */
void icmp_set_rate(struct icmp_ctx *ic, uint32_t per_s, uint32_t burst)
{
	ic->burst = burst ? burst : 1;
	ic->cost_ns = per_s ? ICMPF_NS_PER_S / per_s : 0;
	if (!ic->cost_ns && per_s)
		ic->cost_ns = 1;
	ic->credit_ns = ic->cost_ns * ic->burst;
	ic->last_ns = 0;
}

static bool rate_take(struct icmp_ctx *ic, uint64_t now_ns)
{
	uint64_t max = ic->cost_ns * ic->burst;

	if (!ic->cost_ns)
		return true;
	if (now_ns > ic->last_ns) {
		ic->credit_ns += now_ns - ic->last_ns;
		if (ic->credit_ns > max)
			ic->credit_ns = max;
	}
	ic->last_ns = now_ns;
	if (ic->credit_ns < ic->cost_ns)
		return false;
	ic->credit_ns -= ic->cost_ns;
	return true;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/**
 * icmp_echo_reply() - turn an echo request to the router into the echo
 * reply, in place
 * @ic: ICMP state (counters)
 * @p: the request; on success it is the reply, frame length trimmed to the
 *	IP datagram, offload state cleared
 * @m: its descriptor (the caller checked the destination is its own)
 *
 * Ethernet and IP addresses are swapped, TTL set to ICMP_REPLY_TTL, type
 * 8 -> 0; the IP and ICMP checksums are updated incrementally after the
 * ICMP checksum of the request has been verified. IP options are left as
 * they are. @m is stale afterwards (addresses, TTL, type).
 *
 * Return: 0; -EINVAL if @p is not an unfragmented IPv4 echo request;
 * -EBADMSG if its ICMP checksum is wrong. Either way counted; the caller
 * drops @p on error.
 */
int icmp_echo_reply(struct icmp_ctx *ic, struct pkt *p,
		    const struct pkt_meta *m)
{
	uint8_t *d = pkt_data(p), *ip = d + m->l3_off, *icmp = d + m->l4_off;
	uint32_t end = m->payload_off + m->payload_len, a, b;
	uint8_t mac[6];
	uint16_t old;

	if (m->l3 != PKT_L3_IPV4 || m->l4_proto != IPPROTO_ICMP ||
	    !(m->flags & PKT_F_L4) || (m->flags & PKT_F_FRAG) ||
	    m->icmp_type != ICMP_TYPE_ECHO) {
		ic->counters[ICMP_C_NOT_ECHO]++;
		return -EINVAL;
	}
	if (csum_buf(icmp, end - m->l4_off)) {
		ic->counters[ICMP_C_BAD_CSUM]++;
		return -EBADMSG;
	}
	p->len = end;
	p->vnet = (struct virtio_net_hdr){0};
	memcpy(mac, d, 6);
	memcpy(d, d + 6, 6);
	memcpy(d + 6, mac, 6);
	/* swapping the addresses leaves the header sum as it was */
	memcpy(&a, ip + ICMPF_SRC_OFF, 4);
	memcpy(&b, ip + ICMPF_DST_OFF, 4);
	memcpy(ip + ICMPF_SRC_OFF, &b, 4);
	memcpy(ip + ICMPF_DST_OFF, &a, 4);
	old = get16(ip + ICMPF_TTL_OFF);
	ip[ICMPF_TTL_OFF] = ICMP_REPLY_TTL;
	put16(ip + ICMPF_IPCSUM_OFF,
	      csum_replace16(get16(ip + ICMPF_IPCSUM_OFF), old,
			     get16(ip + ICMPF_TTL_OFF)));
	old = get16(icmp);
	icmp[0] = ICMP_TYPE_ECHO_REPLY;
	put16(icmp + ICMPF_CSUM_OFF,
	      csum_replace16(get16(icmp + ICMPF_CSUM_OFF), old, get16(icmp)));
	ic->counters[ICMP_C_ECHO_REPLY]++;
	return 0;
}

static bool is_icmp_error(const struct pkt_meta *m)
{
	if (m->flags & PKT_F_ICMP_ERR)
		return true;
	if (m->l4_proto != IPPROTO_ICMP || !(m->flags & PKT_F_L4))
		return false;
	switch (m->icmp_type) {
	case ICMP_TYPE_DEST_UNREACH:
	case ICMP_TYPE_SOURCE_QUENCH:
	case ICMP_TYPE_REDIRECT:
	case ICMP_TYPE_TIME_EXCEEDED:
	case ICMP_TYPE_PARAM_PROBLEM:
		return true;
	default:
		return false;
	}
}

/* Broadcast, multicast, or class E (which holds 255.255.255.255). */
static bool addr_not_unicast(uint32_t a)
{
	return (ntohl(a) >> 28) >= 0xe;
}

/* 0/8 ("this network") and 127/8 are never the source of a reply path. */
static bool src_invalid(uint32_t a)
{
	uint32_t h = ntohl(a);

	return addr_not_unicast(a) || (h >> 24) == 0 || (h >> 24) == 127;
}

/**
 * icmp_error_allowed() - may the router send an ICMP error about @p now;
 * takes a rate-limit token if so
 * @ic: ICMP state
 * @p: the offending packet (unused now; kept for per-source limits)
 * @m: its descriptor
 * @now_ns: monotonic time
 *
 * Says no (and counts why) for: a non-IPv4 packet, a non-first fragment, an
 * ICMP error message, a link-layer broadcast/multicast, an IP multicast or
 * limited broadcast destination, an invalid source (0/8, 127/8, multicast,
 * class E), or when the rate limit is exhausted (RFC 1812 4.3.2.7, 4.3.2.8).
 * A subnet-directed broadcast is the caller's to recognise: only the
 * router knows its subnets.
 *
 * Return: true if an error may be built now.
 */
bool icmp_error_allowed(struct icmp_ctx *ic, const struct pkt *p,
			const struct pkt_meta *m, uint64_t now_ns)
{
	enum icmp_counter why;

	(void)p;
	if (m->l3 != PKT_L3_IPV4)
		return false;
	if (m->frag_off)
		why = ICMP_C_SUPP_FRAG;
	else if (is_icmp_error(m))
		why = ICMP_C_SUPP_ICMP_ERR;
	else if ((m->dst_mac[0] & 1) || addr_not_unicast(pkt_addr_v4(&m->dst)))
		why = ICMP_C_SUPP_BCAST;
	else if (src_invalid(pkt_addr_v4(&m->src)))
		why = ICMP_C_SUPP_BAD_SRC;
	else if (!rate_take(ic, now_ns))
		why = ICMP_C_RATE_LIMITED;
	else
		return true;
	ic->counters[why]++;
	return false;
}

/**
 * icmp_build_error() - build an ICMP error about @orig into @out
 * @ic: ICMP state (IP ID, counters)
 * @out: a packet from the pool; reset and overwritten
 * @orig: the offending packet as received; not modified
 * @m: its descriptor (m->l3 == PKT_L3_IPV4)
 * @type: enum icmp_type
 * @code: enum icmp_code
 * @info: the 32-bit word after the checksum, host order (the next-hop MTU
 *	for frag-needed, 0 otherwise)
 * @saddr: source address, network byte order: the router's own
 *
 * The message quotes the original IP header and as much of its payload as
 * keeps the ICMP datagram within ICMP_ERR_MAX_SIZE bytes (at least the 8
 * bytes RFC 792 requires, which the parser guarantees for a first
 * fragment). Whether an error may be sent at all is icmp_error_allowed()'s
 * question, asked before.
 *
 * Return: 0, or -EINVAL if @orig is not IPv4 (@out untouched).
 */
int icmp_build_error(struct icmp_ctx *ic, struct pkt *out,
		     const struct pkt *orig, const struct pkt_meta *m,
		     uint8_t type, uint8_t code, uint32_t info, uint32_t saddr)
{
	uint32_t qlen = m->payload_off + m->payload_len - m->l3_off;
	uint32_t daddr = pkt_addr_v4(&m->src), be_info = htonl(info);
	uint8_t *d, *ip, *icmp;

	if (m->l3 != PKT_L3_IPV4)
		return -EINVAL;
	if (qlen > ICMP_ERR_MAX_SIZE - ICMPF_IP - ICMPF_ICMP)
		qlen = ICMP_ERR_MAX_SIZE - ICMPF_IP - ICMPF_ICMP;
	pkt_reset(out);
	out->len = ICMPF_ETH + ICMPF_IP + ICMPF_ICMP + qlen;
	d = pkt_data(out);
	memset(d, 0, ICMPF_ETH + ICMPF_IP + ICMPF_ICMP);
	put16(d + 12, htons(0x0800));
	ip = d + ICMPF_ETH;
	ip[0] = 0x45;
	ip[1] = ICMP_ERR_TOS;
	put16(ip + 2, htons((uint16_t)(ICMPF_IP + ICMPF_ICMP + qlen)));
	put16(ip + 4, htons(ic->ip_id++));
	ip[ICMPF_TTL_OFF] = ICMP_REPLY_TTL;
	ip[9] = IPPROTO_ICMP;
	memcpy(ip + ICMPF_SRC_OFF, &saddr, 4);
	memcpy(ip + ICMPF_DST_OFF, &daddr, 4);
	put16(ip + ICMPF_IPCSUM_OFF, csum_ipv4_hdr(ip, ICMPF_IP));
	icmp = ip + ICMPF_IP;
	icmp[0] = type;
	icmp[1] = code;
	memcpy(icmp + 4, &be_info, 4);
	memcpy(icmp + ICMPF_ICMP, pkt_data(orig) + m->l3_off, qlen);
	put16(icmp + ICMPF_CSUM_OFF, csum_buf(icmp, ICMPF_ICMP + qlen));
	ic->counters[ICMP_C_ERROR_SENT]++;
	return 0;
}

/**
 * icmp_counter_str() - counter name for `show` output
 * @c: the counter
 *
 * Return: a static string, "?" for an unknown value.
 */
const char *icmp_counter_str(enum icmp_counter c)
{
	static const char *const names[] = {
#define X(e, n, d) n,
		ICMP_COUNTERS(X)
#undef X
	};

	return (unsigned int)c < ICMP_C_MAX ? names[c] : "?";
}
