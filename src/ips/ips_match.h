/* SPDX-License-Identifier: MIT */
/*
 * ips_match.h - evaluation of one rule's payload conditions (the struct
 * ips_match list of ips_rule.h: content, pcre, byte_test, byte_jump,
 * isdataat, bsize) against the inspection buffers of one packet or event
 * (struct ips_bufs, ips_pkt.h), with Suricata's semantics.
 *
 * The detection engine (ips_detect.c) calls ips_match_prepare() once per
 * rule when it builds, keeps one struct ips_match_ctx per thread, and
 * calls ips_match_rule() for every candidate rule the prefilter (or, on
 * the naive path, every rule whose header fits) leaves. Header checks,
 * flowbits, dsize/urilen and thresholds are the engine's; only payload
 * conditions are evaluated here.
 *
 * Conditions are grouped by buffer: relative keywords (distance, within,
 * pcre R, relative byte_test/byte_jump/isdataat) refer to the previous
 * content, pcre or byte_jump *in the same buffer*, and every buffer's
 * chain must match. A condition on a buffer the inspection does not have
 * makes the rule not match. A relative content or pcre that fails makes
 * the earlier one retry at its next occurrence (backtracking), bounded by
 * a step budget per chain (as Suricata's inspection-recursion-limit).
 */
#ifndef DCBOX_IPS_MATCH_H
#define DCBOX_IPS_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "ips/ips_pkt.h"
#include "ips/ips_rule.h"

enum {
	IPS_MATCH_BUDGET = 3000, /* default steps per buffer chain */
	IPS_MATCH_PCRE_LIMIT = 3500, /* PCRE2 match limit (Suricata's) */
	IPS_MATCH_PCRE_DEPTH = 1500, /* PCRE2 depth limit (Suricata's) */
	IPS_MATCH_OVECTOR = 32, /* capture pairs in the match data */
	IPS_MATCH_JIT_STACK_MIN = 32 << 10,
	IPS_MATCH_JIT_STACK_MAX = 512 << 10,
};

/* IPS_MATCH_COUNTERS(X) - X(ENUM_SUFFIX, name) of struct ips_match_ctx */
#define IPS_MATCH_COUNTERS(X)                                                  \
	X(BUDGET, "match_budget_exhausted")                                    \
	X(PCRE_LIMIT, "match_pcre_limit")                                      \
	X(PCRE_ERROR, "match_pcre_error")

/** enum ips_match_counter - index into struct ips_match_ctx.counters */
enum ips_match_counter {
#define IPS_MATCH_CNT_ENUM(e, s) IPS_MATCH_CNT_##e,
	IPS_MATCH_COUNTERS(IPS_MATCH_CNT_ENUM)
#undef IPS_MATCH_CNT_ENUM
		IPS_MATCH_CNT_MAX
};

/**
 * struct ips_match_ctx - per-thread scratch of the matcher; one thread
 * uses it at a time, nothing in it is shared
 * @md: pcre2_match_data * with IPS_MATCH_OVECTOR pairs (enough for the
 *      match's end; more captures still count as a match)
 * @mctx: pcre2_match_context * with the match limits and @jit_stack
 * @mctx_nolimit: pcre2_match_context * for pcre's O flag (PCRE2's
 *                defaults)
 * @jit_stack: pcre2_jit_stack *
 * @budget: steps one buffer chain may take (IPS_MATCH_BUDGET after
 *          init; a test may lower it); a chain out of steps does not
 *          match
 * @steps: steps left in the chain being evaluated
 * @counters: events by enum ips_match_counter
 */
struct ips_match_ctx {
	void *md;
	void *mctx;
	void *mctx_nolimit;
	void *jit_stack;
	uint32_t budget;
	uint32_t steps;
	uint64_t counters[IPS_MATCH_CNT_MAX];
};

int ips_match_ctx_init(struct ips_match_ctx *m);
void ips_match_ctx_fini(struct ips_match_ctx *m);
int ips_match_prepare(struct ips_rule *r);
bool ips_match_rule(const struct ips_rule *r, const struct ips_bufs *b,
		    struct ips_match_ctx *m);
uint64_t ips_match_buf_mask(const struct ips_rule *r);
bool ips_match_num(const struct ips_num *n, uint64_t x);
const char *ips_match_counter_name(enum ips_match_counter c);

#endif
