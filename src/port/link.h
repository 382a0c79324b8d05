/* SPDX-License-Identifier: MIT */
/*
 * link.h - an in-process link: two ports joined back to back, for wiring
 * one switch to another inside the dataplane without a kernel device.
 *
 * tx() on one end hands the packet pointers (no copy) to a bounded ring
 * that the other end's rx() drains. A full ring is a counted tx drop on the
 * sending end. Links have no fd: the dataplane asks link_pending() each turn.
 */
#ifndef DCBOX_PORT_LINK_H
#define DCBOX_PORT_LINK_H

#include <stdbool.h>

#include "../core/port.h"

enum { LINK_RING_DEFAULT = 1024 };

int link_pair_create(struct port *a, const char *name_a, struct port *b,
		     const char *name_b, struct pkt_pool *pool,
		     unsigned int ring_size);
bool link_pending(const struct port *port);
bool link_port_is(const struct port *port);
struct port *link_peer(const struct port *port);

#endif
