/* SPDX-License-Identifier: MIT */
/*
 * firewall_priv.h - the firewall's state and the helpers shared by its
 * per-packet path (firewall.c), its reject replies (firewall_reject.c) and
 * its set-up side (firewall_config.c). Nobody else includes this.
 *
 * ct_entry.mark layout: bits 31-16 the policy generation that judged the
 * flow, bit 15 "denied" (one-arm only: the flow is tracked and alerted,
 * not cut), bits 14-0 the rule index (n_rules = the default). Generation 0
 * is never used, so a mark of 0 is "never judged".
 */
#ifndef DCBOX_FIREWALL_PRIV_H
#define DCBOX_FIREWALL_PRIV_H

#include "../ct/ct.h"
#include "../fw/fw_classify.h"
#include "../l3/icmp.h"
#include "firewall.h"

enum {
	FW_MARK_GEN_SHIFT = 16,
	FW_MARK_DENIED = 1u << 15,
	FW_MARK_IDX = (1u << 15) - 1,
};
_Static_assert((int)FW_RULES_MAX < (int)FW_MARK_IDX,
	       "rule index fits in the mark");

/* struct fw_dedup - one slot of the "logged recently" cache */
struct fw_dedup {
	uint64_t key; /* hash of the flow's 5-tuple, 0 = empty */
	uint64_t until_ns; /* don't log it again before this */
};

/*
 * struct firewall - one firewall. Single-threaded (see firewall.h).
 * @v6_credit_ns, @v6_last_ns: token bucket of ICMPv6 unreachables (the
 * IPv4 ones use @icmp's).
 */
struct firewall {
	char name[FIREWALL_NAME_MAX];
	enum firewall_mode mode;
	uint8_t nlegs;
	uint16_t gen;
	uint16_t leg_port[FIREWALL_LEGS];
	char leg_name[FIREWALL_LEGS][FIREWALL_IFACE_MAX];
	struct pkt_pool *pool;
	sw_tx_fn *tx;
	void *tx_ctx;
	struct firewall_opts opts;
	struct fw_policy policy;
	struct fw_classifier *cls;
	struct ct_table ct;
	struct icmp_ctx icmp;
	uint64_t v6_credit_ns;
	uint64_t v6_last_ns;
	uint64_t v6_cost_ns;
	struct eve_log eve;
	struct fw_dedup *dedup;
	struct firewall_ips *ips; /* NULL: no IPS step */
	uint64_t counters[FIREWALL_C_MAX];
	struct pkt_batch out[FIREWALL_LEGS];
};

/* Per-packet context handed between the steps of firewall.c. */
struct fw_pctx {
	struct pkt *p;
	const struct pkt_meta *m;
	uint16_t leg;
	uint64_t now_ns;
	uint64_t now_ms;
};

static inline uint32_t fw_mark(uint16_t gen, uint32_t idx, bool denied)
{
	return (uint32_t)gen << FW_MARK_GEN_SHIFT |
	       (denied ? FW_MARK_DENIED : 0) | (idx & FW_MARK_IDX);
}

void firewall_emit(struct firewall *fw, uint16_t leg, struct pkt *p);
void firewall_reject(struct firewall *fw, const struct fw_pctx *c,
		     enum fw_action act, bool cut);
void firewall_rate_init(struct firewall *fw);
unsigned int firewall_recheck_walk(struct firewall *fw, uint64_t now_ns,
				   bool all);

enum firewall_counter firewall_ips_step(struct firewall *fw,
				       const struct fw_pctx *c);
void firewall_ips_tick(struct firewall *fw, uint64_t now_ns);

/** enum fw_event - the kinds of EVE event the firewall writes */
enum fw_event {
	FW_EV_DROP, /* inline: flow denied or cut */
	FW_EV_ALERT, /* one-arm: flow the policy would deny */
	FW_EV_FLOW, /* log: all - flow allowed */
};

void firewall_log(struct firewall *fw, const struct fw_pctx *c,
		  const struct ct_entry *e, uint32_t idx, enum fw_event ev,
		  bool reload, uint64_t now_ns);

#endif
