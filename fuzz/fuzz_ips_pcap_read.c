// SPDX-License-Identifier: MIT
/*
 * fuzz_ips_pcap_read.c - libFuzzer harness for the zero-copy pcap reader
 * (ips_pcap_read.c): the input is a whole file, read from a heap copy of
 * exactly its size so that ASan sees any read past the end.
 *
 * Checked (__builtin_trap on violation): every record lies inside the
 * file, after the previous one, with a caplen of at most the snaplen and
 * IPS_PCAP_CAPLEN_MAX; reading ends (0 or -EBADMSG, which repeats) within
 * one record per 16 bytes; an error leaves a message. Build: make
 * fuzz-build; seeds in fuzz/corpus/fuzz_ips_pcap_read/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/ips/ips_pcap_read.c"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	const uint8_t *last = NULL;
	struct ips_pcap_read r;
	struct ips_pcap_rec rec;
	size_t n = 0;
	int rc;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (ips_pcap_read_open_mem(&r, buf, size)) {
		free(buf);
		return 0;
	}
	CHECK(r.snaplen && r.snaplen <= IPS_PCAP_CAPLEN_MAX);
	while ((rc = ips_pcap_read_next(&r, &rec)) == 1) {
		CHECK(rec.data >=
		      buf + IPS_PCAP_HDR_SIZE + IPS_PCAP_REC_HDR_SIZE);
		CHECK(rec.data + rec.caplen <= buf + size);
		CHECK(!last || rec.data > last);
		CHECK(rec.caplen <= r.snaplen);
		last = rec.data;
		CHECK(++n <= size / IPS_PCAP_REC_HDR_SIZE);
	}
	CHECK(rc == 0 || rc == -EBADMSG);
	if (rc) {
		CHECK(r.err[0]);
		CHECK(ips_pcap_read_next(&r, &rec) == -EBADMSG);
	}
	ips_pcap_read_close(&r);
	free(buf);
	return 0;
}
