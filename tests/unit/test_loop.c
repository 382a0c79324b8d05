// SPDX-License-Identifier: MIT
/*
 * test_loop.c - unit tests for the event loop (src/core/loop.c).
 *
 * Watches on an eventfd and a pipe fire their callbacks with the events
 * epoll reported and stop after loop_del(); the tick fires about once per
 * period; a turn with the busy flag set does not block, and one without it
 * blocks until the tick; the wakeups/polls counters count those two kinds
 * of turn. Timing bounds are loose (tens of milliseconds of slack) so a
 * loaded machine does not fail them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <cmocka.h>

#include "core/loop.h"

enum { MS = 1000000 };

/** what a callback saw; the callback drains its eventfd when asked */
struct seen {
	unsigned int calls;
	uint32_t events;
	void *ctx;
	int drain_fd;
	bool set_busy;
	struct loop *l;
};

static void on_event(void *ctx, uint32_t events)
{
	struct seen *s = ctx;
	uint64_t v;

	s->calls++;
	s->events = events;
	s->ctx = ctx;
	if (s->drain_fd >= 0)
		assert_int_equal(read(s->drain_fd, &v, sizeof(v)), sizeof(v));
	if (s->set_busy)
		loop_set_busy(s->l);
}

static void kick(int efd)
{
	uint64_t one = 1;

	assert_int_equal(write(efd, &one, sizeof(one)), sizeof(one));
}

struct fixture {
	struct loop l;
	int efd;
};

static int setup(void **state)
{
	static struct fixture fx;

	if (loop_init(&fx.l))
		return -1;
	fx.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fx.efd < 0)
		return -1;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	close(fx->efd);
	loop_fini(&fx->l);
	return 0;
}

static void test_init_fini(void **state)
{
	struct loop l;

	(void)state;
	memset(&l, 0xa5, sizeof(l));
	assert_int_equal(loop_init(&l), 0);
	assert_true(l.epfd >= 0);
	assert_false(l.busy);
	assert_int_equal(l.tick_ns, 0);
	assert_int_equal(l.wakeups, 0);
	assert_int_equal(l.polls, 0);
	loop_fini(&l);
	assert_int_equal(l.epfd, -1);
	loop_fini(&l);
}

static void test_eventfd_fires(void **state)
{
	struct fixture *fx = *state;
	struct seen s = {.drain_fd = fx->efd};
	struct loop_watch w = {.fd = fx->efd, .fn = on_event, .ctx = &s};

	assert_int_equal(loop_add(&fx->l, &w, EPOLLIN), 0);
	assert_int_equal(loop_add(&fx->l, &w, EPOLLIN), -EEXIST);
	kick(fx->efd);
	assert_int_equal(loop_run_once(&fx->l), 1);
	assert_int_equal(s.calls, 1);
	assert_ptr_equal(s.ctx, &s);
	assert_true(s.events & EPOLLIN);
	/* a blocking wait (no tick: infinite) that an event ended */
	assert_int_equal(fx->l.wakeups, 1);
	assert_int_equal(fx->l.polls, 0);

	/* drained: a non-blocking turn finds nothing */
	loop_set_busy(&fx->l);
	assert_int_equal(loop_run_once(&fx->l), 0);
	assert_int_equal(s.calls, 1);
	assert_int_equal(fx->l.polls, 1);
	assert_int_equal(fx->l.wakeups, 1);
}

static void test_pipe_in_and_hup(void **state)
{
	struct fixture *fx = *state;
	struct seen s = {.drain_fd = -1};
	struct loop_watch w = {.fn = on_event, .ctx = &s};
	int p[2];
	char c;

	assert_int_equal(pipe(p), 0);
	w.fd = p[0];
	assert_int_equal(loop_add(&fx->l, &w, EPOLLIN), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(loop_run_once(&fx->l), 1);
	assert_int_equal(s.events, EPOLLIN);
	/* level-triggered: still unread, so reported again */
	assert_int_equal(loop_run_once(&fx->l), 1);
	assert_int_equal(s.calls, 2);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[1]);
	assert_int_equal(loop_run_once(&fx->l), 1);
	assert_true(s.events & EPOLLHUP);
	assert_int_equal(loop_del(&fx->l, &w), 0);
	close(p[0]);
}

static void test_del_stops(void **state)
{
	struct fixture *fx = *state;
	struct seen s = {.drain_fd = -1};
	struct loop_watch w = {.fd = fx->efd, .fn = on_event, .ctx = &s};
	struct loop_watch bad = {.fd = -1, .fn = on_event, .ctx = &s};

	assert_int_equal(loop_add(&fx->l, &w, EPOLLIN), 0);
	kick(fx->efd);
	assert_int_equal(loop_del(&fx->l, &w), 0);
	assert_int_equal(loop_del(&fx->l, &w), -ENOENT);
	/* the fd is still readable, but nobody watches it */
	loop_set_busy(&fx->l);
	assert_int_equal(loop_run_once(&fx->l), 0);
	assert_int_equal(s.calls, 0);
	assert_int_equal(loop_add(&fx->l, &bad, EPOLLIN), -EBADF);
}

static void test_tick_period(void **state)
{
	struct fixture *fx = *state;
	struct seen t = {.drain_fd = -1, .events = 0xdead};
	uint64_t start = loop_now_ns();

	loop_set_tick(&fx->l, 20 * MS, on_event, &t);
	while (loop_now_ns() - start < 200 * MS)
		assert_true(loop_run_once(&fx->l) >= 0);
	/* about 10 expected; a loaded machine may manage fewer */
	assert_true(t.calls >= 2);
	assert_true(t.calls <= 11);
	assert_ptr_equal(t.ctx, &t);
	assert_int_equal(t.events, 0);
	/* blocked waits that timed out are neither wakeups nor polls... */
	assert_int_equal(fx->l.wakeups, 0);
	/* ...except a turn that found the tick already due */
	assert_true(fx->l.polls <= t.calls);

	loop_set_tick(&fx->l, 0, NULL, NULL);
	t.calls = 0;
	loop_set_busy(&fx->l);
	assert_int_equal(loop_run_once(&fx->l), 0);
	assert_int_equal(t.calls, 0);
}

static void test_busy_does_not_block(void **state)
{
	struct fixture *fx = *state;
	struct seen t = {.drain_fd = -1};
	uint64_t polls = fx->l.polls, start;

	loop_set_tick(&fx->l, 10000ull * MS, on_event, &t);
	loop_set_busy(&fx->l);
	start = loop_now_ns();
	assert_int_equal(loop_run_once(&fx->l), 0);
	assert_true(loop_now_ns() - start < 50 * MS);
	assert_false(fx->l.busy);
	assert_int_equal(fx->l.polls, polls + 1);
	assert_int_equal(t.calls, 0);
}

static void test_busy_from_callback(void **state)
{
	struct fixture *fx = *state;
	struct seen s = {.drain_fd = fx->efd, .set_busy = true, .l = &fx->l};
	struct seen t = {.drain_fd = -1};
	struct loop_watch w = {.fd = fx->efd, .fn = on_event, .ctx = &s};
	uint64_t start;

	loop_set_tick(&fx->l, 10000ull * MS, on_event, &t);
	assert_int_equal(loop_add(&fx->l, &w, EPOLLIN), 0);
	kick(fx->efd);
	assert_int_equal(loop_run_once(&fx->l), 1);
	assert_true(fx->l.busy);
	/* the callback asked for another turn: it must not block */
	start = loop_now_ns();
	s.set_busy = false;
	assert_int_equal(loop_run_once(&fx->l), 0);
	assert_true(loop_now_ns() - start < 50 * MS);
	assert_false(fx->l.busy);
	assert_int_equal(loop_del(&fx->l, &w), 0);
}

static void test_blocks_until_tick(void **state)
{
	struct fixture *fx = *state;
	struct seen t = {.drain_fd = -1};
	uint64_t start, took;
	int turns = 0;

	loop_set_tick(&fx->l, 60 * MS, on_event, &t);
	start = loop_now_ns();
	while (!t.calls && turns++ < 5)
		assert_int_equal(loop_run_once(&fx->l), 0);
	took = loop_now_ns() - start;
	assert_int_equal(t.calls, 1);
	/* slept: neither returned at once nor spun through turns */
	assert_true(took >= 40 * MS);
	assert_true(turns <= 3);
	assert_int_equal(fx->l.wakeups, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_fini),
		cmocka_unit_test_setup_teardown(test_eventfd_fires, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pipe_in_and_hup, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_del_stops, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tick_period, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_busy_does_not_block, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_busy_from_callback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_blocks_until_tick, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
