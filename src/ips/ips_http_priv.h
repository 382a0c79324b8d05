/* SPDX-License-Identifier: MIT */
/*
 * ips_http_priv.h - what ips_http.c (the per-direction state machines)
 * and ips_http_msg.c (a complete header block -> inspection buffers) share.
 * Not for use outside these two files.
 */
#ifndef DCBOX_IPS_HTTP_PRIV_H
#define DCBOX_IPS_HTTP_PRIV_H

#include "ips/ips_http.h"

/* Derived area per direction: http.header, http.header_names, URI + host */
#define IPS_HTTP_DER_SIZE(hl) (3u * (hl) + 64u)

/**
 * struct ips_http_msg - what the state machine needs from a header block
 * @content_length: Content-Length, or -1 without (or invalid)
 * @chunked: Transfer-Encoding ends in chunked
 * @head: the request's method is HEAD
 * @connect: ... is CONNECT
 * @status: a response's status code, -1 if unreadable
 */
struct ips_http_msg {
	int64_t content_length;
	bool chunked;
	bool head;
	bool connect;
	int status;
};

/**
 * ips_http_msg_parse() - parse a direction's complete header block
 * @h: the flow (anomaly counters)
 * @d: the direction; its block is mem[hdr_off, hdr_off + hdr_len)
 * @request: a request block (else a response)
 * @m: framing facts for the state machine
 *
 * Fills @d->bufs with the header buffers (present bits included), writing
 * derived buffers into @d's derived area.
 */
void ips_http_msg_parse(struct ips_http *h, struct ips_http_dir *d,
			bool request, struct ips_http_msg *m);

#endif
