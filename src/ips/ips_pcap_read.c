// SPDX-License-Identifier: MIT
/*
 * ips_pcap_read.c - zero-copy reader of classic pcap files for the IPS's
 * offline mode (cli_ips_offline.c). libpcap's reader fread()s every record
 * into its own buffer, which cost a quarter of the offline mode's CPU on
 * a small rule set; here the file is mapped read-only (MAP_PRIVATE,
 * MADV_SEQUENTIAL) and each record handed out as a pointer into the
 * mapping.
 *
 * Accepted: the classic format, version 2.x, magic 0xa1b2c3d4
 * (microseconds) or 0xa1b23c4d (nanoseconds) in either byte order.
 * Anything else (pcapng, the Kuznetsov variant, a pipe) gets -ENOTSUP
 * from ips_pcap_read_open() so that the caller can hand the file to
 * libpcap, which reads them all. Records are checked as libpcap checks
 * them: a caplen above IPS_PCAP_CAPLEN_MAX or past the end of the file is
 * an error (a truncated final record: -EBADMSG with the reason in
 * r->err), and a caplen above the file's snaplen is clamped to it (the
 * rest of the record skipped) and counted in r->clamped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ips_pcap_read.h"

enum {
	MAGIC_US = 0xa1b2c3d4,
	MAGIC_NS = 0xa1b23c4d,
};

static uint32_t rd32(const struct ips_pcap_read *r, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t rd16(const struct ips_pcap_read *r, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return r->swap ? __builtin_bswap16(v) : v;
}

/**
 * ips_pcap_read_open_mem() - start reading a pcap file held in memory
 * @r:    reader to fill (no resources of its own: close is optional)
 * @buf:  the whole file; must stay valid while records are read
 * @size: its size in bytes
 *
 * Return: 0; -ENOTSUP if @buf does not start with a classic pcap header
 * of version 2 (pcapng, another format, shorter than the header).
 */
int ips_pcap_read_open_mem(struct ips_pcap_read *r, const void *buf,
			   size_t size)
{
	const uint8_t *p = buf;
	uint32_t magic;

	memset(r, 0, sizeof(*r));
	if (size < IPS_PCAP_HDR_SIZE)
		return -ENOTSUP;
	memcpy(&magic, p, sizeof(magic));
	if (magic == __builtin_bswap32(MAGIC_US) ||
	    magic == __builtin_bswap32(MAGIC_NS)) {
		r->swap = true;
		magic = __builtin_bswap32(magic);
	}
	if (magic != MAGIC_US && magic != MAGIC_NS)
		return -ENOTSUP;
	if (rd16(r, p + 4) != 2)
		return -ENOTSUP;
	r->ts_mult = magic == MAGIC_NS ? 1 : 1000;
	r->snaplen = rd32(r, p + 16);
	/* libpcap too reads a zero or huge snaplen as "no limit" */
	if (!r->snaplen || r->snaplen > IPS_PCAP_CAPLEN_MAX)
		r->snaplen = IPS_PCAP_CAPLEN_MAX;
	r->linktype = rd32(r, p + 20) & 0xffff;
	r->base = p;
	r->size = size;
	r->off = IPS_PCAP_HDR_SIZE;
	return 0;
}

/**
 * ips_pcap_read_open() - map a pcap file and start reading it
 * @r:    reader to fill; ips_pcap_read_close() releases the mapping
 * @path: file name ("-" is stdin, which is never mapped)
 *
 * Return: 0; -ENOTSUP if the file is not a regular file in the classic
 * format (read it with libpcap instead); -errno from open/fstat/mmap.
 */
int ips_pcap_read_open(struct ips_pcap_read *r, const char *path)
{
	struct stat st;
	void *m;
	int fd, ret;

	memset(r, 0, sizeof(*r));
	if (!strcmp(path, "-"))
		return -ENOTSUP;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < IPS_PCAP_HDR_SIZE) {
		close(fd);
		return -ENOTSUP;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	ret = m == MAP_FAILED ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	/* advice only: a failure changes nothing but speed */
	(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	ret = ips_pcap_read_open_mem(r, m, (size_t)st.st_size);
	if (ret) {
		munmap(m, (size_t)st.st_size);
		return ret;
	}
	r->map_size = (size_t)st.st_size;
	return 0;
}

/*
 * The file is read once, front to back, and is far larger than the
 * caches: keep IPS_PCAP_PREFETCH bytes ahead of the next record on their
 * way in, so that the inspection of each packet does not wait for memory.
 */
static void prefetch(struct ips_pcap_read *r)
{
	size_t end = r->off + IPS_PCAP_PREFETCH;

	if (end > r->size)
		end = r->size;
	if (r->pf < r->off)
		r->pf = r->off;
	for (; r->pf < end; r->pf += 64)
		__builtin_prefetch(r->base + r->pf);
}

static int bad(struct ips_pcap_read *r, const char *what, size_t need,
	       size_t have)
{
	snprintf(r->err, sizeof(r->err),
		 "%s at offset %zu: need %zu bytes, %zu left", what, r->off,
		 need, have);
	return -EBADMSG;
}

/**
 * ips_pcap_read_next() - the next record
 * @r:   reader
 * @rec: filled on success; rec->data points into the file
 *
 * Return: 1 with a record; 0 at the end of the file; -EBADMSG for a
 * truncated or corrupt record (r->err says which and where; the same
 * error again on every later call).
 */
int ips_pcap_read_next(struct ips_pcap_read *r, struct ips_pcap_rec *rec)
{
	size_t left = r->size - r->off;
	const uint8_t *h = r->base + r->off;
	uint32_t caplen;

	if (!left)
		return 0;
	if (left < IPS_PCAP_REC_HDR_SIZE)
		return bad(r, "truncated record header", IPS_PCAP_REC_HDR_SIZE,
			   left);
	caplen = rd32(r, h + 8);
	left -= IPS_PCAP_REC_HDR_SIZE;
	if (caplen > IPS_PCAP_CAPLEN_MAX)
		return bad(r, "record larger than any snaplen", caplen, left);
	if (caplen > left)
		return bad(r, "truncated record", caplen, left);
	rec->data = h + IPS_PCAP_REC_HDR_SIZE;
	rec->caplen = caplen;
	rec->len = rd32(r, h + 12);
	rec->ts_ns = (uint64_t)rd32(r, h) * 1000000000u +
		     (uint64_t)rd32(r, h + 4) * r->ts_mult;
	if (caplen > r->snaplen) {
		rec->caplen = r->snaplen;
		r->clamped++;
	}
	r->off += IPS_PCAP_REC_HDR_SIZE + caplen;
	prefetch(r);
	return 1;
}

/**
 * ips_pcap_read_close() - release a mapping made by ips_pcap_read_open()
 * @r: reader (may be zeroed or opened with ips_pcap_read_open_mem())
 *
 * Records handed out before are invalid afterwards.
 */
void ips_pcap_read_close(struct ips_pcap_read *r)
{
	if (r->map_size)
		munmap((void *)r->base, r->map_size);
	r->map_size = 0;
	r->base = NULL;
	r->size = r->off = 0;
}
