/* SPDX-License-Identifier: MIT */
/*
 * ips_alert_fmt.h - one IPS alert as Suricata writes it: an EVE JSON line
 * (event_type "alert") and a fast.log line, formatted into a caller's
 * buffer. No I/O and no allocation: the inspector's alert callback (the
 * offline mode, the inline appliance) formats and writes where it wants.
 *
 *	{"timestamp":"2026-11-26T06:00:00.123456+0000","flow_id":1234,
 *	 "event_type":"alert","src_ip":"10.0.0.1","src_port":1234,
 *	 "dest_ip":"10.0.0.2","dest_port":80,"proto":"TCP",
 *	 "alert":{"action":"allowed","gid":1,"signature_id":2000001,"rev":1,
 *	 "signature":"msg","category":"Web Application Attack","severity":1},
 *	 "app_proto":"http"}
 *
 *	11/26/2026-06:00:00.123456  [**] [1:2000001:1] msg [**]
 *	 [Classification: Web Application Attack] [Priority: 1] {TCP}
 *	 10.0.0.1:1234 -> 10.0.0.2:80
 *
 * Category and severity are what Suricata prints with the stock
 * classification.config (built in here; the rule set does not load one):
 * the classtype's description and priority, a rule's priority: overriding
 * it; an unknown classtype is printed as written with priority 3; no
 * classtype is "" in EVE and "(null)" in fast.log, exactly as Suricata.
 * Times are UTC (see eve_log.h for why). This file sits in the ips layer
 * and so does not use node/eve_log.c's builder; it writes the same shapes
 * through the same core/jsonw.c appender, escaping bytes >= 0x80 where
 * EVE passes them through.
 */
#ifndef DCBOX_IPS_ALERT_FMT_H
#define DCBOX_IPS_ALERT_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ips/ips_rule.h"

enum {
	IPS_ALERT_LINE_MAX = 2048, /* a buffer this size fits any alert */
};

/**
 * struct ips_alert - one alert, as the inspector reports it
 * @rule: the rule that fired (valid during the callback only)
 * @blocked: the packet was dropped/rejected (inline drop or reject rule)
 * @flow_id: the flow's id (EVE flow_id), 0 without a flow
 * @ts_ns: wall-clock time of the packet, ns since the epoch (UTC)
 * @family: 4 or 6
 * @proto: IP protocol
 * @app: enum ips_app of the flow (app_proto), IPS_APP_NONE if unknown
 * @icmp_type: ICMP type (ICMP/ICMPv6)
 * @icmp_code: ICMP code
 * @sport: source port, host order (TCP/UDP)
 * @dport: destination port
 * @src: source address, network order (IPv4: the first 4 bytes)
 * @dst: destination address
 * @iface: EVE in_iface, or NULL to leave it out
 */
struct ips_alert {
	const struct ips_rule *rule;
	bool blocked;
	uint64_t flow_id;
	uint64_t ts_ns;
	uint8_t family;
	uint8_t proto;
	uint8_t app;
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t sport;
	uint16_t dport;
	uint8_t src[16];
	uint8_t dst[16];
	const char *iface;
};

int ips_alert_eve(const struct ips_alert *a, char *buf, size_t size);
int ips_alert_fast(const struct ips_alert *a, char *buf, size_t size);
const char *ips_alert_category(const struct ips_rule *r);
uint32_t ips_alert_severity(const struct ips_rule *r);
const char *ips_app_name(uint8_t app);

#endif
