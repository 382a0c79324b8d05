// SPDX-License-Identifier: MIT
/*
 * test_vxlan.c - the VXLAN tunnel port (src/port/vxlan.c) on loopback.
 * Needs root (forced socket buffers); skipped otherwise.
 *
 *   port under test            the test plays the remote VTEPs
 *   127.0.0.1:P  --VXLAN/UDP-->  127.0.0.3:P, 127.0.0.4:P, 127.0.0.5:P
 *                <------------   (plain UDP sockets; 127.0.0.9 is a
 *                                 stranger that is not a remote)
 * P is derived from the pid so parallel runs do not collide. Covered:
 * encapsulation bytes, decapsulation, bad header / other VNI / unknown
 * remote / short datagrams dropped and counted, head-end replication to
 * three remotes, learning (and a MAC moving between remotes), source port
 * entropy (stable per flow, spread over flows, in 49152..65535), software
 * TSO with every segment's IP and TCP checksum, sequence and payload
 * checked (sent as UDP GSO trains), checksum completion, the MTU drop,
 * and UDP GRO trains on receive: joined back into one TSO frame, or
 * split over several rx() calls with the port's fd readable meanwhile.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/virtio_net.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "core/csum.h"
#include "port/vxlan.h"

enum { POOL_SIZE = 512, NREM = 3, VNI = 5001, WAIT_MS = 1000 };

struct fixture {
	struct pkt_pool pool;
	struct port port;
	uint16_t udp_port;
	int rem[NREM]; /* 127.0.0.3.. bound to udp_port */
	int stranger; /* 127.0.0.9 */
	uint8_t buf[70000];
};

static struct in_addr lo(int last)
{
	struct in_addr a = {htonl(0x7f000000u | (uint32_t)last)};

	return a;
}

static int udp_sock(int last, uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(port),
				.sin_addr = lo(last)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int big = 4 << 20;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	int i;

	if (!fx)
		return 0;
	if (fx->port.ops)
		fx->port.ops->close(&fx->port);
	for (i = 0; i < NREM; i++)
		if (fx->rem[i] >= 0)
			close(fx->rem[i]);
	if (fx->stranger >= 0)
		close(fx->stranger);
	pkt_pool_fini(&fx->pool);
	free(fx);
	*state = NULL;
	return 0;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct vxlan_cfg cfg = {
		.vni = VNI, .local = lo(1), .mtu = 1500, .nremotes = NREM};
	int i;

	*state = fx;
	if (!fx || pkt_pool_init(&fx->pool, POOL_SIZE))
		return -1;
	fx->udp_port = (uint16_t)(40000 + getpid() % 5000);
	cfg.port = fx->udp_port;
	fx->stranger = -1;
	for (i = 0; i < NREM; i++) {
		cfg.remotes[i] = lo(3 + i);
		fx->rem[i] = udp_sock(3 + i, fx->udp_port);
		if (fx->rem[i] < 0)
			return teardown(state), -1;
	}
	fx->stranger = udp_sock(9, 0);
	if (fx->stranger < 0 ||
	    vxlan_port_open(&fx->port, "tor1.vx5001", -1, &cfg))
		return teardown(state), -1;
	return 0;
}

/* a datagram on remote @i's socket within WAIT_MS, or -1 */
static int rem_recv(struct fixture *fx, int i, uint16_t *sport, int wait)
{
	struct pollfd pfd = {fx->rem[i], POLLIN, 0};
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	if (poll(&pfd, 1, wait) != 1)
		return -1;
	n = recvfrom(fx->rem[i], fx->buf, sizeof(fx->buf), MSG_DONTWAIT,
		     (struct sockaddr *)&from, &fl);
	if (n >= 0 && sport)
		*sport = ntohs(from.sin_port);
	return (int)n;
}

static void send_from(struct fixture *fx, int fd, const uint8_t *hdr,
		      const uint8_t *frame, size_t len)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(fx->udp_port),
				 .sin_addr = lo(1)};
	uint8_t d[2048];

	memcpy(d, hdr, VXLAN_HLEN);
	memcpy(d + VXLAN_HLEN, frame, len);
	assert_int_equal(sendto(fd, d, VXLAN_HLEN + len, 0,
				(struct sockaddr *)&to, sizeof(to)),
			 (ssize_t)(VXLAN_HLEN + len));
}

/* rx from the port (waiting for the socket), up to @max frames */
static int port_rx(struct fixture *fx, struct pkt **pkts, unsigned int max)
{
	struct pollfd pfd = {fx->port.ops->fd(&fx->port), POLLIN, 0};

	poll(&pfd, 1, 200);
	return fx->port.ops->rx(&fx->port, &fx->pool, pkts, max);
}

static struct pkt *frame_pkt(struct fixture *fx, const uint8_t *d, size_t len)
{
	struct pkt *p = pkt_alloc(&fx->pool);

	assert_non_null(p);
	memcpy(pkt_data(p), d, len);
	p->len = (uint32_t)len;
	return p;
}

static void port_tx1(struct fixture *fx, struct pkt *p)
{
	fx->port.ops->tx(&fx->port, &fx->pool, &p, 1);
}

static const uint8_t hdr5001[8] = {0x08, 0, 0, 0, 0x00, 0x13, 0x89, 0};
static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0xa};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0xb};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static size_t eth(uint8_t *d, const uint8_t *dst, const uint8_t *src,
		  size_t len)
{
	size_t i;

	memcpy(d, dst, 6);
	memcpy(d + 6, src, 6);
	d[12] = 0x08;
	d[13] = 0x06;
	for (i = 14; i < len; i++)
		d[i] = (uint8_t)i;
	return len;
}

static uint64_t counter(struct fixture *fx, enum vxlan_counter c)
{
	return vxlan_port_counters(&fx->port)[c];
}

static void test_encap_bytes(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[60];
	uint16_t sport = 0;
	int n;

	eth(f, mac_a, mac_b, sizeof(f));
	port_tx1(fx, frame_pkt(fx, f, sizeof(f)));
	n = rem_recv(fx, 0, &sport, WAIT_MS);
	assert_int_equal(n, VXLAN_HLEN + sizeof(f));
	assert_memory_equal(fx->buf, hdr5001, VXLAN_HLEN);
	assert_memory_equal(fx->buf + VXLAN_HLEN, f, sizeof(f));
	/* the flow's hash picks the slice, and so the socket and port */
	assert_int_equal(vxlan_sport_bucket(sport),
			 vxlan_sport_bucket(vxlan_src_port(f, sizeof(f))));
	assert_int_equal(vxlan_port_mtu(&fx->port), 1500);
}

static void test_decap_and_drops(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[60], h[8];
	struct pkt *pkts[8];
	int n;

	eth(f, bcast, mac_a, sizeof(f));
	send_from(fx, fx->rem[1], hdr5001, f, sizeof(f));
	n = port_rx(fx, pkts, 8);
	assert_int_equal(n, 1);
	assert_int_equal(pkts[0]->len, sizeof(f));
	assert_memory_equal(pkt_data(pkts[0]), f, sizeof(f));
	assert_int_equal(pkts[0]->vnet.gso_type, 0);
	pkt_free(&fx->pool, pkts[0]);
	/* another VNI, bad flags, reserved bits, unknown sender, short */
	memcpy(h, hdr5001, 8);
	h[6] = 0x8a;
	send_from(fx, fx->rem[1], h, f, sizeof(f));
	memcpy(h, hdr5001, 8);
	h[0] = 0x0c;
	send_from(fx, fx->rem[1], h, f, sizeof(f));
	memcpy(h, hdr5001, 8);
	h[7] = 1;
	send_from(fx, fx->rem[1], h, f, sizeof(f));
	send_from(fx, fx->stranger, hdr5001, f, sizeof(f));
	send_from(fx, fx->rem[1], hdr5001, f, 10);
	usleep(50000);
	assert_int_equal(port_rx(fx, pkts, 8), 0);
	assert_int_equal(counter(fx, VXLAN_C_RX_OTHER_VNI), 1);
	assert_int_equal(counter(fx, VXLAN_C_RX_BAD_HDR), 2);
	assert_int_equal(counter(fx, VXLAN_C_RX_UNKNOWN_REMOTE), 1);
	assert_int_equal(counter(fx, VXLAN_C_RX_SHORT), 1);
	assert_int_equal(fx->port.stats.rx_dropped, 5);
	assert_int_equal(fx->port.stats.rx_packets, 1);
}

static void test_replication(void **state)
{
	struct fixture *fx = *state;
	uint8_t f[100];
	int i;

	eth(f, bcast, mac_a, sizeof(f));
	port_tx1(fx, frame_pkt(fx, f, sizeof(f)));
	for (i = 0; i < NREM; i++) {
		assert_int_equal(rem_recv(fx, i, NULL, WAIT_MS),
				 VXLAN_HLEN + sizeof(f));
		assert_memory_equal(fx->buf + VXLAN_HLEN, f, sizeof(f));
		assert_int_equal(rem_recv(fx, i, NULL, 50), -1);
	}
	assert_int_equal(fx->port.stats.tx_packets, NREM);
	assert_int_equal(counter(fx, VXLAN_C_FLOODED), 1);
	assert_int_equal(fx->pool.nfree, fx->pool.size);
}

/* mac_b speaks from remote @from; then a frame to mac_b goes there only */
static void learn_and_check(struct fixture *fx, int from)
{
	uint8_t f[60];
	struct pkt *pkts[4];
	int i;

	eth(f, bcast, mac_b, sizeof(f));
	send_from(fx, fx->rem[from], hdr5001, f, sizeof(f));
	assert_int_equal(port_rx(fx, pkts, 4), 1);
	pkt_free(&fx->pool, pkts[0]);
	eth(f, mac_b, mac_a, sizeof(f));
	port_tx1(fx, frame_pkt(fx, f, sizeof(f)));
	for (i = 0; i < NREM; i++)
		assert_int_equal(
			rem_recv(fx, i, NULL, i == from ? WAIT_MS : 50),
			i == from ? (int)(VXLAN_HLEN + sizeof(f)) : -1);
}

static void test_learning(void **state)
{
	struct fixture *fx = *state;

	learn_and_check(fx, 1);
	assert_int_equal(counter(fx, VXLAN_C_UNICAST), 1);
	learn_and_check(fx, 2); /* the MAC moved */
	assert_int_equal(counter(fx, VXLAN_C_LEARNED), 2);
	assert_int_equal(counter(fx, VXLAN_C_FLOODED), 0);
}

/* an Ethernet + IPv4 + TCP frame, @payload bytes, ports @sp -> @dp */
static size_t tcp4(uint8_t *d, uint16_t sp, uint16_t dp, size_t payload)
{
	uint8_t *ip = d + 14, *tcp = ip + 20;
	size_t i;
	uint16_t c;

	memset(d, 0, 54);
	eth(d, mac_a, mac_b, 14);
	d[12] = 0x08;
	d[13] = 0x00;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((40 + payload) >> 8);
	ip[3] = (uint8_t)(40 + payload);
	ip[4] = 0x12;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	c = csum_ipv4_hdr(ip, 20);
	memcpy(ip + 10, &c, 2);
	tcp[0] = (uint8_t)(sp >> 8);
	tcp[1] = (uint8_t)sp;
	tcp[2] = (uint8_t)(dp >> 8);
	tcp[3] = (uint8_t)dp;
	memcpy(tcp + 4, "\x10\x00\x00\x00", 4); /* seq 0x10000000 */
	tcp[12] = 5 << 4;
	tcp[13] = 0x18; /* PSH ACK */
	tcp[14] = 0xff;
	for (i = 0; i < payload; i++)
		tcp[20 + i] = (uint8_t)(i * 7 + 3);
	return 54 + payload;
}

static void test_src_port_entropy(void **state)
{
	uint8_t f[200];
	uint16_t ports[64], a, b;
	int i, j, distinct = 0;

	(void)state;
	for (i = 0; i < 64; i++) {
		tcp4(f, (uint16_t)(30000 + i), 80, 10);
		a = vxlan_src_port(f, 64);
		b = vxlan_src_port(f, 64);
		assert_int_equal(a, b);
		assert_true(a >= VXLAN_SPORT_MIN);
		ports[i] = a;
		for (j = 0; j < i && ports[j] != a; j++)
			;
		distinct += j == i;
	}
	assert_true(distinct >= 56); /* 64 flows in 16384 ports */
	/* the payload is not part of the flow */
	tcp4(f, 30000, 80, 10);
	a = vxlan_src_port(f, 64);
	f[60] ^= 0xff;
	assert_int_equal(vxlan_src_port(f, 64), a);
	assert_int_equal(vxlan_src_port(f, 3), VXLAN_SPORT_MIN);
}

/* the pseudo-header sum a NIC expects in the TCP checksum field */
static void tcp_partial(uint8_t *d, size_t len, struct pkt *p)
{
	uint32_t sa, da;
	uint16_t c;

	memcpy(&sa, d + 26, 4);
	memcpy(&da, d + 30, 4);
	c = (uint16_t)~csum_fold(
		csum_pseudo_ipv4(sa, da, IPPROTO_TCP, (uint16_t)(len - 34)));
	memcpy(pkt_data(p) + 50, &c, 2);
	p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	p->vnet.csum_start = 34;
	p->vnet.csum_offset = 16;
}

/* check one received segment; returns its payload length */
static size_t seg_check(const uint8_t *d, size_t len, uint32_t seq)
{
	const uint8_t *ip = d + 14, *tcp = ip + 20;
	uint32_t sa, da, s;

	assert_true(len >= 54);
	assert_int_equal(ip[2] << 8 | ip[3], len - 14);
	assert_int_equal(csum_buf(ip, 20), 0);
	memcpy(&sa, ip + 12, 4);
	memcpy(&da, ip + 16, 4);
	assert_int_equal(
		csum_fold(csum_partial(tcp, len - 34,
				       csum_pseudo_ipv4(sa, da, IPPROTO_TCP,
							(uint16_t)(len - 34)))),
		0);
	s = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 |
	    (uint32_t)tcp[6] << 8 | tcp[7];
	assert_int_equal(s, seq);
	return len - 54;
}

static void test_tso_segments(void **state)
{
	struct fixture *fx = *state;
	static uint8_t f[10054];
	size_t len = tcp4(f, 1234, 5201, 10000), off = 0, got;
	uint16_t sport, sport0 = 0;
	struct pkt *p = frame_pkt(fx, f, len);
	int n, segs = 0;

	tcp_partial(f, len, p);
	p->vnet.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	p->vnet.gso_size = 1400;
	p->vnet.hdr_len = 54;
	/* learned: only remote 0 gets the segments */
	{
		uint8_t a[60];
		struct pkt *in[2];

		eth(a, bcast, mac_a, sizeof(a));
		send_from(fx, fx->rem[0], hdr5001, a, sizeof(a));
		assert_int_equal(port_rx(fx, in, 2), 1);
		pkt_free(&fx->pool, in[0]);
	}
	port_tx1(fx, p);
	while ((n = rem_recv(fx, 0, &sport, segs ? 100 : WAIT_MS)) > 0) {
		assert_memory_equal(fx->buf, hdr5001, VXLAN_HLEN);
		got = seg_check(fx->buf + VXLAN_HLEN, (size_t)n - VXLAN_HLEN,
				0x10000000u + (uint32_t)off);
		assert_memory_equal(fx->buf + VXLAN_HLEN + 54, f + 54 + off,
				    got);
		assert_true(got <= 1400);
		if (!segs)
			sport0 = sport;
		assert_int_equal(sport, sport0); /* one flow, one port */
		off += got;
		segs++;
	}
	assert_int_equal(off, 10000);
	assert_int_equal(segs, 8);
	assert_int_equal(counter(fx, VXLAN_C_SEGMENTED), 1);
	assert_int_equal(rem_recv(fx, 1, NULL, 20), -1);
	assert_int_equal(fx->pool.nfree, fx->pool.size);
}

static void test_csum_and_mtu(void **state)
{
	struct fixture *fx = *state;
	static uint8_t f[1600];
	size_t len = tcp4(f, 1, 2, 1000);
	struct pkt *p = frame_pkt(fx, f, len);
	int n;

	tcp_partial(f, len, p);
	port_tx1(fx, p);
	n = rem_recv(fx, 0, NULL, WAIT_MS);
	assert_int_equal(n, VXLAN_HLEN + len);
	seg_check(fx->buf + VXLAN_HLEN, len, 0x10000000u);
	/* 1500-byte IP packet: 14 + 1500 > 1500 - 36; dropped, counted */
	len = tcp4(f, 1, 2, 1460);
	port_tx1(fx, frame_pkt(fx, f, len));
	assert_int_equal(rem_recv(fx, 0, NULL, 100), -1);
	assert_int_equal(counter(fx, VXLAN_C_TX_TOO_BIG), 1);
	/* 1450-byte IP packet: exactly fits */
	len = tcp4(f, 1, 2, 1410);
	port_tx1(fx, frame_pkt(fx, f, len));
	assert_int_equal(rem_recv(fx, 0, NULL, WAIT_MS), VXLAN_HLEN + len);
	assert_int_equal(fx->port.stats.tx_dropped, 1); /* per frame */
}

/* a local kernel leaves inner checksums partial and sends super-frames */
static void test_rx_partial_and_gso(void **state)
{
	struct fixture *fx = *state;
	static uint8_t f[5054], d[5062];
	size_t len = tcp4(f, 5201, 40000, 100);
	struct pkt *pkts[2], *tmp = frame_pkt(fx, f, sizeof(f));
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(fx->udp_port),
				 .sin_addr = lo(1)};

	tcp_partial(f, len, tmp);
	memcpy(f + 50, pkt_data(tmp) + 50, 2);
	send_from(fx, fx->rem[0], hdr5001, f, len);
	assert_int_equal(port_rx(fx, pkts, 2), 1);
	assert_int_equal(pkts[0]->vnet.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(pkts[0]->vnet.csum_start, 34);
	assert_int_equal(pkts[0]->vnet.csum_offset, 16);
	assert_int_equal(pkts[0]->vnet.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	pkt_free(&fx->pool, pkts[0]);
	/* 5000 bytes of payload over a 1500 underlay: GSO, 1464 - 54 MSS */
	len = tcp4(f, 5201, 40000, 5000);
	tmp->len = (uint32_t)len;
	memcpy(pkt_data(tmp), f, len);
	tcp_partial(f, len, tmp);
	memcpy(d, hdr5001, VXLAN_HLEN);
	memcpy(d + VXLAN_HLEN, pkt_data(tmp), len);
	pkt_free(&fx->pool, tmp);
	assert_int_equal(sendto(fx->rem[0], d, VXLAN_HLEN + len, 0,
				(struct sockaddr *)&to, sizeof(to)),
			 (ssize_t)(VXLAN_HLEN + len));
	assert_int_equal(port_rx(fx, pkts, 2), 1);
	assert_int_equal(pkts[0]->len, len);
	assert_int_equal(pkts[0]->vnet.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(pkts[0]->vnet.gso_size, 1464 - 54);
	assert_int_equal(pkts[0]->vnet.hdr_len, 54);
	assert_int_equal(counter(fx, VXLAN_C_RX_GSO), 1);
	pkt_free(&fx->pool, pkts[0]);
	/* any other checksum field stays as it is */
	len = tcp4(f, 5201, 40000, 100);
	send_from(fx, fx->rem[0], hdr5001, f, len);
	assert_int_equal(port_rx(fx, pkts, 2), 1);
	assert_int_equal(pkts[0]->vnet.flags, 0);
	pkt_free(&fx->pool, pkts[0]);
}

/* a TSO frame of flow @sp with @pay bytes; remote 0 has learned mac_a */
static struct pkt *tso_pkt(struct fixture *fx, uint16_t sp, size_t pay)
{
	static uint8_t f[65600];
	size_t len = tcp4(f, sp, 5201, pay);
	struct pkt *p = frame_pkt(fx, f, len);

	tcp_partial(f, len, p);
	p->vnet.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	p->vnet.gso_size = 1400;
	p->vnet.hdr_len = 54;
	return p;
}

static void learn_a_at_0(struct fixture *fx)
{
	uint8_t a[60];
	struct pkt *in[2];

	eth(a, bcast, mac_a, sizeof(a));
	send_from(fx, fx->rem[0], hdr5001, a, sizeof(a));
	assert_int_equal(port_rx(fx, in, 2), 1);
	pkt_free(&fx->pool, in[0]);
}

/*
 * One tx() call with three TSO flows (one of 64 KiB: two GSO trains) and
 * 70 small frames between them (more messages than one flush holds): all
 * arrive, each flow in order, from one source port per flow.
 */
static void test_tx_batch_flows(void **state)
{
	struct fixture *fx = *state;
	static const size_t pays[3] = {65000, 5000, 1};
	struct pkt *pkts[73];
	uint32_t next[3] = {0}, seq;
	uint16_t sport, sports[3] = {0};
	size_t got[3] = {0}, small = 0;
	uint8_t f[60];
	int n, i, fl;

	learn_a_at_0(fx);
	for (i = 0; i < 3; i++)
		pkts[i * 36] = tso_pkt(fx, (uint16_t)(1000 + i), pays[i]);
	for (i = 0; i < 73; i++) {
		if (i % 36 == 0)
			continue;
		eth(f, mac_a, mac_b, sizeof(f));
		pkts[i] = frame_pkt(fx, f, sizeof(f));
	}
	assert_int_equal(fx->port.ops->tx(&fx->port, &fx->pool, pkts, 73),
			 47 + 4 + 1 + 70);
	while ((n = rem_recv(fx, 0, &sport, WAIT_MS)) > 0) {
		const uint8_t *tcp = fx->buf + VXLAN_HLEN + 34;

		if (n == VXLAN_HLEN + 60) {
			small++;
			continue;
		}
		fl = (tcp[0] << 8 | tcp[1]) - 1000;
		assert_true(fl >= 0 && fl < 3);
		seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 |
		      (uint32_t)tcp[6] << 8 | tcp[7];
		assert_int_equal(seq - 0x10000000u, next[fl]); /* in order */
		got[fl] += seg_check(fx->buf + VXLAN_HLEN,
				     (size_t)n - VXLAN_HLEN, seq);
		next[fl] = (uint32_t)got[fl];
		if (!sports[fl])
			sports[fl] = sport;
		assert_int_equal(sport, sports[fl]);
		if (small + got[0] + got[1] + got[2] == 70 + 65000 + 5000 + 1)
			break;
	}
	assert_int_equal(small, 70);
	for (i = 0; i < 3; i++)
		assert_int_equal(got[i], pays[i]);
	assert_int_equal(fx->port.stats.tx_packets, 47 + 4 + 1 + 70);
	assert_int_equal(fx->port.stats.tx_dropped, 0);
	assert_int_equal(fx->pool.nfree, fx->pool.size);
}

/* send @n units of @gso bytes at @d as one UDP GSO train from remote 0 */
static void send_train(struct fixture *fx, const uint8_t *d, size_t len,
		       uint16_t gso)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(fx->udp_port),
				 .sin_addr = lo(1)};
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} cm;
	struct iovec iov = {(void *)d, len};
	struct msghdr h = {.msg_name = &to,
			   .msg_namelen = sizeof(to),
			   .msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = cm.buf,
			   .msg_controllen = sizeof(cm.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&h);

	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	memcpy(CMSG_DATA(c), &gso, sizeof(gso));
	assert_int_equal(sendmsg(fx->rem[0], &h, 0), (ssize_t)len);
}

/* unit @k of a train: TCP segment k of 1000 bytes (the last: 500) */
static size_t tcp_unit(uint8_t *u, unsigned int k, unsigned int n)
{
	size_t pay = k + 1 < n ? 1000 : 500, len;
	uint8_t *f = u + VXLAN_HLEN, *tcp = f + 34;
	uint32_t sa, da, seq = 0x10000000u + k * 1000;
	uint16_t c;

	memcpy(u, hdr5001, VXLAN_HLEN);
	len = tcp4(f, 5201, 40000, pay);
	tcp[4] = (uint8_t)(seq >> 24);
	tcp[5] = (uint8_t)(seq >> 16);
	tcp[6] = (uint8_t)(seq >> 8);
	tcp[7] = (uint8_t)seq;
	memcpy(&sa, f + 26, 4);
	memcpy(&da, f + 30, 4);
	c = csum_fold(csum_partial(
		tcp, len - 34,
		csum_pseudo_ipv4(sa, da, IPPROTO_TCP, (uint16_t)(len - 34))));
	memcpy(tcp + 16, &c, 2);
	return VXLAN_HLEN + len;
}

/* a peer's TSO, cut and sent as one UDP GSO train, comes out whole */
static void test_rx_gro_merge(void **state)
{
	struct fixture *fx = *state;
	static uint8_t d[8 * 1100];
	const uint8_t *f;
	struct pkt *pkts[4];
	size_t len = 0;
	unsigned int k;

	for (k = 0; k < 4; k++)
		len += tcp_unit(d + len, k, 4);
	send_train(fx, d, len, VXLAN_HLEN + 54 + 1000);
	assert_int_equal(port_rx(fx, pkts, 4), 1);
	f = pkt_data(pkts[0]);
	assert_int_equal(pkts[0]->len, 54 + 3500);
	assert_int_equal(f[16] << 8 | f[17], 40 + 3500);
	assert_int_equal(csum_buf(f + 14, 20), 0);
	assert_int_equal(pkts[0]->vnet.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(pkts[0]->vnet.gso_size, 1000);
	assert_int_equal(pkts[0]->vnet.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_memory_equal(f + 54 + 3000, d + 3 * (8 + 54 + 1000) + 8 + 54,
			    500);
	assert_int_equal(counter(fx, VXLAN_C_RX_GRO_MERGED), 1);
	assert_int_equal(fx->port.stats.rx_packets, 1);
	pkt_free(&fx->pool, pkts[0]);
}

/* a train of other frames is split, over several rx() calls if need be */
static void test_rx_gro_split(void **state)
{
	struct fixture *fx = *state;
	static uint8_t d[5 * 108];
	struct pollfd pfd = {fx->port.ops->fd(&fx->port), POLLIN, 0};
	struct pkt *pkts[4];
	unsigned int k;

	for (k = 0; k < 5; k++) {
		memcpy(d + k * 108, hdr5001, VXLAN_HLEN);
		eth(d + k * 108 + VXLAN_HLEN, bcast, mac_a, 100);
		d[k * 108 + VXLAN_HLEN + 20] = (uint8_t)k;
	}
	d[2 * 108 + 6] ^= 1; /* unit 2: another VNI */
	send_train(fx, d, 5 * 108 - 40, 108); /* the last is 60 bytes */
	assert_int_equal(port_rx(fx, pkts, 2), 2);
	assert_int_equal(pkts[1]->len, 100);
	assert_int_equal(pkt_data(pkts[1])[20], 1);
	pkt_free_bulk(&fx->pool, pkts, 2);
	/* nothing new arrived, yet the fd says there is more */
	assert_int_equal(poll(&pfd, 1, 0), 1);
	assert_int_equal(fx->port.ops->rx(&fx->port, &fx->pool, pkts, 4), 2);
	assert_int_equal(pkt_data(pkts[0])[20], 3);
	assert_int_equal(pkts[1]->len, 60);
	pkt_free_bulk(&fx->pool, pkts, 2);
	assert_int_equal(poll(&pfd, 1, 0), 0);
	assert_int_equal(counter(fx, VXLAN_C_RX_GRO_SPLIT), 1);
	assert_int_equal(counter(fx, VXLAN_C_RX_OTHER_VNI), 1);
	assert_int_equal(fx->port.stats.rx_packets, 4);
	assert_int_equal(fx->pool.nfree, fx->pool.size);
}

static void test_open_errors(void **state)
{
	struct vxlan_cfg cfg = {.vni = 0, .local = lo(1), .nremotes = 1};
	struct port p = {0};

	(void)state;
	cfg.remotes[0] = lo(3);
	assert_int_equal(vxlan_port_open(&p, "x", -1, &cfg), -EINVAL);
	cfg.vni = VXLAN_VNI_MAX + 1;
	assert_int_equal(vxlan_port_open(&p, "x", -1, &cfg), -EINVAL);
	cfg.vni = 1;
	cfg.nremotes = 0;
	assert_int_equal(vxlan_port_open(&p, "x", -1, &cfg), -EINVAL);
	cfg.nremotes = 1;
	cfg.local.s_addr = inet_addr("198.18.254.254");
	assert_int_equal(vxlan_port_open(&p, "x", -1, &cfg), -EADDRNOTAVAIL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_src_port_entropy),
		T(test_encap_bytes),
		T(test_decap_and_drops),
		T(test_replication),
		T(test_learning),
		T(test_tso_segments),
		T(test_csum_and_mtu),
		T(test_rx_partial_and_gso),
		T(test_tx_batch_flows),
		T(test_rx_gro_merge),
		T(test_rx_gro_split),
		cmocka_unit_test(test_open_errors),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "test_vxlan: needs root (socket buffers), "
				"skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
