// SPDX-License-Identifier: MIT
/*
 * firewall_ips.c - the firewall appliance's IPS step: every IP packet the
 * policy passes goes through an IPS inspector (src/ips/ips_inspect.h),
 * whose verdict the firewall applies; alerts become EVE "alert" events
 * and fast.log lines.
 *
 * Per packet (firewall.c's judge() calls firewall_ips_step() after the
 * policy said pass): hand the IP packet to ips_inspect_packet(). PASS:
 * the packet goes on. DROP (inline only): it is freed, counted as
 * IPS_DROPPED; the inspector drops every later packet of that flow too.
 * REJECT (inline only): dropped, and the sender and the peer get a TCP RST
 * (or the sender an ICMP unreachable), built by firewall_reject.c exactly
 * as for a policy reject that cuts a flow. One-arm, the inspector is
 * created without inline mode: drop and reject rules alert with action
 * "allowed", nothing is dropped (Suricata's IDS mode).
 *
 * Alerts arrive through a callback during ips_inspect_packet(). Each is
 * formatted at once, with no allocation, into two rings: the IPS's own
 * eve_log (same fd as the firewall's events, so one eve.json holds policy
 * events and alerts; its own rate limit, so a flood of policy drops cannot
 * silence alerts or the reverse) and a fast.log ring (same lines as
 * Suricata's fast.log). Both are written out by the tick; if a ring fills
 * up between two ticks it is written at once. An alert refused by the rate
 * limit is counted (IPS_ALERTS_LOST) and left out of both files, so the
 * two always agree.
 *
 * Reload: firewall_ips_swap_engine() hands the inspector a new engine
 * (ips_inspect_set_engine(): flows and their stream state are kept) and
 * frees the old one. Like everything else here it runs on the dataplane
 * thread between two batches, so no packet sees half of each.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../ips/ips_detect.h"
#include "../ips/ips_inspect.h"
#include "firewall_priv.h"

enum {
	FAST_RING = 256, /* fast.log lines buffered between ticks */
	FAST_LINE_MAX = 1024, /* bytes of one line; longer is cut */
};

/**
 * struct fast_ring - fast.log lines waiting for the tick
 * @buf: FAST_RING slots of FAST_LINE_MAX bytes
 * @lens: bytes used per slot
 * @head: oldest slot
 * @count: slots in use
 */
struct fast_ring {
	char *buf;
	uint16_t *lens;
	uint32_t head;
	uint32_t count;
};

/**
 * struct firewall_ips - one firewall's IPS step
 * @fw: its firewall
 * @in: the inspector (flows, streams, app parsers)
 * @eng: the compiled rules the inspector uses now (owned)
 * @rules: the rules file, for `show ips`
 * @eve: alert lines (shares the firewall's EVE fd)
 * @fast: fast.log lines
 * @fast_fd: fast.log (owned), or -1
 * @cur: the packet being inspected, during ips_inspect_packet() only
 * @fast_lost: fast.log lines lost (write errors)
 */
struct firewall_ips {
	struct firewall *fw;
	struct ips_inspect *in;
	struct ips_engine *eng;
	char rules[FIREWALL_PATH_MAX];
	struct eve_log eve;
	struct fast_ring fast;
	int fast_fd;
	const struct fw_pctx *cur;
	uint64_t fast_lost;
};

static void fast_flush(struct firewall_ips *ips)
{
	struct fast_ring *r = &ips->fast;
	ssize_t n;

	for (; r->count; r->count--, r->head = (r->head + 1) % FAST_RING) {
		if (ips->fast_fd < 0)
			continue;
		do {
			n = write(ips->fast_fd,
				  r->buf + (size_t)r->head * FAST_LINE_MAX,
				  r->lens[r->head]);
		} while (n < 0 && errno == EINTR);
		if (n != (ssize_t)r->lens[r->head])
			ips->fast_lost++;
	}
	r->head = 0;
}

static void fast_put(struct firewall_ips *ips, const struct ips_alert *a)
{
	struct fast_ring *r = &ips->fast;
	uint32_t slot;
	char *s;
	int n;

	if (ips->fast_fd < 0)
		return;
	if (r->count == FAST_RING)
		fast_flush(ips);
	slot = (r->head + r->count) % FAST_RING;
	s = r->buf + (size_t)slot * FAST_LINE_MAX;
	n = ips_alert_fast(a, s, FAST_LINE_MAX);
	if (n <= 0) {
		/* cut, but still one line */
		n = (int)strnlen(s, FAST_LINE_MAX - 1);
		s[n++] = '\n';
	}
	r->lens[slot] = (uint16_t)n;
	r->count++;
}

/* The addressing fields of the event: the alert's, the packet's VLANs. */
static void alert_flow(const struct ips_alert *a, const struct fw_pctx *c,
		       struct eve_flow *f)
{
	unsigned int i;

	memset(f, 0, sizeof(*f));
	f->v6 = a->family == 6;
	if (f->v6) {
		memcpy(f->src.b, a->src, 16);
		memcpy(f->dst.b, a->dst, 16);
	} else {
		f->src.w[2] = f->dst.w[2] = __builtin_bswap32(0xffff);
		memcpy(&f->src.w[3], a->src, 4);
		memcpy(&f->dst.w[3], a->dst, 4);
	}
	f->proto = a->proto;
	f->sport = a->sport;
	f->dport = a->dport;
	if (a->proto == 1 || a->proto == 58) {
		f->icmp = true;
		f->icmp_type = a->icmp_type;
		f->icmp_code = a->icmp_code;
	}
	for (i = 0; c && i < c->m->n_vlans && i < PKT_VLAN_MAX; i++)
		f->vlan[i] = c->m->vlan_tci[i] & 0x0fff;
	f->n_vlans = (uint8_t)i;
}

/* Suricata's "alert" object, app_proto, and dcbox's "firewall" object. */
static void put_alert(struct firewall_ips *ips, struct eve_buf *b,
		      const struct ips_alert *a)
{
	const struct ips_rule *r = a->rule;

	eve_obj_open(b, "alert");
	eve_put_str(b, "action", a->blocked ? "blocked" : "allowed");
	eve_put_u64(b, "gid", r->gid);
	eve_put_u64(b, "signature_id", r->sid);
	eve_put_u64(b, "rev", r->rev);
	eve_put_str(b, "signature", r->msg ? r->msg : "");
	eve_put_str(b, "category", ips_alert_category(r));
	eve_put_u64(b, "severity", ips_alert_severity(r));
	eve_obj_close(b);
	if (a->app)
		eve_put_str(b, "app_proto", ips_app_name(a->app));
	eve_obj_open(b, "firewall");
	eve_put_str(b, "name", ips->fw->name);
	eve_put_str(b, "mode", firewall_mode_str(ips->fw->mode));
	eve_put_str(b, "action", "ips");
	eve_put_str(b, "rules", ips->rules);
	if (r->file)
		eve_put_str(b, "rule_file", r->file);
	eve_put_u64(b, "rule_line", r->line);
	eve_obj_close(b);
}

/* ips_alert_fn: log one alert (EVE and fast.log), or count it lost. */
static void on_alert(void *ctx, const struct ips_alert *a)
{
	struct firewall_ips *ips = ctx;
	struct firewall *fw = ips->fw;
	const struct fw_pctx *c = ips->cur;
	uint64_t now_ns = c ? c->now_ns : fw->ct.now_ms * 1000000ull;
	struct ips_alert al = *a;
	struct eve_flow f;
	struct eve_buf b;

	al.iface = c ? fw->leg_name[c->leg] : fw->name;
	if (!eve_log_begin(&ips->eve, now_ns, &b)) {
		fw->counters[FIREWALL_C_IPS_ALERTS_LOST]++;
		return;
	}
	alert_flow(&al, c, &f);
	eve_put_header(&b, &ips->eve, now_ns, al.flow_id ? al.flow_id : 1,
		       al.iface, "alert", &f);
	put_alert(ips, &b, &al);
	if (eve_log_commit(&ips->eve, &b)) {
		fw->counters[FIREWALL_C_IPS_ALERTS_LOST]++;
		return;
	}
	fw->counters[FIREWALL_C_IPS_ALERTS]++;
	fast_put(ips, &al);
}

/**
 * firewall_ips_step() - the IPS verdict on a packet the policy passed
 * @fw: firewall with an IPS step
 * @c: the packet (IPv4 or IPv6, parsed)
 *
 * Return: FIREWALL_C_PASSED (forward it), FIREWALL_C_IPS_DROPPED or
 * FIREWALL_C_IPS_REJECTED (free it; the RSTs or ICMP error are queued).
 */
enum firewall_counter firewall_ips_step(struct firewall *fw,
					const struct fw_pctx *c)
{
	struct firewall_ips *ips = fw->ips;
	const struct pkt_meta *m = c->m;
	uint32_t len = m->payload_off + m->payload_len - m->l3_off;
	enum ips_verdict v;

	ips->cur = c;
	v = ips_inspect_packet(ips->in, pkt_data(c->p) + m->l3_off, len,
			       c->now_ns,
			       c->now_ns + (uint64_t)ips->eve.wall_offset_ns);
	ips->cur = NULL;
	if (__builtin_expect(v == IPS_VERDICT_PASS, 1))
		return FIREWALL_C_PASSED;
	if (v == IPS_VERDICT_REJECT) {
		firewall_reject(fw, c, FW_REJECT, true);
		return FIREWALL_C_IPS_REJECTED;
	}
	return FIREWALL_C_IPS_DROPPED;
}

/**
 * firewall_ips_tick() - expire IPS flows, write queued alerts
 * @fw: firewall with an IPS step
 * @now_ns: monotonic time
 */
void firewall_ips_tick(struct firewall *fw, uint64_t now_ns)
{
	struct firewall_ips *ips = fw->ips;

	ips_inspect_tick(ips->in, now_ns);
	if (ips->eve.fd != fw->eve.fd) /* the firewall's log was moved */
		eve_log_set_fd(&ips->eve, fw->eve.fd);
	eve_log_flush(&ips->eve);
	fast_flush(ips);
}

static int rings_init(struct firewall_ips *ips, const struct firewall *fw)
{
	struct eve_log_cfg ec = {.fd = fw->eve.fd,
				 .rate = fw->opts.log_rate,
				 .burst = fw->opts.log_burst};
	int ret;

	ips->fast.buf = malloc((size_t)FAST_RING * FAST_LINE_MAX);
	ips->fast.lens = calloc(FAST_RING, sizeof(*ips->fast.lens));
	if (!ips->fast.buf || !ips->fast.lens)
		return -ENOMEM;
	ret = eve_log_init(&ips->eve, &ec);
	if (!ret && fw->eve.fixed_clock)
		eve_log_set_wall_offset(&ips->eve, fw->eve.wall_offset_ns);
	return ret;
}

/**
 * firewall_ips_new() - an IPS step for @fw (attach it with
 * firewall_set_ips())
 * @fw: the firewall (mode, name, log fd and rate are taken from it)
 * @eng: compiled rules (ips_engine_build()); owned by the IPS step on
 *       success, still the caller's on error
 * @cfg: rules file name, fast.log fd (owned on success), sizes
 * @err: receives the reason on error
 * @errsize: size of @err
 *
 * Inline firewalls get an inline inspector (drop and reject act), one-arm
 * ones an alert-only one. Checksums are not validated: frames inside
 * dcbox may carry offloaded (partial) checksums.
 *
 * Return: the IPS step, or NULL with @err set (no memory).
 */
struct firewall_ips *firewall_ips_new(struct firewall *fw,
				      struct ips_engine *eng,
				      const struct firewall_ips_cfg *cfg,
				      char *err, size_t errsize)
{
	struct ips_inspect_cfg ic = {.inline_mode = fw->mode == FIREWALL_INLINE,
				     .max_flows = cfg->max_flows,
				     .stream_memcap = cfg->stream_memcap};
	struct firewall_ips *ips = calloc(1, sizeof(*ips));

	if (!ips)
		goto err;
	ips->fw = fw;
	ips->fast_fd = -1;
	snprintf(ips->rules, sizeof(ips->rules), "%s", cfg->rules);
	if (rings_init(ips, fw))
		goto err_free;
	ips->in = ips_inspect_create(&ic, eng, on_alert, ips);
	if (!ips->in)
		goto err_eve;
	ips->eng = eng;
	ips->fast_fd = cfg->fast_fd;
	return ips;

err_eve:
	eve_log_fini(&ips->eve);
err_free:
	free(ips->fast.buf);
	free(ips->fast.lens);
	free(ips);
err:
	snprintf(err, errsize, "firewall %s: IPS: out of memory", fw->name);
	return NULL;
}

/**
 * firewall_ips_free() - write what is queued, free the inspector, the
 * engine and the rings, close fast.log
 * @ips: IPS step, or NULL
 */
void firewall_ips_free(struct firewall_ips *ips)
{
	if (!ips)
		return;
	ips_inspect_destroy(ips->in);
	ips_engine_free(ips->eng);
	eve_log_fini(&ips->eve);
	fast_flush(ips);
	if (ips->fast_fd >= 0)
		close(ips->fast_fd);
	free(ips->fast.buf);
	free(ips->fast.lens);
	free(ips);
}

/**
 * firewall_set_ips() - give @fw an IPS step (or take it away)
 * @fw: firewall
 * @ips: from firewall_ips_new(@fw, ...), or NULL for none; the firewall
 *       owns it from now on and frees the one it had
 *
 * Between two batches (dataplane thread). Flows the old step tracked are
 * forgotten: a new step starts inspecting flows mid-stream.
 */
void firewall_set_ips(struct firewall *fw, struct firewall_ips *ips)
{
	if (fw->ips == ips)
		return;
	if (fw->ips && ips)
		fw->counters[FIREWALL_C_IPS_RELOADS]++;
	firewall_ips_free(fw->ips);
	fw->ips = ips;
}

/**
 * firewall_ips_swap_engine() - new rules for the IPS step (reload)
 * @fw: firewall with an IPS step (else @eng is just freed)
 * @eng: compiled rules; the IPS step owns them from now on
 * @rules: the rules file's name now, or NULL to keep it
 *
 * Every flow keeps its inspector state (stream, app parsers, drop/pass
 * verdicts); the next packet is inspected with @eng. The old engine is
 * freed at once: this runs between batches, nothing else holds it.
 *
 * Return: 0, or -ENOMEM: the inspector could not take @eng (its scratch
 * or flowbit arrays); @eng is freed and the old rules stay in force.
 */
int firewall_ips_swap_engine(struct firewall *fw, struct ips_engine *eng,
			     const char *rules)
{
	struct firewall_ips *ips = fw->ips;
	struct ips_engine *old;
	int err;

	if (!ips) {
		ips_engine_free(eng);
		return 0;
	}
	old = ips->eng;
	err = ips_inspect_set_engine(ips->in, eng);
	if (err) {
		ips_engine_free(eng);
		return err;
	}
	ips->eng = eng;
	ips_engine_free(old);
	if (rules)
		snprintf(ips->rules, sizeof(ips->rules), "%s", rules);
	fw->counters[FIREWALL_C_IPS_RELOADS]++;
	return 0;
}

/** firewall_get_ips() - @fw's IPS step, or NULL. @fw: firewall */
const struct firewall_ips *firewall_get_ips(const struct firewall *fw)
{
	return fw->ips;
}

/**
 * firewall_ips_engine() - the rules in use (ips_engine_ruleset() for the
 * load statistics, ips_engine_hits() per rule, ips_engine_memory())
 * @ips: IPS step
 *
 * Return: the engine; valid until the next swap.
 */
const struct ips_engine *firewall_ips_engine(const struct firewall_ips *ips)
{
	return ips->eng;
}

/** firewall_ips_rules() - the rules file's name. @ips: IPS step */
const char *firewall_ips_rules(const struct firewall_ips *ips)
{
	return ips->rules;
}

/**
 * firewall_ips_counters() - the inspector's counters
 * @ips: IPS step
 *
 * Return: IPS_IC_MAX values named by ips_inspect_counter_names.
 */
const uint64_t *firewall_ips_counters(const struct firewall_ips *ips)
{
	return ips_inspect_counters(ips->in);
}

/** firewall_ips_flows() - flows the inspector tracks now. @ips: IPS step */
uint32_t firewall_ips_flows(const struct firewall_ips *ips)
{
	return ips_inspect_flows_active(ips->in);
}

/** firewall_ips_eve() - the alert log (its counters). @ips: IPS step */
const struct eve_log *firewall_ips_eve(const struct firewall_ips *ips)
{
	return &ips->eve;
}
