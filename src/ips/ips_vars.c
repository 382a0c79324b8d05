// SPDX-License-Identifier: MIT
/*
 * ips_vars.c - the table of rule variables and Suricata's defaults (see
 * ips_vars.h). Control side only.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ips/ips_addr.h"
#include "ips/ips_vars.h"

/* The vars of Suricata's default suricata.yaml (6.x/7.x). */
static const struct {
	enum ips_var_kind kind;
	const char *name;
	const char *value;
} defaults[] = {
	{IPS_VAR_ADDR, "HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]"},
	{IPS_VAR_ADDR, "EXTERNAL_NET", "!$HOME_NET"},
	{IPS_VAR_ADDR, "HTTP_SERVERS", "$HOME_NET"},
	{IPS_VAR_ADDR, "SMTP_SERVERS", "$HOME_NET"},
	{IPS_VAR_ADDR, "SQL_SERVERS", "$HOME_NET"},
	{IPS_VAR_ADDR, "DNS_SERVERS", "$HOME_NET"},
	{IPS_VAR_ADDR, "TELNET_SERVERS", "$HOME_NET"},
	{IPS_VAR_ADDR, "AIM_SERVERS", "$EXTERNAL_NET"},
	{IPS_VAR_ADDR, "DC_SERVERS", "$HOME_NET"},
	{IPS_VAR_ADDR, "DNP3_SERVER", "$HOME_NET"},
	{IPS_VAR_ADDR, "DNP3_CLIENT", "$HOME_NET"},
	{IPS_VAR_ADDR, "MODBUS_CLIENT", "$HOME_NET"},
	{IPS_VAR_ADDR, "MODBUS_SERVER", "$HOME_NET"},
	{IPS_VAR_ADDR, "ENIP_CLIENT", "$HOME_NET"},
	{IPS_VAR_ADDR, "ENIP_SERVER", "$HOME_NET"},
	{IPS_VAR_PORT, "HTTP_PORTS", "80"},
	{IPS_VAR_PORT, "SHELLCODE_PORTS", "!80"},
	{IPS_VAR_PORT, "ORACLE_PORTS", "1521"},
	{IPS_VAR_PORT, "SSH_PORTS", "22"},
	{IPS_VAR_PORT, "DNP3_PORTS", "20000"},
	{IPS_VAR_PORT, "MODBUS_PORTS", "502"},
	{IPS_VAR_PORT, "FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]"},
	{IPS_VAR_PORT, "FTP_PORTS", "21"},
	{IPS_VAR_PORT, "GENEVE_PORTS", "6081"},
	{IPS_VAR_PORT, "VXLAN_PORTS", "4789"},
	{IPS_VAR_PORT, "TEREDO_PORTS", "3544"},
};

/**
 * ips_vars_init() - make @vars an empty table
 * @vars: table; holds no memory afterwards
 */
void ips_vars_init(struct ips_vars *vars)
{
	vars->v = NULL;
	vars->n = 0;
	vars->cap = 0;
}

/**
 * ips_vars_init_defaults() - make @vars the table of Suricata's default
 * suricata.yaml: HOME_NET = [192.168.0.0/16,10.0.0.0/8,172.16.0.0/12],
 * EXTERNAL_NET = !$HOME_NET, the *_SERVERS groups = $HOME_NET
 * (AIM_SERVERS = $EXTERNAL_NET), HTTP_PORTS = 80, SHELLCODE_PORTS = !80,
 * ORACLE_PORTS = 1521, SSH_PORTS = 22, FILE_DATA_PORTS =
 * [$HTTP_PORTS,110,143], and the DNP3/Modbus/FTP/tunnel ports
 * @vars: table to initialise (not yet initialised)
 *
 * Return: 0 or -ENOMEM (then @vars is empty).
 */
int ips_vars_init_defaults(struct ips_vars *vars)
{
	size_t i;
	int ret;

	ips_vars_init(vars);
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		ret = ips_vars_set(vars, defaults[i].kind, defaults[i].name,
				   defaults[i].value);
		if (ret) {
			ips_vars_free(vars);
			return ret;
		}
	}
	return 0;
}

/**
 * ips_vars_free() - release every variable and make @vars empty
 * @vars: table
 */
void ips_vars_free(struct ips_vars *vars)
{
	uint32_t i;

	for (i = 0; i < vars->n; i++)
		free(vars->v[i].value);
	free(vars->v);
	ips_vars_init(vars);
}

static bool name_ok(const char *name)
{
	size_t i;

	if (!isalpha((unsigned char)name[0]) && name[0] != '_')
		return false;
	for (i = 1; name[i]; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return false;
	return i < IPS_VAR_NAME_MAX;
}

static struct ips_var *find(const struct ips_vars *vars, enum ips_var_kind kind,
			    const char *name)
{
	uint32_t i;

	for (i = 0; i < vars->n; i++)
		if (vars->v[i].kind == kind && !strcmp(vars->v[i].name, name))
			return &vars->v[i];
	return NULL;
}

/**
 * ips_vars_set() - define or redefine variable @name of @kind
 * @vars: table
 * @kind: IPS_VAR_ADDR or IPS_VAR_PORT
 * @name: name without '$': [A-Za-z_][A-Za-z0-9_]*, < IPS_VAR_NAME_MAX
 * @value: expression text (ips_addr.h); checked when used or by
 *         ips_vars_check(), not here, so variables may be set in any order
 *
 * Return: 0, -EINVAL for a bad name or a value longer than
 * IPS_VAR_VALUE_MAX, -E2BIG past IPS_VARS_MAX, -ENOMEM.
 */
int ips_vars_set(struct ips_vars *vars, enum ips_var_kind kind,
		 const char *name, const char *value)
{
	struct ips_var *v = find(vars, kind, name), *nv;
	char *copy;

	if (!name_ok(name) || strlen(value) >= IPS_VAR_VALUE_MAX)
		return -EINVAL;
	copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	if (v) {
		free(v->value);
		v->value = copy;
		return 0;
	}
	if (vars->n == vars->cap) {
		uint32_t cap = vars->cap ? vars->cap * 2 : 32;

		if (vars->n >= IPS_VARS_MAX) {
			free(copy);
			return -E2BIG;
		}
		nv = realloc(vars->v, cap * sizeof(*nv));
		if (!nv) {
			free(copy);
			return -ENOMEM;
		}
		vars->v = nv;
		vars->cap = cap;
	}
	v = &vars->v[vars->n++];
	v->kind = kind;
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->value = copy;
	return 0;
}

/**
 * ips_vars_get() - the expression text of variable @name of @kind
 * @vars: table; may be NULL (no variables)
 * @kind: IPS_VAR_ADDR or IPS_VAR_PORT
 * @name: name without '$'
 *
 * Return: the text, owned by @vars, or NULL if not defined.
 */
const char *ips_vars_get(const struct ips_vars *vars, enum ips_var_kind kind,
			 const char *name)
{
	const struct ips_var *v = vars ? find(vars, kind, name) : NULL;

	return v ? v->value : NULL;
}

/**
 * ips_vars_check() - expand every variable, as a rule would
 * @vars: table
 * @err: buffer for "variable NAME: what is wrong" on failure
 * @size: bytes of @err
 *
 * Return: 0 if every variable expands to a non-empty set, -EINVAL (and a
 * message) for the first that does not, -ENOMEM.
 */
int ips_vars_check(const struct ips_vars *vars, char *err, size_t size)
{
	char ref[IPS_VAR_NAME_MAX + 1], msg[256];
	struct ips_addrs a;
	struct ips_set p;
	uint32_t i;
	int ret;

	for (i = 0; i < vars->n; i++) {
		snprintf(ref, sizeof(ref), "$%s", vars->v[i].name);
		if (vars->v[i].kind == IPS_VAR_ADDR) {
			ret = ips_addr_parse(ref, vars, &a, msg, sizeof(msg));
			if (!ret)
				ips_addrs_free(&a);
		} else {
			ret = ips_port_parse(ref, vars, &p, msg, sizeof(msg));
			if (!ret)
				ips_set_free(&p);
		}
		if (ret) {
			snprintf(err, size, "variable %s: %s", vars->v[i].name,
				 msg);
			return ret;
		}
	}
	return 0;
}
