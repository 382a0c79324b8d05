/* SPDX-License-Identifier: MIT */
/*
 * fw_classify.h - the firewall policy compiled for the fast path: given a
 * packet's 5-tuple, the first rule that matches it, in time that does not
 * grow linearly with the number of rules; and per-rule counters.
 *
 * Use (control side builds, dataplane reads):
 *
 *	struct fw_classifier *c;
 *	ret = fw_classifier_build(&policy, &c);      after loading a policy
 *	...
 *	struct fw_key k;
 *	if (fw_key_from_meta(&m, &k)) {               per new flow
 *		uint32_t i = fw_classify(c, &k);      rule index, or c->n_rules
 *		fw_classifier_count(c, i, bytes);
 *		switch (fw_classifier_action(c, i)) ...
 *	}
 *	...
 *	fw_classifier_free(c);                        after the RCU grace period
 *
 * The firewall node asks conntrack first and calls fw_classify() only for
 * packets that start a flow (CT_NEW on its first packet, CT_UNTRACKED):
 * replies and ICMP errors of allowed flows never reach the classifier, so
 * their cost does not depend on the rule count at all.
 *
 * Theory of operation
 *
 * Bit-vector classification (Lakshman and Stiliadis, "High-speed policy-
 * based packet forwarding using efficient multi-dimensional range
 * matching", SIGCOMM 1998), with aggregated bit vectors (Baboescu and
 * Varghese, SIGCOMM 2001). There are five fields: source and destination
 * address, source and destination port, protocol class. On each field the
 * interval boundaries of every rule cut the value line into elementary
 * intervals ("rows"); all values of one row are matched by the same rules,
 * so each row stores that set as a bit vector with bit i for rule i. A
 * lookup finds the row of each field (a /16 block table plus a binary
 * search for addresses, a direct 64K table for ports, a 256-byte table for
 * the protocol), ANDs the five vectors and takes the lowest set bit: the
 * first matching rule, which is exactly what a linear scan returns.
 *
 * The AND runs from rule 0 upwards, 64 rules per word, and stops at the
 * first non-zero word. Each row also has an aggregate vector with bit w set
 * when word w is non-zero; ANDing the five aggregates first skips every
 * word in which some field matches no rule; when the fields are selective
 * a packet that matches nothing costs a few aggregate words, not
 * n_rules / 64 (wildcard rules weaken this, see below). Cost per lookup:
 * 5 row lookups plus at most n_rules / 64 word ANDs, with early exit; no
 * allocation.
 *
 * IPv6 packets: each address field has one extra row (index n_rows) whose
 * vector holds the rules whose set is all of IPv4 (`any`), which is what
 * fw_rule_matches() says for IPv6.
 *
 * Why this and not the others. Measured (bench/fw_bench.c, one core of
 * an AMD EPYC, release build), random policy-shaped rules, ns per new-flow
 * classification, fw_classify_burst() / one at a time / linear scan:
 *
 *	rules   keys matching a rule        mostly-default keys     memory
 *	   10      41 /   40 /    89           30 /   29 /    114     0.8 MB
 *	 1000     115 /  108 /  5088          106 /  115 /  10399     1.2 MB
 *	10000     650 /  683 / 62211          677 /  768 /  95496    36 MB
 *
 * (runs on this shared 2-core machine vary by up to a third), i.e. 90-140
 * times the linear scan at 10,000 rules. Not measured here,
 * argued instead: a HiCuts/HyperCuts decision tree can be faster but its
 * memory and depth depend on rule overlap in ways that are hard to bound,
 * and its correctness is harder to check; tuple-space search (OVS dpcls)
 * needs prefix-expanded port ranges and, with mixed prefix lengths, probes
 * many subtables because priority-ordered early exit rarely triggers. The
 * bit vector is simple and exact. Its two costs, both visible above:
 *  - time: the AND walks up to n_rules / 64 words per field when wildcard
 *    rules (`any` source, no ports) leave every aggregate word set, so at
 *    10,000 rules a lookup reads a few KB and is memory-bound (~0.7 us,
 *    1.4 M new flows/s). fw_classify_burst() overlaps the first misses of
 *    16 keys. Next steps if that ever matters: rows of a field that only
 *    hold wildcard rules shared, or a cut tree in front of the vectors.
 *  - memory: O(n_rules^2) in the worst case (about 2 * n_rules rows of
 *    n_rules / 8 bytes per address field). Policies written with host and
 *    group names have few distinct prefixes and so few rows;
 *    fw_classifier.mem says what a policy costs and FW_RULES_MAX bounds it.
 *
 * Counters: hits[] and bytes[] are indexed by rule, with index n_rules for
 * the default. They belong to the classifier, which belongs to one worker
 * thread (single writer); the control side reads them (torn reads of a
 * 64-bit counter are not possible on the 64-bit targets dcbox supports).
 * A reload builds a new classifier, so counters restart; the caller may
 * carry them over by rule text.
 */
#ifndef DCBOX_FW_CLASSIFY_H
#define DCBOX_FW_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/parse.h"
#include "fw/fw_policy.h"

enum {
	FW_BURST_GROUP = 16, /* keys whose rows fw_classify_burst() prefetches */
};

/** enum fw_field_id - the dimensions of the classifier */
enum fw_field_id {
	FW_F_SRC,
	FW_F_DST,
	FW_F_SPORT,
	FW_F_DPORT,
	FW_F_PROTO,
	FW_F_MAX,
};

/** enum fw_proto_class - rows of the protocol field */
enum fw_proto_class {
	FW_PC_OTHER, /* every IP protocol but these, only `any` matches */
	FW_PC_TCP,
	FW_PC_UDP,
	FW_PC_ICMP, /* ICMP and ICMPv6 */
	FW_PC_MAX,
};

/**
 * struct fw_field - one dimension of the bit-vector classifier
 * @n_rows: elementary intervals (rows) of the field
 * @starts: address fields: first value of each row, ascending, starts[0]=0
 * @block: address fields: [65537]; block[b] is the row holding b << 16;
 *         block[65536] is n_rows - 1
 * @map: port and protocol fields: row of each value (65536 or FW_PC_MAX)
 * @rows: (n_rows + 1) rows of fw_classifier.row_words words: first the
 *        agg_words aggregate words, then the words of the rule vector, so
 *        that a lookup's first cache line holds both; the extra row of an
 *        address field is the IPv6 row
 */
struct fw_field {
	uint32_t n_rows;
	uint32_t *starts;
	uint32_t *block;
	uint16_t *map;
	uint64_t *rows;
};

/**
 * struct fw_classifier - a compiled policy; read-only after
 * fw_classifier_build() except for the counters
 * @n_rules: rules of the policy; fw_classify() returns this for "none"
 * @words: 64-bit words per row vector, (n_rules + 63) / 64
 * @agg_words: words per aggregate vector, (words + 63) / 64
 * @row_words: agg_words + words
 * @fields: the five dimensions, by enum fw_field_id
 * @proto_class: enum fw_proto_class of each IP protocol number
 * @actions: [n_rules + 1] enum fw_action; [n_rules] is the default
 * @hits: [n_rules + 1] packets counted per rule (fw_classifier_count())
 * @bytes: [n_rules + 1] bytes counted per rule
 * @mem: bytes allocated for the lookup structures (rows and tables)
 */
struct fw_classifier {
	uint32_t n_rules;
	uint32_t words;
	uint32_t agg_words;
	uint32_t row_words;
	struct fw_field fields[FW_F_MAX];
	uint8_t proto_class[256];
	uint8_t *actions;
	uint64_t *hits;
	uint64_t *bytes;
	size_t mem;
};

int fw_classifier_build(const struct fw_policy *p,
			struct fw_classifier **out);
void fw_classifier_free(struct fw_classifier *c);
uint32_t fw_classify(const struct fw_classifier *c, const struct fw_key *k);
void fw_classify_burst(const struct fw_classifier *c,
		       const struct fw_key *keys, uint32_t n, uint32_t *idx);
bool fw_key_from_meta(const struct pkt_meta *m, struct fw_key *k);
void fw_classifier_reset_counters(struct fw_classifier *c);

/**
 * fw_classifier_action() - the action of rule @idx (or of the default)
 * @c: classifier
 * @idx: a result of fw_classify(), 0..c->n_rules
 *
 * Return: enum fw_action.
 */
static inline enum fw_action fw_classifier_action(const struct fw_classifier *c,
						  uint32_t idx)
{
	return (enum fw_action)c->actions[idx];
}

/**
 * fw_classifier_count() - count one packet of @size bytes for rule @idx
 * @c: classifier; only its owning worker calls this
 * @idx: a result of fw_classify(), 0..c->n_rules (the default)
 * @size: bytes of the packet
 */
static inline void fw_classifier_count(struct fw_classifier *c, uint32_t idx,
				       uint32_t size)
{
	c->hits[idx]++;
	c->bytes[idx] += size;
}

#endif
