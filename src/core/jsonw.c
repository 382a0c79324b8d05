// SPDX-License-Identifier: MIT
/*
 * jsonw.c - the bounded JSON text appender (see jsonw.h): every write
 * goes through jsonw_put_raw() or jsonw_put_fmt(), the two places that
 * check the bound.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/jsonw.h"

/**
 * jsonw_init() - start empty text in @s
 * @w: writer
 * @s: buffer
 * @size: its size; 0 makes a writer that has already overflowed
 */
void jsonw_init(struct jsonw *w, char *s, size_t size)
{
	w->s = s;
	w->size = size;
	w->len = 0;
	w->overflow = size < 1;
	if (!w->overflow)
		s[0] = 0;
}

/**
 * jsonw_put_raw() - append @n bytes as they are
 * @w: writer
 * @s: bytes
 * @n: how many
 *
 * Nothing is written if they do not fit with the terminating NUL; then
 * @w->overflow is set and every later write is refused.
 */
void jsonw_put_raw(struct jsonw *w, const char *s, size_t n)
{
	if (w->overflow || n >= w->size - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->s + w->len, s, n);
	w->len += n;
	w->s[w->len] = 0;
}

/**
 * jsonw_put_ch() - append one byte as it is
 * @w: writer
 * @c: the byte
 */
void jsonw_put_ch(struct jsonw *w, char c)
{
	jsonw_put_raw(w, &c, 1);
}

/**
 * jsonw_put_str() - append a C string as it is (no quotes, no escapes)
 * @w: writer
 * @s: NUL-terminated text
 */
void jsonw_put_str(struct jsonw *w, const char *s)
{
	jsonw_put_raw(w, s, strlen(s));
}

/**
 * jsonw_put_fmt() - append printf output as it is
 * @w: writer
 * @fmt: printf format; the caller makes sure its output is valid JSON
 *
 * All or nothing, like jsonw_put_raw().
 */
void jsonw_put_fmt(struct jsonw *w, const char *fmt, ...)
{
	size_t room;
	va_list ap;
	int n;

	if (w->overflow)
		return;
	room = w->size - w->len;
	va_start(ap, fmt);
	n = vsnprintf(w->s + w->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		w->overflow = true;
		w->s[w->len] = 0; /* take back the part that was cut */
		return;
	}
	w->len += (size_t)n;
}

/**
 * jsonw_put_quoted() - append @s as a JSON string, in quotes
 * @w: writer
 * @s: NUL-terminated text
 * @max: input bytes to take at most (SIZE_MAX: all); the rest is cut
 * @high: what to do with bytes >= 0x80
 *
 * '"' and '\\' get a backslash; bytes below 0x20, 0x7f, and with
 * JSONW_HIGH_ESCAPE bytes >= 0x80, are written as \u00XX.
 */
void jsonw_put_quoted(struct jsonw *w, const char *s, size_t max,
		      enum jsonw_high high)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	jsonw_put_ch(w, '"');
	for (i = 0; i < max && s[i] && !w->overflow; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			jsonw_put_raw(w, esc, 2);
		} else if (c < 0x20 || c == 0x7f ||
			   (c >= 0x80 && high == JSONW_HIGH_ESCAPE)) {
			jsonw_put_raw(w, esc, 6);
		} else {
			jsonw_put_ch(w, (char)c);
		}
	}
	jsonw_put_ch(w, '"');
}

/**
 * jsonw_put_u64() - append an unsigned integer in decimal
 * @w: writer
 * @v: value
 */
void jsonw_put_u64(struct jsonw *w, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%llu", (unsigned long long)v);

	jsonw_put_raw(w, num, (size_t)n);
}
