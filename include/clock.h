/*
 * clock.h -- where "now" comes from. Live mode reads the monotonic clock
 * (anchored so that it reads close to Unix time, and so that every process
 * on the machine computes the same value) for countdowns, and the real-time
 * clock for the wall time shown. Rehearsal runs a simulated clock:
 * sim = base + (monotonic - anchor) * speed, starting at the event start.
 *
 * clock_at() is pure and is what the tests drive; clock_now() feeds it the
 * system clocks.
 */
#ifndef PODIUM_CLOCK_H
#define PODIUM_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

/* Parameters of a clock; persisted by the session so readers agree. */
struct clock {
	bool simulated;
	double speed;        /* simulated: simulated ms per real ms */
	bool paused;         /* simulated: stopped at base_ms */
	int64_t base_ms;     /* simulated: wall ms of the simulated clock at anchor */
	int64_t anchor_ms;   /* simulated: raw monotonic ms at the anchor */
	int64_t offset_ms;   /* live: added to raw monotonic ms */
	bool follower;       /* a mirror following another machine's clock */
	int64_t wall_base_ms; /* follower: wall ms at the anchor */
};

/* Raw monotonic milliseconds (CLOCK_MONOTONIC). */
int64_t clock_raw_mono(void);

/* Raw real-time milliseconds (CLOCK_REALTIME), Unix epoch. */
int64_t clock_raw_wall(void);

/* The time on a clock given raw monotonic and real-time readings. */
struct model_time clock_at(const struct clock *c, int64_t raw_mono,
    int64_t raw_wall);

/* The time on a clock now. */
struct model_time clock_now(const struct clock *c);

/* Set up a live clock whose monotonic reading starts near Unix time. */
void clock_init_live(struct clock *c, int64_t raw_mono, int64_t raw_wall);

/* Set up a running simulated clock reading start_ms at raw_mono. */
void clock_init_simulated(struct clock *c, int64_t start_ms, double speed,
    int64_t raw_mono);

/*
 * Follow a clock read elsewhere (the chair's, as a mirror): it read mono
 * and wall at raw_mono here and runs at speed (1 live) unless paused.
 */
void clock_init_follower(struct clock *c, int64_t mono, int64_t wall,
    double speed, bool paused, int64_t raw_mono);

/* Re-anchor a simulated clock at raw_mono, keeping its reading. */
void clock_reanchor(struct clock *c, int64_t raw_mono, double speed,
    bool paused);

/* Real milliseconds until the clock has advanced by clock_ms (>= 1). */
int64_t clock_real_delay(const struct clock *c, int64_t clock_ms);

#endif /* PODIUM_CLOCK_H */
