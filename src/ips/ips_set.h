/* SPDX-License-Identifier: MIT */
/*
 * ips_set.h - sets of addresses and ports for IPS rule headers, as sorted,
 * disjoint closed intervals of unsigned 128-bit values.
 *
 * One interval type serves the three value spaces of a rule header: IPv4
 * addresses (0 .. 2^32-1, host byte order), IPv6 addresses (0 .. 2^128-1,
 * the address read as a big-endian number) and ports (0 .. 65535). A rule's
 * address field is a pair of sets (struct ips_addrs), one per family; its
 * port field is one set. Intervals keep negation, lists and port ranges
 * exact, and "does the field match" is one binary search.
 *
 * A set is normalised when its intervals are sorted by lo, disjoint and not
 * adjacent; every operation except ips_set_add() and ips_set_add_set()
 * leaves it normalised. Sets own their memory. The set operations are
 * core/ivset.h's template instantiated for unsigned __int128; this file
 * adds the per-family address pair and printing in rule syntax. Built on the control side while rules load;
 * ips_set_contains() and the ips_addrs_match_*() helpers do not allocate
 * and may run per packet.
 */
#ifndef DCBOX_IPS_SET_H
#define DCBOX_IPS_SET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum {
	IPS_SET_MAX = 1u << 16, /* intervals in one set: a sanity bound */
};

/*
 * struct ips_range { lo, hi }, struct ips_set { r, n, cap } and
 * ips_set_init(), _free(), _add(), _add_set(), _normalise(),
 * _complement(), _minus(), _contains(), _is_full(), _equal(): the
 * interval set template of core/ivset.h over unsigned __int128.
 */
#define IVSET_NAME ips_set
#define IVSET_RANGE ips_range
#define IVSET_T unsigned __int128
#include "core/ivset.h"

/**
 * struct ips_addrs - the addresses of one side of a rule header
 * @v4: IPv4 addresses (max IPS_V4_MAX)
 * @v6: IPv6 addresses (max IPS_V6_MAX)
 */
struct ips_addrs {
	struct ips_set v4;
	struct ips_set v6;
};

#define IPS_V4_MAX ((unsigned __int128)UINT32_MAX)
#define IPS_V6_MAX (~(unsigned __int128)0)
#define IPS_PORT_MAX ((unsigned __int128)UINT16_MAX)

void ips_set_print_ports(const struct ips_set *s, FILE *f);

void ips_addrs_init(struct ips_addrs *a);
void ips_addrs_free(struct ips_addrs *a);
bool ips_addrs_is_any(const struct ips_addrs *a);
bool ips_addrs_match_v4(const struct ips_addrs *a, uint32_t addr);
bool ips_addrs_match_v6(const struct ips_addrs *a, const uint8_t addr[16]);
void ips_addrs_print(const struct ips_addrs *a, FILE *f);

#endif
