/* SPDX-License-Identifier: MIT */
/*
 * ct_proto.h - interfaces between the files of src/ct: the TCP state
 * machine (ct_tcp.c), tuple extraction for UDP/ICMP (ct_proto.c) and the
 * embedded packet of ICMP errors (ct_icmp_err.c), which NAT (nat_rewrite.c)
 * reuses to find the headers it rewrites. Private to src/ct and its unit
 * tests; nodes use ct.h and nat.h only.
 */
#ifndef DCBOX_CT_PROTO_H
#define DCBOX_CT_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "ct/ct.h"

enum {
	CT_IPPROTO_ICMP = 1,
	CT_IPPROTO_TCP = 6,
	CT_IPPROTO_UDP = 17,
	CT_IPPROTO_ICMPV6 = 58,
};

/* TCP header flag bits (byte 13), as in m->tcp_flags. */
enum {
	CT_TH_FIN = 0x01,
	CT_TH_SYN = 0x02,
	CT_TH_RST = 0x04,
	CT_TH_PSH = 0x08,
	CT_TH_ACK = 0x10,
	CT_TH_URG = 0x20,
	CT_TH_ECE = 0x40,
	CT_TH_CWR = 0x80,
};

/** enum ct_tcp_ret - non-error results of ct_tcp_packet() */
enum ct_tcp_ret {
	CT_TCP_ACCEPT = 0, /* state and windows updated */
	CT_TCP_IGNORE = 1, /* pass, but nothing learnt from it */
	CT_TCP_REOPEN = 2, /* SYN on a closed connection: replace the entry */
};

/**
 * struct ct_tcp_seg - what the state machine needs from one segment
 * @seq: sequence number
 * @ack: acknowledgment number
 * @sack: highest right edge of the SACK blocks, else @ack
 * @len: payload bytes
 * @win: raw (unscaled) window
 * @flags: TCP flags byte (CT_TH_*)
 * @wscale: window scale option value, if @has_wscale
 * @has_wscale: the segment carries a window scale option
 * @sack_perm: the segment carries SACK-permitted
 */
struct ct_tcp_seg {
	uint32_t seq;
	uint32_t ack;
	uint32_t sack;
	uint32_t len;
	uint16_t win;
	uint8_t flags;
	uint8_t wscale;
	bool has_wscale;
	bool sack_perm;
};

void ct_tcp_seg_parse(const uint8_t *frame, const struct pkt_meta *m,
		      struct ct_tcp_seg *s);
bool ct_tcp_flags_valid(uint8_t flags);
int ct_tcp_new(struct ct_tcp *tcp, const struct ct_tcp_seg *s);
int ct_tcp_packet(struct ct_tcp *tcp, enum ct_dir dir,
		  const struct ct_tcp_seg *s, bool *assure);
bool ct_tcp_seq_ok(const struct ct_tcp *tcp, enum ct_dir sender, uint32_t seq);

bool ct_icmp_is_request(uint8_t proto, uint8_t type);
bool ct_icmp_is_reply(uint8_t proto, uint8_t type);
uint64_t ct_timeout_ms(const struct ct_table *t, const struct ct_entry *e);

/**
 * struct ct_inner - the packet embedded in an ICMP error
 * @l3_off: its IP header, from the start of the frame
 * @l4_off: its L4 header
 * @end: end of the ICMP message (of what may be read)
 * @l4_size: L4 bytes present (at least 8)
 * @icmp_type: type of an embedded ICMP message
 * @tuple: its tuple, as the embedded packet travelled
 */
struct ct_inner {
	uint32_t l3_off;
	uint32_t l4_off;
	uint32_t end;
	uint32_t l4_size;
	uint8_t icmp_type;
	struct ct_tuple tuple;
};

int ct_icmp_inner(const uint8_t *frame, const struct pkt_meta *m,
		  struct ct_inner *in);
enum ct_verdict ct_icmp_error(struct ct_table *t, const uint8_t *frame,
			      const struct pkt_meta *m, uint64_t now_ms,
			      struct ct_result *res);

/* ct.c helpers for the protocol files */
enum ct_verdict ct_invalid(struct ct_table *t, struct ct_result *res,
			   unsigned int reason);

#endif
