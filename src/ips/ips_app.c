// SPDX-License-Identifier: MIT
/*
 * ips_app.c - application protocol detection from a flow's first bytes
 * and ports: HTTP request methods or "HTTP/1." by content, TLS handshake
 * records by content, DNS by port 53. See ips_app.h.
 */
#include <netinet/in.h>
#include <string.h>

#include "ips/ips_app.h"

/* Request methods that start an HTTP/1.x client stream (RFC 9110, WebDAV) */
static const char *const http_methods[] = {
	"GET",	   "POST",  "HEAD",  "PUT",	 "DELETE",    "OPTIONS",
	"CONNECT", "TRACE", "PATCH", "PROPFIND", "PROPPATCH", "MKCOL",
	"COPY",	   "MOVE",  "LOCK",  "UNLOCK",	 "SEARCH",    "REPORT",
};

static const char http_resp[] = "HTTP/1.";

/* 1: data starts with the method and a space; 0: no; -1: prefix of it */
static int match_token(const uint8_t *data, uint32_t len, const char *tok,
		       bool space)
{
	uint32_t n = (uint32_t)strlen(tok);
	uint32_t k = len < n ? len : n;

	if (memcmp(data, tok, k))
		return 0;
	if (len < n + (space ? 1 : 0))
		return -1;
	return !space || data[n] == ' ';
}

static int http_match(const uint8_t *data, uint32_t len, bool to_server)
{
	int best = 0;

	if (!to_server)
		return match_token(data, len, http_resp, false);
	for (size_t i = 0; i < sizeof(http_methods) / sizeof(*http_methods);
	     i++) {
		int m = match_token(data, len, http_methods[i], true);

		if (m == 1)
			return 1;
		if (m < 0)
			best = -1;
	}
	return best;
}

static int tls_match(const uint8_t *data, uint32_t len)
{
	if (len == 0 || data[0] != 0x16)
		return 0;
	if (len == 1)
		return -1;
	return data[1] == 0x03;
}

/**
 * ips_app_detect() - the application protocol of a flow
 * @data: the first payload bytes of the direction (untrusted)
 * @len: bytes of @data
 * @proto: IPPROTO_TCP or IPPROTO_UDP
 * @sport: source port, host order
 * @dport: destination port, host order
 * @to_server: the bytes go client to server
 *
 * Return: enum ips_app, IPS_APP_NONE when nothing fits.
 */
enum ips_app ips_app_detect(const uint8_t *data, uint32_t len, uint8_t proto,
			    uint16_t sport, uint16_t dport, bool to_server)
{
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return IPS_APP_NONE;
	if (proto == IPPROTO_TCP && len) {
		if (http_match(data, len, to_server) == 1)
			return IPS_APP_HTTP;
		if (tls_match(data, len) == 1)
			return IPS_APP_TLS;
	}
	if (sport == 53 || dport == 53)
		return IPS_APP_DNS;
	return IPS_APP_NONE;
}

/**
 * ips_app_undecided() - could more bytes still change a NONE answer?
 * @data: the bytes seen so far
 * @len: their length
 * @to_server: the direction
 *
 * Return: true if @data is a strict prefix of a recognised start.
 */
bool ips_app_undecided(const uint8_t *data, uint32_t len, bool to_server)
{
	if (len == 0)
		return true;
	return http_match(data, len, to_server) < 0 || tls_match(data, len) < 0;
}
