// SPDX-License-Identifier: MIT
/*
 * ips_rule_parse.c - parse one rule's text into a struct ips_rule (the
 * language and the model are described in ips_rule.h).
 *
 * Steps: split the header into its seven fields (brackets may hold
 * spaces), look up action and protocol, evaluate the four address and port
 * expressions (ips_addr.c), then walk the options: each "name[:value];" is
 * cut out of a private copy of the text and handed to ips_rule_option()
 * (ips_rule_opts.c). Last come the checks that need the whole rule: a sid,
 * and one application protocol across the buffers used. Control side only.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ips/ips_addr.h"
#include "ips/ips_rule_priv.h"

enum { HEADER_FIELDS = 7 };

static const char *const action_names[] = {
#define IPS_ACTION_NAME(e, s) s,
	IPS_ACTIONS(IPS_ACTION_NAME)
#undef IPS_ACTION_NAME
};

static const struct {
	const char *name;
	enum ips_app app;
} protos[] = {
#define IPS_PROTO_ROW(e, s, a) {s, a},
	IPS_PROTOS(IPS_PROTO_ROW)
#undef IPS_PROTO_ROW
};

static const struct {
	const char *name;
	enum ips_app app;
} bufs[] = {
#define IPS_BUF_ROW(e, s, a) {s, a},
	IPS_BUFS(IPS_BUF_ROW)
#undef IPS_BUF_ROW
};

static const char *const app_names[] = {"", "http", "dns", "tls"};

/* Known to Suricata, not (yet) to dcbox: a rule using one is skipped. */
static const char *const other_actions[] = {"rejectsrc", "rejectdst",
					    "rejectboth", "config"};
static const char *const other_protos[] = {
	"tcp-pkt", "tcp-stream", "ipv4",   "ip4",
	"ipv6",	   "ip6",	 "icmpv4", "icmpv6",
	"sctp",	   "pkthdr",	 "ftp",	   "ftp-data",
	"smtp",	   "smb",	 "ssh",	   "dcerpc",
	"nfs",	   "ntp",	 "tftp",   "dnp3",
	"modbus",  "enip",	 "krb5",   "dhcp",
	"snmp",	   "sip",	 "rfb",	   "mqtt",
	"rdp",	   "http2",	 "ikev2",  "ike",
	"imap",	   "pop3",	 "ssl",	   "bittorrent-dht",
	"quic",	   "pgsql",	 "telnet", "websocket",
	"ldap",	   "dns-udp",
};

/**
 * ips_fail() - describe why the rule is invalid
 * @p: parser; the message is prefixed with the current keyword, if any
 * @fmt: printf format
 *
 * Return: -EINVAL, for the caller to return.
 */
int ips_fail(struct ips_parser *p, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;

	if (p->kw)
		n = (size_t)snprintf(p->err->msg, sizeof(p->err->msg),
				     "%s: ", p->kw);
	if (n >= sizeof(p->err->msg))
		n = sizeof(p->err->msg) - 1;
	va_start(ap, fmt);
	vsnprintf(p->err->msg + n, sizeof(p->err->msg) - n, fmt, ap);
	va_end(ap);
	snprintf(p->err->reason, sizeof(p->err->reason), "invalid %s",
		 p->kw ? p->kw : "header");
	return -EINVAL;
}

/**
 * ips_skip() - describe why the rule is skipped (valid, but uses @what
 * @name, which dcbox does not implement)
 * @p: parser
 * @what: "keyword", "protocol" or "action"
 * @name: the unsupported thing
 *
 * Return: -ENOTSUP, for the caller to return.
 */
int ips_skip(struct ips_parser *p, const char *what, const char *name)
{
	snprintf(p->err->msg, sizeof(p->err->msg),
		 "unsupported %s '%.64s' (rule skipped)", what, name);
	snprintf(p->err->reason, sizeof(p->err->reason), "%s '%.40s'", what,
		 name);
	return -ENOTSUP;
}

/**
 * ips_nomem() - describe an allocation failure
 * @p: parser
 *
 * Return: -ENOMEM.
 */
int ips_nomem(struct ips_parser *p)
{
	snprintf(p->err->msg, sizeof(p->err->msg), "out of memory");
	snprintf(p->err->reason, sizeof(p->err->reason), "out of memory");
	return -ENOMEM;
}

/**
 * ips_match_add() - append a zeroed payload condition to the rule
 * @p: parser
 * @kind: enum ips_match_kind
 * @buf: enum ips_buf it inspects
 * @out: the new condition (pointers into r->matches are invalidated)
 *
 * Return: 0, -EINVAL past IPS_MATCHES_MAX, -ENOMEM (p->err set).
 */
int ips_match_add(struct ips_parser *p, enum ips_match_kind kind,
		  enum ips_buf buf, struct ips_match **out)
{
	struct ips_rule *r = p->r;
	struct ips_match *m;

	if (r->n_matches == p->cap_matches) {
		uint32_t cap = p->cap_matches ? p->cap_matches * 2 : 8;

		if (r->n_matches >= IPS_MATCHES_MAX)
			return ips_fail(p, "more than %d payload conditions",
					IPS_MATCHES_MAX);
		m = realloc(r->matches, cap * sizeof(*m));
		if (!m)
			return ips_nomem(p);
		r->matches = m;
		p->cap_matches = cap;
	}
	m = &r->matches[r->n_matches++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->buf = buf;
	*out = m;
	return 0;
}

/**
 * ips_grow() - make room for element @n of an array that doubles at
 * powers of two (its capacity is implied by its length)
 * @p: parser
 * @arr: the array (realloc'd)
 * @n: elements in use
 * @size: bytes per element
 *
 * Return: 0, -EINVAL past IPS_MATCHES_MAX elements, -ENOMEM.
 */
int ips_grow(struct ips_parser *p, void **arr, uint32_t n, size_t size)
{
	void *a;

	if (n >= IPS_MATCHES_MAX)
		return ips_fail(p, "given more than %d times", IPS_MATCHES_MAX);
	if (n && (n & (n - 1)))
		return 0;
	a = realloc(*arr, (n ? n * 2 : 1) * size);
	if (!a)
		return ips_nomem(p);
	*arr = a;
	return 0;
}

/**
 * ips_parse_int() - parse a whole decimal (or 0x hex) integer
 * @s: text; leading and trailing spaces are allowed
 * @min: smallest accepted
 * @max: largest accepted
 * @out: the value
 *
 * Return: true if @s is one integer in [@min, @max].
 */
bool ips_parse_int(const char *s, long long min, long long max, long long *out)
{
	long long v;
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s || !(isdigit((unsigned char)*s) || *s == '-' || *s == '+'))
		return false;
	errno = 0;
	v = strtoll(s, &end, 0);
	while (isspace((unsigned char)*end))
		end++;
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

#define IN_LIST(list, s) in_list(list, sizeof(list) / sizeof(list[0]), s)

/* Split the header at spaces outside brackets; NUL-terminate the fields. */
static int split_header(struct ips_parser *p, char *h, char **f)
{
	unsigned int n = 0;
	int depth = 0;

	while (*h) {
		while (isspace((unsigned char)*h))
			h++;
		if (!*h)
			break;
		if (n == HEADER_FIELDS)
			return ips_fail(p,
					"unexpected '%.*s' after the "
					"destination port",
					(int)strcspn(h, " \t"), h);
		f[n++] = h;
		for (; *h && (depth || !isspace((unsigned char)*h)); h++) {
			if (*h == '[')
				depth++;
			else if (*h == ']' && depth)
				depth--;
		}
		if (depth)
			return ips_fail(p, "unterminated '[' in '%.32s'",
					f[n - 1]);
		if (*h)
			*h++ = '\0';
	}
	if (n < HEADER_FIELDS)
		return ips_fail(p,
				"the header needs action, protocol, source, "
				"source port, direction, destination and "
				"destination port (got %u field%s)",
				n, n == 1 ? "" : "s");
	return 0;
}

static int parse_action_proto(struct ips_parser *p, const char *action,
			      const char *proto)
{
	struct ips_rule *r = p->r;
	unsigned int i;

	for (i = 0; i < IPS_ACT_MAX; i++)
		if (!strcmp(action, action_names[i]))
			break;
	if (i == IPS_ACT_MAX)
		return IN_LIST(other_actions, action)
			       ? ips_skip(p, "action", action)
			       : ips_fail(p, "unknown action '%.32s'", action);
	r->action = i;
	for (i = 0; i < IPS_PROTO_MAX; i++)
		if (!strcmp(proto, protos[i].name))
			break;
	if (i == IPS_PROTO_MAX)
		return IN_LIST(other_protos, proto)
			       ? ips_skip(p, "protocol", proto)
			       : ips_fail(p, "unknown protocol '%.32s'", proto);
	r->proto = i;
	r->app = protos[i].app;
	return 0;
}

/* @f: source, source port, direction, destination, destination port */
static int parse_endpoints(struct ips_parser *p, char **f)
{
	struct ips_rule *r = p->r;
	char msg[IPS_MSG_SIZE - 32];
	int ret;

	if (!strcmp(f[2], "<>"))
		r->bidir = true;
	else if (strcmp(f[2], "->"))
		return ips_fail(p, "bad direction '%.16s' (expected -> or <>)",
				f[2]);
	ret = ips_addr_parse(f[0], p->vars, &r->src, msg, sizeof(msg));
	if (!ret)
		ret = ips_port_parse(f[1], p->vars, &r->sport, msg,
				     sizeof(msg));
	if (ret) {
		ips_fail(p, "source: %s", msg);
		return ret == -EINVAL ? ret : ips_nomem(p);
	}
	ret = ips_addr_parse(f[3], p->vars, &r->dst, msg, sizeof(msg));
	if (!ret)
		ret = ips_port_parse(f[4], p->vars, &r->dport, msg,
				     sizeof(msg));
	if (ret) {
		ips_fail(p, "destination: %s", msg);
		return ret == -EINVAL ? ret : ips_nomem(p);
	}
	return 0;
}

static int parse_header(struct ips_parser *p, char *h)
{
	char *f[HEADER_FIELDS];
	int ret;

	ret = split_header(p, h, f);
	if (!ret)
		ret = parse_action_proto(p, f[0], f[1]);
	if (!ret)
		ret = parse_endpoints(p, f + 2);
	return ret;
}

/* Cut the next option out of *@s; NULL @name at the end. */
static int next_option(struct ips_parser *p, char **s, char **name,
		       char **value)
{
	char *c = *s, *e, *v = NULL;

	while (isspace((unsigned char)*c))
		c++;
	*name = NULL;
	if (!*c)
		return 0;
	*name = c;
	c += strcspn(c, ":;");
	if (*c == ':') {
		*c++ = '\0';
		v = c;
		for (e = c; (e = strchr(e, ';')) && e[-1] == '\\'; e++)
			;
		if (!e)
			return ips_fail(p,
					"option '%.32s' has no terminating "
					"';'",
					*name);
		c = e;
	} else if (!*c) {
		return ips_fail(p, "option '%.32s' has no terminating ';'",
				*name);
	}
	*c++ = '\0';
	*s = c;
	for (e = *name + strlen(*name); e > *name && isspace(e[-1]);)
		*--e = '\0';
	if (v) {
		while (isspace((unsigned char)*v))
			v++;
		for (e = v + strlen(v); e > v && isspace(e[-1]);)
			*--e = '\0';
	}
	*value = v;
	if (!**name)
		return ips_fail(p, "empty option name");
	return 0;
}

static int parse_options(struct ips_parser *p, char *s)
{
	char *name, *value = NULL;
	int ret;

	for (;;) {
		p->kw = NULL;
		ret = next_option(p, &s, &name, &value);
		if (ret || !name)
			return ret;
		ret = ips_rule_option(p, name, value);
		if (ret)
			return ret;
	}
}

/* One application protocol for the rule: from PROTO and every buffer. */
static int check_app(struct ips_parser *p)
{
	struct ips_rule *r = p->r;
	enum ips_app app = r->app;
	uint32_t i;

	if (r->urilen.op != IPS_NUM_NONE && app == IPS_APP_NONE)
		app = IPS_APP_HTTP;
	for (i = 0; i < r->n_matches; i++) {
		enum ips_app b = bufs[r->matches[i].buf].app;

		if (b == IPS_APP_NONE || b == app)
			continue;
		if (r->app != IPS_APP_NONE)
			return ips_fail(p,
					"buffer '%s' does not belong to "
					"protocol %s",
					bufs[r->matches[i].buf].name,
					protos[r->proto].name);
		if (app != IPS_APP_NONE)
			return ips_fail(p,
					"buffer '%s' cannot be mixed with "
					"%s buffers",
					bufs[r->matches[i].buf].name,
					app_names[app]);
		app = b;
	}
	if (app == IPS_APP_NONE)
		return 0;
	if (r->proto == IPS_PROTO_ICMP ||
	    (r->proto == IPS_PROTO_UDP && app != IPS_APP_DNS))
		return ips_fail(p, "%s buffers need a TCP rule, not %s",
				app == IPS_APP_HTTP ? "HTTP" : "TLS",
				protos[r->proto].name);
	r->app = app;
	return 0;
}

/* Suricata's rule: the host buffer is lowercased, so an uppercase
 * pattern without nocase could never match. */
static int check_host_case(struct ips_parser *p)
{
	const struct ips_rule *r = p->r;
	uint32_t i, j;

	for (i = 0; i < r->n_matches; i++) {
		const struct ips_match *m = &r->matches[i];

		if (m->kind != IPS_MATCH_CONTENT ||
		    m->buf != IPS_BUF_HTTP_HOST ||
		    (m->content.flags & IPS_CONTENT_NOCASE))
			continue;
		for (j = 0; j < m->content.len; j++)
			if (isupper(m->content.bytes[j]))
				return ips_fail(p, "http.host content with "
						   "uppercase letters never "
						   "matches (the buffer is "
						   "lowercase); use nocase");
	}
	return 0;
}

static int check_rule(struct ips_parser *p)
{
	p->kw = NULL;
	if (!p->r->sid)
		return ips_fail(p, "rule has no sid");
	if (check_host_case(p))
		return -EINVAL;
	return check_app(p);
}

static void rule_init(struct ips_rule *r)
{
	memset(r, 0, sizeof(*r));
	ips_addrs_init(&r->src);
	ips_addrs_init(&r->dst);
	ips_set_init(&r->sport);
	ips_set_init(&r->dport);
	r->gid = 1;
	r->fast_pattern = -1;
}

/* Cut @text into header and options in @copy (writable). */
static int split_rule(struct ips_parser *p, char *copy, char **opts)
{
	char *open = strchr(copy, '('), *close = strrchr(copy, ')');

	if (!open)
		return ips_fail(p, "no options: expected '(' after the header");
	if (!close || close < open)
		return ips_fail(p, "options not closed by ')'");
	for (char *c = close + 1; *c; c++)
		if (!isspace((unsigned char)*c))
			return ips_fail(p, "unexpected text after ')'");
	*open = '\0';
	*close = '\0';
	*opts = open + 1;
	return 0;
}

/**
 * ips_rule_parse() - parse one rule
 * @r: filled on success, owned by the caller (ips_rule_free()); on error
 *     holds nothing
 * @text: the rule, one line (continuations already joined), without a
 *        leading '#'
 * @vars: variables for the header; may be NULL
 * @err: on error, the message and the reason key
 *
 * Return: 0; -ENOTSUP when the rule is valid but uses a keyword, protocol
 * or action dcbox does not implement (skip it); -EINVAL when it is
 * invalid; -ENOMEM. @err is set whenever the return is not 0.
 */
int ips_rule_parse(struct ips_rule *r, const char *text,
		   const struct ips_vars *vars, struct ips_rule_err *err)
{
	struct ips_parser p = {.r = r,
			       .vars = vars,
			       .err = err,
			       .sticky = -1,
			       .last_content = -1,
			       .last_pm = -1};
	char *copy, *opts = NULL;
	int ret;

	rule_init(r);
	err->msg[0] = err->reason[0] = '\0';
	if (strlen(text) > IPS_RULE_TEXT_MAX)
		return ips_fail(&p, "rule longer than %d bytes",
				IPS_RULE_TEXT_MAX);
	copy = strdup(text);
	if (!copy)
		return ips_nomem(&p);
	ret = split_rule(&p, copy, &opts);
	if (!ret)
		ret = parse_header(&p, copy);
	if (!ret)
		ret = parse_options(&p, opts);
	if (!ret)
		ret = check_rule(&p);
	free(copy);
	if (ret)
		ips_rule_free(r);
	return ret;
}

static void match_free(struct ips_match *m)
{
	if (m->kind == IPS_MATCH_CONTENT) {
		free(m->content.bytes);
	} else if (m->kind == IPS_MATCH_PCRE) {
		ips_pcre_free(&m->pcre);
	}
}

/**
 * ips_rule_free() - release everything @r owns and zero it
 * @r: rule from ips_rule_parse() (or zeroed)
 */
void ips_rule_free(struct ips_rule *r)
{
	uint32_t i, j;

	ips_addrs_free(&r->src);
	ips_addrs_free(&r->dst);
	ips_set_free(&r->sport);
	ips_set_free(&r->dport);
	free(r->msg);
	free(r->classtype);
	for (i = 0; i < r->n_refs; i++) {
		free(r->refs[i].type);
		free(r->refs[i].value);
	}
	free(r->refs);
	for (i = 0; i < r->n_metadata; i++)
		free(r->metadata[i]);
	free(r->metadata);
	for (i = 0; i < r->n_matches; i++)
		match_free(&r->matches[i]);
	free(r->matches);
	for (i = 0; i < r->n_flowbits; i++)
		for (j = 0; j < r->flowbits[i].n_names; j++)
			free(r->flowbits[i].names[j]);
	free(r->flowbits);
	memset(r, 0, sizeof(*r));
}

/**
 * ips_buf_name() - the sticky-buffer keyword of @buf ("http.uri", ...)
 * @buf: enum ips_buf
 *
 * Return: a static string ("?" if out of range).
 */
const char *ips_buf_name(enum ips_buf buf)
{
	return (unsigned int)buf < IPS_BUF_MAX ? bufs[buf].name : "?";
}

/**
 * ips_action_name() - the keyword of @action ("alert", ...)
 * @action: enum ips_action
 *
 * Return: a static string ("?" if out of range).
 */
const char *ips_action_name(enum ips_action action)
{
	return (unsigned int)action < IPS_ACT_MAX ? action_names[action] : "?";
}

/**
 * ips_proto_name() - the keyword of @proto ("tcp", ...)
 * @proto: enum ips_proto
 *
 * Return: a static string ("?" if out of range).
 */
const char *ips_proto_name(enum ips_proto proto)
{
	return (unsigned int)proto < IPS_PROTO_MAX ? protos[proto].name : "?";
}
