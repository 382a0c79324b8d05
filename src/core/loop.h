/* SPDX-License-Identifier: MIT */
/*
 * loop.h - the event loop: epoll readiness plus one periodic tick.
 *
 * The daemon runs one thread: control socket, clients and dataplane ports
 * share this loop. loop_run_once() blocks in epoll_wait() when nothing is
 * busy (idle costs nothing) and only polls (timeout 0) while a callback has
 * reported more work pending through loop_set_busy().
 */
#ifndef DCBOX_LOOP_H
#define DCBOX_LOOP_H

#include <stdbool.h>
#include <stdint.h>

/** loop_fn - called with the epoll events that fired on a watched fd */
typedef void loop_fn(void *ctx, uint32_t events);

/** struct loop_watch - one fd the loop watches; owned by the caller */
struct loop_watch {
	int fd;
	loop_fn *fn;
	void *ctx;
};

/** struct loop - epoll set, the busy flag and the tick schedule */
struct loop {
	int epfd;
	bool busy;                 /* some source has work left: poll */
	bool stop;
	uint64_t tick_ns;          /* period of the tick, 0 = none */
	uint64_t next_tick_ns;
	loop_fn *tick;
	void *tick_ctx;
	uint64_t wakeups, polls;   /* blocked waits that returned, 0-waits */
};

uint64_t loop_now_ns(void);
int loop_init(struct loop *l);
void loop_fini(struct loop *l);
int loop_add(struct loop *l, struct loop_watch *w, uint32_t events);
int loop_del(struct loop *l, struct loop_watch *w);
void loop_set_tick(struct loop *l, uint64_t period_ns, loop_fn *fn,
		   void *ctx);
int loop_run_once(struct loop *l);

/** loop_set_busy() - ask for another turn without blocking */
static inline void loop_set_busy(struct loop *l)
{
	l->busy = true;
}

#endif
