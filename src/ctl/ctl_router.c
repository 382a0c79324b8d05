// SPDX-License-Identifier: MIT
/*
 * ctl_router.c - the daemon's views of routers as JSON (routes, ARP,
 * connection tracking, NAT, DHCP leases) and run-time route changes.
 *
 * Each view takes an optional router name; without one it covers every
 * router. Rows name their router so one table can hold them all.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../ct/ct.h"
#include "../ct/nat.h"
#include "../l3/arp.h"
#include "../l3/dhcp.h"
#include "../l3/route.h"
#include "ctl_router.h"

enum { ROUTES_MAX = 65536 };

static const char *ip4(uint32_t be, char *buf)
{
	struct in_addr a = { .s_addr = be };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static const char *mac_str(const uint8_t *m, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
	return buf;
}

static const char *if_name(struct router *r, unsigned int ifidx)
{
	const struct router_if_cfg *c = router_if(r, ifidx);

	return c ? c->name : "?";
}

/* Routers selected by @name (NULL: all); -ENOENT if none is called so. */
static int each_router(const struct topo_rt *rt, const char *name,
		       void (*fn)(struct router *r, json_t *a), json_t *a)
{
	unsigned int i;
	int found = 0;

	for (i = 0; i < rt->topo->nrouters; i++) {
		if (name && strcmp(name, rt->topo->routers[i].name))
			continue;
		fn(rt->routers[i], a);
		found++;
	}
	return name && !found ? -ENOENT : 0;
}

static void routes_of(struct router *r, json_t *a)
{
	struct route_entry *buf = calloc(ROUTES_MAX, sizeof(*buf));
	uint32_t n, i;
	char p[INET_ADDRSTRLEN], v[INET_ADDRSTRLEN], pre[24];

	if (!buf)
		return;
	n = route_table_dump(router_routes(r), buf, ROUTES_MAX);
	for (i = 0; i < n && i < ROUTES_MAX; i++) {
		snprintf(pre, sizeof(pre), "%s/%u", ip4(buf[i].prefix, p),
			 buf[i].len);
		json_array_append_new(a, json_pack(
			"{s:s,s:s,s:s,s:s,s:s}", "router", router_name(r),
			"to", pre, "via", buf[i].nexthop ?
			ip4(buf[i].nexthop, v) : "", "interface",
			if_name(r, buf[i].ifindex), "kind",
			route_kind_str(buf[i].kind)));
	}
	free(buf);
}

static void arp_of(struct router *r, json_t *a)
{
	const struct arp_cache *c = router_arp(r);
	const struct arp_entry *e;
	char ip[INET_ADDRSTRLEN], mac[18];
	uint32_t pos = 0;

	while ((e = arp_cache_next(c, &pos)))
		json_array_append_new(a, json_pack(
			"{s:s,s:s,s:s,s:s,s:s}", "router", router_name(r),
			"ip", ip4(e->ip, ip), "mac", mac_str(e->mac, mac),
			"interface", if_name(r, e->ifindex), "state",
			arp_state_str(e->state)));
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static json_t *tuple_json(const struct ct_tuple *t)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	if (ct_tuple_is_v4(t)) {
		ip4(pkt_addr_v4(&t->src), s);
		ip4(pkt_addr_v4(&t->dst), d);
	} else {
		inet_ntop(AF_INET6, t->src.b, s, sizeof(s));
		inet_ntop(AF_INET6, t->dst.b, d, sizeof(d));
	}
	return json_pack("{s:s,s:s,s:i,s:i}", "src", s, "dst", d, "sport",
			 t->sport, "dport", t->dport);
}

/**
 * ctl_conntrack_rows() - append one row per tracked flow of @t to @a
 * @t: a router's or firewall's connection table
 * @key: "router" or "firewall": what each row names
 * @owner: the router's or firewall's name
 * @a: JSON array to append to
 */
void ctl_conntrack_rows(struct ct_table *t, const char *key,
			const char *owner, json_t *a)
{
	const struct ct_entry *e;
	uint64_t now = now_ms();
	uint32_t pos = 0;

	while ((e = ct_next(t, &pos, now))) {
		const struct ct_tuple *o = &e->tuple[CT_DIR_ORIG];

		json_array_append_new(a, json_pack(
			"{s:s,s:s,s:s,s:o,s:o,s:I,s:b,s:b,s:b,s:I,s:I}",
			key, owner, "proto",
			ct_proto_name(o->proto), "state",
			o->proto == IPPROTO_TCP ?
			ct_tcp_state_name(e->tcp.state) : "",
			"orig", tuple_json(o), "reply",
			tuple_json(&e->tuple[CT_DIR_REPLY]),
			"ttl_s", (json_int_t)(ct_entry_ttl_ms(e, now) / 1000),
			"assured", (e->flags & CT_F_ASSURED) != 0,
			"snat", (e->flags & CT_F_SNAT) != 0,
			"dnat", (e->flags & CT_F_DNAT) != 0,
			"packets", (json_int_t)(e->packets[0] + e->packets[1]),
			"bytes", (json_int_t)(e->bytes[0] + e->bytes[1])));
	}
}

static void conntrack_of(struct router *r, json_t *a)
{
	ctl_conntrack_rows(router_ct(r), "router", router_name(r), a);
}

static void counters_of(struct router *r, json_t *a)
{
	const struct ct_table *t = router_ct(r);
	const struct nat *n = router_nat(r);
	const uint64_t *rc = router_counters(r);
	json_t *ct = json_object(), *nat = json_object(), *rt = json_object();
	unsigned int i;

	for (i = 0; i < CT_CNT_MAX; i++)
		json_object_set_new(ct, ct_counter_name(i),
				    json_integer((json_int_t)t->counters[i]));
	for (i = 0; i < CT_INV_MAX; i++)
		if (t->invalid[i])
			json_object_set_new(ct, ct_invalid_name(i), json_integer(
				(json_int_t)t->invalid[i]));
	for (i = 0; i < NAT_CNT_MAX; i++)
		json_object_set_new(nat, nat_counter_name(i),
				    json_integer((json_int_t)n->counters[i]));
	for (i = 0; i < ROUTER_C_MAX; i++)
		json_object_set_new(rt, router_counter_names[i],
				    json_integer((json_int_t)rc[i]));
	json_array_append_new(a, json_pack("{s:s,s:I,s:I,s:o,s:o,s:o}",
					   "router", router_name(r), "entries",
					   (json_int_t)t->count, "max_entries",
					   (json_int_t)t->cfg.max_entries,
					   "router_counters", rt, "conntrack",
					   ct, "nat", nat));
}

struct lease_ctx {
	struct router *r;
	unsigned int ifidx;
	json_t *a;
};

static int lease_row(const struct dhcp_lease *l, void *arg)
{
	struct lease_ctx *c = arg;
	char ip[INET_ADDRSTRLEN], mac[18];
	uint64_t now = (uint64_t)time(NULL);

	json_array_append_new(c->a, json_pack(
		"{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:b}", "router",
		router_name(c->r), "interface", if_name(c->r, c->ifidx),
		"ip", ip4(l->ip.s_addr, ip), "mac", mac_str(l->mac, mac),
		"state", dhcp_lease_state_str(l->state), "expires_in_s",
		(json_int_t)(l->expires > now ? l->expires - now : 0),
		"hostname", l->hostname, "reserved", l->reserved));
	return 0;
}

static void leases_of(struct router *r, json_t *a)
{
	struct lease_ctx c = { r, 0, a };

	for (c.ifidx = 0; c.ifidx < router_nifs(r); c.ifidx++) {
		struct dhcp_server *s = router_dhcp(r, c.ifidx);

		if (s)
			dhcp_lease_foreach(s, (uint64_t)time(NULL), lease_row,
					   &c);
	}
}

static const struct {
	const char *what;
	void (*fn)(struct router *r, json_t *a);
} views[] = {
	{ "routes", routes_of },       { "arp", arp_of },
	{ "conntrack", conntrack_of }, { "nat", counters_of },
	{ "leases", leases_of },
};

/**
 * ctl_router_is_view() - is @what a router view (see ROUTER_VIEWS)?
 * @what: the word after `show`
 *
 * Return: true if ctl_router_show() knows it.
 */
bool ctl_router_is_view(const char *what)
{
	unsigned int i;

	for (i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (!strcmp(what, views[i].what))
			return true;
	return false;
}

/**
 * ctl_router_show() - a router view as {"WHAT": [...]}
 * @rt: running topology
 * @what: one of ROUTER_VIEWS
 * @name: router name or NULL for all
 *
 * Return: the object, or NULL if @what or the router @name is unknown.
 */
json_t *ctl_router_show(const struct topo_rt *rt, const char *what,
			const char *name)
{
	unsigned int i;
	json_t *a;

	for (i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		if (strcmp(what, views[i].what))
			continue;
		a = json_array();
		if (each_router(rt, name, views[i].fn, a)) {
			json_decref(a);
			return NULL;
		}
		return json_pack("{s:o}", what, a);
	}
	return NULL;
}

/**
 * ctl_router_route() - `dcbox route add|del ROUTER PREFIX [via GW]`
 * @rt: running topology
 * @add: add (true) or delete
 * @name: router name
 * @prefix: "A.B.C.D/LEN"
 * @via: gateway for add
 * @err: out: why it failed
 * @errsize: size of @err
 *
 * Return: 0 or -errno.
 */
int ctl_router_route(struct topo_rt *rt, bool add, const char *name,
		     const char *prefix, const char *via, char *err,
		     size_t errsize)
{
	struct in_addr to = { 0 }, gw = { 0 };
	char buf[32], *slash;
	unsigned long len;
	int i, ret;

	for (i = 0; i < rt->topo->nrouters; i++)
		if (!strcmp(rt->topo->routers[i].name, name))
			break;
	if (i == rt->topo->nrouters) {
		snprintf(err, errsize, "no router '%s'", name);
		return -ENOENT;
	}
	snprintf(buf, sizeof(buf), "%s", prefix);
	slash = strchr(buf, '/');
	len = slash ? strtoul(slash + 1, NULL, 10) : 32;
	if (slash)
		*slash = 0;
	if (!inet_pton(AF_INET, buf, &to) || len > 32 ||
	    (add && (!via || !inet_pton(AF_INET, via, &gw)))) {
		snprintf(err, errsize, "bad route '%s%s%s' (expected "
			 "A.B.C.D/LEN via A.B.C.D)", prefix, via ? " via " : "",
			 via ? via : "");
		return -EINVAL;
	}
	ret = add ? router_route_add(rt->routers[i], to, (uint8_t)len, gw)
		  : router_route_del(rt->routers[i], to, (uint8_t)len);
	if (ret)
		snprintf(err, errsize, "route %s %s on '%s': %s",
			 add ? "add" : "del", prefix, name,
			 ret == -EEXIST ? "a route to this prefix exists "
			 "(delete it first)" : ret == -ENOENT ?
			 "no such route" : ret == -ENETUNREACH ?
			 "gateway not on a connected subnet" : strerror(-ret));
	return ret;
}
