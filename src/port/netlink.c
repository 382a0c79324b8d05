// SPDX-License-Identifier: MIT
/*
 * netlink.c - rtnetlink requests over libmnl: veth pairs, link settings,
 * namespace moves, addresses and routes, and the clsact qdisc with a
 * direct-action BPF filter that the switch fast path (tcbpf.c) uses.
 *
 * Each request opens a fresh NETLINK_ROUTE socket with the calling thread
 * briefly inside the target namespace (netns_enter()/netns_leave()): a
 * netlink socket talks to the namespace it was created in, for life. One
 * socket per request costs a few microseconds and keeps no state between
 * calls, which suits set-up code. Requests carry NLM_F_ACK and wait for the
 * kernel's answer, so an error is reported by the call that caused it.
 *
 * Links are addressed by name (IFLA_IFNAME with ifi_index 0), which
 * RTM_NEWLINK, RTM_DELLINK and RTM_GETLINK all accept; only addresses
 * need the ifindex, looked up first. Where a request can name another
 * namespace itself (IFLA_NET_NS_FD on a new veth end or a moved link),
 * it does, instead of switching threads.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "netlink.h"
#include "netns.h"

enum { NL_BUF_SIZE = 16384 };

typedef int nl_cb(const struct nlmsghdr *nlh, void *data);

static struct nlmsghdr *nl_put(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	return nlh;
}

static struct mnl_socket *nl_open(int netns_fd, int *err)
{
	struct mnl_socket *nl;
	int saved;

	*err = netns_enter(netns_fd, &saved);
	if (*err)
		return NULL;
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	*err = nl ? 0 : -errno;
	if (netns_leave(saved) && !*err)
		*err = -EIO;
	if (*err)
		goto err_close;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		*err = -errno;
		goto err_close;
	}
	return nl;

err_close:
	if (nl)
		mnl_socket_close(nl);
	return NULL;
}

static int nl_cb_adapter(const struct nlmsghdr *nlh, void *data)
{
	void **pair = data;
	nl_cb *cb = (nl_cb *)pair[0];

	return cb ? cb(nlh, pair[1]) : MNL_CB_OK;
}

/* send @nlh in @netns_fd, feed replies to @cb, wait for the ACK */
static int nl_talk(int netns_fd, struct nlmsghdr *nlh, nl_cb *cb, void *data)
{
	char buf[NL_BUF_SIZE];
	void *pair[2] = { (void *)cb, data };
	struct mnl_socket *nl;
	unsigned int portid;
	ssize_t n;
	int ret;

	nl = nl_open(netns_fd, &ret);
	if (!nl)
		return ret;
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			ret = -errno;
			break;
		}
		ret = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid,
				 nl_cb_adapter, pair);
		if (ret < 0)
			ret = errno ? -errno : -EIO;
	} while (ret > 0);
out:
	mnl_socket_close(nl);
	return ret;
}

static int put_ifname(struct nlmsghdr *nlh, uint16_t type, const char *name)
{
	if (!name || !*name || strlen(name) >= IFNAMSIZ)
		return -EINVAL;
	mnl_attr_put_strz(nlh, type, name);
	return 0;
}

/* an RTM_NEWLINK/DELLINK/GETLINK for link @ifname; caller adds attrs */
static struct nlmsghdr *link_msg(char *buf, uint16_t type, uint16_t flags,
				 const char *ifname, struct ifinfomsg **ifm)
{
	struct nlmsghdr *nlh = nl_put(buf, type, flags);

	*ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifm));
	(*ifm)->ifi_family = AF_UNSPEC;
	if (put_ifname(nlh, IFLA_IFNAME, ifname))
		return NULL;
	return nlh;
}

/* the peer of a veth is a nested ifinfomsg followed by attributes */
static void put_veth_peer(struct nlmsghdr *nlh, const char *peer,
			  int peer_netns_fd)
{
	struct nlattr *info, *data, *pnest;
	struct ifinfomsg *pifm;

	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	pnest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifm = (struct ifinfomsg *)((char *)nlh + nlh->nlmsg_len);
	memset(pifm, 0, NLMSG_ALIGN(sizeof(*pifm)));
	nlh->nlmsg_len += NLMSG_ALIGN(sizeof(*pifm));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	mnl_attr_nest_end(nlh, pnest);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
}

/**
 * netlink_veth_create() - create a veth pair @name <-> @peer
 * @name: first end's name
 * @netns_fd: namespace the first end is created in (-1: current)
 * @peer: second end's name
 * @peer_netns_fd: namespace of the second end (-1: current)
 *
 * Both ends start down. Each name must be free in its own namespace.
 *
 * Return: 0, -EEXIST if a name is taken, -EINVAL for a bad name, or
 * another -errno.
 */
int netlink_veth_create(const char *name, int netns_fd, const char *peer,
			int peer_netns_fd)
{
	char buf[NL_BUF_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh;

	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name,
		       &ifm);
	if (!nlh || !peer || !*peer || strlen(peer) >= IFNAMSIZ)
		return -EINVAL;
	if (netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	put_veth_peer(nlh, peer, peer_netns_fd);
	return nl_talk(-1, nlh, NULL, NULL);
}

/**
 * netlink_link_del() - delete link @ifname (a veth takes its peer along)
 * @netns_fd: namespace of the link (-1: current)
 * @ifname: link name
 *
 * Return: 0, -ENODEV if there is no such link, or another -errno.
 */
int netlink_link_del(int netns_fd, const char *ifname)
{
	char buf[NL_BUF_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(buf, RTM_DELLINK, 0, ifname, &ifm);

	if (!nlh)
		return -EINVAL;
	return nl_talk(netns_fd, nlh, NULL, NULL);
}

static int link_info_attr(const struct nlattr *attr, void *data)
{
	struct netlink_link *out = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			out->mtu = mnl_attr_get_u32(attr);
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(attr) == sizeof(out->mac))
			memcpy(out->mac, mnl_attr_get_payload(attr), 6);
		break;
	case IFLA_LINKINFO: {
		const struct nlattr *a;

		mnl_attr_for_each_nested(a, attr)
			if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
			    mnl_attr_validate(a, MNL_TYPE_STRING) == 0)
				snprintf(out->kind, sizeof(out->kind), "%s",
					 mnl_attr_get_str(a));
		break;
	}
	}
	return MNL_CB_OK;
}

static int link_info_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct netlink_link *out = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	out->ifindex = ifm->ifi_index;
	out->flags = ifm->ifi_flags;
	return mnl_attr_parse(nlh, sizeof(*ifm), link_info_attr, out);
}

/**
 * netlink_link_get() - read a link's index, flags, MTU, MAC and kind
 * @netns_fd: namespace of the link (-1: current)
 * @ifname: link name
 * @out: filled on success
 *
 * Return: 0, -ENODEV if there is no such link, or another -errno.
 */
int netlink_link_get(int netns_fd, const char *ifname,
		     struct netlink_link *out)
{
	char buf[NL_BUF_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, ifname, &ifm);

	if (!nlh)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_talk(netns_fd, nlh, link_info_cb, out);
}

/**
 * netlink_ifindex() - interface index of link @ifname
 * @netns_fd: namespace of the link (-1: current)
 * @ifname: link name
 *
 * Return: the ifindex (> 0), or -errno (-ENODEV: no such link).
 */
int netlink_ifindex(int netns_fd, const char *ifname)
{
	struct netlink_link l;
	int ret = netlink_link_get(netns_fd, ifname, &l);

	if (ret)
		return ret;
	return l.ifindex > 0 ? l.ifindex : -ENODEV;
}

/**
 * netlink_link_exists() - is there a link @ifname in the namespace?
 * @netns_fd: namespace (-1: current)
 * @ifname: link name
 *
 * Return: true if it exists.
 */
bool netlink_link_exists(int netns_fd, const char *ifname)
{
	return netlink_ifindex(netns_fd, ifname) > 0;
}

/* RTM_NEWLINK on an existing link: change @mask flags to @flags */
static int link_set_flags(int netns_fd, const char *ifname,
			  unsigned int mask, unsigned int flags)
{
	char buf[NL_BUF_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifname, &ifm);

	if (!nlh)
		return -EINVAL;
	ifm->ifi_change = mask;
	ifm->ifi_flags = flags;
	return nl_talk(netns_fd, nlh, NULL, NULL);
}

/**
 * netlink_link_set_up() - set link @ifname administratively up or down
 * @netns_fd: namespace of the link (-1: current)
 * @ifname: link name
 * @up: true for up
 *
 * Return: 0 or -errno.
 */
int netlink_link_set_up(int netns_fd, const char *ifname, bool up)
{
	return link_set_flags(netns_fd, ifname, IFF_UP, up ? IFF_UP : 0);
}

/**
 * netlink_link_set_promisc() - turn promiscuous mode on or off
 * @netns_fd: namespace of the link (-1: current)
 * @ifname: link name
 * @on: true for promiscuous
 *
 * Return: 0 or -errno.
 */
int netlink_link_set_promisc(int netns_fd, const char *ifname, bool on)
{
	return link_set_flags(netns_fd, ifname, IFF_PROMISC,
			      on ? IFF_PROMISC : 0);
}

/* RTM_NEWLINK on an existing link with one attribute */
static int link_set_attr(int netns_fd, const char *ifname, uint16_t type,
			 const void *val, size_t size)
{
	char buf[NL_BUF_SIZE];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifname, &ifm);

	if (!nlh)
		return -EINVAL;
	mnl_attr_put(nlh, type, size, val);
	return nl_talk(netns_fd, nlh, NULL, NULL);
}

/**
 * netlink_link_set_mac() - set a link's Ethernet address
 * @netns_fd: namespace of the link (-1: current)
 * @ifname: link name
 * @mac: the six address bytes
 *
 * Return: 0 or -errno (-EADDRNOTAVAIL for a multicast address).
 */
int netlink_link_set_mac(int netns_fd, const char *ifname,
			 const uint8_t mac[6])
{
	return link_set_attr(netns_fd, ifname, IFLA_ADDRESS, mac, 6);
}

/**
 * netlink_link_set_mtu() - set a link's MTU
 * @netns_fd: namespace of the link (-1: current)
 * @ifname: link name
 * @mtu: new MTU in bytes
 *
 * Return: 0 or -errno (-EINVAL outside the device's range).
 */
int netlink_link_set_mtu(int netns_fd, const char *ifname, unsigned int mtu)
{
	uint32_t v = mtu;

	return link_set_attr(netns_fd, ifname, IFLA_MTU, &v, sizeof(v));
}

/**
 * netlink_link_set_netns() - move link @ifname into another namespace
 * @netns_fd: namespace the link is in now (-1: current)
 * @ifname: link name (kept)
 * @target_netns_fd: namespace to move it to
 *
 * The link arrives down and without addresses, as with `ip link set netns`.
 *
 * Return: 0, -EEXIST if the name is taken there, or another -errno.
 */
int netlink_link_set_netns(int netns_fd, const char *ifname,
			   int target_netns_fd)
{
	uint32_t fd = (uint32_t)target_netns_fd;

	if (target_netns_fd < 0)
		return -EBADF;
	return link_set_attr(netns_fd, ifname, IFLA_NET_NS_FD, &fd,
			     sizeof(fd));
}

static int addr_size(int family)
{
	if (family == AF_INET)
		return 4;
	if (family == AF_INET6)
		return 16;
	return -EAFNOSUPPORT;
}

/**
 * netlink_addr_add() - add an address with prefix to link @ifname
 * @netns_fd: namespace of the link (-1: current)
 * @ifname: link name
 * @family: AF_INET or AF_INET6
 * @addr: struct in_addr or struct in6_addr, network byte order
 * @prefix_len: prefix length (0..32 or 0..128)
 *
 * Also installs the connected route, as `ip addr add` does.
 *
 * Return: 0, -EEXIST if already there, or another -errno.
 */
int netlink_addr_add(int netns_fd, const char *ifname, int family,
		     const void *addr, unsigned int prefix_len)
{
	int size = addr_size(family), ifindex;
	char buf[NL_BUF_SIZE];
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;

	if (size < 0)
		return size;
	if (prefix_len > (unsigned int)size * 8)
		return -EINVAL;
	ifindex = netlink_ifindex(netns_fd, ifname);
	if (ifindex < 0)
		return ifindex;
	nlh = nl_put(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = (uint8_t)prefix_len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, (size_t)size, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, (size_t)size, addr);
	return nl_talk(netns_fd, nlh, NULL, NULL);
}

/**
 * netlink_route_add_default() - add a default route via gateway @gw
 * @netns_fd: namespace (-1: current)
 * @family: AF_INET or AF_INET6
 * @gw: gateway address, reachable through a connected route
 *
 * Return: 0, -EEXIST if a default route exists, -ENETUNREACH if @gw is
 * not on a connected network, or another -errno.
 */
int netlink_route_add_default(int netns_fd, int family, const void *gw)
{
	int size = addr_size(family);
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (size < 0)
		return size;
	nlh = nl_put(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, (size_t)size, gw);
	return nl_talk(netns_fd, nlh, NULL, NULL);
}

/* an RTM_*QDISC/TFILTER message on @ifindex's clsact qdisc */
static struct nlmsghdr *tc_msg(char *buf, uint16_t type, uint16_t flags,
			       int ifindex, uint32_t parent, uint32_t info)
{
	struct nlmsghdr *nlh = nl_put(buf, type, flags);
	struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));

	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	tcm->tcm_info = info;
	return nlh;
}

/**
 * netlink_clsact_add() - add a clsact qdisc to a link (tc's ingress hook)
 * @ifindex: the link, in the caller's namespace
 *
 * Return: 0 (also if the link already has one), or -errno.
 */
int netlink_clsact_add(int ifindex)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;
	int ret;

	nlh = tc_msg(buf, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex,
		     TC_H_CLSACT, 0);
	((struct tcmsg *)mnl_nlmsg_get_payload(nlh))->tcm_handle =
		TC_H_MAKE(TC_H_CLSACT, 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "clsact");
	ret = nl_talk(-1, nlh, NULL, NULL);
	return ret == -EEXIST ? 0 : ret;
}

/**
 * netlink_clsact_del() - remove a link's clsact qdisc and all its filters
 * @ifindex: the link, in the caller's namespace
 *
 * Return: 0, -ENOENT/-EINVAL if there is none, -ENODEV, or another -errno.
 */
int netlink_clsact_del(int ifindex)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;

	nlh = tc_msg(buf, RTM_DELQDISC, 0, ifindex, TC_H_CLSACT, 0);
	((struct tcmsg *)mnl_nlmsg_get_payload(nlh))->tcm_handle =
		TC_H_MAKE(TC_H_CLSACT, 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "clsact");
	return nl_talk(-1, nlh, NULL, NULL);
}

/**
 * netlink_tc_bpf_add() - put a direct-action BPF program on a link's ingress
 * @ifindex: the link; it needs a clsact qdisc (netlink_clsact_add())
 * @prio: filter priority (1 runs first); one filter per priority
 * @prog_fd: a BPF_PROG_TYPE_SCHED_CLS program
 * @name: shown by `tc filter show dev LINK ingress`
 *
 * Matches every protocol. An existing filter at @prio is replaced.
 *
 * Return: 0 or -errno.
 */
int netlink_tc_bpf_add(int ifindex, uint16_t prio, int prog_fd,
		       const char *name)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *opts;

	nlh = tc_msg(buf, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_REPLACE,
		     ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
		     TC_H_MAKE((uint32_t)prio << 16, htons(ETH_P_ALL)));
	((struct tcmsg *)mnl_nlmsg_get_payload(nlh))->tcm_handle = 1;
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u32(nlh, TCA_BPF_FD, (uint32_t)prog_fd);
	mnl_attr_put_strz(nlh, TCA_BPF_NAME, name);
	mnl_attr_put_u32(nlh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	mnl_attr_nest_end(nlh, opts);
	return nl_talk(-1, nlh, NULL, NULL);
}
