/*
 * test-session.c -- session databases on real files: creating a live or
 * rehearsal session from an event file, acting, closing and reopening,
 * undo, a reader beside the writer, the rehearsal clock that pauses on
 * close, and the refusals (wrong mode, no session yet, bad event file,
 * read-only view, a commit the store refuses), and a batch taken in its
 * three steps (prepare, store, finish), stored or refused.
 *
 * Data flow: the group setup makes a scratch directory under /tmp and
 * writes two small event files into it (the second differs only in its
 * title); each test opens its own database file there through
 * session_open() and checks the model, the journal and the state JSON
 * (state_json() at one fixed instant, so two sessions can be compared
 * exactly). The group teardown removes the directory. SQLite is used
 * directly in one place only: a second connection that holds the write
 * lock, so that a commit really fails. What the session writes must keep
 * the store's hash chains intact (store_verify()).
 */
#include "session.h"
#include "state-json.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

/* 2020-12-04T12:30:00Z = 13:30 at +01:00, the test event's start. */
#define T0 1607085000000LL

#define SEC 1000LL
#define MIN (60 * SEC)

static char scratch[] = "/tmp/podium-test-session-XXXXXX";
static char event_path[256];
static char event2_path[256];
static char bad_event_path[256];

/* Three segments of 10/20/30 minutes and four speakers queued in advance. */
static const char event_text[] =
	"{\"format\":\"podium-event/1\",\"id\":\"unit-session\","
	"\"title\":\"%s\",\"date\":\"2020-12-04\",\"utc_offset\":\"+01:00\","
	"\"start\":\"13:30\",\"end\":\"14:30\",\"languages\":[\"en\",\"fr\","
	"\"es\"],\"defaults\":{\"speaker_s\":180,\"warning_s\":60,"
	"\"danger_s\":15},\"segments\":["
	"{\"title\":\"Opening\",\"minutes\":10,\"speakers\":["
	"{\"name\":\"Ana\",\"org\":\"EU\",\"lang\":\"en\",\"seconds\":240},"
	"{\"name\":\"Ben\",\"lang\":\"fr\"}]},"
	"{\"title\":\"Discussion\",\"lead\":\"Chair\",\"minutes\":20,"
	"\"speakers\":[{\"name\":\"Chlo\xc3\xa9\",\"org\":\"UNDP\","
	"\"lang\":\"es\",\"seconds\":120,\"warning_s\":45,\"danger_s\":10}]},"
	"{\"title\":\"Conclusions\",\"minutes\":30,\"speakers\":["
	"{\"name\":\"Dev\",\"lang\":\"en\"}]}]}\n";

/* Build the path of a file in the scratch directory. */
static void
tpath(char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", scratch, name);

	assert_true(n > 0 && (size_t)n < size);
}

/* Write a text file. */
static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Remove one entry of the scratch tree. */
static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Make the scratch directory and the event files. */
static int
group_setup(void **state)
{
	char text[2048];

	(void)state;
	if (mkdtemp(scratch) == NULL)
		return -1;
	snprintf(event_path, sizeof event_path, "%s/event.json", scratch);
	snprintf(event2_path, sizeof event2_path, "%s/event2.json", scratch);
	snprintf(bad_event_path, sizeof bad_event_path, "%s/bad.json",
	    scratch);
	snprintf(text, sizeof text, event_text, "Unit session");
	if (write_file(event_path, text) != 0)
		return -1;
	snprintf(text, sizeof text, event_text, "Unit session (edited)");
	if (write_file(event2_path, text) != 0)
		return -1;
	return write_file(bad_event_path, "{\"format\": \"podium-event/1\",");
}

/* Remove the scratch directory and everything in it. */
static int
group_teardown(void **state)
{
	(void)state;
	return nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Open a session that must open. */
static struct session *
open_ok(const char *db, const char *event, bool writable, bool rehearsal,
    double speed)
{
	struct session_options o = { db, event, writable, rehearsal, speed };
	struct session *s = NULL;
	char *cause = NULL;

	if (session_open(&s, &o, &cause) != 0)
		fail_msg("opening %s: %s", db, cause != NULL ? cause : "?");
	assert_non_null(s);
	assert_null(cause);
	assert_ptr_equal(s->model->event, &s->event->event);
	assert_int_equal(s->replay_refused, 0);
	return s;
}

/* Open a session that must be refused; returns the cause (free it). */
static char *
open_refused(const char *db, const char *event, bool writable,
    bool rehearsal)
{
	struct session_options o = { db, event, writable, rehearsal, 1.0 };
	struct session *s = NULL;
	char *cause = NULL;

	if (session_open(&s, &o, &cause) == 0) {
		session_close(s);
		fail_msg("opening %s was accepted", db);
	}
	assert_non_null(cause);
	assert_true(cause[0] != '\0');
	return cause;
}

/* A chair action of a simple type; returns whether it was done. */
static bool
chair(struct session *s, enum model_action_type type, int64_t target,
    int delta, char *err, size_t errsz)
{
	struct model_action a;

	memset(&a, 0, sizeof a);
	a.type = type;
	a.target = target;
	a.delta = delta;
	return session_do(s, &a, "chair", err, errsz);
}

/* A chair action that must be done. */
static void
chair_ok(struct session *s, enum model_action_type type, int64_t target,
    int delta)
{
	char err[256] = "";

	if (!chair(s, type, target, delta, err, sizeof err))
		fail_msg("%s refused: %s", model_action_info(type)->name, err);
}

/* The state JSON of a session's model at an instant, as text. */
static char *
state_text(const struct session *s, struct model_time t)
{
	json_t *j = state_json(s->model, t, s->rehearsal);
	char *text;

	assert_non_null(j);
	text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(j);
	assert_non_null(text);
	return text;
}

/* Two sessions hold the same state at an instant, and the same journal. */
static void
assert_same_state(const struct session *a, const struct session *b,
    struct model_time t)
{
	char *x = state_text(a, t), *y = state_text(b, t);

	assert_string_equal(x, y);
	free(x);
	free(y);
	assert_int_equal(a->njournal, b->njournal);
	assert_int_equal(a->last_seq, b->last_seq);
	for (size_t i = 0; i < a->njournal; i++) {
		const struct action_record *p = &a->journal[i];
		const struct action_record *q = &b->journal[i];

		assert_int_equal(p->action.seq, q->action.seq);
		assert_int_equal(p->action.type, q->action.type);
		assert_int_equal(p->action.at.mono_ms, q->action.at.mono_ms);
		assert_int_equal(p->action.at.wall_ms, q->action.at.wall_ms);
		assert_string_equal(p->origin, q->origin);
		assert_int_equal(p->undone, q->undone);
	}
	/* The speaker fields the JSON does not show. */
	assert_int_equal(a->model->nspeakers, b->model->nspeakers);
	for (size_t i = 0; i < a->model->nspeakers; i++) {
		const struct model_speaker *p = &a->model->speakers[i];
		const struct model_speaker *q = &b->model->speakers[i];

		assert_int_equal(p->id, q->id);
		assert_int_equal(p->status, q->status);
		assert_int_equal(p->spent_ms, q->spent_ms);
		assert_int_equal(p->added_ms, q->added_ms);
		assert_int_equal(p->running_since, q->running_since);
		assert_int_equal(p->start_wall, q->start_wall);
		assert_int_equal(p->end_wall, q->end_wall);
		assert_int_equal(p->warning_s, q->warning_s);
		assert_int_equal(p->danger_s, q->danger_s);
	}
	for (size_t i = 0; i < a->event->event.nsegments; i++) {
		assert_int_equal(a->model->segments[i].start_mono,
		    b->model->segments[i].start_mono);
		assert_int_equal(a->model->segments[i].end_mono,
		    b->model->segments[i].end_mono);
	}
	assert_int_equal(a->model->current_segment, b->model->current_segment);
	assert_int_equal(a->model->last_wall, b->model->last_wall);
}

/* Sleep some real milliseconds. */
static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* A new live session holds the event's speakers, ids 1..N, nothing started. */
static void
test_create_live(void **state)
{
	char db[512];
	struct session *s;
	const struct model *m;
	struct model_time t;
	static const char *const names[] = { "Ana", "Ben", "Chlo\xc3\xa9",
		"Dev" };
	static const int segs[] = { 0, 0, 1, 2 };
	static const int allotted[] = { 240, 180, 120, 180 };

	(void)state;
	tpath(db, sizeof db, "live.db");
	s = open_ok(db, event_path, true, false, 1.0);
	assert_true(s->created);
	assert_true(s->writable);
	assert_false(s->rehearsal);
	assert_false(s->event_differs);
	assert_false(s->clock.simulated);
	assert_string_equal(s->db_path, db);
	m = s->model;
	assert_string_equal(m->event->title, "Unit session");
	assert_int_equal(m->event->nsegments, 3);
	assert_int_equal(m->event->start_wall_ms, T0);
	assert_int_equal(m->current_segment, -1);
	assert_null(model_segment_current(m));
	assert_null(model_speaker_current(m));
	assert_int_equal(m->nspeakers, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct model_speaker *sp = &m->speakers[i];

		assert_int_equal(sp->id, (int64_t)i + 1);
		assert_string_equal(sp->name, names[i]);
		assert_int_equal(sp->segment, segs[i]);
		assert_int_equal(sp->allotted_s, allotted[i]);
		assert_int_equal(sp->status, MODEL_SPEAKER_QUEUED);
		assert_ptr_equal(model_speaker_find(m, (int64_t)i + 1), sp);
	}
	assert_string_equal(m->speakers[0].org, "EU");
	assert_string_equal(m->speakers[1].org, "");
	assert_string_equal(m->speakers[2].lang, "es");
	assert_int_equal(m->speakers[2].warning_s, 45);
	assert_int_equal(m->speakers[2].danger_s, 10);
	assert_int_equal(m->speakers[3].warning_s, 60);
	assert_int_equal(m->speakers[3].danger_s, 15);
	/* The journal holds the event's rows, not undoable by the chair. */
	assert_int_equal(s->njournal, 4);
	assert_int_equal(s->last_seq, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(s->journal[i].action.seq, (int64_t)i + 1);
		assert_int_equal(s->journal[i].action.type,
		    MODEL_ACTION_SPEAKER_ADD);
		assert_string_equal(s->journal[i].origin, "event");
		assert_false(s->journal[i].undone);
	}
	/* A live clock reads near Unix time on both of its faces. */
	t = session_now(s);
	assert_true(t.mono_ms - t.wall_ms < 1000 &&
	    t.wall_ms - t.mono_ms < 1000);
	session_close(s);

	/* Opened again, it is no longer new and nothing was added. */
	s = open_ok(db, NULL, true, false, 1.0);
	assert_false(s->created);
	assert_int_equal(s->njournal, 4);
	assert_int_equal(s->model->nspeakers, 4);
	session_close(s);
	session_close(NULL);
}

/* session_do stamps, applies and stores; a reopened session is the same. */
static void
test_do_and_reopen(void **state)
{
	char db[512], err[256];
	struct session *s, *r;
	struct model_action a;
	struct model_time before, after, t;
	const struct model_speaker *sp;
	char *saved;
	int64_t offset;

	(void)state;
	tpath(db, sizeof db, "reopen.db");
	s = open_ok(db, event_path, true, false, 1.0);
	offset = s->clock.offset_ms;

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SEGMENT_NEXT;
	before = session_now(s);
	assert_true(session_do(s, &a, "chair", err, sizeof err));
	after = session_now(s);
	/* seq and at were filled in. */
	assert_int_equal(a.seq, 5);
	assert_true(a.at.mono_ms >= before.mono_ms &&
	    a.at.mono_ms <= after.mono_ms);
	assert_true(a.at.wall_ms >= before.wall_ms - 1000 &&
	    a.at.wall_ms <= after.wall_ms + 1000);
	assert_int_equal(s->last_seq, 5);
	assert_int_equal(s->njournal, 5);
	assert_string_equal(s->journal[4].origin, "chair");
	assert_int_equal(s->model->current_segment, 0);
	assert_int_equal(s->model->segments[0].actual_start, a.at.wall_ms);
	sp = model_speaker_current(s->model);
	assert_non_null(sp);
	assert_int_equal(sp->id, 1);
	assert_false(model_speaker_running(sp));

	chair_ok(s, MODEL_ACTION_TOGGLE, 0, 0);
	chair_ok(s, MODEL_ACTION_ADD_TIME, 0, MODEL_TIME_STEP_S);
	sp = model_speaker_current(s->model);
	assert_true(model_speaker_running(sp));
	assert_int_equal(sp->added_ms, 30 * SEC);
	assert_int_equal(s->last_seq, 7);

	/* A refusal by the model stores nothing and uses no number. */
	strcpy(err, "");
	assert_false(chair(s, MODEL_ACTION_SEGMENT_PREV, 0, 0, err,
	    sizeof err));
	assert_true(err[0] != '\0');
	assert_int_equal(s->last_seq, 7);
	assert_int_equal(s->njournal, 7);

	/* Closed and reopened: the same state, countdown still running. */
	t = session_now(s);
	saved = state_text(s, t);
	r = open_ok(db, NULL, false, false, 0);
	assert_same_state(s, r, t);
	session_close(r);
	session_close(s);

	s = open_ok(db, event_path, true, false, 1.0);
	assert_false(s->created);
	assert_false(s->event_differs);
	/* Same boot: the same clock offset, so countdowns agree. */
	assert_int_equal(s->clock.offset_ms, offset);
	{
		char *again = state_text(s, t);

		assert_string_equal(saved, again);
		free(again);
	}
	free(saved);
	assert_int_equal(s->njournal, 7);
	assert_int_equal(s->last_seq, 7);
	sp = model_speaker_current(s->model);
	assert_non_null(sp);
	assert_int_equal(sp->id, 1);
	assert_true(model_speaker_running(sp));
	assert_true(model_speaker_remaining_ms(sp, session_now(s).mono_ms) <=
	    model_speaker_remaining_ms(sp, t.mono_ms));
	/* The next action continues the numbering. */
	chair_ok(s, MODEL_ACTION_NEXT_SPEAKER, 0, 0);
	assert_int_equal(s->last_seq, 8);
	assert_int_equal(model_speaker_current(s->model)->id, 2);
	assert_int_equal(model_speaker_find(s->model, 1)->status,
	    MODEL_SPEAKER_DONE);
	session_close(s);
}

/* A speaker added in session gets its row's seq as id, and survives reopen. */
static void
test_speaker_add(void **state)
{
	char db[512], err[256];
	struct session *s;
	struct model_action a;
	const struct model_speaker *sp;

	(void)state;
	tpath(db, sizeof db, "add.db");
	s = open_ok(db, event_path, true, false, 1.0);
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_ADD;
	a.speaker.name = "Floor \xd8\xb3\xd8\xa7\xd8\xb1\xd8\xa9";
	a.speaker.org = "NGO";
	a.speaker.lang = "fr";
	a.speaker.seconds = 90;
	a.speaker.segment = 1;
	assert_true(session_do(s, &a, "chair", err, sizeof err));
	assert_int_equal(a.seq, 5);
	sp = model_speaker_find(s->model, 5);
	assert_non_null(sp);
	assert_int_equal(sp->segment, 1);
	session_close(s);

	s = open_ok(db, NULL, true, false, 1.0);
	sp = model_speaker_find(s->model, 5);
	assert_non_null(sp);
	assert_string_equal(sp->name, "Floor \xd8\xb3\xd8\xa7\xd8\xb1\xd8\xa9");
	assert_string_equal(sp->org, "NGO");
	assert_string_equal(sp->lang, "fr");
	assert_int_equal(sp->allotted_s, 90);
	assert_int_equal(sp->segment, 1);
	/* Queue order: after Chloé in segment 1. */
	assert_int_equal(s->model->speakers[3].id, 5);
	assert_int_equal(s->model->speakers[4].id, 4);

	/* A refused speaker (no name) stores nothing. */
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_ADD;
	a.speaker.name = "";
	assert_false(session_do(s, &a, "chair", err, sizeof err));
	assert_int_equal(s->njournal, 5);
	session_close(s);
}

/*
 * Whatever speaker entry session_do() accepts can be read back: a row the
 * journal cannot replay would make the database unopenable (or a reopened
 * session differ from the one that stored it).
 */
static void
test_speaker_add_round_trip(void **state)
{
	static const struct {
		const char *name, *org, *lang;
		int seconds, segment, warning_s, danger_s;
		const char *refusal; /* NULL: must be accepted */
	} cases[] = {
		{ "Plain", "Org", "en", 60, 0, 0, 0, NULL },
		{ "Own thresholds", "", "fr", 0, 2, 50, 5, NULL },
		{ "Limits", "", "", MODEL_SECONDS_MAX, -1, MODEL_SECONDS_MAX,
		    MODEL_SECONDS_MAX - 1, NULL },
		{ "Negative thresholds", "", "", 0, -1, -5, -5, NULL },
		{ "Segment -2", "", "", 0, -2, 0, 0, "segment" },
		{ "Warning too long", "", "", 0, 0, MODEL_SECONDS_MAX + 1, 0,
		    "limited" },
		{ "Danger too long", "", "", 0, 0, 0, MODEL_SECONDS_MAX + 1,
		    "limited" },
		{ "Bad \xff UTF-8", "", "", 0, 0, 0, 0, "UTF-8" },
		{ "Bad org", "\xc3", "", 0, 0, 0, 0, "UTF-8" },
		{ "Bad lang", "", "e\x80", 0, 0, 0, 0, "UTF-8" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char db[512], name[32], err[256] = "";
		struct session *s, *r;
		struct session_options o = { NULL, NULL, true, false, 1.0 };
		struct model_action a;
		struct model_time t;
		char *cause = NULL;
		bool done;

		snprintf(name, sizeof name, "round-trip-%zu.db", i);
		tpath(db, sizeof db, name);
		s = open_ok(db, event_path, true, false, 1.0);
		memset(&a, 0, sizeof a);
		a.type = MODEL_ACTION_SPEAKER_ADD;
		a.speaker.name = cases[i].name;
		a.speaker.org = cases[i].org;
		a.speaker.lang = cases[i].lang;
		a.speaker.seconds = cases[i].seconds;
		a.speaker.segment = cases[i].segment;
		a.speaker.warning_s = cases[i].warning_s;
		a.speaker.danger_s = cases[i].danger_s;
		done = session_do(s, &a, "chair", err, sizeof err);
		if (done != (cases[i].refusal == NULL))
			fail_msg("case '%s' was %s: %s", cases[i].name,
			    done ? "accepted" : "refused", err);
		if (!done) {
			if (strstr(err, cases[i].refusal) == NULL)
				fail_msg("case '%s': refusal '%s' does not "
				    "mention '%s'", cases[i].name, err,
				    cases[i].refusal);
			/* Refused: by the model or as unstorable; no trace. */
			assert_true(err[0] != '\0');
			assert_int_equal(s->njournal, 4);
			assert_int_equal(s->last_seq, 4);
			assert_int_equal(s->model->nspeakers, 4);
			assert_null(model_speaker_find(s->model, a.seq));
			session_close(s);
			continue;
		}
		assert_int_equal(s->njournal, 5);
		o.db_path = db;
		o.writable = false;
		if (session_open(&r, &o, &cause) != 0)
			fail_msg("case '%s' was accepted but the database no "
			    "longer opens: %s", cases[i].name, cause);
		t = session_now(s);
		assert_same_state(s, r, t);
		session_close(r);
		session_close(s);
	}
}

/* u undoes chair actions one by one, never the event's rows. */
static void
test_undo(void **state)
{
	char db[512], msg[256];
	struct session *s;
	const struct model_speaker *sp;

	(void)state;
	tpath(db, sizeof db, "undo.db");
	s = open_ok(db, event_path, true, false, 1.0);
	assert_false(session_undo(s, msg, sizeof msg));
	assert_string_equal(msg, "nothing to undo");

	chair_ok(s, MODEL_ACTION_SEGMENT_NEXT, 0, 0);
	chair_ok(s, MODEL_ACTION_TOGGLE, 0, 0);
	chair_ok(s, MODEL_ACTION_ADD_TIME, 0, 30);
	assert_int_equal(model_speaker_current(s->model)->added_ms, 30 * SEC);

	assert_true(session_undo(s, msg, sizeof msg));
	assert_non_null(strstr(msg, "add_time"));
	assert_int_equal(s->njournal, 7);
	assert_true(s->journal[6].undone);
	assert_false(s->journal[5].undone);
	sp = model_speaker_current(s->model);
	assert_int_equal(sp->added_ms, 0);
	assert_true(model_speaker_running(sp));

	assert_true(session_undo(s, msg, sizeof msg));
	assert_non_null(strstr(msg, "toggle"));
	sp = model_speaker_current(s->model);
	assert_false(model_speaker_running(sp));
	assert_int_equal(sp->start_wall, MODEL_NO_TIME);

	assert_true(session_undo(s, msg, sizeof msg));
	assert_non_null(strstr(msg, "segment_next"));
	assert_int_equal(s->model->current_segment, -1);
	assert_null(model_speaker_current(s->model));
	assert_int_equal(s->model->segments[0].actual_start, MODEL_NO_TIME);

	/* The event's speakers stay: their rows are not the chair's. */
	assert_false(session_undo(s, msg, sizeof msg));
	assert_string_equal(msg, "nothing to undo");
	assert_int_equal(s->model->nspeakers, 4);
	for (size_t i = 0; i < 4; i++)
		assert_false(s->journal[i].undone);

	/* A new action after undo takes a new number. */
	chair_ok(s, MODEL_ACTION_SEGMENT_NEXT, 0, 0);
	assert_int_equal(s->last_seq, 8);
	assert_int_equal(s->journal[7].action.seq, 8);
	chair_ok(s, MODEL_ACTION_TOGGLE, 0, 0);
	session_close(s);

	/* Undo flags survive a reopen, and undo goes on from there. */
	s = open_ok(db, NULL, true, false, 1.0);
	assert_int_equal(s->njournal, 9);
	assert_true(s->journal[4].undone);
	assert_true(s->journal[5].undone);
	assert_true(s->journal[6].undone);
	assert_false(s->journal[7].undone);
	assert_false(s->journal[8].undone);
	assert_int_equal(s->model->current_segment, 0);
	assert_true(model_speaker_running(model_speaker_current(s->model)));
	assert_true(session_undo(s, msg, sizeof msg));
	assert_non_null(strstr(msg, "toggle"));
	assert_false(model_speaker_running(model_speaker_current(s->model)));
	session_close(s);

	s = open_ok(db, NULL, true, false, 1.0);
	assert_true(s->journal[8].undone);
	assert_false(model_speaker_running(model_speaker_current(s->model)));
	assert_true(session_undo(s, msg, sizeof msg));
	assert_int_equal(s->model->current_segment, -1);
	assert_false(session_undo(s, msg, sizeof msg));
	assert_string_equal(msg, "nothing to undo");
	session_close(s);
}

/* u undoes the chair's last action, not a later one that came from intake. */
static void
test_undo_skips_intake(void **state)
{
	char db[512], msg[256], err[256];
	struct session *s;
	struct model_action a;

	(void)state;
	tpath(db, sizeof db, "undo-intake.db");
	s = open_ok(db, event_path, true, false, 1.0);
	chair_ok(s, MODEL_ACTION_SEGMENT_NEXT, 0, 0);
	chair_ok(s, MODEL_ACTION_TOGGLE, 0, 0);
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_ADD;
	a.speaker.name = "Walk-in";
	a.speaker.segment = -1;
	assert_true(session_do(s, &a, "intake", err, sizeof err));
	assert_int_equal(a.seq, 7);

	assert_true(session_undo(s, msg, sizeof msg));
	assert_non_null(strstr(msg, "toggle"));
	assert_false(s->journal[6].undone);
	assert_true(s->journal[5].undone);
	assert_non_null(model_speaker_find(s->model, 7));
	assert_false(model_speaker_running(model_speaker_current(s->model)));
	session_close(s);
}

/* A reader sees what the writer committed, and can change nothing. */
static void
test_reader(void **state)
{
	char db[512], err[256], msg[256];
	struct session *w, *r;
	struct model_time t;
	char *before, *after;

	(void)state;
	tpath(db, sizeof db, "reader.db");
	/* No database yet: a reader is refused. */
	free(open_refused(db, NULL, false, false));

	w = open_ok(db, event_path, true, false, 1.0);
	chair_ok(w, MODEL_ACTION_SEGMENT_NEXT, 0, 0);
	r = open_ok(db, NULL, false, false, 0);
	assert_false(r->writable);
	assert_false(r->created);
	assert_false(r->rehearsal);
	assert_int_equal(r->clock.offset_ms, w->clock.offset_ms);
	t = session_now(w);
	assert_same_state(w, r, t);

	/* The writer acts; the open reader still has its snapshot. */
	chair_ok(w, MODEL_ACTION_TOGGLE, 0, 0);
	assert_false(model_speaker_running(model_speaker_current(r->model)));
	session_close(r);
	/* Reopened, it sees the action. */
	r = open_ok(db, NULL, false, false, 0);
	assert_true(model_speaker_running(model_speaker_current(r->model)));
	t = session_now(w);
	assert_same_state(w, r, t);

	/* The reader's own actions and undo are refused; nothing changes. */
	before = state_text(r, t);
	err[0] = '\0';
	assert_false(chair(r, MODEL_ACTION_TOGGLE, 0, 0, err, sizeof err));
	assert_non_null(strstr(err, "read-only"));
	assert_false(chair(r, MODEL_ACTION_SEGMENT_NEXT, 0, 0, err,
	    sizeof err));
	assert_non_null(strstr(err, "read-only"));
	assert_false(session_undo(r, msg, sizeof msg));
	assert_non_null(strstr(msg, "read-only"));
	after = state_text(r, t);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(r->njournal, 6);
	assert_int_equal(r->last_seq, 6);
	session_close(r);

	/* Nor did anything reach the database. */
	r = open_ok(db, NULL, false, false, 0);
	assert_int_equal(r->njournal, 6);
	assert_same_state(w, r, t);
	session_close(r);
	session_close(w);
}

/* Hold the database's write lock from another connection; NULL on failure. */
static sqlite3 *
hold_write_lock(const char *db)
{
	sqlite3 *h = NULL;

	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return NULL;
	}
	return h;
}

/* Give the write lock back. */
static void
release_write_lock(sqlite3 *h)
{
	assert_int_equal(sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_close(h), SQLITE_OK);
}

/* A commit the store refuses leaves the session as it was. */
static void
test_commit_refused(void **state)
{
	char db[512], err[512], msg[512];
	struct session *s;
	struct model_time t;
	char *before, *after;
	sqlite3 *lock;

	(void)state;
	tpath(db, sizeof db, "refused.db");
	s = open_ok(db, event_path, true, false, 1.0);
	chair_ok(s, MODEL_ACTION_SEGMENT_NEXT, 0, 0);
	chair_ok(s, MODEL_ACTION_TOGGLE, 0, 0);
	t = session_now(s);
	before = state_text(s, t);

	lock = hold_write_lock(db);
	assert_non_null(lock);
	/* Applied to the model, then refused by the store: rebuilt without. */
	err[0] = '\0';
	assert_false(chair(s, MODEL_ACTION_NEXT_SPEAKER, 0, 0, err,
	    sizeof err));
	assert_non_null(strstr(err, "not saved"));
	after = state_text(s, t);
	assert_string_equal(before, after);
	free(after);
	assert_int_equal(s->njournal, 6);
	assert_int_equal(s->last_seq, 6);
	assert_int_equal(model_speaker_current(s->model)->id, 1);
	assert_true(model_speaker_running(model_speaker_current(s->model)));

	/* An undo that cannot be stored changes nothing either. */
	msg[0] = '\0';
	assert_false(session_undo(s, msg, sizeof msg));
	assert_non_null(strstr(msg, "not saved"));
	assert_false(s->journal[5].undone);
	after = state_text(s, t);
	assert_string_equal(before, after);
	free(after);
	release_write_lock(lock);

	/* Once the lock is gone the same action goes through. */
	chair_ok(s, MODEL_ACTION_NEXT_SPEAKER, 0, 0);
	assert_int_equal(s->last_seq, 7);
	assert_int_equal(model_speaker_current(s->model)->id, 2);
	session_close(s);

	s = open_ok(db, NULL, true, false, 1.0);
	assert_int_equal(s->njournal, 7);
	assert_int_equal(model_speaker_current(s->model)->id, 2);
	assert_false(s->journal[5].undone);
	session_close(s);
	free(before);
}

/* Observer for the batch tests: counts the rows it is told of. */
static void
count_rows(void *arg, const struct store_row *rows, size_t n)
{
	(void)rows;
	*(size_t *)arg += n;
}

/* Fill n question items with ext_ids tag-0, tag-1, ... */
static void
questions(struct session_item *items, size_t n, char ids[][16],
    const char *tag)
{
	memset(items, 0, n * sizeof *items);
	for (size_t i = 0; i < n; i++) {
		snprintf(ids[i], sizeof ids[i], "%s-%zu", tag, i);
		items[i].action.type = MODEL_ACTION_QUESTION_ADD;
		items[i].action.question.text = "Who pays?";
		items[i].action.question.ext_id = ids[i];
		items[i].ext_id = ids[i];
	}
}

/*
 * A batch in three steps: after prepare the model has the items but the
 * journal and the observer do not; finish hands both the stored rows.
 */
static void
test_batch_steps(void **state)
{
	struct session_observer obs = { count_rows, NULL, NULL };
	struct session_item items[3];
	struct session_pending *p;
	char db[512], ids[3][16];
	struct session *s;
	size_t told = 0, njournal;

	(void)state;
	tpath(db, sizeof db, "steps.db");
	s = open_ok(db, event_path, true, false, 1.0);
	obs.arg = &told;
	session_observe(s, &obs);
	njournal = s->njournal;
	questions(items, 3, ids, "st");
	items[2].ext_id = items[2].action.question.ext_id = ids[0];

	p = session_batch_prepare(s, items, 3, "intake");
	assert_non_null(p);
	assert_int_equal(s->model->nquestions, 2);
	assert_int_equal(s->njournal, njournal);   /* nothing stored yet */
	assert_int_equal(told, 0);
	assert_true(items[2].duplicate);
	assert_int_equal(items[2].id, items[0].id);
	assert_int_equal(session_batch_store(p), 0);
	assert_int_equal(s->njournal, njournal);
	assert_int_equal(session_batch_finish(s, p), 3);
	assert_int_equal(s->njournal, njournal + 2);
	assert_int_equal(told, 2);
	assert_int_equal(s->last_seq, items[1].id);
	assert_string_equal(s->journal[njournal + 1].ext_id, "st-1");

	/* All stored already: nothing to commit, the items are final. */
	questions(items, 2, ids, "st");
	assert_null(session_batch_prepare(s, items, 2, "intake"));
	assert_true(items[0].ok && items[0].duplicate);
	assert_int_equal(items[1].id, s->last_seq);
	session_close(s);

	s = open_ok(db, NULL, true, false, 1.0);
	assert_int_equal(s->njournal, njournal + 2);
	assert_int_equal(s->model->nquestions, 2);
	session_close(s);
}

/*
 * A batch whose commit fails: nothing acked, nothing told, the model
 * rebuilt without it, and the same ids go through (with the same seqs)
 * once the store takes writes again.
 */
static void
test_batch_refused(void **state)
{
	struct session_observer obs = { count_rows, NULL, NULL };
	struct session_item items[2], dup;
	struct session_pending *p;
	char db[512], ids[2][16];
	struct session *s;
	size_t told = 0, njournal;
	int64_t last;
	sqlite3 *lock;

	(void)state;
	tpath(db, sizeof db, "batch-refused.db");
	s = open_ok(db, event_path, true, false, 1.0);
	obs.arg = &told;
	session_observe(s, &obs);
	questions(items, 1, ids, "old");
	assert_int_equal(session_do_batch(s, items, 1, "intake"), 1);
	njournal = s->njournal;
	last = s->last_seq;
	told = 0;

	lock = hold_write_lock(db);
	assert_non_null(lock);
	questions(items, 2, ids, "new");
	dup = items[0];
	dup.ext_id = dup.action.question.ext_id = "old-0";
	items[1] = dup;            /* a retry of what is stored: stays ok */
	p = session_batch_prepare(s, items, 2, "intake");
	assert_non_null(p);
	assert_int_equal(s->model->nquestions, 2);
	assert_int_equal(session_batch_store(p), -1);
	assert_int_equal(session_batch_finish(s, p), 1);
	assert_false(items[0].ok);
	assert_non_null(strstr(items[0].err, "not saved"));
	assert_true(items[1].ok);
	assert_int_equal(items[1].id, last);
	assert_int_equal(s->model->nquestions, 1);
	assert_int_equal(s->njournal, njournal);
	assert_int_equal(s->last_seq, last);
	assert_int_equal(told, 0);
	assert_non_null(strstr(s->save_error, "locked"));
	assert_int_equal(s->save_fault, STORE_FAULT_BUSY);

	/*
	 * While saving fails, everything is refused at once: the check that
	 * the lock is still held waits for nothing (the commit above waited
	 * the 2 s busy timeout), and the model is not touched.
	 */
	questions(items, 2, ids, "new");
	{
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		assert_null(session_batch_prepare(s, items, 2, "intake"));
		clock_gettime(CLOCK_MONOTONIC, &b);
		assert_true(b.tv_sec - a.tv_sec < 2);
	}
	assert_false(items[0].ok);
	assert_non_null(strstr(items[0].err, "not saved"));
	assert_int_equal(s->model->nquestions, 1);
	assert_false(session_maintain(s));   /* still locked: no change */
	release_write_lock(lock);
	assert_true(session_maintain(s));    /* writes work again */
	assert_string_equal(s->save_error, "");

	questions(items, 2, ids, "new");
	assert_int_equal(session_do_batch(s, items, 2, "intake"), 2);
	assert_int_equal(items[0].id, last + 1);
	assert_int_equal(s->model->nquestions, 3);
	assert_int_equal(told, 2);
	session_close(s);
}

/* A rehearsal starts at the event start with the first segment current. */
static void
test_rehearsal_create(void **state)
{
	char db[512], msg[256];
	struct session *s;
	struct model_time t;
	const struct model_speaker *sp;

	(void)state;
	tpath(db, sizeof db, "rehearsal.db");
	s = open_ok(db, event_path, true, true, 1.0);
	assert_true(s->created);
	assert_true(s->rehearsal);
	assert_true(s->clock.simulated);
	assert_false(s->clock.paused);
	t = session_now(s);
	assert_int_equal(t.wall_ms, t.mono_ms);
	assert_true(t.mono_ms >= T0 && t.mono_ms < T0 + 2000);

	assert_int_equal(s->model->current_segment, 0);
	assert_true(s->model->segments[0].actual_start >= T0 &&
	    s->model->segments[0].actual_start < T0 + 2000);
	sp = model_speaker_current(s->model);
	assert_non_null(sp);
	assert_int_equal(sp->id, 1);
	assert_false(model_speaker_running(sp));
	/* The start is the rehearsal's, not the chair's to undo. */
	assert_int_equal(s->njournal, 5);
	assert_int_equal(s->journal[4].action.type, MODEL_ACTION_SEGMENT_NEXT);
	assert_string_not_equal(s->journal[4].origin, "chair");
	assert_false(session_undo(s, msg, sizeof msg));
	assert_string_equal(msg, "nothing to undo");
	assert_int_equal(s->model->current_segment, 0);

	chair_ok(s, MODEL_ACTION_TOGGLE, 0, 0);
	assert_true(model_speaker_running(model_speaker_current(s->model)));
	session_close(s);
}

/* A closed rehearsal stops its clock; reopened it resumes from there. */
static void
test_rehearsal_resume(void **state)
{
	char db[512];
	struct session *w, *r;
	struct model_time t, w1, w2, rt, paused;
	const struct model_speaker *sp;
	int64_t remaining;

	(void)state;
	tpath(db, sizeof db, "resume.db");
	/* 1000x: a real millisecond is a simulated second. */
	w = open_ok(db, event_path, true, true, 1000.0);
	chair_ok(w, MODEL_ACTION_TOGGLE, 0, 0);
	sleep_ms(40);
	t = session_now(w);
	assert_true(t.mono_ms >= T0 + 40 * SEC);

	/* A reader beside the running writer computes the same time. */
	r = open_ok(db, NULL, false, false, 0);
	assert_true(r->rehearsal);
	assert_true(r->clock.simulated);
	w1 = session_now(w);
	rt = session_now(r);
	w2 = session_now(w);
	assert_true(w1.mono_ms <= rt.mono_ms && rt.mono_ms <= w2.mono_ms);
	session_close(r);

	session_close(w);

	/* Closed: the clock stands still where it stopped. */
	r = open_ok(db, NULL, false, false, 0);
	assert_true(r->clock.paused);
	paused = session_now(r);
	assert_true(paused.mono_ms >= t.mono_ms);
	sleep_ms(30);
	rt = session_now(r);
	assert_int_equal(rt.mono_ms, paused.mono_ms);
	sp = model_speaker_current(r->model);
	assert_non_null(sp);
	assert_true(model_speaker_running(sp));
	remaining = model_speaker_remaining_ms(sp, paused.mono_ms);
	session_close(r);

	/* Reopened for rehearsal at speed 1: it resumes at the paused time. */
	w = open_ok(db, NULL, true, true, 1.0);
	assert_false(w->created);
	assert_true(w->rehearsal);
	assert_false(w->clock.paused);
	/* At the speed asked this time, not the stored one. */
	assert_true(w->clock.speed == 1.0);
	t = session_now(w);
	assert_true(t.mono_ms >= paused.mono_ms);
	assert_true(t.mono_ms < paused.mono_ms + 1000);
	assert_true(t.mono_ms >= T0 + 40 * SEC);
	/* The countdown picks up where it was. */
	sp = model_speaker_current(w->model);
	assert_true(model_speaker_running(sp));
	assert_true(model_speaker_remaining_ms(sp, t.mono_ms) <= remaining);
	assert_true(model_speaker_remaining_ms(sp, t.mono_ms) >
	    remaining - 1000);
	/* And the rehearsal's start is still segment 0's. */
	assert_int_equal(w->model->current_segment, 0);
	session_close(w);
}

/*
 * A rehearsal chair that did not close (a crash) left its clock running:
 * the next chair goes on from where that clock is now, not from the start.
 */
static void
test_rehearsal_after_crash(void **state)
{
	char db[512];
	struct session *crashed, *w;
	struct model_time before, t;

	(void)state;
	tpath(db, sizeof db, "crash.db");
	crashed = open_ok(db, event_path, true, true, 1000.0);
	sleep_ms(30);
	before = session_now(crashed);
	assert_true(before.mono_ms >= T0 + 30 * SEC);

	/* The next chair, while the first has not paused anything. */
	w = open_ok(db, NULL, true, true, 1000.0);
	assert_false(w->created);
	t = session_now(w);
	assert_true(t.mono_ms >= before.mono_ms);
	assert_int_equal(w->model->current_segment, 0);
	assert_int_equal(w->njournal, 5);
	session_close(w);
	session_close(crashed);
}

/* Live and rehearsal databases are not mixed up. */
static void
test_mode_mismatch(void **state)
{
	char live[512], reh[512];
	struct session *s;
	char *cause;

	(void)state;
	tpath(live, sizeof live, "mode-live.db");
	tpath(reh, sizeof reh, "mode-rehearsal.db");
	s = open_ok(live, event_path, true, false, 1.0);
	chair_ok(s, MODEL_ACTION_SEGMENT_NEXT, 0, 0);
	session_close(s);
	s = open_ok(reh, event_path, true, true, 20.0);
	session_close(s);

	cause = open_refused(live, NULL, true, true);
	assert_non_null(strstr(cause, "live"));
	assert_non_null(strstr(cause, live));
	free(cause);
	cause = open_refused(live, event_path, true, true);
	assert_non_null(strstr(cause, "live"));
	free(cause);
	cause = open_refused(reh, NULL, true, false);
	assert_non_null(strstr(cause, "rehearsal"));
	assert_non_null(strstr(cause, reh));
	free(cause);

	/* Nothing was written by the refusals. */
	s = open_ok(live, NULL, false, false, 0);
	assert_false(s->rehearsal);
	assert_int_equal(s->njournal, 5);
	assert_int_equal(s->model->current_segment, 0);
	session_close(s);
	s = open_ok(reh, NULL, false, true, 0);
	assert_true(s->rehearsal);
	assert_int_equal(s->njournal, 5);
	session_close(s);
	/* A reader takes the database's own mode, whatever it was asked. */
	s = open_ok(live, NULL, false, true, 0);
	assert_false(s->rehearsal);
	session_close(s);
}

/* Another event file than the stored one is noticed, and not used. */
static void
test_event_differs(void **state)
{
	char db[512];
	struct session *s;

	(void)state;
	tpath(db, sizeof db, "differs.db");
	s = open_ok(db, event_path, true, false, 1.0);
	assert_false(s->event_differs);
	session_close(s);

	s = open_ok(db, event2_path, true, false, 1.0);
	assert_true(s->event_differs);
	assert_false(s->created);
	/* The stored plan is the one in use. */
	assert_string_equal(s->model->event->title, "Unit session");
	session_close(s);

	s = open_ok(db, event_path, true, false, 1.0);
	assert_false(s->event_differs);
	session_close(s);
	s = open_ok(db, NULL, true, false, 1.0);
	assert_false(s->event_differs);
	session_close(s);
	s = open_ok(db, event2_path, false, false, 0);
	assert_true(s->event_differs);
	session_close(s);
}

/* Opening fails cleanly, with a reason, and a failed create can be retried. */
static void
test_open_errors(void **state)
{
	char db[512], missing[512];
	struct session *s;
	char *cause;

	(void)state;
	tpath(db, sizeof db, "errors.db");
	tpath(missing, sizeof missing, "no-such-event.json");

	/* A writer with no event file for a new database. */
	cause = open_refused(db, NULL, true, false);
	assert_non_null(strstr(cause, "no session"));
	free(cause);
	/* An event file that does not exist or is not JSON. */
	cause = open_refused(db, missing, true, false);
	free(cause);
	cause = open_refused(db, bad_event_path, true, false);
	assert_non_null(strstr(cause, "JSON"));
	free(cause);
	/* The database left behind is still empty: a reader is refused ... */
	cause = open_refused(db, NULL, false, false);
	free(cause);
	/* ... and a good event file creates the session after all. */
	s = open_ok(db, event_path, true, false, 1.0);
	assert_true(s->created);
	assert_int_equal(s->model->nspeakers, 4);
	session_close(s);

	/* A database that is a directory. */
	cause = open_refused(scratch, event_path, true, false);
	free(cause);
}

/* The shipped sample event makes a session with all of its speakers. */
static void
test_sample_event(void **state)
{
	const char *dir = getenv("PODIUM_SAMPLE_DIR");
	char path[512], db[512];
	struct event_file *ef;
	struct session *s;
	char *cause = NULL;

	(void)state;
	if (dir == NULL || dir[0] == '\0')
		skip();
	snprintf(path, sizeof path, "%s/sample-event.json", dir);
	if (access(path, R_OK) != 0)
		skip();
	ef = event_load(path, &cause);
	if (ef == NULL)
		fail_msg("the sample event does not load: %s", cause);
	tpath(db, sizeof db, "sample.db");
	s = open_ok(db, path, true, false, 1.0);
	assert_int_equal(s->model->nspeakers, ef->nspeakers);
	assert_int_equal(s->model->event->nsegments, ef->event.nsegments);
	for (size_t i = 0; i < s->model->nspeakers; i++) {
		const struct model_speaker *sp = model_speaker_find(s->model,
		    (int64_t)i + 1);

		assert_non_null(sp);
		assert_string_equal(sp->name, ef->speakers[i].name);
		assert_int_equal(sp->segment, ef->speakers[i].segment);
	}
	assert_int_equal(s->model->current_segment, -1);
	/* The examples the classifier learns from, read from their files. */
	assert_true(ef->event.nexamples > 0);
	assert_int_equal(s->event->event.nexamples, ef->event.nexamples);
	session_close(s);

	/*
	 * Opened again without the event file (a restart, an import): the
	 * examples come from the database, the same ones.
	 */
	s = open_ok(db, NULL, true, false, 1.0);
	assert_int_equal(s->event->event.nexamples, ef->event.nexamples);
	for (size_t i = 0; i < ef->event.nexamples; i++) {
		assert_string_equal(s->event->event.examples[i].text,
		    ef->event.examples[i].text);
		assert_string_equal(s->event->event.examples[i].lang,
		    ef->event.examples[i].lang);
		assert_int_equal(s->event->event.examples[i].theme,
		    ef->event.examples[i].theme);
	}
	session_close(s);
	/* A reader never classifies: it does not read them. */
	s = open_ok(db, NULL, false, false, 0);
	assert_int_equal(s->event->event.nexamples, 0);
	session_close(s);
	event_destroy(ef);
}

/* The default database lives under XDG_DATA_HOME, else ~/.local/share. */
static void
test_default_db(void **state)
{
	char *old_xdg = getenv("XDG_DATA_HOME"), *old_home = getenv("HOME");
	char xdg[512], home[512], want[600];
	char *path, *cause = NULL;
	struct stat st;

	(void)state;
	old_xdg = old_xdg != NULL ? strdup(old_xdg) : NULL;
	old_home = old_home != NULL ? strdup(old_home) : NULL;
	tpath(xdg, sizeof xdg, "xdg/deeper");
	tpath(home, sizeof home, "home");

	setenv("XDG_DATA_HOME", xdg, 1);
	path = session_default_db("unit-session", &cause);
	assert_non_null(path);
	snprintf(want, sizeof want, "%s/podium/unit-session.db", xdg);
	assert_string_equal(path, want);
	free(path);
	snprintf(want, sizeof want, "%s/podium", xdg);
	assert_int_equal(stat(want, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);

	/* A relative XDG_DATA_HOME is ignored (XDG base directory rules). */
	setenv("XDG_DATA_HOME", "relative/dir", 1);
	setenv("HOME", home, 1);
	path = session_default_db("unit-session", &cause);
	assert_non_null(path);
	snprintf(want, sizeof want, "%s/.local/share/podium/unit-session.db",
	    home);
	assert_string_equal(path, want);
	free(path);

	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	path = session_default_db("unit-session", &cause);
	assert_null(path);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "--db"));
	free(cause);

	if (old_xdg != NULL)
		setenv("XDG_DATA_HOME", old_xdg, 1);
	if (old_home != NULL)
		setenv("HOME", old_home, 1);
	free(old_xdg);
	free(old_home);
}

/* The sample event is looked up in $PODIUM_DATADIR first. */
static void
test_sample_event_path(void **state)
{
	char *old = getenv("PODIUM_DATADIR");
	char want[512];
	char *path, *cause = NULL;

	(void)state;
	old = old != NULL ? strdup(old) : NULL;
	setenv("PODIUM_DATADIR", scratch, 1);
	path = session_sample_event("event.json", &cause);
	assert_non_null(path);
	tpath(want, sizeof want, "event.json");
	assert_string_equal(path, want);
	free(path);

	path = session_sample_event("no-such-sample.json", &cause);
	assert_null(path);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "--event"));
	free(cause);

	if (old != NULL)
		setenv("PODIUM_DATADIR", old, 1);
	else
		unsetenv("PODIUM_DATADIR");
	free(old);
}

/*
 * What the session writes keeps both hash chains intact: actions, a batch
 * of questions, undos; a reader verifies while the chair is still open.
 */
static void
test_chain(void **state)
{
	struct session_item items[2];
	struct store_verify_result r;
	char db[512], msg[256], *cause = NULL;
	struct session *s, *reader;
	int64_t undone = 0;

	(void)state;
	tpath(db, sizeof db, "chain.db");
	s = open_ok(db, event_path, true, false, 1.0);
	chair_ok(s, MODEL_ACTION_SEGMENT_NEXT, 0, 0);
	chair_ok(s, MODEL_ACTION_TOGGLE, 0, 0);
	chair_ok(s, MODEL_ACTION_ADD_TIME, 0, 30);
	memset(items, 0, sizeof items);
	for (size_t i = 0; i < 2; i++) {
		items[i].action.type = MODEL_ACTION_QUESTION_ADD;
		items[i].action.question.text = i == 0 ? "Why?" : "How?";
		items[i].ext_id = i == 0 ? "q-1" : "q-2";
	}
	assert_int_equal(session_do_batch(s, items, 2, "intake"), 2);
	assert_true(session_undo(s, msg, sizeof msg));
	assert_true(session_undo(s, msg, sizeof msg));

	reader = open_ok(db, NULL, false, false, 1.0);
	assert_int_equal(store_verify(reader->store, &r, &cause), 0);
	assert_int_equal(r.status, STORE_VERIFY_OK);
	assert_int_equal(r.rows, (int64_t)reader->njournal);
	assert_int_equal(r.last_seq, reader->last_seq);
	for (size_t i = 0; i < reader->njournal; i++)
		undone += reader->journal[i].undone;
	assert_int_equal(r.undone_rows, undone);
	assert_int_equal(r.undos, 2);
	session_close(reader);

	chair_ok(s, MODEL_ACTION_NEXT_SPEAKER, 0, 0);
	session_close(s);
	s = open_ok(db, NULL, false, false, 1.0);
	assert_int_equal(store_verify(s->store, &r, &cause), 0);
	assert_int_equal(r.status, STORE_VERIFY_OK);
	assert_int_equal(r.rows, 4 + 3 + 2 + 1);
	assert_int_equal(r.undone_rows, 2);
	session_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_live),
		cmocka_unit_test(test_do_and_reopen),
		cmocka_unit_test(test_speaker_add),
		cmocka_unit_test(test_speaker_add_round_trip),
		cmocka_unit_test(test_undo),
		cmocka_unit_test(test_undo_skips_intake),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_commit_refused),
		cmocka_unit_test(test_batch_steps),
		cmocka_unit_test(test_batch_refused),
		cmocka_unit_test(test_rehearsal_create),
		cmocka_unit_test(test_rehearsal_resume),
		cmocka_unit_test(test_rehearsal_after_crash),
		cmocka_unit_test(test_mode_mismatch),
		cmocka_unit_test(test_event_differs),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_sample_event),
		cmocka_unit_test(test_default_db),
		cmocka_unit_test(test_sample_event_path),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
