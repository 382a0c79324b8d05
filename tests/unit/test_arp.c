// SPDX-License-Identifier: MIT
/*
 * test_arp.c - unit tests of the router's ARP (l3/arp.[ch]) with a fake
 * clock: the resolution flow (miss -> request, packets queued, reply ->
 * queue released in order), queue bounds (oldest dropped per entry, newest
 * when all slots are used), retries ending in unreachable packets handed
 * back in order, REACHABLE -> STALE -> unicast probes -> deletion, stale
 * aging, who gets answered (never foreign addresses, never another
 * interface's, never bad or own senders; RFC 5227 probes yes), learning
 * rules, eviction, static entries, and the frames built, byte for byte
 * against frames generated with scapy (scapy 2.5, /usr/bin/python3). Every
 * test ends by checking that no packet buffer leaked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/parse.h"
#include "core/pkt.h"
#include "l3/arp.h"

#define MS 1000000ull
#define S (1000 * MS)

/*
 * Generated with scapy 2.5 (R = 02:00:00:00:00:01, H = ...:02):
 * exp_request = Ether(dst="ff:ff:ff:ff:ff:ff", src=R)/ARP(op=1, hwsrc=R,
 *	psrc="10.0.0.1", hwdst="00:00:00:00:00:00", pdst="10.0.0.2")
 * exp_probe: the same with Ether(dst=H)
 * exp_garp: exp_request with pdst="10.0.0.1"
 * exp_reply = Ether(dst=H, src=R)/ARP(op=2, hwsrc=R, psrc="10.0.0.1",
 *	hwdst=H, pdst="10.0.0.2"); exp_reply_vlan with /Dot1Q(vlan=10)/
 * in_req_vlan_padded = Ether(dst="ff:ff:ff:ff:ff:ff", src=H)/
 *	Dot1Q(vlan=10)/ARP(op=1, hwsrc=H, psrc="10.0.0.2", pdst="10.0.0.1")/
 *	Padding(load=b"\x00" * 18)
 */

/* Ether / ARP who has 10.0.0.2 says 10.0.0.1 */
static const uint8_t exp_request[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02,
};
/* Ether / ARP who has 10.0.0.2 says 10.0.0.1 */
static const uint8_t exp_probe[42] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02,
};
/* Ether / ARP who has 10.0.0.1 says 10.0.0.1 */
static const uint8_t exp_garp[42] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
};
/* Ether / ARP is at 02:00:00:00:00:01 says 10.0.0.1 */
static const uint8_t exp_reply[42] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01, 0x02,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x02,
};
/* Ether / Dot1Q / ARP is at 02:00:00:00:00:01 says 10.0.0.1 */
static const uint8_t exp_reply_vlan[46] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x81, 0x00, 0x00, 0x0a, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04,
	0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x02,
};
/* Ether / Dot1Q / ARP who has 10.0.0.1 says 10.0.0.2 / Padding */
static const uint8_t in_req_vlan_padded[64] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00,
	0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0a,
	0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t R_MAC[6] = {2, 0, 0, 0, 0, 1};
static const uint8_t H_MAC[6] = {2, 0, 0, 0, 0, 2};
static const uint8_t H2_MAC[6] = {2, 0, 0, 0, 0, 3};

struct fx {
	struct pkt_pool pool;
	struct arp_cache c;
	struct arp_iface ifc; /* ifindex 1: 10.0.0.1/24, 10.9.0.1/16 */
	struct arp_iface ifc2; /* ifindex 2: 192.168.0.1/24 */
	/* what arp_tick() called back */
	unsigned int n_solicit;
	const struct arp_entry *last_solicit;
	uint8_t last_solicit_state;
	struct pkt *unreach[32];
	unsigned int n_unreach;
};

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static int setup_cfg(void **state, const struct arp_config *cfg)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(pkt_pool_init(&f->pool, 128), 0);
	assert_int_equal(arp_cache_init(&f->c, cfg, &f->pool), 0);
	f->ifc.ifindex = 1;
	memcpy(f->ifc.mac, R_MAC, 6);
	f->ifc.n_addrs = 2;
	f->ifc.addrs[0] = ip("10.9.0.1");
	f->ifc.plens[0] = 16;
	f->ifc.addrs[1] = ip("10.0.0.1");
	f->ifc.plens[1] = 24;
	f->ifc2.ifindex = 2;
	memcpy(f->ifc2.mac, H2_MAC, 6);
	f->ifc2.n_addrs = 1;
	f->ifc2.addrs[0] = ip("192.168.0.1");
	f->ifc2.plens[0] = 24;
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_cfg(state, NULL);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	unsigned int i;

	for (i = 0; i < f->n_unreach; i++)
		pkt_free(&f->pool, f->unreach[i]);
	arp_cache_fini(&f->c);
	arp_cache_fini(&f->c);
	/* every buffer is back: nothing leaked, nothing freed twice */
	assert_int_equal(f->pool.nfree, f->pool.size);
	pkt_pool_fini(&f->pool);
	free(f);
	return 0;
}

static void on_solicit(void *ctx, const struct arp_entry *e)
{
	struct fx *f = ctx;

	f->n_solicit++;
	f->last_solicit = e;
	f->last_solicit_state = e->state;
}

static void on_unreach(void *ctx, const struct arp_entry *e, struct pkt *p)
{
	struct fx *f = ctx;

	(void)e;
	assert_true(f->n_unreach < 32);
	f->unreach[f->n_unreach++] = p;
}

static const struct arp_tick_ops ops = {on_solicit, on_unreach};

/* A data packet tagged with @tag in its first byte after the header. */
static struct pkt *data_pkt(struct fx *f, uint8_t tag)
{
	struct pkt *p = pkt_alloc(&f->pool);

	assert_non_null(p);
	p->len = 60;
	memset(pkt_data(p), 0, 60);
	pkt_data(p)[14] = tag;
	return p;
}

/* Feed an ARP frame to arp_input(); returns the action. */
static enum arp_rx feed(struct fx *f, const struct arp_iface *ifc,
			struct pkt *p, uint64_t now,
			struct arp_entry **resolved)
{
	struct pkt_meta m;

	assert_int_equal(pkt_parse(pkt_data(p), p->len, &m), 0);
	assert_int_equal(m.l3, PKT_L3_ARP);
	return arp_input(&f->c, ifc, p, &m, now, resolved);
}

/* Feed a frame built with a builder; frees it unless it became a reply. */
static enum arp_rx feed_built(struct fx *f, const struct arp_iface *ifc,
			      struct pkt *p, uint64_t now,
			      struct arp_entry **resolved)
{
	enum arp_rx rx = feed(f, ifc, p, now, resolved);

	pkt_free(&f->pool, p);
	return rx;
}

/* The host's reply to the router: 10.0.0.2 is at H_MAC. */
static enum arp_rx host_reply(struct fx *f, const char *from,
			      const uint8_t *mac, uint64_t now,
			      struct arp_entry **resolved)
{
	struct pkt *p = pkt_alloc(&f->pool);

	arp_build_reply(p, mac, ip(from), R_MAC, ip("10.0.0.1"));
	return feed_built(f, &f->ifc, p, now, resolved);
}

/* The host asks who has @target. */
static enum arp_rx host_request(struct fx *f, const struct arp_iface *ifc,
				const uint8_t *mac, const char *from,
				const char *target, uint64_t now,
				struct arp_entry **resolved)
{
	struct pkt *p = pkt_alloc(&f->pool);

	arp_build_request(p, mac, ip(from), ip(target), NULL);
	return feed_built(f, ifc, p, now, resolved);
}

static void test_frames(void **state)
{
	struct fx *f = *state;
	struct pkt *p = pkt_alloc(&f->pool);
	struct arp_entry e = {.ip = ip("10.0.0.2"), .state = ARP_INCOMPLETE};

	arp_build_request(p, R_MAC, ip("10.0.0.1"), ip("10.0.0.2"), NULL);
	assert_int_equal(p->len, sizeof(exp_request));
	assert_memory_equal(pkt_data(p), exp_request, sizeof(exp_request));
	arp_build_gratuitous(p, R_MAC, ip("10.0.0.1"));
	assert_memory_equal(pkt_data(p), exp_garp, sizeof(exp_garp));
	arp_build_reply(p, R_MAC, ip("10.0.0.1"), H_MAC, ip("10.0.0.2"));
	assert_memory_equal(pkt_data(p), exp_reply, sizeof(exp_reply));
	/* solicit: source picked from the target's subnet, not addrs[0] */
	arp_build_solicit(p, &f->ifc, &e);
	assert_memory_equal(pkt_data(p), exp_request, sizeof(exp_request));
	e.state = ARP_STALE;
	memcpy(e.mac, H_MAC, 6);
	arp_build_solicit(p, &f->ifc, &e);
	assert_memory_equal(pkt_data(p), exp_probe, sizeof(exp_probe));
	assert_int_equal(arp_iface_src(&f->ifc, ip("172.16.0.1")),
			 ip("10.9.0.1"));
	pkt_free(&f->pool, p);
}

static void test_reply_in_place_vlan(void **state)
{
	struct fx *f = *state;
	struct pkt *p = pkt_alloc(&f->pool);
	struct arp_entry *res, *e;

	p->len = sizeof(in_req_vlan_padded);
	memcpy(pkt_data(p), in_req_vlan_padded, p->len);
	assert_int_equal(feed(f, &f->ifc, p, 0, &res), ARP_RX_REPLY);
	assert_null(res);
	assert_int_equal(p->len, sizeof(exp_reply_vlan));
	assert_memory_equal(pkt_data(p), exp_reply_vlan, p->len);
	pkt_free(&f->pool, p);
	/* the requester was learnt, STALE (not confirmed) */
	e = arp_cache_find(&f->c, 1, ip("10.0.0.2"));
	assert_non_null(e);
	assert_int_equal(e->state, ARP_STALE);
	assert_memory_equal(e->mac, H_MAC, 6);
	assert_int_equal(f->c.counters[ARP_C_TX_REPLY], 1);
	assert_int_equal(f->c.counters[ARP_C_LEARNED], 1);
}

static void test_resolution_flow(void **state)
{
	struct fx *f = *state;
	const struct arp_entry *sol;
	struct arp_entry *res;
	struct pkt *out[ARP_QUEUE_MAX], *q;
	uint8_t mac[6];
	unsigned int i, n;

	/* miss: request asked for, packet held */
	assert_int_equal(arp_resolve(&f->c, 1, ip("10.0.0.2"), data_pkt(f, 1),
				     0, mac, &sol),
			 ARP_RES_HELD);
	assert_non_null(sol);
	assert_int_equal(sol->state, ARP_INCOMPLETE);
	q = pkt_alloc(&f->pool);
	arp_build_solicit(q, &f->ifc, sol);
	assert_memory_equal(pkt_data(q), exp_request, sizeof(exp_request));
	pkt_free(&f->pool, q);
	/* more packets queue without another request */
	for (i = 2; i <= 3; i++) {
		assert_int_equal(arp_resolve(&f->c, 1, ip("10.0.0.2"),
					     data_pkt(f, (uint8_t)i), 10 * MS,
					     mac, &sol),
				 ARP_RES_HELD);
		assert_null(sol);
	}
	/* a reply from someone else changes nothing */
	assert_int_equal(host_reply(f, "10.0.0.3", H2_MAC, 20 * MS, &res),
			 ARP_RX_CONSUMED);
	assert_null(res);
	assert_null(arp_cache_find(&f->c, 1, ip("10.0.0.3")));
	/* the reply resolves: queue released in order */
	assert_int_equal(host_reply(f, "10.0.0.2", H_MAC, 30 * MS, &res),
			 ARP_RX_CONSUMED);
	assert_non_null(res);
	assert_int_equal(res->state, ARP_REACHABLE);
	assert_memory_equal(res->mac, H_MAC, 6);
	n = arp_drain(&f->c, res, out);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		assert_int_equal(pkt_data(out[i])[14], i + 1);
		pkt_free(&f->pool, out[i]);
	}
	assert_int_equal(arp_drain(&f->c, res, out), 0);
	/* now a hit */
	q = data_pkt(f, 9);
	assert_int_equal(
		arp_resolve(&f->c, 1, ip("10.0.0.2"), q, 40 * MS, mac, &sol),
		ARP_RES_HIT);
	assert_null(sol);
	assert_memory_equal(mac, H_MAC, 6);
	pkt_free(&f->pool, q);
	assert_int_equal(f->c.counters[ARP_C_QUEUED], 3);
	assert_int_equal(f->c.counters[ARP_C_RELEASED], 3);
	assert_int_equal(f->c.counters[ARP_C_RESOLVED], 1);
	assert_int_equal(f->c.counters[ARP_C_TX_REQUEST], 1);
	assert_int_equal(f->c.q_used, 0);
}

/* A request from the host for us resolves an INCOMPLETE entry too. */
static void test_resolved_by_request(void **state)
{
	struct fx *f = *state;
	const struct arp_entry *sol;
	struct arp_entry *res;
	struct pkt *out[ARP_QUEUE_MAX];
	uint8_t mac[6];

	arp_resolve(&f->c, 1, ip("10.0.0.2"), data_pkt(f, 1), 0, mac, &sol);
	assert_int_equal(host_request(f, &f->ifc, H_MAC, "10.0.0.2", "10.0.0.1",
				      MS, &res),
			 ARP_RX_REPLY);
	assert_non_null(res);
	assert_int_equal(res->state, ARP_STALE);
	assert_int_equal(arp_drain(&f->c, res, out), 1);
	pkt_free(&f->pool, out[0]);
}

static void test_queue_bounds(void **state)
{
	struct arp_config cfg = {.queue_total = 4, .queue_per_entry = 3};
	const struct arp_entry *sol;
	struct arp_entry *res;
	struct pkt *out[ARP_QUEUE_MAX];
	uint8_t mac[6];
	unsigned int i;
	struct fx *f;

	teardown(state);
	setup_cfg(state, &cfg);
	f = *state;
	/* per entry: 5 packets into a queue of 3: 1 and 2 are dropped */
	for (i = 1; i <= 5; i++)
		arp_resolve(&f->c, 1, ip("10.0.0.2"), data_pkt(f, (uint8_t)i),
			    0, mac, &sol);
	assert_int_equal(f->c.counters[ARP_C_DROP_QUEUE_OLDEST], 2);
	assert_int_equal(arp_cache_find(&f->c, 1, ip("10.0.0.2"))->qlen, 3);
	/* all slots: the fourth goes to another entry, the fifth is lost */
	arp_resolve(&f->c, 1, ip("10.0.0.3"), data_pkt(f, 6), 0, mac, &sol);
	arp_resolve(&f->c, 1, ip("10.0.0.3"), data_pkt(f, 7), 0, mac, &sol);
	assert_int_equal(f->c.counters[ARP_C_DROP_QUEUE_FULL], 1);
	assert_int_equal(f->c.q_used, 4);
	assert_int_equal(host_reply(f, "10.0.0.2", H_MAC, MS, &res),
			 ARP_RX_CONSUMED);
	assert_int_equal(arp_drain(&f->c, res, out), 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(pkt_data(out[i])[14], i + 3);
		pkt_free(&f->pool, out[i]);
	}
	/* the slots are free again */
	arp_resolve(&f->c, 1, ip("10.0.0.3"), data_pkt(f, 8), 0, mac, &sol);
	assert_int_equal(arp_cache_find(&f->c, 1, ip("10.0.0.3"))->qlen, 2);
	assert_int_equal(f->c.counters[ARP_C_DROP_QUEUE_FULL], 1);
	/* teardown frees what is still queued (counted) */
}

static void test_retries_unreachable(void **state)
{
	struct fx *f = *state;
	const struct arp_entry *sol;
	uint8_t mac[6];
	unsigned int i;

	for (i = 1; i <= 3; i++)
		arp_resolve(&f->c, 1, ip("10.0.0.7"), data_pkt(f, (uint8_t)i),
			    0, mac, &sol);
	arp_tick(&f->c, 500 * MS, &ops, f);
	assert_int_equal(f->n_solicit, 0);
	arp_tick(&f->c, 1000 * MS, &ops, f);
	assert_int_equal(f->n_solicit, 1);
	assert_int_equal(f->last_solicit_state, ARP_INCOMPLETE);
	arp_tick(&f->c, 1500 * MS, &ops, f);
	assert_int_equal(f->n_solicit, 1);
	arp_tick(&f->c, 2000 * MS, &ops, f);
	assert_int_equal(f->n_solicit, 2);
	assert_int_equal(f->n_unreach, 0);
	/* three requests sent: the third tick gives up */
	arp_tick(&f->c, 3000 * MS, &ops, f);
	assert_int_equal(f->n_solicit, 2);
	assert_int_equal(f->n_unreach, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(pkt_data(f->unreach[i])[14], i + 1);
	assert_null(arp_cache_find(&f->c, 1, ip("10.0.0.7")));
	assert_int_equal(f->c.count, 0);
	assert_int_equal(f->c.counters[ARP_C_FAILED], 1);
	assert_int_equal(f->c.counters[ARP_C_UNREACH], 3);
	assert_int_equal(f->c.counters[ARP_C_TX_REQUEST], 3);
	/* the next packet starts over */
	arp_resolve(&f->c, 1, ip("10.0.0.7"), data_pkt(f, 4), 4 * S, mac, &sol);
	assert_non_null(sol);
}

static void test_reachable_stale_probe(void **state)
{
	struct fx *f = *state;
	const struct arp_entry *sol;
	struct arp_entry *res, *e;
	struct pkt *out[ARP_QUEUE_MAX], *q;
	uint8_t mac[6];

	arp_resolve(&f->c, 1, ip("10.0.0.2"), data_pkt(f, 1), 0, mac, &sol);
	host_reply(f, "10.0.0.2", H_MAC, 0, &res);
	assert_int_equal(arp_drain(&f->c, res, out), 1);
	pkt_free(&f->pool, out[0]);
	e = res;
	arp_tick(&f->c, 29 * S, &ops, f);
	assert_int_equal(e->state, ARP_REACHABLE);
	arp_tick(&f->c, 30 * S, &ops, f);
	assert_int_equal(e->state, ARP_STALE);
	/* use: sent at once, and a unicast probe starts */
	q = data_pkt(f, 2);
	assert_int_equal(
		arp_resolve(&f->c, 1, ip("10.0.0.2"), q, 31 * S, mac, &sol),
		ARP_RES_HIT);
	pkt_free(&f->pool, q);
	assert_ptr_equal(sol, e);
	q = pkt_alloc(&f->pool);
	arp_build_solicit(q, &f->ifc, sol);
	assert_memory_equal(pkt_data(q), exp_probe, sizeof(exp_probe));
	pkt_free(&f->pool, q);
	/* a second use does not probe again */
	q = data_pkt(f, 3);
	arp_resolve(&f->c, 1, ip("10.0.0.2"), q, 31 * S + MS, mac, &sol);
	pkt_free(&f->pool, q);
	assert_null(sol);
	/* the reply confirms */
	host_reply(f, "10.0.0.2", H_MAC, 31 * S + 5 * MS, &res);
	assert_null(res);
	assert_int_equal(e->state, ARP_REACHABLE);
	assert_int_equal(e->probes, 0);
	/* stale again, probed, no answer: deleted after max_probes */
	arp_tick(&f->c, 62 * S, &ops, f);
	assert_int_equal(e->state, ARP_STALE);
	q = data_pkt(f, 4);
	arp_resolve(&f->c, 1, ip("10.0.0.2"), q, 62 * S, mac, &sol);
	pkt_free(&f->pool, q);
	assert_non_null(sol);
	arp_tick(&f->c, 63 * S, &ops, f);
	arp_tick(&f->c, 64 * S, &ops, f);
	assert_int_equal(f->n_solicit, 2);
	assert_int_equal(f->last_solicit_state, ARP_STALE);
	assert_non_null(arp_cache_find(&f->c, 1, ip("10.0.0.2")));
	arp_tick(&f->c, 65 * S, &ops, f);
	assert_null(arp_cache_find(&f->c, 1, ip("10.0.0.2")));
	assert_int_equal(f->c.counters[ARP_C_EXPIRED], 1);
}

static void test_timers_settable(void **state)
{
	struct fx *f = *state;
	struct arp_entry *res, *e;
	const struct arp_entry *sol;
	uint8_t mac[6];
	struct pkt *q;

	arp_cache_set_timers(&f->c, 5000, 0, 10000);
	assert_int_equal(f->c.cfg.retrans_ms, ARP_RETRANS_MS_DEFAULT);
	/* learnt from a request, never used: gone after stale_ms */
	host_request(f, &f->ifc, H_MAC, "10.0.0.2", "10.0.0.1", 0, &res);
	e = arp_cache_find(&f->c, 1, ip("10.0.0.2"));
	assert_non_null(e);
	arp_tick(&f->c, 9 * S, &ops, f);
	assert_non_null(arp_cache_find(&f->c, 1, ip("10.0.0.2")));
	arp_tick(&f->c, 10 * S, &ops, f);
	assert_null(arp_cache_find(&f->c, 1, ip("10.0.0.2")));
	/* reachable_ms 5 s, checked lazily by arp_resolve() too */
	arp_resolve(&f->c, 1, ip("10.0.0.2"), data_pkt(f, 1), 20 * S, mac,
		    &sol);
	host_reply(f, "10.0.0.2", H_MAC, 20 * S, &res);
	q = NULL;
	assert_int_equal(arp_drain(&f->c, res, &q), 1);
	pkt_free(&f->pool, q);
	q = data_pkt(f, 2);
	arp_resolve(&f->c, 1, ip("10.0.0.2"), q, 24 * S, mac, &sol);
	assert_null(sol);
	arp_resolve(&f->c, 1, ip("10.0.0.2"), q, 25 * S, mac, &sol);
	assert_non_null(sol);
	assert_int_equal(sol->state, ARP_STALE);
	pkt_free(&f->pool, q);
}

static void test_not_answered(void **state)
{
	static const uint8_t mcast[6] = {1, 0, 0x5e, 0, 0, 1};
	static const uint8_t zero[6];
	struct fx *f = *state;
	struct arp_entry *res;

	/* foreign address: no reply, not learnt */
	assert_int_equal(host_request(f, &f->ifc, H_MAC, "10.0.0.2",
				      "10.0.0.99", 0, &res),
			 ARP_RX_CONSUMED);
	/* the router's address on another interface: no proxying */
	assert_int_equal(host_request(f, &f->ifc, H_MAC, "10.0.0.2",
				      "192.168.0.1", 0, &res),
			 ARP_RX_CONSUMED);
	assert_int_equal(f->c.counters[ARP_C_IGN_NOT_OURS], 2);
	assert_int_equal(f->c.count, 0);
	/* bad senders, even asking for our address */
	assert_int_equal(host_request(f, &f->ifc, mcast, "10.0.0.2", "10.0.0.1",
				      0, &res),
			 ARP_RX_CONSUMED);
	assert_int_equal(
		host_request(f, &f->ifc, zero, "10.0.0.2", "10.0.0.1", 0, &res),
		ARP_RX_CONSUMED);
	assert_int_equal(host_request(f, &f->ifc, R_MAC, "10.0.0.2", "10.0.0.1",
				      0, &res),
			 ARP_RX_CONSUMED);
	assert_int_equal(f->c.counters[ARP_C_IGN_BAD_SENDER_MAC], 3);
	assert_int_equal(host_request(f, &f->ifc, H_MAC, "224.0.0.1",
				      "10.0.0.1", 0, &res),
			 ARP_RX_CONSUMED);
	assert_int_equal(host_request(f, &f->ifc, H_MAC, "255.255.255.255",
				      "10.0.0.1", 0, &res),
			 ARP_RX_CONSUMED);
	assert_int_equal(host_request(f, &f->ifc, H_MAC, "127.0.0.1",
				      "10.0.0.1", 0, &res),
			 ARP_RX_CONSUMED);
	assert_int_equal(f->c.counters[ARP_C_IGN_BAD_SENDER_IP], 3);
	/* someone claiming our own address */
	assert_int_equal(host_request(f, &f->ifc, H_MAC, "10.0.0.1", "10.0.0.1",
				      0, &res),
			 ARP_RX_CONSUMED);
	assert_int_equal(f->c.counters[ARP_C_IGN_CONFLICT], 1);
	assert_int_equal(f->c.count, 0);
	assert_int_equal(f->c.counters[ARP_C_TX_REPLY], 0);
	/* RFC 5227 probe for our address: answered, not learnt */
	assert_int_equal(
		host_request(f, &f->ifc, H_MAC, "0.0.0.0", "10.0.0.1", 0, &res),
		ARP_RX_REPLY);
	assert_int_equal(f->c.count, 0);
	/* the same on the interface that owns 192.168.0.1 is answered */
	assert_int_equal(host_request(f, &f->ifc2, H_MAC, "192.168.0.9",
				      "192.168.0.1", 0, &res),
			 ARP_RX_REPLY);
	assert_non_null(arp_cache_find(&f->c, 2, ip("192.168.0.9")));
	assert_null(arp_cache_find(&f->c, 1, ip("192.168.0.9")));
}

static void test_learning_rules(void **state)
{
	struct fx *f = *state;
	struct arp_entry *res, *e;
	struct pkt *p;

	/* unsolicited reply and gratuitous ARP create nothing */
	host_reply(f, "10.0.0.2", H_MAC, 0, &res);
	p = pkt_alloc(&f->pool);
	arp_build_gratuitous(p, H_MAC, ip("10.0.0.2"));
	feed_built(f, &f->ifc, p, 0, &res);
	assert_int_equal(f->c.count, 0);
	/* but update an entry that exists */
	host_request(f, &f->ifc, H_MAC, "10.0.0.2", "10.0.0.1", 0, &res);
	e = arp_cache_find(&f->c, 1, ip("10.0.0.2"));
	assert_non_null(e);
	p = pkt_alloc(&f->pool);
	arp_build_gratuitous(p, H2_MAC, ip("10.0.0.2"));
	feed_built(f, &f->ifc, p, MS, &res);
	assert_memory_equal(e->mac, H2_MAC, 6);
	assert_int_equal(e->state, ARP_STALE);
	assert_int_equal(f->c.counters[ARP_C_MAC_CHANGED], 1);
	/* static entries are not changed by traffic */
	assert_int_equal(arp_cache_add_static(&f->c, 1, ip("10.0.0.2"), H_MAC),
			 0);
	e = arp_cache_find(&f->c, 1, ip("10.0.0.2"));
	assert_int_equal(e->state, ARP_PERMANENT);
	host_reply(f, "10.0.0.2", H2_MAC, 2 * MS, &res);
	assert_memory_equal(e->mac, H_MAC, 6);
	arp_tick(&f->c, 1000 * S, &ops, f);
	assert_non_null(arp_cache_find(&f->c, 1, ip("10.0.0.2")));
	assert_string_equal(arp_state_str(e->state), "PERMANENT");
	assert_int_equal(arp_cache_del(&f->c, 1, ip("10.0.0.2")), 0);
	assert_int_equal(arp_cache_del(&f->c, 1, ip("10.0.0.2")), -ENOENT);
}

static void test_full_evict_flush(void **state)
{
	struct arp_config cfg = {.capacity = 4};
	const struct arp_entry *sol, *e;
	struct arp_entry *res;
	unsigned int i, n;
	uint32_t pos = 0;
	uint8_t mac[6];
	char s[32];
	struct fx *f;

	teardown(state);
	setup_cfg(state, &cfg);
	f = *state;
	/* two learnt (STALE) entries and two INCOMPLETE ones: full */
	host_request(f, &f->ifc, H_MAC, "10.0.0.2", "10.0.0.1", 0, &res);
	host_request(f, &f->ifc2, H_MAC, "192.168.0.2", "192.168.0.1", 0, &res);
	for (i = 3; i <= 4; i++) {
		snprintf(s, sizeof(s), "10.0.0.%u", i);
		arp_resolve(&f->c, 1, ip(s), data_pkt(f, 1), 0, mac, &sol);
	}
	assert_int_equal(f->c.count, 4);
	/* a fifth evicts a STALE entry, never an INCOMPLETE one */
	arp_resolve(&f->c, 1, ip("10.0.0.5"), data_pkt(f, 1), 0, mac, &sol);
	assert_int_equal(f->c.counters[ARP_C_EVICTED], 1);
	arp_resolve(&f->c, 1, ip("10.0.0.6"), data_pkt(f, 1), 0, mac, &sol);
	assert_int_equal(f->c.counters[ARP_C_EVICTED], 2);
	arp_resolve(&f->c, 1, ip("10.0.0.7"), data_pkt(f, 1), 0, mac, &sol);
	assert_int_equal(f->c.counters[ARP_C_DROP_TABLE_FULL], 1);
	assert_null(sol);
	assert_int_equal(
		arp_cache_add_static(&f->c, 2, ip("192.168.0.3"), H_MAC),
		-ENOSPC);
	for (n = 0; (e = arp_cache_next(&f->c, &pos)); n++)
		assert_int_equal(e->state, ARP_INCOMPLETE);
	assert_int_equal(n, 4);
	assert_int_equal(arp_cache_flush_iface(&f->c, 1), 4);
	assert_int_equal(f->c.count, 0);
	assert_int_equal(f->c.counters[ARP_C_DROP_FLUSHED], 4);
	assert_int_equal(f->c.q_used, 0);
	assert_string_equal(arp_counter_str(ARP_C_DROP_QUEUE_OLDEST),
			    "drop_queue_oldest");
	assert_string_equal(arp_counter_str(ARP_C_MAX), "?");
}

static void test_bad_op_and_config(void **state)
{
	struct arp_config cfg = {.queue_per_entry = ARP_QUEUE_MAX + 1};
	struct fx *f = *state;
	struct arp_cache c2;
	struct arp_entry *res;
	struct pkt *p = pkt_alloc(&f->pool);

	arp_build_request(p, H_MAC, ip("10.0.0.2"), ip("10.0.0.1"), NULL);
	pkt_data(p)[21] = 3; /* RARP request */
	assert_int_equal(feed_built(f, &f->ifc, p, 0, &res), ARP_RX_CONSUMED);
	assert_int_equal(f->c.counters[ARP_C_IGN_BAD_OP], 1);
	assert_int_equal(arp_cache_init(&c2, &cfg, &f->pool), -EINVAL);
	cfg = (struct arp_config){.capacity = ARP_CAPACITY_MAX + 1};
	assert_int_equal(arp_cache_init(&c2, &cfg, &f->pool), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_in_place_vlan, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_resolution_flow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_resolved_by_request, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_queue_bounds, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_retries_unreachable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reachable_stale_probe,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_timers_settable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_answered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_learning_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_full_evict_flush, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_op_and_config, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
