// SPDX-License-Identifier: MIT
/*
 * ips_inspect_decode.c - the inspector's decoder: an untrusted IPv4 or
 * IPv6 packet (starting at the IP header) into struct ips_decoded, every
 * length checked against the buffer and against the other headers; and
 * checksum validation of the IP header and TCP/UDP/ICMP.
 *
 * src/core/parse.c decodes from the Ethernet header into struct pkt_meta;
 * the inspector gets L3 packets (from the firewall, from a pcap of any
 * link type, from the fragment table), so this is a small decoder of its
 * own, with the same rules: trailing bytes past the IP total length are
 * ignored, a header cut short is an error, IPv6 extension headers are
 * walked to at most 8 (ips_frag_v6_walk(), shared with reassembly). The
 * inspector reassembles IPv4 and IPv6 fragments (ips_frag.c) before
 * decoding; a fragment that reaches the decoder anyway has no L4 header
 * decoded, and an IPv6 atomic fragment's Fragment header is stepped over
 * (RFC 6946: it is a whole datagram).
 */
#include <errno.h>
#include <string.h>

#include "core/csum.h"
#include "ips/ips_inspect_priv.h"

enum {
	IPV4_HDR = 20,
	TCP_HDR = 20,
	UDP_HDR = 8,
	ICMP_HDR = 8,
	IPV6_FRAG_HDR = 8,
	IP_MF = 0x2000,
	IP_OFFMASK = 0x1fff,
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int decode_l4(struct ips_decoded *d, const uint8_t *l4, uint32_t len)
{
	uint32_t hl;

	d->l4 = l4;
	d->l4_len = len;
	switch (d->proto) {
	case 6:
		if (len < TCP_HDR)
			return -EINVAL;
		hl = (uint32_t)(l4[12] >> 4) * 4;
		if (hl < TCP_HDR || hl > len)
			return -EINVAL;
		d->sport = rd16(l4);
		d->dport = rd16(l4 + 2);
		d->seq = rd32(l4 + 4);
		d->ack = rd32(l4 + 8);
		d->tcp_flags = l4[13];
		break;
	case 17:
		if (len < UDP_HDR)
			return -EINVAL;
		hl = UDP_HDR;
		if (rd16(l4 + 4) < UDP_HDR || rd16(l4 + 4) > len)
			return -EINVAL;
		len = rd16(l4 + 4);
		d->l4_len = len;
		d->sport = rd16(l4);
		d->dport = rd16(l4 + 2);
		break;
	case 1:
	case 58:
		if (len < 4)
			return -EINVAL;
		hl = len < ICMP_HDR ? len : ICMP_HDR;
		d->icmp_type = l4[0];
		d->icmp_code = l4[1];
		break;
	default:
		d->payload = l4;
		d->payload_len = len;
		return 0;
	}
	d->has_l4 = true;
	d->payload = l4 + hl;
	d->payload_len = len - hl;
	return 0;
}

static int decode_v4(const uint8_t *p, uint32_t len, struct ips_decoded *d)
{
	uint32_t hl, tot;

	if (len < IPV4_HDR)
		return -EINVAL;
	hl = (uint32_t)(p[0] & 15) * 4;
	tot = rd16(p + 2);
	if (hl < IPV4_HDR || tot < hl || tot > len)
		return -EINVAL;
	d->family = 4;
	d->proto = p[9];
	memcpy(d->src, p + 12, 4);
	memcpy(d->dst, p + 16, 4);
	if (rd16(p + 6) & (IP_MF | IP_OFFMASK)) {
		/* a fragment that was not reassembled: no L4 header here */
		d->payload = p + hl;
		d->payload_len = tot - hl;
		return 0;
	}
	return decode_l4(d, p + hl, tot - hl);
}

static int decode_v6(const uint8_t *p, uint32_t len, struct ips_decoded *d)
{
	struct ips_frag_v6_chain c;

	if (ips_frag_v6_walk(p, len, &c))
		return -EINVAL;
	d->family = 6;
	memcpy(d->src, p + 8, 16);
	memcpy(d->dst, p + 24, 16);
	if (c.nh == 44) {
		/* a fragment that was not reassembled: no L4 header here */
		d->proto = p[c.off];
		d->payload = p + c.off + IPV6_FRAG_HDR;
		d->payload_len = c.end - c.off - IPV6_FRAG_HDR;
		return 0;
	}
	d->proto = c.nh;
	return decode_l4(d, p + c.off, c.end - c.off);
}

/**
 * ips_inspect_decode() - decode an IP packet
 * @l3: the IPv4 or IPv6 header (untrusted)
 * @len: bytes at @l3 (may exceed the IP length: padding is ignored)
 * @d: filled; zeroed first
 *
 * Return: 0; -EINVAL for a truncated or inconsistent packet;
 * -EOPNOTSUPP for a version other than 4 or 6.
 */
int ips_inspect_decode(const uint8_t *l3, uint32_t len, struct ips_decoded *d)
{
	memset(d, 0, sizeof(*d));
	d->l3 = l3;
	if (!len)
		return -EINVAL;
	switch (l3[0] >> 4) {
	case 4:
		return decode_v4(l3, len, d);
	case 6:
		return decode_v6(l3, len, d);
	default:
		return -EOPNOTSUPP;
	}
}

/**
 * ips_inspect_csum_ok() - are the packet's checksums valid?
 * @d: a decoded packet
 *
 * Checks the IPv4 header and, when the L4 header was decoded, the TCP,
 * UDP (0 in IPv4: none) or ICMP/ICMPv6 checksum over the whole segment.
 *
 * Return: true if every checksum checked is valid.
 */
bool ips_inspect_csum_ok(const struct ips_decoded *d)
{
	uint32_t s4, d4;

	if (d->family == 4 && csum_buf(d->l3, (size_t)(d->l3[0] & 15) * 4))
		return false;
	if (!d->has_l4)
		return true;
	if (d->family == 6)
		return !csum_l4_ipv6(d->l4, d->l4_len, d->src, d->dst,
				     d->proto);
	if (d->proto == 1)
		return !csum_buf(d->l4, d->l4_len);
	if (d->proto == 17 && !rd16(d->l4 + 6))
		return true;
	memcpy(&s4, d->src, 4);
	memcpy(&d4, d->dst, 4);
	return !csum_l4_ipv4(d->l4, (uint16_t)d->l4_len, s4, d4, d->proto);
}
