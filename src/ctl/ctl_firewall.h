/* SPDX-License-Identifier: MIT */
/*
 * ctl_firewall.h - firewall views and policy reload (see ctl_firewall.c).
 */
#ifndef DCBOX_CTL_FIREWALL_H
#define DCBOX_CTL_FIREWALL_H

#include <jansson.h>

#include "../topo/topo_rt.h"

json_t *ctl_fw_show(const struct topo_rt *rt, const char *name);
json_t *ctl_fw_conntrack(const struct topo_rt *rt, const char *name);
int ctl_fw_reload(struct topo_rt *rt, const struct topo *nt, char *err,
		  size_t errsize);

#endif
