// SPDX-License-Identifier: MIT
/*
 * vxlan.c - VXLAN tunnel port (RFC 7348): encapsulation with head-end
 * replication, decapsulation with learning of inner MACs per remote.
 *
 * Theory of operation
 *
 * Sockets. Each tunnel owns 1 + VXLAN_TX_SOCKETS UDP sockets, all made
 * inside the underlay's network namespace (the thread enters it for the
 * socket() calls only):
 *  - rx: bound to local:port, with UDP_GRO. recvmmsg() reads a batch of
 *    datagrams straight into pool buffers, 8 bytes before the frame's
 *    normal start, so after the header check the inner frame sits at the
 *    default headroom and nothing is copied again. The sender's address
 *    comes with each datagram (msg_name), a GRO unit size with a train.
 *  - tx: RFC 7348 section 5 wants the UDP source port to carry the inner
 *    flow's hash (so underlay ECMP and the receiver's RSS spread flows),
 *    and a UDP socket sends from its own port only. So the source port
 *    range 49152..65535 is cut into VXLAN_TX_SOCKETS (32) slices of 512
 *    ports, and slice i's socket is bound to a free port in it: a flow
 *    leaves from the port of the slice its hash falls in (32 values of
 *    entropy instead of 16384; ECMP and RSS need far fewer). The sockets
 *    receive nothing (a BPF filter drops all), DF is clear like Linux's
 *    default (`df unset`), the kernel fills IP id and the UDP checksum.
 *    Rejected: a raw IPPROTO_RAW socket writing its own UDP header (the
 *    first version): raw sockets have no GSO, so every segment was its
 *    own datagram through the whole stack (0.7 Gbit/s at a full core);
 *    AF_PACKET with a GSO vnet header: it bypasses routing and ARP.
 *  One rx socket per tunnel means one tunnel per (namespace, local
 *  address, port): two VNIs on one VTEP need two local addresses or two
 *  ports (topo_parse_tunnel.c refuses the clash). Sharing a socket between
 *  VNIs would need a demultiplexer that hands frames to other ports
 *  outside their rx() call; not worth it until someone needs hundreds.
 *
 * Transmit. A message is a datagram or, with a UDP_SEGMENT control
 * message, a GSO train of equal-size datagrams (the last may be shorter)
 * that the kernel cuts apart as late as it can: on a veth underlay the
 * train reaches the peer's socket whole, on a NIC it is cut by the NIC
 * (USO) or just before it. A plain frame is 2 iovecs (the tunnel's one
 * VXLAN header, the frame); a TSO super-frame (vnet gso_type != NONE, as
 * veth AF_PACKET ports deliver 64 KiB TCP segments) is cut with
 * qsock_seg_start()/_next() (full IP and TCP headers and checksums per
 * segment, computed in software) into units of 3 iovecs (VXLAN header,
 * rebuilt headers, payload slice in the pool buffer), at most VX_GSO_SEGS
 * and VX_UDP_MAX bytes per train. Replication to N remotes is N messages
 * over the same iovecs, never a copy. Messages are staged (PKT_BURST of
 * them, VX_TX_UNITS segment headers), grouped by tx socket (stable, so a
 * flow keeps its order) and sent with one sendmmsg() per socket; frames
 * are freed only after the last flush of a tx() call. A frame with a
 * partial checksum gets it completed in place first.
 *
 * Receive. Datagrams wait in a queue of at most PKT_BURST and are handed
 * on from there: a plain one in place; a GRO train (a peer's GSO train,
 * or datagrams a NIC's GRO joined) is first offered to vxlan_gro_merge(),
 * which turns consecutive TCP segments back into the TSO frame they came
 * from (one frame through the switch and into the veth instead of 40),
 * else it is split into one buffer per unit (a copy), as many per rx()
 * call as @max allows. New datagrams are read only into an empty queue.
 * While the queue is not empty an eventfd is kept readable, and fd() is
 * an epoll set over it and the rx socket, so the level-triggered loop
 * comes back for the rest even if no datagram arrives.
 *
 * MTU. The inner frame, after segmentation, may be at most underlay MTU -
 * 36 bytes (so inner IP packets at most MTU - 50). Bigger frames are
 * dropped (tx_too_big) with a rate-limited log that says what to change:
 * the hosts' MTU or the underlay's.
 *
 * Learning. A fixed table of VXLAN_MAC_BUCKETS x VXLAN_MAC_WAYS entries
 * maps an inner source MAC to the index of the remote it came from, with a
 * last-seen time in seconds; an entry older than aging_s is a miss. A full
 * bucket evicts its oldest entry. Datagrams from addresses that are not
 * configured remotes are dropped (rx_unknown_remote): the remote list is
 * the tunnel's whole membership, so nobody else on the underlay can inject
 * frames into the VNI.
 *
 * Header check, as Linux does it without extensions: flags exactly 0x08
 * (the I bit) and every reserved bit zero, else rx_bad_header (RFC 7348
 * says to ignore reserved bits; the strict check matches the kernel
 * device we interoperate with). Then the VNI must be ours (rx_other_vni).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/virtio_net.h>
#include <linux/filter.h>
#include <netinet/udp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "../core/csum.h"
#include "netns.h"
#include "qsock_seg.h"
#include "vxlan.h"
#include "vxlan_gro.h"

enum {
	VX_TX_MSGS = PKT_BURST,
	VX_TX_UNITS = 4 * PKT_BURST, /* segment headers staged per flush */
	VX_TX_IOVS = 3 * VX_TX_UNITS,
	VX_BUCKET_PORTS =
		(VXLAN_SPORT_MAX - VXLAN_SPORT_MIN + 1) / VXLAN_TX_SOCKETS,
	VX_GSO_SEGS = 64, /* UDP_MAX_SEGMENTS of kernels before 6.9 */
	VX_UDP_MAX = 65535 - 20 - 8, /* largest UDP payload over IPv4 */
	VX_ETH_HLEN = 14,
	VX_INNER_ROOM = VXLAN_OUTER_LEN - VXLAN_HLEN, /* 36 - 8: IP + UDP */
	VX_SNDBUF = 4 * 1024 * 1024,
	VX_RCVBUF = 8 * 1024 * 1024,
	VX_FLAG_I = 0x08,
};

_Static_assert((int)VXLAN_HLEN <= (int)PKT_HEADROOM,
	       "rx reads the header there");
_Static_assert((int)VXLAN_MAX_REMOTES <= (int)VX_TX_MSGS,
	       "one frame fits a batch");
_Static_assert((int)VX_GSO_SEGS <= (int)VX_TX_UNITS, "one chunk fits");
_Static_assert((int)VX_BUCKET_PORTS * (int)VXLAN_TX_SOCKETS ==
		       VXLAN_SPORT_MAX - VXLAN_SPORT_MIN + 1,
	       "buckets cover the source port range");

const char *const vxlan_counter_names[VXLAN_C_MAX] = {
#define X(e, n, d) [VXLAN_C_##e] = n,
	VXLAN_COUNTERS(X)
#undef X
};

const char *const vxlan_counter_descs[VXLAN_C_MAX] = {
#define X(e, n, d) [VXLAN_C_##e] = d,
	VXLAN_COUNTERS(X)
#undef X
};

/* one learned inner MAC */
struct vx_mac {
	uint8_t mac[6];
	uint8_t used;
	uint8_t remote; /* index into cfg.remotes */
	uint32_t seen_s; /* monotonic seconds */
};

/* room for one UDP_GRO control message */
union vx_rcmsg {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

/*
 * Received datagrams wait in q[head..n) until handed on; a GRO train that
 * cannot be joined is split unit by unit (@unit: the next one), possibly
 * over several rx() calls. New datagrams are read only into an empty q.
 */
struct vx_rx {
	struct mmsghdr msgs[PKT_BURST];
	struct iovec iov[PKT_BURST];
	struct sockaddr_in from[PKT_BURST];
	union vx_rcmsg cmsg[PKT_BURST];
	struct pkt *q[PKT_BURST];
	uint32_t q_len[PKT_BURST]; /* datagram bytes */
	uint16_t q_gso[PKT_BURST]; /* GRO unit size, 0: one datagram */
	uint8_t q_remote[PKT_BURST]; /* index of the sender */
	unsigned int head, n;
	uint32_t unit;
	bool armed; /* ev_fd is readable: q is not empty */
};

/* room for one UDP_SEGMENT control message */
union vx_cmsg {
	char buf[CMSG_SPACE(sizeof(uint16_t))];
	struct cmsghdr align;
};

/*
 * Staged datagrams. A message is one datagram, or with UDP_SEGMENT a
 * train of equal-size datagrams (the last may be shorter) that the kernel
 * cuts apart; each unit in it is 3 iovecs: the VXLAN header, the rebuilt
 * inner headers of a TSO segment (seg[]) and the payload slice.
 */
struct vx_tx {
	unsigned int n; /* messages staged */
	unsigned int nunits; /* segment header slots used */
	unsigned int niov; /* iovecs used */
	struct mmsghdr msgs[VX_TX_MSGS];
	uint16_t units[VX_TX_MSGS]; /* inner frames in each message */
	uint8_t bucket[VX_TX_MSGS]; /* tx socket of each message */
	struct mmsghdr sorted[VX_TX_MSGS]; /* msgs grouped by bucket */
	uint16_t sorted_units[VX_TX_MSGS];
	union vx_cmsg cmsg[VX_TX_MSGS];
	struct iovec iov[VX_TX_IOVS];
	uint8_t seg[VX_TX_UNITS][QSOCK_SEG_HDR_MAX];
};

struct vxlan {
	int rx_fd;
	int ev_fd; /* eventfd: readable while rx has datagrams queued */
	int ep_fd; /* epoll over rx_fd and ev_fd: what fd() gives */
	struct pkt_pool *rx_pool; /* of the queued datagrams, for close */
	int tx_fds[VXLAN_TX_SOCKETS]; /* one per source port bucket */
	uint16_t tx_ports[VXLAN_TX_SOCKETS]; /* their ports, host order */
	uint8_t hdr[VXLAN_HLEN]; /* our VXLAN header, the same for all */
	struct vxlan_cfg cfg;
	uint32_t inner_max; /* largest inner frame: mtu - 36 */
	uint32_t now_s; /* time of the current rx()/tx() call */
	uint64_t log_next_s; /* next time a data-path log may appear */
	uint64_t log_missed; /* too-big drops since the last log */
	struct sockaddr_in dst[VXLAN_MAX_REMOTES];
	uint64_t counters[VXLAN_C_MAX];
	struct vx_rx rx;
	struct vx_tx tx;
	struct vx_mac macs[VXLAN_MAC_BUCKETS][VXLAN_MAC_WAYS];
};

static const struct port_ops vxlan_ops;

static uint32_t mix(uint32_t h, uint32_t v)
{
	h ^= v;
	h *= 0x9e3779b1u;
	return h ^ (h >> 15);
}

static uint32_t fmix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

static uint32_t rd32(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return v;
}

/* addresses, protocol and ports of an IPv4 or IPv6 packet at @ip */
static uint32_t hash_l3(uint32_t h, uint16_t type, const uint8_t *ip,
			uint32_t left)
{
	uint32_t l4, i;
	uint8_t proto;

	if (type == 0x0800 && left >= 20 && (ip[0] >> 4) == 4) {
		l4 = (ip[0] & 15) * 4u;
		proto = ip[9];
		h = mix(mix(mix(h, rd32(ip + 12)), rd32(ip + 16)), proto);
		if (ip[6] & 0x3f || ip[7]) /* fragment: no ports */
			return h;
	} else if (type == 0x86dd && left >= 40 && (ip[0] >> 4) == 6) {
		l4 = 40;
		proto = ip[6];
		for (i = 8; i < 40; i += 4)
			h = mix(h, rd32(ip + i));
		h = mix(h, proto);
	} else {
		return h;
	}
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	     proto == IPPROTO_SCTP) &&
	    left >= l4 + 4)
		h = mix(h, rd32(ip + l4));
	return h;
}

/**
 * vxlan_src_port() - the outer UDP source port for an inner frame
 * @frame: inner Ethernet frame (untrusted; only read within @len)
 * @len: its length
 *
 * RFC 7348 section 5: a hash of the inner frame's addresses, so that one
 * flow always takes one path and different flows spread. Hashed: both
 * MACs, the EtherType, and for IPv4/IPv6 (after up to one 802.1Q tag) the
 * addresses, the protocol and, for TCP/UDP/SCTP, the ports.
 *
 * Return: a port in VXLAN_SPORT_MIN..VXLAN_SPORT_MAX.
 */
uint16_t vxlan_src_port(const uint8_t *frame, uint32_t len)
{
	uint32_t h = 0x5678u, off = VX_ETH_HLEN, i;
	uint16_t type;

	if (len < VX_ETH_HLEN)
		return VXLAN_SPORT_MIN;
	for (i = 0; i < 12; i += 4)
		h = mix(h, rd32(frame + i));
	type = (uint16_t)(frame[12] << 8 | frame[13]);
	if (type == 0x8100 && len >= off + 4) {
		type = (uint16_t)(frame[16] << 8 | frame[17]);
		off += 4;
	}
	h = hash_l3(mix(h, type), type, frame + off, len - off);
	return (uint16_t)(VXLAN_SPORT_MIN +
			  (((uint64_t)fmix(h) *
			    (VXLAN_SPORT_MAX - VXLAN_SPORT_MIN + 1)) >>
			   32));
}

/**
 * vxlan_hdr_ok() - is @hdr a plain VXLAN header of VNI @vni?
 * @hdr: the 8 bytes after the UDP header
 * @vni: the expected VNI
 *
 * Return: true if the flags are exactly the I bit, every reserved bit is
 * zero and the VNI is @vni.
 */
bool vxlan_hdr_ok(const uint8_t hdr[VXLAN_HLEN], uint32_t vni)
{
	uint32_t v = (uint32_t)hdr[4] << 16 | (uint32_t)hdr[5] << 8 | hdr[6];

	return hdr[0] == VX_FLAG_I && !hdr[1] && !hdr[2] && !hdr[3] &&
	       !hdr[7] && v == vni;
}

static bool hdr_plain(const uint8_t *hdr)
{
	return hdr[0] == VX_FLAG_I && !hdr[1] && !hdr[2] && !hdr[3] && !hdr[7];
}

static uint32_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint32_t)ts.tv_sec;
}

static struct vx_mac *mac_bucket(struct vxlan *vx, const uint8_t *mac)
{
	uint32_t h =
		mix(mix(0x1234u, rd32(mac)), (uint32_t)mac[4] << 8 | mac[5]);

	return vx->macs[fmix(h) % VXLAN_MAC_BUCKETS];
}

static bool mac_live(const struct vxlan *vx, const struct vx_mac *e)
{
	return e->used && vx->now_s - e->seen_s < vx->cfg.aging_s;
}

/* the remote that has @mac, or -1: flood */
static int mac_lookup(struct vxlan *vx, const uint8_t *mac)
{
	struct vx_mac *b = mac_bucket(vx, mac);
	unsigned int w;

	if (mac[0] & 1)
		return -1;
	for (w = 0; w < VXLAN_MAC_WAYS; w++)
		if (mac_live(vx, &b[w]) && !memcmp(b[w].mac, mac, 6))
			return b[w].remote;
	return -1;
}

static void mac_learn(struct vxlan *vx, const uint8_t *mac, uint8_t remote)
{
	struct vx_mac *b = mac_bucket(vx, mac), *e = NULL;
	unsigned int w;

	if (mac[0] & 1)
		return;
	for (w = 0; w < VXLAN_MAC_WAYS; w++) {
		if (b[w].used && !memcmp(b[w].mac, mac, 6)) {
			e = &b[w];
			break;
		}
		if (!e || !mac_live(vx, &b[w]) ||
		    (mac_live(vx, e) && b[w].seen_s < e->seen_s))
			e = &b[w];
	}
	if (!e->used || memcmp(e->mac, mac, 6) || e->remote != remote)
		vx->counters[VXLAN_C_LEARNED]++;
	memcpy(e->mac, mac, 6);
	e->used = 1;
	e->remote = remote;
	e->seen_s = vx->now_s;
}

static int remote_index(const struct vxlan *vx, const struct sockaddr_in *a)
{
	unsigned int i;

	for (i = 0; i < vx->cfg.nremotes; i++)
		if (vx->cfg.remotes[i].s_addr == a->sin_addr.s_addr)
			return (int)i;
	return -1;
}

/* the L4 checksum field's offset for TCP/UDP, 0 for anything else */
static uint32_t l4_csum_off(uint8_t proto)
{
	return proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : 0;
}

/* IPv4/IPv6 at @ip: the L4 offset from @ip, its checksum field offset
 * and the pseudo-header sum; false if not a whole TCP/UDP packet */
static bool l4_pseudo(const uint8_t *ip, uint32_t left, uint16_t type,
		      uint32_t *l4, uint32_t *field, uint32_t *sum)
{
	uint32_t sa, da, l4len;

	if (type == 0x0800 && left >= 20 && (ip[0] >> 4) == 4) {
		*l4 = (ip[0] & 15) * 4u;
		l4len = (uint32_t)(ip[2] << 8 | ip[3]);
		if (*l4 < 20 || l4len > left || l4len < *l4 || (ip[6] & 0x3f) ||
		    ip[7])
			return false;
		l4len -= *l4;
		*field = l4_csum_off(ip[9]);
		memcpy(&sa, ip + 12, 4);
		memcpy(&da, ip + 16, 4);
		*sum = csum_pseudo_ipv4(sa, da, ip[9], (uint16_t)l4len);
	} else if (type == 0x86dd && left >= 40 && (ip[0] >> 4) == 6) {
		*l4 = 40;
		l4len = (uint32_t)(ip[4] << 8 | ip[5]);
		if (l4len > left - 40)
			return false;
		*field = l4_csum_off(ip[6]);
		*sum = csum_pseudo_ipv6(ip + 8, ip + 24, ip[6], l4len);
	} else {
		return false;
	}
	return *field && *l4 + *field + 2 <= left;
}

/*
 * A sender on this host (a kernel vxlan device over a veth) may leave the
 * inner TCP/UDP checksum partial: the field holds only the pseudo-header
 * sum, and that offload state does not cross a UDP socket. Such a frame is
 * handed on as what it is (NEEDS_CSUM), so the kernel that receives it
 * finishes the sum, or our own tx does. A complete checksum that happens
 * to look partial is harmless: summing correct data gives it again.
 */
static void rx_partial_csum(struct pkt *p)
{
	const uint8_t *d = pkt_data(p);
	uint32_t off = VX_ETH_HLEN, l4, field, sum;
	uint16_t type = (uint16_t)(d[12] << 8 | d[13]), want;

	if (type == 0x8100 && p->len >= off + 4) {
		type = (uint16_t)(d[16] << 8 | d[17]);
		off += 4;
	}
	if (!l4_pseudo(d + off, p->len - off, type, &l4, &field, &sum))
		return;
	want = (uint16_t)~csum_fold(sum);
	if (memcmp(d + off + l4 + field, &want, 2))
		return;
	p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	p->vnet.csum_start = (uint16_t)(off + l4);
	p->vnet.csum_offset = (uint16_t)field;
}

/*
 * A kernel vxlan device over a veth on this host hands its UDP socket a
 * whole TSO super-frame (SKB_GSO_UDP_TUNNEL is delivered unsegmented to a
 * socket), with its checksum partial. Pass it on as GSO TCP, in segments
 * as large as the tunnel's MTU allows (the sender's own MSS is lost), so
 * the receiving kernel or our tx cuts it. True if @p is now such a frame.
 * Other frames over the MTU pass unchanged: the host behind decides.
 */
static bool rx_gso(const struct vxlan *vx, struct pkt *p)
{
	const uint8_t *d = pkt_data(p);
	uint32_t l4 = p->vnet.csum_start, hdr;
	uint16_t type = (uint16_t)(d[12] << 8 | d[13]);

	if (!(p->vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
	    p->vnet.csum_offset != 16 || l4 + 20 > p->len)
		return false;
	hdr = l4 + (d[l4 + 12] >> 4) * 4u;
	if (hdr + 1 > vx->inner_max || hdr > p->len)
		return false;
	if (type == 0x8100)
		type = (uint16_t)(d[16] << 8 | d[17]);
	p->vnet.gso_type = type == 0x86dd ? VIRTIO_NET_HDR_GSO_TCPV6
					  : VIRTIO_NET_HDR_GSO_TCPV4;
	p->vnet.gso_size = (uint16_t)(vx->inner_max - hdr);
	p->vnet.hdr_len = (uint16_t)hdr;
	return true;
}

static void rx_drop(struct port *port, struct vxlan *vx, enum vxlan_counter c)
{
	vx->counters[c]++;
	port->stats.rx_dropped++;
}

/* is @hdr a VXLAN header of ours? if not, a counted drop */
static bool rx_hdr_ok(struct port *port, struct vxlan *vx, const uint8_t *hdr)
{
	if (!hdr_plain(hdr)) {
		rx_drop(port, vx, VXLAN_C_RX_BAD_HDR);
		return false;
	}
	if (!vxlan_hdr_ok(hdr, vx->cfg.vni)) {
		rx_drop(port, vx, VXLAN_C_RX_OTHER_VNI);
		return false;
	}
	return true;
}

/* @p (reset) holds an inner frame of @len bytes from remote @r: hand on */
static void rx_deliver(struct port *port, struct vxlan *vx, struct pkt *p,
		       uint32_t len, uint8_t r, struct pkt **out)
{
	p->len = len;
	p->in_port = port->id;
	mac_learn(vx, pkt_data(p) + 6, r);
	if (p->vnet.gso_type == VIRTIO_NET_HDR_GSO_NONE) {
		rx_partial_csum(p);
		if (p->len > vx->inner_max && rx_gso(vx, p))
			vx->counters[VXLAN_C_RX_GSO]++;
	}
	port->stats.rx_packets++;
	port->stats.rx_bytes += p->len;
	*out = p;
}

/* the UDP_GRO unit size the kernel reported for @h, 0 if none */
static uint32_t rx_gro_size(struct msghdr *h)
{
	struct cmsghdr *c;
	int gso;

	for (c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO)
			continue;
		memcpy(&gso, CMSG_DATA(c), sizeof(gso));
		return gso > 0 ? (uint32_t)gso : 0;
	}
	return 0;
}

/* queue datagram @i of the last recvmmsg() (in @p); false: dropped */
static bool rx_queue(struct port *port, struct vxlan *vx, struct pkt *p,
		     unsigned int i)
{
	struct vx_rx *rx = &vx->rx;
	struct mmsghdr *m = &rx->msgs[i];
	int r;

	if (m->msg_len < VXLAN_HLEN + VX_ETH_HLEN ||
	    (m->msg_hdr.msg_flags & MSG_TRUNC)) {
		rx_drop(port, vx, VXLAN_C_RX_SHORT);
		return false;
	}
	r = remote_index(vx, &rx->from[i]);
	if (r < 0) {
		rx_drop(port, vx, VXLAN_C_RX_UNKNOWN_REMOTE);
		return false;
	}
	rx->q[rx->n] = p;
	rx->q_len[rx->n] = m->msg_len;
	rx->q_gso[rx->n] = (uint16_t)rx_gro_size(&m->msg_hdr);
	rx->q_remote[rx->n++] = (uint8_t)r;
	return true;
}

/* the pool is empty: take up to @max datagrams off the socket, counted */
static void rx_discard(struct port *port, struct vxlan *vx, unsigned int max)
{
	uint8_t sink[VXLAN_HLEN];

	while (max--) {
		if (recv(vx->rx_fd, sink, sizeof(sink),
			 MSG_DONTWAIT | MSG_TRUNC) < 0)
			break;
		rx_drop(port, vx, VXLAN_C_RX_NOMEM);
	}
}

/* read up to @max datagrams into the (empty) queue */
static void rx_recv(struct port *port, struct vxlan *vx, struct pkt_pool *pool,
		    unsigned int max)
{
	struct vx_rx *rx = &vx->rx;
	struct pkt *bufs[PKT_BURST];
	unsigned int i, n, got;
	int r;

	rx->head = rx->n = rx->unit = 0;
	n = pkt_alloc_bulk(pool, bufs, max < PKT_BURST ? max : PKT_BURST);
	if (!n) {
		rx_discard(port, vx, max);
		return;
	}
	for (i = 0; i < n; i++) {
		rx->iov[i].iov_base = bufs[i]->buf + PKT_HEADROOM - VXLAN_HLEN;
		rx->msgs[i].msg_hdr.msg_namelen = sizeof(rx->from[i]);
		rx->msgs[i].msg_hdr.msg_controllen = sizeof(rx->cmsg[i].buf);
	}
	do {
		r = recvmmsg(vx->rx_fd, rx->msgs, n, MSG_DONTWAIT, NULL);
	} while (r < 0 && errno == EINTR);
	got = r > 0 ? (unsigned int)r : 0;
	for (i = 0; i < got; i++)
		if (!rx_queue(port, vx, bufs[i], i))
			pkt_free(pool, bufs[i]);
	pkt_free_bulk(pool, bufs + got, n - got);
}

/*
 * The next unit of the GRO train at the queue's head, copied into a
 * buffer of its own. Return: true when the train is used up.
 */
static bool rx_split(struct port *port, struct vxlan *vx, struct pkt_pool *pool,
		     struct pkt **out, unsigned int *k)
{
	struct vx_rx *rx = &vx->rx;
	uint32_t len = rx->q_len[rx->head], gso = rx->q_gso[rx->head];
	const uint8_t *u = pkt_data(rx->q[rx->head]) - VXLAN_HLEN;
	uint32_t ulen = len - rx->unit * gso < gso ? len - rx->unit * gso : gso;
	struct pkt *p;

	u += rx->unit * gso;
	if (!rx->unit)
		vx->counters[VXLAN_C_RX_GRO_SPLIT]++;
	if (ulen < VXLAN_HLEN + VX_ETH_HLEN) {
		rx_drop(port, vx, VXLAN_C_RX_SHORT);
	} else if (rx_hdr_ok(port, vx, u)) {
		p = pkt_alloc(pool);
		if (!p) {
			rx_drop(port, vx, VXLAN_C_RX_NOMEM);
		} else {
			memcpy(pkt_data(p), u + VXLAN_HLEN, ulen - VXLAN_HLEN);
			rx_deliver(port, vx, p, ulen - VXLAN_HLEN,
				   rx->q_remote[rx->head], &out[(*k)++]);
		}
	}
	return ++rx->unit * gso >= len;
}

/*
 * Hand on (part of) the datagram at the queue's head: a plain datagram
 * or a joinable GRO train in place as one frame, else the train's next
 * unit. Return: true when the head datagram is done with.
 */
static bool rx_one(struct port *port, struct vxlan *vx, struct pkt_pool *pool,
		   struct pkt **out, unsigned int *k)
{
	struct vx_rx *rx = &vx->rx;
	struct pkt *p = rx->q[rx->head];
	uint32_t len = rx->q_len[rx->head], gso = rx->q_gso[rx->head], m;
	uint8_t *d = pkt_data(p) - VXLAN_HLEN;
	struct virtio_net_hdr vnet;

	if (gso && len > gso) {
		if (rx->unit || !vxlan_hdr_ok(d, vx->cfg.vni))
			return rx_split(port, vx, pool, out, k);
		m = vxlan_gro_merge(d, len, gso, &vnet);
		if (!m)
			return rx_split(port, vx, pool, out, k);
		vx->counters[VXLAN_C_RX_GRO_MERGED]++;
		pkt_reset(p);
		p->vnet = vnet;
		rx_deliver(port, vx, p, m, rx->q_remote[rx->head],
			   &out[(*k)++]);
		return true;
	}
	if (!rx_hdr_ok(port, vx, d)) {
		pkt_free(pool, p);
		return true;
	}
	pkt_reset(p);
	rx_deliver(port, vx, p, len - VXLAN_HLEN, rx->q_remote[rx->head],
		   &out[(*k)++]);
	return true;
}

/* hand on queued frames, at most @max */
static unsigned int rx_drain(struct port *port, struct vxlan *vx,
			     struct pkt_pool *pool, struct pkt **out,
			     unsigned int max)
{
	struct vx_rx *rx = &vx->rx;
	unsigned int k = 0;

	while (k < max && rx->head < rx->n) {
		if (!rx_one(port, vx, pool, out, &k))
			continue;
		if (rx->unit)
			pkt_free(pool, rx->q[rx->head]); /* split up */
		rx->q[rx->head++] = NULL;
		rx->unit = 0;
	}
	return k;
}

/* keep ev_fd readable exactly while datagrams wait in the queue */
static void rx_arm(struct vxlan *vx)
{
	bool want = vx->rx.head < vx->rx.n;
	uint64_t v = 1;

	if (want == vx->rx.armed)
		return;
	if (want) {
		vx->rx.armed = write(vx->ev_fd, &v, sizeof(v)) == sizeof(v);
		return;
	}
	if (read(vx->ev_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	vx->rx.armed = false;
}

static int vxlan_rx(struct port *port, struct pkt_pool *pool, struct pkt **pkts,
		    unsigned int max)
{
	struct vxlan *vx = port->priv;
	unsigned int k;

	vx->now_s = now_s();
	vx->rx_pool = pool;
	k = rx_drain(port, vx, pool, pkts, max);
	if (k < max && vx->rx.head == vx->rx.n) {
		rx_recv(port, vx, pool, max - k);
		k += rx_drain(port, vx, pool, pkts + k, max - k);
	}
	rx_arm(vx);
	return (int)k;
}

/* group the staged messages by tx socket, keeping their order in each */
static void tx_sort(struct vx_tx *tx, unsigned int start[VXLAN_TX_SOCKETS + 1])
{
	unsigned int pos[VXLAN_TX_SOCKETS], i, b;

	memset(start, 0, (VXLAN_TX_SOCKETS + 1) * sizeof(*start));
	for (i = 0; i < tx->n; i++)
		start[tx->bucket[i] + 1]++;
	for (b = 0; b < VXLAN_TX_SOCKETS; b++) {
		start[b + 1] += start[b];
		pos[b] = start[b];
	}
	for (i = 0; i < tx->n; i++) {
		b = tx->bucket[i];
		tx->sorted[pos[b]] = tx->msgs[i];
		tx->sorted_units[pos[b]++] = tx->units[i];
	}
}

static void tx_dropped(struct port *port, struct vxlan *vx, unsigned int units)
{
	vx->counters[VXLAN_C_TX_SEND] += units;
	port->stats.tx_dropped += units;
}

/* send messages [@i, @end) of tx.sorted on @fd; each counts, sent or not */
static void tx_send(struct port *port, struct vxlan *vx, int fd, unsigned int i,
		    unsigned int end)
{
	struct vx_tx *tx = &vx->tx;
	unsigned int k;
	int r;

	while (i < end) {
		r = sendmmsg(fd, tx->sorted + i, end - i, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
			for (; i < end; i++)
				tx_dropped(port, vx, tx->sorted_units[i]);
			return;
		}
		if (r <= 0) { /* this one was refused */
			tx_dropped(port, vx, tx->sorted_units[i++]);
			continue;
		}
		for (k = i + (unsigned int)r; i < k; i++) {
			port->stats.tx_packets += tx->sorted_units[i];
			port->stats.tx_bytes +=
				tx->sorted[i].msg_len -
				VXLAN_HLEN * tx->sorted_units[i];
		}
	}
}

/* send what is staged, one sendmmsg() per tx socket used */
static void tx_flush(struct port *port, struct vxlan *vx)
{
	struct vx_tx *tx = &vx->tx;
	unsigned int start[VXLAN_TX_SOCKETS + 1], b;

	tx_sort(tx, start);
	for (b = 0; b < VXLAN_TX_SOCKETS; b++)
		if (start[b + 1] > start[b])
			tx_send(port, vx, vx->tx_fds[b], start[b],
				start[b + 1]);
	tx->n = 0;
	tx->nunits = 0;
	tx->niov = 0;
}

/* flush first unless @iovs iovecs, @units headers and @msgs fit */
static void tx_room(struct port *port, struct vxlan *vx, unsigned int iovs,
		    unsigned int units, unsigned int msgs)
{
	struct vx_tx *tx = &vx->tx;

	if (tx->niov + iovs > VX_TX_IOVS || tx->nunits + units > VX_TX_UNITS ||
	    tx->n + msgs > VX_TX_MSGS)
		tx_flush(port, vx);
}

/* one message of @units frames in @iov to remote @r; @gso: unit size */
static void tx_msg(struct vxlan *vx, unsigned int r, unsigned int bucket,
		   struct iovec *iov, unsigned int niov, unsigned int units,
		   uint16_t gso)
{
	struct vx_tx *tx = &vx->tx;
	unsigned int m = tx->n++;
	struct msghdr *h = &tx->msgs[m].msg_hdr;
	struct cmsghdr *c;

	*h = (struct msghdr){.msg_name = &vx->dst[r],
			     .msg_namelen = sizeof(vx->dst[r]),
			     .msg_iov = iov,
			     .msg_iovlen = niov};
	tx->units[m] = (uint16_t)units;
	tx->bucket[m] = (uint8_t)bucket;
	if (!gso)
		return;
	h->msg_control = tx->cmsg[m].buf;
	h->msg_controllen = sizeof(tx->cmsg[m].buf);
	c = CMSG_FIRSTHDR(h);
	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	memcpy(CMSG_DATA(c), &gso, sizeof(gso));
}

/* the same message to remote @to, or to every remote if @to < 0 */
static void tx_msgs(struct vxlan *vx, int to, unsigned int bucket,
		    struct iovec *iov, unsigned int niov, unsigned int units,
		    uint16_t gso)
{
	unsigned int r;

	if (to >= 0) {
		tx_msg(vx, (unsigned int)to, bucket, iov, niov, units, gso);
		return;
	}
	for (r = 0; r < vx->cfg.nremotes; r++)
		tx_msg(vx, r, bucket, iov, niov, units, gso);
}

static unsigned int nmsgs(const struct vxlan *vx, int to)
{
	return to < 0 ? vx->cfg.nremotes : 1;
}

/* stage a plain frame: VXLAN header + @len bytes at @d */
static void tx_plain(struct port *port, struct vxlan *vx, int to,
		     unsigned int bucket, const uint8_t *d, uint32_t len)
{
	struct vx_tx *tx = &vx->tx;
	struct iovec *iov;

	tx_room(port, vx, 2, 0, nmsgs(vx, to));
	iov = tx->iov + tx->niov;
	iov[0] = (struct iovec){vx->hdr, VXLAN_HLEN};
	iov[1] = (struct iovec){(void *)d, len};
	tx->niov += 2;
	tx_msgs(vx, to, bucket, iov, 2, 1, 0);
}

/*
 * Stage up to @per segments of @s as one UDP GSO message (per remote):
 * every unit but the last has the same size, as UDP_SEGMENT needs.
 * Return: true if @s may have more segments.
 */
static bool tx_chunk(struct port *port, struct vxlan *vx, struct qsock_seg *s,
		     int to, unsigned int bucket, unsigned int per)
{
	struct vx_tx *tx = &vx->tx;
	struct qsock_unit u;
	struct iovec *iov;
	unsigned int k = 0;
	uint32_t size = 0;

	tx_room(port, vx, 3 * per, per, nmsgs(vx, to));
	iov = tx->iov + tx->niov;
	while (k < per && qsock_seg_next(s, tx->seg[tx->nunits], &u)) {
		tx->nunits++;
		iov[3 * k] = (struct iovec){vx->hdr, VXLAN_HLEN};
		iov[3 * k + 1] = (struct iovec){(void *)u.hdr, u.hdr_len};
		iov[3 * k + 2] = (struct iovec){(void *)u.data, u.data_len};
		if (!k)
			size = VXLAN_HLEN + u.hdr_len + u.data_len;
		k++;
	}
	if (!k)
		return false;
	tx->niov += 3 * k;
	tx_msgs(vx, to, bucket, iov, 3 * k, k, k > 1 ? (uint16_t)size : 0);
	return k == per;
}

static void too_big(struct port *port, struct vxlan *vx, uint32_t len)
{
	uint32_t mtu = vx->cfg.mtu;

	vx->counters[VXLAN_C_TX_TOO_BIG]++;
	port->stats.tx_dropped++;
	vx->log_missed++;
	if (vx->now_s < vx->log_next_s)
		return;
	fprintf(stderr,
		"dcbox: %s: dropped %llu frame(s) too big for the "
		"tunnel (this one %u bytes, at most %u fit): the underlay MTU "
		"%u leaves %u for IP packets after VXLAN's 50 bytes. Set the "
		"hosts' MTU to %u (ip link set eth0 mtu %u) or raise the "
		"underlay MTU to %u\n",
		port->name, (unsigned long long)vx->log_missed, len,
		vx->inner_max, mtu, mtu - VXLAN_OVERHEAD, mtu - VXLAN_OVERHEAD,
		mtu - VXLAN_OVERHEAD, len - VX_ETH_HLEN + VXLAN_OVERHEAD);
	vx->log_missed = 0;
	vx->log_next_s = (uint64_t)vx->now_s + VXLAN_LOG_INTERVAL_S;
}

/*
 * A TSO super-frame: its segments go out in UDP GSO trains of at most
 * VX_GSO_SEGS datagrams and VX_UDP_MAX bytes, one train per remote.
 */
static void tx_gso(struct port *port, struct vxlan *vx, struct pkt *p, int to,
		   unsigned int bucket)
{
	struct qsock_seg s;
	uint32_t unit, per;

	if (qsock_seg_start(&s, p)) {
		vx->counters[VXLAN_C_TX_BAD_OFFLOAD]++;
		port->stats.tx_dropped++;
		return;
	}
	if ((uint32_t)s.hdr_len + s.mss > vx->inner_max &&
	    p->len > vx->inner_max) {
		too_big(port, vx, s.hdr_len + s.mss);
		return;
	}
	vx->counters[VXLAN_C_SEGMENTED]++;
	unit = VXLAN_HLEN + s.hdr_len + s.mss;
	per = VX_UDP_MAX / unit < VX_GSO_SEGS ? VX_UDP_MAX / unit : VX_GSO_SEGS;
	while (tx_chunk(port, vx, &s, to, bucket, per))
		;
}

/**
 * vxlan_sport_bucket() - which tx socket carries a flow
 * @sport: the flow's source port from vxlan_src_port()
 *
 * The range VXLAN_SPORT_MIN..MAX is cut into VXLAN_TX_SOCKETS slices of
 * equal size; a flow leaves from the port its slice's socket is bound to.
 *
 * Return: 0..VXLAN_TX_SOCKETS - 1.
 */
unsigned int vxlan_sport_bucket(uint16_t sport)
{
	if (sport < VXLAN_SPORT_MIN)
		return 0;
	return (unsigned int)(sport - VXLAN_SPORT_MIN) / VX_BUCKET_PORTS;
}

static void tx_frame(struct port *port, struct vxlan *vx, struct pkt *p)
{
	const uint8_t *d = pkt_data(p);
	unsigned int bucket;
	int to;

	if (p->len < VX_ETH_HLEN) {
		vx->counters[VXLAN_C_TX_BAD_OFFLOAD]++;
		port->stats.tx_dropped++;
		return;
	}
	to = mac_lookup(vx, d);
	vx->counters[to < 0 ? VXLAN_C_FLOODED : VXLAN_C_UNICAST]++;
	bucket = vxlan_sport_bucket(vxlan_src_port(d, p->len));
	if (qsock_seg_is_gso(p)) {
		tx_gso(port, vx, p, to, bucket);
		return;
	}
	if (p->len > vx->inner_max) {
		too_big(port, vx, p->len);
		return;
	}
	if (qsock_seg_csum(p)) {
		vx->counters[VXLAN_C_TX_BAD_OFFLOAD]++;
		port->stats.tx_dropped++;
		return;
	}
	tx_plain(port, vx, to, bucket, d, p->len);
}

static int vxlan_tx(struct port *port, struct pkt_pool *pool, struct pkt **pkts,
		    unsigned int n)
{
	struct vxlan *vx = port->priv;
	uint64_t before = port->stats.tx_packets;
	unsigned int i;

	vx->now_s = now_s();
	for (i = 0; i < n; i++)
		tx_frame(port, vx, pkts[i]);
	tx_flush(port, vx);
	pkt_free_bulk(pool, pkts, n);
	return (int)(port->stats.tx_packets - before);
}

static int vxlan_fd(const struct port *port)
{
	const struct vxlan *vx = port->priv;

	return vx->ep_fd;
}

static void sockets_close(struct vxlan *vx)
{
	unsigned int b;

	if (vx->rx_fd >= 0)
		close(vx->rx_fd);
	if (vx->ev_fd >= 0)
		close(vx->ev_fd);
	if (vx->ep_fd >= 0)
		close(vx->ep_fd);
	for (b = 0; b < VXLAN_TX_SOCKETS; b++)
		if (vx->tx_fds[b] >= 0)
			close(vx->tx_fds[b]);
}

static void vxlan_close(struct port *port)
{
	struct vxlan *vx = port->priv;

	if (!vx)
		return;
	if (vx->rx.head < vx->rx.n)
		pkt_free_bulk(vx->rx_pool, vx->rx.q + vx->rx.head,
			      vx->rx.n - vx->rx.head);
	sockets_close(vx);
	free(vx);
	port->priv = NULL;
}

static const struct port_ops vxlan_ops = {
	.kind = "vxlan",
	.rx = vxlan_rx,
	.tx = vxlan_tx,
	.fd = vxlan_fd,
	.close = vxlan_close,
};

/* SO_xxxBUFFORCE needs CAP_NET_ADMIN; the plain option is capped, fine */
static void set_buf(int fd, int force, int plain, int size)
{
	if (setsockopt(fd, SOL_SOCKET, force, &size, sizeof(size)))
		(void)setsockopt(fd, SOL_SOCKET, plain, &size, sizeof(size));
}

static int sockets_make(struct vxlan *vx, int netns_fd)
{
	unsigned int b;
	int saved, ret;

	ret = netns_enter(netns_fd, &saved);
	if (ret)
		return ret;
	vx->rx_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ret = vx->rx_fd < 0 ? -errno : 0;
	for (b = 0; !ret && b < VXLAN_TX_SOCKETS; b++) {
		vx->tx_fds[b] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ret = vx->tx_fds[b] < 0 ? -errno : 0;
	}
	if (netns_leave(saved) && !ret)
		ret = -EIO;
	return ret;
}

/*
 * Tx socket @b: DF clear (like Linux's vxlan), nothing ever received (a
 * filter drops all), bound to the first free port of its slice.
 */
static int tx_socket_setup(struct vxlan *vx, unsigned int b)
{
	static struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = {.len = 1, .filter = &drop};
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr = vx->cfg.local};
	int fd = vx->tx_fds[b], pmtu = IP_PMTUDISC_DONT;
	unsigned int i, first = VXLAN_SPORT_MIN + b * VX_BUCKET_PORTS;

	set_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, VX_SNDBUF);
	if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)) ||
	    setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		return -errno;
	for (i = 0; i < VX_BUCKET_PORTS; i++) {
		vx->tx_ports[b] =
			(uint16_t)(first + (vx->cfg.vni + i) % VX_BUCKET_PORTS);
		a.sin_port = htons(vx->tx_ports[b]);
		if (!bind(fd, (struct sockaddr *)&a, sizeof(a)))
			return 0;
		if (errno != EADDRINUSE)
			return -errno;
	}
	return -EADDRINUSE;
}

/*
 * UDP_GRO on the rx socket; fd() is an epoll set over it and an eventfd
 * that rx() keeps readable while received datagrams still wait in its
 * queue (the loop is level-triggered and calls rx() again).
 */
static int rx_wake_setup(struct vxlan *vx)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int on = 1;

	/* before Linux 5.0: no GRO, GSO trains arrive as datagrams */
	if (setsockopt(vx->rx_fd, SOL_UDP, UDP_GRO, &on, sizeof(on)) &&
	    errno != ENOPROTOOPT)
		return -errno;
	vx->ev_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (vx->ev_fd < 0)
		return -errno;
	vx->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (vx->ep_fd < 0)
		return -errno;
	if (epoll_ctl(vx->ep_fd, EPOLL_CTL_ADD, vx->rx_fd, &ev) ||
	    epoll_ctl(vx->ep_fd, EPOLL_CTL_ADD, vx->ev_fd, &ev))
		return -errno;
	return 0;
}

static int sockets_open(struct vxlan *vx, int netns_fd)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(vx->cfg.port),
				.sin_addr = vx->cfg.local};
	int ret = sockets_make(vx, netns_fd);
	unsigned int b;

	if (ret)
		return ret;
	set_buf(vx->rx_fd, SO_RCVBUFFORCE, SO_RCVBUF, VX_RCVBUF);
	if (bind(vx->rx_fd, (struct sockaddr *)&a, sizeof(a)))
		return -errno;
	ret = rx_wake_setup(vx);
	if (ret)
		return ret;
	for (b = 0; b < VXLAN_TX_SOCKETS; b++) {
		ret = tx_socket_setup(vx, b);
		if (ret)
			return ret;
	}
	return 0;
}

static void rx_msgs_init(struct vx_rx *rx)
{
	unsigned int i;

	for (i = 0; i < PKT_BURST; i++) {
		/* 8 bytes of header in the headroom, then the frame */
		rx->iov[i].iov_len = PKT_DATA_MAX + VXLAN_HLEN;
		rx->msgs[i].msg_hdr = (struct msghdr){
			.msg_name = &rx->from[i],
			.msg_namelen = sizeof(rx->from[i]),
			.msg_iov = &rx->iov[i],
			.msg_iovlen = 1,
			.msg_control = rx->cmsg[i].buf,
			.msg_controllen = sizeof(rx->cmsg[i].buf),
		};
	}
}

/**
 * vxlan_underlay_mtu() - the MTU of the route from @local to @remote
 * @netns_fd: the underlay's namespace from netns_open(), -1: the caller's
 * @local: source address (INADDR_ANY: any)
 * @remote: a remote VTEP
 * @mtu: out: the MTU (of the route, else of its device)
 *
 * Asks the kernel with a connected UDP socket (IP_MTU); nothing is sent.
 *
 * Return: 0, or -errno (-ENETUNREACH: no route, -EADDRNOTAVAIL: @local is
 * not an address of that namespace).
 */
int vxlan_underlay_mtu(int netns_fd, struct in_addr local,
		       struct in_addr remote, uint32_t *mtu)
{
	struct sockaddr_in l = {.sin_family = AF_INET, .sin_addr = local};
	struct sockaddr_in r = {.sin_family = AF_INET,
				.sin_addr = remote,
				.sin_port = htons(VXLAN_PORT_DEFAULT)};
	socklen_t len = sizeof(int);
	int fd, saved, ret, val = 0;

	ret = netns_enter(netns_fd, &saved);
	if (ret)
		return ret;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ret = fd < 0 ? -errno : 0;
	if (netns_leave(saved) && !ret)
		ret = -EIO;
	if (ret)
		goto out;
	if (bind(fd, (struct sockaddr *)&l, sizeof(l)) ||
	    connect(fd, (struct sockaddr *)&r, sizeof(r)) ||
	    getsockopt(fd, IPPROTO_IP, IP_MTU, &val, &len))
		ret = -errno;
	else
		*mtu = (uint32_t)val;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

static int cfg_check(const struct vxlan_cfg *cfg)
{
	if (!cfg->vni || cfg->vni > VXLAN_VNI_MAX || !cfg->nremotes ||
	    cfg->nremotes > VXLAN_MAX_REMOTES)
		return -EINVAL;
	if (cfg->mtu && cfg->mtu < VXLAN_OVERHEAD + 68)
		return -EINVAL;
	return 0;
}

static void vx_setup(struct vxlan *vx, const struct vxlan_cfg *cfg,
		     int netns_fd)
{
	unsigned int i;
	uint32_t mtu = cfg->mtu;

	vx->cfg = *cfg;
	if (!vx->cfg.port)
		vx->cfg.port = VXLAN_PORT_DEFAULT;
	if (!vx->cfg.aging_s)
		vx->cfg.aging_s = VXLAN_AGING_DEFAULT;
	if (!mtu &&
	    vxlan_underlay_mtu(netns_fd, cfg->local, cfg->remotes[0], &mtu))
		mtu = 1500;
	if (mtu < VXLAN_OVERHEAD + 68)
		mtu = VXLAN_OVERHEAD + 68;
	vx->cfg.mtu = mtu;
	vx->inner_max = mtu - VX_INNER_ROOM - VXLAN_HLEN;
	for (i = 0; i < cfg->nremotes; i++)
		vx->dst[i] =
			(struct sockaddr_in){.sin_family = AF_INET,
					     .sin_port = htons(vx->cfg.port),
					     .sin_addr = cfg->remotes[i]};
	rx_msgs_init(&vx->rx);
	vx->hdr[0] = VX_FLAG_I;
	vx->hdr[4] = (uint8_t)(vx->cfg.vni >> 16);
	vx->hdr[5] = (uint8_t)(vx->cfg.vni >> 8);
	vx->hdr[6] = (uint8_t)vx->cfg.vni;
}

/**
 * vxlan_port_open() - open a VXLAN tunnel port
 * @port: port to fill (ops, name, priv); id and stats are left alone
 * @name: the port's name ("tor1.vx5001")
 * @netns_fd: the underlay's namespace (where @cfg->local is), from
 *            netns_open(); -1: the caller's. Entered for socket() only.
 * @cfg: the tunnel; copied
 *
 * The port's MTU is cfg->mtu, or the route's towards the first remote
 * (1500 if there is none yet); inner frames longer than MTU - 36 bytes
 * are dropped and counted.
 *
 * Return: 0, -EINVAL for a bad @cfg, -EADDRNOTAVAIL if @cfg->local is not
 * an address of the namespace, -EADDRINUSE if local:port is taken (by
 * another tunnel or a kernel vxlan device) or no port of a source port
 * slice is free, or another -errno (nothing left open).
 */
int vxlan_port_open(struct port *port, const char *name, int netns_fd,
		    const struct vxlan_cfg *cfg)
{
	struct vxlan *vx;
	int ret = cfg_check(cfg);
	unsigned int i;

	if (ret)
		return ret;
	vx = calloc(1, sizeof(*vx));
	if (!vx)
		return -ENOMEM;
	vx->rx_fd = vx->ev_fd = vx->ep_fd = -1;
	for (i = 0; i < VXLAN_TX_SOCKETS; i++)
		vx->tx_fds[i] = -1;
	vx_setup(vx, cfg, netns_fd);
	ret = sockets_open(vx, netns_fd);
	if (ret)
		goto err_close;
	port->ops = &vxlan_ops;
	port->priv = vx;
	snprintf(port->name, sizeof(port->name), "%s", name);
	return 0;

err_close:
	sockets_close(vx);
	free(vx);
	return ret;
}

/**
 * vxlan_port_is() - is @port a VXLAN tunnel port?
 * @port: any opened port
 *
 * Return: true if vxlan_port_open() set it up.
 */
bool vxlan_port_is(const struct port *port)
{
	return port->ops == &vxlan_ops;
}

/**
 * vxlan_port_counters() - the tunnel's counters, VXLAN_C_MAX of them
 * @port: a port for which vxlan_port_is() is true
 *
 * Return: the array, named by vxlan_counter_names[]; valid while open.
 */
const uint64_t *vxlan_port_counters(const struct port *port)
{
	const struct vxlan *vx = port->priv;

	return vx->counters;
}

/**
 * vxlan_port_mtu() - the underlay MTU the port works with
 * @port: a port for which vxlan_port_is() is true
 *
 * Return: the MTU; inner frames may be 36 bytes shorter (IP packets 50).
 */
uint32_t vxlan_port_mtu(const struct port *port)
{
	const struct vxlan *vx = port->priv;

	return vx->cfg.mtu;
}
