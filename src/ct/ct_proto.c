// SPDX-License-Identifier: MIT
/*
 * ct_proto.c - the protocol-specific small parts of conntrack: building a
 * tuple from a parsed packet (TCP/UDP ports, ICMP echo identifiers), the
 * timeout of an entry by protocol and state, and the names and text forms
 * used by dumps (`dcbox show conntrack`) and logs.
 *
 * UDP has no states: a flow is created by its first datagram, gets the
 * short timeout until a reply passes and the long one (and ASSURED) after.
 * ICMP echo flows are created by a request and answered by replies with the
 * same identifier; other ICMP informational types are not tracked.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ct/ct_proto.h"

enum {
	ICMP_ECHOREPLY = 0,
	ICMP_ECHO = 8,
	ICMPV6_ECHO_REQUEST = 128,
	ICMPV6_ECHO_REPLY = 129,
};

/**
 * ct_icmp_is_request() - is @type an echo request of ICMP/ICMPv6
 * @proto: 1 or 58
 * @type: ICMP type
 *
 * Return: true for echo request.
 */
bool ct_icmp_is_request(uint8_t proto, uint8_t type)
{
	return proto == CT_IPPROTO_ICMP ? type == ICMP_ECHO
					: type == ICMPV6_ECHO_REQUEST;
}

/**
 * ct_icmp_is_reply() - is @type an echo reply of ICMP/ICMPv6
 * @proto: 1 or 58
 * @type: ICMP type
 *
 * Return: true for echo reply.
 */
bool ct_icmp_is_reply(uint8_t proto, uint8_t type)
{
	return proto == CT_IPPROTO_ICMP ? type == ICMP_ECHOREPLY
					: type == ICMPV6_ECHO_REPLY;
}

/**
 * ct_tuple_from_meta() - the tuple of a parsed TCP/UDP/ICMP echo packet
 * @m: descriptor with PKT_F_L4, not an ICMP error
 * @tu: filled, pad zero
 *
 * Return: 0, or -EPROTONOSUPPORT (as -1) for a packet conntrack does not
 * track (another protocol, an ICMP type other than echo).
 */
int ct_tuple_from_meta(const struct pkt_meta *m, struct ct_tuple *tu)
{
	memset(tu, 0, sizeof(*tu));
	tu->src = m->src;
	tu->dst = m->dst;
	tu->proto = m->l4_proto;
	switch (m->l4_proto) {
	case CT_IPPROTO_TCP:
	case CT_IPPROTO_UDP:
		tu->sport = m->src_port;
		tu->dport = m->dst_port;
		return 0;
	case CT_IPPROTO_ICMP:
	case CT_IPPROTO_ICMPV6:
		if (ct_icmp_is_request(m->l4_proto, m->icmp_type))
			tu->sport = m->icmp_id;
		else if (ct_icmp_is_reply(m->l4_proto, m->icmp_type))
			tu->dport = m->icmp_id;
		else
			return -1;
		return 0;
	default:
		return -1;
	}
}

/**
 * ct_tuple_invert() - the tuple of a reply to a packet with tuple @in
 * @in: a tuple
 * @out: filled (may be @in)
 */
void ct_tuple_invert(const struct ct_tuple *in, struct ct_tuple *out)
{
	struct ct_tuple r;

	memset(&r, 0, sizeof(r));
	r.src = in->dst;
	r.dst = in->src;
	r.sport = in->dport;
	r.dport = in->sport;
	r.proto = in->proto;
	*out = r;
}

/**
 * ct_timeout_ms() - how long an entry lives after its last packet
 * @t: the table (configured timeouts)
 * @e: the entry, state already updated
 *
 * Return: milliseconds.
 */
uint64_t ct_timeout_ms(const struct ct_table *t, const struct ct_entry *e)
{
	uint32_t s;

	switch (e->tuple[CT_DIR_ORIG].proto) {
	case CT_IPPROTO_TCP:
		s = e->tcp.state < CT_TCP_STATE_MAX
			    ? t->cfg.tcp_timeout[e->tcp.state]
			    : 0;
		break;
	case CT_IPPROTO_UDP:
		s = e->flags & CT_F_ASSURED ? t->cfg.udp_timeout_assured
					    : t->cfg.udp_timeout;
		break;
	default:
		s = t->cfg.icmp_timeout;
		break;
	}
	return (uint64_t)s * 1000;
}

static const char *const verdict_names[CT_VERDICT_MAX] = {
	[CT_NEW] = "new",
	[CT_ESTABLISHED] = "established",
	[CT_RELATED] = "related",
	[CT_INVALID] = "invalid",
	[CT_UNTRACKED] = "untracked",
};

static const char *const tcp_state_names[CT_TCP_STATE_MAX] = {
#define CT_TCP_NAME(name, str, tmo) [CT_TCP_##name] = #str,
	CT_TCP_STATES(CT_TCP_NAME)
#undef CT_TCP_NAME
};

static const char *const counter_names[CT_CNT_MAX] = {
#define CT_CNT_NAME(name, str, text) [CT_CNT_##name] = #str,
	CT_COUNTERS(CT_CNT_NAME)
#undef CT_CNT_NAME
};

static const char *const invalid_names[CT_INV_MAX] = {
#define CT_INV_NAME(name, str, text) [CT_INV_##name] = #str,
	CT_INVALID_REASONS(CT_INV_NAME)
#undef CT_INV_NAME
};

/**
 * ct_verdict_name() - "new", "established", ...
 * @verdict: enum ct_verdict
 *
 * Return: static string, "unknown" if out of range.
 */
const char *ct_verdict_name(unsigned int verdict)
{
	return verdict < CT_VERDICT_MAX ? verdict_names[verdict] : "unknown";
}

/**
 * ct_tcp_state_name() - "syn_sent", "established", ...
 * @state: enum ct_tcp_state
 *
 * Return: static string, "unknown" if out of range.
 */
const char *ct_tcp_state_name(unsigned int state)
{
	return state < CT_TCP_STATE_MAX ? tcp_state_names[state] : "unknown";
}

/**
 * ct_counter_name() - JSON name of a table counter
 * @counter: enum ct_counter
 *
 * Return: static string, "unknown" if out of range.
 */
const char *ct_counter_name(unsigned int counter)
{
	return counter < CT_CNT_MAX ? counter_names[counter] : "unknown";
}

/**
 * ct_invalid_name() - JSON name of an invalid reason
 * @reason: enum ct_invalid_reason
 *
 * Return: static string, "unknown" if out of range.
 */
const char *ct_invalid_name(unsigned int reason)
{
	return reason < CT_INV_MAX ? invalid_names[reason] : "unknown";
}

/**
 * ct_proto_name() - "tcp", "udp", "icmp", "icmpv6"
 * @proto: IP protocol number
 *
 * Return: static string, "other" for anything else.
 */
const char *ct_proto_name(uint8_t proto)
{
	switch (proto) {
	case CT_IPPROTO_TCP:
		return "tcp";
	case CT_IPPROTO_UDP:
		return "udp";
	case CT_IPPROTO_ICMP:
		return "icmp";
	case CT_IPPROTO_ICMPV6:
		return "icmpv6";
	default:
		return "other";
	}
}

static void addr_str(const union pkt_addr *a, bool v4, char *buf, size_t size)
{
	if (!inet_ntop(v4 ? AF_INET : AF_INET6,
		       v4 ? (const void *)&a->w[3] : (const void *)a->b, buf,
		       (socklen_t)size))
		snprintf(buf, size, "?");
}

/**
 * ct_tuple_format() - "tcp 10.0.0.2:40000 -> 192.0.2.1:80"
 * @tu: tuple
 * @buf: output
 * @size: bytes at @buf
 *
 * Return: what snprintf() returns.
 */
int ct_tuple_format(const struct ct_tuple *tu, char *buf, size_t size)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	bool v4 = ct_tuple_is_v4(tu);

	addr_str(&tu->src, v4, s, sizeof(s));
	addr_str(&tu->dst, v4, d, sizeof(d));
	if (v4)
		return snprintf(buf, size, "%s %s:%u -> %s:%u",
				ct_proto_name(tu->proto), s, tu->sport, d,
				tu->dport);
	return snprintf(buf, size, "%s [%s]:%u -> [%s]:%u",
			ct_proto_name(tu->proto), s, tu->sport, d, tu->dport);
}

/**
 * ct_entry_format() - one line per flow, like `conntrack -L`
 * @e: an entry
 * @now_ms: the clock (for the time left)
 * @buf: output
 * @size: bytes at @buf
 *
 * Return: what snprintf() returns for the whole line.
 */
int ct_entry_format(const struct ct_entry *e, uint64_t now_ms, char *buf,
		    size_t size)
{
	char o[128], r[128];
	const char *state = "-";

	if (e->tuple[CT_DIR_ORIG].proto == CT_IPPROTO_TCP)
		state = ct_tcp_state_name(e->tcp.state);
	ct_tuple_format(&e->tuple[CT_DIR_ORIG], o, sizeof(o));
	ct_tuple_format(&e->tuple[CT_DIR_REPLY], r, sizeof(r));
	return snprintf(buf, size, "%s %s ttl=%llus reply: %s%s%s%s%s%s", o,
			state,
			(unsigned long long)(ct_entry_ttl_ms(e, now_ms) / 1000),
			r + strlen(ct_proto_name(e->tuple[1].proto)) + 1,
			e->flags & CT_F_SEEN_REPLY ? "" : " [UNREPLIED]",
			e->flags & CT_F_ASSURED ? " [ASSURED]" : "",
			e->flags & CT_F_SNAT ? " [SNAT]" : "",
			e->flags & CT_F_DNAT ? " [DNAT]" : "",
			e->flags & CT_F_HAIRPIN ? " [HAIRPIN]" : "");
}
