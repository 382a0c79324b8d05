// SPDX-License-Identifier: MIT
/*
 * ct_icmp_err.c - ICMP and ICMPv6 errors (destination unreachable, time
 * exceeded, packet too big, parameter problem, ...) matched to the flow of
 * the packet they quote.
 *
 * An error quotes the IP header and at least 8 bytes of the L4 header of a
 * packet that some flow sent; the error travels back towards its sender,
 * so the inverse of the quoted packet's tuple is the tuple of a packet in
 * the error's own direction. Looking that up gives the flow and the
 * direction (res->dir) at once, and the error is RELATED to the flow. A
 * quoted TCP header must carry a sequence number its sender could have
 * used (ct_tcp_seq_ok()), so a forged error needs to guess the window.
 *
 * ct_icmp_inner() is shared with NAT (nat_rewrite.c), which rewrites the
 * quoted headers it finds.
 */
#include <string.h>

#include "ct/ct_proto.h"

enum {
	INNER_V4_HDR = 20,
	INNER_V6_HDR = 40,
	INNER_L4_MIN = 8, /* what RFC 792 guarantees to be quoted */
};

static int inner_v4(const uint8_t *h, uint32_t avail, struct ct_inner *in)
{
	uint32_t hlen;

	if (avail < INNER_V4_HDR || h[0] >> 4 != 4)
		return -1;
	hlen = (h[0] & 0xfu) * 4;
	if (hlen < INNER_V4_HDR || avail < hlen + INNER_L4_MIN)
		return -1;
	if ((h[6] & 0x1f) || h[7]) /* a later fragment: no L4 header */
		return -1;
	in->tuple.proto = h[9];
	in->tuple.src.b[10] = in->tuple.src.b[11] = 0xff;
	in->tuple.dst.b[10] = in->tuple.dst.b[11] = 0xff;
	memcpy(&in->tuple.src.b[12], h + 12, 4);
	memcpy(&in->tuple.dst.b[12], h + 16, 4);
	in->l4_off = in->l3_off + hlen;
	return 0;
}

static int inner_v6(const uint8_t *h, uint32_t avail, struct ct_inner *in)
{
	if (avail < INNER_V6_HDR + INNER_L4_MIN || h[0] >> 4 != 6)
		return -1;
	in->tuple.proto = h[6]; /* extension headers are not walked */
	memcpy(in->tuple.src.b, h + 8, 16);
	memcpy(in->tuple.dst.b, h + 24, 16);
	in->l4_off = in->l3_off + INNER_V6_HDR;
	return 0;
}

static int inner_l4(const uint8_t *l4, uint8_t outer_proto, struct ct_inner *in)
{
	uint16_t id = (uint16_t)(l4[4] << 8 | l4[5]);

	switch (in->tuple.proto) {
	case CT_IPPROTO_TCP:
	case CT_IPPROTO_UDP:
		in->tuple.sport = (uint16_t)(l4[0] << 8 | l4[1]);
		in->tuple.dport = (uint16_t)(l4[2] << 8 | l4[3]);
		return 0;
	case CT_IPPROTO_ICMP:
	case CT_IPPROTO_ICMPV6:
		if (in->tuple.proto != outer_proto)
			return -1;
		in->icmp_type = l4[0];
		if (ct_icmp_is_request(outer_proto, l4[0]))
			in->tuple.sport = id;
		else if (ct_icmp_is_reply(outer_proto, l4[0]))
			in->tuple.dport = id;
		else
			return -1; /* errors are not sent about errors */
		return 0;
	default:
		return -1;
	}
}

/**
 * ct_icmp_inner() - locate and parse the packet an ICMP error quotes
 * @frame: the frame
 * @m: its descriptor; PKT_F_ICMP_ERR set (inner_off valid)
 * @in: filled: offsets, the quoted packet's tuple
 *
 * The quoted packet must be a TCP, UDP or ICMP echo packet of the same IP
 * version with its IP header and 8 L4 bytes inside the ICMP message.
 *
 * Return: 0, or -1 if it is not.
 */
int ct_icmp_inner(const uint8_t *frame, const struct pkt_meta *m,
		  struct ct_inner *in)
{
	uint32_t avail;
	int ret;

	memset(in, 0, sizeof(*in));
	if (!(m->flags & PKT_F_ICMP_ERR))
		return -1;
	in->l3_off = m->inner_off;
	in->end = m->payload_off + m->payload_len;
	if (in->l3_off > in->end)
		return -1;
	avail = in->end - in->l3_off;
	if (m->l3 == PKT_L3_IPV4)
		ret = inner_v4(frame + in->l3_off, avail, in);
	else
		ret = inner_v6(frame + in->l3_off, avail, in);
	if (ret)
		return ret;
	in->l4_size = in->end - in->l4_off;
	return inner_l4(frame + in->l4_off, m->l4_proto, in);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/**
 * ct_icmp_error() - match an ICMP error to a flow (from ct_process())
 * @t: the table
 * @frame: the frame
 * @m: descriptor with PKT_F_ICMP_ERR
 * @now_ms: the clock
 * @res: filled: the flow, the error's direction, CT_RELATED
 *
 * The error does not refresh the flow's timeout.
 *
 * Return: CT_RELATED or CT_INVALID.
 */
enum ct_verdict ct_icmp_error(struct ct_table *t, const uint8_t *frame,
			      const struct pkt_meta *m, uint64_t now_ms,
			      struct ct_result *res)
{
	struct ct_inner in;
	struct ct_tuple rev;
	struct ct_entry *e;
	enum ct_dir dir;

	if (ct_icmp_inner(frame, m, &in))
		return ct_invalid(t, res, CT_INV_ICMP_ERR_INNER);
	ct_tuple_invert(&in.tuple, &rev);
	e = ct_find(t, &rev, now_ms, &dir);
	if (!e)
		return ct_invalid(t, res, CT_INV_ICMP_ERR_NO_FLOW);
	res->e = e;
	res->dir = (uint8_t)dir;
	if (in.tuple.proto == CT_IPPROTO_TCP &&
	    !ct_tcp_seq_ok(&e->tcp, (enum ct_dir) !dir,
			   get_be32(frame + in.l4_off + 4)))
		return ct_invalid(t, res, CT_INV_ICMP_ERR_SEQ);
	t->counters[CT_CNT_RELATED]++;
	res->verdict = CT_RELATED;
	return CT_RELATED;
}
