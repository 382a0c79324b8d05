// SPDX-License-Identifier: MIT
/*
 * test_topo.c - unit tests of the YAML topology loader (src/topo).
 *
 * Golden files drive most of it: every tests/golden/topo/NAME.yaml must load
 * and topo_dump() to exactly NAME.ok; every tests/golden/topo/fail/NAME.yaml
 * must be rejected with -EINVAL and a "FILE:LINE:COL: " message containing
 * the text of its first line "# error: TEXT" (FILE is the YAML file, or
 * the firewall rules file that TEXT names when it starts "NAME.rules:"). Each golden file is its own
 * cmocka test (ok_NAME, fail_NAME). The golden directory is found from the
 * repo root (the working directory), $DCBOX_SRCDIR, or the test binary's
 * location. DCBOX_GOLDEN_UPDATE=1 rewrites the .ok files (review the diff!).
 * Hand-written cases cover what files cannot: missing files, buffers that
 * are not NUL-terminated, short error buffers, size and nesting bombs, the
 * lookups, every field of a parsed router, the router limits, and
 * topo_validate() on hand-built models.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fw/fw_policy.h"
#include "topo/topo.h"

enum { ERR_SIZE = 512, MAX_GOLDEN = 512 };

static const char golden_rel[] = "tests/golden/topo";

static bool is_dir(const char *path)
{
	DIR *d = opendir(path);

	if (d)
		closedir(d);
	return d != NULL;
}

/* The golden directory: ./tests/golden/topo, $DCBOX_SRCDIR/..., exe/../.. */
static const char *golden_dir(void)
{
	static char dir[PATH_MAX + 32];
	const char *src = getenv("DCBOX_SRCDIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (src && *src) {
		snprintf(dir, sizeof(dir), "%s/%s", src, golden_rel);
		return dir;
	}
	if (is_dir(golden_rel))
		return golden_rel;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(dir, sizeof(dir), "%s/../../%s", exe, golden_rel);
		if (is_dir(dir))
			return dir;
	}
	return golden_rel;
}

static char *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)len + 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[len] = '\0';
		*size = (size_t)len;
	}
	return buf;
}

static struct topo *topo_new(void)
{
	struct topo *t = malloc(sizeof(*t));

	assert_non_null(t);
	return t;
}

/* The dump of @t as a malloc'ed string. */
static char *dump_str(const struct topo *t)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	assert_non_null(f);
	topo_dump(t, f);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* "FILE:LINE:COL: text" with FILE ending in @base. */
static void assert_located(const char *err, const char *base)
{
	const char *p = strstr(err, base);
	char *end;

	if (!p) {
		print_error("error '%s' does not name '%s'\n", err, base);
		fail();
	}
	p += strlen(base);
	if (*p++ != ':' || strtol(p, &end, 10) < 1 || *end != ':' ||
	    strtol(end + 1, &end, 10) < 1 || strncmp(end, ": ", 2)) {
		print_error("error '%s' is not FILE:LINE:COL: ...\n", err);
		fail();
	}
}

static void golden_ok(void **state)
{
	const char *path = *state;
	char okpath[PATH_MAX], err[ERR_SIZE], *want, *got;
	struct topo *t = topo_new();
	size_t size;
	FILE *f;
	int ret;

	ret = topo_load(path, t, err, sizeof(err));
	if (ret)
		print_error("%s\n", err);
	assert_int_equal(ret, 0);
	got = dump_str(t);
	snprintf(okpath, sizeof(okpath), "%.*s.ok", (int)(strlen(path) - 5),
		 path);
	if (getenv("DCBOX_GOLDEN_UPDATE")) {
		f = fopen(okpath, "w");
		assert_non_null(f);
		fputs(got, f);
		assert_int_equal(fclose(f), 0);
	}
	want = read_file(okpath, &size);
	if (!want)
		print_error("cannot read %s\n", okpath);
	assert_non_null(want);
	if (strcmp(want, got))
		print_error("dump of %s differs from %s:\n--- want\n%s--- got\n"
			    "%s",
			    path, okpath, want, got);
	assert_string_equal(want, got);
	free(want);
	free(got);
	free(t);
}

static void golden_fail(void **state)
{
	const char *path = *state, *base = strrchr(path, '/') + 1;
	char err[ERR_SIZE], want[ERR_SIZE], file[ERR_SIZE], *buf, *nl, *colon;
	struct topo *t = topo_new();
	size_t size;
	int ret;

	buf = read_file(path, &size);
	assert_non_null(buf);
	if (strncmp(buf, "# error: ", 9) || !(nl = strchr(buf, '\n'))) {
		print_error("%s: first line must be '# error: TEXT'\n", path);
		fail();
	}
	snprintf(want, sizeof(want), "%.*s", (int)(nl - buf - 9), buf + 9);
	free(buf);
	/* an error inside a firewall's rules file names that file */
	colon = strchr(want, ':');
	if (colon && colon - want > 6 && !strncmp(colon - 6, ".rules", 6)) {
		snprintf(file, sizeof(file), "%.*s", (int)(colon - want), want);
		base = file;
	}
	ret = topo_load(path, t, err, sizeof(err));
	assert_int_equal(ret, -EINVAL);
	if (!strstr(err, want))
		print_error("%s:\n want: ...%s...\n  got: %s\n", path, want,
			    err);
	assert_non_null(strstr(err, want));
	assert_located(err, base);
	assert_null(strchr(err, '\n'));
	free(t);
}

/* ok_two_tier_vlan from two-tier-vlan.yaml: run-unit.sh wants [a-z_0-9]. */
static char *test_name(const char *prefix, const char *file)
{
	size_t len = strlen(file) - 5, i;
	char *name = malloc(strlen(prefix) + len + 1);
	char *p;

	assert_non_null(name);
	p = name + sprintf(name, "%s", prefix);
	for (i = 0; i < len; i++)
		*p++ = file[i] >= 'A' && file[i] <= 'Z' ? file[i] - 'A' + 'a'
		       : strchr("abcdefghijklmnopqrstuvwxyz0123456789", file[i])
			       ? file[i]
			       : '_';
	*p = '\0';
	return name;
}

static int yaml_only(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return len > 5 && !strcmp(d->d_name + len - 5, ".yaml");
}

/* Append one test per golden file of @dir to @tests; returns the count. */
static int add_golden(const char *dir, const char *prefix,
		      CMUnitTestFunction fn, struct CMUnitTest *tests, int n)
{
	struct dirent **ents;
	int i, nents;
	char *path;

	nents = scandir(dir, &ents, yaml_only, alphasort);
	if (nents < 0) {
		fprintf(stderr, "test_topo: cannot read %s: %s\n", dir,
			strerror(errno));
		return n;
	}
	for (i = 0; i < nents; i++) {
		if (n < MAX_GOLDEN &&
		    asprintf(&path, "%s/%s", dir, ents[i]->d_name) > 0) {
			tests[n].name = test_name(prefix, ents[i]->d_name);
			tests[n].test_func = fn;
			tests[n].initial_state = path;
			n++;
		}
		free(ents[i]);
	}
	free(ents);
	return n;
}

static void golden_dir_found(void **state)
{
	(void)state;
	if (!is_dir(golden_dir()))
		print_error("golden dir %s not found (run from the repo root "
			    "or set DCBOX_SRCDIR)\n",
			    golden_dir());
	assert_true(is_dir(golden_dir()));
}

static void load_missing_file(void **state)
{
	struct topo *t = topo_new();
	char err[ERR_SIZE];

	(void)state;
	assert_int_equal(
		topo_load("/nonexistent/dcbox/lab.yaml", t, err, sizeof(err)),
		-ENOENT);
	assert_non_null(strstr(err, "/nonexistent/dcbox/lab.yaml"));
	assert_non_null(strstr(err, strerror(ENOENT)));
	assert_int_equal(topo_load("/", t, err, sizeof(err)), -EISDIR);
	assert_non_null(strstr(err, strerror(EISDIR)));
	free(t);
}

static const char example[] =
	"name: lab\n"
	"switches: { tor1: {}, tor2: {} }\n"
	"links: [ { between: [tor1, tor2], trunk: [10, 20] } ]\n"
	"hosts:\n"
	"  a1: { switch: tor1, vlan: 10, ip: 10.10.0.1/24 }\n"
	"  a2: { switch: tor2, vlan: 10, ip: 10.10.0.2/24 }\n"
	"vms:\n"
	"  vm1: { switch: tor2 }\n";

static const char edge[] =
	"name: edge\n"
	"switches: { web: {}, app: {}, wan: {} }\n"
	"routers:\n"
	"  gw:\n"
	"    conntrack-max: 1000\n"
	"    interfaces:\n"
	"      - { switch: web, ip: 10.1.0.1/24, dhcp: { range: "
	"10.1.0.100-10.1.0.199, dns: [10.1.0.1], reservations: [ { mac: "
	"02:00:00:00:00:05, ip: 10.1.0.5 } ] } }\n"
	"      - { switch: app, vlan: 7, ip: 10.2.0.1/24, mtu: 9000 }\n"
	"      - { switch: wan, ip: 203.0.113.2/24, nat: masquerade }\n"
	"      - { uplink: eth9, ip: 192.0.2.2/24, mac: 02:00:00:00:00:09 }\n"
	"    routes: [ { to: 0.0.0.0/0, via: 203.0.113.1 } ]\n"
	"    forward:\n"
	"      - { proto: tcp, port: 8080, to: 10.1.0.10:80 }\n"
	"      - { proto: udp, port: 5000-5009, to: 10.2.0.9, on: eth9 }\n"
	"hosts:\n"
	"  www: { switch: web, ip: 10.1.0.10/24, gw: 10.1.0.1 }\n"
	"  dyn: { switch: web, ip: dhcp }\n";

static const char shop[] = "name: shop\n"
			   "switches: { front: {}, back: {} }\n"
			   "groups:\n"
			   "  web: [web1, web2, 10.9.0.0/16]\n"
			   "hosts:\n"
			   "  client: { switch: front, ip: 10.0.0.5/24 }\n"
			   "  web1:   { switch: front, ip: 10.0.0.11/24 }\n"
			   "  web2:   { switch: front, ip: 10.0.0.12/24 }\n"
			   "  db:     { switch: back,  ip: 10.0.0.21/24 }\n"
			   "vms:\n"
			   "  vm1: { switch: back }\n"
			   "firewalls:\n"
			   "  fw:\n"
			   "    inline: [front, back]\n"
			   "    log: all\n"
			   "    non-ip: drop\n"
			   "    ips: tests/golden/topo/rules/sigs.rules\n"
			   "    rules:\n"
			   "      - allow tcp from web to db port 5432\n"
			   "      - 'allow icmp from any to any'\n"
			   "      - reject tcp from client to db\n"
			   "  tap: { one-arm: web1, default: allow }\n"
			   "  vtap: { one-arm: vm1 }\n";

static void lookups(void **state)
{
	struct topo *t = topo_new();
	char err[ERR_SIZE], ifname[TOPO_IFNAME_MAX];

	(void)state;
	assert_int_equal(topo_parse_buf(example, strlen(example), "x.yaml", t,
					err, sizeof(err)),
			 0);
	assert_string_equal(t->file, "x.yaml");
	assert_int_equal(topo_switch_find(t, "tor2"), 1);
	assert_int_equal(topo_switch_find(t, "tor3"), -ENOENT);
	assert_int_equal(topo_host_find(t, "a2"), 1);
	assert_int_equal(topo_host_find(t, "vm1"), -ENOENT);
	assert_int_equal(topo_vm_find(t, "vm1"), 0);
	assert_string_equal(t->vms[0].tap, "lab-vm1");
	assert_int_equal(t->vms[0].sw, 1);
	assert_int_equal(t->vms[0].vlan, 0);
	assert_int_equal(t->links[0].ntrunk, 2);
	assert_int_equal(t->hosts[1].line, 6);
	assert_int_equal(t->hosts[1].col, 3);
	assert_int_equal(topo_host_ifname(t, &t->hosts[0], ifname), 0);
	assert_string_equal(ifname, "lab-a1");
	free(t);
}

/* Parse exactly @size bytes: no reading past them, no NUL needed. */
static void unterminated_buffer(void **state)
{
	size_t size = strlen(example);
	struct topo *t = topo_new();
	char err[ERR_SIZE], *buf = malloc(size);

	(void)state;
	assert_non_null(buf);
	memcpy(buf, example, size);
	assert_int_equal(topo_parse_buf(buf, size, NULL, t, err, sizeof(err)),
			 0);
	assert_string_equal(t->file, "<input>");
	/* cut inside a flow mapping: a syntax error, no read past the end */
	assert_int_equal(topo_parse_buf(buf,
					strstr(example, "2/24") - example + 1,
					"cut", t, err, sizeof(err)),
			 -EINVAL);
	free(buf);
	free(t);
}

static void short_error_buffer(void **state)
{
	static const char bad[] = "name: lab\nswiches: {}\n";
	struct topo *t = topo_new();
	char err[8];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(
		topo_parse_buf(bad, strlen(bad), "f.yaml", t, err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, "f.yaml:");
	assert_int_equal(topo_parse_buf(bad, strlen(bad), "f.yaml", t, NULL, 0),
			 -EINVAL);
	assert_int_equal(topo_load("/nonexistent", t, err, 0), -ENOENT);
	free(t);
}

static void too_large(void **state)
{
	struct topo *t = topo_new();
	char err[ERR_SIZE];

	(void)state;
	assert_int_equal(topo_parse_buf("", (size_t)TOPO_FILE_MAX + 1, "big", t,
					err, sizeof(err)),
			 -EFBIG);
	assert_non_null(strstr(err, "big:1:1: file too large"));
	assert_int_equal(topo_parse_buf(NULL, 0, "nil", t, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "the file is empty"));
	free(t);
}

/* Deep nesting and alias fan-out: must fail or pass quickly, not crash. */
static void bombs(void **state)
{
	size_t depth = 200000, i;
	struct topo *t = topo_new();
	char err[ERR_SIZE], *buf = malloc(2 * depth + 32);
	clock_t start = clock();
	FILE *f;
	char *ab = NULL;
	size_t absize = 0;

	(void)state;
	assert_non_null(buf);
	i = (size_t)sprintf(buf, "name: x\nhosts: ");
	memset(buf + i, '[', depth);
	memset(buf + i + depth, ']', depth);
	assert_int_equal(
		topo_parse_buf(buf, i + 2 * depth, "deep", t, err, sizeof(err)),
		-EINVAL);
	assert_non_null(strstr(err, "deep:2:23: nested deeper than 16 levels"));
	free(buf);

	/* 64 switches in a chain of links, each aliasing one 4094-VLAN
	 * trunk: the worst case of the loop check; then close the ring */
	f = open_memstream(&ab, &absize);
	assert_non_null(f);
	fprintf(f, "name: x\nswitches: {");
	for (i = 0; i < 64; i++)
		fprintf(f, "%ss%zu: {}", i ? ", " : "", i);
	fprintf(f, "}\nlinks:\n- {between: [s0, s1], trunk: &t [1-4094]}\n");
	for (i = 1; i < 63; i++)
		fprintf(f, "- {between: [s%zu, s%zu], trunk: *t}\n", i, i + 1);
	assert_int_equal(fflush(f), 0);
	assert_int_equal(
		topo_parse_buf(ab, absize, "chain", t, err, sizeof(err)), 0);
	assert_int_equal(t->nlinks, 63);
	assert_int_equal(t->links[62].ntrunk, TOPO_VLAN_MAX);
	fprintf(f, "- {between: [s63, s0], trunk: *t}\n");
	assert_int_equal(fclose(f), 0);
	assert_int_equal(
		topo_parse_buf(ab, absize, "ring", t, err, sizeof(err)),
		-EINVAL);
	assert_non_null(
		strstr(err, "link 64: s63 - s0 closes a loop in VLAN 1 "));
	free(ab);
	assert_true(clock() - start < 5 * CLOCKS_PER_SEC);
	free(t);
}

/* Parsing into a used struct must not keep anything from before. */
static void reuse(void **state)
{
	static const char small[] = "name: two\nswitches: { s: {} }\n";
	struct topo *t = topo_new();
	char err[ERR_SIZE], *got;

	(void)state;
	assert_int_equal(topo_parse_buf(example, strlen(example), "a", t, err,
					sizeof(err)),
			 0);
	assert_int_equal(
		topo_parse_buf(small, strlen(small), "b", t, err, sizeof(err)),
		0);
	got = dump_str(t);
	assert_string_equal(got, "topo two\nswitch s mac-aging 300 mac-limit "
				 "0 mac-table 8192\n");
	free(got);
	assert_int_equal(
		topo_parse_buf(edge, strlen(edge), "c", t, err, sizeof(err)),
		0);
	assert_int_equal(
		topo_parse_buf(small, strlen(small), "d", t, err, sizeof(err)),
		0);
	assert_int_equal(t->nrouters, 0);
	got = dump_str(t);
	assert_null(strstr(got, "router"));
	free(got);
	assert_int_equal(
		topo_parse_buf(shop, strlen(shop), "e", t, err, sizeof(err)),
		0);
	assert_int_equal(
		topo_parse_buf(small, strlen(small), "f", t, err, sizeof(err)),
		0);
	assert_int_equal(t->ngroups + t->nfirewalls + t->nfw_rules, 0);
	got = dump_str(t);
	assert_null(strstr(got, "firewall"));
	free(got);
	free(t);
}

/* topo_validate() on models a caller built or edited by hand. */
static void validate_hand_built(void **state)
{
	struct topo *t = topo_new();
	char err[ERR_SIZE];

	(void)state;
	assert_int_equal(topo_parse_buf(example, strlen(example), "v", t, err,
					sizeof(err)),
			 0);
	assert_int_equal(topo_validate(t, err, sizeof(err)), 0);
	t->hosts[0].sw = 7;
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "host 'a1': bad switch index"));
	t->hosts[0].sw = 0;
	t->links[0].trunk[1] = 5; /* trunk must stay sorted */
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "link 1: bad switch index or trunk"));
	t->links[0].trunk[1] = 20;
	strcpy(t->vms[0].tap, "lab-a2");
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "v:8:3: vm 'vm1': TAP name 'lab-a2'"));
	free(t);
}

static void assert_ip(struct in_addr a, const char *want)
{
	char buf[INET_ADDRSTRLEN];

	assert_non_null(inet_ntop(AF_INET, &a, buf, sizeof(buf)));
	assert_string_equal(buf, want);
}

/* What the dataplane reads: every field of a parsed router. */
static void router_model(void **state)
{
	struct topo *t = topo_new();
	const struct topo_router *r;
	const struct topo_router_if *rif;
	char err[ERR_SIZE];

	(void)state;
	assert_int_equal(
		topo_parse_buf(edge, strlen(edge), "e", t, err, sizeof(err)),
		0);
	assert_int_equal(t->nrouters, 1);
	r = &t->routers[0];
	assert_string_equal(r->name, "gw");
	assert_int_equal(r->line, 4);
	assert_int_equal(r->ct_max, 1000);
	assert_int_equal(r->nifs, 4);
	rif = &r->ifs[0];
	assert_false(rif->is_uplink);
	assert_int_equal(rif->sw, 0);
	assert_int_equal(rif->vlan, 0);
	assert_int_equal(rif->mtu, TOPO_MTU_DEFAULT);
	assert_true(rif->has_dhcp);
	assert_ip(rif->dhcp.start, "10.1.0.100");
	assert_ip(rif->dhcp.end, "10.1.0.199");
	assert_int_equal(rif->dhcp.ndns, 1);
	assert_ip(rif->dhcp.dns[0], "10.1.0.1");
	assert_int_equal(rif->dhcp.lease_s, TOPO_DHCP_DEFAULT_LEASE_S);
	assert_int_equal(rif->dhcp.nres, 1);
	assert_int_equal(rif->dhcp.reservations[0].mac[5], 5);
	assert_ip(rif->dhcp.reservations[0].ip, "10.1.0.5");
	assert_int_equal(r->ifs[1].vlan, 7);
	assert_int_equal(r->ifs[1].mtu, 9000);
	assert_false(r->ifs[1].has_dhcp);
	assert_true(r->ifs[2].masquerade);
	assert_false(r->ifs[1].masquerade);
	rif = &r->ifs[3];
	assert_true(rif->is_uplink);
	assert_string_equal(rif->uplink, "eth9");
	assert_true(rif->has_mac);
	assert_int_equal(rif->ip.prefix, 24);
	assert_int_equal(r->nroutes, 1);
	assert_int_equal(r->routes[0].to.prefix, 0);
	assert_ip(r->routes[0].via, "203.0.113.1");
	assert_int_equal(r->nfwd, 2);
	assert_int_equal(r->fwd[0].proto, IPPROTO_TCP);
	assert_int_equal(r->fwd[0].port, 8080);
	assert_int_equal(r->fwd[0].port_end, 8080);
	assert_int_equal(r->fwd[0].to_port, 80);
	assert_int_equal(r->fwd[0].on_if, 2); /* the masquerade interface */
	assert_int_equal(r->fwd[1].proto, IPPROTO_UDP);
	assert_int_equal(r->fwd[1].port_end, 5009);
	assert_int_equal(r->fwd[1].to_port, 5000); /* same port */
	assert_int_equal(r->fwd[1].on_if, 3);
	assert_true(t->hosts[1].dhcp);
	assert_false(t->hosts[1].has_ip);
	assert_false(t->hosts[0].dhcp);
	free(t);
}

static void router_lookups(void **state)
{
	char err[ERR_SIZE], rp[TOPO_PORT_NAME_MAX], sp[TOPO_PORT_NAME_MAX];
	struct topo *t = topo_new();
	struct topo_router *r;

	(void)state;
	assert_int_equal(
		topo_parse_buf(edge, strlen(edge), "e", t, err, sizeof(err)),
		0);
	r = &t->routers[0];
	assert_int_equal(topo_router_find(t, "gw"), 0);
	assert_int_equal(topo_router_find(t, "web"), -ENOENT);
	assert_int_equal(topo_router_if_find(t, r, "app"), 1);
	assert_int_equal(topo_router_if_find(t, r, "eth9"), 3);
	assert_int_equal(topo_router_if_find(t, r, "gw"), -ENOENT);
	assert_int_equal(topo_router_port_names(t, r, &r->ifs[0], rp, sp), 0);
	assert_string_equal(rp, "gw.web");
	assert_string_equal(sp, "web.gw");
	assert_int_equal(topo_router_port_names(t, r, &r->ifs[3], rp, sp), 0);
	assert_string_equal(rp, "gw.eth9");
	assert_string_equal(sp, "");
	/* a hand-made name that the parser would have refused */
	memset(r->name, 'r', 28);
	r->name[28] = '\0';
	assert_int_equal(topo_router_port_names(t, r, &r->ifs[0], rp, sp),
			 -ENAMETOOLONG);
	free(t);
}

/* topo_validate() on routers a caller built or edited by hand. */
static void validate_hand_built_router(void **state)
{
	struct topo *t = topo_new();
	struct topo_router *r;
	char err[ERR_SIZE];

	(void)state;
	assert_int_equal(
		topo_parse_buf(edge, strlen(edge), "v", t, err, sizeof(err)),
		0);
	r = &t->routers[0];
	r->fwd[1].on_if = 4;
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "v:4:3: router 'gw': bad count"));
	r->fwd[1].on_if = 3;
	r->ifs[1].sw = 3;
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	r->ifs[1].sw = 1;
	r->nifs = 0;
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	r->nifs = 4;
	assert_int_equal(topo_validate(t, err, sizeof(err)), 0);
	r->ifs[1].sw = 0; /* now shares web and an address with host www */
	r->ifs[1].vlan = 0;
	r->ifs[1].ip.addr = t->hosts[0].ip.addr;
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "router 'gw' interface 2 (switch web): "
				    "address 10.1.0.10 is already used by "
				    "host 'www'"));
	free(t);
}

/* Write a topology of @nr routers with @ni interfaces and @nroutes routes. */
static char *routers_yaml(int nr, int ni, int nroutes, size_t *size)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, size);
	int i, j;

	assert_non_null(f);
	fprintf(f, "name: big\nswitches: {");
	for (j = 0; j < ni; j++)
		fprintf(f, "%ss%d: {}", j ? ", " : "", j);
	fprintf(f, "}\nrouters:\n");
	for (i = 0; i < nr; i++) {
		fprintf(f, "  r%d:\n    interfaces:\n", i);
		for (j = 0; j < ni; j++)
			fprintf(f,
				"      - { switch: s%d, ip: 10.%d.%d.1/24, "
				"dhcp: { range: 10.%d.%d.2-10.%d.%d.9 } }\n",
				j % 64, i, j, i, j, i, j);
		fprintf(f, "    routes:\n");
		for (j = 0; j < nroutes; j++)
			fprintf(f,
				"      - { to: 172.%d.%d.0/24, via: "
				"10.%d.0.9 }\n",
				16 + j / 256, j % 256, i);
	}
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* Every router limit filled, then one more of each. */
static void router_limits(void **state)
{
	struct topo *t = topo_new();
	clock_t start = clock();
	char err[ERR_SIZE], *y;
	size_t size;

	(void)state;
	y = routers_yaml(TOPO_MAX_ROUTERS, TOPO_ROUTER_MAX_IFS,
			 TOPO_ROUTER_MAX_ROUTES, &size);
	/* all in one domain per switch: the DHCP servers clash */
	assert_int_equal(topo_parse_buf(y, size, "max", t, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "a second DHCP server in VLAN 1"));
	free(y);
	y = routers_yaml(1, TOPO_ROUTER_MAX_IFS, TOPO_ROUTER_MAX_ROUTES, &size);
	assert_int_equal(topo_parse_buf(y, size, "max", t, err, sizeof(err)),
			 0);
	assert_int_equal(t->routers[0].nifs, TOPO_ROUTER_MAX_IFS);
	assert_int_equal(t->routers[0].nroutes, TOPO_ROUTER_MAX_ROUTES);
	free(y);
	y = routers_yaml(TOPO_MAX_ROUTERS + 1, 1, 0, &size);
	assert_int_equal(topo_parse_buf(y, size, "r", t, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'routers': too many entries (limit 16)"));
	free(y);
	y = routers_yaml(1, TOPO_ROUTER_MAX_IFS + 1, 0, &size);
	assert_int_equal(topo_parse_buf(y, size, "i", t, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'interfaces' has more than 16 items"));
	free(y);
	y = routers_yaml(1, 1, TOPO_ROUTER_MAX_ROUTES + 1, &size);
	assert_int_equal(topo_parse_buf(y, size, "o", t, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'routes' has more than 64 items"));
	free(y);
	assert_true(clock() - start < 5 * CLOCKS_PER_SEC);
	free(t);
}

static struct fw_key key(uint32_t src, uint32_t dst, uint8_t proto,
			 uint16_t dport)
{
	return (struct fw_key){.src = src,
			       .dst = dst,
			       .sport = 40000,
			       .dport = dport,
			       .proto = proto};
}

/* What the builder reads: every field of parsed groups and firewalls. */
static void firewall_model(void **state)
{
	const struct topo_firewall *fw;
	const struct topo_group *g;
	struct topo *t = topo_new();
	char err[ERR_SIZE];

	(void)state;
	assert_int_equal(
		topo_parse_buf(shop, strlen(shop), "s", t, err, sizeof(err)),
		0);
	assert_int_equal(t->ngroups, 1);
	g = &t->groups[0];
	assert_string_equal(g->name, "web");
	assert_int_equal(g->line, 4);
	assert_int_equal(g->col, 3);
	assert_int_equal(g->nmembers, 3);
	assert_int_equal(g->members[0].kind, TOPO_GROUP_HOST);
	assert_int_equal(g->members[0].host, 1);
	assert_int_equal(g->members[1].host, 2);
	assert_int_equal(g->members[2].kind, TOPO_GROUP_NET);
	assert_ip(g->members[2].net.addr, "10.9.0.0");
	assert_int_equal(g->members[2].net.prefix, 16);
	assert_int_equal(t->nfirewalls, 3);
	fw = &t->firewalls[0];
	assert_string_equal(fw->name, "fw");
	assert_int_equal(fw->line, 13);
	assert_int_equal(fw->mode, TOPO_FW_INLINE);
	assert_int_equal(fw->legs[0], 0);
	assert_int_equal(fw->legs[1], 1);
	assert_int_equal(fw->default_action, TOPO_FW_DROP);
	assert_int_equal(fw->log, TOPO_FW_LOG_ALL);
	assert_int_equal(fw->non_ip, TOPO_FW_NON_IP_DROP);
	assert_true(fw->has_ips);
	assert_string_equal(fw->ips, "tests/golden/topo/rules/sigs.rules");
	assert_false(fw->has_rules_file);
	assert_int_equal(fw->first_rule, 0);
	assert_int_equal(fw->nrules, 3);
	assert_string_equal(topo_fw_rule_text(t, &t->fw_rules[1]),
			    "allow icmp from any to any");
	assert_int_equal(t->fw_rules[1].line, 20);
	assert_int_equal(t->fw_rules[1].col, 10); /* after the quote */
	fw = &t->firewalls[1];
	assert_int_equal(fw->mode, TOPO_FW_ONE_ARM);
	assert_int_equal(fw->arm_kind, TOPO_FW_ARM_HOST);
	assert_int_equal(fw->arm, 1);
	assert_int_equal(fw->legs[0], 0);
	assert_int_equal(fw->default_action, TOPO_FW_ALLOW);
	assert_int_equal(fw->log, TOPO_FW_LOG_DENIED);
	assert_int_equal(fw->non_ip, TOPO_FW_NON_IP_PASS);
	assert_int_equal(fw->nrules, 0);
	assert_int_equal(fw->first_rule, 3);
	assert_false(fw->has_ips);
	fw = &t->firewalls[2];
	assert_int_equal(fw->arm_kind, TOPO_FW_ARM_VM);
	assert_int_equal(fw->arm, 0);
	assert_int_equal(fw->legs[0], 1);
	free(t);
}

/* topo_fw_policy() resolves names and keeps order and default. */
static void firewall_policy(void **state)
{
	const uint32_t client = 0x0a000005, web1 = 0x0a00000b, db = 0x0a000015,
		       other = 0x0a090101;
	struct topo *t = topo_new();
	struct fw_policy pol;
	struct fw_key k;
	char err[ERR_SIZE];

	(void)state;
	assert_int_equal(
		topo_parse_buf(shop, strlen(shop), "s", t, err, sizeof(err)),
		0);
	assert_int_equal(
		topo_fw_policy(t, &t->firewalls[0], &pol, err, sizeof(err)), 0);
	assert_int_equal(pol.n_rules, 3);
	assert_int_equal(pol.default_action, FW_DROP);
	k = key(web1, db, 6, 5432);
	assert_int_equal(fw_policy_match(&pol, &k), 0);
	k = key(other, db, 6, 5432); /* 10.9/16 is in the group */
	assert_int_equal(fw_policy_match(&pol, &k), 0);
	k = key(web1, db, 6, 22);
	assert_int_equal(fw_policy_match(&pol, &k), 3); /* default */
	k = key(client, db, 1, 0);
	assert_int_equal(fw_policy_match(&pol, &k), 1);
	k = key(client, db, 6, 5432);
	assert_int_equal(fw_policy_match(&pol, &k), 2);
	assert_int_equal(pol.rules[2].action, FW_REJECT);
	fw_policy_free(&pol);
	assert_int_equal(
		topo_fw_policy(t, &t->firewalls[1], &pol, err, sizeof(err)), 0);
	assert_int_equal(pol.n_rules, 0);
	assert_int_equal(pol.default_action, FW_ALLOW);
	fw_policy_free(&pol);
	free(t);
}

static void firewall_lookups(void **state)
{
	char err[ERR_SIZE], fp[TOPO_PORT_NAME_MAX], sp[TOPO_PORT_NAME_MAX];
	struct topo *t = topo_new();
	struct topo_firewall *fw;

	(void)state;
	assert_int_equal(
		topo_parse_buf(shop, strlen(shop), "s", t, err, sizeof(err)),
		0);
	assert_int_equal(topo_group_find(t, "web"), 0);
	assert_int_equal(topo_group_find(t, "web1"), -ENOENT);
	assert_int_equal(topo_firewall_find(t, "tap"), 1);
	assert_int_equal(topo_firewall_find(t, "front"), -ENOENT);
	fw = &t->firewalls[0];
	assert_int_equal(topo_firewall_port_names(t, fw, 0, fp, sp), 0);
	assert_string_equal(fp, "fw.front");
	assert_string_equal(sp, "front.fw");
	assert_int_equal(topo_firewall_port_names(t, fw, 1, fp, sp), 0);
	assert_string_equal(fp, "fw.back");
	assert_string_equal(sp, "back.fw");
	assert_int_equal(topo_firewall_port_names(t, fw, 2, fp, sp), -EINVAL);
	fw = &t->firewalls[1];
	assert_int_equal(topo_firewall_port_names(t, fw, 0, fp, sp), 0);
	assert_string_equal(sp, "front.tap");
	assert_int_equal(topo_firewall_port_names(t, fw, 1, fp, sp), -EINVAL);
	memset(fw->name, 'f', 28);
	fw->name[28] = '\0';
	assert_int_equal(topo_firewall_port_names(t, fw, 0, fp, sp),
			 -ENAMETOOLONG);
	free(t);
}

/* topo_validate() on groups and firewalls built or edited by hand. */
static void validate_hand_built_fw(void **state)
{
	struct topo *t = topo_new();
	struct topo_firewall *fw;
	char err[ERR_SIZE];

	(void)state;
	assert_int_equal(
		topo_parse_buf(shop, strlen(shop), "v", t, err, sizeof(err)),
		0);
	fw = &t->firewalls[0];
	fw->legs[1] = 0;
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "v:13:3: firewall 'fw': bad mode"));
	fw->legs[1] = 9;
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	fw->legs[1] = 1;
	fw->nrules = 4; /* past t->nfw_rules */
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	fw->nrules = 3;
	fw->log = 7;
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	fw->log = TOPO_FW_LOG_NONE;
	t->firewalls[2].arm = 1; /* no vm 1 */
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	t->firewalls[2].arm = 0;
	t->firewalls[2].default_action = TOPO_FW_REJECT; /* one-arm */
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	t->firewalls[2].default_action = TOPO_FW_DROP;
	t->groups[0].members[0].host = 99;
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "group 'web': bad member"));
	t->groups[0].members[0].host = 0;
	t->fw_rules[2].text = t->fw_text_len;
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	t->fw_rules[2].text = 0;
	assert_int_equal(topo_validate(t, err, sizeof(err)), 0);
	/* a second inline firewall on switch back */
	t->firewalls[1].mode = TOPO_FW_INLINE;
	t->firewalls[1].legs[1] = 1;
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "already an inline leg of firewall 'fw'"));
	t->firewalls[1].mode = TOPO_FW_ONE_ARM;
	/* a rule edited into nonsense is reported at its line and column */
	t->fw_text[t->fw_rules[0].text] = 'x';
	assert_int_equal(topo_validate(t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "v:19:9: firewall 'fw' rule 1: "));
	free(t);
}

/* A directory of this run's own, made on first use. */
static const char *tmp_dir(void)
{
	static char dir[64];

	if (!dir[0]) {
		strcpy(dir, "/tmp/test_topo.XXXXXX");
		assert_non_null(mkdtemp(dir));
	}
	return dir;
}

/* The path of tmp_dir()/@name; writes @text there unless it is NULL. */
static const char *tmp_file(const char *name, const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp_dir(), name);
	if (text) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(text, f);
		assert_int_equal(fclose(f), 0);
	}
	return path;
}

/* rules-file: relative to the topology's directory, absolute, FIFO. */
static void rules_file_paths(void **state)
{
	static const char head[] =
		"name: rf\nswitches: { a: {}, b: {} }\n"
		"hosts: { h: { switch: a, ip: 10.0.0.1/24 } }\n"
		"firewalls:\n  fw: { inline: [a, b], rules-file: ";
	char yaml[PATH_MAX + 256], err[ERR_SIZE], topo[PATH_MAX], abs[PATH_MAX];
	struct topo *t = topo_new();
	size_t n;

	(void)state;
	tmp_file("x.rules", "allow tcp from h to any\n\n# end\n");
	snprintf(topo, sizeof(topo), "%s", tmp_file("rf.yaml", NULL));
	snprintf(abs, sizeof(abs), "%s", tmp_file("x.rules", NULL));
	n = (size_t)snprintf(yaml, sizeof(yaml), "%sx.rules }\n", head);
	assert_int_equal(topo_parse_buf(yaml, n, topo, t, err, sizeof(err)), 0);
	assert_string_equal(t->firewalls[0].rules_file, "x.rules");
	assert_string_equal(t->firewalls[0].rules_path, abs);
	assert_int_equal(t->firewalls[0].nrules, 1);
	assert_int_equal(t->fw_rules[0].line, 1);
	/* no directory in the file name: relative to the working directory */
	assert_int_equal(
		topo_parse_buf(yaml, n, "rf.yaml", t, err, sizeof(err)),
		-EINVAL);
	assert_non_null(strstr(err, "rf.yaml:5:37: firewall 'fw': "
				    "rules-file 'x.rules': No such file"));
	n = (size_t)snprintf(yaml, sizeof(yaml), "%s%s }\n", head, abs);
	assert_int_equal(
		topo_parse_buf(yaml, n, "rf.yaml", t, err, sizeof(err)), 0);
	assert_string_equal(t->firewalls[0].rules_path, abs);
	/* a FIFO is refused without blocking */
	snprintf(abs, sizeof(abs), "%s", tmp_file("fifo.rules", NULL));
	assert_int_equal(mkfifo(abs, 0600), 0);
	n = (size_t)snprintf(yaml, sizeof(yaml), "%s%s }\n", head, abs);
	assert_int_equal(
		topo_parse_buf(yaml, n, "rf.yaml", t, err, sizeof(err)),
		-EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	unlink(abs);
	unlink(tmp_file("x.rules", NULL));
	assert_int_equal(rmdir(tmp_dir()), 0);
	free(t);
}

/* A topology with @nfw inline firewalls of @nrules rules each. */
static char *fw_yaml(int nfw, int nrules, size_t *size)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, size);
	int i, j;

	assert_non_null(f);
	fprintf(f, "name: big\nswitches: {");
	for (i = 0; i < 2 * nfw; i++)
		fprintf(f, "%ss%d: {}", i ? ", " : "", i);
	fprintf(f, "}\nfirewalls:\n");
	for (i = 0; i < nfw; i++) {
		fprintf(f, "  f%d:\n    inline: [s%d, s%d]\n    rules:\n", i,
			2 * i, 2 * i + 1);
		for (j = 0; j < nrules; j++)
			fprintf(f, "      - drop tcp from any to any port %d\n",
				j);
	}
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The firewall limits filled, then one more of each. */
static void firewall_limits(void **state)
{
	struct topo *t = topo_new();
	clock_t start = clock();
	char err[ERR_SIZE], *y;
	size_t size;

	(void)state;
	y = fw_yaml(TOPO_MAX_FIREWALLS, TOPO_FW_MAX_RULES / TOPO_MAX_FIREWALLS,
		    &size);
	assert_int_equal(topo_parse_buf(y, size, "max", t, err, sizeof(err)),
			 0);
	assert_int_equal(t->nfw_rules, TOPO_FW_MAX_RULES);
	assert_int_equal(t->firewalls[15].first_rule, 15 * 1024);
	free(y);
	y = fw_yaml(1, TOPO_FW_MAX_RULES + 1, &size);
	assert_int_equal(topo_parse_buf(y, size, "r", t, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "more than 16384 firewall rules"));
	free(y);
	y = fw_yaml(TOPO_MAX_FIREWALLS + 1, 0, &size);
	assert_int_equal(topo_parse_buf(y, size, "f", t, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(
		strstr(err, "'firewalls': too many entries (limit 16)"));
	free(y);
	assert_true(clock() - start < 20 * CLOCKS_PER_SEC);
	free(t);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(golden_dir_found),
		cmocka_unit_test(load_missing_file),
		cmocka_unit_test(lookups),
		cmocka_unit_test(unterminated_buffer),
		cmocka_unit_test(short_error_buffer),
		cmocka_unit_test(too_large),
		cmocka_unit_test(bombs),
		cmocka_unit_test(reuse),
		cmocka_unit_test(validate_hand_built),
		cmocka_unit_test(router_model),
		cmocka_unit_test(router_lookups),
		cmocka_unit_test(validate_hand_built_router),
		cmocka_unit_test(router_limits),
		cmocka_unit_test(firewall_model),
		cmocka_unit_test(firewall_policy),
		cmocka_unit_test(firewall_lookups),
		cmocka_unit_test(validate_hand_built_fw),
		cmocka_unit_test(rules_file_paths),
		cmocka_unit_test(firewall_limits),
	};
	struct CMUnitTest tests[MAX_GOLDEN + 16] = {0};
	char fail_dir[PATH_MAX];
	int n = 0, i, ret;

	for (i = 0; i < (int)(sizeof(fixed) / sizeof(fixed[0])); i++)
		tests[n++] = fixed[i];
	snprintf(fail_dir, sizeof(fail_dir), "%s/fail", golden_dir());
	n = add_golden(golden_dir(), "ok_", golden_ok, tests, n);
	n = add_golden(fail_dir, "fail_", golden_fail, tests, n);
	ret = _cmocka_run_group_tests("topo", tests, (size_t)n, NULL, NULL);
	for (i = (int)(sizeof(fixed) / sizeof(fixed[0])); i < n; i++) {
		free((void *)tests[i].name);
		free(tests[i].initial_state);
	}
	return ret;
}
