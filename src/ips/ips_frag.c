// SPDX-License-Identifier: MIT
/*
 * ips_frag.c - IPv4 and IPv6 fragment reassembly for the IPS (API and
 * policies in ips_frag.h). The inspector passes every fragment through
 * ips_frag_add() before decoding and flow lookup, so detection always
 * sees whole datagrams. It also holds the walk of an IPv6 extension header
 * chain, which the inspector's decoder shares.
 *
 * Theory of operation
 *
 * A datagram in progress is one entry of a fixed array, found through a
 * hash of its key and kept on an age list in creation
 * order; its deadline is creation + timeout, so the head of the list is
 * always the first to expire and expiry costs O(1) per datagram. Payload
 * bytes are copied to their final offset in 2 KiB pages taken from one
 * pool (a datagram's page table has 32 slots: 64 KiB), so a datagram only
 * costs the pages its fragments touch and reassembly is a copy of pages
 * into the output buffer.
 *
 * What has been received is a bitmap of 8-byte blocks. Fragment offsets
 * count 8-byte units and every fragment but the last is a multiple of 8
 * bytes long, so a block is always received whole, except the datagram's
 * last block, which only the last fragment (or a copy of it) can cover.
 * The datagram is complete when its end is known (a fragment without MF),
 * the first fragment (offset 0, whose header is kept) has come, and the
 * number of blocks received equals the number of blocks up to the end.
 *
 * A block already received is compared with the new bytes rather than
 * overwritten: equal, the fragment was a duplicate or a benign overlap;
 * different, the datagram has two possible readings and is dropped
 * (overlap_diff). A dropped datagram ("dead") gives its pages back but
 * keeps its entry until it expires, so its remaining fragments are
 * refused without taking memory. The same happens when a datagram grows
 * past 65535 bytes, takes more than max_frags fragments, has two different
 * ends, or cannot get a page.
 *
 * Both families share everything but parsing and the final header. The
 * key holds 16-byte addresses and a family: IPv4 (src, dst, 16-bit id,
 * protocol), IPv6 (src, dst, 32-bit id; RFC 8200 has no protocol in it).
 * An IPv6 fragment's Fragment header may follow hop-by-hop, routing,
 * destination options (and AH) headers: that unfragmentable part plays the
 * role of the IPv4 header. The first fragment's is kept with its
 * next-header byte naming the Fragment header already rewritten to the
 * Fragment header's next header, so the output is that part, then the
 * payload, with the payload length set. A reassembled IPv6 chain is
 * walked once more: a second, non-atomic Fragment header in it (fragments
 * of fragments: Linux would queue the datagram for a second reassembly the
 * IPS does not do) drops the datagram, as an ambiguous overlap does.
 * Atomic fragments are not held: ips_frag_v6_walk() steps over them.
 *
 * Rejected alternatives: a 64 KiB buffer per datagram (one tiny fragment
 * would pin 64 KiB: the pool would allow 32x fewer datagrams); a list of
 * fragments copied at completion (overlap checks become interval
 * arithmetic; the bitmap is simpler to get right); evicting the oldest
 * datagram when full (see ips_frag.h: it would let a flood make the IPS
 * miss a datagram the receiver still reassembles).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/csum.h"
#include "ips/ips_frag.h"

enum {
	FRAG_PAGE = 2048,
	FRAG_PAGES = 65536 / FRAG_PAGE, /* page slots per datagram */
	FRAG_BLOCKS = 65536 / 8, /* 8-byte blocks per datagram */
	FRAG_MF = 0x2000,
	FRAG_DF = 0x4000,
	FRAG_OFFMASK = 0x1fff,
	FRAG_V6_HDR = 40,
	FRAG_V6_FH = 8, /* Fragment header bytes */
	FRAG_V6_NH = 44, /* its next-header value */
	FRAG_V6_OFFMASK = 0xfff8,
	FRAG_V6_M = 0x0001,
};

#define FRAG_NONE UINT32_MAX

_Static_assert(FRAG_PAGE % 8 == 0, "a block never straddles two pages");

/** enum frag_dg_flags - bits of frag_dg.flags */
enum frag_dg_flags {
	DG_USED = 1 << 0,
	DG_DEAD = 1 << 1, /* dropped; refuses fragments until it expires */
	DG_HAVE_END = 1 << 2, /* the fragment without MF came: @end valid */
};

/* What identifies a datagram; zeroed first, so memcmp() compares it. */
struct frag_key {
	uint8_t src[16]; /* as stored in the header; IPv4 in 4 bytes */
	uint8_t dst[16];
	uint32_t id; /* IPv4: 16 bits */
	uint8_t proto; /* IPv4 only */
	uint8_t family; /* 4 or 6 */
	uint8_t pad[2];
};

_Static_assert(sizeof(struct frag_key) == 40, "hashed as five words");

/* One datagram in progress. */
struct frag_dg {
	struct frag_key key;
	uint8_t flags;
	uint16_t hl; /* bytes of hdr[], 0 until the first fragment came */
	uint16_t n_frags;
	uint32_t end; /* payload bytes, once DG_HAVE_END */
	uint32_t max_end; /* highest payload byte + 1 received */
	uint32_t covered; /* blocks received */
	uint32_t hnext; /* hash chain, or free list */
	uint32_t older, newer; /* age list */
	uint64_t deadline_ns;
	uint32_t pages[FRAG_PAGES];
	uint64_t bits[FRAG_BLOCKS / 64];
	/* IPv4 header or IPv6 unfragmentable part of the first fragment */
	uint8_t hdr[IPS_FRAG_HDR_MAX];
};

/* The table: entries, hash, age list, page pool, output buffer. */
struct ips_frag_table {
	struct ips_frag_cfg cfg;
	struct frag_dg *dgs;
	uint32_t *buckets;
	uint32_t bucket_mask;
	uint32_t free_dg;
	uint32_t n_used;
	uint32_t oldest, newest;
	uint8_t *page_mem;
	uint32_t *page_free; /* stack of free page indices */
	uint32_t n_pages, n_page_free;
	uint64_t counters[IPS_FRAG_CNT_MAX];
	uint8_t out[IPS_FRAG_MAX_DATAGRAM6];
};

const char *const ips_frag_counter_names[IPS_FRAG_CNT_MAX] = {
#define IPS_FRAG_CNT_NAME(name, str, text) [IPS_FRAG_CNT_##name] = #str,
	IPS_FRAG_COUNTERS(IPS_FRAG_CNT_NAME)
#undef IPS_FRAG_CNT_NAME
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void cfg_defaults(struct ips_frag_cfg *c)
{
	if (!c->memcap)
		c->memcap = IPS_FRAG_DEF_MEMCAP;
	if (!c->max_datagrams)
		c->max_datagrams = IPS_FRAG_DEF_DATAGRAMS;
	if (!c->max_frags)
		c->max_frags = IPS_FRAG_DEF_MAX_FRAGS;
	if (!c->timeout_ns)
		c->timeout_ns = IPS_FRAG_DEF_TIMEOUT_NS;
	if (c->max_datagrams > (1u << 24))
		c->max_datagrams = 1u << 24;
	if (c->memcap / FRAG_PAGE >= FRAG_NONE)
		c->memcap = (uint64_t)(FRAG_NONE - 1) * FRAG_PAGE;
}

static int table_alloc(struct ips_frag_table *t)
{
	uint32_t nb = 1;

	while (nb < t->cfg.max_datagrams)
		nb <<= 1;
	t->n_pages = (uint32_t)(t->cfg.memcap / FRAG_PAGE);
	if (!t->n_pages)
		t->n_pages = 1;
	t->dgs = calloc(t->cfg.max_datagrams, sizeof(*t->dgs));
	t->buckets = malloc(nb * sizeof(*t->buckets));
	t->page_mem = malloc((size_t)t->n_pages * FRAG_PAGE);
	t->page_free = malloc((size_t)t->n_pages * sizeof(*t->page_free));
	if (!t->dgs || !t->buckets || !t->page_mem || !t->page_free)
		return -ENOMEM;
	t->bucket_mask = nb - 1;
	memset(t->buckets, 0xff, nb * sizeof(*t->buckets));
	return 0;
}

/**
 * ips_frag_create() - allocate a reassembly table with all its memory
 * @cfg: limits, or NULL for the defaults (0 fields: defaults too)
 *
 * Return: the table, or NULL when memory is short.
 */
struct ips_frag_table *ips_frag_create(const struct ips_frag_cfg *cfg)
{
	struct ips_frag_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (cfg)
		t->cfg = *cfg;
	cfg_defaults(&t->cfg);
	if (table_alloc(t)) {
		ips_frag_destroy(t);
		return NULL;
	}
	for (uint32_t i = 0; i < t->cfg.max_datagrams; i++) {
		memset(t->dgs[i].pages, 0xff, sizeof(t->dgs[i].pages));
		t->dgs[i].hnext =
			i + 1 < t->cfg.max_datagrams ? i + 1 : FRAG_NONE;
	}
	t->free_dg = 0;
	for (uint32_t i = 0; i < t->n_pages; i++)
		t->page_free[i] = t->n_pages - 1 - i;
	t->n_page_free = t->n_pages;
	t->oldest = t->newest = FRAG_NONE;
	return t;
}

/**
 * ips_frag_destroy() - free a table and everything it holds
 * @t: the table, or NULL
 */
void ips_frag_destroy(struct ips_frag_table *t)
{
	if (!t)
		return;
	free(t->dgs);
	free(t->buckets);
	free(t->page_mem);
	free(t->page_free);
	free(t);
}

static uint32_t key_hash(const struct ips_frag_table *t,
			 const struct frag_key *k)
{
	uint64_t w[sizeof(*k) / 8], h = 0x9e3779b97f4a7c15ull;

	memcpy(w, k, sizeof(w));
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		h = (h ^ w[i]) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	return (uint32_t)h & t->bucket_mask;
}

static uint32_t dg_find(struct ips_frag_table *t, uint32_t b,
			const struct frag_key *k)
{
	uint32_t i;

	for (i = t->buckets[b]; i != FRAG_NONE; i = t->dgs[i].hnext)
		if (!memcmp(&t->dgs[i].key, k, sizeof(*k)))
			return i;
	return FRAG_NONE;
}

static void pages_release(struct ips_frag_table *t, struct frag_dg *d)
{
	for (uint32_t p = 0; p < FRAG_PAGES; p++) {
		if (d->pages[p] == FRAG_NONE)
			continue;
		t->page_free[t->n_page_free++] = d->pages[p];
		d->pages[p] = FRAG_NONE;
	}
}

/* Mark a datagram dropped: pages back, entry kept until it expires. */
static void dg_kill(struct ips_frag_table *t, struct frag_dg *d,
		    enum ips_frag_counter why)
{
	pages_release(t, d);
	d->flags |= DG_DEAD;
	t->counters[why]++;
}

static void dg_free(struct ips_frag_table *t, uint32_t i)
{
	struct frag_dg *d = &t->dgs[i];
	uint32_t b = key_hash(t, &d->key);
	uint32_t *pp = &t->buckets[b];

	while (*pp != i)
		pp = &t->dgs[*pp].hnext;
	*pp = d->hnext;
	if (d->older != FRAG_NONE)
		t->dgs[d->older].newer = d->newer;
	else
		t->oldest = d->newer;
	if (d->newer != FRAG_NONE)
		t->dgs[d->newer].older = d->older;
	else
		t->newest = d->older;
	pages_release(t, d);
	/* no bit is set at or beyond max_end: clear only the words used */
	memset(d->bits, 0, (d->max_end + 511) / 512 * sizeof(d->bits[0]));
	d->flags = 0;
	d->hnext = t->free_dg;
	t->free_dg = i;
	t->n_used--;
}

static uint32_t dg_new(struct ips_frag_table *t, uint32_t b,
		       const struct frag_key *k, uint64_t now)
{
	uint32_t i = t->free_dg;
	struct frag_dg *d;

	if (i == FRAG_NONE)
		return FRAG_NONE;
	d = &t->dgs[i];
	t->free_dg = d->hnext;
	/* pages[] and bits[] were left clean by create or dg_free() */
	memset(d, 0, offsetof(struct frag_dg, pages));
	d->key = *k;
	d->flags = DG_USED;
	d->deadline_ns = now + t->cfg.timeout_ns;
	d->hnext = t->buckets[b];
	t->buckets[b] = i;
	d->older = t->newest;
	d->newer = FRAG_NONE;
	if (t->newest != FRAG_NONE)
		t->dgs[t->newest].newer = i;
	else
		t->oldest = i;
	t->newest = i;
	t->n_used++;
	return i;
}

/**
 * ips_frag_tick() - expire datagrams whose time is up
 * @t: the table
 * @now_ns: monotonic time
 *
 * Also runs at the start of every ips_frag_add().
 *
 * Return: datagrams removed (incomplete ones count as timeouts; dropped
 * ones were counted when they were dropped).
 */
uint32_t ips_frag_tick(struct ips_frag_table *t, uint64_t now_ns)
{
	uint32_t n = 0;

	while (t->oldest != FRAG_NONE &&
	       t->dgs[t->oldest].deadline_ns <= now_ns) {
		if (!(t->dgs[t->oldest].flags & DG_DEAD))
			t->counters[IPS_FRAG_CNT_TIMEOUTS]++;
		dg_free(t, t->oldest);
		n++;
	}
	return n;
}

static inline bool block_has(const struct frag_dg *d, uint32_t b)
{
	return d->bits[b / 64] >> (b % 64) & 1;
}

/* Get every page [off, off + len) touches. */
static int pages_get(struct ips_frag_table *t, struct frag_dg *d, uint32_t off,
		     uint32_t len)
{
	for (uint32_t p = off / FRAG_PAGE; p <= (off + len - 1) / FRAG_PAGE;
	     p++) {
		if (d->pages[p] != FRAG_NONE)
			continue;
		if (!t->n_page_free)
			return -ENOBUFS;
		d->pages[p] = t->page_free[--t->n_page_free];
	}
	return 0;
}

static uint8_t *dg_byte(struct ips_frag_table *t, const struct frag_dg *d,
			uint32_t off)
{
	return t->page_mem + (size_t)d->pages[off / FRAG_PAGE] * FRAG_PAGE +
	       off % FRAG_PAGE;
}

/* First block in [b, b1) whose received state differs from block b's. */
static uint32_t run_end(const struct frag_dg *d, uint32_t b, uint32_t b1)
{
	bool set = block_has(d, b);

	while (b < b1) {
		uint64_t w = set ? d->bits[b / 64] : ~d->bits[b / 64];
		uint64_t x = ~(w >> (b % 64));
		uint32_t room = 64 - b % 64;
		uint32_t n = x ? (uint32_t)__builtin_ctzll(x) : 64;

		/* shifted-in zeros stop the count at the end of the word */
		if (n < room)
			return b + n < b1 ? b + n : b1;
		b += room;
	}
	return b1;
}

static void blocks_set(struct frag_dg *d, uint32_t b, uint32_t e)
{
	d->covered += e - b;
	while (b < e) {
		uint32_t n = 64 - b % 64 < e - b ? 64 - b % 64 : e - b;
		uint64_t m = n == 64 ? ~0ull : ((1ull << n) - 1) << (b % 64);

		d->bits[b / 64] |= m;
		b += n;
	}
}

/* Copy (or, @cmp, compare) payload bytes [lo, hi) page by page. */
static bool bytes_move(struct ips_frag_table *t, const struct frag_dg *d,
		       uint32_t lo, uint32_t hi, const uint8_t *src, bool cmp)
{
	while (lo < hi) {
		uint32_t n = FRAG_PAGE - lo % FRAG_PAGE;

		if (n > hi - lo)
			n = hi - lo;
		if (!cmp)
			memcpy(dg_byte(t, d, lo), src, n);
		else if (memcmp(dg_byte(t, d, lo), src, n))
			return false;
		lo += n;
		src += n;
	}
	return true;
}

/*
 * Store payload [off, off + len) by runs of blocks not yet received;
 * blocks received before must hold the same bytes. Return: 0, or -EBADMSG
 * on a difference.
 */
static int dg_store(struct ips_frag_table *t, struct frag_dg *d, uint32_t off,
		    const uint8_t *data, uint32_t len)
{
	uint32_t end = off + len, b1 = (end + 7) / 8, seen = 0;

	for (uint32_t b = off / 8, e; b < b1; b = e) {
		uint32_t lo = b * 8, hi;
		bool had = block_has(d, b);

		e = run_end(d, b, b1);
		hi = e * 8 < end ? e * 8 : end;
		if (!bytes_move(t, d, lo, hi, data + (lo - off), had))
			return -EBADMSG;
		if (had)
			seen += e - b;
		else
			blocks_set(d, b, e);
	}
	if (seen == b1 - off / 8)
		t->counters[IPS_FRAG_CNT_DUPLICATES]++;
	else if (seen)
		t->counters[IPS_FRAG_CNT_OVERLAPS]++;
	return 0;
}

/* Copy the finished datagram into t->out and fix its header up. */
static uint32_t dg_build(struct ips_frag_table *t, const struct frag_dg *d)
{
	uint32_t tot = d->hl + d->end;
	uint16_t fo = rd16(d->hdr + 6) & FRAG_DF, c;

	memcpy(t->out, d->hdr, d->hl);
	for (uint32_t o = 0; o < d->end; o += FRAG_PAGE) {
		uint32_t n = d->end - o < FRAG_PAGE ? d->end - o : FRAG_PAGE;

		memcpy(t->out + d->hl + o, dg_byte(t, d, o), n);
	}
	if (d->key.family == 6) {
		wr16(t->out + 4, (uint16_t)(tot - FRAG_V6_HDR));
		return tot;
	}
	wr16(t->out + 2, (uint16_t)tot);
	wr16(t->out + 6, fo);
	c = csum_ipv4_hdr(t->out, d->hl); /* the value to store, as stored */
	memcpy(t->out + 10, &c, 2);
	return tot;
}

/* The parts of a fragment ips_frag_add() uses. */
struct frag_hdr {
	struct frag_key key;
	bool frag; /* to reassemble (else passed through as it is) */
	bool atomic; /* IPv6: an atomic Fragment header was stepped over */
	bool more;
	uint8_t nh; /* IPv6: the Fragment header's next header */
	uint32_t nh_at; /* IPv6: the byte naming the Fragment header */
	uint32_t hl; /* header bytes a datagram keeps (unfragmentable part) */
	uint32_t data; /* offset of the fragment's payload */
	uint32_t tot; /* packet bytes, padding excluded */
	uint32_t off; /* payload offset in bytes */
	uint32_t len; /* payload bytes */
};

/* Parse an untrusted IPv4 header. Return: 0, or -EINVAL. */
static int hdr_parse_v4(const uint8_t *ip, uint32_t len, struct frag_hdr *h)
{
	uint16_t fo;

	if (len < 20)
		return -EINVAL;
	h->hl = (uint32_t)(ip[0] & 0xf) * 4;
	h->tot = rd16(ip + 2);
	if (h->hl < 20 || h->tot < h->hl || h->tot > len)
		return -EINVAL;
	fo = rd16(ip + 6);
	h->more = fo & FRAG_MF;
	h->off = (uint32_t)(fo & FRAG_OFFMASK) * 8;
	h->frag = h->more || h->off;
	h->data = h->hl;
	h->len = h->tot - h->hl;
	h->key.family = 4;
	memcpy(h->key.src, ip + 12, 4);
	memcpy(h->key.dst, ip + 16, 4);
	h->key.id = rd16(ip + 4);
	h->key.proto = ip[9];
	return 0;
}

/* Parse an untrusted IPv6 header chain. Return: 0, or -EINVAL. */
static int hdr_parse_v6(const uint8_t *ip, uint32_t len, struct frag_hdr *h)
{
	struct ips_frag_v6_chain c;
	const uint8_t *f;
	uint16_t fo;

	if (ips_frag_v6_walk(ip, len, &c))
		return -EINVAL;
	h->tot = c.end;
	h->atomic = c.atomic;
	if (c.nh != FRAG_V6_NH)
		return 0;
	if (c.off > IPS_FRAG_HDR_MAX)
		return -EINVAL;
	f = ip + c.off; /* the walk checked its 8 bytes are there */
	fo = rd16(f + 2);
	h->frag = true;
	h->more = fo & FRAG_V6_M;
	h->off = fo & FRAG_V6_OFFMASK;
	h->hl = c.off;
	h->data = c.off + FRAG_V6_FH;
	h->len = c.end - h->data;
	h->nh = f[0];
	h->nh_at = c.nh_at;
	h->key.family = 6;
	memcpy(h->key.src, ip + 8, 16);
	memcpy(h->key.dst, ip + 24, 16);
	h->key.id = (uint32_t)rd16(f + 4) << 16 | rd16(f + 6);
	return 0;
}

static int frag_parse(const uint8_t *ip, uint32_t len, struct frag_hdr *h)
{
	memset(h, 0, sizeof(*h));
	if (!len)
		return -EINVAL;
	if (ip[0] >> 4 == 4)
		return hdr_parse_v4(ip, len, h);
	if (ip[0] >> 4 == 6)
		return hdr_parse_v6(ip, len, h);
	return -EINVAL;
}

/* Bytes a datagram may have (header and payload) in @family. */
static uint32_t dg_limit(uint8_t family)
{
	return family == 6 ? IPS_FRAG_MAX_DATAGRAM6 : IPS_FRAG_MAX_DATAGRAM;
}

/* Check a fragment against what its datagram knows. Return: 0 or -errno
 * after dropping the datagram. */
static int dg_check(struct ips_frag_table *t, struct frag_dg *d,
		    const struct frag_hdr *h)
{
	uint32_t end = h->off + h->len;

	if (h->hl + end > dg_limit(h->key.family)) {
		dg_kill(t, d, IPS_FRAG_CNT_TOO_BIG);
		return -EMSGSIZE;
	}
	if (++d->n_frags > t->cfg.max_frags) {
		dg_kill(t, d, IPS_FRAG_CNT_TOO_MANY);
		return -E2BIG;
	}
	if ((!h->more && d->flags & DG_HAVE_END && d->end != end) ||
	    (!h->more && d->max_end > end) ||
	    (h->more && d->flags & DG_HAVE_END && end > d->end)) {
		dg_kill(t, d, IPS_FRAG_CNT_INCONSISTENT);
		return -EBADMSG;
	}
	return 0;
}

/* Keep the first fragment's header; IPv6: minus the Fragment header. */
static void dg_keep_hdr(struct frag_dg *d, const struct frag_hdr *h,
			const uint8_t *ip)
{
	d->hl = (uint16_t)h->hl;
	memcpy(d->hdr, ip, h->hl);
	if (d->key.family == 6)
		d->hdr[h->nh_at] = h->nh;
}

/* Take one fragment into its datagram. Return: 1 complete, 0 held, or
 * -errno (the datagram was dropped). */
static int dg_add(struct ips_frag_table *t, struct frag_dg *d,
		  const struct frag_hdr *h, const uint8_t *ip)
{
	int r = dg_check(t, d, h);

	if (r)
		return r;
	if (pages_get(t, d, h->off, h->len)) {
		dg_kill(t, d, IPS_FRAG_CNT_NO_MEMORY);
		return -ENOBUFS;
	}
	/* before storing: dg_free() clears bits up to max_end */
	if (h->off + h->len > d->max_end)
		d->max_end = h->off + h->len;
	if (dg_store(t, d, h->off, ip + h->data, h->len)) {
		dg_kill(t, d, IPS_FRAG_CNT_OVERLAP_DIFF);
		return -EBADMSG;
	}
	if (!h->more) {
		d->flags |= DG_HAVE_END;
		d->end = h->off + h->len;
	}
	if (!h->off && !d->hl)
		dg_keep_hdr(d, h, ip);
	/* the first fragment's header may make the whole too long */
	if (d->hl && d->hl + d->max_end > dg_limit(d->key.family)) {
		dg_kill(t, d, IPS_FRAG_CNT_TOO_BIG);
		return -EMSGSIZE;
	}
	return d->flags & DG_HAVE_END && d->hl &&
	       d->covered == (d->end + 7) / 8;
}

/* Build complete datagram @i into t->out and free its entry. Return: 1,
 * or -EBADMSG when it holds a fragment of another datagram (dropped). */
static int dg_finish(struct ips_frag_table *t, uint32_t i, const uint8_t **out,
		     uint32_t *out_len)
{
	struct frag_dg *d = &t->dgs[i];
	uint32_t tot = dg_build(t, d);

	if (d->key.family == 6 && ips_frag_is_fragment(t->out, tot)) {
		dg_kill(t, d, IPS_FRAG_CNT_NESTED);
		return -EBADMSG;
	}
	dg_free(t, i);
	t->counters[IPS_FRAG_CNT_REASSEMBLED]++;
	*out = t->out;
	*out_len = tot;
	return 1;
}

/**
 * ips_frag_add() - take one IPv4 or IPv6 packet; reassemble when it
 * completes a datagram
 * @t: the table
 * @ip: the IPv4 or IPv6 header (untrusted)
 * @len: bytes available at @ip (the total or payload length field may say
 *       less: trailing bytes such as Ethernet padding are ignored)
 * @now_ns: monotonic time
 * @out: set to the complete datagram when 1 is returned
 * @out_len: its length (IPv4: its total length field; IPv6: 40 + its
 *           payload length field)
 *
 * A packet that is not a fragment, and an IPv6 atomic fragment, come back
 * as themselves (*@out = @ip). A reassembled datagram lives in @t until
 * the next call on @t. IPv4: its header is the first fragment's with total
 * length, the fragment field (DF kept, MF and offset cleared) and the
 * checksum rewritten. IPv6: the first fragment's unfragmentable part, the
 * Fragment header removed (its next header moved to the header before),
 * the payload length rewritten.
 *
 * Return: 1 complete, 0 held, or -EINVAL (malformed packet or fragment:
 * zero length, a middle fragment not a multiple of 8 bytes, an IPv6
 * unfragmentable part over IPS_FRAG_HDR_MAX), -EMSGSIZE (datagram over
 * 65535 bytes), -E2BIG (over max_frags fragments), -EBADMSG (overlap with
 * other bytes, two different ends, an IPv6 fragment inside, or the
 * datagram was dropped before), -ENOBUFS (no entry or no page left). On
 * every error but -EINVAL and a full table the datagram is dropped.
 */
int ips_frag_add(struct ips_frag_table *t, const uint8_t *ip, uint32_t len,
		 uint64_t now_ns, const uint8_t **out, uint32_t *out_len)
{
	struct frag_hdr h;
	uint32_t b, i;
	int r;

	if (frag_parse(ip, len, &h)) {
		t->counters[IPS_FRAG_CNT_INVALID]++;
		return -EINVAL;
	}
	if (!h.frag) {
		t->counters[IPS_FRAG_CNT_ATOMIC] += h.atomic;
		*out = ip;
		*out_len = h.tot;
		return 1;
	}
	t->counters[IPS_FRAG_CNT_FRAGMENTS]++;
	if (!h.len || (h.more && h.len % 8)) {
		t->counters[IPS_FRAG_CNT_INVALID]++;
		return -EINVAL;
	}
	ips_frag_tick(t, now_ns);
	b = key_hash(t, &h.key);
	i = dg_find(t, b, &h.key);
	if (i == FRAG_NONE)
		i = dg_new(t, b, &h.key, now_ns);
	if (i == FRAG_NONE) {
		t->counters[IPS_FRAG_CNT_NO_ENTRY]++;
		return -ENOBUFS;
	}
	if (t->dgs[i].flags & DG_DEAD) {
		t->counters[IPS_FRAG_CNT_DEAD]++;
		return -EBADMSG;
	}
	r = dg_add(t, &t->dgs[i], &h, ip);
	if (r != 1)
		return r;
	return dg_finish(t, i, out, out_len);
}

static bool v6_ext_hdr(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 51 || nh == FRAG_V6_NH;
}

/* Length of extension header @nh at @p (8 bytes present), 8 for an
 * atomic Fragment header, 0 for a Fragment header that is not atomic. */
static uint32_t v6_ext_len(uint8_t nh, const uint8_t *p)
{
	if (nh == FRAG_V6_NH && rd16(p + 2) & (FRAG_V6_OFFMASK | FRAG_V6_M))
		return 0;
	if (nh == FRAG_V6_NH)
		return FRAG_V6_FH;
	if (nh == 51) /* AH counts 4-byte units */
		return ((uint32_t)p[1] + 2) * 4;
	return ((uint32_t)p[1] + 1) * 8;
}

/**
 * ips_frag_v6_walk() - walk an IPv6 packet's extension header chain
 * @ip: the IPv6 header (untrusted)
 * @len: bytes at @ip (may exceed the packet: padding is ignored)
 * @c: filled: where the walk stopped and how it got there
 *
 * Steps over hop-by-hop, routing, destination options, AH and atomic
 * Fragment headers (RFC 6946: an atomic fragment is a whole datagram), at
 * most IPS_FRAG_V6_EXT_MAX headers in all, to the first other header: an
 * upper-layer protocol, or a Fragment header that is not atomic (@c->nh
 * 44, its 8 bytes inside the packet). The inspector's decoder and
 * ips_frag_add() both use it.
 *
 * Return: 0, or -EINVAL: not IPv6, a payload length beyond @len, an
 * extension header cut short, or too many of them.
 */
int ips_frag_v6_walk(const uint8_t *ip, uint32_t len,
		     struct ips_frag_v6_chain *c)
{
	unsigned int n = 0;

	if (len < FRAG_V6_HDR || ip[0] >> 4 != 6)
		return -EINVAL;
	c->end = FRAG_V6_HDR + rd16(ip + 4);
	if (c->end > len)
		return -EINVAL;
	c->off = FRAG_V6_HDR;
	c->nh_at = 6;
	c->nh = ip[6];
	c->atomic = false;
	while (v6_ext_hdr(c->nh)) {
		uint32_t hl;

		if (++n > IPS_FRAG_V6_EXT_MAX || c->off + 8 > c->end)
			return -EINVAL;
		hl = v6_ext_len(c->nh, ip + c->off);
		if (!hl)
			return 0;
		if (c->off + hl > c->end)
			return -EINVAL;
		c->atomic |= c->nh == FRAG_V6_NH;
		c->nh_at = c->off;
		c->nh = ip[c->off];
		c->off += hl;
	}
	return 0;
}

/**
 * ips_frag_is_fragment() - does a packet need reassembly?
 * @ip: the IPv4 or IPv6 header (untrusted)
 * @len: bytes at @ip
 *
 * Return: true for an IPv4 packet with MF or an offset, and for an IPv6
 * packet whose chain (ips_frag_v6_walk()) reaches a Fragment header that
 * is not atomic; false otherwise, malformed packets included (the decoder
 * rejects those).
 */
bool ips_frag_is_fragment(const uint8_t *ip, uint32_t len)
{
	struct ips_frag_v6_chain c;

	if (len >= 20 && ip[0] >> 4 == 4)
		return rd16(ip + 6) & (FRAG_MF | FRAG_OFFMASK);
	return !ips_frag_v6_walk(ip, len, &c) && c.nh == FRAG_V6_NH;
}

/**
 * ips_frag_pending() - datagrams in the table
 * @t: the table
 *
 * Return: entries in use, incomplete and dropped ones alike.
 */
uint32_t ips_frag_pending(const struct ips_frag_table *t)
{
	return t->n_used;
}

/**
 * ips_frag_memory() - payload memory held
 * @t: the table
 *
 * Return: bytes of pages in use (0 when no datagram holds data).
 */
uint64_t ips_frag_memory(const struct ips_frag_table *t)
{
	return (uint64_t)(t->n_pages - t->n_page_free) * FRAG_PAGE;
}

/**
 * ips_frag_counters() - the table's event counters
 * @t: the table
 *
 * Return: IPS_FRAG_CNT_MAX counters indexed by enum ips_frag_counter,
 * named by ips_frag_counter_names[].
 */
const uint64_t *ips_frag_counters(const struct ips_frag_table *t)
{
	return t->counters;
}
