/* SPDX-License-Identifier: MIT */
/*
 * eve_log.h - EVE JSON lines (Suricata's event format) for the appliance's
 * events: a small JSON builder that writes into fixed buffers, the fields
 * every EVE event starts with, a token-bucket rate limit, and a ring of
 * finished lines that is written out later, one write() per line.
 *
 * A node that wants to log an event (the firewall's "drop"/"alert"/"flow"
 * events) does, per event:
 *
 *	struct eve_buf b;
 *
 *	if (!eve_log_begin(log, now_ns, &b))    rate limited: counted, skip
 *		return;
 *	eve_put_header(&b, log, now_ns, flow_id, "fw.front", "drop", &flow);
 *	eve_obj_open(&b, "drop"); ... eve_obj_close(&b);
 *	eve_log_commit(log, &b);                 closes the object, queues it
 *
 * and the daemon's tick calls eve_log_flush().
 *
 * Theory of operation
 *
 * The per-packet path must never wait on the disk, and a flood of denied
 * packets must not fill it. So: (1) a token bucket (rate lines per second,
 * burst lines back to back) decides before any formatting whether a line
 * may be written; refused lines cost one comparison and are counted
 * (EVE_C_SUPPRESSED). (2) Lines are formatted straight into a slot of a
 * fixed ring allocated at init (no malloc per line) and written out by
 * eve_log_flush(), which the owner calls from its tick. If the ring fills
 * up between two ticks, eve_log_commit() flushes it synchronously: with
 * the default rate (100/s, burst 200) and ring (256 lines) that only
 * happens when the tick is slower than about half a second or the rate
 * was raised, and writing 256 lines to an O_APPEND file costs well under a
 * millisecond. Losing events silently was judged worse than that stall.
 * (3) Each line, newline included, is one write() to an O_APPEND fd, so
 * several writers (firewalls, the IPS) can share one eve.json and no line
 * is ever interleaved or split (POSIX append semantics on regular files).
 *
 * Timestamps are wall-clock time computed from the caller's monotonic
 * now_ns plus an offset sampled at init and at each flush, so no clock is
 * read per line. They are written in UTC as Suricata writes them when
 * TZ=UTC: "2026-11-26T06:00:00.123456+0000" (localtime would need the
 * time zone database, which glibc loads with malloc on first use).
 *
 * Ownership: the fd belongs to the caller (several logs may share it) and
 * is not closed by eve_log_fini(). One eve_log is used by one thread.
 */
#ifndef DCBOX_EVE_LOG_H
#define DCBOX_EVE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/jsonw.h"
#include "../core/parse.h"

enum {
	EVE_LINE_MAX = 2048, /* bytes of one line, newline included */
	EVE_RING_DEFAULT = 256, /* lines buffered between flushes */
	EVE_RATE_DEFAULT = 100, /* lines per second */
	EVE_BURST_DEFAULT = 200, /* lines back to back */
	EVE_STR_MAX = 512, /* longest string value; longer is cut */
};

/*
 * EVE_COUNTERS(X) - X(ENUM_SUFFIX, "counter_name", "description")
 */
#define EVE_COUNTERS(X)                                                        \
	X(QUEUED, "queued", "lines formatted into the ring")                   \
	X(WRITTEN, "written", "lines written to the fd")                       \
	X(SUPPRESSED, "suppressed", "lines refused by the rate limit")         \
	X(TOO_LONG, "too_long", "lines longer than EVE_LINE_MAX, dropped")     \
	X(WRITE_ERRORS, "write_errors", "lines lost: write() failed")          \
	X(RING_FULL, "ring_full_flushes", "flushes forced by a full ring")

/** enum eve_counter - index into eve_log.counters */
enum eve_counter {
#define X(e, n, d) EVE_C_##e,
	EVE_COUNTERS(X)
#undef X
		EVE_C_MAX
};

extern const char *const eve_counter_names[EVE_C_MAX];

/**
 * typedef eve_sink_fn - receives each line as it is flushed (for `dcbox
 * alerts -f`): @line is @len bytes, newline included, not NUL-terminated,
 * valid during the call only
 */
typedef void eve_sink_fn(void *ctx, const char *line, size_t len);

/**
 * struct eve_log_cfg - how to create a log
 * @fd: an fd opened with O_APPEND, or -1 for none (lines still reach the
 *      sink and the counters)
 * @rate: lines per second; 0 = unlimited
 * @burst: lines back to back (0: EVE_BURST_DEFAULT)
 * @ring: lines buffered between flushes (0: EVE_RING_DEFAULT)
 */
struct eve_log_cfg {
	int fd;
	uint32_t rate;
	uint32_t burst;
	uint32_t ring;
};

/**
 * struct eve_log - one event stream; fields private to eve_log.c except
 * @counters
 * @fd: where lines go, -1 for nowhere
 * @sink: optional second consumer of flushed lines
 * @sink_ctx: its context
 * @ring: @ring_size slots of EVE_LINE_MAX bytes
 * @lens: bytes used in each slot
 * @ring_size: slots
 * @head: oldest queued slot
 * @count: slots queued
 * @credit_ns: token bucket credit, at most @burst * @cost_ns
 * @last_ns: when the credit was last topped up
 * @cost_ns: credit one line costs; 0 = unlimited
 * @burst: lines back to back
 * @wall_offset_ns: CLOCK_REALTIME - CLOCK_MONOTONIC
 * @fixed_clock: @wall_offset_ns was set by the caller; never resampled
 * @counters: enum eve_counter
 */
struct eve_log {
	int fd;
	eve_sink_fn *sink;
	void *sink_ctx;
	char *ring;
	uint16_t *lens;
	uint32_t ring_size;
	uint32_t head;
	uint32_t count;
	uint64_t credit_ns;
	uint64_t last_ns;
	uint64_t cost_ns;
	uint32_t burst;
	int64_t wall_offset_ns;
	bool fixed_clock;
	uint64_t counters[EVE_C_MAX];
};

/**
 * struct eve_buf - a JSON object being written into a fixed buffer
 * @w: the text, written through core/jsonw.c: @w.s the buffer, @w.size
 *     its size, @w.len bytes written (always < @w.size, kept
 *     NUL-terminated), @w.overflow set when something did not fit (the
 *     line must be discarded)
 * @depth: objects/arrays open
 * @comma: a value was written at this level: the next needs a comma
 */
struct eve_buf {
	struct jsonw w;
	uint8_t depth;
	bool comma;
};

/**
 * struct eve_flow - the addressing fields of an event
 * @src: source address (v4-mapped for IPv4), network order
 * @dst: destination address
 * @sport: TCP/UDP source port, host order
 * @dport: TCP/UDP destination port
 * @proto: IP protocol
 * @v6: the addresses are IPv6
 * @icmp: @icmp_type and @icmp_code are valid
 * @icmp_type: ICMP/ICMPv6 type
 * @icmp_code: ICMP/ICMPv6 code
 * @n_vlans: VLAN tags (0..2)
 * @vlan: their VIDs, outer first
 */
struct eve_flow {
	union pkt_addr src;
	union pkt_addr dst;
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;
	bool v6;
	bool icmp;
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint8_t n_vlans;
	uint16_t vlan[PKT_VLAN_MAX];
};

int eve_log_init(struct eve_log *log, const struct eve_log_cfg *cfg);
void eve_log_fini(struct eve_log *log);
void eve_log_set_rate(struct eve_log *log, uint32_t rate, uint32_t burst);
int eve_log_set_fd(struct eve_log *log, int fd);
void eve_log_set_sink(struct eve_log *log, eve_sink_fn *fn, void *ctx);
void eve_log_sync_clock(struct eve_log *log);
void eve_log_set_wall_offset(struct eve_log *log, int64_t offset_ns);
bool eve_log_begin(struct eve_log *log, uint64_t now_ns, struct eve_buf *b);
int eve_log_commit(struct eve_log *log, struct eve_buf *b);
unsigned int eve_log_flush(struct eve_log *log);

void eve_buf_init(struct eve_buf *b, char *s, size_t size);
void eve_obj_open(struct eve_buf *b, const char *key);
void eve_obj_close(struct eve_buf *b);
void eve_arr_open(struct eve_buf *b, const char *key);
void eve_arr_close(struct eve_buf *b);
void eve_put_str(struct eve_buf *b, const char *key, const char *val);
void eve_put_u64(struct eve_buf *b, const char *key, uint64_t val);
void eve_put_bool(struct eve_buf *b, const char *key, bool val);
void eve_put_ip(struct eve_buf *b, const char *key, const union pkt_addr *a,
		bool v6);
void eve_put_time(struct eve_buf *b, const char *key, uint64_t wall_ns);
void eve_put_header(struct eve_buf *b, const struct eve_log *log,
		    uint64_t now_ns, uint64_t flow_id, const char *iface,
		    const char *event_type, const struct eve_flow *f);
const char *eve_proto_name(uint8_t proto, char *buf, size_t size);
void eve_flow_from_meta(const struct pkt_meta *m, struct eve_flow *f);

#endif
