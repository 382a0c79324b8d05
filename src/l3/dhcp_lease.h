/* SPDX-License-Identifier: MIT */
/*
 * dhcp_lease.h - private to src/l3/dhcp_*.c: struct dhcp_server and the
 * lease table that dhcp_server.c (protocol) drives and dhcp_lease.c
 * (table, persistence) implements. Users include dhcp.h only.
 *
 * The table has one slot per address that can ever be leased: slots
 * 0..n_range-1 are range_start..range_end, then one slot per reservation
 * outside the range. A slot's address never changes, so lookup by address
 * is arithmetic; lookup by client walks a chain of a hash on the MAC.
 * Every slot with a MAC (any state but FREE and DECLINED; reserved slots
 * always) is on the chain of its MAC.
 */
#ifndef DCBOX_DHCP_LEASE_H
#define DCBOX_DHCP_LEASE_H

#include "l3/dhcp.h"

/**
 * struct dhcp_client - the client a request comes from
 * @mac: chaddr
 * @id: option 61, NULL when absent (or longer than DHCP_CLIENT_ID_MAX)
 * @id_len: bytes at @id
 * @hostname: option 12, sanitised, "" when absent
 */
struct dhcp_client {
	const uint8_t *mac;
	const uint8_t *id;
	uint8_t id_len;
	const char *hostname;
};

/**
 * struct dhcp_server - one interface's server (see dhcp.h)
 * @cfg: copy of the configuration
 * @lease_s: lease time in effect
 * @server_ip, @mask, @net, @start, @end: addresses in host order
 * @n_range: addresses in the range (slots 0..n_range-1)
 * @n_slots: n_range plus reservations outside the range
 * @leases: the slots
 * @next: hash chain link per slot (DHCP_NO_SLOT ends a chain)
 * @buckets: chain heads, @bucket_mask + 1 of them
 * @free_hint: no range slot below it is stored FREE or DECLINED, so the
 *             lowest free slot is found from there
 * @file: lease file path, NULL without persistence
 * @dirty: leases changed since the last write
 * @last_write: wall-clock time of the last write attempt
 * @stats: counters
 */
struct dhcp_server {
	struct dhcp_config cfg;
	uint32_t lease_s;
	uint32_t server_ip, mask, net, start, end;
	uint32_t n_range;
	uint32_t n_slots;
	struct dhcp_lease *leases;
	uint32_t *next;
	uint32_t *buckets;
	uint32_t bucket_mask;
	uint32_t free_hint;
	char *file;
	bool dirty;
	uint64_t last_write;
	struct dhcp_stats stats;
};

enum { DHCP_NO_SLOT = UINT32_MAX };

int dhcp_leases_init(struct dhcp_server *s, char *err, size_t errsize);
void dhcp_leases_fini(struct dhcp_server *s);
void dhcp_leases_load(struct dhcp_server *s, uint64_t now_s);
enum dhcp_lease_state dhcp_lease_state_at(const struct dhcp_lease *l,
					  uint64_t now_s);
struct dhcp_lease *dhcp_lease_by_ip(struct dhcp_server *s, uint32_t ip);
struct dhcp_lease *dhcp_lease_by_client(struct dhcp_server *s,
					const struct dhcp_client *c);
bool dhcp_lease_usable(const struct dhcp_server *s, const struct dhcp_lease *l,
		       const struct dhcp_client *c, uint64_t now_s);
struct dhcp_lease *dhcp_lease_alloc(struct dhcp_server *s,
				    const struct dhcp_client *c,
				    uint64_t now_s);
void dhcp_lease_assign(struct dhcp_server *s, struct dhcp_lease *l,
		       const struct dhcp_client *c, enum dhcp_lease_state st,
		       uint64_t expires);
void dhcp_lease_forget(struct dhcp_server *s, struct dhcp_lease *l,
		       enum dhcp_lease_state st, uint64_t expires);
void dhcp_log(const struct dhcp_server *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
