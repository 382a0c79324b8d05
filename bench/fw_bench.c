// SPDX-License-Identifier: MIT
/*
 * fw_bench.c - micro-benchmark of the firewall classifier (src/fw): the
 * cost of classifying one new flow's 5-tuple with 10, 1,000 and 10,000
 * random rules, against the linear scan of the same policy.
 *
 * Rules are random but shaped like a policy: a protocol (tcp/udp mostly,
 * `any` on 1 in 28), a source that is `any` on 1 in 3 rules and else a
 * prefix of length 16..32 inside one of 64 "sites" (/16s), a destination
 * likewise but `any` on 1 in 10 of the others (no rule is `from any to
 * any`: that is what the default is for), a destination port (single, range
 * or list) on 3 in 4 tcp/udp rules, a source port on 1 in 8. They are built as text
 * and loaded with fw_policy_add_rule(), so the bench also times the parser
 * and the compiler. Two key mixes are classified:
 *
 *   hit     each key is made to match a rule picked uniformly from the list
 *           (so the answer is spread over the whole list; an earlier rule
 *           may still win, as in a linear scan)
 *   random  uniform random tuples over the sites: mostly the default, the
 *           case where a linear scan looks at every rule
 *
 * Each mix is timed three ways: fw_classify() one key at a time,
 * fw_classify_burst() 64 keys a call (what the firewall node will use), and
 * the linear scan fw_policy_match(). Every answer of the classifier over
 * the key set is checked against the linear scan before timing (the bench exits 1 on a mismatch). Times are
 * thread CPU time per classification, over a 64K-key array walked again
 * and again for at least SECONDS; Mpps is 1000 / ns.
 *
 * Established flows do not appear here: the firewall node looks conntrack
 * up first and classifies only a flow's first packet, so their cost does
 * not depend on the rule count at all (see fw_classify.h).
 *
 * Usage: fw_bench [--json] [--seconds S] [RULES...]   (default 10 1000 10000,
 * 0.5 s per measurement). Prints one line per size and mix, or with --json
 * one JSON object with every result.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fw/fw_classify.h"

enum {
	N_KEYS = 1 << 16,
	N_SITES = 64,
	MAX_SIZES = 16,
	LINEAR_MIN_KEYS = 2048, /* the linear scan at 10k rules is slow */
};

enum mix { MIX_HIT, MIX_RANDOM, MIX_MAX };

static const char *const mix_names[MIX_MAX] = { "hit", "random" };

struct result {
	uint32_t rules;
	double parse_ms, build_ms, mem_mb;
	uint32_t rows[FW_F_MAX];
	double ns[MIX_MAX], burst_ns[MIX_MAX], linear_ns[MIX_MAX];
	double dflt_pct[MIX_MAX];
};

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static uint32_t rnd_below(uint32_t n)
{
	return rnd() % n;
}

/* An address in one of the sites 10.S.0.0/16 (S = 0..N_SITES-1). */
static uint32_t site_addr(void)
{
	return 0x0a000000 | rnd_below(N_SITES) << 16 | rnd_below(65536);
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void print_addr(FILE *f, bool any)
{
	uint32_t len = 16 + rnd_below(17), a = site_addr();

	if (any) {
		fputs("any", f);
		return;
	}
	fprintf(f, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		a & 255, len);
}

static void print_ports(FILE *f)
{
	static const uint32_t common[] = { 22, 53, 80, 123, 443, 5432, 8080 };
	uint32_t lo = rnd_below(2) ? common[rnd_below(7)] : rnd_below(65536);

	switch (rnd_below(4)) {
	case 0:
		fprintf(f, "%u-%u", lo, lo + rnd_below(65536 - lo));
		break;
	case 1:
		fprintf(f, "[%u, %u]", lo, common[rnd_below(7)]);
		break;
	default:
		fprintf(f, "%u", lo);
	}
}

/* One random rule as text, in a malloc'ed string. */
static char *rnd_rule(void)
{
	static const char *const actions[] = { "allow", "drop", "reject" };
	static const char *const protos[] = { "tcp", "tcp", "tcp", "udp",
					      "udp", "icmp", "any" };
	const char *proto = protos[rnd_below(rnd_below(4) ? 6 : 7)];
	bool ports = proto[0] == 't' || proto[0] == 'u';
	bool src_any = !rnd_below(3);
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	if (!f)
		return NULL;
	fprintf(f, "%s %s from ", actions[rnd_below(3)], proto);
	print_addr(f, src_any);
	if (ports && !rnd_below(8)) {
		fputs(" port ", f);
		print_ports(f);
	}
	fputs(" to ", f);
	print_addr(f, !src_any && !rnd_below(10));
	if (ports && rnd_below(4)) {
		fputs(" port ", f);
		print_ports(f);
	}
	return fclose(f) ? NULL : out;
}

static int build_policy(struct fw_policy *p, uint32_t n)
{
	char err[256], *text;
	uint32_t i;
	int ret;

	fw_policy_init(p);
	for (i = 0; i < n; i++) {
		text = rnd_rule();
		if (!text)
			return -ENOMEM;
		ret = fw_policy_add_rule(p, text, NULL, NULL, NULL, err,
					 sizeof(err));
		free(text);
		if (ret) {
			fprintf(stderr, "fw_bench: %s\n", err);
			return ret;
		}
	}
	return 0;
}

/* A value of @s: inside a random interval of it. */
static uint32_t set_value(const struct fw_set *s, uint32_t fallback)
{
	const struct fw_range *r;

	if (!s->n)
		return fallback;
	r = &s->r[rnd_below(s->n)];
	return r->lo + (uint32_t)(((uint64_t)rnd() * ((uint64_t)r->hi -
						       r->lo + 1)) >> 32);
}

static void make_keys(const struct fw_policy *p, enum mix mix,
		      struct fw_key *keys)
{
	static const uint8_t protos[] = { 6, 6, 17, 1 };
	uint32_t i;

	for (i = 0; i < N_KEYS; i++) {
		struct fw_key *k = &keys[i];
		const struct fw_rule *r = &p->rules[rnd_below(p->n_rules)];

		memset(k, 0, sizeof(*k));
		k->proto = protos[rnd_below(4)];
		k->src = site_addr();
		k->dst = site_addr();
		k->sport = (uint16_t)(1024 + rnd_below(64512));
		k->dport = (uint16_t)rnd_below(65536);
		if (mix == MIX_RANDOM)
			continue;
		if (r->proto != FW_PROTO_ANY)
			k->proto = r->proto == FW_PROTO_TCP   ? 6
				   : r->proto == FW_PROTO_UDP ? 17
							      : 1;
		k->src = set_value(&r->src, k->src);
		k->dst = set_value(&r->dst, k->dst);
		k->sport = (uint16_t)set_value(&r->sport, k->sport);
		k->dport = (uint16_t)set_value(&r->dport, k->dport);
	}
	for (i = 0; i < N_KEYS; i++)
		if (keys[i].proto != 6 && keys[i].proto != 17)
			keys[i].sport = keys[i].dport = 0;
}

static volatile uint32_t sink;

/* ns per classification of fw_classify() over @keys for @secs. */
static double time_classify(const struct fw_classifier *c,
			    const struct fw_key *keys, double secs)
{
	double t0 = cpu_now(), t;
	uint64_t n = 0;
	uint32_t i, acc = 0;

	do {
		for (i = 0; i < N_KEYS; i++)
			acc += fw_classify(c, &keys[i]);
		n += N_KEYS;
		t = cpu_now() - t0;
	} while (t < secs);
	sink = acc;
	return t * 1e9 / (double)n;
}

/* The same through fw_classify_burst(), 64 keys (PKT_BURST) a call. */
static double time_burst(const struct fw_classifier *c,
			 const struct fw_key *keys, double secs)
{
	double t0 = cpu_now(), t;
	uint32_t i, j, acc = 0, idx[64];
	uint64_t n = 0;

	do {
		for (i = 0; i < N_KEYS; i += 64) {
			fw_classify_burst(c, keys + i, 64, idx);
			for (j = 0; j < 64; j++)
				acc += idx[j];
		}
		n += N_KEYS;
		t = cpu_now() - t0;
	} while (t < secs);
	sink = acc;
	return t * 1e9 / (double)n;
}

static double time_linear(const struct fw_policy *p, const struct fw_key *keys,
			  double secs)
{
	double t0 = cpu_now(), t;
	uint64_t n = 0;
	uint32_t i = 0, acc = 0;

	do {
		acc += fw_policy_match(p, &keys[i]);
		i = (i + 1) % N_KEYS;
		n++;
		t = n % 64 ? 0 : cpu_now() - t0;
	} while (n < LINEAR_MIN_KEYS || t < secs);
	sink = acc;
	return t * 1e9 / (double)n;
}

static int check(const struct fw_policy *p, const struct fw_classifier *c,
		 const struct fw_key *keys, uint32_t n, double *dflt_pct)
{
	uint32_t i, got, dflt = 0;

	for (i = 0; i < n; i++) {
		got = fw_classify(c, &keys[i]);
		if (got != fw_policy_match(p, &keys[i])) {
			fprintf(stderr, "fw_bench: key %u: classifier %u, "
				"linear %u\n", i, got,
				fw_policy_match(p, &keys[i]));
			return -EINVAL;
		}
		dflt += got == p->n_rules;
	}
	*dflt_pct = 100.0 * dflt / n;
	return 0;
}

static int run_size(uint32_t n, double secs, struct fw_key *keys,
		    struct result *res)
{
	struct fw_classifier *c;
	struct fw_policy p;
	double t0;
	int m, f, ret;

	memset(res, 0, sizeof(*res));
	res->rules = n;
	t0 = cpu_now();
	ret = build_policy(&p, n);
	res->parse_ms = (cpu_now() - t0) * 1e3;
	if (ret)
		goto out;
	t0 = cpu_now();
	ret = fw_classifier_build(&p, &c);
	res->build_ms = (cpu_now() - t0) * 1e3;
	if (ret)
		goto out;
	res->mem_mb = (double)c->mem / (1 << 20);
	for (f = 0; f < FW_F_MAX; f++)
		res->rows[f] = c->fields[f].n_rows;
	for (m = 0; m < MIX_MAX && !ret; m++) {
		make_keys(&p, (enum mix)m, keys);
		ret = check(&p, c, keys, n > 2000 ? 4096 : N_KEYS,
			    &res->dflt_pct[m]);
		if (ret)
			break;
		res->ns[m] = time_classify(c, keys, secs);
		res->burst_ns[m] = time_burst(c, keys, secs);
		res->linear_ns[m] = time_linear(&p, keys, secs);
	}
	fw_classifier_free(c);
out:
	fw_policy_free(&p);
	return ret;
}

static void print_text(const struct result *r)
{
	int m;

	printf("fw_bench: %u rules: parse %.1f ms, build %.1f ms, %.1f MB, "
	       "rows src %u dst %u sport %u dport %u\n",
	       r->rules, r->parse_ms, r->build_ms, r->mem_mb, r->rows[FW_F_SRC],
	       r->rows[FW_F_DST], r->rows[FW_F_SPORT], r->rows[FW_F_DPORT]);
	for (m = 0; m < MIX_MAX; m++)
		printf("fw_bench: %u rules %-6s: classify %6.1f ns (%5.2f Mpps)"
		       " burst %6.1f ns (%5.2f Mpps)  linear %8.1f ns "
		       "(%6.3f Mpps)  default %.0f%%\n",
		       r->rules, mix_names[m], r->ns[m], 1e3 / r->ns[m],
		       r->burst_ns[m], 1e3 / r->burst_ns[m], r->linear_ns[m],
		       1e3 / r->linear_ns[m], r->dflt_pct[m]);
}

static void print_json(const struct result *res, int n)
{
	int i, m;

	printf("{\"bench\": \"fw_classify\", \"results\": [");
	for (i = 0; i < n; i++) {
		const struct result *r = &res[i];

		printf("%s\n  {\"rules\": %u, \"parse_ms\": %.2f, \"build_ms\": "
		       "%.2f, \"mem_mb\": %.2f, \"rows\": {\"src\": %u, \"dst\": "
		       "%u, \"sport\": %u, \"dport\": %u}",
		       i ? "," : "", r->rules, r->parse_ms, r->build_ms,
		       r->mem_mb, r->rows[FW_F_SRC], r->rows[FW_F_DST],
		       r->rows[FW_F_SPORT], r->rows[FW_F_DPORT]);
		for (m = 0; m < MIX_MAX; m++)
			printf(", \"%s\": {\"ns\": %.2f, \"mpps\": %.3f, "
			       "\"burst_ns\": %.2f, \"burst_mpps\": %.3f, "
			       "\"linear_ns\": %.2f, \"linear_mpps\": %.4f, "
			       "\"default_pct\": %.1f}",
			       mix_names[m], r->ns[m], 1e3 / r->ns[m],
			       r->burst_ns[m], 1e3 / r->burst_ns[m],
			       r->linear_ns[m], 1e3 / r->linear_ns[m],
			       r->dflt_pct[m]);
		printf("}");
	}
	printf("\n]}\n");
}

static int usage(void)
{
	fprintf(stderr, "usage: fw_bench [--json] [--seconds S] [RULES...]\n"
			"  default sizes 10 1000 10000, 0.5 s per measurement\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct result res[MAX_SIZES];
	uint32_t sizes[MAX_SIZES] = { 10, 1000, 10000 };
	int n_sizes = 0, i;
	double secs = 0.5;
	bool json = false;
	struct fw_key *keys;
	char *end;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			secs = strtod(argv[++i], &end);
			if (*end || secs < 0)
				return usage();
		} else if (n_sizes < MAX_SIZES) {
			unsigned long v = strtoul(argv[i], &end, 10);

			if (*end || !v || v > FW_RULES_MAX)
				return usage();
			sizes[n_sizes++] = (uint32_t)v;
		} else {
			return usage();
		}
	}
	if (!n_sizes)
		n_sizes = 3;
	keys = malloc(N_KEYS * sizeof(*keys));
	if (!keys)
		return 1;
	for (i = 0; i < n_sizes; i++) {
		if (run_size(sizes[i], secs, keys, &res[i]))
			return 1;
		if (!json)
			print_text(&res[i]);
	}
	if (json)
		print_json(res, n_sizes);
	free(keys);
	return 0;
}
