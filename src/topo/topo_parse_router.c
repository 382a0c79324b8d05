// SPDX-License-Identifier: MIT
/*
 * topo_parse_router.c - the `routers:` section of a topology file.
 *
 * A router has interfaces (each on a dcbox switch or on an existing Linux
 * interface of the host, an "uplink"), static routes, published services
 * ("forward", DNAT on an interface's address) and a conntrack limit. An
 * interface may serve DHCP and masquerade. topo_parse.c calls tp_router()
 * for each NAME: {...} pair after switches, hosts and VMs, so switch
 * references resolve; routers are parsed in file order.
 *
 * Everything that concerns one router is checked here, where the node is
 * at hand for the message: one interface per switch, port names that fit
 * ("ROUTER.SWITCH"), interface subnets that do not overlap, DHCP ranges and
 * reservations inside the subnet, route gateways and forward targets inside
 * a connected subnet. Interfaces are parsed before routes and forwards so
 * that those can refer to them. Rules between elements (an address used
 * twice in one broadcast domain, MACs, uplink names against dcbox's own
 * interfaces, two DHCP servers in one domain) are in topo_validate.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/port.h"
#include "topo/topo_yaml.h"

_Static_assert((int)TOPO_PORT_NAME_MAX == (int)PORT_NAME_MAX,
	       "topo.h must follow core/port.h's port name limit");

enum { RT_IFS, RT_ROUTES, RT_FWD, RT_CT, RT_CTT, RT_N };
static const char *const rt_keys[] = {"interfaces", "routes", "forward",
				      "conntrack-max", "conntrack-timeouts",
				      NULL};

/* The TCP states in conntrack's order (src/ct/ct.h), then UDP and ICMP. */
const char *const topo_ct_timeout_keys[TOPO_CT_TIMEOUTS + 1] = {
	"tcp-syn-sent", "tcp-syn-recv", "tcp-established", "tcp-fin-wait",
	"tcp-close-wait", "tcp-last-ack", "tcp-time-wait", "tcp-close",
	"udp", "udp-assured", "icmp", NULL};

static int tp_ct_timeouts(struct tp *p, yaml_node_t *map,
			  struct topo_router *r)
{
	yaml_node_t *v[TOPO_CT_TIMEOUTS];
	char where[TP_WHAT_MAX + 32];
	unsigned int i;
	int ret;

	snprintf(where, sizeof(where), "in %s conntrack-timeouts", p->what);
	ret = tp_fields(p, map, topo_ct_timeout_keys, where, v);
	for (i = 0; !ret && i < TOPO_CT_TIMEOUTS; i++)
		if (v[i])
			ret = tp_uint(p, v[i], topo_ct_timeout_keys[i], 1,
				      TOPO_AGING_MAX_S, &r->ct_timeouts[i]);
	return ret;
}

enum {
	RIF_SWITCH,
	RIF_UPLINK,
	RIF_IP,
	RIF_VLAN,
	RIF_MAC,
	RIF_MTU,
	RIF_NAT,
	RIF_DHCP,
	RIF_N
};
static const char *const rif_keys[] = {
	"switch", "uplink", "ip", "vlan", "mac", "mtu", "nat", "dhcp", NULL};

enum { RDHCP_RANGE, RDHCP_DNS, RDHCP_LEASE, RDHCP_RES, RDHCP_N };
static const char *const rdhcp_keys[] = {"range", "dns", "lease",
					 "reservations", NULL};

enum { RRES_MAC, RRES_IP, RRES_N };
static const char *const rres_keys[] = {"mac", "ip", NULL};

enum { RROUTE_TO, RROUTE_VIA, RROUTE_N };
static const char *const rroute_keys[] = {"to", "via", NULL};

enum { RFWD_PROTO, RFWD_PORT, RFWD_TO, RFWD_ON, RFWD_N };
static const char *const rfwd_keys[] = {"proto", "port", "to", "on", NULL};

_Static_assert((int)RIF_N <= (int)TP_FIELDS_MAX,
	       "tp_fields() sorts too few keys");

/* The router being parsed: counted in t->nrouters only once complete. */
static struct topo_router *cur(struct tp *p)
{
	return &p->t->routers[p->t->nrouters];
}

static uint32_t h32(struct in_addr a)
{
	return ntohl(a.s_addr);
}

static bool in_subnet(uint32_t a, const struct topo_ip *ip)
{
	uint32_t m = tp_mask(ip->prefix);

	return (a & m) == (h32(ip->addr) & m);
}

static bool net_or_bcast(uint32_t a, const struct topo_ip *ip)
{
	uint32_t m = tp_mask(ip->prefix);

	return ip->prefix <= 30 && (!(a & ~m) || (a & ~m) == ~m);
}

/* Parse all of @s as "A.B.C.D" into host order. */
static bool parse_addr(const char *s, uint32_t *a)
{
	struct in_addr in;
	const char *end = tp_parse_ip4(s, &in);

	if (!end || *end)
		return false;
	*a = h32(in);
	return true;
}

static const char *ntoa(uint32_t a, char buf[INET_ADDRSTRLEN])
{
	struct in_addr in = {.s_addr = htonl(a)};

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN) ? buf : "?";
}

/* A list inside a router: interfaces, routes, dns, ...; null = empty. */
static int tp_rlist(struct tp *p, yaml_node_t *n, const char *key, size_t max)
{
	if (tp_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return tp_err(p, n, "%s: '%s' expected a list, found %s",
			      p->what, key, tp_node_kind(n));
	if (tp_len(n) > max)
		return tp_err(p, n, "%s: '%s' has more than %zu items", p->what,
			      key, max);
	return 0;
}

/* Item @n of a router list must be a mapping; sort its fields. */
static int tp_ritem(struct tp *p, yaml_node_t *n, const char *const keys[],
		    yaml_node_t *v[])
{
	char where[TP_WHAT_MAX + 4];

	if (tp_is_null(n))
		return tp_err(p, n, "%s: expected a mapping, found nothing",
			      p->what);
	snprintf(where, sizeof(where), "in %s", p->what);
	return tp_fields(p, n, keys, where, v);
}

/*
 * An address of a route gateway or forward target: inside a subnet of the
 * router, not the router's own, not a network or broadcast address.
 */
static int tp_connected(struct tp *p, yaml_node_t *n, const char *key,
			uint32_t a)
{
	const struct topo_router *r = cur(p);
	char ip[INET_ADDRSTRLEN];
	int i, in = -1;

	for (i = 0; i < r->nifs; i++) {
		if (a == h32(r->ifs[i].ip.addr))
			return tp_err(p, n,
				      "%s: %s %s is the router's own address "
				      "(interface %d)",
				      p->what, key, ntoa(a, ip), i + 1);
		if (in < 0 && in_subnet(a, &r->ifs[i].ip))
			in = i;
	}
	if (in < 0)
		return tp_err(p, n,
			      "%s: %s %s is not inside a subnet of router "
			      "'%s' (no interface reaches it)",
			      p->what, key, ntoa(a, ip), r->name);
	if (net_or_bcast(a, &r->ifs[in].ip))
		return tp_err(p, n,
			      "%s: %s %s is the network or broadcast address "
			      "of interface %d's subnet",
			      p->what, key, ntoa(a, ip), in + 1);
	return 0;
}

/* ---- interfaces ---- */

/* `switch: NAME`: one interface per switch, and port names that fit. */
static int tp_rif_switch(struct tp *p, yaml_node_t *n,
			 struct topo_router_if *rif)
{
	const struct topo_router *r = cur(p);
	char rport[TOPO_PORT_NAME_MAX], sport[TOPO_PORT_NAME_MAX];
	int i, ret;

	ret = tp_switch_ref(p, n, &rif->sw);
	if (ret)
		return ret;
	for (i = 0; i < r->nifs; i++)
		if (!r->ifs[i].is_uplink && r->ifs[i].sw == rif->sw)
			return tp_err(p, n,
				      "%s: switch '%s' already has interface "
				      "%d of this router (one per switch)",
				      p->what, p->t->switches[rif->sw].name,
				      i + 1);
	if (topo_router_port_names(p->t, r, rif, rport, sport))
		return tp_err(p, n,
			      "%s: port name '%s.%s' is longer than %d "
			      "characters (shorten the router or switch name)",
			      p->what, r->name, p->t->switches[rif->sw].name,
			      TOPO_PORT_NAME_MAX - 1);
	return 0;
}

/* `uplink: IFNAME`: an existing interface of the host. */
static int tp_rif_uplink(struct tp *p, yaml_node_t *n,
			 struct topo_router_if *rif)
{
	const struct topo_router *r = cur(p);
	char what[TP_WHAT_MAX + 16];
	char rport[TOPO_PORT_NAME_MAX], sport[TOPO_PORT_NAME_MAX];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "%s: uplink", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!tp_is_ifname(s))
		return tp_err(p, n,
			      "%s: bad uplink name '%s' (1..%d of letters, "
			      "digits, '_', '.', '-')",
			      p->what, tp_show(p, s), TOPO_IFNAME_MAX - 1);
	strcpy(rif->uplink, s);
	rif->is_uplink = true;
	if (topo_router_port_names(p->t, r, rif, rport, sport))
		return tp_err(p, n,
			      "%s: port name '%s.%s' is longer than %d "
			      "characters (shorten the router name)",
			      p->what, r->name, s, TOPO_PORT_NAME_MAX - 1);
	return 0;
}

static int tp_rif_attach(struct tp *p, yaml_node_t *n, yaml_node_t *v[],
			 struct topo_router_if *rif)
{
	if (v[RIF_SWITCH] && v[RIF_UPLINK])
		return tp_err(p, v[RIF_UPLINK],
			      "%s: give 'switch' or 'uplink', not both",
			      p->what);
	if (!v[RIF_SWITCH] && !v[RIF_UPLINK])
		return tp_err(p, n,
			      "%s: missing required key 'switch' (or "
			      "'uplink')",
			      p->what);
	if (v[RIF_SWITCH])
		return tp_rif_switch(p, v[RIF_SWITCH], rif);
	return tp_rif_uplink(p, v[RIF_UPLINK], rif);
}

/* The interface's address; subnets of one router must not overlap. */
static int tp_rif_ip(struct tp *p, yaml_node_t *n, struct topo_router_if *rif)
{
	const struct topo_router *r = cur(p);
	const struct topo_ip *o;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	uint32_t m;
	int i, ret;

	ret = tp_ip(p, n, &rif->ip);
	if (ret)
		return ret;
	for (i = 0; i < r->nifs; i++) {
		o = &r->ifs[i].ip;
		m = tp_mask(o->prefix < rif->ip.prefix ? o->prefix
						       : rif->ip.prefix);
		if ((h32(o->addr) & m) != (h32(rif->ip.addr) & m))
			continue;
		return tp_err(p, n,
			      "%s: %s/%u overlaps the subnet of interface %d "
			      "(%s/%u)",
			      p->what, ntoa(h32(rif->ip.addr), a),
			      rif->ip.prefix, i + 1, ntoa(h32(o->addr), b),
			      o->prefix);
	}
	return 0;
}

static int tp_rif_nat(struct tp *p, yaml_node_t *n, struct topo_router_if *rif)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "%s: nat", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (strcmp(s, "masquerade"))
		return tp_err(p, n, "%s: bad nat '%s' (expected: masquerade)",
			      p->what, tp_show(p, s));
	rif->masquerade = true;
	return 0;
}

/* ---- DHCP ---- */

/* `range: A-B` inside the subnet, clear of the interface's addresses. */
static int tp_dhcp_range(struct tp *p, yaml_node_t *n,
			 struct topo_router_if *rif)
{
	char what[TP_WHAT_MAX + 16], ip[INET_ADDRSTRLEN];
	uint32_t lo, hi, self = h32(rif->ip.addr);
	const char *s, *end;
	int ret;

	snprintf(what, sizeof(what), "%s: range", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	end = tp_parse_ip4(s, &rif->dhcp.start);
	if (!end || *end != '-' || !parse_addr(end + 1, &hi))
		return tp_err(p, n,
			      "%s: bad range '%s' (expected "
			      "A.B.C.D-A.B.C.D)",
			      p->what, tp_show(p, s));
	lo = h32(rif->dhcp.start);
	rif->dhcp.end.s_addr = htonl(hi);
	if (lo > hi)
		return tp_err(p, n, "%s: range '%s' is backwards", p->what, s);
	if (!in_subnet(lo, &rif->ip) || !in_subnet(hi, &rif->ip))
		return tp_err(p, n,
			      "%s: range '%s' is not inside the interface's "
			      "subnet %s/%u",
			      p->what, s,
			      ntoa(self & tp_mask(rif->ip.prefix), ip),
			      rif->ip.prefix);
	if (net_or_bcast(lo, &rif->ip) || net_or_bcast(hi, &rif->ip))
		return tp_err(p, n,
			      "%s: range '%s' includes the network or "
			      "broadcast address of the subnet",
			      p->what, s);
	if (lo <= self && self <= hi)
		return tp_err(p, n,
			      "%s: range '%s' includes the interface's own "
			      "address %s",
			      p->what, s, ntoa(self, ip));
	if (hi - lo >= TOPO_DHCP_MAX_RANGE)
		return tp_err(p, n, "%s: range '%s' has more than %d addresses",
			      p->what, s, TOPO_DHCP_MAX_RANGE);
	return 0;
}

static int tp_dns_item(struct tp *p, yaml_node_t *n, struct topo_dhcp *d)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	uint32_t a;
	int i, ret;

	snprintf(what, sizeof(what), "%s: dns", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!parse_addr(s, &a) || !tp_is_unicast4(a))
		return tp_err(p, n,
			      "%s: dns '%s' is not a unicast address A.B.C.D",
			      p->what, tp_show(p, s));
	for (i = 0; i < d->ndns; i++)
		if (h32(d->dns[i]) == a)
			return tp_err(p, n, "%s: dns %s appears twice", p->what,
				      s);
	d->dns[d->ndns++].s_addr = htonl(a);
	return 0;
}

/* `dns: [A, ...]`; tp_len() is 0 for a null list. */
static int tp_dhcp_dns(struct tp *p, yaml_node_t *n, struct topo_dhcp *d)
{
	size_t i;
	int ret;

	ret = tp_rlist(p, n, "dns", TOPO_DHCP_MAX_DNS);
	for (i = 0; !ret && i < tp_len(n); i++)
		ret = tp_dns_item(
			p, tp_node(p, n->data.sequence.items.start[i]), d);
	return ret;
}

/* Reservation address: in the subnet, not the interface's, not taken. */
static int tp_res_ip(struct tp *p, yaml_node_t *n,
		     const struct topo_router_if *rif,
		     struct topo_dhcp_res *res)
{
	char what[TP_WHAT_MAX + 16];
	const struct topo_dhcp *d = &rif->dhcp;
	const char *s;
	uint32_t a;
	int i, ret;

	snprintf(what, sizeof(what), "%s: ip", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!parse_addr(s, &a))
		return tp_err(p, n, "%s: bad address '%s' (expected A.B.C.D)",
			      p->what, tp_show(p, s));
	if (!in_subnet(a, &rif->ip) || net_or_bcast(a, &rif->ip) ||
	    a == h32(rif->ip.addr))
		return tp_err(p, n,
			      "%s: %s is not a free address of the "
			      "interface's subnet /%u",
			      p->what, s, rif->ip.prefix);
	for (i = 0; i < d->nres; i++)
		if (h32(d->reservations[i].ip) == a)
			return tp_err(p, n,
				      "%s: address %s is already reserved by "
				      "reservation %d",
				      p->what, s, i + 1);
	res->ip.s_addr = htonl(a);
	return 0;
}

static int tp_res_mac(struct tp *p, yaml_node_t *n, const struct topo_dhcp *d,
		      struct topo_dhcp_res *res)
{
	int i, ret;

	ret = tp_mac(p, n, res->mac);
	if (ret)
		return ret;
	for (i = 0; i < d->nres; i++)
		if (!memcmp(d->reservations[i].mac, res->mac, 6))
			return tp_err(p, n,
				      "%s: MAC %s is already reserved by "
				      "reservation %d",
				      p->what,
				      (const char *)n->data.scalar.value,
				      i + 1);
	return 0;
}

static int tp_dhcp_res(struct tp *p, yaml_node_t *n, struct topo_router_if *rif,
		       const char *ifwhat)
{
	struct topo_dhcp *d = &rif->dhcp;
	struct topo_dhcp_res *res = &d->reservations[d->nres];
	yaml_node_t *v[RRES_N];
	int ret;

	snprintf(p->what, sizeof(p->what), "%.*s: dhcp reservation %d",
		 TP_WHAT_MAX - 24, ifwhat, d->nres + 1);
	memset(res, 0, sizeof(*res));
	ret = tp_ritem(p, n, rres_keys, v);
	if (!ret)
		ret = tp_required(p, n, v[RRES_MAC], "mac");
	if (!ret)
		ret = tp_required(p, n, v[RRES_IP], "ip");
	if (!ret)
		ret = tp_res_mac(p, v[RRES_MAC], d, res);
	if (!ret)
		ret = tp_res_ip(p, v[RRES_IP], rif, res);
	if (!ret)
		d->nres++;
	return ret;
}

static int tp_dhcp_reservations(struct tp *p, yaml_node_t *n,
				struct topo_router_if *rif, const char *ifwhat)
{
	size_t i;
	int ret;

	ret = tp_rlist(p, n, "reservations", TOPO_DHCP_MAX_RES);
	for (i = 0; !ret && i < tp_len(n); i++)
		ret = tp_dhcp_res(p,
				  tp_node(p, n->data.sequence.items.start[i]),
				  rif, ifwhat);
	return ret;
}

static int tp_dhcp_fields(struct tp *p, yaml_node_t *n, yaml_node_t *v[],
			  struct topo_router_if *rif, const char *ifwhat)
{
	int ret;

	ret = tp_required(p, n, v[RDHCP_RANGE], "range");
	if (!ret)
		ret = tp_dhcp_range(p, v[RDHCP_RANGE], rif);
	if (!ret && v[RDHCP_DNS])
		ret = tp_dhcp_dns(p, v[RDHCP_DNS], &rif->dhcp);
	if (!ret && v[RDHCP_LEASE])
		ret = tp_uint(p, v[RDHCP_LEASE], "lease", TOPO_DHCP_LEASE_MIN_S,
			      TOPO_DHCP_LEASE_MAX_S, &rif->dhcp.lease_s);
	if (!ret && v[RDHCP_RES])
		ret = tp_dhcp_reservations(p, v[RDHCP_RES], rif, ifwhat);
	return ret;
}

/* `dhcp: {...}` of an interface (p->what names the interface). */
static int tp_rif_dhcp(struct tp *p, yaml_node_t *n, struct topo_router_if *rif)
{
	char ifwhat[TP_WHAT_MAX];
	yaml_node_t *v[RDHCP_N];
	int ret;

	memcpy(ifwhat, p->what, sizeof(ifwhat));
	rif->dhcp.line = (int)n->start_mark.line + 1;
	rif->dhcp.col = (int)n->start_mark.column + 1;
	rif->dhcp.lease_s = TOPO_DHCP_DEFAULT_LEASE_S;
	snprintf(p->what, sizeof(p->what), "%.*s: dhcp", TP_WHAT_MAX - 8,
		 ifwhat);
	ret = tp_ritem(p, n, rdhcp_keys, v);
	if (!ret)
		ret = tp_dhcp_fields(p, n, v, rif, ifwhat);
	rif->has_dhcp = !ret;
	memcpy(p->what, ifwhat, sizeof(ifwhat));
	return ret;
}

/* "router 'gw' interface 2 (switch web)" once the attachment is known. */
static void rif_what(struct tp *p, const struct topo_router_if *rif)
{
	const struct topo_router *r = cur(p);

	snprintf(p->what, sizeof(p->what), "router '%s' interface %d (%s %s)",
		 r->name, r->nifs + 1, rif->is_uplink ? "uplink" : "switch",
		 rif->is_uplink ? rif->uplink : p->t->switches[rif->sw].name);
}

static int tp_rif_fields(struct tp *p, yaml_node_t *n, yaml_node_t *v[],
			 struct topo_router_if *rif)
{
	int ret;

	ret = tp_rif_attach(p, n, v, rif);
	if (ret)
		return ret;
	rif_what(p, rif);
	ret = tp_required(p, n, v[RIF_IP], "ip");
	if (!ret)
		ret = tp_rif_ip(p, v[RIF_IP], rif);
	if (!ret)
		ret = tp_vlan(p, v[RIF_VLAN], &rif->vlan);
	if (!ret && v[RIF_MAC]) {
		ret = tp_mac(p, v[RIF_MAC], rif->mac);
		rif->has_mac = !ret;
	}
	if (!ret && v[RIF_MTU])
		ret = tp_uint(p, v[RIF_MTU], "mtu", TOPO_MTU_MIN, TOPO_MTU_MAX,
			      &rif->mtu);
	if (!ret && v[RIF_NAT])
		ret = tp_rif_nat(p, v[RIF_NAT], rif);
	if (!ret && v[RIF_DHCP] && rif->is_uplink)
		ret = tp_err(p, v[RIF_DHCP],
			     "%s: no 'dhcp' on an uplink (it would serve the "
			     "host's real network)",
			     p->what);
	if (!ret && v[RIF_DHCP])
		ret = tp_rif_dhcp(p, v[RIF_DHCP], rif);
	return ret;
}

static int tp_rif(struct tp *p, yaml_node_t *n)
{
	struct topo_router *r = cur(p);
	struct topo_router_if *rif = &r->ifs[r->nifs];
	yaml_node_t *v[RIF_N];
	int ret;

	memset(rif, 0, sizeof(*rif));
	rif->line = (int)n->start_mark.line + 1;
	rif->col = (int)n->start_mark.column + 1;
	rif->mtu = TOPO_MTU_DEFAULT;
	snprintf(p->what, sizeof(p->what), "router '%s' interface %d", r->name,
		 r->nifs + 1);
	ret = tp_ritem(p, n, rif_keys, v);
	if (!ret)
		ret = tp_rif_fields(p, n, v, rif);
	if (!ret)
		r->nifs++;
	return ret;
}

/* ---- routes ---- */

/* `to: A.B.C.D/LEN`, LEN 0..32, host bits clear. */
static int tp_route_to(struct tp *p, yaml_node_t *n, struct topo_route *rt)
{
	const struct topo_router *r = cur(p);
	char what[TP_WHAT_MAX + 16], ip[INET_ADDRSTRLEN];
	const char *s, *end;
	uint32_t a, prefix;
	int i, ret;

	snprintf(what, sizeof(what), "%s: to", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	end = tp_parse_ip4(s, &rt->to.addr);
	if (!end || *end != '/' || !tp_parse_u32(end + 1, &prefix) ||
	    prefix > 32)
		return tp_err(p, n,
			      "%s: bad destination '%s' (expected "
			      "A.B.C.D/LEN, LEN 0..32)",
			      p->what, tp_show(p, s));
	rt->to.prefix = (uint8_t)prefix;
	a = h32(rt->to.addr);
	if (a & ~tp_mask(prefix))
		return tp_err(p, n,
			      "%s: destination '%s' has host bits set (the "
			      "network is %s/%u)",
			      p->what, s, ntoa(a & tp_mask(prefix), ip),
			      prefix);
	for (i = 0; i < r->nroutes; i++)
		if (r->routes[i].to.addr.s_addr == rt->to.addr.s_addr &&
		    r->routes[i].to.prefix == rt->to.prefix)
			return tp_err(p, n,
				      "%s: a route to %s is already given by "
				      "route %d",
				      p->what, s, i + 1);
	return 0;
}

static int tp_route_via(struct tp *p, yaml_node_t *n, struct topo_route *rt)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	uint32_t a;
	int ret;

	snprintf(what, sizeof(what), "%s: via", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!parse_addr(s, &a))
		return tp_err(p, n, "%s: bad gateway '%s' (expected A.B.C.D)",
			      p->what, tp_show(p, s));
	rt->via.s_addr = htonl(a);
	return tp_connected(p, n, "via", a);
}

static int tp_route(struct tp *p, yaml_node_t *n)
{
	struct topo_router *r = cur(p);
	struct topo_route *rt = &r->routes[r->nroutes];
	yaml_node_t *v[RROUTE_N];
	int ret;

	memset(rt, 0, sizeof(*rt));
	rt->line = (int)n->start_mark.line + 1;
	rt->col = (int)n->start_mark.column + 1;
	snprintf(p->what, sizeof(p->what), "router '%s' route %d", r->name,
		 r->nroutes + 1);
	ret = tp_ritem(p, n, rroute_keys, v);
	if (!ret)
		ret = tp_required(p, n, v[RROUTE_TO], "to");
	if (!ret)
		ret = tp_required(p, n, v[RROUTE_VIA], "via");
	if (!ret)
		ret = tp_route_to(p, v[RROUTE_TO], rt);
	if (!ret)
		ret = tp_route_via(p, v[RROUTE_VIA], rt);
	if (!ret)
		r->nroutes++;
	return ret;
}

/* ---- forwards ---- */

static int tp_fwd_proto(struct tp *p, yaml_node_t *n, struct topo_forward *f)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "%s: proto", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!strcmp(s, "tcp"))
		f->proto = IPPROTO_TCP;
	else if (!strcmp(s, "udp"))
		f->proto = IPPROTO_UDP;
	else
		return tp_err(p, n, "%s: bad proto '%s' (expected: tcp, udp)",
			      p->what, tp_show(p, s));
	return 0;
}

/* A port 1..65535, the decimal at the start of @s; @end: what follows. */
static bool parse_port(const char *s, uint16_t *port, const char **end)
{
	size_t len = strspn(s, "0123456789");
	char buf[8];
	uint32_t v;

	if (!len || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!tp_parse_u32(buf, &v) || !v || v > 65535)
		return false;
	*port = (uint16_t)v;
	*end = s + len;
	return true;
}

/* `port: N` or `port: A-B`. */
static int tp_fwd_port(struct tp *p, yaml_node_t *n, struct topo_forward *f)
{
	char what[TP_WHAT_MAX + 16];
	const char *s, *end;
	int ret;

	snprintf(what, sizeof(what), "%s: port", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!parse_port(s, &f->port, &end))
		end = "?";
	f->port_end = f->port;
	if (*end &&
	    (*end != '-' || !parse_port(end + 1, &f->port_end, &end) || *end))
		return tp_err(p, n,
			      "%s: bad port '%s' (expected N or A-B, "
			      "1..65535)",
			      p->what, tp_show(p, s));
	if (f->port > f->port_end)
		return tp_err(p, n, "%s: port range '%s' is backwards", p->what,
			      s);
	return 0;
}

/* `to: A.B.C.D` (same port) or `to: A.B.C.D:PORT`. */
static int tp_fwd_to(struct tp *p, yaml_node_t *n, struct topo_forward *f)
{
	char what[TP_WHAT_MAX + 16];
	const char *s, *end;
	int ret;

	snprintf(what, sizeof(what), "%s: to", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	end = tp_parse_ip4(s, &f->to);
	f->to_port = f->port;
	if (!end || (*end && (*end != ':' ||
			      !parse_port(end + 1, &f->to_port, &end) || *end)))
		return tp_err(p, n,
			      "%s: bad target '%s' (expected A.B.C.D or "
			      "A.B.C.D:PORT)",
			      p->what, tp_show(p, s));
	if ((uint32_t)f->to_port + (f->port_end - f->port) > 65535)
		return tp_err(p, n, "%s: target ports %u-%u run past 65535",
			      p->what, f->to_port,
			      (uint32_t)f->to_port + (f->port_end - f->port));
	return tp_connected(p, n, "to", h32(f->to));
}

/* `on: SWITCH-or-UPLINK`, default the first masquerading interface. */
static int tp_fwd_on(struct tp *p, yaml_node_t *item, yaml_node_t *n,
		     struct topo_forward *f)
{
	const struct topo_router *r = cur(p);
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int i, ret;

	if (!n) {
		for (i = 0; i < r->nifs && !r->ifs[i].masquerade; i++)
			;
		if (i == r->nifs)
			return tp_err(p, item,
				      "%s: needs 'on: SWITCH' (or an "
				      "interface with 'nat: masquerade') to "
				      "know whose address it publishes",
				      p->what);
		return f->on_if = i, 0;
	}
	snprintf(what, sizeof(what), "%s: on", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	f->on_if = topo_router_if_find(p->t, r, s);
	if (f->on_if < 0)
		return tp_err(p, n,
			      "%s: on: router '%s' has no interface on a "
			      "switch or uplink '%s'",
			      p->what, r->name, tp_show(p, s));
	return 0;
}

/* Two forwards may not claim one port of one interface. */
static int tp_fwd_unique(struct tp *p, yaml_node_t *n,
			 const struct topo_forward *f)
{
	const struct topo_router *r = cur(p);
	const struct topo_forward *o;
	int i;

	for (i = 0; i < r->nfwd; i++) {
		o = &r->fwd[i];
		if (o->proto != f->proto || o->on_if != f->on_if ||
		    o->port_end < f->port || f->port_end < o->port)
			continue;
		return tp_err(p, n,
			      "%s: ports %u-%u overlap forward %d on "
			      "interface %d",
			      p->what, f->port, f->port_end, i + 1,
			      f->on_if + 1);
	}
	return 0;
}

static int tp_fwd(struct tp *p, yaml_node_t *n)
{
	struct topo_router *r = cur(p);
	struct topo_forward *f = &r->fwd[r->nfwd];
	yaml_node_t *v[RFWD_N];
	int ret;

	memset(f, 0, sizeof(*f));
	f->line = (int)n->start_mark.line + 1;
	f->col = (int)n->start_mark.column + 1;
	snprintf(p->what, sizeof(p->what), "router '%s' forward %d", r->name,
		 r->nfwd + 1);
	ret = tp_ritem(p, n, rfwd_keys, v);
	if (!ret)
		ret = tp_required(p, n, v[RFWD_PROTO], "proto");
	if (!ret)
		ret = tp_required(p, n, v[RFWD_PORT], "port");
	if (!ret)
		ret = tp_required(p, n, v[RFWD_TO], "to");
	if (!ret)
		ret = tp_fwd_proto(p, v[RFWD_PROTO], f);
	if (!ret)
		ret = tp_fwd_port(p, v[RFWD_PORT], f);
	if (!ret)
		ret = tp_fwd_to(p, v[RFWD_TO], f);
	if (!ret)
		ret = tp_fwd_on(p, n, v[RFWD_ON], f);
	if (!ret)
		ret = tp_fwd_unique(p, v[RFWD_PORT], f);
	if (!ret)
		r->nfwd++;
	return ret;
}

/* ---- the router ---- */

static int tp_router_lists(struct tp *p, yaml_node_t *v[])
{
	int ret;

	ret = tp_rlist(p, v[RT_IFS], "interfaces", TOPO_ROUTER_MAX_IFS);
	if (!ret && !tp_len(v[RT_IFS]))
		ret = tp_err(p, v[RT_IFS],
			     "%s: 'interfaces' is empty (a router needs at "
			     "least one)",
			     p->what);
	if (!ret && v[RT_ROUTES])
		ret = tp_rlist(p, v[RT_ROUTES], "routes",
			       TOPO_ROUTER_MAX_ROUTES);
	if (!ret && v[RT_FWD])
		ret = tp_rlist(p, v[RT_FWD], "forward", TOPO_ROUTER_MAX_FWDS);
	if (!ret)
		ret = tp_each_item(p, v[RT_IFS], tp_rif);
	if (!ret)
		ret = tp_each_item(p, v[RT_ROUTES], tp_route);
	if (!ret)
		ret = tp_each_item(p, v[RT_FWD], tp_fwd);
	return ret;
}

/**
 * tp_router() - parse one `routers:` entry, NAME: {...}
 * @p:		parse state; switches, hosts and VMs are already parsed
 * @pair:	the entry
 *
 * Fills p->t->routers[p->t->nrouters] and counts it once it is complete.
 *
 * Return: 0, or -EINVAL with the message in p->err.
 */
int tp_router(struct tp *p, yaml_node_pair_t *pair)
{
	struct topo_router *r = cur(p);
	yaml_node_t *v[RT_N], *k = tp_node(p, pair->key);
	yaml_node_t *map = tp_node(p, pair->value);
	char where[TP_WHAT_MAX + 4];
	int ret;

	memset(r, 0, sizeof(*r));
	ret = tp_elem_name(p, k, "router", TOPO_NAME_MAX - 1, r->name, &r->line,
			   &r->col);
	if (ret)
		return ret;
	snprintf(p->what, sizeof(p->what), "router '%s'", r->name);
	snprintf(where, sizeof(where), "in %s", p->what);
	ret = tp_fields(p, map, rt_keys, where, v);
	if (!ret)
		ret = tp_required(p, tp_is_null(map) ? k : map, v[RT_IFS],
				  "interfaces");
	r->ct_max = TOPO_CT_DEFAULT;
	if (!ret && v[RT_CT])
		ret = tp_uint(p, v[RT_CT], "conntrack-max", 1, TOPO_CT_MAX,
			      &r->ct_max);
	if (!ret && v[RT_CTT])
		ret = tp_ct_timeouts(p, v[RT_CTT], r);
	if (!ret)
		ret = tp_router_lists(p, v);
	if (!ret)
		p->t->nrouters++;
	return ret;
}
