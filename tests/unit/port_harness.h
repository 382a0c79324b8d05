/* SPDX-License-Identifier: MIT */
/*
 * port_harness.h - helpers shared by the root-only port tests
 * (test_afpacket.c, test_tap.c): shell commands, a background process kept
 * by pid, an iperf3 run that returns Gbit/s, and a "userspace wire": a
 * thread that forwards rx of one port to tx of the other, counting GSO and
 * VLAN-tagged frames on the way. Header-only (static functions) because
 * every tests/unit/test_*.c is its own program.
 */
#ifndef DCBOX_TEST_PORT_HARNESS_H
#define DCBOX_TEST_PORT_HARNESS_H

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/port.h"

static int __attribute__((format(printf, 1, 2))) sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* run a shell command in the background; returns its pid */
static pid_t __attribute__((format(printf, 1, 2))) spawn(const char *fmt,
							 ...)
{
	char cmd[1024], full[1100];
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "exec %s", cmd);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", full, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void reap(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGTERM);
		waitpid(*pid, NULL, 0);
	}
	*pid = -1;
}

/* iperf3 client in @ns to @ip for @secs: receiver Gbit/s, or -1 */
static double iperf_gbps(const char *ns, const char *ip, int secs)
{
	char cmd[256], line[512];
	double bps = -1;
	bool in_recv = false;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "ip netns exec %s iperf3 -c %s -t %d -J 2>/dev/null", ns, ip,
		 secs);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *s;

		if (strstr(line, "\"sum_received\""))
			in_recv = true;
		s = strstr(line, "\"bits_per_second\"");
		if (in_recv && s && bps < 0)
			bps = strtod(strchr(s, ':') + 1, NULL);
	}
	pclose(f);
	return bps < 0 ? -1 : bps / 1e9;
}

/* start an iperf3 server in @ns and wait until it listens */
static pid_t iperf_server(const char *ns)
{
	pid_t pid = spawn("ip netns exec %s iperf3 -s >/dev/null 2>&1", ns);

	for (int i = 0; i < 50; i++) {
		if (sh("ip netns exec %s ss -ltn | grep -q ':5201 '", ns) == 0)
			break;
		usleep(50000);
	}
	return pid;
}

/** struct wire - two ports forwarded to each other by a thread */
struct wire {
	struct port *ends[2];
	struct pkt_pool pool;
	pthread_t th;
	atomic_bool stop;
	bool running;
	uint64_t gso_frames;       /* frames with a GSO vnet header */
	uint64_t tagged_frames;    /* frames with an 802.1Q tag in data */
	uint64_t max_len;
};

static void wire_inspect(struct wire *w, struct pkt **pkts, int n)
{
	for (int i = 0; i < n; i++) {
		const uint8_t *d = pkt_data(pkts[i]);

		if (pkts[i]->vnet.gso_type != VIRTIO_NET_HDR_GSO_NONE)
			w->gso_frames++;
		if (d[12] == 0x81 && d[13] == 0x00)
			w->tagged_frames++;
		if (pkts[i]->len > w->max_len)
			w->max_len = pkts[i]->len;
	}
}

static void *wire_thread(void *arg)
{
	struct wire *w = arg;
	struct pkt *pkts[PKT_BURST];

	while (!atomic_load(&w->stop)) {
		struct pollfd pfd[2];
		bool moved = false;

		for (int i = 0; i < 2; i++) {
			struct port *in = w->ends[i], *out = w->ends[!i];
			int n = in->ops->rx(in, &w->pool, pkts, PKT_BURST);

			if (n > 0) {
				wire_inspect(w, pkts, n);
				out->ops->tx(out, &w->pool, pkts,
					     (unsigned int)n);
				moved = true;
			}
			pfd[i] = (struct pollfd){ .fd = in->ops->fd(in),
						  .events = POLLIN };
		}
		if (!moved)
			poll(pfd, 2, 10);
	}
	return NULL;
}

static int wire_start(struct wire *w, struct port *a, struct port *b)
{
	int ret = pkt_pool_init(&w->pool, 4096);

	if (ret)
		return ret;
	w->ends[0] = a;
	w->ends[1] = b;
	atomic_store(&w->stop, false);
	ret = -pthread_create(&w->th, NULL, wire_thread, w);
	w->running = ret == 0;
	return ret;
}

static void wire_stop(struct wire *w)
{
	if (!w->running)
		return;
	atomic_store(&w->stop, true);
	pthread_join(w->th, NULL);
	w->running = false;
	pkt_pool_fini(&w->pool);
}

#endif
