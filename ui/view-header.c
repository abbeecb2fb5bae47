/*
 * view-header.c -- the bar across the top (event, clock, mode, how late
 * the session runs, when it will end) and the tab bar of the compact
 * layout.
 *
 * Data flow: the frame's time and the model's projections are turned into
 * short strings; the items on the right have priorities, and on a narrow
 * terminal the least useful ones go first so that the clock and the mode
 * always stay, and the event title takes what room is left.
 */
#include "view.h"

#include <stdio.h>
#include <string.h>

#include "text.h"
#include "timefmt.h"

/* An offset under this is "on time": nobody acts on 29 seconds. */
#define ON_TIME_MS 30000
/* An offset this large is not lateness but another day. */
#define FAR_OFF_MS (12 * 3600 * 1000LL)
/* Title cells kept before items on the right are dropped. */
#define TITLE_MIN 12
/* Cells between two items of the header. */
#define GAP 3

enum {
	ITEM_CLOCK,
	ITEM_MODE,
	ITEM_OFFSET,
	ITEM_END,
	ITEM_COUNT
};

/*
 * "+3:10 late", "-0:45 early" or "on time" for an offset against the plan;
 * an offset of half a day or more means the console runs on another day
 * than the event's (a live try-out of a past event), and says so instead.
 */
static void
header_offset(int64_t offset_ms, const char *date, char *buf, size_t bufsz)
{
	char d[32];

	if (offset_ms >= FAR_OFF_MS || offset_ms <= -FAR_OFF_MS) {
		snprintf(buf, bufsz, "planned for %.20s", date);
	} else if (offset_ms > -ON_TIME_MS && offset_ms < ON_TIME_MS) {
		snprintf(buf, bufsz, "on time");
	} else if (offset_ms > 0) {
		timefmt_duration(offset_ms, d, sizeof d);
		snprintf(buf, bufsz, "+%s late", d);
	} else {
		timefmt_duration(-offset_ms, d, sizeof d);
		snprintf(buf, bufsz, "-%s early", d);
	}
}

/* Draw the header bar across r (one row). */
void
view_header_draw(const struct view_ctx *c, struct view_rect r)
{
	const struct ui_frame *f = c->f;
	const struct model *m = f->model;
	const struct model_event *ev = m->event;
	char items[ITEM_COUNT][96], t[32], z[16];
	int widths[ITEM_COUNT], right = 0, x, keep = ITEM_COUNT;
	attr_t bar = view_attr(c, VIEW_ROLE_BAR);
	const char *mode = f->mode_label != NULL ? f->mode_label : "";
	int64_t end;

	r = view_draw_clip(c->win, r);
	if (r.h < 1 || r.w < 1)
		return;
	view_draw_fill(c->win, r.y, r.x, r.w, bar);

	snprintf(items[ITEM_CLOCK], sizeof items[0], "%s %s",
	    timefmt_hms(f->now.wall_ms, ev->utc_offset_min, t, sizeof t),
	    timefmt_zone(ev->utc_offset_min, z, sizeof z));
	snprintf(items[ITEM_MODE], sizeof items[0], "%s%s", mode,
	    f->read_only && strstr(mode, "MIRROR") == NULL ?
	    (*mode != '\0' ? " MIRROR" : "MIRROR") : "");
	header_offset(model_offset_ms(m, f->now), ev->date, items[ITEM_OFFSET],
	    sizeof items[0]);
	end = model_projected_end(m, f->now);
	if (end == MODEL_NO_TIME)
		items[ITEM_END][0] = '\0';
	else
		snprintf(items[ITEM_END], sizeof items[0], "%s %s",
		    m->current_segment >= (int)ev->nsegments ? "ended" : "ends",
		    timefmt_hm(end, ev->utc_offset_min, t, sizeof t));

	for (int i = 0; i < ITEM_COUNT; i++) {
		widths[i] = text_width_utf8(items[i]);
		right += widths[i] + (widths[i] > 0 ? GAP : 0);
	}
	/* Drop from the least useful end until the title has some room. */
	while (keep > ITEM_MODE + 1 && r.w - 1 - right < TITLE_MIN) {
		keep--;
		right -= widths[keep] + (widths[keep] > 0 ? GAP : 0);
	}

	x = r.x + 1;
	view_draw_text(c->win, r.y, x, r.w - 1 - right, ev->title,
	    bar | A_BOLD);
	/* The last item ends one cell before the edge, not GAP cells. */
	x = r.x + r.w - right + GAP - 1;
	if (x < r.x + 1)
		x = r.x + 1;
	for (int i = 0; i < keep; i++) {
		attr_t a = bar;

		if (widths[i] == 0)
			continue;
		if (i == ITEM_MODE || (i == ITEM_OFFSET &&
		    strstr(items[i], "late") != NULL))
			a |= A_BOLD;
		x += view_draw_text(c->win, r.y, x, r.x + r.w - x, items[i], a);
		x += GAP;
	}
}

/* Draw the tab bar of the compact layout, the focused pane highlighted. */
void
view_header_tabs_draw(const struct view_ctx *c, struct view_rect r)
{
	static const char *const names[UI_PANE_COUNT] = {
		"Agenda", "Speakers", "Questions"
	};
	int x;

	r = view_draw_clip(c->win, r);
	if (r.h < 1 || r.w < 1)
		return;
	x = r.x;
	for (int i = 0; i < UI_PANE_COUNT; i++) {
		char label[32];
		bool focus = (int)c->f->focus == i;

		if (i > 0)
			x += view_draw_text(c->win, r.y, x, r.x + r.w - x,
			    "\xe2\x94\x82", view_attr(c, VIEW_ROLE_BORDER));
		snprintf(label, sizeof label, " %s ", names[i]);
		x += view_draw_text(c->win, r.y, x, r.x + r.w - x, label,
		    view_attr(c, focus ? VIEW_ROLE_BAR : VIEW_ROLE_TITLE) |
		    (focus ? A_BOLD : 0));
	}
	if (r.x + r.w - x > 16)
		view_draw_text_right(c->win, r.y, x, r.x + r.w - x - 1,
		    "Tab: next pane", view_attr(c, VIEW_ROLE_DIM));
}
