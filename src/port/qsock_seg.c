// SPDX-License-Identifier: MIT
/*
 * qsock_seg.c - finish what a NIC's offload would have done, for socket
 * ports (qsock.c) whose VM sees plain Ethernet frames.
 *
 * Checksum completion follows virtio-net: the field at csum_start +
 * csum_offset holds the folded pseudo-header sum, so the one's-complement
 * sum from csum_start to the end of the frame, folded, is the checksum.
 *
 * Segmentation handles TCP over IPv4 and IPv6 (VIRTIO_NET_HDR_GSO_TCPV4,
 * _TCPV6, with or without _ECN), behind any number of 802.1Q/802.1ad tags,
 * as the kernel's tcp_gso_segment() does: every segment gets a copy of the
 * headers with its own IP length (and IPv4 id + index and header checksum),
 * sequence number (seq + offset), flags (FIN and PSH only on the last, CWR
 * only on the first) and a full TCP checksum. UDP fragmentation offload
 * (GSO_UDP) is not handled: the caller drops such frames as a counted drop.
 * Lengths are taken from the frame, checked against it, never trusted.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/virtio_net.h>

#include "../core/csum.h"
#include "qsock_seg.h"

enum {
	SEG_ETH_HLEN = 14,
	SEG_ET_IPV4 = 0x0800,
	SEG_ET_IPV6 = 0x86dd,
	SEG_ET_8021Q = 0x8100,
	SEG_ET_8021AD = 0x88a8,
	SEG_IPV4_HLEN = 20,
	SEG_IPV6_HLEN = 40,
	SEG_TCP_HLEN = 20,
	SEG_TCP_FIN = 0x01,
	SEG_TCP_PSH = 0x08,
	SEG_TCP_CWR = 0x80,
	SEG_UDP_CSUM_OFF = 6, /* csum_offset of a UDP checksum */
};

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b + 2, (uint16_t)v);
}

/**
 * qsock_seg_is_gso() - is @p a GSO super-frame that needs cutting?
 * @p: packet
 *
 * Return: true if its virtio-net header asks for segmentation.
 */
bool qsock_seg_is_gso(const struct pkt *p)
{
	return (p->vnet.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) !=
	       VIRTIO_NET_HDR_GSO_NONE;
}

/**
 * qsock_seg_csum() - complete a partial (offloaded) checksum in place
 * @p: packet; nothing happens unless VIRTIO_NET_HDR_F_NEEDS_CSUM is set
 *
 * A UDP checksum (csum_offset 6) that comes out 0 is sent as 0xffff.
 * The flag is cleared once the checksum is written.
 *
 * Return: 0, or -EINVAL if csum_start/csum_offset point outside the frame.
 */
int qsock_seg_csum(struct pkt *p)
{
	uint32_t start = p->vnet.csum_start;
	uint32_t field = start + p->vnet.csum_offset;
	uint8_t *d = pkt_data(p);
	uint16_t c;

	if (!(p->vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return 0;
	if (start >= p->len || field + 2 > p->len)
		return -EINVAL;
	c = csum_fold(csum_partial(d + start, p->len - start, 0));
	if (!c && p->vnet.csum_offset == SEG_UDP_CSUM_OFF)
		c = 0xffff;
	memcpy(d + field, &c, sizeof(c));
	p->vnet.flags &= ~VIRTIO_NET_HDR_F_NEEDS_CSUM;
	return 0;
}

/* Offset of the L3 header after any VLAN tags; *type gets its EtherType. */
static int l3_find(const uint8_t *d, uint32_t len, uint16_t *type)
{
	uint32_t off = SEG_ETH_HLEN;

	if (len < SEG_ETH_HLEN)
		return -EINVAL;
	*type = get16(d + 12);
	while (*type == SEG_ET_8021Q || *type == SEG_ET_8021AD) {
		if (off + 4 > len)
			return -EINVAL;
		*type = get16(d + off + 2);
		off += 4;
	}
	return (int)off;
}

/* L4 offset from the IP header; csum_start wins when the frame has one. */
static int l4_find(struct qsock_seg *s, const uint8_t *d, uint32_t len)
{
	const uint8_t *ip = d + s->l3_off;
	uint32_t l4;

	if (!s->ipv6) {
		if ((uint32_t)s->l3_off + SEG_IPV4_HLEN > len ||
		    (ip[0] >> 4) != 4 || (ip[0] & 15) < 5 ||
		    ip[9] != IPPROTO_TCP)
			return -EINVAL;
		l4 = s->l3_off + (ip[0] & 15) * 4u;
	} else {
		if ((uint32_t)s->l3_off + SEG_IPV6_HLEN > len ||
		    (ip[0] >> 4) != 6)
			return -EINVAL;
		l4 = s->l3_off + SEG_IPV6_HLEN;
		if (!(s->p->vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
		    ip[6] != IPPROTO_TCP)
			return -EINVAL;
	}
	if (s->p->vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (s->p->vnet.csum_start < l4)
			return -EINVAL;
		l4 = s->p->vnet.csum_start; /* past IPv6 extension headers */
	}
	return (int)l4;
}

/**
 * qsock_seg_start() - prepare to cut TSO frame @p into segments
 * @s: iterator to set up
 * @p: a frame for which qsock_seg_is_gso() is true; must stay unchanged
 *     while @s is in use
 *
 * Return: 0, -EOPNOTSUPP for a GSO type other than TCP (UDP
 * fragmentation), or -EINVAL for headers that do not fit the frame or
 * QSOCK_SEG_HDR_MAX, or a gso_size of 0.
 */
int qsock_seg_start(struct qsock_seg *s, const struct pkt *p)
{
	unsigned int gso = p->vnet.gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	const uint8_t *d = pkt_data(p);
	uint16_t type;
	int l3, l4;
	uint32_t hdr;

	if (gso != VIRTIO_NET_HDR_GSO_TCPV4 && gso != VIRTIO_NET_HDR_GSO_TCPV6)
		return -EOPNOTSUPP;
	memset(s, 0, sizeof(*s));
	s->p = p;
	s->ipv6 = gso == VIRTIO_NET_HDR_GSO_TCPV6;
	s->mss = p->vnet.gso_size;
	l3 = l3_find(d, p->len, &type);
	if (l3 < 0 || !s->mss || type != (s->ipv6 ? SEG_ET_IPV6 : SEG_ET_IPV4))
		return -EINVAL;
	s->l3_off = (uint16_t)l3;
	l4 = l4_find(s, d, p->len);
	if (l4 < 0 || (uint32_t)l4 + SEG_TCP_HLEN > p->len)
		return -EINVAL;
	hdr = (uint32_t)l4 + (d[l4 + 12] >> 4) * 4u;
	if ((d[l4 + 12] >> 4) < 5 || hdr > p->len || hdr > QSOCK_SEG_HDR_MAX)
		return -EINVAL;
	s->l4_off = (uint16_t)l4;
	s->hdr_len = (uint16_t)hdr;
	s->seq0 = get32(d + l4 + 4);
	if (!s->ipv6)
		s->id0 = get16(d + l3 + 4);
	return 0;
}

/* IP header of segment @s->index carrying @seg payload bytes. */
static void seg_ip(const struct qsock_seg *s, uint8_t *hdr, uint32_t seg)
{
	uint8_t *ip = hdr + s->l3_off;
	uint16_t c;

	if (s->ipv6) {
		put16(ip + 4,
		      (uint16_t)(s->hdr_len - s->l3_off - SEG_IPV6_HLEN + seg));
		return;
	}
	put16(ip + 2, (uint16_t)(s->hdr_len - s->l3_off + seg));
	put16(ip + 4, (uint16_t)(s->id0 + s->index));
	c = csum_ipv4_hdr(ip, (ip[0] & 15) * 4u);
	memcpy(ip + 10, &c, sizeof(c));
}

/* TCP header and checksum of a segment: @payload, @seg bytes, @last. */
static void seg_tcp(const struct qsock_seg *s, uint8_t *hdr,
		    const uint8_t *payload, uint32_t seg, bool last)
{
	uint8_t *ip = hdr + s->l3_off, *tcp = hdr + s->l4_off;
	uint32_t size = s->hdr_len - s->l4_off + seg, sum, sa, da;
	uint16_t c;

	put32(tcp + 4, s->seq0 + s->off);
	if (!last)
		tcp[13] &= (uint8_t) ~(SEG_TCP_FIN | SEG_TCP_PSH);
	if (s->index)
		tcp[13] &= (uint8_t)~SEG_TCP_CWR;
	memset(tcp + 16, 0, 2);
	if (s->ipv6) {
		sum = csum_pseudo_ipv6(ip + 8, ip + 24, IPPROTO_TCP, size);
	} else {
		memcpy(&sa, ip + 12, 4);
		memcpy(&da, ip + 16, 4);
		sum = csum_pseudo_ipv4(sa, da, IPPROTO_TCP, (uint16_t)size);
	}
	sum = csum_partial(tcp, s->hdr_len - s->l4_off, sum);
	c = csum_fold(csum_partial(payload, seg, sum));
	memcpy(tcp + 16, &c, sizeof(c));
}

/**
 * qsock_seg_next() - the next segment of the frame
 * @s: iterator from qsock_seg_start()
 * @hdr: scratch for the segment's headers; must stay valid until the
 *       segment is sent
 * @u: out: the segment, headers in @hdr and payload in the original frame
 *
 * A frame without payload yields one segment (its headers).
 *
 * Return: true if @u was filled, false when every segment has been made.
 */
bool qsock_seg_next(struct qsock_seg *s, uint8_t hdr[QSOCK_SEG_HDR_MAX],
		    struct qsock_unit *u)
{
	const uint8_t *d = pkt_data(s->p);
	uint32_t total = s->p->len - s->hdr_len, seg;

	if (s->index && s->off >= total)
		return false;
	seg = total - s->off < s->mss ? total - s->off : s->mss;
	memcpy(hdr, d, s->hdr_len);
	seg_ip(s, hdr, seg);
	seg_tcp(s, hdr, d + s->hdr_len + s->off, seg, s->off + seg >= total);
	*u = (struct qsock_unit){hdr, s->hdr_len, d + s->hdr_len + s->off, seg};
	s->off += seg;
	s->index++;
	return true;
}
