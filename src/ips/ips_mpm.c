// SPDX-License-Identifier: MIT
/*
 * ips_mpm.c - literal multi-pattern matching over Hyperscan (see
 * ips_mpm.h). The database is compiled with hs_compile_lit_multi() in
 * block mode, so patterns are plain bytes (NUL allowed, no regex
 * escaping), each HS_FLAG_SINGLEMATCH and HS_FLAG_CASELESS when nocase.
 * A struct ips_mpm_scratch is Hyperscan's hs_scratch_t itself (the struct
 * is never defined; the pointer is converted at this boundary).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs.h>

#include "ips/ips_mpm.h"

/**
 * struct ips_mpm - a compiled database
 * @db: Hyperscan's block-mode database
 * @n: patterns compiled
 */
struct ips_mpm {
	hs_database_t *db;
	uint32_t n;
};

/* Arrays hs_compile_lit_multi() wants, built from the caller's patterns */
struct lit_arrays {
	const char **exprs;
	unsigned int *flags;
	unsigned int *ids;
	size_t *lens;
};

static void lit_arrays_free(struct lit_arrays *a)
{
	free(a->exprs);
	free(a->flags);
	free(a->ids);
	free(a->lens);
}

static int lit_arrays_fill(struct lit_arrays *a,
			   const struct ips_mpm_pattern *pats, uint32_t n,
			   bool all)
{
	a->exprs = calloc(n, sizeof(*a->exprs));
	a->flags = calloc(n, sizeof(*a->flags));
	a->ids = calloc(n, sizeof(*a->ids));
	a->lens = calloc(n, sizeof(*a->lens));
	if (!a->exprs || !a->flags || !a->ids || !a->lens) {
		lit_arrays_free(a);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		a->exprs[i] = (const char *)pats[i].bytes;
		a->lens[i] = pats[i].len;
		a->ids[i] = pats[i].id;
		a->flags[i] = all ? 0 : HS_FLAG_SINGLEMATCH;
		if (pats[i].nocase)
			a->flags[i] |= HS_FLAG_CASELESS;
	}
	return 0;
}

/* "pattern 3 (id 17) |41 00 42|: msg" - bytes shown as text or hex */
static void format_error(char *err, size_t errlen,
			 const struct ips_mpm_pattern *pats, uint32_t n,
			 const hs_compile_error_t *ce)
{
	char shown[128];
	size_t off = 0;
	int i = ce->expression;

	if (!err || !errlen)
		return;
	if (i < 0 || (uint32_t)i >= n) {
		snprintf(err, errlen, "hyperscan: %s", ce->message);
		return;
	}
	for (uint32_t k = 0; k < pats[i].len && off + 4 < sizeof(shown); k++)
		off += snprintf(shown + off, sizeof(shown) - off, "%02x ",
				pats[i].bytes[k]);
	if (off)
		shown[off - 1] = '\0';
	else
		shown[0] = '\0';
	snprintf(err, errlen, "hyperscan: pattern %d (id %u) |%s|: %s", i,
		 pats[i].id, shown, ce->message);
}

/**
 * ips_mpm_build() - compile a database of literal patterns, each reported
 * once per scan (ips_mpm_build_ex() with no flags)
 * @out: the database on success
 * @pats: patterns (copied into the database; the caller keeps them)
 * @n: how many, >= 1
 * @err: on failure, a message naming the pattern at fault (may be NULL)
 * @errlen: bytes of @err
 *
 * Return: 0, -EINVAL (no patterns, an empty pattern, or Hyperscan
 * rejected one: see @err), -ENOMEM.
 */
int ips_mpm_build(struct ips_mpm **out, const struct ips_mpm_pattern *pats,
		  uint32_t n, char *err, size_t errlen)
{
	return ips_mpm_build_ex(out, pats, n, 0, err, errlen);
}

/**
 * ips_mpm_build_ex() - ips_mpm_build() with flags
 * @out: the database on success
 * @pats: patterns (copied into the database; the caller keeps them)
 * @n: how many, >= 1
 * @flags: IPS_MPM_ALL_MATCHES: report every occurrence, not the first
 * @err: on failure, a message naming the pattern at fault (may be NULL)
 * @errlen: bytes of @err
 *
 * Return: as ips_mpm_build().
 */
int ips_mpm_build_ex(struct ips_mpm **out, const struct ips_mpm_pattern *pats,
		     uint32_t n, uint32_t flags, char *err, size_t errlen)
{
	hs_compile_error_t *ce = NULL;
	struct lit_arrays a = {0};
	struct ips_mpm *m;
	hs_error_t rc;

	*out = NULL;
	if (!n) {
		if (err && errlen)
			snprintf(err, errlen, "hyperscan: no patterns");
		return -EINVAL;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (!pats[i].len) {
			if (err && errlen)
				snprintf(err, errlen,
					 "hyperscan: pattern %u (id %u) is "
					 "empty",
					 i, pats[i].id);
			return -EINVAL;
		}
	}
	m = calloc(1, sizeof(*m));
	if (!m || lit_arrays_fill(&a, pats, n, flags & IPS_MPM_ALL_MATCHES)) {
		free(m);
		return -ENOMEM;
	}
	rc = hs_compile_lit_multi(a.exprs, a.flags, a.ids, a.lens, n,
				  HS_MODE_BLOCK, NULL, &m->db, &ce);
	lit_arrays_free(&a);
	if (rc != HS_SUCCESS) {
		if (ce)
			format_error(err, errlen, pats, n, ce);
		hs_free_compile_error(ce);
		free(m);
		return rc == HS_NOMEM ? -ENOMEM : -EINVAL;
	}
	m->n = n;
	*out = m;
	return 0;
}

/**
 * ips_mpm_free() - free a database
 * @m: the database, or NULL
 */
void ips_mpm_free(struct ips_mpm *m)
{
	if (!m)
		return;
	hs_free_database(m->db);
	free(m);
}

/**
 * ips_mpm_count() - patterns in a database
 * @m: the database
 *
 * Return: the number of patterns it was built from.
 */
uint32_t ips_mpm_count(const struct ips_mpm *m)
{
	return m->n;
}

/**
 * ips_mpm_size() - memory a database uses
 * @m: the database
 *
 * Return: bytes (Hyperscan's database size plus the wrapper).
 */
size_t ips_mpm_size(const struct ips_mpm *m)
{
	size_t size = 0;

	if (hs_database_size(m->db, &size) != HS_SUCCESS)
		size = 0;
	return size + sizeof(*m);
}

/**
 * ips_mpm_scratch_grow() - make a scratch usable with a database
 * @s: the scratch: *s NULL allocates one; otherwise it is grown in place
 *     (Hyperscan may replace it) so it still serves earlier databases
 * @m: the database
 *
 * Return: 0, -ENOMEM. On failure *s is unchanged.
 */
int ips_mpm_scratch_grow(struct ips_mpm_scratch **s, const struct ips_mpm *m)
{
	hs_scratch_t *hs = (hs_scratch_t *)*s;
	hs_error_t rc;

	rc = hs_alloc_scratch(m->db, &hs);
	if (rc != HS_SUCCESS)
		return -ENOMEM;
	*s = (struct ips_mpm_scratch *)hs;
	return 0;
}

/**
 * ips_mpm_scratch_free() - free a scratch
 * @s: the scratch, or NULL
 */
void ips_mpm_scratch_free(struct ips_mpm_scratch *s)
{
	hs_free_scratch((hs_scratch_t *)s);
}

/**
 * ips_mpm_scratch_size() - memory a scratch uses
 * @s: the scratch, or NULL
 *
 * Return: bytes.
 */
size_t ips_mpm_scratch_size(const struct ips_mpm_scratch *s)
{
	size_t size = 0;

	if (!s || hs_scratch_size((const hs_scratch_t *)s, &size))
		return 0;
	return size;
}

struct scan_ctx {
	ips_mpm_fn *fn;
	void *ctx;
};

static int on_match(unsigned int id, unsigned long long from,
		    unsigned long long to, unsigned int flags, void *context)
{
	struct scan_ctx *sc = context;

	(void)from;
	(void)flags;
	return sc->fn(sc->ctx, id, to);
}

/**
 * ips_mpm_scan() - report the patterns that occur in a buffer
 * @m: the database
 * @s: a scratch grown for @m, used by this thread only
 * @buf: the data (may be NULL when @len is 0)
 * @len: its length
 * @fn: called once per pattern found
 * @ctx: passed to @fn
 *
 * Return: 0 (scanned to the end or stopped by @fn), -EINVAL (Hyperscan
 * refused, e.g. a scratch not grown for @m). Does not allocate.
 */
int ips_mpm_scan(const struct ips_mpm *m, struct ips_mpm_scratch *s,
		 const uint8_t *buf, uint32_t len, ips_mpm_fn *fn, void *ctx)
{
	struct scan_ctx sc = {.fn = fn, .ctx = ctx};
	hs_error_t rc;

	rc = hs_scan(m->db, buf ? (const char *)buf : "", len, 0,
		     (hs_scratch_t *)s, on_match, &sc);
	if (rc == HS_SUCCESS || rc == HS_SCAN_TERMINATED)
		return 0;
	return -EINVAL;
}
