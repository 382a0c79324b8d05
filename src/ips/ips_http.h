/* SPDX-License-Identifier: MIT */
/*
 * ips_http.h - incremental HTTP/1.x parser for the IPS: fed a TCP flow's
 * in-order reassembled bytes in arbitrary chunks, one state machine per
 * direction (requests to_server, responses to_client), it fills the HTTP
 * inspection buffers of struct ips_bufs (ips_pkt.h) and hands them to a
 * callback once per request and once per response.
 *
 * Events. A request (response) is reported once, when it is complete for
 * inspection: with its header buffers (method, URI raw and normalised,
 * host, user agent, headers...) and, if it has a body, the body buffer
 * (HTTP_REQUEST_BODY / HTTP_RESPONSE_BODY and FILE_DATA) up to the body
 * limit. "Complete" means: no body, or the body ended (Content-Length,
 * last chunk, or the server closed for a response without length), or the
 * body limit was reached, or the flow closed (ips_http_close()). One event
 * per message means a rule using http.uri and http.request_body matches,
 * and a rule using only http.uri fires once, not once per piece. The
 * price: a message with a body is inspected when its body (up to the
 * limit) is in, not when its headers are.
 *
 * Transactions. Responses are paired with requests FIFO (to know that a
 * response to HEAD has no body, and for the request's buffers). As in
 * Suricata, where a request and its response are one transaction, a
 * response event also carries its request's IPS_HTTP_TXN_BUFS (http.uri,
 * http.uri.raw, http.method, http.host, http.host.raw, http.user_agent,
 * http.request_line), so a to_client rule may combine them with response
 * buffers. Not the request's Cookie: http.cookie is one buffer, the
 * response's Set-Cookie. Each request's values are copied when its
 * headers are parsed into a per-flow area of IPS_HTTP_TXN_SIZE bytes
 * that holds the copies of the requests awaiting a response, oldest
 * first; a request whose copy does not fit (pipelining, huge URIs) gets
 * none (counted as txn_no_room) and its response only its own buffers.
 * 1xx (except 101), 204 and 304 have no body; 101 Switching Protocols
 * and a 2xx to CONNECT end HTTP parsing of the flow (a tunnel follows).
 *
 * Gaps (IPS_HTTP_F_GAP: bytes were lost before this chunk): the direction
 * resynchronises - it drops the message in progress (counted) and skips
 * bytes until a line that starts like a message (a request method token
 * and a space on the request side, "HTTP/" on the response side).
 *
 * Memory: everything lives in one block of ips_http_size(cfg) bytes the
 * caller allocates per HTTP flow (from a bounded pool; nothing is
 * allocated here). Per direction: the raw header block (header_limit), a
 * derived area for normalised buffers (3 * header_limit + 64) and the body
 * (body limit), plus the request copies (IPS_HTTP_TXN_SIZE). With the
 * defaults (8 KiB headers, 16 KiB bodies) that is about
 * 2 * (8 + 24 + 16) + 4 KiB = 100 KiB per flow. Bytes beyond a limit are
 * counted, not inspected; a header block beyond header_limit is an anomaly
 * (the part that fit is still parsed and reported), never a failure.
 *
 * Not thread-safe: one flow is fed by one thread at a time.
 */
#ifndef DCBOX_IPS_HTTP_H
#define DCBOX_IPS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ips/ips_pkt.h"

enum {
	IPS_HTTP_HEADER_LIMIT_DEFAULT = 8192,
	IPS_HTTP_BODY_LIMIT_DEFAULT = 16384,
	IPS_HTTP_HEADER_LIMIT_MIN = 256,
	IPS_HTTP_HEADER_LIMIT_MAX = 65536,
	IPS_HTTP_BODY_LIMIT_MAX = 1 << 20,
	IPS_HTTP_PENDING_MAX = 32, /* requests awaiting a response (FIFO) */
	IPS_HTTP_TXN_SIZE = 4096, /* copies of their buffers, per flow */
};

/* IPS_HTTP_TXN_BUFS - the request buffers a response event also carries */
#define IPS_HTTP_TXN_BUFS                                                      \
	((1ull << IPS_BUF_HTTP_URI) | (1ull << IPS_BUF_HTTP_URI_RAW) |         \
	 (1ull << IPS_BUF_HTTP_METHOD) | (1ull << IPS_BUF_HTTP_HOST) |         \
	 (1ull << IPS_BUF_HTTP_HOST_RAW) | (1ull << IPS_BUF_HTTP_USER_AGENT) | \
	 (1ull << IPS_BUF_HTTP_REQUEST_LINE))

/**
 * struct ips_http_cfg - per-flow limits (bytes)
 * @header_limit: header block (start line + headers) kept per message,
 *                IPS_HTTP_HEADER_LIMIT_MIN..MAX
 * @request_body_limit: request body bytes inspected, 0..BODY_LIMIT_MAX
 *                      (0: bodies are skipped, no body buffer)
 * @response_body_limit: response body bytes inspected, likewise
 */
struct ips_http_cfg {
	uint32_t header_limit;
	uint32_t request_body_limit;
	uint32_t response_body_limit;
};

/** enum ips_http_event - what the callback is told about */
enum ips_http_event {
	IPS_HTTP_EV_REQUEST, /* a request: headers (+ body) */
	IPS_HTTP_EV_RESPONSE, /* a response: headers (+ body) */
};

/* IPS_HTTP_ANOMALIES(X) - X(ENUM_SUFFIX, name) per-flow anomaly counters */
#define IPS_HTTP_ANOMALIES(X)                                                  \
	X(HEADER_TOO_LONG, "header_too_long")                                  \
	X(BAD_REQUEST_LINE, "bad_request_line")                                \
	X(BAD_STATUS_LINE, "bad_status_line")                                  \
	X(BAD_HEADER_LINE, "bad_header_line")                                  \
	X(BAD_CONTENT_LENGTH, "bad_content_length")                            \
	X(BAD_CHUNK, "bad_chunk")                                              \
	X(BODY_TRUNCATED, "body_truncated")                                    \
	X(GAP, "gap")                                                          \
	X(PENDING_OVERFLOW, "pending_overflow")                                \
	X(TXN_NO_ROOM, "txn_no_room")                                          \
	X(TUNNEL, "tunnel")

/** enum ips_http_anomaly - index of ips_http.anomalies[] */
enum ips_http_anomaly {
#define IPS_HTTP_ANOM_ENUM(e, s) IPS_HTTP_ANOM_##e,
	IPS_HTTP_ANOMALIES(IPS_HTTP_ANOM_ENUM)
#undef IPS_HTTP_ANOM_ENUM
		IPS_HTTP_ANOM_MAX
};

/** flags of ips_http_feed() */
enum {
	IPS_HTTP_F_GAP = 1u << 0, /* bytes were lost before this chunk */
};

/**
 * struct ips_http_dir - one direction's parser state (private: read the
 * counters through struct ips_http, the rest belongs to ips_http.c)
 */
struct ips_http_dir {
	uint8_t state;
	uint8_t eoh; /* line scanner: 1 at a line start, 2 after its '\r' */
	bool overflow; /* header block exceeded header_limit */
	bool has_body; /* the current message has a body */
	bool emitted; /* the current message was reported */
	bool chunk_ext; /* in a chunk-size line's extension */
	uint8_t chunk_digits;
	uint16_t chunk_line; /* bytes of the chunk-size line */
	uint32_t hdr_len; /* bytes in the raw header block */
	uint32_t body_len; /* bytes in the body buffer */
	uint32_t body_limit;
	uint64_t remain; /* Content-Length or chunk bytes left */
	uint32_t hdr_off, der_off, body_off; /* into ips_http.mem */
	struct ips_bufs bufs; /* the current message's buffers */
};

/**
 * struct ips_http - one flow's HTTP state; followed by its memory
 * @cfg: the limits it was set up with
 * @req: request side (to_server)
 * @resp: response side (to_client)
 * @pending: HEAD bits of requests not yet answered (bit 0 = oldest)
 * @n_pending: requests in @pending
 * @connect: bits of @pending that are CONNECT requests
 * @saved: bits of @pending whose buffers are copied in the txn area
 * @txn_len: bytes of the txn area in use (records, oldest first)
 * @txn_off: offset of the txn area in @mem
 * @resp_txn: the response in progress: 0 none, 1 carries the oldest
 *            record and drops it once reported, 2 carries it and leaves
 *            it (a 1xx interim response)
 * @requests: requests reported
 * @responses: responses reported
 * @body_skipped: body bytes beyond the limits, [0] requests, [1] responses
 * @anomalies: counters by enum ips_http_anomaly
 * @mem: the header, derived and body areas of both directions
 */
struct ips_http {
	struct ips_http_cfg cfg;
	struct ips_http_dir req;
	struct ips_http_dir resp;
	uint32_t pending;
	uint32_t connect;
	uint32_t saved;
	uint32_t n_pending;
	uint32_t txn_len;
	uint32_t txn_off;
	uint8_t resp_txn;
	uint32_t requests;
	uint32_t responses;
	uint64_t body_skipped[2];
	uint32_t anomalies[IPS_HTTP_ANOM_MAX];
	uint8_t mem[];
};

/**
 * typedef ips_http_event_fn - called once per request and per response
 * @ctx: the caller's context
 * @ev: IPS_HTTP_EV_REQUEST or IPS_HTTP_EV_RESPONSE
 * @b: the message's buffers; they point into the flow's memory and are
 *     valid only during the call
 */
typedef void ips_http_event_fn(void *ctx, enum ips_http_event ev,
			       const struct ips_bufs *b);

/**
 * ips_http_cfg_default() - fill @cfg with the default limits
 * @cfg: the configuration to fill
 */
void ips_http_cfg_default(struct ips_http_cfg *cfg);

/**
 * ips_http_size() - bytes of a struct ips_http with its memory for @cfg
 * @cfg: limits (checked by ips_http_init())
 *
 * Return: the size to allocate per flow.
 */
size_t ips_http_size(const struct ips_http_cfg *cfg);

/**
 * ips_http_init() - set up a flow's HTTP state in caller memory
 * @h: ips_http_size(@cfg) bytes
 * @cfg: limits
 *
 * Return: 0, or -EINVAL if a limit is out of range.
 */
int ips_http_init(struct ips_http *h, const struct ips_http_cfg *cfg);

/**
 * ips_http_feed() - parse the next in-order bytes of one direction
 * @h: the flow's state
 * @to_server: true for client-to-server (request) bytes
 * @data: the bytes (untrusted), any chunking
 * @len: bytes of @data
 * @flags: IPS_HTTP_F_*
 * @fn: called for every message completed by these bytes (may be NULL)
 * @ctx: passed to @fn
 *
 * Return: 0, or -EPROTO once the direction has stopped parsing (tunnel,
 * upgrade): later calls return -EPROTO at once and the caller may stop
 * feeding it.
 */
int ips_http_feed(struct ips_http *h, bool to_server, const uint8_t *data,
		  uint32_t len, uint32_t flags, ips_http_event_fn *fn,
		  void *ctx);

/**
 * ips_http_close() - a direction ended (FIN, RST or flow expiry)
 * @h: the flow's state
 * @to_server: the direction that ended
 * @fn: called for a message still in progress (a response body delimited
 *      by the close, or a message cut short), at most once
 * @ctx: passed to @fn
 *
 * Call it for both directions when the flow ends.
 */
void ips_http_close(struct ips_http *h, bool to_server, ips_http_event_fn *fn,
		    void *ctx);

/**
 * ips_http_anomaly_name() - the counter name of an anomaly
 * @a: enum ips_http_anomaly
 *
 * Return: a static string ("?" if out of range).
 */
const char *ips_http_anomaly_name(enum ips_http_anomaly a);

/**
 * ips_http_normalize_uri() - Suricata-like normalised form of a raw URI
 * @raw: the request target as sent (untrusted)
 * @len: its length
 * @out: at least @len bytes
 *
 * %XX is decoded everywhere (an invalid escape stays as written, %00
 * becomes a NUL byte, '+' stays '+'); in the path (before the first raw
 * '?') "//" collapses to "/", "/./" goes and "/../" removes the previous
 * segment, never going above the root.
 *
 * Return: the length written to @out (<= @len).
 */
uint32_t ips_http_normalize_uri(const uint8_t *raw, uint32_t len, uint8_t *out);

#endif
