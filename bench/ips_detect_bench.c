// SPDX-License-Identifier: MIT
/*
 * ips_detect_bench.c - the detection engine alone (src/ips/ips_detect*.c),
 * without decoding, flows or reassembly: build time and time per
 * inspection of the Hyperscan prefilter engine against the naive engine
 * (every rule a candidate) on the same rules and inspections.
 *
 * Rules: a rules directory (default ../shared/rules/et-open), or with
 * --gen N, N generated content rules (random 12-byte literals, a third
 * of them on http.uri). Inspections: a fixed mix of HTTP request events
 * (URI, method, host, user agent, headers), request packets and 1,400
 * byte response packets of HTML text, one in ten carrying an SQL
 * injection. Prints build ms, the largest rule lists behind one pattern,
 * and per engine: ns per inspection, candidates per inspection, alerts.
 *
 * Usage: ips_detect_bench [--gen N] [--iter N] [--no-naive] [DIR]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ips/ips_detect_priv.h"

enum { N_INSP = 30, RESP_SIZE = 1400 };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int load(struct ips_ruleset *rs, const char *dir, uint32_t gen,
		const struct ips_vars *vars)
{
	char line[256], w[13];

	ips_ruleset_init(rs);
	if (!gen)
		return ips_ruleset_load_dir(rs, dir, vars);
	srand(77);
	for (uint32_t i = 0; i < gen; i++) {
		for (unsigned int k = 0; k < 12; k++)
			w[k] = "abcdefghijklmnopqrstuvwxyz0123456789"[rand() %
								      36];
		w[12] = '\0';
		snprintf(line, sizeof(line),
			 "alert %s any any -> any any (msg:\"g %u\"; "
			 "%scontent:\"%s\";%s sid:%u;)",
			 i % 3 ? "tcp" : "http", i, i % 3 ? "" : "http.uri; ",
			 w, i % 2 ? " nocase;" : "", i + 1);
		if (ips_ruleset_add(rs, line, "gen", i + 1, vars))
			return -EINVAL;
	}
	return 0;
}

static struct ips_engine *build(const char *dir, uint32_t gen, bool naive,
				const struct ips_vars *vars)
{
	struct ips_engine_cfg cfg = {.naive = naive};
	struct ips_engine_stats st;
	struct ips_engine *e;
	struct ips_ruleset rs;
	char err[512];

	if (load(&rs, dir, gen, vars)) {
		fprintf(stderr, "cannot load rules\n");
		exit(1);
	}
	if (ips_engine_build(&e, &rs, &cfg, err, sizeof(err))) {
		fprintf(stderr, "build: %s\n", err);
		exit(1);
	}
	ips_ruleset_free(&rs);
	ips_engine_stats(e, &st);
	printf("%-6s %u rules: build %.0f ms (pcre %.0f, hyperscan %.0f), "
	       "%u patterns in %u databases, %u always, %.1f MiB\n",
	       naive ? "naive" : "hs", st.n_rules, st.build_ns / 1e6,
	       st.prepare_ns / 1e6, st.mpm_ns / 1e6, st.n_patterns,
	       st.n_databases, st.n_always, st.memory / 1048576.0);
	return e;
}

/* The pattern ids with the longest rule lists */
static void top_lists(const struct ips_engine *e)
{
	uint32_t best[5] = {0}, id[5] = {0};

	for (uint32_t p = 0; p < e->n_pats; p++) {
		uint32_t n = e->pats.start[p + 1] - e->pats.start[p];

		for (int k = 0; k < 5; k++) {
			if (n <= best[k])
				continue;
			memmove(best + k + 1, best + k,
				(4 - k) * sizeof(*best));
			memmove(id + k + 1, id + k, (4 - k) * sizeof(*id));
			best[k] = n;
			id[k] = p;
			break;
		}
	}
	printf("largest rule lists behind one pattern:");
	for (int k = 0; k < 5 && best[k]; k++) {
		const struct ips_drule *d =
			&e->rules[e->pats.slots[e->pats.start[id[k]]]];

		printf(" %u (%s)", best[k], ips_buf_name(d->fp_buf));
	}
	printf("\n");
}

static char resp[RESP_SIZE + 1];

static const char *const uris[] = {
	"/index.html",
	"/images/logo.png",
	"/search?q=shoes&page=2",
	"/api/v1/cart/items",
	"/products/item.php?id=1 UNION SELECT username,password FROM users",
};

/* Inspection i of the mix */
static void inspection(struct ips_pktinfo *p, uint32_t i, char *req,
		       size_t size)
{
	const char *uri = uris[i % 10 == 9 ? 4 : i % 4];
	int n;

	memset(p, 0, sizeof(*p));
	p->family = 4;
	p->proto = 6;
	p->src4 = 0xcb007105;
	p->dst4 = 0xc0a80102;
	p->sport = 40000 + i;
	p->dport = 80;
	p->app = IPS_APP_HTTP;
	p->flow = IPS_FLOW_ESTABLISHED;
	n = snprintf(req, size,
		     "GET %s HTTP/1.1\r\nHost: shop.example\r\n"
		     "User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
		     "Accept: */*\r\n\r\n",
		     uri);
	switch (i % 3) {
	case 0: /* the request's HTTP event */
		p->flow |= IPS_FLOW_TO_SERVER | IPS_FLOW_ONLY_STREAM;
#define B(b, s)                                                                \
	(p->bufs.p[b] = (const uint8_t *)(s), p->bufs.len[b] = strlen(s),      \
	 p->bufs.present |= 1ull << (b))
		B(IPS_BUF_HTTP_URI, uri);
		B(IPS_BUF_HTTP_URI_RAW, uri);
		B(IPS_BUF_HTTP_METHOD, "GET");
		B(IPS_BUF_HTTP_HOST, "shop.example");
		B(IPS_BUF_HTTP_USER_AGENT, "Mozilla/5.0 (X11; Linux x86_64)");
		B(IPS_BUF_HTTP_HEADER,
		  "Host: shop.example\r\nUser-Agent: Mozilla/5.0 (X11; "
		  "Linux x86_64)\r\nAccept: */*\r\n\r\n");
		break;
	case 1: /* the request packet */
		p->flow |= IPS_FLOW_TO_SERVER | IPS_FLOW_NO_STREAM;
		p->bufs.p[IPS_BUF_PAYLOAD] = (const uint8_t *)req;
		p->bufs.len[IPS_BUF_PAYLOAD] = n;
		p->bufs.present = 1ull << IPS_BUF_PAYLOAD;
		break;
	default: /* a response packet */
		p->flow |= IPS_FLOW_TO_CLIENT | IPS_FLOW_NO_STREAM;
		p->src4 = 0xc0a80102;
		p->dst4 = 0xcb007105;
		p->sport = 80;
		p->dport = 40000 + i;
		p->bufs.p[IPS_BUF_PAYLOAD] = (const uint8_t *)resp;
		p->bufs.len[IPS_BUF_PAYLOAD] = RESP_SIZE;
		p->bufs.present = 1ull << IPS_BUF_PAYLOAD;
	}
	p->dsize = p->bufs.len[IPS_BUF_PAYLOAD];
}

static void run(struct ips_engine *e, const char *name, uint32_t iter)
{
	struct ips_scratch *s = ips_scratch_new(e);
	uint64_t cands = 0, alerts = 0, t0, n = 0;
	static char req[N_INSP][512];
	struct ips_pktinfo p[N_INSP];
	struct ips_detect_result res;
	uint64_t bits[N_INSP][64];

	if (!s) {
		fprintf(stderr, "no scratch\n");
		exit(1);
	}
	for (uint32_t i = 0; i < N_INSP; i++) {
		inspection(&p[i], i, req[i], sizeof(req[i]));
		p[i].flowbits = bits[i];
		p[i].n_flowbit_words = ips_engine_flowbit_words(e) < 64
					       ? ips_engine_flowbit_words(e)
					       : 64;
	}
	t0 = now_ns();
	for (uint32_t it = 0; it < iter; it++)
		for (uint32_t i = 0; i < N_INSP; i++, n++) {
			memset(bits[i], 0, sizeof(bits[i]));
			ips_detect(e, s, &p[i], &res, NULL, NULL);
			cands += res.n_cands;
			alerts += res.n_fired;
		}
	printf("%-6s %.0f ns per inspection, %.1f candidates, %.2f alerts\n",
	       name, (double)(now_ns() - t0) / n, (double)cands / n,
	       (double)alerts / n);
	ips_scratch_free(s);
}

int main(int argc, char **argv)
{
	const char *dir = "../shared/rules/et-open";
	uint32_t gen = 0, iter = 200;
	bool naive = true;
	struct ips_vars vars;
	struct ips_engine *e;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--gen") && i + 1 < argc)
			gen = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--iter") && i + 1 < argc)
			iter = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--no-naive"))
			naive = false;
		else
			dir = argv[i];
	}
	for (uint32_t i = 0; i < RESP_SIZE; i++)
		resp[i] =
			"<html><body><p>Lorem ipsum dolor sit amet</p>"[i % 46];
	if (ips_vars_init_defaults(&vars))
		return 1;
	e = build(dir, gen, false, &vars);
	top_lists(e);
	run(e, "hs", iter);
	ips_engine_free(e);
	if (naive) {
		e = build(dir, gen, true, &vars);
		run(e, "naive", iter / 20 ? iter / 20 : 1);
		ips_engine_free(e);
	}
	ips_vars_free(&vars);
	return 0;
}
