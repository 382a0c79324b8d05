/* SPDX-License-Identifier: MIT */
/*
 * ips_inspect.h - the IPS packet path: one IPv4/IPv6 packet in, a verdict
 * out, alerts through a callback. Used by the offline mode (`dcbox ips
 * -r`) and by the inline firewall appliance.
 *
 * Per packet: decode IPv4/IPv6 and TCP/UDP/ICMP (optionally validating
 * checksums), reassemble IPv4/IPv6 fragments (the datagram is inspected
 * when its last fragment arrives), find or create the flow (both directions
 * one flow), short-cut flows already dropped or passed, then inspect:
 * the packet itself (flow NO_STREAM), new in-order TCP stream data
 * (ONLY_STREAM, with a tail of earlier data so patterns may span
 * segments), and each application-layer event (HTTP request/response
 * headers and bodies, DNS query, TLS SNI). See ips_inspect.c for the
 * theory of operation.
 *
 * Verdicts follow Suricata: with @inline_mode a drop rule drops the packet
 * and every later packet of its flow, reject does the same and returns
 * IPS_VERDICT_REJECT (the caller sends TCP RSTs or ICMP unreachable),
 * and pass stops inspecting the flow. Without @inline_mode every packet
 * passes and drop/reject rules only alert (struct ips_alert.blocked
 * false, EVE action "allowed").
 *
 * One struct ips_inspect is used by one thread. No allocation per packet:
 * flows, stream and fragment buffers come from pools sized at create.
 */
#ifndef DCBOX_IPS_INSPECT_H
#define DCBOX_IPS_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include "ips/ips_alert_fmt.h"

struct ips_engine;
struct ips_inspect;

enum {
	IPS_INSPECT_FLOWS_DEFAULT = 65536,
	IPS_INSPECT_STREAM_MEMCAP_DEFAULT = 64 << 20, /* bytes */
	IPS_INSPECT_FRAG_MEMCAP_DEFAULT = 16 << 20,
};

/**
 * struct ips_inspect_cfg - how to build an inspector (0 = default)
 * @inline_mode: drop/reject/pass act (else they only alert)
 * @checksums: validate IPv4/TCP/UDP/ICMP checksums; an invalid one means
 *             the packet is not inspected (counted, verdict pass)
 * @max_flows: flows tracked at once (IPS_INSPECT_FLOWS_DEFAULT)
 * @stream_memcap: bytes of out-of-order TCP data held, all flows
 * @frag_memcap: bytes of IPv4/IPv6 fragments held
 */
struct ips_inspect_cfg {
	bool inline_mode;
	bool checksums;
	uint32_t max_flows;
	uint64_t stream_memcap;
	uint64_t frag_memcap;
};

/** enum ips_verdict - what to do with the packet */
enum ips_verdict {
	IPS_VERDICT_PASS,
	IPS_VERDICT_DROP,
	IPS_VERDICT_REJECT, /* drop, and answer with RST / ICMP unreachable */
};

/*
 * IPS_INSPECT_COUNTERS(X) - X(ENUM_SUFFIX, "name", "description")
 */
#define IPS_INSPECT_COUNTERS(X)                                                \
	X(PACKETS, "packets", "packets given to the inspector")                \
	X(BYTES, "bytes", "bytes of those packets (from the IP header)")       \
	X(INVALID, "invalid", "not inspected: truncated or bad headers")       \
	X(CSUM_BAD, "csum_bad", "not inspected: invalid checksum")             \
	X(FRAGMENTS, "fragments", "IPv4/IPv6 fragments seen")                  \
	X(REASSEMBLED, "reassembled", "datagrams reassembled from fragments")  \
	X(FRAG_HELD, "frag_held", "fragments held for a later one")            \
	X(FRAG_BAD, "frag_bad",                                                \
	  "fragments refused by reassembly (inline: dropped)")                 \
	X(UNSUPPORTED, "unsupported", "not inspected: not IPv4/IPv6")          \
	X(FLOWS, "flows", "flows created")                                     \
	X(FLOWS_EVICTED, "flows_evicted", "flows evicted while in use")        \
	X(FLOWS_TIMEOUT, "flows_timeout", "flows expired")                     \
	X(FLOWS_FLUSHED, "flows_flushed",                                      \
	  "flows ended by ips_inspect_flush() (end of capture)")               \
	X(NO_FLOW, "no_flow", "packets inspected without a flow (no room)")    \
	X(TCP_SEGMENTS, "tcp_segments", "TCP segments with data")              \
	X(STREAM_BYTES, "stream_bytes", "in-order TCP stream bytes inspected") \
	X(WIN_PARTIAL, "win_partial",                                          \
	  "stream windows scanned from the tail's last bytes (carry known)")   \
	X(HTTP_EVENTS, "http_events", "HTTP events inspected")                 \
	X(DNS_QUERIES, "dns_queries", "DNS queries inspected")                 \
	X(TLS_SNI, "tls_sni", "TLS ClientHello SNIs inspected")                \
	X(NO_APP_SLOT, "no_app_slot",                                          \
	  "flows without app-layer state (pool full)")                         \
	X(INSPECTIONS, "inspections", "calls into detection")                  \
	X(ALERTS, "alerts", "alerts reported")                                 \
	X(DROPS, "drops", "packets dropped (inline)")                          \
	X(REJECTS, "rejects", "packets rejected (inline)")                     \
	X(FLOW_DROPPED, "flow_dropped", "packets of an already dropped flow")  \
	X(FLOW_PASSED, "flow_passed", "packets of a passed flow, uninspected")

/** enum ips_inspect_counter - index into ips_inspect_counters() */
enum ips_inspect_counter {
#define IPS_INSPECT_COUNTER_ENUM(e, n, d) IPS_IC_##e,
	IPS_INSPECT_COUNTERS(IPS_INSPECT_COUNTER_ENUM)
#undef IPS_INSPECT_COUNTER_ENUM
		IPS_IC_MAX
};

extern const char *const ips_inspect_counter_names[IPS_IC_MAX];

/**
 * typedef ips_alert_fn - receives each alert, during ips_inspect_packet()
 * @ctx: the caller's context
 * @a: the alert (valid during the call only)
 */
typedef void ips_alert_fn(void *ctx, const struct ips_alert *a);

struct ips_inspect *ips_inspect_create(const struct ips_inspect_cfg *cfg,
				       struct ips_engine *eng, ips_alert_fn *fn,
				       void *ctx);
void ips_inspect_destroy(struct ips_inspect *in);
enum ips_verdict ips_inspect_packet(struct ips_inspect *in, const uint8_t *l3,
				    uint32_t len, uint64_t now_ns,
				    uint64_t ts_ns);
int ips_inspect_set_engine(struct ips_inspect *in, struct ips_engine *eng);
void ips_inspect_tick(struct ips_inspect *in, uint64_t now_ns);
uint32_t ips_inspect_flush(struct ips_inspect *in);
const uint64_t *ips_inspect_counters(const struct ips_inspect *in);
uint32_t ips_inspect_flows_active(const struct ips_inspect *in);

#endif
