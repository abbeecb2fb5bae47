/*
 * model.c -- the state model: agenda position, speaker queue, countdowns.
 *
 * Every change enters through model_apply(), which looks the action up in
 * one table and runs its handler. Handlers either refuse (writing why into
 * err and changing nothing) or change the state completely; they read the
 * time only from the action, so replaying a journal rebuilds the same
 * state. Countdowns are arithmetic on the monotonic time of the action and
 * of the query: nothing here counts ticks.
 */
#include "model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef bool (*model_handler)(struct model *, const struct model_action *,
    char *, size_t);

static bool model_do_speaker_add(struct model *, const struct model_action *,
    char *, size_t);
static bool model_do_toggle(struct model *, const struct model_action *,
    char *, size_t);
static bool model_do_next_speaker(struct model *, const struct model_action *,
    char *, size_t);
static bool model_do_add_time(struct model *, const struct model_action *,
    char *, size_t);
static bool model_do_segment_next(struct model *, const struct model_action *,
    char *, size_t);
static bool model_do_segment_prev(struct model *, const struct model_action *,
    char *, size_t);
static bool model_do_speaker_move(struct model *, const struct model_action *,
    char *, size_t);
static bool model_do_speaker_withdraw(struct model *,
    const struct model_action *, char *, size_t);
static bool model_do_question_add(struct model *, const struct model_action *,
    char *, size_t);
static bool model_do_question_status(struct model *,
    const struct model_action *, char *, size_t);
static bool model_do_question_theme(struct model *,
    const struct model_action *, char *, size_t);
static bool model_do_question_vote(struct model *,
    const struct model_action *, char *, size_t);

/* The action table: name in the journal, who may issue it, its handler. */
static const struct {
	struct model_action_info info;
	model_handler handler;
} model_actions[MODEL_ACTION_COUNT] = {
	[MODEL_ACTION_SPEAKER_ADD] = { { MODEL_ACTION_SPEAKER_ADD,
	    "speaker_add", true }, model_do_speaker_add },
	[MODEL_ACTION_TOGGLE] = { { MODEL_ACTION_TOGGLE, "toggle", true },
	    model_do_toggle },
	[MODEL_ACTION_NEXT_SPEAKER] = { { MODEL_ACTION_NEXT_SPEAKER,
	    "next_speaker", true }, model_do_next_speaker },
	[MODEL_ACTION_ADD_TIME] = { { MODEL_ACTION_ADD_TIME, "add_time",
	    true }, model_do_add_time },
	[MODEL_ACTION_SEGMENT_NEXT] = { { MODEL_ACTION_SEGMENT_NEXT,
	    "segment_next", true }, model_do_segment_next },
	[MODEL_ACTION_SEGMENT_PREV] = { { MODEL_ACTION_SEGMENT_PREV,
	    "segment_prev", true }, model_do_segment_prev },
	[MODEL_ACTION_SPEAKER_MOVE] = { { MODEL_ACTION_SPEAKER_MOVE,
	    "speaker_move", true }, model_do_speaker_move },
	[MODEL_ACTION_SPEAKER_WITHDRAW] = { { MODEL_ACTION_SPEAKER_WITHDRAW,
	    "speaker_withdraw", true }, model_do_speaker_withdraw },
	[MODEL_ACTION_QUESTION_ADD] = { { MODEL_ACTION_QUESTION_ADD,
	    "question_add", false }, model_do_question_add },
	[MODEL_ACTION_QUESTION_STATUS] = { { MODEL_ACTION_QUESTION_STATUS,
	    "question_status", true }, model_do_question_status },
	[MODEL_ACTION_QUESTION_THEME] = { { MODEL_ACTION_QUESTION_THEME,
	    "question_theme", true }, model_do_question_theme },
	[MODEL_ACTION_QUESTION_VOTE] = { { MODEL_ACTION_QUESTION_VOTE,
	    "question_vote", false }, model_do_question_vote },
};

/* Abort with a message when memory runs out; nothing sensible remains. */
static void *
model_xalloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	if (q == NULL) {
		fprintf(stderr, "podium: out of memory (%zu bytes)\n", n);
		abort();
	}
	return q;
}

/* Copy a string, aborting when memory runs out. */
static char *
model_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(model_xalloc(NULL, n), s, n);
}

/* Write a refusal into err, printf-style. */
static bool
model_refuse(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* Describe an action type. */
const struct model_action_info *
model_action_info(enum model_action_type type)
{
	if ((unsigned)type >= MODEL_ACTION_COUNT)
		return NULL;
	return &model_actions[type].info;
}

/* Find an action type by its journal name. */
int
model_action_by_name(const char *name)
{
	for (int i = 0; i < MODEL_ACTION_COUNT; i++) {
		if (strcmp(model_actions[i].info.name, name) == 0)
			return i;
	}
	return -1;
}

/* Create an empty model of an event (no segment started, no speakers). */
struct model *
model_create(const struct model_event *event)
{
	struct model *m = model_xalloc(NULL, sizeof *m);
	int64_t t = event->start_wall_ms;

	memset(m, 0, sizeof *m);
	m->event = event;
	m->current_segment = -1;
	m->last_wall = MODEL_NO_TIME;
	m->segments = model_xalloc(NULL,
	    sizeof *m->segments * event->nsegments);
	for (size_t i = 0; i < event->nsegments; i++) {
		struct model_segment *seg = &m->segments[i];

		seg->plan = &event->segments[i];
		seg->planned_start = t;
		t += (int64_t)event->segments[i].minutes * 60000;
		seg->planned_end = t;
		seg->actual_start = seg->actual_end = MODEL_NO_TIME;
		seg->start_mono = seg->end_mono = MODEL_NO_TIME;
	}
	return m;
}

/* Free what one speaker entry owns. */
static void
model_speaker_free(struct model_speaker *s)
{
	free(s->name);
	free(s->org);
	free(s->lang);
}

/* Free what one question owns. */
static void
model_question_free(struct model_question *q)
{
	const char *owned[] = { q->ext_id, q->text, q->from, q->org,
		q->country, q->lang };

	for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
		free((char *)owned[i]);
}

/* Free a model. */
void
model_destroy(struct model *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nspeakers; i++)
		model_speaker_free(&m->speakers[i]);
	for (size_t i = 0; i < m->nquestions; i++)
		if (!m->borrowed)
			model_question_free(&m->questions[i]);
	free(m->speakers);
	free(m->questions);
	free(m->segments);
	free(m);
}

/* Apply one action. */
bool
model_apply(struct model *m, const struct model_action *a, char *err,
    size_t errsz)
{
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if ((unsigned)a->type >= MODEL_ACTION_COUNT)
		return model_refuse(err, errsz, "unknown action %d", a->type);
	if (!model_actions[a->type].handler(m, a, err, errsz))
		return false;
	m->last_wall = a->at.wall_ms;
	return true;
}

/* Index of the current speaker in m->speakers, or -1. */
static ssize_t
model_current_index(const struct model *m)
{
	for (size_t i = 0; i < m->nspeakers; i++) {
		if (m->speakers[i].status == MODEL_SPEAKER_CURRENT)
			return (ssize_t)i;
	}
	return -1;
}

/* Index of a speaker by id, or -1. */
static ssize_t
model_speaker_index(const struct model *m, int64_t id)
{
	for (size_t i = 0; i < m->nspeakers; i++) {
		if (m->speakers[i].id == id)
			return (ssize_t)i;
	}
	return -1;
}

/* The current segment, or NULL before the start and after the end. */
const struct model_segment *
model_segment_current(const struct model *m)
{
	if (m->current_segment < 0 ||
	    (size_t)m->current_segment >= m->event->nsegments)
		return NULL;
	return &m->segments[m->current_segment];
}

/* The current speaker, or NULL. */
const struct model_speaker *
model_speaker_current(const struct model *m)
{
	ssize_t i = model_current_index(m);

	return i < 0 ? NULL : &m->speakers[i];
}

/* A speaker by id, or NULL. */
const struct model_speaker *
model_speaker_find(const struct model *m, int64_t id)
{
	ssize_t i = model_speaker_index(m, id);

	return i < 0 ? NULL : &m->speakers[i];
}

/* Whether a speaker's countdown is running. */
bool
model_speaker_running(const struct model_speaker *s)
{
	return s->running_since != MODEL_NO_TIME;
}

/* Milliseconds a speaker has spoken by mono time now. */
int64_t
model_speaker_spoken_ms(const struct model_speaker *s, int64_t now)
{
	int64_t spent = s->spent_ms;

	if (model_speaker_running(s) && now > s->running_since)
		spent += now - s->running_since;
	return spent;
}

/* Milliseconds left to a speaker at mono time now. */
int64_t
model_speaker_remaining_ms(const struct model_speaker *s, int64_t now)
{
	return (int64_t)s->allotted_s * 1000 + s->added_ms -
	    model_speaker_spoken_ms(s, now);
}

/* The countdown stage of a speaker at mono time now. */
enum model_stage
model_speaker_stage(const struct model_speaker *s, int64_t now)
{
	int64_t left;

	if (!model_speaker_running(s) && s->start_wall == MODEL_NO_TIME)
		return MODEL_STAGE_IDLE;
	left = model_speaker_remaining_ms(s, now);
	if (left <= 0)
		return MODEL_STAGE_OVERTIME;
	if (left <= (int64_t)s->danger_s * 1000)
		return MODEL_STAGE_DANGER;
	if (left <= (int64_t)s->warning_s * 1000)
		return MODEL_STAGE_WARNING;
	return MODEL_STAGE_NORMAL;
}

/* Stop a speaker's running countdown at mono time now, keeping what was spent. */
static void
model_speaker_stop(struct model_speaker *s, int64_t now)
{
	if (!model_speaker_running(s))
		return;
	if (now > s->running_since)
		s->spent_ms += now - s->running_since;
	s->running_since = MODEL_NO_TIME;
}

/*
 * Take the current speaker off the floor: done if they were heard (or if
 * the chair says so with force), back to the queue if they never started.
 */
static void
model_speaker_leave(struct model *m, struct model_time at, bool force_done)
{
	ssize_t i = model_current_index(m);
	struct model_speaker *s;

	if (i < 0)
		return;
	s = &m->speakers[i];
	model_speaker_stop(s, at.mono_ms);
	if (force_done || s->start_wall != MODEL_NO_TIME) {
		s->status = MODEL_SPEAKER_DONE;
		s->end_wall = at.wall_ms;
	} else {
		s->status = MODEL_SPEAKER_QUEUED;
	}
}

/* Make the first queued speaker of a segment current; false if none. */
static bool
model_promote_first(struct model *m, int segment)
{
	for (size_t i = 0; i < m->nspeakers; i++) {
		struct model_speaker *s = &m->speakers[i];

		if (s->segment == segment && s->status == MODEL_SPEAKER_QUEUED) {
			s->status = MODEL_SPEAKER_CURRENT;
			return true;
		}
	}
	return false;
}

/* Whether any speaker of a segment has started speaking. */
static bool
model_segment_heard(const struct model *m, int segment)
{
	for (size_t i = 0; i < m->nspeakers; i++) {
		if (m->speakers[i].segment == segment &&
		    m->speakers[i].start_wall != MODEL_NO_TIME)
			return true;
	}
	return false;
}

/* Make a segment current: it starts now unless it had started before. */
static void
model_segment_enter(struct model *m, int index, struct model_time at)
{
	struct model_segment *seg = &m->segments[index];

	m->current_segment = index;
	if (seg->actual_start == MODEL_NO_TIME) {
		seg->actual_start = at.wall_ms;
		seg->start_mono = at.mono_ms;
	}
	seg->actual_end = seg->end_mono = MODEL_NO_TIME;
	model_promote_first(m, index);
}

/* Add a speaker entry at the end of its segment's queue. */
static bool
model_do_speaker_add(struct model *m, const struct model_action *a, char *err,
    size_t errsz)
{
	const struct model_speaker_args *sa = &a->speaker;
	const struct model_event *ev = m->event;
	int segment = sa->segment;
	struct model_speaker s;
	size_t pos;

	if (sa->name == NULL || sa->name[strspn(sa->name, " ")] == '\0')
		return model_refuse(err, errsz, "a speaker needs a name");
	if (strlen(sa->name) > MODEL_NAME_MAX ||
	    (sa->org != NULL && strlen(sa->org) > MODEL_NAME_MAX))
		return model_refuse(err, errsz,
		    "name and organisation are limited to %d bytes",
		    MODEL_NAME_MAX);
	if (sa->lang != NULL && strlen(sa->lang) > MODEL_LANG_MAX)
		return model_refuse(err, errsz,
		    "language code '%.20s' is too long", sa->lang);
	if (sa->seconds < 0 || sa->seconds > MODEL_SECONDS_MAX)
		return model_refuse(err, errsz,
		    "allotted time must be between 1 and %d seconds",
		    MODEL_SECONDS_MAX);
	if (sa->warning_s > MODEL_SECONDS_MAX ||
	    sa->danger_s > MODEL_SECONDS_MAX)
		return model_refuse(err, errsz,
		    "warning and danger times are limited to %d seconds",
		    MODEL_SECONDS_MAX);
	if (segment < -1)
		return model_refuse(err, errsz, "there is no segment %d",
		    segment + 1);
	if (segment < 0) {
		if (m->current_segment >= (int)ev->nsegments)
			return model_refuse(err, errsz,
			    "the session has ended; [ reopens the last segment");
		segment = m->current_segment < 0 ? 0 : m->current_segment;
	}
	if ((size_t)segment >= ev->nsegments)
		return model_refuse(err, errsz, "there is no segment %d",
		    segment + 1);
	if (model_speaker_index(m, a->seq) >= 0)
		return model_refuse(err, errsz, "speaker id %lld is taken",
		    (long long)a->seq);

	memset(&s, 0, sizeof s);
	s.id = a->seq;
	s.segment = segment;
	s.name = model_xstrdup(sa->name);
	s.org = model_xstrdup(sa->org != NULL ? sa->org : "");
	s.lang = model_xstrdup(sa->lang != NULL ? sa->lang : "");
	s.allotted_s = sa->seconds > 0 ? sa->seconds : ev->speaker_s;
	s.warning_s = sa->warning_s > 0 ? sa->warning_s : ev->warning_s;
	s.danger_s = sa->danger_s > 0 ? sa->danger_s : ev->danger_s;
	s.status = MODEL_SPEAKER_QUEUED;
	s.running_since = s.start_wall = s.end_wall = MODEL_NO_TIME;

	for (pos = m->nspeakers; pos > 0; pos--) {
		if (m->speakers[pos - 1].segment <= segment)
			break;
	}
	if (m->nspeakers == m->speakers_cap) {
		m->speakers_cap = m->speakers_cap ? m->speakers_cap * 2 : 32;
		m->speakers = model_xalloc(m->speakers,
		    m->speakers_cap * sizeof *m->speakers);
	}
	memmove(&m->speakers[pos + 1], &m->speakers[pos],
	    (m->nspeakers - pos) * sizeof *m->speakers);
	m->speakers[pos] = s;
	m->nspeakers++;
	return true;
}

/* Start or pause the current speaker's countdown. */
static bool
model_do_toggle(struct model *m, const struct model_action *a, char *err,
    size_t errsz)
{
	ssize_t i = model_current_index(m);
	struct model_speaker *s;

	if (i < 0)
		return model_refuse(err, errsz,
		    "no current speaker; n calls the next one");
	s = &m->speakers[i];
	if (model_speaker_running(s)) {
		model_speaker_stop(s, a->at.mono_ms);
		return true;
	}
	s->running_since = a->at.mono_ms;
	if (s->start_wall == MODEL_NO_TIME)
		s->start_wall = a->at.wall_ms;
	return true;
}

/* End the current speaker and make the next queued one current. */
static bool
model_do_next_speaker(struct model *m, const struct model_action *a,
    char *err, size_t errsz)
{
	int seg = m->current_segment;

	if (model_segment_current(m) == NULL)
		return model_refuse(err, errsz,
		    seg < 0 ? "the session has not started; ] starts it" :
		    "the session has ended; [ reopens the last segment");
	if (model_current_index(m) < 0) {
		if (!model_promote_first(m, seg))
			return model_refuse(err, errsz,
			    "no speaker is queued in this segment; f adds one, ] moves on");
		return true;
	}
	model_speaker_leave(m, a->at, true);
	model_promote_first(m, seg);
	return true;
}

/* Add (or remove, with a negative delta) time to the current speaker. */
static bool
model_do_add_time(struct model *m, const struct model_action *a, char *err,
    size_t errsz)
{
	ssize_t i = model_current_index(m);
	struct model_speaker *s;
	int64_t total;

	if (i < 0)
		return model_refuse(err, errsz, "no current speaker to give time to");
	if (a->delta == 0 || a->delta > MODEL_SECONDS_MAX ||
	    a->delta < -MODEL_SECONDS_MAX)
		return model_refuse(err, errsz, "cannot change time by %d s",
		    a->delta);
	s = &m->speakers[i];
	total = (int64_t)s->allotted_s * 1000 + s->added_ms +
	    (int64_t)a->delta * 1000;
	if (total < 0)
		return model_refuse(err, errsz,
		    "cannot remove %d s: less than that is allotted", -a->delta);
	if (total > (int64_t)MODEL_SECONDS_MAX * 1000)
		return model_refuse(err, errsz,
		    "a speaker cannot have more than %d minutes",
		    MODEL_SECONDS_MAX / 60);
	s->added_ms += (int64_t)a->delta * 1000;
	return true;
}

/* Close the current segment and open the next one. */
static bool
model_do_segment_next(struct model *m, const struct model_action *a,
    char *err, size_t errsz)
{
	int n = (int)m->event->nsegments;
	int cur = m->current_segment;

	if (cur >= n)
		return model_refuse(err, errsz,
		    "the session has ended; [ reopens the last segment");
	if (cur >= 0) {
		model_speaker_leave(m, a->at, false);
		m->segments[cur].actual_end = a->at.wall_ms;
		m->segments[cur].end_mono = a->at.mono_ms;
	}
	if (cur + 1 >= n) {
		m->current_segment = n;
		return true;
	}
	model_segment_enter(m, cur + 1, a->at);
	return true;
}

/* Go back to the previous segment, reopening it. */
static bool
model_do_segment_prev(struct model *m, const struct model_action *a,
    char *err, size_t errsz)
{
	int n = (int)m->event->nsegments;
	int cur = m->current_segment;

	if (cur < 0)
		return model_refuse(err, errsz,
		    "the session has not started; ] starts it");
	if (cur == 0)
		return model_refuse(err, errsz, "already at the first segment");
	if (cur < n) {
		struct model_segment *seg = &m->segments[cur];

		model_speaker_leave(m, a->at, false);
		if (model_segment_heard(m, cur)) {
			seg->actual_end = a->at.wall_ms;
			seg->end_mono = a->at.mono_ms;
		} else {
			/* Nothing happened in it: it has not really started. */
			seg->actual_start = seg->actual_end = MODEL_NO_TIME;
			seg->start_mono = seg->end_mono = MODEL_NO_TIME;
		}
	}
	model_segment_enter(m, cur - 1, a->at);
	return true;
}

/* Move a queued speaker one place up (delta < 0) or down in its segment. */
static bool
model_do_speaker_move(struct model *m, const struct model_action *a,
    char *err, size_t errsz)
{
	ssize_t i = model_speaker_index(m, a->target);
	ssize_t j;
	struct model_speaker tmp;

	if (i < 0)
		return model_refuse(err, errsz, "no speaker with id %lld",
		    (long long)a->target);
	if (m->speakers[i].status != MODEL_SPEAKER_QUEUED)
		return model_refuse(err, errsz, "only queued speakers can be moved");
	if (a->delta != -1 && a->delta != 1)
		return model_refuse(err, errsz, "a speaker moves one place at a time");
	for (j = i + a->delta; j >= 0 && (size_t)j < m->nspeakers; j += a->delta) {
		if (m->speakers[j].segment != m->speakers[i].segment)
			break;
		if (m->speakers[j].status == MODEL_SPEAKER_QUEUED) {
			tmp = m->speakers[i];
			m->speakers[i] = m->speakers[j];
			m->speakers[j] = tmp;
			return true;
		}
	}
	return model_refuse(err, errsz, a->delta < 0 ?
	    "already first in the queue" : "already last in the queue");
}

/* Take a queued speaker off the queue. */
static bool
model_do_speaker_withdraw(struct model *m, const struct model_action *a,
    char *err, size_t errsz)
{
	ssize_t i = model_speaker_index(m, a->target);

	if (i < 0)
		return model_refuse(err, errsz, "no speaker with id %lld",
		    (long long)a->target);
	if (m->speakers[i].status != MODEL_SPEAKER_QUEUED)
		return model_refuse(err, errsz,
		    "only a queued speaker can be withdrawn; n ends the current one");
	m->speakers[i].status = MODEL_SPEAKER_WITHDRAWN;
	m->speakers[i].end_wall = a->at.wall_ms;
	return true;
}

/*
 * Count a question change and log which question it was about, so that a
 * view ordering the questions can patch its order instead of rebuilding it.
 */
static void
model_question_changed(struct model *m, int64_t id)
{
	struct model_question_change *c;

	m->questions_version++;
	c = &m->question_log[m->questions_version % MODEL_QUESTION_LOG];
	c->version = m->questions_version;
	c->id = id;
}

/* Index of a question by id (ids grow with arrival), or -1. */
static ssize_t
model_question_index(const struct model *m, int64_t id)
{
	size_t lo = 0, hi = m->nquestions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->questions[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->nquestions && m->questions[lo].id == id)
		return (ssize_t)lo;
	return -1;
}

/* A question by id, or NULL (binary search: ids grow with arrival). */
const struct model_question *
model_question_find(const struct model *m, int64_t id)
{
	ssize_t i = model_question_index(m, id);

	return i < 0 ? NULL : &m->questions[i];
}

/* The question on air, or NULL. */
const struct model_question *
model_question_on_air(const struct model *m)
{
	for (size_t i = m->nquestions; i > 0; i--) {
		if (m->questions[i - 1].status == MODEL_QUESTION_ON_AIR)
			return &m->questions[i - 1];
	}
	return NULL;
}

/* The event's own copy of a theme key (it outlives the model), or NULL. */
static const char *
model_theme_key(const struct model *m, const char *key)
{
	for (size_t i = 0; i < m->event->nthemes; i++) {
		if (strcmp(m->event->themes[i].key, key) == 0)
			return m->event->themes[i].key;
	}
	return NULL;
}

/* Whether a theme key is one of the event's. */
static bool
model_theme_known(const struct model *m, const char *key)
{
	return model_theme_key(m, key) != NULL;
}

/* Characters of UTF-8 text: bytes that do not continue a sequence. */
static size_t
model_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* Copy an optional string: NULL stays NULL. */
static char *
model_xstrdup_opt(const char *s)
{
	return s != NULL ? model_xstrdup(s) : NULL;
}

/* Store a new audience question. */
static bool
model_do_question_add(struct model *m, const struct model_action *a,
    char *err, size_t errsz)
{
	const struct model_question_args *qa = &a->question;
	struct model_question q;
	const char *fields[] = { qa->from, qa->org, qa->country };

	if (qa->text == NULL || qa->text[strspn(qa->text, " \t\r\n")] == '\0')
		return model_refuse(err, errsz, "text is empty");
	if (model_utf8_chars(qa->text) > MODEL_TEXT_MAX_CHARS)
		return model_refuse(err, errsz,
		    "text is longer than %d characters", MODEL_TEXT_MAX_CHARS);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (fields[i] != NULL && strlen(fields[i]) > MODEL_NAME_MAX)
			return model_refuse(err, errsz,
			    "from, org and country are limited to %d bytes",
			    MODEL_NAME_MAX);
	}
	if (qa->lang != NULL && strlen(qa->lang) > MODEL_LANG_MAX)
		return model_refuse(err, errsz, "lang '%.20s' is too long",
		    qa->lang);
	if (qa->ext_id != NULL && strlen(qa->ext_id) > MODEL_EXT_ID_MAX)
		return model_refuse(err, errsz, "id is longer than %d bytes",
		    MODEL_EXT_ID_MAX);
	if (qa->theme != NULL && !model_theme_known(m, qa->theme))
		return model_refuse(err, errsz, "unknown theme '%.40s'",
		    qa->theme);
	if (m->nquestions > 0 && m->questions[m->nquestions - 1].id >= a->seq)
		return model_refuse(err, errsz, "question id %lld is out of order",
		    (long long)a->seq);

	memset(&q, 0, sizeof q);
	q.id = a->seq;
	if (m->borrowed) {
		q.ext_id = qa->ext_id;
		q.text = qa->text;
		q.from = qa->from;
		q.org = qa->org;
		q.country = qa->country;
		q.lang = qa->lang;
	} else {
		q.ext_id = model_xstrdup_opt(qa->ext_id);
		q.text = model_xstrdup(qa->text);
		q.from = model_xstrdup_opt(qa->from);
		q.org = model_xstrdup_opt(qa->org);
		q.country = model_xstrdup_opt(qa->country);
		q.lang = model_xstrdup_opt(qa->lang);
	}
	q.theme = qa->theme != NULL ? model_theme_key(m, qa->theme) : NULL;
	q.theme_auto = qa->theme != NULL && qa->theme_auto;
	q.status = MODEL_QUESTION_NEW;
	q.received_wall = a->at.wall_ms;
	q.on_air_wall = q.answered_wall = MODEL_NO_TIME;
	if (m->nquestions == m->questions_cap) {
		m->questions_cap = m->questions_cap ? m->questions_cap * 2 : 64;
		m->questions = model_xalloc(m->questions,
		    m->questions_cap * sizeof *m->questions);
	}
	m->questions[m->nquestions++] = q;
	model_question_changed(m, q.id);
	return true;
}

/* Move a question through its statuses: approve, dismiss, on air, answered. */
static bool
model_do_question_status(struct model *m, const struct model_action *a,
    char *err, size_t errsz)
{
	ssize_t i = model_question_index(m, a->target);
	struct model_question *q;
	enum model_question_status from;

	if (i < 0)
		return model_refuse(err, errsz, "no question with id %lld",
		    (long long)a->target);
	q = &m->questions[i];
	from = q->status;
	if (from == a->status)
		return model_refuse(err, errsz, "question %lld is already %s",
		    (long long)q->id, model_question_status_name(from));
	switch (a->status) {
	case MODEL_QUESTION_APPROVED:
		if (from != MODEL_QUESTION_NEW && from != MODEL_QUESTION_DISMISSED)
			return model_refuse(err, errsz,
			    "only a new or dismissed question can be approved");
		break;
	case MODEL_QUESTION_DISMISSED:
		if (from == MODEL_QUESTION_ON_AIR)
			return model_refuse(err, errsz,
			    "this question is on air; x marks it answered");
		break;
	case MODEL_QUESTION_ON_AIR:
		if (from == MODEL_QUESTION_DISMISSED)
			return model_refuse(err, errsz,
			    "this question was dismissed; a approves it first");
		/* One question on air at a time: the one before was answered. */
		for (size_t k = 0; k < m->nquestions; k++) {
			if (m->questions[k].status == MODEL_QUESTION_ON_AIR) {
				m->questions[k].status = MODEL_QUESTION_ANSWERED;
				m->questions[k].answered_wall = a->at.wall_ms;
			}
		}
		q->on_air_wall = a->at.wall_ms;
		break;
	case MODEL_QUESTION_ANSWERED:
		if (from == MODEL_QUESTION_DISMISSED)
			return model_refuse(err, errsz,
			    "this question was dismissed; a approves it first");
		q->answered_wall = a->at.wall_ms;
		break;
	case MODEL_QUESTION_NEW:
	default:
		return model_refuse(err, errsz, "a question cannot become %s",
		    model_question_status_name(a->status));
	}
	q->status = a->status;
	model_question_changed(m, q->id);
	return true;
}

/* The chair sets a question's theme; it is no longer a suggestion. */
static bool
model_do_question_theme(struct model *m, const struct model_action *a,
    char *err, size_t errsz)
{
	ssize_t i = model_question_index(m, a->target);
	struct model_question *q;

	if (i < 0)
		return model_refuse(err, errsz, "no question with id %lld",
		    (long long)a->target);
	if (a->theme == NULL || !model_theme_known(m, a->theme))
		return model_refuse(err, errsz, "unknown theme '%.40s'",
		    a->theme != NULL ? a->theme : "");
	q = &m->questions[i];
	q->theme = model_theme_key(m, a->theme);
	q->theme_auto = false;
	model_question_changed(m, q->id);
	return true;
}

/* Count one more vote for a question. */
static bool
model_do_question_vote(struct model *m, const struct model_action *a,
    char *err, size_t errsz)
{
	ssize_t i = model_question_index(m, a->target);

	if (i < 0)
		return model_refuse(err, errsz, "no question with id %lld",
		    (long long)a->target);
	if (m->questions[i].votes < 1000000000)
		m->questions[i].votes++;
	model_question_changed(m, m->questions[i].id);
	return true;
}

/* Question status by journal name. */
int
model_question_status_by_name(const char *name)
{
	for (int i = MODEL_QUESTION_NEW; i <= MODEL_QUESTION_DISMISSED; i++) {
		if (strcmp(model_question_status_name(i), name) == 0)
			return i;
	}
	return -1;
}

/* The speakers of one segment in display order. */
size_t
model_segment_speakers(const struct model *m, int segment, int64_t *ids,
    size_t max)
{
	size_t n = 0, first_finished;

	for (size_t i = 0; i < m->nspeakers; i++) {
		const struct model_speaker *s = &m->speakers[i];

		if (s->segment == segment && s->status == MODEL_SPEAKER_CURRENT) {
			if (n < max)
				ids[n] = s->id;
			n++;
		}
	}
	for (size_t i = 0; i < m->nspeakers; i++) {
		const struct model_speaker *s = &m->speakers[i];

		if (s->segment == segment && s->status == MODEL_SPEAKER_QUEUED) {
			if (n < max)
				ids[n] = s->id;
			n++;
		}
	}
	/* Finished ones, in the order they finished: insertion by end time. */
	first_finished = n;
	for (size_t i = 0; i < m->nspeakers; i++) {
		const struct model_speaker *s = &m->speakers[i];
		size_t k;

		if (s->segment != segment || (s->status != MODEL_SPEAKER_DONE &&
		    s->status != MODEL_SPEAKER_WITHDRAWN))
			continue;
		/* A full array still takes one that finished earlier. */
		if (first_finished < max) {
			for (k = n < max ? n : max; k > first_finished; k--) {
				const struct model_speaker *o =
				    model_speaker_find(m, ids[k - 1]);

				if (o->end_wall <= s->end_wall)
					break;
				if (k < max)
					ids[k] = ids[k - 1];
			}
			if (k < max)
				ids[k] = s->id;
		}
		n++;
	}
	return n;
}

/* Format a countdown as a person reads it. */
char *
model_format_countdown(int64_t remaining_ms, char *buf, size_t bufsz)
{
	int64_t s;
	const char *sign = "";

	if (remaining_ms > 0) {
		s = (remaining_ms + 999) / 1000;
	} else {
		s = -remaining_ms / 1000;
		sign = "+";
	}
	if (s >= 3600)
		snprintf(buf, bufsz, "%s%lld:%02lld:%02lld", sign,
		    (long long)(s / 3600), (long long)(s / 60 % 60),
		    (long long)(s % 60));
	else
		snprintf(buf, bufsz, "%s%lld:%02lld", sign, (long long)(s / 60),
		    (long long)(s % 60));
	return buf;
}

/* Milliseconds of countdown time until the displayed value of
 * model_format_countdown() changes next.
 */
int64_t
model_countdown_next_change_ms(int64_t remaining_ms)
{
	if (remaining_ms > 0)
		return (remaining_ms - 1) % 1000 + 1;
	return 1000 - (-remaining_ms) % 1000;
}

/* Milliseconds the speakers of a segment still claim at mono time now. */
static int64_t
model_segment_claimed_ms(const struct model *m, int segment, int64_t now)
{
	int64_t sum = 0;

	for (size_t i = 0; i < m->nspeakers; i++) {
		const struct model_speaker *s = &m->speakers[i];
		int64_t left;

		if (s->segment != segment)
			continue;
		if (s->status != MODEL_SPEAKER_CURRENT &&
		    s->status != MODEL_SPEAKER_QUEUED)
			continue;
		left = model_speaker_remaining_ms(s, now);
		if (left > 0)
			sum += left;
	}
	return sum;
}

/* Wall ms at which the session is projected to end. */
int64_t
model_projected_end(const struct model *m, struct model_time now)
{
	const struct model_event *ev = m->event;
	int n = (int)ev->nsegments;
	int cur = m->current_segment;
	const struct model_segment *seg;
	int64_t planned, elapsed, rest, claimed;

	if (n == 0)
		return ev->end_wall_ms;
	if (cur < 0) {
		int64_t start = now.wall_ms > ev->start_wall_ms ?
		    now.wall_ms : ev->start_wall_ms;

		return start + (ev->end_wall_ms - ev->start_wall_ms);
	}
	if (cur >= n) {
		seg = &m->segments[n - 1];
		return seg->actual_end != MODEL_NO_TIME ? seg->actual_end :
		    m->last_wall;
	}
	seg = &m->segments[cur];
	planned = seg->planned_end - seg->planned_start;
	elapsed = now.mono_ms - seg->start_mono;
	if (elapsed < 0)
		elapsed = 0;
	rest = planned - elapsed;
	if (rest < 0)
		rest = 0;
	claimed = model_segment_claimed_ms(m, cur, now.mono_ms);
	if (claimed > rest)
		rest = claimed;
	return now.wall_ms + rest + (ev->end_wall_ms - seg->planned_end);
}

/* Projected end minus planned end, in ms. */
int64_t
model_offset_ms(const struct model *m, struct model_time now)
{
	return model_projected_end(m, now) - m->event->end_wall_ms;
}

/* Fraction 0..1 of the current segment's planned time used (may exceed 1). */
double
model_segment_progress(const struct model *m, struct model_time now)
{
	const struct model_segment *seg = model_segment_current(m);
	int64_t planned, elapsed;

	if (seg == NULL || seg->start_mono == MODEL_NO_TIME)
		return 0.0;
	planned = seg->planned_end - seg->planned_start;
	elapsed = now.mono_ms - seg->start_mono;
	if (planned <= 0 || elapsed <= 0)
		return 0.0;
	return (double)elapsed / (double)planned;
}

/* Journal name of a speaker status ("queued", "current", ...). */
const char *
model_speaker_status_name(enum model_speaker_status status)
{
	static const char *const names[] = { "queued", "current", "done",
		"withdrawn" };

	return (unsigned)status < 4 ? names[status] : "unknown";
}

/* Journal name of a question status ("new", "approved", ...). */
const char *
model_question_status_name(enum model_question_status status)
{
	static const char *const names[] = { "new", "approved", "on_air",
		"answered", "dismissed" };

	return (unsigned)status < 5 ? names[status] : "unknown";
}
