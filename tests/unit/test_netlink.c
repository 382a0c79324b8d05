// SPDX-License-Identifier: MIT
/*
 * test_netlink.c - named namespaces (netns.c) and rtnetlink requests
 * (netlink.c) against the running kernel. Needs root; skipped otherwise.
 *
 *   root ns                      dcbt-PID-a
 *   dcbtPa0 (veth) <----------> dcbtPa1  10.77.0.2/24, default via .1
 *
 * Each test makes its own namespaces with the pid in the name and the
 * teardown deletes them and the root-side veth end even after a failure.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "port/netlink.h"
#include "port/netns.h"

struct fixture {
	char ns_a[NETNS_NAME_MAX], ns_b[NETNS_NAME_MAX];
	char veth0[IFNAMSIZ], veth1[IFNAMSIZ];
	int fd_a, fd_b;
};

static int setup(void **state)
{
	static struct fixture fx;

	if (geteuid() != 0) {
		*state = NULL;
		return 0;
	}
	memset(&fx, 0, sizeof(fx));
	snprintf(fx.ns_a, sizeof(fx.ns_a), "dcbt-%d-a", getpid());
	snprintf(fx.ns_b, sizeof(fx.ns_b), "dcbt-%d-b", getpid());
	snprintf(fx.veth0, sizeof(fx.veth0), "dcbt%da0", getpid() % 100000);
	snprintf(fx.veth1, sizeof(fx.veth1), "dcbt%da1", getpid() % 100000);
	fx.fd_a = fx.fd_b = -1;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	if (!fx)
		return 0;
	if (fx->fd_a >= 0)
		close(fx->fd_a);
	if (fx->fd_b >= 0)
		close(fx->fd_b);
	netlink_link_del(-1, fx->veth0);
	netlink_link_del(-1, fx->veth1);
	netns_del(fx->ns_a);
	netns_del(fx->ns_b);
	return 0;
}

#define NEED_ROOT(fx)                            \
	do {                                     \
		if (!(fx))                       \
			skip();                  \
	} while (0)

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void test_netns_lifecycle(void **state)
{
	struct fixture *fx = *state;
	struct netlink_link lo;

	NEED_ROOT(fx);
	assert_false(netns_exists(fx->ns_a));
	assert_int_equal(netns_add(fx->ns_a), 0);
	assert_int_equal(netns_add(fx->ns_a), -EEXIST);
	assert_true(netns_exists(fx->ns_a));
	fx->fd_a = netns_open(fx->ns_a);
	assert_true(fx->fd_a >= 0);
	/* lo is up inside, and iproute2 sees and enters the namespace */
	assert_int_equal(netlink_link_get(fx->fd_a, "lo", &lo), 0);
	assert_true(lo.flags & IFF_UP);
	assert_int_equal(sh("ip netns list | grep -qw %s", fx->ns_a), 0);
	assert_int_equal(sh("ip netns exec %s ping -c1 -W1 -q 127.0.0.1 "
			    ">/dev/null", fx->ns_a), 0);
	assert_int_equal(netns_del(fx->ns_a), 0);
	assert_false(netns_exists(fx->ns_a));
	assert_int_equal(netns_del(fx->ns_a), -ENOENT);
	assert_int_equal(netns_open(fx->ns_a), -ENOENT);
	assert_int_equal(netns_add("../x"), -EINVAL);
}

static int in_ns_ifindex(void *arg)
{
	return netlink_ifindex(-1, arg);
}

static void test_veth_settings(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0xdc, 0xb0, 0, 0, 0x11 };
	struct fixture *fx = *state;
	struct netlink_link l;
	struct in_addr a, gw;

	NEED_ROOT(fx);
	assert_int_equal(netns_add(fx->ns_a), 0);
	fx->fd_a = netns_open(fx->ns_a);
	assert_int_equal(netlink_veth_create(fx->veth0, -1, fx->veth1,
					     fx->fd_a), 0);
	assert_int_equal(netlink_veth_create(fx->veth0, -1, fx->veth1,
					     fx->fd_a), -EEXIST);
	assert_true(netlink_link_exists(-1, fx->veth0));
	assert_false(netlink_link_exists(-1, fx->veth1));
	assert_true(netlink_ifindex(fx->fd_a, fx->veth1) > 0);
	assert_int_equal(netns_run(fx->fd_a, in_ns_ifindex, fx->veth1),
			 netlink_ifindex(fx->fd_a, fx->veth1));

	assert_int_equal(netlink_link_set_mac(fx->fd_a, fx->veth1, mac), 0);
	assert_int_equal(netlink_link_set_mtu(fx->fd_a, fx->veth1, 9000), 0);
	assert_int_equal(netlink_link_set_up(fx->fd_a, fx->veth1, true), 0);
	assert_int_equal(netlink_link_set_promisc(-1, fx->veth0, true), 0);
	assert_int_equal(netlink_link_get(fx->fd_a, fx->veth1, &l), 0);
	assert_memory_equal(l.mac, mac, 6);
	assert_int_equal(l.mtu, 9000);
	assert_true(l.flags & IFF_UP);
	assert_string_equal(l.kind, "veth");
	assert_int_equal(netlink_link_get(-1, fx->veth0, &l), 0);
	assert_true(l.flags & IFF_PROMISC);
	assert_false(l.flags & IFF_UP);

	inet_pton(AF_INET, "10.77.0.2", &a);
	inet_pton(AF_INET, "10.77.0.1", &gw);
	assert_int_equal(netlink_route_add_default(fx->fd_a, AF_INET, &gw),
			 -ENETUNREACH);
	assert_int_equal(netlink_addr_add(fx->fd_a, fx->veth1, AF_INET, &a,
					  24), 0);
	assert_int_equal(netlink_addr_add(fx->fd_a, fx->veth1, AF_INET, &a,
					  24), -EEXIST);
	assert_int_equal(netlink_route_add_default(fx->fd_a, AF_INET, &gw),
			 0);
	assert_int_equal(sh("ip -n %s route show default | grep -q "
			    "'via 10.77.0.1 dev %s'", fx->ns_a, fx->veth1),
			 0);
	assert_int_equal(sh("ip -n %s addr show dev %s | grep -q "
			    "10.77.0.2/24", fx->ns_a, fx->veth1), 0);
}

static void test_move_and_delete(void **state)
{
	struct fixture *fx = *state;

	NEED_ROOT(fx);
	assert_int_equal(netns_add(fx->ns_a), 0);
	assert_int_equal(netns_add(fx->ns_b), 0);
	fx->fd_a = netns_open(fx->ns_a);
	fx->fd_b = netns_open(fx->ns_b);
	assert_int_equal(netlink_veth_create(fx->veth0, fx->fd_a, fx->veth1,
					     fx->fd_b), 0);
	assert_false(netlink_link_exists(-1, fx->veth0));
	assert_true(netlink_link_exists(fx->fd_a, fx->veth0));
	assert_true(netlink_link_exists(fx->fd_b, fx->veth1));
	assert_int_equal(netlink_link_set_netns(fx->fd_a, fx->veth0,
						fx->fd_b), 0);
	assert_true(netlink_link_exists(fx->fd_b, fx->veth0));
	assert_false(netlink_link_exists(fx->fd_a, fx->veth0));
	assert_int_equal(netlink_link_del(fx->fd_b, fx->veth0), 0);
	assert_false(netlink_link_exists(fx->fd_b, fx->veth1));
	assert_int_equal(netlink_link_del(fx->fd_b, fx->veth0), -ENODEV);
	assert_int_equal(netlink_ifindex(-1, "dcbtnone"), -ENODEV);
	assert_int_equal(netlink_link_set_up(-1, "this-name-is-too-long", 1),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_netns_lifecycle, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_veth_settings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_move_and_delete, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
