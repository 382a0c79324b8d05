// SPDX-License-Identifier: MIT
/*
 * topo_build_fw.c - bring the topology's firewall appliances to life.
 *
 * Inline: two legs, each an in-process link: "fw.front" (bound to the
 * firewall, leg 0) paired with "front.fw", a trunk port of switch front
 * carrying every VLAN (native VLAN 1), so the appliance is a transparent
 * bump in the wire whatever the VLANs. One-arm: "tap.front" (leg 0) is
 * paired with "front.tap", which is attached to nothing and only serves as
 * the destination of mirrors: every port of the switch (frames coming in)
 * or one host's or VM's port (both ways). Built last, so every port it
 * mirrors exists. The policy is compiled by src/fw from the rules as
 * written (topo_fw_policy()); EVE lines go to the topology's EVE log.
 *
 * A firewall with `ips: FILE` also gets an IPS step: the rules file is
 * loaded (topo_ips_load()), compiled into a detection engine
 * (ips_engine_build()) and handed to the firewall with an inspector
 * (firewall_ips_new()); its alerts go to the same EVE log and to
 * DCBOX_LOG_DIR/NAME.fast.log. `dcbox reload` builds engines the same way
 * (topo_ips_engine(), topo_ips_step()) and swaps them in.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../fw/fw_policy.h"
#include "../ips/ips_detect.h"
#include "../ips/ips_ruleset.h"
#include "../port/link.h"
#include "topo_rt.h"

static int leg(struct topo_rt *rt, const struct topo_firewall *f,
	       unsigned int k, struct dp_port **fp, char *err, size_t errsize)
{
	char fport[TOPO_PORT_NAME_MAX], sport[TOPO_PORT_NAME_MAX];
	struct sw_port_cfg cfg = { .mode = SW_PORT_TRUNK,
				   .native_vlan = SWITCH_VLAN_DEFAULT };
	struct dp_port *sp = NULL;
	unsigned int v;
	int ret;

	ret = topo_firewall_port_names(rt->topo, f, k, fport, sport);
	*fp = ret ? NULL : dp_port_new(&rt->dp, fport);
	sp = *fp ? dp_port_new(&rt->dp, sport) : NULL;
	if (!ret)
		ret = sp ? link_pair_create(&(*fp)->port, fport, &sp->port,
					    sport, &rt->dp.pool, 0) : -ENOMEM;
	for (v = 1; v < 4095; v++)
		cfg.allowed[v / 64] |= 1ull << (v % 64);
	if (!ret && f->mode == TOPO_FW_INLINE)
		ret = topo_attach(rt, sp, f->legs[k], &cfg, "firewall", "",
				  f->name);
	else if (!ret)
		topo_port_info_set(rt, sp, f->legs[0], NULL, "mirror", "",
				   f->name);
	if (!ret)
		topo_port_info_set(rt, *fp, TOPO_PORT_NO_SWITCH, NULL,
				   "firewall", "",
				   rt->topo->switches[f->legs[k]].name);
	if (ret)
		snprintf(err, errsize, "firewall '%s' leg %s: %s", f->name,
			 rt->topo->switches[f->legs[k]].name, strerror(-ret));
	return ret;
}

/* One-arm: mirror what the firewall watches to the "front.tap" port. */
static int arm_mirrors(struct topo_rt *rt, const struct topo_firewall *f,
		       struct dp_port *fp, char *err, size_t errsize)
{
	struct dp_port *to;
	const char *name;
	uint16_t i;
	int ret = 0;

	to = link_peer(&fp->port) ?
	     rt->dp.ports[link_peer(&fp->port)->id] : NULL;
	if (!to)
		return -EINVAL;
	if (f->arm_kind != TOPO_FW_ARM_SWITCH) {
		name = f->arm_kind == TOPO_FW_ARM_HOST ?
		       rt->topo->hosts[f->arm].name : rt->topo->vms[f->arm].name;
		ret = dp_mirror_add(&rt->dp, dp_port_find(&rt->dp, name), to,
				    DP_DIR_BOTH);
	}
	for (i = 0; !ret && f->arm_kind == TOPO_FW_ARM_SWITCH &&
		    i < rt->dp.nports; i++)
		if (rt->dp.ports[i]->sw == rt->sws[f->legs[0]])
			ret = dp_mirror_add(&rt->dp, rt->dp.ports[i], to,
					    DP_DIR_IN);
	if (ret)
		snprintf(err, errsize, "firewall '%s': mirror: %s", f->name,
			 strerror(-ret));
	return ret;
}

static int eve_open(struct topo_rt *rt, char *err, size_t errsize)
{
	char path[128];

	if (rt->eve_fd >= 0)
		return rt->eve_fd;
	if (mkdir(DCBOX_LOG_DIR, 0755) && errno != EEXIST)
		goto fail;
	snprintf(path, sizeof(path), "%s/%s.eve.json", DCBOX_LOG_DIR,
		 rt->topo->name);
	rt->eve_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			  0640);
	if (rt->eve_fd >= 0)
		return rt->eve_fd;
fail:
	snprintf(err, errsize, "EVE log in %s: %s", DCBOX_LOG_DIR,
		 strerror(errno));
	return -errno;
}

static void fw_cfg(struct topo_rt *rt, const struct topo_firewall *f,
		   struct firewall_cfg *cfg)
{
	firewall_cfg_default(cfg);
	snprintf(cfg->name, sizeof(cfg->name), "%s", f->name);
	cfg->mode = f->mode == TOPO_FW_INLINE ? FIREWALL_INLINE :
						FIREWALL_ONE_ARM;
	cfg->log_fd = rt->eve_fd;
	cfg->opts.log = f->log == TOPO_FW_LOG_NONE ? FIREWALL_LOG_NONE :
			f->log == TOPO_FW_LOG_ALL ? FIREWALL_LOG_ALL :
						    FIREWALL_LOG_DENIED;
	cfg->opts.non_ip_drop = f->non_ip == TOPO_FW_NON_IP_DROP;
}

/**
 * topo_fw_apply_policy() - compile firewall @i's rules from @t and swap
 * them in
 * @rt: runtime
 * @t: the topology to take the rules from (a reload passes the new one)
 * @i: firewall index
 * @err: out: why it failed (file, line of the rule)
 * @errsize: size of @err
 *
 * Return: 0, or -errno with the firewall's policy unchanged.
 */
int topo_fw_apply_policy(struct topo_rt *rt, const struct topo *t,
			 unsigned int i, char *err, size_t errsize)
{
	struct fw_policy p;
	int ret;

	ret = topo_fw_policy(t, &t->firewalls[i], &p, err, errsize);
	if (ret)
		return ret;
	ret = firewall_set_policy(rt->fws[i], &p, err, errsize);
	fw_policy_free(&p);
	return ret;
}

/**
 * topo_ips_engine() - load firewall @i's `ips:` rules from @t and compile
 * them
 * @t: topology (a reload passes the new one)
 * @i: firewall index; must have has_ips
 * @out: receives the engine (the caller owns it)
 * @log: if not NULL, gets topo_ips_report()'s line (the daemon's log)
 * @err: out: the first invalid rule's FILE:LINE: what, or why the
 *       engine could not be built
 * @errsize: size of @err
 *
 * Return: 0 or -errno; nothing is left allocated on error.
 */
int topo_ips_engine(const struct topo *t, unsigned int i,
		    struct ips_engine **out, FILE *log, char *err,
		    size_t errsize)
{
	struct ips_engine_cfg cfg = { 0 };
	struct ips_ruleset rs;
	char path[PATH_MAX];
	int ret;

	ret = topo_ips_load(t, i, &rs, err, errsize);
	if (ret)
		return ret;
	if (log && !topo_ips_path(t, &t->firewalls[i], path, sizeof(path)))
		topo_ips_report(t->firewalls[i].name, path, &rs, log);
	ret = ips_engine_build(out, &rs, &cfg, err, errsize);
	if (ret && errsize) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errsize, "firewall '%s': ips %s: %s",
			 t->firewalls[i].name, t->firewalls[i].ips, msg);
	}
	ips_ruleset_free(&rs);
	return ret;
}

/* DCBOX_LOG_DIR/NAME.fast.log, opened for appending, or -1. */
static int fast_open(const struct topo *t)
{
	char path[128];

	if (mkdir(DCBOX_LOG_DIR, 0755) && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%s.fast.log", DCBOX_LOG_DIR, t->name);
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

/**
 * topo_ips_step() - an IPS step for firewall @i with engine @eng
 * @rt: runtime (the firewall)
 * @t: topology (rules file name, topology name for fast.log)
 * @i: firewall index
 * @eng: compiled rules; owned by the step on success
 * @err: out: why not
 * @errsize: size of @err
 *
 * fast.log is DCBOX_LOG_DIR/NAME.fast.log (not there if it cannot be
 * opened: alerts still go to the EVE log).
 *
 * Return: the step (attach it with firewall_set_ips()), or NULL.
 */
struct firewall_ips *topo_ips_step(struct topo_rt *rt, const struct topo *t,
				   unsigned int i, struct ips_engine *eng,
				   char *err, size_t errsize)
{
	struct firewall_ips_cfg cfg = { .fast_fd = fast_open(t) };
	struct firewall_ips *ips;

	snprintf(cfg.rules, sizeof(cfg.rules), "%s", t->firewalls[i].ips);
	ips = firewall_ips_new(rt->fws[i], eng, &cfg, err, errsize);
	if (!ips && cfg.fast_fd >= 0)
		close(cfg.fast_fd);
	return ips;
}

static int build_ips(struct topo_rt *rt, unsigned int i, char *err,
		     size_t errsize)
{
	struct firewall_ips *ips;
	struct ips_engine *eng;
	int ret;

	ret = topo_ips_engine(rt->topo, i, &eng, stderr, err, errsize);
	if (ret)
		return ret;
	ips = topo_ips_step(rt, rt->topo, i, eng, err, errsize);
	if (!ips) {
		ips_engine_free(eng);
		return -ENOMEM;
	}
	firewall_set_ips(rt->fws[i], ips);
	return 0;
}

static int build_fw(struct topo_rt *rt, unsigned int i, char *err,
		    size_t errsize)
{
	const struct topo_firewall *f = &rt->topo->firewalls[i];
	unsigned int k, nlegs = f->mode == TOPO_FW_INLINE ? 2 : 1;
	struct dp_port *fp[2] = { 0 };
	struct firewall_cfg cfg;
	int ret = 0;

	for (k = 0; !ret && k < nlegs; k++)
		ret = leg(rt, f, k, &fp[k], err, errsize);
	if (!ret && f->mode == TOPO_FW_ONE_ARM)
		ret = arm_mirrors(rt, f, fp[0], err, errsize);
	if (ret)
		return ret;
	fw_cfg(rt, f, &cfg);
	for (k = 0; k < nlegs; k++) {
		cfg.leg_port[k] = fp[k]->port.id;
		snprintf(cfg.leg_name[k], sizeof(cfg.leg_name[k]), "%s",
			 fp[k]->port.name);
	}
	rt->fws[i] = firewall_create(&cfg, &rt->dp.pool, dp_tx, &rt->dp, err,
				     errsize);
	if (!rt->fws[i])
		return -EINVAL;
	for (k = 0; k < nlegs; k++)
		dp_port_bind(&rt->dp, fp[k], firewall_input, rt->fws[i],
			     (uint16_t)k);
	ret = topo_fw_apply_policy(rt, rt->topo, i, err, errsize);
	if (!ret && f->has_ips)
		ret = build_ips(rt, i, err, errsize);
	return ret;
}

/**
 * topo_build_firewalls() - create every firewall appliance, after all
 * other ports exist (one-arm mirrors need them)
 * @rt: runtime
 * @err: out: what failed
 * @errsize: size of @err
 *
 * Return: 0 or -errno; the caller tears down on failure.
 */
int topo_build_firewalls(struct topo_rt *rt, char *err, size_t errsize)
{
	unsigned int i;
	int ret;

	if (!rt->topo->nfirewalls)
		return 0;
	ret = eve_open(rt, err, errsize);
	for (i = 0; ret >= 0 && i < rt->topo->nfirewalls; i++)
		ret = build_fw(rt, i, err, errsize);
	return ret < 0 ? ret : 0;
}
