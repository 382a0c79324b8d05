// SPDX-License-Identifier: MIT
/*
 * ctl_firewall.c - the daemon's views of firewall appliances (rules with
 * their hit and byte counters, counters, connection table) and `reload`:
 * a changed policy applied without a restart.
 *
 * Reload is two-phase so that an error changes nothing: the new file is
 * loaded and validated, its shape (everything but firewall policies and
 * groups) must equal the running one, every firewall's policy is parsed
 * and compiled; only then are all classifiers swapped in, between two
 * batches. Flows are re-judged on their next packet (src/node/firewall.c):
 * those still allowed never lose a packet, the others are cut. The IPS
 * rules files (`ips:`) are compiled in the same first phase and swapped
 * in the same second one (ctl_ips.c).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/loop.h"
#include "../ct/ct.h"
#include "../fw/fw_classify.h"
#include "../fw/fw_policy.h"
#include "ctl_firewall.h"
#include "ctl_ips.h"
#include "ctl_router.h"

static json_t *rules_json(const struct firewall *fw)
{
	const struct fw_policy *p = firewall_policy(fw);
	uint64_t pk = 0, by = 0;
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; p && i < p->n_rules; i++) {
		firewall_rule_stats(fw, i, &pk, &by);
		json_array_append_new(a, json_pack(
			"{s:i,s:s,s:s,s:i,s:I,s:I}", "index", (int)i, "rule",
			p->rules[i].text ? p->rules[i].text : "", "action",
			fw_action_str(p->rules[i].action), "line",
			(int)p->rules[i].line, "packets", (json_int_t)pk,
			"bytes", (json_int_t)by));
	}
	pk = by = 0;
	if (p)
		firewall_rule_stats(fw, p->n_rules, &pk, &by);
	json_array_append_new(a, json_pack(
		"{s:s,s:s,s:s,s:I,s:I}", "index", "default", "rule", "default",
		"action", p ? fw_action_str(p->default_action) : "drop",
		"packets", (json_int_t)pk, "bytes", (json_int_t)by));
	return a;
}

static json_t *fw_json(struct firewall *fw)
{
	const uint64_t *c = firewall_counters(fw);
	struct ct_table *ct = firewall_ct(fw);
	json_t *cnt = json_object();
	unsigned int i;

	for (i = 0; i < FIREWALL_C_MAX; i++)
		json_object_set_new(cnt, firewall_counter_names[i],
				    json_integer((json_int_t)c[i]));
	return json_pack("{s:s,s:s,s:i,s:o,s:o,s:I,s:I}", "name",
			 firewall_name(fw), "mode",
			 firewall_mode_str(firewall_mode(fw)), "generation",
			 (int)firewall_generation(fw), "rules", rules_json(fw),
			 "counters", cnt, "conntrack_entries",
			 (json_int_t)ct->count, "conntrack_max",
			 (json_int_t)ct->cfg.max_entries);
}

/**
 * ctl_fw_show() - {"firewalls": [...]} for every firewall or @name
 * @rt: running topology
 * @name: firewall name or NULL
 *
 * Return: the object, or NULL if no firewall is called @name.
 */
json_t *ctl_fw_show(const struct topo_rt *rt, const char *name)
{
	json_t *a = json_array();
	unsigned int i;
	int found = 0;

	for (i = 0; i < rt->topo->nfirewalls; i++) {
		if (name && strcmp(name, rt->topo->firewalls[i].name))
			continue;
		json_array_append_new(a, fw_json(rt->fws[i]));
		found++;
	}
	if (name && !found) {
		json_decref(a);
		return NULL;
	}
	return json_pack("{s:o}", "firewalls", a);
}

/**
 * ctl_fw_conntrack() - {"conntrack": [...]} of firewall @name
 * @rt: running topology
 * @name: firewall name
 *
 * Return: the object, or NULL if there is no such firewall.
 */
json_t *ctl_fw_conntrack(const struct topo_rt *rt, const char *name)
{
	int i = name ? topo_firewall_find(rt->topo, name) : -ENOENT;
	json_t *a;

	if (i < 0)
		return NULL;
	a = json_array();
	ctl_conntrack_rows(firewall_ct(rt->fws[i]), "firewall", name, a);
	return json_pack("{s:o}", "conntrack", a);
}

/* Everything but firewall policies and groups must be as it runs. */
static bool same_shape(const struct topo *a, const struct topo *b,
		       char *err, size_t errsize)
{
	unsigned int i;

	if (strcmp(a->name, b->name) || a->nswitches != b->nswitches ||
	    a->nlinks != b->nlinks || a->nhosts != b->nhosts ||
	    a->nvms != b->nvms || a->nmirrors != b->nmirrors ||
	    a->nrouters != b->nrouters || a->nfirewalls != b->nfirewalls)
		goto differ;
	for (i = 0; i < a->nfirewalls; i++) {
		const struct topo_firewall *x = &a->firewalls[i];
		const struct topo_firewall *y = &b->firewalls[i];

		if (strcmp(x->name, y->name) || x->mode != y->mode ||
		    memcmp(x->legs, y->legs, sizeof(x->legs)) ||
		    x->arm_kind != y->arm_kind || x->arm != y->arm)
			goto differ;
	}
	return true;
differ:
	snprintf(err, errsize, "reload applies firewall policies (rules, "
		 "default, log, non-ip, groups, ips, ips-vars) only; this file "
		 "changes more: use dcbox down and dcbox up");
	return false;
}

static void fw_opts(const struct topo_firewall *f, struct firewall *fw)
{
	struct firewall_opts o = *firewall_opts(fw);

	o.log = f->log == TOPO_FW_LOG_NONE ? FIREWALL_LOG_NONE :
		f->log == TOPO_FW_LOG_ALL ? FIREWALL_LOG_ALL :
					    FIREWALL_LOG_DENIED;
	o.non_ip_drop = f->non_ip == TOPO_FW_NON_IP_DROP;
	firewall_set_opts(fw, &o);
}

/* Phase one: parse and compile every policy of @nt, or fail with none. */
static int compile_all(const struct topo *nt, struct fw_policy *p,
		       struct fw_classifier **cls, char *err, size_t errsize)
{
	unsigned int i, n = nt->nfirewalls;
	int ret = 0;

	for (i = 0; !ret && i < n; i++) {
		ret = topo_fw_policy(nt, &nt->firewalls[i], &p[i], err,
				     errsize);
		if (ret)
			break;
		ret = fw_classifier_build(&p[i], &cls[i]);
		if (ret) {
			snprintf(err, errsize, "firewall '%s': compiling the "
				 "policy: %s", nt->firewalls[i].name,
				 strerror(-ret));
			fw_policy_free(&p[i]);
		}
	}
	if (!ret)
		return 0;
	while (i--) {
		fw_classifier_free(cls[i]);
		fw_policy_free(&p[i]);
	}
	return ret;
}

/**
 * ctl_fw_reload() - apply the firewall policies of @nt to the running
 * topology, all or nothing
 * @rt: running topology
 * @nt: the newly loaded and validated topology
 * @err: out: why nothing changed
 * @errsize: size of @err
 *
 * Return: 0 (then @rt->topo should become @nt), or -errno.
 */
int ctl_fw_reload(struct topo_rt *rt, const struct topo *nt, char *err,
		  size_t errsize)
{
	struct fw_policy p[TOPO_MAX_FIREWALLS];
	struct fw_classifier *cls[TOPO_MAX_FIREWALLS];
	struct ctl_ips_prep ips;
	unsigned int i;
	int ret;

	if (!same_shape(rt->topo, nt, err, errsize))
		return -EINVAL;
	ret = ctl_ips_prepare(rt, nt, &ips, err, errsize);
	if (ret)
		return ret;
	ret = compile_all(nt, p, cls, err, errsize);
	if (ret) {
		ctl_ips_abort(&ips);
		return ret;
	}
	ctl_ips_commit(rt, nt, &ips);
	for (i = 0; i < nt->nfirewalls; i++) {
		firewall_swap_policy(rt->fws[i], &p[i], cls[i], loop_now_ns());
		fw_opts(&nt->firewalls[i], rt->fws[i]);
		fw_policy_free(&p[i]);
	}
	return 0;
}
