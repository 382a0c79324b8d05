/* SPDX-License-Identifier: MIT */
/*
 * fw_set.h - sets of 32-bit values as sorted, disjoint intervals: the form
 * in which a firewall rule holds its addresses (IPv4, host byte order) and
 * its ports.
 *
 * The rule parser (fw_rule.c) builds a set per field from what the rule
 * says - prefixes, names, ranges, lists, negations - and the classifier
 * (fw_classify.c) cuts the value line at every interval boundary of every
 * rule. Working in intervals rather than prefixes keeps negation and port
 * ranges exact (no range-to-prefix expansion) and makes "does the rule
 * match this value" one binary search.
 *
 * A set is normalised when its intervals are sorted by lo, disjoint and not
 * adjacent (hi + 1 < next lo); every fw_set_* operation except
 * fw_set_add() leaves it normalised. Sets own their memory (control side
 * only; nothing here runs per packet except fw_set_contains()).
 */
#ifndef DCBOX_FW_SET_H
#define DCBOX_FW_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** struct fw_range - the closed interval [lo, hi] */
struct fw_range {
	uint32_t lo;
	uint32_t hi;
};

/**
 * struct fw_set - a set of uint32 values
 * @r: intervals; normalised (see above) after fw_set_normalise()
 * @n: intervals in use; 0 is the empty set
 * @cap: intervals allocated
 */
struct fw_set {
	struct fw_range *r;
	uint32_t n;
	uint32_t cap;
};

enum {
	FW_SET_MAX = 1u << 20, /* intervals in one set: a sanity bound */
};

void fw_set_init(struct fw_set *s);
void fw_set_free(struct fw_set *s);
int fw_set_add(struct fw_set *s, uint32_t lo, uint32_t hi);
int fw_set_add_prefix(struct fw_set *s, uint32_t addr, unsigned int len);
int fw_set_add_set(struct fw_set *s, const struct fw_set *from);
void fw_set_normalise(struct fw_set *s);
int fw_set_complement(struct fw_set *s, uint32_t max);
int fw_set_minus(struct fw_set *s, const struct fw_set *sub, uint32_t max);
bool fw_set_contains(const struct fw_set *s, uint32_t v);
bool fw_set_is_full(const struct fw_set *s, uint32_t max);
bool fw_set_equal(const struct fw_set *a, const struct fw_set *b);
void fw_set_print_prefixes(const struct fw_set *s, FILE *f);
void fw_set_print_ranges(const struct fw_set *s, FILE *f);

#endif
