// SPDX-License-Identifier: MIT
/*
 * test_ips_http.c - unit tests of the IPS HTTP/1.x parser
 * (src/ips/ips_http.c, ips_http_msg.c) and of app-protocol detection
 * (src/ips/ips_app.c).
 *
 * Events are recorded as copies of every present buffer, so a run can be
 * compared with another: a conversation fed in one piece must give the
 * same events as the same bytes split at every position, and byte by
 * byte. Then named cases: pipelining, Content-Length and chunked bodies,
 * body limit, HEAD/204/304/1xx responses, bodies delimited by close, URI
 * normalisation (a numbered table), the header limit, host
 * normalisation, gaps, upgrades and bad chunks; responses carrying their
 * request's buffers (pipelined, interim, until close) in a bounded area.
 */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ips/ips_app.h"
#include "ips/ips_http.h"

enum { MAX_EV = 32 };

struct ev {
	enum ips_http_event type;
	uint64_t present;
	uint8_t *p[IPS_BUF_MAX];
	uint32_t len[IPS_BUF_MAX];
};

struct rec {
	struct ev ev[MAX_EV];
	int n;
};

static void on_event(void *ctx, enum ips_http_event type,
		     const struct ips_bufs *b)
{
	struct rec *r = ctx;
	struct ev *e;

	assert_true(r->n < MAX_EV);
	e = &r->ev[r->n++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->present = b->present;
	for (int i = 0; i < IPS_BUF_MAX; i++) {
		if (!(b->present & (1ull << i)))
			continue;
		e->len[i] = b->len[i];
		e->p[i] = malloc(b->len[i] + 1);
		assert_non_null(e->p[i]);
		memcpy(e->p[i], b->p[i], b->len[i]);
		e->p[i][b->len[i]] = '\0';
	}
}

static void rec_free(struct rec *r)
{
	for (int k = 0; k < r->n; k++)
		for (int i = 0; i < IPS_BUF_MAX; i++) {
			free(r->ev[k].p[i]);
			r->ev[k].p[i] = NULL;
		}
	r->n = 0;
}

static void rec_equal(const struct rec *a, const struct rec *b)
{
	assert_int_equal(a->n, b->n);
	for (int k = 0; k < a->n; k++) {
		assert_int_equal(a->ev[k].type, b->ev[k].type);
		assert_int_equal(a->ev[k].present, b->ev[k].present);
		for (int i = 0; i < IPS_BUF_MAX; i++) {
			if (!(a->ev[k].present & (1ull << i)))
				continue;
			assert_int_equal(a->ev[k].len[i], b->ev[k].len[i]);
			assert_memory_equal(a->ev[k].p[i], b->ev[k].p[i],
					    a->ev[k].len[i]);
		}
	}
}

static struct ips_http *http_new(const struct ips_http_cfg *cfg)
{
	struct ips_http_cfg def;
	struct ips_http *h;

	if (!cfg) {
		ips_http_cfg_default(&def);
		cfg = &def;
	}
	h = malloc(ips_http_size(cfg));
	assert_non_null(h);
	assert_int_equal(ips_http_init(h, cfg), 0);
	return h;
}

static void feed(struct ips_http *h, bool to_server, const char *s,
		 struct rec *r)
{
	assert_int_equal(ips_http_feed(h, to_server, (const uint8_t *)s,
				       (uint32_t)strlen(s), 0, on_event, r),
			 0);
}

/* The buffer b of event k as a string (asserts it is present) */
static const char *buf(const struct rec *r, int k, enum ips_buf b)
{
	assert_true(k < r->n);
	assert_true(r->ev[k].present & (1ull << b));
	return (const char *)r->ev[k].p[b];
}

static bool has(const struct rec *r, int k, enum ips_buf b)
{
	return r->ev[k].present & (1ull << b);
}

static const char conv_req[] =
	"GET /a/b/../c%2e%2e/./d?x=1+2 HTTP/1.1\r\n"
	"Host: WWW.Example.COM:8080\r\n"
	"User-Agent:   curl/8.0  \r\n"
	"Cookie: sid=42\r\n"
	"Accept: */*\r\n"
	"\r\n"
	"POST /upload HTTP/1.1\r\n"
	"Host: h\r\n"
	"Content-Length: 11\r\n"
	"\r\n"
	"hello world"
	"\r\n" /* stray CRLF between messages is tolerated */
	"POST /chunk HTTP/1.1\r\n"
	"Transfer-Encoding: chunked\r\n"
	"\n"
	"5\r\nhello\r\n"
	"5;name=val\r\n worl\n" /* bare LF after the data */
	"1\r\nd\r\n"
	"0\r\n"
	"X-Trailer: yes\r\n"
	"\r\n"
	"HEAD /h HTTP/1.1\r\n\r\n"
	"GET /last HTTP/1.0\r\n\r\n";

static const char conv_resp[] =
	"HTTP/1.1 100 Continue\r\n\r\n"
	"HTTP/1.1 200 OK\r\n"
	"Server: nginx\r\n"
	"Set-Cookie: a=b\r\n"
	"Content-Length: 3\r\n"
	"\r\n"
	"abc"
	"HTTP/1.1 201 Created\r\n"
	"Transfer-Encoding: gzip, chunked\r\n"
	"\r\n"
	"3\r\nxyz\r\n0\r\n\r\n"
	"HTTP/1.1 204 No Content\r\n\r\n"
	"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n" /* HEAD: no body */
	"HTTP/1.0 200 OK\r\n"
	"\r\n"
	"until close";

static void run_conv(const uint8_t *req, uint32_t rlen, const uint8_t *resp,
		     uint32_t slen, uint32_t split, struct rec *r)
{
	struct ips_http *h = http_new(NULL);

	/* all requests first, then responses (FIFO pairing) */
	if (split == 0) { /* byte by byte */
		for (uint32_t i = 0; i < rlen; i++)
			assert_int_equal(ips_http_feed(h, true, req + i, 1, 0,
						       on_event, r),
					 0);
		for (uint32_t i = 0; i < slen; i++)
			assert_int_equal(ips_http_feed(h, false, resp + i, 1, 0,
						       on_event, r),
					 0);
	} else {
		uint32_t a = split < rlen ? split : rlen;
		uint32_t b = split < slen ? split : slen;

		ips_http_feed(h, true, req, a, 0, on_event, r);
		ips_http_feed(h, true, req + a, rlen - a, 0, on_event, r);
		ips_http_feed(h, false, resp, b, 0, on_event, r);
		ips_http_feed(h, false, resp + b, slen - b, 0, on_event, r);
	}
	ips_http_close(h, true, on_event, r);
	ips_http_close(h, false, on_event, r);
	for (int i = 0; i < IPS_HTTP_ANOM_MAX; i++)
		assert_int_equal(h->anomalies[i], 0);
	free(h);
}

static void check_conv(const struct rec *r)
{
	assert_int_equal(r->n, 5 + 6);
	for (int k = 0; k < 5; k++)
		assert_int_equal(r->ev[k].type, IPS_HTTP_EV_REQUEST);
	assert_string_equal(buf(r, 0, IPS_BUF_HTTP_METHOD), "GET");
	assert_string_equal(buf(r, 0, IPS_BUF_HTTP_URI_RAW),
			    "/a/b/../c%2e%2e/./d?x=1+2");
	assert_string_equal(buf(r, 0, IPS_BUF_HTTP_URI), "/a/c../d?x=1+2");
	assert_string_equal(buf(r, 0, IPS_BUF_HTTP_PROTOCOL), "HTTP/1.1");
	assert_string_equal(buf(r, 0, IPS_BUF_HTTP_HOST), "www.example.com");
	assert_string_equal(buf(r, 0, IPS_BUF_HTTP_HOST_RAW),
			    "WWW.Example.COM:8080");
	assert_string_equal(buf(r, 0, IPS_BUF_HTTP_USER_AGENT), "curl/8.0");
	assert_string_equal(buf(r, 0, IPS_BUF_HTTP_COOKIE), "sid=42");
	assert_string_equal(buf(r, 0, IPS_BUF_HTTP_ACCEPT), "*/*");
	assert_string_equal(buf(r, 0, IPS_BUF_HTTP_HEADER),
			    "Host: WWW.Example.COM:8080\r\n"
			    "User-Agent: curl/8.0\r\n"
			    "Accept: */*\r\n\r\n");
	assert_string_equal(
		buf(r, 0, IPS_BUF_HTTP_HEADER_NAMES),
		"\r\nHost\r\nUser-Agent\r\nCookie\r\nAccept\r\n\r\n");
	assert_string_equal(buf(r, 0, IPS_BUF_HTTP_REQUEST_LINE),
			    "GET /a/b/../c%2e%2e/./d?x=1+2 HTTP/1.1");
	assert_false(has(r, 0, IPS_BUF_HTTP_REQUEST_BODY));
	assert_false(has(r, 0, IPS_BUF_FILE_DATA));

	assert_string_equal(buf(r, 1, IPS_BUF_HTTP_URI), "/upload");
	assert_string_equal(buf(r, 1, IPS_BUF_HTTP_REQUEST_BODY),
			    "hello world");
	assert_string_equal(buf(r, 1, IPS_BUF_FILE_DATA), "hello world");
	assert_string_equal(buf(r, 1, IPS_BUF_HTTP_CONTENT_LEN), "11");
	assert_string_equal(buf(r, 2, IPS_BUF_HTTP_URI), "/chunk");
	assert_string_equal(buf(r, 2, IPS_BUF_HTTP_REQUEST_BODY),
			    "hello world");
	assert_string_equal(buf(r, 3, IPS_BUF_HTTP_METHOD), "HEAD");
	assert_string_equal(buf(r, 4, IPS_BUF_HTTP_PROTOCOL), "HTTP/1.0");

	for (int k = 5; k < 11; k++)
		assert_int_equal(r->ev[k].type, IPS_HTTP_EV_RESPONSE);
	assert_string_equal(buf(r, 5, IPS_BUF_HTTP_STAT_CODE), "100");
	assert_string_equal(buf(r, 6, IPS_BUF_HTTP_STAT_CODE), "200");
	assert_string_equal(buf(r, 6, IPS_BUF_HTTP_STAT_MSG), "OK");
	assert_string_equal(buf(r, 6, IPS_BUF_HTTP_SERVER), "nginx");
	assert_string_equal(buf(r, 6, IPS_BUF_HTTP_COOKIE), "a=b");
	assert_string_equal(buf(r, 6, IPS_BUF_HTTP_HEADER),
			    "Server: nginx\r\nContent-Length: 3\r\n\r\n");
	assert_string_equal(buf(r, 6, IPS_BUF_HTTP_RESPONSE_BODY), "abc");
	assert_string_equal(buf(r, 6, IPS_BUF_FILE_DATA), "abc");
	assert_string_equal(buf(r, 7, IPS_BUF_HTTP_RESPONSE_BODY), "xyz");
	assert_string_equal(buf(r, 8, IPS_BUF_HTTP_STAT_CODE), "204");
	assert_false(has(r, 8, IPS_BUF_HTTP_RESPONSE_BODY));
	/* the answer to HEAD announces 99 bytes but has none */
	assert_false(has(r, 9, IPS_BUF_HTTP_RESPONSE_BODY));
	assert_string_equal(buf(r, 10, IPS_BUF_HTTP_RESPONSE_LINE),
			    "HTTP/1.0 200 OK");
	assert_string_equal(buf(r, 10, IPS_BUF_HTTP_RESPONSE_BODY),
			    "until close");
}

static void test_conversation_splits(void **state)
{
	const uint8_t *req = (const uint8_t *)conv_req;
	const uint8_t *resp = (const uint8_t *)conv_resp;
	uint32_t rlen = sizeof(conv_req) - 1, slen = sizeof(conv_resp) - 1;
	uint32_t max = rlen > slen ? rlen : slen;
	struct rec ref = {0}, r = {0};

	(void)state;
	run_conv(req, rlen, resp, slen, max, &ref);
	check_conv(&ref);
	for (uint32_t split = 0; split <= max; split++) {
		run_conv(req, rlen, resp, slen, split, &r);
		rec_equal(&ref, &r);
		rec_free(&r);
	}
	rec_free(&ref);
}

static void test_pipelined_one_chunk(void **state)
{
	struct ips_http *h = http_new(NULL);
	struct rec r = {0};

	(void)state;
	feed(h, true,
	     "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
	     "GET /2 HTTP/1.1\r\nHost: b\r\n\r\n"
	     "POST /3 HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /4 "
	     "HTTP/1.1\r\n\r\n",
	     &r);
	assert_int_equal(r.n, 4);
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_URI), "/1");
	assert_string_equal(buf(&r, 1, IPS_BUF_HTTP_HOST), "b");
	assert_string_equal(buf(&r, 2, IPS_BUF_HTTP_REQUEST_BODY), "hi");
	assert_string_equal(buf(&r, 3, IPS_BUF_HTTP_URI), "/4");
	assert_int_equal(h->requests, 4);
	rec_free(&r);
	free(h);
}

static void test_body_limit(void **state)
{
	struct ips_http_cfg cfg;
	struct ips_http *h;
	struct rec r = {0};
	char body[101];

	(void)state;
	ips_http_cfg_default(&cfg);
	cfg.request_body_limit = 10;
	h = http_new(&cfg);
	memset(body, 'x', 100);
	body[100] = '\0';
	feed(h, true, "POST /p HTTP/1.1\r\nContent-Length: 100\r\n\r\n", &r);
	assert_int_equal(r.n, 0);
	feed(h, true, "0123456789", &r); /* the limit fills: report */
	assert_int_equal(r.n, 1);
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_REQUEST_BODY),
			    "0123456789");
	feed(h, true, body + 10, &r); /* rest of the body: counted only */
	feed(h, true, "GET /n HTTP/1.1\r\n\r\n", &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(buf(&r, 1, IPS_BUF_HTTP_URI), "/n");
	assert_int_equal(h->body_skipped[0], 90);
	rec_free(&r);
	free(h);

	/* limit 0: the request is reported at its headers, without body */
	cfg.request_body_limit = 0;
	h = http_new(&cfg);
	feed(h, true, "POST /p HTTP/1.1\r\nContent-Length: 3\r\n\r\n", &r);
	assert_int_equal(r.n, 1);
	assert_false(has(&r, 0, IPS_BUF_HTTP_REQUEST_BODY));
	feed(h, true, "abcGET /n HTTP/1.1\r\n\r\n", &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(h->body_skipped[0], 3);
	rec_free(&r);
	free(h);
}

static void test_chunked_across_feeds(void **state)
{
	struct ips_http *h = http_new(NULL);
	struct rec r = {0};

	(void)state;
	feed(h, false, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1",
	     &r);
	feed(h, false, "0\r\n0123456", &r);
	feed(h, false, "789abcdef\r", &r);
	feed(h, false, "\nA\r\nABCDEFGHIJ", &r);
	assert_int_equal(r.n, 0);
	feed(h, false, "\r\n0\r", &r);
	assert_int_equal(r.n, 0);
	feed(h, false, "\n\r\n", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_RESPONSE_BODY),
			    "0123456789abcdefABCDEFGHIJ");
	assert_int_equal(buf(&r, 0, IPS_BUF_FILE_DATA)[25], 'J');
	rec_free(&r);
	free(h);
}

static void test_bad_chunk(void **state)
{
	struct ips_http *h = http_new(NULL);
	struct rec r = {0};

	(void)state;
	feed(h, true,
	     "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
	     "junk\r\nGET /after HTTP/1.1\r\n\r\n",
	     &r);
	assert_int_equal(h->anomalies[IPS_HTTP_ANOM_BAD_CHUNK], 1);
	assert_int_equal(r.n, 2); /* the broken one, then resync */
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_REQUEST_BODY), "");
	assert_string_equal(buf(&r, 1, IPS_BUF_HTTP_URI), "/after");
	rec_free(&r);
	free(h);
}

static void test_uri_normalize(void **state)
{
	static const struct {
		const char *raw;
		const char *norm;
		uint32_t norm_len; /* 0: strlen(norm) */
	} cases[] = {
		/* 0 */ {"/", "/", 0},
		/* 1 */ {"", "", 0},
		/* 2 */ {"/a/%2e%2e/b", "/b", 0},
		/* 3 */ {"/%2e%2e/%2E%2E/etc/passwd", "/etc/passwd", 0},
		/* 4 */ {"/a/../../b", "/b", 0},
		/* 5 */ {"//a///b//", "/a/b/", 0},
		/* 6 */ {"/a/./b/.", "/a/b/", 0},
		/* 7 */ {"/x%00y", "/x\0y", 4},
		/* 8 */ {"/a+b?q=a+b%20c", "/a+b?q=a+b c", 0},
		/* 9 */ {"/p?x=/../y//z", "/p?x=/../y//z", 0},
		/* 10 */ {"/%zz%4", "/%zz%4", 0},
		/* 11 */ {"/a%2Fb/../c", "/a/c", 0},
		/* 12 */ {"/..", "/", 0},
		/* 13 */ {"/../../..", "/", 0},
		/* 14 */ {"/a/b/..", "/a/", 0},
		/* 15 */ {"http://Host:80/a/../b?c", "http://Host:80/b?c", 0},
		/* 16 */ {"/a%3fb?c", "/a?b?c", 0},
		/* 17 */ {"a/../../b", "b", 0},
		/* 18 */ {"/%2e%2e%2f%2e%2e%2fboot.ini", "/boot.ini", 0},
		/* 19 */ {"/.../a", "/.../a", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		uint32_t rl = (uint32_t)strlen(cases[i].raw), n;
		uint32_t want = cases[i].norm_len
					? cases[i].norm_len
					: (uint32_t)strlen(cases[i].norm);
		uint8_t out[64];

		n = ips_http_normalize_uri((const uint8_t *)cases[i].raw, rl,
					   out);
		if (n != want || memcmp(out, cases[i].norm, n))
			fail_msg("case %zu: \"%s\" -> \"%.*s\"", i,
				 cases[i].raw, (int)n, out);
	}
}

static void test_uri_nul_in_buffer(void **state)
{
	struct ips_http *h = http_new(NULL);
	struct rec r = {0};

	(void)state;
	feed(h, true, "GET /a%00.php HTTP/1.1\r\n\r\n", &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].len[IPS_BUF_HTTP_URI], 7);
	assert_memory_equal(r.ev[0].p[IPS_BUF_HTTP_URI], "/a\0.php", 7);
	rec_free(&r);
	free(h);
}

static void test_header_limit(void **state)
{
	struct ips_http_cfg cfg;
	struct ips_http *h;
	struct rec r = {0};
	char big[2048];

	(void)state;
	ips_http_cfg_default(&cfg);
	cfg.header_limit = IPS_HTTP_HEADER_LIMIT_MIN;
	h = http_new(&cfg);
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	feed(h, true, "GET /big HTTP/1.1\r\nUser-Agent: ua\r\nX-Long: ", &r);
	feed(h, true, big, &r);
	feed(h, true, "\r\nX-After: 1\r\n\r\nGET /next HTTP/1.1\r\n\r\n", &r);
	assert_int_equal(h->anomalies[IPS_HTTP_ANOM_HEADER_TOO_LONG], 1);
	assert_int_equal(r.n, 2);
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_URI), "/big");
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_USER_AGENT), "ua");
	assert_int_equal(r.ev[0].len[IPS_BUF_HTTP_START],
			 IPS_HTTP_HEADER_LIMIT_MIN);
	assert_string_equal(buf(&r, 1, IPS_BUF_HTTP_URI), "/next");
	rec_free(&r);
	free(h);

	/* out-of-range limits are refused */
	cfg.header_limit = IPS_HTTP_HEADER_LIMIT_MIN - 1;
	h = malloc(ips_http_size(&cfg));
	assert_non_null(h);
	assert_int_equal(ips_http_init(h, &cfg), -EINVAL);
	free(h);
}

static void test_host(void **state)
{
	struct ips_http *h = http_new(NULL);
	struct rec r = {0};

	(void)state;
	feed(h, true,
	     "GET / HTTP/1.1\r\nhost:Example.ORG\r\nHost: second\r\n\r\n"
	     "GET / HTTP/1.1\r\nHost: [2001:DB8::1]:8080\r\n\r\n"
	     "GET http://user@Proxy.Example:3128/x/../y HTTP/1.1\r\n"
	     "Host: ignored\r\n\r\n"
	     "GET / HTTP/1.1\r\nHost: A.B.:80\r\n\r\n",
	     &r);
	assert_int_equal(r.n, 4);
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_HOST), "example.org");
	assert_string_equal(buf(&r, 1, IPS_BUF_HTTP_HOST), "[2001:db8::1]");
	assert_string_equal(buf(&r, 2, IPS_BUF_HTTP_HOST), "proxy.example");
	assert_string_equal(buf(&r, 2, IPS_BUF_HTTP_HOST_RAW),
			    "Proxy.Example:3128");
	assert_string_equal(buf(&r, 2, IPS_BUF_HTTP_URI),
			    "http://user@Proxy.Example:3128/y");
	assert_string_equal(buf(&r, 3, IPS_BUF_HTTP_HOST), "a.b.");
	rec_free(&r);
	free(h);
}

static void test_gap_resync(void **state)
{
	struct ips_http *h = http_new(NULL);
	struct rec r = {0};
	static const char after[] = "ody\r\nGETX\r\nGET /next HTTP/1.1\r\n\r\n";
	static const char resp[] =
		"xx\r\nHTTP/1.1 404 NF\r\nContent-Length: 0\r\n\r\n";

	(void)state;
	feed(h, true, "POST /p HTTP/1.1\r\nContent-Length: 100\r\n\r\nsome b",
	     &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(ips_http_feed(h, true, (const uint8_t *)after,
				       sizeof(after) - 1, IPS_HTTP_F_GAP,
				       on_event, &r),
			 0);
	assert_int_equal(h->anomalies[IPS_HTTP_ANOM_GAP], 1);
	assert_int_equal(r.n, 2); /* the cut POST, then the next request */
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_REQUEST_BODY), "some b");
	assert_string_equal(buf(&r, 1, IPS_BUF_HTTP_URI), "/next");
	rec_free(&r);

	/* a gap in the middle of a header block drops that block */
	feed(h, true, "GET /lost HTTP/1.1\r\nHos", &r);
	assert_int_equal(ips_http_feed(h, true, (const uint8_t *)"t: x\r\n\r\n",
				       8, IPS_HTTP_F_GAP, on_event, &r),
			 0);
	feed(h, true, "GET /ok HTTP/1.1\r\n\r\n", &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_URI), "/ok");
	rec_free(&r);

	/* the response side resyncs on "HTTP/" */
	assert_int_equal(ips_http_feed(h, false, (const uint8_t *)resp,
				       sizeof(resp) - 1, IPS_HTTP_F_GAP,
				       on_event, &r),
			 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_STAT_CODE), "404");
	rec_free(&r);
	free(h);
}

static void test_upgrade_and_connect(void **state)
{
	struct ips_http *h = http_new(NULL);
	struct rec r = {0};

	(void)state;
	feed(h, true, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", &r);
	assert_int_equal(ips_http_feed(h, false,
				       (const uint8_t *)"HTTP/1.1 101 Switching"
							"\r\n\r\n\x81\x05hello",
				       33, 0, on_event, &r),
			 -EPROTO);
	assert_int_equal(r.n, 2);
	assert_int_equal(ips_http_feed(h, true, (const uint8_t *)"GET / ", 6, 0,
				       on_event, &r),
			 -EPROTO);
	assert_int_equal(r.n, 2);
	assert_int_equal(h->anomalies[IPS_HTTP_ANOM_TUNNEL], 1);
	rec_free(&r);
	free(h);

	h = http_new(NULL);
	feed(h, true, "CONNECT a:443 HTTP/1.1\r\n\r\n", &r);
	assert_int_equal(ips_http_feed(h, false,
				       (const uint8_t *)"HTTP/1.1 200 OK\r\n"
							"\r\n\x16\x03\x01",
				       22, 0, on_event, &r),
			 -EPROTO);
	assert_int_equal(r.n, 2);
	rec_free(&r);
	free(h);
}

static void test_close_mid_message(void **state)
{
	struct ips_http *h = http_new(NULL);
	struct rec r = {0};

	(void)state;
	/* headers never finished: still inspected at close */
	feed(h, true, "GET /evil HTTP/1.1\r\nHost: x", &r);
	assert_int_equal(r.n, 0);
	ips_http_close(h, true, on_event, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_URI), "/evil");
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_HOST), "x");
	/* a cut Content-Length body is reported once, counted */
	feed(h, false, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", &r);
	ips_http_close(h, false, on_event, &r);
	ips_http_close(h, false, on_event, &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(buf(&r, 1, IPS_BUF_HTTP_RESPONSE_BODY), "abc");
	assert_int_equal(h->anomalies[IPS_HTTP_ANOM_BODY_TRUNCATED], 1);
	rec_free(&r);
	free(h);
}

static void test_bad_lines(void **state)
{
	struct ips_http *h = http_new(NULL);
	struct rec r = {0};

	(void)state;
	feed(h, true,
	     "GET /sp ace HTTP/1.1\r\nNoColon\r\n folded\r\n: empty\r\n"
	     "Content-Length: x1\r\n\r\n",
	     &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(buf(&r, 0, IPS_BUF_HTTP_URI_RAW), "/sp ace");
	assert_int_equal(h->anomalies[IPS_HTTP_ANOM_BAD_HEADER_LINE], 3);
	assert_int_equal(h->anomalies[IPS_HTTP_ANOM_BAD_CONTENT_LENGTH], 1);
	feed(h, false, "FTP/1.0 abc\r\n\r\n", &r);
	assert_int_equal(h->anomalies[IPS_HTTP_ANOM_BAD_STATUS_LINE], 1);
	assert_string_equal(ips_http_anomaly_name(IPS_HTTP_ANOM_GAP), "gap");
	assert_string_equal(ips_http_anomaly_name(IPS_HTTP_ANOM_MAX), "?");
	rec_free(&r);
	free(h);
}

static void test_pending_fifo(void **state)
{
	struct ips_http *h = http_new(NULL);
	struct rec r = {0};

	(void)state;
	/* GET, HEAD, GET: only the middle response has no body */
	feed(h, true,
	     "GET /1 HTTP/1.1\r\n\r\nHEAD /2 HTTP/1.1\r\n\r\n"
	     "GET /3 HTTP/1.1\r\n\r\n",
	     &r);
	feed(h, false,
	     "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab"
	     "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
	     "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n"
	     "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\ncd",
	     &r);
	assert_int_equal(r.n, 3 + 4);
	assert_string_equal(buf(&r, 3, IPS_BUF_HTTP_RESPONSE_BODY), "ab");
	assert_false(has(&r, 4, IPS_BUF_HTTP_RESPONSE_BODY));
	assert_false(has(&r, 5, IPS_BUF_HTTP_RESPONSE_BODY));
	assert_string_equal(buf(&r, 6, IPS_BUF_HTTP_RESPONSE_BODY), "cd");
	/* each response shows its own request's URI; the extra one none */
	assert_string_equal(buf(&r, 3, IPS_BUF_HTTP_URI), "/1");
	assert_string_equal(buf(&r, 4, IPS_BUF_HTTP_URI), "/2");
	assert_string_equal(buf(&r, 4, IPS_BUF_HTTP_METHOD), "HEAD");
	assert_string_equal(buf(&r, 5, IPS_BUF_HTTP_URI), "/3");
	assert_false(has(&r, 6, IPS_BUF_HTTP_URI));
	assert_int_equal(h->txn_len, 0);
	rec_free(&r);
	free(h);
}

/*
 * A response event carries its request's buffers (one transaction, as in
 * Suricata): two pipelined requests, answered after both were sent, each
 * response with its own request's; the request's Cookie is not the
 * response's http.cookie; an interim 100 shows the request and leaves it
 * to the final response; a body delimited by the close still has it.
 */
static void test_response_carries_request(void **state)
{
	static const uint8_t want[] = {
		IPS_BUF_HTTP_URI,	   IPS_BUF_HTTP_URI_RAW,
		IPS_BUF_HTTP_METHOD,	   IPS_BUF_HTTP_HOST,
		IPS_BUF_HTTP_HOST_RAW,	   IPS_BUF_HTTP_USER_AGENT,
		IPS_BUF_HTTP_REQUEST_LINE,
	};
	struct ips_http *h = http_new(NULL);
	struct rec r = {0};

	(void)state;
	feed(h, true,
	     "GET /admin/%2e%2e/login HTTP/1.1\r\nHost: One.Example:81\r\n"
	     "User-Agent: ua-one\r\nCookie: c=1\r\n\r\n"
	     "POST /two HTTP/1.1\r\nHost: two\r\nUser-Agent: ua-two\r\n"
	     "Content-Length: 3\r\n\r\nabc",
	     &r);
	assert_int_equal(r.n, 2);
	assert_false(has(&r, 0, IPS_BUF_HTTP_STAT_CODE));
	feed(h, false,
	     "HTTP/1.1 200 OK\r\nSet-Cookie: s=9\r\nContent-Length: 1\r\n"
	     "\r\nx",
	     &r);
	assert_int_equal(r.n, 3);
	/* exactly the request's buffers, as its own event had them */
	for (unsigned int i = 0; i < sizeof(want); i++) {
		assert_true(has(&r, 2, want[i]));
		assert_string_equal(buf(&r, 2, want[i]), buf(&r, 0, want[i]));
	}
	assert_string_equal(buf(&r, 2, IPS_BUF_HTTP_URI), "/login");
	assert_string_equal(buf(&r, 2, IPS_BUF_HTTP_HOST), "one.example");
	assert_string_equal(buf(&r, 2, IPS_BUF_HTTP_STAT_CODE), "200");
	assert_string_equal(buf(&r, 2, IPS_BUF_HTTP_COOKIE), "s=9");
	assert_false(has(&r, 2, IPS_BUF_HTTP_REQUEST_BODY));
	feed(h, false, "HTTP/1.1 100 Continue\r\n\r\n", &r);
	feed(h, false, "HTTP/1.1 404 Not Found\r\n\r\ngone", &r);
	assert_int_equal(r.n, 4);
	assert_string_equal(buf(&r, 3, IPS_BUF_HTTP_STAT_CODE), "100");
	assert_string_equal(buf(&r, 3, IPS_BUF_HTTP_URI), "/two");
	ips_http_close(h, false, on_event, &r);
	assert_int_equal(r.n, 5);
	assert_string_equal(buf(&r, 4, IPS_BUF_HTTP_RESPONSE_BODY), "gone");
	assert_string_equal(buf(&r, 4, IPS_BUF_HTTP_URI), "/two");
	assert_string_equal(buf(&r, 4, IPS_BUF_HTTP_METHOD), "POST");
	assert_string_equal(buf(&r, 4, IPS_BUF_HTTP_USER_AGENT), "ua-two");
	assert_false(has(&r, 4, IPS_BUF_HTTP_COOKIE));
	assert_int_equal(h->txn_len, 0);
	assert_int_equal(h->anomalies[IPS_HTTP_ANOM_TXN_NO_ROOM], 0);
	rec_free(&r);
	free(h);
}

/* The copies are bounded: pipelined requests beyond IPS_HTTP_TXN_SIZE get
 * none (counted) and their responses only their own buffers; room comes
 * back as responses are reported */
static void test_txn_area_bounded(void **state)
{
	struct ips_http *h = http_new(NULL);
	struct rec r = {0};
	char req[600], uri[400];
	int n = 12, with = 0, i;

	(void)state;
	for (i = 0; i < n; i++) {
		snprintf(uri, sizeof(uri), "/%02d/%0380d", i, 0);
		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\n\r\n", uri);
		feed(h, true, req, &r);
	}
	assert_true(h->txn_len <= IPS_HTTP_TXN_SIZE);
	assert_true(h->anomalies[IPS_HTTP_ANOM_TXN_NO_ROOM] > 0);
	for (i = 0; i < n; i++) {
		feed(h, false, "HTTP/1.1 204 No Content\r\n\r\n", &r);
		if (!has(&r, r.n - 1, IPS_BUF_HTTP_URI))
			continue;
		/* the ones with a copy come first, each its own */
		assert_int_equal(with, i);
		with++;
		assert_memory_equal(buf(&r, r.n - 1, IPS_BUF_HTTP_URI),
				    buf(&r, i, IPS_BUF_HTTP_URI), 384);
	}
	assert_int_equal(with + h->anomalies[IPS_HTTP_ANOM_TXN_NO_ROOM], n);
	assert_int_equal(h->txn_len, 0);
	/* the area is free again */
	feed(h, true, "GET /again HTTP/1.1\r\n\r\n", &r);
	feed(h, false, "HTTP/1.1 204 No Content\r\n\r\n", &r);
	assert_string_equal(buf(&r, r.n - 1, IPS_BUF_HTTP_URI), "/again");
	rec_free(&r);
	free(h);
}

static void test_app_detect(void **state)
{
	static const struct {
		const char *data;
		uint32_t len;
		uint8_t proto;
		uint16_t sport, dport;
		bool to_server;
		enum ips_app app;
		bool undecided;
	} cases[] = {
		{"GET / HTTP/1.1", 14, IPPROTO_TCP, 1234, 8080, true,
		 IPS_APP_HTTP, false},
		{"PROPFIND /", 10, IPPROTO_TCP, 1, 2, true, IPS_APP_HTTP,
		 false},
		{"GETX", 4, IPPROTO_TCP, 1, 80, true, IPS_APP_NONE, false},
		{"GE", 2, IPPROTO_TCP, 1, 80, true, IPS_APP_NONE, true},
		{"GET", 3, IPPROTO_TCP, 1, 80, true, IPS_APP_NONE, true},
		{"HTTP/1.1 200", 12, IPPROTO_TCP, 80, 1, false, IPS_APP_HTTP,
		 false},
		{"HTTP/1.1 200", 12, IPPROTO_TCP, 1, 80, true, IPS_APP_NONE,
		 false},
		{"\x16\x03\x01", 3, IPPROTO_TCP, 1, 4433, true, IPS_APP_TLS,
		 false},
		{"\x16", 1, IPPROTO_TCP, 1, 443, true, IPS_APP_NONE, true},
		{"\x16\x02", 2, IPPROTO_TCP, 1, 443, true, IPS_APP_NONE, false},
		{"\x12\x34", 2, IPPROTO_UDP, 5000, 53, true, IPS_APP_DNS,
		 false},
		{"\x12\x34", 2, IPPROTO_UDP, 53, 5000, false, IPS_APP_DNS,
		 false},
		{"\x00\x1e", 2, IPPROTO_TCP, 5000, 53, true, IPS_APP_DNS,
		 false},
		{"GET / ", 6, IPPROTO_UDP, 1, 80, true, IPS_APP_NONE, false},
		{"GET / ", 6, IPPROTO_ICMP, 0, 0, true, IPS_APP_NONE, false},
		{"", 0, IPPROTO_TCP, 1, 80, true, IPS_APP_NONE, true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const uint8_t *d = (const uint8_t *)cases[i].data;

		if (ips_app_detect(d, cases[i].len, cases[i].proto,
				   cases[i].sport, cases[i].dport,
				   cases[i].to_server) != cases[i].app)
			fail_msg("detect case %zu", i);
		if (ips_app_undecided(d, cases[i].len, cases[i].to_server) !=
		    cases[i].undecided)
			fail_msg("undecided case %zu", i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conversation_splits),
		cmocka_unit_test(test_pipelined_one_chunk),
		cmocka_unit_test(test_body_limit),
		cmocka_unit_test(test_chunked_across_feeds),
		cmocka_unit_test(test_bad_chunk),
		cmocka_unit_test(test_uri_normalize),
		cmocka_unit_test(test_uri_nul_in_buffer),
		cmocka_unit_test(test_header_limit),
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_gap_resync),
		cmocka_unit_test(test_upgrade_and_connect),
		cmocka_unit_test(test_close_mid_message),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_pending_fifo),
		cmocka_unit_test(test_response_carries_request),
		cmocka_unit_test(test_txn_area_bounded),
		cmocka_unit_test(test_app_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
