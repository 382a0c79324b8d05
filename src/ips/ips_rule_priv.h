/* SPDX-License-Identifier: MIT */
/*
 * ips_rule_priv.h - what the files of the rule parser share (internal to
 * src/ips/ips_rule_*.c): the parser state and its error helpers.
 *
 * ips_rule_parse.c splits a rule into header and options and calls
 * ips_rule_option() (ips_rule_opts.c, the keyword table) once per option;
 * ips_rule_content.c decodes content strings and compiles pcre.
 */
#ifndef DCBOX_IPS_RULE_PRIV_H
#define DCBOX_IPS_RULE_PRIV_H

#include "ips/ips_rule.h"

/**
 * struct ips_parser - state while one rule's options are parsed
 * @r: the rule being built
 * @vars: variables for the header
 * @err: where a failure or skip is described
 * @kw: the keyword being parsed, for messages (NULL in the header)
 * @sticky: the active sticky buffer (enum ips_buf), -1 if none yet
 * @last_content: index in r->matches of the last content, -1 if none
 * @last_pm: index of the last content or pcre, -1 if none
 * @cap_matches: r->matches allocated
 * @seen: bit per keyword that may appear once (SEEN_*)
 */
struct ips_parser {
	struct ips_rule *r;
	const struct ips_vars *vars;
	struct ips_rule_err *err;
	const char *kw;
	int sticky;
	int last_content;
	int last_pm;
	uint32_t cap_matches;
	uint32_t seen;
};

int ips_fail(struct ips_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ips_skip(struct ips_parser *p, const char *what, const char *name);
int ips_nomem(struct ips_parser *p);
int ips_match_add(struct ips_parser *p, enum ips_match_kind kind,
		  enum ips_buf buf, struct ips_match **out);
int ips_grow(struct ips_parser *p, void **arr, uint32_t n, size_t size);
int ips_rule_option(struct ips_parser *p, const char *name, char *value);
int ips_content_decode(struct ips_parser *p, const char *value,
		       struct ips_content *c);
int ips_pcre_parse(struct ips_parser *p, const char *value, struct ips_pcre *pc,
		   int *buf);
void ips_pcre_free(struct ips_pcre *pc);
bool ips_parse_int(const char *s, long long min, long long max, long long *out);

#endif
