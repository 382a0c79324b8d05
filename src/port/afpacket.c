// SPDX-License-Identifier: MIT
/*
 * afpacket.c - AF_PACKET port: a TPACKET_V2 ring (or recvmmsg(), or a
 * TPACKET_V3 ring) for rx,
 * batched tx, with virtio-net headers so GSO super-frames and partial
 * checksums pass through as one buffer.
 *
 * Theory of operation
 *
 * Socket: SOCK_RAW, bound to one ifindex with ETH_P_ALL, opened with the
 * calling thread inside the interface's namespace (it stays tied to that
 * namespace). Options, in the order the kernel requires (all before a
 * ring is mapped): TPACKET_V3 (only when a ring is used), PACKET_VNET_HDR
 * (each frame carries a struct virtio_net_hdr: rx tells us "GSO TCPv4,
 * 1448-byte segments, checksum partial from offset 34", tx lets us hand
 * the same back), PACKET_IGNORE_OUTGOING (our own tx is not looped back
 * to our rx), PACKET_QDISC_BYPASS (tx goes straight to the driver: veth
 * and tun have no queue worth keeping) and PACKET_MR_PROMISC.
 *
 * RX: three implementations, chosen by cfg->rx_mode.
 *  - AFPACKET_RX_RECVMMSG: rx() takes up to 64 pool buffers and
 *    one recvmmsg(MSG_DONTWAIT) fills them, each message two iovecs
 *    (vnet header into p->vnet, frame at pkt_data(p)); unused buffers go
 *    straight back. One copy (skb -> pool buffer) and the socket is
 *    readable as soon as one frame is queued. The kernel's 802.1Q tag,
 *    pulled out of the frame by veth (hw-accelerated tags travel as skb
 *    metadata), comes in a PACKET_AUXDATA message: the 12 address bytes
 *    move 4 bytes into the headroom and the tag goes in between, so no
 *    frame data moves. The socket buffer (cfg->rcvbuf, 8 MiB: 128 GSO
 *    frames, like the ring) is the only queue; its overflows arrive as
 *    the SO_RXQ_OVFL count on the next frame and go to rx_dropped. With an
 *    empty pool, frames are read into a scratch buffer and counted as
 *    drops, so a level-triggered loop does not spin on them.
 *  - AFPACKET_RX_RING: the kernel fills blocks of rx_block_size bytes and
 *    hands a block over (block_status TP_STATUS_USER) when it is full or
 *    rx_block_tmo_ms after its first frame. Frames are copied into pool
 *    buffers (a pool buffer must outlive the block, and the dataplane owns
 *    buffers, not ring slots) and the block is returned (TP_STATUS_KERNEL)
 *    once all its frames are copied; a partly consumed block is kept
 *    across rx() calls. Two copies (skb -> ring -> pool buffer), and the
 *    block timeout is the latency floor at low rates (V3 wakes the reader
 *    per block, not per frame). The vnet header sits just before the MAC
 *    header (tp_mac - 10); a 64 KiB GSO frame needs a block of more than
 *    64 KiB, hence 256 KiB blocks. The tag comes in tp_vlan_tci and is
 *    written into the copy. Ring drops are read from PACKET_STATISTICS
 *    when a block carries TP_STATUS_LOSING.
 *  - AFPACKET_RX_RING_V2 (default): a TPACKET_V2 ring of rx_frame_size slots (2 KiB,
 *    1024 of them in the same 8 MiB): the sender's softirq copies each
 *    frame into the next slot, marks it TP_STATUS_USER and wakes us per
 *    frame (no block timeout); rx() copies it out and hands the slot back
 *    at once. The vnet header is at tp_mac - 10, as in V3; the tag comes
 *    in tp_vlan_tci. A frame too big for a slot (a GSO super-frame) is,
 *    with PACKET_COPY_THRESH, also queued whole on the socket (its slot
 *    says TP_STATUS_COPY, in ring order) and read from there with one
 *    recvmsg(), so 64 KiB slots (3 per 256 KiB block: 96 frames in 8 MiB,
 *    which a 64-byte flood overruns) are not needed. The slot header
 *    layout differs from V3's, so it does not combine with the tx ring.
 * Any way a re-inserted tag moves csum_start/hdr_len by 4, so every
 * node sees tagged frames as they were on the wire.
 *
 * Why recvmmsg replaced the V3 ring, measured (kernel 6.18, 2 vCPUs shared with
 * other jobs; two namespaces on one dcbox switch vs. a Linux bridge
 * between two namespaces, each test run the three ways in turn, 3 rounds,
 * medians; ping -c 1000 -i 0.01 percentiles, iperf3 -t 5 -C cubic one
 * stream, 64-byte UDP from bench/udpgen raw in h1 counted at h2's NIC,
 * daemon CPU-s from /proc/PID/stat):
 *                  TCP Gbit/s  UDP64 kpps  RTT p50/p99 us  CPU-s TCP  idle
 *   bridge            23.0        130          78/120        kernel     -
 *   rx ring           9.3         148        1100/1660       2.45      0.00
 *   recvmmsg         11.8         118         148/295        3.42      0.00
 * The ring waits for its 1 ms block timeout at low rates (the RTT), and
 * copies every frame twice. recvmmsg copies once and wakes per frame: 7x
 * lower RTT and +27% TCP. It costs more daemon CPU per small frame (the
 * skb copy that the sender's softirq did into the ring now runs in the
 * daemon), so 64-byte UDP loses ~20% to the ring when the daemon is the
 * bottleneck; latency and TCP matter more. What is left of the RTT is two
 * cross-CPU wakeups (the daemon for the request, ping for the reply) that
 * the bridge, all in the sender's softirq, does not have: polling instead
 * of blocking (measured up to 20 ms of spin) leaves p50 at ~130 us. Under
 * TCP the daemon spends ~58% of its time in sendmmsg (half of it the copy
 * into the new skb, a third h2's TCP receive, run in our softirq) and
 * ~38% in recvmmsg (almost all of it the copy out); user space is ~2%.
 *
 * Why the V2 ring replaced recvmmsg as the default, measured the same way
 * (tests run in turn bridge, recvmmsg, V2 2 KiB slots, V2 64 KiB slots;
 * 6 rounds, medians; ping -c 500; iperf3 -t 5; udpgen send --dev, 5 s;
 * CPU-s over the TCP / UDP test; busy shared machine, round 1 noisy):
 *                  TCP Gbit/s  UDP64 kpps  RTT p50/p99 us  CPU-s TCP/UDP
 *   bridge           16.2        142           85/125        kernel
 *   recvmmsg         12.1        137          170/457       3.98/4.83
 *   V2, 2 KiB        13.5        169          159/372       4.33/4.99
 *   V2, 64 KiB       12.6        182          161/331       3.78/4.97
 * Per round, V2 (2 KiB) beat recvmmsg on p50 6 of 6, UDP 6/6, p99 4/6,
 * TCP 4/6. The copy into the slot runs in the sender's softirq, so more
 * small frames get through a daemon that has a core at most; the RTT gain
 * is ~10%, the p99 gain within the noise, and neither is near the
 * bridge (p99 1.5x the bridge's is still a target): the two cross-CPU
 * wakeups remain. 64 KiB slots (96 in 8 MiB) did as well here but lost
 * 937k of 1.4M 64-byte frames to a full ring in a first trial; 2 KiB
 * slots hold 1024 frames, and GSO frames take the socket queue.
 *
 * TX: two implementations, chosen by cfg->tx_mode.
 *  - AFPACKET_TX_SENDMMSG (default): one sendmmsg() per batch, each message
 *    two iovecs (vnet header, frame) pointing into the pool buffer.
 *  - AFPACKET_TX_RING: a TPACKET tx ring of 64 KiB + header frames; frames
 *    are copied in, marked TP_STATUS_SEND_REQUEST, and one
 *    sendto(MSG_DONTWAIT) per batch sends them all.
 * Measured (kernel 6.18, 2 vCPUs shared with other work, iperf3 -t 3 TCP
 * between two namespaces through a one-thread forwarder of two afpacket
 * ports, tests/unit/test_afpacket.c; Gbit/s, 8 runs, same run each pair):
 *   sendmmsg 5.04 4.41 2.66 3.02 5.50 4.51 3.18 4.41  (median 4.4)
 *   tx ring  5.74 2.72 2.69 2.71 3.37 3.79 2.27 3.07  (median 2.9)
 *   direct veth between the same namespaces: 5.1 to 14.6
 * sendmmsg won 7 of 8. Both copy the frame once on tx (sendmmsg into a
 * fresh skb; the ring into its slot, which the skb then borrows page by
 * page, and the slot stays busy until the peer has consumed the skb, so
 * the ring runs dry under TCP bursts). sendmmsg also needs no 8 MiB of
 * ring per port, so it is the default; the ring stays as an option.
 * A frame the kernel refuses is a counted tx drop; EAGAIN/ENOBUFS (socket
 * buffer or peer backlog full) drops the rest of the batch rather than
 * spinning.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "afpacket.h"
#include "netns.h"

enum {
	VNET_SIZE = sizeof(struct virtio_net_hdr),
	VLAN_SIZE = 4,
	ETH_ADDRS = 12,
	TX_BLOCK_SIZE = 1024 * 1024,
	/* tx frame: tpacket3_hdr (aligned), vnet header, largest frame */
	TX_FRAME_SIZE = TPACKET_ALIGN(TPACKET_ALIGN(sizeof(struct tpacket3_hdr))
				      + VNET_SIZE + PKT_DATA_MAX),
	TX_DATA_OFF = TPACKET_ALIGN(sizeof(struct tpacket3_hdr)),
	TX_FRAMES_PER_BLOCK = TX_BLOCK_SIZE / TX_FRAME_SIZE,
	/* the kernel puts a V2 slot's MAC header at TPACKET_ALIGN(
	 * TPACKET2_HDRLEN + 16) + vnet header - 14 = 76 bytes in */
	RX2_MAC_OFF = 76,
};

/* space for the PACKET_AUXDATA and SO_RXQ_OVFL messages of one frame */
#define RX_CMSG_SIZE (CMSG_SPACE(sizeof(struct tpacket_auxdata)) + \
		      CMSG_SPACE(sizeof(uint32_t)))

/* AFPACKET_RX_RECVMMSG: message headers, set up once at open */
struct rx_msgs {
	struct mmsghdr msgs[PKT_BURST];
	struct iovec iov[PKT_BURST][2];
	union {
		struct cmsghdr align;
		uint8_t buf[RX_CMSG_SIZE];
	} cmsg[PKT_BURST];
};

struct afpacket {
	int fd;
	enum afpacket_rx_mode rx_mode;
	enum afpacket_tx_mode tx_mode;
	struct rx_msgs *rx;        /* AFPACKET_RX_RECVMMSG */
	uint32_t rx_ovfl;          /* last SO_RXQ_OVFL drop count seen */
	uint8_t *map;              /* rx ring, then tx ring */
	size_t map_size;
	/* rx ring */
	uint32_t blk_size, blk_nr, blk_cur;
	struct tpacket3_hdr *next; /* next frame in the current block */
	uint32_t left;             /* frames left in the current block */
	uint32_t slot_size, slot_nr, slot_cur; /* AFPACKET_RX_RING_V2 */
	/* tx ring */
	uint8_t *tx_ring;
	uint32_t tx_frame_nr, tx_cur;
};

static const struct port_ops afpacket_ops;

static struct tpacket_block_desc *rx_block(struct afpacket *a, uint32_t i)
{
	return (struct tpacket_block_desc *)(a->map + (size_t)i * a->blk_size);
}

/* kernel drops since the last read; reading resets the counters */
static void account_kernel_drops(struct port *port, struct afpacket *a)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	if (getsockopt(a->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		port->stats.rx_dropped += st.tp_drops;
}

/* the 802.1Q/802.1ad header the kernel took out of the frame, at @d */
static void vlan_tag_write(uint8_t *d, uint32_t status, uint16_t tpid,
			   uint16_t tci)
{
	if (!(status & TP_STATUS_VLAN_TPID_VALID))
		tpid = ETH_P_8021Q;
	d[0] = (uint8_t)(tpid >> 8);
	d[1] = (uint8_t)tpid;
	d[2] = (uint8_t)(tci >> 8);
	d[3] = (uint8_t)tci;
}

/* offsets in the vnet header count from the MAC header: 4 bytes more */
static void vnet_shift_tag(struct pkt *p)
{
	if (p->vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		p->vnet.csum_start += VLAN_SIZE;
	if (p->vnet.hdr_len)
		p->vnet.hdr_len += VLAN_SIZE;
}

static void rx_count(struct port *port, struct pkt *p)
{
	p->in_port = port->id;
	port->stats.rx_packets++;
	port->stats.rx_bytes += p->len;
}

/* what rx_frame() needs of a V2 or V3 ring frame header */
struct ring_frame {
	const uint8_t *mac;
	uint32_t snaplen, len, status;
	uint16_t tpid, tci;
};

/* copy one ring frame into a pool buffer; NULL if dropped (counted) */
static struct pkt *rx_frame(struct port *port, struct pkt_pool *pool,
			    const struct ring_frame *h)
{
	const uint8_t *mac = h->mac;
	bool tagged = h->status & TP_STATUS_VLAN_VALID;
	uint32_t len = h->snaplen, extra = tagged ? VLAN_SIZE : 0;
	struct pkt *p;
	uint8_t *d;

	if (len != h->len || len < ETH_HLEN || len + extra > PKT_DATA_MAX)
		goto drop;
	p = pkt_alloc(pool);
	if (!p)
		goto drop;
	memcpy(&p->vnet, mac - VNET_SIZE, VNET_SIZE);
	d = pkt_data(p);
	if (!tagged) {
		memcpy(d, mac, len);
	} else {
		memcpy(d, mac, ETH_ADDRS);
		vlan_tag_write(d + ETH_ADDRS, h->status, h->tpid, h->tci);
		memcpy(d + ETH_ADDRS + VLAN_SIZE, mac + ETH_ADDRS,
		       len - ETH_ADDRS);
		vnet_shift_tag(p);
	}
	p->len = len + extra;
	rx_count(port, p);
	return p;
drop:
	port->stats.rx_dropped++;
	return NULL;
}

/* start on the current block if the kernel has handed it over */
static bool rx_block_open(struct port *port, struct afpacket *a)
{
	struct tpacket_block_desc *b = rx_block(a, a->blk_cur);
	uint32_t status = __atomic_load_n(&b->hdr.bh1.block_status,
					  __ATOMIC_ACQUIRE);

	if (!(status & TP_STATUS_USER))
		return false;
	if (status & TP_STATUS_LOSING)
		account_kernel_drops(port, a);
	a->left = b->hdr.bh1.num_pkts;
	a->next = (struct tpacket3_hdr *)((uint8_t *)b +
					  b->hdr.bh1.offset_to_first_pkt);
	return true;
}

static void rx_block_close(struct afpacket *a)
{
	struct tpacket_block_desc *b = rx_block(a, a->blk_cur);

	__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL,
			 __ATOMIC_RELEASE);
	a->blk_cur = (a->blk_cur + 1) % a->blk_nr;
}

static int rx_ring(struct port *port, struct afpacket *a,
		   struct pkt_pool *pool, struct pkt **pkts, unsigned int max)
{
	unsigned int n = 0;

	while (n < max) {
		struct pkt *p;

		if (!a->left) {
			if (!rx_block_open(port, a))
				break;
			if (!a->left) {
				rx_block_close(a);
				continue;
			}
		}
		p = rx_frame(port, pool, &(struct ring_frame){
			.mac = (const uint8_t *)a->next + a->next->tp_mac,
			.snaplen = a->next->tp_snaplen,
			.len = a->next->tp_len,
			.status = a->next->tp_status,
			.tpid = a->next->hv1.tp_vlan_tpid,
			.tci = a->next->hv1.tp_vlan_tci,
		});
		if (p)
			pkts[n++] = p;
		a->next = (struct tpacket3_hdr *)((uint8_t *)a->next +
						  a->next->tp_next_offset);
		if (--a->left == 0)
			rx_block_close(a);
	}
	return (int)n;
}

/* the pool is empty: take up to @max frames off the socket, counted */
static void rx_discard(struct port *port, struct afpacket *a,
		       unsigned int max)
{
	uint8_t sink[VNET_SIZE + ETH_HLEN];

	while (max--) {
		if (recv(a->fd, sink, sizeof(sink),
			 MSG_DONTWAIT | MSG_TRUNC) < 0)
			break;
		port->stats.rx_dropped++;
	}
}

/* put the stripped tag back: the addresses move 4 bytes into the
 * headroom, the rest of the frame stays where recvmmsg() wrote it */
static void rx_tag_insert(struct pkt *p, const struct tpacket_auxdata *aux)
{
	uint8_t *d;

	p->off -= VLAN_SIZE;
	d = pkt_data(p);
	memmove(d, d + VLAN_SIZE, ETH_ADDRS);
	vlan_tag_write(d + ETH_ADDRS, aux->tp_status, aux->tp_vlan_tpid,
		       aux->tp_vlan_tci);
	p->len += VLAN_SIZE;
	vnet_shift_tag(p);
}

/* a frame too big for its V2 slot (TP_STATUS_COPY): the kernel queued
 * the whole skb on the socket too, in ring order; read it from there */
static struct pkt *rx_copied(struct port *port, struct afpacket *a,
			     struct pkt_pool *pool,
			     const struct tpacket2_hdr *h, uint32_t st)
{
	struct pkt *p = pkt_alloc(pool);
	struct iovec iov[2];
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t r;

	if (!p) {
		rx_discard(port, a, 1);
		return NULL;
	}
	iov[0] = (struct iovec){ &p->vnet, VNET_SIZE };
	iov[1] = (struct iovec){ pkt_data(p), PKT_DATA_MAX - VLAN_SIZE };
	r = recvmsg(a->fd, &mh, MSG_DONTWAIT);
	if (r < VNET_SIZE + ETH_HLEN || (mh.msg_flags & MSG_TRUNC)) {
		port->stats.rx_dropped++;
		pkt_free(pool, p);
		return NULL;
	}
	p->len = (uint32_t)r - VNET_SIZE;
	if (st & TP_STATUS_VLAN_VALID)
		rx_tag_insert(p, &(struct tpacket_auxdata){
			.tp_status = st,
			.tp_vlan_tci = h->tp_vlan_tci,
			.tp_vlan_tpid = h->tp_vlan_tpid,
		});
	rx_count(port, p);
	return p;
}

/* V2 slot i: frames never straddle blocks */
static struct tpacket2_hdr *rx_slot(struct afpacket *a, uint32_t i)
{
	uint32_t per_block = a->blk_size / a->slot_size;

	return (struct tpacket2_hdr *)(a->map +
				       (size_t)(i / per_block) * a->blk_size +
				       (size_t)(i % per_block) * a->slot_size);
}

/* AFPACKET_RX_RING_V2: one frame per slot, handed back at once */
static int rx_ring_v2(struct port *port, struct afpacket *a,
		      struct pkt_pool *pool, struct pkt **pkts,
		      unsigned int max)
{
	unsigned int n = 0;

	while (n < max) {
		struct tpacket2_hdr *h = rx_slot(a, a->slot_cur);
		uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
		struct pkt *p;

		if (!(st & TP_STATUS_USER))
			break;
		if (st & TP_STATUS_LOSING)
			account_kernel_drops(port, a);
		if (st & TP_STATUS_COPY)
			p = rx_copied(port, a, pool, h, st);
		else
			p = rx_frame(port, pool, &(struct ring_frame){
				.mac = (const uint8_t *)h + h->tp_mac,
				.snaplen = h->tp_snaplen,
				.len = h->tp_len,
				.status = st,
				.tpid = h->tp_vlan_tpid,
				.tci = h->tp_vlan_tci,
			});
		if (p)
			pkts[n++] = p;
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		a->slot_cur = (a->slot_cur + 1) % a->slot_nr;
	}
	return (int)n;
}

/* finish a frame recvmmsg() wrote into @p; false: drop it */
static bool rx_msg(struct port *port, struct afpacket *a, struct pkt *p,
		   const struct mmsghdr *m)
{
	struct msghdr *mh = (struct msghdr *)&m->msg_hdr;
	struct tpacket_auxdata aux = { 0 };
	struct cmsghdr *c;
	uint32_t drops;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_PACKET &&
		    c->cmsg_type == PACKET_AUXDATA) {
			memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		} else if (c->cmsg_level == SOL_SOCKET &&
			   c->cmsg_type == SO_RXQ_OVFL) {
			/* the socket's drop count, as of this frame */
			memcpy(&drops, CMSG_DATA(c), sizeof(drops));
			port->stats.rx_dropped += drops - a->rx_ovfl;
			a->rx_ovfl = drops;
		}
	}
	if ((mh->msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    m->msg_len < VNET_SIZE + ETH_HLEN)
		return false;
	p->len = m->msg_len - VNET_SIZE;
	if (aux.tp_status & TP_STATUS_VLAN_VALID) {
		if (p->len + VLAN_SIZE > PKT_DATA_MAX)
			return false;
		rx_tag_insert(p, &aux);
	}
	rx_count(port, p);
	return true;
}

static int rx_recvmmsg(struct port *port, struct afpacket *a,
		       struct pkt_pool *pool, struct pkt **pkts,
		       unsigned int max)
{
	struct rx_msgs *rx = a->rx;
	struct pkt *bufs[PKT_BURST];
	unsigned int i, n, got, k = 0;
	int r;

	n = pkt_alloc_bulk(pool, bufs, max < PKT_BURST ? max : PKT_BURST);
	if (!n) {
		rx_discard(port, a, max);
		return 0;
	}
	for (i = 0; i < n; i++) {
		rx->iov[i][0].iov_base = &bufs[i]->vnet;
		rx->iov[i][1].iov_base = pkt_data(bufs[i]);
		rx->msgs[i].msg_hdr.msg_controllen = RX_CMSG_SIZE;
	}
	do {
		r = recvmmsg(a->fd, rx->msgs, n, MSG_DONTWAIT, NULL);
	} while (r < 0 && errno == EINTR);
	got = r > 0 ? (unsigned int)r : 0;
	for (i = 0; i < got; i++) {
		if (rx_msg(port, a, bufs[i], &rx->msgs[i])) {
			pkts[k++] = bufs[i];
		} else {
			port->stats.rx_dropped++;
			pkt_free(pool, bufs[i]);
		}
	}
	pkt_free_bulk(pool, bufs + got, n - got);
	return (int)k;
}

static int afpacket_rx(struct port *port, struct pkt_pool *pool,
		       struct pkt **pkts, unsigned int max)
{
	struct afpacket *a = port->priv;

	if (a->rx_mode == AFPACKET_RX_RING)
		return rx_ring(port, a, pool, pkts, max);
	if (a->rx_mode == AFPACKET_RX_RING_V2)
		return rx_ring_v2(port, a, pool, pkts, max);
	return rx_recvmmsg(port, a, pool, pkts, max);
}

static int tx_sendmmsg(struct port *port, struct afpacket *a,
		       struct pkt **pkts, unsigned int n)
{
	struct mmsghdr msgs[PKT_BURST];
	struct iovec iov[PKT_BURST][2];
	unsigned int i, done = 0, sent = 0;

	for (i = 0; i < n; i++) {
		iov[i][0] = (struct iovec){ &pkts[i]->vnet, VNET_SIZE };
		iov[i][1] = (struct iovec){ pkt_data(pkts[i]), pkts[i]->len };
		msgs[i] = (struct mmsghdr){ .msg_hdr = {
			.msg_iov = iov[i], .msg_iovlen = 2 } };
	}
	while (done < n) {
		int r = sendmmsg(a->fd, msgs + done, n - done, MSG_DONTWAIT);

		if (r > 0) {
			for (i = done; i < done + (unsigned int)r; i++)
				port->stats.tx_bytes += pkts[i]->len;
			done += (unsigned int)r;
			sent += (unsigned int)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
			port->stats.tx_dropped += n - done;
			break;
		}
		port->stats.tx_dropped++;  /* this frame was refused */
		done++;
	}
	port->stats.tx_packets += sent;
	return (int)sent;
}

/* frames never straddle blocks: slot i is frame i % per-block in block
 * i / per-block */
static struct tpacket3_hdr *tx_slot(struct afpacket *a, uint32_t i)
{
	size_t blk = i / TX_FRAMES_PER_BLOCK, off = i % TX_FRAMES_PER_BLOCK;

	return (struct tpacket3_hdr *)(a->tx_ring + blk * TX_BLOCK_SIZE +
				       off * TX_FRAME_SIZE);
}

static int tx_ring(struct port *port, struct afpacket *a, struct pkt **pkts,
		   unsigned int n)
{
	unsigned int i, queued = 0;

	for (i = 0; i < n; i++) {
		struct tpacket3_hdr *h = tx_slot(a, a->tx_cur);
		uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
		uint8_t *d = (uint8_t *)h + TX_DATA_OFF;

		if (st == TP_STATUS_WRONG_FORMAT) {
			port->stats.tx_dropped++;
			st = TP_STATUS_AVAILABLE;
		}
		if (st != TP_STATUS_AVAILABLE) {
			port->stats.tx_dropped += n - i;  /* ring full */
			break;
		}
		memcpy(d, &pkts[i]->vnet, VNET_SIZE);
		memcpy(d + VNET_SIZE, pkt_data(pkts[i]), pkts[i]->len);
		h->tp_len = VNET_SIZE + pkts[i]->len;
		port->stats.tx_bytes += pkts[i]->len;
		__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
				 __ATOMIC_RELEASE);
		a->tx_cur = (a->tx_cur + 1) % a->tx_frame_nr;
		queued++;
	}
	if (queued &&
	    sendto(a->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
	    errno != EAGAIN && errno != ENOBUFS)
		port->stats.tx_dropped++;
	port->stats.tx_packets += queued;
	return (int)queued;
}

static int afpacket_tx(struct port *port, struct pkt_pool *pool,
		       struct pkt **pkts, unsigned int n)
{
	struct afpacket *a = port->priv;
	int sent = 0;

	while (n) {
		unsigned int k = n < PKT_BURST ? n : PKT_BURST;

		if (a->tx_mode == AFPACKET_TX_RING)
			sent += tx_ring(port, a, pkts, k);
		else
			sent += tx_sendmmsg(port, a, pkts, k);
		pkt_free_bulk(pool, pkts, k);
		pkts += k;
		n -= k;
	}
	return sent;
}

static int afpacket_fd(const struct port *port)
{
	const struct afpacket *a = port->priv;

	return a->fd;
}

static void afpacket_close(struct port *port)
{
	struct afpacket *a = port->priv;

	if (!a)
		return;
	if (a->map)
		munmap(a->map, a->map_size);
	close(a->fd);
	free(a->rx);
	free(a);
	port->priv = NULL;
}

static const struct port_ops afpacket_ops = {
	.kind = "afpacket",
	.rx = afpacket_rx,
	.tx = afpacket_tx,
	.fd = afpacket_fd,
	.close = afpacket_close,
};

/**
 * afpacket_cfg_default() - fill @cfg with the defaults
 * @cfg: configuration to fill
 *
 * TPACKET_V2 rx ring of 32 blocks of 256 KiB (8 MiB) cut into 2 KiB
 * slots, with an 8 MiB socket buffer for the GSO frames that do not fit
 * (also recvmmsg's, should rx_mode be AFPACKET_RX_RECVMMSG); sendmmsg tx,
 * promiscuous, qdisc bypass. For AFPACKET_RX_RING the same blocks fill
 * with a 1 ms block timeout (room for 128 GSO frames).
 */
void afpacket_cfg_default(struct afpacket_cfg *cfg)
{
	*cfg = (struct afpacket_cfg){
		.rx_mode = AFPACKET_RX_RING_V2,
		.rcvbuf = AFPACKET_RCVBUF,
		.rx_block_size = AFPACKET_RX_BLOCK_SIZE,
		.rx_block_nr = AFPACKET_RX_BLOCK_NR,
		.rx_block_tmo_ms = AFPACKET_RX_BLOCK_TMO_MS,
		.rx_frame_size = AFPACKET_RX_FRAME_SIZE,
		.tx_mode = AFPACKET_TX_SENDMMSG,
		.tx_block_nr = AFPACKET_TX_BLOCK_NR,
		.sndbuf = AFPACKET_SNDBUF,
		.promisc = true,
		.qdisc_bypass = true,
	};
}

static int setopt_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val)) ? -errno : 0;
}

/* AFPACKET_RX_RECVMMSG: the stripped VLAN tag and the drop count come
 * as control messages; the socket buffer is all the queue there is */
static int rx_options(int fd, const struct afpacket_cfg *cfg)
{
	int ret;

	ret = setopt_int(fd, SOL_PACKET, PACKET_AUXDATA, 1);
	if (!ret)
		ret = setopt_int(fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
	if (!ret && cfg->rcvbuf &&
	    setopt_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, (int)cfg->rcvbuf))
		ret = setopt_int(fd, SOL_SOCKET, SO_RCVBUF, (int)cfg->rcvbuf);
	return ret;
}

static int sock_options(int fd, int ifindex, const struct afpacket_cfg *cfg)
{
	struct packet_mreq mr = { .mr_ifindex = ifindex,
				  .mr_type = PACKET_MR_PROMISC };
	bool ring = cfg->rx_mode == AFPACKET_RX_RING ||
		    cfg->tx_mode == AFPACKET_TX_RING;
	int ret = 0;

	if (cfg->rx_mode == AFPACKET_RX_RING_V2)
		ret = setopt_int(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V2);
	else if (ring)
		ret = setopt_int(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V3);
	if (!ret)
		ret = setopt_int(fd, SOL_PACKET, PACKET_VNET_HDR, 1);
	if (!ret)
		ret = setopt_int(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1);
	if (!ret && cfg->qdisc_bypass)
		ret = setopt_int(fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1);
	if (!ret && cfg->promisc &&
	    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)))
		ret = -errno;
	/* SNDBUFFORCE needs CAP_NET_ADMIN; plain SNDBUF is capped, fine */
	if (!ret && cfg->sndbuf &&
	    setopt_int(fd, SOL_SOCKET, SO_SNDBUFFORCE, (int)cfg->sndbuf))
		ret = setopt_int(fd, SOL_SOCKET, SO_SNDBUF, (int)cfg->sndbuf);
	if (!ret && cfg->rx_mode == AFPACKET_RX_RECVMMSG)
		ret = rx_options(fd, cfg);
	/* V2: what does not fit a slot is also queued on the socket */
	if (!ret && cfg->rx_mode == AFPACKET_RX_RING_V2)
		ret = setopt_int(fd, SOL_PACKET, PACKET_COPY_THRESH, 1);
	if (!ret && cfg->rx_mode == AFPACKET_RX_RING_V2 && cfg->rcvbuf &&
	    setopt_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, (int)cfg->rcvbuf))
		ret = setopt_int(fd, SOL_SOCKET, SO_RCVBUF, (int)cfg->rcvbuf);
	return ret;
}

static int rings_map(struct afpacket *a, const struct afpacket_cfg *cfg)
{
	struct tpacket_req3 rx = {
		.tp_block_size = cfg->rx_block_size,
		.tp_block_nr = cfg->rx_block_nr,
		.tp_frame_size = TPACKET_ALIGNMENT << 7,
		.tp_retire_blk_tov = cfg->rx_block_tmo_ms,
	};
	struct tpacket_req3 tx = { 0 };
	size_t rx_size = 0;

	if (cfg->rx_mode == AFPACKET_RX_RING_V2) {
		/* struct tpacket_req: the first four fields, no timeout */
		rx.tp_frame_size = cfg->rx_frame_size;
		rx.tp_retire_blk_tov = 0;
	}
	a->slot_size = rx.tp_frame_size;
	rx.tp_frame_nr = rx.tp_block_size / rx.tp_frame_size * rx.tp_block_nr;
	a->slot_nr = rx.tp_frame_nr;
	if (cfg->rx_mode != AFPACKET_RX_RECVMMSG) {
		if (setsockopt(a->fd, SOL_PACKET, PACKET_RX_RING, &rx,
			       sizeof(rx)))
			return -errno;
		rx_size = (size_t)rx.tp_block_size * rx.tp_block_nr;
	}
	a->map_size = rx_size;
	if (cfg->tx_mode == AFPACKET_TX_RING) {
		tx.tp_block_size = TX_BLOCK_SIZE;
		tx.tp_block_nr = cfg->tx_block_nr;
		tx.tp_frame_size = TX_FRAME_SIZE;
		tx.tp_frame_nr = TX_FRAMES_PER_BLOCK * tx.tp_block_nr;
		if (setsockopt(a->fd, SOL_PACKET, PACKET_TX_RING, &tx,
			       sizeof(tx)))
			return -errno;
		a->map_size += (size_t)tx.tp_block_size * tx.tp_block_nr;
		a->tx_frame_nr = tx.tp_frame_nr;
	}
	if (!a->map_size)
		return 0;
	a->map = mmap(NULL, a->map_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_POPULATE, a->fd, 0);
	if (a->map == MAP_FAILED) {
		a->map = NULL;
		return -errno;
	}
	a->blk_size = rx.tp_block_size;
	a->blk_nr = rx.tp_block_nr;
	a->tx_ring = a->map + rx_size;
	return 0;
}

/* AFPACKET_RX_RECVMMSG: every message is two iovecs (vnet header, frame)
 * and a control buffer; rx() only fills in the buffers' addresses */
static int rx_msgs_init(struct afpacket *a)
{
	struct rx_msgs *rx = calloc(1, sizeof(*rx));
	unsigned int i;

	if (!rx)
		return -ENOMEM;
	for (i = 0; i < PKT_BURST; i++) {
		rx->iov[i][0].iov_len = VNET_SIZE;
		/* room for the tag rx_tag_insert() may put back */
		rx->iov[i][1].iov_len = PKT_DATA_MAX - VLAN_SIZE;
		rx->msgs[i].msg_hdr = (struct msghdr){
			.msg_iov = rx->iov[i], .msg_iovlen = 2,
			.msg_control = rx->cmsg[i].buf,
		};
	}
	a->rx = rx;
	return 0;
}

/* socket, options, rings and bind, with the thread in the right netns */
static int sock_open(struct afpacket *a, const char *ifname, int netns_fd,
		     const struct afpacket_cfg *cfg)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	int saved, ret, ret2;

	ret = netns_enter(netns_fd, &saved);
	if (ret)
		return ret;
	/* protocol 0: nothing is queued before the ring exists */
	a->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	ret2 = netns_leave(saved);
	if (a->fd < 0)
		return -errno;
	if (ret2)
		return ret2;
	if (!sll.sll_ifindex)
		return -ENODEV;
	ret = sock_options(a->fd, sll.sll_ifindex, cfg);
	if (!ret)
		ret = rings_map(a, cfg);
	if (!ret && cfg->rx_mode == AFPACKET_RX_RECVMMSG)
		ret = rx_msgs_init(a);
	if (!ret && bind(a->fd, (struct sockaddr *)&sll, sizeof(sll)))
		ret = -errno;
	return ret;
}

/**
 * afpacket_port_open() - attach @port to interface @ifname
 * @port: port to fill (ops, name, priv); id and stats are left alone
 * @ifname: interface name in that namespace
 * @netns_fd: namespace of the interface, from netns_open(); -1: current.
 *            The calling thread enters it for the socket() call only.
 * @cfg: ring geometry and options; NULL for afpacket_cfg_default()
 *
 * The interface should be up (frames are not seen on a down link). The
 * port's name is @ifname.
 *
 * Return: 0, -ENODEV if there is no such interface, -EINVAL for an rx ring
 * whose blocks are too small for a 64 KiB frame, a V2 slot size that is
 * not a 16-byte multiple between 90 bytes and the block size, a tx ring
 * without tx_block_nr or with a V2 rx ring, -EPERM without CAP_NET_RAW,
 * or another -errno (nothing left open).
 */
int afpacket_port_open(struct port *port, const char *ifname, int netns_fd,
		       const struct afpacket_cfg *cfg)
{
	struct afpacket_cfg def;
	struct afpacket *a;
	int ret;

	if (!cfg) {
		afpacket_cfg_default(&def);
		cfg = &def;
	}
	if ((cfg->rx_mode != AFPACKET_RX_RECVMMSG &&
	     (cfg->rx_block_size < PKT_DATA_MAX + 4096 || !cfg->rx_block_nr)) ||
	    (cfg->rx_mode == AFPACKET_RX_RING_V2 &&
	     (cfg->rx_frame_size < RX2_MAC_OFF + ETH_HLEN ||
	      cfg->rx_frame_size % TPACKET_ALIGNMENT ||
	      cfg->rx_frame_size > cfg->rx_block_size)) ||
	    (cfg->tx_mode == AFPACKET_TX_RING &&
	     (!cfg->tx_block_nr || cfg->rx_mode == AFPACKET_RX_RING_V2)))
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->fd = -1;
	a->rx_mode = cfg->rx_mode;
	a->tx_mode = cfg->tx_mode;
	ret = sock_open(a, ifname, netns_fd, cfg);
	if (ret)
		goto err_free;
	port->ops = &afpacket_ops;
	port->priv = a;
	strncpy(port->name, ifname, PORT_NAME_MAX - 1);
	port->name[PORT_NAME_MAX - 1] = '\0';
	return 0;

err_free:
	if (a->map)
		munmap(a->map, a->map_size);
	if (a->fd >= 0)
		close(a->fd);
	free(a->rx);
	free(a);
	return ret;
}

/**
 * afpacket_port_is() - is @port an AF_PACKET port?
 * @port: any opened port
 *
 * Return: true if afpacket_port_open() set it up.
 */
bool afpacket_port_is(const struct port *port)
{
	return port->ops == &afpacket_ops;
}
