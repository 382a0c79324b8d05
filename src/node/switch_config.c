// SPDX-License-Identifier: MIT
/*
 * switch_config.c - the L2 switch's control side: create and destroy a
 * switch, add ports, age and dump the MAC table, read counters.
 *
 * These run on the dataplane thread that owns the switch, between calls to
 * switch_input() (switch.c); nothing here is on the per-packet path, and
 * every allocation a switch makes happens in switch_create().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "switch.h"

enum { NSEC_PER_S = 1000000000 };

const char *const switch_counter_names[SWITCH_C_MAX] = {
#define X(e, n, d) [SWITCH_C_##e] = n,
	SWITCH_COUNTERS(X)
#undef X
};

const char *const switch_counter_descs[SWITCH_C_MAX] = {
#define X(e, n, d) [SWITCH_C_##e] = d,
	SWITCH_COUNTERS(X)
#undef X
};

/**
 * switch_create() - make a switch with no ports
 * @name: name shown to users, shorter than SWITCH_NAME_MAX
 * @pool: packet pool of the dataplane thread; drops and flood copies use it
 * @mac_capacity: MAC table entries, 0 for SWITCH_MAC_CAPACITY_DEFAULT
 * @aging_s: MAC aging in seconds, 0 for SWITCH_AGING_DEFAULT,
 *           SWITCH_AGING_NEVER to disable aging
 * @tx: called with each output batch
 * @ctx: passed to @tx
 *
 * Return: the switch, or NULL with errno set (EINVAL, ENAMETOOLONG, ENOMEM).
 */
struct switch_node *switch_create(const char *name, struct pkt_pool *pool,
				  uint32_t mac_capacity, uint32_t aging_s,
				  sw_tx_fn *tx, void *ctx)
{
	struct switch_node *sw;
	int rc;

	if (!name || !pool || !tx) {
		errno = EINVAL;
		return NULL;
	}
	if (strlen(name) >= SWITCH_NAME_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	/* aligned_alloc() wants a size that is a multiple of the alignment. */
	sw = aligned_alloc(64, (sizeof(*sw) + 63) & ~(size_t)63);
	if (!sw) {
		errno = ENOMEM;
		return NULL;
	}
	memset(sw, 0, sizeof(*sw));
	rc = mac_table_init(&sw->macs, mac_capacity ? mac_capacity :
				       SWITCH_MAC_CAPACITY_DEFAULT, aging_s);
	if (rc) {
		free(sw);
		errno = -rc;
		return NULL;
	}
	strcpy(sw->name, name);
	sw->pool = pool;
	sw->tx = tx;
	sw->ctx = ctx;
	return sw;
}

/**
 * switch_destroy() - free a switch; no packets are held between batches
 * @sw: the switch, or NULL
 */
void switch_destroy(struct switch_node *sw)
{
	if (!sw)
		return;
	mac_table_fini(&sw->macs);
	free(sw);
}

/**
 * switch_name() - the name given at creation
 * @sw: the switch
 *
 * Return: the name, owned by the switch.
 */
const char *switch_name(const struct switch_node *sw)
{
	return sw->name;
}

static int port_check(const struct sw_port_cfg *cfg)
{
	if (cfg->mode == SW_PORT_ACCESS)
		return cfg->vlan <= SWITCH_VLAN_MAX ? 0 : -EINVAL;
	if (cfg->mode != SW_PORT_TRUNK)
		return -EINVAL;
	return cfg->native_vlan <= SWITCH_VLAN_MAX ? 0 : -EINVAL;
}

/**
 * switch_port_add() - attach a port; its number is the next free one
 * @sw: the switch
 * @cfg: mode, VLANs, MAC limit and the dataplane port id. For a trunk,
 *       bits 0 and 4095 of @cfg->allowed are ignored; the native VLAN is
 *       carried (untagged) whether or not its bit is set.
 *
 * Return: the switch port number (0, 1, ...), or -EINVAL for a bad
 * configuration, -ENOSPC if the switch has SWITCH_MAX_PORTS ports.
 */
int switch_port_add(struct switch_node *sw, const struct sw_port_cfg *cfg)
{
	struct sw_port *port;
	int rc = port_check(cfg);

	if (rc)
		return rc;
	if (sw->nports >= SWITCH_MAX_PORTS)
		return -ENOSPC;
	port = &sw->ports[sw->nports];
	memset(port, 0, sizeof(*port));
	port->used = true;
	port->mode = cfg->mode;
	port->port_id = cfg->port_id;
	port->mac_limit = cfg->mac_limit;
	if (cfg->mode == SW_PORT_ACCESS) {
		port->vlan = cfg->vlan ? cfg->vlan : SWITCH_VLAN_DEFAULT;
	} else {
		port->native_vlan = cfg->native_vlan;
		memcpy(port->allowed, cfg->allowed, sizeof(port->allowed));
		port->allowed[0] &= ~1ULL;
		port->allowed[63] &= ~(1ULL << 63);
	}
	return sw->nports++;
}

/**
 * switch_age() - remove expired MAC entries; call about once a second
 * @sw: the switch
 * @now_ns: current time (CLOCK_MONOTONIC)
 *
 * Sweeps a bounded slice of the table per call (see mac_table.h); lookups
 * ignore expired entries whether or not they have been swept yet.
 */
void switch_age(struct switch_node *sw, uint64_t now_ns)
{
	uint32_t now_s = (uint32_t)(now_ns / NSEC_PER_S);

	sw->counters[SWITCH_C_AGED] += mac_table_age(&sw->macs, now_s);
}

/**
 * switch_set_aging() - change the MAC aging time at run time
 * @sw: the switch
 * @aging_s: seconds; 0 for SWITCH_AGING_DEFAULT, SWITCH_AGING_NEVER for none
 *
 * Applies at once to the entries already in the table.
 */
void switch_set_aging(struct switch_node *sw, uint32_t aging_s)
{
	mac_table_set_aging(&sw->macs, aging_s);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct sw_mac_entry *x = a, *y = b;

	if (x->vlan != y->vlan)
		return x->vlan < y->vlan ? -1 : 1;
	return memcmp(x->mac, y->mac, sizeof(x->mac));
}

/**
 * switch_mac_dump() - copy the live MAC entries, sorted by VLAN then MAC
 * @sw: the switch
 * @out: array of @max entries
 * @max: its length; switch_mac_count() entries are always enough
 * @now_ns: current time (CLOCK_MONOTONIC), for ages and expiry
 *
 * Return: the number of entries stored (at most @max; if the table holds
 * more, which ones are left out is unspecified).
 */
int switch_mac_dump(const struct switch_node *sw, struct sw_mac_entry *out,
		    unsigned int max, uint64_t now_ns)
{
	uint32_t now_s = (uint32_t)(now_ns / NSEC_PER_S);
	const struct mac_entry *e;
	uint32_t pos = 0;
	unsigned int n = 0;

	while (n < max && (e = mac_table_next(&sw->macs, &pos, now_s))) {
		mac_key_mac(e->key, out[n].mac);
		out[n].vlan = e->key.vlan;
		out[n].sw_port = e->port;
		out[n].age_s = now_s - e->seen_s;
		n++;
	}
	qsort(out, n, sizeof(*out), entry_cmp);
	return (int)n;
}

/**
 * switch_counters() - the switch's counters, indexed by enum switch_counter
 * @sw: the switch
 *
 * Return: SWITCH_C_MAX counters, owned by the switch, updated in place.
 */
const uint64_t *switch_counters(const struct switch_node *sw)
{
	return sw->counters;
}

/**
 * switch_port_macs() - MAC entries learned on a switch port
 * @sw: the switch
 * @sw_port: switch port number
 *
 * Return: the count; expired entries count until swept.
 */
unsigned int switch_port_macs(const struct switch_node *sw, uint16_t sw_port)
{
	return mac_table_port_macs(&sw->macs, sw_port);
}

/**
 * switch_mac_count() - entries in the MAC table, expired ones until swept
 * @sw: the switch
 *
 * Return: the count; an upper bound for switch_mac_dump().
 */
unsigned int switch_mac_count(const struct switch_node *sw)
{
	return sw->macs.count;
}

/**
 * switch_mac_flush() - forget every learned MAC
 * @sw: the switch
 *
 * Return: how many entries were removed.
 */
unsigned int switch_mac_flush(struct switch_node *sw)
{
	return mac_table_flush(&sw->macs);
}

/**
 * switch_mac_test_collide() - for tests: make every MAC key collide
 * @sw: a switch with an empty MAC table
 * @on: true for a constant hash, false for the normal one
 *
 * Return: 0, or -EBUSY if the table is not empty.
 */
int switch_mac_test_collide(struct switch_node *sw, bool on)
{
	return mac_table_test_collide(&sw->macs, on);
}

/**
 * switch_set_offload() - install (or, with NULLs, remove) the fast path
 * @sw: the switch
 * @offload: offered each known-unicast frame between offloadable ports
 * @gone: told about MACs that move or expire on the learn path
 * @ctx: passed to both
 *
 * Ports start not offloadable; see switch_port_set_offload().
 */
void switch_set_offload(struct switch_node *sw, sw_offload_fn *offload,
			sw_mac_gone_fn *gone, void *ctx)
{
	sw->offload = offload;
	sw->mac_gone = gone;
	sw->offload_ctx = ctx;
	if (!offload)
		memset(sw->offload_ports, 0, sizeof(sw->offload_ports));
}

/**
 * switch_port_set_offload() - may frames on @sw_port be offered to the
 * fast path (both ports of a frame must be)
 * @sw: the switch, with an offload function set
 * @sw_port: switch port number; ignored if out of range
 * @on: true to offer
 */
void switch_port_set_offload(struct switch_node *sw, uint16_t sw_port,
			     bool on)
{
	if (sw_port < sw->nports)
		sw->offload_ports[sw_port] = on && sw->offload;
}

/**
 * switch_mac_at() - is @mac in @vlan learned on @sw_port and not expired
 * @sw: the switch
 * @vlan: VLAN
 * @mac: MAC as a 48-bit number
 * @sw_port: switch port
 * @now_ns: current time (CLOCK_MONOTONIC)
 *
 * Return: true if so.
 */
bool switch_mac_at(const struct switch_node *sw, uint16_t vlan, uint64_t mac,
		   uint16_t sw_port, uint64_t now_ns)
{
	union mac_key k = { .raw = (uint64_t)vlan << 48 | mac };
	const struct mac_entry *e;

	e = mac_table_lookup(&sw->macs, k, (uint32_t)(now_ns / NSEC_PER_S));
	return e && e->port == sw_port;
}

/**
 * switch_mac_touch() - note that @mac was seen as a source on @sw_port at
 * @seen_ns, by a fast path the switch did not see; keeps it from aging
 * @sw: the switch
 * @vlan: VLAN
 * @mac: MAC as a 48-bit number
 * @sw_port: the port it must still be learned on (else nothing changes)
 * @seen_ns: when (CLOCK_MONOTONIC); older than the entry's time: no change
 */
void switch_mac_touch(struct switch_node *sw, uint16_t vlan, uint64_t mac,
		      uint16_t sw_port, uint64_t seen_ns)
{
	union mac_key k = { .raw = (uint64_t)vlan << 48 | mac };
	uint32_t seen_s = (uint32_t)(seen_ns / NSEC_PER_S);
	struct mac_entry *e = mac_table_find(&sw->macs, k);

	if (e && e->port == sw_port && !mac_entry_expired(&sw->macs, e,
							  seen_s) &&
	    (int32_t)(seen_s - e->seen_s) > 0)
		e->seen_s = seen_s;
}
