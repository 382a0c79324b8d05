// SPDX-License-Identifier: MIT
/*
 * loop.c - epoll event loop with a periodic tick and busy polling.
 *
 * One turn: wait (blocking until the next tick, or not at all when the
 * previous turn left work pending), run the callbacks of ready fds, then
 * the tick if due. Level-triggered epoll means a port that still holds
 * frames is reported again, so a callback only calls loop_set_busy() for
 * sources epoll cannot see (in-process links).
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

enum { LOOP_EVENTS = 64 };

/**
 * loop_now_ns() - monotonic time in nanoseconds
 *
 * Return: CLOCK_MONOTONIC now.
 */
uint64_t loop_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/**
 * loop_init() - create an empty loop
 * @l: loop to set up
 *
 * Return: 0 or -errno.
 */
int loop_init(struct loop *l)
{
	memset(l, 0, sizeof(*l));
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	return l->epfd < 0 ? -errno : 0;
}

/**
 * loop_fini() - close the epoll set; watched fds stay open (not ours)
 * @l: loop
 */
void loop_fini(struct loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
}

/**
 * loop_add() - watch @w->fd for @events (EPOLLIN...)
 * @l: loop
 * @w: watch, must stay valid until loop_del()
 * @events: epoll event mask
 *
 * Return: 0 or -errno.
 */
int loop_add(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, w->fd, &ev) ? -errno : 0;
}

/**
 * loop_del() - stop watching @w
 * @l: loop
 * @w: watch given to loop_add()
 *
 * Return: 0 or -errno.
 */
int loop_del(struct loop *l, struct loop_watch *w)
{
	return epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL) ? -errno : 0;
}

/**
 * loop_set_tick() - call @fn every @period_ns (0 disables)
 * @l: loop
 * @period_ns: period
 * @fn: callback, events argument is 0
 * @ctx: its context
 */
void loop_set_tick(struct loop *l, uint64_t period_ns, loop_fn *fn, void *ctx)
{
	l->tick_ns = period_ns;
	l->tick = fn;
	l->tick_ctx = ctx;
	l->next_tick_ns = loop_now_ns() + period_ns;
}

static int timeout_ms(const struct loop *l, uint64_t now)
{
	if (l->busy)
		return 0;
	if (!l->tick_ns)
		return -1;
	if (l->next_tick_ns <= now)
		return 0;
	return (int)((l->next_tick_ns - now + 999999) / 1000000);
}

/**
 * loop_run_once() - one turn of the loop
 * @l: loop
 *
 * Return: number of fd events handled, or -errno from epoll_wait (EINTR
 * is not an error: it returns 0).
 */
int loop_run_once(struct loop *l)
{
	struct epoll_event evs[LOOP_EVENTS];
	int n, i, tmo = timeout_ms(l, loop_now_ns());

	if (tmo == 0)
		l->polls++;
	l->busy = false;
	n = epoll_wait(l->epfd, evs, LOOP_EVENTS, tmo);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (tmo != 0 && n > 0)
		l->wakeups++;
	for (i = 0; i < n; i++) {
		struct loop_watch *w = evs[i].data.ptr;

		w->fn(w->ctx, evs[i].events);
	}
	if (l->tick_ns && loop_now_ns() >= l->next_tick_ns) {
		l->next_tick_ns = loop_now_ns() + l->tick_ns;
		l->tick(l->tick_ctx, 0);
	}
	return n;
}
