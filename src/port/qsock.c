// SPDX-License-Identifier: MIT
/*
 * qsock.c - QEMU socket ports (qsock.h): a listening unix stream socket
 * or a bound datagram socket that one VM at a time plugs into.
 *
 * Theory of operation:
 *  - The event loop adds each port's fd() once, at start (daemon.c
 *    watch_ports()), but a stream port's client fd comes and goes with the
 *    VM. So a stream port owns an epoll fd and fd() returns it: it watches
 *    the listening socket, the client (EPOLLIN, plus EPOLLOUT while a
 *    frame is half sent) and an eventfd "kick". All are level-triggered,
 *    so the epoll fd is readable exactly while one of them is ready; the
 *    port never needs epoll_wait() on it, rx() just tries the operations.
 *    A datagram port has no connection: fd() is the bound socket itself.
 *  - Stream rx reads as much as the socket has (up to 256 KiB) into one
 *    buffer and cuts frames out of it: a length prefix, then the frame,
 *    copied once into a pool buffer. A frame split across reads waits in
 *    the buffer; the buffer is compacted when less than one largest frame
 *    of room is left, so a valid frame always fits. A length above
 *    QSOCK_FRAME_MAX cannot be resynchronised from: the connection is
 *    dropped (the VM may reconnect). A length below an Ethernet header
 *    (0 included) is a counted drop and the stream goes on.
 *  - rx() returns at most @max frames; whole frames left in the buffer
 *    would wait for the next readiness that may never come, since the
 *    socket itself is drained. The kick eventfd is made readable while
 *    the buffer holds a whole frame and reset when it does not.
 *  - Stream tx builds one iovec array per batch (length prefix, then the
 *    frame, or for a TSO segment its rebuilt headers and a payload slice)
 *    and sends it with one sendmsg(). The kernel may take part of it: the
 *    remainder of a frame cut in the middle is copied aside and sent
 *    first, as soon as the socket is writable (EPOLLOUT wakes rx()), so
 *    the stream never loses sync; whole frames that did not fit are
 *    dropped (sock_full), as a NIC with a full ring drops them.
 *  - Datagram rx is recvmmsg() straight into pool buffers, one frame per
 *    datagram, and the sender's address comes along. The first named
 *    sender is adopted as the VM; a datagram from another address is
 *    dropped while the VM's socket still exists (checked by connect(), at
 *    most every 100 ms), otherwise the new sender is adopted: a restarted
 *    VM. Tx is sendmmsg() to that address; ECONNREFUSED/ENOENT means the
 *    VM is gone and the port forgets it.
 *  - Rejected alternatives: giving the loop the client fd (it changes);
 *    reading the length prefix and the frame with two syscalls each
 *    (twice the syscalls per frame); blocking sends (one slow VM would
 *    stall the whole dataplane).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "qsock.h"
#include "qsock_seg.h"

enum {
	QS_LEN = 4, /* stream length prefix, big-endian */
	QS_ETH_HLEN = 14,
	QS_RBUF_SIZE = 256 * 1024,
	QS_UNITS = 128, /* frames per sendmsg()/sendmmsg() */
	QS_PEND_MAX = QS_LEN + QSOCK_SEG_HDR_MAX + QSOCK_FRAME_MAX,
	QS_BACKLOG = 4, /* listen() backlog */
	QS_ACCEPTS = 8, /* connections handled per rx() */
	QS_LOG_BURST = 10, /* log lines per window and port */
	QS_DIR_MODE = 0755,
	QS_MODE_DEFAULT = 0660,
};

static const uint64_t QS_LOG_WINDOW_NS = 5000000000ull;
static const uint64_t QS_PEER_CHECK_NS = 100000000ull;

_Static_assert(QS_RBUF_SIZE >= 2 * (QS_LEN + QSOCK_FRAME_MAX),
	       "the rx buffer must hold a partial and a whole frame");

/* Frames waiting for one sendmsg() (stream) or sendmmsg() (dgram). */
struct qs_chunk {
	unsigned int n;
	struct qsock_unit units[QS_UNITS];
	uint32_t owner[QS_UNITS]; /* index of the packet in the tx batch */
	uint8_t lens[QS_UNITS][QS_LEN];
	uint8_t hdrs[QS_UNITS][QSOCK_SEG_HDR_MAX];
	struct iovec iov[QS_UNITS * 3];
	struct mmsghdr msgs[QS_UNITS];
	bool full; /* rest of this tx call: sock_full */
	long last_bad; /* last packet with a dropped unit */
	unsigned int bad; /* packets with a dropped unit */
};

struct qsock {
	enum qsock_type type;
	char name[PORT_NAME_MAX];
	char path[QSOCK_PATH_MAX];
	int sock; /* listening (stream) or bound (dgram) */
	int client; /* stream: the VM, or -1 */
	int epfd; /* stream: what fd() returns */
	int kick; /* stream: eventfd, see file comment */
	bool kicked;
	bool want_out; /* EPOLLOUT armed on the client */
	bool bound; /* we made the socket file */
	size_t dirs_from; /* directories we made: path prefixes
				    * ending at a '/' at or after this
				    * index; 0 = none */
	dev_t dev; /* ... with this identity */
	ino_t ino;
	uint8_t *rbuf; /* stream rx: bytes [rhead, rtail) unread */
	uint32_t rhead, rtail;
	uint8_t *pend; /* stream tx: [pend_off, pend_len) unsent */
	uint32_t pend_off, pend_len;
	struct sockaddr_un peer; /* dgram: the VM's socket */
	socklen_t peer_len; /* 0: none yet */
	uint64_t peer_check_ns;
	struct sockaddr_un from[PKT_BURST];
	struct mmsghdr rmsgs[PKT_BURST];
	struct iovec riov[PKT_BURST];
	uint64_t log_window_ns;
	unsigned int log_lines;
	uint64_t log_suppressed;
	struct qsock_stats stats;
	struct qs_chunk chunk;
};

static const struct port_ops qsock_stream_ops, qsock_dgram_ops;
static void rmdir_parents(const struct qsock *q);

#define QS_NAME(e, name, text) name,
static const char *const drop_names[] = {QSOCK_DROPS(QS_NAME)};
#undef QS_NAME
#define QS_TEXT(e, name, text) text,
static const char *const drop_texts[] = {QSOCK_DROPS(QS_TEXT)};
#undef QS_TEXT

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* At most QS_LOG_BURST lines per port every QS_LOG_WINDOW_NS. */
static void __attribute__((format(printf, 2, 3)))
qs_log(struct qsock *q, const char *fmt, ...)
{
	uint64_t now = now_ns();
	va_list ap;

	if (now - q->log_window_ns >= QS_LOG_WINDOW_NS) {
		if (q->log_suppressed)
			fprintf(stderr,
				"dcbox: port %s: %llu more messages "
				"suppressed\n",
				q->name, (unsigned long long)q->log_suppressed);
		q->log_window_ns = now;
		q->log_lines = 0;
		q->log_suppressed = 0;
	}
	if (q->log_lines >= QS_LOG_BURST) {
		q->log_suppressed++;
		return;
	}
	q->log_lines++;
	fprintf(stderr, "dcbox: port %s (%s): ", q->name, q->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static void rx_drop(struct port *port, struct qsock *q, enum qsock_drop why)
{
	q->stats.drops[why]++;
	port->stats.rx_dropped++;
}

static struct pkt *rx_frame(struct port *port, struct qsock *q,
			    struct pkt_pool *pool, const uint8_t *frame,
			    uint32_t len)
{
	struct pkt *p;

	if (len < QS_ETH_HLEN) {
		rx_drop(port, q, QSOCK_DROP_RUNT);
		return NULL;
	}
	p = pkt_alloc(pool);
	if (!p) {
		rx_drop(port, q, QSOCK_DROP_POOL_EMPTY);
		return NULL;
	}
	memcpy(pkt_data(p), frame, len);
	p->len = len;
	p->in_port = port->id;
	port->stats.rx_packets++;
	port->stats.rx_bytes += len;
	return p;
}

/*
 * Stream: connection handling
 */

static int client_events(struct qsock *q, bool out)
{
	struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0)};

	if (epoll_ctl(q->epfd, EPOLL_CTL_MOD, q->client, &ev))
		return -errno;
	q->want_out = out;
	return 0;
}

static void stream_disconnect(struct qsock *q, const char *why)
{
	if (q->client < 0)
		return;
	close(q->client); /* also leaves q->epfd */
	q->client = -1;
	q->rhead = q->rtail = 0;
	q->pend_off = q->pend_len = 0;
	q->want_out = false;
	q->stats.disconnects++;
	qs_log(q, "VM disconnected (%s); waiting for it to reconnect", why);
}

static void stream_take(struct qsock *q, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN};

	if (q->client >= 0) {
		close(fd);
		q->stats.refused++;
		qs_log(q, "second connection refused: a VM is connected "
			  "already (one VM per socket)");
		return;
	}
	if (epoll_ctl(q->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		qs_log(q, "cannot watch the VM's connection: %s",
		       strerror(errno));
		close(fd);
		return;
	}
	q->client = fd;
	q->rhead = q->rtail = 0;
	q->stats.connects++;
	qs_log(q, "VM connected");
}

static void stream_accept(struct qsock *q)
{
	unsigned int i;
	int fd;

	for (i = 0; i < QS_ACCEPTS; i++) {
		fd = accept4(q->sock, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN: none waiting */
		stream_take(q, fd);
	}
}

/* Send what is left of a half-sent frame. 0: all sent; -EAGAIN: not yet. */
static int pend_flush(struct qsock *q)
{
	ssize_t r;

	while (q->pend_off < q->pend_len) {
		r = send(q->client, q->pend + q->pend_off,
			 q->pend_len - q->pend_off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return -EAGAIN;
		if (r < 0) {
			stream_disconnect(q, strerror(errno));
			return -EPIPE;
		}
		q->pend_off += (uint32_t)r;
	}
	q->pend_off = q->pend_len = 0;
	if (q->want_out && client_events(q, false))
		qs_log(q, "cannot disarm EPOLLOUT: %s", strerror(errno));
	return 0;
}

/*
 * Stream rx
 */

/* Is a whole frame (or a fatal length) waiting in the buffer? */
static bool stream_backlog(const struct qsock *q)
{
	uint32_t avail = q->rtail - q->rhead, len;

	if (avail < QS_LEN)
		return false;
	len = get32(q->rbuf + q->rhead);
	return len > QSOCK_FRAME_MAX || avail - QS_LEN >= len;
}

static void stream_kick(struct qsock *q)
{
	bool backlog = q->client >= 0 && stream_backlog(q);
	eventfd_t v;

	if (backlog && !q->kicked)
		q->kicked = !eventfd_write(q->kick, 1);
	else if (!backlog && q->kicked)
		q->kicked = eventfd_read(q->kick, &v) && errno != EAGAIN;
}

/* Cut whole frames out of the buffer into pool packets. */
static unsigned int stream_parse(struct port *port, struct qsock *q,
				 struct pkt_pool *pool, struct pkt **pkts,
				 unsigned int max)
{
	unsigned int n = 0;
	uint32_t avail, len;
	struct pkt *p;

	while (n < max && q->client >= 0) {
		avail = q->rtail - q->rhead;
		if (avail < QS_LEN)
			break;
		len = get32(q->rbuf + q->rhead);
		if (len > QSOCK_FRAME_MAX) {
			rx_drop(port, q, QSOCK_DROP_OVERSIZE);
			stream_disconnect(q, "frame length above the largest "
					     "frame: protocol error");
			break;
		}
		if (avail - QS_LEN < len)
			break;
		p = rx_frame(port, q, pool, q->rbuf + q->rhead + QS_LEN, len);
		q->rhead += QS_LEN + len;
		if (p)
			pkts[n++] = p;
	}
	return n;
}

/* Read more bytes. Return: bytes read, 0 if none, -EPIPE if it closed. */
static ssize_t stream_fill(struct qsock *q, size_t *want)
{
	uint32_t keep = q->rtail - q->rhead;
	ssize_t r;

	if (!keep) {
		q->rhead = q->rtail = 0;
	} else if (QS_RBUF_SIZE - q->rtail < QS_LEN + QSOCK_FRAME_MAX) {
		memmove(q->rbuf, q->rbuf + q->rhead, keep);
		q->rhead = 0;
		q->rtail = keep;
	}
	*want = QS_RBUF_SIZE - q->rtail;
	if (!*want)
		return 0; /* cannot happen: fill follows a full parse */
	do
		r = recv(q->client, q->rbuf + q->rtail, *want, MSG_DONTWAIT);
	while (r < 0 && errno == EINTR);
	if (r > 0) {
		q->rtail += (uint32_t)r;
		return r;
	}
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	stream_disconnect(q, r ? strerror(errno) : "connection closed");
	return -EPIPE;
}

static int stream_rx(struct port *port, struct pkt_pool *pool,
		     struct pkt **pkts, unsigned int max)
{
	struct qsock *q = port->priv;
	bool read_any = false;
	unsigned int n;
	size_t want;
	ssize_t r;

	if (q->pend_len && q->client >= 0)
		pend_flush(q);
	if (q->client < 0)
		stream_accept(q);
	n = stream_parse(port, q, pool, pkts, max);
	while (n < max && q->client >= 0) {
		r = stream_fill(q, &want);
		if (r <= 0)
			break;
		read_any = true;
		n += stream_parse(port, q, pool, pkts + n, max - n);
		if ((size_t)r < want)
			break; /* drained; more data wakes the loop */
	}
	if (!n && !read_any)
		stream_accept(q); /* the listener woke us: refuse or take */
	stream_kick(q);
	return (int)n;
}

/*
 * Tx, both framings: units in a chunk, flushed per QS_UNITS
 */

static void unit_drop(struct port *port, struct qsock *q, unsigned int i,
		      enum qsock_drop why)
{
	struct qs_chunk *c = &q->chunk;

	q->stats.drops[why]++;
	port->stats.tx_dropped++;
	if ((long)c->owner[i] != c->last_bad) {
		c->last_bad = c->owner[i];
		c->bad++;
	}
}

static void unit_sent(struct port *port, const struct qsock_unit *u)
{
	port->stats.tx_packets++;
	port->stats.tx_bytes += u->hdr_len + u->data_len;
}

/* Copy unit @i of the chunk from byte @skip on (prefix included) aside. */
static void unit_keep_tail(struct qsock *q, unsigned int i, size_t skip)
{
	const struct qsock_unit *u = &q->chunk.units[i];
	const struct iovec parts[3] = {
		{q->chunk.lens[i], QS_LEN},
		{(void *)u->hdr, u->hdr_len},
		{(void *)u->data, u->data_len},
	};
	unsigned int k;
	size_t len;

	q->pend_off = q->pend_len = 0;
	for (k = 0; k < 3; k++) {
		len = parts[k].iov_len;
		if (skip >= len) {
			skip -= len;
			continue;
		}
		memcpy(q->pend + q->pend_len,
		       (uint8_t *)parts[k].iov_base + skip, len - skip);
		q->pend_len += (uint32_t)(len - skip);
		skip = 0;
	}
}

static unsigned int stream_iov(struct qsock *q)
{
	struct qs_chunk *c = &q->chunk;
	unsigned int i, k = 0;

	for (i = 0; i < c->n; i++) {
		const struct qsock_unit *u = &c->units[i];

		put32(c->lens[i], u->hdr_len + u->data_len);
		c->iov[k++] = (struct iovec){c->lens[i], QS_LEN};
		if (u->hdr_len)
			c->iov[k++] =
				(struct iovec){(void *)u->hdr, u->hdr_len};
		if (u->data_len)
			c->iov[k++] =
				(struct iovec){(void *)u->data, u->data_len};
	}
	return k;
}

/* Account for @r bytes sent of the chunk; keep a cut frame's remainder. */
static void stream_sent(struct port *port, struct qsock *q, size_t r)
{
	struct qs_chunk *c = &q->chunk;
	unsigned int i;
	size_t size;

	for (i = 0; i < c->n; i++) {
		size = QS_LEN + c->units[i].hdr_len + c->units[i].data_len;
		if (r >= size) {
			r -= size;
			unit_sent(port, &c->units[i]);
		} else if (r) {
			unit_keep_tail(q, i, r);
			r = 0;
			unit_sent(port, &c->units[i]);
			c->full = true;
			if (client_events(q, true))
				qs_log(q, "cannot arm EPOLLOUT: %s",
				       strerror(errno));
		} else {
			c->full = true;
			unit_drop(port, q, i, QSOCK_DROP_SOCK_FULL);
		}
	}
}

static void stream_flush(struct port *port, struct qsock *q)
{
	struct qs_chunk *c = &q->chunk;
	struct msghdr msg = {.msg_iov = c->iov};
	enum qsock_drop why = QSOCK_DROP_SOCK_FULL;
	unsigned int i;
	ssize_t r = -1;

	if (q->client < 0)
		why = QSOCK_DROP_NOT_CONNECTED;
	else if (!c->full) {
		msg.msg_iovlen = stream_iov(q);
		do
			r = sendmsg(q->client, &msg,
				    MSG_DONTWAIT | MSG_NOSIGNAL);
		while (r < 0 && errno == EINTR);
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			stream_disconnect(q, strerror(errno));
			why = QSOCK_DROP_NOT_CONNECTED;
		}
	}
	if (r >= 0) {
		stream_sent(port, q, (size_t)r);
	} else {
		c->full = true;
		for (i = 0; i < c->n; i++)
			unit_drop(port, q, i, why);
	}
	c->n = 0;
}

/* Forget a dgram VM whose socket is gone. */
static void dgram_forget(struct qsock *q, int err)
{
	q->peer_len = 0;
	q->stats.disconnects++;
	qs_log(q, "VM's socket is gone (%s); waiting for its next datagram",
	       strerror(err));
}

static void dgram_msgs(struct qsock *q)
{
	struct qs_chunk *c = &q->chunk;
	unsigned int i, k = 0;

	for (i = 0; i < c->n; i++) {
		const struct qsock_unit *u = &c->units[i];
		struct msghdr *h = &c->msgs[i].msg_hdr;

		*h = (struct msghdr){.msg_name = &q->peer,
				     .msg_namelen = q->peer_len,
				     .msg_iov = &c->iov[k]};
		if (u->hdr_len)
			c->iov[k++] =
				(struct iovec){(void *)u->hdr, u->hdr_len};
		c->iov[k++] = (struct iovec){(void *)u->data, u->data_len};
		h->msg_iovlen = (size_t)(&c->iov[k] - h->msg_iov);
	}
}

static void dgram_flush(struct port *port, struct qsock *q)
{
	struct qs_chunk *c = &q->chunk;
	unsigned int i = 0;
	int r;

	if (q->peer_len && !c->full)
		dgram_msgs(q);
	while (i < c->n && q->peer_len && !c->full) {
		r = sendmmsg(q->sock, &c->msgs[i], c->n - i, MSG_DONTWAIT);
		if (r > 0) {
			for (; r; r--, i++)
				unit_sent(port, &c->units[i]);
		} else if (errno == EAGAIN || errno == EWOULDBLOCK ||
			   errno == ENOBUFS) {
			c->full = true;
		} else if (errno == ECONNREFUSED || errno == ENOENT ||
			   errno == ENOTCONN) {
			dgram_forget(q, errno);
		} else if (errno != EINTR) {
			unit_drop(port, q, i++, QSOCK_DROP_SOCK_ERROR);
		}
	}
	for (; i < c->n; i++)
		unit_drop(port, q, i,
			  q->peer_len ? QSOCK_DROP_SOCK_FULL
				      : QSOCK_DROP_NOT_CONNECTED);
	c->n = 0;
}

static void chunk_flush(struct port *port, struct qsock *q)
{
	if (!q->chunk.n)
		return;
	if (q->type == QSOCK_STREAM)
		stream_flush(port, q);
	else
		dgram_flush(port, q);
}

/* Slot for the next unit, flushing a full chunk first. */
static unsigned int chunk_slot(struct port *port, struct qsock *q)
{
	if (q->chunk.n == QS_UNITS)
		chunk_flush(port, q);
	return q->chunk.n;
}

/* Queue packet @i: as is, or as the segments of a TSO frame. */
static void tx_queue(struct port *port, struct qsock *q, struct pkt *p,
		     uint32_t i)
{
	struct qs_chunk *c = &q->chunk;
	struct qsock_seg seg;
	unsigned int k;

	if (qsock_seg_is_gso(p)) {
		if (qsock_seg_start(&seg, p))
			goto drop;
		for (;;) {
			k = chunk_slot(port, q);
			if (!qsock_seg_next(&seg, c->hdrs[k], &c->units[k]))
				break;
			c->owner[c->n++] = i;
		}
		q->stats.segmented++;
		return;
	}
	if (qsock_seg_csum(p))
		goto drop;
	k = chunk_slot(port, q);
	c->units[k] = (struct qsock_unit){NULL, 0, pkt_data(p), p->len};
	c->owner[c->n++] = i;
	return;
drop:
	/* flush first: drops are then counted in packet order (unit_drop) */
	chunk_flush(port, q);
	c->owner[0] = i;
	unit_drop(port, q, 0, QSOCK_DROP_GSO);
}

static int qsock_tx(struct port *port, struct pkt_pool *pool, struct pkt **pkts,
		    unsigned int n)
{
	struct qsock *q = port->priv;
	struct qs_chunk *c = &q->chunk;
	unsigned int i;

	c->n = 0;
	c->bad = 0;
	c->last_bad = -1;
	c->full = false;
	if (q->type == QSOCK_STREAM && q->pend_len && q->client >= 0)
		c->full = pend_flush(q) == -EAGAIN;
	for (i = 0; i < n; i++)
		tx_queue(port, q, pkts[i], i);
	chunk_flush(port, q);
	pkt_free_bulk(pool, pkts, n);
	return (int)(n - c->bad);
}

/*
 * Datagram rx
 */

static bool addr_same(const struct sockaddr_un *a, socklen_t alen,
		      const struct sockaddr_un *b, socklen_t blen)
{
	return alen == blen && !memcmp(a, b, alen);
}

/* Is the VM's socket still bound? A stale file refuses connect(). */
static bool dgram_peer_alive(const struct qsock *q)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r, err;

	if (fd < 0)
		return true; /* cannot tell: keep the VM we know */
	r = connect(fd, (const struct sockaddr *)&q->peer, q->peer_len);
	err = errno;
	close(fd);
	return !r || (err != ECONNREFUSED && err != ENOENT);
}

static void dgram_addr_str(const struct sockaddr_un *a, socklen_t len,
			   char *buf, size_t size)
{
	size_t n = len - offsetof(struct sockaddr_un, sun_path);

	if (a->sun_path[0])
		snprintf(buf, size, "%.*s", (int)strnlen(a->sun_path, n),
			 a->sun_path);
	else
		snprintf(buf, size, "@%.*s", (int)(n - 1), a->sun_path + 1);
}

/* Who sent datagram @i: the VM (-1), or why to drop it. */
static int dgram_sender(struct qsock *q, unsigned int i)
{
	socklen_t len = q->rmsgs[i].msg_hdr.msg_namelen;
	const struct sockaddr_un *from = &q->from[i];
	char addr[QSOCK_PATH_MAX + 2];
	uint64_t now;

	if (len <= offsetof(struct sockaddr_un, sun_path))
		return QSOCK_DROP_UNNAMED;
	if (q->peer_len && addr_same(from, len, &q->peer, q->peer_len))
		return -1;
	dgram_addr_str(from, len, addr, sizeof(addr));
	if (q->peer_len) {
		now = now_ns();
		if (now - q->peer_check_ns < QS_PEER_CHECK_NS)
			return QSOCK_DROP_FOREIGN;
		q->peer_check_ns = now;
		if (dgram_peer_alive(q)) {
			qs_log(q,
			       "datagram from %s dropped: the VM's socket "
			       "is still there (one VM per socket)",
			       addr);
			return QSOCK_DROP_FOREIGN;
		}
		q->stats.disconnects++;
	}
	memcpy(&q->peer, from, len);
	q->peer_len = len;
	q->stats.connects++;
	qs_log(q, "VM connected from %s", addr);
	return -1;
}

/* One datagram in the pool's pool_empty case: read and drop it. */
static void dgram_discard(struct port *port, struct qsock *q)
{
	uint8_t b;

	if (recv(q->sock, &b, 1, MSG_DONTWAIT | MSG_TRUNC) >= 0)
		rx_drop(port, q, QSOCK_DROP_POOL_EMPTY);
}

static bool dgram_check(struct port *port, struct qsock *q, unsigned int i)
{
	const struct mmsghdr *m = &q->rmsgs[i];
	int why = dgram_sender(q, i);

	if (why < 0 && ((m->msg_hdr.msg_flags & MSG_TRUNC) ||
			m->msg_len > QSOCK_FRAME_MAX))
		why = QSOCK_DROP_OVERSIZE;
	else if (why < 0 && m->msg_len < QS_ETH_HLEN)
		why = QSOCK_DROP_RUNT;
	if (why >= 0)
		rx_drop(port, q, (enum qsock_drop)why);
	return why < 0;
}

static int dgram_rx(struct port *port, struct pkt_pool *pool, struct pkt **pkts,
		    unsigned int max)
{
	struct qsock *q = port->priv;
	unsigned int got, i, n = 0;
	int r;

	got = pkt_alloc_bulk(pool, pkts, max < PKT_BURST ? max : PKT_BURST);
	if (!got) {
		dgram_discard(port, q);
		return 0;
	}
	for (i = 0; i < got; i++) {
		q->riov[i] = (struct iovec){pkt_data(pkts[i]), PKT_DATA_MAX};
		q->rmsgs[i].msg_hdr =
			(struct msghdr){.msg_name = &q->from[i],
					.msg_namelen = sizeof(q->from[i]),
					.msg_iov = &q->riov[i],
					.msg_iovlen = 1};
	}
	do
		r = recvmmsg(q->sock, q->rmsgs, got, MSG_DONTWAIT, NULL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		r = 0;
	pkt_free_bulk(pool, pkts + r, got - (unsigned int)r);
	for (i = 0; i < (unsigned int)r; i++) {
		struct pkt *p = pkts[i];

		if (!dgram_check(port, q, i)) {
			pkt_free(pool, p);
			continue;
		}
		p->len = q->rmsgs[i].msg_len;
		p->in_port = port->id;
		port->stats.rx_packets++;
		port->stats.rx_bytes += p->len;
		pkts[n++] = p;
	}
	return (int)n;
}

/*
 * Life cycle
 */

static int stream_fd(const struct port *port)
{
	const struct qsock *q = port->priv;

	return q->epfd;
}

static int dgram_fd(const struct port *port)
{
	const struct qsock *q = port->priv;

	return q->sock;
}

static void qsock_close(struct port *port)
{
	struct qsock *q = port->priv;
	struct stat st;

	if (!q)
		return;
	if (q->client >= 0)
		close(q->client);
	if (q->kick >= 0)
		close(q->kick);
	if (q->epfd >= 0)
		close(q->epfd);
	if (q->sock >= 0)
		close(q->sock);
	/* a newer daemon may have replaced our file: leave its file alone */
	if (q->bound && !lstat(q->path, &st) && st.st_dev == q->dev &&
	    st.st_ino == q->ino)
		unlink(q->path);
	rmdir_parents(q);
	free(q->rbuf);
	free(q->pend);
	free(q);
	port->priv = NULL;
}

static const struct port_ops qsock_stream_ops = {
	.kind = "socket",
	.rx = stream_rx,
	.tx = qsock_tx,
	.fd = stream_fd,
	.close = qsock_close,
};

static const struct port_ops qsock_dgram_ops = {
	.kind = "socket",
	.rx = dgram_rx,
	.tx = qsock_tx,
	.fd = dgram_fd,
	.close = qsock_close,
};

static int sock_type(enum qsock_type type)
{
	return type == QSOCK_DGRAM ? SOCK_DGRAM : SOCK_STREAM;
}

static int addr_fill(struct sockaddr_un *sa, const char *path)
{
	size_t len = path ? strlen(path) : 0;

	if (!len || path[0] != '/')
		return -EINVAL;
	if (len >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, len);
	return 0;
}

/* 0: nothing there; 1: a stale socket file; -errno: in use or not ours. */
static int path_probe(const char *path, enum qsock_type type)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, r, err, ret = addr_fill(&sa, path);

	if (ret)
		return ret;
	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, sock_type(type) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	err = errno;
	close(fd);
	if (!r)
		return -EADDRINUSE;
	if (err == ECONNREFUSED || err == ENOENT)
		return 1;
	/* EAGAIN (backlog full), EPROTOTYPE (the other framing): alive */
	return err == EACCES || err == EPERM ? -err : -EADDRINUSE;
}

/**
 * qsock_path_check() - may a socket port be opened at @path?
 * @path: absolute path of the socket file
 * @type: the framing the port would use (the connect test uses it)
 *
 * A socket file nobody listens on (left by a dead process) counts as
 * free: qsock_port_open() replaces it. Note the connect test is a real
 * connection for a stream listener: another dcbox sees a VM come and go.
 *
 * Return: 0 if free or stale; -EADDRINUSE if something listens or is
 * bound there; -EEXIST if the path is not a socket; -EINVAL if it is not
 * absolute; -ENAMETOOLONG beyond sun_path; other -errno from lstat().
 */
int qsock_path_check(const char *path, enum qsock_type type)
{
	int ret = path_probe(path, type);

	return ret > 0 ? 0 : ret;
}

/* mkdir -p of the socket's directory (each created 0755), remembered. */
static int mkdir_parents(struct qsock *q)
{
	char dir[QSOCK_PATH_MAX];
	size_t i;

	snprintf(dir, sizeof(dir), "%s", q->path);
	for (i = 1; dir[i]; i++) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		if (!mkdir(dir, QS_DIR_MODE)) {
			if (!q->dirs_from)
				q->dirs_from = i;
		} else if (errno != EEXIST) {
			return -errno;
		}
		dir[i] = '/';
	}
	return 0;
}

/* rmdir what mkdir_parents() made, deepest first, while empty. */
static void rmdir_parents(const struct qsock *q)
{
	char dir[QSOCK_PATH_MAX];
	size_t i;

	if (!q->dirs_from)
		return;
	snprintf(dir, sizeof(dir), "%s", q->path);
	for (i = strlen(dir); i-- > q->dirs_from;) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		if (rmdir(dir))
			return;
	}
	dir[q->dirs_from] = '\0';
	rmdir(dir);
}

static int bind_path(struct qsock *q, const struct qsock_cfg *cfg)
{
	struct sockaddr_un sa;
	struct stat st;
	int ret = path_probe(q->path, cfg->type);

	if (ret < 0)
		return ret;
	if (ret > 0 && unlink(q->path) && errno != ENOENT)
		return -errno;
	ret = mkdir_parents(q);
	if (!ret)
		ret = addr_fill(&sa, q->path);
	if (ret)
		return ret;
	q->sock =
		socket(AF_UNIX,
		       sock_type(cfg->type) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (q->sock < 0)
		return -errno;
	if (bind(q->sock, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno; /* EADDRINUSE: someone bound it just now */
	q->bound = !lstat(q->path, &st);
	q->dev = st.st_dev;
	q->ino = st.st_ino;
	if (!q->bound || chmod(q->path, cfg->mode))
		return -errno;
	if ((cfg->owner != (uid_t)-1 || cfg->group != (gid_t)-1) &&
	    chown(q->path, cfg->owner, cfg->group))
		return -errno;
	return 0;
}

static int stream_setup(struct qsock *q)
{
	struct epoll_event ev = {.events = EPOLLIN};

	q->rbuf = malloc(QS_RBUF_SIZE);
	q->pend = malloc(QS_PEND_MAX);
	if (!q->rbuf || !q->pend)
		return -ENOMEM;
	if (listen(q->sock, QS_BACKLOG))
		return -errno;
	q->epfd = epoll_create1(EPOLL_CLOEXEC);
	q->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->epfd < 0 || q->kick < 0)
		return -errno;
	if (epoll_ctl(q->epfd, EPOLL_CTL_ADD, q->sock, &ev) ||
	    epoll_ctl(q->epfd, EPOLL_CTL_ADD, q->kick, &ev))
		return -errno;
	return 0;
}

/**
 * qsock_cfg_default() - stream framing, mode 0660, no chown
 * @cfg: configuration to fill
 */
void qsock_cfg_default(struct qsock_cfg *cfg)
{
	*cfg = (struct qsock_cfg){
		.type = QSOCK_STREAM,
		.mode = QS_MODE_DEFAULT,
		.owner = (uid_t)-1,
		.group = (gid_t)-1,
	};
}

/**
 * qsock_port_open() - listen on (stream) or bind (dgram) @path for a VM
 * @port: port to fill (ops, name, priv); id and stats are left alone
 * @name: port name (the VM's name)
 * @path: absolute path of the socket file, shorter than QSOCK_PATH_MAX
 * @cfg: framing and file mode; NULL for qsock_cfg_default()
 *
 * Creates @path's directories, replaces a stale socket file, and fails
 * when something listens there. No VM needs to be connected: it may come
 * (and go, and come back) at any time.
 *
 * Return: 0, or -errno (nothing left behind): -EADDRINUSE when the path
 * is in use by a live socket, -EEXIST when it is not a socket, -EINVAL
 * for a relative path, -ENAMETOOLONG beyond sun_path.
 */
int qsock_port_open(struct port *port, const char *name, const char *path,
		    const struct qsock_cfg *cfg)
{
	struct qsock_cfg def;
	struct qsock *q;
	int ret;

	if (!cfg) {
		qsock_cfg_default(&def);
		cfg = &def;
	}
	if (!path || strlen(path) >= QSOCK_PATH_MAX)
		return path ? -ENAMETOOLONG : -EINVAL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->type = cfg->type;
	q->sock = q->client = q->epfd = q->kick = -1;
	snprintf(q->name, sizeof(q->name), "%s", name ? name : "");
	snprintf(q->path, sizeof(q->path), "%s", path);
	port->priv = q;
	ret = bind_path(q, cfg);
	if (!ret && cfg->type == QSOCK_STREAM)
		ret = stream_setup(q);
	if (ret) {
		qsock_close(port);
		return ret;
	}
	port->ops = cfg->type == QSOCK_STREAM ? &qsock_stream_ops
					      : &qsock_dgram_ops;
	snprintf(port->name, sizeof(port->name), "%s", q->name);
	return 0;
}

/**
 * qsock_port_is() - is @port a socket port?
 * @port: any opened port
 *
 * Return: true if qsock_port_open() set it up.
 */
bool qsock_port_is(const struct port *port)
{
	return port->ops == &qsock_stream_ops || port->ops == &qsock_dgram_ops;
}

/**
 * qsock_port_connected() - is a VM plugged in?
 * @port: a socket port
 *
 * Return: stream: a client is connected; dgram: a VM address is known.
 */
bool qsock_port_connected(const struct port *port)
{
	const struct qsock *q = port->priv;

	return q->type == QSOCK_STREAM ? q->client >= 0 : q->peer_len > 0;
}

/**
 * qsock_port_stats() - drop reasons and connection counters of @port
 * @port: a socket port
 *
 * Return: the counters, owned by the port (valid until close).
 */
const struct qsock_stats *qsock_port_stats(const struct port *port)
{
	const struct qsock *q = port->priv;

	return &q->stats;
}

/**
 * qsock_drop_name() - counter name of a drop reason ("sock_full")
 * @reason: a reason
 *
 * Return: a static string; "?" for an out-of-range value.
 */
const char *qsock_drop_name(enum qsock_drop reason)
{
	return (unsigned int)reason < QSOCK_DROP_N ? drop_names[reason] : "?";
}

/**
 * qsock_drop_text() - one-line explanation of a drop reason
 * @reason: a reason
 *
 * Return: a static string; "?" for an out-of-range value.
 */
const char *qsock_drop_text(enum qsock_drop reason)
{
	return (unsigned int)reason < QSOCK_DROP_N ? drop_texts[reason] : "?";
}
