// SPDX-License-Identifier: MIT
/*
 * daemon.c - the daemon's life: build the topology, run the event loop
 * (control socket, signals, every port), tear everything down on `down`,
 * SIGTERM or SIGINT.
 *
 * One thread does everything. A port's callback forwards up to
 * PORT_BATCHES_PER_EVENT batches before yielding to the other ready fds,
 * so one busy port cannot starve the rest or the control socket; the loop
 * only stops blocking while in-process links still hold frames.
 */
#include <errno.h>
#include <jansson.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "daemon.h"
#include "../node/offload.h"

enum { PORT_BATCHES_PER_EVENT = 8 };
#define TICK_NS 1000000000ull

static void on_port(void *ctx, uint32_t events)
{
	struct daemon_port *dport = ctx;
	struct daemon *d = dport->d;
	unsigned int i;

	(void)events;
	d->rt.dp.now_ns = loop_now_ns();
	for (i = 0; i < PORT_BATCHES_PER_EVENT; i++)
		if (dp_port_poll(&d->rt.dp, dport->dpp) < PKT_BURST)
			break;
	if (dp_poll_links(&d->rt.dp))
		loop_set_busy(&d->loop);
}

static void on_tick(void *ctx, uint32_t events)
{
	struct daemon *d = ctx;
	unsigned int i;

	(void)events;
	d->rt.dp.now_ns = loop_now_ns();
	if (d->offload)
		offload_tick(d->offload, d->rt.dp.now_ns);
	for (i = 0; i < d->topo->nswitches; i++)
		switch_age(d->rt.sws[i], d->rt.dp.now_ns);
	for (i = 0; i < d->topo->nrouters; i++)
		router_tick(d->rt.routers[i], d->rt.dp.now_ns);
	for (i = 0; i < d->topo->nfirewalls; i++)
		firewall_tick(d->rt.fws[i], d->rt.dp.now_ns);
	if (dp_poll_links(&d->rt.dp))
		loop_set_busy(&d->loop);
}

static void on_signal(void *ctx, uint32_t events)
{
	struct daemon *d = ctx;
	struct signalfd_siginfo si;

	(void)events;
	if (read(d->signal_fd, &si, sizeof(si)) == sizeof(si))
		d->loop.stop = true;
}

static void reply_error(int fd, const char *msg)
{
	json_t *r = json_pack("{s:b,s:s}", "ok", 0, "error", msg);

	if (r && ctl_send_json(fd, r))
		fprintf(stderr, "dcbox: control reply failed\n");
	json_decref(r);
}

static bool peer_is_root(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) &&
	       cred.uid == 0;
}

static void on_client(struct daemon *d, int fd)
{
	struct timeval tv = { .tv_sec = 2 };
	int sndbuf = CTL_SNDBUF;
	char err[256];
	json_t *req, *rep;
	bool keep = false;
	int ret;

	if (!peer_is_root(fd)) {
		reply_error(fd, "permission denied: only root may control dcbox");
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* A reply is one message: big tables need a big send buffer. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf));
	ret = ctl_recv_json(fd, (void **)&req, err, sizeof(err));
	if (ret) {
		/* A probe (`dcbox status` looking for daemons) connects and
		 * closes without a request: nothing to answer. */
		if (ret != -ECONNRESET)
			reply_error(fd, err);
		close(fd);
		return;
	}
	rep = daemon_handle(d, fd, req, &keep);
	json_decref(req);
	if (rep && ctl_send_json(fd, rep))
		keep = false;
	json_decref(rep);
	if (!keep)
		close(fd);
}

static void on_listen(void *ctx, uint32_t events)
{
	struct daemon *d = ctx;
	int fd;

	(void)events;
	fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		on_client(d, fd);
}

static int watch_signals(struct daemon *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	d->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->signal_fd < 0)
		return -errno;
	d->signal_w = (struct loop_watch){ d->signal_fd, on_signal, d };
	return loop_add(&d->loop, &d->signal_w, EPOLLIN);
}

static int watch_ports(struct daemon *d)
{
	struct dataplane *dp = &d->rt.dp;
	uint16_t i;
	int ret;

	for (i = 0; i < dp->nports; i++) {
		struct daemon_port *dport = &d->ports[i];
		struct dp_port *dpp = dp->ports[i];
		int fd = dpp->port.ops->fd(&dpp->port);

		if (fd < 0)
			continue;
		*dport = (struct daemon_port){ d, dpp, { fd, on_port, dport } };
		ret = loop_add(&d->loop, &dport->w, EPOLLIN);
		if (ret)
			return ret;
	}
	return 0;
}

static bool offload_wanted(const struct topo *t)
{
	const char *env = getenv("DCBOX_OFFLOAD");
	unsigned int i;

	if (env && (!strcmp(env, "0") || !strcmp(env, "off")))
		return false;
	for (i = 0; i < t->nswitches; i++)
		if (t->switches[i].offload)
			return true;
	return false;
}

/*
 * The kernel fast path for host ports of switches with `offload: true`
 * (the default) unless DCBOX_OFFLOAD=0. Not fatal: without BPF support the
 * daemon forwards everything itself.
 */
static void offload_start(struct daemon *d)
{
	struct topo_rt *rt = &d->rt;
	uint16_t i;
	int ret;

	if (!offload_wanted(d->topo))
		return;
	d->offload = offload_create(&rt->dp, 0, &ret);
	if (!d->offload) {
		fprintf(stderr, "dcbox: kernel fast path off: %s\n",
			strerror(-ret));
		return;
	}
	for (i = 0; i < d->topo->nswitches; i++)
		if (d->topo->switches[i].offload &&
		    offload_switch(d->offload, rt->sws[i]))
			break;
	for (i = 0; i < rt->dp.nports; i++) {
		const struct topo_port_info *pi = &rt->info[i];
		struct dp_port *dpp = rt->dp.ports[i];

		if (!dpp->sw || !pi->kind || strcmp(pi->kind, "veth") ||
		    pi->sw >= d->topo->nswitches ||
		    !d->topo->switches[pi->sw].offload)
			continue;
		offload_port_enable(d->offload, dpp,
				    (int)if_nametoindex(pi->ifname));
	}
}

/**
 * daemon_start() - listen, build the topology and arm the loop
 * @d: daemon, zeroed by the caller
 * @t: the validated topology; ownership passes to @d
 * @err: out: why it failed
 * @errsize: size of @err
 *
 * On failure nothing is left: no socket, no namespace, no interface.
 *
 * Return: 0 or -errno.
 */
int daemon_start(struct daemon *d, struct topo *t, char *err, size_t errsize)
{
	int ret;

	d->topo = t;
	d->started = time(NULL);
	d->signal_fd = -1;
	d->listen_fd = -1;
	ret = loop_init(&d->loop);
	if (ret)
		goto err_msg;
	d->listen_fd = ctl_listen(t->name);
	if (d->listen_fd < 0) {
		ret = d->listen_fd;
		snprintf(err, errsize, ret == -EADDRINUSE ?
			 "topology '%s' is already up" :
			 "cannot open control socket for '%s': %s",
			 t->name, strerror(-ret));
		goto err_loop;
	}
	d->listen_w = (struct loop_watch){ d->listen_fd, on_listen, d };
	ret = loop_add(&d->loop, &d->listen_w, EPOLLIN);
	if (!ret)
		ret = watch_signals(d);
	if (ret)
		goto err_msg_sock;
	ret = topo_build(&d->rt, t, err, errsize);
	if (ret)
		goto err_sock;
	d->built = true;
	ret = watch_ports(d);
	if (ret)
		goto err_msg_build;
	offload_start(d);
	loop_set_tick(&d->loop, TICK_NS, on_tick, d);
	return 0;

err_msg_build:
	snprintf(err, errsize, "event loop: %s", strerror(-ret));
	topo_teardown(&d->rt);
	d->built = false;
	goto err_sock;
err_msg_sock:
	snprintf(err, errsize, "event loop: %s", strerror(-ret));
err_sock:
	daemon_stop(d);
	return ret;
err_msg:
	snprintf(err, errsize, "event loop: %s", strerror(-ret));
err_loop:
	loop_fini(&d->loop);
	return ret;
}

/**
 * daemon_run() - serve until `down` or a signal
 * @d: started daemon
 *
 * Return: 0, or -errno if the loop failed.
 */
int daemon_run(struct daemon *d)
{
	int ret = 0;

	while (!d->loop.stop) {
		ret = loop_run_once(&d->loop);
		if (ret < 0)
			break;
		ret = 0;
	}
	return ret;
}

/**
 * daemon_stop() - tear down the topology, close the control socket
 * @d: daemon from daemon_start() (also after a failed start)
 */
void daemon_stop(struct daemon *d)
{
	char path[108];

	offload_destroy(d->offload);
	d->offload = NULL;
	if (d->built)
		topo_teardown(&d->rt);
	d->built = false;
	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		if (!ctl_path(path, sizeof(path), d->topo->name, "sock"))
			unlink(path);
	}
	d->listen_fd = -1;
	if (d->signal_fd >= 0)
		close(d->signal_fd);
	d->signal_fd = -1;
	loop_fini(&d->loop);
}
