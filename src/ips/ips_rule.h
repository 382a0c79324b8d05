/* SPDX-License-Identifier: MIT */
/*
 * ips_rule.h - one IPS signature in the Snort/Suricata rule language: its
 * parsed form, built so that a matcher can be compiled from it, and the
 * parser's entry point.
 *
 *	alert http $HOME_NET any -> $EXTERNAL_NET any (msg:"ET ..."; \
 *	    flow:established,to_server; http.method; content:"POST"; \
 *	    http.uri; content:"/gate.php"; startswith; fast_pattern; \
 *	    pcre:"/^\/gate\.php\?id=[0-9a-f]{16}$/U"; sid:2012345; rev:3;)
 *
 * Header: ACTION PROTO SRC SPORT DIR DST DPORT, where ACTION is alert,
 * drop, reject or pass; PROTO ip, tcp, udp, icmp, http, dns or tls; the
 * address and port fields follow ips_addr.h (variables from ips_vars.h);
 * DIR is "->" or "<>" (both directions). Options follow in parentheses,
 * "name[:value];" each, split at every ';' not preceded by '\' (exactly
 * Suricata's rule: quotes do not protect a ';').
 *
 * Theory of operation
 *
 * The matcher needs, per rule: which packets can match at all (the header:
 * protocol, address and port sets, direction, flow state), a list of
 * conditions per inspection buffer in rule order (relative keywords such
 * as distance, within, pcre's R and byte_jump's relative refer to the
 * previous content or pcre *in the same buffer*), one content to feed the
 * multi-pattern matcher (fast_pattern, else the matcher picks one), and the
 * rest: flowbits, thresholds, sizes. So:
 *
 *  - Every payload condition is a struct ips_match in rule order, tagged
 *    with its buffer (enum ips_buf). Suricata's sticky buffers
 *    (`http.uri; content:...`) set the buffer of the conditions after
 *    them; Snort 2 modifiers (`content:...; http_uri;`) move the content
 *    before them; pcre flags (/U, /H, ...) name a buffer; relative
 *    byte_test/byte_jump/isdataat follow the previous content's buffer.
 *    All of this is resolved here, so a matcher only groups by @buf.
 *  - Contents keep decoded bytes and their modifiers as given; nothing is
 *    folded (startswith is not rewritten as depth), so a dump shows what
 *    the rule said and a matcher can choose its own lowering.
 *  - pcre is compiled with PCRE2 at load (not JIT-compiled: the matcher
 *    decides), so a bad regex fails the rule with its file and line.
 *  - Things that are not payload conditions are fields of the rule: flow,
 *    flowbits (in order), dsize/urilen/itype/icode ranges, TCP flags,
 *    threshold and detection_filter. Metadata and references stay text.
 *  - A rule's application protocol (enum ips_app) comes from PROTO or from
 *    the buffers it uses (tcp + http.uri is an HTTP rule, as in Suricata);
 *    a buffer of another protocol is an error.
 *
 * A rule that uses something the parser knows but dcbox does not
 * implement (a keyword such as byte_extract, a protocol such as smtp, an
 * action such as rejectboth) is *skipped*: -ENOTSUP and a reason naming
 * it. A keyword nobody knows, or a bad value, *fails*: -EINVAL and a
 * message. Rule-set loading (ips_ruleset.h) adds the file and line.
 */
#ifndef DCBOX_IPS_RULE_H
#define DCBOX_IPS_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ips/ips_set.h"
#include "ips/ips_vars.h"

/* IPS_ACTIONS(X) - X(ENUM_SUFFIX, keyword) */
#define IPS_ACTIONS(X)                                                         \
	X(ALERT, "alert")                                                      \
	X(DROP, "drop")                                                        \
	X(REJECT, "reject")                                                    \
	X(PASS, "pass")

/** enum ips_action - what a matching rule does */
enum ips_action {
#define IPS_ACTION_ENUM(e, s) IPS_ACT_##e,
	IPS_ACTIONS(IPS_ACTION_ENUM)
#undef IPS_ACTION_ENUM
		IPS_ACT_MAX
};

/* IPS_PROTOS(X) - X(ENUM_SUFFIX, keyword, application protocol) */
#define IPS_PROTOS(X)                                                          \
	X(IP, "ip", IPS_APP_NONE)                                              \
	X(TCP, "tcp", IPS_APP_NONE)                                            \
	X(UDP, "udp", IPS_APP_NONE)                                            \
	X(ICMP, "icmp", IPS_APP_NONE)                                          \
	X(HTTP, "http", IPS_APP_HTTP)                                          \
	X(DNS, "dns", IPS_APP_DNS)                                             \
	X(TLS, "tls", IPS_APP_TLS)

/**
 * enum ips_proto - the header's protocol. http and tls imply TCP; dns
 * means DNS over UDP or TCP; ip is any IP protocol; icmp is ICMP and
 * ICMPv6.
 */
enum ips_proto {
#define IPS_PROTO_ENUM(e, s, app) IPS_PROTO_##e,
	IPS_PROTOS(IPS_PROTO_ENUM)
#undef IPS_PROTO_ENUM
		IPS_PROTO_MAX
};

/** enum ips_app - the application-layer protocol a rule inspects */
enum ips_app {
	IPS_APP_NONE,
	IPS_APP_HTTP,
	IPS_APP_DNS,
	IPS_APP_TLS,
};

/*
 * IPS_BUFS(X) - X(ENUM_SUFFIX, sticky-buffer name, application protocol).
 * PAYLOAD is the packet payload, or the reassembled stream for TCP rules
 * with flow:established (the matcher's choice, as in Suricata). The issue's
 * list comes first; the rest are HTTP/TLS buffers that public rule sets
 * use and that an HTTP or TLS parser produces anyway.
 */
#define IPS_BUFS(X)                                                            \
	X(PAYLOAD, "pkt_data", IPS_APP_NONE)                                   \
	X(HTTP_URI, "http.uri", IPS_APP_HTTP)                                  \
	X(HTTP_URI_RAW, "http.uri.raw", IPS_APP_HTTP)                          \
	X(HTTP_METHOD, "http.method", IPS_APP_HTTP)                            \
	X(HTTP_HOST, "http.host", IPS_APP_HTTP)                                \
	X(HTTP_USER_AGENT, "http.user_agent", IPS_APP_HTTP)                    \
	X(HTTP_HEADER, "http.header", IPS_APP_HTTP)                            \
	X(HTTP_COOKIE, "http.cookie", IPS_APP_HTTP)                            \
	X(HTTP_REQUEST_BODY, "http.request_body", IPS_APP_HTTP)                \
	X(HTTP_STAT_CODE, "http.stat_code", IPS_APP_HTTP)                      \
	X(HTTP_RESPONSE_BODY, "http.response_body", IPS_APP_HTTP)              \
	X(FILE_DATA, "file.data", IPS_APP_NONE)                                \
	X(DNS_QUERY, "dns.query", IPS_APP_DNS)                                 \
	X(TLS_SNI, "tls.sni", IPS_APP_TLS)                                     \
	X(HTTP_HOST_RAW, "http.host.raw", IPS_APP_HTTP)                        \
	X(HTTP_HEADER_RAW, "http.header.raw", IPS_APP_HTTP)                    \
	X(HTTP_HEADER_NAMES, "http.header_names", IPS_APP_HTTP)                \
	X(HTTP_REQUEST_LINE, "http.request_line", IPS_APP_HTTP)                \
	X(HTTP_RESPONSE_LINE, "http.response_line", IPS_APP_HTTP)              \
	X(HTTP_START, "http.start", IPS_APP_HTTP)                              \
	X(HTTP_PROTOCOL, "http.protocol", IPS_APP_HTTP)                        \
	X(HTTP_STAT_MSG, "http.stat_msg", IPS_APP_HTTP)                        \
	X(HTTP_CONTENT_TYPE, "http.content_type", IPS_APP_HTTP)                \
	X(HTTP_CONTENT_LEN, "http.content_len", IPS_APP_HTTP)                  \
	X(HTTP_CONNECTION, "http.connection", IPS_APP_HTTP)                    \
	X(HTTP_LOCATION, "http.location", IPS_APP_HTTP)                        \
	X(HTTP_SERVER, "http.server", IPS_APP_HTTP)                            \
	X(HTTP_REFERER, "http.referer", IPS_APP_HTTP)                          \
	X(HTTP_ACCEPT, "http.accept", IPS_APP_HTTP)                            \
	X(HTTP_ACCEPT_ENC, "http.accept_enc", IPS_APP_HTTP)                    \
	X(HTTP_ACCEPT_LANG, "http.accept_lang", IPS_APP_HTTP)                  \
	X(TLS_CERT_SUBJECT, "tls.cert_subject", IPS_APP_TLS)                   \
	X(TLS_CERT_ISSUER, "tls.cert_issuer", IPS_APP_TLS)                     \
	X(TLS_CERT_SERIAL, "tls.cert_serial", IPS_APP_TLS)                     \
	X(JA3_HASH, "ja3.hash", IPS_APP_TLS)                                   \
	X(JA3_STRING, "ja3.string", IPS_APP_TLS)                               \
	X(JA3S_HASH, "ja3s.hash", IPS_APP_TLS)

/** enum ips_buf - the buffer a payload condition inspects */
enum ips_buf {
#define IPS_BUF_ENUM(e, s, app) IPS_BUF_##e,
	IPS_BUFS(IPS_BUF_ENUM)
#undef IPS_BUF_ENUM
		IPS_BUF_MAX
};

/** IPS_BUF_ISSUE_MAX - buffers before this one are the issue's list */
#define IPS_BUF_ISSUE_MAX IPS_BUF_HTTP_HOST_RAW

/* struct ips_content flags */
enum {
	IPS_CONTENT_NEGATED = 1u << 0, /* content:!"..." */
	IPS_CONTENT_NOCASE = 1u << 1,
	IPS_CONTENT_RAWBYTES = 1u << 2, /* accepted, no effect */
	IPS_CONTENT_STARTSWITH = 1u << 3, /* at the buffer's start */
	IPS_CONTENT_ENDSWITH = 1u << 4, /* at the buffer's end */
	IPS_CONTENT_FAST_PATTERN = 1u << 5, /* the rule's prefilter */
	IPS_CONTENT_FP_ONLY = 1u << 6, /* fast_pattern:only */
	IPS_CONTENT_FP_CHOP = 1u << 7, /* fast_pattern:O,L */
	IPS_CONTENT_OFFSET = 1u << 8, /* @offset is set */
	IPS_CONTENT_DEPTH = 1u << 9, /* @depth is set */
	IPS_CONTENT_DISTANCE = 1u << 10, /* @distance is set */
	IPS_CONTENT_WITHIN = 1u << 11, /* @within is set */
};

/**
 * struct ips_content - content:"..." and its modifiers
 * @bytes: the decoded pattern (|hex| and escapes resolved), malloc'd
 * @len: bytes of @bytes, >= 1
 * @flags: IPS_CONTENT_*
 * @offset: absolute start (offset:), if IPS_CONTENT_OFFSET
 * @depth: absolute window from @offset (depth:), if IPS_CONTENT_DEPTH
 * @distance: start relative to the previous match's end in the same
 *            buffer (distance:, may be negative), if IPS_CONTENT_DISTANCE
 * @within: relative window (within:), if IPS_CONTENT_WITHIN
 * @fp_offset: fast_pattern:O,L - the part of @bytes for the prefilter
 * @fp_len: ... its length (both valid with IPS_CONTENT_FP_CHOP)
 */
struct ips_content {
	uint8_t *bytes;
	uint32_t len;
	uint32_t flags;
	int32_t offset;
	int32_t depth;
	int32_t distance;
	int32_t within;
	uint16_t fp_offset;
	uint16_t fp_len;
};

/* struct ips_pcre flags: the Snort/Suricata modifiers after the last '/' */
enum {
	IPS_PCRE_NEGATED = 1u << 0, /* pcre:!"..." */
	IPS_PCRE_RELATIVE = 1u << 1, /* R: after the previous match */
	IPS_PCRE_NO_LIMIT = 1u << 2, /* O: ignore the match limits */
	IPS_PCRE_RAWBYTES = 1u << 3, /* B: accepted, no effect */
};

/**
 * struct ips_pcre - pcre:"/re/flags"
 * @code: compiled with PCRE2 (pcre2_code *; void here so that users of
 *        this header do not need pcre2.h); owned by the rule
 * @text: the option's value as written, e.g. "/^GET/Ri", malloc'd
 * @flags: IPS_PCRE_*
 * @options: the PCRE2 compile options the flags i, s, m, x, A, E, G gave
 */
struct ips_pcre {
	void *code;
	char *text;
	uint32_t flags;
	uint32_t options;
};

/* byte_test / byte_jump / isdataat flags */
enum {
	IPS_BYTE_RELATIVE = 1u << 0,
	IPS_BYTE_LITTLE = 1u << 1, /* else big endian */
	IPS_BYTE_STRING = 1u << 2, /* digits in text; see @base */
	IPS_BYTE_DCE = 1u << 3, /* DCE/RPC byte order */
	IPS_BYTE_ALIGN = 1u << 4, /* byte_jump: round up to 4 */
	IPS_BYTE_FROM_BEGINNING = 1u << 5, /* byte_jump */
	IPS_BYTE_FROM_END = 1u << 6, /* byte_jump */
	IPS_BYTE_NEGATED = 1u << 7, /* byte_test "!op", isdataat:!N */
	IPS_BYTE_BITMASK = 1u << 8, /* @bitmask is set */
	IPS_BYTE_RAWBYTES = 1u << 9, /* isdataat: accepted, no effect */
};

/* IPS_BYTE_OPS(X) - X(ENUM_SUFFIX, text) of byte_test */
#define IPS_BYTE_OPS(X)                                                        \
	X(LT, "<")                                                             \
	X(GT, ">")                                                             \
	X(EQ, "=")                                                             \
	X(LE, "<=")                                                            \
	X(GE, ">=")                                                            \
	X(AND, "&")                                                            \
	X(XOR, "^")

/** enum ips_byte_op - byte_test's comparison */
enum ips_byte_op {
#define IPS_BYTE_OP_ENUM(e, s) IPS_BYTE_OP_##e,
	IPS_BYTE_OPS(IPS_BYTE_OP_ENUM)
#undef IPS_BYTE_OP_ENUM
		IPS_BYTE_OP_MAX
};

/**
 * struct ips_byte - byte_test, byte_jump or isdataat
 * @nbytes: bytes to read (1..8 binary, 0..20 digits with IPS_BYTE_STRING,
 *          0 meaning as many digits as there are);
 *          isdataat: 0
 * @op: byte_test: enum ips_byte_op ("!op" sets IPS_BYTE_NEGATED)
 * @base: with IPS_BYTE_STRING: 8, 10 or 16
 * @flags: IPS_BYTE_*
 * @offset: where to read (byte_test/byte_jump) or the position that must
 *          hold data (isdataat)
 * @value: byte_test: the value compared with
 * @multiplier: byte_jump: multiply the read value (1 if not given)
 * @post_offset: byte_jump: added after the jump
 * @bitmask: ANDed with the read value, if IPS_BYTE_BITMASK
 */
struct ips_byte {
	uint8_t nbytes;
	uint8_t op;
	uint8_t base;
	uint32_t flags;
	int32_t offset;
	uint64_t value;
	uint32_t multiplier;
	int32_t post_offset;
	uint64_t bitmask;
};

/* IPS_NUM_OPS(X) - X(ENUM_SUFFIX, text) of size and type comparisons */
#define IPS_NUM_OPS(X)                                                         \
	X(NONE, "")                                                            \
	X(EQ, "")                                                              \
	X(NE, "!")                                                             \
	X(LT, "<")                                                             \
	X(GT, ">")                                                             \
	X(LE, "<=")                                                            \
	X(GE, ">=")                                                            \
	X(RANGE, "<>")

/** enum ips_num_op - how a number is compared; NONE means "not given" */
enum ips_num_op {
#define IPS_NUM_OP_ENUM(e, s) IPS_NUM_##e,
	IPS_NUM_OPS(IPS_NUM_OP_ENUM)
#undef IPS_NUM_OP_ENUM
		IPS_NUM_OP_MAX
};

/**
 * struct ips_num - dsize, urilen, bsize, itype, icode: "N", "!N", "<N",
 * ">N", "<=N", ">=N" or "LO<>HI" (exclusive: LO < x < HI, as Suricata)
 * @op: enum ips_num_op
 * @lo: N, or LO
 * @hi: HI for RANGE
 */
struct ips_num {
	uint8_t op;
	uint32_t lo;
	uint32_t hi;
};

/* IPS_MATCH_KINDS(X) - X(ENUM_SUFFIX, keyword) */
#define IPS_MATCH_KINDS(X)                                                     \
	X(CONTENT, "content")                                                  \
	X(PCRE, "pcre")                                                        \
	X(BYTE_TEST, "byte_test")                                              \
	X(BYTE_JUMP, "byte_jump")                                              \
	X(ISDATAAT, "isdataat")                                                \
	X(BSIZE, "bsize")

/** enum ips_match_kind - what a struct ips_match checks */
enum ips_match_kind {
#define IPS_MATCH_ENUM(e, s) IPS_MATCH_##e,
	IPS_MATCH_KINDS(IPS_MATCH_ENUM)
#undef IPS_MATCH_ENUM
		IPS_MATCH_MAX
};

/**
 * struct ips_match - one payload condition, in rule order
 * @kind: enum ips_match_kind; selects the union member
 * @buf: enum ips_buf it inspects
 * @content: IPS_MATCH_CONTENT
 * @pcre: IPS_MATCH_PCRE
 * @byte: IPS_MATCH_BYTE_TEST, _BYTE_JUMP, _ISDATAAT
 * @size: IPS_MATCH_BSIZE: the buffer's length
 */
struct ips_match {
	uint8_t kind;
	uint8_t buf;
	union {
		struct ips_content content;
		struct ips_pcre pcre;
		struct ips_byte byte;
		struct ips_num size;
	};
};

/* struct ips_rule.flow bits */
enum {
	IPS_FLOW_TO_SERVER = 1u << 0, /* also from_client */
	IPS_FLOW_TO_CLIENT = 1u << 1, /* also from_server */
	IPS_FLOW_ESTABLISHED = 1u << 2,
	IPS_FLOW_NOT_ESTABLISHED = 1u << 3,
	IPS_FLOW_STATELESS = 1u << 4,
	IPS_FLOW_ONLY_STREAM = 1u << 5,
	IPS_FLOW_NO_STREAM = 1u << 6,
	IPS_FLOW_ONLY_FRAG = 1u << 7,
	IPS_FLOW_NO_FRAG = 1u << 8,
};

/* IPS_FLOWBIT_OPS(X) - X(ENUM_SUFFIX, keyword) */
#define IPS_FLOWBIT_OPS(X)                                                     \
	X(SET, "set")                                                          \
	X(ISSET, "isset")                                                      \
	X(UNSET, "unset")                                                      \
	X(ISNOTSET, "isnotset")                                                \
	X(TOGGLE, "toggle")

/** enum ips_flowbit_op - what a flowbits option does */
enum ips_flowbit_op {
#define IPS_FLOWBIT_ENUM(e, s) IPS_FLOWBIT_##e,
	IPS_FLOWBIT_OPS(IPS_FLOWBIT_ENUM)
#undef IPS_FLOWBIT_ENUM
		IPS_FLOWBIT_OP_MAX
};

enum {
	IPS_FLOWBIT_NAMES_MAX = 8, /* names in one a|b or a&b expression */
};

/**
 * struct ips_flowbit - flowbits:OP,NAME[|NAME...|&NAME...]
 * @op: enum ips_flowbit_op
 * @any_of: names joined by '|' (isset/isnotset: one is enough), else by
 *          '&' (all) or a single name
 * @n_names: names in use
 * @names: the names, malloc'd
 * @ids: the names' numbers in the rule set (ips_ruleset_flowbit_name());
 *       0 until the rule is added to a rule set, then 1..n
 */
struct ips_flowbit {
	uint8_t op;
	bool any_of;
	uint8_t n_names;
	char *names[IPS_FLOWBIT_NAMES_MAX];
	uint32_t ids[IPS_FLOWBIT_NAMES_MAX];
};

/** enum ips_thresh_type - threshold type; NONE means "not given" */
enum ips_thresh_type {
	IPS_THRESH_NONE,
	IPS_THRESH_LIMIT,
	IPS_THRESH_THRESHOLD,
	IPS_THRESH_BOTH,
	IPS_THRESH_DETECTION_FILTER, /* detection_filter: */
};

/** enum ips_track - what a threshold counts by */
enum ips_track {
	IPS_TRACK_BY_SRC,
	IPS_TRACK_BY_DST,
	IPS_TRACK_BY_RULE,
	IPS_TRACK_BY_BOTH,
};

/**
 * struct ips_thresh - threshold: or detection_filter:
 * @type: enum ips_thresh_type
 * @track: enum ips_track
 * @count: events
 * @seconds: per this many seconds
 */
struct ips_thresh {
	uint8_t type;
	uint8_t track;
	uint32_t count;
	uint32_t seconds;
};

/* TCP flag bits as on the wire, for struct ips_tcp_flags */
enum {
	IPS_TCP_FIN = 0x01,
	IPS_TCP_SYN = 0x02,
	IPS_TCP_RST = 0x04,
	IPS_TCP_PSH = 0x08,
	IPS_TCP_ACK = 0x10,
	IPS_TCP_URG = 0x20,
	IPS_TCP_ECE = 0x40,
	IPS_TCP_CWR = 0x80,
};

/**
 * struct ips_tcp_flags - flags:[+*!]FLAGS[,IGNORE]
 * @set: flag bits named (0 for "0": no flags)
 * @ignore: bits masked off before comparing
 * @mod: 0 (exactly @set), '+' (@set and maybe others), '*' (any of
 *       @set), '!' (not exactly @set); 0 with @given false: not given
 * @given: the rule has a flags option
 */
struct ips_tcp_flags {
	uint8_t set;
	uint8_t ignore;
	char mod;
	bool given;
};

/**
 * struct ips_ref - reference:TYPE,VALUE
 * @type: e.g. "url", "cve" (malloc'd)
 * @value: the rest (malloc'd)
 */
struct ips_ref {
	char *type;
	char *value;
};

/**
 * struct ips_rule - a parsed rule
 * @action: enum ips_action
 * @proto: enum ips_proto
 * @app: enum ips_app, from @proto or the buffers used
 * @bidir: "<>": also match with source and destination swapped
 * @src: source addresses, normalised
 * @dst: destination addresses
 * @sport: source ports (a set of 0..65535)
 * @dport: destination ports
 * @gid: generator id (gid:, default 1)
 * @sid: signature id (sid:, required, > 0)
 * @rev: revision (rev:, default 0)
 * @priority: priority: (1 is highest), 0 if not given (the classtype's
 *            priority then applies; the rule set does not load
 *            classification.config)
 * @msg: msg: text, unescaped, malloc'd ("" if not given)
 * @classtype: classtype: (malloc'd) or NULL
 * @refs: reference: options in order
 * @n_refs: how many
 * @metadata: metadata: entries ("key value") in order, each malloc'd
 * @n_metadata: how many
 * @matches: payload conditions in rule order
 * @n_matches: how many
 * @flow: IPS_FLOW_* bits (0: no flow option)
 * @flowbits: flowbits options in order
 * @n_flowbits: how many
 * @noalert: flowbits:noalert or noalert: match silently (sets state only)
 * @dsize: payload size condition (op NONE: not given)
 * @urilen: URI length condition
 * @urilen_raw: urilen applies to the raw URI (",raw"), else normalised
 * @itype: ICMP type condition
 * @icode: ICMP code condition
 * @tcp_flags: flags: option
 * @threshold: threshold: (type NONE: not given)
 * @detection_filter: detection_filter: (type NONE: not given)
 * @fast_pattern: index in @matches of the content marked fast_pattern, or
 *                -1 (the matcher chooses)
 * @file: the rules file (owned by the rule set), NULL when parsed alone
 * @line: the line the rule starts on, 0 when parsed alone
 */
struct ips_rule {
	uint8_t action;
	uint8_t proto;
	uint8_t app;
	bool bidir;
	struct ips_addrs src;
	struct ips_addrs dst;
	struct ips_set sport;
	struct ips_set dport;
	uint32_t gid;
	uint32_t sid;
	uint32_t rev;
	uint32_t priority;
	char *msg;
	char *classtype;
	struct ips_ref *refs;
	uint32_t n_refs;
	char **metadata;
	uint32_t n_metadata;
	struct ips_match *matches;
	uint32_t n_matches;
	uint32_t flow;
	struct ips_flowbit *flowbits;
	uint32_t n_flowbits;
	bool noalert;
	struct ips_num dsize;
	struct ips_num urilen;
	bool urilen_raw;
	struct ips_num itype;
	struct ips_num icode;
	struct ips_tcp_flags tcp_flags;
	struct ips_thresh threshold;
	struct ips_thresh detection_filter;
	int32_t fast_pattern;
	const char *file;
	uint32_t line;
};

enum {
	IPS_MSG_SIZE = 256, /* bytes of a parse message */
	IPS_REASON_SIZE = 64, /* bytes of a skip/fail reason key */
	IPS_RULE_TEXT_MAX = 1 << 20, /* bytes of one rule */
	IPS_MATCHES_MAX = 1024, /* payload conditions in one rule */
	IPS_CONTENT_MAX = 65535, /* bytes of one content */
};

/**
 * struct ips_rule_err - why a rule did not load
 * @msg: what is wrong, for a person: "unsupported keyword 'bsize'",
 *       "content: odd number of hex digits in '|4|'" (no file or line)
 * @reason: a short key to count by: "keyword 'bsize'", "protocol 'smtp'",
 *          "invalid content" ...
 */
struct ips_rule_err {
	char msg[IPS_MSG_SIZE];
	char reason[IPS_REASON_SIZE];
};

int ips_rule_parse(struct ips_rule *r, const char *text,
		   const struct ips_vars *vars, struct ips_rule_err *err);
void ips_rule_free(struct ips_rule *r);
void ips_rule_dump(const struct ips_rule *r, FILE *f);
const char *ips_buf_name(enum ips_buf buf);
const char *ips_action_name(enum ips_action action);
const char *ips_proto_name(enum ips_proto proto);
bool ips_keyword_supported(const char *name);

#endif
