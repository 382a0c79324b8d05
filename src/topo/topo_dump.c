// SPDX-License-Identifier: MIT
/*
 * topo_dump.c - the normalised text form of a struct topo.
 *
 * One line per element, in file order, with every default filled in and
 * every derived name (host veth, VM TAP) spelled out, so that two files
 * meaning the same topology dump the same text. Golden tests diff this
 * output against tests/golden/topo/ *.ok; line numbers are left out so that
 * moving an element within a file does not change its dump. Trunk VLAN
 * lists are printed as sorted, merged ranges ("10,20-29").
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "topo/topo.h"

static const char *const mirror_dirs[] = {
	[TOPO_MIRROR_IN] = "in",
	[TOPO_MIRROR_OUT] = "out",
	[TOPO_MIRROR_BOTH] = "both",
};

static void dump_trunk(const struct topo_link *l, FILE *f)
{
	int i, j;

	if (!l->ntrunk) {
		fputs(" untagged vlan 1", f);
		return;
	}
	fputs(" trunk ", f);
	for (i = 0; i < l->ntrunk; i = j) {
		for (j = i + 1;
		     j < l->ntrunk && l->trunk[j] == l->trunk[j - 1] + 1; j++)
			;
		fprintf(f, "%s%u", i ? "," : "", l->trunk[i]);
		if (j - i > 1)
			fprintf(f, "-%u", l->trunk[j - 1]);
	}
}

static void dump_host(const struct topo *t, const struct topo_host *h, FILE *f)
{
	char ip[INET_ADDRSTRLEN], ifname[TOPO_IFNAME_MAX];

	fprintf(f, "host %s switch %s vlan %u", h->name,
		t->switches[h->sw].name, h->vlan ? h->vlan : 1);
	if (h->has_ip && inet_ntop(AF_INET, &h->ip.addr, ip, sizeof(ip)))
		fprintf(f, " ip %s/%u", ip, h->ip.prefix);
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
	const struct topo_vm *vm;
	const struct topo_mirror *m;
	int i;

	fprintf(f, "topo %s\n", t->name);
	for (i = 0; i < t->nswitches; i++) {
		sw = &t->switches[i];
		fprintf(f, "switch %s mac-aging %u mac-limit %u mac-table %u\n",
			sw->name, sw->aging_s, sw->mac_limit, sw->mac_table);
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
	for (i = 0; i < t->nvms; i++) {
		vm = &t->vms[i];
		fprintf(f, "vm %s switch %s vlan %u tap %s mac-limit %u"
			" attach %s\n",
			vm->name, t->switches[vm->sw].name,
			vm->vlan ? vm->vlan : 1, vm->tap, vm->mac_limit,
			vm->attach == TOPO_TAP_FD ? "fd" : "qemu");
	}
	for (i = 0; i < t->nmirrors; i++) {
		m = &t->mirrors[i];
		fprintf(f, "mirror %s to %s direction %s\n", m->port, m->to,
			m->dir >= TOPO_MIRROR_IN && m->dir <= TOPO_MIRROR_BOTH
				? mirror_dirs[m->dir]
				: "?");
	}
}
