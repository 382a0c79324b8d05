// SPDX-License-Identifier: MIT
/*
 * cli_fw.c - the firewall appliance on the command line: `dcbox show
 * firewall [NAME]`, `dcbox reload [FILE]` (policies and IPS rules; the
 * IPS rule counts and compile time per firewall) and `dcbox log [-f] [-n N]`
 * (the EVE log, as JSON lines with --json, one readable line per event
 * otherwise).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "topo/topo.h"
#include "topo/topo_rt.h"

static const char *s(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static long long n(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static void print_fw(json_t *f)
{
	const char *k;
	json_t *r, *v;
	size_t i;

	printf("%s (%s, policy generation %lld, %lld/%lld flows tracked)\n",
	       s(f, "name"), s(f, "mode"), n(f, "generation"),
	       n(f, "conntrack_entries"), n(f, "conntrack_max"));
	printf("  %-7s %-7s %-48s %10s %12s\n", "#", "ACTION", "RULE",
	       "PACKETS", "BYTES");
	json_array_foreach(json_object_get(f, "rules"), i, r) {
		char idx[16];

		if (json_is_string(json_object_get(r, "index")))
			snprintf(idx, sizeof(idx), "%s", s(r, "index"));
		else
			snprintf(idx, sizeof(idx), "%lld", n(r, "index"));
		printf("  %-7s %-7s %-48.48s %10lld %12lld\n", idx,
		       s(r, "action"), s(r, "rule"), n(r, "packets"),
		       n(r, "bytes"));
	}
	printf("  counters:");
	json_object_foreach(json_object_get(f, "counters"), k, v)
		if (json_integer_value(v))
			printf(" %s=%lld", k, (long long)json_integer_value(v));
	putchar('\n');
}

/**
 * cli_fw_print() - print `show firewall` for people
 * @r: the daemon's reply
 */
void cli_fw_print(json_t *r)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(r, "firewalls"), i, f)
		print_fw(f);
}

static int topo_file_of(const struct cli *c, char *name, size_t nsize,
			char *file, size_t fsize)
{
	json_t *st;

	if (cli_pick_topo(c, name, nsize))
		return 1;
	st = cli_request(name, json_pack("{s:s}", "cmd", "status"), NULL);
	if (!st)
		return 1;
	snprintf(file, fsize, "%s", s(st, "file"));
	json_decref(st);
	return 0;
}

/*
 * One line per firewall with an IPS: what its reload compiled, and how
 * long loading plus compiling took (ms below a tenth of a second).
 */
static void print_reload_ips(json_t *r)
{
	json_t *f, *rules;
	long long us;
	size_t i;

	json_array_foreach(json_object_get(r, "ips"), i, f) {
		rules = json_object_get(f, "rules");
		printf("%s: ips %lld rules loaded, %lld skipped", s(f, "name"),
		       n(rules, "loaded"), n(rules, "skipped"));
		if (n(rules, "failed"))
			printf(", %lld failed", n(rules, "failed"));
		us = n(f, "compile_us");
		if (us >= 100000)
			printf(" (%.1f s)\n", (double)us / 1e6);
		else
			printf(" (%.1f ms)\n", (double)us / 1e3);
	}
}

static const char reload_usage[] =
	"usage: dcbox reload [FILE] [--json]\n"
	"  load FILE (default: the one the topology runs) and apply its\n"
	"  firewall policies and IPS rules files without a restart; prints\n"
	"  the policy rules, and per firewall with an IPS the rules loaded,\n"
	"  skipped and failed and the compile time. Switches, hosts, links,\n"
	"  routers and where firewalls sit must stay as they are (else: down,\n"
	"  up). Any error changes nothing.\n";

/**
 * cli_reload() - `dcbox reload [FILE]`: apply changed firewall policies
 * and IPS rules of FILE (default: the file the topology was started from)
 * @c: options
 *
 * The file is checked here first, so errors name its file and line even
 * before the daemon sees it; the daemon checks again and changes nothing
 * unless every policy and every IPS rules file compiles.
 *
 * Return: exit status.
 */
int cli_reload(struct cli *c)
{
	char name[64], file[PATH_MAX], abs[PATH_MAX], err[512];
	struct topo *t;
	json_t *r;

	if (c->argc > 1 &&
	    (!strcmp(c->argv[1], "-h") || !strcmp(c->argv[1], "--help"))) {
		fputs(reload_usage, stdout);
		return 0;
	}
	if (c->argc > 2 || (c->argc > 1 && c->argv[1][0] == '-')) {
		fputs(reload_usage, stderr);
		return 1;
	}
	if (topo_file_of(c, name, sizeof(name), file, sizeof(file)))
		return 1;
	if (c->argc > 1 && !realpath(c->argv[1], abs))
		return cli_err("%s: %s", c->argv[1], strerror(errno));
	if (c->argc > 1)
		snprintf(file, sizeof(file), "%s", abs);
	t = calloc(1, sizeof(*t));
	if (!t)
		return cli_err("%s", strerror(ENOMEM));
	if (topo_load(file, t, err, sizeof(err))) {
		free(t);
		fprintf(stderr, "%s\nreload: nothing changed\n", err);
		return 1;
	}
	free(t);
	r = cli_request(name, json_pack("{s:s,s:s}", "cmd", "reload", "file",
					file), NULL);
	if (!r) {
		fprintf(stderr, "reload: nothing changed\n");
		return 1;
	}
	if (c->json)
		return cli_print_json(r);
	printf("%s: reloaded %s: %lld firewalls, %lld rules\n", name, file,
	       n(r, "firewalls"), n(r, "rules"));
	print_reload_ips(r);
	json_decref(r);
	return 0;
}

static void print_event(const char *line, bool json)
{
	json_t *e, *fw, *dr;
	json_error_t jerr;

	if (json || !(e = json_loads(line, 0, &jerr))) {
		fputs(line, stdout);
		return;
	}
	fw = json_object_get(e, "firewall");
	dr = json_object_get(e, "alert");
	printf("%s %-5s %s %s %s:%lld -> %s:%lld %s%s\n", s(e, "timestamp"),
	       s(e, "event_type"), s(fw, "name"), s(e, "proto"),
	       s(e, "src_ip"), n(e, "src_port"), s(e, "dest_ip"),
	       n(e, "dest_port"), *s(fw, "rule_text") ? s(fw, "rule_text") :
	       s(fw, "action"), dr ? " (alert)" : "");
	json_decref(e);
}

static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

/**
 * cli_log() - `dcbox log [-f] [-n N]`: the last N (10) EVE events of the
 * topology's firewalls, then with -f every new one until Ctrl-C
 * @c: options
 *
 * Return: exit status.
 */
int cli_log(struct cli *c)
{
	struct sigaction sa = { .sa_handler = on_sig };
	bool follow = false;
	long want = 10, have = 0, i;
	char name[64], path[PATH_MAX], line[8192];
	long pos = 0;
	FILE *f;

	for (i = 1; i < c->argc; i++) {
		if (!strcmp(c->argv[i], "-f"))
			follow = true;
		else if (!strcmp(c->argv[i], "-n") && i + 1 < c->argc)
			want = strtol(c->argv[++i], NULL, 10);
		else
			return cli_err("usage: dcbox log [-f] [-n N] [--json]");
	}
	if (cli_pick_topo(c, name, sizeof(name)))
		return 1;
	snprintf(path, sizeof(path), "%s/%s.eve.json", DCBOX_LOG_DIR, name);
	f = fopen(path, "re");
	if (!f && !follow)
		return cli_err("no EVE log yet (%s)", path);
	while (f && fgets(line, sizeof(line), f))
		have++;
	if (f)
		rewind(f);
	for (i = 0; f && fgets(line, sizeof(line), f); i++)
		if (i >= have - want)
			print_event(line, c->json);
	fflush(stdout);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (follow && !stop) {
		if (!f && !(f = fopen(path, "re"))) {
			usleep(200000);
			continue;
		}
		pos = ftell(f);
		if (fgets(line, sizeof(line), f)) {
			print_event(line, c->json);
			fflush(stdout);
			continue;
		}
		clearerr(f);
		fseek(f, pos, SEEK_SET);
		usleep(200000);
	}
	if (f)
		fclose(f);
	return 0;
}
