/*
 * state-json.c -- the `podium state` document (SPEC section 8).
 *
 * Everything time-dependent (now, remaining_ms, spoken_s of the current
 * speaker) is computed at the moment given, so another process reading
 * the database agrees with the chair's screen. Extra fields beyond the
 * spec (offset_ms, projected_end, stage, ...) are documented in
 * docs/STATE-JSON.md.
 */
#include "state-json.h"

#include "timefmt.h"

/* An ISO 8601 time at the event's offset, or JSON null when unknown. */
static json_t *
state_json_time(const struct model *m, int64_t wall_ms)
{
	char buf[40];

	if (wall_ms == MODEL_NO_TIME)
		return json_null();
	return json_string(timefmt_iso(wall_ms, m->event->utc_offset_min, buf,
	    sizeof buf));
}

/* A string, or JSON null for NULL. */
static json_t *
state_json_str(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* The event block. */
static json_t *
state_json_event(const struct model *m)
{
	const struct model_event *ev = m->event;
	char off[16];
	json_t *langs = json_array();

	for (size_t i = 0; i < ev->nlanguages; i++)
		json_array_append_new(langs, json_string(ev->languages[i]));
	return json_pack("{s:s, s:s, s:o, s:o, s:s, s:o}",
	    "id", ev->id, "title", ev->title,
	    "start", state_json_time(m, ev->start_wall_ms),
	    "end", state_json_time(m, ev->end_wall_ms),
	    "utc_offset", timefmt_offset(ev->utc_offset_min, off, sizeof off),
	    "languages", langs);
}

/* The segments array, planned and actual. */
static json_t *
state_json_segments(const struct model *m)
{
	json_t *a = json_array();

	for (size_t i = 0; i < m->event->nsegments; i++) {
		const struct model_segment *seg = &m->segments[i];

		json_array_append_new(a, json_pack(
		    "{s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
		    "index", (int)i, "title", seg->plan->title,
		    "lead", state_json_str(seg->plan->lead),
		    "theme", state_json_str(seg->plan->theme),
		    "planned_start", state_json_time(m, seg->planned_start),
		    "planned_end", state_json_time(m, seg->planned_end),
		    "actual_start", state_json_time(m, seg->actual_start),
		    "actual_end", state_json_time(m, seg->actual_end)));
	}
	return a;
}

/* Stage names for the JSON. */
static const char *
state_json_stage(enum model_stage st)
{
	static const char *const names[] = { "idle", "normal", "warning",
		"danger", "overtime" };

	return names[st];
}

/* The speaker queue, every entry of the event in order. */
static json_t *
state_json_queue(const struct model *m, int64_t now)
{
	json_t *a = json_array();

	for (size_t i = 0; i < m->nspeakers; i++) {
		const struct model_speaker *s = &m->speakers[i];

		json_array_append_new(a, json_pack(
		    "{s:I, s:i, s:s, s:s, s:s, s:i, s:I, s:I, s:s}",
		    "id", (json_int_t)s->id, "segment", s->segment,
		    "name", s->name, "org", s->org, "lang", s->lang,
		    "allotted_s", s->allotted_s,
		    "added_s", (json_int_t)(s->added_ms / 1000),
		    "spoken_s", (json_int_t)(model_speaker_spoken_ms(s, now) / 1000),
		    "status", model_speaker_status_name(s->status)));
	}
	return a;
}

/* The current speaker with the countdown computed now, or null. */
static json_t *
state_json_speaker(const struct model *m, int64_t now)
{
	const struct model_speaker *s = model_speaker_current(m);

	if (s == NULL)
		return json_null();
	return json_pack("{s:I, s:s, s:s, s:s, s:i, s:I, s:I, s:b, s:s, s:i, s:i}",
	    "id", (json_int_t)s->id, "name", s->name, "org", s->org,
	    "lang", s->lang, "allotted_s", s->allotted_s,
	    "added_s", (json_int_t)(s->added_ms / 1000),
	    "remaining_ms", (json_int_t)model_speaker_remaining_ms(s, now),
	    "running", model_speaker_running(s),
	    "stage", state_json_stage(model_speaker_stage(s, now)),
	    "warning_s", s->warning_s, "danger_s", s->danger_s);
}

/* The questions array. */
static json_t *
state_json_questions(const struct model *m)
{
	json_t *a = json_array();

	for (size_t i = 0; i < m->nquestions; i++) {
		const struct model_question *q = &m->questions[i];

		json_array_append_new(a, json_pack(
		    "{s:I, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:s, s:i, s:o}",
		    "id", (json_int_t)q->id, "ext_id", state_json_str(q->ext_id),
		    "text", q->text, "from", state_json_str(q->from),
		    "org", state_json_str(q->org),
		    "country", state_json_str(q->country),
		    "lang", state_json_str(q->lang),
		    "theme", state_json_str(q->theme),
		    "theme_auto", q->theme_auto,
		    "status", model_question_status_name(q->status),
		    "votes", q->votes,
		    "received_at", state_json_time(m, q->received_wall)));
	}
	return a;
}

/* Build the state object of a model at time now. */
json_t *
state_json(const struct model *m, struct model_time now, bool rehearsal)
{
	const struct model_segment *seg = model_segment_current(m);
	json_t *segment = json_null();

	if (seg != NULL)
		segment = json_pack("{s:i, s:s}", "index", m->current_segment,
		    "title", seg->plan->title);
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:b}",
	    "mode", rehearsal ? "rehearsal" : "live",
	    "now", state_json_time(m, now.wall_ms),
	    "event", state_json_event(m),
	    "segment", segment,
	    "segments", state_json_segments(m),
	    "speaker", state_json_speaker(m, now.mono_ms),
	    "queue", state_json_queue(m, now.mono_ms),
	    "questions", state_json_questions(m),
	    "offset_ms", (json_int_t)model_offset_ms(m, now),
	    "projected_end", state_json_time(m, model_projected_end(m, now)),
	    "ended", m->current_segment >= (int)m->event->nsegments);
}
