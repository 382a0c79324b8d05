// SPDX-License-Identifier: MIT
/*
 * cli_capture.c - `dcbox capture PORT [-w FILE] [-c COUNT] [-Q DIR]
 * [FILTER]`: receive a port's frames from the daemon, filter them with a
 * BPF program compiled by libpcap (tcpdump's syntax) and either write a
 * pcap file (tcpdump and Wireshark read it; "-w -" is stdout) or print one
 * line per frame.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ctl/ctl_proto.h"

/** struct cap_opts - what the user asked for */
struct cap_opts {
	const char *port, *file, *dir;
	long count;
	char filter[1024];
};

static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

static int parse_opts(struct cli *c, struct cap_opts *o)
{
	size_t off = 0;
	int i;

	memset(o, 0, sizeof(*o));
	o->dir = "both";
	for (i = 1; i < c->argc; i++) {
		const char *a = c->argv[i];

		if (!strcmp(a, "-w") && i + 1 < c->argc)
			o->file = c->argv[++i];
		else if (!strcmp(a, "-c") && i + 1 < c->argc)
			o->count = strtol(c->argv[++i], NULL, 10);
		else if (!strcmp(a, "-Q") && i + 1 < c->argc)
			o->dir = c->argv[++i];
		else if (!o->port)
			o->port = a;
		else
			off += (size_t)snprintf(o->filter + off,
				sizeof(o->filter) - off, "%s%s", off ? " " : "",
				a);
		if (off >= sizeof(o->filter))
			return cli_err("capture filter too long");
	}
	if (!o->port)
		return cli_err("usage: dcbox capture PORT [-w FILE] [-c COUNT] "
			       "[-Q in|out|both] [FILTER]");
	return 0;
}

static void print_frame(const struct ctl_cap_hdr *h, const uint8_t *d)
{
	time_t sec = (time_t)(h->ts_ns / 1000000000ull);
	struct tm tm;
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	unsigned int et = h->caplen >= 14 ? (unsigned)(d[12] << 8 | d[13]) : 0;

	localtime_r(&sec, &tm);
	printf("%02d:%02d:%02d.%06u %-3s %02x:%02x:%02x:%02x:%02x:%02x > "
	       "%02x:%02x:%02x:%02x:%02x:%02x", tm.tm_hour, tm.tm_min,
	       tm.tm_sec, (unsigned)(h->ts_ns % 1000000000ull / 1000),
	       h->dir == 1 ? "in" : "out", d[6], d[7], d[8], d[9], d[10],
	       d[11], d[0], d[1], d[2], d[3], d[4], d[5]);
	if (et == 0x8100 && h->caplen >= 18) {
		printf(" vlan %u", (unsigned)((d[14] << 8 | d[15]) & 0xfff));
		et = (unsigned)(d[16] << 8 | d[17]);
		d += 4;
	}
	if (et == 0x0800 && h->caplen >= 34) {
		inet_ntop(AF_INET, d + 26, src, sizeof(src));
		inet_ntop(AF_INET, d + 30, dst, sizeof(dst));
		printf(" IPv4 %s > %s proto %u", src, dst, d[23]);
	} else if (et == 0x0806) {
		printf(" ARP");
	} else {
		printf(" ethertype 0x%04x", et);
	}
	printf(", length %u\n", h->len);
	fflush(stdout);
}

static int open_out(const struct cap_opts *o, pcap_t **dead,
		    pcap_dumper_t **dump, struct bpf_program *prog)
{
	*dead = pcap_open_dead(DLT_EN10MB, CTL_CAP_SNAPLEN);
	if (!*dead)
		return cli_err("libpcap: cannot open");
	if (pcap_compile(*dead, prog, o->filter, 1, PCAP_NETMASK_UNKNOWN))
		return cli_err("bad filter '%s': %s", o->filter,
			       pcap_geterr(*dead));
	if (o->file) {
		*dump = pcap_dump_open(*dead, o->file);
		if (!*dump)
			return cli_err("%s: %s", o->file, pcap_geterr(*dead));
	}
	return 0;
}

static long loop_frames(int fd, const struct cap_opts *o,
			pcap_dumper_t *dump, struct bpf_program *prog)
{
	uint8_t *buf = malloc(sizeof(struct ctl_cap_hdr) + CTL_CAP_SNAPLEN);
	struct ctl_cap_hdr h;
	struct pcap_pkthdr ph;
	long got = 0;
	ssize_t r;

	while (buf && !stop && (!o->count || got < o->count)) {
		r = recv(fd, buf, sizeof(h) + CTL_CAP_SNAPLEN, 0);
		if (r < (ssize_t)sizeof(h))
			break;
		memcpy(&h, buf, sizeof(h));
		ph.ts.tv_sec = (time_t)(h.ts_ns / 1000000000ull);
		ph.ts.tv_usec = (suseconds_t)(h.ts_ns % 1000000000ull / 1000);
		ph.caplen = h.caplen;
		ph.len = h.len;
		if (!pcap_offline_filter(prog, &ph, buf + sizeof(h)))
			continue;
		got++;
		if (dump) {
			pcap_dump((u_char *)dump, &ph, buf + sizeof(h));
			pcap_dump_flush(dump);
		} else {
			print_frame(&h, buf + sizeof(h));
		}
	}
	free(buf);
	return got;
}

/**
 * cli_capture() - `dcbox capture PORT ...`, until COUNT frames or Ctrl-C
 * @c: options
 *
 * Return: exit status.
 */
int cli_capture(struct cli *c)
{
	struct cap_opts o;
	struct bpf_program prog = { 0 };
	pcap_dumper_t *dump = NULL;
	pcap_t *dead = NULL;
	struct sigaction sa = { .sa_handler = on_sig };
	char name[64];
	json_t *rep;
	long got;
	int fd = -1;

	if (parse_opts(c, &o) || cli_pick_topo(c, name, sizeof(name)))
		return 1;
	if (open_out(&o, &dead, &dump, &prog))
		goto err;
	rep = cli_request(name, json_pack("{s:s,s:s,s:s}", "cmd", "capture",
					  "port", o.port, "dir", o.dir), &fd);
	if (!rep)
		goto err;
	json_decref(rep);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!o.file || strcmp(o.file, "-"))
		fprintf(stderr, "capturing on %s:%s%s\n", name, o.port,
			*o.filter ? "" : " (no filter)");
	got = loop_frames(fd, &o, dump, &prog);
	close(fd);
	if (dump)
		pcap_dump_close(dump);
	pcap_freecode(&prog);
	pcap_close(dead);
	if (!o.file || strcmp(o.file, "-"))
		fprintf(stderr, "%ld frames captured\n", got);
	return 0;
err:
	if (dump)
		pcap_dump_close(dump);
	pcap_freecode(&prog);
	if (dead)
		pcap_close(dead);
	return 1;
}
