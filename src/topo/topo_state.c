// SPDX-License-Identifier: MIT
/*
 * topo_state.c - clean-up that does not need a live daemon: the state file
 * left by a daemon that died, and the processes still running inside a
 * host's namespace (a host "powers off" with its topology).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../ctl/ctl_proto.h"
#include "../port/netlink.h"
#include "../port/netns.h"
#include "topo_rt.h"

enum { KILL_WAIT_MS = 1000, STATE_LINES = TOPO_UNDO_MAX };

static int signal_ns(ino_t ino, int sig)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	char path[64];
	struct stat st;
	int n = 0;
	pid_t pid;

	if (!proc)
		return 0;
	while ((e = readdir(proc))) {
		pid = (pid_t)atoi(e->d_name);
		if (pid <= 1 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		if (stat(path, &st) || st.st_ino != ino)
			continue;
		if (!kill(pid, sig))
			n++;
	}
	closedir(proc);
	return n;
}

/**
 * topo_netns_kill() - end every process inside namespace @ns: SIGTERM,
 * then SIGKILL for those still there after a second
 * @ns: namespace name (/run/netns/@ns)
 *
 * Return: number of processes that had to be signalled, or -errno when
 * the namespace does not exist.
 */
int topo_netns_kill(const char *ns)
{
	struct timespec ts = {0, 20 * 1000000};
	char path[300];
	struct stat st;
	int n, waited;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if (stat(path, &st))
		return -errno;
	n = signal_ns(st.st_ino, SIGTERM);
	for (waited = 0; n && waited < KILL_WAIT_MS; waited += 20) {
		if (!signal_ns(st.st_ino, 0))
			return n;
		nanosleep(&ts, NULL);
	}
	if (n)
		signal_ns(st.st_ino, SIGKILL);
	return n;
}

/**
 * topo_cleanup_state() - remove what a dead daemon of topology @name made,
 * as listed in its state file, newest first; then the file itself
 * @name: topology name
 * @err: out: reason on failure
 * @errsize: size of @err
 *
 * Return: 0, -ENOENT when there is no state file, or another -errno
 * (the state file is then kept).
 */
int topo_cleanup_state(const char *name, char *err, size_t errsize)
{
	char path[128], (*lines)[80], kind[16], obj[64];
	int n = 0;
	FILE *f;

	if (ctl_path(path, sizeof(path), name, "state"))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f) {
		n = -errno;
		snprintf(err, errsize, "%s: %s", path, strerror(-n));
		return n;
	}
	lines = calloc(STATE_LINES, sizeof(*lines));
	if (!lines) {
		/* keep the file: it is the only record of what to remove */
		fclose(f);
		snprintf(err, errsize, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	while (n < STATE_LINES && fgets(lines[n], 80, f))
		n++;
	fclose(f);
	while (n--) {
		if (sscanf(lines[n], "%15s %63s", kind, obj) != 2)
			continue;
		if (!strcmp(kind, "netns")) {
			topo_netns_kill(obj);
			netns_del(obj);
		} else if (!strcmp(kind, "link") || !strcmp(kind, "tap")) {
			netlink_link_del(-1, obj);
		}
	}
	free(lines);
	unlink(path);
	return 0;
}
