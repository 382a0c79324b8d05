// SPDX-License-Identifier: MIT
/*
 * fw_node_bench.c - micro-benchmark of the firewall node (src/node/
 * firewall.c): the cost per packet of established flows, which must not
 * grow with the number of rules, and the cost per new flow, which pays for
 * the classification, with 10, 1,000 and 10,000 rules.
 *
 * The policy is N - 1 rules that match none of the traffic (drop udp/tcp
 * between random /32 or /24 hosts of 172.16/12 and 192.168/16, ports
 * single or ranges) followed by the one rule that allows it (allow udp
 * from 10.0.0.0/8 to 10.1.0.0/16), so a new flow's answer is the last
 * rule: the classifier's worst place for a first match.
 *
 *   established  FLOWS UDP flows (each primed with a packet and a reply,
 *                so conntrack says ESTABLISHED) sent round-robin in
 *                batches of 64 to leg 0; the tx callback hands the same
 *                buffers back, so the loop measures firewall_input() alone
 *                (parse + conntrack + generation check + rule counters +
 *                output batch)
 *   new          every packet a new flow (source port and address change
 *                per packet): parse + conntrack miss and insert (evicting
 *                the oldest unreplied flow once the table is full) +
 *                classification + mark
 *
 * Times are thread CPU time over at least SECONDS per measurement.
 *
 * Usage: fw_node_bench [--json] [--seconds S] [RULES...]   (default 10
 * 1000 10000, 0.5 s).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/csum.h"
#include "fw/fw_classify.h"
#include "node/firewall.h"

enum {
	FLOWS = 4096,
	POOL = FLOWS + 2 * PKT_BURST,
	CT_MAX = 65536,
	MAX_SIZES = 16,
	FRAME = 60,
};

struct bench {
	struct pkt_pool pool;
	struct firewall *fw;
	struct pkt *back[PKT_BURST];
	unsigned int nback;
	uint64_t now;
};

struct result {
	uint32_t rules;
	double build_ms;
	double est_ns;
	double new_ns;
};

static uint32_t seed = 12345;

static uint32_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	return seed;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void tx(void *ctx, uint16_t port, struct pkt **pkts, unsigned int n)
{
	struct bench *b = ctx;

	(void)port;
	memcpy(b->back + b->nback, pkts, n * sizeof(*pkts));
	b->nback += n;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Ethernet + IPv4 + UDP with 18 bytes of payload, checksums correct. */
static void udp_frame(uint8_t *f, uint32_t s, uint32_t d, uint16_t sp,
		      uint16_t dp)
{
	uint8_t *ip = f + 14, *uh = ip + 20;
	uint16_t c;

	memset(f, 0, FRAME);
	memcpy(f, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, FRAME - 14);
	ip[8] = 64;
	ip[9] = 17;
	put32(ip + 12, s);
	put32(ip + 16, d);
	c = csum_ipv4_hdr(ip, 20);
	memcpy(ip + 10, &c, 2);
	put16(uh, sp);
	put16(uh + 2, dp);
	put16(uh + 4, FRAME - 34);
}

static int add_rule(struct fw_policy *p, const char *text)
{
	struct fw_where w = {.file = "bench", .line = p->n_rules + 1, .col = 1};
	char err[256];
	int ret;

	ret = fw_policy_add_rule(p, text, &w, NULL, NULL, err, sizeof(err));
	if (ret)
		fprintf(stderr, "%s\n", err);
	return ret;
}

static int build_policy(struct fw_policy *p, uint32_t n)
{
	char text[200];
	uint32_t i;

	fw_policy_init(p);
	for (i = 0; i + 1 < n; i++) {
		uint32_t port = 1 + rnd() % 60000;

		snprintf(text, sizeof(text),
			 "drop %s from 172.%u.%u.%u/%u to 192.168.%u.%u port "
			 "%u-%u",
			 rnd() & 1 ? "udp" : "tcp", 16 + rnd() % 16,
			 rnd() % 256, rnd() % 256, rnd() % 4 ? 32 : 24,
			 rnd() % 256, rnd() % 256, port,
			 port + (rnd() % 4 ? 0 : rnd() % 100));
		if (add_rule(p, text))
			return -EINVAL;
	}
	return add_rule(p, "allow udp from 10.0.0.0/8 to 10.1.0.0/16");
}

static struct pkt *frame_pkt(struct bench *b, uint32_t s, uint32_t d,
			     uint16_t sp, uint16_t dp)
{
	struct pkt *p = pkt_alloc(&b->pool);

	if (!p)
		return NULL;
	pkt_reset(p);
	udp_frame(pkt_data(p), s, d, sp, dp);
	p->len = FRAME;
	return p;
}

/* One packet each way for every flow, so they are all ESTABLISHED. */
static int prime(struct bench *b, struct pkt **flows)
{
	unsigned int i;

	for (i = 0; i < FLOWS; i++) {
		uint32_t s = 0x0a000000 + 1 + i;
		struct pkt *p = frame_pkt(b, s, 0x0a010001, 20000, 53);
		struct pkt *r = frame_pkt(b, 0x0a010001, s, 53, 20000);

		if (!p || !r)
			return -ENOMEM;
		b->nback = 0;
		firewall_input(b->fw, 0, &p, 1, b->now);
		firewall_input(b->fw, 1, &r, 1, b->now);
		if (b->nback != 2)
			return -EPERM;
		flows[i] = b->back[0];
		pkt_free(&b->pool, b->back[1]);
	}
	return 0;
}

static double time_established(struct bench *b, struct pkt **flows, double secs)
{
	uint64_t pkts = 0;
	double t0 = cpu_now(), t;
	unsigned int i = 0;

	do {
		for (int k = 0; k < 256; k++) {
			b->nback = 0;
			firewall_input(b->fw, 0, flows + i, PKT_BURST, b->now);
			if (b->nback != PKT_BURST) {
				fprintf(stderr, "established packet dropped\n");
				exit(1);
			}
			i = (i + PKT_BURST) % FLOWS;
			pkts += PKT_BURST;
		}
		b->now += 1000;
		t = cpu_now() - t0;
	} while (t < secs);
	return t * 1e9 / (double)pkts;
}

static double time_new(struct bench *b, struct pkt **batch, double secs)
{
	uint64_t pkts = 0, flow = 0;
	double t0 = cpu_now(), t;

	do {
		for (int k = 0; k < 64; k++) {
			for (int j = 0; j < PKT_BURST; j++, flow++) {
				uint8_t *d = pkt_data(batch[j]);

				/* new 5-tuple: 10.2.x.y:port (no csum check) */
				put32(d + 26,
				      0x0a020000 | (uint32_t)(flow >> 16));
				put16(d + 34, (uint16_t)flow);
			}
			b->nback = 0;
			firewall_input(b->fw, 0, batch, PKT_BURST, b->now);
			if (b->nback != PKT_BURST) {
				fprintf(stderr, "new flow dropped\n");
				exit(1);
			}
			pkts += PKT_BURST;
		}
		b->now += 1000;
		t = cpu_now() - t0;
	} while (t < secs);
	return t * 1e9 / (double)pkts;
}

static int run_size(uint32_t n, double secs, struct result *r)
{
	struct pkt *flows[FLOWS + PKT_BURST], *batch[PKT_BURST];
	struct firewall_cfg cfg;
	struct fw_policy pol;
	struct bench b = {.now = 1000000000ull};
	char err[256];
	double t0;
	int ret, i;

	r->rules = n;
	if (pkt_pool_init(&b.pool, POOL))
		return -ENOMEM;
	firewall_cfg_default(&cfg);
	cfg.ct_max = CT_MAX;
	cfg.opts.log = FIREWALL_LOG_NONE;
	b.fw = firewall_create(&cfg, &b.pool, tx, &b, err, sizeof(err));
	if (!b.fw) {
		fprintf(stderr, "%s\n", err);
		return -ENOMEM;
	}
	ret = build_policy(&pol, n);
	t0 = cpu_now();
	if (!ret)
		ret = firewall_set_policy(b.fw, &pol, err, sizeof(err));
	r->build_ms = (cpu_now() - t0) * 1e3;
	fw_policy_free(&pol);
	if (!ret)
		ret = prime(&b, flows);
	if (ret)
		goto out;
	/* the ring of flows wraps: batch i+64 may start anywhere */
	memcpy(flows + FLOWS, flows, PKT_BURST * sizeof(*flows));
	r->est_ns = time_established(&b, flows, secs);
	for (i = 0; i < PKT_BURST; i++)
		batch[i] = flows[i];
	r->new_ns = time_new(&b, batch, secs);
	if (firewall_generation(b.fw) != 2 ||
	    firewall_counters(b.fw)[FIREWALL_C_DROPPED])
		ret = -EPROTO;
out:
	for (i = 0; i < FLOWS && !ret; i++)
		pkt_free(&b.pool, flows[i]);
	firewall_destroy(b.fw);
	pkt_pool_fini(&b.pool);
	return ret;
}

static void print_text(const struct result *r, int n)
{
	int i;

	printf("%8s %12s %10s %12s %10s %10s\n", "rules", "est ns/pkt",
	       "est Mpps", "new ns/flow", "new Mpps", "build ms");
	for (i = 0; i < n; i++)
		printf("%8u %12.1f %10.2f %12.1f %10.2f %10.1f\n", r[i].rules,
		       r[i].est_ns, 1e3 / r[i].est_ns, r[i].new_ns,
		       1e3 / r[i].new_ns, r[i].build_ms);
	if (n > 1)
		printf("established cost, largest / smallest policy: %.2f\n",
		       r[n - 1].est_ns / r[0].est_ns);
}

static void print_json(const struct result *r, int n)
{
	int i;

	printf("{\"bench\":\"fw_node\",\"flows\":%d,\"results\":[", FLOWS);
	for (i = 0; i < n; i++)
		printf("%s{\"rules\":%u,\"established_ns\":%.2f,"
		       "\"new_flow_ns\":%.2f,\"build_ms\":%.2f}",
		       i ? "," : "", r[i].rules, r[i].est_ns, r[i].new_ns,
		       r[i].build_ms);
	printf("]}\n");
}

int main(int argc, char **argv)
{
	uint32_t sizes[MAX_SIZES] = {10, 1000, 10000};
	struct result res[MAX_SIZES];
	int n_sizes = 0, i;
	double secs = 0.5;
	bool json = false;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			secs = atof(argv[++i]);
		} else if (argv[i][0] >= '1' && argv[i][0] <= '9' &&
			   n_sizes < MAX_SIZES) {
			sizes[n_sizes++] = (uint32_t)strtoul(argv[i], NULL, 10);
		} else {
			fprintf(stderr, "usage: fw_node_bench [--json] "
					"[--seconds S] [RULES...]\n");
			return 2;
		}
	}
	if (!n_sizes)
		n_sizes = 3;
	for (i = 0; i < n_sizes; i++) {
		int ret = run_size(sizes[i], secs, &res[i]);

		if (ret) {
			fprintf(stderr, "%u rules: %s\n", sizes[i],
				strerror(-ret));
			return 1;
		}
	}
	if (json)
		print_json(res, n_sizes);
	else
		print_text(res, n_sizes);
	return 0;
}
