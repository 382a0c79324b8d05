/* SPDX-License-Identifier: MIT */
/*
 * daemon.h - one running topology: its event loop, control socket and the
 * topology runtime. The CLI's `up` forks and calls daemon_start() then
 * daemon_run() in the child.
 */
#ifndef DCBOX_DAEMON_H
#define DCBOX_DAEMON_H

#include <stdbool.h>
#include <time.h>

#include "../core/loop.h"
#include "../topo/topo_rt.h"

struct daemon;

/** struct daemon_port - event-loop context of one dataplane port */
struct daemon_port {
	struct daemon *d;
	struct dp_port *dpp;
	struct loop_watch w;
};

struct daemon {
	struct topo *topo;         /* owned */
	struct topo_rt rt;
	struct loop loop;
	struct loop_watch listen_w;
	struct loop_watch signal_w;
	struct daemon_port ports[DP_MAX_PORTS];
	int listen_fd;
	int signal_fd;
	time_t started;
	bool built;
	struct offload *offload;   /* kernel fast path, NULL if off */
};

int daemon_start(struct daemon *d, struct topo *t, char *err, size_t errsize);
int daemon_run(struct daemon *d);
void daemon_stop(struct daemon *d);
void *daemon_handle(struct daemon *d, int client_fd, void *req,
		    bool *keep_fd);

#endif
