/*
 * export.c -- the session record: one pass computes every figure from the
 * model and the journal into struct export_rec; four writers lay it out.
 *
 * Data flow: export_rec_build() walks the model's segments, speakers and
 * questions at the moment given (a running countdown or segment counts up
 * to then), totals them per organisation, language and theme, and counts
 * the journal's rows per origin and kind. export_json() turns the record
 * into the documented JSON; the CSV writer flattens that same JSON table
 * by table (so CSV and JSON have the same columns by construction); the
 * Markdown and SVG writers read the record directly.
 *
 * Figures: durations are whole seconds, truncated, of millisecond times;
 * differences (overrun, overtime) are taken between those whole seconds so
 * every table adds up. Text from the session reaches Markdown and SVG
 * only through text_sanitize() (no control, bidi or invisible character
 * survives) and then Markdown or XML escaping; CSV cells that a
 * spreadsheet would run as a formula get a leading quote; JSON carries
 * the text as it was stored.
 */
#include "export.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "text.h"
#include "timefmt.h"

/* Widest a Markdown column is padded to, in cells; longer cells overflow. */
#define EXPORT_MD_PAD_MAX 40

/* Question statuses in the order the record lists them. */
#define EXPORT_QSTATUSES 5

/* SVG geometry, in px. */
#define SVG_WIDTH 1200
#define SVG_LABEL_W 300
#define SVG_RIGHT 30
#define SVG_SEG_ROW 30
#define SVG_SPK_ROW 18
#define SVG_LABEL_CELLS 44

/* One segment with what happened in it. */
struct export_seg {
	const struct model_segment *seg;
	const char *status;     /* "done", "current", "not_started" */
	bool started;
	int64_t end_wall;       /* actual end, now while current, or MODEL_NO_TIME */
	int64_t planned_s;
	int64_t actual_s;       /* valid when started; so far while current */
	int64_t overrun_s;      /* actual_s - planned_s, once done */
	int64_t start_delay_s;  /* actual start - planned start, when started */
	int64_t heard;          /* speakers who started speaking in it */
	int64_t spoken_s;
};

/* One speaker entry with its figures. */
struct export_spk {
	const struct model_speaker *sp;
	size_t order;           /* index in the model, to keep queue order */
	int64_t added_s;
	int64_t granted_s;      /* allotted + added */
	int64_t spoken_s;
	int64_t overtime_s;     /* spoken beyond granted, >= 0 */
	int64_t slot_end;       /* end, now while speaking, or MODEL_NO_TIME */
};

/* Speaking totals of one organisation or language. */
struct export_sum {
	const char *key;        /* "" when not given */
	size_t first;           /* order of arrival */
	int64_t speakers;
	int64_t allotted_s;
	int64_t added_s;
	int64_t spoken_s;
	int64_t overtime_s;
};

/* Question counts of one theme or language. */
struct export_qsum {
	const char *key;        /* "" when not given */
	const char *title;      /* a theme's title, or NULL */
	size_t first;           /* order of arrival */
	int64_t by_status[EXPORT_QSTATUSES];
	int64_t total;
	int64_t on_air;         /* put on air at least once */
};

/* Journal rows of one origin and kind. */
struct export_act {
	const char *origin;
	const char *kind;
	int64_t rows;
	int64_t undone;
};

/* The whole record. */
struct export_rec {
	const struct export_input *in;
	const struct model *m;
	const struct model_event *ev;
	const char *status;     /* "not_started", "in_progress", "ended" */
	int64_t actual_start;   /* wall ms or MODEL_NO_TIME */
	int64_t actual_end;     /* wall ms once ended, else MODEL_NO_TIME */
	int64_t planned_s;
	int64_t actual_s;       /* valid when actual_start is known */
	struct export_seg *segs;
	int64_t segs_done;
	struct export_spk *spk;
	size_t nspk;
	int64_t heard;
	int64_t spoken_s;
	struct export_sum *orgs;
	size_t norgs;
	struct export_sum *langs;
	size_t nlangs;
	struct export_qsum *themes;
	size_t nthemes;
	struct export_qsum *qlangs;
	size_t nqlangs;
	struct export_qsum qall;
	struct export_act *acts;
	size_t nacts;
	int64_t jrows;
	int64_t jundone;
};

/* Abort when memory runs out. */
static void *
export_xalloc(void *p, size_t n, size_t size)
{
	void *q = reallocarray(p, n == 0 ? 1 : n, size);

	if (q == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	return q;
}

/* Format a malloc'd string. */
static char * __attribute__((format(printf, 1, 2)))
export_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	va_end(ap);
	return s;
}

/* Whole seconds of a millisecond span, truncated. */
static int64_t
export_secs(int64_t ms)
{
	return ms / 1000;
}

/* Figures of the segments and of the session as a whole. */
static void
export_rec_segments(struct export_rec *r)
{
	const struct model *m = r->m;
	int64_t now = r->in->now.wall_ms;

	r->segs = export_xalloc(NULL, r->ev->nsegments, sizeof *r->segs);
	r->actual_start = r->actual_end = MODEL_NO_TIME;
	for (size_t i = 0; i < r->ev->nsegments; i++) {
		const struct model_segment *seg = &m->segments[i];
		struct export_seg *e = &r->segs[i];

		memset(e, 0, sizeof *e);
		e->seg = seg;
		e->planned_s = export_secs(seg->planned_end - seg->planned_start);
		e->started = seg->actual_start != MODEL_NO_TIME;
		e->end_wall = seg->actual_end;
		if (!e->started) {
			e->status = "not_started";
		} else if (seg->actual_end != MODEL_NO_TIME) {
			e->status = "done";
			r->segs_done++;
		} else {
			e->status = "current";
			e->end_wall = now > seg->actual_start ? now :
			    seg->actual_start;
		}
		if (e->started) {
			e->actual_s = export_secs(e->end_wall - seg->actual_start);
			e->overrun_s = e->actual_s - e->planned_s;
			e->start_delay_s = export_secs(seg->actual_start -
			    seg->planned_start);
			if (r->actual_start == MODEL_NO_TIME ||
			    seg->actual_start < r->actual_start)
				r->actual_start = seg->actual_start;
		}
	}
	r->planned_s = export_secs(r->ev->end_wall_ms - r->ev->start_wall_ms);
	if (m->current_segment < 0) {
		r->status = "not_started";
	} else if (m->current_segment >= (int)r->ev->nsegments) {
		r->status = "ended";
		for (size_t i = 0; i < r->ev->nsegments; i++) {
			if (r->segs[i].started && (r->actual_end == MODEL_NO_TIME ||
			    r->segs[i].end_wall > r->actual_end))
				r->actual_end = r->segs[i].end_wall;
		}
	} else {
		r->status = "in_progress";
	}
	if (r->actual_start != MODEL_NO_TIME)
		r->actual_s = export_secs((r->actual_end != MODEL_NO_TIME ?
		    r->actual_end : now) - r->actual_start);
}

/* Order speakers by segment, those heard in the order they spoke first. */
static int
export_spk_cmp(const void *a, const void *b)
{
	const struct export_spk *x = a, *y = b;
	bool xs = x->sp->start_wall != MODEL_NO_TIME;
	bool ys = y->sp->start_wall != MODEL_NO_TIME;

	if (x->sp->segment != y->sp->segment)
		return x->sp->segment < y->sp->segment ? -1 : 1;
	if (xs != ys)
		return xs ? -1 : 1;
	if (xs && x->sp->start_wall != y->sp->start_wall)
		return x->sp->start_wall < y->sp->start_wall ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The totals entry of a key, added at the end if new. */
static struct export_sum *
export_sum_get(struct export_sum **v, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i].key, key) == 0)
			return &(*v)[i];
	}
	*v = export_xalloc(*v, *n + 1, sizeof **v);
	memset(&(*v)[*n], 0, sizeof **v);
	(*v)[*n].key = key;
	(*v)[*n].first = *n;
	return &(*v)[(*n)++];
}

/* Add one speaker who had the floor to a totals entry. */
static void
export_sum_add(struct export_sum *s, const struct export_spk *e)
{
	s->speakers++;
	s->allotted_s += e->sp->allotted_s;
	s->added_s += e->added_s;
	s->spoken_s += e->spoken_s;
	s->overtime_s += e->overtime_s;
}

/* Organisations by speaking time, longest first, then by name. */
static int
export_org_cmp(const void *a, const void *b)
{
	const struct export_sum *x = a, *y = b;

	if (x->spoken_s != y->spoken_s)
		return x->spoken_s > y->spoken_s ? -1 : 1;
	if ((x->key[0] == '\0') != (y->key[0] == '\0'))
		return x->key[0] == '\0' ? 1 : -1;
	return strcmp(x->key, y->key);
}

/*
 * Where a language goes in a table: the event's languages in its order,
 * then the others as they came, the unknown one ("") last; so every
 * language table of the record reads the same way.
 */
static size_t
export_lang_rank(const struct model_event *ev, const char *key)
{
	if (key[0] == '\0')
		return ev->nlanguages + 1;
	for (size_t k = 0; k < ev->nlanguages; k++) {
		if (strcmp(ev->languages[k], key) == 0)
			return k;
	}
	return ev->nlanguages;
}

/* Order speaking totals by language rank, then arrival (for qsort_r). */
static int
export_sum_lang_cmp(const void *a, const void *b, void *arg)
{
	const struct export_sum *x = a, *y = b;
	size_t rx = export_lang_rank(arg, x->key);
	size_t ry = export_lang_rank(arg, y->key);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Order question counts by language rank, then arrival (for qsort_r). */
static int
export_qsum_lang_cmp(const void *a, const void *b, void *arg)
{
	const struct export_qsum *x = a, *y = b;
	size_t rx = export_lang_rank(arg, x->key);
	size_t ry = export_lang_rank(arg, y->key);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Figures of every speaker and their totals. */
static void
export_rec_speakers(struct export_rec *r)
{
	const struct model *m = r->m;
	struct model_time now = r->in->now;

	r->nspk = m->nspeakers;
	r->spk = export_xalloc(NULL, r->nspk, sizeof *r->spk);
	for (size_t i = 0; i < m->nspeakers; i++) {
		const struct model_speaker *sp = &m->speakers[i];
		struct export_spk *e = &r->spk[i];

		e->sp = sp;
		e->order = i;
		e->added_s = export_secs(sp->added_ms);
		e->granted_s = sp->allotted_s + e->added_s;
		e->spoken_s = export_secs(model_speaker_spoken_ms(sp,
		    now.mono_ms));
		e->overtime_s = e->spoken_s > e->granted_s ?
		    e->spoken_s - e->granted_s : 0;
		e->slot_end = sp->end_wall;
		if (sp->start_wall != MODEL_NO_TIME &&
		    sp->end_wall == MODEL_NO_TIME)
			e->slot_end = now.wall_ms > sp->start_wall ?
			    now.wall_ms : sp->start_wall;
	}
	qsort(r->spk, r->nspk, sizeof *r->spk, export_spk_cmp);
	for (size_t i = 0; i < r->nspk; i++) {
		const struct export_spk *e = &r->spk[i];
		struct export_seg *seg = &r->segs[e->sp->segment];

		if (e->sp->start_wall != MODEL_NO_TIME) {
			seg->heard++;
			r->heard++;
		}
		seg->spoken_s += e->spoken_s;
		/* Totals count whoever had the floor: done or current. */
		if (e->sp->status != MODEL_SPEAKER_DONE &&
		    e->sp->status != MODEL_SPEAKER_CURRENT)
			continue;
		r->spoken_s += e->spoken_s;
		export_sum_add(export_sum_get(&r->orgs, &r->norgs, e->sp->org),
		    e);
		export_sum_add(export_sum_get(&r->langs, &r->nlangs,
		    e->sp->lang), e);
	}
	if (r->norgs > 0)
		qsort(r->orgs, r->norgs, sizeof *r->orgs, export_org_cmp);
	if (r->nlangs > 0)
		qsort_r(r->langs, r->nlangs, sizeof *r->langs,
		    export_sum_lang_cmp, (void *)r->ev);
}

/* The question counts entry of a key, added at the end if new. */
static struct export_qsum *
export_qsum_get(struct export_qsum **v, size_t *n, const char *key)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i].key, key) == 0)
			return &(*v)[i];
	}
	*v = export_xalloc(*v, *n + 1, sizeof **v);
	memset(&(*v)[*n], 0, sizeof **v);
	(*v)[*n].key = key;
	(*v)[*n].first = *n;
	return &(*v)[(*n)++];
}

/* Count one question into an entry. */
static void
export_qsum_add(struct export_qsum *s, const struct model_question *q)
{
	s->total++;
	if ((unsigned)q->status < EXPORT_QSTATUSES)
		s->by_status[q->status]++;
	if (q->on_air_wall != MODEL_NO_TIME)
		s->on_air++;
}

/* Question counts by theme (the event's first), language and status. */
static void
export_rec_questions(struct export_rec *r)
{
	const struct model_event *ev = r->ev;

	for (size_t i = 0; i < ev->nthemes; i++)
		export_qsum_get(&r->themes, &r->nthemes, ev->themes[i].key)->
		    title = ev->themes[i].title;
	for (size_t i = 0; i < r->m->nquestions; i++) {
		const struct model_question *q = &r->m->questions[i];

		export_qsum_add(&r->qall, q);
		export_qsum_add(export_qsum_get(&r->themes, &r->nthemes,
		    q->theme != NULL ? q->theme : ""), q);
		export_qsum_add(export_qsum_get(&r->qlangs, &r->nqlangs,
		    q->lang != NULL ? q->lang : ""), q);
	}
	/* No theme goes last. */
	for (size_t i = 0; i + 1 < r->nthemes; i++) {
		if (r->themes[i].key[0] == '\0') {
			struct export_qsum t = r->themes[i];

			memmove(&r->themes[i], &r->themes[i + 1],
			    (r->nthemes - i - 1) * sizeof *r->themes);
			r->themes[r->nthemes - 1] = t;
			break;
		}
	}
	/* Every language of the event has a line, asked in or not. */
	for (size_t i = 0; i < ev->nlanguages; i++)
		export_qsum_get(&r->qlangs, &r->nqlangs, ev->languages[i]);
	if (r->nqlangs > 0)
		qsort_r(r->qlangs, r->nqlangs, sizeof *r->qlangs,
		    export_qsum_lang_cmp, (void *)ev);
}

/* Order journal counts by origin, then kind. */
static int
export_act_cmp(const void *a, const void *b)
{
	const struct export_act *x = a, *y = b;
	int c = strcmp(x->origin, y->origin);

	return c != 0 ? c : strcmp(x->kind, y->kind);
}

/* Journal rows per origin and kind: what the chair and the others did. */
static void
export_rec_journal(struct export_rec *r)
{
	const struct export_input *in = r->in;

	for (size_t i = 0; i < in->njournal; i++) {
		const struct action_record *a = &in->journal[i];
		const char *kind = model_action_info(a->action.type)->name;
		struct export_act *e = NULL;

		for (size_t k = 0; k < r->nacts && e == NULL; k++) {
			if (strcmp(r->acts[k].origin, a->origin) == 0 &&
			    strcmp(r->acts[k].kind, kind) == 0)
				e = &r->acts[k];
		}
		if (e == NULL) {
			r->acts = export_xalloc(r->acts, r->nacts + 1,
			    sizeof *r->acts);
			e = &r->acts[r->nacts++];
			memset(e, 0, sizeof *e);
			e->origin = a->origin;
			e->kind = kind;
		}
		e->rows++;
		e->undone += a->undone;
		r->jrows++;
		r->jundone += a->undone;
	}
	if (r->nacts > 0)
		qsort(r->acts, r->nacts, sizeof *r->acts, export_act_cmp);
	if (in->journal == NULL && in->chain != NULL) {
		r->jrows = in->chain->rows;
		r->jundone = in->chain->undone_rows;
	}
}

/* Compute the whole record. */
static void
export_rec_build(struct export_rec *r, const struct export_input *in)
{
	memset(r, 0, sizeof *r);
	r->in = in;
	r->m = in->model;
	r->ev = in->model->event;
	export_rec_segments(r);
	export_rec_speakers(r);
	export_rec_questions(r);
	export_rec_journal(r);
}

/* Free what a record holds (it borrows everything else). */
static void
export_rec_finish(struct export_rec *r)
{
	free(r->segs);
	free(r->spk);
	free(r->orgs);
	free(r->langs);
	free(r->themes);
	free(r->qlangs);
	free(r->acts);
}

/* A fraction, 0 when there is nothing to divide. */
static double
export_share(int64_t part, int64_t whole)
{
	return whole > 0 ? (double)part / (double)whole : 0.0;
}

/* The chain's state in one word. */
static const char *
export_chain_word(const struct store_verify_result *c)
{
	if (c == NULL)
		return "unchecked";
	switch (c->status) {
	case STORE_VERIFY_OK:
		return "ok";
	case STORE_VERIFY_UNCHAINED:
		return "unchained";
	case STORE_VERIFY_DAMAGED:
		return "damaged";
	default:
		return "broken";
	}
}

/* Set an integer member. */
static void
export_jint(json_t *o, const char *key, int64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

/* Set a string member, null for NULL. */
static void
export_jstr(json_t *o, const char *key, const char *s)
{
	json_object_set_new(o, key, s != NULL ? json_string(s) : json_null());
}

/* Set a time member: ISO 8601 at the event's offset, null when unknown. */
static void
export_jtime(const struct export_rec *r, json_t *o, const char *key,
    int64_t wall_ms)
{
	char buf[40];

	if (wall_ms == MODEL_NO_TIME)
		json_object_set_new(o, key, json_null());
	else
		json_object_set_new(o, key, json_string(timefmt_iso(wall_ms,
		    r->ev->utc_offset_min, buf, sizeof buf)));
}

/* Set an integer member that only exists when known. */
static void
export_jint_if(json_t *o, const char *key, bool known, int64_t v)
{
	if (known)
		export_jint(o, key, v);
	else
		json_object_set_new(o, key, json_null());
}

/* The event as planned. */
static json_t *
export_json_event(const struct export_rec *r)
{
	const struct model_event *ev = r->ev;
	json_t *o = json_object(), *langs = json_array();
	char off[16];

	for (size_t i = 0; i < ev->nlanguages; i++)
		json_array_append_new(langs, json_string(ev->languages[i]));
	export_jstr(o, "id", ev->id);
	export_jstr(o, "title", ev->title);
	export_jstr(o, "date", ev->date);
	export_jstr(o, "utc_offset", timefmt_offset(ev->utc_offset_min, off,
	    sizeof off));
	export_jtime(r, o, "start", ev->start_wall_ms);
	export_jtime(r, o, "end", ev->end_wall_ms);
	json_object_set_new(o, "languages", langs);
	return o;
}

/* The session as a whole. */
static json_t *
export_json_summary(const struct export_rec *r)
{
	const struct export_input *in = r->in;
	bool started = r->actual_start != MODEL_NO_TIME;
	json_t *o = json_object();

	export_jstr(o, "mode", in->rehearsal ? "rehearsal" : "live");
	export_jstr(o, "status", r->status);
	export_jtime(r, o, "generated_at", in->now.wall_ms);
	export_jtime(r, o, "planned_start", r->ev->start_wall_ms);
	export_jtime(r, o, "planned_end", r->ev->end_wall_ms);
	export_jint(o, "planned_s", r->planned_s);
	export_jtime(r, o, "actual_start", r->actual_start);
	export_jtime(r, o, "actual_end", r->actual_end);
	export_jint_if(o, "actual_s", started, r->actual_s);
	/* Over the whole session only once it is over; meanwhile offset_s. */
	export_jint_if(o, "overrun_s", r->actual_end != MODEL_NO_TIME,
	    r->actual_s - r->planned_s);
	export_jtime(r, o, "projected_end", model_projected_end(r->m, in->now));
	export_jint(o, "offset_s", export_secs(model_offset_ms(r->m, in->now)));
	export_jint(o, "segments", (int64_t)r->ev->nsegments);
	export_jint(o, "segments_done", r->segs_done);
	export_jint(o, "speakers", (int64_t)r->nspk);
	export_jint(o, "speakers_heard", r->heard);
	export_jint(o, "spoken_s", r->spoken_s);
	export_jint(o, "questions", r->qall.total);
	export_jint(o, "questions_put_on_air", r->qall.on_air);
	return o;
}

/* Every segment, planned against actual. */
static json_t *
export_json_segments(const struct export_rec *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->ev->nsegments; i++) {
		const struct export_seg *e = &r->segs[i];
		json_t *o = json_object();

		export_jint(o, "index", (int64_t)i);
		export_jstr(o, "title", e->seg->plan->title);
		export_jstr(o, "lead", e->seg->plan->lead);
		export_jstr(o, "theme", e->seg->plan->theme);
		export_jstr(o, "status", e->status);
		export_jtime(r, o, "planned_start", e->seg->planned_start);
		export_jtime(r, o, "planned_end", e->seg->planned_end);
		export_jint(o, "planned_s", e->planned_s);
		export_jtime(r, o, "actual_start", e->seg->actual_start);
		export_jtime(r, o, "actual_end", e->seg->actual_end);
		export_jint_if(o, "actual_s", e->started, e->actual_s);
		export_jint_if(o, "overrun_s", e->seg->actual_end !=
		    MODEL_NO_TIME, e->overrun_s);
		export_jint_if(o, "start_delay_s", e->started,
		    e->start_delay_s);
		export_jint(o, "speakers_heard", e->heard);
		export_jint(o, "spoken_s", e->spoken_s);
		json_array_append_new(a, o);
	}
	return a;
}

/* Every speaker entry, allotted against spoken. */
static json_t *
export_json_speakers(const struct export_rec *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nspk; i++) {
		const struct export_spk *e = &r->spk[i];
		json_t *o = json_object();

		export_jint(o, "id", e->sp->id);
		export_jint(o, "segment", e->sp->segment);
		export_jstr(o, "name", e->sp->name);
		export_jstr(o, "org", e->sp->org);
		export_jstr(o, "lang", e->sp->lang);
		export_jstr(o, "status",
		    model_speaker_status_name(e->sp->status));
		export_jint(o, "allotted_s", e->sp->allotted_s);
		export_jint(o, "added_s", e->added_s);
		export_jint(o, "granted_s", e->granted_s);
		export_jint(o, "spoken_s", e->spoken_s);
		export_jint(o, "overtime_s", e->overtime_s);
		export_jtime(r, o, "started_at", e->sp->start_wall);
		export_jtime(r, o, "ended_at", e->sp->end_wall);
		json_array_append_new(a, o);
	}
	return a;
}

/* Speaking totals per organisation or language. */
static json_t *
export_json_sums(const struct export_rec *r, const struct export_sum *v,
    size_t n, const char *keyname)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		export_jstr(o, keyname, v[i].key);
		export_jint(o, "speakers", v[i].speakers);
		export_jint(o, "allotted_s", v[i].allotted_s);
		export_jint(o, "added_s", v[i].added_s);
		export_jint(o, "spoken_s", v[i].spoken_s);
		export_jint(o, "overtime_s", v[i].overtime_s);
		json_object_set_new(o, "spoken_share", json_real(export_share(
		    v[i].spoken_s, r->spoken_s)));
		json_array_append_new(a, o);
	}
	return a;
}

/* Every question, with when it went on air. */
static json_t *
export_json_questions(const struct export_rec *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->m->nquestions; i++) {
		const struct model_question *q = &r->m->questions[i];
		json_t *o = json_object();

		export_jint(o, "id", q->id);
		export_jstr(o, "ext_id", q->ext_id);
		export_jstr(o, "text", q->text);
		export_jstr(o, "from", q->from);
		export_jstr(o, "org", q->org);
		export_jstr(o, "country", q->country);
		export_jstr(o, "lang", q->lang);
		export_jstr(o, "theme", q->theme);
		json_object_set_new(o, "theme_auto", json_boolean(q->theme_auto));
		export_jstr(o, "status", model_question_status_name(q->status));
		export_jint(o, "votes", q->votes);
		export_jtime(r, o, "received_at", q->received_wall);
		export_jtime(r, o, "on_air_at", q->on_air_wall);
		export_jtime(r, o, "answered_at", q->answered_wall);
		json_array_append_new(a, o);
	}
	return a;
}

/* The counts of one question group, by status. */
static void
export_json_qcounts(json_t *o, const struct export_qsum *s)
{
	export_jint(o, "total", s->total);
	for (int k = 0; k < EXPORT_QSTATUSES; k++)
		export_jint(o, model_question_status_name(
		    (enum model_question_status)k), s->by_status[k]);
	export_jint(o, "put_on_air", s->on_air);
}

/* Question counts per theme. */
static json_t *
export_json_themes(const struct export_rec *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nthemes; i++) {
		json_t *o = json_object();

		export_jstr(o, "theme", r->themes[i].key);
		export_jstr(o, "title", r->themes[i].title);
		export_json_qcounts(o, &r->themes[i]);
		json_array_append_new(a, o);
	}
	return a;
}

/* Question counts per language, with the shares put on air. */
static json_t *
export_json_qlangs(const struct export_rec *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nqlangs; i++) {
		const struct export_qsum *s = &r->qlangs[i];
		json_t *o = json_object();

		export_jstr(o, "lang", s->key);
		export_json_qcounts(o, s);
		json_object_set_new(o, "on_air_share", json_real(
		    export_share(s->on_air, s->total)));
		json_object_set_new(o, "share_of_on_air", json_real(
		    export_share(s->on_air, r->qall.on_air)));
		json_array_append_new(a, o);
	}
	return a;
}

/* Journal rows per origin and kind. */
static json_t *
export_json_actions(const struct export_rec *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nacts; i++) {
		json_t *o = json_object();

		export_jstr(o, "origin", r->acts[i].origin);
		export_jstr(o, "kind", r->acts[i].kind);
		export_jint(o, "rows", r->acts[i].rows);
		export_jint(o, "undone", r->acts[i].undone);
		json_array_append_new(a, o);
	}
	return a;
}

/* The journal and its chains: what lets a reader check this record. */
static json_t *
export_json_journal(const struct export_rec *r)
{
	const struct store_verify_result *c = r->in->chain;
	bool hashed = c != NULL && c->status != STORE_VERIFY_UNCHAINED &&
	    c->status != STORE_VERIFY_DAMAGED;
	json_t *o = json_object();

	export_jint(o, "rows", r->jrows);
	export_jint(o, "undone", r->jundone);
	export_jint_if(o, "undos", hashed, hashed ? c->undos : 0);
	export_jstr(o, "chain", export_chain_word(c));
	export_jint_if(o, "broken_row", c != NULL &&
	    c->status == STORE_VERIFY_ROW, c != NULL ? c->at : 0);
	export_jint_if(o, "broken_undo", c != NULL &&
	    c->status == STORE_VERIFY_UNDO, c != NULL ? c->at : 0);
	export_jstr(o, "problem", c != NULL && c->why[0] != '\0' ? c->why :
	    NULL);
	export_jstr(o, "hash", hashed ? c->journal_hash : NULL);
	export_jstr(o, "undo_hash", hashed ? c->undo_hash : NULL);
	return o;
}

/* The whole record as one JSON object, in the documented order. */
static json_t *
export_json_rec(const struct export_rec *r)
{
	json_t *o = json_object(), *qs = json_object();

	export_jstr(o, "format", EXPORT_FORMAT_ID);
	json_object_set_new(o, "event", export_json_event(r));
	json_object_set_new(o, "summary", export_json_summary(r));
	json_object_set_new(o, "segments", export_json_segments(r));
	json_object_set_new(o, "speakers", export_json_speakers(r));
	json_object_set_new(o, "organisations", export_json_sums(r, r->orgs,
	    r->norgs, "org"));
	json_object_set_new(o, "languages", export_json_sums(r, r->langs,
	    r->nlangs, "lang"));
	json_object_set_new(o, "questions", export_json_questions(r));
	json_object_set_new(o, "question_themes", export_json_themes(r));
	export_json_qcounts(qs, &r->qall);
	json_object_set_new(o, "question_statuses", qs);
	json_object_set_new(o, "question_languages", export_json_qlangs(r));
	json_object_set_new(o, "actions", export_json_actions(r));
	json_object_set_new(o, "journal", export_json_journal(r));
	return o;
}

/* The record as JSON; see export.h. */
json_t *
export_json(const struct export_input *in)
{
	struct export_rec r;
	json_t *o;

	export_rec_build(&r, in);
	o = export_json_rec(&r);
	export_rec_finish(&r);
	return o;
}

/* The columns of each array table, for its CSV header even when empty. */
static const char *const export_cols_segments[] = { "index", "title",
	"lead", "theme", "status", "planned_start", "planned_end", "planned_s",
	"actual_start", "actual_end", "actual_s", "overrun_s", "start_delay_s",
	"speakers_heard", "spoken_s", NULL };
static const char *const export_cols_speakers[] = { "id", "segment", "name",
	"org", "lang", "status", "allotted_s", "added_s", "granted_s",
	"spoken_s", "overtime_s", "started_at", "ended_at", NULL };
static const char *const export_cols_orgs[] = { "org", "speakers",
	"allotted_s", "added_s", "spoken_s", "overtime_s", "spoken_share",
	NULL };
static const char *const export_cols_langs[] = { "lang", "speakers",
	"allotted_s", "added_s", "spoken_s", "overtime_s", "spoken_share",
	NULL };
static const char *const export_cols_questions[] = { "id", "ext_id", "text",
	"from", "org", "country", "lang", "theme", "theme_auto", "status",
	"votes", "received_at", "on_air_at", "answered_at", NULL };
static const char *const export_cols_themes[] = { "theme", "title", "total",
	"new", "approved", "on_air", "answered", "dismissed", "put_on_air",
	NULL };
static const char *const export_cols_qlangs[] = { "lang", "total", "new",
	"approved", "on_air", "answered", "dismissed", "put_on_air",
	"on_air_share", "share_of_on_air", NULL };
static const char *const export_cols_actions[] = { "origin", "kind", "rows",
	"undone", NULL };

/* The record's tables in CSV order; an array table has its columns listed. */
static const struct {
	const char *name;
	const char *const *cols;   /* NULL: a one-row table, the object's keys */
} export_csv_tables[] = {
	{ "event", NULL },
	{ "summary", NULL },
	{ "segments", export_cols_segments },
	{ "speakers", export_cols_speakers },
	{ "organisations", export_cols_orgs },
	{ "languages", export_cols_langs },
	{ "questions", export_cols_questions },
	{ "question_themes", export_cols_themes },
	{ "question_statuses", NULL },
	{ "question_languages", export_cols_qlangs },
	{ "actions", export_cols_actions },
	{ "journal", NULL },
};

/*
 * Write one CSV text cell, quoted by libcsv; a cell a spreadsheet would
 * take for a formula (= + - @, or a leading tab or CR) gets a leading
 * single quote so it stays text.
 */
static void
export_csv_text(FILE *f, const char *s)
{
	size_t n = strlen(s);
	char *buf;

	if (n > 0 && strchr("=+-@\t\r", s[0]) != NULL) {
		buf = export_fmt("'%s", s);
		csv_fwrite(f, buf, n + 1);
		free(buf);
		return;
	}
	csv_fwrite(f, s, n);
}

/* Write one CSV cell from a JSON value: text quoted, numbers bare. */
static void
export_csv_value(FILE *f, const json_t *v)
{
	char *joined = NULL;
	size_t i;
	json_t *item;

	switch (json_typeof(v)) {
	case JSON_STRING:
		export_csv_text(f, json_string_value(v));
		break;
	case JSON_INTEGER:
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		fprintf(f, "%.4f", json_real_value(v));
		break;
	case JSON_TRUE:
		fputs("true", f);
		break;
	case JSON_FALSE:
		fputs("false", f);
		break;
	case JSON_ARRAY:
		/* A list of words (the event's languages): space-separated. */
		json_array_foreach(v, i, item) {
			char *next = export_fmt("%s%s%s", joined != NULL ?
			    joined : "", joined != NULL ? " " : "",
			    json_is_string(item) ? json_string_value(item) : "");

			free(joined);
			joined = next;
		}
		export_csv_text(f, joined != NULL ? joined : "");
		free(joined);
		break;
	default:
		/* null: an empty cell */
		break;
	}
}

/* Write one CSV row: the table's name, then its cells. */
static void
export_csv_row(FILE *f, const char *table, const json_t *o,
    const char *const *cols)
{
	export_csv_text(f, table);
	for (size_t i = 0; cols[i] != NULL; i++) {
		const json_t *v = json_object_get(o, cols[i]);

		fputc(',', f);
		if (v != NULL)
			export_csv_value(f, v);
	}
	fputs("\r\n", f);
}

/* Write a table's header row: "table", then the column names. */
static void
export_csv_header(FILE *f, const char *const *cols)
{
	export_csv_text(f, "table");
	for (size_t i = 0; cols[i] != NULL; i++) {
		fputc(',', f);
		export_csv_text(f, cols[i]);
	}
	fputs("\r\n", f);
}

/* The keys of a one-row table, in order (malloc'd, NULL-terminated). */
static const char **
export_csv_keys(const json_t *o)
{
	const char **cols = export_xalloc(NULL, json_object_size(o) + 1,
	    sizeof *cols);
	const char *key;
	json_t *v;
	size_t n = 0;

	json_object_foreach((json_t *)o, key, v)
		cols[n++] = key;
	cols[n] = NULL;
	return cols;
}

/*
 * The CSV layout (docs/RECORD.md): one file, every row's first cell names
 * its table; a row whose first cell is "table" is the header of the rows
 * that follow. The first table, "record", says which format this is.
 */
static void
export_write_csv(FILE *f, const json_t *rec)
{
	static const char *const record_cols[] = { "format", NULL };

	export_csv_header(f, record_cols);
	export_csv_row(f, "record", rec, record_cols);
	for (size_t t = 0; t < sizeof export_csv_tables /
	    sizeof export_csv_tables[0]; t++) {
		const char *name = export_csv_tables[t].name;
		const json_t *v = json_object_get(rec, name);
		const char **keys;
		size_t i;
		json_t *row;

		if (export_csv_tables[t].cols == NULL) {
			keys = export_csv_keys(v);
			export_csv_header(f, keys);
			export_csv_row(f, name, v, keys);
			free(keys);
			continue;
		}
		export_csv_header(f, export_csv_tables[t].cols);
		json_array_foreach(v, i, row)
			export_csv_row(f, name, row, export_csv_tables[t].cols);
	}
}

/* A Markdown table being filled, then printed with padded columns. */
struct md_table {
	const char *const *head;
	const char *align;      /* per column: 'l' or 'r' */
	size_t ncols;
	char **cells;           /* row after row, ncols each */
	size_t ncells;
};

/* Start a table. */
static void
md_init(struct md_table *t, const char *const *head, const char *align)
{
	memset(t, 0, sizeof *t);
	t->head = head;
	t->align = align;
	while (head[t->ncols] != NULL)
		t->ncols++;
}

/* Add a cell (owned by the table from now on). */
static void
md_add(struct md_table *t, char *cell)
{
	t->cells = export_xalloc(t->cells, t->ncells + 1, sizeof *t->cells);
	t->cells[t->ncells++] = cell;
}

/* Add a cell of our own text. */
static void __attribute__((format(printf, 2, 3)))
md_fmt(struct md_table *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	va_end(ap);
	md_add(t, s);
}

/*
 * Text from the session as Markdown: sanitised, then every character
 * Markdown would act on in a table cell escaped with a backslash.
 */
static char *
md_escape(const char *s)
{
	char *clean = text_inert_utf8(s), *out, *p;

	out = p = export_xalloc(NULL, strlen(clean) * 2 + 1, 1);
	for (const char *c = clean; *c != '\0'; c++) {
		if (strchr("\\|*_`<>[]", *c) != NULL)
			*p++ = '\\';
		*p++ = *c;
	}
	*p = '\0';
	free(clean);
	return out;
}

/* Add a cell of text from the session; "" and NULL show as a dash. */
static void
md_text(struct md_table *t, const char *s)
{
	if (s == NULL || s[0] == '\0')
		md_fmt(t, "—");
	else
		md_add(t, md_escape(s));
}

/* Print a line of a table: each cell padded to its column. */
static void
md_line(FILE *f, const struct md_table *t, const char *const *cells,
    const int *width)
{
	for (size_t c = 0; c < t->ncols; c++) {
		int pad = width[c] - text_width_utf8(cells[c]);

		fputs(c == 0 ? "| " : " | ", f);
		if (t->align[c] == 'r')
			for (; pad > 0; pad--)
				fputc(' ', f);
		fputs(cells[c], f);
		if (t->align[c] != 'r')
			for (; pad > 0; pad--)
				fputc(' ', f);
	}
	fputs(" |\n", f);
}

/*
 * Print a table, readable as it is in a terminal and rendered on a code
 * forge: columns padded to their widest cell (up to EXPORT_MD_PAD_MAX
 * cells; a longer cell runs over rather than widening every row).
 */
static void
md_print(FILE *f, struct md_table *t)
{
	int *width;

	if (t->ncells == 0) {
		fputs("None.\n\n", f);
		return;
	}
	width = export_xalloc(NULL, t->ncols, sizeof *width);
	for (size_t c = 0; c < t->ncols; c++)
		width[c] = text_width_utf8(t->head[c]) > 3 ?
		    text_width_utf8(t->head[c]) : 3;
	for (size_t i = 0; i < t->ncells; i++) {
		int w = text_width_utf8(t->cells[i]);
		size_t c = i % t->ncols;

		if (w > EXPORT_MD_PAD_MAX)
			w = EXPORT_MD_PAD_MAX;
		if (w > width[c])
			width[c] = w;
	}
	md_line(f, t, t->head, width);
	for (size_t c = 0; c < t->ncols; c++) {
		fputs(c == 0 ? "| " : " | ", f);
		for (int k = 0; k < width[c] - 1; k++)
			fputc('-', f);
		fputc(t->align[c] == 'r' ? ':' : '-', f);
	}
	fputs(" |\n", f);
	for (size_t i = 0; i + t->ncols <= t->ncells; i += t->ncols)
		md_line(f, t, (const char *const *)&t->cells[i], width);
	fputc('\n', f);
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(width);
}

/* "m:ss" or "h:mm:ss" of whole seconds. */
static char *
md_dur(int64_t s, char *buf, size_t bufsz)
{
	return timefmt_duration(s * 1000, buf, bufsz);
}

/* A signed duration: "+1:06", "-0:30", "0:00". */
static char *
md_signed(int64_t s, char *buf, size_t bufsz)
{
	char d[24];

	timefmt_duration((s < 0 ? -s : s) * 1000, d, sizeof d);
	snprintf(buf, bufsz, "%s%s", s > 0 ? "+" : s < 0 ? "-" : "", d);
	return buf;
}

/* A clock time in the event's zone, or a dash. */
static char *
md_clock(const struct export_rec *r, int64_t wall, char *buf, size_t bufsz)
{
	if (wall == MODEL_NO_TIME)
		snprintf(buf, bufsz, "—");
	else
		timefmt_hms(wall, r->ev->utc_offset_min, buf, bufsz);
	return buf;
}

/* A share as a percentage with one decimal. */
static char *
md_pct(double share, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%.1f %%", share * 100.0);
	return buf;
}

/* The title block and the summary table. */
static void
md_summary(FILE *f, const struct export_rec *r)
{
	static const char *const head[] = { "", "planned", "actual", NULL };
	const struct model_event *ev = r->ev;
	const struct export_input *in = r->in;
	char *title = md_escape(ev->title), zone[16], a[32], b[32], c[32];
	struct md_table t;
	bool ended = r->actual_end != MODEL_NO_TIME;

	fprintf(f, "# Session record: %s\n\n", title);
	free(title);
	fprintf(f, "%s, %s–%s %s · %s · %s · record taken at %s\n\n",
	    ev->date, timefmt_hm(ev->start_wall_ms, ev->utc_offset_min, a,
	    sizeof a), timefmt_hm(ev->end_wall_ms, ev->utc_offset_min, b,
	    sizeof b), timefmt_zone(ev->utc_offset_min, zone, sizeof zone),
	    in->rehearsal ? "rehearsal" : "live",
	    strcmp(r->status, "ended") == 0 ? "ended" :
	    strcmp(r->status, "in_progress") == 0 ? "in progress" :
	    "not started", md_clock(r, in->now.wall_ms, c, sizeof c));

	fputs("## Summary\n\n", f);
	md_init(&t, head, "lrr");
	md_fmt(&t, "start");
	md_fmt(&t, "%s", md_clock(r, ev->start_wall_ms, a, sizeof a));
	md_fmt(&t, "%s", md_clock(r, r->actual_start, b, sizeof b));
	md_fmt(&t, "end");
	md_fmt(&t, "%s", md_clock(r, ev->end_wall_ms, a, sizeof a));
	if (ended || r->actual_start == MODEL_NO_TIME)
		md_fmt(&t, "%s", md_clock(r, r->actual_end, b, sizeof b));
	else
		md_fmt(&t, "projected %s", md_clock(r, model_projected_end(r->m,
		    in->now), b, sizeof b));
	md_fmt(&t, "duration");
	md_fmt(&t, "%s", md_dur(r->planned_s, a, sizeof a));
	if (r->actual_start != MODEL_NO_TIME)
		md_fmt(&t, "%s%s", md_dur(r->actual_s, b, sizeof b),
		    ended ? "" : " so far");
	else
		md_fmt(&t, "—");
	md_fmt(&t, "overrun");
	md_fmt(&t, "%s", "");
	md_fmt(&t, "%s", ended ? md_signed(r->actual_s - r->planned_s, b,
	    sizeof b) : "—");
	md_print(f, &t);
	fprintf(f, "%" PRId64 " of %zu segments done; %" PRId64 " of %zu"
	    " speakers heard, for %s in all; %" PRId64 " questions, %" PRId64
	    " put on air.\n\n", r->segs_done, ev->nsegments, r->heard, r->nspk,
	    md_dur(r->spoken_s, a, sizeof a), r->qall.total, r->qall.on_air);
}

/* The agenda: each segment planned against actual. */
static void
md_agenda(FILE *f, const struct export_rec *r)
{
	static const char *const head[] = { "#", "segment", "planned",
		"actual", "planned length", "actual length", "overrun",
		"start", "heard", NULL };
	struct md_table t;
	char a[32], b[32], c[32];

	fputs("## Agenda\n\n", f);
	md_init(&t, head, "rlllrrrrr");
	for (size_t i = 0; i < r->ev->nsegments; i++) {
		const struct export_seg *e = &r->segs[i];

		md_fmt(&t, "%zu", i + 1);
		md_text(&t, e->seg->plan->title);
		md_fmt(&t, "%s–%s", timefmt_hm(e->seg->planned_start,
		    r->ev->utc_offset_min, a, sizeof a),
		    timefmt_hm(e->seg->planned_end, r->ev->utc_offset_min, b,
		    sizeof b));
		if (!e->started) {
			md_fmt(&t, "not started");
		} else {
			md_fmt(&t, "%s–%s", md_clock(r, e->seg->actual_start, a,
			    sizeof a), e->seg->actual_end != MODEL_NO_TIME ?
			    md_clock(r, e->seg->actual_end, b, sizeof b) : "now");
		}
		md_fmt(&t, "%s", md_dur(e->planned_s, a, sizeof a));
		md_fmt(&t, "%s%s", e->started ? md_dur(e->actual_s, b,
		    sizeof b) : "—", e->started && e->seg->actual_end ==
		    MODEL_NO_TIME ? " so far" : "");
		md_fmt(&t, "%s", e->seg->actual_end != MODEL_NO_TIME ?
		    md_signed(e->overrun_s, c, sizeof c) : "—");
		md_fmt(&t, "%s", e->started ? md_signed(e->start_delay_s, a,
		    sizeof a) : "—");
		md_fmt(&t, "%" PRId64, e->heard);
	}
	md_print(f, &t);
	fputs("*start*: how late (+) or early (-) the segment started against"
	    " its plan; *heard*: speakers who took the floor.\n\n", f);
}

/* The speakers: allotted against spoken. */
static void
md_speakers(FILE *f, const struct export_rec *r)
{
	static const char *const head[] = { "#", "speaker", "organisation",
		"lang", "status", "allotted", "added", "spoken", "overtime",
		"from", "to", NULL };
	struct md_table t;
	char a[32];

	fputs("## Speakers\n\n", f);
	md_init(&t, head, "rllllrrrrll");
	for (size_t i = 0; i < r->nspk; i++) {
		const struct export_spk *e = &r->spk[i];

		md_fmt(&t, "%d", e->sp->segment + 1);
		md_text(&t, e->sp->name);
		md_text(&t, e->sp->org);
		md_text(&t, e->sp->lang);
		md_fmt(&t, "%s", model_speaker_status_name(e->sp->status));
		md_fmt(&t, "%s", md_dur(e->sp->allotted_s, a, sizeof a));
		md_fmt(&t, "%s", e->added_s != 0 ? md_signed(e->added_s, a,
		    sizeof a) : "");
		md_fmt(&t, "%s", md_dur(e->spoken_s, a, sizeof a));
		md_fmt(&t, "%s", e->overtime_s > 0 ? md_signed(e->overtime_s,
		    a, sizeof a) : "");
		md_fmt(&t, "%s", md_clock(r, e->sp->start_wall, a, sizeof a));
		md_fmt(&t, "%s", md_clock(r, e->sp->end_wall, a, sizeof a));
	}
	md_print(f, &t);
	fputs("*#*: the segment; *spoken*: time with the countdown running"
	    " (pauses excluded); *overtime*: spoken beyond allotted + added.\n\n",
	    f);
}

/* Speaking totals per organisation or language. */
static void
md_sums(FILE *f, const struct export_rec *r, const char *title,
    const char *keyname, const struct export_sum *v, size_t n)
{
	const char *head[] = { keyname, "speakers", "allotted", "added",
		"spoken", "overtime", "share of speaking time", NULL };
	struct md_table t;
	char a[32];

	fprintf(f, "## %s\n\n", title);
	md_init(&t, head, "lrrrrrr");
	for (size_t i = 0; i < n; i++) {
		md_text(&t, v[i].key);
		md_fmt(&t, "%" PRId64, v[i].speakers);
		md_fmt(&t, "%s", md_dur(v[i].allotted_s, a, sizeof a));
		md_fmt(&t, "%s", v[i].added_s != 0 ? md_signed(v[i].added_s, a,
		    sizeof a) : "");
		md_fmt(&t, "%s", md_dur(v[i].spoken_s, a, sizeof a));
		md_fmt(&t, "%s", v[i].overtime_s > 0 ?
		    md_signed(v[i].overtime_s, a, sizeof a) : "");
		md_fmt(&t, "%s", md_pct(export_share(v[i].spoken_s,
		    r->spoken_s), a, sizeof a));
	}
	md_print(f, &t);
}

/* The counts of one question group, one cell per status. */
static void
md_qcounts(struct md_table *t, const struct export_qsum *s)
{
	md_fmt(t, "%" PRId64, s->total);
	for (int k = 0; k < EXPORT_QSTATUSES; k++)
		md_fmt(t, "%" PRId64, s->by_status[k]);
	md_fmt(t, "%" PRId64, s->on_air);
}

/* Questions per language and per theme. */
static void
md_question_counts(FILE *f, const struct export_rec *r)
{
	static const char *const lhead[] = { "language", "received", "new",
		"approved", "on air", "answered", "dismissed", "put on air",
		"share put on air", "share of all put on air", NULL };
	static const char *const thead[] = { "theme", "received", "new",
		"approved", "on air", "answered", "dismissed", "put on air",
		NULL };
	struct md_table t;
	char a[32];

	fprintf(f, "## Questions\n\n%" PRId64 " received: %" PRId64 " new, %"
	    PRId64 " approved, %" PRId64 " on air, %" PRId64 " answered, %"
	    PRId64 " dismissed; %" PRId64 " put on air.\n\n", r->qall.total,
	    r->qall.by_status[MODEL_QUESTION_NEW],
	    r->qall.by_status[MODEL_QUESTION_APPROVED],
	    r->qall.by_status[MODEL_QUESTION_ON_AIR],
	    r->qall.by_status[MODEL_QUESTION_ANSWERED],
	    r->qall.by_status[MODEL_QUESTION_DISMISSED], r->qall.on_air);
	fputs("### By language\n\n", f);
	md_init(&t, lhead, "lrrrrrrrrr");
	for (size_t i = 0; i < r->nqlangs; i++) {
		md_text(&t, r->qlangs[i].key);
		md_qcounts(&t, &r->qlangs[i]);
		md_fmt(&t, "%s", md_pct(export_share(r->qlangs[i].on_air,
		    r->qlangs[i].total), a, sizeof a));
		md_fmt(&t, "%s", md_pct(export_share(r->qlangs[i].on_air,
		    r->qall.on_air), a, sizeof a));
	}
	md_print(f, &t);
	fputs("*share put on air*: of the questions asked in that language,"
	    " how many the chair put on air.\n\n", f);
	fputs("### By theme\n\n", f);
	md_init(&t, thead, "lrrrrrrr");
	for (size_t i = 0; i < r->nthemes; i++) {
		md_text(&t, r->themes[i].title != NULL ? r->themes[i].title :
		    r->themes[i].key);
		md_qcounts(&t, &r->themes[i]);
	}
	md_print(f, &t);
}

/* Order questions by when they went on air (for qsort_r over indices). */
static int
md_on_air_cmp(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;
	const struct model_question *x = &m->questions[*(const size_t *)a];
	const struct model_question *y = &m->questions[*(const size_t *)b];

	if (x->on_air_wall != y->on_air_wall)
		return x->on_air_wall < y->on_air_wall ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The questions put on air, in the order they were, and all of them. */
static void
md_question_lists(FILE *f, const struct export_rec *r)
{
	static const char *const ahead[] = { "on air", "answered", "id",
		"lang", "theme", "from", "organisation", "question", NULL };
	static const char *const qhead[] = { "id", "received", "lang",
		"theme", "status", "from", "organisation", "country", "question",
		NULL };
	const struct model *m = r->m;
	size_t *idx = export_xalloc(NULL, m->nquestions, sizeof *idx), n = 0;
	struct md_table t;
	char a[32];

	for (size_t i = 0; i < m->nquestions; i++) {
		if (m->questions[i].on_air_wall != MODEL_NO_TIME)
			idx[n++] = i;
	}
	if (n > 0)
		qsort_r(idx, n, sizeof *idx, md_on_air_cmp, (void *)m);
	fputs("### Put on air\n\n", f);
	md_init(&t, ahead, "llrlllll");
	for (size_t k = 0; k < n; k++) {
		const struct model_question *q = &m->questions[idx[k]];

		md_fmt(&t, "%s", md_clock(r, q->on_air_wall, a, sizeof a));
		md_fmt(&t, "%s", md_clock(r, q->answered_wall, a, sizeof a));
		md_fmt(&t, "%" PRId64, q->id);
		md_text(&t, q->lang);
		md_text(&t, q->theme);
		md_text(&t, q->from);
		md_text(&t, q->org);
		md_text(&t, q->text);
	}
	md_print(f, &t);
	free(idx);

	fputs("### All questions\n\n", f);
	md_init(&t, qhead, "rllllllll");
	for (size_t i = 0; i < m->nquestions; i++) {
		const struct model_question *q = &m->questions[i];

		md_fmt(&t, "%" PRId64, q->id);
		md_fmt(&t, "%s", md_clock(r, q->received_wall, a, sizeof a));
		md_text(&t, q->lang);
		md_text(&t, q->theme);
		md_fmt(&t, "%s", model_question_status_name(q->status));
		md_text(&t, q->from);
		md_text(&t, q->org);
		md_text(&t, q->country);
		md_text(&t, q->text);
	}
	md_print(f, &t);
}

/* The journal, its chains, and how to check this record. */
static void
md_journal(FILE *f, const struct export_rec *r)
{
	static const char *const head[] = { "origin", "action", "rows",
		"undone", NULL };
	const struct store_verify_result *c = r->in->chain;
	struct md_table t;

	fputs("## Journal\n\n", f);
	md_init(&t, head, "llrr");
	for (size_t i = 0; i < r->nacts; i++) {
		md_text(&t, r->acts[i].origin);
		md_fmt(&t, "%s", r->acts[i].kind);
		md_fmt(&t, "%" PRId64, r->acts[i].rows);
		md_fmt(&t, "%" PRId64, r->acts[i].undone);
	}
	md_print(f, &t);
	fprintf(f, "%" PRId64 " rows, %" PRId64 " undone.\n\n", r->jrows,
	    r->jundone);
	if (c == NULL) {
		fputs("The hash chain was not checked.\n", f);
		return;
	}
	switch (c->status) {
	case STORE_VERIFY_OK:
		fprintf(f, "Hash chain: intact (rows: %" PRId64 ", undo"
		    " entries: %" PRId64 ").\n\n", c->rows, c->undos);
		break;
	case STORE_VERIFY_UNCHAINED:
	case STORE_VERIFY_DAMAGED:
		fprintf(f, "Hash chain: none: %s.\n", c->why);
		return;
	case STORE_VERIFY_ROW:
		fprintf(f, "Hash chain: **BROKEN at row %" PRId64 "**: %s.\n\n",
		    c->at, c->why);
		break;
	case STORE_VERIFY_UNDO:
		fprintf(f, "Hash chain: **BROKEN at undo entry %" PRId64 "**:"
		    " %s.\n\n", c->at, c->why);
		break;
	}
	fprintf(f, "* journal hash: `%s`\n* undo hash: `%s`\n\n", c->journal_hash,
	    c->undo_hash);
	fputs("To check this record against the session database: `podium"
	    " verify --db FILE --hash <journal hash>` (docs/RECORD.md).\n", f);
}

/* The record in Markdown. */
static void
export_write_md(FILE *f, const struct export_rec *r)
{
	md_summary(f, r);
	md_agenda(f, r);
	md_speakers(f, r);
	md_sums(f, r, "Speaking time by organisation", "organisation",
	    r->orgs, r->norgs);
	md_sums(f, r, "Speaking time by language of intervention", "language",
	    r->langs, r->nlangs);
	md_question_counts(f, r);
	md_question_lists(f, r);
	md_journal(f, r);
}

/* Text as XML character data or attribute value (malloc'd). */
static char *
svg_escape(const char *s, int max_cells)
{
	char *clean = text_fit_utf8(s, max_cells), *out, *p;

	out = p = export_xalloc(NULL, strlen(clean) * 6 + 1, 1);
	for (const char *c = clean; *c != '\0'; c++) {
		switch (*c) {
		case '&':
			p = stpcpy(p, "&amp;");
			break;
		case '<':
			p = stpcpy(p, "&lt;");
			break;
		case '>':
			p = stpcpy(p, "&gt;");
			break;
		case '"':
			p = stpcpy(p, "&quot;");
			break;
		case '\'':
			p = stpcpy(p, "&apos;");
			break;
		default:
			*p++ = *c;
			break;
		}
	}
	*p = '\0';
	free(clean);
	return out;
}

/* The time axis of the picture. */
struct svg_axis {
	int64_t t0, t1;     /* wall ms at the left and right ends */
	int64_t step;       /* ms between ticks */
	double x0, w;       /* px of t0 and of the whole span */
};

/* Widen a span to take a time in. */
static void
svg_span(int64_t *lo, int64_t *hi, int64_t t)
{
	if (t == MODEL_NO_TIME)
		return;
	if (t < *lo)
		*lo = t;
	if (t > *hi)
		*hi = t;
}

/*
 * Choose the axis: every time the picture shows, widened to whole ticks
 * of the event's clock, with at most a dozen ticks.
 */
static void
svg_axis_init(struct svg_axis *ax, const struct export_rec *r)
{
	static const int64_t steps_min[] = { 1, 2, 5, 10, 15, 30, 60, 120,
		240, 480, 1440 };
	int64_t lo = r->ev->start_wall_ms, hi = r->ev->end_wall_ms;
	int64_t off = (int64_t)r->ev->utc_offset_min * 60000;
	size_t i;

	for (size_t k = 0; k < r->ev->nsegments; k++) {
		svg_span(&lo, &hi, r->segs[k].seg->actual_start);
		svg_span(&lo, &hi, r->segs[k].end_wall);
	}
	for (size_t k = 0; k < r->nspk; k++) {
		svg_span(&lo, &hi, r->spk[k].sp->start_wall);
		svg_span(&lo, &hi, r->spk[k].slot_end);
	}
	if (strcmp(r->status, "in_progress") == 0)
		svg_span(&lo, &hi, r->in->now.wall_ms);
	for (i = 0; i + 1 < sizeof steps_min / sizeof steps_min[0]; i++) {
		if ((hi - lo) / (steps_min[i] * 60000) < 12)
			break;
	}
	ax->step = steps_min[i] * 60000;
	/* Ticks fall on whole minutes of the event's clock, not of UTC. */
	ax->t0 = (lo + off) / ax->step * ax->step - off;
	if (ax->t0 > lo)
		ax->t0 -= ax->step;
	ax->t1 = ax->t0 + ((hi - ax->t0) + ax->step - 1) / ax->step * ax->step;
	if (ax->t1 <= ax->t0)
		ax->t1 = ax->t0 + ax->step;
	ax->x0 = SVG_LABEL_W;
	ax->w = SVG_WIDTH - SVG_LABEL_W - SVG_RIGHT;
}

/* The x of a time. */
static double
svg_x(const struct svg_axis *ax, int64_t t)
{
	return ax->x0 + (double)(t - ax->t0) * ax->w /
	    (double)(ax->t1 - ax->t0);
}

/* A bar from t0 to t1 with a tooltip (tip is already escaped). */
static void
svg_bar(FILE *f, const struct svg_axis *ax, int64_t t0, int64_t t1, int y,
    int h, const char *style, const char *tip)
{
	double x = svg_x(ax, t0), w = svg_x(ax, t1) - x;

	if (w < 1.0)
		w = 1.0;
	fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\""
	    " class=\"%s\"><title>%s</title></rect>\n", x, y, w, h, style, tip);
}

/* The title lines and the axis with its grid, from y top to y bottom. */
static void
svg_frame(FILE *f, const struct export_rec *r, const struct svg_axis *ax,
    int top, int bottom)
{
	char *title = svg_escape(r->ev->title, 0), zone[16], a[32], b[32];

	fprintf(f, "<text x=\"10\" y=\"26\" class=\"title\">%s</text>\n",
	    title);
	free(title);
	fprintf(f, "<text x=\"10\" y=\"46\" class=\"sub\">%s, planned %s–%s %s"
	    " · %s · %s</text>\n", r->ev->date, timefmt_hm(r->ev->start_wall_ms,
	    r->ev->utc_offset_min, a, sizeof a), timefmt_hm(r->ev->end_wall_ms,
	    r->ev->utc_offset_min, b, sizeof b), timefmt_zone(
	    r->ev->utc_offset_min, zone, sizeof zone), r->in->rehearsal ?
	    "rehearsal" : "live", strcmp(r->status, "ended") == 0 ? "ended" :
	    strcmp(r->status, "in_progress") == 0 ? "in progress" :
	    "not started");
	for (int64_t t = ax->t0; t <= ax->t1; t += ax->step) {
		double x = svg_x(ax, t);

		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
		    " class=\"grid\"/>\n<text x=\"%.1f\" y=\"%d\""
		    " class=\"tick\">%s</text>\n", x, top, x, bottom, x,
		    top - 6, timefmt_hm(t, r->ev->utc_offset_min, a, sizeof a));
	}
}

/* One row per segment: the plan above, what happened below. */
static int
svg_segments(FILE *f, const struct export_rec *r, const struct svg_axis *ax,
    int y)
{
	char a[32], b[32], c[32], d[32], e2[32], g[32], *tip, *label;

	fprintf(f, "<text x=\"10\" y=\"%d\" class=\"head\">Agenda: planned"
	    " (upper) and actual (lower)</text>\n", y + 14);
	y += 22;
	for (size_t i = 0; i < r->ev->nsegments; i++) {
		const struct export_seg *e = &r->segs[i];
		char *title = export_fmt("%zu. %s", i + 1, e->seg->plan->title);
		char *esc = svg_escape(e->seg->plan->title, 0);

		label = svg_escape(title, SVG_LABEL_CELLS);
		fprintf(f, "<text x=\"10\" y=\"%d\" class=\"%s\">%s</text>\n",
		    y + 20, e->started ? "label" : "label idle", label);
		tip = export_fmt("%s: planned %s–%s (%s)", esc,
		    timefmt_hm(e->seg->planned_start, r->ev->utc_offset_min, a,
		    sizeof a), timefmt_hm(e->seg->planned_end,
		    r->ev->utc_offset_min, b, sizeof b), md_dur(e->planned_s, c,
		    sizeof c));
		svg_bar(f, ax, e->seg->planned_start, e->seg->planned_end, y + 4,
		    10, "planned", tip);
		free(tip);
		if (e->started) {
			tip = export_fmt("%s: actual %s–%s (%s), overrun %s", esc,
			    md_clock(r, e->seg->actual_start, a, sizeof a),
			    e->seg->actual_end != MODEL_NO_TIME ? md_clock(r,
			    e->seg->actual_end, b, sizeof b) : "now",
			    md_dur(e->actual_s, d, sizeof d),
			    md_signed(e->overrun_s, e2, sizeof e2));
			svg_bar(f, ax, e->seg->actual_start, e->end_wall, y + 16,
			    10, e->overrun_s > 0 ? "over" : "actual", tip);
			free(tip);
			if (e->overrun_s > 0)
				fprintf(f, "<text x=\"%.1f\" y=\"%d\""
				    " class=\"note\">%s</text>\n",
				    svg_x(ax, e->end_wall) + 4, y + 25,
				    md_signed(e->overrun_s, g, sizeof g));
		}
		free(label);
		free(esc);
		free(title);
		y += SVG_SEG_ROW;
	}
	return y;
}

/* One row per speaker who took the floor, at the time they had it. */
static int
svg_speakers(FILE *f, const struct export_rec *r, const struct svg_axis *ax,
    int y)
{
	char a[32], b[32], c[32], d[32], e2[32];

	fprintf(f, "<text x=\"10\" y=\"%d\" class=\"head\">Speakers: from"
	    " first start to done</text>\n", y + 14);
	y += 22;
	for (size_t i = 0; i < r->nspk; i++) {
		const struct export_spk *e = &r->spk[i];
		char *text, *label, *tip, *name;

		if (e->sp->start_wall == MODEL_NO_TIME ||
		    e->slot_end == MODEL_NO_TIME)
			continue;
		text = export_fmt("%s (%s)", e->sp->name, e->sp->lang[0] != '\0' ?
		    e->sp->lang : "?");
		label = svg_escape(text, SVG_LABEL_CELLS);
		name = svg_escape(e->sp->name, 0);
		fprintf(f, "<text x=\"18\" y=\"%d\" class=\"small\">%s</text>\n",
		    y + 13, label);
		tip = export_fmt("%s: %s–%s, spoke %s of %s%s%s", name,
		    md_clock(r, e->sp->start_wall, a, sizeof a),
		    e->sp->end_wall != MODEL_NO_TIME ? md_clock(r,
		    e->sp->end_wall, b, sizeof b) : "now",
		    md_dur(e->spoken_s, c, sizeof c), md_dur(e->granted_s, d,
		    sizeof d), e->overtime_s > 0 ? ", overtime " : "",
		    e->overtime_s > 0 ? md_signed(e->overtime_s, e2,
		    sizeof e2) : "");
		svg_bar(f, ax, e->sp->start_wall, e->slot_end, y + 4, 11,
		    e->overtime_s > 0 ? "spkover" : "spk", tip);
		free(tip);
		free(name);
		free(label);
		free(text);
		y += SVG_SPK_ROW;
	}
	return y;
}

/* The legend and the hashes that tie the picture to its journal. */
static int
svg_legend(FILE *f, const struct export_rec *r, int y)
{
	static const struct {
		const char *cls, *text;
	} keys[] = {
		{ "planned", "planned" },
		{ "actual", "actual" },
		{ "over", "actual, overran its plan" },
		{ "spk", "speaker" },
		{ "spkover", "speaker in overtime" },
	};
	const struct store_verify_result *c = r->in->chain;
	int x = 10;

	y += 10;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"10\""
		    " class=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"small\">%s"
		    "</text>\n", x, y, keys[i].cls, x + 18, y + 9, keys[i].text);
		x += 40 + 7 * (int)strlen(keys[i].text);
	}
	y += 30;
	if (c != NULL && (c->status == STORE_VERIFY_OK ||
	    c->status == STORE_VERIFY_ROW || c->status == STORE_VERIFY_UNDO)) {
		fprintf(f, "<text x=\"10\" y=\"%d\" class=\"hash\">journal hash"
		    " %s%s</text>\n", y, c->journal_hash, c->status ==
		    STORE_VERIFY_OK ? "" : " (chain BROKEN: podium verify says"
		    " where)");
		fprintf(f, "<text x=\"10\" y=\"%d\" class=\"hash\">undo hash"
		    " %s</text>\n", y + 16, c->undo_hash);
		y += 16;
	}
	return y + 14;
}

/* The record as an SVG timeline: planned against actual on one axis. */
static void
export_write_svg(FILE *f, const struct export_rec *r)
{
	struct svg_axis ax;
	int top = 84, heard = 0, height, bottom;
	int64_t now = r->in->now.wall_ms;

	svg_axis_init(&ax, r);
	for (size_t i = 0; i < r->nspk; i++)
		heard += r->spk[i].sp->start_wall != MODEL_NO_TIME;
	bottom = top + 22 + (int)r->ev->nsegments * SVG_SEG_ROW + 22 +
	    heard * SVG_SPK_ROW;
	height = bottom + 80;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
	    " height=\"%d\" viewBox=\"0 0 %d %d\">\n", SVG_WIDTH, height,
	    SVG_WIDTH, height);
	fputs("<style>\n"
	    "text { font-family: sans-serif; fill: #222; }\n"
	    ".title { font-size: 18px; font-weight: bold; }\n"
	    ".sub, .label { font-size: 12px; }\n"
	    ".small, .note { font-size: 11px; }\n"
	    ".head { font-size: 13px; font-weight: bold; }\n"
	    ".idle { fill: #999; }\n"
	    ".tick { font-size: 11px; text-anchor: middle; fill: #555; }\n"
	    ".hash { font-family: monospace; font-size: 11px; fill: #555; }\n"
	    ".grid { stroke: #e3e3e3; stroke-width: 1; }\n"
	    ".now { stroke: #c0392b; stroke-width: 1.5;"
	    " stroke-dasharray: 4 3; }\n"
	    ".planned { fill: #dde3ea; stroke: #8a99ab; stroke-width: 0.5; }\n"
	    ".actual { fill: #2e6da4; }\n"
	    ".over { fill: #c0392b; }\n"
	    ".spk { fill: #3a9d5d; }\n"
	    ".spkover { fill: #d35400; }\n"
	    "</style>\n", f);
	fputs("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", f);
	svg_frame(f, r, &ax, top, bottom);
	svg_legend(f, r, svg_speakers(f, r, &ax, svg_segments(f, r, &ax,
	    top)));
	if (strcmp(r->status, "in_progress") == 0 && now >= ax.t0 &&
	    now <= ax.t1)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
		    " class=\"now\"><title>now</title></line>\n",
		    svg_x(&ax, now), top, svg_x(&ax, now), bottom);
	fputs("</svg>\n", f);
}

/* A format by its name on the command line. */
bool
export_format_by_name(const char *name, enum export_format *out)
{
	static const struct {
		const char *name;
		enum export_format fmt;
	} names[] = {
		{ "md", EXPORT_MD },
		{ "markdown", EXPORT_MD },
		{ "csv", EXPORT_CSV },
		{ "json", EXPORT_JSON },
		{ "svg", EXPORT_SVG },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(names[i].name, name) == 0) {
			*out = names[i].fmt;
			return true;
		}
	}
	return false;
}

/* A format's name, which is also its file extension. */
const char *
export_format_name(enum export_format fmt)
{
	switch (fmt) {
	case EXPORT_CSV:
		return "csv";
	case EXPORT_JSON:
		return "json";
	case EXPORT_SVG:
		return "svg";
	default:
		return "md";
	}
}

/* Compute the record once and lay it out in one format. */
int
export_write(FILE *f, enum export_format fmt, const struct export_input *in,
    char **cause)
{
	struct export_rec r;
	json_t *j = NULL;

	export_rec_build(&r, in);
	switch (fmt) {
	case EXPORT_MD:
		export_write_md(f, &r);
		break;
	case EXPORT_SVG:
		export_write_svg(f, &r);
		break;
	case EXPORT_CSV:
	case EXPORT_JSON:
		j = export_json_rec(&r);
		if (fmt == EXPORT_CSV)
			export_write_csv(f, j);
		else if (json_dumpf(j, f, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER) == 0)
			fputc('\n', f);
		json_decref(j);
		break;
	}
	export_rec_finish(&r);
	if (fflush(f) != 0 || ferror(f)) {
		if (asprintf(cause, "cannot write the record: %m; check the"
		    " disk and the -o path") < 0)
			abort();
		return -1;
	}
	return 0;
}
