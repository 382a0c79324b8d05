// SPDX-License-Identifier: MIT
/*
 * main.c - the dcbox command: global options, then one subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define DCBOX_VERSION "0.1.0"

static const char usage[] =
"usage: dcbox [-t NAME] [--json] COMMAND [ARGS]\n"
"\n"
"A whole data-center network in one Linux host: switches, VLANs, routers\n"
"with DHCP and NAT, firewall appliances, namespace hosts and VM TAPs,\n"
"from one YAML file.\n"
"\n"
"commands:\n"
"  up [--foreground] FILE    create the topology in FILE and start its daemon\n"
"  down                      stop the daemon and remove all it created\n"
"  check FILE                validate FILE only\n"
"  status                    running topologies (all of them without -t)\n"
"  show ports [SWITCH]       ports with their switch, VLANs and counters\n"
"  show mac [SWITCH]         MAC address tables\n"
"  show switches             switches with settings and counters\n"
"  show topology             switches, their ports, links and routers\n"
"  show routes|arp|conntrack|nat|leases [ROUTER]\n"
"                            a router's tables (all routers without ROUTER)\n"
"  route add ROUTER A.B.C.D/LEN via A.B.C.D\n"
"  route del ROUTER A.B.C.D/LEN\n"
"                            change a router's static routes while it runs\n"
"  show firewall [NAME]      firewall rules with hit and byte counters\n"
"  show conntrack --firewall NAME\n"
"                            the flows a firewall tracks\n"
"  reload [FILE]             apply changed firewall policies and IPS rules\n"
"                            without a restart (default FILE: the one it\n"
"                            runs); prints each IPS's rule counts\n"
"  log [-f] [-n N]           firewall EVE events (-f: follow)\n"
"  show ips [FIREWALL]       IPS rules loaded/skipped, memory, counters and\n"
"                            the rules with most hits (all with --json)\n"
"  alerts [-f] [-n N]        IPS alerts, fast.log style (EVE with --json;\n"
"                            -f: follow until Ctrl-C)\n"
"  ips -T -S FILE|DIR [-S ..] check Snort/Suricata rules: loaded, skipped\n"
"                            (with the reason) and failed (file:line);\n"
"                            exit 1 if any rule is invalid\n"
"  ips -r PCAP -S RULES [-S ..] -l DIR [--inline] [-k none]\n"
"                            run the rules over a capture (Ethernet, raw IP,\n"
"                            Linux SLL): DIR/eve.json, DIR/fast.log, and a\n"
"                            summary (packets, alerts, drops, time, rate;\n"
"                            --json: one object); --inline: drop rules drop;\n"
"                            -k none: no checksum validation\n"
"  exec HOST -- CMD [ARG..]  run CMD inside HOST's network namespace\n"
"  capture PORT [-w FILE] [-c COUNT] [-Q in|out|both] [FILTER]\n"
"                            capture frames of PORT (pcap with -w; FILTER\n"
"                            in tcpdump/BPF syntax)\n"
"\n"
"options:\n"
"  -t, --topology NAME       the topology to address (its `name:`); may be\n"
"                            left out when only one is up\n"
"  --json                    machine-readable output (status, show, check,\n"
"                            reload, log, alerts)\n"
"  -h, --help                this text\n"
"  --version                 print the version\n";

struct command {
	const char *name;
	int (*fn)(struct cli *c);
};

static const struct command commands[] = {
	{ "up", cli_up },         { "down", cli_down },
	{ "check", cli_check },   { "status", cli_status },
	{ "show", cli_show },     { "exec", cli_exec },
	{ "capture", cli_capture }, { "route", cli_route },
	{ "reload", cli_reload }, { "log", cli_log },
	{ "ips", cli_ips },        { "alerts", cli_alerts },
};

static int global_opts(struct cli *c, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-t") || !strcmp(argv[i], "--topology")) &&
		    i + 1 < argc)
			c->topo = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			c->json = true;
		else
			break;
	}
	return i;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	unsigned int k;
	int i, j;

	i = global_opts(&c, argc, argv);
	if (i >= argc || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") ||
	    !strcmp(argv[i], "help")) {
		fputs(usage, i >= argc ? stderr : stdout);
		return i >= argc ? 2 : 0;
	}
	if (!strcmp(argv[i], "--version")) {
		printf("dcbox %s\n", DCBOX_VERSION);
		return 0;
	}
	c.argc = argc - i;
	c.argv = argv + i;
	/* --json and -t may also follow the command; stop at "--" (exec). */
	for (j = 1; j < c.argc && strcmp(c.argv[j], "--"); j++) {
		if (!strcmp(c.argv[j], "--json")) {
			c.json = true;
			memmove(&c.argv[j], &c.argv[j + 1],
				sizeof(char *) * (size_t)(c.argc - j));
			c.argc--;
			j--;
		}
	}
	for (k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (!strcmp(c.argv[0], commands[k].name))
			return commands[k].fn(&c);
	fprintf(stderr, "dcbox: unknown command '%s'\n\n%s", c.argv[0], usage);
	return 2;
}
