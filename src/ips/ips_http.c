// SPDX-License-Identifier: MIT
/*
 * ips_http.c - the incremental HTTP/1.x parser: two state machines per
 * flow (requests, responses) over in-order stream bytes, delivering one
 * event per message to the inspector. See ips_http.h for the contract;
 * ips_http_msg.c turns a header block into buffers.
 *
 * Theory of operation
 *
 * Each direction is a byte-stream state machine that never needs to see
 * more than the current chunk: a header block is copied into the
 * direction's header area (up to header_limit, the rest counted) while an
 * end-of-line scanner (dir.eoh) looks for the empty line; so a request
 * split anywhere, even byte by byte, builds the same block. Bodies are
 * framed by Content-Length, chunked coding (chunk-size lines parsed byte
 * by byte, data copied in bulk, trailers skipped) or, for responses, the
 * server's close. Body bytes go to the body area up to the body limit;
 * the event fires when the body ends or the limit fills, whichever comes
 * first, and the rest of the body is only counted (dir.emitted keeps it
 * to one event per message).
 *
 *   START --(non-blank byte)--> HDR --(empty line)--> [body state] --> START
 *     body states: BODY_CL | CHUNK_SIZE <-> CHUNK_DATA -> CHUNK_CRLF,
 *                  CHUNK_SIZE(0) -> TRAILER | BODY_CLOSE (until close)
 *   any --(gap)--> RESYNC --(line starting like a message)--> HDR
 *   101 / CONNECT 2xx --> DEAD (both directions: a tunnel follows)
 *
 * Responses are paired with requests FIFO through a bit queue (pending:
 * HEAD, connect: CONNECT, saved: has a copy), to frame response bodies
 * and to give a response its request's buffers. Those are copied into the
 * txn area when the request's headers are parsed (the request's own
 * areas are reused by the next request, which pipelining may send before
 * the response comes): one record per saved request, oldest first, each
 * a struct txn_hdr and the bytes; a buffer that lies inside one already
 * copied (the method and raw URI inside the request line) or equals one
 * (a URI already normal) is stored as a reference to it, so a typical
 * request takes ~200 bytes. The oldest record goes to the response that
 * pops its request and is dropped (memmove of the few younger records)
 * once that response is reported. Rejected alternatives: buffering whole
 * messages (unbounded), re-parsing from the message start on every chunk
 * (quadratic for byte-wise arrival), and keeping only the oldest
 * request's copy (a pipelined second request would lose its own).
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "ips/ips_app.h"
#include "ips/ips_http_priv.h"

enum http_state {
	ST_START,
	ST_HDR,
	ST_BODY_CL,
	ST_CHUNK_SIZE,
	ST_CHUNK_DATA,
	ST_CHUNK_CRLF,
	ST_TRAILER,
	ST_BODY_CLOSE,
	ST_RESYNC,
	ST_DEAD,
};

enum {
	CHUNK_LINE_MAX = 1024, /* chunk-size line with extensions */
	CHUNK_DIGITS_MAX = 15, /* hex digits of a chunk size */
	TXN_FIELDS = 7,
	TXN_TAKEN = 1, /* ips_http.resp_txn: the response owns record 0 */
	TXN_PEEK = 2, /* ... an interim response shows it, leaves it */
};

/* The request buffers copied for the response, in this order (a buffer
 * may reference an earlier one: the request line comes first) */
static const uint8_t txn_bufs[TXN_FIELDS] = {
	IPS_BUF_HTTP_REQUEST_LINE, IPS_BUF_HTTP_METHOD,	  IPS_BUF_HTTP_URI_RAW,
	IPS_BUF_HTTP_URI,	   IPS_BUF_HTTP_HOST_RAW, IPS_BUF_HTTP_HOST,
	IPS_BUF_HTTP_USER_AGENT,
};

/**
 * struct txn_hdr - the head of one request copy in the txn area (copied
 * in and out with memcpy: records are not aligned)
 * @size: bytes of the record, this header included
 * @present: bit i set when txn_bufs[i] was present
 * @off: where txn_bufs[i]'s bytes are, from the record's start
 * @len: their length
 */
struct txn_hdr {
	uint16_t size;
	uint16_t present;
	uint16_t off[TXN_FIELDS];
	uint16_t len[TXN_FIELDS];
};

_Static_assert(IPS_HTTP_TXN_SIZE <= UINT16_MAX, "record offsets are 16-bit");

static const char *const anomaly_names[] = {
#define IPS_HTTP_ANOM_NAME(e, s) s,
	IPS_HTTP_ANOMALIES(IPS_HTTP_ANOM_NAME)
#undef IPS_HTTP_ANOM_NAME
};

_Static_assert(sizeof(anomaly_names) / sizeof(*anomaly_names) ==
		       IPS_HTTP_ANOM_MAX,
	       "one name per anomaly");

/**
 * ips_http_anomaly_name() - the counter name of an anomaly
 * @a: enum ips_http_anomaly
 *
 * Return: a static string ("?" if out of range).
 */
const char *ips_http_anomaly_name(enum ips_http_anomaly a)
{
	return (unsigned)a < IPS_HTTP_ANOM_MAX ? anomaly_names[a] : "?";
}

/**
 * ips_http_cfg_default() - fill @cfg with the default limits
 * @cfg: the configuration to fill
 */
void ips_http_cfg_default(struct ips_http_cfg *cfg)
{
	cfg->header_limit = IPS_HTTP_HEADER_LIMIT_DEFAULT;
	cfg->request_body_limit = IPS_HTTP_BODY_LIMIT_DEFAULT;
	cfg->response_body_limit = IPS_HTTP_BODY_LIMIT_DEFAULT;
}

static bool cfg_valid(const struct ips_http_cfg *cfg)
{
	return cfg->header_limit >= IPS_HTTP_HEADER_LIMIT_MIN &&
	       cfg->header_limit <= IPS_HTTP_HEADER_LIMIT_MAX &&
	       cfg->request_body_limit <= IPS_HTTP_BODY_LIMIT_MAX &&
	       cfg->response_body_limit <= IPS_HTTP_BODY_LIMIT_MAX;
}

/**
 * ips_http_size() - bytes of a struct ips_http with its memory for @cfg
 * @cfg: limits
 *
 * Return: the size to allocate per flow (that of the default limits if
 * @cfg is out of range, so the size is always safe to allocate).
 */
size_t ips_http_size(const struct ips_http_cfg *cfg)
{
	struct ips_http_cfg def;
	size_t per;

	if (!cfg_valid(cfg)) {
		ips_http_cfg_default(&def);
		cfg = &def;
	}
	per = (size_t)cfg->header_limit + IPS_HTTP_DER_SIZE(cfg->header_limit);
	return sizeof(struct ips_http) + 2 * per + cfg->request_body_limit +
	       cfg->response_body_limit + IPS_HTTP_TXN_SIZE;
}

static void dir_init(struct ips_http_dir *d, uint32_t *off, uint32_t hl,
		     uint32_t body_limit)
{
	memset(d, 0, sizeof(*d));
	d->state = ST_START;
	d->body_limit = body_limit;
	d->hdr_off = *off;
	d->der_off = d->hdr_off + hl;
	d->body_off = d->der_off + IPS_HTTP_DER_SIZE(hl);
	*off = d->body_off + body_limit;
}

/**
 * ips_http_init() - set up a flow's HTTP state in caller memory
 * @h: ips_http_size(@cfg) bytes
 * @cfg: limits
 *
 * Return: 0, or -EINVAL if a limit is out of range.
 */
int ips_http_init(struct ips_http *h, const struct ips_http_cfg *cfg)
{
	uint32_t off = 0;

	if (!cfg_valid(cfg))
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	h->cfg = *cfg;
	dir_init(&h->req, &off, cfg->header_limit, cfg->request_body_limit);
	dir_init(&h->resp, &off, cfg->header_limit, cfg->response_body_limit);
	h->txn_off = off;
	return 0;
}

static void body_set_buf(struct ips_bufs *b, enum ips_buf buf, const uint8_t *p,
			 uint32_t len)
{
	b->p[buf] = p;
	b->len[buf] = len;
	b->present |= 1ull << buf;
}

/* ---- request copies for the responses (the txn area) ---- */

/* Can buffer @i of @b be stored as a reference into the record @rec?
 * Yes if it lies inside an earlier stored buffer or has the same bytes. */
static bool txn_reuse(const struct ips_bufs *b, const struct txn_hdr *t,
		      const uint8_t *rec, unsigned int i, uint16_t *off)
{
	uintptr_t p = (uintptr_t)b->p[txn_bufs[i]];
	uint32_t n = b->len[txn_bufs[i]];

	for (unsigned int j = 0; j < i; j++) {
		uintptr_t q = (uintptr_t)b->p[txn_bufs[j]];

		if (!(t->present & (1u << j)))
			continue;
		if (p >= q && p + n <= q + t->len[j]) {
			*off = (uint16_t)(t->off[j] + (p - q));
			return true;
		}
		if (n == t->len[j] &&
		    !memcmp(b->p[txn_bufs[i]], rec + t->off[j], n)) {
			*off = t->off[j];
			return true;
		}
	}
	return false;
}

/* Copy a request's buffers as the youngest record; false if no room */
static bool txn_save(struct ips_http *h, const struct ips_bufs *b)
{
	uint8_t *rec = h->mem + h->txn_off + h->txn_len;
	uint32_t room = IPS_HTTP_TXN_SIZE - h->txn_len;
	uint32_t used = sizeof(struct txn_hdr);
	struct txn_hdr t = {0};

	if (room < used)
		return false;
	for (unsigned int i = 0; i < TXN_FIELDS; i++) {
		uint8_t buf = txn_bufs[i];
		uint32_t n = b->len[buf];

		if (!(b->present & (1ull << buf)))
			continue;
		if (!txn_reuse(b, &t, rec, i, &t.off[i])) {
			if (n > room - used)
				return false;
			memcpy(rec + used, b->p[buf], n);
			t.off[i] = (uint16_t)used;
			used += n;
		}
		t.len[i] = (uint16_t)n;
		t.present |= (uint16_t)(1u << i);
	}
	t.size = (uint16_t)used;
	memcpy(rec, &t, sizeof(t));
	h->txn_len += used;
	return true;
}

/* Forget record @k (0 = oldest) */
static void txn_drop(struct ips_http *h, uint32_t k)
{
	uint8_t *a = h->mem + h->txn_off;
	uint32_t at = 0;
	struct txn_hdr t;

	for (;;) {
		if (at >= h->txn_len)
			return;
		memcpy(&t, a + at, sizeof(t));
		if (!k--)
			break;
		at += t.size;
	}
	memmove(a + at, a + at + t.size, h->txn_len - at - t.size);
	h->txn_len -= t.size;
}

/* The oldest record's buffers into a response's */
static void txn_attach(struct ips_http *h, struct ips_bufs *b)
{
	const uint8_t *rec = h->mem + h->txn_off;
	struct txn_hdr t;

	if (!h->txn_len)
		return;
	memcpy(&t, rec, sizeof(t));
	for (unsigned int i = 0; i < TXN_FIELDS; i++)
		if (t.present & (1u << i))
			body_set_buf(b, txn_bufs[i], rec + t.off[i], t.len[i]);
}

/* Report the direction's current message (once); a response shows its
 * request's buffers too */
static void emit(struct ips_http *h, struct ips_http_dir *d,
		 ips_http_event_fn *fn, void *ctx)
{
	bool request = d == &h->req;

	if (d->emitted)
		return;
	if (!request && h->resp_txn)
		txn_attach(h, &d->bufs);
	d->emitted = true;
	if (d->has_body && d->body_limit) {
		const uint8_t *body = h->mem + d->body_off;

		body_set_buf(&d->bufs,
			     request ? IPS_BUF_HTTP_REQUEST_BODY
				     : IPS_BUF_HTTP_RESPONSE_BODY,
			     body, d->body_len);
		body_set_buf(&d->bufs, IPS_BUF_FILE_DATA, body, d->body_len);
	}
	if (request)
		h->requests++;
	else
		h->responses++;
	if (fn)
		fn(ctx, request ? IPS_HTTP_EV_REQUEST : IPS_HTTP_EV_RESPONSE,
		   &d->bufs);
	if (!request && h->resp_txn) {
		d->bufs.present &= ~IPS_HTTP_TXN_BUFS;
		if (h->resp_txn == TXN_TAKEN)
			txn_drop(h, 0);
		h->resp_txn = 0;
	}
}

static void msg_reset(struct ips_http_dir *d)
{
	d->eoh = 0;
	d->overflow = false;
	d->has_body = false;
	d->emitted = false;
	d->hdr_len = 0;
	d->body_len = 0;
	d->remain = 0;
	d->bufs.present = 0;
}

/* The message ended: report it if not yet, wait for the next one */
static void finish(struct ips_http *h, struct ips_http_dir *d,
		   ips_http_event_fn *fn, void *ctx)
{
	emit(h, d, fn, ctx);
	msg_reset(d);
	d->state = ST_START;
}

static void kill_flow(struct ips_http *h)
{
	h->anomalies[IPS_HTTP_ANOM_TUNNEL]++;
	h->req.state = ST_DEAD;
	h->resp.state = ST_DEAD;
}

/* Queue a request (its buffers in @b) for its response */
static void pending_push(struct ips_http *h, const struct ips_http_msg *m,
			 const struct ips_bufs *b)
{
	bool saved;

	if (h->n_pending == IPS_HTTP_PENDING_MAX) {
		h->anomalies[IPS_HTTP_ANOM_PENDING_OVERFLOW]++;
		/* record 0 may be the response's in progress, not queued */
		if (h->saved & 1)
			txn_drop(h, h->resp_txn == TXN_TAKEN ? 1 : 0);
		h->pending >>= 1;
		h->connect >>= 1;
		h->saved >>= 1;
		h->n_pending--;
	}
	saved = txn_save(h, b);
	if (!saved)
		h->anomalies[IPS_HTTP_ANOM_TXN_NO_ROOM]++;
	h->pending |= (uint32_t)m->head << h->n_pending;
	h->connect |= (uint32_t)m->connect << h->n_pending;
	h->saved |= (uint32_t)saved << h->n_pending;
	h->n_pending++;
}

static void pending_pop(struct ips_http *h, bool *head, bool *connect,
			bool *saved)
{
	*head = false;
	*connect = false;
	*saved = false;
	if (!h->n_pending)
		return;
	*head = h->pending & 1;
	*connect = h->connect & 1;
	*saved = h->saved & 1;
	h->pending >>= 1;
	h->connect >>= 1;
	h->saved >>= 1;
	h->n_pending--;
}

/* Enter the body state the headers call for; false if there is no body */
static bool start_body(struct ips_http_dir *d, const struct ips_http_msg *m,
		       bool until_close)
{
	if (m->chunked) {
		d->state = ST_CHUNK_SIZE;
		d->remain = 0;
		d->chunk_digits = 0;
		d->chunk_line = 0;
		d->chunk_ext = false;
	} else if (m->content_length > 0) {
		d->state = ST_BODY_CL;
		d->remain = (uint64_t)m->content_length;
	} else if (m->content_length < 0 && until_close) {
		d->state = ST_BODY_CLOSE;
	} else {
		return false;
	}
	d->has_body = true;
	return true;
}

static void on_request(struct ips_http *h, ips_http_event_fn *fn, void *ctx)
{
	struct ips_http_dir *d = &h->req;
	struct ips_http_msg m;

	ips_http_msg_parse(h, d, true, &m);
	pending_push(h, &m, &d->bufs);
	if (!start_body(d, &m, false))
		finish(h, d, fn, ctx);
	else if (!d->body_limit)
		emit(h, d, fn, ctx);
}

static void on_response(struct ips_http *h, ips_http_event_fn *fn, void *ctx)
{
	struct ips_http_dir *d = &h->resp;
	struct ips_http_msg m;
	bool head, connect, saved;

	ips_http_msg_parse(h, d, false, &m);
	if (h->resp_txn == TXN_TAKEN) /* never reported: not expected */
		txn_drop(h, 0);
	h->resp_txn = 0;
	if (m.status >= 100 && m.status < 200 && m.status != 101) {
		/* interim: the request stays pending, its copy too */
		if (h->n_pending && (h->saved & 1))
			h->resp_txn = TXN_PEEK;
		finish(h, d, fn, ctx);
		return;
	}
	pending_pop(h, &head, &connect, &saved);
	if (saved)
		h->resp_txn = TXN_TAKEN;
	if (m.status == 101 || (connect && m.status >= 200 && m.status < 300)) {
		emit(h, d, fn, ctx);
		kill_flow(h);
		return;
	}
	if (head || m.status == 204 || m.status == 304 ||
	    !start_body(d, &m, true))
		finish(h, d, fn, ctx);
	else if (!d->body_limit)
		emit(h, d, fn, ctx);
}

static void hdr_put(struct ips_http *h, struct ips_http_dir *d,
		    const uint8_t *p, uint32_t n)
{
	uint32_t room = h->cfg.header_limit - d->hdr_len;

	if (n > room) {
		if (!d->overflow)
			h->anomalies[IPS_HTTP_ANOM_HEADER_TOO_LONG]++;
		d->overflow = true;
		n = room;
	}
	memcpy(h->mem + d->hdr_off + d->hdr_len, p, n);
	d->hdr_len += n;
}

/* Collect a header block; *done when its empty line was consumed */
static uint32_t hdr_consume(struct ips_http *h, struct ips_http_dir *d,
			    const uint8_t *p, uint32_t len, bool *done)
{
	uint32_t i = 0;

	*done = false;
	while (i < len) {
		uint8_t c;

		if (d->eoh == 0) {
			const uint8_t *nl = memchr(p + i, '\n', len - i);
			uint32_t end = nl ? (uint32_t)(nl - p) + 1 : len;

			hdr_put(h, d, p + i, end - i);
			i = end;
			if (nl)
				d->eoh = 1;
			continue;
		}
		c = p[i++];
		hdr_put(h, d, &c, 1);
		if (c == '\n') {
			*done = true;
			return i;
		}
		d->eoh = c == '\r' && d->eoh == 1 ? 2 : 0;
	}
	return i;
}

static void body_add(struct ips_http *h, struct ips_http_dir *d,
		     const uint8_t *p, uint32_t n, ips_http_event_fn *fn,
		     void *ctx)
{
	uint32_t room = d->body_limit - d->body_len;
	uint32_t k = n < room ? n : room;

	memcpy(h->mem + d->body_off + d->body_len, p, k);
	d->body_len += k;
	h->body_skipped[d == &h->req ? 0 : 1] += n - k;
	if (d->body_limit && d->body_len == d->body_limit)
		emit(h, d, fn, ctx);
}

static void bad_chunk(struct ips_http *h, struct ips_http_dir *d,
		      ips_http_event_fn *fn, void *ctx)
{
	h->anomalies[IPS_HTTP_ANOM_BAD_CHUNK]++;
	emit(h, d, fn, ctx);
	msg_reset(d);
	d->state = ST_RESYNC;
}

/* One byte of a chunk-size line: HEX [; ext] CRLF */
static void chunk_size_byte(struct ips_http *h, struct ips_http_dir *d,
			    uint8_t c, ips_http_event_fn *fn, void *ctx)
{
	int v = -1;

	if (++d->chunk_line > CHUNK_LINE_MAX) {
		bad_chunk(h, d, fn, ctx);
		return;
	}
	if (c == '\n') {
		if (!d->chunk_digits) {
			bad_chunk(h, d, fn, ctx);
			return;
		}
		d->state = d->remain ? ST_CHUNK_DATA : ST_TRAILER;
		d->eoh = 1;
		return;
	}
	if (d->chunk_ext || c == '\r')
		return;
	if (c >= '0' && c <= '9')
		v = c - '0';
	else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		v = (c | 0x20) - 'a' + 10;
	if (v >= 0 && d->chunk_digits < CHUNK_DIGITS_MAX) {
		d->remain = d->remain << 4 | (uint64_t)v;
		d->chunk_digits++;
	} else if ((c == ';' || c == ' ' || c == '\t') && d->chunk_digits) {
		d->chunk_ext = true;
	} else {
		bad_chunk(h, d, fn, ctx);
	}
}

/* One byte after a chunk's data: its CRLF */
static void chunk_crlf_byte(struct ips_http *h, struct ips_http_dir *d,
			    uint8_t c, ips_http_event_fn *fn, void *ctx)
{
	if (c == '\r')
		return;
	if (c != '\n') {
		bad_chunk(h, d, fn, ctx);
		return;
	}
	d->state = ST_CHUNK_SIZE;
	d->remain = 0;
	d->chunk_digits = 0;
	d->chunk_line = 0;
	d->chunk_ext = false;
}

/* One byte of the trailer section: ends at an empty line */
static void trailer_byte(struct ips_http *h, struct ips_http_dir *d, uint8_t c,
			 ips_http_event_fn *fn, void *ctx)
{
	if (c == '\n') {
		if (d->eoh) {
			finish(h, d, fn, ctx);
			return;
		}
		d->eoh = 1;
	} else {
		d->eoh = c == '\r' && d->eoh == 1 ? 2 : 0;
	}
}

/*
 * After a gap: skip to a line that starts like a message. The candidate
 * line start is collected in the header area (a method token is short, so
 * it stays far below header_limit) and then becomes the block's start.
 */
static uint32_t resync_consume(struct ips_http *h, struct ips_http_dir *d,
			       const uint8_t *p, uint32_t len)
{
	bool request = d == &h->req;
	uint8_t *cand = h->mem + d->hdr_off;
	uint32_t i = 0;

	while (i < len) {
		uint8_t c = p[i++];

		if (c == '\n' || c == '\r') {
			d->eoh = 1;
			d->hdr_len = 0;
			continue;
		}
		if (!d->eoh)
			continue;
		cand[d->hdr_len++] = c;
		if (ips_app_detect(cand, d->hdr_len, IPPROTO_TCP, 0, 0,
				   request) == IPS_APP_HTTP) {
			d->state = ST_HDR;
			d->eoh = 0;
			return i;
		}
		if (!ips_app_undecided(cand, d->hdr_len, request)) {
			d->eoh = 0;
			d->hdr_len = 0;
		}
	}
	return i;
}

static uint32_t min_u32(uint64_t a, uint32_t b)
{
	return a < b ? (uint32_t)a : b;
}

/* Consume some of p in the direction's state; returns bytes consumed */
static uint32_t step(struct ips_http *h, struct ips_http_dir *d,
		     const uint8_t *p, uint32_t len, ips_http_event_fn *fn,
		     void *ctx)
{
	uint32_t n;
	bool done;

	switch (d->state) {
	case ST_START:
		if (p[0] == '\r' || p[0] == '\n')
			return 1;
		msg_reset(d);
		d->state = ST_HDR;
		return 0;
	case ST_HDR:
		n = hdr_consume(h, d, p, len, &done);
		if (done && d == &h->req)
			on_request(h, fn, ctx);
		else if (done)
			on_response(h, fn, ctx);
		return n;
	case ST_BODY_CL:
	case ST_CHUNK_DATA:
		n = min_u32(d->remain, len);
		body_add(h, d, p, n, fn, ctx);
		d->remain -= n;
		if (!d->remain && d->state == ST_BODY_CL)
			finish(h, d, fn, ctx);
		else if (!d->remain)
			d->state = ST_CHUNK_CRLF;
		return n;
	case ST_BODY_CLOSE:
		body_add(h, d, p, len, fn, ctx);
		return len;
	case ST_CHUNK_SIZE:
		chunk_size_byte(h, d, p[0], fn, ctx);
		return 1;
	case ST_CHUNK_CRLF:
		chunk_crlf_byte(h, d, p[0], fn, ctx);
		return 1;
	case ST_TRAILER:
		trailer_byte(h, d, p[0], fn, ctx);
		return 1;
	case ST_RESYNC:
		return resync_consume(h, d, p, len);
	default:
		return len;
	}
}

/* Bytes were lost: report what the message had, then look for the next */
static void on_gap(struct ips_http *h, struct ips_http_dir *d,
		   ips_http_event_fn *fn, void *ctx)
{
	h->anomalies[IPS_HTTP_ANOM_GAP]++;
	if (d->state != ST_START && d->state != ST_HDR && d->state != ST_RESYNC)
		emit(h, d, fn, ctx);
	msg_reset(d);
	d->state = ST_RESYNC;
	d->eoh =
		1; /* a gap most often ends at a segment, i.e. message, start */
}

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
 * Return: 0, or -EPROTO once the direction has stopped parsing.
 */
int ips_http_feed(struct ips_http *h, bool to_server, const uint8_t *data,
		  uint32_t len, uint32_t flags, ips_http_event_fn *fn,
		  void *ctx)
{
	struct ips_http_dir *d = to_server ? &h->req : &h->resp;
	uint32_t off = 0;

	if (d->state == ST_DEAD)
		return -EPROTO;
	if (flags & IPS_HTTP_F_GAP)
		on_gap(h, d, fn, ctx);
	while (off < len && d->state != ST_DEAD)
		off += step(h, d, data + off, len - off, fn, ctx);
	return d->state == ST_DEAD ? -EPROTO : 0;
}

/**
 * ips_http_close() - a direction ended (FIN, RST or flow expiry)
 * @h: the flow's state
 * @to_server: the direction that ended
 * @fn: called for a message still in progress, at most once
 * @ctx: passed to @fn
 */
void ips_http_close(struct ips_http *h, bool to_server, ips_http_event_fn *fn,
		    void *ctx)
{
	struct ips_http_dir *d = to_server ? &h->req : &h->resp;

	switch (d->state) {
	case ST_HDR: /* headers cut short: inspect what came */
		if (to_server)
			on_request(h, fn, ctx);
		else
			on_response(h, fn, ctx);
		if (d->state != ST_START && d->state != ST_DEAD)
			emit(h, d, fn, ctx);
		break;
	case ST_BODY_CLOSE:
		emit(h, d, fn, ctx);
		break;
	case ST_BODY_CL:
	case ST_CHUNK_SIZE:
	case ST_CHUNK_DATA:
	case ST_CHUNK_CRLF:
	case ST_TRAILER:
		h->anomalies[IPS_HTTP_ANOM_BODY_TRUNCATED]++;
		emit(h, d, fn, ctx);
		break;
	default:
		break;
	}
	msg_reset(d);
	d->state = ST_DEAD;
}
