/* SPDX-License-Identifier: MIT */
/*
 * fw_rule.h - one firewall policy rule: its grammar, its parsed form, and
 * the reference (linear) match of a packet's 5-tuple against it.
 *
 * A rule is one line of text, from a YAML list item of a firewall's
 * `rules:` or from a line of a standalone rules file (fw_policy.h):
 *
 *	allow tcp from web to db port 5432
 *	allow icmp from any to any
 *	reject tcp from client to db            # TCP RST back to the client
 *	drop udp from [10.0.0.0/8, !10.9.0.0/16] port 1024-65535 to any port [53, 123]
 *
 * Grammar (keywords are case-insensitive, names are not; spaces and tabs
 * may appear between any two tokens and are optional around '[', ']', ','
 * '!' and the '-' of a port range; '#' starts a comment to the end):
 *
 *	rule    = ACTION PROTO "from" ADDRS [ "port" PORTS ]
 *	                   "to"   ADDRS [ "port" PORTS ]
 *	ACTION  = "allow" | "drop" | "reject"
 *	PROTO   = "tcp" | "udp" | "icmp" | "any"
 *	ADDRS   = "!" ADDRS | "[" ADDRS { "," ADDRS } "]"
 *	        | "any" | A.B.C.D | A.B.C.D/LEN | NAME
 *	PORTS   = "!" PORTS | "[" PORTS { "," PORTS } "]"
 *	        | "any" | N | N "-" M                  (0 <= N <= M <= 65535)
 *	NAME    = [A-Za-z_][A-Za-z0-9_.-]*             (at most 63 chars)
 *
 * Meaning:
 *  - ACTION: allow passes the packet; drop discards it silently; reject
 *    discards it and answers (the firewall node's job): a TCP RST for TCP,
 *    an ICMP port/administratively-prohibited unreachable otherwise. A
 *    reject rule may have any protocol.
 *  - PROTO: tcp (6), udp (17), icmp (IPv4 ICMP, 1, and ICMPv6, 58), any
 *    (every IP protocol, including ones with no ports such as GRE).
 *  - "port" is allowed only with tcp or udp; without it any port matches.
 *  - A.B.C.D/LEN: host bits are ignored (10.1.2.3/8 is 10.0.0.0/8, dumped
 *    that way); a bare address is /32.
 *  - NAME: a host or group of the topology, turned into addresses by the
 *    caller's fw_resolve_fn; an unknown name is an error at its column.
 *  - Lists are unions. A "!" item inside a list is subtracted from the
 *    union of the other items, or from everything if the list has only "!"
 *    items (Suricata's reading): [10.0.0.0/8, !10.1.0.0/16] is 10/8 without
 *    10.1/16; [!web] is everyone but web. A "!" outside a list is the
 *    complement, which is the same thing. Lists nest up to FW_DEPTH_MAX.
 *    A set may end up empty (an empty group): the rule then never matches.
 *  - IPv6: rules hold IPv4 addresses only (an IPv6 literal is an error).
 *    An IPv6 packet matches an address field only if that field covers all
 *    of IPv4 (`any`, or a list that adds up to 0.0.0.0/0); protocol and
 *    ports match as for IPv4.
 *
 * Errors are "FILE:LINE:COL: what is wrong" with the 1-based column of the
 * offending token in the caller's file (struct fw_where carries where the
 * rule's text starts), e.g. "shop.yaml:17:31: unknown name 'dbx' (not a
 * host or group)". The parser is strict about vocabulary and forgiving
 * about spacing.
 */
#ifndef DCBOX_FW_RULE_H
#define DCBOX_FW_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fw/fw_set.h"

/* FW_ACTIONS(X) - X(ENUM_SUFFIX, keyword) */
#define FW_ACTIONS(X)        \
	X(ALLOW, allow)      \
	X(DROP, drop)        \
	X(REJECT, reject)

/** enum fw_action - what a rule (or the default) does with a packet */
enum fw_action {
#define FW_ACTION_ENUM(name, word) FW_##name,
	FW_ACTIONS(FW_ACTION_ENUM)
#undef FW_ACTION_ENUM
	FW_ACTION_MAX
};

/* FW_PROTOS(X) - X(ENUM_SUFFIX, keyword) */
#define FW_PROTOS(X)       \
	X(ANY, any)        \
	X(TCP, tcp)        \
	X(UDP, udp)        \
	X(ICMP, icmp)

/** enum fw_proto - the protocol selector of a rule */
enum fw_proto {
#define FW_PROTO_ENUM(name, word) FW_PROTO_##name,
	FW_PROTOS(FW_PROTO_ENUM)
#undef FW_PROTO_ENUM
	FW_PROTO_MAX
};

enum {
	FW_NAME_MAX = 64,     /* NAME incl. NUL */
	FW_DEPTH_MAX = 8,     /* nested lists */
	FW_PORT_MAX = 65535,
	FW_RULE_TEXT_MAX = 65536, /* bytes of one rule's text */
};

/**
 * struct fw_key - what the classifier looks at in a packet
 * @src: IPv4 source address, host byte order; ignored when @v6
 * @dst: IPv4 destination address, host byte order; ignored when @v6
 * @sport: TCP/UDP source port, host order; 0 for other protocols
 * @dport: TCP/UDP destination port, host order; 0 for other protocols
 * @proto: IP protocol number (IPv6: the upper-layer next header)
 * @v6: 1 for an IPv6 packet, else 0
 * @pad: zero
 */
struct fw_key {
	uint32_t src;
	uint32_t dst;
	uint16_t sport;
	uint16_t dport;
	uint8_t proto;
	uint8_t v6;
	uint16_t pad;
};

/**
 * struct fw_where - where a rule's text comes from, for error messages
 * @file: file name as it should appear in messages; NULL for "<rule>"
 * @line: 1-based line of the rule
 * @col: 1-based column of the rule text's first character in that line
 */
struct fw_where {
	const char *file;
	uint32_t line;
	uint32_t col;
};

/**
 * typedef fw_resolve_fn - turn a host or group name into IPv4 addresses
 * @arg: the caller's context, as passed to fw_rule_parse()
 * @name: the name as written in the rule, NUL-terminated
 * @out: empty set; add the name's addresses with fw_set_add_prefix()
 *       (host byte order); the parser normalises it
 *
 * Return: 0 (an empty @out is fine: an empty group), -ENOENT if @name is
 * neither a host nor a group, another -errno on failure.
 */
typedef int fw_resolve_fn(void *arg, const char *name, struct fw_set *out);

/**
 * struct fw_rule - one parsed rule
 * @action: enum fw_action
 * @proto: enum fw_proto
 * @src: source addresses, normalised, IPv4 host order
 * @dst: destination addresses
 * @sport: source ports, normalised; [0, 65535] when the rule has none
 * @dport: destination ports
 * @text: the rule in canonical form (one space between tokens, lower-case
 *        keywords, prefixes masked, ", " in lists), malloc'ed
 * @line: the line the rule came from (struct fw_where.line)
 */
struct fw_rule {
	uint8_t action;
	uint8_t proto;
	struct fw_set src;
	struct fw_set dst;
	struct fw_set sport;
	struct fw_set dport;
	char *text;
	uint32_t line;
};

int fw_rule_parse(struct fw_rule *r, const char *text,
		  const struct fw_where *where, fw_resolve_fn *resolve,
		  void *arg, char *err, size_t errsize);
int fw_addrs_parse(struct fw_set *out, const char *text,
		   const struct fw_where *where, fw_resolve_fn *resolve,
		   void *arg, char *err, size_t errsize);
void fw_rule_free(struct fw_rule *r);
bool fw_rule_matches(const struct fw_rule *r, const struct fw_key *k);
bool fw_proto_matches(unsigned int sel, unsigned int ip_proto);
void fw_rule_dump(const struct fw_rule *r, FILE *f);
const char *fw_action_str(unsigned int action);
const char *fw_proto_str(unsigned int proto);
int fw_action_parse(const char *word, size_t len);
bool fw_name_valid(const char *s, size_t len);

#endif
