/* SPDX-License-Identifier: MIT */
/*
 * afpacket.h - the AF_PACKET port backend: attaches dcbox to any kernel
 * network interface (the root-side end of a host's veth, the kernel side
 * of a VM's TAP, a physical NIC), in any network namespace.
 *
 * Frames keep their offload state: a 64 KiB TCP segment from a namespace
 * crosses dcbox as one buffer with its virtio-net header, and its partial
 * checksum is still partial when it reaches the other side.
 */
#ifndef DCBOX_PORT_AFPACKET_H
#define DCBOX_PORT_AFPACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/port.h"

/** enum afpacket_tx_mode - how tx() hands frames to the kernel */
enum afpacket_tx_mode {
	AFPACKET_TX_SENDMMSG,      /* one sendmmsg() per batch (default) */
	AFPACKET_TX_RING,          /* TPACKET tx ring, one sendto() kick */
};

/** enum afpacket_rx_mode - how rx() takes frames from the kernel */
enum afpacket_rx_mode {
	AFPACKET_RX_RECVMMSG,      /* recvmmsg() into pool buffers */
	AFPACKET_RX_RING,          /* TPACKET_V3 ring, copied out per frame */
	AFPACKET_RX_RING_V2,       /* TPACKET_V2 ring, one frame per slot
				    * (default) */
};

/** struct afpacket_cfg - ring geometry and socket options */
struct afpacket_cfg {
	enum afpacket_rx_mode rx_mode;
	uint32_t rcvbuf;           /* recvmmsg, V2 GSO frames: SO_RCVBUF */
	/* AFPACKET_RX_RING and AFPACKET_RX_RING_V2 (no timeout, no tx
	 * ring) only: */
	uint32_t rx_block_size;    /* TPACKET_V3 block, page multiple, must
				    * hold a 64 KiB GSO frame + headers */
	uint32_t rx_block_nr;      /* blocks in the rx ring */
	uint32_t rx_block_tmo_ms;  /* a partly filled block is handed to us
				    * after this long: the latency floor */
	uint32_t rx_frame_size;    /* AFPACKET_RX_RING_V2 slot, 16-byte
				    * multiple; a frame that does not fit
				    * (GSO) comes through the socket queue
				    * (rcvbuf bytes) instead */
	enum afpacket_tx_mode tx_mode;
	uint32_t tx_block_nr;      /* AFPACKET_TX_RING: 1 MiB blocks */
	uint32_t sndbuf;           /* AFPACKET_TX_SENDMMSG: SO_SNDBUF bytes */
	bool promisc;              /* PACKET_MR_PROMISC while open */
	bool qdisc_bypass;         /* PACKET_QDISC_BYPASS: skip the qdisc */
};

enum {
	AFPACKET_RX_BLOCK_SIZE = 256 * 1024,
	AFPACKET_RX_BLOCK_NR = 32,
	AFPACKET_RX_BLOCK_TMO_MS = 1,
	AFPACKET_RX_FRAME_SIZE = 2048,
	AFPACKET_TX_BLOCK_NR = 8,
	AFPACKET_SNDBUF = 4 * 1024 * 1024,
	AFPACKET_RCVBUF = 8 * 1024 * 1024,
};

void afpacket_cfg_default(struct afpacket_cfg *cfg);
int afpacket_port_open(struct port *port, const char *ifname, int netns_fd,
		       const struct afpacket_cfg *cfg);
bool afpacket_port_is(const struct port *port);

#endif
