/* SPDX-License-Identifier: MIT */
/*
 * firewall.h - the firewall appliance node: a stateful packet filter that
 * sits inline between two switches (a transparent bump in the wire) or
 * one-arm on a mirror (alerts only), judges IPv4/IPv6 flows with a
 * compiled policy (src/fw), tracks them with conntrack (src/ct), answers
 * rejects with a TCP RST or an ICMP unreachable, and logs denied flows as
 * EVE JSON lines (eve_log.h).
 *
 * Like the switch and the router, a firewall knows its legs only as small
 * integers (leg 0, leg 1) and sends frames through a tx callback with the
 * dataplane port id given at create time:
 *
 *	struct firewall_cfg cfg;
 *
 *	firewall_cfg_default(&cfg);
 *	snprintf(cfg.name, ...); cfg.mode = FIREWALL_INLINE;
 *	cfg.leg_port[0] = front->port.id; cfg.leg_port[1] = back->port.id;
 *	fw = firewall_create(&cfg, &dp->pool, dp_tx, dp, err, sizeof(err));
 *	firewall_set_policy(fw, &policy, err, sizeof(err));  (moves policy)
 *	dp_port_bind(dp, front, firewall_input, fw, 0);
 *	dp_port_bind(dp, back, firewall_input, fw, 1);
 *	... the daemon's tick: firewall_tick(fw, now_ns);
 *	... `dcbox reload`: build the new policy, firewall_set_policy() again
 *
 * One-arm: one leg (0), bound to the port a mirror copies into; frames
 * are judged and freed, never forwarded, never answered.
 *
 * Per packet (firewall.c has the details): parse; non-IP frames pass or
 * drop by a setting; conntrack first; a packet of a known flow allowed by
 * the current policy passes without classification, so its cost does not
 * depend on the number of rules; the first packet of a flow is classified
 * (first match wins, else the default); an allowed flow keeps its
 * conntrack entry, with the policy generation and the rule index in
 * ct_entry.mark; a denied one is killed (inline) and logged once.
 *
 * Reload (firewall_set_policy() / firewall_swap_policy()): the new policy
 * replaces the old one between two batches and the generation goes up.
 * Every flow keeps its entry; its next packet finds an old generation and
 * is re-judged with the new policy (by the flow's original 5-tuple):
 * allowed -> the mark is updated and the packet passes, so no packet of a
 * flow that stays allowed is ever dropped; denied -> the flow is cut: the
 * entry is killed, the packet dropped, a TCP flow gets a RST in both
 * directions (the sender and the peer learn at once), and a drop event is
 * logged with reason "reload". firewall_recheck_all() re-judges every flow
 * at once instead; it cannot send RSTs (conntrack keeps no L2 addresses),
 * so the lazy re-judge is the default and recheck_all is for `dcbox
 * reload --cut-now` and for the rare generation wrap (every 65535
 * reloads), where it runs by itself.
 *
 * Events (EVE JSON, one line per flow, not per packet; a flow denied again
 * within log_dedup_s is logged once):
 *  - inline, denied or rejected flow: event_type "drop", with Suricata's
 *    "drop" object (len, tos, ttl, ipid, TCP seq/ack/window and flag
 *    booleans, udplen, icmp_id/icmp_seq, reason "rules");
 *  - one-arm, flow the policy would deny: event_type "alert" with
 *    "alert": {"action": "allowed", signature_id FIREWALL_SID_BASE + rule
 *    index, "signature": "dcbox firewall NAME: would drop: RULE"}, since
 *    nothing was dropped (what Suricata writes in IDS mode);
 *  - `log: all` also logs each allowed flow's first packet as event_type
 *    "flow" with "flow": {"start", "state": "new", "action": "pass"}
 *    (Suricata writes flow events at the end of a flow; dcbox writes them
 *    at the start, since that is when the policy decides);
 *  - every event has a "firewall" object: name, mode, action, rule (index;
 *    n_rules means the default), default (bool), rule_text, rule_line,
 *    generation, reason ("policy" or "reload").
 *
 * IPS (firewall_ips.c, optional: `ips: FILE` in the topology): a packet
 * the policy passes (new flow or known) then goes through the IPS
 * inspector (src/ips/ips_inspect.h) and its rules. Inline, a drop rule
 * drops the packet and every later one of its flow (IPS_DROPPED), a
 * reject rule also sends a TCP RST both ways or an ICMP unreachable
 * (IPS_REJECTED); one-arm, every IP packet it is fed is inspected
 * (whatever the policy would do) and rules only alert. Alerts are EVE "alert"
 * events with Suricata's "alert" object (action "blocked" or "allowed")
 * in the same EVE file, and fast.log lines. firewall_ips_swap_engine()
 * replaces the rules (reload) and keeps every flow's IPS state.
 *
 * Threading: everything runs on the dataplane thread that calls
 * firewall_input(); the control side calls the set-up functions between
 * batches on that thread (single writer, no locks).
 */
#ifndef DCBOX_FIREWALL_H
#define DCBOX_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/pkt.h"
#include "eve_log.h"
#include "switch.h"

struct ct_table;
struct fw_policy;
struct fw_classifier;

enum {
	FIREWALL_LEGS = 2,
	FIREWALL_NAME_MAX = 64,
	FIREWALL_IFACE_MAX = 64,
	FIREWALL_DEDUP_SLOTS = 4096, /* flows remembered for log dedup */
	FIREWALL_DEDUP_S_DEFAULT = 60, /* a denied flow logged once per */
	FIREWALL_SID_BASE = 9000000, /* one-arm alert signature_id base */
};

/** enum firewall_mode - how the firewall is attached */
enum firewall_mode {
	FIREWALL_INLINE = 0, /* two legs, transparent L2 forwarding */
	FIREWALL_ONE_ARM, /* one leg fed by a mirror, alerts only */
};

/** enum firewall_log - which flows are logged (`log:` in the YAML) */
enum firewall_log {
	FIREWALL_LOG_NONE = 0,
	FIREWALL_LOG_DENIED, /* dropped and rejected flows (default) */
	FIREWALL_LOG_ALL, /* also allowed flows, at their first packet */
};

/*
 * FIREWALL_COUNTERS(X) - X(ENUM_SUFFIX, "counter_name", "description"):
 * struct firewall counters, named for `dcbox show firewall --json`. Every
 * frame received is counted once in exactly one of PASSED, DROPPED,
 * REJECTED, INVALID, DROP_FRAGMENT, DROP_PARSE, NON_IP_PASSED,
 * NON_IP_DROPPED, DROP_NO_LEG, IPS_DROPPED, IPS_REJECTED (one-arm counts
 * as if inline).
 */
#define FIREWALL_COUNTERS(X)                                                   \
	X(RX, "rx", "frames received")                                         \
	X(PASSED, "passed", "IP packets passed")                               \
	X(DROPPED, "dropped", "IP packets denied by a drop rule/default")      \
	X(REJECTED, "rejected", "IP packets denied by a reject rule/default")  \
	X(INVALID, "invalid", "dropped: conntrack verdict invalid")            \
	X(DROP_FRAGMENT, "drop_fragment", "dropped: IP fragment")              \
	X(DROP_PARSE, "drop_parse", "dropped: malformed frame")                \
	X(NON_IP_PASSED, "non_ip_passed", "non-IP frames (ARP...) passed")     \
	X(NON_IP_DROPPED, "non_ip_dropped", "non-IP frames dropped")           \
	X(DROP_NO_LEG, "drop_no_leg", "dropped: input on no such leg")         \
	X(NEW_ALLOWED, "new_allowed", "flows allowed at their first packet")   \
	X(NEW_DENIED, "new_denied", "flows denied at their first packet")      \
	X(RST_SENT, "rst_sent", "TCP RSTs sent")                               \
	X(ICMP_SENT, "icmp_sent", "ICMP/ICMPv6 unreachables sent")             \
	X(REJECT_QUIET, "reject_suppressed",                                   \
	  "rejects not answered (RST, error, broadcast, rate limit)")          \
	X(REJECT_NOMEM, "reject_nomem", "reject replies lost: pool empty")     \
	X(LOGGED, "logged", "EVE lines queued")                                \
	X(LOG_SUPPRESSED, "log_suppressed", "EVE lines refused: rate limit")   \
	X(LOG_DUP, "log_dup", "EVE lines skipped: flow logged recently")       \
	X(RECHECK_KEPT, "recheck_kept",                                        \
	  "flows re-judged after a reload, kept")                              \
	X(RECHECK_CUT, "recheck_cut", "flows cut after a reload")              \
	X(ALERTS, "alerts", "one-arm: flows the policy would deny")            \
	X(RELOADS, "reloads", "policies swapped in")                           \
	X(IPS_DROPPED, "ips_dropped", "IP packets dropped by an IPS rule")     \
	X(IPS_REJECTED, "ips_rejected",                                        \
	  "IP packets rejected by an IPS rule (RST/ICMP sent)")                \
	X(IPS_ALERTS, "ips_alerts", "IPS alerts logged")                       \
	X(IPS_ALERTS_LOST, "ips_alerts_lost",                                  \
	  "IPS alerts not logged: rate limit or too long")                     \
	X(IPS_RELOADS, "ips_reloads", "IPS rule sets swapped in")

/** enum firewall_counter - index into firewall_counters() */
enum firewall_counter {
#define X(e, n, d) FIREWALL_C_##e,
	FIREWALL_COUNTERS(X)
#undef X
		FIREWALL_C_MAX
};

extern const char *const firewall_counter_names[FIREWALL_C_MAX];
extern const char *const firewall_counter_descs[FIREWALL_C_MAX];

/**
 * struct firewall_opts - settings that may change while running
 * @non_ip_drop: drop non-IP frames (ARP, LLDP...); default false: pass
 * @log: enum firewall_log
 * @log_rate: EVE lines per second; 0 = unlimited
 * @log_burst: EVE lines back to back
 * @log_dedup_s: a denied flow (same 5-tuple) is logged at most once per
 *               this many seconds; 0 = every time it is denied
 * @reject_rate: ICMP unreachables per second; 0 = unlimited (RSTs are
 *               not limited: one per denied segment, never more)
 * @reject_burst: ICMP unreachables back to back
 */
struct firewall_opts {
	bool non_ip_drop;
	uint8_t log;
	uint32_t log_rate;
	uint32_t log_burst;
	uint32_t log_dedup_s;
	uint32_t reject_rate;
	uint32_t reject_burst;
};

/**
 * struct firewall_cfg - what firewall_create() needs
 * @name: the firewall's name ("fw"), in logs and `show`
 * @mode: enum firewall_mode
 * @leg_port: dataplane port id passed to tx for each leg (inline: both;
 *            one-arm: unused, nothing is sent)
 * @leg_name: in_iface of events per leg ("fw.front"); "" = NAME.legN
 * @ct_max: conntrack entries; 0 = CT_DEFAULT_MAX
 * @log_fd: O_APPEND fd for EVE lines, or -1 (the caller keeps it)
 * @opts: settings (firewall_set_opts() changes them later)
 */
struct firewall_cfg {
	char name[FIREWALL_NAME_MAX];
	enum firewall_mode mode;
	uint16_t leg_port[FIREWALL_LEGS];
	char leg_name[FIREWALL_LEGS][FIREWALL_IFACE_MAX];
	uint32_t ct_max;
	int log_fd;
	struct firewall_opts opts;
};

struct firewall;

void firewall_cfg_default(struct firewall_cfg *cfg);
struct firewall *firewall_create(const struct firewall_cfg *cfg,
				 struct pkt_pool *pool, sw_tx_fn *tx,
				 void *tx_ctx, char *err, size_t errsize);
void firewall_destroy(struct firewall *fw);
int firewall_set_policy(struct firewall *fw, struct fw_policy *policy,
			char *err, size_t errsize);
void firewall_swap_policy(struct firewall *fw, struct fw_policy *policy,
			  struct fw_classifier *cls, uint64_t now_ns);
unsigned int firewall_recheck_all(struct firewall *fw, uint64_t now_ns);
void firewall_set_opts(struct firewall *fw, const struct firewall_opts *o);
int firewall_set_log_fd(struct firewall *fw, int fd);
void firewall_set_log_sink(struct firewall *fw, eve_sink_fn *fn, void *ctx);

void firewall_input(void *node, uint16_t leg, struct pkt **pkts, unsigned int n,
		    uint64_t now_ns);
void firewall_tick(struct firewall *fw, uint64_t now_ns);

const char *firewall_name(const struct firewall *fw);
enum firewall_mode firewall_mode(const struct firewall *fw);
const char *firewall_mode_str(enum firewall_mode mode);
const struct firewall_opts *firewall_opts(const struct firewall *fw);
const uint64_t *firewall_counters(const struct firewall *fw);
struct ct_table *firewall_ct(struct firewall *fw);
const struct fw_policy *firewall_policy(const struct firewall *fw);
const struct fw_classifier *firewall_classifier(const struct firewall *fw);
uint16_t firewall_generation(const struct firewall *fw);
struct eve_log *firewall_eve(struct firewall *fw);
int firewall_rule_stats(const struct firewall *fw, uint32_t idx,
			uint64_t *packets, uint64_t *bytes);

/* The IPS step (firewall_ips.c) */
struct ips_engine;
struct firewall_ips;

enum { FIREWALL_PATH_MAX = 256 };

/**
 * struct firewall_ips_cfg - how to make a firewall's IPS step
 * @rules: the rules file, for `show ips` (text only)
 * @fast_fd: O_APPEND fd for fast.log lines, or -1; the IPS owns (closes)
 *           it once firewall_ips_new() succeeded
 * @max_flows: flows inspected at once (0: the inspector's default)
 * @stream_memcap: bytes of TCP data held out of order (0: default)
 */
struct firewall_ips_cfg {
	char rules[FIREWALL_PATH_MAX];
	int fast_fd;
	uint32_t max_flows;
	uint64_t stream_memcap;
};

struct firewall_ips *firewall_ips_new(struct firewall *fw,
				      struct ips_engine *eng,
				      const struct firewall_ips_cfg *cfg,
				      char *err, size_t errsize);
void firewall_ips_free(struct firewall_ips *ips);
void firewall_set_ips(struct firewall *fw, struct firewall_ips *ips);
int firewall_ips_swap_engine(struct firewall *fw, struct ips_engine *eng,
			     const char *rules);
const struct firewall_ips *firewall_get_ips(const struct firewall *fw);
const struct ips_engine *firewall_ips_engine(const struct firewall_ips *ips);
const char *firewall_ips_rules(const struct firewall_ips *ips);
const uint64_t *firewall_ips_counters(const struct firewall_ips *ips);
uint32_t firewall_ips_flows(const struct firewall_ips *ips);
const struct eve_log *firewall_ips_eve(const struct firewall_ips *ips);

/* Reject replies (firewall_reject.c), exported for tests and the IPS. */
int firewall_build_rst(struct pkt *out, const struct pkt *orig,
		       const struct pkt_meta *m, bool to_sender);
int firewall_build_icmp6_unreach(struct pkt *out, const struct pkt *orig,
				 const struct pkt_meta *m, uint8_t code);

#endif
