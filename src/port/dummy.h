/* SPDX-License-Identifier: MIT */
/*
 * dummy.h - a port backend for tests: frames the test injects come out of
 * rx(), frames the dataplane transmits are kept in a log the test inspects.
 *
 * No fd, no kernel, no root: node tests push hand-written frames through a
 * dummy port and compare what comes out (house style 16b). The injected
 * queue and the tx log are bounded; a full tx log is a counted tx drop.
 * Everything still queued or logged is returned to the pool on close.
 */
#ifndef DCBOX_PORT_DUMMY_H
#define DCBOX_PORT_DUMMY_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/port.h"

enum { DUMMY_QUEUE_DEFAULT = 1024 };

int dummy_port_open(struct port *port, const char *name,
		    struct pkt_pool *pool, unsigned int capacity);
int dummy_port_inject(struct port *port, struct pkt *p);
int dummy_port_inject_frame(struct port *port, const void *frame,
			    size_t len);
unsigned int dummy_port_rx_queued(const struct port *port);
unsigned int dummy_port_tx_count(const struct port *port);
struct pkt *dummy_port_tx_peek(const struct port *port, unsigned int i);
unsigned int dummy_port_tx_take(struct port *port, struct pkt **out,
				unsigned int max);
void dummy_port_tx_clear(struct port *port);
bool dummy_port_is(const struct port *port);

#endif
