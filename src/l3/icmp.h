/* SPDX-License-Identifier: MIT */
/*
 * icmp.h - the router's ICMPv4: echo replies for its own addresses, built in
 * place, and error messages (time exceeded, destination unreachable with
 * net/host/protocol/port/frag-needed codes) built into a new packet, with
 * the RFC 1812 rules on when not to send one and a token-bucket rate limit.
 *
 * A router node uses it like this, per packet:
 *
 *	echo request to one of its addresses (m->icmp_type == ICMP_TYPE_ECHO):
 *		if (!icmp_echo_reply(ic, p, m)) route p back to its sender
 *		(addresses are swapped; route_lookup() on the new destination)
 *	an error to report about packet p (ipv4_fwd_check() verdict, no
 *	route, ARP failure, UDP to the router):
 *		if (icmp_error_allowed(ic, p, m, now_ns) &&
 *		    (q = pkt_alloc(pool)) &&
 *		    !icmp_build_time_exceeded(ic, q, p, m, in_if_addr))
 *			route q like any locally generated packet
 *		then drop p.
 *
 * An error frame starts with an Ethernet header with zero MAC addresses and
 * ethertype IPv4: the router's output stage fills in the MACs after ARP, as
 * for a forwarded packet. It is never VLAN tagged and has no offload state.
 * Its IP source is the address the caller passes (RFC 1812 4.3.2.4: one of
 * the router's own; traceroute shows it), TTL 64, TOS 0xc0 (internetwork
 * control, as Linux), no DF, and a fresh IP ID.
 *
 * State: one struct icmp_ctx per router (rate limiter, IP ID counter,
 * counters), used by one thread. Nothing is allocated here; the caller
 * allocates the error packet after icmp_error_allowed() said yes, so a
 * flood that is rate limited costs no buffers.
 */
#ifndef DCBOX_ICMP_H
#define DCBOX_ICMP_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/parse.h"
#include "../core/pkt.h"

/*
 * Types and codes (RFC 792, 1812). Own names: <netinet/ip_icmp.h> defines
 * a macro icmp_id that breaks struct pkt_meta, and <linux/icmp.h> clashes
 * with it in any file including both.
 */
enum icmp_type {
	ICMP_TYPE_ECHO_REPLY = 0,
	ICMP_TYPE_DEST_UNREACH = 3,
	ICMP_TYPE_SOURCE_QUENCH = 4,
	ICMP_TYPE_REDIRECT = 5,
	ICMP_TYPE_ECHO = 8,
	ICMP_TYPE_TIME_EXCEEDED = 11,
	ICMP_TYPE_PARAM_PROBLEM = 12,
};

/** enum icmp_code - codes of ICMP_TYPE_DEST_UNREACH and TIME_EXCEEDED */
enum icmp_code {
	ICMP_CODE_NET_UNREACH = 0, /* no route */
	ICMP_CODE_HOST_UNREACH = 1, /* ARP failed */
	ICMP_CODE_PROTO_UNREACH = 2, /* to the router, protocol unknown */
	ICMP_CODE_PORT_UNREACH = 3, /* to the router, no such UDP port */
	ICMP_CODE_FRAG_NEEDED = 4, /* DF set, larger than the MTU */
	ICMP_CODE_ADMIN_PROHIBITED = 13, /* filtered (firewall reject) */
	ICMP_CODE_TTL_EXCEEDED = 0, /* with ICMP_TYPE_TIME_EXCEEDED */
};

enum {
	ICMP_ERR_MAX_SIZE = 576, /* IP datagram of an error, RFC 1812 */
	ICMP_ERR_HDRS = 14 + 20 + 8, /* Ethernet + IP + ICMP headers */
	ICMP_ERR_TOS = 0xc0,
	ICMP_REPLY_TTL = 64,
	ICMP_RATE_DEFAULT = 1000, /* errors per second (Linux default) */
	ICMP_BURST_DEFAULT = 50,
};

/*
 * ICMP_COUNTERS(X) - X(ENUM_SUFFIX, counter_name, "text")
 */
#define ICMP_COUNTERS(X)                                                       \
	X(ECHO_REPLY, "echo_reply", "echo replies sent")                       \
	X(ERROR_SENT, "error_sent", "error messages built")                    \
	X(BAD_CSUM, "drop_bad_csum", "echo requests with a bad checksum")      \
	X(NOT_ECHO, "drop_not_echo", "not an unfragmented echo request")       \
	X(SUPP_ICMP_ERR, "suppressed_icmp_error", "no error about an error")   \
	X(SUPP_FRAG, "suppressed_fragment",                                    \
	  "no error about a non-first fragment")                               \
	X(SUPP_BCAST, "suppressed_broadcast",                                  \
	  "no error about broadcast/multicast")                                \
	X(SUPP_BAD_SRC, "suppressed_bad_source",                               \
	  "no error to an invalid source")                                     \
	X(RATE_LIMITED, "rate_limited", "errors refused by the rate limit")

/** enum icmp_counter - index in icmp_ctx.counters */
enum icmp_counter {
#define X(e, n, d) ICMP_C_##e,
	ICMP_COUNTERS(X)
#undef X
		ICMP_C_MAX
};

/**
 * struct icmp_ctx - a router's ICMP state; fields private to icmp.c except
 * @counters, which `show` reads
 * @credit_ns: token bucket: time credit, at most @burst * @cost_ns
 * @last_ns: when the credit was last topped up
 * @cost_ns: credit one error costs (1e9 / rate); 0 = unlimited
 * @burst: errors that may be sent back to back
 * @ip_id: IP ID of the next error message
 * @counters: ICMP_COUNTERS
 */
struct icmp_ctx {
	uint64_t credit_ns;
	uint64_t last_ns;
	uint64_t cost_ns;
	uint32_t burst;
	uint16_t ip_id;
	uint64_t counters[ICMP_C_MAX];
};

void icmp_ctx_init(struct icmp_ctx *ic);
void icmp_set_rate(struct icmp_ctx *ic, uint32_t per_s, uint32_t burst);
int icmp_echo_reply(struct icmp_ctx *ic, struct pkt *p,
		    const struct pkt_meta *m);
bool icmp_error_allowed(struct icmp_ctx *ic, const struct pkt *p,
			const struct pkt_meta *m, uint64_t now_ns);
int icmp_build_error(struct icmp_ctx *ic, struct pkt *out,
		     const struct pkt *orig, const struct pkt_meta *m,
		     uint8_t type, uint8_t code, uint32_t info, uint32_t saddr);
const char *icmp_counter_str(enum icmp_counter c);

/**
 * icmp_build_time_exceeded() - TTL exceeded in transit (type 11 code 0)
 * @ic: ICMP state
 * @out: a fresh packet to build into
 * @orig: the packet whose TTL ran out, as received
 * @m: its descriptor
 * @saddr: the router's address to send from, network byte order
 *
 * Return: as icmp_build_error().
 */
static inline int icmp_build_time_exceeded(struct icmp_ctx *ic, struct pkt *out,
					   const struct pkt *orig,
					   const struct pkt_meta *m,
					   uint32_t saddr)
{
	return icmp_build_error(ic, out, orig, m, ICMP_TYPE_TIME_EXCEEDED,
				ICMP_CODE_TTL_EXCEEDED, 0, saddr);
}

/**
 * icmp_build_unreach() - destination unreachable (type 3)
 * @ic: ICMP state
 * @out: a fresh packet to build into
 * @orig: the undeliverable packet
 * @m: its descriptor
 * @code: enum icmp_code: NET_UNREACH (no route), HOST_UNREACH (ARP
 *	failed), PROTO_UNREACH or PORT_UNREACH (to the router itself),
 *	ADMIN_PROHIBITED (filtered)
 * @saddr: the router's address to send from, network byte order
 *
 * Return: as icmp_build_error().
 */
static inline int icmp_build_unreach(struct icmp_ctx *ic, struct pkt *out,
				     const struct pkt *orig,
				     const struct pkt_meta *m, uint8_t code,
				     uint32_t saddr)
{
	return icmp_build_error(ic, out, orig, m, ICMP_TYPE_DEST_UNREACH, code,
				0, saddr);
}

/**
 * icmp_build_frag_needed() - fragmentation needed and DF set (type 3 code
 * 4) with the next-hop MTU (RFC 1191), for path MTU discovery
 * @ic: ICMP state
 * @out: a fresh packet to build into
 * @orig: the packet too big for the output interface
 * @m: its descriptor
 * @mtu: the output interface's MTU
 * @saddr: the router's address to send from, network byte order
 *
 * Return: as icmp_build_error().
 */
static inline int icmp_build_frag_needed(struct icmp_ctx *ic, struct pkt *out,
					 const struct pkt *orig,
					 const struct pkt_meta *m, uint16_t mtu,
					 uint32_t saddr)
{
	return icmp_build_error(ic, out, orig, m, ICMP_TYPE_DEST_UNREACH,
				ICMP_CODE_FRAG_NEEDED, mtu, saddr);
}

#endif
