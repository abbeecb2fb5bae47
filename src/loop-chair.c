/*
 * loop-chair.c -- the chair console's event loop.
 *
 * Each libuv handle lives in struct loop_chair and points back to it
 * through data. Callbacks only feed the console (app_key, app_tick,
 * app_resized, app_request_quit); after each one, loop_chair_after()
 * draws once if anything is dirty and re-arms the timer for the next
 * moment the display changes (next displayed second of the countdown or
 * of the clock), so an idle console wakes at most once per displayed
 * second and a countdown is computed from the clock, never from ticks.
 *
 * An intake batch commits on a libuv worker while the loop goes on
 * reading requests; before a key, a tick or a frame the loop settles it
 * (server_intake_settle(): waits for that one commit, under a
 * millisecond, and answers it), so a key never touches the store while a
 * commit runs and a frame never shows what is not stored yet. Keys wait,
 * in order, never lost.
 *
 * With PODIUM_TRACE=FILE the loop writes one line per event of interest
 * for the benchmarks in bench/ (docs/PERFORMANCE.md): the first frame's
 * time since PODIUM_TRACE_T0 (CLOCK_MONOTONIC ns, set by the launcher),
 * and for each timer wake-up while a countdown runs, how late the
 * displayed second was drawn after the clock crossed it, and how long
 * after an intake commit the frame showing it was drawn.
 *
 * PODIUM_TEST_HOG_MS=N (tests only, tests/reliability/) makes each timer
 * wake-up first keep the loop busy for N ms, as a slow machine or a long
 * frame would, to show that displayed seconds still never skip.
 */
#include "loop-chair.h"

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "clock.h"
#include "server-intake.h"
#include "server-mirror.h"

/* Longest wait from an intake commit to the frame that shows it. */
#define LOOP_CHAIR_INTAKE_DRAW_MS 10

/* A burst of readable-but-empty input means the terminal is gone. */
#define LOOP_CHAIR_EMPTY_READS_MAX 64

struct loop_chair {
	uv_loop_t loop;
	uv_poll_t input;
	uv_signal_t sigwinch;
	uv_signal_t sigterm;
	uv_signal_t sighup;
	uv_signal_t sigint;
	uv_signal_t sigquit;  /* Ctrl-\ too must give the terminal back */
	uv_timer_t timer;
	uv_timer_t replay_timer;
	uv_timer_t intake_draw;
	struct app *app;
	const struct loop_chair_options *opt;
	struct server_intake *intake;
	struct server_mirror *mirror;
	FILE *trace;
	int64_t trace_t0_ns;
	bool first_frame;
	int empty_reads;
	int64_t intake_ns;     /* trace: when undrawn intake was committed */
	int64_t hog_ns;        /* test: busy time per timer wake-up */
};

/* Monotonic nanoseconds, for the trace. */
static int64_t
loop_chair_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void loop_chair_timer_cb(uv_timer_t *t);

/* Keep the CPU busy for hog_ns (PODIUM_TEST_HOG_MS; tests only). */
static void
loop_chair_hog(int64_t hog_ns)
{
	int64_t until = loop_chair_ns() + hog_ns;

	while (loop_chair_ns() < until)
		;
}

/* Draw if needed, then stop or re-arm the timer for the next change. */
static void
loop_chair_after(struct loop_chair *l)
{
	if (app_done(l->app)) {
		uv_stop(&l->loop);
		return;
	}
	if (app_dirty(l->app)) {
		server_intake_settle(l->intake);
		app_draw(l->app);
		if (l->intake_ns != 0 && l->trace != NULL) {
			fprintf(l->trace, "intake_draw_ms %.3f\n",
			    (double)(loop_chair_ns() - l->intake_ns) / 1e6);
			fflush(l->trace);
		}
		l->intake_ns = 0;
		if (l->first_frame && l->trace != NULL) {
			fprintf(l->trace, "first_frame_ms %.3f\n",
			    (double)(loop_chair_ns() - l->trace_t0_ns) / 1e6);
			fflush(l->trace);
		}
		l->first_frame = false;
	}
	/* One ms past the boundary: libuv's clock is truncated to ms. */
	uv_update_time(&l->loop);
	uv_timer_start(&l->timer, loop_chair_timer_cb,
	    (uint64_t)app_next_change_ms(l->app) + 1, 0);
}

/* The display is due to change: let the console look at the clock. */
static void
loop_chair_timer_cb(uv_timer_t *t)
{
	struct loop_chair *l = t->data;
	int64_t r;

	if (l->hog_ns > 0)
		loop_chair_hog(l->hog_ns);
	server_intake_settle(l->intake);
	app_tick(l->app);
	if (l->trace != NULL && app_running_remaining(l->app, &r)) {
		int64_t late = r > 0 ? (1000 - r % 1000) % 1000 : (-r) % 1000;

		fprintf(l->trace, "tick_late_ms %" PRId64 " remaining_ms %" PRId64
		    "\n", late, r);
		fflush(l->trace);
	}
	loop_chair_after(l);
}

/* Terminal input is readable: feed every pending key to the console. */
static void
loop_chair_input_cb(uv_poll_t *p, int status, int events)
{
	struct loop_chair *l = p->data;
	struct ui_key key;
	int n = 0;

	(void)events;
	server_intake_settle(l->intake);
	if (status < 0) {
		app_request_quit(l->app, "terminal input failed");
		loop_chair_after(l);
		return;
	}
	while (!app_done(l->app) && app_read_key(l->app, &key)) {
		app_key(l->app, &key);
		n++;
	}
	/* Readable with nothing to read, again and again: the tty hung up. */
	l->empty_reads = n == 0 ? l->empty_reads + 1 : 0;
	if (l->empty_reads > LOOP_CHAIR_EMPTY_READS_MAX)
		app_request_quit(l->app, "terminal closed");
	loop_chair_after(l);
}

/* A signal arrived: resize on SIGWINCH, quit cleanly on the others. */
static void
loop_chair_signal_cb(uv_signal_t *s, int signum)
{
	struct loop_chair *l = s->data;

	if (signum == SIGWINCH)
		app_resized(l->app);
	else
		app_request_quit(l->app, strsignal(signum));
	loop_chair_after(l);
}

/* Start one signal watcher. */
static int
loop_chair_signal(struct loop_chair *l, uv_signal_t *s, int signum)
{
	int rc = uv_signal_init(&l->loop, s);

	if (rc == 0) {
		s->data = l;
		rc = uv_signal_start(s, loop_chair_signal_cb, signum);
	}
	return rc;
}

/* The coalesced redraw after intake is due. */
static void
loop_chair_intake_draw_cb(uv_timer_t *t)
{
	loop_chair_after(t->data);
}

/*
 * Intake committed new items: redraw within LOOP_CHAIR_INTAKE_DRAW_MS.
 * Under a burst of intake, batches come back to back; drawing after each
 * would spend the loop on frames nobody can read, so frames are coalesced.
 */
static void
loop_chair_intake_changed(void *arg, size_t added, const char *what)
{
	struct loop_chair *l = arg;

	(void)added;
	if (l->trace != NULL && l->intake_ns == 0)
		l->intake_ns = loop_chair_ns();
	app_changed(l->app, what);
	if (!uv_is_active((uv_handle_t *)&l->intake_draw))
		uv_timer_start(&l->intake_draw, loop_chair_intake_draw_cb,
		    LOOP_CHAIR_INTAKE_DRAW_MS, 0);
}

static void loop_chair_replay_cb(uv_timer_t *t);

/*
 * Submit every replay item whose moment has come on the session clock,
 * then sleep until the next one.
 */
static void
loop_chair_replay(struct loop_chair *l)
{
	struct replay *r = l->opt->replay;
	struct session *s = l->opt->session;
	int64_t start = s->event->event.start_wall_ms, now;

	if (r == NULL)
		return;
	now = session_now(s).mono_ms;
	while (r->next < r->n && start + r->items[r->next].at_ms <= now) {
		/* Lines with ids are idempotent; past votes were counted. */
		if (!(r->resumed && r->items[r->next].vote))
			server_intake_submit(l->intake, r->items[r->next].line,
			    r->items[r->next].len);
		r->next++;
	}
	r->resumed = false;
	if (r->next < r->n)
		uv_timer_start(&l->replay_timer, loop_chair_replay_cb,
		    (uint64_t)clock_real_delay(&s->clock,
		    start + r->items[r->next].at_ms - now), 0);
}

/* The next replayed question is due. */
static void
loop_chair_replay_cb(uv_timer_t *t)
{
	loop_chair_replay(t->data);
}

/*
 * Watch the terminal's input. uv_poll_init() makes the descriptor
 * non-blocking, and the terminal's input and output are one open file:
 * ncurses' writes would then fail with EAGAIN and be retried in a busy
 * loop whenever the terminal is slower than the console, and the shell
 * would get its terminal back non-blocking. A poll handle never reads, and
 * ncurses reads only what poll(2) says is there, so the flags go back.
 */
static int
loop_chair_poll_input(struct loop_chair *l, int fd)
{
	int flags = fcntl(fd, F_GETFL);
	int rc = uv_poll_init(&l->loop, &l->input, fd);

	if (rc == 0 && flags != -1)
		fcntl(fd, F_SETFL, flags);
	return rc;
}

/* Close every handle (a no-op for handles never initialised). */
static void
loop_chair_close_all(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* Run the console until it quits. */
int
loop_chair_run(struct app *app, int input_fd,
    const struct loop_chair_options *o, char **cause)
{
	struct server_intake_options io;
	struct server_mirror_options mo;
	struct loop_chair l;
	const char *trace = getenv("PODIUM_TRACE");
	const char *t0 = getenv("PODIUM_TRACE_T0");
	const char *hog = getenv("PODIUM_TEST_HOG_MS");
	int rc;

	memset(&l, 0, sizeof l);
	l.app = app;
	l.opt = o;
	l.first_frame = true;
	if (hog != NULL)
		l.hog_ns = strtoll(hog, NULL, 10) * 1000000;
	if (trace != NULL && trace[0] != '\0') {
		l.trace = fopen(trace, "a");
		l.trace_t0_ns = t0 != NULL ? strtoll(t0, NULL, 10) : loop_chair_ns();
	}
	signal(SIGPIPE, SIG_IGN);
	rc = uv_loop_init(&l.loop);
	if (rc != 0) {
		if (asprintf(cause, "cannot set up the event loop: %s",
		    uv_strerror(rc)) < 0)
			abort();
		if (l.trace != NULL)
			fclose(l.trace);
		return -1;
	}
	l.input.data = l.timer.data = l.replay_timer.data = &l;
	l.intake_draw.data = &l;
	if ((rc = loop_chair_poll_input(&l, input_fd)) != 0 ||
	    (rc = uv_poll_start(&l.input, UV_READABLE, loop_chair_input_cb)) != 0 ||
	    (rc = uv_timer_init(&l.loop, &l.timer)) != 0 ||
	    (rc = loop_chair_signal(&l, &l.sigwinch, SIGWINCH)) != 0 ||
	    (rc = loop_chair_signal(&l, &l.sigterm, SIGTERM)) != 0 ||
	    (rc = loop_chair_signal(&l, &l.sighup, SIGHUP)) != 0 ||
	    (rc = loop_chair_signal(&l, &l.sigint, SIGINT)) != 0 ||
	    (rc = loop_chair_signal(&l, &l.sigquit, SIGQUIT)) != 0 ||
	    (rc = uv_timer_init(&l.loop, &l.replay_timer)) != 0 ||
	    (rc = uv_timer_init(&l.loop, &l.intake_draw)) != 0)
		goto fail;
	memset(&io, 0, sizeof io);
	io.unix_path = o->intake_unix;
	io.tcp_listen = o->intake_tcp;
	io.token = o->token;
	io.changed = loop_chair_intake_changed;
	io.arg = &l;
	l.intake = server_intake_create(&l.loop, o->session, &io, cause);
	if (l.intake == NULL)
		goto fail_cause;
	memset(&mo, 0, sizeof mo);
	mo.unix_path = o->mirror_unix;
	mo.tcp_listen = o->mirror_tcp;
	mo.token = o->token;
	l.mirror = server_mirror_create(&l.loop, o->session, &mo, cause);
	if (l.mirror == NULL) {
		server_intake_close(l.intake);
		uv_run(&l.loop, UV_RUN_NOWAIT);
		server_intake_destroy(l.intake);
		goto fail_cause;
	}
	/*
	 * The first frame first: replayed questions due at once are only
	 * queued here (a frame shows them once committed, in the loop), and
	 * classifying them builds the classifier, a few milliseconds.
	 */
	loop_chair_after(&l);
	loop_chair_replay(&l);
	uv_run(&l.loop, UV_RUN_DEFAULT);

	/* Intake first: its last commits still reach the mirrors. */
	server_intake_close(l.intake);
	server_mirror_close(l.mirror);
	uv_walk(&l.loop, loop_chair_close_all, NULL);
	uv_run(&l.loop, UV_RUN_DEFAULT);
	server_intake_destroy(l.intake);
	server_mirror_destroy(l.mirror);
	rc = uv_loop_close(&l.loop);
	if (l.trace != NULL)
		fclose(l.trace);
	if (rc != 0) {
		if (asprintf(cause, "event loop closed with handles still open "
		    "(%s)", uv_strerror(rc)) < 0)
			abort();
		return -1;
	}
	return 0;

fail:
	if (asprintf(cause, "cannot set up the event loop: %s",
	    uv_strerror(rc)) < 0)
		abort();
fail_cause:
	uv_walk(&l.loop, loop_chair_close_all, NULL);
	uv_run(&l.loop, UV_RUN_DEFAULT);
	uv_loop_close(&l.loop);
	if (l.trace != NULL)
		fclose(l.trace);
	return -1;
}
