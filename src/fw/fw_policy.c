// SPDX-License-Identifier: MIT
/*
 * fw_policy.c - a policy as ordered rules plus a default (fw_policy.h):
 * adding rules from the topology, reading a standalone rules file with its
 * `define` and `default` statements, the linear reference match and the
 * normalised dump the golden tests compare.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw/fw_policy.h"

/**
 * fw_policy_init() - make @p an empty policy with default drop
 * @p: policy; holds no memory afterwards
 */
void fw_policy_init(struct fw_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->default_action = FW_DROP;
}

/**
 * fw_policy_free() - release every rule and define of @p; @p is left empty
 * @p: policy
 */
void fw_policy_free(struct fw_policy *p)
{
	uint32_t i;

	for (i = 0; i < p->n_rules; i++)
		fw_rule_free(&p->rules[i]);
	for (i = 0; i < p->n_defines; i++)
		fw_set_free(&p->defines[i].set);
	free(p->rules);
	free(p->defines);
	fw_policy_init(p);
}

/**
 * fw_policy_set_default() - set the action for packets no rule matches
 * @p: policy
 * @action: enum fw_action
 */
void fw_policy_set_default(struct fw_policy *p, enum fw_action action)
{
	p->default_action = (uint8_t)action;
}

static int where_fail(char *err, size_t errsize, const struct fw_where *w,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int where_fail(char *err, size_t errsize, const struct fw_where *w,
		      const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!errsize)
		return -EINVAL;
	n = snprintf(err, errsize, "%s:%u:%u: ", w->file ? w->file : "<rule>",
		     w->line, w->col ? w->col : 1);
	if (n >= 0 && (size_t)n < errsize) {
		va_start(ap, fmt);
		vsnprintf(err + n, errsize - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/**
 * fw_policy_add_rule() - parse a rule and append it to @p
 * @p: policy
 * @text: the rule (fw_rule.h), NUL-terminated
 * @where: its file, line and starting column, for messages; may be NULL
 * @resolve: host/group name resolver; NULL: names are unknown
 * @arg: passed to @resolve
 * @err: buffer for "FILE:LINE:COL: message"
 * @errsize: size of @err
 *
 * Return: 0; -EINVAL with @err set for a malformed rule or when @p already
 * holds FW_RULES_MAX rules; -ENOMEM. On error @p is unchanged.
 */
int fw_policy_add_rule(struct fw_policy *p, const char *text,
		       const struct fw_where *where, fw_resolve_fn *resolve,
		       void *arg, char *err, size_t errsize)
{
	static const struct fw_where nowhere = {NULL, 0, 1};
	struct fw_rule *rules;
	uint32_t cap;
	int ret;

	if (p->n_rules >= FW_RULES_MAX)
		return where_fail(err, errsize, where ? where : &nowhere,
				  "more than %d rules", FW_RULES_MAX);
	if (p->n_rules == p->cap) {
		cap = p->cap ? p->cap * 2 : 16;
		rules = realloc(p->rules, cap * sizeof(*rules));
		if (!rules)
			return -ENOMEM;
		p->rules = rules;
		p->cap = cap;
	}
	ret = fw_rule_parse(&p->rules[p->n_rules], text, where, resolve, arg,
			    err, errsize);
	if (!ret)
		p->n_rules++;
	return ret;
}

/* Resolver of a rules file: its defines, then the caller's resolver. */
struct file_ctx {
	struct fw_policy *p;
	fw_resolve_fn *resolve;
	void *arg;
};

static struct fw_define *find_define(const struct fw_policy *p,
				     const char *name)
{
	uint32_t i;

	for (i = 0; i < p->n_defines; i++)
		if (!strcmp(p->defines[i].name, name))
			return &p->defines[i];
	return NULL;
}

static int file_resolve(void *arg, const char *name, struct fw_set *out)
{
	struct file_ctx *ctx = arg;
	struct fw_define *d = find_define(ctx->p, name);

	if (d)
		return fw_set_add_set(out, &d->set);
	return ctx->resolve ? ctx->resolve(ctx->arg, name, out) : -ENOENT;
}

/* First word of @s (after blanks): start offset and length. */
static size_t first_word(const char *s, size_t *start)
{
	size_t i = 0, n;

	while (s[i] == ' ' || s[i] == '\t')
		i++;
	*start = i;
	for (n = 0; s[i + n] && !strchr(" \t\r#", s[i + n]); n++)
		;
	return n;
}

/* "define NAME ADDRS"; @s points past "define". */
static int parse_define(struct file_ctx *ctx, const char *s, struct fw_where *w,
			char *err, size_t errsize)
{
	struct fw_policy *p = ctx->p;
	struct fw_define *d, *defs;
	size_t start, len = first_word(s, &start);
	uint32_t col = w->col;
	int ret;

	w->col = col + (uint32_t)start;
	if (!len)
		return where_fail(err, errsize, w,
				  "expected a name after 'define'");
	if (!fw_name_valid(s + start, len))
		return where_fail(err, errsize, w,
				  "expected a name after 'define', got '%.*s'",
				  (int)(len > 40 ? 40 : len), s + start);
	if (len == 3 && !strncasecmp(s + start, "any", 3))
		return where_fail(err, errsize, w, "'any' cannot be defined");
	if (p->n_defines >= FW_DEFINES_MAX)
		return where_fail(err, errsize, w, "more than %d defines",
				  FW_DEFINES_MAX);
	defs = realloc(p->defines, (p->n_defines + 1) * sizeof(*defs));
	if (!defs)
		return -ENOMEM;
	p->defines = defs;
	d = &defs[p->n_defines];
	memcpy(d->name, s + start, len);
	d->name[len] = '\0';
	if (find_define(p, d->name))
		return where_fail(err, errsize, w,
				  "'%s' defined twice (first on line %u)",
				  d->name, find_define(p, d->name)->line);
	d->line = w->line;
	fw_set_init(&d->set);
	w->col = col + (uint32_t)(start + len);
	ret = fw_addrs_parse(&d->set, s + start + len, w, file_resolve, ctx,
			     err, errsize);
	if (ret) {
		fw_set_free(&d->set);
		return ret;
	}
	p->n_defines++;
	return 0;
}

/* "default ACTION"; @s points past "default". */
static int parse_default(struct fw_policy *p, const char *s, struct fw_where *w,
			 char *err, size_t errsize)
{
	size_t start, len = first_word(s, &start), end;
	int action;

	w->col += (uint32_t)start;
	if (p->default_line)
		return where_fail(err, errsize, w,
				  "second 'default' (first on line %u)",
				  p->default_line);
	action = fw_action_parse(s + start, len);
	if (action < 0)
		return where_fail(err, errsize, w,
				  "unknown default action '%.*s' (expected "
				  "allow, drop or reject)",
				  (int)(len > 40 ? 40 : len), s + start);
	end = start + len;
	while (s[end] == ' ' || s[end] == '\t' || s[end] == '\r')
		end++;
	if (s[end] && s[end] != '#') {
		w->col += (uint32_t)(end - start);
		return where_fail(err, errsize, w,
				  "unexpected text after the default action");
	}
	p->default_action = (uint8_t)action;
	p->default_line = w->line;
	return 0;
}

/* One line (NUL-terminated, no newline) of a rules file. */
static int parse_line(struct file_ctx *ctx, const char *line,
		      struct fw_where *w, char *err, size_t errsize)
{
	size_t start, len = first_word(line, &start);

	if (!len)
		return 0; /* blank or comment */
	if (len == 6 && !strncasecmp(line + start, "define", 6)) {
		w->col = (uint32_t)(start + len + 1);
		return parse_define(ctx, line + start + len, w, err, errsize);
	}
	if (len == 7 && !strncasecmp(line + start, "default", 7)) {
		w->col = (uint32_t)(start + len + 1);
		return parse_default(ctx->p, line + start + len, w, err,
				     errsize);
	}
	return fw_policy_add_rule(ctx->p, line, w, file_resolve, ctx, err,
				  errsize);
}

/**
 * fw_policy_parse_buf() - add the statements of a rules file in memory
 * @p: policy (normally fresh from fw_policy_init())
 * @buf: file contents; need not be NUL-terminated; a NUL byte is an error
 * @size: bytes in @buf
 * @file: name for messages
 * @resolve: resolver for names no `define` gives; may be NULL
 * @arg: passed to @resolve
 * @err: buffer for "FILE:LINE:COL: message"
 * @errsize: size of @err
 *
 * Return: 0; -EINVAL with @err set at the first bad line; -ENOMEM. On
 * error the rules and defines before the bad line stay in @p (free it).
 */
int fw_policy_parse_buf(struct fw_policy *p, const char *buf, size_t size,
			const char *file, fw_resolve_fn *resolve, void *arg,
			char *err, size_t errsize)
{
	struct file_ctx ctx = {p, resolve, arg};
	struct fw_where w = {file, 0, 1};
	size_t off = 0, len;
	const char *nl;
	char *line;
	int ret = 0;

	line = malloc(FW_LINE_MAX);
	if (!line)
		return -ENOMEM;
	while (off < size && !ret) {
		nl = memchr(buf + off, '\n', size - off);
		len = nl ? (size_t)(nl - buf - off) : size - off;
		w.line++;
		w.col = 1;
		if (len >= FW_LINE_MAX)
			ret = where_fail(err, errsize, &w,
					 "line longer than %d bytes",
					 FW_LINE_MAX - 1);
		else if (memchr(buf + off, '\0', len))
			ret = where_fail(err, errsize, &w, "NUL byte in line");
		if (ret)
			break;
		memcpy(line, buf + off, len);
		line[len] = '\0';
		ret = parse_line(&ctx, line, &w, err, errsize);
		off += len + 1;
	}
	free(line);
	return ret;
}

/**
 * fw_policy_load() - add the statements of the rules file at @path
 * @p: policy
 * @path: file to read; also the file name in messages
 * @resolve: resolver for names no `define` gives; may be NULL
 * @arg: passed to @resolve
 * @err: buffer for the message
 * @errsize: size of @err
 *
 * Return: 0; -errno of open/read (with @err "PATH: strerror"); the errors
 * of fw_policy_parse_buf().
 */
int fw_policy_load(struct fw_policy *p, const char *path,
		   fw_resolve_fn *resolve, void *arg, char *err, size_t errsize)
{
	char *buf = NULL;
	size_t size = 0, n;
	FILE *f, *m;
	char chunk[4096];
	int ret;

	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errsize, "%s: %s", path, strerror(-ret));
		return ret;
	}
	m = open_memstream(&buf, &size);
	if (!m) {
		fclose(f);
		return -ENOMEM;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	ret = ferror(f) ? -EIO : 0;
	if (fclose(m) && !ret)
		ret = -ENOMEM;
	fclose(f);
	if (ret)
		snprintf(err, errsize, "%s: %s", path, strerror(-ret));
	else
		ret = fw_policy_parse_buf(p, buf, size, path, resolve, arg, err,
					  errsize);
	free(buf);
	return ret;
}

/**
 * fw_policy_match() - the linear reference: first rule of @p matching @k
 * @p: policy
 * @k: packet key
 *
 * Return: the rule's index, or p->n_rules when none matches (the default
 * applies). A scan of every rule: use fw_classify() on the fast path.
 */
uint32_t fw_policy_match(const struct fw_policy *p, const struct fw_key *k)
{
	uint32_t i;

	for (i = 0; i < p->n_rules; i++)
		if (fw_rule_matches(&p->rules[i], k))
			return i;
	return p->n_rules;
}

/**
 * fw_policy_dump() - print @p in the golden-file format
 * @p: policy
 * @f: stream
 *
 * The defines with their addresses, the default, then per rule
 * "rule N line L: CANONICAL TEXT" and its resolved fields.
 */
void fw_policy_dump(const struct fw_policy *p, FILE *f)
{
	uint32_t i;

	for (i = 0; i < p->n_defines; i++) {
		fprintf(f, "define %s ", p->defines[i].name);
		fw_set_print_prefixes(&p->defines[i].set, f);
		fputc('\n', f);
	}
	fprintf(f, "default %s\n", fw_action_str(p->default_action));
	for (i = 0; i < p->n_rules; i++) {
		fprintf(f, "rule %u line %u: ", i, p->rules[i].line);
		fw_rule_dump(&p->rules[i], f);
	}
}
