// SPDX-License-Identifier: MIT
/*
 * ips_inspect_app.c - the inspector's application layer: decide a flow's
 * protocol from its first bytes (ips_app.h), then hand in-order stream
 * data to the HTTP parser (one inspection per request and per response),
 * collect a TLS client's first record until its SNI is known (one
 * inspection, then the memory goes back), and cut DNS over TCP into
 * messages (one inspection per query); DNS over UDP is one query per
 * datagram.
 *
 * App-layer memory is one slot per flow from the flow table's pool,
 * sized for the largest user (an HTTP parser with the default limits);
 * when the pool is empty the flow is inspected without its app layer
 * (counted as no_app_slot), never with a partial one.
 */
#include <errno.h>
#include <string.h>

#include "ips/ips_app.h"
#include "ips/ips_dns.h"
#include "ips/ips_inspect_priv.h"

/**
 * ips_inspect_app_slot_size() - bytes of one flow's app-layer slot
 * @hc: the HTTP limits in use
 *
 * Return: the largest of an HTTP parser, a TLS record and a DNS message
 * being collected.
 */
size_t ips_inspect_app_slot_size(const struct ips_http_cfg *hc)
{
	size_t n = ips_http_size(hc);

	if (n < IPS_TLS_RECORD_MAX)
		n = IPS_TLS_RECORD_MAX;
	if (n < IPS_DNS_TCP_MAX)
		n = IPS_DNS_TCP_MAX;
	return (n + 63) & ~(size_t)63;
}

static void inspect_buf(struct ips_inspect *in, enum ips_buf b,
			const uint8_t *p, uint32_t len)
{
	struct ips_pktinfo pi;

	ips_inspect_pktinfo(in, &pi);
	pi.bufs.present = 1ull << b;
	pi.bufs.p[b] = p;
	pi.bufs.len[b] = len;
	ips_inspect_run(in, &pi, IPS_INSP_APP, NULL);
}

static void on_http(void *ctx, enum ips_http_event ev, const struct ips_bufs *b)
{
	struct ips_inspect *in = ctx;
	struct ips_pktinfo pi;

	in->counters[IPS_IC_HTTP_EVENTS]++;
	ips_inspect_pktinfo(in, &pi);
	pi.bufs = *b;
	/* a response also carries its request's buffers (ips_http.h), when
	 * a rule may use them there: else they would only be scanned */
	if (ev == IPS_HTTP_EV_RESPONSE && !in->txn_rules)
		pi.bufs.present &= ~IPS_HTTP_TXN_BUFS;
	ips_inspect_run(in, &pi, IPS_INSP_APP, NULL);
}

static void dns_msg(struct ips_inspect *in, const uint8_t *msg, uint32_t len)
{
	char name[IPS_DNS_NAME_MAX];
	uint32_t n;

	if (ips_dns_query(msg, len, name, sizeof(name), &n))
		return;
	in->counters[IPS_IC_DNS_QUERIES]++;
	inspect_buf(in, IPS_BUF_DNS_QUERY, (const uint8_t *)name, n);
}

/* Decide the flow's protocol; take a slot for the stateful ones. */
static void decide(struct ips_inspect *in, const uint8_t *data, uint32_t len)
{
	struct ips_pkt_ctx *c = &in->cur;
	struct ips_flow *f = c->f;
	enum ips_app app;
	void *mem;

	app = ips_app_detect(data, len, c->d.proto, c->d.sport, c->d.dport,
			     c->to_server);
	if (app == IPS_APP_NONE && ips_app_undecided(data, len, c->to_server))
		return;
	f->flags |= IPS_FLOWF_APP_DONE;
	f->app = (uint8_t)app;
	if (app == IPS_APP_NONE || c->d.proto != 6)
		return;
	mem = ips_flow_app_get(in->flows, f);
	if (!mem) {
		in->counters[IPS_IC_NO_APP_SLOT]++;
		return;
	}
	f->dir[0].app_len = f->dir[1].app_len = 0;
	f->dir[0].app_skip = f->dir[1].app_skip = 0;
	if (app == IPS_APP_HTTP && ips_http_init(mem, &in->http_cfg))
		ips_flow_app_put(in->flows, f);
}

/*
 * Not decided yet: decide on everything the direction sent so far. An
 * earlier delivery that was a strict prefix of a recognised start ("GE")
 * is still in the stream tail when the direction has delivered no more
 * than the tail holds and had no gap (its offset equals the tail's
 * length); the parser, if one is taken, then gets those bytes too.
 */
static void first_bytes(struct ips_inspect *in, const uint8_t **data,
			uint32_t *len)
{
	struct ips_flow_dir *dir = &in->cur.f->dir[in->cur.to_server ? 0 : 1];

	if (dir->off == dir->tail_len && dir->tail_len > *len) {
		*data = dir->tail;
		*len = dir->tail_len;
	}
	decide(in, *data, *len);
}

static void tls_data(struct ips_inspect *in, uint8_t *mem, const uint8_t *data,
		     uint32_t len)
{
	struct ips_flow *f = in->cur.f;
	struct ips_flow_dir *dir = &f->dir[0];
	const uint8_t *sni;
	uint32_t n = IPS_TLS_RECORD_MAX - dir->app_len, sni_len;
	int r;

	if (!in->cur.to_server)
		return;
	if (n > len)
		n = len;
	memcpy(mem + dir->app_len, data, n);
	dir->app_len += n;
	r = ips_tls_sni(mem, dir->app_len, &sni, &sni_len);
	if (r == -EAGAIN && dir->app_len < IPS_TLS_RECORD_MAX)
		return;
	if (!r) {
		in->counters[IPS_IC_TLS_SNI]++;
		inspect_buf(in, IPS_BUF_TLS_SNI, sni, sni_len);
	}
	ips_flow_app_put(in->flows, f);
}

static void dns_tcp_data(struct ips_inspect *in, uint8_t *mem,
			 const uint8_t *data, uint32_t len)
{
	struct ips_flow_dir *dir = &in->cur.f->dir[0];
	const uint8_t *msg;
	uint32_t n, mlen, used;
	int r;

	while (len && in->cur.to_server) {
		if (dir->app_skip) {
			n = len < dir->app_skip ? len : dir->app_skip;
			dir->app_skip -= n;
			data += n;
			len -= n;
			continue;
		}
		n = IPS_DNS_TCP_MAX - dir->app_len;
		n = len < n ? len : n;
		memcpy(mem + dir->app_len, data, n);
		dir->app_len += n;
		data += n;
		len -= n;
		while (!(r = ips_dns_tcp_msg(mem, dir->app_len, &msg, &mlen))) {
			dns_msg(in, msg, mlen);
			used = 2 + mlen;
			memmove(mem, mem + used, dir->app_len - used);
			dir->app_len -= used;
		}
		if (r == -EINVAL) {
			/* not DNS after all: stop parsing this flow */
			ips_flow_app_put(in->flows, in->cur.f);
			return;
		}
		if (dir->app_len == IPS_DNS_TCP_MAX) {
			/* a message longer than we collect: skip its rest */
			dir->app_skip = 2u + ((uint32_t)mem[0] << 8 | mem[1]) -
					dir->app_len;
			dir->app_len = 0;
		}
	}
}

/**
 * ips_inspect_app_data() - new in-order stream bytes of the current
 * packet's direction, for the app layer
 * @in: the inspector
 * @data: the bytes (already appended to the direction's tail)
 * @len: how many
 * @flags: IPS_STREAM_* of the delivery
 */
void ips_inspect_app_data(struct ips_inspect *in, const uint8_t *data,
			  uint32_t len, uint32_t flags)
{
	struct ips_flow *f = in->cur.f;
	uint8_t *mem;

	if (!(f->flags & IPS_FLOWF_APP_DONE))
		first_bytes(in, &data, &len);
	mem = ips_flow_app_mem(in->flows, f);
	if (!mem)
		return;
	switch (f->app) {
	case IPS_APP_HTTP:
		ips_http_feed((struct ips_http *)mem, in->cur.to_server, data,
			      len,
			      (flags & IPS_STREAM_GAP) ? IPS_HTTP_F_GAP : 0,
			      on_http, in);
		break;
	case IPS_APP_TLS:
		tls_data(in, mem, data, len);
		break;
	case IPS_APP_DNS:
		if (flags & IPS_STREAM_GAP)
			f->dir[0].app_len = f->dir[0].app_skip = 0;
		dns_tcp_data(in, mem, data, len);
		break;
	default:
		break;
	}
}

/**
 * ips_inspect_udp_app() - the app layer of the current UDP datagram
 * @in: the inspector
 */
void ips_inspect_udp_app(struct ips_inspect *in)
{
	struct ips_pkt_ctx *c = &in->cur;

	if (ips_inspect_stopped(in))
		return;
	if (!(c->f->flags & IPS_FLOWF_APP_DONE))
		decide(in, c->d.payload, c->d.payload_len);
	if (c->f->app == IPS_APP_DNS)
		dns_msg(in, c->d.payload, c->d.payload_len);
}

/**
 * ips_inspect_app_close() - a direction of the current flow ended
 * @in: the inspector
 * @to_server: which direction
 */
void ips_inspect_app_close(struct ips_inspect *in, bool to_server)
{
	struct ips_flow *f = in->cur.f;
	uint8_t *mem = ips_flow_app_mem(in->flows, f);

	if (mem && f->app == IPS_APP_HTTP && !ips_inspect_stopped(in))
		ips_http_close((struct ips_http *)mem, to_server, on_http, in);
}

/**
 * ips_inspect_app_release() - give a flow's app-layer memory back
 * @in: the inspector
 * @f: the flow
 */
void ips_inspect_app_release(struct ips_inspect *in, struct ips_flow *f)
{
	ips_flow_app_put(in->flows, f);
}
