// SPDX-License-Identifier: MIT
/*
 * ctl_ips.c - the daemon's view of the firewalls' IPS steps (`dcbox show
 * ips`: rules loaded/skipped/failed, engine memory and patterns, the
 * inspector's counters, per-rule hit counts) and the IPS half of `dcbox
 * reload` (its reply reports the same rule counts, ctl_ips_loaded()).
 *
 * Reload is the same two-phase dance as for policies (ctl_firewall.c):
 * ctl_ips_prepare() loads and compiles every firewall's rules file from
 * the new topology, and makes an IPS step for a firewall that had none;
 * any error frees all of it and changes nothing. ctl_ips_commit() then
 * swaps the engines in (ips_inspect_set_engine(): every flow keeps its
 * stream and application state and its verdict), attaches new steps and
 * removes those whose `ips:` is gone. Both run on the daemon's one thread,
 * between batches.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ips/ips_detect.h"
#include "../ips/ips_inspect.h"
#include "ctl_ips.h"

static int cmp_hits(const void *a, const void *b, void *arg)
{
	const struct ips_engine *e = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t hx = ips_engine_hits(e, x), hy = ips_engine_hits(e, y);

	if (hx != hy)
		return hx < hy ? 1 : -1;
	return (x > y) - (x < y);
}

static json_t *rule_json(const struct ips_engine *e, uint32_t idx)
{
	const struct ips_rule *r = ips_engine_rule(e, idx);

	return json_pack("{s:i,s:i,s:i,s:s,s:s,s:I,s:s,s:i}", "gid",
			 (int)r->gid, "sid", (int)r->sid, "rev", (int)r->rev,
			 "action", ips_action_name(r->action), "msg",
			 r->msg ? r->msg : "", "hits",
			 (json_int_t)ips_engine_hits(e, idx), "file",
			 r->file ? r->file : "", "line", (int)r->line);
}

/* Rules that fired, most hits first, at most @top (0: all of them). */
static json_t *hits_json(const struct ips_engine *e, uint32_t top)
{
	uint32_t n = ips_engine_rule_count(e), i, k = 0;
	uint32_t *idx = malloc(((size_t)n + 1) * sizeof(*idx));
	json_t *a = json_array();

	if (!idx)
		return a;
	for (i = 0; i < n; i++)
		if (ips_engine_hits(e, i))
			idx[k++] = i;
	qsort_r(idx, k, sizeof(*idx), cmp_hits, (void *)e);
	for (i = 0; i < k && (!top || i < top); i++)
		json_array_append_new(a, rule_json(e, idx[i]));
	free(idx);
	return a;
}

/*
 * What loading and compiling @e's rules gave: the rule counts, the
 * engine's size, and the time each half took (load_us: reading and
 * parsing the files, build_us: compiling the databases).
 */
static json_t *load_json(const struct ips_engine *e)
{
	const struct ips_ruleset *rs = ips_engine_ruleset(e);
	struct ips_engine_stats st;

	ips_engine_stats(e, &st);
	return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:I,s:I,s:I}", "total",
			 (int)rs->stats.total, "loaded", (int)rs->stats.loaded,
			 "skipped", (int)rs->stats.skipped, "failed",
			 (int)rs->stats.failed, "prefiltered",
			 (int)st.n_prefiltered, "patterns", (int)st.n_patterns,
			 "databases", (int)st.n_databases, "load_us",
			 (json_int_t)(rs->stats.load_ns / 1000), "build_us",
			 (json_int_t)(st.build_ns / 1000), "memory",
			 (json_int_t)st.memory);
}

static json_t *counters_json(const struct firewall_ips *ips,
			     const struct firewall *fw)
{
	const uint64_t *ic = firewall_ips_counters(ips);
	const uint64_t *fc = firewall_counters(fw);
	json_t *o = json_object();
	unsigned int i;

	for (i = 0; i < IPS_IC_MAX; i++)
		json_object_set_new(o, ips_inspect_counter_names[i],
				    json_integer((json_int_t)ic[i]));
	for (i = FIREWALL_C_IPS_DROPPED; i <= FIREWALL_C_IPS_RELOADS; i++)
		json_object_set_new(o, firewall_counter_names[i],
				    json_integer((json_int_t)fc[i]));
	return o;
}

static json_t *ips_json(const struct firewall *fw, uint32_t top)
{
	const struct firewall_ips *ips = firewall_get_ips(fw);
	const struct ips_engine *e = firewall_ips_engine(ips);

	return json_pack("{s:s,s:s,s:s,s:o,s:I,s:i,s:o,s:o}", "name",
			 firewall_name(fw), "mode",
			 firewall_mode_str(firewall_mode(fw)), "rules_file",
			 firewall_ips_rules(ips), "rules", load_json(e),
			 "memory", (json_int_t)ips_engine_memory(e), "flows",
			 (int)firewall_ips_flows(ips), "counters",
			 counters_json(ips, fw), "hits", hits_json(e, top));
}

/**
 * ctl_ips_show() - {"ips": [...]}: every firewall with an IPS step, or
 * firewall @name
 * @rt: running topology
 * @name: firewall name or NULL
 * @top: rules listed per firewall, most hits first (0: every rule that
 *       hit at least once)
 * @err: out: why not
 * @errsize: size of @err
 *
 * Return: the object, or NULL with @err set (no such firewall, or it has
 * no `ips:`).
 */
json_t *ctl_ips_show(const struct topo_rt *rt, const char *name, uint32_t top,
		     char *err, size_t errsize)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < rt->topo->nfirewalls; i++) {
		const struct firewall *fw = rt->fws[i];

		if (name && strcmp(name, rt->topo->firewalls[i].name))
			continue;
		if (name && !firewall_get_ips(fw)) {
			snprintf(err, errsize,
				 "firewall '%s' has no ips: rules", name);
			json_decref(a);
			return NULL;
		}
		if (firewall_get_ips(fw))
			json_array_append_new(a, ips_json(fw, top));
	}
	if (name && !json_array_size(a)) {
		snprintf(err, errsize, "no firewall '%s'", name);
		json_decref(a);
		return NULL;
	}
	return json_pack("{s:o}", "ips", a);
}

/* One firewall's element of ctl_ips_loaded(). */
static json_t *loaded_json(const struct firewall *fw,
			   const struct firewall_ips *ips)
{
	json_t *r = load_json(firewall_ips_engine(ips));
	json_int_t us;

	if (!r)
		return NULL;
	us = json_integer_value(json_object_get(r, "load_us")) +
	     json_integer_value(json_object_get(r, "build_us"));
	return json_pack("{s:s,s:s,s:o,s:I}", "name", firewall_name(fw),
			 "rules_file", firewall_ips_rules(ips), "rules", r,
			 "compile_us", us);
}

/**
 * ctl_ips_loaded() - the IPS rules every firewall runs, for the reply to
 * a reload (which compiles every firewall's rules anew)
 * @rt: running topology
 *
 * Return: [{"name", "rules_file", "rules": {as in `show ips`},
 * "compile_us": load plus build time}], one element per firewall with
 * an IPS step, a new reference; NULL if out of memory.
 */
json_t *ctl_ips_loaded(const struct topo_rt *rt)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; a && i < rt->topo->nfirewalls; i++) {
		const struct firewall *fw = rt->fws[i];
		const struct firewall_ips *ips = firewall_get_ips(fw);

		if (!ips || !json_array_append_new(a, loaded_json(fw, ips)))
			continue;
		json_decref(a);
		a = NULL;
	}
	return a;
}

/**
 * ctl_ips_prepare() - phase one of a reload: compile every firewall's
 * `ips:` rules of @nt; nothing running changes
 * @rt: running topology (same shape as @nt)
 * @nt: the new topology
 * @p: receives what ctl_ips_commit() installs
 * @err: out: the first invalid rule (FILE:LINE: what) or build error
 * @errsize: size of @err
 *
 * Return: 0, or -errno with nothing left allocated.
 */
int ctl_ips_prepare(struct topo_rt *rt, const struct topo *nt,
		    struct ctl_ips_prep *p, char *err, size_t errsize)
{
	unsigned int i;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; !ret && i < nt->nfirewalls; i++) {
		if (!nt->firewalls[i].has_ips)
			continue;
		ret = topo_ips_engine(nt, i, &p->eng[i], stderr, err, errsize);
		if (ret || firewall_get_ips(rt->fws[i]))
			continue;
		p->fresh[i] = topo_ips_step(rt, nt, i, p->eng[i], err, errsize);
		if (!p->fresh[i])
			ret = -ENOMEM;
		else
			p->eng[i] = NULL; /* the new step owns it */
	}
	if (ret)
		ctl_ips_abort(p);
	return ret;
}

/**
 * ctl_ips_abort() - free what ctl_ips_prepare() made (reload failed
 * elsewhere)
 * @p: prepared reload
 */
void ctl_ips_abort(struct ctl_ips_prep *p)
{
	unsigned int i;

	for (i = 0; i < TOPO_MAX_FIREWALLS; i++) {
		ips_engine_free(p->eng[i]);
		firewall_ips_free(p->fresh[i]);
		p->eng[i] = NULL;
		p->fresh[i] = NULL;
	}
}

/* swap() - give @fw the engine @eng; a refusal keeps the old rules */
static void swap(struct firewall *fw, struct ips_engine *eng,
		 const struct topo_firewall *tf)
{
	if (firewall_ips_swap_engine(fw, eng, tf->ips))
		fprintf(stderr, "reload: firewall %s: out of memory for the "
			"new IPS rules; old rules kept\n", tf->name);
}

/**
 * ctl_ips_commit() - phase two: swap the new rules in
 * @rt: running topology
 * @nt: the new topology
 * @p: from ctl_ips_prepare(); emptied
 *
 * The only failure left at this point is an inspector that cannot
 * allocate its scratch for the new engine: that firewall keeps its old
 * rules (never half of each) and the daemon log says so; the others are
 * swapped.
 *
 * Return: IPS rules now loaded, all firewalls.
 */
unsigned int ctl_ips_commit(struct topo_rt *rt, const struct topo *nt,
			    struct ctl_ips_prep *p)
{
	unsigned int i, rules = 0;

	for (i = 0; i < nt->nfirewalls; i++) {
		struct firewall *fw = rt->fws[i];

		if (p->fresh[i])
			firewall_set_ips(fw, p->fresh[i]);
		else if (p->eng[i])
			swap(fw, p->eng[i], &nt->firewalls[i]);
		else if (firewall_get_ips(fw))
			firewall_set_ips(fw, NULL);
		p->fresh[i] = NULL;
		p->eng[i] = NULL;
		if (firewall_get_ips(fw))
			rules += ips_engine_rule_count(
				firewall_ips_engine(firewall_get_ips(fw)));
	}
	return rules;
}

/**
 * ctl_ips_cmd_show() - answer {"cmd": "show", "what": "ips", "arg":
 * NAME?, "top": N?}
 * @rt: running topology
 * @req: the request
 *
 * Return: the reply, {"ok": true, "ips": [...]} or {"ok": false, "error"}.
 */
json_t *ctl_ips_cmd_show(const struct topo_rt *rt, const json_t *req)
{
	const char *name = json_string_value(json_object_get(req, "arg"));
	json_int_t top = json_integer_value(json_object_get(req, "top"));
	char err[256];
	json_t *r;

	r = ctl_ips_show(rt, name, top > 0 ? (uint32_t)top : 0, err,
			 sizeof(err));
	if (!r)
		return json_pack("{s:b,s:s}", "ok", 0, "error", err);
	json_object_set_new(r, "ok", json_true());
	return r;
}
