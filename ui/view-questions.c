/*
 * view-questions.c -- the audience questions: grouped by theme with counts
 * by status and language, the question on air, the selected question in
 * full, the search prompt of / and the theme picker of t.
 *
 * Data flow: the display order comes ready-made from a struct qlist
 * (src/qlist.c), normally the console's own (frame->qlist), which is
 * rebuilt only when the questions, the current theme or the search
 * change; a frame without one (a mirror that keeps none) gets a list kept
 * here. The view then only reads the rows that are on screen, so a frame
 * costs the same with 100,000 questions as with 100. Each row is a group
 * header or a question; every text goes through view_draw_text() or
 * text_wrap() (sanitised, measured in cells).
 *
 * Layout inside the pane, top to bottom: an info line (compact layout, or
 * the search prompt while typing), the question on air when there is one,
 * then the list with the selected question's detail beside it (wide
 * panes) or below it (narrow ones). The picker opens as a box over the
 * pane.
 */
#include "view.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qlist.h"
#include "text.h"
#include "timefmt.h"

/* From this inner width the detail sits beside the list, else below it. */
#define SIDE_BY_SIDE_W 90
/* Share of a side-by-side pane the list takes, in percent. */
#define LIST_PCT 58
/* Rows of the detail when it sits below the list, at most. */
#define DETAIL_BELOW_H 6
/* From this list width the sender is shown. */
#define WIDE_W 70
/* From this list width statuses are words rather than short tags. */
#define WORDS_W 90
/* Cells of the sender column of a question line. */
#define FROM_W 24
/* From this list width the language of each question is shown. */
#define LANG_W 50
/* Cells kept for a group's title before counts are dropped. */
#define TITLE_MIN_W 18
/* Detail rows from which the theme gets a row of its own. */
#define DETAIL_ROOMY_H 8
/* Cells kept for typing before the prompt's hint is dropped. */
#define PROMPT_MIN_W 12
/* Wide characters of the search prompt (QLIST_SEARCH_MAX bytes fit). */
#define PROMPT_CHARS (QLIST_SEARCH_MAX + 8)

#define MIDDOT "\xc2\xb7"
#define UP_TRIANGLE "\xe2\x96\xb2"
#define ELLIPSIS "\xe2\x80\xa6"

/* Long and short names of the statuses, in enum order. */
static const char *const status_words[QLIST_STATUSES] = {
	"new", "approved", "ON AIR", "answered", "dismissed"
};
static const char *const status_tags[QLIST_STATUSES] = {
	"new", "appr", "AIR", "answ", "dism"
};
/* Words of the counts in a group header, in enum order. */
static const char *const count_words[QLIST_STATUSES] = {
	"new", "approved", "on air", "answered", "dismissed"
};

/* The role a status's tag is drawn in. */
static enum view_role
questions_status_role(enum model_question_status st)
{
	switch (st) {
	case MODEL_QUESTION_NEW: return VIEW_ROLE_KEY;
	case MODEL_QUESTION_APPROVED: return VIEW_ROLE_STAGE_NORMAL;
	case MODEL_QUESTION_ON_AIR: return VIEW_ROLE_BAR;
	case MODEL_QUESTION_DISMISSED: return VIEW_ROLE_DIM;
	case MODEL_QUESTION_ANSWERED:
	default: return VIEW_ROLE_PLAIN;
	}
}

/* The attributes of a status's tag (on air is reverse and bold). */
static attr_t
questions_status_attr(const struct view_ctx *c, enum model_question_status st)
{
	attr_t a = view_attr(c, questions_status_role(st));

	return st == MODEL_QUESTION_ON_AIR ? a | A_BOLD : a;
}

/* The list to draw: the frame's, or one kept here for frames without. */
static const struct qlist *
questions_list(const struct view_ctx *c, struct view_questions_state *st)
{
	if (c->f->qlist != NULL)
		return c->f->qlist;
	if (st->own == NULL)
		st->own = qlist_create();
	qlist_set_search(st->own, c->f->question_search);
	qlist_update(st->own, c->f->model);
	return st->own;
}

/* The title of a question's theme, or its key if the event has none. */
static const char *
questions_theme_title(const struct model_event *ev, const char *key)
{
	if (key == NULL)
		return NULL;
	for (size_t t = 0; t < ev->nthemes; t++) {
		if (strcmp(ev->themes[t].key, key) == 0)
			return ev->themes[t].title;
	}
	return key;
}

/* Append formatted text to buf at *n, never past bufsz. */
static void
questions_append(char *buf, size_t bufsz, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
questions_append(char *buf, size_t bufsz, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*n >= bufsz)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *n, bufsz - *n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n += (size_t)k < bufsz - *n ? (size_t)k : bufsz - *n - 1;
}

/* A group's counts by status ("new 3 · approved 2"), words or tags. */
static void
questions_status_counts(const struct qlist_group *g, bool words, char *buf,
    size_t bufsz)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int s = 0; s < QLIST_STATUSES; s++) {
		if (g->status[s] == 0)
			continue;
		questions_append(buf, bufsz, &n, "%s%s %zu", n > 0 ? "  " : "",
		    words ? count_words[s] : status_tags[s], g->status[s]);
	}
}

/* A group's counts by language ("ar 3 en 5"), the known ones first. */
static void
questions_lang_counts(const struct qlist *ql, const struct qlist_group *g,
    char *buf, size_t bufsz)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t l = 0; l < qlist_nlangs(ql); l++) {
		if (g->lang[l] == 0)
			continue;
		questions_append(buf, bufsz, &n, "%s%s %zu", n > 0 ? " " : "",
		    qlist_lang(ql, l), g->lang[l]);
	}
}

/*
 * A group's header row: its title (and "now" for the current segment's
 * theme) with its count on the left, its counts by status and language on
 * the right: all of them if the title still fits whole, else fewer (no
 * languages, then short status names), down to none.
 */
static void
questions_header(const struct view_ctx *c, const struct qlist *ql,
    struct view_rect a, int y, const struct qlist_group *g)
{
	char title[256], count[32], counts[160], tags[160], langs[160];
	char full[340];
	const char *right[4];
	attr_t ta = view_attr(c, VIEW_ROLE_TITLE) | A_BOLD;
	int tw, cw, rw = 0, pick = 3, x;

	snprintf(title, sizeof title, "%s%s", g->title,
	    g->current ? " (now)" : "");
	snprintf(count, sizeof count, " " MIDDOT " %zu", g->listed);
	questions_lang_counts(ql, g, langs, sizeof langs);
	questions_status_counts(g, true, counts, sizeof counts);
	questions_status_counts(g, false, tags, sizeof tags);
	snprintf(full, sizeof full, "%s  |  %s", counts, langs);
	right[0] = full;
	right[1] = counts;
	right[2] = tags;
	right[3] = "";
	cw = text_width_utf8(count);
	tw = text_width_utf8(title) + cw;
	for (int i = 0; i < 4; i++) {
		int w = text_width_utf8(right[i]);

		if (w + 2 + tw <= a.w) {
			pick = i;
			break;
		}
	}
	if (pick == 3) {
		/* The title does not fit whole anyway: keep it some room. */
		for (int i = 1; i < 3; i++) {
			if (text_width_utf8(right[i]) <= a.w - TITLE_MIN_W) {
				pick = i;
				break;
			}
		}
	}
	if (pick < 3)
		rw = text_width_utf8(right[pick]);
	/* The theme's title gives way before its count does. */
	x = a.x + view_draw_text(c->win, y, a.x,
	    a.w - cw - (rw > 0 ? rw + 2 : 0), title, ta);
	view_draw_text(c->win, y, x, a.x + a.w - x, count, ta);
	if (rw > 0)
		view_draw_text_right(c->win, y, a.x, a.w, right[pick],
		    view_attr(c, VIEW_ROLE_DIM));
}

/* Column widths of question lines, the same for every row of a frame. */
struct columns {
	int tag, id, votes, lang, from;
};

/* Fit the columns to a list width and the largest id. */
static struct columns
questions_columns(const struct model *m, int w)
{
	struct columns k;
	char idtext[32];

	k.tag = w >= WORDS_W ? 9 : 4;
	snprintf(idtext, sizeof idtext, "#%lld", m->nquestions > 0 ?
	    (long long)m->questions[m->nquestions - 1].id : 0LL);
	k.id = (int)strlen(idtext);
	k.votes = 4;
	k.lang = w >= LANG_W ? 3 : 0;
	k.from = w >= WIDE_W ? FROM_W : 0;
	return k;
}

/* Draw one question line at row y of the list area a. */
static void
questions_line(const struct view_ctx *c, struct view_rect a, int y,
    const struct model_question *q, const struct columns *k, bool focus)
{
	bool selected = q->id == c->f->question_sel;
	enum model_question_status st = (unsigned)q->status < QLIST_STATUSES ?
	    q->status : MODEL_QUESTION_NEW;
	attr_t attr = view_attr(c, VIEW_ROLE_PLAIN), tag;
	int x = a.x + 1, end = a.x + a.w;
	char buf[512];

	if (st == MODEL_QUESTION_ON_AIR)
		attr = view_attr(c, VIEW_ROLE_CURRENT);
	else if (st == MODEL_QUESTION_DISMISSED)
		attr = view_attr(c, VIEW_ROLE_DIM);
	tag = questions_status_attr(c, st);
	if (selected && focus) {
		attr = view_attr(c, VIEW_ROLE_SELECT);
		tag = st == MODEL_QUESTION_ON_AIR ? attr | A_BOLD : attr;
		view_draw_fill(c->win, y, a.x, a.w, attr);
	} else if (selected) {
		attr |= view_attr(c, VIEW_ROLE_MARK);
	}
	if (selected)
		view_draw_text(c->win, y, a.x, 1, ">", attr | A_BOLD);
	view_draw_text(c->win, y, x, k->tag, k->tag >= 9 ? status_words[st] :
	    status_tags[st], tag);
	x += k->tag + 1;
	snprintf(buf, sizeof buf, "#%lld", (long long)q->id);
	view_draw_text_right(c->win, y, x, k->id, buf, attr);
	x += k->id + 1;
	if (q->votes > 0) {
		snprintf(buf, sizeof buf, UP_TRIANGLE "%d", q->votes);
		view_draw_text(c->win, y, x, k->votes, buf, attr);
	}
	x += k->votes + 1;
	if (k->lang > 0) {
		view_draw_text(c->win, y, x, k->lang - 1, q->lang, attr);
		x += k->lang;
	}
	if (x >= end)
		return;
	view_draw_text(c->win, y, x, end - x - (k->from > 0 ? k->from + 1 : 0),
	    q->text, attr);
	if (k->from > 0 && q->from != NULL && q->from[0] != '\0') {
		if (q->org != NULL && q->org[0] != '\0')
			snprintf(buf, sizeof buf, "%s, %s", q->from, q->org);
		else
			snprintf(buf, sizeof buf, "%s", q->from);
		view_draw_text(c->win, y, end - k->from, k->from, buf,
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
		    ELLIPSIS, view_attr(d->c, VIEW_ROLE_DIM));
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

/* Draw text wrapped by cells into rows rows from (y, x), "…" if cut. */
static void
questions_wrap(const struct view_ctx *c, int y, int x, int w, int rows,
    const char *text)
{
	/* Sanitising never makes more characters than bytes, plus one base. */
	size_t n = strlen(text) + 2;
	wchar_t *ws = view_draw_xrealloc(NULL, n * sizeof *ws);
	struct wrap_draw wd = { c, y, x, w, 0, rows, 0 };

	text_sanitize(text, ws, n);
	wd.total = text_wrap(ws, w, questions_wrap_count, NULL);
	text_wrap(ws, w, questions_wrap_line, &wd);
	free(ws);
}

/*
 * The selected question in full: status, id, votes, theme (with
 * "(suggested)" while it is podium's guess), who sent it and when, then
 * its text wrapped to what is left of d.
 */
static void
questions_detail(const struct view_ctx *c, struct view_rect d,
    const struct model_question *q)
{
	const struct model_event *ev = c->f->model->event;
	const char *theme;
	char line[1024], t[32];
	size_t n = 0;
	int y = d.y, x;
	bool roomy = d.h >= DETAIL_ROOMY_H;

	if (d.h < 1 || d.w < 4)
		return;
	if (q == NULL) {
		view_draw_text(c->win, y, d.x, d.w, "no question selected",
		    view_attr(c, VIEW_ROLE_DIM));
		return;
	}
	x = d.x + view_draw_text(c->win, y, d.x, d.w,
	    status_words[(unsigned)q->status < QLIST_STATUSES ? q->status : 0],
	    questions_status_attr(c, q->status));
	theme = questions_theme_title(ev, q->theme);
	questions_append(line, sizeof line, &n, " #%lld " MIDDOT " %d vote%s",
	    (long long)q->id, q->votes, q->votes == 1 ? "" : "s");
	if (!roomy)
		questions_append(line, sizeof line, &n, " " MIDDOT " %s%s",
		    theme != NULL ? theme : "no theme (Other)",
		    q->theme_auto ? " (suggested)" : "");
	view_draw_text(c->win, y++, x, d.x + d.w - x, line,
	    view_attr(c, VIEW_ROLE_CURRENT));
	if (roomy && y < d.y + d.h) {
		n = 0;
		questions_append(line, sizeof line, &n, "theme: %s%s",
		    theme != NULL ? theme : "none (listed under Other)",
		    q->theme_auto ? " (suggested)" : "");
		view_draw_text(c->win, y++, d.x, d.w, line,
		    view_attr(c, VIEW_ROLE_PLAIN));
	}
	if (y >= d.y + d.h)
		return;
	n = 0;
	questions_append(line, sizeof line, &n, "from %s",
	    q->from != NULL && q->from[0] != '\0' ? q->from : "(anonymous)");
	if (q->org != NULL && q->org[0] != '\0')
		questions_append(line, sizeof line, &n, " " MIDDOT " %s", q->org);
	if (q->country != NULL && q->country[0] != '\0')
		questions_append(line, sizeof line, &n, " " MIDDOT " %s",
		    q->country);
	if (q->lang != NULL && q->lang[0] != '\0')
		questions_append(line, sizeof line, &n, " " MIDDOT " %s",
		    q->lang);
	if (q->received_wall != MODEL_NO_TIME)
		questions_append(line, sizeof line, &n, " " MIDDOT
		    " received %s", timefmt_hms(q->received_wall,
		    ev->utc_offset_min, t, sizeof t));
	view_draw_text(c->win, y++, d.x, d.w, line,
	    view_attr(c, VIEW_ROLE_DIM));
	if (y < d.y + d.h && q->text != NULL)
		questions_wrap(c, y, d.x, d.w, d.y + d.h - y, q->text);
}

/* The question on air, in one reverse line across the pane. */
static void
questions_on_air(const struct view_ctx *c, struct view_rect a,
    const struct model_question *q)
{
	attr_t bar = view_attr(c, VIEW_ROLE_BAR);
	char head[48];
	int x;

	view_draw_fill(c->win, a.y, a.x, a.w, bar);
	snprintf(head, sizeof head, " ON AIR #%lld ", (long long)q->id);
	x = a.x + view_draw_text(c->win, a.y, a.x, a.w, head, bar | A_BOLD);
	view_draw_text(c->win, a.y, x + 1, a.x + a.w - x - 2, q->text, bar);
}

/*
 * The search prompt: "/ text█" with the end of the text kept in view, and
 * what Enter and Esc do on the right when there is room.
 */
static void
questions_prompt(const struct view_ctx *c, struct view_rect a)
{
	static const char hint[] = "Enter keeps " MIDDOT " Esc clears";
	const char *s = c->f->question_search != NULL ?
	    c->f->question_search : "";
	wchar_t ws[PROMPT_CHARS];
	size_t len, k = 0;
	int hint_w = text_width_utf8(hint), left, room, x;
	bool with_hint;

	view_draw_fill(c->win, a.y, a.x, a.w, view_attr(c, VIEW_ROLE_PLAIN));
	x = a.x + view_draw_text(c->win, a.y, a.x, a.w, "search /",
	    view_attr(c, VIEW_ROLE_KEY)) + 1;
	/* The hint goes first when room is short; the typing stays. */
	left = a.x + a.w - x;
	with_hint = left >= hint_w + PROMPT_MIN_W;
	room = left - 1 - (with_hint ? hint_w + 2 : 0);
	if (room < 1)
		return;
	len = text_sanitize(s, ws, PROMPT_CHARS);
	while (k < len && text_width(ws + k) > room)
		k++;
	x += view_draw_wtext(c->win, a.y, x, room, ws + k, len - k,
	    view_attr(c, VIEW_ROLE_PLAIN));
	/* A block where the next character goes: curses' cursor is hidden. */
	view_draw_fill(c->win, a.y, x, 1, view_attr(c, VIEW_ROLE_SELECT));
	if (with_hint)
		view_draw_text_right(c->win, a.y, a.x, a.w, hint,
		    view_attr(c, VIEW_ROLE_DIM));
}

/* The info line of the compact layout: counts and the search kept. */
static void
questions_info(const struct view_ctx *c, const struct qlist *ql,
    struct view_rect a)
{
	const char *s = c->f->question_search;
	char line[400];
	size_t n = 0;

	if (s != NULL && s[0] != '\0')
		questions_append(line, sizeof line, &n, "%zu of %zu questions "
		    "match \"%s\" (/ to change, / Esc to clear)",
		    qlist_listed(ql), qlist_total(ql), s);
	else
		questions_append(line, sizeof line, &n, "%zu question%s by theme "
		    "(/ searches)", qlist_total(ql),
		    qlist_total(ql) == 1 ? "" : "s");
	view_draw_text(c->win, a.y, a.x, a.w, line,
	    view_attr(c, VIEW_ROLE_DIM));
}

/* The theme picker of t, a box over the pane r. */
static void
questions_picker(const struct view_ctx *c, struct view_rect r,
    struct view_questions_state *st)
{
	const struct ui_frame *f = c->f;
	const struct model_event *ev = f->model->event;
	const struct model_question *q = model_question_find(f->model,
	    f->question_sel);
	int n = (int)ev->nthemes, w = 34, rows;
	struct view_rect box, in;
	char title[64], line[300];

	for (int t = 0; t < n; t++) {
		int tw = text_width_utf8(ev->themes[t].title) + 18;

		if (tw > w)
			w = tw;
	}
	if (w > r.w - 2)
		w = r.w - 2;
	snprintf(title, sizeof title, "Theme of question #%lld",
	    q != NULL ? (long long)q->id : 0LL);
	box = view_draw_dialog(c, r, n + 2, w, title);
	in = view_draw_inner(box);
	if (in.h < 1 || in.w < 4)
		return;
	rows = in.h;
	st->theme_top = view_draw_scroll(st->theme_top, f->theme_sel, n, rows);
	for (int i = 0; i < rows && st->theme_top + i < n; i++) {
		int t = st->theme_top + i;
		bool sel = t == f->theme_sel;
		bool is = q != NULL && q->theme != NULL &&
		    strcmp(q->theme, ev->themes[t].key) == 0;
		attr_t a = view_attr(c, sel ? VIEW_ROLE_SELECT : VIEW_ROLE_PLAIN);
		int x;

		if (sel)
			view_draw_fill(c->win, in.y + i, in.x, in.w, a);
		if (t < 9)
			snprintf(line, sizeof line, "%d", t + 1);
		else
			line[0] = '\0';
		view_draw_text(c->win, in.y + i, in.x + 1, 2, line,
		    sel ? a : view_attr(c, VIEW_ROLE_KEY));
		x = in.x + 4 + view_draw_text(c->win, in.y + i, in.x + 4,
		    in.w - 5, ev->themes[t].title, a);
		if (is)
			view_draw_text(c->win, in.y + i, x + 1, in.x + in.w - x - 2,
			    q->theme_auto ? "(suggested)" : "(current)",
			    sel ? a : view_attr(c, VIEW_ROLE_DIM));
	}
	view_draw_text_right(c->win, box.y + box.h - 1, box.x + 2, box.w - 4,
	    " Enter picks " MIDDOT " Esc cancels ",
	    view_attr(c, VIEW_ROLE_BORDER_FOCUS));
}

/* The list and detail areas inside a, side by side or one above the other. */
static void
questions_split(struct view_rect a, struct view_rect *list,
    struct view_rect *detail, bool *beside)
{
	*list = a;
	*detail = a;
	*beside = a.w >= SIDE_BY_SIDE_W;
	if (*beside) {
		list->w = a.w * LIST_PCT / 100;
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

	if (!boxed) {
		a.y++;
		a.h--;
	}
	questions_split(a, &list, &detail, &beside);
	return list.h > 1 ? list.h : 1;
}

/* Draw the rows of the list from st->top, keeping the selection in view. */
static void
questions_rows(const struct view_ctx *c, const struct qlist *ql,
    struct view_rect list, struct view_questions_state *st)
{
	const struct model *m = c->f->model;
	bool focus = c->f->focus == UI_PANE_QUESTIONS;
	size_t nrows = qlist_nrows(ql);
	size_t sel = qlist_row_of(ql, m, c->f->question_sel);
	struct columns k = questions_columns(m, list.w);
	int top = st->top;

	if (sel != QLIST_NO_ROW) {
		top = view_draw_scroll(top, (int)sel, (int)nrows, list.h);
		/* Show the group's header with its first question. */
		if ((size_t)top == sel && sel > 0 &&
		    qlist_row(ql, sel - 1)->question == QLIST_HEADER)
			top--;
	} else {
		top = view_draw_scroll(top, -1, (int)nrows, list.h);
	}
	st->top = top;
	for (int y = 0; y < list.h; y++) {
		const struct qlist_row *row = qlist_row(ql, (size_t)(top + y));

		if (row == NULL)
			break;
		if (row->question == QLIST_HEADER)
			questions_header(c, ql, list, list.y + y,
			    qlist_group(ql, row->group));
		else
			questions_line(c, list, list.y + y,
			    &m->questions[row->question], &k, focus);
	}
}

/* Draw the question pane in r. */
void
view_questions_draw(const struct view_ctx *c, struct view_rect r,
    bool boxed, struct view_questions_state *st)
{
	const struct ui_frame *f = c->f;
	const struct model *m = f->model;
	const struct qlist *ql = questions_list(c, st);
	const char *search = f->question_search != NULL ?
	    f->question_search : "";
	bool focus = f->focus == UI_PANE_QUESTIONS, beside;
	bool prompt = f->overlay == UI_OVERLAY_SEARCH;
	struct view_rect a = boxed ? view_draw_inner(r) : r, list, detail;
	size_t on_air = qlist_on_air(ql);
	char title[300];

	if (boxed) {
		if (search[0] != '\0')
			snprintf(title, sizeof title, "Questions " MIDDOT " %zu of "
			    "%zu " MIDDOT " search \"%.60s\"", qlist_listed(ql),
			    qlist_total(ql), search);
		else
			snprintf(title, sizeof title, "Questions " MIDDOT " %zu",
			    m->nquestions);
		view_draw_box(c, r, title, focus);
	}
	a = view_draw_clip(c->win, a);
	if (a.h < 1 || a.w < 1)
		return;
	if (prompt || !boxed) {
		if (prompt)
			questions_prompt(c, a);
		else
			questions_info(c, ql, a);
		a.y++;
		a.h--;
	}
	if (on_air != QLIST_NO_ROW && a.h > 3) {
		questions_on_air(c, a, &m->questions[on_air]);
		a.y++;
		a.h--;
	}
	if (m->nquestions == 0 || qlist_listed(ql) == 0) {
		int y = a.h > 2 ? (a.h - 2) / 2 : 0;
		bool none = m->nquestions == 0;

		view_draw_centre(c->win, a, y, none ? "no questions yet" :
		    "no question matches the search",
		    view_attr(c, VIEW_ROLE_CURRENT));
		view_draw_centre(c->win, a, y + 1, none ? "questions sent to "
		    "the console appear here, grouped by theme" :
		    "Esc in the search (/) lists them all",
		    view_attr(c, VIEW_ROLE_DIM));
	} else if (a.h > 0) {
		questions_split(a, &list, &detail, &beside);
		if (beside)
			mvwvline(c->win, a.y, list.x + list.w, ACS_VLINE |
			    view_attr(c, VIEW_ROLE_BORDER), a.h);
		else if (list.h >= 0 && list.h < a.h)
			mvwhline(c->win, list.y + list.h, a.x, ACS_HLINE |
			    view_attr(c, VIEW_ROLE_BORDER), a.w);
		questions_rows(c, ql, list, st);
		questions_detail(c, detail, model_question_find(m,
		    f->question_sel));
	}
	if (f->overlay == UI_OVERLAY_THEME)
		questions_picker(c, r, st);
}

/* Free the pane's own list, if it kept one. */
void
view_questions_finish(struct view_questions_state *st)
{
	qlist_destroy(st->own);
	st->own = NULL;
}
