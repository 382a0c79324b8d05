// SPDX-License-Identifier: MIT
/*
 * ips_http_msg.c - one complete HTTP/1.x header block (start line and
 * header lines, as ips_http.c collected it) turned into the inspection
 * buffers of struct ips_bufs, plus the framing facts the state machine
 * needs (Content-Length, chunked, HEAD/CONNECT, status code). Also the
 * URI normaliser behind http.uri.
 *
 * Buffers either point into the raw block (values of single headers,
 * request line pieces, http.start, http.header.raw) or into the
 * direction's derived area, which has three fixed regions whose sizes
 * bound what is written there: http.header (<= block + 2), http.header_names
 * (<= block + 4) and the normalised URI followed by the lowercased host
 * (each shorter than the raw text it comes from). Every write is still
 * bounds-checked (struct wr), so a wrong estimate truncates, never
 * overflows.
 *
 * Suricata's conventions: header values without leading/trailing blanks;
 * http.header is "Name: value\r\n" per header (Cookie and Set-Cookie left
 * out, they are http.cookie) plus a closing "\r\n"; http.header_names is
 * "\r\nName1\r\nName2\r\n\r\n"; http.host is lowercased without the port
 * and comes from an absolute URI if there is one. Differences: for a
 * header given twice only the first value is kept (Suricata joins them
 * with ", "); http.start is the raw block; folded (obs-fold) lines are
 * counted as bad header lines and skipped.
 */
#include <string.h>
#include <strings.h>

#include "ips/ips_http_priv.h"

/* A bounded writer into one derived region */
struct wr {
	uint8_t *p;
	uint32_t n;
	uint32_t cap;
};

static void wr_put(struct wr *w, const void *src, uint32_t n)
{
	if (n > w->cap - w->n)
		n = w->cap - w->n;
	memcpy(w->p + w->n, src, n);
	w->n += n;
}

static void set_buf(struct ips_bufs *b, enum ips_buf buf, const uint8_t *p,
		    uint32_t len)
{
	b->p[buf] = p;
	b->len[buf] = len;
	b->present |= 1ull << buf;
}

static bool has_buf(const struct ips_bufs *b, enum ips_buf buf)
{
	return b->present & (1ull << buf);
}

static bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Next line of b[*pos, n) without its "\r\n" / "\n"; false at the end */
static bool next_line(const uint8_t *b, uint32_t n, uint32_t *pos,
		      const uint8_t **line, uint32_t *len)
{
	const uint8_t *nl;
	uint32_t end;

	if (*pos >= n)
		return false;
	nl = memchr(b + *pos, '\n', n - *pos);
	end = nl ? (uint32_t)(nl - b) : n;
	*line = b + *pos;
	*len = end - *pos;
	if (*len && (*line)[*len - 1] == '\r')
		(*len)--;
	*pos = nl ? end + 1 : n;
	return true;
}

/* %XX decoding of src into out (out may equal src); returns bytes out */
static uint32_t pct_decode(const uint8_t *src, uint32_t len, uint8_t *out)
{
	uint32_t o = 0;

	for (uint32_t i = 0; i < len; i++) {
		int hi, lo;

		if (src[i] == '%' && i + 2 < len &&
		    (hi = hexval(src[i + 1])) >= 0 &&
		    (lo = hexval(src[i + 2])) >= 0) {
			out[o++] = (uint8_t)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = src[i];
		}
	}
	return o;
}

/*
 * Remove "." and ".." segments and empty ones ("//") from s[0, n) in
 * place; ".." never climbs above the leading '/'. Invariant: before each
 * segment the output is at the root or ends with '/'.
 */
static uint32_t path_normalize(uint8_t *s, uint32_t n)
{
	uint32_t i = 0, o = 0, root;

	if (n && s[0] == '/') {
		o = 1;
		i = 1;
	}
	root = o;
	while (i < n) {
		uint32_t j = i, seg;
		bool slash;

		if (s[i] == '/') {
			i++;
			continue;
		}
		while (j < n && s[j] != '/')
			j++;
		seg = j - i;
		slash = j < n;
		if (seg == 1 && s[i] == '.') {
			/* "/./" goes */
		} else if (seg == 2 && s[i] == '.' && s[i + 1] == '.') {
			if (o > root) {
				o--;
				while (o > root && s[o - 1] != '/')
					o--;
			}
		} else {
			memmove(s + o, s + i, seg);
			o += seg;
			if (slash)
				s[o++] = '/';
		}
		i = j + (slash ? 1 : 0);
	}
	return o;
}

/* Length of "scheme://authority" at the start of an absolute URI, or 0 */
static uint32_t authority_end(const uint8_t *u, uint32_t len, uint32_t *host,
			      uint32_t *host_len)
{
	uint32_t i = 0, a;

	while (i < len && ((u[i] | 0x20) >= 'a' && (u[i] | 0x20) <= 'z'))
		i++;
	if (i == 0 || len - i < 3 || memcmp(u + i, "://", 3))
		return 0;
	a = i + 3;
	i = a;
	while (i < len && u[i] != '/' && u[i] != '?' && u[i] != '#')
		i++;
	*host = a;
	*host_len = i - a;
	for (uint32_t k = a; k < i; k++) {
		if (u[k] == '@') { /* userinfo@host */
			*host = k + 1;
			*host_len = i - k - 1;
		}
	}
	return i;
}

/**
 * ips_http_normalize_uri() - Suricata-like normalised form of a raw URI
 * @raw: the request target as sent (untrusted)
 * @len: its length
 * @out: at least @len bytes
 *
 * Return: the length written to @out (<= @len).
 */
uint32_t ips_http_normalize_uri(const uint8_t *raw, uint32_t len, uint8_t *out)
{
	const uint8_t *q = memchr(raw, '?', len);
	uint32_t plen = q ? (uint32_t)(q - raw) : len;
	uint32_t host, host_len, pre, o;

	/* scheme://authority stays as written; only its path is normalised */
	pre = authority_end(raw, plen, &host, &host_len);
	memcpy(out, raw, pre);
	o = pre + pct_decode(raw + pre, plen - pre, out + pre);
	o = pre + path_normalize(out + pre, o - pre);
	return o + pct_decode(raw + plen, len - plen, out + o);
}

/* Start line of a request: METHOD SP URI [SP PROTOCOL] */
static void parse_request_line(struct ips_http *h, struct ips_bufs *b,
			       const uint8_t *l, uint32_t n,
			       struct ips_http_msg *m)
{
	uint32_t i = 0, u, e;

	set_buf(b, IPS_BUF_HTTP_REQUEST_LINE, l, n);
	while (i < n && !is_blank(l[i]))
		i++;
	set_buf(b, IPS_BUF_HTTP_METHOD, l, i);
	m->head = i == 4 && !memcmp(l, "HEAD", 4);
	m->connect = i == 7 && !memcmp(l, "CONNECT", 7);
	while (i < n && is_blank(l[i]))
		i++;
	u = i;
	e = n;
	while (e > u && is_blank(l[e - 1]))
		e--;
	/* the protocol is the last word if it looks like one */
	for (uint32_t k = e; k > u; k--) {
		if (is_blank(l[k - 1])) {
			if (e - k >= 5 && !memcmp(l + k, "HTTP/", 5)) {
				set_buf(b, IPS_BUF_HTTP_PROTOCOL, l + k, e - k);
				e = k - 1;
				while (e > u && is_blank(l[e - 1]))
					e--;
			}
			break;
		}
	}
	if (i == 0 || e == u)
		h->anomalies[IPS_HTTP_ANOM_BAD_REQUEST_LINE]++;
	set_buf(b, IPS_BUF_HTTP_URI_RAW, l + u, e - u);
}

/* Start line of a response: PROTOCOL SP CODE [SP MESSAGE] */
static void parse_status_line(struct ips_http *h, struct ips_bufs *b,
			      const uint8_t *l, uint32_t n,
			      struct ips_http_msg *m)
{
	uint32_t i = 0, c;

	set_buf(b, IPS_BUF_HTTP_RESPONSE_LINE, l, n);
	while (i < n && !is_blank(l[i]))
		i++;
	set_buf(b, IPS_BUF_HTTP_PROTOCOL, l, i);
	while (i < n && is_blank(l[i]))
		i++;
	c = i;
	while (i < n && !is_blank(l[i]))
		i++;
	set_buf(b, IPS_BUF_HTTP_STAT_CODE, l + c, i - c);
	if (i - c == 3 && l[c] >= '1' && l[c] <= '9' && l[c + 1] >= '0' &&
	    l[c + 1] <= '9' && l[c + 2] >= '0' && l[c + 2] <= '9')
		m->status = (l[c] - '0') * 100 + (l[c + 1] - '0') * 10 +
			    (l[c + 2] - '0');
	while (i < n && is_blank(l[i]))
		i++;
	set_buf(b, IPS_BUF_HTTP_STAT_MSG, l + i, n - i);
	if (n < 5 || memcmp(l, "HTTP/", 5) || m->status < 0)
		h->anomalies[IPS_HTTP_ANOM_BAD_STATUS_LINE]++;
}

enum side { REQ = 1, RESP = 2, BOTH = 3 };

enum {
	HDR_OTHER = IPS_BUF_MAX, /* no buffer of its own */
	HDR_TE, /* Transfer-Encoding: framing only */
};

#define KNOWN(name, buf, side)                                                 \
	{                                                                      \
		name, sizeof(name) - 1, buf, side                              \
	}

/* Headers with a buffer of their own (the first value is kept) */
static const struct {
	const char *name;
	uint8_t len;
	uint8_t buf;
	uint8_t side;
} known_headers[] = {
	KNOWN("host", IPS_BUF_HTTP_HOST_RAW, REQ),
	KNOWN("user-agent", IPS_BUF_HTTP_USER_AGENT, REQ),
	KNOWN("cookie", IPS_BUF_HTTP_COOKIE, REQ),
	KNOWN("set-cookie", IPS_BUF_HTTP_COOKIE, RESP),
	KNOWN("content-type", IPS_BUF_HTTP_CONTENT_TYPE, BOTH),
	KNOWN("content-length", IPS_BUF_HTTP_CONTENT_LEN, BOTH),
	KNOWN("connection", IPS_BUF_HTTP_CONNECTION, BOTH),
	KNOWN("location", IPS_BUF_HTTP_LOCATION, RESP),
	KNOWN("server", IPS_BUF_HTTP_SERVER, RESP),
	KNOWN("referer", IPS_BUF_HTTP_REFERER, REQ),
	KNOWN("accept", IPS_BUF_HTTP_ACCEPT, REQ),
	KNOWN("accept-encoding", IPS_BUF_HTTP_ACCEPT_ENC, REQ),
	KNOWN("accept-language", IPS_BUF_HTTP_ACCEPT_LANG, REQ),
	KNOWN("transfer-encoding", HDR_TE, BOTH),
};

static bool name_is(const uint8_t *name, uint32_t n, const char *s)
{
	return strlen(s) == n && !strncasecmp((const char *)name, s, n);
}

/* What a header name means on this side: a buffer, HDR_TE or HDR_OTHER */
static uint8_t header_kind(const uint8_t *name, uint32_t n, uint8_t side)
{
	for (size_t i = 0; i < sizeof(known_headers) / sizeof(*known_headers);
	     i++) {
		if (known_headers[i].len == n &&
		    (known_headers[i].side & side) &&
		    (name[0] | 0x20) == known_headers[i].name[0] &&
		    !strncasecmp((const char *)name, known_headers[i].name, n))
			return known_headers[i].buf;
	}
	return HDR_OTHER;
}

/* Content-Length: digits only, at most 2^53 */
static int64_t parse_cl(const uint8_t *v, uint32_t n)
{
	int64_t x = 0;

	if (n == 0 || n > 16)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x <= (1ll << 53) ? x : -1;
}

/* Transfer-Encoding whose last coding is chunked */
static bool te_chunked(const uint8_t *v, uint32_t n)
{
	uint32_t s = n;

	while (s && v[s - 1] != ',' && !is_blank(v[s - 1]))
		s--;
	return name_is(v + s, n - s, "chunked");
}

struct hdr_out {
	struct wr header;
	struct wr names;
};

/* One "Name: value" line */
static void parse_header_line(struct ips_http *h, struct ips_bufs *b,
			      struct hdr_out *o, const uint8_t *l, uint32_t n,
			      bool request, struct ips_http_msg *m)
{
	const uint8_t *colon = memchr(l, ':', n);
	uint32_t nl, vs, ve;
	uint8_t side = request ? REQ : RESP, kind;

	if (!colon || colon == l || is_blank(l[0])) {
		h->anomalies[IPS_HTTP_ANOM_BAD_HEADER_LINE]++;
		return;
	}
	nl = (uint32_t)(colon - l);
	while (nl && is_blank(l[nl - 1]))
		nl--;
	vs = (uint32_t)(colon - l) + 1;
	while (vs < n && is_blank(l[vs]))
		vs++;
	ve = n;
	while (ve > vs && is_blank(l[ve - 1]))
		ve--;
	kind = header_kind(l, nl, side);
	if (kind < IPS_BUF_MAX && !has_buf(b, kind))
		set_buf(b, kind, l + vs, ve - vs);
	if (kind == IPS_BUF_HTTP_CONTENT_LEN) {
		int64_t cl = parse_cl(l + vs, ve - vs);

		if (cl < 0 ||
		    (m->content_length >= 0 && cl != m->content_length))
			h->anomalies[IPS_HTTP_ANOM_BAD_CONTENT_LENGTH]++;
		if (cl >= 0 && m->content_length < 0)
			m->content_length = cl;
	} else if (kind == HDR_TE) {
		m->chunked = te_chunked(l + vs, ve - vs);
	}
	wr_put(&o->names, l, nl);
	wr_put(&o->names, "\r\n", 2);
	if (kind != IPS_BUF_HTTP_COOKIE) {
		wr_put(&o->header, l, nl);
		wr_put(&o->header, ": ", 2);
		wr_put(&o->header, l + vs, ve - vs);
		wr_put(&o->header, "\r\n", 2);
	}
}

/* http.host from the absolute URI or the Host header: lowercase, no port */
static void make_host(struct ips_bufs *b, struct wr *w)
{
	const uint8_t *raw = b->p[IPS_BUF_HTTP_URI_RAW];
	uint32_t host, host_len, n, start = w->n;
	const uint8_t *p;

	if (has_buf(b, IPS_BUF_HTTP_URI_RAW) &&
	    authority_end(raw, b->len[IPS_BUF_HTTP_URI_RAW], &host,
			  &host_len) &&
	    host_len)
		set_buf(b, IPS_BUF_HTTP_HOST_RAW, raw + host, host_len);
	if (!has_buf(b, IPS_BUF_HTTP_HOST_RAW))
		return;
	p = b->p[IPS_BUF_HTTP_HOST_RAW];
	n = b->len[IPS_BUF_HTTP_HOST_RAW];
	if (n && p[0] == '[') {
		const uint8_t *rb = memchr(p, ']', n);

		if (rb)
			n = (uint32_t)(rb - p) + 1;
	} else {
		const uint8_t *c = memchr(p, ':', n);

		if (c)
			n = (uint32_t)(c - p);
	}
	for (uint32_t i = 0; i < n && w->n < w->cap; i++) {
		uint8_t c = p[i];

		w->p[w->n++] = c >= 'A' && c <= 'Z' ? c | 0x20 : c;
	}
	set_buf(b, IPS_BUF_HTTP_HOST, w->p + start, w->n - start);
}

/* http.uri: the normalised URI, in the URI region */
static void make_uri(struct ips_bufs *b, struct wr *w)
{
	uint32_t n = b->len[IPS_BUF_HTTP_URI_RAW], o;

	if (!has_buf(b, IPS_BUF_HTTP_URI_RAW) || n > w->cap - w->n)
		return;
	o = ips_http_normalize_uri(b->p[IPS_BUF_HTTP_URI_RAW], n, w->p + w->n);
	set_buf(b, IPS_BUF_HTTP_URI, w->p + w->n, o);
	w->n += o;
}

/**
 * ips_http_msg_parse() - parse a direction's complete header block
 * @h: the flow (anomaly counters)
 * @d: the direction
 * @request: a request block (else a response)
 * @m: framing facts for the state machine
 */
void ips_http_msg_parse(struct ips_http *h, struct ips_http_dir *d,
			bool request, struct ips_http_msg *m)
{
	const uint8_t *blk = h->mem + d->hdr_off, *l;
	uint32_t n = d->hdr_len, pos = 0, ln, hl = h->cfg.header_limit;
	uint8_t *der = h->mem + d->der_off;
	struct hdr_out o = {
		.header = {der, 0, hl + 16},
		.names = {der + hl + 16, 0, hl + 16},
	};
	struct wr uw = {der + 2 * hl + 32, 0, hl + 32};
	struct ips_bufs *b = &d->bufs;

	*m = (struct ips_http_msg){.content_length = -1, .status = -1};
	b->present = 0;
	set_buf(b, IPS_BUF_HTTP_START, blk, n);
	if (!next_line(blk, n, &pos, &l, &ln))
		return;
	if (request)
		parse_request_line(h, b, l, ln, m);
	else
		parse_status_line(h, b, l, ln, m);
	set_buf(b, IPS_BUF_HTTP_HEADER_RAW, blk + pos, n - pos);
	wr_put(&o.names, "\r\n", 2);
	while (next_line(blk, n, &pos, &l, &ln) && ln)
		parse_header_line(h, b, &o, l, ln, request, m);
	wr_put(&o.header, "\r\n", 2);
	wr_put(&o.names, "\r\n", 2);
	set_buf(b, IPS_BUF_HTTP_HEADER, o.header.p, o.header.n);
	set_buf(b, IPS_BUF_HTTP_HEADER_NAMES, o.names.p, o.names.n);
	if (request) {
		make_uri(b, &uw);
		make_host(b, &uw);
	}
}
