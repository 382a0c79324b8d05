// SPDX-License-Identifier: MIT
/*
 * topo_parse_tunnel.c - the `tunnels:` section: VXLAN tunnel ports that
 * join a switch to switches in other dcbox daemons or to Linux vxlan
 * devices, across an IPv4 underlay.
 *
 *   tunnels:
 *     - { switch: tor1, vlan: 1, vxlan: { vni: 5001, local: 10.99.0.1,
 *         remote: [10.99.0.2], port: 4789, netns: under } }
 *
 * Each item is walked with the helpers of topo_yaml.c and checked on the
 * spot: a known switch, a VNI in 1..16777215, unicast addresses, 1 to 16
 * distinct remotes that are not the local address, a port name
 * "SWITCH.vxVNI" that fits, and no second tunnel on the same (netns,
 * local, port), which the port backend (src/port/vxlan.c, one UDP socket
 * per tunnel) cannot share, nor the same VNI twice on one switch. The
 * namespace named by `netns:` is only looked up when the topology is
 * built (it may be one of the topology's own hosts).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "topo/topo.h"
#include "topo/topo_yaml.h"

enum { TUN_SWITCH, TUN_VLAN, TUN_VXLAN, TUN_N };
static const char *const tun_keys[] = {"switch", "vlan", "vxlan", NULL};

enum { VX_VNI, VX_LOCAL, VX_REMOTE, VX_PORT, VX_NETNS, VX_N };
static const char *const vx_keys[] = {"vni",  "local", "remote",
				      "port", "netns", NULL};

/**
 * topo_tunnel_port_name() - the switch port name of tunnel @tu
 * @t: topology
 * @tu: one of its tunnels
 * @name: out: "SWITCH.vxVNI"
 *
 * Return: 0, or -ENAMETOOLONG if it does not fit TOPO_PORT_NAME_MAX.
 */
int topo_tunnel_port_name(const struct topo *t, const struct topo_tunnel *tu,
			  char name[TOPO_PORT_NAME_MAX])
{
	int n = snprintf(name, TOPO_PORT_NAME_MAX, "%s.vx%u",
			 t->switches[tu->sw].name, tu->vni);

	return n < 0 || n >= TOPO_PORT_NAME_MAX ? -ENAMETOOLONG : 0;
}

/* one IPv4 unicast address; @key names it in messages */
static int tp_addr(struct tp *p, yaml_node_t *n, const char *key,
		   struct in_addr *a)
{
	char what[TP_WHAT_MAX + 16];
	const char *s, *end;
	int ret;

	snprintf(what, sizeof(what), "%s: %s", p->what, key);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	end = tp_parse_ip4(s, a);
	if (!end || *end)
		return tp_err(p, n,
			      "%s: %s: bad address '%s' (expected "
			      "A.B.C.D)",
			      p->what, key, tp_show(p, s));
	if (!tp_is_unicast4(ntohl(a->s_addr)))
		return tp_err(p, n, "%s: %s: '%s' is not a unicast address",
			      p->what, key, s);
	return 0;
}

static int tp_remote_item(struct tp *p, yaml_node_t *n, struct topo_tunnel *tu)
{
	struct in_addr a;
	unsigned int i;
	int ret = tp_addr(p, n, "remote", &a);

	if (ret)
		return ret;
	if (a.s_addr == tu->local.s_addr)
		return tp_err(p, n, "%s: remote %s is the local address",
			      p->what, inet_ntoa(a));
	for (i = 0; i < tu->nremotes; i++)
		if (tu->remotes[i].s_addr == a.s_addr)
			return tp_err(p, n, "%s: remote %s appears twice",
				      p->what, inet_ntoa(a));
	tu->remotes[tu->nremotes++] = a;
	return 0;
}

/* `remote: A.B.C.D` or `remote: [A, B, ...]`, 1..16 of them */
static int tp_remotes(struct tp *p, yaml_node_t *n, struct topo_tunnel *tu)
{
	yaml_node_item_t *it;
	int ret;

	if (n->type == YAML_SCALAR_NODE && !tp_is_null(n))
		return tp_remote_item(p, n, tu);
	if (n->type != YAML_SEQUENCE_NODE || !tp_len(n))
		return tp_err(p, n,
			      "%s: 'remote' expected a list of 1..%d "
			      "addresses, [A.B.C.D, ...]",
			      p->what, TOPO_TUNNEL_MAX_REMOTES);
	if (tp_len(n) > TOPO_TUNNEL_MAX_REMOTES)
		return tp_err(p, n, "%s: 'remote' has more than %d addresses",
			      p->what, TOPO_TUNNEL_MAX_REMOTES);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		ret = tp_remote_item(p, tp_node(p, *it), tu);
		if (ret)
			return ret;
	}
	return 0;
}

static int tp_netns(struct tp *p, yaml_node_t *n, struct topo_tunnel *tu)
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "%s: netns", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (strlen(s) >= sizeof(tu->netns) || !*s || *s == '.' ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789_.-") != strlen(s))
		return tp_err(p, n,
			      "%s: bad namespace name '%s' (1..%d of "
			      "letters, digits, '_', '.', '-')",
			      p->what, tp_show(p, s), TOPO_NAME_MAX - 1);
	strcpy(tu->netns, s);
	return 0;
}

static int tp_vxlan_fields(struct tp *p, yaml_node_t *v[],
			   struct topo_tunnel *tu)
{
	uint32_t port = TOPO_VXLAN_PORT;
	int ret;

	ret = tp_uint(p, v[VX_VNI], "vni", 1, TOPO_VNI_MAX, &tu->vni);
	if (!ret)
		ret = tp_addr(p, v[VX_LOCAL], "local", &tu->local);
	if (!ret)
		ret = tp_remotes(p, v[VX_REMOTE], tu);
	if (!ret && v[VX_PORT])
		ret = tp_uint(p, v[VX_PORT], "port", 1, 65535, &port);
	tu->port = (uint16_t)port;
	if (!ret && v[VX_NETNS])
		ret = tp_netns(p, v[VX_NETNS], tu);
	return ret;
}

static int tp_vxlan(struct tp *p, yaml_node_t *n, struct topo_tunnel *tu)
{
	char where[TP_WHAT_MAX + 16];
	yaml_node_t *v[VX_N];
	int ret;

	if (n->type != YAML_MAPPING_NODE)
		return tp_err(p, n,
			      "%s: 'vxlan' expected a mapping {vni, "
			      "local, remote, ...}, found %s",
			      p->what, tp_node_kind(n));
	snprintf(where, sizeof(where), "in %s vxlan", p->what);
	ret = tp_fields(p, n, vx_keys, where, v);
	if (!ret)
		ret = tp_required(p, n, v[VX_VNI], "vni");
	if (!ret)
		ret = tp_required(p, n, v[VX_LOCAL], "local");
	if (!ret)
		ret = tp_required(p, n, v[VX_REMOTE], "remote");
	if (!ret)
		ret = tp_vxlan_fields(p, v, tu);
	return ret;
}

/* what the backend cannot share, and what would clash in port names */
static int tp_tunnel_unique(struct tp *p, yaml_node_t *n,
			    const struct topo_tunnel *tu)
{
	const struct topo_tunnel *o;
	char name[TOPO_PORT_NAME_MAX];
	int i;

	if (topo_tunnel_port_name(p->t, tu, name))
		return tp_err(p, n,
			      "%s: port name '%s.vx%u' is longer than "
			      "%d characters (use a shorter switch name)",
			      p->what, p->t->switches[tu->sw].name, tu->vni,
			      TOPO_PORT_NAME_MAX - 1);
	for (i = 0; i < p->t->ntunnels; i++) {
		o = &p->t->tunnels[i];
		if (o->sw == tu->sw && o->vni == tu->vni)
			return tp_err(p, n,
				      "%s: switch '%s' already has VNI %u "
				      "(tunnel %d, line %d)",
				      p->what, p->t->switches[tu->sw].name,
				      tu->vni, i + 1, o->line);
		if (o->local.s_addr == tu->local.s_addr &&
		    o->port == tu->port && !strcmp(o->netns, tu->netns))
			return tp_err(p, n,
				      "%s: %s:%u%s%s is already used by "
				      "tunnel %d (line %d): one tunnel per "
				      "local address and port (give this VNI "
				      "another local address or port)",
				      p->what, inet_ntoa(tu->local), tu->port,
				      *tu->netns ? " in netns " : "", tu->netns,
				      i + 1, o->line);
	}
	return 0;
}

/**
 * tp_tunnel() - one item of `tunnels:`
 * @p: parse state
 * @n: the item
 *
 * Return: 0, or -EINVAL with the message in p->err.
 */
int tp_tunnel(struct tp *p, yaml_node_t *n)
{
	struct topo_tunnel *tu = &p->t->tunnels[p->t->ntunnels];
	char where[TP_WHAT_MAX + 4];
	yaml_node_t *v[TUN_N];
	int ret;

	memset(tu, 0, sizeof(*tu));
	tu->line = (int)n->start_mark.line + 1;
	tu->col = (int)n->start_mark.column + 1;
	snprintf(p->what, sizeof(p->what), "tunnel %d", p->t->ntunnels + 1);
	snprintf(where, sizeof(where), "in %s", p->what);
	if (tp_is_null(n))
		return tp_err(p, n, "%s: expected a mapping, found nothing",
			      p->what);
	ret = tp_fields(p, n, tun_keys, where, v);
	if (!ret)
		ret = tp_required(p, n, v[TUN_SWITCH], "switch");
	if (!ret)
		ret = tp_required(p, n, v[TUN_VXLAN], "vxlan");
	if (!ret)
		ret = tp_switch_ref(p, v[TUN_SWITCH], &tu->sw);
	if (!ret)
		ret = tp_vlan(p, v[TUN_VLAN], &tu->vlan);
	if (!ret)
		ret = tp_vxlan(p, v[TUN_VXLAN], tu);
	if (!ret)
		ret = tp_tunnel_unique(p, n, tu);
	if (!ret)
		p->t->ntunnels++;
	return ret;
}
