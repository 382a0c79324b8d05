// SPDX-License-Identifier: MIT
/*
 * test_ctl_proto.c - unit tests for the control socket protocol
 * (src/ctl/ctl_proto.c).
 *
 * ctl_path() formatting and its length limit; JSON framing over a
 * SOCK_SEQPACKET socketpair: a roundtrip, bad JSON, a message that is not
 * an object, a closed peer. ctl_listen()/ctl_connect() use the fixed
 * directory CTL_RUN_DIR, so those tests need root (skipped otherwise); they
 * use the name "ut<pid>" and remove the socket file in the teardown.
 */
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "ctl/ctl_proto.h"

static int pair_setup(void **state)
{
	static int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -1;
	*state = sv;
	return 0;
}

static int pair_teardown(void **state)
{
	int *sv = *state;

	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	return 0;
}

static void test_path(void **state)
{
	char buf[64], tiny[20];
	char longname[200];

	(void)state;
	assert_int_equal(ctl_path(buf, sizeof(buf), "lab", "sock"), 0);
	assert_string_equal(buf, CTL_RUN_DIR "/lab.sock");
	assert_int_equal(ctl_path(buf, sizeof(buf), "a-b_1", "state"), 0);
	assert_string_equal(buf, CTL_RUN_DIR "/a-b_1.state");
	/* "/run/dcbox/ab.pid" is 17 bytes: 18 fit, 17 do not */
	assert_int_equal(ctl_path(tiny, 18, "ab", "pid"), 0);
	assert_string_equal(tiny, "/run/dcbox/ab.pid");
	assert_int_equal(ctl_path(tiny, 17, "ab", "pid"), -ENAMETOOLONG);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(ctl_path(buf, sizeof(buf), longname, "sock"),
			 -ENAMETOOLONG);
}

static void test_roundtrip(void **state)
{
	int *sv = *state;
	char err[128] = "";
	json_t *req, *empty, *got = NULL;

	req = json_pack("{s:s, s:i, s:b, s:[s,s], s:{s:n}}", "cmd", "show", "n",
			42, "json", 1, "args", "sw1", "macs", "o", "null");
	assert_non_null(req);
	assert_int_equal(ctl_send_json(sv[0], req), 0);
	assert_int_equal(ctl_recv_json(sv[1], (void **)&got, err, sizeof(err)),
			 0);
	assert_non_null(got);
	assert_true(json_equal(req, got));
	json_decref(got);

	/* one message per call, in order, either direction */
	got = NULL;
	assert_int_equal(ctl_send_json(sv[1], req), 0);
	empty = json_object();
	assert_int_equal(ctl_send_json(sv[1], empty), 0);
	json_decref(empty);
	assert_int_equal(ctl_recv_json(sv[0], (void **)&got, err, sizeof(err)),
			 0);
	assert_true(json_equal(req, got));
	json_decref(got);
	got = NULL;
	assert_int_equal(ctl_recv_json(sv[0], (void **)&got, err, sizeof(err)),
			 0);
	assert_int_equal(json_object_size(got), 0);
	json_decref(got);
	json_decref(req);
}

static void expect_bad(int *sv, const char *raw, const char *why)
{
	char err[128] = "";
	void *got = NULL;

	assert_int_equal(send(sv[0], raw, strlen(raw), 0),
			 (ssize_t)strlen(raw));
	assert_int_equal(ctl_recv_json(sv[1], &got, err, sizeof(err)),
			 -EBADMSG);
	assert_null(got);
	assert_non_null(strstr(err, "bad message: "));
	assert_true(strlen(err) > strlen("bad message: "));
	if (why)
		assert_non_null(strstr(err, why));
}

static void test_bad_json(void **state)
{
	expect_bad(*state, "{\"cmd\": ", NULL);
	expect_bad(*state, "{\"cmd\": \"show\"} trailing", NULL);
	expect_bad(*state, "not json at all", NULL);
	expect_bad(*state, "{\"a\": \"\xff\xfe\"}", NULL);
	/* a small error buffer truncates the message, never overflows */
	{
		int *sv = *state;
		char err[8];
		void *got = NULL;

		assert_int_equal(send(sv[0], "{", 1, 0), 1);
		assert_int_equal(ctl_recv_json(sv[1], &got, err, sizeof(err)),
				 -EBADMSG);
		assert_string_equal(err, "bad mes");
	}
}

static void test_not_object(void **state)
{
	expect_bad(*state, "[1, 2, 3]", "not an object");
	expect_bad(*state, "[]", "not an object");
	/* a bare scalar is refused by the parser or as not an object */
	expect_bad(*state, "42", NULL);
	expect_bad(*state, "\"cmd\"", NULL);
}

static void test_peer_closed(void **state)
{
	int *sv = *state;
	char err[128] = "";
	void *got = NULL;
	json_t *o = json_object();

	close(sv[0]);
	sv[0] = -1;
	assert_int_equal(ctl_recv_json(sv[1], &got, err, sizeof(err)),
			 -ECONNRESET);
	assert_null(got);
	assert_string_equal(err, strerror(ECONNRESET));
	/* sending to a closed peer is an error, not a SIGPIPE */
	assert_int_equal(ctl_send_json(sv[1], o), -EPIPE);
	json_decref(o);
}

static void test_send_refuses_non_object(void **state)
{
	int *sv = *state;
	json_t *num = json_integer(7);

	assert_int_equal(ctl_send_json(sv[0], num), -EINVAL);
	assert_int_equal(ctl_send_json(sv[0], NULL), -EINVAL);
	json_decref(num);
}

static void test_oversized(void **state)
{
	int *sv = *state, big = 2 * CTL_MSG_MAX;
	size_t size = (size_t)CTL_MSG_MAX + 100;
	char err[128] = "", *msg;
	void *got = NULL;
	json_t *o;

	/* a message over the limit needs a send buffer only root can force */
	if (geteuid() != 0)
		skip();
	assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUFFORCE, &big,
				    sizeof(big)),
			 0);
	assert_int_equal(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUFFORCE, &big,
				    sizeof(big)),
			 0);
	msg = malloc(size);
	assert_non_null(msg);
	/* a valid object padded with spaces: cut anywhere, still bad JSON */
	memset(msg, ' ', size);
	memcpy(msg, "{\"cmd\": \"x\"}", 13);
	assert_int_equal(send(sv[0], msg, size, 0), (ssize_t)size);
	free(msg);
	assert_int_equal(ctl_recv_json(sv[1], &got, err, sizeof(err)),
			 -EMSGSIZE);
	assert_null(got);
	assert_string_equal(err, strerror(EMSGSIZE));
	/* the oversized message was consumed: the next one is read */
	o = json_pack("{s:s}", "cmd", "next");
	assert_int_equal(ctl_send_json(sv[0], o), 0);
	assert_int_equal(ctl_recv_json(sv[1], &got, err, sizeof(err)), 0);
	assert_true(json_equal(o, got));
	json_decref(got);
	json_decref(o);
}

/* ---- ctl_listen / ctl_connect, root only ---- */

struct sock_fx {
	char name[32];
	char path[128];
	int fds[4];
};

static int sock_setup(void **state)
{
	static struct sock_fx fx;
	unsigned int i;

	if (geteuid() != 0) {
		*state = NULL;
		return 0;
	}
	memset(&fx, 0, sizeof(fx));
	snprintf(fx.name, sizeof(fx.name), "ut%d", (int)getpid());
	if (ctl_path(fx.path, sizeof(fx.path), fx.name, "sock"))
		return -1;
	for (i = 0; i < 4; i++)
		fx.fds[i] = -1;
	*state = &fx;
	return 0;
}

static int sock_teardown(void **state)
{
	struct sock_fx *fx = *state;
	unsigned int i;

	if (!fx)
		return 0;
	for (i = 0; i < 4; i++)
		if (fx->fds[i] >= 0)
			close(fx->fds[i]);
	unlink(fx->path);
	return 0;
}

static void test_listen_connect(void **state)
{
	struct sock_fx *fx = *state;
	char err[128];
	json_t *req, *got = NULL;
	struct stat st;
	int *lfd, *cfd, *afd;

	if (!fx)
		skip();
	lfd = &fx->fds[0];
	cfd = &fx->fds[1];
	afd = &fx->fds[2];
	assert_int_equal(ctl_connect(fx->name), -ENOENT);
	*lfd = ctl_listen(fx->name);
	assert_true(*lfd >= 0);

	assert_int_equal(stat(CTL_RUN_DIR, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);

	/* a second daemon for the same name is refused... */
	assert_int_equal(ctl_listen(fx->name), -EADDRINUSE);
	/* ...and the first still answers */
	*cfd = ctl_connect(fx->name);
	assert_true(*cfd >= 0);
	*afd = accept4(*lfd, NULL, NULL, SOCK_CLOEXEC);
	/* the probe of the refused ctl_listen is in the backlog first */
	assert_true(*afd >= 0);
	close(*afd);
	*afd = accept4(*lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(*afd >= 0);
	req = json_pack("{s:s}", "cmd", "ping");
	assert_int_equal(ctl_send_json(*cfd, req), 0);
	assert_int_equal(ctl_recv_json(*afd, (void **)&got, err, sizeof(err)),
			 0);
	assert_true(json_equal(req, got));
	json_decref(got);
	json_decref(req);
}

static void test_listen_replaces_stale(void **state)
{
	struct sock_fx *fx = *state;
	struct stat st;

	if (!fx)
		skip();
	fx->fds[0] = ctl_listen(fx->name);
	assert_true(fx->fds[0] >= 0);
	close(fx->fds[0]);
	fx->fds[0] = -1;
	/* the file is left behind by a daemon that died: nobody answers */
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(ctl_connect(fx->name), -ECONNREFUSED);
	fx->fds[0] = ctl_listen(fx->name);
	assert_true(fx->fds[0] >= 0);
	fx->fds[1] = ctl_connect(fx->name);
	assert_true(fx->fds[1] >= 0);
}

static void test_listen_out_of_fds(void **state)
{
	struct sock_fx *fx = *state;
	struct rlimit saved, lim;
	struct stat st;
	int lowest, ret;

	if (!fx)
		skip();
	fx->fds[0] = ctl_listen(fx->name);
	assert_true(fx->fds[0] >= 0);
	/* no fd left: the probe cannot even make a socket */
	lowest = dup(0);
	assert_true(lowest >= 0);
	close(lowest);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	lim = saved;
	lim.rlim_cur = (rlim_t)lowest;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
	ret = ctl_listen(fx->name);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
	assert_int_equal(ret, -EMFILE);
	/* the live daemon's socket is still there and still answers */
	assert_int_equal(stat(fx->path, &st), 0);
	fx->fds[1] = ctl_connect(fx->name);
	assert_true(fx->fds[1] >= 0);
}

static void test_long_name(void **state)
{
	char longname[200];

	(void)state;
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	/* refused before touching the file system, root or not */
	assert_int_equal(ctl_connect(longname), -ENAMETOOLONG);
	if (geteuid() == 0)
		assert_int_equal(ctl_listen(longname), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test_setup_teardown(test_roundtrip, pair_setup,
						pair_teardown),
		cmocka_unit_test_setup_teardown(test_bad_json, pair_setup,
						pair_teardown),
		cmocka_unit_test_setup_teardown(test_not_object, pair_setup,
						pair_teardown),
		cmocka_unit_test_setup_teardown(test_peer_closed, pair_setup,
						pair_teardown),
		cmocka_unit_test_setup_teardown(test_send_refuses_non_object,
						pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(test_oversized, pair_setup,
						pair_teardown),
		cmocka_unit_test_setup_teardown(test_listen_connect, sock_setup,
						sock_teardown),
		cmocka_unit_test_setup_teardown(test_listen_replaces_stale,
						sock_setup, sock_teardown),
		cmocka_unit_test_setup_teardown(test_listen_out_of_fds,
						sock_setup, sock_teardown),
		cmocka_unit_test(test_long_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
