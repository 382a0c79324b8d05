/* SPDX-License-Identifier: MIT */
/*
 * tcbpf.h - the kernel half of the switch fast path: one BPF hash map of
 * L2 flows, a tc (cls_bpf, direct-action) program that forwards a frame
 * matching a flow straight to the destination device, and a socket filter
 * that hides those frames from the daemon's AF_PACKET socket.
 *
 * A flow is (ingress ifindex, VLAN id as on the wire or 0 when untagged,
 * destination MAC, source MAC) -> (egress ifindex, tag to pop or push).
 * Both programs build the key with the same instructions from the same
 * map, so a map update changes what the kernel forwards and what the
 * daemon sees at once. The node layer (src/node/offload.c) decides which
 * flows exist; this file only talks to the kernel (bpf(2), rtnetlink).
 */
#ifndef DCBOX_PORT_TCBPF_H
#define DCBOX_PORT_TCBPF_H

#include <stdint.h>

enum {
	TCBPF_VID_NONE = 0, /* key: frame arrived untagged */
	TCBPF_MAX_FLOWS = 16384, /* map size */
};

/** enum tcbpf_op - what the tc program does to the tag before redirect */
enum tcbpf_op { TCBPF_OP_NONE, TCBPF_OP_POP, TCBPF_OP_PUSH };

/**
 * struct tcbpf_key - a flow as both programs see it (20 bytes, no holes)
 * @ifindex: device the frame came in on
 * @vid: its 802.1Q VID, TCBPF_VID_NONE if untagged
 * @pad: zero
 * @macs: destination then source MAC, as the frame's first 12 bytes
 */
struct tcbpf_key {
	uint32_t ifindex;
	uint16_t vid;
	uint16_t pad;
	uint8_t macs[12];
};

/**
 * struct tcbpf_val - where a flow goes and what it has carried
 * @out_ifindex: device to transmit on
 * @op: enum tcbpf_op
 * @push_vid: VID of the tag pushed by TCBPF_OP_PUSH
 * @packets: frames forwarded (the kernel adds atomically)
 * @bytes: their bytes as received
 * @lastuse_ns: CLOCK_MONOTONIC of the last frame, 0 if none yet
 */
struct tcbpf_val {
	uint32_t out_ifindex;
	uint16_t op;
	uint16_t push_vid;
	uint64_t packets;
	uint64_t bytes;
	uint64_t lastuse_ns;
};

/**
 * struct tcbpf - the map and the two programs (fds; -1 when closed)
 * @map_fd: BPF_MAP_TYPE_HASH of tcbpf_key -> tcbpf_val
 * @tc_fd: the cls_bpf program
 * @sock_fd: the socket filter
 */
struct tcbpf {
	int map_fd;
	int tc_fd;
	int sock_fd;
};

int tcbpf_open(struct tcbpf *t, uint32_t max_flows);
void tcbpf_close(struct tcbpf *t);
int tcbpf_attach(const struct tcbpf *t, int ifindex, int pkt_fd);
int tcbpf_detach(int ifindex, int pkt_fd);
int tcbpf_flow_set(const struct tcbpf *t, const struct tcbpf_key *k,
		   const struct tcbpf_val *v);
int tcbpf_flow_del(const struct tcbpf *t, const struct tcbpf_key *k);
int tcbpf_flow_get(const struct tcbpf *t, const struct tcbpf_key *k,
		   struct tcbpf_val *v);

#endif
