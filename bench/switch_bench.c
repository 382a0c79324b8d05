// SPDX-License-Identifier: MIT
/*
 * switch_bench.c - in-process benchmark of the L2 switch node: how many
 * 64-byte frames per second one core pushes through switch_input().
 *
 * No kernel I/O: a generator takes buffers from a packet pool (as a port's
 * rx would), writes the Ethernet header of a 64-byte frame from one of N
 * source MACs to one of N known destinations, and hands batches of
 * PKT_BURST frames from one ingress port at a time to switch_input(); the
 * sink tx callback counts the frames and returns them to the pool. All MACs
 * are learned before timing starts, so every timed frame is a known
 * unicast. Cases:
 *
 *   access     4 access ports in one VLAN, any port to any other port
 *   trunk      2 access + 2 trunk ports, access to trunk: a tag push each
 *   trunk-pop  the same ports, trunk to access: a tag pop each
 *
 * Usage: switch_bench [SECONDS [MACS]] [--json]   (defaults 3 s, 4096)
 * Prints one line per case, e.g.
 *   switch_bench: access 64B: 25.3 Mpps (1 core, 4096 macs; ...)
 * or, with --json, one JSON object holding every case. Mpps is frames per
 * second of the thread's CPU time, so that other load on a shared machine
 * does not count against the switch; the wall-clock rate is shown too.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/pkt.h"
#include "node/switch.h"

enum {
	FRAME_LEN = 64,
	POOL_SIZE = 1024,
	NPORTS = 4,
	BENCH_VLAN = 10,
	CLOCK_EVERY = 64,           /* batches between clock reads */
};

enum bench_case { CASE_ACCESS, CASE_TRUNK, CASE_TRUNK_POP, CASE_MAX };

static const char *const case_names[CASE_MAX] = { "access", "trunk",
						  "trunk-pop" };

/* MACs homed on one port, and the destinations its frames go to. */
struct gen_port {
	uint8_t (*srcs)[6];
	uint8_t (*dsts)[6];
	uint32_t nsrc, ndst, isrc, idst;
	bool tagged;                /* frames arrive with a VLAN tag */
};

struct bench {
	struct pkt_pool pool;
	struct switch_node *sw;
	struct gen_port ports[NPORTS];
	unsigned int ningress;
	uint16_t ingress[NPORTS];   /* ports the generator sends from */
	uint64_t sunk;              /* frames the sink received */
};

struct result {
	enum bench_case c;
	double mpps;                /* per second of CPU time of the thread */
	double wall_mpps;           /* per second of wall-clock time */
	double seconds;             /* CPU time */
	double wall_seconds;
	uint64_t packets;
	bool clean;                 /* every frame forwarded, none flooded */
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static void sink_tx(void *ctx, uint16_t port_id, struct pkt **pkts,
		    unsigned int n)
{
	struct bench *b = ctx;

	(void)port_id;
	b->sunk += n;
	pkt_free_bulk(&b->pool, pkts, n);
}

static void mac_of(uint8_t *mac, uint32_t i)
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

/* Port MAC @i lives on: access spreads over all 4, trunk cases 2 and 2. */
static uint16_t home_of(enum bench_case c, uint32_t i)
{
	if (c == CASE_ACCESS)
		return (uint16_t)(i % NPORTS);
	return (uint16_t)(i % 2 * 2 + i / 2 % 2);
}

/* Ports 0,1 access; 2,3 access (access case) or trunks carrying BENCH_VLAN. */
static int add_ports(struct bench *b, enum bench_case c)
{
	unsigned int i;

	for (i = 0; i < NPORTS; i++) {
		struct sw_port_cfg cfg = { .mode = SW_PORT_ACCESS,
					   .vlan = BENCH_VLAN,
					   .port_id = (uint16_t)i };
		int rc;

		if (c != CASE_ACCESS && i >= 2) {
			cfg.mode = SW_PORT_TRUNK;
			cfg.allowed[BENCH_VLAN / 64] = 1ULL << BENCH_VLAN % 64;
		}
		rc = switch_port_add(b->sw, &cfg);
		if (rc < 0)
			return rc;
		b->ports[i].tagged = cfg.mode == SW_PORT_TRUNK;
	}
	return 0;
}

/* Which ingress ports send, and to which homes their frames go. */
static bool sends_to(enum bench_case c, uint16_t from, uint16_t to)
{
	if (c == CASE_ACCESS)
		return from != to;
	if (c == CASE_TRUNK)
		return from < 2 && to >= 2;
	return from >= 2 && to < 2;
}

static int gen_init(struct bench *b, enum bench_case c, uint32_t nmacs)
{
	uint16_t p;
	uint32_t i;

	for (p = 0; p < NPORTS; p++) {
		struct gen_port *g = &b->ports[p];

		g->srcs = calloc(nmacs, 6);
		g->dsts = calloc(nmacs, 6);
		if (!g->srcs || !g->dsts)
			return -ENOMEM;
		for (i = 0; i < nmacs; i++) {
			uint16_t home = home_of(c, i);

			if (home == p)
				mac_of(g->srcs[g->nsrc++], i);
			if (sends_to(c, p, home))
				mac_of(g->dsts[g->ndst++], i);
		}
		if (g->ndst && g->nsrc)
			b->ingress[b->ningress++] = p;
	}
	return b->ningress ? 0 : -EINVAL;
}

/* Fill @n fresh buffers with frames from port @p's MACs. */
static unsigned int gen_batch(struct bench *b, uint16_t p, struct pkt **pkts,
			      unsigned int n)
{
	struct gen_port *g = &b->ports[p];
	unsigned int i, got = pkt_alloc_bulk(&b->pool, pkts, n);

	for (i = 0; i < got; i++) {
		uint8_t *d = pkt_data(pkts[i]);
		uint8_t *t = d + 12;

		memcpy(d, g->dsts[g->idst], 6);
		memcpy(d + 6, g->srcs[g->isrc], 6);
		if (++g->idst >= g->ndst)
			g->idst = 0;
		if (++g->isrc >= g->nsrc)
			g->isrc = 0;
		if (g->tagged) {
			memcpy(t, "\x81\x00\x00" "\x0a", 4);
			t += 4;
		}
		t[0] = 0x08;
		t[1] = 0x00;
		pkts[i]->len = FRAME_LEN;
		pkts[i]->in_port = p;
	}
	return got;
}

/* Every MAC sends one broadcast from its home port, so all are known. */
static void learn_all(struct bench *b, uint64_t t)
{
	uint16_t p;
	uint32_t i;

	for (p = 0; p < NPORTS; p++) {
		struct gen_port *g = &b->ports[p];

		for (i = 0; i < g->nsrc; i++) {
			struct pkt *pkt;

			if (gen_batch(b, p, &pkt, 1) != 1)
				return;
			memset(pkt_data(pkt), 0xff, 6);
			switch_input(b->sw, p, &pkt, 1, t);
		}
		g->isrc = 0;
		g->idst = 0;
	}
}

static void bench_free(struct bench *b)
{
	unsigned int p;

	for (p = 0; p < NPORTS; p++) {
		free(b->ports[p].srcs);
		free(b->ports[p].dsts);
	}
	switch_destroy(b->sw);
	pkt_pool_fini(&b->pool);
}

/*
 * The timed loop: batches of PKT_BURST, ingress ports in turn, for
 * @seconds of wall-clock time. Sets *wall and *cpu to the time taken.
 */
static uint64_t run_loop(struct bench *b, double seconds, uint64_t *wall,
			 uint64_t *cpu)
{
	uint64_t cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	uint64_t start = now_ns(), t = start, end;
	uint64_t sent = 0, batches = 0;
	struct pkt *pkts[PKT_BURST];

	end = start + (uint64_t)(seconds * 1e9);
	while (t < end) {
		uint16_t p = b->ingress[batches % b->ningress];
		unsigned int n = gen_batch(b, p, pkts, PKT_BURST);

		switch_input(b->sw, p, pkts, n, t);
		sent += n;
		if (++batches % CLOCK_EVERY == 0)
			t = now_ns();
	}
	*wall = now_ns() - start;
	*cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	return sent;
}

static int run_case(enum bench_case c, double seconds, uint32_t nmacs,
		    struct result *r)
{
	struct bench b = { 0 };
	uint64_t t0, sent, wall, cpu, fwd0;
	const uint64_t *ctr;
	int rc;

	rc = pkt_pool_init(&b.pool, POOL_SIZE);
	if (rc)
		return rc;
	b.sw = switch_create("bench", &b.pool, nmacs + nmacs / 2, 0, sink_tx,
			     &b);
	if (!b.sw) {
		rc = -errno;
		goto out;
	}
	rc = add_ports(&b, c);
	if (!rc)
		rc = gen_init(&b, c, nmacs);
	if (rc)
		goto out;
	t0 = now_ns();
	learn_all(&b, t0);
	ctr = switch_counters(b.sw);
	fwd0 = ctr[SWITCH_C_FORWARDED];
	b.sunk = 0;
	sent = run_loop(&b, seconds, &wall, &cpu);
	r->c = c;
	r->packets = b.sunk;
	r->seconds = (double)cpu / 1e9;
	r->wall_seconds = (double)wall / 1e9;
	r->mpps = (double)b.sunk / r->seconds / 1e6;
	r->wall_mpps = (double)b.sunk / r->wall_seconds / 1e6;
	r->clean = sent == b.sunk && ctr[SWITCH_C_FORWARDED] - fwd0 == sent &&
		   switch_mac_count(b.sw) == nmacs;
out:
	bench_free(&b);
	return rc;
}

static void usage(void)
{
	fprintf(stderr, "usage: switch_bench [SECONDS [MACS]] [--json]\n"
			"  SECONDS per case (default 3), MACS 4..1000000 "
			"(default 4096)\n");
}

static int parse_args(int argc, char **argv, double *seconds,
		      uint32_t *nmacs, bool *json)
{
	int i, pos = 0;

	for (i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--json")) {
			*json = true;
		} else if (pos == 0) {
			*seconds = strtod(argv[i], &end);
			if (*end || !(*seconds > 0 && *seconds <= 3600))
				return -EINVAL;
			pos++;
		} else if (pos == 1) {
			unsigned long v = strtoul(argv[i], &end, 10);

			if (*end || v < 4 || v > 1000000)
				return -EINVAL;
			*nmacs = (uint32_t)v;
			pos++;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

static void print_results(const struct result *r, unsigned int n,
			  uint32_t nmacs, bool json)
{
	unsigned int i;

	if (json)
		printf("{\"bench\": \"switch_bench\", \"frame_bytes\": %d, "
		       "\"cores\": 1, \"macs\": %u, \"burst\": %d, "
		       "\"cases\": [", FRAME_LEN, nmacs, PKT_BURST);
	for (i = 0; i < n; i++) {
		if (json)
			printf("%s{\"name\": \"%s\", \"mpps\": %.2f, "
			       "\"wall_mpps\": %.2f, \"packets\": %llu, "
			       "\"cpu_seconds\": %.3f, "
			       "\"wall_seconds\": %.3f, \"clean\": %s}",
			       i ? ", " : "", case_names[r[i].c], r[i].mpps,
			       r[i].wall_mpps,
			       (unsigned long long)r[i].packets, r[i].seconds,
			       r[i].wall_seconds,
			       r[i].clean ? "true" : "false");
		else
			printf("switch_bench: %s %dB: %.1f Mpps (1 core, %u "
			       "macs; %.1f Mpps wall clock, %.0f%% of a "
			       "CPU)%s\n", case_names[r[i].c], FRAME_LEN,
			       r[i].mpps, nmacs, r[i].wall_mpps,
			       100 * r[i].seconds / r[i].wall_seconds,
			       r[i].clean ? "" : " [WARNING: frames lost]");
	}
	if (json)
		printf("]}\n");
}

int main(int argc, char **argv)
{
	struct result res[CASE_MAX];
	double seconds = 3;
	uint32_t nmacs = 4096;
	bool json = false, clean = true;
	int c, rc;

	if (parse_args(argc, argv, &seconds, &nmacs, &json)) {
		usage();
		return 2;
	}
	for (c = 0; c < CASE_MAX; c++) {
		rc = run_case((enum bench_case)c, seconds, nmacs, &res[c]);
		if (rc) {
			fprintf(stderr, "switch_bench: %s: %s\n",
				case_names[c], strerror(-rc));
			return 1;
		}
		clean &= res[c].clean;
	}
	print_results(res, CASE_MAX, nmacs, json);
	return clean ? 0 : 1;
}
