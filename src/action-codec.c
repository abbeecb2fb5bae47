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

/* A string member of a JSON object (borrowed); false if missing or not one. */
static bool
action_codec_str(json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return false;
	*out = json_string_value(v);
	return true;
}

/*
 * Copy every string the action and the row's ext_id point to into one
 * block the record owns, and point them there. A question's ext_id is
 * most often the row's too: that one is kept once.
 */
static void
action_codec_own(struct action_record *r, const char *ext_id)
{
	struct model_speaker_args *sp = &r->action.speaker;
	struct model_question_args *q = &r->action.question;
	const char **strs[8] = { &ext_id };
	size_t total = 0, n = 1;
	bool shared = false;
	char *p;

	/* Only the union member the type uses holds strings. */
	if (r->action.type == MODEL_ACTION_SPEAKER_ADD) {
		strs[n++] = &sp->name;
		strs[n++] = &sp->org;
		strs[n++] = &sp->lang;
	} else if (r->action.type == MODEL_ACTION_QUESTION_ADD ||
	    r->action.type == MODEL_ACTION_QUESTION_THEME) {
		shared = ext_id != NULL && q->ext_id != NULL &&
		    strcmp(ext_id, q->ext_id) == 0;
		if (!shared)
			strs[n++] = &q->ext_id;
		strs[n++] = &q->text;
		strs[n++] = &q->from;
		strs[n++] = &q->org;
		strs[n++] = &q->country;
		strs[n++] = &q->lang;
		strs[n++] = &q->theme;
	}
	for (size_t i = 0; i < n; i++)
		total += *strs[i] != NULL ? strlen(*strs[i]) + 1 : 0;
	r->strings = NULL;
	if (total > 0 && (r->strings = malloc(total)) == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	p = r->strings;
	for (size_t i = 0; i < n; i++) {
		size_t len;

		if (*strs[i] == NULL)
			continue;
		len = strlen(*strs[i]) + 1;
		memcpy(p, *strs[i], len);
		*strs[i] = p;
		p += len;
	}
	r->ext_id = ext_id;
	if (shared)
		q->ext_id = ext_id;
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
	struct model_question_args *q;
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
		if (!action_codec_str(o, "name", &out->action.speaker.name) ||
		    !action_codec_str(o, "org", &out->action.speaker.org) ||
		    !action_codec_str(o, "lang", &out->action.speaker.lang)) {
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
		q = &out->action.question;
		if (!action_codec_str(o, "text", &q->text)) {
			bad = "question text missing";
			goto fail;
		}
		action_codec_str(o, "ext_id", &q->ext_id);
		action_codec_str(o, "from", &q->from);
		action_codec_str(o, "org", &q->org);
		action_codec_str(o, "country", &q->country);
		action_codec_str(o, "lang", &q->lang);
		action_codec_str(o, "theme", &q->theme);
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
		    !action_codec_str(o, "theme", &out->action.question.theme)) {
			bad = "theme missing";
			goto fail;
		}
		break;
	default:
		break;
	}
	/* The strings still point into o: copy them before it goes. */
	action_codec_own(out, row->ext_id);
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
    const char *ext_id, struct action_record *out)
{
	memset(out, 0, sizeof *out);
	out->action = *a;
	action_codec_own(out, ext_id);
	snprintf(out->origin, sizeof out->origin, "%s", origin);
}

/* Free the strings a record owns (not the record itself). */
void
action_codec_finish(struct action_record *r)
{
	free(r->strings);
	r->strings = NULL;
	r->ext_id = NULL;
}
