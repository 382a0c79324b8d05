// SPDX-License-Identifier: MIT
/*
 * route.c - the IPv4 route table: a DIR-16-8-8 multibit trie for the
 * per-packet longest-prefix match, and the control-side add/del/dump that
 * keep it up to date. The design and its invariants are in route.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"

static uint32_t leaf(uint32_t idx, uint8_t len)
{
	return (uint32_t)len << ROUTE_SLOT_DEPTH_SHIFT | (idx + 1);
}

static uint8_t leaf_depth(uint32_t e)
{
	return (e >> ROUTE_SLOT_DEPTH_SHIFT) & 0x3f;
}

static uint32_t *group_of(const struct route_table *t, uint32_t e)
{
	return &t->groups[(size_t)(e & ~ROUTE_SLOT_CHILD) * ROUTE_GROUP_SLOTS];
}

/* Publish one slot; a reader on another core sees the old or new word. */
static void slot_set(uint32_t *slot, uint32_t val)
{
	__atomic_store_n(slot, val, __ATOMIC_RELEASE);
}

static uint32_t hash_key(uint32_t prefix_h, uint8_t len, uint32_t mask)
{
	uint64_t h = (uint64_t)prefix_h << 8 | len;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h & mask;
}

/* Slot of the hash holding (prefix, len), or of the empty slot ending it. */
static uint32_t hash_slot(const struct route_table *t, uint32_t prefix_h,
			  uint8_t len)
{
	uint32_t i = hash_key(prefix_h, len, t->hash_mask);

	for (;; i = (i + 1) & t->hash_mask) {
		uint32_t v = t->hash[i];
		const struct route_entry *r;

		if (!v)
			return i;
		r = &t->routes[v - 1];
		if (r->len == len && ntohl(r->prefix) == prefix_h)
			return i;
	}
}

/* Remove hash slot @i with backward shift: no tombstones. */
static void hash_remove(struct route_table *t, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		const struct route_entry *r;
		uint32_t home;

		t->hash[i] = 0;
		for (;;) {
			j = (j + 1) & t->hash_mask;
			if (!t->hash[j])
				return;
			r = &t->routes[t->hash[j] - 1];
			home = hash_key(ntohl(r->prefix), r->len, t->hash_mask);
			/* move j back to i unless its home lies in (i, j] */
			if (((j - home) & t->hash_mask) >=
			    ((j - i) & t->hash_mask))
				break;
		}
		t->hash[i] = t->hash[j];
		i = j;
	}
}

static void free_arrays(struct route_table *t)
{
	free(t->l1);
	free(t->groups);
	free(t->free_groups);
	free(t->routes);
	free(t->free_routes);
	free(t->hash);
	memset(t, 0, sizeof(*t));
}

/**
 * route_table_init() - allocate an empty table
 * @t: the table to set up
 * @capacity: most routes it will hold, 1..ROUTE_CAPACITY_MAX (0 = default)
 *
 * Groups are sized for the worst case (two per route, capped at
 * ROUTE_GROUPS_MAX); calloc'd memory is only touched when a group is used.
 *
 * Return: 0, -EINVAL for a bad capacity, or -ENOMEM.
 */
int route_table_init(struct route_table *t, uint32_t capacity)
{
	uint32_t i, hsize = 2;

	memset(t, 0, sizeof(*t));
	if (!capacity)
		capacity = ROUTE_CAPACITY_DEFAULT;
	if (capacity > ROUTE_CAPACITY_MAX)
		return -EINVAL;
	while (hsize < 2 * capacity)
		hsize <<= 1;
	t->capacity = capacity;
	t->max_groups = 2 * capacity + 2;
	if (t->max_groups > ROUTE_GROUPS_MAX)
		t->max_groups = ROUTE_GROUPS_MAX;
	t->hash_mask = hsize - 1;
	t->l1 = calloc(ROUTE_L1_SLOTS, sizeof(*t->l1));
	t->groups = calloc((size_t)t->max_groups * ROUTE_GROUP_SLOTS,
			   sizeof(*t->groups));
	t->free_groups = calloc(t->max_groups, sizeof(*t->free_groups));
	t->routes = calloc(capacity, sizeof(*t->routes));
	t->free_routes = calloc(capacity, sizeof(*t->free_routes));
	t->hash = calloc(hsize, sizeof(*t->hash));
	if (!t->l1 || !t->groups || !t->free_groups || !t->routes ||
	    !t->free_routes || !t->hash) {
		free_arrays(t);
		return -ENOMEM;
	}
	for (i = 0; i < t->max_groups; i++)
		t->free_groups[i] = t->max_groups - 1 - i;
	t->n_free_groups = t->max_groups;
	for (i = 0; i < capacity; i++)
		t->free_routes[i] = capacity - 1 - i;
	t->n_free_routes = capacity;
	return 0;
}

/**
 * route_table_fini() - free a table; safe to call twice
 * @t: the table
 */
void route_table_fini(struct route_table *t)
{
	free_arrays(t);
}

/* Group under @slot, creating it (a copy of the leaf) if @create. */
static uint32_t *child_of(struct route_table *t, uint32_t *slot, bool create)
{
	uint32_t e = *slot, gi, *g, i;

	if (e & ROUTE_SLOT_CHILD)
		return group_of(t, e);
	if (!create || !t->n_free_groups)
		return NULL;
	gi = t->free_groups[--t->n_free_groups];
	g = &t->groups[(size_t)gi * ROUTE_GROUP_SLOTS];
	for (i = 0; i < ROUTE_GROUP_SLOTS; i++)
		g[i] = e;
	slot_set(slot, ROUTE_SLOT_CHILD | gi);
	return g;
}

/* Fold the group under @slot back into it if all its slots are one leaf. */
static void collapse(struct route_table *t, uint32_t *slot)
{
	uint32_t e = *slot, *g, v, i;

	if (!(e & ROUTE_SLOT_CHILD))
		return;
	g = group_of(t, e);
	v = g[0];
	if (v & ROUTE_SLOT_CHILD)
		return;
	for (i = 1; i < ROUTE_GROUP_SLOTS; i++)
		if (g[i] != v)
			return;
	slot_set(slot, v);
	t->free_groups[t->n_free_groups++] = e & ~ROUTE_SLOT_CHILD;
}

/* Groups an add of (prefix_h, len) would have to create. */
static uint32_t groups_needed(const struct route_table *t, uint32_t prefix_h,
			      uint8_t len)
{
	uint32_t e;

	if (len <= 16)
		return 0;
	e = t->l1[prefix_h >> 16];
	if (!(e & ROUTE_SLOT_CHILD))
		return len > 24 ? 2 : 1;
	if (len <= 24)
		return 0;
	e = group_of(t, e)[(prefix_h >> 8) & 0xff];
	return e & ROUTE_SLOT_CHILD ? 0 : 1;
}

/*
 * The run of slots that (prefix_h, len) covers, at the level its length
 * ends in, creating groups on the way if @create. NULL if a group is
 * missing and not created.
 */
static uint32_t *range_of(struct route_table *t, uint32_t prefix_h, uint8_t len,
			  bool create, uint32_t *n)
{
	uint32_t *g;

	if (len <= 16) {
		*n = 1u << (16 - len);
		return &t->l1[prefix_h >> 16];
	}
	g = child_of(t, &t->l1[prefix_h >> 16], create);
	if (!g)
		return NULL;
	if (len <= 24) {
		*n = 1u << (24 - len);
		return &g[(prefix_h >> 8) & 0xff];
	}
	g = child_of(t, &g[(prefix_h >> 8) & 0xff], create);
	if (!g)
		return NULL;
	*n = 1u << (32 - len);
	return &g[prefix_h & 0xff];
}

/* Every leaf under slots[0..n) held by a prefix no longer than len: val. */
static void fill_add(struct route_table *t, uint32_t *slots, uint32_t n,
		     uint8_t len, uint32_t val)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint32_t e = slots[i];

		if (e & ROUTE_SLOT_CHILD) {
			fill_add(t, group_of(t, e), ROUTE_GROUP_SLOTS, len,
				 val);
			collapse(t, &slots[i]);
		} else if (leaf_depth(e) <= len) {
			slot_set(&slots[i], val);
		}
	}
}

/* Every leaf under slots[0..n) equal to old: val (the parent route). */
static void fill_del(struct route_table *t, uint32_t *slots, uint32_t n,
		     uint32_t old, uint32_t val)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint32_t e = slots[i];

		if (e & ROUTE_SLOT_CHILD) {
			fill_del(t, group_of(t, e), ROUTE_GROUP_SLOTS, old,
				 val);
			collapse(t, &slots[i]);
		} else if (e == old) {
			slot_set(&slots[i], val);
		}
	}
}

static bool route_valid(const struct route_entry *r)
{
	if (r->len > 32)
		return false;
	if (ntohl(r->prefix) & ~route_prefix_mask(r->len))
		return false;
	return r->kind == ROUTE_KIND_CONNECTED || r->kind == ROUTE_KIND_STATIC;
}

/**
 * route_table_add() - add a route (control side)
 * @t: the table
 * @r: the route; copied. Its prefix must have no bits set past @r->len.
 *
 * Return: 0; -EINVAL for a bad length, host bits set or a bad kind;
 * -EEXIST if a route for the same prefix and length exists; -ENOSPC if the
 * table or its group pool is full. Nothing is changed on error.
 */
int route_table_add(struct route_table *t, const struct route_entry *r)
{
	uint32_t prefix_h = ntohl(r->prefix), hs, idx, n, *slots;

	if (!route_valid(r))
		return -EINVAL;
	hs = hash_slot(t, prefix_h, r->len);
	if (t->hash[hs])
		return -EEXIST;
	if (!t->n_free_routes ||
	    groups_needed(t, prefix_h, r->len) > t->n_free_groups)
		return -ENOSPC;
	idx = t->free_routes[--t->n_free_routes];
	t->routes[idx] = *r;
	t->hash[hs] = idx + 1;
	slots = range_of(t, prefix_h, r->len, true, &n);
	fill_add(t, slots, n, r->len, leaf(idx, r->len));
	t->count++;
	t->gen++;
	return 0;
}

/* Leaf of the longest route strictly shorter than len covering prefix_h. */
static uint32_t parent_leaf(const struct route_table *t, uint32_t prefix_h,
			    uint8_t len)
{
	while (len--) {
		uint32_t p = prefix_h & route_prefix_mask(len);
		uint32_t v = t->hash[hash_slot(t, p, len)];

		if (v)
			return leaf(v - 1, len);
	}
	return 0;
}

/**
 * route_table_del() - delete the route for exactly @prefix/@len (control)
 * @t: the table
 * @prefix: network address, network byte order
 * @len: prefix length
 *
 * Addresses it covered fall back to the next shorter covering route.
 *
 * Return: 0, or -ENOENT if there is no such route.
 */
int route_table_del(struct route_table *t, uint32_t prefix, uint8_t len)
{
	uint32_t prefix_h = ntohl(prefix), hs, idx, n, *slots, *l1;

	if (len > 32)
		return -ENOENT;
	hs = hash_slot(t, prefix_h, len);
	if (!t->hash[hs])
		return -ENOENT;
	idx = t->hash[hs] - 1;
	slots = range_of(t, prefix_h, len, false, &n);
	if (slots)
		fill_del(t, slots, n, leaf(idx, len),
			 parent_leaf(t, prefix_h, len));
	l1 = &t->l1[prefix_h >> 16];
	if (len > 16 && (*l1 & ROUTE_SLOT_CHILD)) {
		collapse(t, &group_of(t, *l1)[(prefix_h >> 8) & 0xff]);
		collapse(t, l1);
	}
	hash_remove(t, hs);
	t->routes[idx].kind = ROUTE_KIND_NONE;
	t->free_routes[t->n_free_routes++] = idx;
	t->count--;
	t->gen++;
	return 0;
}

/**
 * route_table_find() - the route for exactly @prefix/@len
 * @t: the table
 * @prefix: network address, network byte order
 * @len: prefix length
 *
 * Return: the entry, or NULL.
 */
const struct route_entry *route_table_find(const struct route_table *t,
					   uint32_t prefix, uint8_t len)
{
	uint32_t v;

	if (len > 32)
		return NULL;
	v = t->hash[hash_slot(t, ntohl(prefix), len)];
	return v ? &t->routes[v - 1] : NULL;
}

/**
 * route_table_del_ifindex() - delete every route out of one interface, as
 * when the interface or its address goes away
 * @t: the table
 * @ifindex: the router interface
 *
 * Return: number of routes deleted.
 */
unsigned int route_table_del_ifindex(struct route_table *t, uint16_t ifindex)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < t->capacity; i++) {
		const struct route_entry *r = &t->routes[i];

		if (r->kind == ROUTE_KIND_NONE || r->ifindex != ifindex)
			continue;
		if (!route_table_del(t, r->prefix, r->len))
			n++;
	}
	return n;
}

/**
 * route_table_flush() - delete every route
 * @t: the table
 */
void route_table_flush(struct route_table *t)
{
	uint32_t i;

	for (i = 0; i < t->capacity; i++)
		if (t->routes[i].kind != ROUTE_KIND_NONE)
			route_table_del(t, t->routes[i].prefix,
					t->routes[i].len);
}

static int cmp_route(const void *a, const void *b)
{
	const struct route_entry *x = a, *y = b;
	uint32_t px = ntohl(x->prefix), py = ntohl(y->prefix);

	if (px != py)
		return px < py ? -1 : 1;
	return (int)x->len - (int)y->len;
}

/**
 * route_table_dump() - copy the routes out, sorted by prefix then length,
 * for `dcbox show routes` (control side)
 * @t: the table
 * @out: array of @max entries (may be NULL if @max is 0)
 * @max: room in @out
 *
 * Return: the number of routes in the table; only the first @max of them
 * (in sort order) are written when it is larger, so a caller can size
 * @out with a first call and retry.
 */
uint32_t route_table_dump(const struct route_table *t, struct route_entry *out,
			  uint32_t max)
{
	uint32_t i, n = 0;

	if (max >= t->count) {
		for (i = 0; i < t->capacity && n < max; i++)
			if (t->routes[i].kind != ROUTE_KIND_NONE)
				out[n++] = t->routes[i];
		qsort(out, n, sizeof(*out), cmp_route);
		return t->count;
	}
	/* Not enough room: the first max in sort order, O(count * max). */
	for (n = 0; n < max; n++) {
		const struct route_entry *best = NULL;

		for (i = 0; i < t->capacity; i++) {
			const struct route_entry *r = &t->routes[i];

			if (r->kind == ROUTE_KIND_NONE)
				continue;
			if (n && cmp_route(r, &out[n - 1]) <= 0)
				continue;
			if (!best || cmp_route(r, best) < 0)
				best = r;
		}
		out[n] = *best;
	}
	return t->count;
}

/**
 * route_lookup_batch() - route_lookup() for a batch of destinations
 * @t: the table
 * @dsts: destinations, network byte order
 * @out: the route for each, or NULL
 * @n: number of destinations
 *
 * The first-level slots are prefetched for the whole batch before the
 * dependent loads, so the cache misses of a batch overlap.
 */
void route_lookup_batch(const struct route_table *t, const uint32_t *dsts,
			const struct route_entry **out, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		__builtin_prefetch(&t->l1[ntohl(dsts[i]) >> 16]);
	for (i = 0; i < n; i++)
		out[i] = route_lookup(t, dsts[i]);
}

/**
 * route_kind_str() - name of a route kind for `show routes`
 * @kind: enum route_kind
 *
 * Return: "connected", "static" or "none".
 */
const char *route_kind_str(uint8_t kind)
{
	switch (kind) {
	case ROUTE_KIND_CONNECTED:
		return "connected";
	case ROUTE_KIND_STATIC:
		return "static";
	default:
		return "none";
	}
}
