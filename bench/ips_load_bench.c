// SPDX-License-Identifier: MIT
/*
 * ips_load_bench.c - how long loading IPS rules takes (src/ips): the
 * Emerging Threats Open set as shipped, and a set of 30,000 rules built
 * from it (its enabled rules again and again, each copy's sids moved up by
 * 100,000,000 so that every rule is distinct and loads).
 *
 * "Load" is everything `dcbox ips -T` does per rule: split the line, parse
 * the header and evaluate its variables into sets, parse every option,
 * compile every pcre with PCRE2 (no JIT), index gid:sid and number the
 * flowbits. Each case runs RUNS times; the best and the median wall time
 * are printed with the counts.
 *
 * Usage: ips_load_bench [--json] [--rules N] [ET_OPEN_DIR]
 * (default dir ../shared/rules/et-open, N 30000). Exits 1 if the
 * directory cannot be read or a generated rule fails.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ips/ips_ruleset.h"

enum { RUNS = 5, SID_STEP = 100000000 };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct result {
	double best;
	double median;
	struct ips_load_stats stats;
};

static int run_dir(const char *dir, const struct ips_vars *vars,
		   struct result *res)
{
	double t[RUNS];
	struct ips_ruleset rs;
	int ret = 0;

	for (int i = 0; i < RUNS && !ret; i++) {
		ips_ruleset_init(&rs);
		t[i] = now_s();
		ret = ips_ruleset_load_dir(&rs, dir, vars);
		t[i] = now_s() - t[i];
		res->stats = rs.stats;
		ips_ruleset_free(&rs);
	}
	qsort(t, RUNS, sizeof(t[0]), dbl_cmp);
	res->best = t[0];
	res->median = t[RUNS / 2];
	return ret;
}

static int run_buf(const char *buf, size_t len, const struct ips_vars *vars,
		   struct result *res)
{
	double t[RUNS];
	struct ips_ruleset rs;
	int ret = 0;

	for (int i = 0; i < RUNS && !ret; i++) {
		ips_ruleset_init(&rs);
		t[i] = now_s();
		ret = ips_ruleset_load_buf(&rs, buf, len, "generated.rules",
					   vars);
		t[i] = now_s() - t[i];
		res->stats = rs.stats;
		ips_ruleset_free(&rs);
	}
	qsort(t, RUNS, sizeof(t[0]), dbl_cmp);
	res->best = t[0];
	res->median = t[RUNS / 2];
	return ret;
}

/* Append the enabled rule lines of @path to @out. */
static void collect(const char *path, FILE *out, size_t *n)
{
	static const char *const actions[] = {"alert ", "drop ", "reject ",
					      "pass "};
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		for (size_t i = 0; i < 4; i++) {
			if (!strncmp(line, actions[i], strlen(actions[i]))) {
				fputs(line, out);
				(*n)++;
				break;
			}
		}
	}
	free(line);
	fclose(f);
}

/* Print @line with its sid raised by @add. */
static void shift_sid(const char *line, unsigned long add, FILE *out)
{
	const char *s = line, *p = NULL;
	char *end;

	while ((s = strstr(s, "sid:"))) {
		if (s > line && (s[-1] == ';' || s[-1] == ' ' || s[-1] == '('))
			p = s;
		s += 4;
	}
	if (!p) {
		fputs(line, out);
		return;
	}
	fprintf(out, "%.*ssid:%lu", (int)(p - line), line,
		strtoul(p + 4, &end, 10) + add);
	fputs(end, out);
}

/* @want rules made from the enabled rules of @dir. */
static char *generate(const char *dir, size_t want, size_t *len)
{
	char *all = NULL, *gen = NULL, path[4096];
	size_t all_len, n = 0, made = 0;
	struct dirent **names;
	FILE *m = open_memstream(&all, &all_len), *g;
	int k = scandir(dir, &names, NULL, alphasort);

	if (!m || k < 0)
		return NULL;
	for (int i = 0; i < k; i++) {
		size_t l = strlen(names[i]->d_name);

		if (l > 6 && !strcmp(names[i]->d_name + l - 6, ".rules")) {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 names[i]->d_name);
			collect(path, m, &n);
		}
		free(names[i]);
	}
	free(names);
	if (fclose(m) || !n) {
		free(all);
		return NULL;
	}
	g = open_memstream(&gen, len);
	for (unsigned long copy = 0; made < want && g; copy++) {
		for (char *l = all; *l && made < want; made++) {
			char *nl = strchr(l, '\n');
			char save = nl ? nl[1] : 0;

			if (nl)
				nl[1] = '\0';
			shift_sid(l, copy * SID_STEP, g);
			if (!nl)
				break;
			nl[1] = save;
			l = nl + 1;
		}
	}
	free(all);
	if (!g || fclose(g))
		return NULL;
	return gen;
}

static void print(const char *name, const struct result *r, bool json,
		  bool last)
{
	const struct ips_load_stats *s = &r->stats;

	if (json) {
		printf("  \"%s\": {\"rules\": %u, \"loaded\": %u, \"skipped\": "
		       "%u, \"failed\": %u, \"best_s\": %.4f, \"median_s\": "
		       "%.4f, \"rules_per_s\": %.0f}%s\n",
		       name, s->total, s->loaded, s->skipped, s->failed,
		       r->best, r->median, s->total / r->best, last ? "" : ",");
		return;
	}
	printf("%-10s %6u rules: %6u loaded %4u skipped %3u failed  best "
	       "%.3f s  median %.3f s  (%.0f rules/s)\n",
	       name, s->total, s->loaded, s->skipped, s->failed, r->best,
	       r->median, s->total / r->best);
}

int main(int argc, char **argv)
{
	const char *dir = "../shared/rules/et-open";
	struct result et, big;
	struct ips_vars vars;
	size_t want = 30000, len;
	bool json = false;
	char *gen;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--rules") && i + 1 < argc)
			want = strtoul(argv[++i], NULL, 10);
		else
			dir = argv[i];
	}
	if (ips_vars_init_defaults(&vars))
		return 1;
	if (run_dir(dir, &vars, &et) || !et.stats.total) {
		fprintf(stderr, "ips_load_bench: cannot load %s\n", dir);
		return 1;
	}
	gen = generate(dir, want, &len);
	if (!gen || run_buf(gen, len, &vars, &big)) {
		fprintf(stderr, "ips_load_bench: cannot build %zu rules\n",
			want);
		return 1;
	}
	free(gen);
	ips_vars_free(&vars);
	if (json)
		printf("{\n");
	print("et-open", &et, json, false);
	print("generated", &big, json, true);
	if (json)
		printf("}\n");
	return big.stats.failed ? 1 : 0;
}
