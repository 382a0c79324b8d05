// SPDX-License-Identifier: MIT
/*
 * ips_detect_group.c - the group lists of the detection engine: where
 * the rules without a fast pattern wait (built here, read per inspection
 * by ips_detect.c). A coarse form of Suricata's signature group heads.
 *
 * A rule the prefilter cannot select (no usable content: header-only
 * rules, flags:S scan detectors, DNS rules with only negated contents)
 * would otherwise be a candidate of every inspection that has its
 * buffers. Most of them name a protocol and a destination port, so each
 * is listed under
 *  - every packet class (enum ips_pclass) it can match: its protocol,
 *    TCP only with flags:, SYN / no-SYN when its flags: decide the SYN
 *    bit, ICMP only with itype/icode, not ICMP when it names ports;
 *  - for the TCP and UDP classes, its destination ports when it names at
 *    most GROUP_PORTS_MAX of them, else its source ports when it names
 *    that few, else "shared" (any port). A bidirectional rule (<>) is
 *    also listed under the same ports in the other direction, because
 *    its reversed header compares them with the other side's port.
 * An inspection takes the shared list of its class and the rules listed
 * under its destination port and its source port. Each listed rule still
 * goes through the full header check, so the lists only need to hold
 * every rule that can match (a superset): the fired rules are the naive
 * engine's.
 *
 * Build cost: a pass to count and one to fill, then a sort of each
 * list's port entries; entries are at most classes x 2 x GROUP_PORTS_MAX
 * per rule, and only rules without a fast pattern are listed.
 */
#include <errno.h>
#include <stdlib.h>

#include "ips/ips_detect_priv.h"

enum {
	GROUP_PORTS_MAX = 32, /* ports a rule may be listed under */
	PC_ALL = (1u << IPS_PC_MAX) - 1,
	PC_TCP_BOTH = (1u << IPS_PC_TCP) | (1u << IPS_PC_TCP_SYN),
};

/* Values in a port set, or GROUP_PORTS_MAX + 1 when more */
static uint32_t port_count(const struct ips_set *s)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < s->n; i++) {
		if (s->r[i].hi - s->r[i].lo >= GROUP_PORTS_MAX)
			return GROUP_PORTS_MAX + 1;
		n += (uint32_t)(s->r[i].hi - s->r[i].lo) + 1;
		if (n > GROUP_PORTS_MAX)
			return GROUP_PORTS_MAX + 1;
	}
	return n;
}

/* TCP classes a flags: keyword allows (tcp_flags_ok() in ips_detect.c) */
static uint32_t syn_classes(const struct ips_tcp_flags *tf)
{
	bool ign = tf->ignore & IPS_TCP_SYN, set = tf->set & IPS_TCP_SYN;

	if (ign || tf->mod == '*' || tf->mod == '!')
		return PC_TCP_BOTH;
	if (set)
		return 1u << IPS_PC_TCP_SYN;
	/* without a modifier the SYN bit must equal the rule's: clear */
	return tf->mod == '+' ? PC_TCP_BOTH : 1u << IPS_PC_TCP;
}

/* The packet classes rule @d can match, as a mask of 1 << IPS_PC_* */
static uint32_t class_mask(const struct ips_drule *d)
{
	const struct ips_rule *r = d->r;
	uint32_t m = d->proto_mask ? 0 : PC_ALL;

	if (d->proto_mask & IPS_PBIT_TCP)
		m |= PC_TCP_BOTH;
	if (d->proto_mask & IPS_PBIT_UDP)
		m |= 1u << IPS_PC_UDP;
	if (d->proto_mask & IPS_PBIT_ICMP)
		m |= 1u << IPS_PC_ICMP;
	if (r->tcp_flags.given)
		m &= syn_classes(&r->tcp_flags);
	if (r->itype.op != IPS_NUM_NONE || r->icode.op != IPS_NUM_NONE)
		m &= 1u << IPS_PC_ICMP;
	if (!(d->flags & IPS_DR_SPORT_ANY) || !(d->flags & IPS_DR_DPORT_ANY))
		m &= ~(1u << IPS_PC_ICMP); /* ICMP has no ports */
	return m;
}

/**
 * struct gfill - the two passes over the rules: count, then fill
 * @g: the lists being built
 * @fill: second pass (the first counts into the start arrays at key + 1)
 * @n_keyed: rules listed by port
 */
struct gfill {
	struct ips_groups *g;
	bool fill;
	uint32_t n_keyed;
};

static void emit_shared(struct gfill *f, uint32_t key, uint32_t slot)
{
	struct ips_list *l = &f->g->shared;

	if (f->fill)
		l->slots[l->start[key]++] = slot;
	else
		l->start[key + 1]++;
}

static void emit_port(struct gfill *f, uint32_t key, uint32_t pkey,
		      uint32_t slot)
{
	if (f->fill)
		f->g->pents[f->g->pstart[key]++] = (uint64_t)pkey << 32 | slot;
	else
		f->g->pstart[key + 1]++;
}

/* List @slot under every port of @s, with direction bit @dir */
static void emit_set(struct gfill *f, uint32_t key, const struct ips_set *s,
		     uint32_t dir, uint32_t slot)
{
	for (uint32_t i = 0; i < s->n; i++)
		for (uint32_t p = (uint32_t)s->r[i].lo;
		     p <= (uint32_t)s->r[i].hi; p++)
			emit_port(f, key, dir | p, slot);
}

/**
 * ips_detect_key_ports() - the ports a rule is keyed by (group lists here,
 * the busiest ports of the databases in ips_detect_mpm.c): its destination
 * ports when it names at most GROUP_PORTS_MAX, else its source ports when
 * it names that few
 * @d: the rule
 * @dir: set to IPS_GP_SRC for source ports, else 0
 *
 * Return: the port set, or NULL (a rule for any or many ports).
 */
const struct ips_set *ips_detect_key_ports(const struct ips_drule *d,
					   uint32_t *dir)
{
	const struct ips_rule *r = d->r;

	*dir = 0;
	if (!(d->flags & IPS_DR_DPORT_ANY) &&
	    port_count(&r->dport) <= GROUP_PORTS_MAX)
		return &r->dport;
	*dir = IPS_GP_SRC;
	if (!(d->flags & IPS_DR_SPORT_ANY) &&
	    port_count(&r->sport) <= GROUP_PORTS_MAX)
		return &r->sport;
	return NULL;
}

/* One rule's entries in group list @gl (pass 1 or 2) */
static void emit_rule(struct gfill *f, uint32_t gl, uint32_t slot,
		      const struct ips_drule *d)
{
	uint32_t m = class_mask(d), dir;
	const struct ips_set *ports = ips_detect_key_ports(d, &dir);

	if (ports)
		f->n_keyed++;
	for (uint32_t pc = 0; pc < IPS_PC_MAX; pc++) {
		uint32_t key = gl * IPS_PC_MAX + pc;

		if (!(m & (1u << pc)))
			continue;
		if (!ports || pc > IPS_PC_UDP) {
			emit_shared(f, key, slot);
			continue;
		}
		emit_set(f, key, ports, dir, slot);
		if (d->r->bidir)
			emit_set(f, key, ports, dir ^ IPS_GP_SRC, slot);
	}
}

static void emit_all(struct gfill *f, const struct ips_engine *e,
		     const uint32_t *gl_of)
{
	f->n_keyed = 0;
	for (uint32_t s = 0; s < e->n_rules; s++)
		if (gl_of[s] < IPS_GL_MAX)
			emit_rule(f, gl_of[s], s, &e->rules[s]);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* counts at k + 1 -> offsets; after the fill, cursors at k -> back */
static void prefix(uint32_t *start)
{
	for (uint32_t k = 0; k < IPS_GL_KEYS; k++)
		start[k + 1] += start[k];
}

static void unshift(uint32_t *start)
{
	for (uint32_t k = IPS_GL_KEYS; k > 0; k--)
		start[k] = start[k - 1];
	start[0] = 0;
}

/**
 * ips_detect_groups_build() - the group lists of an engine
 * @e: the engine, its rules in slot order
 * @gl_of: per slot, the group list of a rule without a fast pattern
 *         (a buffer, IPS_GL_HDR, IPS_GL_APP + app), UINT32_MAX for a
 *         prefiltered rule
 *
 * Return: 0 or -ENOMEM (what was allocated is freed with the engine).
 */
int ips_detect_groups_build(struct ips_engine *e, const uint32_t *gl_of)
{
	struct ips_groups *g = &e->groups;
	struct gfill f = {.g = g};

	g->shared.start =
		ips_detect_calloc(e, IPS_GL_KEYS + 1, sizeof(uint32_t));
	g->pstart = ips_detect_calloc(e, IPS_GL_KEYS + 1, sizeof(uint32_t));
	if (!g->shared.start || !g->pstart)
		return -ENOMEM;
	emit_all(&f, e, gl_of);
	prefix(g->shared.start);
	prefix(g->pstart);
	g->shared.slots = ips_detect_calloc(e, g->shared.start[IPS_GL_KEYS],
					    sizeof(uint32_t));
	g->pents =
		ips_detect_calloc(e, g->pstart[IPS_GL_KEYS], sizeof(uint64_t));
	if (!g->shared.slots || !g->pents)
		return -ENOMEM;
	f.fill = true;
	emit_all(&f, e, gl_of);
	unshift(g->shared.start);
	unshift(g->pstart);
	for (uint32_t k = 0; k < IPS_GL_KEYS; k++) {
		qsort(g->pents + g->pstart[k], g->pstart[k + 1] - g->pstart[k],
		      sizeof(*g->pents), cmp_u64);
		if (g->pstart[k + 1] > g->pstart[k] ||
		    g->shared.start[k + 1] > g->shared.start[k])
			g->used[k % IPS_PC_MAX] |= 1ull << (k / IPS_PC_MAX);
	}
	e->stats.n_port_keyed = f.n_keyed;
	return 0;
}
/**
 * ips_detect_groups_free() - free the group lists
 * @g: the lists (never built is fine)
 */
void ips_detect_groups_free(struct ips_groups *g)
{
	free(g->shared.start);
	free(g->shared.slots);
	free(g->pstart);
	free(g->pents);
}
