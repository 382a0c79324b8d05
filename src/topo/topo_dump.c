// SPDX-License-Identifier: MIT
/*
 * topo_dump.c - the normalised text form of a struct topo.
 *
 * One line per element, in file order, with every default filled in and
 * every derived name (host veth, VM TAP, router port) spelled out, so that
 * two files meaning the same topology dump the same text. Golden tests diff this
 * output against tests/golden/topo/ *.ok; line numbers are left out so that
 * moving an element within a file does not change its dump. Trunk VLAN
 * lists are printed as sorted, merged ranges ("10,20-29"). A router is
 * one "router NAME" line followed by one line per interface, DHCP
 * reservation, route and forward, each starting "router NAME". A group is
 * one line with its members in file order. A firewall is one line with
 * every option and its ports, then one "firewall NAME rule N" line per
 * rule in src/fw's canonical form (so spacing and keyword case do not
 * matter), whether the rule came from `rules:` or a `rules-file:`.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "fw/fw_policy.h"
#include "topo/topo.h"

static const char *const mirror_dirs[] = {
	[TOPO_MIRROR_IN] = "in",
	[TOPO_MIRROR_OUT] = "out",
	[TOPO_MIRROR_BOTH] = "both",
};

/* VLAN list @v (ascending) as "1,5-9". */
static void dump_vlans(const uint16_t *v, uint16_t n, FILE *f)
{
	int i, j;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j] == v[j - 1] + 1; j++)
			;
		fprintf(f, "%s%u", i ? "," : "", v[i]);
		if (j - i > 1)
			fprintf(f, "-%u", v[j - 1]);
	}
}

static void dump_trunk(const struct topo_link *l, FILE *f)
{
	if (!l->ntrunk) {
		fputs(" untagged vlan 1", f);
		return;
	}
	fputs(" trunk ", f);
	dump_vlans(l->trunk, l->ntrunk, f);
}

/* A switch's uplink: " uplink IF native 1[ tagged LIST]". */
static void dump_sw_uplink(const struct topo_switch *sw, FILE *f)
{
	if (!sw->uplink[0])
		return;
	fprintf(f, " uplink %s native 1", sw->uplink);
	if (!sw->nuplink_vlans)
		return;
	fputs(" tagged ", f);
	dump_vlans(sw->uplink_vlans, sw->nuplink_vlans, f);
}

/* A TAP VM, or a socket VM (`socket PATH socket-type stream|dgram`). */
static void dump_vm(const struct topo *t, const struct topo_vm *vm, FILE *f)
{
	fprintf(f, "vm %s switch %s vlan %u", vm->name,
		t->switches[vm->sw].name, vm->vlan ? vm->vlan : 1);
	if (vm->socket[0])
		fprintf(f, " socket %s socket-type %s mac-limit %u\n",
			vm->socket,
			vm->socket_type == TOPO_SOCKET_DGRAM ? "dgram"
							     : "stream",
			vm->mac_limit);
	else
		fprintf(f, " tap %s mac-limit %u attach %s\n", vm->tap,
			vm->mac_limit,
			vm->attach == TOPO_TAP_FD ? "fd" : "qemu");
}

static void dump_host(const struct topo *t, const struct topo_host *h, FILE *f)
{
	char ip[INET_ADDRSTRLEN], ifname[TOPO_IFNAME_MAX];

	fprintf(f, "host %s switch %s vlan %u", h->name,
		t->switches[h->sw].name, h->vlan ? h->vlan : 1);
	if (h->has_ip && inet_ntop(AF_INET, &h->ip.addr, ip, sizeof(ip)))
		fprintf(f, " ip %s/%u", ip, h->ip.prefix);
	else if (h->dhcp)
		fputs(" ip dhcp", f);
	else
		fputs(" ip -", f);
	if (h->has_gw && inet_ntop(AF_INET, &h->gw, ip, sizeof(ip)))
		fprintf(f, " gw %s", ip);
	else
		fputs(" gw -", f);
	if (h->has_mac)
		fprintf(f, " mac %02x:%02x:%02x:%02x:%02x:%02x", h->mac[0],
			h->mac[1], h->mac[2], h->mac[3], h->mac[4], h->mac[5]);
	else
		fputs(" mac -", f);
	if (topo_host_ifname(t, h, ifname))
		ifname[0] = '\0';
	fprintf(f, " mac-limit %u veth %s\n", h->mac_limit, ifname);
}

static const char *dump_ip(struct in_addr a, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN) ? buf : "?";
}

static void dump_mac(bool has, const uint8_t *mac, FILE *f)
{
	if (has)
		fprintf(f, " mac %02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
			mac[2], mac[3], mac[4], mac[5]);
	else
		fputs(" mac -", f);
}

static void dump_dhcp(const struct topo_router *r, int i, FILE *f)
{
	const struct topo_dhcp *d = &r->ifs[i].dhcp;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int j;

	fprintf(f, "router %s if %d dhcp %s-%s lease %u dns", r->name, i + 1,
		dump_ip(d->start, a), dump_ip(d->end, b), d->lease_s);
	for (j = 0; j < d->ndns; j++)
		fprintf(f, "%s%s", j ? "," : " ", dump_ip(d->dns[j], a));
	fputs(d->ndns ? "\n" : " -\n", f);
	for (j = 0; j < d->nres; j++) {
		fprintf(f, "router %s if %d dhcp reservation", r->name, i + 1);
		dump_mac(true, d->reservations[j].mac, f);
		fprintf(f, " ip %s\n", dump_ip(d->reservations[j].ip, a));
	}
}

static void dump_rif(const struct topo *t, const struct topo_router *r, int i,
		     FILE *f)
{
	const struct topo_router_if *rif = &r->ifs[i];
	char ip[INET_ADDRSTRLEN], rport[TOPO_PORT_NAME_MAX];
	char sport[TOPO_PORT_NAME_MAX];

	fprintf(f, "router %s if %d", r->name, i + 1);
	if (rif->is_uplink)
		fprintf(f, " uplink %s vlan %s", rif->uplink,
			rif->vlan ? "" : "-");
	else
		fprintf(f, " switch %s vlan ", t->switches[rif->sw].name);
	if (rif->vlan || !rif->is_uplink)
		fprintf(f, "%u", rif->vlan ? rif->vlan : 1);
	fprintf(f, " ip %s/%u", dump_ip(rif->ip.addr, ip), rif->ip.prefix);
	dump_mac(rif->has_mac, rif->mac, f);
	if (topo_router_port_names(t, r, rif, rport, sport))
		rport[0] = '\0';
	fprintf(f, " mtu %u nat %s port %s\n", rif->mtu,
		rif->masquerade ? "masquerade" : "-", rport);
	if (rif->has_dhcp)
		dump_dhcp(r, i, f);
}

static void dump_fwd(const struct topo *t, const struct topo_router *r,
		     const struct topo_forward *fw, FILE *f)
{
	const struct topo_router_if *on = &r->ifs[fw->on_if];
	char ip[INET_ADDRSTRLEN];

	fprintf(f, "router %s forward %s %u", r->name,
		fw->proto == IPPROTO_UDP ? "udp" : "tcp", fw->port);
	if (fw->port_end != fw->port)
		fprintf(f, "-%u", fw->port_end);
	fprintf(f, " on %s to %s:%u",
		on->is_uplink ? on->uplink : t->switches[on->sw].name,
		dump_ip(fw->to, ip), fw->to_port);
	if (fw->port_end != fw->port)
		fprintf(f, "-%u", fw->to_port + (fw->port_end - fw->port));
	fputc('\n', f);
}

static void dump_router(const struct topo *t, const struct topo_router *r,
			FILE *f)
{
	const struct topo_route *rt;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	int i;

	fprintf(f, "router %s conntrack-max %u\n", r->name, r->ct_max);
	for (i = 0; i < TOPO_CT_TIMEOUTS; i++)
		if (r->ct_timeouts[i])
			fprintf(f, "router %s conntrack-timeout %s %u\n",
				r->name, topo_ct_timeout_keys[i],
				r->ct_timeouts[i]);
	for (i = 0; i < r->nifs; i++)
		dump_rif(t, r, i, f);
	for (i = 0; i < r->nroutes; i++) {
		rt = &r->routes[i];
		fprintf(f, "router %s route %s/%u via %s\n", r->name,
			dump_ip(rt->to.addr, a), rt->to.prefix,
			dump_ip(rt->via, b));
	}
	for (i = 0; i < r->nfwd; i++)
		dump_fwd(t, r, &r->fwd[i], f);
}

static void dump_group(const struct topo *t, const struct topo_group *g,
		       FILE *f)
{
	const struct topo_group_member *m;
	char ip[INET_ADDRSTRLEN];
	int i;

	fprintf(f, "group %s", g->name);
	for (i = 0; i < g->nmembers; i++) {
		m = &g->members[i];
		fputs(i ? "," : " ", f);
		if (m->kind == TOPO_GROUP_HOST)
			fputs(t->hosts[m->host].name, f);
		else
			fprintf(f, "%s/%u", dump_ip(m->net.addr, ip),
				m->net.prefix);
	}
	fputs(g->nmembers ? "\n" : " -\n", f);
}

static const char *const fw_actions[] = {
	[TOPO_FW_ALLOW] = "allow",
	[TOPO_FW_DROP] = "drop",
	[TOPO_FW_REJECT] = "reject",
};
static const char *const fw_logs[] = {
	[TOPO_FW_LOG_NONE] = "none",
	[TOPO_FW_LOG_DENIED] = "denied",
	[TOPO_FW_LOG_ALL] = "all",
};

/* "inline A B" or "one-arm switch S" / "one-arm host H (switch S)" */
static void dump_fw_place(const struct topo *t, const struct topo_firewall *fw,
			  FILE *f)
{
	const char *sw = t->switches[fw->legs[0]].name;

	if (fw->mode == TOPO_FW_INLINE)
		fprintf(f, " inline %s %s", sw, t->switches[fw->legs[1]].name);
	else if (fw->arm_kind == TOPO_FW_ARM_HOST)
		fprintf(f, " one-arm host %s switch %s", t->hosts[fw->arm].name,
			sw);
	else if (fw->arm_kind == TOPO_FW_ARM_VM)
		fprintf(f, " one-arm vm %s switch %s", t->vms[fw->arm].name,
			sw);
	else
		fprintf(f, " one-arm switch %s", sw);
}

/* The rules in canonical form; as written if they do not parse. */
static void dump_fw_rules(const struct topo *t, const struct topo_firewall *fw,
			  FILE *f)
{
	struct fw_policy pol;
	char err[8];
	uint32_t i;
	bool ok = !topo_fw_policy(t, fw, &pol, err, sizeof(err));

	for (i = 0; i < fw->nrules; i++)
		fprintf(f, "firewall %s rule %u %s\n", fw->name, i + 1,
			ok ? pol.rules[i].text
			   : topo_fw_rule_text(
				     t, &t->fw_rules[fw->first_rule + i]));
	if (ok)
		fw_policy_free(&pol);
}

static void dump_firewall(const struct topo *t, const struct topo_firewall *fw,
			  FILE *f)
{
	char fport[TOPO_PORT_NAME_MAX], sport[TOPO_PORT_NAME_MAX];
	unsigned int i;

	fprintf(f, "firewall %s", fw->name);
	dump_fw_place(t, fw, f);
	fprintf(f, " default %s log %s non-ip %s rules %u rules-file %s ips %s",
		fw_actions[fw->default_action], fw_logs[fw->log],
		fw->non_ip == TOPO_FW_NON_IP_DROP ? "drop" : "pass", fw->nrules,
		fw->has_rules_file ? fw->rules_file : "-",
		fw->has_ips ? fw->ips : "-");
	fputs(" ports", f);
	for (i = 0; i < (fw->mode == TOPO_FW_INLINE ? 2u : 1u); i++) {
		if (topo_firewall_port_names(t, fw, i, fport, sport))
			fport[0] = sport[0] = '\0';
		fprintf(f, " %s/%s", fport, sport);
	}
	fputc('\n', f);
	dump_fw_rules(t, fw, f);
}

/* `ips-vars:` in order: "ips-var SCOPE address|port NAME VALUE" */
static void dump_ips_var(const struct topo *t, const struct topo_ips_var *v,
			 FILE *f)
{
	fprintf(f, "ips-var %s %s %s %s\n",
		v->fw == TOPO_IPS_ALL	 ? "*"
		: v->fw < t->nfirewalls ? t->firewalls[v->fw].name
					 : "?",
		v->port ? "port" : "address", v->name, v->value);
}

static void dump_tunnel(const struct topo *t, const struct topo_tunnel *tu,
			FILE *f)
{
	char ip[INET_ADDRSTRLEN], port[TOPO_PORT_NAME_MAX];
	int i;

	if (topo_tunnel_port_name(t, tu, port))
		port[0] = '\0';
	fprintf(f, "tunnel %s switch %s vlan %u vxlan vni %u local %s port %u"
		" netns %s remote ", port, t->switches[tu->sw].name,
		tu->vlan ? tu->vlan : 1, tu->vni, dump_ip(tu->local, ip),
		tu->port, *tu->netns ? tu->netns : "-");
	for (i = 0; i < tu->nremotes; i++)
		fprintf(f, "%s%s", i ? "," : "", dump_ip(tu->remotes[i], ip));
	fputc('\n', f);
}

/**
 * topo_dump() - write the normalised text form of a topology
 * @t:	a topology that passed topo_validate()
 * @f:	output stream
 *
 * Output is deterministic: same model, same bytes. Write errors are left in
 * ferror(@f) for the caller.
 */
void topo_dump(const struct topo *t, FILE *f)
{
	const struct topo_switch *sw;
	const struct topo_link *l;
	const struct topo_mirror *m;
	int i;

	fprintf(f, "topo %s\n", t->name);
	for (i = 0; i < t->nswitches; i++) {
		sw = &t->switches[i];
		fprintf(f, "switch %s mac-aging %u mac-limit %u mac-table %u",
			sw->name, sw->aging_s, sw->mac_limit, sw->mac_table);
		if (!sw->offload)
			fputs(" offload false", f);
		dump_sw_uplink(sw, f);
		fputc('\n', f);
	}
	for (i = 0; i < t->nlinks; i++) {
		l = &t->links[i];
		fprintf(f, "link %s %s", t->switches[l->sw[0]].name,
			t->switches[l->sw[1]].name);
		dump_trunk(l, f);
		fputc('\n', f);
	}
	for (i = 0; i < t->nhosts; i++)
		dump_host(t, &t->hosts[i], f);
	for (i = 0; i < t->nvms; i++)
		dump_vm(t, &t->vms[i], f);
	for (i = 0; i < t->nrouters; i++)
		dump_router(t, &t->routers[i], f);
	for (i = 0; i < t->ngroups; i++)
		dump_group(t, &t->groups[i], f);
	for (i = 0; i < t->nfirewalls; i++)
		dump_firewall(t, &t->firewalls[i], f);
	for (i = 0; i < t->nmirrors; i++) {
		m = &t->mirrors[i];
		fprintf(f, "mirror %s to %s direction %s\n", m->port, m->to,
			m->dir >= TOPO_MIRROR_IN && m->dir <= TOPO_MIRROR_BOTH
				? mirror_dirs[m->dir]
				: "?");
	}
	for (i = 0; i < t->ntunnels; i++)
		dump_tunnel(t, &t->tunnels[i], f);
	for (i = 0; i < t->nips_vars && i < TOPO_IPS_VARS_MAX; i++)
		dump_ips_var(t, &t->ips_vars[i], f);
}
