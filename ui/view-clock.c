/*
 * view-clock.c -- the co-host's clock view (`podium mirror --view clock`):
 * who has the floor on the top line, and their countdown in digits as
 * large as the terminal allows, for a second screen read from across the
 * room.
 *
 * Data flow: as in the speaker pane, the current speaker comes from
 * model_speaker_current() and the countdown from
 * model_speaker_remaining_ms() at the frame's monotonic time, coloured by
 * model_speaker_stage() through the palette, which decides what a stage
 * looks like without colours. The screen is cut into the top line, a
 * status row at the bottom when there is something to report, and the
 * body between them; the body takes the largest scale of view-bigdigits.c
 * whose digits and one row of labels fit, and plain text when not even
 * scale 1 does. Nothing is kept between frames.
 */
#include "view.h"

#include <stdio.h>
#include <string.h>

#include "text.h"
#include "timefmt.h"

/* Cells between two items of the top line. */
#define GAP 3
/* Cells of the name the top line keeps before it drops items on the right. */
#define NAME_MIN 12
/*
 * Blank cells around the digits, inside the box under them. The box shows
 * only when the digits are drawn inverted (monochrome danger and overtime),
 * and without the margins their outer strokes would melt into the screen.
 */
#define MARGIN_W 2
#define MARGIN_H 1
/* Rows the body needs below the top line (a countdown and a label). */
#define BODY_MIN 2
/* What joins two labels on one row. */
#define SEP " \xc2\xb7 "

/* One label of a row, with its attributes. */
struct piece {
	const char *text;
	attr_t attr;
};

/* What the mode item says: the frame's label, marked as a mirror. */
static void
clock_mode(const struct ui_frame *f, char *buf, size_t bufsz)
{
	const char *mode = f->mode_label != NULL ? f->mode_label : "";

	snprintf(buf, bufsz, "%s%s", mode,
	    f->read_only && strstr(mode, "MIRROR") == NULL ?
	    (*mode != '\0' ? " MIRROR" : "MIRROR") : "");
}

/* Cells "Name · Org · fr" takes on the top line. */
static int
clock_identity_width(const struct model_speaker *s)
{
	int w = text_width_utf8(s->name);

	if (s->org != NULL && s->org[0] != '\0')
		w += text_width_utf8(SEP) + text_width_utf8(s->org);
	if (s->lang != NULL && s->lang[0] != '\0')
		w += text_width_utf8(SEP) + text_width_utf8(s->lang);
	return w;
}

/* Draw "Name · Org · fr" from x in at most w cells, the name in bold. */
static void
clock_identity(const struct view_ctx *c, int y, int x, int w,
    const struct model_speaker *s, attr_t bar)
{
	int end = x + w;

	x += view_draw_text(c->win, y, x, end - x, s->name, bar | A_BOLD);
	if (s->org != NULL && s->org[0] != '\0' && x < end) {
		x += view_draw_text(c->win, y, x, end - x, SEP, bar);
		x += view_draw_text(c->win, y, x, end - x, s->org, bar);
	}
	if (s->lang != NULL && s->lang[0] != '\0' && x < end) {
		x += view_draw_text(c->win, y, x, end - x, SEP, bar);
		view_draw_text(c->win, y, x, end - x, s->lang, bar);
	}
}

/*
 * Draw the top line: who speaks (the event's title when nobody does) on
 * the left, the event clock and the mode on the right. On a narrow
 * terminal the time zone goes first, then the mode, then the clock, so
 * that the name keeps some room.
 */
static void
clock_top(const struct view_ctx *c, struct view_rect r,
    const struct model_speaker *s)
{
	const struct ui_frame *f = c->f;
	const struct model_event *ev = f->model->event;
	attr_t bar = view_attr(c, VIEW_ROLE_BAR);
	char hms[32], zone[16], full[64], mode[128];
	const char *item[2];
	int want, room = 0, n = 0, x;

	view_draw_fill(c->win, r.y, r.x, r.w, bar);
	timefmt_hms(f->now.wall_ms, ev->utc_offset_min, hms, sizeof hms);
	timefmt_zone(ev->utc_offset_min, zone, sizeof zone);
	snprintf(full, sizeof full, "%s %s", hms, zone);
	clock_mode(f, mode, sizeof mode);
	want = s != NULL ? clock_identity_width(s) : text_width_utf8(ev->title);
	if (want > NAME_MIN)
		want = NAME_MIN;

	/* Level 0 shows everything, level 3 only the name. */
	for (int level = 0; level <= 3; level++) {
		int right = 0;

		n = 0;
		if (level <= 2)
			item[n++] = level == 0 ? full : hms;
		if (level <= 1 && mode[0] != '\0')
			item[n++] = mode;
		for (int i = 0; i < n; i++)
			right += text_width_utf8(item[i]) + GAP;
		/* One blank cell at either edge, GAP between the items. */
		room = r.w - 2 - right;
		if (room >= want)
			break;
	}

	x = r.x + 1;
	if (s != NULL)
		clock_identity(c, r.y, x, room, s, bar);
	else
		view_draw_text(c->win, r.y, x, room, ev->title, bar | A_BOLD);
	x = r.x + 1 + (room > 0 ? room : 0) + GAP;
	for (int i = 0; i < n; i++) {
		attr_t a = item[i] == mode ? bar | A_BOLD : bar;

		x += view_draw_text(c->win, r.y, x, r.x + r.w - 1 - x, item[i],
		    a) + GAP;
	}
}

/* Cells of some pieces drawn on one row, joined by SEP. */
static int
clock_pieces_width(const struct piece *p, size_t n)
{
	int w = 0, shown = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i].text[0] == '\0')
			continue;
		w += (shown++ > 0 ? text_width_utf8(SEP) : 0) +
		    text_width_utf8(p[i].text);
	}
	return w;
}

/* Draw pieces centred on row y of r, joined by SEP, cut at r's edge. */
static void
clock_pieces(const struct view_ctx *c, struct view_rect r, int y,
    const struct piece *p, size_t n)
{
	int w = clock_pieces_width(p, n), x, end = r.x + r.w;
	bool first = true;

	if (w > r.w)
		w = r.w;
	x = r.x + (r.w - w) / 2;
	for (size_t i = 0; i < n && x < end; i++) {
		if (p[i].text[0] == '\0')
			continue;
		if (!first)
			x += view_draw_text(c->win, y, x, end - x, SEP,
			    view_attr(c, VIEW_ROLE_PLAIN));
		x += view_draw_text(c->win, y, x, end - x, p[i].text,
		    p[i].attr);
		first = false;
	}
}

/* "allotted 3:00", with the time the chair added or removed if any. */
static void
clock_allotted(const struct model_speaker *s, char *buf, size_t bufsz)
{
	char a[32], d[32];

	timefmt_duration((int64_t)s->allotted_s * 1000, a, sizeof a);
	if (s->added_ms == 0) {
		snprintf(buf, bufsz, "allotted %s", a);
		return;
	}
	timefmt_duration(s->added_ms < 0 ? -s->added_ms : s->added_ms, d,
	    sizeof d);
	snprintf(buf, bufsz, "allotted %s %c%s", a, s->added_ms < 0 ? '-' : '+',
	    d);
}

/* "paused" or "not started"; "" while the countdown runs. */
static const char *
clock_state(const struct model_speaker *s, int64_t now)
{
	if (model_speaker_running(s))
		return "";
	return model_speaker_spoken_ms(s, now) > 0 ? "paused" : "not started";
}

/*
 * The stage in words, for who cannot tell the colours apart (and for a
 * monochrome terminal, where warning digits look like calm ones).
 */
static const char *
clock_stage_word(enum model_stage stage)
{
	switch (stage) {
	case MODEL_STAGE_WARNING:
		return "warning";
	case MODEL_STAGE_DANGER:
		return "danger";
	case MODEL_STAGE_OVERTIME:
		return "time is up";
	default:
		return "";
	}
}

/*
 * The widest text this countdown shows until its overtime outgrows its
 * allotted time: the scale is chosen for it, so that the digits keep their
 * size as the seconds tick and when overtime adds its "+".
 */
static void
clock_widest(const struct model_speaker *s, int64_t left, char *buf,
    size_t bufsz)
{
	int64_t total = (int64_t)s->allotted_s * 1000 + s->added_ms;
	int64_t widest = left < 0 ? -left : left;
	char t[32];

	if (total > widest)
		widest = total;
	model_format_countdown(widest > 0 ? widest : 1, t, sizeof t);
	snprintf(buf, bufsz, "+%s", t);
}

/* The largest scale at which text and rows more rows fit in r; 0: none. */
static int
clock_scale(struct view_rect r, const char *text, int rows)
{
	for (int s = r.h / VIEW_BIGDIGITS_ROWS; s >= 1; s--) {
		if (view_bigdigits_height(s) + rows <= r.h &&
		    view_bigdigits_width(text, s) + 2 * MARGIN_W <= r.w)
			return s;
	}
	return 0;
}

/* Draw the current speaker's countdown and its labels in the body r. */
static void
clock_countdown(const struct view_ctx *c, struct view_rect r,
    const struct model_speaker *s)
{
	int64_t now = c->f->now.mono_ms, left = model_speaker_remaining_ms(s,
	    now);
	enum model_stage stage = model_speaker_stage(s, now);
	attr_t sattr = view_attr(c, view_stage_role(stage));
	char count[32], widest[40], allotted[96];
	struct piece p[3];
	int scale, spare, margin = 0, labels = 1, digits_h, y;

	model_format_countdown(left, count, sizeof count);
	clock_widest(s, left, widest, sizeof widest);
	clock_allotted(s, allotted, sizeof allotted);
	p[0].text = clock_state(s, now);
	p[0].attr = view_attr(c, VIEW_ROLE_CURRENT);
	/* The words stay still even when the digits blink. */
	p[1].text = clock_stage_word(stage);
	p[1].attr = (sattr | A_BOLD) & ~(attr_t)A_BLINK;
	p[2].text = allotted;
	p[2].attr = view_attr(c, VIEW_ROLE_PLAIN);

	scale = clock_scale(r, widest, 1);
	digits_h = scale > 0 ? view_bigdigits_height(scale) : 1;
	spare = r.h - digits_h - 1;
	/* Margins first: they keep inverted digits readable. */
	if (scale > 0 && spare >= 2 * MARGIN_H) {
		margin = MARGIN_H;
		spare -= 2 * MARGIN_H;
	}
	/* The state on its own row and the allotted time below, if room. */
	if (spare >= 1 && clock_pieces_width(p, 2) > 0)
		labels = 2;
	if (r.h < digits_h + 1)
		labels = r.h - digits_h;
	y = r.y + (r.h - (digits_h + 2 * margin + labels)) / 2;

	if (scale > 0) {
		int w = view_bigdigits_width(count, scale) + 2 * MARGIN_W;
		int x = r.x + (r.w - w) / 2;
		attr_t dattr = sattr;

		/*
		 * Inverted digits without margins would lose their top and
		 * bottom strokes to the screen: draw them plain, the words
		 * below still tell the stage.
		 */
		if (margin == 0)
			dattr &= ~(attr_t)A_REVERSE;
		for (int row = 0; row < digits_h + 2 * margin; row++)
			view_draw_fill(c->win, y + row, x, w, dattr);
		view_bigdigits_draw(c->win, y + margin, x + MARGIN_W, count,
		    dattr, scale);
		y += digits_h + 2 * margin;
	} else {
		char text[40];

		/* A blank either side shows an inverted countdown as a box. */
		snprintf(text, sizeof text, " %s ", count);
		view_draw_centre(c->win, r, y - r.y, text, sattr | A_BOLD);
		y++;
	}
	if (labels == 2) {
		clock_pieces(c, r, y, p, 2);
		clock_pieces(c, r, y + 1, p + 2, 1);
	} else if (labels == 1) {
		clock_pieces(c, r, y, p, 3);
	}
}

/* Draw the body when nobody has the floor: where the session stands. */
static void
clock_nobody(const struct view_ctx *c, struct view_rect r)
{
	const struct model *m = c->f->model;
	int seg = m->current_segment, gap = r.h >= 3 ? 1 : 0;
	const char *title;
	int y;

	if (seg < 0)
		title = "session not started";
	else if (seg >= (int)m->event->nsegments)
		title = "session ended";
	else
		title = m->segments[seg].plan->title;
	y = (r.h - (2 + gap)) / 2;
	if (y < 0)
		y = 0;
	view_draw_centre(c->win, r, y, title, view_attr(c, VIEW_ROLE_CURRENT));
	view_draw_centre(c->win, r, y + 1 + gap, "no current speaker",
	    view_attr(c, VIEW_ROLE_DIM));
}

/* Draw the clock view over the whole screen rectangle. */
void
view_clock_draw(const struct view_ctx *c, struct view_rect screen)
{
	const struct ui_frame *f = c->f;
	const struct model_speaker *s = model_speaker_current(f->model);
	struct view_rect top, body;
	bool status;

	screen = view_draw_clip(c->win, screen);
	if (screen.h < 1 || screen.w < 1)
		return;
	top = screen;
	top.h = 1;
	clock_top(c, top, s);

	body = screen;
	body.y++;
	body.h--;
	status = f->status != NULL && f->status[0] != '\0' &&
	    body.h - 1 >= BODY_MIN;
	if (status) {
		body.h--;
		view_draw_text(c->win, body.y + body.h, body.x + 1, body.w - 1,
		    f->status, view_attr(c, f->status_error ? VIEW_ROLE_ERROR :
		    VIEW_ROLE_PLAIN));
	}
	if (body.h < 1)
		return;
	if (s != NULL)
		clock_countdown(c, body, s);
	else
		clock_nobody(c, body);
}
