// SPDX-License-Identifier: MIT
/*
 * test_ips_dns.c - unit tests of the dns.query extractor
 * (src/ips/ips_dns.c): plain and mixed-case names, the root, names
 * through compression pointers, pointer loops and out-of-range pointers
 * (must fail, and quickly), truncation at every length, responses, label
 * and name length limits, and DNS-over-TCP framing.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ips/ips_dns.h"

/* Header: id 0x1234, RD, one question */
#define Q_HDR                                                                  \
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
#define QTAIL 0x00, 0x01, 0x00, 0x01 /* type A, class IN */

static const uint8_t q_www[] = {
	Q_HDR, 3,   'W', 'w', 'W', 7,	'e', 'x', 'a',	 'm',
	'p',   'l', 'e', 3,   'c', 'o', 'm', 0,	  QTAIL,
};

static int query(const uint8_t *m, uint32_t n, char *out, uint32_t cap,
		 uint32_t *len)
{
	/* an exact-size heap copy so ASan sees any over-read */
	uint8_t *p = malloc(n ? n : 1);
	int rc;

	assert_non_null(p);
	memcpy(p, m, n);
	rc = ips_dns_query(p, n, out, cap, len);
	free(p);
	return rc;
}

static void expect_name(const uint8_t *m, uint32_t n, const char *want)
{
	char out[IPS_DNS_NAME_MAX];
	uint32_t len = 999;

	assert_int_equal(query(m, n, out, sizeof(out), &len), 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
}

static void test_plain(void **state)
{
	static const uint8_t root[] = {Q_HDR, 0, QTAIL};

	(void)state;
	expect_name(q_www, sizeof(q_www), "WwW.example.com"); /* case kept */
	expect_name(root, sizeof(root), "");
}

static void test_truncated(void **state)
{
	char out[IPS_DNS_NAME_MAX];
	uint32_t len;

	(void)state;
	/* every cut before the name's end fails; after it, qtype is not
	 * needed for the name */
	for (uint32_t n = 0; n < sizeof(q_www); n++) {
		int rc = query(q_www, n, out, sizeof(out), &len);

		if (n < sizeof(q_www) - 4)
			assert_int_equal(rc, -EINVAL);
		else
			assert_int_equal(rc, 0);
	}
}

static void test_response_and_empty(void **state)
{
	uint8_t m[sizeof(q_www)];
	char out[IPS_DNS_NAME_MAX];
	uint32_t len;

	(void)state;
	memcpy(m, q_www, sizeof(m));
	m[2] |= 0x80; /* QR: a response */
	assert_int_equal(query(m, sizeof(m), out, sizeof(out), &len), -ENOENT);
	memcpy(m, q_www, sizeof(m));
	m[5] = 0; /* no question */
	assert_int_equal(query(m, sizeof(m), out, sizeof(out), &len), -ENOENT);
}

static void test_compression(void **state)
{
	/* the question's name continues at a pointer to a later "com" */
	static const uint8_t fwd[] = {
		Q_HDR, 3, 'a', 'b', 'c', 0xc0, 22, QTAIL, 3, 'c', 'o', 'm', 0,
	};
	/* pointer to a pointer to a label */
	static const uint8_t chain[] = {
		Q_HDR, 0xc0, 18, QTAIL, 0xc0, 20, 1, 'x', 0,
	};
	static const uint8_t self_loop[] = {Q_HDR, 0xc0, 12, QTAIL};
	static const uint8_t two_loop[] = {
		Q_HDR, 1, 'a', 0xc0, 20, QTAIL, 0xc0, 12,
	};
	static const uint8_t out_of_range[] = {Q_HDR, 0xc0, 200, QTAIL};
	static const uint8_t cut_ptr[] = {Q_HDR, 1, 'a', 0xc0};
	static const uint8_t ext_label[] = {Q_HDR, 0x41, 'a', 0, QTAIL};
	char out[IPS_DNS_NAME_MAX];
	uint32_t len;

	(void)state;
	expect_name(fwd, sizeof(fwd), "abc.com");
	expect_name(chain, sizeof(chain), "x");
	assert_int_equal(
		query(self_loop, sizeof(self_loop), out, sizeof(out), &len),
		-EINVAL);
	assert_int_equal(
		query(two_loop, sizeof(two_loop), out, sizeof(out), &len),
		-EINVAL);
	assert_int_equal(query(out_of_range, sizeof(out_of_range), out,
			       sizeof(out), &len),
			 -EINVAL);
	assert_int_equal(
		query(cut_ptr, sizeof(cut_ptr), out, sizeof(out), &len),
		-EINVAL);
	assert_int_equal(
		query(ext_label, sizeof(ext_label), out, sizeof(out), &len),
		-EINVAL);
}

static void test_limits(void **state)
{
	uint8_t m[12 + 300 + 4];
	char out[IPS_DNS_NAME_MAX];
	uint32_t n = 0, len;

	(void)state;
	memcpy(m, q_www, 12);
	n = 12;
	/* 4 labels of 63: 4 * 63 + 3 dots = 255 bytes: the longest name */
	for (int l = 0; l < 4; l++) {
		m[n++] = 63;
		memset(m + n, 'a' + l, 63);
		n += 63;
	}
	m[n++] = 0;
	assert_int_equal(query(m, n, out, sizeof(out), &len), 0);
	assert_int_equal(len, 255);
	assert_int_equal(out[63], '.');
	assert_int_equal(out[254], 'd');
	/* a small output buffer */
	assert_int_equal(query(m, n, out, 100, &len), -ENOSPC);
	/* one label more: too long */
	m[n - 1] = 1;
	m[n++] = 'e';
	m[n++] = 0;
	assert_int_equal(query(m, n, out, sizeof(out), &len), -EINVAL);
}

static void test_tcp(void **state)
{
	uint8_t s[2 + sizeof(q_www) + 3];
	const uint8_t *msg;
	uint32_t mlen;

	(void)state;
	s[0] = 0;
	s[1] = sizeof(q_www);
	memcpy(s + 2, q_www, sizeof(q_www));
	s[2 + sizeof(q_www)] = 0; /* start of the next message */
	for (uint32_t n = 0; n < 2 + sizeof(q_www); n++)
		assert_int_equal(ips_dns_tcp_msg(s, n, &msg, &mlen), -EAGAIN);
	assert_int_equal(ips_dns_tcp_msg(s, sizeof(s), &msg, &mlen), 0);
	assert_ptr_equal(msg, s + 2);
	assert_int_equal(mlen, sizeof(q_www));
	expect_name(msg, mlen, "WwW.example.com");
	s[1] = 5; /* shorter than a header */
	assert_int_equal(ips_dns_tcp_msg(s, sizeof(s), &msg, &mlen), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_response_and_empty),
		cmocka_unit_test(test_compression),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_tcp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
