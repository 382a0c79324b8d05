// SPDX-License-Identifier: MIT
/*
 * fuzz_ct.c - libFuzzer harness for conntrack and NAT: frames go through
 * pkt_parse() -> ct_process() -> nat_prerouting() / nat_apply() /
 * nat_postrouting() exactly as the router runs them (nat.h).
 *
 * An input is a sequence of records: one control byte, a 16-bit little-
 * endian length, then that many frame bytes (copied into a heap buffer of
 * exactly that size, so ASan sees any read or write past the frame). The
 * control byte chooses the route (bit 0: the output masquerades, bit 1:
 * same interface, i.e. hairpin), marks the frame CHECKSUM_PARTIAL (bit 2)
 * and advances the clock (bits 3-7, seconds). The table holds 64 flows and
 * NAT has 16 ports, so eviction and port exhaustion happen quickly.
 *
 * Checked (__builtin_trap on violation): the table never holds more than
 * its maximum; a rewritten frame parses again into the descriptor NAT
 * left; an IPv4 frame whose checksums were right before NAT still has
 * right checksums after it; and after the clock jumps past every timeout a
 * full sweep leaves the table empty (nothing leaks). Build: make
 * fuzz-build; seeds in fuzz/corpus/fuzz_ct/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/csum.c"
#include "../src/core/parse.c"
#include "../src/ct/ct.c"
#include "../src/ct/ct_icmp_err.c"
#include "../src/ct/ct_proto.c"
#include "../src/ct/ct_tcp.c"
#include "../src/ct/nat.c"
#include "../src/ct/nat_rewrite.c"
#include "fuzz.h"

enum {
	FZ_MAX = 64,
	FZ_EXT = 0xcb007101, /* 203.0.113.1, the masquerade address */
	FZ_INSIDE = 0x0a000001, /* 10.0.0.1 */
	FZ_SERVER = 0x0a000050, /* 10.0.0.80 */
};

static union pkt_addr fz_v4(uint32_t host)
{
	union pkt_addr a = {0};

	a.b[10] = a.b[11] = 0xff;
	a.b[12] = (uint8_t)(host >> 24);
	a.b[13] = (uint8_t)(host >> 16);
	a.b[14] = (uint8_t)(host >> 8);
	a.b[15] = (uint8_t)host;
	return a;
}

static void fz_setup(struct ct_table *ct, struct nat *n)
{
	struct ct_config cc;
	struct nat_config nc;
	struct nat_rule rules[2] = {
		{.proto = 6, .ext_port = 80, .int_port = 8080},
		{.proto = 17, .ext_port = 53, .int_port = 53},
	};

	ct_config_default(&cc);
	cc.max_entries = FZ_MAX;
	CHECK(ct_table_init(ct, &cc) == 0);
	ct->seed[0] = ct->seed[1] = 1; /* reproducible */
	nat_config_default(&nc);
	nc.port_min = 1024;
	nc.port_max = 1039;
	CHECK(nat_init(n, &nc) == 0);
	n->rng = 1;
	rules[0].ext_addr = rules[1].ext_addr = fz_v4(FZ_EXT);
	rules[0].int_addr = rules[1].int_addr = fz_v4(FZ_SERVER);
	CHECK(nat_set_rules(n, rules, 2) == 0);
}

/* Are the IPv4 header and L4 checksums of a parsed frame right? */
static bool fz_csums_ok(const uint8_t *d, const struct pkt_meta *m)
{
	uint32_t l4_size = m->payload_off + m->payload_len - m->l4_off;
	const uint8_t *l4 = d + m->l4_off;
	uint16_t c;

	if (csum_buf(d + m->l3_off, m->l4_off - m->l3_off))
		return false;
	if (!(m->flags & PKT_F_L4) || (m->flags & PKT_F_FRAG))
		return true;
	if (m->l4_proto == 1)
		return csum_buf(l4, l4_size) == 0;
	if (m->l4_proto == 17) {
		memcpy(&c, l4 + 6, 2);
		if (!c)
			return true;
	}
	return csum_l4_ipv4(l4, (uint16_t)l4_size, pkt_addr_v4(&m->src),
			    pkt_addr_v4(&m->dst), m->l4_proto) == 0;
}

static void fz_partial(struct pkt *p, const struct pkt_meta *m)
{
	if (!(m->flags & PKT_F_L4))
		return;
	p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	p->vnet.csum_start = m->l4_off;
	p->vnet.csum_offset = csum_off(m->l4_proto);
}

/* The router's NAT steps; 0 if the frame would be forwarded. */
static int fz_route(struct ct_table *ct, struct nat *n, struct pkt *p,
		    struct pkt_meta *m, uint8_t ctl, uint64_t now)
{
	union pkt_addr out = fz_v4(ctl & 1 ? FZ_EXT : FZ_INSIDE);
	struct ct_result r;
	enum ct_verdict v;
	int ret;

	v = ct_process(ct, pkt_data(p), m, now, &r);
	CHECK(v < CT_VERDICT_MAX && r.verdict == v);
	CHECK(ct->count <= ct->max);
	if (v == CT_INVALID || v == CT_UNTRACKED)
		return -1;
	CHECK(r.e && (r.e->flags & CT_F_USED));
	if (r.created && nat_prerouting(n, ct, r.e) < 0)
		return -1;
	ret = nat_apply(n, r.e, p, m, (enum ct_dir)r.dir);
	if (ret || !r.created)
		return ret;
	if (nat_postrouting(n, ct, r.e, &out, ctl & 3) < 0)
		return -1;
	return nat_apply(n, r.e, p, m, (enum ct_dir)r.dir);
}

static void fz_one(struct ct_table *ct, struct nat *n, const uint8_t *data,
		   uint32_t len, uint8_t ctl, uint64_t now)
{
	struct pkt p = {0};
	struct pkt_meta m, again;
	bool ok_before;
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf)
		return;
	memcpy(buf, data, len);
	p.buf = buf;
	p.len = len;
	if (pkt_parse(buf, len, &m))
		goto out;
	if (ctl & 4)
		fz_partial(&p, &m);
	ok_before = m.l3 == PKT_L3_IPV4 && !(ctl & 4) && fz_csums_ok(buf, &m);
	if (fz_route(ct, n, &p, &m, ctl, now))
		goto out;
	CHECK(pkt_parse(buf, len, &again) == 0);
	CHECK(!memcmp(&m, &again, sizeof(m)));
	if (ok_before)
		CHECK(fz_csums_ok(buf, &m));
out:
	free(buf);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ct_table ct;
	static struct nat n;
	uint64_t now = 1000;
	size_t off = 0;
	uint32_t len;

	fz_setup(&ct, &n);
	while (size - off >= 3) {
		uint8_t ctl = data[off];

		len = (uint32_t)data[off + 1] | (uint32_t)data[off + 2] << 8;
		off += 3;
		if (len > size - off)
			len = (uint32_t)(size - off);
		now += (uint64_t)(ctl >> 3) * 1000;
		fz_one(&ct, &n, data + off, len, ctl, now);
		off += len;
	}
	/* Past every timeout, one full sweep must empty the table. */
	ct_sweep(&ct, now + 6 * 86400 * 1000ULL, FZ_MAX);
	CHECK(ct.count == 0);
	ct_table_fini(&ct);
	return 0;
}
