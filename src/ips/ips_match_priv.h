/* SPDX-License-Identifier: MIT */
/*
 * ips_match_priv.h - the byte-level conditions of the matcher
 * (ips_match_byte.c) as pure functions of one buffer and the relative
 * position, for ips_match.c and the unit tests. Not for other modules:
 * they go through ips_match.h.
 */
#ifndef DCBOX_IPS_MATCH_PRIV_H
#define DCBOX_IPS_MATCH_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "ips/ips_rule.h"

bool ips_match_byte_test(const struct ips_byte *b, const uint8_t *p,
			 uint32_t len, uint32_t pos);
bool ips_match_byte_jump(const struct ips_byte *b, const uint8_t *p,
			 uint32_t len, uint32_t pos, uint32_t *to);
bool ips_match_isdataat(const struct ips_byte *b, uint32_t len, uint32_t pos);

#endif
