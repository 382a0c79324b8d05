// SPDX-License-Identifier: MIT
/*
 * ips_addr.c - evaluate the address and port expressions of rule headers
 * into interval sets (grammar and meaning in ips_addr.h).
 *
 * One evaluator serves both kinds. It walks the text recursively and
 * gathers into a struct acc the positive and negative parts of each value
 * space (IPv4 and IPv6 for addresses, one space for ports); a "!" item is
 * evaluated on its own (a fresh acc) and its value joins the negatives.
 * Only the top-level value is turned into a final set. Control side only.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ips/ips_addr.h"

enum { SPACES_MAX = 2, ATOM_MAX = 128 };

/* positive and negative parts, per value space */
struct acc {
	struct ips_set pos[SPACES_MAX];
	struct ips_set neg[SPACES_MAX];
};

struct ctx {
	enum ips_var_kind kind;
	const struct ips_vars *vars;
	unsigned int n_spaces;
	char *err;
	size_t size;
};

static const unsigned __int128 addr_max[SPACES_MAX] = {IPS_V4_MAX, IPS_V6_MAX};

static unsigned __int128 space_max(const struct ctx *c, unsigned int i)
{
	return c->kind == IPS_VAR_PORT ? IPS_PORT_MAX : addr_max[i];
}

static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void acc_init(struct acc *a)
{
	for (int i = 0; i < SPACES_MAX; i++) {
		ips_set_init(&a->pos[i]);
		ips_set_init(&a->neg[i]);
	}
}

static void acc_free(struct acc *a)
{
	for (int i = 0; i < SPACES_MAX; i++) {
		ips_set_free(&a->pos[i]);
		ips_set_free(&a->neg[i]);
	}
}

/* Turn @a into its value (positive minus negative) in a->pos[]. */
static int acc_final(struct ctx *c, struct acc *a)
{
	bool empty = true;
	unsigned int i;
	int ret;

	for (i = 0; i < c->n_spaces; i++) {
		ips_set_normalise(&a->pos[i]);
		ips_set_normalise(&a->neg[i]);
		empty &= !a->pos[i].n;
	}
	for (i = 0; i < c->n_spaces; i++) {
		if (empty) {
			ret = ips_set_add(&a->pos[i], 0, space_max(c, i));
			if (ret)
				return ret;
		}
		ret = ips_set_minus(&a->pos[i], &a->neg[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < c->n_spaces; i++)
		if (a->pos[i].n)
			return 0;
	return fail(c, "%s set is empty (everything is negated)",
		    c->kind == IPS_VAR_PORT ? "port" : "address");
}

static int eval(struct ctx *c, const char *s, size_t len, struct acc *a,
		int depth);

static int add_atom_ports(struct ctx *c, const char *t, struct acc *a)
{
	unsigned long lo = 0, hi = IPS_PORT_MAX;
	const char *colon = strchr(t, ':');
	char *end;

	if (*t && *t != ':') {
		if (!isdigit((unsigned char)*t))
			goto bad;
		lo = strtoul(t, &end, 10);
		if (end != (colon ? colon : t + strlen(t)) || lo > 65535)
			goto bad;
	}
	if (!colon) {
		hi = lo;
	} else if (colon[1]) {
		if (!isdigit((unsigned char)colon[1]))
			goto bad;
		hi = strtoul(colon + 1, &end, 10);
		if (*end || hi > 65535)
			goto bad;
	} else if (colon == t) {
		goto bad;
	}
	if (hi < lo)
		return fail(c, "bad port range '%s' (first port above last)",
			    t);
	return ips_set_add(&a->pos[0], lo, hi);
bad:
	return fail(c, "bad port '%s'", t);
}

static bool parse_v4(const char *t, uint32_t *v)
{
	struct in_addr in;

	if (inet_pton(AF_INET, t, &in) != 1)
		return false;
	*v = ntohl(in.s_addr);
	return true;
}

static unsigned __int128 v6_value(const struct in6_addr *in)
{
	unsigned __int128 v = 0;

	for (int i = 0; i < 16; i++)
		v = v << 8 | in->s6_addr[i];
	return v;
}

static int add_prefix(struct ips_set *s, unsigned __int128 v, unsigned int len,
		      unsigned int bits)
{
	unsigned __int128 host;

	host = len == 0 ? (bits == 128 ? IPS_V6_MAX : IPS_V4_MAX)
			: ((unsigned __int128)1 << (bits - len)) - 1;
	return ips_set_add(s, v & ~host, v | host);
}

/* The part after '/': a length up to @bits or (IPv4) a contiguous mask. */
static bool prefix_len(const char *t, unsigned int bits, unsigned int *len)
{
	unsigned long n;
	uint32_t m;
	char *end;

	if (isdigit((unsigned char)*t)) {
		n = strtoul(t, &end, 10);
		if (!*end && n <= bits && end - t <= 3) {
			*len = n;
			return true;
		}
	}
	if (bits != 32 || !parse_v4(t, &m) || (m && (~m & (~m + 1))))
		return false;
	*len = m ? 32 - __builtin_ctz(m) : 0;
	return true;
}

static int add_atom_addr(struct ctx *c, char *t, struct acc *a)
{
	char *slash = strchr(t, '/'), *dash = strchr(t, '-');
	unsigned int len, bits = strchr(t, ':') ? 128 : 32;
	struct in6_addr in6;
	uint32_t lo, hi;

	if (slash)
		*slash = '\0';
	if (bits == 32 && dash && !slash) {
		*dash = '\0';
		if (!parse_v4(t, &lo) || !parse_v4(dash + 1, &hi))
			goto bad;
		if (hi < lo)
			return fail(c,
				    "bad address range '%s-%s' (first "
				    "address above last)",
				    t, dash + 1);
		return ips_set_add(&a->pos[0], lo, hi);
	}
	if (slash && !prefix_len(slash + 1, bits, &len))
		goto bad;
	if (!slash)
		len = bits;
	if (bits == 32) {
		if (!parse_v4(t, &lo))
			goto bad;
		return add_prefix(&a->pos[0], lo, len, 32);
	}
	if (inet_pton(AF_INET6, t, &in6) != 1)
		goto bad;
	return add_prefix(&a->pos[1], v6_value(&in6), len, 128);
bad:
	if (slash)
		*slash = '/';
	if (dash && !slash)
		*dash = '-';
	return fail(c, "bad address '%s'", t);
}

static int eval_var(struct ctx *c, const char *s, size_t len, struct acc *a,
		    int depth)
{
	enum ips_var_kind other =
		c->kind == IPS_VAR_ADDR ? IPS_VAR_PORT : IPS_VAR_ADDR;
	char name[IPS_VAR_NAME_MAX];
	const char *val;

	if (len >= sizeof(name))
		return fail(c, "unknown variable '%.*s'", (int)len + 1, s - 1);
	memcpy(name, s, len);
	name[len] = '\0';
	val = ips_vars_get(c->vars, c->kind, name);
	if (!val && ips_vars_get(c->vars, other, name))
		return fail(c, "'$%s' is a %s variable, not %s", name,
			    other == IPS_VAR_PORT ? "port" : "address",
			    other == IPS_VAR_PORT ? "an address group"
						  : "a port group");
	if (!val)
		return fail(c, "unknown variable '$%s'", name);
	return eval(c, val, strlen(val), a, depth + 1);
}

static int eval_atom(struct ctx *c, const char *s, size_t len, struct acc *a,
		     int depth)
{
	char t[ATOM_MAX];
	unsigned int i;
	int ret;

	if (*s == '$')
		return eval_var(c, s + 1, len - 1, a, depth);
	if (len >= sizeof(t))
		return fail(c, "bad %s '%.*s...'",
			    c->kind == IPS_VAR_PORT ? "port" : "address", 32,
			    s);
	memcpy(t, s, len);
	t[len] = '\0';
	if (!strcmp(t, "any")) {
		for (i = 0; i < c->n_spaces; i++) {
			ret = ips_set_add(&a->pos[i], 0, space_max(c, i));
			if (ret)
				return ret;
		}
		return 0;
	}
	if (c->kind == IPS_VAR_PORT)
		return add_atom_ports(c, t, a);
	return add_atom_addr(c, t, a);
}

static int eval_not(struct ctx *c, const char *s, size_t len, struct acc *a,
		    int depth)
{
	struct acc sub;
	unsigned int i;
	int ret;

	acc_init(&sub);
	ret = eval(c, s, len, &sub, depth + 1);
	if (!ret)
		ret = acc_final(c, &sub);
	for (i = 0; !ret && i < c->n_spaces; i++)
		ret = ips_set_add_set(&a->neg[i], &sub.pos[i]);
	acc_free(&sub);
	return ret;
}

static int eval_list(struct ctx *c, const char *s, size_t len, struct acc *a,
		     int depth)
{
	size_t i, start = 1;
	int level = 0, ret;

	for (i = 0; i < len; i++) {
		if (s[i] == '[') {
			level++;
		} else if (s[i] == ']' && --level == 0) {
			break;
		} else if (s[i] == ',' && level == 1) {
			ret = eval(c, s + start, i - start, a, depth + 1);
			if (ret)
				return ret;
			start = i + 1;
		}
	}
	if (i == len)
		return fail(c, "unterminated list '%.*s'", (int)len, s);
	if (i + 1 != len)
		return fail(c, "unexpected text after ']' in '%.*s'", (int)len,
			    s);
	return eval(c, s + start, i - start, a, depth + 1);
}

static int eval(struct ctx *c, const char *s, size_t len, struct acc *a,
		int depth)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (depth > IPS_ADDR_DEPTH_MAX)
		return fail(c, "lists or variables nested deeper than %d",
			    IPS_ADDR_DEPTH_MAX);
	if (!len)
		return fail(c, "empty %s", depth ? "list item" : "expression");
	if (*s == '!')
		return eval_not(c, s + 1, len - 1, a, depth);
	if (*s == '[')
		return eval_list(c, s, len, a, depth);
	for (size_t i = 0; i < len; i++)
		if (strchr("[],! \t", s[i]))
			return fail(c, "unexpected '%c' in '%.*s'", s[i],
				    (int)len, s);
	return eval_atom(c, s, len, a, depth);
}

static int parse(struct ctx *c, const char *text, struct acc *a)
{
	int ret;

	acc_init(a);
	ret = eval(c, text, strlen(text), a, 0);
	if (!ret)
		ret = acc_final(c, a);
	if (ret == -ENOMEM || ret == -E2BIG)
		snprintf(c->err, c->size, "%s", strerror(-ret));
	if (ret)
		acc_free(a);
	return ret;
}

/**
 * ips_addr_parse() - evaluate address expression @text
 * @text: expression (ips_addr.h)
 * @vars: address variables; may be NULL
 * @out: normalised result, owned by the caller (ips_addrs_free()); left
 *       empty on error
 * @err: buffer for the message on error (no location: the caller adds it)
 * @size: bytes of @err
 *
 * Return: 0, -EINVAL (bad syntax, unknown variable, empty result, too
 * deep), -ENOMEM or -E2BIG.
 */
int ips_addr_parse(const char *text, const struct ips_vars *vars,
		   struct ips_addrs *out, char *err, size_t size)
{
	struct ctx c = {IPS_VAR_ADDR, vars, 2, err, size};
	struct acc a;
	int ret;

	ips_addrs_init(out);
	ret = parse(&c, text, &a);
	if (ret)
		return ret;
	out->v4 = a.pos[0];
	out->v6 = a.pos[1];
	ips_set_free(&a.neg[0]);
	ips_set_free(&a.neg[1]);
	return 0;
}

/**
 * ips_port_parse() - evaluate port expression @text
 * @text: expression (ips_addr.h)
 * @vars: port variables; may be NULL
 * @out: normalised result, owned by the caller (ips_set_free()); left
 *       empty on error
 * @err: buffer for the message on error
 * @size: bytes of @err
 *
 * Return: as ips_addr_parse().
 */
int ips_port_parse(const char *text, const struct ips_vars *vars,
		   struct ips_set *out, char *err, size_t size)
{
	struct ctx c = {IPS_VAR_PORT, vars, 1, err, size};
	struct acc a;
	int ret;

	ips_set_init(out);
	ret = parse(&c, text, &a);
	if (ret)
		return ret;
	*out = a.pos[0];
	for (int i = 0; i < SPACES_MAX; i++)
		ips_set_free(&a.neg[i]);
	ips_set_free(&a.pos[1]);
	return 0;
}
