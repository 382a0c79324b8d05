// SPDX-License-Identifier: MIT
/*
 * fw_set.c - interval sets for firewall rule fields (see fw_set.h): the
 * uint32_t instance of core/ivset.h's set operations, IPv4 prefixes, and
 * printing as prefixes or port ranges.
 *
 * Everything here runs on the control side while a policy is parsed and
 * compiled, except fw_set_contains(), which the linear reference scan
 * (fw_rule_matches()) uses per packet and which does not allocate.
 */
#include <errno.h>

#include "fw/fw_set.h"

#define IVSET_NAME fw_set
#define IVSET_RANGE fw_range
#define IVSET_T uint32_t
#define IVSET_MAX FW_SET_MAX
#include "core/ivset_impl.h"

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
