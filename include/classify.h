/*
 * classify.h -- a theme suggested for every incoming audience question,
 * from the event's per-theme keywords, in any of the event's languages.
 *
 * Data flow: classify_create() reads the themes of an event once,
 * normalises and stems every keyword and indexes them, and, when the
 * event carries labelled examples, counts their stemmed words per theme
 * (a naive Bayes model); classify_text() then normalises a question the
 * same way, finds the keywords it contains, scores the themes, and adds
 * the model's log-posterior of each theme. The chair sees the suggestion and may override
 * it. How it works and how well: docs/CLASSIFIER.md.
 *
 * Pure computation: no I/O, no curses, no SQLite, no event loop. A built
 * classifier is read-only, so one may serve several threads.
 */
#ifndef PODIUM_CLASSIFY_H
#define PODIUM_CLASSIFY_H

#include <stddef.h>

#include "model.h"

/* Bytes of normalised text looked at; a 4000-character question fits. */
#define CLASSIFY_TEXT_MAX 16384

struct classify;

/*
 * Build a classifier from the event's themes. The event must outlive the
 * classifier: returned theme keys point into it. Never NULL (allocation
 * failure aborts).
 */
struct classify *classify_create(const struct model_event *ev);

/* Free a classifier; NULL is accepted. */
void classify_destroy(struct classify *c);

/*
 * Suggest a theme for a question: returns the theme key (a pointer into
 * the event, never NULL: "other" -- or the event's last theme if no
 * "other" -- when unsure) and, if confidence is not NULL, a confidence in
 * [0,1]. text may be NULL (nothing to classify). lang may be NULL or
 * unknown: then all languages' keywords count alike; otherwise the other
 * languages' keywords still count, for less.
 */
const char *classify_text(const struct classify *c, const char *text,
    const char *lang, double *confidence);

/*
 * Normalise text for matching (exposed for tests): lower case, accents
 * removed (é→e, ñ→n, ç→c, œ→oe, ß→ss), Arabic alef variants (أ إ آ ٱ → ا),
 * ta marbuta (ة → ه), alef maqsura (ى → ي), hamza on waw and ya (ؤ → و,
 * ئ → ي), Arabic-Indic digits to 0-9, harakat, tatweel and other combining
 * marks removed; anything not a letter or digit becomes a space; runs of
 * spaces collapse and none lead or trail. in may be NULL (empty). Writes
 * at most outsz-1 bytes of UTF-8 plus a NUL into out, never cutting a
 * character, and returns the length written; the result is never longer
 * than twice the input, so an out of 2 * strlen(in) + 1 bytes always
 * holds all of it.
 */
size_t classify_normalise(const char *in, char *out, size_t outsz);

/*
 * The constants of the scoring rules (docs/CLASSIFIER.md), exposed so that
 * a benchmark can tune them on some labelled sets and measure the result
 * on another. classify_create() uses classify_tuning_default().
 */
struct classify_tuning {
	double phrase_bonus;  /* weight added per word of a phrase beyond its first */
	double repeat_bonus;  /* weight added, once, for a keyword found again */
	double cross_lang;    /* factor for a keyword of another language */
	double other_factor;  /* factor for the "other" theme's score */
	double topic_factor;  /* factor for the event's own topic */
	double min_score;     /* least score a real theme needs to win */
	double asked_bonus;   /* factor for what the sentence asked says */
	/* The model learned from labelled examples (none: keywords only). */
	double learn_weight;  /* weight of its log-posterior beside the keyword score */
	double learn_alpha;   /* additive smoothing of its word counts */
	double learn_keywords; /* each keyword counts as this many words of its theme */
	double learn_prefix;  /* characters of a stem kept as a word (0: all) */
	double learn_bigrams; /* 1: pairs of neighbouring words are words too */
	double learn_by_lang; /* 1: one model per language, 0: one for all */
};

/* Fill in the constants classify_create() uses. */
void classify_tuning_default(struct classify_tuning *t);

/*
 * Build a classifier as classify_create() does, with other constants
 * (t NULL: the defaults). For benchmarks and tuning.
 */
struct classify *classify_create_tuned(const struct model_event *ev,
    const struct classify_tuning *t);

/*
 * Build a classifier that learns from the labelled examples ex[0..nex)
 * instead of the event's own (ev->examples), with the constants t (NULL:
 * the defaults): a benchmark trains on some labelled sets and scores
 * another. The examples are read here only; nex 0 gives the keywords
 * alone. classify_create(ev) is classify_create_learned(ev, ev->examples,
 * ev->nexamples, NULL).
 */
struct classify *classify_create_learned(const struct model_event *ev,
    const struct model_example *ex, size_t nex,
    const struct classify_tuning *t);

/* Bytes a classifier holds (its keyword index and learned model). */
size_t classify_size(const struct classify *c);

#endif /* PODIUM_CLASSIFY_H */
