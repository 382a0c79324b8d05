// SPDX-License-Identifier: MIT
/*
 * mac_table.c - the MAC table's changes: create, insert, move, remove with
 * backward shift, the bounded aging sweep, and iteration for dumps. The
 * per-packet lookup is inline in mac_table.h; the theory of operation is
 * there too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "mac_table.h"

static uint32_t slots_for(uint32_t capacity)
{
	uint32_t n = 16;

	while (n < 2 * capacity)
		n <<= 1;
	return n;
}

static uint64_t random_seed(void)
{
	uint64_t seed;
	struct timespec ts;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		return seed;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^
	       (uint64_t)ts.tv_sec;
}

/**
 * mac_table_init() - allocate an empty table
 * @t: table to fill
 * @capacity: most entries, 1..MAC_TABLE_MAX_CAPACITY
 * @aging_s: seconds after which an unseen entry expires; 0 means
 *           MAC_AGING_DEFAULT, UINT32_MAX means never
 *
 * Return: 0, -EINVAL for a bad capacity, -ENOMEM.
 */
int mac_table_init(struct mac_table *t, uint32_t capacity, uint32_t aging_s)
{
	uint32_t n, i;

	memset(t, 0, sizeof(*t));
	if (!capacity || capacity > MAC_TABLE_MAX_CAPACITY)
		return -EINVAL;
	n = slots_for(capacity);
	t->slots = aligned_alloc(64, (size_t)n * sizeof(*t->slots));
	if (!t->slots)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		t->slots[i] = (struct mac_entry){ .port = MAC_PORT_NONE };
	t->mask = n - 1;
	t->capacity = capacity;
	t->seed = random_seed();
	t->hash_keep = UINT64_MAX;
	mac_table_set_aging(t, aging_s);
	return 0;
}

/**
 * mac_table_fini() - free a table's memory
 * @t: table from mac_table_init(), or zeroed
 */
void mac_table_fini(struct mac_table *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/**
 * mac_table_test_collide() - for tests: hash every key to the same slot
 * @t: an empty table
 * @on: true to force collisions, false for the normal hash
 *
 * The common slot is the third from the end, so that probes wrap around.
 *
 * Return: 0, or -EBUSY if the table is not empty (entries would be lost).
 */
int mac_table_test_collide(struct mac_table *t, bool on)
{
	if (t->count)
		return -EBUSY;
	t->hash_keep = on ? 0 : UINT64_MAX;
	t->hash_base = on ? t->mask - 2 : 0;
	return 0;
}

/**
 * mac_table_set_aging() - change the aging time; applies to existing entries
 * @t: the table
 * @aging_s: seconds; 0 means MAC_AGING_DEFAULT, UINT32_MAX means never
 */
void mac_table_set_aging(struct mac_table *t, uint32_t aging_s)
{
	t->aging_s = aging_s ? aging_s : MAC_AGING_DEFAULT;
}

/**
 * mac_table_insert() - add a new entry
 * @t: the table
 * @key: VLAN and MAC, not in the table
 * @port: switch port, below MAC_TABLE_MAX_PORTS
 * @now_s: current time in seconds
 *
 * Return: 0, -ENOSPC if the table is at capacity, -EEXIST if @key is
 * already there, -EINVAL for a bad port.
 */
int mac_table_insert(struct mac_table *t, union mac_key key, uint16_t port,
		     uint32_t now_s)
{
	uint32_t i;

	if (port >= MAC_TABLE_MAX_PORTS)
		return -EINVAL;
	for (i = mac_table_hash(t, key); t->slots[i].port != MAC_PORT_NONE;
	     i = (i + 1) & t->mask) {
		if (t->slots[i].key.raw == key.raw)
			return -EEXIST;
	}
	if (t->count >= t->capacity)
		return -ENOSPC;
	t->slots[i] = (struct mac_entry){ .key = key, .seen_s = now_s,
					  .port = port };
	t->count++;
	t->port_macs[port]++;
	return 0;
}

/**
 * mac_table_move() - point an entry at another port and refresh it
 * @t: the table
 * @e: an entry in use
 * @port: new switch port, below MAC_TABLE_MAX_PORTS
 * @now_s: current time in seconds
 */
void mac_table_move(struct mac_table *t, struct mac_entry *e, uint16_t port,
		    uint32_t now_s)
{
	if (port >= MAC_TABLE_MAX_PORTS)
		return;
	t->port_macs[e->port]--;
	t->port_macs[port]++;
	e->port = port;
	e->seen_s = now_s;
}

/*
 * May the entry at slot @at, whose hash is @home, move back into @hole? Not
 * if @home lies cyclically in (hole, at]: a lookup would then start past it.
 */
static bool may_fill(uint32_t hole, uint32_t home, uint32_t at, uint32_t mask)
{
	return ((at - home) & mask) >= ((at - hole) & mask);
}

/**
 * mac_table_remove() - delete an entry, shifting its successors back
 * @t: the table
 * @e: an entry in use; the slot may hold another entry afterwards
 */
void mac_table_remove(struct mac_table *t, struct mac_entry *e)
{
	uint32_t hole = (uint32_t)(e - t->slots);
	uint32_t i = hole;

	t->port_macs[e->port]--;
	t->count--;
	for (;;) {
		struct mac_entry *n;

		i = (i + 1) & t->mask;
		n = &t->slots[i];
		if (n->port == MAC_PORT_NONE)
			break;
		if (!may_fill(hole, mac_table_hash(t, n->key), i, t->mask))
			continue;
		t->slots[hole] = *n;
		hole = i;
	}
	t->slots[hole] = (struct mac_entry){ .port = MAC_PORT_NONE };
}

/**
 * mac_table_age() - remove expired entries from the next slice of slots
 * @t: the table
 * @now_s: current time in seconds
 *
 * Looks at slots / MAC_SWEEP_PASS slots, but at least MAC_SWEEP_MIN and
 * at most MAC_SWEEP_MAX, so a call costs a bounded time whatever the table
 * size; call it about once a second.
 *
 * Return: number of entries removed.
 */
unsigned int mac_table_age(struct mac_table *t, uint32_t now_s)
{
	uint32_t nslots = t->mask + 1;
	uint32_t budget = nslots / MAC_SWEEP_PASS;
	unsigned int removed = 0;
	uint32_t i = t->sweep;

	if (budget < MAC_SWEEP_MIN)
		budget = MAC_SWEEP_MIN;
	if (budget > MAC_SWEEP_MAX)
		budget = MAC_SWEEP_MAX;
	if (budget > nslots)
		budget = nslots;
	while (budget--) {
		struct mac_entry *e = &t->slots[i];

		/* Backward shift may refill slot i: look at it again. */
		while (e->port != MAC_PORT_NONE &&
		       mac_entry_expired(t, e, now_s)) {
			mac_table_remove(t, e);
			removed++;
		}
		i = (i + 1) & t->mask;
	}
	t->sweep = i;
	return removed;
}

/**
 * mac_table_flush() - remove every entry
 * @t: the table
 *
 * Return: number of entries removed.
 */
unsigned int mac_table_flush(struct mac_table *t)
{
	unsigned int n = t->count;
	uint32_t i;

	for (i = 0; i <= t->mask; i++)
		t->slots[i] = (struct mac_entry){ .port = MAC_PORT_NONE };
	memset(t->port_macs, 0, sizeof(t->port_macs));
	t->count = 0;
	return n;
}

/**
 * mac_table_next() - iterate over live entries in slot order
 * @t: the table, not changed during the iteration
 * @pos: cursor, 0 to start; advanced past the entry returned
 * @now_s: current time in seconds; expired entries are skipped
 *
 * Return: the next live entry, or NULL at the end.
 */
const struct mac_entry *mac_table_next(const struct mac_table *t,
				       uint32_t *pos, uint32_t now_s)
{
	while (*pos <= t->mask) {
		const struct mac_entry *e = &t->slots[(*pos)++];

		if (e->port != MAC_PORT_NONE &&
		    !mac_entry_expired(t, e, now_s))
			return e;
	}
	return NULL;
}
