/* SPDX-License-Identifier: MIT */
/*
 * ips_pkt.h - what detection sees of one packet or one piece of a stream:
 * the header facts rules test (addresses, ports, protocol, flow state) and
 * the inspection buffers (payload, HTTP fields, DNS query, TLS SNI).
 *
 * This is the contract between the parts of the IPS: the inspector
 * (ips_inspect.c: decode, defragment, flows, stream reassembly, app-layer
 * parsers) fills a struct ips_pktinfo and hands it to the detection engine
 * (ips_detect.h), which never looks at raw packets itself. Buffers point
 * into memory the inspector owns; they are valid only during the call.
 *
 * One packet may be inspected several times: once as a packet (payload =
 * this packet's L4 payload), once per stretch of reassembled stream data
 * (IPS_FLOW_ONLY_STREAM set, payload = the stream window) and once per
 * application-layer event (an HTTP request's headers, a DNS query...),
 * each time with only the buffers that event has. A rule is evaluated when
 * every buffer it uses is present (@bufs.present).
 */
#ifndef DCBOX_IPS_PKT_H
#define DCBOX_IPS_PKT_H

#include <stdbool.h>
#include <stdint.h>

#include "ips/ips_rule.h"

/**
 * struct ips_bufs - inspection buffers by enum ips_buf
 * @p: start of buffer b (valid when bit b of @present is set)
 * @len: its length (may be 0)
 * @present: bit b set when buffer b exists for this inspection
 */
struct ips_bufs {
	const uint8_t *p[IPS_BUF_MAX];
	uint32_t len[IPS_BUF_MAX];
	uint64_t present;
};

_Static_assert(IPS_BUF_MAX <= 64, "ips_bufs.present holds one bit per buffer");

/**
 * struct ips_pktinfo - one inspection's header facts and buffers
 * @family: 4 or 6
 * @proto: IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, ...
 * @tcp_flags: TCP flag byte as on the wire (IPS_TCP_*), 0 otherwise
 * @icmp_type: ICMP/ICMPv6 type (valid for ICMP)
 * @icmp_code: ... and code
 * @sport: source port, host order (0 without ports)
 * @dport: destination port, host order
 * @src4: IPv4 source, host order (family 4)
 * @dst4: IPv4 destination, host order
 * @src6: IPv6 source, network order (family 6)
 * @dst6: IPv6 destination
 * @dsize: L4 payload bytes of the packet (for dsize:)
 * @flow: IPS_FLOW_* facts of this inspection: TO_SERVER or TO_CLIENT
 *        (direction relative to the flow's first packet), ESTABLISHED or
 *        NOT_ESTABLISHED (TCP after the handshake; UDP once both sides
 *        spoke), ONLY_STREAM (reassembled stream data) or NO_STREAM (a
 *        packet), ONLY_FRAG (a reassembled datagram) or NO_FRAG
 * @app: enum ips_app the flow's data was recognised as (IPS_APP_NONE
 *       when unknown)
 * @flowbits: the flow's flowbit array (bit id - 1 for flowbit id id), or
 *            NULL without a flow; detection reads and writes it
 * @n_flowbit_words: 64-bit words in @flowbits
 * @now_ns: monotonic time, for thresholds
 * @bufs: inspection buffers
 */
struct ips_pktinfo {
	uint8_t family;
	uint8_t proto;
	uint8_t tcp_flags;
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t sport;
	uint16_t dport;
	uint32_t src4;
	uint32_t dst4;
	uint8_t src6[16];
	uint8_t dst6[16];
	uint32_t dsize;
	uint32_t flow;
	uint8_t app;
	uint64_t *flowbits;
	uint32_t n_flowbit_words;
	uint64_t now_ns;
	struct ips_bufs bufs;
};

#endif
