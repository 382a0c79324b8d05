// SPDX-License-Identifier: MIT
/*
 * ips_detect.c - the per-inspection path of the detection engine (see
 * ips_detect.h for the contract, ips_detect_build.c for how the engine is
 * compiled): collect candidates, evaluate them in slot order, report.
 *
 * Candidates come from one Hyperscan scan per present buffer (each
 * pattern id adds its rule list; the database of the packet's port set,
 * ips_detect_mpm.c) plus the group lists (rules without a
 * fast pattern, ips_detect_group.c) of the present buffers, the
 * header-only list on packet inspections and the application lists, each
 * for the packet's class: its shared rules and those listed under the
 * packet's destination and source port. A rule may be added several
 * times (by two patterns, or by two buffers): adding sets the slot's bit
 * in the scratch's bitmap, and reading the bitmap's touched words back gives
 * each candidate once, in slot order, which is evaluation order (no sort;
 * reading clears the words, so nothing is cleared or allocated per
 * inspection).
 *
 * The naive engine (cfg->naive) has no lists: every slot is a candidate.
 * Both paths apply the same eligibility test (required buffers present,
 * packet inspection for header-only rules), so they fire the same rules.
 */
#include "ips/ips_detect_priv.h"

static bool packet_inspection(const struct ips_pktinfo *p)
{
	return (p->bufs.present & (1ull << IPS_BUF_PAYLOAD)) &&
	       !(p->flow & IPS_FLOW_ONLY_STREAM);
}

static void mark(struct ips_scratch *s, uint32_t slot)
{
	uint32_t w = slot / 64;

	if (w < s->lo)
		s->lo = w;
	if (w >= s->hi)
		s->hi = w + 1;
	s->bits[w] |= 1ull << (slot % 64);
}

static void add_list(struct ips_scratch *s, const struct ips_list *l,
		     uint32_t k)
{
	for (uint32_t i = l->start[k]; i < l->start[k + 1]; i++)
		mark(s, l->slots[i]);
}

/* The rules of group key @k listed under port key @pk */
static void add_port(struct ips_scratch *s, const struct ips_groups *g,
		     uint32_t k, uint32_t pk)
{
	uint32_t lo = g->pstart[k], hi = g->pstart[k + 1], end = hi;
	uint64_t want = (uint64_t)pk << 32;

	while (lo < hi) { /* the first entry >= want */
		uint32_t mid = lo + (hi - lo) / 2;

		if (g->pents[mid] < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < end && g->pents[lo] >> 32 == pk; lo++)
		mark(s, (uint32_t)g->pents[lo]);
}

/* Group list @gl for a packet of class @pc */
static void add_group(struct ips_scratch *s, const struct ips_groups *g,
		      uint32_t gl, uint32_t pc, const struct ips_pktinfo *p)
{
	uint32_t k = gl * IPS_PC_MAX + pc;

	add_list(s, &g->shared, k);
	if (g->pstart[k] == g->pstart[k + 1])
		return;
	add_port(s, g, k, p->dport);
	add_port(s, g, k, IPS_GP_SRC | p->sport);
}

static uint32_t pclass(const struct ips_pktinfo *p)
{
	switch (p->proto) {
	case 6:
		return p->tcp_flags & IPS_TCP_SYN ? IPS_PC_TCP_SYN : IPS_PC_TCP;
	case 17:
		return IPS_PC_UDP;
	case 1:
	case 58:
		return IPS_PC_ICMP;
	default:
		return IPS_PC_OTHER;
	}
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

/*
 * The set whose databases @p scans (ips_detect_mpm.c): the port set "to"
 * its destination port, else "from" (its source port is a chosen one),
 * else the default (0); in the block of its protocol and flow direction
 * (TCP or UDP to server or to client; anything else: block 0, all).
 */
static uint32_t mpm_set(const struct ips_engine *e,
			const struct ips_pktinfo *p)
{
	uint32_t n = e->n_mpm_ports, blk = 0, ps = 0;

	if (p->proto == 6 || p->proto == 17) {
		if (p->flow & IPS_FLOW_TO_SERVER)
			blk = 1;
		else if (p->flow & IPS_FLOW_TO_CLIENT)
			blk = 2;
		if (blk && p->proto == 17)
			blk += 2;
	}
	if (!n || !has_ports(p->proto))
		return blk * IPS_MPM_PSETS;
	for (uint32_t i = 0; i < n && !ps; i++)
		if (e->mpm_ports[i] == p->dport)
			ps = i + 1;
	for (uint32_t i = 0; i < n && !ps; i++)
		if (e->mpm_ports[i] == p->sport)
			ps = n + 1;
	return blk * IPS_MPM_PSETS + ps;
}

static int on_pattern(void *ctx, uint32_t id, uint64_t end)
{
	struct ips_scratch *s = ctx;

	(void)end;
	if (id != s->last_pat)
		add_list(s, &s->e->pats, id);
	s->last_pat = id;
	return 0;
}

/* A payload pattern: every occurrence is reported (IPS_MPM_ALL_MATCHES);
 * the caller may want where it starts */
static int on_payload_pattern(void *ctx, uint32_t id, uint64_t end)
{
	struct ips_scratch *s = ctx;

	if (s->o && s->o->occ)
		s->o->occ(s->ctx, id,
			  s->occ_base + (uint32_t)end - s->e->mpm_len[id],
			  s->e->mpm_len[id]);
	return on_pattern(ctx, id, end);
}

/* Buffer @b of @scan through its database for set @set */
static void scan_buf(const struct ips_engine *e, struct ips_scratch *s,
		     const struct ips_bufs *scan, uint32_t b, uint32_t set)
{
	const uint8_t *p = scan->p[b];
	uint32_t len = scan->len[b], from = 0;

	s->last_pat = UINT32_MAX;
	if (b != IPS_BUF_PAYLOAD) {
		(void)ips_mpm_scan(e->mpm[b][set], s->hs, p, len, on_pattern,
				   s);
		return;
	}
	if (s->o) {
		from = s->o->pay_from < len ? s->o->pay_from : len;
		for (uint32_t i = 0; i < s->o->n_carry; i++)
			add_list(s, &e->pats, s->o->carry[i]);
	}
	s->occ_base = from;
	(void)ips_mpm_scan(e->mpm[b][set], s->hs, p + from, len - from,
			   on_payload_pattern, s);
}

/* The marked slots into s->cands in slot (evaluation) order; the
 * bitmap is left all zero for the next inspection. */
static void gather(struct ips_scratch *s)
{
	uint32_t n = 0;

	for (uint32_t w = s->lo; w < s->hi; w++) {
		uint64_t m = s->bits[w];

		s->bits[w] = 0;
		for (; m; m &= m - 1)
			s->cands[n++] = w * 64 + (uint32_t)__builtin_ctzll(m);
	}
	s->n_cands = n;
	s->lo = UINT32_MAX;
	s->hi = 0;
}

/* The group lists an inspection looks at, as bits of list numbers */
static uint64_t group_lists(const struct ips_engine *e,
			    const struct ips_pktinfo *p)
{
	uint64_t present = p->bufs.present, gl;

	gl = present & ((1ull << IPS_BUF_MAX) - 1);
	if (packet_inspection(p))
		gl |= 1ull << IPS_GL_HDR;
	for (uint32_t app = IPS_APP_HTTP; app <= IPS_APP_TLS; app++)
		if (present & e->app_bufs[app])
			gl |= 1ull << (IPS_GL_APP + app);
	return gl;
}

/* Candidates of @p, its buffers' bytes taken from @scan */
static void collect(const struct ips_engine *e, struct ips_scratch *s,
		    const struct ips_pktinfo *p, const struct ips_bufs *scan)
{
	/* s->o, s->ctx: set by the caller for this inspection */
	const struct ips_groups *g = &e->groups;
	uint32_t pc = pclass(p), set = mpm_set(e, p);
	uint64_t used = g->used[pc];

	for (uint64_t m = p->bufs.present; m; m &= m - 1) {
		uint32_t b = (uint32_t)__builtin_ctzll(m);

		if (b >= IPS_BUF_MAX)
			break;
		/* a scan error (a foreign scratch) just finds nothing */
		if (e->mpm[b][set] && (scan->present & (1ull << b)))
			scan_buf(e, s, scan, b, set);
	}
	if (used)
		used &= group_lists(e, p);
	for (; used; used &= used - 1)
		add_group(s, g, (uint32_t)__builtin_ctzll(used), pc, p);
	gather(s);
}

static bool eligible(const struct ips_engine *e, const struct ips_drule *d,
		     const struct ips_pktinfo *p)
{
	if (d->bufs)
		return (p->bufs.present & d->bufs) == d->bufs;
	if (d->flags & IPS_DR_APP_ONLY)
		return p->bufs.present & e->app_bufs[d->app];
	return packet_inspection(p);
}

static uint8_t proto_bit(uint8_t proto)
{
	switch (proto) {
	case 6:
		return IPS_PBIT_TCP;
	case 17:
		return IPS_PBIT_UDP;
	case 1:
	case 58:
		return IPS_PBIT_ICMP;
	default:
		return 0;
	}
}

static bool addr_ok(const struct ips_addrs *a, bool any,
		    const struct ips_pktinfo *p, bool src)
{
	if (any)
		return true;
	if (p->family == 4)
		return ips_addrs_match_v4(a, src ? p->src4 : p->dst4);
	if (p->family == 6)
		return ips_addrs_match_v6(a, src ? p->src6 : p->dst6);
	return false;
}

static bool port_ok(const struct ips_set *s, bool any, uint16_t port)
{
	return any || ips_set_contains(s, port);
}

/*
 * The header's ports and addresses, as written or (@swap) reversed.
 * Ports first: most rules that reach here without a fast pattern (scan
 * detectors, port-specific header rules) name a port the packet does not
 * have, and a port is one small interval search where an address is a
 * variable's list.
 */
static bool endpoints_ok(const struct ips_drule *d, const struct ips_pktinfo *p,
			 bool swap)
{
	const struct ips_rule *r = d->r;
	uint32_t f = d->flags;

	if (!has_ports(p->proto)) {
		if (!(f & IPS_DR_SPORT_ANY) || !(f & IPS_DR_DPORT_ANY))
			return false;
	} else if (!port_ok(&r->dport, f & IPS_DR_DPORT_ANY,
			    swap ? p->sport : p->dport) ||
		   !port_ok(&r->sport, f & IPS_DR_SPORT_ANY,
			    swap ? p->dport : p->sport)) {
		return false;
	}
	return addr_ok(&r->src, f & IPS_DR_SRC_ANY, p, !swap) &&
	       addr_ok(&r->dst, f & IPS_DR_DST_ANY, p, swap);
}

/* flow: each keyword the rule gives must hold for this inspection */
static bool flow_ok(uint32_t want, uint32_t have)
{
	if ((want & IPS_FLOW_TO_SERVER) && !(have & IPS_FLOW_TO_SERVER))
		return false;
	if ((want & IPS_FLOW_TO_CLIENT) && !(have & IPS_FLOW_TO_CLIENT))
		return false;
	if ((want & IPS_FLOW_ESTABLISHED) && !(have & IPS_FLOW_ESTABLISHED))
		return false;
	if ((want & IPS_FLOW_NOT_ESTABLISHED) && (have & IPS_FLOW_ESTABLISHED))
		return false;
	if ((want & IPS_FLOW_ONLY_STREAM) && !(have & IPS_FLOW_ONLY_STREAM))
		return false;
	if ((want & IPS_FLOW_NO_STREAM) && (have & IPS_FLOW_ONLY_STREAM))
		return false;
	if ((want & IPS_FLOW_ONLY_FRAG) && !(have & IPS_FLOW_ONLY_FRAG))
		return false;
	if ((want & IPS_FLOW_NO_FRAG) && (have & IPS_FLOW_ONLY_FRAG))
		return false;
	return true;
}

/* flags: with Suricata's modifiers (detect-tcp-flags.c) */
static bool tcp_flags_ok(const struct ips_tcp_flags *tf, uint8_t have)
{
	uint8_t f = have & (uint8_t)~tf->ignore;

	switch (tf->mod) {
	case '+':
		return (f & tf->set) == tf->set && f != tf->set;
	case '*':
		return (f & tf->set) || !tf->set;
	case '!':
		return (f & tf->set) != tf->set;
	default:
		return f == tf->set;
	}
}

static bool num_ok(const struct ips_num *n, uint64_t x)
{
	return n->op == IPS_NUM_NONE || ips_match_num(n, x);
}

/* dsize, flags, itype/icode, urilen */
static bool sizes_ok(const struct ips_rule *r, const struct ips_pktinfo *p)
{
	bool icmp = p->proto == 1 || p->proto == 58;
	uint8_t ub;

	if (r->dsize.op != IPS_NUM_NONE &&
	    ((p->flow & IPS_FLOW_ONLY_STREAM) || !num_ok(&r->dsize, p->dsize)))
		return false;
	if (r->tcp_flags.given &&
	    (p->proto != 6 || !tcp_flags_ok(&r->tcp_flags, p->tcp_flags)))
		return false;
	if ((r->itype.op != IPS_NUM_NONE || r->icode.op != IPS_NUM_NONE) &&
	    (!icmp || !num_ok(&r->itype, p->icmp_type) ||
	     !num_ok(&r->icode, p->icmp_code)))
		return false;
	if (r->urilen.op == IPS_NUM_NONE)
		return true;
	ub = r->urilen_raw ? IPS_BUF_HTTP_URI_RAW : IPS_BUF_HTTP_URI;
	return num_ok(&r->urilen, p->bufs.len[ub]);
}

static bool header_ok(const struct ips_drule *d, const struct ips_pktinfo *p)
{
	const struct ips_rule *r = d->r;

	if (d->proto_mask && !(d->proto_mask & proto_bit(p->proto)))
		return false;
	if (d->app != IPS_APP_NONE && p->app != d->app)
		return false;
	if (d->flow && !flow_ok(d->flow, p->flow))
		return false;
	/* a few compares (flags:S fails on almost every packet) */
	if (!sizes_ok(r, p))
		return false;
	return endpoints_ok(d, p, false) ||
	       (r->bidir && endpoints_ok(d, p, true));
}

static bool rule_matches(const struct ips_engine *e, struct ips_scratch *s,
			 const struct ips_drule *d, const struct ips_pktinfo *p)
{
	if (!eligible(e, d, p) || !header_ok(d, p))
		return false;
	if ((d->flags & IPS_DR_FB_TEST) && !ips_detect_fb_test(d->r, p))
		return false;
	if ((d->flags & IPS_DR_PAYLOAD) &&
	    !ips_match_rule(d->r, &p->bufs, &s->mctx))
		return false;
	return true;
}

/* pass > drop > reject > alert: lower is stronger */
static unsigned int action_rank(uint8_t action)
{
	static const uint8_t rank[IPS_ACT_MAX + 1] = {
		[IPS_ACT_PASS] = 0,  [IPS_ACT_DROP] = 1, [IPS_ACT_REJECT] = 2,
		[IPS_ACT_ALERT] = 3, [IPS_ACT_MAX] = 4,
	};

	return action <= IPS_ACT_MAX ? rank[action] : 4;
}

/*
 * A matched rule: a repeat the caller has seen counts for nothing, else
 * flowbits, threshold, report. True: stop (pass).
 */
static bool fire(struct ips_engine *e, uint32_t slot, struct ips_pktinfo *p,
		 struct ips_detect_result *res, ips_match_fn *fn, void *ctx,
		 const struct ips_detect_opts *o)
{
	const struct ips_drule *d = &e->rules[slot];
	const struct ips_rule *r = d->r;

	if (o && o->seen && o->seen(ctx, d->idx))
		return false;
	if (d->flags & IPS_DR_FB_ACT)
		ips_detect_fb_apply(r, p);
	if ((d->flags & IPS_DR_THRESH) &&
	    !ips_detect_thresh_ok(&e->thresh, slot, r, p))
		return false;
	__atomic_fetch_add(&e->hits[slot], 1, __ATOMIC_RELAXED);
	if (!r->noalert) {
		if (fn)
			fn(ctx, r, d->idx, p);
		res->n_fired++;
	} else if (r->action == IPS_ACT_ALERT) {
		return false;
	}
	if (action_rank(r->action) < action_rank(res->action)) {
		res->action = r->action;
		res->rule = r;
	}
	return r->action == IPS_ACT_PASS;
}

/**
 * ips_detect() - run the engine on one inspection
 * @e: the engine
 * @s: this thread's scratch, made for @e
 * @p: the inspection; its flowbits are read and written
 * @res: what was decided
 * @fn: called for every rule that fires (not noalert, not suppressed by
 *      its threshold), pass rules included; may be NULL
 * @ctx: passed to @fn
 *
 * Return: res->action: the decisive enum ips_action, IPS_ACT_MAX when no
 * rule fired (or @s was made for another engine: nothing is evaluated).
 * Does not allocate.
 */
int ips_detect(struct ips_engine *e, struct ips_scratch *s,
	       struct ips_pktinfo *p, struct ips_detect_result *res,
	       ips_match_fn *fn, void *ctx)
{
	return ips_detect_ex(e, s, p, res, fn, ctx, NULL);
}

/**
 * ips_detect_ex() - ips_detect() with the candidates found elsewhere
 * @e: the engine
 * @s: this thread's scratch, made for @e
 * @p: the inspection; its flowbits are read and written
 * @res: what was decided
 * @fn: called for every rule that fires; may be NULL
 * @ctx: passed to @fn
 * @o: where the candidates come from (NULL: as ips_detect()); see
 *     struct ips_detect_opts for what the caller must guarantee. The
 *     naive engine ignores its candidate options (every rule is a
 *     candidate) and honours @o->seen.
 *
 * Return: as ips_detect(). Does not allocate.
 */
int ips_detect_ex(struct ips_engine *e, struct ips_scratch *s,
		  struct ips_pktinfo *p, struct ips_detect_result *res,
		  ips_match_fn *fn, void *ctx, const struct ips_detect_opts *o)
{
	*res = (struct ips_detect_result){.action = IPS_ACT_MAX};
	if (s->e != e) /* a scratch of another engine: its arrays misfit */
		return res->action;
	if (e->naive) {
		for (uint32_t slot = 0; slot < e->n_rules; slot++)
			if (rule_matches(e, s, &e->rules[slot], p) &&
			    fire(e, slot, p, res, fn, ctx, o))
				break;
		res->n_cands = e->n_rules;
		return res->action;
	}
	if (!o || !o->reuse) {
		s->o = o;
		s->ctx = ctx;
		collect(e, s, p, o && o->prefilter ? o->prefilter : &p->bufs);
		s->o = NULL;
	}
	res->n_cands = s->n_cands;
	for (uint32_t i = 0; i < s->n_cands; i++) {
		uint32_t slot = s->cands[i];

		if (rule_matches(e, s, &e->rules[slot], p) &&
		    fire(e, slot, p, res, fn, ctx, o))
			break;
	}
	return res->action;
}
