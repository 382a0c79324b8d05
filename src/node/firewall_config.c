// SPDX-License-Identifier: MIT
/*
 * firewall_config.c - the firewall's control side: defaults, create and
 * destroy, policy swap (reload) with per-rule counters carried over by rule
 * text, settings, the periodic tick, and the accessors `dcbox show` reads.
 * Everything here runs on the dataplane thread between batches (see
 * firewall.h); nothing here is on the per-packet path.
 *
 * A firewall starts with an empty policy whose default is drop, so it
 * fails closed until the topology's policy is set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firewall_priv.h"

const char *const firewall_counter_names[FIREWALL_C_MAX] = {
#define X(e, n, d) n,
	FIREWALL_COUNTERS(X)
#undef X
};

const char *const firewall_counter_descs[FIREWALL_C_MAX] = {
#define X(e, n, d) d,
	FIREWALL_COUNTERS(X)
#undef X
};

/**
 * firewall_cfg_default() - the defaults: inline, legs 0 and 1, conntrack
 * CT_DEFAULT_MAX, no log fd, non-IP passes, log denied at 100 lines/s
 * (burst 200) once per flow per minute, ICMP rejects at ICMP_RATE_DEFAULT
 * @cfg: filled
 */
void firewall_cfg_default(struct firewall_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->name, sizeof(cfg->name), "fw");
	cfg->mode = FIREWALL_INLINE;
	cfg->leg_port[0] = 0;
	cfg->leg_port[1] = 1;
	cfg->log_fd = -1;
	cfg->opts.log = FIREWALL_LOG_DENIED;
	cfg->opts.log_rate = EVE_RATE_DEFAULT;
	cfg->opts.log_burst = EVE_BURST_DEFAULT;
	cfg->opts.log_dedup_s = FIREWALL_DEDUP_S_DEFAULT;
	cfg->opts.reject_rate = ICMP_RATE_DEFAULT;
	cfg->opts.reject_burst = ICMP_BURST_DEFAULT;
}

static int start_policy(struct firewall *fw)
{
	struct fw_classifier *cls;
	int ret;

	fw_policy_init(&fw->policy);
	ret = fw_classifier_build(&fw->policy, &cls);
	if (ret)
		return ret;
	fw->cls = cls;
	fw->gen = 1;
	return 0;
}

static int create_tables(struct firewall *fw, const struct firewall_cfg *cfg,
			 char *err, size_t errsize)
{
	struct eve_log_cfg ec = {.fd = cfg->log_fd,
				 .rate = cfg->opts.log_rate,
				 .burst = cfg->opts.log_burst};
	struct ct_config cc;
	int ret;

	ct_config_default(&cc);
	if (cfg->ct_max)
		cc.max_entries = cfg->ct_max;
	ret = ct_table_init(&fw->ct, &cc);
	if (ret) {
		snprintf(err, errsize, "firewall %s: conntrack table: %s",
			 cfg->name, strerror(-ret));
		return ret;
	}
	ret = eve_log_init(&fw->eve, &ec);
	if (ret) {
		snprintf(err, errsize, "firewall %s: event log: %s", cfg->name,
			 strerror(-ret));
		goto err_ct;
	}
	fw->dedup = calloc(FIREWALL_DEDUP_SLOTS, sizeof(*fw->dedup));
	ret = fw->dedup ? start_policy(fw) : -ENOMEM;
	if (ret) {
		snprintf(err, errsize, "firewall %s: %s", cfg->name,
			 strerror(-ret));
		goto err_eve;
	}
	return 0;

err_eve:
	free(fw->dedup);
	eve_log_fini(&fw->eve);
err_ct:
	ct_table_fini(&fw->ct);
	return ret;
}

/**
 * firewall_create() - a firewall with an empty default-drop policy
 * @cfg: name, mode, legs, sizes, log fd, settings (read during the call)
 * @pool: the dataplane's packet pool (frames to free, replies to build)
 * @tx: output callback (dp_tx), called with cfg->leg_port[leg]
 * @tx_ctx: its context
 * @err: receives a message on failure
 * @errsize: size of @err
 *
 * Return: the firewall, or NULL with @err set (bad mode, no memory).
 */
struct firewall *firewall_create(const struct firewall_cfg *cfg,
				 struct pkt_pool *pool, sw_tx_fn *tx,
				 void *tx_ctx, char *err, size_t errsize)
{
	struct firewall *fw;
	int i;

	if (cfg->mode != FIREWALL_INLINE && cfg->mode != FIREWALL_ONE_ARM) {
		snprintf(err, errsize, "firewall %s: unknown mode %d",
			 cfg->name, (int)cfg->mode);
		return NULL;
	}
	fw = calloc(1, sizeof(*fw));
	if (!fw) {
		snprintf(err, errsize, "firewall %s: out of memory", cfg->name);
		return NULL;
	}
	snprintf(fw->name, sizeof(fw->name), "%s", cfg->name);
	fw->mode = cfg->mode;
	fw->nlegs = cfg->mode == FIREWALL_INLINE ? 2 : 1;
	for (i = 0; i < FIREWALL_LEGS; i++) {
		fw->leg_port[i] = cfg->leg_port[i];
		if (cfg->leg_name[i][0])
			snprintf(fw->leg_name[i], FIREWALL_IFACE_MAX, "%s",
				 cfg->leg_name[i]);
		else
			snprintf(fw->leg_name[i], FIREWALL_IFACE_MAX,
				 "%.40s.leg%d", cfg->name, i);
	}
	fw->pool = pool;
	fw->tx = tx;
	fw->tx_ctx = tx_ctx;
	fw->opts = cfg->opts;
	icmp_ctx_init(&fw->icmp);
	firewall_rate_init(fw);
	if (create_tables(fw, cfg, err, errsize)) {
		free(fw);
		return NULL;
	}
	return fw;
}

/**
 * firewall_destroy() - flush the log, free everything (the log fd stays
 * open: it is the caller's)
 * @fw: firewall, or NULL
 */
void firewall_destroy(struct firewall *fw)
{
	if (!fw)
		return;
	firewall_ips_free(fw->ips);
	eve_log_fini(&fw->eve);
	free(fw->dedup);
	ct_table_fini(&fw->ct);
	fw_classifier_free(fw->cls);
	fw_policy_free(&fw->policy);
	free(fw);
}

static int cmp_text(const void *a, const void *b, void *arg)
{
	const struct fw_rule *rules = arg;
	const uint32_t *x = a, *y = b;
	int c = strcmp(rules[*x].text ? rules[*x].text : "",
		       rules[*y].text ? rules[*y].text : "");

	return c ? c : (*x > *y) - (*x < *y);
}

static uint32_t *sorted_by_text(const struct fw_policy *p)
{
	uint32_t *idx = malloc(((size_t)p->n_rules + 1) * sizeof(*idx));
	uint32_t i;

	if (!idx)
		return NULL;
	for (i = 0; i < p->n_rules; i++)
		idx[i] = i;
	qsort_r(idx, p->n_rules, sizeof(*idx), cmp_text, p->rules);
	return idx;
}

/*
 * Carry per-rule counters from the old policy to rules of the new one with
 * the same text (the n-th duplicate to the n-th), and the default's.
 * Sort-merge, O(n log n). Counters are cosmetic: without memory they
 * restart at zero.
 */
static void carry_counters(const struct fw_policy *op,
			   const struct fw_classifier *oc,
			   const struct fw_policy *np, struct fw_classifier *nc)
{
	uint32_t *a = sorted_by_text(op), *b = sorted_by_text(np), i = 0, j = 0;

	nc->hits[nc->n_rules] = oc->hits[oc->n_rules];
	nc->bytes[nc->n_rules] = oc->bytes[oc->n_rules];
	while (a && b && i < op->n_rules && j < np->n_rules &&
	       op->n_rules == oc->n_rules && np->n_rules == nc->n_rules) {
		const char *x = op->rules[a[i]].text, *y = np->rules[b[j]].text;
		int c = strcmp(x ? x : "", y ? y : "");

		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			nc->hits[b[j]] = oc->hits[a[i]];
			nc->bytes[b[j]] = oc->bytes[a[i]];
			i++;
			j++;
		}
	}
	free(a);
	free(b);
}

/**
 * firewall_swap_policy() - make a compiled policy current (reload)
 * @fw: firewall
 * @policy: the rules @cls was built from (moved into the firewall: @policy
 *          is left empty, as after fw_policy_init()); NULL: none (events
 *          then carry no rule text)
 * @cls: fw_classifier_build(@policy); the firewall owns it from now on
 * @now_ns: monotonic time (for the wrap re-judge)
 *
 * The old policy and classifier are freed at once: this runs on the
 * dataplane thread between batches, so nobody still reads them. Per-rule
 * counters are carried over to rules with the same text. The generation
 * goes up, so every flow is re-judged at its next packet (firewall.h);
 * when it wraps, every flow is re-judged now (firewall_recheck_all()).
 * Cannot fail: compile before swapping, and a reload with an error never
 * gets here.
 */
void firewall_swap_policy(struct firewall *fw, struct fw_policy *policy,
			  struct fw_classifier *cls, uint64_t now_ns)
{
	struct fw_policy empty;

	if (!policy) {
		fw_policy_init(&empty);
		policy = &empty;
	}
	carry_counters(&fw->policy, fw->cls, policy, cls);
	fw_classifier_free(fw->cls);
	fw_policy_free(&fw->policy);
	fw->policy = *policy;
	fw_policy_init(policy);
	fw->cls = cls;
	fw->counters[FIREWALL_C_RELOADS]++;
	if (++fw->gen == 0) {
		fw->gen = 1;
		firewall_recheck_walk(fw, now_ns, true);
	}
}

/**
 * firewall_set_policy() - compile @policy and make it current; on error
 * nothing changes
 * @fw: firewall
 * @policy: rules, parsed and resolved (fw_policy.h); moved into the
 *          firewall on success (left empty), untouched on error
 * @err: receives the reason on error
 * @errsize: size of @err
 *
 * Compiling a large policy takes time (fw_classify.h); a daemon that must
 * not stall the dataplane compiles on another thread with
 * fw_classifier_build() and hands the result to firewall_swap_policy().
 *
 * Return: 0, or -errno from fw_classifier_build() (-ENOMEM, -E2BIG).
 */
int firewall_set_policy(struct firewall *fw, struct fw_policy *policy,
			char *err, size_t errsize)
{
	struct fw_classifier *cls;
	int ret;

	ret = fw_classifier_build(policy, &cls);
	if (ret) {
		snprintf(err, errsize,
			 "firewall %s: cannot compile the policy (%u rules): "
			 "%s; the old policy stays",
			 fw->name, policy->n_rules, strerror(-ret));
		return ret;
	}
	firewall_swap_policy(fw, policy, cls, fw->ct.now_ms * 1000000ull);
	return 0;
}

/**
 * firewall_recheck_all() - re-judge every flow of an older policy now
 * @fw: firewall
 * @now_ns: monotonic time
 *
 * Flows still allowed get the current generation; denied ones are cut
 * (inline: killed and logged, without RST; one-arm: alerted). O(table
 * size) with a classification per flow: for `dcbox reload --cut-now`,
 * not for every reload (see firewall.h).
 *
 * Return: flows cut (or alerted, one-arm).
 */
unsigned int firewall_recheck_all(struct firewall *fw, uint64_t now_ns)
{
	return firewall_recheck_walk(fw, now_ns, false);
}

/**
 * firewall_set_opts() - change the settings (reload of `non_ip:`, `log:`)
 * @fw: firewall
 * @o: new settings; the rate limits restart with full buckets
 */
void firewall_set_opts(struct firewall *fw, const struct firewall_opts *o)
{
	fw->opts = *o;
	eve_log_set_rate(&fw->eve, o->log_rate, o->log_burst);
	firewall_rate_init(fw);
}

/**
 * firewall_set_log_fd() - write events to another fd (log rotation)
 * @fw: firewall
 * @fd: O_APPEND fd or -1; the caller keeps ownership of both fds
 *
 * Return: 0.
 */
int firewall_set_log_fd(struct firewall *fw, int fd)
{
	return eve_log_set_fd(&fw->eve, fd);
}

/**
 * firewall_set_log_sink() - also hand each flushed event line to @fn
 * (`dcbox alerts -f`)
 * @fw: firewall
 * @fn: callback or NULL
 * @ctx: its context
 */
void firewall_set_log_sink(struct firewall *fw, eve_sink_fn *fn, void *ctx)
{
	eve_log_set_sink(&fw->eve, fn, ctx);
}

/**
 * firewall_tick() - periodic work (the daemon's tick, about once a
 * second; more often makes events appear sooner): expire conntrack
 * entries and IPS flows, write queued events and alerts
 * @fw: firewall
 * @now_ns: monotonic time
 */
void firewall_tick(struct firewall *fw, uint64_t now_ns)
{
	ct_sweep(&fw->ct, now_ns / 1000000, 0);
	eve_log_flush(&fw->eve);
	if (fw->ips)
		firewall_ips_tick(fw, now_ns);
}

/** firewall_name() - the name given at create. @fw: firewall */
const char *firewall_name(const struct firewall *fw)
{
	return fw->name;
}

/** firewall_mode() - inline or one-arm. @fw: firewall */
enum firewall_mode firewall_mode(const struct firewall *fw)
{
	return fw->mode;
}

/**
 * firewall_mode_str() - "inline" or "one-arm"
 * @mode: enum firewall_mode
 *
 * Return: a static string, "?" if unknown.
 */
const char *firewall_mode_str(enum firewall_mode mode)
{
	switch (mode) {
	case FIREWALL_INLINE:
		return "inline";
	case FIREWALL_ONE_ARM:
		return "one-arm";
	}
	return "?";
}

/** firewall_opts() - the current settings. @fw: firewall */
const struct firewall_opts *firewall_opts(const struct firewall *fw)
{
	return &fw->opts;
}

/**
 * firewall_counters() - the counters, indexed by enum firewall_counter
 * @fw: firewall
 *
 * Return: FIREWALL_C_MAX values; names in firewall_counter_names.
 */
const uint64_t *firewall_counters(const struct firewall *fw)
{
	return fw->counters;
}

/**
 * firewall_ct() - the firewall's conntrack table (`show conntrack`)
 * @fw: firewall
 *
 * Return: the table; ct_entry.mark is the layout of firewall_priv.h
 * (generation << 16 | denied << 15 | rule index).
 */
struct ct_table *firewall_ct(struct firewall *fw)
{
	return &fw->ct;
}

/**
 * firewall_policy() - the current rules (texts, lines, default)
 * @fw: firewall
 *
 * Return: the policy; valid until the next swap.
 */
const struct fw_policy *firewall_policy(const struct firewall *fw)
{
	return &fw->policy;
}

/**
 * firewall_classifier() - the current compiled policy (its hits[] and
 * bytes[] are the per-rule counters, [n_rules] the default's)
 * @fw: firewall
 *
 * Return: the classifier; valid until the next swap.
 */
const struct fw_classifier *firewall_classifier(const struct firewall *fw)
{
	return fw->cls;
}

/**
 * firewall_generation() - policy generation: 1 at create, +1 per swap
 * (wrapping from 65535 to 1)
 * @fw: firewall
 *
 * Return: the generation.
 */
uint16_t firewall_generation(const struct firewall *fw)
{
	return fw->gen;
}

/**
 * firewall_eve() - the event log (counters, flush, tests' clock)
 * @fw: firewall
 *
 * Return: the log.
 */
struct eve_log *firewall_eve(struct firewall *fw)
{
	return &fw->eve;
}

/**
 * firewall_rule_stats() - packets and bytes counted for one rule: the
 * first packet of each flow it decided and the later packets of the flows
 * it allowed
 * @fw: firewall
 * @idx: rule index; n_rules for the default
 * @packets: receives the packet count
 * @bytes: receives the IP byte count
 *
 * Return: 0, or -ENOENT if @idx is past the default.
 */
int firewall_rule_stats(const struct firewall *fw, uint32_t idx,
			uint64_t *packets, uint64_t *bytes)
{
	if (idx > fw->cls->n_rules)
		return -ENOENT;
	*packets = fw->cls->hits[idx];
	*bytes = fw->cls->bytes[idx];
	return 0;
}
