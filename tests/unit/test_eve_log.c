// SPDX-License-Identifier: MIT
/*
 * test_eve_log.c - the EVE JSON line writer: the builder's escaping and
 * nesting (parsed back with jansson), the common header, timestamps
 * against gmtime_r() over many instants, the token bucket, the ring (flush
 * on tick, forced flush when full), one write() per line, the sink, and
 * lines that do not fit.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "node/eve_log.h"

enum { NS = 1000000000 };

static json_t *parse_line(const char *s, size_t len)
{
	json_error_t jerr;
	json_t *j;

	assert_true(len > 0);
	assert_int_equal(s[len - 1], '\n');
	j = json_loadb(s, len - 1, 0, &jerr);
	if (!j)
		fail_msg("bad JSON '%.*s': %s", (int)len, s, jerr.text);
	return j;
}

static void test_builder_escapes_and_nests(void **state)
{
	char s[512];
	struct eve_buf b;
	json_t *j;

	(void)state;
	eve_buf_init(&b, s, sizeof(s));
	eve_put_str(&b, "q", "a\"b\\c\n\x01\x7f");
	eve_obj_open(&b, "o");
	eve_put_u64(&b, "n", 9007199254740993ull);
	eve_put_bool(&b, "t", true);
	eve_arr_open(&b, "a");
	eve_put_u64(&b, NULL, 1);
	eve_put_u64(&b, NULL, 2);
	eve_arr_close(&b);
	eve_obj_close(&b);
	eve_put_str(&b, "nul", NULL);
	eve_obj_close(&b);
	assert_false(b.w.overflow);
	s[b.w.len++] = '\n';
	j = parse_line(s, b.w.len);
	assert_string_equal(json_string_value(json_object_get(j, "q")),
			    "a\"b\\c\n\x01\x7f");
	assert_true(
		json_is_true(json_object_get(json_object_get(j, "o"), "t")));
	assert_int_equal(
		json_array_size(json_object_get(json_object_get(j, "o"), "a")),
		2);
	assert_true(json_is_null(json_object_get(j, "nul")));
	json_decref(j);
}

static void test_builder_overflow(void **state)
{
	char s[16];
	struct eve_buf b;

	(void)state;
	eve_buf_init(&b, s, sizeof(s));
	eve_put_str(&b, "key", "a value that is too long");
	assert_true(b.w.overflow);
	assert_true(b.w.len < sizeof(s));
}

static void ts(uint64_t wall_ns, char *out, size_t size)
{
	char s[128];
	struct eve_buf b;
	json_t *j;

	eve_buf_init(&b, s, sizeof(s));
	eve_put_time(&b, "t", wall_ns);
	eve_obj_close(&b);
	s[b.w.len++] = '\n';
	j = parse_line(s, b.w.len);
	snprintf(out, size, "%s", json_string_value(json_object_get(j, "t")));
	json_decref(j);
}

/* The example instant, the epoch, leap days, and random ones. */
static void test_timestamps(void **state)
{
	char got[64], want[64];
	struct tm tm;
	time_t t;
	int i;

	(void)state;
	ts(1795672800ull * NS + 123456789, got, sizeof(got));
	assert_string_equal(got, "2026-11-26T06:00:00.123456+0000");
	ts(0, got, sizeof(got));
	assert_string_equal(got, "1970-01-01T00:00:00.000000+0000");
	ts(951782400ull * NS, got, sizeof(got));
	assert_string_equal(got, "2000-02-29T00:00:00.000000+0000");
	srandom(7);
	for (i = 0; i < 20000; i++) {
		t = (time_t)((uint64_t)random() * 3 % 6000000000ull);
		gmtime_r(&t, &tm);
		snprintf(want, sizeof(want),
			 "%04d-%02d-%02dT%02d:%02d:%02d.000007+0000",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec);
		ts((uint64_t)t * NS + 7999, got, sizeof(got));
		assert_string_equal(got, want);
	}
}

static void test_header_fields(void **state)
{
	struct eve_log log;
	struct eve_log_cfg cfg = {.fd = -1};
	struct eve_flow f = {.sport = 40000,
			     .dport = 5432,
			     .proto = 6,
			     .n_vlans = 1,
			     .vlan = {10}};
	struct eve_buf b;
	json_t *j;

	(void)state;
	assert_int_equal(eve_log_init(&log, &cfg), 0);
	eve_log_set_wall_offset(&log, 1795672800ll * NS);
	f.src.w[2] = f.dst.w[2] = 0xffff0000u;
	f.src.b[10] = f.src.b[11] = f.dst.b[10] = f.dst.b[11] = 0xff;
	f.src.w[2] = f.dst.w[2];
	memcpy(&f.src.b[12], "\x0a\x00\x00\x01", 4);
	memcpy(&f.dst.b[12], "\x0a\x00\x01\x01", 4);
	assert_true(eve_log_begin(&log, 5ull * NS, &b));
	eve_put_header(&b, &log, 5ull * NS, 42, "fw.front", "drop", &f);
	assert_int_equal(eve_log_commit(&log, &b), 0);
	j = parse_line(log.ring, log.lens[0]);
	assert_string_equal(json_string_value(json_object_get(j, "timestamp")),
			    "2026-11-26T06:00:05.000000+0000");
	assert_int_equal(json_integer_value(json_object_get(j, "flow_id")), 42);
	assert_string_equal(json_string_value(json_object_get(j, "src_ip")),
			    "10.0.0.1");
	assert_string_equal(json_string_value(json_object_get(j, "dest_ip")),
			    "10.0.1.1");
	assert_int_equal(json_integer_value(json_object_get(j, "dest_port")),
			 5432);
	assert_string_equal(json_string_value(json_object_get(j, "proto")),
			    "TCP");
	assert_int_equal(json_integer_value(
				 json_array_get(json_object_get(j, "vlan"), 0)),
			 10);
	json_decref(j);
	eve_log_fini(&log);
}

static void test_rate_limit(void **state)
{
	struct eve_log log;
	struct eve_log_cfg cfg = {.fd = -1, .rate = 10, .burst = 5};
	struct eve_buf b;
	uint64_t now = 100ull * NS;
	int i, ok = 0;

	(void)state;
	assert_int_equal(eve_log_init(&log, &cfg), 0);
	for (i = 0; i < 20; i++) {
		if (eve_log_begin(&log, now, &b)) {
			ok++;
			assert_int_equal(eve_log_commit(&log, &b), 0);
		}
	}
	assert_int_equal(ok, 5);
	assert_int_equal(log.counters[EVE_C_SUPPRESSED], 15);
	/* 100 ms later: one token */
	assert_true(eve_log_begin(&log, now + NS / 10, &b));
	assert_int_equal(eve_log_commit(&log, &b), 0);
	assert_false(eve_log_begin(&log, now + NS / 10, &b));
	/* a long pause refills to the burst, not more */
	for (ok = 0, i = 0; i < 20; i++) {
		if (eve_log_begin(&log, now + 100ull * NS, &b)) {
			ok++;
			assert_int_equal(eve_log_commit(&log, &b), 0);
		}
	}
	assert_int_equal(ok, 5);
	assert_int_equal(log.counters[EVE_C_QUEUED], 11);
	eve_log_fini(&log);
}

struct sink {
	int lines;
	size_t bytes;
};

static void sink_fn(void *ctx, const char *line, size_t len)
{
	struct sink *s = ctx;

	assert_int_equal(line[len - 1], '\n');
	s->lines++;
	s->bytes += len;
}

/* Ring of 4: the 5th line forces a flush; the tick writes the rest. */
static void test_ring_and_writes(void **state)
{
	struct eve_log_cfg cfg = {.rate = 0, .ring = 4};
	struct sink sk = {0};
	struct eve_log log;
	struct eve_buf b;
	char buf[8192];
	int fds[2], i, lines = 0;
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	cfg.fd = fds[1];
	assert_int_equal(eve_log_init(&log, &cfg), 0);
	eve_log_set_sink(&log, sink_fn, &sk);
	for (i = 0; i < 5; i++) {
		assert_true(eve_log_begin(&log, 1, &b));
		eve_put_u64(&b, "i", (uint64_t)i);
		assert_int_equal(eve_log_commit(&log, &b), 0);
	}
	assert_int_equal(log.counters[EVE_C_RING_FULL], 1);
	assert_int_equal(log.counters[EVE_C_WRITTEN], 4);
	assert_int_equal(eve_log_flush(&log), 1);
	assert_int_equal(log.counters[EVE_C_WRITTEN], 5);
	assert_int_equal(sk.lines, 5);
	n = read(fds[0], buf, sizeof(buf));
	assert_int_equal((size_t)n, sk.bytes);
	for (i = 0; i < n; i++)
		lines += buf[i] == '\n';
	assert_int_equal(lines, 5);
	assert_memory_equal(buf, "{\"i\":0}\n{\"i\":1}\n", 16);
	eve_log_fini(&log);
	close(fds[0]);
	close(fds[1]);
}

static void test_too_long(void **state)
{
	struct eve_log_cfg cfg = {.fd = -1};
	char val[EVE_STR_MAX + 1];
	struct eve_log log;
	struct eve_buf b;
	int i;

	(void)state;
	memset(val, 'x', EVE_STR_MAX);
	val[EVE_STR_MAX] = 0;
	assert_int_equal(eve_log_init(&log, &cfg), 0);
	assert_true(eve_log_begin(&log, 1, &b));
	for (i = 0; i < 8; i++)
		eve_put_str(&b, "k", val);
	assert_int_equal(eve_log_commit(&log, &b), -EMSGSIZE);
	assert_int_equal(log.counters[EVE_C_TOO_LONG], 1);
	assert_int_equal(log.count, 0);
	eve_log_fini(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builder_escapes_and_nests),
		cmocka_unit_test(test_builder_overflow),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_ring_and_writes),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
