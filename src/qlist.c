/*
 * qlist.c -- the questions pane's display order, rebuilt only when what it
 * depends on changed.
 *
 * Data flow: qlist_update() compares a few numbers (the model, its
 * questions_version and question count, the current segment's theme and
 * a search generation) with those of the last build; only when one
 * differs does it rebuild:
 *   1. the groups: the current segment's theme, the event's other themes,
 *      then the catch-all "other";
 *   2. each question that matches the search gets its group and becomes a
 *      sort item (group rank, votes, arrival), sorted with qsort;
 *   3. the rows are written group by group (a header, then its
 *      questions), and the index from question to row is filled in, with
 *      the counts by status and language.
 * Questions' normalised search text (classify_normalise of text, sender,
 * organisation, country) is computed the first time a search needs it and
 * kept per question, keyed by id so that a rebuilt model cannot mix them
 * up; a question's text never changes once stored.
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

/* One listed question while sorting. */
struct item {
	int group;
	int votes;
	size_t question;
};

struct qlist {
	/* What the last build was made from. */
	bool built;
	const struct model *model;
	const struct model_event *event;
	uint64_t version;
	size_t nquestions;
	int first_theme;         /* event theme shown first, or -1 */
	uint64_t search_gen;     /* bumped by every change of the search */
	uint64_t built_search_gen;
	uint64_t rebuilds;

	char search[QLIST_SEARCH_MAX + 1];
	char *needle;            /* normalised search; NULL when none */

	struct qlist_group *groups;
	int ngroups;
	int *of_theme;           /* group of each event theme */
	int other;               /* the catch-all group */
	size_t *lang_counts;     /* ngroups * nlangs */
	size_t nlangs;

	struct qlist_row *rows;
	size_t nrows, rows_cap;
	size_t *row_of;          /* row of each model question, or NO_ROW */
	size_t row_of_cap;
	struct item *items;
	size_t items_cap;
	size_t listed;
	size_t on_air;           /* question on air, or QLIST_NO_ROW */

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
	free(ql->groups);
	free(ql->of_theme);
	free(ql->lang_counts);
	free(ql->rows);
	free(ql->row_of);
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

/* How many builds there were, so tests can see the cache work. */
uint64_t
qlist_rebuilds(const struct qlist *ql)
{
	return ql->rebuilds;
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

/* Lay out the groups of the event with theme first (-1: none first). */
static void
qlist_groups(struct qlist *ql, const struct model_event *ev, int first)
{
	int other_theme = -1, k = 0;

	ql->ngroups = 1;
	for (size_t t = 0; t < ev->nthemes; t++) {
		if (strcmp(ev->themes[t].key, "other") == 0 && other_theme < 0)
			other_theme = (int)t;
		else
			ql->ngroups++;
	}
	ql->groups = qlist_xrealloc(ql->groups, (size_t)ql->ngroups,
	    sizeof *ql->groups);
	ql->of_theme = qlist_xrealloc(ql->of_theme, ev->nthemes + 1,
	    sizeof *ql->of_theme);
	memset(ql->groups, 0, (size_t)ql->ngroups * sizeof *ql->groups);
	/* "other" leads only while it is the theme being discussed. */
	if (first >= 0 && first == other_theme)
		ql->other = k++;
	else if (first >= 0)
		ql->of_theme[first] = k++;
	for (size_t t = 0; t < ev->nthemes; t++) {
		if ((int)t != first && (int)t != other_theme)
			ql->of_theme[t] = k++;
	}
	if (first < 0 || first != other_theme)
		ql->other = k++;
	if (other_theme >= 0)
		ql->of_theme[other_theme] = ql->other;
	for (size_t t = 0; t < ev->nthemes; t++) {
		struct qlist_group *g = &ql->groups[ql->of_theme[t]];

		g->key = ev->themes[t].key;
		g->title = ev->themes[t].title;
		g->current = (int)t == first;
	}
	if (other_theme < 0) {
		ql->groups[ql->other].key = "other";
		ql->groups[ql->other].title = "Other";
	}

	ql->nlangs = ev->nlanguages + 1;
	ql->lang_counts = qlist_xrealloc(ql->lang_counts,
	    (size_t)ql->ngroups * ql->nlangs, sizeof *ql->lang_counts);
	memset(ql->lang_counts, 0, (size_t)ql->ngroups * ql->nlangs *
	    sizeof *ql->lang_counts);
	for (int g = 0; g < ql->ngroups; g++) {
		ql->groups[g].header_row = QLIST_NO_ROW;
		ql->groups[g].lang = ql->lang_counts + (size_t)g * ql->nlangs;
	}
}

/* The group of a theme key: its theme's, or the catch-all. */
static int
qlist_group_of(const struct qlist *ql, const struct model_event *ev,
    const char *key)
{
	if (key == NULL)
		return ql->other;
	for (size_t t = 0; t < ev->nthemes; t++) {
		if (strcmp(ev->themes[t].key, key) == 0)
			return ql->of_theme[t];
	}
	return ql->other;
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

/* Sort order within the list: group, most votes, then arrival. */
static int
qlist_item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->votes != y->votes)
		return x->votes > y->votes ? -1 : 1;
	return x->question < y->question ? -1 : x->question > y->question;
}

/* Rebuild everything from m. */
static void
qlist_build(struct qlist *ql, const struct model *m, int first)
{
	const struct model_event *ev = m->event;
	size_t n = m->nquestions, nitems = 0, row = 0;

	qlist_groups(ql, ev, first);
	ql->on_air = QLIST_NO_ROW;
	ql->row_of = qlist_reserve(ql->row_of, &ql->row_of_cap, n,
	    sizeof *ql->row_of);
	ql->items = qlist_reserve(ql->items, &ql->items_cap, n,
	    sizeof *ql->items);
	for (size_t i = 0; i < n; i++) {
		const struct model_question *q = &m->questions[i];

		ql->row_of[i] = QLIST_NO_ROW;
		if (q->status == MODEL_QUESTION_ON_AIR)
			ql->on_air = i;
		if (ql->needle != NULL &&
		    strstr(qlist_haystack(ql, m, i), ql->needle) == NULL)
			continue;
		ql->items[nitems].group = qlist_group_of(ql, ev, q->theme);
		ql->items[nitems].votes = q->votes;
		ql->items[nitems].question = i;
		nitems++;
	}
	if (nitems > 1)
		qsort(ql->items, nitems, sizeof *ql->items, qlist_item_cmp);

	/* Headers: one per group that has something listed. */
	ql->rows = qlist_reserve(ql->rows, &ql->rows_cap,
	    nitems + (size_t)ql->ngroups, sizeof *ql->rows);
	for (size_t k = 0; k < nitems; k++) {
		const struct item *it = &ql->items[k];
		const struct model_question *q = &m->questions[it->question];
		struct qlist_group *g = &ql->groups[it->group];

		if (g->header_row == QLIST_NO_ROW) {
			g->header_row = row;
			ql->rows[row].question = QLIST_HEADER;
			ql->rows[row++].group = it->group;
		}
		ql->row_of[it->question] = row;
		ql->rows[row].question = it->question;
		ql->rows[row++].group = it->group;
		g->listed++;
		if ((unsigned)q->status < QLIST_STATUSES)
			g->status[q->status]++;
		ql->lang_counts[(size_t)it->group * ql->nlangs +
		    qlist_lang_of(ev, q->lang)]++;
	}
	ql->nrows = row;
	ql->listed = nitems;
}

/* Rebuild only if the model, questions, current theme or search changed. */
bool
qlist_update(struct qlist *ql, const struct model *m)
{
	int first = qlist_current_theme(m);

	if (ql->built && ql->model == m && ql->event == m->event &&
	    ql->version == m->questions_version &&
	    ql->nquestions == m->nquestions && ql->first_theme == first &&
	    ql->built_search_gen == ql->search_gen)
		return false;
	qlist_build(ql, m, first);
	ql->built = true;
	ql->model = m;
	ql->event = m->event;
	ql->version = m->questions_version;
	ql->nquestions = m->nquestions;
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

/* One row to draw, or NULL past the end. */
const struct qlist_row *
qlist_row(const struct qlist *ql, size_t row)
{
	return ql->built && row < ql->nrows ? &ql->rows[row] : NULL;
}

/* Groups in display order, listed or not. */
int
qlist_ngroups(const struct qlist *ql)
{
	return ql->built ? ql->ngroups : 0;
}

/* One group with its counts. */
const struct qlist_group *
qlist_group(const struct qlist *ql, int group)
{
	if (!ql->built || group < 0 || group >= ql->ngroups)
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

/* Questions in the model at the last build. */
size_t
qlist_total(const struct qlist *ql)
{
	return ql->built ? ql->nquestions : 0;
}

/* The question on air, found during the build so drawing needs no scan. */
size_t
qlist_on_air(const struct qlist *ql)
{
	return ql->built ? ql->on_air : QLIST_NO_ROW;
}

/* Where a question is drawn: a binary search by id, then an array read. */
size_t
qlist_row_of(const struct qlist *ql, const struct model *m, int64_t id)
{
	const struct model_question *q;
	size_t i;

	if (!ql->built || m != ql->model || id < 0)
		return QLIST_NO_ROW;
	q = model_question_find(m, id);
	if (q == NULL)
		return QLIST_NO_ROW;
	i = (size_t)(q - m->questions);
	return i < ql->nquestions ? ql->row_of[i] : QLIST_NO_ROW;
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
	if (ql->rows[target].question == QLIST_HEADER)
		target += delta < 0 && target > 0 ? -1 : 1;
	return m->questions[ql->rows[target].question].id;
}
