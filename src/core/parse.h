/* SPDX-License-Identifier: MIT */
/*
 * parse.h - the packet parser: one pass over an untrusted frame into a
 * fixed-size descriptor, struct pkt_meta.
 *
 * Every node after the port (switch, router, firewall, conntrack, IPS) reads
 * the descriptor instead of the raw headers, so a frame is parsed once and
 * every stage agrees on what it contains. pkt_parse() understands Ethernet,
 * up to two VLAN tags (802.1Q, 802.1ad), ARP, IPv4, IPv6 with its extension
 * headers, TCP, UDP, ICMP and ICMPv6. Anything it does not know (an
 * ethertype, an IP protocol) ends the parse without error; the descriptor
 * then says how far it got (l3 == PKT_L3_NONE, or no PKT_F_L4).
 *
 * A frame is rejected with a reason from PARSE_REASONS() when a header is
 * cut short by the end of the buffer (TRUNCATED_*) or when its fields
 * disagree with each other (BAD_*). The reason doubles as a drop-counter
 * name (pkt_parse_reason_str()) and as log text (pkt_parse_reason_desc()).
 *
 * Invariants of a successful parse, checked by the unit tests and the fuzz
 * harness: l3_off <= l4_off <= payload_off, payload_off + payload_len <= len,
 * and every header the flags say was parsed lies inside [0, len). The
 * payload ends at the end of the IP datagram, before any Ethernet padding.
 */
#ifndef DCBOX_PARSE_H
#define DCBOX_PARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * PARSE_REASONS(X) - X(ENUM_SUFFIX, counter_name, "log text"). TRUNCATED
 * means the buffer ends inside a header or before the length a header
 * claims; BAD means header fields contradict each other.
 */
#define PARSE_REASONS(X)                                                      \
	X(TRUNCATED_ETH, truncated_eth, "frame shorter than Ethernet header") \
	X(TRUNCATED_VLAN, truncated_vlan, "frame ends inside a VLAN tag")     \
	X(TOO_MANY_VLANS, too_many_vlans, "more than two VLAN tags")          \
	X(TRUNCATED_ARP, truncated_arp, "frame ends inside ARP header")       \
	X(BAD_ARP, bad_arp, "ARP not Ethernet/IPv4 (htype/ptype/hlen/plen)")  \
	X(TRUNCATED_IP, truncated_ip, "frame shorter than IP header/length")  \
	X(BAD_IP_VERSION, bad_ip_version, "IP version disagrees with type")   \
	X(BAD_IHL, bad_ihl, "IPv4 header length below 20 bytes")              \
	X(BAD_IP_LEN, bad_ip_len, "IPv4 total length below header length")   \
	X(BAD_IP_FRAG, bad_ip_frag, "fragment would end past 65535 bytes")    \
	X(TRUNCATED_IPV6_EXT, truncated_ipv6_ext,                             \
	  "IPv6 extension header runs past the payload")                      \
	X(TOO_MANY_EXT_HDRS, too_many_ext_hdrs,                               \
	  "more IPv6 extension headers than PKT_IPV6_EXT_MAX")                \
	X(TRUNCATED_TCP, truncated_tcp, "IP payload shorter than TCP header") \
	X(BAD_TCP_OFF, bad_tcp_off, "TCP data offset < 5 or past payload")    \
	X(TRUNCATED_UDP, truncated_udp, "IP payload shorter than UDP header") \
	X(BAD_UDP_LEN, bad_udp_len, "UDP length < 8 or past IP payload")      \
	X(TRUNCATED_ICMP, truncated_icmp, "IP payload shorter than ICMP hdr")

/** enum pkt_parse_reason - why pkt_parse() refused; it returns the negative */
enum pkt_parse_reason {
	PKT_PARSE_OK = 0,
#define PARSE_REASON_ENUM(name, counter, text) PKT_PARSE_##name,
	PARSE_REASONS(PARSE_REASON_ENUM)
#undef PARSE_REASON_ENUM
	PKT_PARSE_REASON_MAX
};

enum {
	PKT_VLAN_MAX = 2,     /* tags parsed: outer 802.1ad/Q + inner 802.1Q */
	PKT_IPV6_EXT_MAX = 8, /* extension headers walked before giving up */
};

/** enum pkt_l3 - what sits at l3_off */
enum pkt_l3 {
	PKT_L3_NONE = 0, /* ethertype not parsed (LLDP, 802.3 length, ...) */
	PKT_L3_ARP,
	PKT_L3_IPV4,
	PKT_L3_IPV6,
};

/** enum pkt_flags - bits of pkt_meta.flags */
enum pkt_flags {
	PKT_F_VLAN_AD = 1 << 0,    /* outer tag has TPID 0x88a8 */
	PKT_F_L4 = 1 << 1,         /* TCP/UDP/ICMP header parsed at l4_off */
	PKT_F_FRAG = 1 << 2,       /* IP fragment: MF set or offset != 0 */
	PKT_F_FRAG_LATER = 1 << 3, /* offset != 0: no L4 header in here */
	PKT_F_MF = 1 << 4,         /* more fragments follow */
	PKT_F_DF = 1 << 5,         /* IPv4 don't fragment */
	PKT_F_IP_OPTS = 1 << 6,    /* IPv4 header has options (IHL > 5) */
	PKT_F_IPV6_EXT = 1 << 7,   /* IPv6 extension headers were walked */
	PKT_F_FRAG_HDR = 1 << 8,   /* IPv6 fragment header seen; frag_id set */
	PKT_F_ICMP_ERR = 1 << 9,   /* ICMP error: inner_off is the inner IP */
	PKT_F_L2_PAD = 1 << 10,    /* bytes follow the IP datagram / ARP */
};

/**
 * union pkt_addr - an IP address; IPv4 is stored v4-mapped (::ffff:a.b.c.d)
 * so that keys and hashes treat both families alike. Network byte order.
 */
union pkt_addr {
	uint8_t b[16];
	uint32_t w[4]; /* w[3] is the IPv4 address */
	uint64_t q[2];
};

/**
 * struct pkt_meta - what pkt_parse() learnt about one frame
 *
 * All multi-byte integers are host byte order except the addresses.
 * Offsets count bytes from the start of the frame. A field whose layer was
 * not parsed is zero. Bytes 0-31 are what an L2 switch needs; the rest is
 * L3/L4. The size is fixed (96) and asserted in parse.c.
 */
struct pkt_meta {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	uint16_t ethertype;               /* innermost, after VLAN tags */
	uint16_t vlan_tci[PKT_VLAN_MAX];  /* [0] outer; PCP|DEI|VID */
	uint8_t n_vlans;                  /* 0..PKT_VLAN_MAX */
	uint8_t l3;                       /* enum pkt_l3 */
	uint16_t flags;                   /* enum pkt_flags */
	uint16_t l3_off;                  /* after the Ethernet/VLAN headers */
	uint16_t l4_off;                  /* after IPv4 options / IPv6 exts */
	uint16_t payload_off;             /* after the L4 header */
	uint32_t payload_len;             /* to the end of the IP datagram */

	uint8_t l4_proto;     /* IP protocol / last IPv6 next header */
	uint8_t ttl;          /* IPv4 TTL or IPv6 hop limit */
	uint8_t tos;          /* IPv4 TOS or IPv6 traffic class (DSCP|ECN) */
	uint8_t n_ext;        /* IPv6 extension headers walked */
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t tcp_flags;   /* low 12 bits of TCP header bytes 12-13 */
	uint16_t src_port;
	uint16_t dst_port;
	uint16_t icmp_id;     /* echo request/reply identifier */
	uint16_t inner_off;   /* ICMP error: embedded IP header, if F_ICMP_ERR */
	uint16_t frag_off;    /* fragment offset in bytes */
	uint16_t arp_op;      /* ARP opcode; addresses hold SPA/TPA */
	uint32_t frag_id;     /* IPv4 identification / IPv6 fragment id */
	uint32_t flow_label;  /* IPv6 flow label (20 bits) */
	uint8_t rsvd[4];      /* zero; room to grow without resizing */
	union pkt_addr src;   /* IP source, or ARP sender protocol address */
	union pkt_addr dst;   /* IP destination, or ARP target address */
};

/** pkt_addr_v4() - the IPv4 address (network order) in a v4-mapped addr */
static inline uint32_t pkt_addr_v4(const union pkt_addr *a)
{
	return a->w[3];
}

int pkt_parse(const uint8_t *data, uint32_t len, struct pkt_meta *m);
const char *pkt_parse_reason_str(int reason);
const char *pkt_parse_reason_desc(int reason);

#endif
