/* SPDX-License-Identifier: MIT */
/*
 * route.h - the router's IPv4 route table: longest-prefix match over
 * connected and static routes, with add/del/dump for the control side and a
 * read-only lookup for the per-packet path.
 *
 * The router node (src/node/router*.c) calls route_lookup() or
 * route_lookup_batch() for every packet it forwards; the control side
 * (topology build, `dcbox route add|del`, `dcbox show routes`) calls
 * route_table_add(), route_table_del() and route_table_dump(). All addresses
 * in this API are IPv4 addresses in network byte order, as they sit in the
 * packet and in struct pkt_meta (pkt_addr_v4()).
 *
 * Theory of operation
 *
 * The lookup structure is a three-level multibit trie with strides 16/8/8
 * (DIR-16-8-8, a smaller cousin of DPDK's DIR-24-8): a 65536-slot first
 * level indexed by the top 16 bits of the address, and 256-slot groups for
 * the next 8 and the last 8 bits, taken from a preallocated pool. A slot is
 * 32 bits: either a leaf (route index + 1 and the prefix length that put it
 * there, 0 = no route) or a pointer to a child group. A lookup is one to
 * three dependent loads and no branches on prefix lengths. The first level is
 * 256 KiB; a group is 1 KiB.
 *
 * Routes are expanded into every slot they cover (controlled prefix
 * expansion). Each leaf remembers its prefix length, so an add overwrites
 * only slots held by shorter prefixes, and a delete puts back the parent
 * route (the longest shorter prefix covering the deleted one, found through
 * the control-side hash of exact prefixes) only in slots still held by the
 * deleted route. A group whose 256 slots become the same leaf again is
 * folded back into its parent slot and returned to the pool.
 *
 * Route entries live in a fixed array; the slots refer to them by index, so
 * an entry pointer returned by a lookup stays valid until that route is
 * deleted. No memory is allocated after route_table_init().
 *
 * Threads: one table belongs to one dataplane thread, which both looks up
 * and (between batches) applies control changes; there is no locking. The
 * writers are nevertheless ordered for a later RCU reader on another core:
 * every slot is one aligned 32-bit word written with a release store, a new
 * group is filled completely before the slot pointing to it is published,
 * and a folded group is unlinked before it is reused. A concurrent reader
 * therefore always sees either the old or the new route for an address.
 * What RCU would still need: deferring the reuse of freed groups and route
 * entries until after a grace period (route_table_del() reuses them at once).
 *
 * Rejected: DIR-24-8 (64 MiB first level per router instance, too much for
 * a host running many routers); a path-compressed binary trie (up to 32
 * dependent loads per lookup); Poptrie (best cache footprint, but an update
 * rebuilds subtrees; worth revisiting for full Internet tables).
 */
#ifndef DCBOX_ROUTE_H
#define DCBOX_ROUTE_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>

enum {
	ROUTE_CAPACITY_DEFAULT = 4096,
	ROUTE_CAPACITY_MAX = 1 << 20, /* route index must fit 24 bits */
	ROUTE_GROUPS_MAX = 1 << 18, /* at most 256 MiB of groups */
	ROUTE_GROUP_SLOTS = 256,
	ROUTE_L1_SLOTS = 65536,
	ROUTE_SLOT_DEPTH_SHIFT = 24, /* leaf: prefix length in bits 24-29 */
};

/* A slot: child bit | group index, or a leaf: depth << 24 | route index + 1 */
#define ROUTE_SLOT_CHILD 0x80000000u
#define ROUTE_SLOT_IDX 0x00ffffffu

/** enum route_kind - where a route came from */
enum route_kind {
	ROUTE_KIND_NONE = 0, /* free entry */
	ROUTE_KIND_CONNECTED, /* subnet of a router interface address */
	ROUTE_KIND_STATIC, /* configured (topology or `dcbox route add`) */
};

/**
 * struct route_entry - one route
 * @prefix: network address, network byte order, host bits zero
 * @nexthop: gateway, network byte order; 0 for a connected route, where the
 *	destination itself is resolved on @ifindex
 * @metric: informational (one route per prefix); shown by `show routes`
 * @ifindex: the router's output interface number
 * @len: prefix length, 0..32
 * @kind: enum route_kind
 */
struct route_entry {
	uint32_t prefix;
	uint32_t nexthop;
	uint32_t metric;
	uint16_t ifindex;
	uint8_t len;
	uint8_t kind;
};
_Static_assert(sizeof(struct route_entry) == 16, "4 routes per cache line");

/**
 * struct route_table - the table; fields are private to route.[ch]
 * @l1: ROUTE_L1_SLOTS first-level slots
 * @groups: @max_groups groups of ROUTE_GROUP_SLOTS slots
 * @free_groups: stack of free group indices, @n_free_groups of them
 * @routes: @capacity route entries; kind NONE = free
 * @free_routes: stack of free route indices, @n_free_routes of them
 * @hash: exact (prefix, len) -> route index + 1; linear probing
 * @hash_mask: hash slots - 1
 * @count: routes in the table
 * @gen: bumped by every change, so a dump can tell it raced nothing
 */
struct route_table {
	uint32_t *l1;
	uint32_t *groups;
	uint32_t *free_groups;
	uint32_t max_groups;
	uint32_t n_free_groups;
	struct route_entry *routes;
	uint32_t *free_routes;
	uint32_t capacity;
	uint32_t n_free_routes;
	uint32_t *hash;
	uint32_t hash_mask;
	uint32_t count;
	uint64_t gen;
};

int route_table_init(struct route_table *t, uint32_t capacity);
void route_table_fini(struct route_table *t);
int route_table_add(struct route_table *t, const struct route_entry *r);
int route_table_del(struct route_table *t, uint32_t prefix, uint8_t len);
const struct route_entry *route_table_find(const struct route_table *t,
					   uint32_t prefix, uint8_t len);
unsigned int route_table_del_ifindex(struct route_table *t, uint16_t ifindex);
void route_table_flush(struct route_table *t);
uint32_t route_table_dump(const struct route_table *t, struct route_entry *out,
			  uint32_t max);
void route_lookup_batch(const struct route_table *t, const uint32_t *dsts,
			const struct route_entry **out, unsigned int n);
const char *route_kind_str(uint8_t kind);

/**
 * route_prefix_mask() - netmask of a prefix length, host byte order
 * @len: 0..32
 *
 * Return: the mask, e.g. 0xffffff00 for 24.
 */
static inline uint32_t route_prefix_mask(uint8_t len)
{
	return len ? ~0u << (32 - len) : 0;
}

/**
 * route_lookup() - longest-prefix match for one destination (per packet)
 * @t: the table
 * @dst: destination address, network byte order
 *
 * Reads only; see the thread notes at the top of route.h.
 *
 * Return: the most specific route covering @dst, or NULL if none (not even
 * a default route). The entry is valid until that route is deleted. The
 * next hop to resolve with ARP is r->nexthop, or @dst when it is 0.
 */
static inline const struct route_entry *
route_lookup(const struct route_table *t, uint32_t dst)
{
	uint32_t a = ntohl(dst);
	uint32_t e = t->l1[a >> 16];

	if (e & ROUTE_SLOT_CHILD) {
		e = t->groups[(size_t)(e & ~ROUTE_SLOT_CHILD) << 8 |
			      (a >> 8 & 0xff)];
		if (e & ROUTE_SLOT_CHILD)
			e = t->groups[(size_t)(e & ~ROUTE_SLOT_CHILD) << 8 |
				      (a & 0xff)];
	}
	e &= ROUTE_SLOT_IDX;
	return e ? &t->routes[e - 1] : NULL;
}

/**
 * route_nexthop() - the address to resolve with ARP for @dst via @r
 * @r: the route from route_lookup()
 * @dst: the packet's destination, network byte order
 *
 * Return: @r's gateway, or @dst itself for a connected route.
 */
static inline uint32_t route_nexthop(const struct route_entry *r, uint32_t dst)
{
	return r->nexthop ? r->nexthop : dst;
}

#endif
