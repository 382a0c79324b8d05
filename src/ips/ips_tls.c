// SPDX-License-Identifier: MIT
/*
 * ips_tls.c - the tls.sni buffer: walk a ClientHello in the first TLS
 * record of a client's stream to the server_name extension's host name.
 * A small cursor (struct rd) checks every length against what is left of
 * its container, so no read passes the record or the caller's bytes.
 * See ips_tls.h.
 */
#include <errno.h>
#include <stdbool.h>

#include "ips/ips_tls.h"

enum {
	TLS_HANDSHAKE = 22,
	TLS_CLIENT_HELLO = 1,
	TLS_EXT_SERVER_NAME = 0,
	TLS_SNI_HOST_NAME = 0,
	TLS_RANDOM = 32,
};

/* A bounded reader over [p, p + n) */
struct rd {
	const uint8_t *p;
	uint32_t n;
};

static bool rd_skip(struct rd *r, uint32_t k)
{
	if (r->n < k)
		return false;
	r->p += k;
	r->n -= k;
	return true;
}

static bool rd_uint(struct rd *r, uint32_t bytes, uint32_t *v)
{
	*v = 0;
	if (r->n < bytes)
		return false;
	for (uint32_t i = 0; i < bytes; i++)
		*v = *v << 8 | r->p[i];
	return rd_skip(r, bytes);
}

/* Carve the next @bytes-length-prefixed vector out of r into sub */
static bool rd_vec(struct rd *r, uint32_t bytes, struct rd *sub)
{
	uint32_t n;

	if (!rd_uint(r, bytes, &n) || r->n < n)
		return false;
	sub->p = r->p;
	sub->n = n;
	return rd_skip(r, n);
}

static int sni_from_ext(struct rd ext, const uint8_t **sni, uint32_t *sni_len)
{
	struct rd list, name;
	uint32_t type;

	if (!rd_vec(&ext, 2, &list))
		return -EINVAL;
	while (list.n) {
		if (!rd_uint(&list, 1, &type) || !rd_vec(&list, 2, &name))
			return -EINVAL;
		if (type == TLS_SNI_HOST_NAME) {
			*sni = name.p;
			*sni_len = name.n;
			return 0;
		}
	}
	return -ENOENT;
}

static int sni_from_hello(struct rd h, const uint8_t **sni, uint32_t *sni_len)
{
	struct rd v, exts, ext;
	uint32_t type;

	if (!rd_skip(&h, 2 + TLS_RANDOM) || !rd_vec(&h, 1, &v) ||
	    !rd_vec(&h, 2, &v) || !rd_vec(&h, 1, &v))
		return -EINVAL;
	if (h.n == 0)
		return -ENOENT; /* no extensions at all */
	if (!rd_vec(&h, 2, &exts))
		return -EINVAL;
	while (exts.n) {
		if (!rd_uint(&exts, 2, &type) || !rd_vec(&exts, 2, &ext))
			return -EINVAL;
		if (type == TLS_EXT_SERVER_NAME)
			return sni_from_ext(ext, sni, sni_len);
	}
	return -ENOENT;
}

/**
 * ips_tls_sni() - the SNI host name of a ClientHello
 * @data: the client's first stream bytes (untrusted)
 * @len: bytes available
 * @sni: set to the name inside @data
 * @sni_len: its length
 *
 * Return: 0, -EAGAIN (record incomplete), -EINVAL (not a ClientHello or
 * malformed), -ENOENT (no host name).
 */
int ips_tls_sni(const uint8_t *data, uint32_t len, const uint8_t **sni,
		uint32_t *sni_len)
{
	struct rd rec, h;
	uint32_t rlen, hlen;
	int rc;

	if (len >= 1 && data[0] != TLS_HANDSHAKE)
		return -EINVAL;
	if (len >= 2 && data[1] != 3)
		return -EINVAL;
	if (len < IPS_TLS_RECORD_HDR)
		return -EAGAIN;
	rlen = (uint32_t)data[3] << 8 | data[4];
	if (rlen < 4 || rlen > IPS_TLS_RECORD_MAX - IPS_TLS_RECORD_HDR)
		return -EINVAL;
	if (len > IPS_TLS_RECORD_HDR && data[5] != TLS_CLIENT_HELLO)
		return -EINVAL;
	if (len - IPS_TLS_RECORD_HDR < rlen)
		return -EAGAIN;
	rec.p = data + IPS_TLS_RECORD_HDR;
	rec.n = rlen;
	if (!rd_uint(&rec, 1, &hlen) || !rd_uint(&rec, 3, &hlen))
		return -EINVAL;
	/* A ClientHello continued in the next record: parse what is here */
	h.p = rec.p;
	h.n = hlen < rec.n ? hlen : rec.n;
	rc = sni_from_hello(h, sni, sni_len);
	return rc == -EINVAL && hlen > rec.n ? -ENOENT : rc;
}
