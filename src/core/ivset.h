/* SPDX-License-Identifier: MIT */
/*
 * ivset.h - sets of unsigned integers as sorted, disjoint closed intervals,
 * written once for any unsigned integer type. The firewall's rule fields
 * (fw/fw_set.h: uint32_t addresses and ports) and the IPS's rule headers
 * (ips/ips_set.h: unsigned __int128, wide enough for IPv6) are instances.
 *
 * A module instantiates the template under its own names. Its header
 * declares the two structs and the operations:
 *
 *	#define IVSET_NAME fw_set	struct fw_set, fw_set_add(), ...
 *	#define IVSET_RANGE fw_range	struct fw_range { lo, hi }
 *	#define IVSET_T uint32_t	the value type (unsigned)
 *	#include "core/ivset.h"
 *
 * and its .c file defines them once, with the same three names plus
 * IVSET_MAX (the most intervals one set may hold), by including
 * core/ivset_impl.h. Both headers #undef the parameters when done, so one
 * file may use several instances. Each instance keeps its own value type:
 * a uint32_t set searches uint32_t bounds, with no widening on the
 * firewall's per-packet lookups.
 *
 * An instance gets (NAME standing for IVSET_NAME, T for IVSET_T):
 *
 *	struct RANGE { T lo; T hi; };		the closed interval [lo, hi]
 *	struct NAME { struct RANGE *r; uint32_t n; uint32_t cap; };
 *	void NAME_init(struct NAME *s);
 *	void NAME_free(struct NAME *s);
 *	int NAME_add(struct NAME *s, T lo, T hi);
 *	int NAME_add_set(struct NAME *s, const struct NAME *from);
 *	void NAME_normalise(struct NAME *s);
 *	int NAME_complement(struct NAME *s, T max);
 *	int NAME_minus(struct NAME *s, const struct NAME *sub);
 *	bool NAME_contains(const struct NAME *s, T v);
 *	bool NAME_is_full(const struct NAME *s, T max);
 *	bool NAME_equal(const struct NAME *a, const struct NAME *b);
 *
 * Theory of operation
 *
 * A set is normalised when its intervals are sorted by lo, disjoint and
 * not adjacent (hi + 1 < next lo). NAME_add() and NAME_add_set() only
 * append, so a parser can pile up the pieces of a list and sort once with
 * NAME_normalise(); every other operation takes and leaves normalised
 * sets. The normal form of a set is unique, so NAME_equal() is a memcmp().
 * Intervals rather than prefixes keep negation and port ranges exact (no
 * range-to-prefix expansion), and membership is one binary search.
 * Nothing overflows at the top of the type: adjacency and complement
 * check for T's largest value before adding 1.
 *
 * Sets own their memory, allocated on the control side. NAME_contains(),
 * NAME_is_full() and NAME_equal() do not allocate and may run per packet.
 * A set is not locked: one writer, and no reader while it is written.
 *
 * The alternative, one 128-bit implementation for all, was rejected: the
 * firewall would compare 128-bit values per packet and store four times
 * the memory per interval. So was a macro that expands to whole function
 * bodies: the template is ordinary C that a debugger can step through.
 */
#ifndef DCBOX_IVSET_H
#define DCBOX_IVSET_H

#include <stdbool.h>
#include <stdint.h>

#define IVSET_CAT_(a, b) a##_##b
#define IVSET_CAT(a, b) IVSET_CAT_(a, b)
/* IVSET_FN(add) is the instance's NAME_add */
#define IVSET_FN(name) IVSET_CAT(IVSET_NAME, name)

#endif /* DCBOX_IVSET_H */

#if !defined(IVSET_NAME) || !defined(IVSET_RANGE) || !defined(IVSET_T)
#error "define IVSET_NAME, IVSET_RANGE and IVSET_T before core/ivset.h"
#endif

/* ivset_range - the closed interval [lo, hi] */
struct IVSET_RANGE {
	IVSET_T lo;
	IVSET_T hi;
};

/*
 * ivset - a set of values
 * @r: intervals; normalised (see above) after NAME_normalise()
 * @n: intervals in use; 0 is the empty set
 * @cap: intervals allocated
 */
struct IVSET_NAME {
	struct IVSET_RANGE *r;
	uint32_t n;
	uint32_t cap;
};

void IVSET_FN(init)(struct IVSET_NAME *s);
void IVSET_FN(free)(struct IVSET_NAME *s);
int IVSET_FN(add)(struct IVSET_NAME *s, IVSET_T lo, IVSET_T hi);
int IVSET_FN(add_set)(struct IVSET_NAME *s, const struct IVSET_NAME *from);
void IVSET_FN(normalise)(struct IVSET_NAME *s);
int IVSET_FN(complement)(struct IVSET_NAME *s, IVSET_T max);
int IVSET_FN(minus)(struct IVSET_NAME *s, const struct IVSET_NAME *sub);
bool IVSET_FN(contains)(const struct IVSET_NAME *s, IVSET_T v);
bool IVSET_FN(is_full)(const struct IVSET_NAME *s, IVSET_T max);
bool IVSET_FN(equal)(const struct IVSET_NAME *a, const struct IVSET_NAME *b);

#undef IVSET_NAME
#undef IVSET_RANGE
#undef IVSET_T
