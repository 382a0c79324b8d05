// SPDX-License-Identifier: MIT
/*
 * ctl_cmd.c - the daemon's command handlers: dispatch of a request to
 * status/show/down/capture, and live capture streams.
 *
 * A capture keeps its client socket open: every frame the port sees in
 * the asked direction is sent as one message (struct ctl_cap_hdr + bytes)
 * with MSG_DONTWAIT, so a slow reader loses frames (counted) instead of
 * stalling the dataplane. The capture ends when the client closes.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ctl_firewall.h"
#include "ctl_ips.h"
#include "ctl_proto.h"
#include "ctl_router.h"
#include "ctl_show.h"
#include "daemon.h"

/** struct ctl_capture - one live capture client */
struct ctl_capture {
	struct daemon *d;
	struct dp_port *dpp;
	struct loop_watch w;
	uint64_t sent, lost;
};

static json_t *error(const char *fmt, const char *arg)
{
	char msg[1024];

	if (snprintf(msg, sizeof(msg), fmt, arg) >= (int)sizeof(msg))
		msg[sizeof(msg) - 1] = 0;
	return json_pack("{s:b,s:s}", "ok", 0, "error", msg);
}

static json_t *ok(json_t *body)
{
	if (!body)
		return NULL;
	json_object_set_new(body, "ok", json_true());
	return body;
}

static bool cap_frame(void *ctx, const struct pkt *p, enum dp_dir dir)
{
	struct ctl_capture *c = ctx;
	struct timespec ts;
	struct ctl_cap_hdr h = { 0 };
	struct iovec iov[2];
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };

	clock_gettime(CLOCK_REALTIME, &ts);
	h.ts_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	h.len = p->len;
	h.caplen = p->len < CTL_CAP_SNAPLEN ? p->len : CTL_CAP_SNAPLEN;
	h.dir = (uint8_t)dir;
	iov[0] = (struct iovec){ &h, sizeof(h) };
	iov[1] = (struct iovec){ pkt_data(p), h.caplen };
	if (sendmsg(c->w.fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		if (errno != EAGAIN && errno != ENOBUFS)
			return false;
		c->lost++;
		return true;
	}
	c->sent++;
	return true;
}

static void cap_closed(void *ctx, uint32_t events)
{
	struct ctl_capture *c = ctx;
	char buf[64];

	if (!(events & (EPOLLHUP | EPOLLERR)) &&
	    recv(c->w.fd, buf, sizeof(buf), MSG_DONTWAIT) != 0)
		return;
	dp_capture_del(c->dpp, c);
	loop_del(&c->d->loop, &c->w);
	close(c->w.fd);
	free(c);
}

static json_t *cmd_capture(struct daemon *d, int fd, json_t *req, bool *keep)
{
	const char *name = json_string_value(json_object_get(req, "port"));
	const char *dirs = json_string_value(json_object_get(req, "dir"));
	enum dp_dir dir = DP_DIR_BOTH;
	struct dp_port *dpp;
	struct ctl_capture *c;
	int buf = CTL_SNDBUF;

	if (!name || !(dpp = dp_port_find(&d->rt.dp, name)))
		return error("no port '%s' (see dcbox show ports)",
			     name ? name : "");
	if (dirs && !strcmp(dirs, "in"))
		dir = DP_DIR_IN;
	else if (dirs && !strcmp(dirs, "out"))
		dir = DP_DIR_OUT;
	c = calloc(1, sizeof(*c));
	if (!c)
		return error("%s", strerror(ENOMEM));
	*c = (struct ctl_capture){ d, dpp, { fd, cap_closed, c }, 0, 0 };
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	if (dp_capture_add(dpp, cap_frame, c, dir) ||
	    loop_add(&d->loop, &c->w, EPOLLIN)) {
		dp_capture_del(dpp, c);
		free(c);
		return error("too many captures on port '%s'", name);
	}
	*keep = true;
	return json_pack("{s:b,s:i,s:i}", "ok", 1, "linktype", 1, "snaplen",
			 CTL_CAP_SNAPLEN);
}

static json_t *cmd_show(struct daemon *d, json_t *req)
{
	const char *what = json_string_value(json_object_get(req, "what"));
	const char *arg = json_string_value(json_object_get(req, "arg"));
	json_t *r = NULL;

	if (!what)
		return error("show what?%s", "");
	if (!strcmp(what, "ports"))
		r = ctl_show_ports(&d->rt, arg);
	else if (!strcmp(what, "mac"))
		r = ctl_show_mac(&d->rt, arg);
	else if (!strcmp(what, "switches"))
		return ok(ctl_show_switches(&d->rt));
	else if (!strcmp(what, "topology"))
		return ok(ctl_show_topology(&d->rt));
	else if (!strcmp(what, "firewall"))
		return (r = ctl_fw_show(&d->rt, arg)) ? ok(r) :
			error("no firewall '%s'", arg ? arg : "");
	else if (!strcmp(what, "ips"))
		return ctl_ips_cmd_show(&d->rt, req);
	else if (!strcmp(what, "conntrack") &&
		 json_string_value(json_object_get(req, "firewall")))
		return (r = ctl_fw_conntrack(&d->rt, json_string_value(
				json_object_get(req, "firewall")))) ? ok(r) :
			error("no firewall '%s'", json_string_value(
				json_object_get(req, "firewall")));
	else if (ctl_router_is_view(what))
		return (r = ctl_router_show(&d->rt, what, arg)) ? ok(r) :
			error("no router '%s'", arg ? arg : "");
	else
		return error("cannot show '%s' (ports, mac, switches, topology, "
			     ROUTER_VIEWS ", firewall, ips)", what);
	return r ? ok(r) : error("no switch '%s'", arg);
}

static json_t *cmd_route(struct daemon *d, json_t *req)
{
	const char *op = json_string_value(json_object_get(req, "op"));
	const char *router = json_string_value(json_object_get(req, "router"));
	const char *prefix = json_string_value(json_object_get(req, "prefix"));
	const char *via = json_string_value(json_object_get(req, "via"));
	char err[256];

	if (!op || !router || !prefix)
		return error("route: need op, router and prefix%s", "");
	if (ctl_router_route(&d->rt, !strcmp(op, "add"), router, prefix, via,
			     err, sizeof(err)))
		return error("%s", err);
	return json_pack("{s:b}", "ok", 1);
}

static json_t *cmd_reload(struct daemon *d, json_t *req)
{
	const char *file = json_string_value(json_object_get(req, "file"));
	struct topo *nt = calloc(1, sizeof(*nt));
	char err[512];
	unsigned int i, rules = 0;

	if (!nt)
		return error("%s", strerror(ENOMEM));
	if (topo_load(file ? file : d->topo->file, nt, err, sizeof(err)) ||
	    ctl_fw_reload(&d->rt, nt, err, sizeof(err))) {
		free(nt);
		return error("%s", err);
	}
	for (i = 0; i < nt->nfirewalls; i++)
		rules += nt->firewalls[i].nrules;
	free(d->topo);
	d->topo = nt;
	d->rt.topo = nt;
	/* rules: policy rules; ips: what each IPS compiled (null: no memory) */
	return json_pack("{s:b,s:i,s:i,s:o?}", "ok", 1, "firewalls",
			 nt->nfirewalls, "rules", rules, "ips",
			 ctl_ips_loaded(&d->rt));
}

/**
 * daemon_handle() - answer one control request
 * @d: the daemon
 * @fd: client socket (kept open for captures)
 * @req: the request object, borrowed
 * @keep_fd: out: true if the handler kept @fd (capture)
 *
 * Return: the reply (new reference) to send.
 */
void *daemon_handle(struct daemon *d, int fd, void *req, bool *keep_fd)
{
	const char *cmd = json_string_value(json_object_get(req, "cmd"));

	*keep_fd = false;
	if (!cmd)
		return error("request without \"cmd\"%s", "");
	if (!strcmp(cmd, "status"))
		return ok(ctl_show_status(&d->rt, d->started));
	if (!strcmp(cmd, "show"))
		return cmd_show(d, req);
	if (!strcmp(cmd, "capture"))
		return cmd_capture(d, fd, req, keep_fd);
	if (!strcmp(cmd, "route"))
		return cmd_route(d, req);
	if (!strcmp(cmd, "reload"))
		return cmd_reload(d, req);
	if (!strcmp(cmd, "down")) {
		d->loop.stop = true;
		return json_pack("{s:b,s:i}", "ok", 1, "pid", (int)getpid());
	}
	return error("unknown command '%s'", cmd);
}
