/*
 * clock.c -- live and simulated clocks.
 *
 * A live clock is CLOCK_MONOTONIC shifted by an offset chosen once per
 * boot so that it reads close to Unix time: countdowns are immune to
 * wall-clock steps, and every process on the machine that reads the same
 * offset from the database computes the same remaining time. A simulated
 * clock runs speed times faster than the monotonic clock from an anchor;
 * its reading is used both as monotonic and as wall time.
 */
#include "clock.h"

#include <time.h>

/* Read a POSIX clock in milliseconds. */
static int64_t
clock_read(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Raw monotonic milliseconds (CLOCK_MONOTONIC). */
int64_t
clock_raw_mono(void)
{
	return clock_read(CLOCK_MONOTONIC);
}

/* Raw real-time milliseconds (CLOCK_REALTIME), Unix epoch. */
int64_t
clock_raw_wall(void)
{
	return clock_read(CLOCK_REALTIME);
}

/* The time on a clock given raw monotonic and real-time readings. */
struct model_time
clock_at(const struct clock *c, int64_t raw_mono, int64_t raw_wall)
{
	struct model_time t;

	if (!c->simulated) {
		t.mono_ms = raw_mono + c->offset_ms;
		t.wall_ms = raw_wall;
		return t;
	}
	t.mono_ms = c->base_ms;
	t.wall_ms = c->follower ? c->wall_base_ms : c->base_ms;
	if (!c->paused && raw_mono > c->anchor_ms) {
		int64_t run = (int64_t)((double)(raw_mono - c->anchor_ms) *
		    c->speed);

		t.mono_ms += run;
		t.wall_ms += run;
	}
	return t;
}

/* The time on a clock now. */
struct model_time
clock_now(const struct clock *c)
{
	return clock_at(c, clock_raw_mono(), clock_raw_wall());
}

/* Set up a live clock whose monotonic reading starts near Unix time. */
void
clock_init_live(struct clock *c, int64_t raw_mono, int64_t raw_wall)
{
	c->simulated = false;
	c->follower = false;
	c->speed = 1.0;
	c->paused = false;
	c->base_ms = c->anchor_ms = 0;
	c->offset_ms = raw_wall - raw_mono;
}

/* Set up a running simulated clock reading start_ms at raw_mono. */
void
clock_init_simulated(struct clock *c, int64_t start_ms, double speed,
    int64_t raw_mono)
{
	c->simulated = true;
	c->follower = false;
	c->speed = speed;
	c->paused = false;
	c->base_ms = start_ms;
	c->anchor_ms = raw_mono;
	c->offset_ms = 0;
}

/* Follow a clock read elsewhere (the chair's, as a mirror). */
void
clock_init_follower(struct clock *c, int64_t mono, int64_t wall,
    double speed, bool paused, int64_t raw_mono)
{
	c->simulated = true;
	c->follower = true;
	c->speed = speed > 0 ? speed : 1.0;
	c->paused = paused;
	c->base_ms = mono;
	c->wall_base_ms = wall;
	c->anchor_ms = raw_mono;
	c->offset_ms = 0;
}

/* Re-anchor a simulated clock at raw_mono, keeping its reading. */
void
clock_reanchor(struct clock *c, int64_t raw_mono, double speed, bool paused)
{
	c->base_ms = clock_at(c, raw_mono, 0).mono_ms;
	c->anchor_ms = raw_mono;
	c->speed = speed;
	c->paused = paused;
}

/* Real milliseconds until the clock has advanced by clock_ms (>= 1). */
int64_t
clock_real_delay(const struct clock *c, int64_t clock_ms)
{
	int64_t real = clock_ms;

	if (c->simulated && c->speed > 0)
		real = (int64_t)((double)clock_ms / c->speed + 0.999);
	return real < 1 ? 1 : real;
}
