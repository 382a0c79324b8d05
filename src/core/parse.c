// SPDX-License-Identifier: MIT
/*
 * parse.c - pkt_parse(): Ethernet/VLAN/ARP/IPv4/IPv6/TCP/UDP/ICMP into a
 * struct pkt_meta, on the per-packet path of every port.
 *
 * Theory of operation
 *
 * The frame is untrusted. Every byte is read through pull(), which returns
 * a pointer to @size bytes at @off only if they lie below a bound, else
 * NULL; a helper reads at most @size bytes from the pointer it got. The
 * bound starts as the frame length and shrinks to the end of the IP
 * datagram once the IP length field has been checked against the frame, so
 * L4 headers are checked against the datagram (not the Ethernet padding).
 *
 * Order of checks for a header: present in the buffer (TRUNCATED_*), then
 * fields that are self-consistent (BAD_*), then the length it claims fits
 * what remains (TRUNCATED_* again for IP, BAD_* for L4 where the bound is
 * the IP payload the sender declared). Unknown ethertypes and protocols end
 * the parse with success.
 *
 * The code is straight-line: one helper per layer, each called once, all
 * static so the compiler inlines them into pkt_parse(). The only loop is
 * the IPv6 extension-header walk, bounded by PKT_IPV6_EXT_MAX. Offsets fit
 * in 16 bits because that bound caps l4_off (see the build assert), and
 * payload_len is 32 bits because a non-IP frame may be a 64 KiB buffer.
 *
 * Rejected alternatives: a loop over VLAN tags (two are the limit, so
 * two explicit steps), and casting packet bytes to header structs
 * (alignment and strict aliasing; byte loads compile to the same code).
 */
#include <stdbool.h>
#include <string.h>

#include "parse.h"

enum {
	ETH_HDR = 14,
	VLAN_HDR = 4,
	ARP_HDR = 28,
	IPV4_HDR = 20,
	IPV6_HDR = 40,
	IPV6_EXT_MIN = 8,
	TCP_HDR = 20,
	UDP_HDR = 8,
	ICMP_HDR = 8,
	IP_MAX = 65535,
};

enum {
	ETH_P_IPV4 = 0x0800,
	ETH_P_ARP_ = 0x0806,
	ETH_P_VLAN = 0x8100,
	ETH_P_QINQ = 0x88a8,
	ETH_P_IPV6_ = 0x86dd,
};

enum {
	PROTO_HOPOPTS = 0,
	PROTO_ICMP = 1,
	PROTO_TCP = 6,
	PROTO_UDP = 17,
	PROTO_ROUTING = 43,
	PROTO_FRAGMENT = 44,
	PROTO_ICMPV6 = 58,
	PROTO_DSTOPTS = 60,
};

_Static_assert(sizeof(struct pkt_meta) == 96, "pkt_meta is 96 bytes");
_Static_assert(offsetof(struct pkt_meta, l4_proto) == 32,
	       "L2 summary fills the first 32 bytes");
_Static_assert(offsetof(struct pkt_meta, src) % 8 == 0, "addresses aligned");
/* Largest l4_off: two tags, IPv6, every extension header at 2048 bytes. */
_Static_assert(ETH_HDR + PKT_VLAN_MAX * VLAN_HDR + IPV6_HDR +
			       PKT_IPV6_EXT_MAX * 2048 + 60 <= UINT16_MAX,
	       "offsets fit in uint16_t");
_Static_assert(PKT_PARSE_REASON_MAX < 128, "reasons fit a small table");

#define unlikely(x) __builtin_expect(!!(x), 0)

/* The one accessor: @size bytes at @off if they end at or before @end. */
static inline const uint8_t *pull(const uint8_t *data, uint32_t end,
				  uint32_t off, uint32_t size)
{
	if (unlikely(off > end || size > end - off))
		return NULL;
	return data + off;
}

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline bool is_vlan(uint16_t type)
{
	return type == ETH_P_VLAN || type == ETH_P_QINQ;
}

static inline void set_v4(union pkt_addr *a, const uint8_t *p)
{
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	memcpy(&a->b[12], p, 4);
}

/* One VLAN tag at *off; returns the ethertype that follows it, or -1. */
static inline int pull_vlan(const uint8_t *data, uint32_t len, uint32_t *off,
			    struct pkt_meta *m)
{
	const uint8_t *h = pull(data, len, *off, VLAN_HDR);

	if (!h)
		return -1;
	m->vlan_tci[m->n_vlans++] = rd16(h);
	*off += VLAN_HDR;
	return rd16(h + 2);
}

static inline int parse_l2(const uint8_t *data, uint32_t len,
			   struct pkt_meta *m)
{
	const uint8_t *h = pull(data, len, 0, ETH_HDR);
	uint32_t off = ETH_HDR;
	int type;

	if (!h)
		return -PKT_PARSE_TRUNCATED_ETH;
	memcpy(m->dst_mac, h, 6);
	memcpy(m->src_mac, h + 6, 6);
	type = rd16(h + 12);
	if (is_vlan(type)) {
		if (type == ETH_P_QINQ)
			m->flags |= PKT_F_VLAN_AD;
		type = pull_vlan(data, len, &off, m);
		if (type >= 0 && is_vlan(type))
			type = pull_vlan(data, len, &off, m);
		if (type < 0)
			return -PKT_PARSE_TRUNCATED_VLAN;
		if (is_vlan(type))
			return -PKT_PARSE_TOO_MANY_VLANS;
	}
	m->ethertype = type;
	m->l3_off = off;
	return 0;
}

static inline int parse_arp(const uint8_t *data, uint32_t len,
			    struct pkt_meta *m)
{
	const uint8_t *h = pull(data, len, m->l3_off, ARP_HDR);
	uint32_t end;

	if (!h)
		return -PKT_PARSE_TRUNCATED_ARP;
	if (rd16(h) != 1 || rd16(h + 2) != ETH_P_IPV4 || h[4] != 6 ||
	    h[5] != 4)
		return -PKT_PARSE_BAD_ARP;
	m->l3 = PKT_L3_ARP;
	m->arp_op = rd16(h + 6);
	set_v4(&m->src, h + 14);
	set_v4(&m->dst, h + 24);
	end = m->l3_off + ARP_HDR;
	m->l4_off = end;
	m->payload_off = end;
	if (end < len)
		m->flags |= PKT_F_L2_PAD;
	return 0;
}

/* Fragment bookkeeping shared by both IP versions; @rest is what follows. */
static inline int set_frag(struct pkt_meta *m, uint32_t frag_off, bool mf,
			   uint32_t rest)
{
	m->frag_off = frag_off;
	if (mf)
		m->flags |= PKT_F_MF;
	if (!mf && !frag_off)
		return 0;
	m->flags |= PKT_F_FRAG;
	if (frag_off)
		m->flags |= PKT_F_FRAG_LATER;
	if (frag_off + rest > IP_MAX)
		return -PKT_PARSE_BAD_IP_FRAG;
	return 0;
}

/* On success *end is the end of the datagram and l4_off its payload. */
static inline int parse_ipv4(const uint8_t *data, uint32_t len,
			     struct pkt_meta *m, uint32_t *end)
{
	uint32_t off = m->l3_off, hlen, tot;
	const uint8_t *h = pull(data, len, off, IPV4_HDR);
	uint16_t frag;

	if (!h)
		return -PKT_PARSE_TRUNCATED_IP;
	if (h[0] >> 4 != 4)
		return -PKT_PARSE_BAD_IP_VERSION;
	hlen = (h[0] & 0xfu) * 4;
	if (hlen < IPV4_HDR)
		return -PKT_PARSE_BAD_IHL;
	tot = rd16(h + 2);
	if (tot < hlen)
		return -PKT_PARSE_BAD_IP_LEN;
	if (!pull(data, len, off, tot))
		return -PKT_PARSE_TRUNCATED_IP;
	m->l3 = PKT_L3_IPV4;
	m->tos = h[1];
	m->frag_id = rd16(h + 4);
	m->ttl = h[8];
	m->l4_proto = h[9];
	set_v4(&m->src, h + 12);
	set_v4(&m->dst, h + 16);
	if (hlen > IPV4_HDR)
		m->flags |= PKT_F_IP_OPTS;
	frag = rd16(h + 6);
	if (frag & 0x4000)
		m->flags |= PKT_F_DF;
	m->l4_off = off + hlen;
	*end = off + tot;
	return set_frag(m, (frag & 0x1fffu) * 8, frag & 0x2000, tot - hlen);
}

/* One IPv6 extension header at *off; returns its size or negative. */
static inline int pull_ext(const uint8_t *data, uint32_t end, uint32_t off,
			   uint8_t *nh, struct pkt_meta *m)
{
	const uint8_t *h = pull(data, end, off, IPV6_EXT_MIN);
	uint32_t size = IPV6_EXT_MIN;
	int ret;

	if (!h)
		return -PKT_PARSE_TRUNCATED_IPV6_EXT;
	if (*nh == PROTO_FRAGMENT) {
		m->flags |= PKT_F_FRAG_HDR;
		m->frag_id = rd32(h + 4);
		ret = set_frag(m, rd16(h + 2) & 0xfff8u, h[3] & 1,
			       end - off - size);
		if (ret)
			return ret;
	} else {
		size = (h[1] + 1u) * 8;
		if (!pull(data, end, off, size))
			return -PKT_PARSE_TRUNCATED_IPV6_EXT;
	}
	*nh = h[0];
	return size;
}

static inline bool is_ext(uint8_t nh)
{
	return nh == PROTO_HOPOPTS || nh == PROTO_ROUTING ||
	       nh == PROTO_FRAGMENT || nh == PROTO_DSTOPTS;
}

/* Walk extension headers up to the upper layer or a later fragment. */
static inline int walk_ext(const uint8_t *data, uint32_t end, uint32_t off,
			   struct pkt_meta *m)
{
	uint8_t nh = m->l4_proto;
	int size;

	while (is_ext(nh) && !(m->flags & PKT_F_FRAG_LATER)) {
		if (m->n_ext == PKT_IPV6_EXT_MAX)
			return -PKT_PARSE_TOO_MANY_EXT_HDRS;
		size = pull_ext(data, end, off, &nh, m);
		if (size < 0)
			return size;
		off += size;
		m->n_ext++;
	}
	if (m->n_ext)
		m->flags |= PKT_F_IPV6_EXT;
	m->l4_proto = nh;
	m->l4_off = off;
	return 0;
}

static inline int parse_ipv6(const uint8_t *data, uint32_t len,
			     struct pkt_meta *m, uint32_t *end)
{
	uint32_t off = m->l3_off, w;
	const uint8_t *h = pull(data, len, off, IPV6_HDR);

	if (!h)
		return -PKT_PARSE_TRUNCATED_IP;
	w = rd32(h);
	if (w >> 28 != 6)
		return -PKT_PARSE_BAD_IP_VERSION;
	if (!pull(data, len, off + IPV6_HDR, rd16(h + 4)))
		return -PKT_PARSE_TRUNCATED_IP;
	m->l3 = PKT_L3_IPV6;
	m->tos = (w >> 20) & 0xff;
	m->flow_label = w & 0xfffff;
	m->l4_proto = h[6];
	m->ttl = h[7];
	memcpy(m->src.b, h + 8, 16);
	memcpy(m->dst.b, h + 24, 16);
	*end = off + IPV6_HDR + rd16(h + 4);
	return walk_ext(data, *end, off + IPV6_HDR, m);
}

static inline int parse_tcp(const uint8_t *data, uint32_t end,
			    struct pkt_meta *m)
{
	const uint8_t *h = pull(data, end, m->l4_off, TCP_HDR);
	uint32_t doff;

	if (!h)
		return -PKT_PARSE_TRUNCATED_TCP;
	doff = (h[12] >> 4) * 4u;
	if (doff < TCP_HDR || !pull(data, end, m->l4_off, doff))
		return -PKT_PARSE_BAD_TCP_OFF;
	m->src_port = rd16(h);
	m->dst_port = rd16(h + 2);
	m->tcp_flags = rd16(h + 12) & 0x0fff;
	m->payload_off = m->l4_off + doff;
	return 0;
}

/* A UDP length shorter than the IP payload moves *end back to it. */
static inline int parse_udp(const uint8_t *data, uint32_t *end,
			    struct pkt_meta *m)
{
	const uint8_t *h = pull(data, *end, m->l4_off, UDP_HDR);
	uint32_t ulen;

	if (!h)
		return -PKT_PARSE_TRUNCATED_UDP;
	ulen = rd16(h + 4);
	/* A first fragment carries only part of the datagram ulen covers. */
	if (ulen < UDP_HDR ||
	    (!(m->flags & PKT_F_FRAG) && !pull(data, *end, m->l4_off, ulen)))
		return -PKT_PARSE_BAD_UDP_LEN;
	m->src_port = rd16(h);
	m->dst_port = rd16(h + 2);
	m->payload_off = m->l4_off + UDP_HDR;
	if (!(m->flags & PKT_F_FRAG))
		*end = m->l4_off + ulen;
	return 0;
}

static inline bool icmp_is_error(uint8_t proto, uint8_t type)
{
	if (proto == PROTO_ICMPV6)
		return type >= 1 && type <= 4;
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static inline bool icmp_is_echo(uint8_t proto, uint8_t type)
{
	if (proto == PROTO_ICMPV6)
		return type == 128 || type == 129;
	return type == 0 || type == 8;
}

static inline int parse_icmp(const uint8_t *data, uint32_t end,
			     struct pkt_meta *m)
{
	const uint8_t *h = pull(data, end, m->l4_off, ICMP_HDR);

	if (!h)
		return -PKT_PARSE_TRUNCATED_ICMP;
	m->icmp_type = h[0];
	m->icmp_code = h[1];
	if (icmp_is_echo(m->l4_proto, h[0]))
		m->icmp_id = rd16(h + 4);
	m->payload_off = m->l4_off + ICMP_HDR;
	if (icmp_is_error(m->l4_proto, h[0])) {
		m->inner_off = m->payload_off;
		m->flags |= PKT_F_ICMP_ERR;
	}
	return 0;
}

/* Upper layer of a datagram ending at @end; sets payload_off/len. */
static inline int parse_l4(const uint8_t *data, uint32_t end,
			   struct pkt_meta *m)
{
	uint8_t p = m->l4_proto;
	int ret;

	m->payload_off = m->l4_off;
	if (m->flags & PKT_F_FRAG_LATER)
		ret = 1; /* no L4 header in a later fragment */
	else if (p == PROTO_TCP)
		ret = parse_tcp(data, end, m);
	else if (p == PROTO_UDP)
		ret = parse_udp(data, &end, m);
	else if ((p == PROTO_ICMP && m->l3 == PKT_L3_IPV4) ||
		 (p == PROTO_ICMPV6 && m->l3 == PKT_L3_IPV6))
		ret = parse_icmp(data, end, m);
	else
		ret = 1; /* unknown protocol: the rest is payload */
	if (ret < 0)
		return ret;
	if (!ret)
		m->flags |= PKT_F_L4;
	m->payload_len = end - m->payload_off;
	return 0;
}

/**
 * pkt_parse() - parse one untrusted frame into a descriptor
 * @data: first byte of the frame (Ethernet destination MAC)
 * @len: bytes at @data; nothing at or past @data + @len is read
 * @m: descriptor to fill; zeroed first
 *
 * IPv4 total length may be anything up to 65535 (a GSO/TSO frame is one
 * datagram); bytes after the IP datagram are Ethernet padding and are not
 * part of the payload (PKT_F_L2_PAD). Checksums are not verified here: see
 * csum.h. A non-IP frame's payload is everything after its ethertype.
 *
 * Return: 0, or -PKT_PARSE_* (enum pkt_parse_reason) if the frame is
 * malformed; then @m holds whatever was parsed before the failure and is
 * meant only for traces.
 */
int pkt_parse(const uint8_t *data, uint32_t len, struct pkt_meta *m)
{
	uint32_t end;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = parse_l2(data, len, m);
	if (ret)
		return ret;
	if (m->ethertype == ETH_P_IPV4) {
		ret = parse_ipv4(data, len, m, &end);
	} else if (m->ethertype == ETH_P_IPV6_) {
		ret = parse_ipv6(data, len, m, &end);
	} else if (m->ethertype == ETH_P_ARP_) {
		return parse_arp(data, len, m);
	} else {
		m->l4_off = m->l3_off;
		m->payload_off = m->l3_off;
		m->payload_len = len - m->l3_off;
		return 0;
	}
	if (!ret)
		ret = parse_l4(data, end, m);
	if (ret)
		return ret;
	if (end < len)
		m->flags |= PKT_F_L2_PAD;
	return 0;
}

static const char *const reason_strs[] = {
	[PKT_PARSE_OK] = "ok",
#define PARSE_REASON_STR(name, counter, text) [PKT_PARSE_##name] = #counter,
	PARSE_REASONS(PARSE_REASON_STR)
#undef PARSE_REASON_STR
};

static const char *const reason_descs[] = {
	[PKT_PARSE_OK] = "parsed",
#define PARSE_REASON_DESC(name, counter, text) [PKT_PARSE_##name] = text,
	PARSE_REASONS(PARSE_REASON_DESC)
#undef PARSE_REASON_DESC
};

_Static_assert(sizeof(reason_strs) / sizeof(reason_strs[0]) ==
		       PKT_PARSE_REASON_MAX,
	       "one counter name per reason");

static int reason_index(int reason)
{
	if (reason < 0)
		reason = -reason;
	if (reason >= PKT_PARSE_REASON_MAX)
		return -1;
	return reason;
}

/**
 * pkt_parse_reason_str() - counter name of a parse result
 * @reason: pkt_parse() return value (negative) or enum pkt_parse_reason
 *
 * Return: static string such as "truncated_eth" ("ok" for 0), or "unknown"
 * if @reason is out of range.
 */
const char *pkt_parse_reason_str(int reason)
{
	int i = reason_index(reason);

	return i < 0 ? "unknown" : reason_strs[i];
}

/**
 * pkt_parse_reason_desc() - human-readable text of a parse result
 * @reason: pkt_parse() return value (negative) or enum pkt_parse_reason
 *
 * Return: static string for logs and traces, "unknown" if out of range.
 */
const char *pkt_parse_reason_desc(int reason)
{
	int i = reason_index(reason);

	return i < 0 ? "unknown parse result" : reason_descs[i];
}
