// SPDX-License-Identifier: MIT
/*
 * nat_rewrite.c - nat_apply(): the per-packet NAT rewrite of IPv4 frames,
 * with incremental checksum updates, for TCP, UDP, ICMP echo and ICMP
 * errors (whose quoted packet is translated too). The set-up that decides
 * the translation is nat.c; the theory of operation is in nat.h.
 *
 * Every field is written through put16()/put32(), which also fold the
 * change into an enclosing checksum when there is one: for an ICMP error,
 * each word changed inside the quoted packet (addresses, its IP checksum,
 * ports, its L4 checksum) is also a word of the ICMP message, so the ICMP
 * checksum receives the same RFC 1624 update. All such words lie at even
 * offsets of the ICMP message, which the incremental update requires.
 * Values are kept as stored (network order), as csum.h expects.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "core/csum.h"
#include "ct/ct_proto.h"
#include "ct/nat.h"

enum {
	NAT_TCP_CSUM = 16, /* offsets of the checksum in the L4 header */
	NAT_UDP_CSUM = 6,
	NAT_ICMP_CSUM = 2,
	NAT_ICMP_ID = 4,
	NAT_TCP_MIN = 20,
	NAT_L4_MIN = 8,
	NAT_IP_CSUM = 10,
	NAT_IP_SRC = 12,
	NAT_IP_DST = 16,
};

/*
 * The L4 checksum that address and port changes must keep right:
 * @field NULL when there is none (UDP with checksum 0, a quoted TCP header
 * cut before its checksum); @outer the ICMP checksum that covers @field;
 * @partial when @field holds only the pseudo-header sum (NEEDS_CSUM);
 * @pseudo when addresses are in the pseudo-header (TCP, UDP).
 */
struct l4sum {
	uint8_t *field;
	uint8_t *outer;
	bool partial;
	bool pseudo;
	bool udp;
};

static inline uint16_t ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static inline uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void put16(uint8_t *p, uint16_t to, uint8_t *sum)
{
	uint16_t from = ld16(p);

	if (from == to)
		return;
	if (sum)
		memcpy(sum, &(uint16_t){csum_replace16(ld16(sum), from, to)},
		       2);
	memcpy(p, &to, 2);
}

static void put32(uint8_t *p, uint32_t to, uint8_t *sum)
{
	uint32_t from = ld32(p);

	if (from == to)
		return;
	if (sum)
		memcpy(sum, &(uint16_t){csum_replace32(ld16(sum), from, to)},
		       2);
	memcpy(p, &to, 4);
}

/* Store a new full L4 checksum; UDP never stores 0 (it means "none"). */
static void l4_store(struct l4sum *c, uint16_t v)
{
	if (c->udp && !c->partial && v == 0)
		v = 0xffff;
	put16(c->field, v, c->outer);
}

static void l4_addr(struct l4sum *c, uint32_t from, uint32_t to)
{
	uint16_t old;

	if (!c->field || !c->pseudo)
		return;
	old = ld16(c->field);
	if (c->partial)
		l4_store(c,
			 (uint16_t)~csum_replace32((uint16_t)~old, from, to));
	else
		l4_store(c, csum_replace32(old, from, to));
}

static void set_port(uint8_t *p, uint16_t to_host, struct l4sum *c)
{
	uint16_t from = ld16(p), to = htons(to_host);

	if (from == to)
		return;
	if (c->field && !c->partial)
		l4_store(c, csum_replace16(ld16(c->field), from, to));
	put16(p, to, c->outer);
}

/* An IPv4 address at @ip + @off, its header checksum and the L4 one. */
static void set_addr(uint8_t *ip, unsigned int off, uint32_t to,
		     struct l4sum *c, uint8_t *outer)
{
	uint32_t from = ld32(ip + off);

	if (from == to)
		return;
	put16(ip + NAT_IP_CSUM,
	      csum_replace32(ld16(ip + NAT_IP_CSUM), from, to), outer);
	if (c)
		l4_addr(c, from, to);
	put32(ip + off, to, outer);
}

static unsigned int csum_off(uint8_t proto)
{
	if (proto == CT_IPPROTO_TCP)
		return NAT_TCP_CSUM;
	if (proto == CT_IPPROTO_UDP)
		return NAT_UDP_CSUM;
	return NAT_ICMP_CSUM;
}

/* Where the frame's own L4 checksum is and what it holds. */
static int l4sum_init(const struct pkt *p, const struct pkt_meta *m,
		      uint8_t *l4, struct l4sum *c)
{
	unsigned int off = csum_off(m->l4_proto);

	memset(c, 0, sizeof(*c));
	c->field = l4 + off;
	c->pseudo = m->l4_proto != CT_IPPROTO_ICMP;
	c->udp = m->l4_proto == CT_IPPROTO_UDP;
	if (p->vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (p->vnet.csum_start != m->l4_off ||
		    p->vnet.csum_offset != off)
			return -EPROTO;
		c->partial = true;
	} else if (c->udp && ld16(c->field) == 0) {
		c->field = NULL;
	}
	return 0;
}

static bool l4_fits(const struct pkt *p, const struct pkt_meta *m)
{
	uint32_t need =
		m->l4_proto == CT_IPPROTO_TCP ? NAT_TCP_MIN : NAT_L4_MIN;

	return (m->flags & PKT_F_L4) && !(m->flags & PKT_F_FRAG) &&
	       m->l4_off <= p->len && p->len - m->l4_off >= need &&
	       (m->l4_proto == CT_IPPROTO_TCP ||
		m->l4_proto == CT_IPPROTO_UDP ||
		m->l4_proto == CT_IPPROTO_ICMP);
}

/* The ICMP identifier a packet should carry: sport of a request. */
static uint16_t icmp_id_want(const struct pkt_meta *m, uint16_t sport,
			     uint16_t dport)
{
	return ct_icmp_is_request(CT_IPPROTO_ICMP, m->icmp_type) ? sport
								 : dport;
}

static bool already_done(const struct pkt_meta *m, const struct ct_tuple *w)
{
	if (m->src.w[3] != w->dst.w[3] || m->dst.w[3] != w->src.w[3])
		return false;
	if (m->l4_proto == CT_IPPROTO_ICMP)
		return m->icmp_id == icmp_id_want(m, w->dport, w->sport);
	return m->src_port == w->dport && m->dst_port == w->sport;
}

/* TCP/UDP/ICMP echo: make the packet look like the inverse of tuple[!dir]. */
static int rewrite_pkt(struct nat *n, const struct ct_tuple *w, struct pkt *p,
		       struct pkt_meta *m)
{
	uint8_t *f = pkt_data(p), *ip = f + m->l3_off, *l4 = f + m->l4_off;
	uint16_t sport = w->dport, dport = w->sport;
	struct l4sum c;

	if (already_done(m, w))
		return 0;
	if (l4sum_init(p, m, l4, &c)) {
		n->counters[NAT_CNT_BAD_OFFLOAD]++;
		return -EPROTO;
	}
	set_addr(ip, NAT_IP_SRC, w->dst.w[3], &c, NULL);
	set_addr(ip, NAT_IP_DST, w->src.w[3], &c, NULL);
	if (m->l4_proto == CT_IPPROTO_ICMP) {
		m->icmp_id = icmp_id_want(m, sport, dport);
		set_port(l4 + NAT_ICMP_ID, m->icmp_id, &c);
	} else {
		set_port(l4, sport, &c);
		set_port(l4 + 2, dport, &c);
		m->src_port = sport;
		m->dst_port = dport;
	}
	m->src.w[3] = w->dst.w[3];
	m->dst.w[3] = w->src.w[3];
	n->counters[NAT_CNT_REWRITTEN]++;
	return 0;
}

/* The quoted packet's own L4 checksum, if it was quoted. */
static void inner_sum(const struct ct_inner *in, uint8_t *il4, uint8_t *outer,
		      struct l4sum *c)
{
	unsigned int off = csum_off(in->tuple.proto);

	memset(c, 0, sizeof(*c));
	c->outer = outer;
	c->pseudo = in->tuple.proto != CT_IPPROTO_ICMP;
	c->udp = in->tuple.proto == CT_IPPROTO_UDP;
	if (in->l4_size >= off + 2)
		c->field = il4 + off;
	if (c->udp && ld16(il4 + off) == 0)
		c->field = NULL;
}

/* Translate the quoted packet back to tuple @w (direction !dir). */
static void rewrite_inner(uint8_t *f, const struct ct_inner *in,
			  const struct ct_tuple *w, uint8_t *outer)
{
	uint8_t *iip = f + in->l3_off, *il4 = f + in->l4_off;
	struct l4sum c;
	uint16_t id;

	inner_sum(in, il4, outer, &c);
	set_addr(iip, NAT_IP_SRC, w->src.w[3], &c, outer);
	set_addr(iip, NAT_IP_DST, w->dst.w[3], &c, outer);
	if (in->tuple.proto == CT_IPPROTO_ICMP) {
		id = ct_icmp_is_request(CT_IPPROTO_ICMP, in->icmp_type)
			     ? w->sport
			     : w->dport;
		set_port(il4 + NAT_ICMP_ID, id, &c);
	} else {
		set_port(il4, w->sport, &c);
		set_port(il4 + 2, w->dport, &c);
	}
}

static int rewrite_icmp_err(struct nat *n, const struct ct_entry *e,
			    struct pkt *p, struct pkt_meta *m, enum ct_dir d)
{
	const struct ct_tuple *td = &e->tuple[d], *to = &e->tuple[!d];
	uint8_t *f = pkt_data(p), *ip = f + m->l3_off;
	uint8_t *outer = f + m->l4_off + NAT_ICMP_CSUM;
	struct ct_inner in;

	if (ct_icmp_inner(f, m, &in) || in.end > p->len ||
	    in.tuple.proto == CT_IPPROTO_ICMPV6) {
		n->counters[NAT_CNT_TRUNCATED]++;
		return -EINVAL;
	}
	if ((p->vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    p->vnet.csum_start == m->l4_off)
		outer = NULL; /* filled in over the whole message later */
	if (td->src.w[3] != to->dst.w[3])
		set_addr(ip, NAT_IP_SRC, to->dst.w[3], NULL, NULL);
	if (td->dst.w[3] != to->src.w[3])
		set_addr(ip, NAT_IP_DST, to->src.w[3], NULL, NULL);
	rewrite_inner(f, &in, to, outer);
	m->src.w[3] = ld32(ip + NAT_IP_SRC);
	m->dst.w[3] = ld32(ip + NAT_IP_DST);
	n->counters[NAT_CNT_ICMP_ERR]++;
	return 0;
}

/**
 * nat_apply() - rewrite one packet of a flow as its NAT set-up says
 * @n: the NAT (counters)
 * @e: the packet's flow from ct_process() (NULL: nothing to do)
 * @p: the frame, rewritten in place
 * @m: its descriptor; addresses, ports and ICMP id are updated to match
 * @dir: the packet's direction (ct_result.dir), for CT_RELATED the ICMP
 *       error's direction
 *
 * A packet in direction d is made to look like the inverse of the flow's
 * tuple[!d]: source/destination addresses and ports (the identifier for
 * ICMP echo), with the IPv4 header and L4 checksums updated. An ICMP error
 * gets its quoted packet translated to tuple[!d] and its outer header
 * translated as a packet of direction d. Idempotent.
 *
 * Return: 0 (also when the flow has no NAT), -EAFNOSUPPORT for IPv6,
 * -EINVAL for a packet too short to rewrite, -EPROTO for a NEEDS_CSUM
 * frame whose checksum is not at its L4 header. Errors are counted and
 * leave the frame unchanged: drop it.
 */
int nat_apply(struct nat *n, const struct ct_entry *e, struct pkt *p,
	      struct pkt_meta *m, enum ct_dir dir)
{
	if (!e || !(e->flags & (CT_F_SNAT | CT_F_DNAT)))
		return 0;
	if (dir != CT_DIR_ORIG && dir != CT_DIR_REPLY)
		return -EINVAL;
	if (m->l3 != PKT_L3_IPV4) {
		n->counters[NAT_CNT_NOT_IPV4]++;
		return -EAFNOSUPPORT;
	}
	if (m->flags & PKT_F_ICMP_ERR)
		return rewrite_icmp_err(n, e, p, m, dir);
	if (!l4_fits(p, m)) {
		n->counters[NAT_CNT_TRUNCATED]++;
		return -EINVAL;
	}
	return rewrite_pkt(n, &e->tuple[!dir], p, m);
}
