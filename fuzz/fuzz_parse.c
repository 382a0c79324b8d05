// SPDX-License-Identifier: MIT
/*
 * fuzz_parse.c - libFuzzer harness for pkt_parse() and the checksum helpers.
 *
 * Each input is one frame, copied into a heap buffer of exactly its size so
 * that ASan reports any read past the end. After a successful parse the
 * descriptor invariants promised in parse.h are checked (__builtin_trap on
 * a violation), and the IPv4 header and L4 checksums are computed over the
 * ranges the descriptor names, which must therefore lie inside the frame.
 * Build: make fuzz-build; seeds in fuzz/corpus/fuzz_parse/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/pkt.h"

#include "../src/core/csum.c"
#include "../src/core/parse.c"
#include "fuzz.h"

static void check_meta(const struct pkt_meta *m, uint32_t len)
{
	uint64_t end = (uint64_t)m->payload_off + m->payload_len;

	CHECK(m->n_vlans <= PKT_VLAN_MAX);
	CHECK(m->l3_off == ETH_HDR + VLAN_HDR * m->n_vlans);
	CHECK(m->l3_off <= m->l4_off && m->l4_off <= m->payload_off);
	CHECK(end <= len);
	CHECK(m->l3 <= PKT_L3_IPV6);
	CHECK(m->n_ext <= PKT_IPV6_EXT_MAX);
	if (m->l3 == PKT_L3_IPV4)
		CHECK(m->l4_off >= m->l3_off + IPV4_HDR);
	if (m->l3 == PKT_L3_IPV6)
		CHECK(m->l4_off >= m->l3_off + IPV6_HDR + 8u * m->n_ext);
	if (m->l3 == PKT_L3_ARP)
		CHECK(m->l3_off + ARP_HDR <= len && m->payload_len == 0);
	if (m->l3 == PKT_L3_NONE)
		CHECK(end == len);
	if (m->flags & PKT_F_L4)
		CHECK(m->payload_off >= m->l4_off + UDP_HDR);
	if (m->flags & PKT_F_FRAG_LATER)
		CHECK((m->flags & PKT_F_FRAG) && !(m->flags & PKT_F_L4));
	if (m->flags & PKT_F_ICMP_ERR)
		CHECK(m->inner_off == m->payload_off);
	else
		CHECK(m->inner_off == 0);
	if (!(m->flags & PKT_F_L4))
		CHECK(!m->src_port && !m->dst_port && !m->tcp_flags);
}

/* Sum the ranges the descriptor names; ASan checks they are in bounds. */
static uint16_t touch_csums(const uint8_t *d, const struct pkt_meta *m)
{
	uint32_t l4_size = m->payload_off + m->payload_len - m->l4_off;
	uint16_t c = 0;

	if (m->l3 == PKT_L3_IPV4) {
		c ^= csum_ipv4_hdr(d + m->l3_off, m->l4_off - m->l3_off);
		c ^= csum_l4_ipv4(d + m->l4_off, (uint16_t)l4_size,
				  pkt_addr_v4(&m->src), pkt_addr_v4(&m->dst),
				  m->l4_proto);
	} else if (m->l3 == PKT_L3_IPV6) {
		c ^= csum_l4_ipv6(d + m->l4_off, l4_size, m->src.b, m->dst.b,
				  m->l4_proto);
	}
	return c;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_meta m, again;
	uint16_t sum;
	uint8_t *buf;
	int ret;

	if (size > PKT_DATA_MAX)
		return 0;
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	ret = pkt_parse(buf, (uint32_t)size, &m);
	CHECK(ret <= 0 && ret > -PKT_PARSE_REASON_MAX);
	CHECK(pkt_parse_reason_str(ret) && pkt_parse_reason_desc(ret));
	if (!ret) {
		check_meta(&m, (uint32_t)size);
		sum = touch_csums(buf, &m);
		__asm__ volatile("" : : "r"(sum)); /* keep the sums */
		/* Deterministic: a second parse gives the same descriptor. */
		CHECK(pkt_parse(buf, (uint32_t)size, &again) == 0);
		CHECK(!memcmp(&m, &again, sizeof(m)));
	}
	free(buf);
	return 0;
}
