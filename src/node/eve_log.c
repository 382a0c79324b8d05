// SPDX-License-Identifier: MIT
/*
 * eve_log.c - EVE JSON lines: the JSON builder (objects, keys and commas
 * over core/jsonw.c's bounded appender), the common event header, the rate limit and the line ring with its flush. See
 * eve_log.h for the design (why a ring, why one write() per line, why UTC).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/civil.h"
#include "eve_log.h"

enum {
	EVE_NS_PER_S = 1000000000,
	EVE_RING_MAX = 65536,
};

const char *const eve_counter_names[EVE_C_MAX] = {
#define X(e, n, d) n,
	EVE_COUNTERS(X)
#undef X
};

/* ---- the JSON builder ---- */

/**
 * eve_buf_init() - start a JSON object in @s
 * @b: builder
 * @s: buffer
 * @size: its size (at least 2)
 */
void eve_buf_init(struct eve_buf *b, char *s, size_t size)
{
	jsonw_init(&b->w, s, size);
	jsonw_put_ch(&b->w, '{');
	b->depth = 1;
	b->comma = false;
}

static void put_ch(struct eve_buf *b, char c)
{
	jsonw_put_ch(&b->w, c);
}

/* A JSON string with escapes, cut after EVE_STR_MAX input bytes. */
static void put_quoted(struct eve_buf *b, const char *s)
{
	jsonw_put_quoted(&b->w, s, EVE_STR_MAX, JSONW_HIGH_RAW);
}

static void put_key(struct eve_buf *b, const char *key)
{
	if (b->comma)
		put_ch(b, ',');
	b->comma = true;
	if (key) {
		put_quoted(b, key);
		put_ch(b, ':');
	}
}

/**
 * eve_obj_open() - open a nested object
 * @b: builder
 * @key: its key, or NULL inside an array
 */
void eve_obj_open(struct eve_buf *b, const char *key)
{
	put_key(b, key);
	put_ch(b, '{');
	b->depth++;
	b->comma = false;
}

/**
 * eve_obj_close() - close the innermost object
 * @b: builder
 */
void eve_obj_close(struct eve_buf *b)
{
	put_ch(b, '}');
	b->depth--;
	b->comma = true;
}

/**
 * eve_arr_open() - open an array
 * @b: builder
 * @key: its key
 */
void eve_arr_open(struct eve_buf *b, const char *key)
{
	put_key(b, key);
	put_ch(b, '[');
	b->depth++;
	b->comma = false;
}

/**
 * eve_arr_close() - close the innermost array
 * @b: builder
 */
void eve_arr_close(struct eve_buf *b)
{
	put_ch(b, ']');
	b->depth--;
	b->comma = true;
}

/**
 * eve_put_str() - a string member (escaped; cut at EVE_STR_MAX bytes)
 * @b: builder
 * @key: key, NULL inside an array
 * @val: value; NULL writes null
 */
void eve_put_str(struct eve_buf *b, const char *key, const char *val)
{
	put_key(b, key);
	if (val)
		put_quoted(b, val);
	else
		jsonw_put_raw(&b->w, "null", 4);
}

/**
 * eve_put_u64() - an integer member
 * @b: builder
 * @key: key, NULL inside an array
 * @val: value
 */
void eve_put_u64(struct eve_buf *b, const char *key, uint64_t val)
{
	put_key(b, key);
	jsonw_put_u64(&b->w, val);
}

/**
 * eve_put_bool() - a true/false member
 * @b: builder
 * @key: key
 * @val: value
 */
void eve_put_bool(struct eve_buf *b, const char *key, bool val)
{
	put_key(b, key);
	jsonw_put_str(&b->w, val ? "true" : "false");
}

/**
 * eve_put_ip() - an address member, dotted quad or RFC 5952 text
 * @b: builder
 * @key: key
 * @a: address, network order, v4-mapped for IPv4
 * @v6: @a is IPv6
 */
void eve_put_ip(struct eve_buf *b, const char *key, const union pkt_addr *a,
		bool v6)
{
	char txt[INET6_ADDRSTRLEN];

	if (!inet_ntop(v6 ? AF_INET6 : AF_INET,
		       v6 ? (const void *)a->b : (const void *)&a->w[3], txt,
		       sizeof(txt)))
		txt[0] = 0;
	eve_put_str(b, key, txt);
}

/**
 * eve_put_time() - a timestamp member: "YYYY-MM-DDThh:mm:ss.uuuuuu+0000"
 * @b: builder
 * @key: key
 * @wall_ns: nanoseconds since the epoch, UTC
 */
void eve_put_time(struct eve_buf *b, const char *key, uint64_t wall_ns)
{
	uint64_t sec = wall_ns / EVE_NS_PER_S;
	unsigned int usec = (unsigned int)(wall_ns % EVE_NS_PER_S / 1000);
	unsigned int sod = (unsigned int)(sec % 86400), mon, day;
	char txt[48];
	int year;

	civil_from_days((int64_t)(sec / 86400), &year, &mon, &day);
	snprintf(txt, sizeof(txt), "%04d-%02u-%02uT%02u:%02u:%02u.%06u+0000",
		 year, mon, day, sod / 3600, sod / 60 % 60, sod % 60, usec);
	eve_put_str(b, key, txt);
}

/**
 * eve_proto_name() - the "proto" value Suricata writes for an IP protocol
 * @proto: IP protocol number
 * @buf: room for a decimal number, for protocols without a name
 * @size: its size
 *
 * Return: "TCP", "UDP", "ICMP", "IPv6-ICMP", "GRE", "ESP", "SCTP", or the
 * number in @buf.
 */
const char *eve_proto_name(uint8_t proto, char *buf, size_t size)
{
	switch (proto) {
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 1:
		return "ICMP";
	case 58:
		return "IPv6-ICMP";
	case 47:
		return "GRE";
	case 50:
		return "ESP";
	case 132:
		return "SCTP";
	default:
		snprintf(buf, size, "%03u", proto);
		return buf;
	}
}

/**
 * eve_flow_from_meta() - the addressing fields of a parsed IP packet
 * @m: descriptor from pkt_parse()
 * @f: filled
 */
void eve_flow_from_meta(const struct pkt_meta *m, struct eve_flow *f)
{
	unsigned int i;

	memset(f, 0, sizeof(*f));
	f->src = m->src;
	f->dst = m->dst;
	f->v6 = m->l3 == PKT_L3_IPV6;
	f->proto = m->l4_proto;
	f->sport = m->src_port;
	f->dport = m->dst_port;
	f->icmp = (m->l4_proto == 1 || m->l4_proto == 58) &&
		  (m->flags & PKT_F_L4);
	f->icmp_type = m->icmp_type;
	f->icmp_code = m->icmp_code;
	f->n_vlans = m->n_vlans;
	for (i = 0; i < m->n_vlans && i < PKT_VLAN_MAX; i++)
		f->vlan[i] = m->vlan_tci[i] & 0x0fff;
}

/**
 * eve_put_header() - the members every EVE event starts with, in
 * Suricata's order: timestamp, flow_id, in_iface, event_type, vlan,
 * src_ip, src_port, dest_ip, dest_port, proto, icmp_type, icmp_code
 * @b: builder, just initialised
 * @log: the log (its wall-clock offset)
 * @now_ns: monotonic time of the event
 * @flow_id: Suricata's flow_id (kept below 2^53 by the caller)
 * @iface: in_iface
 * @event_type: "drop", "alert", "flow", ...
 * @f: addresses; ports are written for TCP/UDP only, ICMP type/code for
 *     ICMP only
 */
void eve_put_header(struct eve_buf *b, const struct eve_log *log,
		    uint64_t now_ns, uint64_t flow_id, const char *iface,
		    const char *event_type, const struct eve_flow *f)
{
	bool ports = f->proto == 6 || f->proto == 17;
	char num[8];
	unsigned int i;

	eve_put_time(b, "timestamp", now_ns + (uint64_t)log->wall_offset_ns);
	eve_put_u64(b, "flow_id", flow_id);
	eve_put_str(b, "in_iface", iface);
	eve_put_str(b, "event_type", event_type);
	if (f->n_vlans) {
		eve_arr_open(b, "vlan");
		for (i = 0; i < f->n_vlans && i < PKT_VLAN_MAX; i++)
			eve_put_u64(b, NULL, f->vlan[i]);
		eve_arr_close(b);
	}
	eve_put_ip(b, "src_ip", &f->src, f->v6);
	if (ports)
		eve_put_u64(b, "src_port", f->sport);
	eve_put_ip(b, "dest_ip", &f->dst, f->v6);
	if (ports)
		eve_put_u64(b, "dest_port", f->dport);
	eve_put_str(b, "proto", eve_proto_name(f->proto, num, sizeof(num)));
	if (f->icmp) {
		eve_put_u64(b, "icmp_type", f->icmp_type);
		eve_put_u64(b, "icmp_code", f->icmp_code);
	}
}

/* ---- the log ---- */

/**
 * eve_log_init() - create a log: ring allocated, bucket full, clock synced
 * @log: the log to set up
 * @cfg: fd, rate, burst, ring size
 *
 * Return: 0, -EINVAL for a ring larger than 65536 lines, -ENOMEM.
 */
int eve_log_init(struct eve_log *log, const struct eve_log_cfg *cfg)
{
	uint32_t ring = cfg->ring ? cfg->ring : EVE_RING_DEFAULT;

	memset(log, 0, sizeof(*log));
	log->fd = -1;
	if (ring > EVE_RING_MAX)
		return -EINVAL;
	log->ring = malloc((size_t)ring * EVE_LINE_MAX);
	log->lens = calloc(ring, sizeof(*log->lens));
	if (!log->ring || !log->lens) {
		eve_log_fini(log);
		return -ENOMEM;
	}
	log->ring_size = ring;
	log->fd = cfg->fd;
	eve_log_set_rate(log, cfg->rate, cfg->burst);
	eve_log_sync_clock(log);
	return 0;
}

/**
 * eve_log_fini() - flush what is queued and free the ring; the fd stays
 * open (it is the caller's)
 * @log: the log; may be zeroed or half set up
 */
void eve_log_fini(struct eve_log *log)
{
	if (log->ring)
		eve_log_flush(log);
	free(log->ring);
	free(log->lens);
	log->ring = NULL;
	log->lens = NULL;
	log->ring_size = 0;
	log->count = 0;
}

/**
 * eve_log_set_rate() - set the rate limit; the bucket starts full
 * @log: the log
 * @rate: lines per second; 0 = unlimited
 * @burst: lines back to back; 0 = EVE_BURST_DEFAULT
 */
void eve_log_set_rate(struct eve_log *log, uint32_t rate, uint32_t burst)
{
	log->burst = burst ? burst : EVE_BURST_DEFAULT;
	log->cost_ns = rate ? EVE_NS_PER_S / rate : 0;
	if (rate && !log->cost_ns)
		log->cost_ns = 1;
	log->credit_ns = log->cost_ns * log->burst;
	log->last_ns = 0;
}

/**
 * eve_log_set_fd() - write to another fd from now on (log rotation); what
 * is queued is flushed to the old one first
 * @log: the log
 * @fd: an O_APPEND fd, or -1
 *
 * Return: 0.
 */
int eve_log_set_fd(struct eve_log *log, int fd)
{
	eve_log_flush(log);
	log->fd = fd;
	return 0;
}

/**
 * eve_log_set_sink() - also hand every flushed line to @fn
 * @log: the log
 * @fn: callback, or NULL for none
 * @ctx: its context
 */
void eve_log_set_sink(struct eve_log *log, eve_sink_fn *fn, void *ctx)
{
	log->sink = fn;
	log->sink_ctx = ctx;
}

/**
 * eve_log_sync_clock() - sample CLOCK_REALTIME - CLOCK_MONOTONIC again
 * (done at init and by each flush, so a wall-clock step shows up within
 * one tick)
 * @log: the log
 */
void eve_log_sync_clock(struct eve_log *log)
{
	struct timespec rt, mono;

	if (clock_gettime(CLOCK_REALTIME, &rt) ||
	    clock_gettime(CLOCK_MONOTONIC, &mono))
		return;
	log->wall_offset_ns =
		((int64_t)rt.tv_sec - mono.tv_sec) * EVE_NS_PER_S +
		(rt.tv_nsec - mono.tv_nsec);
}

/**
 * eve_log_set_wall_offset() - fix the wall-clock offset (tests)
 * @log: the log
 * @offset_ns: wall time = monotonic now_ns + @offset_ns
 *
 * Later flushes no longer resample the clock.
 */
void eve_log_set_wall_offset(struct eve_log *log, int64_t offset_ns)
{
	log->wall_offset_ns = offset_ns;
	log->fixed_clock = true;
}

/* Take a token; false if the bucket is empty. */
static bool rate_take(struct eve_log *log, uint64_t now_ns)
{
	uint64_t max = log->cost_ns * log->burst;

	if (!log->cost_ns)
		return true;
	if (now_ns > log->last_ns) {
		log->credit_ns += now_ns - log->last_ns;
		if (log->credit_ns > max)
			log->credit_ns = max;
	}
	log->last_ns = now_ns;
	if (log->credit_ns < log->cost_ns)
		return false;
	log->credit_ns -= log->cost_ns;
	return true;
}

/**
 * eve_log_begin() - may a line be logged now; if so, start it in the next
 * ring slot
 * @log: the log
 * @now_ns: monotonic time (for the rate limit)
 * @b: builder to set up on the slot
 *
 * Takes a token. Nothing is queued until eve_log_commit().
 *
 * Return: true to go on; false if rate limited (counted in
 * EVE_C_SUPPRESSED) or the log has no ring.
 */
bool eve_log_begin(struct eve_log *log, uint64_t now_ns, struct eve_buf *b)
{
	uint32_t slot;

	if (!log->ring_size)
		return false;
	if (!rate_take(log, now_ns)) {
		log->counters[EVE_C_SUPPRESSED]++;
		return false;
	}
	if (log->count == log->ring_size) {
		log->counters[EVE_C_RING_FULL]++;
		eve_log_flush(log);
	}
	slot = (log->head + log->count) % log->ring_size;
	/* one byte kept back for the newline */
	eve_buf_init(b, log->ring + (size_t)slot * EVE_LINE_MAX,
		     EVE_LINE_MAX - 1);
	return true;
}

/**
 * eve_log_commit() - close the line's object and queue it
 * @log: the log
 * @b: the builder eve_log_begin() set up, with its members written and
 *     every nested object and array closed
 *
 * Return: 0; -EMSGSIZE if the line did not fit in EVE_LINE_MAX (dropped,
 * counted in EVE_C_TOO_LONG).
 */
int eve_log_commit(struct eve_log *log, struct eve_buf *b)
{
	uint32_t slot = (log->head + log->count) % log->ring_size;

	if (b->depth != 1)
		b->w.overflow = true; /* a nested object left open: a bug */
	else
		eve_obj_close(b);
	if (b->w.overflow) {
		log->counters[EVE_C_TOO_LONG]++;
		return -EMSGSIZE;
	}
	b->w.s[b->w.len++] = '\n';
	log->lens[slot] = (uint16_t)b->w.len;
	log->count++;
	log->counters[EVE_C_QUEUED]++;
	return 0;
}

static void write_line(struct eve_log *log, const char *line, size_t len)
{
	ssize_t n;

	if (log->sink)
		log->sink(log->sink_ctx, line, len);
	if (log->fd < 0)
		return;
	do {
		n = write(log->fd, line, len);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		log->counters[EVE_C_WRITTEN]++;
	else
		log->counters[EVE_C_WRITE_ERRORS]++;
}

/**
 * eve_log_flush() - write every queued line, oldest first, one write()
 * each; then resample the wall clock
 * @log: the log
 *
 * Return: lines flushed.
 */
unsigned int eve_log_flush(struct eve_log *log)
{
	unsigned int n = log->count;

	while (log->count) {
		uint32_t slot = log->head;

		write_line(log, log->ring + (size_t)slot * EVE_LINE_MAX,
			   log->lens[slot]);
		log->head = (slot + 1) % log->ring_size;
		log->count--;
	}
	if (!log->fixed_clock)
		eve_log_sync_clock(log);
	return n;
}
