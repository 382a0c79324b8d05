// SPDX-License-Identifier: MIT
/*
 * firewall.c - the firewall's per-packet path: parse, non-IP policy,
 * conntrack, the verdict of a known flow (generation check, lazy re-judge
 * after a reload), the classification of a new flow, the IPS step for
 * what the policy passes (firewall_ips.c), and the per-leg output
 * batches. Rejects are built in firewall_reject.c, events in
 * firewall_log.c, set-up and reload in firewall_config.c.
 *
 * firewall_input() handles a batch in two loops: the first parses every
 * frame into a descriptor array, the second runs each through judge() in
 * order (conntrack requires one packet at a time: an entry pointer is
 * valid only until the next ct call) and queues it for the other leg or
 * frees it. Each leg's batch is handed to tx once at the end (or when it
 * fills up). Nothing is allocated; reject replies come from the pool.
 *
 * Verdicts are counter indices (enum firewall_counter), as in the switch:
 * judge() returns the one counter that describes what happened to the
 * frame, and only FIREWALL_C_PASSED and FIREWALL_C_NON_IP_PASSED forward.
 *
 * Cost per packet of an established flow: parse + ct_process() + one
 * compare of the mark's generation + two counter increments for its rule.
 * The classifier is never touched, so the cost is flat in the rule count
 * (bench/fw_node_bench.c measures it).
 */
#include <string.h>

#include "firewall_priv.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

enum { NS_PER_MS = 1000000 };

static void flush(struct firewall *fw, uint16_t leg)
{
	struct pkt_batch *b = &fw->out[leg];

	fw->tx(fw->tx_ctx, fw->leg_port[leg], b->pkts, b->n);
	b->n = 0;
}

/**
 * firewall_emit() - queue @p for output on @leg (flushed at the end of
 * the input batch, or now if the batch is full)
 * @fw: firewall
 * @leg: 0 or 1
 * @p: frame; ownership passes to the firewall
 */
void firewall_emit(struct firewall *fw, uint16_t leg, struct pkt *p)
{
	struct pkt_batch *b = &fw->out[leg];

	pkt_batch_add(b, p);
	if (unlikely(b->n == PKT_BURST))
		flush(fw, leg);
}

static uint32_t ip_bytes(const struct pkt_meta *m)
{
	return m->payload_off + m->payload_len - m->l3_off;
}

/* The classifier key of a flow's original direction. */
static void key_from_tuple(const struct ct_tuple *tu, struct fw_key *k)
{
	memset(k, 0, sizeof(*k));
	k->v6 = !ct_tuple_is_v4(tu);
	if (!k->v6) {
		k->src = __builtin_bswap32(tu->src.w[3]);
		k->dst = __builtin_bswap32(tu->dst.w[3]);
	}
	k->proto = tu->proto;
	if (tu->proto == 6 || tu->proto == 17) {
		k->sport = tu->sport;
		k->dport = tu->dport;
	}
}

static bool denies(enum fw_action act)
{
	return act != FW_ALLOW;
}

static enum firewall_counter deny_counter(enum fw_action act)
{
	return act == FW_REJECT ? FIREWALL_C_REJECTED : FIREWALL_C_DROPPED;
}

/*
 * A flow the policy denies, at its first packet (@e may be NULL for an
 * untracked packet). Inline: cut, log, answer. One-arm: keep tracking it
 * as denied, alert once.
 */
static enum firewall_counter deny_new(struct firewall *fw,
				      const struct fw_pctx *c,
				      struct ct_entry *e, uint32_t idx,
				      enum fw_action act)
{
	fw->counters[FIREWALL_C_NEW_DENIED]++;
	if (fw->mode == FIREWALL_ONE_ARM) {
		if (e)
			e->mark = fw_mark(fw->gen, idx, true);
		fw->counters[FIREWALL_C_ALERTS]++;
		firewall_log(fw, c, e, idx, FW_EV_ALERT, false, c->now_ns);
		return deny_counter(act);
	}
	firewall_log(fw, c, e, idx, FW_EV_DROP, false, c->now_ns);
	if (e)
		ct_entry_kill(&fw->ct, e);
	if (act == FW_REJECT)
		firewall_reject(fw, c, act, false);
	return deny_counter(act);
}

/* The first packet of a flow (@e created by it), or an untracked one. */
static enum firewall_counter
judge_new(struct firewall *fw, const struct fw_pctx *c, struct ct_entry *e)
{
	struct fw_classifier *cls = fw->cls;
	enum fw_action act;
	struct fw_key k;
	uint32_t idx;

	fw_key_from_meta(c->m, &k);
	idx = fw_classify(cls, &k);
	fw_classifier_count(cls, idx, ip_bytes(c->m));
	act = fw_classifier_action(cls, idx);
	if (denies(act))
		return deny_new(fw, c, e, idx, act);
	if (e) {
		e->mark = fw_mark(fw->gen, idx, false);
		fw->counters[FIREWALL_C_NEW_ALLOWED]++;
		if (fw->opts.log == FIREWALL_LOG_ALL)
			firewall_log(fw, c, e, idx, FW_EV_FLOW, false,
				     c->now_ns);
	}
	return FIREWALL_C_PASSED;
}

/*
 * A packet of a flow judged by an older policy: judge the flow again by
 * its original tuple. Allowed: the packet passes. Denied: inline, the flow
 * is cut (RSTs both ways for TCP); one-arm, it is tracked as denied and
 * alerted if it was allowed before.
 */
static enum firewall_counter
recheck(struct firewall *fw, const struct fw_pctx *c, struct ct_entry *e)
{
	struct fw_classifier *cls = fw->cls;
	bool was_denied = e->mark & FW_MARK_DENIED;
	enum fw_action act;
	struct fw_key k;
	uint32_t idx;

	key_from_tuple(&e->tuple[CT_DIR_ORIG], &k);
	idx = fw_classify(cls, &k);
	fw_classifier_count(cls, idx, ip_bytes(c->m));
	act = fw_classifier_action(cls, idx);
	e->mark = fw_mark(fw->gen, idx, denies(act));
	if (!denies(act)) {
		fw->counters[FIREWALL_C_RECHECK_KEPT]++;
		return FIREWALL_C_PASSED;
	}
	if (fw->mode == FIREWALL_ONE_ARM) {
		if (!was_denied) {
			fw->counters[FIREWALL_C_ALERTS]++;
			firewall_log(fw, c, e, idx, FW_EV_ALERT, true,
				     c->now_ns);
		}
		return deny_counter(act);
	}
	fw->counters[FIREWALL_C_RECHECK_CUT]++;
	firewall_log(fw, c, e, idx, FW_EV_DROP, true, c->now_ns);
	ct_entry_kill(&fw->ct, e);
	firewall_reject(fw, c, act, true);
	return deny_counter(act);
}

/* A packet of a known flow (either direction) or an ICMP error about it. */
static inline enum firewall_counter
judge_known(struct firewall *fw, const struct fw_pctx *c, struct ct_entry *e)
{
	uint32_t mark = e->mark;

	if (unlikely(mark >> FW_MARK_GEN_SHIFT != fw->gen))
		return recheck(fw, c, e);
	fw_classifier_count(fw->cls, mark & FW_MARK_IDX, ip_bytes(c->m));
	if (unlikely(mark & FW_MARK_DENIED))
		return deny_counter(
			fw_classifier_action(fw->cls, mark & FW_MARK_IDX));
	return FIREWALL_C_PASSED;
}

static enum firewall_counter judge_ip(struct firewall *fw,
				      const struct fw_pctx *c)
{
	struct ct_result r;

	switch (ct_process(&fw->ct, pkt_data(c->p), c->m, c->now_ms, &r)) {
	case CT_INVALID:
		return r.reason == CT_INV_FRAGMENT ? FIREWALL_C_DROP_FRAGMENT
						   : FIREWALL_C_INVALID;
	case CT_UNTRACKED:
		return judge_new(fw, c, NULL);
	default:
		break;
	}
	if (r.created)
		return judge_new(fw, c, r.e);
	return judge_known(fw, c, r.e);
}

/* What happens to one parsed frame; @parsed is pkt_parse()'s return. */
static enum firewall_counter judge(struct firewall *fw, const struct fw_pctx *c,
				   int parsed)
{
	const struct pkt_meta *m = c->m;
	enum firewall_counter v;

	if (unlikely(parsed))
		return FIREWALL_C_DROP_PARSE;
	if (unlikely(m->l3 != PKT_L3_IPV4 && m->l3 != PKT_L3_IPV6))
		return fw->opts.non_ip_drop ? FIREWALL_C_NON_IP_DROPPED
					    : FIREWALL_C_NON_IP_PASSED;
	v = judge_ip(fw, c);
	/* what the policy lets through, the IPS looks into */
	if (fw->ips && v == FIREWALL_C_PASSED)
		v = firewall_ips_step(fw, c);
	/* a one-arm monitor inspects all it sees; it never drops */
	else if (fw->ips && fw->mode == FIREWALL_ONE_ARM &&
		 (v == FIREWALL_C_DROPPED || v == FIREWALL_C_REJECTED))
		firewall_ips_step(fw, c);
	return v;
}

static void input_burst(struct firewall *fw, uint16_t leg, struct pkt **pkts,
			unsigned int n, uint64_t now_ns)
{
	struct pkt_meta metas[PKT_BURST];
	int parsed[PKT_BURST];
	struct fw_pctx c = {
		.leg = leg, .now_ns = now_ns, .now_ms = now_ns / NS_PER_MS};
	bool forward = fw->mode == FIREWALL_INLINE;
	uint16_t out = leg ^ 1;
	unsigned int i;

	for (i = 0; i < n; i++)
		parsed[i] =
			pkt_parse(pkt_data(pkts[i]), pkts[i]->len, &metas[i]);
	for (i = 0; i < n; i++) {
		enum firewall_counter v;

		c.p = pkts[i];
		c.m = &metas[i];
		v = judge(fw, &c, parsed[i]);
		fw->counters[v]++;
		if (forward &&
		    (v == FIREWALL_C_PASSED || v == FIREWALL_C_NON_IP_PASSED))
			firewall_emit(fw, out, pkts[i]);
		else
			pkt_free(fw->pool, pkts[i]);
	}
}

/**
 * firewall_input() - judge a batch of frames received on one leg
 * @node: the struct firewall (dp_input_fn)
 * @leg: the leg they arrived on: 0 or 1 inline, 0 one-arm
 * @pkts: the frames, from the firewall's pool; ownership passes here
 * @n: how many; any number (the dataplane gives at most PKT_BURST)
 * @now_ns: monotonic time (conntrack timeouts, rate limits, events)
 *
 * Inline, every frame goes out of the other leg or is dropped with a
 * counted reason; reject replies go out of @leg. One-arm, every frame is
 * judged and freed. tx is called at most once per leg per call (more only
 * if more than PKT_BURST frames go one way) and must not re-enter
 * firewall_input() on the same firewall. Allocates nothing.
 */
void firewall_input(void *node, uint16_t leg, struct pkt **pkts, unsigned int n,
		    uint64_t now_ns)
{
	struct firewall *fw = node;
	unsigned int i;

	fw->counters[FIREWALL_C_RX] += n;
	if (unlikely(leg >= fw->nlegs)) {
		fw->counters[FIREWALL_C_DROP_NO_LEG] += n;
		pkt_free_bulk(fw->pool, pkts, n);
		return;
	}
	for (i = 0; i < n; i += PKT_BURST)
		input_burst(fw, leg, pkts + i,
			    n - i < PKT_BURST ? n - i : PKT_BURST, now_ns);
	for (i = 0; i < FIREWALL_LEGS; i++) {
		if (fw->out[i].n)
			flush(fw, (uint16_t)i);
	}
}

/**
 * firewall_recheck_walk() - re-judge flows of other generations (or all)
 * without a packet: allowed ones get the current generation, denied ones
 * are killed (inline, no RST: no L2 addresses are kept) or marked denied
 * and alerted (one-arm)
 * @fw: firewall
 * @now_ns: monotonic time
 * @all: re-judge every flow, whatever its generation (generation wrap)
 *
 * Return: flows cut (inline) or newly alerted (one-arm).
 */
unsigned int firewall_recheck_walk(struct firewall *fw, uint64_t now_ns,
				   bool all)
{
	uint64_t now_ms = now_ns / NS_PER_MS;
	unsigned int cut = 0;
	uint32_t pos = 0;

	while (ct_next(&fw->ct, &pos, now_ms)) {
		struct ct_entry *e = &fw->ct.entries[pos - 1];
		bool was_denied = e->mark & FW_MARK_DENIED;
		enum fw_action act;
		struct fw_key k;
		uint32_t idx;

		if (!all && e->mark >> FW_MARK_GEN_SHIFT == fw->gen)
			continue;
		key_from_tuple(&e->tuple[CT_DIR_ORIG], &k);
		idx = fw_classify(fw->cls, &k);
		act = fw_classifier_action(fw->cls, idx);
		e->mark = fw_mark(fw->gen, idx, denies(act));
		if (!denies(act)) {
			fw->counters[FIREWALL_C_RECHECK_KEPT]++;
			continue;
		}
		if (fw->mode == FIREWALL_ONE_ARM && was_denied)
			continue;
		cut++;
		if (fw->mode == FIREWALL_ONE_ARM) {
			fw->counters[FIREWALL_C_ALERTS]++;
			firewall_log(fw, NULL, e, idx, FW_EV_ALERT, true,
				     now_ns);
			continue;
		}
		fw->counters[FIREWALL_C_RECHECK_CUT]++;
		firewall_log(fw, NULL, e, idx, FW_EV_DROP, true, now_ns);
		ct_entry_kill(&fw->ct, e);
	}
	return cut;
}
