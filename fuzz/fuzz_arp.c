// SPDX-License-Identifier: MIT
/*
 * fuzz_arp.c - libFuzzer harness for the router's L3 helpers on untrusted
 * frames: arp_input() (reply decision, learning, reply built in place),
 * arp_resolve()/arp_drain()/arp_tick() driven by addresses taken from the
 * frame, icmp_echo_reply(), icmp_error_allowed()/icmp_build_error() and
 * the IPv4 TTL/MTU helpers.
 *
 * Each input is one frame, copied into a pool buffer; the router interface
 * owns 10.0.0.2 and, when the last byte is odd, the frame's target address
 * too, so both the answered and the ignored paths run. Checked with
 * __builtin_trap(): a reply re-parses as an ARP reply from one of our
 * addresses; every ICMP frame built has valid IP and ICMP checksums and
 * fits 576 bytes; the TTL decrement keeps a valid header checksum valid;
 * and after arp_cache_fini() every buffer is back (no leak, no double
 * free). The packet pool is a small stand-in defined here (pkt_pool.c
 * cannot be #included next to parse.c: both define VLAN_HDR) that traps on
 * a double free. The input frame itself sits in a heap block that ends
 * where the frame ends, so ASan reports any read or write past it.
 * Build: make fuzz-build; seeds in fuzz/corpus/fuzz_arp/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/csum.c"
#include "../src/core/parse.c"
#include "../src/l3/arp.c"
#include "../src/l3/icmp.c"
#include "../src/l3/ipv4_fwd.c"
#include "fuzz.h"

enum { POOL_SIZE = 32 };

static struct pkt_pool pool;
static struct pkt descs[POOL_SIZE];
static bool in_use[POOL_SIZE];

int pkt_pool_init(struct pkt_pool *pl, uint32_t size)
{
	uint32_t i;

	memset(pl, 0, sizeof(*pl));
	for (i = 0; i < POOL_SIZE && i < size; i++) {
		descs[i].idx = i;
		descs[i].buf = malloc(PKT_BUF_SIZE);
		if (!descs[i].buf)
			return -1;
	}
	pl->pkts = descs;
	pl->size = pl->nfree = i;
	return 0;
}

struct pkt *pkt_alloc(struct pkt_pool *pl)
{
	uint32_t i;

	for (i = 0; i < pl->size; i++) {
		if (in_use[i])
			continue;
		in_use[i] = true;
		pl->nfree--;
		pkt_reset(&descs[i]);
		return &descs[i];
	}
	return NULL;
}

void pkt_free(struct pkt_pool *pl, struct pkt *p)
{
	CHECK(p && p >= descs && p < descs + pl->size && in_use[p->idx]);
	in_use[p->idx] = false;
	pl->nfree++;
}

struct pkt *pkt_clone(struct pkt_pool *pl, const struct pkt *p)
{
	struct pkt *q = pkt_alloc(pl);

	if (!q)
		return NULL;
	q->off = p->off;
	q->len = p->len;
	q->vnet = p->vnet;
	memcpy(pkt_data(q), pkt_data(p), p->len);
	return q;
}

static void unreach_free(void *ctx, const struct arp_entry *e, struct pkt *p)
{
	(void)ctx;
	(void)e;
	pkt_free(&pool, p);
}

static void check_icmp_frame(const struct pkt *q)
{
	const uint8_t *ip4 = pkt_data(q) + 14;
	uint32_t tot = (uint32_t)ip4[2] << 8 | ip4[3];

	CHECK(tot <= ICMP_ERR_MAX_SIZE && q->len == 14 + tot);
	CHECK(csum_buf(ip4, 20) == 0);
	CHECK(csum_buf(ip4 + 20, tot - 20) == 0);
}

static void do_arp(struct arp_cache *c, const struct arp_iface *ifc,
		   struct pkt *p, const struct pkt_meta *m)
{
	struct pkt *out[ARP_QUEUE_MAX];
	struct arp_entry *res;
	struct pkt_meta rm;
	unsigned int i, n;

	if (arp_input(c, ifc, p, m, 1000, &res) == ARP_RX_REPLY) {
		CHECK(pkt_parse(pkt_data(p), p->len, &rm) == 0);
		CHECK(rm.l3 == PKT_L3_ARP && rm.arp_op == ARP_OP_REPLY);
		CHECK(arp_iface_owns(ifc, pkt_addr_v4(&rm.src)));
		CHECK(!memcmp(rm.src_mac, ifc->mac, 6));
	}
	if (res) {
		n = arp_drain(c, res, out);
		for (i = 0; i < n; i++)
			pkt_free(&pool, out[i]);
	}
}

static void do_ipv4(struct pkt *p, struct pkt_meta *m)
{
	struct icmp_ctx ic;
	struct pkt *q;
	bool valid;

	icmp_ctx_init(&ic);
	(void)ipv4_fwd_check(p, m, 1400);
	if (icmp_error_allowed(&ic, p, m, 0) && (q = pkt_alloc(&pool))) {
		CHECK(icmp_build_frag_needed(&ic, q, p, m, 1400, 0x0100000a) ==
		      0);
		check_icmp_frame(q);
		pkt_free(&pool, q);
	}
	valid = ipv4_hdr_ok(p, m);
	if (m->ttl >= 1) {
		ipv4_ttl_dec(p, m);
		CHECK(ipv4_hdr_ok(p, m) == valid);
	}
	if (valid && !icmp_echo_reply(&ic, p, m)) {
		/* the reply's IP checksum stays valid, its ICMP one too */
		CHECK(csum_buf(pkt_data(p) + m->l3_off,
			       m->l4_off - m->l3_off) == 0);
		CHECK(csum_buf(pkt_data(p) + m->l4_off, p->len - m->l4_off) ==
		      0);
	}
}

/* Queue copies of the frame towards addresses taken from its bytes. */
static void do_resolve(struct arp_cache *c, const struct pkt *p)
{
	const struct arp_tick_ops ops = {NULL, unreach_free};
	const struct arp_entry *sol;
	uint32_t i, ipa;
	uint8_t mac[6];
	struct pkt *q;

	for (i = 0; i + 4 <= p->len && i < 64; i += 4) {
		q = pkt_clone(&pool, p);
		if (!q)
			break;
		memcpy(&ipa, pkt_data(p) + i, 4);
		if (arp_resolve(c, 1, ipa & 0x0f00000a, q, i * 100000000ull,
				mac, &sol) == ARP_RES_HIT)
			pkt_free(&pool, q);
	}
	arp_tick(c, 2000000000ull, &ops, NULL);
	arp_tick(c, 9000000000ull, &ops, NULL);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arp_config cfg = {.capacity = 8, .queue_total = 6};
	struct arp_iface ifc = {.ifindex = 1,
				.mac = {2, 0, 0, 0, 0, 0xaa},
				.n_addrs = 1,
				.plens = {24, 24}};
	struct arp_cache c;
	struct pkt_meta m;
	uint8_t *exact, *buf;
	struct pkt *p;

	if (!pool.size && pkt_pool_init(&pool, POOL_SIZE))
		abort();
	if (size > 2048 || arp_cache_init(&c, &cfg, &pool))
		return 0;
	ifc.addrs[0] = 0x0200000a; /* 10.0.0.2 */
	exact = malloc(PKT_HEADROOM + size);
	if (!exact)
		abort();
	p = pkt_alloc(&pool);
	buf = p->buf;
	p->buf = exact;
	memcpy(pkt_data(p), data, size);
	p->len = (uint32_t)size;
	if (!pkt_parse(pkt_data(p), p->len, &m)) {
		if (size && (data[size - 1] & 1))
			ifc.addrs[ifc.n_addrs++] = pkt_addr_v4(&m.dst);
		do_resolve(&c, p);
		if (m.l3 == PKT_L3_ARP)
			do_arp(&c, &ifc, p, &m);
		else if (m.l3 == PKT_L3_IPV4)
			do_ipv4(p, &m);
	}
	p->buf = buf;
	free(exact);
	pkt_free(&pool, p);
	arp_cache_fini(&c);
	CHECK(pool.nfree == pool.size);
	return 0;
}
