// SPDX-License-Identifier: MIT
/*
 * tap.c - TAP ports in the two modes described in tap.h.
 *
 * NETDEV mode wraps an AF_PACKET port (afpacket.c) on the TAP's netdev:
 * the rx/tx/fd calls are forwarded to it and its counters copied back, so
 * the TAP-specific part is only creation (TUNSETIFF, TUNSETPERSIST,
 * owner, link up) and deletion.
 *
 * CHARDEV mode reads and writes the character fd directly: each read()
 * returns one frame preceded by its virtio-net header, each write() takes
 * one. The fd is non-blocking; rx reads until EAGAIN or @max frames, tx
 * writes each frame of the batch (tun has no multi-frame write; readv and
 * writev only split header and frame, no copy through a bounce buffer).
 * The vnet header size is set explicitly to sizeof(struct virtio_net_hdr)
 * (10 bytes: no num_buffers, as mergeable rx buffers are a virtio-net/QEMU
 * feature irrelevant here), and TUNSETOFFLOAD tells the netdev side that
 * the reader accepts partial checksums and TSO, so the namespace's TCP
 * stack sends 64 KiB segments that reach dcbox as one frame.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include "netlink.h"
#include "netns.h"
#include "tap.h"

enum { VNET_SIZE = sizeof(struct virtio_net_hdr) };

struct tap {
	enum tap_mode mode;
	int fd;                    /* CHARDEV: the queue fd */
	int netns_fd;              /* dup of cfg->netns_fd, or -1 */
	bool created;              /* NETDEV: we made it, delete on close */
	struct port inner;         /* NETDEV: the AF_PACKET port */
	char ifname[IFNAMSIZ];
};

static const struct port_ops tap_netdev_ops, tap_chardev_ops;

/**
 * tap_open_queue() - open the character side of TAP @ifname
 * @ifname: TAP name; created (non-persistent) if it does not exist
 * @netns_fd: namespace to create it in / find it in (-1: current)
 * @vnet_hdr: frames carry a struct virtio_net_hdr (IFF_VNET_HDR)
 *
 * This is what QEMU does for `-netdev tap,ifname=...`; tests use it to
 * play the VM. The fd is non-blocking and close-on-exec.
 *
 * Return: the fd, or -errno (-EBUSY: another process holds the queue).
 */
int tap_open_queue(const char *ifname, int netns_fd, bool vnet_hdr)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd, saved, ret;

	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	if (vnet_hdr)
		ifr.ifr_flags |= IFF_VNET_HDR;
	strcpy(ifr.ifr_name, ifname);
	/* a tun device is created in the namespace of the opener */
	ret = netns_enter(netns_fd, &saved);
	if (ret)
		return ret;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ret = fd < 0 ? -errno : 0;
	if (!ret && ioctl(fd, TUNSETIFF, &ifr))
		ret = -errno;
	if (netns_leave(saved) && !ret)
		ret = -EIO;
	if (ret) {
		if (fd >= 0)
			close(fd);
		return ret;
	}
	return fd;
}

static void sync_stats(struct port *port, struct tap *t)
{
	port->stats = t->inner.stats;
}

static int netdev_rx(struct port *port, struct pkt_pool *pool,
		     struct pkt **pkts, unsigned int max)
{
	struct tap *t = port->priv;
	int n;

	t->inner.id = port->id;
	n = t->inner.ops->rx(&t->inner, pool, pkts, max);
	sync_stats(port, t);
	return n;
}

static int netdev_tx(struct port *port, struct pkt_pool *pool,
		     struct pkt **pkts, unsigned int n)
{
	struct tap *t = port->priv;
	int sent = t->inner.ops->tx(&t->inner, pool, pkts, n);

	sync_stats(port, t);
	return sent;
}

static int netdev_fd(const struct port *port)
{
	const struct tap *t = port->priv;

	return t->inner.ops->fd(&t->inner);
}

static int chardev_rx(struct port *port, struct pkt_pool *pool,
		      struct pkt **pkts, unsigned int max)
{
	struct tap *t = port->priv;
	unsigned int n = 0;

	while (n < max) {
		struct pkt *p = pkt_alloc(pool);
		struct iovec iov[2];
		ssize_t r;

		if (!p) {
			port->stats.rx_dropped++;  /* frame stays queued */
			break;
		}
		iov[0] = (struct iovec){ &p->vnet, VNET_SIZE };
		iov[1] = (struct iovec){ pkt_data(p), PKT_DATA_MAX };
		r = readv(t->fd, iov, 2);
		if (r < VNET_SIZE + 14) {
			pkt_free(pool, p);
			if (r < 0 && errno != EINTR)
				break;     /* EAGAIN: empty; EBADFD: detached */
			if (r >= 0)
				port->stats.rx_dropped++;
			continue;
		}
		p->len = (uint32_t)(r - VNET_SIZE);
		p->in_port = port->id;
		port->stats.rx_packets++;
		port->stats.rx_bytes += p->len;
		pkts[n++] = p;
	}
	return (int)n;
}

static int chardev_tx(struct port *port, struct pkt_pool *pool,
		      struct pkt **pkts, unsigned int n)
{
	struct tap *t = port->priv;
	unsigned int i, sent = 0;

	for (i = 0; i < n; i++) {
		struct iovec iov[2] = {
			{ &pkts[i]->vnet, VNET_SIZE },
			{ pkt_data(pkts[i]), pkts[i]->len },
		};
		ssize_t r;

		do
			r = writev(t->fd, iov, 2);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			port->stats.tx_dropped++;
			continue;
		}
		port->stats.tx_bytes += pkts[i]->len;
		sent++;
	}
	port->stats.tx_packets += sent;
	pkt_free_bulk(pool, pkts, n);
	return (int)sent;
}

static int chardev_fd(const struct port *port)
{
	const struct tap *t = port->priv;

	return t->fd;
}

static void tap_close(struct port *port)
{
	struct tap *t = port->priv;

	if (!t)
		return;
	if (t->inner.ops)
		t->inner.ops->close(&t->inner);
	if (t->fd >= 0)
		close(t->fd);
	if (t->created)
		netlink_link_del(t->netns_fd, t->ifname);
	if (t->netns_fd >= 0)
		close(t->netns_fd);
	free(t);
	port->priv = NULL;
}

static const struct port_ops tap_netdev_ops = {
	.kind = "tap",
	.rx = netdev_rx,
	.tx = netdev_tx,
	.fd = netdev_fd,
	.close = tap_close,
};

static const struct port_ops tap_chardev_ops = {
	.kind = "tap",
	.rx = chardev_rx,
	.tx = chardev_tx,
	.fd = chardev_fd,
	.close = tap_close,
};

/**
 * tap_cfg_default() - NETDEV mode, current namespace, no owner, deleted
 * on close
 * @cfg: configuration to fill
 */
void tap_cfg_default(struct tap_cfg *cfg)
{
	*cfg = (struct tap_cfg){
		.mode = TAP_MODE_NETDEV,
		.netns_fd = -1,
		.owner = (uid_t)-1,
		.group = (gid_t)-1,
	};
}

/* create a persistent TAP for QEMU to open later */
static int netdev_create(struct tap *t, const struct tap_cfg *cfg)
{
	int fd = tap_open_queue(t->ifname, t->netns_fd, true);
	int ret = 0;

	if (fd < 0)
		return fd;
	if (cfg->owner != (uid_t)-1 && ioctl(fd, TUNSETOWNER, cfg->owner))
		ret = -errno;
	if (!ret && cfg->group != (gid_t)-1 &&
	    ioctl(fd, TUNSETGROUP, cfg->group))
		ret = -errno;
	if (!ret && ioctl(fd, TUNSETPERSIST, 1))
		ret = -errno;
	close(fd);
	if (ret)
		return ret;
	t->created = !cfg->keep;
	return 0;
}

static int netdev_open(struct tap *t, const struct tap_cfg *cfg)
{
	int ret = 0;

	if (!netlink_link_exists(t->netns_fd, t->ifname))
		ret = netdev_create(t, cfg);
	if (!ret && cfg->mtu)
		ret = netlink_link_set_mtu(t->netns_fd, t->ifname, cfg->mtu);
	if (!ret)
		ret = netlink_link_set_up(t->netns_fd, t->ifname, true);
	if (!ret)
		ret = afpacket_port_open(&t->inner, t->ifname, t->netns_fd,
					 cfg->afpacket);
	return ret;
}

static int chardev_open(struct tap *t, const struct tap_cfg *cfg)
{
	unsigned int offload = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
			       TUN_F_TSO_ECN;
	int hdr = VNET_SIZE, ret = 0;

	t->fd = tap_open_queue(t->ifname, t->netns_fd, true);
	if (t->fd < 0)
		return t->fd;
	if (ioctl(t->fd, TUNSETVNETHDRSZ, &hdr) ||
	    ioctl(t->fd, TUNSETOFFLOAD, offload))
		ret = -errno;
	if (!ret && cfg->mtu)
		ret = netlink_link_set_mtu(t->netns_fd, t->ifname, cfg->mtu);
	if (!ret)
		ret = netlink_link_set_up(t->netns_fd, t->ifname, true);
	return ret;
}

/**
 * tap_port_open() - open a TAP port, creating the TAP if needed
 * @port: port to fill (ops, name, priv); id and stats are left alone
 * @ifname: TAP name (at most IFNAMSIZ - 1 bytes)
 * @cfg: mode and options, see tap.h; NULL for tap_cfg_default()
 *
 * NETDEV: an existing interface of that name is attached as is (and not
 * deleted on close); otherwise a persistent TAP is made. CHARDEV: dcbox
 * takes the TAP's single queue; -EBUSY if QEMU already has it.
 * The link is set up in both modes.
 *
 * Return: 0, or -errno (nothing left behind).
 */
int tap_port_open(struct port *port, const char *ifname,
		  const struct tap_cfg *cfg)
{
	struct tap_cfg def;
	struct tap *t;
	int ret;

	if (!cfg) {
		tap_cfg_default(&def);
		cfg = &def;
	}
	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->mode = cfg->mode;
	t->fd = t->netns_fd = -1;
	strcpy(t->ifname, ifname);
	if (cfg->netns_fd >= 0) {
		t->netns_fd = fcntl(cfg->netns_fd, F_DUPFD_CLOEXEC, 0);
		if (t->netns_fd < 0) {
			free(t);
			return -errno;
		}
	}
	port->priv = t;
	if (cfg->mode == TAP_MODE_CHARDEV)
		ret = chardev_open(t, cfg);
	else
		ret = netdev_open(t, cfg);
	if (ret) {
		tap_close(port);
		return ret;
	}
	port->ops = cfg->mode == TAP_MODE_CHARDEV ? &tap_chardev_ops
						  : &tap_netdev_ops;
	strncpy(port->name, ifname, PORT_NAME_MAX - 1);
	port->name[PORT_NAME_MAX - 1] = '\0';
	return 0;
}

/**
 * tap_port_is() - is @port a TAP port (either mode)?
 * @port: any opened port
 *
 * Return: true if tap_port_open() set it up.
 */
bool tap_port_is(const struct port *port)
{
	return port->ops == &tap_netdev_ops || port->ops == &tap_chardev_ops;
}
