// SPDX-License-Identifier: MIT
/*
 * ips_set.c - interval sets of addresses and ports (see ips_set.h): the
 * unsigned __int128 instance of core/ivset.h's set operations, address
 * pairs of both families, and printing in rule syntax.
 *
 * Control-side code: the rule parser builds, combines and prints sets
 * while rules load. ips_set_contains() and ips_addrs_match_*() are the
 * exception: no allocation, safe per packet.
 */
#include <arpa/inet.h>

#include "ips/ips_set.h"

/* a short name for a builtin integer type (no struct is hidden) */
typedef unsigned __int128 u128;

#define IVSET_NAME ips_set
#define IVSET_RANGE ips_range
#define IVSET_T u128
#define IVSET_MAX IPS_SET_MAX
#include "core/ivset_impl.h"

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
