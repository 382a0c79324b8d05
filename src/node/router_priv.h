/* SPDX-License-Identifier: MIT */
/*
 * router_priv.h - the router's internals, shared by router.c (per packet)
 * and router_config.c (set-up, tick, accessors) only. Everyone else uses
 * the functions of router.h and sees struct router as opaque.
 *
 * One struct router holds every table the per-packet path reads: the
 * route table (LPM), the ARP cache with its pending queue, the ICMP state,
 * conntrack and NAT, and one struct router_if per interface (its copy of
 * the configuration, its struct arp_iface and its DHCP server). All of it
 * is allocated by router_create() and router_if_add(); the per-packet path
 * allocates nothing but packet buffers from the pool.
 *
 * Output: frames a call produces are appended to the batch of their
 * interface (@out, @active) and handed to the tx callback once per
 * interface when the call ends (or when a batch fills up), so tx runs once
 * per output interface per input batch.
 */
#ifndef DCBOX_ROUTER_PRIV_H
#define DCBOX_ROUTER_PRIV_H

#include "../ct/ct.h"
#include "../ct/nat.h"
#include "../l3/arp.h"
#include "../l3/dhcp.h"
#include "../l3/icmp.h"
#include "../l3/route.h"
#include "router.h"

enum {
	/* ICMP host unreachable built during arp_tick(), sent after it */
	ROUTER_DEFER_MAX = 64,
};

/*
 * struct router_if - one interface as the per-packet path sees it
 * @cfg: copy of the configuration; cfg.dhcp points at @dhcp_cfg (or is
 *       NULL) and cfg.lease_file at an owned copy (or is NULL)
 * @arp: what ARP knows of the interface (ifindex, MAC, address)
 * @dhcp: DHCP server, or NULL
 * @dhcp_cfg: owned copy of the DHCP configuration, or NULL
 * @addr: interface address, network order
 * @bcast: subnet-directed broadcast address, network order (0 for /31-32)
 * @addr6: @addr v4-mapped, as NAT wants it
 */
struct router_if {
	struct router_if_cfg cfg;
	struct arp_iface arp;
	struct dhcp_server *dhcp;
	struct dhcp_config *dhcp_cfg;
	uint32_t addr;
	uint32_t bcast;
	union pkt_addr addr6;
};

/*
 * struct router - one router. Single-threaded: the dataplane thread calls
 * router_input() and, between batches, router_tick() and the control
 * calls; nothing is locked.
 */
struct router {
	char name[ROUTER_NAME_MAX];
	struct pkt_pool *pool;
	sw_tx_fn *tx;
	void *tx_ctx;
	unsigned int nifs;
	uint64_t now_ns; /* clock of the call in progress */
	uint64_t counters[ROUTER_C_MAX];
	struct route_table routes;
	struct arp_cache arp;
	struct icmp_ctx icmp;
	struct ct_table ct;
	struct nat nat;
	uint32_t nfwd; /* port-forward rules in @fwd */
	struct nat_rule fwd[NAT_RULES_MAX];
	struct dhcp_reply dhcp_reply; /* scratch for one DHCP answer */
	unsigned int ndefer; /* packets in @defer */
	struct pkt *defer[ROUTER_DEFER_MAX];
	uint16_t nactive; /* output batches touched this call */
	uint16_t active[ROUTER_MAX_IFS];
	uint8_t queued[ROUTER_MAX_IFS]; /* interface is on @active */
	struct pkt_batch out[ROUTER_MAX_IFS];
	struct router_if ifs[ROUTER_MAX_IFS];
};

/* router.c, for router_config.c: output and the tick callbacks */
void router_output(struct router *r, unsigned int ifidx, struct pkt *p);
void router_flush(struct router *r);
void router_local_out(struct router *r, struct pkt *q);
arp_solicit_fn router_arp_solicit;
arp_unreach_fn router_arp_unreach;

#endif
