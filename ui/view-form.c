/*
 * view-form.c -- the modal overlays that ask something of the chair: a
 * form of text fields (the floor request of f) and a yes/no confirmation.
 *
 * Data flow: struct form (form.c) holds the fields, which one is being
 * edited and why the last attempt was refused; this file only draws it and
 * tells ui-screen.c where the terminal cursor belongs (the end of the
 * field being edited), so the chair sees where typing goes. A value wider
 * than its box shows its end, where the typing happens.
 */
#include "view.h"

#include "form.h"
#include "text.h"

/* Widest form box, and widest label column. */
#define FORM_W 66
#define LABEL_W 16
#define CONFIRM_W 60
#define HINT "Enter: next/confirm  Tab: next field  Esc: cancel"

/* Draw a field value in w cells at (y, x), keeping its end; returns cells. */
static int
form_value(const struct view_ctx *c, int y, int x, int w, const char *value,
    attr_t attr)
{
	wchar_t ws[FORM_VALUE_MAX + 2];
	size_t start = 0, n;
	int used = 0;

	if (w < 2)
		return 0;
	n = text_sanitize(value, ws, sizeof ws / sizeof ws[0]);
	/* Keep one cell free for the cursor; drop characters from the front. */
	if (text_width(ws) > w - 1) {
		while (start < n && text_width(ws + start) > w - 2)
			start++;
		used = view_draw_text(c->win, y, x, 1, "\xe2\x80\xa6", attr);
	}
	return used + view_draw_wtext(c->win, y, x + used, w - 1 - used,
	    ws + start, n - start, attr);
}

/* Draw the form overlay; true with the cursor position when one is shown. */
bool
view_form_draw(const struct view_ctx *c, struct view_rect screen,
    int *cursor_y, int *cursor_x)
{
	const struct form *fm = c->f->form;
	struct view_rect box, in;
	int lw = 0, rows;
	bool cursor = false;

	if (fm == NULL)
		return false;
	for (size_t i = 0; i < fm->nfields; i++) {
		int w = text_width_utf8(fm->fields[i].label);

		if (w > lw)
			lw = w;
	}
	if (lw > LABEL_W)
		lw = LABEL_W;
	rows = (int)fm->nfields + 3;
	box = view_draw_dialog(c, screen, rows + 2, FORM_W, fm->title);
	in = view_draw_inner(box);
	if (in.h < 1 || in.w < 8)
		return false;

	for (size_t i = 0; i < fm->nfields && (int)i < in.h; i++) {
		const struct form_field *fld = &fm->fields[i];
		bool cur = i == fm->cur;
		int y = in.y + (int)i, x = in.x, vx = in.x + 2 + lw + 2;
		int vw = in.x + in.w - 1 - vx, used;
		attr_t va = A_UNDERLINE | (cur ? A_BOLD : 0);

		view_draw_text(c->win, y, x, 2, cur ? "\xe2\x80\xba" : " ",
		    view_attr(c, VIEW_ROLE_KEY));
		view_draw_text(c->win, y, x + 2, lw, fld->label,
		    view_attr(c, cur ? VIEW_ROLE_CURRENT : VIEW_ROLE_PLAIN));
		if (fld->required)
			view_draw_text(c->win, y, x + 2 + lw, 1, "*",
			    view_attr(c, VIEW_ROLE_DIM));
		if (vw < 2)
			continue;
		view_draw_fill(c->win, y, vx, vw, va);
		used = form_value(c, y, vx, vw, fld->value, va);
		if (cur) {
			*cursor_y = y;
			*cursor_x = vx + used;
			cursor = true;
		}
	}
	if ((int)fm->nfields + 1 < in.h)
		view_draw_text(c->win, in.y + (int)fm->nfields + 1, in.x + 1,
		    in.w - 2, fm->error, view_attr(c, VIEW_ROLE_ERROR));
	if ((int)fm->nfields + 2 < in.h)
		view_draw_text(c->win, in.y + (int)fm->nfields + 2, in.x + 1,
		    in.w - 2, HINT, view_attr(c, VIEW_ROLE_DIM));
	return cursor;
}

/* Lines of the confirmation text, drawn as text_wrap hands them over. */
struct confirm_lines {
	const struct view_ctx *c;
	struct view_rect in;
	int row;
};

/* text_wrap callback: draw one line of the question, centred. */
static void
confirm_line(const wchar_t *start, size_t len, void *arg)
{
	struct confirm_lines *cl = arg;
	wchar_t ws[512];
	int w, x;

	if (cl->row >= cl->in.h - 2)
		return;
	if (len >= sizeof ws / sizeof ws[0])
		len = sizeof ws / sizeof ws[0] - 1;
	wmemcpy(ws, start, len);
	ws[len] = L'\0';
	w = text_width(ws);
	if (w > cl->in.w - 2)
		w = cl->in.w - 2;
	x = cl->in.x + (cl->in.w - w) / 2;
	view_draw_wtext(cl->c->win, cl->in.y + cl->row, x, w, ws, len,
	    view_attr(cl->c, VIEW_ROLE_PLAIN));
	cl->row++;
}

/* text_wrap callback that only counts lines. */
static void
confirm_count(const wchar_t *start, size_t len, void *arg)
{
	(void)start;
	(void)len;
	(void)arg;
}

/* Draw the yes/no overlay centred in screen. */
void
view_form_confirm_draw(const struct view_ctx *c, struct view_rect screen)
{
	const char *text = c->f->confirm != NULL ? c->f->confirm :
	    "Are you sure?";
	wchar_t ws[1024];
	struct confirm_lines cl;
	struct view_rect box;
	int w, lines;

	text_sanitize(text, ws, sizeof ws / sizeof ws[0]);
	w = text_width(ws) + 6;
	if (w > CONFIRM_W)
		w = CONFIRM_W;
	if (w < 24)
		w = 24;
	if (w > screen.w)
		w = screen.w;
	lines = text_wrap(ws, w - 4, confirm_count, NULL);
	box = view_draw_dialog(c, screen, lines + 4, w, "Confirm");
	cl.c = c;
	cl.in = view_draw_inner(box);
	cl.row = 0;
	if (cl.in.h < 1 || cl.in.w < 3)
		return;
	text_wrap(ws, cl.in.w - 2, confirm_line, &cl);
	view_draw_centre(c->win, cl.in, cl.in.h - 1, "y / n",
	    view_attr(c, VIEW_ROLE_KEY));
}
