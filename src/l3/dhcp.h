/* SPDX-License-Identifier: MIT */
/*
 * dhcp.h - the router's DHCP server (RFC 2131/2132), one instance per
 * routed interface, as a pure module: bytes in, bytes out, no sockets.
 *
 * How the router node uses it:
 *
 *   1. At set-up, fill a struct dhcp_config from the topology (the YAML
 *      `dhcp: { range: A-B, dns: [..], lease: S, reservations: [..] }` of an
 *      interface with `ip: X/LEN`) and call dhcp_server_create(). Config
 *      checks are in dhcp_config_validate(), which the topology validator
 *      may call on its own to report errors before anything starts.
 *   2. For every frame received on that interface that is IPv4/UDP with
 *      destination port 67 (DHCP_SERVER_PORT) and destination address
 *      255.255.255.255 or the interface address, pass the UDP payload (the
 *      bytes after the 8-byte UDP header, UDP length honoured) to
 *      dhcp_server_input() with the wall-clock time (time(NULL)).
 *   3. When it returns 1, send struct dhcp_reply: either its payload from
 *      UDP port 67 to port 68 (DHCP_CLIENT_PORT) of reply.dst_ip at
 *      Ethernet address reply.dst_mac, or let dhcp_frame_build() make the
 *      whole Ethernet/IPv4/UDP frame. Do not ARP for dst_ip: the client
 *      may not have configured it yet (RFC 2131 section 4.1).
 *   4. On the daemon's tick (about once a second) and at shutdown, call
 *      dhcp_server_flush(); it writes the lease file when leases changed
 *      since the last write. dhcp_server_input() itself never does I/O.
 *   5. `dcbox show leases` walks the table with dhcp_lease_foreach() and
 *      counters come from dhcp_server_stats() (names: DHCP_DROPS()).
 *
 * Byte order: every struct in_addr here is in network order, as in
 * struct topo_ip. Times are absolute wall-clock seconds (Unix epoch), so a
 * lease file written before a restart (or a reboot) stays meaningful.
 *
 * Threading: a struct dhcp_server is owned by one thread (the worker that
 * runs the router node); dhcp_server_flush(), dhcp_lease_foreach() and
 * dhcp_server_stats() must be called from that thread or under a lock the
 * caller holds around dhcp_server_input() too.
 *
 * What the server does not do: relay agents (giaddr != 0 is dropped as
 * RELAYED), BOOTP without option 53, option 82, client FQDN (81), leases
 * longer than the configured time, IPv6.
 */
#ifndef DCBOX_DHCP_H
#define DCBOX_DHCP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	DHCP_SERVER_PORT = 67,
	DHCP_CLIENT_PORT = 68,
	DHCP_DNS_MAX = 4, /* dns: servers in option 6 */
	DHCP_RESERVATIONS_MAX = 256, /* reservations: per interface */
	DHCP_POOL_MAX = 65536, /* addresses in range: */
	DHCP_LEASE_DEFAULT_S = 3600, /* lease: when not given */
	DHCP_LEASE_MIN_S = 10, /* lease: bounds */
	DHCP_LEASE_MAX_S = 1 << 30,
	DHCP_OFFER_HOLD_S = 30, /* an offered address is held this long */
	DHCP_DECLINE_HOLD_S = 600, /* a declined address rests this long */
	DHCP_CLIENT_ID_MAX = 64, /* longer option 61: use chaddr alone */
	DHCP_HOSTNAME_MAX = 64, /* option 12 kept for show leases, NUL */
	DHCP_NAME_MAX = 48, /* dhcp_config.name, NUL included */
	DHCP_REPLY_MAX = 548, /* 576-byte datagram minus IP/UDP */
	DHCP_REPLY_MIN = 300, /* BOOTP size some clients insist on */
	/* dhcp_frame_build() output: Ethernet + IPv4 + UDP + reply */
	DHCP_FRAME_MAX = 14 + 20 + 8 + DHCP_REPLY_MAX,
};

/** enum dhcp_msg_type - option 53 values (RFC 2132 section 9.6) */
enum dhcp_msg_type {
	DHCPDISCOVER = 1,
	DHCPOFFER = 2,
	DHCPREQUEST = 3,
	DHCPDECLINE = 4,
	DHCPACK = 5,
	DHCPNAK = 6,
	DHCPRELEASE = 7,
	DHCPINFORM = 8,
};

/**
 * struct dhcp_reservation - a fixed address for one client MAC
 * @mac: the client's chaddr
 * @ip: its address: inside the subnet, inside or outside the range
 */
struct dhcp_reservation {
	uint8_t mac[6];
	struct in_addr ip;
};

/**
 * struct dhcp_config - one interface's DHCP service
 * @name: label for logs and dumps, e.g. "r1:web" (may be empty)
 * @server_ip: the interface address: server identifier and default router
 * @prefix_len: the interface prefix (8..30): subnet mask option
 * @range_start: first address handed out (inclusive)
 * @range_end: last address handed out (inclusive)
 * @dns: DNS servers (option 6); none when @dns_len is 0
 * @dns_len: entries used in @dns
 * @lease_s: lease time in seconds; 0 means DHCP_LEASE_DEFAULT_S
 * @reservations: static MAC -> address bindings
 * @reservations_len: entries used in @reservations
 * @log: called with one line of text (no newline) for events worth a log:
 *       lease file problems at start and failed writes. NULL: stderr.
 * @log_arg: passed to @log
 *
 * The router option (3) is @server_ip. Renewal (58) and rebinding (59)
 * times are 1/2 and 7/8 of the lease time.
 */
struct dhcp_config {
	char name[DHCP_NAME_MAX];
	struct in_addr server_ip;
	uint8_t prefix_len;
	struct in_addr range_start;
	struct in_addr range_end;
	struct in_addr dns[DHCP_DNS_MAX];
	unsigned int dns_len;
	uint32_t lease_s;
	struct dhcp_reservation reservations[DHCP_RESERVATIONS_MAX];
	unsigned int reservations_len;
	void (*log)(void *arg, const char *msg);
	void *log_arg;
};

/*
 * DHCP_DROPS(X) - X(ENUM_SUFFIX, counter_name, "log text"): why an input
 * produced no reply. Some are normal protocol outcomes (RELEASE, DECLINE,
 * a REQUEST for another server), the rest are malformed or unsupported
 * packets. The counter names appear in `dcbox show ... --json`.
 */
#define DHCP_DROPS(X)                                                          \
	X(NONE, none, "reply sent")                                            \
	X(TRUNCATED, truncated, "shorter than BOOTP header and magic cookie")  \
	X(BAD_OP, bad_op, "not a BOOTREQUEST")                                 \
	X(BAD_HTYPE, bad_htype, "hardware type/length not Ethernet")           \
	X(BAD_COOKIE, bad_cookie, "no DHCP magic cookie")                      \
	X(BAD_OPTION, bad_option, "option runs past its field")                \
	X(NO_MSG_TYPE, no_msg_type, "no DHCP message type (BOOTP)")            \
	X(BAD_MSG_TYPE, bad_msg_type, "message type not a client message")     \
	X(BAD_MAC, bad_mac, "chaddr is zero, multicast or broadcast")          \
	X(RELAYED, relayed, "giaddr set: relays are not supported")            \
	X(NO_ADDRESS, no_address, "REQUEST names no address")                  \
	X(OTHER_SERVER, other_server, "client chose another server")           \
	X(POOL_EXHAUSTED, pool_exhausted, "no free address for DISCOVER")      \
	X(RELEASED, released, "RELEASE processed (no reply)")                  \
	X(DECLINED, declined, "DECLINE processed (no reply)")                  \
	X(UNKNOWN_LEASE, unknown_lease, "RELEASE/DECLINE of no lease of ours")

/** enum dhcp_drop - reasons from DHCP_DROPS() */
enum dhcp_drop {
#define DHCP_DROP_ENUM(name, counter, text) DHCP_DROP_##name,
	DHCP_DROPS(DHCP_DROP_ENUM)
#undef DHCP_DROP_ENUM
		DHCP_DROP_MAX
};

/**
 * struct dhcp_stats - counters of one server (all since creation)
 * @rx: requests that parsed, by option 53 value (index 0 unused)
 * @tx: replies built, by type (DHCPOFFER, DHCPACK, DHCPNAK)
 * @drops: inputs without a reply, by enum dhcp_drop (NONE unused)
 * @lease_writes: lease file writes that succeeded
 * @lease_write_errors: lease file writes that failed
 */
struct dhcp_stats {
	uint64_t rx[DHCPINFORM + 1];
	uint64_t tx[DHCPINFORM + 1];
	uint64_t drops[DHCP_DROP_MAX];
	uint64_t lease_writes;
	uint64_t lease_write_errors;
};

/**
 * struct dhcp_reply - what dhcp_server_input() asks the caller to send
 * @msg_type: DHCPOFFER, DHCPACK or DHCPNAK
 * @dst_ip: IPv4 destination: 255.255.255.255 when @broadcast, else the
 *          client's ciaddr (RENEWING, INFORM) or the offered yiaddr
 * @dst_mac: Ethernet destination: ff:ff:ff:ff:ff:ff or the client chaddr
 * @broadcast: sent to the limited broadcast address
 * @drop: when no reply is produced, the reason (DHCP_DROP_NONE otherwise)
 * @size: bytes of BOOTREPLY in @data (DHCP_REPLY_MIN..DHCP_REPLY_MAX)
 * @data: the UDP payload, source port 67, destination port 68
 */
struct dhcp_reply {
	uint8_t msg_type;
	struct in_addr dst_ip;
	uint8_t dst_mac[6];
	bool broadcast;
	enum dhcp_drop drop;
	size_t size;
	uint8_t data[DHCP_REPLY_MAX];
};

/** enum dhcp_lease_state - what an address slot holds, as seen at a time */
enum dhcp_lease_state {
	DHCP_LEASE_FREE = 0, /* never handed out (or forgotten) */
	DHCP_LEASE_OFFERED, /* held for DHCP_OFFER_HOLD_S after an OFFER */
	DHCP_LEASE_BOUND, /* ACKed, until expires */
	DHCP_LEASE_RELEASED, /* the client gave it back; remembered */
	DHCP_LEASE_EXPIRED, /* time ran out; remembered for its client */
	DHCP_LEASE_DECLINED, /* a client found it in use; rests a while */
	DHCP_LEASE_STATE_MAX
};

/**
 * struct dhcp_lease - one address slot, as dhcp_lease_foreach() shows it
 * @ip: the address
 * @mac: the client's chaddr (zero when FREE or DECLINED)
 * @state: state at the time given to dhcp_lease_foreach()
 * @reserved: @ip is a reservation (for the MAC in the reservation)
 * @expires: wall-clock expiry (bound), end of hold (offered, declined),
 *           time of release/expiry (released, expired)
 * @client_id: option 61 as the client sent it
 * @client_id_len: bytes in @client_id, 0 when none
 * @hostname: option 12, printable characters only, NUL-terminated
 */
struct dhcp_lease {
	struct in_addr ip;
	uint8_t mac[6];
	uint8_t state;
	bool reserved;
	uint64_t expires;
	uint8_t client_id[DHCP_CLIENT_ID_MAX];
	uint8_t client_id_len;
	char hostname[DHCP_HOSTNAME_MAX];
};

struct dhcp_server;

int dhcp_config_validate(const struct dhcp_config *cfg, char *err,
			 size_t errsize);
struct dhcp_server *dhcp_server_create(const struct dhcp_config *cfg,
				       const char *lease_file, uint64_t now_s,
				       char *err, size_t errsize);
void dhcp_server_destroy(struct dhcp_server *s);
int dhcp_server_input(struct dhcp_server *s, const uint8_t *udp_payload,
		      size_t size, uint64_t now_s, struct dhcp_reply *out);
int dhcp_server_flush(struct dhcp_server *s, uint64_t now_s, bool force);
const struct dhcp_stats *dhcp_server_stats(const struct dhcp_server *s);
int dhcp_lease_foreach(const struct dhcp_server *s, uint64_t now_s,
		       int (*fn)(const struct dhcp_lease *l, void *arg),
		       void *arg);
const char *dhcp_lease_state_str(enum dhcp_lease_state st);
const char *dhcp_drop_str(enum dhcp_drop d);
const char *dhcp_drop_desc(enum dhcp_drop d);
const char *dhcp_msg_type_str(uint8_t type);
int dhcp_frame_build(uint8_t *frame, size_t frame_size,
		     const struct dhcp_reply *r, const uint8_t src_mac[6],
		     struct in_addr src_ip);

#endif
