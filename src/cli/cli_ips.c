// SPDX-License-Identifier: MIT
/*
 * cli_ips.c - `dcbox ips -T -S FILE|DIR ...`: load Snort/Suricata rule
 * files and report what loaded, what was skipped (unsupported keyword or
 * protocol, named) and what failed (with file and line); exit 1 if any
 * rule is invalid. With -r, the offline mode (cli_ips_offline.c) runs the
 * rules over a pcap.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "ips/ips_ruleset.h"
#include "ips/ips_vars.h"

static int load(struct ips_ruleset *rs, const char *path,
		const struct ips_vars *v)
{
	struct stat st;

	if (stat(path, &st))
		return cli_err("%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return ips_ruleset_load_dir(rs, path, v) ? cli_err(
			"%s: cannot read the directory", path) : 0;
	return ips_ruleset_load_file(rs, path, v) ? cli_err(
		"%s: cannot read the file", path) : 0;
}

/**
 * cli_ips() - `dcbox ips -T -S FILE|DIR [-S ...] [-q]`, or the offline
 * mode with -r (cli_ips_offline())
 * @c: options
 *
 * Return: 0 if every rule is valid (skipped ones included), 1 otherwise.
 */
int cli_ips(struct cli *c)
{
	struct ips_ruleset rs;
	struct ips_vars v;
	bool test = false, quiet = false;
	int i, n = 0, ret = 0;

	for (i = 1; i < c->argc; i++)
		if (!strcmp(c->argv[i], "-r"))
			return cli_ips_offline(c);
	for (i = 1; i < c->argc; i++) {
		if (!strcmp(c->argv[i], "-T"))
			test = true;
		else if (!strcmp(c->argv[i], "-q"))
			quiet = true;
		else if (strcmp(c->argv[i], "-S") || i + 1 >= c->argc)
			return cli_err("usage: dcbox ips -T -S FILE|DIR [-S ...] "
				       "[-q], or dcbox ips -r PCAP -S RULES "
				       "-l DIR [--inline] [-k none]");
		else
			i++, n++;
	}
	if (!test || !n)
		return cli_err("usage: dcbox ips -T -S FILE|DIR [-S ...] [-q]");
	if (ips_vars_init_defaults(&v))
		return cli_err("%s", strerror(ENOMEM));
	ips_ruleset_init(&rs);
	rs.log = quiet ? NULL : stderr;
	for (i = 1; !ret && i < c->argc; i++)
		if (!strcmp(c->argv[i], "-S"))
			ret = load(&rs, c->argv[++i], &v);
	if (!ret) {
		ips_ruleset_summary(&rs, stdout, 10);
		ret = rs.stats.failed ? 1 : 0;
	}
	ips_ruleset_free(&rs);
	ips_vars_free(&v);
	return ret;
}
