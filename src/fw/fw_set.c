// SPDX-License-Identifier: MIT
/*
 * fw_set.c - interval sets for firewall rule fields (see fw_set.h).
 *
 * Everything here runs on the control side while a policy is parsed and
 * compiled, except fw_set_contains(), which the linear reference scan
 * (fw_rule_matches()) uses per packet and which does not allocate.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fw/fw_set.h"

/**
 * fw_set_init() - make @s the empty set
 * @s: set to initialise; holds no memory afterwards
 */
void fw_set_init(struct fw_set *s)
{
	s->r = NULL;
	s->n = 0;
	s->cap = 0;
}

/**
 * fw_set_free() - release the memory of @s and make it empty
 * @s: set; may be empty
 */
void fw_set_free(struct fw_set *s)
{
	free(s->r);
	fw_set_init(s);
}

/**
 * fw_set_add() - append the interval [@lo, @hi] to @s
 * @s: set; left unnormalised (call fw_set_normalise() when done adding)
 * @lo: first value
 * @hi: last value, >= @lo
 *
 * Return: 0, -EINVAL if @hi < @lo, -E2BIG past FW_SET_MAX intervals,
 * -ENOMEM.
 */
int fw_set_add(struct fw_set *s, uint32_t lo, uint32_t hi)
{
	struct fw_range *r;
	uint32_t cap;

	if (hi < lo)
		return -EINVAL;
	if (s->n == s->cap) {
		if (s->cap >= FW_SET_MAX)
			return -E2BIG;
		cap = s->cap ? s->cap * 2 : 4;
		r = realloc(s->r, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		s->r = r;
		s->cap = cap;
	}
	s->r[s->n].lo = lo;
	s->r[s->n].hi = hi;
	s->n++;
	return 0;
}

/**
 * fw_set_add_prefix() - append the addresses of @addr/@len to @s
 * @s: set; left unnormalised
 * @addr: IPv4 address, host byte order; host bits are ignored
 * @len: prefix length 0..32
 *
 * Return: 0, -EINVAL if @len > 32, or an error of fw_set_add().
 */
int fw_set_add_prefix(struct fw_set *s, uint32_t addr, unsigned int len)
{
	uint32_t mask;

	if (len > 32)
		return -EINVAL;
	mask = len ? ~0u << (32 - len) : 0;
	return fw_set_add(s, addr & mask, (addr & mask) | ~mask);
}

/**
 * fw_set_add_set() - append every interval of @from to @s
 * @s: set; left unnormalised
 * @from: set to copy from; not changed
 *
 * Return: 0 or an error of fw_set_add().
 */
int fw_set_add_set(struct fw_set *s, const struct fw_set *from)
{
	uint32_t i;
	int ret;

	for (i = 0; i < from->n; i++) {
		ret = fw_set_add(s, from->r[i].lo, from->r[i].hi);
		if (ret)
			return ret;
	}
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct fw_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

/**
 * fw_set_normalise() - sort @s and merge overlapping or adjacent intervals
 * @s: set; its allocation is kept
 */
void fw_set_normalise(struct fw_set *s)
{
	uint32_t i, out = 0;

	if (s->n < 2)
		return;
	qsort(s->r, s->n, sizeof(*s->r), range_cmp);
	for (i = 1; i < s->n; i++) {
		struct fw_range *last = &s->r[out];

		/* adjacent: last->hi + 1 == lo, without overflowing */
		if (s->r[i].lo <= last->hi ||
		    (uint64_t)s->r[i].lo == (uint64_t)last->hi + 1) {
			if (s->r[i].hi > last->hi)
				last->hi = s->r[i].hi;
		} else {
			s->r[++out] = s->r[i];
		}
	}
	s->n = out + 1;
}

/**
 * fw_set_complement() - replace @s by [0, @max] minus @s
 * @s: normalised set with no value above @max
 * @max: largest value of the universe (0xffffffff or 65535)
 *
 * Return: 0 or -ENOMEM (then @s is unchanged).
 */
int fw_set_complement(struct fw_set *s, uint32_t max)
{
	struct fw_set c;
	uint64_t next = 0;
	uint32_t i;
	int ret;

	fw_set_init(&c);
	for (i = 0; i < s->n; i++) {
		if (s->r[i].lo > next) {
			ret = fw_set_add(&c, (uint32_t)next, s->r[i].lo - 1);
			if (ret)
				goto err;
		}
		next = (uint64_t)s->r[i].hi + 1;
	}
	if (next <= max) {
		ret = fw_set_add(&c, (uint32_t)next, max);
		if (ret)
			goto err;
	}
	fw_set_free(s);
	*s = c;
	return 0;
err:
	fw_set_free(&c);
	return ret;
}

/* @s = @s intersected with @t; both normalised. */
static int set_intersect(struct fw_set *s, const struct fw_set *t)
{
	struct fw_set out;
	uint32_t i = 0, j = 0, lo, hi;
	int ret;

	fw_set_init(&out);
	while (i < s->n && j < t->n) {
		lo = s->r[i].lo > t->r[j].lo ? s->r[i].lo : t->r[j].lo;
		hi = s->r[i].hi < t->r[j].hi ? s->r[i].hi : t->r[j].hi;
		if (lo <= hi) {
			ret = fw_set_add(&out, lo, hi);
			if (ret) {
				fw_set_free(&out);
				return ret;
			}
		}
		if (s->r[i].hi < t->r[j].hi)
			i++;
		else
			j++;
	}
	fw_set_free(s);
	*s = out;
	return 0;
}

/**
 * fw_set_minus() - remove every value of @sub from @s
 * @s: normalised set
 * @sub: normalised set; not changed
 * @max: largest value of the universe
 *
 * Return: 0 or -ENOMEM.
 */
int fw_set_minus(struct fw_set *s, const struct fw_set *sub, uint32_t max)
{
	struct fw_set c;
	int ret;

	fw_set_init(&c);
	ret = fw_set_add_set(&c, sub);
	if (!ret)
		ret = fw_set_complement(&c, max);
	if (!ret)
		ret = set_intersect(s, &c);
	fw_set_free(&c);
	return ret;
}

/**
 * fw_set_contains() - whether @v is in @s
 * @s: normalised set
 * @v: value
 *
 * Return: true if some interval of @s holds @v. Binary search, no
 * allocation.
 */
bool fw_set_contains(const struct fw_set *s, uint32_t v)
{
	uint32_t lo = 0, hi = s->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->r[mid].hi < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->r[lo].lo <= v;
}

/**
 * fw_set_is_full() - whether @s is the whole of [0, @max]
 * @s: normalised set
 * @max: largest value of the universe
 *
 * Return: true for the set `any` stands for.
 */
bool fw_set_is_full(const struct fw_set *s, uint32_t max)
{
	return s->n == 1 && s->r[0].lo == 0 && s->r[0].hi == max;
}

/**
 * fw_set_equal() - whether @a and @b hold the same values
 * @a: normalised set
 * @b: normalised set
 *
 * Return: true if equal.
 */
bool fw_set_equal(const struct fw_set *a, const struct fw_set *b)
{
	return a->n == b->n &&
	       (!a->n || !memcmp(a->r, b->r, a->n * sizeof(*a->r)));
}

/* Largest prefix starting at @lo that ends at or before @hi: its length. */
static unsigned int largest_prefix(uint32_t lo, uint32_t hi)
{
	unsigned int len;

	for (len = 0; len < 32; len++) {
		uint32_t mask = len ? ~0u << (32 - len) : 0;

		if (!(lo & ~mask) && (lo | ~mask) <= hi)
			break;
	}
	return len;
}

/**
 * fw_set_print_prefixes() - print @s as IPv4 prefixes, "a.b.c.d/len ..."
 * @s: normalised address set
 * @f: stream
 *
 * Each interval is printed as the fewest prefixes that cover it exactly,
 * /32 without the length; the empty set as "none", the full one as "any".
 */
void fw_set_print_prefixes(const struct fw_set *s, FILE *f)
{
	const char *sep = "";
	uint32_t i;

	if (!s->n)
		fputs("none", f);
	if (fw_set_is_full(s, UINT32_MAX)) {
		fputs("any", f);
		return;
	}
	for (i = 0; i < s->n; i++) {
		uint64_t lo = s->r[i].lo;

		while (lo <= s->r[i].hi) {
			unsigned int len =
				largest_prefix((uint32_t)lo, s->r[i].hi);
			uint32_t a = (uint32_t)lo;

			fprintf(f, "%s%u.%u.%u.%u", sep, a >> 24,
				(a >> 16) & 255, (a >> 8) & 255, a & 255);
			if (len != 32)
				fprintf(f, "/%u", len);
			sep = " ";
			lo += (uint64_t)1 << (32 - len);
		}
	}
}

/**
 * fw_set_print_ranges() - print @s as "N" and "N-M" items
 * @s: normalised port set
 * @f: stream
 *
 * The empty set prints as "none", the full port range as "any".
 */
void fw_set_print_ranges(const struct fw_set *s, FILE *f)
{
	uint32_t i;

	if (!s->n)
		fputs("none", f);
	if (fw_set_is_full(s, 65535)) {
		fputs("any", f);
		return;
	}
	for (i = 0; i < s->n; i++) {
		fprintf(f, "%s%u", i ? " " : "", s->r[i].lo);
		if (s->r[i].hi != s->r[i].lo)
			fprintf(f, "-%u", s->r[i].hi);
	}
}
