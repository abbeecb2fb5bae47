/*
 * test-clock-faults.c -- countdowns when the wall clock is stepped.
 *
 * Data flow: clock.c is fed injected readings (clock_at() takes the raw
 * monotonic and real-time readings, so no system clock is touched): the
 * monotonic reading advances as a console's timer would make it advance,
 * and the real-time reading is stepped by +1 h, -1 h and back again, at
 * moments chosen before, across and after the countdown runs out, and at
 * random. A model built from the sample event has its first discussion
 * speaker's countdown running; at each simulated wake-up the test asks
 * what the console asks -- the remaining time, the displayed value
 * (model_format_countdown) and when it next changes (the next second of
 * the header clock or of the countdown, model_countdown_next_change_ms)
 * -- and checks that the countdown follows the monotonic clock to the
 * millisecond whatever the wall clock does, that every displayed second
 * is shown once in order (none skipped), and that "time up" (the stage
 * turning to overtime, where the console rings its bell) is crossed
 * exactly once. The simulated rehearsal clock and a mirror's follower
 * clock must ignore the real-time reading altogether.
 */
#include "clock.h"
#include "event.h"
#include "model.h"
#include "session.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUR_MS (3600 * 1000LL)

/* An arbitrary monotonic reading at the start (a machine up for a day). */
#define MONO0 (86400 * 1000LL + 123)

/* The Unix time then: 2020-12-04 13:55:00.456 UTC. */
#define WALL0 1607090100456LL

/* A deterministic generator (xorshift64*), for the random steps. */
static uint64_t
rnd(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ULL;
}

/* The displayed countdown as signed seconds: 5 for "0:05", -2 for "+0:02". */
static long
shown_seconds(int64_t remaining_ms)
{
	char buf[32];
	long m = 0, s = 0, h = 0;
	const char *p;

	model_format_countdown(remaining_ms, buf, sizeof buf);
	p = buf[0] == '+' ? buf + 1 : buf;
	if (sscanf(p, "%ld:%ld:%ld", &h, &m, &s) == 3)
		s += h * 3600 + m * 60;
	else if (sscanf(p, "%ld:%ld", &m, &s) == 2)
		s += m * 60;
	else
		fail_msg("unreadable countdown %s", buf);
	return buf[0] == '+' ? -s : s;
}

/* Apply an action at a time on a clock; it must be accepted. */
static void
act(struct model *m, enum model_action_type type, struct model_time at,
    int64_t seq)
{
	struct model_action a;
	char err[200];

	memset(&a, 0, sizeof a);
	a.type = type;
	a.seq = seq;
	a.at = at;
	if (!model_apply(m, &a, err, sizeof err))
		fail_msg("action refused: %s", err);
}

/* What one simulated countdown saw. */
struct run {
	int wakeups;
	int time_ups;        /* crossings into overtime */
	long first_shown;
	long last_shown;
	int steps;           /* wall-clock steps made */
};

/*
 * Run a countdown of the sample event's first discussion speaker on a
 * live clock from MONO0 until overtime_s past its end; the wall clock is
 * stepped by step_at(k) (its offset from true at the k-th wake-up, in ms).
 */
static void
run_countdown(int64_t (*wall_offset)(int k, int64_t mono, uint64_t *rng),
    int overtime_s, uint64_t seed, struct run *out)
{
	char *cause = NULL, *path = session_sample_event("sample-event.json",
	    &cause);
	struct event_file *ef;
	struct model *m;
	const struct model_speaker *sp;
	struct clock c;
	int64_t mono = MONO0, started, allotted_ms, off = 0;
	uint64_t rng = seed;
	bool over = false;
	long prev;
	int64_t seq = 1000;

	assert_non_null(path);
	ef = event_load(path, &cause);
	assert_non_null(ef);
	m = model_create(&ef->event);
	for (size_t i = 0; i < ef->nspeakers; i++) {
		struct model_action a;

		memset(&a, 0, sizeof a);
		a.type = MODEL_ACTION_SPEAKER_ADD;
		a.seq = (int64_t)i + 1;
		a.speaker = ef->speakers[i];
		assert_true(model_apply(m, &a, NULL, 0));
	}
	clock_init_live(&c, MONO0, WALL0);
	for (int i = 0; i < 4; i++)
		act(m, MODEL_ACTION_SEGMENT_NEXT, clock_at(&c, mono, WALL0), seq++);
	act(m, MODEL_ACTION_TOGGLE, clock_at(&c, mono, WALL0), seq++);
	started = clock_at(&c, mono, WALL0).mono_ms;
	sp = model_speaker_current(m);
	assert_non_null(sp);
	assert_true(model_speaker_running(sp));
	allotted_ms = (int64_t)sp->allotted_s * 1000;
	memset(out, 0, sizeof *out);
	prev = out->first_shown = shown_seconds(allotted_ms);

	for (int k = 0; ; k++) {
		int64_t wall, remaining, next, o = wall_offset(k, mono, &rng);
		struct model_time now;
		long shown;
		bool is_over;

		if (o != off)
			out->steps++;
		off = o;
		wall = WALL0 + (mono - MONO0) + off;
		now = clock_at(&c, mono, wall);
		assert_int_equal(now.wall_ms, wall);
		sp = model_speaker_current(m);
		remaining = model_speaker_remaining_ms(sp, now.mono_ms);
		/* The countdown is the monotonic clock's, to the millisecond. */
		assert_int_equal(remaining, allotted_ms - (now.mono_ms - started));
		shown = shown_seconds(remaining);
		if (shown != prev && shown != prev - 1)
			fail_msg("displayed %ld after %ld (wall offset %lld ms)",
			    shown, prev, (long long)off);
		prev = shown;
		is_over = model_speaker_stage(sp, now.mono_ms) ==
		    MODEL_STAGE_OVERTIME;
		if (is_over && !over)
			out->time_ups++;
		over = is_over;
		out->wakeups++;
		if (remaining <= -(int64_t)overtime_s * 1000)
			break;
		/* The console's next wake-up: header second or countdown second. */
		next = 1000 - ((now.wall_ms % 1000) + 1000) % 1000;
		if (model_countdown_next_change_ms(remaining) < next)
			next = model_countdown_next_change_ms(remaining);
		mono += clock_real_delay(&c, next) + 1;
	}
	out->last_shown = prev;
	model_destroy(m);
	event_destroy(ef);
	free(path);
}

/* +1 h two seconds in, -1 h twenty seconds before the end, +1 h in overtime. */
static int64_t
steps_scripted(int k, int64_t mono, uint64_t *rng)
{
	int64_t t = mono - MONO0;

	(void)k;
	(void)rng;
	if (t < 2000)
		return 0;
	if (t < 160 * 1000)
		return HOUR_MS;
	if (t < 182 * 1000)
		return -HOUR_MS;
	return HOUR_MS;
}

/* At every fifth wake-up, a step to -1 h, 0 or +1 h (plus a few ms). */
static int64_t
steps_random(int k, int64_t mono, uint64_t *rng)
{
	static int64_t off;

	(void)mono;
	if (k == 0)
		off = 0;
	if (k % 5 == 4)
		off = ((int64_t)(rnd(rng) % 3) - 1) * HOUR_MS +
		    (int64_t)(rnd(rng) % 1000);
	return off;
}

/* A wall clock that never moves from true time. */
static int64_t
steps_none(int k, int64_t mono, uint64_t *rng)
{
	(void)k;
	(void)mono;
	(void)rng;
	return 0;
}

/* Without steps: the reference run. */
static void
test_no_step(void **state)
{
	struct run r;

	(void)state;
	run_countdown(steps_none, 5, 1, &r);
	assert_int_equal(r.time_ups, 1);
	assert_int_equal(r.last_shown, -5);
	assert_int_equal(r.steps, 0);
}

/* +1 h, -1 h and +1 h again around the end: the countdown never notices. */
static void
test_scripted_steps(void **state)
{
	struct run r, ref;

	(void)state;
	run_countdown(steps_none, 5, 1, &ref);
	run_countdown(steps_scripted, 5, 1, &r);
	assert_int_equal(r.steps, 3);
	assert_int_equal(r.time_ups, 1);
	assert_int_equal(r.first_shown, ref.first_shown);
	assert_int_equal(r.last_shown, -5);
}

/* Random steps of up to an hour either way, many seeds. */
static void
test_random_steps(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 50; seed++) {
		struct run r;

		run_countdown(steps_random, 3, seed * 7919, &r);
		assert_true(r.steps > 10);
		assert_int_equal(r.time_ups, 1);
		assert_int_equal(r.last_shown, -3);
	}
}

/* A rehearsal's clock and a mirror's follower ignore the real-time reading. */
static void
test_simulated_ignores_wall(void **state)
{
	struct clock sim, fol;

	(void)state;
	clock_init_simulated(&sim, WALL0, 20.0, MONO0);
	clock_init_follower(&fol, WALL0, WALL0 + 5, 1.0, false, MONO0);
	for (int64_t t = 0; t <= 10000; t += 777) {
		struct model_time a = clock_at(&sim, MONO0 + t, WALL0 + t);
		struct model_time b = clock_at(&sim, MONO0 + t, WALL0 + t + HOUR_MS);
		struct model_time c = clock_at(&sim, MONO0 + t, WALL0 + t - HOUR_MS);
		struct model_time d = clock_at(&fol, MONO0 + t, WALL0 - HOUR_MS);
		struct model_time e = clock_at(&fol, MONO0 + t, WALL0 + HOUR_MS);

		assert_int_equal(a.mono_ms, WALL0 + t * 20);
		assert_int_equal(a.mono_ms, b.mono_ms);
		assert_int_equal(a.mono_ms, c.mono_ms);
		assert_int_equal(a.wall_ms, b.wall_ms);
		assert_int_equal(a.wall_ms, c.wall_ms);
		assert_int_equal(d.mono_ms, WALL0 + t);
		assert_int_equal(d.mono_ms, e.mono_ms);
		assert_int_equal(d.wall_ms, e.wall_ms);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_step),
		cmocka_unit_test(test_scripted_steps),
		cmocka_unit_test(test_random_steps),
		cmocka_unit_test(test_simulated_ignores_wall),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
