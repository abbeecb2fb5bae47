/*
 * classify-accuracy.c -- how often the theme classifier agrees with
 * labelled questions, and how fast it is.
 *
 * Data flow: the event file gives the themes (event_load); each labelled
 * file gives questions with their expected theme, either inline (JSON
 * Lines of {"lang","theme","text"}, like sample-data/themes-dev.jsonl) or,
 * after --labels FILE.json (an object mapping question id to theme), from
 * JSON Lines of intake objects ({"type":"question","id","lang","text"},
 * like sample-data/questions.jsonl; floor requests and unlabelled lines
 * are skipped). Every question is classified once for the accuracy per
 * language, the confusion matrix and the errors; then the whole set is
 * classified over and over for the throughput, the median of 5 runs.
 *
 *   classify-accuracy [--errors] [--no-lang] [--quick] [--min PERCENT]
 *       EVENT.json FILE.jsonl... [--labels LABELS.json FILE.jsonl...]
 *
 * --errors lists the questions classified wrongly, --no-lang classifies
 * without telling the question's language, --quick makes each throughput
 * run short (a smoke test), --min fails (exit 1) below that accuracy.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "classify.h"
#include "event.h"

/* Runs of the throughput measurement; the median is shown. */
#define RUNS 5

/* Least time one run of the throughput measurement lasts; with --quick. */
#define RUN_MIN_S 0.2
#define RUN_MIN_S_QUICK 0.01

/* A labelled question. */
struct item {
	char *lang;
	char *theme;    /* expected */
	char *text;
	const char *got;
	double confidence;
};

/* All the labelled questions read. */
struct items {
	struct item *v;
	size_t n, cap;
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

/* Add one question to the list. */
static void
items_add(struct items *it, const char *lang, const char *theme,
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
	x->got = NULL;
	x->confidence = 0.0;
}

/* A string member of an object, or NULL. */
static const char *
get_string(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/*
 * Read one JSON Lines file of questions; the theme comes from labels when
 * given, else from the line. Returns 0, or -1 with a message printed.
 */
static int
read_jsonl(const char *path, json_t *labels, struct items *it)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0, skipped = 0;
	const char *lang, *theme, *text, *type, *id;
	json_error_t err;
	json_t *o;

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
		theme = labels != NULL ?
		    (id == NULL ? NULL : get_string(labels, id)) :
		    get_string(o, "theme");
		if ((type != NULL && strcmp(type, "question") != 0) ||
		    text == NULL || theme == NULL)
			skipped++;
		else
			items_add(it, lang == NULL ? "?" : lang, theme, text);
		json_decref(o);
	}
	if (skipped > 0)
		printf("%s: %zu lines skipped (not a labelled question)\n",
		    path, skipped);
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

/* Order doubles, for the median. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Questions per second classifying the whole set, median of RUNS runs. */
static double
throughput(const struct classify *c, const struct items *it, bool no_lang,
    double run_min_s)
{
	double rate[RUNS], t0, t;
	size_t i, n;
	int r;

	for (r = 0; r < RUNS; r++) {
		n = 0;
		t0 = now_s();
		do {
			for (i = 0; i < it->n; i++)
				(void)classify_text(c, it->v[i].text,
				    no_lang ? NULL : it->v[i].lang, NULL);
			n += it->n;
			t = now_s() - t0;
		} while (t < run_min_s);
		rate[r] = (double)n / t;
	}
	qsort(rate, RUNS, sizeof rate[0], cmp_double);
	return rate[RUNS / 2];
}

/* Print accuracy per language and overall; returns the overall percent. */
static double
report_accuracy(const struct items *it)
{
	const char *langs[64];
	size_t nl = 0, i, j, n, ok, all_ok = 0;

	for (i = 0; i < it->n; i++) {
		for (j = 0; j < nl && strcmp(langs[j], it->v[i].lang) != 0; j++)
			;
		if (j == nl && nl < 64)
			langs[nl++] = it->v[i].lang;
		if (strcmp(it->v[i].got, it->v[i].theme) == 0)
			all_ok++;
	}
	printf("\n%-8s %6s %8s %9s\n", "lang", "n", "correct", "accuracy");
	for (j = 0; j < nl; j++) {
		n = ok = 0;
		for (i = 0; i < it->n; i++) {
			if (strcmp(it->v[i].lang, langs[j]) != 0)
				continue;
			n++;
			if (strcmp(it->v[i].got, it->v[i].theme) == 0)
				ok++;
		}
		printf("%-8s %6zu %8zu %8.1f%%\n", langs[j], n, ok,
		    100.0 * (double)ok / (double)n);
	}
	printf("%-8s %6zu %8zu %8.1f%%\n", "all", it->n, all_ok,
	    it->n == 0 ? 0.0 : 100.0 * (double)all_ok / (double)it->n);
	return it->n == 0 ? 0.0 : 100.0 * (double)all_ok / (double)it->n;
}

/* Print the confusion matrix: rows expected, columns suggested. */
static void
report_confusion(const struct model_event *ev, const struct items *it)
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
				if (strcmp(it->v[i].theme, ev->themes[r].key) == 0 &&
				    strcmp(it->v[i].got, ev->themes[col].key) == 0)
					n++;
			printf(" %6zu", n);
		}
		printf("\n");
	}
	for (i = 0; i < it->n; i++)
		if (event_theme_index(ev, it->v[i].theme) < 0)
			unknown++;
	if (unknown > 0)
		printf("%zu questions expect a theme the event does not have\n",
		    unknown);
}

/* Print how sure the classifier was when right and when wrong. */
static void
report_confidence(const struct items *it)
{
	double sum[2] = { 0, 0 };
	size_t n[2] = { 0, 0 }, i;
	int ok;

	for (i = 0; i < it->n; i++) {
		ok = strcmp(it->v[i].got, it->v[i].theme) == 0;
		sum[ok] += it->v[i].confidence;
		n[ok]++;
	}
	printf("\nmean confidence: %.2f when right, %.2f when wrong\n",
	    n[1] ? sum[1] / (double)n[1] : 0.0,
	    n[0] ? sum[0] / (double)n[0] : 0.0);
}

/* Print the usage line and fail. */
static int
usage(void)
{
	fprintf(stderr, "usage: classify-accuracy [--errors] [--no-lang] "
	    "[--quick] [--min PERCENT] EVENT.json FILE.jsonl... "
	    "[--labels LABELS.json FILE.jsonl...]\n");
	return 2;
}

/* Read the event and the labelled files, classify, report. */
int
main(int argc, char **argv)
{
	struct items it = { NULL, 0, 0 };
	struct event_file *ef = NULL;
	struct classify *c = NULL;
	json_t *labels = NULL;
	json_error_t jerr;
	char *cause = NULL;
	bool errors = false, no_lang = false, quick = false;
	double min = -1.0, acc;
	size_t i;
	int a = 1, rc = 1;

	for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
		if (strcmp(argv[a], "--errors") == 0)
			errors = true;
		else if (strcmp(argv[a], "--no-lang") == 0)
			no_lang = true;
		else if (strcmp(argv[a], "--quick") == 0)
			quick = true;
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
	c = classify_create(&ef->event);
	for (i = 0; i < it.n; i++)
		it.v[i].got = classify_text(c, it.v[i].text,
		    no_lang ? NULL : it.v[i].lang, &it.v[i].confidence);
	if (errors) {
		printf("errors (expected -> suggested, confidence):\n");
		for (i = 0; i < it.n; i++)
			if (strcmp(it.v[i].got, it.v[i].theme) != 0)
				printf("  [%s] %s -> %s %.2f: %s\n", it.v[i].lang,
				    it.v[i].theme, it.v[i].got,
				    it.v[i].confidence, it.v[i].text);
	}
	printf("questions: %zu%s\n", it.n,
	    no_lang ? " (classified without their language)" : "");
	acc = report_accuracy(&it);
	report_confusion(&ef->event, &it);
	report_confidence(&it);
	printf("\nthroughput: %.0f questions/s (median of %d runs)\n",
	    throughput(c, &it, no_lang, quick ? RUN_MIN_S_QUICK : RUN_MIN_S),
	    RUNS);
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
