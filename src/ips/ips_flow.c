// SPDX-License-Identifier: MIT
/*
 * ips_flow.c - the IPS flow table: canonical keys, bucket chains, one LRU
 * list per timeout class, eviction, flow ids, flowbit words and the
 * app-layer slot pool. See ips_flow.h for the theory of operation.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ips/ips_flow.h"

enum {
	NS_PER_S = 1000000000,
	FLOWS_DEFAULT = 65536,
	APP_SLOTS_DEFAULT = 1024,
	FLOW_ID_BITS = 51,
};

static const uint32_t timeouts_default[IPS_FLOW_TC_MAX] = IPS_FLOW_TIMEOUTS_S;

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint32_t key_hash(const struct ips_flow_key *k)
{
	uint64_t w[5], h = 0x9e3779b97f4a7c15ull;
	unsigned int i;

	memcpy(w, k, sizeof(w));
	for (i = 0; i < 5; i++)
		h = mix64(h ^ w[i]);
	return (uint32_t)h;
}

static int addr_cmp(const struct ips_flow_tuple *tp)
{
	int c = memcmp(tp->src, tp->dst, 16);

	if (c)
		return c;
	return (int)tp->sport - (int)tp->dport;
}

/* Canonical key of @tp; returns true if the packet's source is key.a. */
static bool key_of(const struct ips_flow_tuple *tp, struct ips_flow_key *k)
{
	bool src_a = addr_cmp(tp) <= 0;

	memset(k, 0, sizeof(*k));
	memcpy(k->a, src_a ? tp->src : tp->dst, 16);
	memcpy(k->b, src_a ? tp->dst : tp->src, 16);
	k->pa = src_a ? tp->sport : tp->dport;
	k->pb = src_a ? tp->dport : tp->sport;
	k->proto = tp->proto;
	k->family = tp->family;
	return src_a;
}

static void cfg_defaults(struct ips_flow_cfg *c)
{
	unsigned int i;

	if (!c->max_flows)
		c->max_flows = FLOWS_DEFAULT;
	if (!c->app_slots)
		c->app_slots = c->max_flows < APP_SLOTS_DEFAULT
				       ? c->max_flows
				       : APP_SLOTS_DEFAULT;
	if (!c->app_slot_size)
		c->app_slots = 0;
	for (i = 0; i < IPS_FLOW_TC_MAX; i++)
		if (!c->timeout_s[i])
			c->timeout_s[i] = timeouts_default[i];
}

static int alloc_arrays(struct ips_flow_table *t)
{
	uint32_t nb = 1, i;

	while (nb < t->cfg.max_flows)
		nb <<= 1;
	t->mask = nb - 1;
	t->flows = calloc(t->cfg.max_flows, sizeof(*t->flows));
	t->buckets = malloc(sizeof(*t->buckets) * nb);
	if (t->cfg.app_slots) {
		t->app_mem = calloc(t->cfg.app_slots, t->cfg.app_slot_size);
		t->app_free = malloc(sizeof(*t->app_free) * t->cfg.app_slots);
	}
	if (!t->flows || !t->buckets ||
	    (t->cfg.app_slots && (!t->app_mem || !t->app_free)))
		return -ENOMEM;
	memset(t->buckets, 0xff, sizeof(*t->buckets) * nb);
	for (i = 0; i < t->cfg.app_slots; i++)
		t->app_free[i] = t->cfg.app_slots - 1 - i;
	t->n_app_free = t->cfg.app_slots;
	return ips_flow_set_flowbit_words(t, t->cfg.flowbit_words);
}

/**
 * ips_flow_table_create() - allocate a table with all its entries
 * @cfg: limits (NULL: defaults)
 * @pool: the stream pool both directions of every flow draw from
 * @fn: called before a flow is released (may be NULL)
 * @ctx: passed to @fn
 *
 * Return: the table, or NULL on ENOMEM.
 */
struct ips_flow_table *ips_flow_table_create(const struct ips_flow_cfg *cfg,
					     struct ips_stream_pool *pool,
					     ips_flow_release_fn *fn, void *ctx)
{
	struct ips_flow_table *t = calloc(1, sizeof(*t));
	uint32_t i;

	if (!t)
		return NULL;
	if (cfg)
		t->cfg = *cfg;
	cfg_defaults(&t->cfg);
	t->pool = pool;
	t->release = fn;
	t->release_ctx = ctx;
	if (alloc_arrays(t)) {
		ips_flow_table_destroy(t);
		return NULL;
	}
	for (i = 0; i < t->cfg.max_flows; i++) {
		ips_stream_init(&t->flows[i].dir[0].stream, pool);
		ips_stream_init(&t->flows[i].dir[1].stream, pool);
		t->flows[i].app_slot = IPS_FLOW_NONE;
		t->flows[i].next =
			i + 1 < t->cfg.max_flows ? i + 1 : IPS_FLOW_NONE;
	}
	t->free_head = 0;
	for (i = 0; i < IPS_FLOW_TC_MAX; i++)
		t->lru_head[i] = t->lru_tail[i] = IPS_FLOW_NONE;
	return t;
}

static uint32_t idx_of(const struct ips_flow_table *t, const struct ips_flow *f)
{
	return (uint32_t)(f - t->flows);
}

static void lru_unlink(struct ips_flow_table *t, struct ips_flow *f)
{
	uint8_t c = f->tclass;

	if (f->prev != IPS_FLOW_NONE)
		t->flows[f->prev].next = f->next;
	else
		t->lru_head[c] = f->next;
	if (f->next != IPS_FLOW_NONE)
		t->flows[f->next].prev = f->prev;
	else
		t->lru_tail[c] = f->prev;
}

static void lru_append(struct ips_flow_table *t, struct ips_flow *f)
{
	uint32_t i = idx_of(t, f);
	uint8_t c = f->tclass;

	f->next = IPS_FLOW_NONE;
	f->prev = t->lru_tail[c];
	if (f->prev != IPS_FLOW_NONE)
		t->flows[f->prev].next = i;
	else
		t->lru_head[c] = i;
	t->lru_tail[c] = i;
}

static void hash_unlink(struct ips_flow_table *t, struct ips_flow *f)
{
	uint32_t *pp = &t->buckets[key_hash(&f->key) & t->mask];
	uint32_t i = idx_of(t, f);

	while (*pp != IPS_FLOW_NONE && *pp != i)
		pp = &t->flows[*pp].hnext;
	if (*pp == i)
		*pp = f->hnext;
}

/* Release @f: caller hook, streams, app slot; back to the free list. */
static void flow_free(struct ips_flow_table *t, struct ips_flow *f)
{
	if (t->release)
		t->release(t->release_ctx, f);
	ips_stream_free(&f->dir[0].stream);
	ips_stream_free(&f->dir[1].stream);
	ips_flow_app_put(t, f);
	hash_unlink(t, f);
	lru_unlink(t, f);
	f->id = 0;
	f->next = t->free_head;
	t->free_head = idx_of(t, f);
	t->n_active--;
}

/**
 * ips_flow_table_destroy() - release every flow and free the table
 * @t: the table (NULL is fine)
 */
void ips_flow_table_destroy(struct ips_flow_table *t)
{
	unsigned int c;

	if (!t)
		return;
	for (c = 0; t->flows && c < IPS_FLOW_TC_MAX; c++)
		while (t->lru_head[c] != IPS_FLOW_NONE)
			flow_free(t, &t->flows[t->lru_head[c]]);
	free(t->flows);
	free(t->buckets);
	free(t->bits);
	free(t->app_mem);
	free(t->app_free);
	free(t);
}

/**
 * ips_flow_set_flowbit_words() - size the flowbit arrays (control side,
 * e.g. after a rule reload); every flow's bits are cleared, since flowbit
 * numbers belong to one rule set
 * @t: the table
 * @words: 64-bit words per flow
 *
 * Return: 0, or -ENOMEM (the old arrays are kept, cleared).
 */
int ips_flow_set_flowbit_words(struct ips_flow_table *t, uint32_t words)
{
	uint64_t *bits = NULL;

	if (words) {
		bits = calloc((size_t)t->cfg.max_flows * words, sizeof(*bits));
		if (!bits) {
			if (t->bits)
				memset(t->bits, 0,
				       (size_t)t->cfg.max_flows *
					       t->cfg.flowbit_words *
					       sizeof(*bits));
			return -ENOMEM;
		}
	}
	free(t->bits);
	t->bits = bits;
	t->cfg.flowbit_words = words;
	return 0;
}

/**
 * ips_flow_bits() - a flow's flowbit words
 * @t: the table
 * @f: the flow
 *
 * Return: ips_flow_cfg.flowbit_words words, or NULL when there are none.
 */
uint64_t *ips_flow_bits(struct ips_flow_table *t, const struct ips_flow *f)
{
	if (!t->bits)
		return NULL;
	return t->bits + (size_t)idx_of(t, f) * t->cfg.flowbit_words;
}

static struct ips_flow *find(struct ips_flow_table *t,
			     const struct ips_flow_key *k, uint32_t h)
{
	uint32_t i;

	for (i = t->buckets[h & t->mask]; i != IPS_FLOW_NONE;
	     i = t->flows[i].hnext)
		if (!memcmp(&t->flows[i].key, k, sizeof(*k)))
			return &t->flows[i];
	return NULL;
}

/* The flow to evict: a closed one if any, else the least recently seen. */
static struct ips_flow *victim(struct ips_flow_table *t)
{
	struct ips_flow *best = NULL;
	unsigned int c;

	if (t->lru_head[IPS_FLOW_TC_TCP_CLOSED] != IPS_FLOW_NONE)
		return &t->flows[t->lru_head[IPS_FLOW_TC_TCP_CLOSED]];
	for (c = 0; c < IPS_FLOW_TC_MAX; c++) {
		uint32_t i = t->lru_head[c];

		if (i != IPS_FLOW_NONE &&
		    (!best || t->flows[i].last_ns < best->last_ns))
			best = &t->flows[i];
	}
	return best;
}

static enum ips_flow_tclass initial_class(uint8_t proto)
{
	if (proto == 6)
		return IPS_FLOW_TC_TCP_NEW;
	return proto == 17 ? IPS_FLOW_TC_UDP : IPS_FLOW_TC_OTHER;
}

static struct ips_flow *flow_new(struct ips_flow_table *t,
				 const struct ips_flow_key *k, uint32_t h,
				 uint64_t now_ns)
{
	struct ips_flow *f;
	uint32_t i;

	if (t->free_head == IPS_FLOW_NONE) {
		f = victim(t);
		if (!f)
			return NULL;
		flow_free(t, f);
		t->evicted++;
	}
	i = t->free_head;
	f = &t->flows[i];
	t->free_head = f->next;
	memset(f, 0, offsetof(struct ips_flow, dir));
	memset(&f->dir[0], 0, offsetof(struct ips_flow_dir, tail));
	memset(&f->dir[1], 0, offsetof(struct ips_flow_dir, tail));
	ips_stream_init(&f->dir[0].stream, t->pool);
	ips_stream_init(&f->dir[1].stream, t->pool);
	f->dir[0].tail_len = f->dir[1].tail_len = 0;
	f->dir[0].app_len = f->dir[1].app_len = 0;
	f->dir[0].app_skip = f->dir[1].app_skip = 0;
	f->dir[0].n_seen = f->dir[1].n_seen = 0;
	f->key = *k;
	f->id = mix64(++t->next_id ^ 0x6a09e667f3bcc909ull) &
		((1ull << FLOW_ID_BITS) - 1);
	if (!f->id)
		f->id = 1;
	f->first_ns = f->last_ns = now_ns;
	f->app_slot = IPS_FLOW_NONE;
	f->tclass = initial_class(k->proto);
	f->hnext = t->buckets[h & t->mask];
	t->buckets[h & t->mask] = i;
	lru_append(t, f);
	if (t->bits)
		memset(ips_flow_bits(t, f), 0,
		       t->cfg.flowbit_words * sizeof(uint64_t));
	t->n_active++;
	t->created++;
	return f;
}

/**
 * ips_flow_lookup() - the flow of a packet, created if asked to
 * @t: the table
 * @tp: the packet's tuple
 * @now_ns: monotonic time; the flow's last-seen time becomes this
 * @create: create the flow if it does not exist (evicting if full)
 * @to_server: set to true if the packet goes client to server
 *
 * Return: the flow, or NULL (not found and @create false, or a table of
 * zero entries).
 */
struct ips_flow *ips_flow_lookup(struct ips_flow_table *t,
				 const struct ips_flow_tuple *tp,
				 uint64_t now_ns, bool create, bool *to_server)
{
	struct ips_flow_key k;
	bool src_a = key_of(tp, &k);
	uint32_t h = key_hash(&k);
	struct ips_flow *f = find(t, &k, h);

	if (!f) {
		if (!create)
			return NULL;
		f = flow_new(t, &k, h, now_ns);
		if (!f)
			return NULL;
		f->client_is_a = src_a;
		if (tp->proto == 6 && (tp->tcp_flags & 0x12) == 0x12)
			f->client_is_a = !src_a;
	} else if (now_ns >= f->last_ns) {
		f->last_ns = now_ns;
		lru_unlink(t, f);
		lru_append(t, f);
	}
	*to_server = src_a == f->client_is_a;
	return f;
}

/**
 * ips_flow_set_class() - move a flow to another timeout class
 * @t: the table
 * @f: the flow
 * @tc: enum ips_flow_tclass
 */
void ips_flow_set_class(struct ips_flow_table *t, struct ips_flow *f,
			enum ips_flow_tclass tc)
{
	if (f->tclass == tc)
		return;
	lru_unlink(t, f);
	f->tclass = (uint8_t)tc;
	lru_append(t, f);
}

/**
 * ips_flow_expire() - release flows idle longer than their class timeout
 * @t: the table
 * @now_ns: monotonic time
 *
 * Return: flows released.
 */
uint32_t ips_flow_expire(struct ips_flow_table *t, uint64_t now_ns)
{
	uint32_t n = 0;
	unsigned int c;

	for (c = 0; c < IPS_FLOW_TC_MAX; c++) {
		uint64_t to = (uint64_t)t->cfg.timeout_s[c] * NS_PER_S;

		while (t->lru_head[c] != IPS_FLOW_NONE) {
			struct ips_flow *f = &t->flows[t->lru_head[c]];

			if (now_ns < f->last_ns + to)
				break;
			flow_free(t, f);
			n++;
		}
	}
	t->expired += n;
	return n;
}

/**
 * ips_flow_release_all() - release every flow in use, as expiry would
 * (the release hook runs for each), oldest first within each timeout
 * class; used at the end of a capture
 * @t: the table
 *
 * Return: flows released (not counted as expired).
 */
uint32_t ips_flow_release_all(struct ips_flow_table *t)
{
	uint32_t n = 0;
	unsigned int c;

	for (c = 0; c < IPS_FLOW_TC_MAX; c++) {
		while (t->lru_head[c] != IPS_FLOW_NONE) {
			flow_free(t, &t->flows[t->lru_head[c]]);
			n++;
		}
	}
	return n;
}

/**
 * ips_flow_app_get() - give a flow an app-layer slot (if it has none)
 * @t: the table
 * @f: the flow
 *
 * Return: the slot's memory (ips_flow_cfg.app_slot_size bytes, contents
 * undefined), or NULL when the pool is empty (counted).
 */
void *ips_flow_app_get(struct ips_flow_table *t, struct ips_flow *f)
{
	if (f->app_slot == IPS_FLOW_NONE) {
		if (!t->n_app_free) {
			t->no_app_slot++;
			return NULL;
		}
		f->app_slot = t->app_free[--t->n_app_free];
	}
	return ips_flow_app_mem(t, f);
}

/**
 * ips_flow_app_mem() - a flow's app-layer slot
 * @t: the table
 * @f: the flow
 *
 * Return: its memory, or NULL if it has no slot.
 */
void *ips_flow_app_mem(struct ips_flow_table *t, const struct ips_flow *f)
{
	if (f->app_slot == IPS_FLOW_NONE)
		return NULL;
	return t->app_mem + (size_t)f->app_slot * t->cfg.app_slot_size;
}

/**
 * ips_flow_app_put() - give a flow's app-layer slot back (if it has one)
 * @t: the table
 * @f: the flow
 */
void ips_flow_app_put(struct ips_flow_table *t, struct ips_flow *f)
{
	if (f->app_slot == IPS_FLOW_NONE)
		return;
	t->app_free[t->n_app_free++] = f->app_slot;
	f->app_slot = IPS_FLOW_NONE;
}
