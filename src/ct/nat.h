/* SPDX-License-Identifier: MIT */
/*
 * nat.h - IPv4 NAT on top of conntrack: masquerade (source NAT to an
 * interface address with port allocation), destination NAT for port
 * forwards, hairpin, and the per-packet rewrite including ICMP errors.
 *
 * A router node runs every forwarded packet through these steps, one
 * packet at a time (entry pointers live only until the next ct call):
 *
 *	1. pkt_parse(pkt_data(p), p->len, &m)
 *	2. ct_process(ct, pkt_data(p), &m, now_ms, &r)
 *	   CT_INVALID: drop.  CT_UNTRACKED: forward without NAT (or drop).
 *	3. if (r.created) nat_prerouting(nat, ct, r.e)   DNAT decision
 *	4. nat_apply(nat, r.e, p, &m, r.dir)              rewrite what is
 *	   known so far: m.dst is now the real destination
 *	5. route m.dst -> output interface (and its address)
 *	6. if (r.created) {
 *		ret = nat_postrouting(nat, ct, r.e, &out_addr, flags);
 *		if (ret < 0) drop (the flow is already killed);
 *		nat_apply(nat, r.e, p, &m, r.dir);        source part
 *	   }
 *	   flags: NAT_OUT_MASQ if the output interface masquerades (the
 *	   uplink), NAT_SAME_IF if input and output interface are the same
 *	7. TTL, ARP, transmit.
 *
 * nat_apply() is idempotent: it makes the packet look like the flow's
 * translated tuple, so calling it again after step 6 only adds the source
 * rewrite. Packets of flows without NAT are left alone (a flag test).
 *
 * Theory of operation
 *
 * NAT state lives in the conntrack entry (Linux's design): the reply tuple
 * of a flow is edited when the flow is set up, and a packet travelling in
 * direction d is rewritten to the inverse of tuple[!d]. Masquerade sets the
 * reply tuple's destination to the output address and its destination port
 * (the ICMP echo identifier for ping) to a free port; DNAT sets its source
 * to the internal server. Since every tuple in the conntrack table is
 * unique, a port is free exactly when the candidate reply tuple (remote
 * address and port, our address, candidate port, protocol) is in no flow,
 * which is what nat_masquerade() checks, so two flows can never share a
 * reply tuple. It keeps the original source port when that is free and in
 * range (like Linux), otherwise probes from a random point of the range;
 * when no port is free after probe_max tries (the whole range if it is
 * smaller) the flow is refused and counted (port_exhausted).
 *
 * Hairpin: a host inside reaching the published address:port of a server
 * on its own segment gets DNAT to the server and, because the server would
 * otherwise answer it directly, SNAT to the router's address on that
 * interface (NAT_SAME_IF), so replies come back through the router.
 *
 * Checksums are updated incrementally (RFC 1624): the IPv4 header for
 * address changes; TCP/UDP for addresses (pseudo-header) and ports; ICMP
 * for the echo identifier. A UDP checksum of 0 (none) stays 0. A GSO or
 * CHECKSUM_PARTIAL frame (VIRTIO_NET_HDR_F_NEEDS_CSUM with csum_start at
 * the L4 header) holds only the pseudo-header sum in its checksum field,
 * so only address changes are folded into it: the port is data that the
 * final checksum will cover. For ICMP errors, the quoted IP header, its
 * checksum, quoted ports and quoted L4 checksum are rewritten back to the
 * flow's other side, every changed word is folded into the ICMP checksum,
 * and the outer header gets the same address translation as a packet of
 * the flow in the error's direction (the destination always, the source
 * only if the flow translates it).
 *
 * The port forwards are a short array searched linearly on a flow's first
 * packet only. IPv6 flows are tracked but not translated (-EAFNOSUPPORT
 * if a translation would be needed).
 */
#ifndef DCBOX_NAT_H
#define DCBOX_NAT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/pkt.h"
#include "ct/ct.h"

enum {
	NAT_PORT_MIN_DEFAULT = 1024,
	NAT_PORT_MAX_DEFAULT = 65535,
	NAT_PROBE_DEFAULT = 4096, /* candidate ports per allocation */
	NAT_RULES_MAX = 1024,
};

/** enum nat_post_flags - what the router knows about the output */
enum nat_post_flags {
	NAT_OUT_MASQ = 1 << 0, /* output interface masquerades (uplink) */
	NAT_SAME_IF = 1 << 1, /* output interface == input interface */
};

/*
 * NAT_COUNTERS(X) - X(ENUM_SUFFIX, counter_name, "description") for
 * `dcbox show nat --json`.
 */
#define NAT_COUNTERS(X)                                                        \
	X(SNAT, snat, "flows masqueraded")                                     \
	X(DNAT, dnat, "flows port-forwarded")                                  \
	X(HAIRPIN, hairpin, "port-forwarded flows from inside, SNAT'd too")    \
	X(PORT_EXHAUSTED, port_exhausted, "new flows dropped: no free port")   \
	X(DNAT_CLASH, dnat_clash, "new flows dropped: DNAT tuple in use")      \
	X(NOT_IPV4, not_ipv4, "translation needed on a non-IPv4 packet")       \
	X(TRUNCATED, truncated, "packet too short for the rewrite")            \
	X(BAD_OFFLOAD, bad_offload, "partial checksum not at the L4 header")   \
	X(REWRITTEN, rewritten, "packets rewritten")                           \
	X(ICMP_ERR, icmp_err, "ICMP errors translated")

/** enum nat_counter - index into struct nat.counters */
enum nat_counter {
#define NAT_COUNTER_ENUM(name, str, text) NAT_CNT_##name,
	NAT_COUNTERS(NAT_COUNTER_ENUM)
#undef NAT_COUNTER_ENUM
		NAT_CNT_MAX
};

/**
 * struct nat_config - masquerade settings
 * @port_min: first port (and ICMP identifier) masquerade may use
 * @port_max: last one, >= @port_min
 * @probe_max: candidates tried per allocation before giving up
 */
struct nat_config {
	uint16_t port_min;
	uint16_t port_max;
	uint32_t probe_max;
};

/**
 * struct nat_rule - a port forward (DNAT)
 * @proto: 6 (TCP) or 17 (UDP)
 * @ext_port: published port, host order
 * @int_port: port of the internal server, host order
 * @ext_addr: published IPv4 address (v4-mapped), usually the uplink's
 * @int_addr: internal server (v4-mapped)
 */
struct nat_rule {
	uint8_t proto;
	uint8_t pad;
	uint16_t ext_port;
	uint16_t int_port;
	uint16_t pad2;
	union pkt_addr ext_addr;
	union pkt_addr int_addr;
};

/**
 * struct nat - one router's NAT; fields private except counters and rules
 * @cfg: port range
 * @rules: port forwards, @n_rules of them
 * @n_rules: rules in use
 * @rng: xorshift state for the random probe start
 * @counters: enum nat_counter
 */
struct nat {
	struct nat_config cfg;
	struct nat_rule rules[NAT_RULES_MAX];
	uint32_t n_rules;
	uint64_t rng;
	uint64_t counters[NAT_CNT_MAX];
};

void nat_config_default(struct nat_config *cfg);
int nat_init(struct nat *n, const struct nat_config *cfg);
int nat_set_rules(struct nat *n, const struct nat_rule *rules, uint32_t count);
const struct nat_rule *nat_find_rule(const struct nat *n, uint8_t proto,
				     const union pkt_addr *addr, uint16_t port);

int nat_prerouting(struct nat *n, struct ct_table *ct, struct ct_entry *e);
int nat_postrouting(struct nat *n, struct ct_table *ct, struct ct_entry *e,
		    const union pkt_addr *out_addr, unsigned int flags);
int nat_masquerade(struct nat *n, struct ct_table *ct, struct ct_entry *e,
		   const union pkt_addr *addr);
int nat_apply(struct nat *n, const struct ct_entry *e, struct pkt *p,
	      struct pkt_meta *m, enum ct_dir dir);

const char *nat_counter_name(unsigned int counter);

#endif
