// SPDX-License-Identifier: MIT
/*
 * test_csum.c - unit tests for the checksum helpers (src/core/csum.c).
 *
 * Known vectors (RFC 1071's worked example, RFC 1624's incremental example,
 * a textbook IPv4 header, and TCP/UDP/ICMPv6 segments whose checksums scapy
 * computed), then properties against a naive 16-bit big-endian reference:
 * every length and alignment, sums in pieces, and incremental updates equal
 * to a full recomputation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/csum.h"

/* Generated with scapy 2.5: IP(bytes(...)) so every checksum is filled. */
static const uint8_t v4_tcp[] = {
	0x45, 0x00, 0x00, 0x38, 0x04, 0xd2, 0x00, 0x00, 0x3d, 0x06, 0x8c, 0xb2,
	0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x07, 0x80, 0xe8, 0x01, 0xbb,
	0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d, 0x50, 0x18, 0x20, 0x00,
	0xf5, 0xf5, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x2c, 0x20, 0x63,
	0x68, 0x65, 0x63, 0x6b, 0x73, 0x75, 0x6d, 0x21,
};
/* ip csum 0x8cb2 tcp csum 0xf5f5 */
static const uint8_t v6_udp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x1b, 0x11, 0x40, 0x20, 0x01, 0x0d, 0xb8,
	0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x20, 0x13, 0x88, 0x17, 0x70, 0x00, 0x1b, 0xd8, 0x96,
	0x6f, 0x64, 0x64, 0x2d, 0x6c, 0x65, 0x6e, 0x67, 0x74, 0x68, 0x2d, 0x70,
	0x61, 0x79, 0x6c, 0x6f, 0x61, 0x64, 0x21,
};
/* udp csum 0xd896 */
static const uint8_t v6_icmp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x3a, 0x40, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x80, 0x00, 0xbe, 0x42, 0x00, 0x07, 0x00, 0x09,
	0x61, 0x62, 0x63,
};
/* icmp6 csum 0xbe42 */
static const uint8_t v4_udp[] = {
	0x45, 0x00, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x62, 0xc4,
	0x0a, 0x01, 0x02, 0x03, 0x0a, 0x03, 0x02, 0x01, 0x00, 0x35, 0x04, 0x1d,
	0x00, 0x0d, 0xb9, 0xb3, 0x61, 0x62, 0x63, 0x64, 0x65,
};
/* ip 0x62c4 udp csum 0xb9b3 */

/* The stored bytes of a checksum value returned by csum.h. */
static uint16_t wire(uint16_t c)
{
	const uint8_t *b = (const uint8_t *)&c;

	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t addr4(const uint8_t *p)
{
	uint32_t a;

	memcpy(&a, p, 4);
	return a;
}

/* RFC 1071 done the slow way: big-endian 16-bit words, host-order result. */
static uint16_t ref_csum(const uint8_t *p, size_t size)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < size; i += 2)
		sum += rd16(p + i);
	if (size & 1)
		sum += (uint32_t)p[size - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void test_rfc1071_example(void **state)
{
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };

	(void)state;
	/* RFC 1071 section 3: the sum is 0xddf2, the checksum its inverse */
	assert_int_equal(wire(csum_buf(b, sizeof(b))), 0x220d);
	assert_int_equal(csum_buf(b, 0), 0xffff);
}

static void test_rfc1624_example(void **state)
{
	(void)state;
	/* RFC 1624 section 4: m 0x5555 -> 0x3285, HC 0xdd2f -> 0x0000 */
	assert_int_equal(csum_replace16(0xdd2f, 0x5555, 0x3285), 0x0000);
	assert_int_equal(csum_replace16(0x0000, 0x3285, 0x5555), 0xdd2f);
}

static void test_ipv4_header(void **state)
{
	static const uint8_t hdr[] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};

	(void)state;
	assert_int_equal(wire(csum_ipv4_hdr(hdr, sizeof(hdr))), 0xb861);
	assert_int_equal(csum_buf(hdr, sizeof(hdr)), 0);
	assert_int_equal(wire(csum_ipv4_hdr(v4_tcp, 20)), 0x8cb2);
	assert_int_equal(wire(csum_ipv4_hdr(v4_udp, 20)), 0x62c4);
	assert_int_equal(csum_buf(v4_tcp, 20), 0);
}

static void test_l4_ipv4(void **state)
{
	uint8_t seg[64];

	(void)state;
	memcpy(seg, v4_tcp + 20, sizeof(v4_tcp) - 20);
	assert_int_equal(csum_l4_ipv4(seg, sizeof(v4_tcp) - 20,
				      addr4(v4_tcp + 12), addr4(v4_tcp + 16),
				      6),
			 0);
	seg[16] = seg[17] = 0;
	assert_int_equal(wire(csum_l4_ipv4(seg, sizeof(v4_tcp) - 20,
					   addr4(v4_tcp + 12),
					   addr4(v4_tcp + 16), 6)),
			 0xf5f5);

	memcpy(seg, v4_udp + 20, sizeof(v4_udp) - 20);
	seg[6] = seg[7] = 0;
	assert_int_equal(wire(csum_l4_ipv4(seg, sizeof(v4_udp) - 20,
					   addr4(v4_udp + 12),
					   addr4(v4_udp + 16), 17)),
			 0xb9b3);
}

static void test_l4_ipv6(void **state)
{
	uint8_t seg[64];
	uint32_t n = sizeof(v6_udp) - 40;

	(void)state;
	memcpy(seg, v6_udp + 40, n);
	assert_int_equal(csum_l4_ipv6(seg, n, v6_udp + 8, v6_udp + 24, 17), 0);
	seg[6] = seg[7] = 0;
	assert_int_equal(wire(csum_l4_ipv6(seg, n, v6_udp + 8, v6_udp + 24,
					   17)),
			 0xd896);

	n = sizeof(v6_icmp) - 40;
	memcpy(seg, v6_icmp + 40, n);
	seg[2] = seg[3] = 0;
	assert_int_equal(wire(csum_l4_ipv6(seg, n, v6_icmp + 8, v6_icmp + 24,
					   58)),
			 0xbe42);
}

/* CHECKSUM_PARTIAL: the uninverted pseudo sum plus the segment verifies. */
static void test_pseudo_partial(void **state)
{
	uint8_t seg[64];
	uint32_t n = sizeof(v4_tcp) - 20;
	uint16_t seed;

	(void)state;
	memcpy(seg, v4_tcp + 20, n);
	seed = (uint16_t)~csum_fold(csum_pseudo_ipv4(addr4(v4_tcp + 12),
						     addr4(v4_tcp + 16), 6,
						     (uint16_t)n));
	memcpy(seg + 16, &seed, 2);
	assert_int_equal(wire(csum_buf(seg, n)), 0xf5f5);
}

static uint32_t rng = 12345;

static uint8_t rnd8(void)
{
	rng = rng * 1103515245u + 12345u;
	return (uint8_t)(rng >> 16);
}

/* Every length 0..1500 at every alignment 0..7, whole and in pieces. */
static void test_against_reference(void **state)
{
	uint8_t *buf = malloc(1500 + 8);

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < 1508; i++)
		buf[i] = rnd8();
	for (size_t len = 0; len <= 1500; len++) {
		for (size_t a = 0; a < 8; a++) {
			const uint8_t *p = buf + a;
			size_t cut = (len / 2) & ~(size_t)1;
			uint32_t sum;

			assert_int_equal(wire(csum_buf(p, len)),
					 ref_csum(p, len));
			sum = csum_partial(p, cut, 0);
			sum = csum_partial(p + cut, len - cut, sum);
			assert_int_equal(wire(csum_fold(sum)),
					 ref_csum(p, len));
		}
	}
	free(buf);
}

/* Incremental updates agree with summing the changed buffer again. */
static void test_incremental(void **state)
{
	uint8_t buf[64];

	(void)state;
	for (int n = 0; n < 100000; n++) {
		size_t off = (rnd8() % 30) * 2;
		uint16_t c, old16, new16;
		uint32_t old32, new32;

		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = rnd8();
		c = csum_buf(buf, sizeof(buf));
		memcpy(&old16, buf + off, 2);
		buf[off] = rnd8();
		buf[off + 1] = rnd8();
		memcpy(&new16, buf + off, 2);
		assert_int_equal(csum_replace16(c, old16, new16),
				 csum_buf(buf, sizeof(buf)));

		c = csum_buf(buf, sizeof(buf));
		memcpy(&old32, buf + off, 4);
		for (int k = 0; k < 4; k++)
			buf[off + k] = rnd8();
		memcpy(&new32, buf + off, 4);
		assert_int_equal(csum_replace32(c, old32, new32),
				 csum_buf(buf, sizeof(buf)));
	}
}

/* The router's case: TTL decrement, as a 16-bit TTL|proto field change. */
static void test_ttl_decrement(void **state)
{
	uint8_t h[20];
	uint16_t old, new, c;

	(void)state;
	memcpy(h, v4_tcp, 20);
	memcpy(&c, h + 10, 2);
	memcpy(&old, h + 8, 2);
	h[8]--;
	memcpy(&new, h + 8, 2);
	c = csum_replace16(c, old, new);
	memcpy(h + 10, &c, 2);
	assert_int_equal(csum_buf(h, 20), 0);
	assert_int_equal(c, csum_ipv4_hdr(h, 20));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_rfc1624_example),
		cmocka_unit_test(test_ipv4_header),
		cmocka_unit_test(test_l4_ipv4),
		cmocka_unit_test(test_l4_ipv6),
		cmocka_unit_test(test_pseudo_partial),
		cmocka_unit_test(test_against_reference),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_ttl_decrement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
