// SPDX-License-Identifier: MIT
/*
 * ips_match.c - evaluates one rule's payload conditions (struct ips_match,
 * in rule order) against the inspection buffers of one inspection, with
 * Suricata's semantics: content and its modifiers, pcre (PCRE2, JIT),
 * byte_test, byte_jump, isdataat and bsize (the byte-level ones are in
 * ips_match_byte.c). The detection engine (ips_detect.c) calls it for
 * every candidate rule.
 *
 * Theory of operation
 *
 * A rule's conditions form one chain per buffer: the conditions tagged
 * with that buffer, in rule order. Each chain is evaluated on its own,
 * with a position that starts at 0 and that a content, pcre or byte_jump
 * moves to the end of what it matched (a negated content or pcre and the
 * tests leave it). Relative conditions read the position; absolute ones do
 * not. Every chain must match.
 *
 * A content or pcre may match in several places, and the first place is
 * not always the one the rest of the chain needs (content:"a"; content:
 * "b"; distance:0; within:1; against "a.ab"). So the chain is evaluated
 * depth first: each content/pcre tries its occurrences in order, and for
 * each one evaluates the rest of the chain, until the rest matches. To
 * keep that from exploding on hostile data, every condition evaluated
 * costs one step of a budget per chain (Suricata's inspection recursion
 * limit), and a failing rest of the chain reports *why* it failed so the
 * search stops when no other occurrence can help:
 *
 *   RES_STOP       fails whatever the earlier conditions did: it failed
 *                  on something that does not depend on the position (an
 *                  absolute condition), or the budget ran out;
 *   RES_FAIL_LATER fails at this position and at every later one (a
 *                  content with distance but no within only loses
 *                  candidates when its start moves right; so does
 *                  isdataat:N,relative);
 *   RES_FAIL       fails here, another position might do.
 *
 * A content whose rest reports RES_FAIL_LATER skips its later occurrences
 * (they all end later); a chain's first condition returning anything but
 * RES_MATCH fails the chain. Rejected: Suricata's shortcut of retrying a
 * content only when the next one has within, which misses matches behind
 * a relative pcre or a negated isdataat.
 *
 * Memory: the per-thread struct ips_match_ctx holds the PCRE2 match data,
 * match contexts and JIT stack; nothing is allocated per evaluation. The
 * ovector is shared, so a pcre copies its match out before the rest of
 * the chain runs.
 */
#include <errno.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ips/ips_match.h"
#include "ips/ips_match_priv.h"

enum {
	RES_STOP = -1,
	RES_FAIL = 0,
	RES_MATCH = 1,
	RES_FAIL_LATER = 2,
};

/* One buffer's chain being evaluated. */
struct chain {
	const struct ips_rule *r;
	const uint8_t *p;
	uint32_t len;
	uint8_t buf;
	struct ips_match_ctx *m;
};

static const char *const counter_names[] = {
#define IPS_MATCH_CNT_NAME(e, s) s,
	IPS_MATCH_COUNTERS(IPS_MATCH_CNT_NAME)
#undef IPS_MATCH_CNT_NAME
};

static int eval_from(struct chain *c, uint32_t i, uint32_t pos);

static inline uint8_t fold(uint8_t c)
{
	return (uint8_t)(c - 'A') < 26 ? c + 32 : c;
}

static bool eq_nocase(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (fold(a[i]) != fold(b[i]))
			return false;
	return true;
}

/* The first nocase occurrence of @pat in @h: memchr for both cases of
 * the first byte, each advanced only when passed, so the scan stays
 * linear. */
static const uint8_t *find_nocase(const uint8_t *h, uint32_t hlen,
				  const uint8_t *pat, uint32_t plen)
{
	uint8_t lo = fold(pat[0]);
	uint8_t up = (uint8_t)(lo - 'a') < 26 ? lo - 32 : lo;
	const uint8_t *end, *a, *b, *at;

	if (plen > hlen)
		return NULL;
	end = h + hlen - plen + 1; /* candidates are [h, end) */
	a = memchr(h, lo, end - h);
	b = up != lo ? memchr(h, up, end - h) : NULL;
	while (a || b) {
		at = !b || (a && a < b) ? a : b;
		if (eq_nocase(at + 1, pat + 1, plen - 1))
			return at;
		if (at == a)
			a = at + 1 < end ? memchr(at + 1, lo, end - at - 1)
					 : NULL;
		else
			b = at + 1 < end ? memchr(at + 1, up, end - at - 1)
					 : NULL;
	}
	return NULL;
}

static bool eq_at(const struct chain *c, const struct ips_content *ct,
		  int64_t at)
{
	if (ct->flags & IPS_CONTENT_NOCASE)
		return eq_nocase(c->p + at, ct->bytes, ct->len);
	return !memcmp(c->p + at, ct->bytes, ct->len);
}

/* The first occurrence of @ct starting in [start, end - len], or -1. */
static int64_t find(const struct chain *c, const struct ips_content *ct,
		    int64_t start, int64_t end)
{
	const uint8_t *hit;
	int64_t at;

	if (start < 0 || end - start < ct->len)
		return -1;
	if (ct->flags & (IPS_CONTENT_STARTSWITH | IPS_CONTENT_ENDSWITH)) {
		at = ct->flags & IPS_CONTENT_STARTSWITH ? 0 : c->len - ct->len;
		if ((ct->flags & IPS_CONTENT_ENDSWITH) &&
		    at != (int64_t)c->len - ct->len)
			return -1; /* startswith and endswith: all of it */
		if (at < start || at + ct->len > end)
			return -1;
		return eq_at(c, ct, at) ? at : -1;
	}
	if (ct->flags & IPS_CONTENT_NOCASE)
		hit = find_nocase(c->p + start, end - start, ct->bytes,
				  ct->len);
	else
		hit = memmem(c->p + start, end - start, ct->bytes, ct->len);
	return hit ? hit - c->p : -1;
}

static bool is_relative(const struct ips_content *ct)
{
	return ct->flags & (IPS_CONTENT_DISTANCE | IPS_CONTENT_WITHIN);
}

/*
 * The window [*start, *end) @ct may match in, @pos being the end of the
 * previous match. Absolute: offset, offset + depth. Relative: pos +
 * distance (at least 0), pos + distance + within (the parser never mixes
 * the two kinds).
 */
static void window(const struct ips_content *ct, uint32_t pos, uint32_t len,
		   int64_t *start, int64_t *end)
{
	int64_t s = 0, e = len, d;

	if (is_relative(ct)) {
		d = ct->flags & IPS_CONTENT_DISTANCE ? ct->distance : 0;
		s = (int64_t)pos + d;
		if (ct->flags & IPS_CONTENT_WITHIN && s + ct->within < e)
			e = s + ct->within;
		if (s < 0)
			s = 0;
	} else {
		if (ct->flags & IPS_CONTENT_OFFSET)
			s = ct->offset;
		if (ct->flags & IPS_CONTENT_DEPTH && s + ct->depth < e)
			e = s + ct->depth;
	}
	*start = s;
	*end = e;
}

/* A condition that leaves the position: @ok says whether it held. */
static int keep(struct chain *c, uint32_t i, uint32_t pos, bool ok,
		bool relative, bool monotone)
{
	if (ok)
		return eval_from(c, i + 1, pos);
	if (!relative)
		return RES_STOP;
	return monotone ? RES_FAIL_LATER : RES_FAIL;
}

static int eval_content(struct chain *c, uint32_t i, uint32_t pos)
{
	const struct ips_content *ct = &c->r->matches[i].content;
	bool rel = is_relative(ct);
	int64_t start, end, at;
	int res;

	window(ct, pos, c->len, &start, &end);
	if (ct->flags & IPS_CONTENT_NEGATED)
		return keep(c, i, pos, find(c, ct, start, end) < 0, rel, false);
	for (at = find(c, ct, start, end); at >= 0;
	     at = find(c, ct, at + 1, end)) {
		res = eval_from(c, i + 1, (uint32_t)(at + ct->len));
		if (res == RES_MATCH || res == RES_STOP)
			return res;
		if (res == RES_FAIL_LATER)
			break; /* later occurrences end later */
	}
	if (!rel)
		return RES_STOP;
	return ct->flags & IPS_CONTENT_WITHIN ? RES_FAIL : RES_FAIL_LATER;
}

/* 1 match (ovector set), 0 no match, -1 error (counted). */
static int pcre_run(struct chain *c, const struct ips_pcre *pc,
		    const uint8_t *s, size_t len, size_t from)
{
	struct ips_match_ctx *m = c->m;
	pcre2_match_context *mctx =
		pc->flags & IPS_PCRE_NO_LIMIT ? m->mctx_nolimit : m->mctx;
	int rc;

	rc = pcre2_match(pc->code, s, len, from, 0, m->md, mctx);
	if (rc >= 0)
		return 1; /* 0: more captures than the ovector holds */
	if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL)
		return 0;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
		m->counters[IPS_MATCH_CNT_PCRE_LIMIT]++;
	else
		m->counters[IPS_MATCH_CNT_PCRE_ERROR]++;
	return -1;
}

/*
 * pcre: the subject starts at the position if relative (so ^ anchors
 * there, as in Suricata); later matches are tried from the last match's
 * start + 1. A pcre that fails to run (match limit) does not hold,
 * negated or not.
 */
static int eval_pcre(struct chain *c, uint32_t i, uint32_t pos)
{
	static const uint8_t empty[1];
	const struct ips_pcre *pc = &c->r->matches[i].pcre;
	bool rel = pc->flags & IPS_PCRE_RELATIVE;
	uint32_t base = rel ? pos : 0;
	const uint8_t *s = c->len ? c->p + base : empty;
	size_t len = c->len - base, from = 0, mstart, mend;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->m->md);
	int rc, res;

	if (pc->flags & IPS_PCRE_NEGATED)
		return keep(c, i, pos, pcre_run(c, pc, s, len, 0) == 0, rel,
			    false);
	while (from <= len && (rc = pcre_run(c, pc, s, len, from)) > 0) {
		mstart = ov[0];
		mend = ov[1];
		res = eval_from(c, i + 1, base + (uint32_t)mend);
		if (res == RES_MATCH || res == RES_STOP)
			return res;
		from = mstart + 1;
	}
	return rel ? RES_FAIL : RES_STOP;
}

static int eval_byte_jump(struct chain *c, uint32_t i, uint32_t pos)
{
	const struct ips_byte *b = &c->r->matches[i].byte;
	bool rel = b->flags & IPS_BYTE_RELATIVE;
	uint32_t to;
	int res;

	if (!ips_match_byte_jump(b, c->p, c->len, pos, &to))
		return rel ? RES_FAIL : RES_STOP;
	res = eval_from(c, i + 1, to);
	if (res == RES_MATCH)
		return res;
	/* a later position can jump to an earlier place */
	return rel && res != RES_STOP ? RES_FAIL : RES_STOP;
}

/* The index of the next condition of this chain from @i, or n_matches. */
static uint32_t next_cond(const struct chain *c, uint32_t i)
{
	while (i < c->r->n_matches && c->r->matches[i].buf != c->buf)
		i++;
	return i;
}

static int eval_from(struct chain *c, uint32_t i, uint32_t pos)
{
	const struct ips_match *x;

	i = next_cond(c, i);
	if (i >= c->r->n_matches)
		return RES_MATCH;
	if (!c->m->steps) {
		c->m->counters[IPS_MATCH_CNT_BUDGET]++;
		return RES_STOP;
	}
	c->m->steps--;
	x = &c->r->matches[i];
	switch (x->kind) {
	case IPS_MATCH_CONTENT:
		return eval_content(c, i, pos);
	case IPS_MATCH_PCRE:
		return eval_pcre(c, i, pos);
	case IPS_MATCH_BYTE_TEST:
		return keep(c, i, pos,
			    ips_match_byte_test(&x->byte, c->p, c->len, pos),
			    x->byte.flags & IPS_BYTE_RELATIVE, false);
	case IPS_MATCH_BYTE_JUMP:
		return eval_byte_jump(c, i, pos);
	case IPS_MATCH_ISDATAAT:
		return keep(c, i, pos,
			    ips_match_isdataat(&x->byte, c->len, pos),
			    x->byte.flags & IPS_BYTE_RELATIVE,
			    !(x->byte.flags & IPS_BYTE_NEGATED));
	case IPS_MATCH_BSIZE:
		return keep(c, i, pos, ips_match_num(&x->size, c->len), false,
			    false);
	default:
		return RES_STOP;
	}
}

/**
 * ips_match_buf_mask() - the buffers a rule's payload conditions inspect
 * @r: the rule
 *
 * Return: bit b set for every enum ips_buf b some condition uses; the
 * rule can only match an inspection whose ips_bufs.present has them all.
 */
uint64_t ips_match_buf_mask(const struct ips_rule *r)
{
	uint64_t mask = 0;

	for (uint32_t i = 0; i < r->n_matches; i++)
		mask |= 1ull << r->matches[i].buf;
	return mask;
}

/**
 * ips_match_rule() - evaluate a rule's payload conditions
 * @r: the rule, prepared with ips_match_prepare()
 * @b: the inspection's buffers
 * @m: the calling thread's scratch
 *
 * Every buffer's chain of conditions must match; a condition on a buffer
 * @b does not have fails the rule. A rule without payload conditions
 * matches. Header, flow, flowbits, dsize and urilen are the caller's.
 *
 * Return: true if the rule's payload conditions hold.
 */
bool ips_match_rule(const struct ips_rule *r, const struct ips_bufs *b,
		    struct ips_match_ctx *m)
{
	uint64_t need = ips_match_buf_mask(r), done = 0;
	struct chain c = {.r = r, .m = m};

	if (need & ~b->present)
		return false;
	for (uint32_t i = 0; i < r->n_matches; i++) {
		c.buf = r->matches[i].buf;
		if (done & (1ull << c.buf))
			continue;
		done |= 1ull << c.buf;
		c.p = b->p[c.buf];
		c.len = c.p ? b->len[c.buf] : 0;
		m->steps = m->budget;
		if (eval_from(&c, i, 0) != RES_MATCH)
			return false;
	}
	return true;
}

/**
 * ips_match_prepare() - get a rule ready for ips_match_rule()
 * @r: the parsed rule; its pcre codes are JIT-compiled in place
 *
 * Call once per rule while building an engine, before any thread matches
 * with it. A pattern the JIT cannot compile is interpreted instead.
 *
 * Return: 0, or -EINVAL if a condition is malformed (no compiled pcre,
 * an empty content, a buffer or kind out of range).
 */
int ips_match_prepare(struct ips_rule *r)
{
	for (uint32_t i = 0; i < r->n_matches; i++) {
		struct ips_match *x = &r->matches[i];

		if (x->buf >= IPS_BUF_MAX || x->kind >= IPS_MATCH_MAX)
			return -EINVAL;
		if (x->kind == IPS_MATCH_CONTENT &&
		    (!x->content.bytes || !x->content.len))
			return -EINVAL;
		if (x->kind != IPS_MATCH_PCRE)
			continue;
		if (!x->pcre.code)
			return -EINVAL;
		/* no JIT (unsupported pattern or platform): interpreted */
		(void)pcre2_jit_compile(x->pcre.code, PCRE2_JIT_COMPLETE);
	}
	return 0;
}

/**
 * ips_match_ctx_init() - set up one thread's matcher scratch
 * @m: the scratch (any contents)
 *
 * Return: 0, or -ENOMEM (nothing left allocated).
 */
int ips_match_ctx_init(struct ips_match_ctx *m)
{
	memset(m, 0, sizeof(*m));
	m->budget = IPS_MATCH_BUDGET;
	m->md = pcre2_match_data_create(IPS_MATCH_OVECTOR, NULL);
	m->mctx = pcre2_match_context_create(NULL);
	m->mctx_nolimit = pcre2_match_context_create(NULL);
	if (!m->md || !m->mctx || !m->mctx_nolimit)
		goto err_free;
	/* NULL where PCRE2 has no JIT: the machine stack is used */
	m->jit_stack = pcre2_jit_stack_create(IPS_MATCH_JIT_STACK_MIN,
					      IPS_MATCH_JIT_STACK_MAX, NULL);
	if (m->jit_stack) {
		pcre2_jit_stack_assign(m->mctx, NULL, m->jit_stack);
		pcre2_jit_stack_assign(m->mctx_nolimit, NULL, m->jit_stack);
	}
	pcre2_set_match_limit(m->mctx, IPS_MATCH_PCRE_LIMIT);
	pcre2_set_depth_limit(m->mctx, IPS_MATCH_PCRE_DEPTH);
	return 0;

err_free:
	ips_match_ctx_fini(m);
	return -ENOMEM;
}

/**
 * ips_match_ctx_fini() - free what ips_match_ctx_init() allocated
 * @m: the scratch; may be finished twice
 */
void ips_match_ctx_fini(struct ips_match_ctx *m)
{
	pcre2_match_data_free(m->md);
	pcre2_match_context_free(m->mctx);
	pcre2_match_context_free(m->mctx_nolimit);
	pcre2_jit_stack_free(m->jit_stack);
	m->md = NULL;
	m->mctx = NULL;
	m->mctx_nolimit = NULL;
	m->jit_stack = NULL;
}

/**
 * ips_match_counter_name() - the name of a matcher counter
 * @c: enum ips_match_counter
 *
 * Return: a static string, or "?" out of range.
 */
const char *ips_match_counter_name(enum ips_match_counter c)
{
	return (unsigned int)c < IPS_MATCH_CNT_MAX ? counter_names[c] : "?";
}
