/* SPDX-License-Identifier: MIT */
/*
 * ips_ruleset.h - a set of IPS rules loaded from rules files, with the
 * statistics of the load and a printable summary.
 *
 * Files are Suricata .rules files: one rule per line, a line ending in '\'
 * continues on the next, blank lines and '#' comments are ignored (a
 * commented-out rule, "# alert ...", is counted as disabled). Each rule
 * goes through ips_rule_parse() and ends up in one of three piles:
 *
 *  - loaded: parsed; stored in @rules in load order (index i is "rule i"
 *    for whatever is compiled from the set);
 *  - skipped: valid but uses a keyword, protocol or action dcbox does not
 *    implement; a warning "FILE:LINE: unsupported keyword 'X' (rule
 *    skipped)";
 *  - failed: invalid (bad syntax or value, unknown keyword, duplicate
 *    gid:sid); an error "FILE:LINE: what is wrong".
 *
 * A bad rule never stops the load. Reasons are counted (the summary lists
 * the most frequent), the first IPS_ERRORS_KEPT failure messages are kept,
 * and every message goes to @log if set. `dcbox ips -T` loads, prints the
 * summary, and fails if @stats.failed is not 0.
 *
 * The rule set also numbers flowbit names (1..n, in order of first use) so
 * a matcher can keep flow state as a bit array, and indexes rules by
 * gid:sid. Control side only: a matcher is compiled from a loaded set.
 */
#ifndef DCBOX_IPS_RULESET_H
#define DCBOX_IPS_RULESET_H

#include <stdint.h>
#include <stdio.h>

#include "ips/ips_rule.h"
#include "ips/ips_vars.h"

enum {
	IPS_ERRORS_KEPT = 64, /* failure messages kept for callers */
	IPS_RULES_MAX = 1 << 22, /* rules in one set: a sanity bound */
	IPS_FILE_LINE_MAX = 1 << 20, /* bytes of one rule, joined */
};

/**
 * struct ips_load_stats - what loading has done so far
 * @files: files read
 * @total: rules seen (not counting comments and disabled rules)
 * @loaded: rules parsed and kept
 * @skipped: rules using something unsupported
 * @failed: invalid rules
 * @disabled: commented-out rules ("# alert ...") seen
 * @load_ns: wall time spent in ips_ruleset_load_*()
 */
struct ips_load_stats {
	uint32_t files;
	uint32_t total;
	uint32_t loaded;
	uint32_t skipped;
	uint32_t failed;
	uint32_t disabled;
	uint64_t load_ns;
};

/**
 * struct ips_reason - how often a reason kept rules out
 * @reason: the key (struct ips_rule_err.reason)
 * @count: rules
 * @skip: true for skips, false for failures
 */
struct ips_reason {
	char reason[IPS_REASON_SIZE];
	uint32_t count;
	bool skip;
};

/**
 * struct ips_ruleset - loaded rules and what the load found
 * @rules: loaded rules in order
 * @n_rules: rules in use
 * @cap: rules allocated
 * @stats: counts
 * @reasons: distinct skip and failure reasons with counts
 * @n_reasons: in use
 * @errors: the first IPS_ERRORS_KEPT failure messages, "FILE:LINE: ..."
 * @n_errors: in use
 * @files: names of the files loaded (rule->file points here)
 * @n_files: in use
 * @sid_index: open-addressing table of rule index + 1 by gid:sid (0 free)
 * @sid_cap: slots (a power of two)
 * @flowbits: flowbit names; id i + 1 is flowbits[i]
 * @n_flowbits: in use
 * @fb_index: open-addressing table of flowbit index + 1 by name
 * @fb_cap: slots (a power of two)
 * @log: if not NULL, every skip warning and failure is printed here
 */
struct ips_ruleset {
	struct ips_rule *rules;
	uint32_t n_rules;
	uint32_t cap;
	struct ips_load_stats stats;
	struct ips_reason *reasons;
	uint32_t n_reasons;
	char *errors[IPS_ERRORS_KEPT];
	uint32_t n_errors;
	char **files;
	uint32_t n_files;
	uint32_t *sid_index;
	uint32_t sid_cap;
	char **flowbits;
	uint32_t n_flowbits;
	uint32_t *fb_index;
	uint32_t fb_cap;
	FILE *log;
};

void ips_ruleset_init(struct ips_ruleset *rs);
void ips_ruleset_free(struct ips_ruleset *rs);
int ips_ruleset_add(struct ips_ruleset *rs, const char *text, const char *file,
		    uint32_t line, const struct ips_vars *vars);
int ips_ruleset_load_buf(struct ips_ruleset *rs, const char *buf, size_t len,
			 const char *name, const struct ips_vars *vars);
int ips_ruleset_load_file(struct ips_ruleset *rs, const char *path,
			  const struct ips_vars *vars);
int ips_ruleset_load_dir(struct ips_ruleset *rs, const char *dir,
			 const struct ips_vars *vars);
const struct ips_rule *ips_ruleset_find(const struct ips_ruleset *rs,
					uint32_t gid, uint32_t sid);
const char *ips_ruleset_flowbit_name(const struct ips_ruleset *rs, uint32_t id);
void ips_ruleset_summary(const struct ips_ruleset *rs, FILE *f,
			 unsigned int top);

#endif
