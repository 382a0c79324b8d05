/* SPDX-License-Identifier: MIT */
/*
 * ips_inspect_priv.h - what the inspector's files share (ips_inspect.c:
 * the per-packet dispatcher and detection calls; ips_inspect_decode.c:
 * IP/TCP/UDP/ICMP decoding and checksums; ips_inspect_tcp.c: TCP state
 * and stream inspection; ips_inspect_app.c: HTTP, DNS and TLS). Not for
 * use outside src/ips/ips_inspect*.c.
 */
#ifndef DCBOX_IPS_INSPECT_PRIV_H
#define DCBOX_IPS_INSPECT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "ips/ips_detect.h"
#include "ips/ips_flow.h"
#include "ips/ips_frag.h"
#include "ips/ips_http.h"
#include "ips/ips_inspect.h"
#include "ips/ips_stream.h"
#include "ips/ips_tls.h"

enum {
	IPS_WIN_STEP = 65536, /* new stream bytes per raw inspection */
	IPS_PKT_FIRED_MAX = 64, /* rules remembered per packet (dedup) */
	IPS_OCC_MAX = 64, /* payload pattern occurrences kept per window */
	IPS_DNS_TCP_MAX = 4096, /* DNS-over-TCP message bytes collected */
};

/**
 * struct ips_decoded - one packet's headers, decoded
 * @family: 4 or 6
 * @proto: IP protocol (after IPv6 extension headers)
 * @tcp_flags: TCP flag byte
 * @icmp_type: ICMP type
 * @icmp_code: ICMP code
 * @sport: host order
 * @dport: host order
 * @src: network order, IPv4 in the first 4 bytes, rest zero
 * @dst: network order
 * @seq: TCP sequence number, host order
 * @ack: TCP acknowledgement number
 * @l4: the L4 header
 * @l4_len: bytes from @l4 to the end of the IP payload
 * @payload: L4 payload
 * @payload_len: its length
 * @has_l4: TCP/UDP/ICMP header decoded (else @payload is the IP payload)
 * @reassembled: a datagram rebuilt from fragments
 */
struct ips_decoded {
	uint8_t family;
	uint8_t proto;
	uint8_t tcp_flags;
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t sport;
	uint16_t dport;
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t seq;
	uint32_t ack;
	const uint8_t *l3;
	const uint8_t *l4;
	uint32_t l4_len;
	const uint8_t *payload;
	uint32_t payload_len;
	bool has_l4;
	bool reassembled;
};

/* kinds of inspection within one packet */
enum ips_insp_kind {
	IPS_INSP_PACKET, /* the packet's payload */
	IPS_INSP_STREAM, /* a window of reassembled stream */
	IPS_INSP_APP, /* an app-layer event */
};

/**
 * struct ips_pkt_ctx - the state of one ips_inspect_packet() call
 * @d: the decoded packet
 * @f: its flow, or NULL
 * @to_server: direction of the packet
 * @ts_ns: wall clock of the packet
 * @now_ns: monotonic clock
 * @kind: enum ips_insp_kind of the inspection under way
 * @win_start: stream offset of the inspected bytes' start (STREAM, and
 *             PACKET on a tracked stream)
 * @win_end: ... and end
 * @has_off: @win_start/@win_end are valid
 * @pass: a pass rule fired: stop inspecting
 * @drop: a drop rule fired (acts only inline)
 * @reject: a reject rule fired
 * @n_fired: entries of @fired
 * @fired: rule indices reported from raw (packet/stream) inspections
 * @expect: the stream's next_seq before the segment went in
 * @pre_len: bytes of the stream window prebuilt in the inspector's @win
 *           for this packet (0: none): the direction's tail followed by
 *           the payload, which the packet inspection scans instead of
 *           the payload alone, so that the window can reuse the scan
 * @pre_tail: tail bytes at the start of that window
 * @pre_insp: the inspection counter after the packet inspection that
 *            scanned it (its candidates are valid while it is unchanged)
 */
struct ips_pkt_ctx {
	struct ips_decoded d;
	struct ips_flow *f;
	bool to_server;
	uint64_t ts_ns;
	uint64_t now_ns;
	uint8_t kind;
	uint64_t win_start;
	uint64_t win_end;
	bool has_off;
	bool pass;
	bool drop;
	bool reject;
	uint32_t n_fired;
	uint32_t fired[IPS_PKT_FIRED_MAX];
	uint32_t expect;
	uint32_t pre_len;
	uint32_t pre_tail;
	uint64_t pre_insp;
};

/**
 * struct ips_inspect - one inspector (see ips_inspect.h)
 * @cfg: configuration, defaults filled in
 * @eng: detection engine
 * @scratch: its per-thread scratch
 * @fn: alert callback
 * @ctx: its context
 * @flows: flow table
 * @spool: stream chunk pool
 * @frag: IPv4 fragment table
 * @http_cfg: limits of each flow's HTTP parser
 * @win: window buffer: stream tail + new data
 * @cur: the packet being inspected
 * @txn_rules: the engine has rules that test a request's buffers on its
 *             response (else responses are inspected without them)
 * @last_ts_ns: wall clock of the latest packet (alerts raised by expiry)
 * @destroying: flows are being freed with the inspector: no inspection
 * @counters: enum ips_inspect_counter
 */
/**
 * struct ips_occ_ring - the payload pattern occurrences of the last
 * stream window scan (for the direction's carry, ips_inspect_tcp.c)
 * @dir: the direction whose window was scanned, NULL when none
 * @win_start: that window's stream offset
 * @n: occurrences reported (the last IPS_OCC_MAX are kept)
 * @pat: pattern id of each, by n % IPS_OCC_MAX
 * @start: where it starts in the window
 * @end: where it ends
 */
struct ips_occ_ring {
	const struct ips_flow_dir *dir;
	uint64_t win_start;
	uint32_t n;
	uint32_t pat[IPS_OCC_MAX];
	uint32_t start[IPS_OCC_MAX];
	uint32_t end[IPS_OCC_MAX];
};

struct ips_inspect {
	struct ips_inspect_cfg cfg;
	struct ips_engine *eng;
	struct ips_scratch *scratch;
	ips_alert_fn *fn;
	void *ctx;
	struct ips_flow_table *flows;
	struct ips_stream_pool spool;
	struct ips_frag_table *frag;
	struct ips_http_cfg http_cfg;
	uint8_t *win;
	struct ips_pkt_ctx cur;
	bool txn_rules;
	uint32_t gen;
	struct ips_occ_ring occ;
	uint64_t last_ts_ns;
	bool destroying;
	uint64_t counters[IPS_IC_MAX];
};

int ips_inspect_decode(const uint8_t *l3, uint32_t len, struct ips_decoded *d);
bool ips_inspect_csum_ok(const struct ips_decoded *d);
void ips_inspect_pktinfo(struct ips_inspect *in, struct ips_pktinfo *p);
void ips_inspect_run(struct ips_inspect *in, struct ips_pktinfo *p,
		     enum ips_insp_kind kind, const struct ips_detect_opts *o);
void ips_inspect_payload(struct ips_inspect *in);
bool ips_inspect_stopped(const struct ips_inspect *in);
void ips_inspect_tcp(struct ips_inspect *in);
void ips_inspect_win_opts(struct ips_inspect *in,
			  const struct ips_flow_dir *dir,
			  struct ips_detect_opts *o);
void ips_inspect_tcp_end(struct ips_inspect *in);
void ips_inspect_app_close(struct ips_inspect *in, bool to_server);
void ips_inspect_app_data(struct ips_inspect *in, const uint8_t *data,
			  uint32_t len, uint32_t flags);
void ips_inspect_udp_app(struct ips_inspect *in);
void ips_inspect_app_release(struct ips_inspect *in, struct ips_flow *f);
size_t ips_inspect_app_slot_size(const struct ips_http_cfg *hc);

#endif
