// SPDX-License-Identifier: MIT
/*
 * ips_inspect.c - the IPS packet path: set-up, the per-packet dispatcher
 * (defragment, decode, checksums, flow, inspections, verdict), the calls
 * into detection with alert reporting and de-duplication, and expiry.
 * Decoding is in ips_inspect_decode.c, TCP state and stream inspection in
 * ips_inspect_tcp.c, HTTP/DNS/TLS in ips_inspect_app.c.
 *
 * Theory of operation
 *
 * A packet is inspected several times (ips_pkt.h): once as a packet
 * (NO_STREAM, payload = its L4 payload, always, so header-only rules
 * see every packet), then, for TCP, once per window of new in-order
 * stream data (ONLY_STREAM), then once per app-layer event. The stream
 * window is the direction's tail (the last IPS_FLOW_TAIL bytes already
 * inspected) followed by the new bytes, so a pattern split over two
 * segments is seen whole.
 *
 * One scan. For in-order data that reaches the stream whole (the usual
 * case) the window is known before the packet inspection: it is built
 * first, the packet inspection's prefilter scans the window instead of
 * the payload (fast patterns are literals, so the candidates are a
 * superset of the payload's; evaluation still sees the payload alone),
 * and the window's inspection reuses those candidates
 * (ips_detect_ex()): payload bytes go through Hyperscan once. Raw
 * inspections are skipped when the engine has no rule they could fire
 * (ips_engine_raw_inspects(): an engine of HTTP rules).
 *
 * Repeats. The tail makes windows overlap, and a segment's bytes are seen
 * both as the packet and in the stream, so the same match would be
 * reported again. Two rules prevent that, for raw (packet and stream)
 * inspections only; app-layer events are transactions and each may
 * alert. Detection asks before it counts a match (ips_detect_opts.seen),
 * so a repeat also moves no threshold or detection_filter count, no hit
 * counter and no flowbit:
 *  - per packet, a rule alerts at most once (the first inspection wins);
 *  - per direction, the flow remembers, for the last IPS_FLOW_SEEN rules
 *    that fired on raw data, the stream offset where the data they fired
 *    on ended. A later raw inspection that starts before that offset may
 *    be looking at the same bytes again, so the rule stays silent there;
 *    an inspection wholly after it alerts again. Packets are placed in
 *    the stream by their sequence number, so a retransmission or an
 *    out-of-order segment whose bytes were already reported is silent
 *    too. The price: a second, genuinely new occurrence of the pattern
 *    less than one window after the first is not reported (Suricata's
 *    raw-stream progress tracking has the same blind spot), and with
 *    more than IPS_FLOW_SEEN distinct rules firing on one direction the
 *    oldest entry is forgotten (a possible repeat, never a miss).
 *    Matching only results that end in the new bytes would be exact, but
 *    detection reports rules, not match offsets. (The window's Hyperscan
 *    scan does start near the new bytes: see the carry, ips_inspect_tcp.c.)
 *
 * End of a flow. A TCP flow that expires, is evicted or is flushed at
 * the end of a capture (ips_inspect_flush()) while open has its queued
 * stream data and its app layer's end inspected first (a response body
 * that only the close delimits), each direction addressed from its
 * sender (client to server, then server to client, as Suricata's
 * end-of-flow pseudo-packets); a flow freed with the inspector is not.
 *
 * Transactions. An HTTP response event also carries its request's
 * buffers (ips_http.h), so that a to_client rule may test http.uri with
 * http.stat_code, as in Suricata. A rule that tests request buffers and
 * nothing only a response has, without flow:to_client, is a request rule:
 * detection takes it as to_server (ips_detect_request_rule()), so it had
 * its chance on the request event and is not evaluated on the response.
 *
 * Verdicts. Detection returns the decisive action of each inspection;
 * they are combined over the packet: a pass anywhere passes the packet
 * and marks the flow passed (in both modes, as Suricata: pass is not an
 * IPS-only action); otherwise, inline, drop (or reject) drops the packet
 * and marks the flow dropped, and the flow's later packets are dropped
 * without inspection. After a drop verdict from the packet inspection its
 * bytes are not added to the stream (inline they never reach the
 * receiver). A dropped or passed flow gives its stream and app-layer
 * memory back at once.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ips/ips_inspect_priv.h"
#include "ips/ips_match.h"

const char *const ips_inspect_counter_names[IPS_IC_MAX] = {
#define IPS_INSPECT_COUNTER_NAME(e, n, d) n,
	IPS_INSPECT_COUNTERS(IPS_INSPECT_COUNTER_NAME)
#undef IPS_INSPECT_COUNTER_NAME
};

static void cnt(struct ips_inspect *in, enum ips_inspect_counter c, uint64_t n)
{
	in->counters[c] += n;
}

static void cfg_defaults(struct ips_inspect_cfg *c)
{
	if (!c->max_flows)
		c->max_flows = IPS_INSPECT_FLOWS_DEFAULT;
	if (!c->stream_memcap)
		c->stream_memcap = IPS_INSPECT_STREAM_MEMCAP_DEFAULT;
	if (!c->frag_memcap)
		c->frag_memcap = IPS_INSPECT_FRAG_MEMCAP_DEFAULT;
}

/* The current context for the end of flow @f, as if a packet of it went
 * client to server (alerts name the flow's client as source) */
static void cur_from_flow(struct ips_inspect *in, struct ips_flow *f)
{
	struct ips_pkt_ctx *c = &in->cur;
	struct ips_decoded *d = &c->d;
	const struct ips_flow_key *k = &f->key;

	memset(c, 0, sizeof(*c));
	c->f = f;
	c->to_server = true;
	c->ts_ns = in->last_ts_ns;
	c->now_ns = f->last_ns;
	d->family = k->family;
	d->proto = k->proto;
	memcpy(d->src, f->client_is_a ? k->a : k->b, 16);
	memcpy(d->dst, f->client_is_a ? k->b : k->a, 16);
	d->sport = f->client_is_a ? k->pa : k->pb;
	d->dport = f->client_is_a ? k->pb : k->pa;
	d->has_l4 = true;
}

/* Flow table hook: a flow expires or is evicted. A TCP flow still open
 * gets its queued data and its app layer's end inspected; the packet
 * being processed (an eviction happens in its lookup) is left as it was. */
static void on_release(void *ctx, struct ips_flow *f)
{
	struct ips_inspect *in = ctx;
	struct ips_pkt_ctx saved;

	if (in->destroying || !in->eng || f->key.proto != 6 ||
	    (f->flags & (IPS_FLOWF_DROPPED | IPS_FLOWF_PASSED)))
		return;
	if (!ips_flow_app_mem(in->flows, f) &&
	    !ips_stream_queued(&f->dir[0].stream) &&
	    !ips_stream_queued(&f->dir[1].stream))
		return;
	saved = in->cur;
	cur_from_flow(in, f);
	ips_inspect_tcp_end(in);
	in->cur = saved;
}

/* Does @eng have a rule that tests request buffers on a response? */
static bool has_txn_rules(const struct ips_engine *eng)
{
	uint32_t i, n = eng ? ips_engine_rule_count(eng) : 0;

	for (i = 0; i < n; i++) {
		const struct ips_rule *r = ips_engine_rule(eng, i);

		if ((ips_match_buf_mask(r) & IPS_HTTP_TXN_BUFS) &&
		    !ips_detect_request_rule(r))
			return true;
	}
	return false;
}

static int create_tables(struct ips_inspect *in)
{
	struct ips_stream_cfg scfg = {.memcap = in->cfg.stream_memcap};
	struct ips_frag_cfg fcfg = {.memcap = in->cfg.frag_memcap};
	struct ips_flow_cfg flcfg = {.max_flows = in->cfg.max_flows};

	if (ips_stream_pool_init(&in->spool, &scfg))
		return -ENOMEM;
	in->frag = ips_frag_create(&fcfg);
	ips_http_cfg_default(&in->http_cfg);
	flcfg.app_slot_size =
		(uint32_t)ips_inspect_app_slot_size(&in->http_cfg);
	flcfg.flowbit_words = in->eng ? ips_engine_flowbit_words(in->eng) : 0;
	in->flows =
		ips_flow_table_create(&flcfg, &in->spool, on_release, in);
	in->win = malloc(IPS_FLOW_TAIL + IPS_WIN_STEP);
	if (in->eng)
		in->scratch = ips_scratch_new(in->eng);
	if (!in->frag || !in->flows || !in->win || (in->eng && !in->scratch))
		return -ENOMEM;
	return 0;
}

/**
 * ips_inspect_create() - build an inspector
 * @cfg: configuration (NULL: defaults, not inline, no checksums)
 * @eng: detection engine (not owned; must outlive the inspector or be
 *       replaced with ips_inspect_set_engine() first); NULL inspects
 *       nothing but still tracks flows
 * @fn: alert callback (may be NULL)
 * @ctx: passed to @fn
 *
 * Return: the inspector, or NULL on ENOMEM.
 */
struct ips_inspect *ips_inspect_create(const struct ips_inspect_cfg *cfg,
				       struct ips_engine *eng, ips_alert_fn *fn,
				       void *ctx)
{
	struct ips_inspect *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	if (cfg)
		in->cfg = *cfg;
	cfg_defaults(&in->cfg);
	in->eng = eng;
	in->gen = 1;
	in->txn_rules = has_txn_rules(eng);
	in->fn = fn;
	in->ctx = ctx;
	if (create_tables(in)) {
		ips_inspect_destroy(in);
		return NULL;
	}
	return in;
}

/**
 * ips_inspect_destroy() - free an inspector and all its flows
 * @in: the inspector (NULL is fine); the engine is not freed
 */
void ips_inspect_destroy(struct ips_inspect *in)
{
	if (!in)
		return;
	in->destroying = true;
	ips_flow_table_destroy(in->flows);
	if (in->spool.chunks)
		ips_stream_pool_fini(&in->spool);
	ips_frag_destroy(in->frag);
	ips_scratch_free(in->scratch);
	free(in->win);
	free(in);
}

/**
 * ips_inspect_set_engine() - switch to another engine (rule reload);
 * flows, streams and app-layer state are kept, flowbits are cleared
 * (their numbers belong to the old rule set)
 * @in: the inspector
 * @eng: the new engine; the caller frees the old one after this returns
 *
 * Return: 0, or -ENOMEM (the old engine stays in use).
 */
int ips_inspect_set_engine(struct ips_inspect *in, struct ips_engine *eng)
{
	struct ips_scratch *s = NULL;

	if (eng) {
		s = ips_scratch_new(eng);
		if (!s)
			return -ENOMEM;
		if (ips_flow_set_flowbit_words(in->flows,
					       ips_engine_flowbit_words(eng))) {
			ips_scratch_free(s);
			return -ENOMEM;
		}
	}
	ips_scratch_free(in->scratch);
	in->scratch = s;
	in->eng = eng;
	in->gen = in->gen + 1 ? in->gen + 1 : 1; /* every carry is stale */
	in->txn_rules = has_txn_rules(eng);
	return 0;
}

/**
 * ips_inspect_tick() - expire idle flows and stale fragments
 * @in: the inspector
 * @now_ns: monotonic time (the clock of ips_inspect_packet())
 */
void ips_inspect_tick(struct ips_inspect *in, uint64_t now_ns)
{
	cnt(in, IPS_IC_FLOWS_TIMEOUT, ips_flow_expire(in->flows, now_ns));
	ips_frag_tick(in->frag, now_ns);
}

/**
 * ips_inspect_flush() - end every open flow now, as Suricata does when a
 * capture ends: each TCP flow still open has its queued out-of-order
 * data and stream tail inspected and its app layer closed (an HTTP
 * response delimited by the close, a request body short of its limit),
 * through the same path as expiry; then the flow is freed
 * @in: the inspector (after the last ips_inspect_packet())
 *
 * Alerts are reported through the callback before this returns, with the
 * latest packet's timestamp.
 *
 * Return: flows ended (also counted as flows_flushed).
 */
uint32_t ips_inspect_flush(struct ips_inspect *in)
{
	uint32_t n = ips_flow_release_all(in->flows);

	cnt(in, IPS_IC_FLOWS_FLUSHED, n);
	return n;
}

/**
 * ips_inspect_counters() - the counters, IPS_IC_MAX of them
 * @in: the inspector
 *
 * Return: an array indexed by enum ips_inspect_counter.
 */
const uint64_t *ips_inspect_counters(const struct ips_inspect *in)
{
	return in->counters;
}

/**
 * ips_inspect_flows_active() - flows tracked now
 * @in: the inspector
 *
 * Return: entries of the flow table in use.
 */
uint32_t ips_inspect_flows_active(const struct ips_inspect *in)
{
	return in->flows->n_active;
}

/* ---- detection and alerts ---- */

static bool seen_before(struct ips_flow_dir *dir, uint32_t idx, uint64_t start,
			uint64_t end)
{
	struct ips_flow_seen *s = NULL;
	uint32_t i;

	for (i = 0; i < dir->n_seen; i++) {
		if (dir->seen[i].rule != idx)
			continue;
		if (start < dir->seen[i].end)
			return true;
		dir->seen[i].end = end;
		return false;
	}
	if (dir->n_seen < IPS_FLOW_SEEN) {
		s = &dir->seen[dir->n_seen++];
	} else {
		s = &dir->seen[0];
		for (i = 1; i < IPS_FLOW_SEEN; i++)
			if (dir->seen[i].end < s->end)
				s = &dir->seen[i];
	}
	s->rule = idx;
	s->end = end;
	return false;
}

/* Has this raw match been reported already (this packet, or these bytes)? */
static bool repeat(struct ips_inspect *in, uint32_t idx)
{
	struct ips_pkt_ctx *c = &in->cur;
	uint32_t i;

	for (i = 0; i < c->n_fired; i++)
		if (c->fired[i] == idx)
			return true;
	if (c->n_fired < IPS_PKT_FIRED_MAX)
		c->fired[c->n_fired++] = idx;
	if (!c->has_off || !c->f)
		return false;
	return seen_before(&c->f->dir[c->to_server ? 0 : 1], idx, c->win_start,
			   c->win_end);
}

static void report(struct ips_inspect *in, const struct ips_rule *r)
{
	const struct ips_decoded *d = &in->cur.d;
	struct ips_alert a;

	cnt(in, IPS_IC_ALERTS, 1);
	if (!in->fn)
		return;
	memset(&a, 0, sizeof(a));
	a.rule = r;
	a.blocked = in->cfg.inline_mode &&
		    (r->action == IPS_ACT_DROP || r->action == IPS_ACT_REJECT);
	a.flow_id = in->cur.f ? in->cur.f->id : 0;
	a.ts_ns = in->cur.ts_ns;
	a.family = d->family;
	a.proto = d->proto;
	a.app = in->cur.f ? in->cur.f->app : IPS_APP_NONE;
	a.icmp_type = d->icmp_type;
	a.icmp_code = d->icmp_code;
	a.sport = d->sport;
	a.dport = d->dport;
	memcpy(a.src, d->src, 16);
	memcpy(a.dst, d->dst, 16);
	in->fn(in->ctx, &a);
}

static void on_match(void *ctx, const struct ips_rule *r, uint32_t idx,
		     const struct ips_pktinfo *p)
{
	struct ips_inspect *in = ctx;

	(void)p;
	(void)idx;
	if (r->action != IPS_ACT_PASS)
		report(in, r);
}

/* Detection's question before it counts a match (ips_detect_opts.seen):
 * has this rule matched these bytes in an earlier inspection? Not asked
 * for app-layer events (their buffers are not the packet's bytes). */
static bool on_seen(void *ctx, uint32_t idx)
{
	struct ips_inspect *in = ctx;

	return in->cur.kind != IPS_INSP_APP && repeat(in, idx);
}

/**
 * ips_inspect_run() - one inspection: detection, alerts, actions noted
 * @in: the inspector
 * @p: the inspection (from ips_inspect_pktinfo() plus buffers)
 * @kind: enum ips_insp_kind, for de-duplication
 * @o: where detection takes its candidates from (NULL: its own scan)
 */
void ips_inspect_run(struct ips_inspect *in, struct ips_pktinfo *p,
		     enum ips_insp_kind kind, const struct ips_detect_opts *o)
{
	struct ips_detect_opts opts = {0};
	struct ips_detect_result res;

	if (!in->eng || ips_inspect_stopped(in))
		return;
	if (o)
		opts = *o;
	opts.seen = on_seen;
	in->cur.kind = (uint8_t)kind;
	cnt(in, IPS_IC_INSPECTIONS, 1);
	ips_detect_ex(in->eng, in->scratch, p, &res, on_match, in, &opts);
	switch (res.action) {
	case IPS_ACT_PASS:
		in->cur.pass = true;
		break;
	case IPS_ACT_DROP:
		in->cur.drop = true;
		break;
	case IPS_ACT_REJECT:
		in->cur.reject = true;
		break;
	default:
		break;
	}
}

/**
 * ips_inspect_stopped() - must the packet's inspections stop?
 * @in: the inspector
 *
 * Return: true after a pass, or (inline) after a drop or reject.
 */
bool ips_inspect_stopped(const struct ips_inspect *in)
{
	const struct ips_pkt_ctx *c = &in->cur;

	return c->pass || (in->cfg.inline_mode && (c->drop || c->reject));
}

/**
 * ips_inspect_pktinfo() - header facts of the current packet, no buffers
 * @in: the inspector
 * @p: filled
 */
void ips_inspect_pktinfo(struct ips_inspect *in, struct ips_pktinfo *p)
{
	const struct ips_pkt_ctx *c = &in->cur;
	const struct ips_decoded *d = &c->d;

	/* the buffer arrays are read only where @present says (ips_pkt.h) */
	memset(p, 0, offsetof(struct ips_pktinfo, bufs));
	p->bufs.present = 0;
	p->family = d->family;
	p->proto = d->proto;
	p->tcp_flags = d->tcp_flags;
	p->icmp_type = d->icmp_type;
	p->icmp_code = d->icmp_code;
	p->sport = d->sport;
	p->dport = d->dport;
	if (d->family == 4) {
		p->src4 = (uint32_t)d->src[0] << 24 |
			  (uint32_t)d->src[1] << 16 | (uint32_t)d->src[2] << 8 |
			  d->src[3];
		p->dst4 = (uint32_t)d->dst[0] << 24 |
			  (uint32_t)d->dst[1] << 16 | (uint32_t)d->dst[2] << 8 |
			  d->dst[3];
	} else {
		memcpy(p->src6, d->src, 16);
		memcpy(p->dst6, d->dst, 16);
	}
	p->dsize = d->payload_len;
	p->flow = c->to_server ? IPS_FLOW_TO_SERVER : IPS_FLOW_TO_CLIENT;
	p->flow |= d->reassembled ? IPS_FLOW_ONLY_FRAG : IPS_FLOW_NO_FRAG;
	p->now_ns = c->now_ns;
	if (!c->f)
		return;
	p->flow |= (c->f->flags & IPS_FLOWF_ESTABLISHED)
			   ? IPS_FLOW_ESTABLISHED
			   : IPS_FLOW_NOT_ESTABLISHED;
	p->app = c->f->app;
	p->flowbits = ips_flow_bits(in->flows, c->f);
	p->n_flowbit_words = p->flowbits ? in->flows->cfg.flowbit_words : 0;
}

/**
 * ips_inspect_payload() - the packet inspection of the current packet;
 * skipped when the engine has no rule it could fire. With a prebuilt
 * stream window (ips_pkt_ctx.pre_len) the prefilter scans the window,
 * which holds the payload, and the window's inspection reuses the
 * candidates: the payload goes through Hyperscan once.
 * @in: the inspector
 */
void ips_inspect_payload(struct ips_inspect *in)
{
	struct ips_pkt_ctx *c = &in->cur;
	struct ips_detect_opts o = {0};
	struct ips_bufs w;
	struct ips_pktinfo p;
	uint64_t n;

	if (!in->eng || !ips_engine_raw_inspects(in->eng, true))
		return;
	ips_inspect_pktinfo(in, &p);
	p.flow |= IPS_FLOW_NO_STREAM;
	p.bufs.present = 1ull << IPS_BUF_PAYLOAD;
	p.bufs.p[IPS_BUF_PAYLOAD] = c->d.payload;
	p.bufs.len[IPS_BUF_PAYLOAD] = c->d.payload_len;
	if (c->pre_len) {
		w.present = p.bufs.present;
		w.p[IPS_BUF_PAYLOAD] = in->win;
		w.len[IPS_BUF_PAYLOAD] = c->pre_len;
		o.prefilter = &w;
		ips_inspect_win_opts(in, &c->f->dir[c->to_server ? 0 : 1], &o);
	}
	n = in->counters[IPS_IC_INSPECTIONS];
	ips_inspect_run(in, &p, IPS_INSP_PACKET, &o);
	if (o.prefilter && in->counters[IPS_IC_INSPECTIONS] != n)
		c->pre_insp = in->counters[IPS_IC_INSPECTIONS];
}

/* ---- the packet path ---- */

/* An IPv4 or IPv6 fragment: 1: inspect *l3 (maybe reassembled); 0: held;
 * <0: refused */
static int defrag(struct ips_inspect *in, const uint8_t **l3, uint32_t *len,
		  uint64_t now_ns)
{
	const uint8_t *out;
	uint32_t out_len;
	int r;

	cnt(in, IPS_IC_FRAGMENTS, 1);
	r = ips_frag_add(in->frag, *l3, *len, now_ns, &out, &out_len);
	if (r == 1) {
		cnt(in, IPS_IC_REASSEMBLED, 1);
		*l3 = out;
		*len = out_len;
	} else if (r == 0) {
		cnt(in, IPS_IC_FRAG_HELD, 1);
	} else {
		cnt(in, IPS_IC_FRAG_BAD, 1);
	}
	return r;
}

static void flow_tuple(const struct ips_decoded *d, struct ips_flow_tuple *tp)
{
	memset(tp, 0, sizeof(*tp));
	memcpy(tp->src, d->src, 16);
	memcpy(tp->dst, d->dst, 16);
	tp->sport = d->sport;
	tp->dport = d->dport;
	tp->proto = d->proto;
	tp->family = d->family;
	tp->tcp_flags = d->tcp_flags;
}

/* Find the flow; false if the packet is decided by the flow's verdict. */
static bool flow_of(struct ips_inspect *in, enum ips_verdict *v)
{
	struct ips_pkt_ctx *c = &in->cur;
	struct ips_flow_tuple tp;
	struct ips_flow *f;

	flow_tuple(&c->d, &tp);
	f = ips_flow_lookup(in->flows, &tp, c->now_ns, true, &c->to_server);
	c->f = f;
	if (!f) {
		cnt(in, IPS_IC_NO_FLOW, 1);
		c->to_server = true;
		return true;
	}
	if (f->first_ns == c->now_ns && f->pkts[0] + f->pkts[1] == 0)
		cnt(in, IPS_IC_FLOWS, 1);
	f->pkts[c->to_server ? 0 : 1]++;
	if (f->flags & IPS_FLOWF_DROPPED) {
		cnt(in, IPS_IC_FLOW_DROPPED, 1);
		*v = IPS_VERDICT_DROP;
		return false;
	}
	if (f->flags & IPS_FLOWF_PASSED) {
		cnt(in, IPS_IC_FLOW_PASSED, 1);
		*v = IPS_VERDICT_PASS;
		return false;
	}
	if (c->d.proto != 6 && f->pkts[0] && f->pkts[1])
		f->flags |= IPS_FLOWF_ESTABLISHED;
	return true;
}

static void flow_done(struct ips_inspect *in, struct ips_flow *f, uint16_t flag)
{
	f->flags |= flag;
	ips_inspect_app_release(in, f);
	ips_stream_free(&f->dir[0].stream);
	ips_stream_free(&f->dir[1].stream);
}

static enum ips_verdict verdict(struct ips_inspect *in)
{
	struct ips_pkt_ctx *c = &in->cur;

	if (c->pass) {
		if (c->f)
			flow_done(in, c->f, IPS_FLOWF_PASSED);
		return IPS_VERDICT_PASS;
	}
	if (!in->cfg.inline_mode || !(c->drop || c->reject))
		return IPS_VERDICT_PASS;
	if (c->f)
		flow_done(in, c->f,
			  IPS_FLOWF_DROPPED |
				  (c->drop ? 0 : IPS_FLOWF_REJECTED));
	if (c->drop) {
		cnt(in, IPS_IC_DROPS, 1);
		return IPS_VERDICT_DROP;
	}
	cnt(in, IPS_IC_REJECTS, 1);
	return IPS_VERDICT_REJECT;
}

static void reset_cur(struct ips_pkt_ctx *c, uint64_t now_ns, uint64_t ts_ns)
{
	c->f = NULL;
	c->to_server = true;
	c->ts_ns = ts_ns;
	c->now_ns = now_ns;
	c->has_off = false;
	c->pass = c->drop = c->reject = false;
	c->n_fired = 0;
	c->pre_len = 0;
	c->pre_insp = 0;
}

/**
 * ips_inspect_packet() - inspect one IP packet and decide its fate
 * @in: the inspector
 * @l3: the packet from its IPv4/IPv6 header (untrusted)
 * @len: bytes at @l3
 * @now_ns: monotonic time (flow timeouts, fragment lifetimes, thresholds)
 * @ts_ns: wall-clock time of the packet, for alerts
 *
 * Alerts are reported through the callback before this returns.
 *
 * Return: IPS_VERDICT_PASS, or (inline only) IPS_VERDICT_DROP /
 * IPS_VERDICT_REJECT. Packets that cannot be inspected (bad headers,
 * invalid checksums) pass and are counted; an IP fragment refused by
 * reassembly (ambiguous overlap, table full) is dropped inline.
 */
enum ips_verdict ips_inspect_packet(struct ips_inspect *in, const uint8_t *l3,
				    uint32_t len, uint64_t now_ns,
				    uint64_t ts_ns)
{
	struct ips_pkt_ctx *c = &in->cur;
	enum ips_verdict v = IPS_VERDICT_PASS;
	bool reassembled = false;
	int r;

	cnt(in, IPS_IC_PACKETS, 1);
	cnt(in, IPS_IC_BYTES, len);
	in->last_ts_ns = ts_ns;
	reset_cur(c, now_ns, ts_ns);
	if (ips_frag_is_fragment(l3, len)) {
		r = defrag(in, &l3, &len, now_ns);
		if (r <= 0)
			return r < 0 && in->cfg.inline_mode ? IPS_VERDICT_DROP
							    : IPS_VERDICT_PASS;
		reassembled = true;
	}
	r = ips_inspect_decode(l3, len, &c->d);
	if (r) {
		cnt(in, r == -EOPNOTSUPP ? IPS_IC_UNSUPPORTED : IPS_IC_INVALID,
		    1);
		return IPS_VERDICT_PASS;
	}
	c->d.reassembled = reassembled;
	if (in->cfg.checksums && !ips_inspect_csum_ok(&c->d)) {
		cnt(in, IPS_IC_CSUM_BAD, 1);
		return IPS_VERDICT_PASS;
	}
	if (!flow_of(in, &v))
		return v;
	if (c->d.proto == 6 && c->d.has_l4 && c->f) {
		ips_inspect_tcp(in);
	} else {
		ips_inspect_payload(in);
		if (c->d.proto == 17 && c->d.has_l4 && c->f)
			ips_inspect_udp_app(in);
	}
	return verdict(in);
}
