/* SPDX-License-Identifier: MIT */
/*
 * pkt.h - packet buffers, the preallocated pool they come from, and batches.
 *
 * Every frame dcbox handles lives in a struct pkt taken from a struct
 * pkt_pool created at start-up; nothing is malloc'd per packet. A buffer is
 * large enough for a 64 KiB GSO segment (TSO passes through as one buffer),
 * but the pool's data area is mmap'd with MAP_NORESERVE so a small frame only
 * ever touches the first page of its buffer.
 *
 * Frame data starts at pkt_data(p) and is p->len bytes long. PKT_HEADROOM
 * bytes before it let a node push an 802.1Q tag without copying the frame.
 * Offload state travels with the frame in p->vnet (the virtio-net header of
 * TAP and AF_PACKET ports): a node that moves headers (VLAN push/pop) must
 * keep csum_start consistent; pkt_vlan_push()/pkt_vlan_pop() do.
 *
 * Ownership: a pkt belongs to exactly one holder at a time. Whoever holds it
 * either hands it on (a batch to a node or a port's tx) or frees it.
 */
#ifndef DCBOX_PKT_H
#define DCBOX_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_net.h>

enum {
	PKT_BURST = 64,            /* packets per batch, every node and port */
	PKT_HEADROOM = 128,        /* room to push headers in front of a frame */
	PKT_DATA_MAX = 65536 + 64, /* largest frame: a GSO segment plus L2 */
	PKT_BUF_SIZE = PKT_HEADROOM + PKT_DATA_MAX,
	PKT_PORT_NONE = 0xffff,
};

/** struct pkt - descriptor of one frame in a pool buffer */
struct pkt {
	uint32_t idx;              /* index in the pool, stable for life */
	uint16_t off;              /* offset of the frame in the buffer */
	uint16_t in_port;          /* id of the port it arrived on */
	uint32_t len;              /* frame length in bytes */
	uint32_t next_free;        /* pool free list link, private to pool */
	struct virtio_net_hdr vnet;/* offload state, zero if none */
	uint8_t *buf;              /* start of the PKT_BUF_SIZE buffer */
};

/** struct pkt_pool - fixed set of packet buffers, single-threaded */
struct pkt_pool {
	struct pkt *pkts;          /* descriptors, @size of them */
	uint8_t *data;             /* @size * PKT_BUF_SIZE bytes, mmap'd */
	uint32_t size;             /* number of buffers */
	uint32_t free_head;        /* first free index or UINT32_MAX */
	uint32_t nfree;            /* buffers currently free */
	uint64_t alloc_fail;       /* allocations refused: pool empty */
};

/** struct pkt_batch - up to PKT_BURST packets handed between stages */
struct pkt_batch {
	uint16_t n;
	struct pkt *pkts[PKT_BURST];
};

int pkt_pool_init(struct pkt_pool *pool, uint32_t size);
void pkt_pool_fini(struct pkt_pool *pool);
struct pkt *pkt_alloc(struct pkt_pool *pool);
unsigned int pkt_alloc_bulk(struct pkt_pool *pool, struct pkt **out,
			    unsigned int n);
void pkt_free(struct pkt_pool *pool, struct pkt *p);
void pkt_free_bulk(struct pkt_pool *pool, struct pkt **pkts, unsigned int n);
struct pkt *pkt_clone(struct pkt_pool *pool, const struct pkt *p);

/** pkt_data() - first byte of the frame */
static inline uint8_t *pkt_data(const struct pkt *p)
{
	return p->buf + p->off;
}

/** pkt_reset() - empty frame at the default headroom, no offload state */
static inline void pkt_reset(struct pkt *p)
{
	p->off = PKT_HEADROOM;
	p->len = 0;
	p->in_port = PKT_PORT_NONE;
	p->vnet = (struct virtio_net_hdr){ 0 };
}

/** pkt_tailroom() - bytes that may still be appended to the frame */
static inline uint32_t pkt_tailroom(const struct pkt *p)
{
	return PKT_BUF_SIZE - p->off - p->len;
}

int pkt_vlan_push(struct pkt *p, uint16_t vid);
int pkt_vlan_pop(struct pkt *p);

/** pkt_batch_add() - append @p; the caller checks n < PKT_BURST first */
static inline void pkt_batch_add(struct pkt_batch *b, struct pkt *p)
{
	b->pkts[b->n++] = p;
}

#endif
