/* SPDX-License-Identifier: MIT */
/*
 * switch.h - the L2 switch node: MAC learning per VLAN with aging, flooding
 * within the VLAN, access and trunk ports, per-port MAC limits.
 *
 * A switch knows its ports only as small integers (0..nports-1) and a tx
 * callback; the dataplane owns the real struct port and does stats, mirrors
 * and captures in that callback. switch_input() consumes a batch received on
 * one switch port and calls tx once per output port per batch (never once
 * per packet). Frames leaving an access port are untagged; frames leaving a
 * trunk port carry an 802.1Q tag (except the native VLAN, if set).
 */
#ifndef DCBOX_SWITCH_H
#define DCBOX_SWITCH_H

#include <stdbool.h>
#include <stdint.h>
#include "../core/pkt.h"
#include "mac_table.h"

enum { SWITCH_MAX_PORTS = 256, SWITCH_VLAN_DEFAULT = 1 };

enum {
	SWITCH_VLAN_MAX = 4094,            /* highest usable VID */
	SWITCH_NAME_MAX = 64,              /* name buffer, NUL included */
	SWITCH_MAC_CAPACITY_DEFAULT = 8192,/* mac_capacity 0 at create */
	SWITCH_AGING_DEFAULT = MAC_AGING_DEFAULT, /* aging_s 0, in seconds */
	SWITCH_AGING_NEVER = UINT32_MAX,   /* aging_s: entries never expire */
};
_Static_assert((int)SWITCH_MAX_PORTS <= (int)MAC_TABLE_MAX_PORTS, "ports");

enum sw_port_mode { SW_PORT_ACCESS, SW_PORT_TRUNK };

/** struct sw_port_cfg - how a port attaches to the switch */
struct sw_port_cfg {
	enum sw_port_mode mode;
	uint16_t vlan;             /* access: its VLAN (0 means 1) */
	uint16_t native_vlan;      /* trunk: untagged frames' VLAN, 0 = drop */
	uint64_t allowed[64];      /* trunk: bitmap of VLANs 0..4095 */
	uint32_t mac_limit;        /* 0: no limit */
	uint16_t port_id;          /* dataplane port id passed back to tx */
};

/**
 * sw_tx_fn - hand @n packets to dataplane port @port_id; takes ownership
 */
typedef void sw_tx_fn(void *ctx, uint16_t port_id, struct pkt **pkts,
		      unsigned int n);

struct switch_node;

/**
 * struct sw_flow - a known-unicast decision the switch just made, offered
 * to a fast path (src/node/offload.c) that may do the same in the kernel
 * @src: source MAC, 48-bit number
 * @dst: destination MAC, 48-bit number
 * @vlan: the frame's VLAN
 * @in: switch port it came in on
 * @out: switch port it goes out of
 * @tagged_in: it arrived with an 802.1Q tag for @vlan (else untagged)
 * @tagged_out: it leaves tagged
 */
struct sw_flow {
	uint64_t src, dst;
	uint16_t vlan, in, out;
	bool tagged_in, tagged_out;
};

/**
 * sw_offload_fn - @f was forwarded between two ports marked offloadable
 * (switch_port_set_offload()); called per such frame, so must be cheap
 * for a flow already known
 */
typedef void sw_offload_fn(void *ctx, struct switch_node *sw,
			   const struct sw_flow *f);

/**
 * sw_mac_gone_fn - the entry for @mac in @vlan moved or expired: flows
 * with it as source or destination are no longer right
 */
typedef void sw_mac_gone_fn(void *ctx, struct switch_node *sw, uint16_t vlan,
			    uint64_t mac);

/** struct sw_mac_entry - one MAC table entry as shown to users */
struct sw_mac_entry {
	uint8_t mac[6];
	uint16_t vlan;
	uint16_t sw_port;
	uint32_t age_s;
};

/*
 * Counters of the switch, one X-macro so the enum, the JSON names and the
 * log text never disagree. The helper owning switch.c may add entries.
 */
#define SWITCH_COUNTERS(X)                                              \
	X(FORWARDED, "forwarded", "frames sent to one known port")      \
	X(FLOODED, "flooded", "frames flooded in their VLAN")           \
	X(LEARNED, "learned", "MAC entries learned")                    \
	X(MOVED, "moved", "MAC entries that moved to another port")    \
	X(AGED, "aged", "MAC entries removed by aging")                 \
	X(DROP_VLAN, "drop_vlan", "dropped: VLAN not allowed on port")  \
	X(DROP_LIMIT, "drop_mac_limit", "dropped: port MAC limit hit")  \
	X(DROP_TABLE_FULL, "drop_table_full", "not learned: table full")\
	X(DROP_SHORT, "drop_short", "dropped: truncated frame")         \
	X(DROP_SRC_MCAST, "drop_src_mcast", "dropped: multicast source")\
	X(DROP_SAME_PORT, "drop_same_port", "dropped: dest is in port") \
	X(DROP_NOMEM, "drop_nomem", "dropped: pool empty on flood")    \
	X(DROP_NO_DEST, "drop_no_dest", "dropped: no other port in VLAN")\
	X(DROP_TAG, "drop_tag", "dropped: no headroom to push a tag")   \
	X(DROP_NO_PORT, "drop_no_port", "dropped: input port not in switch")

enum switch_counter {
#define X(e, n, d) SWITCH_C_##e,
	SWITCH_COUNTERS(X)
#undef X
	SWITCH_C_MAX
};

extern const char *const switch_counter_names[SWITCH_C_MAX];
extern const char *const switch_counter_descs[SWITCH_C_MAX];

struct switch_node *switch_create(const char *name, struct pkt_pool *pool,
				  uint32_t mac_capacity, uint32_t aging_s,
				  sw_tx_fn *tx, void *ctx);
void switch_destroy(struct switch_node *sw);
const char *switch_name(const struct switch_node *sw);
int switch_port_add(struct switch_node *sw, const struct sw_port_cfg *cfg);
void switch_input(struct switch_node *sw, uint16_t sw_port,
		  struct pkt **pkts, unsigned int n, uint64_t now_ns);
void switch_age(struct switch_node *sw, uint64_t now_ns);
void switch_set_aging(struct switch_node *sw, uint32_t aging_s);
int switch_mac_dump(const struct switch_node *sw, struct sw_mac_entry *out,
		    unsigned int max, uint64_t now_ns);
const uint64_t *switch_counters(const struct switch_node *sw);
unsigned int switch_port_macs(const struct switch_node *sw, uint16_t sw_port);
unsigned int switch_mac_count(const struct switch_node *sw);
unsigned int switch_mac_flush(struct switch_node *sw);
int switch_mac_test_collide(struct switch_node *sw, bool on);
void switch_set_offload(struct switch_node *sw, sw_offload_fn *offload,
			sw_mac_gone_fn *gone, void *ctx);
void switch_port_set_offload(struct switch_node *sw, uint16_t sw_port,
			     bool on);
bool switch_mac_at(const struct switch_node *sw, uint16_t vlan, uint64_t mac,
		   uint16_t sw_port, uint64_t now_ns);
void switch_mac_touch(struct switch_node *sw, uint16_t vlan, uint64_t mac,
		      uint16_t sw_port, uint64_t seen_ns);

/*
 * Internal: the definitions below are shared by switch.c (per packet) and
 * switch_config.c (control side) only. Everyone else uses the functions.
 */

/* struct sw_port - a port as the per-packet path sees it */
struct sw_port {
	bool used;
	enum sw_port_mode mode;
	uint16_t vlan;             /* access: VLAN */
	uint16_t native_vlan;      /* trunk: 0 = untagged frames dropped */
	uint16_t port_id;          /* dataplane port id for tx */
	uint32_t mac_limit;        /* 0: none */
	uint64_t allowed[64];      /* trunk: VIDs 1..4094 carried tagged */
};

/*
 * struct switch_node - one switch. Single-threaded: the dataplane thread
 * that calls switch_input() also calls switch_age() and the dump; the
 * control side changes ports only between batches on that thread.
 */
struct switch_node {
	char name[SWITCH_NAME_MAX];
	struct pkt_pool *pool;     /* where drops and flood clones go */
	sw_tx_fn *tx;
	void *ctx;
	uint16_t nports;           /* ports 0..nports-1 exist */
	uint16_t nactive;          /* output batches touched this call */
	uint16_t active[SWITCH_MAX_PORTS];
	uint8_t queued[SWITCH_MAX_PORTS]; /* port is on @active */
	uint64_t counters[SWITCH_C_MAX];
	sw_offload_fn *offload;    /* fast path, or NULL */
	sw_mac_gone_fn *mac_gone;
	void *offload_ctx;
	uint8_t offload_ports[SWITCH_MAX_PORTS]; /* 1: may be offloaded */
	struct mac_table macs;
	struct sw_port ports[SWITCH_MAX_PORTS];
	struct pkt_batch out[SWITCH_MAX_PORTS];
};

#endif
