// SPDX-License-Identifier: MIT
/*
 * topo_yaml.c - loading the YAML document, and the helpers every part of
 * the topology parser uses to read it (see topo_yaml.h).
 *
 * libyaml's document loader turns the text into a node tree (it reports
 * syntax errors with a position). Before it runs, a first event pass
 * (tp_scan()) caps nesting and anchors, which libyaml handles in quadratic
 * time; libyaml 0.2.5 loads and frees documents without recursion, and the
 * input is capped at TOPO_FILE_MAX bytes. The helpers below check one value
 * each: a scalar, a bounded number, a name, a field map (unknown and
 * repeated keys refused: libyaml accepts repeated mapping keys), an IPv4
 * address with prefix, a MAC. Every message is "FILE:LINE:COL: ..." and
 * quotes user text through tp_show(), which truncates it and hides control
 * bytes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo_yaml.h"

enum {
	TP_DEPTH_MAX = 16, /* the schema itself needs 8 levels */
	TP_ANCHORS_MAX = 256,
};

static int tp_verr(struct tp *p, size_t line, size_t col, const char *fmt,
		   va_list ap)
{
	int n;

	if (!p->err || !p->errsize)
		return -EINVAL;
	n = snprintf(p->err, p->errsize, "%s:%zu:%zu: ", p->file, line, col);
	if (n >= 0 && (size_t)n < p->errsize)
		vsnprintf(p->err + n, p->errsize - n, fmt, ap);
	return -EINVAL;
}

/**
 * tp_err() - report an error at a node
 * @p:		parse state (the message goes to p->err)
 * @n:		node whose start position the message names
 * @fmt:	printf format of the text after "FILE:LINE:COL: "
 *
 * Return: -EINVAL, always.
 */
int tp_err(struct tp *p, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tp_verr(p, n->start_mark.line + 1, n->start_mark.column + 1, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/**
 * tp_err_at() - report an error at a position
 * @p:		parse state
 * @line:	1-based line
 * @col:	1-based column
 * @fmt:	printf format of the text after "FILE:LINE:COL: "
 *
 * Return: -EINVAL, always.
 */
int tp_err_at(struct tp *p, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tp_verr(p, line, col, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/**
 * tp_show() - user text made safe to quote in a message
 * @p:	parse state (owns TP_SHOW_SLOTS rotating buffers)
 * @s:	text from the file
 *
 * Return: @s cut to TP_SHOW_MAX bytes (then "..."), control bytes as '?';
 * valid until TP_SHOW_SLOTS more calls.
 */
const char *tp_show(struct tp *p, const char *s)
{
	char *out = p->show[p->nshow++ % TP_SHOW_SLOTS];
	size_t i;

	for (i = 0; s[i] && i < TP_SHOW_MAX; i++)
		out[i] =
			(unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (s[i]) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

/**
 * tp_node_kind() - "a mapping", "a list" or "a scalar", for messages
 * @n:	node
 *
 * Return: a static string.
 */
const char *tp_node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a scalar";
	}
}

/**
 * tp_node() - the node with document id @id
 * @p:	parse state
 * @id:	node id from a pair or list item
 *
 * Return: the node (libyaml's loader only makes valid ids).
 */
yaml_node_t *tp_node(struct tp *p, int id)
{
	return yaml_document_get_node(&p->doc, id);
}

/**
 * tp_is_null() - whether @n is a plain null scalar ("", ~, null)
 * @n:	node
 *
 * Return: true for a YAML null, which sections and field maps take as
 * empty.
 */
bool tp_is_null(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") ||
	       !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/**
 * tp_len() - number of items of a list or pairs of a mapping
 * @n:	node
 *
 * Return: the count, 0 for a scalar.
 */
size_t tp_len(const yaml_node_t *n)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return (size_t)(n->data.sequence.items.top -
				n->data.sequence.items.start);
	if (n->type == YAML_MAPPING_NODE)
		return (size_t)(n->data.mapping.pairs.top -
				n->data.mapping.pairs.start);
	return 0;
}

/**
 * tp_str() - @n as a C string
 * @p:		parse state
 * @n:		node
 * @what:	names the value in messages ("host 'a1': vlan")
 * @s:		receives the string, owned by the document
 *
 * Return: 0, or -EINVAL if @n is not a scalar, is null or holds a NUL.
 */
int tp_str(struct tp *p, yaml_node_t *n, const char *what, const char **s)
{
	if (n->type != YAML_SCALAR_NODE)
		return tp_err(p, n, "%s: expected a scalar, found %s", what,
			      tp_node_kind(n));
	if (tp_is_null(n))
		return tp_err(p, n, "%s: no value given", what);
	*s = (const char *)n->data.scalar.value;
	if (strlen(*s) != n->data.scalar.length)
		return tp_err(p, n, "%s: value contains a NUL byte", what);
	return 0;
}

/**
 * tp_parse_u32() - parse a decimal without sign or leading zeros
 * @s:	text, all of which must be the number
 * @v:	receives the value
 *
 * Return: false if @s is not such a number or exceeds UINT32_MAX.
 */
bool tp_parse_u32(const char *s, uint32_t *v)
{
	uint64_t x = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > UINT32_MAX)
			return false;
	}
	*v = (uint32_t)x;
	return true;
}

/**
 * tp_uint() - read the number field @key of element p->what
 * @p:		parse state
 * @n:		value node
 * @key:	field name, for messages
 * @min:	smallest value accepted
 * @max:	largest value accepted
 * @v:		receives the value
 *
 * Return: 0, or -EINVAL with "WHAT: KEY must be a number in MIN..MAX".
 */
int tp_uint(struct tp *p, yaml_node_t *n, const char *key, uint32_t min,
	    uint32_t max, uint32_t *v)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "%s: %s", p->what, key);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!tp_parse_u32(s, v) || *v < min || *v > max)
		return tp_err(p, n, "%s must be a number in %u..%u, not '%s'",
			      what, min, max, tp_show(p, s));
	return 0;
}

/* Copy the name in @n to @out (@max chars at most) if its syntax is right. */
static int tp_name(struct tp *p, yaml_node_t *n, const char *kind, size_t max,
		   char *out)
{
	const char *s;
	size_t i, len;
	int ret;

	ret = tp_str(p, n, kind, &s);
	if (ret)
		return ret;
	len = strlen(s);
	for (i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
			    s[i]))
			break;
	if (i < len || s[0] == '-')
		return tp_err(p, n,
			      "bad %s name '%s' (letters, digits, '_' and "
			      "'-', not starting with '-')",
			      kind, tp_show(p, s));
	if (len > max)
		return tp_err(p, n,
			      "%s name '%s' is longer than %zu characters",
			      kind, tp_show(p, s), max);
	memcpy(out, s, len + 1);
	return 0;
}

static void keys_list(const char *const keys[], char *buf, size_t size)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; keys[i] && off < size; i++)
		off += snprintf(buf + off, size - off, "%s%s", i ? ", " : "",
				keys[i]);
}

static int key_index(const char *const keys[], const char *s)
{
	int i;

	for (i = 0; keys[i]; i++)
		if (!strcmp(keys[i], s))
			return i;
	return -1;
}

static int tp_field(struct tp *p, yaml_node_pair_t *pair,
		    const char *const keys[], const char *const reserved[],
		    const char *where, yaml_node_t *knodes[],
		    yaml_node_t *vals[])
{
	yaml_node_t *k = tp_node(p, pair->key);
	char list[256], what[TP_WHAT_MAX + 8];
	const char *s;
	int i, ret;

	snprintf(what, sizeof(what), "%s: key", p->what);
	ret = tp_str(p, k, what, &s);
	if (ret)
		return ret;
	i = key_index(keys, s);
	if (i < 0 && reserved && key_index(reserved, s) >= 0)
		return tp_err(p, k, "'%s' is not supported yet", s);
	if (i < 0) {
		keys_list(keys, list, sizeof(list));
		return tp_err(p, k, "unknown key '%s' %s (expected: %s)",
			      tp_show(p, s), where, list);
	}
	if (knodes[i])
		return tp_err(p, k, "duplicate key '%s' %s (first at line %zu)",
			      s, where, knodes[i]->start_mark.line + 1);
	knodes[i] = k;
	vals[i] = tp_node(p, pair->value);
	return 0;
}

/**
 * tp_fields_reserved() - sort a field map by key, refusing reserved keys
 * @p:		parse state
 * @map:	the field map (a plain null counts as an empty map)
 * @keys:	NULL-terminated known keys, at most TP_FIELDS_MAX
 * @reserved:	NULL-terminated keys of features to come, or NULL; each is
 *		refused with "'KEY' is not supported yet"
 * @where:	where the map is, for messages ("in host 'a1'")
 * @vals:	receives each key's value node by its index in @keys, NULL
 *		when absent
 *
 * Return: 0, or -EINVAL at the first unknown or repeated key.
 */
int tp_fields_reserved(struct tp *p, yaml_node_t *map, const char *const keys[],
		       const char *const reserved[], const char *where,
		       yaml_node_t *vals[])
{
	yaml_node_t *knodes[TP_FIELDS_MAX] = {0};
	yaml_node_pair_t *pair;
	int i, ret;

	for (i = 0; keys[i]; i++)
		vals[i] = NULL;
	if (tp_is_null(map))
		return 0;
	if (map->type != YAML_MAPPING_NODE)
		return tp_err(p, map, "%s: expected a mapping, found %s",
			      p->what, tp_node_kind(map));
	for (pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		ret = tp_field(p, pair, keys, reserved, where, knodes, vals);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * tp_fields() - sort a field map by key; see tp_fields_reserved()
 * @p:		parse state
 * @map:	the field map
 * @keys:	NULL-terminated known keys, at most TP_FIELDS_MAX
 * @where:	where the map is, for messages
 * @vals:	receives the value nodes by key index
 *
 * Return: 0, or -EINVAL at the first unknown or repeated key.
 */
int tp_fields(struct tp *p, yaml_node_t *map, const char *const keys[],
	      const char *where, yaml_node_t *vals[])
{
	return tp_fields_reserved(p, map, keys, NULL, where, vals);
}

/**
 * tp_required() - complain that @key is missing unless @val is there
 * @p:		parse state
 * @map:	node the message points at
 * @val:	the key's value node, NULL when absent
 * @key:	the key
 *
 * Return: 0 if @val is set, else -EINVAL.
 */
int tp_required(struct tp *p, yaml_node_t *map, yaml_node_t *val,
		const char *key)
{
	if (val)
		return 0;
	return tp_err(p, map, "%s: missing required key '%s'", p->what, key);
}

/**
 * tp_section_map() - check an element map (NAME -> {...}, null = empty)
 * @p:		parse state
 * @n:		the section's value
 * @key:	the section's key, for messages
 * @max:	most elements allowed
 *
 * Return: 0, or -EINVAL if @n is not a mapping or is too long.
 */
int tp_section_map(struct tp *p, yaml_node_t *n, const char *key, int max)
{
	if (tp_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return tp_err(p, n,
			      "'%s': expected a mapping of NAME: {...}, "
			      "found %s",
			      key, tp_node_kind(n));
	if (n->data.mapping.pairs.top - n->data.mapping.pairs.start > max)
		return tp_err(p, n, "'%s': too many entries (limit %d)", key,
			      max);
	return 0;
}

/**
 * tp_section_list() - check an element list (- {...}, null = empty)
 * @p:		parse state
 * @n:		the list
 * @key:	its key, for messages
 * @max:	most elements allowed
 *
 * Return: 0, or -EINVAL if @n is not a list or is too long.
 */
int tp_section_list(struct tp *p, yaml_node_t *n, const char *key, int max)
{
	if (tp_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return tp_err(p, n, "'%s': expected a list of {...}, found %s",
			      key, tp_node_kind(n));
	if (n->data.sequence.items.top - n->data.sequence.items.start > max)
		return tp_err(p, n, "'%s': too many entries (limit %d)", key,
			      max);
	return 0;
}

/**
 * tp_each_pair() - run @fn on every pair of an element map
 * @p:	parse state
 * @n:	map checked by tp_section_map(), or NULL or null (nothing to do)
 * @fn:	called per pair; its first error stops the walk
 *
 * Return: 0 or the first error of @fn.
 */
int tp_each_pair(struct tp *p, yaml_node_t *n,
		 int (*fn)(struct tp *p, yaml_node_pair_t *pair))
{
	yaml_node_pair_t *pair;
	int ret;

	if (!n || tp_is_null(n))
		return 0;
	for (pair = n->data.mapping.pairs.start;
	     pair < n->data.mapping.pairs.top; pair++) {
		ret = fn(p, pair);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * tp_each_item() - run @fn on every item of an element list
 * @p:	parse state
 * @n:	list checked by tp_section_list(), or NULL or null
 * @fn:	called per item; its first error stops the walk
 *
 * Return: 0 or the first error of @fn.
 */
int tp_each_item(struct tp *p, yaml_node_t *n,
		 int (*fn)(struct tp *p, yaml_node_t *item))
{
	yaml_node_item_t *it;
	int ret;

	if (!n || tp_is_null(n))
		return 0;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		ret = fn(p, tp_node(p, *it));
		if (ret)
			return ret;
	}
	return 0;
}

/* Where a name is already used by any element, else 0. */
static int name_line(const struct topo *t, const char *name, int *col)
{
	int i;

	for (i = 0; i < t->nswitches; i++)
		if (!strcmp(t->switches[i].name, name))
			return *col = t->switches[i].col, t->switches[i].line;
	for (i = 0; i < t->nhosts; i++)
		if (!strcmp(t->hosts[i].name, name))
			return *col = t->hosts[i].col, t->hosts[i].line;
	for (i = 0; i < t->nvms; i++)
		if (!strcmp(t->vms[i].name, name))
			return *col = t->vms[i].col, t->vms[i].line;
	for (i = 0; i < t->nrouters; i++)
		if (!strcmp(t->routers[i].name, name))
			return *col = t->routers[i].col, t->routers[i].line;
	for (i = 0; i < t->ngroups; i++)
		if (!strcmp(t->groups[i].name, name))
			return *col = t->groups[i].col, t->groups[i].line;
	for (i = 0; i < t->nfirewalls; i++)
		if (!strcmp(t->firewalls[i].name, name))
			return *col = t->firewalls[i].col, t->firewalls[i].line;
	return 0;
}

/**
 * tp_elem_name() - read an element's name and check that it is new
 * @p:		parse state
 * @k:		the element's key node
 * @kind:	"switch", "host", ... for messages
 * @max:	longest name accepted
 * @out:	receives the name (@max + 1 bytes)
 * @line:	receives the key's line
 * @col:	receives the key's column
 *
 * Names are shared by switches, hosts, VMs, routers, groups and
 * firewalls. On a clash the error points at the later of the two in the
 * file.
 *
 * Return: 0, or -EINVAL for a bad or duplicate name.
 */
int tp_elem_name(struct tp *p, yaml_node_t *k, const char *kind, size_t max,
		 char *out, int *line, int *col)
{
	int ret, oline, ocol;

	ret = tp_name(p, k, kind, max, out);
	if (ret)
		return ret;
	*line = (int)k->start_mark.line + 1;
	*col = (int)k->start_mark.column + 1;
	oline = name_line(p->t, out, &ocol);
	if (!oline)
		return 0;
	if (oline < *line || (oline == *line && ocol < *col))
		return tp_err_at(p, *line, *col,
				 "duplicate name '%s' (first defined at line "
				 "%d)",
				 out, oline);
	return tp_err_at(p, oline, ocol,
			 "duplicate name '%s' (first defined at line %d)", out,
			 *line);
}

/**
 * tp_switch_ref() - resolve `switch: NAME` of element p->what
 * @p:	parse state
 * @n:	value node
 * @sw:	receives the index into p->t->switches
 *
 * Return: 0, or -EINVAL for an unknown switch.
 */
int tp_switch_ref(struct tp *p, yaml_node_t *n, uint16_t *sw)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int i, ret;

	snprintf(what, sizeof(what), "%s: switch", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	i = topo_switch_find(p->t, s);
	if (i < 0)
		return tp_err(p, n, "%s: unknown switch '%s'", p->what,
			      tp_show(p, s));
	*sw = (uint16_t)i;
	return 0;
}

/**
 * tp_vlan() - read `vlan: N` (1..TOPO_VLAN_MAX)
 * @p:		parse state
 * @n:		value node, NULL when the key is absent
 * @vlan:	receives the VLAN, 0 when absent
 *
 * Return: 0 or -EINVAL.
 */
int tp_vlan(struct tp *p, yaml_node_t *n, uint16_t *vlan)
{
	uint32_t v = 0;
	int ret;

	if (!n)
		return *vlan = 0, 0;
	ret = tp_uint(p, n, "vlan", 1, TOPO_VLAN_MAX, &v);
	*vlan = (uint16_t)v;
	return ret;
}

/**
 * tp_is_ifname() - whether @s is an interface name dcbox accepts
 * @s:	candidate
 *
 * Return: true for 1..TOPO_IFNAME_MAX-1 letters, digits, '_', '.', '-',
 * other than "." and "..".
 */
bool tp_is_ifname(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= TOPO_IFNAME_MAX || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len;
}

/**
 * tp_parse_ip4() - parse "A.B.C.D" at the start of @s
 * @s:	text
 * @a:	receives the address in network order
 *
 * Octets are decimal without leading zeros.
 *
 * Return: the first character after the address, or NULL.
 */
const char *tp_parse_ip4(const char *s, struct in_addr *a)
{
	uint32_t x = 0, octet;
	int i, digits;

	for (i = 0; i < 4; i++) {
		if (i && *s++ != '.')
			return NULL;
		octet = 0;
		for (digits = 0; *s >= '0' && *s <= '9' && digits < 4; digits++)
			octet = octet * 10 + (uint32_t)(*s++ - '0');
		if (!digits || digits > 3 || octet > 255 ||
		    (digits > 1 && s[-digits] == '0'))
			return NULL;
		x = x << 8 | octet;
	}
	a->s_addr = htonl(x);
	return s;
}

/**
 * tp_mask() - the netmask of a prefix length, in host order
 * @prefix:	0..32
 *
 * Return: the mask (0 for /0).
 */
uint32_t tp_mask(unsigned int prefix)
{
	return prefix ? ~0u << (32 - prefix) : 0;
}

/**
 * tp_is_unicast4() - whether a host-order address may be given to a NIC
 * @a:	address
 *
 * Return: false for 0/8, 127/8, multicast and class E.
 */
bool tp_is_unicast4(uint32_t a)
{
	unsigned int first = a >> 24;

	return first != 0 && first != 127 && first < 224;
}

/**
 * tp_ip() - read an interface address "A.B.C.D/LEN" of element p->what
 * @p:	parse state
 * @n:	value node
 * @ip:	receives address and prefix
 *
 * The address must be unicast and, up to /30, neither the network nor the
 * broadcast address of its subnet.
 *
 * Return: 0 or -EINVAL.
 */
int tp_ip(struct tp *p, yaml_node_t *n, struct topo_ip *ip)
{
	char what[TP_WHAT_MAX + 16];
	uint32_t a, mask, prefix;
	const char *s, *end;
	int ret;

	snprintf(what, sizeof(what), "%s: ip", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	end = tp_parse_ip4(s, &ip->addr);
	if (!end || *end != '/' || !tp_parse_u32(end + 1, &prefix) || !prefix ||
	    prefix > 32)
		return tp_err(p, n,
			      "%s: bad address '%s' (expected "
			      "A.B.C.D/LEN, LEN 1..32)",
			      p->what, tp_show(p, s));
	ip->prefix = (uint8_t)prefix;
	a = ntohl(ip->addr.s_addr);
	mask = tp_mask(prefix);
	if (!tp_is_unicast4(a))
		return tp_err(p, n, "%s: '%s' is not a unicast host address",
			      p->what, s);
	if (prefix <= 30 && !(a & ~mask))
		return tp_err(p, n,
			      "%s: '%s' is the network address of its "
			      "subnet",
			      p->what, s);
	if (prefix <= 30 && (a & ~mask) == ~mask)
		return tp_err(p, n,
			      "%s: '%s' is the broadcast address of its "
			      "subnet",
			      p->what, s);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/**
 * tp_parse_mac() - parse "aa:bb:cc:dd:ee:ff" (either case), all of @s
 * @s:		text
 * @mac:	receives the address
 *
 * Return: false if @s is not a MAC address.
 */
bool tp_parse_mac(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	for (i = 0; i < 6; i++, s += 3) {
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0 || s[2] != (i < 5 ? ':' : '\0'))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/**
 * tp_mac() - read `mac:` of element p->what: a unicast, non-zero MAC
 * @p:		parse state
 * @n:		value node
 * @mac:	receives the address
 *
 * Return: 0 or -EINVAL.
 */
int tp_mac(struct tp *p, yaml_node_t *n, uint8_t mac[6])
{
	static const uint8_t zero[6];
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "%s: mac", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!tp_parse_mac(s, mac))
		return tp_err(p, n,
			      "%s: bad MAC address '%s' (expected "
			      "aa:bb:cc:dd:ee:ff)",
			      p->what, tp_show(p, s));
	if (mac[0] & 1)
		return tp_err(p, n,
			      "%s: MAC %s is a multicast address (the "
			      "first octet must be even)",
			      p->what, s);
	if (!memcmp(mac, zero, 6))
		return tp_err(p, n, "%s: MAC %s is all zeros", p->what, s);
	return 0;
}

/* Line and column (1-based) of byte @off of @buf. */
static void buf_pos(const char *buf, size_t size, size_t off, size_t *line,
		    size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < size; i++) {
		if (buf[i] == '\n')
			++*line, *col = 1;
		else
			++*col;
	}
}

static int tp_yaml_error(struct tp *p, yaml_parser_t *yp, const char *buf,
			 size_t size)
{
	size_t line = yp->problem_mark.line + 1;
	size_t col = yp->problem_mark.column + 1;
	const char *problem = yp->problem ? yp->problem : "unknown problem";

	if (yp->error == YAML_MEMORY_ERROR) {
		tp_err_at(p, 1, 1, "out of memory while parsing YAML");
		return -ENOMEM;
	}
	if (yp->error == YAML_READER_ERROR)
		buf_pos(buf, size, yp->problem_offset, &line, &col);
	if (yp->error == YAML_COMPOSER_ERROR && yp->context)
		return tp_err_at(p, (int)line, (int)col,
				 "YAML error: %s (%s at line %zu)", problem,
				 yp->context, yp->context_mark.line + 1);
	return tp_err_at(p, (int)line, (int)col, "YAML syntax error: %s%s%s",
			 problem, yp->context ? " " : "",
			 yp->context ? yp->context : "");
}

static const char *ev_anchor(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return (const char *)ev->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return (const char *)ev->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return (const char *)ev->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

/*
 * Check one event of the first pass; see tp_scan(). Returns 1 at the end
 * of the stream, 0 to go on, or an error.
 */
static int tp_scan_event(struct tp *p, const yaml_event_t *ev, int *depth,
			 int *anchors, int *docs)
{
	int line = (int)ev->start_mark.line + 1;
	int col = (int)ev->start_mark.column + 1;

	if (ev_anchor(ev) && ++*anchors > TP_ANCHORS_MAX)
		return tp_err_at(p, line, col, "more than %d YAML anchors",
				 TP_ANCHORS_MAX);
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs > 1)
			return tp_err_at(p, line, col,
					 "a second YAML "
					 "document; a topology is one "
					 "document");
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++*depth > TP_DEPTH_MAX)
			return tp_err_at(p, line, col,
					 "nested deeper than %d "
					 "levels",
					 TP_DEPTH_MAX);
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		--*depth;
		return 0;
	default:
		return 0;
	}
}

/*
 * First pass over the event stream, before libyaml builds a document.
 * libyaml's scanner costs O(depth) per token and its loader O(anchors) per
 * anchor or alias, so unbounded nesting or anchors are a CPU bomb (200000
 * nested '[' take minutes). Stopping at TP_DEPTH_MAX levels and
 * TP_ANCHORS_MAX anchors keeps every input linear. This pass also reports
 * syntax errors and a second document.
 */
static int tp_scan(struct tp *p, const char *buf, size_t size)
{
	int depth = 0, anchors = 0, docs = 0, ret = 0;
	yaml_parser_t yp;
	yaml_event_t ev;

	if (!yaml_parser_initialize(&yp))
		return tp_err_at(p, 1, 1, "out of memory"), -ENOMEM;
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, size);
	while (!ret) {
		if (!yaml_parser_parse(&yp, &ev)) {
			ret = tp_yaml_error(p, &yp, buf, size);
			break;
		}
		ret = tp_scan_event(p, &ev, &depth, &anchors, &docs);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
	return ret < 0 ? ret : 0;
}

/**
 * tp_load() - load the one YAML document of @buf into p->doc
 * @p:		parse state
 * @buf:	YAML text, not necessarily NUL-terminated
 * @size:	its length
 *
 * Runs tp_scan() first, so nesting and anchors are bounded before libyaml
 * builds the tree.
 *
 * Return: 0 (the caller then owns p->doc and must delete it), -EINVAL for
 * bad YAML, or -ENOMEM.
 */
int tp_load(struct tp *p, const char *buf, size_t size)
{
	yaml_parser_t yp;
	int ret;

	ret = tp_scan(p, buf, size);
	if (ret)
		return ret;
	if (!yaml_parser_initialize(&yp))
		return tp_err_at(p, 1, 1, "out of memory"), -ENOMEM;
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, size);
	if (!yaml_parser_load(&yp, &p->doc))
		ret = tp_yaml_error(p, &yp, buf, size);
	yaml_parser_delete(&yp);
	return ret;
}
