// SPDX-License-Identifier: MIT
/*
 * cli_ips_offline.c - `dcbox ips -r PCAP -S RULES [-S ...] -l DIR
 * [--inline] [-k none|all] [--json]`: run the IPS over a capture file as
 * Suricata's -r does, writing DIR/eve.json and DIR/fast.log (replaced),
 * and print what was read and how fast, so the run can be set beside
 * Suricata or Snort on the same pcap and rules.
 *
 * Link types: Ethernet (with any number of 802.1Q/802.1ad tags), raw IP
 * (DLT_RAW / LINKTYPE_RAW, DLT_IPV4, DLT_IPV6), Linux cooked (SLL, SLL2)
 * and BSD loopback (DLT_NULL). Frames that carry no IP are counted and
 * skipped. Classic pcap files are mapped and walked in place
 * (ips_pcap_read.c, no copy per packet); pcapng, stdin ("-") and pipes go
 * through libpcap. Time comes from the capture: each packet's timestamp is both
 * its alert time and the inspector's clock (kept monotonic), so flow and
 * fragment timeouts behave as they did on the wire; expiry runs once per
 * second of capture time. When the capture ends, the flows still open are
 * ended as expiry would end them (ips_inspect_flush(): queued stream
 * data, HTTP messages the close would complete), as Suricata does.
 *
 * The rate is packets and bytes (as captured, link header included) over
 * the wall time of the packet loop alone, start-up (rule loading and
 * engine build) excluded, as Suricata and Snort report theirs; the same
 * over the loop's CPU time (user + system) is printed beside it, which is
 * the per-core figure and stays meaningful on a loaded machine.
 * --naive builds the engine without its multi-pattern prefilter (every
 * rule evaluated on every buffer): the baseline of bench/ips.sh.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ips/ips_detect.h"
#include "ips/ips_inspect.h"
#include "ips/ips_pcap_read.h"
#include "ips/ips_ruleset.h"

enum {
	NS = 1000000000,
	RULE_FILES_MAX = 64,
	PROGRESS_NS = 2000000000ull,
	OUT_BUF = 1 << 16,
	DLT_IPV4_ = 228,
	DLT_IPV6_ = 229,
	DLT_SLL2_ = 276,
	LINKTYPE_RAW_ = 101,
};

/* command line */
struct opts {
	const char *pcap;
	const char *dir;
	const char *rules[RULE_FILES_MAX];
	unsigned int n_rules;
	bool inline_mode;
	bool checksums;
	bool naive;
};

/* one run's state */
struct run {
	struct opts o;
	struct ips_pcap_read rd; /* the zero-copy reader, when mapped */
	bool mapped;
	pcap_t *pc; /* libpcap otherwise (pcapng, stdin) */
	int dlt;
	FILE *eve;
	FILE *fast;
	struct ips_inspect *in;
	uint64_t pkts, bytes, non_ip, alerts, drops, rejects;
	uint64_t wall_ns, cpu_ns;
	int write_err;
};

static const char usage[] =
	"usage: dcbox ips -r PCAP -S RULES [-S ...] -l DIR [--inline] "
	"[--naive] [-k none|all] [--json]";

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

static int parse_opts(struct cli *c, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->checksums = true;
	for (i = 1; i < c->argc; i++) {
		const char *a = c->argv[i],
			   *v = i + 1 < c->argc ? c->argv[i + 1] : NULL;

		if (!strcmp(a, "--inline")) {
			o->inline_mode = true;
			continue;
		}
		if (!strcmp(a, "--naive")) {
			o->naive = true;
			continue;
		}
		if (!v)
			return cli_err("%s", usage);
		if (!strcmp(a, "-r"))
			o->pcap = v;
		else if (!strcmp(a, "-l"))
			o->dir = v;
		else if (!strcmp(a, "-S") && o->n_rules < RULE_FILES_MAX)
			o->rules[o->n_rules++] = v;
		else if (!strcmp(a, "-k") &&
			 (!strcmp(v, "none") || !strcmp(v, "all")))
			o->checksums = !strcmp(v, "all");
		else
			return cli_err("%s", usage);
		i++;
	}
	if (!o->pcap || !o->dir || !o->n_rules)
		return cli_err("%s", usage);
	return 0;
}

static int load_rules(const struct opts *o, struct ips_ruleset *rs,
		      const struct ips_vars *v)
{
	struct stat st;
	unsigned int i;
	int r;

	for (i = 0; i < o->n_rules; i++) {
		const char *p = o->rules[i];

		if (stat(p, &st))
			return cli_err("%s: %s", p, strerror(errno));
		r = S_ISDIR(st.st_mode) ? ips_ruleset_load_dir(rs, p, v)
					: ips_ruleset_load_file(rs, p, v);
		if (r)
			return cli_err("%s: cannot read: %s", p, strerror(-r));
	}
	return 0;
}

static int build_engine(struct run *r, struct ips_engine **eng, FILE *info)
{
	struct ips_engine_cfg cfg = {.naive = r->o.naive};
	struct ips_ruleset rs;
	struct ips_vars v;
	char err[256];
	int ret;

	if (ips_vars_init_defaults(&v))
		return cli_err("%s", strerror(ENOMEM));
	ips_ruleset_init(&rs);
	rs.log = stderr;
	ret = load_rules(&r->o, &rs, &v);
	if (!ret) {
		ips_ruleset_summary(&rs, info, 10);
		if (ips_engine_build(eng, &rs, &cfg, err, sizeof(err)))
			ret = cli_err("rules: %s", err);
	}
	ips_ruleset_free(&rs);
	ips_vars_free(&v);
	return ret;
}

static int mkdirs(const char *dir)
{
	char p[4096];
	size_t i, n = strlen(dir);

	if (n >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i])
			continue;
		p[i] = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		p[i] = dir[i];
	}
	return 0;
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		cli_err("%s: %s", path, strerror(errno));
		return NULL;
	}
	setvbuf(f, NULL, _IOFBF, OUT_BUF);
	return f;
}

static bool dlt_known(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_RAW:
	case LINKTYPE_RAW_:
	case DLT_IPV4_:
	case DLT_IPV6_:
	case DLT_LINUX_SLL:
	case DLT_SLL2_:
	case DLT_NULL:
		return true;
	default:
		return false;
	}
}

static int open_libpcap(struct run *r)
{
	char err[PCAP_ERRBUF_SIZE];

	r->pc = pcap_open_offline_with_tstamp_precision(
		r->o.pcap, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!r->pc) {
		size_t n = strlen(r->o.pcap);

		/* libpcap's message may already start with the file name */
		return cli_err("%s: %s", r->o.pcap,
			       strncmp(err, r->o.pcap, n) ||
					       strncmp(err + n, ": ", 2)
				       ? err
				       : err + n + 2);
	}
	r->dlt = pcap_datalink(r->pc);
	return 0;
}

/*
 * Classic pcap files are mapped and read in place (ips_pcap_read.c);
 * libpcap reads the rest: pcapng, stdin, pipes.
 */
static int open_pcap(struct run *r)
{
	int ret = ips_pcap_read_open(&r->rd, r->o.pcap);

	if (!ret) {
		r->mapped = true;
		r->dlt = (int)r->rd.linktype;
	} else if (ret == -ENOTSUP) {
		if (open_libpcap(r))
			return 1;
	} else {
		return cli_err("%s: %s", r->o.pcap, strerror(-ret));
	}
	if (!dlt_known(r->dlt))
		return cli_err("%s: unsupported link type %d (%s)", r->o.pcap,
			       r->dlt,
			       pcap_datalink_val_to_name(r->dlt)
				       ? pcap_datalink_val_to_name(r->dlt)
				       : "unknown");
	return 0;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Offset of the IP header in a frame, or -1 if it carries no IP. */
static int l3_offset(int dlt, const uint8_t *p, uint32_t len)
{
	uint32_t off, et = 0;

	switch (dlt) {
	case DLT_EN10MB:
		for (off = 12; off + 2 <= len; off += 4) {
			et = rd16(p + off);
			if (et != 0x8100 && et != 0x88a8 && et != 0x9100)
				break;
		}
		if (off + 2 > len)
			return -1;
		off += 2;
		break;
	case DLT_LINUX_SLL:
		if (len < 16)
			return -1;
		et = rd16(p + 14);
		off = 16;
		break;
	case DLT_SLL2_:
		if (len < 20)
			return -1;
		et = rd16(p);
		off = 20;
		break;
	case DLT_NULL:
		/* address family in the writer's byte order: 2, or 24/28/30 */
		if (len < 4)
			return -1;
		return (p[0] == 2 || p[3] == 2 || p[0] >= 24 || p[3] >= 24)
			       ? 4
			       : -1;
	default:
		return 0; /* raw IP */
	}
	return et == 0x0800 || et == 0x86dd ? (int)off : -1;
}

static void on_alert(void *ctx, const struct ips_alert *a)
{
	struct run *r = ctx;
	char line[IPS_ALERT_LINE_MAX];
	int n;

	r->alerts++;
	n = ips_alert_eve(a, line, sizeof(line));
	if (n > 0 && fwrite(line, 1, (size_t)n, r->eve) != (size_t)n)
		r->write_err = errno;
	n = ips_alert_fast(a, line, sizeof(line));
	if (n > 0 && fwrite(line, 1, (size_t)n, r->fast) != (size_t)n)
		r->write_err = errno;
}

static void progress(const struct run *r, uint64_t t0)
{
	double s = (double)(clock_ns(CLOCK_MONOTONIC) - t0) / NS;

	fprintf(stderr, "\r%llu packets, %.1f MB, %llu alerts, %.0f s   ",
		(unsigned long long)r->pkts, (double)r->bytes / 1e6,
		(unsigned long long)r->alerts, s);
}

static void one_packet(struct run *r, uint64_t ts, uint32_t caplen,
		       const uint8_t *p, uint64_t *now)
{
	enum ips_verdict v;
	int off;

	r->pkts++;
	r->bytes += caplen;
	off = l3_offset(r->dlt, p, caplen);
	if (off < 0 || (uint32_t)off >= caplen) {
		r->non_ip++;
		return;
	}
	if (ts > *now) {
		if (ts / NS != *now / NS)
			ips_inspect_tick(r->in, ts);
		*now = ts;
	}
	v = ips_inspect_packet(r->in, p + off, caplen - (uint32_t)off, *now,
			       ts);
	r->drops += v == IPS_VERDICT_DROP;
	r->rejects += v == IPS_VERDICT_REJECT;
}

/* The next packet: 1, 0 at the end, -1 on error (reported). */
static int next_packet(struct run *r, uint64_t *ts, uint32_t *caplen,
		       const uint8_t **p)
{
	struct ips_pcap_rec rec;
	struct pcap_pkthdr *h;
	int rc;

	if (r->mapped) {
		rc = ips_pcap_read_next(&r->rd, &rec);
		if (rc < 0) {
			cli_err("%s: %s", r->o.pcap, r->rd.err);
			return -1;
		}
		*ts = rec.ts_ns;
		*caplen = rec.caplen;
		*p = rec.data;
		return rc;
	}
	rc = pcap_next_ex(r->pc, &h, p);
	if (rc == PCAP_ERROR) {
		cli_err("%s: %s", r->o.pcap, pcap_geterr(r->pc));
		return -1;
	}
	if (rc != 1)
		return 0;
	/* opened with nanosecond precision: tv_usec holds nanoseconds */
	*ts = (uint64_t)h->ts.tv_sec * NS + (uint64_t)h->ts.tv_usec;
	*caplen = h->caplen;
	return 1;
}

static int packet_loop(struct run *r)
{
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC), c0, next = t0 + PROGRESS_NS;
	bool tty = isatty(2);
	const uint8_t *p;
	uint64_t now = 0, ts;
	uint32_t caplen;
	int rc;

	c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	while ((rc = next_packet(r, &ts, &caplen, &p)) == 1) {
		one_packet(r, ts, caplen, p, &now);
		if (tty && !(r->pkts & 1023) &&
		    clock_ns(CLOCK_MONOTONIC) >= next) {
			progress(r, t0);
			next += PROGRESS_NS;
		}
	}
	/* as Suricata: flows still open at the end are inspected to their end
	 * (also after a read error: what was read is inspected whole) */
	ips_inspect_flush(r->in);
	r->wall_ns = clock_ns(CLOCK_MONOTONIC) - t0;
	r->cpu_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
	if (tty && r->wall_ns >= PROGRESS_NS)
		fputc('\n', stderr);
	if (r->rd.clamped)
		fprintf(stderr,
			"%s: %llu records longer than the snaplen %u, "
			"cut to it\n",
			r->o.pcap, (unsigned long long)r->rd.clamped,
			r->rd.snaplen);
	return rc < 0 ? 1 : 0;
}

static double rate(uint64_t n, uint64_t ns)
{
	return ns ? (double)n * NS / (double)ns : 0;
}

static void print_text(const struct run *r)
{
	const uint64_t *c = ips_inspect_counters(r->in);

	printf("packets: %llu (%llu bytes), not IP: %llu, invalid: %llu, "
	       "bad checksum: %llu\n",
	       (unsigned long long)r->pkts, (unsigned long long)r->bytes,
	       (unsigned long long)r->non_ip,
	       (unsigned long long)(c[IPS_IC_INVALID] + c[IPS_IC_UNSUPPORTED]),
	       (unsigned long long)c[IPS_IC_CSUM_BAD]);
	printf("alerts: %llu\n", (unsigned long long)r->alerts);
	printf("drops: %llu, rejects: %llu (%s)\n",
	       (unsigned long long)r->drops, (unsigned long long)r->rejects,
	       r->o.inline_mode ? "inline" : "not inline: drop rules alert");
	printf("flows: %llu\n", (unsigned long long)c[IPS_IC_FLOWS]);
	printf("time: %.3f s wall, %.3f s CPU\n", (double)r->wall_ns / NS,
	       (double)r->cpu_ns / NS);
	printf("rate: %.1f Mbit/s, %.0f packets/s (per CPU second: %.1f "
	       "Mbit/s, %.0f packets/s)\n",
	       rate(r->bytes * 8, r->wall_ns) / 1e6, rate(r->pkts, r->wall_ns),
	       rate(r->bytes * 8, r->cpu_ns) / 1e6, rate(r->pkts, r->cpu_ns));
}

static int print_json(const struct run *r)
{
	const uint64_t *c = ips_inspect_counters(r->in);
	json_t *j = json_object(), *cj = json_object();
	unsigned int i;

	if (!j || !cj)
		return cli_err("%s", strerror(ENOMEM));
	for (i = 0; i < IPS_IC_MAX; i++)
		json_object_set_new(cj, ips_inspect_counter_names[i],
				    json_integer((json_int_t)c[i]));
	json_object_set_new(j, "packets", json_integer((json_int_t)r->pkts));
	json_object_set_new(j, "bytes", json_integer((json_int_t)r->bytes));
	json_object_set_new(j, "not_ip", json_integer((json_int_t)r->non_ip));
	json_object_set_new(j, "alerts", json_integer((json_int_t)r->alerts));
	json_object_set_new(j, "drops", json_integer((json_int_t)r->drops));
	json_object_set_new(j, "rejects", json_integer((json_int_t)r->rejects));
	json_object_set_new(j, "inline", json_boolean(r->o.inline_mode));
	json_object_set_new(j, "flows",
			    json_integer((json_int_t)c[IPS_IC_FLOWS]));
	json_object_set_new(j, "wall_s", json_real((double)r->wall_ns / NS));
	json_object_set_new(j, "cpu_s", json_real((double)r->cpu_ns / NS));
	json_object_set_new(j, "mbit_s",
			    json_real(rate(r->bytes * 8, r->wall_ns) / 1e6));
	json_object_set_new(j, "pps", json_real(rate(r->pkts, r->wall_ns)));
	json_object_set_new(j, "cpu_mbit_s",
			    json_real(rate(r->bytes * 8, r->cpu_ns) / 1e6));
	json_object_set_new(j, "cpu_pps", json_real(rate(r->pkts, r->cpu_ns)));
	json_object_set_new(j, "counters", cj);
	return cli_print_json(j);
}

static int finish_files(struct run *r)
{
	int ret = 0;

	if (r->eve && fclose(r->eve))
		r->write_err = errno;
	if (r->fast && fclose(r->fast))
		r->write_err = errno;
	r->eve = r->fast = NULL;
	if (r->write_err)
		ret = cli_err("%s: %s", r->o.dir, strerror(r->write_err));
	return ret;
}

static int run_capture(struct run *r, struct ips_engine *eng, bool json)
{
	struct ips_inspect_cfg cfg = {.inline_mode = r->o.inline_mode,
				      .checksums = r->o.checksums};
	int ret, err = mkdirs(r->o.dir);

	if (err)
		return cli_err("%s: %s", r->o.dir, strerror(-err));
	r->eve = open_out(r->o.dir, "eve.json");
	r->fast = r->eve ? open_out(r->o.dir, "fast.log") : NULL;
	if (!r->fast)
		return 1;
	r->in = ips_inspect_create(&cfg, eng, on_alert, r);
	if (!r->in)
		return cli_err("%s", strerror(ENOMEM));
	ret = packet_loop(r);
	ret = finish_files(r) || ret;
	if (json)
		ret = print_json(r) || ret;
	else
		print_text(r);
	return ret;
}

/**
 * cli_ips_offline() - `dcbox ips -r PCAP -S RULES -l DIR [--inline]
 * [-k none|all] [--json]`
 * @c: options (c->json: the end summary as one JSON object on stdout;
 *     the rule load summary then goes to stderr)
 *
 * Return: 0 when the capture was read to its end (alerts or not); 1 on
 * bad options, unreadable rules, pcap or output directory ("FILE: what").
 */
int cli_ips_offline(struct cli *c)
{
	struct ips_engine *eng = NULL;
	struct run r;
	int ret;

	memset(&r, 0, sizeof(r));
	if (parse_opts(c, &r.o))
		return 1;
	ret = open_pcap(&r);
	if (!ret)
		ret = build_engine(&r, &eng, c->json ? stderr : stdout);
	if (!ret) {
		fflush(stdout);
		ret = run_capture(&r, eng, c->json);
	}
	if (r.eve)
		fclose(r.eve);
	if (r.fast)
		fclose(r.fast);
	ips_inspect_destroy(r.in);
	ips_engine_free(eng);
	if (r.pc)
		pcap_close(r.pc);
	ips_pcap_read_close(&r.rd);
	return ret ? 1 : 0;
}
