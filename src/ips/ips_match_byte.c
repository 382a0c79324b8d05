// SPDX-License-Identifier: MIT
/*
 * ips_match_byte.c - byte_test, byte_jump, isdataat and number comparisons
 * (bsize, and dsize/urilen for the detection engine) with Suricata's
 * semantics, as pure functions of one buffer and the position the
 * previous content, pcre or byte_jump left (ips_match.c keeps that).
 *
 * Reading: the bytes start at OFFSET (plus the position if relative) and
 * must lie in the buffer. Binary reads are 1-8 bytes big or little endian
 * (dce is read as big endian: without a DCE/RPC parser Suricata does the
 * same). String reads parse the bytes as strtoull() would in base 8, 10
 * or 16 (leading blanks, a sign, 0x for hex) and need one digit; NBYTES 0
 * reads as many as there are, up to 20. A bitmask is ANDed and the result
 * shifted right by the mask's trailing zero bits.
 */
#include <stdint.h>

#include "ips/ips_match.h"
#include "ips/ips_match_priv.h"

enum {
	STRING_MAX = 20, /* bytes a string read takes with NBYTES 0 */
	JUMP_FAR = 1 << 30, /* a jump this far leaves any buffer */
};

static int digit_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static bool is_blank(uint8_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Parse @n bytes at @s as strtoull(s, &end, base); *used = end - s. */
static bool read_string(const uint8_t *s, uint32_t n, unsigned int base,
			uint64_t *val, uint32_t *used)
{
	uint32_t i = 0, first;
	uint64_t v = 0;
	bool neg = false;
	int d;

	while (i < n && is_blank(s[i]))
		i++;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (base == 16 && i + 2 < n && s[i] == '0' &&
	    (s[i + 1] | 0x20) == 'x' && digit_value(s[i + 2]) < 16)
		i += 2;
	for (first = i; i < n && (d = digit_value(s[i])) < (int)base; i++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return false; /* ERANGE */
		v = v * base + (uint64_t)d;
	}
	if (i == first)
		return false;
	*val = neg ? (uint64_t)0 - v : v;
	*used = i;
	return true;
}

static uint64_t read_binary(const uint8_t *s, uint32_t n, bool little)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < n; i++)
		v |= (uint64_t)s[i] << (little ? 8 * i : 8 * (n - 1 - i));
	return v;
}

/*
 * The value b describes, read at b->offset (+ @pos if relative); *at and
 * *used say where it started and how many bytes it took.
 */
static bool byte_read(const struct ips_byte *b, const uint8_t *p, uint32_t len,
		      uint32_t pos, uint64_t *val, int64_t *at, uint32_t *used)
{
	int64_t start = b->offset;
	uint32_t avail, n = b->nbytes;

	if (b->flags & IPS_BYTE_RELATIVE)
		start += pos;
	if (start < 0 || start >= len)
		return false;
	avail = len - (uint32_t)start;
	*at = start;
	if (b->flags & IPS_BYTE_STRING) {
		if (!n)
			n = avail < STRING_MAX ? avail : STRING_MAX;
		if (n > avail)
			return false;
		if (!read_string(p + start, n, b->base ? b->base : 10, val,
				 used))
			return false;
	} else {
		if (!n || n > 8 || n > avail)
			return false;
		*val = read_binary(p + start, n, b->flags & IPS_BYTE_LITTLE);
		*used = n;
	}
	if ((b->flags & IPS_BYTE_BITMASK) && b->bitmask) {
		*val &= b->bitmask;
		*val >>= __builtin_ctzll(b->bitmask);
	}
	return true;
}

/**
 * ips_match_byte_test() - byte_test:NBYTES,[!]OP,VALUE,OFFSET[,...]
 * @b: the condition
 * @p: the buffer
 * @len: its length
 * @pos: the relative position (end of the previous match)
 *
 * Compares the value read with VALUE: "<" is value < VALUE; "&" holds
 * when value & VALUE is not 0, "^" when value ^ VALUE is not 0; "!"
 * inverts. A read that does not fit the buffer does not match, "!" or
 * not (Suricata).
 *
 * Return: true if the condition holds.
 */
bool ips_match_byte_test(const struct ips_byte *b, const uint8_t *p,
			 uint32_t len, uint32_t pos)
{
	uint64_t v, x = b->value;
	uint32_t used;
	int64_t at;
	bool ok;

	if (!byte_read(b, p, len, pos, &v, &at, &used))
		return false;
	switch (b->op) {
	case IPS_BYTE_OP_LT:
		ok = v < x;
		break;
	case IPS_BYTE_OP_GT:
		ok = v > x;
		break;
	case IPS_BYTE_OP_EQ:
		ok = v == x;
		break;
	case IPS_BYTE_OP_LE:
		ok = v <= x;
		break;
	case IPS_BYTE_OP_GE:
		ok = v >= x;
		break;
	case IPS_BYTE_OP_AND:
		ok = (v & x) != 0;
		break;
	case IPS_BYTE_OP_XOR:
		ok = (v ^ x) != 0;
		break;
	default:
		return false;
	}
	return ok != !!(b->flags & IPS_BYTE_NEGATED);
}

/**
 * ips_match_byte_jump() - byte_jump:NBYTES,OFFSET[,...]
 * @b: the condition
 * @p: the buffer
 * @len: its length
 * @pos: the relative position (end of the previous match)
 * @to: set to the new relative position when the jump succeeds
 *
 * The value read is multiplied, rounded up to 4 with align, and
 * post_offset is added; the jump goes that far from the end of the bytes
 * read, or from the buffer's start (from_beginning) or end (from_end).
 * As in Suricata a jump before the start lands on the start, and a jump
 * past the end fails (the end itself is fine).
 *
 * Return: true if the value could be read and the jump stays in the
 * buffer.
 */
bool ips_match_byte_jump(const struct ips_byte *b, const uint8_t *p,
			 uint32_t len, uint32_t pos, uint32_t *to)
{
	uint64_t v;
	uint32_t used;
	int64_t at, base, dist;

	if (!len || !byte_read(b, p, len, pos, &v, &at, &used))
		return false;
	v *= b->multiplier ? b->multiplier : 1;
	if ((b->flags & IPS_BYTE_ALIGN) && (v % 4))
		v += 4 - v % 4;
	v += (uint64_t)(int64_t)b->post_offset; /* wraps: Suricata's sum */
	dist = (int64_t)v;
	if (b->flags & IPS_BYTE_FROM_BEGINNING)
		base = 0;
	else if (b->flags & IPS_BYTE_FROM_END)
		base = len;
	else
		base = at + used;
	if (dist > JUMP_FAR)
		return false;
	if (dist < -(int64_t)JUMP_FAR)
		dist = -(int64_t)JUMP_FAR;
	base += dist;
	if (base > len)
		return false;
	*to = base < 0 ? 0 : (uint32_t)base;
	return true;
}

/**
 * ips_match_isdataat() - isdataat:[!]N[,relative]
 * @b: the condition (@b->offset is N)
 * @len: the buffer's length
 * @pos: the relative position (end of the previous match)
 *
 * Suricata's rule: absolute, byte N exists (N < len); relative, N more
 * bytes follow the position (pos + N <= len). "!" inverts.
 *
 * Return: true if the condition holds.
 */
bool ips_match_isdataat(const struct ips_byte *b, uint32_t len, uint32_t pos)
{
	bool ok;

	if (b->flags & IPS_BYTE_RELATIVE)
		ok = (int64_t)pos + b->offset <= (int64_t)len;
	else
		ok = (int64_t)b->offset < (int64_t)len;
	return ok != !!(b->flags & IPS_BYTE_NEGATED);
}

/**
 * ips_match_num() - compare a number with a dsize/urilen/bsize condition
 * @n: the condition; op NONE (not given) always holds
 * @x: the number
 *
 * RANGE is exclusive (lo < x < hi), as in Suricata.
 *
 * Return: true if @x satisfies @n.
 */
bool ips_match_num(const struct ips_num *n, uint64_t x)
{
	switch (n->op) {
	case IPS_NUM_NONE:
		return true;
	case IPS_NUM_EQ:
		return x == n->lo;
	case IPS_NUM_NE:
		return x != n->lo;
	case IPS_NUM_LT:
		return x < n->lo;
	case IPS_NUM_GT:
		return x > n->lo;
	case IPS_NUM_LE:
		return x <= n->lo;
	case IPS_NUM_GE:
		return x >= n->lo;
	case IPS_NUM_RANGE:
		return x > n->lo && x < n->hi;
	default:
		return false;
	}
}
