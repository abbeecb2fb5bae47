/*
 * test-model.c -- the state model with zero I/O: every action and each of
 * its refusals, undo as replay, countdown arithmetic, stages, the countdown
 * text and when it changes, the projected end and the offset against the
 * plan, segment progress and the display order of a segment's speakers.
 *
 * Data flow: a struct model_event is built by hand (three segments of
 * 10/20/30 minutes from 13:30 +01:00, warning 60 s, danger 15 s, speakers
 * 180 s by default). Each test gets a fresh model; actions are built with
 * increasing sequence numbers and stamped with a time given as ms since the
 * event start. The monotonic clock deliberately reads far from Unix time
 * (MONO0 at the start) so that any mix-up of the two clocks shows. Every
 * accepted action is logged so a test can replay the log onto a fresh model
 * and compare the two field by field; refusals are checked to leave a deep
 * copy of the model unchanged.
 */
#include "model.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2020-12-04T12:30:00Z = 13:30 at +01:00, the planned start. */
#define T0 1607085000000LL

/* The monotonic reading at the planned start: far from T0 on purpose. */
#define MONO0 5000000LL

#define MIN (60 * 1000LL)
#define SEC 1000LL

/* How many accepted actions one test may log. */
#define LOG_MAX 128

static struct model_segment_plan plans[3] = {
	{ "Opening", NULL, NULL, 10 },
	{ "Discussion", "European Union", "funding", 20 },
	{ "Conclusions", NULL, NULL, 30 },
};

static const struct model_event event = {
	.id = "test-event",
	.title = "Test event",
	.date = "2020-12-04",
	.utc_offset_min = 60,
	.start_wall_ms = T0,
	.end_wall_ms = T0 + 60 * MIN,
	.warning_s = 60,
	.danger_s = 15,
	.speaker_s = 180,
	.segments = plans,
	.nsegments = 3,
};

/* The model under test and the log of what was applied to it. */
static struct {
	struct model *m;
	int64_t seq;
	struct model_action log[LOG_MAX];
	size_t nlog;
	char err[256];
} fx;

/* A fresh model for each test. */
static int
setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof fx);
	fx.m = model_create(&event);
	return fx.m == NULL ? -1 : 0;
}

/* Free the model of a test. */
static int
teardown(void **state)
{
	(void)state;
	model_destroy(fx.m);
	fx.m = NULL;
	return 0;
}

/* The instant ms after the planned start, on both clocks. */
static struct model_time
at(int64_t ms)
{
	struct model_time t = { MONO0 + ms, T0 + ms };

	return t;
}

/* A deep copy of a model, to prove that a refusal changed nothing. */
static struct model *
clone(const struct model *m)
{
	struct model *c = malloc(sizeof *c);

	assert_non_null(c);
	*c = *m;
	c->segments = malloc(sizeof *c->segments * m->event->nsegments);
	assert_non_null(c->segments);
	memcpy(c->segments, m->segments,
	    sizeof *c->segments * m->event->nsegments);
	c->speakers = malloc(sizeof *c->speakers * (m->nspeakers + 1));
	assert_non_null(c->speakers);
	c->speakers_cap = m->nspeakers + 1;
	for (size_t i = 0; i < m->nspeakers; i++) {
		c->speakers[i] = m->speakers[i];
		c->speakers[i].name = strdup(m->speakers[i].name);
		c->speakers[i].org = strdup(m->speakers[i].org);
		c->speakers[i].lang = strdup(m->speakers[i].lang);
	}
	assert_int_equal(m->nquestions, 0);
	c->questions = NULL;
	c->questions_cap = 0;
	return c;
}

/* Compare two models field by field; fail naming the first difference. */
static void
assert_models_equal(const struct model *a, const struct model *b)
{
	assert_ptr_equal(a->event, b->event);
	assert_int_equal(a->current_segment, b->current_segment);
	assert_int_equal(a->last_wall, b->last_wall);
	for (size_t i = 0; i < a->event->nsegments; i++) {
		const struct model_segment *x = &a->segments[i];
		const struct model_segment *y = &b->segments[i];

		assert_ptr_equal(x->plan, y->plan);
		assert_int_equal(x->planned_start, y->planned_start);
		assert_int_equal(x->planned_end, y->planned_end);
		assert_int_equal(x->actual_start, y->actual_start);
		assert_int_equal(x->actual_end, y->actual_end);
		assert_int_equal(x->start_mono, y->start_mono);
		assert_int_equal(x->end_mono, y->end_mono);
	}
	assert_int_equal(a->nspeakers, b->nspeakers);
	for (size_t i = 0; i < a->nspeakers; i++) {
		const struct model_speaker *x = &a->speakers[i];
		const struct model_speaker *y = &b->speakers[i];

		assert_int_equal(x->id, y->id);
		assert_int_equal(x->segment, y->segment);
		assert_string_equal(x->name, y->name);
		assert_string_equal(x->org, y->org);
		assert_string_equal(x->lang, y->lang);
		assert_int_equal(x->allotted_s, y->allotted_s);
		assert_int_equal(x->warning_s, y->warning_s);
		assert_int_equal(x->danger_s, y->danger_s);
		assert_int_equal(x->status, y->status);
		assert_int_equal(x->added_ms, y->added_ms);
		assert_int_equal(x->spent_ms, y->spent_ms);
		assert_int_equal(x->running_since, y->running_since);
		assert_int_equal(x->start_wall, y->start_wall);
		assert_int_equal(x->end_wall, y->end_wall);
	}
	assert_int_equal(a->nquestions, b->nquestions);
}

/* A fresh model with the first n logged actions replayed onto it. */
static struct model *
replay(size_t n)
{
	struct model *r = model_create(&event);
	char err[256];

	for (size_t i = 0; i < n; i++) {
		if (!model_apply(r, &fx.log[i], err, sizeof err))
			fail_msg("replaying log[%zu] was refused: %s", i, err);
	}
	return r;
}

/* Apply an action to the model under test; log it if accepted. */
static bool
run(struct model_action *a)
{
	bool ok;

	strcpy(fx.err, "untouched");
	ok = model_apply(fx.m, a, fx.err, sizeof fx.err);
	if (ok) {
		assert_string_equal(fx.err, "");
		assert_true(fx.nlog < LOG_MAX);
		fx.log[fx.nlog++] = *a;
		assert_int_equal(fx.m->last_wall, a->at.wall_ms);
	} else {
		assert_true(fx.err[0] != '\0');
		assert_string_not_equal(fx.err, "untouched");
	}
	return ok;
}

/* Build an action of a type at ms after the start, with the next seq. */
static struct model_action
action(enum model_action_type type, int64_t ms, int64_t target, int delta)
{
	struct model_action a;

	memset(&a, 0, sizeof a);
	a.type = type;
	a.seq = ++fx.seq;
	a.at = at(ms);
	a.target = target;
	a.delta = delta;
	return a;
}

/* Apply an action that must be accepted. */
static void
ok(enum model_action_type type, int64_t ms, int64_t target, int delta)
{
	struct model_action a = action(type, ms, target, delta);

	if (!run(&a))
		fail_msg("%s at %lld ms refused: %s",
		    model_action_info(type)->name, (long long)ms, fx.err);
}

/*
 * Apply an action that must be refused with a message containing want,
 * and check that the model is exactly as it was.
 */
static void
refused_action(struct model_action *a, const char *want)
{
	struct model *before = clone(fx.m);

	if (run(a))
		fail_msg("%s was accepted", model_action_info(a->type) ?
		    model_action_info(a->type)->name : "?");
	if (want != NULL && strstr(fx.err, want) == NULL)
		fail_msg("refusal '%s' does not mention '%s'", fx.err, want);
	assert_models_equal(fx.m, before);
	model_destroy(before);
}

/* Apply a simple action that must be refused, changing nothing. */
static void
refused(enum model_action_type type, int64_t ms, int64_t target, int delta,
    const char *want)
{
	struct model_action a = action(type, ms, target, delta);

	refused_action(&a, want);
}

/* Add a speaker that must be accepted; returns its id. */
static int64_t
add(const char *name, int segment, int seconds, int64_t ms)
{
	struct model_action a = action(MODEL_ACTION_SPEAKER_ADD, ms, 0, 0);

	a.speaker.name = name;
	a.speaker.org = "Org";
	a.speaker.lang = "en";
	a.speaker.seconds = seconds;
	a.speaker.segment = segment;
	if (!run(&a))
		fail_msg("adding %s refused: %s", name, fx.err);
	return a.seq;
}

/* A speaker by id, which must exist. */
static const struct model_speaker *
sp(int64_t id)
{
	const struct model_speaker *s = model_speaker_find(fx.m, id);

	assert_non_null(s);
	assert_int_equal(s->id, id);
	return s;
}

/* The id of the current speaker, or 0. */
static int64_t
current_id(void)
{
	const struct model_speaker *s = model_speaker_current(fx.m);

	return s == NULL ? 0 : s->id;
}

/* A countdown formatted into a static buffer. */
static const char *
fmt(int64_t remaining_ms)
{
	static char buf[32];

	return model_format_countdown(remaining_ms, buf, sizeof buf);
}

/* A new model has the plan laid out and nothing started. */
static void
test_create(void **state)
{
	struct model *m = fx.m;

	(void)state;
	assert_ptr_equal(m->event, &event);
	assert_int_equal(m->current_segment, -1);
	assert_int_equal(m->nspeakers, 0);
	assert_int_equal(m->nquestions, 0);
	assert_int_equal(m->last_wall, MODEL_NO_TIME);
	assert_null(model_segment_current(m));
	assert_null(model_speaker_current(m));
	assert_null(model_speaker_find(m, 1));
	assert_int_equal(m->segments[0].planned_start, T0);
	assert_int_equal(m->segments[0].planned_end, T0 + 10 * MIN);
	assert_int_equal(m->segments[1].planned_start, T0 + 10 * MIN);
	assert_int_equal(m->segments[1].planned_end, T0 + 30 * MIN);
	assert_int_equal(m->segments[2].planned_start, T0 + 30 * MIN);
	assert_int_equal(m->segments[2].planned_end, T0 + 60 * MIN);
	for (int i = 0; i < 3; i++) {
		assert_ptr_equal(m->segments[i].plan, &plans[i]);
		assert_int_equal(m->segments[i].actual_start, MODEL_NO_TIME);
		assert_int_equal(m->segments[i].actual_end, MODEL_NO_TIME);
		assert_int_equal(m->segments[i].start_mono, MODEL_NO_TIME);
		assert_int_equal(m->segments[i].end_mono, MODEL_NO_TIME);
	}
	model_destroy(NULL);
}

/* The action table: every type has a unique name that maps back to it. */
static void
test_action_names(void **state)
{
	(void)state;
	for (int i = 0; i < MODEL_ACTION_COUNT; i++) {
		const struct model_action_info *info = model_action_info(i);

		assert_non_null(info);
		assert_int_equal(info->type, i);
		assert_non_null(info->name);
		assert_true(info->name[0] != '\0');
		assert_int_equal(model_action_by_name(info->name), i);
		/* Only what comes from the audience is not the chair's. */
		assert_int_equal(info->chair, i != MODEL_ACTION_QUESTION_ADD &&
		    i != MODEL_ACTION_QUESTION_VOTE);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(model_action_info(j)->name,
			    info->name);
	}
	assert_string_equal(model_action_info(MODEL_ACTION_SPEAKER_ADD)->name,
	    "speaker_add");
	assert_string_equal(model_action_info(MODEL_ACTION_TOGGLE)->name,
	    "toggle");
	assert_string_equal(model_action_info(MODEL_ACTION_NEXT_SPEAKER)->name,
	    "next_speaker");
	assert_string_equal(model_action_info(MODEL_ACTION_ADD_TIME)->name,
	    "add_time");
	assert_string_equal(model_action_info(MODEL_ACTION_SEGMENT_NEXT)->name,
	    "segment_next");
	assert_string_equal(model_action_info(MODEL_ACTION_SEGMENT_PREV)->name,
	    "segment_prev");
	assert_string_equal(model_action_info(MODEL_ACTION_SPEAKER_MOVE)->name,
	    "speaker_move");
	assert_string_equal(
	    model_action_info(MODEL_ACTION_SPEAKER_WITHDRAW)->name,
	    "speaker_withdraw");
	assert_null(model_action_info(MODEL_ACTION_COUNT));
	assert_null(model_action_info((enum model_action_type)-1));
	assert_int_equal(model_action_by_name("TOGGLE"), -1);
	assert_int_equal(model_action_by_name("toggle "), -1);
	assert_int_equal(model_action_by_name(""), -1);
	assert_int_equal(model_action_by_name("undo"), -1);
}

/* Status names are the journal's and the state JSON's words. */
static void
test_status_names(void **state)
{
	(void)state;
	assert_string_equal(model_speaker_status_name(MODEL_SPEAKER_QUEUED),
	    "queued");
	assert_string_equal(model_speaker_status_name(MODEL_SPEAKER_CURRENT),
	    "current");
	assert_string_equal(model_speaker_status_name(MODEL_SPEAKER_DONE),
	    "done");
	assert_string_equal(model_speaker_status_name(MODEL_SPEAKER_WITHDRAWN),
	    "withdrawn");
	assert_string_equal(model_speaker_status_name(
	    (enum model_speaker_status)4), "unknown");
	assert_string_equal(model_question_status_name(MODEL_QUESTION_NEW),
	    "new");
	assert_string_equal(model_question_status_name(
	    MODEL_QUESTION_APPROVED), "approved");
	assert_string_equal(model_question_status_name(MODEL_QUESTION_ON_AIR),
	    "on_air");
	assert_string_equal(model_question_status_name(
	    MODEL_QUESTION_ANSWERED), "answered");
	assert_string_equal(model_question_status_name(
	    MODEL_QUESTION_DISMISSED), "dismissed");
	assert_string_equal(model_question_status_name(
	    (enum model_question_status)5), "unknown");
}

/* An action of no known type is refused. */
static void
test_unknown_action(void **state)
{
	(void)state;
	add("Ana", 0, 0, 0);
	refused((enum model_action_type)MODEL_ACTION_COUNT, 1000, 0, 0,
	    "unknown");
	refused((enum model_action_type)-1, 1000, 0, 0, "unknown");
	/* The refusal did not stamp the time either. */
	assert_int_equal(fx.m->last_wall, T0);
}

/* A speaker entry's fields; defaults come from the event. */
static void
test_speaker_add_defaults(void **state)
{
	struct model_action a;
	const struct model_speaker *s;
	char name[32] = "Zoë Müller";
	int64_t id;

	(void)state;
	a = action(MODEL_ACTION_SPEAKER_ADD, -5 * MIN, 0, 0);
	a.speaker.name = name;
	a.speaker.segment = -1;
	assert_true(run(&a));
	/* The model owns copies of the strings. */
	strcpy(name, "changed");
	s = sp(a.seq);
	assert_string_equal(s->name, "Zoë Müller");
	assert_string_equal(s->org, "");
	assert_string_equal(s->lang, "");
	/* Before the start, "the current segment" is the first. */
	assert_int_equal(s->segment, 0);
	assert_int_equal(s->allotted_s, 180);
	assert_int_equal(s->warning_s, 60);
	assert_int_equal(s->danger_s, 15);
	assert_int_equal(s->status, MODEL_SPEAKER_QUEUED);
	assert_int_equal(s->added_ms, 0);
	assert_int_equal(s->spent_ms, 0);
	assert_int_equal(s->running_since, MODEL_NO_TIME);
	assert_int_equal(s->start_wall, MODEL_NO_TIME);
	assert_int_equal(s->end_wall, MODEL_NO_TIME);
	assert_false(model_speaker_running(s));
	assert_int_equal(model_speaker_stage(s, at(0).mono_ms),
	    MODEL_STAGE_IDLE);
	assert_int_equal(model_speaker_remaining_ms(s, at(0).mono_ms),
	    180 * SEC);
	/* Adding a speaker does not start anything. */
	assert_int_equal(fx.m->current_segment, -1);
	assert_null(model_speaker_current(fx.m));

	a = action(MODEL_ACTION_SPEAKER_ADD, -4 * MIN, 0, 0);
	a.speaker.name = "Bo";
	a.speaker.org = "Red Cross";
	a.speaker.lang = "fr";
	a.speaker.seconds = 240;
	a.speaker.segment = 2;
	a.speaker.warning_s = 90;
	a.speaker.danger_s = 30;
	assert_true(run(&a));
	s = sp(a.seq);
	assert_string_equal(s->org, "Red Cross");
	assert_string_equal(s->lang, "fr");
	assert_int_equal(s->segment, 2);
	assert_int_equal(s->allotted_s, 240);
	assert_int_equal(s->warning_s, 90);
	assert_int_equal(s->danger_s, 30);

	/* During a segment, -1 means that segment. */
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 10 * MIN, 0, 0);
	id = add("Cy", -1, 0, 11 * MIN);
	assert_int_equal(sp(id)->segment, 1);
	/* A speaker added to the current segment waits for n. */
	assert_int_equal(sp(id)->status, MODEL_SPEAKER_QUEUED);
	assert_null(model_speaker_current(fx.m));
	/* An explicit earlier segment is still accepted. */
	id = add("Di", 0, 0, 12 * MIN);
	assert_int_equal(sp(id)->segment, 0);
	assert_int_equal(sp(id)->status, MODEL_SPEAKER_QUEUED);
}

/* Speakers are kept by segment, then in the order they were added. */
static void
test_speaker_add_order(void **state)
{
	int64_t c2, a0, b1, d0, e1, f2;

	(void)state;
	c2 = add("C2", 2, 0, 0);
	a0 = add("A0", 0, 0, 0);
	b1 = add("B1", 1, 0, 0);
	d0 = add("D0", 0, 0, 0);
	e1 = add("E1", 1, 0, 0);
	f2 = add("F2", 2, 0, 0);
	assert_int_equal(fx.m->nspeakers, 6);
	assert_int_equal(fx.m->speakers[0].id, a0);
	assert_int_equal(fx.m->speakers[1].id, d0);
	assert_int_equal(fx.m->speakers[2].id, b1);
	assert_int_equal(fx.m->speakers[3].id, e1);
	assert_int_equal(fx.m->speakers[4].id, c2);
	assert_int_equal(fx.m->speakers[5].id, f2);

	/* Many speakers: the array grows and keeps every entry. */
	for (int i = 0; i < 100; i++)
		add("Many", i % 3, 60 + i, 0);
	assert_int_equal(fx.m->nspeakers, 106);
	for (size_t i = 1; i < fx.m->nspeakers; i++)
		assert_true(fx.m->speakers[i - 1].segment <=
		    fx.m->speakers[i].segment);
	assert_string_equal(sp(a0)->name, "A0");
	assert_string_equal(sp(f2)->name, "F2");
}

/* Every reason a speaker entry is refused; none changes the model. */
static void
test_speaker_add_refusals(void **state)
{
	struct model_action a;
	char longname[MODEL_NAME_MAX + 2];
	char longlang[MODEL_LANG_MAX + 2];
	int64_t first;

	(void)state;
	first = add("First", 0, 0, 0);

	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = NULL;
	refused_action(&a, "name");
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "";
	refused_action(&a, "name");
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "   ";
	refused_action(&a, "name");

	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(strlen(longname), MODEL_NAME_MAX + 1);
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = longname;
	refused_action(&a, "200");
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "Ok";
	a.speaker.org = longname;
	refused_action(&a, "organisation");
	/* Exactly the limit is accepted. */
	longname[MODEL_NAME_MAX] = '\0';
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = longname;
	a.speaker.org = longname;
	assert_true(run(&a));
	assert_int_equal(strlen(sp(a.seq)->name), MODEL_NAME_MAX);

	memset(longlang, 'a', sizeof longlang - 1);
	longlang[sizeof longlang - 1] = '\0';
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "Ok";
	a.speaker.lang = longlang;
	refused_action(&a, "language");
	longlang[MODEL_LANG_MAX] = '\0';
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "Ok";
	a.speaker.lang = longlang;
	assert_true(run(&a));

	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "Ok";
	a.speaker.seconds = -1;
	refused_action(&a, "seconds");
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "Ok";
	a.speaker.seconds = MODEL_SECONDS_MAX + 1;
	refused_action(&a, "seconds");
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "Ok";
	a.speaker.seconds = MODEL_SECONDS_MAX;
	assert_true(run(&a));

	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "Ok";
	a.speaker.segment = 3;
	refused_action(&a, "segment 4");
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "Ok";
	a.speaker.segment = 1000;
	refused_action(&a, "segment");

	/* Only -1 stands for "the current segment". */
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "Ok";
	a.speaker.segment = -2;
	refused_action(&a, "segment");

	/* Thresholds are limited like the allotted time. */
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "Ok";
	a.speaker.warning_s = MODEL_SECONDS_MAX + 1;
	refused_action(&a, "limited");
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.speaker.name = "Ok";
	a.speaker.danger_s = MODEL_SECONDS_MAX + 1;
	refused_action(&a, "limited");

	/* A sequence number that is already a speaker's id. */
	a = action(MODEL_ACTION_SPEAKER_ADD, 0, 0, 0);
	a.seq = first;
	a.speaker.name = "Again";
	refused_action(&a, "taken");

	/* After the end, "the current segment" no longer exists. */
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 1 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 2 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 3 * MIN, 0, 0);
	assert_int_equal(fx.m->current_segment, 3);
	a = action(MODEL_ACTION_SPEAKER_ADD, 4 * MIN, 0, 0);
	a.speaker.name = "Late";
	a.speaker.segment = -1;
	refused_action(&a, "ended");
}

/* Space with no current speaker is refused. */
static void
test_toggle_no_speaker(void **state)
{
	(void)state;
	refused(MODEL_ACTION_TOGGLE, 0, 0, 0, "no current speaker");
	add("Ana", 0, 0, 0);
	/* Queued but the session has not started: still nobody current. */
	refused(MODEL_ACTION_TOGGLE, 0, 0, 0, "no current speaker");
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 1 * MIN, 0, 0);
	/* Segment 1 has no speakers. */
	assert_null(model_speaker_current(fx.m));
	refused(MODEL_ACTION_TOGGLE, 2 * MIN, 0, 0, "no current speaker");
}

/* Space starts, pauses and resumes; paused time is not spent. */
static void
test_toggle(void **state)
{
	const struct model_speaker *s;
	int64_t ana;

	(void)state;
	ana = add("Ana", 0, 0, -MIN);
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	assert_int_equal(current_id(), ana);
	s = sp(ana);
	assert_false(model_speaker_running(s));

	ok(MODEL_ACTION_TOGGLE, 2 * SEC, 0, 0);
	s = sp(ana);
	assert_true(model_speaker_running(s));
	assert_int_equal(s->running_since, MONO0 + 2 * SEC);
	assert_int_equal(s->start_wall, T0 + 2 * SEC);
	assert_int_equal(s->spent_ms, 0);
	assert_int_equal(model_speaker_spoken_ms(s, at(7 * SEC).mono_ms),
	    5 * SEC);

	ok(MODEL_ACTION_TOGGLE, 12 * SEC, 0, 0);
	s = sp(ana);
	assert_false(model_speaker_running(s));
	assert_int_equal(s->spent_ms, 10 * SEC);
	assert_int_equal(s->running_since, MODEL_NO_TIME);
	assert_int_equal(model_speaker_spoken_ms(s, at(100 * SEC).mono_ms),
	    10 * SEC);

	ok(MODEL_ACTION_TOGGLE, 30 * SEC, 0, 0);
	s = sp(ana);
	assert_true(model_speaker_running(s));
	assert_int_equal(s->running_since, MONO0 + 30 * SEC);
	/* The first start is kept. */
	assert_int_equal(s->start_wall, T0 + 2 * SEC);
	assert_int_equal(model_speaker_spoken_ms(s, at(35 * SEC).mono_ms),
	    15 * SEC);

	ok(MODEL_ACTION_TOGGLE, 40 * SEC, 0, 0);
	s = sp(ana);
	assert_int_equal(s->spent_ms, 20 * SEC);
	assert_int_equal(s->status, MODEL_SPEAKER_CURRENT);
	assert_int_equal(s->end_wall, MODEL_NO_TIME);
}

/* n: refusals before the start, after the end, with nobody queued. */
static void
test_next_speaker_refusals(void **state)
{
	int64_t ana;

	(void)state;
	ana = add("Ana", 0, 0, 0);
	refused(MODEL_ACTION_NEXT_SPEAKER, 0, 0, 0, "not started");
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	assert_int_equal(current_id(), ana);
	ok(MODEL_ACTION_NEXT_SPEAKER, 10 * SEC, 0, 0);
	assert_null(model_speaker_current(fx.m));
	refused(MODEL_ACTION_NEXT_SPEAKER, 20 * SEC, 0, 0, "no speaker");
	ok(MODEL_ACTION_SEGMENT_NEXT, 1 * MIN, 0, 0);
	refused(MODEL_ACTION_NEXT_SPEAKER, 2 * MIN, 0, 0, "no speaker");
	ok(MODEL_ACTION_SEGMENT_NEXT, 3 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 4 * MIN, 0, 0);
	refused(MODEL_ACTION_NEXT_SPEAKER, 5 * MIN, 0, 0, "ended");
}

/* n ends the current speaker and makes the next queued one current. */
static void
test_next_speaker(void **state)
{
	const struct model_speaker *s;
	int64_t a, b, c, d;

	(void)state;
	a = add("A", 0, 0, 0);
	b = add("B", 0, 0, 0);
	c = add("C", 0, 0, 0);
	d = add("D", 1, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	ok(MODEL_ACTION_TOGGLE, 5 * SEC, 0, 0);
	ok(MODEL_ACTION_NEXT_SPEAKER, 65 * SEC, 0, 0);
	s = sp(a);
	assert_int_equal(s->status, MODEL_SPEAKER_DONE);
	assert_int_equal(s->end_wall, T0 + 65 * SEC);
	assert_false(model_speaker_running(s));
	assert_int_equal(s->spent_ms, 60 * SEC);
	assert_int_equal(model_speaker_spoken_ms(s, at(10 * MIN).mono_ms),
	    60 * SEC);
	/* B is current, its countdown not started. */
	assert_int_equal(current_id(), b);
	s = sp(b);
	assert_false(model_speaker_running(s));
	assert_int_equal(s->start_wall, MODEL_NO_TIME);
	assert_int_equal(model_speaker_stage(s, at(2 * MIN).mono_ms),
	    MODEL_STAGE_IDLE);

	/* n on a speaker who never started: done all the same. */
	ok(MODEL_ACTION_NEXT_SPEAKER, 70 * SEC, 0, 0);
	assert_int_equal(sp(b)->status, MODEL_SPEAKER_DONE);
	assert_int_equal(sp(b)->end_wall, T0 + 70 * SEC);
	assert_int_equal(sp(b)->spent_ms, 0);
	assert_int_equal(current_id(), c);

	/* The last of the segment: nobody follows (not D, of segment 1). */
	ok(MODEL_ACTION_TOGGLE, 80 * SEC, 0, 0);
	ok(MODEL_ACTION_NEXT_SPEAKER, 90 * SEC, 0, 0);
	assert_int_equal(sp(c)->status, MODEL_SPEAKER_DONE);
	assert_null(model_speaker_current(fx.m));
	assert_int_equal(sp(d)->status, MODEL_SPEAKER_QUEUED);

	/* A floor request arrives; n calls it. */
	{
		int64_t e = add("E", -1, 0, 100 * SEC);

		assert_null(model_speaker_current(fx.m));
		ok(MODEL_ACTION_NEXT_SPEAKER, 110 * SEC, 0, 0);
		assert_int_equal(current_id(), e);
		assert_int_equal(sp(e)->status, MODEL_SPEAKER_CURRENT);
	}
	assert_int_equal(fx.m->current_segment, 0);
}

/* + and -: time added or removed, never below zero allotted. */
static void
test_add_time(void **state)
{
	const struct model_speaker *s;
	int64_t a, b;

	(void)state;
	refused(MODEL_ACTION_ADD_TIME, 0, 0, 30, "no current speaker");
	a = add("A", 0, 0, 0);
	b = add("B", 0, 20, 0);
	refused(MODEL_ACTION_ADD_TIME, 0, 0, 30, "no current speaker");
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);

	ok(MODEL_ACTION_ADD_TIME, 1 * SEC, 0, MODEL_TIME_STEP_S);
	s = sp(a);
	assert_int_equal(s->added_ms, 30 * SEC);
	assert_int_equal(model_speaker_remaining_ms(s, at(0).mono_ms),
	    210 * SEC);
	ok(MODEL_ACTION_ADD_TIME, 2 * SEC, 0, -MODEL_TIME_STEP_S);
	ok(MODEL_ACTION_ADD_TIME, 3 * SEC, 0, -MODEL_TIME_STEP_S);
	s = sp(a);
	assert_int_equal(s->added_ms, -30 * SEC);
	assert_int_equal(s->allotted_s, 180);
	assert_int_equal(model_speaker_remaining_ms(s, at(0).mono_ms),
	    150 * SEC);
	/* Down to exactly nothing is allowed, below is not. */
	for (int i = 0; i < 5; i++)
		ok(MODEL_ACTION_ADD_TIME, 4 * SEC, 0, -MODEL_TIME_STEP_S);
	assert_int_equal(model_speaker_remaining_ms(sp(a), at(0).mono_ms), 0);
	refused(MODEL_ACTION_ADD_TIME, 5 * SEC, 0, -MODEL_TIME_STEP_S,
	    "cannot remove");
	refused(MODEL_ACTION_ADD_TIME, 5 * SEC, 0, 0, "cannot change");
	refused(MODEL_ACTION_ADD_TIME, 5 * SEC, 0, MODEL_SECONDS_MAX + 1,
	    "cannot change");
	refused(MODEL_ACTION_ADD_TIME, 5 * SEC, 0, -MODEL_SECONDS_MAX - 1,
	    "cannot change");
	/* Up to the maximum and not past it. */
	ok(MODEL_ACTION_ADD_TIME, 6 * SEC, 0, MODEL_SECONDS_MAX);
	refused(MODEL_ACTION_ADD_TIME, 7 * SEC, 0, 1, "minutes");

	/* B has 20 s: removing 30 is refused at once. */
	ok(MODEL_ACTION_NEXT_SPEAKER, 8 * SEC, 0, 0);
	assert_int_equal(current_id(), b);
	refused(MODEL_ACTION_ADD_TIME, 9 * SEC, 0, -MODEL_TIME_STEP_S,
	    "cannot remove 30 s");
	/* Time changes only the current speaker. */
	assert_int_equal(sp(a)->added_ms, (MODEL_SECONDS_MAX - 180) * SEC);
}

/* ] from before the start: segment 0 starts, its first speaker is current. */
static void
test_segment_next_first(void **state)
{
	const struct model_segment *seg;
	const struct model_speaker *s;
	int64_t a, b;

	(void)state;
	a = add("A", 0, 0, 0);
	b = add("B", 0, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 90 * SEC, 0, 0);
	assert_int_equal(fx.m->current_segment, 0);
	seg = model_segment_current(fx.m);
	assert_ptr_equal(seg, &fx.m->segments[0]);
	assert_int_equal(seg->actual_start, T0 + 90 * SEC);
	assert_int_equal(seg->start_mono, MONO0 + 90 * SEC);
	assert_int_equal(seg->actual_end, MODEL_NO_TIME);
	assert_int_equal(seg->end_mono, MODEL_NO_TIME);
	assert_int_equal(current_id(), a);
	s = sp(a);
	assert_int_equal(s->status, MODEL_SPEAKER_CURRENT);
	/* The countdown is not started. */
	assert_false(model_speaker_running(s));
	assert_int_equal(s->start_wall, MODEL_NO_TIME);
	assert_int_equal(model_speaker_stage(s, at(5 * MIN).mono_ms),
	    MODEL_STAGE_IDLE);
	assert_int_equal(model_speaker_remaining_ms(s, at(5 * MIN).mono_ms),
	    180 * SEC);
	assert_int_equal(sp(b)->status, MODEL_SPEAKER_QUEUED);
	/* Later segments have not started. */
	assert_int_equal(fx.m->segments[1].actual_start, MODEL_NO_TIME);
}

/* ] from the middle: the current speaker goes back or is done. */
static void
test_segment_next_middle(void **state)
{
	const struct model_segment *seg;
	int64_t a, b, c, d;

	(void)state;
	a = add("A", 0, 0, 0);
	b = add("B", 0, 0, 0);
	c = add("C", 1, 0, 0);
	d = add("D", 2, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	assert_int_equal(current_id(), a);
	/* A never started: back in the queue when the segment ends. */
	ok(MODEL_ACTION_SEGMENT_NEXT, 9 * MIN, 0, 0);
	assert_int_equal(sp(a)->status, MODEL_SPEAKER_QUEUED);
	assert_int_equal(sp(a)->end_wall, MODEL_NO_TIME);
	assert_int_equal(sp(b)->status, MODEL_SPEAKER_QUEUED);
	assert_int_equal(fx.m->segments[0].actual_end, T0 + 9 * MIN);
	assert_int_equal(fx.m->segments[0].end_mono, MONO0 + 9 * MIN);
	assert_int_equal(fx.m->current_segment, 1);
	seg = model_segment_current(fx.m);
	assert_int_equal(seg->actual_start, T0 + 9 * MIN);
	assert_int_equal(seg->start_mono, MONO0 + 9 * MIN);
	assert_int_equal(current_id(), c);

	/* C speaks (and is still running): done when the segment ends. */
	ok(MODEL_ACTION_TOGGLE, 10 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 12 * MIN, 0, 0);
	assert_int_equal(sp(c)->status, MODEL_SPEAKER_DONE);
	assert_int_equal(sp(c)->end_wall, T0 + 12 * MIN);
	assert_false(model_speaker_running(sp(c)));
	assert_int_equal(sp(c)->spent_ms, 2 * MIN);
	assert_int_equal(fx.m->segments[1].actual_end, T0 + 12 * MIN);
	assert_int_equal(fx.m->current_segment, 2);
	assert_int_equal(current_id(), d);
	/* Only one speaker is ever current. */
	{
		int current = 0;

		for (size_t i = 0; i < fx.m->nspeakers; i++)
			current += fx.m->speakers[i].status ==
			    MODEL_SPEAKER_CURRENT;
		assert_int_equal(current, 1);
	}
}

/* ] past the last segment ends the session; nothing goes further. */
static void
test_segment_next_end(void **state)
{
	int64_t d;

	(void)state;
	d = add("D", 2, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 10 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 30 * MIN, 0, 0);
	assert_int_equal(current_id(), d);
	ok(MODEL_ACTION_TOGGLE, 31 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 58 * MIN, 0, 0);
	assert_int_equal(fx.m->current_segment, (int)event.nsegments);
	assert_null(model_segment_current(fx.m));
	assert_null(model_speaker_current(fx.m));
	assert_int_equal(sp(d)->status, MODEL_SPEAKER_DONE);
	assert_int_equal(sp(d)->end_wall, T0 + 58 * MIN);
	assert_int_equal(fx.m->segments[2].actual_end, T0 + 58 * MIN);
	assert_int_equal(fx.m->segments[2].end_mono, MONO0 + 58 * MIN);
	refused(MODEL_ACTION_SEGMENT_NEXT, 59 * MIN, 0, 0, "ended");
	refused(MODEL_ACTION_TOGGLE, 59 * MIN, 0, 0, NULL);
	refused(MODEL_ACTION_ADD_TIME, 59 * MIN, 0, 30, NULL);
	assert_int_equal(fx.m->current_segment, 3);
}

/* [ is refused before the start and at the first segment. */
static void
test_segment_prev_refusals(void **state)
{
	(void)state;
	refused(MODEL_ACTION_SEGMENT_PREV, 0, 0, 0, "not started");
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	refused(MODEL_ACTION_SEGMENT_PREV, 1 * MIN, 0, 0, "first segment");
	ok(MODEL_ACTION_SEGMENT_NEXT, 2 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_PREV, 3 * MIN, 0, 0);
	refused(MODEL_ACTION_SEGMENT_PREV, 4 * MIN, 0, 0, "first segment");
	assert_int_equal(fx.m->current_segment, 0);
}

/* [ reopens the previous segment; an empty segment is "not started". */
static void
test_segment_prev(void **state)
{
	struct model *m = fx.m;
	int64_t a, b, c, d;

	(void)state;
	a = add("A", 0, 0, 0);
	b = add("B", 0, 0, 0);
	c = add("C", 1, 0, 0);
	d = add("D", 1, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	ok(MODEL_ACTION_TOGGLE, 0, 0, 0);
	ok(MODEL_ACTION_TOGGLE, 1 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 5 * MIN, 0, 0);
	assert_int_equal(sp(a)->status, MODEL_SPEAKER_DONE);
	assert_int_equal(sp(b)->status, MODEL_SPEAKER_QUEUED);
	assert_int_equal(current_id(), c);

	/* Back before anyone spoke in segment 1: it has not really started. */
	ok(MODEL_ACTION_SEGMENT_PREV, 6 * MIN, 0, 0);
	assert_int_equal(m->current_segment, 0);
	assert_int_equal(m->segments[1].actual_start, MODEL_NO_TIME);
	assert_int_equal(m->segments[1].actual_end, MODEL_NO_TIME);
	assert_int_equal(m->segments[1].start_mono, MODEL_NO_TIME);
	assert_int_equal(m->segments[1].end_mono, MODEL_NO_TIME);
	assert_int_equal(sp(c)->status, MODEL_SPEAKER_QUEUED);
	/* Segment 0 is reopened: same start, no end. */
	assert_int_equal(m->segments[0].actual_start, T0);
	assert_int_equal(m->segments[0].start_mono, MONO0);
	assert_int_equal(m->segments[0].actual_end, MODEL_NO_TIME);
	assert_int_equal(m->segments[0].end_mono, MODEL_NO_TIME);
	/* Its first queued speaker is current again; A stays done. */
	assert_int_equal(current_id(), b);
	assert_int_equal(sp(a)->status, MODEL_SPEAKER_DONE);

	/* Forward again: segment 1 starts afresh. */
	ok(MODEL_ACTION_SEGMENT_NEXT, 7 * MIN, 0, 0);
	assert_int_equal(sp(b)->status, MODEL_SPEAKER_QUEUED);
	assert_int_equal(m->segments[0].actual_end, T0 + 7 * MIN);
	assert_int_equal(m->segments[1].actual_start, T0 + 7 * MIN);
	assert_int_equal(m->segments[1].start_mono, MONO0 + 7 * MIN);
	assert_int_equal(current_id(), c);

	/* Back after C spoke: segment 1 keeps its start and gets an end. */
	ok(MODEL_ACTION_TOGGLE, 7 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_PREV, 8 * MIN, 0, 0);
	assert_int_equal(sp(c)->status, MODEL_SPEAKER_DONE);
	assert_int_equal(sp(c)->end_wall, T0 + 8 * MIN);
	assert_int_equal(m->segments[1].actual_start, T0 + 7 * MIN);
	assert_int_equal(m->segments[1].actual_end, T0 + 8 * MIN);
	assert_int_equal(m->segments[1].end_mono, MONO0 + 8 * MIN);
	assert_int_equal(m->current_segment, 0);
	assert_int_equal(m->segments[0].actual_end, MODEL_NO_TIME);
	assert_int_equal(current_id(), b);

	/* Into segment 1 once more: its start is kept, its end cleared. */
	ok(MODEL_ACTION_SEGMENT_NEXT, 9 * MIN, 0, 0);
	assert_int_equal(m->segments[1].actual_start, T0 + 7 * MIN);
	assert_int_equal(m->segments[1].actual_end, MODEL_NO_TIME);
	assert_int_equal(current_id(), d);

	/* From after the end, [ reopens the last segment. */
	ok(MODEL_ACTION_SEGMENT_NEXT, 20 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 50 * MIN, 0, 0);
	assert_int_equal(m->current_segment, 3);
	assert_int_equal(m->segments[2].actual_end, T0 + 50 * MIN);
	ok(MODEL_ACTION_SEGMENT_PREV, 51 * MIN, 0, 0);
	assert_int_equal(m->current_segment, 2);
	assert_int_equal(m->segments[2].actual_start, T0 + 20 * MIN);
	assert_int_equal(m->segments[2].actual_end, MODEL_NO_TIME);
	assert_int_equal(m->segments[2].end_mono, MODEL_NO_TIME);
	assert_null(model_speaker_current(m));
}

/* K and J: a queued speaker swaps with the next queued one of its segment. */
static void
test_speaker_move(void **state)
{
	int64_t a, b, c, d, e, ids[8];

	(void)state;
	a = add("A", 0, 0, 0);
	b = add("B", 0, 0, 0);
	c = add("C", 0, 0, 0);
	d = add("D", 1, 0, 0);
	e = add("E", 1, 0, 0);

	ok(MODEL_ACTION_SPEAKER_MOVE, 0, b, -1);
	assert_int_equal(model_segment_speakers(fx.m, 0, ids, 8), 3);
	assert_int_equal(ids[0], b);
	assert_int_equal(ids[1], a);
	assert_int_equal(ids[2], c);
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, b, -1, "already first");
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, c, 1, "already last");
	/* Never across a segment boundary, either way. */
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, d, -1, "already first");
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, e, 1, "already last");
	ok(MODEL_ACTION_SPEAKER_MOVE, 0, b, 1);
	ok(MODEL_ACTION_SPEAKER_MOVE, 0, b, 1);
	assert_int_equal(model_segment_speakers(fx.m, 0, ids, 8), 3);
	assert_int_equal(ids[0], a);
	assert_int_equal(ids[1], c);
	assert_int_equal(ids[2], b);
	ok(MODEL_ACTION_SPEAKER_MOVE, 0, e, -1);
	assert_int_equal(model_segment_speakers(fx.m, 1, ids, 8), 2);
	assert_int_equal(ids[0], e);
	assert_int_equal(ids[1], d);

	/* Bad arguments. */
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, 999, -1, "no speaker");
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, c, 2, "one place");
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, c, 0, "one place");
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, c, -2, "one place");

	/* Only queued speakers move, and only past queued ones. */
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	assert_int_equal(current_id(), a);
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, a, 1, "only queued");
	/* C is first among the queued: A (current) is not swapped with. */
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, c, -1, "already first");
	ok(MODEL_ACTION_TOGGLE, 0, 0, 0);
	ok(MODEL_ACTION_NEXT_SPEAKER, 1 * MIN, 0, 0);
	assert_int_equal(current_id(), c);
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, a, -1, "only queued");
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, b, -1, "already first");
	{
		/* A newcomer passes B, not C (current) nor A (done). */
		int64_t f = add("F", 0, 0, 2 * MIN);

		ok(MODEL_ACTION_SPEAKER_MOVE, 2 * MIN, f, -1);
		refused(MODEL_ACTION_SPEAKER_MOVE, 2 * MIN, f, -1,
		    "already first");
		assert_int_equal(model_segment_speakers(fx.m, 0, ids, 8), 4);
		assert_int_equal(ids[0], c);
		assert_int_equal(ids[1], f);
		assert_int_equal(ids[2], b);
		assert_int_equal(ids[3], a);
		/* n now calls F before B. */
		ok(MODEL_ACTION_NEXT_SPEAKER, 3 * MIN, 0, 0);
		assert_int_equal(current_id(), f);
	}
}

/* A queued speaker is skipped over by moves once withdrawn. */
static void
test_speaker_move_skips_withdrawn(void **state)
{
	int64_t a, b, c, ids[4];

	(void)state;
	a = add("A", 0, 0, 0);
	b = add("B", 0, 0, 0);
	c = add("C", 0, 0, 0);
	ok(MODEL_ACTION_SPEAKER_WITHDRAW, 0, b, 0);
	ok(MODEL_ACTION_SPEAKER_MOVE, 0, c, -1);
	assert_int_equal(model_segment_speakers(fx.m, 0, ids, 4), 3);
	assert_int_equal(ids[0], c);
	assert_int_equal(ids[1], a);
	assert_int_equal(ids[2], b);
	refused(MODEL_ACTION_SPEAKER_MOVE, 0, b, 1, "only queued");
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	assert_int_equal(current_id(), c);
}

/* A queued speaker can be withdrawn; nobody else can. */
static void
test_withdraw(void **state)
{
	int64_t a, b, c;

	(void)state;
	a = add("A", 0, 0, 0);
	b = add("B", 0, 0, 0);
	c = add("C", 0, 0, 0);
	refused(MODEL_ACTION_SPEAKER_WITHDRAW, 0, 999, 0, "no speaker");
	ok(MODEL_ACTION_SPEAKER_WITHDRAW, 30 * SEC, a, 0);
	assert_int_equal(sp(a)->status, MODEL_SPEAKER_WITHDRAWN);
	assert_int_equal(sp(a)->end_wall, T0 + 30 * SEC);
	refused(MODEL_ACTION_SPEAKER_WITHDRAW, 0, a, 0, "only a queued");
	/* The withdrawn one is never called. */
	ok(MODEL_ACTION_SEGMENT_NEXT, 1 * MIN, 0, 0);
	assert_int_equal(current_id(), b);
	refused(MODEL_ACTION_SPEAKER_WITHDRAW, 0, b, 0, "only a queued");
	ok(MODEL_ACTION_NEXT_SPEAKER, 2 * MIN, 0, 0);
	assert_int_equal(current_id(), c);
	assert_int_equal(sp(b)->status, MODEL_SPEAKER_DONE);
	refused(MODEL_ACTION_SPEAKER_WITHDRAW, 0, b, 0, "only a queued");
	ok(MODEL_ACTION_NEXT_SPEAKER, 3 * MIN, 0, 0);
	assert_null(model_speaker_current(fx.m));
	assert_int_equal(sp(a)->status, MODEL_SPEAKER_WITHDRAWN);
	/* A withdrawn speaker does not count as heard for [. */
	assert_int_equal(sp(a)->start_wall, MODEL_NO_TIME);
}

/*
 * Undo is "replay without the row": replaying every prefix of the log on
 * a fresh model gives exactly the state the model had at that point, so
 * dropping the last row gives the state from before it.
 */
static void
test_undo_is_replay(void **state)
{
	struct model *snap[LOG_MAX + 1];
	size_t nsnap = 0;
	int64_t a, b, c, d, e, f;
	struct model *r;

	(void)state;
#define STEP(call) do { snap[nsnap++] = clone(fx.m); call; \
	assert_int_equal(fx.nlog, nsnap); } while (0)
	STEP(a = add("A", 0, 0, -2 * MIN));
	STEP(b = add("B", 0, 120, -MIN));
	STEP(c = add("C", 1, 0, -MIN));
	STEP(d = add("D", 1, 0, -MIN));
	STEP(e = add("E", 2, 0, -MIN));
	STEP(f = add("F", 2, 0, -MIN));
	STEP(ok(MODEL_ACTION_SEGMENT_NEXT, 20 * SEC, 0, 0));
	STEP(ok(MODEL_ACTION_TOGGLE, 30 * SEC, 0, 0));
	STEP(ok(MODEL_ACTION_ADD_TIME, 40 * SEC, 0, 30));
	refused(MODEL_ACTION_ADD_TIME, 41 * SEC, 0, -400, NULL);
	STEP(ok(MODEL_ACTION_TOGGLE, 2 * MIN, 0, 0));
	STEP(ok(MODEL_ACTION_TOGGLE, 3 * MIN, 0, 0));
	STEP(ok(MODEL_ACTION_NEXT_SPEAKER, 5 * MIN, 0, 0));
	STEP(ok(MODEL_ACTION_SPEAKER_MOVE, 5 * MIN, d, -1));
	refused(MODEL_ACTION_SPEAKER_MOVE, 5 * MIN, d, -1, NULL);
	STEP(ok(MODEL_ACTION_SEGMENT_NEXT, 11 * MIN, 0, 0));
	STEP(ok(MODEL_ACTION_TOGGLE, 11 * MIN, 0, 0));
	STEP(ok(MODEL_ACTION_SEGMENT_PREV, 12 * MIN, 0, 0));
	STEP(ok(MODEL_ACTION_SEGMENT_NEXT, 13 * MIN, 0, 0));
	refused(MODEL_ACTION_SPEAKER_WITHDRAW, 14 * MIN, c, 0, NULL);
	STEP(ok(MODEL_ACTION_SPEAKER_WITHDRAW, 14 * MIN, f, 0));
	STEP(ok(MODEL_ACTION_SEGMENT_NEXT, 30 * MIN, 0, 0));
	STEP(ok(MODEL_ACTION_TOGGLE, 31 * MIN, 0, 0));
	STEP(ok(MODEL_ACTION_ADD_TIME, 32 * MIN, 0, -30));
	STEP(ok(MODEL_ACTION_SEGMENT_NEXT, 59 * MIN, 0, 0));
	STEP(ok(MODEL_ACTION_SEGMENT_PREV, 60 * MIN, 0, 0));
#undef STEP
	(void)a;
	(void)b;
	(void)e;
	assert_int_equal(sp(c)->status, MODEL_SPEAKER_QUEUED);
	assert_int_equal(sp(f)->status, MODEL_SPEAKER_WITHDRAWN);
	assert_int_equal(nsnap, fx.nlog);

	/* The whole log rebuilds the live model. */
	r = replay(fx.nlog);
	assert_models_equal(r, fx.m);
	model_destroy(r);
	/* Every prefix rebuilds the state from before the next row. */
	for (size_t k = 0; k < nsnap; k++) {
		r = replay(k);
		assert_models_equal(r, snap[k]);
		model_destroy(r);
	}
	/* Undo of the last row, twice, as session_undo() does it. */
	r = replay(fx.nlog - 1);
	assert_models_equal(r, snap[fx.nlog - 1]);
	assert_int_equal(r->current_segment, 3);
	model_destroy(r);
	r = replay(fx.nlog - 2);
	assert_int_equal(r->current_segment, 2);
	assert_models_equal(r, snap[fx.nlog - 2]);
	model_destroy(r);
	for (size_t k = 0; k < nsnap; k++)
		model_destroy(snap[k]);
}

/* Countdown arithmetic across start, pause, resume, added time, overtime. */
static void
test_countdown(void **state)
{
	const struct model_speaker *s;
	int64_t a;

	(void)state;
	a = add("A", 0, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	s = sp(a);
	assert_int_equal(model_speaker_remaining_ms(s, at(50 * SEC).mono_ms),
	    180 * SEC);
	ok(MODEL_ACTION_TOGGLE, 10 * SEC, 0, 0);
	s = sp(a);
	assert_int_equal(model_speaker_remaining_ms(s, at(10 * SEC).mono_ms),
	    180 * SEC);
	assert_int_equal(model_speaker_remaining_ms(s, at(110 * SEC).mono_ms),
	    80 * SEC);
	assert_int_equal(model_speaker_remaining_ms(s,
	    at(110 * SEC + 1).mono_ms), 80 * SEC - 1);
	/* Asked about a moment before the run began: nothing spent yet. */
	assert_int_equal(model_speaker_remaining_ms(s, at(0).mono_ms),
	    180 * SEC);
	ok(MODEL_ACTION_TOGGLE, 110 * SEC, 0, 0);
	s = sp(a);
	assert_int_equal(model_speaker_remaining_ms(s, at(500 * SEC).mono_ms),
	    80 * SEC);
	ok(MODEL_ACTION_TOGGLE, 600 * SEC, 0, 0);
	s = sp(a);
	assert_int_equal(model_speaker_remaining_ms(s, at(650 * SEC).mono_ms),
	    30 * SEC);
	ok(MODEL_ACTION_ADD_TIME, 650 * SEC, 0, 30);
	s = sp(a);
	assert_int_equal(model_speaker_remaining_ms(s, at(650 * SEC).mono_ms),
	    60 * SEC);
	/* Running on into overtime: the remaining time goes negative. */
	assert_int_equal(model_speaker_remaining_ms(s, at(710 * SEC).mono_ms),
	    0);
	assert_int_equal(model_speaker_remaining_ms(s, at(720 * SEC).mono_ms),
	    -10 * SEC);
	assert_int_equal(model_speaker_spoken_ms(s, at(720 * SEC).mono_ms),
	    220 * SEC);
	ok(MODEL_ACTION_ADD_TIME, 720 * SEC, 0, -30);
	s = sp(a);
	assert_int_equal(model_speaker_remaining_ms(s, at(720 * SEC).mono_ms),
	    -40 * SEC);
	assert_string_equal(fmt(model_speaker_remaining_ms(s,
	    at(720 * SEC).mono_ms)), "+0:40");
	ok(MODEL_ACTION_TOGGLE, 730 * SEC, 0, 0);
	s = sp(a);
	assert_int_equal(s->spent_ms, 230 * SEC);
	assert_int_equal(model_speaker_remaining_ms(s, at(900 * SEC).mono_ms),
	    -50 * SEC);
	assert_int_equal(model_speaker_stage(s, at(900 * SEC).mono_ms),
	    MODEL_STAGE_OVERTIME);
}

/* Countdowns follow the monotonic clock; a wall-clock step is ignored. */
static void
test_countdown_wall_step(void **state)
{
	struct model_action a;
	int64_t id;

	(void)state;
	id = add("A", 0, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	a = action(MODEL_ACTION_TOGGLE, 10 * SEC, 0, 0);
	assert_true(run(&a));
	/* An hour's wall-clock step back; the monotonic clock ran 20 s. */
	a = action(MODEL_ACTION_TOGGLE, 30 * SEC, 0, 0);
	a.at.wall_ms -= 3600 * SEC;
	assert_true(run(&a));
	assert_int_equal(sp(id)->spent_ms, 20 * SEC);
	assert_int_equal(sp(id)->start_wall, T0 + 10 * SEC);
}

/* Stages change exactly at the thresholds. */
static void
test_stages(void **state)
{
	const struct model_speaker *s;
	int64_t a, b, t0;

	(void)state;
	a = add("A", 0, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	s = sp(a);
	assert_int_equal(model_speaker_stage(s, at(0).mono_ms),
	    MODEL_STAGE_IDLE);
	assert_int_equal(model_speaker_stage(s, at(999 * SEC).mono_ms),
	    MODEL_STAGE_IDLE);
	ok(MODEL_ACTION_TOGGLE, 0, 0, 0);
	s = sp(a);
	t0 = at(0).mono_ms;
	/* 180 s allotted, amber at 60 s left, red at 15 s left. */
	assert_int_equal(model_speaker_stage(s, t0), MODEL_STAGE_NORMAL);
	assert_int_equal(model_speaker_stage(s, t0 + 120 * SEC - 1),
	    MODEL_STAGE_NORMAL);
	assert_int_equal(model_speaker_stage(s, t0 + 120 * SEC),
	    MODEL_STAGE_WARNING);
	assert_int_equal(model_speaker_stage(s, t0 + 165 * SEC - 1),
	    MODEL_STAGE_WARNING);
	assert_int_equal(model_speaker_stage(s, t0 + 165 * SEC),
	    MODEL_STAGE_DANGER);
	assert_int_equal(model_speaker_stage(s, t0 + 180 * SEC - 1),
	    MODEL_STAGE_DANGER);
	assert_int_equal(model_speaker_stage(s, t0 + 180 * SEC),
	    MODEL_STAGE_OVERTIME);
	assert_int_equal(model_speaker_stage(s, t0 + 3600 * SEC),
	    MODEL_STAGE_OVERTIME);
	/* Paused in amber: amber it stays, not idle. */
	ok(MODEL_ACTION_TOGGLE, 130 * SEC, 0, 0);
	s = sp(a);
	assert_int_equal(model_speaker_stage(s, t0 + 9999 * SEC),
	    MODEL_STAGE_WARNING);
	/* Time added takes it back to normal. */
	ok(MODEL_ACTION_ADD_TIME, 131 * SEC, 0, 30);
	assert_int_equal(model_speaker_stage(sp(a), t0 + 9999 * SEC),
	    MODEL_STAGE_NORMAL);

	/* A speaker's own thresholds. */
	{
		struct model_action x = action(MODEL_ACTION_SPEAKER_ADD, 0, 0,
		    0);

		x.speaker.name = "B";
		x.speaker.seconds = 100;
		x.speaker.warning_s = 50;
		x.speaker.danger_s = 10;
		assert_true(run(&x));
		b = x.seq;
	}
	ok(MODEL_ACTION_NEXT_SPEAKER, 200 * SEC, 0, 0);
	assert_int_equal(current_id(), b);
	ok(MODEL_ACTION_TOGGLE, 200 * SEC, 0, 0);
	s = sp(b);
	t0 = at(200 * SEC).mono_ms;
	assert_int_equal(model_speaker_stage(s, t0 + 50 * SEC - 1),
	    MODEL_STAGE_NORMAL);
	assert_int_equal(model_speaker_stage(s, t0 + 50 * SEC),
	    MODEL_STAGE_WARNING);
	assert_int_equal(model_speaker_stage(s, t0 + 90 * SEC),
	    MODEL_STAGE_DANGER);
	assert_int_equal(model_speaker_stage(s, t0 + 100 * SEC),
	    MODEL_STAGE_OVERTIME);
}

/* The countdown text: rounded up while time remains, counting up after. */
static void
test_format_countdown(void **state)
{
	char small[4];

	(void)state;
	assert_string_equal(fmt(180000), "3:00");
	assert_string_equal(fmt(179001), "3:00");
	assert_string_equal(fmt(179000), "2:59");
	assert_string_equal(fmt(1), "0:01");
	assert_string_equal(fmt(999), "0:01");
	assert_string_equal(fmt(1000), "0:01");
	assert_string_equal(fmt(1001), "0:02");
	assert_string_equal(fmt(0), "+0:00");
	assert_string_equal(fmt(-1), "+0:00");
	assert_string_equal(fmt(-999), "+0:00");
	assert_string_equal(fmt(-1000), "+0:01");
	assert_string_equal(fmt(-61000), "+1:01");
	assert_string_equal(fmt(600000), "10:00");
	assert_string_equal(fmt(3599000), "59:59");
	assert_string_equal(fmt(3599001), "1:00:00");
	assert_string_equal(fmt(3600000), "1:00:00");
	assert_string_equal(fmt(3600001), "1:00:01");
	assert_string_equal(fmt(4 * 3600000 + 62000), "4:01:02");
	assert_string_equal(fmt(-3600000), "+1:00:00");
	assert_string_equal(fmt(-3599999), "+59:59");
	/* A short buffer is truncated, never overrun; buf is returned. */
	assert_ptr_equal(model_format_countdown(180000, small, sizeof small),
	    small);
	assert_string_equal(small, "3:0");
}

/* When the countdown text changes next: exactly, and within 1..1000 ms. */
static void
test_next_change(void **state)
{
	static const int64_t big[] = { 3600000, 3599001, 3599000, 180000,
		179001, 179000, -3600000, -3600001, 14400000, -14400999 };
	char now[32], later[32];

	(void)state;
	assert_int_equal(model_countdown_next_change_ms(180000), 1000);
	assert_int_equal(model_countdown_next_change_ms(179001), 1);
	assert_int_equal(model_countdown_next_change_ms(179000), 1000);
	assert_int_equal(model_countdown_next_change_ms(179500), 500);
	assert_int_equal(model_countdown_next_change_ms(1), 1);
	assert_int_equal(model_countdown_next_change_ms(1000), 1000);
	assert_int_equal(model_countdown_next_change_ms(0), 1000);
	assert_int_equal(model_countdown_next_change_ms(-1), 999);
	assert_int_equal(model_countdown_next_change_ms(-999), 1);
	assert_int_equal(model_countdown_next_change_ms(-1000), 1000);
	assert_int_equal(model_countdown_next_change_ms(-1500), 500);

	/*
	 * Around zero and every second boundary near it: the text stays the
	 * same for next-1 ms and has changed after next ms.
	 */
	for (int64_t r = -5000; r <= 5000; r++) {
		int64_t next = model_countdown_next_change_ms(r);

		assert_true(next >= 1 && next <= 1000);
		model_format_countdown(r, now, sizeof now);
		model_format_countdown(r - next, later, sizeof later);
		if (strcmp(now, later) == 0)
			fail_msg("at %lld the text %s has not changed after "
			    "%lld ms", (long long)r, now, (long long)next);
		model_format_countdown(r - next + 1, later, sizeof later);
		if (strcmp(now, later) != 0)
			fail_msg("at %lld the text %s changed to %s before "
			    "%lld ms", (long long)r, now, later,
			    (long long)next);
	}
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
		for (int64_t r = big[i] - 1001; r <= big[i] + 1001; r++) {
			int64_t next = model_countdown_next_change_ms(r);

			assert_true(next >= 1 && next <= 1000);
			model_format_countdown(r, now, sizeof now);
			model_format_countdown(r - next, later, sizeof later);
			assert_string_not_equal(now, later);
			model_format_countdown(r - next + 1, later,
			    sizeof later);
			assert_string_equal(now, later);
		}
	}
}

/* Before the start the plan holds; an unstarted session drifts late. */
static void
test_projected_before_start(void **state)
{
	(void)state;
	assert_int_equal(model_projected_end(fx.m, at(-30 * MIN)),
	    T0 + 60 * MIN);
	assert_int_equal(model_offset_ms(fx.m, at(-30 * MIN)), 0);
	assert_int_equal(model_offset_ms(fx.m, at(0)), 0);
	/* Not started two minutes after the planned start: two minutes late. */
	assert_int_equal(model_offset_ms(fx.m, at(2 * MIN)), 2 * MIN);
	assert_int_equal(model_projected_end(fx.m, at(2 * MIN)),
	    T0 + 62 * MIN);
	/* Speakers queued in advance change nothing before the start. */
	add("A", 0, 0, -MIN);
	assert_int_equal(model_offset_ms(fx.m, at(-MIN)), 0);
}

/* On time mid-segment; late by a late start; late 1:1 in an overrun. */
static void
test_projected_on_time_and_overrun(void **state)
{
	(void)state;
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	assert_int_equal(model_offset_ms(fx.m, at(0)), 0);
	assert_int_equal(model_offset_ms(fx.m, at(5 * MIN)), 0);
	assert_int_equal(model_projected_end(fx.m, at(5 * MIN)),
	    T0 + 60 * MIN);
	assert_int_equal(model_offset_ms(fx.m, at(10 * MIN)), 0);
	/* Segment 0 (10 min) overruns: the offset grows with the clock. */
	assert_int_equal(model_offset_ms(fx.m, at(10 * MIN + 1)), 1);
	assert_int_equal(model_offset_ms(fx.m, at(12 * MIN)), 2 * MIN);
	assert_int_equal(model_offset_ms(fx.m, at(13 * MIN)), 3 * MIN);
	assert_int_equal(model_projected_end(fx.m, at(13 * MIN)),
	    T0 + 63 * MIN);
	/* Moving on keeps the lateness, and it stops growing. */
	ok(MODEL_ACTION_SEGMENT_NEXT, 13 * MIN, 0, 0);
	assert_int_equal(model_offset_ms(fx.m, at(13 * MIN)), 3 * MIN);
	assert_int_equal(model_offset_ms(fx.m, at(25 * MIN)), 3 * MIN);
}

/* A late start is carried through the segment. */
static void
test_projected_late_start(void **state)
{
	(void)state;
	ok(MODEL_ACTION_SEGMENT_NEXT, 3 * MIN, 0, 0);
	assert_int_equal(model_offset_ms(fx.m, at(3 * MIN)), 3 * MIN);
	assert_int_equal(model_offset_ms(fx.m, at(8 * MIN)), 3 * MIN);
	assert_int_equal(model_projected_end(fx.m, at(8 * MIN)),
	    T0 + 63 * MIN);
}

/* Speakers who claim more than the segment has left make it late. */
static void
test_projected_claimed(void **state)
{
	int64_t a, d;

	(void)state;
	/* 4 x 180 s = 12 min queued in a 10 min segment. */
	a = add("A", 0, 0, 0);
	add("B", 0, 0, 0);
	add("C", 0, 0, 0);
	d = add("D", 0, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	assert_int_equal(model_offset_ms(fx.m, at(0)), 2 * MIN);
	/* A speaks on time: the claim shrinks as fast as the segment. */
	ok(MODEL_ACTION_TOGGLE, 0, 0, 0);
	assert_int_equal(model_offset_ms(fx.m, at(1 * MIN)), 2 * MIN);
	/* A paused while the clock runs: later by the pause. */
	ok(MODEL_ACTION_TOGGLE, 1 * MIN, 0, 0);
	assert_int_equal(model_offset_ms(fx.m, at(2 * MIN)), 3 * MIN);
	/* Withdrawn speakers claim nothing. */
	ok(MODEL_ACTION_SPEAKER_WITHDRAW, 2 * MIN, d, 0);
	assert_int_equal(model_offset_ms(fx.m, at(2 * MIN)), 0);
	/* Time added to the current speaker is claimed. */
	ok(MODEL_ACTION_ADD_TIME, 2 * MIN, 0, 60);
	assert_int_equal(model_offset_ms(fx.m, at(2 * MIN)), 1 * MIN);
	/* A speaker in overtime claims nothing (not less than nothing). */
	ok(MODEL_ACTION_TOGGLE, 2 * MIN, 0, 0);
	assert_int_equal(model_speaker_remaining_ms(sp(a),
	    at(6 * MIN).mono_ms), -1 * MIN);
	/* Left at 6 min: 4 of the segment; B and C claim 6. */
	assert_int_equal(model_offset_ms(fx.m, at(6 * MIN)), 2 * MIN);
}

/* A segment ended early makes the session early. */
static void
test_projected_early(void **state)
{
	(void)state;
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 5 * MIN, 0, 0);
	assert_int_equal(model_offset_ms(fx.m, at(5 * MIN)), -5 * MIN);
	assert_int_equal(model_projected_end(fx.m, at(5 * MIN)),
	    T0 + 55 * MIN);
	assert_int_equal(model_offset_ms(fx.m, at(15 * MIN)), -5 * MIN);
	/* Segment 1 (20 min) overruns its planned 20 from 5 min: at 25. */
	assert_int_equal(model_offset_ms(fx.m, at(25 * MIN)), -5 * MIN);
	assert_int_equal(model_offset_ms(fx.m, at(27 * MIN)), -3 * MIN);
}

/* After the end the projection is the actual end, whenever asked. */
static void
test_projected_after_end(void **state)
{
	(void)state;
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 10 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 30 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 55 * MIN, 0, 0);
	assert_int_equal(model_projected_end(fx.m, at(55 * MIN)),
	    T0 + 55 * MIN);
	assert_int_equal(model_projected_end(fx.m, at(90 * MIN)),
	    T0 + 55 * MIN);
	assert_int_equal(model_offset_ms(fx.m, at(90 * MIN)), -5 * MIN);
	/* Reopened and ended late. */
	ok(MODEL_ACTION_SEGMENT_PREV, 56 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 64 * MIN, 0, 0);
	assert_int_equal(model_offset_ms(fx.m, at(90 * MIN)), 4 * MIN);
}

/* The fraction of the current segment's planned time used. */
static void
test_segment_progress(void **state)
{
	(void)state;
	assert_true(model_segment_progress(fx.m, at(0)) == 0.0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	assert_true(model_segment_progress(fx.m, at(0)) == 0.0);
	assert_true(model_segment_progress(fx.m, at(5 * MIN)) == 0.5);
	assert_true(model_segment_progress(fx.m, at(10 * MIN)) == 1.0);
	assert_true(model_segment_progress(fx.m, at(15 * MIN)) == 1.5);
	/* A moment before the segment started: nothing used. */
	assert_true(model_segment_progress(fx.m, at(-MIN)) == 0.0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 15 * MIN, 0, 0);
	assert_true(model_segment_progress(fx.m, at(20 * MIN)) == 0.25);
	ok(MODEL_ACTION_SEGMENT_NEXT, 16 * MIN, 0, 0);
	ok(MODEL_ACTION_SEGMENT_NEXT, 17 * MIN, 0, 0);
	assert_true(model_segment_progress(fx.m, at(20 * MIN)) == 0.0);
}

/* A segment's speakers: current, queued in order, finished by end time. */
static void
test_segment_speakers(void **state)
{
	int64_t a, b, c, d, e, x, ids[8];

	(void)state;
	a = add("A", 0, 0, 0);
	b = add("B", 0, 0, 0);
	c = add("C", 0, 0, 0);
	d = add("D", 0, 0, 0);
	e = add("E", 0, 0, 0);
	x = add("X", 1, 0, 0);
	assert_int_equal(model_segment_speakers(fx.m, 0, ids, 8), 5);
	assert_int_equal(ids[0], a);
	assert_int_equal(ids[4], e);
	assert_int_equal(model_segment_speakers(fx.m, 1, ids, 8), 1);
	assert_int_equal(ids[0], x);
	assert_int_equal(model_segment_speakers(fx.m, 2, ids, 8), 0);

	ok(MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	ok(MODEL_ACTION_SPEAKER_WITHDRAW, 5 * SEC, c, 0);
	ok(MODEL_ACTION_TOGGLE, 10 * SEC, 0, 0);
	ok(MODEL_ACTION_SPEAKER_WITHDRAW, 30 * SEC, d, 0);
	ok(MODEL_ACTION_NEXT_SPEAKER, 60 * SEC, 0, 0);
	/* Now: B current; E queued; C (5 s), D (30 s), A (60 s) finished. */
	for (size_t i = 0; i < 8; i++)
		ids[i] = -7;
	assert_int_equal(model_segment_speakers(fx.m, 0, ids, 8), 5);
	assert_int_equal(ids[0], b);
	assert_int_equal(ids[1], e);
	assert_int_equal(ids[2], c);
	assert_int_equal(ids[3], d);
	assert_int_equal(ids[4], a);
	assert_int_equal(ids[5], -7);

	/* A short array gets the first ones of the same order. */
	for (size_t max = 0; max <= 5; max++) {
		static const int64_t none = -7;
		int64_t want[5];

		want[0] = b;
		want[1] = e;
		want[2] = c;
		want[3] = d;
		want[4] = a;
		for (size_t i = 0; i < 8; i++)
			ids[i] = none;
		assert_int_equal(model_segment_speakers(fx.m, 0, ids, max), 5);
		for (size_t i = 0; i < max; i++)
			if (ids[i] != want[i])
				fail_msg("max %zu: ids[%zu] is %lld, not %lld",
				    max, i, (long long)ids[i],
				    (long long)want[i]);
		for (size_t i = max; i < 8; i++)
			assert_int_equal(ids[i], none);
	}
	assert_int_equal(model_segment_speakers(fx.m, 0, NULL, 0), 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_create),
		T(test_action_names),
		T(test_status_names),
		T(test_unknown_action),
		T(test_speaker_add_defaults),
		T(test_speaker_add_order),
		T(test_speaker_add_refusals),
		T(test_toggle_no_speaker),
		T(test_toggle),
		T(test_next_speaker_refusals),
		T(test_next_speaker),
		T(test_add_time),
		T(test_segment_next_first),
		T(test_segment_next_middle),
		T(test_segment_next_end),
		T(test_segment_prev_refusals),
		T(test_segment_prev),
		T(test_speaker_move),
		T(test_speaker_move_skips_withdrawn),
		T(test_withdraw),
		T(test_undo_is_replay),
		T(test_countdown),
		T(test_countdown_wall_step),
		T(test_stages),
		T(test_format_countdown),
		T(test_next_change),
		T(test_projected_before_start),
		T(test_projected_on_time_and_overrun),
		T(test_projected_late_start),
		T(test_projected_claimed),
		T(test_projected_early),
		T(test_projected_after_end),
		T(test_segment_progress),
		T(test_segment_speakers),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
