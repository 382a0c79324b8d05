// SPDX-License-Identifier: MIT
/*
 * ips_alert_fmt.c - EVE JSON and fast.log lines for IPS alerts, written
 * into a caller's buffer (core/jsonw.c's bounded appender), with the
 * UTC clock arithmetic, the stock Suricata classification table, and the
 * two line formats. See ips_alert_fmt.h for the shapes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../core/civil.h"
#include "../core/jsonw.h"
#include "ips/ips_alert_fmt.h"

enum {
	NS_PER_S = 1000000000,
	PRIO_DEFAULT = 3,
};

/*
 * Suricata's stock classification.config (the one Emerging Threats ships):
 * shortname, description, priority.
 */
static const struct classtype {
	const char *name;
	const char *desc;
	uint8_t prio;
} classtypes[] = {
	{"not-suspicious", "Not Suspicious Traffic", 3},
	{"unknown", "Unknown Traffic", 3},
	{"bad-unknown", "Potentially Bad Traffic", 2},
	{"attempted-recon", "Attempted Information Leak", 2},
	{"successful-recon-limited", "Information Leak", 2},
	{"successful-recon-largescale", "Large Scale Information Leak", 2},
	{"attempted-dos", "Attempted Denial of Service", 2},
	{"successful-dos", "Denial of Service", 2},
	{"attempted-user", "Attempted User Privilege Gain", 1},
	{"unsuccessful-user", "Unsuccessful User Privilege Gain", 1},
	{"successful-user", "Successful User Privilege Gain", 1},
	{"attempted-admin", "Attempted Administrator Privilege Gain", 1},
	{"successful-admin", "Successful Administrator Privilege Gain", 1},
	{"rpc-portmap-decode", "Decode of an RPC Query", 2},
	{"shellcode-detect", "Executable code was detected", 1},
	{"string-detect", "A suspicious string was detected", 3},
	{"suspicious-filename-detect", "A suspicious filename was detected", 2},
	{"suspicious-login",
	 "An attempted login using a suspicious username was detected", 2},
	{"system-call-detect", "A system call was detected", 2},
	{"tcp-connection", "A TCP connection was detected", 4},
	{"trojan-activity", "A Network Trojan was detected", 1},
	{"unusual-client-port-connection", "A client was using an unusual port",
	 2},
	{"network-scan", "Detection of a Network Scan", 3},
	{"denial-of-service", "Detection of a Denial of Service Attack", 2},
	{"non-standard-protocol",
	 "Detection of a non-standard protocol or event", 2},
	{"protocol-command-decode", "Generic Protocol Command Decode", 3},
	{"web-application-activity",
	 "access to a potentially vulnerable web application", 2},
	{"web-application-attack", "Web Application Attack", 1},
	{"misc-activity", "Misc activity", 3},
	{"misc-attack", "Misc Attack", 2},
	{"icmp-event", "Generic ICMP event", 3},
	{"policy-violation", "Potential Corporate Privacy Violation", 1},
	{"default-login-attempt",
	 "Attempt to login by a default username and password", 2},
	{"targeted-activity", "Targeted Malicious Activity was Detected", 1},
	{"exploit-kit", "Exploit Kit Activity Detected", 1},
	{"external-ip-check", "Device Retrieving External IP Address Detected",
	 2},
	{"domain-c2", "Domain Observed Used for C2 Detected", 1},
	{"pup-activity", "Possibly Unwanted Program Detected", 2},
	{"credential-theft", "Successful Credential Theft Detected", 1},
	{"social-engineering", "Possible Social Engineering Attempted", 2},
	{"coin-mining", "Crypto Currency Mining Activity Detected", 2},
	{"command-and-control", "Malware Command and Control Activity Detected",
	 1},
};

/* broken-down UTC time of @ns */
struct utc {
	int year;
	unsigned int mon, day, h, m, s, usec;
};

static void utc_of(uint64_t ns, struct utc *t)
{
	uint64_t sec = ns / NS_PER_S;
	unsigned int sod = (unsigned int)(sec % 86400);

	civil_from_days((int64_t)(sec / 86400), &t->year, &t->mon, &t->day);
	t->h = sod / 3600;
	t->m = sod / 60 % 60;
	t->s = sod % 60;
	t->usec = (unsigned int)(ns % NS_PER_S / 1000);
}

static const struct classtype *classtype_find(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(classtypes) / sizeof(classtypes[0]); i++)
		if (!strcmp(classtypes[i].name, name))
			return &classtypes[i];
	return NULL;
}

/**
 * ips_alert_category() - the alert's category, as Suricata prints it
 * @r: the rule
 *
 * Return: the classtype's description from the stock classification
 * table, the classtype as written if it is not in the table, or NULL when
 * the rule has no classtype.
 */
const char *ips_alert_category(const struct ips_rule *r)
{
	const struct classtype *c = classtype_find(r->classtype);

	return c ? c->desc : r->classtype;
}

/**
 * ips_alert_severity() - the alert's severity (Suricata's priority)
 * @r: the rule
 *
 * Return: the rule's priority: if given, else its classtype's priority,
 * else 3.
 */
uint32_t ips_alert_severity(const struct ips_rule *r)
{
	const struct classtype *c;

	if (r->priority)
		return r->priority;
	c = classtype_find(r->classtype);
	return c ? c->prio : PRIO_DEFAULT;
}

/**
 * ips_app_name() - EVE's app_proto text of an application protocol
 * @app: enum ips_app
 *
 * Return: "http", "dns", "tls", or NULL for IPS_APP_NONE and unknown
 * values.
 */
const char *ips_app_name(uint8_t app)
{
	switch (app) {
	case IPS_APP_HTTP:
		return "http";
	case IPS_APP_DNS:
		return "dns";
	case IPS_APP_TLS:
		return "tls";
	default:
		return NULL;
	}
}

static const char *proto_name(uint8_t proto, char *num, size_t size)
{
	switch (proto) {
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 1:
		return "ICMP";
	case 58:
		return "IPv6-ICMP";
	default:
		snprintf(num, size, "%03u", proto);
		return num;
	}
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

static void addr_text(const struct ips_alert *a, const uint8_t *addr, char *txt,
		      size_t size)
{
	if (!inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, addr, txt,
		       (socklen_t)size))
		snprintf(txt, size, "?");
}

/*
 * A JSON string. Bytes >= 0x80 are written as \u00XX (read as Latin-1),
 * so the line is valid JSON whatever bytes a rule's msg holds.
 */
static void put_json_str(struct jsonw *o, const char *s)
{
	jsonw_put_quoted(o, s, SIZE_MAX, JSONW_HIGH_ESCAPE);
}

static int finish(struct jsonw *o)
{
	jsonw_put_ch(o, '\n');
	return o->overflow ? -ENOSPC : (int)o->len;
}

static void eve_alert_obj(struct jsonw *o, const struct ips_alert *a)
{
	const struct ips_rule *r = a->rule;
	const char *cat = ips_alert_category(r);

	jsonw_put_fmt(o,
		      ",\"alert\":{\"action\":\"%s\",\"gid\":%u,"
		      "\"signature_id\":%u,\"rev\":%u,\"signature\":",
		      a->blocked ? "blocked" : "allowed", r->gid, r->sid,
		      r->rev);
	put_json_str(o, r->msg ? r->msg : "");
	jsonw_put_str(o, ",\"category\":");
	put_json_str(o, cat ? cat : "");
	jsonw_put_fmt(o, ",\"severity\":%u}", ips_alert_severity(r));
}

/**
 * ips_alert_eve() - format an alert as one EVE JSON line
 * @a: the alert
 * @buf: where to write; NUL-terminated on success
 * @size: its size (IPS_ALERT_LINE_MAX is always enough)
 *
 * Return: bytes written, the newline included, or -ENOSPC if the line
 * does not fit (@buf then holds a partial line).
 */
int ips_alert_eve(const struct ips_alert *a, char *buf, size_t size)
{
	struct jsonw o;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], num[8];
	const char *app = ips_app_name(a->app);
	struct utc t;

	jsonw_init(&o, buf, size);
	utc_of(a->ts_ns, &t);
	addr_text(a, a->src, src, sizeof(src));
	addr_text(a, a->dst, dst, sizeof(dst));
	jsonw_put_fmt(&o,
		      "{\"timestamp\":\"%04d-%02u-%02uT%02u:%02u:%02u.%06u"
		      "+0000\",\"flow_id\":%llu,",
		      t.year, t.mon, t.day, t.h, t.m, t.s, t.usec,
		      (unsigned long long)a->flow_id);
	if (a->iface) {
		jsonw_put_str(&o, "\"in_iface\":");
		put_json_str(&o, a->iface);
		jsonw_put_ch(&o, ',');
	}
	jsonw_put_fmt(&o, "\"event_type\":\"alert\",\"src_ip\":\"%s\",", src);
	if (has_ports(a->proto))
		jsonw_put_fmt(&o, "\"src_port\":%u,", a->sport);
	jsonw_put_fmt(&o, "\"dest_ip\":\"%s\",", dst);
	if (has_ports(a->proto))
		jsonw_put_fmt(&o, "\"dest_port\":%u,", a->dport);
	jsonw_put_fmt(&o, "\"proto\":\"%s\"",
		      proto_name(a->proto, num, sizeof(num)));
	if (a->proto == 1 || a->proto == 58)
		jsonw_put_fmt(&o, ",\"icmp_type\":%u,\"icmp_code\":%u",
			      a->icmp_type, a->icmp_code);
	eve_alert_obj(&o, a);
	if (app)
		jsonw_put_fmt(&o, ",\"app_proto\":\"%s\"", app);
	jsonw_put_ch(&o, '}');
	return finish(&o);
}

/**
 * ips_alert_fast() - format an alert as one fast.log line
 * @a: the alert
 * @buf: where to write; NUL-terminated on success
 * @size: its size (IPS_ALERT_LINE_MAX is always enough)
 *
 * Suricata's layout: "MM/DD/YYYY-hh:mm:ss.uuuuuu  [Drop] [**]
 * [gid:sid:rev] msg [**] [Classification: C] [Priority: P] {PROTO}
 * SRC:SPORT -> DST:DPORT", the "[Drop] " only when @a->blocked; ICMP
 * prints type and code where the ports go, as Suricata does.
 *
 * Return: bytes written, the newline included, or -ENOSPC.
 */
int ips_alert_fast(const struct ips_alert *a, char *buf, size_t size)
{
	struct jsonw o;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], num[8];
	const struct ips_rule *r = a->rule;
	const char *cat = ips_alert_category(r);
	bool icmp = a->proto == 1 || a->proto == 58;
	struct utc t;

	jsonw_init(&o, buf, size);
	utc_of(a->ts_ns, &t);
	addr_text(a, a->src, src, sizeof(src));
	addr_text(a, a->dst, dst, sizeof(dst));
	jsonw_put_fmt(&o,
		      "%02u/%02u/%04d-%02u:%02u:%02u.%06u  %s[**] [%u:%u:%u] ",
		      t.mon, t.day, t.year, t.h, t.m, t.s, t.usec,
		      a->blocked ? "[Drop] " : "", r->gid, r->sid, r->rev);
	jsonw_put_str(&o, r->msg ? r->msg : "");
	jsonw_put_str(&o, " [**] [Classification: ");
	jsonw_put_str(&o, cat ? cat : "(null)");
	jsonw_put_fmt(&o, "] [Priority: %u] {%s} ", ips_alert_severity(r),
		      proto_name(a->proto, num, sizeof(num)));
	if (has_ports(a->proto) || icmp)
		jsonw_put_fmt(&o, "%s:%u -> %s:%u", src,
			      icmp ? a->icmp_type : a->sport, dst,
			      icmp ? a->icmp_code : a->dport);
	else
		jsonw_put_fmt(&o, "%s -> %s", src, dst);
	return finish(&o);
}
