/* SPDX-License-Identifier: MIT */
/*
 * ips_dns.h - the IPS's DNS inspection: the first question's name of a DNS
 * query message (the dns.query buffer), over UDP (one datagram = one
 * message) and TCP (2-byte length prefix per message, RFC 1035 4.2.2).
 *
 * The name is written in dotted form without the trailing dot, with the
 * labels' bytes as written (no case folding, as Suricata). Compression
 * pointers are followed with a hop bound, so a pointer loop fails instead
 * of spinning. Only queries (QR=0) have a dns.query; responses return
 * -ENOENT. Stateless and allocation-free: safe per packet.
 */
#ifndef DCBOX_IPS_DNS_H
#define DCBOX_IPS_DNS_H

#include <stdint.h>

enum {
	IPS_DNS_NAME_MAX = 255, /* dotted name bytes (RFC 1035 limit) */
	IPS_DNS_HDR_LEN = 12,
	IPS_DNS_PTR_HOPS = 16, /* compression pointers followed at most */
};

/**
 * ips_dns_query() - the first question's name of a DNS query
 * @msg: the DNS message (untrusted; for TCP without the length prefix)
 * @len: its length
 * @out: the dotted name, not NUL-terminated
 * @cap: bytes of @out (IPS_DNS_NAME_MAX is always enough)
 * @out_len: the name's length (0 for the root)
 *
 * Return: 0; -ENOENT if the message is a response or has no question;
 * -EINVAL if it is truncated or malformed (bad label, pointer out of the
 * message or looping, name too long); -ENOSPC if @cap is too small.
 */
int ips_dns_query(const uint8_t *msg, uint32_t len, char *out, uint32_t cap,
		  uint32_t *out_len);

/**
 * ips_dns_tcp_msg() - the first whole message of a DNS-over-TCP stream
 * @stream: the direction's reassembled bytes from a message boundary
 * @len: bytes available
 * @msg: the message (after the 2-byte length)
 * @msg_len: its length
 *
 * The next message starts at @stream + 2 + *@msg_len.
 *
 * Return: 0; -EAGAIN if the message is not all there yet; -EINVAL if its
 * length is shorter than a DNS header.
 */
int ips_dns_tcp_msg(const uint8_t *stream, uint32_t len, const uint8_t **msg,
		    uint32_t *msg_len);

#endif
