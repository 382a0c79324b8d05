// SPDX-License-Identifier: MIT
/*
 * cli_exec.c - `dcbox exec HOST -- CMD...`: run a command inside a host's
 * network namespace, as `ip netns exec` does: join the namespace, give the
 * command a private mount namespace with /sys remounted so that tools
 * reading /sys/class/net see the host's interfaces, then exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "cli.h"

static int remount_sys(void)
{
	if (unshare(CLONE_NEWNS))
		return -errno;
	if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL))
		return -errno;
	if (umount2("/sys", MNT_DETACH) && errno != EINVAL)
		return -errno;
	if (mount("sysfs", "/sys", "sysfs", 0, NULL))
		return -errno;
	return 0;
}

/**
 * cli_exec() - `dcbox exec HOST -- CMD [ARG...]`
 * @c: options; argv[1] is the host
 *
 * Return: does not return on success; exit status 1 (or 127 when CMD is
 * not found) on failure.
 */
int cli_exec(struct cli *c)
{
	char path[300];
	int fd, first = 2, ret;

	if (c->argc > 2 && !strcmp(c->argv[2], "--"))
		first = 3;
	if (c->argc <= first)
		return cli_err("usage: dcbox exec HOST -- CMD [ARG...]");
	snprintf(path, sizeof(path), "/run/netns/%s", c->argv[1]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cli_err("no host '%s' (is its topology up?)", c->argv[1]);
	if (setns(fd, CLONE_NEWNET)) {
		ret = errno;
		close(fd);
		return cli_err("cannot enter host '%s': %s", c->argv[1],
			       strerror(ret));
	}
	close(fd);
	ret = remount_sys();
	if (ret)
		return cli_err("cannot prepare /sys for '%s': %s", c->argv[1],
			       strerror(-ret));
	execvp(c->argv[first], &c->argv[first]);
	ret = errno;
	cli_err("%s: %s", c->argv[first], strerror(ret));
	return ret == ENOENT ? 127 : 1;
}
