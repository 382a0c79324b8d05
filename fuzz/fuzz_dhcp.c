// SPDX-License-Identifier: MIT
/*
 * fuzz_dhcp.c - libFuzzer harness for the DHCP server (src/l3/dhcp_*.c).
 *
 * Input: one mode byte, then data. Mode bit 0 clear: the data is up to 16
 * BOOTREQUESTs separated by the 4 bytes "\xffDH\xff", fed in order to a
 * fresh server (10.1.0.1/24, a 12-address pool and two reservations, so
 * the pool runs out), each 40 seconds after the previous one (mode bits
 * 1-7 add up to 127 more), so offers lapse and leases move between
 * states. Every reply is wrapped by dhcp_frame_build() and must be an
 * OFFER/ACK/NAK of sane size; every listed lease must be a table address.
 * Mode bit 0 set: the data is a lease file, parsed by the loader and
 * written back out. The .c files are included (house rule 17). Seeds:
 * fuzz/corpus/fuzz_dhcp/ (captured dhclient and udhcpc packets, a lease
 * file).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/core/csum.c"
#include "../src/l3/dhcp_lease.c"
#include "../src/l3/dhcp_server.c"
#include "fuzz.h"

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static struct dhcp_server *make_server(void)
{
	struct dhcp_config c;
	char err[256];
	struct dhcp_server *s;

	memset(&c, 0, sizeof(c));
	c.server_ip.s_addr = htonl(0x0a010001);
	c.prefix_len = 24;
	c.range_start.s_addr = htonl(0x0a010064);
	c.range_end.s_addr = htonl(0x0a01006f);
	c.dns[0] = c.server_ip;
	c.dns_len = 1;
	c.lease_s = 120;
	memcpy(c.reservations[0].mac, "\x02\x00\x00\xaa\x00\x03", 6);
	c.reservations[0].ip.s_addr = htonl(0x0a010065);
	memcpy(c.reservations[1].mac, "\x02\x00\x00\xaa\x00\x04", 6);
	c.reservations[1].ip.s_addr = htonl(0x0a010005);
	c.reservations_len = 2;
	c.log = quiet;
	s = dhcp_server_create(&c, NULL, 1700000000, err, sizeof(err));
	if (!s)
		abort();
	return s;
}

static int check_lease(const struct dhcp_lease *l, void *arg)
{
	struct dhcp_server *s = arg;
	uint32_t ip = ntohl(l->ip.s_addr);

	if (!dhcp_lease_by_ip(s, ip) || l->state >= DHCP_LEASE_STATE_MAX ||
	    l->client_id_len > DHCP_CLIENT_ID_MAX ||
	    strlen(l->hostname) >= DHCP_HOSTNAME_MAX)
		abort();
	return 0;
}

static void one_packet(struct dhcp_server *s, const uint8_t *p, size_t n,
		       uint64_t now)
{
	static const uint8_t smac[6] = {2, 0, 0, 0, 0xdc, 1};
	uint8_t frame[DHCP_FRAME_MAX];
	struct dhcp_reply r;
	uint8_t *copy = malloc(n ? n : 1);

	if (!copy)
		abort();
	memcpy(copy, p, n); /* exact size, so ASan sees any over-read */
	if (dhcp_server_input(s, copy, n, now, &r) == 1) {
		if (r.size < DHCP_REPLY_MIN || r.size > DHCP_REPLY_MAX ||
		    (r.msg_type != DHCPOFFER && r.msg_type != DHCPACK &&
		     r.msg_type != DHCPNAK) ||
		    r.drop != DHCP_DROP_NONE)
			abort();
		if (dhcp_frame_build(frame, sizeof(frame), &r, smac,
				     s->cfg.server_ip) != (int)(42 + r.size))
			abort();
	} else if (r.drop == DHCP_DROP_NONE || r.drop >= DHCP_DROP_MAX) {
		abort();
	}
	free(copy);
}

static void packets(const uint8_t *data, size_t size, unsigned int step)
{
	static const uint8_t sep[4] = {0xff, 'D', 'H', 0xff};
	struct dhcp_server *s = make_server();
	uint64_t now = 1700000000;

	for (int k = 0; k < 16 && size; k++) {
		const uint8_t *end = memmem(data, size, sep, sizeof(sep));
		size_t n = end ? (size_t)(end - data) : size;

		one_packet(s, data, n, now);
		dhcp_lease_foreach(s, now, check_lease, s);
		now += 40 + step;
		if (!end)
			break;
		data += n + sizeof(sep);
		size -= n + sizeof(sep);
	}
	dhcp_server_destroy(s);
}

static void lease_file(const uint8_t *data, size_t size)
{
	struct dhcp_server *s = make_server();
	struct load_count n = {0};
	unsigned int lineno;
	FILE *f = size ? fmemopen((void *)data, size, "r") : NULL;
	FILE *out = fopen("/dev/null", "w");

	if (f) {
		if (load_file(s, f, 1700000000, &n, &lineno))
			table_reset(s);
		fclose(f);
	}
	dhcp_lease_foreach(s, 1700000000, check_lease, s);
	if (out) {
		write_leases(s, out, 1700000000);
		fclose(out);
	}
	dhcp_server_destroy(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		lease_file(data + 1, size - 1);
	else
		packets(data + 1, size - 1, data[0] >> 1);
	return 0;
}
