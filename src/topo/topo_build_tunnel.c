// SPDX-License-Identifier: MIT
/*
 * topo_build_tunnel.c - bring the topology's VXLAN tunnels to life: one
 * port "SWITCH.vxVNI" per tunnel (src/port/vxlan.c), an access port of the
 * tunnel's VLAN on its switch, with its sockets in the namespace the
 * tunnel names (`netns:`, looked up now: it may be one of the topology's
 * hosts, made just before) or in the daemon's own.
 *
 * The MTU check lives here too: VXLAN costs 50 bytes, so with the usual
 * 1500-byte underlay the hosts behind a tunnel must use 1450. dcbox's
 * hosts come up with 1500, so topo_tunnel_warn_mtu() says so when the
 * topology goes up (on the terminal of `dcbox up`, and in the daemon's
 * log), rather than leaving users to discover it from a stalled TCP
 * transfer; the port counts and logs every frame it drops for size.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../port/netns.h"
#include "../port/vxlan.h"
#include "topo_rt.h"

enum { HOST_MTU_DEFAULT = 1500 };

static void vxlan_cfg_of(const struct topo_tunnel *tu, struct vxlan_cfg *c)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->vni = tu->vni;
	c->local = tu->local;
	c->port = tu->port;
	for (i = 0; i < tu->nremotes && i < VXLAN_MAX_REMOTES; i++)
		c->remotes[i] = tu->remotes[i];
	c->nremotes = i;
}

static int tunnel_netns(const struct topo_tunnel *tu)
{
	return tu->netns[0] ? netns_open(tu->netns) : -1;
}

static int build_tunnel(struct topo_rt *rt, unsigned int i, char *err,
			size_t errsize)
{
	const struct topo_tunnel *tu = &rt->topo->tunnels[i];
	char name[TOPO_PORT_NAME_MAX], owner[TOPO_NAME_MAX];
	struct sw_port_cfg swc;
	struct vxlan_cfg c;
	struct dp_port *dpp;
	int nsfd, ret;

	ret = topo_tunnel_port_name(rt->topo, tu, name);
	nsfd = ret ? ret : tunnel_netns(tu);
	if (nsfd < -1 || (tu->netns[0] && nsfd < 0)) {
		snprintf(err, errsize,
			 "tunnel %u (line %d): namespace '%s': %s", i + 1,
			 tu->line, tu->netns, strerror(-nsfd));
		return nsfd;
	}
	vxlan_cfg_of(tu, &c);
	dpp = dp_port_new(&rt->dp, name);
	ret = dpp ? vxlan_port_open(&dpp->port, name, nsfd, &c) : -ENOMEM;
	if (nsfd >= 0)
		close(nsfd);
	snprintf(owner, sizeof(owner), "vni %u", tu->vni);
	topo_access_cfg(&swc, tu->vlan, 0);
	if (!ret)
		ret = topo_attach(rt, dpp, tu->sw, &swc, "vxlan", "", owner);
	if (ret)
		snprintf(
			err, errsize, "tunnel %u (line %d): %s:%u%s%s: %s%s",
			i + 1, tu->line, inet_ntoa(tu->local), tu->port,
			tu->netns[0] ? " in netns " : "", tu->netns,
			strerror(-ret),
			ret == -EADDRNOTAVAIL
				? " (the local address is not configured there)"
			: ret == -EADDRINUSE ? " (taken, perhaps by a kernel "
					       "vxlan device)"
					     : "");
	return ret;
}

/**
 * topo_build_tunnels() - open and attach every tunnel of the topology
 * @rt: runtime, switches built
 * @err: out: which tunnel failed and why
 * @errsize: size of @err
 *
 * Return: 0 or -errno; ports already opened are closed by topo_teardown().
 */
int topo_build_tunnels(struct topo_rt *rt, char *err, size_t errsize)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < rt->topo->ntunnels; i++)
		ret = build_tunnel(rt, i, err, errsize);
	if (!ret && rt->topo->ntunnels)
		topo_tunnel_warn_mtu(rt->topo, stderr);
	return ret;
}

/**
 * topo_tunnel_warn_mtu() - warn about tunnels whose underlay is too small
 * @t: validated topology
 * @f: where the warnings go
 *
 * For each tunnel whose namespace exists, asks the kernel for the MTU of
 * the route to its first remote. If that leaves less than 1500 bytes for
 * the IP packets of the hosts behind it (dcbox's hosts use 1500), prints
 * one line saying which tunnel, what fits, and both ways out.
 *
 * Return: the number of warnings printed.
 */
int topo_tunnel_warn_mtu(const struct topo *t, FILE *f)
{
	unsigned int i, mtu, room;
	int nsfd, n = 0;

	for (i = 0; i < t->ntunnels; i++) {
		const struct topo_tunnel *tu = &t->tunnels[i];
		char name[TOPO_PORT_NAME_MAX];

		nsfd = tunnel_netns(tu);
		if ((tu->netns[0] && nsfd < 0) ||
		    topo_tunnel_port_name(t, tu, name) ||
		    vxlan_underlay_mtu(nsfd, tu->local, tu->remotes[0], &mtu)) {
			if (nsfd >= 0)
				close(nsfd);
			continue;
		}
		if (nsfd >= 0)
			close(nsfd);
		room = mtu > VXLAN_OVERHEAD ? mtu - VXLAN_OVERHEAD : 0;
		if (room >= HOST_MTU_DEFAULT)
			continue;
		fprintf(f,
			"%s:%d:%d: warning: tunnel %s: the underlay MTU "
			"towards %s is %u, which leaves %u bytes for the IP "
			"packets of hosts on switch '%s' (VXLAN adds 50); "
			"larger frames will be dropped. Set the hosts' MTU to "
			"%u (ip link set eth0 mtu %u) or raise the underlay "
			"MTU to %u\n",
			t->file, tu->line, tu->col, name,
			inet_ntoa(tu->remotes[0]), mtu, room,
			t->switches[tu->sw].name, room, room,
			HOST_MTU_DEFAULT + VXLAN_OVERHEAD);
		n++;
	}
	return n;
}
