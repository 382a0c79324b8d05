/* SPDX-License-Identifier: MIT */
/*
 * ipv4_fwd.h - per-packet helpers of IPv4 forwarding: the TTL and MTU
 * checks a router makes before sending a packet on, the TTL decrement with
 * an incremental header checksum update (RFC 1624), and the Ethernet
 * address rewrite.
 *
 * A router node calls, for a parsed IPv4 packet it is going to forward
 * (after route_lookup() gave the output interface and its MTU):
 *
 *	v = ipv4_fwd_check(p, m, mtu);
 *	IPV4_FWD_OK:           ipv4_ttl_dec(p, m), then ARP and send
 *	IPV4_FWD_TTL_EXCEEDED: icmp_build_time_exceeded(), drop p
 *	IPV4_FWD_FRAG_NEEDED:  icmp_build_frag_needed(.., mtu, ..), drop p
 *	IPV4_FWD_TOO_BIG:      no DF: would need fragmenting; drop (counted)
 *
 * The checks run on the packet as received, before the decrement, so an
 * ICMP error quotes the header the sender sent (as Linux's ip_forward()
 * does). Nothing here allocates or keeps state.
 */
#ifndef DCBOX_IPV4_FWD_H
#define DCBOX_IPV4_FWD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../core/parse.h"
#include "../core/pkt.h"

/*
 * IPV4_FWD_VERDICTS(X) - X(ENUM_SUFFIX, counter_name, "text"); the
 * counter names are for the router's `show` output.
 */
#define IPV4_FWD_VERDICTS(X)                                                   \
	X(OK, "forwarded", "forwarded")                                        \
	X(TTL_EXCEEDED, "ttl_exceeded", "TTL would reach 0: time exceeded")    \
	X(FRAG_NEEDED, "frag_needed", "DF set and larger than the MTU")        \
	X(TOO_BIG, "too_big", "larger than the MTU, fragmenting needed")

/** enum ipv4_fwd_verdict - what ipv4_fwd_check() decided */
enum ipv4_fwd_verdict {
#define X(e, n, d) IPV4_FWD_##e,
	IPV4_FWD_VERDICTS(X)
#undef X
		IPV4_FWD_VERDICT_MAX
};

bool ipv4_hdr_ok(const struct pkt *p, const struct pkt_meta *m);
uint32_t ipv4_wire_len(const struct pkt *p, const struct pkt_meta *m);
enum ipv4_fwd_verdict ipv4_fwd_check(const struct pkt *p,
				     const struct pkt_meta *m, uint32_t mtu);
void ipv4_ttl_dec(struct pkt *p, struct pkt_meta *m);
const char *ipv4_fwd_verdict_str(enum ipv4_fwd_verdict v);

/**
 * ipv4_eth_rewrite() - set the Ethernet addresses of a frame being sent on
 * @p: the frame (Ethernet header at offset 0)
 * @dst: next hop's MAC (from ARP)
 * @src: the output interface's MAC
 */
static inline void ipv4_eth_rewrite(struct pkt *p, const uint8_t dst[6],
				    const uint8_t src[6])
{
	memcpy(pkt_data(p), dst, 6);
	memcpy(pkt_data(p) + 6, src, 6);
}

#endif
