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
 * adjacent (hi + 1 < next lo); fw_set_add(), fw_set_add_set() and
 * fw_set_add_prefix() append, every other operation leaves it normalised.
 * Sets own their memory (control side only; nothing here runs per packet
 * except fw_set_contains()). The set operations are core/ivset.h's
 * template instantiated for uint32_t; this file adds IPv4 prefixes and the
 * policy language's printing.
 */
#ifndef DCBOX_FW_SET_H
#define DCBOX_FW_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum {
	FW_SET_MAX = 1u << 20, /* intervals in one set: a sanity bound */
};

/*
 * struct fw_range { uint32_t lo, hi; }, struct fw_set { r, n, cap } and
 * fw_set_init(), _free(), _add(), _add_set(), _normalise(), _complement(),
 * _minus(), _contains(), _is_full(), _equal(): the interval set template
 * of core/ivset.h over uint32_t.
 */
#define IVSET_NAME fw_set
#define IVSET_RANGE fw_range
#define IVSET_T uint32_t
#include "core/ivset.h"

int fw_set_add_prefix(struct fw_set *s, uint32_t addr, unsigned int len);
void fw_set_print_prefixes(const struct fw_set *s, FILE *f);
void fw_set_print_ranges(const struct fw_set *s, FILE *f);

#endif
