// SPDX-License-Identifier: MIT
/*
 * topo_ips.c - the IPS side of a firewall in the topology: the
 * `ips-vars:` maps (rule variables such as $HOME_NET and $HTTP_PORTS, at
 * the top level for every firewall and in a firewall for that one), and
 * the `ips: FILE` rules file, loaded through src/ips.
 *
 *	ips-vars:                      # top level: every firewall
 *	  address-groups:
 *	    HOME_NET: "[10.0.0.0/8]"
 *	  port-groups:
 *	    HTTP_PORTS: "[80,8080]"
 *	firewalls:
 *	  fw:
 *	    inline: [front, back]
 *	    ips: shop-ips.rules        # or a directory of *.rules
 *	    ips-vars: { address-groups: { DB_SERVERS: 10.0.2.20 } }
 *
 * The variables a firewall's rules see are Suricata's shipped defaults
 * (ips_vars_init_defaults()), then the top level's, then the firewall's:
 * the later definition of a name wins. The two maps are Suricata's
 * suricata.yaml `vars:` sections, so values are copied from there as
 * they are.
 *
 * topo_parse_ips.c parses `ips-vars:`. Validation (topo_validate()
 * calls topo_ips_validate()) loads every
 * firewall's rules file: a missing file, a bad variable or a rule that
 * fails to parse fails the load with "FILE:LINE: what is wrong"; rules
 * that use something dcbox does not implement are skipped, counted, and
 * reported by topo_ips_report(). The builder (topo_build_fw.c) and `dcbox
 * reload` (ctl_ips.c) load the file again with topo_ips_load() to build
 * the engine: a rules file of the size of ET Open loads in about 0.2 s.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ips/ips_ruleset.h"
#include "ips/ips_vars.h"
#include "topo/topo.h"

/**
 * topo_ips_path() - the path a firewall's `ips:` file is opened at:
 * as written if absolute, else relative to the topology file's directory
 * @t: topology (its file name)
 * @fw: firewall with has_ips
 * @out: receives the path
 * @size: size of @out
 *
 * Return: 0, or -ENAMETOOLONG.
 */
int topo_ips_path(const struct topo *t, const struct topo_firewall *fw,
		  char *out, size_t size)
{
	const char *slash = strrchr(t->file, '/');
	int len;

	if (fw->ips[0] == '/' || !slash)
		len = snprintf(out, size, "%s", fw->ips);
	else
		len = snprintf(out, size, "%.*s/%s", (int)(slash - t->file),
			       t->file, fw->ips);
	return len < 0 || (size_t)len >= size ? -ENAMETOOLONG : 0;
}

/* Apply the variables of scope @fw; on error name the variable's line. */
static int apply_scope(const struct topo *t, uint16_t fw, struct ips_vars *v,
		       char *err, size_t errsize)
{
	const struct topo_ips_var *var;
	unsigned int i;
	int ret;

	for (i = 0; i < t->nips_vars; i++) {
		var = &t->ips_vars[i];
		if (var->fw != fw)
			continue;
		ret = ips_vars_set(v, var->port ? IPS_VAR_PORT : IPS_VAR_ADDR,
				   var->name, var->value);
		if (ret) {
			snprintf(err, errsize, "%s:%d:%d: ips-vars: %s: %s",
				 t->file, var->line, var->col, var->name,
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* "variable NAME: ..." from ips_vars_check(): put NAME's line in front. */
static void locate_var_err(const struct topo *t, unsigned int fw, char *err,
			   size_t errsize)
{
	char msg[512];
	unsigned int i;
	size_t n;

	if (strncmp(err, "variable ", 9))
		return;
	for (i = 0; i < t->nips_vars; i++) {
		n = strlen(t->ips_vars[i].name);
		if ((t->ips_vars[i].fw != fw &&
		     t->ips_vars[i].fw != TOPO_IPS_ALL) ||
		    strncmp(err + 9, t->ips_vars[i].name, n) ||
		    err[9 + n] != ':')
			continue;
		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errsize, "%s:%d:%d: ips-vars: %s", t->file,
			 t->ips_vars[i].line, t->ips_vars[i].col, msg);
		return;
	}
}

/**
 * topo_ips_vars() - the rule variables of firewall @fw: Suricata's
 * defaults, then the topology's `ips-vars:`, then the firewall's
 * @t: topology
 * @fw: index into @t->firewalls
 * @v: receives the table (initialised here); free with ips_vars_free()
 *     on success, holds nothing on error
 * @err: receives "FILE:LINE:COL: ips-vars: NAME: what is wrong"
 * @errsize: size of @err
 *
 * Every variable is expanded once (ips_vars_check()), so a bad value is
 * reported here, not at the first rule that uses it.
 *
 * Return: 0, -EINVAL, -E2BIG or -ENOMEM.
 */
int topo_ips_vars(const struct topo *t, unsigned int fw, struct ips_vars *v,
		  char *err, size_t errsize)
{
	int ret;

	ret = ips_vars_init_defaults(v);
	if (ret) {
		snprintf(err, errsize, "ips-vars: %s", strerror(-ret));
		return ret;
	}
	ret = apply_scope(t, TOPO_IPS_ALL, v, err, errsize);
	if (!ret)
		ret = apply_scope(t, (uint16_t)fw, v, err, errsize);
	if (!ret) {
		ret = ips_vars_check(v, err, errsize);
		if (ret)
			locate_var_err(t, fw, err, errsize);
	}
	if (ret)
		ips_vars_free(v);
	return ret;
}

/* 1 for a directory (every *.rules in it), 0 for a file, or -errno. */
static int check_path(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return 1;
	return S_ISREG(st.st_mode) ? 0 : -EINVAL;
}

static int load_rules(const struct topo *t, const struct topo_firewall *f,
		      const char *path, const struct ips_vars *v,
		      struct ips_ruleset *rs, char *err, size_t errsize)
{
	int ret = check_path(path);

	if (ret == 1)
		ret = ips_ruleset_load_dir(rs, path, v);
	else if (!ret)
		ret = ips_ruleset_load_file(rs, path, v);
	if (ret) {
		snprintf(err, errsize, "%s:%d:%d: firewall '%s': ips: '%s': %s",
			 t->file, f->line, f->col, f->name, path,
			 ret == -EINVAL ? "not a regular file or directory"
					: strerror(-ret));
		return ret;
	}
	if (rs->stats.failed) {
		snprintf(err, errsize,
			 "%s (firewall '%s': %u of %u rules "
			 "invalid; check with dcbox ips -T -S %s)",
			 rs->n_errors ? rs->errors[0] : path, f->name,
			 rs->stats.failed, rs->stats.total, path);
		return -EINVAL;
	}
	return 0;
}

/**
 * topo_ips_load() - load firewall @fw's `ips:` rules file
 * @t: topology
 * @fw: index into @t->firewalls; must have has_ips
 * @rs: receives the rules (initialised here); the caller frees it with
 *      ips_ruleset_free() (or hands it to ips_engine_build()) on success;
 *      it holds nothing on error
 * @err: receives "FILE:LINE: what is wrong" for the first invalid rule
 *       (FILE being the rules file), or what is wrong with the file or a
 *       variable
 * @errsize: size of @err
 *
 * Skipped rules (unsupported keywords) are not an error: they are in
 * @rs->stats.skipped and @rs->reasons.
 *
 * Return: 0; -ENOENT, -EISDIR, -EINVAL (not a regular file, a bad
 * variable, an invalid rule), -ENAMETOOLONG, -ENOMEM.
 */
int topo_ips_load(const struct topo *t, unsigned int fw, struct ips_ruleset *rs,
		  char *err, size_t errsize)
{
	const struct topo_firewall *f = &t->firewalls[fw];
	char path[PATH_MAX];
	struct ips_vars v;
	int ret;

	ips_ruleset_init(rs);
	ret = topo_ips_path(t, f, path, sizeof(path));
	if (ret) {
		snprintf(err, errsize,
			 "%s:%d:%d: firewall '%s': ips: path "
			 "too long",
			 t->file, f->line, f->col, f->name);
		return ret;
	}
	ret = topo_ips_vars(t, fw, &v, err, errsize);
	if (ret)
		return ret;
	ret = load_rules(t, f, path, &v, rs, err, errsize);
	ips_vars_free(&v);
	if (ret)
		ips_ruleset_free(rs);
	return ret;
}

/**
 * topo_ips_validate() - load every firewall's `ips:` rules once and check
 * the `ips-vars:` of the topology (topo_validate())
 * @t: topology whose counts are sane
 * @err: receives the first problem, see topo_ips_load()
 * @errsize: size of @err
 *
 * Return: 0 or the first error of topo_ips_load() / topo_ips_vars().
 */
int topo_ips_validate(const struct topo *t, char *err, size_t errsize)
{
	struct ips_ruleset rs;
	struct ips_vars v;
	unsigned int i;
	int ret;

	if (t->nips_vars > TOPO_IPS_VARS_MAX) {
		snprintf(err, errsize, "%s: too many ips-vars", t->file);
		return -EINVAL;
	}
	for (i = 0; i < t->nips_vars; i++) {
		if (t->ips_vars[i].fw != TOPO_IPS_ALL &&
		    t->ips_vars[i].fw >= t->nfirewalls) {
			snprintf(err, errsize,
				 "%s:%d:%d: ips-vars: bad "
				 "firewall index",
				 t->file, t->ips_vars[i].line,
				 t->ips_vars[i].col);
			return -EINVAL;
		}
	}
	if (t->nips_vars) {
		ret = topo_ips_vars(t, TOPO_IPS_ALL, &v, err, errsize);
		if (ret)
			return ret;
		ips_vars_free(&v);
	}
	for (i = 0; i < t->nfirewalls; i++) {
		if (!t->firewalls[i].has_ips)
			continue;
		ret = topo_ips_load(t, i, &rs, err, errsize);
		if (ret)
			return ret;
		ips_ruleset_free(&rs);
	}
	return 0;
}

/**
 * topo_ips_report() - one line on what loading a firewall's rules did:
 * "firewall 'fw': ips FILE: N rules loaded, M skipped (top reasons)"
 * @fw: the firewall's name
 * @path: the rules file
 * @rs: its loaded rules (stats and reasons)
 * @f: where to print
 */
void topo_ips_report(const char *fw, const char *path,
		     const struct ips_ruleset *rs, FILE *f)
{
	uint32_t i, k, best, shown = 0, last = UINT32_MAX, last_i = 0;

	fprintf(f, "firewall '%s': ips %s: %u rules loaded, %u skipped", fw,
		path, rs->stats.loaded, rs->stats.skipped);
	/* the three most frequent skip reasons, by count then order */
	for (k = 0; k < 3; k++) {
		best = UINT32_MAX;
		for (i = 0; i < rs->n_reasons; i++) {
			const struct ips_reason *r = &rs->reasons[i];

			if (!r->skip || r->count > last ||
			    (r->count == last && i <= last_i))
				continue;
			if (best == UINT32_MAX ||
			    r->count > rs->reasons[best].count)
				best = i;
		}
		if (best == UINT32_MAX)
			break;
		fprintf(f, "%s%s x%u", shown++ ? ", " : " (",
			rs->reasons[best].reason, rs->reasons[best].count);
		last = rs->reasons[best].count;
		last_i = best;
	}
	fprintf(f, "%s\n", shown ? ")" : "");
}

/**
 * topo_ips_warn() - print topo_ips_report() for every firewall with
 * skipped rules (`dcbox up` and `dcbox check` show it; the daemon logs
 * it)
 * @t: validated topology
 * @f: where to print
 *
 * Return: rules skipped in all, or -errno if a file no longer loads.
 */
int topo_ips_warn(const struct topo *t, FILE *f)
{
	char path[PATH_MAX], err[512];
	struct ips_ruleset rs;
	unsigned int i;
	int skipped = 0;

	for (i = 0; i < t->nfirewalls; i++) {
		if (!t->firewalls[i].has_ips)
			continue;
		if (topo_ips_load(t, i, &rs, err, sizeof(err)))
			return -EINVAL;
		if (rs.stats.skipped &&
		    !topo_ips_path(t, &t->firewalls[i], path, sizeof(path))) {
			fprintf(f, "warning: ");
			topo_ips_report(t->firewalls[i].name, path, &rs, f);
		}
		skipped += (int)rs.stats.skipped;
		ips_ruleset_free(&rs);
	}
	return skipped;
}
