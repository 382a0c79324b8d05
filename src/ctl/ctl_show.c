// SPDX-License-Identifier: MIT
/*
 * ctl_show.c - the daemon's read-only views as JSON: status, ports, MAC
 * tables, switches and topology. The CLI prints these as tables, or as
 * they are with --json, so scripts see exactly what the daemon said.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_show.h"
#include "../node/offload.h"

/* A port's VLANs: a list, or "all" for a trunk that carries every one. */
static json_t *vlan_list(const struct sw_port_cfg *cfg)
{
	json_t *a = json_array();
	unsigned int v, n = 0;

	if (cfg->mode == SW_PORT_ACCESS) {
		json_array_append_new(a, json_integer(cfg->vlan ? cfg->vlan : 1));
		return a;
	}
	for (v = 1; v < 4095; v++) {
		if (!(cfg->allowed[v / 64] & (1ull << (v % 64))))
			continue;
		json_array_append_new(a, json_integer(v));
		n++;
	}
	if (n < 4094)
		return a;
	json_decref(a);
	return json_string("all");
}

/*
 * The kernel fast path's share of a port (offload.h): its frames are also
 * in rx/tx_packets, added at each 1 s tick.
 */
static json_t *offload_json(json_t *port, const struct dp_port *dpp)
{
	struct offload_port_stats os;

	offload_port_stats(dpp->offload, dpp->port.id, &os);
	if (port)
		json_object_update_new(port, json_pack(
			"{s:b,s:i,s:I,s:I}", "offload", dpp->offload != NULL,
			"offload_flows", (int)os.flows,
			"offload_rx_packets", (json_int_t)os.rx_packets,
			"offload_tx_packets", (json_int_t)os.tx_packets));
	return port;
}

static json_t *port_json(const struct topo_rt *rt, const struct dp_port *dpp)
{
	const struct topo_port_info *in = &rt->info[dpp->port.id];
	const struct port_stats *st = &dpp->port.stats;
	const char *sw = in->sw == TOPO_PORT_NO_SWITCH ? "" :
			 rt->topo->switches[in->sw].name;

	return offload_json(json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:I,s:I,s:I,s:I,s:I,"
			 "s:I,s:I,s:i}",
			 "name", dpp->port.name, "switch", sw, "kind", in->kind,
			 "ifname", in->ifname, "peer", in->owner,
			 "mode", in->cfg.mode == SW_PORT_TRUNK ? "trunk" : "access",
			 "vlans", vlan_list(&in->cfg),
			 "rx_packets", (json_int_t)st->rx_packets,
			 "rx_bytes", (json_int_t)st->rx_bytes,
			 "tx_packets", (json_int_t)st->tx_packets,
			 "tx_bytes", (json_int_t)st->tx_bytes,
			 "rx_dropped", (json_int_t)st->rx_dropped,
			 "tx_dropped", (json_int_t)st->tx_dropped,
			 "mirror_dropped", (json_int_t)dpp->mirror_drops,
			 "macs", dpp->sw ? (int)switch_port_macs(dpp->sw,
								 dpp->sw_port) : 0),
		dpp);
}

static int switch_index(const struct topo *t, const char *name)
{
	return name ? topo_switch_find(t, name) : -1;
}

/**
 * ctl_show_ports() - every port (or those of switch @sw) with counters
 * @rt: running topology
 * @sw: switch name or NULL for all
 *
 * Return: {"ports": [...]}, or NULL with @sw unknown.
 */
json_t *ctl_show_ports(const struct topo_rt *rt, const char *sw)
{
	int only = switch_index(rt->topo, sw);
	json_t *a;
	uint16_t i;

	if (sw && only < 0)
		return NULL;
	a = json_array();
	for (i = 0; i < rt->dp.nports; i++) {
		const struct dp_port *dpp = rt->dp.ports[i];

		if (only >= 0 && rt->info[i].sw != only)
			continue;
		json_array_append_new(a, port_json(rt, dpp));
	}
	return json_pack("{s:o}", "ports", a);
}

static const char *port_name_on(const struct topo_rt *rt, int swi,
				uint16_t sw_port)
{
	uint16_t i;

	for (i = 0; i < rt->dp.nports; i++)
		if (rt->info[i].sw == swi && rt->dp.ports[i]->sw_port == sw_port)
			return rt->dp.ports[i]->port.name;
	return "?";
}

static void macs_of(const struct topo_rt *rt, int swi, json_t *a,
		    struct sw_mac_entry *buf, unsigned int max)
{
	int n = switch_mac_dump(rt->sws[swi], buf, max, rt->dp.now_ns);
	char mac[18];
	int i;

	for (i = 0; i < n; i++) {
		const uint8_t *m = buf[i].mac;

		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 m[0], m[1], m[2], m[3], m[4], m[5]);
		json_array_append_new(a, json_pack(
			"{s:s,s:i,s:s,s:s,s:i}",
			"switch", rt->topo->switches[swi].name,
			"vlan", buf[i].vlan, "mac", mac,
			"port", port_name_on(rt, swi, buf[i].sw_port),
			"age", (int)buf[i].age_s));
	}
}

/**
 * ctl_show_mac() - MAC tables of every switch or of switch @sw
 * @rt: running topology
 * @sw: switch name or NULL
 *
 * Return: {"mac": [...]}, or NULL with @sw unknown.
 */
json_t *ctl_show_mac(const struct topo_rt *rt, const char *sw)
{
	int only = switch_index(rt->topo, sw), i;
	unsigned int max = 0;
	struct sw_mac_entry *buf;
	json_t *a;

	if (sw && only < 0)
		return NULL;
	for (i = 0; i < rt->topo->nswitches; i++)
		if (rt->topo->switches[i].mac_table > max)
			max = rt->topo->switches[i].mac_table;
	buf = calloc(max ? max : 1, sizeof(*buf));
	a = json_array();
	for (i = 0; buf && i < rt->topo->nswitches; i++)
		if (only < 0 || only == i)
			macs_of(rt, i, a, buf, max);
	free(buf);
	return json_pack("{s:o}", "mac", a);
}

/**
 * ctl_show_switches() - each switch with its settings and counters
 * @rt: running topology
 *
 * Return: {"switches": [...]}.
 */
json_t *ctl_show_switches(const struct topo_rt *rt)
{
	json_t *a = json_array();
	int i, c;

	for (i = 0; i < rt->topo->nswitches; i++) {
		const struct topo_switch *ts = &rt->topo->switches[i];
		const uint64_t *cnt = switch_counters(rt->sws[i]);
		json_t *counters = json_object();

		for (c = 0; c < SWITCH_C_MAX; c++)
			json_object_set_new(counters, switch_counter_names[c],
					    json_integer((json_int_t)cnt[c]));
		json_array_append_new(a, json_pack(
			"{s:s,s:i,s:i,s:i,s:o}", "name", ts->name,
			"mac_aging", (int)ts->aging_s,
			"mac_limit", (int)ts->mac_limit,
			"mac_table", (int)ts->mac_table, "counters", counters));
	}
	return json_pack("{s:o}", "switches", a);
}

static json_t *routers_json(const struct topo *t)
{
	json_t *a = json_array();
	char ip[INET_ADDRSTRLEN], cidr[24];
	unsigned int i, k;

	for (i = 0; i < t->nrouters; i++) {
		const struct topo_router *r = &t->routers[i];
		json_t *ifs = json_array();

		for (k = 0; k < r->nifs; k++) {
			const struct topo_router_if *f = &r->ifs[k];

			inet_ntop(AF_INET, &f->ip.addr, ip, sizeof(ip));
			snprintf(cidr, sizeof(cidr), "%s/%u", ip, f->ip.prefix);
			json_array_append_new(ifs, json_pack(
				"{s:s,s:s,s:b,s:b}", f->is_uplink ? "uplink" :
				"switch", f->is_uplink ? f->uplink :
				t->switches[f->sw].name, "ip", cidr,
				"masquerade", f->masquerade, "dhcp",
				f->has_dhcp));
		}
		json_array_append_new(a, json_pack("{s:s,s:o}", "name",
						   r->name, "interfaces", ifs));
	}
	return a;
}

/**
 * ctl_show_topology() - switches, their ports and the links between them
 * @rt: running topology
 *
 * Return: {"name":..., "switches": [{"name", "ports": [...]}], "links"}.
 */
json_t *ctl_show_topology(const struct topo_rt *rt)
{
	const struct topo *t = rt->topo;
	json_t *sws = json_array(), *links = json_array();
	int i;

	for (i = 0; i < t->nswitches; i++) {
		json_t *ports = ctl_show_ports(rt, t->switches[i].name);

		json_array_append_new(sws, json_pack("{s:s,s:O}", "name",
			t->switches[i].name, "ports",
			json_object_get(ports, "ports")));
		json_decref(ports);
	}
	for (i = 0; i < t->nlinks; i++) {
		const struct topo_link *l = &t->links[i];
		json_t *vl = json_array();
		int v;

		for (v = 0; v < l->ntrunk; v++)
			json_array_append_new(vl, json_integer(l->trunk[v]));
		json_array_append_new(links, json_pack("{s:[s,s],s:o}",
			"between", t->switches[l->sw[0]].name,
			t->switches[l->sw[1]].name, "trunk", vl));
	}
	return json_pack("{s:s,s:o,s:o,s:o}", "name", t->name, "switches", sws,
			 "links", links, "routers", routers_json(t));
}

/**
 * ctl_show_status() - name, pid, file, uptime and sizes of the topology
 * @rt: running topology
 * @started: when the daemon started
 *
 * Return: the status object.
 */
json_t *ctl_show_status(const struct topo_rt *rt, time_t started)
{
	const struct topo *t = rt->topo;

	return json_pack("{s:s,s:i,s:s,s:I,s:i,s:i,s:i,s:i,s:i,s:i,s:i}",
			 "name", t->name, "pid", (int)getpid(), "file", t->file,
			 "uptime_s", (json_int_t)(time(NULL) - started),
			 "switches", t->nswitches, "routers", t->nrouters,
			 "hosts", t->nhosts,
			 "vms", t->nvms, "ports", rt->dp.nports,
			 "pool_free", (int)rt->dp.pool.nfree,
			 "pool_size", (int)rt->dp.pool.size);
}
