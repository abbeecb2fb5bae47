/*
 * view-speakers.c -- the speaker pane: who speaks now with a countdown big
 * enough to read at a glance, then the queue of the segment the chair is
 * looking at (frame->view_segment), and the one-line countdown that the
 * compact layout keeps on screen whatever pane is focused.
 *
 * Data flow: the current speaker comes from model_speaker_current() and its
 * countdown from model_speaker_remaining_ms() at the frame's monotonic
 * time; the queue is the id list of model_segment_speakers(), copied into
 * a scratch array kept between frames, and only the rows in view are
 * looked up and drawn. The countdown's colour follows the speaker's stage
 * (the palette decides what a stage looks like without colours).
 */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>

#include "text.h"
#include "timefmt.h"

/* Rows of the current-speaker block without big digits. */
#define BLOCK_SMALL 3
/* Largest scale of the big digits in the pane. */
#define SCALE_MAX 2
/* List rows wanted below the big digits at scale 1, and at larger scales. */
#define LIST_MIN 3
#define LIST_ROOMY 10
/* Cells of the info column beside the big digits. */
#define INFO_W 22
/* Columns left blank either side of the big digits. */
#define MARGIN_W 2
/* Columns of a queue line: marker, language, time. */
#define MARK_W 2
#define LANG_W 6
#define TIME_W 11
/* Narrower than this, a queue line leaves out the organisation. */
#define ORG_MIN_W 40

/* "+0:30" or "-0:30": time the chair added to or removed from a speaker. */
static void
speakers_signed(int64_t ms, char *buf, size_t bufsz)
{
	char d[32];

	timefmt_duration(ms < 0 ? -ms : ms, d, sizeof d);
	snprintf(buf, bufsz, "%c%s", ms < 0 ? '-' : '+', d);
}

/* "allotted 3:00 +0:30" (the addition only when there is one). */
static void
speakers_allotted(const struct model_speaker *s, char *buf, size_t bufsz)
{
	char a[32], add[40] = "";

	timefmt_duration((int64_t)s->allotted_s * 1000, a, sizeof a);
	if (s->added_ms != 0) {
		add[0] = ' ';
		speakers_signed(s->added_ms, add + 1, sizeof add - 1);
	}
	snprintf(buf, bufsz, "allotted %s%s", a, add);
}

/* What the countdown is doing: "running", "paused" or "not started". */
static const char *
speakers_state(const struct model_speaker *s, int64_t now)
{
	if (model_speaker_running(s))
		return "running";
	return model_speaker_spoken_ms(s, now) > 0 ? "paused" : "not started";
}

/* The stage in words, for who cannot tell colours apart; "" when calm. */
static const char *
speakers_stage_word(enum model_stage stage)
{
	switch (stage) {
	case MODEL_STAGE_WARNING:
		return "warning";
	case MODEL_STAGE_DANGER:
		return "danger";
	case MODEL_STAGE_OVERTIME:
		return "OVERTIME";
	default:
		return "";
	}
}

/* "Name · Org · fr", the identity of a speaker on one line. */
static void
speakers_identity(const struct model_speaker *s, char *buf, size_t bufsz)
{
	size_t n = (size_t)snprintf(buf, bufsz, "%s", s->name);

	if (n < bufsz && s->org != NULL && s->org[0] != '\0')
		n += (size_t)snprintf(buf + n, bufsz - n, " \xc2\xb7 %s",
		    s->org);
	if (n < bufsz && s->lang != NULL && s->lang[0] != '\0')
		snprintf(buf + n, bufsz - n, " \xc2\xb7 %s", s->lang);
}

/* The line shown when nobody has the floor. */
static const char *
speakers_none(const struct ui_frame *f)
{
	return f->read_only ? "no current speaker" :
	    "no current speaker \xe2\x80\x94 n: next, ]: next segment";
}

/*
 * Rows of the current-speaker block with big digits at a scale: the name,
 * a margin row, the digits, a margin row. The margins matter when the
 * digits are drawn inverted (monochrome danger and overtime): without
 * them the outer strokes would melt into the background.
 */
static int
speakers_block_rows(int scale)
{
	return 1 + 1 + view_bigdigits_height(scale) + 1;
}

/*
 * The scale of big digits that fits in a (inner) rectangle, leaving room
 * for the queue; 0 when even scale 1 does not fit.
 */
static int
speakers_scale(struct view_rect a)
{
	for (int s = SCALE_MAX; s >= 1; s--) {
		int list = s > 1 ? LIST_ROOMY : LIST_MIN;

		if (a.h >= speakers_block_rows(s) + 1 + list &&
		    a.w >= view_bigdigits_width("+00:00", s) + 2 * MARGIN_W +
		    3 + INFO_W)
			return s;
	}
	return 0;
}

/* Draw the current speaker block at the top of a; returns its rows. */
static int
speakers_current(const struct view_ctx *c, struct view_rect a)
{
	const struct ui_frame *f = c->f;
	const struct model_speaker *s = model_speaker_current(f->model);
	int64_t now = f->now.mono_ms, left;
	enum model_stage stage;
	attr_t stage_attr;
	char count[32], line[1024], allotted[96], spoken[32];
	int scale = speakers_scale(a), x, y;

	if (s == NULL) {
		view_draw_text(c->win, a.y, a.x + 1, a.w - 1, speakers_none(f),
		    view_attr(c, VIEW_ROLE_DIM));
		return 2;
	}
	left = model_speaker_remaining_ms(s, now);
	stage = model_speaker_stage(s, now);
	stage_attr = view_attr(c, view_stage_role(stage));
	model_format_countdown(left, count, sizeof count);
	speakers_allotted(s, allotted, sizeof allotted);

	x = a.x + 1;
	x += view_draw_text(c->win, a.y, x, a.x + a.w - x, "\xe2\x96\xb6 ",
	    view_attr(c, VIEW_ROLE_CURRENT));
	x += view_draw_text(c->win, a.y, x, a.x + a.w - x, s->name,
	    view_attr(c, VIEW_ROLE_CURRENT));
	line[0] = '\0';
	if (s->org != NULL && s->org[0] != '\0')
		snprintf(line, sizeof line, " \xc2\xb7 %s", s->org);
	x += view_draw_text(c->win, a.y, x, a.x + a.w - x, line,
	    view_attr(c, VIEW_ROLE_PLAIN));
	if (s->lang != NULL && s->lang[0] != '\0') {
		snprintf(line, sizeof line, " \xc2\xb7 %s", s->lang);
		view_draw_text(c->win, a.y, x, a.x + a.w - x, line,
		    view_attr(c, VIEW_ROLE_PLAIN));
	}

	if (scale == 0) {
		x = a.x + 1;
		x += view_draw_text(c->win, a.y + 1, x, a.x + a.w - x, count,
		    stage_attr | A_BOLD) + 2;
		snprintf(line, sizeof line, "%s \xc2\xb7 %s",
		    speakers_state(s, now), allotted);
		x += view_draw_text(c->win, a.y + 1, x, a.x + a.w - x, line,
		    view_attr(c, VIEW_ROLE_PLAIN)) + 2;
		view_draw_text(c->win, a.y + 1, x, a.x + a.w - x,
		    speakers_stage_word(stage), stage_attr | A_BOLD);
		return BLOCK_SMALL;
	}

	x = view_bigdigits_width(count, scale) + 2 * MARGIN_W;
	/* The box under the digits shows only when they are inverted. */
	for (y = a.y + 1; y < a.y + speakers_block_rows(scale); y++)
		view_draw_fill(c->win, y, a.x, x, stage_attr);
	view_bigdigits_draw(c->win, a.y + 2, a.x + MARGIN_W, count, stage_attr,
	    scale);
	x += a.x + 3;
	y = a.y + 2;
	view_draw_text(c->win, y, x, a.x + a.w - x, speakers_state(s, now),
	    view_attr(c, VIEW_ROLE_CURRENT));
	view_draw_text(c->win, y + 1, x, a.x + a.w - x, allotted,
	    view_attr(c, VIEW_ROLE_PLAIN));
	view_draw_text(c->win, y + 2, x, a.x + a.w - x,
	    speakers_stage_word(stage), stage_attr | A_BOLD);
	timefmt_duration(model_speaker_spoken_ms(s, now), spoken,
	    sizeof spoken);
	snprintf(line, sizeof line, "spoken %s", spoken);
	view_draw_text(c->win, y + 3, x, a.x + a.w - x, line,
	    view_attr(c, VIEW_ROLE_DIM));
	return speakers_block_rows(scale);
}

/* The time column of a queue line. */
static void
speakers_time(const struct model_speaker *s, int64_t now, char *buf,
    size_t bufsz)
{
	char a[32], b[32];
	int64_t allotted = (int64_t)s->allotted_s * 1000 + s->added_ms;

	switch (s->status) {
	case MODEL_SPEAKER_CURRENT:
		model_format_countdown(model_speaker_remaining_ms(s, now), buf,
		    bufsz);
		break;
	case MODEL_SPEAKER_DONE:
		snprintf(buf, bufsz, "%s/%s",
		    timefmt_duration(model_speaker_spoken_ms(s, now), a,
		    sizeof a),
		    timefmt_duration(allotted, b, sizeof b));
		break;
	case MODEL_SPEAKER_WITHDRAWN:
		snprintf(buf, bufsz, "withdrawn");
		break;
	default:
		timefmt_duration(allotted, buf, bufsz);
		break;
	}
}

/* Draw one queue line for speaker s at row y of the list area a. */
static void
speakers_line(const struct view_ctx *c, struct view_rect a, int y,
    const struct model_speaker *s, bool focus)
{
	static const char *const marks[] = {
		" ", "\xe2\x96\xb6", "\xe2\x9c\x93", "\xe2\x9c\x97"
	};
	int64_t now = c->f->now.mono_ms;
	bool selected = s->id == c->f->speaker_sel;
	attr_t attr = view_attr(c, VIEW_ROLE_PLAIN), tattr;
	int x = a.x, rest, name_w, org_w;
	char time[48];

	if (s->status == MODEL_SPEAKER_CURRENT)
		attr = view_attr(c, VIEW_ROLE_CURRENT);
	else if (s->status == MODEL_SPEAKER_WITHDRAWN)
		attr = view_attr(c, VIEW_ROLE_DIM);
	if (selected && focus) {
		attr = view_attr(c, VIEW_ROLE_SELECT);
		view_draw_fill(c->win, y, a.x, a.w, attr);
	} else if (selected) {
		attr |= view_attr(c, VIEW_ROLE_MARK);
	}
	tattr = attr;
	if (!(selected && focus)) {
		if (s->status == MODEL_SPEAKER_CURRENT)
			tattr = view_attr(c, view_stage_role(
			    model_speaker_stage(s, now))) | A_BOLD;
		else if (s->status == MODEL_SPEAKER_DONE &&
		    model_speaker_remaining_ms(s, now) < 0)
			tattr = view_attr(c, VIEW_ROLE_STAGE_WARNING);
		tattr |= attr & view_attr(c, VIEW_ROLE_MARK);
	}

	view_draw_text(c->win, y, x, MARK_W,
	    marks[(unsigned)s->status < 4 ? s->status : 0], attr);
	x = a.x + MARK_W;
	rest = a.w - MARK_W - LANG_W - TIME_W - 1;
	if (rest < 4) {
		view_draw_text(c->win, y, x, a.x + a.w - x, s->name, attr);
		return;
	}
	if (a.w >= ORG_MIN_W) {
		name_w = rest * 11 / 20;
		org_w = rest - name_w;
	} else {
		name_w = rest;
		org_w = 0;
	}
	view_draw_text(c->win, y, x, name_w - 1, s->name, attr);
	x += name_w;
	if (org_w > 0)
		view_draw_text(c->win, y, x, org_w - 1, s->org, attr);
	x += org_w;
	view_draw_text(c->win, y, x, LANG_W - 1, s->lang, attr);
	speakers_time(s, now, time, sizeof time);
	view_draw_text_right(c->win, y, a.x + a.w - TIME_W, TIME_W, time,
	    tattr);
}

/* The ids of the listed segment's speakers in st->ids; returns how many. */
static size_t
speakers_list(const struct model *m, int segment,
    struct view_speakers_state *st)
{
	size_t n = model_segment_speakers(m, segment, st->ids, st->cap);

	if (n > st->cap) {
		st->cap = n;
		st->ids = view_draw_xrealloc(st->ids, n * sizeof *st->ids);
		n = model_segment_speakers(m, segment, st->ids, st->cap);
	}
	return n;
}

/* Draw the separator above the queue: whose queue, how many wait. */
static void
speakers_separator(const struct view_ctx *c, struct view_rect a, int y,
    size_t waiting, size_t finished, bool name_segment)
{
	const struct model *m = c->f->model;
	int seg = c->f->view_segment;
	char text[600];

	if (name_segment)
		snprintf(text, sizeof text, " Queue of %s \xc2\xb7 %zu waiting "
		    "\xc2\xb7 %zu done ", m->segments[seg].plan->title, waiting,
		    finished);
	else
		snprintf(text, sizeof text, " Queue \xc2\xb7 %zu waiting "
		    "\xc2\xb7 %zu done ", waiting, finished);
	mvwhline(c->win, y, a.x, ACS_HLINE | view_attr(c, VIEW_ROLE_BORDER),
	    a.w);
	view_draw_text(c->win, y, a.x + 1, a.w - 2, text,
	    view_attr(c, VIEW_ROLE_TITLE));
}

/* Rows of the queue that page up / page down move by. */
int
view_speakers_page_rows(struct view_rect r, bool boxed)
{
	struct view_rect a = boxed ? view_draw_inner(r) : r;
	int scale = speakers_scale(a);
	int block = scale > 0 ? speakers_block_rows(scale) : BLOCK_SMALL;
	int h = a.h - block - 1;

	return h > 1 ? h : 1;
}

/* Draw the speaker pane in r. */
void
view_speakers_draw(const struct view_ctx *c, struct view_rect r,
    bool boxed, struct view_speakers_state *st)
{
	const struct ui_frame *f = c->f;
	const struct model *m = f->model;
	int nseg = (int)m->event->nsegments, seg = f->view_segment;
	bool focus = f->focus == UI_PANE_SPEAKERS;
	bool valid = seg >= 0 && seg < nseg;
	struct view_rect a = boxed ? view_draw_inner(r) : r, list;
	size_t n = 0, waiting = 0, finished = 0;
	int sel = -1, block;
	char title[600];

	if (boxed) {
		if (valid)
			snprintf(title, sizeof title, "Speakers \xc2\xb7 %s",
			    m->segments[seg].plan->title);
		else
			snprintf(title, sizeof title, "Speakers");
		view_draw_box(c, r, title, focus);
	}
	a = view_draw_clip(c->win, a);
	if (a.h < 1 || a.w < 1)
		return;
	block = speakers_current(c, a);
	list = a;
	list.y += block;
	list.h -= block;
	if (list.h < 1)
		return;

	if (valid)
		n = speakers_list(m, seg, st);
	for (size_t i = 0; i < n; i++) {
		const struct model_speaker *s =
		    model_speaker_find(m, st->ids[i]);

		if (s == NULL)
			continue;
		if (s->status == MODEL_SPEAKER_QUEUED)
			waiting++;
		else if (s->status != MODEL_SPEAKER_CURRENT)
			finished++;
		if (s->id == f->speaker_sel)
			sel = (int)i;
	}
	if (valid)
		speakers_separator(c, list, list.y, waiting, finished,
		    !boxed || seg != m->current_segment);
	list.y++;
	list.h--;
	if (list.h < 1)
		return;
	if (!valid || n == 0) {
		view_draw_text(c->win, list.y, list.x + 1, list.w - 1, !valid ?
		    "no segment to list" : f->read_only ? "nobody queued" :
		    "nobody queued \xe2\x80\x94 f: add a speaker",
		    view_attr(c, VIEW_ROLE_DIM));
		return;
	}
	st->top = view_draw_scroll(st->top, sel, (int)n, list.h);
	for (int row = 0; row < list.h && st->top + row < (int)n; row++) {
		const struct model_speaker *s =
		    model_speaker_find(m, st->ids[st->top + row]);

		if (s != NULL)
			speakers_line(c, list, list.y + row, s, focus);
	}
}

/* Draw the compact layout's countdown row: time, name, state. */
void
view_speakers_line_draw(const struct view_ctx *c, struct view_rect r)
{
	const struct ui_frame *f = c->f;
	const struct model_speaker *s = model_speaker_current(f->model);
	int64_t now = f->now.mono_ms;
	char count[32], who[1024];
	enum model_stage stage;
	attr_t stage_attr;
	int x;

	r = view_draw_clip(c->win, r);
	if (r.h < 1 || r.w < 1)
		return;
	if (s == NULL) {
		view_draw_text(c->win, r.y, r.x + 1, r.w - 1, speakers_none(f),
		    view_attr(c, VIEW_ROLE_DIM));
		return;
	}
	stage = model_speaker_stage(s, now);
	stage_attr = view_attr(c, view_stage_role(stage)) | A_BOLD;
	model_format_countdown(model_speaker_remaining_ms(s, now), count,
	    sizeof count);
	x = r.x;
	x += view_draw_text(c->win, r.y, x, r.x + r.w - x, " ", stage_attr);
	x += view_draw_text(c->win, r.y, x, r.x + r.w - x, count, stage_attr);
	x += view_draw_text(c->win, r.y, x, r.x + r.w - x, " ", stage_attr) + 1;
	if (stage >= MODEL_STAGE_WARNING)
		x += view_draw_text(c->win, r.y, x, r.x + r.w - x,
		    speakers_stage_word(stage), stage_attr) + 1;
	speakers_identity(s, who, sizeof who);
	x += view_draw_text(c->win, r.y, x, r.x + r.w - x - 14, who,
	    view_attr(c, VIEW_ROLE_CURRENT)) + 2;
	view_draw_text(c->win, r.y, x, r.x + r.w - x, speakers_state(s, now),
	    view_attr(c, VIEW_ROLE_DIM));
}

/* Free the pane's scratch list. */
void
view_speakers_finish(struct view_speakers_state *st)
{
	free(st->ids);
	st->ids = NULL;
	st->cap = 0;
}
