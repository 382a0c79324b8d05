// SPDX-License-Identifier: MIT
/*
 * ips_detect_mpm.c - the detection engine's Hyperscan databases, split by
 * port: for each buffer, one database per "port set" (built here by
 * ips_detect_build.c, picked per inspection by ips_detect.c).
 *
 * The ports: the (at most IPS_MPM_PORTS_MAX) ports most prefiltered rules
 * name, each named by at least PS_PORT_RULES_MIN rules, counting a rule
 * under the ports the group lists key it by (ips_detect_key_ports(): its
 * destination ports when it names at most 32, else its source ports when
 * it names that few).
 * With K ports, set 0 is the default, set 1 + i "to port i", set 1 + K
 * "from a chosen port". An inspection with ports uses the "to" set of its
 * destination port if that is one of them, else the "from" set if its
 * source port is, else the default; one without ports (ICMP) the
 * default.
 *
 * A rule goes into every set whose packets it can match (the invariant:
 * the database an inspection scans holds the fast pattern of every rule
 * that can fire on it). With P the chosen ports, a rule matching a packet
 * (sp, dp) forward needs dp in its destination ports D and sp in its
 * source ports S, so it belongs to
 *  - "to p" (p in P) when p is in D (packets to p pick it);
 *  - "from" when some p in P is in S and D is not inside P (packets from
 *    p to a port outside P pick it);
 *  - the default when neither D nor S is inside P ("any" never is);
 * and a bidirectional rule also to the sets its reversed header (D and S
 * swapped) gives; a rule only for ICMP to the default alone. A pattern
 * goes into the sets of all its rules.
 *
 * The port sets come in five blocks by the inspection's protocol and flow
 * direction: TCP to server, TCP to client, UDP to server, UDP to client,
 * and block 0 for everything else (no flow, ICMP, other protocols),
 * which holds every rule and so always uses the full database. A rule
 * with flow:to_server (or taken as such: a request rule,
 * ips_detect_request_rule()) is in no to-client block, one with
 * flow:to_client in no to-server block; a udp rule is in no TCP block
 * and a tcp (or http, tls) rule in no UDP block. ET's rules mostly name
 * a direction, so an HTTP response no longer scans the request rules'
 * patterns (ET Open: the payload database for packets from port 80
 * drops from ~1,100 patterns to ~700, its matches per response segment
 * from ~1 to ~0.3), nor the UDP rules' (~700 -> ~550; ET's 2-byte
 * literals are mostly UDP P2P rules). So a rule keyed on source port 80
 * (HTTP responses) is in "to p" for every p and in "from", not in the
 * default; a rule on destination port 445 is in "to 445" and nowhere
 * else when 445 is chosen - HTTP traffic no longer scans its pattern.
 *
 * A buffer's set gets a database of its own only when it holds at most
 * PS_SPLIT_PCT % of the buffer's patterns (the payload buffer: ET's
 * port-80 rules are ~60% of it) and has a direction; sets with the same
 * patterns share one, other sets (and the rare inspections without a
 * flow) share the buffer's full database (a superset), so HTTP buffers,
 * whose rules name no port, keep one or two. Each set's database costs a
 * compile: ET Open's payload buffer, ~0.1 s CPU per port and direction.
 * Databases compile in parallel, largest first (Hyperscan's compiler is
 * reentrant).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ips/ips_detect_priv.h"

enum {
	PS_DB_THREADS_MAX = 8, /* threads compiling Hyperscan databases */
	PS_PORT_RULES_MIN = 4, /* rules naming a port before it gets a set */
	PS_SPLIT_PCT = 75, /* a set's own database: at most this % of all */
	PS_SETS = IPS_MPM_SETS,
};

static uint64_t ps_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void ps_count_set(uint32_t *cnt, const struct ips_set *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		for (uint32_t p = (uint32_t)s->r[i].lo;
		     p <= (uint32_t)s->r[i].hi; p++)
			cnt[p]++;
}

/* Count rule @d under the ports it is keyed by */
static void ps_count_rule(uint32_t *cnt, const struct ips_drule *d)
{
	uint32_t dir;
	const struct ips_set *ports = ips_detect_key_ports(d, &dir);

	if (ports)
		ps_count_set(cnt, ports);
}

/* e->mpm_ports: the most named ports of the prefiltered rules */
static int ps_choose_ports(struct ips_engine *e, const uint32_t *pat_of)
{
	uint32_t *cnt = calloc(65536, sizeof(*cnt));

	if (!cnt)
		return -ENOMEM;
	for (uint32_t s = 0; s < e->n_rules; s++)
		if (pat_of[s] != UINT32_MAX)
			ps_count_rule(cnt, &e->rules[s]);
	e->n_mpm_ports = 0;
	while (e->n_mpm_ports < IPS_MPM_PORTS_MAX) {
		uint32_t best = 0;

		for (uint32_t p = 1; p < 65536; p++)
			if (cnt[p] > cnt[best])
				best = p;
		if (cnt[best] < PS_PORT_RULES_MIN)
			break;
		e->mpm_ports[e->n_mpm_ports++] = (uint16_t)best;
		cnt[best] = 0;
	}
	free(cnt);
	return 0;
}

static bool ps_in_ports(const struct ips_set *s, bool any, uint16_t port)
{
	return any || ips_set_contains(s, port);
}

static bool ps_is_chosen(const struct ips_engine *e, uint32_t port)
{
	for (uint32_t i = 0; i < e->n_mpm_ports; i++)
		if (e->mpm_ports[i] == port)
			return true;
	return false;
}

/* Every port of @s is a chosen one ("any" never is) */
static bool ps_inside(const struct ips_engine *e, const struct ips_set *s,
		      bool any)
{
	if (any)
		return false;
	for (uint32_t i = 0; i < s->n; i++) {
		if (s->r[i].hi - s->r[i].lo >= e->n_mpm_ports)
			return false;
		for (uint32_t p = (uint32_t)s->r[i].lo;
		     p <= (uint32_t)s->r[i].hi; p++)
			if (!ps_is_chosen(e, p))
				return false;
	}
	return true;
}

/* Some port of @s is a chosen one */
static bool ps_meets(const struct ips_engine *e, const struct ips_set *s,
		     bool any)
{
	for (uint32_t i = 0; i < e->n_mpm_ports; i++)
		if (ps_in_ports(s, any, e->mpm_ports[i]))
			return true;
	return false;
}

/* The sets a header with destination ports @d, source ports @s needs */
static uint64_t ps_side_sets(const struct ips_engine *e,
			     const struct ips_set *d, bool dany,
			     const struct ips_set *s, bool sany)
{
	bool d_in = ps_inside(e, d, dany), s_in = ps_inside(e, s, sany);
	uint32_t k = e->n_mpm_ports;
	uint64_t m = d_in || s_in ? 0 : 1;

	for (uint32_t i = 0; i < k; i++)
		if (ps_in_ports(d, dany, e->mpm_ports[i]))
			m |= 1ull << (1 + i);
	if (!d_in && ps_meets(e, s, sany))
		m |= 1ull << (1 + k);
	return m;
}

/* Port sets @m in the protocol/direction blocks rule @d can match */
static uint64_t ps_blocks(const struct ips_drule *d, uint64_t m)
{
	bool tcp = !d->proto_mask || (d->proto_mask & IPS_PBIT_TCP),
	     udp = !d->proto_mask || (d->proto_mask & IPS_PBIT_UDP),
	     ts = !(d->flow & IPS_FLOW_TO_CLIENT),
	     tc = !(d->flow & IPS_FLOW_TO_SERVER);
	uint64_t out = 0;

	if (tcp && ts)
		out |= m << IPS_MPM_PSETS;
	if (tcp && tc)
		out |= m << (2 * IPS_MPM_PSETS);
	if (udp && ts)
		out |= m << (3 * IPS_MPM_PSETS);
	if (udp && tc)
		out |= m << (4 * IPS_MPM_PSETS);
	return out;
}

/**
 * ips_detect_mpm_sets() - the port sets whose database must hold a rule
 * @e: the engine, its ports chosen
 * @d: the rule
 *
 * Return: bit b * IPS_MPM_PSETS + i set for port set i (0: the default,
 * 1 + i: to port i, 1 + K: from a chosen port, K ports) in block b (0:
 * all, 1/2: TCP to server/client, 3/4: UDP to server/client).
 */
uint64_t ips_detect_mpm_sets(const struct ips_engine *e,
			     const struct ips_drule *d)
{
	const struct ips_rule *r = d->r;
	bool sany = d->flags & IPS_DR_SPORT_ANY,
	     dany = d->flags & IPS_DR_DPORT_ANY;
	uint64_t m = 1; /* no ports (ICMP only): the default alone */

	if (d->proto_mask != IPS_PBIT_ICMP) {
		m = ps_side_sets(e, &r->dport, dany, &r->sport, sany);
		if (r->bidir)
			m |= ps_side_sets(e, &r->sport, sany, &r->dport, dany);
	}
	return m | ps_blocks(d, m);
}

/**
 * struct ps_db_job - one database, compiled by one of the workers
 * @buf: its buffer
 * @want: port sets it serves (a pattern of any of them goes in)
 * @pats: its patterns
 * @n: how many
 * @mpm: the result
 * @ret: ips_mpm_build()'s return
 * @err: its message
 */
struct ps_db_job {
	uint8_t buf;
	uint64_t want;
	struct ips_mpm_pattern *pats;
	uint32_t n;
	struct ips_mpm *mpm;
	int ret;
	char err[256];
};

/**
 * struct ps_db_jobs - the databases to compile
 * @jobs: at most PS_SETS + 1 per buffer
 * @n: how many
 * @next: the next job a worker takes (atomic)
 */
struct ps_db_jobs {
	struct ps_db_job jobs[IPS_BUF_MAX * (PS_SETS + 1)];
	uint32_t n;
	uint32_t next;
};

static void *ps_db_worker(void *arg)
{
	struct ps_db_jobs *js = arg;
	uint32_t i;

	while ((i = __atomic_fetch_add(&js->next, 1, __ATOMIC_RELAXED)) <
	       js->n) {
		struct ps_db_job *j = &js->jobs[i];
		/* the raw stream's occurrences are tracked (ips_detect.h) */
		uint32_t fl = j->buf == IPS_BUF_PAYLOAD ? IPS_MPM_ALL_MATCHES
							 : 0;

		j->ret = ips_mpm_build_ex(&j->mpm, j->pats, j->n, fl, j->err,
					  sizeof(j->err));
	}
	return NULL;
}

static void ps_db_jobs_run(struct ps_db_jobs *js)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint32_t n = cpus > 1 ? (uint32_t)cpus : 1, started = 0;
	pthread_t th[PS_DB_THREADS_MAX];

	if (n > PS_DB_THREADS_MAX)
		n = PS_DB_THREADS_MAX;
	if (n > js->n)
		n = js->n;
	for (uint32_t i = 1; i < n; i++, started++)
		if (pthread_create(&th[started], NULL, ps_db_worker, js))
			break;
	ps_db_worker(js);
	for (uint32_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

/**
 * struct ps_db_in - what the databases are made of
 * @pats: patterns by id
 * @buf: buffer by pattern id
 * @sets: port sets by pattern id
 * @n: patterns
 */
struct ps_db_in {
	const struct ips_mpm_pattern *pats;
	const uint8_t *buf;
	const uint64_t *sets;
	uint32_t n;
};

/* A job for buffer @b serving sets @want, its patterns copied in */
static int ps_add_job(struct ps_db_jobs *js, const struct ps_db_in *in,
		      uint8_t b, uint64_t want, uint32_t n)
{
	struct ps_db_job *j = &js->jobs[js->n];

	*j = (struct ps_db_job){.buf = b, .want = want};
	j->pats = calloc(n ? n : 1, sizeof(*j->pats));
	if (!j->pats)
		return -ENOMEM;
	js->n++;
	for (uint32_t id = 0; id < in->n; id++)
		if (in->buf[id] == b && (in->sets[id] & want))
			j->pats[j->n++] = in->pats[id];
	return 0;
}

/* Sets @x and @y of buffer @b hold the same patterns */
static bool ps_same_sets(const struct ps_db_in *in, uint8_t b, uint32_t x,
			 uint32_t y)
{
	for (uint32_t id = 0; id < in->n; id++)
		if (in->buf[id] == b &&
		    ((in->sets[id] >> x) & 1) != ((in->sets[id] >> y) & 1))
			return false;
	return true;
}

/*
 * Buffer @b's jobs: a set of its own when small and directed (shared with
 * the later sets of the same patterns), else the full one.
 */
static int ps_buf_jobs(struct ps_db_jobs *js, const struct ps_db_in *in,
		       uint8_t b)
{
	const uint32_t n_sets = PS_SETS;
	uint32_t cnt[PS_SETS] = {0}, total = 0;
	uint64_t full = 0, done = 0;
	int ret = 0;

	for (uint32_t id = 0; id < in->n; id++) {
		if (in->buf[id] != b)
			continue;
		total++;
		for (uint32_t k = 0; k < n_sets; k++)
			cnt[k] += (in->sets[id] >> k) & 1;
	}
	for (uint32_t k = 0; k < n_sets && !ret; k++) {
		uint64_t want = 1ull << k;

		if (!cnt[k] || (done & want))
			continue;
		if (k < IPS_MPM_PSETS ||
		    (uint64_t)cnt[k] * 100 > (uint64_t)total * PS_SPLIT_PCT) {
			full |= want;
			continue;
		}
		for (uint32_t x = k + 1; x < n_sets; x++)
			if (cnt[x] == cnt[k] && ps_same_sets(in, b, k, x))
				want |= 1ull << x;
		done |= want;
		ret = ps_add_job(js, in, b, want, cnt[k]);
	}
	if (full && !ret)
		ret = ps_add_job(js, in, b, full, total);
	return ret;
}

static void ps_sort_jobs(struct ps_db_jobs *js)
{
	for (uint32_t i = 1; i < js->n; i++)
		for (uint32_t k = i; k > 0 && js->jobs[k - 1].n < js->jobs[k].n;
		     k--) {
			struct ps_db_job x = js->jobs[k];

			js->jobs[k] = js->jobs[k - 1];
			js->jobs[k - 1] = x;
		}
}

/* Hand the compiled databases to @e; the first error into @err */
static int ps_take_jobs(struct ips_engine *e, struct ps_db_jobs *js, char *err,
			size_t errlen)
{
	int ret = 0;

	e->dbs = calloc(js->n ? js->n : 1, sizeof(*e->dbs));
	for (uint32_t i = 0; i < js->n; i++) {
		struct ps_db_job *j = &js->jobs[i];

		if (!e->dbs) {
			ips_mpm_free(j->mpm);
			continue;
		}
		e->dbs[e->n_dbs++] = j->mpm;
		for (uint32_t k = 0; k < PS_SETS; k++)
			if (j->want & (1ull << k))
				e->mpm[j->buf][k] = j->mpm;
		if (j->ret && !ret) {
			ret = j->ret;
			snprintf(err, errlen, "%s: %s", ips_buf_name(j->buf),
				 j->err);
		}
	}
	return e->dbs ? ret : -ENOMEM;
}

/**
 * ips_detect_mpm_build() - choose the ports and compile the databases
 * @e: the engine, its rules in slot order
 * @pats: the fast patterns by id (id = index)
 * @pat_buf: their buffers
 * @n: patterns
 * @pat_of: per slot, the rule's pattern id or UINT32_MAX
 * @err: the first compile error
 * @errlen: its size
 *
 * Return: 0, -ENOMEM or a compile error (what was built is freed with
 * the engine).
 */
int ips_detect_mpm_build(struct ips_engine *e,
			 const struct ips_mpm_pattern *pats,
			 const uint8_t *pat_buf, uint32_t n,
			 const uint32_t *pat_of, char *err, size_t errlen)
{
	uint64_t *sets = calloc(n ? n : 1, sizeof(*sets));
	struct ps_db_jobs *js = calloc(1, sizeof(*js));
	struct ps_db_in in = {pats, pat_buf, sets, n};
	uint64_t t0 = ps_now_ns();
	int ret = -ENOMEM;

	if (!sets || !js || ps_choose_ports(e, pat_of))
		goto out;
	for (uint32_t s = 0; s < e->n_rules; s++)
		if (pat_of[s] != UINT32_MAX)
			sets[pat_of[s]] |= ips_detect_mpm_sets(e, &e->rules[s]);
	ret = 0;
	for (uint32_t b = 0; b < IPS_BUF_MAX && !ret; b++)
		ret = ps_buf_jobs(js, &in, (uint8_t)b);
	ps_sort_jobs(js);
	if (!ret)
		ps_db_jobs_run(js);
	if (!ret)
		ret = ps_take_jobs(e, js, err, errlen);
	else
		for (uint32_t i = 0; i < js->n; i++)
			ips_mpm_free(js->jobs[i].mpm);
	e->stats.n_databases = e->n_dbs;
	e->stats.n_mpm_ports = e->n_mpm_ports;
out:
	for (uint32_t i = 0; js && i < js->n; i++)
		free(js->jobs[i].pats);
	free(js);
	free(sets);
	e->stats.mpm_ns = ps_now_ns() - t0;
	return ret;
}

/**
 * ips_detect_mpm_free() - free an engine's databases
 * @e: the engine
 */
void ips_detect_mpm_free(struct ips_engine *e)
{
	for (uint32_t i = 0; i < e->n_dbs; i++)
		ips_mpm_free(e->dbs[i]);
	free(e->dbs);
	e->dbs = NULL;
	e->n_dbs = 0;
}

/**
 * ips_detect_mpm_size() - bytes of an engine's databases
 * @e: the engine
 *
 * Return: the sum of the databases' sizes.
 */
uint64_t ips_detect_mpm_size(const struct ips_engine *e)
{
	uint64_t m = 0;

	for (uint32_t i = 0; i < e->n_dbs; i++)
		if (e->dbs[i])
			m += ips_mpm_size(e->dbs[i]);
	return m;
}

/**
 * ips_detect_mpm_scratch() - grow a Hyperscan scratch for all databases
 * @e: the engine
 * @s: the scratch (NULL: allocated)
 *
 * Return: 0 or -ENOMEM.
 */
int ips_detect_mpm_scratch(const struct ips_engine *e,
			   struct ips_mpm_scratch **s)
{
	for (uint32_t i = 0; i < e->n_dbs; i++)
		if (e->dbs[i] && ips_mpm_scratch_grow(s, e->dbs[i]))
			return -ENOMEM;
	return 0;
}
