/* SPDX-License-Identifier: MIT */
/*
 * ips_addr.h - address and port expressions of IPS rule headers.
 *
 *	ADDRS = "any" | A.B.C.D[/LEN|/MASK] | A.B.C.D-E.F.G.H | IPV6[/LEN]
 *	      | "$" NAME | "!" ADDRS | "[" ADDRS { "," ADDRS } "]"
 *	PORTS = "any" | N | N ":" M | N ":" | ":" M | "$" NAME
 *	      | "!" PORTS | "[" PORTS { "," PORTS } "]"
 *
 * Meaning follows Suricata (detect-engine-address.c, detect-engine-port.c)
 * rather than plain set algebra, so that public rule sets mean what their
 * authors tested: an expression collects a positive and a negative part.
 * A list or a non-negated variable contributes its parts to the enclosing
 * list (variables expand in place, so [$EXTERNAL_NET,1.2.3.4] is 1.2.3.4
 * minus $HOME_NET, as in Suricata); "!X" evaluates X completely and adds
 * the result to the negative part. The value of a whole expression is
 * positive minus negative, where an empty positive part means "any". An
 * expression whose value is empty is an error (Suricata refuses it too).
 * Lists and variables nest at most IPS_ADDR_DEPTH_MAX deep, which also
 * stops variable cycles. Spaces around items inside lists are allowed.
 */
#ifndef DCBOX_IPS_ADDR_H
#define DCBOX_IPS_ADDR_H

#include <stddef.h>

#include "ips/ips_set.h"
#include "ips/ips_vars.h"

enum {
	IPS_ADDR_DEPTH_MAX = 16,
};

int ips_addr_parse(const char *text, const struct ips_vars *vars,
		   struct ips_addrs *out, char *err, size_t size);
int ips_port_parse(const char *text, const struct ips_vars *vars,
		   struct ips_set *out, char *err, size_t size);

#endif
