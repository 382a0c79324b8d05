// SPDX-License-Identifier: MIT
/*
 * topo_parse.c - load a topology YAML file into struct topo.
 *
 * libyaml's document loader turns the text into a node tree (it reports
 * syntax errors with a position); this file walks that tree along the fixed
 * schema (top level -> section -> element -> field), checks every value as
 * it copies it into struct topo, and resolves names to indices. The
 * cross-element rules that need the whole model (L2 loops, address and
 * interface name clashes) live in topo_validate.c, which runs last.
 *
 * Theory of operation:
 *  - The walk is driven by the schema, never by the input's shape, so its
 *    depth is constant. libyaml 0.2.5 loads and frees documents without
 *    recursion, and the input is capped at TOPO_FILE_MAX bytes. A first
 *    event pass (tp_scan()) caps nesting and anchors, which libyaml
 *    handles in quadratic time.
 *  - Aliases are fine: the loader shares the aliased node, and every list
 *    and map we iterate is capped (element limits, TOPO_VLAN_MAX trunk
 *    items, and each field map stops at its first unknown or repeated key),
 *    so an alias bomb cannot make the walk expensive.
 *  - libyaml accepts repeated mapping keys; tp_fields() rejects them in
 *    field maps, and the global name check catches them in element maps.
 *  - Every message is "FILE:LINE:COL: ..." and quotes user text through
 *    tp_show(), which truncates it and hides control bytes.
 *  - Sections are processed in dependency order (switches, hosts, vms,
 *    links, mirrors) whatever their order in the file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "topo/topo.h"

enum {
	TP_SHOW_SLOTS = 4, /* tp_show() results alive in one message */
	TP_SHOW_MAX = 40, /* user text quoted in a message, in bytes */
	TP_WHAT_MAX = 64,
	TP_DEPTH_MAX = 16, /* the schema itself needs 4 levels */
	TP_ANCHORS_MAX = 256,
};

/* struct tp - state of one parse; nothing outlives topo_parse_buf() */
struct tp {
	struct topo *t;
	yaml_document_t doc;
	const char *file;
	char *err;
	size_t errsize;
	char what[TP_WHAT_MAX]; /* element being parsed: "host 'a1'" */
	char show[TP_SHOW_SLOTS][TP_SHOW_MAX + 4];
	unsigned int nshow;
};

/* Field tables: one NULL-terminated key list per kind of mapping. */
enum {
	TOP_NAME,
	TOP_SWITCHES,
	TOP_LINKS,
	TOP_HOSTS,
	TOP_VMS,
	TOP_MIRRORS,
	TOP_N
};
static const char *const top_keys[] = {"name", "switches", "links", "hosts",
				       "vms",  "mirrors",  NULL};
static const char *const top_future[] = {"routers", "firewalls", "groups",
					 "tunnels", NULL};

enum { SW_AGING, SW_LIMIT, SW_TABLE, SW_N };
static const char *const sw_keys[] = {"mac-aging", "mac-limit", "mac-table",
				      NULL};

enum { HOST_SWITCH, HOST_VLAN, HOST_IP, HOST_GW, HOST_MAC, HOST_LIMIT, HOST_N };
static const char *const host_keys[] = {"switch", "vlan",      "ip", "gw",
					"mac",	  "mac-limit", NULL};

enum { VM_SWITCH, VM_VLAN, VM_TAP, VM_LIMIT, VM_ATTACH, VM_N };
static const char *const vm_keys[] = {"switch", "vlan", "tap", "mac-limit",
				      "attach", NULL};

enum { LINK_BETWEEN, LINK_TRUNK, LINK_N };
static const char *const link_keys[] = {"between", "trunk", NULL};

enum { MIR_PORT, MIR_TO, MIR_DIR, MIR_N };
static const char *const mirror_keys[] = {"port", "to", "direction", NULL};

enum { TP_FIELDS_MAX = TOP_N }; /* the largest of the *_N above */

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

/* Report an error at node @n; always returns -EINVAL. */
__attribute__((format(printf, 3, 4))) static int
tp_err(struct tp *p, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tp_verr(p, n->start_mark.line + 1, n->start_mark.column + 1, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Report an error at a 1-based line and column. */
__attribute__((format(printf, 4, 5))) static int
tp_err_at(struct tp *p, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tp_verr(p, line, col, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* User text made safe to quote: at most TP_SHOW_MAX bytes, no controls. */
static const char *tp_show(struct tp *p, const char *s)
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

static const char *node_kind(const yaml_node_t *n)
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

static yaml_node_t *tp_node(struct tp *p, int id)
{
	return yaml_document_get_node(&p->doc, id);
}

static bool is_null(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") ||
	       !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* @n as a C string; @what names it in messages ("host 'a1': vlan"). */
static int tp_str(struct tp *p, yaml_node_t *n, const char *what,
		  const char **s)
{
	if (n->type != YAML_SCALAR_NODE)
		return tp_err(p, n, "%s: expected a scalar, found %s", what,
			      node_kind(n));
	if (is_null(n))
		return tp_err(p, n, "%s: no value given", what);
	*s = (const char *)n->data.scalar.value;
	if (strlen(*s) != n->data.scalar.length)
		return tp_err(p, n, "%s: value contains a NUL byte", what);
	return 0;
}

/* Parse a decimal without sign or leading zeros; false if not one. */
static bool parse_u32(const char *s, uint32_t *v)
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

static int tp_uint(struct tp *p, yaml_node_t *n, const char *key, uint32_t min,
		   uint32_t max, uint32_t *v)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "%s: %s", p->what, key);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!parse_u32(s, v) || *v < min || *v > max)
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
		    const char *const keys[], const char *where,
		    yaml_node_t *knodes[], yaml_node_t *vals[])
{
	yaml_node_t *k = tp_node(p, pair->key);
	char list[128], what[TP_WHAT_MAX + 8];
	const char *s;
	int i, ret;

	snprintf(what, sizeof(what), "%s: key", p->what);
	ret = tp_str(p, k, what, &s);
	if (ret)
		return ret;
	i = key_index(keys, s);
	if (i < 0 && keys == top_keys && key_index(top_future, s) >= 0)
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

/*
 * Sort the pairs of field map @map into @vals by their index in @keys
 * (NULL when absent). @where says where the map is in messages ("in host
 * 'a1'"). A plain null value counts as an empty map.
 */
static int tp_fields(struct tp *p, yaml_node_t *map, const char *const keys[],
		     const char *where, yaml_node_t *vals[])
{
	yaml_node_t *knodes[TP_FIELDS_MAX] = {0};
	yaml_node_pair_t *pair;
	int i, ret;

	for (i = 0; keys[i]; i++)
		vals[i] = NULL;
	if (is_null(map))
		return 0;
	if (map->type != YAML_MAPPING_NODE)
		return tp_err(p, map, "%s: expected a mapping, found %s",
			      p->what, node_kind(map));
	for (pair = map->data.mapping.pairs.start;
	     pair < map->data.mapping.pairs.top; pair++) {
		ret = tp_field(p, pair, keys, where, knodes, vals);
		if (ret)
			return ret;
	}
	return 0;
}

static int tp_required(struct tp *p, yaml_node_t *map, yaml_node_t *val,
		       const char *key)
{
	if (val)
		return 0;
	return tp_err(p, map, "%s: missing required key '%s'", p->what, key);
}

/* Element maps (switches, hosts, vms): NAME -> {...}, null = empty. */
static int tp_section_map(struct tp *p, yaml_node_t *n, const char *key,
			  int max)
{
	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return tp_err(p, n,
			      "'%s': expected a mapping of NAME: {...}, "
			      "found %s",
			      key, node_kind(n));
	if (n->data.mapping.pairs.top - n->data.mapping.pairs.start > max)
		return tp_err(p, n, "'%s': too many entries (limit %d)", key,
			      max);
	return 0;
}

/* Element lists (links, mirrors): - {...}, null = empty. */
static int tp_section_list(struct tp *p, yaml_node_t *n, const char *key,
			   int max)
{
	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return tp_err(p, n, "'%s': expected a list of {...}, found %s",
			      key, node_kind(n));
	if (n->data.sequence.items.top - n->data.sequence.items.start > max)
		return tp_err(p, n, "'%s': too many entries (limit %d)", key,
			      max);
	return 0;
}

/* Where a name is already used by a switch, host or VM, else 0. */
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
	return 0;
}

/*
 * Read an element's name from key @k into @out and check that no switch,
 * host or VM has it yet. The error points at the later of the two.
 */
static int tp_elem_name(struct tp *p, yaml_node_t *k, const char *kind,
			size_t max, char *out, int *line, int *col)
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

static int tp_switch(struct tp *p, yaml_node_pair_t *pair)
{
	struct topo_switch *sw = &p->t->switches[p->t->nswitches];
	yaml_node_t *v[SW_N], *map = tp_node(p, pair->value);
	char where[TP_WHAT_MAX + 4];
	int ret;

	memset(sw, 0, sizeof(*sw));
	ret = tp_elem_name(p, tp_node(p, pair->key), "switch",
			   TOPO_NAME_MAX - 1, sw->name, &sw->line, &sw->col);
	if (ret)
		return ret;
	snprintf(p->what, sizeof(p->what), "switch '%s'", sw->name);
	snprintf(where, sizeof(where), "in %s", p->what);
	ret = tp_fields(p, map, sw_keys, where, v);
	if (ret)
		return ret;
	sw->aging_s = TOPO_DEFAULT_AGING_S;
	sw->mac_limit = TOPO_DEFAULT_MAC_LIMIT;
	sw->mac_table = TOPO_DEFAULT_MAC_TABLE;
	if (v[SW_AGING] && (ret = tp_uint(p, v[SW_AGING], "mac-aging", 1,
					  TOPO_AGING_MAX_S, &sw->aging_s)))
		return ret;
	if (v[SW_LIMIT] && (ret = tp_uint(p, v[SW_LIMIT], "mac-limit", 0,
					  TOPO_MAC_TABLE_MAX, &sw->mac_limit)))
		return ret;
	if (v[SW_TABLE] && (ret = tp_uint(p, v[SW_TABLE], "mac-table", 1,
					  TOPO_MAC_TABLE_MAX, &sw->mac_table)))
		return ret;
	p->t->nswitches++;
	return 0;
}

/* `switch: NAME` of a host or VM: resolve to an index. */
static int tp_switch_ref(struct tp *p, yaml_node_t *n, uint16_t *sw)
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

static int tp_vlan(struct tp *p, yaml_node_t *n, uint16_t *vlan)
{
	uint32_t v = 0;
	int ret;

	if (!n)
		return *vlan = 0, 0;
	ret = tp_uint(p, n, "vlan", 1, TOPO_VLAN_MAX, &v);
	*vlan = (uint16_t)v;
	return ret;
}

/* Parse "A.B.C.D" at @s; decimal octets without leading zeros. */
static const char *parse_ip4(const char *s, struct in_addr *a)
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

static uint32_t prefix_mask(unsigned int prefix)
{
	return prefix ? ~0u << (32 - prefix) : 0;
}

static bool is_unicast4(uint32_t a)
{
	unsigned int first = a >> 24;

	return first != 0 && first != 127 && first < 224;
}

static int tp_host_ip(struct tp *p, yaml_node_t *n, struct topo_ip *ip)
{
	char what[TP_WHAT_MAX + 16];
	uint32_t a, mask, prefix;
	const char *s, *end;
	int ret;

	snprintf(what, sizeof(what), "%s: ip", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!strcmp(s, "dhcp"))
		return tp_err(p, n,
			      "%s: 'ip: dhcp' is not supported yet "
			      "(give A.B.C.D/LEN)",
			      p->what);
	end = parse_ip4(s, &ip->addr);
	if (!end || *end != '/' || !parse_u32(end + 1, &prefix) || !prefix ||
	    prefix > 32)
		return tp_err(p, n,
			      "%s: bad address '%s' (expected "
			      "A.B.C.D/LEN, LEN 1..32)",
			      p->what, tp_show(p, s));
	ip->prefix = (uint8_t)prefix;
	a = ntohl(ip->addr.s_addr);
	mask = prefix_mask(prefix);
	if (!is_unicast4(a))
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

static int tp_host_gw(struct tp *p, yaml_node_t *n, struct topo_host *h)
{
	char what[TP_WHAT_MAX + 16];
	uint32_t gw, ip, mask;
	const char *s, *end;
	int ret;

	snprintf(what, sizeof(what), "%s: gw", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!h->has_ip)
		return tp_err(p, n, "%s: 'gw' needs 'ip'", p->what);
	end = parse_ip4(s, &h->gw);
	if (!end || *end)
		return tp_err(p, n, "%s: bad gateway '%s' (expected A.B.C.D)",
			      p->what, tp_show(p, s));
	gw = ntohl(h->gw.s_addr);
	ip = ntohl(h->ip.addr.s_addr);
	mask = prefix_mask(h->ip.prefix);
	if ((gw & mask) != (ip & mask))
		return tp_err(p, n,
			      "%s: gw %s is not inside the subnet of ip "
			      "/%u",
			      p->what, s, h->ip.prefix);
	if (gw == ip)
		return tp_err(p, n, "%s: gw %s is the host's own address",
			      p->what, s);
	if (h->ip.prefix <= 30 && (!(gw & ~mask) || (gw & ~mask) == ~mask))
		return tp_err(p, n,
			      "%s: gw %s is the network or broadcast "
			      "address of the subnet",
			      p->what, s);
	h->has_gw = true;
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

static bool parse_mac(const char *s, uint8_t mac[6])
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

static int tp_host_mac(struct tp *p, yaml_node_t *n, struct topo_host *h)
{
	static const uint8_t zero[6];
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "%s: mac", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!parse_mac(s, h->mac))
		return tp_err(p, n,
			      "%s: bad MAC address '%s' (expected "
			      "aa:bb:cc:dd:ee:ff)",
			      p->what, tp_show(p, s));
	if (h->mac[0] & 1)
		return tp_err(p, n,
			      "%s: MAC %s is a multicast address (the "
			      "first octet must be even)",
			      p->what, s);
	if (!memcmp(h->mac, zero, 6))
		return tp_err(p, n, "%s: MAC %s is all zeros", p->what, s);
	h->has_mac = true;
	return 0;
}

/* "<host>" must fit an interface name once prefixed with "<topo>-". */
static int tp_host_name_len(struct tp *p, yaml_node_t *k,
			    const struct topo_host *h)
{
	char ifname[TOPO_IFNAME_MAX];

	if (!topo_host_ifname(p->t, h, ifname))
		return 0;
	return tp_err(p, k,
		      "host name '%s' is too long: its veth '%s-%s' "
		      "must fit in %d characters",
		      h->name, p->t->name, h->name, TOPO_IFNAME_MAX - 1);
}

static int tp_host_fields(struct tp *p, yaml_node_t *v[], struct topo_host *h)
{
	int ret;

	ret = tp_switch_ref(p, v[HOST_SWITCH], &h->sw);
	if (!ret)
		ret = tp_vlan(p, v[HOST_VLAN], &h->vlan);
	if (!ret && v[HOST_IP]) {
		ret = tp_host_ip(p, v[HOST_IP], &h->ip);
		h->has_ip = !ret;
	}
	if (!ret && v[HOST_GW])
		ret = tp_host_gw(p, v[HOST_GW], h);
	if (!ret && v[HOST_MAC])
		ret = tp_host_mac(p, v[HOST_MAC], h);
	if (!ret && v[HOST_LIMIT])
		ret = tp_uint(p, v[HOST_LIMIT], "mac-limit", 0,
			      TOPO_MAC_TABLE_MAX, &h->mac_limit);
	return ret;
}

static int tp_host(struct tp *p, yaml_node_pair_t *pair)
{
	struct topo_host *h = &p->t->hosts[p->t->nhosts];
	yaml_node_t *v[HOST_N], *k = tp_node(p, pair->key);
	yaml_node_t *map = tp_node(p, pair->value);
	char where[TP_WHAT_MAX + 4];
	int ret;

	memset(h, 0, sizeof(*h));
	ret = tp_elem_name(p, k, "host", TOPO_NAME_MAX - 1, h->name, &h->line,
			   &h->col);
	if (!ret)
		ret = tp_host_name_len(p, k, h);
	if (ret)
		return ret;
	snprintf(p->what, sizeof(p->what), "host '%s'", h->name);
	snprintf(where, sizeof(where), "in %s", p->what);
	ret = tp_fields(p, map, host_keys, where, v);
	if (!ret && !v[HOST_SWITCH])
		ret = tp_required(p, is_null(map) ? k : map, NULL, "switch");
	if (!ret)
		ret = tp_host_fields(p, v, h);
	if (!ret)
		p->t->nhosts++;
	return ret;
}

static bool is_ifname(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= TOPO_IFNAME_MAX || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len;
}

static int tp_vm_tap(struct tp *p, yaml_node_t *n, yaml_node_t *k,
		     struct topo_vm *vm)
{
	char what[TP_WHAT_MAX + 16], tap[TOPO_NAME_MAX * 2];
	const char *s;
	int ret;

	if (!n) {
		snprintf(tap, sizeof(tap), "%s-%s", p->t->name, vm->name);
		if (strlen(tap) < sizeof(vm->tap))
			return strcpy(vm->tap, tap), 0;
		return tp_err(p, k,
			      "vm name '%s' is too long: its TAP '%s' "
			      "must fit in %d characters (or set 'tap')",
			      vm->name, tap, TOPO_IFNAME_MAX - 1);
	}
	snprintf(what, sizeof(what), "%s: tap", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!is_ifname(s))
		return tp_err(p, n,
			      "%s: bad TAP name '%s' (1..%d of letters, "
			      "digits, '_', '.', '-')",
			      p->what, tp_show(p, s), TOPO_IFNAME_MAX - 1);
	strcpy(vm->tap, s);
	return 0;
}

/* attach: qemu (the VM opens the TAP by name) or fd (dcbox holds it). */
static int tp_vm_attach(struct tp *p, yaml_node_t *n, struct topo_vm *vm)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	vm->attach = TOPO_TAP_QEMU;
	if (!n)
		return 0;
	snprintf(what, sizeof(what), "%s: attach", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!strcmp(s, "fd"))
		vm->attach = TOPO_TAP_FD;
	else if (strcmp(s, "qemu"))
		return tp_err(p, n,
			      "%s: bad attach '%s' (expected: qemu, fd)",
			      p->what, tp_show(p, s));
	return 0;
}

static int tp_vm(struct tp *p, yaml_node_pair_t *pair)
{
	struct topo_vm *vm = &p->t->vms[p->t->nvms];
	yaml_node_t *v[VM_N], *k = tp_node(p, pair->key);
	yaml_node_t *map = tp_node(p, pair->value);
	char where[TP_WHAT_MAX + 4];
	int ret;

	memset(vm, 0, sizeof(*vm));
	ret = tp_elem_name(p, k, "vm", TOPO_NAME_MAX - 1, vm->name, &vm->line,
			   &vm->col);
	if (ret)
		return ret;
	snprintf(p->what, sizeof(p->what), "vm '%s'", vm->name);
	snprintf(where, sizeof(where), "in %s", p->what);
	ret = tp_fields(p, map, vm_keys, where, v);
	if (!ret)
		ret = tp_required(p, is_null(map) ? k : map, v[VM_SWITCH],
				  "switch");
	if (!ret)
		ret = tp_switch_ref(p, v[VM_SWITCH], &vm->sw);
	if (!ret)
		ret = tp_vlan(p, v[VM_VLAN], &vm->vlan);
	if (!ret)
		ret = tp_vm_tap(p, v[VM_TAP], k, vm);
	if (!ret && v[VM_LIMIT])
		ret = tp_uint(p, v[VM_LIMIT], "mac-limit", 0,
			      TOPO_MAC_TABLE_MAX, &vm->mac_limit);
	if (!ret)
		ret = tp_vm_attach(p, v[VM_ATTACH], vm);
	if (!ret)
		p->t->nvms++;
	return ret;
}

/* Run @fn on every pair of element map @n (already checked). */
static int tp_each_pair(struct tp *p, yaml_node_t *n,
			int (*fn)(struct tp *p, yaml_node_pair_t *pair))
{
	yaml_node_pair_t *pair;
	int ret;

	if (!n || is_null(n))
		return 0;
	for (pair = n->data.mapping.pairs.start;
	     pair < n->data.mapping.pairs.top; pair++) {
		ret = fn(p, pair);
		if (ret)
			return ret;
	}
	return 0;
}

/* One link per pair of switches: its ports are named "A.B" and "B.A". */
static int tp_link_unique(struct tp *p, yaml_node_t *n,
			  const struct topo_link *l)
{
	const struct topo_link *o;
	int i;

	for (i = 0; i < p->t->nlinks; i++) {
		o = &p->t->links[i];
		if ((o->sw[0] != l->sw[0] || o->sw[1] != l->sw[1]) &&
		    (o->sw[0] != l->sw[1] || o->sw[1] != l->sw[0]))
			continue;
		return tp_err(p, n,
			      "%s: switches '%s' and '%s' are already linked "
			      "by link %d at line %d (one link per pair; list "
			      "all its VLANs in that link's trunk)",
			      p->what, p->t->switches[l->sw[0]].name,
			      p->t->switches[l->sw[1]].name, i + 1, o->line);
	}
	return 0;
}

static int tp_between(struct tp *p, yaml_node_t *n, struct topo_link *l)
{
	yaml_node_t *item;
	int i, ret;

	if (n->type != YAML_SEQUENCE_NODE ||
	    n->data.sequence.items.top - n->data.sequence.items.start != 2)
		return tp_err(p, n,
			      "%s: 'between' expected a list of two "
			      "switches, [A, B]",
			      p->what);
	for (i = 0; i < 2; i++) {
		item = tp_node(p, n->data.sequence.items.start[i]);
		ret = tp_switch_ref(p, item, &l->sw[i]);
		if (ret)
			return ret;
	}
	if (l->sw[0] == l->sw[1])
		return tp_err(p, n, "%s: connects switch '%s' to itself",
			      p->what, p->t->switches[l->sw[0]].name);
	return tp_link_unique(p, n, l);
}

/* One trunk item: "N" or "A-B"; marks the VLANs in @bits. */
static int tp_trunk_item(struct tp *p, yaml_node_t *n, uint64_t bits[])
{
	char what[TP_WHAT_MAX + 16], buf[16];
	uint32_t lo, hi, v;
	const char *s, *dash;
	int ret;

	snprintf(what, sizeof(what), "%s: trunk", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	dash = strchr(s, '-');
	if (dash && (size_t)(dash - s) < sizeof(buf)) {
		memcpy(buf, s, dash - s);
		buf[dash - s] = '\0';
	}
	if (dash ? (size_t)(dash - s) >= sizeof(buf) || !parse_u32(buf, &lo) ||
			    !parse_u32(dash + 1, &hi)
		 : !parse_u32(s, &lo))
		return tp_err(p, n,
			      "%s: bad VLAN '%s' (expected N or A-B, "
			      "1..%d)",
			      p->what, tp_show(p, s), TOPO_VLAN_MAX);
	if (!dash)
		hi = lo;
	if (!lo || lo > TOPO_VLAN_MAX || !hi || hi > TOPO_VLAN_MAX)
		return tp_err(p, n, "%s: VLAN '%s' is out of range 1..%d",
			      p->what, tp_show(p, s), TOPO_VLAN_MAX);
	if (lo > hi)
		return tp_err(p, n, "%s: VLAN range '%s' is backwards", p->what,
			      tp_show(p, s));
	for (v = lo; v <= hi; v++) {
		if (bits[v / 64] & 1ull << (v % 64))
			return tp_err(p, n,
				      "%s: VLAN %u appears twice in "
				      "trunk",
				      p->what, v);
		bits[v / 64] |= 1ull << (v % 64);
	}
	return 0;
}

static int tp_trunk(struct tp *p, yaml_node_t *n, struct topo_link *l)
{
	uint64_t bits[(TOPO_VLAN_MAX + 64) / 64] = {0};
	yaml_node_item_t *it;
	unsigned int v;
	int ret;

	if (n->type != YAML_SEQUENCE_NODE)
		return tp_err(p, n,
			      "%s: 'trunk' expected a list of VLANs, "
			      "found %s",
			      p->what, node_kind(n));
	if (n->data.sequence.items.top == n->data.sequence.items.start)
		return tp_err(p, n,
			      "%s: 'trunk' is empty (leave it out for an "
			      "untagged link)",
			      p->what);
	if (n->data.sequence.items.top - n->data.sequence.items.start >
	    TOPO_VLAN_MAX)
		return tp_err(p, n, "%s: 'trunk' has more than %d items",
			      p->what, TOPO_VLAN_MAX);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		ret = tp_trunk_item(p, tp_node(p, *it), bits);
		if (ret)
			return ret;
	}
	for (v = 1; v <= TOPO_VLAN_MAX; v++)
		if (bits[v / 64] & 1ull << (v % 64))
			l->trunk[l->ntrunk++] = (uint16_t)v;
	return 0;
}

static int tp_link(struct tp *p, yaml_node_t *n)
{
	struct topo_link *l = &p->t->links[p->t->nlinks];
	char where[TP_WHAT_MAX + 4];
	yaml_node_t *v[LINK_N];
	int ret;

	snprintf(p->what, sizeof(p->what), "link %d", p->t->nlinks + 1);
	snprintf(where, sizeof(where), "in %s", p->what);
	l->ntrunk = 0;
	l->line = (int)n->start_mark.line + 1;
	l->col = (int)n->start_mark.column + 1;
	if (is_null(n))
		return tp_err(p, n, "%s: expected a mapping, found nothing",
			      p->what);
	ret = tp_fields(p, n, link_keys, where, v);
	if (!ret)
		ret = tp_required(p, n, v[LINK_BETWEEN], "between");
	if (!ret)
		ret = tp_between(p, v[LINK_BETWEEN], l);
	if (!ret && v[LINK_TRUNK])
		ret = tp_trunk(p, v[LINK_TRUNK], l);
	if (!ret)
		p->t->nlinks++;
	return ret;
}

/* A mirror endpoint: the name of a host or VM. */
static int tp_port_ref(struct tp *p, yaml_node_t *n, const char *key, char *out)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "%s: %s", p->what, key);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (topo_host_find(p->t, s) < 0 && topo_vm_find(p->t, s) < 0)
		return tp_err(p, n, "%s: %s: unknown host or vm '%s'", p->what,
			      key, tp_show(p, s));
	strcpy(out, s); /* found, so shorter than TOPO_NAME_MAX */
	return 0;
}

static int tp_mirror_dir(struct tp *p, yaml_node_t *n,
			 enum topo_mirror_dir *dir)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	*dir = TOPO_MIRROR_BOTH;
	if (!n)
		return 0;
	snprintf(what, sizeof(what), "%s: direction", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!strcmp(s, "in"))
		*dir = TOPO_MIRROR_IN;
	else if (!strcmp(s, "out"))
		*dir = TOPO_MIRROR_OUT;
	else if (strcmp(s, "both"))
		return tp_err(p, n,
			      "%s: bad direction '%s' (expected: in, "
			      "out, both)",
			      p->what, tp_show(p, s));
	return 0;
}

static int tp_mirror(struct tp *p, yaml_node_t *n)
{
	struct topo_mirror *m = &p->t->mirrors[p->t->nmirrors];
	char where[TP_WHAT_MAX + 4];
	yaml_node_t *v[MIR_N];
	int ret;

	snprintf(p->what, sizeof(p->what), "mirror %d", p->t->nmirrors + 1);
	snprintf(where, sizeof(where), "in %s", p->what);
	m->line = (int)n->start_mark.line + 1;
	m->col = (int)n->start_mark.column + 1;
	if (is_null(n))
		return tp_err(p, n, "%s: expected a mapping, found nothing",
			      p->what);
	ret = tp_fields(p, n, mirror_keys, where, v);
	if (!ret)
		ret = tp_required(p, n, v[MIR_PORT], "port");
	if (!ret)
		ret = tp_required(p, n, v[MIR_TO], "to");
	if (!ret)
		ret = tp_port_ref(p, v[MIR_PORT], "port", m->port);
	if (!ret)
		ret = tp_port_ref(p, v[MIR_TO], "to", m->to);
	if (!ret && !strcmp(m->port, m->to))
		ret = tp_err(p, v[MIR_TO], "%s: mirrors '%s' to itself",
			     p->what, m->port);
	if (!ret)
		ret = tp_mirror_dir(p, v[MIR_DIR], &m->dir);
	if (!ret)
		p->t->nmirrors++;
	return ret;
}

/* Run @fn on every item of element list @n (already checked). */
static int tp_each_item(struct tp *p, yaml_node_t *n,
			int (*fn)(struct tp *p, yaml_node_t *item))
{
	yaml_node_item_t *it;
	int ret;

	if (!n || is_null(n))
		return 0;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		ret = fn(p, tp_node(p, *it));
		if (ret)
			return ret;
	}
	return 0;
}

static int tp_topo_name(struct tp *p, yaml_node_t *root, yaml_node_t *n)
{
	const char *s;
	int ret;

	if (!n)
		return tp_err(p, root, "missing required key 'name'");
	ret = tp_str(p, n, "name", &s);
	if (ret)
		return ret;
	if (!*s || *s < 'a' || *s > 'z' || strlen(s) > TOPO_TOPO_NAME_MAX ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(s))
		return tp_err(p, n,
			      "bad topology name '%s' (1..%d of a-z, "
			      "0-9, '_', '-', starting with a letter; it "
			      "prefixes interface names)",
			      tp_show(p, s), TOPO_TOPO_NAME_MAX);
	strcpy(p->t->name, s);
	return 0;
}

static int tp_sections(struct tp *p, yaml_node_t *v[])
{
	static const int max[TOP_N] = {
		[TOP_SWITCHES] = TOPO_MAX_SWITCHES,
		[TOP_HOSTS] = TOPO_MAX_HOSTS,
		[TOP_VMS] = TOPO_MAX_VMS,
		[TOP_LINKS] = TOPO_MAX_LINKS,
		[TOP_MIRRORS] = TOPO_MAX_MIRRORS,
	};
	int i, ret;

	for (i = TOP_SWITCHES; i < TOP_N; i++) {
		if (!v[i])
			continue;
		if (i == TOP_LINKS || i == TOP_MIRRORS)
			ret = tp_section_list(p, v[i], top_keys[i], max[i]);
		else
			ret = tp_section_map(p, v[i], top_keys[i], max[i]);
		if (ret)
			return ret;
	}
	ret = tp_each_pair(p, v[TOP_SWITCHES], tp_switch);
	if (!ret)
		ret = tp_each_pair(p, v[TOP_HOSTS], tp_host);
	if (!ret)
		ret = tp_each_pair(p, v[TOP_VMS], tp_vm);
	if (!ret)
		ret = tp_each_item(p, v[TOP_LINKS], tp_link);
	if (!ret)
		ret = tp_each_item(p, v[TOP_MIRRORS], tp_mirror);
	return ret;
}

static int tp_root(struct tp *p)
{
	yaml_node_t *root = yaml_document_get_root_node(&p->doc);
	yaml_node_t *v[TOP_N];
	int ret;

	if (!root)
		return tp_err_at(p, 1, 1,
				 "the file is empty (expected a "
				 "mapping with 'name', 'switches', ...)");
	strcpy(p->what, "top level");
	if (root->type != YAML_MAPPING_NODE)
		return tp_err(p, root,
			      "top level: expected a mapping, found %s",
			      node_kind(root));
	ret = tp_fields(p, root, top_keys, "at the top level", v);
	if (!ret)
		ret = tp_topo_name(p, root, v[TOP_NAME]);
	if (!ret)
		ret = tp_sections(p, v);
	return ret;
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

/* Load the one document of @buf into p->doc (after tp_scan()). */
static int tp_load(struct tp *p, const char *buf, size_t size)
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

/**
 * topo_parse_buf() - parse and validate a topology from memory
 * @buf:	YAML text, not necessarily NUL-terminated
 * @size:	length of @buf in bytes (at most TOPO_FILE_MAX)
 * @file:	name used in messages and stored in @t->file (NULL: "<input>")
 * @t:		filled in on success; unspecified on error
 * @err:	receives a one-line "FILE:LINE:COL: problem" message on error
 * @errsize:	size of @err (0 to skip the message)
 *
 * Nothing but @t and @err is touched; libyaml's memory is freed on every
 * path.
 *
 * Return: 0 on success, -EINVAL on a YAML or model error, -EFBIG if @size
 * is too big, -ENOMEM if memory ran out.
 */
int topo_parse_buf(const char *buf, size_t size, const char *file,
		   struct topo *t, char *err, size_t errsize)
{
	struct tp p = {.t = t,
		       .file = file ? file : "<input>",
		       .err = err,
		       .errsize = errsize};
	int ret;

	if (err && errsize)
		err[0] = '\0';
	if (size > TOPO_FILE_MAX) {
		tp_err_at(&p, 1, 1, "file too large (%zu bytes, limit %d)",
			  size, TOPO_FILE_MAX);
		return -EFBIG;
	}
	memset(t, 0, offsetof(struct topo, switches));
	snprintf(t->file, sizeof(t->file), "%s", p.file);
	ret = tp_load(&p, buf ? buf : "", buf ? size : 0);
	if (ret)
		return ret;
	ret = tp_root(&p);
	yaml_document_delete(&p.doc);
	if (!ret)
		ret = topo_validate(t, err, errsize);
	return ret;
}

/**
 * topo_load() - read a topology file and parse it with topo_parse_buf()
 * @path:	file to read
 * @t:		filled in on success; unspecified on error
 * @err:	receives a one-line message on error ("PATH: strerror" when
 *		the file cannot be read)
 * @errsize:	size of @err
 *
 * Return: 0, -errno from open/read, -EFBIG for a file over TOPO_FILE_MAX
 * bytes, or an error of topo_parse_buf().
 */
int topo_load(const char *path, struct topo *t, char *err, size_t errsize)
{
	FILE *f;
	char *buf;
	size_t n;
	int ret;

	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		goto err_msg;
	}
	buf = malloc(TOPO_FILE_MAX + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto err_close;
	}
	errno = 0;
	n = fread(buf, 1, TOPO_FILE_MAX + 1, f);
	ret = ferror(f) ? -(errno ? errno : EIO) : 0;
	if (!ret && n > TOPO_FILE_MAX)
		ret = -EFBIG;
	if (!ret)
		ret = topo_parse_buf(buf, n, path, t, err, errsize);
	else if (err && errsize)
		snprintf(err, errsize, "%s: %s%s", path, strerror(-ret),
			 ret == -EFBIG ? " (limit 1 MiB)" : "");
	free(buf);
	fclose(f);
	return ret;
err_close:
	fclose(f);
err_msg:
	if (err && errsize)
		snprintf(err, errsize, "%s: %s", path, strerror(-ret));
	return ret;
}
