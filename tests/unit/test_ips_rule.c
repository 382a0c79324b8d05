// SPDX-License-Identifier: MIT
/*
 * test_ips_rule.c - unit tests of the IPS rule parser (src/ips/): sets,
 * address and port expressions, variables, rules, rule sets.
 *
 * Golden files drive most of it: every tests/golden/ips/NAME.rules is
 * loaded as a rule set and its warnings plus ips_rule_dump() of every
 * loaded rule must equal NAME.ok (DCBOX_GOLDEN_UPDATE=1 rewrites them);
 * every tests/golden/ips/fail/NAME.rules must fail exactly one rule with
 * the message of its first line "# error: FILE:LINE: TEXT".
 *
 * The public Emerging Threats Open set (../shared/rules/et-open next to
 * the repository; skipped with a message if absent) must load at least
 * 90% with no failures, only skips. Hand-written cases cover Suricata's
 * address semantics, the set algebra, variables, pcre compile flags,
 * flowbit numbering, gid:sid lookup and the summary.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ips/ips_addr.h"
#include "ips/ips_ruleset.h"

enum { MAX_GOLDEN = 256 };

static bool is_dir(const char *path)
{
	DIR *d = opendir(path);

	if (d)
		closedir(d);
	return d != NULL;
}

/* The repository: $DCBOX_SRCDIR, ".", or the executable's ../.. */
static const char *repo_dir(void)
{
	static char dir[PATH_MAX + 16];
	const char *src = getenv("DCBOX_SRCDIR");
	char exe[PATH_MAX], probe[PATH_MAX + 48];
	ssize_t n;

	if (src && *src)
		return src;
	if (is_dir("tests/golden/ips"))
		return ".";
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(dir, sizeof(dir), "%s/../..", exe);
		snprintf(probe, sizeof(probe), "%s/tests/golden/ips", dir);
		if (is_dir(probe))
			return dir;
	}
	return ".";
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t size = 0;
	FILE *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &size);
	assert_non_null(m);
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	assert_int_equal(fclose(m), 0);
	if (len)
		*len = size;
	return buf;
}

static struct ips_vars vars;

static int setup_vars(void **state)
{
	(void)state;
	return ips_vars_init_defaults(&vars);
}

static int teardown_vars(void **state)
{
	(void)state;
	ips_vars_free(&vars);
	return 0;
}

/* Load @path under its base name; @log gets warnings and errors. */
static void load_named(struct ips_ruleset *rs, const char *path, FILE *log)
{
	const char *base = strrchr(path, '/') + 1;
	size_t len;
	char *buf = read_file(path, &len);

	assert_non_null(buf);
	ips_ruleset_init(rs);
	rs->log = log;
	assert_int_equal(ips_ruleset_load_buf(rs, buf, len, base, &vars), 0);
	free(buf);
}

static void golden_ok(void **state)
{
	const char *path = *state;
	char okpath[PATH_MAX], *want, *got = NULL;
	struct ips_ruleset rs;
	size_t size = 0;
	FILE *f = open_memstream(&got, &size);

	assert_non_null(f);
	load_named(&rs, path, f);
	for (uint32_t i = 0; i < rs.n_rules; i++)
		ips_rule_dump(&rs.rules[i], f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rs.stats.failed, 0);
	ips_ruleset_free(&rs);
	snprintf(okpath, sizeof(okpath), "%.*s.ok", (int)(strlen(path) - 6),
		 path);
	if (getenv("DCBOX_GOLDEN_UPDATE")) {
		f = fopen(okpath, "w");
		assert_non_null(f);
		fputs(got, f);
		assert_int_equal(fclose(f), 0);
	}
	want = read_file(okpath, NULL);
	if (!want)
		print_error("cannot read %s\n", okpath);
	assert_non_null(want);
	if (strcmp(want, got))
		print_error("dump of %s differs from %s:\n--- want\n%s--- got\n"
			    "%s",
			    path, okpath, want, got);
	assert_string_equal(want, got);
	free(want);
	free(got);
}

static void golden_fail(void **state)
{
	const char *path = *state;
	char want[512], *buf, *nl;
	struct ips_ruleset rs;
	FILE *devnull = fopen("/dev/null", "w");

	buf = read_file(path, NULL);
	assert_non_null(buf);
	if (strncmp(buf, "# error: ", 9) || !(nl = strchr(buf, '\n'))) {
		print_error("%s: first line must be '# error: TEXT'\n", path);
		fail();
	}
	snprintf(want, sizeof(want), "%.*s", (int)(nl - buf - 9), buf + 9);
	free(buf);
	load_named(&rs, path, devnull);
	fclose(devnull);
	if (rs.stats.failed != 1 || rs.n_errors != 1)
		print_error("%s: %u failures, want 1\n", path, rs.stats.failed);
	assert_int_equal(rs.stats.failed, 1);
	assert_string_equal(rs.errors[0], want);
	ips_ruleset_free(&rs);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.rules of @dir, sorted, into @out (malloc'd paths). */
static size_t list_rules(const char *dir, char **out)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t n = 0, len;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < MAX_GOLDEN) {
		len = strlen(de->d_name);
		if (len > 6 && !strcmp(de->d_name + len - 6, ".rules"))
			assert_true(asprintf(&out[n++], "%s/%s", dir,
					     de->d_name) > 0);
	}
	closedir(d);
	qsort(out, n, sizeof(*out), name_cmp);
	return n;
}

/* --- sets, addresses, ports, variables --- */

static void addr(const char *text, const char *want)
{
	char err[256], *got = NULL;
	struct ips_addrs a;
	size_t size;
	FILE *f;
	int ret;

	ret = ips_addr_parse(text, &vars, &a, err, sizeof(err));
	if (ret)
		print_error("'%s': %s\n", text, err);
	assert_int_equal(ret, 0);
	f = open_memstream(&got, &size);
	assert_non_null(f);
	ips_addrs_print(&a, f);
	assert_int_equal(fclose(f), 0);
	if (strcmp(got, want))
		print_error("'%s' gave %s, want %s\n", text, got, want);
	assert_string_equal(got, want);
	free(got);
	ips_addrs_free(&a);
}

static void test_addr_semantics(void **state)
{
	(void)state;
	addr("any", "any");
	addr("10.1.2.3/8", "10.0.0.0/8");
	addr("[10.0.0.0/8,!10.1.0.0/16]",
	     "[10.0.0.0/16,10.2.0.0/15,10.4.0.0/14,10.8.0.0/13,"
	     "10.16.0.0/12,10.32.0.0/11,10.64.0.0/10,10.128.0.0/9]");
	addr("!$HOME_NET", "![10.0.0.0/8,172.16.0.0/12,192.168.0.0/16]");
	/* Suricata: a variable's negation joins the enclosing list */
	addr("[$EXTERNAL_NET,1.2.3.4]", "1.2.3.4/32");
}

static void test_addr_semantics2(void **state)
{
	char err[256];
	struct ips_addrs a;

	(void)state;
	/* 10.1.1.1 is in HOME_NET, which the list subtracts: empty */
	assert_int_equal(ips_addr_parse("[$EXTERNAL_NET,10.1.1.1]", &vars, &a,
					err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "empty"));
	/* a negated list is evaluated as a whole */
	addr("![1.1.1.0/24,!1.1.1.128/25]", "!1.1.1.0/25");
	addr("10.0.0.1-10.0.0.6", "[10.0.0.1/32,10.0.0.2/31,10.0.0.4/31,"
				  "10.0.0.6/32]");
	addr("[::1, 2001:db8::/32]", "[::1/128,2001:db8::/32]");
	addr("192.168.1.0/255.255.255.0", "192.168.1.0/24");
	assert_true(ips_addr_parse("$HTTP_PORTS", &vars, &a, err,
				   sizeof(err)) == -EINVAL);
	assert_non_null(strstr(err, "port variable"));
}

static void test_addr_match(void **state)
{
	const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	const uint8_t lo6[16] = {[15] = 1};
	struct ips_addrs a;
	char err[256];

	(void)state;
	assert_int_equal(ips_addr_parse("[10.0.0.0/8,2001:db8::/32]", &vars, &a,
					err, sizeof(err)),
			 0);
	assert_true(ips_addrs_match_v4(&a, 0x0a010203));
	assert_false(ips_addrs_match_v4(&a, 0x0b000000));
	assert_true(ips_addrs_match_v6(&a, v6));
	assert_false(ips_addrs_match_v6(&a, lo6));
	ips_addrs_free(&a);
	assert_int_equal(
		ips_addr_parse("$EXTERNAL_NET", &vars, &a, err, sizeof(err)),
		0);
	assert_false(ips_addrs_match_v4(&a, 0xc0a80101));
	assert_true(ips_addrs_match_v4(&a, 0x08080808));
	assert_true(ips_addrs_match_v6(&a, lo6)); /* !v4 set: all of v6 */
	ips_addrs_free(&a);
}

static void test_ports(void **state)
{
	static const struct {
		const char *text;
		const char *want;
		bool has_143;
	} cases[] = {
		{"any", "any", true},
		{"80", "80", false},
		{"!80", "!80", true},
		{"[80,443,8000:8080]", "[80,443,8000:8080]", false},
		{"1024:", "1024:65535", false},
		{":1023", "0:1023", true},
		{"[1:3,2:5,7]", "[1:5,7]", false},
		{"$FILE_DATA_PORTS", "[80,110,143]", true},
		{"[!80,!443]", "![80,443]", true},
		{"[$HTTP_PORTS, !$HTTP_PORTS, 143]", "143", true},
	};
	char err[256], *got;
	struct ips_set s;
	size_t size;
	FILE *f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ips_port_parse(cases[i].text, &vars, &s, err,
						sizeof(err)),
				 0);
		got = NULL;
		f = open_memstream(&got, &size);
		assert_non_null(f);
		ips_set_print_ports(&s, f);
		assert_int_equal(fclose(f), 0);
		assert_string_equal(got, cases[i].want);
		assert_int_equal(ips_set_contains(&s, 143), cases[i].has_143);
		free(got);
		ips_set_free(&s);
	}
	assert_int_equal(ips_port_parse("65536", &vars, &s, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(
		ips_port_parse("$HOME_NET", &vars, &s, err, sizeof(err)),
		-EINVAL);
}

static void test_set_algebra(void **state)
{
	struct ips_set a, b;

	(void)state;
	ips_set_init(&a);
	ips_set_init(&b);
	assert_int_equal(ips_set_add(&a, 10, 20), 0);
	assert_int_equal(ips_set_add(&a, 21, 30), 0);
	assert_int_equal(ips_set_add(&a, 5, 12), 0);
	ips_set_normalise(&a);
	assert_int_equal(a.n, 1);
	assert_true(a.r[0].lo == 5 && a.r[0].hi == 30);
	assert_int_equal(ips_set_add(&b, 0, 6), 0);
	assert_int_equal(ips_set_add(&b, 15, 15), 0);
	assert_int_equal(ips_set_add(&b, 30, 40), 0);
	ips_set_normalise(&b);
	assert_int_equal(ips_set_minus(&a, &b), 0);
	assert_int_equal(a.n, 2);
	assert_true(a.r[0].lo == 7 && a.r[0].hi == 14);
	assert_true(a.r[1].lo == 16 && a.r[1].hi == 29);
	assert_int_equal(ips_set_complement(&a, IPS_PORT_MAX), 0);
	assert_int_equal(a.n, 3);
	assert_true(ips_set_contains(&a, 0) && ips_set_contains(&a, 15) &&
		    ips_set_contains(&a, 65535) && !ips_set_contains(&a, 7));
	assert_int_equal(ips_set_complement(&a, IPS_PORT_MAX), 0);
	assert_int_equal(ips_set_complement(&a, IPS_PORT_MAX), 0);
	ips_set_free(&b);
	assert_int_equal(ips_set_add(&b, 0, IPS_V6_MAX), 0);
	assert_true(ips_set_is_full(&b, IPS_V6_MAX));
	assert_int_equal(ips_set_complement(&b, IPS_V6_MAX), 0);
	assert_int_equal(b.n, 0);
	assert_int_equal(ips_set_add(&b, 1, 0), -EINVAL);
	ips_set_free(&a);
	ips_set_free(&b);
}

static void test_vars(void **state)
{
	struct ips_vars v;
	struct ips_addrs a;
	char err[256];

	(void)state;
	assert_int_equal(ips_vars_init_defaults(&v), 0);
	assert_int_equal(ips_vars_check(&v, err, sizeof(err)), 0);
	assert_string_equal(ips_vars_get(&v, IPS_VAR_ADDR, "EXTERNAL_NET"),
			    "!$HOME_NET");
	assert_string_equal(ips_vars_get(&v, IPS_VAR_PORT, "HTTP_PORTS"), "80");
	assert_null(ips_vars_get(&v, IPS_VAR_PORT, "HOME_NET"));
	/* EXTERNAL_NET follows a new HOME_NET */
	assert_int_equal(
		ips_vars_set(&v, IPS_VAR_ADDR, "HOME_NET", "10.0.0.0/24"), 0);
	assert_int_equal(
		ips_addr_parse("$EXTERNAL_NET", &v, &a, err, sizeof(err)), 0);
	assert_false(ips_addrs_match_v4(&a, 0x0a000001));
	assert_true(ips_addrs_match_v4(&a, 0x0a000101));
	ips_addrs_free(&a);
	assert_int_equal(ips_vars_set(&v, IPS_VAR_ADDR, "1BAD", "any"),
			 -EINVAL);
	/* a cycle is caught by the depth limit */
	assert_int_equal(ips_vars_set(&v, IPS_VAR_ADDR, "A", "[$B]"), 0);
	assert_int_equal(ips_vars_set(&v, IPS_VAR_ADDR, "B", "$A"), 0);
	assert_int_equal(ips_vars_check(&v, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "deeper"));
	ips_vars_free(&v);
	/* no variables at all */
	assert_int_equal(
		ips_addr_parse("$HOME_NET", NULL, &a, err, sizeof(err)),
		-EINVAL);
}

/* --- rules --- */

static void test_keywords(void **state)
{
	static const char *const names[] = {
		"msg",
		"sid",
		"rev",
		"gid",
		"classtype",
		"priority",
		"reference",
		"metadata",
		"content",
		"nocase",
		"offset",
		"depth",
		"distance",
		"within",
		"startswith",
		"endswith",
		"fast_pattern",
		"uricontent",
		"pcre",
		"flow",
		"flowbits",
		"dsize",
		"threshold",
		"detection_filter",
		"http.uri",
		"http.uri.raw",
		"http.method",
		"http.host",
		"http.user_agent",
		"http.header",
		"http.cookie",
		"http.request_body",
		"http.stat_code",
		"http.response_body",
		"dns.query",
		"tls.sni",
		"http_uri",
		"http_raw_uri",
		"http_header",
		"http_method",
		"http_client_body",
		"http_cookie",
		"byte_test",
		"byte_jump",
		"isdataat",
		"urilen",
		"file.data",
		"file_data",
		"bsize",
		"noalert",
		"rawbytes",
		"pkt_data",
		"itype",
		"icode",
		"flags",
		"http.content_type",
		"http.header_names",
		"ja3_hash",
		"ja3.hash",
		"dns_query",
		"tls_sni",
		"http.start",
		"within",
		"byte_jump",
		"byte_test",
		"tls.cert_subject",
		"http_user_agent",
		"http_host",
		"http_stat_code",
		"http_raw_header",
	};

	(void)state;
	/* bsearch finds each only if the table is sorted */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!ips_keyword_supported(names[i]))
			print_error("keyword '%s' not found\n", names[i]);
		assert_true(ips_keyword_supported(names[i]));
	}
	assert_false(ips_keyword_supported("byte_extract"));
	assert_false(ips_keyword_supported(""));
	for (int b = 0; b < IPS_BUF_MAX; b++)
		if (b != IPS_BUF_PAYLOAD)
			assert_true(ips_keyword_supported(ips_buf_name(b)));
}

static int parse(struct ips_rule *r, const char *text, struct ips_rule_err *e)
{
	return ips_rule_parse(r, text, &vars, e);
}

static void test_pcre_compiled(void **state)
{
	struct ips_rule_err e;
	struct ips_rule r;
	pcre2_match_data *md;
	const struct ips_pcre *pc;

	(void)state;
	assert_int_equal(parse(&r,
			       "alert http any any -> any any (pcre:"
			       "\"/^get\\s+\\/A\\x3b/Ui\"; sid:1;)",
			       &e),
			 0);
	assert_int_equal(r.n_matches, 1);
	pc = &r.matches[0].pcre;
	assert_int_equal(r.matches[0].buf, IPS_BUF_HTTP_URI);
	assert_true(pc->options & PCRE2_CASELESS);
	md = pcre2_match_data_create_from_pattern(pc->code, NULL);
	assert_non_null(md);
	assert_true(pcre2_match(pc->code, (PCRE2_SPTR) "GET  /a;x", 9, 0, 0, md,
				NULL) > 0);
	assert_true(pcre2_match(pc->code, (PCRE2_SPTR) "xGET /a;", 8, 0, 0, md,
				NULL) < 0);
	pcre2_match_data_free(md);
	ips_rule_free(&r);
}

static void test_rule_model(void **state)
{
	struct ips_rule_err e;
	struct ips_rule r;
	const struct ips_content *c;

	(void)state;
	assert_int_equal(
		parse(&r,
		      "alert tcp $HOME_NET any -> $EXTERNAL_NET $HTTP_PORTS "
		      "(msg:\"x\"; flow:established,to_server; "
		      "content:\"GET\"; http_method; content:\"/a|00|\"; "
		      "http_uri; fast_pattern; within:40; sid:9; rev:2;)",
		      &e),
		0);
	assert_int_equal(r.action, IPS_ACT_ALERT);
	assert_int_equal(r.proto, IPS_PROTO_TCP);
	assert_int_equal(r.app, IPS_APP_HTTP);
	assert_int_equal(r.flow, IPS_FLOW_ESTABLISHED | IPS_FLOW_TO_SERVER);
	assert_int_equal(r.n_matches, 2);
	assert_int_equal(r.matches[0].buf, IPS_BUF_HTTP_METHOD);
	assert_int_equal(r.matches[1].buf, IPS_BUF_HTTP_URI);
	assert_int_equal(r.fast_pattern, 1);
	c = &r.matches[1].content;
	assert_int_equal(c->len, 3);
	assert_memory_equal(c->bytes, "/a\0", 3);
	assert_int_equal(c->flags,
			 IPS_CONTENT_FAST_PATTERN | IPS_CONTENT_WITHIN);
	assert_int_equal(c->within, 40);
	assert_true(ips_set_contains(&r.dport, 80));
	assert_false(ips_set_contains(&r.dport, 81));
	assert_int_equal(r.sid, 9);
	assert_int_equal(r.gid, 1);
	ips_rule_free(&r);
	/* errors leave nothing allocated (ASan checks) and set a reason */
	assert_int_equal(parse(&r,
			       "alert tcp any any -> any any (content:"
			       "\"a\"; pcre:\"/(/\"; sid:1;)",
			       &e),
			 -EINVAL);
	assert_string_equal(e.reason, "invalid pcre");
	assert_int_equal(parse(&r,
			       "alert tcp any any -> any any (content:"
			       "\"a\"; byte_extract:1,0,x; sid:1;)",
			       &e),
			 -ENOTSUP);
	assert_string_equal(e.reason, "keyword 'byte_extract'");
	assert_string_equal(
		e.msg, "unsupported keyword 'byte_extract' (rule skipped)");
}

/* --- rule sets --- */

static void test_ruleset(void **state)
{
	static const char text[] =
		"alert tcp any any -> any any (flowbits:set,a; sid:1;)\n"
		"alert tcp any any -> any any (flowbits:isset,b|a; sid:2;)\n"
		"alert tcp any any -> any any (gid:3; sid:1;)\n"
		"alert tcp any any -> any any (sid:1;)\n"
		"alert tcp any any -> any any (sid:4; bogus;)\n"
		"alert tcp any any -> any any (sid:5; lua:x.lua;)\n"
		"alert tcp any any -> any any (sid:6; lua:y.lua;)\n";
	struct ips_ruleset rs;
	char *out = NULL;
	size_t size;
	FILE *f;

	(void)state;
	ips_ruleset_init(&rs);
	assert_int_equal(ips_ruleset_load_buf(&rs, text, sizeof(text) - 1,
					      "t.rules", &vars),
			 0);
	assert_int_equal(rs.stats.total, 7);
	assert_int_equal(rs.stats.loaded, 3);
	assert_int_equal(rs.stats.skipped, 2);
	assert_int_equal(rs.stats.failed, 2);
	assert_int_equal(ips_ruleset_find(&rs, 1, 2)->line, 2);
	assert_int_equal(ips_ruleset_find(&rs, 3, 1)->line, 3);
	assert_null(ips_ruleset_find(&rs, 1, 4));
	assert_int_equal(rs.n_flowbits, 2);
	assert_int_equal(rs.rules[0].flowbits[0].ids[0], 1);
	assert_int_equal(rs.rules[1].flowbits[0].ids[0], 2);
	assert_int_equal(rs.rules[1].flowbits[0].ids[1], 1);
	assert_string_equal(ips_ruleset_flowbit_name(&rs, 2), "b");
	assert_null(ips_ruleset_flowbit_name(&rs, 3));
	assert_string_equal(
		rs.errors[0],
		"t.rules:4: duplicate sid 1:1 (first at t.rules:1)");
	assert_string_equal(rs.errors[1], "t.rules:5: unknown keyword 'bogus'");
	f = open_memstream(&out, &size);
	ips_ruleset_summary(&rs, f, 10);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(out, "ips: 7 rules in 1 file: 3 loaded, "
				    "2 skipped, 2 failed, 0 disabled"));
	assert_non_null(strstr(out, "        2  skipped  keyword 'lua'\n"));
	assert_non_null(strstr(out, "  t.rules:5: unknown keyword 'bogus'\n"));
	free(out);
	ips_ruleset_free(&rs);
	ips_ruleset_init(&rs);
	assert_int_equal(
		ips_ruleset_load_file(&rs, "/nonexistent.rules", &vars),
		-ENOENT);
	assert_int_equal(ips_ruleset_load_dir(&rs, "/nonexistent", &vars),
			 -ENOENT);
	ips_ruleset_free(&rs);
}

static void test_et_open(void **state)
{
	char dir[PATH_MAX + 64];
	struct ips_ruleset rs;
	int ret;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/../shared/rules/et-open", repo_dir());
	if (!is_dir(dir)) {
		print_message("ET Open not found at %s: skipped\n", dir);
		skip();
	}
	ips_ruleset_init(&rs);
	ret = ips_ruleset_load_dir(&rs, dir, &vars);
	assert_int_equal(ret, 0);
	ips_ruleset_summary(&rs, stdout, 10);
	assert_true(rs.stats.total > 10000);
	assert_true((uint64_t)rs.stats.loaded * 10 >=
		    (uint64_t)rs.stats.total * 9);
	for (uint32_t i = 0; i < rs.n_errors; i++)
		print_error("ET Open failure: %s\n", rs.errors[i]);
	assert_int_equal(rs.stats.failed, 0);
	assert_int_equal(rs.stats.loaded + rs.stats.skipped, rs.stats.total);
	ips_ruleset_free(&rs);
}

int main(void)
{
	char dir[PATH_MAX + 64], fdir[PATH_MAX + 80];
	char *ok[MAX_GOLDEN], *bad[MAX_GOLDEN];
	struct CMUnitTest tests[2 * MAX_GOLDEN + 16];
	size_t n_ok, n_bad, n = 0, i;
	int ret;

	snprintf(dir, sizeof(dir), "%s/tests/golden/ips", repo_dir());
	snprintf(fdir, sizeof(fdir), "%s/fail", dir);
	n_ok = list_rules(dir, ok);
	n_bad = list_rules(fdir, bad);
#define T(fn) tests[n++] = (struct CMUnitTest)cmocka_unit_test(fn)
	T(test_set_algebra);
	T(test_addr_semantics);
	T(test_addr_semantics2);
	T(test_addr_match);
	T(test_ports);
	T(test_vars);
	T(test_keywords);
	T(test_pcre_compiled);
	T(test_rule_model);
	T(test_ruleset);
	T(test_et_open);
#undef T
	for (i = 0; i < n_ok; i++)
		tests[n++] = (struct CMUnitTest){strrchr(ok[i], '/') + 1,
						 golden_ok, NULL, NULL, ok[i]};
	for (i = 0; i < n_bad; i++)
		tests[n++] =
			(struct CMUnitTest){strrchr(bad[i], '/') + 1,
					    golden_fail, NULL, NULL, bad[i]};
	if (!n_ok || !n_bad)
		fprintf(stderr, "no golden files under %s\n", dir);
	ret = _cmocka_run_group_tests("ips_rule", tests, n, setup_vars,
				      teardown_vars);
	for (i = 0; i < n_ok; i++)
		free(ok[i]);
	for (i = 0; i < n_bad; i++)
		free(bad[i]);
	return ret || !n_ok || !n_bad;
}
