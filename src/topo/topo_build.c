// SPDX-License-Identifier: MIT
/*
 * topo_build.c - turn a validated struct topo into namespaces, veths,
 * TAPs, dataplane ports and switches; and take all of it down again.
 *
 * Order of creation: switches, then per host its namespace and veth pair
 * (switch side "<topo>-<host>" in the daemon's namespace, "eth0" in the
 * host's), addresses and routes, then VM TAPs, inter-switch links and
 * mirrors. Every kernel object goes into the undo log (and the state file)
 * the moment it exists, so a failure at any step removes exactly what was
 * made before it, and topo_teardown() removes exactly what up made.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ctl/ctl_proto.h"
#include "../port/afpacket.h"
#include "../port/link.h"
#include "../port/netlink.h"
#include "../port/netns.h"
#include "../port/qsock.h"
#include "../port/tap.h"
#include "topo_rt.h"

enum { POOL_SIZE = 4096 };

static const char *const obj_words[] = {
	[TOPO_OBJ_NETNS] = "netns", [TOPO_OBJ_LINK] = "link",
	[TOPO_OBJ_TAP] = "tap",
};

static void record(struct topo_rt *rt, enum topo_obj kind, const char *name)
{
	struct topo_undo *u;

	if (rt->nundo >= TOPO_UNDO_MAX)
		return;
	u = &rt->undo[rt->nundo++];
	u->kind = kind;
	snprintf(u->name, sizeof(u->name), "%s", name);
	if (rt->state_fd >= 0)
		dprintf(rt->state_fd, "%s %s\n", obj_words[kind], name);
}

static void undo_one(enum topo_obj kind, const char *name)
{
	switch (kind) {
	case TOPO_OBJ_NETNS:
		topo_netns_kill(name);
		netns_del(name);
		break;
	case TOPO_OBJ_LINK:
	case TOPO_OBJ_TAP:
		netlink_link_del(-1, name);
		break;
	}
}

/* The validator keeps "<topo>-<host>" within IFNAMSIZ; truncation here
 * would only ever shorten a name it already refused. */
static void host_ifname(const struct topo *t, const char *host, char *buf)
{
	if (snprintf(buf, TOPO_IFNAME_MAX, "%s-%s", t->name, host) >=
	    TOPO_IFNAME_MAX)
		buf[TOPO_IFNAME_MAX - 1] = 0;
}

static enum qsock_type vm_socket_type(const struct topo_vm *vm)
{
	return vm->socket_type == TOPO_SOCKET_DGRAM ? QSOCK_DGRAM
						    : QSOCK_STREAM;
}

/* What a socket port's open error means for the user. */
static const char *vm_socket_why(int err)
{
	switch (err) {
	case -EADDRINUSE:
		return "the path is in use: something listens there (another "
		       "dcbox topology, or a QEMU started as the server)";
	case -EEXIST:
		return "the path exists and is not a socket";
	default:
		return strerror(-err);
	}
}

/* Is the socket path of VM @vm free (or a stale socket file)? */
static int vm_socket_check(const struct topo_vm *vm, char *err, size_t errsize)
{
	int ret = qsock_path_check(vm->socket, vm_socket_type(vm));

	if (ret)
		snprintf(err, errsize, "vm '%s': socket %s: %s", vm->name,
			 vm->socket, vm_socket_why(ret));
	return ret;
}

/**
 * topo_preflight() - check that nothing @t would create exists already
 * @t: validated topology
 * @err: out: what is in the way and how to remove it
 * @errsize: size of @err
 *
 * Also checks that every uplink interface (router or switch) exists.
 *
 * Return: 0, -EEXIST, or -ENODEV for a missing uplink interface.
 */
int topo_preflight(const struct topo *t, char *err, size_t errsize)
{
	char ifn[TOPO_IFNAME_MAX];
	unsigned int i;
	int ret;

	for (i = 0; i < t->nhosts; i++) {
		const char *h = t->hosts[i].name;

		host_ifname(t, h, ifn);
		if (netns_exists(h)) {
			snprintf(err, errsize, "host '%s': a network namespace "
				 "named '%s' already exists (ip netns del %s)",
				 h, h, h);
			return -EEXIST;
		}
		if (netlink_link_exists(-1, ifn)) {
			snprintf(err, errsize, "host '%s': interface '%s' "
				 "already exists (ip link del %s)", h, ifn, ifn);
			return -EEXIST;
		}
	}
	for (i = 0; i < t->nrouters; i++) {
		const struct topo_router *r = &t->routers[i];
		unsigned int k;

		for (k = 0; k < r->nifs; k++) {
			if (!r->ifs[k].is_uplink ||
			    netlink_link_exists(-1, r->ifs[k].uplink))
				continue;
			snprintf(err, errsize, "router '%s': uplink interface "
				 "'%s' (line %d) does not exist", r->name,
				 r->ifs[k].uplink, r->ifs[k].line);
			return -ENODEV;
		}
	}
	for (i = 0; i < t->nswitches; i++) {
		const struct topo_switch *s = &t->switches[i];

		if (!s->uplink[0] || netlink_link_exists(-1, s->uplink))
			continue;
		snprintf(err, errsize, "switch '%s': uplink interface '%s' "
			 "(line %d) does not exist (ip link show)", s->name,
			 s->uplink, s->line);
		return -ENODEV;
	}
	for (i = 0; i < t->nvms; i++) {
		if (t->vms[i].socket[0]) {
			ret = vm_socket_check(&t->vms[i], err, errsize);
			if (ret)
				return ret;
			continue;
		}
		if (netlink_link_exists(-1, t->vms[i].tap)) {
			snprintf(err, errsize, "vm '%s': interface '%s' already "
				 "exists (ip link del %s)", t->vms[i].name,
				 t->vms[i].tap, t->vms[i].tap);
			return -EEXIST;
		}
	}
	return 0;
}

/**
 * topo_access_cfg() - an access port of @vlan (0: VLAN 1) with a MAC limit
 * @cfg: filled in
 * @vlan: VLAN
 * @limit: MAC limit, 0 for none
 */
void topo_access_cfg(struct sw_port_cfg *cfg, uint16_t vlan, uint32_t limit)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = SW_PORT_ACCESS;
	cfg->vlan = vlan ? vlan : SWITCH_VLAN_DEFAULT;
	cfg->mac_limit = limit;
}

/**
 * topo_port_info_set() - remember what dataplane port @dpp is, for show
 * @rt: runtime
 * @dpp: the port
 * @sw: its switch, or TOPO_PORT_NO_SWITCH
 * @cfg: its switch port configuration, or NULL
 * @kind: "veth", "tap", "link", "router", "uplink"
 * @ifname: kernel interface, "" if none
 * @owner: the host, VM, peer switch or router it leads to
 */
void topo_port_info_set(struct topo_rt *rt, const struct dp_port *dpp,
			uint16_t sw, const struct sw_port_cfg *cfg,
			const char *kind, const char *ifname, const char *owner)
{
	struct topo_port_info *in = &rt->info[dpp->port.id];

	in->kind = kind;
	snprintf(in->ifname, sizeof(in->ifname), "%s", ifname);
	snprintf(in->owner, sizeof(in->owner), "%s", owner);
	in->sw = sw;
	if (cfg)
		in->cfg = *cfg;
}

/**
 * topo_attach() - make @dpp a port of switch @sw and remember what it is
 * @rt: runtime
 * @dpp: the port, backend open
 * @sw: switch index
 * @cfg: access/trunk configuration
 * @kind: see topo_port_info_set()
 * @ifname: kernel interface, "" if none
 * @owner: host or VM (also the port's name), or what the port leads to
 *
 * Backends name a port after its interface; dcbox names host and VM ports
 * after the host or VM (links and router legs come named "a.b"), which is
 * what users type.
 *
 * Return: 0 or -errno.
 */
int topo_attach(struct topo_rt *rt, struct dp_port *dpp, uint16_t sw,
		const struct sw_port_cfg *cfg, const char *kind,
		const char *ifname, const char *owner)
{
	int ret;

	if (!strcmp(kind, "veth") || !strcmp(kind, "tap"))
		snprintf(dpp->port.name, sizeof(dpp->port.name), "%s", owner);
	ret = dp_port_attach(&rt->dp, dpp, rt->sws[sw], cfg);
	if (!ret)
		topo_port_info_set(rt, dpp, sw, cfg, kind, ifname, owner);
	return ret;
}

static int host_netns(struct topo_rt *rt, const struct topo_host *h,
		      const char *ifn, int nsfd)
{
	int ret = netlink_veth_create(ifn, -1, "eth0", nsfd);

	if (ret)
		return ret;
	record(rt, TOPO_OBJ_LINK, ifn);
	if (h->has_mac)
		ret = netlink_link_set_mac(nsfd, "eth0", h->mac);
	if (!ret)
		ret = netlink_link_set_up(nsfd, "eth0", true);
	if (!ret)
		ret = netlink_link_set_up(-1, ifn, true);
	if (!ret && h->has_ip)
		ret = netlink_addr_add(nsfd, "eth0", AF_INET, &h->ip.addr,
				       h->ip.prefix);
	if (!ret && h->has_gw)
		ret = netlink_route_add_default(nsfd, AF_INET, &h->gw);
	return ret;
}

static int build_host(struct topo_rt *rt, const struct topo_host *h,
		      char *err, size_t errsize)
{
	const struct topo *t = rt->topo;
	char ifn[TOPO_IFNAME_MAX];
	struct sw_port_cfg cfg;
	struct dp_port *dpp;
	int nsfd, ret;

	host_ifname(t, h->name, ifn);
	ret = netns_add(h->name);
	if (ret) {
		snprintf(err, errsize, "host '%s': cannot create namespace: %s",
			 h->name, strerror(-ret));
		return ret;
	}
	record(rt, TOPO_OBJ_NETNS, h->name);
	nsfd = netns_open(h->name);
	if (nsfd < 0) {
		ret = nsfd;
	} else {
		ret = host_netns(rt, h, ifn, nsfd);
		close(nsfd);
	}
	if (ret) {
		snprintf(err, errsize, "host '%s': setting up %s/eth0: %s",
			 h->name, ifn, strerror(-ret));
		return ret;
	}
	dpp = dp_port_new(&rt->dp, h->name);
	ret = dpp ? afpacket_port_open(&dpp->port, ifn, -1, NULL) : -ENOMEM;
	topo_access_cfg(&cfg, h->vlan, h->mac_limit ? h->mac_limit :
		   t->switches[h->sw].mac_limit);
	if (!ret)
		ret = topo_attach(rt, dpp, h->sw, &cfg, "veth", ifn, h->name);
	if (ret)
		snprintf(err, errsize, "host '%s': opening port on %s: %s",
			 h->name, ifn, strerror(-ret));
	return ret;
}

/*
 * A socket VM: a qsock port (kind "socket") listening on vm->socket. Its
 * fd() is stable for the daemon's loop whatever the VM does (qsock.c).
 */
static int build_vm_socket(struct topo_rt *rt, const struct topo_vm *vm,
			   char *err, size_t errsize)
{
	const struct topo *t = rt->topo;
	struct dp_port *dpp = dp_port_new(&rt->dp, vm->name);
	struct sw_port_cfg cfg;
	struct qsock_cfg qc;
	int ret;

	qsock_cfg_default(&qc);
	qc.type = vm_socket_type(vm);
	ret = dpp ? qsock_port_open(&dpp->port, vm->name, vm->socket, &qc)
		  : -ENOMEM;
	if (ret) {
		snprintf(err, errsize, "vm '%s': socket %s: %s", vm->name,
			 vm->socket, vm_socket_why(ret));
		return ret;
	}
	topo_access_cfg(&cfg, vm->vlan,
			vm->mac_limit ? vm->mac_limit
				      : t->switches[vm->sw].mac_limit);
	ret = topo_attach(rt, dpp, vm->sw, &cfg, "socket", "", vm->name);
	if (ret)
		snprintf(err, errsize, "vm '%s': socket %s: %s", vm->name,
			 vm->socket, strerror(-ret));
	return ret;
}

static int build_vm(struct topo_rt *rt, const struct topo_vm *vm, char *err,
		    size_t errsize)
{
	const struct topo *t = rt->topo;
	struct sw_port_cfg cfg;
	struct dp_port *dpp;
	struct tap_cfg tc;
	int ret;

	if (vm->socket[0])
		return build_vm_socket(rt, vm, err, errsize);
	dpp = dp_port_new(&rt->dp, vm->name);
	tap_cfg_default(&tc);
	if (vm->attach == TOPO_TAP_FD)
		tc.mode = TAP_MODE_CHARDEV;
	ret = dpp ? tap_port_open(&dpp->port, vm->tap, &tc) : -ENOMEM;
	if (!ret) {
		/* An fd-held TAP vanishes with the fd, wherever it was moved. */
		if (vm->attach == TOPO_TAP_QEMU)
			record(rt, TOPO_OBJ_TAP, vm->tap);
		topo_access_cfg(&cfg, vm->vlan, vm->mac_limit ? vm->mac_limit :
			   t->switches[vm->sw].mac_limit);
		ret = topo_attach(rt, dpp, vm->sw, &cfg, "tap", vm->tap, vm->name);
	}
	if (ret)
		snprintf(err, errsize, "vm '%s': TAP %s: %s", vm->name,
			 vm->tap, strerror(-ret));
	return ret;
}

static void trunk_cfg(struct sw_port_cfg *cfg, const struct topo_link *l)
{
	uint16_t i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = SW_PORT_TRUNK;
	for (i = 0; i < l->ntrunk; i++)
		cfg->allowed[l->trunk[i] / 64] |= 1ull << (l->trunk[i] % 64);
}

static int build_link(struct topo_rt *rt, const struct topo_link *l,
		      char *err, size_t errsize)
{
	const struct topo *t = rt->topo;
	const char *a = t->switches[l->sw[0]].name;
	const char *b = t->switches[l->sw[1]].name;
	char na[PORT_NAME_MAX], nb[PORT_NAME_MAX];
	struct dp_port *pa, *pb;
	struct sw_port_cfg cfg;
	int ret = -ENOMEM;

	snprintf(na, sizeof(na), "%s.%s", a, b);
	snprintf(nb, sizeof(nb), "%s.%s", b, a);
	pa = dp_port_new(&rt->dp, na);
	pb = pa ? dp_port_new(&rt->dp, nb) : NULL;
	if (pb)
		ret = link_pair_create(&pa->port, na, &pb->port, nb, &rt->dp.pool, 0);
	if (l->ntrunk)
		trunk_cfg(&cfg, l);
	else
		topo_access_cfg(&cfg, SWITCH_VLAN_DEFAULT, 0);
	if (!ret)
		ret = topo_attach(rt, pa, l->sw[0], &cfg, "link", "", b);
	if (!ret)
		ret = topo_attach(rt, pb, l->sw[1], &cfg, "link", "", a);
	if (ret)
		snprintf(err, errsize, "link %s-%s (line %d): %s", a, b,
			 l->line, strerror(-ret));
	return ret;
}

static int build_mirror(struct topo_rt *rt, const struct topo_mirror *m,
			char *err, size_t errsize)
{
	struct dp_port *from = dp_port_find(&rt->dp, m->port);
	struct dp_port *to = dp_port_find(&rt->dp, m->to);
	int ret = from && to ? dp_mirror_add(&rt->dp, from, to,
					     (enum dp_dir)m->dir) : -ENOENT;

	if (ret)
		snprintf(err, errsize, "mirror %s -> %s (line %d): %s",
			 m->port, m->to, m->line, strerror(-ret));
	return ret;
}

static int build_switches(struct topo_rt *rt, char *err, size_t errsize)
{
	const struct topo *t = rt->topo;
	unsigned int i;

	for (i = 0; i < t->nswitches; i++) {
		const struct topo_switch *s = &t->switches[i];

		rt->sws[i] = switch_create(s->name, &rt->dp.pool, s->mac_table,
					   s->aging_s, dp_tx, &rt->dp);
		if (!rt->sws[i]) {
			snprintf(err, errsize, "switch '%s': cannot create "
				 "(mac-table %u)", s->name, s->mac_table);
			return -ENOMEM;
		}
	}
	return 0;
}

static int build_all(struct topo_rt *rt, char *err, size_t errsize)
{
	const struct topo *t = rt->topo;
	unsigned int i;
	int ret = build_switches(rt, err, errsize);

	for (i = 0; !ret && i < t->nhosts; i++)
		ret = build_host(rt, &t->hosts[i], err, errsize);
	for (i = 0; !ret && i < t->nvms; i++)
		ret = build_vm(rt, &t->vms[i], err, errsize);
	for (i = 0; !ret && i < t->nlinks; i++)
		ret = build_link(rt, &t->links[i], err, errsize);
	if (!ret)
		ret = topo_build_uplinks(rt, err, errsize);
	if (!ret)
		ret = topo_build_routers(rt, err, errsize);
	if (!ret)
		ret = topo_build_tunnels(rt, err, errsize);
	for (i = 0; !ret && i < t->nmirrors; i++)
		ret = build_mirror(rt, &t->mirrors[i], err, errsize);
	if (!ret)
		ret = topo_build_firewalls(rt, err, errsize);
	return ret;
}

static int open_state(const char *name)
{
	char path[128];

	if (ctl_path(path, sizeof(path), name, "state"))
		return -1;
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

/**
 * topo_build() - create everything @t describes
 * @rt: runtime, zeroed by the caller
 * @t: validated topology; must outlive @rt
 * @err: out: what failed, naming the element
 * @errsize: size of @err
 *
 * Return: 0, or -errno after undoing every step already taken.
 */
int topo_build(struct topo_rt *rt, const struct topo *t, char *err,
	       size_t errsize)
{
	int ret;

	rt->topo = t;
	rt->eve_fd = -1;
	rt->state_fd = open_state(t->name);
	ret = dp_init(&rt->dp, POOL_SIZE);
	if (ret) {
		snprintf(err, errsize, "packet pool: %s", strerror(-ret));
		if (rt->state_fd >= 0)
			close(rt->state_fd);
		return ret;
	}
	ret = build_all(rt, err, errsize);
	if (ret)
		topo_teardown(rt);
	return ret;
}

/*
 * Socket VM ports, newest first: each removes its socket file and the
 * directories it created, which works only once the sockets that later
 * ports put in those directories are gone. dp_fini() skips closed ports.
 */
static void close_sockets(struct topo_rt *rt)
{
	uint16_t i;

	for (i = rt->dp.nports; i--;) {
		struct port *port = &rt->dp.ports[i]->port;

		if (port->ops && qsock_port_is(port)) {
			port->ops->close(port);
			port->ops = NULL;
		}
	}
}

/**
 * topo_teardown() - remove everything topo_build() made, newest first
 * @rt: runtime from topo_build()
 */
void topo_teardown(struct topo_rt *rt)
{
	char path[128];
	unsigned int i;

	for (i = 0; i < TOPO_MAX_ROUTERS; i++)
		if (rt->routers[i])
			router_stop(rt->routers[i]);
	close_sockets(rt);
	/* Nodes before the pool: routers still hold packets queued for ARP
	 * and give them back to the pool when destroyed. */
	for (i = 0; i < TOPO_MAX_FIREWALLS; i++) {
		if (rt->fws[i])
			firewall_destroy(rt->fws[i]);
		rt->fws[i] = NULL;
	}
	if (rt->eve_fd >= 0)
		close(rt->eve_fd);
	rt->eve_fd = -1;
	for (i = 0; i < TOPO_MAX_ROUTERS; i++) {
		if (rt->routers[i])
			router_destroy(rt->routers[i]);
		rt->routers[i] = NULL;
	}
	dp_fini(&rt->dp);
	for (i = 0; i < TOPO_MAX_SWITCHES; i++) {
		if (rt->sws[i])
			switch_destroy(rt->sws[i]);
		rt->sws[i] = NULL;
	}
	while (rt->nundo) {
		rt->nundo--;
		undo_one(rt->undo[rt->nundo].kind, rt->undo[rt->nundo].name);
	}
	if (rt->state_fd >= 0) {
		close(rt->state_fd);
		if (!ctl_path(path, sizeof(path), rt->topo->name, "state"))
			unlink(path);
	}
	rt->state_fd = -1;
}
