/* SPDX-License-Identifier: MIT */
/*
 * topo_rt.h - a topology brought to life: the dataplane, its switches, the
 * kernel objects (namespaces, veths, TAPs) made for it, and what each port
 * is, for `dcbox show`.
 *
 * topo_build() creates everything or, on any failure, removes what it had
 * made and reports why: nothing is ever half-applied. Every kernel object
 * is recorded in an undo log as soon as it exists (and in the state file
 * CTL_RUN_DIR/NAME.state, so `dcbox down` can clean up after a daemon that
 * died); topo_teardown() walks the log backwards.
 */
#ifndef DCBOX_TOPO_RT_H
#define DCBOX_TOPO_RT_H

#include "../node/dataplane.h"
#include "../node/firewall.h"
#include "../node/router.h"
#include "../node/switch.h"
#include "topo.h"

enum {
	TOPO_UNDO_MAX = 4 * (TOPO_MAX_HOSTS + TOPO_MAX_VMS) + 16,
};

enum { TOPO_PORT_NO_SWITCH = 0xffff };

/* Where firewall EVE logs go: DCBOX_LOG_DIR/NAME.eve.json */
#define DCBOX_LOG_DIR "/var/log/dcbox"


enum topo_obj { TOPO_OBJ_NETNS, TOPO_OBJ_LINK, TOPO_OBJ_TAP };

/** struct topo_undo - one kernel object made by topo_build() */
struct topo_undo {
	enum topo_obj kind;
	char name[TOPO_NAME_MAX];
};

/** struct topo_port_info - what a dataplane port is, for show/capture */
struct topo_port_info {
	const char *kind;          /* "veth", "tap", "link" */
	char ifname[TOPO_IFNAME_MAX]; /* kernel side, "" for links */
	char owner[TOPO_NAME_MAX]; /* host, VM, or peer switch for links */
	uint16_t sw;               /* switch index in the topology, or
				    * TOPO_PORT_NO_SWITCH (router side) */
	struct sw_port_cfg cfg;
};

/** struct topo_rt - the running topology */
struct topo_rt {
	const struct topo *topo;
	struct dataplane dp;
	struct switch_node *sws[TOPO_MAX_SWITCHES];
	struct router *routers[TOPO_MAX_ROUTERS];
	struct firewall *fws[TOPO_MAX_FIREWALLS];
	int eve_fd;                /* DCBOX_LOG_DIR/NAME.eve.json, or -1 */
	struct topo_port_info info[DP_MAX_PORTS];
	struct topo_undo undo[TOPO_UNDO_MAX];
	unsigned int nundo;
	int state_fd;              /* the state file, -1 if none */
};

void topo_port_info_set(struct topo_rt *rt, const struct dp_port *dpp,
			uint16_t sw, const struct sw_port_cfg *cfg,
			const char *kind, const char *ifname, const char *owner);
int topo_attach(struct topo_rt *rt, struct dp_port *dpp, uint16_t sw,
		const struct sw_port_cfg *cfg, const char *kind,
		const char *ifname, const char *owner);
void topo_access_cfg(struct sw_port_cfg *cfg, uint16_t vlan, uint32_t limit);
int topo_build_routers(struct topo_rt *rt, char *err, size_t errsize);
int topo_build_firewalls(struct topo_rt *rt, char *err, size_t errsize);
int topo_build_tunnels(struct topo_rt *rt, char *err, size_t errsize);
int topo_build_uplinks(struct topo_rt *rt, char *err, size_t errsize);
int topo_tunnel_warn_mtu(const struct topo *t, FILE *f);
int topo_fw_apply_policy(struct topo_rt *rt, const struct topo *t,
			 unsigned int i, char *err, size_t errsize);
struct ips_engine;
int topo_ips_engine(const struct topo *t, unsigned int i,
		    struct ips_engine **out, FILE *log, char *err,
		    size_t errsize);
struct firewall_ips *topo_ips_step(struct topo_rt *rt, const struct topo *t,
				   unsigned int i, struct ips_engine *eng,
				   char *err, size_t errsize);
int topo_preflight(const struct topo *t, char *err, size_t errsize);
int topo_build(struct topo_rt *rt, const struct topo *t, char *err,
	       size_t errsize);
void topo_teardown(struct topo_rt *rt);
int topo_cleanup_state(const char *name, char *err, size_t errsize);
int topo_netns_kill(const char *ns);

#endif
