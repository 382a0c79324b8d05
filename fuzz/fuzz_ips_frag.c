// SPDX-License-Identifier: MIT
/*
 * fuzz_ips_frag.c - libFuzzer harness for IPv4 and IPv6 fragment
 * reassembly (ips_frag.c) on a small table (8 datagrams, 8 pages of 2 KiB, 16
 * fragments each, 10 s timeout), so every limit is reached quickly.
 *
 * An input is a sequence of records: one control byte, a 16-bit little-
 * endian length, then that many packet bytes (copied into a heap buffer of
 * exactly that size, so ASan sees any read past the packet). Bits 0-3 of
 * the control byte advance the clock (seconds).
 *
 * Checked (__builtin_trap on violation): a complete IPv4 datagram is a
 * valid IPv4 header (checksum right, total length = the returned length,
 * no MF, offset 0) of at most 65535 bytes; a complete IPv6 datagram has
 * 40 + its payload length bytes (at most 65535) and, when its header
 * chain walks, no Fragment header left that is not atomic; a packet that
 * is not a fragment comes back unchanged; ips_frag_is_fragment() agrees
 * with what ips_frag_add() did; pages in use never exceed the pool and
 * entries never the table; and after the clock passes every timeout the
 * table is empty and holds no memory. Build: make fuzz-build; seeds in
 * fuzz/corpus/fuzz_ips_frag/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/csum.c"
#include "../src/ips/ips_frag.c"
#include "fuzz.h"

enum { FZ_PAGES = 8, FZ_DGS = 8 };

static void fz_check_out6(const uint8_t *in, uint32_t in_len,
			  const uint8_t *out, uint32_t out_len)
{
	CHECK(out_len >= 40 && out_len <= IPS_FRAG_MAX_DATAGRAM6);
	CHECK(rd16(out + 4) + 40u == out_len);
	CHECK(!ips_frag_is_fragment(out, out_len));
	if (out == in)
		CHECK(out_len <= in_len);
}

static void fz_check_out(const uint8_t *in, uint32_t in_len, const uint8_t *out,
			 uint32_t out_len)
{
	uint32_t hl = (uint32_t)(out[0] & 0xf) * 4;

	if (out[0] >> 4 == 6) {
		fz_check_out6(in, in_len, out, out_len);
		return;
	}
	CHECK(out_len >= 20 && out_len <= IPS_FRAG_MAX_DATAGRAM);
	CHECK(hl >= 20 && hl <= out_len);
	CHECK(rd16(out + 2) == out_len);
	CHECK((rd16(out + 6) & (FRAG_MF | FRAG_OFFMASK)) == 0);
	if (out == in) {
		CHECK(out_len <= in_len);
		return;
	}
	CHECK(csum_buf(out, hl) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ips_frag_cfg cfg = {.memcap = FZ_PAGES * 2048,
				   .max_datagrams = FZ_DGS,
				   .max_frags = 16,
				   .timeout_ns = 10ull * 1000000000};
	struct ips_frag_table *t = ips_frag_create(&cfg);
	uint64_t now = 0;

	CHECK(t);
	while (size >= 3) {
		uint32_t len = (uint32_t)data[1] | (uint32_t)data[2] << 8;
		const uint8_t *out;
		uint32_t out_len;
		uint8_t *pkt;
		int r;

		now += (uint64_t)(data[0] & 0xf) * 1000000000;
		data += 3;
		size -= 3;
		if (len > size)
			len = (uint32_t)size;
		pkt = malloc(len ? len : 1);
		CHECK(pkt);
		memcpy(pkt, data, len);
		r = ips_frag_add(t, pkt, len, now, &out, &out_len);
		/* what is not a fragment passes through */
		if (!ips_frag_is_fragment(pkt, len))
			CHECK(r == -EINVAL || (r == 1 && out == pkt));
		else
			CHECK(r != 1 || out != pkt);
		if (r == 1)
			fz_check_out(pkt, len, out, out_len);
		else
			CHECK(r == 0 || r == -EINVAL || r == -EMSGSIZE ||
			      r == -E2BIG || r == -EBADMSG || r == -ENOBUFS);
		free(pkt);
		CHECK(ips_frag_memory(t) <= FZ_PAGES * 2048);
		CHECK(ips_frag_pending(t) <= FZ_DGS);
		data += len;
		size -= len;
	}
	ips_frag_tick(t, now + cfg.timeout_ns);
	CHECK(ips_frag_pending(t) == 0 && ips_frag_memory(t) == 0);
	ips_frag_destroy(t);
	return 0;
}
