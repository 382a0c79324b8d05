// SPDX-License-Identifier: MIT
/*
 * ips_dns.c - the dns.query buffer: the first question's name of a DNS
 * query, in dotted form, with compression pointers followed safely (a hop
 * bound and a forward-progress-free walk over the message, so a pointer
 * loop or an out-of-message pointer fails with -EINVAL). See ips_dns.h.
 */
#include <errno.h>
#include <string.h>

#include "ips/ips_dns.h"

enum {
	DNS_QR = 0x80, /* in the third header byte */
	DNS_PTR = 0xc0,
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Append one label to out, with a '.' before all but the first */
static int put_label(const uint8_t *lab, uint32_t n, char *out, uint32_t cap,
		     uint32_t *pos)
{
	uint32_t need = n + (*pos ? 1 : 0);

	if (*pos + need > IPS_DNS_NAME_MAX)
		return -EINVAL;
	if (*pos + need > cap)
		return -ENOSPC;
	if (*pos)
		out[(*pos)++] = '.';
	memcpy(out + *pos, lab, n);
	*pos += n;
	return 0;
}

/**
 * ips_dns_query() - the first question's name of a DNS query
 * @msg: the DNS message (untrusted; for TCP without the length prefix)
 * @len: its length
 * @out: the dotted name, not NUL-terminated
 * @cap: bytes of @out
 * @out_len: the name's length (0 for the root)
 *
 * Return: 0, -ENOENT (response or no question), -EINVAL (truncated or
 * malformed), -ENOSPC (@cap too small).
 */
int ips_dns_query(const uint8_t *msg, uint32_t len, char *out, uint32_t cap,
		  uint32_t *out_len)
{
	uint32_t off = IPS_DNS_HDR_LEN, pos = 0, hops = 0;
	int rc;

	if (len < IPS_DNS_HDR_LEN)
		return -EINVAL;
	if ((msg[2] & DNS_QR) || rd16(msg + 4) == 0)
		return -ENOENT;
	for (;;) {
		uint8_t l;

		if (off >= len)
			return -EINVAL;
		l = msg[off];
		if (l == 0)
			break;
		if ((l & DNS_PTR) == DNS_PTR) {
			if (off + 1 >= len || ++hops > IPS_DNS_PTR_HOPS)
				return -EINVAL;
			off = (uint32_t)(l & 0x3f) << 8 | msg[off + 1];
			continue;
		}
		if (l & DNS_PTR) /* 0x40, 0x80: extended/reserved labels */
			return -EINVAL;
		if (off + 1 + l > len)
			return -EINVAL;
		rc = put_label(msg + off + 1, l, out, cap, &pos);
		if (rc)
			return rc;
		off += 1 + l;
	}
	*out_len = pos;
	return 0;
}

/**
 * ips_dns_tcp_msg() - the first whole message of a DNS-over-TCP stream
 * @stream: the direction's bytes from a message boundary
 * @len: bytes available
 * @msg: the message (after the 2-byte length)
 * @msg_len: its length
 *
 * Return: 0, -EAGAIN (incomplete) or -EINVAL (shorter than a header).
 */
int ips_dns_tcp_msg(const uint8_t *stream, uint32_t len, const uint8_t **msg,
		    uint32_t *msg_len)
{
	uint32_t n;

	if (len < 2)
		return -EAGAIN;
	n = rd16(stream);
	if (n < IPS_DNS_HDR_LEN)
		return -EINVAL;
	if (len - 2 < n)
		return -EAGAIN;
	*msg = stream + 2;
	*msg_len = n;
	return 0;
}
