/* SPDX-License-Identifier: MIT */
/*
 * ivset_impl.h - the operations of an interval set instance (see
 * core/ivset.h for the template, its parameters and its invariants).
 *
 * Included once per instance, by the instance's .c file, after its header
 * and with IVSET_NAME, IVSET_RANGE, IVSET_T and IVSET_MAX defined. Static
 * helpers carry the instance's prefix too, so two instances can share a
 * translation unit (the fuzz harnesses #include .c files).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef IVSET_FN
#error "include the instance's header (and so core/ivset.h) first"
#endif
#if !defined(IVSET_NAME) || !defined(IVSET_RANGE) || !defined(IVSET_T) ||      \
	!defined(IVSET_MAX)
#error "define IVSET_NAME, IVSET_RANGE, IVSET_T and IVSET_MAX first"
#endif

/* the largest value of IVSET_T */
#define IVSET_T_TOP ((IVSET_T) ~(IVSET_T)0)

/**
 * NAME_init() - make @s the empty set
 * @s: set to initialise; holds no memory afterwards
 */
void IVSET_FN(init)(struct IVSET_NAME *s)
{
	s->r = NULL;
	s->n = 0;
	s->cap = 0;
}

/**
 * NAME_free() - release the memory of @s and make it empty
 * @s: set; may be empty
 */
void IVSET_FN(free)(struct IVSET_NAME *s)
{
	free(s->r);
	IVSET_FN(init)(s);
}

/**
 * NAME_add() - append the interval [@lo, @hi] to @s
 * @s: set; left unnormalised (call NAME_normalise() when done adding)
 * @lo: first value
 * @hi: last value, >= @lo
 *
 * Return: 0, -EINVAL if @hi < @lo, -E2BIG past IVSET_MAX intervals,
 * -ENOMEM.
 */
int IVSET_FN(add)(struct IVSET_NAME *s, IVSET_T lo, IVSET_T hi)
{
	struct IVSET_RANGE *r;
	uint32_t cap;

	if (hi < lo)
		return -EINVAL;
	if (s->n == s->cap) {
		if (s->cap >= IVSET_MAX)
			return -E2BIG;
		cap = s->cap ? s->cap * 2 : 4;
		r = reallocarray(s->r, cap, sizeof(*r));
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
 * NAME_add_set() - append every interval of @from to @s
 * @s: set; left unnormalised
 * @from: set to copy from; not changed
 *
 * Return: 0 or an error of NAME_add().
 */
int IVSET_FN(add_set)(struct IVSET_NAME *s, const struct IVSET_NAME *from)
{
	uint32_t i;
	int ret;

	for (i = 0; i < from->n; i++) {
		ret = IVSET_FN(add)(s, from->r[i].lo, from->r[i].hi);
		if (ret)
			return ret;
	}
	return 0;
}

static int IVSET_FN(range_cmp)(const void *a, const void *b)
{
	const struct IVSET_RANGE *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

/**
 * NAME_normalise() - sort @s and merge overlapping or adjacent intervals
 * @s: set; its allocation is kept
 */
void IVSET_FN(normalise)(struct IVSET_NAME *s)
{
	uint32_t i, out = 0;

	if (s->n < 2)
		return;
	qsort(s->r, s->n, sizeof(*s->r), IVSET_FN(range_cmp));
	for (i = 1; i < s->n; i++) {
		struct IVSET_RANGE *last = &s->r[out];

		if (s->r[i].lo <= last->hi ||
		    (last->hi != IVSET_T_TOP && s->r[i].lo == last->hi + 1)) {
			if (s->r[i].hi > last->hi)
				last->hi = s->r[i].hi;
		} else {
			s->r[++out] = s->r[i];
		}
	}
	s->n = out + 1;
}

/**
 * NAME_complement() - replace @s by [0, @max] minus @s
 * @s: normalised set with no value above @max
 * @max: largest value of the universe (UINT32_MAX, 65535, ...)
 *
 * Return: 0, or an error of NAME_add() (then @s is unchanged).
 */
int IVSET_FN(complement)(struct IVSET_NAME *s, IVSET_T max)
{
	struct IVSET_NAME c;
	IVSET_T next = 0;
	uint32_t i;
	int ret;

	IVSET_FN(init)(&c);
	for (i = 0; i < s->n; i++) {
		if (s->r[i].lo > next) {
			ret = IVSET_FN(add)(&c, next, s->r[i].lo - 1);
			if (ret)
				goto err;
		}
		if (s->r[i].hi >= max)
			goto done; /* nothing above, and hi + 1 may wrap */
		next = s->r[i].hi + 1;
	}
	ret = IVSET_FN(add)(&c, next, max);
	if (ret)
		goto err;
done:
	IVSET_FN(free)(s);
	*s = c;
	return 0;
err:
	IVSET_FN(free)(&c);
	return ret;
}

/* Append [@lo, @hi] minus @sub to @out, @j the first interval of @sub
 * that may overlap it (none before it ends at or after @lo). */
static int IVSET_FN(cut)(struct IVSET_NAME *out, IVSET_T lo, IVSET_T hi,
			 const struct IVSET_NAME *sub, uint32_t j)
{
	int ret;

	for (; j < sub->n && sub->r[j].lo <= hi; j++) {
		if (sub->r[j].lo > lo) {
			ret = IVSET_FN(add)(out, lo, sub->r[j].lo - 1);
			if (ret)
				return ret;
		}
		if (sub->r[j].hi >= hi)
			return 0;
		lo = sub->r[j].hi + 1;
	}
	return IVSET_FN(add)(out, lo, hi);
}

/**
 * NAME_minus() - remove every value of @sub from @s
 * @s: normalised set
 * @sub: normalised set; not changed; may be @s itself
 *
 * One merge pass over both sets.
 *
 * Return: 0, or an error of NAME_add() (then @s is unchanged).
 */
int IVSET_FN(minus)(struct IVSET_NAME *s, const struct IVSET_NAME *sub)
{
	struct IVSET_NAME out;
	uint32_t i, j = 0;
	int ret;

	IVSET_FN(init)(&out);
	for (i = 0; i < s->n; i++) {
		while (j < sub->n && sub->r[j].hi < s->r[i].lo)
			j++;
		ret = IVSET_FN(cut)(&out, s->r[i].lo, s->r[i].hi, sub, j);
		if (ret) {
			IVSET_FN(free)(&out);
			return ret;
		}
	}
	IVSET_FN(free)(s);
	*s = out;
	return 0;
}

/**
 * NAME_contains() - whether @v is in @s
 * @s: normalised set
 * @v: value
 *
 * Return: true if some interval of @s holds @v. Binary search for the
 * first interval ending at or after @v, one comparison a step; no
 * allocation.
 */
bool IVSET_FN(contains)(const struct IVSET_NAME *s, IVSET_T v)
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
 * NAME_is_full() - whether @s is the whole of [0, @max]
 * @s: normalised set
 * @max: largest value of the universe
 *
 * Return: true for the set `any` stands for.
 */
bool IVSET_FN(is_full)(const struct IVSET_NAME *s, IVSET_T max)
{
	return s->n == 1 && s->r[0].lo == 0 && s->r[0].hi >= max;
}

/**
 * NAME_equal() - whether @a and @b hold the same values
 * @a: normalised set
 * @b: normalised set
 *
 * Return: true if equal (normal forms are unique: compare the intervals).
 */
bool IVSET_FN(equal)(const struct IVSET_NAME *a, const struct IVSET_NAME *b)
{
	return a->n == b->n &&
	       (!a->n || !memcmp(a->r, b->r, a->n * sizeof(*a->r)));
}

#undef IVSET_T_TOP
#undef IVSET_NAME
#undef IVSET_RANGE
#undef IVSET_T
#undef IVSET_MAX
