// SPDX-License-Identifier: MIT
/*
 * csum.c - Internet checksum over buffers and the IPv4/IPv6 pseudo-headers.
 *
 * csum_partial() adds the buffer as 64-bit words in one's-complement
 * arithmetic (end-around carry), which is the same sum as RFC 1071's 16-bit
 * words because 2^16 == 1 modulo 0xffff; it folds to 32 bits on return.
 * Words are loaded with memcpy in host order, so the result is in the order
 * of the data, i.e. network order when stored back with memcpy (csum.h).
 * Callers: the router (IPv4 header after TTL decrement), NAT, the TAP port
 * when it must complete a checksum a guest left to offload, and tests.
 */
#include <string.h>

#include "csum.h"

static inline uint64_t add_carry(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b);
}

static inline uint32_t fold64(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return (uint32_t)sum;
}

/**
 * csum_partial() - add a buffer to a running one's-complement sum
 * @buf: data; any alignment
 * @size: bytes; odd only for the last piece of the checksummed data
 * @sum: running sum so far (0 to start)
 *
 * Return: the new running sum, unfolded; pass it to csum_fold().
 */
uint32_t csum_partial(const void *buf, size_t size, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;
	uint64_t w64;
	uint32_t w32;
	uint16_t w16 = 0;

	for (; size >= 8; size -= 8, p += 8) {
		memcpy(&w64, p, 8);
		acc = add_carry(acc, w64);
	}
	if (size >= 4) {
		memcpy(&w32, p, 4);
		acc = add_carry(acc, w32);
		size -= 4;
		p += 4;
	}
	if (size >= 2) {
		memcpy(&w16, p, 2);
		acc = add_carry(acc, w16);
		size -= 2;
		p += 2;
		w16 = 0;
	}
	if (size) {
		/* Odd byte: the high-order byte of a zero-padded word. */
		memcpy(&w16, p, 1);
		acc = add_carry(acc, w16);
	}
	return fold64(acc);
}

/**
 * csum_buf() - RFC 1071 Internet checksum of one buffer
 * @buf: data; any alignment
 * @size: bytes
 *
 * Return: the checksum to store (network order); 0 if @buf already contains
 * a correct checksum field.
 */
uint16_t csum_buf(const void *buf, size_t size)
{
	return csum_fold(csum_partial(buf, size, 0));
}

/**
 * csum_ipv4_hdr() - checksum for an IPv4 header, ignoring its current
 * checksum field (bytes 10-11), so the result can be stored directly
 * @iph: IPv4 header
 * @size: header length in bytes (IHL * 4), at least 20
 *
 * To verify a received header instead, use csum_buf(iph, size) == 0.
 *
 * Return: the header checksum to store (network order).
 */
uint16_t csum_ipv4_hdr(const void *iph, size_t size)
{
	const uint8_t *p = iph;
	uint32_t sum;

	sum = csum_partial(p, 10, 0);
	sum = csum_partial(p + 12, size - 12, sum);
	return csum_fold(sum);
}

/**
 * csum_pseudo_ipv4() - partial sum of the IPv4 pseudo-header (RFC 793/768)
 * @saddr: source address as stored (network order)
 * @daddr: destination address as stored
 * @proto: IP protocol (6, 17, ...)
 * @size: L4 header plus payload in bytes, host order
 *
 * Return: unfolded partial sum, to seed csum_partial() over the segment.
 */
uint32_t csum_pseudo_ipv4(uint32_t saddr, uint32_t daddr, uint8_t proto,
			  uint16_t size)
{
	uint8_t tail[4] = { 0, proto, (uint8_t)(size >> 8), (uint8_t)size };
	uint64_t acc = (uint64_t)saddr + daddr;
	uint32_t w;

	memcpy(&w, tail, 4);
	return fold64(acc + w);
}

/**
 * csum_pseudo_ipv6() - partial sum of the IPv6 pseudo-header (RFC 8200 8.1)
 * @saddr: 16-byte source address
 * @daddr: 16-byte destination address (the final one if routed)
 * @nexthdr: upper-layer protocol (6, 17, 58)
 * @size: upper-layer length in bytes, host order
 *
 * Return: unfolded partial sum, to seed csum_partial() over the segment.
 */
uint32_t csum_pseudo_ipv6(const void *saddr, const void *daddr,
			  uint8_t nexthdr, uint32_t size)
{
	uint8_t tail[8] = {
		(uint8_t)(size >> 24), (uint8_t)(size >> 16),
		(uint8_t)(size >> 8), (uint8_t)size, 0, 0, 0, nexthdr,
	};
	uint32_t sum;

	sum = csum_partial(saddr, 16, 0);
	sum = csum_partial(daddr, 16, sum);
	return csum_partial(tail, sizeof(tail), sum);
}

/**
 * csum_l4_ipv4() - TCP/UDP checksum of a segment carried in IPv4
 * @l4: L4 header and payload, checksum field zeroed (or intact, to verify)
 * @size: bytes at @l4
 * @saddr: IPv4 source as stored
 * @daddr: IPv4 destination as stored
 * @proto: IP protocol
 *
 * A UDP sender must store a computed 0 as 0xffff (RFC 768).
 *
 * Return: the checksum to store; 0 when verifying a correct segment.
 */
uint16_t csum_l4_ipv4(const void *l4, uint16_t size, uint32_t saddr,
		      uint32_t daddr, uint8_t proto)
{
	uint32_t sum = csum_pseudo_ipv4(saddr, daddr, proto, size);

	return csum_fold(csum_partial(l4, size, sum));
}

/**
 * csum_l4_ipv6() - TCP/UDP/ICMPv6 checksum of a segment carried in IPv6
 * @l4: upper-layer header and payload, checksum zeroed (or intact)
 * @size: bytes at @l4
 * @saddr: 16-byte source address
 * @daddr: 16-byte destination address
 * @nexthdr: upper-layer protocol
 *
 * Return: the checksum to store; 0 when verifying a correct segment.
 */
uint16_t csum_l4_ipv6(const void *l4, uint32_t size, const void *saddr,
		      const void *daddr, uint8_t nexthdr)
{
	uint32_t sum = csum_pseudo_ipv6(saddr, daddr, nexthdr, size);

	return csum_fold(csum_partial(l4, size, sum));
}
