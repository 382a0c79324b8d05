/* SPDX-License-Identifier: MIT */
/*
 * vxlan_gro.h - join a UDP GRO train of VXLAN datagrams back into one TCP
 * super-frame (the receive half of vxlan.c's UDP GSO transmit).
 *
 * A UDP socket with UDP_GRO hands over several datagrams of one UDP flow
 * as one buffer: units of gso bytes each, the last possibly shorter. For a
 * VXLAN tunnel each unit is an 8-byte VXLAN header and an inner Ethernet
 * frame. When those frames are the consecutive segments of one TCP flow
 * (what a peer's software TSO produced), vxlan_gro_merge() rewrites the
 * buffer in place into the one TSO frame they came from, with the offload
 * state (virtio-net header) a veth or TAP needs to pass it on as GSO.
 */
#ifndef DCBOX_PORT_VXLAN_GRO_H
#define DCBOX_PORT_VXLAN_GRO_H

#include <stdint.h>
#include <linux/virtio_net.h>

uint32_t vxlan_gro_merge(uint8_t *buf, uint32_t len, uint32_t gso,
			 struct virtio_net_hdr *vnet);

#endif
