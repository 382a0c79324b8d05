/* SPDX-License-Identifier: MIT */
/*
 * ips_pcap_read.h - zero-copy reader of classic pcap files for the IPS's
 * offline mode: the file is mapped and its records are walked in place,
 * so a packet's bytes are never copied before inspection. Both byte
 * orders, microsecond and nanosecond timestamps. Anything else (pcapng,
 * a pipe, stdin) is left to libpcap by the caller: ips_pcap_read_open()
 * says -ENOTSUP for those.
 */
#ifndef DCBOX_IPS_PCAP_READ_H
#define DCBOX_IPS_PCAP_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	IPS_PCAP_HDR_SIZE = 24,
	IPS_PCAP_REC_HDR_SIZE = 16,
	/* libpcap's largest snapshot length: a larger caplen is corrupt */
	IPS_PCAP_CAPLEN_MAX = 262144,
	/* bytes read ahead of the next record (software prefetch) */
	IPS_PCAP_PREFETCH = 8192,
};

/* one record, pointing into the mapping */
struct ips_pcap_rec {
	const uint8_t *data;
	uint32_t caplen; /* bytes at data (clamped to the snaplen) */
	uint32_t len; /* length on the wire */
	uint64_t ts_ns; /* capture time, ns since the epoch */
};

/* a file (or buffer) being read; fields are read-only for callers */
struct ips_pcap_read {
	const uint8_t *base;
	size_t size;
	size_t off; /* next record header */
	size_t pf; /* prefetched up to here */
	size_t map_size; /* 0: base is the caller's buffer */
	uint32_t snaplen;
	uint32_t linktype; /* low 16 bits of the header's network field */
	uint32_t ts_mult; /* 1000 (us) or 1 (ns) */
	bool swap;
	uint64_t clamped; /* records whose caplen exceeded the snaplen */
	char err[128]; /* why ips_pcap_read_next() failed */
};

int ips_pcap_read_open_mem(struct ips_pcap_read *r, const void *buf,
			   size_t size);
int ips_pcap_read_open(struct ips_pcap_read *r, const char *path);
int ips_pcap_read_next(struct ips_pcap_read *r, struct ips_pcap_rec *rec);
void ips_pcap_read_close(struct ips_pcap_read *r);

#endif
