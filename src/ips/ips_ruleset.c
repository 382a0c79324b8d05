// SPDX-License-Identifier: MIT
/*
 * ips_ruleset.c - load rules files into a rule set, count what loaded,
 * what was skipped and what failed and why, and print a summary (see
 * ips_ruleset.h). Control side only.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ips/ips_ruleset.h"

/**
 * ips_ruleset_init() - make @rs an empty rule set
 * @rs: rule set; holds no memory afterwards
 */
void ips_ruleset_init(struct ips_ruleset *rs)
{
	memset(rs, 0, sizeof(*rs));
}

/**
 * ips_ruleset_free() - release every rule and record, and empty @rs
 * @rs: rule set (its @log stream is not closed)
 */
void ips_ruleset_free(struct ips_ruleset *rs)
{
	uint32_t i;

	for (i = 0; i < rs->n_rules; i++)
		ips_rule_free(&rs->rules[i]);
	free(rs->rules);
	free(rs->reasons);
	for (i = 0; i < rs->n_errors; i++)
		free(rs->errors[i]);
	for (i = 0; i < rs->n_files; i++)
		free(rs->files[i]);
	free(rs->files);
	free(rs->sid_index);
	for (i = 0; i < rs->n_flowbits; i++)
		free(rs->flowbits[i]);
	free(rs->flowbits);
	free(rs->fb_index);
	ips_ruleset_init(rs);
}

static uint32_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (uint32_t)k;
}

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static uint64_t sid_key(const struct ips_rule *r)
{
	return (uint64_t)r->gid << 32 | r->sid;
}

/* The slot for @key: its rule's, or the free one where it would go. */
static uint32_t *sid_slot(const struct ips_ruleset *rs, uint64_t key)
{
	uint32_t mask = rs->sid_cap - 1, i = mix(key) & mask;

	while (rs->sid_index[i] &&
	       sid_key(&rs->rules[rs->sid_index[i] - 1]) != key)
		i = (i + 1) & mask;
	return &rs->sid_index[i];
}

static int sid_grow(struct ips_ruleset *rs)
{
	uint32_t cap = rs->sid_cap ? rs->sid_cap * 2 : 1024, i;
	uint32_t *t = calloc(cap, sizeof(*t));

	if (!t)
		return -ENOMEM;
	free(rs->sid_index);
	rs->sid_index = t;
	rs->sid_cap = cap;
	/* re-insert every stored rule but the one being added (the last) */
	for (i = 0; i + 1 < rs->n_rules; i++)
		*sid_slot(rs, sid_key(&rs->rules[i])) = i + 1;
	return 0;
}

static uint32_t *fb_slot(const struct ips_ruleset *rs, const char *name)
{
	uint32_t mask = rs->fb_cap - 1, i = str_hash(name) & mask;

	while (rs->fb_index[i] &&
	       strcmp(rs->flowbits[rs->fb_index[i] - 1], name))
		i = (i + 1) & mask;
	return &rs->fb_index[i];
}

static int fb_grow(struct ips_ruleset *rs)
{
	uint32_t cap = rs->fb_cap ? rs->fb_cap * 2 : 64, i;
	uint32_t *t = calloc(cap, sizeof(*t));
	char **names = realloc(rs->flowbits, cap / 2 * sizeof(*names));

	if (!t || !names) {
		free(t);
		if (names)
			rs->flowbits = names;
		return -ENOMEM;
	}
	rs->flowbits = names;
	free(rs->fb_index);
	rs->fb_index = t;
	rs->fb_cap = cap;
	for (i = 0; i < rs->n_flowbits; i++)
		*fb_slot(rs, rs->flowbits[i]) = i + 1;
	return 0;
}

/* The id (1..n) of flowbit @name, numbering it if new. */
static int fb_id(struct ips_ruleset *rs, const char *name, uint32_t *id)
{
	uint32_t *slot;

	if ((rs->n_flowbits + 1) * 2 > rs->fb_cap && fb_grow(rs))
		return -ENOMEM;
	slot = fb_slot(rs, name);
	if (!*slot) {
		rs->flowbits[rs->n_flowbits] = strdup(name);
		if (!rs->flowbits[rs->n_flowbits])
			return -ENOMEM;
		*slot = ++rs->n_flowbits;
	}
	*id = *slot;
	return 0;
}

static int number_flowbits(struct ips_ruleset *rs, struct ips_rule *r)
{
	for (uint32_t i = 0; i < r->n_flowbits; i++)
		for (uint32_t j = 0; j < r->flowbits[i].n_names; j++)
			if (fb_id(rs, r->flowbits[i].names[j],
				  &r->flowbits[i].ids[j]))
				return -ENOMEM;
	return 0;
}

static void count_reason(struct ips_ruleset *rs, const char *reason, bool skip)
{
	struct ips_reason *n;
	uint32_t i;

	for (i = 0; i < rs->n_reasons; i++) {
		if (rs->reasons[i].skip == skip &&
		    !strcmp(rs->reasons[i].reason, reason)) {
			rs->reasons[i].count++;
			return;
		}
	}
	if (!(rs->n_reasons & (rs->n_reasons + 1)) || !rs->n_reasons) {
		n = realloc(rs->reasons, (rs->n_reasons + 1) * 2 * sizeof(*n));
		if (!n)
			return; /* counts are best effort */
		rs->reasons = n;
	}
	n = &rs->reasons[rs->n_reasons++];
	snprintf(n->reason, sizeof(n->reason), "%s", reason);
	n->count = 1;
	n->skip = skip;
}

static void record(struct ips_ruleset *rs, const struct ips_rule_err *err,
		   const char *file, uint32_t line, bool skip)
{
	char *msg = NULL;

	if (skip)
		rs->stats.skipped++;
	else
		rs->stats.failed++;
	count_reason(rs, err->reason, skip);
	if (rs->log)
		fprintf(rs->log, "%s:%u: %s%s\n", file ? file : "rule", line,
			skip ? "warning: " : "", err->msg);
	if (skip || rs->n_errors == IPS_ERRORS_KEPT)
		return;
	if (asprintf(&msg, "%s:%u: %s", file ? file : "rule", line, err->msg) >=
	    0)
		rs->errors[rs->n_errors++] = msg;
}

static int grow_rules(struct ips_ruleset *rs)
{
	struct ips_rule *r;
	uint32_t cap;

	if (rs->n_rules < rs->cap)
		return 0;
	if (rs->n_rules >= IPS_RULES_MAX)
		return -E2BIG;
	cap = rs->cap ? rs->cap * 2 : 256;
	r = realloc(rs->rules, cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	rs->rules = r;
	rs->cap = cap;
	return 0;
}

/* Index the just-parsed last rule; -EEXIST (and @err) for a duplicate. */
static int index_rule(struct ips_ruleset *rs, struct ips_rule_err *err)
{
	struct ips_rule *r = &rs->rules[rs->n_rules - 1];
	const struct ips_rule *first;
	uint32_t *slot;

	if (rs->n_rules * 2 > rs->sid_cap && sid_grow(rs))
		return -ENOMEM;
	slot = sid_slot(rs, sid_key(r));
	if (*slot) {
		first = &rs->rules[*slot - 1];
		snprintf(err->msg, sizeof(err->msg),
			 "duplicate sid %u:%u (first at %s:%u)", r->gid, r->sid,
			 first->file ? first->file : "rule", first->line);
		snprintf(err->reason, sizeof(err->reason), "duplicate sid");
		return -EEXIST;
	}
	*slot = rs->n_rules;
	return number_flowbits(rs, r);
}

/**
 * ips_ruleset_add() - parse one rule and file it as loaded, skipped or
 * failed
 * @rs: rule set
 * @text: the rule (one logical line)
 * @file: its file for messages and rule->file; must stay valid as long as
 *        @rs (the load functions pass their own copy); may be NULL
 * @line: its line, for messages
 * @vars: variables; may be NULL
 *
 * Return: 0 (loaded), -ENOTSUP (skipped), -EINVAL (failed, including a
 * duplicate gid:sid), -ENOMEM or -E2BIG (nothing recorded; stop loading).
 */
int ips_ruleset_add(struct ips_ruleset *rs, const char *text, const char *file,
		    uint32_t line, const struct ips_vars *vars)
{
	struct ips_rule_err err;
	struct ips_rule *r;
	int ret;

	ret = grow_rules(rs);
	if (ret)
		return ret;
	r = &rs->rules[rs->n_rules];
	ret = ips_rule_parse(r, text, vars, &err);
	if (ret == -ENOMEM)
		return ret;
	rs->stats.total++;
	if (ret) {
		record(rs, &err, file, line, ret == -ENOTSUP);
		return ret;
	}
	r->file = file;
	r->line = line;
	rs->n_rules++;
	ret = index_rule(rs, &err);
	if (!ret) {
		rs->stats.loaded++;
		return 0;
	}
	rs->n_rules--;
	ips_rule_free(r);
	if (ret == -ENOMEM)
		return ret;
	record(rs, &err, file, line, false);
	return -EINVAL;
}

static const char *intern_file(struct ips_ruleset *rs, const char *name)
{
	char **files, *copy;

	if (rs->n_files && !strcmp(rs->files[rs->n_files - 1], name))
		return rs->files[rs->n_files - 1];
	files = realloc(rs->files, (rs->n_files + 1) * sizeof(*files));
	if (!files)
		return NULL;
	rs->files = files;
	copy = strdup(name);
	if (!copy)
		return NULL;
	rs->files[rs->n_files++] = copy;
	return copy;
}

/* A comment that is a rule: "# alert ...", "#drop ...". */
static bool is_disabled_rule(const char *s)
{
	static const char *const actions[] = {"alert ", "drop ", "reject ",
					      "pass "};

	s += strspn(s, "# \t");
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strncmp(s, actions[i], strlen(actions[i])))
			return true;
	return false;
}

/**
 * struct joiner - the logical line being built from continued lines
 * @buf: text so far (NUL-terminated)
 * @len: bytes in @buf
 * @cap: bytes allocated
 * @line: the line it started on, 0 if empty
 */
struct joiner {
	char *buf;
	size_t len;
	size_t cap;
	uint32_t line;
};

static int join(struct joiner *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		size_t cap = (j->len + n + 1) * 2;
		char *b;

		if (cap > 2 * (size_t)IPS_FILE_LINE_MAX + 2)
			return -E2BIG;
		b = realloc(j->buf, cap);
		if (!b)
			return -ENOMEM;
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
	return 0;
}

static int flush(struct ips_ruleset *rs, struct joiner *j, const char *file,
		 const struct ips_vars *vars)
{
	struct ips_rule_err err = {"rule longer than the line limit",
				   "invalid line"};
	char *s = j->buf ? j->buf + strspn(j->buf, " \t") : NULL;
	int ret = 0;

	if (j->len > IPS_FILE_LINE_MAX) {
		rs->stats.total++;
		record(rs, &err, file, j->line, false);
	} else if (s && *s && *s != '#') {
		if (strlen(j->buf) != j->len) {
			rs->stats.total++;
			snprintf(err.msg, sizeof(err.msg), "NUL byte in rule");
			record(rs, &err, file, j->line, false);
		} else {
			ret = ips_ruleset_add(rs, s, file, j->line, vars);
		}
	} else if (s && *s == '#' && is_disabled_rule(s)) {
		rs->stats.disabled++;
	}
	j->len = 0;
	j->line = 0;
	if (j->buf)
		j->buf[0] = '\0';
	return ret == -ENOMEM || ret == -E2BIG ? ret : 0;
}

static int load_lines(struct ips_ruleset *rs, const char *buf, size_t len,
		      const char *file, const struct ips_vars *vars)
{
	struct joiner j = {0};
	const char *s = buf, *end = buf + len;
	uint32_t line = 0;
	int ret = 0;

	while (!ret && s < end) {
		const char *nl = memchr(s, '\n', end - s);
		size_t n = (nl ? nl : end) - s;
		bool cont;

		line++;
		if (n && s[n - 1] == '\r')
			n--;
		cont = n && s[n - 1] == '\\' &&
		       !(j.len == 0 && s[strspn(s, " \t")] == '#');
		if (!j.line)
			j.line = line;
		ret = join(&j, s, cont ? n - 1 : n);
		if (ret == -E2BIG)
			ret = 0; /* flush() reports the long rule */
		if (!ret && (!cont || !nl))
			ret = flush(rs, &j, file, vars);
		s = nl ? nl + 1 : end;
	}
	if (!ret && j.len)
		ret = flush(rs, &j, file, vars);
	free(j.buf);
	return ret;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/**
 * ips_ruleset_load_buf() - load the rules of a rules file held in memory
 * @rs: rule set
 * @buf: the file's bytes (need not be NUL-terminated)
 * @len: bytes of @buf
 * @name: the file name for messages and rule->file
 * @vars: variables; may be NULL
 *
 * Return: 0 (bad rules are counted, not returned), -ENOMEM or -E2BIG.
 */
int ips_ruleset_load_buf(struct ips_ruleset *rs, const char *buf, size_t len,
			 const char *name, const struct ips_vars *vars)
{
	uint64_t t0 = now_ns();
	const char *file = intern_file(rs, name);
	int ret;

	if (!file)
		return -ENOMEM;
	rs->stats.files++;
	ret = load_lines(rs, buf, len, file, vars);
	rs->stats.load_ns += now_ns() - t0;
	return ret;
}

static int read_all(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "r"), *m;
	char chunk[16384];
	size_t n;
	int ret = 0;

	*buf = NULL;
	*len = 0;
	if (!f)
		return -errno;
	m = open_memstream(buf, len);
	if (!m) {
		ret = -errno;
		fclose(f);
		return ret;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (fwrite(chunk, 1, n, m) != n)
			ret = -ENOMEM;
	if (ferror(f))
		ret = -EIO;
	fclose(f);
	if (fclose(m) && !ret)
		ret = -ENOMEM;
	return ret;
}

/**
 * ips_ruleset_load_file() - load every rule of rules file @path
 * @rs: rule set
 * @path: the file; messages name it as given
 * @vars: variables; may be NULL
 *
 * Return: 0 (bad rules are counted, not returned), -errno if the file
 * cannot be read (nothing loaded from it), -ENOMEM, -E2BIG.
 */
int ips_ruleset_load_file(struct ips_ruleset *rs, const char *path,
			  const struct ips_vars *vars)
{
	char *buf;
	size_t len;
	int ret;

	ret = read_all(path, &buf, &len);
	if (!ret)
		ret = ips_ruleset_load_buf(rs, buf, len, path, vars);
	free(buf);
	return ret;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_rules_files(const char *dir, char ***out, size_t *n)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	char **names = NULL, **nn;
	size_t len;

	*n = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		if (len < 7 || strcmp(de->d_name + len - 6, ".rules"))
			continue;
		nn = realloc(names, (*n + 1) * sizeof(*names));
		if (!nn || asprintf(&nn[*n], "%s/%s", dir, de->d_name) < 0) {
			names = nn ? nn : names;
			break;
		}
		names = nn;
		(*n)++;
	}
	closedir(d);
	*out = names;
	if (de)
		return -ENOMEM;
	qsort(names, *n, sizeof(*names), name_cmp);
	return 0;
}

/**
 * ips_ruleset_load_dir() - load every *.rules file of @dir, in name order
 * @rs: rule set
 * @dir: directory
 * @vars: variables; may be NULL
 *
 * Return: 0, or the first -errno of a file that could not be read (the
 * others are still loaded), -ENOENT etc. if @dir cannot be listed,
 * -ENOMEM.
 */
int ips_ruleset_load_dir(struct ips_ruleset *rs, const char *dir,
			 const struct ips_vars *vars)
{
	char **names = NULL;
	size_t n, i;
	int ret, first = 0;

	ret = list_rules_files(dir, &names, &n);
	for (i = 0; !ret && i < n; i++) {
		ret = ips_ruleset_load_file(rs, names[i], vars);
		if (ret && ret != -ENOMEM && ret != -E2BIG) {
			first = first ? first : ret;
			ret = 0;
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret ? ret : first;
}

/**
 * ips_ruleset_find() - the loaded rule with @gid:@sid
 * @rs: rule set
 * @gid: generator id (1 for ordinary rules)
 * @sid: signature id
 *
 * Return: the rule (owned by @rs, valid until the next load), or NULL.
 */
const struct ips_rule *ips_ruleset_find(const struct ips_ruleset *rs,
					uint32_t gid, uint32_t sid)
{
	uint32_t *slot;

	if (!rs->sid_cap)
		return NULL;
	slot = sid_slot(rs, (uint64_t)gid << 32 | sid);
	return *slot ? &rs->rules[*slot - 1] : NULL;
}

/**
 * ips_ruleset_flowbit_name() - the name of flowbit number @id
 * @rs: rule set
 * @id: 1..number of distinct flowbit names
 *
 * Return: the name (owned by @rs), or NULL if @id is out of range.
 */
const char *ips_ruleset_flowbit_name(const struct ips_ruleset *rs, uint32_t id)
{
	return id && id <= rs->n_flowbits ? rs->flowbits[id - 1] : NULL;
}

static int reason_cmp(const void *a, const void *b)
{
	const struct ips_reason *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->reason, y->reason);
}

/**
 * ips_ruleset_summary() - print what loading did: one line of counts
 * ("ips: 14155 rules in 43 files: 14000 loaded, 150 skipped, 5 failed,
 * 8174 disabled (0.41 s)"), then the @top most frequent reasons, then up
 * to @top kept failure messages
 * @rs: rule set
 * @f: stream
 * @top: how many reasons and failures to list
 */
void ips_ruleset_summary(const struct ips_ruleset *rs, FILE *f,
			 unsigned int top)
{
	const struct ips_load_stats *s = &rs->stats;
	struct ips_reason *sorted;
	uint32_t i;

	fprintf(f,
		"ips: %u rules in %u file%s: %u loaded, %u skipped, "
		"%u failed, %u disabled (%.2f s)\n",
		s->total, s->files, s->files == 1 ? "" : "s", s->loaded,
		s->skipped, s->failed, s->disabled, s->load_ns / 1e9);
	sorted = malloc((rs->n_reasons + 1) * sizeof(*sorted));
	if (sorted && rs->n_reasons) {
		memcpy(sorted, rs->reasons, rs->n_reasons * sizeof(*sorted));
		qsort(sorted, rs->n_reasons, sizeof(*sorted), reason_cmp);
		fprintf(f, "ips: top reasons rules did not load:\n");
		for (i = 0; i < rs->n_reasons && i < top; i++)
			fprintf(f, "  %7u  %-7s  %s\n", sorted[i].count,
				sorted[i].skip ? "skipped" : "failed",
				sorted[i].reason);
	}
	free(sorted);
	if (rs->n_errors)
		fprintf(f, "ips: failures%s:\n",
			s->failed > top && top < rs->n_errors ? " (first)"
							      : "");
	for (i = 0; i < rs->n_errors && i < top; i++)
		fprintf(f, "  %s\n", rs->errors[i]);
}
