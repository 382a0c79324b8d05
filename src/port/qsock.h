/* SPDX-License-Identifier: MIT */
/*
 * qsock.h - QEMU socket ports: a VM joins a dcbox switch through a unix
 * socket that dcbox listens on, the way QEMU's own socket netdevs work,
 * with no TAP and no root on the QEMU side.
 *
 * QSOCK_STREAM: dcbox listens on a SOCK_STREAM socket; QEMU connects with
 * `-netdev stream,id=n0,server=off,addr.type=unix,addr.path=PATH`. Every
 * frame on the byte stream, either way, is a 4-byte big-endian length and
 * then that many bytes of Ethernet frame (QEMU net/stream.c).
 *
 * QSOCK_DGRAM: dcbox binds a SOCK_DGRAM socket; QEMU sends from its own
 * bound socket with `-netdev dgram,id=n0,local.type=unix,local.path=VMSOCK,
 * remote.type=unix,remote.path=PATH`. One frame per datagram, no length
 * prefix; dcbox learns where to send from the first datagram (recvfrom).
 *
 * One VM at a time: a second stream connection is accepted and closed at
 * once with a log line; datagrams from another sender are dropped while
 * the VM's socket is alive. When the VM goes away the port stays and waits
 * for it to come back; frames for it meanwhile are counted drops. Frames
 * carry no virtio-net header on these sockets, so partial checksums are
 * completed and TSO super-frames segmented before they are sent to the VM.
 *
 * The socket file gets mode 0660 (cfg.mode), its directory is created,
 * a stale socket file (nobody listening) is replaced, and a path where
 * something listens is refused with -EADDRINUSE. close() removes the file
 * if it is still the one dcbox bound.
 */
#ifndef DCBOX_PORT_QSOCK_H
#define DCBOX_PORT_QSOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/port.h"

enum {
	QSOCK_PATH_MAX = 108, /* sizeof(sun_path), incl. NUL */
	QSOCK_FRAME_MAX = PKT_DATA_MAX, /* longer length prefix: protocol
					 * error, the connection is dropped */
};

/** enum qsock_type - QEMU's framing: `-netdev stream` or `-netdev dgram` */
enum qsock_type { QSOCK_STREAM, QSOCK_DGRAM };

/**
 * QSOCK_DROPS(X) - X(ENUM_SUFFIX, counter_name, "log text"): why a frame
 * was dropped on a socket port. Each drop also counts in port_stats
 * rx_dropped or tx_dropped.
 */
#define QSOCK_DROPS(X)                                                         \
	X(NOT_CONNECTED, "not_connected", "tx: no VM is connected")            \
	X(SOCK_FULL, "sock_full", "tx: the VM's socket buffer is full")        \
	X(SOCK_ERROR, "sock_error", "tx: the socket refused the frame")        \
	X(GSO, "gso", "tx: a GSO frame that cannot be segmented")              \
	X(RUNT, "runt", "rx: frame shorter than an Ethernet header")           \
	X(OVERSIZE, "oversize", "rx: frame longer than the largest frame")     \
	X(POOL_EMPTY, "pool_empty", "rx: no packet buffer free")               \
	X(FOREIGN, "foreign_sender",                                           \
	  "rx: datagram from another socket than the VM's")                    \
	X(UNNAMED, "unnamed_sender",                                           \
	  "rx: datagram from an unbound socket, no address to answer")

#define QSOCK_DROP_ENUM(e, name, text) QSOCK_DROP_##e,
/** enum qsock_drop - drop reasons, see QSOCK_DROPS() */
enum qsock_drop { QSOCK_DROPS(QSOCK_DROP_ENUM) QSOCK_DROP_N };
#undef QSOCK_DROP_ENUM

/** struct qsock_stats - socket-port counters beyond struct port_stats */
struct qsock_stats {
	uint64_t drops[QSOCK_DROP_N];
	uint64_t connects; /* VMs connected (stream) or adopted */
	uint64_t disconnects; /* VMs gone: EOF, error, oversize, peer gone */
	uint64_t refused; /* second connections closed at once */
	uint64_t segmented; /* TSO frames cut into segments for the VM */
};

/** struct qsock_cfg - how to open a socket port */
struct qsock_cfg {
	enum qsock_type type;
	mode_t mode; /* of the socket file, default 0660 */
	uid_t owner; /* chown of the socket file, -1: none */
	gid_t group; /* -1: none */
};

void qsock_cfg_default(struct qsock_cfg *cfg);
int qsock_path_check(const char *path, enum qsock_type type);
int qsock_port_open(struct port *port, const char *name, const char *path,
		    const struct qsock_cfg *cfg);
bool qsock_port_is(const struct port *port);
bool qsock_port_connected(const struct port *port);
const struct qsock_stats *qsock_port_stats(const struct port *port);
const char *qsock_drop_name(enum qsock_drop reason);
const char *qsock_drop_text(enum qsock_drop reason);

#endif
