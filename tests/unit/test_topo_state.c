// SPDX-License-Identifier: MIT
/*
 * test_topo_state.c - unit tests for the daemon-less clean-up
 * (src/topo/topo_state.c) against the running kernel. Needs root; every
 * test is skipped otherwise.
 *
 *   ut<pid>   netns with `sleep 100` inside     topo_netns_kill()
 *   ut<pid>x  netns with `sleep 100` inside  \
 *   ut<pid>l  veth, peer ut<pid>p (root ns)   > listed in
 *   ut<pid>t  tap (root ns)                  /  /run/dcbox/ut<pid>.state
 *
 * Objects are made with ip(8), not with the code under test. The teardown
 * kills the processes it started (by pid), reaps them, and deletes every
 * object and the state file even when a check failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "ctl/ctl_proto.h"
#include "port/netlink.h"
#include "topo/topo_rt.h"

enum { MAX_KIDS = 4 };

struct fixture {
	char ns[16], nsx[16], link[16], peer[16], tap[16];
	char state[128];
	pid_t kids[MAX_KIDS];
};

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ret = system(cmd);
	return ret == -1 ? -1 : WEXITSTATUS(ret);
}

static int setup(void **state)
{
	static struct fixture fx;
	int pid = (int)getpid();

	if (geteuid() != 0) {
		*state = NULL;
		return 0;
	}
	memset(&fx, 0, sizeof(fx));
	snprintf(fx.ns, sizeof(fx.ns), "ut%d", pid);
	snprintf(fx.nsx, sizeof(fx.nsx), "ut%dx", pid);
	snprintf(fx.link, sizeof(fx.link), "ut%dl", pid);
	snprintf(fx.peer, sizeof(fx.peer), "ut%dp", pid);
	snprintf(fx.tap, sizeof(fx.tap), "ut%dt", pid);
	if (ctl_path(fx.state, sizeof(fx.state), fx.ns, "state"))
		return -1;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	unsigned int i;

	if (!fx)
		return 0;
	for (i = 0; i < MAX_KIDS; i++) {
		if (fx->kids[i] <= 0)
			continue;
		kill(fx->kids[i], SIGKILL);
		waitpid(fx->kids[i], NULL, 0);
		fx->kids[i] = 0;
	}
	sh("ip netns del %s 2>/dev/null", fx->ns);
	sh("ip netns del %s 2>/dev/null", fx->nsx);
	sh("ip link del %s 2>/dev/null", fx->link);
	sh("ip link del %s 2>/dev/null", fx->tap);
	unlink(fx->state);
	return 0;
}

/*
 * Start `sleep 100` inside namespace @ns and return once it runs there: the
 * child holds the write end of a CLOEXEC pipe until exec, and writes its
 * errno into it if setns or exec fails.
 */
static pid_t start_sleeper(struct fixture *fx, const char *ns, bool ign_term)
{
	char path[64];
	int p[2], err = 0, fd;
	unsigned int i;
	ssize_t n;
	pid_t pid;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		if (ign_term)
			signal(SIGTERM, SIG_IGN);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && !setns(fd, CLONE_NEWNET))
			execlp("sleep", "sleep", "100", (char *)NULL);
		err = errno;
		(void)!write(p[1], &err, sizeof(err));
		_exit(127);
	}
	for (i = 0; i < MAX_KIDS && fx->kids[i]; i++)
		;
	assert_true(i < MAX_KIDS);
	fx->kids[i] = pid;
	close(p[1]);
	n = read(p[0], &err, sizeof(err));
	close(p[0]);
	assert_int_equal(n, 0);
	return pid;
}

/* Reap @pid, which must already be dead, and forget it. */
static int reap(struct fixture *fx, pid_t pid)
{
	unsigned int i;
	int status = 0;

	assert_int_equal(waitpid(pid, &status, WNOHANG), pid);
	for (i = 0; i < MAX_KIDS; i++)
		if (fx->kids[i] == pid)
			fx->kids[i] = 0;
	assert_true(WIFSIGNALED(status));
	return WTERMSIG(status);
}

static bool netns_file(const char *ns)
{
	char path[64];

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	return access(path, F_OK) == 0;
}

#define NEED_ROOT(fx)                                                          \
	do {                                                                   \
		if (!(fx))                                                     \
			skip();                                                \
	} while (0)

static void test_netns_kill(void **state)
{
	struct fixture *fx = *state;
	pid_t pid;

	NEED_ROOT(fx);
	assert_int_equal(sh("ip netns add %s", fx->ns), 0);
	/* nobody inside: nothing signalled */
	assert_int_equal(topo_netns_kill(fx->ns), 0);
	pid = start_sleeper(fx, fx->ns, false);
	assert_int_equal(topo_netns_kill(fx->ns), 1);
	/* gone by the time it returns: it only waits to be reaped */
	assert_int_equal(reap(fx, pid), SIGTERM);
	/* the caller, outside the namespace, was spared */
	assert_int_equal(topo_netns_kill(fx->ns), 0);
	assert_true(netns_file(fx->ns));
}

static void test_netns_kill_stubborn(void **state)
{
	struct fixture *fx = *state;
	int status = 0;
	pid_t pid;

	NEED_ROOT(fx);
	assert_int_equal(sh("ip netns add %s", fx->ns), 0);
	pid = start_sleeper(fx, fx->ns, true);
	/* SIGTERM ignored: SIGKILL after the grace period */
	assert_int_equal(topo_netns_kill(fx->ns), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	fx->kids[0] = 0;
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

static void test_netns_kill_missing(void **state)
{
	struct fixture *fx = *state;

	NEED_ROOT(fx);
	assert_int_equal(topo_netns_kill(fx->ns), -ENOENT);
}

static void write_state(struct fixture *fx, const char *extra)
{
	FILE *f = fopen(fx->state, "we");

	assert_non_null(f);
	fprintf(f, "netns %s\n%slink %s\ntap %s\n", fx->nsx, extra, fx->link,
		fx->tap);
	assert_int_equal(fclose(f), 0);
}

static void test_cleanup_state(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "";
	pid_t pid;

	NEED_ROOT(fx);
	assert_int_equal(sh("ip netns add %s", fx->nsx), 0);
	assert_int_equal(
		sh("ip link add %s type veth peer name %s", fx->link, fx->peer),
		0);
	assert_int_equal(sh("ip tuntap add %s mode tap", fx->tap), 0);
	pid = start_sleeper(fx, fx->nsx, false);
	assert_int_equal(mkdir(CTL_RUN_DIR, 0700) && errno != EEXIST, 0);
	/* lines that are not objects are skipped, not fatal */
	write_state(fx, "\nbogus\nwhat ever\n");

	assert_int_equal(topo_cleanup_state(fx->ns, err, sizeof(err)), 0);
	assert_false(netns_file(fx->nsx));
	assert_false(netlink_link_exists(-1, fx->link));
	assert_false(netlink_link_exists(-1, fx->peer));
	assert_false(netlink_link_exists(-1, fx->tap));
	assert_int_equal(access(fx->state, F_OK), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(reap(fx, pid), SIGTERM);
}

static void test_cleanup_state_gone_objects(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "";

	NEED_ROOT(fx);
	/* a state file whose objects are already gone: still cleaned up */
	assert_int_equal(mkdir(CTL_RUN_DIR, 0700) && errno != EEXIST, 0);
	write_state(fx, "");
	assert_int_equal(topo_cleanup_state(fx->ns, err, sizeof(err)), 0);
	assert_int_equal(access(fx->state, F_OK), -1);
}

static void test_cleanup_state_missing(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "";

	NEED_ROOT(fx);
	assert_int_equal(topo_cleanup_state(fx->ns, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, fx->state));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_netns_kill, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_netns_kill_stubborn, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_netns_kill_missing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_state, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_state_gone_objects,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cleanup_state_missing,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
