// SPDX-License-Identifier: MIT
/*
 * test_tap.c - TAP ports in both modes. Needs root; skipped otherwise.
 *
 * CHARDEV mode, a "tap wire":
 *   dcbt-PID-a                     root ns (dcbox)                 dcbt-PID-b
 *   dcbPt0 (TAP netdev) ~~fd~~ [tap port]==wire==[afpacket] dcbPr1 <--veth--> dcbPn1
 *   10.80.0.1/24                                                      10.80.0.2/24
 * ping and iperf3 (64 KiB GSO segments cross as one frame) run through it.
 *
 * NETDEV mode: dcbox makes a persistent TAP dcbPq0 in dcbt-PID-a and
 * attaches to its netdev side; the test plays QEMU by opening the
 * character side by name and exchanging frames with the port both ways.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "port/afpacket.h"
#include "port/netlink.h"
#include "port/netns.h"
#include "port/tap.h"
#include "port_harness.h"

struct fixture {
	char ns[2][NETNS_NAME_MAX];
	char tap[IFNAMSIZ], qtap[IFNAMSIZ], root_if[IFNAMSIZ], ns_if[IFNAMSIZ];
	int fd[2];
	int qfd;
	struct port tapp, afp;
	struct wire wire;
	pid_t iperf;
};

static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (!fx)
		return 0;
	wire_stop(&fx->wire);
	reap(&fx->iperf);
	if (fx->tapp.ops)
		fx->tapp.ops->close(&fx->tapp);
	if (fx->afp.ops)
		fx->afp.ops->close(&fx->afp);
	fx->tapp.ops = fx->afp.ops = NULL;
	if (fx->qfd >= 0)
		close(fx->qfd);
	netlink_link_del(-1, fx->root_if);
	netlink_link_del(fx->fd[0], fx->qtap);
	for (int i = 0; i < 2; i++) {
		if (fx->fd[i] >= 0)
			close(fx->fd[i]);
		netns_del(fx->ns[i]);
	}
	return 0;
}

static int setup_topology(struct fixture *fx)
{
	struct in_addr a;
	int ret;

	for (int i = 0; i < 2; i++) {
		ret = netns_add(fx->ns[i]);
		if (ret)
			return ret;
		fx->fd[i] = netns_open(fx->ns[i]);
	}
	ret = netlink_veth_create(fx->root_if, -1, fx->ns_if, fx->fd[1]);
	ret = ret ?: netlink_link_set_up(-1, fx->root_if, true);
	ret = ret ?: netlink_link_set_up(fx->fd[1], fx->ns_if, true);
	inet_pton(AF_INET, "10.80.0.2", &a);
	ret = ret ?: netlink_addr_add(fx->fd[1], fx->ns_if, AF_INET, &a, 24);
	return ret;
}

static int setup(void **state)
{
	static struct fixture fx;
	uint16_t pid = (uint16_t)getpid();  /* keeps names < IFNAMSIZ */

	*state = NULL;
	if (geteuid() != 0)
		return 0;
	memset(&fx, 0, sizeof(fx));
	for (int i = 0; i < 2; i++) {
		snprintf(fx.ns[i], NETNS_NAME_MAX, "dcbt-%d-%c", getpid(),
			 'a' + i);
		fx.fd[i] = -1;
	}
	snprintf(fx.tap, IFNAMSIZ, "dcb%ut0", pid);
	snprintf(fx.qtap, IFNAMSIZ, "dcb%uq0", pid);
	snprintf(fx.root_if, IFNAMSIZ, "dcb%ur1", pid);
	snprintf(fx.ns_if, IFNAMSIZ, "dcb%un1", pid);
	fx.qfd = fx.iperf = -1;
	*state = &fx;
	if (setup_topology(&fx)) {
		teardown(state);  /* cmocka skips teardown after a failed setup */
		return -1;
	}
	return 0;
}

static void open_tap_wire(struct fixture *fx)
{
	struct tap_cfg cfg;
	struct in_addr a;

	tap_cfg_default(&cfg);
	cfg.mode = TAP_MODE_CHARDEV;
	cfg.netns_fd = fx->fd[0];
	assert_int_equal(tap_port_open(&fx->tapp, fx->tap, &cfg), 0);
	assert_true(tap_port_is(&fx->tapp));
	assert_true(netlink_link_exists(fx->fd[0], fx->tap));
	assert_false(netlink_link_exists(-1, fx->tap));
	inet_pton(AF_INET, "10.80.0.1", &a);
	assert_int_equal(netlink_addr_add(fx->fd[0], fx->tap, AF_INET, &a,
					  24), 0);
	assert_int_equal(afpacket_port_open(&fx->afp, fx->root_if, -1, NULL),
			 0);
	assert_int_equal(wire_start(&fx->wire, &fx->tapp, &fx->afp), 0);
}

static void test_chardev_wire(void **state)
{
	struct fixture *fx = *state;
	double gbps;

	if (!fx)
		skip();
	open_tap_wire(fx);
	assert_int_equal(sh("ip netns exec %s ping -c3 -i0.2 -W2 -q "
			    "10.80.0.2 >/dev/null", fx->ns[0]), 0);
	fx->iperf = iperf_server(fx->ns[1]);
	gbps = iperf_gbps(fx->ns[0], "10.80.0.2", 3);
	wire_stop(&fx->wire);
	print_message("tap wire (chardev tap -> afpacket veth): %.2f Gbit/s, "
		      "%llu GSO frames, largest %llu B, tap drops rx %llu "
		      "tx %llu\n", gbps,
		      (unsigned long long)fx->wire.gso_frames,
		      (unsigned long long)fx->wire.max_len,
		      (unsigned long long)fx->tapp.stats.rx_dropped,
		      (unsigned long long)fx->tapp.stats.tx_dropped);
	assert_true(gbps > 0.1);
	assert_true(fx->wire.gso_frames > 0);
	assert_true(fx->wire.max_len > 9000);
	assert_int_equal(fx->wire.pool.nfree, fx->wire.pool.size);
	/* the non-persistent TAP goes away with dcbox's fd */
	fx->tapp.ops->close(&fx->tapp);
	fx->tapp.ops = NULL;
	assert_false(netlink_link_exists(fx->fd[0], fx->tap));
}

/*
 * wait up to 2 s for a frame on @p whose bytes 12..13 are @b12 @b13,
 * skipping what the kernel sends by itself (IPv6 router solicitations,
 * MLD reports after link up)
 */
static struct pkt *rx_one(struct port *p, struct pkt_pool *pool,
			  uint8_t b12, uint8_t b13)
{
	struct pkt *pkt;

	for (int i = 0; i < 200; i++) {
		while (p->ops->rx(p, pool, &pkt, 1) == 1) {
			if (pkt->len >= 14 && pkt_data(pkt)[12] == b12 &&
			    pkt_data(pkt)[13] == b13)
				return pkt;
			pkt_free(pool, pkt);
		}
		usleep(10000);
	}
	return NULL;
}

/* read the next frame of ethertype 0x88b5 (after the vnet header) */
static ssize_t read_frame(int fd, uint8_t *buf, size_t size)
{
	for (int i = 0; i < 200; i++) {
		ssize_t r = read(fd, buf, size);

		if (r >= 24 && buf[22] == 0x88 && buf[23] == 0xb5)
			return r;
		if (r < 0 && errno != EAGAIN)
			return r;
		if (r < 0)
			usleep(10000);
	}
	return -1;
}

static void test_netdev_mode(void **state)
{
	struct fixture *fx = *state;
	uint8_t frame[10 + 74] = { 0 }, buf[2048];
	struct netlink_link l;
	struct pkt_pool pool;
	struct tap_cfg cfg;
	struct pkt *p;
	ssize_t r;

	if (!fx)
		skip();
	tap_cfg_default(&cfg);
	cfg.netns_fd = fx->fd[0];
	cfg.mtu = 9000;
	assert_int_equal(tap_port_open(&fx->tapp, fx->qtap, &cfg), 0);
	assert_int_equal(netlink_link_get(fx->fd[0], fx->qtap, &l), 0);
	assert_string_equal(l.kind, "tun");
	assert_true(l.flags & IFF_UP);
	assert_int_equal(l.mtu, 9000);
	assert_true(fx->tapp.ops->fd(&fx->tapp) >= 0);

	/* play QEMU: open the character side by name */
	fx->qfd = tap_open_queue(fx->qtap, fx->fd[0], true);
	assert_true(fx->qfd >= 0);
	assert_int_equal(tap_open_queue(fx->qtap, fx->fd[0], true), -EBUSY);
	memset(frame + 10, 0xff, 6);                    /* broadcast */
	memcpy(frame + 16, "\x02\x00\x00\x00\x00\x01", 6);
	frame[22] = 0x88, frame[23] = 0xb5;
	memset(frame + 24, 0x33, 60);
	assert_int_equal(write(fx->qfd, frame, sizeof(frame)), sizeof(frame));

	assert_int_equal(pkt_pool_init(&pool, 16), 0);
	p = rx_one(&fx->tapp, &pool, 0x88, 0xb5);
	assert_non_null(p);
	assert_int_equal(p->len, sizeof(frame) - 10);
	assert_memory_equal(pkt_data(p), frame + 10, p->len);
	assert_int_equal(fx->tapp.stats.rx_packets, 1);
	/* and back to the "VM" */
	pkt_data(p)[30] = 0x44;
	assert_int_equal(fx->tapp.ops->tx(&fx->tapp, &pool, &p, 1), 1);
	assert_int_equal(fx->tapp.stats.tx_packets, 1);
	r = read_frame(fx->qfd, buf, sizeof(buf));
	assert_int_equal(r, sizeof(frame));
	assert_int_equal(buf[30 + 10], 0x44);
	assert_int_equal(pool.nfree, pool.size);
	pkt_pool_fini(&pool);

	/* dcbox made it, so dcbox deletes it */
	fx->tapp.ops->close(&fx->tapp);
	fx->tapp.ops = NULL;
	assert_false(netlink_link_exists(fx->fd[0], fx->qtap));
}

static void test_persistent_without_reader(void **state)
{
	struct fixture *fx = *state;
	struct tap_cfg cfg;

	if (!fx)
		skip();
	tap_cfg_default(&cfg);
	cfg.netns_fd = fx->fd[0];
	cfg.keep = true;
	assert_int_equal(tap_port_open(&fx->tapp, fx->qtap, &cfg), 0);
	fx->tapp.ops->close(&fx->tapp);
	fx->tapp.ops = NULL;
	/* kept: still there for QEMU, and attachable again */
	assert_true(netlink_link_exists(fx->fd[0], fx->qtap));
	assert_int_equal(tap_port_open(&fx->tapp, fx->qtap, &cfg), 0);
	assert_int_equal(tap_port_open(&fx->afp, "", &cfg), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chardev_wire, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_netdev_mode, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_persistent_without_reader,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
