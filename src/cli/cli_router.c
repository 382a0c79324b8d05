// SPDX-License-Identifier: MIT
/*
 * cli_router.c - router tables for people: `dcbox show routes|arp|
 * conntrack|nat|leases [ROUTER]` printed from the daemon's JSON, and
 * `dcbox route add|del ROUTER PREFIX [via GW]`.
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

static void print_routes(json_t *a)
{
	json_t *e;
	size_t i;

	printf("%-8s %-18s %-15s %-10s %s\n", "ROUTER", "TO", "VIA",
	       "INTERFACE", "KIND");
	json_array_foreach(a, i, e)
		printf("%-8s %-18s %-15s %-10s %s\n", s(e, "router"),
		       s(e, "to"), *s(e, "via") ? s(e, "via") : "-",
		       s(e, "interface"), s(e, "kind"));
}

static void print_arp(json_t *a)
{
	json_t *e;
	size_t i;

	printf("%-8s %-15s %-17s %-10s %s\n", "ROUTER", "IP", "MAC",
	       "INTERFACE", "STATE");
	json_array_foreach(a, i, e)
		printf("%-8s %-15s %-17s %-10s %s\n", s(e, "router"),
		       s(e, "ip"), s(e, "mac"), s(e, "interface"),
		       s(e, "state"));
}

static void tuple(json_t *t, char *buf, size_t size)
{
	snprintf(buf, size, "%s:%lld > %s:%lld", s(t, "src"), n(t, "sport"),
		 s(t, "dst"), n(t, "dport"));
}

static void print_conntrack(json_t *a)
{
	char o[64], r[64];
	json_t *e;
	size_t i;

	printf("%-8s %-5s %-12s %-44s %-44s %s\n", "NODE", "PROTO", "STATE",
	       "ORIGINAL", "REPLY", "TTL");
	json_array_foreach(a, i, e) {
		tuple(json_object_get(e, "orig"), o, sizeof(o));
		tuple(json_object_get(e, "reply"), r, sizeof(r));
		printf("%-8s %-5s %-12s %-44s %-44s %llds%s%s\n",
		       *s(e, "router") ? s(e, "router") : s(e, "firewall"),
		       s(e, "proto"),
		       *s(e, "state") ? s(e, "state") : "-", o, r,
		       n(e, "ttl_s"),
		       json_is_true(json_object_get(e, "snat")) ? " snat" : "",
		       json_is_true(json_object_get(e, "dnat")) ? " dnat" : "");
	}
}

static void print_counters(json_t *o, const char *title)
{
	const char *k;
	json_t *v;

	printf("  %s:", title);
	json_object_foreach(o, k, v)
		if (json_integer_value(v))
			printf(" %s=%lld", k, (long long)json_integer_value(v));
	putchar('\n');
}

static void print_nat(json_t *a)
{
	json_t *e;
	size_t i;

	json_array_foreach(a, i, e) {
		printf("%s: %lld of %lld conntrack entries in use\n",
		       s(e, "router"), n(e, "entries"), n(e, "max_entries"));
		print_counters(json_object_get(e, "router_counters"), "router");
		print_counters(json_object_get(e, "conntrack"), "conntrack");
		print_counters(json_object_get(e, "nat"), "nat");
	}
}

static void print_leases(json_t *a)
{
	json_t *e;
	size_t i;

	printf("%-8s %-10s %-15s %-17s %-9s %-9s %s\n", "ROUTER", "INTERFACE",
	       "IP", "MAC", "STATE", "EXPIRES", "HOSTNAME");
	json_array_foreach(a, i, e)
		printf("%-8s %-10s %-15s %-17s %-9s %-8llds %s\n",
		       s(e, "router"), s(e, "interface"), s(e, "ip"),
		       s(e, "mac"), s(e, "state"), n(e, "expires_in_s"),
		       s(e, "hostname"));
}

/**
 * cli_router_print() - print a router view for people
 * @what: routes, arp, conntrack, nat or leases
 * @r: the daemon's reply
 *
 * Return: true if @what is a router view (and was printed).
 */
bool cli_router_print(const char *what, json_t *r)
{
	static const struct {
		const char *what;
		void (*fn)(json_t *a);
	} views[] = {
		{ "routes", print_routes }, { "arp", print_arp },
		{ "conntrack", print_conntrack }, { "nat", print_nat },
		{ "leases", print_leases },
	};
	unsigned int i;

	for (i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		if (!strcmp(what, views[i].what)) {
			views[i].fn(json_object_get(r, what));
			return true;
		}
	}
	return false;
}

/**
 * cli_route() - `dcbox route add ROUTER PREFIX via GW` or
 * `dcbox route del ROUTER PREFIX`
 * @c: options
 *
 * Return: exit status.
 */
int cli_route(struct cli *c)
{
	bool add = c->argc > 1 && !strcmp(c->argv[1], "add");
	bool del = c->argc > 1 && !strcmp(c->argv[1], "del");
	json_t *req, *r;

	if ((!add && !del) || c->argc < 4 ||
	    (add && (c->argc != 6 || strcmp(c->argv[4], "via"))) ||
	    (del && c->argc != 4))
		return cli_err("usage: dcbox route add ROUTER A.B.C.D/LEN via "
			       "A.B.C.D | dcbox route del ROUTER A.B.C.D/LEN");
	req = json_pack("{s:s,s:s,s:s,s:s}", "cmd", "route", "op",
			add ? "add" : "del", "router", c->argv[2], "prefix",
			c->argv[3]);
	if (add)
		json_object_set_new(req, "via", json_string(c->argv[5]));
	r = cli_request_name(c, req);
	if (!r)
		return 1;
	json_decref(r);
	return 0;
}
