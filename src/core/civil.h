/* SPDX-License-Identifier: MIT */
/*
 * civil.h - calendar date of a day count since 1970-01-01 (proleptic
 * Gregorian, UTC), for log timestamps. No libc time zone code: gmtime()
 * may load tzdata with malloc on first use, which the packet path must
 * not do.
 */
#ifndef DCBOX_CIVIL_H
#define DCBOX_CIVIL_H

#include <stdint.h>

void civil_from_days(int64_t days, int *year, unsigned int *mon,
		     unsigned int *day);

#endif
