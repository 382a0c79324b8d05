// SPDX-License-Identifier: MIT
/*
 * nat.c - NAT set-up for a flow's first packet: the port-forward rules,
 * DNAT (nat_prerouting()), masquerade with port allocation
 * (nat_masquerade()) and the router's post-routing decision including
 * hairpin (nat_postrouting()). The per-packet rewrite is nat_rewrite.c;
 * the theory of operation is in nat.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "ct/ct_proto.h"
#include "ct/nat.h"

/**
 * nat_config_default() - ports 1024-65535, NAT_PROBE_DEFAULT tries
 * @cfg: filled
 */
void nat_config_default(struct nat_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port_min = NAT_PORT_MIN_DEFAULT;
	cfg->port_max = NAT_PORT_MAX_DEFAULT;
	cfg->probe_max = NAT_PROBE_DEFAULT;
}

/**
 * nat_init() - set up an empty NAT (no rules); allocates nothing
 * @n: to fill
 * @cfg: port range; NULL for nat_config_default()
 *
 * Return: 0, or -EINVAL if port_min is 0 or above port_max, or probe_max
 * is 0.
 */
int nat_init(struct nat *n, const struct nat_config *cfg)
{
	struct nat_config def;

	memset(n, 0, sizeof(*n));
	if (!cfg) {
		nat_config_default(&def);
		cfg = &def;
	}
	if (!cfg->port_min || cfg->port_min > cfg->port_max || !cfg->probe_max)
		return -EINVAL;
	n->cfg = *cfg;
	if (getrandom(&n->rng, sizeof(n->rng), GRND_NONBLOCK) != sizeof(n->rng))
		n->rng = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL;
	n->rng |= 1; /* xorshift must not start at 0 */
	return 0;
}

static bool addr_is_v4(const union pkt_addr *a)
{
	return a->q[0] == 0 && a->b[8] == 0 && a->b[9] == 0 &&
	       a->b[10] == 0xff && a->b[11] == 0xff;
}

/**
 * nat_set_rules() - replace the port forwards
 * @n: the NAT
 * @rules: new rules, copied
 * @count: number of them, at most NAT_RULES_MAX
 *
 * Existing flows keep the translation they got. All-or-nothing.
 *
 * Return: 0, -E2BIG for too many, -EINVAL for a rule that is not TCP/UDP
 * with IPv4 addresses and non-zero ports, -EEXIST for two rules on the
 * same published address, protocol and port.
 */
int nat_set_rules(struct nat *n, const struct nat_rule *rules, uint32_t count)
{
	uint32_t i, j;

	if (count > NAT_RULES_MAX)
		return -E2BIG;
	for (i = 0; i < count; i++) {
		const struct nat_rule *r = &rules[i];

		if ((r->proto != CT_IPPROTO_TCP &&
		     r->proto != CT_IPPROTO_UDP) ||
		    !r->ext_port || !r->int_port || !addr_is_v4(&r->ext_addr) ||
		    !addr_is_v4(&r->int_addr))
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (rules[j].proto == r->proto &&
			    rules[j].ext_port == r->ext_port &&
			    !memcmp(&rules[j].ext_addr, &r->ext_addr, 16))
				return -EEXIST;
	}
	memcpy(n->rules, rules, count * sizeof(*rules));
	n->n_rules = count;
	return 0;
}

/**
 * nat_find_rule() - the port forward for a destination
 * @n: the NAT
 * @proto: IP protocol
 * @addr: destination address
 * @port: destination port, host order
 *
 * Return: the rule, or NULL.
 */
const struct nat_rule *nat_find_rule(const struct nat *n, uint8_t proto,
				     const union pkt_addr *addr, uint16_t port)
{
	uint32_t i;

	for (i = 0; i < n->n_rules; i++) {
		const struct nat_rule *r = &n->rules[i];

		if (r->proto == proto && r->ext_port == port &&
		    !memcmp(&r->ext_addr, addr, 16))
			return r;
	}
	return NULL;
}

/**
 * nat_prerouting() - port-forward a new flow if a rule matches
 * @n: the NAT
 * @ct: the conntrack table holding @e
 * @e: a flow just created (ct_result.created), original direction
 *
 * On a match the flow's replies are expected from the internal server,
 * and nat_apply() rewrites the destination of its packets to it.
 *
 * Return: 1 if DNAT was set up, 0 if no rule matched (or @e already has
 * NAT), -EEXIST if the translated tuple belongs to another flow (counted;
 * @e is killed: drop the packet).
 */
int nat_prerouting(struct nat *n, struct ct_table *ct, struct ct_entry *e)
{
	const struct ct_tuple *o = &e->tuple[CT_DIR_ORIG];
	struct ct_tuple reply = e->tuple[CT_DIR_REPLY];
	const struct nat_rule *r;

	if (e->flags & (CT_F_DNAT | CT_F_SNAT))
		return 0;
	r = nat_find_rule(n, o->proto, &o->dst, o->dport);
	if (!r)
		return 0;
	reply.src = r->int_addr;
	reply.sport = r->int_port;
	if (ct_entry_set_reply(ct, e, &reply)) {
		n->counters[NAT_CNT_DNAT_CLASH]++;
		ct_entry_kill(ct, e);
		return -EEXIST;
	}
	e->flags |= CT_F_DNAT;
	n->counters[NAT_CNT_DNAT]++;
	return 1;
}

static uint32_t rng_next(struct nat *n)
{
	uint64_t x = n->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	n->rng = x;
	return (uint32_t)(x >> 32);
}

/* Choose reply->dport; the rest of @reply is the candidate tuple. */
static int alloc_port(struct nat *n, struct ct_table *ct,
		      const struct ct_entry *e, struct ct_tuple *reply)
{
	uint32_t lo = n->cfg.port_min;
	uint32_t span = (uint32_t)n->cfg.port_max - lo + 1;
	uint32_t tries = span < n->cfg.probe_max ? span : n->cfg.probe_max;
	uint32_t start, i;

	if (reply->dport >= lo && reply->dport <= n->cfg.port_max &&
	    !ct_tuple_taken(ct, reply, e))
		return 0;
	start = rng_next(n) % span;
	for (i = 0; i < tries; i++) {
		reply->dport = (uint16_t)(lo + (start + i) % span);
		if (!ct_tuple_taken(ct, reply, e))
			return 0;
	}
	return -EADDRNOTAVAIL;
}

/**
 * nat_masquerade() - translate a new flow's source to @addr and a free port
 * @n: the NAT
 * @ct: the conntrack table holding @e
 * @e: a flow just created, without SNAT yet
 * @addr: the new source address (the output interface's), IPv4
 *
 * TCP and UDP get a port from the configured range, ICMP echo a new
 * identifier from the same range; the original one is kept if free.
 *
 * Return: 0; -EAFNOSUPPORT for an IPv6 flow; -EADDRNOTAVAIL if no port is
 * free (counted as port_exhausted). On error @e is killed: drop the packet.
 */
int nat_masquerade(struct nat *n, struct ct_table *ct, struct ct_entry *e,
		   const union pkt_addr *addr)
{
	struct ct_tuple reply = e->tuple[CT_DIR_REPLY];
	int ret;

	if (!ct_tuple_is_v4(&reply) || !addr_is_v4(addr)) {
		n->counters[NAT_CNT_NOT_IPV4]++;
		ct_entry_kill(ct, e);
		return -EAFNOSUPPORT;
	}
	reply.dst = *addr;
	ret = alloc_port(n, ct, e, &reply);
	if (!ret)
		ret = ct_entry_set_reply(ct, e, &reply);
	if (ret) {
		n->counters[NAT_CNT_PORT_EXHAUSTED]++;
		ct_entry_kill(ct, e);
		return -EADDRNOTAVAIL;
	}
	e->flags |= CT_F_SNAT;
	n->counters[NAT_CNT_SNAT]++;
	return 0;
}

/**
 * nat_postrouting() - masquerade a new flow if its route asks for it
 * @n: the NAT
 * @ct: the conntrack table holding @e
 * @e: a flow just created (after nat_prerouting() and routing)
 * @out_addr: IPv4 address of the output interface
 * @flags: enum nat_post_flags
 *
 * SNAT is set up when the output interface masquerades (NAT_OUT_MASQ), or
 * for hairpin: a port-forwarded flow leaving by the interface it came in
 * on (NAT_SAME_IF), whose server would otherwise reply around the router.
 *
 * Return: 1 if SNAT was set up, 0 if none was needed, or an error of
 * nat_masquerade() (the flow is killed: drop the packet).
 */
int nat_postrouting(struct nat *n, struct ct_table *ct, struct ct_entry *e,
		    const union pkt_addr *out_addr, unsigned int flags)
{
	bool hairpin = (e->flags & CT_F_DNAT) && (flags & NAT_SAME_IF);
	int ret;

	if (e->flags & CT_F_SNAT)
		return 0;
	if (!(flags & NAT_OUT_MASQ) && !hairpin)
		return 0;
	ret = nat_masquerade(n, ct, e, out_addr);
	if (ret)
		return ret;
	if (hairpin) {
		e->flags |= CT_F_HAIRPIN;
		n->counters[NAT_CNT_HAIRPIN]++;
	}
	return 1;
}

static const char *const nat_counter_names[NAT_CNT_MAX] = {
#define NAT_CNT_NAME(name, str, text) [NAT_CNT_##name] = #str,
	NAT_COUNTERS(NAT_CNT_NAME)
#undef NAT_CNT_NAME
};

/**
 * nat_counter_name() - JSON name of a NAT counter
 * @counter: enum nat_counter
 *
 * Return: static string, "unknown" if out of range.
 */
const char *nat_counter_name(unsigned int counter)
{
	return counter < NAT_CNT_MAX ? nat_counter_names[counter] : "unknown";
}
