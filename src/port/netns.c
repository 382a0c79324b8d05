// SPDX-License-Identifier: MIT
/*
 * netns.c - create, delete, open and enter named network namespaces.
 *
 * netns_add() follows iproute2's netns_add() step by step: make
 * /run/netns a shared mount point (bind-mounting it on itself first if it
 * is not a mount point yet, so mounts below it propagate into mount
 * namespaces that `ip netns exec` creates), create an empty file
 * /run/netns/NAME, unshare(CLONE_NEWNET) and bind-mount the new namespace
 * onto that file. The unshare happens in a short-lived helper thread, so
 * the calling thread never changes namespace; the helper also brings up
 * "lo" inside, as every host in a topology wants it.
 *
 * netns_enter()/netns_leave() switch the calling thread only (setns(2) on a
 * multi-threaded process affects just the caller for CLONE_NEWNET); every
 * socket opened in between belongs to the entered namespace for its whole
 * life, which is how netlink.c, afpacket.c and tap.c reach other
 * namespaces.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netlink.h"
#include "netns.h"

static int netns_path(char *buf, size_t size, const char *name)
{
	int n;

	if (!name || !*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	n = snprintf(buf, size, "%s/%s", NETNS_RUN_DIR, name);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* make /run/netns exist and be a shared mount, as `ip netns add` does */
static int run_dir_prepare(void)
{
	if (mkdir(NETNS_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	while (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL)) {
		/* EINVAL: not a mount point yet; bind it on itself once */
		if (errno != EINVAL)
			return -errno;
		if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none",
			  MS_BIND | MS_REC, NULL))
			return -errno;
	}
	return 0;
}

struct add_job {
	const char *path;
	int ret;
};

static void *add_thread(void *arg)
{
	struct add_job *job = arg;
	char self[64];

	if (unshare(CLONE_NEWNET)) {
		job->ret = -errno;
		return NULL;
	}
	snprintf(self, sizeof(self), "/proc/self/task/%d/ns/net", gettid());
	if (mount(self, job->path, "none", MS_BIND, NULL)) {
		job->ret = -errno;
		return NULL;
	}
	job->ret = netlink_link_set_up(-1, "lo", true);
	return NULL;
}

/**
 * netns_add() - create network namespace @name, like `ip netns add`
 * @name: namespace name (a file name under /run/netns)
 *
 * The new namespace has its loopback up.
 *
 * Return: 0, -EEXIST if it already exists, or another -errno (nothing is
 * left behind on failure).
 */
int netns_add(const char *name)
{
	char path[PATH_MAX];
	struct add_job job = { .path = path, .ret = 0 };
	pthread_t th;
	int fd, ret;

	ret = netns_path(path, sizeof(path), name);
	if (ret)
		return ret;
	ret = run_dir_prepare();
	if (ret)
		return ret;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	ret = -pthread_create(&th, NULL, add_thread, &job);
	if (!ret) {
		pthread_join(th, NULL);
		ret = job.ret;
	}
	if (ret) {
		umount2(path, MNT_DETACH);
		unlink(path);
	}
	return ret;
}

/**
 * netns_del() - delete namespace @name, like `ip netns del`
 * @name: namespace name
 *
 * The namespace itself disappears once nothing else (a process, an open
 * fd) holds it; its veth ends are then destroyed by the kernel.
 *
 * Return: 0, -ENOENT if there is no such namespace, or another -errno.
 */
int netns_del(const char *name)
{
	char path[PATH_MAX];
	int ret = netns_path(path, sizeof(path), name);

	if (ret)
		return ret;
	if (umount2(path, MNT_DETACH) && errno != EINVAL)
		return -errno;
	if (unlink(path))
		return -errno;
	return 0;
}

/**
 * netns_open() - open namespace @name for setns(2)
 * @name: namespace name
 *
 * Return: an O_CLOEXEC fd the caller closes, or -errno.
 */
int netns_open(const char *name)
{
	char path[PATH_MAX];
	int fd, ret = netns_path(path, sizeof(path), name);

	if (ret)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/**
 * netns_exists() - is @name a live named namespace?
 * @name: namespace name
 *
 * Return: true if /run/netns/@name exists and is a namespace (setns
 * accepts it), false otherwise.
 */
bool netns_exists(const char *name)
{
	int saved, fd = netns_open(name);
	bool ok;

	if (fd < 0)
		return false;
	/* an empty file left by a crashed add is not a namespace */
	ok = netns_enter(fd, &saved) == 0;
	if (ok && netns_leave(saved))
		ok = false;
	close(fd);
	return ok;
}

/**
 * netns_enter() - move the calling thread into a network namespace
 * @netns_fd: namespace fd, or -1 to stay where we are
 * @saved_fd: set to an fd of the current namespace (-1 if @netns_fd is
 *            -1), to pass to netns_leave()
 *
 * Return: 0, or -errno (thread unchanged, nothing to leave).
 */
int netns_enter(int netns_fd, int *saved_fd)
{
	int self;

	*saved_fd = -1;
	if (netns_fd < 0)
		return 0;
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (setns(netns_fd, CLONE_NEWNET)) {
		int err = -errno;

		close(self);
		return err;
	}
	*saved_fd = self;
	return 0;
}

/**
 * netns_leave() - return the calling thread to where netns_enter() found it
 * @saved_fd: the fd netns_enter() stored (-1: nothing to do); closed
 *
 * Return: 0, or -errno (the thread is then stuck in the other namespace).
 */
int netns_leave(int saved_fd)
{
	int ret = 0;

	if (saved_fd < 0)
		return 0;
	if (setns(saved_fd, CLONE_NEWNET))
		ret = -errno;
	close(saved_fd);
	return ret;
}

/**
 * netns_run() - call @fn(@arg) with the calling thread in a namespace
 * @netns_fd: namespace fd, or -1 for the current one
 * @fn: the function; its return value is passed through
 * @arg: its argument
 *
 * Return: what @fn returned, or -errno if entering or leaving failed.
 */
int netns_run(int netns_fd, int (*fn)(void *arg), void *arg)
{
	int saved, ret, ret2;

	ret = netns_enter(netns_fd, &saved);
	if (ret)
		return ret;
	ret = fn(arg);
	ret2 = netns_leave(saved);
	return ret2 ? ret2 : ret;
}
