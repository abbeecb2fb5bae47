/*
 * view-agenda.c -- the agenda timeline: every segment with its planned and
 * actual times, the current one marked and followed by a progress bar.
 *
 * Data flow: rows are the segments in order, plus one row under the
 * current segment for its bar; the selection (frame->agenda_sel) is kept
 * in view by moving the first row shown (st->top), which persists between
 * frames so that the list does not jump while the chair moves through it.
 * Segments are few, so each frame walks all of them.
 */
#include "view.h"

#include <stdio.h>

#include "text.h"
#include "timefmt.h"

/* Cells of the marker, the planned times and the actual times columns. */
#define MARK_W 2
#define TIMES_W 11
/* Narrower than this, the actual times column is left out. */
#define ACTUAL_MIN_W 40
/* Past this fraction of its planned time the bar turns from amber to red. */
#define PROGRESS_RED 1.10

/* "13:30–13:35" for two wall times in the event's zone. */
static void
agenda_span(int64_t from, int64_t to, int offset, char *buf, size_t bufsz)
{
	char a[16], b[16];

	snprintf(buf, bufsz, "%s\xe2\x80\x93%s",
	    timefmt_hm(from, offset, a, sizeof a),
	    timefmt_hm(to, offset, b, sizeof b));
}

/* Row of segment i in the list, counting the bar under the current one. */
static int
agenda_row(const struct model *m, int i)
{
	int cur = m->current_segment;
	bool bar = cur >= 0 && cur < (int)m->event->nsegments;

	return i + (bar && i > cur ? 1 : 0);
}

/* Draw the line of segment i at row y of the list area a. */
static void
agenda_line(const struct view_ctx *c, struct view_rect a, int y, int i,
    bool focus)
{
	const struct model *m = c->f->model;
	const struct model_segment *seg = &m->segments[i];
	int off = m->event->utc_offset_min, x = a.x, right = 0;
	bool current = i == m->current_segment;
	bool selected = i == c->f->agenda_sel;
	attr_t attr = view_attr(c, VIEW_ROLE_PLAIN);
	char span[48], title[512], hm[16];

	if (current)
		attr = view_attr(c, VIEW_ROLE_CURRENT);
	else if (seg->actual_end != MODEL_NO_TIME)
		attr = view_attr(c, VIEW_ROLE_DIM);
	if (selected && focus) {
		attr = view_attr(c, VIEW_ROLE_SELECT) |
		    (current ? A_BOLD : 0);
		view_draw_fill(c->win, y, a.x, a.w, attr);
	} else if (selected) {
		attr |= view_attr(c, VIEW_ROLE_MARK);
	}

	view_draw_text(c->win, y, x, MARK_W, current ? "\xe2\x96\xb6" : " ",
	    attr);
	x += MARK_W;
	agenda_span(seg->planned_start, seg->planned_end, off, span,
	    sizeof span);
	x += view_draw_text(c->win, y, x, a.x + a.w - x, span, attr) + 1;

	/* Actual times, right-aligned, once the segment has started. */
	if (a.w >= ACTUAL_MIN_W && seg->actual_start != MODEL_NO_TIME) {
		if (seg->actual_end != MODEL_NO_TIME)
			agenda_span(seg->actual_start, seg->actual_end, off,
			    span, sizeof span);
		else
			snprintf(span, sizeof span, "\xe2\x96\xb6%s",
			    timefmt_hm(seg->actual_start, off, hm, sizeof hm));
		right = TIMES_W + 1;
		view_draw_text_right(c->win, y, a.x + a.w - TIMES_W, TIMES_W,
		    span, attr);
	}

	if (seg->plan->lead != NULL && seg->plan->lead[0] != '\0')
		snprintf(title, sizeof title, "%s \xc2\xb7 %s",
		    seg->plan->title, seg->plan->lead);
	else
		snprintf(title, sizeof title, "%s", seg->plan->title);
	view_draw_text(c->win, y, x, a.x + a.w - right - x, title, attr);
}

/* Draw the progress bar of the current segment at row y of a. */
static void
agenda_bar(const struct view_ctx *c, struct view_rect a, int y)
{
	const struct model *m = c->f->model;
	const struct model_segment *seg = &m->segments[m->current_segment];
	double p = model_segment_progress(m, c->f->now);
	int64_t planned = seg->planned_end - seg->planned_start;
	enum model_stage stage = MODEL_STAGE_NORMAL;
	char stats[64], el[16], pl[16];
	int bw, fill, x = a.x + MARK_W, sw;
	attr_t attr;

	if (p > PROGRESS_RED)
		stage = MODEL_STAGE_DANGER;
	else if (p > 1.0)
		stage = MODEL_STAGE_WARNING;
	attr = view_attr(c, view_stage_role(stage));
	snprintf(stats, sizeof stats, " %3d%% %s/%s", (int)(p * 100.0 + 0.5),
	    timefmt_duration((int64_t)(p * (double)planned), el, sizeof el),
	    timefmt_duration(planned, pl, sizeof pl));
	sw = text_width_utf8(stats);
	bw = a.x + a.w - x - sw;
	if (bw < 4) {
		view_draw_text(c->win, y, x, a.x + a.w - x, stats + 1, attr);
		return;
	}
	fill = (int)((p > 1.0 ? 1.0 : p) * bw + 0.5);
	for (int i = 0; i < bw; i++)
		view_draw_text(c->win, y, x + i, 1, i < fill ?
		    "\xe2\x96\x88" : "\xe2\x96\x91", i < fill ? attr :
		    view_attr(c, VIEW_ROLE_DIM));
	view_draw_text(c->win, y, x + bw, sw, stats,
	    attr | (p > 1.0 ? A_BOLD : 0));
}

/* Rows of the list that page up / page down move by. */
int
view_agenda_page_rows(struct view_rect r, bool boxed)
{
	int h = boxed ? r.h - 2 : r.h;

	return h > 2 ? h - 1 : 1;
}

/* Draw the agenda pane in r. */
void
view_agenda_draw(const struct view_ctx *c, struct view_rect r, bool boxed,
    struct view_agenda_state *st)
{
	const struct ui_frame *f = c->f;
	const struct model *m = f->model;
	const struct model_event *ev = m->event;
	int n = (int)ev->nsegments, cur = m->current_segment;
	bool focus = f->focus == UI_PANE_AGENDA;
	bool has_bar = cur >= 0 && cur < n;
	struct view_rect a = boxed ? view_draw_inner(r) : r;
	int total = n + (has_bar ? 1 : 0), sel, row, used;
	char title[64], span[48];

	if (boxed) {
		agenda_span(ev->start_wall_ms, ev->end_wall_ms,
		    ev->utc_offset_min, span, sizeof span);
		snprintf(title, sizeof title, "Agenda  %s", span);
		view_draw_box(c, r, title, focus);
	}
	a = view_draw_clip(c->win, a);
	if (a.h < 1 || a.w < 1)
		return;
	if (n == 0) {
		view_draw_text(c->win, a.y, a.x, a.w,
		    "this event has no agenda segments",
		    view_attr(c, VIEW_ROLE_DIM));
		return;
	}

	sel = f->agenda_sel < 0 ? 0 : f->agenda_sel >= n ? n - 1 :
	    f->agenda_sel;
	row = agenda_row(m, sel);
	/* Keep the current segment's bar in sight when it is selected. */
	if (sel == cur && has_bar)
		st->top = view_draw_scroll(st->top, row + 1, total, a.h);
	st->top = view_draw_scroll(st->top, row, total, a.h);

	used = 0;
	for (int i = 0; i < n; i++) {
		int y = agenda_row(m, i) - st->top;

		if (y >= 0 && y < a.h) {
			agenda_line(c, a, a.y + y, i, focus);
			used = y + 1;
		}
		if (i == cur && y + 1 >= 0 && y + 1 < a.h) {
			agenda_bar(c, a, a.y + y + 1);
			used = y + 2;
		}
	}

	/* Below a short agenda, say where the session stands. */
	if (used < a.h && (cur < 0 || cur >= n))
		view_draw_text(c->win, a.y + a.h - 1, a.x, a.w, cur >= 0 ?
		    "the session has ended" : f->read_only ? "not started" :
		    "not started \xe2\x80\x94 ] starts the first segment",
		    view_attr(c, VIEW_ROLE_DIM));
}
