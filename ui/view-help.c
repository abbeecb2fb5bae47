/*
 * view-help.c -- the help overlay: every command of the table with its
 * keys and one line of help, scrolled by frame->help_scroll.
 *
 * Data flow: straight from the command table, in table order; in a mirror
 * the commands it may not use stay listed (so the co-host knows what the
 * chair can do) but are marked "(chair only)". The scroll position is
 * clamped here, so the console may count key presses freely.
 */
#include "view.h"

#include "command.h"
#include "text.h"

/* Widest box, and widest keys column. */
#define BOX_W 80
#define KEYS_W 14
#define CHAIR_ONLY "(chair only)"

/* Draw the help overlay centred in screen. */
void
view_help_draw(const struct view_ctx *c, struct view_rect screen)
{
	const struct ui_frame *f = c->f;
	int n = (int)f->ncommands, kw = 0, rows, top;
	struct view_rect box, in;

	for (int i = 0; i < n; i++) {
		int w = text_width_utf8(f->commands[i].keys);

		if (w > kw)
			kw = w;
	}
	if (kw > KEYS_W)
		kw = KEYS_W;
	box = view_draw_dialog(c, screen, n + 2, BOX_W,
	    "Keys (? or Esc to close)");
	in = view_draw_inner(box);
	if (in.h < 1 || in.w < 1)
		return;
	rows = in.h;
	top = f->help_scroll;
	if (top > n - rows)
		top = n - rows;
	if (top < 0)
		top = 0;

	for (int row = 0; row < rows && top + row < n; row++) {
		const struct command *cmd = &f->commands[top + row];
		bool chair_only = f->read_only && !cmd->mirror_ok;
		int y = in.y + row, x = in.x + 1, end = in.x + in.w - 1;
		int tail = chair_only ? text_width_utf8(CHAIR_ONLY) + 1 : 0;

		view_draw_text(c->win, y, x, end - x, cmd->keys,
		    view_attr(c, VIEW_ROLE_KEY));
		x += kw + 2;
		if (x >= end)
			continue;
		x += view_draw_text(c->win, y, x, end - x - tail, cmd->help,
		    view_attr(c, chair_only ? VIEW_ROLE_DIM : VIEW_ROLE_PLAIN));
		if (chair_only)
			view_draw_text(c->win, y, x + 1, end - x - 1,
			    CHAIR_ONLY, view_attr(c, VIEW_ROLE_DIM));
	}
	/* Say on the frame that there is more above or below. */
	if (top > 0)
		view_draw_text(c->win, box.y, box.x + box.w - 10, 8,
		    " \xe2\x86\x91 more ",
		    view_attr(c, VIEW_ROLE_BORDER_FOCUS));
	if (top + rows < n)
		view_draw_text(c->win, box.y + box.h - 1, box.x + box.w - 10, 8,
		    " \xe2\x86\x93 more ",
		    view_attr(c, VIEW_ROLE_BORDER_FOCUS));
}
