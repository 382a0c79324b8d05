/* SPDX-License-Identifier: MIT */
/*
 * ctl_show.h - JSON views of a running topology (see ctl_show.c).
 */
#ifndef DCBOX_CTL_SHOW_H
#define DCBOX_CTL_SHOW_H

#include <jansson.h>
#include <time.h>

#include "../topo/topo_rt.h"

json_t *ctl_show_ports(const struct topo_rt *rt, const char *sw);
json_t *ctl_show_mac(const struct topo_rt *rt, const char *sw);
json_t *ctl_show_switches(const struct topo_rt *rt);
json_t *ctl_show_topology(const struct topo_rt *rt);
json_t *ctl_show_status(const struct topo_rt *rt, time_t started);

#endif
