/* SPDX-License-Identifier: MIT */
/*
 * ips_app.h - which application protocol a flow carries, from its first
 * bytes and its ports (enum ips_app is in ips_rule.h): the inspector asks
 * once per flow, with the first payload of either direction, to pick the
 * app-layer parser (ips_http.h, ips_dns.h, ips_tls.h).
 *
 *  - HTTP: the client's stream starts with a request method token
 *    (GET, POST, HEAD, PUT, DELETE, OPTIONS, CONNECT, TRACE, PATCH,
 *    PROPFIND, ...) and a space, or the server's with "HTTP/1.", on any
 *    port.
 *  - TLS: 0x16 0x03 (a handshake record), on any port.
 *  - DNS: UDP or TCP with port 53 at either end.
 *
 * Content wins over ports. Stateless; no allocation.
 */
#ifndef DCBOX_IPS_APP_H
#define DCBOX_IPS_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "ips/ips_rule.h"

enum {
	IPS_APP_DETECT_MIN = 8, /* bytes that settle a content decision */
};

/**
 * ips_app_detect() - the application protocol of a flow
 * @data: the first payload bytes of the direction (untrusted)
 * @len: bytes of @data (may be 0)
 * @proto: IPPROTO_TCP or IPPROTO_UDP (others give IPS_APP_NONE)
 * @sport: source port of these bytes, host order
 * @dport: destination port, host order
 * @to_server: the bytes go client to server
 *
 * Return: enum ips_app; IPS_APP_NONE when nothing fits (see
 * ips_app_undecided() for "not yet").
 */
enum ips_app ips_app_detect(const uint8_t *data, uint32_t len, uint8_t proto,
			    uint16_t sport, uint16_t dport, bool to_server);

/**
 * ips_app_undecided() - could more bytes still change a NONE answer?
 * @data: the bytes seen so far
 * @len: their length
 * @to_server: the direction
 *
 * Return: true if @data is a strict prefix of something ips_app_detect()
 * recognises (e.g. "GE" or a lone 0x16): ask again with more bytes.
 */
bool ips_app_undecided(const uint8_t *data, uint32_t len, bool to_server);

#endif
