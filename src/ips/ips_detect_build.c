// SPDX-License-Identifier: MIT
/*
 * ips_detect_build.c - compiling a loaded rule set into a detection
 * engine (control side), the engine's accessors and the per-thread
 * scratch. The per-inspection path is ips_detect.c; flowbits and
 * thresholds are ips_detect_state.c.
 *
 * Theory of operation
 *
 * Every rule gets one fast pattern: the content marked fast_pattern (its
 * fast_pattern:O,L chop if given), else its longest non-negated content,
 * unless more than FP_SHARED_MAX rules picked that same literal and the
 * rule has another non-negated content of at least FP_ALT_MIN bytes
 * that fewer picked: then the least picked of those (longest among
 * equals). Any non-negated content must occur for its rule to match, so
 * the choice changes how many candidates an inspection evaluates, never
 * which rules fire; it keeps a literal common to many rules (a rule
 * generator's "Mozilla/5.0" user agent prefix before the distinctive
 * string, ET's many "User-Agent" checks) from making all of them
 * candidates of almost every request.
 * If a rule can match, that literal occurs in that buffer, so scanning
 * each present buffer once with the fast patterns of that buffer that
 * rules able to match the packet's ports use (a Hyperscan database per
 * buffer and port set, ips_detect_mpm.c) yields a superset of the rules
 * that can match. Identical patterns (same buffer, same bytes,
 * same case rule; nocase patterns compared case-folded) share one
 * Hyperscan id whose list names all their rules: ET Open has thousands of
 * rules sharing "POST" or "GET", and one id each keeps the database small.
 * Rules with no usable content are candidates of every inspection with
 * the first buffer they use; rules that use no buffer at all are checked
 * on packet inspections (header-only) or on their application's events.
 * Those lists are split by packet class and port (ips_detect_group.c), so
 * ET's port-specific scan detectors are not looked at for HTTP traffic.
 *
 * Rejected: a Hyperscan database per full rule group (protocol and
 * port, as Suricata's SGHs) - more build time and memory; only the
 * busiest ports get databases of their own, and only for buffers where
 * that drops many patterns (ET's payload rules for non-HTTP ports: one
 * of them matched nearly every HTTP packet).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ips/ips_detect_priv.h"
#include "ips/ips_http.h"

enum {
	FP_SHARED_MAX = 8, /* rules on one default literal before we look on */
	FP_ALT_MIN = 6, /* bytes of a content picked instead */
};

/* buffer -> application protocol, from the IPS_BUFS table */
static const uint8_t buf_app[IPS_BUF_MAX] = {
#define BUF_APP(e, s, app) [IPS_BUF_##e] = app,
	IPS_BUFS(BUF_APP)
#undef BUF_APP
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/**
 * ips_detect_calloc() - calloc that counts what the engine holds
 * @e: the engine being built
 * @n: elements (0 allocates one, so a result is never NULL but on error)
 * @size: bytes of one
 *
 * Return: zeroed memory, NULL when out of memory.
 */
void *ips_detect_calloc(struct ips_engine *e, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p)
		e->mem += (n ? n : 1) * size;
	return p;
}

/**
 * struct fp - a rule's fast pattern
 * @bytes: the literal
 * @len: its length (0: the rule has none)
 * @buf: its buffer
 * @nocase: caseless
 */
struct fp {
	const uint8_t *bytes;
	uint32_t len;
	uint8_t buf;
	bool nocase;
};

static bool usable_content(const struct ips_match *m)
{
	return m->kind == IPS_MATCH_CONTENT &&
	       !(m->content.flags & IPS_CONTENT_NEGATED) && m->content.len;
}

static struct fp content_fp(const struct ips_match *m)
{
	const struct ips_content *c = &m->content;

	return (struct fp){c->bytes, c->len, m->buf,
			   !!(c->flags & IPS_CONTENT_NOCASE)};
}

static struct fp fast_pattern(const struct ips_rule *r)
{
	const struct ips_match *best = NULL;
	const struct ips_content *c;
	struct fp fp = {0};

	if (r->fast_pattern >= 0 && (uint32_t)r->fast_pattern < r->n_matches &&
	    usable_content(&r->matches[r->fast_pattern]))
		best = &r->matches[r->fast_pattern];
	for (uint32_t i = 0; !best && i < r->n_matches; i++) {
		/* the longest; the first among equals */
		if (usable_content(&r->matches[i]) &&
		    (!fp.len || r->matches[i].content.len > fp.len)) {
			fp.len = r->matches[i].content.len;
			fp.buf = (uint8_t)i;
		}
	}
	if (!best && fp.len)
		best = &r->matches[fp.buf];
	if (!best)
		return (struct fp){0};
	c = &best->content;
	fp = content_fp(best);
	if ((c->flags & IPS_CONTENT_FP_CHOP) && c->fp_len &&
	    (uint32_t)c->fp_offset + c->fp_len <= c->len) {
		fp.bytes = c->bytes + c->fp_offset;
		fp.len = c->fp_len;
	}
	return fp;
}

static uint8_t proto_mask(uint8_t proto)
{
	switch (proto) {
	case IPS_PROTO_TCP:
	case IPS_PROTO_HTTP:
	case IPS_PROTO_TLS:
		return IPS_PBIT_TCP;
	case IPS_PROTO_UDP:
		return IPS_PBIT_UDP;
	case IPS_PROTO_DNS:
		return IPS_PBIT_TCP | IPS_PBIT_UDP;
	case IPS_PROTO_ICMP:
		return IPS_PBIT_ICMP;
	default:
		return 0;
	}
}

static uint32_t flowbit_flags(const struct ips_rule *r)
{
	uint32_t f = 0;

	for (uint32_t i = 0; i < r->n_flowbits; i++) {
		uint8_t op = r->flowbits[i].op;

		if (op == IPS_FLOWBIT_ISSET || op == IPS_FLOWBIT_ISNOTSET)
			f |= IPS_DR_FB_TEST;
		else
			f |= IPS_DR_FB_ACT;
	}
	return f;
}

/* buffers only a response has: a rule testing one is a response rule */
#define RESPONSE_BUFS                                                          \
	((1ull << IPS_BUF_HTTP_STAT_CODE) | (1ull << IPS_BUF_HTTP_STAT_MSG) |  \
	 (1ull << IPS_BUF_HTTP_RESPONSE_LINE) |                                \
	 (1ull << IPS_BUF_HTTP_RESPONSE_BODY) |                                \
	 (1ull << IPS_BUF_HTTP_LOCATION) | (1ull << IPS_BUF_HTTP_SERVER))

/* The buffers a rule tests (its conditions' and urilen's) */
static uint64_t rule_bufs(const struct ips_rule *r)
{
	uint64_t m = ips_match_buf_mask(r);

	if (r->urilen.op != IPS_NUM_NONE)
		m |= 1ull << (r->urilen_raw ? IPS_BUF_HTTP_URI_RAW
					    : IPS_BUF_HTTP_URI);
	return m;
}

/**
 * ips_detect_request_rule() - is @r a request rule: it tests HTTP request
 * buffers (IPS_HTTP_TXN_BUFS, which a response event also carries), no
 * response-only buffer, and has no flow:to_client? Detection takes such a
 * rule as to_server (ips_detect.h).
 * @r: the rule
 *
 * Return: true if it is.
 */
bool ips_detect_request_rule(const struct ips_rule *r)
{
	uint64_t m = rule_bufs(r);

	return (m & IPS_HTTP_TXN_BUFS) && !(m & RESPONSE_BUFS) &&
	       !(r->flow & IPS_FLOW_TO_CLIENT);
}

static void drule_init(struct ips_drule *d, const struct ips_rule *r,
		       uint32_t idx)
{
	uint32_t f = flowbit_flags(r);

	d->r = r;
	d->idx = idx;
	d->bufs = rule_bufs(r);
	d->flow = r->flow;
	if (ips_detect_request_rule(r))
		d->flow |= IPS_FLOW_TO_SERVER;
	d->proto_mask = proto_mask(r->proto);
	d->app = r->app;
	d->fp_buf = IPS_BUF_MAX;
	if (ips_addrs_is_any(&r->src))
		f |= IPS_DR_SRC_ANY;
	if (ips_addrs_is_any(&r->dst))
		f |= IPS_DR_DST_ANY;
	if (ips_set_is_full(&r->sport, IPS_PORT_MAX))
		f |= IPS_DR_SPORT_ANY;
	if (ips_set_is_full(&r->dport, IPS_PORT_MAX))
		f |= IPS_DR_DPORT_ANY;
	if (r->threshold.type != IPS_THRESH_NONE ||
	    r->detection_filter.type != IPS_THRESH_NONE)
		f |= IPS_DR_THRESH;
	if (r->n_matches)
		f |= IPS_DR_PAYLOAD;
	if (!d->bufs)
		f |= r->app != IPS_APP_NONE ? IPS_DR_APP_ONLY : IPS_DR_HDR_ONLY;
	d->flags = f;
}

static enum ips_drule_rank rank_of(const struct ips_drule *d)
{
	uint32_t fb = d->flags & (IPS_DR_FB_ACT | IPS_DR_FB_TEST);

	if (d->r->action == IPS_ACT_PASS)
		return IPS_RANK_PASS;
	if (fb == IPS_DR_FB_ACT)
		return IPS_RANK_FB_SET;
	if (fb == (IPS_DR_FB_ACT | IPS_DR_FB_TEST))
		return IPS_RANK_FB_SET_TEST;
	return IPS_RANK_OTHER;
}

/* Rules by slot: a stable counting sort of the load order by rank */
static int order_rules(struct ips_engine *e, struct ips_ruleset *rs)
{
	uint32_t count[IPS_RANK_OTHER + 2] = {0};
	struct ips_drule d;

	e->rules = ips_detect_calloc(e, rs->n_rules, sizeof(*e->rules));
	e->slot_of = ips_detect_calloc(e, rs->n_rules, sizeof(*e->slot_of));
	e->hits = ips_detect_calloc(e, rs->n_rules, sizeof(*e->hits));
	if (!e->rules || !e->slot_of || !e->hits)
		return -ENOMEM;
	for (uint32_t i = 0; i < rs->n_rules; i++) {
		drule_init(&d, &rs->rules[i], i);
		count[rank_of(&d) + 1]++;
	}
	for (uint32_t k = 1; k <= IPS_RANK_OTHER + 1; k++)
		count[k] += count[k - 1];
	for (uint32_t i = 0; i < rs->n_rules; i++) {
		drule_init(&d, &rs->rules[i], i);
		e->slot_of[i] = count[rank_of(&d)]++;
		e->rules[e->slot_of[i]] = d;
	}
	e->n_rules = rs->n_rules;
	return 0;
}

static int prepare_rules(struct ips_ruleset *rs, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < rs->n_rules; i++) {
		struct ips_rule *r = &rs->rules[i];
		int ret = ips_match_prepare(r);

		if (ret) {
			snprintf(err, errlen,
				 "%s:%u: sid %u: cannot prepare "
				 "its conditions (%d)",
				 r->file ? r->file : "-", r->line, r->sid, ret);
			return ret;
		}
	}
	return 0;
}

/**
 * struct pat_tab - distinct fast patterns while building
 * @fps: by pattern id
 * @counts: rules per pattern id
 * @n: patterns
 * @idx: open-addressing table of pattern id + 1
 * @mask: its slots - 1
 */
struct pat_tab {
	struct fp *fps;
	uint32_t *counts;
	uint32_t n;
	uint32_t *idx;
	uint32_t mask;
};

static uint8_t fold(uint8_t c, bool nocase)
{
	return nocase && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static uint32_t fp_hash(const struct fp *fp)
{
	uint32_t h = 2166136261u ^ fp->buf ^ (fp->nocase << 8);

	for (uint32_t i = 0; i < fp->len; i++)
		h = (h ^ fold(fp->bytes[i], fp->nocase)) * 16777619u;
	return h;
}

static bool fp_equal(const struct fp *a, const struct fp *b)
{
	if (a->buf != b->buf || a->nocase != b->nocase || a->len != b->len)
		return false;
	for (uint32_t i = 0; i < a->len; i++)
		if (fold(a->bytes[i], a->nocase) !=
		    fold(b->bytes[i], b->nocase))
			return false;
	return true;
}

/* The pattern id of @fp, added if new */
static uint32_t pat_intern(struct pat_tab *t, const struct fp *fp)
{
	uint32_t h = fp_hash(fp) & t->mask;

	while (t->idx[h]) {
		if (fp_equal(&t->fps[t->idx[h] - 1], fp))
			return t->idx[h] - 1;
		h = (h + 1) & t->mask;
	}
	t->fps[t->n] = *fp;
	t->idx[h] = ++t->n;
	return t->n - 1;
}

/* The pattern id of @fp, or UINT32_MAX if it is not in @t */
static uint32_t pat_find(const struct pat_tab *t, const struct fp *fp)
{
	uint32_t h = fp_hash(fp) & t->mask;

	while (t->idx[h]) {
		if (fp_equal(&t->fps[t->idx[h] - 1], fp))
			return t->idx[h] - 1;
		h = (h + 1) & t->mask;
	}
	return UINT32_MAX;
}

/*
 * @fp is @r's default fast pattern, which @def (every rule's default,
 * with counts) says too many rules share: the rule's least shared other
 * content of at least FP_ALT_MIN bytes if that is shared less, else @fp.
 */
static struct fp less_shared(const struct ips_rule *r, struct fp fp,
			     const struct pat_tab *def)
{
	uint32_t id = pat_find(def, &fp),
		 best = id < def->n ? def->counts[id] : 0;

	if (best <= FP_SHARED_MAX || r->fast_pattern >= 0)
		return fp;
	for (uint32_t i = 0; i < r->n_matches; i++) {
		const struct ips_match *m = &r->matches[i];
		struct fp alt;
		uint32_t n;

		if (!usable_content(m) || m->content.len < FP_ALT_MIN)
			continue;
		alt = content_fp(m);
		id = pat_find(def, &alt);
		n = id < def->n ? def->counts[id] : 0;
		if (n < best || (n == best && alt.len > fp.len)) {
			best = n;
			fp = alt;
		}
	}
	return fp;
}

/* CSR lists from per-slot keys: key[slot] < n_lists or UINT32_MAX */
static int csr_build(struct ips_engine *e, struct ips_list *l,
		     const uint32_t *key, uint32_t n_lists)
{
	uint32_t total = 0;

	l->start = ips_detect_calloc(e, n_lists + 1, sizeof(*l->start));
	if (!l->start)
		return -ENOMEM;
	for (uint32_t s = 0; s < e->n_rules; s++)
		if (key[s] < n_lists) {
			l->start[key[s] + 1]++;
			total++;
		}
	l->slots = ips_detect_calloc(e, total, sizeof(*l->slots));
	if (!l->slots)
		return -ENOMEM;
	for (uint32_t k = 0; k < n_lists; k++)
		l->start[k + 1] += l->start[k];
	/* fill in slot order, using start[] as cursors, then shift back */
	for (uint32_t s = 0; s < e->n_rules; s++)
		if (key[s] < n_lists)
			l->slots[l->start[key[s]]++] = s;
	for (uint32_t k = n_lists; k > 0; k--)
		l->start[k] = l->start[k - 1];
	l->start[0] = 0;
	return 0;
}

/* The patterns of @t for ips_detect_mpm_build() */
static int build_dbs(struct ips_engine *e, const struct pat_tab *t,
		     const uint32_t *pat_of, char *err, size_t errlen)
{
	struct ips_mpm_pattern *pats = calloc(t->n ? t->n : 1, sizeof(*pats));
	uint8_t *buf = calloc(t->n ? t->n : 1, sizeof(*buf));
	int ret = -ENOMEM;

	e->mpm_len = ips_detect_calloc(e, t->n ? t->n : 1, sizeof(*e->mpm_len));
	if (pats && buf && e->mpm_len) {
		for (uint32_t id = 0; id < t->n; id++) {
			const struct fp *fp = &t->fps[id];

			pats[id] = (struct ips_mpm_pattern){fp->bytes, fp->len,
							    id, fp->nocase};
			buf[id] = fp->buf;
			e->mpm_len[id] = fp->len;
			if (fp->buf == IPS_BUF_PAYLOAD &&
			    fp->len - 1 > e->pay_overlap)
				e->pay_overlap = fp->len - 1;
		}
		ret = ips_detect_mpm_build(e, pats, buf, t->n, pat_of, err,
					   errlen);
	}
	free(pats);
	free(buf);
	return ret;
}

/* gl[slot]: the group list of each rule without a fast pattern */
static void group_lists(const struct ips_engine *e, const uint32_t *pat_of,
			uint32_t *gl)
{
	for (uint32_t s = 0; s < e->n_rules; s++) {
		const struct ips_drule *d = &e->rules[s];

		if (pat_of[s] != UINT32_MAX)
			gl[s] = UINT32_MAX;
		else if (d->bufs)
			gl[s] = (uint32_t)__builtin_ctzll(d->bufs);
		else if (d->flags & IPS_DR_APP_ONLY)
			gl[s] = IPS_GL_APP + d->app;
		else
			gl[s] = IPS_GL_HDR;
	}
}

static int build_lists(struct ips_engine *e, const uint32_t *pat_of)
{
	uint32_t *gl = calloc(e->n_rules ? e->n_rules : 1, sizeof(*gl));
	int ret;

	if (!gl)
		return -ENOMEM;
	group_lists(e, pat_of, gl);
	ret = csr_build(e, &e->pats, pat_of, e->n_pats);
	if (!ret)
		ret = ips_detect_groups_build(e, gl);
	free(gl);
	for (uint32_t s = 0; s < e->n_rules; s++) {
		if (pat_of[s] != UINT32_MAX)
			e->stats.n_prefiltered++;
		if (e->rules[s].bufs == 1ull << IPS_BUF_PAYLOAD)
			e->n_raw++;
		else if (e->rules[s].flags & IPS_DR_HDR_ONLY)
			e->n_hdr++;
	}
	e->stats.n_always = e->n_rules - e->stats.n_prefiltered;
	return ret;
}

static int pat_tab_init(struct pat_tab *t, uint32_t n_rules)
{
	uint32_t cap = 64;

	while (cap < 2 * n_rules)
		cap <<= 1;
	t->fps = calloc(n_rules ? n_rules : 1, sizeof(*t->fps));
	t->idx = calloc(cap, sizeof(*t->idx));
	t->mask = cap - 1;
	t->n = 0;
	if (!t->fps || !t->idx)
		return -ENOMEM;
	return 0;
}

/* Every rule's default fast pattern in @def, with how many rules have it */
static int count_defaults(struct ips_engine *e, struct pat_tab *def)
{
	if (pat_tab_init(def, e->n_rules))
		return -ENOMEM;
	def->counts = calloc(e->n_rules ? e->n_rules : 1, sizeof(*def->counts));
	if (!def->counts)
		return -ENOMEM;
	for (uint32_t s = 0; s < e->n_rules; s++) {
		struct fp fp = fast_pattern(e->rules[s].r);

		if (fp.len)
			def->counts[pat_intern(def, &fp)]++;
	}
	return 0;
}

/* Fast patterns, their Hyperscan databases and the candidate lists */
static int build_prefilter(struct ips_engine *e, char *err, size_t errlen)
{
	uint32_t *pat_of = calloc(e->n_rules ? e->n_rules : 1, sizeof(*pat_of));
	struct pat_tab t = {0}, def = {0};
	int ret = -ENOMEM;

	if (!pat_of || pat_tab_init(&t, e->n_rules) ||
	    (!e->naive && count_defaults(e, &def)))
		goto out;
	for (uint32_t s = 0; s < e->n_rules; s++) {
		struct fp fp = {0};

		if (!e->naive) {
			fp = fast_pattern(e->rules[s].r);
			if (fp.len)
				fp = less_shared(e->rules[s].r, fp, &def);
		}
		/* a prefix is as good a prefilter; a short one keeps the
		 * raw stream's rescanned overlap short (ips_detect.h) */
		if (fp.buf == IPS_BUF_PAYLOAD && fp.len > IPS_MPM_PAY_LIT_MAX)
			fp.len = IPS_MPM_PAY_LIT_MAX;
		pat_of[s] = fp.len ? pat_intern(&t, &fp) : UINT32_MAX;
		if (fp.len)
			e->rules[s].fp_buf = fp.buf;
	}
	e->n_pats = t.n;
	e->stats.n_patterns = t.n;
	ret = build_lists(e, pat_of);
	if (!ret)
		ret = build_dbs(e, &t, pat_of, err, errlen);
out:
	free(pat_of);
	free(t.fps);
	free(t.idx);
	free(def.fps);
	free(def.idx);
	free(def.counts);
	return ret;
}

static bool has_thresholds(const struct ips_engine *e)
{
	for (uint32_t s = 0; s < e->n_rules; s++)
		if (e->rules[s].flags & IPS_DR_THRESH)
			return true;
	return false;
}

static void app_masks(struct ips_engine *e)
{
	for (uint32_t b = 0; b < IPS_BUF_MAX; b++)
		if (buf_app[b] != IPS_APP_NONE)
			e->app_bufs[buf_app[b]] |= 1ull << b;
}

static int engine_compile(struct ips_engine *e, struct ips_ruleset *rs,
			  const struct ips_engine_cfg *cfg, char *err,
			  size_t errlen)
{
	uint64_t t0;
	int ret;

	e->naive = cfg && cfg->naive;
	app_masks(e);
	e->fb_words = (rs->n_flowbits + 63) / 64;
	t0 = now_ns();
	ret = prepare_rules(rs, err, errlen);
	e->stats.prepare_ns = now_ns() - t0;
	if (ret)
		return ret;
	ret = order_rules(e, rs);
	if (!ret)
		ret = build_prefilter(e, err, errlen);
	if (!ret && has_thresholds(e))
		ret = ips_detect_thresh_init(&e->thresh,
					     cfg ? cfg->thresh_entries : 0);
	if (ret == -ENOMEM && err && errlen && !*err)
		snprintf(err, errlen, "out of memory building the engine");
	return ret;
}

/**
 * ips_engine_build() - compile a loaded rule set into a detection engine
 * @out: the engine on success
 * @rs: the rule set; on success it is moved into the engine and reset to
 *      an empty set (the engine frees the rules); on failure the caller
 *      still owns it (its pcre may have been JIT-compiled)
 * @cfg: options, or NULL for the defaults
 * @err: on failure, what went wrong (a rule's file:line, a pattern)
 * @errlen: bytes of @err
 *
 * Return: 0, -EINVAL (Hyperscan refused a pattern; a rule's conditions
 * could not be prepared), -ENOMEM.
 */
int ips_engine_build(struct ips_engine **out, struct ips_ruleset *rs,
		     const struct ips_engine_cfg *cfg, char *err, size_t errlen)
{
	uint64_t t0 = now_ns();
	struct ips_engine *e;
	int ret;

	*out = NULL;
	if (err && errlen)
		*err = '\0';
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->mem = sizeof(*e);
	ret = engine_compile(e, rs, cfg, err, errlen);
	if (ret) {
		ips_ruleset_init(&e->rs); /* not moved: keep the caller's */
		ips_engine_free(e);
		return ret;
	}
	e->rs = *rs;
	ips_ruleset_init(rs);
	/* slots point into the moved array, which did not move in memory */
	e->stats.n_rules = e->n_rules;
	e->stats.build_ns = now_ns() - t0;
	*out = e;
	return 0;
}

static void list_free(struct ips_list *l)
{
	free(l->start);
	free(l->slots);
}

/**
 * ips_engine_free() - free an engine and the rules it owns
 * @e: the engine, or NULL; no scratch made for it may be used afterwards
 */
void ips_engine_free(struct ips_engine *e)
{
	if (!e)
		return;
	ips_detect_mpm_free(e);
	list_free(&e->pats);
	ips_detect_groups_free(&e->groups);
	ips_detect_thresh_fini(&e->thresh);
	free(e->rules);
	free(e->slot_of);
	free(e->hits);
	free(e->mpm_len);
	ips_ruleset_free(&e->rs);
	free(e);
}

/**
 * ips_engine_ruleset() - the rule set an engine owns
 * @e: the engine
 *
 * Return: the rule set (rules, flowbit names, load statistics).
 */
const struct ips_ruleset *ips_engine_ruleset(const struct ips_engine *e)
{
	return &e->rs;
}

/**
 * ips_engine_rule_count() - rules in an engine
 * @e: the engine
 *
 * Return: the number of rules (rule-set indexes are 0 .. this - 1).
 */
uint32_t ips_engine_rule_count(const struct ips_engine *e)
{
	return e->n_rules;
}

/**
 * ips_engine_rule() - a rule by its rule-set index
 * @e: the engine
 * @idx: the index
 *
 * Return: the rule, or NULL if @idx is out of range.
 */
const struct ips_rule *ips_engine_rule(const struct ips_engine *e, uint32_t idx)
{
	return idx < e->n_rules ? &e->rs.rules[idx] : NULL;
}

/**
 * ips_engine_flowbit_words() - size of a flow's flowbit array
 * @e: the engine
 *
 * Return: 64-bit words a flow needs for struct ips_pktinfo.flowbits (0 if
 * no rule uses flowbits). A flow kept over a reload must be given an
 * array of the new engine's size (flowbit numbers are per rule set).
 */
uint32_t ips_engine_flowbit_words(const struct ips_engine *e)
{
	return e->fb_words;
}

/**
 * ips_engine_hits() - how often a rule fired
 * @e: the engine
 * @idx: rule-set index
 *
 * Return: times the rule fired (matched and passed its threshold,
 * noalert rules included) since the build or ips_engine_reset_state();
 * 0 for an index out of range.
 */
uint64_t ips_engine_hits(const struct ips_engine *e, uint32_t idx)
{
	if (idx >= e->n_rules)
		return 0;
	return __atomic_load_n(&e->hits[e->slot_of[idx]], __ATOMIC_RELAXED);
}

/**
 * ips_engine_payload_overlap() - how far before new bytes a partial scan
 * of a stream window must start (struct ips_detect_opts)
 * @e: the engine
 *
 * Return: the longest payload fast pattern's length - 1, at most
 * IPS_MPM_PAY_LIT_MAX - 1; UINT32_MAX for a naive engine (it scans
 * nothing, so windows are never scanned in part).
 */
uint32_t ips_engine_payload_overlap(const struct ips_engine *e)
{
	return e->naive ? UINT32_MAX : e->pay_overlap;
}

/**
 * ips_engine_raw_inspects() - can a raw inspection (only the payload
 * buffer present) fire any rule of this engine?
 * @e: the engine
 * @packet: a packet inspection (header-only rules count), else a stream
 *          window
 *
 * Return: false when such an inspection cannot fire anything, so the
 * inspector may skip it (an engine of HTTP rules has nothing to do with
 * raw TCP payload).
 */
bool ips_engine_raw_inspects(const struct ips_engine *e, bool packet)
{
	return e->n_raw || (packet && e->n_hdr);
}

static uint64_t rules_memory(const struct ips_ruleset *rs)
{
	uint64_t m = (uint64_t)rs->cap * sizeof(*rs->rules);

	for (uint32_t i = 0; i < rs->n_rules; i++) {
		const struct ips_rule *r = &rs->rules[i];

		m += r->n_matches * sizeof(*r->matches);
		if (r->msg)
			m += strlen(r->msg) + 1;
		for (uint32_t k = 0; k < r->n_matches; k++)
			if (r->matches[k].kind == IPS_MATCH_CONTENT)
				m += r->matches[k].content.len;
	}
	return m;
}

/**
 * ips_engine_memory() - memory an engine holds
 * @e: the engine
 *
 * Return: bytes: its tables, the Hyperscan databases, the threshold table
 * and an estimate of the rules themselves (not counting compiled pcre).
 */
uint64_t ips_engine_memory(const struct ips_engine *e)
{
	uint64_t m = e->mem + rules_memory(&e->rs);

	m += ips_detect_mpm_size(e);
	if (e->thresh.ents)
		m += (uint64_t)(e->thresh.mask + 1) * sizeof(*e->thresh.ents);
	return m;
}

/**
 * ips_engine_stats() - what the build produced, with live counters
 * @e: the engine
 * @st: filled in
 */
void ips_engine_stats(const struct ips_engine *e, struct ips_engine_stats *st)
{
	*st = e->stats;
	st->memory = ips_engine_memory(e);
	st->thresh_evictions =
		__atomic_load_n(&e->thresh.evictions, __ATOMIC_RELAXED);
}

/**
 * ips_engine_reset_state() - forget hit counts and threshold state
 * @e: the engine; no ips_detect() may run on it meanwhile
 */
void ips_engine_reset_state(struct ips_engine *e)
{
	memset(e->hits, 0, e->n_rules * sizeof(*e->hits));
	ips_detect_thresh_reset(&e->thresh);
}

/**
 * ips_scratch_new() - working memory for one thread running ips_detect()
 * @e: the engine it will be used with (only that one: after a reload,
 *     make a new scratch for the new engine)
 *
 * Return: the scratch, or NULL when out of memory.
 */
struct ips_scratch *ips_scratch_new(const struct ips_engine *e)
{
	uint32_t n = e->n_rules ? e->n_rules : 1;
	struct ips_scratch *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->e = e;
	s->lo = UINT32_MAX;
	s->bits = calloc((n + 63) / 64, sizeof(*s->bits));
	s->cands = calloc(n, sizeof(*s->cands));
	if (!s->bits || !s->cands)
		goto err;
	if (ips_detect_mpm_scratch(e, &s->hs))
		goto err;
	if (ips_match_ctx_init(&s->mctx))
		goto err;
	return s;
err:
	/* the match context is not initialised on any path here */
	ips_mpm_scratch_free(s->hs);
	free(s->bits);
	free(s->cands);
	free(s);
	return NULL;
}

/**
 * ips_scratch_free() - free a scratch
 * @s: the scratch, or NULL
 */
void ips_scratch_free(struct ips_scratch *s)
{
	if (!s)
		return;
	ips_match_ctx_fini(&s->mctx);
	ips_mpm_scratch_free(s->hs);
	free(s->bits);
	free(s->cands);
	free(s);
}
