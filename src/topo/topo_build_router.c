// SPDX-License-Identifier: MIT
/*
 * topo_build_router.c - bring the topology's routers to life: a router
 * node per router, and per interface a leg into the dataplane.
 *
 * An interface on a switch is an in-process link: "gw.web" is the router's
 * end (bound to router_input()), "web.gw" the switch's end (an access port
 * of the interface's VLAN). An uplink interface is an AF_PACKET port on an
 * existing host interface, named "gw.IFNAME". Router MACs that the file
 * does not set are locally administered and derived from the topology,
 * router and interface names, so they stay the same across restarts (DHCP
 * clients and neighbours keep working after `down` + `up`). Leases persist
 * in DCBOX_STATE_DIR/NAME/ROUTER.IFNAME.leases.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../core/loop.h"
#include "../ct/ct.h"
#include "../l3/dhcp.h"
#include "../port/afpacket.h"
#include "../port/link.h"
#include "topo_rt.h"

#define DCBOX_STATE_DIR "/var/lib/dcbox"

static void derive_mac(const struct topo *t, const struct topo_router *r,
		       unsigned int i, uint8_t mac[6])
{
	uint32_t h = 2166136261u;
	const char *s;

	for (s = t->name; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	for (s = r->name; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	h = (h ^ i) * 16777619u;
	mac[0] = 0x02;  /* locally administered, unicast */
	mac[1] = 0xdc;
	mac[2] = (uint8_t)(h >> 24);
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)(i);
}

static void dhcp_cfg(const struct topo_router *r,
		     const struct topo_router_if *rif, const char *ifname,
		     struct dhcp_config *c)
{
	unsigned int k;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s:%s", r->name, ifname);
	c->server_ip = rif->ip.addr;
	c->prefix_len = rif->ip.prefix;
	c->range_start = rif->dhcp.start;
	c->range_end = rif->dhcp.end;
	for (k = 0; k < rif->dhcp.ndns && k < DHCP_DNS_MAX; k++)
		c->dns[k] = rif->dhcp.dns[k];
	c->dns_len = k;
	c->lease_s = rif->dhcp.lease_s;
	for (k = 0; k < rif->dhcp.nres && k < DHCP_RESERVATIONS_MAX; k++) {
		memcpy(c->reservations[k].mac, rif->dhcp.reservations[k].mac,
		       6);
		c->reservations[k].ip = rif->dhcp.reservations[k].ip;
	}
	c->reservations_len = k;
}

static int lease_path(const struct topo *t, const struct topo_router *r,
		      const char *ifname, char *buf, size_t size)
{
	if ((mkdir(DCBOX_STATE_DIR, 0700) && errno != EEXIST))
		return -errno;
	snprintf(buf, size, "%s/%s", DCBOX_STATE_DIR, t->name);
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	if (snprintf(buf, size, "%s/%s/%s.%s.leases", DCBOX_STATE_DIR,
		     t->name, r->name, ifname) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

/* The dataplane leg of interface @i: a link to its switch or an uplink. */
static struct dp_port *if_leg(struct topo_rt *rt, const struct topo_router *r,
			      const struct topo_router_if *rif, char *err,
			      size_t errsize)
{
	const struct topo *t = rt->topo;
	char rport[TOPO_PORT_NAME_MAX], sport[TOPO_PORT_NAME_MAX];
	struct dp_port *rp, *sp;
	struct sw_port_cfg cfg;
	int ret;

	ret = topo_router_port_names(t, r, rif, rport, sport);
	rp = ret ? NULL : dp_port_new(&rt->dp, rport);
	if (!rp)
		goto fail;
	if (rif->is_uplink) {
		ret = afpacket_port_open(&rp->port, rif->uplink, -1, NULL);
		snprintf(rp->port.name, sizeof(rp->port.name), "%s", rport);
		if (ret)
			goto fail;
		topo_port_info_set(rt, rp, TOPO_PORT_NO_SWITCH, NULL, "uplink",
				   rif->uplink, r->name);
		return rp;
	}
	sp = dp_port_new(&rt->dp, sport);
	ret = sp ? link_pair_create(&rp->port, rport, &sp->port, sport,
				    &rt->dp.pool, 0) : -ENOMEM;
	topo_access_cfg(&cfg, rif->vlan, 0);
	if (!ret)
		ret = topo_attach(rt, sp, rif->sw, &cfg, "router", "", r->name);
	if (ret)
		goto fail;
	topo_port_info_set(rt, rp, TOPO_PORT_NO_SWITCH, NULL, "router", "",
			   t->switches[rif->sw].name);
	return rp;
fail:
	snprintf(err, errsize, "router '%s' interface (line %d): %s", r->name,
		 rif->line, strerror(ret ? -ret : ENOMEM));
	return NULL;
}

static int build_if(struct topo_rt *rt, unsigned int ri, unsigned int i,
		    char *err, size_t errsize)
{
	const struct topo *t = rt->topo;
	const struct topo_router *r = &t->routers[ri];
	const struct topo_router_if *rif = &r->ifs[i];
	const char *ifname = rif->is_uplink ? rif->uplink
					    : t->switches[rif->sw].name;
	static struct dhcp_config dc;
	struct router_if_cfg cfg = { 0 };
	char leases[256];
	struct dp_port *rp = if_leg(rt, r, rif, err, errsize);
	int ret;

	if (!rp)
		return -EINVAL;
	snprintf(cfg.name, sizeof(cfg.name), "%s", ifname);
	cfg.port_id = rp->port.id;
	if (rif->has_mac)
		memcpy(cfg.mac, rif->mac, 6);
	else
		derive_mac(t, r, i, cfg.mac);
	cfg.addr = rif->ip.addr;
	cfg.prefix = rif->ip.prefix;
	cfg.mtu = rif->mtu;
	cfg.vlan = rif->is_uplink ? rif->vlan : 0;
	cfg.masquerade = rif->masquerade;
	if (rif->has_dhcp) {
		dhcp_cfg(r, rif, ifname, &dc);
		ret = lease_path(t, r, ifname, leases, sizeof(leases));
		if (ret) {
			snprintf(err, errsize, "router '%s': lease file for "
				 "%s: %s", r->name, ifname, strerror(-ret));
			return ret;
		}
		cfg.dhcp = &dc;
		cfg.lease_file = leases;
	}
	ret = router_if_add(rt->routers[ri], &cfg, err, errsize);
	if (ret < 0)
		return ret;
	/* router_if_add() numbers interfaces in order: ret == i */
	dp_port_bind(&rt->dp, rp, router_input, rt->routers[ri],
		     (uint16_t)ret);
	return 0;
}

/* `conntrack-timeouts:` over conntrack's defaults; key i < 8 is TCP state
 * i + 1 (SYN_SENT..CLOSE; SYN_SENT2 follows SYN_SENT), then UDP, ICMP. */
static void ct_timeouts(const struct topo_router *r, struct ct_table *ct)
{
	const uint32_t *o = r->ct_timeouts;
	struct ct_config c;
	unsigned int i;

	ct_config_default(&c);
	for (i = 0; i < 8; i++)
		if (o[i])
			c.tcp_timeout[i + 1] = o[i];
	if (o[0])
		c.tcp_timeout[CT_TCP_SYN_SENT2] = o[0];
	if (o[8])
		c.udp_timeout = o[8];
	if (o[9])
		c.udp_timeout_assured = o[9];
	if (o[10])
		c.icmp_timeout = o[10];
	ct_set_timeouts(ct, &c);
}

static int build_router(struct topo_rt *rt, unsigned int ri, char *err,
			size_t errsize)
{
	const struct topo_router *r = &rt->topo->routers[ri];
	unsigned int i;
	int ret = 0;

	rt->routers[ri] = router_create(r->name, &rt->dp.pool, r->ct_max,
					dp_tx, &rt->dp, err, errsize);
	if (!rt->routers[ri])
		return -EINVAL;
	ct_timeouts(r, router_ct(rt->routers[ri]));
	for (i = 0; !ret && i < r->nifs; i++)
		ret = build_if(rt, ri, i, err, errsize);
	for (i = 0; !ret && i < r->nroutes; i++) {
		ret = router_route_add(rt->routers[ri], r->routes[i].to.addr,
				       r->routes[i].to.prefix, r->routes[i].via);
		if (ret)
			snprintf(err, errsize, "router '%s' route (line %d): "
				 "%s", r->name, r->routes[i].line,
				 strerror(-ret));
	}
	for (i = 0; !ret && i < r->nfwd; i++) {
		const struct topo_forward *f = &r->fwd[i];
		struct router_fwd_cfg fc = {
			.proto = f->proto, .port = f->port,
			.port_end = f->port_end, .to = f->to,
			.to_port = f->to_port, .on_if = (uint8_t)f->on_if,
		};

		ret = router_fwd_add(rt->routers[ri], &fc);
		if (ret)
			snprintf(err, errsize, "router '%s' forward (line %d):"
				 " %s", r->name, f->line, strerror(-ret));
	}
	return ret;
}

/**
 * topo_build_routers() - create every router of the topology and start it
 * (gratuitous ARP on each interface)
 * @rt: runtime with switches and hosts built
 * @err: out: what failed
 * @errsize: size of @err
 *
 * Return: 0 or -errno; the caller tears down on failure.
 */
int topo_build_routers(struct topo_rt *rt, char *err, size_t errsize)
{
	unsigned int i;
	int ret;

	for (i = 0; i < rt->topo->nrouters; i++) {
		ret = build_router(rt, i, err, errsize);
		if (ret)
			return ret;
	}
	for (i = 0; i < rt->topo->nrouters; i++)
		router_start(rt->routers[i], loop_now_ns());
	return 0;
}
