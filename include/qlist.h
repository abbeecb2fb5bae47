/*
 * qlist.h -- the questions pane's display order: the questions grouped by
 * theme, sorted, optionally filtered by a search, with counts, as rows a
 * view can draw and scroll by.
 *
 * Order: the current segment's theme first (the one being discussed),
 * then the event's other themes in event order, then "other" (which also
 * takes questions whose theme is missing or unknown to the event). Within
 * a group, most votes first, then arrival. Each listed group is one header
 * row followed by its questions' rows; a group with nothing listed has no
 * rows at all, so every header row is followed by at least one question.
 *
 * Cost: qlist_update() does nothing (O(1)) unless the questions changed
 * (the model's questions_version or question count), the current segment's
 * theme changed or the search changed. It follows a few question changes
 * one by one through the model's question_log: a new question, a vote or a
 * theme change moves one row (a binary search and a memmove within its
 * group), a status change moves a count, and a new current theme only
 * reorders the groups; a new model, event or search, or more changes than
 * the log holds, rebuild and sort everything. Finding a question's row is
 * a binary search by id plus one within its group, and a row is found from
 * the groups' sizes, so moving the selection or a keypress costs about the
 * same with 100,000 questions as with 100. The search keeps each
 * question's normalised text once it has been computed (questions never
 * change their text).
 *
 * Pure: no I/O. The list holds indices into model->questions, valid for
 * the model it was last updated with; call qlist_update() with the model
 * to be drawn before reading rows. A caller that replaces the model with
 * one rebuilt by replay (undo) calls qlist_invalidate(), since a rebuilt
 * model may come back at the same address with the same version.
 */
#ifndef PODIUM_QLIST_H
#define PODIUM_QLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* No such row (a question filtered out, or not in the model). */
#define QLIST_NO_ROW SIZE_MAX
/* The question of a group's header row. */
#define QLIST_HEADER SIZE_MAX
/* Number of question statuses (enum model_question_status). */
#define QLIST_STATUSES (MODEL_QUESTION_DISMISSED + 1)
/* Longest search text kept, in bytes (longer text is cut at a character). */
#define QLIST_SEARCH_MAX 200

/* One group of the list: a theme of the event, or the catch-all "other". */
struct qlist_group {
	const char *key;     /* theme key; "other" for the catch-all */
	const char *title;   /* the event's title of the theme, or "Other" */
	bool current;        /* the current segment's theme */
	size_t header_row;   /* row of its header, QLIST_NO_ROW if not listed */
	size_t listed;       /* questions listed under it */
	size_t status[QLIST_STATUSES]; /* of those, how many in each status */
	const size_t *lang;  /* of those, how many per language (qlist_nlangs) */
};

/* One row of the list. */
struct qlist_row {
	size_t question;     /* index into model->questions, or QLIST_HEADER */
	int group;           /* index of its group (qlist_group) */
};

struct qlist;

/* An empty list with no search; rebuilt at the first qlist_update(). */
struct qlist *qlist_create(void);

/* Free a list; NULL is accepted. */
void qlist_destroy(struct qlist *ql);

/*
 * Set the search: only questions whose text, sender, organisation or
 * country contain it are listed, ignoring case, accents and Arabic letter
 * variants and diacritics. NULL or "" lists everything. Takes effect at
 * the next qlist_update().
 */
void qlist_set_search(struct qlist *ql, const char *text);

/* The search as set ("" when none). */
const char *qlist_search(const struct qlist *ql);

/* Bring the list up to date with m; true if it had to be rebuilt. */
bool qlist_update(struct qlist *ql, const struct model *m);

/* Force a rebuild at the next qlist_update(). */
void qlist_invalidate(struct qlist *ql);

/* How many updates changed the list (for tests and traces). */
uint64_t qlist_rebuilds(const struct qlist *ql);

/*
 * How many of those updates had to build the list from scratch rather
 * than follow the changes one by one (for tests and traces).
 */
uint64_t qlist_full_builds(const struct qlist *ql);

/* Rows of the list, headers included. */
size_t qlist_nrows(const struct qlist *ql);

/* One row, or NULL past the end. */
const struct qlist_row *qlist_row(const struct qlist *ql, size_t row);

/* Groups, in display order (listed or not). */
int qlist_ngroups(const struct qlist *ql);

/* One group, or NULL if out of range. */
const struct qlist_group *qlist_group(const struct qlist *ql, int group);

/*
 * Languages counted in qlist_group.lang: the event's languages in event
 * order, then one last bucket for any other or missing language.
 */
size_t qlist_nlangs(const struct qlist *ql);

/* The code of a language bucket ("fr"); "?" for the last one. */
const char *qlist_lang(const struct qlist *ql, size_t lang);

/* Questions listed (matching the search). */
size_t qlist_listed(const struct qlist *ql);

/* Questions in the model when the list was built, listed or not. */
size_t qlist_total(const struct qlist *ql);

/*
 * The question on air as an index into model->questions, listed or not
 * (a search does not hide what is being asked), or QLIST_NO_ROW.
 */
size_t qlist_on_air(const struct qlist *ql);

/* The row of a question by id, or QLIST_NO_ROW if it is not listed. */
size_t qlist_row_of(const struct qlist *ql, const struct model *m,
    int64_t id);

/*
 * The question delta rows away from question id in display order (delta
 * counts header rows, so a page of rows moves a page); a header landed on
 * is passed over in the direction of travel, and the ends stop the move.
 * If id is not listed, the first listed question. -1 if nothing is listed.
 */
int64_t qlist_step(const struct qlist *ql, const struct model *m,
    int64_t id, int delta);

#endif /* PODIUM_QLIST_H */
