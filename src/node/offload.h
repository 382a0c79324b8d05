/* SPDX-License-Identifier: MIT */
/*
 * offload.h - the switch fast path's control side: which known-unicast
 * conversations between two kernel-device ports the kernel forwards by
 * itself (src/port/tcbpf.c), and keeping MAC aging, port counters,
 * captures and mirrors right while it does.
 *
 * The switch offers each known-unicast frame between two offloadable ports
 * (offload_port_enable()); the first one of a flow (in port, VLAN, source,
 * destination) installs it in the kernel's flow map. From then on the
 * kernel forwards that flow and the daemon does not see it. A flow is
 * removed when either MAC moves or ages out, when a capture or mirror
 * starts on either port, and at offload_destroy(). offload_tick() (once a
 * second) adds the kernel's counters to the ports' stats, keeps source MACs
 * of busy flows alive in the switch and drops flows the switch no longer
 * agrees with. Everything runs on the dataplane thread.
 */
#ifndef DCBOX_OFFLOAD_H
#define DCBOX_OFFLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane.h"
#include "switch.h"

enum { OFFLOAD_MAX_FLOWS = 4096 };

/** struct offload_port_stats - what the fast path did for one port */
struct offload_port_stats {
	uint32_t flows; /* flows entering the kernel here */
	uint64_t rx_packets; /* frames it took from this port */
	uint64_t tx_packets; /* frames it sent out of this port */
};

struct offload;

struct offload *offload_create(struct dataplane *dp, uint32_t max_flows,
			       int *err);
void offload_destroy(struct offload *o);
int offload_switch(struct offload *o, struct switch_node *sw);
int offload_port_enable(struct offload *o, struct dp_port *dpp, int ifindex);
void offload_port_update(struct offload *o, struct dp_port *dpp);
void offload_tick(struct offload *o, uint64_t now_ns);
unsigned int offload_flush(struct offload *o);
unsigned int offload_flow_count(const struct offload *o);
void offload_port_stats(const struct offload *o, uint16_t port_id,
			struct offload_port_stats *st);

#endif
