// SPDX-License-Identifier: MIT
/*
 * test_ips_pcap_read.c - unit tests of the zero-copy pcap reader
 * (src/ips/ips_pcap_read.c) on hand-written files: little-endian with
 * microseconds, big-endian with nanoseconds (time, lengths, link type and
 * the record bytes in place), a caplen above the snaplen (clamped, the
 * next record still found), a truncated final record and a truncated
 * record header (-EBADMSG, again on the next call, records before it
 * delivered), a caplen above any snaplen, an empty file after its
 * header, and what goes to libpcap instead (pcapng, version 1, short
 * files, stdin, a directory). The file variant maps a temporary file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ips/ips_pcap_read.h"

/*
 * LE, us, snaplen 65535, Ethernet: magic, version 2.4, zone, sigfigs,
 * snaplen, link type; then records of 4 and 2 bytes (ts 1000 s +
 * 250000 us, caplen 4, len 60; ts 1001 s + 1 us, caplen 2, len 2)
 */
static const uint8_t le_us[] = {
	0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0,    0,    0,
	0,    0,    0,	  0,	0,    0xff, 0xff, 0x00, 0x00, 0x01, 0x00,
	0x00, 0x00, 0xe8, 0x03, 0,    0,    0x90, 0xd0, 0x03, 0,    4,
	0,    0,    0,	  60,	0,    0,    0,	  0xde, 0xad, 0xbe, 0xef,
	0xe9, 0x03, 0,	  0,	1,    0,    0,	  0,	2,    0,    0,
	0,    2,    0,	  0,	0,    0x11, 0x22,
};

/*
 * BE, ns, snaplen 3, raw IP (101); a 5-byte record (ts 2 s + 999999999
 * ns) clamped to 3, then a 1-byte one (ts 3 s + 7 ns)
 */
static const uint8_t be_ns[] = {
	0xa1, 0xb2, 0x3c, 0x4d, 0x00, 0x02, 0x00, 0x04, 0,    0,    0,	  0, 0,
	0,    0,    0,	  0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x65, 0, 0,
	0,    2,    0x3b, 0x9a, 0xc9, 0xff, 0,	  0,	0,    5,    0,	  0, 0,
	5,    1,    2,	  3,	4,    5,    0,	  0,	0,    3,    0,	  0, 0,
	7,    0,    0,	  0,	1,    0,    0,	  0,	1,    9,
};

static void test_le_us(void **state)
{
	struct ips_pcap_read r;
	struct ips_pcap_rec rec;

	(void)state;
	assert_int_equal(ips_pcap_read_open_mem(&r, le_us, sizeof(le_us)), 0);
	assert_false(r.swap);
	assert_int_equal(r.linktype, 1);
	assert_int_equal(r.snaplen, 65535);
	assert_int_equal(ips_pcap_read_next(&r, &rec), 1);
	assert_int_equal(rec.caplen, 4);
	assert_int_equal(rec.len, 60);
	assert_true(rec.ts_ns == 1000250000000ull);
	assert_ptr_equal(rec.data, le_us + 40);
	assert_int_equal(rec.data[3], 0xef);
	assert_int_equal(ips_pcap_read_next(&r, &rec), 1);
	assert_int_equal(rec.caplen, 2);
	assert_true(rec.ts_ns == 1001000001000ull);
	assert_int_equal(rec.data[1], 0x22);
	assert_int_equal(ips_pcap_read_next(&r, &rec), 0);
	assert_int_equal(ips_pcap_read_next(&r, &rec), 0);
	assert_true(r.clamped == 0);
}

static void test_be_ns_clamped(void **state)
{
	struct ips_pcap_read r;
	struct ips_pcap_rec rec;

	(void)state;
	assert_int_equal(ips_pcap_read_open_mem(&r, be_ns, sizeof(be_ns)), 0);
	assert_true(r.swap);
	assert_int_equal(r.linktype, 101);
	assert_int_equal(r.snaplen, 3);
	assert_int_equal(ips_pcap_read_next(&r, &rec), 1);
	assert_true(rec.ts_ns == 2999999999ull);
	assert_int_equal(rec.caplen, 3); /* cut to the snaplen */
	assert_int_equal(rec.len, 5);
	assert_memory_equal(rec.data, "\1\2\3", 3);
	assert_true(r.clamped == 1);
	/* the rest of the long record is skipped, not read as a header */
	assert_int_equal(ips_pcap_read_next(&r, &rec), 1);
	assert_true(rec.ts_ns == 3000000007ull);
	assert_int_equal(rec.caplen, 1);
	assert_int_equal(rec.data[0], 9);
	assert_int_equal(ips_pcap_read_next(&r, &rec), 0);
}

static void test_truncated(void **state)
{
	struct ips_pcap_read r;
	struct ips_pcap_rec rec;
	size_t n;

	(void)state;
	/* every cut inside the second record: first record, then the error */
	for (n = sizeof(le_us) - 1; n > 44; n--) {
		assert_int_equal(ips_pcap_read_open_mem(&r, le_us, n), 0);
		assert_int_equal(ips_pcap_read_next(&r, &rec), 1);
		assert_int_equal(ips_pcap_read_next(&r, &rec), -EBADMSG);
		assert_non_null(
			strstr(r.err, n >= 60 ? "truncated record at"
					      : "truncated record header"));
		assert_non_null(strstr(r.err, "offset 44"));
		assert_int_equal(ips_pcap_read_next(&r, &rec), -EBADMSG);
	}
	/* header only: no records, no error */
	assert_int_equal(ips_pcap_read_open_mem(&r, le_us, 24), 0);
	assert_int_equal(ips_pcap_read_next(&r, &rec), 0);
}

static void test_caplen_bogus(void **state)
{
	uint8_t b[sizeof(le_us)];
	struct ips_pcap_read r;
	struct ips_pcap_rec rec;

	(void)state;
	memcpy(b, le_us, sizeof(b));
	/* caplen 0x00040001 > IPS_PCAP_CAPLEN_MAX */
	b[24 + 8] = 1;
	b[24 + 10] = 4;
	assert_int_equal(ips_pcap_read_open_mem(&r, b, sizeof(b)), 0);
	assert_int_equal(ips_pcap_read_next(&r, &rec), -EBADMSG);
	assert_non_null(strstr(r.err, "larger than any snaplen"));
	/* snaplen 0 in the header means no limit */
	memcpy(b, le_us, sizeof(b));
	b[16] = b[17] = 0;
	assert_int_equal(ips_pcap_read_open_mem(&r, b, sizeof(b)), 0);
	assert_int_equal(r.snaplen, IPS_PCAP_CAPLEN_MAX);
}

static void test_not_classic(void **state)
{
	static const uint8_t ng[28] = {0x0a, 0x0d, 0x0d, 0x0a, 28,   0,
				       0,    0,	   0x4d, 0x3c, 0x2b, 0x1a};
	uint8_t b[sizeof(le_us)];
	struct ips_pcap_read r;

	(void)state;
	assert_int_equal(ips_pcap_read_open_mem(&r, ng, sizeof(ng)), -ENOTSUP);
	assert_int_equal(ips_pcap_read_open_mem(&r, le_us, 23), -ENOTSUP);
	memcpy(b, le_us, sizeof(b));
	b[4] = 1; /* version 1 */
	assert_int_equal(ips_pcap_read_open_mem(&r, b, sizeof(b)), -ENOTSUP);
	memcpy(b, le_us, sizeof(b));
	b[0] = 0x34; /* 0xa1b2c334: not a magic */
	assert_int_equal(ips_pcap_read_open_mem(&r, b, sizeof(b)), -ENOTSUP);
	assert_int_equal(ips_pcap_read_open(&r, "-"), -ENOTSUP);
	assert_int_equal(ips_pcap_read_open(&r, "/"), -ENOTSUP);
	assert_int_equal(ips_pcap_read_open(&r, "/nonexistent/x.pcap"),
			 -ENOENT);
}

static void test_file(void **state)
{
	char path[] = "/tmp/test_ips_pcap_readXXXXXX";
	struct ips_pcap_read r;
	struct ips_pcap_rec rec;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, be_ns, sizeof(be_ns)), sizeof(be_ns));
	close(fd);
	assert_int_equal(ips_pcap_read_open(&r, path), 0);
	unlink(path);
	assert_true(r.map_size == sizeof(be_ns));
	assert_int_equal(ips_pcap_read_next(&r, &rec), 1);
	assert_memory_equal(rec.data, "\1\2\3", 3);
	assert_int_equal(ips_pcap_read_next(&r, &rec), 1);
	assert_int_equal(ips_pcap_read_next(&r, &rec), 0);
	ips_pcap_read_close(&r);
	assert_null(r.base);
	ips_pcap_read_close(&r); /* twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_le_us),
		cmocka_unit_test(test_be_ns_clamped),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_caplen_bogus),
		cmocka_unit_test(test_not_classic),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
