/* SPDX-License-Identifier: MIT */
/*
 * fw_policy.h - a firewall policy: rules in order, first match wins, and a
 * default action for packets no rule matches. Names in the rules are
 * resolved when a rule is added, so a policy holds only addresses.
 *
 * Two ways in:
 *  - From the topology (YAML): fw_policy_init(), fw_policy_set_default(),
 *    then fw_policy_add_rule() for each list item of `rules:` with the
 *    item's file, line and column and a resolver for host and group names.
 *  - A standalone rules file (tests/golden/fw, the fuzz harness, tools):
 *    fw_policy_load() / fw_policy_parse_buf(). One statement per line;
 *    blank lines and '#' comments are skipped:
 *
 *	define NAME ADDRS     # a name for the rules below (may use earlier
 *	                      # defines; before the caller's resolver)
 *	default ACTION        # allow, drop or reject; at most once; drop if
 *	                      # not given
 *	RULE                  # grammar in fw_rule.h
 *
 * A policy is built on the control side and then compiled for the fast
 * path (fw_classify.h); it is not used per packet except by the linear
 * reference fw_policy_match().
 */
#ifndef DCBOX_FW_POLICY_H
#define DCBOX_FW_POLICY_H

#include <stdint.h>
#include <stdio.h>

#include "fw/fw_rule.h"

enum {
	/*
	 * The classifier's memory grows with rules squared (fw_classify.h):
	 * 16384 rules of distinct random prefixes need about 200 MB.
	 */
	FW_RULES_MAX = 16384,
	FW_DEFINES_MAX = 4096,
	FW_LINE_MAX = 65536, /* bytes of one line of a rules file */
};

/**
 * struct fw_define - a `define NAME ADDRS` of a rules file
 * @name: the name
 * @set: its addresses, normalised
 * @line: where it was defined
 */
struct fw_define {
	char name[FW_NAME_MAX];
	struct fw_set set;
	uint32_t line;
};

/**
 * struct fw_policy - ordered rules and a default
 * @rules: rules in order; index i is "rule i" everywhere (classifier
 *         results, counters, dumps)
 * @n_rules: rules in use
 * @cap: rules allocated
 * @default_action: enum fw_action for packets no rule matches
 * @default_line: line of a rules file's `default`, 0 if none
 * @defines: the `define`s of a rules file
 * @n_defines: defines in use
 */
struct fw_policy {
	struct fw_rule *rules;
	uint32_t n_rules;
	uint32_t cap;
	uint8_t default_action;
	uint32_t default_line;
	struct fw_define *defines;
	uint32_t n_defines;
};

void fw_policy_init(struct fw_policy *p);
void fw_policy_free(struct fw_policy *p);
void fw_policy_set_default(struct fw_policy *p, enum fw_action action);
int fw_policy_add_rule(struct fw_policy *p, const char *text,
		       const struct fw_where *where, fw_resolve_fn *resolve,
		       void *arg, char *err, size_t errsize);
int fw_policy_parse_buf(struct fw_policy *p, const char *buf, size_t size,
			const char *file, fw_resolve_fn *resolve, void *arg,
			char *err, size_t errsize);
int fw_policy_load(struct fw_policy *p, const char *path,
		   fw_resolve_fn *resolve, void *arg, char *err,
		   size_t errsize);
uint32_t fw_policy_match(const struct fw_policy *p, const struct fw_key *k);
void fw_policy_dump(const struct fw_policy *p, FILE *f);

#endif
