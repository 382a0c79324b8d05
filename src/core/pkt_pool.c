// SPDX-License-Identifier: MIT
/*
 * pkt_pool.c - the preallocated packet buffer pool and VLAN tag push/pop.
 *
 * The pool is an array of descriptors plus one MAP_NORESERVE data area; free
 * buffers form a singly linked list through pkt.next_free (LIFO, so the
 * buffers just freed, still warm in the cache, are reused first). The pool
 * is single-threaded: the dataplane thread alone allocates and frees.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pkt.h"

enum { POOL_END = UINT32_MAX, ETH_ADDRS = 12, VLAN_HDR = 4 };

/**
 * pkt_pool_init() - create a pool of @size buffers
 * @pool: pool to fill
 * @size: number of buffers, at least 1
 *
 * Return: 0, or -errno (pool untouched on failure).
 */
int pkt_pool_init(struct pkt_pool *pool, uint32_t size)
{
	size_t bytes = (size_t)size * PKT_BUF_SIZE;
	uint32_t i;

	if (!size)
		return -EINVAL;
	memset(pool, 0, sizeof(*pool));
	pool->pkts = calloc(size, sizeof(*pool->pkts));
	if (!pool->pkts)
		return -ENOMEM;
	pool->data = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pool->data == MAP_FAILED) {
		free(pool->pkts);
		pool->pkts = NULL;
		return -errno;
	}
	pool->size = size;
	for (i = 0; i < size; i++) {
		pool->pkts[i].idx = i;
		pool->pkts[i].buf = pool->data + (size_t)i * PKT_BUF_SIZE;
		pool->pkts[i].next_free = i + 1 < size ? i + 1 : POOL_END;
	}
	pool->free_head = 0;
	pool->nfree = size;
	return 0;
}

/**
 * pkt_pool_fini() - release a pool; every packet must have been freed
 * @pool: pool from pkt_pool_init()
 */
void pkt_pool_fini(struct pkt_pool *pool)
{
	if (pool->data)
		munmap(pool->data, (size_t)pool->size * PKT_BUF_SIZE);
	free(pool->pkts);
	memset(pool, 0, sizeof(*pool));
}

/**
 * pkt_alloc() - take one buffer, reset to an empty frame
 * @pool: the pool
 *
 * Return: the packet, or NULL when the pool is empty (counted).
 */
struct pkt *pkt_alloc(struct pkt_pool *pool)
{
	struct pkt *p;

	if (pool->free_head == POOL_END) {
		pool->alloc_fail++;
		return NULL;
	}
	p = &pool->pkts[pool->free_head];
	pool->free_head = p->next_free;
	pool->nfree--;
	pkt_reset(p);
	return p;
}

/**
 * pkt_alloc_bulk() - take up to @n buffers
 * @pool: the pool
 * @out: where to store them
 * @n: how many are wanted
 *
 * Return: how many were taken (fewer only if the pool ran dry).
 */
unsigned int pkt_alloc_bulk(struct pkt_pool *pool, struct pkt **out,
			    unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		out[i] = pkt_alloc(pool);
		if (!out[i])
			break;
	}
	return i;
}

/**
 * pkt_free() - return a buffer to its pool
 * @pool: the pool it came from
 * @p: the packet; the caller gives up ownership
 */
void pkt_free(struct pkt_pool *pool, struct pkt *p)
{
	p->next_free = pool->free_head;
	pool->free_head = p->idx;
	pool->nfree++;
}

/**
 * pkt_free_bulk() - return @n buffers to their pool
 * @pool: the pool
 * @pkts: the packets
 * @n: how many
 */
void pkt_free_bulk(struct pkt_pool *pool, struct pkt **pkts, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		pkt_free(pool, pkts[i]);
}

/**
 * pkt_clone() - copy a frame and its offload state into a new buffer
 * @pool: the pool
 * @p: frame to copy
 *
 * Return: the copy, or NULL when the pool is empty.
 */
struct pkt *pkt_clone(struct pkt_pool *pool, const struct pkt *p)
{
	struct pkt *c = pkt_alloc(pool);

	if (!c)
		return NULL;
	c->off = p->off;
	c->len = p->len;
	c->in_port = p->in_port;
	c->vnet = p->vnet;
	memcpy(pkt_data(c), pkt_data(p), p->len);
	return c;
}

/**
 * pkt_vlan_push() - insert an 802.1Q tag after the MAC addresses
 * @p: frame, at least 14 bytes
 * @vid: VLAN id (priority and DEI zero)
 *
 * Moves the 12 address bytes into the headroom, so no payload is copied.
 * csum_start of a partial-checksum frame moves with the payload.
 *
 * Return: 0, -EINVAL for a frame too short, -ENOSPC without headroom.
 */
int pkt_vlan_push(struct pkt *p, uint16_t vid)
{
	uint8_t *d;

	if (p->len < ETH_ADDRS + 2)
		return -EINVAL;
	if (p->off < VLAN_HDR)
		return -ENOSPC;
	p->off -= VLAN_HDR;
	p->len += VLAN_HDR;
	d = pkt_data(p);
	memmove(d, d + VLAN_HDR, ETH_ADDRS);
	d[12] = 0x81;
	d[13] = 0x00;
	d[14] = (uint8_t)((vid >> 8) & 0x0f);
	d[15] = (uint8_t)vid;
	if (p->vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		p->vnet.csum_start += VLAN_HDR;
	if (p->vnet.hdr_len)
		p->vnet.hdr_len += VLAN_HDR;
	return 0;
}

/**
 * pkt_vlan_pop() - remove the outer 802.1Q tag
 * @p: frame whose ethertype at offset 12 is 0x8100
 *
 * Return: 0, or -EINVAL if the frame is too short or untagged.
 */
int pkt_vlan_pop(struct pkt *p)
{
	uint8_t *d = pkt_data(p);

	if (p->len < ETH_ADDRS + VLAN_HDR + 2 || d[12] != 0x81 || d[13] != 0x00)
		return -EINVAL;
	memmove(d + VLAN_HDR, d, ETH_ADDRS);
	p->off += VLAN_HDR;
	p->len -= VLAN_HDR;
	if ((p->vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    p->vnet.csum_start >= VLAN_HDR)
		p->vnet.csum_start -= VLAN_HDR;
	if (p->vnet.hdr_len >= VLAN_HDR)
		p->vnet.hdr_len -= VLAN_HDR;
	return 0;
}
