// SPDX-License-Identifier: MIT
/*
 * cli_alerts.c - the IPS on the command line: `dcbox alerts [-f] [-n N]
 * [--json]` and the people's form of `dcbox show ips`.
 *
 * Alerts are read from the topology's EVE log (DCBOX_LOG_DIR/NAME.eve.json,
 * the file the firewalls write their events and the IPS its alerts to),
 * keeping the lines whose event_type is "alert": the IPS's alerts and a
 * one-arm firewall's policy alerts. -n N prints the last N (10); -f then
 * follows the file (polling, as `dcbox log -f` and `tail -f` do) until
 * Ctrl-C. Reading the file rather than asking the daemon means alerts
 * survive a restart of the daemon and are the very lines other tools
 * (jq, a SIEM shipper) read; the daemon writes them out at its tick, about
 * once a second, so a followed alert shows up within a second or so.
 *
 * Without --json an alert prints as Suricata's fast.log line; with --json
 * as the EVE line itself.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "topo/topo_rt.h"

enum {
	ALERTS_DEFAULT = 10,
	ALERTS_MAX = 100000, /* -n at most */
	LINE_MAX_ = 16384,
	POLL_US = 200000,
};

static const char *s(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static long long n(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* "2026-11-26T06:00:00.123456+0000" -> "11/26/2026-06:00:00.123456" */
static void fast_time(const char *ts, char *out, size_t size)
{
	int y, mo, d, h, mi, sec;
	long us;

	if (sscanf(ts, "%d-%d-%dT%d:%d:%d.%ld", &y, &mo, &d, &h, &mi, &sec,
		   &us) == 7)
		snprintf(out, size, "%02d/%02d/%04d-%02d:%02d:%02d.%06ld", mo,
			 d, y, h, mi, sec, us);
	else
		snprintf(out, size, "%s", ts);
}

/* Suricata's fast.log line, from the EVE alert. */
static void print_fast(json_t *e)
{
	json_t *a = json_object_get(e, "alert");
	char ts[64];

	fast_time(s(e, "timestamp"), ts, sizeof(ts));
	printf("%s  %s[**] [%lld:%lld:%lld] %s [**] [Classification: %s] "
	       "[Priority: %lld] {%s} %s:%lld -> %s:%lld\n",
	       ts, strcmp(s(a, "action"), "blocked") ? "" : "[Drop] ",
	       n(a, "gid"), n(a, "signature_id"), n(a, "rev"),
	       s(a, "signature"),
	       *s(a, "category") ? s(a, "category") : "(null)",
	       n(a, "severity"), s(e, "proto"), s(e, "src_ip"),
	       n(e, "src_port"), s(e, "dest_ip"), n(e, "dest_port"));
}

/* Is @line an alert? Then print it; return whether it was. */
static bool alert_line(const char *line, bool json, bool print)
{
	json_error_t jerr;
	json_t *e;
	bool yes;

	if (!strstr(line, "\"alert\""))
		return false;
	e = json_loads(line, 0, &jerr);
	yes = e && !strcmp(s(e, "event_type"), "alert");
	if (yes && print) {
		if (json)
			fputs(line, stdout);
		else
			print_fast(e);
	}
	json_decref(e);
	return yes;
}

/* The last @want alerts of @f (a ring of lines), printed in order. */
static int print_last(FILE *f, long want, bool json)
{
	char **ring = want ? calloc((size_t)want, sizeof(*ring)) : NULL;
	char *line = malloc(LINE_MAX_);
	long have = 0, i;

	if ((want && !ring) || !line) {
		free(ring);
		free(line);
		return cli_err("%s", strerror(ENOMEM));
	}
	while (fgets(line, LINE_MAX_, f)) {
		if (!want || !alert_line(line, json, false))
			continue;
		free(ring[have % want]);
		ring[have % want] = strdup(line);
		have++;
	}
	for (i = have > want ? have - want : 0; i < have; i++) {
		if (ring[i % want])
			alert_line(ring[i % want], json, true);
	}
	for (i = 0; i < want; i++)
		free(ring[i]);
	free(ring);
	free(line);
	fflush(stdout);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

/* Print alerts appended to @path from now on, until a signal. */
static void follow(FILE *f, const char *path, bool json)
{
	struct sigaction sa = {.sa_handler = on_sig};
	char line[LINE_MAX_];
	long pos;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		if (!f && !(f = fopen(path, "re"))) {
			usleep(POLL_US);
			continue;
		}
		pos = ftell(f);
		/* a line is complete once its newline is there */
		if (fgets(line, sizeof(line), f) && strchr(line, '\n')) {
			if (alert_line(line, json, true))
				fflush(stdout);
			continue;
		}
		clearerr(f);
		fseek(f, pos, SEEK_SET);
		usleep(POLL_US);
	}
	if (f)
		fclose(f);
}

/**
 * cli_alerts() - `dcbox alerts [-f] [-n N] [--json]`: the last N (10)
 * alerts of the topology's IPS (and one-arm firewalls), then with -f
 * every new one until Ctrl-C
 * @c: options
 *
 * Return: exit status (1 if there is no EVE log and no -f).
 */
int cli_alerts(struct cli *c)
{
	char name[64], path[PATH_MAX], *end;
	long want = ALERTS_DEFAULT;
	bool fol = false;
	FILE *f;
	int i;

	for (i = 1; i < c->argc; i++) {
		if (!strcmp(c->argv[i], "-f")) {
			fol = true;
			continue;
		}
		if (strcmp(c->argv[i], "-n") || i + 1 >= c->argc)
			return cli_err(
				"usage: dcbox alerts [-f] [-n N] [--json]");
		want = strtol(c->argv[++i], &end, 10);
		if (*end || want < 0 || want > ALERTS_MAX)
			return cli_err("alerts: -n wants 0..%d", ALERTS_MAX);
	}
	if (cli_pick_topo(c, name, sizeof(name)))
		return 1;
	snprintf(path, sizeof(path), "%s/%s.eve.json", DCBOX_LOG_DIR, name);
	f = fopen(path, "re");
	if (!f && !fol)
		return cli_err("no EVE log yet (%s)", path);
	if (f && print_last(f, want, c->json)) {
		fclose(f);
		return 1;
	}
	if (fol)
		follow(f, path, c->json);
	else if (f)
		fclose(f);
	return 0;
}

static void print_hits(json_t *f)
{
	json_t *r;
	size_t i;

	if (!json_array_size(json_object_get(f, "hits"))) {
		printf("  no rule has fired yet\n");
		return;
	}
	printf("  %-8s %-10s %-6s %10s  %s\n", "ACTION", "SID", "", "HITS",
	       "MSG");
	json_array_foreach(json_object_get(f, "hits"), i, r)
		printf("  %-8s %lld:%lld:%-6lld %10lld  %s\n", s(r, "action"),
		       n(r, "gid"), n(r, "sid"), n(r, "rev"), n(r, "hits"),
		       s(r, "msg"));
}

static void print_one(json_t *f)
{
	json_t *rl = json_object_get(f, "rules"), *cn, *v;
	const char *k;

	printf("%s (%s) ips %s: %lld rules loaded, %lld skipped, %lld "
	       "failed; %lld patterns; %.1f MiB; %lld flows\n",
	       s(f, "name"), s(f, "mode"), s(f, "rules_file"), n(rl, "loaded"),
	       n(rl, "skipped"), n(rl, "failed"), n(rl, "patterns"),
	       (double)n(f, "memory") / (1 << 20), n(f, "flows"));
	printf("  counters:");
	cn = json_object_get(f, "counters");
	json_object_foreach(cn, k, v) if (json_integer_value(v))
		printf(" %s=%lld", k, (long long)json_integer_value(v));
	putchar('\n');
	print_hits(f);
}

/**
 * cli_ips_print() - print `show ips` for people
 * @r: the daemon's reply
 */
void cli_ips_print(json_t *r)
{
	json_t *f;
	size_t i;

	if (!json_array_size(json_object_get(r, "ips")))
		printf("no firewall has ips: rules\n");
	json_array_foreach(json_object_get(r, "ips"), i, f) print_one(f);
}
