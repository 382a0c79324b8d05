// SPDX-License-Identifier: MIT
/*
 * civil.c - day count since the epoch to year, month, day (the inverse of
 * Howard Hinnant's days_from_civil, valid for any int64 day count that
 * fits a year in an int). Shared by the EVE writers of the firewall and
 * the IPS.
 */
#include "core/civil.h"

/**
 * civil_from_days() - calendar date of a day number
 * @days: days since 1970-01-01 (negative before)
 * @year: receives the year
 * @mon: receives the month, 1..12
 * @day: receives the day of the month, 1..31
 */
void civil_from_days(int64_t days, int *year, unsigned int *mon,
		     unsigned int *day)
{
	int64_t z = days + 719468, era, yy;
	unsigned int doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned int)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = doy - (153 * mp + 2) / 5 + 1;
	*mon = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(yy + (*mon <= 2));
}
