/* SPDX-License-Identifier: MIT */
/*
 * netlink.h - the rtnetlink requests dcbox needs to build a topology: veth
 * pairs, link state, MAC, MTU, moving links between namespaces, addresses
 * and default routes.
 *
 * Every function takes the namespace to act in as an fd from netns_open()
 * (-1: the caller's current one) and returns 0 or -errno, the kernel's own
 * error for a refused request (-EEXIST, -ENODEV, ...). Links are named, not
 * numbered: ifindexes differ between namespaces and change on moves.
 */
#ifndef DCBOX_PORT_NETLINK_H
#define DCBOX_PORT_NETLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

/** struct netlink_link - what netlink_link_get() reports about a link */
struct netlink_link {
	int ifindex;
	unsigned int flags;        /* IFF_UP, IFF_PROMISC, IFF_LOWER_UP... */
	unsigned int mtu;
	uint8_t mac[6];
	char kind[16];             /* "veth", "tun", ... or "" */
};

int netlink_veth_create(const char *name, int netns_fd, const char *peer,
			int peer_netns_fd);
int netlink_link_del(int netns_fd, const char *ifname);
int netlink_link_get(int netns_fd, const char *ifname,
		     struct netlink_link *out);
int netlink_ifindex(int netns_fd, const char *ifname);
bool netlink_link_exists(int netns_fd, const char *ifname);
int netlink_link_set_up(int netns_fd, const char *ifname, bool up);
int netlink_link_set_promisc(int netns_fd, const char *ifname, bool on);
int netlink_link_set_mac(int netns_fd, const char *ifname,
			 const uint8_t mac[6]);
int netlink_link_set_mtu(int netns_fd, const char *ifname, unsigned int mtu);
int netlink_link_set_netns(int netns_fd, const char *ifname,
			   int target_netns_fd);
int netlink_addr_add(int netns_fd, const char *ifname, int family,
		     const void *addr, unsigned int prefix_len);
int netlink_route_add_default(int netns_fd, int family, const void *gw);
int netlink_clsact_add(int ifindex);
int netlink_clsact_del(int ifindex);
int netlink_tc_bpf_add(int ifindex, uint16_t prio, int prog_fd,
		       const char *name);

#endif
