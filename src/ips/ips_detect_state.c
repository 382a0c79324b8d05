// SPDX-License-Identifier: MIT
/*
 * ips_detect_state.c - the state detection keeps between inspections:
 * flowbits (in the flow's bit array, struct ips_pktinfo.flowbits) and
 * the threshold / detection_filter trackers (a bounded table in the
 * engine, allocated at build).
 *
 * Thresholds follow Suricata's detect-engine-threshold.c: a tracker per
 * rule and tracked key (by_src: source address, by_dst: destination,
 * by_both: both, by_rule: none) counts events in a window of @seconds
 * that starts with the first event; after the window the next event
 * starts a new one.
 *   limit N:      alert on the first N events of a window;
 *   threshold N:  alert on every Nth event (the count restarts);
 *   both N:       alert once per window, on the Nth event;
 *   detection_filter N: alert on every event after the Nth.
 * The table is open-addressed with a probe window of THRESH_PROBE slots;
 * when every slot of the window is live, the one whose window started
 * longest ago is reused (counted as an eviction): memory stays bounded
 * and a flood of sources costs precision, never memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ips/ips_detect_priv.h"

enum {
	THRESH_PROBE = 8, /* slots looked at per lookup */
	THRESH_MIN = 64,
	THRESH_MAX = 1 << 24,
};

static bool bit_get(const struct ips_pktinfo *p, uint32_t id)
{
	uint32_t w = (id - 1) / 64;

	return id && w < p->n_flowbit_words &&
	       (p->flowbits[w] >> ((id - 1) % 64) & 1);
}

static void bit_op(struct ips_pktinfo *p, uint32_t id, uint8_t op)
{
	uint32_t w = (id - 1) / 64;
	uint64_t m = 1ull << ((id - 1) % 64);

	if (!id || w >= p->n_flowbit_words)
		return;
	if (op == IPS_FLOWBIT_SET)
		p->flowbits[w] |= m;
	else if (op == IPS_FLOWBIT_UNSET)
		p->flowbits[w] &= ~m;
	else if (op == IPS_FLOWBIT_TOGGLE)
		p->flowbits[w] ^= m;
}

/* isset a|b: one set; isset a&b (or a): all set. isnotset mirrors it. */
static bool fb_cond(const struct ips_flowbit *fb, const struct ips_pktinfo *p)
{
	bool want = fb->op == IPS_FLOWBIT_ISSET;
	uint32_t hits = 0;

	for (uint32_t i = 0; i < fb->n_names; i++)
		hits += bit_get(p, fb->ids[i]) == want;
	return fb->any_of ? hits > 0 : hits == fb->n_names;
}

/**
 * ips_detect_fb_test() - a rule's isset / isnotset conditions
 * @r: the rule
 * @p: the inspection (no flowbit array: nothing is set)
 *
 * Return: true if all of them hold.
 */
bool ips_detect_fb_test(const struct ips_rule *r, const struct ips_pktinfo *p)
{
	for (uint32_t i = 0; i < r->n_flowbits; i++) {
		uint8_t op = r->flowbits[i].op;

		if ((op == IPS_FLOWBIT_ISSET || op == IPS_FLOWBIT_ISNOTSET) &&
		    !fb_cond(&r->flowbits[i], p))
			return false;
	}
	return true;
}

/**
 * ips_detect_fb_apply() - apply a matched rule's set / unset / toggle
 * @r: the rule
 * @p: the inspection; without a flowbit array nothing happens
 */
void ips_detect_fb_apply(const struct ips_rule *r, struct ips_pktinfo *p)
{
	if (!p->flowbits)
		return;
	for (uint32_t i = 0; i < r->n_flowbits; i++) {
		const struct ips_flowbit *fb = &r->flowbits[i];

		for (uint32_t k = 0; k < fb->n_names; k++)
			bit_op(p, fb->ids[k], fb->op);
	}
}

/**
 * ips_detect_thresh_init() - allocate the threshold table
 * @t: the table
 * @entries: slots wanted (0: IPS_THRESH_ENTRIES_DEFAULT), rounded up to a
 *           power of two within [64, 2^24]
 *
 * Return: 0, -ENOMEM, or the mutex's error.
 */
int ips_detect_thresh_init(struct ips_thresh_tab *t, uint32_t entries)
{
	uint32_t n = THRESH_MIN;
	int ret;

	if (!entries)
		entries = IPS_THRESH_ENTRIES_DEFAULT;
	while (n < entries && n < THRESH_MAX)
		n <<= 1;
	t->ents = calloc(n, sizeof(*t->ents));
	if (!t->ents)
		return -ENOMEM;
	ret = pthread_mutex_init(&t->lock, NULL);
	if (ret) {
		free(t->ents);
		t->ents = NULL;
		return -ret;
	}
	t->mask = n - 1;
	return 0;
}

/**
 * ips_detect_thresh_fini() - free the threshold table
 * @t: the table (never initialised is fine)
 */
void ips_detect_thresh_fini(struct ips_thresh_tab *t)
{
	if (!t->ents)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t->ents);
	t->ents = NULL;
}

/**
 * ips_detect_thresh_reset() - forget every tracker
 * @t: the table
 */
void ips_detect_thresh_reset(struct ips_thresh_tab *t)
{
	if (!t->ents)
		return;
	pthread_mutex_lock(&t->lock);
	memset(t->ents, 0, (t->mask + 1) * sizeof(*t->ents));
	t->evictions = 0;
	pthread_mutex_unlock(&t->lock);
}

static void addr_of(const struct ips_pktinfo *p, bool src, uint8_t out[16])
{
	uint32_t v4 = src ? p->src4 : p->dst4;

	memset(out, 0, 16);
	if (p->family == 6) {
		memcpy(out, src ? p->src6 : p->dst6, 16);
		return;
	}
	memcpy(out, &v4, sizeof(v4));
}

static void key_of(struct ips_thresh_ent *k, uint32_t slot, uint8_t kind,
		   const struct ips_thresh *th, const struct ips_pktinfo *p)
{
	memset(k, 0, sizeof(*k));
	k->slot = slot + 1;
	k->kind = kind;
	if (th->track == IPS_TRACK_BY_RULE)
		return;
	k->family = p->family;
	addr_of(p, th->track != IPS_TRACK_BY_DST, k->a);
	if (th->track == IPS_TRACK_BY_BOTH)
		addr_of(p, false, k->b);
}

static uint32_t key_hash(const struct ips_thresh_ent *k)
{
	uint32_t h = 2166136261u ^ k->slot ^ ((uint32_t)k->kind << 24);

	for (uint32_t i = 0; i < 16; i++)
		h = (h ^ k->a[i] ^ ((uint32_t)k->b[i] << 8)) * 16777619u;
	return h ^ k->family;
}

static bool key_equal(const struct ips_thresh_ent *a,
		      const struct ips_thresh_ent *b)
{
	return a->slot == b->slot && a->kind == b->kind &&
	       a->family == b->family && !memcmp(a->a, b->a, 16) &&
	       !memcmp(a->b, b->b, 16);
}

/* The tracker for @k: found, a free slot, or the stalest of the window */
static struct ips_thresh_ent *
lookup(struct ips_thresh_tab *t, const struct ips_thresh_ent *k, bool *fresh)
{
	uint32_t h = key_hash(k);
	struct ips_thresh_ent *old = NULL;

	for (uint32_t i = 0; i < THRESH_PROBE; i++) {
		struct ips_thresh_ent *e = &t->ents[(h + i) & t->mask];

		if (e->slot && key_equal(e, k)) {
			*fresh = false;
			return e;
		}
		if (!e->slot) {
			*fresh = true;
			return e;
		}
		if (!old || e->start_ns < old->start_ns)
			old = e;
	}
	t->evictions++;
	*fresh = true;
	return old;
}

/* One event on tracker @e; true if it alerts */
static bool count_event(struct ips_thresh_ent *e, const struct ips_thresh *th,
			uint64_t now, bool fresh)
{
	uint64_t window = (uint64_t)th->seconds * 1000000000ull;

	if (fresh || now - e->start_ns >= window) {
		e->start_ns = now;
		e->count = 0;
	}
	e->count++;
	switch (th->type) {
	case IPS_THRESH_LIMIT:
		return e->count <= th->count;
	case IPS_THRESH_THRESHOLD:
		if (e->count < th->count)
			return false;
		e->count = 0;
		return true;
	case IPS_THRESH_BOTH:
		return e->count == th->count;
	case IPS_THRESH_DETECTION_FILTER:
		return e->count > th->count;
	default:
		return true;
	}
}

static bool thresh_one(struct ips_thresh_tab *t, uint32_t slot, uint8_t kind,
		       const struct ips_thresh *th, const struct ips_pktinfo *p)
{
	struct ips_thresh_ent k, *e;
	bool fresh;

	if (th->type == IPS_THRESH_NONE)
		return true;
	key_of(&k, slot, kind, th, p);
	e = lookup(t, &k, &fresh);
	if (fresh) {
		*e = k;
		e->start_ns = p->now_ns;
	}
	return count_event(e, th, p->now_ns, fresh);
}

/**
 * ips_detect_thresh_ok() - count a match against a rule's
 * detection_filter and threshold
 * @t: the engine's table
 * @slot: the rule's slot
 * @r: the rule
 * @p: the inspection (addresses, now_ns)
 *
 * The detection_filter is counted first; only matches past it count
 * against the threshold (Snort's order: filter, then event filter).
 *
 * Return: true if the rule fires.
 */
bool ips_detect_thresh_ok(struct ips_thresh_tab *t, uint32_t slot,
			  const struct ips_rule *r, const struct ips_pktinfo *p)
{
	bool ok;

	if (!t->ents)
		return true;
	pthread_mutex_lock(&t->lock);
	ok = thresh_one(t, slot, 1, &r->detection_filter, p) &&
	     thresh_one(t, slot, 0, &r->threshold, p);
	pthread_mutex_unlock(&t->lock);
	return ok;
}
