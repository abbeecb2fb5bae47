/*
 * qlist.c -- the questions pane's display order, kept up to date change by
 * change instead of being rebuilt and re-sorted for every keypress.
 *
 * Data flow: each group is a slot (the event's themes in event order, then
 * the catch-all "other") holding its rows: a header, then its listed
 * questions sorted by votes (most first) then arrival. What the list knows
 * of each model question (slot, votes, status, language bucket, whether it
 * matches the search) is kept in a snapshot beside it. qlist_update()
 * compares the model, its questions_version and question count, the
 * current segment's theme and a search generation with the last update:
 *   - a new model, event or search: a full build (every question is given
 *     its slot, qsort by slot, votes and arrival, rows written per slot);
 *   - otherwise the question changes since the last update are read from
 *     the model's question_log (or, when only questions were added, from
 *     the count): a new question is inserted where it belongs in its slot
 *     (a binary search, then a memmove of the rows after it, usually none:
 *     it arrives last among those with no votes); a vote or a theme change
 *     takes the question out and puts it back in; a status change only
 *     moves a count. Too many changes at once: a full build;
 *   - a change of the current segment's theme reorders the slots only
 *     (the slot shown first moves to the front): O(groups), since a row
 *     is given its group's display index when qlist_row() hands it out.
 * Rows are virtual: a row number is found from the slots' sizes in
 * display order (header rows are prefix sums, O(groups)), so no global
 * array of rows is rebuilt. Questions' normalised search text
 * (classify_normalise of text, sender, organisation, country) is computed
 * the first time a search needs it and kept per question, keyed by id so
 * that a rebuilt model cannot mix them up; a question's text never changes
 * once stored, so whether it matches the search never changes either.
 */
#include "qlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classify.h"

/* Field separator in a question's search text: never part of a search. */
#define FIELD_SEP '\x1f'

/* A question's normalised search text, cached. */
struct haystack {
	int64_t id;       /* the question it was made for; 0 when not made */
	char *text;
};

/* What the list knows of a model question, as last seen. */
struct snap {
	int votes;
	int slot;            /* its group */
	unsigned lang;       /* its language bucket */
	unsigned char status;
	bool listed;         /* it matches the search */
};

/* One group's rows, in the event's order of groups (not display order). */
struct slot {
	struct qlist_row *rows; /* the header, then g.listed questions */
	size_t cap;
	struct qlist_group g;   /* key, title, listed and status counts */
};

/* One listed question while sorting for a full build. */
struct item {
	int slot;
	int votes;
	size_t question;
};

struct qlist {
	/* What the list was last brought up to date with. */
	bool built;
	const struct model *model;
	const struct model_event *event;
	uint64_t version;
	size_t nquestions;
	int64_t last_id;         /* id of the last question seen, or -1 */
	int first_theme;         /* event theme shown first, or -1 */
	uint64_t search_gen;     /* bumped by every change of the search */
	uint64_t built_search_gen;
	uint64_t rebuilds;
	uint64_t full_builds;

	char search[QLIST_SEARCH_MAX + 1];
	char *needle;            /* normalised search; NULL when none */

	struct slot *slots;
	int nslots;
	int slots_cap;           /* slots allocated (an event may shrink) */
	int *slot_of_theme;      /* slot of each event theme */
	int other;               /* slot of the catch-all */
	int lead;                /* slot shown first, or -1 */
	int *disp;               /* slot at each display position */
	int *disp_of;            /* display position of each slot */
	struct qlist_group *groups; /* display order, rows counted */
	size_t *lang_counts;     /* nslots * nlangs */
	size_t nlangs;
	size_t nrows;
	size_t listed;
	size_t on_air;           /* question on air, or QLIST_NO_ROW */

	struct snap *snap;       /* one per model question */
	size_t snap_cap;
	struct item *items;
	size_t items_cap;
	struct haystack *hay;
	size_t hay_cap;
};

/* Allocate or grow memory, aborting with a message if there is none. */
static void *
qlist_xrealloc(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size) {
		fprintf(stderr, "podium: question list too large\n");
		abort();
	}
	q = realloc(p, n * size == 0 ? 1 : n * size);
	if (q == NULL) {
		fprintf(stderr, "podium: out of memory (question list)\n");
		abort();
	}
	return q;
}

/* Make sure an array holds at least n elements, growing it by doubling. */
static void *
qlist_reserve(void *p, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap;

	if (n <= c)
		return p;
	while (c < n)
		c = c < 64 ? 64 : c * 2;
	*cap = c;
	return qlist_xrealloc(p, c, size);
}

/*
 * Normalised text as classify_normalise() makes it, malloc'd. Normalising
 * never lengthens text by more than a byte per byte (ß→ss, œ→oe keep the
 * length), so twice the input always fits.
 */
static char *
qlist_normalise(const char *s, size_t *len)
{
	size_t sz = strlen(s) * 2 + 8;
	char *out = qlist_xrealloc(NULL, sz, 1);

	*len = classify_normalise(s, out, sz);
	return out;
}

/* An empty list; the first update builds it. */
struct qlist *
qlist_create(void)
{
	struct qlist *ql = qlist_xrealloc(NULL, 1, sizeof *ql);

	memset(ql, 0, sizeof *ql);
	ql->first_theme = -1;
	ql->lead = -1;
	ql->on_air = QLIST_NO_ROW;
	return ql;
}

/* Free the list and every cached search text. */
void
qlist_destroy(struct qlist *ql)
{
	if (ql == NULL)
		return;
	for (size_t i = 0; i < ql->hay_cap; i++)
		free(ql->hay[i].text);
	free(ql->hay);
	free(ql->needle);
	for (int s = 0; s < ql->slots_cap; s++)
		free(ql->slots[s].rows);
	free(ql->slots);
	free(ql->slot_of_theme);
	free(ql->disp);
	free(ql->disp_of);
	free(ql->groups);
	free(ql->lang_counts);
	free(ql->snap);
	free(ql->items);
	free(ql);
}

/* Cut s to at most max bytes without splitting a UTF-8 character. */
static void
qlist_copy_cut(char *dst, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Keep a new search and its normalised form; the next update applies it. */
void
qlist_set_search(struct qlist *ql, const char *text)
{
	char cut[QLIST_SEARCH_MAX + 1];

	qlist_copy_cut(cut, text != NULL ? text : "", QLIST_SEARCH_MAX);
	if (strcmp(cut, ql->search) == 0)
		return;
	memcpy(ql->search, cut, sizeof cut);
	free(ql->needle);
	ql->needle = NULL;
	if (ql->search[0] != '\0') {
		size_t n;

		ql->needle = qlist_normalise(ql->search, &n);
		/* Only punctuation or marks: nothing to look for, list all. */
		if (n == 0) {
			free(ql->needle);
			ql->needle = NULL;
		}
	}
	ql->search_gen++;
}

/* The search as the chair typed it. */
const char *
qlist_search(const struct qlist *ql)
{
	return ql->search;
}

/* Make the next update rebuild, whatever it compares. */
void
qlist_invalidate(struct qlist *ql)
{
	ql->built = false;
}

/* How many updates changed the list, so tests can see the cache work. */
uint64_t
qlist_rebuilds(const struct qlist *ql)
{
	return ql->rebuilds;
}

/* How many of the updates were full builds (for tests and traces). */
uint64_t
qlist_full_builds(const struct qlist *ql)
{
	return ql->full_builds;
}

/*
 * Lay out the slots of an event: its themes in event order, the first
 * theme keyed "other" (or a made-up one) last as the catch-all. Every slot
 * is left empty.
 */
static void
qlist_slots(struct qlist *ql, const struct model_event *ev)
{
	int other_theme = -1, k = 0, n = 1;

	for (size_t t = 0; t < ev->nthemes; t++) {
		if (strcmp(ev->themes[t].key, "other") == 0 && other_theme < 0)
			other_theme = (int)t;
		else
			n++;
	}
	if (n > ql->slots_cap) {
		ql->slots = qlist_xrealloc(ql->slots, (size_t)n,
		    sizeof *ql->slots);
		memset(ql->slots + ql->slots_cap, 0,
		    (size_t)(n - ql->slots_cap) * sizeof *ql->slots);
		ql->slots_cap = n;
	}
	ql->nslots = n;
	for (int s = 0; s < n; s++)
		memset(&ql->slots[s].g, 0, sizeof ql->slots[s].g);
	ql->slot_of_theme = qlist_xrealloc(ql->slot_of_theme,
	    ev->nthemes + 1, sizeof *ql->slot_of_theme);
	for (size_t t = 0; t < ev->nthemes; t++) {
		if ((int)t != other_theme)
			ql->slot_of_theme[t] = k++;
	}
	ql->other = k;
	if (other_theme >= 0)
		ql->slot_of_theme[other_theme] = ql->other;
	for (size_t t = 0; t < ev->nthemes; t++) {
		struct qlist_group *g = &ql->slots[ql->slot_of_theme[t]].g;

		g->key = ev->themes[t].key;
		g->title = ev->themes[t].title;
	}
	if (other_theme < 0) {
		ql->slots[ql->other].g.key = "other";
		ql->slots[ql->other].g.title = "Other";
	}
	ql->disp = qlist_xrealloc(ql->disp, (size_t)n, sizeof *ql->disp);
	ql->disp_of = qlist_xrealloc(ql->disp_of, (size_t)n,
	    sizeof *ql->disp_of);
	ql->groups = qlist_xrealloc(ql->groups, (size_t)n, sizeof *ql->groups);
	ql->nlangs = ev->nlanguages + 1;
	ql->lang_counts = qlist_xrealloc(ql->lang_counts,
	    (size_t)n * ql->nlangs, sizeof *ql->lang_counts);
	memset(ql->lang_counts, 0, (size_t)n * ql->nlangs *
	    sizeof *ql->lang_counts);
	for (int s = 0; s < n; s++) {
		struct slot *sl = &ql->slots[s];

		sl->rows = qlist_reserve(sl->rows, &sl->cap, 1,
		    sizeof *sl->rows);
		sl->rows[0].question = QLIST_HEADER;
		sl->g.lang = ql->lang_counts + (size_t)s * ql->nlangs;
	}
}

/*
 * Put the slot of theme first (-1: none) in front and the others in event
 * order. Rows are not touched: a row learns its group index when it is
 * handed out (qlist_row), so a new current theme costs O(groups).
 */
static void
qlist_arrange(struct qlist *ql, int first)
{
	int k = 0;

	ql->lead = first >= 0 ? ql->slot_of_theme[first] : -1;
	if (ql->lead >= 0)
		ql->disp[k++] = ql->lead;
	for (int s = 0; s < ql->nslots; s++) {
		if (s != ql->lead)
			ql->disp[k++] = s;
	}
	for (k = 0; k < ql->nslots; k++)
		ql->disp_of[ql->disp[k]] = k;
}

/* Fill the groups in display order and number the header rows. */
static void
qlist_publish(struct qlist *ql)
{
	size_t row = 0;

	for (int k = 0; k < ql->nslots; k++) {
		int s = ql->disp[k];
		struct qlist_group *g = &ql->groups[k];

		*g = ql->slots[s].g;
		g->current = s == ql->lead;
		g->header_row = QLIST_NO_ROW;
		if (g->listed > 0) {
			g->header_row = row;
			row += g->listed + 1;
		}
	}
	ql->nrows = row;
}

/* The slot of a theme key: its theme's, or the catch-all. */
static int
qlist_slot_of(const struct qlist *ql, const struct model_event *ev,
    const char *key)
{
	if (key == NULL)
		return ql->other;
	for (size_t t = 0; t < ev->nthemes; t++) {
		if (strcmp(ev->themes[t].key, key) == 0)
			return ql->slot_of_theme[t];
	}
	return ql->other;
}

/* The event theme the current segment discusses, or -1. */
static int
qlist_current_theme(const struct model *m)
{
	const struct model_segment *seg = model_segment_current(m);
	const char *key;

	if (seg == NULL || seg->plan == NULL || seg->plan->theme == NULL)
		return -1;
	key = seg->plan->theme;
	for (size_t t = 0; t < m->event->nthemes; t++) {
		if (strcmp(m->event->themes[t].key, key) == 0)
			return (int)t;
	}
	return -1;
}

/*
 * The language bucket of a code: the event language it names (ignoring
 * case and a region such as "-FR"), else the last bucket.
 */
static size_t
qlist_lang_of(const struct model_event *ev, const char *lang)
{
	size_t n;

	if (lang == NULL || lang[0] == '\0')
		return ev->nlanguages;
	n = strcspn(lang, "-_");
	for (size_t i = 0; i < ev->nlanguages; i++) {
		if (strlen(ev->languages[i]) == n &&
		    strncasecmp(ev->languages[i], lang, n) == 0)
			return i;
	}
	return ev->nlanguages;
}

/* Append one field, normalised, to a search text being built. */
static void
qlist_hay_add(char **buf, size_t *len, const char *field)
{
	char *norm;
	size_t n;

	if (field == NULL || field[0] == '\0')
		return;
	norm = qlist_normalise(field, &n);
	*buf = qlist_xrealloc(*buf, *len + n + 2, 1);
	(*buf)[(*len)++] = FIELD_SEP;
	memcpy(*buf + *len, norm, n + 1);
	*len += n;
	free(norm);
}

/* The normalised search text of question i, made once and kept. */
static const char *
qlist_haystack(struct qlist *ql, const struct model *m, size_t i)
{
	const struct model_question *q = &m->questions[i];
	struct haystack *h;
	size_t old = ql->hay_cap, len = 0;

	if (i >= ql->hay_cap) {
		ql->hay = qlist_reserve(ql->hay, &ql->hay_cap, i + 1,
		    sizeof *ql->hay);
		memset(ql->hay + old, 0, (ql->hay_cap - old) * sizeof *ql->hay);
	}
	h = &ql->hay[i];
	if (h->text != NULL && h->id == q->id)
		return h->text;
	free(h->text);
	h->text = qlist_xrealloc(NULL, 1, 1);
	h->text[0] = '\0';
	qlist_hay_add(&h->text, &len, q->text);
	qlist_hay_add(&h->text, &len, q->from);
	qlist_hay_add(&h->text, &len, q->org);
	qlist_hay_add(&h->text, &len, q->country);
	h->id = q->id;
	return h->text;
}

/* Whether question a comes before question b in a slot: votes, arrival. */
static bool
qlist_before(const struct qlist *ql, size_t a, size_t b)
{
	int va = ql->snap[a].votes, vb = ql->snap[b].votes;

	return va > vb || (va == vb && a < b);
}

/*
 * The row of a slot where question i goes (or is): the first that does
 * not come before it. Rows are 1-based within the slot (0 is the header).
 */
static size_t
qlist_lower(const struct qlist *ql, const struct slot *sl, size_t i)
{
	size_t lo = 1, hi = sl->g.listed + 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (qlist_before(ql, sl->rows[mid].question, i))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Add question i's counts to its slot's, or take them away (delta -1). */
static void
qlist_count(struct qlist *ql, size_t i, int delta)
{
	const struct snap *sn = &ql->snap[i];
	struct slot *sl = &ql->slots[sn->slot];

	sl->g.listed += (size_t)delta;
	ql->listed += (size_t)delta;
	if (sn->status < QLIST_STATUSES)
		sl->g.status[sn->status] += (size_t)delta;
	ql->lang_counts[(size_t)sn->slot * ql->nlangs + sn->lang] +=
	    (size_t)delta;
}

/* Put question i in its slot where its snapshot says it belongs. */
static void
qlist_insert(struct qlist *ql, size_t i)
{
	struct slot *sl = &ql->slots[ql->snap[i].slot];
	size_t pos;

	if (!ql->snap[i].listed)
		return;
	sl->rows = qlist_reserve(sl->rows, &sl->cap, sl->g.listed + 2,
	    sizeof *sl->rows);
	pos = qlist_lower(ql, sl, i);
	memmove(sl->rows + pos + 1, sl->rows + pos,
	    (sl->g.listed + 1 - pos) * sizeof *sl->rows);
	sl->rows[pos].question = i;
	qlist_count(ql, i, 1);
}

/* Take question i out of its slot, found by its snapshot. */
static void
qlist_remove(struct qlist *ql, size_t i)
{
	struct slot *sl = &ql->slots[ql->snap[i].slot];
	size_t pos;

	if (!ql->snap[i].listed)
		return;
	pos = qlist_lower(ql, sl, i);
	if (pos > sl->g.listed || sl->rows[pos].question != i) {
		fprintf(stderr, "podium: question list out of step\n");
		abort();
	}
	memmove(sl->rows + pos, sl->rows + pos + 1,
	    (sl->g.listed - pos) * sizeof *sl->rows);
	qlist_count(ql, i, -1);
}

/* Keep track of the question on air after question i's status was read. */
static void
qlist_track_on_air(struct qlist *ql, size_t i)
{
	if (ql->snap[i].status == MODEL_QUESTION_ON_AIR)
		ql->on_air = i;
	else if (ql->on_air == i)
		ql->on_air = QLIST_NO_ROW;
}

/* Take in question i, new to the list: its snapshot, then its row. */
static void
qlist_add(struct qlist *ql, const struct model *m, size_t i)
{
	const struct model_question *q = &m->questions[i];
	struct snap *sn = &ql->snap[i];

	sn->votes = q->votes;
	sn->slot = qlist_slot_of(ql, m->event, q->theme);
	sn->lang = (unsigned)qlist_lang_of(m->event, q->lang);
	sn->status = (unsigned char)q->status;
	sn->listed = ql->needle == NULL ||
	    strstr(qlist_haystack(ql, m, i), ql->needle) != NULL;
	qlist_insert(ql, i);
	qlist_track_on_air(ql, i);
}

/*
 * Follow whatever changed in question i since its snapshot: a new group
 * or vote count moves its row, a new status only moves a count.
 */
static void
qlist_refresh(struct qlist *ql, const struct model *m, size_t i)
{
	const struct model_question *q = &m->questions[i];
	struct snap *sn = &ql->snap[i];
	int slot = qlist_slot_of(ql, m->event, q->theme);

	if (slot != sn->slot || q->votes != sn->votes) {
		qlist_remove(ql, i);
		sn->slot = slot;
		sn->votes = q->votes;
		sn->status = (unsigned char)q->status;
		qlist_insert(ql, i);
	} else if (sn->status != (unsigned char)q->status) {
		if (sn->listed)
			qlist_count(ql, i, -1);
		sn->status = (unsigned char)q->status;
		if (sn->listed)
			qlist_count(ql, i, 1);
	}
	qlist_track_on_air(ql, i);
}

/* Sort order of a full build: slot, most votes, then arrival. */
static int
qlist_item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	if (x->votes != y->votes)
		return x->votes > y->votes ? -1 : 1;
	return x->question < y->question ? -1 : x->question > y->question;
}

/* Build everything from m, sorting once. */
static void
qlist_build(struct qlist *ql, const struct model *m, int first)
{
	const struct model_event *ev = m->event;
	size_t n = m->nquestions, nitems = 0;

	qlist_slots(ql, ev);
	ql->listed = 0;
	ql->on_air = QLIST_NO_ROW;
	ql->snap = qlist_reserve(ql->snap, &ql->snap_cap, n, sizeof *ql->snap);
	ql->items = qlist_reserve(ql->items, &ql->items_cap, n,
	    sizeof *ql->items);
	for (size_t i = 0; i < n; i++) {
		const struct model_question *q = &m->questions[i];
		struct snap *sn = &ql->snap[i];

		sn->votes = q->votes;
		sn->slot = qlist_slot_of(ql, ev, q->theme);
		sn->lang = (unsigned)qlist_lang_of(ev, q->lang);
		sn->status = (unsigned char)q->status;
		sn->listed = ql->needle == NULL ||
		    strstr(qlist_haystack(ql, m, i), ql->needle) != NULL;
		qlist_track_on_air(ql, i);
		if (!sn->listed)
			continue;
		ql->items[nitems].slot = sn->slot;
		ql->items[nitems].votes = sn->votes;
		ql->items[nitems].question = i;
		nitems++;
	}
	if (nitems > 1)
		qsort(ql->items, nitems, sizeof *ql->items, qlist_item_cmp);
	for (size_t k = 0; k < nitems; k++) {
		size_t i = ql->items[k].question;
		struct slot *sl = &ql->slots[ql->items[k].slot];

		sl->rows = qlist_reserve(sl->rows, &sl->cap, sl->g.listed + 2,
		    sizeof *sl->rows);
		sl->rows[sl->g.listed + 1].question = i;
		qlist_count(ql, i, 1);
	}
	/* Full builds are rare; 100,000 sort items need not stay. */
	free(ql->items);
	ql->items = NULL;
	ql->items_cap = 0;
	qlist_arrange(ql, first);
	ql->full_builds++;
}

/*
 * Follow the question changes since the last update one by one, if the
 * model says what they were; false (nothing touched) if it cannot, and
 * the list must be built afresh.
 */
static bool
qlist_patch(struct qlist *ql, const struct model *m)
{
	size_t old = ql->nquestions, n = m->nquestions, on_air = ql->on_air;
	uint64_t dv = m->questions_version - ql->version, v;
	bool logged = dv != n - old;

	if (n < old || m->questions_version < ql->version ||
	    (old > 0 && m->questions[old - 1].id != ql->last_id))
		return false;
	if (!logged && n > old) {
		/* Only arrivals: the last change must be the last question. */
		const struct model_question_change *c =
		    &m->question_log[m->questions_version % MODEL_QUESTION_LOG];

		if (c->version != m->questions_version ||
		    c->id != m->questions[n - 1].id)
			return false;
	}
	if (logged && dv > MODEL_QUESTION_LOG)
		return false;
	for (v = ql->version + 1; logged && v <= m->questions_version; v++) {
		if (m->question_log[v % MODEL_QUESTION_LOG].version != v)
			return false;
	}
	ql->snap = qlist_reserve(ql->snap, &ql->snap_cap, n, sizeof *ql->snap);
	for (size_t i = old; i < n; i++)
		qlist_add(ql, m, i);
	for (v = ql->version + 1; logged && v <= m->questions_version; v++) {
		const struct model_question *q = model_question_find(m,
		    m->question_log[v % MODEL_QUESTION_LOG].id);

		if (q != NULL && (size_t)(q - m->questions) < old)
			qlist_refresh(ql, m, (size_t)(q - m->questions));
	}
	/* Putting a question on air took the one before off it. */
	if (on_air != QLIST_NO_ROW && on_air < old)
		qlist_refresh(ql, m, on_air);
	return true;
}

/* Bring the list up to date, patching it when it can, else building it. */
bool
qlist_update(struct qlist *ql, const struct model *m)
{
	int first = qlist_current_theme(m);

	if (ql->built && ql->model == m && ql->event == m->event &&
	    ql->version == m->questions_version &&
	    ql->nquestions == m->nquestions && ql->first_theme == first &&
	    ql->built_search_gen == ql->search_gen)
		return false;
	if (ql->built && ql->model == m && ql->event == m->event &&
	    ql->built_search_gen == ql->search_gen && qlist_patch(ql, m)) {
		if (first != ql->first_theme)
			qlist_arrange(ql, first);
	} else {
		qlist_build(ql, m, first);
	}
	qlist_publish(ql);
	ql->built = true;
	ql->model = m;
	ql->event = m->event;
	ql->version = m->questions_version;
	ql->nquestions = m->nquestions;
	ql->last_id = m->nquestions > 0 ?
	    m->questions[m->nquestions - 1].id : -1;
	ql->first_theme = first;
	ql->built_search_gen = ql->search_gen;
	ql->rebuilds++;
	return true;
}

/* Rows to draw, headers included. */
size_t
qlist_nrows(const struct qlist *ql)
{
	return ql->built ? ql->nrows : 0;
}

/*
 * One row to draw, or NULL past the end: found in its group's slot, by
 * the groups' sizes (the rows themselves are the slot's, not const).
 */
const struct qlist_row *
qlist_row(const struct qlist *ql, size_t row)
{
	if (!ql->built || row >= ql->nrows)
		return NULL;
	for (int k = 0; k < ql->nslots; k++) {
		const struct qlist_group *g = &ql->groups[k];

		struct qlist_row *r;

		if (g->listed == 0 || row > g->header_row + g->listed)
			continue;
		/* The group index is set here, not when the groups reorder. */
		r = &ql->slots[ql->disp[k]].rows[row - g->header_row];
		r->group = k;
		return r;
	}
	return NULL;
}

/* Groups in display order, listed or not. */
int
qlist_ngroups(const struct qlist *ql)
{
	return ql->built ? ql->nslots : 0;
}

/* One group with its counts. */
const struct qlist_group *
qlist_group(const struct qlist *ql, int group)
{
	if (!ql->built || group < 0 || group >= ql->nslots)
		return NULL;
	return &ql->groups[group];
}

/* Language buckets of the counts: the event's, then "?". */
size_t
qlist_nlangs(const struct qlist *ql)
{
	return ql->built ? ql->nlangs : 0;
}

/* The code a language bucket is shown with. */
const char *
qlist_lang(const struct qlist *ql, size_t lang)
{
	if (!ql->built || lang + 1 >= ql->nlangs)
		return "?";
	return ql->event->languages[lang];
}

/* Questions the search lets through. */
size_t
qlist_listed(const struct qlist *ql)
{
	return ql->built ? ql->listed : 0;
}

/* Questions in the model at the last update. */
size_t
qlist_total(const struct qlist *ql)
{
	return ql->built ? ql->nquestions : 0;
}

/* The question on air, followed by every update so drawing needs no scan. */
size_t
qlist_on_air(const struct qlist *ql)
{
	return ql->built ? ql->on_air : QLIST_NO_ROW;
}

/*
 * Where a question is drawn: a binary search by id in the model, then one
 * in its group by votes and arrival, plus its group's header row.
 */
size_t
qlist_row_of(const struct qlist *ql, const struct model *m, int64_t id)
{
	const struct model_question *q;
	const struct slot *sl;
	size_t i, pos;

	if (!ql->built || m != ql->model || id < 0)
		return QLIST_NO_ROW;
	q = model_question_find(m, id);
	if (q == NULL)
		return QLIST_NO_ROW;
	i = (size_t)(q - m->questions);
	if (i >= ql->nquestions || !ql->snap[i].listed)
		return QLIST_NO_ROW;
	sl = &ql->slots[ql->snap[i].slot];
	pos = qlist_lower(ql, sl, i);
	if (pos > sl->g.listed || sl->rows[pos].question != i)
		return QLIST_NO_ROW;
	return ql->groups[ql->disp_of[ql->snap[i].slot]].header_row + pos;
}

/* Move a selection through the rows, never resting on a header. */
int64_t
qlist_step(const struct qlist *ql, const struct model *m, int64_t id,
    int delta)
{
	size_t row = qlist_row_of(ql, m, id), n = qlist_nrows(ql);
	long target;

	if (n == 0)
		return -1;
	if (row == QLIST_NO_ROW) {
		target = 0;
		delta = 1;
	} else {
		target = (long)row + delta;
		if (target < 0)
			target = 0;
		if (target >= (long)n)
			target = (long)n - 1;
	}
	/* A header is never last and always follows a question, if any. */
	if (qlist_row(ql, (size_t)target)->question == QLIST_HEADER)
		target += delta < 0 && target > 0 ? -1 : 1;
	return m->questions[qlist_row(ql, (size_t)target)->question].id;
}
