/* SPDX-License-Identifier: MIT */
/*
 * dataplane.h - the graph runner: ports, the switch each feeds, mirrors
 * and live captures, and the per-turn poll of every port.
 *
 * The dataplane owns the packet pool and a table of struct dp_port, each
 * wrapping a backend struct port (afpacket, tap, link, dummy). A frame's
 * path is: backend rx -> rx mirror/capture -> the input of the node the
 * port is bound to (switch_input() for a switch port) -> dp_tx() (the
 * node's tx callback) -> tx mirror/capture -> backend tx.
 * Mirrors and captures live here, not in the switch, so any port (a host, a
 * VM, an inter-switch link) can be mirrored the same way. A port with a
 * capture or mirror is never offloaded to the kernel fast path (offload.h):
 * adding one removes the port's kernel flows first.
 */
#ifndef DCBOX_DATAPLANE_H
#define DCBOX_DATAPLANE_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/pkt.h"
#include "../core/port.h"
#include "switch.h"

enum {
	DP_MAX_PORTS = 1024,
	DP_MAX_SWITCHES = 64,
	DP_MAX_CAPTURES = 4,       /* live captures per port */
	DP_MAX_MIRRORS = 4,        /* mirror destinations per port */
	DP_POOL_DEFAULT = 8192,
	DP_LINK_ROUNDS = 16,       /* max passes over links per turn */
};

enum dp_dir { DP_DIR_IN = 1, DP_DIR_OUT = 2, DP_DIR_BOTH = 3 };

/**
 * dp_capture_fn - a frame seen on a captured port (in or out)
 * @ctx: the capture's context
 * @p: the frame; read only, valid during the call only
 * @dir: DP_DIR_IN or DP_DIR_OUT
 *
 * Return: false to end the capture (its slot is freed after the call).
 */
typedef bool dp_capture_fn(void *ctx, const struct pkt *p, enum dp_dir dir);

/** struct dp_capture - one live capture on a port */
struct dp_capture {
	dp_capture_fn *fn;         /* NULL: slot free */
	void *ctx;
	uint8_t dir;
};

/** struct dp_mirror - copy frames of this port to another port */
struct dp_mirror {
	uint16_t to;               /* dataplane port id */
	uint8_t dir;               /* 0: slot free */
};

/**
 * dp_input_fn - a node's entry point: frames received on its port @node_port
 * @node: the node (switch, router, ...)
 * @node_port: the node's own number for the port
 * @pkts: the frames; ownership passes to the node
 * @n: how many, at most PKT_BURST
 * @now_ns: the loop's current monotonic time
 */
typedef void dp_input_fn(void *node, uint16_t node_port, struct pkt **pkts,
			 unsigned int n, uint64_t now_ns);

struct offload;

/** struct dp_port - a port as the dataplane sees it */
struct dp_port {
	struct port port;          /* backend; port.id is the table index */
	dp_input_fn *input;        /* node fed by this port, or NULL */
	void *node;
	uint16_t node_port;
	struct switch_node *sw;    /* the node if it is a switch, or NULL */
	uint16_t sw_port;          /* index on that switch */
	bool polled;               /* no fd: poll every turn (links) */
	struct dp_mirror mirrors[DP_MAX_MIRRORS];
	struct dp_capture caps[DP_MAX_CAPTURES];
	uint8_t ncaps;
	bool no_offload;           /* mirrored or a mirror's destination */
	struct offload *offload;   /* kernel fast path (offload.c) or NULL */
	uint64_t mirror_drops;     /* copies lost: pool empty */
};

/** struct dataplane - everything the forwarding thread touches */
struct dataplane {
	struct pkt_pool pool;
	struct dp_port *ports[DP_MAX_PORTS];
	uint16_t nports;
	uint16_t polled[DP_MAX_PORTS]; /* ids of fd-less ports (links) */
	uint16_t npolled;
	uint64_t now_ns;
	uint64_t turns;            /* loop turns that moved frames */
};

int dp_init(struct dataplane *dp, uint32_t pool_size);
void dp_fini(struct dataplane *dp);
struct dp_port *dp_port_new(struct dataplane *dp, const char *name);
struct dp_port *dp_port_find(struct dataplane *dp, const char *name);
int dp_port_attach(struct dataplane *dp, struct dp_port *dpp,
		   struct switch_node *sw, const struct sw_port_cfg *cfg);
void dp_port_bind(struct dataplane *dp, struct dp_port *dpp,
		  dp_input_fn *input, void *node, uint16_t node_port);
int dp_mirror_add(struct dataplane *dp, struct dp_port *from,
		  struct dp_port *to, enum dp_dir dir);
int dp_capture_add(struct dp_port *dpp, dp_capture_fn *fn, void *ctx,
		   enum dp_dir dir);
void dp_capture_del(struct dp_port *dpp, void *ctx);
unsigned int dp_port_poll(struct dataplane *dp, struct dp_port *dpp);
bool dp_poll_links(struct dataplane *dp);
sw_tx_fn dp_tx;

#endif
