/* SPDX-License-Identifier: MIT */
/*
 * ctl_router.h - JSON views of routers and run-time route changes.
 */
#ifndef DCBOX_CTL_ROUTER_H
#define DCBOX_CTL_ROUTER_H

#include <jansson.h>
#include <stdbool.h>

#include "../topo/topo_rt.h"

/* what `show` hands to ctl_router_show(), as a comma list for messages */
#define ROUTER_VIEWS "routes, arp, conntrack, nat, leases"

struct ct_table;
void ctl_conntrack_rows(struct ct_table *t, const char *key,
			const char *owner, json_t *a);
bool ctl_router_is_view(const char *what);
json_t *ctl_router_show(const struct topo_rt *rt, const char *what,
			const char *name);
int ctl_router_route(struct topo_rt *rt, bool add, const char *name,
		     const char *prefix, const char *via, char *err,
		     size_t errsize);

#endif
