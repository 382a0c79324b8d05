/* SPDX-License-Identifier: MIT */
/*
 * jsonw.h - a bounded appender for JSON text in a caller's fixed buffer:
 * raw bytes, printf, quoted and escaped strings, integers. No allocation,
 * so it may run per packet. The EVE builder (node/eve_log.c: objects,
 * keys, commas) and the IPS alert lines (ips/ips_alert_fmt.c) write
 * through it.
 *
 * Overflow is sticky: a piece that does not fit is not written, and
 * nothing after it is, so the text never runs past the buffer and a
 * caller checks @overflow (or the return of its own finish step) once at
 * the end. The buffer is kept NUL-terminated.
 *
 * Strings are escaped as JSON requires ('"', '\\' and every byte below
 * 0x20, as \u00XX; 0x7f too). Bytes >= 0x80 are a choice: EVE passes them
 * through (UTF-8 names stay readable), the IPS escapes them as \u00XX
 * (read as Latin-1) so that any bytes a rule's msg holds give valid JSON.
 */
#ifndef DCBOX_JSONW_H
#define DCBOX_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct jsonw - JSON text being written into a fixed buffer
 * @s: the buffer; NUL-terminated once @size >= 1
 * @size: its size
 * @len: bytes written (always < @size)
 * @overflow: something did not fit; the text is incomplete
 */
struct jsonw {
	char *s;
	size_t size;
	size_t len;
	bool overflow;
};

/** enum jsonw_high - what jsonw_put_quoted() does with bytes >= 0x80 */
enum jsonw_high {
	JSONW_HIGH_RAW, /* written as they are (UTF-8 passes through) */
	JSONW_HIGH_ESCAPE, /* \u00XX: ASCII output, valid whatever the bytes */
};

void jsonw_init(struct jsonw *w, char *s, size_t size);
void jsonw_put_raw(struct jsonw *w, const char *s, size_t n);
void jsonw_put_ch(struct jsonw *w, char c);
void jsonw_put_str(struct jsonw *w, const char *s);
__attribute__((format(printf, 2, 3))) void jsonw_put_fmt(struct jsonw *w,
							 const char *fmt, ...);
void jsonw_put_quoted(struct jsonw *w, const char *s, size_t max,
		      enum jsonw_high high);
void jsonw_put_u64(struct jsonw *w, uint64_t v);

#endif
