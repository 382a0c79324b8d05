// SPDX-License-Identifier: MIT
/*
 * test_jsonw.c - the bounded JSON appender (src/core/jsonw.c): the escape
 * of every control byte, quote and backslash; bytes >= 0x80 in both modes
 * (escaped output checked as valid JSON with jansson, and decoded back);
 * the cut after max input bytes; and, for every buffer size up to past
 * the text's length, that nothing is written beyond the buffer, that the
 * text is a NUL-terminated prefix of the full one and that overflow is
 * reported exactly when it does not fit, and stays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/jsonw.h"

enum {
	BUF = 4096,
	CANARY = 0x5a,
};

/* @s quoted with @max and @high into a big buffer; returns the text. */
static const char *quoted(const char *s, size_t max, enum jsonw_high high)
{
	static char buf[BUF];
	struct jsonw w;

	jsonw_init(&w, buf, sizeof(buf));
	jsonw_put_quoted(&w, s, max, high);
	assert_false(w.overflow);
	assert_int_equal(w.len, strlen(buf));
	return buf;
}

static void test_control_bytes(void **state)
{
	char in[2] = {0, 0}, want[16];
	unsigned int c;

	(void)state;
	for (c = 1; c < 0x20; c++) {
		in[0] = (char)c;
		snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		assert_string_equal(quoted(in, SIZE_MAX, JSONW_HIGH_RAW), want);
		assert_string_equal(quoted(in, SIZE_MAX, JSONW_HIGH_ESCAPE),
				    want);
	}
	assert_string_equal(quoted("\x7f", SIZE_MAX, JSONW_HIGH_RAW),
			    "\"\\u007f\"");
	assert_string_equal(quoted("a\"b\\c", SIZE_MAX, JSONW_HIGH_RAW),
			    "\"a\\\"b\\\\c\"");
	assert_string_equal(quoted("", SIZE_MAX, JSONW_HIGH_ESCAPE), "\"\"");
	/* printable ASCII passes in both modes */
	assert_string_equal(quoted(" ~az/09", SIZE_MAX, JSONW_HIGH_ESCAPE),
			    "\" ~az/09\"");
}

static void test_high_bytes(void **state)
{
	char in[256], want[16];
	json_error_t err;
	const char *txt;
	json_t *j;
	unsigned int c;

	(void)state;
	for (c = 0x80; c < 0x100; c++) {
		in[0] = (char)c;
		in[1] = 0;
		snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		assert_string_equal(quoted(in, SIZE_MAX, JSONW_HIGH_ESCAPE),
				    want);
		snprintf(want, sizeof(want), "\"%c\"", (char)c);
		assert_string_equal(quoted(in, SIZE_MAX, JSONW_HIGH_RAW), want);
	}
	/* every byte 1..255 at once, escaped: valid JSON, Latin-1 back */
	for (c = 1; c < 0x100; c++)
		in[c - 1] = (char)c;
	in[255] = 0;
	txt = quoted(in, SIZE_MAX, JSONW_HIGH_ESCAPE);
	for (c = 0; txt[c]; c++)
		assert_true((unsigned char)txt[c] < 0x80);
	j = json_loads(txt, JSON_DECODE_ANY, &err);
	assert_non_null(j);
	assert_int_equal(json_string_length(j), 127 + 2 * 128);
	assert_memory_equal(json_string_value(j), in, 127);
	assert_memory_equal(json_string_value(j) + 127, "\xc2\x80", 2);
	json_decref(j);
	/* UTF-8 passes through the raw mode and reads back as itself */
	txt = quoted("caf\xc3\xa9 \xe2\x82\xac", SIZE_MAX, JSONW_HIGH_RAW);
	assert_string_equal(txt, "\"caf\xc3\xa9 \xe2\x82\xac\"");
	j = json_loads(txt, JSON_DECODE_ANY, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(j), "caf\xc3\xa9 \xe2\x82\xac");
	json_decref(j);
}

static void test_max_cut(void **state)
{
	(void)state;
	assert_string_equal(quoted("abcdef", 3, JSONW_HIGH_RAW), "\"abc\"");
	assert_string_equal(quoted("abcdef", 0, JSONW_HIGH_RAW), "\"\"");
	assert_string_equal(quoted("abc", 3, JSONW_HIGH_RAW), "\"abc\"");
	assert_string_equal(quoted("ab", 3, JSONW_HIGH_RAW), "\"ab\"");
	/* max counts input bytes: an escape is one */
	assert_string_equal(quoted("\"\n\xff", 2, JSONW_HIGH_ESCAPE),
			    "\"\\\"\\u000a\"");
	assert_string_equal(quoted("\xff\xfe", 1, JSONW_HIGH_ESCAPE),
			    "\"\\u00ff\"");
}

static void test_numbers_and_fmt(void **state)
{
	char buf[64];
	struct jsonw w;

	(void)state;
	jsonw_init(&w, buf, sizeof(buf));
	jsonw_put_u64(&w, 0);
	jsonw_put_ch(&w, ',');
	jsonw_put_u64(&w, UINT64_MAX);
	jsonw_put_fmt(&w, ",%d,%s", -7, "x");
	assert_false(w.overflow);
	assert_string_equal(buf, "0,18446744073709551615,-7,x");
	/* a printf piece that does not fit is taken back whole */
	jsonw_init(&w, buf, 8);
	jsonw_put_str(&w, "abc");
	jsonw_put_fmt(&w, "%s", "defgh");
	assert_true(w.overflow);
	assert_int_equal(w.len, 3);
	assert_string_equal(buf, "abc");
	/* and overflow is sticky: a piece that would fit is refused */
	jsonw_put_ch(&w, 'd');
	jsonw_put_fmt(&w, "e");
	assert_int_equal(w.len, 3);
	assert_string_equal(buf, "abc");
}

/* The same pieces into any writer: every kind of write. */
static void write_all(struct jsonw *w)
{
	jsonw_put_ch(w, '{');
	jsonw_put_quoted(w, "k\"\x01", SIZE_MAX, JSONW_HIGH_ESCAPE);
	jsonw_put_raw(w, ":", 1);
	jsonw_put_u64(w, 1234567890123ull);
	jsonw_put_fmt(w, ",\"%s\":%u", "n", 42u);
	jsonw_put_str(w, ",\"m\":");
	jsonw_put_quoted(w, "\xe9t\xe9\n", SIZE_MAX, JSONW_HIGH_RAW);
	jsonw_put_ch(w, '}');
}

static void test_every_size(void **state)
{
	char full[BUF], buf[BUF];
	struct jsonw w;
	size_t n, size, i;

	(void)state;
	jsonw_init(&w, full, sizeof(full));
	write_all(&w);
	assert_false(w.overflow);
	n = w.len;
	assert_int_equal(n, strlen(full));
	for (size = 0; size <= n + 2; size++) {
		memset(buf, CANARY, sizeof(buf));
		jsonw_init(&w, buf, size);
		write_all(&w);
		for (i = size; i < sizeof(buf); i++)
			assert_int_equal((unsigned char)buf[i], CANARY);
		/* fits, with its NUL, exactly when size > n */
		assert_int_equal(w.overflow, size <= n);
		if (!size)
			continue;
		assert_true(w.len < size);
		assert_int_equal(buf[w.len], 0);
		assert_memory_equal(buf, full, w.len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_high_bytes),
		cmocka_unit_test(test_max_cut),
		cmocka_unit_test(test_numbers_and_fmt),
		cmocka_unit_test(test_every_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
