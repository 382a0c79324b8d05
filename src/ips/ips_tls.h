/* SPDX-License-Identifier: MIT */
/*
 * ips_tls.h - the IPS's TLS inspection: the server name (SNI, RFC 6066)
 * of a ClientHello at the start of a client's stream (the tls.sni buffer).
 *
 * The parser checks the record header (type 22 handshake, version 3.x,
 * length <= 16 KiB + 2048), the handshake header (type 1 ClientHello),
 * skips version, random, session id, cipher suites and compression
 * methods, and walks the extensions to server_name (type 0) and its first
 * host_name entry. Every length is checked against its container. Only
 * the first record is read: a ClientHello continued in a second record
 * gives -ENOENT if the SNI is not in the first. The caller accumulates the
 * stream's first bytes while the answer is -EAGAIN (at most
 * IPS_TLS_RECORD_MAX bytes). Stateless and allocation-free.
 */
#ifndef DCBOX_IPS_TLS_H
#define DCBOX_IPS_TLS_H

#include <stdint.h>

enum {
	IPS_TLS_RECORD_HDR = 5,
	IPS_TLS_RECORD_MAX = 5 + 16384 + 2048, /* header + TLSCiphertext max */
};

/**
 * ips_tls_sni() - the SNI host name of a ClientHello
 * @data: the client's first stream bytes (untrusted)
 * @len: bytes available
 * @sni: set to the name inside @data (not NUL-terminated)
 * @sni_len: its length
 *
 * Return: 0; -EAGAIN if the first record is not complete yet; -EINVAL if
 * the bytes are not a TLS ClientHello (or are malformed); -ENOENT if the
 * ClientHello has no server_name host name.
 */
int ips_tls_sni(const uint8_t *data, uint32_t len, const uint8_t **sni,
		uint32_t *sni_len);

#endif
