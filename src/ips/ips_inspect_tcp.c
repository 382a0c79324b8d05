// SPDX-License-Identifier: MIT
/*
 * ips_inspect_tcp.c - the inspector's TCP part: connection state (enough
 * for flow:established: the three-way handshake, or data both ways for a
 * connection picked up mid-stream; FIN/RST for the close), the packet's
 * place in the stream (for de-duplication, see ips_inspect.c), feeding
 * the direction's reassembly, and inspecting each stretch of new in-order
 * data as a raw window (tail + new bytes) before handing it to the
 * app-layer parsers.
 *
 * The carry. A window's candidates are the rules whose fast pattern
 * occurs anywhere in it, tail included, but the tail was scanned with the
 * windows before. Each direction remembers which payload fast patterns
 * occur wholly inside its tail (at most IPS_FLOW_CARRY, each with its
 * latest start), built from every occurrence the scans report (the
 * payload databases report all of them, IPS_MPM_ALL_MATCHES). The next
 * window is then scanned only from ips_engine_payload_overlap() bytes
 * (< 64: payload fast patterns are cut to a 64-byte prefix) before its
 * new bytes, which finds every occurrence touching them, and the carried
 * patterns are added: the same candidates as a scan of the whole window.
 * When the carry is not known - the first window, more patterns than fit,
 * occurrences that could lie in the tail dropped from the IPS_OCC_MAX
 * ring, a window not inspected, a new engine - the window is scanned
 * whole. On ET Open's HTTP traffic 97% of windows are scanned in part,
 * ~10% fewer instructions in all (test_window_carry_equals_naive checks
 * the alerts against the naive engine on random streams).
 */
#include <string.h>

#include "ips/ips_inspect_priv.h"

enum {
	TH_FIN = 0x01,
	TH_SYN = 0x02,
	TH_RST = 0x04,
	TH_ACK = 0x10,
};

static struct ips_flow_dir *cur_dir(struct ips_inspect *in)
{
	return &in->cur.f->dir[in->cur.to_server ? 0 : 1];
}

static void state(struct ips_inspect *in)
{
	struct ips_pkt_ctx *c = &in->cur;
	struct ips_flow *f = c->f;
	uint8_t fl = c->d.tcp_flags;

	if ((fl & (TH_SYN | TH_ACK)) == TH_SYN && c->to_server) {
		f->flags |= IPS_FLOWF_SYN;
		if (!f->dir[0].stream.started)
			ips_stream_start(&f->dir[0].stream, c->d.seq + 1);
	} else if ((fl & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) &&
		   !c->to_server) {
		f->flags |= IPS_FLOWF_SYNACK;
		if (!f->dir[1].stream.started)
			ips_stream_start(&f->dir[1].stream, c->d.seq + 1);
	} else if ((fl & TH_ACK) && c->to_server &&
		   (f->flags & IPS_FLOWF_SYNACK)) {
		f->flags |= IPS_FLOWF_ESTABLISHED;
	}
	if (c->d.payload_len)
		f->flags |=
			c->to_server ? IPS_FLOWF_DATA_TS : IPS_FLOWF_DATA_TC;
	if ((f->flags & (IPS_FLOWF_DATA_TS | IPS_FLOWF_DATA_TC)) ==
	    (IPS_FLOWF_DATA_TS | IPS_FLOWF_DATA_TC))
		f->flags |= IPS_FLOWF_ESTABLISHED;
	if ((f->flags & IPS_FLOWF_ESTABLISHED) &&
	    f->tclass == IPS_FLOW_TC_TCP_NEW)
		ips_flow_set_class(in->flows, f, IPS_FLOW_TC_TCP_EST);
}

/* sequence number of the first payload byte (a SYN takes one) */
static uint32_t data_seq(const struct ips_decoded *d)
{
	return d->seq + ((d->tcp_flags & TH_SYN) ? 1 : 0);
}

/* Where the packet's bytes sit in the direction's stream. */
static void packet_place(struct ips_inspect *in, struct ips_flow_dir *dir)
{
	struct ips_pkt_ctx *c = &in->cur;
	int64_t start = (int64_t)dir->off;

	if (!c->d.payload_len)
		return;
	if (dir->stream.started)
		start += (int32_t)(data_seq(&c->d) - dir->stream.next_seq);
	if (start < 0)
		start = 0;
	c->has_off = true;
	c->win_start = (uint64_t)start;
	c->win_end = (uint64_t)start + c->d.payload_len;
}

/* The direction's tail: the last IPS_FLOW_TAIL bytes of tail + @n new */
static void tail_push(struct ips_flow_dir *dir, const uint8_t *data, uint32_t n)
{
	uint32_t keep;

	if (n >= IPS_FLOW_TAIL) {
		memcpy(dir->tail, data + n - IPS_FLOW_TAIL, IPS_FLOW_TAIL);
		dir->tail_len = IPS_FLOW_TAIL;
		return;
	}
	keep = IPS_FLOW_TAIL - n < dir->tail_len ? IPS_FLOW_TAIL - n
						 : dir->tail_len;
	memmove(dir->tail, dir->tail + dir->tail_len - keep, keep);
	memcpy(dir->tail + keep, data, n);
	dir->tail_len = (uint16_t)(keep + n);
}

/* A payload pattern occurrence in the window being scanned */
static void on_occ(void *ctx, uint32_t pat, uint32_t start, uint32_t len)
{
	struct ips_inspect *in = ctx;
	struct ips_occ_ring *r = &in->occ;
	uint32_t i = r->n++ % IPS_OCC_MAX;

	r->pat[i] = pat;
	r->start[i] = start;
	r->end[i] = start + len;
}

/**
 * ips_inspect_win_opts() - how to scan the stream window in in->win (the
 * direction's tail, then new bytes): with the direction's carry known,
 * only from ips_engine_payload_overlap() bytes before the new ones, the
 * patterns wholly inside the tail taken from the carry; its occurrences
 * are recorded for the next window's carry either way
 * @in: the inspector, its current context set up
 * @dir: the direction whose window it is
 * @o: options to fill (the caller's others are kept)
 */
void ips_inspect_win_opts(struct ips_inspect *in,
			  const struct ips_flow_dir *dir,
			  struct ips_detect_opts *o)
{
	uint32_t ov = ips_engine_payload_overlap(in->eng);

	in->occ.n = 0;
	in->occ.dir = ov == UINT32_MAX ? NULL : dir;
	in->occ.win_start = dir->off - dir->tail_len;
	o->occ = on_occ;
	if (ov == UINT32_MAX || dir->carry_gen != in->gen)
		return;
	o->pay_from = dir->tail_len > ov ? dir->tail_len - ov : 0;
	o->carry = dir->carry;
	o->n_carry = dir->n_carry;
	in->counters[IPS_IC_WIN_PARTIAL]++;
}

/* Stream offset of carry entry @i, which lies at or after @base */
static uint64_t carry_pos(const struct ips_flow_dir *dir, uint32_t i,
			  uint64_t base)
{
	return base + (uint32_t)(dir->carry_at[i] - (uint32_t)base);
}

/*
 * Add pattern @pat starting at stream offset @at (>= @base) to the carry
 * being built, keeping each pattern's latest start (the one that stays
 * in the tail longest); false when it does not fit.
 */
static bool carry_add(struct ips_flow_dir *dir, uint64_t base, uint32_t pat,
		      uint64_t at)
{
	for (uint32_t i = 0; i < dir->n_carry; i++) {
		if (dir->carry[i] != pat)
			continue;
		if (at > carry_pos(dir, i, base))
			dir->carry_at[i] = (uint32_t)at;
		return true;
	}
	if (dir->n_carry == IPS_FLOW_CARRY)
		return false;
	dir->carry[dir->n_carry] = pat;
	dir->carry_at[dir->n_carry++] = (uint32_t)at;
	return true;
}

/*
 * The carry for the direction's next window, after the window of @wlen
 * bytes at in->occ.win_start was scanned (or not, @scanned false): the
 * patterns lying wholly inside the new tail (its last IPS_FLOW_TAIL
 * bytes), from the old carry and this scan's occurrences. Unknown (a full
 * scan next time) when they do not fit, or when occurrences that could
 * lie there were dropped from the ring.
 */
static void carry_update(struct ips_inspect *in, struct ips_flow_dir *dir,
			 uint32_t wlen, bool scanned)
{
	const struct ips_occ_ring *r = &in->occ;
	uint64_t base = dir->off - dir->tail_len;
	uint64_t keep = base + wlen - (wlen < IPS_FLOW_TAIL ? wlen
							   : IPS_FLOW_TAIL);
	uint32_t n = dir->n_carry, first = 0;
	bool ok = scanned && r->dir == dir && r->win_start == base;

	if (ok && r->n > IPS_OCC_MAX) {
		first = r->n - IPS_OCC_MAX; /* older ones ended before this */
		ok = base + r->end[first % IPS_OCC_MAX] <= keep;
	}
	if (ok && dir->carry_gen != in->gen)
		n = 0; /* scanned whole: the ring has everything */
	dir->n_carry = 0;
	for (uint32_t i = 0; ok && i < n; i++) {
		uint64_t at = carry_pos(dir, i, base);

		if (at >= keep)
			ok = carry_add(dir, base, dir->carry[i], at);
	}
	for (uint32_t i = first; ok && i < r->n; i++) {
		uint32_t k = i % IPS_OCC_MAX;

		if (base + r->start[k] >= keep)
			ok = carry_add(dir, base, r->pat[k], base + r->start[k]);
	}
	dir->carry_gen = ok ? in->gen : 0;
	in->occ.dir = NULL;
}

/* Is in->win already tail + @data[0..n) (built for the packet's scan)? */
static bool prebuilt(const struct ips_pkt_ctx *c, const struct ips_flow_dir *dir,
		     const uint8_t *data, uint32_t n)
{
	return c->pre_len && data == c->d.payload && n == c->d.payload_len &&
	       dir->tail_len == c->pre_tail && c->pre_tail + n == c->pre_len;
}

/* One raw inspection of tail + @n new bytes; the tail moves on. */
static void window(struct ips_inspect *in, struct ips_flow_dir *dir,
		   const uint8_t *data, uint32_t n)
{
	struct ips_pkt_ctx *c = &in->cur;
	uint32_t wlen = dir->tail_len + n;
	struct ips_detect_opts o = {0};
	struct ips_pktinfo p;
	bool scanned = false;

	if (!in->eng || !ips_engine_raw_inspects(in->eng, false))
		goto out;
	if (prebuilt(c, dir, data, n)) {
		/* the packet inspection scanned this very window */
		o.reuse = c->pre_insp &&
			  c->pre_insp == in->counters[IPS_IC_INSPECTIONS];
	} else {
		memcpy(in->win, dir->tail, dir->tail_len);
		memcpy(in->win + dir->tail_len, data, n);
	}
	if (!o.reuse)
		ips_inspect_win_opts(in, dir, &o);
	scanned = true;
	c->has_off = true;
	c->win_start = dir->off - dir->tail_len;
	c->win_end = dir->off + n;
	ips_inspect_pktinfo(in, &p);
	p.flow |= IPS_FLOW_ONLY_STREAM;
	p.bufs.present = 1ull << IPS_BUF_PAYLOAD;
	p.bufs.p[IPS_BUF_PAYLOAD] = in->win;
	p.bufs.len[IPS_BUF_PAYLOAD] = wlen;
	ips_inspect_run(in, &p, IPS_INSP_STREAM, &o);
out:
	carry_update(in, dir, wlen, scanned);
	c->pre_len = 0;
	tail_push(dir, data, n);
}

/*
 * In-order data that will reach the stream whole, as the first delivery
 * of this packet: its window (tail + payload) is built now, so the packet
 * inspection can scan it and the window inspection reuse that scan.
 */
static void prebuild(struct ips_inspect *in, struct ips_flow_dir *dir)
{
	struct ips_pkt_ctx *c = &in->cur;
	const struct ips_stream *st = &dir->stream;
	uint32_t n = c->d.payload_len;

	if (!n || n > IPS_WIN_STEP || !in->eng ||
	    !ips_engine_raw_inspects(in->eng, false) ||
	    (c->d.tcp_flags & TH_RST) || (c->f->flags & IPS_FLOWF_RST) ||
	    (st->started &&
	     (data_seq(&c->d) != st->next_seq || ips_stream_queued(st))))
		return;
	memcpy(in->win, dir->tail, dir->tail_len);
	memcpy(in->win + dir->tail_len, c->d.payload, n);
	c->pre_tail = dir->tail_len;
	c->pre_len = dir->tail_len + n;
}

static void on_data(void *ctx, const uint8_t *data, uint32_t len, uint32_t seq,
		    uint32_t flags)
{
	struct ips_inspect *in = ctx;
	struct ips_pkt_ctx *c = &in->cur;
	struct ips_flow_dir *dir = cur_dir(in);
	uint32_t done, n;

	in->counters[IPS_IC_STREAM_BYTES] += len;
	if ((flags & IPS_STREAM_GAP) || seq != c->expect) {
		dir->off += (uint32_t)(seq - c->expect);
		dir->tail_len = 0;
		dir->n_carry = 0; /* nothing lies in an empty tail */
	}
	c->expect = seq + len;
	for (done = 0; done < len; done += n) {
		n = len - done < IPS_WIN_STEP ? len - done : IPS_WIN_STEP;
		if (!ips_inspect_stopped(in))
			window(in, dir, data + done, n);
		else
			dir->carry_gen = 0; /* the tail no longer moves */
		dir->off += n;
	}
	if (!ips_inspect_stopped(in))
		ips_inspect_app_data(in, data, len, flags);
}

static void feed(struct ips_inspect *in, struct ips_flow_dir *dir)
{
	struct ips_pkt_ctx *c = &in->cur;
	uint32_t seq = data_seq(&c->d);

	in->counters[IPS_IC_TCP_SEGMENTS]++;
	c->expect = dir->stream.started ? dir->stream.next_seq : seq;
	ips_stream_segment(&dir->stream, seq, c->d.payload, c->d.payload_len,
			   on_data, in);
}

/* The packet's addresses the other way round */
static void swap_ends(struct ips_decoded *d)
{
	uint8_t a[16];
	uint16_t p = d->sport;

	memcpy(a, d->src, 16);
	memcpy(d->src, d->dst, 16);
	memcpy(d->dst, a, 16);
	d->sport = d->dport;
	d->dport = p;
}

/*
 * The end of one direction: its queued data and its app layer's end are
 * inspected as that direction's, addressed from its sender (as Suricata's
 * end-of-flow pseudo-packets are), whichever packet or event ends it.
 */
static void close_dir(struct ips_inspect *in, bool to_server)
{
	struct ips_pkt_ctx *c = &in->cur;
	struct ips_flow_dir *dir = &c->f->dir[to_server ? 0 : 1];
	bool saved = c->to_server;

	if (to_server != saved)
		swap_ends(&c->d);
	c->to_server = to_server;
	c->expect = dir->stream.next_seq;
	if (dir->stream.started && ips_stream_queued(&dir->stream))
		ips_stream_flush(&dir->stream, on_data, in);
	ips_inspect_app_close(in, to_server);
	if (to_server != saved)
		swap_ends(&c->d);
	c->to_server = saved;
}

/**
 * ips_inspect_tcp_end() - a TCP flow goes away without its FIN/RST
 * (expiry, eviction): what is queued in each open direction is
 * inspected and the app layer closed, so a response body delimited by
 * the close (no Content-Length) is still inspected
 * @in: the inspector, its current context set up for the flow
 *      (ips_inspect.c)
 */
void ips_inspect_tcp_end(struct ips_inspect *in)
{
	struct ips_flow *f = in->cur.f;

	if (f->flags & IPS_FLOWF_RST)
		return;
	if (!(f->flags & IPS_FLOWF_FIN_TS))
		close_dir(in, true);
	if (!(f->flags & IPS_FLOWF_FIN_TC) && !ips_inspect_stopped(in))
		close_dir(in, false);
}

/* FIN closes the sender's direction; RST both; a closed flow times out
 * quickly and gives its app-layer memory back. */
static void closing(struct ips_inspect *in)
{
	struct ips_pkt_ctx *c = &in->cur;
	struct ips_flow *f = c->f;
	uint16_t fin = c->to_server ? IPS_FLOWF_FIN_TS : IPS_FLOWF_FIN_TC;

	if ((c->d.tcp_flags & TH_FIN) && !(f->flags & fin)) {
		f->flags |= fin;
		close_dir(in, c->to_server);
	}
	if ((c->d.tcp_flags & TH_RST) && !(f->flags & IPS_FLOWF_RST)) {
		f->flags |= IPS_FLOWF_RST;
		if (!(f->flags & IPS_FLOWF_FIN_TS))
			close_dir(in, true);
		if (!(f->flags & IPS_FLOWF_FIN_TC))
			close_dir(in, false);
	}
	if ((f->flags & IPS_FLOWF_RST) ||
	    (f->flags & (IPS_FLOWF_FIN_TS | IPS_FLOWF_FIN_TC)) ==
		    (IPS_FLOWF_FIN_TS | IPS_FLOWF_FIN_TC)) {
		ips_flow_set_class(in->flows, f, IPS_FLOW_TC_TCP_CLOSED);
		ips_inspect_app_release(in, f);
	}
}

/**
 * ips_inspect_tcp() - the TCP path of the current packet (which has a
 * flow): state, packet inspection, stream reassembly and inspection of
 * new in-order data, close handling
 * @in: the inspector
 */
void ips_inspect_tcp(struct ips_inspect *in)
{
	struct ips_flow_dir *dir = cur_dir(in);

	state(in);
	packet_place(in, dir);
	prebuild(in, dir);
	ips_inspect_payload(in);
	if (ips_inspect_stopped(in))
		return;
	if (in->cur.d.payload_len && !(in->cur.f->flags & IPS_FLOWF_RST))
		feed(in, dir);
	if (!ips_inspect_stopped(in))
		closing(in);
}
