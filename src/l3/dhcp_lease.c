// SPDX-License-Identifier: MIT
/*
 * dhcp_lease.c - the DHCP server's lease table and its lease file.
 *
 * dhcp_server.c decides what a message means; this file answers "which
 * address for this client" and remembers the answer (see dhcp_lease.h for
 * the table's layout). It also writes the bound leases to a text file and
 * reads them back at start, so clients keep their addresses across a
 * daemon restart.
 *
 * Theory of operation
 *
 * A client is its chaddr, plus its client identifier (option 61) when both
 * the lease and the request carry one; a reserved slot matches on the MAC
 * alone. A client owns at most one slot: giving it a slot frees any other
 * it held. States are stored with an expiry and read through
 * dhcp_lease_state_at(), so nothing needs a timer: a BOUND slot past its
 * time reads as EXPIRED, an OFFERED one past its hold as EXPIRED, a
 * DECLINED one past its rest as FREE. EXPIRED and RELEASED slots keep their
 * MAC, so a returning client gets its old address back; allocation for a
 * new client takes the lowest never-used slot, and only then the one that
 * expired longest ago. A client with a reservation gets its reserved
 * address and nothing else, and reserved addresses are never allocated
 * dynamically.
 *
 * Lease file: one line per BOUND lease,
 *
 *   IP MAC EXPIRES CLIENT-ID HOSTNAME
 *   10.1.0.100 02:00:00:aa:00:01 1700003600 01020000aa0001 web1
 *
 * EXPIRES in Unix seconds, CLIENT-ID in hex, "-" for an absent field; '#'
 * starts a comment line. It is rewritten whole, at most once a second,
 * through a temporary file that is fsync()ed and renamed over the old one
 * (then the directory is fsync()ed), so a crash leaves the old or the new
 * file and never a mix. At load, leases already expired, outside the table
 * or contradicting a reservation are skipped and counted; a line that does
 * not parse rejects the whole file, which is set aside as ".corrupt".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "l3/dhcp_lease.h"

enum {
	LEASE_LINE_MAX = 512, /* longest line accepted in a lease file */
};

static const char *const state_names[] = {
	[DHCP_LEASE_FREE] = "free",	  [DHCP_LEASE_OFFERED] = "offered",
	[DHCP_LEASE_BOUND] = "bound",	  [DHCP_LEASE_RELEASED] = "released",
	[DHCP_LEASE_EXPIRED] = "expired", [DHCP_LEASE_DECLINED] = "declined",
};

_Static_assert(sizeof(state_names) / sizeof(state_names[0]) ==
		       DHCP_LEASE_STATE_MAX,
	       "state_names and enum dhcp_lease_state disagree");

/**
 * dhcp_lease_state_str() - name of a lease state
 * @st: the state
 *
 * Return: a static string ("bound", ...), "?" when out of range.
 */
const char *dhcp_lease_state_str(enum dhcp_lease_state st)
{
	return (unsigned int)st < DHCP_LEASE_STATE_MAX ? state_names[st] : "?";
}

/**
 * dhcp_log() - log one line about server @s (prefix "dhcp NAME: ")
 * @s: the server
 * @fmt: printf format
 */
void dhcp_log(const struct dhcp_server *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "dhcp%s%s: ", s->cfg.name[0] ? " " : "",
		     s->cfg.name);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	if (s->cfg.log)
		s->cfg.log(s->cfg.log_arg, msg);
	else
		fprintf(stderr, "dcbox: %s\n", msg);
}

/* ---- table ------------------------------------------------------------ */

static uint32_t mac_hash(const uint8_t *mac)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	return h ^ (h >> 15);
}

/* A slot is on a hash chain exactly when it has a MAC. */
static bool hashed(const struct dhcp_lease *l)
{
	return l->reserved ||
	       (l->state != DHCP_LEASE_FREE && l->state != DHCP_LEASE_DECLINED);
}

static void hash_insert(struct dhcp_server *s, uint32_t i)
{
	uint32_t b = mac_hash(s->leases[i].mac) & s->bucket_mask;

	s->next[i] = s->buckets[b];
	s->buckets[b] = i;
}

static void hash_remove(struct dhcp_server *s, uint32_t i)
{
	uint32_t *p = &s->buckets[mac_hash(s->leases[i].mac) & s->bucket_mask];

	while (*p != DHCP_NO_SLOT && *p != i)
		p = &s->next[*p];
	if (*p == i)
		*p = s->next[i];
	s->next[i] = DHCP_NO_SLOT;
}

/* Empty every slot except for the reservations, which go on the chains. */
static void table_reset(struct dhcp_server *s)
{
	const struct dhcp_config *cfg = &s->cfg;
	uint32_t k = s->n_range;

	memset(s->leases, 0, s->n_slots * sizeof(s->leases[0]));
	memset(s->next, 0xff, s->n_slots * sizeof(s->next[0]));
	s->free_hint = 0;
	for (uint32_t i = 0; i < s->n_range; i++)
		s->leases[i].ip.s_addr = htonl(s->start + i);
	for (uint32_t i = 0; i <= s->bucket_mask; i++)
		s->buckets[i] = DHCP_NO_SLOT;
	for (unsigned int i = 0; i < cfg->reservations_len; i++) {
		uint32_t ip = ntohl(cfg->reservations[i].ip.s_addr);
		uint32_t slot =
			ip >= s->start && ip <= s->end ? ip - s->start : k++;

		s->leases[slot].ip = cfg->reservations[i].ip;
		s->leases[slot].reserved = true;
		memcpy(s->leases[slot].mac, cfg->reservations[i].mac, 6);
		hash_insert(s, slot);
	}
}

/**
 * dhcp_leases_init() - allocate the table of a server whose addresses and
 * configuration are set
 * @s: the server
 * @err: message buffer
 * @errsize: its size
 *
 * Return: 0, or -ENOMEM with @err filled.
 */
int dhcp_leases_init(struct dhcp_server *s, char *err, size_t errsize)
{
	uint32_t nb = 16, out = 0;

	for (unsigned int i = 0; i < s->cfg.reservations_len; i++) {
		uint32_t ip = ntohl(s->cfg.reservations[i].ip.s_addr);

		out += ip < s->start || ip > s->end;
	}
	s->n_range = s->end - s->start + 1;
	s->n_slots = s->n_range + out;
	while (nb < s->n_slots)
		nb <<= 1;
	s->bucket_mask = nb - 1;
	s->leases = calloc(s->n_slots, sizeof(s->leases[0]));
	s->next = malloc(s->n_slots * sizeof(s->next[0]));
	s->buckets = malloc(nb * sizeof(s->buckets[0]));
	if (!s->leases || !s->next || !s->buckets) {
		dhcp_leases_fini(s);
		snprintf(err, errsize, "dhcp: out of memory for %u leases",
			 s->n_slots);
		return -ENOMEM;
	}
	table_reset(s);
	return 0;
}

/**
 * dhcp_leases_fini() - free the table
 * @s: the server
 */
void dhcp_leases_fini(struct dhcp_server *s)
{
	free(s->leases);
	free(s->next);
	free(s->buckets);
	s->leases = NULL;
	s->next = s->buckets = NULL;
}

/**
 * dhcp_lease_state_at() - a slot's state at a given time
 * @l: the slot
 * @now_s: wall-clock seconds
 *
 * Return: the stored state, aged by its expiry.
 */
enum dhcp_lease_state dhcp_lease_state_at(const struct dhcp_lease *l,
					  uint64_t now_s)
{
	switch (l->state) {
	case DHCP_LEASE_OFFERED:
	case DHCP_LEASE_BOUND:
		return now_s < l->expires ? l->state : DHCP_LEASE_EXPIRED;
	case DHCP_LEASE_DECLINED:
		return now_s < l->expires ? l->state : DHCP_LEASE_FREE;
	}
	return l->state;
}

/**
 * dhcp_lease_by_ip() - the slot of an address
 * @s: the server
 * @ip: the address, host order
 *
 * Return: the slot, NULL when @ip is neither in the range nor reserved.
 */
struct dhcp_lease *dhcp_lease_by_ip(struct dhcp_server *s, uint32_t ip)
{
	if (ip >= s->start && ip <= s->end)
		return &s->leases[ip - s->start];
	for (uint32_t i = s->n_range; i < s->n_slots; i++) {
		if (ntohl(s->leases[i].ip.s_addr) == ip)
			return &s->leases[i];
	}
	return NULL;
}

static bool client_match(const struct dhcp_lease *l,
			 const struct dhcp_client *c)
{
	if (memcmp(l->mac, c->mac, 6))
		return false;
	if (l->reserved || !l->client_id_len || !c->id)
		return true;
	return l->client_id_len == c->id_len &&
	       !memcmp(l->client_id, c->id, c->id_len);
}

/* The reserved slot for @mac, if any. */
static const struct dhcp_lease *reserved_for(const struct dhcp_server *s,
					     const uint8_t *mac)
{
	uint32_t i = s->buckets[mac_hash(mac) & s->bucket_mask];

	for (; i != DHCP_NO_SLOT; i = s->next[i]) {
		if (s->leases[i].reserved && !memcmp(s->leases[i].mac, mac, 6))
			return &s->leases[i];
	}
	return NULL;
}

/**
 * dhcp_lease_by_client() - the slot a client holds or held
 * @s: the server
 * @c: the client
 *
 * Return: its reserved slot if it has one, else the slot with its MAC and
 * (when both have one) client identifier in any state but FREE/DECLINED,
 * else NULL.
 */
struct dhcp_lease *dhcp_lease_by_client(struct dhcp_server *s,
					const struct dhcp_client *c)
{
	uint32_t i = s->buckets[mac_hash(c->mac) & s->bucket_mask];
	struct dhcp_lease *found = NULL;

	for (; i != DHCP_NO_SLOT; i = s->next[i]) {
		struct dhcp_lease *l = &s->leases[i];

		if (!client_match(l, c))
			continue;
		if (l->reserved)
			return l;
		if (!found)
			found = l;
	}
	return found;
}

/**
 * dhcp_lease_usable() - may this client have this slot now?
 * @s: the server
 * @l: the slot
 * @c: the client
 * @now_s: wall-clock seconds
 *
 * Return: true for the client's own reserved slot (unless declined), and
 * for a dynamic slot when the client has no reservation and the slot is
 * free, released, expired, or offered/bound to this very client.
 */
bool dhcp_lease_usable(const struct dhcp_server *s, const struct dhcp_lease *l,
		       const struct dhcp_client *c, uint64_t now_s)
{
	enum dhcp_lease_state st = dhcp_lease_state_at(l, now_s);

	if (l->reserved)
		return st != DHCP_LEASE_DECLINED && !memcmp(l->mac, c->mac, 6);
	if (reserved_for(s, c->mac))
		return false;
	switch (st) {
	case DHCP_LEASE_FREE:
	case DHCP_LEASE_RELEASED:
	case DHCP_LEASE_EXPIRED:
		return true;
	case DHCP_LEASE_OFFERED:
	case DHCP_LEASE_BOUND:
		return client_match(l, c);
	default:
		return false;
	}
}

/**
 * dhcp_lease_alloc() - pick a dynamic slot for a client that has none
 * @s: the server
 * @c: the client
 * @now_s: wall-clock seconds
 *
 * The lowest never-used slot, else the released or expired slot with the
 * oldest expiry. Finding a never-used slot is amortised O(1) (a hint);
 * once none is left, each call scans the range (about 250 us for 65536
 * addresses). Only clients without an address get here.
 *
 * Return: the slot (not yet assigned), or NULL when the pool is exhausted
 * or the client has a reservation.
 */
struct dhcp_lease *dhcp_lease_alloc(struct dhcp_server *s,
				    const struct dhcp_client *c, uint64_t now_s)
{
	struct dhcp_lease *best = NULL;
	uint32_t hint = UINT32_MAX;

	if (reserved_for(s, c->mac))
		return NULL;
	/* free and declined slots lie at or above the hint (dhcp_lease.h) */
	for (uint32_t i = s->free_hint; i < s->n_range; i++) {
		struct dhcp_lease *l = &s->leases[i];

		if (l->reserved)
			continue;
		if (l->state == DHCP_LEASE_DECLINED && hint > i)
			hint = i;
		if (dhcp_lease_state_at(l, now_s) == DHCP_LEASE_FREE) {
			s->free_hint = hint < i + 1 ? hint : i + 1;
			return l;
		}
	}
	s->free_hint = hint < s->n_range ? hint : s->n_range;
	for (uint32_t i = 0; i < s->n_range; i++) {
		struct dhcp_lease *l = &s->leases[i];
		enum dhcp_lease_state st;

		if (l->reserved)
			continue;
		st = dhcp_lease_state_at(l, now_s);
		if (st == DHCP_LEASE_FREE)
			return l;
		if ((st == DHCP_LEASE_RELEASED || st == DHCP_LEASE_EXPIRED) &&
		    (!best || l->expires < best->expires))
			best = l;
	}
	return best;
}

/* Free every slot but @keep that @c holds: a client owns one address. */
static void drop_others(struct dhcp_server *s, const struct dhcp_lease *keep,
			const struct dhcp_client *c)
{
	struct dhcp_lease *l;

	/* a reserved slot is never given to another client: skip it */
	for (uint32_t i = s->buckets[mac_hash(c->mac) & s->bucket_mask];
	     i != DHCP_NO_SLOT;) {
		uint32_t next = s->next[i];

		l = &s->leases[i];
		if (l != keep && !l->reserved && client_match(l, c))
			dhcp_lease_forget(s, l, DHCP_LEASE_FREE, 0);
		i = next;
	}
}

/**
 * dhcp_lease_assign() - give a slot to a client
 * @s: the server
 * @l: the slot (dhcp_lease_usable() for @c)
 * @c: the client
 * @st: DHCP_LEASE_OFFERED or DHCP_LEASE_BOUND
 * @expires: wall-clock end of the hold or lease
 *
 * Records the client's MAC, identifier and hostname in @l and frees any
 * other slot the client held. Marks the table dirty when a bound lease
 * appears or changes.
 */
void dhcp_lease_assign(struct dhcp_server *s, struct dhcp_lease *l,
		       const struct dhcp_client *c, enum dhcp_lease_state st,
		       uint64_t expires)
{
	uint32_t i = (uint32_t)(l - s->leases);

	if (l->state == DHCP_LEASE_BOUND || st == DHCP_LEASE_BOUND)
		s->dirty = true;
	drop_others(s, l, c);
	if (!l->reserved) {
		if (hashed(l))
			hash_remove(s, i);
		memcpy(l->mac, c->mac, 6);
		hash_insert(s, i);
	}
	l->client_id_len = c->id ? c->id_len : 0;
	if (c->id)
		memcpy(l->client_id, c->id, c->id_len);
	snprintf(l->hostname, sizeof(l->hostname), "%s",
		 c->hostname ? c->hostname : "");
	l->state = st;
	l->expires = expires;
}

/**
 * dhcp_lease_forget() - end a client's hold on a slot
 * @s: the server
 * @l: the slot
 * @st: RELEASED or EXPIRED (the MAC is kept, so the client is preferred
 *      later), FREE or DECLINED (the MAC is cleared, except on a reserved
 *      slot)
 * @expires: the time to record (see struct dhcp_lease)
 */
void dhcp_lease_forget(struct dhcp_server *s, struct dhcp_lease *l,
		       enum dhcp_lease_state st, uint64_t expires)
{
	uint32_t i = (uint32_t)(l - s->leases);

	if (l->state == DHCP_LEASE_BOUND)
		s->dirty = true;
	if ((st == DHCP_LEASE_FREE || st == DHCP_LEASE_DECLINED) &&
	    !l->reserved) {
		if (hashed(l))
			hash_remove(s, i);
		memset(l->mac, 0, 6);
	}
	if ((st == DHCP_LEASE_FREE || st == DHCP_LEASE_DECLINED) &&
	    i < s->free_hint)
		s->free_hint = i;
	if (st == DHCP_LEASE_FREE || st == DHCP_LEASE_DECLINED) {
		l->client_id_len = 0;
		l->hostname[0] = '\0';
	}
	l->state = st;
	l->expires = expires;
}

/**
 * dhcp_lease_foreach() - walk the slots that hold something
 * @s: the server
 * @now_s: wall-clock seconds; states are shown as of then
 * @fn: called with a copy of each slot that is not FREE or is reserved,
 *      in address-table order (range first, then outside reservations);
 *      a non-zero return stops the walk
 * @arg: passed to @fn
 *
 * For `dcbox show leases`. Does not change the table.
 *
 * Return: 0, or the first non-zero value @fn returned.
 */
int dhcp_lease_foreach(const struct dhcp_server *s, uint64_t now_s,
		       int (*fn)(const struct dhcp_lease *l, void *arg),
		       void *arg)
{
	for (uint32_t i = 0; i < s->n_slots; i++) {
		struct dhcp_lease l = s->leases[i];
		int ret;

		l.state = dhcp_lease_state_at(&s->leases[i], now_s);
		if (l.state == DHCP_LEASE_FREE && !l.reserved)
			continue;
		ret = fn(&l, arg);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- lease file: writing ---------------------------------------------- */

static void fmt_mac(const uint8_t *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		m[4], m[5]);
}

static int write_leases(const struct dhcp_server *s, FILE *f, uint64_t now_s)
{
	char ip[INET_ADDRSTRLEN], mac[18], id[2 * DHCP_CLIENT_ID_MAX + 1];

	fprintf(f,
		"# dcbox DHCP leases%s%s: ip mac expires client-id "
		"hostname\n",
		s->cfg.name[0] ? " of " : "", s->cfg.name);
	for (uint32_t i = 0; i < s->n_slots; i++) {
		const struct dhcp_lease *l = &s->leases[i];

		if (dhcp_lease_state_at(l, now_s) != DHCP_LEASE_BOUND)
			continue;
		inet_ntop(AF_INET, &l->ip, ip, sizeof(ip));
		fmt_mac(l->mac, mac);
		strcpy(id, "-");
		for (unsigned int j = 0; j < l->client_id_len; j++)
			sprintf(id + 2 * j, "%02x", l->client_id[j]);
		fprintf(f, "%s %s %llu %s %s\n", ip, mac,
			(unsigned long long)l->expires, id,
			l->hostname[0] ? l->hostname : "-");
	}
	if (fflush(f) || ferror(f))
		return -EIO;
	return fsync(fileno(f)) ? -errno : 0;
}

static int fsync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		ret = -errno;
	if (fd >= 0)
		close(fd);
	free(copy);
	return ret;
}

static int save(const struct dhcp_server *s, uint64_t now_s)
{
	char tmp[4096];
	FILE *f;
	int fd, ret;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", s->file) >=
	    sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		goto err_unlink;
	}
	ret = write_leases(s, f, now_s);
	if (fclose(f) && !ret)
		ret = -EIO;
	if (ret)
		goto err_unlink;
	if (rename(tmp, s->file)) {
		ret = -errno;
		goto err_unlink;
	}
	return fsync_dir(s->file);

err_unlink:
	unlink(tmp);
	return ret;
}

/**
 * dhcp_server_flush() - write the lease file if leases changed
 * @s: the server
 * @now_s: wall-clock seconds
 * @force: write now even if the last write was in this same second (for
 *         shutdown); without it at most one write happens per second
 *
 * Call it on the daemon's tick and at shutdown, from the thread that owns
 * @s. Writes every bound lease, atomically (see the top of this file). A
 * failure is logged, counted in lease_write_errors, and retried on the
 * next call.
 *
 * Return: 0 when written or nothing to do (no lease file, nothing
 * changed, or rate-limited), -errno when the write failed.
 */
int dhcp_server_flush(struct dhcp_server *s, uint64_t now_s, bool force)
{
	int ret;

	if (!s->file || !s->dirty)
		return 0;
	if (!force && now_s == s->last_write)
		return 0;
	s->last_write = now_s;
	ret = save(s, now_s);
	if (ret) {
		s->stats.lease_write_errors++;
		dhcp_log(s, "cannot write lease file %s: %s", s->file,
			 strerror(-ret));
		return ret;
	}
	s->stats.lease_writes++;
	s->dirty = false;
	return 0;
}

/* ---- lease file: reading ---------------------------------------------- */

/** struct load_count - what a load kept and skipped */
struct load_count {
	unsigned int loaded, expired, outside, conflict;
};

static bool parse_mac(const char *t, uint8_t *mac)
{
	int n = 0;

	if (sscanf(t, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &mac[0], &mac[1],
		   &mac[2], &mac[3], &mac[4], &mac[5], &n) != 6)
		return false;
	return strlen(t) == 17 && n == 17 && !(mac[0] & 1);
}

static bool parse_u64(const char *t, uint64_t *v)
{
	char *end;

	if (*t < '0' || *t > '9')
		return false;
	errno = 0;
	*v = strtoull(t, &end, 10);
	return !errno && !*end;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool parse_id(const char *t, uint8_t *id, uint8_t *len)
{
	size_t n = strlen(t);

	*len = 0;
	if (!strcmp(t, "-"))
		return true;
	if (n % 2 || n < 4 || n > 2 * DHCP_CLIENT_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(t[i]), lo = hexval(t[i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		id[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*len = (uint8_t)(n / 2);
	return true;
}

static bool parse_hostname(const char *t, char *out)
{
	size_t n = strlen(t);

	out[0] = '\0';
	if (!strcmp(t, "-"))
		return true;
	if (n >= DHCP_HOSTNAME_MAX || strspn(t, "abcdefghijklmnopqrstuvwxyz"
						"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
						"0123456789-._") != n)
		return false;
	memcpy(out, t, n + 1);
	return true;
}

/* Keep one parsed lease if it still applies. */
static void load_one(struct dhcp_server *s, uint32_t ip,
		     const struct dhcp_client *c, uint64_t expires,
		     uint64_t now_s, struct load_count *n)
{
	struct dhcp_lease *l = dhcp_lease_by_ip(s, ip);

	if (expires <= now_s) {
		n->expired++;
		return;
	}
	if (!l) {
		n->outside++;
		return;
	}
	if (l->reserved ? memcmp(l->mac, c->mac, 6) != 0
			: reserved_for(s, c->mac) != NULL) {
		n->conflict++;
		return;
	}
	dhcp_lease_assign(s, l, c, DHCP_LEASE_BOUND, expires);
	n->loaded++;
}

static const char *parse_line(struct dhcp_server *s, char *line, uint64_t now_s,
			      struct load_count *n)
{
	char *tok[6], *save = NULL;
	uint8_t mac[6], id[DHCP_CLIENT_ID_MAX], id_len;
	char host[DHCP_HOSTNAME_MAX];
	struct dhcp_client c = {.mac = mac, .id = id, .hostname = host};
	struct in_addr ip;
	uint64_t expires;
	int nt = 0;

	for (char *t = strtok_r(line, " \t\r\n", &save); t && nt < 6;
	     t = strtok_r(NULL, " \t\r\n", &save))
		tok[nt++] = t;
	if (nt == 0 || tok[0][0] == '#')
		return NULL;
	if (nt != 5)
		return "expected 5 fields: ip mac expires client-id hostname";
	if (inet_pton(AF_INET, tok[0], &ip) != 1)
		return "bad address";
	if (!parse_mac(tok[1], mac))
		return "bad MAC address";
	if (!parse_u64(tok[2], &expires))
		return "bad expiry time";
	if (!parse_id(tok[3], id, &id_len))
		return "bad client-id (hex, 2 to 64 bytes, or -)";
	if (!parse_hostname(tok[4], host))
		return "bad hostname";
	c.id_len = id_len;
	if (!id_len)
		c.id = NULL;
	load_one(s, ntohl(ip.s_addr), &c, expires, now_s, n);
	return NULL;
}

/*
 * Read leases from @f into the table. Return: NULL, or why line *@lineno
 * is bad (the table is then half-loaded; the caller resets it).
 */
static const char *load_file(struct dhcp_server *s, FILE *f, uint64_t now_s,
			     struct load_count *n, unsigned int *lineno)
{
	char *line = NULL;
	const char *why = NULL;
	size_t cap = 0;
	ssize_t len;

	*lineno = 0;
	while (!why && (len = getline(&line, &cap, f)) >= 0) {
		++*lineno;
		if (len > LEASE_LINE_MAX)
			why = "line too long";
		else if (strlen(line) != (size_t)len)
			why = "NUL byte in line";
		else
			why = parse_line(s, line, now_s, n);
	}
	if (!why && ferror(f))
		why = "read error";
	free(line);
	return why;
}

static void set_aside(struct dhcp_server *s, unsigned int lineno,
		      const char *why)
{
	char bad[4096];

	snprintf(bad, sizeof(bad), "%s.corrupt", s->file);
	if (rename(s->file, bad))
		dhcp_log(s,
			 "%s:%u: %s; starting with no leases (and cannot "
			 "rename it: %s)",
			 s->file, lineno, why, strerror(errno));
	else
		dhcp_log(s,
			 "%s:%u: %s; starting with no leases (file moved "
			 "to %s)",
			 s->file, lineno, why, bad);
}

/**
 * dhcp_leases_load() - read the lease file at start-up
 * @s: the server, with an empty table
 * @now_s: wall-clock seconds
 *
 * Never fails: a missing file means no leases; an unreadable or corrupt
 * one is logged (with the line number) and the server starts empty. Logs
 * one summary line when a file was read.
 */
void dhcp_leases_load(struct dhcp_server *s, uint64_t now_s)
{
	struct load_count n = {0};
	unsigned int lineno;
	const char *why;
	FILE *f;

	if (!s->file)
		return;
	f = fopen(s->file, "re");
	if (!f) {
		if (errno != ENOENT)
			dhcp_log(s,
				 "cannot read lease file %s: %s; starting "
				 "with no leases",
				 s->file, strerror(errno));
		return;
	}
	why = load_file(s, f, now_s, &n, &lineno);
	fclose(f);
	s->dirty = false;
	if (why) {
		table_reset(s);
		set_aside(s, lineno, why);
		return;
	}
	dhcp_log(s,
		 "%s: %u leases loaded, %u expired, %u outside the pool, "
		 "%u contradicting a reservation",
		 s->file, n.loaded, n.expired, n.outside, n.conflict);
}
