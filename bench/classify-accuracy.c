/*
 * classify-accuracy.c -- how often the theme classifier agrees with
 * labelled questions, where it goes wrong, and what a question costs.
 *
 * Data flow: the event file gives the themes (event_load); each labelled
 * file named after it is one set of questions with their expected theme,
 * either inline (JSON Lines of {"lang","theme","text"}, like
 * sample-data/themes-dev.jsonl; "label" or "expected" may stand for
 * "theme") or, after --labels FILE.json (an object mapping question id to
 * theme), from JSON Lines of intake objects ({"type":"question","id",
 * "lang","text"}, like sample-data/questions.jsonl; floor requests and
 * unlabelled lines are skipped and counted). Every question is classified
 * once; each set, and all sets together when there are several, gets its
 * accuracy per language and per theme, its confusion matrix, the list
 * of its misses (expected -> suggested, how many) and how often answers
 * are right at each confidence, and with --errors the questions missed. Then every question is timed on its own for the cost
 * of one question (median and tail), unless --no-speed.
 *
 * The classifier is the event's: its keywords and, if the event file
 * names theme_examples, a model learned from them (a set among those is
 * then not scored blind); --keywords-only leaves the model out.
 *
 * With --loso (leave one set out) the keyword scoring constants are tuned
 * on all sets but one, by a grid search, and measured on the one left
 * out, for each set in turn: how well constants chosen on some writers'
 * questions do on another's. With --learn each set is scored by the
 * keywords alone and by the keywords with a model learned from the other
 * sets (not from the event's examples), per language; --set NAME=VALUE
 * changes one of the model's constants first. --learn-grid searches the
 * model's constants by nested leave one set out: for each set, the
 * constants best on the others (each of them left out in turn) and that
 * set's accuracy with them.
 *
 *   classify-accuracy [--errors] [--no-lang] [--quick] [--no-speed]
 *       [--keywords-only] [--loso] [--learn] [--learn-grid]
 *       [--set NAME=VALUE]... [--min PERCENT] EVENT.json
 *       [--labels LABELS.json] FILE.jsonl...
 *
 * --errors lists the questions classified wrongly (with their text: not on
 * a held-out set meant to stay unseen), --no-lang classifies without
 * telling the question's language, --quick times each question briefly (a
 * smoke test), --min fails (exit 1) below that overall accuracy.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "classify.h"
#include "event.h"

/* Timing passes over every question; each question keeps its best. */
#define PASSES 3

/* Classifications of one question timed together in a pass; --quick. */
#define REPEATS 40
#define REPEATS_QUICK 2

/* Sets and languages told apart. */
#define SETS_MAX 32
#define LANGS_MAX 32

/* Themes an event has at most (event format). */
#define THEMES_MAX 64

/* A labelled question. */
struct item {
	char *lang;
	char *theme;    /* expected */
	char *text;
	int set;
	const char *got;
	double confidence;
	double cost_s;  /* one classification, best pass */
};

/* All the labelled questions read, and the sets they came from. */
struct items {
	struct item *v;
	size_t n, cap;
	const char *set[SETS_MAX];
	int nsets;
};

/* Abort with a message: a benchmark without memory has nothing to say. */
static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	if (q == NULL) {
		fprintf(stderr, "classify-accuracy: out of memory\n");
		abort();
	}
	return q;
}

/* A copy of a string, aborting when memory is out. */
static char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

/* Add one question of set `set` to the list. */
static void
items_add(struct items *it, int set, const char *lang, const char *theme,
    const char *text)
{
	struct item *x;

	if (it->n == it->cap) {
		it->cap = it->cap == 0 ? 256 : it->cap * 2;
		it->v = xrealloc(it->v, it->cap * sizeof *it->v);
	}
	x = &it->v[it->n++];
	x->lang = xstrdup(lang);
	x->theme = xstrdup(theme);
	x->text = xstrdup(text);
	x->set = set;
	x->got = NULL;
	x->confidence = 0.0;
	x->cost_s = 0.0;
}

/* A string member of an object, or NULL. */
static const char *
get_string(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The expected theme written on a line itself, or NULL. */
static const char *
inline_theme(json_t *o)
{
	const char *t = get_string(o, "theme");

	if (t == NULL)
		t = get_string(o, "label");
	if (t == NULL)
		t = get_string(o, "expected");
	return t;
}

/*
 * Read one JSON Lines file of questions as a new set; the theme comes
 * from labels when given, else from the line. Returns 0, or -1 with a
 * message printed.
 */
static int
read_jsonl(const char *path, json_t *labels, struct items *it)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0, lineno = 0, skipped = 0;
	const char *lang, *theme, *text, *type, *id;
	json_error_t err;
	json_t *o;

	if (it->nsets == SETS_MAX) {
		fprintf(stderr, "classify-accuracy: at most %d files\n",
		    SETS_MAX);
		return -1;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "classify-accuracy: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) != -1) {
		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		o = json_loads(line, 0, &err);
		if (o == NULL || !json_is_object(o)) {
			fprintf(stderr, "classify-accuracy: %s:%zu: %s\n", path,
			    lineno, o == NULL ? err.text : "not an object");
			json_decref(o);
			goto fail;
		}
		type = get_string(o, "type");
		text = get_string(o, "text");
		lang = get_string(o, "lang");
		id = get_string(o, "id");
		theme = labels != NULL && id != NULL ?
		    get_string(labels, id) : NULL;
		if (theme == NULL)
			theme = inline_theme(o);
		if ((type != NULL && strcmp(type, "question") != 0) ||
		    text == NULL || theme == NULL)
			skipped++;
		else
			items_add(it, it->nsets, lang == NULL ? "?" : lang,
			    theme, text);
		json_decref(o);
	}
	if (skipped > 0)
		printf("%s: %zu lines skipped (not a labelled question)\n",
		    path, skipped);
	it->set[it->nsets++] = path;
	free(line);
	fclose(f);
	return 0;
fail:
	free(line);
	fclose(f);
	return -1;
}

/* Seconds on the monotonic clock. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Order doubles, for medians and percentiles. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Whether question i is in the set (set < 0: any). */
static bool
in_set(const struct items *it, size_t i, int set)
{
	return set < 0 || it->v[i].set == set;
}

/* Whether question i was classified as expected. */
static bool
right(const struct items *it, size_t i)
{
	return strcmp(it->v[i].got, it->v[i].theme) == 0;
}

/* Questions of a set in one language, and how many were answered right. */
static void
lang_tally(const struct items *it, int set, const char *lang, size_t *n,
    size_t *ok)
{
	*n = *ok = 0;
	for (size_t i = 0; i < it->n; i++) {
		if (!in_set(it, i, set) || strcmp(it->v[i].lang, lang) != 0)
			continue;
		(*n)++;
		*ok += right(it, i);
	}
}

/* Classify every question once with c, noting the answers. */
static void
classify_all(const struct classify *c, struct items *it, bool no_lang)
{
	size_t i;

	for (i = 0; i < it->n; i++)
		it->v[i].got = classify_text(c, it->v[i].text,
		    no_lang ? NULL : it->v[i].lang, &it->v[i].confidence);
}

/* Questions of a set (set < 0: all) and how many are right. */
static size_t
count_right(const struct items *it, int set, size_t *n)
{
	size_t i, ok = 0;

	*n = 0;
	for (i = 0; i < it->n; i++) {
		if (!in_set(it, i, set))
			continue;
		(*n)++;
		ok += right(it, i);
	}
	return ok;
}

/* A percentage, 0 of nothing. */
static double
percent(size_t ok, size_t n)
{
	return n == 0 ? 0.0 : 100.0 * (double)ok / (double)n;
}

/* Print accuracy per language of a set (set < 0: all). */
static void
report_languages(const struct items *it, int set)
{
	const char *langs[LANGS_MAX];
	size_t nl = 0, i, j, n, ok;

	for (i = 0; i < it->n; i++) {
		if (!in_set(it, i, set))
			continue;
		for (j = 0; j < nl && strcmp(langs[j], it->v[i].lang) != 0; j++)
			;
		if (j == nl && nl < LANGS_MAX)
			langs[nl++] = it->v[i].lang;
	}
	printf("\n%-8s %6s %8s %9s\n", "lang", "n", "correct", "accuracy");
	for (j = 0; j < nl; j++) {
		lang_tally(it, set, langs[j], &n, &ok);
		printf("%-8s %6zu %8zu %8.1f%%\n", langs[j], n, ok,
		    percent(ok, n));
	}
	ok = count_right(it, set, &n);
	printf("%-8s %6zu %8zu %8.1f%%\n", "all", n, ok, percent(ok, n));
}

/*
 * Print per theme of a set: questions expecting it and how many got it
 * (recall), questions given it and how many rightly (precision).
 */
static void
report_themes(const struct model_event *ev, const struct items *it,
    int set)
{
	size_t t, i, n, ok, given;

	printf("\n%-12s %5s %7s %7s %7s %9s\n", "theme", "n", "correct",
	    "recall", "given", "precision");
	for (t = 0; t < ev->nthemes; t++) {
		n = ok = given = 0;
		for (i = 0; i < it->n; i++) {
			if (!in_set(it, i, set))
				continue;
			if (strcmp(it->v[i].theme, ev->themes[t].key) == 0) {
				n++;
				ok += right(it, i);
			}
			given += strcmp(it->v[i].got, ev->themes[t].key) == 0;
		}
		printf("%-12.12s %5zu %7zu %6.1f%% %7zu %8.1f%%\n",
		    ev->themes[t].key, n, ok, percent(ok, n), given,
		    percent(ok, given));
	}
}

/* Print the confusion matrix of a set: rows expected, columns suggested. */
static void
report_confusion(const struct model_event *ev, const struct items *it,
    int set)
{
	size_t r, col, i, n, unknown = 0;

	printf("\nconfusion (rows: expected, columns: suggested)\n%-12s", "");
	for (col = 0; col < ev->nthemes; col++)
		printf(" %6.6s", ev->themes[col].key);
	printf("\n");
	for (r = 0; r < ev->nthemes; r++) {
		printf("%-12.12s", ev->themes[r].key);
		for (col = 0; col < ev->nthemes; col++) {
			n = 0;
			for (i = 0; i < it->n; i++)
				if (in_set(it, i, set) &&
				    strcmp(it->v[i].theme, ev->themes[r].key) == 0 &&
				    strcmp(it->v[i].got, ev->themes[col].key) == 0)
					n++;
			printf(" %6zu", n);
		}
		printf("\n");
	}
	for (i = 0; i < it->n; i++)
		if (in_set(it, i, set) &&
		    event_theme_index(ev, it->v[i].theme) < 0)
			unknown++;
	if (unknown > 0)
		printf("%zu questions expect a theme the event does not have\n",
		    unknown);
}

/* A kind of miss: expected one theme, suggested another, how often. */
struct miss {
	int expected;
	int got;
	size_t n;
};

/* Order misses by count, most first, then by themes. */
static int
cmp_miss(const void *a, const void *b)
{
	const struct miss *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	if (x->expected != y->expected)
		return x->expected - y->expected;
	return x->got - y->got;
}

/* Print the misses of a set as a list, the most frequent first. */
static void
report_misses(const struct model_event *ev, const struct items *it,
    int set)
{
	static struct miss m[THEMES_MAX * THEMES_MAX];
	size_t nm = 0, i, k, total = 0;
	int e, g;

	for (i = 0; i < it->n; i++) {
		if (!in_set(it, i, set) || right(it, i))
			continue;
		e = event_theme_index(ev, it->v[i].theme);
		g = event_theme_index(ev, it->v[i].got);
		for (k = 0; k < nm && (m[k].expected != e || m[k].got != g);
		    k++)
			;
		if (k == nm) {
			if (nm == sizeof m / sizeof m[0])
				continue;
			m[nm].expected = e;
			m[nm].got = g;
			m[nm++].n = 0;
		}
		m[k].n++;
		total++;
	}
	qsort(m, nm, sizeof m[0], cmp_miss);
	printf("\nmisses: %zu\n", total);
	for (k = 0; k < nm; k++)
		printf("  %4zu  %-12s -> %s\n", m[k].n,
		    m[k].expected < 0 ? "(unknown)" :
		    ev->themes[m[k].expected].key,
		    m[k].got < 0 ? "?" : ev->themes[m[k].got].key);
}

/* Print how sure the classifier was when right and when wrong. */
static void
report_confidence(const struct items *it, int set)
{
	static const double edge[] = { 0.0, 0.1, 0.2, 0.4, 1.01 };
	double sum[2] = { 0, 0 }, cf;
	size_t n[2] = { 0, 0 }, bn[4] = { 0 }, bok[4] = { 0 }, i, b;
	int ok;

	for (i = 0; i < it->n; i++) {
		if (!in_set(it, i, set))
			continue;
		ok = right(it, i);
		cf = it->v[i].confidence;
		sum[ok] += cf;
		n[ok]++;
		for (b = 0; b < 4 && !(cf >= edge[b] && cf < edge[b + 1]); b++)
			;
		if (b < 4) {
			bn[b]++;
			bok[b] += (size_t)ok;
		}
	}
	printf("\nmean confidence: %.2f when right, %.2f when wrong\n",
	    n[1] ? sum[1] / (double)n[1] : 0.0,
	    n[0] ? sum[0] / (double)n[0] : 0.0);
	for (b = 0; b < 4; b++)
		printf("  confidence %.1f-%.1f: %4zu questions, %5.1f%% right\n",
		    edge[b], edge[b + 1] > 1.0 ? 1.0 : edge[b + 1], bn[b],
		    percent(bok[b], bn[b]));
}

/* Print everything about one set (set < 0: all sets together). */
static void
report_set(const struct model_event *ev, const struct items *it, int set,
    bool errors)
{
	size_t i, n, ok;

	ok = count_right(it, set, &n);
	printf("\n=== %s: %zu questions, %zu right, %.1f%%\n",
	    set < 0 ? "all sets" : it->set[set], n, ok, percent(ok, n));
	report_languages(it, set);
	report_themes(ev, it, set);
	report_confusion(ev, it, set);
	report_misses(ev, it, set);
	report_confidence(it, set);
	if (!errors || set < 0)
		return;
	printf("\nerrors (expected -> suggested, confidence):\n");
	for (i = 0; i < it->n; i++)
		if (in_set(it, i, set) && !right(it, i))
			printf("  [%s] %s -> %s %.2f: %s\n", it->v[i].lang,
			    it->v[i].theme, it->v[i].got, it->v[i].confidence,
			    it->v[i].text);
}

/*
 * Time every question on its own: repeats classifications in a row, the
 * best of PASSES passes; prints the median, the tail and the throughput.
 */
static void
report_speed(const struct classify *c, struct items *it, bool no_lang,
    int repeats)
{
	double *cost = xrealloc(NULL, it->n * sizeof *cost), t0, t, sum = 0;
	size_t i;
	int p, r;

	for (i = 0; i < it->n; i++)
		it->v[i].cost_s = 1e9;
	for (p = 0; p < PASSES; p++) {
		for (i = 0; i < it->n; i++) {
			t0 = now_s();
			for (r = 0; r < repeats; r++)
				(void)classify_text(c, it->v[i].text,
				    no_lang ? NULL : it->v[i].lang, NULL);
			t = (now_s() - t0) / repeats;
			if (t < it->v[i].cost_s)
				it->v[i].cost_s = t;
		}
	}
	for (i = 0; i < it->n; i++) {
		cost[i] = it->v[i].cost_s;
		sum += cost[i];
	}
	qsort(cost, it->n, sizeof cost[0], cmp_double);
	printf("\ncost of one question (%zu questions, best of %d passes of "
	    "%d runs each):\n  median %.2f us, p90 %.2f us, p99 %.2f us, "
	    "max %.2f us; mean %.2f us = %.0f questions/s\n", it->n, PASSES,
	    repeats, cost[it->n / 2] * 1e6, cost[it->n * 9 / 10] * 1e6,
	    cost[it->n * 99 / 100] * 1e6, cost[it->n - 1] * 1e6,
	    sum / (double)it->n * 1e6, (double)it->n / sum);
	free(cost);
}

/* One constant of the grid search and the values it tries. */
struct axis {
	const char *name;
	size_t off;           /* offset in struct classify_tuning */
	double values[8];
	int nvalues;
};

/* The grid --loso searches: each constant over the values that matter. */
static const struct axis grid[] = {
	{ "other_factor", offsetof(struct classify_tuning, other_factor),
	  { 0.3, 0.4, 0.5, 0.7, 1.0 }, 5 },
	{ "topic_factor", offsetof(struct classify_tuning, topic_factor),
	  { 0.5, 0.7, 0.85, 1.0 }, 4 },
	{ "asked_bonus", offsetof(struct classify_tuning, asked_bonus),
	  { 1.0, 1.5, 2.0, 3.0 }, 4 },
	{ "min_score", offsetof(struct classify_tuning, min_score),
	  { 0.2, 0.3, 0.5 }, 3 },
	{ "cross_lang", offsetof(struct classify_tuning, cross_lang),
	  { 0.1, 0.25, 0.5 }, 3 },
	{ "phrase_bonus", offsetof(struct classify_tuning, phrase_bonus),
	  { 0.25, 0.5, 1.0 }, 3 },
	{ "repeat_bonus", offsetof(struct classify_tuning, repeat_bonus),
	  { 0.0, 0.5, 1.0 }, 3 },
};

#define AXES (sizeof grid / sizeof grid[0])

/* The value of one constant in a set of constants. */
static double *
axis_value(struct classify_tuning *t, const struct axis *ax)
{
	return (double *)(void *)((char *)t + ax->off);
}

/* Set the constants of grid point idx[] into t. */
static void
grid_point(struct classify_tuning *t, const int *idx)
{
	size_t a;

	classify_tuning_default(t);
	for (a = 0; a < AXES; a++)
		*axis_value(t, &grid[a]) = grid[a].values[idx[a]];
}

/* Step to the next grid point; false after the last. */
static bool
grid_next(int *idx)
{
	size_t a;

	for (a = 0; a < AXES; a++) {
		if (++idx[a] < grid[a].nvalues)
			return true;
		idx[a] = 0;
	}
	return false;
}

/* How far a grid point is from the defaults, in grid steps (for ties). */
static int
grid_distance(const int *idx)
{
	struct classify_tuning d;
	double want;
	int a, k, dist = 0, near;

	classify_tuning_default(&d);
	for (a = 0; a < (int)AXES; a++) {
		want = *axis_value(&d, &grid[a]);
		near = 0;
		for (k = 1; k < grid[a].nvalues; k++)
			if (fabs(grid[a].values[k] - want) <
			    fabs(grid[a].values[near] - want))
				near = k;
		dist += abs(idx[a] - near);
	}
	return dist;
}

/*
 * Leave one set out: for each set, the grid point with the most questions
 * right on the other sets (ties to the point nearest the defaults), and
 * its accuracy on the set left out, beside the defaults'.
 */
static void
report_loso(const struct model_event *ev, struct items *it, bool no_lang)
{
	size_t npoints = 1, a, p, n;
	int idx[AXES], *points, s, *best, *ok;
	struct classify_tuning t;
	struct classify *c;
	double sum_tuned = 0, sum_default = 0;

	for (a = 0; a < AXES; a++)
		npoints *= (size_t)grid[a].nvalues;
	/* ok[p * nsets + s]: right answers of grid point p on set s. */
	ok = xrealloc(NULL, npoints * (size_t)it->nsets * sizeof *ok);
	points = xrealloc(NULL, npoints * AXES * sizeof *points);
	best = xrealloc(NULL, (size_t)it->nsets * sizeof *best);
	memset(idx, 0, sizeof idx);
	p = 0;
	do {
		memcpy(points + p * AXES, idx, sizeof idx);
		grid_point(&t, idx);
		c = classify_create_learned(ev, NULL, 0, &t);
		classify_all(c, it, no_lang);
		classify_destroy(c);
		for (s = 0; s < it->nsets; s++)
			ok[p * (size_t)it->nsets + (size_t)s] =
			    (int)count_right(it, s, &n);
		p++;
	} while (grid_next(idx));
	printf("\n=== leave one set out: constants tuned on the other sets "
	    "(%zu grid points)\n", npoints);
	for (s = 0; s < it->nsets; s++) {
		int bs = -1, bd = 0, sc, d, k;

		best[s] = 0;
		for (p = 0; p < npoints; p++) {
			sc = 0;
			for (k = 0; k < it->nsets; k++)
				if (k != s)
					sc += ok[p * (size_t)it->nsets + (size_t)k];
			d = grid_distance(points + p * AXES);
			if (sc > bs || (sc == bs && d < bd)) {
				bs = sc;
				bd = d;
				best[s] = (int)p;
			}
		}
	}
	classify_tuning_default(&t);
	c = classify_create_learned(ev, NULL, 0, &t);
	classify_all(c, it, no_lang);
	classify_destroy(c);
	for (s = 0; s < it->nsets; s++) {
		size_t def_ok = count_right(it, s, &n);
		int tuned_ok = ok[(size_t)best[s] * (size_t)it->nsets + (size_t)s];

		printf("\nleft out %s (%zu questions):\n  tuned on the others: "
		    "%.1f%%  (defaults: %.1f%%)\n  constants:", it->set[s], n,
		    percent((size_t)tuned_ok, n), percent(def_ok, n));
		for (a = 0; a < AXES; a++)
			printf(" %s=%g", grid[a].name, grid[a].values[
			    points[(size_t)best[s] * AXES + a]]);
		printf("\n");
		sum_tuned += percent((size_t)tuned_ok, n);
		sum_default += percent(def_ok, n);
	}
	printf("\nmean over the sets left out: tuned %.1f%%, defaults %.1f%%\n",
	    sum_tuned / it->nsets, sum_default / it->nsets);
	free(ok);
	free(points);
	free(best);
}

/*
 * The examples of every set but `out` (and, if out2 >= 0, but that one
 * too), as the classifier learns them; returns how many.
 */
static size_t
examples_but(const struct model_event *ev, const struct items *it, int out,
    int out2, struct model_example *ex)
{
	size_t i, n = 0;
	int t;

	for (i = 0; i < it->n; i++) {
		if (it->v[i].set == out || it->v[i].set == out2)
			continue;
		t = event_theme_index(ev, it->v[i].theme);
		if (t < 0)
			continue;
		ex[n].lang = it->v[i].lang;
		ex[n].theme = t;
		ex[n].text = it->v[i].text;
		n++;
	}
	return n;
}

/* Print one row of accuracy per language of a set (set < 0: all). */
static void
learn_row(const char *label, const struct items *it, int set,
    const char *const *langs, size_t nl)
{
	size_t j, n, ok;

	printf("  %-22s", label);
	for (j = 0; j < nl; j++) {
		lang_tally(it, set, langs[j], &n, &ok);
		printf(" %5.1f%% (%3zu)", percent(ok, n), n);
	}
	ok = count_right(it, set, &n);
	printf(" %5.1f%% (%3zu)\n", percent(ok, n), n);
}

/*
 * Leave one set out for the learned model: each set scored by the
 * keywords alone and by the keywords with a model learned from the other
 * sets (constants t), per language; then the mean over the sets and all
 * questions pooled. Returns the mean accuracy with the model.
 */
static double
report_learn(const struct model_event *ev, struct items *it, bool no_lang,
    const struct classify_tuning *t)
{
	struct model_example *ex = xrealloc(NULL, it->n * sizeof *ex);
	const char *langs[LANGS_MAX];
	const char **kw_got = xrealloc(NULL, it->n * sizeof *kw_got);
	size_t nl = 0, i, j, n, nex, ok, ok_kw = 0, ok_l = 0, all = 0;
	double sum_kw = 0, sum_l = 0, build, t0, line_l[SETS_MAX];
	struct classify *c;
	int s;

	for (i = 0; i < it->n; i++) {
		for (j = 0; j < nl && strcmp(langs[j], it->v[i].lang) != 0; j++)
			;
		if (j == nl && nl < LANGS_MAX)
			langs[nl++] = it->v[i].lang;
	}
	c = classify_create_learned(ev, NULL, 0, t);
	classify_all(c, it, no_lang);
	classify_destroy(c);
	for (i = 0; i < it->n; i++)
		kw_got[i] = it->v[i].got;
	printf("\n=== leave one set out, learned model: each set scored with "
	    "a model learned from the other sets and the keywords\n"
	    "(learn_weight=%g alpha=%g keywords=%g prefix=%g bigrams=%g "
	    "by_lang=%g)\n\n  %-22s", t->learn_weight, t->learn_alpha,
	    t->learn_keywords, t->learn_prefix, t->learn_bigrams,
	    t->learn_by_lang, "");
	for (j = 0; j < nl; j++)
		printf(" %12s", langs[j]);
	printf(" %12s\n", "all");
	for (s = 0; s < it->nsets; s++) {
		nex = examples_but(ev, it, s, -1, ex);
		t0 = now_s();
		c = classify_create_learned(ev, ex, nex, t);
		build = now_s() - t0;
		for (i = 0; i < it->n; i++)
			it->v[i].got = kw_got[i];
		printf("  %s (trained on %zu, built in %.1f ms, %zu KB)\n",
		    it->set[s], nex, build * 1e3, classify_size(c) / 1024);
		learn_row("keywords only", it, s, langs, nl);
		ok = count_right(it, s, &n);
		sum_kw += percent(ok, n);
		ok_kw += ok;
		for (i = 0; i < it->n; i++)
			if (in_set(it, i, s))
				it->v[i].got = classify_text(c, it->v[i].text,
				    no_lang ? NULL : it->v[i].lang,
				    &it->v[i].confidence);
		learn_row("keywords + model", it, s, langs, nl);
		ok = count_right(it, s, &n);
		line_l[s] = percent(ok, n);
		sum_l += percent(ok, n);
		ok_l += ok;
		all += n;
		classify_destroy(c);
	}
	printf("\n  mean over the sets left out: keywords %.1f%%, keywords + "
	    "model %.1f%%\n  all %zu questions pooled: keywords %.1f%%, "
	    "keywords + model %.1f%%\n", sum_kw / it->nsets, sum_l / it->nsets,
	    all, percent(ok_kw, all), percent(ok_l, all));
	printf("  in one line, set by set with the model, then the mean:");
	for (s = 0; s < it->nsets; s++)
		printf(" %.1f", line_l[s]);
	printf(" | %.2f\n", sum_l / it->nsets);
	free(ex);
	free(kw_got);
	return sum_l / it->nsets;
}

/* The model's constants the nested search tries. */
static const struct axis learn_grid[] = {
	{ "learn_weight", offsetof(struct classify_tuning, learn_weight),
	  { 0.1, 0.15, 0.25, 0.4, 0.6, 1.0, 2.0 }, 7 },
	{ "learn_alpha", offsetof(struct classify_tuning, learn_alpha),
	  { 0.1, 0.25, 0.5, 1.0 }, 4 },
	{ "learn_keywords", offsetof(struct classify_tuning, learn_keywords),
	  { 0.0, 1.0, 3.0 }, 3 },
	{ "learn_prefix", offsetof(struct classify_tuning, learn_prefix),
	  { 0, 5, 6, 7 }, 4 },
	{ "learn_bigrams", offsetof(struct classify_tuning, learn_bigrams),
	  { 0, 1 }, 2 },
	{ "learn_by_lang", offsetof(struct classify_tuning, learn_by_lang),
	  { 0, 1 }, 2 },
};

#define LEARN_AXES (sizeof learn_grid / sizeof learn_grid[0])

/*
 * Right answers of sets a and b (b may be -1) with a model learned
 * without them, at constants t, into *right_a and *right_b.
 */
static void
learn_score(const struct model_event *ev, struct items *it, bool no_lang,
    const struct classify_tuning *t, struct model_example *ex, int a,
    int b, int *right_a, int *right_b)
{
	struct classify *c;
	size_t i, nex = examples_but(ev, it, a, b, ex);

	c = classify_create_learned(ev, ex, nex, t);
	*right_a = *right_b = 0;
	for (i = 0; i < it->n; i++) {
		if (it->v[i].set != a && it->v[i].set != b)
			continue;
		it->v[i].got = classify_text(c, it->v[i].text,
		    no_lang ? NULL : it->v[i].lang, NULL);
		if (right(it, i))
			(*(it->v[i].set == a ? right_a : right_b))++;
	}
	classify_destroy(c);
}

/*
 * Nested leave one set out over the model's constants: for each set, the
 * constants with the best mean accuracy when each of the other sets is
 * left out in turn (trained on the rest), then that set's accuracy with
 * them (trained on all the others). The estimate is not tuned on the set
 * it scores. Also prints the constants best over all sets (the defaults'
 * candidates) and how the defaults do.
 */
static void
report_learn_grid(const struct model_event *ev, struct items *it,
    bool no_lang)
{
	size_t npoints = 1, a, p, ns = (size_t)it->nsets, n;
	int idx[LEARN_AXES], s, k, ra, rb, *outer, *pair, *pts, bestp, *setn;
	struct model_example *ex = xrealloc(NULL, it->n * sizeof *ex);
	struct classify_tuning t;
	double inner, best, sum = 0, mean, gbest = -1;
	int gp = 0;

	for (a = 0; a < LEARN_AXES; a++)
		npoints *= (size_t)learn_grid[a].nvalues;
	/* outer[p][s]: right on s trained on all others; pair[p][s][k]:
	 * right on s trained without s and k. */
	outer = xrealloc(NULL, npoints * ns * sizeof *outer);
	pair = xrealloc(NULL, npoints * ns * ns * sizeof *pair);
	pts = xrealloc(NULL, npoints * LEARN_AXES * sizeof *pts);
	setn = xrealloc(NULL, ns * sizeof *setn);
	for (s = 0; s < (int)ns; s++)
		if (count_right(it, s, &n) <= n)
			setn[s] = (int)n;
	memset(idx, 0, sizeof idx);
	p = 0;
	do {
		memcpy(pts + p * LEARN_AXES, idx, sizeof idx);
		classify_tuning_default(&t);
		for (a = 0; a < LEARN_AXES; a++)
			*axis_value(&t, &learn_grid[a]) =
			    learn_grid[a].values[idx[a]];
		for (s = 0; s < (int)ns; s++) {
			learn_score(ev, it, no_lang, &t, ex, s, -1, &ra, &rb);
			outer[p * ns + (size_t)s] = ra;
			for (k = s + 1; k < (int)ns; k++) {
				learn_score(ev, it, no_lang, &t, ex, s, k,
				    &ra, &rb);
				pair[(p * ns + (size_t)s) * ns + (size_t)k] = ra;
				pair[(p * ns + (size_t)k) * ns + (size_t)s] = rb;
			}
		}
		p++;
		for (a = 0; a < LEARN_AXES; a++) {
			if (++idx[a] < learn_grid[a].nvalues)
				break;
			idx[a] = 0;
		}
	} while (a < LEARN_AXES);
	printf("\n=== nested leave one set out over the model's constants "
	    "(%zu grid points)\n", npoints);
	for (s = 0; s < (int)ns; s++) {
		best = -1;
		bestp = 0;
		for (p = 0; p < npoints; p++) {
			inner = 0;
			for (k = 0; k < (int)ns; k++)
				if (k != s)
					inner += percent((size_t)pair[(p * ns +
					    (size_t)k) * ns + (size_t)s],
					    (size_t)setn[k]);
			if (inner > best + 1e-9) {
				best = inner;
				bestp = (int)p;
			}
		}
		printf("  %-40s %5.1f%%  chosen on the others (their mean %.1f%%):",
		    it->set[s], percent((size_t)outer[(size_t)bestp * ns +
		    (size_t)s], (size_t)setn[s]), best / (double)(ns - 1));
		for (a = 0; a < LEARN_AXES; a++)
			printf(" %g", learn_grid[a].values[
			    pts[(size_t)bestp * LEARN_AXES + a]]);
		printf("\n");
		sum += percent((size_t)outer[(size_t)bestp * ns + (size_t)s],
		    (size_t)setn[s]);
	}
	printf("  mean of the nested estimates: %.1f%%\n", sum / (double)ns);
	for (p = 0; p < npoints; p++) {
		mean = 0;
		for (s = 0; s < (int)ns; s++)
			mean += percent((size_t)outer[p * ns + (size_t)s],
			    (size_t)setn[s]);
		mean /= (double)ns;
		if (mean > gbest + 1e-9) {
			gbest = mean;
			gp = (int)p;
		}
	}
	printf("  best over all sets (not an estimate): %.1f%% at", gbest);
	for (a = 0; a < LEARN_AXES; a++)
		printf(" %s=%g", learn_grid[a].name,
		    learn_grid[a].values[pts[(size_t)gp * LEARN_AXES + a]]);
	printf("\n");
	free(ex);
	free(outer);
	free(pair);
	free(pts);
	free(setn);
}

/* Set one of the model's constants from NAME=VALUE (--set); -1 if unknown. */
static int
set_constant(struct classify_tuning *t, const char *arg)
{
	size_t a, n = strcspn(arg, "=");

	for (a = 0; a < LEARN_AXES; a++)
		if (strlen(learn_grid[a].name) == n &&
		    strncmp(arg, learn_grid[a].name, n) == 0 && arg[n] == '=') {
			*axis_value(t, &learn_grid[a]) = atof(arg + n + 1);
			return 0;
		}
	fprintf(stderr, "classify-accuracy: --set: no constant %.*s\n",
	    (int)n, arg);
	return -1;
}

/* Print the usage line and fail. */
static int
usage(void)
{
	fprintf(stderr, "usage: classify-accuracy [--errors] [--no-lang] "
	    "[--quick] [--no-speed] [--loso] [--learn] [--learn-grid] "
	    "[--keywords-only] [--set NAME=VALUE] [--min PERCENT] EVENT.json "
	    "[--labels LABELS.json] FILE.jsonl...\n");
	return 2;
}

/* Read the event and the labelled files, classify, report. */
int
main(int argc, char **argv)
{
	struct items it;
	struct event_file *ef = NULL;
	struct classify *c = NULL;
	json_t *labels = NULL;
	json_error_t jerr;
	char *cause = NULL;
	bool errors = false, no_lang = false, quick = false, speed = true;
	bool loso = false, learn = false, learn_grid_run = false;
	bool keywords_only = false;
	struct classify_tuning tune;
	double t0, build = 1e9;
	int r;
	double min = -1.0, acc;
	size_t i, n, ok;
	int a = 1, rc = 1, s;

	memset(&it, 0, sizeof it);
	classify_tuning_default(&tune);
	for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
		if (strcmp(argv[a], "--errors") == 0)
			errors = true;
		else if (strcmp(argv[a], "--no-lang") == 0)
			no_lang = true;
		else if (strcmp(argv[a], "--quick") == 0)
			quick = true;
		else if (strcmp(argv[a], "--no-speed") == 0)
			speed = false;
		else if (strcmp(argv[a], "--loso") == 0)
			loso = true;
		else if (strcmp(argv[a], "--learn") == 0)
			learn = true;
		else if (strcmp(argv[a], "--learn-grid") == 0)
			learn_grid_run = true;
		else if (strcmp(argv[a], "--keywords-only") == 0)
			keywords_only = true;
		else if (strcmp(argv[a], "--set") == 0 && a + 1 < argc) {
			if (set_constant(&tune, argv[++a]) < 0)
				return usage();
		}
		else if (strcmp(argv[a], "--min") == 0 && a + 1 < argc)
			min = atof(argv[++a]);
		else
			return usage();
	}
	if (argc - a < 2)
		return usage();
	ef = event_load(argv[a++], &cause);
	if (ef == NULL) {
		fprintf(stderr, "classify-accuracy: %s\n", cause);
		free(cause);
		return 1;
	}
	for (; a < argc; a++) {
		if (strcmp(argv[a], "--labels") == 0) {
			if (++a == argc) {
				rc = usage();
				goto out;
			}
			json_decref(labels);
			labels = json_load_file(argv[a], 0, &jerr);
			if (!json_is_object(labels)) {
				fprintf(stderr, "classify-accuracy: %s: %s\n",
				    argv[a], labels == NULL ? jerr.text :
				    "not an object of id: theme");
				goto out;
			}
			continue;
		}
		if (read_jsonl(argv[a], labels, &it) < 0)
			goto out;
	}
	if (it.n == 0) {
		fprintf(stderr, "classify-accuracy: no labelled questions\n");
		goto out;
	}
	/* Building is timed as the console does it, best of 30. */
	for (r = 0; r < 30; r++) {
		classify_destroy(c);
		t0 = now_s();
		c = keywords_only ? classify_create_learned(&ef->event, NULL, 0,
		    NULL) : classify_create(&ef->event);
		if (now_s() - t0 < build)
			build = now_s() - t0;
	}
	classify_all(c, &it, no_lang);
	printf("questions: %zu in %d set%s%s\n", it.n, it.nsets,
	    it.nsets == 1 ? "" : "s",
	    no_lang ? " (classified without their language)" : "");
	printf("classifier: %s, built in %.2f ms (best of 30), %zu KB\n",
	    keywords_only || ef->event.nexamples == 0 ? "keywords only" :
	    "keywords and a model learned from the event's examples (a set "
	    "among them is not scored blind)", build * 1e3,
	    classify_size(c) / 1024);
	if (!keywords_only && ef->event.nexamples > 0)
		printf("  the event's examples: %zu\n", ef->event.nexamples);
	for (s = 0; s < it.nsets; s++)
		report_set(&ef->event, &it, s, errors);
	if (it.nsets > 1) {
		report_set(&ef->event, &it, -1, false);
		printf("\nsummary:\n");
		for (s = 0; s < it.nsets; s++) {
			ok = count_right(&it, s, &n);
			printf("  %6.1f%%  %4zu  %s\n", percent(ok, n), n,
			    it.set[s]);
		}
	}
	ok = count_right(&it, -1, &n);
	acc = percent(ok, n);
	printf("  %6.1f%%  %4zu  all\n", acc, n);
	if (speed)
		report_speed(c, &it, no_lang, quick ? REPEATS_QUICK : REPEATS);
	if ((learn || learn_grid_run) && it.nsets < 2)
		printf("\n--learn needs at least two sets\n");
	else if (learn) {
		(void)report_learn(&ef->event, &it, no_lang, &tune);
	}
	if (learn_grid_run && it.nsets >= 2)
		report_learn_grid(&ef->event, &it, no_lang);
	if (loso) {
		if (it.nsets < 2)
			printf("\n--loso needs at least two sets\n");
		else
			report_loso(&ef->event, &it, no_lang);
	}
	rc = min >= 0.0 && acc < min ? 1 : 0;
out:
	for (i = 0; i < it.n; i++) {
		free(it.v[i].lang);
		free(it.v[i].theme);
		free(it.v[i].text);
	}
	free(it.v);
	json_decref(labels);
	classify_destroy(c);
	event_destroy(ef);
	return rc;
}
