/*
 * test-clock.c -- live and simulated clocks, driven through the pure
 * clock_at() with made-up raw readings, plus one look at the real system
 * clocks to check that a live clock's monotonic reading lands near Unix
 * time.
 *
 * Data flow: each test sets up a struct clock with clock_init_live() or
 * clock_init_simulated(), moves the raw monotonic reading by hand, and
 * checks what clock_at() reads; clock_real_delay() is checked against
 * clock_at() itself, so the delay it asks for really is enough.
 */
#include "clock.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <time.h>

/* 2020-12-04T12:30:00Z, an event start. */
#define START 1607085000000LL

/* A raw monotonic reading, as a machine up for a while would give. */
#define RAW 987654321LL

/* A live clock offsets the monotonic reading; wall time passes through. */
static void
test_live_at(void **state)
{
	struct clock c;
	struct model_time t;

	(void)state;
	clock_init_live(&c, RAW, START);
	assert_false(c.simulated);
	assert_int_equal(c.offset_ms, START - RAW);

	t = clock_at(&c, RAW, START);
	assert_int_equal(t.mono_ms, START);
	assert_int_equal(t.wall_ms, START);

	/* 1.5 s later on both clocks. */
	t = clock_at(&c, RAW + 1500, START + 1500);
	assert_int_equal(t.mono_ms, START + 1500);
	assert_int_equal(t.wall_ms, START + 1500);

	/* The wall clock is stepped back an hour: monotonic time is unmoved. */
	t = clock_at(&c, RAW + 2000, START - 3600000 + 2000);
	assert_int_equal(t.mono_ms, START + 2000);
	assert_int_equal(t.wall_ms, START - 3600000 + 2000);

	/* Another process reading the same offset computes the same time. */
	{
		struct clock other = { .simulated = false, .speed = 1.0,
			.offset_ms = c.offset_ms };

		t = clock_at(&other, RAW + 777, 42);
		assert_int_equal(t.mono_ms, START + 777);
		assert_int_equal(t.wall_ms, 42);
	}
}

/* A simulated clock at speed 1 follows the monotonic clock from the start. */
static void
test_simulated_speed_1(void **state)
{
	struct clock c;
	struct model_time t;

	(void)state;
	clock_init_simulated(&c, START, 1.0, RAW);
	assert_true(c.simulated);
	assert_false(c.paused);

	t = clock_at(&c, RAW, 123);
	assert_int_equal(t.mono_ms, START);
	assert_int_equal(t.wall_ms, START);

	t = clock_at(&c, RAW + 60000, 456);
	assert_int_equal(t.mono_ms, START + 60000);
	/* The raw wall reading plays no part: both are the simulated time. */
	assert_int_equal(t.wall_ms, START + 60000);

	/* A reading from before the anchor never runs the clock backwards. */
	t = clock_at(&c, RAW - 5000, 0);
	assert_int_equal(t.mono_ms, START);
}

/* Speed 20 runs twenty simulated seconds per real second. */
static void
test_simulated_speed_20(void **state)
{
	struct clock c;
	struct model_time t;

	(void)state;
	clock_init_simulated(&c, START, 20.0, RAW);
	t = clock_at(&c, RAW + 1000, 0);
	assert_int_equal(t.mono_ms, START + 20000);
	assert_int_equal(t.wall_ms, START + 20000);
	t = clock_at(&c, RAW + 3 * 60000, 0);
	assert_int_equal(t.mono_ms, START + 3600000);
	t = clock_at(&c, RAW + 1, 0);
	assert_int_equal(t.mono_ms, START + 20);
}

/* Speed 0.5 runs slower than real time and never goes backwards. */
static void
test_simulated_speed_half(void **state)
{
	struct clock c;
	struct model_time t;
	int64_t last = START;

	(void)state;
	clock_init_simulated(&c, START, 0.5, RAW);
	t = clock_at(&c, RAW + 1000, 0);
	assert_int_equal(t.mono_ms, START + 500);
	t = clock_at(&c, RAW + 2, 0);
	assert_int_equal(t.mono_ms, START + 1);
	t = clock_at(&c, RAW + 120000, 0);
	assert_int_equal(t.mono_ms, START + 60000);

	for (int64_t d = 0; d < 5000; d++) {
		t = clock_at(&c, RAW + d, 0);
		assert_true(t.mono_ms >= last);
		assert_true(t.mono_ms <= START + d);
		last = t.mono_ms;
	}
}

/* A paused simulated clock stands still at its reading. */
static void
test_simulated_paused(void **state)
{
	struct clock c;
	struct model_time t;

	(void)state;
	clock_init_simulated(&c, START, 20.0, RAW);
	clock_reanchor(&c, RAW + 1000, 20.0, true);
	assert_true(c.paused);
	t = clock_at(&c, RAW + 1000, 0);
	assert_int_equal(t.mono_ms, START + 20000);
	t = clock_at(&c, RAW + 1000000, 0);
	assert_int_equal(t.mono_ms, START + 20000);
	assert_int_equal(t.wall_ms, START + 20000);

	/* Pausing a paused clock later keeps the same reading. */
	clock_reanchor(&c, RAW + 5000000, 20.0, true);
	t = clock_at(&c, RAW + 9000000, 0);
	assert_int_equal(t.mono_ms, START + 20000);

	/* Resuming continues from the paused reading, not from the anchor. */
	clock_reanchor(&c, RAW + 10000000, 1.0, false);
	t = clock_at(&c, RAW + 10000000, 0);
	assert_int_equal(t.mono_ms, START + 20000);
	t = clock_at(&c, RAW + 10000000 + 1500, 0);
	assert_int_equal(t.mono_ms, START + 21500);
}

/* Re-anchoring keeps the reading and changes the speed from there on. */
static void
test_reanchor_speed(void **state)
{
	struct clock c;
	struct model_time before, after;

	(void)state;
	clock_init_simulated(&c, START, 20.0, RAW);
	before = clock_at(&c, RAW + 2500, 0);
	assert_int_equal(before.mono_ms, START + 50000);

	clock_reanchor(&c, RAW + 2500, 1.0, false);
	assert_int_equal(c.anchor_ms, RAW + 2500);
	assert_true(c.speed == 1.0);
	assert_false(c.paused);
	after = clock_at(&c, RAW + 2500, 0);
	assert_int_equal(after.mono_ms, before.mono_ms);
	after = clock_at(&c, RAW + 3500, 0);
	assert_int_equal(after.mono_ms, START + 51000);

	/* And faster again. */
	clock_reanchor(&c, RAW + 3500, 60.0, false);
	after = clock_at(&c, RAW + 3500, 0);
	assert_int_equal(after.mono_ms, START + 51000);
	after = clock_at(&c, RAW + 4500, 0);
	assert_int_equal(after.mono_ms, START + 111000);
}

/* On a live clock the real delay is the clock delay, at least 1 ms. */
static void
test_real_delay_live(void **state)
{
	struct clock c;

	(void)state;
	clock_init_live(&c, RAW, START);
	assert_int_equal(clock_real_delay(&c, 1000), 1000);
	assert_int_equal(clock_real_delay(&c, 1), 1);
	assert_int_equal(clock_real_delay(&c, 0), 1);
	assert_int_equal(clock_real_delay(&c, -250), 1);
	assert_int_equal(clock_real_delay(&c, 86400000), 86400000);
}

/* On a simulated clock the delay is divided by the speed, rounded up. */
static void
test_real_delay_simulated(void **state)
{
	struct clock c;

	(void)state;
	clock_init_simulated(&c, START, 20.0, RAW);
	assert_int_equal(clock_real_delay(&c, 1000), 50);
	assert_int_equal(clock_real_delay(&c, 30), 2);
	assert_int_equal(clock_real_delay(&c, 20), 1);
	assert_int_equal(clock_real_delay(&c, 1), 1);
	assert_int_equal(clock_real_delay(&c, 0), 1);
	assert_int_equal(clock_real_delay(&c, -1000), 1);

	clock_init_simulated(&c, START, 0.5, RAW);
	assert_int_equal(clock_real_delay(&c, 1000), 2000);
	assert_int_equal(clock_real_delay(&c, 1), 2);

	clock_init_simulated(&c, START, 3.0, RAW);
	assert_int_equal(clock_real_delay(&c, 1000), 334);

	clock_init_simulated(&c, START, 1.0, RAW);
	assert_int_equal(clock_real_delay(&c, 1000), 1000);
	assert_int_equal(clock_real_delay(&c, 999), 999);
}

/*
 * Waiting the delay clock_real_delay() asks for always advances the clock
 * by at least the amount asked, and one real ms less would not (so a timer
 * neither fires early nor needlessly late).
 */
static void
test_real_delay_enough(void **state)
{
	static const double speeds[] = { 1.0, 2.0, 3.0, 4.0, 5.0, 10.0, 20.0,
		60.0, 0.5, 0.25 };
	struct clock c;

	(void)state;
	for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++) {
		clock_init_simulated(&c, START, speeds[i], RAW);
		for (int64_t ms = 1; ms <= 3000; ms++) {
			int64_t real = clock_real_delay(&c, ms);
			struct model_time t = clock_at(&c, RAW + real, 0);

			assert_true(real >= 1);
			if (t.mono_ms - START < ms)
				fail_msg("speed %g: %lld ms of clock asked, "
				    "%lld real ms give only %lld", speeds[i],
				    (long long)ms, (long long)real,
				    (long long)(t.mono_ms - START));
			if (real > 1) {
				t = clock_at(&c, RAW + real - 1, 0);
				if (t.mono_ms - START >= ms)
					fail_msg("speed %g: %lld ms of clock "
					    "asked, %lld real ms is more than "
					    "needed", speeds[i], (long long)ms,
					    (long long)real);
			}
		}
	}
}

/* The raw clocks read milliseconds; the monotonic one never goes back. */
static void
test_raw_clocks(void **state)
{
	int64_t a, b, wall;

	(void)state;
	a = clock_raw_mono();
	b = clock_raw_mono();
	assert_true(b >= a);
	wall = clock_raw_wall();
	/* Within a minute of time(), in milliseconds. */
	assert_true(wall / 1000 - (int64_t)time(NULL) < 60);
	assert_true((int64_t)time(NULL) - wall / 1000 < 60);
}

/* clock_init_live() makes the monotonic reading land near Unix time. */
static void
test_init_live_near_wall(void **state)
{
	struct clock c;
	struct model_time t;
	struct timespec pause = { 0, 20 * 1000000 };
	int64_t m1;

	(void)state;
	clock_init_live(&c, clock_raw_mono(), clock_raw_wall());
	t = clock_now(&c);
	assert_true(t.mono_ms - t.wall_ms < 50 && t.wall_ms - t.mono_ms < 50);
	m1 = t.mono_ms;
	nanosleep(&pause, NULL);
	t = clock_now(&c);
	assert_true(t.mono_ms - m1 >= 20);
	assert_true(t.mono_ms - t.wall_ms < 50 && t.wall_ms - t.mono_ms < 50);
}

/* clock_now() on a simulated clock reads the simulated time. */
static void
test_now_simulated(void **state)
{
	struct clock c;
	struct model_time t;

	(void)state;
	clock_init_simulated(&c, START, 1.0, clock_raw_mono());
	t = clock_now(&c);
	assert_true(t.mono_ms >= START && t.mono_ms < START + 1000);
	assert_int_equal(t.wall_ms, t.mono_ms);

	clock_reanchor(&c, clock_raw_mono(), 1.0, true);
	t = clock_now(&c);
	assert_int_equal(t.mono_ms, c.base_ms);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_at),
		cmocka_unit_test(test_simulated_speed_1),
		cmocka_unit_test(test_simulated_speed_20),
		cmocka_unit_test(test_simulated_speed_half),
		cmocka_unit_test(test_simulated_paused),
		cmocka_unit_test(test_reanchor_speed),
		cmocka_unit_test(test_real_delay_live),
		cmocka_unit_test(test_real_delay_simulated),
		cmocka_unit_test(test_real_delay_enough),
		cmocka_unit_test(test_raw_clocks),
		cmocka_unit_test(test_init_live_near_wall),
		cmocka_unit_test(test_now_simulated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
