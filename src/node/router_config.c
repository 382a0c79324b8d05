// SPDX-License-Identifier: MIT
/*
 * router_config.c - the router's control side: create and destroy a
 * router, add interfaces (connected route, ARP identity, DHCP server),
 * static routes and port forwards, start (gratuitous ARP), the periodic
 * tick (ARP timers, conntrack sweep, lease file), stop, and the read-only
 * accessors `dcbox show` uses.
 *
 * These run on the dataplane thread that owns the router, between calls to
 * router_input() (router.c). Every allocation a router makes happens here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "router_priv.h"

enum {
	NS_PER_MS_ = 1000000,
	MTU_DEFAULT = 1500,
	MTU_MIN = 68,
	MTU_MAX = 65535,
	VLAN_MAX = 4094,
	PROTO_TCP_ = 6,
	PROTO_UDP_ = 17,
};

const char *const router_counter_names[ROUTER_C_MAX] = {
#define X(e, n, d) [ROUTER_C_##e] = n,
	ROUTER_COUNTERS(X)
#undef X
};

const char *const router_counter_descs[ROUTER_C_MAX] = {
#define X(e, n, d) [ROUTER_C_##e] = d,
	ROUTER_COUNTERS(X)
#undef X
};

static void set_err(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errsize)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
}

static union pkt_addr v4map(uint32_t a)
{
	union pkt_addr x = {.b = {[10] = 0xff, [11] = 0xff}};

	x.w[3] = a;
	return x;
}

static int tables_init(struct router *r, uint32_t ct_max, char *err,
		       size_t errsize)
{
	struct ct_config ctc;
	int ret;

	ret = route_table_init(&r->routes, ROUTE_CAPACITY_DEFAULT);
	if (ret)
		goto err;
	ret = arp_cache_init(&r->arp, NULL, r->pool);
	if (ret)
		goto err_routes;
	ct_config_default(&ctc);
	ctc.max_entries = ct_max ? ct_max : CT_DEFAULT_MAX;
	ret = ct_table_init(&r->ct, &ctc);
	if (ret)
		goto err_arp;
	ret = nat_init(&r->nat, NULL);
	if (ret)
		goto err_ct;
	icmp_ctx_init(&r->icmp);
	return 0;

err_ct:
	ct_table_fini(&r->ct);
err_arp:
	arp_cache_fini(&r->arp);
err_routes:
	route_table_fini(&r->routes);
err:
	set_err(err, errsize, "router %s: tables: %s", r->name, strerror(-ret));
	return ret;
}

/**
 * router_create() - make a router with no interfaces
 * @name: name shown to users, shorter than ROUTER_NAME_MAX
 * @pool: packet pool of the dataplane thread (ARP requests, ICMP errors,
 *        and where dropped frames go)
 * @ct_max: conntrack entries, 0 for CT_DEFAULT_MAX
 * @tx: called with each output batch (the dataplane's dp_tx)
 * @tx_ctx: passed to @tx
 * @err: where to write a message on failure (may be NULL)
 * @errsize: its size
 *
 * Return: the router, or NULL with errno set (EINVAL, ENAMETOOLONG,
 * ENOMEM) and a message in @err.
 */
struct router *router_create(const char *name, struct pkt_pool *pool,
			     uint32_t ct_max, sw_tx_fn *tx, void *tx_ctx,
			     char *err, size_t errsize)
{
	struct router *r;
	int ret;

	if (!name || !pool || !tx || ct_max > CT_MAX_ENTRIES_LIMIT) {
		set_err(err, errsize, "router: bad arguments");
		errno = EINVAL;
		return NULL;
	}
	if (strlen(name) >= ROUTER_NAME_MAX) {
		set_err(err, errsize, "router %s: name too long", name);
		errno = ENAMETOOLONG;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		set_err(err, errsize, "router %s: out of memory", name);
		errno = ENOMEM;
		return NULL;
	}
	strcpy(r->name, name);
	r->pool = pool;
	r->tx = tx;
	r->tx_ctx = tx_ctx;
	ret = tables_init(r, ct_max, err, errsize);
	if (ret) {
		free(r);
		errno = -ret;
		return NULL;
	}
	return r;
}

static void if_fini(struct router_if *ifc)
{
	dhcp_server_destroy(ifc->dhcp);
	free(ifc->dhcp_cfg);
	free((char *)ifc->cfg.lease_file);
	memset(ifc, 0, sizeof(*ifc));
}

/**
 * router_destroy() - free a router and every packet it still holds (the
 * ARP queue); the pool must still exist. Does not write lease files:
 * router_stop() first.
 * @r: the router, or NULL
 */
void router_destroy(struct router *r)
{
	unsigned int i;

	if (!r)
		return;
	for (i = 0; i < r->ndefer; i++)
		pkt_free(r->pool, r->defer[i]);
	for (i = 0; i < r->nifs; i++)
		if_fini(&r->ifs[i]);
	ct_table_fini(&r->ct);
	arp_cache_fini(&r->arp);
	route_table_fini(&r->routes);
	free(r);
}

static int if_check(const struct router *r, const struct router_if_cfg *cfg,
		    char *err, size_t errsize)
{
	unsigned int i;

	if (r->nifs >= ROUTER_MAX_IFS) {
		set_err(err, errsize, "router %s: more than %d interfaces",
			r->name, ROUTER_MAX_IFS);
		return -ENOSPC;
	}
	if (!cfg->addr.s_addr || cfg->prefix < 1 || cfg->prefix > 32 ||
	    (cfg->mtu && (cfg->mtu < MTU_MIN || cfg->mtu > MTU_MAX)) ||
	    cfg->vlan > VLAN_MAX || (cfg->mac[0] & 1) ||
	    memchr(cfg->name, 0, sizeof(cfg->name)) == NULL) {
		set_err(err, errsize,
			"router %s: interface %.*s: bad address, prefix, MTU, "
			"VLAN, MAC or name",
			r->name, ROUTER_NAME_MAX, cfg->name);
		return -EINVAL;
	}
	for (i = 0; i < r->nifs; i++)
		if (r->ifs[i].addr == cfg->addr.s_addr) {
			set_err(err, errsize,
				"router %s: interface %s: address already on "
				"%s",
				r->name, cfg->name, r->ifs[i].cfg.name);
			return -EEXIST;
		}
	return 0;
}

static int if_dhcp(struct router *r, struct router_if *ifc,
		   const struct router_if_cfg *cfg, char *err, size_t errsize)
{
	char msg[256] = "";

	ifc->dhcp_cfg = malloc(sizeof(*ifc->dhcp_cfg));
	if (!ifc->dhcp_cfg)
		goto err_nomem;
	*ifc->dhcp_cfg = *cfg->dhcp;
	if (!ifc->dhcp_cfg->server_ip.s_addr) {
		ifc->dhcp_cfg->server_ip = cfg->addr;
		ifc->dhcp_cfg->prefix_len = cfg->prefix;
	}
	if (cfg->lease_file) {
		ifc->cfg.lease_file = strdup(cfg->lease_file);
		if (!ifc->cfg.lease_file)
			goto err_nomem;
	}
	ifc->cfg.dhcp = ifc->dhcp_cfg;
	ifc->dhcp = dhcp_server_create(ifc->dhcp_cfg, ifc->cfg.lease_file,
				       (uint64_t)time(NULL), msg, sizeof(msg));
	if (!ifc->dhcp) {
		int ret = errno ? -errno : -EINVAL;

		set_err(err, errsize, "router %s: interface %s: %s", r->name,
			cfg->name, msg);
		return ret;
	}
	return 0;

err_nomem:
	set_err(err, errsize, "router %s: out of memory", r->name);
	return -ENOMEM;
}

static int if_route(struct router *r, unsigned int idx, char *err,
		    size_t errsize)
{
	const struct router_if *ifc = &r->ifs[idx];
	uint32_t mask = route_prefix_mask(ifc->cfg.prefix);
	struct route_entry e = {
		.prefix = htonl(ntohl(ifc->addr) & mask),
		.ifindex = (uint16_t)idx,
		.len = ifc->cfg.prefix,
		.kind = ROUTE_KIND_CONNECTED,
	};
	int ret = route_table_add(&r->routes, &e);

	if (ret)
		set_err(err, errsize,
			"router %s: interface %s: connected route: %s%s",
			r->name, ifc->cfg.name, strerror(-ret),
			ret == -EEXIST ? " (subnet on two interfaces)" : "");
	return ret;
}

/**
 * router_if_add() - add an interface; its number is the next free one
 * @r: the router
 * @cfg: the interface; read during the call only (what it points to is
 *       copied: the DHCP configuration and the lease file name)
 * @err: where to write a message on failure (may be NULL)
 * @errsize: its size
 *
 * Adds the connected route of the interface subnet and, with cfg->dhcp,
 * starts a DHCP server loading cfg->lease_file. An MTU of 0 means 1500.
 * A dhcp_config whose server_ip is 0 gets the interface address.
 *
 * Return: the interface number (0, 1, ...; pass it to dp_port_bind()), or
 * -EINVAL, -EEXIST (address or subnet already used), -ENOSPC (too many
 * interfaces), -ENOMEM, or the DHCP server's error; nothing is left
 * half-added.
 */
int router_if_add(struct router *r, const struct router_if_cfg *cfg, char *err,
		  size_t errsize)
{
	unsigned int idx = r->nifs;
	struct router_if *ifc = &r->ifs[idx];
	int ret = if_check(r, cfg, err, errsize);

	if (ret)
		return ret;
	memset(ifc, 0, sizeof(*ifc));
	ifc->cfg = *cfg;
	ifc->cfg.dhcp = NULL;
	ifc->cfg.lease_file = NULL;
	if (!ifc->cfg.mtu)
		ifc->cfg.mtu = MTU_DEFAULT;
	ifc->addr = cfg->addr.s_addr;
	ifc->addr6 = v4map(ifc->addr);
	if (cfg->prefix <= 30)
		ifc->bcast = ifc->addr | htonl(~route_prefix_mask(cfg->prefix));
	ifc->arp.ifindex = (uint16_t)idx;
	memcpy(ifc->arp.mac, cfg->mac, 6);
	ifc->arp.n_addrs = 1;
	ifc->arp.addrs[0] = ifc->addr;
	ifc->arp.plens[0] = cfg->prefix;
	if (cfg->dhcp) {
		ret = if_dhcp(r, ifc, cfg, err, errsize);
		if (ret)
			goto err_if;
	}
	ret = if_route(r, idx, err, errsize);
	if (ret)
		goto err_if;
	r->nifs++;
	return (int)idx;

err_if:
	if_fini(ifc);
	return ret;
}

/**
 * router_route_add() - add a static route
 * @r: the router
 * @to: destination network (host bits are ignored)
 * @prefix: its length, 0..32 (0 with @to 0.0.0.0: the default route)
 * @via: the gateway; it must lie in a connected subnet, whose interface
 *       becomes the route's output interface
 *
 * Return: 0, -EINVAL (bad prefix, @via zero or one of the router's own
 * addresses), -ENETUNREACH (@via not in a connected subnet), -EEXIST (a
 * route for that prefix exists), -ENOSPC (table full).
 */
int router_route_add(struct router *r, struct in_addr to, uint8_t prefix,
		     struct in_addr via)
{
	const struct route_entry *c;
	struct route_entry e = {0};
	unsigned int i;

	if (prefix > 32 || !via.s_addr)
		return -EINVAL;
	for (i = 0; i < r->nifs; i++)
		if (r->ifs[i].addr == via.s_addr)
			return -EINVAL;
	c = route_lookup(&r->routes, via.s_addr);
	if (!c || c->kind != ROUTE_KIND_CONNECTED)
		return -ENETUNREACH;
	e.prefix = htonl(ntohl(to.s_addr) & route_prefix_mask(prefix));
	e.nexthop = via.s_addr;
	e.ifindex = c->ifindex;
	e.len = prefix;
	e.kind = ROUTE_KIND_STATIC;
	return route_table_add(&r->routes, &e);
}

/**
 * router_route_del() - delete a static route
 * @r: the router
 * @to: destination network (host bits are ignored)
 * @prefix: its length
 *
 * Return: 0, -EINVAL for a bad prefix, -ENOENT if there is no such route,
 * -EPERM for a connected route (remove the interface instead).
 */
int router_route_del(struct router *r, struct in_addr to, uint8_t prefix)
{
	const struct route_entry *e;
	uint32_t net;

	if (prefix > 32)
		return -EINVAL;
	net = htonl(ntohl(to.s_addr) & route_prefix_mask(prefix));
	e = route_table_find(&r->routes, net, prefix);
	if (!e)
		return -ENOENT;
	if (e->kind != ROUTE_KIND_STATIC)
		return -EPERM;
	return route_table_del(&r->routes, net, prefix);
}

/**
 * router_fwd_add() - publish a service: DNAT a port (range) of an
 * interface address to an internal server
 * @r: the router
 * @fwd: protocol, external ports port..port_end (port_end 0: one port),
 *       internal address and first port, and the interface (on_if) whose
 *       address is published
 *
 * New flows only; existing flows keep their translation. One NAT rule per
 * port, at most NAT_RULES_MAX in all.
 *
 * Return: 0, -EINVAL for a bad protocol, port, range or interface,
 * -ENOSPC when the rules would not fit, -EEXIST if a port is published
 * already.
 */
int router_fwd_add(struct router *r, const struct router_fwd_cfg *fwd)
{
	uint32_t end = fwd->port_end ? fwd->port_end : fwd->port;
	uint32_t count, i;
	int ret;

	if ((fwd->proto != PROTO_TCP_ && fwd->proto != PROTO_UDP_) ||
	    !fwd->port || end < fwd->port || !fwd->to_port || !fwd->to.s_addr ||
	    fwd->on_if >= r->nifs || fwd->to_port + (end - fwd->port) > 65535)
		return -EINVAL;
	count = end - fwd->port + 1;
	if (r->nfwd + count > NAT_RULES_MAX)
		return -ENOSPC;
	for (i = 0; i < count; i++) {
		struct nat_rule *nr = &r->fwd[r->nfwd + i];

		memset(nr, 0, sizeof(*nr));
		nr->proto = fwd->proto;
		nr->ext_port = (uint16_t)(fwd->port + i);
		nr->int_port = (uint16_t)(fwd->to_port + i);
		nr->ext_addr = r->ifs[fwd->on_if].addr6;
		nr->int_addr = v4map(fwd->to.s_addr);
	}
	ret = nat_set_rules(&r->nat, r->fwd, r->nfwd + count);
	if (ret)
		return ret;
	r->nfwd += count;
	return 0;
}

/**
 * router_start() - announce every interface address (gratuitous ARP)
 * @r: the router
 * @now_ns: current monotonic time
 */
void router_start(struct router *r, uint64_t now_ns)
{
	unsigned int i;

	r->now_ns = now_ns;
	for (i = 0; i < r->nifs; i++) {
		struct pkt *q = pkt_alloc(r->pool);

		if (!q) {
			r->counters[ROUTER_C_DROP_NOMEM]++;
			continue;
		}
		arp_build_gratuitous(q, r->ifs[i].cfg.mac, r->ifs[i].addr);
		r->counters[ROUTER_C_ARP_TX]++;
		router_output(r, i, q);
	}
	router_flush(r);
}

/**
 * router_tick() - run the timers; call about once a second (ARP retries
 * are as punctual as the calls, 100 ms is better)
 * @r: the router
 * @now_ns: current monotonic time
 *
 * ARP: requests are repeated, failed resolutions answer their packets
 * with ICMP host unreachable, stale entries age. Conntrack: a slice of
 * the table is swept. DHCP: lease files are written if leases changed.
 * Output goes through tx, once per interface.
 */
void router_tick(struct router *r, uint64_t now_ns)
{
	static const struct arp_tick_ops ops = {
		.solicit = router_arp_solicit,
		.unreach = router_arp_unreach,
	};
	uint64_t wall = (uint64_t)time(NULL);
	unsigned int i;

	r->now_ns = now_ns;
	arp_tick(&r->arp, now_ns, &ops, r);
	for (i = 0; i < r->ndefer; i++)
		router_local_out(r, r->defer[i]);
	r->ndefer = 0;
	ct_sweep(&r->ct, now_ns / NS_PER_MS_, 0);
	for (i = 0; i < r->nifs; i++)
		if (r->ifs[i].dhcp)
			dhcp_server_flush(r->ifs[i].dhcp, wall, false);
	router_flush(r);
}

/**
 * router_stop() - write every DHCP lease file now (before a shutdown)
 * @r: the router
 */
void router_stop(struct router *r)
{
	uint64_t wall = (uint64_t)time(NULL);
	unsigned int i;

	for (i = 0; i < r->nifs; i++)
		if (r->ifs[i].dhcp)
			dhcp_server_flush(r->ifs[i].dhcp, wall, true);
}

/**
 * router_name() - the name given at creation
 * @r: the router
 *
 * Return: the name, owned by the router.
 */
const char *router_name(const struct router *r)
{
	return r->name;
}

/**
 * router_nifs() - number of interfaces
 * @r: the router
 *
 * Return: interfaces 0..n-1 exist.
 */
unsigned int router_nifs(const struct router *r)
{
	return r->nifs;
}

/**
 * router_if() - an interface's configuration as the router keeps it
 * @r: the router
 * @ifidx: interface number
 *
 * Return: the copy (mtu filled in; dhcp and lease_file point at the
 * router's own copies or are NULL), or NULL if there is no such interface.
 */
const struct router_if_cfg *router_if(const struct router *r,
				      unsigned int ifidx)
{
	return ifidx < r->nifs ? &r->ifs[ifidx].cfg : NULL;
}

/**
 * router_routes() - the route table, for route_table_dump()
 * @r: the router
 *
 * Return: the table, owned by the router.
 */
const struct route_table *router_routes(const struct router *r)
{
	return &r->routes;
}

/**
 * router_arp() - the ARP cache, for arp_cache_next() and its counters
 * @r: the router
 *
 * Return: the cache, owned by the router.
 */
const struct arp_cache *router_arp(const struct router *r)
{
	return &r->arp;
}

/**
 * router_ct() - the conntrack table (ct_next(), counters, ct_flush())
 * @r: the router
 *
 * Return: the table, owned by the router; change it only between batches.
 */
struct ct_table *router_ct(struct router *r)
{
	return &r->ct;
}

/**
 * router_dhcp() - the DHCP server of an interface
 * @r: the router
 * @ifidx: interface number
 *
 * Return: the server (dhcp_lease_foreach(), dhcp_server_stats()), or NULL
 * if the interface has none or does not exist.
 */
struct dhcp_server *router_dhcp(const struct router *r, unsigned int ifidx)
{
	return ifidx < r->nifs ? r->ifs[ifidx].dhcp : NULL;
}

/**
 * router_counters() - the router's counters, by enum router_counter
 * @r: the router
 *
 * Return: ROUTER_C_MAX counters, owned by the router, updated in place.
 */
const uint64_t *router_counters(const struct router *r)
{
	return r->counters;
}

/**
 * router_nat() - the NAT state (counters, port-forward rules)
 * @r: the router
 *
 * Return: the NAT, owned by the router.
 */
struct nat *router_nat(struct router *r)
{
	return &r->nat;
}

/**
 * router_icmp() - the ICMP state (counters; icmp_set_rate() to change the
 * error rate limit)
 * @r: the router
 *
 * Return: the ICMP state, owned by the router.
 */
struct icmp_ctx *router_icmp(struct router *r)
{
	return &r->icmp;
}
