/* SPDX-License-Identifier: MIT */
/*
 * ips_mpm.h - multi-pattern matching of literal byte strings: a thin
 * wrapper over Hyperscan's block mode for the IPS prefilter.
 *
 * A database is compiled once (control side) from N literal patterns,
 * each with an id and a nocase flag; patterns may contain any byte, NUL
 * included (hs_compile_lit_multi). Every pattern reports at most once per
 * scan (HS_FLAG_SINGLEMATCH): the prefilter only needs "does it occur";
 * a database built with IPS_MPM_ALL_MATCHES reports every occurrence
 * instead (the raw stream's, whose callers track where patterns are).
 * Scanning needs a scratch per thread; one scratch may serve several
 * databases if ips_mpm_scratch_grow() was called for each. A database is
 * read-only and may be shared by any number of threads.
 */
#ifndef DCBOX_IPS_MPM_H
#define DCBOX_IPS_MPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ips_mpm;
struct ips_mpm_scratch;

/**
 * struct ips_mpm_pattern - one literal to compile
 * @bytes: the pattern (any bytes)
 * @len: its length, >= 1
 * @id: reported on a match
 * @nocase: match ASCII letters in either case
 */
struct ips_mpm_pattern {
	const uint8_t *bytes;
	uint32_t len;
	uint32_t id;
	bool nocase;
};

/**
 * typedef ips_mpm_fn - called once per pattern that occurs in a scan
 * @ctx: the caller's context
 * @id: the pattern's id
 * @end: offset just past the occurrence (the first, or each one with
 *       IPS_MPM_ALL_MATCHES, in order of @end)
 *
 * Return: 0 to go on, non-zero to stop the scan.
 */
typedef int ips_mpm_fn(void *ctx, uint32_t id, uint64_t end);

/* ips_mpm_build_ex() flags */
enum {
	IPS_MPM_ALL_MATCHES = 1u << 0, /* report every occurrence */
};

int ips_mpm_build_ex(struct ips_mpm **out, const struct ips_mpm_pattern *pats,
		     uint32_t n, uint32_t flags, char *err, size_t errlen);
int ips_mpm_build(struct ips_mpm **out, const struct ips_mpm_pattern *pats,
		  uint32_t n, char *err, size_t errlen);
void ips_mpm_free(struct ips_mpm *m);
uint32_t ips_mpm_count(const struct ips_mpm *m);
size_t ips_mpm_size(const struct ips_mpm *m);

int ips_mpm_scratch_grow(struct ips_mpm_scratch **s, const struct ips_mpm *m);
void ips_mpm_scratch_free(struct ips_mpm_scratch *s);
size_t ips_mpm_scratch_size(const struct ips_mpm_scratch *s);

int ips_mpm_scan(const struct ips_mpm *m, struct ips_mpm_scratch *s,
		 const uint8_t *buf, uint32_t len, ips_mpm_fn *fn, void *ctx);

#endif
