// SPDX-License-Identifier: MIT
/*
 * ips_set.c - interval sets of addresses and ports (see ips_set.h).
 *
 * Control-side code: the rule parser builds, combines and prints sets
 * while rules load. ips_set_contains() and ips_addrs_match_*() are the
 * exception: no allocation, safe per packet.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ips/ips_set.h"

/* a short name for a builtin integer type (no struct is hidden) */
typedef unsigned __int128 u128;

/**
 * ips_set_init() - make @s the empty set
 * @s: set to initialise; holds no memory afterwards
 */
void ips_set_init(struct ips_set *s)
{
	s->r = NULL;
	s->n = 0;
	s->cap = 0;
}

/**
 * ips_set_free() - release the memory of @s and make it empty
 * @s: set; may be empty
 */
void ips_set_free(struct ips_set *s)
{
	free(s->r);
	ips_set_init(s);
}

/**
 * ips_set_add() - append the interval [@lo, @hi] to @s
 * @s: set; left unnormalised (call ips_set_normalise() when done adding)
 * @lo: first value
 * @hi: last value, >= @lo
 *
 * Return: 0, -EINVAL if @hi < @lo, -E2BIG past IPS_SET_MAX intervals,
 * -ENOMEM.
 */
int ips_set_add(struct ips_set *s, u128 lo, u128 hi)
{
	struct ips_range *r;
	uint32_t cap;

	if (hi < lo)
		return -EINVAL;
	if (s->n == s->cap) {
		if (s->cap >= IPS_SET_MAX)
			return -E2BIG;
		cap = s->cap ? s->cap * 2 : 2;
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
 * ips_set_add_set() - add every interval of @from to @s, then normalise
 * @s: set to grow
 * @from: set to add; may be unnormalised
 *
 * Return: 0 or -errno from ips_set_add().
 */
int ips_set_add_set(struct ips_set *s, const struct ips_set *from)
{
	uint32_t i;
	int ret;

	for (i = 0; i < from->n; i++) {
		ret = ips_set_add(s, from->r[i].lo, from->r[i].hi);
		if (ret)
			return ret;
	}
	ips_set_normalise(s);
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct ips_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

/**
 * ips_set_normalise() - sort @s and merge overlapping or adjacent intervals
 * @s: set
 */
void ips_set_normalise(struct ips_set *s)
{
	uint32_t i, out = 0;

	if (s->n < 2)
		return;
	qsort(s->r, s->n, sizeof(s->r[0]), range_cmp);
	for (i = 1; i < s->n; i++) {
		struct ips_range *last = &s->r[out];

		if (s->r[i].lo <= last->hi ||
		    (last->hi != IPS_V6_MAX && s->r[i].lo == last->hi + 1)) {
			if (s->r[i].hi > last->hi)
				last->hi = s->r[i].hi;
			continue;
		}
		s->r[++out] = s->r[i];
	}
	s->n = out + 1;
}

/**
 * ips_set_complement() - replace normalised @s by [0, @max] minus @s
 * @s: normalised set with every value <= @max
 * @max: the largest value of the space (IPS_V4_MAX, IPS_V6_MAX, ...)
 *
 * Return: 0 or -ENOMEM (then @s is unchanged).
 */
int ips_set_complement(struct ips_set *s, u128 max)
{
	struct ips_set c;
	u128 next = 0;
	bool done = false;
	uint32_t i;
	int ret;

	ips_set_init(&c);
	for (i = 0; i < s->n; i++) {
		if (s->r[i].lo > next) {
			ret = ips_set_add(&c, next, s->r[i].lo - 1);
			if (ret)
				goto err;
		}
		if (s->r[i].hi >= max) {
			done = true;
			break;
		}
		next = s->r[i].hi + 1;
	}
	if (!done) {
		ret = ips_set_add(&c, next, max);
		if (ret)
			goto err;
	}
	ips_set_free(s);
	*s = c;
	return 0;
err:
	ips_set_free(&c);
	return ret;
}

/**
 * ips_set_minus() - remove from normalised @s every value of @sub
 * @s: normalised set
 * @sub: normalised set
 *
 * Return: 0 or -ENOMEM (then @s is unchanged).
 */
int ips_set_minus(struct ips_set *s, const struct ips_set *sub)
{
	struct ips_set out;
	uint32_t i, j = 0;
	int ret;

	ips_set_init(&out);
	for (i = 0; i < s->n; i++) {
		u128 lo = s->r[i].lo, hi = s->r[i].hi;

		while (j < sub->n && sub->r[j].hi < lo)
			j++;
		for (uint32_t k = j; k < sub->n && sub->r[k].lo <= hi; k++) {
			if (sub->r[k].lo > lo) {
				ret = ips_set_add(&out, lo, sub->r[k].lo - 1);
				if (ret)
					goto err;
			}
			if (sub->r[k].hi >= hi)
				goto next;
			lo = sub->r[k].hi + 1;
		}
		ret = ips_set_add(&out, lo, hi);
		if (ret)
			goto err;
	next:;
	}
	ips_set_free(s);
	*s = out;
	return 0;
err:
	ips_set_free(&out);
	return ret;
}

/**
 * ips_set_contains() - is @v in normalised @s?
 * @s: normalised set
 * @v: value
 *
 * Return: true if some interval holds @v. Does not allocate.
 */
bool ips_set_contains(const struct ips_set *s, u128 v)
{
	uint32_t lo = 0, hi = s->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->r[mid].hi < v)
			lo = mid + 1;
		else if (s->r[mid].lo > v)
			hi = mid;
		else
			return true;
	}
	return false;
}

/**
 * ips_set_is_full() - does normalised @s hold every value up to @max?
 * @s: normalised set
 * @max: the largest value of the space
 *
 * Return: true if @s is [0, @max].
 */
bool ips_set_is_full(const struct ips_set *s, u128 max)
{
	return s->n == 1 && s->r[0].lo == 0 && s->r[0].hi >= max;
}

/**
 * ips_set_equal() - do normalised @a and @b hold the same values?
 * @a: normalised set
 * @b: normalised set
 *
 * Return: true if equal.
 */
bool ips_set_equal(const struct ips_set *a, const struct ips_set *b)
{
	return a->n == b->n &&
	       (!a->n || !memcmp(a->r, b->r, a->n * sizeof(a->r[0])));
}

static void print_port_ranges(const struct ips_set *s, FILE *f)
{
	uint32_t i;

	if (s->n != 1)
		fputc('[', f);
	for (i = 0; i < s->n; i++) {
		fprintf(f, "%s%u", i ? "," : "", (unsigned int)s->r[i].lo);
		if (s->r[i].hi != s->r[i].lo)
			fprintf(f, ":%u", (unsigned int)s->r[i].hi);
	}
	if (s->n != 1)
		fputc(']', f);
}

/**
 * ips_set_print_ports() - print a normalised port set the way a rule
 * header would say it: "any", "80", "1024:65535", "[80,8000:8080]", or
 * "!" and the complement when that is shorter ("![80,443]")
 * @s: normalised port set
 * @f: stream
 */
void ips_set_print_ports(const struct ips_set *s, FILE *f)
{
	struct ips_set c;

	if (ips_set_is_full(s, IPS_PORT_MAX)) {
		fputs("any", f);
		return;
	}
	ips_set_init(&c);
	if (!ips_set_add_set(&c, s) && !ips_set_complement(&c, IPS_PORT_MAX) &&
	    c.n < s->n) {
		fputc('!', f);
		print_port_ranges(&c, f);
	} else {
		print_port_ranges(s, f);
	}
	ips_set_free(&c);
}

/**
 * ips_addrs_init() - make @a the empty address set of both families
 * @a: address set
 */
void ips_addrs_init(struct ips_addrs *a)
{
	ips_set_init(&a->v4);
	ips_set_init(&a->v6);
}

/**
 * ips_addrs_free() - release @a and make it empty
 * @a: address set
 */
void ips_addrs_free(struct ips_addrs *a)
{
	ips_set_free(&a->v4);
	ips_set_free(&a->v6);
}

/**
 * ips_addrs_is_any() - does @a hold every IPv4 and every IPv6 address?
 * @a: normalised address set
 *
 * Return: true if @a is "any".
 */
bool ips_addrs_is_any(const struct ips_addrs *a)
{
	return ips_set_is_full(&a->v4, IPS_V4_MAX) &&
	       ips_set_is_full(&a->v6, IPS_V6_MAX);
}

/**
 * ips_addrs_match_v4() - is IPv4 @addr in @a?
 * @a: normalised address set
 * @addr: address in host byte order
 *
 * Return: true if it is. Does not allocate.
 */
bool ips_addrs_match_v4(const struct ips_addrs *a, uint32_t addr)
{
	return ips_set_contains(&a->v4, addr);
}

/**
 * ips_addrs_match_v6() - is IPv6 @addr in @a?
 * @a: normalised address set
 * @addr: address in network byte order
 *
 * Return: true if it is. Does not allocate.
 */
bool ips_addrs_match_v6(const struct ips_addrs *a, const uint8_t addr[16])
{
	u128 v = 0;
	int i;

	for (i = 0; i < 16; i++)
		v = v << 8 | addr[i];
	return ips_set_contains(&a->v6, v);
}

static void print_prefix(u128 v, unsigned int len, bool v6, FILE *f)
{
	char buf[INET6_ADDRSTRLEN];
	uint8_t b[16];
	int i;

	if (v6) {
		for (i = 15; i >= 0; i--, v >>= 8)
			b[i] = (uint8_t)v;
		inet_ntop(AF_INET6, b, buf, sizeof(buf));
		fprintf(f, "%s/%u", buf, len);
	} else {
		fprintf(f, "%u.%u.%u.%u/%u", (unsigned int)(v >> 24) & 255,
			(unsigned int)(v >> 16) & 255,
			(unsigned int)(v >> 8) & 255, (unsigned int)v & 255,
			len);
	}
}

/* Print [lo, hi] as the fewest prefixes; returns how many it printed. */
static unsigned int print_cidrs(u128 lo, u128 hi, bool v6, bool first, FILE *f)
{
	unsigned int bits = v6 ? 128 : 32, k, n = 0;

	for (;;) {
		/* largest aligned block starting at lo that fits in hi */
		for (k = bits; k > 0; k--) {
			u128 mask =
				k == 128 ? IPS_V6_MAX : (((u128)1 << k) - 1);

			if (!(lo & mask) && lo + mask <= hi && lo + mask >= lo)
				break;
		}
		fputs(first && !n ? "" : ",", f);
		print_prefix(lo, bits - k, v6, f);
		n++;
		if (k == bits)
			break;
		u128 end = lo + (((u128)1 << k) - 1);

		if (end >= hi)
			break;
		lo = end + 1;
	}
	return n;
}

static unsigned int count_cidrs(const struct ips_addrs *a)
{
	FILE *f = fopen("/dev/null", "w");
	unsigned int n = 0;
	uint32_t i;

	if (!f)
		return UINT32_MAX;
	for (i = 0; i < a->v4.n; i++)
		n += print_cidrs(a->v4.r[i].lo, a->v4.r[i].hi, false, true, f);
	for (i = 0; i < a->v6.n; i++)
		n += print_cidrs(a->v6.r[i].lo, a->v6.r[i].hi, true, true, f);
	fclose(f);
	return n;
}

static void print_addr_list(const struct ips_addrs *a, unsigned int n, FILE *f)
{
	bool first = true;
	uint32_t i;

	if (n != 1)
		fputc('[', f);
	for (i = 0; i < a->v4.n; i++, first = false)
		print_cidrs(a->v4.r[i].lo, a->v4.r[i].hi, false, first, f);
	for (i = 0; i < a->v6.n; i++, first = false)
		print_cidrs(a->v6.r[i].lo, a->v6.r[i].hi, true, first, f);
	if (n != 1)
		fputc(']', f);
}

/**
 * ips_addrs_print() - print a normalised address set as prefixes: "any",
 * "10.0.0.0/8", "[10.0.0.0/8,::1/128]", or "!" and the complement's
 * prefixes when that list is shorter ("![10.0.0.0/8,192.168.0.0/16]")
 * @a: normalised address set
 * @f: stream
 */
void ips_addrs_print(const struct ips_addrs *a, FILE *f)
{
	struct ips_addrs c;
	unsigned int n, nc;

	if (ips_addrs_is_any(a)) {
		fputs("any", f);
		return;
	}
	n = count_cidrs(a);
	ips_addrs_init(&c);
	if (!ips_set_add_set(&c.v4, &a->v4) &&
	    !ips_set_add_set(&c.v6, &a->v6) &&
	    !ips_set_complement(&c.v4, IPS_V4_MAX) &&
	    !ips_set_complement(&c.v6, IPS_V6_MAX) &&
	    (nc = count_cidrs(&c)) < n) {
		fputc('!', f);
		print_addr_list(&c, nc, f);
	} else {
		print_addr_list(a, n, f);
	}
	ips_addrs_free(&c);
}
