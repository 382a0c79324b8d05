// SPDX-License-Identifier: MIT
/*
 * fuzz_ips_http.c - libFuzzer harness for the IPS app-layer parsers: the
 * incremental HTTP/1.x parser above all, plus DNS query names, TLS SNI
 * and protocol detection on the same bytes.
 *
 * Input: byte 0 picks the limits (small ones make the limit paths run),
 * bytes 1-2 seed the chunking, the rest is the request stream, then
 * optionally "\xff\xfe" and the response stream. Each stream is parsed
 * twice - in one piece, and in pseudo-random chunks from 1 byte up - with
 * all requests before all responses both times, so the two runs must
 * report the same events with the same buffers (compared by hash). Every
 * present buffer must lie inside the flow's memory and be an HTTP buffer.
 * A third run feeds the chunks with gap flags and only checks memory
 * safety. A broken invariant traps. The .c files are included (house rule
 * 17). Seeds: fuzz/corpus/fuzz_ips_http/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/ips/ips_app.c"
#include "../src/ips/ips_dns.c"
#include "../src/ips/ips_http.c"
#include "../src/ips/ips_http_msg.c"
#include "../src/ips/ips_tls.c"
#include "fuzz.h"

enum { FZ_MAX_EV = 4096 };

struct fz_run {
	const struct ips_http *h;
	size_t h_size;
	uint64_t hash[FZ_MAX_EV];
	uint32_t n;
};

static uint64_t fz_fnv(uint64_t x, const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		x = (x ^ p[i]) * 0x100000001b3ull;
	return x;
}

static void fz_event(void *ctx, enum ips_http_event ev,
		     const struct ips_bufs *b)
{
	struct fz_run *r = ctx;
	const uint8_t *lo = (const uint8_t *)r->h;
	const uint8_t *hi = lo + r->h_size;
	uint64_t x = 0xcbf29ce484222325ull ^ (uint64_t)ev ^ b->present;

	for (int i = 0; i < IPS_BUF_MAX; i++) {
		if (!(b->present & (1ull << i)))
			continue;
		CHECK(i != IPS_BUF_PAYLOAD && i != IPS_BUF_DNS_QUERY &&
		      i != IPS_BUF_TLS_SNI);
		CHECK(b->p[i] >= lo && b->p[i] + b->len[i] <= hi);
		x = fz_fnv(x, b->p[i], b->len[i]);
		x = fz_fnv(x, (const uint8_t *)&b->len[i], sizeof(b->len[i]));
	}
	if (r->n < FZ_MAX_EV)
		r->hash[r->n] = x;
	r->n++;
}

struct fz_rng {
	uint32_t s;
};

static uint32_t fz_next(struct fz_rng *g)
{
	g->s = g->s * 1103515245u + 12345u;
	return g->s >> 8;
}

static void fz_feed(struct ips_http *h, bool to_server, const uint8_t *p,
		    size_t n, struct fz_rng *g, bool gaps, struct fz_run *r)
{
	size_t off = 0;

	if (!g) {
		ips_http_feed(h, to_server, p, (uint32_t)n, 0, fz_event, r);
		return;
	}
	while (off < n) {
		uint32_t want = fz_next(g);
		size_t k = want & 0x100 ? 1 + (want & 7) : 1 + (want & 255);
		uint32_t flags =
			gaps && (want & 0x7000) == 0 ? IPS_HTTP_F_GAP : 0;

		if (k > n - off)
			k = n - off;
		ips_http_feed(h, to_server, p + off, (uint32_t)k, flags,
			      fz_event, r);
		off += k;
	}
}

static void fz_run(const struct ips_http_cfg *cfg, const uint8_t *req,
		   size_t rn, const uint8_t *resp, size_t sn, struct fz_rng *g,
		   bool gaps, struct fz_run *r)
{
	size_t size = ips_http_size(cfg);
	struct ips_http *h = malloc(size);

	CHECK(h);
	CHECK(ips_http_init(h, cfg) == 0);
	r->h = h;
	r->h_size = size;
	r->n = 0;
	fz_feed(h, true, req, rn, g, gaps, r);
	fz_feed(h, false, resp, sn, g, gaps, r);
	ips_http_close(h, true, fz_event, r);
	ips_http_close(h, false, fz_event, r);
	CHECK(h->requests + h->responses == r->n);
	free(h);
}

static void fz_other_parsers(const uint8_t *data, size_t size)
{
	uint32_t n = size > 65535 ? 65535 : (uint32_t)size, len, ml;
	const uint8_t *sni, *msg;
	char name[IPS_DNS_NAME_MAX];

	if (ips_dns_query(data, n, name, sizeof(name), &len) == 0)
		CHECK(len <= IPS_DNS_NAME_MAX);
	if (ips_dns_tcp_msg(data, n, &msg, &ml) == 0)
		CHECK(msg + ml <= data + n);
	if (ips_tls_sni(data, n, &sni, &len) == 0)
		CHECK(sni >= data && sni + len <= data + n);
	(void)ips_app_detect(data, n, 6, 1, 80, true);
	(void)ips_app_undecided(data, n, false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_run a, b;
	const uint8_t *req, *resp = NULL, *sep;
	size_t rn, sn = 0;
	struct ips_http_cfg cfg;
	struct fz_rng g;

	if (size < 3)
		return 0;
	fz_other_parsers(data, size);
	ips_http_cfg_default(&cfg);
	if (data[0] & 1)
		cfg.header_limit = IPS_HTTP_HEADER_LIMIT_MIN;
	cfg.request_body_limit = data[0] & 2 ? 7 : (data[0] & 4 ? 0 : 4096);
	cfg.response_body_limit = data[0] & 8 ? 5 : 4096;
	req = data + 3;
	rn = size - 3;
	sep = memmem(req, rn, "\xff\xfe", 2);
	if (sep) {
		resp = sep + 2;
		sn = (size_t)(req + rn - resp);
		rn = (size_t)(sep - req);
	}
	fz_run(&cfg, req, rn, resp, sn, NULL, false, &a);
	g.s = (uint32_t)data[1] << 8 | data[2];
	fz_run(&cfg, req, rn, resp, sn, &g, false, &b);
	CHECK(a.n == b.n);
	for (uint32_t i = 0; i < a.n && i < FZ_MAX_EV; i++)
		CHECK(a.hash[i] == b.hash[i]);
	fz_run(&cfg, req, rn, resp, sn, &g, true, &b);
	return 0;
}
