// SPDX-License-Identifier: MIT
/*
 * test_fw_rule.c - unit tests of the firewall rule parser and policy files
 * (src/fw/fw_rule.c, fw_policy.c, fw_set.c).
 *
 * Golden files drive most of it: every tests/golden/fw/NAME.rules must load
 * and fw_policy_dump() to exactly NAME.ok; every tests/golden/fw/fail/
 * NAME.rules must be rejected with -EINVAL and a "FILE:LINE:COL: " message
 * containing the text of its first line "# error: TEXT". Names resolve
 * through the hosts and groups of the firewall issue's topology (client,
 * web1, web2, db, group web; "empty" is an empty group; "broken" makes the
 * resolver fail). DCBOX_GOLDEN_UPDATE=1 rewrites the .ok files.
 *
 * The YAML harness loads the issue's topology with libyaml and feeds each
 * item of `rules:` with the line and column libyaml reports, the way the
 * topology loader will, so errors point into the YAML file. Hand-written
 * cases cover the interval-set algebra, canonical text, the resolver's
 * errors, short error buffers and over-long input.
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
#include <yaml.h>

#include "fw/fw_policy.h"

enum { ERR_SIZE = 512, MAX_GOLDEN = 256 };

static const char golden_rel[] = "tests/golden/fw";

static bool is_dir(const char *path)
{
	DIR *d = opendir(path);

	if (d)
		closedir(d);
	return d != NULL;
}

/* The golden directory: ./tests/golden/fw, $DCBOX_SRCDIR/..., exe/../.. */
static const char *golden_dir(void)
{
	static char dir[PATH_MAX + 32];
	const char *src = getenv("DCBOX_SRCDIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (src && *src) {
		snprintf(dir, sizeof(dir), "%s/%s", src, golden_rel);
		return dir;
	}
	if (is_dir(golden_rel))
		return golden_rel;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(dir, sizeof(dir), "%s/../../%s", exe, golden_rel);
		if (is_dir(dir))
			return dir;
	}
	return golden_rel;
}

static char *read_file(const char *path)
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
	return buf;
}

/* Hosts and groups of the issue's topology. */
static int issue_resolve(void *arg, const char *name, struct fw_set *out)
{
	static const struct {
		const char *name;
		uint32_t addr;
	} hosts[] = {
		{ "client", 0x0a000005 }, { "web1", 0x0a00000b },
		{ "web2", 0x0a00000c },   { "db", 0x0a000015 },
	};
	size_t i;

	(void)arg;
	if (!strcmp(name, "web")) {
		assert_int_equal(fw_set_add_prefix(out, 0x0a00000b, 32), 0);
		return fw_set_add_prefix(out, 0x0a00000c, 32);
	}
	if (!strcmp(name, "empty"))
		return 0;
	if (!strcmp(name, "broken"))
		return -EIO;
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if (!strcmp(name, hosts[i].name))
			return fw_set_add_prefix(out, hosts[i].addr, 32);
	return -ENOENT;
}

static char *dump_str(const struct fw_policy *p)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	assert_non_null(f);
	fw_policy_dump(p, f);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* "FILE:LINE:COL: text" with FILE ending in @base. */
static void assert_located(const char *err, const char *base)
{
	const char *p = strstr(err, base);
	char *end;

	if (!p) {
		print_error("error '%s' does not name '%s'\n", err, base);
		fail();
	}
	p += strlen(base);
	if (*p++ != ':' || strtol(p, &end, 10) < 1 || *end != ':' ||
	    strtol(end + 1, &end, 10) < 1 || strncmp(end, ": ", 2)) {
		print_error("error '%s' is not FILE:LINE:COL: ...\n", err);
		fail();
	}
}

static void golden_ok(void **state)
{
	const char *path = *state;
	char okpath[PATH_MAX], err[ERR_SIZE], *want, *got;
	struct fw_policy p;
	FILE *f;
	int ret;

	fw_policy_init(&p);
	ret = fw_policy_load(&p, path, issue_resolve, NULL, err, sizeof(err));
	if (ret)
		print_error("%s\n", err);
	assert_int_equal(ret, 0);
	got = dump_str(&p);
	snprintf(okpath, sizeof(okpath), "%.*s.ok", (int)(strlen(path) - 6),
		 path);
	if (getenv("DCBOX_GOLDEN_UPDATE")) {
		f = fopen(okpath, "w");
		assert_non_null(f);
		fputs(got, f);
		assert_int_equal(fclose(f), 0);
	}
	want = read_file(okpath);
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
	fw_policy_free(&p);
}

static void golden_fail(void **state)
{
	const char *path = *state, *base = strrchr(path, '/') + 1;
	char err[ERR_SIZE], want[ERR_SIZE], *buf, *nl;
	struct fw_policy p;
	int ret;

	buf = read_file(path);
	assert_non_null(buf);
	if (strncmp(buf, "# error: ", 9) || !(nl = strchr(buf, '\n'))) {
		print_error("%s: first line must be '# error: TEXT'\n", path);
		fail();
	}
	snprintf(want, sizeof(want), "%.*s", (int)(nl - buf - 9), buf + 9);
	free(buf);
	fw_policy_init(&p);
	ret = fw_policy_load(&p, path, issue_resolve, NULL, err, sizeof(err));
	assert_int_equal(ret, -EINVAL);
	if (!strstr(err, want))
		print_error("%s:\n want: ...%s...\n  got: %s\n", path, want,
			    err);
	assert_non_null(strstr(err, want));
	assert_located(err, base);
	assert_null(strchr(err, '\n'));
	fw_policy_free(&p);
}

/* ok_two_words from two-words.rules: run-unit.sh wants [a-z_0-9]. */
static char *test_name(const char *prefix, const char *file)
{
	size_t len = strlen(file) - 6, i;
	char *name = malloc(strlen(prefix) + len + 1);
	char *p;

	assert_non_null(name);
	p = name + sprintf(name, "%s", prefix);
	for (i = 0; i < len; i++)
		*p++ = strchr("abcdefghijklmnopqrstuvwxyz0123456789", file[i])
			       ? file[i]
			       : '_';
	*p = '\0';
	return name;
}

static int rules_only(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return len > 6 && !strcmp(d->d_name + len - 6, ".rules");
}

/* Append one test per golden file of @dir to @tests; returns the count. */
static int add_golden(const char *dir, const char *prefix,
		      CMUnitTestFunction fn, struct CMUnitTest *tests, int n)
{
	struct dirent **ents;
	int i, nents;
	char *path;

	nents = scandir(dir, &ents, rules_only, alphasort);
	if (nents < 0) {
		fprintf(stderr, "test_fw_rule: cannot read %s: %s\n", dir,
			strerror(errno));
		return n;
	}
	for (i = 0; i < nents; i++) {
		if (n < MAX_GOLDEN &&
		    asprintf(&path, "%s/%s", dir, ents[i]->d_name) > 0) {
			tests[n].name = test_name(prefix, ents[i]->d_name);
			tests[n].test_func = fn;
			tests[n].initial_state = path;
			n++;
		}
		free(ents[i]);
	}
	free(ents);
	return n;
}

static void golden_dir_found(void **state)
{
	(void)state;
	if (!is_dir(golden_dir()))
		print_error("golden dir %s not found (run from the repo root "
			    "or set DCBOX_SRCDIR)\n",
			    golden_dir());
	assert_true(is_dir(golden_dir()));
}

/*
 * The YAML harness: every scalar in the sequence under a `rules:` key is a
 * rule at libyaml's mark (0-based line and column, made 1-based here).
 */
static int yaml_rules(const char *yaml, const char *file, struct fw_policy *p,
		      char *err, size_t errsize)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	bool in_rules = false, want_rules = false, done = false;
	int ret = 0, depth = 0;

	assert_true(yaml_parser_initialize(&parser));
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml,
				     strlen(yaml));
	while (!done && !ret) {
		assert_true(yaml_parser_parse(&parser, &ev));
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			if (in_rules) {
				struct fw_where w = {
					file, (uint32_t)ev.start_mark.line + 1,
					(uint32_t)ev.start_mark.column + 1,
				};

				ret = fw_policy_add_rule(
					p, (const char *)ev.data.scalar.value,
					&w, issue_resolve, NULL, err, errsize);
			} else {
				want_rules = !strcmp(
					(const char *)ev.data.scalar.value,
					"rules");
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
			in_rules = want_rules;
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
			in_rules = false;
			depth--;
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_MAPPING_END_EVENT:
			want_rules = false;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ret;
}

static const char issue_yaml[] =
	"groups:\n"
	"  web: [web1, web2]\n"
	"hosts:\n"
	"  client: { switch: front, ip: 10.0.0.5/24 }\n"
	"  web1:   { switch: front, ip: 10.0.0.11/24 }\n"
	"  web2:   { switch: front, ip: 10.0.0.12/24 }\n"
	"  db:     { switch: back,  ip: 10.0.0.21/24 }\n"
	"firewalls:\n"
	"  fw:\n"
	"    inline: [front, back]\n"
	"    default: drop\n"
	"    log: denied\n"
	"    rules:\n"
	"      - allow tcp from web to db port 5432\n"
	"      - allow icmp from any to any\n"
	"      - reject tcp from client to db          # TCP RST back\n";

static void yaml_issue_policy(void **state)
{
	char err[ERR_SIZE];
	struct fw_policy p;

	(void)state;
	fw_policy_init(&p);
	assert_int_equal(yaml_rules(issue_yaml, "shop.yaml", &p, err,
				    sizeof(err)),
			 0);
	assert_int_equal(p.n_rules, 3);
	assert_int_equal(p.rules[0].line, 14);
	assert_int_equal(p.rules[2].line, 16);
	assert_string_equal(p.rules[0].text,
			    "allow tcp from web to db port 5432");
	assert_string_equal(p.rules[2].text, "reject tcp from client to db");
	assert_int_equal(p.rules[2].action, FW_REJECT);
	assert_int_equal(p.rules[0].src.n, 1);
	assert_int_equal(p.rules[0].src.r[0].lo, 0x0a00000b);
	assert_int_equal(p.rules[0].src.r[0].hi, 0x0a00000c);
	fw_policy_free(&p);
}

/* Errors point at the token's column in the YAML file, not in the item. */
static void yaml_error_columns(void **state)
{
	static const char yaml[] =
		"firewalls:\n"
		"  fw:\n"
		"    rules:\n"
		"      - allow tcp from web to db port 5432\n"
		"      - allow tcp from web to dbx port 5432\n"
		"      - \"allow  udp from any to any port 53\"\n";
	static const char yaml2[] =
		"firewalls:\n"
		"  fw:\n"
		"    rules: [ allow icmp from any to any port 7 ]\n";
	char err[ERR_SIZE];
	struct fw_policy p;

	(void)state;
	fw_policy_init(&p);
	assert_int_equal(yaml_rules(yaml, "shop.yaml", &p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "shop.yaml:5:31: unknown name 'dbx' (not a "
				 "host or group)");
	assert_int_equal(p.n_rules, 1);
	fw_policy_free(&p);
	fw_policy_init(&p);
	assert_int_equal(yaml_rules(yaml2, "x.yaml", &p, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "x.yaml:3:41: 'port' needs protocol tcp or "
				 "udp (rule says icmp)");
	fw_policy_free(&p);
}

static int parse_one(struct fw_rule *r, const char *text, char *err)
{
	static const struct fw_where w = { "t.rules", 7, 1 };

	return fw_rule_parse(r, text, &w, issue_resolve, NULL, err, ERR_SIZE);
}

/* Canonical text: spacing, case, masks, lists; parsing it again is stable. */
static void canonical_text(void **state)
{
	static const char *const cases[][2] = {
		{ "ALLOW\tTCP  FROM web TO db PORT 5432",
		  "allow tcp from web to db port 5432" },
		{ "drop udp from[10.1.2.3/8,!10.1.0.0/16]port 1 -1024 to any",
		  "drop udp from [10.0.0.0/8, !10.1.0.0/16] port 1-1024 to "
		  "any" },
		{ "reject any from ! web to 0.0.0.0/0",
		  "reject any from !web to 0.0.0.0/0" },
		{ "allow tcp from any to any port [ 80 , 443,8000 - 8080 ]",
		  "allow tcp from any to any port [80, 443, 8000-8080]" },
		{ "allow tcp from any to any port 22-22 # ssh",
		  "allow tcp from any to any port 22" },
		{ "allow udp from [[web, db], client] port !53 to any",
		  "allow udp from [[web, db], client] port !53 to any" },
	};
	char err[ERR_SIZE];
	struct fw_rule r, r2;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse_one(&r, cases[i][0], err))
			print_error("%s\n", err);
		assert_string_equal(r.text, cases[i][1]);
		assert_int_equal(parse_one(&r2, r.text, err), 0);
		assert_string_equal(r2.text, r.text);
		assert_true(fw_set_equal(&r.src, &r2.src));
		assert_true(fw_set_equal(&r.dst, &r2.dst));
		assert_true(fw_set_equal(&r.sport, &r2.sport));
		assert_true(fw_set_equal(&r.dport, &r2.dport));
		fw_rule_free(&r);
		fw_rule_free(&r2);
		fw_rule_free(&r2); /* harmless twice */
	}
}

static void set_algebra(void **state)
{
	struct fw_set s, t;

	(void)state;
	fw_set_init(&s);
	fw_set_init(&t);
	assert_int_equal(fw_set_add(&s, 10, 20), 0);
	assert_int_equal(fw_set_add(&s, 21, 30), 0); /* adjacent */
	assert_int_equal(fw_set_add(&s, 5, 12), 0);  /* overlapping */
	assert_int_equal(fw_set_add(&s, 40, 40), 0);
	assert_int_equal(fw_set_add(&s, 3, 2), -EINVAL);
	fw_set_normalise(&s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.r[0].lo, 5);
	assert_int_equal(s.r[0].hi, 30);
	assert_true(fw_set_contains(&s, 5) && fw_set_contains(&s, 30));
	assert_true(fw_set_contains(&s, 40));
	assert_false(fw_set_contains(&s, 4) || fw_set_contains(&s, 31));
	assert_false(fw_set_contains(&s, 41));
	assert_int_equal(fw_set_complement(&s, 65535), 0);
	assert_int_equal(s.n, 3);
	assert_false(fw_set_contains(&s, 5));
	assert_true(fw_set_contains(&s, 0) && fw_set_contains(&s, 65535));
	assert_int_equal(fw_set_complement(&s, 65535), 0);
	assert_int_equal(fw_set_add(&t, 0, 65535), 0);
	assert_true(fw_set_is_full(&t, 65535));
	assert_int_equal(fw_set_minus(&t, &s), 0);
	assert_int_equal(fw_set_minus(&t, &t), -0); /* self: empty */
	assert_int_equal(t.n, 0);
	assert_int_equal(fw_set_complement(&t, UINT32_MAX), 0);
	assert_true(fw_set_is_full(&t, UINT32_MAX));
	assert_int_equal(fw_set_complement(&t, UINT32_MAX), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(fw_set_add_prefix(&t, 0xffffffff, 33), -EINVAL);
	assert_int_equal(fw_set_add_prefix(&t, 0xffffffff, 0), 0);
	assert_true(fw_set_is_full(&t, UINT32_MAX));
	fw_set_free(&s);
	fw_set_free(&t);
}

static char *prefixes_str(const struct fw_set *s)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	assert_non_null(f);
	fw_set_print_prefixes(s, f);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* Interval -> fewest prefixes, and the edges of the address space. */
static void print_prefixes(void **state)
{
	struct fw_set s;
	char *str;

	(void)state;
	fw_set_init(&s);
	assert_int_equal(fw_set_add(&s, 0x0a000001, 0x0a000006), 0);
	assert_int_equal(fw_set_add(&s, 0xfffffffe, 0xffffffff), 0);
	fw_set_normalise(&s);
	str = prefixes_str(&s);
	assert_string_equal(str, "10.0.0.1 10.0.0.2/31 10.0.0.4/31 10.0.0.6 "
				 "255.255.255.254/31");
	free(str);
	fw_set_free(&s);
	str = prefixes_str(&s);
	assert_string_equal(str, "none");
	free(str);
}

static void resolver_errors(void **state)
{
	static const struct fw_where w = { NULL, 3, 10 };
	char err[ERR_SIZE];
	struct fw_rule r;

	(void)state;
	assert_int_equal(parse_one(&r, "allow tcp from broken to any", err),
			 -EINVAL);
	assert_string_equal(err, "t.rules:7:16: cannot resolve 'broken': "
				 "Input/output error");
	assert_int_equal(fw_rule_parse(&r, "allow tcp from web to any", &w,
				       NULL, NULL, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "<rule>:3:25: unknown name 'web' (not a host "
				 "or group)");
	assert_int_equal(fw_rule_parse(&r, "allow tcp from any to any", NULL,
				       NULL, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(r.line, 0);
	fw_rule_free(&r);
	/* an empty group is a set that matches nothing, not an error */
	assert_int_equal(parse_one(&r, "allow tcp from empty to any", err), 0);
	assert_int_equal(r.src.n, 0);
	fw_rule_free(&r);
}

static void short_error_buffers(void **state)
{
	char err[8];
	struct fw_rule r;

	(void)state;
	assert_int_equal(fw_rule_parse(&r, "nope", NULL, NULL, NULL, err,
				       sizeof(err)),
			 -EINVAL);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(fw_rule_parse(&r, "nope", NULL, NULL, NULL, NULL, 0),
			 -EINVAL);
	assert_null(r.text);
}

static void too_long(void **state)
{
	char *text = malloc(FW_RULE_TEXT_MAX + 64), err[ERR_SIZE];
	struct fw_policy p;
	struct fw_rule r;
	size_t n;

	(void)state;
	assert_non_null(text);
	n = (size_t)sprintf(text, "allow tcp from [");
	while (n < FW_RULE_TEXT_MAX + 16)
		n += (size_t)sprintf(text + n, "10.0.0.1,");
	strcpy(text + n - 1, "] to any");
	assert_int_equal(parse_one(&r, text, err), -EINVAL);
	assert_non_null(strstr(err, "rule longer than"));
	fw_policy_init(&p);
	assert_int_equal(fw_policy_parse_buf(&p, text, strlen(text), "big",
					     NULL, NULL, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "big:1:1: line longer than 65535 bytes");
	assert_int_equal(fw_policy_parse_buf(&p, "allow\0", 6, "nul", NULL,
					     NULL, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "nul:1:1: NUL byte in line");
	fw_policy_free(&p);
	free(text);
}

static void load_missing_file(void **state)
{
	char err[ERR_SIZE];
	struct fw_policy p;

	(void)state;
	fw_policy_init(&p);
	assert_int_equal(fw_policy_load(&p, "/nonexistent/x.rules", NULL, NULL,
					err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "/nonexistent/x.rules: No such file or "
				 "directory");
	fw_policy_free(&p);
}

/* Numbered edge cases of the linear reference match. */
static void rule_matches(void **state)
{
	static const struct {
		const char *rule;
		struct fw_key k;
		bool match;
	} cases[] = {
		/* 0 */ { "allow tcp from web to db port 5432",
			  { 0x0a00000b, 0x0a000015, 999, 5432, 6, 0, 0 }, 1 },
		/* 1 */ { "allow tcp from web to db port 5432",
			  { 0x0a00000b, 0x0a000015, 999, 5433, 6, 0, 0 }, 0 },
		/* 2 */ { "allow tcp from web to db port 5432",
			  { 0x0a00000b, 0x0a000015, 999, 5432, 17, 0, 0 }, 0 },
		/* 3 */ { "allow icmp from any to any",
			  { 1, 2, 0, 0, 58, 1, 0 }, 1 },
		/* 4 */ { "allow icmp from web to any",
			  { 1, 2, 0, 0, 58, 1, 0 }, 0 },
		/* 5 */ { "allow any from [0.0.0.0/1, 128.0.0.0/1] to any",
			  { 0, 0, 0, 0, 47, 1, 0 }, 1 },
		/* 6 */ { "allow udp from !web to any port [53, 123]",
			  { 0x0a00000b, 9, 5, 123, 17, 0, 0 }, 0 },
		/* 7 */ { "allow udp from !web to any port [53, 123]",
			  { 0x0a00000d, 9, 5, 123, 17, 0, 0 }, 1 },
		/* 8 */ { "allow tcp from any port 0 to any port 65535",
			  { 0, 0, 0, 65535, 6, 0, 0 }, 1 },
		/* 9 */ { "drop any from 255.255.255.255 to any",
			  { 0xffffffff, 0, 0, 0, 0, 0, 0 }, 1 },
	};
	char err[ERR_SIZE];
	struct fw_rule r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse_one(&r, cases[i].rule, err), 0);
		if (fw_rule_matches(&r, &cases[i].k) != cases[i].match)
			print_error("case %zu: %s\n", i, cases[i].rule);
		assert_int_equal(fw_rule_matches(&r, &cases[i].k),
				 cases[i].match);
		fw_rule_free(&r);
	}
}

static void names_and_words(void **state)
{
	(void)state;
	assert_true(fw_name_valid("web-1.a_b", 9));
	assert_true(fw_name_valid("_x", 2));
	assert_false(fw_name_valid("1web", 4));
	assert_false(fw_name_valid("", 0));
	assert_false(fw_name_valid("we$b", 4));
	assert_int_equal(fw_action_parse("REJECT", 6), FW_REJECT);
	assert_int_equal(fw_action_parse("allowx", 6), -EINVAL);
	assert_string_equal(fw_action_str(FW_DROP), "drop");
	assert_string_equal(fw_action_str(99), "?");
	assert_string_equal(fw_proto_str(FW_PROTO_ICMP), "icmp");
	assert_string_equal(fw_proto_str(99), "?");
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(golden_dir_found),
		cmocka_unit_test(yaml_issue_policy),
		cmocka_unit_test(yaml_error_columns),
		cmocka_unit_test(canonical_text),
		cmocka_unit_test(set_algebra),
		cmocka_unit_test(print_prefixes),
		cmocka_unit_test(resolver_errors),
		cmocka_unit_test(short_error_buffers),
		cmocka_unit_test(too_long),
		cmocka_unit_test(load_missing_file),
		cmocka_unit_test(rule_matches),
		cmocka_unit_test(names_and_words),
	};
	struct CMUnitTest tests[MAX_GOLDEN + 16] = { 0 };
	char fail_dir[PATH_MAX];
	int n = 0, i, ret;

	for (i = 0; i < (int)(sizeof(fixed) / sizeof(fixed[0])); i++)
		tests[n++] = fixed[i];
	snprintf(fail_dir, sizeof(fail_dir), "%s/fail", golden_dir());
	n = add_golden(golden_dir(), "ok_", golden_ok, tests, n);
	n = add_golden(fail_dir, "fail_", golden_fail, tests, n);
	ret = _cmocka_run_group_tests("fw_rule", tests, (size_t)n, NULL, NULL);
	for (i = (int)(sizeof(fixed) / sizeof(fixed[0])); i < n; i++) {
		free((void *)tests[i].name);
		free(tests[i].initial_state);
	}
	return ret;
}
