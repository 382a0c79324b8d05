// SPDX-License-Identifier: MIT
/*
 * cli_up.c - `dcbox up FILE`, `dcbox down` and `dcbox check FILE`.
 *
 * up validates the file, checks that nothing it would create already
 * exists, then forks the daemon. The daemon reports over a pipe whether
 * the build succeeded ("ok") or why not; `up` returns only then, so when
 * it returns 0 every port forwards, and when it fails nothing is left.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ctl/ctl_proto.h"
#include "ctl/daemon.h"

enum { DOWN_WAIT_MS = 20000 };

static struct topo *load(const char *file)
{
	struct topo *t = calloc(1, sizeof(*t));
	char err[512];

	if (!t) {
		cli_err("%s", strerror(ENOMEM));
		return NULL;
	}
	if (topo_load(file, t, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		free(t);
		return NULL;
	}
	return t;
}

static void daemon_stdio(const char *name)
{
	char path[128];
	int fd;

	if (ctl_path(path, sizeof(path), name, "log"))
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
}

static void write_pid(const char *name, bool create)
{
	char path[128];
	FILE *f;

	if (ctl_path(path, sizeof(path), name, "pid"))
		return;
	if (!create) {
		unlink(path);
		return;
	}
	f = fopen(path, "we");
	if (f) {
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
}

/* The daemon: report the start result on @wfd, then serve. */
static int run_daemon(struct topo *t, int wfd)
{
	static struct daemon d;
	char err[512] = "";
	int ret;

	memset(&d, 0, sizeof(d));
	ret = daemon_start(&d, t, err, sizeof(err));
	if (ret) {
		if (wfd >= 0 && write(wfd, err, strlen(err)) < 0)
			ret = -EPIPE;
		fprintf(stderr, "dcbox: %s\n", err);
		return 1;
	}
	write_pid(t->name, true);
	fprintf(stderr, "dcbox: topology '%s' up, pid %d\n", t->name,
		(int)getpid());
	if (wfd >= 0 && (write(wfd, "ok", 2) != 2 || close(wfd)))
		fprintf(stderr, "dcbox: parent went away\n");
	ret = daemon_run(&d);
	/* A reload replaces (and frees) the topology @t pointed to. */
	t = d.topo;
	daemon_stop(&d);
	write_pid(t->name, false);
	fprintf(stderr, "dcbox: topology '%s' down\n", t->name);
	return ret ? 1 : 0;
}

static int wait_child(struct topo *t, pid_t pid, int rfd)
{
	char msg[600];
	ssize_t n, got = 0;
	char err[256];
	int status;

	while ((n = read(rfd, msg + got, sizeof(msg) - 1 - (size_t)got)) > 0)
		got += n;
	msg[got] = 0;
	close(rfd);
	if (!strcmp(msg, "ok")) {
		printf("%s: up: %u switches, %u hosts, %u VMs (daemon pid %d)\n",
		       t->name, t->nswitches, t->nhosts, t->nvms, (int)pid);
		return 0;
	}
	waitpid(pid, &status, 0);
	if (!got) {
		topo_cleanup_state(t->name, err, sizeof(err));
		return cli_err("daemon died while starting '%s' (see %s/%s.log)",
			       t->name, CTL_RUN_DIR, t->name);
	}
	return cli_err("%s: %s", t->file, msg);
}

/**
 * cli_up() - `dcbox up [--foreground] FILE`
 * @c: options; argv[0] is "up"
 *
 * Return: exit status.
 */
int cli_up(struct cli *c)
{
	bool fg = c->argc > 2 && !strcmp(c->argv[1], "--foreground");
	const char *file = c->argv[fg ? 2 : 1];
	char err[512];
	struct topo *t;
	int pfd[2], ret;
	pid_t pid;

	if (c->argc < 2 || (fg && c->argc < 3))
		return cli_err("usage: dcbox up [--foreground] FILE");
	if (geteuid())
		return cli_err("up needs root (network namespaces, interfaces)");
	t = load(file);
	if (!t)
		return 1;
	if (topo_preflight(t, err, sizeof(err))) {
		free(t);
		return cli_err("%s: %s", file, err);
	}
	if (!fg) {      /* the daemon warns in its log, or here with fg */
		topo_tunnel_warn_mtu(t, stderr);
		topo_ips_warn(t, stderr); /* skipped IPS rules */
	}
	if (fg)
		return run_daemon(t, -1);
	if (pipe2(pfd, O_CLOEXEC)) {
		free(t);
		return cli_err("pipe: %s", strerror(errno));
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		free(t);
		return cli_err("fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(pfd[0]);
		setsid();
		daemon_stdio(t->name);
		exit(run_daemon(t, pfd[1]));
	}
	close(pfd[1]);
	ret = wait_child(t, pid, pfd[0]);
	free(t);
	return ret;
}

static bool alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno != ESRCH;
}

static int wait_gone(pid_t pid)
{
	struct timespec ts = { 0, 20 * 1000000 };
	int waited;

	for (waited = 0; waited < DOWN_WAIT_MS; waited += 20) {
		if (!alive(pid))
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

/**
 * cli_down() - `dcbox [-t NAME] down`: stop the daemon, which removes
 * everything it made; without a daemon, remove what its state file lists
 * @c: options
 *
 * Return: exit status.
 */
int cli_down(struct cli *c)
{
	char name[64], err[256];
	json_t *rep;
	pid_t pid;
	int fd = c->topo ? ctl_connect(c->topo) : 0;

	if (fd >= 0 && c->topo)
		close(fd);
	if (fd < 0) {
		if (topo_cleanup_state(c->topo, err, sizeof(err)))
			return cli_err("topology '%s' is not up", c->topo);
		printf("%s: daemon was not running; removed what it left\n",
		       c->topo);
		return 0;
	}
	if (cli_pick_topo(c, name, sizeof(name)))
		return 1;
	rep = cli_request(name, json_pack("{s:s}", "cmd", "down"), NULL);
	if (!rep)
		return 1;
	pid = (pid_t)json_integer_value(json_object_get(rep, "pid"));
	json_decref(rep);
	if (pid > 0 && wait_gone(pid))
		return cli_err("daemon %d of '%s' did not stop", (int)pid, name);
	printf("%s: down\n", name);
	return 0;
}

/**
 * cli_check() - `dcbox check FILE`: validate a topology file only
 * @c: options
 *
 * Return: 0 if valid, 1 otherwise (message on stderr).
 */
int cli_check(struct cli *c)
{
	struct topo *t;

	if (c->argc < 2)
		return cli_err("usage: dcbox check FILE");
	t = load(c->argv[1]);
	if (!t)
		return 1;
	if (!c->json)
		topo_ips_warn(t, stderr); /* skipped IPS rules */
	if (c->json)
		cli_print_json(json_pack("{s:s,s:b,s:i,s:i,s:i,s:i}", "file",
			c->argv[1], "valid", 1, "switches", t->nswitches,
			"links", t->nlinks, "hosts", t->nhosts, "vms", t->nvms));
	else
		printf("%s: ok: %u switches, %u links, %u hosts, %u VMs\n",
		       c->argv[1], t->nswitches, t->nlinks, t->nhosts, t->nvms);
	free(t);
	return 0;
}
