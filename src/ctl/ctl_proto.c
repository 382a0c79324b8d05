// SPDX-License-Identifier: MIT
/*
 * ctl_proto.c - control socket set-up and JSON message framing, shared by
 * the daemon (ctl_listen) and the CLI (ctl_connect).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_proto.h"

/**
 * ctl_path() - CTL_RUN_DIR/NAME.SUFFIX into @buf
 * @buf: output
 * @size: its size
 * @name: topology name
 * @suffix: "sock", "pid", "log", "state"
 *
 * Return: 0, or -ENAMETOOLONG.
 */
int ctl_path(char *buf, size_t size, const char *name, const char *suffix)
{
	int n = snprintf(buf, size, "%s/%s.%s", CTL_RUN_DIR, name, suffix);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int sock_addr(struct sockaddr_un *sa, const char *name)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	return ctl_path(sa->sun_path, sizeof(sa->sun_path), name, "sock");
}

/**
 * ctl_listen() - create the daemon's listening socket for topology @name
 * @name: topology name
 *
 * Replaces a stale socket file (no daemon answering). Only root can
 * connect: the directory is 0700 and the socket 0600.
 *
 * Return: listening fd, or -errno (-EADDRINUSE if a daemon answers; the
 * socket file is left alone unless it is stale).
 */
int ctl_listen(const char *name)
{
	struct sockaddr_un sa;
	int fd, probe, ret;

	if (mkdir(CTL_RUN_DIR, 0700) && errno != EEXIST)
		return -errno;
	if (chmod(CTL_RUN_DIR, 0700))
		return -errno;
	ret = sock_addr(&sa, name);
	if (ret)
		return ret;
	probe = ctl_connect(name);
	if (probe >= 0) {
		close(probe);
		return -EADDRINUSE;
	}
	/* only a file nobody answers on is stale: a probe that failed for
	 * another reason (out of fds) says nothing about a live daemon */
	if (probe != -ECONNREFUSED && probe != -ENOENT)
		return probe;
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		goto err_close;
	}
	if (chmod(sa.sun_path, 0600) || listen(fd, 16)) {
		ret = -errno;
		goto err_unlink;
	}
	return fd;

err_unlink:
	unlink(sa.sun_path);
err_close:
	close(fd);
	return ret;
}

/**
 * ctl_connect() - connect to the daemon of topology @name
 * @name: topology name
 *
 * Return: connected fd, or -errno (-ENOENT/-ECONNREFUSED: not running).
 */
int ctl_connect(const char *name)
{
	struct sockaddr_un sa;
	int fd, ret, buf = CTL_SNDBUF;

	ret = sock_addr(&sa, name);
	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/**
 * ctl_send_json() - send a JSON object as one message
 * @fd: connected socket
 * @json: a json_t * object
 *
 * Return: 0, -EINVAL if @json is not an object, or -errno.
 */
int ctl_send_json(int fd, const void *json)
{
	ssize_t n;
	char *s;
	int ret = 0;

	if (!json_is_object((const json_t *)json))
		return -EINVAL;
	s = json_dumps(json, JSON_COMPACT);
	if (!s)
		return -ENOMEM;
	n = send(fd, s, strlen(s), MSG_NOSIGNAL);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != strlen(s))
		ret = -EMSGSIZE;
	free(s);
	return ret;
}

/**
 * ctl_recv_json() - receive one message and parse it as a JSON object
 * @fd: connected socket
 * @json: out: a new json_t * reference on success
 * @err: out: reason on failure
 * @errsize: size of @err
 *
 * Return: 0, -ECONNRESET when the peer closed, -EBADMSG for bad JSON,
 * -EMSGSIZE for a message over CTL_MSG_MAX bytes (consumed), or -errno.
 */
int ctl_recv_json(int fd, void **json, char *err, size_t errsize)
{
	json_error_t jerr;
	char *buf = malloc(CTL_MSG_MAX);
	ssize_t n;
	json_t *j;

	if (!buf)
		return -ENOMEM;
	/* MSG_TRUNC: the full length, so a cut-off message is not parsed */
	n = recv(fd, buf, CTL_MSG_MAX, MSG_TRUNC);
	if (n <= 0 || n > CTL_MSG_MAX) {
		int ret = n > 0 ? -EMSGSIZE : n == 0 ? -ECONNRESET : -errno;

		snprintf(err, errsize, "%s", strerror(-ret));
		free(buf);
		return ret;
	}
	j = json_loadb(buf, (size_t)n, 0, &jerr);
	free(buf);
	if (!j || !json_is_object(j)) {
		snprintf(err, errsize, "bad message: %s",
			 j ? "not an object" : jerr.text);
		json_decref(j);
		return -EBADMSG;
	}
	*json = j;
	return 0;
}
