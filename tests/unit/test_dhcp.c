// SPDX-License-Identifier: MIT
/*
 * test_dhcp.c - unit tests for the DHCP server (src/l3/dhcp_*.c).
 *
 * Real client packets first: DISCOVER, REQUEST and RELEASE bytes captured
 * with tcpdump from isc-dhcp-client 4.4.3 (dhclient) and busybox 1.35
 * udhcpc as Debian 12 ships them. Then the protocol, one named test per
 * case (selecting, init-reboot, renewing, NAK, release, decline, inform,
 * reservations, exhaustion, expiry, client identifiers), malformed packets
 * (truncated options, lengths past the end, missing END, overload, empty
 * message type, huge packets, wrong op/cookie/htype, every truncation of a
 * real packet), the frame builder's checksums, and the lease file (restart,
 * expiry while down, out-of-range, corrupt file with line number, write
 * coalescing, write failure).
 *
 * The last test (root only, skipped otherwise) runs the real clients:
 *
 *   dcbxdhs-PID                                dcbxdhc-PID
 *   dhsPID [AF_PACKET <- thread: pkt_parse,    dhcPID  dhclient / udhcpc
 *          dhcp_server_input, dhcp_frame_build] <--veth--> (script records
 *   02:00:00:00:dc:01, no IP                   what they were given)
 *
 * dhclient obtains and releases a lease, udhcpc obtains one, the server
 * restarts from its lease file, and a client with another MAC then gets
 * the next address. Set DCBOX_DHCP_PCAP=FILE to save what the server
 * received and sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "core/csum.h"
#include "core/parse.h"
#include "l3/dhcp.h"

/* ---- captured packets (UDP payloads; unlisted bytes are zero) --------- */

/* byte tables stay as captured, 8 to 11 bytes a line */
// clang-format off

/* dhclient, chaddr 02:00:00:aa:00:01, no client-id, hostname "vm" */
static const uint8_t dhclient_discover[300] = {
	[0] = 0x01, 0x01, 0x06, 0x00, 0xfe, 0x71, 0x4e, 0x73,
	[28] = 0x02, 0x00, 0x00, 0xaa, 0x00, 0x01,
	[236] = 0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x01, 0x0c, 0x02, 0x76,
	0x6d, 0x37, 0x0d, 0x01, 0x1c, 0x02, 0x03, 0x0f, 0x06, 0x77, 0x0c,
	0x2c, 0x2f, 0x1a, 0x79, 0x2a, 0xff,
};

/* udhcpc, same MAC, client-id 01:02:00:00:aa:00:01, max size 576 */
static const uint8_t udhcpc_discover[300] = {
	[0] = 0x01, 0x01, 0x06, 0x00, 0xf6, 0x36, 0xfd, 0x29,
	[28] = 0x02, 0x00, 0x00, 0xaa, 0x00, 0x01,
	[236] = 0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x01, 0x39, 0x02, 0x02,
	0x40, 0x37, 0x07, 0x01, 0x03, 0x06, 0x0c, 0x0f, 0x1c, 0x2a, 0x3c,
	0x0c, 0x75, 0x64, 0x68, 0x63, 0x70, 0x20, 0x31, 0x2e, 0x33, 0x35,
	0x2e, 0x30, 0x3d, 0x07, 0x01, 0x02, 0x00, 0x00, 0xaa, 0x00, 0x01,
	0xff,
};

/* dhclient REQUEST (SELECTING): server-id 10.1.0.1, requested 10.1.0.100 */
static const uint8_t dhclient_request[300] = {
	[0] = 0x01, 0x01, 0x06, 0x00, 0x83, 0xb1, 0x77, 0x73,
	[28] = 0x02, 0x00, 0x00, 0xaa, 0x00, 0x01,
	[236] = 0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x03, 0x36, 0x04, 0x0a,
	0x01, 0x00, 0x01, 0x32, 0x04, 0x0a, 0x01, 0x00, 0x64, 0x0c, 0x02,
	0x76, 0x6d, 0x37, 0x0d, 0x01, 0x1c, 0x02, 0x03, 0x0f, 0x06, 0x77,
	0x0c, 0x2c, 0x2f, 0x1a, 0x79, 0x2a, 0xff,
};

/* dhclient -r: RELEASE of ciaddr 10.1.0.100, unicast to the server */
static const uint8_t dhclient_release[300] = {
	[0] = 0x01, 0x01, 0x06, 0x00, 0x0f, 0x12, 0x01, 0x76, 0x00, 0x00,
	0x00, 0x00, 0x0a, 0x01, 0x00, 0x64,
	[28] = 0x02, 0x00, 0x00, 0xaa, 0x00, 0x01,
	[236] = 0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x07, 0x36, 0x04, 0x0a,
	0x01, 0x00, 0x01, 0x0c, 0x02, 0x76, 0x6d, 0xff,
};

/* udhcpc REQUEST (SELECTING) for 10.1.0.100, client-id 01+MAC */
static const uint8_t udhcpc_request[300] = {
	[0] = 0x01, 0x01, 0x06, 0x00, 0x2d, 0x88, 0xf7, 0x02,
	[28] = 0x02, 0x00, 0x00, 0xaa, 0x00, 0x01,
	[236] = 0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x03, 0x32, 0x04, 0x0a,
	0x01, 0x00, 0x64, 0x36, 0x04, 0x0a, 0x01, 0x00, 0x01, 0x39, 0x02,
	0x02, 0x40, 0x37, 0x07, 0x01, 0x03, 0x06, 0x0c, 0x0f, 0x1c, 0x2a,
	0x3c, 0x0c, 0x75, 0x64, 0x68, 0x63, 0x70, 0x20, 0x31, 0x2e, 0x33,
	0x35, 0x2e, 0x30, 0x3d, 0x07, 0x01, 0x02, 0x00, 0x00, 0xaa, 0x00,
	0x01, 0xff,
};

/* dhclient INIT-REBOOT: 02:00:00:aa:00:02 asks for 10.1.0.101, no server-id */
static const uint8_t dhclient_reboot[300] = {
	[0] = 0x01, 0x01, 0x06, 0x00, 0x18, 0x14, 0x92, 0x62,
	[28] = 0x02, 0x00, 0x00, 0xaa, 0x00, 0x02,
	[236] = 0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x03, 0x32, 0x04, 0x0a,
	0x01, 0x00, 0x65, 0x0c, 0x02, 0x76, 0x6d, 0x37, 0x0d, 0x01, 0x1c,
	0x02, 0x03, 0x0f, 0x06, 0x77, 0x0c, 0x2c, 0x2f, 0x1a, 0x79, 0x2a,
	0xff,
};
// clang-format on

/* ---- fixture ---------------------------------------------------------- */

enum { NOW = 1700000000 };

struct fixture {
	struct dhcp_config cfg;
	struct dhcp_server *s;
	char dir[64];
	char file[128];
	char log[8192];
};

static const uint8_t mac1[6] = {0x02, 0x00, 0x00, 0xaa, 0x00, 0x01};
static const uint8_t mac2[6] = {0x02, 0x00, 0x00, 0xaa, 0x00, 0x02};
static const uint8_t mac3[6] = {0x02, 0x00, 0x00, 0xaa, 0x00, 0x03};

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void log_cb(void *arg, const char *msg)
{
	struct fixture *fx = arg;
	size_t n = strlen(fx->log);

	snprintf(fx->log + n, sizeof(fx->log) - n, "%s\n", msg);
}

/* 10.1.0.1/24, range .100-.199, DNS .1 and .53, lease 3600 s */
static void fill_config(struct dhcp_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "r1:web");
	c->server_ip.s_addr = ip4("10.1.0.1");
	c->prefix_len = 24;
	c->range_start.s_addr = ip4("10.1.0.100");
	c->range_end.s_addr = ip4("10.1.0.199");
	c->dns[0].s_addr = ip4("10.1.0.1");
	c->dns[1].s_addr = ip4("10.1.0.53");
	c->dns_len = 2;
	c->lease_s = 3600;
}

static void default_config(struct fixture *fx)
{
	fill_config(&fx->cfg);
	fx->cfg.log = log_cb;
	fx->cfg.log_arg = fx;
}

static void start(struct fixture *fx, uint64_t now)
{
	char err[256];

	fx->s = dhcp_server_create(&fx->cfg, fx->file, now, err, sizeof(err));
	if (!fx->s)
		fail_msg("create: %s", err);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/dcbox-dhcp-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->file, sizeof(fx->file), "%s/leases", fx->dir);
	default_config(fx);
	start(fx, NOW);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[256];

	dhcp_server_destroy(fx->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd))
		return -1;
	free(fx);
	return 0;
}

static void restart(struct fixture *fx, uint64_t now)
{
	assert_int_equal(dhcp_server_flush(fx->s, now, true), 0);
	dhcp_server_destroy(fx->s);
	start(fx, now);
}

/* ---- packet building and reply reading --------------------------------- */

struct pb {
	uint8_t b[2048];
	size_t n;
};

static void pb_opt(struct pb *p, uint8_t code, uint8_t len, const void *v)
{
	p->b[p->n++] = code;
	p->b[p->n++] = len;
	memcpy(p->b + p->n, v, len);
	p->n += len;
}

static void pb_ip(struct pb *p, uint8_t code, const char *ip)
{
	uint32_t a = ip4(ip);

	pb_opt(p, code, 4, &a);
}

/* A BOOTREQUEST with a message type (none when @type is 0), no END yet. */
static void pb_init(struct pb *p, uint8_t type, const uint8_t *mac)
{
	static const uint8_t cookie[4] = {99, 130, 83, 99};

	memset(p, 0, sizeof(*p));
	p->b[0] = 1;
	p->b[1] = 1;
	p->b[2] = 6;
	memcpy(p->b + 4, "\x12\x34\x56\x78", 4);
	memcpy(p->b + 28, mac, 6);
	memcpy(p->b + 236, cookie, 4);
	p->n = 240;
	if (type)
		pb_opt(p, 53, 1, &type);
}

static void pb_end(struct pb *p)
{
	p->b[p->n++] = 255;
	if (p->n < 300)
		p->n = 300;
}

static void pb_ciaddr(struct pb *p, const char *ip)
{
	uint32_t a = ip4(ip);

	memcpy(p->b + 12, &a, 4);
}

static int feed(struct fixture *fx, const void *pkt, size_t n, uint64_t now,
		struct dhcp_reply *r)
{
	return dhcp_server_input(fx->s, pkt, n, now, r);
}

static int send_pb(struct fixture *fx, struct pb *p, uint64_t now,
		   struct dhcp_reply *r)
{
	return feed(fx, p->b, p->n, now, r);
}

/* Find option @code in a reply; NULL when absent. */
static const uint8_t *ropt(const struct dhcp_reply *r, uint8_t code,
			   uint8_t *len)
{
	size_t i = 240;

	while (i + 1 < r->size && r->data[i] != 255) {
		if (r->data[i] == 0) {
			i++;
			continue;
		}
		assert_true(i + 2 + r->data[i + 1] <= r->size);
		if (r->data[i] == code) {
			*len = r->data[i + 1];
			return r->data + i + 2;
		}
		i += 2 + r->data[i + 1];
	}
	return NULL;
}

static uint32_t ropt32(const struct dhcp_reply *r, uint8_t code)
{
	const uint8_t *v;
	uint8_t len;
	uint32_t x;

	v = ropt(r, code, &len);
	if (!v)
		fail_msg("option %u missing", code);
	assert_int_equal(len, 4);
	memcpy(&x, v, 4);
	return x;
}

static uint8_t rtype(const struct dhcp_reply *r)
{
	uint8_t len;
	const uint8_t *v = ropt(r, 53, &len);

	assert_non_null(v);
	assert_int_equal(len, 1);
	return v[0];
}

static uint32_t ryiaddr(const struct dhcp_reply *r)
{
	uint32_t a;

	memcpy(&a, r->data + 16, 4);
	return a;
}

/* DISCOVER + REQUEST(selecting) for @mac; returns the bound address. */
static uint32_t bind_client(struct fixture *fx, const uint8_t *mac,
			    uint64_t now)
{
	struct dhcp_reply r;
	struct pb p;
	char ip[INET_ADDRSTRLEN];
	uint32_t a;

	pb_init(&p, DHCPDISCOVER, mac);
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, now, &r), 1);
	assert_int_equal(rtype(&r), DHCPOFFER);
	a = ryiaddr(&r);
	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	pb_init(&p, DHCPREQUEST, mac);
	pb_ip(&p, 54, "10.1.0.1");
	pb_ip(&p, 50, ip);
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, now, &r), 1);
	assert_int_equal(rtype(&r), DHCPACK);
	assert_int_equal(ryiaddr(&r), a);
	return a;
}

struct find {
	uint32_t ip;
	struct dhcp_lease l;
	int found;
	int count;
};

static int find_cb(const struct dhcp_lease *l, void *arg)
{
	struct find *f = arg;

	f->count++;
	if (l->ip.s_addr == f->ip) {
		f->l = *l;
		f->found = 1;
	}
	return 0;
}

static struct find lease_of(struct fixture *fx, const char *ip, uint64_t now)
{
	struct find f = {.ip = ip4(ip)};

	assert_int_equal(dhcp_lease_foreach(fx->s, now, find_cb, &f), 0);
	return f;
}

/* ---- captured clients ------------------------------------------------- */

static void check_offer_options(const struct dhcp_reply *r)
{
	uint8_t len;
	const uint8_t *dns = ropt(r, 6, &len);

	assert_int_equal(ropt32(r, 54), ip4("10.1.0.1"));
	assert_int_equal(ropt32(r, 1), ip4("255.255.255.0"));
	assert_int_equal(ropt32(r, 3), ip4("10.1.0.1"));
	assert_int_equal(ntohl(ropt32(r, 51)), 3600);
	assert_int_equal(ntohl(ropt32(r, 58)), 1800);
	assert_int_equal(ntohl(ropt32(r, 59)), 3150);
	assert_non_null(dns);
	assert_int_equal(len, 8);
	assert_memory_equal(dns, "\x0a\x01\x00\x01\x0a\x01\x00\x35", 8);
}

static void test_dhclient_discover(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;

	assert_int_equal(
		feed(fx, dhclient_discover, sizeof(dhclient_discover), NOW, &r),
		1);
	assert_int_equal(r.msg_type, DHCPOFFER);
	assert_int_equal(rtype(&r), DHCPOFFER);
	assert_true(r.size >= DHCP_REPLY_MIN && r.size <= DHCP_REPLY_MAX);
	assert_int_equal(r.data[0], 2);
	assert_memory_equal(r.data + 4, dhclient_discover + 4, 4); /* xid */
	assert_memory_equal(r.data + 28, mac1, 6);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.100"));
	check_offer_options(&r);
	/* dhclient asked for option 28 */
	assert_int_equal(ropt32(&r, 28), ip4("10.1.0.255"));
	/* no broadcast flag, no ciaddr: unicast to yiaddr at chaddr */
	assert_false(r.broadcast);
	assert_int_equal(r.dst_ip.s_addr, ip4("10.1.0.100"));
	assert_memory_equal(r.dst_mac, mac1, 6);
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW).l.state,
			 DHCP_LEASE_OFFERED);
	assert_string_equal(lease_of(fx, "10.1.0.100", NOW).l.hostname, "vm");
	assert_int_equal(dhcp_server_stats(fx->s)->rx[DHCPDISCOVER], 1);
	assert_int_equal(dhcp_server_stats(fx->s)->tx[DHCPOFFER], 1);
}

static void test_udhcpc_discover_same_mac(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct find f;

	/* dhclient sent no client-id, udhcpc sends 01+MAC: same client */
	assert_int_equal(
		feed(fx, dhclient_discover, sizeof(dhclient_discover), NOW, &r),
		1);
	assert_int_equal(
		feed(fx, udhcpc_discover, sizeof(udhcpc_discover), NOW + 1, &r),
		1);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.100"));
	check_offer_options(&r);
	assert_int_equal(ropt32(&r, 28), ip4("10.1.0.255"));
	f = lease_of(fx, "10.1.0.100", NOW + 1);
	assert_int_equal(f.count, 1);
	assert_int_equal(f.l.client_id_len, 7);
	assert_memory_equal(f.l.client_id, "\x01\x02\x00\x00\xaa\x00\x01", 7);
}

/* dhclient's whole life: DISCOVER, REQUEST, ACK, RELEASE */
static void test_dhclient_exchange(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;

	assert_int_equal(feed(fx, dhclient_discover, 300, NOW, &r), 1);
	assert_int_equal(feed(fx, dhclient_request, 300, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPACK);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.100"));
	assert_memory_equal(r.data + 4, dhclient_request + 4, 4);
	check_offer_options(&r);
	assert_int_equal(r.dst_ip.s_addr, ip4("10.1.0.100"));
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW).l.state,
			 DHCP_LEASE_BOUND);
	assert_int_equal(feed(fx, dhclient_release, 300, NOW + 5, &r), 0);
	assert_int_equal(r.drop, DHCP_DROP_RELEASED);
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW).l.state,
			 DHCP_LEASE_RELEASED);
}

static void test_udhcpc_exchange(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct find f;

	assert_int_equal(feed(fx, udhcpc_discover, 300, NOW, &r), 1);
	assert_int_equal(feed(fx, udhcpc_request, 300, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPACK);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.100"));
	check_offer_options(&r);
	f = lease_of(fx, "10.1.0.100", NOW);
	assert_int_equal(f.l.state, DHCP_LEASE_BOUND);
	assert_int_equal(f.l.client_id_len, 7);
	/* the lease followed by dhclient's RELEASE (no client-id): same MAC */
	assert_int_equal(feed(fx, dhclient_release, 300, NOW + 5, &r), 0);
	assert_int_equal(r.drop, DHCP_DROP_RELEASED);
}

static void test_dhclient_reboot(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;

	/* after a restart that lost the lease: the address is free -> ACK */
	assert_int_equal(feed(fx, dhclient_reboot, 300, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPACK);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.101"));
	/* the same request when .101 belongs to someone else -> NAK */
	dhcp_server_destroy(fx->s);
	memcpy(fx->cfg.reservations[0].mac, mac3, 6);
	fx->cfg.reservations[0].ip.s_addr = ip4("10.1.0.101");
	fx->cfg.reservations_len = 1;
	start(fx, NOW);
	assert_int_equal(feed(fx, dhclient_reboot, 300, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPNAK);
	assert_true(r.broadcast);
	/* and udhcpc's SELECTING REQUEST for a lease it was not offered,
	 * while another client holds it -> NAK as well */
	bind_client(fx, mac2, NOW);
	assert_int_equal(feed(fx, udhcpc_request, 300, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPNAK);
}

/* ---- protocol --------------------------------------------------------- */

static void test_selecting_ack(void **state)
{
	struct fixture *fx = *state;
	struct find f;

	assert_int_equal(bind_client(fx, mac1, NOW), ip4("10.1.0.100"));
	assert_int_equal(bind_client(fx, mac2, NOW), ip4("10.1.0.101"));
	f = lease_of(fx, "10.1.0.101", NOW);
	assert_int_equal(f.l.state, DHCP_LEASE_BOUND);
	assert_int_equal(f.l.expires, NOW + 3600);
	assert_memory_equal(f.l.mac, mac2, 6);
	assert_int_equal(f.count, 2);
	/* a bound client that DISCOVERs again is offered the same address */
	assert_int_equal(bind_client(fx, mac1, NOW + 5), ip4("10.1.0.100"));
	assert_int_equal(dhcp_server_stats(fx->s)->tx[DHCPACK], 3);
}

static void test_broadcast_flag(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	pb_init(&p, DHCPDISCOVER, mac1);
	p.b[10] = 0x80;
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_true(r.broadcast);
	assert_int_equal(r.dst_ip.s_addr, INADDR_BROADCAST);
	assert_memory_equal(r.dst_mac, "\xff\xff\xff\xff\xff\xff", 6);
	assert_int_equal(r.data[10], 0x80); /* flags copied */
}

static void test_request_other_server(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	pb_init(&p, DHCPDISCOVER, mac1);
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	pb_init(&p, DHCPREQUEST, mac1);
	pb_ip(&p, 54, "10.1.0.2");
	pb_ip(&p, 50, "10.1.0.250");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 0);
	assert_int_equal(r.drop, DHCP_DROP_OTHER_SERVER);
	/* the offer is withdrawn at once */
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW).l.state,
			 DHCP_LEASE_EXPIRED);
	assert_int_equal(
		dhcp_server_stats(fx->s)->drops[DHCP_DROP_OTHER_SERVER], 1);
}

static void test_init_reboot(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	/* no record (e.g. lease file lost): free address -> ACK */
	pb_init(&p, DHCPREQUEST, mac1);
	pb_ip(&p, 50, "10.1.0.150");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPACK);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.150"));
	assert_int_equal(r.dst_ip.s_addr, ip4("10.1.0.150"));
	/* the same address for another client -> NAK, broadcast */
	pb_init(&p, DHCPREQUEST, mac2);
	pb_ip(&p, 50, "10.1.0.150");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPNAK);
	assert_true(r.broadcast);
	assert_int_equal(ryiaddr(&r), 0);
	assert_int_equal(ropt32(&r, 54), ip4("10.1.0.1"));
	assert_null(ropt(&r, 51, &(uint8_t){0}));
	/* a client coming from another network -> NAK */
	pb_init(&p, DHCPREQUEST, mac2);
	pb_ip(&p, 50, "192.168.1.7");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPNAK);
	/* in the subnet but outside the pool (a static host) -> NAK */
	pb_init(&p, DHCPREQUEST, mac2);
	pb_ip(&p, 50, "10.1.0.20");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPNAK);
	assert_int_equal(dhcp_server_stats(fx->s)->tx[DHCPNAK], 3);
}

static void test_renewing(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	bind_client(fx, mac1, NOW);
	pb_init(&p, DHCPREQUEST, mac1);
	pb_ciaddr(&p, "10.1.0.100");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW + 1800, &r), 1);
	assert_int_equal(rtype(&r), DHCPACK);
	assert_false(r.broadcast);
	assert_int_equal(r.dst_ip.s_addr, ip4("10.1.0.100"));
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.100"));
	assert_memory_equal(r.data + 12, r.data + 16, 4); /* ciaddr kept */
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW).l.expires,
			 NOW + 1800 + 3600);
	/* renewing someone else's address -> NAK */
	pb_init(&p, DHCPREQUEST, mac2);
	pb_ciaddr(&p, "10.1.0.100");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW + 1800, &r), 1);
	assert_int_equal(rtype(&r), DHCPNAK);
	/* a REQUEST without any address is dropped */
	pb_init(&p, DHCPREQUEST, mac2);
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 0);
	assert_int_equal(r.drop, DHCP_DROP_NO_ADDRESS);
}

static void test_release(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	bind_client(fx, mac1, NOW);
	/* a release from another MAC is ignored */
	pb_init(&p, DHCPRELEASE, mac2);
	pb_ciaddr(&p, "10.1.0.100");
	pb_ip(&p, 54, "10.1.0.1");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 0);
	assert_int_equal(r.drop, DHCP_DROP_UNKNOWN_LEASE);
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW).l.state,
			 DHCP_LEASE_BOUND);
	memcpy(p.b + 28, mac1, 6);
	assert_int_equal(send_pb(fx, &p, NOW + 10, &r), 0);
	assert_int_equal(r.drop, DHCP_DROP_RELEASED);
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW).l.state,
			 DHCP_LEASE_RELEASED);
	/* another client gets a never-used address, not the released one */
	assert_int_equal(bind_client(fx, mac2, NOW + 20), ip4("10.1.0.101"));
	/* the client that released comes back to its address */
	assert_int_equal(bind_client(fx, mac1, NOW + 30), ip4("10.1.0.100"));
}

static void test_decline(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	bind_client(fx, mac1, NOW);
	pb_init(&p, DHCPDECLINE, mac1);
	pb_ip(&p, 50, "10.1.0.100");
	pb_ip(&p, 54, "10.1.0.1");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 0);
	assert_int_equal(r.drop, DHCP_DROP_DECLINED);
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW).l.state,
			 DHCP_LEASE_DECLINED);
	/* the client gets another address while .100 rests */
	assert_int_equal(bind_client(fx, mac1, NOW + 1), ip4("10.1.0.101"));
	assert_int_equal(bind_client(fx, mac2, NOW + 2), ip4("10.1.0.102"));
	/* after the rest it is free again (FREE slots are not listed) */
	assert_int_equal(
		lease_of(fx, "10.1.0.100", NOW + DHCP_DECLINE_HOLD_S).found, 0);
	assert_int_equal(bind_client(fx, mac3, NOW + DHCP_DECLINE_HOLD_S),
			 ip4("10.1.0.100"));
}

static void test_inform(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	pb_init(&p, DHCPINFORM, mac3);
	pb_ciaddr(&p, "10.1.0.20");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPACK);
	assert_int_equal(ryiaddr(&r), 0);
	assert_null(ropt(&r, 51, &(uint8_t){0}));
	assert_null(ropt(&r, 58, &(uint8_t){0}));
	assert_int_equal(ropt32(&r, 1), ip4("255.255.255.0"));
	assert_int_equal(ropt32(&r, 3), ip4("10.1.0.1"));
	assert_int_equal(r.dst_ip.s_addr, ip4("10.1.0.20"));
	assert_memory_equal(r.dst_mac, mac3, 6);
	assert_int_equal(lease_of(fx, "10.1.0.20", NOW).count, 0);
}

static void test_requested_address(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	pb_init(&p, DHCPDISCOVER, mac1);
	pb_ip(&p, 50, "10.1.0.177");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.177"));
	/* held for mac1: mac2 asking for it gets the lowest free */
	memcpy(p.b + 28, mac2, 6);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.100"));
	/* outside the pool: ignored */
	pb_init(&p, DHCPDISCOVER, mac3);
	pb_ip(&p, 50, "10.1.0.7");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.101"));
}

/* A client that moves frees its old slot, which is again the lowest. */
static void test_lowest_free_after_move(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	bind_client(fx, mac1, NOW);
	bind_client(fx, mac2, NOW);
	pb_init(&p, DHCPREQUEST, mac1);
	pb_ip(&p, 50, "10.1.0.150");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPACK);
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW).found, 0);
	assert_int_equal(bind_client(fx, mac3, NOW), ip4("10.1.0.100"));
}

static void test_reservations(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	dhcp_server_destroy(fx->s);
	memcpy(fx->cfg.reservations[0].mac, mac2, 6);
	fx->cfg.reservations[0].ip.s_addr = ip4("10.1.0.100");
	memcpy(fx->cfg.reservations[1].mac, mac3, 6);
	fx->cfg.reservations[1].ip.s_addr = ip4("10.1.0.10");
	fx->cfg.reservations_len = 2;
	start(fx, NOW);
	/* reserved .100 is skipped for others */
	assert_int_equal(bind_client(fx, mac1, NOW), ip4("10.1.0.101"));
	assert_int_equal(bind_client(fx, mac2, NOW), ip4("10.1.0.100"));
	assert_int_equal(bind_client(fx, mac3, NOW), ip4("10.1.0.10"));
	assert_true(lease_of(fx, "10.1.0.10", NOW).l.reserved);
	/* a reserved client cannot take another address */
	pb_init(&p, DHCPREQUEST, mac3);
	pb_ip(&p, 50, "10.1.0.150");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPNAK);
	/* nor may anyone else take a reserved one */
	pb_init(&p, DHCPREQUEST, mac1);
	pb_ip(&p, 50, "10.1.0.10");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPNAK);
	/* reserved slots show even when free */
	dhcp_server_destroy(fx->s);
	start(fx, NOW + 10000);
	assert_int_equal(lease_of(fx, "10.1.0.10", NOW + 10000).l.state,
			 DHCP_LEASE_FREE);
	assert_int_equal(lease_of(fx, "10.1.0.10", NOW + 10000).count, 2);
}

static void small_pool(struct fixture *fx, const char *end)
{
	dhcp_server_destroy(fx->s);
	fx->cfg.range_end.s_addr = ip4(end);
	start(fx, NOW);
}

static void test_pool_exhausted(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	small_pool(fx, "10.1.0.101");
	bind_client(fx, mac1, NOW);
	pb_init(&p, DHCPDISCOVER, mac2);
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.101"));
	memcpy(p.b + 28, mac3, 6);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 0);
	assert_int_equal(r.drop, DHCP_DROP_POOL_EXHAUSTED);
	/* mac2's offer is held, then lapses */
	assert_int_equal(send_pb(fx, &p, NOW + DHCP_OFFER_HOLD_S - 1, &r), 0);
	assert_int_equal(send_pb(fx, &p, NOW + DHCP_OFFER_HOLD_S, &r), 1);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.101"));
}

static void test_expiry(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	small_pool(fx, "10.1.0.101");
	bind_client(fx, mac1, NOW);
	bind_client(fx, mac2, NOW + 100);
	pb_init(&p, DHCPDISCOVER, mac3);
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW + 3599, &r), 0);
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW + 3600).l.state,
			 DHCP_LEASE_EXPIRED);
	/* the oldest expired lease goes to the new client */
	assert_int_equal(send_pb(fx, &p, NOW + 4000, &r), 1);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.100"));
	/* an expired client renewing its address gets it when still free */
	pb_init(&p, DHCPREQUEST, mac2);
	pb_ciaddr(&p, "10.1.0.101");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW + 4000, &r), 1);
	assert_int_equal(rtype(&r), DHCPACK);
}

static void test_client_id(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	/* same MAC, two client identifiers: two clients */
	pb_init(&p, DHCPDISCOVER, mac1);
	pb_opt(&p, 61, 3, "\x00\x41\x41");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.100"));
	pb_init(&p, DHCPDISCOVER, mac1);
	pb_opt(&p, 61, 3, "\x00\x42\x42");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.101"));
	/* an over-long identifier is ignored: the MAC alone decides */
	pb_init(&p, DHCPDISCOVER, mac1);
	{
		uint8_t id[100];

		memset(id, 7, sizeof(id));
		pb_opt(&p, 61, sizeof(id), id);
	}
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_true(ryiaddr(&r) == ip4("10.1.0.100") ||
		    ryiaddr(&r) == ip4("10.1.0.101"));
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW).count, 1);
}

static void test_hostname_sanitised(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	pb_init(&p, DHCPDISCOVER, mac1);
	pb_opt(&p, 12, 9, "bad name\n");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_string_equal(lease_of(fx, "10.1.0.100", NOW).l.hostname, "");
}

/* ---- malformed -------------------------------------------------------- */

static void expect_drop(struct fixture *fx, const void *pkt, size_t n,
			enum dhcp_drop d)
{
	struct dhcp_reply r;

	assert_int_equal(feed(fx, pkt, n, NOW, &r), 0);
	if (r.drop != d)
		fail_msg("drop %s, expected %s", dhcp_drop_str(r.drop),
			 dhcp_drop_str(d));
	assert_int_equal(r.size, 0);
}

static void expect_offer(struct fixture *fx, const void *pkt, size_t n)
{
	struct dhcp_reply r;

	assert_int_equal(feed(fx, pkt, n, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPOFFER);
}

static void test_bad_header(void **state)
{
	struct fixture *fx = *state;
	struct pb p;

	pb_init(&p, DHCPDISCOVER, mac1);
	pb_end(&p);
	expect_drop(fx, p.b, 239, DHCP_DROP_TRUNCATED);
	expect_drop(fx, p.b, 0, DHCP_DROP_TRUNCATED);
	p.b[0] = 2;
	expect_drop(fx, p.b, p.n, DHCP_DROP_BAD_OP);
	p.b[0] = 1;
	p.b[2] = 16;
	expect_drop(fx, p.b, p.n, DHCP_DROP_BAD_HTYPE);
	p.b[2] = 6;
	p.b[1] = 6;
	expect_drop(fx, p.b, p.n, DHCP_DROP_BAD_HTYPE);
	p.b[1] = 1;
	p.b[239] = 0x64;
	expect_drop(fx, p.b, p.n, DHCP_DROP_BAD_COOKIE);
	p.b[239] = 0x63;
	memset(p.b + 28, 0xff, 6);
	expect_drop(fx, p.b, p.n, DHCP_DROP_BAD_MAC);
	memset(p.b + 28, 0, 6);
	expect_drop(fx, p.b, p.n, DHCP_DROP_BAD_MAC);
	memcpy(p.b + 28, mac1, 6);
	p.b[24] = 10;
	expect_drop(fx, p.b, p.n, DHCP_DROP_RELAYED);
	p.b[24] = 0;
	expect_offer(fx, p.b, p.n);
	/* the exact minimum: header, cookie, a message type, no END */
	expect_offer(fx, p.b, 243);
}

static void test_bad_options(void **state)
{
	struct fixture *fx = *state;
	struct pb p;

	/* option length past the end of the packet */
	pb_init(&p, DHCPDISCOVER, mac1);
	p.b[p.n++] = 12;
	p.b[p.n++] = 200;
	memcpy(p.b + p.n, "abc", 3);
	expect_drop(fx, p.b, p.n + 3, DHCP_DROP_BAD_OPTION);
	/* a code with no length byte at the very end */
	pb_init(&p, DHCPDISCOVER, mac1);
	p.b[p.n++] = 12;
	expect_drop(fx, p.b, p.n, DHCP_DROP_BAD_OPTION);
	/* missing END but otherwise whole: accepted */
	pb_init(&p, DHCPDISCOVER, mac1);
	pb_opt(&p, 12, 2, "vm");
	expect_offer(fx, p.b, p.n);
	/* zero-length and two-byte message types */
	pb_init(&p, 0, mac1);
	pb_opt(&p, 53, 0, "");
	pb_end(&p);
	expect_drop(fx, p.b, p.n, DHCP_DROP_BAD_OPTION);
	pb_init(&p, 0, mac1);
	pb_opt(&p, 53, 2, "\x01\x01");
	pb_end(&p);
	expect_drop(fx, p.b, p.n, DHCP_DROP_BAD_OPTION);
	/* no message type: plain BOOTP */
	pb_init(&p, 0, mac1);
	pb_end(&p);
	expect_drop(fx, p.b, p.n, DHCP_DROP_NO_MSG_TYPE);
	/* server-side and unknown message types */
	pb_init(&p, DHCPOFFER, mac1);
	pb_end(&p);
	expect_drop(fx, p.b, p.n, DHCP_DROP_BAD_MSG_TYPE);
	pb_init(&p, 200, mac1);
	pb_end(&p);
	expect_drop(fx, p.b, p.n, DHCP_DROP_BAD_MSG_TYPE);
	/* options after END are not read */
	pb_init(&p, 0, mac1);
	p.b[p.n++] = 255;
	pb_opt(&p, 53, 1, "\x01");
	expect_drop(fx, p.b, p.n, DHCP_DROP_NO_MSG_TYPE);
	/* wrong-length optional options are ignored */
	pb_init(&p, DHCPDISCOVER, mac1);
	pb_opt(&p, 50, 3, "\x0a\x01\x00");
	pb_opt(&p, 54, 0, "");
	pb_opt(&p, 61, 1, "\x01");
	pb_opt(&p, 12, 0, "");
	pb_opt(&p, 55, 0, "");
	pb_opt(&p, 52, 4, "\x03\x03\x03\x03");
	pb_end(&p);
	expect_offer(fx, p.b, p.n);
}

static void test_overload(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	struct pb p;

	/* message type and requested address in file, hostname in sname */
	pb_init(&p, 0, mac1);
	pb_opt(&p, 52, 1, "\x03");
	pb_end(&p);
	memcpy(p.b + 108, "\x35\x01\x01\x32\x04\x0a\x01\x00\x96\xff", 10);
	memcpy(p.b + 44, "\x0c\x02\x76\x6d\xff", 5);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(ryiaddr(&r), ip4("10.1.0.150"));
	assert_string_equal(lease_of(fx, "10.1.0.150", NOW).l.hostname, "vm");
	/* without option 52 the file field is not options */
	pb_init(&p, 0, mac1);
	pb_end(&p);
	memcpy(p.b + 108, "\x35\x01\x01\xff", 4);
	expect_drop(fx, p.b, p.n, DHCP_DROP_NO_MSG_TYPE);
	/* an option running past the end of sname (not into file) */
	pb_init(&p, DHCPDISCOVER, mac1);
	pb_opt(&p, 52, 1, "\x02");
	pb_end(&p);
	p.b[44 + 62] = 12;
	p.b[44 + 63] = 5;
	expect_drop(fx, p.b, p.n, DHCP_DROP_BAD_OPTION);
	/* no END in file: the field ends by itself (all pads) */
	pb_init(&p, DHCPDISCOVER, mac1);
	pb_opt(&p, 52, 1, "\x01");
	pb_end(&p);
	expect_offer(fx, p.b, p.n);
	/* overload inside the file field does not chain to sname */
	pb_init(&p, DHCPDISCOVER, mac1);
	pb_opt(&p, 52, 1, "\x01");
	pb_end(&p);
	memcpy(p.b + 108, "\x34\x01\x02\xff", 4);
	p.b[44] = 12;
	p.b[45] = 200;
	expect_offer(fx, p.b, p.n);
}

static void test_huge_packet(void **state)
{
	struct fixture *fx = *state;
	size_t n = 65507;
	uint8_t *b = calloc(1, n);
	struct pb p;

	assert_non_null(b);
	pb_init(&p, 0, mac1);
	memcpy(b, p.b, 240);
	/* 65 KB of options: long hostnames, then a message type at the end */
	for (size_t i = 240; i + 257 < n; i += 257) {
		b[i] = 200;
		b[i + 1] = 255;
	}
	memcpy(b + n - 4, "\x35\x01\x01\xff", 4);
	memset(b + n - 20, 0, 16);
	expect_offer(fx, b, n);
	b[n - 1] = 0;
	b[n - 2] = 0x40; /* message type's value runs past the end */
	b[n - 3] = 0x35;
	expect_drop(fx, b, n, DHCP_DROP_BAD_OPTION);
	free(b);
}

/* Every prefix of real packets: no crash, no read past the end (ASan). */
static void test_every_truncation(void **state)
{
	struct fixture *fx = *state;
	const uint8_t *pkts[] = {dhclient_discover, udhcpc_discover};
	struct dhcp_reply r;

	for (unsigned int k = 0; k < 2; k++) {
		for (size_t n = 0; n <= 300; n++) {
			uint8_t *copy = malloc(n ? n : 1);

			assert_non_null(copy);
			memcpy(copy, pkts[k], n);
			feed(fx, copy, n, NOW, &r);
			free(copy);
		}
	}
	assert_true(dhcp_server_stats(fx->s)->drops[DHCP_DROP_TRUNCATED] > 0);
	assert_true(dhcp_server_stats(fx->s)->drops[DHCP_DROP_BAD_OPTION] > 0);
}

/* ---- frame builder ---------------------------------------------------- */

static void test_frame_build(void **state)
{
	struct fixture *fx = *state;
	static const uint8_t smac[6] = {0x02, 0, 0, 0, 0xdc, 1};
	uint8_t frame[DHCP_FRAME_MAX];
	struct pkt_meta m;
	struct dhcp_reply r;
	struct in_addr src = {.s_addr = ip4("10.1.0.1")};
	int n;

	assert_int_equal(
		feed(fx, dhclient_discover, sizeof(dhclient_discover), NOW, &r),
		1);
	n = dhcp_frame_build(frame, sizeof(frame), &r, smac, src);
	assert_int_equal(n, 14 + 20 + 8 + (int)r.size);
	assert_int_equal(pkt_parse(frame, n, &m), 0);
	assert_memory_equal(m.dst_mac, mac1, 6);
	assert_memory_equal(m.src_mac, smac, 6);
	assert_int_equal(m.l3, PKT_L3_IPV4);
	assert_int_equal(m.l4_proto, IPPROTO_UDP);
	assert_int_equal(m.src_port, 67);
	assert_int_equal(m.dst_port, 68);
	assert_int_equal(pkt_addr_v4(&m.src), src.s_addr);
	assert_int_equal(pkt_addr_v4(&m.dst), ip4("10.1.0.100"));
	assert_int_equal(m.payload_len, r.size);
	assert_memory_equal(frame + m.payload_off, r.data, r.size);
	/* both checksums verify to 0 */
	assert_int_equal(csum_buf(frame + 14, 20), 0);
	assert_int_equal(csum_l4_ipv4(frame + 34, 8 + r.size, src.s_addr,
				      ip4("10.1.0.100"), IPPROTO_UDP),
			 0);
	assert_int_equal(dhcp_frame_build(frame, n - 1, &r, smac, src),
			 -ENOSPC);
	r.size = 0;
	assert_int_equal(dhcp_frame_build(frame, sizeof(frame), &r, smac, src),
			 -EINVAL);
}

/* ---- configuration ---------------------------------------------------- */

static void expect_bad_config(struct fixture *fx, const char *msg)
{
	char err[256] = "";

	if (dhcp_config_validate(&fx->cfg, err, sizeof(err)) != -EINVAL)
		fail_msg("accepted, expected '%s'", msg);
	if (!strstr(err, msg))
		fail_msg("error '%s' lacks '%s'", err, msg);
	errno = 0;
	assert_null(dhcp_server_create(&fx->cfg, NULL, NOW, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	default_config(fx);
}

static void test_config(void **state)
{
	struct fixture *fx = *state;
	char err[256];

	assert_int_equal(dhcp_config_validate(&fx->cfg, err, sizeof(err)), 0);
	fx->cfg.prefix_len = 31;
	expect_bad_config(fx, "prefix /31");
	fx->cfg.range_start.s_addr = ip4("10.1.0.200");
	expect_bad_config(fx, "range start is above range end");
	fx->cfg.range_end.s_addr = ip4("10.1.1.5");
	expect_bad_config(fx, "not inside the interface subnet");
	fx->cfg.range_start.s_addr = ip4("10.1.0.0");
	expect_bad_config(fx, "network or broadcast");
	fx->cfg.range_start.s_addr = ip4("10.1.0.1");
	expect_bad_config(fx, "includes the interface address");
	fx->cfg.server_ip.s_addr = ip4("10.1.0.255");
	expect_bad_config(fx, "interface address is the network");
	fx->cfg.dns_len = 5;
	expect_bad_config(fx, "dns: 5 servers");
	fx->cfg.dns[1].s_addr = 0;
	expect_bad_config(fx, "dns: 0.0.0.0");
	fx->cfg.lease_s = 5;
	expect_bad_config(fx, "lease: 5 s");
	fx->cfg.reservations_len = 1;
	expect_bad_config(fx, "MAC is zero");
	fx->cfg.reservations_len = 2;
	memcpy(fx->cfg.reservations[0].mac, mac1, 6);
	memcpy(fx->cfg.reservations[1].mac, mac1, 6);
	fx->cfg.reservations[0].ip.s_addr = ip4("10.1.0.5");
	fx->cfg.reservations[1].ip.s_addr = ip4("10.1.0.6");
	expect_bad_config(fx, "reservation 2 (02:00:00:aa:00:01 10.1.0.6): "
			      "MAC is reserved twice");
	fx->cfg.reservations_len = 1;
	memcpy(fx->cfg.reservations[0].mac, mac1, 6);
	fx->cfg.reservations[0].ip.s_addr = ip4("10.2.0.5");
	expect_bad_config(fx, "not inside the interface subnet");
	fx->cfg.reservations_len = 1;
	memcpy(fx->cfg.reservations[0].mac, mac1, 6);
	fx->cfg.reservations[0].ip.s_addr = ip4("10.1.0.1");
	expect_bad_config(fx, "address is the interface address");
	fx->cfg.prefix_len = 8;
	fx->cfg.range_start.s_addr = ip4("10.2.0.0");
	fx->cfg.range_end.s_addr = ip4("10.3.0.0");
	expect_bad_config(fx, "more than 65536");
	/* the largest pool works */
	fx->cfg.prefix_len = 8;
	fx->cfg.range_start.s_addr = ip4("10.2.0.0");
	fx->cfg.range_end.s_addr = ip4("10.2.255.255");
	assert_int_equal(dhcp_config_validate(&fx->cfg, err, sizeof(err)), 0);
	assert_string_equal(dhcp_drop_str(DHCP_DROP_BAD_OPTION), "bad_option");
	assert_string_equal(dhcp_lease_state_str(DHCP_LEASE_BOUND), "bound");
	assert_string_equal(dhcp_msg_type_str(DHCPINFORM), "DHCPINFORM");
	assert_string_equal(dhcp_drop_str(DHCP_DROP_MAX), "?");
}

/* ---- lease file ------------------------------------------------------- */

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void test_persist_restart(void **state)
{
	struct fixture *fx = *state;
	struct dhcp_reply r;
	char tmp[160];
	struct find f;

	struct pb p;

	pb_init(&p, DHCPREQUEST, mac1);
	pb_ip(&p, 50, "10.1.0.100");
	pb_opt(&p, 61, 7, "\x01\x02\x00\x00\xaa\x00\x01");
	pb_opt(&p, 12, 2, "vm");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(rtype(&r), DHCPACK);
	bind_client(fx, mac2, NOW + 1);
	assert_int_equal(dhcp_server_flush(fx->s, NOW + 1, false), 0);
	assert_int_equal(dhcp_server_stats(fx->s)->lease_writes, 1);
	assert_non_null(strstr(slurp(fx->file),
			       "10.1.0.100 02:00:00:aa:00:01 1700003600 "
			       "01020000aa0001 vm\n"));
	assert_non_null(
		strstr(slurp(fx->file),
		       "10.1.0.101 02:00:00:aa:00:02 1700003601 - -\n"));
	snprintf(tmp, sizeof(tmp), "%s.tmp", fx->file);
	assert_int_not_equal(access(tmp, F_OK), 0);
	/* a daemon restart 100 s later */
	restart(fx, NOW + 100);
	assert_non_null(strstr(fx->log, "2 leases loaded, 0 expired"));
	f = lease_of(fx, "10.1.0.101", NOW + 100);
	assert_int_equal(f.l.state, DHCP_LEASE_BOUND);
	assert_int_equal(f.l.expires, NOW + 3601);
	assert_memory_equal(f.l.mac, mac2, 6);
	/* new clients get new addresses; old ones keep theirs */
	assert_int_equal(bind_client(fx, mac3, NOW + 100), ip4("10.1.0.102"));
	assert_int_equal(bind_client(fx, mac2, NOW + 100), ip4("10.1.0.101"));
	/* after a long down time everything has expired */
	assert_int_equal(dhcp_server_flush(fx->s, NOW + 100, true), 0);
	dhcp_server_destroy(fx->s);
	start(fx, NOW + 100000);
	assert_non_null(strstr(fx->log, "0 leases loaded, 3 expired"));
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW + 100000).count, 0);
}

static void test_persist_skips(void **state)
{
	struct fixture *fx = *state;

	dhcp_server_destroy(fx->s);
	memcpy(fx->cfg.reservations[0].mac, mac3, 6);
	fx->cfg.reservations[0].ip.s_addr = ip4("10.1.0.120");
	fx->cfg.reservations_len = 1;
	put_file(fx->file, "# comment\n\n"
			   "10.1.0.100 02:00:00:aa:00:01 1800000000 - -\n"
			   "10.1.0.100 02:00:00:aa:00:02 1800000000 - b\n"
			   "10.1.0.50 02:00:00:aa:00:04 1800000000 - -\n"
			   "10.1.0.120 02:00:00:aa:00:01 1800000000 - -\n"
			   "10.1.0.130 02:00:00:aa:00:03 1800000000 - -\n"
			   "10.1.0.140 02:00:00:aa:00:05 1600000000 - -\n");
	start(fx, NOW);
	assert_non_null(strstr(fx->log, "2 leases loaded, 1 expired, "
					"1 outside the pool, 2 contradicting"));
	/* a duplicate address: the later line wins */
	assert_memory_equal(lease_of(fx, "10.1.0.100", NOW).l.mac, mac2, 6);
	assert_string_equal(lease_of(fx, "10.1.0.100", NOW).l.hostname, "b");
	assert_int_equal(lease_of(fx, "10.1.0.100", NOW).count, 2);
	assert_int_equal(lease_of(fx, "10.1.0.120", NOW).l.state,
			 DHCP_LEASE_FREE);
}

static void test_persist_corrupt(void **state)
{
	static const char *const bad[] = {
		"10.1.0.100 02:00:00:aa:00:01 1800000000 -\n",
		"10.1.0.300 02:00:00:aa:00:01 1800000000 - -\n",
		"10.1.0.100 02:00:00:aa:00:0 1800000000 - -\n",
		"10.1.0.100 03:00:00:aa:00:01 1800000000 - -\n",
		"10.1.0.100 02:00:00:aa:00:01 -5 - -\n",
		"10.1.0.100 02:00:00:aa:00:01 99999999999999999999999 - -\n",
		"10.1.0.100 02:00:00:aa:00:01 1800000000 0g0102 -\n",
		"10.1.0.100 02:00:00:aa:00:01 1800000000 010 -\n",
		"10.1.0.100 02:00:00:aa:00:01 1800000000 - a;b\n",
		"10.1.0.100 02:00:00:aa:00:01 1800000000 - - extra\n",
	};
	struct fixture *fx = *state;
	char text[700], corrupt[160];

	snprintf(corrupt, sizeof(corrupt), "%s.corrupt", fx->file);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dhcp_server_destroy(fx->s);
		fx->log[0] = '\0';
		snprintf(text, sizeof(text),
			 "# leases\n10.1.0.101 02:00:00:aa:00:09 1800000000 "
			 "- -\n%s",
			 bad[i]);
		put_file(fx->file, text);
		start(fx, NOW);
		if (!strstr(fx->log, "/leases:3: ") ||
		    !strstr(fx->log, "starting with no leases"))
			fail_msg("case %u: log '%s'", i, fx->log);
		assert_int_equal(lease_of(fx, "10.1.0.101", NOW).count, 0);
		assert_int_equal(access(fx->file, F_OK), -1);
		assert_int_equal(access(corrupt, F_OK), 0);
	}
	/* and it still works */
	assert_int_equal(bind_client(fx, mac1, NOW), ip4("10.1.0.100"));
	/* an over-long line, and a NUL byte */
	dhcp_server_destroy(fx->s);
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	put_file(fx->file, text);
	fx->log[0] = '\0';
	start(fx, NOW);
	assert_non_null(strstr(fx->log, ":1: line too long"));
	dhcp_server_destroy(fx->s);
	{
		FILE *f = fopen(fx->file, "w");

		assert_non_null(f);
		fwrite("10.1.0.100 02:00:00:aa:00:01\0 1 - -\n", 1, 36, f);
		fclose(f);
	}
	fx->log[0] = '\0';
	start(fx, NOW);
	assert_non_null(strstr(fx->log, ":1: NUL byte"));
}

static void test_flush_coalesce(void **state)
{
	struct fixture *fx = *state;
	const struct dhcp_stats *st = dhcp_server_stats(fx->s);
	struct dhcp_reply r;
	struct pb p;

	/* nothing bound yet: no write; offers alone do not dirty the table */
	assert_int_equal(dhcp_server_flush(fx->s, NOW, false), 0);
	pb_init(&p, DHCPDISCOVER, mac1);
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW, &r), 1);
	assert_int_equal(dhcp_server_flush(fx->s, NOW, false), 0);
	assert_int_equal(st->lease_writes, 0);
	bind_client(fx, mac1, NOW);
	assert_int_equal(dhcp_server_flush(fx->s, NOW, false), 0);
	assert_int_equal(st->lease_writes, 1);
	/* more changes in the same second wait for the next */
	bind_client(fx, mac2, NOW);
	assert_int_equal(dhcp_server_flush(fx->s, NOW, false), 0);
	assert_int_equal(st->lease_writes, 1);
	assert_int_equal(dhcp_server_flush(fx->s, NOW + 1, false), 0);
	assert_int_equal(st->lease_writes, 2);
	/* force (shutdown) writes within the same second */
	bind_client(fx, mac3, NOW + 1);
	assert_int_equal(dhcp_server_flush(fx->s, NOW + 1, true), 0);
	assert_int_equal(st->lease_writes, 3);
	/* clean: nothing to do */
	assert_int_equal(dhcp_server_flush(fx->s, NOW + 5, true), 0);
	assert_int_equal(st->lease_writes, 3);
	/* a release is a change */
	pb_init(&p, DHCPRELEASE, mac3);
	pb_ciaddr(&p, "10.1.0.102");
	pb_end(&p);
	assert_int_equal(send_pb(fx, &p, NOW + 6, &r), 0);
	assert_int_equal(dhcp_server_flush(fx->s, NOW + 6, false), 0);
	assert_int_equal(st->lease_writes, 4);
	assert_null(strstr(slurp(fx->file), "10.1.0.102"));
}

static void test_flush_error(void **state)
{
	struct fixture *fx = *state;
	char err[256];

	dhcp_server_destroy(fx->s);
	fx->s = dhcp_server_create(&fx->cfg, "/nonexistent-dir/leases", NOW,
				   err, sizeof(err));
	assert_non_null(fx->s);
	bind_client(fx, mac1, NOW);
	assert_int_equal(dhcp_server_flush(fx->s, NOW, false), -ENOENT);
	assert_int_equal(dhcp_server_stats(fx->s)->lease_write_errors, 1);
	assert_non_null(strstr(fx->log, "cannot write lease file"));
	/* retried on the next tick */
	assert_int_equal(dhcp_server_flush(fx->s, NOW + 1, false), -ENOENT);
	assert_int_equal(dhcp_server_stats(fx->s)->lease_write_errors, 2);
	/* no lease file at all */
	dhcp_server_destroy(fx->s);
	fx->s = dhcp_server_create(&fx->cfg, NULL, NOW, err, sizeof(err));
	assert_non_null(fx->s);
	bind_client(fx, mac1, NOW);
	assert_int_equal(dhcp_server_flush(fx->s, NOW, true), 0);
}

static int stop_cb(const struct dhcp_lease *l, void *arg)
{
	(void)l;
	return ++*(int *)arg == 2 ? 42 : 0;
}

static void test_foreach_stop(void **state)
{
	struct fixture *fx = *state;
	int n = 0;

	bind_client(fx, mac1, NOW);
	bind_client(fx, mac2, NOW);
	bind_client(fx, mac3, NOW);
	assert_int_equal(dhcp_lease_foreach(fx->s, NOW, stop_cb, &n), 42);
	assert_int_equal(n, 2);
}

/* ---- end to end with the real clients (root) ----------------------- */

struct e2e {
	char ns_srv[32], ns_cli[32], if_srv[IFNAMSIZ], if_cli[IFNAMSIZ];
	char dir[64], file[128];
	struct dhcp_config cfg;
	struct dhcp_server *s;
	pthread_t thread;
	bool running;
	volatile int stop;
	int ret; /* of the thread: 0, or -errno of its set-up */
	FILE *pcap;
};

static const uint8_t e2e_mac[6] = {0x02, 0x00, 0x00, 0x00, 0xdc, 0x01};

static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ret = system(cmd);
	return ret == -1 ? -1 : WEXITSTATUS(ret);
}

static void pcap_write(FILE *f, const uint8_t *frame, size_t n)
{
	uint32_t rec[4] = {(uint32_t)time(NULL), 0, (uint32_t)n, (uint32_t)n};

	if (!f)
		return;
	fwrite(rec, sizeof(rec), 1, f);
	fwrite(frame, 1, n, f);
	fflush(f);
}

/* One received frame: if it is for port 67, answer it. */
static void e2e_frame(struct e2e *e, int fd, const uint8_t *frame, size_t n)
{
	uint8_t out[DHCP_FRAME_MAX];
	struct dhcp_reply r;
	struct pkt_meta m;
	int len;

	if (pkt_parse(frame, (uint32_t)n, &m) || m.l3 != PKT_L3_IPV4 ||
	    m.l4_proto != IPPROTO_UDP || !(m.flags & PKT_F_L4) ||
	    m.dst_port != DHCP_SERVER_PORT)
		return;
	pcap_write(e->pcap, frame, n);
	if (dhcp_server_input(e->s, frame + m.payload_off, m.payload_len,
			      (uint64_t)time(NULL), &r) != 1)
		return;
	len = dhcp_frame_build(out, sizeof(out), &r, e2e_mac, e->cfg.server_ip);
	if (len > 0 && send(fd, out, len, 0) == len)
		pcap_write(e->pcap, out, len);
}

static int e2e_socket(struct e2e *e)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_ALL)};
	char path[64];
	int nsfd, fd;

	snprintf(path, sizeof(path), "/run/netns/%s", e->ns_srv);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return -errno;
	/* only this thread moves into the namespace */
	if (setns(nsfd, CLONE_NEWNET)) {
		close(nsfd);
		return -errno;
	}
	close(nsfd);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		return -errno;
	sll.sll_ifindex = (int)if_nametoindex(e->if_srv);
	if (!sll.sll_ifindex ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		close(fd);
		return -ENODEV;
	}
	return fd;
}

static void *e2e_server(void *arg)
{
	struct e2e *e = arg;
	uint8_t frame[2048];
	int fd = e2e_socket(e);

	e->ret = fd < 0 ? fd : 0;
	while (fd >= 0 && !e->stop) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		dhcp_server_flush(e->s, (uint64_t)time(NULL), false);
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = recvfrom(fd, frame, sizeof(frame), 0,
			     (struct sockaddr *)&from, &fl);
		if (n > 0 && from.sll_pkttype != PACKET_OUTGOING)
			e2e_frame(e, fd, frame, (size_t)n);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void e2e_start(struct e2e *e)
{
	e->stop = 0;
	assert_int_equal(pthread_create(&e->thread, NULL, e2e_server, e), 0);
	e->running = true;
}

static void e2e_stop(struct e2e *e)
{
	if (e->running) {
		e->stop = 1;
		pthread_join(e->thread, NULL);
		e->running = false;
		assert_int_equal(
			dhcp_server_flush(e->s, (uint64_t)time(NULL), true), 0);
	}
	assert_int_equal(e->ret, 0);
}

static int e2e_setup(void **state)
{
	struct e2e *e = calloc(1, sizeof(*e));
	const char *pcap = getenv("DCBOX_DHCP_PCAP");
	int pid = (int)getpid();

	if (!e)
		return -1;
	*state = e;
	snprintf(e->ns_srv, sizeof(e->ns_srv), "dcbxdhs-%d", pid);
	snprintf(e->ns_cli, sizeof(e->ns_cli), "dcbxdhc-%d", pid);
	snprintf(e->if_srv, sizeof(e->if_srv), "dhs%d", pid % 1000000);
	snprintf(e->if_cli, sizeof(e->if_cli), "dhc%d", pid % 1000000);
	snprintf(e->dir, sizeof(e->dir), "/tmp/dcbox-dhcp-e2e-XXXXXX");
	if (!mkdtemp(e->dir))
		return -1;
	snprintf(e->file, sizeof(e->file), "%s/leases", e->dir);
	if (pcap) {
		static const uint32_t hdr[6] = {0xa1b2c3d4, 0x00040002, 0,
						0,	    65535,	1};

		e->pcap = fopen(pcap, "w");
		if (e->pcap)
			fwrite(hdr, sizeof(hdr), 1, e->pcap);
	}
	return 0;
}

static int e2e_teardown(void **state)
{
	struct e2e *e = *state;
	char pidfile[160];
	FILE *f;
	int pid;

	if (e->running) {
		e->stop = 1;
		pthread_join(e->thread, NULL);
	}
	dhcp_server_destroy(e->s);
	/* a dhclient left running by a failed test: ours, by its pid file */
	snprintf(pidfile, sizeof(pidfile), "%s/dhclient.pid", e->dir);
	f = fopen(pidfile, "r");
	if (f) {
		if (fscanf(f, "%d", &pid) == 1 && pid > 1)
			kill(pid, SIGTERM);
		fclose(f);
	}
	if (e->ns_srv[0]) {
		sh("ip netns del %s 2>/dev/null", e->ns_srv);
		sh("ip netns del %s 2>/dev/null", e->ns_cli);
	}
	if (!getenv("DCBOX_DHCP_KEEP"))
		sh("rm -rf '%s'", e->dir);
	if (e->pcap)
		fclose(e->pcap);
	free(e);
	return 0;
}

/*
 * The client script: configure the address and a static neighbour entry
 * for the server (so unicast RELEASE can be sent; the harness does not
 * answer ARP, and removing the last address flushes the neighbours), and
 * append "EVENT IP MASK ROUTER DNS" to DIR/events. It serves
 * dhclient ($reason, $new_*) and udhcpc ($1, $ip, $subnet, ...).
 */
static void e2e_script(const struct e2e *e)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/script", e->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"#!/bin/sh\n"
		"ev=\"${reason:-$1}\"\n"
		"a=\"${new_ip_address:-$ip}\"; "
		"m=\"${new_subnet_mask:-$subnet}\"\n"
		"case \"$ev\" in\n"
		"BOUND|REBOOT|RENEW|REBIND|bound|renew)\n"
		"  ip addr flush dev \"$interface\"\n"
		"  ip addr add \"$a/$m\" dev \"$interface\"\n"
		"  ip neigh replace 10.1.0.1 lladdr 02:00:00:00:dc:01 "
		"dev \"$interface\"\n"
		"  echo \"$ev $a $m ${new_routers:-$router} "
		"${new_domain_name_servers:-$dns}\" >> %s/events ;;\n"
		"esac\nexit 0\n",
		e->dir);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

static bool e2e_event(const struct e2e *e, const char *line)
{
	char path[160];
	const char *text;

	snprintf(path, sizeof(path), "%s/events", e->dir);
	text = slurp(path);
	if (text && strstr(text, line))
		return true;
	print_message("events: %s\n", text ? text : "(none)");
	return false;
}

static void e2e_net(struct e2e *e)
{
	assert_int_equal(
		sh("ip netns add %s && ip netns add %s", e->ns_srv, e->ns_cli),
		0);
	assert_int_equal(sh("ip link add %s netns %s address "
			    "02:00:00:00:dc:01 type veth peer name %s netns "
			    "%s address 02:00:00:aa:00:01",
			    e->if_srv, e->ns_srv, e->if_cli, e->ns_cli),
			 0);
	assert_int_equal(sh("ip -n %s link set %s up && ip -n %s link set %s "
			    "up && ip -n %s neigh replace 10.1.0.1 lladdr "
			    "02:00:00:00:dc:01 dev %s",
			    e->ns_srv, e->if_srv, e->ns_cli, e->if_cli,
			    e->ns_cli, e->if_cli),
			 0);
}

static int dhclient(const struct e2e *e, const char *args)
{
	return sh("ip netns exec %s timeout 30 dhclient %s -pf %s/dhclient.pid "
		  "-lf %s/dhclient.leases -sf %s/script %s >>%s/client.log "
		  "2>&1",
		  e->ns_cli, args, e->dir, e->dir, e->dir, e->if_cli, e->dir);
}

static struct find e2e_lease(struct e2e *e, const char *ip)
{
	struct find f = {.ip = ip4(ip)};

	dhcp_lease_foreach(e->s, (uint64_t)time(NULL), find_cb, &f);
	return f;
}

static void test_e2e_clients(void **state)
{
	struct e2e *e = *state;
	char err[256];

	if (geteuid() != 0 || sh("command -v dhclient busybox ip >/dev/null"))
		skip();
	fill_config(&e->cfg);
	e2e_net(e);
	e2e_script(e);
	e->s = dhcp_server_create(&e->cfg, e->file, (uint64_t)time(NULL), err,
				  sizeof(err));
	assert_non_null(e->s);
	/* dhclient: DISCOVER, OFFER, REQUEST, ACK; then RELEASE */
	e2e_start(e);
	assert_int_equal(dhclient(e, "-1 -v"), 0);
	assert_true(e2e_event(e, "BOUND 10.1.0.100 255.255.255.0 10.1.0.1 "
				 "10.1.0.1 10.1.0.53"));
	assert_int_equal(dhclient(e, "-r -v"), 0);
	usleep(300 * 1000);
	e2e_stop(e);
	assert_int_equal(e2e_lease(e, "10.1.0.100").l.state,
			 DHCP_LEASE_RELEASED);
	assert_int_equal(dhcp_server_stats(e->s)->rx[DHCPRELEASE], 1);
	/* udhcpc, same MAC: the same address again */
	e2e_start(e);
	assert_int_equal(sh("ip netns exec %s timeout 30 busybox udhcpc -f -q "
			    "-n -t 5 -T 1 -s %s/script -i %s >>%s/client.log "
			    "2>&1",
			    e->ns_cli, e->dir, e->if_cli, e->dir),
			 0);
	assert_true(e2e_event(e, "bound 10.1.0.100 255.255.255.0 10.1.0.1 "
				 "10.1.0.1 10.1.0.53"));
	e2e_stop(e);
	/* the daemon restarts: .100 stays with 02:00:00:aa:00:01 */
	dhcp_server_destroy(e->s);
	e->s = dhcp_server_create(&e->cfg, e->file, (uint64_t)time(NULL), err,
				  sizeof(err));
	assert_non_null(e->s);
	assert_int_equal(e2e_lease(e, "10.1.0.100").l.state, DHCP_LEASE_BOUND);
	assert_int_equal(sh("ip -n %s link set %s address 02:00:00:aa:00:02 && "
			    "rm -f %s/dhclient.leases",
			    e->ns_cli, e->if_cli, e->dir),
			 0);
	e2e_start(e);
	assert_int_equal(dhclient(e, "-1 -v"), 0);
	assert_true(e2e_event(e, "BOUND 10.1.0.101 255.255.255.0"));
	assert_int_equal(dhclient(e, "-x -v"), 0);
	/* INIT-REBOOT: dhclient asks for the address in its lease file */
	assert_int_equal(dhclient(e, "-1 -v"), 0);
	assert_true(e2e_event(e, "REBOOT 10.1.0.101 255.255.255.0"));
	assert_int_equal(dhclient(e, "-r -v"), 0);
	usleep(300 * 1000);
	e2e_stop(e);
	assert_int_equal(e2e_lease(e, "10.1.0.101").l.state,
			 DHCP_LEASE_RELEASED);
	assert_int_equal(e2e_lease(e, "10.1.0.100").l.state, DHCP_LEASE_BOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_dhclient_discover),
		T(test_udhcpc_discover_same_mac),
		T(test_dhclient_exchange),
		T(test_udhcpc_exchange),
		T(test_dhclient_reboot),
		T(test_selecting_ack),
		T(test_broadcast_flag),
		T(test_request_other_server),
		T(test_init_reboot),
		T(test_renewing),
		T(test_release),
		T(test_decline),
		T(test_inform),
		T(test_requested_address),
		T(test_lowest_free_after_move),
		T(test_reservations),
		T(test_pool_exhausted),
		T(test_expiry),
		T(test_client_id),
		T(test_hostname_sanitised),
		T(test_bad_header),
		T(test_bad_options),
		T(test_overload),
		T(test_huge_packet),
		T(test_every_truncation),
		T(test_frame_build),
		T(test_config),
		T(test_persist_restart),
		T(test_persist_skips),
		T(test_persist_corrupt),
		T(test_flush_coalesce),
		T(test_flush_error),
		T(test_foreach_stop),
		cmocka_unit_test_setup_teardown(test_e2e_clients, e2e_setup,
						e2e_teardown),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
