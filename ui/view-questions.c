/*
 * view-questions.c -- the audience questions, grouped by theme (the
 * event's themes in event order, "Other" last) with counts by status, and
 * the selected question in full.
 *
 * Data flow, built so that a frame with 100,000 questions costs two passes
 * of integer work plus the rows on screen:
 *   1. one pass finds each question's group (a few short key compares),
 *      counts per group and status, and where the selected question falls;
 *   2. the list is rows "group header, its questions..." for non-empty
 *      groups; st->top keeps the selection in view;
 *   3. a second pass over the group numbers picks the questions of the
 *      visible rows only, and only those are turned into text.
 * The selected question alone is wrapped in full (text_wrap by cells).
 */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "timefmt.h"

#define STATUS_COUNT 5
/* From this inner width the detail sits beside the list, else below it. */
#define SIDE_BY_SIDE_W 90
/* Rows of the detail when it sits below the list. */
#define DETAIL_BELOW_H 6
/* From this list width statuses are words, else short tags. */
#define WORDS_W 70
/* Cells of the sender column of a question line, when there is room. */
#define FROM_W 22
#define FROM_MIN_W 60
#define NO_ROW SIZE_MAX

/* Where the groups are and how big, for one frame. */
struct groups {
	int n;            /* groups: event themes but "other", then Other */
	int *of_theme;    /* group of each event theme */
	int *count;       /* n * STATUS_COUNT */
	int *total;       /* questions per group */
	int *first_row;   /* row of each group's header, -1 if empty */
	int rows;         /* rows of the whole list */
	int other;        /* the Other group */
	int other_theme;  /* event theme index of "other", or -1 */
};

/* Long and short names of the statuses, in enum order. */
static const char *const status_words[STATUS_COUNT] = {
	"new", "approved", "ON AIR", "answered", "dismissed"
};
static const char *const status_tags[STATUS_COUNT] = {
	"new", "ok", "AIR", "done", "dism"
};

/* The group of a theme key. */
static int
questions_group(const struct model_event *ev, const struct groups *g,
    const char *key)
{
	if (key == NULL)
		return g->other;
	for (size_t t = 0; t < ev->nthemes; t++) {
		if (ev->themes[t].key[0] == key[0] &&
		    strcmp(ev->themes[t].key, key) == 0)
			return g->of_theme[t];
	}
	return g->other;
}

/* The title of a group. */
static const char *
questions_group_title(const struct model_event *ev, const struct groups *g,
    int group)
{
	if (group == g->other)
		return g->other_theme >= 0 ? ev->themes[g->other_theme].title :
		    "Other";
	for (size_t t = 0; t < ev->nthemes; t++) {
		if (g->of_theme[t] == group)
			return ev->themes[t].title;
	}
	return "Other";
}

/* Set up the groups of an event (no questions counted yet). */
static void
groups_init(struct groups *g, const struct model_event *ev)
{
	int k = 0;

	g->other_theme = -1;
	g->of_theme = view_draw_xrealloc(NULL,
	    (ev->nthemes + 1) * sizeof *g->of_theme);
	for (size_t t = 0; t < ev->nthemes; t++) {
		if (strcmp(ev->themes[t].key, "other") == 0)
			g->other_theme = (int)t;
		else
			g->of_theme[t] = k++;
	}
	g->other = k;
	g->n = k + 1;
	if (g->other_theme >= 0)
		g->of_theme[g->other_theme] = g->other;
	g->count = view_draw_xcalloc((size_t)g->n * STATUS_COUNT,
	    sizeof *g->count);
	g->total = view_draw_xcalloc((size_t)g->n, sizeof *g->total);
	g->first_row = view_draw_xcalloc((size_t)g->n, sizeof *g->first_row);
	g->rows = 0;
}

/* Free what groups_init() allocated. */
static void
groups_finish(struct groups *g)
{
	free(g->of_theme);
	free(g->count);
	free(g->total);
	free(g->first_row);
}

/*
 * Pass 1: group and count every question, and find the selected one.
 * Returns the selected question's row in the list, or -1.
 */
static int
questions_count(const struct view_ctx *c, struct groups *g,
    struct view_questions_state *st, size_t *sel_index)
{
	const struct model *m = c->f->model;
	int sel_group = -1, sel_rank = 0;

	if (m->nquestions > st->cap) {
		st->cap = m->nquestions;
		st->group = view_draw_xrealloc(st->group,
		    st->cap * sizeof *st->group);
	}
	*sel_index = NO_ROW;
	for (size_t i = 0; i < m->nquestions; i++) {
		const struct model_question *q = &m->questions[i];
		int grp = questions_group(m->event, g, q->theme);

		st->group[i] = grp;
		if ((unsigned)q->status < STATUS_COUNT)
			g->count[grp * STATUS_COUNT + (int)q->status]++;
		if (q->id == c->f->question_sel) {
			*sel_index = i;
			sel_group = grp;
			sel_rank = g->total[grp];
		}
		g->total[grp]++;
	}
	for (int k = 0; k < g->n; k++) {
		g->first_row[k] = g->total[k] > 0 ? g->rows : -1;
		if (g->total[k] > 0)
			g->rows += 1 + g->total[k];
	}
	return sel_group < 0 ? -1 : g->first_row[sel_group] + 1 + sel_rank;
}

/* Pass 2: the question index of each visible row (NO_ROW for headers). */
static void
questions_visible(const struct model *m, const struct groups *g,
    struct view_questions_state *st, int top, int rows)
{
	int *rank = view_draw_xcalloc((size_t)g->n, sizeof *rank);
	bool any = false;

	if ((size_t)rows > st->rows_cap) {
		st->rows_cap = (size_t)rows;
		st->rows = view_draw_xrealloc(st->rows,
		    st->rows_cap * sizeof *st->rows);
	}
	for (int r = 0; r < rows; r++)
		st->rows[r] = NO_ROW;
	for (int k = 0; k < g->n; k++) {
		int first = g->first_row[k] + 1;

		if (g->first_row[k] >= 0 && first < top + rows &&
		    first + g->total[k] > top)
			any = true;
	}
	for (size_t i = 0; any && i < m->nquestions; i++) {
		int grp = st->group[i];
		int row = g->first_row[grp] + 1 + rank[grp]++ - top;

		if (row >= 0 && row < rows)
			st->rows[row] = i;
	}
	free(rank);
}

/* "Funding · 12 — new 3 · approved 2", a group's header line. */
static void
questions_header_text(const struct model_event *ev, const struct groups *g,
    int grp, char *buf, size_t bufsz)
{
	size_t n = (size_t)snprintf(buf, bufsz, "%s \xc2\xb7 %d",
	    questions_group_title(ev, g, grp), g->total[grp]);
	const char *sep = " \xe2\x80\x94 ";

	for (int s = 0; s < STATUS_COUNT && n < bufsz; s++) {
		int k = g->count[grp * STATUS_COUNT + s];

		if (k == 0)
			continue;
		n += (size_t)snprintf(buf + n, bufsz - n, "%s%s %d", sep,
		    status_words[s], k);
		sep = " \xc2\xb7 ";
	}
}

/* Draw one question line at row y of the list area a. */
static void
questions_line(const struct view_ctx *c, struct view_rect a, int y,
    const struct model_question *q, bool focus)
{
	bool selected = q->id == c->f->question_sel;
	attr_t attr = view_attr(c, VIEW_ROLE_PLAIN);
	int x = a.x + 2, from_w = a.w >= FROM_MIN_W ? FROM_W : 0;
	int tag_w = a.w >= WORDS_W ? 10 : 5;
	unsigned st = (unsigned)q->status < STATUS_COUNT ? q->status : 0;
	char idtext[32], from[512];

	if (q->status == MODEL_QUESTION_ON_AIR)
		attr = view_attr(c, VIEW_ROLE_CURRENT);
	else if (q->status == MODEL_QUESTION_DISMISSED)
		attr = view_attr(c, VIEW_ROLE_DIM);
	if (selected && focus) {
		attr = view_attr(c, VIEW_ROLE_SELECT);
		view_draw_fill(c->win, y, a.x, a.w, attr);
	} else if (selected) {
		attr |= view_attr(c, VIEW_ROLE_MARK);
	}
	view_draw_text(c->win, y, x, tag_w - 1, a.w >= WORDS_W ?
	    status_words[st] : status_tags[st], attr);
	x += tag_w;
	snprintf(idtext, sizeof idtext, "#%lld", (long long)q->id);
	x += view_draw_text(c->win, y, x, a.x + a.w - x, idtext, attr) + 1;
	view_draw_text(c->win, y, x, a.x + a.w - x - from_w - 1, q->text, attr);
	if (from_w > 0 && q->from != NULL && q->from[0] != '\0') {
		if (q->org != NULL && q->org[0] != '\0')
			snprintf(from, sizeof from, "%s, %s", q->from, q->org);
		else
			snprintf(from, sizeof from, "%s", q->from);
		view_draw_text(c->win, y, a.x + a.w - from_w, from_w, from,
		    selected && focus ? attr : view_attr(c, VIEW_ROLE_DIM));
	}
}

/* Lines of wrapped text drawn from row y on, up to a row limit. */
struct wrap_draw {
	const struct view_ctx *c;
	int y, x, w;
	int row, rows, total;
};

/* text_wrap callback: draw a line, with "…" on the last row if cut. */
static void
questions_wrap_line(const wchar_t *start, size_t len, void *arg)
{
	struct wrap_draw *d = arg;
	bool last = d->row == d->rows - 1 && d->total > d->rows;

	if (d->row >= d->rows)
		return;
	view_draw_wtext(d->c->win, d->y + d->row, d->x, last ? d->w - 1 : d->w,
	    start, len, view_attr(d->c, VIEW_ROLE_PLAIN));
	if (last)
		view_draw_text(d->c->win, d->y + d->row, d->x + d->w - 1, 1,
		    "\xe2\x80\xa6", view_attr(d->c, VIEW_ROLE_DIM));
	d->row++;
}

/* text_wrap callback: only count lines. */
static void
questions_wrap_count(const wchar_t *start, size_t len, void *arg)
{
	(void)start;
	(void)len;
	(void)arg;
}

/* Draw the selected question in full in d (detail area). */
static void
questions_detail(const struct view_ctx *c, struct view_rect d,
    const struct groups *g, const struct model_question *q)
{
	const struct model_event *ev = c->f->model->event;
	char line[2048], t[32];
	wchar_t *ws;
	size_t n;
	struct wrap_draw wd;
	int grp;

	if (d.h < 1 || d.w < 4)
		return;
	if (q == NULL) {
		view_draw_text(c->win, d.y, d.x, d.w, c->f->question_sel < 0 ?
		    "no question selected" : "the selected question is gone",
		    view_attr(c, VIEW_ROLE_DIM));
		return;
	}
	grp = questions_group(ev, g, q->theme);
	snprintf(line, sizeof line, "#%lld \xc2\xb7 %s \xc2\xb7 %s%s \xc2\xb7 "
	    "%d vote%s", (long long)q->id,
	    model_question_status_name(q->status),
	    questions_group_title(ev, g, grp), q->theme_auto ? " (auto)" : "",
	    q->votes, q->votes == 1 ? "" : "s");
	view_draw_text(c->win, d.y, d.x, d.w, line,
	    view_attr(c, VIEW_ROLE_CURRENT));
	if (d.h < 2)
		return;
	n = (size_t)snprintf(line, sizeof line, "from %s",
	    q->from != NULL && q->from[0] != '\0' ? q->from : "(anonymous)");
	if (n < sizeof line && q->org != NULL && q->org[0] != '\0')
		n += (size_t)snprintf(line + n, sizeof line - n, " \xc2\xb7 %s",
		    q->org);
	if (n < sizeof line && q->country != NULL && q->country[0] != '\0')
		n += (size_t)snprintf(line + n, sizeof line - n, " \xc2\xb7 %s",
		    q->country);
	if (n < sizeof line && q->lang != NULL && q->lang[0] != '\0')
		n += (size_t)snprintf(line + n, sizeof line - n, " \xc2\xb7 %s",
		    q->lang);
	if (n < sizeof line && q->received_wall != MODEL_NO_TIME)
		snprintf(line + n, sizeof line - n, " \xc2\xb7 received %s",
		    timefmt_hms(q->received_wall, ev->utc_offset_min, t,
		    sizeof t));
	view_draw_text(c->win, d.y + 1, d.x, d.w, line,
	    view_attr(c, VIEW_ROLE_DIM));
	if (d.h < 3 || q->text == NULL)
		return;

	/* Sanitising never makes more characters than bytes, plus one base. */
	n = strlen(q->text) + 2;
	ws = view_draw_xrealloc(NULL, n * sizeof *ws);
	text_sanitize(q->text, ws, n);
	wd.c = c;
	wd.y = d.y + 2;
	wd.x = d.x;
	wd.w = d.w;
	wd.row = 0;
	wd.rows = d.h - 2;
	wd.total = text_wrap(ws, d.w, questions_wrap_count, NULL);
	text_wrap(ws, d.w, questions_wrap_line, &wd);
	free(ws);
}

/* The list and detail areas of the pane's inside a. */
static void
questions_split(struct view_rect a, struct view_rect *list,
    struct view_rect *detail, bool *beside)
{
	*list = a;
	*detail = a;
	*beside = a.w >= SIDE_BY_SIDE_W;
	if (*beside) {
		list->w = a.w * 55 / 100;
		detail->x = a.x + list->w + 2;
		detail->w = a.w - list->w - 2;
	} else {
		int dh = a.h / 2 < DETAIL_BELOW_H ? a.h / 2 : DETAIL_BELOW_H;

		list->h = a.h - dh - 1;
		detail->y = a.y + list->h + 1;
		detail->h = dh;
	}
}

/* Rows of the list that page up / page down move by. */
int
view_questions_page_rows(struct view_rect r, bool boxed)
{
	struct view_rect a = boxed ? view_draw_inner(r) : r, list, detail;
	bool beside;

	questions_split(a, &list, &detail, &beside);
	return list.h > 1 ? list.h : 1;
}

/* Draw the question pane in r. */
void
view_questions_draw(const struct view_ctx *c, struct view_rect r,
    bool boxed, struct view_questions_state *st)
{
	const struct ui_frame *f = c->f;
	const struct model *m = f->model;
	bool focus = f->focus == UI_PANE_QUESTIONS, beside;
	struct view_rect a = boxed ? view_draw_inner(r) : r, list, detail;
	struct groups g;
	size_t sel_index;
	int sel_row;
	char title[64], text[1024];

	if (boxed) {
		snprintf(title, sizeof title, "Questions \xc2\xb7 %zu",
		    m->nquestions);
		view_draw_box(c, r, title, focus);
	}
	a = view_draw_clip(c->win, a);
	if (a.h < 1 || a.w < 1)
		return;
	if (m->nquestions == 0) {
		int y = a.h > 2 ? (a.h - 2) / 2 : 0;

		view_draw_centre(c->win, a, y, "no questions yet",
		    view_attr(c, VIEW_ROLE_CURRENT));
		view_draw_centre(c->win, a, y + 1, "questions sent to the "
		    "console appear here, grouped by theme",
		    view_attr(c, VIEW_ROLE_DIM));
		return;
	}

	questions_split(a, &list, &detail, &beside);
	if (beside)
		mvwvline(c->win, a.y, list.x + list.w, ACS_VLINE |
		    view_attr(c, VIEW_ROLE_BORDER), a.h);
	else if (list.h >= 0 && list.h < a.h)
		mvwhline(c->win, list.y + list.h, a.x, ACS_HLINE |
		    view_attr(c, VIEW_ROLE_BORDER), a.w);

	groups_init(&g, m->event);
	sel_row = questions_count(c, &g, st, &sel_index);
	st->top = view_draw_scroll(st->top, sel_row, g.rows, list.h);
	if (list.h > 0) {
		questions_visible(m, &g, st, st->top, list.h);
		for (int k = 0; k < g.n; k++) {
			int y = g.first_row[k] - st->top;

			if (g.first_row[k] < 0 || y < 0 || y >= list.h)
				continue;
			questions_header_text(m->event, &g, k, text,
			    sizeof text);
			view_draw_text(c->win, list.y + y, list.x, list.w, text,
			    view_attr(c, VIEW_ROLE_TITLE) | A_BOLD);
		}
		for (int row = 0; row < list.h; row++) {
			if (st->rows[row] != NO_ROW)
				questions_line(c, list, list.y + row,
				    &m->questions[st->rows[row]], focus);
		}
	}
	questions_detail(c, detail, &g, sel_index == NO_ROW ? NULL :
	    &m->questions[sel_index]);
	groups_finish(&g);
}

/* Free the pane's scratch space. */
void
view_questions_finish(struct view_questions_state *st)
{
	free(st->group);
	free(st->rows);
	st->group = NULL;
	st->rows = NULL;
	st->cap = 0;
	st->rows_cap = 0;
}
