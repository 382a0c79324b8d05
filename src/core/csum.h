/* SPDX-License-Identifier: MIT */
/*
 * csum.h - the Internet checksum (RFC 1071), its incremental update
 * (RFC 1624), and the IPv4 header and TCP/UDP/ICMPv6 pseudo-header sums.
 *
 * Byte order: every 16-bit checksum here is the value exactly as it sits in
 * the packet (network order), read or written with memcpy; 32-bit inputs
 * such as IPv4 addresses are likewise taken as stored. The one's-complement
 * sum does not care about byte order as long as everything is summed in the
 * same order, so no byte swapping happens per word.
 *
 * A partial sum (uint32_t) is an unfolded running sum: start at 0, feed
 * buffers with csum_partial() (each must start at an even offset of the
 * checksummed data; only the last may have odd length), then csum_fold() it
 * into the 16-bit checksum to store. Checking a received header or segment:
 * the checksum over it, its checksum field included, is 0 when it is valid.
 *
 * Nodes that rewrite a field (NAT, TTL decrement, VLAN-independent edits)
 * use csum_replace16()/csum_replace32() instead of summing the packet again.
 * For CHECKSUM_PARTIAL offload (virtio csum_start/csum_offset) the field
 * must hold the folded pseudo-header sum uninverted:
 * (uint16_t)~csum_fold(csum_pseudo_ipv4(...)).
 */
#ifndef DCBOX_CSUM_H
#define DCBOX_CSUM_H

#include <stddef.h>
#include <stdint.h>

/**
 * csum_fold() - fold a partial sum into the checksum to store
 * @sum: partial sum from csum_partial() or csum_pseudo_*()
 *
 * Return: ~(16-bit one's-complement sum), in the order the data was summed.
 */
static inline uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/**
 * csum_replace16() - update a checksum for one changed 16-bit field (RFC 1624
 * eqn. 3: HC' = ~(~HC + ~m + m'))
 * @check: checksum currently in the packet
 * @from: old value of the field, as stored
 * @to: new value of the field, as stored
 *
 * Return: the new checksum to store.
 */
static inline uint16_t csum_replace16(uint16_t check, uint16_t from,
				      uint16_t to)
{
	uint32_t sum = (uint16_t)~check + (uint32_t)(uint16_t)~from + to;

	return csum_fold(sum);
}

/**
 * csum_replace32() - update a checksum for one changed 32-bit field such as
 * an IPv4 address (two 16-bit updates at once)
 * @check: checksum currently in the packet
 * @from: old value, as stored (memcpy from the packet)
 * @to: new value, as stored
 *
 * The field must start at an even offset of the checksummed data.
 *
 * Return: the new checksum to store.
 */
static inline uint16_t csum_replace32(uint16_t check, uint32_t from,
				      uint32_t to)
{
	uint64_t sum = (uint16_t)~check;

	sum += (uint32_t)~from;
	sum += to;
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return csum_fold((uint32_t)sum);
}

uint32_t csum_partial(const void *buf, size_t size, uint32_t sum);
uint16_t csum_buf(const void *buf, size_t size);
uint16_t csum_ipv4_hdr(const void *iph, size_t size);
uint32_t csum_pseudo_ipv4(uint32_t saddr, uint32_t daddr, uint8_t proto,
			  uint16_t size);
uint32_t csum_pseudo_ipv6(const void *saddr, const void *daddr,
			  uint8_t nexthdr, uint32_t size);
uint16_t csum_l4_ipv4(const void *l4, uint16_t size, uint32_t saddr,
		      uint32_t daddr, uint8_t proto);
uint16_t csum_l4_ipv6(const void *l4, uint32_t size, const void *saddr,
		      const void *daddr, uint8_t nexthdr);

#endif
