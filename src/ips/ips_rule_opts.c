// SPDX-License-Identifier: MIT
/*
 * ips_rule_opts.c - the rule option keywords: one table, sorted by name
 * for bsearch, from each keyword dcbox supports to its handler, and the
 * list of keywords Suricata knows and dcbox does not (a rule using one is
 * skipped, not failed). Content and pcre decoding live in
 * ips_rule_content.c; this file holds the modifiers that attach to the
 * last content, the sticky buffers and the non-payload options.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ips/ips_rule_priv.h"

enum { VAL_NONE, VAL_REQ, VAL_OPT };

/* keywords that may appear once per rule */
enum {
	SEEN_SID = 1u << 0,
	SEEN_REV = 1u << 1,
	SEEN_GID = 1u << 2,
	SEEN_MSG = 1u << 3,
	SEEN_CLASSTYPE = 1u << 4,
	SEEN_PRIORITY = 1u << 5,
	SEEN_FLOW = 1u << 6,
	SEEN_DSIZE = 1u << 7,
	SEEN_URILEN = 1u << 8,
	SEEN_THRESHOLD = 1u << 9,
	SEEN_DETECTION_FILTER = 1u << 10,
	SEEN_ITYPE = 1u << 11,
	SEEN_ICODE = 1u << 12,
	SEEN_FLAGS = 1u << 13,
	SEEN_FAST_PATTERN = 1u << 14,
};

enum { TOKENS_MAX = 16, RELATIVE_MAX = 1 << 30 };

struct keyword {
	const char *name;
	int (*fn)(struct ips_parser *p, char *value, int arg);
	int arg;
	int value; /* VAL_* */
};

static int once(struct ips_parser *p, unsigned int bit)
{
	if (p->seen & bit)
		return ips_fail(p, "given twice");
	p->seen |= bit;
	return 0;
}

/* Split @v at commas into trimmed tokens; returns how many, -1 if > max. */
static int split(char *v, char **tok, int max)
{
	int n = 0;

	for (char *s = v;; s++) {
		char *c = strchr(s, ',');

		if (n == max)
			return -1;
		if (c)
			*c = '\0';
		s += strspn(s, " \t");
		for (char *e = s + strlen(s); e > s && isspace(e[-1]);)
			*--e = '\0';
		tok[n++] = s;
		if (!c)
			return n;
		s = c;
	}
}

static char *unquote(char *v)
{
	size_t n = strlen(v);
	char *o = v, *s = v;

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		s++;
	}
	for (; *s; s++) {
		if (*s == '\\' && s[1])
			s++;
		*o++ = *s;
	}
	*o = '\0';
	return v;
}

static int kw_msg(struct ips_parser *p, char *v, int arg)
{
	(void)arg;
	if (once(p, SEEN_MSG))
		return -EINVAL;
	p->r->msg = strdup(unquote(v));
	return p->r->msg ? 0 : ips_nomem(p);
}

static int kw_u32(struct ips_parser *p, char *v, int arg)
{
	struct ips_rule *r = p->r;
	long long n;

	if (once(p, (unsigned int)arg))
		return -EINVAL;
	if (!ips_parse_int(v, arg == SEEN_SID ? 1 : 0, UINT32_MAX, &n) ||
	    (arg == SEEN_PRIORITY && (n < 1 || n > 255)))
		return ips_fail(p, "bad number '%.32s'", v);
	if (arg == SEEN_SID)
		r->sid = n;
	else if (arg == SEEN_REV)
		r->rev = n;
	else if (arg == SEEN_GID)
		r->gid = n;
	else
		r->priority = n;
	return 0;
}

static int kw_classtype(struct ips_parser *p, char *v, int arg)
{
	(void)arg;
	if (once(p, SEEN_CLASSTYPE))
		return -EINVAL;
	for (const char *c = v; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return ips_fail(p, "bad name '%.32s'", v);
	if (!*v)
		return ips_fail(p, "empty");
	p->r->classtype = strdup(v);
	return p->r->classtype ? 0 : ips_nomem(p);
}

static int kw_reference(struct ips_parser *p, char *v, int arg)
{
	struct ips_rule *r = p->r;
	char *comma = strchr(v, ',');
	struct ips_ref *ref;
	int ret;

	(void)arg;
	if (!comma || comma == v || !comma[1])
		return ips_fail(p, "expected TYPE,VALUE, got '%.32s'", v);
	ret = ips_grow(p, (void **)&r->refs, r->n_refs, sizeof(*r->refs));
	if (ret)
		return ret;
	*comma = '\0';
	ref = &r->refs[r->n_refs++];
	ref->type = strdup(v);
	ref->value = strdup(comma + 1 + strspn(comma + 1, " \t"));
	return ref->type && ref->value ? 0 : ips_nomem(p);
}

static int kw_metadata(struct ips_parser *p, char *v, int arg)
{
	struct ips_rule *r = p->r;
	char *tok[IPS_MATCHES_MAX];
	int n, i, ret;

	(void)arg;
	n = split(v, tok, IPS_MATCHES_MAX);
	if (n < 0)
		return ips_fail(p, "too many entries");
	for (i = 0; i < n; i++) {
		if (!*tok[i])
			continue;
		ret = ips_grow(p, (void **)&r->metadata, r->n_metadata,
			       sizeof(*r->metadata));
		if (ret)
			return ret;
		r->metadata[r->n_metadata] = strdup(tok[i]);
		if (!r->metadata[r->n_metadata])
			return ips_nomem(p);
		r->n_metadata++;
	}
	return 0;
}

static int kw_content(struct ips_parser *p, char *v, int arg)
{
	int buf = arg >= 0 ? arg : (p->sticky >= 0 ? p->sticky : 0);
	struct ips_content c;
	struct ips_match *m;
	int ret;

	if (arg >= 0 && p->sticky >= 0 && p->sticky != arg)
		return ips_fail(p, "cannot follow sticky buffer '%s'",
				ips_buf_name(p->sticky));
	ret = ips_content_decode(p, v, &c);
	if (ret)
		return ret;
	ret = ips_match_add(p, IPS_MATCH_CONTENT, buf, &m);
	if (ret) {
		free(c.bytes);
		return ret;
	}
	m->content = c;
	p->last_content = p->last_pm = (int)p->r->n_matches - 1;
	return 0;
}

static int kw_pcre(struct ips_parser *p, char *v, int arg)
{
	struct ips_pcre pc;
	struct ips_match *m;
	int buf = -1, ret;

	(void)arg;
	ret = ips_pcre_parse(p, v, &pc, &buf);
	if (ret)
		return ret;
	if (p->sticky >= 0 && buf >= 0 && buf != p->sticky)
		ret = ips_fail(p,
			       "flag for buffer '%s' after sticky buffer "
			       "'%s'",
			       ips_buf_name(buf), ips_buf_name(p->sticky));
	if (buf < 0)
		buf = p->sticky >= 0 ? p->sticky : IPS_BUF_PAYLOAD;
	if (!ret)
		ret = ips_match_add(p, IPS_MATCH_PCRE, buf, &m);
	if (ret) {
		ips_pcre_free(&pc);
		return ret;
	}
	m->pcre = pc;
	p->last_pm = (int)p->r->n_matches - 1;
	return 0;
}

static int kw_sticky(struct ips_parser *p, char *v, int arg)
{
	(void)v;
	p->sticky = arg;
	return 0;
}

static struct ips_content *last_content(struct ips_parser *p)
{
	if (p->last_content < 0) {
		ips_fail(p, "needs a preceding content");
		return NULL;
	}
	return &p->r->matches[p->last_content].content;
}

/* Snort 2 style: content:"..."; http_uri; moves the content. */
static int kw_http_mod(struct ips_parser *p, char *v, int arg)
{
	struct ips_match *m;

	(void)v;
	if (!last_content(p))
		return -EINVAL;
	if (p->sticky >= 0)
		return ips_fail(p,
				"cannot modify a content after sticky "
				"buffer '%s'",
				ips_buf_name(p->sticky));
	m = &p->r->matches[p->last_content];
	if (m->buf != IPS_BUF_PAYLOAD && m->buf != arg)
		return ips_fail(p, "the content is already in buffer '%s'",
				ips_buf_name(m->buf));
	m->buf = arg;
	return 0;
}

static int kw_cflag(struct ips_parser *p, char *v, int arg)
{
	struct ips_content *c = last_content(p);

	(void)v;
	if (!c)
		return -EINVAL;
	if (arg == IPS_CONTENT_STARTSWITH &&
	    (c->flags & (IPS_CONTENT_OFFSET | IPS_CONTENT_DEPTH |
			 IPS_CONTENT_DISTANCE | IPS_CONTENT_WITHIN)))
		return ips_fail(p, "cannot be mixed with offset, depth, "
				   "distance or within");
	c->flags |= arg;
	return 0;
}

static int set_position(struct ips_parser *p, struct ips_content *c, int flag,
			long long n)
{
	if (flag == IPS_CONTENT_OFFSET) {
		c->offset = n;
	} else if (flag == IPS_CONTENT_DEPTH) {
		if (n < c->len)
			return ips_fail(p,
					"%lld is less than the content's "
					"length (%u)",
					n, c->len);
		c->depth = n;
	} else if (flag == IPS_CONTENT_DISTANCE) {
		c->distance = n;
	} else {
		if (n < c->len)
			return ips_fail(p,
					"%lld is less than the content's "
					"length (%u)",
					n, c->len);
		c->within = n;
	}
	c->flags |= flag;
	return 0;
}

static int kw_cpos(struct ips_parser *p, char *v, int arg)
{
	const unsigned int abs = IPS_CONTENT_OFFSET | IPS_CONTENT_DEPTH;
	const unsigned int rel = IPS_CONTENT_DISTANCE | IPS_CONTENT_WITHIN;
	struct ips_content *c = last_content(p);
	long long n;

	if (!c)
		return -EINVAL;
	if (!ips_parse_int(v, arg == IPS_CONTENT_DISTANCE ? -RELATIVE_MAX : 0,
			   RELATIVE_MAX, &n))
		return ips_fail(p, "bad number '%.32s'", v);
	if (c->flags & (unsigned int)arg)
		return ips_fail(p, "given twice for one content");
	if (c->flags & IPS_CONTENT_STARTSWITH)
		return ips_fail(p, "cannot be mixed with startswith");
	if (c->flags & ((arg & abs) ? rel : abs))
		return ips_fail(p, "cannot mix absolute (offset, depth) and "
				   "relative (distance, within) positions");
	return set_position(p, c, arg, n);
}

static int kw_fast_pattern(struct ips_parser *p, char *v, int arg)
{
	struct ips_content *c = last_content(p);
	long long off, len;
	char *tok[3];

	(void)arg;
	if (!c || once(p, SEEN_FAST_PATTERN))
		return -EINVAL;
	c->flags |= IPS_CONTENT_FAST_PATTERN;
	p->r->fast_pattern = p->last_content;
	if (!v)
		return 0;
	if (!strcmp(v, "only")) {
		c->flags |= IPS_CONTENT_FP_ONLY;
		return 0;
	}
	if (split(v, tok, 3) != 2 || !ips_parse_int(tok[0], 0, c->len, &off) ||
	    !ips_parse_int(tok[1], 1, c->len, &len) || off + len > c->len)
		return ips_fail(p, "expected 'only' or OFFSET,LENGTH within "
				   "the content");
	c->flags |= IPS_CONTENT_FP_CHOP;
	c->fp_offset = off;
	c->fp_len = len;
	return 0;
}

static int kw_rawbytes(struct ips_parser *p, char *v, int arg)
{
	(void)v;
	(void)arg;
	if (p->last_content >= 0)
		p->r->matches[p->last_content].content.flags |=
			IPS_CONTENT_RAWBYTES;
	return 0;
}

static const struct {
	const char *name;
	uint32_t bit;
} flow_words[] = {
	{"to_server", IPS_FLOW_TO_SERVER},
	{"from_client", IPS_FLOW_TO_SERVER},
	{"to_client", IPS_FLOW_TO_CLIENT},
	{"from_server", IPS_FLOW_TO_CLIENT},
	{"established", IPS_FLOW_ESTABLISHED},
	{"not_established", IPS_FLOW_NOT_ESTABLISHED},
	{"stateless", IPS_FLOW_STATELESS},
	{"only_stream", IPS_FLOW_ONLY_STREAM},
	{"no_stream", IPS_FLOW_NO_STREAM},
	{"only_frag", IPS_FLOW_ONLY_FRAG},
	{"no_frag", IPS_FLOW_NO_FRAG},
};

static const char *flow_name(uint32_t bit)
{
	for (size_t i = 0; i < sizeof(flow_words) / sizeof(flow_words[0]); i++)
		if (flow_words[i].bit == bit)
			return flow_words[i].name;
	return "?";
}

static int kw_flow(struct ips_parser *p, char *v, int arg)
{
	const uint32_t conflicts[] = {
		IPS_FLOW_TO_SERVER | IPS_FLOW_TO_CLIENT,
		IPS_FLOW_ESTABLISHED | IPS_FLOW_NOT_ESTABLISHED,
		IPS_FLOW_ESTABLISHED | IPS_FLOW_STATELESS,
		IPS_FLOW_ONLY_STREAM | IPS_FLOW_NO_STREAM,
		IPS_FLOW_ONLY_FRAG | IPS_FLOW_NO_FRAG,
	};
	char *tok[TOKENS_MAX];
	int n, i;
	size_t j;

	(void)arg;
	if (once(p, SEEN_FLOW))
		return -EINVAL;
	n = split(v, tok, TOKENS_MAX);
	for (i = 0; i < n; i++) {
		for (j = 0; j < sizeof(flow_words) / sizeof(flow_words[0]); j++)
			if (!strcmp(tok[i], flow_words[j].name))
				break;
		if (j == sizeof(flow_words) / sizeof(flow_words[0]))
			return ips_fail(p, "unknown flow option '%.32s'",
					tok[i]);
		p->r->flow |= flow_words[j].bit;
	}
	if (n < 0)
		return ips_fail(p, "too many flow options");
	for (j = 0; j < sizeof(conflicts) / sizeof(conflicts[0]); j++)
		if ((p->r->flow & conflicts[j]) == conflicts[j])
			return ips_fail(
				p, "%s and %s contradict each other",
				flow_name(conflicts[j] & -conflicts[j]),
				flow_name(conflicts[j] & (conflicts[j] - 1)));
	return 0;
}

static const char *const flowbit_ops[] = {
#define IPS_FLOWBIT_NAME(e, s) s,
	IPS_FLOWBIT_OPS(IPS_FLOWBIT_NAME)
#undef IPS_FLOWBIT_NAME
};

static int flowbit_names(struct ips_parser *p, struct ips_flowbit *fb,
			 char *names)
{
	bool any = strchr(names, '|'), all = strchr(names, '&');
	char *s = names, *e;

	if (any && all)
		return ips_fail(p, "cannot mix '|' and '&' in '%.64s'", names);
	fb->any_of = any;
	for (;;) {
		e = s + strcspn(s, "|&");
		if (e == s || fb->n_names == IPS_FLOWBIT_NAMES_MAX)
			return ips_fail(p, "bad name list '%.64s'", names);
		for (const char *c = s; c < e; c++)
			if (!isalnum((unsigned char)*c) && !strchr("._-", *c))
				return ips_fail(p, "bad name '%.*s'",
						(int)(e - s), s);
		fb->names[fb->n_names] = strndup(s, e - s);
		if (!fb->names[fb->n_names])
			return ips_nomem(p);
		fb->n_names++;
		if (!*e)
			return 0;
		s = e + 1;
	}
}

static int kw_flowbits(struct ips_parser *p, char *v, int arg)
{
	struct ips_rule *r = p->r;
	struct ips_flowbit *fb;
	char *tok[3];
	int n, ret;
	unsigned int op;

	(void)arg;
	n = split(v, tok, 3);
	if (n == 1 && !strcmp(tok[0], "noalert")) {
		r->noalert = true;
		return 0;
	}
	for (op = 0; op < IPS_FLOWBIT_OP_MAX; op++)
		if (n == 2 && !strcmp(tok[0], flowbit_ops[op]))
			break;
	if (op == IPS_FLOWBIT_OP_MAX)
		return ips_fail(p,
				"expected noalert or set, isset, unset, "
				"isnotset or toggle and a name, got "
				"'%.64s'",
				v);
	ret = ips_grow(p, (void **)&r->flowbits, r->n_flowbits,
		       sizeof(*r->flowbits));
	if (ret)
		return ret;
	fb = &r->flowbits[r->n_flowbits++];
	memset(fb, 0, sizeof(*fb));
	fb->op = op;
	return flowbit_names(p, fb, tok[1]);
}

static int kw_noalert(struct ips_parser *p, char *v, int arg)
{
	(void)v;
	(void)arg;
	p->r->noalert = true;
	return 0;
}

/* "N", "!N", "<N", ">N", "<=N", ">=N", "LO<>HI" */
static int parse_num(struct ips_parser *p, const char *v, struct ips_num *n,
		     long long max)
{
	static const char *const ops[] = {"<=", ">=", "<", ">", "!"};
	static const uint8_t codes[] = {IPS_NUM_LE, IPS_NUM_GE, IPS_NUM_LT,
					IPS_NUM_GT, IPS_NUM_NE};
	const char *range = strstr(v, "<>");
	long long lo, hi;
	char buf[64];
	size_t i;

	n->op = IPS_NUM_EQ;
	if (range && range - v < (int)sizeof(buf)) {
		snprintf(buf, sizeof(buf), "%.*s", (int)(range - v), v);
		if (!ips_parse_int(buf, 0, max, &lo) ||
		    !ips_parse_int(range + 2, 0, max, &hi) || lo >= hi)
			goto bad;
		n->op = IPS_NUM_RANGE;
		n->lo = lo;
		n->hi = hi;
		return 0;
	}
	v += strspn(v, " \t");
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!strncmp(v, ops[i], strlen(ops[i]))) {
			n->op = codes[i];
			v += strlen(ops[i]);
			break;
		}
	}
	if (!ips_parse_int(v, 0, max, &lo))
		goto bad;
	n->lo = lo;
	return 0;
bad:
	return ips_fail(p,
			"expected N, !N, <N, >N, <=N, >=N or LO<>HI "
			"(LO < HI <= %lld), got '%.32s'",
			max, v);
}

static int kw_num(struct ips_parser *p, char *v, int arg)
{
	struct ips_rule *r = p->r;

	if (once(p, (unsigned int)arg))
		return -EINVAL;
	if (arg == SEEN_DSIZE)
		return parse_num(p, v, &r->dsize, 65535);
	if (arg == SEEN_ITYPE)
		return parse_num(p, v, &r->itype, 255);
	return parse_num(p, v, &r->icode, 255);
}

static int kw_urilen(struct ips_parser *p, char *v, int arg)
{
	char *tok[2];
	int n;

	(void)arg;
	if (once(p, SEEN_URILEN))
		return -EINVAL;
	n = split(v, tok, 2);
	if (n == 2 && !strcmp(tok[1], "raw"))
		p->r->urilen_raw = true;
	else if (n == 2 && strcmp(tok[1], "norm"))
		return ips_fail(p,
				"expected 'norm' or 'raw' after the length, "
				"got '%.32s'",
				tok[1]);
	if (n < 0)
		return ips_fail(p, "expected LENGTH[,norm|raw]");
	return parse_num(p, tok[0], &p->r->urilen, 65535);
}

static int kw_bsize(struct ips_parser *p, char *v, int arg)
{
	struct ips_match *m;
	struct ips_num n;
	int ret;

	(void)arg;
	if (p->sticky < 0)
		return ips_fail(p, "needs a sticky buffer before it");
	ret = parse_num(p, v, &n, INT32_MAX);
	if (!ret)
		ret = ips_match_add(p, IPS_MATCH_BSIZE, p->sticky, &m);
	if (!ret)
		m->size = n;
	return ret;
}

static int tcp_flag_bits(const char *s, size_t len, uint8_t *out)
{
	static const char names[] = "FSRPAUCE";
	uint8_t bits = 0;

	for (size_t i = 0; i < len; i++) {
		const char *c = strchr(names, toupper((unsigned char)s[i]));

		if (s[i] == '1')
			bits |= IPS_TCP_CWR;
		else if (s[i] == '2')
			bits |= IPS_TCP_ECE;
		else if (s[i] == '0' && len == 1)
			bits = 0;
		else if (c && *c)
			bits |= 1u << (c - names);
		else
			return -EINVAL;
	}
	*out = bits;
	return 0;
}

static int kw_flags(struct ips_parser *p, char *v, int arg)
{
	struct ips_tcp_flags *f = &p->r->tcp_flags;
	char *tok[2];
	size_t len;
	int n;

	(void)arg;
	if (once(p, SEEN_FLAGS))
		return -EINVAL;
	n = split(v, tok, 2);
	if (n < 0)
		goto bad;
	if (strchr("+*!", tok[0][0]) && tok[0][0])
		f->mod = *tok[0]++;
	len = strlen(tok[0]);
	if (len && !f->mod && strchr("+*!", tok[0][len - 1]))
		f->mod = tok[0][--len];
	if (!len || tcp_flag_bits(tok[0], len, &f->set) ||
	    (n == 2 && tcp_flag_bits(tok[1], strlen(tok[1]), &f->ignore)))
		goto bad;
	f->given = true;
	return 0;
bad:
	return ips_fail(p, "expected [+*!]FLAGS[,IGNORED] with flags from "
			   "FSRPAUCE12 or 0");
}

static int kw_threshold(struct ips_parser *p, char *v, int arg)
{
	static const char *const types[] = {"", "limit", "threshold", "both"};
	static const char *const tracks[] = {"by_src", "by_dst", "by_rule",
					     "by_both"};
	struct ips_thresh *t = arg ? &p->r->detection_filter : &p->r->threshold;
	unsigned int have = 0;
	char *tok[TOKENS_MAX], *val;
	long long num;
	int n, i;
	size_t k;

	if (once(p, arg ? SEEN_DETECTION_FILTER : SEEN_THRESHOLD))
		return -EINVAL;
	n = split(v, tok, TOKENS_MAX);
	for (i = 0; i < n; i++) {
		val = tok[i] + strcspn(tok[i], " \t");
		if (*val)
			*val++ = '\0';
		val += strspn(val, " \t");
		if (!strcmp(tok[i], "type") && !arg) {
			for (k = 1; k < 4 && strcmp(val, types[k]); k++)
				;
			if (k == 4)
				goto bad;
			t->type = k;
			have |= 1;
		} else if (!strcmp(tok[i], "track")) {
			for (k = 0; k < 4 && strcmp(val, tracks[k]); k++)
				;
			if (k == 4)
				goto bad;
			t->track = k;
			have |= 2;
		} else if (!strcmp(tok[i], "count") &&
			   ips_parse_int(val, 1, UINT32_MAX, &num)) {
			t->count = num;
			have |= 4;
		} else if (!strcmp(tok[i], "seconds") &&
			   ips_parse_int(val, 1, UINT32_MAX, &num)) {
			t->seconds = num;
			have |= 8;
		} else {
			goto bad;
		}
	}
	if (arg)
		t->type = IPS_THRESH_DETECTION_FILTER;
	if (n > 0 && (have | (arg ? 1 : 0)) == 15)
		return 0;
bad:
	return ips_fail(p,
			"expected %strack by_src|by_dst|by_rule|by_both, "
			"count N, seconds N",
			arg ? "" : "type limit|threshold|both, ");
}

static const char *const byte_ops[] = {
#define IPS_BYTE_OP_NAME(e, s) s,
	IPS_BYTE_OPS(IPS_BYTE_OP_NAME)
#undef IPS_BYTE_OP_NAME
};

static int byte_op(struct ips_byte *b, const char *s)
{
	unsigned int i;

	if (*s == '!') {
		b->flags |= IPS_BYTE_NEGATED;
		s++;
		if (!*s) {
			b->op = IPS_BYTE_OP_EQ;
			return 0;
		}
	}
	for (i = 0; i < IPS_BYTE_OP_MAX; i++)
		if (!strcmp(s, byte_ops[i]))
			break;
	b->op = i;
	return i < IPS_BYTE_OP_MAX ? 0 : -EINVAL;
}

/* The words after the fixed fields of byte_test and byte_jump. */
static int byte_words(struct ips_byte *b, char **tok, int n, bool jump)
{
	static const struct {
		const char *w;
		uint32_t flag;
		bool jump_only;
	} words[] = {
		{"relative", IPS_BYTE_RELATIVE, false},
		{"little", IPS_BYTE_LITTLE, false},
		{"big", 0, false},
		{"string", IPS_BYTE_STRING, false},
		{"dce", IPS_BYTE_DCE, false},
		{"align", IPS_BYTE_ALIGN, true},
		{"from_beginning", IPS_BYTE_FROM_BEGINNING, true},
		{"from_end", IPS_BYTE_FROM_END, true},
	};
	long long v;

	for (int i = 0; i < n; i++) {
		char *arg = tok[i] + strcspn(tok[i], " \t");
		size_t k;

		if (*arg)
			*arg++ = '\0';
		arg += strspn(arg, " \t");
		for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if (!strcmp(tok[i], words[k].w) && !*arg &&
			    (jump || !words[k].jump_only))
				break;
		if (k < sizeof(words) / sizeof(words[0])) {
			b->flags |= words[k].flag;
		} else if (!*arg &&
			   (!strcmp(tok[i], "hex") || !strcmp(tok[i], "dec") ||
			    !strcmp(tok[i], "oct"))) {
			b->base = tok[i][0] == 'h'   ? 16
				  : tok[i][0] == 'd' ? 10
						     : 8;
		} else if (!strcmp(tok[i], "bitmask") &&
			   ips_parse_int(arg, 1, INT64_MAX, &v)) {
			b->flags |= IPS_BYTE_BITMASK;
			b->bitmask = v;
		} else if (jump && !strcmp(tok[i], "multiplier") &&
			   ips_parse_int(arg, 1, UINT16_MAX, &v)) {
			b->multiplier = v;
		} else if (jump && !strcmp(tok[i], "post_offset") &&
			   ips_parse_int(arg, -RELATIVE_MAX, RELATIVE_MAX,
					 &v)) {
			b->post_offset = v;
		} else {
			return -EINVAL;
		}
	}
	/* nbytes 0 with string: as many digits as there are (ET uses it) */
	if (b->flags & IPS_BYTE_STRING) {
		if (!b->base)
			b->base = 10;
		return b->nbytes <= 20 ? 0 : -EINVAL;
	}
	return b->base || !b->nbytes || b->nbytes > 8 ? -EINVAL : 0;
}

/* byte_test, byte_jump and isdataat go to the sticky buffer, else to the
 * previous content's or pcre's buffer if relative, else to the payload. */
static int byte_buf(const struct ips_parser *p, const struct ips_byte *b)
{
	if (p->sticky >= 0)
		return p->sticky;
	if ((b->flags & IPS_BYTE_RELATIVE) && p->last_pm >= 0)
		return p->r->matches[p->last_pm].buf;
	return IPS_BUF_PAYLOAD;
}

static int add_byte(struct ips_parser *p, enum ips_match_kind kind,
		    const struct ips_byte *b)
{
	struct ips_match *m;
	int ret;

	ret = ips_match_add(p, kind, byte_buf(p, b), &m);
	if (!ret)
		m->byte = *b;
	return ret;
}

/* Name the words after the @fixed fields of @tok, or the byte count. */
static int byte_error(struct ips_parser *p, char **tok, int n, int fixed)
{
	char words[128] = "";
	size_t len = 0;

	for (int i = fixed; i < n && len < sizeof(words); i++)
		len += snprintf(words + len, sizeof(words) - len, "%s%s",
				i > fixed ? "," : "", tok[i]);
	if (n == fixed)
		return ips_fail(p,
				"NBYTES %s out of range (1-8, or 0-20 with "
				"string)",
				tok[0]);
	return ips_fail(p,
			"bad options '%.64s' (or NBYTES %s out of range: "
			"1-8, or 0-20 with string)",
			words, tok[0]);
}

static int kw_byte_test(struct ips_parser *p, char *v, int arg)
{
	struct ips_byte b = {0};
	char *tok[TOKENS_MAX];
	long long nb, val, off;
	int n;

	(void)arg;
	n = split(v, tok, TOKENS_MAX);
	if (n < 4 || !ips_parse_int(tok[0], 0, 20, &nb) ||
	    byte_op(&b, tok[1]) || !ips_parse_int(tok[2], 0, INT64_MAX, &val) ||
	    !ips_parse_int(tok[3], -RELATIVE_MAX, RELATIVE_MAX, &off))
		return ips_fail(p, "expected NBYTES,[!]OP,VALUE,OFFSET[,...] "
				   "with OP one of < > = <= >= & ^");
	b.nbytes = nb;
	b.value = val;
	b.offset = off;
	if (byte_words(&b, tok + 4, n - 4, false))
		return byte_error(p, tok, n, 4);
	return add_byte(p, IPS_MATCH_BYTE_TEST, &b);
}

static int kw_byte_jump(struct ips_parser *p, char *v, int arg)
{
	struct ips_byte b = {.multiplier = 1};
	char *tok[TOKENS_MAX];
	long long nb, off;
	int n;

	(void)arg;
	n = split(v, tok, TOKENS_MAX);
	if (n < 2 || !ips_parse_int(tok[0], 0, 20, &nb) ||
	    !ips_parse_int(tok[1], -RELATIVE_MAX, RELATIVE_MAX, &off))
		return ips_fail(p, "expected NBYTES,OFFSET[,...]");
	b.nbytes = nb;
	b.offset = off;
	if (byte_words(&b, tok + 2, n - 2, true) ||
	    ((b.flags & IPS_BYTE_FROM_BEGINNING) &&
	     (b.flags & IPS_BYTE_FROM_END)))
		return byte_error(p, tok, n, 2);
	return add_byte(p, IPS_MATCH_BYTE_JUMP, &b);
}

static int kw_isdataat(struct ips_parser *p, char *v, int arg)
{
	struct ips_byte b = {0};
	char *tok[3];
	long long off;
	int n, i;

	(void)arg;
	n = split(v, tok, 3);
	if (n > 0 && tok[0][0] == '!') {
		b.flags |= IPS_BYTE_NEGATED;
		tok[0]++;
	}
	if (n < 1 || !ips_parse_int(tok[0], 0, RELATIVE_MAX, &off))
		goto bad;
	for (i = 1; i < n; i++) {
		if (!strcmp(tok[i], "relative"))
			b.flags |= IPS_BYTE_RELATIVE;
		else if (!strcmp(tok[i], "rawbytes"))
			b.flags |= IPS_BYTE_RAWBYTES;
		else
			goto bad;
	}
	b.offset = off;
	return add_byte(p, IPS_MATCH_ISDATAAT, &b);
bad:
	return ips_fail(p, "expected [!]N[,relative][,rawbytes]");
}

/* Sorted by strcmp() (LC_ALL=C sort) for bsearch; a unit test checks. */
static const struct keyword keywords[] = {
	{"bsize", kw_bsize, 0, VAL_REQ},
	{"byte_jump", kw_byte_jump, 0, VAL_REQ},
	{"byte_test", kw_byte_test, 0, VAL_REQ},
	{"classtype", kw_classtype, 0, VAL_REQ},
	{"content", kw_content, -1, VAL_REQ},
	{"depth", kw_cpos, IPS_CONTENT_DEPTH, VAL_REQ},
	{"detection_filter", kw_threshold, 1, VAL_REQ},
	{"distance", kw_cpos, IPS_CONTENT_DISTANCE, VAL_REQ},
	{"dns.query", kw_sticky, IPS_BUF_DNS_QUERY, VAL_NONE},
	{"dns_query", kw_sticky, IPS_BUF_DNS_QUERY, VAL_NONE},
	{"dsize", kw_num, SEEN_DSIZE, VAL_REQ},
	{"endswith", kw_cflag, IPS_CONTENT_ENDSWITH, VAL_NONE},
	{"fast_pattern", kw_fast_pattern, 0, VAL_OPT},
	{"file.data", kw_sticky, IPS_BUF_FILE_DATA, VAL_NONE},
	{"file_data", kw_sticky, IPS_BUF_FILE_DATA, VAL_NONE},
	{"flags", kw_flags, 0, VAL_REQ},
	{"flow", kw_flow, 0, VAL_REQ},
	{"flowbits", kw_flowbits, 0, VAL_REQ},
	{"gid", kw_u32, SEEN_GID, VAL_REQ},
	{"http.accept", kw_sticky, IPS_BUF_HTTP_ACCEPT, VAL_NONE},
	{"http.accept_enc", kw_sticky, IPS_BUF_HTTP_ACCEPT_ENC, VAL_NONE},
	{"http.accept_lang", kw_sticky, IPS_BUF_HTTP_ACCEPT_LANG, VAL_NONE},
	{"http.connection", kw_sticky, IPS_BUF_HTTP_CONNECTION, VAL_NONE},
	{"http.content_len", kw_sticky, IPS_BUF_HTTP_CONTENT_LEN, VAL_NONE},
	{"http.content_type", kw_sticky, IPS_BUF_HTTP_CONTENT_TYPE, VAL_NONE},
	{"http.cookie", kw_sticky, IPS_BUF_HTTP_COOKIE, VAL_NONE},
	{"http.header", kw_sticky, IPS_BUF_HTTP_HEADER, VAL_NONE},
	{"http.header.raw", kw_sticky, IPS_BUF_HTTP_HEADER_RAW, VAL_NONE},
	{"http.header_names", kw_sticky, IPS_BUF_HTTP_HEADER_NAMES, VAL_NONE},
	{"http.host", kw_sticky, IPS_BUF_HTTP_HOST, VAL_NONE},
	{"http.host.raw", kw_sticky, IPS_BUF_HTTP_HOST_RAW, VAL_NONE},
	{"http.location", kw_sticky, IPS_BUF_HTTP_LOCATION, VAL_NONE},
	{"http.method", kw_sticky, IPS_BUF_HTTP_METHOD, VAL_NONE},
	{"http.protocol", kw_sticky, IPS_BUF_HTTP_PROTOCOL, VAL_NONE},
	{"http.referer", kw_sticky, IPS_BUF_HTTP_REFERER, VAL_NONE},
	{"http.request_body", kw_sticky, IPS_BUF_HTTP_REQUEST_BODY, VAL_NONE},
	{"http.request_line", kw_sticky, IPS_BUF_HTTP_REQUEST_LINE, VAL_NONE},
	{"http.response_body", kw_sticky, IPS_BUF_HTTP_RESPONSE_BODY, VAL_NONE},
	{"http.response_line", kw_sticky, IPS_BUF_HTTP_RESPONSE_LINE, VAL_NONE},
	{"http.server", kw_sticky, IPS_BUF_HTTP_SERVER, VAL_NONE},
	{"http.start", kw_sticky, IPS_BUF_HTTP_START, VAL_NONE},
	{"http.stat_code", kw_sticky, IPS_BUF_HTTP_STAT_CODE, VAL_NONE},
	{"http.stat_msg", kw_sticky, IPS_BUF_HTTP_STAT_MSG, VAL_NONE},
	{"http.uri", kw_sticky, IPS_BUF_HTTP_URI, VAL_NONE},
	{"http.uri.raw", kw_sticky, IPS_BUF_HTTP_URI_RAW, VAL_NONE},
	{"http.user_agent", kw_sticky, IPS_BUF_HTTP_USER_AGENT, VAL_NONE},
	{"http_client_body", kw_http_mod, IPS_BUF_HTTP_REQUEST_BODY, VAL_NONE},
	{"http_cookie", kw_http_mod, IPS_BUF_HTTP_COOKIE, VAL_NONE},
	{"http_header", kw_http_mod, IPS_BUF_HTTP_HEADER, VAL_NONE},
	{"http_host", kw_http_mod, IPS_BUF_HTTP_HOST, VAL_NONE},
	{"http_method", kw_http_mod, IPS_BUF_HTTP_METHOD, VAL_NONE},
	{"http_raw_header", kw_http_mod, IPS_BUF_HTTP_HEADER_RAW, VAL_NONE},
	{"http_raw_host", kw_http_mod, IPS_BUF_HTTP_HOST_RAW, VAL_NONE},
	{"http_raw_uri", kw_http_mod, IPS_BUF_HTTP_URI_RAW, VAL_NONE},
	{"http_server_body", kw_http_mod, IPS_BUF_HTTP_RESPONSE_BODY, VAL_NONE},
	{"http_stat_code", kw_http_mod, IPS_BUF_HTTP_STAT_CODE, VAL_NONE},
	{"http_stat_msg", kw_http_mod, IPS_BUF_HTTP_STAT_MSG, VAL_NONE},
	{"http_uri", kw_http_mod, IPS_BUF_HTTP_URI, VAL_NONE},
	{"http_user_agent", kw_http_mod, IPS_BUF_HTTP_USER_AGENT, VAL_NONE},
	{"icode", kw_num, SEEN_ICODE, VAL_REQ},
	{"isdataat", kw_isdataat, 0, VAL_REQ},
	{"itype", kw_num, SEEN_ITYPE, VAL_REQ},
	{"ja3.hash", kw_sticky, IPS_BUF_JA3_HASH, VAL_NONE},
	{"ja3.string", kw_sticky, IPS_BUF_JA3_STRING, VAL_NONE},
	{"ja3_hash", kw_sticky, IPS_BUF_JA3_HASH, VAL_NONE},
	{"ja3_string", kw_sticky, IPS_BUF_JA3_STRING, VAL_NONE},
	{"ja3s.hash", kw_sticky, IPS_BUF_JA3S_HASH, VAL_NONE},
	{"metadata", kw_metadata, 0, VAL_REQ},
	{"msg", kw_msg, 0, VAL_REQ},
	{"noalert", kw_noalert, 0, VAL_NONE},
	{"nocase", kw_cflag, IPS_CONTENT_NOCASE, VAL_NONE},
	{"offset", kw_cpos, IPS_CONTENT_OFFSET, VAL_REQ},
	{"pcre", kw_pcre, 0, VAL_REQ},
	{"pkt_data", kw_sticky, IPS_BUF_PAYLOAD, VAL_NONE},
	{"priority", kw_u32, SEEN_PRIORITY, VAL_REQ},
	{"rawbytes", kw_rawbytes, 0, VAL_NONE},
	{"reference", kw_reference, 0, VAL_REQ},
	{"rev", kw_u32, SEEN_REV, VAL_REQ},
	{"sid", kw_u32, SEEN_SID, VAL_REQ},
	{"startswith", kw_cflag, IPS_CONTENT_STARTSWITH, VAL_NONE},
	{"threshold", kw_threshold, 0, VAL_REQ},
	{"tls.cert_issuer", kw_sticky, IPS_BUF_TLS_CERT_ISSUER, VAL_NONE},
	{"tls.cert_serial", kw_sticky, IPS_BUF_TLS_CERT_SERIAL, VAL_NONE},
	{"tls.cert_subject", kw_sticky, IPS_BUF_TLS_CERT_SUBJECT, VAL_NONE},
	{"tls.sni", kw_sticky, IPS_BUF_TLS_SNI, VAL_NONE},
	{"tls_cert_issuer", kw_sticky, IPS_BUF_TLS_CERT_ISSUER, VAL_NONE},
	{"tls_cert_serial", kw_sticky, IPS_BUF_TLS_CERT_SERIAL, VAL_NONE},
	{"tls_cert_subject", kw_sticky, IPS_BUF_TLS_CERT_SUBJECT, VAL_NONE},
	{"tls_sni", kw_sticky, IPS_BUF_TLS_SNI, VAL_NONE},
	{"uricontent", kw_content, IPS_BUF_HTTP_URI, VAL_REQ},
	{"urilen", kw_urilen, 0, VAL_REQ},
	{"within", kw_cpos, IPS_CONTENT_WITHIN, VAL_REQ},
};

/* Suricata keywords dcbox does not implement: rules using them are
 * skipped with a warning that names the keyword. */
static const char *const unsupported[] = {
	"app-layer-event",
	"app-layer-protocol",
	"asn1",
	"base64_data",
	"base64_decode",
	"byte_extract",
	"byte_math",
	"cip_service",
	"compress_whitespace",
	"dataset",
	"datarep",
	"dce_iface",
	"dce_opnum",
	"dce_stub_data",
	"dcerpc.iface",
	"dcerpc.opnum",
	"dcerpc.stub_data",
	"decode-event",
	"dnp3_data",
	"dnp3_func",
	"dnp3_ind",
	"dnp3_obj",
	"dns.opcode",
	"dotprefix",
	"enip_command",
	"file.magic",
	"file.name",
	"fileext",
	"filemagic",
	"filemd5",
	"filename",
	"filesha1",
	"filesha256",
	"filesize",
	"filestore",
	"flow.age",
	"flowint",
	"fragbits",
	"fragoffset",
	"ftpbounce",
	"ftpdata_command",
	"geoip",
	"header_lowercase",
	"hostbits",
	"http.request_header",
	"http.response_header",
	"http2.errorcode",
	"http2.frametype",
	"http2.header",
	"http2.priority",
	"http2.settings",
	"http2.window",
	"icmp_id",
	"icmp_seq",
	"icmpv6.hdr",
	"id",
	"ip_proto",
	"ipopts",
	"iprep",
	"ipv4.hdr",
	"ipv6.hdr",
	"ja3s.string",
	"krb5_cname",
	"krb5_err_code",
	"krb5_msg_type",
	"krb5_sname",
	"lua",
	"luajit",
	"modbus",
	"mqtt.type",
	"nfs_procedure",
	"nfs.version",
	"pcrexform",
	"prefilter",
	"replace",
	"requires",
	"rpc",
	"sameip",
	"seq",
	"ack",
	"sip.method",
	"sip.uri",
	"smb.named_pipe",
	"smb.share",
	"snmp.community",
	"snmp.pdu_type",
	"snmp.version",
	"ssh.hassh",
	"ssh.hassh.server",
	"ssh.proto",
	"ssh.protoversion",
	"ssh.software",
	"ssh.softwareversion",
	"ssh_proto",
	"ssl_state",
	"ssl_version",
	"stream_size",
	"strip_whitespace",
	"tag",
	"target",
	"tcp.hdr",
	"tcp.mss",
	"template",
	"tls.cert_fingerprint",
	"tls.certs",
	"tls.fingerprint",
	"tls.store",
	"tls.subject",
	"tls.issuerdn",
	"tls.version",
	"tls_cert_expired",
	"tls_cert_notafter",
	"tls_cert_notbefore",
	"tls_cert_valid",
	"to_md5",
	"to_lowercase",
	"to_sha1",
	"to_sha256",
	"tos",
	"ttl",
	"udp.hdr",
	"url_decode",
	"window",
	"xbits",
	"xor",
	"urilen.raw",
	"http.header_names.raw",
	"bsize.raw",
	"ike.exchtype",
	"tls.random",
	"quic.version",
	"quic.sni",
	"quic.ua",
};

static int kw_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct keyword *)elem)->name);
}

static const struct keyword *kw_find(const char *name)
{
	return bsearch(name, keywords, sizeof(keywords) / sizeof(keywords[0]),
		       sizeof(keywords[0]), kw_cmp);
}

/**
 * ips_keyword_supported() - does the parser implement option @name?
 * @name: option keyword ("content", "http.uri", ...)
 *
 * Return: true if a rule may use it; also checks (in a unit test) that
 * the keyword table is sorted, by finding every entry.
 */
bool ips_keyword_supported(const char *name)
{
	return kw_find(name) != NULL;
}

/**
 * ips_rule_option() - apply option "@name[:@value]" to the rule
 * @p: parser
 * @name: keyword
 * @value: text after ':', trimmed, writable; NULL if there was no ':'
 *
 * Return: 0, -ENOTSUP (a keyword dcbox does not implement), -EINVAL,
 * -ENOMEM; p->err is set when the return is not 0.
 */
int ips_rule_option(struct ips_parser *p, const char *name, char *value)
{
	const struct keyword *k = kw_find(name);
	size_t i;

	if (!k) {
		for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]);
		     i++)
			if (!strcmp(name, unsupported[i]))
				return ips_skip(p, "keyword", name);
		p->kw = NULL;
		ips_fail(p, "unknown keyword '%.64s'", name);
		snprintf(p->err->reason, sizeof(p->err->reason),
			 "unknown keyword '%.40s'", name);
		return -EINVAL;
	}
	p->kw = k->name;
	if (k->value == VAL_REQ && (!value || !*value))
		return ips_fail(p, "needs a value");
	if (k->value == VAL_NONE && value)
		return ips_fail(p, "takes no value");
	return k->fn(p, value, k->arg);
}
