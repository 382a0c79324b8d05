// SPDX-License-Identifier: MIT
/*
 * fw_rule.c - the rule parser (grammar in fw_rule.h) and the reference
 * match of one rule against a packet key.
 *
 * A hand-written recursive-descent parser over the rule's characters: the
 * grammar is small and context decides what a token is ("1-1024" is a port
 * range after "port", "web-1" is a name after "from"), so there is no
 * separate lexer. While it parses, it writes the canonical text of the rule
 * to a memstream and builds each field as an interval set (fw_set.h): lists
 * are unions, "!" items are subtracted, names are resolved through the
 * caller's callback. Every error names the column of the token at fault.
 *
 * Control side only: the parser allocates. fw_rule_matches() is the
 * per-packet linear reference the classifier is tested and benchmarked
 * against; it does not allocate.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw/fw_rule.h"

/* Parser state for one rule (or one address spec of a `define`). */
struct parser {
	const char *s;
	size_t pos;
	const struct fw_where *where;
	fw_resolve_fn *resolve;
	void *arg;
	char *err;
	size_t errsize;
	FILE *canon; /* canonical text; may be NULL */
	int depth;
};

/* The universe of a field: addresses or ports. */
enum field_kind { FIELD_ADDR, FIELD_PORT };

static const char *const action_words[] = {
#define FW_ACTION_WORD(name, word) #word,
	FW_ACTIONS(FW_ACTION_WORD)
#undef FW_ACTION_WORD
};

static const char *const proto_words[] = {
#define FW_PROTO_WORD(name, word) #word,
	FW_PROTOS(FW_PROTO_WORD)
#undef FW_PROTO_WORD
};

/**
 * fw_action_str() - the keyword of an action
 * @action: enum fw_action
 *
 * Return: "allow", "drop", "reject", or "?" when out of range.
 */
const char *fw_action_str(unsigned int action)
{
	return action < FW_ACTION_MAX ? action_words[action] : "?";
}

/**
 * fw_proto_str() - the keyword of a protocol selector
 * @proto: enum fw_proto
 *
 * Return: "any", "tcp", "udp", "icmp", or "?" when out of range.
 */
const char *fw_proto_str(unsigned int proto)
{
	return proto < FW_PROTO_MAX ? proto_words[proto] : "?";
}

/**
 * fw_action_parse() - the action named by a word (case-insensitive)
 * @word: characters of the word, need not be NUL-terminated
 * @len: length of @word
 *
 * Return: enum fw_action, or -EINVAL when @word is no action.
 */
int fw_action_parse(const char *word, size_t len)
{
	int i;

	for (i = 0; i < FW_ACTION_MAX; i++)
		if (strlen(action_words[i]) == len &&
		    !strncasecmp(word, action_words[i], len))
			return i;
	return -EINVAL;
}

static int fail(struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Write "FILE:LINE:COL: message" for the character at @pos; -EINVAL. */
static int fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	const struct fw_where *w = p->where;
	va_list ap;
	int n;

	if (!p->errsize)
		return -EINVAL;
	n = snprintf(p->err, p->errsize,
		     "%s:%u:%zu: ", w && w->file ? w->file : "<rule>",
		     w ? w->line : 0, (w && w->col ? w->col : 1) + pos);
	if (n >= 0 && (size_t)n < p->errsize) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errsize - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int fail_errno(struct parser *p, size_t pos, int ret)
{
	if (ret == -E2BIG)
		return fail(p, pos, "too many addresses or ports in one rule");
	return fail(p, pos, "%s", strerror(-ret));
}

static void skip_ws(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
	       p->s[p->pos] == '\r' || p->s[p->pos] == '\n')
		p->pos++;
}

/* At the end of the rule: NUL or a comment. Skips blanks first. */
static bool at_end(struct parser *p)
{
	skip_ws(p);
	return !p->s[p->pos] || p->s[p->pos] == '#';
}

static bool is_word_char(char c)
{
	return c && !strchr(" \t\r\n[],!#", c);
}

/* The word at the cursor (after blanks): its start and length. */
static size_t peek_word(struct parser *p, size_t *start)
{
	size_t end;

	skip_ws(p);
	*start = p->pos;
	for (end = p->pos; is_word_char(p->s[end]); end++)
		;
	return end - *start;
}

static bool word_is(const struct parser *p, size_t start, size_t len,
		    const char *kw)
{
	return strlen(kw) == len && !strncasecmp(p->s + start, kw, len);
}

/* Describe the token at @pos for "got ..." in messages. */
static int what_is_at(const struct parser *p, size_t pos, char *buf,
		      size_t size)
{
	size_t len;

	if (!p->s[pos] || p->s[pos] == '#')
		return snprintf(buf, size, "end of rule");
	for (len = 0; is_word_char(p->s[pos + len]); len++)
		;
	if (!len)
		len = 1;
	return snprintf(buf, size, "'%.*s'", (int)(len > 40 ? 40 : len),
			p->s + pos);
}

static void canon_puts(struct parser *p, const char *s)
{
	if (p->canon)
		fputs(s, p->canon);
}

/* Expect the keyword @kw, or fail with "expected @kw @why". */
static int expect_kw(struct parser *p, const char *kw, const char *why)
{
	size_t start, len = peek_word(p, &start);
	char got[64];

	if (!word_is(p, start, len, kw)) {
		what_is_at(p, start, got, sizeof(got));
		return fail(p, start, "expected '%s' %s, got %s", kw, why, got);
	}
	p->pos = start + len;
	canon_puts(p, " ");
	canon_puts(p, kw);
	return 0;
}

/* Decimal number of at most @maxdigits digits at @s; its length or 0. */
static size_t parse_uint(const char *s, size_t maxdigits, uint32_t *val)
{
	size_t i;

	*val = 0;
	for (i = 0; isdigit((unsigned char)s[i]); i++) {
		if (i == maxdigits)
			return 0;
		*val = *val * 10 + (uint32_t)(s[i] - '0');
	}
	return i;
}

/* A.B.C.D[/LEN] in the word [@start, @start + @len). */
static int parse_cidr(struct parser *p, size_t start, size_t len,
		      struct fw_set *out)
{
	const char *s = p->s + start;
	uint32_t addr = 0, v, plen = 32;
	size_t i = 0, n;
	int octet;

	for (octet = 0; octet < 4; octet++) {
		if (octet && (i >= len || s[i++] != '.'))
			goto bad;
		n = parse_uint(s + i, 3, &v);
		if (!n || v > 255 || i + n > len)
			goto bad;
		addr = addr << 8 | v;
		i += n;
	}
	if (i < len && s[i] == '/') {
		n = parse_uint(s + i + 1, 2, &plen);
		if (!n || plen > 32 || i + 1 + n != len)
			return fail(p, start + i + 1,
				    "bad prefix length '%.*s' (expected 0..32)",
				    (int)(len - i - 1 > 40 ? 40 : len - i - 1),
				    s + i + 1);
		i += 1 + n;
	}
	if (i != len)
		goto bad;
	if (plen < 32)
		addr &= plen ? ~0u << (32 - plen) : 0;
	if (p->canon) {
		fprintf(p->canon, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255,
			(addr >> 8) & 255, addr & 255);
		if (plen != 32)
			fprintf(p->canon, "/%u", plen);
	}
	octet = fw_set_add_prefix(out, addr, plen);
	return octet ? fail_errno(p, start, octet) : 0;
bad:
	return fail(p, start,
		    "bad IPv4 address '%.*s' (expected A.B.C.D or A.B.C.D/LEN)",
		    (int)(len > 40 ? 40 : len), s);
}

/**
 * fw_name_valid() - whether @s is a NAME of the rule grammar
 * @s: characters, need not be NUL-terminated
 * @len: length of @s
 *
 * Return: true for [A-Za-z_][A-Za-z0-9_.-]* shorter than FW_NAME_MAX.
 */
bool fw_name_valid(const char *s, size_t len)
{
	size_t i;

	if (!len || len >= FW_NAME_MAX ||
	    !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

/* A host or group name: ask the caller's resolver. */
static int parse_name(struct parser *p, size_t start, size_t len,
		      struct fw_set *out)
{
	char name[FW_NAME_MAX];
	struct fw_set set;
	int ret;

	if (!fw_name_valid(p->s + start, len))
		return fail(p, start,
			    "bad name '%.*s' (expected an address, a host or "
			    "group name, a list or 'any')",
			    (int)(len > 40 ? 40 : len), p->s + start);
	memcpy(name, p->s + start, len);
	name[len] = '\0';
	fw_set_init(&set);
	ret = p->resolve ? p->resolve(p->arg, name, &set) : -ENOENT;
	if (ret == -ENOENT)
		fail(p, start, "unknown name '%s' (not a host or group)", name);
	else if (ret)
		fail(p, start, "cannot resolve '%s': %s", name, strerror(-ret));
	if (!ret) {
		fw_set_normalise(&set);
		ret = fw_set_add_set(out, &set);
		if (ret)
			fail_errno(p, start, ret);
	}
	fw_set_free(&set);
	canon_puts(p, name);
	return ret ? -EINVAL : 0;
}

/* N or N-M (blanks allowed around '-') at the cursor. */
static int parse_port_range(struct parser *p, struct fw_set *out)
{
	size_t start = p->pos, n;
	uint32_t lo, hi;
	int ret;

	n = parse_uint(p->s + start, 5, &lo);
	if (!n || lo > FW_PORT_MAX ||
	    (is_word_char(p->s[start + n]) && p->s[start + n] != '-'))
		goto bad;
	p->pos += n;
	hi = lo;
	skip_ws(p);
	if (p->s[p->pos] == '-') {
		p->pos++;
		skip_ws(p);
		n = parse_uint(p->s + p->pos, 5, &hi);
		if (!n || hi > FW_PORT_MAX || is_word_char(p->s[p->pos + n]))
			goto bad;
		p->pos += n;
		if (hi < lo)
			return fail(p, start,
				    "bad port range '%u-%u' (first port above "
				    "last)",
				    lo, hi);
	}
	if (p->canon) {
		fprintf(p->canon, "%u", lo);
		if (hi != lo)
			fprintf(p->canon, "-%u", hi);
	}
	ret = fw_set_add(out, lo, hi);
	return ret ? fail_errno(p, start, ret) : 0;
bad:
	for (n = 0; is_word_char(p->s[start + n]); n++)
		;
	return fail(p, start,
		    "bad port '%.*s' (expected N or N-M, 0 <= N <= M <= 65535)",
		    (int)(n > 40 ? 40 : n), p->s + start);
}

static int parse_set(struct parser *p, enum field_kind kind,
		     struct fw_set *out);

/* "[" item { "," item } "]": union of the items minus the "!" items. */
static int parse_list(struct parser *p, enum field_kind kind,
		      struct fw_set *out)
{
	uint32_t max = kind == FIELD_ADDR ? UINT32_MAX : FW_PORT_MAX;
	struct fw_set pos, neg;
	size_t open = p->pos, at;
	bool first = true, negated, any_pos = false;
	char got[64];
	int ret = 0;

	if (++p->depth > FW_DEPTH_MAX)
		return fail(p, open, "lists nested deeper than %d",
			    FW_DEPTH_MAX);
	p->pos++;
	canon_puts(p, "[");
	fw_set_init(&pos);
	fw_set_init(&neg);
	for (;;) {
		skip_ws(p);
		if (first && p->s[p->pos] == ']') {
			ret = fail(p, open, "empty list");
			break;
		}
		canon_puts(p, first ? "" : ", ");
		first = false;
		at = p->pos;
		negated = p->s[at] == '!';
		if (negated) {
			p->pos++;
			canon_puts(p, "!");
			skip_ws(p);
			if (p->s[p->pos] == '!') {
				ret = fail(p, p->pos, "double negation '!!'");
				break;
			}
		}
		any_pos |= !negated;
		ret = parse_set(p, kind, negated ? &neg : &pos);
		if (ret)
			break;
		skip_ws(p);
		if (p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->s[p->pos] == ']') {
			p->pos++;
			break;
		}
		what_is_at(p, p->pos, got, sizeof(got));
		ret = fail(p, p->pos,
			   "expected ',' or ']' in the list opened "
			   "at column %zu, got %s",
			   (p->where && p->where->col ? p->where->col : 1) +
				   open,
			   got);
		break;
	}
	if (!ret) {
		canon_puts(p, "]");
		fw_set_normalise(&pos);
		fw_set_normalise(&neg);
		/* only "!" items: subtract them from everything */
		if (!any_pos)
			ret = fw_set_add(&pos, 0, max);
		if (!ret)
			ret = fw_set_minus(&pos, &neg);
		if (!ret)
			ret = fw_set_add_set(out, &pos);
		if (ret)
			ret = fail_errno(p, open, ret);
	}
	fw_set_free(&pos);
	fw_set_free(&neg);
	p->depth--;
	return ret;
}

/* "!" item: the complement of the item. */
static int parse_not(struct parser *p, enum field_kind kind, struct fw_set *out)
{
	uint32_t max = kind == FIELD_ADDR ? UINT32_MAX : FW_PORT_MAX;
	size_t at = p->pos;
	struct fw_set sub;
	int ret;

	p->pos++;
	canon_puts(p, "!");
	skip_ws(p);
	if (p->s[p->pos] == '!')
		return fail(p, p->pos, "double negation '!!'");
	fw_set_init(&sub);
	ret = parse_set(p, kind, &sub);
	if (!ret) {
		fw_set_normalise(&sub);
		ret = fw_set_complement(&sub, max);
		if (!ret)
			ret = fw_set_add_set(out, &sub);
		if (ret)
			ret = fail_errno(p, at, ret);
	}
	fw_set_free(&sub);
	return ret;
}

/* One ADDRS or PORTS at the cursor, added (unnormalised) to @out. */
static int parse_set(struct parser *p, enum field_kind kind, struct fw_set *out)
{
	size_t start, len = peek_word(p, &start);
	const char *what = kind == FIELD_ADDR
				   ? "an address, a host or group name, "
				     "a list or 'any'"
				   : "a port, a port range, a list or 'any'";
	char c = p->s[start];
	char got[64];
	int ret;

	if (c == '[')
		return parse_list(p, kind, out);
	if (c == '!')
		return parse_not(p, kind, out);
	if (!len) {
		what_is_at(p, start, got, sizeof(got));
		return fail(p, start, "expected %s, got %s", what, got);
	}
	if (word_is(p, start, len, "any")) {
		p->pos = start + len;
		canon_puts(p, "any");
		ret = fw_set_add(out, 0,
				 kind == FIELD_ADDR ? UINT32_MAX : FW_PORT_MAX);
		return ret ? fail_errno(p, start, ret) : 0;
	}
	if (kind == FIELD_PORT)
		return parse_port_range(p, out);
	p->pos = start + len;
	if (memchr(p->s + start, ':', len))
		return fail(p, start,
			    "IPv6 address '%.*s': rules take IPv4 "
			    "addresses only",
			    (int)(len > 40 ? 40 : len), p->s + start);
	if (isdigit((unsigned char)c))
		return parse_cidr(p, start, len, out);
	return parse_name(p, start, len, out);
}

/* ADDRS into @out, normalised. */
static int parse_field(struct parser *p, enum field_kind kind,
		       struct fw_set *out)
{
	int ret = parse_set(p, kind, out);

	if (!ret)
		fw_set_normalise(out);
	return ret;
}

/* ACTION PROTO */
static int parse_head(struct parser *p, struct fw_rule *r)
{
	size_t start, len = peek_word(p, &start);
	char got[64];
	int v;

	v = fw_action_parse(p->s + start, len);
	if (v < 0) {
		what_is_at(p, start, got, sizeof(got));
		return fail(p, start,
			    "unknown action %s (expected allow, drop or "
			    "reject)",
			    got);
	}
	r->action = (uint8_t)v;
	canon_puts(p, action_words[v]);
	p->pos = start + len;
	len = peek_word(p, &start);
	for (v = 0; v < FW_PROTO_MAX; v++)
		if (word_is(p, start, len, proto_words[v]))
			break;
	if (v == FW_PROTO_MAX) {
		what_is_at(p, start, got, sizeof(got));
		return fail(p, start,
			    "unknown protocol %s (expected tcp, udp, icmp or "
			    "any)",
			    got);
	}
	r->proto = (uint8_t)v;
	canon_puts(p, " ");
	canon_puts(p, proto_words[v]);
	p->pos = start + len;
	return 0;
}

/* ADDRS [ "port" PORTS ] after "from" or "to". */
static int parse_endpoint(struct parser *p, struct fw_rule *r,
			  struct fw_set *addrs, struct fw_set *ports)
{
	size_t start, len;
	int ret;

	canon_puts(p, " ");
	ret = parse_field(p, FIELD_ADDR, addrs);
	if (ret)
		return ret;
	len = peek_word(p, &start);
	if (!word_is(p, start, len, "port")) {
		ret = fw_set_add(ports, 0, FW_PORT_MAX);
		return ret ? fail_errno(p, start, ret) : 0;
	}
	if (r->proto != FW_PROTO_TCP && r->proto != FW_PROTO_UDP)
		return fail(p, start,
			    "'port' needs protocol tcp or udp (rule says %s)",
			    proto_words[r->proto]);
	p->pos = start + len;
	canon_puts(p, " port ");
	return parse_field(p, FIELD_PORT, ports);
}

static int parse_rule(struct parser *p, struct fw_rule *r)
{
	char got[64];
	int ret;

	ret = parse_head(p, r);
	if (!ret)
		ret = expect_kw(p, "from", "before the source");
	if (!ret)
		ret = parse_endpoint(p, r, &r->src, &r->sport);
	if (!ret)
		ret = expect_kw(p, "to", "before the destination");
	if (!ret)
		ret = parse_endpoint(p, r, &r->dst, &r->dport);
	if (!ret && !at_end(p)) {
		what_is_at(p, p->pos, got, sizeof(got));
		ret = fail(p, p->pos, "unexpected %s after the rule", got);
	}
	return ret;
}

static void rule_init(struct fw_rule *r)
{
	memset(r, 0, sizeof(*r));
	fw_set_init(&r->src);
	fw_set_init(&r->dst);
	fw_set_init(&r->sport);
	fw_set_init(&r->dport);
}

/**
 * fw_rule_parse() - parse one rule (grammar in fw_rule.h)
 * @r: rule to fill; on error it is left empty (fw_rule_free() is harmless)
 * @text: the rule, NUL-terminated; a '#' comment may follow it
 * @where: file, line and starting column of @text, for messages and
 *         r->line; may be NULL
 * @resolve: turns host and group names into addresses; NULL: no names
 * @arg: passed to @resolve
 * @err: buffer for "FILE:LINE:COL: message" (one line, no newline)
 * @errsize: size of @err
 *
 * Return: 0; -EINVAL with @err set when the rule is malformed or a name is
 * unknown (resolver errors are reported the same way); -ENOMEM.
 */
int fw_rule_parse(struct fw_rule *r, const char *text,
		  const struct fw_where *where, fw_resolve_fn *resolve,
		  void *arg, char *err, size_t errsize)
{
	struct parser p = {
		.s = text,
		.where = where,
		.resolve = resolve,
		.arg = arg,
		.err = err,
		.errsize = errsize,
	};
	size_t size = 0;
	int ret;

	rule_init(r);
	r->line = where ? where->line : 0;
	if (errsize)
		err[0] = '\0';
	if (strnlen(text, FW_RULE_TEXT_MAX) == FW_RULE_TEXT_MAX)
		return fail(&p, 0, "rule longer than %d bytes",
			    FW_RULE_TEXT_MAX - 1);
	p.canon = open_memstream(&r->text, &size);
	if (!p.canon)
		return -ENOMEM;
	ret = parse_rule(&p, r);
	if (fclose(p.canon) && !ret)
		ret = -ENOMEM;
	if (ret)
		fw_rule_free(r);
	return ret;
}

/**
 * fw_addrs_parse() - parse an ADDRS on its own (a `define` of a rules file)
 * @out: empty set; receives the addresses, normalised
 * @text: the ADDRS, NUL-terminated; nothing but a comment may follow
 * @where: file, line and column of @text; may be NULL
 * @resolve: name resolver; NULL: no names
 * @arg: passed to @resolve
 * @err: buffer for "FILE:LINE:COL: message"
 * @errsize: size of @err
 *
 * Return: 0, -EINVAL with @err set, or -ENOMEM.
 */
int fw_addrs_parse(struct fw_set *out, const char *text,
		   const struct fw_where *where, fw_resolve_fn *resolve,
		   void *arg, char *err, size_t errsize)
{
	struct parser p = {
		.s = text,
		.where = where,
		.resolve = resolve,
		.arg = arg,
		.err = err,
		.errsize = errsize,
	};
	char got[64];
	int ret;

	if (errsize)
		err[0] = '\0';
	ret = parse_field(&p, FIELD_ADDR, out);
	if (!ret && !at_end(&p)) {
		what_is_at(&p, p.pos, got, sizeof(got));
		ret = fail(&p, p.pos, "unexpected %s after the addresses", got);
	}
	return ret;
}

/**
 * fw_rule_free() - release what fw_rule_parse() allocated in @r
 * @r: rule; left empty and safe to free again
 */
void fw_rule_free(struct fw_rule *r)
{
	fw_set_free(&r->src);
	fw_set_free(&r->dst);
	fw_set_free(&r->sport);
	fw_set_free(&r->dport);
	free(r->text);
	r->text = NULL;
}

/**
 * fw_proto_matches() - whether a protocol selector matches an IP protocol
 * @sel: enum fw_proto
 * @ip_proto: IP protocol number of the packet
 *
 * Return: true if @sel is any, or names @ip_proto (icmp: 1 or 58).
 */
bool fw_proto_matches(unsigned int sel, unsigned int ip_proto)
{
	switch (sel) {
	case FW_PROTO_ANY:
		return true;
	case FW_PROTO_TCP:
		return ip_proto == 6;
	case FW_PROTO_UDP:
		return ip_proto == 17;
	case FW_PROTO_ICMP:
		return ip_proto == 1 || ip_proto == 58;
	}
	return false;
}

static bool addr_matches(const struct fw_set *s, uint32_t a, bool v6)
{
	return v6 ? fw_set_is_full(s, UINT32_MAX) : fw_set_contains(s, a);
}

/**
 * fw_rule_matches() - whether @k matches @r (the linear reference)
 * @r: parsed rule
 * @k: packet key
 *
 * Return: true if every field of @r admits @k. No allocation.
 */
bool fw_rule_matches(const struct fw_rule *r, const struct fw_key *k)
{
	return fw_proto_matches(r->proto, k->proto) &&
	       addr_matches(&r->src, k->src, k->v6) &&
	       addr_matches(&r->dst, k->dst, k->v6) &&
	       fw_set_contains(&r->sport, k->sport) &&
	       fw_set_contains(&r->dport, k->dport);
}

/**
 * fw_rule_dump() - print @r's canonical text and resolved fields
 * @r: parsed rule
 * @f: stream
 *
 * Two lines: the canonical text, then "  src ... sport ... dst ... dport
 * ..." with addresses as prefixes and ports as ranges (golden format).
 */
void fw_rule_dump(const struct fw_rule *r, FILE *f)
{
	fprintf(f, "%s\n  src ", r->text ? r->text : "?");
	fw_set_print_prefixes(&r->src, f);
	fputs(" sport ", f);
	fw_set_print_ranges(&r->sport, f);
	fputs(" dst ", f);
	fw_set_print_prefixes(&r->dst, f);
	fputs(" dport ", f);
	fw_set_print_ranges(&r->dport, f);
	fputc('\n', f);
}
