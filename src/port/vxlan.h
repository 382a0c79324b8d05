/* SPDX-License-Identifier: MIT */
/*
 * vxlan.h - the VXLAN tunnel port backend (RFC 7348): a switch port whose
 * far side is a static list of remote tunnel endpoints (VTEPs) on an IPv4
 * underlay, interoperable with the Linux kernel's vxlan device.
 *
 * Frames the switch sends to the port are encapsulated (outer IPv4 + UDP +
 * 8-byte VXLAN header) and sent to the remote that learned the inner
 * destination MAC, or to every remote (head-end replication) when the
 * destination is broadcast, multicast or unknown. Datagrams received on
 * local:port from a configured remote with this tunnel's VNI are
 * decapsulated and handed to the switch; the inner source MAC is learned
 * against the sender. TSO super-frames are cut into segments (qsock_seg.c)
 * sent as one UDP GSO train, and partial checksums completed before they
 * leave, since the far end sees plain frames; a received GRO train of TCP
 * segments is joined back into one TSO frame (vxlan_gro.c). The underlay
 * may live in another network namespace.
 */
#ifndef DCBOX_PORT_VXLAN_H
#define DCBOX_PORT_VXLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "../core/port.h"

enum {
	VXLAN_MAX_REMOTES = 16,
	VXLAN_PORT_DEFAULT = 4789, /* IANA */
	VXLAN_VNI_MAX = 0xffffff,
	VXLAN_HLEN = 8, /* the VXLAN header */
	VXLAN_OUTER_LEN = 20 + 8 + VXLAN_HLEN, /* IPv4 + UDP + VXLAN */
	VXLAN_OVERHEAD = VXLAN_OUTER_LEN + 14, /* + inner Ethernet: 50 */
	VXLAN_SPORT_MIN = 49152, /* source ports, as Linux picks them */
	VXLAN_SPORT_MAX = 65535,
	VXLAN_AGING_DEFAULT = 300, /* seconds a learned MAC stays */
	VXLAN_MAC_BUCKETS = 1024, /* learned MACs: buckets x ways */
	VXLAN_MAC_WAYS = 4,
	VXLAN_LOG_INTERVAL_S = 10, /* rate limit of data-path logs */
	VXLAN_TX_SOCKETS = 32, /* source port slices, a UDP socket each */
};

/** struct vxlan_cfg - one tunnel: this VTEP, its VNI and its remotes */
struct vxlan_cfg {
	uint32_t vni; /* 1..VXLAN_VNI_MAX */
	struct in_addr local; /* bound, and the outer source */
	uint16_t port; /* UDP port, host order; 0: 4789 */
	struct in_addr remotes[VXLAN_MAX_REMOTES];
	unsigned int nremotes; /* 1..VXLAN_MAX_REMOTES */
	uint32_t mtu; /* underlay MTU; 0: the route's MTU
				       * towards remotes[0] (1500 if none) */
	uint32_t aging_s; /* 0: VXLAN_AGING_DEFAULT */
};

/*
 * Counters of a tunnel port, beyond struct port_stats: one X-macro for the
 * enum, the JSON names and the descriptions. Drops also count in
 * rx_dropped/tx_dropped.
 */
#define VXLAN_COUNTERS(X)                                                      \
	X(RX_SHORT, "rx_short", "dropped: shorter than VXLAN + Ethernet")      \
	X(RX_BAD_HDR, "rx_bad_header",                                         \
	  "dropped: flags other than I, or reserved bits set")                 \
	X(RX_OTHER_VNI, "rx_other_vni", "dropped: another VNI")                \
	X(RX_UNKNOWN_REMOTE, "rx_unknown_remote",                              \
	  "dropped: sender is not a configured remote")                        \
	X(RX_NOMEM, "rx_nomem", "dropped: pool empty")                         \
	X(RX_GSO, "rx_gso", "TCP super-frames of a local sender, passed on")   \
	X(RX_GRO_MERGED, "rx_gro_merged",                                      \
	  "UDP GRO trains joined into one TCP super-frame")                    \
	X(RX_GRO_SPLIT, "rx_gro_split",                                        \
	  "UDP GRO trains handed on datagram by datagram")                     \
	X(TX_TOO_BIG, "tx_too_big",                                            \
	  "dropped: frame larger than the underlay MTU - 50 allows")           \
	X(TX_BAD_OFFLOAD, "tx_bad_offload",                                    \
	  "dropped: GSO or checksum offload state that cannot be resolved")    \
	X(TX_SEND, "tx_send_error", "dropped: the kernel refused a datagram")  \
	X(LEARNED, "learned", "inner MACs learned or moved to a remote")       \
	X(UNICAST, "unicast",                                                  \
	  "frames sent to the one remote that has the MAC")                    \
	X(FLOODED, "flooded", "frames replicated to every remote")             \
	X(SEGMENTED, "segmented", "TSO frames cut into segments")

enum vxlan_counter {
#define X(e, n, d) VXLAN_C_##e,
	VXLAN_COUNTERS(X)
#undef X
		VXLAN_C_MAX
};

extern const char *const vxlan_counter_names[VXLAN_C_MAX];
extern const char *const vxlan_counter_descs[VXLAN_C_MAX];

int vxlan_port_open(struct port *port, const char *name, int netns_fd,
		    const struct vxlan_cfg *cfg);
bool vxlan_port_is(const struct port *port);
const uint64_t *vxlan_port_counters(const struct port *port);
uint32_t vxlan_port_mtu(const struct port *port);
int vxlan_underlay_mtu(int netns_fd, struct in_addr local,
		       struct in_addr remote, uint32_t *mtu);

/* Wire helpers, exposed for tests */
uint16_t vxlan_src_port(const uint8_t *frame, uint32_t len);
unsigned int vxlan_sport_bucket(uint16_t sport);
bool vxlan_hdr_ok(const uint8_t hdr[VXLAN_HLEN], uint32_t vni);

#endif
