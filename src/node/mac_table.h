/* SPDX-License-Identifier: MIT */
/*
 * mac_table.h - the switch's MAC table: (VLAN, MAC) -> switch port, with
 * aging, a fixed capacity and per-port entry counts.
 *
 * The switch node (switch.c) looks up destinations and learns sources in
 * here on every packet; the control side (switch_config.c) creates it, ages
 * it once a second and dumps it for `dcbox show`. One table belongs to one
 * switch and one dataplane thread: there is no locking.
 *
 * Theory of operation
 *
 * The table is an array of 16-byte slots, a power of two at least twice the
 * capacity, with linear probing. The load factor therefore never exceeds
 * one half, and a lookup touches one cache line in the common case.
 * Deletion uses backward shift (Knuth's algorithm R), so there are no
 * tombstones and a lookup stops at the first empty slot. No memory is
 * allocated after mac_table_init().
 *
 * Each entry records the second it was last seen. An entry is expired when
 * more than aging_s seconds have passed since; lookups treat expired entries
 * as missing at once, so correctness does not depend on when the sweep runs.
 * mac_table_age() removes expired entries from a bounded slice of the array
 * per call: one call covers a small table (up to MAC_SWEEP_MIN slots), a
 * pass over a bigger one takes MAC_SWEEP_PASS calls, and no call looks at
 * more than MAC_SWEEP_MAX slots (1 MiB), so the daemon's once-a-second call
 * stays well under a millisecond however big the table is. A table of a
 * million entries (2^21 slots) is swept once every 32 calls. An expired entry still counts against its port's MAC limit
 * until the sweep removes it, or until its MAC is seen again (the learn path
 * removes it first).
 *
 * The hash is murmur3's 64-bit finaliser of (key ^ per-table seed), masked
 * with hash_keep and offset by hash_base. Tests set hash_keep to 0 and
 * hash_base to the third slot from the end (mac_table_test_collide()), so
 * every key starts its probe there and the collision, wrap-around and
 * backward-shift paths all run; defining MAC_TABLE_TEST_HASH to a slot
 * number does the same at compile time for harnesses that #include
 * mac_table.c.
 *
 * Rejected: cuckoo hashing (two cache lines per miss, and inserts that can
 * fail below capacity); per-packet LRU lists for aging (a list write on every
 * packet of a known source).
 */
#ifndef DCBOX_MAC_TABLE_H
#define DCBOX_MAC_TABLE_H

#include <stdbool.h>
#include <stdint.h>

enum {
	MAC_TABLE_MAX_PORTS = 256,      /* ports whose entries are counted */
	MAC_TABLE_MAX_CAPACITY = 1u << 24,
	MAC_PORT_NONE = 0xffff,         /* port of an empty slot */
	MAC_AGING_DEFAULT = 300,        /* seconds */
	MAC_SWEEP_PASS = 16,            /* calls for one pass of a big table */
	MAC_SWEEP_MIN = 8192,           /* slots swept per call at least */
	MAC_SWEEP_MAX = 65536,          /* and at most */
};

/**
 * union mac_key - VLAN and MAC as one 64-bit integer
 * @raw: vlan << 48 | the MAC as a 48-bit big-endian number
 * @mac_lo: MAC bytes 2..5 as a host-order number
 * @mac_hi: MAC bytes 0..1 as a host-order number
 * @vlan: VLAN id
 */
union mac_key {
	uint64_t raw;
	struct {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		uint32_t mac_lo;
		uint16_t mac_hi;
		uint16_t vlan;
#else
		uint16_t vlan;
		uint16_t mac_hi;
		uint32_t mac_lo;
#endif
	};
};
_Static_assert(sizeof(union mac_key) == 8, "mac_key must be one u64");

/**
 * struct mac_entry - one slot of the table
 * @key: VLAN and MAC
 * @seen_s: second the MAC was last seen as a source
 * @port: switch port, or MAC_PORT_NONE if the slot is empty
 * @flags: reserved, zero
 */
struct mac_entry {
	union mac_key key;
	uint32_t seen_s;
	uint16_t port;
	uint16_t flags;
};
_Static_assert(sizeof(struct mac_entry) == 16, "4 slots per cache line");

/**
 * struct mac_table - the table; fields are private to mac_table.[ch]
 * @slots: mask + 1 slots
 * @mask: number of slots minus one
 * @capacity: most entries the table holds
 * @count: entries in use (expired ones included until swept)
 * @aging_s: seconds after which an entry expires
 * @sweep: next slot the aging sweep looks at
 * @seed: hash seed
 * @hash_keep: mask applied to the hash: ~0, or 0 to force collisions
 * @hash_base: added to the masked hash: 0, or the slot all keys collide in
 * @port_macs: entries per port
 */
struct mac_table {
	struct mac_entry *slots;
	uint32_t mask;
	uint32_t capacity;
	uint32_t count;
	uint32_t aging_s;
	uint32_t sweep;
	uint64_t seed;
	uint64_t hash_keep;
	uint64_t hash_base;
	uint32_t port_macs[MAC_TABLE_MAX_PORTS];
};

int mac_table_init(struct mac_table *t, uint32_t capacity, uint32_t aging_s);
void mac_table_fini(struct mac_table *t);
int mac_table_test_collide(struct mac_table *t, bool on);
void mac_table_set_aging(struct mac_table *t, uint32_t aging_s);
int mac_table_insert(struct mac_table *t, union mac_key key, uint16_t port,
		     uint32_t now_s);
void mac_table_move(struct mac_table *t, struct mac_entry *e, uint16_t port,
		    uint32_t now_s);
void mac_table_remove(struct mac_table *t, struct mac_entry *e);
unsigned int mac_table_age(struct mac_table *t, uint32_t now_s);
unsigned int mac_table_flush(struct mac_table *t);
const struct mac_entry *mac_table_next(const struct mac_table *t,
				       uint32_t *pos, uint32_t now_s);

/**
 * mac_key_make() - build a key from a VLAN and 6 MAC bytes
 * @vlan: VLAN id, 0..4095
 * @mac: 6 bytes, network order
 *
 * Return: the key.
 */
static inline union mac_key mac_key_make(uint16_t vlan, const uint8_t *mac)
{
	union mac_key k;

	k.raw = (uint64_t)vlan << 48 | (uint64_t)mac[0] << 40 |
		(uint64_t)mac[1] << 32 | (uint64_t)mac[2] << 24 |
		(uint64_t)mac[3] << 16 | (uint64_t)mac[4] << 8 | mac[5];
	return k;
}

/**
 * mac_key_mac() - the 6 MAC bytes of a key, network order
 * @k: the key
 * @mac: 6 bytes written
 */
static inline void mac_key_mac(union mac_key k, uint8_t *mac)
{
	int i;

	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)(k.raw >> (40 - 8 * i));
}

/**
 * mac_table_hash() - slot where the search for @key starts
 * @t: the table
 * @key: the key
 *
 * Return: slot index, 0..mask.
 */
static inline uint32_t mac_table_hash(const struct mac_table *t,
				      union mac_key key)
{
#ifdef MAC_TABLE_TEST_HASH
	(void)key;
	return (uint32_t)(MAC_TABLE_TEST_HASH) & t->mask;
#else
	uint64_t h = key.raw ^ t->seed;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t)((h & t->hash_keep) + t->hash_base) & t->mask;
#endif
}

/**
 * mac_entry_expired() - has @e not been seen for more than aging_s seconds
 * @t: the table
 * @e: an entry in use
 * @now_s: current time in seconds
 *
 * Return: true if expired. Wraps correctly (u32 seconds).
 */
static inline bool mac_entry_expired(const struct mac_table *t,
				     const struct mac_entry *e, uint32_t now_s)
{
	return now_s - e->seen_s > t->aging_s;
}

/**
 * mac_table_find_at() - find an entry, expired or not, from a known hash
 * @t: the table
 * @key: VLAN and MAC
 * @hash: mac_table_hash(@t, @key), computed earlier (and prefetched)
 *
 * Return: the entry, or NULL. Valid until the next change to the table.
 */
static inline struct mac_entry *mac_table_find_at(const struct mac_table *t,
						  union mac_key key,
						  uint32_t hash)
{
	uint32_t i = hash;

	for (;;) {
		struct mac_entry *e = &t->slots[i];

		if (e->port == MAC_PORT_NONE)
			return NULL;
		if (e->key.raw == key.raw)
			return e;
		i = (i + 1) & t->mask;
	}
}

/**
 * mac_table_find() - find an entry, expired or not
 * @t: the table
 * @key: VLAN and MAC
 *
 * The learn path uses this to tell a known MAC from a new or expired one.
 *
 * Return: the entry, or NULL. Valid until the next change to the table.
 */
static inline struct mac_entry *mac_table_find(const struct mac_table *t,
					       union mac_key key)
{
	return mac_table_find_at(t, key, mac_table_hash(t, key));
}

/**
 * mac_table_lookup() - find a live entry; the per-packet lookup
 * @t: the table
 * @key: VLAN and MAC
 * @now_s: current time in seconds
 *
 * Return: the entry, or NULL if absent or expired. Valid until the next
 * change to the table.
 */
static inline struct mac_entry *mac_table_lookup(const struct mac_table *t,
						 union mac_key key,
						 uint32_t now_s)
{
	struct mac_entry *e = mac_table_find(t, key);

	return e && !mac_entry_expired(t, e, now_s) ? e : NULL;
}

/**
 * mac_table_port_macs() - entries learned on @port
 * @t: the table
 * @port: switch port
 *
 * Return: the count (expired entries included until swept).
 */
static inline uint32_t mac_table_port_macs(const struct mac_table *t,
					   uint16_t port)
{
	return port < MAC_TABLE_MAX_PORTS ? t->port_macs[port] : 0;
}

#endif
