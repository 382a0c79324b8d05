/* SPDX-License-Identifier: MIT */
/*
 * ctl_ips.h - `show ips` and the IPS half of reload (see ctl_ips.c).
 */
#ifndef DCBOX_CTL_IPS_H
#define DCBOX_CTL_IPS_H

#include <jansson.h>
#include <stdint.h>

#include "../topo/topo_rt.h"

/**
 * struct ctl_ips_prep - a reload's compiled IPS rules, per firewall index
 * @eng: a new engine for a firewall that has an IPS step already
 * @fresh: a new IPS step for a firewall that had none
 */
struct ctl_ips_prep {
	struct ips_engine *eng[TOPO_MAX_FIREWALLS];
	struct firewall_ips *fresh[TOPO_MAX_FIREWALLS];
};

json_t *ctl_ips_show(const struct topo_rt *rt, const char *name, uint32_t top,
		     char *err, size_t errsize);
json_t *ctl_ips_cmd_show(const struct topo_rt *rt, const json_t *req);
json_t *ctl_ips_loaded(const struct topo_rt *rt);
int ctl_ips_prepare(struct topo_rt *rt, const struct topo *nt,
		    struct ctl_ips_prep *p, char *err, size_t errsize);
void ctl_ips_abort(struct ctl_ips_prep *p);
unsigned int ctl_ips_commit(struct topo_rt *rt, const struct topo *nt,
			    struct ctl_ips_prep *p);

#endif
