/*
 * test-export.c -- the session record with exact figures: a model built
 * with model_apply() at chosen instants (no clock, no database), exported
 * in each format, every figure checked to the second.
 *
 * Data flow: build_session() applies a scripted session to a fresh model
 * (three segments of 10/20/30 minutes from 13:30 +01:00; four speakers;
 * five questions in four languages, one of them made to look like a
 * spreadsheet formula, Markdown, HTML and a terminal escape) and keeps the
 * actions as journal records with their origins. The record is taken at
 * 13:45:00 with the second segment and its speaker still running; a second
 * test closes the session and takes it again. Formats are written to
 * memory (open_memstream) and searched.
 *
 * The script, in minutes after 13:30 (mono clock far from Unix time, to
 * catch a mix-up):
 *   0:30 segment 1 starts    1:00 Ana starts      3:00 Ana pauses
 *   4:00 Ana resumes         4:10 Ana +30 s       6:50 Ana done (290 s)
 *   7:00 Ben starts          9:00 Ben done (120 s)
 *   5:00-5:40 questions 13..17 arrive
 *   8:00 q14 on air   8:30 q13 on air (q14 answered)   8:40 q13 answered
 *   8:45 q16 dismissed   8:50 q15 approved
 *   12:00 segment 2 starts (segment 1: 11:30 long, planned 10:00)
 *   13:00 Chloé starts (120 s allotted: exactly used up at 15:00)
 */
#include "export.h"

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
#define MONO0 5000000LL
#define SEC 1000LL
#define MIN (60 * SEC)

static struct model_segment_plan plans[3] = {
	{ "Opening | welcome", NULL, NULL, 10 },
	{ "Discussion", "European Union", "funding", 20 },
	{ "Conclusions", NULL, NULL, 30 },
};

static struct model_theme themes[2] = {
	{ "funding", "Funding", NULL, 0 },
	{ "rights", "Rights", NULL, 0 },
};

static char *languages[4] = { "en", "fr", "es", "ar" };

static const struct model_event event = {
	.id = "test-event",
	.title = "Test <event> & co",
	.date = "2020-12-04",
	.utc_offset_min = 60,
	.start_wall_ms = T0,
	.end_wall_ms = T0 + 60 * MIN,
	.languages = languages,
	.nlanguages = 4,
	.warning_s = 60,
	.danger_s = 15,
	.speaker_s = 180,
	.themes = themes,
	.nthemes = 2,
	.segments = plans,
	.nsegments = 3,
};

#define FORMULA_TEXT "=1+1 | <script>alert(1)</script> *bold*"
#define ESC_TEXT "\x1b[31mred"

/* The session under test and its journal. */
static struct {
	struct model *m;
	int64_t seq;
	struct action_record journal[64];
	size_t njournal;
	struct store_verify_result chain;
} fx;

/* The instant ms after the planned start, on both clocks. */
static struct model_time
at(int64_t ms)
{
	struct model_time t = { MONO0 + ms, T0 + ms };

	return t;
}

/* Apply an action at a time, as origin, and journal it; it must be accepted. */
static void
act(struct model_action *a, int64_t ms, const char *origin)
{
	char err[256];

	a->seq = ++fx.seq;
	a->at = at(ms);
	if (!model_apply(fx.m, a, err, sizeof err))
		fail_msg("action %lld refused: %s", (long long)a->seq, err);
	assert_true(fx.njournal < 64);
	action_codec_copy(a, origin, NULL, &fx.journal[fx.njournal++]);
}

/* An action of a type with a target. */
static void
act_simple(enum model_action_type type, int64_t target, int64_t ms)
{
	struct model_action a;

	memset(&a, 0, sizeof a);
	a.type = type;
	a.target = target;
	act(&a, ms, "chair");
}

/* A speaker queued in advance. */
static void
add_speaker(const char *name, const char *org, const char *lang, int s,
    int segment)
{
	struct model_action a;

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_ADD;
	a.speaker.name = name;
	a.speaker.org = org;
	a.speaker.lang = lang;
	a.speaker.seconds = s;
	a.speaker.segment = segment;
	act(&a, 0, "event");
}

/* A question from the audience. */
static void
add_question(const char *text, const char *from, const char *lang,
    const char *theme, int64_t ms)
{
	struct model_action a;

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_QUESTION_ADD;
	a.question.text = text;
	a.question.from = from;
	a.question.lang = lang;
	a.question.theme = theme;
	act(&a, ms, "intake");
}

/* A question's new status. */
static void
set_status(int64_t id, enum model_question_status st, int64_t ms)
{
	struct model_action a;

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_QUESTION_STATUS;
	a.target = id;
	a.status = st;
	act(&a, ms, "chair");
}

/* The scripted session of the file comment. */
static void
build_session(void)
{
	struct model_action a;

	add_speaker("Ana", "EU", "en", 240, 0);           /* 1 */
	add_speaker("Ben", NULL, "fr", 0, 0);             /* 2 */
	add_speaker("Chlo\xc3\xa9", "UNDP", "es", 120, 1); /* 3 */
	add_speaker("Dev", "EU", "en", 180, 2);           /* 4 */
	act_simple(MODEL_ACTION_SEGMENT_NEXT, 0, 30 * SEC); /* 5 */
	act_simple(MODEL_ACTION_TOGGLE, 0, 1 * MIN);
	act_simple(MODEL_ACTION_TOGGLE, 0, 3 * MIN);
	act_simple(MODEL_ACTION_TOGGLE, 0, 4 * MIN);
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_ADD_TIME;
	a.delta = 30;
	act(&a, 4 * MIN + 10 * SEC, "chair");             /* 9 */
	act_simple(MODEL_ACTION_NEXT_SPEAKER, 0, 6 * MIN + 50 * SEC);
	act_simple(MODEL_ACTION_TOGGLE, 0, 7 * MIN);
	act_simple(MODEL_ACTION_NEXT_SPEAKER, 0, 9 * MIN); /* 12 */
	add_question(FORMULA_TEXT, "Zo\xc3\xab | <b>", "en", "funding",
	    5 * MIN);                                     /* 13 */
	add_question("Bonjour", "Luc", "fr", "rights", 5 * MIN + 10 * SEC);
	add_question("Merci", NULL, "fr", NULL, 5 * MIN + 20 * SEC);
	add_question("Hola", "Ana", "es", "funding", 5 * MIN + 30 * SEC);
	add_question(ESC_TEXT, "Samir", "ar", "rights", 5 * MIN + 40 * SEC);
	set_status(14, MODEL_QUESTION_ON_AIR, 8 * MIN);   /* 18 */
	set_status(13, MODEL_QUESTION_ON_AIR, 8 * MIN + 30 * SEC);
	set_status(13, MODEL_QUESTION_ANSWERED, 8 * MIN + 40 * SEC);
	set_status(16, MODEL_QUESTION_DISMISSED, 8 * MIN + 45 * SEC);
	set_status(15, MODEL_QUESTION_APPROVED, 8 * MIN + 50 * SEC);
	act_simple(MODEL_ACTION_SEGMENT_NEXT, 0, 12 * MIN); /* 23 */
	act_simple(MODEL_ACTION_TOGGLE, 0, 13 * MIN);     /* 24 */
}

/* A fresh model and the scripted session. */
static int
setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof fx);
	fx.m = model_create(&event);
	if (fx.m == NULL)
		return -1;
	build_session();
	fx.chain.status = STORE_VERIFY_OK;
	fx.chain.rows = (int64_t)fx.njournal;
	fx.chain.last_seq = fx.seq;
	fx.chain.undos = 0;
	memset(fx.chain.journal_hash, 'a', STORE_HASH_HEX);
	memset(fx.chain.undo_hash, 'b', STORE_HASH_HEX);
	snprintf(fx.chain.integrity, sizeof fx.chain.integrity, "ok");
	return 0;
}

/* Free the model and the journal. */
static int
teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < fx.njournal; i++)
		action_codec_finish(&fx.journal[i]);
	model_destroy(fx.m);
	return 0;
}

/* The input of a record taken ms after the planned start. */
static struct export_input
input(int64_t ms)
{
	struct export_input in;

	memset(&in, 0, sizeof in);
	in.model = fx.m;
	in.now = at(ms);
	in.rehearsal = false;
	in.journal = fx.journal;
	in.njournal = fx.njournal;
	in.chain = &fx.chain;
	return in;
}

/* A member of an object, which must exist. */
static json_t *
get(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		fail_msg("no member \"%s\"", key);
	return v;
}

/* An integer member. */
static int64_t
iget(const json_t *o, const char *key)
{
	json_t *v = get(o, key);

	if (!json_is_integer(v))
		fail_msg("member \"%s\" is not an integer", key);
	return json_integer_value(v);
}

/* A string member ("null" for null). */
static const char *
sget(const json_t *o, const char *key)
{
	json_t *v = get(o, key);

	if (json_is_null(v))
		return "null";
	if (!json_is_string(v))
		fail_msg("member \"%s\" is not a string", key);
	return json_string_value(v);
}

/* The element of an array whose member key is the string value. */
static json_t *
find(const json_t *a, const char *key, const char *value)
{
	size_t i;
	json_t *o;

	json_array_foreach(a, i, o) {
		if (strcmp(sget(o, key), value) == 0)
			return o;
	}
	fail_msg("no element with %s = \"%s\"", key, value);
	return NULL;
}

/* Segments: planned against actual, to the second. */
static void
test_segments(void **state)
{
	struct export_input in = input(15 * MIN);
	json_t *j = export_json(&in), *segs = get(j, "segments"), *s;

	(void)state;
	assert_string_equal(sget(j, "format"), EXPORT_FORMAT_ID);
	assert_int_equal(json_array_size(segs), 3);
	s = json_array_get(segs, 0);
	assert_string_equal(sget(s, "title"), "Opening | welcome");
	assert_string_equal(sget(s, "status"), "done");
	assert_string_equal(sget(s, "planned_start"), "2020-12-04T13:30:00+01:00");
	assert_string_equal(sget(s, "planned_end"), "2020-12-04T13:40:00+01:00");
	assert_string_equal(sget(s, "actual_start"), "2020-12-04T13:30:30+01:00");
	assert_string_equal(sget(s, "actual_end"), "2020-12-04T13:42:00+01:00");
	assert_int_equal(iget(s, "planned_s"), 600);
	assert_int_equal(iget(s, "actual_s"), 690);
	assert_int_equal(iget(s, "overrun_s"), 90);
	assert_int_equal(iget(s, "start_delay_s"), 30);
	assert_int_equal(iget(s, "speakers_heard"), 2);
	assert_int_equal(iget(s, "spoken_s"), 410);

	/* The current one: so far, no end, no overrun yet. */
	s = json_array_get(segs, 1);
	assert_string_equal(sget(s, "status"), "current");
	assert_string_equal(sget(s, "actual_end"), "null");
	assert_int_equal(iget(s, "actual_s"), 180);
	assert_true(json_is_null(get(s, "overrun_s")));
	assert_int_equal(iget(s, "start_delay_s"), 120);
	assert_int_equal(iget(s, "spoken_s"), 120);

	s = json_array_get(segs, 2);
	assert_string_equal(sget(s, "status"), "not_started");
	assert_true(json_is_null(get(s, "actual_s")));

	s = get(j, "summary");
	assert_string_equal(sget(s, "status"), "in_progress");
	assert_string_equal(sget(s, "mode"), "live");
	assert_string_equal(sget(s, "generated_at"), "2020-12-04T13:45:00+01:00");
	assert_string_equal(sget(s, "actual_start"), "2020-12-04T13:30:30+01:00");
	assert_int_equal(iget(s, "actual_s"), 870);
	assert_true(json_is_null(get(s, "overrun_s")));
	assert_int_equal(iget(s, "planned_s"), 3600);
	assert_int_equal(iget(s, "segments_done"), 1);
	assert_int_equal(iget(s, "speakers"), 4);
	assert_int_equal(iget(s, "speakers_heard"), 3);
	assert_int_equal(iget(s, "spoken_s"), 530);
	assert_int_equal(iget(s, "questions"), 5);
	assert_int_equal(iget(s, "questions_put_on_air"), 2);
	json_decref(j);
}

/* Speakers: allotted, added, spoken without pauses, overtime; and totals. */
static void
test_speakers(void **state)
{
	struct export_input in = input(15 * MIN);
	json_t *j = export_json(&in), *a = get(j, "speakers"), *s;

	(void)state;
	assert_int_equal(json_array_size(a), 4);
	s = find(a, "name", "Ana");
	assert_int_equal(iget(s, "id"), 1);
	assert_string_equal(sget(s, "org"), "EU");
	assert_string_equal(sget(s, "lang"), "en");
	assert_string_equal(sget(s, "status"), "done");
	assert_int_equal(iget(s, "allotted_s"), 240);
	assert_int_equal(iget(s, "added_s"), 30);
	assert_int_equal(iget(s, "granted_s"), 270);
	/* 1:00-3:00 and 4:00-6:50, the pause between not counted. */
	assert_int_equal(iget(s, "spoken_s"), 290);
	assert_int_equal(iget(s, "overtime_s"), 20);
	assert_string_equal(sget(s, "started_at"), "2020-12-04T13:31:00+01:00");
	assert_string_equal(sget(s, "ended_at"), "2020-12-04T13:36:50+01:00");
	s = find(a, "name", "Ben");
	assert_int_equal(iget(s, "allotted_s"), 180);
	assert_int_equal(iget(s, "spoken_s"), 120);
	assert_int_equal(iget(s, "overtime_s"), 0);
	s = find(a, "name", "Chlo\xc3\xa9");
	assert_string_equal(sget(s, "status"), "current");
	assert_int_equal(iget(s, "spoken_s"), 120);
	assert_int_equal(iget(s, "overtime_s"), 0);
	assert_string_equal(sget(s, "ended_at"), "null");
	s = find(a, "name", "Dev");
	assert_string_equal(sget(s, "status"), "queued");
	assert_int_equal(iget(s, "spoken_s"), 0);
	/* In the order they spoke, by segment. */
	assert_string_equal(sget(json_array_get(a, 0), "name"), "Ana");
	assert_string_equal(sget(json_array_get(a, 3), "name"), "Dev");

	/* Totals count who had the floor; the longest first, "" last. */
	a = get(j, "organisations");
	assert_int_equal(json_array_size(a), 3);
	s = json_array_get(a, 0);
	assert_string_equal(sget(s, "org"), "EU");
	assert_int_equal(iget(s, "speakers"), 1);
	assert_int_equal(iget(s, "spoken_s"), 290);
	assert_int_equal(iget(s, "overtime_s"), 20);
	assert_int_equal(iget(s, "added_s"), 30);
	assert_true(json_real_value(get(s, "spoken_share")) == 290.0 / 530.0);
	assert_string_equal(sget(json_array_get(a, 1), "org"), "UNDP");
	assert_string_equal(sget(json_array_get(a, 2), "org"), "");

	/* Languages in the event's order. */
	a = get(j, "languages");
	assert_int_equal(json_array_size(a), 3);
	assert_string_equal(sget(json_array_get(a, 0), "lang"), "en");
	assert_string_equal(sget(json_array_get(a, 1), "lang"), "fr");
	assert_string_equal(sget(json_array_get(a, 2), "lang"), "es");
	assert_int_equal(iget(json_array_get(a, 1), "spoken_s"), 120);
	assert_int_equal(iget(json_array_get(a, 0), "allotted_s"), 240);
	json_decref(j);
}

/* Questions by status, theme and language, with the shares put on air. */
static void
test_questions(void **state)
{
	struct export_input in = input(15 * MIN);
	json_t *j = export_json(&in), *a, *s;

	(void)state;
	a = get(j, "questions");
	assert_int_equal(json_array_size(a), 5);
	s = json_array_get(a, 0);
	assert_string_equal(sget(s, "text"), FORMULA_TEXT);
	assert_string_equal(sget(s, "status"), "answered");
	assert_string_equal(sget(s, "on_air_at"), "2020-12-04T13:38:30+01:00");
	assert_string_equal(sget(s, "answered_at"), "2020-12-04T13:38:40+01:00");
	assert_string_equal(sget(s, "received_at"), "2020-12-04T13:35:00+01:00");
	s = json_array_get(a, 1);
	assert_string_equal(sget(s, "on_air_at"), "2020-12-04T13:38:00+01:00");
	assert_string_equal(sget(s, "answered_at"), "2020-12-04T13:38:30+01:00");
	assert_string_equal(sget(json_array_get(a, 2), "on_air_at"), "null");

	s = get(j, "question_statuses");
	assert_int_equal(iget(s, "total"), 5);
	assert_int_equal(iget(s, "new"), 1);
	assert_int_equal(iget(s, "approved"), 1);
	assert_int_equal(iget(s, "on_air"), 0);
	assert_int_equal(iget(s, "answered"), 2);
	assert_int_equal(iget(s, "dismissed"), 1);
	assert_int_equal(iget(s, "put_on_air"), 2);

	a = get(j, "question_themes");
	assert_int_equal(json_array_size(a), 3);
	s = json_array_get(a, 0);
	assert_string_equal(sget(s, "theme"), "funding");
	assert_string_equal(sget(s, "title"), "Funding");
	assert_int_equal(iget(s, "total"), 2);
	assert_int_equal(iget(s, "answered"), 1);
	assert_int_equal(iget(s, "dismissed"), 1);
	assert_int_equal(iget(s, "put_on_air"), 1);
	s = json_array_get(a, 2);
	assert_string_equal(sget(s, "theme"), "");
	assert_int_equal(iget(s, "approved"), 1);

	/* Every language of the event, in its order; the shares exactly. */
	a = get(j, "question_languages");
	assert_int_equal(json_array_size(a), 4);
	s = json_array_get(a, 0);
	assert_string_equal(sget(s, "lang"), "en");
	assert_int_equal(iget(s, "total"), 1);
	assert_int_equal(iget(s, "put_on_air"), 1);
	assert_true(json_real_value(get(s, "on_air_share")) == 1.0);
	assert_true(json_real_value(get(s, "share_of_on_air")) == 0.5);
	s = json_array_get(a, 1);
	assert_string_equal(sget(s, "lang"), "fr");
	assert_int_equal(iget(s, "total"), 2);
	assert_int_equal(iget(s, "approved"), 1);
	assert_true(json_real_value(get(s, "on_air_share")) == 0.5);
	assert_true(json_real_value(get(s, "share_of_on_air")) == 0.5);
	s = json_array_get(a, 2);
	assert_string_equal(sget(s, "lang"), "es");
	assert_true(json_real_value(get(s, "on_air_share")) == 0.0);
	s = json_array_get(a, 3);
	assert_string_equal(sget(s, "lang"), "ar");
	assert_int_equal(iget(s, "new"), 1);
	json_decref(j);
}

/* The journal block: rows by origin and kind, and the chain's hashes. */
static void
test_journal(void **state)
{
	struct export_input in = input(15 * MIN);
	json_t *j, *a, *s;

	(void)state;
	fx.journal[8].undone = true; /* the +30 s */
	j = export_json(&in);
	s = get(j, "journal");
	assert_int_equal(iget(s, "rows"), 24);
	assert_int_equal(iget(s, "undone"), 1);
	assert_string_equal(sget(s, "chain"), "ok");
	assert_string_equal(sget(s, "problem"), "null");
	assert_int_equal(strlen(sget(s, "hash")), STORE_HASH_HEX);
	assert_int_equal(sget(s, "hash")[0], 'a');
	assert_int_equal(sget(s, "undo_hash")[0], 'b');
	a = get(j, "actions");
	s = json_array_get(a, 0);
	assert_string_equal(sget(s, "origin"), "chair");
	assert_string_equal(sget(s, "kind"), "add_time");
	assert_int_equal(iget(s, "rows"), 1);
	assert_int_equal(iget(s, "undone"), 1);
	s = find(a, "kind", "question_add");
	assert_string_equal(sget(s, "origin"), "intake");
	assert_int_equal(iget(s, "rows"), 5);
	json_decref(j);

	/* A broken chain is said, with where. */
	fx.chain.status = STORE_VERIFY_ROW;
	fx.chain.at = 7;
	snprintf(fx.chain.why, sizeof fx.chain.why, "edited");
	j = export_json(&in);
	s = get(j, "journal");
	assert_string_equal(sget(s, "chain"), "broken");
	assert_int_equal(iget(s, "broken_row"), 7);
	assert_string_equal(sget(s, "problem"), "edited");
	json_decref(j);

	/* A schema-1 database has no hash to give. */
	fx.chain.status = STORE_VERIFY_UNCHAINED;
	j = export_json(&in);
	s = get(j, "journal");
	assert_string_equal(sget(s, "chain"), "unchained");
	assert_string_equal(sget(s, "hash"), "null");
	json_decref(j);
}

/* After the last segment: ended, actual end, overrun of the whole session. */
static void
test_ended(void **state)
{
	struct export_input in;
	json_t *j, *s;

	(void)state;
	act_simple(MODEL_ACTION_SEGMENT_NEXT, 0, 20 * MIN);
	act_simple(MODEL_ACTION_SEGMENT_NEXT, 0, 65 * MIN);
	in = input(70 * MIN);
	j = export_json(&in);
	s = get(j, "summary");
	assert_string_equal(sget(s, "status"), "ended");
	assert_string_equal(sget(s, "actual_end"), "2020-12-04T14:35:00+01:00");
	assert_int_equal(iget(s, "actual_s"), 3870);
	assert_int_equal(iget(s, "overrun_s"), 270);
	s = json_array_get(get(j, "segments"), 1);
	assert_int_equal(iget(s, "actual_s"), 480);
	assert_int_equal(iget(s, "overrun_s"), -720);
	/* Chloé was stopped when her segment closed: 7 minutes spoken. */
	s = find(get(j, "speakers"), "name", "Chlo\xc3\xa9");
	assert_string_equal(sget(s, "status"), "done");
	assert_int_equal(iget(s, "spoken_s"), 420);
	assert_int_equal(iget(s, "overtime_s"), 300);
	s = json_array_get(get(j, "segments"), 2);
	assert_int_equal(iget(s, "actual_s"), 2700);
	assert_int_equal(iget(s, "overrun_s"), 900);
	json_decref(j);
}

/* Write the record in a format into a malloc'd string. */
static char *
write_format(enum export_format fmt, int64_t ms)
{
	struct export_input in = input(ms);
	char *buf = NULL, *cause = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (export_write(f, fmt, &in, &cause) != 0)
		fail_msg("export_write: %s", cause);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(strlen(buf), len);
	return buf;
}

/* Assert a text contains a needle. */
static void
has(const char *text, const char *needle)
{
	if (strstr(text, needle) == NULL)
		fail_msg("output lacks \"%s\"", needle);
}

/* Markdown: padded tables, durations, escaping, no escape sequences. */
static void
test_markdown(void **state)
{
	char *md = write_format(EXPORT_MD, 15 * MIN);

	(void)state;
	has(md, "# Session record: Test \\<event\\> & co\n");
	has(md, "| start    | 13:30:00 |           13:30:30 |");
	has(md, "|   1 | Opening \\| welcome | 13:30–13:40 | 13:30:30–13:42:00 |");
	has(md, "| 13:42:00–now      |");
	has(md, "11:30 |   +1:30 | +0:30 |");
	has(md, "3:00 so far |");
	has(md, "| Ana     | EU           | en   | done    |");
	has(md, "|     4:00 | +0:30 |   4:50 |    +0:20 | 13:31:00 | 13:36:50 |");
	has(md, "=1+1 \\| \\<script\\>alert(1)\\</script\\> \\*bold\\*");
	has(md, "| en       |        1 |   0 |");
	has(md, "|          100.0 % |                  50.0 % |");
	has(md, "| Funding |        2 |");
	has(md, "| —            |        1 |     3:00 |");
	has(md, "journal hash: `aaaa");
	/* The terminal escape is shown, never sent. */
	assert_null(strchr(md, '\x1b'));
	has(md, "\xe2\x90\x9b\\[31mred");
	free(md);
}

/* CSV: one layout, text quoted, numbers bare, formulas defused. */
static void
test_csv(void **state)
{
	char *csv = write_format(EXPORT_CSV, 15 * MIN);

	(void)state;
	assert_true(strncmp(csv, "\"table\",\"format\"\r\n"
	    "\"record\",\"podium-record/1\"\r\n", 46) == 0);
	has(csv, "\r\n\"table\",\"index\",\"title\",\"lead\",\"theme\",\"status\"");
	has(csv, "\r\n\"segments\",0,\"Opening | welcome\",,,\"done\","
	    "\"2020-12-04T13:30:00+01:00\",\"2020-12-04T13:40:00+01:00\",600,"
	    "\"2020-12-04T13:30:30+01:00\",\"2020-12-04T13:42:00+01:00\",690,"
	    "90,30,2,410\r\n");
	has(csv, "\r\n\"segments\",1,\"Discussion\",\"European Union\","
	    "\"funding\",\"current\"");
	has(csv, "\"'=1+1 | <script>alert(1)</script> *bold*\"");
	has(csv, "\"'+01:00\"");
	has(csv, "\r\n\"question_languages\",\"fr\",2,0,1,0,1,0,1,0.5000,0.5000"
	    "\r\n");
	has(csv, "\r\n\"organisations\",\"EU\",1,240,30,290,20,0.5472\r\n");
	/* Numbers are bare, even negative ones. */
	free(csv);
	csv = write_format(EXPORT_CSV, 15 * MIN);
	has(csv, "\"Ana\",\"EU\",\"en\",\"done\",240,30,270,290,20,");
	free(csv);
}

/* SVG: well-formed text, escaped, the bars where the times say. */
static void
test_svg(void **state)
{
	char *svg = write_format(EXPORT_SVG, 15 * MIN);

	(void)state;
	assert_true(strncmp(svg, "<?xml version=\"1.0\"", 19) == 0);
	has(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
	has(svg, "Test &lt;event&gt; &amp; co");
	has(svg, "Opening | welcome: planned 13:30–13:40 (10:00)");
	has(svg, "Opening | welcome: actual 13:30:30–13:42:00 (11:30),"
	    " overrun +1:30");
	has(svg, "Ana: 13:31:00–13:36:50, spoke 4:50 of 4:30, overtime +0:20");
	has(svg, "class=\"now\"");
	has(svg, "journal hash aaaa");
	assert_null(strstr(svg, "<script"));
	assert_null(strchr(svg, '\x1b'));
	has(svg, "</svg>\n");
	free(svg);
}

/* Format names, and the JSON format is the JSON record. */
static void
test_formats(void **state)
{
	enum export_format fmt = EXPORT_SVG;
	struct export_input in = input(15 * MIN);
	json_t *j, *k;
	json_error_t err;
	char *text;

	(void)state;
	assert_true(export_format_by_name("md", &fmt));
	assert_int_equal(fmt, EXPORT_MD);
	assert_true(export_format_by_name("json", &fmt));
	assert_int_equal(fmt, EXPORT_JSON);
	assert_true(export_format_by_name("csv", &fmt));
	assert_true(export_format_by_name("svg", &fmt));
	assert_string_equal(export_format_name(fmt), "svg");
	assert_false(export_format_by_name("pdf", &fmt));
	assert_int_equal(fmt, EXPORT_SVG);

	text = write_format(EXPORT_JSON, 15 * MIN);
	j = json_loads(text, 0, &err);
	if (j == NULL)
		fail_msg("JSON output does not parse: %s", err.text);
	k = export_json(&in);
	assert_true(json_equal(j, k));
	json_decref(j);
	json_decref(k);
	free(text);
}

/* A record of a session not started yet, and of an empty event. */
static void
test_not_started(void **state)
{
	static const struct model_event bare = {
		.id = "bare", .title = "Bare", .date = "2020-12-04",
		.start_wall_ms = T0, .end_wall_ms = T0 + 10 * MIN,
		.segments = plans, .nsegments = 1,
	};
	struct model *m = model_create(&bare);
	struct export_input in;
	enum export_format fmts[] = { EXPORT_MD, EXPORT_CSV, EXPORT_JSON,
		EXPORT_SVG };
	char *buf = NULL, *cause = NULL;
	size_t len = 0;
	json_t *j;

	(void)state;
	memset(&in, 0, sizeof in);
	in.model = m;
	in.now = at(-5 * MIN);
	j = export_json(&in);
	assert_string_equal(sget(get(j, "summary"), "status"), "not_started");
	assert_string_equal(sget(get(j, "journal"), "chain"), "unchecked");
	assert_int_equal(json_array_size(get(j, "questions")), 0);
	json_decref(j);
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		FILE *f = open_memstream(&buf, &len);

		assert_int_equal(export_write(f, fmts[i], &in, &cause), 0);
		fclose(f);
		assert_true(len > 0);
		if (fmts[i] == EXPORT_MD)
			has(buf, "None.");
		free(buf);
		buf = NULL;
	}
	model_destroy(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_speakers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_questions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ended, setup, teardown),
		cmocka_unit_test_setup_teardown(test_markdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_svg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_formats, setup, teardown),
		cmocka_unit_test(test_not_started),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
