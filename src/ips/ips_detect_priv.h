/* SPDX-License-Identifier: MIT */
/*
 * ips_detect_priv.h - the detection engine's compiled form, shared by its
 * files: ips_detect_build.c (compile a rule set: fast patterns,
 * evaluation order, scratch), ips_detect_mpm.c (the Hyperscan databases,
 * split by port), ips_detect_group.c (rules without a fast pattern),
 * ips_detect.c (the per-inspection path) and ips_detect_state.c
 * (flowbits and threshold/detection_filter state). Not for use outside
 * them.
 *
 * Rules are renumbered at build into evaluation order ("slots": pass
 * rules, then flowbit setters, then setters that also test, then the
 * rest, each in load order), so a candidate list sorted by slot is in
 * evaluation order. Pattern ids and rule lists all speak slots; only the
 * callback and ips_engine_hits() use rule-set indexes.
 *
 * Rules without a fast pattern sit in "group lists" (ips_detect_group.c):
 * one per buffer (rules whose first buffer it is), one of header-only
 * rules and one per application, each split by the packet's class
 * (enum ips_pclass) and, for TCP and UDP, by port.
 */
#ifndef DCBOX_IPS_DETECT_PRIV_H
#define DCBOX_IPS_DETECT_PRIV_H

#include <pthread.h>
#include <stdint.h>

#include "ips/ips_detect.h"
#include "ips/ips_match.h"
#include "ips/ips_mpm.h"

enum {
	IPS_MPM_PORTS_MAX = 8, /* ports with databases of their own */
	IPS_MPM_PSETS = IPS_MPM_PORTS_MAX + 2, /* default, to each, from */
	/* blocks: all (no flow, other protocols), TCP to server, TCP to
	 * client, UDP to server, UDP to client */
	IPS_MPM_BLOCKS = 5,
	IPS_MPM_SETS = IPS_MPM_PSETS * IPS_MPM_BLOCKS,
	IPS_MPM_PAY_LIT_MAX = 64, /* payload fast patterns: this prefix */
};

/* struct ips_drule flags */
enum {
	IPS_DR_SRC_ANY = 1u << 0, /* source addresses: any */
	IPS_DR_DST_ANY = 1u << 1,
	IPS_DR_SPORT_ANY = 1u << 2, /* source ports: any */
	IPS_DR_DPORT_ANY = 1u << 3,
	IPS_DR_FB_TEST = 1u << 4, /* isset / isnotset */
	IPS_DR_FB_ACT = 1u << 5, /* set / unset / toggle */
	IPS_DR_THRESH = 1u << 6, /* threshold or detection_filter */
	IPS_DR_HDR_ONLY = 1u << 7, /* no buffer: packet inspections */
	IPS_DR_APP_ONLY = 1u << 8, /* app rule without buffers */
	IPS_DR_PAYLOAD = 1u << 9, /* has payload conditions */
};

/* the groups of the evaluation order */
enum ips_drule_rank {
	IPS_RANK_PASS,
	IPS_RANK_FB_SET,
	IPS_RANK_FB_SET_TEST,
	IPS_RANK_OTHER,
};

/**
 * struct ips_drule - a rule as the engine evaluates it (one per slot)
 * @r: the rule (in the engine's rule set)
 * @idx: its index in the rule set
 * @bufs: buffers it needs present (its conditions' and urilen's)
 * @flags: IPS_DR_*
 * @proto_mask: IP protocols it applies to, as PROTO_BIT_* (0: any)
 * @app: enum ips_app it requires of the flow (IPS_APP_NONE: any)
 * @fp_buf: buffer of its fast pattern, or IPS_BUF_MAX without one
 * @flow: the IPS_FLOW_* keywords it needs: its flow option's, plus
 *        IPS_FLOW_TO_SERVER for a request rule (ips_detect_request_rule())
 */
struct ips_drule {
	const struct ips_rule *r;
	uint32_t idx;
	uint64_t bufs;
	uint32_t flags;
	uint32_t flow;
	uint8_t proto_mask;
	uint8_t app;
	uint8_t fp_buf;
};

/* struct ips_drule.proto_mask bits */
enum {
	IPS_PBIT_TCP = 1u << 0,
	IPS_PBIT_UDP = 1u << 1,
	IPS_PBIT_ICMP = 1u << 2, /* ICMP and ICMPv6 */
};

/*
 * enum ips_pclass - what a packet is, for the group lists: TCP without
 * and with SYN (flags:S rules only see the latter), UDP, ICMP (v4 and
 * v6), anything else. TCP and UDP classes have ports.
 */
enum ips_pclass {
	IPS_PC_TCP,
	IPS_PC_TCP_SYN,
	IPS_PC_UDP,
	IPS_PC_ICMP,
	IPS_PC_OTHER,
	IPS_PC_MAX,
};

/* group lists: IPS_BUF_MAX "always" lists by buffer, then these */
enum {
	IPS_GL_HDR = IPS_BUF_MAX, /* header-only rules */
	IPS_GL_APP = IPS_BUF_MAX + 1, /* + enum ips_app: app rules */
	IPS_GL_MAX = IPS_GL_APP + IPS_APP_TLS + 1,
	IPS_GL_KEYS = IPS_GL_MAX * IPS_PC_MAX, /* list * IPS_PC_MAX + class */
	IPS_GP_SRC = 1u << 16, /* port key: source port (else destination) */
};

/**
 * struct ips_list - rule slots in CSR form: list i is
 * slots[start[i] .. start[i + 1])
 * @start: n + 1 offsets
 * @slots: the slots
 */
struct ips_list {
	uint32_t *start;
	uint32_t *slots;
};

/**
 * struct ips_groups - the group lists, by key (list * IPS_PC_MAX + class)
 * @shared: slots of rules any packet of the class may fire
 * @pstart: IPS_GL_KEYS + 1 offsets into @pents
 * @pents: per key, sorted: (port key << 32) | slot, port key = port, or
 *         IPS_GP_SRC | port; a rule there may only fire when the packet
 *         has that destination (source) port
 * @used: per class, bit gl set when list gl has rules for it (most
 *        inspections of a small rule set look at no list at all)
 */
struct ips_groups {
	struct ips_list shared;
	uint32_t *pstart;
	uint64_t *pents;
	uint64_t used[IPS_PC_MAX];
};

_Static_assert(IPS_GL_MAX <= 64, "ips_groups.used holds one bit per list");

/**
 * struct ips_thresh_ent - one threshold/detection_filter tracker
 * @slot: rule slot + 1 (0: free)
 * @kind: 0 threshold:, 1 detection_filter:
 * @family: 4 or 6 (0 with by_rule)
 * @a: tracked address (source; destination for by_dst)
 * @b: second address (destination, by_both)
 * @start_ns: the window's start
 * @count: events in the window
 */
struct ips_thresh_ent {
	uint32_t slot;
	uint8_t kind;
	uint8_t family;
	uint8_t a[16];
	uint8_t b[16];
	uint64_t start_ns;
	uint32_t count;
};

/**
 * struct ips_thresh_tab - bounded threshold table (open addressing)
 * @ents: slots, allocated at build
 * @mask: slots - 1 (a power of two minus one), 0 without a table
 * @evictions: live entries reused because a probe window was full
 * @lock: held around every lookup (detection threads share the table)
 */
struct ips_thresh_tab {
	struct ips_thresh_ent *ents;
	uint32_t mask;
	uint64_t evictions;
	pthread_mutex_t lock;
};

/**
 * struct ips_engine - a compiled rule set
 * @rs: the rule set, moved in at build
 * @rules: rules by slot
 * @n_rules: slots
 * @slot_of: rule-set index -> slot
 * @hits: fired counts by slot (relaxed atomics)
 * @naive: no prefilter
 * @mpm: Hyperscan database per buffer and port set (0: default, 1 + i:
 *       to port @mpm_ports[i], 1 + @n_mpm_ports: from one of them); NULL:
 *       no pattern there. Sets may share one (ips_detect_mpm.c)
 * @mpm_ports: the ports with a port set of their own
 * @n_mpm_ports: how many
 * @dbs: the distinct databases (owned)
 * @n_dbs: how many
 * @pats: pattern id -> the slots of the rules using it
 * @n_pats: distinct patterns
 * @mpm_len: pattern id -> the length Hyperscan matches (payload patterns
 *           are cut to IPS_MPM_PAY_LIT_MAX)
 * @pay_overlap: the longest payload pattern's length - 1
 * @groups: the rules without a fast pattern, by group list and class
 * @app_bufs: app -> mask of its buffers
 * @fb_words: 64-bit words of flowbits a flow needs
 * @n_raw: rules whose only buffer is the payload (stream windows and
 *         packet inspections can fire them)
 * @n_hdr: header-only rules (packet inspections can fire them)
 * @thresh: threshold table
 * @stats: build statistics
 * @mem: bytes allocated by the build (without the Hyperscan databases)
 */
struct ips_engine {
	struct ips_ruleset rs;
	struct ips_drule *rules;
	uint32_t n_rules;
	uint32_t *slot_of;
	uint64_t *hits;
	bool naive;
	struct ips_mpm *mpm[IPS_BUF_MAX][IPS_MPM_SETS];
	uint16_t mpm_ports[IPS_MPM_PORTS_MAX];
	uint32_t n_mpm_ports;
	struct ips_mpm **dbs;
	uint32_t n_dbs;
	struct ips_list pats;
	uint32_t n_pats;
	uint16_t *mpm_len;
	uint32_t pay_overlap;
	struct ips_groups groups;
	uint64_t app_bufs[4];
	uint32_t fb_words;
	uint32_t n_raw;
	uint32_t n_hdr;
	struct ips_thresh_tab thresh;
	struct ips_engine_stats stats;
	uint64_t mem;
};

/**
 * struct ips_scratch - one thread's working memory for one engine
 * @e: the engine it was made for
 * @hs: Hyperscan scratch grown for all of @e's databases
 * @mctx: the matcher's context
 * @bits: one bit per slot: added to this inspection's candidates
 *        (all zero between inspections)
 * @lo: lowest word of @bits set in this inspection
 * @hi: highest word + 1 (@lo >= @hi: none)
 * @cands: candidate slots of this inspection
 * @n_cands: in use
 * @o: the options of the inspection being collected (NULL: none)
 * @ctx: the ctx of that ips_detect_ex() call, for @o->occ
 * @occ_base: offset in the payload buffer where its scan started
 * @last_pat: the pattern reported last (repeats skip the list walk)
 */
struct ips_scratch {
	const struct ips_engine *e;
	struct ips_mpm_scratch *hs;
	struct ips_match_ctx mctx;
	uint64_t *bits;
	uint32_t lo;
	uint32_t hi;
	uint32_t *cands;
	uint32_t n_cands;
	const struct ips_detect_opts *o;
	void *ctx;
	uint32_t occ_base;
	uint32_t last_pat;
};

int ips_detect_groups_build(struct ips_engine *e, const uint32_t *gl_of);
const struct ips_set *ips_detect_key_ports(const struct ips_drule *d,
					   uint32_t *dir);
void ips_detect_groups_free(struct ips_groups *g);
void *ips_detect_calloc(struct ips_engine *e, size_t n, size_t size);

int ips_detect_mpm_build(struct ips_engine *e,
			 const struct ips_mpm_pattern *pats,
			 const uint8_t *pat_buf, uint32_t n,
			 const uint32_t *pat_of, char *err, size_t errlen);
uint64_t ips_detect_mpm_sets(const struct ips_engine *e,
			     const struct ips_drule *d);
void ips_detect_mpm_free(struct ips_engine *e);
uint64_t ips_detect_mpm_size(const struct ips_engine *e);
int ips_detect_mpm_scratch(const struct ips_engine *e,
			   struct ips_mpm_scratch **s);

bool ips_detect_fb_test(const struct ips_rule *r, const struct ips_pktinfo *p);
void ips_detect_fb_apply(const struct ips_rule *r, struct ips_pktinfo *p);
int ips_detect_thresh_init(struct ips_thresh_tab *t, uint32_t entries);
void ips_detect_thresh_fini(struct ips_thresh_tab *t);
void ips_detect_thresh_reset(struct ips_thresh_tab *t);
bool ips_detect_thresh_ok(struct ips_thresh_tab *t, uint32_t slot,
			  const struct ips_rule *r,
			  const struct ips_pktinfo *p);

#endif
