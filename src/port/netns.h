/* SPDX-License-Identifier: MIT */
/*
 * netns.h - named network namespaces, compatible with `ip netns`.
 *
 * A namespace NAME is kept alive by a bind mount of its nsfs inode on
 * /run/netns/NAME, exactly as iproute2 does it, so `ip netns exec NAME ...`
 * and `ip netns del NAME` work on namespaces dcbox made, and the other way
 * round. Functions that act "in a namespace" take an fd from netns_open()
 * (or -1 for the caller's own) and switch only the calling thread.
 */
#ifndef DCBOX_PORT_NETNS_H
#define DCBOX_PORT_NETNS_H

#include <stdbool.h>

enum { NETNS_NAME_MAX = 64 };

#define NETNS_RUN_DIR "/run/netns"

int netns_add(const char *name);
int netns_del(const char *name);
int netns_open(const char *name);
bool netns_exists(const char *name);
int netns_enter(int netns_fd, int *saved_fd);
int netns_leave(int saved_fd);
int netns_run(int netns_fd, int (*fn)(void *arg), void *arg);

#endif
