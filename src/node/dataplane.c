// SPDX-License-Identifier: MIT
/*
 * dataplane.c - per-turn forwarding: poll a port, feed its switch, and
 * deliver the switch's per-port output batches with mirrors and captures.
 *
 * The dataplane is single-threaded: the daemon's event loop calls
 * dp_port_poll() for a port whose fd is readable and dp_poll_links() once
 * per turn for in-process links (they have no fd). Mirrors clone frames
 * (pool permitting: a failed clone is counted, never blocks forwarding);
 * captures see each frame read-only before it moves on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane.h"
#include "offload.h"

/* a capture or mirror changed on @dpp: the fast path must (not) skip it */
static void offload_update(struct dp_port *dpp)
{
	if (dpp->offload)
		offload_port_update(dpp->offload, dpp);
}

/**
 * dp_init() - empty dataplane with a pool of @pool_size buffers
 * @dp: dataplane to set up
 * @pool_size: buffers; DP_POOL_DEFAULT if 0
 *
 * Return: 0 or -errno.
 */
int dp_init(struct dataplane *dp, uint32_t pool_size)
{
	memset(dp, 0, sizeof(*dp));
	return pkt_pool_init(&dp->pool, pool_size ? pool_size : DP_POOL_DEFAULT);
}

/**
 * dp_fini() - close every port and free the pool; switches are the
 * caller's (they may be shared with its tables)
 * @dp: dataplane
 */
void dp_fini(struct dataplane *dp)
{
	uint16_t i;

	for (i = 0; i < dp->nports; i++) {
		struct dp_port *dpp = dp->ports[i];

		if (dpp->port.ops && dpp->port.ops->close)
			dpp->port.ops->close(&dpp->port);
		free(dpp);
	}
	dp->nports = 0;
	pkt_pool_fini(&dp->pool);
}

/**
 * dp_port_new() - add a port slot named @name; the caller opens a backend
 * into its .port (keeping .port.id and .port.name)
 * @dp: dataplane
 * @name: unique port name
 *
 * Return: the new port, or NULL (table full, duplicate name, no memory).
 */
struct dp_port *dp_port_new(struct dataplane *dp, const char *name)
{
	struct dp_port *dpp;

	if (dp->nports >= DP_MAX_PORTS || dp_port_find(dp, name) ||
	    strlen(name) >= PORT_NAME_MAX)
		return NULL;
	dpp = calloc(1, sizeof(*dpp));
	if (!dpp)
		return NULL;
	dpp->port.id = dp->nports;
	strcpy(dpp->port.name, name);
	dp->ports[dp->nports++] = dpp;
	return dpp;
}

/**
 * dp_port_find() - port by name
 * @dp: dataplane
 * @name: port name
 *
 * Return: the port or NULL.
 */
struct dp_port *dp_port_find(struct dataplane *dp, const char *name)
{
	uint16_t i;

	for (i = 0; i < dp->nports; i++)
		if (!strcmp(dp->ports[i]->port.name, name))
			return dp->ports[i];
	return NULL;
}

static void switch_in(void *node, uint16_t node_port, struct pkt **pkts,
		      unsigned int n, uint64_t now_ns)
{
	switch_input(node, node_port, pkts, n, now_ns);
}

/**
 * dp_port_bind() - feed frames received on @dpp to a node
 * @dp: dataplane (remembers fd-less ports, polled every turn)
 * @dpp: the port, its backend open
 * @input: the node's entry point
 * @node: the node
 * @node_port: the node's number for this port
 */
void dp_port_bind(struct dataplane *dp, struct dp_port *dpp,
		  dp_input_fn *input, void *node, uint16_t node_port)
{
	dpp->input = input;
	dpp->node = node;
	dpp->node_port = node_port;
	if (dpp->polled || dpp->port.ops->fd(&dpp->port) >= 0)
		return;
	dpp->polled = true;
	dp->polled[dp->npolled++] = dpp->port.id;
}

/**
 * dp_port_attach() - make @dpp a port of switch @sw
 * @dp: dataplane
 * @dpp: a port whose backend is open
 * @sw: the switch
 * @cfg: access/trunk configuration; port_id is filled in here
 *
 * Return: 0 or -errno from switch_port_add().
 */
int dp_port_attach(struct dataplane *dp, struct dp_port *dpp,
		   struct switch_node *sw, const struct sw_port_cfg *cfg)
{
	struct sw_port_cfg c = *cfg;
	int idx;

	c.port_id = dpp->port.id;
	idx = switch_port_add(sw, &c);
	if (idx < 0)
		return idx;
	dpp->sw = sw;
	dpp->sw_port = (uint16_t)idx;
	dp_port_bind(dp, dpp, switch_in, sw, (uint16_t)idx);
	return 0;
}

/**
 * dp_mirror_add() - copy frames of @from (direction @dir) to @to
 * @dp: dataplane
 * @from: mirrored port
 * @to: destination port (frames are sent there as they are)
 * @dir: which frames: in, out or both
 *
 * Return: 0, -EINVAL for a port mirrored to itself, -ENOSPC when full.
 */
int dp_mirror_add(struct dataplane *dp, struct dp_port *from,
		  struct dp_port *to, enum dp_dir dir)
{
	unsigned int i;

	(void)dp;
	if (from == to)
		return -EINVAL;
	for (i = 0; i < DP_MAX_MIRRORS; i++) {
		if (!from->mirrors[i].dir) {
			from->mirrors[i].to = to->port.id;
			from->mirrors[i].dir = (uint8_t)dir;
			from->no_offload = to->no_offload = true;
			offload_update(from);
			offload_update(to);
			return 0;
		}
	}
	return -ENOSPC;
}

/**
 * dp_capture_add() - start a live capture on @dpp
 * @dpp: the port
 * @fn: called for every frame in direction @dir
 * @ctx: its context, also the key for dp_capture_del()
 * @dir: in, out or both
 *
 * Return: 0, or -ENOSPC when DP_MAX_CAPTURES are running.
 */
int dp_capture_add(struct dp_port *dpp, dp_capture_fn *fn, void *ctx,
		   enum dp_dir dir)
{
	unsigned int i;

	for (i = 0; i < DP_MAX_CAPTURES; i++) {
		if (!dpp->caps[i].fn) {
			dpp->caps[i] = (struct dp_capture){ fn, ctx, dir };
			dpp->ncaps++;
			offload_update(dpp);
			return 0;
		}
	}
	return -ENOSPC;
}

/**
 * dp_capture_del() - stop the capture whose context is @ctx
 * @dpp: the port
 * @ctx: context given to dp_capture_add()
 */
void dp_capture_del(struct dp_port *dpp, void *ctx)
{
	unsigned int i;

	for (i = 0; i < DP_MAX_CAPTURES; i++) {
		if (dpp->caps[i].fn && dpp->caps[i].ctx == ctx) {
			dpp->caps[i].fn = NULL;
			dpp->ncaps--;
		}
	}
	offload_update(dpp);
}

static void capture(struct dp_port *dpp, struct pkt **pkts, unsigned int n,
		    enum dp_dir dir)
{
	unsigned int i, c;

	for (c = 0; c < DP_MAX_CAPTURES; c++) {
		struct dp_capture *cap = &dpp->caps[c];

		if (!cap->fn || !(cap->dir & dir))
			continue;
		for (i = 0; i < n; i++) {
			if (!cap->fn(cap->ctx, pkts[i], dir)) {
				cap->fn = NULL;
				dpp->ncaps--;
				offload_update(dpp);
				break;
			}
		}
	}
}

static void tx_raw(struct dataplane *dp, struct dp_port *dpp,
		   struct pkt **pkts, unsigned int n)
{
	if (dpp->ncaps)
		capture(dpp, pkts, n, DP_DIR_OUT);
	dpp->port.ops->tx(&dpp->port, &dp->pool, pkts, n);
}

static void mirror(struct dataplane *dp, struct dp_port *dpp,
		   struct pkt **pkts, unsigned int n, enum dp_dir dir)
{
	struct pkt *copies[PKT_BURST];
	unsigned int i, m, k;

	for (m = 0; m < DP_MAX_MIRRORS; m++) {
		struct dp_mirror *mi = &dpp->mirrors[m];

		if (!(mi->dir & dir))
			continue;
		for (i = 0, k = 0; i < n; i++) {
			copies[k] = pkt_clone(&dp->pool, pkts[i]);
			if (copies[k])
				k++;
			else
				dpp->mirror_drops++;
		}
		if (k)
			tx_raw(dp, dp->ports[mi->to], copies, k);
	}
}

static bool has_mirror(const struct dp_port *dpp)
{
	unsigned int m;

	for (m = 0; m < DP_MAX_MIRRORS; m++)
		if (dpp->mirrors[m].dir)
			return true;
	return false;
}

/**
 * dp_tx() - the switches' tx callback: deliver @n frames to port @port_id
 * @ctx: the struct dataplane
 * @port_id: dataplane port id
 * @pkts: frames, ownership passes to the port
 * @n: how many, at most PKT_BURST
 */
void dp_tx(void *ctx, uint16_t port_id, struct pkt **pkts, unsigned int n)
{
	struct dataplane *dp = ctx;
	struct dp_port *dpp = dp->ports[port_id];

	if (has_mirror(dpp))
		mirror(dp, dpp, pkts, n, DP_DIR_OUT);
	tx_raw(dp, dpp, pkts, n);
}

/**
 * dp_port_poll() - receive one batch on @dpp and forward it
 * @dp: dataplane
 * @dpp: the port
 *
 * Return: frames received (PKT_BURST means more may be waiting).
 */
unsigned int dp_port_poll(struct dataplane *dp, struct dp_port *dpp)
{
	struct pkt *pkts[PKT_BURST];
	int n;

	n = dpp->port.ops->rx(&dpp->port, &dp->pool, pkts, PKT_BURST);
	if (n <= 0)
		return 0;
	if (dpp->ncaps)
		capture(dpp, pkts, (unsigned int)n, DP_DIR_IN);
	if (has_mirror(dpp))
		mirror(dp, dpp, pkts, (unsigned int)n, DP_DIR_IN);
	if (!dpp->input) {
		pkt_free_bulk(&dp->pool, pkts, (unsigned int)n);
		return (unsigned int)n;
	}
	dpp->input(dpp->node, dpp->node_port, pkts, (unsigned int)n,
		   dp->now_ns);
	dp->turns++;
	return (unsigned int)n;
}

/**
 * dp_poll_links() - forward what waits on fd-less ports (in-process links)
 * @dp: dataplane
 *
 * Passes over the links until they are empty or DP_LINK_ROUNDS passes.
 *
 * Return: true if frames are still waiting (the loop should not block).
 */
bool dp_poll_links(struct dataplane *dp)
{
	unsigned int round, moved = 0;
	uint16_t i;

	for (round = 0; round < DP_LINK_ROUNDS; round++) {
		moved = 0;
		for (i = 0; i < dp->npolled; i++)
			moved += dp_port_poll(dp, dp->ports[dp->polled[i]]);
		if (!moved)
			return false;
	}
	return moved != 0;
}
