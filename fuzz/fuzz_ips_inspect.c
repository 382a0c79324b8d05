// SPDX-License-Identifier: MIT
/*
 * fuzz_ips_inspect.c - libFuzzer harness for the whole IPS packet path:
 * raw IPv4/IPv6 packets (TCP, UDP, ICMP, fragments, anything) through an
 * inline inspector built from a small fixed rule set that exercises every
 * kind of inspection (raw packet and stream content, dsize, flags,
 * flowbits, HTTP/DNS/TLS buffers, pcre, byte_test, threshold, drop,
 * reject and pass).
 *
 * Input: byte 0 picks options (bit 0: checksums, bit 1: a 4-flow table so
 * eviction runs, bit 2: not inline); then records of a 2-byte big-endian
 * length, one byte of clock advance (in 10 ms steps; 0xff: 2 hours, so
 * flows expire through ips_inspect_tick()) and the packet's bytes (a
 * record longer than the input takes the rest).
 *
 * Checked after every packet: the verdict is one of the three and matches
 * what the counters say (drop verdicts = drops + flow_dropped +
 * frag_bad, reject verdicts = rejects, none when not inline); packets,
 * bytes and alerts counters equal what was fed and reported; an alert
 * names a rule of the engine and is "blocked" only inline for drop or
 * reject; the flow table stays within its size. At the end, expiry must
 * empty the table, and the inspector and engine are freed (LeakSanitizer
 * checks the rest). A broken invariant traps. The .c files are included
 * (house rule 17); file-static names that clash between them are renamed
 * around their include. Seeds: fuzz/corpus/fuzz_ips_inspect/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/csum.c"
#include "../src/ips/ips_addr.c"
#include "../src/ips/ips_set.c"
#define find vars_find
#include "../src/ips/ips_vars.c"
#undef find
#include "../src/ips/ips_rule_parse.c"
#include "../src/ips/ips_rule_opts.c"
#define hexval rule_hexval
#include "../src/ips/ips_rule_content.c"
#undef hexval
#include "../src/ips/ips_rule_dump.c"
#define now_ns ruleset_now_ns
#include "../src/ips/ips_ruleset.c"
#undef now_ns
#define find match_find
#define fold match_fold
#define window match_window
#include "../src/ips/ips_match.c"
#undef find
#undef fold
#undef window
#define is_blank byte_is_blank
#include "../src/ips/ips_match_byte.c"
#undef is_blank
#define on_match mpm_on_match
#include "../src/ips/ips_mpm.c"
#undef on_match
#define group_lists build_group_lists
#include "../src/ips/ips_detect_build.c"
#undef group_lists
#include "../src/ips/ips_detect_group.c"
#include "../src/ips/ips_detect_mpm.c"
#define key_hash thresh_key_hash
#define key_of thresh_key_of
#include "../src/ips/ips_detect_state.c"
#undef key_hash
#undef key_of
#include "../src/ips/ips_detect.c"
#define cnt stream_cnt
#include "../src/ips/ips_stream.c"
#undef cnt
#define cfg_defaults frag_cfg_defaults
#define key_hash frag_key_hash
#define rd16 frag_rd16
#include "../src/ips/ips_frag.c"
#undef cfg_defaults
#undef key_hash
#undef rd16
#define cfg_defaults flow_cfg_defaults
#define find flow_find
#define key_hash flow_key_hash
#define key_of flow_key_of
#include "../src/ips/ips_flow.c"
#undef cfg_defaults
#undef find
#undef key_hash
#undef key_of
#include "../src/ips/ips_app.c"
#define rd16 dns_rd16
#include "../src/ips/ips_dns.c"
#undef rd16
#include "../src/ips/ips_tls.c"
#include "../src/ips/ips_http.c"
#include "../src/ips/ips_http_msg.c"
#include "../src/ips/ips_inspect_decode.c"
#include "../src/ips/ips_inspect_tcp.c"
#include "../src/ips/ips_inspect_app.c"
#include "../src/ips/ips_inspect.c"
#include "fuzz.h"

static const char fz_rules[] =
	"alert tcp any any -> any any (msg:\"raw\"; flow:established,"
	"to_server; content:\"evil\"; sid:1;)\n"
	"drop tcp any any -> any any (msg:\"raw drop\"; content:\"DROPME\"; "
	"sid:2;)\n"
	"reject tcp any any -> any any (msg:\"rej\"; content:\"REJECTME\"; "
	"sid:3;)\n"
	"pass tcp any any -> any any (msg:\"pass\"; content:\"PASSME\"; "
	"sid:4;)\n"
	"alert tcp any any -> any any (msg:\"anchored\"; content:\"GET /a\"; "
	"depth:6; sid:5;)\n"
	"alert tcp any any -> any any (msg:\"dsize\"; dsize:>1000; "
	"content:\"zz\"; sid:6;)\n"
	"alert tcp any any -> any any (msg:\"syn\"; flags:S; sid:7;)\n"
	"alert tcp any any -> any any (msg:\"set\"; content:\"login\"; "
	"flowbits:set,auth; flowbits:noalert; sid:8;)\n"
	"alert tcp any any -> any any (msg:\"isset\"; content:\"secret\"; "
	"flowbits:isset,auth; sid:9;)\n"
	"drop http any any -> any any (msg:\"uri\"; http.uri; "
	"content:\"union select\"; nocase; sid:10;)\n"
	"alert http any any -> any any (msg:\"body\"; file.data; "
	"content:\"root:x:0\"; sid:11;)\n"
	"alert http any any -> any any (msg:\"ua\"; http.user_agent; "
	"content:\"sqlmap\"; sid:12;)\n"
	"alert http any any -> any any (msg:\"hdr pcre\"; http.header; "
	"pcre:\"/X-[a-z]+: \\d{3}/\"; sid:13;)\n"
	"alert dns any any -> any any (msg:\"dns\"; dns.query; "
	"content:\"evil.example\"; sid:14;)\n"
	"alert tls any any -> any any (msg:\"sni\"; tls.sni; "
	"content:\"bad.example\"; sid:15;)\n"
	"alert udp any any -> any any (msg:\"udp bt\"; content:\"UD\"; "
	"byte_test:1,>,100,0,relative; sid:16;)\n"
	"alert icmp any any -> any any (msg:\"icmp\"; itype:8; "
	"content:\"ping\"; sid:17;)\n"
	"alert ip any any -> any any (msg:\"frag\"; flow:only_frag; "
	"content:\"FRAG\"; sid:18;)\n"
	"alert tcp any any -> any any (msg:\"thr\"; content:\"noisy\"; "
	"threshold:type limit,track by_src,count 2,seconds 60; sid:19;)\n"
	"reject udp any any -> any any (msg:\"udp rej\"; content:\"UREJ\"; "
	"sid:20;)\n";

struct fz_state {
	struct ips_engine *eng;
	uint64_t alerts;
	bool inline_mode;
};

static void fz_alert(void *ctx, const struct ips_alert *a)
{
	struct fz_state *st = ctx;
	const struct ips_rule *r = a->rule;
	bool blocking;
	uint32_t n = ips_engine_rule_count(st->eng), i;

	CHECK(r);
	for (i = 0; i < n && ips_engine_rule(st->eng, i) != r; i++)
		;
	CHECK(i < n);
	blocking = r->action == IPS_ACT_DROP || r->action == IPS_ACT_REJECT;
	CHECK(a->blocked == (st->inline_mode && blocking));
	CHECK(a->family == 4 || a->family == 6);
	st->alerts++;
}

static struct ips_engine *fz_engine(void)
{
	static struct ips_vars vars;
	static bool vars_ok;
	struct ips_engine *e = NULL;
	struct ips_ruleset rs;
	char err[256];

	if (!vars_ok) {
		CHECK(!ips_vars_init_defaults(&vars));
		vars_ok = true;
	}
	ips_ruleset_init(&rs);
	CHECK(!ips_ruleset_load_buf(&rs, fz_rules, strlen(fz_rules), "fz",
				    &vars));
	CHECK(rs.stats.failed + rs.stats.skipped == 0);
	CHECK(!ips_engine_build(&e, &rs, NULL, err, sizeof(err)));
	ips_ruleset_free(&rs);
	return e;
}

/* The verdict against the counters' change over one packet */
static void fz_verdict(const uint64_t *before, const uint64_t *after,
		       enum ips_verdict v, bool inline_mode)
{
	uint64_t drops = after[IPS_IC_DROPS] - before[IPS_IC_DROPS] +
			 after[IPS_IC_FLOW_DROPPED] -
			 before[IPS_IC_FLOW_DROPPED];
	uint64_t rejects = after[IPS_IC_REJECTS] - before[IPS_IC_REJECTS];
	uint64_t bad = after[IPS_IC_FRAG_BAD] - before[IPS_IC_FRAG_BAD];

	CHECK(v == IPS_VERDICT_PASS || v == IPS_VERDICT_DROP ||
	      v == IPS_VERDICT_REJECT);
	if (!inline_mode) {
		CHECK(v == IPS_VERDICT_PASS && !drops && !rejects);
		return;
	}
	CHECK(drops + rejects + bad <= 1);
	CHECK((v == IPS_VERDICT_DROP) == (drops + bad == 1));
	CHECK((v == IPS_VERDICT_REJECT) == (rejects == 1));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ips_engine *eng;
	struct ips_inspect_cfg cfg = {.stream_memcap = 1 << 20,
				      .frag_memcap = 1 << 18};
	uint64_t before[IPS_IC_MAX], now = 1000000000ull, pkts = 0,
				     bytes = 0;
	struct fz_state st = {0};
	struct ips_inspect *in;
	const uint64_t *c;
	size_t off = 1;

	if (!size)
		return 0;
	if (!eng)
		eng = fz_engine(); /* built once, reused: hit counters grow */
	cfg.checksums = data[0] & 1;
	cfg.max_flows = (data[0] & 2) ? 4 : 256;
	cfg.inline_mode = !(data[0] & 4);
	st.eng = eng;
	st.inline_mode = cfg.inline_mode;
	in = ips_inspect_create(&cfg, eng, fz_alert, &st);
	CHECK(in);
	c = ips_inspect_counters(in);
	while (off + 3 <= size) {
		uint32_t len = (uint32_t)data[off] << 8 | data[off + 1];
		uint8_t adv = data[off + 2];
		enum ips_verdict v;

		off += 3;
		if (len > size - off)
			len = (uint32_t)(size - off);
		now += adv == 0xff ? 7200ull * 1000000000ull
				   : adv * 10000000ull;
		if (adv == 0xff)
			ips_inspect_tick(in, now);
		memcpy(before, c, sizeof(before));
		v = ips_inspect_packet(in, data + off, len, now, now);
		pkts++;
		bytes += len;
		fz_verdict(before, c, v, cfg.inline_mode);
		CHECK(c[IPS_IC_PACKETS] == pkts && c[IPS_IC_BYTES] == bytes);
		CHECK(c[IPS_IC_ALERTS] == st.alerts);
		CHECK(ips_inspect_flows_active(in) <= cfg.max_flows);
		off += len;
	}
	ips_inspect_tick(in, now + 86400ull * 1000000000ull);
	CHECK(ips_inspect_flows_active(in) == 0);
	CHECK(c[IPS_IC_ALERTS] == st.alerts);
	ips_inspect_destroy(in);
	return 0;
}
