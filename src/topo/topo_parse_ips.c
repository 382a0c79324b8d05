// SPDX-License-Identifier: MIT
/*
 * topo_parse_ips.c - the `ips-vars:` maps of a topology: IPS rule
 * variables at the top level (every firewall) and in a firewall (that one
 * only), in the two sections of Suricata's suricata.yaml `vars:`:
 *
 *	ips-vars:
 *	  address-groups: { HOME_NET: "[10.0.0.0/8]" }
 *	  port-groups: { HTTP_PORTS: "[80,8080]" }
 *
 * Only the shape is checked here (names, lengths, duplicates); the values
 * are expanded when the rules are loaded (topo_ips.c), which is kept apart
 * from the parser so that the parser's fuzz harness reads no files.
 */
#include <stdio.h>
#include <string.h>

#include "topo/topo_yaml.h"

enum { IPSV_ADDR, IPSV_PORT, IPSV_N };
static const char *const ipsv_keys[] = {"address-groups", "port-groups", NULL};

/* Is variable @name already defined in scope @fw with kind @port? */
static bool var_defined(const struct topo *t, uint16_t fw, uint8_t port,
			const char *name)
{
	unsigned int i;

	for (i = 0; i < t->nips_vars; i++)
		if (t->ips_vars[i].fw == fw && t->ips_vars[i].port == port &&
		    !strcmp(t->ips_vars[i].name, name))
			return true;
	return false;
}

static bool var_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n < TOPO_IPS_VAR_NAME_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789_") == n &&
	       !(s[0] >= '0' && s[0] <= '9');
}

/* One NAME: VALUE of an address-groups or port-groups map. */
static int tp_ips_var(struct tp *p, yaml_node_pair_t *pair, uint16_t fw,
		      uint8_t port)
{
	yaml_node_t *k = tp_node(p, pair->key), *v = tp_node(p, pair->value);
	struct topo *t = p->t;
	struct topo_ips_var *var;
	const char *name, *val;
	int ret;

	ret = tp_str(p, k, p->what, &name);
	if (!ret)
		ret = tp_str(p, v, p->what, &val);
	if (ret)
		return ret;
	if (!var_name_ok(name))
		return tp_err(p, k,
			      "%s: bad variable name '%s' (letters, digits and "
			      "'_', at most %d, no '$')",
			      p->what, tp_show(p, name),
			      TOPO_IPS_VAR_NAME_MAX - 1);
	if (strlen(val) >= TOPO_IPS_VAR_VALUE_MAX)
		return tp_err(p, v, "%s: %s: value longer than %d bytes",
			      p->what, name, TOPO_IPS_VAR_VALUE_MAX - 1);
	if (var_defined(t, fw, port, name))
		return tp_err(p, k, "%s: %s defined twice", p->what, name);
	if (t->nips_vars >= TOPO_IPS_VARS_MAX)
		return tp_err(p, k, "%s: more than %d IPS variables", p->what,
			      TOPO_IPS_VARS_MAX);
	var = &t->ips_vars[t->nips_vars++];
	memset(var, 0, sizeof(*var));
	var->fw = fw;
	var->port = port;
	strcpy(var->name, name);
	strcpy(var->value, val);
	var->line = (int)k->start_mark.line + 1;
	var->col = (int)k->start_mark.column + 1;
	return 0;
}

static int tp_ips_group(struct tp *p, yaml_node_t *n, uint16_t fw, uint8_t port)
{
	yaml_node_pair_t *pair;
	int ret;

	if (tp_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return tp_err(p, n,
			      "%s: %s: expected a mapping of NAME: VALUE, "
			      "found %s",
			      p->what, ipsv_keys[port], tp_node_kind(n));
	for (pair = n->data.mapping.pairs.start;
	     pair < n->data.mapping.pairs.top; pair++) {
		ret = tp_ips_var(p, pair, fw, port);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * tp_ips_vars() - parse an `ips-vars:` map
 * @p: parse state (p->what names the element, for messages)
 * @n: the map: {address-groups: {NAME: VALUE...}, port-groups: {...}}
 * @fw: the firewall's index, or TOPO_IPS_ALL at the top level
 *
 * Values are checked when the rules are loaded (topo_ips_validate()).
 *
 * Return: 0 or -EINVAL with the message in p->err.
 */
int tp_ips_vars(struct tp *p, yaml_node_t *n, uint16_t fw)
{
	char what[TP_WHAT_MAX];
	yaml_node_t *v[IPSV_N];
	int ret;

	snprintf(what, sizeof(what), "%s", p->what);
	if (fw == TOPO_IPS_ALL)
		snprintf(p->what, sizeof(p->what), "ips-vars");
	else
		snprintf(p->what, sizeof(p->what), "%.*s: ips-vars",
			 (int)sizeof(what) - 16, what);
	ret = tp_fields(p, n, ipsv_keys, "in ips-vars", v);
	if (!ret && v[IPSV_ADDR])
		ret = tp_ips_group(p, v[IPSV_ADDR], fw, 0);
	if (!ret && v[IPSV_PORT])
		ret = tp_ips_group(p, v[IPSV_PORT], fw, 1);
	if (!ret)
		snprintf(p->what, sizeof(p->what), "%s", what);
	return ret;
}
