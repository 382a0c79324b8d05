// SPDX-License-Identifier: MIT
/*
 * ips_rule_content.c - decode content strings and compile pcre options.
 *
 * content:[!]"text|48 45 58|text" - bytes between the quotes, where |..|
 * holds hex pairs (spaces optional) and \" \; \\ \: are the only escapes,
 * as in Suricata. pcre:[!]"/regex/flags" - the regex goes to PCRE2 as
 * written (PCRE itself reads \; as ';'); the flags are PCRE's i s m x A E
 * G plus the Snort/Suricata ones (R relative, O no limits, B ignored, and
 * one buffer letter: U I P Q H D M C S Y V W Z; Q is file.data, which
 * Suricata pairs it with). Control side only.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "ips/ips_rule_priv.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The |..| part starting after '|' at *@s; appends to @out. */
static int decode_hex(struct ips_parser *p, const char **s, const char *end,
		      uint8_t *out, uint32_t *len)
{
	const char *c = *s;
	int hi = -1, v;

	for (; c < end && *c != '|'; c++) {
		if (*c == ' ' || *c == '\t') {
			if (hi >= 0)
				return ips_fail(p, "hex digits must come in "
						   "pairs");
			continue;
		}
		v = hexval((unsigned char)*c);
		if (v < 0)
			return ips_fail(p, "bad hex digit '%c'", *c);
		if (hi < 0) {
			hi = v;
		} else {
			out[(*len)++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (c == end)
		return ips_fail(p, "unterminated '|'");
	if (hi >= 0)
		return ips_fail(p, "odd number of hex digits");
	*s = c + 1;
	return 0;
}

static int decode_text(struct ips_parser *p, const char *s, const char *end,
		       uint8_t *out, uint32_t *len)
{
	int ret;

	while (s < end) {
		if (*s == '|') {
			s++;
			ret = decode_hex(p, &s, end, out, len);
			if (ret)
				return ret;
			continue;
		}
		if (*s == '"')
			return ips_fail(p, "unescaped '\"' inside the string");
		if (*s == '\\') {
			if (s + 1 == end || !strchr("\";\\:", s[1]))
				return ips_fail(
					p,
					"bad escape '\\%c' (only "
					"\\\" \\; \\\\ \\: are allowed)",
					s + 1 == end ? ' ' : s[1]);
			s++;
		}
		out[(*len)++] = (uint8_t)*s++;
	}
	return 0;
}

/* Find the quoted string of "[!]"...""; sets @neg, @start and @end. */
static int quoted(struct ips_parser *p, const char *v, bool *neg,
		  const char **start, const char **end)
{
	size_t n;

	*neg = *v == '!';
	if (*neg)
		v++;
	v += strspn(v, " \t");
	n = strlen(v);
	if (n < 2 || v[0] != '"' || v[n - 1] != '"' ||
	    (n >= 3 && v[n - 2] == '\\' && (n < 4 || v[n - 3] != '\\')))
		return ips_fail(p, "expected [!]\"...\"");
	*start = v + 1;
	*end = v + n - 1;
	return 0;
}

/**
 * ips_content_decode() - decode a content option's value into @c
 * @p: parser (for messages)
 * @value: the option's value, e.g. !"GET |20|/"
 * @c: zeroed and filled: bytes (malloc'd, owned by the caller), len,
 *     IPS_CONTENT_NEGATED
 *
 * Return: 0, -EINVAL (empty, bad hex, bad escape, longer than
 * IPS_CONTENT_MAX), -ENOMEM.
 */
int ips_content_decode(struct ips_parser *p, const char *value,
		       struct ips_content *c)
{
	const char *s, *end;
	bool neg;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = quoted(p, value, &neg, &s, &end);
	if (ret)
		return ret;
	if (end - s > IPS_CONTENT_MAX)
		return ips_fail(p, "longer than %d bytes", IPS_CONTENT_MAX);
	c->bytes = malloc(end - s + 1);
	if (!c->bytes)
		return ips_nomem(p);
	ret = decode_text(p, s, end, c->bytes, &c->len);
	if (!ret && !c->len)
		ret = ips_fail(p, "empty pattern");
	if (ret) {
		free(c->bytes);
		c->bytes = NULL;
		return ret;
	}
	if (neg)
		c->flags |= IPS_CONTENT_NEGATED;
	return 0;
}

/* One pcre flag letter; -EINVAL if unknown. */
static int pcre_flag(struct ips_pcre *pc, int *buf, char f)
{
	static const char bufs[] = "UIPQHDMCSYVWZ";
	static const uint8_t buf_ids[] = {
		IPS_BUF_HTTP_URI,	   IPS_BUF_HTTP_URI_RAW,
		IPS_BUF_HTTP_REQUEST_BODY, IPS_BUF_FILE_DATA,
		IPS_BUF_HTTP_HEADER,	   IPS_BUF_HTTP_HEADER_RAW,
		IPS_BUF_HTTP_METHOD,	   IPS_BUF_HTTP_COOKIE,
		IPS_BUF_HTTP_STAT_CODE,	   IPS_BUF_HTTP_STAT_MSG,
		IPS_BUF_HTTP_USER_AGENT,   IPS_BUF_HTTP_HOST,
		IPS_BUF_HTTP_HOST_RAW,
	};
	const char *b = f ? strchr(bufs, f) : NULL;

	switch (f) {
	case 'i':
		pc->options |= PCRE2_CASELESS;
		return 0;
	case 's':
		pc->options |= PCRE2_DOTALL;
		return 0;
	case 'm':
		pc->options |= PCRE2_MULTILINE;
		return 0;
	case 'x':
		pc->options |= PCRE2_EXTENDED;
		return 0;
	case 'A':
		pc->options |= PCRE2_ANCHORED;
		return 0;
	case 'E':
		pc->options |= PCRE2_DOLLAR_ENDONLY;
		return 0;
	case 'G':
		pc->options |= PCRE2_UNGREEDY;
		return 0;
	case 'R':
		pc->flags |= IPS_PCRE_RELATIVE;
		return 0;
	case 'O':
		pc->flags |= IPS_PCRE_NO_LIMIT;
		return 0;
	case 'B':
		pc->flags |= IPS_PCRE_RAWBYTES;
		return 0;
	}
	if (!b)
		return -EINVAL;
	if (*buf >= 0)
		return -EEXIST;
	*buf = buf_ids[b - bufs];
	return 0;
}

static int pcre_compile(struct ips_parser *p, struct ips_pcre *pc,
			const char *re, size_t len)
{
	PCRE2_SIZE off;
	int code;
	char msg[128];

	pc->code = pcre2_compile((PCRE2_SPTR)re, len, pc->options, &code, &off,
				 NULL);
	if (pc->code)
		return 0;
	if (code == PCRE2_ERROR_NOMEMORY)
		return ips_nomem(p);
	pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
	return ips_fail(p, "bad regex at offset %zu: %s", (size_t)off, msg);
}

/**
 * ips_pcre_parse() - parse and compile a pcre option's value
 * @p: parser (for messages)
 * @value: e.g. "/^GET\s/Ri" or !"/x/"
 * @pc: filled: code, text (both owned by the caller: ips_pcre_free()),
 *      flags, options
 * @buf: set to the enum ips_buf a buffer flag named, left alone if none
 *
 * Return: 0, -EINVAL (syntax, unknown or repeated buffer flag, PCRE2
 * compile error with its offset), -ENOMEM.
 */
int ips_pcre_parse(struct ips_parser *p, const char *value, struct ips_pcre *pc,
		   int *buf)
{
	const char *s, *end, *slash;
	bool neg;
	int ret;

	memset(pc, 0, sizeof(*pc));
	ret = quoted(p, value, &neg, &s, &end);
	if (ret)
		return ret;
	slash = end;
	while (slash > s && slash[-1] != '/')
		slash--;
	if (*s != '/' || slash - 1 <= s)
		return ips_fail(p, "expected \"/regex/flags\"");
	for (const char *f = slash; f < end; f++) {
		ret = pcre_flag(pc, buf, *f);
		if (ret == -EEXIST)
			return ips_fail(p, "second buffer flag '%c'", *f);
		if (ret)
			return ips_fail(p, "unknown flag '%c'", *f);
	}
	if (neg)
		pc->flags |= IPS_PCRE_NEGATED;
	pc->text = strndup(s, end - s);
	if (!pc->text)
		return ips_nomem(p);
	ret = pcre_compile(p, pc, s + 1, slash - 1 - (s + 1));
	if (ret) {
		free(pc->text);
		pc->text = NULL;
	}
	return ret;
}

/**
 * ips_pcre_free() - release what ips_pcre_parse() allocated
 * @pc: pcre; may be zeroed
 */
void ips_pcre_free(struct ips_pcre *pc)
{
	pcre2_code_free(pc->code);
	free(pc->text);
	pc->code = NULL;
	pc->text = NULL;
}
