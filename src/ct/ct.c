// SPDX-License-Identifier: MIT
/*
 * ct.c - the conntrack table (create, hash, lookup, insert, free, early
 * drop, sweep, iteration) and ct_process(), the per-packet entry point
 * that dispatches to the protocol files: ct_tcp.c (state machine and
 * windows), ct_proto.c (tuples, UDP/ICMP timeouts) and ct_icmp_err.c (ICMP
 * errors). The theory of operation is in ct.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "ct/ct_proto.h"

enum {
	CT_FULL_SWEEP = 256, /* entries scanned for an expired one when full */
};

/* ---- hashing: SipHash-1-3 of the 40-byte tuple ---- */

#define CT_ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static inline void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = CT_ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = CT_ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = CT_ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = CT_ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = CT_ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = CT_ROTL(v[2], 32);
}

static uint64_t tuple_hash(const uint64_t seed[2], const struct ct_tuple *tu)
{
	uint64_t v[4] = {
		seed[0] ^ 0x736f6d6570736575ULL,
		seed[1] ^ 0x646f72616e646f6dULL,
		seed[0] ^ 0x6c7967656e657261ULL,
		seed[1] ^ 0x7465646279746573ULL,
	};
	const uint8_t *p = (const uint8_t *)tu;
	uint64_t w;
	int i;

	for (i = 0; i < 5; i++) {
		memcpy(&w, p + 8 * i, 8);
		v[3] ^= w;
		sip_round(v);
		v[0] ^= w;
	}
	w = (uint64_t)sizeof(*tu) << 56;
	v[3] ^= w;
	sip_round(v);
	v[0] ^= w;
	v[2] ^= 0xff;
	sip_round(v);
	sip_round(v);
	sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static inline uint32_t bucket_of(const struct ct_table *t,
				 const struct ct_tuple *tu)
{
	return (uint32_t)tuple_hash(t->seed, tu) & t->hash_keep &
	       t->bucket_mask;
}

static inline uint32_t ref_of(const struct ct_table *t,
			      const struct ct_entry *e, unsigned int dir)
{
	return (uint32_t)(e - t->entries) << 1 | dir;
}

/* The entry holding @tu in either direction, expired or not. */
static struct ct_entry *lookup(const struct ct_table *t,
			       const struct ct_tuple *tu, unsigned int *dir)
{
	uint32_t ref = t->buckets[bucket_of(t, tu)];

	while (ref != CT_NIL) {
		struct ct_entry *e = &t->entries[ref >> 1];

		if (ct_tuple_equal(&e->tuple[ref & 1], tu)) {
			*dir = ref & 1;
			return e;
		}
		ref = e->hnext[ref & 1];
	}
	return NULL;
}

static void hash_link(struct ct_table *t, struct ct_entry *e, unsigned int d)
{
	uint32_t b = bucket_of(t, &e->tuple[d]);

	e->hnext[d] = t->buckets[b];
	t->buckets[b] = ref_of(t, e, d);
}

static void hash_unlink(struct ct_table *t, struct ct_entry *e, unsigned int d)
{
	uint32_t *pp = &t->buckets[bucket_of(t, &e->tuple[d])];
	uint32_t ref = ref_of(t, e, d);

	while (*pp != ref) {
		if (*pp == CT_NIL)
			return; /* not reached: every entry is linked */
		pp = &t->entries[*pp >> 1].hnext[*pp & 1];
	}
	*pp = e->hnext[d];
}

/* ---- the early-drop list (oldest first) ---- */

static void lru_add(struct ct_table *t, struct ct_entry *e)
{
	uint32_t i = (uint32_t)(e - t->entries);

	e->lru_prev = t->lru_tail;
	e->lru_next = CT_NIL;
	if (t->lru_tail != CT_NIL)
		t->entries[t->lru_tail].lru_next = i;
	else
		t->lru_head = i;
	t->lru_tail = i;
	e->flags |= CT_F_EVICTABLE;
}

static void lru_del(struct ct_table *t, struct ct_entry *e)
{
	if (e->lru_prev != CT_NIL)
		t->entries[e->lru_prev].lru_next = e->lru_next;
	else
		t->lru_head = e->lru_next;
	if (e->lru_next != CT_NIL)
		t->entries[e->lru_next].lru_prev = e->lru_prev;
	else
		t->lru_tail = e->lru_prev;
	e->flags &= ~CT_F_EVICTABLE;
}

static bool want_evictable(const struct ct_entry *e)
{
	uint8_t s = e->tcp.state;

	if (!(e->flags & CT_F_ASSURED) || (e->flags & CT_F_DYING))
		return true;
	return e->tuple[0].proto == CT_IPPROTO_TCP &&
	       (s == CT_TCP_TIME_WAIT || s == CT_TCP_CLOSE);
}

/* Keep list membership in step with the entry's flags and state. */
static void lru_update(struct ct_table *t, struct ct_entry *e)
{
	bool want = want_evictable(e);

	if (want && !(e->flags & CT_F_EVICTABLE))
		lru_add(t, e);
	else if (!want && (e->flags & CT_F_EVICTABLE))
		lru_del(t, e);
}

/* ---- entry life cycle ---- */

static void entry_free(struct ct_table *t, struct ct_entry *e)
{
	hash_unlink(t, e, CT_DIR_ORIG);
	hash_unlink(t, e, CT_DIR_REPLY);
	if (e->flags & CT_F_EVICTABLE)
		lru_del(t, e);
	e->flags = 0;
	e->hnext[0] = t->free_head;
	t->free_head = (uint32_t)(e - t->entries);
	t->count--;
}

/* Free a dead entry, counting why it died. */
static void entry_reap(struct ct_table *t, struct ct_entry *e)
{
	if (!(e->flags & CT_F_DYING))
		t->counters[CT_CNT_EXPIRED]++;
	entry_free(t, e);
}

/* Make room in a full table: evict the oldest evictable, or find a dead. */
static bool make_room(struct ct_table *t, uint64_t now_ms)
{
	struct ct_entry *e;

	if (t->lru_head != CT_NIL) {
		e = &t->entries[t->lru_head];
		if (ct_entry_expired(e, now_ms))
			entry_reap(t, e);
		else {
			t->counters[CT_CNT_EARLY_DROP]++;
			entry_free(t, e);
		}
		return true;
	}
	return ct_sweep(t, now_ms, CT_FULL_SWEEP) > 0;
}

static struct ct_entry *entry_alloc(struct ct_table *t, uint64_t now_ms)
{
	struct ct_entry *e;

	if (t->free_head == CT_NIL && !make_room(t, now_ms))
		return NULL;
	e = &t->entries[t->free_head];
	t->free_head = e->hnext[0];
	memset(e, 0, sizeof(*e));
	e->flags = CT_F_USED;
	e->created_ms = now_ms;
	t->count++;
	return e;
}

/* ---- set-up ---- */

/**
 * ct_config_default() - the default size and timeouts
 * @cfg: filled: CT_DEFAULT_MAX entries, the timeouts of CT_TCP_STATES(),
 *       UDP 30 s unreplied / 180 s replied, ICMP 30 s
 */
void ct_config_default(struct ct_config *cfg)
{
	static const uint32_t tcp[CT_TCP_STATE_MAX] = {
#define CT_TCP_TMO(name, str, tmo) [CT_TCP_##name] = tmo,
		CT_TCP_STATES(CT_TCP_TMO)
#undef CT_TCP_TMO
	};

	memset(cfg, 0, sizeof(*cfg));
	cfg->max_entries = CT_DEFAULT_MAX;
	memcpy(cfg->tcp_timeout, tcp, sizeof(tcp));
	cfg->udp_timeout = 30;
	cfg->udp_timeout_assured = 180;
	cfg->icmp_timeout = 30;
}

static void random_seed(uint64_t seed[2])
{
	struct timespec ts;

	if (getrandom(seed, 2 * sizeof(uint64_t), GRND_NONBLOCK) ==
	    2 * sizeof(uint64_t))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL;
	seed[1] = (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)seed;
}

static void reset_free_list(struct ct_table *t)
{
	uint32_t i;

	for (i = 0; i <= t->bucket_mask; i++)
		t->buckets[i] = CT_NIL;
	for (i = 0; i < t->max; i++) {
		t->entries[i].flags = 0;
		t->entries[i].hnext[0] = i + 1 < t->max ? i + 1 : CT_NIL;
	}
	t->free_head = 0;
	t->lru_head = t->lru_tail = CT_NIL;
	t->count = 0;
	t->sweep_pos = 0;
}

/**
 * ct_table_init() - allocate an empty table
 * @t: table to fill
 * @cfg: size and timeouts; NULL for ct_config_default()
 *
 * Allocates max_entries entries (about 200 bytes each) and 2 * max_entries
 * rounded up to a power of two bucket heads; nothing later.
 *
 * Return: 0, -EINVAL for a bad max_entries, -ENOMEM.
 */
int ct_table_init(struct ct_table *t, const struct ct_config *cfg)
{
	struct ct_config def;
	uint32_t n = 16;

	memset(t, 0, sizeof(*t));
	if (!cfg) {
		ct_config_default(&def);
		cfg = &def;
	}
	if (!cfg->max_entries || cfg->max_entries > CT_MAX_ENTRIES_LIMIT)
		return -EINVAL;
	while (n < 2 * cfg->max_entries)
		n <<= 1;
	t->entries = calloc(cfg->max_entries, sizeof(*t->entries));
	t->buckets = malloc((size_t)n * sizeof(*t->buckets));
	if (!t->entries || !t->buckets) {
		ct_table_fini(t);
		return -ENOMEM;
	}
	t->max = cfg->max_entries;
	t->bucket_mask = n - 1;
	t->hash_keep = UINT32_MAX;
	t->cfg = *cfg;
	random_seed(t->seed);
	reset_free_list(t);
	return 0;
}

/**
 * ct_table_fini() - free a table's memory
 * @t: table from ct_table_init(), or zeroed
 */
void ct_table_fini(struct ct_table *t)
{
	free(t->entries);
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

/**
 * ct_set_timeouts() - change the timeouts of a live table
 * @t: the table
 * @cfg: new timeouts; cfg->max_entries is ignored (fixed at init)
 *
 * Entries pick up the new value with their next packet.
 *
 * Return: 0.
 */
int ct_set_timeouts(struct ct_table *t, const struct ct_config *cfg)
{
	uint32_t max = t->cfg.max_entries;

	t->cfg = *cfg;
	t->cfg.max_entries = max;
	return 0;
}

/**
 * ct_test_collide() - for tests: put every tuple into one hash chain
 * @t: an empty table
 * @on: true to force collisions, false for the normal hash
 *
 * Return: 0, or -EBUSY if the table is not empty.
 */
int ct_test_collide(struct ct_table *t, bool on)
{
	if (t->count)
		return -EBUSY;
	t->hash_keep = on ? 0 : UINT32_MAX;
	return 0;
}

/* ---- lookups and changes used by NAT and the CLI ---- */

/**
 * ct_find() - find the live flow a tuple belongs to
 * @t: the table
 * @tu: tuple (pad zero), e.g. from ct_tuple_from_meta()
 * @now_ms: the clock; a dead entry found is freed and not returned
 * @dir: set to the direction @tu has in the flow; may be NULL
 *
 * Return: the entry or NULL.
 */
struct ct_entry *ct_find(struct ct_table *t, const struct ct_tuple *tu,
			 uint64_t now_ms, enum ct_dir *dir)
{
	unsigned int d;
	struct ct_entry *e = lookup(t, tu, &d);

	if (!e)
		return NULL;
	if (ct_entry_expired(e, now_ms)) {
		entry_reap(t, e);
		return NULL;
	}
	if (dir)
		*dir = (enum ct_dir)d;
	return e;
}

/**
 * ct_tuple_taken() - would @tu be ambiguous if another flow used it
 * @t: the table
 * @tu: a candidate reply tuple (NAT port allocation)
 * @self: the flow asking; its own reply tuple does not count
 *
 * Uses the clock of the last ct_process() call; dead entries found on the
 * way are freed.
 *
 * Return: true if a live flow other than @self holds @tu (either
 * direction), or @self holds it as its original tuple.
 */
bool ct_tuple_taken(struct ct_table *t, const struct ct_tuple *tu,
		    const struct ct_entry *self)
{
	enum ct_dir d;
	struct ct_entry *e = ct_find(t, tu, t->now_ms, &d);

	return e && !(e == self && d == CT_DIR_REPLY);
}

/**
 * ct_entry_set_reply() - replace a flow's reply tuple (NAT set-up)
 * @t: the table
 * @e: a live entry
 * @reply: the new reply tuple (pad zero)
 *
 * Return: 0, or -EEXIST if another flow holds @reply (nothing changed).
 */
int ct_entry_set_reply(struct ct_table *t, struct ct_entry *e,
		       const struct ct_tuple *reply)
{
	if (ct_tuple_taken(t, reply, e))
		return -EEXIST;
	hash_unlink(t, e, CT_DIR_REPLY);
	e->tuple[CT_DIR_REPLY] = *reply;
	hash_link(t, e, CT_DIR_REPLY);
	return 0;
}

/**
 * ct_entry_kill() - end a flow now (policy drop, failed NAT set-up)
 * @t: the table
 * @e: a live entry
 *
 * The entry stays readable until the next call that changes the table;
 * the next packet of the flow is handled as if it had never existed.
 */
void ct_entry_kill(struct ct_table *t, struct ct_entry *e)
{
	if (e->flags & CT_F_DYING)
		return;
	e->flags |= CT_F_DYING;
	e->expires_ms = 0;
	t->counters[CT_CNT_KILLED]++;
	lru_update(t, e);
}

/**
 * ct_sweep() - free dead entries in a bounded slice of the table
 * @t: the table
 * @now_ms: the clock
 * @budget: entries to look at; 0 for CT_SWEEP_DEFAULT
 *
 * Call periodically (once a second); a full pass over the table takes
 * max_entries / budget calls.
 *
 * Return: number of entries freed.
 */
unsigned int ct_sweep(struct ct_table *t, uint64_t now_ms, unsigned int budget)
{
	unsigned int freed = 0, i;

	if (!budget)
		budget = CT_SWEEP_DEFAULT;
	if (budget > t->max)
		budget = t->max;
	for (i = 0; i < budget; i++) {
		struct ct_entry *e = &t->entries[t->sweep_pos];

		if (++t->sweep_pos == t->max)
			t->sweep_pos = 0;
		if ((e->flags & CT_F_USED) && ct_entry_expired(e, now_ms)) {
			entry_reap(t, e);
			freed++;
		}
	}
	return freed;
}

/**
 * ct_flush() - remove every entry (counters are kept)
 * @t: the table
 *
 * Return: number of entries removed.
 */
unsigned int ct_flush(struct ct_table *t)
{
	unsigned int n = t->count;

	reset_free_list(t);
	return n;
}

/**
 * ct_next() - iterate over live entries, for dumps
 * @t: the table
 * @pos: cursor; start at 0; advanced past the entry returned
 * @now_ms: the clock; dead entries are skipped (not freed)
 *
 * Return: the next live entry, or NULL at the end.
 */
const struct ct_entry *ct_next(const struct ct_table *t, uint32_t *pos,
			       uint64_t now_ms)
{
	while (*pos < t->max) {
		const struct ct_entry *e = &t->entries[(*pos)++];

		if ((e->flags & CT_F_USED) && !ct_entry_expired(e, now_ms))
			return e;
	}
	return NULL;
}

/* ---- per packet ---- */

/**
 * ct_invalid() - record an invalid verdict
 * @t: the table
 * @res: result to fill (e and dir may already be set)
 * @reason: enum ct_invalid_reason
 *
 * Return: CT_INVALID.
 */
enum ct_verdict ct_invalid(struct ct_table *t, struct ct_result *res,
			   unsigned int reason)
{
	if (reason >= CT_INV_MAX)
		reason = CT_INV_NONE;
	res->verdict = CT_INVALID;
	res->reason = (uint8_t)reason;
	t->counters[CT_CNT_INVALID]++;
	t->invalid[reason]++;
	return CT_INVALID;
}

static enum ct_verdict untracked(struct ct_table *t, struct ct_result *res)
{
	t->counters[CT_CNT_UNTRACKED]++;
	res->verdict = CT_UNTRACKED;
	return CT_UNTRACKED;
}

static void account(struct ct_entry *e, unsigned int dir,
		    const struct pkt_meta *m)
{
	e->packets[dir]++;
	e->bytes[dir] += m->payload_off + m->payload_len - m->l3_off;
}

static enum ct_verdict new_flow(struct ct_table *t, const uint8_t *frame,
				const struct pkt_meta *m,
				const struct ct_tuple *tu, uint64_t now_ms,
				struct ct_result *res)
{
	struct ct_tcp tcp = {0};
	struct ct_tcp_seg seg;
	struct ct_tuple reply;
	struct ct_entry *e;
	int ret;

	if (tu->proto == CT_IPPROTO_TCP) {
		ct_tcp_seg_parse(frame, m, &seg);
		ret = ct_tcp_new(&tcp, &seg);
		if (ret)
			return ct_invalid(t, res, (unsigned int)-ret);
	} else if ((tu->proto == CT_IPPROTO_ICMP ||
		    tu->proto == CT_IPPROTO_ICMPV6) &&
		   !ct_icmp_is_request(tu->proto, m->icmp_type)) {
		return ct_invalid(t, res, CT_INV_ICMP_NO_FLOW);
	}
	ct_tuple_invert(tu, &reply);
	if (ct_find(t, &reply, now_ms, NULL))
		return ct_invalid(t, res, CT_INV_CLASH);
	e = entry_alloc(t, now_ms);
	if (!e) {
		t->counters[CT_CNT_TABLE_FULL]++;
		return ct_invalid(t, res, CT_INV_TABLE_FULL);
	}
	e->tuple[CT_DIR_ORIG] = *tu;
	e->tuple[CT_DIR_REPLY] = reply;
	e->tcp = tcp;
	e->expires_ms = now_ms + ct_timeout_ms(t, e);
	hash_link(t, e, CT_DIR_ORIG);
	hash_link(t, e, CT_DIR_REPLY);
	lru_add(t, e);
	account(e, CT_DIR_ORIG, m);
	t->counters[CT_CNT_NEW]++;
	res->e = e;
	res->created = true;
	res->verdict = CT_NEW;
	return CT_NEW;
}

/* TCP part of a known flow; 0 to go on, 1 to pass as is, <0 reason. */
static int tcp_step(struct ct_table *t, struct ct_entry *e, unsigned int dir,
		    const uint8_t *frame, const struct pkt_meta *m)
{
	struct ct_tcp_seg seg;
	bool assure;
	int ret;

	ct_tcp_seg_parse(frame, m, &seg);
	ret = ct_tcp_packet(&e->tcp, (enum ct_dir)dir, &seg, &assure);
	if (ret < 0 || ret == CT_TCP_IGNORE || ret == CT_TCP_REOPEN)
		return ret;
	if (assure && !(e->flags & CT_F_ASSURED)) {
		e->flags |= CT_F_ASSURED;
		t->counters[CT_CNT_ESTABLISHED]++;
	}
	/* Refused or aborted before any reply: nothing to keep (Linux). */
	if ((seg.flags & CT_TH_RST) && !(e->flags & CT_F_SEEN_REPLY))
		ct_entry_kill(t, e);
	return 0;
}

static enum ct_verdict known_flow(struct ct_table *t, struct ct_entry *e,
				  unsigned int dir, const uint8_t *frame,
				  const struct pkt_meta *m,
				  const struct ct_tuple *tu, uint64_t now_ms,
				  struct ct_result *res)
{
	int ret = 0;

	res->e = e;
	res->dir = (uint8_t)dir;
	if (tu->proto == CT_IPPROTO_TCP)
		ret = tcp_step(t, e, dir, frame, m);
	if (ret == CT_TCP_REOPEN) {
		t->counters[CT_CNT_REOPENED]++;
		entry_free(t, e);
		memset(res, 0, sizeof(*res));
		return new_flow(t, frame, m, tu, now_ms, res);
	}
	if (ret < 0)
		return ct_invalid(t, res, (unsigned int)-ret);
	if (dir == CT_DIR_REPLY && !(e->flags & CT_F_SEEN_REPLY)) {
		e->flags |= CT_F_SEEN_REPLY;
		if (tu->proto == CT_IPPROTO_UDP) {
			e->flags |= CT_F_ASSURED;
			t->counters[CT_CNT_ESTABLISHED]++;
		}
	}
	account(e, dir, m);
	if (ret != CT_TCP_IGNORE && !(e->flags & CT_F_DYING))
		e->expires_ms = now_ms + ct_timeout_ms(t, e);
	lru_update(t, e);
	res->verdict = e->flags & CT_F_SEEN_REPLY ? CT_ESTABLISHED : CT_NEW;
	return res->verdict;
}

/**
 * ct_process() - track one packet: the per-packet entry point
 * @t: the table
 * @frame: the frame's first byte (pkt_data()), as parsed; not modified
 * @m: its descriptor from a successful pkt_parse(), before any NAT
 * @now_ms: monotonic clock in milliseconds
 * @res: the answer (also for CT_INVALID and CT_UNTRACKED)
 *
 * Looks the packet's tuple up; if it belongs to a flow, runs the protocol
 * (TCP state and window) and refreshes the flow's timeout; if not, creates
 * a flow for a valid first packet (TCP SYN, any UDP, ICMP echo request).
 * An ICMP error is matched to the flow of the packet it quotes (RELATED).
 * Invalid packets change nothing and are counted by reason.
 *
 * Return: the verdict (enum ct_verdict), also in @res->verdict.
 */
enum ct_verdict ct_process(struct ct_table *t, const uint8_t *frame,
			   const struct pkt_meta *m, uint64_t now_ms,
			   struct ct_result *res)
{
	struct ct_tuple tu;
	struct ct_entry *e;
	enum ct_dir dir;

	memset(res, 0, sizeof(*res));
	t->now_ms = now_ms;
	if (m->l3 != PKT_L3_IPV4 && m->l3 != PKT_L3_IPV6)
		return untracked(t, res);
	if (m->flags & PKT_F_FRAG)
		return ct_invalid(t, res, CT_INV_FRAGMENT);
	if (!(m->flags & PKT_F_L4))
		return untracked(t, res);
	if (m->flags & PKT_F_ICMP_ERR)
		return ct_icmp_error(t, frame, m, now_ms, res);
	if (ct_tuple_from_meta(m, &tu))
		return untracked(t, res);
	if (tu.proto == CT_IPPROTO_TCP &&
	    !ct_tcp_flags_valid((uint8_t)m->tcp_flags))
		return ct_invalid(t, res, CT_INV_TCP_FLAGS);
	e = ct_find(t, &tu, now_ms, &dir);
	if (!e)
		return new_flow(t, frame, m, &tu, now_ms, res);
	return known_flow(t, e, dir, frame, m, &tu, now_ms, res);
}
