/* SPDX-License-Identifier: MIT */
/*
 * router.h - the IPv4 router node: ARP, forwarding by longest prefix match,
 * ICMP (echo, time exceeded, unreachable, fragmentation needed), a DHCP
 * server per interface, connection tracking and NAT (masquerade, port
 * forwards, hairpin).
 *
 * Like the switch, a router knows its interfaces by small integers and
 * sends frames through a tx callback (the dataplane's dp_tx) with the
 * dataplane port id given at router_if_add(). The dataplane feeds it with
 * router_input() (bound with dp_port_bind()). The control side (daemon,
 * single thread, between batches) adds interfaces and routes, calls
 * router_tick() about once a second and reads the tables for `dcbox show`.
 */
#ifndef DCBOX_ROUTER_H
#define DCBOX_ROUTER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "../core/pkt.h"
#include "switch.h"

enum { ROUTER_MAX_IFS = 16, ROUTER_NAME_MAX = 32 };

struct dhcp_config;
struct dhcp_server;
struct route_table;
struct arp_cache;
struct ct_table;
struct nat;
struct icmp_ctx;

/*
 * Counters of the router, one X-macro (enum, JSON names, text). The
 * router's author may add entries; drops name their reason.
 */
#define ROUTER_COUNTERS(X)                                              \
	X(RX, "rx", "frames received")                                  \
	X(FORWARDED, "forwarded", "IPv4 packets forwarded")             \
	X(LOCAL, "local", "packets for the router itself")              \
	X(ECHO_REPLIES, "echo_replies", "ICMP echo replies sent")       \
	X(ICMP_ERRORS, "icmp_errors", "ICMP errors sent")               \
	X(DHCP, "dhcp", "DHCP messages handled")                        \
	X(DHCP_TX, "dhcp_tx", "DHCP replies sent")                      \
	X(ARP_RX, "arp_rx", "ARP frames received")                      \
	X(ARP_TX, "arp_tx", "ARP requests and replies sent")            \
	X(NAT_SNAT, "nat_snat", "packets source-NATed")                 \
	X(NAT_DNAT, "nat_dnat", "packets destination-NATed")            \
	X(DROP_PARSE, "drop_parse", "dropped: malformed frame")         \
	X(DROP_NOT_US, "drop_not_us", "dropped: MAC not ours")          \
	X(DROP_NO_ROUTE, "drop_no_route", "dropped: no route")          \
	X(DROP_TTL, "drop_ttl", "dropped: TTL expired")                 \
	X(DROP_MTU, "drop_mtu", "dropped: DF and larger than MTU")      \
	X(DROP_ARP, "drop_arp", "dropped: next hop unresolved")         \
	X(DROP_CT, "drop_ct", "dropped: conntrack invalid or full")     \
	X(DROP_NAT, "drop_nat", "dropped: no NAT port free")            \
	X(DROP_NOMEM, "drop_nomem", "dropped: pool empty")              \
	X(DROP_OTHER, "drop_other", "dropped: not IPv4/ARP")            \
	X(DROP_CSUM, "drop_csum", "dropped: bad IPv4 header checksum")  \
	X(DROP_BCAST, "drop_bcast", "dropped: broadcast/multicast IP")  \
	X(DROP_LOCAL, "drop_local", "dropped: for the router, no service")\
	X(DROP_FRAG, "drop_frag", "dropped: larger than MTU, no DF")    \
	X(DROP_VLAN, "drop_vlan", "dropped: wrong or missing 802.1Q tag")\
	X(DROP_NO_IF, "drop_no_if", "dropped: input interface unknown")

enum router_counter {
#define X(e, n, d) ROUTER_C_##e,
	ROUTER_COUNTERS(X)
#undef X
	ROUTER_C_MAX
};

extern const char *const router_counter_names[ROUTER_C_MAX];
extern const char *const router_counter_descs[ROUTER_C_MAX];

/** struct router_if_cfg - one interface as the topology describes it */
struct router_if_cfg {
	char name[ROUTER_NAME_MAX];  /* "web" (switch) or the uplink name */
	uint16_t port_id;            /* dataplane port id for tx */
	uint8_t mac[6];
	struct in_addr addr;
	uint8_t prefix;
	uint32_t mtu;
	uint16_t vlan;               /* 802.1Q tag to add/expect, 0 = none */
	bool masquerade;
	const struct dhcp_config *dhcp; /* NULL: no DHCP server here */
	const char *lease_file;      /* with dhcp: where leases persist */
};
/* router_if_add() reads @cfg and what it points to during the call only. */

/** struct router_fwd_cfg - a published service (DNAT) */
struct router_fwd_cfg {
	uint8_t proto;               /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port, port_end;     /* external port range */
	struct in_addr to;
	uint16_t to_port;            /* first internal port */
	uint8_t on_if;               /* interface whose address is used */
};

struct router;

struct router *router_create(const char *name, struct pkt_pool *pool,
			     uint32_t ct_max, sw_tx_fn *tx, void *tx_ctx,
			     char *err, size_t errsize);
void router_destroy(struct router *r);
int router_if_add(struct router *r, const struct router_if_cfg *cfg,
		  char *err, size_t errsize);
int router_route_add(struct router *r, struct in_addr to, uint8_t prefix,
		     struct in_addr via);
int router_route_del(struct router *r, struct in_addr to, uint8_t prefix);
int router_fwd_add(struct router *r, const struct router_fwd_cfg *fwd);
void router_start(struct router *r, uint64_t now_ns);
void router_input(void *node, uint16_t ifidx, struct pkt **pkts,
		  unsigned int n, uint64_t now_ns);
void router_tick(struct router *r, uint64_t now_ns);
void router_stop(struct router *r);
const char *router_name(const struct router *r);
unsigned int router_nifs(const struct router *r);
const struct router_if_cfg *router_if(const struct router *r,
				      unsigned int ifidx);
const struct route_table *router_routes(const struct router *r);
const struct arp_cache *router_arp(const struct router *r);
struct ct_table *router_ct(struct router *r);
struct nat *router_nat(struct router *r);
struct dhcp_server *router_dhcp(const struct router *r, unsigned int ifidx);
const uint64_t *router_counters(const struct router *r);
struct icmp_ctx *router_icmp(struct router *r);

#endif
