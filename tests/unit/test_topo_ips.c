// SPDX-License-Identifier: MIT
/*
 * test_topo_ips.c - a firewall's `ips: FILE` and the `ips-vars:` maps:
 * variables in the order defaults < top level < firewall, bad variables
 * and rules failing the load with file and line, skipped rules counted,
 * the dump line, and shape errors of the maps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ips/ips_ruleset.h"
#include "ips/ips_vars.h"
#include "topo/topo.h"

static char dir[] = "/tmp/test_topo_ips.XXXXXX";
static char yaml_path[512], rules_path[512];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Write @rules and a topology around @vars_top/@vars_fw; load it. */
static int load(struct topo *t, const char *vars_top, const char *vars_fw,
		const char *rules, char *err, size_t errsize)
{
	char y[4096];

	put(rules_path, rules);
	snprintf(y, sizeof(y),
		 "name: t\n"
		 "switches: { a: {}, b: {} }\n"
		 "hosts:\n"
		 "  h1: { switch: a, ip: 10.0.0.1/24 }\n"
		 "  h2: { switch: b, ip: 10.0.0.2/24 }\n"
		 "%s"
		 "firewalls:\n"
		 "  fw:\n"
		 "    inline: [a, b]\n"
		 "    ips: r.rules\n"
		 "%s",
		 vars_top, vars_fw);
	put(yaml_path, y);
	return topo_load(yaml_path, t, err, errsize);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(yaml_path, sizeof(yaml_path), "%s/t.yaml", dir);
	snprintf(rules_path, sizeof(rules_path), "%s/r.rules", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(yaml_path);
	unlink(rules_path);
	return rmdir(dir);
}

static const char rule_ok[] =
	"alert tcp $HOME_NET any -> $DB any (msg:\"x\"; sid:1; rev:1;)\n";

static void vars_precedence(void **state)
{
	struct topo *t = malloc(sizeof(*t));
	struct ips_vars v;
	char err[512];

	(void)state;
	assert_non_null(t);
	assert_int_equal(
		load(t,
		     "ips-vars:\n"
		     "  address-groups: { HOME_NET: 10.0.0.0/24, DB: 10.0.0.9 "
		     "}\n"
		     "  port-groups: { HTTP_PORTS: 8080 }\n",
		     "    ips-vars: { address-groups: { DB: 10.0.0.2 } }\n",
		     rule_ok, err, sizeof(err)),
		0);
	assert_int_equal(t->nips_vars, 4);
	assert_int_equal(topo_ips_vars(t, 0, &v, err, sizeof(err)), 0);
	assert_string_equal(ips_vars_get(&v, IPS_VAR_ADDR, "HOME_NET"),
			    "10.0.0.0/24");
	assert_string_equal(ips_vars_get(&v, IPS_VAR_ADDR, "DB"), "10.0.0.2");
	assert_string_equal(ips_vars_get(&v, IPS_VAR_PORT, "HTTP_PORTS"),
			    "8080");
	/* a default nobody overrode */
	assert_non_null(ips_vars_get(&v, IPS_VAR_PORT, "SSH_PORTS"));
	/* address and port names are separate */
	assert_null(ips_vars_get(&v, IPS_VAR_PORT, "DB"));
	ips_vars_free(&v);
	free(t);
}

static void rule_failure_names_file_line(void **state)
{
	struct topo *t = malloc(sizeof(*t));
	char err[512], want[600];

	(void)state;
	assert_non_null(t);
	/* $DB is not defined anywhere: line 2 of the rules fails */
	assert_int_not_equal(load(t, "", "",
				  "# comment\n"
				  "alert tcp any any -> $DB any (sid:1;)\n",
				  err, sizeof(err)),
			     0);
	snprintf(want, sizeof(want), "%s:2: ", rules_path);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "DB"));
	free(t);
}

static void skipped_rules_warned(void **state)
{
	struct topo *t = malloc(sizeof(*t));
	struct ips_ruleset rs;
	char err[512], *out = NULL;
	size_t size = 0;
	FILE *f;

	(void)state;
	assert_non_null(t);
	assert_int_equal(
		load(t, "ips-vars: { address-groups: { DB: 10.0.0.2 } }\n", "",
		     "alert tcp any any -> any any (msg:\"s\"; "
		     "byte_extract:2,0,n; sid:2;)\n"
		     "alert tcp any any -> $DB any (msg:\"k\"; sid:3;)\n",
		     err, sizeof(err)),
		0);
	assert_int_equal(topo_ips_load(t, 0, &rs, err, sizeof(err)), 0);
	assert_int_equal(rs.stats.loaded, 1);
	assert_int_equal(rs.stats.skipped, 1);
	ips_ruleset_free(&rs);
	f = open_memstream(&out, &size);
	assert_non_null(f);
	assert_int_equal(topo_ips_warn(t, f), 1);
	fclose(f);
	assert_non_null(strstr(out, "1 rules loaded, 1 skipped"));
	assert_non_null(strstr(out, "byte_extract"));
	free(out);
	free(t);
}

static void bad_variable_value(void **state)
{
	struct topo *t = malloc(sizeof(*t));
	char err[512], want[600];

	(void)state;
	assert_non_null(t);
	assert_int_not_equal(
		load(t, "ips-vars:\n  address-groups:\n    DB: 10.0.0.0/33\n",
		     "", rule_ok, err, sizeof(err)),
		0);
	snprintf(want, sizeof(want), "%s:8:5: ips-vars: variable DB",
		 yaml_path);
	assert_non_null(strstr(err, want));
	free(t);
}

static void missing_rules_file(void **state)
{
	struct topo *t = malloc(sizeof(*t));
	char err[512];

	(void)state;
	assert_non_null(t);
	assert_int_equal(load(t, "", "", "", err, sizeof(err)), 0);
	unlink(rules_path);
	assert_int_not_equal(topo_validate(t, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "firewall 'fw': ips:"));
	assert_non_null(strstr(err, "No such file"));
	free(t);
}

static void shape_errors(void **state)
{
	static const struct {
		const char *top, *fw, *want;
	} cases[] = {
		{"ips-vars: { address-groups: [a] }\n", "",
		 "expected a mapping"},
		{"ips-vars: { addr: { A: 1 } }\n", "", "unknown key 'addr'"},
		{"ips-vars: { address-groups: { $A: 1.2.3.4 } }\n", "",
		 "bad variable name"},
		{"", "    ips-vars: { port-groups: { P: 1, P: 2 } }\n",
		 "P defined twice"},
		{"ips-vars: { port-groups: { P: { x: 1 } } }\n", "",
		 "expected a scalar"},
	};
	struct topo *t = malloc(sizeof(*t));
	char err[512];
	size_t i;

	(void)state;
	assert_non_null(t);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_not_equal(load(t, cases[i].top, cases[i].fw, rule_ok,
					  err, sizeof(err)),
				     0);
		if (!strstr(err, cases[i].want))
			print_error("case %zu: %s\n", i, err);
		assert_non_null(strstr(err, cases[i].want));
	}
	free(t);
}

static void dump_lists_vars(void **state)
{
	struct topo *t = malloc(sizeof(*t));
	char err[512], *out = NULL;
	size_t size = 0;
	FILE *f;

	(void)state;
	assert_non_null(t);
	assert_int_equal(
		load(t, "ips-vars: { address-groups: { DB: 10.0.0.2 } }\n",
		     "    ips-vars: { port-groups: { P: 1 } }\n", rule_ok, err,
		     sizeof(err)),
		0);
	f = open_memstream(&out, &size);
	assert_non_null(f);
	topo_dump(t, f);
	fclose(f);
	assert_non_null(strstr(out, "ips-var * address DB 10.0.0.2\n"));
	assert_non_null(strstr(out, "ips-var fw port P 1\n"));
	assert_non_null(strstr(out, " ips r.rules "));
	free(out);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vars_precedence),
		cmocka_unit_test(rule_failure_names_file_line),
		cmocka_unit_test(skipped_rules_warned),
		cmocka_unit_test(bad_variable_value),
		cmocka_unit_test(missing_rules_file),
		cmocka_unit_test(shape_errors),
		cmocka_unit_test(dump_lists_vars),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
