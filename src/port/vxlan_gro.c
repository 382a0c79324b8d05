// SPDX-License-Identifier: MIT
/*
 * vxlan_gro.c - turn a UDP GRO train of VXLAN datagrams whose inner frames
 * are consecutive TCP segments back into one TSO super-frame.
 *
 * Theory of operation
 *
 * The sending VTEP (vxlan.c's tx, or anything that segments TCP like the
 * kernel's tcp_gso_segment()) cut one TSO frame into segments whose
 * headers differ only in the IPv4 total length, id and header checksum
 * (IPv6: payload length), the TCP sequence number, checksum and the
 * PSH/FIN (last segment) and CWR (first segment) flags. The train is
 * joined only if every unit shows exactly that, like the kernel's TCP GRO:
 *  - the VXLAN headers are byte-identical (the caller checked the first);
 *  - each inner frame is Ethernet (at most one 802.1Q tag), IPv4 without
 *    fragmentation and with a valid header checksum, or IPv6 with TCP as
 *    the next header, whose length fields match the unit exactly;
 *  - TCP without SYN, RST or URG; the first segment's payload (the MSS)
 *    is not empty, every segment but the last carries exactly that much
 *    and the last at most that much, at sequence numbers seq0 + k * MSS;
 *  - each segment's TCP checksum verifies: the joined frame leaves with a
 *    partial checksum (NEEDS_CSUM), which a receiving kernel does not
 *    check again, so a corrupted segment must not be hidden in it (the
 *    outer UDP checksum may be 0: Linux's vxlan sends it so by default).
 * Nothing is written before every check has passed: a train that cannot
 * be joined is left as it came, for the caller to split into datagrams.
 * The join moves each payload down over the headers it no longer needs
 * (one memmove per segment, in place), then rewrites the first segment's
 * headers for the whole frame.
 */
#include <stdbool.h>
#include <string.h>
#include <netinet/in.h>

#include "../core/csum.h"
#include "vxlan.h"
#include "vxlan_gro.h"

enum {
	GRO_ETH_HLEN = 14,
	GRO_TCP_FIN = 0x01,
	GRO_TCP_SYN = 0x02,
	GRO_TCP_RST = 0x04,
	GRO_TCP_PSH = 0x08,
	GRO_TCP_URG = 0x20,
	GRO_TCP_CWR = 0x80,
	GRO_TCP_CSUM = 16, /* offset of the TCP checksum */
};

/* where the headers of one inner frame are */
struct gro_hdr {
	uint32_t l3, l4, hdr; /* IP, TCP and payload offsets */
	bool v6;
};

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void put16(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)get16(b) << 16 | get16(b + 2);
}

static bool ip4_ok(const uint8_t *ip, uint32_t left, struct gro_hdr *h)
{
	uint32_t ihl = (ip[0] & 15) * 4u;

	if (left < 20 || ip[0] >> 4 != 4 || ihl < 20 || left < ihl ||
	    get16(ip + 2) != left || (get16(ip + 6) & 0x3fff) ||
	    ip[9] != IPPROTO_TCP || csum_buf(ip, ihl))
		return false;
	h->l4 = h->l3 + ihl;
	return true;
}

static bool ip6_ok(const uint8_t *ip, uint32_t left, struct gro_hdr *h)
{
	if (left < 40 || ip[0] >> 4 != 6 || ip[6] != IPPROTO_TCP ||
	    get16(ip + 4) != left - 40)
		return false;
	h->l4 = h->l3 + 40;
	return true;
}

/* the TCP-over-IP headers of frame @f (@fl bytes); false: not joinable */
static bool parse(const uint8_t *f, uint32_t fl, struct gro_hdr *h)
{
	uint16_t type;
	const uint8_t *tcp;

	if (fl < GRO_ETH_HLEN)
		return false;
	h->l3 = GRO_ETH_HLEN;
	type = get16(f + 12);
	if (type == 0x8100 && fl >= GRO_ETH_HLEN + 4) {
		type = get16(f + 16);
		h->l3 += 4;
	}
	h->v6 = type == 0x86dd;
	if (type == 0x0800 ? !ip4_ok(f + h->l3, fl - h->l3, h)
			   : !h->v6 || !ip6_ok(f + h->l3, fl - h->l3, h))
		return false;
	if (fl < h->l4 + 20)
		return false;
	tcp = f + h->l4;
	h->hdr = h->l4 + (tcp[12] >> 4) * 4u;
	return tcp[12] >> 4 >= 5 && h->hdr <= fl &&
	       !(tcp[13] & (GRO_TCP_SYN | GRO_TCP_RST | GRO_TCP_URG));
}

static bool eq(const uint8_t *a, const uint8_t *b, uint32_t from, uint32_t to)
{
	return !memcmp(a + from, b + from, to - from);
}

/* headers of @b equal those of @a but for the fields segmentation sets */
static bool same_hdr(const uint8_t *a, const uint8_t *b,
		     const struct gro_hdr *h)
{
	uint32_t l3 = h->l3, l4 = h->l4;

	if (h->v6 ? !eq(a, b, 0, l3 + 4) || !eq(a, b, l3 + 6, l4)
		  : !eq(a, b, 0, l3 + 2) || !eq(a, b, l3 + 6, l3 + 10) ||
			    !eq(a, b, l3 + 12, l4))
		return false;
	/* TCP: all but the sequence number, the flags and the checksum */
	return eq(a, b, l4, l4 + 4) && eq(a, b, l4 + 8, l4 + 13) &&
	       eq(a, b, l4 + 14, l4 + 16) && eq(a, b, l4 + 18, h->hdr);
}

/* the pseudo-header sum of a TCP segment of @size bytes in frame @f */
static uint32_t pseudo(const uint8_t *f, const struct gro_hdr *h, uint32_t size)
{
	const uint8_t *ip = f + h->l3;
	uint32_t sa, da;

	if (h->v6)
		return csum_pseudo_ipv6(ip + 8, ip + 24, IPPROTO_TCP, size);
	memcpy(&sa, ip + 12, 4);
	memcpy(&da, ip + 16, 4);
	return csum_pseudo_ipv4(sa, da, IPPROTO_TCP, (uint16_t)size);
}

static bool tcp_csum_ok(const uint8_t *f, uint32_t fl, const struct gro_hdr *h)
{
	uint32_t size = fl - h->l4;

	return !csum_fold(csum_partial(f + h->l4, size, pseudo(f, h, size)));
}

/*
 * Unit @k of @n (frame @f, @fl bytes) continues the first (@f0, @h0),
 * whose payload, @mss bytes, every unit but the last must match.
 */
static bool unit_ok(const uint8_t *f0, const struct gro_hdr *h0, uint32_t mss,
		    const uint8_t *f, uint32_t fl, uint32_t k, uint32_t n)
{
	uint32_t seq = get32(f0 + h0->l4 + 4) + k * mss, pay;
	struct gro_hdr h;
	uint8_t flags;

	if (!parse(f, fl, &h) || h.l4 != h0->l4 || h.hdr != h0->hdr ||
	    h.v6 != h0->v6 || (k && !same_hdr(f0, f, h0)))
		return false;
	pay = fl - h.hdr;
	flags = f[h.l4 + 13];
	if (get32(f + h.l4 + 4) != seq || !pay || pay > mss ||
	    (k + 1 < n && pay != mss))
		return false;
	if ((k && (flags & GRO_TCP_CWR)) ||
	    (k + 1 < n && (flags & GRO_TCP_FIN)))
		return false;
	return tcp_csum_ok(f, fl, &h);
}

/* move the payloads of units 1.. down behind the first frame's */
static uint32_t compact(uint8_t *buf, uint32_t len, uint32_t gso,
			const struct gro_hdr *h, uint8_t *flags)
{
	uint8_t *f0 = buf + VXLAN_HLEN;
	uint32_t end = gso, fl, off;
	uint8_t *f;

	for (off = gso; off < len; off += gso) {
		f = buf + off + VXLAN_HLEN;
		fl = (len - off < gso ? len - off : gso) - VXLAN_HLEN;
		*flags |=
			(uint8_t)(f[h->l4 + 13] & (GRO_TCP_PSH | GRO_TCP_FIN));
		memmove(f0 + end - VXLAN_HLEN, f + h->hdr, fl - h->hdr);
		end += fl - h->hdr;
	}
	return end - VXLAN_HLEN;
}

/* the first frame's headers, rewritten for @total bytes of frame */
static void fix_hdr(uint8_t *f, const struct gro_hdr *h, uint32_t total,
		    uint8_t flags)
{
	uint8_t *ip = f + h->l3;
	uint16_t c;

	if (h->v6) {
		put16(ip + 4, total - h->l3 - 40);
	} else {
		put16(ip + 2, total - h->l3);
		memset(ip + 10, 0, 2);
		c = csum_ipv4_hdr(ip, h->l4 - h->l3);
		memcpy(ip + 10, &c, 2);
	}
	f[h->l4 + 13] |= flags;
	c = (uint16_t)~csum_fold(pseudo(f, h, total - h->l4));
	memcpy(f + h->l4 + GRO_TCP_CSUM, &c, 2);
}

/**
 * vxlan_gro_merge() - join a GRO train of VXLAN datagrams into a TSO frame
 * @buf: the train (untrusted): units of @gso bytes, the last may be
 *       shorter, each a VXLAN header and an inner Ethernet frame
 * @len: bytes at @buf
 * @gso: the unit size from the UDP_GRO control message
 * @vnet: out: offload state of the joined frame (GSO TCP with a partial
 *        checksum), set only on success
 *
 * See the file comment for what can be joined. On success the frame
 * starts at @buf + VXLAN_HLEN, where the first unit's frame was.
 *
 * Return: the joined frame's length, or 0 if the train cannot be joined
 * (fewer than two units, or any check failed); then @buf is unchanged.
 */
uint32_t vxlan_gro_merge(uint8_t *buf, uint32_t len, uint32_t gso,
			 struct virtio_net_hdr *vnet)
{
	uint8_t *f0 = buf + VXLAN_HLEN, flags = 0;
	uint32_t n, k, fl, total, mss;
	struct gro_hdr h;

	if (gso <= VXLAN_HLEN + GRO_ETH_HLEN || len <= gso ||
	    !parse(f0, gso - VXLAN_HLEN, &h))
		return 0;
	n = (len + gso - 1) / gso;
	mss = gso - VXLAN_HLEN - h.hdr;
	for (k = 0; k < n; k++) {
		fl = (k + 1 < n ? gso : len - k * gso) - VXLAN_HLEN;
		if (fl < h.hdr ||
		    (k && !eq(buf, buf + k * gso, 0, VXLAN_HLEN)) ||
		    !unit_ok(f0, &h, mss, buf + k * gso + VXLAN_HLEN, fl, k, n))
			return 0;
	}
	total = compact(buf, len, gso, &h, &flags);
	fix_hdr(f0, &h, total, flags);
	*vnet = (struct virtio_net_hdr){
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = h.v6 ? VIRTIO_NET_HDR_GSO_TCPV6
				 : VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = (uint16_t)h.hdr,
		.gso_size = (uint16_t)mss,
		.csum_start = (uint16_t)h.l4,
		.csum_offset = GRO_TCP_CSUM,
	};
	if (f0[h.l4 + 13] & GRO_TCP_CWR)
		vnet->gso_type |= VIRTIO_NET_HDR_GSO_ECN;
	return total;
}
