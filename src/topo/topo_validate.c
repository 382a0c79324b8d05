// SPDX-License-Identifier: MIT
/*
 * topo_validate.c - rules that need the whole topology model, and lookups.
 *
 * topo_parse.c checks each value where it reads it; what is left for here
 * are the rules between elements, which the builder relies on:
 *  - no L2 loop: dcbox switches run no spanning tree, so in every VLAN the
 *    links carrying it, and the inline firewalls (transparent bridges that
 *    carry every VLAN), must form a forest (union-find per VLAN in use);
 *  - no two endpoints with one IPv4 address in the same broadcast domain
 *    (same VLAN, switches joined by links that carry that VLAN or by an
 *    inline firewall); an
 *    endpoint is a host or a router interface on a switch, which to the
 *    switch is just another port (routers do not bridge, so they join no
 *    domains and close no loops);
 *  - at most one DHCP server (a router interface with `dhcp:`) per
 *    broadcast domain;
 *  - MAC addresses of hosts and router interfaces unique;
 *  - interface names in the root namespace (host veths "<topo>-<host>" and
 *    VM TAPs) unique, and router uplinks naming none of them and used by
 *    one router interface only; switch uplinks likewise, and on an
 *    interface no router uses;
 *  - a switch the inline leg of one firewall at most, and every firewall
 *    rule parses with its names resolved (topo_fw_validate() in
 *    topo_parse_fw.c, which calls src/fw).
 * It also re-checks counts, indices and trunk order so that a struct topo
 * built by hand (tests, a future reload path) cannot index out of bounds.
 * The rules within one router (subnets, DHCP ranges, routes, forwards) are
 * checked by topo_parse_router.c, where the offending node is at hand.
 * Messages point at the element that breaks the rule, using the line and
 * column the parser stored.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

/* struct uf - union-find over the switches of one VLAN */
struct uf {
	uint16_t parent[TOPO_MAX_SWITCHES];
};

__attribute__((format(printf, 6, 7))) static int
tv_err(const struct topo *t, int line, int col, char *err, size_t errsize,
       const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errsize)
		return -EINVAL;
	n = snprintf(err, errsize, "%s:%d:%d: ", t->file, line, col);
	if (n >= 0 && (size_t)n < errsize) {
		va_start(ap, fmt);
		vsnprintf(err + n, errsize - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static unsigned int uf_find(struct uf *u, unsigned int i)
{
	while (u->parent[i] != i)
		i = u->parent[i] = u->parent[u->parent[i]];
	return i;
}

static bool link_carries(const struct topo_link *l, unsigned int vlan)
{
	unsigned int lo = 0, hi = l->ntrunk, mid;

	if (!l->ntrunk)
		return vlan == 1;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (l->trunk[mid] == vlan)
			return true;
		if (l->trunk[mid] < vlan)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Join switches @x and @y; false if they were joined already (a loop). */
static bool uf_join(struct uf *u, unsigned int x, unsigned int y)
{
	unsigned int a = uf_find(u, x), b = uf_find(u, y);

	if (a == b)
		return false;
	u->parent[a] = (uint16_t)b;
	return true;
}

/*
 * Join the switches linked in @vlan, by links and then, with @fws, by
 * inline firewalls (which bridge every VLAN). Returns the index of the first link that
 * closes a loop, t->nlinks + i if inline firewall i does, or -1.
 */
static int uf_build_fw(const struct topo *t, unsigned int vlan, struct uf *u,
		       bool fws)
{
	const struct topo_firewall *fw;
	const struct topo_link *l;
	unsigned int i;

	for (i = 0; i < TOPO_MAX_SWITCHES; i++)
		u->parent[i] = (uint16_t)i;
	for (i = 0; i < t->nlinks; i++) {
		l = &t->links[i];
		if (link_carries(l, vlan) && !uf_join(u, l->sw[0], l->sw[1]))
			return (int)i;
	}
	for (i = 0; fws && i < t->nfirewalls; i++) {
		fw = &t->firewalls[i];
		if (fw->mode == TOPO_FW_INLINE &&
		    !uf_join(u, fw->legs[0], fw->legs[1]))
			return (int)(t->nlinks + i);
	}
	return -1;
}

/* uf_build_fw() with the inline firewalls: the broadcast domains. */
static int uf_build(const struct topo *t, unsigned int vlan, struct uf *u)
{
	return uf_build_fw(t, vlan, u, true);
}

/* Whether switches @a and @b share VLAN @vlan only through a firewall. */
static bool joined_by_fw(const struct topo *t, unsigned int vlan,
			 unsigned int a, unsigned int b)
{
	struct uf u;

	uf_build_fw(t, vlan, &u, false);
	return uf_find(&u, a) != uf_find(&u, b);
}

static bool bit_test(const uint64_t *bits, unsigned int v)
{
	return bits[v / 64] & 1ull << (v % 64);
}

static int loop_fw(const struct topo *t, const struct topo_firewall *fw,
		   unsigned int vlan, char *err, size_t errsize)
{
	return tv_err(t, fw->line, fw->col, err, errsize,
		      "firewall '%s': inline between %s and %s closes a loop "
		      "in VLAN %u: the switches are already joined by links "
		      "(dcbox switches run no spanning tree)",
		      fw->name, t->switches[fw->legs[0]].name,
		      t->switches[fw->legs[1]].name, vlan);
}

/*
 * A loop needs a link: firewalls alone cannot make one (a switch is the
 * inline leg of one firewall at most), so only VLANs links carry are tried.
 */
static int check_loops(const struct topo *t, char *err, size_t errsize)
{
	uint64_t used[(TOPO_VLAN_MAX + 64) / 64] = {0};
	const struct topo_link *l;
	struct uf u;
	unsigned int i, j, v;
	int bad;

	for (i = 0; i < t->nlinks; i++) {
		l = &t->links[i];
		if (!l->ntrunk)
			used[0] |= 1ull << 1;
		for (j = 0; j < l->ntrunk; j++)
			used[l->trunk[j] / 64] |= 1ull << (l->trunk[j] % 64);
	}
	for (v = 1; v <= TOPO_VLAN_MAX; v++) {
		if (!bit_test(used, v))
			continue;
		bad = uf_build(t, v, &u);
		if (bad < 0)
			continue;
		if (bad >= t->nlinks)
			return loop_fw(t, &t->firewalls[bad - t->nlinks], v,
				       err, errsize);
		l = &t->links[bad];
		return tv_err(t, l->line, l->col, err, errsize,
			      "link %d: %s - %s closes a loop in VLAN %u "
			      "(dcbox switches run no spanning tree)",
			      bad + 1, t->switches[l->sw[0]].name,
			      t->switches[l->sw[1]].name, v);
	}
	return 0;
}

static unsigned int host_vlan(const struct topo_host *h)
{
	return h->vlan ? h->vlan : 1;
}

/*
 * struct l2ep - something with an address or MAC on a dcbox switch: host
 * @host, or interface @rif of router @router when @host is -1.
 */
struct l2ep {
	int16_t host;
	uint8_t router, rif;
	uint16_t sw; /* the switch it is on */
	uint16_t vlan, dom; /* VLAN and broadcast domain (uf root) */
	uint32_t addr; /* network order; 0 = none */
	const uint8_t *mac; /* NULL = none */
};

enum { L2EP_MAX = TOPO_MAX_HOSTS + TOPO_MAX_ROUTERS * TOPO_ROUTER_MAX_IFS };

static const struct topo_router_if *ep_rif(const struct topo *t,
					   const struct l2ep *e)
{
	return &t->routers[e->router].ifs[e->rif];
}

static int ep_line(const struct topo *t, const struct l2ep *e, int *col)
{
	if (e->host >= 0)
		return *col = t->hosts[e->host].col, t->hosts[e->host].line;
	return *col = ep_rif(t, e)->col, ep_rif(t, e)->line;
}

/* "host 'a'", "router 'gw' interface 2", and with @full " (switch web)" */
static const char *ep_name(const struct topo *t, const struct l2ep *e,
			   bool full, char *buf, size_t size)
{
	const struct topo_router_if *rif;

	if (e->host >= 0) {
		snprintf(buf, size, "host '%s'", t->hosts[e->host].name);
		return buf;
	}
	rif = ep_rif(t, e);
	snprintf(buf, size, "router '%s' interface %u",
		 t->routers[e->router].name, e->rif + 1);
	if (full)
		snprintf(buf + strlen(buf), size - strlen(buf), " (switch %s)",
			 t->switches[rif->sw].name);
	return buf;
}

static void ep_domain(const struct topo *t, struct l2ep *e, uint16_t sw)
{
	struct uf u;

	e->sw = sw;
	uf_build(t, e->vlan, &u);
	e->dom = (uint16_t)uf_find(&u, sw);
}

static void ep_add_rifs(const struct topo *t, struct l2ep *eps, int *n)
{
	const struct topo_router_if *rif;
	struct l2ep *e;
	int i, j;

	for (i = 0; i < t->nrouters; i++) {
		for (j = 0; j < t->routers[i].nifs; j++) {
			rif = &t->routers[i].ifs[j];
			if (rif->is_uplink)
				continue;
			e = &eps[(*n)++];
			*e = (struct l2ep){.host = -1,
					   .router = (uint8_t)i,
					   .rif = (uint8_t)j,
					   .vlan = rif->vlan ? rif->vlan : 1,
					   .addr = rif->ip.addr.s_addr,
					   .mac = rif->has_mac ? rif->mac
							       : NULL};
			ep_domain(t, e, rif->sw);
		}
	}
}

/* Hosts, then router interfaces on switches, in file order within each. */
static int ep_collect(const struct topo *t, struct l2ep *eps)
{
	const struct topo_host *h;
	int i, n = 0;

	for (i = 0; i < t->nhosts; i++) {
		h = &t->hosts[i];
		eps[n] =
			(struct l2ep){.host = (int16_t)i,
				      .vlan = (uint16_t)host_vlan(h),
				      .addr = h->has_ip ? h->ip.addr.s_addr : 0,
				      .mac = h->has_mac ? h->mac : NULL};
		if (h->has_ip)
			ep_domain(t, &eps[n], h->sw);
		n++;
	}
	ep_add_rifs(t, eps, &n);
	return n;
}

/* Endpoint @b clashes with the earlier @a over @what: report it at @b. */
static int ep_clash(const struct topo *t, const struct l2ep *a,
		    const struct l2ep *b, const char *what, const char *tail,
		    char *err, size_t errsize)
{
	char an[TOPO_NAME_MAX + 32], bn[2 * TOPO_NAME_MAX + 48];
	int line, col, aline, acol;

	line = ep_line(t, b, &col);
	aline = ep_line(t, a, &acol);
	return tv_err(t, line, col, err, errsize,
		      "%s: %s is already used by %s (line %d)%s",
		      ep_name(t, b, true, bn, sizeof(bn)), what,
		      ep_name(t, a, false, an, sizeof(an)), aline, tail);
}

static int check_addresses(const struct topo *t, const struct l2ep *eps, int n,
			   char *err, size_t errsize)
{
	char what[32], tail[80], ip[INET_ADDRSTRLEN];
	const struct l2ep *a, *b;
	int i, j;

	for (j = 0; j < n; j++) {
		b = &eps[j];
		for (i = 0; i < j && b->addr; i++) {
			a = &eps[i];
			if (a->addr != b->addr || a->vlan != b->vlan ||
			    a->dom != b->dom)
				continue;
			inet_ntop(AF_INET, &b->addr, ip, sizeof(ip));
			snprintf(what, sizeof(what), "address %s", ip);
			snprintf(tail, sizeof(tail), " in VLAN %u%s", b->vlan,
				 joined_by_fw(t, b->vlan, a->sw, b->sw)
					 ? " (an inline firewall bridges "
					   "their switches)"
					 : "");
			return ep_clash(t, a, b, what, tail, err, errsize);
		}
	}
	return 0;
}

static int check_macs(const struct topo *t, const struct l2ep *eps, int n,
		      char *err, size_t errsize)
{
	const struct l2ep *a, *b;
	int i, j;

	for (j = 0; j < n; j++) {
		b = &eps[j];
		for (i = 0; i < j && b->mac; i++) {
			a = &eps[i];
			if (a->mac && !memcmp(a->mac, b->mac, 6))
				return ep_clash(t, a, b, "MAC address", "", err,
						errsize);
		}
	}
	return 0;
}

/* One DHCP server per broadcast domain. */
static int check_dhcp_servers(const struct topo *t, const struct l2ep *eps,
			      int n, char *err, size_t errsize)
{
	const struct topo_router_if *ra, *rb;
	const struct l2ep *a, *b;
	char bn[2 * TOPO_NAME_MAX + 48];
	int i, j;

	for (j = 0; j < n; j++) {
		b = &eps[j];
		rb = b->host < 0 ? ep_rif(t, b) : NULL;
		for (i = 0; i < j && rb && rb->has_dhcp; i++) {
			a = &eps[i];
			ra = a->host < 0 ? ep_rif(t, a) : NULL;
			if (!ra || !ra->has_dhcp || a->vlan != b->vlan ||
			    a->dom != b->dom)
				continue;
			return tv_err(t, rb->dhcp.line, rb->dhcp.col, err,
				      errsize,
				      "%s: dhcp: a second DHCP server in VLAN "
				      "%u (router '%s' interface %u at line %d "
				      "serves it)",
				      ep_name(t, b, true, bn, sizeof(bn)),
				      b->vlan, t->routers[a->router].name,
				      a->rif + 1, ra->dhcp.line);
		}
	}
	return 0;
}

/* The rules between endpoints on switches: addresses, MACs, DHCP. */
static int check_endpoints(const struct topo *t, char *err, size_t errsize)
{
	struct l2ep eps[L2EP_MAX];
	int n, ret;

	n = ep_collect(t, eps);
	ret = check_addresses(t, eps, n, err, errsize);
	if (!ret)
		ret = check_macs(t, eps, n, err, errsize);
	if (!ret)
		ret = check_dhcp_servers(t, eps, n, err, errsize);
	return ret;
}

/* Interface name @ifname of element @j must differ from those before it. */
static int check_ifname(const struct topo *t, int j, const char *ifname,
			char *err, size_t errsize)
{
	char other[TOPO_IFNAME_MAX];
	const struct topo_vm *vm;
	int i, nh = t->nhosts;

	for (i = 0; i < j && i < nh; i++) {
		if (topo_host_ifname(t, &t->hosts[i], other) ||
		    strcmp(other, ifname))
			continue;
		vm = &t->vms[j - nh];
		return tv_err(t, vm->line, vm->col, err, errsize,
			      "vm '%s': TAP name '%s' is already used by host "
			      "'%s' (line %d)",
			      vm->name, ifname, t->hosts[i].name,
			      t->hosts[i].line);
	}
	for (i = nh; i < j; i++) {
		if (strcmp(t->vms[i - nh].tap, ifname))
			continue;
		vm = &t->vms[j - nh];
		return tv_err(t, vm->line, vm->col, err, errsize,
			      "vm '%s': TAP name '%s' is already used by vm "
			      "'%s' (line %d)",
			      vm->name, ifname, t->vms[i - nh].name,
			      t->vms[i - nh].line);
	}
	return 0;
}

/* Host veths cannot clash among themselves: host names are unique. */
static int check_ifnames(const struct topo *t, char *err, size_t errsize)
{
	int j, ret;

	for (j = 0; j < t->nvms; j++) {
		if (!t->vms[j].tap[0])
			continue; /* a socket VM has no TAP */
		ret = check_ifname(t, t->nhosts + j, t->vms[j].tap, err,
				   errsize);
		if (ret)
			return ret;
	}
	return 0;
}

/* Uplink @rif of router @r against the names dcbox makes, and uplinks. */
static int check_uplink(const struct topo *t, const struct topo_router *r,
			const struct topo_router_if *rif, char *err,
			size_t errsize)
{
	const struct topo_router_if *o;
	char ifname[TOPO_IFNAME_MAX];
	int i, j;

	for (i = 0; i < t->nhosts; i++)
		if (!topo_host_ifname(t, &t->hosts[i], ifname) &&
		    !strcmp(ifname, rif->uplink))
			return tv_err(t, rif->line, rif->col, err, errsize,
				      "router '%s' interface %d (uplink %s): "
				      "'%s' is the veth dcbox makes for host "
				      "'%s' (line %d)",
				      r->name, (int)(rif - r->ifs) + 1,
				      rif->uplink, rif->uplink,
				      t->hosts[i].name, t->hosts[i].line);
	for (i = 0; i < t->nvms; i++)
		if (!strcmp(t->vms[i].tap, rif->uplink))
			return tv_err(t, rif->line, rif->col, err, errsize,
				      "router '%s' interface %d (uplink %s): "
				      "'%s' is the TAP of vm '%s' (line %d)",
				      r->name, (int)(rif - r->ifs) + 1,
				      rif->uplink, rif->uplink, t->vms[i].name,
				      t->vms[i].line);
	for (i = 0; i <= r - t->routers; i++) {
		for (j = 0; j < t->routers[i].nifs; j++) {
			o = &t->routers[i].ifs[j];
			if (o == rif)
				return 0;
			if (!o->is_uplink || strcmp(o->uplink, rif->uplink))
				continue;
			return tv_err(t, rif->line, rif->col, err, errsize,
				      "router '%s' interface %d (uplink %s): "
				      "uplink '%s' is already used by router "
				      "'%s' interface %d (line %d)",
				      r->name, (int)(rif - r->ifs) + 1,
				      rif->uplink, rif->uplink,
				      t->routers[i].name, j + 1, o->line);
		}
	}
	return 0;
}

static int check_uplinks(const struct topo *t, char *err, size_t errsize)
{
	const struct topo_router *r;
	int i, j, ret;

	for (i = 0; i < t->nrouters; i++) {
		r = &t->routers[i];
		for (j = 0; j < r->nifs; j++) {
			if (!r->ifs[j].is_uplink)
				continue;
			ret = check_uplink(t, r, &r->ifs[j], err, errsize);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* Host veth or VM TAP named @ifname: its element's "kind 'name'", or NULL. */
static const char *dcbox_ifname_owner(const struct topo *t, const char *ifname,
				      char *buf, size_t size, int *line)
{
	char ifn[TOPO_IFNAME_MAX];
	int i;

	for (i = 0; i < t->nhosts; i++)
		if (!topo_host_ifname(t, &t->hosts[i], ifn) &&
		    !strcmp(ifn, ifname)) {
			snprintf(buf, size, "the veth dcbox makes for host '%s'",
				 t->hosts[i].name);
			*line = t->hosts[i].line;
			return buf;
		}
	for (i = 0; i < t->nvms; i++)
		if (t->vms[i].tap[0] && !strcmp(t->vms[i].tap, ifname)) {
			snprintf(buf, size, "the TAP of vm '%s'",
				 t->vms[i].name);
			*line = t->vms[i].line;
			return buf;
		}
	return NULL;
}

/* A router interface on uplink @ifname: its router's index, or -1. */
static int router_on_uplink(const struct topo *t, const char *ifname, int *k)
{
	int i, j;

	for (i = 0; i < t->nrouters; i++)
		for (j = 0; j < t->routers[i].nifs; j++)
			if (t->routers[i].ifs[j].is_uplink &&
			    !strcmp(t->routers[i].ifs[j].uplink, ifname)) {
				*k = j;
				return i;
			}
	return -1;
}

/*
 * Switch uplinks: not an interface dcbox makes itself, and each interface
 * bridged by one switch only, and not also a router's uplink.
 */
static int check_sw_uplinks(const struct topo *t, char *err, size_t errsize)
{
	const struct topo_switch *sw;
	char what[TOPO_NAME_MAX + 48];
	int i, j, line;

	for (i = 0; i < t->nswitches; i++) {
		sw = &t->switches[i];
		if (!sw->uplink[0])
			continue;
		if (dcbox_ifname_owner(t, sw->uplink, what, sizeof(what),
				       &line))
			return tv_err(t, sw->line, sw->col, err, errsize,
				      "switch '%s': uplink '%s' is %s "
				      "(line %d)",
				      sw->name, sw->uplink, what, line);
		for (j = 0; j < i; j++)
			if (!strcmp(t->switches[j].uplink, sw->uplink))
				return tv_err(t, sw->line, sw->col, err,
					      errsize,
					      "switch '%s': uplink '%s' is "
					      "already used by switch '%s' "
					      "(line %d)",
					      sw->name, sw->uplink,
					      t->switches[j].name,
					      t->switches[j].line);
		j = router_on_uplink(t, sw->uplink, &line);
		if (j >= 0)
			return tv_err(t, sw->line, sw->col, err, errsize,
				      "switch '%s': uplink '%s' is already "
				      "used by router '%s' interface %d "
				      "(line %d)",
				      sw->name, sw->uplink,
				      t->routers[j].name, line + 1,
				      t->routers[j].ifs[line].line);
	}
	return 0;
}

static bool sane_rif(const struct topo *t, const struct topo_router_if *rif)
{
	if (rif->vlan > TOPO_VLAN_MAX || rif->dhcp.ndns > TOPO_DHCP_MAX_DNS ||
	    rif->dhcp.nres > TOPO_DHCP_MAX_RES)
		return false;
	if (rif->is_uplink)
		return memchr(rif->uplink, '\0', sizeof(rif->uplink)) &&
		       rif->uplink[0] && !rif->has_dhcp;
	return rif->sw < t->nswitches;
}

static bool sane_router(const struct topo *t, const struct topo_router *r)
{
	int i;

	if (!r->nifs || r->nifs > TOPO_ROUTER_MAX_IFS ||
	    r->nroutes > TOPO_ROUTER_MAX_ROUTES ||
	    r->nfwd > TOPO_ROUTER_MAX_FWDS)
		return false;
	for (i = 0; i < r->nifs; i++)
		if (!sane_rif(t, &r->ifs[i]))
			return false;
	for (i = 0; i < r->nfwd; i++)
		if (r->fwd[i].on_if < 0 || r->fwd[i].on_if >= r->nifs)
			return false;
	return true;
}

static bool sane_link(const struct topo *t, const struct topo_link *l)
{
	int i;

	if (l->sw[0] >= t->nswitches || l->sw[1] >= t->nswitches ||
	    l->ntrunk > TOPO_VLAN_MAX)
		return false;
	for (i = 0; i < l->ntrunk; i++)
		if (!l->trunk[i] || l->trunk[i] > TOPO_VLAN_MAX ||
		    (i && l->trunk[i] <= l->trunk[i - 1]))
			return false;
	return true;
}

static bool sane_group(const struct topo *t, const struct topo_group *g)
{
	const struct topo_group_member *m;
	int i;

	if (g->nmembers > TOPO_GROUP_MAX_MEMBERS)
		return false;
	for (i = 0; i < g->nmembers; i++) {
		m = &g->members[i];
		if (m->kind == TOPO_GROUP_HOST
			    ? m->host >= t->nhosts
			    : m->kind != TOPO_GROUP_NET || m->net.prefix > 32)
			return false;
	}
	return true;
}

static bool sane_arm(const struct topo *t, const struct topo_firewall *fw)
{
	switch (fw->arm_kind) {
	case TOPO_FW_ARM_SWITCH:
		return true;
	case TOPO_FW_ARM_HOST:
		return fw->arm < t->nhosts;
	case TOPO_FW_ARM_VM:
		return fw->arm < t->nvms;
	}
	return false;
}

/* Modes, options, switch and port indices, rule range, distinct legs. */
static bool sane_firewall(const struct topo *t, const struct topo_firewall *fw)
{
	if ((unsigned int)fw->mode > TOPO_FW_ONE_ARM ||
	    (unsigned int)fw->default_action > TOPO_FW_REJECT ||
	    (unsigned int)fw->log > TOPO_FW_LOG_ALL ||
	    (unsigned int)fw->non_ip > TOPO_FW_NON_IP_DROP ||
	    fw->first_rule > t->nfw_rules ||
	    fw->nrules > t->nfw_rules - fw->first_rule ||
	    !memchr(fw->rules_path, '\0', sizeof(fw->rules_path)) ||
	    fw->legs[0] >= t->nswitches)
		return false;
	if (fw->mode == TOPO_FW_ONE_ARM)
		return fw->default_action != TOPO_FW_REJECT && sane_arm(t, fw);
	return fw->legs[1] < t->nswitches && fw->legs[0] != fw->legs[1];
}

/* The rule texts: inside the pool, which ends in a NUL. */
static bool sane_fw_rules(const struct topo *t)
{
	uint32_t i;

	if (t->nfw_rules > TOPO_FW_MAX_RULES ||
	    t->fw_text_len > TOPO_FW_TEXT_MAX ||
	    (t->fw_text_len && t->fw_text[t->fw_text_len - 1]))
		return false;
	for (i = 0; i < t->nfw_rules; i++)
		if (t->fw_rules[i].text >= t->fw_text_len)
			return false;
	return true;
}

static int check_fw_bounds(const struct topo *t, char *err, size_t errsize)
{
	int i;

	if (!sane_fw_rules(t))
		return tv_err(t, 1, 1, err, errsize,
			      "firewall rules: bad count or text offset");
	for (i = 0; i < t->ngroups; i++)
		if (!sane_group(t, &t->groups[i]))
			return tv_err(t, t->groups[i].line, t->groups[i].col,
				      err, errsize,
				      "group '%s': bad member count, kind or "
				      "host index",
				      t->groups[i].name);
	for (i = 0; i < t->nfirewalls; i++)
		if (!sane_firewall(t, &t->firewalls[i]))
			return tv_err(
				t, t->firewalls[i].line, t->firewalls[i].col,
				err, errsize,
				"firewall '%s': bad mode, option, switch, "
				"port or rule index",
				t->firewalls[i].name);
	return 0;
}

/* Counts, indices and trunk order: what the checks above index with. */
static int check_bounds(const struct topo *t, char *err, size_t errsize)
{
	int i;

	if (t->nswitches > TOPO_MAX_SWITCHES || t->nlinks > TOPO_MAX_LINKS ||
	    t->nhosts > TOPO_MAX_HOSTS || t->nvms > TOPO_MAX_VMS ||
	    t->nmirrors > TOPO_MAX_MIRRORS || t->nrouters > TOPO_MAX_ROUTERS ||
	    t->ngroups > TOPO_MAX_GROUPS || t->nfirewalls > TOPO_MAX_FIREWALLS)
		return tv_err(t, 1, 1, err, errsize, "too many elements");
	for (i = 0; i < t->nlinks; i++)
		if (!sane_link(t, &t->links[i]))
			return tv_err(t, t->links[i].line, t->links[i].col, err,
				      errsize,
				      "link %d: bad switch index or "
				      "trunk list",
				      i + 1);
	for (i = 0; i < t->nswitches; i++)
		if (t->switches[i].nuplink_vlans > TOPO_VLAN_MAX ||
		    !memchr(t->switches[i].uplink, '\0', TOPO_IFNAME_MAX))
			return tv_err(t, t->switches[i].line,
				      t->switches[i].col, err, errsize,
				      "switch '%s': bad uplink",
				      t->switches[i].name);
	for (i = 0; i < t->nhosts; i++)
		if (t->hosts[i].sw >= t->nswitches)
			return tv_err(t, t->hosts[i].line, t->hosts[i].col, err,
				      errsize, "host '%s': bad switch index",
				      t->hosts[i].name);
	for (i = 0; i < t->nvms; i++)
		if (t->vms[i].sw >= t->nswitches)
			return tv_err(t, t->vms[i].line, t->vms[i].col, err,
				      errsize, "vm '%s': bad switch index",
				      t->vms[i].name);
	for (i = 0; i < t->nrouters; i++)
		if (!sane_router(t, &t->routers[i]))
			return tv_err(t, t->routers[i].line, t->routers[i].col,
				      err, errsize,
				      "router '%s': bad count, switch index "
				      "or interface index",
				      t->routers[i].name);
	return check_fw_bounds(t, err, errsize);
}

/* The inline leg firewall @a shares with @b, or -1. */
static int shared_leg(const struct topo_firewall *a,
		      const struct topo_firewall *b)
{
	int x, y;

	if (a->mode != TOPO_FW_INLINE || b->mode != TOPO_FW_INLINE)
		return -1;
	for (x = 0; x < 2; x++)
		for (y = 0; y < 2; y++)
			if (a->legs[x] == b->legs[y])
				return a->legs[x];
	return -1;
}

/* A switch is the inline leg of one firewall at most (hand-built models). */
static int check_inline_legs(const struct topo *t, char *err, size_t errsize)
{
	const struct topo_firewall *b;
	int i, j, sw;

	for (j = 0; j < t->nfirewalls; j++) {
		b = &t->firewalls[j];
		for (i = 0; i < j; i++) {
			sw = shared_leg(&t->firewalls[i], b);
			if (sw < 0)
				continue;
			return tv_err(t, b->line, b->col, err, errsize,
				      "firewall '%s': switch '%s' is already "
				      "an inline leg of firewall '%s'",
				      b->name, t->switches[sw].name,
				      t->firewalls[i].name);
		}
	}
	return 0;
}

/**
 * topo_validate() - check the rules between elements of a parsed topology
 * @t:		the model (t->file names it in messages)
 * @err:	receives "FILE:LINE:COL: problem" on error
 * @errsize:	size of @err
 *
 * topo_parse_buf() calls this last; call it again after changing @t.
 *
 * Return: 0 if @t is consistent, -EINVAL otherwise.
 */
int topo_validate(const struct topo *t, char *err, size_t errsize)
{
	int ret;

	ret = check_bounds(t, err, errsize);
	if (!ret)
		ret = check_loops(t, err, errsize);
	if (!ret)
		ret = check_endpoints(t, err, errsize);
	if (!ret)
		ret = check_ifnames(t, err, errsize);
	if (!ret)
		ret = check_uplinks(t, err, errsize);
	if (!ret)
		ret = check_sw_uplinks(t, err, errsize);
	if (!ret)
		ret = check_inline_legs(t, err, errsize);
	if (!ret)
		ret = topo_fw_validate(t, err, errsize);
	if (!ret)
		ret = topo_ips_validate(t, err, errsize);
	return ret;
}

/**
 * topo_switch_find() - index of the switch called @name
 * @t:		topology
 * @name:	switch name
 *
 * Return: an index into @t->switches, or -ENOENT.
 */
int topo_switch_find(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->nswitches; i++)
		if (!strcmp(t->switches[i].name, name))
			return i;
	return -ENOENT;
}

/**
 * topo_host_find() - index of the host called @name
 * @t:		topology
 * @name:	host name
 *
 * Return: an index into @t->hosts, or -ENOENT.
 */
int topo_host_find(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->nhosts; i++)
		if (!strcmp(t->hosts[i].name, name))
			return i;
	return -ENOENT;
}

/**
 * topo_vm_find() - index of the VM called @name
 * @t:		topology
 * @name:	VM name
 *
 * Return: an index into @t->vms, or -ENOENT.
 */
int topo_vm_find(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->nvms; i++)
		if (!strcmp(t->vms[i].name, name))
			return i;
	return -ENOENT;
}

/**
 * topo_host_ifname() - name of the switch-side veth of a host
 * @t:		topology (its name is the prefix)
 * @h:		host
 * @ifname:	receives "<topo>-<host>"
 *
 * Return: 0, or -ENAMETOOLONG if the name does not fit IFNAMSIZ (the
 * parser rejects such hosts, so this only fails on hand-built models).
 */
int topo_host_ifname(const struct topo *t, const struct topo_host *h,
		     char ifname[TOPO_IFNAME_MAX])
{
	int n = snprintf(ifname, TOPO_IFNAME_MAX, "%s-%s", t->name, h->name);

	return n < 0 || n >= TOPO_IFNAME_MAX ? -ENAMETOOLONG : 0;
}

/**
 * topo_router_find() - index of the router called @name
 * @t:		topology
 * @name:	router name
 *
 * Return: an index into @t->routers, or -ENOENT.
 */
int topo_router_find(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->nrouters; i++)
		if (!strcmp(t->routers[i].name, name))
			return i;
	return -ENOENT;
}

/**
 * topo_router_if_find() - the interface of a router on a switch or uplink
 * @t:		topology (for switch names)
 * @r:		router
 * @name:	a switch name or an uplink interface name
 *
 * Return: an index into @r->ifs, or -ENOENT.
 */
int topo_router_if_find(const struct topo *t, const struct topo_router *r,
			const char *name)
{
	const struct topo_router_if *rif;
	int i;

	for (i = 0; i < r->nifs; i++) {
		rif = &r->ifs[i];
		if (rif->is_uplink
			    ? !strcmp(rif->uplink, name)
			    : rif->sw < t->nswitches &&
				      !strcmp(t->switches[rif->sw].name, name))
			return i;
	}
	return -ENOENT;
}

/**
 * topo_router_port_names() - dataplane port names of a router interface
 * @t:		topology (for switch names)
 * @r:		router
 * @rif:	one of @r's interfaces
 * @rport:	receives "ROUTER.SWITCH", or "ROUTER.UPLINK" for an uplink
 * @sport:	receives "SWITCH.ROUTER", or "" for an uplink
 *
 * The parser rejects routers whose names do not fit, so this only fails on
 * hand-built models.
 *
 * Return: 0, -ENAMETOOLONG if a name does not fit TOPO_PORT_NAME_MAX, or
 * -EINVAL if @rif names no switch of @t.
 */
int topo_router_port_names(const struct topo *t, const struct topo_router *r,
			   const struct topo_router_if *rif,
			   char rport[TOPO_PORT_NAME_MAX],
			   char sport[TOPO_PORT_NAME_MAX])
{
	const char *peer;
	int n, m = 0;

	sport[0] = '\0';
	if (!rif->is_uplink && rif->sw >= t->nswitches)
		return -EINVAL;
	peer = rif->is_uplink ? rif->uplink : t->switches[rif->sw].name;
	n = snprintf(rport, TOPO_PORT_NAME_MAX, "%s.%s", r->name, peer);
	if (!rif->is_uplink)
		m = snprintf(sport, TOPO_PORT_NAME_MAX, "%s.%s", peer, r->name);
	if (n < 0 || n >= TOPO_PORT_NAME_MAX || m < 0 ||
	    m >= TOPO_PORT_NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}
