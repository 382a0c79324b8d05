// SPDX-License-Identifier: MIT
/*
 * test_ips_alert_fmt.c - EVE and fast.log lines of IPS alerts against
 * golden strings in Suricata's layout: TCP/UDP/ICMP/IPv6, blocked and
 * allowed, classtype table lookups and priority overrides, JSON escaping
 * (parsed back with jansson), and buffers that are too small.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "ips/ips_alert_fmt.h"

/* 2026-11-26T06:00:00.123456 UTC */
#define TS_NS (1795672800ull * 1000000000ull + 123456789ull)

static struct ips_rule rule(const char *msg, const char *classtype,
			    uint32_t prio)
{
	struct ips_rule r;

	memset(&r, 0, sizeof(r));
	r.gid = 1;
	r.sid = 2000001;
	r.rev = 1;
	r.msg = (char *)msg;
	r.classtype = (char *)classtype;
	r.priority = prio;
	return r;
}

static struct ips_alert alert4(const struct ips_rule *r, uint8_t proto)
{
	struct ips_alert a;

	memset(&a, 0, sizeof(a));
	a.rule = r;
	a.flow_id = 1234567;
	a.ts_ns = TS_NS;
	a.family = 4;
	a.proto = proto;
	a.sport = 1234;
	a.dport = 80;
	inet_pton(AF_INET, "10.0.0.1", a.src);
	inet_pton(AF_INET, "10.0.0.2", a.dst);
	return a;
}

static void test_eve_tcp_http(void **state)
{
	struct ips_rule r = rule("SQLi in URI", "web-application-attack", 0);
	struct ips_alert a = alert4(&r, 6);
	char buf[IPS_ALERT_LINE_MAX];
	const char *want =
		"{\"timestamp\":\"2026-11-26T06:00:00.123456+0000\","
		"\"flow_id\":1234567,\"event_type\":\"alert\","
		"\"src_ip\":\"10.0.0.1\",\"src_port\":1234,"
		"\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"proto\":\"TCP\","
		"\"alert\":{\"action\":\"allowed\",\"gid\":1,"
		"\"signature_id\":2000001,\"rev\":1,"
		"\"signature\":\"SQLi in URI\","
		"\"category\":\"Web Application Attack\",\"severity\":1},"
		"\"app_proto\":\"http\"}\n";
	int n;

	(void)state;
	a.app = IPS_APP_HTTP;
	n = ips_alert_eve(&a, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_eve_blocked_udp_iface_no_class(void **state)
{
	struct ips_rule r = rule("evil dns", NULL, 0);
	struct ips_alert a = alert4(&r, 17);
	char buf[IPS_ALERT_LINE_MAX];

	(void)state;
	a.blocked = true;
	a.app = IPS_APP_DNS;
	a.dport = 53;
	a.iface = "fw.front";
	assert_true(ips_alert_eve(&a, buf, sizeof(buf)) > 0);
	assert_string_equal(
		buf, "{\"timestamp\":\"2026-11-26T06:00:00.123456+0000\","
		     "\"flow_id\":1234567,\"in_iface\":\"fw.front\","
		     "\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\","
		     "\"src_port\":1234,\"dest_ip\":\"10.0.0.2\","
		     "\"dest_port\":53,\"proto\":\"UDP\",\"alert\":{"
		     "\"action\":\"blocked\",\"gid\":1,"
		     "\"signature_id\":2000001,\"rev\":1,"
		     "\"signature\":\"evil dns\",\"category\":\"\","
		     "\"severity\":3},\"app_proto\":\"dns\"}\n");
}

static void test_eve_icmp_v6_no_ports(void **state)
{
	struct ips_rule r = rule("ping", "misc-activity", 2);
	struct ips_alert a = alert4(&r, 58);
	char buf[IPS_ALERT_LINE_MAX];

	(void)state;
	a.family = 6;
	a.icmp_type = 128;
	inet_pton(AF_INET6, "2001:db8::1", a.src);
	inet_pton(AF_INET6, "2001:db8::2", a.dst);
	assert_true(ips_alert_eve(&a, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"src_ip\":\"2001:db8::1\","
				    "\"dest_ip\":\"2001:db8::2\","
				    "\"proto\":\"IPv6-ICMP\",\"icmp_type\":128,"
				    "\"icmp_code\":0,"));
	assert_null(strstr(buf, "port"));
	assert_non_null(strstr(buf, "\"category\":\"Misc activity\","
				    "\"severity\":2}}"));
}

static void test_eve_escapes_parse_back(void **state)
{
	struct ips_rule r = rule("a \"quoted\" \\ msg\t\x01\xe9", "my-own", 0);
	struct ips_alert a = alert4(&r, 6);
	char buf[IPS_ALERT_LINE_MAX];
	json_error_t jerr;
	json_t *j, *al;
	int n;

	(void)state;
	n = ips_alert_eve(&a, buf, sizeof(buf));
	assert_true(n > 0);
	j = json_loadb(buf, (size_t)n - 1, 0, &jerr);
	assert_non_null(j);
	al = json_object_get(j, "alert");
	assert_string_equal(json_string_value(json_object_get(al, "signature")),
			    "a \"quoted\" \\ msg\t\x01\xc3\xa9");
	/* unknown classtype: as written, priority 3 */
	assert_string_equal(json_string_value(json_object_get(al, "category")),
			    "my-own");
	assert_int_equal(json_integer_value(json_object_get(al, "severity")), 3);
	assert_null(json_object_get(j, "app_proto"));
	json_decref(j);
}

static void test_fast_lines(void **state)
{
	struct ips_rule r = rule("ET WEB attack", "web-application-attack", 0);
	struct ips_rule r2 = rule("plain", NULL, 0);
	struct ips_alert a = alert4(&r, 6);
	char buf[IPS_ALERT_LINE_MAX];

	(void)state;
	assert_true(ips_alert_fast(&a, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "11/26/2026-06:00:00.123456  [**] "
				 "[1:2000001:1] ET WEB attack [**] "
				 "[Classification: Web Application Attack] "
				 "[Priority: 1] {TCP} 10.0.0.1:1234 -> "
				 "10.0.0.2:80\n");
	a.blocked = true;
	a.rule = &r2;
	a.proto = 1;
	a.icmp_type = 8;
	assert_true(ips_alert_fast(&a, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "11/26/2026-06:00:00.123456  [Drop] [**] "
				 "[1:2000001:1] plain [**] "
				 "[Classification: (null)] [Priority: 3] "
				 "{ICMP} 10.0.0.1:8 -> 10.0.0.2:0\n");
}

static void test_severity_and_category(void **state)
{
	struct ips_rule r = rule("x", "trojan-activity", 0);

	(void)state;
	assert_int_equal(ips_alert_severity(&r), 1);
	r.priority = 4;
	assert_int_equal(ips_alert_severity(&r), 4);
	assert_string_equal(ips_alert_category(&r),
			    "A Network Trojan was detected");
	r.classtype = NULL;
	r.priority = 0;
	assert_null(ips_alert_category(&r));
	assert_int_equal(ips_alert_severity(&r), 3);
	assert_string_equal(ips_app_name(IPS_APP_TLS), "tls");
	assert_null(ips_app_name(IPS_APP_NONE));
}

static void test_too_small(void **state)
{
	struct ips_rule r = rule("m", NULL, 0);
	struct ips_alert a = alert4(&r, 6);
	char buf[IPS_ALERT_LINE_MAX];
	int n;

	(void)state;
	n = ips_alert_eve(&a, buf, sizeof(buf));
	assert_true(n > 0);
	/* exactly fitting needs room for the NUL too */
	assert_int_equal(ips_alert_eve(&a, buf, (size_t)n), -ENOSPC);
	assert_int_equal(ips_alert_eve(&a, buf, (size_t)n + 1), n);
	assert_int_equal(ips_alert_fast(&a, buf, 10), -ENOSPC);
	assert_int_equal(ips_alert_fast(&a, buf, 0), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eve_tcp_http),
		cmocka_unit_test(test_eve_blocked_udp_iface_no_class),
		cmocka_unit_test(test_eve_icmp_v6_no_ports),
		cmocka_unit_test(test_eve_escapes_parse_back),
		cmocka_unit_test(test_fast_lines),
		cmocka_unit_test(test_severity_and_category),
		cmocka_unit_test(test_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
