// SPDX-License-Identifier: MIT
/*
 * test_fw_classify.c - the firewall classifier (src/fw/fw_classify.c)
 * against a brute-force reference.
 *
 * The random test builds rule sets of 1 to 2000 rules as the test's own
 * structured model (prefixes, names, port ranges, lists, negations), renders
 * each rule as text, loads the text with fw_policy_add_rule(), compiles it
 * and classifies random packets. The expected answer comes from a linear
 * scan over the test's model with the grammar's meaning written out again
 * here, independent of fw_set and the parser; the library's own linear scan
 * (fw_policy_match()) must agree too. Packets are biased towards rule edges
 * (the first and last value of a prefix or range, and one beyond), towards
 * the ends of the address and port space, IPv6 and odd protocols, so that
 * every row boundary and every 64-rule word boundary gets exercised.
 * Fixed cases cover the issue's policy, counters, the empty policy, bursts
 * and fw_key_from_meta().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fw/fw_classify.h"

enum {
	ERR_SIZE = 512,
	MAX_ITEMS = 4,
	N_NAMES = 12,
	PKTS_PER_POLICY = 3000,
	PKT_BURST_TEST = 65, /* one more than a full burst */
};

/* One item of a spec: a value range, or a name (prefix list). */
struct item {
	bool neg;
	int name; /* -1, or index into names[] */
	uint32_t lo, hi;
};

/* An address or port spec as the test models it. */
struct spec {
	bool any;
	bool list;
	bool top_neg; /* "!" in front of the whole spec */
	int n;
	struct item items[MAX_ITEMS];
};

struct mrule {
	int action, proto;
	struct spec src, dst, sport, dport;
	bool has_sport, has_dport;
};

/* Names for the resolver: 0 (empty group) to 3 prefixes, fixed per run. */
static struct {
	int n;
	uint32_t lo[3], hi[3];
} names[N_NAMES];

/* xorshift64*: deterministic, seeded per test so failures reproduce */
static uint64_t rng_state;

/*
 * broad: many `any`s and negations, so most packets match an early rule;
 * narrow (0): mostly specific rules, so packets reach rules deep in the
 * list and the default. The tests use both.
 */
static bool broad;

static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static uint32_t rnd_below(uint32_t n)
{
	return rnd() % n;
}

/* Addresses drawn from a small pool, so that rules overlap and nest. */
static uint32_t rnd_addr(void)
{
	static const uint32_t pool[] = {
		0x00000000, 0xffffffff, 0x0a000000, 0x0a000005, 0x0a00000b,
		0x0a010203, 0xc0a80001, 0xc0a80a00, 0x7f000001, 0x80000000,
	};

	if (rnd_below(3))
		return pool[rnd_below(sizeof(pool) / sizeof(pool[0]))] ^
		       (rnd_below(2) ? rnd_below(256) << rnd_below(25) : 0);
	return rnd();
}

static void rnd_prefix(uint32_t *lo, uint32_t *hi)
{
	static const unsigned int lens[] = { 0, 1, 8, 16, 24, 30, 31, 32 };
	unsigned int len = rnd_below(3) ? lens[rnd_below(8)] : rnd_below(33);

	if (!broad && len < 8)
		len += 16;
	uint32_t mask = len ? ~0u << (32 - len) : 0;

	*lo = rnd_addr() & mask;
	*hi = *lo | ~mask;
}

static uint32_t rnd_port(void)
{
	static const uint32_t pool[] = { 0, 1, 22, 53, 80, 443, 1023, 1024,
					 5432, 8080, 65534, 65535 };

	return rnd_below(3) ? pool[rnd_below(sizeof(pool) / sizeof(pool[0]))]
			    : rnd_below(65536);
}

static void init_names(void)
{
	int i, j;

	for (i = 0; i < N_NAMES; i++) {
		names[i].n = i % 4 ? 1 + (int)rnd_below(3) : 0; /* some empty */
		for (j = 0; j < names[i].n; j++)
			rnd_prefix(&names[i].lo[j], &names[i].hi[j]);
	}
}

static int test_resolve(void *arg, const char *name, struct fw_set *out)
{
	int i, j, ret;

	(void)arg;
	if (name[0] != 'h')
		return -ENOENT;
	i = atoi(name + 1);
	if (i < 0 || i >= N_NAMES)
		return -ENOENT;
	for (j = 0; j < names[i].n; j++) {
		ret = fw_set_add(out, names[i].lo[j], names[i].hi[j]);
		if (ret)
			return ret;
	}
	return 0;
}

/* @plain: no `any` and no negation (narrow rule sets' sources) */
static void rnd_spec(struct spec *s, bool addr, bool plain)
{
	int i;

	memset(s, 0, sizeof(*s));
	if (!plain && !rnd_below(broad ? 3 : 16)) {
		s->any = true;
		return;
	}
	s->list = !rnd_below(3);
	s->top_neg = !plain && !rnd_below(broad ? 6 : 24);
	s->n = s->list ? 1 + (int)rnd_below(MAX_ITEMS) : 1;
	for (i = 0; i < s->n; i++) {
		struct item *it = &s->items[i];
		uint32_t a, b;

		it->neg = !plain && s->list && !rnd_below(4);
		it->name = addr && !rnd_below(4) ? (int)rnd_below(N_NAMES) : -1;
		if (addr) {
			rnd_prefix(&it->lo, &it->hi);
			continue;
		}
		a = rnd_port();
		b = rnd_below(2) ? a : rnd_port();
		it->lo = a < b ? a : b;
		it->hi = a < b ? b : a;
	}
}

static void rnd_rule(struct mrule *r)
{
	r->action = (int)rnd_below(FW_ACTION_MAX);
	r->proto = (int)rnd_below(FW_PROTO_MAX);
	if (!broad && r->proto == FW_PROTO_ANY && rnd_below(2))
		r->proto = FW_PROTO_TCP;
	rnd_spec(&r->src, true, !broad);
	rnd_spec(&r->dst, true, false);
	r->has_sport = r->has_dport = false;
	if (r->proto == FW_PROTO_TCP || r->proto == FW_PROTO_UDP) {
		r->has_sport = !rnd_below(4);
		r->has_dport = !rnd_below(2);
	}
	if (r->has_sport)
		rnd_spec(&r->sport, false, false);
	if (r->has_dport)
		rnd_spec(&r->dport, false, false);
}

static void print_item(FILE *f, const struct item *it, bool addr)
{
	uint32_t len = 32;

	if (it->neg)
		fputc('!', f);
	if (it->name >= 0) {
		fprintf(f, "h%d", it->name);
		return;
	}
	if (!addr) {
		fprintf(f, it->lo == it->hi ? "%u" : "%u - %u", it->lo, it->hi);
		return;
	}
	while (len && ((it->hi - it->lo) >> (32 - len)))
		len--;
	fprintf(f, "%u.%u.%u.%u/%u", it->lo >> 24, (it->lo >> 16) & 255,
		(it->lo >> 8) & 255, it->lo & 255, len);
}

static void print_spec(FILE *f, const struct spec *s, bool addr)
{
	int i;

	if (s->any) {
		fputs("any", f);
		return;
	}
	if (s->top_neg)
		fputs("! ", f);
	if (s->list)
		fputc('[', f);
	for (i = 0; i < s->n; i++) {
		fputs(i ? (rnd_below(2) ? "," : " , ") : "", f);
		print_item(f, &s->items[i], addr);
	}
	if (s->list)
		fputc(']', f);
}

static char *rule_text(const struct mrule *r)
{
	static const char *const actions[] = { "allow", "drop", "reject" };
	static const char *const protos[] = { "any", "tcp", "udp", "icmp" };
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	assert_non_null(f);
	fprintf(f, "%s %s from ", actions[r->action], protos[r->proto]);
	print_spec(f, &r->src, true);
	if (r->has_sport) {
		fputs(" port ", f);
		print_spec(f, &r->sport, false);
	}
	fputs(" to ", f);
	print_spec(f, &r->dst, true);
	if (r->has_dport) {
		fputs(" port ", f);
		print_spec(f, &r->dport, false);
	}
	assert_int_equal(fclose(f), 0);
	return out;
}

/* The reference: the grammar's meaning, spelt out without fw_set. */
static bool item_has(const struct item *it, uint32_t v)
{
	int j;

	if (it->name < 0)
		return it->lo <= v && v <= it->hi;
	for (j = 0; j < names[it->name].n; j++)
		if (names[it->name].lo[j] <= v && v <= names[it->name].hi[j])
			return true;
	return false;
}

static bool spec_has(const struct spec *s, uint32_t v)
{
	bool pos = false, any_pos = false, neg = false;
	int i;

	if (s->any)
		return true;
	for (i = 0; i < s->n; i++) {
		if (s->items[i].neg) {
			neg |= item_has(&s->items[i], v);
		} else {
			any_pos = true;
			pos |= item_has(&s->items[i], v);
		}
	}
	return ((pos || !any_pos) && !neg) != s->top_neg;
}

/*
 * IPv6: an address spec matches iff it covers all of IPv4. spec_has() is
 * constant between item edges, so checking 0 and every edge is enough.
 */
static bool spec_full(const struct spec *s)
{
	int i, j;

	if (s->any)
		return true;
	if (!spec_has(s, 0))
		return false;
	for (i = 0; i < s->n; i++) {
		const struct item *it = &s->items[i];
		int n = it->name < 0 ? 1 : names[it->name].n;

		for (j = 0; j < n; j++) {
			uint32_t lo = it->name < 0 ? it->lo
						   : names[it->name].lo[j];
			uint32_t hi = it->name < 0 ? it->hi
						   : names[it->name].hi[j];

			if (!spec_has(s, lo) ||
			    (hi != UINT32_MAX && !spec_has(s, hi + 1)))
				return false;
		}
	}
	return true;
}

static bool proto_has(int sel, uint8_t p)
{
	return sel == FW_PROTO_ANY || (sel == FW_PROTO_TCP && p == 6) ||
	       (sel == FW_PROTO_UDP && p == 17) ||
	       (sel == FW_PROTO_ICMP && (p == 1 || p == 58));
}

static bool mrule_match(const struct mrule *r, const bool *full,
			const struct fw_key *k)
{
	if (!proto_has(r->proto, k->proto))
		return false;
	if (k->v6 ? !(full[0] && full[1])
		  : !(spec_has(&r->src, k->src) && spec_has(&r->dst, k->dst)))
		return false;
	return (!r->has_sport || spec_has(&r->sport, k->sport)) &&
	       (!r->has_dport || spec_has(&r->dport, k->dport));
}

/* A value near an edge of a random item of @s, or anywhere. */
static uint32_t edge_value(const struct spec *s, bool addr)
{
	const struct item *it;
	uint32_t v;

	if (s->any || !s->n || !rnd_below(5))
		return addr ? rnd_addr() : rnd_port();
	it = &s->items[rnd_below((uint32_t)s->n)];
	if (it->name >= 0 && !names[it->name].n)
		return addr ? rnd_addr() : rnd_port();
	if (it->name >= 0) {
		int j = (int)rnd_below((uint32_t)names[it->name].n);

		v = rnd_below(2) ? names[it->name].lo[j]
				 : names[it->name].hi[j];
	} else {
		v = rnd_below(2) ? it->lo : it->hi;
	}
	v += rnd_below(3) - 1; /* one below, on, one above; wraps */
	return addr ? v : v & 0xffff;
}

static void rnd_key(const struct mrule *rules, uint32_t n, struct fw_key *k)
{
	static const uint8_t protos[] = { 6, 17, 1, 58, 47, 0, 6, 17 };
	const struct mrule *r = &rules[rnd_below(n)];

	memset(k, 0, sizeof(*k));
	k->proto = protos[rnd_below(sizeof(protos))];
	if (rnd_below(2) && r->proto != FW_PROTO_ANY)
		k->proto = r->proto == FW_PROTO_TCP   ? 6
			   : r->proto == FW_PROTO_UDP ? 17
						      : 1;
	k->v6 = !rnd_below(20);
	k->src = edge_value(&r->src, true);
	k->dst = edge_value(&rules[rnd_below(n)].dst, true);
	if (rnd_below(2))
		k->dst = edge_value(&r->dst, true);
	if (k->proto == 6 || k->proto == 17) {
		k->sport = (uint16_t)(r->has_sport ? edge_value(&r->sport, 0)
						   : rnd_port());
		k->dport = (uint16_t)(r->has_dport ? edge_value(&r->dport, 0)
						   : rnd_port());
	}
}

/* One random policy of @n rules and PKTS_PER_POLICY packets. */
static void random_round(uint32_t n)
{
	struct mrule *rules = calloc(n, sizeof(*rules));
	bool(*full)[2] = calloc(n, sizeof(*full));
	struct fw_classifier *c;
	struct fw_policy p;
	char err[ERR_SIZE];
	uint32_t i, j, want;
	struct fw_key k;

	assert_non_null(rules);
	assert_non_null(full);
	fw_policy_init(&p);
	fw_policy_set_default(&p, (enum fw_action)rnd_below(FW_ACTION_MAX));
	for (i = 0; i < n; i++) {
		struct fw_where w = { "random", i + 1, 1 };
		char *text;

		rnd_rule(&rules[i]);
		full[i][0] = spec_full(&rules[i].src);
		full[i][1] = spec_full(&rules[i].dst);
		text = rule_text(&rules[i]);
		if (fw_policy_add_rule(&p, text, &w, test_resolve, NULL, err,
				       sizeof(err)))
			print_error("%s\n  rule: %s\n", err, text);
		free(text);
		assert_int_equal(p.n_rules, i + 1);
	}
	assert_int_equal(fw_classifier_build(&p, &c), 0);
	for (i = 0; i < PKTS_PER_POLICY; i++) {
		rnd_key(rules, n, &k);
		for (want = 0; want < n; want++)
			if (mrule_match(&rules[want], full[want], &k))
				break;
		j = fw_classify(c, &k);
		if (j != want || fw_policy_match(&p, &k) != want) {
			print_error("n=%u key %08x:%u -> %08x:%u proto %u v6 %u"
				    ": classify %u, linear %u, reference %u "
				    "(%s)\n",
				    n, k.src, k.sport, k.dst, k.dport, k.proto,
				    k.v6, j, fw_policy_match(&p, &k), want,
				    want < n ? p.rules[want].text : "default");
			fail();
		}
		assert_int_equal(fw_classifier_action(c, j),
				 j < n ? rules[j].action : p.default_action);
	}
	fw_classifier_free(c);
	fw_policy_free(&p);
	free(rules);
	free(full);
}

static void random_vs_reference(void **state)
{
	static const uint32_t sizes[] = {
		1,  2,  3,   4,   5,   7,   10,  16,  31,  32,  33,  63,  64,
		65, 100, 127, 128, 129, 200, 255, 256, 257, 500, 1000, 2000,
	};
	size_t i;

	(void)state;
	rng_state = 0x9e3779b97f4a7c15ull;
	broad = false;
	init_names();
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		random_round(sizes[i]);
}

/* Broad rule sets: early matches, wide rows, many set bits per word. */
static void random_dense(void **state)
{
	int round;

	(void)state;
	rng_state = 0x0123456789abcdefull;
	broad = true;
	init_names();
	for (round = 0; round < 20; round++)
		random_round(1 + rnd_below(300));
}

static struct fw_policy issue_policy(void)
{
	static const char *const rules[] = {
		"allow tcp from [10.0.0.11, 10.0.0.12] to 10.0.0.21 port 5432",
		"allow icmp from any to any",
		"reject tcp from 10.0.0.5 to 10.0.0.21",
	};
	struct fw_policy p;
	char err[ERR_SIZE];
	size_t i;

	fw_policy_init(&p);
	for (i = 0; i < 3; i++)
		assert_int_equal(fw_policy_add_rule(&p, rules[i], NULL, NULL,
						    NULL, err, sizeof(err)),
				 0);
	return p;
}

static void issue_cases(void **state)
{
	static const struct {
		struct fw_key k;
		uint32_t rule;
		enum fw_action action;
	} cases[] = {
		/* 0 web1 -> db:5432 */
		{ { 0x0a00000b, 0x0a000015, 40000, 5432, 6, 0, 0 }, 0,
		  FW_ALLOW },
		/* 1 web2 -> db:5433 */
		{ { 0x0a00000c, 0x0a000015, 40000, 5433, 6, 0, 0 }, 3,
		  FW_DROP },
		/* 2 client -> db tcp */
		{ { 0x0a000005, 0x0a000015, 40000, 5432, 6, 0, 0 }, 2,
		  FW_REJECT },
		/* 3 client -> db udp */
		{ { 0x0a000005, 0x0a000015, 40000, 5432, 17, 0, 0 }, 3,
		  FW_DROP },
		/* 4 ping anywhere */
		{ { 0x01020304, 0x0a000015, 0, 0, 1, 0, 0 }, 1, FW_ALLOW },
		/* 5 ICMPv6 */
		{ { 0, 0, 0, 0, 58, 1, 0 }, 1, FW_ALLOW },
		/* 6 IPv6 TCP: address rules do not match v6 */
		{ { 0x0a00000b, 0x0a000015, 1, 5432, 6, 1, 0 }, 3, FW_DROP },
		/* 7 GRE */
		{ { 0x0a00000b, 0x0a000015, 0, 0, 47, 0, 0 }, 3, FW_DROP },
	};
	struct fw_policy p = issue_policy();
	struct fw_classifier *c;
	size_t i;

	(void)state;
	assert_int_equal(fw_classifier_build(&p, &c), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (fw_classify(c, &cases[i].k) != cases[i].rule)
			print_error("case %zu\n", i);
		assert_int_equal(fw_classify(c, &cases[i].k), cases[i].rule);
		assert_int_equal(fw_classifier_action(c, cases[i].rule),
				 cases[i].action);
	}
	fw_classifier_free(c);
	fw_policy_free(&p);
}

static void counters(void **state)
{
	struct fw_key web = { 0x0a00000b, 0x0a000015, 1, 5432, 6, 0, 0 };
	struct fw_key other = { 1, 2, 3, 4, 17, 0, 0 };
	struct fw_policy p = issue_policy();
	struct fw_classifier *c;
	int i;

	(void)state;
	assert_int_equal(fw_classifier_build(&p, &c), 0);
	for (i = 0; i < 5; i++)
		fw_classifier_count(c, fw_classify(c, &web), 100);
	fw_classifier_count(c, fw_classify(c, &other), 60);
	assert_int_equal(c->hits[0], 5);
	assert_int_equal(c->bytes[0], 500);
	assert_int_equal(c->hits[1], 0);
	assert_int_equal(c->hits[3], 1); /* the default */
	assert_int_equal(c->bytes[3], 60);
	fw_classifier_reset_counters(c);
	assert_int_equal(c->hits[0], 0);
	assert_int_equal(c->bytes[3], 0);
	fw_classifier_free(c);
	fw_policy_free(&p);
}

static void empty_policy(void **state)
{
	struct fw_key k = { 1, 2, 3, 4, 6, 0, 0 };
	struct fw_classifier *c;
	struct fw_policy p;

	(void)state;
	fw_policy_init(&p);
	fw_policy_set_default(&p, FW_ALLOW);
	assert_int_equal(fw_classifier_build(&p, &c), 0);
	assert_int_equal(fw_classify(c, &k), 0);
	k.v6 = 1;
	assert_int_equal(fw_classify(c, &k), 0);
	assert_int_equal(fw_classifier_action(c, 0), FW_ALLOW);
	fw_classifier_count(c, 0, 1);
	assert_int_equal(c->hits[0], 1);
	fw_classifier_free(c);
	fw_classifier_free(NULL);
	fw_policy_free(&p);
}

static void burst(void **state)
{
	struct fw_policy p = issue_policy();
	struct fw_classifier *c;
	struct fw_key keys[PKT_BURST_TEST];
	uint32_t idx[PKT_BURST_TEST];
	uint32_t i;

	(void)state;
	rng_state = 42;
	for (i = 0; i < PKT_BURST_TEST; i++) {
		memset(&keys[i], 0, sizeof(keys[i]));
		keys[i].src = 0x0a000000 | rnd_below(32);
		keys[i].dst = 0x0a000015;
		keys[i].proto = rnd_below(2) ? 6 : 1;
		keys[i].dport = rnd_below(2) ? 5432 : 80;
	}
	assert_int_equal(fw_classifier_build(&p, &c), 0);
	fw_classify_burst(c, keys, PKT_BURST_TEST, idx);
	for (i = 0; i < PKT_BURST_TEST; i++)
		assert_int_equal(idx[i], fw_classify(c, &keys[i]));
	fw_classifier_free(c);
	fw_policy_free(&p);
}

static void key_from_meta(void **state)
{
	struct pkt_meta m;
	struct fw_key k;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.l3 = PKT_L3_ARP;
	assert_false(fw_key_from_meta(&m, &k));
	m.l3 = PKT_L3_IPV4;
	m.l4_proto = 6;
	m.flags = PKT_F_L4;
	m.src.w[3] = htonl(0x0a00000b);
	m.dst.w[3] = htonl(0x0a000015);
	m.src_port = 40000;
	m.dst_port = 5432;
	assert_true(fw_key_from_meta(&m, &k));
	assert_int_equal(k.src, 0x0a00000b);
	assert_int_equal(k.dst, 0x0a000015);
	assert_int_equal(k.sport, 40000);
	assert_int_equal(k.dport, 5432);
	assert_int_equal(k.proto, 6);
	assert_int_equal(k.v6, 0);
	m.flags = PKT_F_FRAG | PKT_F_FRAG_LATER; /* no L4 header */
	assert_true(fw_key_from_meta(&m, &k));
	assert_int_equal(k.sport, 0);
	assert_int_equal(k.dport, 0);
	m.flags = PKT_F_L4;
	m.l4_proto = 1; /* ICMP: icmp_id is not a port */
	assert_true(fw_key_from_meta(&m, &k));
	assert_int_equal(k.dport, 0);
	m.l3 = PKT_L3_IPV6;
	m.l4_proto = 17;
	assert_true(fw_key_from_meta(&m, &k));
	assert_int_equal(k.v6, 1);
	assert_int_equal(k.src, 0);
	assert_int_equal(k.dport, 5432);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(issue_cases),
		cmocka_unit_test(counters),
		cmocka_unit_test(empty_policy),
		cmocka_unit_test(burst),
		cmocka_unit_test(key_from_meta),
		cmocka_unit_test(random_vs_reference),
		cmocka_unit_test(random_dense),
	};

	return cmocka_run_group_tests_name("fw_classify", tests, NULL, NULL);
}
