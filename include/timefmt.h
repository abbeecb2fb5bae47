/*
 * timefmt.h -- turning times into text and back: ISO 8601 with offset,
 * clock times in the event's zone, durations. Pure functions, no clock
 * reads.
 */
#ifndef PODIUM_TIMEFMT_H
#define PODIUM_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "2020-12-04T14:07:32+01:00" for wall ms at a UTC offset in minutes. */
char *timefmt_iso(int64_t wall_ms, int offset_min, char *buf, size_t bufsz);

/* "14:07:32" in the zone of offset_min. */
char *timefmt_hms(int64_t wall_ms, int offset_min, char *buf, size_t bufsz);

/* "14:07" in the zone of offset_min. */
char *timefmt_hm(int64_t wall_ms, int offset_min, char *buf, size_t bufsz);

/* "GMT+1", "GMT-3:30", "GMT" for a UTC offset in minutes. */
char *timefmt_zone(int offset_min, char *buf, size_t bufsz);

/* "+01:00" for a UTC offset in minutes. */
char *timefmt_offset(int offset_min, char *buf, size_t bufsz);

/* "3:10" or "1:02:03" for a non-negative duration, rounded down. */
char *timefmt_duration(int64_t ms, char *buf, size_t bufsz);

/* Parse "+01:00" / "-03:30" / "Z" into minutes; false if malformed. */
bool timefmt_parse_offset(const char *s, int *offset_min);

/*
 * Unix ms of a local date ("2020-12-04") and time ("13:30" or "13:30:00")
 * at a UTC offset; false if malformed.
 */
bool timefmt_parse_local(const char *date, const char *time, int offset_min,
    int64_t *wall_ms);

/* Parse "HH:MM:SS" or "MM:SS" or plain seconds into ms; false if malformed. */
bool timefmt_parse_clock(const char *s, int64_t *ms);

#endif /* PODIUM_TIMEFMT_H */
