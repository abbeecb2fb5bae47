/*
 * test-timefmt.c -- formatting and parsing of times, offsets and durations:
 * round trips at the sample event's +01:00, odd offsets (-03:30, +05:45),
 * "Z", midnight and year rollovers, instants before 1970, and malformed
 * input of every shape a person might type.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "timefmt.h"

/* 2020-12-04T12:30:00Z, the sample event's start. */
#define SAMPLE_START 1607085000000LL

/* The ISO form shows the local time with the offset it was computed at. */
static void
test_iso(void **state)
{
	char buf[40];

	(void)state;
	assert_string_equal(timefmt_iso(SAMPLE_START, 60, buf, sizeof buf),
	    "2020-12-04T13:30:00+01:00");
	assert_string_equal(timefmt_iso(SAMPLE_START, 0, buf, sizeof buf),
	    "2020-12-04T12:30:00+00:00");
	assert_string_equal(timefmt_iso(SAMPLE_START, -210, buf, sizeof buf),
	    "2020-12-04T09:00:00-03:30");
	assert_string_equal(timefmt_iso(SAMPLE_START, 345, buf, sizeof buf),
	    "2020-12-04T18:15:00+05:45");
	/* Milliseconds are dropped, not rounded. */
	assert_string_equal(timefmt_iso(SAMPLE_START + 999, 60, buf,
	    sizeof buf), "2020-12-04T13:30:00+01:00");
	assert_string_equal(timefmt_iso(0, 0, buf, sizeof buf),
	    "1970-01-01T00:00:00+00:00");
}

/* The offset can move the local date across midnight, months and years. */
static void
test_iso_rollover(void **state)
{
	char buf[40];
	/* 2020-12-31T23:30:00Z */
	int64_t nye = 1609457400000LL;

	(void)state;
	assert_string_equal(timefmt_iso(nye, 60, buf, sizeof buf),
	    "2021-01-01T00:30:00+01:00");
	assert_string_equal(timefmt_iso(nye, 0, buf, sizeof buf),
	    "2020-12-31T23:30:00+00:00");
	/* 2021-01-01T01:00:00Z seen from -03:30 is still last year. */
	assert_string_equal(timefmt_iso(nye + 90 * 60000LL, -210, buf,
	    sizeof buf), "2020-12-31T21:30:00-03:30");
	/* Leap day. */
	assert_string_equal(timefmt_iso(1582934400000LL, 0, buf, sizeof buf),
	    "2020-02-29T00:00:00+00:00");
}

/* Instants before 1970 round towards the past, as clocks do. */
static void
test_before_epoch(void **state)
{
	char buf[40];

	(void)state;
	assert_string_equal(timefmt_iso(-1, 0, buf, sizeof buf),
	    "1969-12-31T23:59:59+00:00");
	assert_string_equal(timefmt_hms(-1000, 0, buf, sizeof buf),
	    "23:59:59");
	assert_string_equal(timefmt_hms(-1001, 0, buf, sizeof buf),
	    "23:59:58");
}

/* Clock times are two-digit fields in the zone, with midnight as 00. */
static void
test_hms_hm(void **state)
{
	char buf[16];
	/* 2020-12-04T22:59:59.5Z */
	int64_t t = 1607122799500LL;

	(void)state;
	assert_string_equal(timefmt_hms(SAMPLE_START + 37 * 60000LL + 32000,
	    60, buf, sizeof buf), "14:07:32");
	assert_string_equal(timefmt_hm(SAMPLE_START, 60, buf, sizeof buf),
	    "13:30");
	assert_string_equal(timefmt_hms(t, 60, buf, sizeof buf), "23:59:59");
	assert_string_equal(timefmt_hms(t + 500, 60, buf, sizeof buf),
	    "00:00:00");
	assert_string_equal(timefmt_hm(t + 500, 60, buf, sizeof buf), "00:00");
	assert_string_equal(timefmt_hm(SAMPLE_START, -210, buf, sizeof buf),
	    "09:00");
}

/* Instants no calendar can show give a placeholder instead of garbage. */
static void
test_out_of_range(void **state)
{
	char buf[40];

	(void)state;
	assert_string_equal(timefmt_hms(INT64_MIN, 0, buf, sizeof buf),
	    "--:--:--");
	assert_string_equal(timefmt_hm(INT64_MAX, 0, buf, sizeof buf),
	    "--:--");
	assert_string_equal(timefmt_iso(INT64_MIN, 60, buf, sizeof buf),
	    "----");
	assert_string_equal(timefmt_hm(0, 100000, buf, sizeof buf), "--:--");
}

/* Small buffers get a truncated, terminated string; size 0 is left alone. */
static void
test_small_buffers(void **state)
{
	char buf[6];
	char untouched[1] = { 'x' };

	(void)state;
	assert_string_equal(timefmt_hms(SAMPLE_START, 60, buf, sizeof buf),
	    "13:30");
	assert_ptr_equal(timefmt_iso(SAMPLE_START, 60, untouched, 0),
	    untouched);
	assert_int_equal(untouched[0], 'x');
	assert_ptr_equal(timefmt_duration(1000, untouched, 0), untouched);
	assert_ptr_equal(timefmt_zone(60, untouched, 0), untouched);
	assert_ptr_equal(timefmt_offset(60, untouched, 0), untouched);
	assert_int_equal(untouched[0], 'x');
}

/* Zones read the way invitations write them. */
static void
test_zone(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(timefmt_zone(60, buf, sizeof buf), "GMT+1");
	assert_string_equal(timefmt_zone(0, buf, sizeof buf), "GMT");
	assert_string_equal(timefmt_zone(-210, buf, sizeof buf), "GMT-3:30");
	assert_string_equal(timefmt_zone(345, buf, sizeof buf), "GMT+5:45");
	assert_string_equal(timefmt_zone(-600, buf, sizeof buf), "GMT-10");
	assert_string_equal(timefmt_zone(840, buf, sizeof buf), "GMT+14");
	assert_string_equal(timefmt_zone(-30, buf, sizeof buf), "GMT-0:30");
}

/* Offsets read the way ISO 8601 writes them. */
static void
test_offset(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(timefmt_offset(60, buf, sizeof buf), "+01:00");
	assert_string_equal(timefmt_offset(0, buf, sizeof buf), "+00:00");
	assert_string_equal(timefmt_offset(-210, buf, sizeof buf), "-03:30");
	assert_string_equal(timefmt_offset(-30, buf, sizeof buf), "-00:30");
	assert_string_equal(timefmt_offset(765, buf, sizeof buf), "+12:45");
}

/* Durations round down and grow an hours field past 59:59. */
static void
test_duration(void **state)
{
	char buf[24];

	(void)state;
	assert_string_equal(timefmt_duration(0, buf, sizeof buf), "0:00");
	assert_string_equal(timefmt_duration(999, buf, sizeof buf), "0:00");
	assert_string_equal(timefmt_duration(1000, buf, sizeof buf), "0:01");
	assert_string_equal(timefmt_duration(190000, buf, sizeof buf), "3:10");
	assert_string_equal(timefmt_duration(190999, buf, sizeof buf), "3:10");
	assert_string_equal(timefmt_duration(3599999, buf, sizeof buf),
	    "59:59");
	assert_string_equal(timefmt_duration(3600000, buf, sizeof buf),
	    "1:00:00");
	assert_string_equal(timefmt_duration(3723000, buf, sizeof buf),
	    "1:02:03");
	assert_string_equal(timefmt_duration(100LL * 3600000, buf, sizeof buf),
	    "100:00:00");
	/* Not meant to be called with one, but a negative reads as zero. */
	assert_string_equal(timefmt_duration(-5000, buf, sizeof buf), "0:00");
}

/* Well-formed offsets parse, including Z and the half-hour zones. */
static void
test_parse_offset(void **state)
{
	int off = 12345;

	(void)state;
	assert_true(timefmt_parse_offset("+01:00", &off));
	assert_int_equal(off, 60);
	assert_true(timefmt_parse_offset("-03:30", &off));
	assert_int_equal(off, -210);
	assert_true(timefmt_parse_offset("+05:45", &off));
	assert_int_equal(off, 345);
	assert_true(timefmt_parse_offset("Z", &off));
	assert_int_equal(off, 0);
	assert_true(timefmt_parse_offset("z", &off));
	assert_int_equal(off, 0);
	assert_true(timefmt_parse_offset("-00:00", &off));
	assert_int_equal(off, 0);
	assert_true(timefmt_parse_offset("+14:00", &off));
	assert_int_equal(off, 840);
	assert_true(timefmt_parse_offset("-23:59", &off));
	assert_int_equal(off, -1439);
}

/* Anything else is refused and leaves the output alone. */
static void
test_parse_offset_malformed(void **state)
{
	static const char *const bad[] = {
		"", "+1:00", "01:00", "+0100", "+01", "+01:0", "+01:000",
		"+24:00", "+01:60", "GMT+1", "ZZ", "Z ", " +01:00", "+01:00 ",
		"+ab:cd", "++01:00", "-", "+:", "+01:-5",
	};
	size_t i;
	int off = 777;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (timefmt_parse_offset(bad[i], &off))
			fail_msg("offset '%s' was accepted", bad[i]);
		assert_int_equal(off, 777);
	}
	assert_false(timefmt_parse_offset(NULL, &off));
}

/* A local date and time at an offset becomes the right instant. */
static void
test_parse_local(void **state)
{
	int64_t ms = 0;

	(void)state;
	assert_true(timefmt_parse_local("2020-12-04", "13:30", 60, &ms));
	assert_int_equal(ms, SAMPLE_START);
	assert_true(timefmt_parse_local("2020-12-04", "15:30:00", 60, &ms));
	assert_int_equal(ms, SAMPLE_START + 2 * 3600000LL);
	assert_true(timefmt_parse_local("2020-12-04", "09:00", -210, &ms));
	assert_int_equal(ms, SAMPLE_START);
	assert_true(timefmt_parse_local("2020-12-04", "12:30:00", 0, &ms));
	assert_int_equal(ms, SAMPLE_START);
	/* Local midnight at +01:00 is 23:00 UTC the day before. */
	assert_true(timefmt_parse_local("2021-01-01", "00:00", 60, &ms));
	assert_int_equal(ms, 1609455600000LL);
	assert_true(timefmt_parse_local("2020-02-29", "00:00", 0, &ms));
	assert_int_equal(ms, 1582934400000LL);
	assert_true(timefmt_parse_local("1970-01-01", "00:00:01", 0, &ms));
	assert_int_equal(ms, 1000);
	assert_true(timefmt_parse_local("2020-12-04", "23:59:59", 0, &ms));
	assert_int_equal(ms, 1607126399000LL);
}

/* Dates that do not exist and times out of range are refused. */
static void
test_parse_local_malformed(void **state)
{
	static const char *const bad_dates[] = {
		"", "2020-12-4", "2020-1-04", "20-12-04", "2020/12/04",
		"2020-13-01", "2020-00-10", "2020-12-00", "2020-12-32",
		"2021-02-29", "2020-11-31", "2020-12-04 ", "2020-12-04T13:30",
		"x020-12-04",
	};
	static const char *const bad_times[] = {
		"", "24:00", "13:60", "13:30:60", "1:30", "13:3", "13", "13:30:",
		"13:30:0", "13h30", "13:30 ", " 13:30", "13:30:00:00", "-1:30",
	};
	size_t i;
	int64_t ms = 42;

	(void)state;
	for (i = 0; i < sizeof bad_dates / sizeof bad_dates[0]; i++)
		if (timefmt_parse_local(bad_dates[i], "13:30", 60, &ms))
			fail_msg("date '%s' was accepted", bad_dates[i]);
	for (i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++)
		if (timefmt_parse_local("2020-12-04", bad_times[i], 60, &ms))
			fail_msg("time '%s' was accepted", bad_times[i]);
	assert_int_equal(ms, 42);
	assert_false(timefmt_parse_local(NULL, "13:30", 60, &ms));
	assert_false(timefmt_parse_local("2020-12-04", NULL, 60, &ms));
}

/* Parsing what the formatters write gives the instant back. */
static void
test_round_trip(void **state)
{
	static const int offsets[] = { 60, 0, -210, 345, 840, -720 };
	char date[16], time[16], iso[40];
	int64_t ms;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
		timefmt_iso(SAMPLE_START, offsets[i], iso, sizeof iso);
		memcpy(date, iso, 10);
		date[10] = '\0';
		timefmt_hms(SAMPLE_START, offsets[i], time, sizeof time);
		assert_true(timefmt_parse_local(date, time, offsets[i], &ms));
		assert_int_equal(ms, SAMPLE_START);
	}
}

/* Durations typed as seconds, m:ss or h:mm:ss. */
static void
test_parse_clock(void **state)
{
	int64_t ms = 0;

	(void)state;
	assert_true(timefmt_parse_clock("180", &ms));
	assert_int_equal(ms, 180000);
	assert_true(timefmt_parse_clock("0", &ms));
	assert_int_equal(ms, 0);
	assert_true(timefmt_parse_clock("3:00", &ms));
	assert_int_equal(ms, 180000);
	assert_true(timefmt_parse_clock("03:00", &ms));
	assert_int_equal(ms, 180000);
	assert_true(timefmt_parse_clock("0:45", &ms));
	assert_int_equal(ms, 45000);
	assert_true(timefmt_parse_clock("90:00", &ms));
	assert_int_equal(ms, 5400000);
	assert_true(timefmt_parse_clock("00:11:30", &ms));
	assert_int_equal(ms, 690000);
	assert_true(timefmt_parse_clock("1:02:03", &ms));
	assert_int_equal(ms, 3723000);
	assert_true(timefmt_parse_clock("999999999", &ms));
	assert_int_equal(ms, 999999999000LL);
}

/* Anything that is not one of those shapes is refused. */
static void
test_parse_clock_malformed(void **state)
{
	static const char *const bad[] = {
		"", "9x", "x9", "-5", "+5", "1.5", "3:0", "3:000", "3:60",
		"1:60:00", "1:00:60", "1:2:3", "1:00:00:00", ":30", "3:", "3::00",
		" 180", "180 ", "1 80", "1000000000", "٣:٠٠",
	};
	size_t i;
	int64_t ms = 42;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (timefmt_parse_clock(bad[i], &ms))
			fail_msg("duration '%s' was accepted", bad[i]);
	assert_int_equal(ms, 42);
	assert_false(timefmt_parse_clock(NULL, &ms));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso),
		cmocka_unit_test(test_iso_rollover),
		cmocka_unit_test(test_before_epoch),
		cmocka_unit_test(test_hms_hm),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_small_buffers),
		cmocka_unit_test(test_zone),
		cmocka_unit_test(test_offset),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_parse_offset),
		cmocka_unit_test(test_parse_offset_malformed),
		cmocka_unit_test(test_parse_local),
		cmocka_unit_test(test_parse_local_malformed),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_clock),
		cmocka_unit_test(test_parse_clock_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
