/*
 * test-qlist.c -- the questions pane's display order: groups with the
 * current segment's theme first and "other" last, votes then arrival
 * within a group, the search (case, accents, Arabic letter variants, every
 * searched field), counts by status and language, the cache (rebuilt only
 * when something it depends on changed), moving the selection, and the
 * time a build of 100,000 questions takes (printed, not asserted).
 *
 * Data flow: a struct model_event is built by hand (themes funding,
 * first-steps, rights, other; languages ar, en, fr; segments: an opening
 * without theme, a discussion of "rights", one of "other"). Questions,
 * votes, statuses and segment moves go through model_apply() as the
 * console's would, with increasing sequence numbers; the list is then
 * brought up to date and read row by row.
 */
#include "qlist.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 2020-12-04T12:30:00Z = 13:30 at +01:00, the planned start. */
#define T0 1607085000000LL
#define MONO0 5000000LL
#define BIG 100000

static char *ar_words[] = { "تمويل" };
static struct model_keywords funding_kw[] = { { "ar", ar_words, 1 } };

static struct model_theme themes[] = {
	{ "funding", "Sustainable funding", funding_kw, 1 },
	{ "first-steps", "First steps", NULL, 0 },
	{ "rights", "Rights", NULL, 0 },
	{ "other", "Other business", NULL, 0 },
};

static char *languages[] = { "ar", "en", "fr" };

static struct model_segment_plan plans[] = {
	{ "Opening", NULL, NULL, 10 },
	{ "Rights discussion", NULL, "rights", 20 },
	{ "Logistics", NULL, "other", 10 },
};

static const struct model_event event = {
	.id = "test-event",
	.title = "Test event",
	.date = "2020-12-04",
	.utc_offset_min = 60,
	.start_wall_ms = T0,
	.end_wall_ms = T0 + 40 * 60 * 1000LL,
	.languages = languages,
	.nlanguages = 3,
	.warning_s = 60,
	.danger_s = 15,
	.speaker_s = 180,
	.themes = themes,
	.nthemes = 4,
	.segments = plans,
	.nsegments = 3,
};

/* The model and list under test. */
static struct {
	struct model *m;
	struct qlist *ql;
	int64_t seq;
	char err[256];
} fx;

/* A fresh model and list for each test. */
static int
setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof fx);
	fx.m = model_create(&event);
	fx.ql = qlist_create();
	return fx.m == NULL || fx.ql == NULL ? -1 : 0;
}

/* Free them. */
static int
teardown(void **state)
{
	(void)state;
	qlist_destroy(fx.ql);
	model_destroy(fx.m);
	return 0;
}

/* Apply an action with the next sequence number; it must be accepted. */
static int64_t
apply(struct model_action *a)
{
	a->seq = ++fx.seq;
	a->at.mono_ms = MONO0 + fx.seq * 1000;
	a->at.wall_ms = T0 + fx.seq * 1000;
	if (!model_apply(fx.m, a, fx.err, sizeof fx.err))
		fail_msg("refused: %s", fx.err);
	return a->seq;
}

/* Add a question; returns its id. */
static int64_t
ask(const char *text, const char *theme, const char *lang, const char *from,
    const char *org, const char *country)
{
	struct model_action a;

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_QUESTION_ADD;
	a.question.text = text;
	a.question.theme = theme;
	a.question.lang = lang;
	a.question.from = from;
	a.question.org = org;
	a.question.country = country;
	return apply(&a);
}

/* Give a question n votes. */
static void
vote(int64_t id, int n)
{
	for (int i = 0; i < n; i++) {
		struct model_action a;

		memset(&a, 0, sizeof a);
		a.type = MODEL_ACTION_QUESTION_VOTE;
		a.target = id;
		apply(&a);
	}
}

/* Move a question to a status. */
static void
set_status(int64_t id, enum model_question_status st)
{
	struct model_action a;

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_QUESTION_STATUS;
	a.target = id;
	a.status = st;
	apply(&a);
}

/* Move to the next agenda segment. */
static void
next_segment(void)
{
	struct model_action a;

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SEGMENT_NEXT;
	apply(&a);
}

/*
 * The list as a string: a header is "[key]", a question its id, separated
 * by spaces, e.g. "[funding] 1 4 [other] 3".
 */
static const char *
rows(void)
{
	static char buf[4096];
	size_t n = 0;

	qlist_update(fx.ql, fx.m);
	buf[0] = '\0';
	for (size_t r = 0; r < qlist_nrows(fx.ql); r++) {
		const struct qlist_row *row = qlist_row(fx.ql, r);

		if (row->question == QLIST_HEADER)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s[%s]",
			    n > 0 ? " " : "",
			    qlist_group(fx.ql, row->group)->key);
		else
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld",
			    n > 0 ? " " : "",
			    (long long)fx.m->questions[row->question].id);
	}
	return buf;
}

/* The group of a theme key in the list. */
static const struct qlist_group *
group(const char *key)
{
	for (int g = 0; g < qlist_ngroups(fx.ql); g++) {
		if (strcmp(qlist_group(fx.ql, g)->key, key) == 0)
			return qlist_group(fx.ql, g);
	}
	fail_msg("no group %s", key);
	return NULL;
}

/* Event order before the start; the current segment's theme leads after. */
static void
test_order_by_theme(void **state)
{
	int64_t q1, q2, q3, q4, q5;

	(void)state;
	assert_string_equal(rows(), "");
	assert_int_equal(qlist_on_air(fx.ql), QLIST_NO_ROW);
	q1 = ask("Funding question", "funding", "en", NULL, NULL, NULL);
	q2 = ask("Rights question", "rights", "fr", NULL, NULL, NULL);
	q3 = ask("Where is the link?", "other", "en", NULL, NULL, NULL);
	q4 = ask("No theme at all", NULL, "ar", NULL, NULL, NULL);
	q5 = ask("Second funding question", "funding", "en", NULL, NULL, NULL);
	assert_int_equal(q1, 1);
	(void)q2;
	(void)q3;
	(void)q4;
	(void)q5;
	/* Before the start: event order, "other" (and no theme) last. */
	assert_string_equal(rows(), "[funding] 1 5 [rights] 2 [other] 3 4");
	assert_int_equal(qlist_ngroups(fx.ql), 4);
	assert_string_equal(qlist_group(fx.ql, 0)->key, "funding");
	assert_string_equal(qlist_group(fx.ql, 1)->key, "first-steps");
	assert_string_equal(qlist_group(fx.ql, 3)->key, "other");
	assert_int_equal(group("first-steps")->header_row, QLIST_NO_ROW);
	assert_int_equal(group("rights")->header_row, 3);
	assert_false(group("funding")->current);

	/* The opening has no theme: the order stays. */
	next_segment();
	assert_string_equal(rows(), "[funding] 1 5 [rights] 2 [other] 3 4");
	/* The rights discussion: rights first, the others as before. */
	next_segment();
	assert_string_equal(rows(), "[rights] 2 [funding] 1 5 [other] 3 4");
	assert_true(qlist_group(fx.ql, 0)->current);
	assert_string_equal(qlist_group(fx.ql, 0)->title, "Rights");
	assert_string_equal(qlist_group(fx.ql, 1)->key, "funding");
	assert_string_equal(qlist_group(fx.ql, 2)->key, "first-steps");
	/* A segment about "other" puts it first; it is what is discussed. */
	next_segment();
	assert_string_equal(rows(), "[other] 3 4 [funding] 1 5 [rights] 2");
	/* After the end: event order again. */
	next_segment();
	assert_string_equal(rows(), "[funding] 1 5 [rights] 2 [other] 3 4");
}

/* Most votes first within a group; equal votes keep arrival order. */
static void
test_votes_then_arrival(void **state)
{
	int64_t a, b, c, d;

	(void)state;
	a = ask("a", "funding", "en", NULL, NULL, NULL);
	b = ask("b", "funding", "en", NULL, NULL, NULL);
	c = ask("c", "funding", "en", NULL, NULL, NULL);
	d = ask("d", "rights", "en", NULL, NULL, NULL);
	assert_string_equal(rows(), "[funding] 1 2 3 [rights] 4");
	vote(c, 2);
	vote(b, 1);
	vote(d, 5);
	/* Votes order within a group only, never across groups. */
	assert_string_equal(rows(), "[funding] 3 2 1 [rights] 4");
	vote(a, 1);
	/* a and b both have 1 vote: a arrived first. */
	assert_string_equal(rows(), "[funding] 3 1 2 [rights] 4");
}

/* The search ignores case, accents and Arabic variants, over four fields. */
static void
test_search(void **state)
{
	(void)state;
	ask("Financement PÉRENNE des associations", "funding", "fr", NULL,
	    NULL, NULL);                                          /* 1 */
	ask("How to start?", "first-steps", "en", "José Núñez", NULL,
	    NULL);                                                /* 2 */
	ask("Rights of survivors", "rights", "en", NULL, "Œuvre Solidaire",
	    "Côte d'Ivoire");                                     /* 3 */
	ask("كيف نضمن استمرار التمويل؟", "funding", "ar", NULL, NULL,
	    NULL);                                                /* 4 */
	ask("Another about funding", "other", "en", NULL, NULL, NULL); /* 5 */

	qlist_set_search(fx.ql, "perenne");
	assert_string_equal(rows(), "[funding] 1");
	qlist_set_search(fx.ql, "Pérenne");
	assert_string_equal(rows(), "[funding] 1");
	qlist_set_search(fx.ql, "NUNEZ");
	assert_string_equal(rows(), "[first-steps] 2");
	qlist_set_search(fx.ql, "oeuvre");
	assert_string_equal(rows(), "[rights] 3");
	qlist_set_search(fx.ql, "cote d ivoire");
	assert_string_equal(rows(), "[rights] 3");
	qlist_set_search(fx.ql, "côte d'ivoire");
	assert_string_equal(rows(), "[rights] 3");
	/* Arabic: ta marbuta and diacritics normalised on both sides. */
	qlist_set_search(fx.ql, "التمويلُ");
	assert_string_equal(rows(), "[funding] 4");
	qlist_set_search(fx.ql, "إستمرار");
	assert_string_equal(rows(), "[funding] 4");
	qlist_set_search(fx.ql, "FUND");
	assert_string_equal(rows(), "[other] 5");
	assert_int_equal(qlist_listed(fx.ql), 1);
	assert_int_equal(qlist_total(fx.ql), 5);
	assert_string_equal(qlist_search(fx.ql), "FUND");
	/* The search does not cross fields: the last word of one field and
	 * the first of the next are not one phrase. */
	ask("alpha", "rights", "en", "beta", NULL, NULL);          /* 6 */
	qlist_set_search(fx.ql, "alpha beta");
	assert_string_equal(rows(), "");
	qlist_set_search(fx.ql, "nothing like this");
	assert_string_equal(rows(), "");
	assert_int_equal(qlist_listed(fx.ql), 0);
	assert_int_equal(qlist_step(fx.ql, fx.m, 1, 1), -1);
	/* Punctuation only has nothing to look for: everything is listed. */
	qlist_set_search(fx.ql, "?!");
	assert_int_equal(qlist_listed(fx.ql), 0);
	rows();
	assert_int_equal(qlist_listed(fx.ql), 6);
	qlist_set_search(fx.ql, NULL);
	assert_string_equal(qlist_search(fx.ql), "");
	assert_string_equal(rows(),
	    "[funding] 1 4 [first-steps] 2 [rights] 3 6 [other] 5");
}

/* A long search is cut at a character boundary. */
static void
test_search_cut(void **state)
{
	char longs[QLIST_SEARCH_MAX * 2 + 8];
	size_t n = 0;

	(void)state;
	longs[n++] = 'a';
	while (n + 2 < sizeof longs - 1) {
		memcpy(longs + n, "\xc3\xa9", 2);
		n += 2;
	}
	longs[n] = '\0';
	qlist_set_search(fx.ql, longs);
	assert_true(strlen(qlist_search(fx.ql)) <= QLIST_SEARCH_MAX);
	assert_true(strlen(qlist_search(fx.ql)) >= QLIST_SEARCH_MAX - 1);
	n = strlen(qlist_search(fx.ql));
	/* Ends after a whole "é". */
	assert_int_equal((unsigned char)qlist_search(fx.ql)[n - 1], 0xa9);
}

/* Counts per group by status and by language, of listed questions. */
static void
test_counts(void **state)
{
	const struct qlist_group *g;
	int64_t a, b, c, d;

	(void)state;
	a = ask("a", "funding", "en", NULL, NULL, NULL);
	b = ask("b", "funding", "FR", NULL, NULL, NULL);
	c = ask("c", "funding", "ar", NULL, NULL, NULL);
	d = ask("d", "funding", "fr-CA", NULL, NULL, NULL);
	ask("e", "funding", NULL, NULL, NULL, NULL);
	ask("f", "funding", "de", NULL, NULL, NULL);
	ask("g", "rights", "en", NULL, NULL, NULL);
	set_status(a, MODEL_QUESTION_APPROVED);
	set_status(b, MODEL_QUESTION_ON_AIR);
	set_status(c, MODEL_QUESTION_ON_AIR); /* b becomes answered */
	set_status(d, MODEL_QUESTION_DISMISSED);
	rows();
	assert_int_equal(qlist_on_air(fx.ql), 2); /* c, the third question */
	assert_int_equal(qlist_nlangs(fx.ql), 4);
	assert_string_equal(qlist_lang(fx.ql, 0), "ar");
	assert_string_equal(qlist_lang(fx.ql, 2), "fr");
	assert_string_equal(qlist_lang(fx.ql, 3), "?");
	assert_string_equal(qlist_lang(fx.ql, 99), "?");
	g = group("funding");
	assert_int_equal(g->listed, 6);
	assert_int_equal(g->status[MODEL_QUESTION_NEW], 2);
	assert_int_equal(g->status[MODEL_QUESTION_APPROVED], 1);
	assert_int_equal(g->status[MODEL_QUESTION_ON_AIR], 1);
	assert_int_equal(g->status[MODEL_QUESTION_ANSWERED], 1);
	assert_int_equal(g->status[MODEL_QUESTION_DISMISSED], 1);
	assert_int_equal(g->lang[0], 1); /* ar */
	assert_int_equal(g->lang[1], 1); /* en */
	assert_int_equal(g->lang[2], 2); /* FR and fr-CA */
	assert_int_equal(g->lang[3], 2); /* none and de */
	g = group("rights");
	assert_int_equal(g->listed, 1);
	assert_int_equal(g->lang[1], 1);
	assert_int_equal(group("first-steps")->listed, 0);
	/* With a search, the counts are of what is listed. */
	qlist_set_search(fx.ql, "g");
	rows();
	/* What is on air is known even when the search hides it. */
	assert_int_equal(qlist_on_air(fx.ql), 2);
	assert_int_equal(group("funding")->listed, 0);
	assert_int_equal(group("funding")->status[MODEL_QUESTION_NEW], 0);
	assert_int_equal(group("rights")->listed, 1);
}

/* Rebuilt only when the questions, the current theme or the search change. */
static void
test_cache(void **state)
{
	struct model_action a;
	int64_t q;
	uint64_t n;

	(void)state;
	q = ask("a", "funding", "en", NULL, NULL, NULL);
	assert_true(qlist_update(fx.ql, fx.m));
	n = qlist_rebuilds(fx.ql);
	assert_int_equal(n, 1);
	assert_false(qlist_update(fx.ql, fx.m));
	assert_false(qlist_update(fx.ql, fx.m));
	assert_int_equal(qlist_rebuilds(fx.ql), n);

	/* A speaker action does not touch the questions. */
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_ADD;
	a.speaker.name = "Speaker";
	a.speaker.lang = "en";
	a.speaker.segment = 0;
	apply(&a);
	assert_false(qlist_update(fx.ql, fx.m));

	/* A vote does. */
	vote(q, 1);
	assert_true(qlist_update(fx.ql, fx.m));
	assert_int_equal(qlist_rebuilds(fx.ql), ++n);

	/* The same search again is no change; another one is. */
	qlist_set_search(fx.ql, "");
	assert_false(qlist_update(fx.ql, fx.m));
	qlist_set_search(fx.ql, "a");
	assert_true(qlist_update(fx.ql, fx.m));
	qlist_set_search(fx.ql, "a");
	assert_false(qlist_update(fx.ql, fx.m));
	n += 1;

	/* A segment without a theme changes nothing; one with a theme does. */
	next_segment();
	assert_false(qlist_update(fx.ql, fx.m));
	next_segment();
	assert_true(qlist_update(fx.ql, fx.m));
	n += 1;

	/* After undo the model is rebuilt by replay: the caller invalidates. */
	qlist_invalidate(fx.ql);
	assert_true(qlist_update(fx.ql, fx.m));
	assert_int_equal(qlist_rebuilds(fx.ql), n + 1);
}

/* A model rebuilt from scratch is noticed, and rows never dangle. */
static void
test_other_model(void **state)
{
	struct model *m2 = model_create(&event);
	struct model *keep;

	(void)state;
	ask("a", "funding", "en", NULL, NULL, NULL);
	ask("b", "funding", "en", NULL, NULL, NULL);
	rows();
	assert_int_equal(qlist_nrows(fx.ql), 3);
	/* Another model: row_of answers nothing until updated with it. */
	assert_int_equal(qlist_row_of(fx.ql, m2, 1), QLIST_NO_ROW);
	assert_true(qlist_update(fx.ql, m2));
	assert_int_equal(qlist_nrows(fx.ql), 0);
	keep = fx.m;
	fx.m = m2;
	assert_string_equal(rows(), "");
	fx.m = keep;
	assert_string_equal(rows(), "[funding] 1 2");
	model_destroy(m2);
}

/* The selection moves in display order, over headers, stopping at ends. */
static void
test_step(void **state)
{
	(void)state;
	assert_int_equal(qlist_step(fx.ql, fx.m, -1, 1), -1);
	ask("a", "funding", "en", NULL, NULL, NULL);       /* 1 */
	ask("b", "rights", "en", NULL, NULL, NULL);        /* 2 */
	ask("c", "funding", "en", NULL, NULL, NULL);       /* 3 */
	ask("d", "other", "en", NULL, NULL, NULL);         /* 4 */
	ask("e", "rights", "en", NULL, NULL, NULL);        /* 5 */
	assert_string_equal(rows(), "[funding] 1 3 [rights] 2 5 [other] 4");
	assert_int_equal(qlist_row_of(fx.ql, fx.m, 1), 1);
	assert_int_equal(qlist_row_of(fx.ql, fx.m, 4), 7);
	assert_int_equal(qlist_row_of(fx.ql, fx.m, 99), QLIST_NO_ROW);
	/* Nothing selected, or gone: the first question. */
	assert_int_equal(qlist_step(fx.ql, fx.m, -1, 1), 1);
	assert_int_equal(qlist_step(fx.ql, fx.m, -1, -1), 1);
	assert_int_equal(qlist_step(fx.ql, fx.m, 99, 0), 1);
	/* Down and up, passing over the headers. */
	assert_int_equal(qlist_step(fx.ql, fx.m, 1, 1), 3);
	assert_int_equal(qlist_step(fx.ql, fx.m, 3, 1), 2);
	assert_int_equal(qlist_step(fx.ql, fx.m, 2, 1), 5);
	assert_int_equal(qlist_step(fx.ql, fx.m, 5, 1), 4);
	assert_int_equal(qlist_step(fx.ql, fx.m, 4, 1), 4);
	assert_int_equal(qlist_step(fx.ql, fx.m, 4, -1), 5);
	assert_int_equal(qlist_step(fx.ql, fx.m, 2, -1), 3);
	assert_int_equal(qlist_step(fx.ql, fx.m, 1, -1), 1);
	assert_int_equal(qlist_step(fx.ql, fx.m, 3, 0), 3);
	/* Pages: rows, headers counted; a header landed on is passed over. */
	assert_int_equal(qlist_step(fx.ql, fx.m, 1, 2), 2);   /* row 3 hdr->4 */
	assert_int_equal(qlist_step(fx.ql, fx.m, 1, 100), 4);
	assert_int_equal(qlist_step(fx.ql, fx.m, 4, -100), 1);
	assert_int_equal(qlist_step(fx.ql, fx.m, 4, -3), 2);
	assert_int_equal(qlist_step(fx.ql, fx.m, 4, -4), 3);  /* row 3 hdr->2 */
	/* The selection follows a question that moves (a vote). */
	vote(5, 1);
	assert_string_equal(rows(), "[funding] 1 3 [rights] 5 2 [other] 4");
	assert_int_equal(qlist_step(fx.ql, fx.m, 3, 1), 5);
	/* Filtered out: the first listed question instead. */
	qlist_set_search(fx.ql, "e");
	assert_string_equal(rows(), "[rights] 5");
	assert_int_equal(qlist_step(fx.ql, fx.m, 1, 1), 5);
	assert_int_equal(qlist_row_of(fx.ql, fx.m, 1), QLIST_NO_ROW);
}

/* Milliseconds between two clock readings. */
static double
ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/* 100,000 questions: build time printed; a keypress costs no rebuild. */
static void
test_big(void **state)
{
	static const char *const keys[] = { "funding", "first-steps", "rights",
	    "other", NULL };
	static const char *const langs[] = { "ar", "en", "fr", "es" };
	struct timespec t0, t1, t2, t3;
	char text[160];
	int64_t id = -1;
	uint64_t n;

	(void)state;
	for (int i = 0; i < BIG; i++) {
		snprintf(text, sizeof text, "Question %d about funding the "
		    "services of survivors, number %d", i, i * 7919 % BIG);
		ask(text, keys[i % 5], langs[i % 4], "Sender", "Organisation",
		    "Country");
		if (i % 10 == 0)
			vote(fx.seq, i % 7);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true(qlist_update(fx.ql, fx.m));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(qlist_listed(fx.ql), BIG);
	assert_int_equal(qlist_nrows(fx.ql), BIG + 4);
	n = qlist_rebuilds(fx.ql);
	/* A thousand keypresses: update and move, no rebuild. */
	for (int i = 0; i < 1000; i++) {
		assert_false(qlist_update(fx.ql, fx.m));
		id = qlist_step(fx.ql, fx.m, id, 1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t2);
	assert_int_equal(qlist_rebuilds(fx.ql), n);
	assert_true(id > 0);
	qlist_set_search(fx.ql, "number 4242");
	qlist_update(fx.ql, fx.m);
	clock_gettime(CLOCK_MONOTONIC, &t3);
	assert_true(qlist_listed(fx.ql) >= 1);
	printf("qlist: %d questions: build %.1f ms, 1000 keypresses %.3f ms, "
	    "first search %.1f ms\n", BIG, ms_between(&t0, &t1),
	    ms_between(&t1, &t2), ms_between(&t2, &t3));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	qlist_set_search(fx.ql, "number 4243");
	qlist_update(fx.ql, fx.m);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("qlist: next search %.1f ms\n", ms_between(&t0, &t1));
}

/* A small deterministic generator, so a failing sequence can be replayed. */
static uint32_t rng_state;

/* The next pseudo-random number below n. */
static uint32_t
rnd(uint32_t n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) % n;
}

/* Every action applied in the random tests, kept for replays (undo). */
static struct {
	struct model_action a[8000];
	char text[8000][32];
	bool undone[8000];
	size_t n;
} journal;

/* Apply an action, journaled; refusals (an invalid status move) are fine. */
static void
apply_logged(struct model_action *a)
{
	size_t k = journal.n++;

	a->seq = ++fx.seq;
	a->at.mono_ms = MONO0 + fx.seq * 1000;
	a->at.wall_ms = T0 + fx.seq * 1000;
	journal.a[k] = *a;
	if (a->type == MODEL_ACTION_QUESTION_ADD) {
		snprintf(journal.text[k], sizeof journal.text[k], "q%lld %s",
		    (long long)a->seq, rnd(3) == 0 ? "alpha" : "beta");
		journal.a[k].question.text = journal.text[k];
	}
	journal.undone[k] = false;
	model_apply(fx.m, &journal.a[k], fx.err, sizeof fx.err);
}

/* One random change: mostly questions, sometimes the agenda. */
static void
random_action(void)
{
	static const char *const keys[] = { "funding", "first-steps", "rights",
	    "other", NULL };
	static const char *const langs[] = { "ar", "en", "fr", "es", NULL };
	struct model_action a;
	uint32_t r = rnd(100);
	int64_t target = fx.m->nquestions > 0 ?
	    fx.m->questions[rnd((uint32_t)fx.m->nquestions)].id : 1;

	memset(&a, 0, sizeof a);
	if (r < 30 || fx.m->nquestions == 0) {
		/* A question's arguments share their memory with target. */
		a.type = MODEL_ACTION_QUESTION_ADD;
		a.question.theme = keys[rnd(5)];
		a.question.lang = langs[rnd(5)];
	} else if (r < 60) {
		a.type = MODEL_ACTION_QUESTION_VOTE;
	} else if (r < 85) {
		a.type = MODEL_ACTION_QUESTION_STATUS;
		a.status = (enum model_question_status)(1 + rnd(4));
	} else if (r < 94) {
		a.type = MODEL_ACTION_QUESTION_THEME;
		a.theme = keys[rnd(4)];
	} else {
		a.type = rnd(3) == 0 ? MODEL_ACTION_SEGMENT_PREV :
		    MODEL_ACTION_SEGMENT_NEXT;
	}
	if (a.type != MODEL_ACTION_QUESTION_ADD)
		a.target = target;
	apply_logged(&a);
}

/* Compare the list under test with one built from scratch from fx.m. */
static void
assert_same_as_fresh(void)
{
	struct qlist *fresh = qlist_create();
	size_t nl;

	qlist_set_search(fresh, qlist_search(fx.ql));
	qlist_update(fresh, fx.m);
	assert_int_equal(qlist_nrows(fx.ql), qlist_nrows(fresh));
	assert_int_equal(qlist_listed(fx.ql), qlist_listed(fresh));
	assert_int_equal(qlist_total(fx.ql), qlist_total(fresh));
	assert_int_equal(qlist_on_air(fx.ql), qlist_on_air(fresh));
	assert_int_equal(qlist_ngroups(fx.ql), qlist_ngroups(fresh));
	nl = qlist_nlangs(fresh);
	assert_int_equal(qlist_nlangs(fx.ql), nl);
	for (int g = 0; g < qlist_ngroups(fresh); g++) {
		const struct qlist_group *x = qlist_group(fx.ql, g);
		const struct qlist_group *y = qlist_group(fresh, g);

		assert_string_equal(x->key, y->key);
		assert_string_equal(x->title, y->title);
		assert_int_equal(x->current, y->current);
		assert_int_equal(x->header_row, y->header_row);
		assert_int_equal(x->listed, y->listed);
		assert_memory_equal(x->status, y->status, sizeof x->status);
		assert_memory_equal(x->lang, y->lang, nl * sizeof *x->lang);
	}
	for (size_t r = 0; r < qlist_nrows(fresh); r++) {
		assert_int_equal(qlist_row(fx.ql, r)->question,
		    qlist_row(fresh, r)->question);
		assert_int_equal(qlist_row(fx.ql, r)->group,
		    qlist_row(fresh, r)->group);
	}
	assert_null(qlist_row(fx.ql, qlist_nrows(fresh)));
	for (size_t i = 0; i < fx.m->nquestions; i++) {
		int64_t id = fx.m->questions[i].id;

		assert_int_equal(qlist_row_of(fx.ql, fx.m, id),
		    qlist_row_of(fresh, fx.m, id));
		assert_int_equal(qlist_step(fx.ql, fx.m, id, 1),
		    qlist_step(fresh, fx.m, id, 1));
		assert_int_equal(qlist_step(fx.ql, fx.m, id, -3),
		    qlist_step(fresh, fx.m, id, -3));
	}
	qlist_destroy(fresh);
}

/*
 * Undo as the session does it: the model is rebuilt by replaying the
 * journal without one action, with a version above the old one.
 */
static void
replay_without_one(bool invalidate)
{
	uint64_t version = fx.m->questions_version + 1;

	journal.undone[rnd((uint32_t)journal.n)] = true;
	model_destroy(fx.m);
	fx.m = model_create(&event);
	fx.m->questions_version = version;
	for (size_t k = 0; k < journal.n; k++) {
		if (!journal.undone[k])
			model_apply(fx.m, &journal.a[k], NULL, 0);
	}
	if (invalidate)
		qlist_invalidate(fx.ql);
}

/*
 * Random sequences of changes, seeded: after each burst the patched list
 * equals one built from scratch, and a single change never needs a full
 * build. Bursts longer than the model's log, searches and undo are mixed
 * in.
 */
static void
test_incremental_random(void **state)
{
	(void)state;
	for (uint32_t seed = 1; seed <= 6; seed++) {
		uint64_t builds;

		rng_state = seed;
		journal.n = 0;
		if (seed > 1) {
			teardown(NULL);
			setup(NULL);
		}
		if (seed % 3 == 0)
			qlist_set_search(fx.ql, "alpha");
		qlist_update(fx.ql, fx.m);
		for (int step = 0; step < 300; step++) {
			uint32_t burst = rnd(50) == 0 ? 1 + rnd(600) :
			    rnd(10) == 0 ? 1 + rnd(40) : 1;
			uint32_t r = rnd(100);

			for (uint32_t b = 0; b < burst && journal.n < 7990; b++)
				random_action();
			builds = qlist_full_builds(fx.ql);
			qlist_update(fx.ql, fx.m);
			if (burst == 1)
				assert_int_equal(qlist_full_builds(fx.ql), builds);
			assert_same_as_fresh();
			if (r < 3)
				replay_without_one(r < 2);
			else if (r < 5)
				qlist_set_search(fx.ql, r == 3 ? "beta" : "");
			if (r < 5) {
				qlist_update(fx.ql, fx.m);
				assert_same_as_fresh();
			}
		}
	}
}

/* A question put on air takes the one before off it, counts included. */
static void
test_incremental_on_air(void **state)
{
	int64_t a, b;
	uint64_t builds;

	(void)state;
	a = ask("a", "funding", "en", NULL, NULL, NULL);
	b = ask("b", "funding", "fr", NULL, NULL, NULL);
	set_status(a, MODEL_QUESTION_ON_AIR);
	assert_string_equal(rows(), "[funding] 1 2");
	builds = qlist_full_builds(fx.ql);
	assert_int_equal(qlist_on_air(fx.ql), 0);
	set_status(b, MODEL_QUESTION_ON_AIR);
	qlist_update(fx.ql, fx.m);
	assert_int_equal(qlist_on_air(fx.ql), 1);
	assert_int_equal(group("funding")->status[MODEL_QUESTION_ANSWERED], 1);
	assert_int_equal(group("funding")->status[MODEL_QUESTION_ON_AIR], 1);
	vote(b, 1);
	assert_string_equal(rows(), "[funding] 2 1");
	next_segment();
	next_segment();
	assert_string_equal(rows(), "[funding] 2 1");
	assert_true(qlist_group(fx.ql, 0)->current);
	assert_string_equal(qlist_group(fx.ql, 0)->key, "rights");
	assert_int_equal(qlist_full_builds(fx.ql), builds);
	assert_same_as_fresh();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_by_theme, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_votes_then_arrival, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_cut, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_model, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incremental_random, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_incremental_on_air, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
