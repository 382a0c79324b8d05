// SPDX-License-Identifier: MIT
/*
 * fuzz_ips_rule.c - libFuzzer harness for the IPS rule language.
 *
 * Each input is a rules file (ips_ruleset.h) loaded with Suricata's
 * default variables. Every rule that loads is dumped and checked for the
 * invariants a matcher relies on: sets normalised and non-empty, buffers
 * and kinds in range, contents non-empty, fast_pattern pointing at a
 * content, flowbit ids numbered. Counts must add up. A broken invariant
 * traps. The .c files are included (house rule 17). Seeds:
 * fuzz/corpus/fuzz_ips_rule/ (the golden files).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/ips/ips_addr.c"
#include "../src/ips/ips_rule_content.c"
#include "../src/ips/ips_rule_dump.c"
#include "../src/ips/ips_rule_opts.c"
#include "../src/ips/ips_rule_parse.c"
#include "../src/ips/ips_ruleset.c"
#include "../src/ips/ips_set.c"
#include "../src/ips/ips_vars.c"
#include "fuzz.h"

static void fz_check_set(const struct ips_set *s)
{
	for (uint32_t i = 0; i < s->n; i++) {
		CHECK(s->r[i].lo <= s->r[i].hi);
		if (i)
			CHECK(s->r[i - 1].hi + 1 < s->r[i].lo);
	}
}

static void fz_check_rule(const struct ips_ruleset *rs,
			  const struct ips_rule *r)
{
	fz_check_set(&r->src.v4);
	fz_check_set(&r->src.v6);
	fz_check_set(&r->dst.v4);
	fz_check_set(&r->dst.v6);
	fz_check_set(&r->sport);
	fz_check_set(&r->dport);
	CHECK(r->src.v4.n + r->src.v6.n && r->dst.v4.n + r->dst.v6.n);
	CHECK(r->sport.n && r->dport.n && r->sid);
	CHECK(r->action < IPS_ACT_MAX && r->proto < IPS_PROTO_MAX);
	CHECK(r->fast_pattern < (int32_t)r->n_matches);
	if (r->fast_pattern >= 0)
		CHECK(r->matches[r->fast_pattern].kind == IPS_MATCH_CONTENT);
	for (uint32_t i = 0; i < r->n_matches; i++) {
		const struct ips_match *m = &r->matches[i];

		CHECK(m->kind < IPS_MATCH_MAX && m->buf < IPS_BUF_MAX);
		if (m->kind == IPS_MATCH_CONTENT)
			CHECK(m->content.len && m->content.bytes);
		if (m->kind == IPS_MATCH_PCRE)
			CHECK(m->pcre.code && m->pcre.text);
	}
	for (uint32_t i = 0; i < r->n_flowbits; i++)
		for (uint32_t j = 0; j < r->flowbits[i].n_names; j++)
			CHECK(!strcmp(ips_ruleset_flowbit_name(
					      rs, r->flowbits[i].ids[j]),
				      r->flowbits[i].names[j]));
	CHECK(ips_ruleset_find(rs, r->gid, r->sid) == r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ips_vars vars;
	static FILE *devnull;
	struct ips_ruleset rs;
	const struct ips_load_stats *s = &rs.stats;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull || ips_vars_init_defaults(&vars))
			abort();
	}
	if (size > 1 << 16)
		return 0;
	ips_ruleset_init(&rs);
	if (ips_ruleset_load_buf(&rs, (const char *)data, size, "fuzz.rules",
				 &vars) == 0) {
		CHECK(s->total == s->loaded + s->skipped + s->failed);
		CHECK(rs.n_rules == s->loaded);
		for (uint32_t i = 0; i < rs.n_rules; i++) {
			fz_check_rule(&rs, &rs.rules[i]);
			ips_rule_dump(&rs.rules[i], devnull);
		}
		for (uint32_t i = 0; i < rs.n_errors; i++)
			CHECK(!strncmp(rs.errors[i], "fuzz.rules:", 11) &&
			      !strchr(rs.errors[i], '\n'));
		ips_ruleset_summary(&rs, devnull, 10);
	}
	ips_ruleset_free(&rs);
	return 0;
}
