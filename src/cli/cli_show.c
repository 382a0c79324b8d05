// SPDX-License-Identifier: MIT
/*
 * cli_show.c - `dcbox status` and `dcbox show ...`: ask the daemon, print
 * its JSON as is (--json) or as aligned tables for people.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *s(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static long long n(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static void vlans_str(json_t *a, char *buf, size_t size)
{
	size_t i, off = 0;
	json_t *v;

	buf[0] = 0;
	if (json_is_string(a)) {
		snprintf(buf, size, "%s", json_string_value(a));
		return;
	}
	json_array_foreach(a, i, v) {
		int w = snprintf(buf + off, size - off, "%s%lld", i ? "," : "",
				 (long long)json_integer_value(v));

		if (w < 0 || (size_t)w >= size - off)
			break;
		off += (size_t)w;
	}
}

static void print_ports(json_t *r)
{
	json_t *p;
	size_t i;
	char vl[64];

	printf("%-12s %-8s %-8s %-15s %-7s %-10s %10s %10s %7s %5s\n", "PORT",
	       "SWITCH", "KIND", "IFACE", "MODE", "VLANS", "RX-PKTS",
	       "TX-PKTS", "DROPS", "MACS");
	json_array_foreach(json_object_get(r, "ports"), i, p) {
		vlans_str(json_object_get(p, "vlans"), vl, sizeof(vl));
		printf("%-12s %-8s %-8s %-15s %-7s %-10s %10lld %10lld %7lld "
		       "%5lld\n", s(p, "name"), s(p, "switch"), s(p, "kind"),
		       *s(p, "ifname") ? s(p, "ifname") : "-", s(p, "mode"), vl,
		       n(p, "rx_packets"), n(p, "tx_packets"),
		       n(p, "rx_dropped") + n(p, "tx_dropped"), n(p, "macs"));
	}
}

static void print_mac(json_t *r)
{
	json_t *e;
	size_t i;

	printf("%-8s %-5s %-17s %-12s %s\n", "SWITCH", "VLAN", "MAC", "PORT",
	       "AGE");
	json_array_foreach(json_object_get(r, "mac"), i, e)
		printf("%-8s %-5lld %-17s %-12s %llds\n", s(e, "switch"),
		       n(e, "vlan"), s(e, "mac"), s(e, "port"), n(e, "age"));
}

static void print_switches(json_t *r)
{
	json_t *sw, *cnt, *v;
	const char *k;
	size_t i;

	json_array_foreach(json_object_get(r, "switches"), i, sw) {
		printf("%s: mac-aging %llds, mac-limit %lld, mac-table %lld\n",
		       s(sw, "name"), n(sw, "mac_aging"), n(sw, "mac_limit"),
		       n(sw, "mac_table"));
		cnt = json_object_get(sw, "counters");
		json_object_foreach(cnt, k, v)
			if (json_integer_value(v))
				printf("  %-18s %lld\n", k,
				       (long long)json_integer_value(v));
	}
}

static void print_topology(json_t *r)
{
	json_t *sw, *p, *l;
	size_t i, j;
	char vl[64];

	printf("topology %s\n", s(r, "name"));
	json_array_foreach(json_object_get(r, "switches"), i, sw) {
		printf("  switch %s\n", s(sw, "name"));
		json_array_foreach(json_object_get(sw, "ports"), j, p) {
			vlans_str(json_object_get(p, "vlans"), vl, sizeof(vl));
			printf("    %-12s %-5s %-6s vlan %-10s -> %s\n",
			       s(p, "name"), s(p, "kind"), s(p, "mode"), vl,
			       s(p, "peer"));
		}
	}
	json_array_foreach(json_object_get(r, "links"), i, l) {
		vlans_str(json_object_get(l, "trunk"), vl, sizeof(vl));
		printf("  link %s <-> %s %s%s\n",
		       json_string_value(json_array_get(json_object_get(l, "between"), 0)),
		       json_string_value(json_array_get(json_object_get(l, "between"), 1)),
		       *vl ? "trunk " : "access", vl);
	}
	json_array_foreach(json_object_get(r, "routers"), i, sw) {
		printf("  router %s\n", s(sw, "name"));
		json_array_foreach(json_object_get(sw, "interfaces"), j, p)
			printf("    %-12s %-18s%s%s\n", *s(p, "switch") ?
			       s(p, "switch") : s(p, "uplink"), s(p, "ip"),
			       json_is_true(json_object_get(p, "dhcp")) ?
			       " dhcp" : "",
			       json_is_true(json_object_get(p, "masquerade")) ?
			       " masquerade" : "");
	}
}

/**
 * cli_show() - `dcbox show ports|mac|switches|topology [SWITCH]`
 * @c: options
 *
 * Return: exit status.
 */
int cli_show(struct cli *c)
{
	const char *what = c->argc > 1 ? c->argv[1] : NULL;
	json_t *req, *r;

	if (!what)
		return cli_err("usage: dcbox show ports|mac|switches|topology "
			       "[SWITCH] | routes|arp|conntrack|nat|leases "
			       "[ROUTER] [--json]");
	req = json_pack("{s:s,s:s}", "cmd", "show", "what", what);
	if (c->argc > 3 && !strcmp(c->argv[2], "--firewall"))
		json_object_set_new(req, "firewall", json_string(c->argv[3]));
	else if (c->argc > 2)
		json_object_set_new(req, "arg", json_string(c->argv[2]));
	if (!strcmp(what, "ips") && !c->json) /* people: the top rules */
		json_object_set_new(req, "top", json_integer(CLI_IPS_TOP));
	r = cli_request_name(c, req);
	if (!r)
		return 1;
	if (c->json)
		return cli_print_json(r);
	if (!strcmp(what, "ports"))
		print_ports(r);
	else if (!strcmp(what, "mac"))
		print_mac(r);
	else if (!strcmp(what, "switches"))
		print_switches(r);
	else if (!strcmp(what, "firewall"))
		cli_fw_print(r);
	else if (!strcmp(what, "ips"))
		cli_ips_print(r);
	else if (!cli_router_print(what, r))
		print_topology(r);
	json_decref(r);
	return 0;
}

static void print_status(json_t *r)
{
	printf("%-10s pid %-7lld up %llds  %lld switches, %lld routers, "
	       "%lld hosts, %lld VMs, %lld ports  (%s)\n", s(r, "name"),
	       n(r, "pid"), n(r, "uptime_s"), n(r, "switches"),
	       n(r, "routers"), n(r, "hosts"), n(r, "vms"), n(r, "ports"),
	       s(r, "file"));
}

/**
 * cli_status() - `dcbox status`: one topology with -t, else all running
 * @c: options
 *
 * Return: exit status (1 with -t NAME not up).
 */
int cli_status(struct cli *c)
{
	char names[16][64];
	json_t *all = json_array(), *r;
	int i, cnt;

	if (c->topo) {
		snprintf(names[0], sizeof(names[0]), "%s", c->topo);
		cnt = 1;
	} else {
		cnt = cli_list_topos(names, 16);
	}
	for (i = 0; i < cnt; i++) {
		r = cli_request(names[i], json_pack("{s:s}", "cmd", "status"),
				NULL);
		/* Listing all: a daemon that went down meanwhile is skipped. */
		if (!r && !c->topo)
			continue;
		if (!r) {
			json_decref(all);
			return 1;
		}
		json_object_del(r, "ok");
		if (!c->json)
			print_status(r);
		json_array_append_new(all, r);
	}
	if (c->json)
		return cli_print_json(json_pack("{s:o}", "topologies", all));
	if (!cnt)
		printf("no topology is up\n");
	json_decref(all);
	return 0;
}
