/* SPDX-License-Identifier: MIT */
/*
 * ips_detect.h - the IPS detection engine: compiled once from a loaded
 * rule set (ips_ruleset.h), then run on every inspection the inspector
 * (ips_inspect.c) describes with a struct ips_pktinfo (ips_pkt.h).
 *
 * Per inspection: one Hyperscan scan per present buffer finds the rules
 * whose fast pattern occurs, plus the rules without one that fit the
 * packet's protocol class (TCP, TCP SYN, UDP, ICMP, other) and, when
 * they name TCP/UDP ports, its ports (Suricata's signature groups,
 * coarsely); each candidate then goes through the header checks
 * (protocol, addresses, ports, direction, flow, dsize, flags, itype/icode,
 * urilen), flowbit conditions, its payload conditions (ips_match.h), then
 * flowbit actions and threshold / detection_filter. Rules that fire are
 * reported through a callback; the result is the decisive action.
 *
 * Which inspections a rule is evaluated in:
 *  - a rule is evaluated only when every buffer its conditions use is
 *    present (@bufs.present);
 *  - a rule with no payload condition (header only: itype, flags, dsize,
 *    ...) is evaluated in *packet* inspections: IPS_BUF_PAYLOAD present
 *    (possibly with length 0) and IPS_FLOW_ONLY_STREAM not set in @flow.
 *    The inspector must therefore make one packet inspection per packet,
 *    SYNs and other empty packets included;
 *  - an application rule (`alert http ...`, or using HTTP buffers) with
 *    no payload condition is evaluated in inspections that carry at least
 *    one buffer of its application protocol;
 *  - rules with dsize never match stream inspections (as in Suricata);
 *    flow:only_stream / no_stream compare with IPS_FLOW_ONLY_STREAM;
 *  - a request rule (ips_detect_request_rule(): HTTP request buffers, no
 *    response-only buffer, no flow:to_client) is taken as to_server, as
 *    Suricata infers the direction from the buffers: an HTTP response
 *    event also carries its request's buffers (ips_http.h), and such a
 *    rule had its chance on the request, so on the response it is not
 *    evaluated at all (no hit, no threshold count, no verdict).
 *
 * Order and actions (Suricata's): pass rules are evaluated first, then
 * rules that set flowbits (without testing any), then rules that set and
 * test, then the rest, each group in load order; a firing pass rule ends
 * the inspection (lower-priority rules are not evaluated). The decisive
 * action is pass > drop > reject > alert. A noalert rule fires silently
 * (not reported, not counted in n_fired) but its pass/drop/reject action
 * still counts; its alert action does not. A rule suppressed by its
 * threshold or not yet past its detection_filter counts for nothing, but
 * its flowbit actions have been applied (Suricata applies flowbits at
 * match time).
 *
 * Ownership: ips_engine_build() takes the rules over. On success the
 * rule set is moved into the engine (the caller's struct is reset to an
 * empty set, so ips_ruleset_free() on it is harmless) and lives until
 * ips_engine_free(); rule pointers handed out stay valid until then. On
 * failure the caller still owns it. ips_detect() returns res->action (an
 * enum ips_action, IPS_ACT_MAX when nothing fired); it never fails and
 * never allocates.
 *
 * Threads: an engine is read-only after ips_engine_build() except for the
 * hit counters (relaxed atomics) and the threshold table (a mutex, only
 * touched by rules with threshold/detection_filter). Each thread calling
 * ips_detect() needs its own struct ips_scratch.
 */
#ifndef DCBOX_IPS_DETECT_H
#define DCBOX_IPS_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ips/ips_pkt.h"
#include "ips/ips_rule.h"
#include "ips/ips_ruleset.h"

struct ips_engine;
struct ips_scratch;

enum {
	IPS_THRESH_ENTRIES_DEFAULT = 1 << 16, /* threshold table slots */
};

/**
 * struct ips_engine_cfg - how to build an engine
 * @naive: no multi-pattern prefilter: every rule is a candidate (the
 *         benchmark's baseline); results are the same, only slower
 * @thresh_entries: slots of the threshold/detection_filter table (0:
 *                  IPS_THRESH_ENTRIES_DEFAULT; rounded up to a power of
 *                  two; no table when no rule has a threshold). When full,
 *                  the stalest entry of a probe window is reused.
 */
struct ips_engine_cfg {
	bool naive;
	uint32_t thresh_entries;
};

/**
 * struct ips_engine_stats - what a build produced
 * @n_rules: rules in the engine (= the rule set's rules)
 * @n_prefiltered: rules with a fast pattern in a Hyperscan database
 * @n_always: rules without a fast pattern: candidates of every inspection
 *            with their buffers whose packet class and ports they fit
 * @n_port_keyed: ... of them listed by the TCP/UDP ports they name
 * @n_patterns: distinct fast patterns (all buffers)
 * @n_databases: Hyperscan databases (per buffer with patterns: one, or
 *               one per port set that holds few enough of them)
 * @n_mpm_ports: ports whose inspections scan databases of their own
 * @build_ns: wall time of ips_engine_build()
 * @prepare_ns: ... of it spent preparing rules (pcre JIT: ips_match.h)
 * @mpm_ns: ... of it spent compiling Hyperscan databases
 * @memory: bytes in use, as ips_engine_memory()
 * @thresh_evictions: threshold entries reused while still live
 */
struct ips_engine_stats {
	uint32_t n_rules;
	uint32_t n_prefiltered;
	uint32_t n_always;
	uint32_t n_port_keyed;
	uint32_t n_patterns;
	uint32_t n_databases;
	uint32_t n_mpm_ports;
	uint64_t build_ns;
	uint64_t prepare_ns;
	uint64_t mpm_ns;
	uint64_t memory;
	uint64_t thresh_evictions;
};

/**
 * struct ips_detect_result - what one inspection decided
 * @action: enum ips_action of the decisive fired rule (pass > drop >
 *          reject > alert); IPS_ACT_MAX when nothing fired
 * @rule: that rule, or NULL
 * @n_fired: rules reported to the callback
 * @n_cands: rules evaluated past the prefilter (for statistics)
 */
struct ips_detect_result {
	uint8_t action;
	const struct ips_rule *rule;
	uint32_t n_fired;
	uint32_t n_cands;
};

/**
 * typedef ips_match_fn - called for every rule that fires and is neither
 * noalert nor suppressed by a threshold, in evaluation order
 * @ctx: the caller's context
 * @r: the rule
 * @rule_idx: its index in the rule set (ips_engine_rule())
 * @p: the inspection
 */
typedef void ips_match_fn(void *ctx, const struct ips_rule *r,
			  uint32_t rule_idx, const struct ips_pktinfo *p);

/**
 * struct ips_detect_opts - where one ips_detect_ex() call takes its
 * candidates from (the evaluation itself is the same as ips_detect()'s)
 * @prefilter: scan these buffers instead of the inspection's own (NULL:
 *             @p->bufs). The same buffers must be present, and each must
 *             contain the bytes of the inspection's buffer of that kind
 *             (a stream window holding the packet's payload): fast
 *             patterns are literals, so the rules found are a superset
 * @reuse: scan nothing and take the candidates of the previous call on
 *         this scratch (whose buffers, or prefilter buffers, must have
 *         contained this inspection's, and whose protocol, ports and TCP
 *         flags were this inspection's): one Hyperscan pass serves a
 *         packet inspection and the stream window holding its payload
 * @seen: NULL, or asked (with the ctx of the call) for every rule that
 *        matched, before anything else is done for it: true means the
 *        caller has already seen that rule match these bytes (a stream
 *        window covering a packet inspected before), and the match counts
 *        for nothing - no flowbits, no threshold count, no hit, no report,
 *        no action
 *
 * A raw stream window (tail + new bytes) need not be scanned whole: the
 * caller that knows which fast patterns occur wholly inside the tail
 * (from the occurrences reported for earlier windows) passes them as
 * @carry and starts the scan of the payload buffer at @pay_from, at most
 * ips_engine_payload_overlap() bytes before the new bytes, so that every
 * occurrence touching them is still found:
 * @pay_from: payload (or prefilter payload) bytes before this are not
 *            scanned
 * @carry: pattern ids taken as found in the payload buffer
 * @n_carry: how many
 * @occ: NULL, or called for every occurrence of a payload fast pattern
 *       the scan finds, in order of its end, with the ctx of the call:
 *       the pattern id, the offset in the buffer where it starts and its
 *       length
 */
struct ips_detect_opts {
	const struct ips_bufs *prefilter;
	bool reuse;
	bool (*seen)(void *ctx, uint32_t rule_idx);
	uint32_t pay_from;
	const uint32_t *carry;
	uint32_t n_carry;
	void (*occ)(void *ctx, uint32_t pat, uint32_t start, uint32_t len);
};

int ips_engine_build(struct ips_engine **out, struct ips_ruleset *rs,
		     const struct ips_engine_cfg *cfg, char *err,
		     size_t errlen);
void ips_engine_free(struct ips_engine *e);
const struct ips_ruleset *ips_engine_ruleset(const struct ips_engine *e);
uint32_t ips_engine_rule_count(const struct ips_engine *e);
bool ips_detect_request_rule(const struct ips_rule *r);
const struct ips_rule *ips_engine_rule(const struct ips_engine *e,
				       uint32_t idx);
uint32_t ips_engine_flowbit_words(const struct ips_engine *e);
uint64_t ips_engine_hits(const struct ips_engine *e, uint32_t idx);
uint64_t ips_engine_memory(const struct ips_engine *e);
bool ips_engine_raw_inspects(const struct ips_engine *e, bool packet);
uint32_t ips_engine_payload_overlap(const struct ips_engine *e);
void ips_engine_stats(const struct ips_engine *e, struct ips_engine_stats *st);
void ips_engine_reset_state(struct ips_engine *e);

struct ips_scratch *ips_scratch_new(const struct ips_engine *e);
void ips_scratch_free(struct ips_scratch *s);

int ips_detect(struct ips_engine *e, struct ips_scratch *s,
	       struct ips_pktinfo *p, struct ips_detect_result *res,
	       ips_match_fn *fn, void *ctx);
int ips_detect_ex(struct ips_engine *e, struct ips_scratch *s,
		  struct ips_pktinfo *p, struct ips_detect_result *res,
		  ips_match_fn *fn, void *ctx, const struct ips_detect_opts *o);

#endif
