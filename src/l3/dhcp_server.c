// SPDX-License-Identifier: MIT
/*
 * dhcp_server.c - the DHCP protocol side of the router's DHCP server:
 * configuration checks, the bounds-checked BOOTREQUEST parser, the
 * per-message handlers (RFC 2131 section 4.3) and the BOOTREPLY and frame
 * builders. The lease table it drives lives in dhcp_lease.c; the API is
 * described in dhcp.h.
 *
 * Theory of operation
 *
 * A request is parsed once into struct dhcp_req; the handlers read only
 * that. The option walk covers the options field and then, when option 52
 * (overload) asks for it, the file and sname fields, in that order
 * (RFC 2131 section 4.1). Each field ends at its END option or at its own
 * end (a missing END is tolerated, as most servers do); an option whose
 * length byte or data would cross the end of its field makes the whole
 * packet BAD_OPTION. For options the server uses, the first occurrence
 * wins, and a wrong length makes the server ignore the option, except for
 * the message type (53), which must be one byte.
 *
 * The server is authoritative for its subnet: a REQUEST for an address it
 * can give this client is ACKed whatever the client's state (SELECTING,
 * INIT-REBOOT after a restart, RENEWING, REBINDING), so a client whose
 * lease was lost still gets its address when it is free; a REQUEST for an
 * address that is not in the subnet, not in the pool, or held by someone
 * else is NAKed. RFC 2131 lets a server without a record stay silent in
 * INIT-REBOOT; NAKing or ACKing at once spares the client its timeout.
 *
 * Replies carry, whatever the parameter request list says: message type,
 * server identifier, subnet mask, router and (when configured) DNS; OFFER
 * and ACK also lease, renewal and rebinding times; option 28 (broadcast
 * address) only when requested. Every reply fits in 548 bytes, the size
 * every client must accept, so option 57 is not needed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csum.h"
#include "l3/dhcp.h"
#include "l3/dhcp_lease.h"

/* BOOTP header layout (RFC 2131 figure 1) and the options we use. */
enum {
	BOOTP_OP = 0,
	BOOTP_HTYPE = 1,
	BOOTP_HLEN = 2,
	BOOTP_XID = 4,
	BOOTP_FLAGS = 10,
	BOOTP_CIADDR = 12,
	BOOTP_YIADDR = 16,
	BOOTP_GIADDR = 24,
	BOOTP_CHADDR = 28,
	BOOTP_SNAME = 44,
	BOOTP_SNAME_SIZE = 64,
	BOOTP_FILE = 108,
	BOOTP_FILE_SIZE = 128,
	BOOTP_COOKIE = 236,
	BOOTP_OPTIONS = 240,
	BOOTREQUEST = 1,
	BOOTREPLY = 2,
	HTYPE_ETHER = 1,
	FLAG_BROADCAST_HI = 0x80, /* first byte of the flags field */
};

enum {
	OPT_PAD = 0,
	OPT_SUBNET_MASK = 1,
	OPT_ROUTER = 3,
	OPT_DNS = 6,
	OPT_HOSTNAME = 12,
	OPT_BROADCAST = 28,
	OPT_REQ_IP = 50,
	OPT_LEASE_TIME = 51,
	OPT_OVERLOAD = 52,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_PRL = 55,
	OPT_MESSAGE = 56,
	OPT_T1 = 58,
	OPT_T2 = 59,
	OPT_CLIENT_ID = 61,
	OPT_END = 255,
	OVERLOAD_FILE = 1,
	OVERLOAD_SNAME = 2,
};

static const uint8_t dhcp_cookie[4] = {99, 130, 83, 99};

/**
 * struct dhcp_req - one parsed BOOTREQUEST
 * @raw: the packet (at least BOOTP_OPTIONS bytes)
 * @type: option 53
 * @ciaddr: client address, host order
 * @mac: chaddr
 * @req_ip: option 50, host order, 0 when absent
 * @server_id: option 54, host order, 0 when absent
 * @client_id: option 61, NULL when absent or unusable
 * @client_id_len: its length
 * @overload: option 52
 * @prl: option 55 as a bitmap of option codes
 * @hostname: option 12 when made of [A-Za-z0-9._-] only, else ""
 */
struct dhcp_req {
	const uint8_t *raw;
	uint8_t type;
	uint32_t ciaddr;
	const uint8_t *mac;
	uint32_t req_ip;
	uint32_t server_id;
	const uint8_t *client_id;
	uint8_t client_id_len;
	uint8_t overload;
	uint8_t prl[256 / 8];
	char hostname[DHCP_HOSTNAME_MAX];
};

static const char *const drop_names[] = {
#define DHCP_DROP_NAME(name, counter, text) #counter,
	DHCP_DROPS(DHCP_DROP_NAME)
#undef DHCP_DROP_NAME
};

static const char *const drop_descs[] = {
#define DHCP_DROP_DESC(name, counter, text) text,
	DHCP_DROPS(DHCP_DROP_DESC)
#undef DHCP_DROP_DESC
};

_Static_assert(sizeof(drop_names) / sizeof(drop_names[0]) == DHCP_DROP_MAX,
	       "DHCP_DROPS table and enum disagree");

/**
 * dhcp_drop_str() - counter name of a drop reason
 * @d: the reason
 *
 * Return: a static string such as "bad_option", "?" when out of range.
 */
const char *dhcp_drop_str(enum dhcp_drop d)
{
	return (unsigned int)d < DHCP_DROP_MAX ? drop_names[d] : "?";
}

/**
 * dhcp_drop_desc() - log text of a drop reason
 * @d: the reason
 *
 * Return: a static sentence fragment, "?" when out of range.
 */
const char *dhcp_drop_desc(enum dhcp_drop d)
{
	return (unsigned int)d < DHCP_DROP_MAX ? drop_descs[d] : "?";
}

/**
 * dhcp_msg_type_str() - name of an option 53 value
 * @type: the value
 *
 * Return: a static string such as "DHCPDISCOVER", "?" when unknown.
 */
const char *dhcp_msg_type_str(uint8_t type)
{
	static const char *const names[] = {
		"?",	       "DHCPDISCOVER", "DHCPOFFER",
		"DHCPREQUEST", "DHCPDECLINE",  "DHCPACK",
		"DHCPNAK",     "DHCPRELEASE",  "DHCPINFORM",
	};

	return type <= DHCPINFORM ? names[type] : "?";
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static const char *ipstr(uint32_t host, char *buf)
{
	struct in_addr a = {.s_addr = htonl(host)};

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static uint32_t prefix_mask(unsigned int len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* ---- configuration ---------------------------------------------------- */

static int check_range(const struct dhcp_config *cfg, char *err, size_t errsize)
{
	uint32_t mask = prefix_mask(cfg->prefix_len);
	uint32_t srv = ntohl(cfg->server_ip.s_addr), net = srv & mask;
	uint32_t start = ntohl(cfg->range_start.s_addr);
	uint32_t end = ntohl(cfg->range_end.s_addr);
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];
	const char *why = NULL;

	if (srv == net || srv == (net | ~mask))
		why = "the interface address is the network or broadcast "
		      "address";
	else if (start > end)
		why = "range start is above range end";
	else if ((start & mask) != net || (end & mask) != net)
		why = "range is not inside the interface subnet";
	else if (start == net || end == (net | ~mask))
		why = "range includes the network or broadcast address";
	else if (srv >= start && srv <= end)
		why = "range includes the interface address";
	else if (end - start >= DHCP_POOL_MAX)
		why = "range has more than 65536 addresses";
	if (!why)
		return 0;
	snprintf(err, errsize, "dhcp: range %s-%s on %s/%u: %s",
		 ipstr(start, a), ipstr(end, b), ipstr(srv, c), cfg->prefix_len,
		 why);
	return -EINVAL;
}

static bool mac_is_unicast(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6);
}

static int check_reservation(const struct dhcp_config *cfg, unsigned int i,
			     char *err, size_t errsize)
{
	const struct dhcp_reservation *r = &cfg->reservations[i];
	uint32_t mask = prefix_mask(cfg->prefix_len);
	uint32_t srv = ntohl(cfg->server_ip.s_addr), ip = ntohl(r->ip.s_addr);
	char a[INET_ADDRSTRLEN];
	const char *why = NULL;

	if (!mac_is_unicast(r->mac))
		why = "MAC is zero, multicast or broadcast";
	else if ((ip & mask) != (srv & mask))
		why = "address is not inside the interface subnet";
	else if (ip == (srv & mask) || ip == ((srv & mask) | ~mask))
		why = "address is the network or broadcast address";
	else if (ip == srv)
		why = "address is the interface address";
	for (unsigned int j = 0; !why && j < i; j++) {
		if (!memcmp(cfg->reservations[j].mac, r->mac, 6))
			why = "MAC is reserved twice";
		else if (cfg->reservations[j].ip.s_addr == r->ip.s_addr)
			why = "address is reserved twice";
	}
	if (!why)
		return 0;
	snprintf(err, errsize,
		 "dhcp: reservation %u (%02x:%02x:%02x:%02x:%02x:%02x %s): %s",
		 i + 1, r->mac[0], r->mac[1], r->mac[2], r->mac[3], r->mac[4],
		 r->mac[5], ipstr(ip, a), why);
	return -EINVAL;
}

/**
 * dhcp_config_validate() - check a configuration before use
 * @cfg: the configuration
 * @err: buffer for a one-line message naming the offending field
 * @errsize: size of @err
 *
 * Checks: prefix 8..30; the interface address is a host address; the
 * range lies inside the subnet, is ordered, excludes the network,
 * broadcast and interface addresses and has at most DHCP_POOL_MAX
 * addresses; dns_len and reservations_len are within bounds and DNS
 * addresses are non-zero; the lease time is 0 (default) or within
 * DHCP_LEASE_MIN_S..DHCP_LEASE_MAX_S; each reservation has a unicast MAC
 * and a host address of the subnet other than the interface's, and no MAC
 * or address is reserved twice.
 *
 * Return: 0, or -EINVAL with @err filled.
 */
int dhcp_config_validate(const struct dhcp_config *cfg, char *err,
			 size_t errsize)
{
	int ret;

	if (cfg->prefix_len < 8 || cfg->prefix_len > 30) {
		snprintf(err, errsize, "dhcp: prefix /%u: need /8 to /30",
			 cfg->prefix_len);
		return -EINVAL;
	}
	ret = check_range(cfg, err, errsize);
	if (ret)
		return ret;
	if (cfg->dns_len > DHCP_DNS_MAX) {
		snprintf(err, errsize, "dhcp: dns: %u servers, at most %d",
			 cfg->dns_len, DHCP_DNS_MAX);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < cfg->dns_len; i++) {
		if (!cfg->dns[i].s_addr) {
			snprintf(err, errsize, "dhcp: dns: 0.0.0.0");
			return -EINVAL;
		}
	}
	if (cfg->lease_s && (cfg->lease_s < DHCP_LEASE_MIN_S ||
			     cfg->lease_s > DHCP_LEASE_MAX_S)) {
		snprintf(err, errsize, "dhcp: lease: %u s, need %d to %d",
			 cfg->lease_s, DHCP_LEASE_MIN_S, DHCP_LEASE_MAX_S);
		return -EINVAL;
	}
	if (cfg->reservations_len > DHCP_RESERVATIONS_MAX) {
		snprintf(err, errsize, "dhcp: %u reservations, at most %d",
			 cfg->reservations_len, DHCP_RESERVATIONS_MAX);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < cfg->reservations_len; i++) {
		ret = check_reservation(cfg, i, err, errsize);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * dhcp_server_create() - make the server of one interface
 * @cfg: configuration, copied (see dhcp_config_validate())
 * @lease_file: where leases persist, or NULL for none. Read now; written
 *              by dhcp_server_flush() (through "@lease_file.tmp"). A file
 *              that cannot be parsed is logged with its line number,
 *              renamed to "@lease_file.corrupt", and the server starts with
 *              no leases: it never prevents start-up.
 * @now_s: wall-clock seconds, to skip leases that expired while down
 * @err: buffer for a one-line message on failure
 * @errsize: size of @err
 *
 * Return: the server (free with dhcp_server_destroy()), or NULL with @err
 * filled and errno set (EINVAL bad configuration, ENOMEM).
 */
struct dhcp_server *dhcp_server_create(const struct dhcp_config *cfg,
				       const char *lease_file, uint64_t now_s,
				       char *err, size_t errsize)
{
	struct dhcp_server *s;
	int ret;

	ret = dhcp_config_validate(cfg, err, errsize);
	if (ret)
		goto err;
	ret = -ENOMEM;
	s = calloc(1, sizeof(*s));
	if (!s)
		goto err_nomem;
	s->cfg = *cfg;
	s->cfg.name[DHCP_NAME_MAX - 1] = '\0';
	s->lease_s = cfg->lease_s ? cfg->lease_s : DHCP_LEASE_DEFAULT_S;
	s->server_ip = ntohl(cfg->server_ip.s_addr);
	s->mask = prefix_mask(cfg->prefix_len);
	s->net = s->server_ip & s->mask;
	s->start = ntohl(cfg->range_start.s_addr);
	s->end = ntohl(cfg->range_end.s_addr);
	if (lease_file) {
		s->file = strdup(lease_file);
		if (!s->file)
			goto err_free;
	}
	if (dhcp_leases_init(s, err, errsize))
		goto err_free_file;
	dhcp_leases_load(s, now_s);
	return s;

err_free_file:
	free(s->file);
err_free:
	free(s);
err_nomem:
	snprintf(err, errsize, "dhcp: out of memory");
err:
	errno = -ret;
	return NULL;
}

/**
 * dhcp_server_destroy() - free a server; does not write the lease file
 * (call dhcp_server_flush(s, now, true) first)
 * @s: the server, or NULL
 */
void dhcp_server_destroy(struct dhcp_server *s)
{
	if (!s)
		return;
	dhcp_leases_fini(s);
	free(s->file);
	free(s);
}

/**
 * dhcp_server_stats() - the server's counters
 * @s: the server
 *
 * Return: a pointer into @s, valid until dhcp_server_destroy().
 */
const struct dhcp_stats *dhcp_server_stats(const struct dhcp_server *s)
{
	return &s->stats;
}

/* ---- parsing ---------------------------------------------------------- */

/* Keep a hostname only if it is a plain DNS-ish label list. */
static void take_hostname(struct dhcp_req *r, const uint8_t *v, uint8_t len)
{
	size_t n = len < DHCP_HOSTNAME_MAX - 1 ? len : DHCP_HOSTNAME_MAX - 1;

	for (size_t i = 0; i < n; i++) {
		char ch = (char)v[i];

		if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    !(ch >= '0' && ch <= '9') && ch != '-' && ch != '.' &&
		    ch != '_')
			return;
	}
	memcpy(r->hostname, v, n);
	r->hostname[n] = '\0';
}

/* One option. Return: false when the packet must be dropped. */
static bool take_option(struct dhcp_req *r, uint8_t code, const uint8_t *v,
			uint8_t len, bool main_field)
{
	switch (code) {
	case OPT_MSG_TYPE:
		if (len != 1)
			return false;
		if (!r->type)
			r->type = v[0];
		break;
	case OPT_REQ_IP:
		if (len == 4 && !r->req_ip)
			r->req_ip = get32(v);
		break;
	case OPT_SERVER_ID:
		if (len == 4 && !r->server_id)
			r->server_id = get32(v);
		break;
	case OPT_CLIENT_ID:
		if (len >= 2 && len <= DHCP_CLIENT_ID_MAX && !r->client_id) {
			r->client_id = v;
			r->client_id_len = len;
		}
		break;
	case OPT_HOSTNAME:
		if (!r->hostname[0])
			take_hostname(r, v, len);
		break;
	case OPT_PRL:
		for (unsigned int i = 0; i < len; i++)
			r->prl[v[i] / 8] |= 1 << (v[i] % 8);
		break;
	case OPT_OVERLOAD:
		if (main_field && len == 1 && !r->overload)
			r->overload = v[0] & (OVERLOAD_FILE | OVERLOAD_SNAME);
		break;
	}
	return true;
}

/*
 * Walk one field of options. It ends at END or at the field's end; an
 * option crossing the field's end is an error.
 */
static bool walk_options(struct dhcp_req *r, const uint8_t *p, size_t size,
			 bool main_field)
{
	size_t i = 0;

	while (i < size) {
		uint8_t code = p[i++], len;

		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return true;
		if (i >= size)
			return false;
		len = p[i++];
		if (len > size - i)
			return false;
		if (!take_option(r, code, p + i, len, main_field))
			return false;
		i += len;
	}
	return true;
}

static bool is_client_type(uint8_t t)
{
	return t == DHCPDISCOVER || t == DHCPREQUEST || t == DHCPDECLINE ||
	       t == DHCPRELEASE || t == DHCPINFORM;
}

static enum dhcp_drop parse_options(struct dhcp_req *r, const uint8_t *p,
				    size_t size)
{
	if (!walk_options(r, p + BOOTP_OPTIONS, size - BOOTP_OPTIONS, true))
		return DHCP_DROP_BAD_OPTION;
	if ((r->overload & OVERLOAD_FILE) &&
	    !walk_options(r, p + BOOTP_FILE, BOOTP_FILE_SIZE, false))
		return DHCP_DROP_BAD_OPTION;
	if ((r->overload & OVERLOAD_SNAME) &&
	    !walk_options(r, p + BOOTP_SNAME, BOOTP_SNAME_SIZE, false))
		return DHCP_DROP_BAD_OPTION;
	if (!r->type)
		return DHCP_DROP_NO_MSG_TYPE;
	if (!is_client_type(r->type))
		return DHCP_DROP_BAD_MSG_TYPE;
	return DHCP_DROP_NONE;
}

/* Parse an untrusted UDP payload into @r. */
static enum dhcp_drop parse(struct dhcp_req *r, const uint8_t *p, size_t size)
{
	memset(r, 0, sizeof(*r));
	if (size < BOOTP_OPTIONS)
		return DHCP_DROP_TRUNCATED;
	if (p[BOOTP_OP] != BOOTREQUEST)
		return DHCP_DROP_BAD_OP;
	if (p[BOOTP_HTYPE] != HTYPE_ETHER || p[BOOTP_HLEN] != 6)
		return DHCP_DROP_BAD_HTYPE;
	if (memcmp(p + BOOTP_COOKIE, dhcp_cookie, 4))
		return DHCP_DROP_BAD_COOKIE;
	r->raw = p;
	r->mac = p + BOOTP_CHADDR;
	r->ciaddr = get32(p + BOOTP_CIADDR);
	if (!mac_is_unicast(r->mac))
		return DHCP_DROP_BAD_MAC;
	if (get32(p + BOOTP_GIADDR))
		return DHCP_DROP_RELAYED;
	return parse_options(r, p, size);
}

/* ---- replies ---------------------------------------------------------- */

static size_t put_opt(uint8_t *b, size_t o, uint8_t code, const void *v,
		      uint8_t len)
{
	b[o] = code;
	b[o + 1] = len;
	memcpy(b + o + 2, v, len);
	return o + 2 + len;
}

static size_t put_opt32(uint8_t *b, size_t o, uint8_t code, uint32_t v)
{
	uint8_t w[4];

	put32(w, v);
	return put_opt(b, o, code, w, 4);
}

static size_t put_net_opts(const struct dhcp_server *s,
			   const struct dhcp_req *r, uint8_t *b, size_t o)
{
	uint8_t dns[4 * DHCP_DNS_MAX];

	o = put_opt32(b, o, OPT_SUBNET_MASK, s->mask);
	o = put_opt32(b, o, OPT_ROUTER, s->server_ip);
	if (s->cfg.dns_len) {
		for (unsigned int i = 0; i < s->cfg.dns_len; i++)
			memcpy(dns + 4 * i, &s->cfg.dns[i].s_addr, 4);
		o = put_opt(b, o, OPT_DNS, dns, 4 * s->cfg.dns_len);
	}
	if (r->prl[OPT_BROADCAST / 8] & (1 << (OPT_BROADCAST % 8)))
		o = put_opt32(b, o, OPT_BROADCAST, s->net | ~s->mask);
	return o;
}

/* RFC 2131 section 4.1, with giaddr always 0. */
static void set_destination(const struct dhcp_req *r, uint32_t yiaddr,
			    struct dhcp_reply *out)
{
	uint32_t dst;

	if (out->msg_type == DHCPNAK)
		dst = 0;
	else if (r->ciaddr)
		dst = r->ciaddr;
	else if (r->raw[BOOTP_FLAGS] & FLAG_BROADCAST_HI)
		dst = 0;
	else
		dst = yiaddr;
	out->broadcast = !dst;
	out->dst_ip.s_addr = dst ? htonl(dst) : INADDR_BROADCAST;
	if (dst)
		memcpy(out->dst_mac, r->mac, 6);
	else
		memset(out->dst_mac, 0xff, 6);
}

/*
 * Build a BOOTREPLY of @type for @r. @yiaddr (host order) is 0 for NAK and
 * INFORM's ACK; @lease_s is 0 when no lease options are due.
 */
static enum dhcp_drop reply(const struct dhcp_server *s,
			    const struct dhcp_req *r, uint8_t type,
			    uint32_t yiaddr, uint32_t lease_s,
			    struct dhcp_reply *out)
{
	static const char nak_msg[] = "requested address not available";
	uint8_t *b = out->data;
	size_t o = BOOTP_OPTIONS;

	memset(b, 0, DHCP_REPLY_MAX);
	b[BOOTP_OP] = BOOTREPLY;
	b[BOOTP_HTYPE] = HTYPE_ETHER;
	b[BOOTP_HLEN] = 6;
	memcpy(b + BOOTP_XID, r->raw + BOOTP_XID, 4);
	memcpy(b + BOOTP_FLAGS, r->raw + BOOTP_FLAGS, 2);
	if (type == DHCPACK)
		put32(b + BOOTP_CIADDR, r->ciaddr);
	put32(b + BOOTP_YIADDR, yiaddr);
	memcpy(b + BOOTP_CHADDR, r->raw + BOOTP_CHADDR, 16);
	memcpy(b + BOOTP_COOKIE, dhcp_cookie, 4);
	o = put_opt(b, o, OPT_MSG_TYPE, &type, 1);
	o = put_opt32(b, o, OPT_SERVER_ID, s->server_ip);
	if (type == DHCPNAK) {
		o = put_opt(b, o, OPT_MESSAGE, nak_msg, sizeof(nak_msg) - 1);
	} else {
		if (lease_s) {
			o = put_opt32(b, o, OPT_LEASE_TIME, lease_s);
			o = put_opt32(b, o, OPT_T1, lease_s / 2);
			o = put_opt32(b, o, OPT_T2, lease_s / 8 * 7);
		}
		o = put_net_opts(s, r, b, o);
	}
	b[o++] = OPT_END;
	out->size = o < DHCP_REPLY_MIN ? DHCP_REPLY_MIN : o;
	out->msg_type = type;
	set_destination(r, yiaddr, out);
	return DHCP_DROP_NONE;
}

/* ---- handlers --------------------------------------------------------- */

static void client_of(const struct dhcp_req *r, struct dhcp_client *c)
{
	c->mac = r->mac;
	c->id = r->client_id;
	c->id_len = r->client_id_len;
	c->hostname = r->hostname;
}

/* The client's previous address, the one it asks for, or the lowest. */
static struct dhcp_lease *pick_offer(struct dhcp_server *s,
				     const struct dhcp_req *r,
				     const struct dhcp_client *c,
				     uint64_t now_s)
{
	struct dhcp_lease *l = dhcp_lease_by_client(s, c);

	if (l && dhcp_lease_usable(s, l, c, now_s))
		return l;
	l = r->req_ip ? dhcp_lease_by_ip(s, r->req_ip) : NULL;
	if (l && dhcp_lease_usable(s, l, c, now_s))
		return l;
	return dhcp_lease_alloc(s, c, now_s);
}

static enum dhcp_drop on_discover(struct dhcp_server *s,
				  const struct dhcp_req *r, uint64_t now_s,
				  struct dhcp_reply *out)
{
	struct dhcp_client c;
	struct dhcp_lease *l;

	client_of(r, &c);
	l = pick_offer(s, r, &c, now_s);
	if (!l)
		return DHCP_DROP_POOL_EXHAUSTED;
	if (dhcp_lease_state_at(l, now_s) != DHCP_LEASE_BOUND)
		dhcp_lease_assign(s, l, &c, DHCP_LEASE_OFFERED,
				  now_s + DHCP_OFFER_HOLD_S);
	return reply(s, r, DHCPOFFER, ntohl(l->ip.s_addr), s->lease_s, out);
}

static enum dhcp_drop on_request(struct dhcp_server *s,
				 const struct dhcp_req *r, uint64_t now_s,
				 struct dhcp_reply *out)
{
	uint32_t ip = r->req_ip ? r->req_ip : r->ciaddr;
	struct dhcp_client c;
	struct dhcp_lease *l;

	client_of(r, &c);
	if (r->server_id && r->server_id != s->server_ip) {
		l = dhcp_lease_by_client(s, &c);
		if (l && dhcp_lease_state_at(l, now_s) == DHCP_LEASE_OFFERED)
			dhcp_lease_forget(s, l, DHCP_LEASE_EXPIRED, now_s);
		return DHCP_DROP_OTHER_SERVER;
	}
	if (!ip)
		return DHCP_DROP_NO_ADDRESS;
	l = dhcp_lease_by_ip(s, ip);
	if (!l || !dhcp_lease_usable(s, l, &c, now_s))
		return reply(s, r, DHCPNAK, 0, 0, out);
	dhcp_lease_assign(s, l, &c, DHCP_LEASE_BOUND, now_s + s->lease_s);
	return reply(s, r, DHCPACK, ip, s->lease_s, out);
}

/* RELEASE (ciaddr) and DECLINE (option 50) of a lease this client holds. */
static enum dhcp_drop on_give_back(struct dhcp_server *s,
				   const struct dhcp_req *r, uint64_t now_s)
{
	bool decline = r->type == DHCPDECLINE;
	uint32_t ip = decline ? r->req_ip : r->ciaddr;
	struct dhcp_client c;
	struct dhcp_lease *l;
	enum dhcp_lease_state st;

	if (r->server_id && r->server_id != s->server_ip)
		return DHCP_DROP_OTHER_SERVER;
	client_of(r, &c);
	l = ip ? dhcp_lease_by_ip(s, ip) : NULL;
	if (!l || dhcp_lease_by_client(s, &c) != l)
		return DHCP_DROP_UNKNOWN_LEASE;
	st = dhcp_lease_state_at(l, now_s);
	if (st != DHCP_LEASE_BOUND && st != DHCP_LEASE_OFFERED)
		return DHCP_DROP_UNKNOWN_LEASE;
	if (decline) {
		dhcp_lease_forget(s, l, DHCP_LEASE_DECLINED,
				  now_s + DHCP_DECLINE_HOLD_S);
		return DHCP_DROP_DECLINED;
	}
	dhcp_lease_forget(s, l, DHCP_LEASE_RELEASED, now_s);
	return DHCP_DROP_RELEASED;
}

static enum dhcp_drop dispatch(struct dhcp_server *s, const struct dhcp_req *r,
			       uint64_t now_s, struct dhcp_reply *out)
{
	switch (r->type) {
	case DHCPDISCOVER:
		return on_discover(s, r, now_s, out);
	case DHCPREQUEST:
		return on_request(s, r, now_s, out);
	case DHCPDECLINE:
	case DHCPRELEASE:
		return on_give_back(s, r, now_s);
	case DHCPINFORM:
		return reply(s, r, DHCPACK, 0, 0, out);
	}
	return DHCP_DROP_BAD_MSG_TYPE;
}

/**
 * dhcp_server_input() - handle one BOOTREQUEST received on the interface
 * @s: the interface's server
 * @udp_payload: the UDP payload (untrusted; any size, any content)
 * @size: its size in bytes (the UDP length minus 8, not the frame's)
 * @now_s: wall-clock seconds, time(NULL)
 * @out: filled with the reply to send when the return value is 1; when it
 *       is 0, only out->drop is meaningful (why nothing is sent)
 *
 * Parses the request (see the theory of operation above), updates the
 * lease table (which marks it dirty for dhcp_server_flush()) and builds the
 * BOOTREPLY and its destination. Never allocates, never does I/O; the
 * reason is also counted in dhcp_server_stats().
 *
 * Return: 1 when @out holds a reply to send, 0 when there is none.
 */
int dhcp_server_input(struct dhcp_server *s, const uint8_t *udp_payload,
		      size_t size, uint64_t now_s, struct dhcp_reply *out)
{
	struct dhcp_req r;
	enum dhcp_drop d;

	out->size = 0;
	out->drop = DHCP_DROP_NONE;
	d = parse(&r, udp_payload, size);
	if (d == DHCP_DROP_NONE) {
		s->stats.rx[r.type]++;
		d = dispatch(s, &r, now_s, out);
	}
	if (d != DHCP_DROP_NONE) {
		s->stats.drops[d]++;
		out->drop = d;
		out->size = 0;
		return 0;
	}
	s->stats.tx[out->msg_type]++;
	return 1;
}

/**
 * dhcp_frame_build() - wrap a reply in Ethernet, IPv4 and UDP (67 -> 68)
 * @frame: output buffer
 * @frame_size: its size; DHCP_FRAME_MAX always suffices
 * @r: a reply from dhcp_server_input()
 * @src_mac: the interface's MAC
 * @src_ip: the interface's address (network order)
 *
 * The frame goes to r->dst_mac / r->dst_ip with TTL 64, no IP options, and
 * both the IPv4 header and the UDP checksums filled in.
 *
 * Return: the frame length, -EINVAL for an empty or oversized reply,
 * -ENOSPC when @frame_size is too small.
 */
int dhcp_frame_build(uint8_t *frame, size_t frame_size,
		     const struct dhcp_reply *r, const uint8_t src_mac[6],
		     struct in_addr src_ip)
{
	size_t udp_size = 8 + r->size, total = 14 + 20 + udp_size;
	uint8_t *ip = frame + 14, *udp = ip + 20;
	uint16_t sum;

	if (!r->size || r->size > DHCP_REPLY_MAX)
		return -EINVAL;
	if (frame_size < total)
		return -ENOSPC;
	memcpy(frame, r->dst_mac, 6);
	memcpy(frame + 6, src_mac, 6);
	frame[12] = 0x08;
	frame[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (20 + udp_size) >> 8;
	ip[3] = (uint8_t)(20 + udp_size);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, &src_ip.s_addr, 4);
	memcpy(ip + 16, &r->dst_ip.s_addr, 4);
	sum = csum_ipv4_hdr(ip, 20);
	memcpy(ip + 10, &sum, 2);
	udp[0] = 0;
	udp[1] = DHCP_SERVER_PORT;
	udp[2] = 0;
	udp[3] = DHCP_CLIENT_PORT;
	udp[4] = udp_size >> 8;
	udp[5] = (uint8_t)udp_size;
	udp[6] = udp[7] = 0;
	memcpy(udp + 8, r->data, r->size);
	sum = csum_l4_ipv4(udp, (uint16_t)udp_size, src_ip.s_addr,
			   r->dst_ip.s_addr, IPPROTO_UDP);
	if (!sum)
		sum = 0xffff;
	memcpy(udp + 6, &sum, 2);
	return (int)total;
}
