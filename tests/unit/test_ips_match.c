// SPDX-License-Identifier: MIT
/*
 * test_ips_match.c - unit tests of the IPS payload matcher (ips_match.c,
 * ips_match_byte.c): real rule texts parsed with ips_rule_parse() and
 * evaluated on crafted buffers. Edge cases sit exactly at a window's
 * boundary and one byte past it. A randomised test compares chains of
 * relative contents with a brute-force reference that tries every
 * combination of occurrences (no pruning, no budget), which checks the
 * matcher's backtracking and its shortcuts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ips/ips_match.h"
#include "ips/ips_match_priv.h"

static struct ips_vars vars;
static struct ips_match_ctx ctx;

static int setup(void **state)
{
	(void)state;
	if (ips_vars_init_defaults(&vars))
		return -1;
	return ips_match_ctx_init(&ctx);
}

static int teardown(void **state)
{
	(void)state;
	ips_match_ctx_fini(&ctx);
	ips_vars_free(&vars);
	return 0;
}

/* Parse "alert PROTO any any -> any any (OPTS sid:1;)" and prepare it. */
static void rule_load(struct ips_rule *r, const char *proto, const char *opts)
{
	char text[4096];
	struct ips_rule_err err;
	int ret;

	snprintf(text, sizeof(text), "alert %s any any -> any any (%s sid:1;)",
		 proto, opts);
	ret = ips_rule_parse(r, text, &vars, &err);
	if (ret)
		fail_msg("parse '%s': %s", text, err.msg);
	assert_int_equal(ips_match_prepare(r), 0);
}

static void bufs_set(struct ips_bufs *b, enum ips_buf buf, const void *p,
		     uint32_t len)
{
	b->p[buf] = p;
	b->len[buf] = len;
	b->present |= 1ull << buf;
}

/* Does the tcp rule with @opts match payload @p of @len bytes? */
static bool match_len(const char *opts, const void *p, uint32_t len)
{
	struct ips_bufs b = {0};
	struct ips_rule r;
	bool ok;

	rule_load(&r, "tcp", opts);
	bufs_set(&b, IPS_BUF_PAYLOAD, p, len);
	ok = ips_match_rule(&r, &b, &ctx);
	ips_rule_free(&r);
	return ok;
}

/* A rule's options, a payload (@len bytes, or up to its NUL if 0), and
 * whether the rule must match it. */
struct mcase {
	const char *opts;
	const char *payload;
	bool want;
	uint32_t len;
};

static void run_cases(const struct mcase *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (match_len(c[i].opts, c[i].payload,
			      c[i].len ? c[i].len : strlen(c[i].payload)) !=
		    c[i].want)
			fail_msg("case %zu: (%s) on \"%s\": want %s", i,
				 c[i].opts, c[i].payload,
				 c[i].want ? "match" : "no match");
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

static void test_content_basic(void **state)
{
	static const struct mcase cases[] = {
		{"content:\"abc\";", "xxabcx", true},
		{"content:\"abc\";", "xxabx", false},
		{"content:\"ABC\";", "xxabcx", false},
		{"content:\"ABC\"; nocase;", "xxabcx", true},
		{"content:\"aBc\"; nocase;", "xxAbC", true},
		{"content:\"a-c\"; nocase;", "xxA-C", true},
		{"content:\"a-c\"; nocase;", "xxA_C", false},
		{"content:\"|41 42|C\";", "zABC", true},
		{"content:\"|00 ff|\";", "a\xff", false},
		{"content:\"abc\";", "", false},
		{"content:\"abc\";", "ab", false},
		/* fast_pattern changes nothing */
		{"content:\"abc\"; fast_pattern;", "abc", true},
		{"content:\"xyz\"; fast_pattern; content:\"abc\";", "abc",
		 false},
	};

	(void)state;
	RUN(cases);
	/* bytes after a NUL and a NUL in the pattern */
	assert_true(match_len("content:\"|00|b\";", "a\0b", 3));
	assert_false(match_len("content:\"|00|c\";", "a\0b", 3));
}

static void test_offset_depth(void **state)
{
	static const struct mcase cases[] = {
		/* offset 2 depth 2: "ab" must lie in [2, 4) */
		{"content:\"ab\"; offset:2; depth:2;", "..ab", true},
		{"content:\"ab\"; offset:2; depth:2;", "...ab", false},
		{"content:\"ab\"; offset:2; depth:2;", ".ab.", false},
		{"content:\"ab\"; depth:2; offset:2;", "..ab", true},
		{"content:\"ab\"; depth:3;", "xab", true},
		{"content:\"ab\"; depth:3;", "xxab", false},
		{"content:\"ab\"; depth:2;", "ab", true},
		{"content:\"ab\"; offset:3;", "xxxab", true},
		{"content:\"ab\"; offset:4;", "xxxab", false},
		{"content:\"ab\"; offset:100;", "xxxab", false},
		/* depth past the end: the buffer's end */
		{"content:\"ab\"; depth:100;", "xxxab", true},
		/* the second occurrence can be the one in the window */
		{"content:\"ab\"; offset:1;", "abab", true},
	};

	(void)state;
	RUN(cases);
}

static void test_distance_within(void **state)
{
	static const struct mcase cases[] = {
		/* a at 0, pos 1: b must start in [2, 4) */
		{"content:\"a\"; content:\"b\"; distance:1; within:2;", "a.b",
		 true},
		{"content:\"a\"; content:\"b\"; distance:1; within:2;", "a..b",
		 true},
		{"content:\"a\"; content:\"b\"; distance:1; within:2;", "a...b",
		 false},
		{"content:\"a\"; content:\"b\"; distance:1; within:2;", "ab",
		 false},
		/* within alone counts from the previous match's end */
		{"content:\"a\"; content:\"bc\"; within:2;", "abc", true},
		{"content:\"a\"; content:\"bc\"; within:2;", "a.bc", false},
		{"content:\"a\"; content:\"bc\"; within:3;", "a.bc", true},
		/* distance alone: anywhere after */
		{"content:\"a\"; content:\"b\"; distance:0;", "a.....b", true},
		{"content:\"a\"; content:\"b\"; distance:0;", "ba", false},
		{"content:\"a\"; content:\"b\"; distance:5;", "a....b", false},
		{"content:\"a\"; content:\"b\"; distance:4;", "a....b", true},
		/* relative to the start when nothing came before */
		{"content:\"b\"; distance:2; within:1;", "..b", true},
		{"content:\"b\"; distance:2; within:1;", ".b.", false},
		/* negative distance: "ab" ends 1 before "bc" ends */
		{"content:\"bc\"; content:\"ab\"; distance:-3; within:2;",
		 "abc", true},
		{"content:\"bc\"; content:\"ab\"; distance:-3; within:2;",
		 "xbc", false},
		{"content:\"bc\"; content:\"b\"; distance:-2; within:1;", "abc",
		 true},
		/* distance reaching before the start clamps to 0 */
		{"content:\"c\"; content:\"a\"; distance:-10;", "abc", true},
		/* chains of three, relative to the previous one each */
		{"content:\"a\"; content:\"b\"; distance:0; within:1; "
		 "content:\"c\"; distance:0; within:1;",
		 "xabxabc", true},
		{"content:\"a\"; content:\"b\"; distance:0; within:1; "
		 "content:\"c\"; distance:0; within:1;",
		 "xabxab.c", false},
	};

	(void)state;
	RUN(cases);
}

static void test_backtrack(void **state)
{
	static const struct mcase cases[] = {
		{"content:\"a\"; content:\"b\"; distance:0; within:1;", "a.ab",
		 true},
		{"content:\"a\"; content:\"b\"; distance:0; within:1;", "a.a.",
		 false},
		/* the retried content is relative itself */
		{"content:\"x\"; content:\"a\"; distance:0; "
		 "content:\"b\"; distance:0; within:1;",
		 "xa.a.ab", true},
		/* a relative pcre makes the content before it retry */
		{"content:\"a\"; pcre:\"/^b/R\";", "a.ab", true},
		{"content:\"a\"; pcre:\"/^b/R\";", "a.a.", false},
		/* so does a negated relative isdataat (a at the end) */
		{"content:\"a\"; isdataat:!1,relative;", "a.a", true},
		{"content:\"a\"; isdataat:!1,relative;", "a.a.", false},
		/* a pcre retries at its next match */
		{"pcre:\"/a./\"; content:\"b\"; distance:0; within:1;",
		 "a.xa.b", true},
	};

	(void)state;
	RUN(cases);
}

static void test_negated(void **state)
{
	static const struct mcase cases[] = {
		{"content:\"GET\"; content:!\"admin\";", "GET /x", true},
		{"content:\"GET\"; content:!\"admin\";", "GET /admin", false},
		{"content:!\"admin\";", "", true},
		/* with a window: only the window counts */
		{"content:\"a\"; content:!\"b\"; distance:0; within:1;", "ab",
		 false},
		{"content:\"a\"; content:!\"b\"; distance:0; within:1;", "a.b",
		 true},
		{"content:!\"x\"; depth:2;", "..x", true},
		{"content:!\"x\"; depth:2;", ".x", false},
		{"content:!\"x\"; offset:2;", "x..", true},
		{"content:!\"x\"; offset:2;", "..x", false},
		/* a negated content leaves the position where it was */
		{"content:\"a\"; content:!\"z\"; content:\"b\"; distance:0; "
		 "within:1;",
		 "ab", true},
		/* and lets the content before it retry */
		{"content:\"a\"; content:!\"b\"; distance:0; within:1;", "aba.",
		 true},
		{"content:\"ab\"; nocase; content:!\"AB\"; nocase; distance:0;",
		 "abAb", true},
		{"content:\"ab\"; content:!\"X\"; nocase; distance:0;", "abxx",
		 false},
	};

	(void)state;
	RUN(cases);
}

static void test_startswith_endswith(void **state)
{
	static const struct mcase cases[] = {
		{"content:\"GET\"; startswith;", "GET /", true},
		{"content:\"GET\"; startswith;", " GET /", false},
		{"content:\"get\"; nocase; startswith;", "GeT /", true},
		{"content:\".exe\"; endswith;", "a.exe", true},
		{"content:\".exe\"; endswith;", "a.exe ", false},
		{"content:\".exe\"; endswith;", "a.exe.exe", true},
		{"content:\".EXE\"; nocase; endswith;", "a.exe", true},
		{"content:\"abc\"; startswith; endswith;", "abc", true},
		{"content:\"abc\"; startswith; endswith;", "abcabc", false},
		{"content:\"a\"; content:\"z\"; distance:0; endswith;", "azbz",
		 true},
		{"content:\"a\"; content:\"z\"; distance:0; endswith;", "azb",
		 false},
		{"content:!\"x\"; endswith;", "xa", true},
		{"content:!\"x\"; endswith;", "ax", false},
	};

	(void)state;
	RUN(cases);
}

static bool http_match(const char *opts, const char *method, const char *uri,
		       const char *header)
{
	struct ips_bufs b = {0};
	struct ips_rule r;
	bool ok;

	rule_load(&r, "http", opts);
	if (method)
		bufs_set(&b, IPS_BUF_HTTP_METHOD, method, strlen(method));
	if (uri)
		bufs_set(&b, IPS_BUF_HTTP_URI, uri, strlen(uri));
	if (header)
		bufs_set(&b, IPS_BUF_HTTP_HEADER, header, strlen(header));
	ok = ips_match_rule(&r, &b, &ctx);
	ips_rule_free(&r);
	return ok;
}

static void test_multi_buffer(void **state)
{
	const char *both = "http.method; content:\"POST\"; http.uri; "
			   "content:\"/login\"; startswith;";
	const char *rel = "http.uri; content:\"/a\"; http.header; "
			  "content:\"b\"; distance:0; within:1;";

	(void)state;
	assert_true(http_match(both, "POST", "/login?x", NULL));
	assert_false(http_match(both, "GET", "/login?x", NULL));
	assert_false(http_match(both, "POST", "/x/login", NULL));
	/* a missing buffer fails the rule */
	assert_false(http_match(both, "POST", NULL, NULL));
	assert_false(http_match(both, NULL, "/login", NULL));
	/* relative keywords restart at each buffer's start */
	assert_true(http_match(rel, NULL, "zz/a", "bc"));
	assert_false(http_match(rel, NULL, "zz/a", "cb"));
	/* Snort 2 modifiers name the buffer too */
	assert_true(http_match("content:\"POST\"; http_method; "
			       "content:\"id=\"; http_uri;",
			       "POST", "/x?id=1", NULL));
	assert_false(http_match("content:\"POST\"; http_method; "
				"content:\"id=\"; http_uri;",
				"POST", "/x?ID=1", NULL));
}

static void test_missing_buffer(void **state)
{
	struct ips_bufs b = {0};
	struct ips_rule r;

	(void)state;
	rule_load(&r, "http", "http.uri; content:\"/x\";");
	bufs_set(&b, IPS_BUF_PAYLOAD, "GET /x", 6);
	assert_false(ips_match_rule(&r, &b, &ctx));
	assert_int_equal(ips_match_buf_mask(&r), 1ull << IPS_BUF_HTTP_URI);
	/* present and empty is present: a negated content holds */
	ips_rule_free(&r);
	rule_load(&r, "http", "http.uri; content:!\"/x\";");
	memset(&b, 0, sizeof(b));
	bufs_set(&b, IPS_BUF_HTTP_URI, NULL, 0);
	assert_true(ips_match_rule(&r, &b, &ctx));
	b.present = 0;
	assert_false(ips_match_rule(&r, &b, &ctx));
	ips_rule_free(&r);
	/* no payload conditions: the rule matches */
	rule_load(&r, "tcp", "msg:\"x\";");
	assert_true(ips_match_rule(&r, &b, &ctx));
	ips_rule_free(&r);
}

static void test_pcre(void **state)
{
	static const struct mcase cases[] = {
		{"pcre:\"/ab+c/\";", "xabbbc", true},
		{"pcre:\"/ab+c/\";", "xac", false},
		{"pcre:\"/^ABC/i\";", "abcd", true},
		{"pcre:\"/^ABC/\";", "abcd", false},
		{"pcre:\"/^abc/\";", "xabc", false},
		/* R: the subject starts after the previous match */
		{"content:\"x\"; pcre:\"/^y/R\";", "xy", true},
		{"content:\"x\"; pcre:\"/^y/R\";", "x.y", false},
		{"content:\"x\"; pcre:\"/^y/R\";", "x.xy", true},
		{"content:\"xy\"; pcre:\"/x/R\";", "x.xy", false},
		/* the match end is the new position */
		{"pcre:\"/a+/\"; content:\"b\"; distance:0; within:1;", "aaab",
		 true},
		{"pcre:\"/a+/\"; content:\"b\"; distance:0; within:1;", "aaa.b",
		 false},
		/* negated */
		{"content:\"GET\"; pcre:!\"/admin/i\";", "GET /x", true},
		{"content:\"GET\"; pcre:!\"/admin/i\";", "GET /ADMIN", false},
		{"content:\"a\"; pcre:!\"/^b/R\";", "ab", false},
		{"content:\"a\"; pcre:!\"/^b/R\";", "ac", true},
		{"content:\"a\"; pcre:!\"/^b/R\";", "abac", true},
		/* an empty match still moves on */
		{"pcre:\"/x*/\"; content:\"q\"; distance:0; within:1;", "a.q",
		 true},
	};

	(void)state;
	RUN(cases);
}

static void test_pcre_uri_flag(void **state)
{
	(void)state;
	/* /U puts the pcre on the URI */
	assert_true(http_match("pcre:\"/^\\/login/U\";", NULL, "/login", NULL));
	assert_false(
		http_match("pcre:\"/^\\/login/U\";", NULL, "/x/login", NULL));
	assert_false(http_match("pcre:\"/^\\/login/U\";", NULL, NULL, NULL));
}

static void test_pcre_limit(void **state)
{
	char buf[4096];
	uint64_t before = ctx.counters[IPS_MATCH_CNT_PCRE_LIMIT];

	(void)state;
	/* catastrophic backtracking hits the match limit: no match */
	memset(buf, 'a', sizeof(buf));
	assert_false(match_len("pcre:\"/^(a|aa)+(b|c)/\";", buf, sizeof(buf)));
	assert_true(ctx.counters[IPS_MATCH_CNT_PCRE_LIMIT] > before);
	assert_string_equal(ips_match_counter_name(IPS_MATCH_CNT_PCRE_LIMIT),
			    "match_pcre_limit");
}

static void test_byte_test_ops(void **state)
{
	static const struct mcase cases[] = {
		/* binary big endian: bytes 1-2 are 0x0102 = 258 */
		{"byte_test:2,=,258,1;", "\x7f\x01\x02", true},
		{"byte_test:2,=,259,1;", "\x7f\x01\x02", false},
		{"byte_test:2,<,259,1;", "\x7f\x01\x02", true},
		{"byte_test:2,<,258,1;", "\x7f\x01\x02", false},
		{"byte_test:2,>,257,1;", "\x7f\x01\x02", true},
		{"byte_test:2,>,258,1;", "\x7f\x01\x02", false},
		{"byte_test:2,<=,258,1;", "\x7f\x01\x02", true},
		{"byte_test:2,<=,257,1;", "\x7f\x01\x02", false},
		{"byte_test:2,>=,258,1;", "\x7f\x01\x02", true},
		{"byte_test:2,>=,259,1;", "\x7f\x01\x02", false},
		{"byte_test:2,&,2,1;", "\x7f\x01\x02", true},
		{"byte_test:2,&,4,1;", "\x7f\x01\x02", false},
		{"byte_test:2,^,258,1;", "\x7f\x01\x02", false},
		{"byte_test:2,^,2,1;", "\x7f\x01\x02", true},
		{"byte_test:2,!=,258,1;", "\x7f\x01\x02", false},
		{"byte_test:2,!<,258,1;", "\x7f\x01\x02", true},
		/* little endian: 0x0201 */
		{"byte_test:2,=,513,1,little;", "\x7f\x01\x02", true},
		/* out of the buffer: no match, negated or not */
		{"byte_test:2,=,258,2;", "\x7f\x01\x02", false},
		{"byte_test:2,!=,1,2;", "\x7f\x01\x02", false},
		/* 4 and 8 bytes */
		{"byte_test:4,=,16909060,0;", "\x01\x02\x03\x04", true},
		{"byte_test:8,=,1,0;", "\0\0\0\0\0\0\0\x01", true, 8},
		{"byte_test:8,=,1,0;", "\0\0\0\0\0\0\0", false, 7},
		/* bitmask: (0x0102 & 0x0ff0) >> 4 = 0x10 */
		{"byte_test:2,=,16,1,bitmask 0x0ff0;", "\x7f\x01\x02", true},
		{"byte_test:2,=,256,1,bitmask 0x0ff0;", "\x7f\x01\x02", false},
		/* relative to the previous match */
		{"content:\"L\"; byte_test:1,=,5,0,relative;", "xL\x05", true},
		{"content:\"L\"; byte_test:1,=,5,1,relative;", "xL\x05", false},
		{"content:\"L\"; byte_test:1,=,5,-2,relative;", "\x05L", true},
		{"content:\"L\"; byte_test:1,=,5,-3,relative;", "\x05L", false},
		{"content:\"L\"; byte_test:1,=,5,0,relative;", "xL", false},
	};

	(void)state;
	RUN(cases);
}

static void test_byte_test_string(void **state)
{
	static const struct mcase cases[] = {
		{"byte_test:3,=,123,1,string,dec;", "x123y", true},
		{"byte_test:3,>,122,1,string,dec;", "x123y", true},
		{"byte_test:3,>,123,1,string,dec;", "x123y", false},
		/* fewer digits than bytes: strtoull stops at the first */
		{"byte_test:4,=,12,1,string,dec;", "x12ab", true},
		{"byte_test:3,=,0,1,string,dec;", "xabc", false},
		{"byte_test:2,=,255,0,string,hex;", "ff", true},
		{"byte_test:2,=,255,0,string,hex;", "FF", true},
		{"byte_test:4,=,255,0,string,hex;", "0xff", true},
		{"byte_test:3,=,8,0,string,oct;", "010", true},
		{"byte_test:2,=,8,0,string,oct;", "89", false},
		{"byte_test:3,=,42,0,string,dec;", " 42", true},
		/* string without a base is decimal */
		{"byte_test:2,=,10,0,string;", "10", true},
		/* 0 bytes: every digit there is */
		{"byte_test:0,=,123456,1,string,dec;", ":123456", true},
		/* not enough bytes */
		{"byte_test:5,=,123,1,string,dec;", "x123", false},
		{"content:\"len=\"; byte_test:2,>,50,0,relative,string,dec;",
		 "len=99", true},
		{"content:\"len=\"; byte_test:2,>,50,0,relative,string,dec;",
		 "len=09", false},
	};

	(void)state;
	RUN(cases);
}

static void test_byte_jump(void **state)
{
	static const struct mcase cases[] = {
		/* read 3 at 3, jump from 4 by 3 to 7: X at 7 */
		{"content:\"LEN\"; byte_jump:1,0,relative; content:\"X\"; "
		 "distance:0; within:1;",
		 "LEN\003abcX", true},
		{"content:\"LEN\"; byte_jump:1,0,relative; content:\"X\"; "
		 "distance:0; within:1;",
		 "LEN\002abcX", false},
		/* absolute */
		{"byte_jump:2,0; content:\"Z\"; distance:0; within:1;",
		 "\x00\001aZ", true, 4},
		{"byte_jump:2,0,little; content:\"Z\"; distance:0; within:1;",
		 "\x01\000aZ", true, 4},
		/* string with a multiplier */
		{"byte_jump:1,0,string,dec,multiplier 2; content:\"Z\"; "
		 "distance:0; within:1;",
		 "2abcdZ", true},
		/* align rounds 1 up to 4 */
		{"byte_jump:1,0,align; content:\"Z\"; distance:0; within:1;",
		 "\001abcdZ", true},
		/* from_beginning, post_offset */
		{"byte_jump:1,0,from_beginning; content:\"Z\"; distance:0; "
		 "within:1;",
		 "\003abZ", true},
		{"byte_jump:1,0,post_offset 2; content:\"Z\"; distance:0; "
		 "within:1;",
		 "\001abcZ", true},
		{"byte_jump:1,0,post_offset -1; content:\"Z\"; distance:0; "
		 "within:1;",
		 "\002aZb", true},
		/* from_end with a negative post_offset: 2 before the end */
		{"byte_jump:1,0,from_end,post_offset -3; content:\"Z\"; "
		 "distance:0; within:1;",
		 "\001abZc", true},
		/* to the end is fine, past it fails */
		{"byte_jump:1,0; isdataat:!1,relative;", "\002ab", true},
		{"byte_jump:1,0;", "\003ab", false},
		/* bytes to read past the end */
		{"byte_jump:2,2;", "\003ab", false},
		{"byte_jump:1,0;", "", false},
		/* a relative jump retries with the content's next match */
		{"content:\"L\"; byte_jump:1,0,relative; content:\"Z\"; "
		 "distance:0; within:1;",
		 "L\005L\001aZ", true},
	};

	(void)state;
	RUN(cases);
}

static void test_isdataat(void **state)
{
	static const struct mcase cases[] = {
		{"isdataat:5;", "123456", true},
		{"isdataat:5;", "12345", false},
		{"isdataat:!5;", "12345", true},
		{"isdataat:!5;", "123456", false},
		/* relative: N more bytes after the previous match */
		{"content:\"ab\"; isdataat:2,relative;", "ab12", true},
		{"content:\"ab\"; isdataat:3,relative;", "ab12", false},
		{"content:\"ab\"; isdataat:!3,relative;", "ab12", true},
		{"content:\"ab\"; isdataat:!2,relative;", "ab12", false},
		{"content:\"ab\"; isdataat:1,relative;", "xxab", false},
		{"content:\"ab\"; isdataat:3,relative;", "ab1ab", true},
		{"content:\"ab\"; isdataat:4,relative;", "ab1ab", false},
	};

	(void)state;
	RUN(cases);
}

static void test_bsize(void **state)
{
	(void)state;
	assert_true(http_match("http.uri; bsize:3;", NULL, "/ab", NULL));
	assert_false(http_match("http.uri; bsize:3;", NULL, "/abc", NULL));
	assert_true(http_match("http.uri; bsize:<5;", NULL, "/abc", NULL));
	assert_false(http_match("http.uri; bsize:<4;", NULL, "/abc", NULL));
	assert_true(http_match("http.uri; bsize:>=4;", NULL, "/abc", NULL));
	assert_true(http_match("http.uri; bsize:2<>5;", NULL, "/ab", NULL));
	assert_false(http_match("http.uri; bsize:2<>5;", NULL, "/abcd", NULL));
	assert_false(http_match("http.uri; bsize:2<>5;", NULL, "/a", NULL));
	assert_true(http_match("http.uri; content:\"/a\"; bsize:3;", NULL,
			       "/ab", NULL));
	assert_false(http_match("http.uri; content:\"/x\"; bsize:3;", NULL,
				"/ab", NULL));
}

static void test_num(void **state)
{
	const struct ips_num eq = {IPS_NUM_EQ, 5, 0};
	const struct ips_num ne = {IPS_NUM_NE, 5, 0};
	const struct ips_num le = {IPS_NUM_LE, 5, 0};
	const struct ips_num range = {IPS_NUM_RANGE, 5, 7};
	const struct ips_num none = {IPS_NUM_NONE, 0, 0};

	(void)state;
	assert_true(ips_match_num(&eq, 5));
	assert_false(ips_match_num(&eq, 6));
	assert_true(ips_match_num(&ne, 6));
	assert_false(ips_match_num(&ne, 5));
	assert_true(ips_match_num(&le, 5));
	assert_false(ips_match_num(&le, 6));
	assert_false(ips_match_num(&range, 5));
	assert_true(ips_match_num(&range, 6));
	assert_false(ips_match_num(&range, 7));
	assert_true(ips_match_num(&none, 12345));
}

static void test_budget(void **state)
{
	enum { N = 65536 };
	char *buf = malloc(N);
	uint64_t out = ctx.counters[IPS_MATCH_CNT_BUDGET];
	clock_t t0;

	(void)state;
	assert_non_null(buf);
	memset(buf, 'a', N);
	/* distance without within: one failure ends the search */
	assert_false(
		match_len("content:\"a\"; content:\"b\"; distance:0;", buf, N));
	assert_int_equal(ctx.counters[IPS_MATCH_CNT_BUDGET], out);
	/* with within every 'a' is a candidate: the budget ends it */
	t0 = clock();
	assert_false(match_len("content:\"a\"; content:\"b\"; distance:0; "
			       "within:1000;",
			       buf, N));
	assert_true(ctx.counters[IPS_MATCH_CNT_BUDGET] > out);
	assert_true(clock() - t0 < 2 * CLOCKS_PER_SEC);
	/* a match the budget allows is found */
	buf[N - 1] = 'b';
	ctx.budget = 2 * N + 8;
	assert_true(match_len("content:\"a\"; content:\"b\"; distance:0; "
			      "within:1;",
			      buf, N));
	/* and one it does not allow is not */
	ctx.budget = 100;
	assert_false(match_len("content:\"a\"; content:\"b\"; distance:0; "
			       "within:1;",
			       buf, N));
	ctx.budget = IPS_MATCH_BUDGET;
	free(buf);
}

/* Brute-force reference for chains of contents over one buffer. */
struct ref_content {
	char pat[4];
	int len;
	bool rel, neg;
	bool has_dist, has_within, has_off, has_depth;
	int dist, within, off, depth;
};

static bool ref_eval(const struct ref_content *c, int n, const char *s, int len,
		     int pos)
{
	long start = 0, end = len;

	if (!n)
		return true;
	if (c->rel) {
		long d = c->has_dist ? c->dist : 0;

		start = pos + d;
		if (c->has_within && start + c->within < end)
			end = start + c->within;
		if (start < 0)
			start = 0;
	} else {
		if (c->has_off)
			start = c->off;
		if (c->has_depth && start + c->depth < end)
			end = start + c->depth;
	}
	for (long at = start; at + c->len <= end; at++) {
		if (memcmp(s + at, c->pat, c->len))
			continue;
		if (c->neg)
			return false;
		if (ref_eval(c + 1, n - 1, s, len, at + c->len))
			return true;
	}
	return c->neg ? ref_eval(c + 1, n - 1, s, len, pos) : false;
}

static int rnd(int n)
{
	return rand() % n;
}

static void ref_random(struct ref_content *c, char *opts, size_t size)
{
	size_t o = 0;

	memset(c, 0, sizeof(*c));
	c->len = 1 + rnd(2);
	for (int k = 0; k < c->len; k++)
		c->pat[k] = "ab"[rnd(2)];
	c->neg = rnd(6) == 0;
	c->rel = rnd(3) != 0;
	o += snprintf(opts + o, size - o, "content:%s\"%s\"; ",
		      c->neg ? "!" : "", c->pat);
	if (c->rel) {
		c->has_dist = rnd(3) != 0;
		c->has_within = !c->has_dist || rnd(2);
		c->dist = rnd(5) - 2;
		c->within = c->len + rnd(3);
		if (c->has_dist)
			o += snprintf(opts + o, size - o, "distance:%d; ",
				      c->dist);
		if (c->has_within)
			o += snprintf(opts + o, size - o, "within:%d; ",
				      c->within);
	} else {
		c->has_off = rnd(2);
		c->has_depth = rnd(2);
		c->off = rnd(4);
		c->depth = c->len + rnd(4);
		if (c->has_off)
			o += snprintf(opts + o, size - o, "offset:%d; ",
				      c->off);
		if (c->has_depth)
			o += snprintf(opts + o, size - o, "depth:%d; ",
				      c->depth);
	}
}

static void test_random_vs_reference(void **state)
{
	struct ref_content c[4];
	char opts[512], s[16];
	int seed = (int)time(NULL);

	(void)state;
	srand(seed);
	for (int iter = 0; iter < 3000; iter++) {
		int n = 1 + rnd(4), len = rnd(12);
		size_t o = 0;

		for (int k = 0; k < n; k++) {
			ref_random(&c[k], opts + o, sizeof(opts) - o);
			o = strlen(opts);
		}
		for (int k = 0; k < len; k++)
			s[k] = "ab."[rnd(3)];
		s[len] = '\0';
		if (match_len(opts, s, len) != ref_eval(c, n, s, len, 0))
			fail_msg("seed %d: (%s) on \"%s\": matcher %d", seed,
				 opts, s, !ref_eval(c, n, s, len, 0));
	}
}

static void test_pure_byte_functions(void **state)
{
	struct ips_byte jb = {.nbytes = 1, .multiplier = 1};
	struct ips_byte ib = {.offset = 0, .flags = IPS_BYTE_RELATIVE};
	uint32_t to = 99;

	(void)state;
	/* a huge jump backwards lands on the start (Suricata) */
	jb.post_offset = -100;
	assert_true(ips_match_byte_jump(&jb, (const uint8_t *)"\x01xyz", 4, 0,
					&to));
	assert_int_equal(to, 0);
	/* isdataat:0,relative holds at the end */
	assert_true(ips_match_isdataat(&ib, 4, 4));
	ib.offset = 1;
	assert_false(ips_match_isdataat(&ib, 4, 4));
}

static void test_ctx_lifecycle(void **state)
{
	struct ips_match_ctx m;

	(void)state;
	assert_int_equal(ips_match_ctx_init(&m), 0);
	assert_non_null(m.md);
	assert_non_null(m.mctx);
	assert_int_equal(m.budget, IPS_MATCH_BUDGET);
	ips_match_ctx_fini(&m);
	ips_match_ctx_fini(&m);
	assert_null(m.md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_basic),
		cmocka_unit_test(test_offset_depth),
		cmocka_unit_test(test_distance_within),
		cmocka_unit_test(test_backtrack),
		cmocka_unit_test(test_negated),
		cmocka_unit_test(test_startswith_endswith),
		cmocka_unit_test(test_multi_buffer),
		cmocka_unit_test(test_missing_buffer),
		cmocka_unit_test(test_pcre),
		cmocka_unit_test(test_pcre_uri_flag),
		cmocka_unit_test(test_pcre_limit),
		cmocka_unit_test(test_byte_test_ops),
		cmocka_unit_test(test_byte_test_string),
		cmocka_unit_test(test_byte_jump),
		cmocka_unit_test(test_isdataat),
		cmocka_unit_test(test_bsize),
		cmocka_unit_test(test_num),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_random_vs_reference),
		cmocka_unit_test(test_pure_byte_functions),
		cmocka_unit_test(test_ctx_lifecycle),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
