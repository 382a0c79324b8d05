// SPDX-License-Identifier: MIT
/*
 * firewall_log.c - the firewall's EVE events: which flows are logged (the
 * `log:` setting), the "logged recently" cache that makes it one line per
 * flow rather than per packet, and the event bodies: Suricata's "drop"
 * object, the one-arm "alert" object, the `log: all` "flow" object and
 * dcbox's own "firewall" object. Lines go through the firewall's eve_log,
 * whose token bucket keeps a flood from filling the disk (eve_log.h).
 *
 * The dedup cache is direct-mapped: FIREWALL_DEDUP_SLOTS slots indexed by
 * a hash of the flow's original 5-tuple, each holding the hash and until
 * when it stays quiet. A collision only costs an extra line. It exists
 * because inline a denied flow's entry is killed, so a retransmitted SYN
 * is a "new" flow to conntrack again; without the cache a client retrying
 * a blocked port would log every retry.
 */
#include <stdio.h>
#include <string.h>

#include "firewall_priv.h"

enum {
	NS_PER_S = 1000000000,
	FLOW_ID_BITS = 51, /* JSON-safe integer, as Suricata's flow_id */
	SIG_MAX = 640,
};

static const char *const event_types[] = {
	[FW_EV_DROP] = "drop",
	[FW_EV_ALERT] = "alert",
	[FW_EV_FLOW] = "flow",
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static uint64_t tuple_hash(const struct ct_tuple *tu)
{
	uint64_t w[5], h = 0x9e3779b97f4a7c15ull;
	int i;

	memcpy(w, tu, sizeof(w));
	for (i = 0; i < 5; i++)
		h = mix64(h ^ w[i]);
	return h | 1;
}

/* A tuple for a packet conntrack did not track (ICMP info, GRE...). */
static void tuple_from_meta(const struct pkt_meta *m, struct ct_tuple *tu)
{
	memset(tu, 0, sizeof(*tu));
	tu->src = m->src;
	tu->dst = m->dst;
	tu->proto = m->l4_proto;
	if (m->l4_proto == 6 || m->l4_proto == 17) {
		tu->sport = m->src_port;
		tu->dport = m->dst_port;
	} else if (m->flags & PKT_F_L4) {
		tu->sport = (uint16_t)(m->icmp_type << 8 | m->icmp_code);
	}
}

static void flow_from_tuple(const struct ct_tuple *tu, struct eve_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->src = tu->src;
	f->dst = tu->dst;
	f->v6 = !ct_tuple_is_v4(tu);
	f->proto = tu->proto;
	f->sport = tu->sport;
	f->dport = tu->dport;
}

static bool wanted(const struct firewall *fw, enum fw_event ev)
{
	if (ev == FW_EV_FLOW)
		return fw->opts.log == FIREWALL_LOG_ALL;
	return fw->opts.log != FIREWALL_LOG_NONE;
}

/* Was this flow logged less than log_dedup_s ago? Remembers it if not. */
static bool logged_recently(struct firewall *fw, uint64_t key, uint64_t now_ns)
{
	struct fw_dedup *d = &fw->dedup[key & (FIREWALL_DEDUP_SLOTS - 1)];

	if (!fw->opts.log_dedup_s)
		return false;
	if (d->key == key && now_ns < d->until_ns)
		return true;
	d->key = key;
	d->until_ns = now_ns + (uint64_t)fw->opts.log_dedup_s * NS_PER_S;
	return false;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_tcp(struct eve_buf *b, const uint8_t *th, uint16_t flags)
{
	eve_put_u64(b, "tcpseq", get32(th + 4));
	eve_put_u64(b, "tcpack", get32(th + 8));
	eve_put_u64(b, "tcpwin", get16(th + 14));
	eve_put_bool(b, "syn", flags & 0x02);
	eve_put_bool(b, "ack", flags & 0x10);
	eve_put_bool(b, "psh", flags & 0x08);
	eve_put_bool(b, "rst", flags & 0x04);
	eve_put_bool(b, "urg", flags & 0x20);
	eve_put_bool(b, "fin", flags & 0x01);
	eve_put_u64(b, "tcpres", th[12] & 0x0f);
	eve_put_u64(b, "tcpurgp", get16(th + 18));
}

/* Suricata's "drop" object: what the dropped packet looked like. */
static void put_drop(struct eve_buf *b, const struct fw_pctx *c)
{
	const struct pkt_meta *m = c->m;
	const uint8_t *l4 = pkt_data(c->p) + m->l4_off;
	bool l4ok = m->flags & PKT_F_L4;

	eve_obj_open(b, "drop");
	eve_put_u64(b, "len", m->payload_off + m->payload_len - m->l3_off);
	eve_put_u64(b, "tos", m->tos);
	eve_put_u64(b, "ttl", m->ttl);
	eve_put_u64(b, "ipid", m->l3 == PKT_L3_IPV4 ? m->frag_id : 0);
	if (l4ok && m->l4_proto == 6)
		put_tcp(b, l4, m->tcp_flags);
	else if (l4ok && m->l4_proto == 17)
		eve_put_u64(b, "udplen", get16(l4 + 4));
	else if (l4ok && (m->l4_proto == 1 || m->l4_proto == 58) &&
		 !(m->flags & PKT_F_ICMP_ERR)) {
		eve_put_u64(b, "icmp_id", get16(l4 + 4));
		eve_put_u64(b, "icmp_seq", get16(l4 + 6));
	}
	eve_put_str(b, "reason", "rules");
	eve_obj_close(b);
}

static const char *rule_text(const struct firewall *fw, uint32_t idx)
{
	if (idx < fw->policy.n_rules && fw->policy.rules[idx].text)
		return fw->policy.rules[idx].text;
	return NULL;
}

static void put_alert(const struct firewall *fw, struct eve_buf *b,
		      uint32_t idx, enum fw_action act)
{
	const char *text = rule_text(fw, idx);
	char sig[SIG_MAX];

	snprintf(sig, sizeof(sig), "dcbox firewall %s: would %s: %s%s",
		 fw->name, fw_action_str(act), text ? text : "default ",
		 text ? "" : fw_action_str(act));
	eve_obj_open(b, "alert");
	eve_put_str(b, "action", "allowed");
	eve_put_u64(b, "gid", 1);
	eve_put_u64(b, "signature_id", FIREWALL_SID_BASE + idx);
	eve_put_u64(b, "rev", fw->gen);
	eve_put_str(b, "signature", sig);
	eve_put_str(b, "category", "Firewall policy violation");
	eve_put_u64(b, "severity", 2);
	eve_obj_close(b);
}

static void put_flow(const struct firewall *fw, struct eve_buf *b,
		     uint64_t now_ns)
{
	eve_obj_open(b, "flow");
	eve_put_time(b, "start", now_ns + (uint64_t)fw->eve.wall_offset_ns);
	eve_put_str(b, "state", "new");
	eve_put_str(b, "action", "pass");
	eve_obj_close(b);
}

/* dcbox's "firewall" object: which firewall, rule and action. */
static void put_firewall(const struct firewall *fw, struct eve_buf *b,
			 uint32_t idx, enum fw_action act, bool reload)
{
	const char *text = rule_text(fw, idx);
	bool dflt = idx >= fw->cls->n_rules;
	char dtext[32];

	eve_obj_open(b, "firewall");
	eve_put_str(b, "name", fw->name);
	eve_put_str(b, "mode", firewall_mode_str(fw->mode));
	eve_put_str(b, "action", fw_action_str(act));
	eve_put_u64(b, "rule", idx);
	eve_put_bool(b, "default", dflt);
	if (dflt) {
		snprintf(dtext, sizeof(dtext), "default %s",
			 fw_action_str(act));
		text = dtext;
	}
	eve_put_str(b, "rule_text", text);
	if (!dflt && idx < fw->policy.n_rules)
		eve_put_u64(b, "rule_line", fw->policy.rules[idx].line);
	eve_put_u64(b, "generation", fw->gen);
	eve_put_str(b, "reason", reload ? "reload" : "policy");
	eve_obj_close(b);
}

/**
 * firewall_log() - write the EVE event of a flow decision, if the `log:`
 * setting, the dedup cache and the rate limit allow it
 * @fw: firewall
 * @c: the packet that caused it, or NULL (firewall_recheck_all())
 * @e: the flow's entry, or NULL for an untracked packet (then @c is set)
 * @idx: the rule (n_rules: the default)
 * @ev: enum fw_event
 * @reload: the flow was cut (or alerted) by a re-judge after a reload
 * @now_ns: monotonic time
 *
 * Every outcome is counted: LOGGED, LOG_DUP or LOG_SUPPRESSED.
 */
void firewall_log(struct firewall *fw, const struct fw_pctx *c,
		  const struct ct_entry *e, uint32_t idx, enum fw_event ev,
		  bool reload, uint64_t now_ns)
{
	enum fw_action act = fw_classifier_action(fw->cls, idx);
	struct ct_tuple tu;
	struct eve_flow f;
	struct eve_buf b;
	uint64_t key, id;

	if (!wanted(fw, ev))
		return;
	if (e)
		tu = e->tuple[CT_DIR_ORIG];
	else
		tuple_from_meta(c->m, &tu);
	key = tuple_hash(&tu);
	if (!reload && ev != FW_EV_FLOW && logged_recently(fw, key, now_ns)) {
		fw->counters[FIREWALL_C_LOG_DUP]++;
		return;
	}
	if (!eve_log_begin(&fw->eve, now_ns, &b)) {
		fw->counters[FIREWALL_C_LOG_SUPPRESSED]++;
		return;
	}
	if (c)
		eve_flow_from_meta(c->m, &f);
	else
		flow_from_tuple(&tu, &f);
	id = mix64(key ^ (e ? e->created_ms : 0)) &
	     ((1ull << FLOW_ID_BITS) - 1);
	eve_put_header(&b, &fw->eve, now_ns, id ? id : 1,
		       c ? fw->leg_name[c->leg] : fw->name, event_types[ev],
		       &f);
	if (ev == FW_EV_DROP && c)
		put_drop(&b, c);
	else if (ev == FW_EV_ALERT)
		put_alert(fw, &b, idx, act);
	else if (ev == FW_EV_FLOW)
		put_flow(fw, &b, now_ns);
	put_firewall(fw, &b, idx, act, reload);
	if (!eve_log_commit(&fw->eve, &b))
		fw->counters[FIREWALL_C_LOGGED]++;
}
