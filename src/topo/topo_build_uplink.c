// SPDX-License-Identifier: MIT
/*
 * topo_build_uplink.c - bridge switches onto the host's real network: a
 * switch with `uplink: IFNAME` gets an AF_PACKET port "SWITCH.IFNAME" on
 * that existing interface (a NIC, a bond, a VLAN device), a trunk whose
 * untagged frames are the switch's VLAN 1 and which carries the
 * `uplink-vlans:` tagged. VMs and hosts on the switch then sit on the LAN
 * as VMware's or KVM's bridged networking would put them.
 *
 * Theory of operation:
 *  - Promiscuous mode is a PACKET_MR_PROMISC membership of the port's
 *    socket, not IFF_PROMISC: the kernel counts it in the device's
 *    promiscuity and drops it when the socket closes, so the interface is
 *    back to its old state after `dcbox down`, a crash or a kill -9.
 *  - No loops: the socket has PACKET_IGNORE_OUTGOING (afpacket.c), so
 *    neither what dcbox sends out of the interface nor what the host's own
 *    stack sends out of it comes back into the switch.
 *  - The host's own traffic stays the host's: a filter on the socket drops
 *    frames the kernel classed PACKET_HOST (unicast to the interface's own
 *    MAC). The host's stack still gets them; the switch does not, so it
 *    does not flood the host's unicast traffic (whose MAC it never learns,
 *    the host's frames being outgoing) to every VM. Broadcast and
 *    multicast reach both, as on a real LAN.
 *  - The consequence, as with KVM's macvtap: the host itself cannot talk
 *    to the bridged VMs through this interface (its frames go to the wire,
 *    not to the switch). Other machines on the LAN can; the host can reach
 *    the VMs through a router or a host of the topology.
 *  - Nothing is created, so nothing is recorded for undo: closing the
 *    port (dp_fini()) is the whole teardown.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../port/afpacket.h"
#include "topo_rt.h"

/* Drop frames addressed to the interface's own MAC; accept the rest. */
static int drop_host_frames(int fd)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 (__u32)(SKF_AD_OFF + SKF_AD_PKTTYPE)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_HOST, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]),
				  .filter = code};

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		return -errno;
	return 0;
}

/* The uplink's switch port: native VLAN 1, the listed VLANs tagged. */
static void uplink_cfg(struct sw_port_cfg *cfg, const struct topo_switch *s)
{
	uint16_t i, v;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = SW_PORT_TRUNK;
	cfg->native_vlan = SWITCH_VLAN_DEFAULT;
	cfg->allowed[SWITCH_VLAN_DEFAULT / 64] |= 1ull
						  << (SWITCH_VLAN_DEFAULT % 64);
	for (i = 0; i < s->nuplink_vlans; i++) {
		v = s->uplink_vlans[i];
		cfg->allowed[v / 64] |= 1ull << (v % 64);
	}
	cfg->mac_limit = s->mac_limit;
}

static int build_uplink(struct topo_rt *rt, uint16_t sw, char *err,
			size_t errsize)
{
	const struct topo_switch *s = &rt->topo->switches[sw];
	char name[TOPO_PORT_NAME_MAX];
	struct afpacket_cfg ac;
	struct sw_port_cfg cfg;
	struct dp_port *dpp;
	int ret;

	ret = topo_switch_uplink_port_name(s, name);
	dpp = ret ? NULL : dp_port_new(&rt->dp, name);
	if (!dpp) {
		ret = ret ? ret : -ENOMEM;
		goto fail;
	}
	afpacket_cfg_default(&ac);
	ac.promisc = true;
	ac.qdisc_bypass = false; /* a real NIC's qdisc is worth keeping */
	ret = afpacket_port_open(&dpp->port, s->uplink, -1, &ac);
	snprintf(dpp->port.name, sizeof(dpp->port.name), "%s", name);
	if (!ret)
		ret = drop_host_frames(dpp->port.ops->fd(&dpp->port));
	uplink_cfg(&cfg, s);
	if (!ret)
		ret = topo_attach(rt, dpp, sw, &cfg, "uplink", s->uplink,
				  s->uplink);
	if (!ret)
		return 0;
fail:
	snprintf(err, errsize, "switch '%s': uplink %s (line %d): %s", s->name,
		 s->uplink, s->line, strerror(-ret));
	return ret;
}

/**
 * topo_build_uplinks() - bridge every switch with `uplink:` onto its
 * interface
 * @rt:		runtime, switches built
 * @err:	out: which switch and what failed
 * @errsize:	size of @err
 *
 * Return: 0 or -errno (the caller's topo_teardown() closes what was
 * opened).
 */
int topo_build_uplinks(struct topo_rt *rt, char *err, size_t errsize)
{
	uint16_t i;
	int ret;

	for (i = 0; i < rt->topo->nswitches; i++) {
		if (!rt->topo->switches[i].uplink[0])
			continue;
		ret = build_uplink(rt, i, err, errsize);
		if (ret)
			return ret;
	}
	return 0;
}
