/*
 * timefmt.c -- times as people read and type them.
 *
 * Data flow: every instant in podium is Unix time in milliseconds plus the
 * event's fixed UTC offset in minutes. To show one, the offset is added to
 * the instant and the result is broken down with gmtime_r(), so no time
 * zone database and no TZ variable ever takes part; to read one, the local
 * fields are put together with timegm() and the offset is taken away.
 * Parsers are strict (fixed digit counts, ranges checked) because their
 * input comes from files and forms that a person may have mistyped.
 * Nothing here reads a clock.
 */
#include "timefmt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Longest run of digits read as one number, so that nothing overflows. */
#define DIGITS_MAX 9

/* Whole seconds of a millisecond instant, rounding towards the past. */
static int64_t
floor_seconds(int64_t ms)
{
	int64_t s = ms / 1000;

	if (ms % 1000 < 0)
		s--;
	return s;
}

/* Break down an instant as wall-clock fields in a zone; false if absurd. */
static bool
local_fields(int64_t wall_ms, int offset_min, struct tm *tm)
{
	int64_t s = floor_seconds(wall_ms);
	time_t t;

	if (offset_min > 24 * 60 || offset_min < -24 * 60 ||
	    s > INT64_MAX - 86400 || s < INT64_MIN + 86400)
		return false;
	t = (time_t)(s + (int64_t)offset_min * 60);
	if (gmtime_r(&t, tm) == NULL)
		return false;
	/* Outside four-digit years it is a bug upstream, not a time to show. */
	return tm->tm_year >= -1900 && tm->tm_year <= 9999 - 1900;
}

/* Write "+01:00"-shaped text for an offset; shared by the ISO and offset forms. */
static void
offset_text(int offset_min, char *buf, size_t bufsz)
{
	char sign = offset_min < 0 ? '-' : '+';
	int m = offset_min < 0 ? -offset_min : offset_min;

	snprintf(buf, bufsz, "%c%02d:%02d", sign, m / 60, m % 60);
}

/* Format an instant as ISO 8601 with its offset, for records and state JSON. */
char *
timefmt_iso(int64_t wall_ms, int offset_min, char *buf, size_t bufsz)
{
	struct tm tm;
	char off[16];

	if (bufsz == 0)
		return buf;
	if (!local_fields(wall_ms, offset_min, &tm)) {
		snprintf(buf, bufsz, "----");
		return buf;
	}
	offset_text(offset_min, off, sizeof off);
	snprintf(buf, bufsz, "%04d-%02d-%02dT%02d:%02d:%02d%s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, off);
	return buf;
}

/* Format the clock time of an instant in the event's zone, for the header. */
char *
timefmt_hms(int64_t wall_ms, int offset_min, char *buf, size_t bufsz)
{
	struct tm tm;

	if (bufsz == 0)
		return buf;
	if (!local_fields(wall_ms, offset_min, &tm))
		snprintf(buf, bufsz, "--:--:--");
	else
		snprintf(buf, bufsz, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
		    tm.tm_sec);
	return buf;
}

/* Format hours and minutes of an instant, for the agenda's planned times. */
char *
timefmt_hm(int64_t wall_ms, int offset_min, char *buf, size_t bufsz)
{
	struct tm tm;

	if (bufsz == 0)
		return buf;
	if (!local_fields(wall_ms, offset_min, &tm))
		snprintf(buf, bufsz, "--:--");
	else
		snprintf(buf, bufsz, "%02d:%02d", tm.tm_hour, tm.tm_min);
	return buf;
}

/* Name a zone the way invitations do ("GMT+1"), for the header clock. */
char *
timefmt_zone(int offset_min, char *buf, size_t bufsz)
{
	char sign = offset_min < 0 ? '-' : '+';
	int m = offset_min < 0 ? -offset_min : offset_min;

	if (bufsz == 0)
		return buf;
	if (m == 0)
		snprintf(buf, bufsz, "GMT");
	else if (m % 60 == 0)
		snprintf(buf, bufsz, "GMT%c%d", sign, m / 60);
	else
		snprintf(buf, bufsz, "GMT%c%d:%02d", sign, m / 60, m % 60);
	return buf;
}

/* Format an offset as ISO 8601 writes it, for files and JSON. */
char *
timefmt_offset(int offset_min, char *buf, size_t bufsz)
{
	if (bufsz == 0)
		return buf;
	offset_text(offset_min, buf, bufsz);
	return buf;
}

/* Format a length of time for people; a negative one reads as 0:00. */
char *
timefmt_duration(int64_t ms, char *buf, size_t bufsz)
{
	int64_t s = ms > 0 ? ms / 1000 : 0;

	if (bufsz == 0)
		return buf;
	if (s >= 3600)
		snprintf(buf, bufsz, "%lld:%02d:%02d", (long long)(s / 3600),
		    (int)(s / 60 % 60), (int)(s % 60));
	else
		snprintf(buf, bufsz, "%d:%02d", (int)(s / 60), (int)(s % 60));
	return buf;
}

/*
 * Read exactly n digits (n = 0: one to DIGITS_MAX of them) at *s and advance
 * past them; false if there are not that many.
 */
static bool
read_digits(const char **s, size_t n, int64_t *value)
{
	const char *p = *s;
	size_t count = 0;
	int64_t v = 0;

	while (*p >= '0' && *p <= '9' && (n == 0 || count < n)) {
		if (count == DIGITS_MAX)
			return false;
		v = v * 10 + (*p - '0');
		p++;
		count++;
	}
	if (count == 0 || (n != 0 && count != n))
		return false;
	*s = p;
	*value = v;
	return true;
}

/* Read an offset as ISO 8601 writes it, e.g. from an event file. */
bool
timefmt_parse_offset(const char *s, int *offset_min)
{
	int64_t h, m;
	int sign;

	if (s == NULL)
		return false;
	if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0') {
		*offset_min = 0;
		return true;
	}
	if (s[0] != '+' && s[0] != '-')
		return false;
	sign = s[0] == '-' ? -1 : 1;
	s++;
	if (!read_digits(&s, 2, &h) || *s++ != ':' || !read_digits(&s, 2, &m) ||
	    *s != '\0')
		return false;
	if (h > 23 || m > 59)
		return false;
	*offset_min = sign * (int)(h * 60 + m);
	return true;
}

/* Turn a local date and time at an offset into an instant, for event plans. */
bool
timefmt_parse_local(const char *date, const char *time, int offset_min,
    int64_t *wall_ms)
{
	int64_t year, mon, day, hour, min, sec = 0;
	struct tm tm;
	time_t t;

	if (date == NULL || time == NULL)
		return false;
	if (!read_digits(&date, 4, &year) || *date++ != '-' ||
	    !read_digits(&date, 2, &mon) || *date++ != '-' ||
	    !read_digits(&date, 2, &day) || *date != '\0')
		return false;
	if (!read_digits(&time, 2, &hour) || *time++ != ':' ||
	    !read_digits(&time, 2, &min))
		return false;
	if (*time == ':') {
		time++;
		if (!read_digits(&time, 2, &sec))
			return false;
	}
	if (*time != '\0')
		return false;
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 ||
	    min > 59 || sec > 59)
		return false;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)year - 1900;
	tm.tm_mon = (int)mon - 1;
	tm.tm_mday = (int)day;
	tm.tm_hour = (int)hour;
	tm.tm_min = (int)min;
	tm.tm_sec = (int)sec;
	t = timegm(&tm);
	/* timegm() quietly carries 31 November into December; refuse that. */
	if (tm.tm_mday != (int)day || tm.tm_mon != (int)mon - 1)
		return false;
	*wall_ms = ((int64_t)t - (int64_t)offset_min * 60) * 1000;
	return true;
}

/* Read a duration or an offset typed as "1:02:03", "3:00" or "180". */
bool
timefmt_parse_clock(const char *s, int64_t *ms)
{
	int64_t part[3];
	size_t n = 0;

	if (s == NULL)
		return false;
	for (;;) {
		/* The first part takes any number of digits, the others two. */
		if (!read_digits(&s, n == 0 ? 0 : 2, &part[n]))
			return false;
		if (n > 0 && part[n] > 59)
			return false;
		n++;
		if (*s == '\0')
			break;
		if (*s != ':' || n == 3)
			return false;
		s++;
	}
	if (n == 1)
		*ms = part[0] * 1000;
	else if (n == 2)
		*ms = (part[0] * 60 + part[1]) * 1000;
	else
		*ms = ((part[0] * 60 + part[1]) * 60 + part[2]) * 1000;
	return true;
}
