// SPDX-License-Identifier: MIT
/*
 * test_router.c - in-process tests of the IPv4 router node (router.c,
 * router_config.c): hand-built frames go in through router_input(), a
 * recording tx callback keeps every output frame (interface, bytes), and
 * the tests check the frames byte by byte (addresses, ports, TTL, every
 * checksum recomputed from scratch) and the counters. No root, no
 * namespaces. Frames are built with the helpers of test_ct_frames.h; ARP
 * frames with the ARP module's builders, whose output test_arp.c checks
 * against scapy.
 *
 *   H1 10.1.0.10 (server) --+                      +-- 10.2.0.5 D (MTU 1400)
 *   H2 10.1.0.20 ----------- if0 inside   R   if2 dmz 10.2.0.1/24
 *   H3 10.1.0.30 --+   10.1.0.1/24 (DHCP)     if1 outside 192.0.2.1/24
 *                                             (masquerade) -- GW .254
 *                                             if3 up42 198.51.100.1/24
 *                                             (802.1Q 42)
 *
 * Covers ARP replies, ping, forwarding after resolution, TTL exceeded, no
 * route, frag needed, port unreachable, masquerade, port forward, hairpin,
 * ICMP errors translated back, TCP traceroute through NAT, DHCP, static
 * routes, ARP failure (host unreachable), VLAN uplinks, drops, bursts of
 * 1..257 frames with pool accounting, and no malloc in router_input()
 * (malloc is interposed outside ASan builds).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/pkt.h"
#include "ct/nat.h"
#include "l3/arp.h"
#include "l3/dhcp.h"
#include "l3/route.h"
#include "node/router.h"
#include "test_ct_frames.h"

#if !defined(__SANITIZE_ADDRESS__)
/* Count allocations while `counting` is set: router_input() makes none. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
static int counting, allocs;

void *malloc(size_t size)
{
	allocs += counting;
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	allocs += counting;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	allocs += counting;
	return __libc_realloc(p, size);
}
#define MALLOC_CHECKED 1
#else
static int counting, allocs;
#define MALLOC_CHECKED 0
#endif

enum {
	POOL_SIZE = 1024,
	REC_MAX = 1024,
	REC_BYTES = 2048,
	PORT_BASE = 100, /* dataplane port id = PORT_BASE + interface */
	NIFS = 4,
	IF_IN = 0,
	IF_OUT = 1,
	IF_DMZ = 2,
	IF_V42 = 3,
	VID = 42,
};

#define S 1000000000ull

/* Host-order addresses */
#define R_IN 0x0a010001u /* 10.1.0.1 */
#define R_OUT 0xc0000201u /* 192.0.2.1 */
#define R_DMZ 0x0a020001u /* 10.2.0.1 */
#define R_V42 0xc6336401u /* 198.51.100.1 */
#define H1 0x0a01000au /* 10.1.0.10 */
#define H2 0x0a010014u /* 10.1.0.20 */
#define H3 0x0a01001eu /* 10.1.0.30 */
#define D5 0x0a020005u /* 10.2.0.5 */
#define GW 0xc00002feu /* 192.0.2.254 */
#define REMOTE 0xcb007109u /* 203.0.113.9 */
#define CLIENT 0xc6120007u /* 198.18.0.7 (reached via GW) */

static const uint8_t RMAC[NIFS][6] = {
	{0x02, 0, 0, 0, 0x01, 0x01},
	{0x02, 0, 0, 0, 0x02, 0x01},
	{0x02, 0, 0, 0, 0x03, 0x01},
	{0x02, 0, 0, 0, 0x04, 0x01},
};
static const uint8_t MAC_H1[6] = {0x02, 0, 0, 0, 0x01, 0x0a};
static const uint8_t MAC_H2[6] = {0x02, 0, 0, 0, 0x01, 0x14};
static const uint8_t MAC_H3[6] = {0x02, 0, 0, 0, 0x01, 0x1e};
static const uint8_t MAC_D5[6] = {0x02, 0, 0, 0, 0x03, 0x05};
static const uint8_t MAC_GW[6] = {0x02, 0, 0, 0, 0x02, 0xfe};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct rec {
	uint16_t ifidx;
	uint32_t len;
	uint8_t bytes[REC_BYTES];
};

struct fixture {
	struct pkt_pool pool;
	struct router *r;
	uint64_t now;
	struct rec recs[REC_MAX];
	unsigned int nrec;
	unsigned int tx_calls[NIFS];
	bool tx_twice;
};

static void rec_tx(void *ctx, uint16_t port_id, struct pkt **pkts,
		   unsigned int n)
{
	struct fixture *f = ctx;
	unsigned int ifidx = port_id - PORT_BASE, i;

	assert_true(ifidx < NIFS);
	assert_true(n >= 1 && n <= PKT_BURST);
	if (f->tx_calls[ifidx]++)
		f->tx_twice = true;
	for (i = 0; i < n; i++) {
		struct rec *r = &f->recs[f->nrec++];

		assert_true(f->nrec <= REC_MAX);
		r->ifidx = (uint16_t)ifidx;
		r->len = pkts[i]->len;
		assert_true(r->len <= REC_BYTES);
		memcpy(r->bytes, pkt_data(pkts[i]), r->len);
	}
	pkt_free_bulk(&f->pool, pkts, n);
}

static struct in_addr ina(uint32_t host)
{
	return (struct in_addr){.s_addr = htonl(host)};
}

static void add_if(struct fixture *f, unsigned int idx, const char *name,
		   uint32_t addr, uint32_t mtu, uint16_t vlan, bool masq,
		   const struct dhcp_config *dhcp)
{
	struct router_if_cfg c = {.port_id = (uint16_t)(PORT_BASE + idx),
				  .addr = ina(addr),
				  .prefix = 24,
				  .mtu = mtu,
				  .vlan = vlan,
				  .masquerade = masq,
				  .dhcp = dhcp};
	char err[256] = "";

	strcpy(c.name, name);
	memcpy(c.mac, RMAC[idx], 6);
	assert_int_equal(router_if_add(f->r, &c, err, sizeof(err)), idx);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct dhcp_config *dc = calloc(1, sizeof(*dc));
	char err[256] = "";

	if (!f || !dc || pkt_pool_init(&f->pool, POOL_SIZE))
		return -1;
	f->r = router_create("r1", &f->pool, 1024, rec_tx, f, err, sizeof(err));
	if (!f->r)
		return -1;
	strcpy(dc->name, "r1:inside");
	dc->range_start = ina(0x0a010064);
	dc->range_end = ina(0x0a010096);
	dc->dns[0] = ina(0x01010101);
	dc->dns_len = 1;
	add_if(f, IF_IN, "inside", R_IN, 0, 0, false, dc);
	free(dc); /* router_if_add() copies what it needs */
	add_if(f, IF_OUT, "outside", R_OUT, 0, 0, true, NULL);
	add_if(f, IF_DMZ, "dmz", R_DMZ, 1400, 0, false, NULL);
	add_if(f, IF_V42, "up42", R_V42, 0, VID, false, NULL);
	f->now = 10 * S;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	router_stop(f->r);
	router_destroy(f->r);
	assert_int_equal(f->pool.nfree, POOL_SIZE);
	pkt_pool_fini(&f->pool);
	free(f);
	return 0;
}

static void clear(struct fixture *f)
{
	f->nrec = 0;
}

static const uint64_t *ctr(const struct fixture *f)
{
	return router_counters(f->r);
}

/* Hand frames to the router as one batch on @ifidx (tagged if VLAN). */
static void input_pkts(struct fixture *f, unsigned int ifidx, struct pkt **pkts,
		       unsigned int n)
{
	memset(f->tx_calls, 0, sizeof(f->tx_calls));
	f->tx_twice = false;
	router_input(f->r, (uint16_t)ifidx, pkts, n, f->now);
	if (n <= PKT_BURST)
		assert_false(f->tx_twice);
}

static struct pkt *make_pkt(struct fixture *f, unsigned int ifidx,
			    const uint8_t *frame, uint32_t len)
{
	struct pkt *p = pkt_alloc(&f->pool);

	assert_non_null(p);
	pkt_reset(p);
	memcpy(pkt_data(p), frame, len);
	p->len = len;
	if (ifidx == IF_V42 && len >= 14)
		assert_int_equal(pkt_vlan_push(p, VID), 0);
	return p;
}

static void input(struct fixture *f, unsigned int ifidx, const uint8_t *frame,
		  uint32_t len)
{
	struct pkt *p = make_pkt(f, ifidx, frame, len);

	input_pkts(f, ifidx, &p, 1);
}

/* Send @t from @src_mac to the router's MAC on @ifidx. */
static void input_tf(struct fixture *f, unsigned int ifidx, struct tf *t,
		     const uint8_t *src_mac)
{
	memcpy(t->buf, RMAC[ifidx], 6);
	memcpy(t->buf + 6, src_mac, 6);
	input(f, ifidx, t->buf, t->len);
}

/* Record @i parsed into @t (the frame must be untagged IPv4). */
static void rec_tf(const struct fixture *f, unsigned int i, struct tf *t)
{
	assert_true(i < f->nrec);
	memcpy(t->buf, f->recs[i].bytes, f->recs[i].len);
	tf_finish(t, f->recs[i].len);
	assert_int_equal(t->m.l3, PKT_L3_IPV4);
	tf_verify(t);
}

static void expect_macs(const struct rec *r, const uint8_t *dst,
			const uint8_t *src)
{
	assert_memory_equal(r->bytes, dst, 6);
	assert_memory_equal(r->bytes + 6, src, 6);
}

static void build_arp(uint8_t *out, bool request, const uint8_t *sha,
		      uint32_t sip, const uint8_t *tha, uint32_t tip)
{
	struct pkt p = {.buf = out - PKT_HEADROOM};

	/* the ARP builders write at the default headroom of a reset pkt */
	if (request)
		arp_build_request(&p, sha, htonl(sip), htonl(tip), tha);
	else
		arp_build_reply(&p, sha, htonl(sip), tha, htonl(tip));
}

/*
 * Host @ip/@mac on @ifidx asks for the router (the router learns it,
 * STALE), then answers a request of the router (REACHABLE: no unicast
 * probe on first use, which would add an ARP frame to every test).
 */
static void learn(struct fixture *f, unsigned int ifidx, uint32_t ip,
		  const uint8_t *mac, uint32_t router_ip)
{
	uint8_t buf[PKT_HEADROOM + 64];

	build_arp(buf + PKT_HEADROOM, true, mac, ip, NULL, router_ip);
	input(f, ifidx, buf + PKT_HEADROOM, ARP_FRAME_SIZE);
	assert_int_equal(f->nrec, 1);
	build_arp(buf + PKT_HEADROOM, false, mac, ip, RMAC[ifidx], router_ip);
	input(f, ifidx, buf + PKT_HEADROOM, ARP_FRAME_SIZE);
	assert_int_equal(f->nrec, 1);
	clear(f);
}

/* Tests need H2 on the inside, D5 in the DMZ and GW outside known. */
static void learn_all(struct fixture *f)
{
	learn(f, IF_IN, H1, MAC_H1, R_IN);
	learn(f, IF_IN, H2, MAC_H2, R_IN);
	learn(f, IF_IN, H3, MAC_H3, R_IN);
	learn(f, IF_DMZ, D5, MAC_D5, R_DMZ);
	learn(f, IF_OUT, GW, MAC_GW, R_OUT);
}

static void default_route(struct fixture *f)
{
	assert_int_equal(router_route_add(f->r, ina(0), 0, ina(GW)), 0);
}

/* An ARP request for the router's address is answered, others are not. */
static void test_arp_reply(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[PKT_HEADROOM + 64], exp[PKT_HEADROOM + 64];

	build_arp(buf + PKT_HEADROOM, true, MAC_H2, H2, NULL, R_IN);
	input(f, IF_IN, buf + PKT_HEADROOM, ARP_FRAME_SIZE);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_IN);
	build_arp(exp + PKT_HEADROOM, false, RMAC[IF_IN], R_IN, MAC_H2, H2);
	assert_int_equal(f->recs[0].len, ARP_FRAME_SIZE);
	assert_memory_equal(f->recs[0].bytes, exp + PKT_HEADROOM,
			    ARP_FRAME_SIZE);
	clear(f);
	/* another interface's address, or a stranger's: no answer */
	build_arp(buf + PKT_HEADROOM, true, MAC_H2, H2, NULL, R_DMZ);
	input(f, IF_IN, buf + PKT_HEADROOM, ARP_FRAME_SIZE);
	build_arp(buf + PKT_HEADROOM, true, MAC_H2, H2, NULL, 0x0a010063);
	input(f, IF_IN, buf + PKT_HEADROOM, ARP_FRAME_SIZE);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(ctr(f)[ROUTER_C_ARP_RX], 3);
}

/* Ping the router on its own interface and on another one. */
static void test_ping_router(void **state)
{
	struct fixture *f = *state;
	struct tf t, o;

	learn_all(f);
	tf_icmp4_echo(&t, H2, R_IN, 8, 0x4242, 7);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_IN);
	expect_macs(&f->recs[0], MAC_H2, RMAC[IF_IN]);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), R_IN);
	assert_int_equal(tf_get32(o.buf + 30), H2);
	assert_int_equal(o.buf[34], 0); /* echo reply */
	assert_int_equal(tf_get16(o.buf + 38), 0x4242);
	assert_memory_equal(o.buf + 42, t.buf + 42, 16);
	clear(f);
	tf_icmp4_echo(&t, H2, R_DMZ, 8, 0x4243, 1);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), R_DMZ);
	assert_int_equal(ctr(f)[ROUTER_C_ECHO_REPLIES], 2);
	assert_int_equal(ctr(f)[ROUTER_C_LOCAL], 2);
}

/*
 * Forwarding to an unresolved host: the first packet waits, an ARP
 * request goes out, the reply releases it with TTL - 1.
 */
static void test_forward_after_arp(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[PKT_HEADROOM + 64], exp[PKT_HEADROOM + 64];
	struct tf t, o;

	learn(f, IF_IN, H2, MAC_H2, R_IN);
	tf_udp4(&t, H2, D5, 5000, 53, 20, false);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_DMZ);
	build_arp(exp + PKT_HEADROOM, true, RMAC[IF_DMZ], R_DMZ, NULL, D5);
	assert_memory_equal(f->recs[0].bytes, exp + PKT_HEADROOM,
			    ARP_FRAME_SIZE);
	clear(f);
	build_arp(buf + PKT_HEADROOM, false, MAC_D5, D5, RMAC[IF_DMZ], R_DMZ);
	input(f, IF_DMZ, buf + PKT_HEADROOM, ARP_FRAME_SIZE);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_DMZ);
	expect_macs(&f->recs[0], MAC_D5, RMAC[IF_DMZ]);
	rec_tf(f, 0, &o);
	assert_int_equal(o.len, t.len);
	assert_int_equal(o.buf[22], 63);
	/* all else as sent: header before TTL, addresses and UDP */
	assert_memory_equal(o.buf + 14, t.buf + 14, 8);
	assert_memory_equal(o.buf + 26, t.buf + 26, t.len - 26);
	clear(f);
	/* now resolved: straight through */
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	expect_macs(&f->recs[0], MAC_D5, RMAC[IF_DMZ]);
	assert_int_equal(ctr(f)[ROUTER_C_FORWARDED], 2);
}

/* TTL 1: time exceeded from the input interface's address. */
static void test_ttl_exceeded(void **state)
{
	struct fixture *f = *state;
	struct tf t, o;
	uint16_t c;

	learn_all(f);
	tf_udp4(&t, H2, D5, 33434, 33434, 12, false);
	t.buf[22] = 1;
	memset(t.buf + 24, 0, 2);
	c = csum_ipv4_hdr(t.buf + 14, 20);
	memcpy(t.buf + 24, &c, 2);
	tf_finish(&t, t.len);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_IN);
	expect_macs(&f->recs[0], MAC_H2, RMAC[IF_IN]);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), R_IN); /* not R_DMZ */
	assert_int_equal(tf_get32(o.buf + 30), H2);
	assert_int_equal(o.buf[34], 11);
	assert_int_equal(o.buf[35], 0);
	/* quotes the packet as it was sent */
	assert_memory_equal(o.buf + 42, t.buf + 14, t.len - 14);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_TTL], 1);
	assert_int_equal(ctr(f)[ROUTER_C_ICMP_ERRORS], 1);
}

/* No route: net unreachable; then a default route fixes it. */
static void test_no_route(void **state)
{
	struct fixture *f = *state;
	struct tf t, o;

	learn_all(f);
	tf_udp4(&t, H2, 0x08080808, 5000, 53, 20, false);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), R_IN);
	assert_int_equal(tf_get32(o.buf + 30), H2);
	assert_int_equal(o.buf[34], 3);
	assert_int_equal(o.buf[35], 0);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_NO_ROUTE], 1);
	clear(f);
	default_route(f);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_OUT);
	expect_macs(&f->recs[0], MAC_GW, RMAC[IF_OUT]);
}

static void set_df(struct tf *t)
{
	uint16_t c;

	t->buf[20] |= 0x40;
	memset(t->buf + 24, 0, 2);
	c = csum_ipv4_hdr(t->buf + 14, 20);
	memcpy(t->buf + 24, &c, 2);
	tf_finish(t, t->len);
}

/* DF and larger than the DMZ MTU: frag needed with the MTU; no DF: drop */
static void test_frag_needed(void **state)
{
	struct fixture *f = *state;
	struct tf t, o;

	learn_all(f);
	tf_udp4(&t, H2, D5, 5000, 53, 1400 - 28 + 1, false);
	set_df(&t);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	rec_tf(f, 0, &o);
	assert_int_equal(o.buf[34], 3);
	assert_int_equal(o.buf[35], 4);
	assert_int_equal(tf_get16(o.buf + 40), 1400);
	assert_int_equal(tf_get32(o.buf + 26), R_IN);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_MTU], 1);
	clear(f);
	/* exactly the MTU passes */
	tf_udp4(&t, H2, D5, 5000, 53, 1400 - 28, false);
	set_df(&t);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_DMZ);
	clear(f);
	/* too big without DF: no fragmentation here, a counted drop */
	tf_udp4(&t, H2, D5, 5001, 53, 1400, false);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_FRAG], 1);
}

/* UDP and TCP to the router: port unreachable from the address used. */
static void test_port_unreach(void **state)
{
	struct fixture *f = *state;
	struct tf t, o;

	learn_all(f);
	tf_udp4(&t, H2, R_IN, 5000, 9999, 10, false);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), R_IN);
	assert_int_equal(tf_get32(o.buf + 30), H2);
	assert_int_equal(o.buf[34], 3);
	assert_int_equal(o.buf[35], 3);
	assert_memory_equal(o.buf + 42, t.buf + 14, t.len - 14);
	clear(f);
	tf_tcp4(&t, H2, R_DMZ, 40000, 22, 1000, 0, TF_SYN, 65535, NULL, 0, 0);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), R_DMZ);
	assert_int_equal(o.buf[35], 3);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_LOCAL], 2);
}

static void tcp_flow(struct tf *t, uint32_t s, uint32_t d, uint16_t sp,
		     uint16_t dp, uint32_t seq, uint32_t ack, uint8_t flags)
{
	tf_tcp4(t, s, d, sp, dp, seq, ack, flags, 65535, NULL, 0, 0);
}

/*
 * Masquerade: SYNs from two hosts with the same source port leave with
 * the outside address, the second with a new port; replies come back.
 */
static void test_masquerade(void **state)
{
	struct fixture *f = *state;
	struct tf t, o;
	uint16_t p2;

	learn_all(f);
	default_route(f);
	tcp_flow(&t, H2, REMOTE, 40000, 443, 1000, 0, TF_SYN);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_OUT);
	expect_macs(&f->recs[0], MAC_GW, RMAC[IF_OUT]);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), R_OUT);
	assert_int_equal(tf_get32(o.buf + 30), REMOTE);
	assert_int_equal(tf_get16(o.buf + 34), 40000); /* kept: free */
	clear(f);
	tcp_flow(&t, H3, REMOTE, 40000, 443, 7000, 0, TF_SYN);
	input_tf(f, IF_IN, &t, MAC_H3);
	assert_int_equal(f->nrec, 1);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), R_OUT);
	p2 = tf_get16(o.buf + 34);
	assert_int_not_equal(p2, 40000);
	assert_true(p2 >= NAT_PORT_MIN_DEFAULT);
	assert_int_equal(o.buf[22], 63);
	clear(f);
	/* the SYN-ACK to the second flow goes to H3, port 40000 */
	tcp_flow(&t, REMOTE, R_OUT, 443, p2, 5000, 7001, TF_SYN | TF_ACK);
	input_tf(f, IF_OUT, &t, MAC_GW);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_IN);
	expect_macs(&f->recs[0], MAC_H3, RMAC[IF_IN]);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), REMOTE);
	assert_int_equal(tf_get32(o.buf + 30), H3);
	assert_int_equal(tf_get16(o.buf + 34), 443);
	assert_int_equal(tf_get16(o.buf + 36), 40000);
	assert_int_equal(ctr(f)[ROUTER_C_NAT_SNAT], 3);
	clear(f);
	/* a SYN-ACK for no flow is invalid for conntrack: dropped */
	tcp_flow(&t, REMOTE, R_OUT, 443, 999, 5000, 1, TF_SYN | TF_ACK);
	input_tf(f, IF_OUT, &t, MAC_GW);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_CT], 1);
}

/* An ICMP error about a masqueraded packet is translated back inside. */
static void test_icmp_error_translated(void **state)
{
	struct fixture *f = *state;
	struct tf t, q, e, o;

	learn_all(f);
	default_route(f);
	tf_udp4(&t, H2, REMOTE, 41000, 53, 20, false);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	rec_tf(f, 0, &q); /* as it left: 192.0.2.1:p -> REMOTE:53 */
	clear(f);
	tf_icmp4_err(&e, REMOTE, R_OUT, 3, 3, &q, q.len - TF_ETH);
	input_tf(f, IF_OUT, &e, MAC_GW);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_IN);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 30), H2);
	/* the quoted packet is H2's own again */
	assert_int_equal(tf_get32(o.buf + 42 + 12), H2);
	assert_int_equal(tf_get16(o.buf + 42 + 20), 41000);
}

/*
 * A TCP traceroute through the masquerading uplink: the TTL-1 SYN gets
 * time exceeded, and the next probe of the same 5-tuple is still NATed
 * (the flow the dropped SYN created was forgotten).
 */
static void test_traceroute_through_nat(void **state)
{
	struct fixture *f = *state;
	struct tf t, o;
	uint16_t c;

	learn_all(f);
	default_route(f);
	tcp_flow(&t, H2, REMOTE, 40500, 80, 1000, 0, TF_SYN);
	t.buf[22] = 1;
	memset(t.buf + 24, 0, 2);
	c = csum_ipv4_hdr(t.buf + 14, 20);
	memcpy(t.buf + 24, &c, 2);
	tf_finish(&t, t.len);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	rec_tf(f, 0, &o);
	assert_int_equal(o.buf[34], 11);
	assert_int_equal(tf_get32(o.buf + 30), H2);
	clear(f);
	tcp_flow(&t, H2, REMOTE, 40500, 80, 1000, 0, TF_SYN);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_OUT);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), R_OUT);
}

static void add_fwd(struct fixture *f)
{
	struct router_fwd_cfg fw = {.proto = TF_TCP,
				    .port = 8080,
				    .to = ina(H1),
				    .to_port = 80,
				    .on_if = IF_OUT};

	assert_int_equal(router_fwd_add(f->r, &fw), 0);
	assert_int_equal(router_fwd_add(f->r, &fw), -EEXIST);
	fw.on_if = 9;
	assert_int_equal(router_fwd_add(f->r, &fw), -EINVAL);
}

/* Port forward: outside:8080 reaches H1:80, the reply goes back. */
static void test_port_forward(void **state)
{
	struct fixture *f = *state;
	struct tf t, o;

	learn_all(f);
	default_route(f);
	add_fwd(f);
	tcp_flow(&t, CLIENT, R_OUT, 50000, 8080, 1000, 0, TF_SYN);
	input_tf(f, IF_OUT, &t, MAC_GW);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_IN);
	expect_macs(&f->recs[0], MAC_H1, RMAC[IF_IN]);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), CLIENT);
	assert_int_equal(tf_get32(o.buf + 30), H1);
	assert_int_equal(tf_get16(o.buf + 34), 50000);
	assert_int_equal(tf_get16(o.buf + 36), 80);
	clear(f);
	tcp_flow(&t, H1, CLIENT, 80, 50000, 9000, 1001, TF_SYN | TF_ACK);
	input_tf(f, IF_IN, &t, MAC_H1);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_OUT);
	expect_macs(&f->recs[0], MAC_GW, RMAC[IF_OUT]);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), R_OUT);
	assert_int_equal(tf_get16(o.buf + 34), 8080);
	assert_int_equal(tf_get32(o.buf + 30), CLIENT);
	assert_int_equal(tf_get16(o.buf + 36), 50000);
	assert_true(ctr(f)[ROUTER_C_NAT_DNAT] >= 2);
}

/* Hairpin: H2 reaches outside:8080 and H1 sees the router as source. */
static void test_hairpin(void **state)
{
	struct fixture *f = *state;
	struct tf t, o;
	uint16_t sp;

	learn_all(f);
	add_fwd(f);
	tcp_flow(&t, H2, R_OUT, 41000, 8080, 1000, 0, TF_SYN);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_IN);
	expect_macs(&f->recs[0], MAC_H1, RMAC[IF_IN]);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), R_IN);
	assert_int_equal(tf_get32(o.buf + 30), H1);
	assert_int_equal(tf_get16(o.buf + 36), 80);
	sp = tf_get16(o.buf + 34);
	clear(f);
	tcp_flow(&t, H1, R_IN, 80, sp, 9000, 1001, TF_SYN | TF_ACK);
	input_tf(f, IF_IN, &t, MAC_H1);
	assert_int_equal(f->nrec, 1);
	expect_macs(&f->recs[0], MAC_H2, RMAC[IF_IN]);
	rec_tf(f, 0, &o);
	assert_int_equal(tf_get32(o.buf + 26), R_OUT);
	assert_int_equal(tf_get16(o.buf + 34), 8080);
	assert_int_equal(tf_get32(o.buf + 30), H2);
	assert_int_equal(tf_get16(o.buf + 36), 41000);
}

/* A DHCPDISCOVER, broadcast, gets an OFFER from the inside server. */
static void test_dhcp_discover(void **state)
{
	static const uint8_t cmac[6] = {0x02, 0xaa, 0, 0, 0, 0x42};
	struct fixture *f = *state;
	uint8_t *b, *o;
	uint32_t yi;
	struct tf t;

	tf_udp4(&t, 0, 0xffffffffu, 68, 67, 300, false);
	b = t.buf + 42;
	memset(b, 0, 300);
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	tf_put32(b + 4, 0xdeadbeef);
	b[10] = 0x80; /* broadcast flag */
	memcpy(b + 28, cmac, 6);
	tf_put32(b + 236, 0x63825363);
	b[240] = 53;
	b[241] = 1;
	b[242] = 1;
	b[243] = 255;
	tf_l4sum4(t.buf + 14, 308, 6);
	tf_finish(&t, t.len);
	memcpy(t.buf, BCAST, 6);
	memcpy(t.buf + 6, cmac, 6);
	input(f, IF_IN, t.buf, t.len);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_IN);
	expect_macs(&f->recs[0], BCAST, RMAC[IF_IN]);
	rec_tf(f, 0, &t);
	assert_int_equal(tf_get32(t.buf + 26), R_IN);
	assert_int_equal(tf_get16(t.buf + 34), 67);
	assert_int_equal(tf_get16(t.buf + 36), 68);
	o = t.buf + 42;
	assert_int_equal(o[0], 2);
	assert_int_equal(tf_get32(o + 4), 0xdeadbeef);
	yi = tf_get32(o + 16);
	assert_true(yi >= 0x0a010064 && yi <= 0x0a010096);
	assert_int_equal(o[240], 53);
	assert_int_equal(o[242], 2); /* OFFER */
	assert_int_equal(ctr(f)[ROUTER_C_DHCP], 1);
	assert_int_equal(ctr(f)[ROUTER_C_DHCP_TX], 1);
	assert_non_null(router_dhcp(f->r, IF_IN));
	assert_null(router_dhcp(f->r, IF_OUT));
	assert_non_null(router_if(f->r, IF_IN)->dhcp);
	/* no server on the DMZ: a DISCOVER there is just a broadcast */
	clear(f);
	memcpy(t.buf, BCAST, 6);
	tf_udp4(&t, 0, 0xffffffffu, 68, 67, 300, false);
	memcpy(t.buf, BCAST, 6);
	input(f, IF_DMZ, t.buf, t.len);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_BCAST], 1);
}

/* Static routes: via a connected gateway, validation, deletion. */
static void test_static_route(void **state)
{
	static const uint8_t mac_gw2[6] = {0x02, 0, 0, 0, 0x03, 0xfe};
	struct fixture *f = *state;
	const struct route_entry *e;
	struct tf t;

	learn_all(f);
	learn(f, IF_DMZ, 0x0a0200fe, mac_gw2, R_DMZ);
	assert_int_equal(
		router_route_add(f->r, ina(0x0a090000), 16, ina(0x0a0200fe)),
		0);
	e = route_table_find(router_routes(f->r), htonl(0x0a090000), 16);
	assert_non_null(e);
	assert_int_equal(e->ifindex, IF_DMZ);
	assert_int_equal(e->kind, ROUTE_KIND_STATIC);
	tf_udp4(&t, H2, 0x0a090101, 5000, 53, 20, false);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_DMZ);
	expect_macs(&f->recs[0], mac_gw2, RMAC[IF_DMZ]);
	assert_int_equal(
		router_route_add(f->r, ina(0x0a090000), 16, ina(0x0a0200fe)),
		-EEXIST);
	assert_int_equal(
		router_route_add(f->r, ina(0x0a0a0000), 16, ina(0x08080808)),
		-ENETUNREACH);
	assert_int_equal(router_route_add(f->r, ina(0x0a0a0000), 16, ina(0)),
			 -EINVAL);
	assert_int_equal(
		router_route_add(f->r, ina(0x0a0a0000), 16, ina(R_DMZ)),
		-EINVAL);
	assert_int_equal(
		router_route_add(f->r, ina(0x0a0a0000), 33, ina(0x0a0200fe)),
		-EINVAL);
	assert_int_equal(router_route_del(f->r, ina(0x0a010000), 24), -EPERM);
	assert_int_equal(router_route_del(f->r, ina(0x0a090000), 16), 0);
	assert_int_equal(router_route_del(f->r, ina(0x0a090000), 16), -ENOENT);
}

/* ARP never answered: requests repeat, then host unreachable. */
static void test_arp_failure(void **state)
{
	struct fixture *f = *state;
	struct tf t, o;
	unsigned int i;

	learn_all(f);
	tf_udp4(&t, H2, 0x0a020063, 5000, 53, 20, false);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(f->nrec, 1); /* the request */
	for (i = 1; i <= 2; i++) {
		clear(f);
		f->now += S;
		router_tick(f->r, f->now);
		assert_int_equal(f->nrec, 1);
		assert_int_equal(f->recs[0].ifidx, IF_DMZ);
		assert_int_equal(tf_get16(f->recs[0].bytes + 12), 0x0806);
	}
	clear(f);
	f->now += S;
	router_tick(f->r, f->now);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_IN);
	expect_macs(&f->recs[0], MAC_H2, RMAC[IF_IN]);
	rec_tf(f, 0, &o);
	assert_int_equal(o.buf[34], 3);
	assert_int_equal(o.buf[35], 1);
	assert_int_equal(tf_get32(o.buf + 26), R_IN);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_ARP], 1);
}

/* The tagged uplink: tag expected in, pushed out; untagged dropped. */
static void test_vlan_uplink(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[PKT_HEADROOM + 64], exp[PKT_HEADROOM + 64];
	struct pkt *p;

	build_arp(buf + PKT_HEADROOM, true, MAC_GW, 0xc63364fe, NULL, R_V42);
	input(f, IF_V42, buf + PKT_HEADROOM, ARP_FRAME_SIZE);
	assert_int_equal(f->nrec, 1);
	assert_int_equal(f->recs[0].ifidx, IF_V42);
	assert_int_equal(f->recs[0].len, ARP_FRAME_SIZE + 4);
	assert_int_equal(tf_get16(f->recs[0].bytes + 12), 0x8100);
	assert_int_equal(tf_get16(f->recs[0].bytes + 14), VID);
	build_arp(exp + PKT_HEADROOM, false, RMAC[IF_V42], R_V42, MAC_GW,
		  0xc63364fe);
	assert_memory_equal(f->recs[0].bytes, exp + PKT_HEADROOM, 12);
	assert_memory_equal(f->recs[0].bytes + 16, exp + PKT_HEADROOM + 12,
			    ARP_FRAME_SIZE - 12);
	clear(f);
	/* untagged on the tagged uplink, tagged on an untagged leg */
	p = make_pkt(f, IF_IN, buf + PKT_HEADROOM, ARP_FRAME_SIZE);
	input_pkts(f, IF_V42, &p, 1);
	p = make_pkt(f, IF_V42, buf + PKT_HEADROOM, ARP_FRAME_SIZE);
	input_pkts(f, IF_IN, &p, 1);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_VLAN], 2);
}

/* Not for our MAC, not IPv4/ARP, bad header checksum, short frames. */
static void test_drops(void **state)
{
	static const uint8_t other[6] = {0x02, 9, 9, 9, 9, 9};
	struct fixture *f = *state;
	struct pkt *p;
	struct tf t;

	learn_all(f);
	tf_udp4(&t, H2, D5, 1, 2, 10, false);
	memcpy(t.buf, other, 6);
	memcpy(t.buf + 6, MAC_H2, 6);
	input(f, IF_IN, t.buf, t.len);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_NOT_US], 1);
	tf_udp6(&t, 1, 2, 3, 4);
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_OTHER], 1);
	tf_udp4(&t, H2, D5, 1, 2, 10, false);
	t.buf[24] ^= 0xff;
	input_tf(f, IF_IN, &t, MAC_H2);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_CSUM], 1);
	input(f, IF_IN, t.buf, 10);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_PARSE], 1);
	p = make_pkt(f, IF_IN, t.buf, t.len);
	input_pkts(f, 9, &p, 1);
	assert_int_equal(ctr(f)[ROUTER_C_DROP_NO_IF], 1);
	assert_int_equal(f->nrec, 0);
}

/* Gratuitous ARP for every interface at start, one tx call each. */
static void test_start(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	memset(f->tx_calls, 0, sizeof(f->tx_calls));
	router_start(f->r, f->now);
	assert_int_equal(f->nrec, NIFS);
	for (i = 0; i < NIFS; i++) {
		assert_int_equal(f->recs[i].ifidx, i);
		assert_int_equal(f->tx_calls[i], 1);
		assert_memory_equal(f->recs[i].bytes, BCAST, 6);
	}
	assert_int_equal(f->recs[IF_V42].len, ARP_FRAME_SIZE + 4);
	assert_string_equal(router_name(f->r), "r1");
	assert_int_equal(router_nifs(f->r), NIFS);
	assert_int_equal(router_if(f->r, IF_DMZ)->mtu, 1400);
	assert_int_equal(router_if(f->r, IF_IN)->mtu, 1500);
	assert_null(router_if(f->r, NIFS));
	assert_string_equal(router_counter_names[ROUTER_C_DROP_NO_IF],
			    "drop_no_if");
}

/* Interface set-up errors: duplicate address, overlapping subnet. */
static void test_if_errors(void **state)
{
	struct fixture *f = *state;
	struct router_if_cfg c = {
		.port_id = 200, .addr = ina(R_IN), .prefix = 24};
	char err[256] = "";

	strcpy(c.name, "dup");
	c.mac[5] = 9;
	assert_int_equal(router_if_add(f->r, &c, err, sizeof(err)), -EEXIST);
	assert_true(strlen(err) > 0);
	c.addr = ina(0x0a010002);
	assert_int_equal(router_if_add(f->r, &c, err, sizeof(err)), -EEXIST);
	c.prefix = 33;
	assert_int_equal(router_if_add(f->r, &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(router_nifs(f->r), NIFS);
}

/*
 * Bursts of awkward sizes forward with one tx call per 64 frames, no
 * malloc and no leak.
 */
static void test_bursts(void **state)
{
	static const unsigned int sizes[] = {1, 2, 63, 64, 65, 257};
	struct fixture *f = *state;
	struct pkt *pkts[257];
	unsigned int i, k;
	struct tf t;

	learn_all(f);
	tf_udp4(&t, H2, D5, 5000, 53, 20, false);
	memcpy(t.buf, RMAC[IF_IN], 6);
	memcpy(t.buf + 6, MAC_H2, 6);
	input(f, IF_IN, t.buf, t.len); /* creates the flow */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		clear(f);
		for (k = 0; k < sizes[i]; k++)
			pkts[k] = make_pkt(f, IF_IN, t.buf, t.len);
		counting = 1;
		allocs = 0;
		input_pkts(f, IF_IN, pkts, sizes[i]);
		counting = 0;
		if (MALLOC_CHECKED)
			assert_int_equal(allocs, 0);
		assert_int_equal(f->nrec, sizes[i]);
		assert_int_equal(f->tx_calls[IF_DMZ],
				 (sizes[i] + PKT_BURST - 1) / PKT_BURST);
		for (k = 0; k < sizes[i]; k++)
			assert_int_equal(f->recs[k].ifidx, IF_DMZ);
		assert_int_equal(f->pool.nfree, POOL_SIZE);
	}
	/* mixed: echo replies and forwarded frames in one batch */
	clear(f);
	for (k = 0; k < 100; k++) {
		struct tf e;

		if (k & 1) {
			pkts[k] = make_pkt(f, IF_IN, t.buf, t.len);
			continue;
		}
		tf_icmp4_echo(&e, H2, R_IN, 8, 1, (uint16_t)k);
		memcpy(e.buf, RMAC[IF_IN], 6);
		memcpy(e.buf + 6, MAC_H2, 6);
		pkts[k] = make_pkt(f, IF_IN, e.buf, e.len);
	}
	counting = 1;
	allocs = 0;
	router_input(f->r, IF_IN, pkts, 100, f->now);
	counting = 0;
	if (MALLOC_CHECKED)
		assert_int_equal(allocs, 0);
	assert_int_equal(f->nrec, 100);
	assert_int_equal(f->pool.nfree, POOL_SIZE);
}

/* The tick with nothing to do sends nothing and keeps the pool whole. */
static void test_tick_idle(void **state)
{
	struct fixture *f = *state;

	learn_all(f);
	f->now += 120 * S;
	router_tick(f->r, f->now);
	assert_int_equal(f->nrec, 0);
	assert_int_equal(f->pool.nfree, POOL_SIZE);
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

/*
 * Mangled frames (bytes flipped, lengths cut) on every interface, with
 * ticks in between: nothing crashes (ASan build), every buffer comes back
 * (checked at teardown, after router_destroy() frees the ARP queue).
 */
static void test_mangled_frames(void **state)
{
	struct fixture *f = *state;
	uint8_t arp[PKT_HEADROOM + 64];
	struct tf seeds[5], t;
	unsigned int i, k;

	learn_all(f);
	default_route(f);
	add_fwd(f);
	tf_udp4(&seeds[0], H2, D5, 5000, 53, 20, false);
	tcp_flow(&seeds[1], CLIENT, R_OUT, 50000, 8080, 1000, 0, TF_SYN);
	tf_icmp4_echo(&seeds[2], H2, R_IN, 8, 1, 1);
	tf_icmp4_err(&seeds[3], REMOTE, R_OUT, 3, 3, &seeds[0], 48);
	build_arp(arp + PKT_HEADROOM, true, MAC_H2, H2, NULL, R_IN);
	memcpy(seeds[4].buf, arp + PKT_HEADROOM, ARP_FRAME_SIZE);
	seeds[4].len = ARP_FRAME_SIZE;
	for (i = 0; i < 20000; i++) {
		unsigned int ifidx = rnd() % NIFS, flips = rnd() % 4;

		tf_copy(&t, &seeds[rnd() % 5]);
		memcpy(t.buf, RMAC[ifidx], 6);
		for (k = 0; k < flips; k++)
			t.buf[rnd() % t.len] = (uint8_t)rnd();
		if (rnd() % 8 == 0)
			t.len = rnd() % t.len;
		input(f, ifidx, t.buf, t.len);
		if (i % 1000 == 999) {
			f->now += S;
			router_tick(f->r, f->now);
		}
		clear(f);
	}
	assert_true(ctr(f)[ROUTER_C_RX] >= 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_arp_reply),
		T(test_ping_router),
		T(test_forward_after_arp),
		T(test_ttl_exceeded),
		T(test_no_route),
		T(test_frag_needed),
		T(test_port_unreach),
		T(test_masquerade),
		T(test_icmp_error_translated),
		T(test_traceroute_through_nat),
		T(test_port_forward),
		T(test_hairpin),
		T(test_dhcp_discover),
		T(test_static_route),
		T(test_arp_failure),
		T(test_vlan_uplink),
		T(test_drops),
		T(test_start),
		T(test_if_errors),
		T(test_bursts),
		T(test_tick_idle),
		T(test_mangled_frames),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
