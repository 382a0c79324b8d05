// SPDX-License-Identifier: MIT
/*
 * ips_pcapgen.c - write a large, deterministic pcap of HTTP/1.1 traffic for
 * the IPS benchmark (bench/ips.sh).
 *
 * One client and one server address (10.90.0.1 and 10.90.0.2 by default)
 * talk HTTP/1.1 on port 80 over complete TCP sessions: three-way handshake,
 * keep-alive connections carrying 1-8 requests each, responses whose bodies
 * (HTML, CSS/JS, JSON, images; 10% chunked) are cut into MSS-sized segments
 * with the client acknowledging every second one, and a FIN exchange closed
 * by either side. Several connections are open at once and their exchanges
 * interleave, with client ports and ISNs drawn from the seeded generator,
 * so the same seed always writes the same bytes. Every IPv4 and TCP
 * checksum is correct.
 *
 * About 3% of requests (--attack-pct) carry an attack that one rule of
 * bench/ips-10.rules matches: SQL injection (UNION SELECT) in the URI or a
 * cookie, path traversal to /etc/passwd (a quarter of which the server
 * "answers" with the file), <script> in the URI, cmd.exe, the sqlmap user
 * agent, Shellshock in a header, and wp-login.php brute-force POSTs. The
 * per-kind counts are printed at the end (--json for bench/ips.sh), so the
 * expected number of alerts is known. A benign 5% of requests come from
 * curl, which the rule set's one policy rule reports.
 *
 * Speed: bodies are slices of two 1 MiB pools (text and random bytes) built
 * at start, each response is assembled once in a fixed buffer and cut into
 * segments there, and frames go through one large stdio buffer. It writes
 * a few hundred MB per second. The program is standalone: it uses nothing
 * from libdcbox, although the Makefile links it in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	GEN_MSS = 1460,
	GEN_POOL_SIZE = 1 << 20, /* bytes in each body pool */
	GEN_BODY_MAX = 128 * 1024, /* largest response body */
	GEN_MSG_MAX = GEN_BODY_MAX + 64 * 1024, /* headers + chunk framing */
	GEN_CONC_MAX = 64,
	GEN_ETH_LEN = 14,
	GEN_IP_LEN = 20,
	GEN_TCP_LEN = 20,
	GEN_SYN_OPT_LEN = 12, /* MSS, NOP, WS 7, NOP, NOP, SACK permitted */
	GEN_FRAME_MAX = GEN_ETH_LEN + GEN_IP_LEN + GEN_TCP_LEN + GEN_MSS + 64,
	GEN_STDIO_BUF = 4 << 20,
};

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_PSH = 0x08, TH_ACK = 0x10 };

/* Attack kinds, each matched by one rule of bench/ips-10.rules. */
#define GEN_ATTACKS(X)                                                         \
	X(SQLI, "sqli_union")                                                  \
	X(TRAVERSAL, "traversal")                                              \
	X(XSS, "xss_script")                                                   \
	X(CMDEXE, "cmd_exe")                                                   \
	X(SQLMAP, "sqlmap_ua")                                                 \
	X(SHELLSHOCK, "shellshock")                                            \
	X(COOKIE_SQLI, "cookie_sqli")                                          \
	X(WPLOGIN, "wp_login")

#define GEN_ENUM(id, name) GEN_ATK_##id,
enum gen_attack { GEN_ATTACKS(GEN_ENUM) GEN_ATK_N, GEN_ATK_NONE = GEN_ATK_N };
#undef GEN_ENUM
#define GEN_NAME(id, name) name,
static const char *const gen_attack_names[] = {GEN_ATTACKS(GEN_NAME)};
#undef GEN_NAME

struct gen_opts {
	const char *out;
	uint64_t size; /* stop once this many file bytes are written */
	uint64_t seed;
	double attack_pct;
	unsigned int conc; /* connections open at once */
	uint32_t cli_ip, srv_ip; /* network order */
	bool json;
};

enum conn_state { CONN_NEW, CONN_OPEN, CONN_DONE };

struct conn {
	enum conn_state state;
	uint16_t cport;
	uint32_t cseq, sseq; /* next sequence number of each side */
	uint16_t cid, sid; /* IP ids */
	unsigned int left; /* requests still to send */
	bool srv_closes; /* last request says Connection: close */
};

struct gen_stats {
	uint64_t packets, wire_bytes, file_bytes, payload_bytes;
	uint64_t conns, requests, chunked, passwd_leaks;
	uint64_t attacks[GEN_ATK_N];
	uint64_t curl;
};

struct gen {
	struct gen_opts o;
	FILE *f;
	uint64_t rng;
	uint64_t ts_us;
	uint16_t next_port;
	struct conn conns[GEN_CONC_MAX];
	uint8_t frame[GEN_FRAME_MAX];
	char *text_pool, *bin_pool;
	char *msg; /* one request or response, assembled */
	struct gen_stats st;
};

static const uint8_t cli_mac[6] = {0x02, 0x00, 0x0a, 0x5a, 0x00, 0x01};
static const uint8_t srv_mac[6] = {0x02, 0x00, 0x0a, 0x5a, 0x00, 0x02};

/* ---- random numbers (splitmix64: tiny, fast, deterministic) ---- */

static uint64_t rnd(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rndn(struct gen *g, uint32_t n)
{
	return (uint32_t)(((rnd(g) >> 32) * n) >> 32);
}

static double rnd01(struct gen *g)
{
	return (double)(rnd(g) >> 11) / (double)(1ULL << 53);
}

/*
 * About log-uniform in [lo, hi]: an octave [lo * 2^i, lo * 2^(i+1)) picked
 * uniformly, then a uniform value inside it (no libm needed).
 */
static uint32_t rnd_log(struct gen *g, uint32_t lo, uint32_t hi)
{
	uint32_t octaves = 0, base, v;

	while ((uint64_t)lo << (octaves + 1) <= hi)
		octaves++;
	base = lo << rndn(g, octaves ? octaves : 1);
	v = base + rndn(g, base);
	return v > hi ? hi : v;
}

#define PICK(g, arr) ((arr)[rndn((g), sizeof(arr) / sizeof((arr)[0]))])

/* ---- vocabulary ---- */

static const char *const words[] = {
	"home",	   "about",   "products", "catalog",  "news",	  "blog",
	"support", "account", "cart",	  "checkout", "search",	  "contact",
	"help",	   "docs",    "orders",	  "profile",  "settings", "gallery",
	"events",  "careers", "pricing",  "download", "release",  "weekly",
	"summer",  "garden",  "kitchen",  "travel",   "review",	  "guide",
	"2024",	   "2025",    "green",	  "classic",  "modern",	  "sale",
	"new",	   "popular", "outdoor",  "office",
};

static const char *const hosts[] = {
	"www.example.com",	 "shop.example.net", "api.example.org",
	"static.example.com",	 "blog.example.net", "cdn.example-img.com",
	"intranet.corp.example", "m.example.com",
};

static const char *const agents[] = {
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	"(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 "
	"(KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
	"Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 "
	"Firefox/125.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
	"AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 "
	"Safari/604.1",
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, "
	"like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	"(KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 Edg/123.0.2420.97",
	"python-requests/2.31.0",
	"Go-http-client/1.1",
};

static const char *const langs[] = {
	"en-US,en;q=0.9", "de-DE,de;q=0.9,en;q=0.8", "fr-FR,fr;q=0.8",
	"en-GB,en;q=0.7", "ja,en-US;q=0.7,en;q=0.3",
};

/* ---- output ---- */

static int put(struct gen *g, const void *p, size_t n)
{
	if (fwrite(p, 1, n, g->f) != n)
		return -EIO;
	g->st.file_bytes += n;
	return 0;
}

static int pcap_header(struct gen *g)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t zone;
		uint32_t sigfigs, snaplen, linktype;
	} h = {0xa1b2c3d4, 2, 4, 0, 0, 262144, 1};

	return put(g, &h, sizeof(h));
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v & 0xffff);
}

/* One TCP segment from the client (to_srv) or the server. */
struct seg {
	bool to_srv;
	uint8_t flags;
	uint32_t seq, ack;
	const char *data;
	uint32_t len;
};

/* Write the TCP header and payload at tcp; returns their length. */
static size_t build_tcp(const struct conn *c, const struct seg *s, uint8_t *tcp)
{
	size_t hl = GEN_TCP_LEN + ((s->flags & TH_SYN) ? GEN_SYN_OPT_LEN : 0);

	wr16(tcp, s->to_srv ? c->cport : 80);
	wr16(tcp + 2, s->to_srv ? 80 : c->cport);
	wr32(tcp + 4, s->seq);
	wr32(tcp + 8, (s->flags & TH_ACK) ? s->ack : 0);
	tcp[12] = (uint8_t)(hl / 4) << 4;
	tcp[13] = s->flags;
	/* windows are scaled x128 after the handshake */
	wr16(tcp + 14, (s->flags & TH_SYN) ? 64240 : s->to_srv ? 2052 : 502);
	wr16(tcp + 16, 0);
	wr16(tcp + 18, 0);
	if (s->flags & TH_SYN) {
		static const uint8_t opt[GEN_SYN_OPT_LEN] = {
			2, 4, GEN_MSS >> 8, GEN_MSS & 0xff, 1, 3, 3, 7, 1, 1,
			4, 2};
		memcpy(tcp + GEN_TCP_LEN, opt, sizeof(opt));
	}
	memcpy(tcp + hl, s->data, s->len);
	return hl + s->len;
}

static uint32_t pseudo_sum(const uint8_t *ip, size_t tcp_len)
{
	uint32_t sum = csum_add(0, ip + 12, 8);

	return sum + 6 + (uint32_t)tcp_len;
}

static int emit(struct gen *g, struct conn *c, const struct seg *s)
{
	uint8_t *eth = g->frame, *ip = eth + GEN_ETH_LEN;
	uint8_t *tcp = ip + GEN_IP_LEN;
	size_t tlen = build_tcp(c, s, tcp), flen;
	uint32_t rec[4];

	memcpy(eth, s->to_srv ? srv_mac : cli_mac, 6);
	memcpy(eth + 6, s->to_srv ? cli_mac : srv_mac, 6);
	wr16(eth + 12, 0x0800);
	ip[0] = 0x45;
	ip[1] = 0;
	wr16(ip + 2, (uint16_t)(GEN_IP_LEN + tlen));
	wr16(ip + 4, s->to_srv ? c->cid++ : c->sid++);
	wr16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = 6;
	wr16(ip + 10, 0);
	memcpy(ip + 12, s->to_srv ? &g->o.cli_ip : &g->o.srv_ip, 4);
	memcpy(ip + 16, s->to_srv ? &g->o.srv_ip : &g->o.cli_ip, 4);
	wr16(ip + 10, csum_fold(csum_add(0, ip, GEN_IP_LEN)));
	wr16(tcp + 16, csum_fold(csum_add(pseudo_sum(ip, tlen), tcp, tlen)));

	flen = GEN_ETH_LEN + GEN_IP_LEN + tlen;
	rec[0] = (uint32_t)(g->ts_us / 1000000);
	rec[1] = (uint32_t)(g->ts_us % 1000000);
	rec[2] = rec[3] = (uint32_t)flen;
	g->st.packets++;
	g->st.wire_bytes += flen;
	g->st.payload_bytes += s->len;
	if (put(g, rec, sizeof(rec)) || put(g, g->frame, flen))
		return -EIO;
	return 0;
}

static int ctl(struct gen *g, struct conn *c, bool to_srv, uint8_t flags)
{
	struct seg s = {.to_srv = to_srv,
			.flags = flags,
			.seq = to_srv ? c->cseq : c->sseq,
			.ack = to_srv ? c->sseq : c->cseq};
	int ret = emit(g, c, &s);

	if (flags & (TH_SYN | TH_FIN)) {
		if (to_srv)
			c->cseq++;
		else
			c->sseq++;
	}
	return ret;
}

/*
 * Send len bytes of one side's stream in MSS segments, 12 us apart (about
 * 1 Gbit/s); the peer acknowledges every second segment and the last one.
 */
static int send_stream(struct gen *g, struct conn *c, bool to_srv,
		       const char *data, uint32_t len)
{
	uint32_t off = 0, n, i = 0;
	uint32_t *seq = to_srv ? &c->cseq : &c->sseq;
	int ret;

	while (off < len) {
		struct seg s = {.to_srv = to_srv,
				.flags = TH_ACK,
				.ack = to_srv ? c->sseq : c->cseq};

		n = len - off < GEN_MSS ? len - off : GEN_MSS;
		s.seq = *seq;
		s.data = data + off;
		s.len = n;
		if (off + n == len)
			s.flags |= TH_PSH;
		ret = emit(g, c, &s);
		if (ret)
			return ret;
		*seq += n;
		off += n;
		g->ts_us += 12;
		if ((++i & 1) == 0 || off == len) {
			g->ts_us += 30;
			ret = ctl(g, c, !to_srv, TH_ACK);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* ---- HTTP messages ---- */

struct req {
	enum gen_attack atk;
	const char *host;
	char uri[512];
	int kind; /* body type of the response: see resp_body */
	bool post;
	bool curl;
};

static void uri_benign(struct gen *g, struct req *r)
{
	const char *a = PICK(g, words), *b = PICK(g, words);
	uint32_t n = rndn(g, 100000);

	r->kind = (int)rndn(g, 10);
	switch (r->kind) {
	case 0:
	case 1:
	case 2:
		snprintf(r->uri, sizeof(r->uri), "/%s/%s-%u.html", a, b, n);
		break;
	case 3:
	case 4:
		snprintf(r->uri, sizeof(r->uri),
			 "/static/%s/%s.%08" PRIx64 ".%s", a, b,
			 rnd(g) & 0xffffffff, rndn(g, 2) ? "js" : "css");
		break;
	case 5:
	case 6:
	case 7:
		snprintf(r->uri, sizeof(r->uri), "/images/%s/%u_%s.%s", a, n, b,
			 rndn(g, 3) ? "jpg" : "png");
		break;
	default:
		snprintf(r->uri, sizeof(r->uri),
			 "/api/v1/%s?page=%u&limit=%u&sort=%s&q=%s%%20%s", a,
			 rndn(g, 50), 10 + rndn(g, 90), b, a, b);
		break;
	}
}

static void uri_attack(struct gen *g, struct req *r)
{
	static const char *const sqli[] = {
		"/products.php?id=1+UNION+SELECT+username,password+FROM+users-"
		"-",
		"/item.php?cat=3%20union%20all%20select%201,2,@@version--",
		"/news.php?id=-7+UnIoN/**/SeLeCt+null,table_name+from+"
		"information_schema.tables",
	};
	static const char *const trav[] = {
		"/download.php?file=../../../../etc/passwd",
		"/view.php?page=....//....//....//etc/passwd",
		"/static/../../../../../etc/passwd",
	};
	static const char *const xss[] = {
		"/search?q=<script>alert(document.cookie)</script>",
		"/comment.php?msg=<SCRIPT%20src=//evil.example/x.js></SCRIPT>",
	};
	static const char *const cmd[] = {
		"/scripts/..%c0%af../winnt/system32/cmd.exe?/c+dir",
		"/cgi-bin/cmd.exe?/c+type+c:\\boot.ini",
	};

	r->kind = 9;
	switch (r->atk) {
	case GEN_ATK_SQLI:
		snprintf(r->uri, sizeof(r->uri), "%s", PICK(g, sqli));
		break;
	case GEN_ATK_TRAVERSAL:
		snprintf(r->uri, sizeof(r->uri), "%s", PICK(g, trav));
		break;
	case GEN_ATK_XSS:
		snprintf(r->uri, sizeof(r->uri), "%s", PICK(g, xss));
		break;
	case GEN_ATK_CMDEXE:
		snprintf(r->uri, sizeof(r->uri), "%s", PICK(g, cmd));
		break;
	case GEN_ATK_WPLOGIN:
		snprintf(r->uri, sizeof(r->uri), "/wp-login.php");
		break;
	default:
		uri_benign(g, r);
		break;
	}
}

static void pick_request(struct gen *g, struct req *r)
{
	memset(r, 0, sizeof(*r));
	r->atk = GEN_ATK_NONE;
	if (rnd01(g) * 100.0 < g->o.attack_pct)
		r->atk = (enum gen_attack)rndn(g, GEN_ATK_N);
	r->host = PICK(g, hosts);
	if (r->atk == GEN_ATK_NONE) {
		uri_benign(g, r);
		r->curl = rndn(g, 20) == 0;
	} else {
		uri_attack(g, r);
		g->st.attacks[r->atk]++;
	}
	r->post = r->atk == GEN_ATK_WPLOGIN ||
		  (r->atk == GEN_ATK_NONE && r->kind == 9 && rndn(g, 4) == 0);
	g->st.curl += r->curl;
}

static const char *agent_of(struct gen *g, const struct req *r)
{
	if (r->atk == GEN_ATK_SQLMAP)
		return "sqlmap/1.7.2#stable (https://sqlmap.org)";
	if (r->atk == GEN_ATK_SHELLSHOCK)
		return "() { :; }; /bin/bash -c \"cat /etc/shadow\"";
	if (r->curl)
		return "curl/7.88.1";
	return PICK(g, agents);
}

/* Build the request into g->msg; returns its length. */
static uint32_t build_request(struct gen *g, struct conn *c,
			      const struct req *r)
{
	char body[256];
	int blen = 0, n;

	if (r->post)
		blen = snprintf(body, sizeof(body),
				r->atk == GEN_ATK_WPLOGIN
					? "log=admin&pwd=%s%u&wp-submit=Log+In"
					: "name=%s&count=%u&submit=1",
				PICK(g, words), rndn(g, 100000));
	n = snprintf(g->msg, GEN_MSG_MAX,
		     "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n"
		     "Accept: %s\r\nAccept-Language: %s\r\n"
		     "Accept-Encoding: gzip, deflate\r\n",
		     r->post ? "POST" : "GET", r->uri, r->host, agent_of(g, r),
		     r->kind == 9 ? "application/json" : "*/*", PICK(g, langs));
	if (r->atk == GEN_ATK_COOKIE_SQLI)
		n += snprintf(g->msg + n, GEN_MSG_MAX - n,
			      "Cookie: sid=%016" PRIx64
			      "; pref=x' UNION SELECT password FROM admins--"
			      "\r\n",
			      rnd(g));
	else if (rndn(g, 2))
		n += snprintf(g->msg + n, GEN_MSG_MAX - n,
			      "Cookie: sid=%016" PRIx64 "; theme=%s\r\n",
			      rnd(g), PICK(g, words));
	if (rndn(g, 3))
		n += snprintf(g->msg + n, GEN_MSG_MAX - n,
			      "Referer: http://%s/%s/\r\n", r->host,
			      PICK(g, words));
	if (r->post)
		n += snprintf(g->msg + n, GEN_MSG_MAX - n,
			      "Content-Type: application/x-www-form-urlencoded"
			      "\r\nContent-Length: %d\r\n",
			      blen);
	n += snprintf(g->msg + n, GEN_MSG_MAX - n, "Connection: %s\r\n\r\n",
		      c->left == 1 && c->srv_closes ? "close" : "keep-alive");
	memcpy(g->msg + n, body, blen);
	return (uint32_t)(n + blen);
}

struct resp {
	int status;
	const char *ctype;
	const char *body;
	uint32_t blen;
	bool chunked;
};

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/bash\n"
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	"bin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
	"www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n";

static void pick_body(struct gen *g, const struct req *r, struct resp *p)
{
	static const char *const ct[] = {
		"text/html; charset=utf-8",
		"text/html; charset=utf-8",
		"text/html; charset=utf-8",
		"application/javascript",
		"text/css",
		"image/jpeg",
		"image/jpeg",
		"image/png",
		"application/json",
		"application/json",
	};
	bool bin = r->kind >= 5 && r->kind <= 7;
	uint32_t lo = r->kind >= 8 ? 200 : 500;
	uint32_t hi = r->kind >= 8 ? 8000 : GEN_BODY_MAX;

	p->status = 200;
	p->ctype = ct[r->kind];
	p->blen = rnd_log(g, lo, hi);
	p->body = (bin ? g->bin_pool : g->text_pool) +
		  rndn(g, GEN_POOL_SIZE - p->blen);
	p->chunked = !bin && rndn(g, 10) == 0;
	if (rndn(g, 25) == 0) {
		p->status = 304;
		p->blen = 0;
		p->chunked = false;
	}
}

static void pick_response(struct gen *g, const struct req *r, struct resp *p)
{
	memset(p, 0, sizeof(*p));
	if (r->atk == GEN_ATK_NONE || r->atk == GEN_ATK_SQLMAP ||
	    r->atk == GEN_ATK_COOKIE_SQLI) {
		pick_body(g, r, p);
		return;
	}
	p->ctype = "text/html; charset=utf-8";
	if (r->atk == GEN_ATK_TRAVERSAL && rndn(g, 4) == 0) {
		p->status = 200;
		p->ctype = "text/plain";
		p->body = passwd;
		p->blen = sizeof(passwd) - 1;
		g->st.passwd_leaks++;
		return;
	}
	p->status = r->atk == GEN_ATK_WPLOGIN ? 200 : 403;
	p->body = g->text_pool + rndn(g, 4096);
	p->blen = 300 + rndn(g, 600);
}

static uint32_t append_chunked(struct gen *g, uint32_t n, const struct resp *p)
{
	uint32_t off = 0, len;

	while (off < p->blen) {
		len = 4096 + rndn(g, 12288);
		if (len > p->blen - off)
			len = p->blen - off;
		n += (uint32_t)snprintf(g->msg + n, GEN_MSG_MAX - n, "%x\r\n",
					len);
		memcpy(g->msg + n, p->body + off, len);
		n += len;
		memcpy(g->msg + n, "\r\n", 2);
		n += 2;
		off += len;
	}
	memcpy(g->msg + n, "0\r\n\r\n", 5);
	return n + 5;
}

static uint32_t build_response(struct gen *g, struct conn *c,
			       const struct resp *p)
{
	static const char *const reasons[] = {"OK", "Not Modified",
					      "Forbidden"};
	const char *reason = p->status == 200	? reasons[0]
			     : p->status == 304 ? reasons[1]
						: reasons[2];
	uint32_t n;

	n = (uint32_t)snprintf(
		g->msg, GEN_MSG_MAX,
		"HTTP/1.1 %d %s\r\nDate: Mon, 04 May 2026 10:%02u:%02u GMT\r\n"
		"Server: nginx/1.22.1\r\nContent-Type: %s\r\n"
		"Cache-Control: max-age=%u\r\nETag: \"%08x-%x\"\r\n",
		p->status, reason, (unsigned int)(g->ts_us / 60000000) % 60,
		(unsigned int)(g->ts_us / 1000000) % 60, p->ctype,
		rndn(g, 86400), (unsigned int)rnd(g), p->blen);
	if (p->chunked)
		n += (uint32_t)snprintf(g->msg + n, GEN_MSG_MAX - n,
					"Transfer-Encoding: chunked\r\n");
	else if (p->status != 304)
		n += (uint32_t)snprintf(g->msg + n, GEN_MSG_MAX - n,
					"Content-Length: %u\r\n", p->blen);
	n += (uint32_t)snprintf(
		g->msg + n, GEN_MSG_MAX - n, "Connection: %s\r\n\r\n",
		c->left == 1 && c->srv_closes ? "close" : "keep-alive");
	if (p->chunked) {
		g->st.chunked++;
		return append_chunked(g, n, p);
	}
	memcpy(g->msg + n, p->body, p->blen);
	return n + p->blen;
}

/* ---- connections ---- */

static int conn_open(struct gen *g, struct conn *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->cport = g->next_port;
	g->next_port = g->next_port >= 60999
			       ? 32768
			       : g->next_port + 1 + (uint16_t)rndn(g, 3);
	c->cseq = (uint32_t)rnd(g);
	c->sseq = (uint32_t)rnd(g);
	c->cid = (uint16_t)rnd(g);
	c->sid = (uint16_t)rnd(g);
	c->left = 1 + rndn(g, 8);
	c->srv_closes = rndn(g, 2);
	g->st.conns++;
	g->ts_us += 1000 + rndn(g, 20000);
	ret = ctl(g, c, true, TH_SYN);
	g->ts_us += 150;
	ret = ret ?: ctl(g, c, false, TH_SYN | TH_ACK);
	g->ts_us += 150;
	ret = ret ?: ctl(g, c, true, TH_ACK);
	c->state = CONN_OPEN;
	return ret;
}

static int conn_close(struct gen *g, struct conn *c)
{
	bool first = !c->srv_closes; /* true: client sends FIN first */
	int ret;

	g->ts_us += c->srv_closes ? 50 : 1000 + rndn(g, 5000);
	ret = ctl(g, c, first, TH_FIN | TH_ACK);
	g->ts_us += 150;
	ret = ret ?: ctl(g, c, !first, TH_FIN | TH_ACK);
	g->ts_us += 150;
	ret = ret ?: ctl(g, c, first, TH_ACK);
	c->state = CONN_DONE;
	return ret;
}

static int conn_exchange(struct gen *g, struct conn *c)
{
	struct req r;
	struct resp p;
	uint32_t len;
	int ret;

	pick_request(g, &r);
	len = build_request(g, c, &r);
	g->ts_us += 500 + rndn(g, 30000);
	ret = send_stream(g, c, true, g->msg, len);
	if (ret)
		return ret;
	g->st.requests++;
	pick_response(g, &r, &p);
	len = build_response(g, c, &p);
	g->ts_us += 200 + rndn(g, 2000);
	ret = send_stream(g, c, false, g->msg, len);
	if (ret)
		return ret;
	if (--c->left == 0)
		return conn_close(g, c);
	return 0;
}

/* One step of connection c: open it, run one exchange, or close it. */
static int conn_step(struct gen *g, struct conn *c, bool finish)
{
	if (c->state != CONN_OPEN)
		return finish ? 0 : conn_open(g, c);
	if (finish)
		c->left = 1;
	return conn_exchange(g, c);
}

static int run(struct gen *g)
{
	unsigned int i;
	int ret = pcap_header(g);

	while (!ret && g->st.file_bytes < g->o.size)
		ret = conn_step(g, &g->conns[rndn(g, g->o.conc)], false);
	for (i = 0; !ret && i < g->o.conc; i++)
		ret = conn_step(g, &g->conns[i], true);
	return ret;
}

/* ---- set-up ---- */

static void fill_pools(struct gen *g)
{
	size_t off = 0, i;
	int n;

	for (i = 0; i < GEN_POOL_SIZE; i++)
		g->bin_pool[i] = (char)rnd(g);
	while (off < GEN_POOL_SIZE - 64) {
		switch (rndn(g, 8)) {
		case 0:
			n = snprintf(g->text_pool + off, 64, "<p class=\"%s\">",
				     PICK(g, words));
			break;
		case 1:
			n = snprintf(g->text_pool + off, 64, "</p>\n");
			break;
		default:
			n = snprintf(g->text_pool + off, 64, "%s ",
				     PICK(g, words));
			break;
		}
		off += (size_t)n;
	}
	memset(g->text_pool + off, ' ', GEN_POOL_SIZE - off);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ips_pcapgen [-s MB] [--seed N] [--attack-pct P] "
		"[-c CONNS]\n"
		"                   [--client IP] [--server IP] [--json] -o "
		"FILE\n"
		"  -o FILE        pcap to write (- for stdout)\n"
		"  -s MB          stop after about this many MB (250)\n"
		"  --seed N       random seed (1): same seed, same bytes\n"
		"  --attack-pct P percentage of requests with an attack (3)\n"
		"  -c CONNS       connections open at once (8, max %d)\n"
		"  --client/--server IP  addresses (10.90.0.1/10.90.0.2)\n",
		GEN_CONC_MAX);
}

static int parse_ip(const char *s, uint32_t *ip)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*ip = a.s_addr;
	return 0;
}

static int parse_args(int argc, char **argv, struct gen_opts *o)
{
	static const struct option lo[] = {
		{"seed", required_argument, NULL, 'S'},
		{"attack-pct", required_argument, NULL, 'a'},
		{"client", required_argument, NULL, 'C'},
		{"server", required_argument, NULL, 'V'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{0}};
	int c;

	*o = (struct gen_opts){
		.size = 250ULL << 20, .seed = 1, .attack_pct = 3.0, .conc = 8};
	parse_ip("10.90.0.1", &o->cli_ip);
	parse_ip("10.90.0.2", &o->srv_ip);
	while ((c = getopt_long(argc, argv, "o:s:c:h", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 's':
			o->size = (uint64_t)(strtod(optarg, NULL) * (1 << 20));
			break;
		case 'S':
			o->seed = strtoull(optarg, NULL, 0);
			break;
		case 'a':
			o->attack_pct = strtod(optarg, NULL);
			break;
		case 'c':
			o->conc = (unsigned int)atoi(optarg);
			break;
		case 'C':
			if (parse_ip(optarg, &o->cli_ip))
				return -EINVAL;
			break;
		case 'V':
			if (parse_ip(optarg, &o->srv_ip))
				return -EINVAL;
			break;
		case 'j':
			o->json = true;
			break;
		default:
			return -EINVAL;
		}
	}
	if (!o->out || optind != argc || o->conc < 1 ||
	    o->conc > GEN_CONC_MAX || o->size == 0 || o->attack_pct < 0 ||
	    o->attack_pct > 100)
		return -EINVAL;
	return 0;
}

static void report(const struct gen *g, double secs)
{
	const struct gen_stats *s = &g->st;
	int i;

	if (!g->o.json || g->f == stdout) {
		fprintf(stderr,
			"ips_pcapgen: %s: %" PRIu64 " packets, %" PRIu64
			" bytes, %" PRIu64 " connections, %" PRIu64
			" requests (%" PRIu64 " chunked responses), %.2f s\n",
			g->o.out, s->packets, s->file_bytes, s->conns,
			s->requests, s->chunked, secs);
		for (i = 0; i < GEN_ATK_N; i++)
			fprintf(stderr, "  attack %-12s %" PRIu64 "\n",
				gen_attack_names[i], s->attacks[i]);
		fprintf(stderr,
			"  passwd leaks %" PRIu64 ", curl requests %" PRIu64
			"\n",
			s->passwd_leaks, s->curl);
		return;
	}
	printf("{\"file\": \"%s\", \"packets\": %" PRIu64
	       ", \"bytes\": %" PRIu64 ", \"wire_bytes\": %" PRIu64
	       ", \"payload_bytes\": %" PRIu64 ", \"connections\": %" PRIu64
	       ", \"requests\": %" PRIu64 ", \"chunked\": %" PRIu64
	       ", \"passwd_leaks\": %" PRIu64 ", \"curl\": %" PRIu64
	       ", \"seconds\": %.3f, \"attacks\": {",
	       g->o.out, s->packets, s->file_bytes, s->wire_bytes,
	       s->payload_bytes, s->conns, s->requests, s->chunked,
	       s->passwd_leaks, s->curl, secs);
	for (i = 0; i < GEN_ATK_N; i++)
		printf("%s\"%s\": %" PRIu64, i ? ", " : "", gen_attack_names[i],
		       s->attacks[i]);
	printf("}}\n");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int gen_init(struct gen *g)
{
	g->rng = g->o.seed;
	g->ts_us = 1777888000ULL * 1000000; /* 2026-05-04 */
	g->next_port = 32768 + (uint16_t)rndn(g, 20000);
	g->text_pool = malloc(GEN_POOL_SIZE);
	g->bin_pool = malloc(GEN_POOL_SIZE);
	g->msg = malloc(GEN_MSG_MAX);
	if (!g->text_pool || !g->bin_pool || !g->msg)
		return -ENOMEM;
	fill_pools(g);
	g->f = strcmp(g->o.out, "-") ? fopen(g->o.out, "wb") : stdout;
	if (!g->f)
		return -errno;
	setvbuf(g->f, NULL, _IOFBF, GEN_STDIO_BUF);
	return 0;
}

int main(int argc, char **argv)
{
	static struct gen g;
	double t0 = now_s();
	int ret;

	if (parse_args(argc, argv, &g.o)) {
		usage(stderr);
		return 2;
	}
	ret = gen_init(&g);
	if (!ret)
		ret = run(&g);
	if (g.f && g.f != stdout && fclose(g.f) && !ret)
		ret = -errno;
	if (ret) {
		fprintf(stderr, "ips_pcapgen: %s: %s\n", g.o.out,
			strerror(-ret));
		return 1;
	}
	report(&g, now_s() - t0);
	free(g.text_pool);
	free(g.bin_pool);
	free(g.msg);
	return 0;
}
