// SPDX-License-Identifier: MIT
/*
 * test_qsock.c - QEMU socket ports (src/port/qsock.c), no root needed.
 *
 * The test plays the VM: a unix socket client that speaks QEMU's stream
 * framing (4-byte big-endian length, then the frame) or its datagram
 * framing (one frame per datagram from a bound socket). Covered: frames
 * both ways, frames split across writes, bursts of 1, 2, 63, 64, 65 and 257
 * (the kick that keeps buffered frames flowing), zero and short lengths,
 * an oversize length (connection dropped, reconnect works), reconnects,
 * a second connection refused, a VM that does not read (tx partial writes
 * keep the stream in sync), the path checks (taken, stale, not a socket,
 * relative) and the software offloads for socket VMs (checksum completion,
 * TCPv4/TCPv6 segmentation, UDP GSO refused).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/virtio_net.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <cmocka.h>

#include "core/csum.h"
#include "port/qsock.h"

enum { POOL_SIZE = 1024, WAIT_MS = 2000 };

struct fixture {
	struct pkt_pool pool;
	struct port port;
	char dir[64];
	char path[128];            /* DIR/sub/vm.sock: the dir is created */
	char vmpath[128];          /* dgram: the VM's own socket */
	char vmpath2[128];
};

static int setup(void **state)
{
	static struct fixture fx;

	memset(&fx, 0, sizeof(fx));
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/test_qsock.XXXXXX");
	if (!mkdtemp(fx.dir) || pkt_pool_init(&fx.pool, POOL_SIZE))
		return -1;
	snprintf(fx.path, sizeof(fx.path), "%s/sub/vm.sock", fx.dir);
	snprintf(fx.vmpath, sizeof(fx.vmpath), "%s/qemu.sock", fx.dir);
	snprintf(fx.vmpath2, sizeof(fx.vmpath2), "%s/qemu2.sock", fx.dir);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	if (fx->port.ops)
		fx->port.ops->close(&fx->port);
	assert_int_equal(fx->pool.nfree, POOL_SIZE);
	pkt_pool_fini(&fx->pool);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	return system(cmd) ? -1 : 0;
}

static void open_port(struct fixture *fx, enum qsock_type type)
{
	struct qsock_cfg cfg;

	qsock_cfg_default(&cfg);
	cfg.type = type;
	assert_int_equal(qsock_port_open(&fx->port, "vm1", fx->path, &cfg), 0);
	fx->port.id = 3;
}

static struct sockaddr_un addr(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	assert_true(strlen(path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path));
	return sa;
}

/* The VM: connect with QEMU's stream framing. */
static int vm_connect(const struct fixture *fx)
{
	struct sockaddr_un sa = addr(fx->path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* The VM: a datagram socket bound at @path, talking to the port. */
static int vm_dgram(const struct fixture *fx, const char *path)
{
	struct sockaddr_un me, them = addr(fx->path);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	if (path) {
		me = addr(path);
		assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof(me)),
				 0);
	}
	assert_int_equal(connect(fd, (struct sockaddr *)&them, sizeof(them)),
			 0);
	return fd;
}

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* A frame of @len bytes whose bytes 14..17 hold @seq. */
static void make_frame(uint8_t *f, uint32_t len, uint32_t seq)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		f[i] = (uint8_t)(i * 7 + seq);
	memset(f, 0x02, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	if (len >= 18)
		put32(f + 14, seq);
}

static void check_frame(const uint8_t *f, uint32_t len, uint32_t seq)
{
	uint8_t want[2048];

	assert_true(len <= sizeof(want));
	make_frame(want, len, seq);
	assert_memory_equal(f, want, len);
}

static void write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	ssize_t r;

	while (len) {
		r = write(fd, b, len);
		assert_true(r > 0);
		b += r;
		len -= (size_t)r;
	}
}

/* @n stream-framed frames of @len bytes, seq @seq0.., in one write. */
static void vm_send(int fd, unsigned int n, uint32_t len, uint32_t seq0)
{
	size_t size = (size_t)n * (4 + len), off = 0;
	uint8_t *buf = malloc(size);
	unsigned int i;

	assert_non_null(buf);
	for (i = 0; i < n; i++) {
		put32(buf + off, len);
		make_frame(buf + off + 4, len, seq0 + i);
		off += 4 + len;
	}
	write_all(fd, buf, size);
	free(buf);
}

static bool readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 1;
}

/* rx until @want frames came or the port stays quiet for WAIT_MS. */
static unsigned int rx_some(struct fixture *fx, struct pkt **pkts,
			    unsigned int want)
{
	unsigned int n = 0;
	int r;

	while (n < want && readable(fx->port.ops->fd(&fx->port), WAIT_MS)) {
		r = fx->port.ops->rx(&fx->port, &fx->pool, pkts + n,
				     want - n < PKT_BURST ? want - n
							  : PKT_BURST);
		assert_true(r >= 0);
		n += (unsigned int)r;
	}
	return n;
}

/* One rx call after the port became readable. */
static int rx_once(struct fixture *fx, struct pkt **pkts)
{
	readable(fx->port.ops->fd(&fx->port), WAIT_MS);
	return fx->port.ops->rx(&fx->port, &fx->pool, pkts, PKT_BURST);
}

static void read_exact(int fd, void *buf, size_t len)
{
	uint8_t *b = buf;
	ssize_t r;

	while (len) {
		assert_true(readable(fd, WAIT_MS));
		r = read(fd, b, len);
		assert_true(r > 0);
		b += r;
		len -= (size_t)r;
	}
}

/* One stream-framed frame from the port; returns its length. */
static uint32_t vm_recv(int fd, uint8_t *buf, size_t size)
{
	uint8_t hdr[4];
	uint32_t len;

	read_exact(fd, hdr, 4);
	len = get32(hdr);
	assert_true(len <= size);
	read_exact(fd, buf, len);
	return len;
}

static void tx_frames(struct fixture *fx, unsigned int n, uint32_t len,
		      uint32_t seq0)
{
	struct pkt *pkts[PKT_BURST];
	unsigned int i;

	for (i = 0; i < n; i++) {
		pkts[i] = pkt_alloc(&fx->pool);
		assert_non_null(pkts[i]);
		make_frame(pkt_data(pkts[i]), len, seq0 + i);
		pkts[i]->len = len;
	}
	fx->port.ops->tx(&fx->port, &fx->pool, pkts, n);
}

static void test_stream_basic(void **state)
{
	struct fixture *fx = *state;
	struct pkt *pkts[PKT_BURST];
	uint8_t buf[2048];
	struct stat st;
	int fd;

	open_port(fx, QSOCK_STREAM);
	assert_true(qsock_port_is(&fx->port));
	assert_string_equal(fx->port.name, "vm1");
	assert_string_equal(fx->port.ops->kind, "socket");
	assert_int_equal(stat(fx->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	assert_false(qsock_port_connected(&fx->port));
	fd = vm_connect(fx);
	vm_send(fd, 1, 60, 1);
	vm_send(fd, 1, 1514, 2);
	vm_send(fd, 1, 14, 3);
	assert_int_equal(rx_some(fx, pkts, 3), 3);
	assert_true(qsock_port_connected(&fx->port));
	check_frame(pkt_data(pkts[0]), pkts[0]->len, 1);
	assert_int_equal(pkts[1]->len, 1514);
	check_frame(pkt_data(pkts[1]), 1514, 2);
	assert_int_equal(pkts[2]->len, 14);
	assert_int_equal(pkts[0]->in_port, 3);
	pkt_free_bulk(&fx->pool, pkts, 3);
	assert_int_equal(fx->port.stats.rx_packets, 3);
	assert_int_equal(fx->port.stats.rx_bytes, 60 + 1514 + 14);

	tx_frames(fx, 2, 100, 10);
	assert_int_equal(vm_recv(fd, buf, sizeof(buf)), 100);
	check_frame(buf, 100, 10);
	assert_int_equal(vm_recv(fd, buf, sizeof(buf)), 100);
	check_frame(buf, 100, 11);
	assert_int_equal(fx->port.stats.tx_packets, 2);
	assert_int_equal(qsock_port_stats(&fx->port)->connects, 1);
	close(fd);
	fx->port.ops->close(&fx->port);
	fx->port.ops = NULL;
	assert_int_equal(access(fx->path, F_OK), -1);  /* removed on close */
	*strrchr(fx->path, '/') = 0;  /* ... and the directory it made */
	assert_int_equal(access(fx->path, F_OK), -1);
}

static void test_stream_partial(void **state)
{
	struct fixture *fx = *state;
	uint8_t buf[4 + 1000 + 4 + 60];
	struct pkt *pkts[PKT_BURST];
	int fd;

	open_port(fx, QSOCK_STREAM);
	fd = vm_connect(fx);
	put32(buf, 1000);
	make_frame(buf + 4, 1000, 7);
	put32(buf + 1004, 60);
	make_frame(buf + 1008, 60, 8);
	write_all(fd, buf, 2);        /* half a length prefix */
	assert_int_equal(rx_once(fx, pkts), 0);
	write_all(fd, buf + 2, 12);   /* the prefix and 10 bytes */
	assert_int_equal(rx_once(fx, pkts), 0);
	write_all(fd, buf + 14, 1000 - 10 + 4 + 30); /* frame 7, half of 8 */
	assert_int_equal(rx_once(fx, pkts), 1);
	assert_int_equal(pkts[0]->len, 1000);
	check_frame(pkt_data(pkts[0]), 1000, 7);
	pkt_free(&fx->pool, pkts[0]);
	write_all(fd, buf + 1038, 30);
	assert_int_equal(rx_once(fx, pkts), 1);
	check_frame(pkt_data(pkts[0]), 60, 8);
	pkt_free(&fx->pool, pkts[0]);
	assert_int_equal(fx->port.stats.rx_dropped, 0);
	close(fd);
}

static void burst(struct fixture *fx, int fd, unsigned int n)
{
	static struct pkt *pkts[512];
	unsigned int i, got;

	vm_send(fd, n, 64, 1000 * n);
	usleep(20000);                /* all of it in the socket */
	got = rx_some(fx, pkts, n);
	assert_int_equal(got, n);
	for (i = 0; i < n; i++)
		check_frame(pkt_data(pkts[i]), 64, 1000 * n + i);
	pkt_free_bulk(&fx->pool, pkts, n);
	/* nothing left: the kick is reset, the port is quiet */
	assert_false(readable(fx->port.ops->fd(&fx->port), 0));
}

static void test_stream_bursts(void **state)
{
	static const unsigned int sizes[] = { 1, 2, 63, 64, 65, 257 };
	struct fixture *fx = *state;
	struct pkt *pkts[PKT_BURST];
	unsigned int i;
	int fd;

	open_port(fx, QSOCK_STREAM);
	fd = vm_connect(fx);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		burst(fx, fd, sizes[i]);
	/* 257 frames read at once: after 64, the rest must keep it awake */
	vm_send(fd, 257, 64, 0);
	usleep(20000);
	assert_int_equal(rx_once(fx, pkts), PKT_BURST);
	pkt_free_bulk(&fx->pool, pkts, PKT_BURST);
	for (i = 0; i < 3; i++) {
		assert_true(readable(fx->port.ops->fd(&fx->port), 0));
		assert_int_equal(rx_once(fx, pkts), PKT_BURST);
		pkt_free_bulk(&fx->pool, pkts, PKT_BURST);
	}
	assert_true(readable(fx->port.ops->fd(&fx->port), 0));
	assert_int_equal(rx_once(fx, pkts), 1);
	pkt_free(&fx->pool, pkts[0]);
	assert_false(readable(fx->port.ops->fd(&fx->port), 0));
	close(fd);
}

static void test_stream_runt_zero(void **state)
{
	struct fixture *fx = *state;
	const struct qsock_stats *st;
	uint8_t junk[4 + 10] = { 0 };
	struct pkt *pkts[PKT_BURST];
	int fd;

	open_port(fx, QSOCK_STREAM);
	fd = vm_connect(fx);
	vm_send(fd, 1, 60, 1);
	write_all(fd, junk, 4);       /* length 0 */
	put32(junk, 10);              /* shorter than an Ethernet header */
	write_all(fd, junk, sizeof(junk));
	vm_send(fd, 1, 60, 2);
	assert_int_equal(rx_some(fx, pkts, 2), 2);
	check_frame(pkt_data(pkts[0]), 60, 1);
	check_frame(pkt_data(pkts[1]), 60, 2);
	pkt_free_bulk(&fx->pool, pkts, 2);
	st = qsock_port_stats(&fx->port);
	assert_int_equal(st->drops[QSOCK_DROP_RUNT], 2);
	assert_int_equal(fx->port.stats.rx_dropped, 2);
	assert_true(qsock_port_connected(&fx->port));
	close(fd);
}

static void test_stream_oversize(void **state)
{
	struct fixture *fx = *state;
	const struct qsock_stats *st;
	struct pkt *pkts[PKT_BURST];
	uint8_t hdr[4], b;
	int fd;

	open_port(fx, QSOCK_STREAM);
	fd = vm_connect(fx);
	put32(hdr, QSOCK_FRAME_MAX + 1);
	write_all(fd, hdr, 4);
	assert_int_equal(rx_once(fx, pkts), 0);
	assert_false(qsock_port_connected(&fx->port));
	assert_true(readable(fd, WAIT_MS));
	assert_int_equal(read(fd, &b, 1), 0);  /* dcbox hung up */
	st = qsock_port_stats(&fx->port);
	assert_int_equal(st->drops[QSOCK_DROP_OVERSIZE], 1);
	assert_int_equal(st->disconnects, 1);
	close(fd);
	/* the VM comes back */
	fd = vm_connect(fx);
	vm_send(fd, 1, 1514, 5);
	assert_int_equal(rx_some(fx, pkts, 1), 1);
	check_frame(pkt_data(pkts[0]), 1514, 5);
	pkt_free(&fx->pool, pkts[0]);
	assert_int_equal(st->connects, 2);
	close(fd);
}

static void test_stream_reconnect(void **state)
{
	struct fixture *fx = *state;
	const struct qsock_stats *st;
	struct pkt *pkts[PKT_BURST];
	uint8_t buf[2048];
	int fd;

	open_port(fx, QSOCK_STREAM);
	st = qsock_port_stats(&fx->port);
	fd = vm_connect(fx);
	vm_send(fd, 1, 60, 1);
	assert_int_equal(rx_some(fx, pkts, 1), 1);
	pkt_free(&fx->pool, pkts[0]);
	close(fd);                    /* the VM stops */
	assert_int_equal(rx_once(fx, pkts), 0);
	assert_false(qsock_port_connected(&fx->port));
	assert_int_equal(st->disconnects, 1);
	tx_frames(fx, 3, 60, 1);
	assert_int_equal(st->drops[QSOCK_DROP_NOT_CONNECTED], 3);
	assert_int_equal(fx->port.stats.tx_dropped, 3);
	assert_int_equal(access(fx->path, F_OK), 0); /* still listening */
	fd = vm_connect(fx);          /* ... and starts again */
	vm_send(fd, 2, 60, 20);
	assert_int_equal(rx_some(fx, pkts, 2), 2);
	check_frame(pkt_data(pkts[1]), 60, 21);
	pkt_free_bulk(&fx->pool, pkts, 2);
	tx_frames(fx, 1, 80, 30);
	assert_int_equal(vm_recv(fd, buf, sizeof(buf)), 80);
	check_frame(buf, 80, 30);
	assert_int_equal(st->connects, 2);
	close(fd);
}

static void test_stream_second_refused(void **state)
{
	struct fixture *fx = *state;
	struct pkt *pkts[PKT_BURST];
	uint8_t buf[2048];
	int a, b;

	open_port(fx, QSOCK_STREAM);
	a = vm_connect(fx);
	vm_send(a, 1, 60, 1);
	assert_int_equal(rx_some(fx, pkts, 1), 1);
	pkt_free(&fx->pool, pkts[0]);
	b = vm_connect(fx);           /* the backlog takes it ... */
	assert_int_equal(rx_once(fx, pkts), 0);
	assert_true(readable(b, WAIT_MS)); /* ... and dcbox closes it */
	assert_int_equal(read(b, buf, 1), 0);
	assert_int_equal(qsock_port_stats(&fx->port)->refused, 1);
	vm_send(a, 1, 60, 2);         /* the first VM is unharmed */
	assert_int_equal(rx_some(fx, pkts, 1), 1);
	check_frame(pkt_data(pkts[0]), 60, 2);
	pkt_free(&fx->pool, pkts[0]);
	tx_frames(fx, 1, 60, 3);
	assert_int_equal(vm_recv(a, buf, sizeof(buf)), 60);
	close(a);
	close(b);
}

/* Read whatever the port sent, checking the framing stays in sync. */
static unsigned int drain_check(struct fixture *fx, int fd, uint32_t *seq)
{
	static uint8_t buf[1 << 20];
	static size_t have;
	unsigned int frames = 0;
	struct pkt *pkts[PKT_BURST];
	size_t off = 0;
	uint32_t len;
	ssize_t r;

	/* rx() flushes a half-sent frame when the socket turns writable */
	fx->port.ops->rx(&fx->port, &fx->pool, pkts, PKT_BURST);
	r = recv(fd, buf + have, sizeof(buf) - have, MSG_DONTWAIT);
	if (r > 0)
		have += (size_t)r;
	while (have - off >= 4) {
		len = get32(buf + off);
		assert_int_equal(len, 1514);
		if (have - off < 4 + len)
			break;
		assert_true(get32(buf + off + 4 + 14) > *seq || !*seq);
		*seq = get32(buf + off + 4 + 14);
		check_frame(buf + off + 4, len, *seq);
		off += 4 + len;
		frames++;
	}
	memmove(buf, buf + off, have - off);
	have -= off;
	return frames;
}

static void test_stream_tx_partial(void **state)
{
	struct fixture *fx = *state;
	const struct qsock_stats *st;
	unsigned int i, frames = 0, idle = 0;
	uint32_t seq = 0;
	int fd;

	open_port(fx, QSOCK_STREAM);
	st = qsock_port_stats(&fx->port);
	fd = vm_connect(fx);
	rx_once(fx, (struct pkt *[PKT_BURST]){ 0 }); /* accept */
	/* the VM does not read: the socket fills, frames are cut and dropped */
	for (i = 0; i < 40; i++)
		tx_frames(fx, PKT_BURST, 1514, 1 + i * PKT_BURST);
	assert_true(st->drops[QSOCK_DROP_SOCK_FULL] > 0);
	assert_int_equal(fx->port.stats.tx_packets +
				 st->drops[QSOCK_DROP_SOCK_FULL],
			 40 * PKT_BURST);
	/* now it reads: every frame sent arrives whole and in order */
	while (idle < 20) {
		unsigned int got = drain_check(fx, fd, &seq);

		frames += got;
		idle = got ? 0 : idle + 1;
		if (!got)
			usleep(2000);
		if (i++ % 8 == 0 && i < 400) /* keep sending while it drains */
			tx_frames(fx, 4, 1514, 1 + i * PKT_BURST);
	}
	assert_int_equal(frames, fx->port.stats.tx_packets);
	close(fd);
}

static void test_path_taken(void **state)
{
	struct fixture *fx = *state;
	struct sockaddr_un sa = addr(fx->vmpath);
	struct port other = { 0 };
	char file[160];
	int fd;

	open_port(fx, QSOCK_STREAM);
	assert_int_equal(qsock_port_open(&other, "vm2", fx->path, NULL),
			 -EADDRINUSE);
	assert_int_equal(qsock_path_check(fx->path, QSOCK_STREAM),
			 -EADDRINUSE);
	assert_int_equal(qsock_path_check(fx->path, QSOCK_DGRAM),
			 -EADDRINUSE);  /* a stream listener, other framing */
	/* the test connections above were refused as second VMs, or taken */
	/* a stale socket file: bound, then its owner died */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	assert_int_equal(access(fx->vmpath, F_OK), 0);
	assert_int_equal(qsock_path_check(fx->vmpath, QSOCK_STREAM), 0);
	assert_int_equal(qsock_port_open(&other, "vm2", fx->vmpath, NULL), 0);
	assert_int_equal(qsock_path_check(fx->vmpath, QSOCK_STREAM),
			 -EADDRINUSE);
	other.ops->close(&other);
	assert_int_equal(access(fx->vmpath, F_OK), -1);
	/* not a socket, relative, too long */
	snprintf(file, sizeof(file), "%s/file", fx->dir);
	fd = open(file, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(qsock_port_open(&other, "vm2", file, NULL), -EEXIST);
	assert_int_equal(qsock_port_open(&other, "vm2", "rel/vm.sock", NULL),
			 -EINVAL);
	memset(file, 'a', sizeof(file) - 1);
	file[0] = '/';
	file[sizeof(file) - 1] = 0;
	assert_int_equal(qsock_port_open(&other, "vm2", file, NULL),
			 -ENAMETOOLONG);
	assert_null(other.priv);
}

static void test_dgram(void **state)
{
	struct fixture *fx = *state;
	const struct qsock_stats *st;
	struct pkt *pkts[PKT_BURST];
	uint8_t f[2048];
	int vm, other, anon;

	open_port(fx, QSOCK_DGRAM);
	st = qsock_port_stats(&fx->port);
	vm = vm_dgram(fx, fx->vmpath);
	make_frame(f, 60, 1);
	assert_int_equal(send(vm, f, 60, 0), 60);
	make_frame(f, 1514, 2);
	assert_int_equal(send(vm, f, 1514, 0), 1514);
	assert_int_equal(send(vm, f, 10, 0), 10);       /* runt */
	assert_int_equal(rx_some(fx, pkts, 2), 2);
	check_frame(pkt_data(pkts[0]), 60, 1);
	check_frame(pkt_data(pkts[1]), 1514, 2);
	pkt_free_bulk(&fx->pool, pkts, 2);
	assert_true(qsock_port_connected(&fx->port));
	tx_frames(fx, 2, 100, 5);
	assert_int_equal(recv(vm, f, sizeof(f), 0), 100);
	check_frame(f, 100, 5);
	assert_int_equal(recv(vm, f, sizeof(f), 0), 100);
	check_frame(f, 100, 6);
	/* another sender while the VM's socket lives; an unbound one */
	other = vm_dgram(fx, fx->vmpath2);
	anon = vm_dgram(fx, NULL);
	usleep(120000);               /* past the liveness check interval */
	make_frame(f, 60, 9);
	assert_int_equal(send(other, f, 60, 0), 60);
	assert_int_equal(send(anon, f, 60, 0), 60);
	assert_int_equal(rx_once(fx, pkts), 0);
	assert_int_equal(st->drops[QSOCK_DROP_FOREIGN], 1);
	assert_int_equal(st->drops[QSOCK_DROP_UNNAMED], 1);
	assert_int_equal(st->drops[QSOCK_DROP_RUNT], 1);
	/* the VM goes away: tx notices, then the next sender is the VM */
	close(vm);
	unlink(fx->vmpath);
	tx_frames(fx, 2, 60, 1);
	assert_false(qsock_port_connected(&fx->port));
	assert_int_equal(st->drops[QSOCK_DROP_NOT_CONNECTED], 2);
	assert_int_equal(send(other, f, 60, 0), 60);
	assert_int_equal(rx_some(fx, pkts, 1), 1);
	check_frame(pkt_data(pkts[0]), 60, 9);
	pkt_free(&fx->pool, pkts[0]);
	tx_frames(fx, 1, 70, 11);
	assert_int_equal(recv(other, f, sizeof(f), 0), 70);
	check_frame(f, 70, 11);
	assert_int_equal(st->connects, 2);
	close(other);
	close(anon);
}

static void test_dgram_oversize(void **state)
{
	struct fixture *fx = *state;
	static uint8_t big[QSOCK_FRAME_MAX + 100];
	struct pkt *pkts[PKT_BURST];
	int vm, size = 1 << 20;

	open_port(fx, QSOCK_DGRAM);
	vm = vm_dgram(fx, fx->vmpath);
	setsockopt(vm, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	make_frame(big, 60, 1);
	assert_int_equal(send(vm, big, sizeof(big), 0), (ssize_t)sizeof(big));
	assert_int_equal(send(vm, big, 60, 0), 60);
	assert_int_equal(rx_some(fx, pkts, 1), 1);
	check_frame(pkt_data(pkts[0]), 60, 1);
	pkt_free(&fx->pool, pkts[0]);
	assert_int_equal(qsock_port_stats(&fx->port)
				 ->drops[QSOCK_DROP_OVERSIZE], 1);
	close(vm);
}

/* Eth + IPv4 + TCP (+ @payload bytes), as a TSO frame from a veth. */
static struct pkt *tso_frame(struct fixture *fx, bool v6, uint32_t payload,
			     uint16_t mss)
{
	struct pkt *p = pkt_alloc(&fx->pool);
	uint32_t l3 = 14, l4 = v6 ? 54 : 34, i;
	uint8_t *d = pkt_data(p);
	uint16_t c;

	memset(d, 0, 200);
	memset(d, 0x02, 12);
	d[12] = v6 ? 0x86 : 0x08;
	d[13] = v6 ? 0xdd : 0x00;
	if (v6) {
		d[l3] = 0x60;
		d[l3 + 6] = IPPROTO_TCP;
		d[l3 + 7] = 64;
		d[l3 + 8 + 15] = 1;
		d[l3 + 24 + 15] = 2;
	} else {
		d[l3] = 0x45;
		d[l3 + 4] = 0x12;         /* id 0x1234 */
		d[l3 + 5] = 0x34;
		d[l3 + 8] = 64;
		d[l3 + 9] = IPPROTO_TCP;
		memcpy(d + l3 + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	}
	put32(d + l4 + 4, 0xfffff000);    /* seq wraps during the frame */
	d[l4 + 12] = 0x80;                /* 32-byte header (options) */
	d[l4 + 13] = 0x18 | 0x01 | 0x80;  /* PSH ACK FIN CWR */
	for (i = 0; i < payload; i++)
		d[l4 + 32 + i] = (uint8_t)(i * 13);
	p->len = l4 + 32 + payload;
	p->vnet.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	p->vnet.gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6
			      : VIRTIO_NET_HDR_GSO_TCPV4;
	p->vnet.gso_size = mss;
	p->vnet.hdr_len = (uint16_t)(l4 + 32);
	p->vnet.csum_start = (uint16_t)l4;
	p->vnet.csum_offset = 16;
	c = 0x5555;                       /* whatever: segments recompute */
	memcpy(d + l4 + 16, &c, 2);
	return p;
}

static void check_segments(int fd, bool v6,
			   uint32_t payload, uint16_t mss)
{
	uint32_t l3 = 14, l4 = v6 ? 54 : 34, got = 0, len, n, i;
	static uint8_t f[4096];

	for (i = 0; got < payload; i++) {
		len = vm_recv(fd, f, sizeof(f));
		n = len - l4 - 32;
		assert_int_equal(n, payload - got < mss ? payload - got : mss);
		if (v6) {
			assert_int_equal(f[l3 + 4] << 8 | f[l3 + 5], 32 + n);
			assert_int_equal(csum_l4_ipv6(f + l4, 32 + n, f + l3 + 8,
						      f + l3 + 24,
						      IPPROTO_TCP), 0);
		} else {
			uint32_t sa, da;

			assert_int_equal(f[l3 + 2] << 8 | f[l3 + 3],
					 20 + 32 + n);
			assert_int_equal(f[l3 + 4] << 8 | f[l3 + 5],
					 0x1234 + i);
			assert_int_equal(csum_buf(f + l3, 20), 0);
			memcpy(&sa, f + l3 + 12, 4);
			memcpy(&da, f + l3 + 16, 4);
			assert_int_equal(csum_l4_ipv4(f + l4, (uint16_t)(32 + n),
						      sa, da, IPPROTO_TCP), 0);
		}
		assert_int_equal(get32(f + l4 + 4), 0xfffff000u + got);
		assert_int_equal(!!(f[l4 + 13] & 0x80), i == 0);   /* CWR */
		assert_int_equal(!!(f[l4 + 13] & 0x09),
				 got + n == payload);  /* FIN, PSH: last only */
		assert_true(f[l4 + 13] & 0x10);    /* ACK on all */
		for (uint32_t k = 0; k < n; k++)
			assert_int_equal(f[l4 + 32 + k],
					 (uint8_t)((got + k) * 13));
		got += n;
	}
}

static void test_tso_segmentation(void **state)
{
	struct fixture *fx = *state;
	struct pkt *pkts[3];
	int fd;

	open_port(fx, QSOCK_STREAM);
	fd = vm_connect(fx);
	rx_once(fx, (struct pkt *[PKT_BURST]){ 0 });
	pkts[0] = tso_frame(fx, false, 10000, 1448);
	pkts[1] = tso_frame(fx, true, 3000, 1000);
	pkts[2] = tso_frame(fx, false, 60000, 400); /* > QS_UNITS segments */
	assert_int_equal(fx->port.ops->tx(&fx->port, &fx->pool, pkts, 3), 3);
	check_segments(fd, false, 10000, 1448);
	check_segments(fd, true, 3000, 1000);
	check_segments(fd, false, 60000, 400);
	assert_int_equal(qsock_port_stats(&fx->port)->segmented, 3);
	assert_int_equal(fx->port.stats.tx_packets, 7 + 3 + 150);
	close(fd);
}

static void test_csum_and_bad_gso(void **state)
{
	struct fixture *fx = *state;
	const struct qsock_stats *st;
	struct pkt *pkts[3];
	uint32_t sa, da;
	uint8_t f[256], *d;
	uint16_t c;
	int fd;

	open_port(fx, QSOCK_STREAM);
	st = qsock_port_stats(&fx->port);
	fd = vm_connect(fx);
	rx_once(fx, (struct pkt *[PKT_BURST]){ 0 });
	/* a UDP datagram whose checksum was left to offload */
	pkts[0] = tso_frame(fx, false, 0, 0);
	d = pkt_data(pkts[0]);
	pkts[0]->vnet.gso_type = VIRTIO_NET_HDR_GSO_NONE;
	d[14 + 9] = IPPROTO_UDP;
	d[14 + 3] = 20 + 8 + 30;
	pkts[0]->len = 34 + 8 + 30;
	d[34 + 4] = 0;
	d[34 + 5] = 8 + 30;
	pkts[0]->vnet.csum_offset = 6;
	memcpy(&sa, d + 26, 4);
	memcpy(&da, d + 30, 4);
	c = (uint16_t)~csum_fold(csum_pseudo_ipv4(sa, da, IPPROTO_UDP, 38));
	memcpy(d + 34 + 6, &c, 2);
	/* UDP fragmentation offload: not segmented, a counted drop */
	pkts[1] = tso_frame(fx, false, 3000, 1000);
	pkts[1]->vnet.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	/* a TSO frame whose TCP header runs past its end */
	pkts[2] = tso_frame(fx, false, 0, 1000);
	pkts[2]->len = 40;
	assert_int_equal(fx->port.ops->tx(&fx->port, &fx->pool, pkts, 3), 1);
	assert_int_equal(st->drops[QSOCK_DROP_GSO], 2);
	assert_int_equal(vm_recv(fd, f, sizeof(f)), 72);
	assert_int_equal(csum_l4_ipv4(f + 34, 38, sa, da, IPPROTO_UDP), 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stream_basic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stream_partial, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stream_bursts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stream_runt_zero, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stream_oversize, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stream_reconnect, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stream_second_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_tx_partial, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_path_taken, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dgram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dgram_oversize, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tso_segmentation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_csum_and_bad_gso, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
