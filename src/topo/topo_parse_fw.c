// SPDX-License-Identifier: MIT
/*
 * topo_parse_fw.c - the `groups:` and `firewalls:` sections of a topology
 * file, and the bridge from the model to src/fw's policy.
 *
 * A group names addresses for firewall rules: hosts with a static address
 * and A.B.C.D[/LEN] networks. A firewall is either inline, a transparent
 * bridge between two switches that filters what it forwards, or one-arm,
 * fed a mirror of a switch or of one port and only logging. topo_parse.c
 * calls tp_group() and tp_firewall() for each NAME pair after switches,
 * hosts, VMs and routers, so every reference resolves; groups come before
 * firewalls.
 *
 * Rules are kept as text with their position (struct topo_fw_rule), from
 * the YAML list `rules:` or from a `rules-file:`, read here at parse time
 * so the model is self-contained. The rule language belongs to src/fw:
 * topo_fw_policy() hands every rule to fw_policy_add_rule() with a
 * resolver for host and group names, and topo_validate() calls it through
 * topo_fw_validate(), so a malformed rule fails the load with the file,
 * line and column of the token at fault (in the rules file when the rules
 * come from one). The builder calls topo_fw_policy() again to get the
 * policy it compiles.
 *
 * What concerns one firewall is checked here where the node is at hand:
 * two distinct switches inline, a switch the inline leg of one firewall
 * only, port names that fit ("FW.SWITCH", "SWITCH.FW"), no `reject` on a
 * one-arm firewall (it sees copies; nothing to answer). That an inline
 * firewall joins broadcast domains (addresses, DHCP servers) and may close
 * an L2 loop with links is checked by topo_validate.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fw/fw_policy.h"
#include "topo/topo_yaml.h"

_Static_assert((int)TOPO_FW_ALLOW == (int)FW_ALLOW &&
		       (int)TOPO_FW_DROP == (int)FW_DROP &&
		       (int)TOPO_FW_REJECT == (int)FW_REJECT,
	       "enum topo_fw_action must follow enum fw_action");
_Static_assert((int)TOPO_FW_MAX_RULES <= (int)FW_RULES_MAX,
	       "a firewall must be able to hold every rule of the topology");
_Static_assert((int)TOPO_FW_RULE_TEXT_MAX <= (int)FW_RULE_TEXT_MAX,
	       "a stored rule must fit the rule parser");

enum {
	FWK_INLINE,
	FWK_ONE_ARM,
	FWK_DEFAULT,
	FWK_LOG,
	FWK_NON_IP,
	FWK_RULES,
	FWK_RULES_FILE,
	FWK_IPS,
	FWK_IPS_VARS,
	FWK_N
};
static const char *const fw_keys[] = {
	"inline", "one-arm", "default", "log",	    "non-ip",
	"rules",  "rules-file", "ips",	"ips-vars", NULL};

_Static_assert((int)FWK_N <= (int)TP_FIELDS_MAX,
	       "tp_fields() sorts too few keys");

static const char *const default_words[] = {
	[TOPO_FW_ALLOW] = "allow",
	[TOPO_FW_DROP] = "drop",
	[TOPO_FW_REJECT] = "reject",
};
static const char *const log_words[] = {
	[TOPO_FW_LOG_NONE] = "none",
	[TOPO_FW_LOG_DENIED] = "denied",
	[TOPO_FW_LOG_ALL] = "all",
};
static const char *const non_ip_words[] = {
	[TOPO_FW_NON_IP_PASS] = "pass",
	[TOPO_FW_NON_IP_DROP] = "drop",
};

/* ---- groups ---- */

/* The group being parsed: counted in t->ngroups only once complete. */
static struct topo_group *cur_group(struct tp *p)
{
	return &p->t->groups[p->t->ngroups];
}

/* A member "A.B.C.D" or "A.B.C.D/LEN" (host bits zero). */
static int tp_member_net(struct tp *p, yaml_node_t *n, const char *s,
			 struct topo_group_member *m)
{
	const char *end = tp_parse_ip4(s, &m->net.addr);
	uint32_t prefix = 32;

	if (!end || (*end && (*end != '/' || !tp_parse_u32(end + 1, &prefix) ||
			      prefix > 32)))
		return tp_err(p, n,
			      "%s: bad address '%s' (expected A.B.C.D or "
			      "A.B.C.D/LEN, LEN 0..32)",
			      p->what, tp_show(p, s));
	if (ntohl(m->net.addr.s_addr) & ~tp_mask(prefix))
		return tp_err(p, n,
			      "%s: '%s' has host bits set (write the network "
			      "address)",
			      p->what, s);
	m->kind = TOPO_GROUP_NET;
	m->net.prefix = (uint8_t)prefix;
	return 0;
}

/* A member naming a host: it must have a static address. */
static int tp_member_host(struct tp *p, yaml_node_t *n, const char *s,
			  struct topo_group_member *m)
{
	int i = topo_host_find(p->t, s);

	if (i < 0 && topo_vm_find(p->t, s) >= 0)
		return tp_err(p, n,
			      "%s: vm '%s' has no address dcbox knows (members "
			      "are hosts with a static ip, and networks)",
			      p->what, s);
	if (i < 0 && topo_group_find(p->t, s) >= 0)
		return tp_err(p, n,
			      "%s: '%s' is a group (groups do not nest; list "
			      "its members)",
			      p->what, s);
	if (i < 0)
		return tp_err(p, n, "%s: unknown host '%s'", p->what,
			      tp_show(p, s));
	if (!p->t->hosts[i].has_ip)
		return tp_err(p, n,
			      "%s: host '%s' has no static address (%s), so "
			      "rules could not match it",
			      p->what, s,
			      p->t->hosts[i].dhcp ? "ip: dhcp" : "no ip");
	m->kind = TOPO_GROUP_HOST;
	m->host = (uint16_t)i;
	return 0;
}

static bool same_member(const struct topo_group_member *a,
			const struct topo_group_member *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == TOPO_GROUP_HOST)
		return a->host == b->host;
	return a->net.addr.s_addr == b->net.addr.s_addr &&
	       a->net.prefix == b->net.prefix;
}

static int tp_member(struct tp *p, yaml_node_t *n)
{
	struct topo_group *g = cur_group(p);
	struct topo_group_member *m = &g->members[g->nmembers];
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int i, ret;

	snprintf(what, sizeof(what), "%s: member", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	memset(m, 0, sizeof(*m));
	m->line = (int)n->start_mark.line + 1;
	m->col = (int)n->start_mark.column + 1;
	ret = *s >= '0' && *s <= '9' ? tp_member_net(p, n, s, m)
				     : tp_member_host(p, n, s, m);
	if (ret)
		return ret;
	for (i = 0; i < g->nmembers; i++)
		if (same_member(&g->members[i], m))
			return tp_err(p, n,
				      "%s: '%s' appears twice (first at line "
				      "%d)",
				      p->what, s, g->members[i].line);
	g->nmembers++;
	return 0;
}

/* Group names are rule NAMEs too: [A-Za-z_] first, and not `any`. */
static int tp_group_name(struct tp *p, yaml_node_t *k, const char *name)
{
	if (!fw_name_valid(name, strlen(name)))
		return tp_err(p, k,
			      "group name '%s' must start with a letter or "
			      "'_' (firewall rules could not name it)",
			      name);
	if (!strcmp(name, "any"))
		return tp_err(p, k,
			      "group name 'any' is taken by the rule language");
	return 0;
}

/**
 * tp_group() - parse one `NAME: [MEMBER, ...]` of `groups:`
 * @p:		parse state
 * @pair:	the group's key and value
 *
 * Return: 0, or -EINVAL with the message in p->err.
 */
int tp_group(struct tp *p, yaml_node_pair_t *pair)
{
	struct topo_group *g = cur_group(p);
	yaml_node_t *k = tp_node(p, pair->key), *n = tp_node(p, pair->value);
	int ret;

	g->nmembers = 0;
	ret = tp_elem_name(p, k, "group", TOPO_NAME_MAX - 1, g->name, &g->line,
			   &g->col);
	if (!ret)
		ret = tp_group_name(p, k, g->name);
	if (ret)
		return ret;
	snprintf(p->what, sizeof(p->what), "group '%s'", g->name);
	if (!tp_is_null(n) && n->type != YAML_SEQUENCE_NODE)
		return tp_err(p, n,
			      "%s: expected a list of hosts and networks, "
			      "found %s",
			      p->what, tp_node_kind(n));
	if (tp_len(n) > TOPO_GROUP_MAX_MEMBERS)
		return tp_err(p, n, "%s: more than %d members", p->what,
			      TOPO_GROUP_MAX_MEMBERS);
	ret = tp_each_item(p, n, tp_member);
	if (!ret)
		p->t->ngroups++;
	return ret;
}

/* ---- firewalls: placement ---- */

/* The firewall being parsed: counted in t->nfirewalls once complete. */
static struct topo_firewall *cur_fw(struct tp *p)
{
	return &p->t->firewalls[p->t->nfirewalls];
}

/* Port names of @leg fit, or an error at @n. */
static int tp_fw_ports_fit(struct tp *p, yaml_node_t *n, unsigned int leg)
{
	const struct topo_firewall *fw = cur_fw(p);
	char fport[TOPO_PORT_NAME_MAX], sport[TOPO_PORT_NAME_MAX];

	if (!topo_firewall_port_names(p->t, fw, leg, fport, sport))
		return 0;
	return tp_err(p, n,
		      "%s: port name '%s.%s' is longer than %d characters "
		      "(shorten the firewall or switch name)",
		      p->what, fw->name, p->t->switches[fw->legs[leg]].name,
		      TOPO_PORT_NAME_MAX - 1);
}

/* A switch is the inline leg of one firewall at most. */
static int tp_fw_leg_free(struct tp *p, yaml_node_t *n, uint16_t sw)
{
	const struct topo_firewall *o;
	int i;

	for (i = 0; i < p->t->nfirewalls; i++) {
		o = &p->t->firewalls[i];
		if (o->mode != TOPO_FW_INLINE ||
		    (o->legs[0] != sw && o->legs[1] != sw))
			continue;
		return tp_err(p, n,
			      "%s: switch '%s' is already an inline leg of "
			      "firewall '%s' (line %d); one inline firewall "
			      "per switch",
			      p->what, p->t->switches[sw].name, o->name,
			      o->line);
	}
	return 0;
}

/* `inline: [A, B]`: two distinct switches. */
static int tp_fw_inline(struct tp *p, yaml_node_t *n)
{
	struct topo_firewall *fw = cur_fw(p);
	yaml_node_t *item;
	unsigned int i;
	int ret;

	if (n->type != YAML_SEQUENCE_NODE || tp_len(n) != 2)
		return tp_err(p, n,
			      "%s: 'inline' expected a list of two switches, "
			      "[A, B]",
			      p->what);
	fw->mode = TOPO_FW_INLINE;
	for (i = 0; i < 2; i++) {
		item = tp_node(p, n->data.sequence.items.start[i]);
		ret = tp_switch_ref(p, item, &fw->legs[i]);
		if (!ret && i && fw->legs[1] == fw->legs[0])
			ret = tp_err(p, item,
				     "%s: 'inline' names switch '%s' twice "
				     "(it bridges two different switches)",
				     p->what, p->t->switches[fw->legs[0]].name);
		if (!ret)
			ret = tp_fw_leg_free(p, item, fw->legs[i]);
		if (!ret)
			ret = tp_fw_ports_fit(p, item, i);
		if (ret)
			return ret;
	}
	return 0;
}

/* `one-arm: NAME`: a switch (all its ports), or a host's or VM's port. */
static int tp_fw_one_arm(struct tp *p, yaml_node_t *n)
{
	struct topo_firewall *fw = cur_fw(p);
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int i, ret;

	snprintf(what, sizeof(what), "%s: one-arm", p->what);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	fw->mode = TOPO_FW_ONE_ARM;
	if ((i = topo_switch_find(p->t, s)) >= 0) {
		fw->arm_kind = TOPO_FW_ARM_SWITCH;
		fw->legs[0] = (uint16_t)i;
	} else if ((i = topo_host_find(p->t, s)) >= 0) {
		fw->arm_kind = TOPO_FW_ARM_HOST;
		fw->arm = (uint16_t)i;
		fw->legs[0] = p->t->hosts[i].sw;
	} else if ((i = topo_vm_find(p->t, s)) >= 0) {
		fw->arm_kind = TOPO_FW_ARM_VM;
		fw->arm = (uint16_t)i;
		fw->legs[0] = p->t->vms[i].sw;
	} else {
		return tp_err(p, n,
			      "%s: one-arm: unknown switch, host or vm '%s'",
			      p->what, tp_show(p, s));
	}
	return tp_fw_ports_fit(p, n, 0);
}

/* Exactly one of `inline` and `one-arm`. */
static int tp_fw_mode(struct tp *p, yaml_node_t *map, yaml_node_t *v[])
{
	yaml_node_t *a = v[FWK_INLINE], *b = v[FWK_ONE_ARM];

	if (!a && !b)
		return tp_err(p, map,
			      "%s: missing 'inline: [A, B]' or 'one-arm: "
			      "SWITCH'",
			      p->what);
	if (a && b)
		return tp_err(p,
			      a->start_mark.index > b->start_mark.index ? a : b,
			      "%s: 'inline' and 'one-arm' exclude each other",
			      p->what);
	return a ? tp_fw_inline(p, a) : tp_fw_one_arm(p, b);
}

/* ---- firewalls: options ---- */

/* A keyword value of @key, one of @words[0..@n): its index in *@out. */
static int tp_word(struct tp *p, yaml_node_t *n, const char *key,
		   const char *const words[], unsigned int nwords,
		   unsigned int *out)
{
	char what[TP_WHAT_MAX + 16], list[64];
	const char *s;
	unsigned int i;
	size_t off = 0;
	int ret;

	snprintf(what, sizeof(what), "%s: %s", p->what, key);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	for (i = 0; i < nwords; i++)
		if (!strcmp(s, words[i]))
			return *out = i, 0;
	for (i = 0; i < nwords && off < sizeof(list); i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%s",
				i ? ", " : "", words[i]);
	return tp_err(p, n, "%s: bad %s '%s' (expected: %s)", p->what, key,
		      tp_show(p, s), list);
}

/* A path value (`rules-file`, `ips`) as written: fits TOPO_PATH_MAX. */
static int tp_fw_path(struct tp *p, yaml_node_t *n, const char *key,
		      char out[TOPO_PATH_MAX])
{
	char what[TP_WHAT_MAX + 16];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "%s: %s", p->what, key);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (strlen(s) >= TOPO_PATH_MAX)
		return tp_err(p, n, "%s: %s: path longer than %d characters",
			      p->what, key, TOPO_PATH_MAX - 1);
	strcpy(out, s);
	return 0;
}

static int tp_fw_options(struct tp *p, yaml_node_t *v[])
{
	struct topo_firewall *fw = cur_fw(p);
	unsigned int w;
	int ret = 0;

	fw->default_action = TOPO_FW_DROP;
	fw->log = TOPO_FW_LOG_DENIED;
	fw->non_ip = TOPO_FW_NON_IP_PASS;
	if (v[FWK_DEFAULT]) {
		ret = tp_word(p, v[FWK_DEFAULT], "default", default_words, 3,
			      &w);
		fw->default_action = (enum topo_fw_action)w;
		if (!ret && w == TOPO_FW_REJECT && fw->mode == TOPO_FW_ONE_ARM)
			ret = tp_err(p, v[FWK_DEFAULT],
				     "%s: a one-arm firewall sees copies and "
				     "cannot reject (use drop)",
				     p->what);
	}
	if (!ret && v[FWK_LOG]) {
		ret = tp_word(p, v[FWK_LOG], "log", log_words, 3, &w);
		fw->log = (enum topo_fw_log)w;
	}
	if (!ret && v[FWK_NON_IP]) {
		ret = tp_word(p, v[FWK_NON_IP], "non-ip", non_ip_words, 2, &w);
		fw->non_ip = (enum topo_fw_non_ip)w;
	}
	if (!ret && v[FWK_IPS]) {
		ret = tp_fw_path(p, v[FWK_IPS], "ips", fw->ips);
		fw->has_ips = !ret;
	}
	if (!ret && v[FWK_IPS_VARS])
		ret = tp_ips_vars(p, v[FWK_IPS_VARS], p->t->nfirewalls);
	return ret;
}

/* ---- firewalls: rules ---- */

/* Append a rule of @len bytes at @s, found at @line:@col (1-based). */
static int tp_rule_add(struct tp *p, const char *s, size_t len, int line,
		       int col)
{
	struct topo *t = p->t;
	struct topo_fw_rule *r;

	if (len >= TOPO_FW_RULE_TEXT_MAX)
		return tp_err_at(p, line, col, "%s: rule longer than %d bytes",
				 p->what, TOPO_FW_RULE_TEXT_MAX - 1);
	if (t->nfw_rules >= TOPO_FW_MAX_RULES)
		return tp_err_at(p, line, col,
				 "%s: more than %d firewall rules in the "
				 "topology",
				 p->what, TOPO_FW_MAX_RULES);
	if (len + 1 > TOPO_FW_TEXT_MAX - t->fw_text_len)
		return tp_err_at(p, line, col,
				 "%s: the firewall rules of the topology take "
				 "more than %d bytes",
				 p->what, TOPO_FW_TEXT_MAX);
	r = &t->fw_rules[t->nfw_rules++];
	r->text = t->fw_text_len;
	r->line = (uint32_t)line;
	r->col = (uint32_t)col;
	memcpy(t->fw_text + t->fw_text_len, s, len);
	t->fw_text[t->fw_text_len + len] = '\0';
	t->fw_text_len += (uint32_t)len + 1;
	cur_fw(p)->nrules++;
	return 0;
}

/* One item of `rules:`: a one-line scalar. */
static int tp_rule_item(struct tp *p, yaml_node_t *n)
{
	yaml_scalar_style_t style = n->data.scalar.style;
	char what[TP_WHAT_MAX + 24];
	const char *s;
	int ret, col;

	snprintf(what, sizeof(what), "%s rule %u", p->what,
		 cur_fw(p)->nrules + 1);
	ret = tp_str(p, n, what, &s);
	if (ret)
		return ret;
	if (style == YAML_LITERAL_SCALAR_STYLE ||
	    style == YAML_FOLDED_SCALAR_STYLE ||
	    n->end_mark.line != n->start_mark.line)
		return tp_err(p, n,
			      "%s: a rule is one line (write long rules in a "
			      "rules-file, or use groups)",
			      what);
	/* The text starts after the quote of a quoted scalar. */
	col = (int)n->start_mark.column + 1 +
	      (style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	       style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	return tp_rule_add(p, s, strlen(s), (int)n->start_mark.line + 1, col);
}

static int tp_fw_rules(struct tp *p, yaml_node_t *n)
{
	if (tp_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return tp_err(p, n,
			      "%s: 'rules' expected a list of rules, "
			      "found %s",
			      p->what, tp_node_kind(n));
	return tp_each_item(p, n, tp_rule_item);
}

/* The rules file's path: relative to the topology file's directory. */
static int tp_rules_path(struct tp *p, yaml_node_t *n, const char *s,
			 char out[PATH_MAX])
{
	const char *slash = strrchr(p->file, '/');
	int len;

	if (s[0] == '/' || !slash)
		len = snprintf(out, PATH_MAX, "%s", s);
	else
		len = snprintf(out, PATH_MAX, "%.*s/%s", (int)(slash - p->file),
			       p->file, s);
	if (len < 0 || len >= PATH_MAX)
		return tp_err(p, n, "%s: rules-file: path too long", p->what);
	return 0;
}

/*
 * Read a regular file of at most TOPO_FILE_MAX bytes into a malloc'ed
 * buffer with one spare byte. O_NONBLOCK so that a FIFO cannot stall the
 * loader; anything but a regular file is refused.
 */
static int read_small_file(const char *path, char **buf, size_t *size)
{
	struct stat st;
	size_t cap = 0;
	ssize_t n;
	int fd, ret = 0;

	*buf = NULL;
	*size = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		ret = -errno;
	else if (S_ISDIR(st.st_mode))
		ret = -EISDIR;
	else if (!S_ISREG(st.st_mode))
		ret = -EINVAL;
	else if (st.st_size > TOPO_FILE_MAX)
		ret = -EFBIG;
	if (!ret) {
		cap = (size_t)st.st_size + 1;
		*buf = malloc(cap);
		ret = *buf ? 0 : -ENOMEM;
	}
	while (!ret && *size < cap) {
		n = read(fd, *buf + *size, cap - *size);
		if (n < 0)
			ret = -errno;
		if (n <= 0)
			break;
		*size += (size_t)n;
	}
	if (!ret && *size == cap)
		ret = -EFBIG; /* it grew while we read it */
	if (ret) {
		free(*buf);
		*buf = NULL;
	}
	close(fd);
	return ret;
}

/* One line of a rules file (p->file names it): blank, comment or rule. */
static int tp_rules_line(struct tp *p, const char *s, size_t len, int line)
{
	size_t i = strspn(s, " \t"), w;

	if (memchr(s, '\0', len))
		return tp_err_at(p, line, 1, "%s: NUL byte in line", p->what);
	if (len && s[len - 1] == '\r')
		len--;
	if (i >= len || s[i] == '#')
		return 0;
	w = strcspn(s + i, " \t\r");
	if ((w == 6 && !strncmp(s + i, "define", 6)) ||
	    (w == 7 && !strncmp(s + i, "default", 7)))
		return tp_err_at(p, line, (int)i + 1,
				 "%s: '%.*s' is not allowed in a topology's "
				 "rules-file (use %s)",
				 p->what, (int)w, s + i,
				 w == 6 ? "groups" : "the 'default:' key");
	return tp_rule_add(p, s + i, len - i, line, (int)i + 1);
}

/* `rules-file: PATH`: one rule per line, '#' comments. */
static int tp_fw_rules_file(struct tp *p, yaml_node_t *n)
{
	struct topo_firewall *fw = cur_fw(p);
	const char *file = p->file, *nl;
	size_t size, off, len;
	char *buf;
	int ret, line = 0;
	bool same;

	ret = tp_fw_path(p, n, "rules-file", fw->rules_file);
	if (!ret)
		ret = tp_rules_path(p, n, (const char *)n->data.scalar.value,
				    fw->rules_path);
	if (ret)
		return ret;
	fw->has_rules_file = true;
	same = !strcmp(fw->rules_file, fw->rules_path);
	ret = read_small_file(fw->rules_path, &buf, &size);
	if (ret == -ENOMEM)
		return tp_err(p, n, "out of memory"), -ENOMEM;
	if (ret)
		return tp_err(p, n, "%s: rules-file '%s': %s%s%s%s%s", p->what,
			      tp_show(p, fw->rules_file),
			      ret == -EINVAL ? "not a regular file"
					     : strerror(-ret),
			      ret == -EFBIG ? " (limit 1 MiB)" : "",
			      same ? "" : " (looked for '",
			      same ? "" : tp_show(p, fw->rules_path),
			      same ? "" : "')");
	p->file = fw->rules_path;
	for (off = 0; off < size && !ret; off += len + 1) {
		nl = memchr(buf + off, '\n', size - off);
		len = nl ? (size_t)(nl - buf - off) : size - off;
		buf[off + len] = '\0'; /* the '\n', or the spare last byte */
		ret = tp_rules_line(p, buf + off, len, ++line);
	}
	p->file = file;
	free(buf);
	return ret;
}

static int tp_fw_rule_source(struct tp *p, yaml_node_t *v[])
{
	if (v[FWK_RULES] && v[FWK_RULES_FILE])
		return tp_err(p, v[FWK_RULES_FILE],
			      "%s: 'rules' and 'rules-file' exclude each other",
			      p->what);
	if (v[FWK_RULES])
		return tp_fw_rules(p, v[FWK_RULES]);
	if (v[FWK_RULES_FILE])
		return tp_fw_rules_file(p, v[FWK_RULES_FILE]);
	return 0;
}

/**
 * tp_firewall() - parse one `NAME: {...}` of `firewalls:`
 * @p:		parse state
 * @pair:	the firewall's key and value
 *
 * The rules are stored as text here; topo_validate() parses them.
 *
 * Return: 0, -EINVAL with the message in p->err, or -ENOMEM.
 */
int tp_firewall(struct tp *p, yaml_node_pair_t *pair)
{
	struct topo_firewall *fw = cur_fw(p);
	yaml_node_t *v[FWK_N], *k = tp_node(p, pair->key);
	yaml_node_t *map = tp_node(p, pair->value);
	char where[TP_WHAT_MAX + 4];
	int ret;

	memset(fw, 0, sizeof(*fw));
	fw->first_rule = p->t->nfw_rules;
	ret = tp_elem_name(p, k, "firewall", TOPO_NAME_MAX - 1, fw->name,
			   &fw->line, &fw->col);
	if (ret)
		return ret;
	snprintf(p->what, sizeof(p->what), "firewall '%s'", fw->name);
	snprintf(where, sizeof(where), "in %s", p->what);
	ret = tp_fields(p, map, fw_keys, where, v);
	if (!ret)
		ret = tp_fw_mode(p, tp_is_null(map) ? k : map, v);
	if (!ret)
		ret = tp_fw_options(p, v);
	if (!ret)
		ret = tp_fw_rule_source(p, v);
	if (!ret)
		p->t->nfirewalls++;
	return ret;
}

/* ---- the model API ---- */

/**
 * topo_group_find() - index of the group called @name
 * @t:		topology
 * @name:	group name
 *
 * Return: an index into @t->groups, or -ENOENT.
 */
int topo_group_find(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->ngroups; i++)
		if (!strcmp(t->groups[i].name, name))
			return i;
	return -ENOENT;
}

/**
 * topo_firewall_find() - index of the firewall called @name
 * @t:		topology
 * @name:	firewall name
 *
 * Return: an index into @t->firewalls, or -ENOENT.
 */
int topo_firewall_find(const struct topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->nfirewalls; i++)
		if (!strcmp(t->firewalls[i].name, name))
			return i;
	return -ENOENT;
}

/**
 * topo_fw_rule_text() - the text of a firewall rule
 * @t:	topology holding the text pool
 * @r:	one of @t->fw_rules
 *
 * Return: the NUL-terminated rule as written, owned by @t; "" if @r points
 * outside the pool (a hand-built model; topo_validate() refuses it).
 */
const char *topo_fw_rule_text(const struct topo *t,
			      const struct topo_fw_rule *r)
{
	if (r->text >= t->fw_text_len || t->fw_text_len > TOPO_FW_TEXT_MAX ||
	    t->fw_text[t->fw_text_len - 1])
		return "";
	return t->fw_text + r->text;
}

/**
 * topo_firewall_port_names() - dataplane port names of a firewall leg
 * @t:		topology (for switch names)
 * @fw:		firewall
 * @leg:	0 or 1 for an inline firewall, 0 for a one-arm one
 * @fport:	receives "FIREWALL.SWITCH", the firewall's port
 * @sport:	receives "SWITCH.FIREWALL", the switch's port (on a one-arm
 *		firewall: the mirror destination)
 *
 * Return: 0, -ENAMETOOLONG if a name does not fit TOPO_PORT_NAME_MAX, or
 * -EINVAL for a bad @leg or switch index.
 */
int topo_firewall_port_names(const struct topo *t,
			     const struct topo_firewall *fw, unsigned int leg,
			     char fport[TOPO_PORT_NAME_MAX],
			     char sport[TOPO_PORT_NAME_MAX])
{
	const char *sw;
	int n, m;

	fport[0] = sport[0] = '\0';
	if (leg > (fw->mode == TOPO_FW_INLINE ? 1u : 0u) ||
	    fw->legs[leg] >= t->nswitches)
		return -EINVAL;
	sw = t->switches[fw->legs[leg]].name;
	n = snprintf(fport, TOPO_PORT_NAME_MAX, "%s.%s", fw->name, sw);
	m = snprintf(sport, TOPO_PORT_NAME_MAX, "%s.%s", sw, fw->name);
	if (n < 0 || n >= TOPO_PORT_NAME_MAX || m < 0 ||
	    m >= TOPO_PORT_NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* ---- rules through src/fw ---- */

/* struct resolve_ctx - what the name resolver needs, and why it failed */
struct resolve_ctx {
	const struct topo *t;
	char why[160]; /* set when a name exists but has no address */
};

static int resolve_host(struct resolve_ctx *c, int i, struct fw_set *out)
{
	const struct topo_host *h = &c->t->hosts[i];

	if (!h->has_ip) {
		snprintf(c->why, sizeof(c->why),
			 "host '%s' has no static address (%s), so a rule "
			 "cannot name it",
			 h->name, h->dhcp ? "ip: dhcp" : "no ip");
		return -EADDRNOTAVAIL;
	}
	return fw_set_add_prefix(out, ntohl(h->ip.addr.s_addr), 32);
}

/* fw_resolve_fn: a host is its /32, a group its members' addresses. */
static int resolve(void *arg, const char *name, struct fw_set *out)
{
	struct resolve_ctx *c = arg;
	const struct topo_group *g;
	int i, j, ret = 0;

	if ((i = topo_host_find(c->t, name)) >= 0)
		return resolve_host(c, i, out);
	if ((i = topo_group_find(c->t, name)) < 0) {
		if (topo_vm_find(c->t, name) >= 0)
			snprintf(c->why, sizeof(c->why),
				 "vm '%s' has no address dcbox knows (name "
				 "hosts, groups or addresses)",
				 name);
		return topo_vm_find(c->t, name) >= 0 ? -EADDRNOTAVAIL : -ENOENT;
	}
	g = &c->t->groups[i];
	for (j = 0; j < g->nmembers && !ret; j++) {
		if (g->members[j].kind == TOPO_GROUP_HOST)
			ret = resolve_host(c, g->members[j].host, out);
		else
			ret = fw_set_add_prefix(
				out, ntohl(g->members[j].net.addr.s_addr),
				g->members[j].net.prefix);
	}
	return ret;
}

/*
 * Put "firewall 'NAME' rule N: " after the "FILE:LINE:COL: " of the
 * parser's message in @err, and the resolver's reason in place of its
 * "cannot resolve ..." if it gave one.
 */
static void fix_msg(const struct topo_firewall *fw, uint32_t n,
		    const char *file, const struct resolve_ctx *c, char *err,
		    size_t errsize)
{
	char *msg, *tail;
	char *copy;

	if (!errsize || strncmp(err, file, strlen(file)))
		return;
	msg = strstr(err + strlen(file), ": ");
	if (!msg)
		return;
	msg += 2;
	tail = strstr(msg, "cannot resolve '");
	if (tail && c->why[0])
		snprintf(tail, errsize - (size_t)(tail - err), "%s", c->why);
	copy = strdup(msg);
	if (!copy)
		return;
	snprintf(msg, errsize - (size_t)(msg - err),
		 "firewall '%s' rule %u: %s", fw->name, n, copy);
	free(copy);
}

/* A one-arm firewall cannot answer: no reject rules. */
static int check_one_arm_rule(const struct topo_firewall *fw,
			      const struct fw_rule *r, uint32_t i,
			      const struct fw_where *w, char *err,
			      size_t errsize)
{
	if (fw->mode != TOPO_FW_ONE_ARM || r->action != FW_REJECT)
		return 0;
	if (errsize)
		snprintf(err, errsize,
			 "%s:%u:%u: firewall '%s' rule %u: a one-arm "
			 "firewall sees copies and cannot reject (use drop)",
			 w->file, w->line, w->col, fw->name, i + 1);
	return -EINVAL;
}

/**
 * topo_fw_policy() - the src/fw policy of a firewall of the model
 * @t:		topology (names in the rules resolve against its hosts and
 *		groups: a host is its /32, a group its members)
 * @fw:		one of @t->firewalls
 * @p:		receives the policy (initialised here); the caller frees it
 *		with fw_policy_free() on success
 * @err:	receives "FILE:LINE:COL: firewall 'NAME' rule N: problem",
 *		FILE being the topology file or the firewall's rules file
 * @errsize:	size of @err
 *
 * Return: 0; -EINVAL with @err set for a malformed rule, an unknown name,
 * a name with no address, or a reject rule on a one-arm firewall; -ENOMEM.
 * On error @p holds nothing.
 */
int topo_fw_policy(const struct topo *t, const struct topo_firewall *fw,
		   struct fw_policy *p, char *err, size_t errsize)
{
	struct resolve_ctx c = {.t = t};
	const struct topo_fw_rule *r;
	struct fw_where w;
	uint32_t i;
	int ret = 0;

	fw_policy_init(p);
	fw_policy_set_default(p, (enum fw_action)fw->default_action);
	if (fw->first_rule > t->nfw_rules ||
	    fw->nrules > t->nfw_rules - fw->first_rule) {
		if (errsize)
			snprintf(err, errsize,
				 "%s:%d:%d: firewall '%s': bad "
				 "rule index",
				 t->file, fw->line, fw->col, fw->name);
		return -EINVAL;
	}
	w.file = fw->has_rules_file ? fw->rules_path : t->file;
	for (i = 0; i < fw->nrules && !ret; i++) {
		r = &t->fw_rules[fw->first_rule + i];
		w.line = r->line;
		w.col = r->col;
		c.why[0] = '\0';
		ret = fw_policy_add_rule(p, topo_fw_rule_text(t, r), &w,
					 resolve, &c, err, errsize);
		if (ret == -EINVAL)
			fix_msg(fw, i + 1, w.file, &c, err, errsize);
		if (!ret)
			ret = check_one_arm_rule(fw, &p->rules[i], i, &w, err,
						 errsize);
	}
	if (ret)
		fw_policy_free(p);
	return ret;
}

/**
 * topo_fw_validate() - parse every firewall's rules (topo_validate())
 * @t:		topology whose indices and counts are sane
 * @err:	receives the first problem, see topo_fw_policy()
 * @errsize:	size of @err
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int topo_fw_validate(const struct topo *t, char *err, size_t errsize)
{
	struct fw_policy pol;
	int i, ret;

	for (i = 0; i < t->nfirewalls; i++) {
		ret = topo_fw_policy(t, &t->firewalls[i], &pol, err, errsize);
		if (ret)
			return ret;
		fw_policy_free(&pol);
	}
	return 0;
}
