/* SPDX-License-Identifier: MIT */
/*
 * ips_vars.h - rule variables: the address groups ($HOME_NET,
 * $EXTERNAL_NET, $HTTP_SERVERS, ...) and port groups ($HTTP_PORTS,
 * $SSH_PORTS, ...) that rule headers refer to, as Suricata's
 * suricata.yaml `vars:` section defines them.
 *
 * A variable holds the text of an address or port expression (the grammar
 * of ips_addr.h), which may refer to other variables of the same kind:
 * EXTERNAL_NET is "!$HOME_NET". Text is expanded when a rule uses the
 * variable, so setting HOME_NET later changes EXTERNAL_NET too. The two
 * kinds are separate name spaces, as in Suricata: $HTTP_PORTS in an
 * address field is an error.
 *
 * ips_vars_init_defaults() installs the defaults of Suricata's shipped
 * suricata.yaml; the caller (the topology) then overrides what it knows,
 * e.g. HOME_NET from the subnets it builds.
 */
#ifndef DCBOX_IPS_VARS_H
#define DCBOX_IPS_VARS_H

#include <stddef.h>
#include <stdint.h>

/** enum ips_var_kind - which name space a variable lives in */
enum ips_var_kind {
	IPS_VAR_ADDR,
	IPS_VAR_PORT,
};

enum {
	IPS_VAR_NAME_MAX = 64, /* bytes of a name, with the NUL */
	IPS_VARS_MAX = 1024,
	IPS_VAR_VALUE_MAX = 65536,
};

/**
 * struct ips_var - one variable
 * @kind: enum ips_var_kind
 * @name: name without the '$'
 * @value: expression text (malloc'd)
 */
struct ips_var {
	uint8_t kind;
	char name[IPS_VAR_NAME_MAX];
	char *value;
};

/**
 * struct ips_vars - a table of variables (a handful; linear lookup)
 * @v: variables
 * @n: in use
 * @cap: allocated
 */
struct ips_vars {
	struct ips_var *v;
	uint32_t n;
	uint32_t cap;
};

void ips_vars_init(struct ips_vars *vars);
int ips_vars_init_defaults(struct ips_vars *vars);
void ips_vars_free(struct ips_vars *vars);
int ips_vars_set(struct ips_vars *vars, enum ips_var_kind kind,
		 const char *name, const char *value);
const char *ips_vars_get(const struct ips_vars *vars, enum ips_var_kind kind,
			 const char *name);
int ips_vars_check(const struct ips_vars *vars, char *err, size_t size);

#endif
