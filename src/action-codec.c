/*
 * action-codec.c -- journal rows <-> actions, with jansson.
 *
 * Only the arguments that an action type uses are written; decoding checks
 * types and ranges so a damaged row is reported, never replayed as
 * something else.
 */
#include "action-codec.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy a string or NULL, aborting when memory runs out. */
static char *
action_codec_strdup(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	return d;
}

/* Set a string member when the string is not NULL. */
static void
action_codec_set_opt(json_t *o, const char *key, const char *value)
{
	if (value != NULL)
		json_object_set_new(o, key, json_string(value));
}

/* The arguments of an action as JSON object text. */
char *
action_codec_encode(const struct model_action *a)
{
	json_t *o = json_object();
	char *text;

	switch (a->type) {
	case MODEL_ACTION_SPEAKER_ADD:
		json_object_set_new(o, "name", json_string(a->speaker.name));
		json_object_set_new(o, "org",
		    json_string(a->speaker.org ? a->speaker.org : ""));
		json_object_set_new(o, "lang",
		    json_string(a->speaker.lang ? a->speaker.lang : ""));
		json_object_set_new(o, "seconds",
		    json_integer(a->speaker.seconds));
		json_object_set_new(o, "segment",
		    json_integer(a->speaker.segment));
		if (a->speaker.warning_s > 0)
			json_object_set_new(o, "warning_s",
			    json_integer(a->speaker.warning_s));
		if (a->speaker.danger_s > 0)
			json_object_set_new(o, "danger_s",
			    json_integer(a->speaker.danger_s));
		break;
	case MODEL_ACTION_ADD_TIME:
		json_object_set_new(o, "seconds", json_integer(a->delta));
		break;
	case MODEL_ACTION_SPEAKER_MOVE:
		json_object_set_new(o, "speaker", json_integer(a->target));
		json_object_set_new(o, "delta", json_integer(a->delta));
		break;
	case MODEL_ACTION_SPEAKER_WITHDRAW:
		json_object_set_new(o, "speaker", json_integer(a->target));
		break;
	case MODEL_ACTION_QUESTION_ADD:
		action_codec_set_opt(o, "ext_id", a->question.ext_id);
		action_codec_set_opt(o, "text", a->question.text);
		action_codec_set_opt(o, "from", a->question.from);
		action_codec_set_opt(o, "org", a->question.org);
		action_codec_set_opt(o, "country", a->question.country);
		action_codec_set_opt(o, "lang", a->question.lang);
		action_codec_set_opt(o, "theme", a->question.theme);
		json_object_set_new(o, "theme_auto",
		    json_boolean(a->question.theme_auto));
		break;
	case MODEL_ACTION_QUESTION_STATUS:
		json_object_set_new(o, "question", json_integer(a->target));
		json_object_set_new(o, "status",
		    json_string(model_question_status_name(a->status)));
		break;
	case MODEL_ACTION_QUESTION_THEME:
		json_object_set_new(o, "question", json_integer(a->target));
		action_codec_set_opt(o, "theme", a->question.theme);
		break;
	case MODEL_ACTION_QUESTION_VOTE:
		json_object_set_new(o, "question", json_integer(a->target));
		break;
	default:
		break;
	}
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (text == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	return text;
}

/* An integer member of a JSON object within [lo, hi]; false if missing or bad. */
static bool
action_codec_int(json_t *o, const char *key, json_int_t lo, json_int_t hi,
    json_int_t *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return *out >= lo && *out <= hi;
}

/* A string member of a JSON object, copied; false if missing or not a string. */
static bool
action_codec_str(json_t *o, const char *key, char **out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return false;
	*out = action_codec_strdup(json_string_value(v));
	return true;
}

/* Point the action's borrowed strings at the record's owned copies. */
static void
action_codec_bind(struct action_record *r)
{
	r->action.speaker.name = r->name;
	r->action.speaker.org = r->org;
	r->action.speaker.lang = r->lang;
	r->action.question.ext_id = r->q_ext_id;
	r->action.question.text = r->q_text;
	r->action.question.from = r->q_from;
	r->action.question.org = r->q_org;
	r->action.question.country = r->q_country;
	r->action.question.lang = r->q_lang;
	r->action.question.theme = r->q_theme;
}

/* Decode a journal row. */
int
action_codec_decode(const struct store_row *row, struct action_record *out,
    char **cause)
{
	json_error_t jerr;
	json_t *o = NULL;
	json_int_t v;
	int type;
	const char *bad = NULL;
	char *msg;

	memset(out, 0, sizeof *out);
	type = model_action_by_name(row->kind);
	if (type < 0) {
		bad = "unknown action";
		goto fail;
	}
	o = json_loads(row->args, 0, &jerr);
	if (!json_is_object(o)) {
		bad = "arguments are not a JSON object";
		goto fail;
	}
	out->action.type = (enum model_action_type)type;
	out->action.seq = row->seq;
	out->action.at.mono_ms = row->mono_ms;
	out->action.at.wall_ms = row->wall_ms;
	switch (out->action.type) {
	case MODEL_ACTION_SPEAKER_ADD:
		if (!action_codec_str(o, "name", &out->name) ||
		    !action_codec_str(o, "org", &out->org) ||
		    !action_codec_str(o, "lang", &out->lang)) {
			bad = "speaker name, org or lang missing";
			goto fail;
		}
		if (!action_codec_int(o, "seconds", 0, MODEL_SECONDS_MAX, &v)) {
			bad = "bad seconds";
			goto fail;
		}
		out->action.speaker.seconds = (int)v;
		if (!action_codec_int(o, "segment", -1, 100000, &v)) {
			bad = "bad segment";
			goto fail;
		}
		out->action.speaker.segment = (int)v;
		if (action_codec_int(o, "warning_s", 1, MODEL_SECONDS_MAX, &v))
			out->action.speaker.warning_s = (int)v;
		if (action_codec_int(o, "danger_s", 1, MODEL_SECONDS_MAX, &v))
			out->action.speaker.danger_s = (int)v;
		break;
	case MODEL_ACTION_ADD_TIME:
		if (!action_codec_int(o, "seconds", -MODEL_SECONDS_MAX,
		    MODEL_SECONDS_MAX, &v)) {
			bad = "bad seconds";
			goto fail;
		}
		out->action.delta = (int)v;
		break;
	case MODEL_ACTION_SPEAKER_MOVE:
	case MODEL_ACTION_SPEAKER_WITHDRAW:
		if (!action_codec_int(o, "speaker", 1, INT64_MAX, &v)) {
			bad = "bad speaker id";
			goto fail;
		}
		out->action.target = v;
		if (out->action.type == MODEL_ACTION_SPEAKER_MOVE) {
			if (!action_codec_int(o, "delta", -1, 1, &v)) {
				bad = "bad delta";
				goto fail;
			}
			out->action.delta = (int)v;
		}
		break;
	case MODEL_ACTION_QUESTION_ADD:
		if (!action_codec_str(o, "text", &out->q_text)) {
			bad = "question text missing";
			goto fail;
		}
		action_codec_str(o, "ext_id", &out->q_ext_id);
		action_codec_str(o, "from", &out->q_from);
		action_codec_str(o, "org", &out->q_org);
		action_codec_str(o, "country", &out->q_country);
		action_codec_str(o, "lang", &out->q_lang);
		action_codec_str(o, "theme", &out->q_theme);
		out->action.question.theme_auto =
		    json_is_true(json_object_get(o, "theme_auto"));
		break;
	case MODEL_ACTION_QUESTION_STATUS:
	case MODEL_ACTION_QUESTION_THEME:
	case MODEL_ACTION_QUESTION_VOTE:
		if (!action_codec_int(o, "question", 1, INT64_MAX, &v)) {
			bad = "bad question id";
			goto fail;
		}
		out->action.target = v;
		if (out->action.type == MODEL_ACTION_QUESTION_STATUS) {
			json_t *st = json_object_get(o, "status");
			int status = json_is_string(st) ?
			    model_question_status_by_name(json_string_value(st)) :
			    -1;

			if (status < 0) {
				bad = "bad question status";
				goto fail;
			}
			out->action.status = (enum model_question_status)status;
		}
		if (out->action.type == MODEL_ACTION_QUESTION_THEME &&
		    !action_codec_str(o, "theme", &out->q_theme)) {
			bad = "theme missing";
			goto fail;
		}
		break;
	default:
		break;
	}
	action_codec_bind(out);
	out->ext_id = action_codec_strdup(row->ext_id);
	snprintf(out->origin, sizeof out->origin, "%s", row->origin);
	out->undone = row->undone;
	json_decref(o);
	return 0;

fail:
	json_decref(o);
	action_codec_finish(out);
	if (asprintf(&msg, "journal row %lld (%s) is damaged: %s; restore the "
	    "database from a backup",
	    (long long)row->seq, row->kind, bad) < 0)
		abort();
	*cause = msg;
	return -1;
}

/* Fill a record from an action, copying its strings. */
void
action_codec_copy(const struct model_action *a, const char *origin,
    struct action_record *out)
{
	memset(out, 0, sizeof *out);
	out->action = *a;
	out->name = action_codec_strdup(a->speaker.name);
	out->org = action_codec_strdup(a->speaker.org);
	out->lang = action_codec_strdup(a->speaker.lang);
	out->q_ext_id = action_codec_strdup(a->question.ext_id);
	out->q_text = action_codec_strdup(a->question.text);
	out->q_from = action_codec_strdup(a->question.from);
	out->q_org = action_codec_strdup(a->question.org);
	out->q_country = action_codec_strdup(a->question.country);
	out->q_lang = action_codec_strdup(a->question.lang);
	out->q_theme = action_codec_strdup(a->question.theme);
	action_codec_bind(out);
	snprintf(out->origin, sizeof out->origin, "%s", origin);
}

/* Free the strings a record owns (not the record itself). */
void
action_codec_finish(struct action_record *r)
{
	char **owned[] = { &r->name, &r->org, &r->lang, &r->q_ext_id,
		&r->q_text, &r->q_from, &r->q_org, &r->q_country, &r->q_lang,
		&r->q_theme, &r->ext_id };

	for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++) {
		free(*owned[i]);
		*owned[i] = NULL;
	}
}
