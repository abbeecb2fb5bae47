/*
 * view-footer.c -- the two bottom rows: the keys that act in the focused
 * pane, taken from the command table, and the status line.
 *
 * Data flow: the command table (frame->commands) says for each command in
 * which panes the footer lists it and whether a mirror may use it; the
 * footer lists the focused pane's entries in table order, as "keys label"
 * pairs, as many whole pairs as fit. While an overlay is up the keys row
 * lists the overlay's keys instead, since the pane's keys do not apply.
 * While nothing can be saved, the keys row is the banner that says so.
 */
#include "view.h"

#include "command.h"
#include "text.h"

/* Cells between two pairs. */
#define PAIR_GAP 2

/* A key and what it does, as the footer shows it. */
struct pair {
	const char *keys;
	const char *label;
};

static const struct pair help_pairs[] = {
	{ "Up/Down", "scroll" }, { "PgUp/PgDn", "page" }, { "?/Esc", "close" },
};
static const struct pair form_pairs[] = {
	{ "Enter", "next/confirm" }, { "Tab", "next field" },
	{ "Esc", "cancel" },
};
static const struct pair confirm_pairs[] = {
	{ "y", "yes" }, { "n", "no" },
};

/* Draw one pair at *x if it fits before end; false once one does not. */
static bool
footer_pair(const struct view_ctx *c, int y, int *x, int end,
    const char *keys, const char *label, bool first)
{
	int w = text_width_utf8(keys) + 1 + text_width_utf8(label);

	if (*x + w > end && !first)
		return false;
	*x += view_draw_text(c->win, y, *x, end - *x, keys,
	    view_attr(c, VIEW_ROLE_KEY));
	*x += 1;
	*x += view_draw_text(c->win, y, *x, end - *x, label,
	    view_attr(c, VIEW_ROLE_PLAIN));
	*x += PAIR_GAP;
	return *x < end;
}

/* Draw the pairs of an overlay. */
static void
footer_pairs(const struct view_ctx *c, struct view_rect r,
    const struct pair *pairs, size_t n)
{
	int x = r.x + 1;

	for (size_t i = 0; i < n; i++) {
		if (!footer_pair(c, r.y, &x, r.x + r.w, pairs[i].keys,
		    pairs[i].label, i == 0))
			break;
	}
}

/* Whether the footer lists a command in the focused pane. */
static bool
footer_listed(const struct ui_frame *f, const struct command *cmd)
{
	unsigned bit = 1u << (unsigned)f->focus;

	return (cmd->panes & bit) != 0 && (!f->read_only || cmd->mirror_ok);
}

/*
 * Draw the keys of the focused pane from the command table. The help key
 * is pinned to the right end, so that on a narrow terminal, where not all
 * keys fit, the way to see them all is still on screen.
 */
static void
footer_commands(const struct view_ctx *c, struct view_rect r)
{
	const struct ui_frame *f = c->f;
	const struct command *help = NULL;
	int x = r.x + 1, end = r.x + r.w;
	bool first = true;

	for (size_t i = 0; i < f->ncommands; i++) {
		if (f->commands[i].id == CMD_HELP &&
		    footer_listed(f, &f->commands[i]))
			help = &f->commands[i];
	}
	if (help != NULL) {
		int w = text_width_utf8(help->keys) + 1 +
		    text_width_utf8(help->label), hx = end - w - 1;

		if (hx > x) {
			footer_pair(c, r.y, &hx, end, help->keys, help->label,
			    true);
			end -= w + 1 + PAIR_GAP;
		} else {
			help = NULL;
		}
	}
	for (size_t i = 0; i < f->ncommands; i++) {
		const struct command *cmd = &f->commands[i];

		if (cmd == help || !footer_listed(f, cmd))
			continue;
		if (!footer_pair(c, r.y, &x, end, cmd->keys, cmd->label, first))
			break;
		first = false;
	}
}

/* Draw the keys row and the status row. */
void
view_footer_draw(const struct view_ctx *c, struct view_rect keys,
    struct view_rect status)
{
	const struct ui_frame *f = c->f;

	keys = view_draw_clip(c->win, keys);
	if (keys.h > 0 && keys.w > 0 && f->banner != NULL) {
		attr_t a = view_attr(c, VIEW_ROLE_ALERT);

		view_draw_fill(c->win, keys.y, keys.x, keys.w, a);
		view_draw_text(c->win, keys.y, keys.x + 1, keys.w - 1,
		    f->banner, a);
	} else if (keys.h > 0 && keys.w > 0) {
		switch (f->overlay) {
		case UI_OVERLAY_HELP:
			footer_pairs(c, keys, help_pairs,
			    sizeof help_pairs / sizeof help_pairs[0]);
			break;
		case UI_OVERLAY_FORM:
			footer_pairs(c, keys, form_pairs,
			    sizeof form_pairs / sizeof form_pairs[0]);
			break;
		case UI_OVERLAY_CONFIRM:
			footer_pairs(c, keys, confirm_pairs,
			    sizeof confirm_pairs / sizeof confirm_pairs[0]);
			break;
		default:
			footer_commands(c, keys);
			break;
		}
	}
	status = view_draw_clip(c->win, status);
	if (status.h < 1 || status.w < 1)
		return;
	if (f->status != NULL && f->status[0] != '\0') {
		attr_t a = view_attr(c, f->status_error ? VIEW_ROLE_ERROR :
		    VIEW_ROLE_PLAIN);

		view_draw_text(c->win, status.y, status.x + 1, status.w - 1,
		    f->status, a);
	} else if (f->read_only) {
		view_draw_text(c->win, status.y, status.x + 1, status.w - 1,
		    "read-only mirror: navigation and help work here",
		    view_attr(c, VIEW_ROLE_DIM));
	}
}
