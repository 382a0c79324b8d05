// SPDX-License-Identifier: MIT
/*
 * topo_parse.c - load a topology YAML file into struct topo.
 *
 * topo_yaml.c loads the text into a libyaml node tree; this file walks that
 * tree along the fixed schema (top level -> section -> element -> field),
 * checks every value as it copies it into struct topo, and resolves names
 * to indices. It owns the top level, switches, hosts, VMs, links and
 * mirrors; routers are walked by topo_parse_router.c, groups and firewalls
 * by topo_parse_fw.c. The cross-element rules that need the whole model
 * (L2 loops, address and interface name clashes, firewall rules) live in
 * topo_validate.c, which runs last.
 *
 * Theory of operation:
 *  - The walk is driven by the schema, never by the input's shape, so its
 *    depth is constant. libyaml 0.2.5 loads and frees documents without
 *    recursion, and the input is capped at TOPO_FILE_MAX bytes. A first
 *    event pass (tp_scan() in topo_yaml.c) caps nesting and anchors, which
 *    libyaml handles in quadratic time.
 *  - Aliases are fine: the loader shares the aliased node, and every list
 *    and map we iterate is capped (element limits, TOPO_VLAN_MAX trunk
 *    items, and each field map stops at its first unknown or repeated key),
 *    so an alias bomb cannot make the walk expensive.
 *  - libyaml accepts repeated mapping keys; tp_fields() rejects them in
 *    field maps, and the global name check catches them in element maps.
 *  - Every message is "FILE:LINE:COL: ..." and quotes user text through
 *    tp_show(), which truncates it and hides control bytes.
 *  - Sections are processed in dependency order (switches, hosts, vms,
 *    routers, groups, firewalls, links, mirrors) whatever their order in
 *    the file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "topo/topo.h"
#include "topo/topo_yaml.h"

/* Field tables: one NULL-terminated key list per kind of mapping. */
enum {
	TOP_NAME,
	TOP_SWITCHES,
	TOP_LINKS,
	TOP_HOSTS,
	TOP_VMS,
	TOP_MIRRORS,
	TOP_ROUTERS,
	TOP_GROUPS,
	TOP_FIREWALLS,
	TOP_TUNNELS,
	TOP_IPS_VARS,
	TOP_N
};
static const char *const top_keys[] = {
	"name",	   "switches", "links",	 "hosts",     "vms",
	"mirrors", "routers",  "groups", "firewalls", "tunnels",
	"ips-vars", NULL};
static const char *const top_future[] = {NULL};

enum { SW_AGING, SW_LIMIT, SW_TABLE, SW_UPLINK, SW_UPLINK_VLANS, SW_OFFLOAD,
       SW_N };
static const char *const sw_keys[] = {"mac-aging", "mac-limit", "mac-table",
				      "uplink",	   "uplink-vlans", "offload",
				      NULL};

enum { HOST_SWITCH, HOST_VLAN, HOST_IP, HOST_GW, HOST_MAC, HOST_LIMIT, HOST_N };
static const char *const host_keys[] = {"switch", "vlan",      "ip", "gw",
					"mac",	  "mac-limit", NULL};

enum {
	VM_SWITCH,
	VM_VLAN,
	VM_TAP,
	VM_LIMIT,
	VM_ATTACH,
	VM_SOCKET,
	VM_SOCKET_TYPE,
	VM_N
};
static const char *const vm_keys[] = {"switch",	     "vlan",   "tap",
				      "mac-limit",   "attach", "socket",
				      "socket-type", NULL};

enum { LINK_BETWEEN, LINK_TRUNK, LINK_N };
static const char *const link_keys[] = {"between", "trunk", NULL};

enum { MIR_PORT, MIR_TO, MIR_DIR, MIR_N };
static const char *const mirror_keys[] = {"port", "to", "direction", NULL};

_Static_assert((int)TOP_N <= (int)TP_FIELDS_MAX &&
		       (int)HOST_N <= (int)TP_FIELDS_MAX &&
		       (int)VM_N <= (int)TP_FIELDS_MAX,
	       "a field map has more keys than tp_fields() sorts");

static int tp_vlan_list(struct tp *p, yaml_node_t *n, const char *key,
			const char *empty, uint16_t *out, uint16_t *nout);

/* `uplink: IFNAME` and `uplink-vlans: [...]` of switch @sw. */
static int tp_switch_uplink(struct tp *p, yaml_node_t *v[],
			    struct topo_switch *sw)
{
	char what[TP_WHAT_MAX + 16], port[TOPO_PORT_NAME_MAX];
	const char *s;
	int ret;

	if (v[SW_UPLINK_VLANS] && !v[SW_UPLINK])
		return tp_err(p, v[SW_UPLINK_VLANS],
			      "%s: 'uplink-vlans' needs 'uplink'", p->what);
	if (!v[SW_UPLINK])
		return 0;
	snprintf(what, sizeof(what), "%s: uplink", p->what);
	ret = tp_str(p, v[SW_UPLINK], what, &s);
	if (ret)
		return ret;
	if (!tp_is_ifname(s))
		return tp_err(p, v[SW_UPLINK],
			      "%s: bad uplink name '%s' (1..%d of letters, "
			      "digits, '_', '.', '-')",
			      p->what, tp_show(p, s), TOPO_IFNAME_MAX - 1);
	strcpy(sw->uplink, s);
	if (topo_switch_uplink_port_name(sw, port))
		return tp_err(p, v[SW_UPLINK],
			      "%s: port name '%s.%s' is longer than %d "
			      "characters (shorten the switch name)",
			      p->what, sw->name, s, TOPO_PORT_NAME_MAX - 1);
	if (!v[SW_UPLINK_VLANS])
		return 0;
	ret = tp_vlan_list(p, v[SW_UPLINK_VLANS], "uplink-vlans",
			   "untagged uplink", sw->uplink_vlans,
			   &sw->nuplink_vlans);
	if (!ret && sw->uplink_vlans[0] == 1)
		return tp_err(p, v[SW_UPLINK_VLANS],
			      "%s: VLAN 1 is the uplink's untagged (native) "
			      "VLAN; leave it out of 'uplink-vlans'",
			      p->what);
	return ret;
}

/* `offload: true|false` of a switch */
static int tp_switch_offload(struct tp *p, yaml_node_t *n, bool *on)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "%s: offload", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!strcmp(s, "true") || !strcmp(s, "on") || !strcmp(s, "yes"))
		*on = true;
	else if (!strcmp(s, "false") || !strcmp(s, "off") || !strcmp(s, "no"))
		*on = false;
	else
		return tp_err(p, n, "%s must be true or false, not '%s'", what,
			      tp_show(p, s));
	return 0;
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
	sw->offload = true;
	if (v[SW_OFFLOAD] && (ret = tp_switch_offload(p, v[SW_OFFLOAD],
						      &sw->offload)))
		return ret;
	if (v[SW_AGING] && (ret = tp_uint(p, v[SW_AGING], "mac-aging", 1,
					  TOPO_AGING_MAX_S, &sw->aging_s)))
		return ret;
	if (v[SW_LIMIT] && (ret = tp_uint(p, v[SW_LIMIT], "mac-limit", 0,
					  TOPO_MAC_TABLE_MAX, &sw->mac_limit)))
		return ret;
	if (v[SW_TABLE] && (ret = tp_uint(p, v[SW_TABLE], "mac-table", 1,
					  TOPO_MAC_TABLE_MAX, &sw->mac_table)))
		return ret;
	ret = tp_switch_uplink(p, v, sw);
	if (ret)
		return ret;
	p->t->nswitches++;
	return 0;
}

/* `ip: A.B.C.D/LEN`, or `ip: dhcp`: the host runs a DHCP client. */
static int tp_host_ip(struct tp *p, yaml_node_t *n, struct topo_host *h)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "%s: ip", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (!strcmp(s, "dhcp")) {
		h->dhcp = true;
		return 0;
	}
	ret = tp_ip(p, n, &h->ip);
	h->has_ip = !ret;
	return ret;
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
	if (h->dhcp)
		return tp_err(p, n,
			      "%s: 'gw' is not allowed with 'ip: dhcp' (the "
			      "DHCP server gives the gateway)",
			      p->what);
	if (!h->has_ip)
		return tp_err(p, n, "%s: 'gw' needs 'ip'", p->what);
	end = tp_parse_ip4(s, &h->gw);
	if (!end || *end)
		return tp_err(p, n, "%s: bad gateway '%s' (expected A.B.C.D)",
			      p->what, tp_show(p, s));
	gw = ntohl(h->gw.s_addr);
	ip = ntohl(h->ip.addr.s_addr);
	mask = tp_mask(h->ip.prefix);
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
	if (!ret && v[HOST_IP])
		ret = tp_host_ip(p, v[HOST_IP], h);
	if (!ret && v[HOST_GW])
		ret = tp_host_gw(p, v[HOST_GW], h);
	if (!ret && v[HOST_MAC]) {
		ret = tp_mac(p, v[HOST_MAC], h->mac);
		h->has_mac = !ret;
	}
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
		ret = tp_required(p, tp_is_null(map) ? k : map, NULL, "switch");
	if (!ret)
		ret = tp_host_fields(p, v, h);
	if (!ret)
		p->t->nhosts++;
	return ret;
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
	if (!tp_is_ifname(s))
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
		return tp_err(p, n, "%s: bad attach '%s' (expected: qemu, fd)",
			      p->what, tp_show(p, s));
	return 0;
}

/* A socket path: absolute, fits sun_path, no control bytes, not a dir. */
static int tp_socket_path(struct tp *p, yaml_node_t *n, const char *s)
{
	size_t i, len = strlen(s);

	if (s[0] != '/')
		return tp_err(p, n, "%s: socket '%s' must be an absolute path",
			      p->what, tp_show(p, s));
	if (len >= TOPO_SOCKET_MAX)
		return tp_err(p, n,
			      "%s: socket path '%s' is too long (%zu "
			      "bytes; a unix socket path has at most %d)",
			      p->what, tp_show(p, s), len, TOPO_SOCKET_MAX - 1);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return tp_err(p, n,
				      "%s: socket path '%s' contains a "
				      "control character",
				      p->what, tp_show(p, s));
	if (s[len - 1] == '/')
		return tp_err(p, n,
			      "%s: socket '%s' names a directory; give the "
			      "socket file's path",
			      p->what, tp_show(p, s));
	return 0;
}

/* `socket: PATH`, unique among the VMs, and `socket-type:`. */
static int tp_vm_socket(struct tp *p, yaml_node_t *n, yaml_node_t *type,
			struct topo_vm *vm)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int i, ret;

	snprintf(what, sizeof(what), "%s: socket", p->what);
	ret = tp_str(p, n, what, &s);
	if (!ret)
		ret = tp_socket_path(p, n, s);
	if (ret)
		return ret;
	for (i = 0; i < p->t->nvms; i++)
		if (!strcmp(p->t->vms[i].socket, s))
			return tp_err(p, n,
				      "%s: socket '%s' is already used by vm "
				      "'%s' (line %d)",
				      p->what, tp_show(p, s), p->t->vms[i].name,
				      p->t->vms[i].line);
	strcpy(vm->socket, s);
	vm->socket_type = TOPO_SOCKET_STREAM;
	if (!type)
		return 0;
	snprintf(what, sizeof(what), "%s: socket-type", p->what);
	ret = tp_str(p, type, what, &s);
	if (ret)
		return ret;
	if (!strcmp(s, "dgram"))
		vm->socket_type = TOPO_SOCKET_DGRAM;
	else if (strcmp(s, "stream"))
		return tp_err(p, type,
			      "%s: bad socket-type '%s' (expected: stream, "
			      "dgram)",
			      p->what, tp_show(p, s));
	return 0;
}

/* How the VM plugs in: a TAP (`tap`, `attach`) or a socket (`socket`). */
static int tp_vm_plug(struct tp *p, yaml_node_t *v[], yaml_node_t *k,
		      struct topo_vm *vm)
{
	yaml_node_t *tap_key = v[VM_TAP] ? v[VM_TAP] : v[VM_ATTACH];
	int ret;

	if (v[VM_SOCKET] && tap_key)
		return tp_err(p, tap_key,
			      "%s: '%s' is not allowed with 'socket' (a VM "
			      "plugs in by a TAP or by a socket, not both)",
			      p->what, v[VM_TAP] ? "tap" : "attach");
	if (v[VM_SOCKET])
		return tp_vm_socket(p, v[VM_SOCKET], v[VM_SOCKET_TYPE], vm);
	if (v[VM_SOCKET_TYPE])
		return tp_err(p, v[VM_SOCKET_TYPE],
			      "%s: 'socket-type' needs 'socket'", p->what);
	ret = tp_vm_tap(p, v[VM_TAP], k, vm);
	if (!ret)
		ret = tp_vm_attach(p, v[VM_ATTACH], vm);
	return ret;
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
		ret = tp_required(p, tp_is_null(map) ? k : map, v[VM_SWITCH],
				  "switch");
	if (!ret)
		ret = tp_switch_ref(p, v[VM_SWITCH], &vm->sw);
	if (!ret)
		ret = tp_vlan(p, v[VM_VLAN], &vm->vlan);
	if (!ret)
		ret = tp_vm_plug(p, v, k, vm);
	if (!ret && v[VM_LIMIT])
		ret = tp_uint(p, v[VM_LIMIT], "mac-limit", 0,
			      TOPO_MAC_TABLE_MAX, &vm->mac_limit);
	if (!ret)
		p->t->nvms++;
	return ret;
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

/* One item of list @key: "N" or "A-B"; marks the VLANs in @bits. */
static int tp_trunk_item(struct tp *p, yaml_node_t *n, const char *key,
			 uint64_t bits[])
{
	char what[TP_WHAT_MAX + 32], buf[16];
	uint32_t lo, hi, v;
	const char *s, *dash;
	int ret;

	snprintf(what, sizeof(what), "%s: %s", p->what, key);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	dash = strchr(s, '-');
	if (dash && (size_t)(dash - s) < sizeof(buf)) {
		memcpy(buf, s, dash - s);
		buf[dash - s] = '\0';
	}
	if (dash ? (size_t)(dash - s) >= sizeof(buf) ||
			    !tp_parse_u32(buf, &lo) ||
			    !tp_parse_u32(dash + 1, &hi)
		 : !tp_parse_u32(s, &lo))
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
				      "%s",
				      p->what, v, key);
		bits[v / 64] |= 1ull << (v % 64);
	}
	return 0;
}

/*
 * A list of VLANs under @key (a link's `trunk`, a switch's `uplink-vlans`)
 * into @out, ascending; @empty says what leaving the key out means.
 */
static int tp_vlan_list(struct tp *p, yaml_node_t *n, const char *key,
			const char *empty, uint16_t *out, uint16_t *nout)
{
	uint64_t bits[(TOPO_VLAN_MAX + 64) / 64] = {0};
	yaml_node_item_t *it;
	unsigned int v;
	int ret;

	if (n->type != YAML_SEQUENCE_NODE)
		return tp_err(p, n,
			      "%s: '%s' expected a list of VLANs, "
			      "found %s",
			      p->what, key, tp_node_kind(n));
	if (n->data.sequence.items.top == n->data.sequence.items.start)
		return tp_err(p, n,
			      "%s: '%s' is empty (leave it out for an "
			      "%s)",
			      p->what, key, empty);
	if (n->data.sequence.items.top - n->data.sequence.items.start >
	    TOPO_VLAN_MAX)
		return tp_err(p, n, "%s: '%s' has more than %d items",
			      p->what, key, TOPO_VLAN_MAX);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		ret = tp_trunk_item(p, tp_node(p, *it), key, bits);
		if (ret)
			return ret;
	}
	*nout = 0;
	for (v = 1; v <= TOPO_VLAN_MAX; v++)
		if (bits[v / 64] & 1ull << (v % 64))
			out[(*nout)++] = (uint16_t)v;
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
	if (tp_is_null(n))
		return tp_err(p, n, "%s: expected a mapping, found nothing",
			      p->what);
	ret = tp_fields(p, n, link_keys, where, v);
	if (!ret)
		ret = tp_required(p, n, v[LINK_BETWEEN], "between");
	if (!ret)
		ret = tp_between(p, v[LINK_BETWEEN], l);
	if (!ret && v[LINK_TRUNK])
		ret = tp_vlan_list(p, v[LINK_TRUNK], "trunk", "untagged link",
				   l->trunk, &l->ntrunk);
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
	if (tp_is_null(n))
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
		[TOP_ROUTERS] = TOPO_MAX_ROUTERS,
		[TOP_GROUPS] = TOPO_MAX_GROUPS,
		[TOP_FIREWALLS] = TOPO_MAX_FIREWALLS,
		[TOP_TUNNELS] = TOPO_MAX_TUNNELS,
	};
	int i, ret;

	for (i = TOP_SWITCHES; i < TOP_IPS_VARS; i++) {
		if (!v[i])
			continue;
		if (i == TOP_LINKS || i == TOP_MIRRORS || i == TOP_TUNNELS)
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
		ret = tp_each_pair(p, v[TOP_ROUTERS], tp_router);
	if (!ret)
		ret = tp_each_pair(p, v[TOP_GROUPS], tp_group);
	if (!ret)
		ret = tp_each_pair(p, v[TOP_FIREWALLS], tp_firewall);
	if (!ret)
		ret = tp_each_item(p, v[TOP_LINKS], tp_link);
	if (!ret)
		ret = tp_each_item(p, v[TOP_MIRRORS], tp_mirror);
	if (!ret)
		ret = tp_each_item(p, v[TOP_TUNNELS], tp_tunnel);
	if (!ret && v[TOP_IPS_VARS])
		ret = tp_ips_vars(p, v[TOP_IPS_VARS], TOPO_IPS_ALL);
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
			      tp_node_kind(root));
	ret = tp_fields_reserved(p, root, top_keys, top_future,
				 "at the top level", v);
	if (!ret)
		ret = tp_topo_name(p, root, v[TOP_NAME]);
	if (!ret)
		ret = tp_sections(p, v);
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

/**
 * topo_switch_uplink_port_name() - the port name of a switch's uplink
 * @sw:		a switch with `uplink:`
 * @name:	receives "SWITCH.IFNAME"
 *
 * Return: 0, or -ENAMETOOLONG if it does not fit a port name.
 */
int topo_switch_uplink_port_name(const struct topo_switch *sw,
				 char name[TOPO_PORT_NAME_MAX])
{
	int n = snprintf(name, TOPO_PORT_NAME_MAX, "%s.%s", sw->name,
			 sw->uplink);

	return n < 0 || n >= TOPO_PORT_NAME_MAX ? -ENAMETOOLONG : 0;
}
