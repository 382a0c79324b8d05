/* SPDX-License-Identifier: MIT */
/*
 * ctl_proto.h - what the CLI and the daemon say to each other.
 *
 * Each running topology has one daemon listening on a SOCK_SEQPACKET unix
 * socket, CTL_RUN_DIR/NAME.sock (directory 0700, socket 0600, and the
 * daemon checks SO_PEERCRED: only root may talk to it). A client sends one
 * request message, a JSON object {"cmd": ..., ...}, and gets one reply
 * message, a JSON object with "ok": true or "ok": false and "error". A
 * capture request is answered by a reply and then a stream of messages,
 * each a struct ctl_cap_hdr followed by the frame bytes, until the client
 * closes its end.
 */
#ifndef DCBOX_CTL_PROTO_H
#define DCBOX_CTL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define CTL_RUN_DIR "/run/dcbox"

enum {
	CTL_MSG_MAX = 4 << 20,     /* largest reply (a big MAC table) */
	CTL_SNDBUF = 8 << 20,
	CTL_CAP_SNAPLEN = 262144,
};

/** struct ctl_cap_hdr - one captured frame in a capture stream */
struct ctl_cap_hdr {
	uint64_t ts_ns;            /* CLOCK_REALTIME of the capture */
	uint32_t caplen;           /* bytes that follow */
	uint32_t len;              /* frame length on the wire */
	uint8_t dir;               /* 1 in, 2 out */
	uint8_t pad[7];
};

int ctl_path(char *buf, size_t size, const char *name, const char *suffix);
int ctl_listen(const char *name);
int ctl_connect(const char *name);
int ctl_send_json(int fd, const void *json);
int ctl_recv_json(int fd, void **json, char *err, size_t errsize);

#endif
