/*
 * test-action-codec.c -- journal rows to actions and back.
 *
 * Every action type is encoded (yajl's generator) and decoded again
 * (yajl's event parser) to the same action; the encoding is compared byte
 * for byte with jansson's (JSON_COMPACT | JSON_SORT_KEYS), which wrote the
 * rows before, over every control character, escapes and invalid UTF-8; hand-written rows check what the decoder
 * must refuse (not an object, wrong types, NUL inside a string, values
 * out of range) and what it must take as jansson would (escapes, unknown
 * and nested members ignored, a later duplicate winning, strings far
 * longer than the decoder's stack buffer, nesting deeper than its arena).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "action-codec.h"

/* Decode args as a row of the given kind; 0 or -1 (cause freed here). */
static int
decode(const char *kind, const char *args, struct action_record *r)
{
	struct store_row row = { 7, kind, args, 100, 200, "intake", "x-1",
		false };
	char *cause = NULL;
	int rc = action_codec_decode(&row, r, NULL, &cause);

	if (rc != 0) {
		assert_non_null(cause);
		assert_non_null(strstr(cause, "journal row 7"));
		free(cause);
	} else {
		assert_null(cause);
	}
	return rc;
}

/* Encode an action and decode it again; the record is the caller's. */
static void
round_trip(const struct model_action *a, struct action_record *r)
{
	char *args = action_codec_encode(a);

	assert_int_equal(decode(model_action_info(a->type)->name, args, r), 0);
	free(args);
	assert_int_equal(r->action.type, a->type);
	assert_int_equal(r->action.seq, 7);
	assert_int_equal(r->action.at.mono_ms, 100);
	assert_int_equal(r->action.at.wall_ms, 200);
	assert_string_equal(r->origin, "intake");
	assert_string_equal(r->ext_id, "x-1");
}

/* A question, with every field and characters that need escaping. */
static void
test_question_round_trip(void **state)
{
	struct model_action a;
	struct action_record r;

	(void)state;
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_QUESTION_ADD;
	a.question.ext_id = "x-1";
	a.question.text = "Quote \" backslash \\ tab\t newline\n é ع 中 \x1b[2J";
	a.question.from = "Aïcha";
	a.question.org = "ONG \"Espoir\"";
	a.question.country = "Sénégal";
	a.question.lang = "fr";
	a.question.theme = "funding";
	a.question.theme_auto = true;
	round_trip(&a, &r);
	assert_string_equal(r.action.question.text, a.question.text);
	assert_string_equal(r.action.question.from, a.question.from);
	assert_string_equal(r.action.question.org, a.question.org);
	assert_string_equal(r.action.question.country, a.question.country);
	assert_string_equal(r.action.question.lang, "fr");
	assert_string_equal(r.action.question.theme, "funding");
	assert_true(r.action.question.theme_auto);
	/* The question's id and the row's are the same string, kept once. */
	assert_ptr_equal(r.action.question.ext_id, r.ext_id);
	action_codec_finish(&r);
}

/* Set a string member for the reference encoding when not NULL. */
static void
ref_str(json_t *o, const char *key, const char *value)
{
	if (value != NULL)
		json_object_set_new(o, key, json_string(value));
}

/* jansson's text for a question, as the rows were written before. */
static char *
ref_question(const struct model_action *a)
{
	json_t *o = json_object();
	char *text;

	ref_str(o, "ext_id", a->question.ext_id);
	ref_str(o, "text", a->question.text);
	ref_str(o, "from", a->question.from);
	ref_str(o, "org", a->question.org);
	ref_str(o, "country", a->question.country);
	ref_str(o, "lang", a->question.lang);
	ref_str(o, "theme", a->question.theme);
	json_object_set_new(o, "theme_auto", json_boolean(a->question.theme_auto));
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return text;
}

/* Encode a question and compare with jansson's text. */
static void
same_as_jansson(const struct model_action *a)
{
	char *got = action_codec_encode(a), *want = ref_question(a);

	assert_string_equal(got, want);
	free(got);
	free(want);
}

/* The generator writes what jansson wrote, byte for byte. */
static void
test_same_bytes_as_jansson(void **state)
{
	struct model_action a;
	char controls[160], *p = controls;

	(void)state;
	for (int c = 1; c < 0x20; c++)
		*p++ = (char)c;
	memcpy(p, "\x7f / \\ \" \u00e9 \u2028 \u202e \U0001f600 \ufeff",
	    sizeof "\x7f / \\ \" \u00e9 \u2028 \u202e \U0001f600 \ufeff");
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_QUESTION_ADD;
	a.question.text = controls;
	a.question.ext_id = "client-1/7";
	a.question.lang = "ar";
	a.question.from = "";
	a.question.theme = "other";
	same_as_jansson(&a);
	a.question.theme_auto = true;
	a.question.country = "Côte d'Ivoire";
	a.question.org = "ICBL-CMC";
	same_as_jansson(&a);
	/* Invalid UTF-8: jansson leaves the member out; so does the codec. */
	a.question.from = "bad \xc3\x28 byte";
	same_as_jansson(&a);
	a.question.text = "\xff\xfe";
	same_as_jansson(&a);
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_QUESTION_ADD;
	same_as_jansson(&a);  /* nothing but theme_auto */

	/* The other types, against their text as jansson wrote it. */
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_ADD;
	a.speaker.name = "H.E. Ms. Ana";
	a.speaker.seconds = 180;
	a.speaker.segment = 3;
	a.speaker.danger_s = 10;
	a.speaker.warning_s = 30;
	p = action_codec_encode(&a);
	assert_string_equal(p, "{\"danger_s\":10,\"lang\":\"\",\"name\":"
	    "\"H.E. Ms. Ana\",\"org\":\"\",\"seconds\":180,\"segment\":3,"
	    "\"warning_s\":30}");
	free(p);
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_MOVE;
	a.target = 12;
	a.delta = -1;
	p = action_codec_encode(&a);
	assert_string_equal(p, "{\"delta\":-1,\"speaker\":12}");
	free(p);
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_QUESTION_STATUS;
	a.target = 40;
	a.status = MODEL_QUESTION_ON_AIR;
	p = action_codec_encode(&a);
	assert_string_equal(p, "{\"question\":40,\"status\":\"on_air\"}");
	free(p);
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_TOGGLE;
	p = action_codec_encode(&a);
	assert_string_equal(p, "{}");
	free(p);
}

/* A speaker, a move, a status, a vote, a bare toggle. */
static void
test_other_round_trips(void **state)
{
	struct model_action a;
	struct action_record r;

	(void)state;
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_ADD;
	a.speaker.name = "H.E. Ms. Ana";
	a.speaker.org = "Colombia";
	a.speaker.lang = "es";
	a.speaker.seconds = 180;
	a.speaker.segment = 3;
	a.speaker.warning_s = 30;
	round_trip(&a, &r);
	assert_string_equal(r.action.speaker.name, "H.E. Ms. Ana");
	assert_int_equal(r.action.speaker.seconds, 180);
	assert_int_equal(r.action.speaker.segment, 3);
	assert_int_equal(r.action.speaker.warning_s, 30);
	assert_int_equal(r.action.speaker.danger_s, 0);
	action_codec_finish(&r);

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_MOVE;
	a.target = 12;
	a.delta = -1;
	round_trip(&a, &r);
	assert_int_equal(r.action.target, 12);
	assert_int_equal(r.action.delta, -1);
	action_codec_finish(&r);

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_QUESTION_STATUS;
	a.target = 40;
	a.status = MODEL_QUESTION_ON_AIR;
	round_trip(&a, &r);
	assert_int_equal(r.action.status, MODEL_QUESTION_ON_AIR);
	action_codec_finish(&r);

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_TOGGLE;
	round_trip(&a, &r);
	action_codec_finish(&r);
}

/* Rows the decoder must refuse, each naming the row. */
static void
test_refused(void **state)
{
	static const struct {
		const char *kind;
		const char *args;
	} bad[] = {
		{ "question_add", "[]" },
		{ "question_add", "\"text\"" },
		{ "question_add", "" },
		{ "question_add", "{\"text\":\"a\"" },
		{ "question_add", "{\"text\":\"a\"} {}" },
		{ "question_add", "{\"from\":\"no text\"}" },
		{ "question_add", "{\"text\":7}" },
		{ "question_add", "{\"text\":\"nul \\u0000 inside\"}" },
		{ "question_add", "{\"text\":\"bad utf-8 \xff\"}" },
		{ "speaker_add", "{\"name\":\"a\",\"org\":\"b\",\"lang\":\"en\","
		    "\"seconds\":1.5,\"segment\":0}" },
		{ "add_time", "{\"seconds\":99999999}" },
		{ "speaker_move", "{\"speaker\":3,\"delta\":2}" },
		{ "question_status", "{\"question\":3,\"status\":\"eaten\"}" },
		{ "question_vote", "{\"question\":0}" },
		{ "no_such_action", "{}" },
	};
	struct action_record r;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (decode(bad[i].kind, bad[i].args, &r) == 0)
			fail_msg("accepted %s %s", bad[i].kind, bad[i].args);
	}
}

/* What jansson would take: unknown and nested members, duplicates. */
static void
test_tolerated(void **state)
{
	struct action_record r;

	(void)state;
	assert_int_equal(decode("question_add", " { \"later\":{\"text\":"
	    "\"nested\",\"x\":[1,{\"text\":2}]}, \"text\":\"first\","
	    "\"theme_auto\":1, \"text\":\"last\\u00e9\\ud83d\\ude00\" } ",
	    &r), 0);
	assert_string_equal(r.action.question.text, "last\xc3\xa9\xf0\x9f\x98\x80");
	assert_false(r.action.question.theme_auto);  /* 1 is not true */
	assert_null(r.action.question.from);
	action_codec_finish(&r);
}

/* A text of 100,000 escaped characters and 2,000 levels of nesting. */
static void
test_large(void **state)
{
	size_t n = 100000, depth = 2000;
	char *args = malloc(n * 2 + depth * 2 + 64), *p = args;
	struct action_record r;

	(void)state;
	p += sprintf(p, "{\"deep\":");
	for (size_t i = 0; i < depth; i++)
		*p++ = '[';
	for (size_t i = 0; i < depth; i++)
		*p++ = ']';
	p += sprintf(p, ",\"text\":\"");
	for (size_t i = 0; i < n; i++) {
		*p++ = '\\';
		*p++ = 'n';
	}
	strcpy(p, "\"}");
	assert_int_equal(decode("question_add", args, &r), 0);
	assert_int_equal(strlen(r.action.question.text), n);
	assert_int_equal(r.action.question.text[n - 1], '\n');
	action_codec_finish(&r);
	free(args);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_question_round_trip),
		cmocka_unit_test(test_other_round_trips),
		cmocka_unit_test(test_same_bytes_as_jansson),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_tolerated),
		cmocka_unit_test(test_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
