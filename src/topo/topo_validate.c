// SPDX-License-Identifier: MIT
/*
 * topo_validate.c - rules that need the whole topology model, and lookups.
 *
 * topo_parse.c checks each value where it reads it; what is left for here
 * are the rules between elements, which the builder relies on:
 *  - no L2 loop: dcbox switches run no spanning tree, so in every VLAN the
 *    links carrying it must form a forest (union-find per VLAN in use);
 *  - no two hosts with one IPv4 address in the same broadcast domain (same
 *    VLAN, switches joined by links that carry that VLAN);
 *  - host MAC addresses unique;
 *  - interface names in the root namespace (host veths "<topo>-<host>" and
 *    VM TAPs) unique.
 * It also re-checks counts, indices and trunk order so that a struct topo
 * built by hand (tests, a future reload path) cannot index out of bounds.
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

/*
 * Join the switches linked in @vlan. Returns the index of the first link
 * that closes a loop, or -1.
 */
static int uf_build(const struct topo *t, unsigned int vlan, struct uf *u)
{
	const struct topo_link *l;
	unsigned int a, b, i;

	for (i = 0; i < TOPO_MAX_SWITCHES; i++)
		u->parent[i] = (uint16_t)i;
	for (i = 0; i < t->nlinks; i++) {
		l = &t->links[i];
		if (!link_carries(l, vlan))
			continue;
		a = uf_find(u, l->sw[0]);
		b = uf_find(u, l->sw[1]);
		if (a == b)
			return (int)i;
		u->parent[a] = (uint16_t)b;
	}
	return -1;
}

static bool bit_test(const uint64_t *bits, unsigned int v)
{
	return bits[v / 64] & 1ull << (v % 64);
}

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

/* Broadcast domain of each host: the union-find root of its switch. */
static void host_domains(const struct topo *t, uint16_t *dom)
{
	struct uf u;
	int i;

	for (i = 0; i < t->nhosts; i++) {
		if (!t->hosts[i].has_ip)
			continue;
		uf_build(t, host_vlan(&t->hosts[i]), &u);
		dom[i] = (uint16_t)uf_find(&u, t->hosts[i].sw);
	}
}

static int check_addresses(const struct topo *t, char *err, size_t errsize)
{
	uint16_t dom[TOPO_MAX_HOSTS];
	const struct topo_host *a, *b;
	char ip[INET_ADDRSTRLEN];
	int i, j;

	host_domains(t, dom);
	for (j = 0; j < t->nhosts; j++) {
		b = &t->hosts[j];
		for (i = 0; i < j && b->has_ip; i++) {
			a = &t->hosts[i];
			if (!a->has_ip ||
			    a->ip.addr.s_addr != b->ip.addr.s_addr ||
			    host_vlan(a) != host_vlan(b) || dom[i] != dom[j])
				continue;
			inet_ntop(AF_INET, &b->ip.addr, ip, sizeof(ip));
			return tv_err(t, b->line, b->col, err, errsize,
				      "host '%s': address %s is already used "
				      "by host '%s' (line %d) in VLAN %u",
				      b->name, ip, a->name, a->line,
				      host_vlan(b));
		}
	}
	return 0;
}

static int check_macs(const struct topo *t, char *err, size_t errsize)
{
	const struct topo_host *a, *b;
	int i, j;

	for (j = 0; j < t->nhosts; j++) {
		b = &t->hosts[j];
		for (i = 0; i < j && b->has_mac; i++) {
			a = &t->hosts[i];
			if (!a->has_mac || memcmp(a->mac, b->mac, 6))
				continue;
			return tv_err(t, b->line, b->col, err, errsize,
				      "host '%s': MAC address is already used "
				      "by host '%s' (line %d)",
				      b->name, a->name, a->line);
		}
	}
	return 0;
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
		ret = check_ifname(t, t->nhosts + j, t->vms[j].tap, err,
				   errsize);
		if (ret)
			return ret;
	}
	return 0;
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

/* Counts, indices and trunk order: what the checks above index with. */
static int check_bounds(const struct topo *t, char *err, size_t errsize)
{
	int i;

	if (t->nswitches > TOPO_MAX_SWITCHES || t->nlinks > TOPO_MAX_LINKS ||
	    t->nhosts > TOPO_MAX_HOSTS || t->nvms > TOPO_MAX_VMS ||
	    t->nmirrors > TOPO_MAX_MIRRORS)
		return tv_err(t, 1, 1, err, errsize, "too many elements");
	for (i = 0; i < t->nlinks; i++)
		if (!sane_link(t, &t->links[i]))
			return tv_err(t, t->links[i].line, t->links[i].col, err,
				      errsize,
				      "link %d: bad switch index or "
				      "trunk list",
				      i + 1);
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
		ret = check_addresses(t, err, errsize);
	if (!ret)
		ret = check_macs(t, err, errsize);
	if (!ret)
		ret = check_ifnames(t, err, errsize);
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
