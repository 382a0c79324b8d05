// SPDX-License-Identifier: MIT
/*
 * ipv4_fwd.c - IPv4 forwarding checks (TTL, MTU with GSO awareness) and the
 * TTL decrement with an RFC 1624 incremental checksum update. See
 * ipv4_fwd.h for the order in which a router calls them.
 */
#include "ipv4_fwd.h"

#include "../core/csum.h"

enum {
	FWD_TTL_OFF = 8, /* TTL, then protocol: one 16-bit word */
	FWD_CSUM_OFF = 10,
};

/**
 * ipv4_hdr_ok() - is the IPv4 header checksum of a parsed packet correct
 * @p: the packet
 * @m: its descriptor (m->l3 == PKT_L3_IPV4)
 *
 * The IPv4 header checksum is never offloaded, so a router checks it on
 * every packet it forwards or answers (RFC 1812 5.2.2).
 *
 * Return: true if the checksum over the header is valid.
 */
bool ipv4_hdr_ok(const struct pkt *p, const struct pkt_meta *m)
{
	return csum_buf(pkt_data(p) + m->l3_off, m->l4_off - m->l3_off) == 0;
}

/**
 * ipv4_wire_len() - IP length of the largest packet this frame becomes
 * on the wire
 * @p: the packet; p->vnet says whether it is a GSO super-frame
 * @m: its descriptor
 *
 * A GSO frame (TSO from a VM or veth) is cut into segments of gso_size
 * payload bytes each carrying a copy of the IP and L4 headers, so it is the
 * segment, not the 64 KiB frame, that must fit the MTU.
 *
 * Return: bytes of IP header and payload of one packet on the wire.
 */
uint32_t ipv4_wire_len(const struct pkt *p, const struct pkt_meta *m)
{
	uint32_t len = m->payload_off + m->payload_len - m->l3_off;
	uint32_t seg;

	if ((p->vnet.gso_type & ~VIRTIO_NET_HDR_GSO_ECN) ==
		    VIRTIO_NET_HDR_GSO_NONE ||
	    !p->vnet.gso_size)
		return len;
	seg = (uint32_t)(m->payload_off - m->l3_off) + p->vnet.gso_size;
	return seg < len ? seg : len;
}

/**
 * ipv4_fwd_check() - may this packet be forwarded out an interface
 * @p: the packet as received
 * @m: its descriptor (m->l3 == PKT_L3_IPV4)
 * @mtu: the output interface's IP MTU (e.g. 1500)
 *
 * Return: IPV4_FWD_OK, or the reason it may not: TTL_EXCEEDED (TTL 0 or 1),
 * FRAG_NEEDED (DF set, wire length above @mtu) or TOO_BIG (no DF, above
 * @mtu: it would have to be fragmented).
 */
enum ipv4_fwd_verdict ipv4_fwd_check(const struct pkt *p,
				     const struct pkt_meta *m, uint32_t mtu)
{
	if (m->ttl <= 1)
		return IPV4_FWD_TTL_EXCEEDED;
	if (ipv4_wire_len(p, m) <= mtu)
		return IPV4_FWD_OK;
	return (m->flags & PKT_F_DF) ? IPV4_FWD_FRAG_NEEDED : IPV4_FWD_TOO_BIG;
}

/**
 * ipv4_ttl_dec() - decrement the TTL, updating the header checksum
 * incrementally (RFC 1624 eqn. 3), as a router does before sending on
 * @p: the packet; its TTL must be at least 1 (ipv4_fwd_check() said OK)
 * @m: its descriptor; m->ttl is updated too
 */
void ipv4_ttl_dec(struct pkt *p, struct pkt_meta *m)
{
	uint8_t *ip = pkt_data(p) + m->l3_off;
	uint16_t old, new, check;

	memcpy(&old, ip + FWD_TTL_OFF, 2);
	ip[FWD_TTL_OFF]--;
	memcpy(&new, ip + FWD_TTL_OFF, 2);
	memcpy(&check, ip + FWD_CSUM_OFF, 2);
	check = csum_replace16(check, old, new);
	memcpy(ip + FWD_CSUM_OFF, &check, 2);
	m->ttl = ip[FWD_TTL_OFF];
}

/**
 * ipv4_fwd_verdict_str() - counter name of a verdict
 * @v: the verdict
 *
 * Return: a static string, "?" for an unknown value.
 */
const char *ipv4_fwd_verdict_str(enum ipv4_fwd_verdict v)
{
	static const char *const names[] = {
#define X(e, n, d) n,
		IPV4_FWD_VERDICTS(X)
#undef X
	};

	return (unsigned int)v < IPV4_FWD_VERDICT_MAX ? names[v] : "?";
}
