/* SPDX-License-Identifier: MIT */
/*
 * tap.h - TAP ports, for VMs (QEMU) and for tests that drive a TAP from a
 * namespace.
 *
 * A TAP device has two sides: a character side (a /dev/net/tun fd, one
 * queue per fd) and a kernel netdev side. Whoever holds the character side
 * *is* the wire's far end; the netdev is an ordinary interface. So there
 * are two ways for dcbox to use a TAP, chosen by tap_cfg.mode:
 *
 * TAP_MODE_NETDEV (VMs): dcbox creates a persistent TAP (TUNSETPERSIST,
 * owner/group settable so an unprivileged QEMU may open it), brings it up
 * and attaches to its *netdev side* with an AF_PACKET port. QEMU opens the
 * character side by name (`-netdev tap,ifname=NAME,script=no,vnet_hdr=on`)
 * and negotiates its own vnet header size and offloads with the guest.
 * Frames the VM sends appear on the netdev and reach dcbox's AF_PACKET
 * socket, GSO and all. A TAP dcbox created is deleted on close.
 *
 * TAP_MODE_CHARDEV (namespace hosts, tests without a VM): dcbox holds the
 * character side itself, with IFF_VNET_HDR, a 10-byte struct
 * virtio_net_hdr and TUNSETOFFLOAD(CSUM|TSO4|TSO6) so the netdev side may
 * hand us 64 KiB TCP segments with partial checksums. The netdev side is
 * created inside tap_cfg.netns_fd, where ping and iperf3 drive it like a
 * NIC. It disappears when dcbox closes the fd (unless it was persistent).
 */
#ifndef DCBOX_PORT_TAP_H
#define DCBOX_PORT_TAP_H

#include <stdbool.h>
#include <sys/types.h>

#include "../core/port.h"
#include "afpacket.h"

/** enum tap_mode - which side of the TAP dcbox holds, see tap.h */
enum tap_mode {
	TAP_MODE_NETDEV,           /* QEMU holds the fd, dcbox the netdev */
	TAP_MODE_CHARDEV,          /* dcbox holds the fd */
};

/** struct tap_cfg - how to open a TAP port */
struct tap_cfg {
	enum tap_mode mode;
	int netns_fd;              /* namespace of the netdev (-1: current) */
	uid_t owner;               /* NETDEV: TUNSETOWNER, (uid_t)-1: none */
	gid_t group;               /* NETDEV: TUNSETGROUP, (gid_t)-1: none */
	unsigned int mtu;          /* 0: leave the default (1500) */
	bool keep;                 /* NETDEV: do not delete on close */
	const struct afpacket_cfg *afpacket; /* NETDEV: NULL for defaults */
};

void tap_cfg_default(struct tap_cfg *cfg);
int tap_port_open(struct port *port, const char *ifname,
		  const struct tap_cfg *cfg);
int tap_open_queue(const char *ifname, int netns_fd, bool vnet_hdr);
bool tap_port_is(const struct port *port);

#endif
