// SPDX-License-Identifier: MIT
/*
 * test_firewall_ips.c - the firewall's IPS step in process: frames through
 * firewall_input() with an engine compiled from a rules buffer. A drop
 * rule drops the packet and the rest of its flow; a reject rule sends a
 * RST both ways; an alert rule passes the packet; alerts reach the EVE
 * log with action blocked/allowed; a one-arm firewall only alerts; an
 * engine swap keeps the flow; established packets allocate nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fw/fw_policy.h"
#include "ips/ips_detect.h"
#include "ips/ips_ruleset.h"
#include "node/firewall.h"
#include "test_ct_frames.h"

#if !defined(__SANITIZE_ADDRESS__)
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
static int counting, allocs;

void *malloc(size_t size)
{
	allocs += counting;
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	allocs += counting;
	return __libc_calloc(n, size);
}
#else
static int counting, allocs;
#endif

enum {
	POOL = 1024,
	PORT0 = 10,
	PORT1 = 11,
	OUT_MAX = 256,
	WEB = 0x0a000001,
	DB = 0x0a000101,
	NS = 1000000000,
};

static const char POLICY[] = "define web 10.0.0.1\n"
			     "define db 10.0.1.1\n"
			     "default drop\n"
			     "allow tcp from web to db port 5432\n";

static const char RULES[] =
	"drop tcp any any -> any 5432 (msg:\"evil\"; flow:established,"
	"to_server; content:\"EVIL\"; sid:1; rev:1;)\n"
	"reject tcp any any -> any 5432 (msg:\"bad\"; flow:established,"
	"to_server; content:\"BADX\"; sid:2; rev:1;)\n"
	"alert tcp any any -> any 5432 (msg:\"note\"; flow:established,"
	"to_server; content:\"NOTE\"; classtype:misc-activity; sid:3;)\n";

static const char RULES2[] =
	"drop tcp any any -> any 5432 (msg:\"new\"; flow:established,"
	"to_server; content:\"AAAA\"; sid:10; rev:1;)\n";

struct env {
	struct pkt_pool pool;
	struct firewall *fw;
	struct pkt *outs[OUT_MAX];
	uint16_t ports[OUT_MAX];
	unsigned int nout;
	uint64_t now;
	int logfd;
	char logpath[64];
	uint32_t cseq, sseq; /* next client / server sequence numbers */
	bool onearm; /* everything arrives on leg 0 (a mirror) */
};

static void tx(void *ctx, uint16_t port, struct pkt **pkts, unsigned int n)
{
	struct env *e = ctx;
	unsigned int i;

	for (i = 0; i < n; i++) {
		assert_true(e->nout < OUT_MAX);
		e->ports[e->nout] = port;
		e->outs[e->nout++] = pkts[i];
	}
}

static void clear(struct env *e)
{
	unsigned int i;

	for (i = 0; i < e->nout; i++)
		pkt_free(&e->pool, e->outs[i]);
	e->nout = 0;
}

static struct ips_engine *engine(const char *rules)
{
	struct ips_engine_cfg cfg = {0};
	struct ips_engine *eng;
	struct ips_ruleset rs;
	struct ips_vars v;
	char err[256];

	assert_int_equal(ips_vars_init_defaults(&v), 0);
	ips_ruleset_init(&rs);
	assert_int_equal(
		ips_ruleset_load_buf(&rs, rules, strlen(rules), "t.rules", &v),
		0);
	assert_int_equal(rs.stats.failed, 0);
	assert_int_equal(ips_engine_build(&eng, &rs, &cfg, err, sizeof(err)),
			 0);
	ips_ruleset_free(&rs);
	ips_vars_free(&v);
	return eng;
}

static int setup_mode(void **state, enum firewall_mode mode)
{
	struct firewall_ips_cfg icfg = {.fast_fd = -1};
	struct env *e = calloc(1, sizeof(*e));
	struct firewall_cfg cfg;
	struct firewall_ips *ips;
	struct ips_engine *eng;
	struct fw_policy p;
	char err[256];

	assert_non_null(e);
	assert_int_equal(pkt_pool_init(&e->pool, POOL), 0);
	snprintf(e->logpath, sizeof(e->logpath), "/tmp/test_fw_ips.%d",
		 (int)getpid());
	e->logfd =
		open(e->logpath, O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0600);
	assert_true(e->logfd >= 0);
	firewall_cfg_default(&cfg);
	cfg.mode = mode;
	cfg.leg_port[0] = PORT0;
	cfg.leg_port[1] = PORT1;
	cfg.log_fd = e->logfd;
	e->fw = firewall_create(&cfg, &e->pool, tx, e, err, sizeof(err));
	assert_non_null(e->fw);
	fw_policy_init(&p);
	assert_int_equal(fw_policy_parse_buf(&p, POLICY, strlen(POLICY), "t",
					     NULL, NULL, err, sizeof(err)),
			 0);
	assert_int_equal(firewall_set_policy(e->fw, &p, err, sizeof(err)), 0);
	fw_policy_free(&p);
	eng = engine(RULES);
	snprintf(icfg.rules, sizeof(icfg.rules), "t.rules");
	ips = firewall_ips_new(e->fw, eng, &icfg, err, sizeof(err));
	assert_non_null(ips);
	firewall_set_ips(e->fw, ips);
	assert_ptr_equal(firewall_get_ips(e->fw), ips);
	e->now = 1000ull * NS;
	e->onearm = mode == FIREWALL_ONE_ARM;
	*state = e;
	return 0;
}

static int setup(void **state)
{
	return setup_mode(state, FIREWALL_INLINE);
}

static int setup_onearm(void **state)
{
	return setup_mode(state, FIREWALL_ONE_ARM);
}

static int teardown(void **state)
{
	struct env *e = *state;

	clear(e);
	firewall_destroy(e->fw);
	assert_int_equal(e->pool.nfree, POOL);
	pkt_pool_fini(&e->pool);
	close(e->logfd);
	unlink(e->logpath);
	free(e);
	return 0;
}

/* Send one frame on @leg; return how many frames came out. */
static unsigned int send_tf(struct env *e, uint16_t leg, const struct tf *t)
{
	struct pkt *p = pkt_alloc(&e->pool);

	assert_non_null(p);
	pkt_reset(p);
	memcpy(pkt_data(p), t->buf, t->len);
	p->len = t->len;
	clear(e);
	firewall_input(e->fw, e->onearm ? 0 : leg, &p, 1, e->now);
	e->now += NS / 1000;
	return e->nout;
}

/* Handshake web:40000 -> db:5432 (ISNs 1000 and 5000). */
static void handshake(struct env *e)
{
	struct tf t;

	tf_tcp4(&t, WEB, DB, 40000, 5432, 1000, 0, TF_SYN, 65535, NULL, 0, 0);
	send_tf(e, 0, &t);
	tf_tcp4(&t, DB, WEB, 5432, 40000, 5000, 1001, TF_SYN | TF_ACK, 65535,
		NULL, 0, 0);
	send_tf(e, 1, &t);
	tf_tcp4(&t, WEB, DB, 40000, 5432, 1001, 5001, TF_ACK, 65535, NULL, 0,
		0);
	send_tf(e, 0, &t);
	e->cseq = 1001;
	e->sseq = 5001;
}

/* Client data @s in one segment; return frames out. */
static unsigned int data(struct env *e, const char *s)
{
	uint32_t n = (uint32_t)strlen(s);
	struct tf t;

	tf_tcp4(&t, WEB, DB, 40000, 5432, e->cseq, e->sseq, TF_ACK | TF_PSH,
		65535, NULL, 0, n);
	memcpy(t.buf + TF_ETH + 40, s, n);
	tf_l4sum4(t.buf + TF_ETH, 20 + n, 16);
	e->cseq += n;
	return send_tf(e, 0, &t);
}

static const uint64_t *cnt(struct env *e)
{
	return firewall_counters(e->fw);
}

/* The EVE log after a tick, as one string (malloc'ed). */
static char *eve(struct env *e)
{
	char *buf = calloc(1, 1 << 16);
	ssize_t n;

	assert_non_null(buf);
	firewall_tick(e->fw, e->now);
	n = pread(e->logfd, buf, (1 << 16) - 1, 0);
	assert_true(n >= 0);
	return buf;
}

static void drop_rule_drops_flow(void **state)
{
	struct env *e = *state;
	char *log;

	handshake(e);
	assert_int_equal(data(e, "hello"), 1);
	assert_int_equal(e->ports[0], PORT1);
	assert_int_equal(data(e, "an EVIL thing"), 0);
	assert_int_equal(cnt(e)[FIREWALL_C_IPS_DROPPED], 1);
	/* and the rest of the flow */
	assert_int_equal(data(e, "harmless"), 0);
	assert_int_equal(cnt(e)[FIREWALL_C_IPS_DROPPED], 2);
	assert_int_equal(cnt(e)[FIREWALL_C_IPS_ALERTS], 1);
	log = eve(e);
	assert_non_null(strstr(log, "\"event_type\":\"alert\""));
	assert_non_null(strstr(log, "\"action\":\"blocked\""));
	assert_non_null(strstr(log, "\"signature_id\":1,"));
	assert_non_null(strstr(log, "\"signature\":\"evil\""));
	assert_non_null(strstr(log, "\"dest_port\":5432"));
	free(log);
}

static void reject_rule_sends_rsts(void **state)
{
	struct env *e = *state;
	unsigned int i, to0 = 0, to1 = 0;

	handshake(e);
	assert_int_equal(data(e, "BADX"), 2);
	for (i = 0; i < e->nout; i++) {
		struct pkt_meta m;

		assert_int_equal(
			pkt_parse(pkt_data(e->outs[i]), e->outs[i]->len, &m),
			0);
		assert_true(m.tcp_flags & TF_RST);
		to0 += e->ports[i] == PORT0;
		to1 += e->ports[i] == PORT1;
	}
	assert_int_equal(to0, 1); /* back to the client */
	assert_int_equal(to1, 1); /* on to the server */
	assert_int_equal(cnt(e)[FIREWALL_C_IPS_REJECTED], 1);
	assert_int_equal(cnt(e)[FIREWALL_C_RST_SENT], 2);
}

static void alert_rule_passes(void **state)
{
	struct env *e = *state;
	char *log;

	handshake(e);
	assert_int_equal(data(e, "a NOTE"), 1);
	assert_int_equal(cnt(e)[FIREWALL_C_IPS_ALERTS], 1);
	assert_int_equal(cnt(e)[FIREWALL_C_IPS_DROPPED], 0);
	log = eve(e);
	assert_non_null(strstr(log, "\"action\":\"allowed\""));
	assert_non_null(strstr(log, "\"signature_id\":3,"));
	free(log);
}

static void policy_drop_never_reaches_ips(void **state)
{
	struct env *e = *state;
	struct tf t;

	/* db -> web:22 is denied by the policy: the IPS never sees it */
	tf_tcp4(&t, DB, WEB, 1234, 22, 1, 0, TF_SYN, 65535, NULL, 0, 0);
	assert_int_equal(send_tf(e, 1, &t), 0);
	assert_int_equal(cnt(e)[FIREWALL_C_DROPPED], 1);
	assert_int_equal(firewall_ips_counters(firewall_get_ips(e->fw))[0], 0);
}

static void onearm_only_alerts(void **state)
{
	struct env *e = *state;
	char *log;

	handshake(e);
	assert_int_equal(data(e, "an EVIL thing"), 0); /* one-arm: never out */
	assert_int_equal(cnt(e)[FIREWALL_C_IPS_DROPPED], 0);
	assert_int_equal(cnt(e)[FIREWALL_C_IPS_ALERTS], 1);
	assert_int_equal(data(e, "more EVIL"), 0);
	assert_int_equal(cnt(e)[FIREWALL_C_IPS_ALERTS], 2);
	log = eve(e);
	assert_non_null(strstr(log, "\"action\":\"allowed\""));
	assert_null(strstr(log, "\"blocked\""));
	free(log);
}

static void swap_keeps_flow(void **state)
{
	struct env *e = *state;
	const struct firewall_ips *ips;

	handshake(e);
	assert_int_equal(data(e, "aaaa is fine now"), 1);
	firewall_ips_swap_engine(e->fw, engine(RULES2), "t2.rules");
	ips = firewall_get_ips(e->fw);
	assert_string_equal(firewall_ips_rules(ips), "t2.rules");
	assert_int_equal(cnt(e)[FIREWALL_C_IPS_RELOADS], 1);
	/* EVIL is no longer a rule; AAAA is, on the flow from before */
	assert_int_equal(data(e, "EVIL"), 1);
	assert_int_equal(data(e, "now AAAA"), 0);
	assert_int_equal(cnt(e)[FIREWALL_C_IPS_DROPPED], 1);
	assert_int_equal(ips_engine_hits(firewall_ips_engine(ips), 0), 1);
}

static void established_allocates_nothing(void **state)
{
	struct env *e = *state;
	int i;

	handshake(e);
	assert_int_equal(data(e, "warm up"), 1);
	allocs = 0;
	counting = 1;
	for (i = 0; i < 50; i++)
		assert_int_equal(data(e, "SELECT 1; a NOTE"), 1);
	counting = 0;
	assert_int_equal(allocs, 0);
	assert_int_equal(cnt(e)[FIREWALL_C_IPS_ALERTS], 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(drop_rule_drops_flow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reject_rule_sends_rsts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(alert_rule_passes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(policy_drop_never_reaches_ips,
						setup, teardown),
		cmocka_unit_test_setup_teardown(onearm_only_alerts,
						setup_onearm, teardown),
		cmocka_unit_test_setup_teardown(swap_keeps_flow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(established_allocates_nothing,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
