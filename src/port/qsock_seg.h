/* SPDX-License-Identifier: MIT */
/*
 * qsock_seg.h - software checksum completion and TCP segmentation for
 * ports whose far end takes no virtio-net header (QEMU socket netdevs).
 *
 * Frames inside dcbox carry their offload state (pkt.vnet): a partial
 * checksum (NEEDS_CSUM) or a TSO super-frame of up to 64 KiB. A VM behind
 * a socket sees plain Ethernet, so before such a frame leaves dcbox the
 * checksum must be finished (qsock_seg_csum(), in place) and a super-frame
 * cut into MSS-sized segments (qsock_seg_start()/qsock_seg_next()). The
 * segments are not copied: each is a header rebuilt in a caller-provided
 * scratch buffer plus a slice of the original payload, ready for writev().
 */
#ifndef DCBOX_PORT_QSOCK_SEG_H
#define DCBOX_PORT_QSOCK_SEG_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/pkt.h"

enum { QSOCK_SEG_HDR_MAX = 256 }; /* Ethernet + VLANs + IP + TCP headers */

/** struct qsock_unit - one frame on the wire: header copy and a slice */
struct qsock_unit {
	const uint8_t *hdr; /* NULL: the frame is @data alone */
	uint32_t hdr_len;
	const uint8_t *data;
	uint32_t data_len;
};

/** struct qsock_seg - iterator over the segments of one TSO frame */
struct qsock_seg {
	const struct pkt *p;
	uint16_t l3_off, l4_off, hdr_len;
	uint16_t mss;
	bool ipv6;
	uint32_t seq0; /* host order */
	uint16_t id0; /* IPv4 id of the first segment, host order */
	uint32_t off; /* payload offset of the next segment */
	uint32_t index; /* segments produced so far */
};

bool qsock_seg_is_gso(const struct pkt *p);
int qsock_seg_csum(struct pkt *p);
int qsock_seg_start(struct qsock_seg *s, const struct pkt *p);
bool qsock_seg_next(struct qsock_seg *s, uint8_t hdr[QSOCK_SEG_HDR_MAX],
		    struct qsock_unit *u);

#endif
