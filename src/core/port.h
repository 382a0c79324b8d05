/* SPDX-License-Identifier: MIT */
/*
 * port.h - the interface every port backend implements.
 *
 * A port moves frames between the outside (a veth, a TAP, a capture, a test
 * harness) and the dataplane. Backends (src/port/afpacket.c, tap.c,
 * dummy.c, ...) fill a struct port_ops; the dataplane only calls through it.
 *
 * rx() fills up to @max packets taken from the pool and returns how many
 * (0 when nothing is waiting; never blocks). tx() takes ownership of every
 * packet passed: sent ones and dropped ones are returned to the pool, and it
 * returns the number actually sent. Both are called from the dataplane thread
 * only. fd() is the descriptor the event loop waits on for rx readiness, or
 * -1 for a port that is never polled (a dummy fed by tests).
 */
#ifndef DCBOX_PORT_H
#define DCBOX_PORT_H

#include <stdint.h>
#include "pkt.h"

enum { PORT_NAME_MAX = 32 };

/** struct port_stats - counters a user sees in `dcbox show ports` */
struct port_stats {
	uint64_t rx_packets, rx_bytes;
	uint64_t tx_packets, tx_bytes;
	uint64_t rx_dropped;      /* pool empty or frame malformed */
	uint64_t tx_dropped;      /* kernel refused or queue full */
};

struct port;

/** struct port_ops - backend vtable, see the file comment for contracts */
struct port_ops {
	const char *kind;
	int (*rx)(struct port *port, struct pkt_pool *pool, struct pkt **pkts,
		  unsigned int max);
	int (*tx)(struct port *port, struct pkt_pool *pool, struct pkt **pkts,
		  unsigned int n);
	int (*fd)(const struct port *port);
	void (*close)(struct port *port);
};

/** struct port - one port; backends embed it or hang state off @priv */
struct port {
	const struct port_ops *ops;
	char name[PORT_NAME_MAX];
	uint16_t id;               /* index in the dataplane's port table */
	struct port_stats stats;
	void *priv;                /* backend state */
};

#endif
