// SPDX-License-Identifier: MIT
/*
 * fw_classify.c - compile a policy into the bit-vector classifier and look
 * packets up in it (theory of operation in fw_classify.h).
 *
 * Building a field is a sweep along the value line: every interval of
 * every rule becomes a "set bit i" event at its first value and a "clear
 * bit i" event one past its last; sorting the events and walking them
 * yields the rows and, row by row, the vector of rules that cover it. A
 * rule's intervals are disjoint and never adjacent (fw_set normalises
 * them), so no two events of one rule share a point and their order within
 * a point does not matter. Lookups (fw_classify()) read only; nothing is
 * allocated after fw_classifier_build().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fw/fw_classify.h"

/* One boundary event of the sweep. */
struct event {
	uint32_t point;
	uint32_t rule; /* bit 31: clear instead of set */
};

enum {
	EV_CLEAR = 1u << 31,
	BLOCKS = 65536, /* /16 blocks of the address block table */
};

static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	return x->point < y->point ? -1 : x->point > y->point;
}

/* The set rule @r has on field @f, and the largest value of the field. */
static const struct fw_set *rule_field(const struct fw_rule *r,
				       enum fw_field_id f, struct fw_set *tmp,
				       uint32_t *max)
{
	static const uint8_t proto_rows[FW_PROTO_MAX][2] = {
		[FW_PROTO_ANY] = {FW_PC_OTHER, FW_PC_ICMP},
		[FW_PROTO_TCP] = {FW_PC_TCP, FW_PC_TCP},
		[FW_PROTO_UDP] = {FW_PC_UDP, FW_PC_UDP},
		[FW_PROTO_ICMP] = {FW_PC_ICMP, FW_PC_ICMP},
	};

	*max = f <= FW_F_DST ? UINT32_MAX : FW_PORT_MAX;
	switch (f) {
	case FW_F_SRC:
		return &r->src;
	case FW_F_DST:
		return &r->dst;
	case FW_F_SPORT:
		return &r->sport;
	case FW_F_DPORT:
		return &r->dport;
	default:
		break;
	}
	*max = FW_PC_MAX - 1;
	tmp->r[0].lo = proto_rows[r->proto][0];
	tmp->r[0].hi = proto_rows[r->proto][1];
	tmp->n = 1;
	return tmp;
}

/* Every boundary event of field @f, sorted; *@n_ev events. */
static struct event *collect_events(const struct fw_policy *p,
				    enum fw_field_id f, size_t *n_ev)
{
	struct fw_range one;
	struct fw_set tmp = {&one, 0, 1};
	const struct fw_set *s;
	struct event *ev;
	size_t n = 0, cap = 0;
	uint32_t i, j, max;

	for (i = 0; i < p->n_rules; i++)
		cap += 2 * (size_t)rule_field(&p->rules[i], f, &tmp, &max)->n;
	ev = malloc((cap ? cap : 1) * sizeof(*ev));
	if (!ev)
		return NULL;
	for (i = 0; i < p->n_rules; i++) {
		s = rule_field(&p->rules[i], f, &tmp, &max);
		for (j = 0; j < s->n; j++) {
			ev[n++] = (struct event){s->r[j].lo, i};
			if (s->r[j].hi < max)
				ev[n++] = (struct event){s->r[j].hi + 1,
							 i | EV_CLEAR};
		}
	}
	qsort(ev, n, sizeof(*ev), event_cmp);
	*n_ev = n;
	return ev;
}

/* Aggregate words of @row (at its start) from its rule vector words. */
static void fill_agg(const struct fw_classifier *c, uint64_t *row)
{
	const uint64_t *bits = row + c->agg_words;
	uint32_t w;

	memset(row, 0, c->agg_words * sizeof(*row));
	for (w = 0; w < c->words; w++)
		if (bits[w])
			row[w / 64] |= 1ull << (w % 64);
}

/* Rows of field @f from the sorted events: starts[] and rows[]. */
static int sweep(struct fw_classifier *c, struct fw_field *fld,
		 const struct event *ev, size_t n_ev)
{
	size_t i, e = 0, n_rows = 1, rw = c->row_words;
	uint64_t *cur;

	for (i = 0; i < n_ev; i++)
		if (ev[i].point && (i == 0 || ev[i].point != ev[i - 1].point))
			n_rows++;
	fld->n_rows = (uint32_t)n_rows;
	fld->starts = malloc(n_rows * sizeof(*fld->starts));
	/* +1: an empty policy has zero-word rows, and calloc(0) may fail */
	fld->rows = calloc((n_rows + 1) * rw + 1, sizeof(*fld->rows));
	if (!fld->starts || !fld->rows)
		return -ENOMEM;
	c->mem += n_rows * sizeof(*fld->starts) +
		  (n_rows + 1) * rw * sizeof(uint64_t);
	for (i = 0; i < n_rows; i++) {
		uint32_t point = i ? ev[e].point : 0;

		cur = fld->rows + i * rw;
		if (i)
			memcpy(cur, cur - rw, rw * sizeof(*cur));
		fld->starts[i] = point;
		for (; e < n_ev && ev[e].point == point; e++) {
			uint32_t r = ev[e].rule & ~EV_CLEAR;
			uint64_t *bits = cur + c->agg_words;

			if (ev[e].rule & EV_CLEAR)
				bits[r / 64] &= ~(1ull << (r % 64));
			else
				bits[r / 64] |= 1ull << (r % 64);
		}
		fill_agg(c, cur);
	}
	return 0;
}

/* The extra row of an address field: rules that match IPv6 packets. */
static void v6_row(struct fw_classifier *c, const struct fw_policy *p,
		   enum fw_field_id f)
{
	struct fw_field *fld = &c->fields[f];
	uint64_t *row = fld->rows + (size_t)fld->n_rows * c->row_words;
	uint64_t *bits = row + c->agg_words;
	uint32_t i;

	for (i = 0; i < p->n_rules; i++) {
		const struct fw_set *s =
			f == FW_F_SRC ? &p->rules[i].src : &p->rules[i].dst;

		if (fw_set_is_full(s, UINT32_MAX))
			bits[i / 64] |= 1ull << (i % 64);
	}
	fill_agg(c, row);
}

/* Address lookup aid: block[b] = row holding the address b << 16. */
static int build_blocks(struct fw_classifier *c, struct fw_field *fld)
{
	uint32_t b, row = 0;

	fld->block = malloc((BLOCKS + 1) * sizeof(*fld->block));
	if (!fld->block)
		return -ENOMEM;
	c->mem += (BLOCKS + 1) * sizeof(*fld->block);
	for (b = 0; b < BLOCKS; b++) {
		while (row + 1 < fld->n_rows && fld->starts[row + 1] <= b << 16)
			row++;
		fld->block[b] = row;
	}
	fld->block[BLOCKS] = fld->n_rows - 1;
	return 0;
}

/* Port/protocol lookup: the row of every value 0..@max. */
static int build_map(struct fw_classifier *c, struct fw_field *fld,
		     uint32_t max)
{
	uint32_t v, row = 0;

	fld->map = malloc(((size_t)max + 1) * sizeof(*fld->map));
	if (!fld->map)
		return -ENOMEM;
	c->mem += ((size_t)max + 1) * sizeof(*fld->map);
	for (v = 0; v <= max; v++) {
		while (row + 1 < fld->n_rows && fld->starts[row + 1] <= v)
			row++;
		fld->map[v] = (uint16_t)row;
	}
	return 0;
}

static int build_field(struct fw_classifier *c, const struct fw_policy *p,
		       enum fw_field_id f)
{
	struct fw_field *fld = &c->fields[f];
	struct event *ev;
	size_t n_ev;
	int ret;

	ev = collect_events(p, f, &n_ev);
	if (!ev)
		return -ENOMEM;
	ret = sweep(c, fld, ev, n_ev);
	free(ev);
	if (ret)
		return ret;
	if (f <= FW_F_DST) {
		v6_row(c, p, f);
		return build_blocks(c, fld);
	}
	return build_map(c, fld, f == FW_F_PROTO ? FW_PC_MAX - 1 : FW_PORT_MAX);
}

static void init_proto_class(struct fw_classifier *c)
{
	memset(c->proto_class, FW_PC_OTHER, sizeof(c->proto_class));
	c->proto_class[IPPROTO_TCP] = FW_PC_TCP;
	c->proto_class[IPPROTO_UDP] = FW_PC_UDP;
	c->proto_class[IPPROTO_ICMP] = FW_PC_ICMP;
	c->proto_class[IPPROTO_ICMPV6] = FW_PC_ICMP;
}

/**
 * fw_classifier_build() - compile @p for fw_classify()
 * @p: policy; not referenced after the call (the classifier holds copies
 *     of what it needs)
 * @out: receives the classifier, to be released with fw_classifier_free()
 *
 * Control side: allocates and takes time proportional to the size of the
 * rows (see fw_classify.h). Counters start at zero.
 *
 * Return: 0, or -ENOMEM (nothing is left allocated).
 */
int fw_classifier_build(const struct fw_policy *p, struct fw_classifier **out)
{
	struct fw_classifier *c = calloc(1, sizeof(*c));
	uint32_t i;
	int f, ret = -ENOMEM;

	if (!c)
		return -ENOMEM;
	c->n_rules = p->n_rules;
	c->words = (p->n_rules + 63) / 64;
	c->agg_words = (c->words + 63) / 64;
	c->row_words = c->agg_words + c->words;
	init_proto_class(c);
	c->actions = malloc(p->n_rules + 1);
	c->hits = calloc(p->n_rules + 1, sizeof(*c->hits));
	c->bytes = calloc(p->n_rules + 1, sizeof(*c->bytes));
	if (!c->actions || !c->hits || !c->bytes)
		goto err;
	for (i = 0; i < p->n_rules; i++)
		c->actions[i] = p->rules[i].action;
	c->actions[p->n_rules] = p->default_action;
	for (f = 0; f < FW_F_MAX; f++) {
		ret = build_field(c, p, (enum fw_field_id)f);
		if (ret)
			goto err;
	}
	*out = c;
	return 0;
err:
	fw_classifier_free(c);
	return ret;
}

/**
 * fw_classifier_free() - release a classifier
 * @c: classifier from fw_classifier_build(), or NULL
 */
void fw_classifier_free(struct fw_classifier *c)
{
	int f;

	if (!c)
		return;
	for (f = 0; f < FW_F_MAX; f++) {
		free(c->fields[f].starts);
		free(c->fields[f].block);
		free(c->fields[f].map);
		free(c->fields[f].rows);
	}
	free(c->actions);
	free(c->hits);
	free(c->bytes);
	free(c);
}

/**
 * fw_classifier_reset_counters() - zero every rule's hits and bytes
 * @c: classifier; call from its owning worker (or while it is stopped)
 */
void fw_classifier_reset_counters(struct fw_classifier *c)
{
	memset(c->hits, 0, (c->n_rules + 1) * sizeof(*c->hits));
	memset(c->bytes, 0, (c->n_rules + 1) * sizeof(*c->bytes));
}

/* Row of address @a: the last row starting at or below it. */
static inline uint32_t addr_row(const struct fw_field *fld, uint32_t a)
{
	uint32_t lo = fld->block[a >> 16], hi = fld->block[(a >> 16) + 1];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;

		if (fld->starts[mid] <= a)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* The row of @k in every field. */
static inline void find_rows(const struct fw_classifier *c,
			     const struct fw_key *k, const uint64_t **rows)
{
	const struct fw_field *f = c->fields;
	size_t r[FW_F_MAX];
	int i;

	if (k->v6) {
		r[FW_F_SRC] = f[FW_F_SRC].n_rows;
		r[FW_F_DST] = f[FW_F_DST].n_rows;
	} else {
		r[FW_F_SRC] = addr_row(&f[FW_F_SRC], k->src);
		r[FW_F_DST] = addr_row(&f[FW_F_DST], k->dst);
	}
	r[FW_F_SPORT] = f[FW_F_SPORT].map[k->sport];
	r[FW_F_DPORT] = f[FW_F_DPORT].map[k->dport];
	r[FW_F_PROTO] = f[FW_F_PROTO].map[c->proto_class[k->proto]];
	for (i = 0; i < FW_F_MAX; i++)
		rows[i] = f[i].rows + r[i] * c->row_words;
}

/* Lowest rule set in all five rows: aggregates first, then the words. */
static inline uint32_t and_rows(const struct fw_classifier *c,
				const uint64_t *const *r)
{
	uint32_t aw, ag = c->agg_words;

	for (aw = 0; aw < ag; aw++) {
		uint64_t m =
			r[0][aw] & r[1][aw] & r[2][aw] & r[3][aw] & r[4][aw];

		while (m) {
			uint32_t w =
				ag + aw * 64 + (uint32_t)__builtin_ctzll(m);
			uint64_t x =
				r[0][w] & r[1][w] & r[2][w] & r[3][w] & r[4][w];

			if (x)
				return (w - ag) * 64 +
				       (uint32_t)__builtin_ctzll(x);
			m &= m - 1;
		}
	}
	return c->n_rules;
}

/**
 * fw_classify() - the first rule of the compiled policy that matches @k
 * @c: classifier
 * @k: packet key (fw_key_from_meta())
 *
 * Same answer as fw_policy_match() on the policy @c was built from.
 * Reads only; no allocation.
 *
 * Return: the rule index, or c->n_rules when no rule matches (default).
 */
uint32_t fw_classify(const struct fw_classifier *c, const struct fw_key *k)
{
	const uint64_t *rows[FW_F_MAX];

	find_rows(c, k, rows);
	return and_rows(c, rows);
}

/**
 * fw_classify_burst() - fw_classify() for @n keys, faster than one by one
 * @c: classifier
 * @keys: packet keys
 * @n: number of keys (any; processed in groups of FW_BURST_GROUP)
 * @idx: receives the n results
 *
 * Finds the rows of a group of keys and prefetches their first cache line
 * before ANDing any of them, so the cache misses of a large policy overlap
 * instead of following one another. No allocation.
 */
void fw_classify_burst(const struct fw_classifier *c, const struct fw_key *keys,
		       uint32_t n, uint32_t *idx)
{
	const uint64_t *rows[FW_BURST_GROUP][FW_F_MAX];
	uint32_t i, j, g;
	int f;

	for (i = 0; i < n; i += g) {
		g = n - i < FW_BURST_GROUP ? n - i : FW_BURST_GROUP;
		for (j = 0; j < g; j++) {
			find_rows(c, &keys[i + j], rows[j]);
			for (f = 0; f < FW_F_MAX; f++)
				__builtin_prefetch(rows[j][f]);
		}
		for (j = 0; j < g; j++)
			idx[i + j] = and_rows(c, rows[j]);
	}
}

/**
 * fw_key_from_meta() - the classifier key of a parsed packet
 * @m: descriptor from pkt_parse()
 * @k: key to fill
 *
 * Ports are taken only from a TCP or UDP header (0 otherwise, and for
 * non-first fragments, which carry no L4 header).
 *
 * Return: true for IPv4 and IPv6 packets, false for anything else (@k is
 * then zeroed and should not be classified).
 */
bool fw_key_from_meta(const struct pkt_meta *m, struct fw_key *k)
{
	memset(k, 0, sizeof(*k));
	if (m->l3 != PKT_L3_IPV4 && m->l3 != PKT_L3_IPV6)
		return false;
	k->v6 = m->l3 == PKT_L3_IPV6;
	if (!k->v6) {
		k->src = ntohl(pkt_addr_v4(&m->src));
		k->dst = ntohl(pkt_addr_v4(&m->dst));
	}
	k->proto = m->l4_proto;
	if ((m->flags & PKT_F_L4) &&
	    (m->l4_proto == IPPROTO_TCP || m->l4_proto == IPPROTO_UDP)) {
		k->sport = m->src_port;
		k->dport = m->dst_port;
	}
	return true;
}
