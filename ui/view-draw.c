/*
 * view-draw.c -- the few drawing primitives every view uses, each clipped
 * to the window so that no size of terminal makes a view write outside it.
 *
 * Data flow: UTF-8 from the model enters view_draw_text(), is sanitised and
 * cut to the cells given (text.c), and only then reaches curses as a wide
 * string; wrapped lines (already sanitised by the caller) enter through
 * view_draw_wtext(). Nothing here keeps state between calls.
 */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>

#include "text.h"

/* Wide characters a cell can need: a base and the marks text.c keeps. */
#define CHARS_PER_CELL 5
/* Sanitise on the stack up to this many wide characters. */
#define STACK_CHARS 1024

/* Grow a buffer, aborting with a message if memory is exhausted. */
void *
view_draw_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	if (q == NULL) {
		fprintf(stderr, "podium: out of memory (%zu bytes)\n", n);
		abort();
	}
	return q;
}

/* Allocate n zeroed elements, aborting with a message if memory is short. */
void *
view_draw_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL) {
		fprintf(stderr, "podium: out of memory (%zu x %zu bytes)\n", n,
		    size);
		abort();
	}
	return p;
}

/* The inside of a box drawn around r. */
struct view_rect
view_draw_inner(struct view_rect r)
{
	struct view_rect in = { r.y + 1, r.x + 1, r.h - 2, r.w - 2 };

	return in;
}

/* The part of r that lies inside the window. */
struct view_rect
view_draw_clip(WINDOW *win, struct view_rect r)
{
	int maxy, maxx;

	getmaxyx(win, maxy, maxx);
	if (r.y < 0) {
		r.h += r.y;
		r.y = 0;
	}
	if (r.x < 0) {
		r.w += r.x;
		r.x = 0;
	}
	if (r.y + r.h > maxy)
		r.h = maxy - r.y;
	if (r.x + r.w > maxx)
		r.w = maxx - r.x;
	if (r.h < 0)
		r.h = 0;
	if (r.w < 0)
		r.w = 0;
	return r;
}

/* Cells available from (y, x) on one row, at most maxw; 0 if off-screen. */
static int
view_draw_room(WINDOW *win, int y, int x, int maxw)
{
	int maxy, maxx;

	getmaxyx(win, maxy, maxx);
	if (y < 0 || y >= maxy || x < 0 || x >= maxx || maxw <= 0)
		return 0;
	return maxw < maxx - x ? maxw : maxx - x;
}

/* Put a sanitised string of `used` cells at (y, x) with attributes. */
static void
view_draw_put(WINDOW *win, int y, int x, const wchar_t *ws, int used,
    attr_t attr)
{
	int maxy, maxx;

	getmaxyx(win, maxy, maxx);
	wattrset(win, attr);
	/*
	 * Adding a character to the bottom-right cell fails (the cursor has
	 * nowhere to go); inserting one there does not move the cursor.
	 */
	if (y == maxy - 1 && x + used >= maxx)
		mvwins_nwstr(win, y, x, ws, -1);
	else
		mvwaddnwstr(win, y, x, ws, -1);
	wattrset(win, A_NORMAL);
}

/* Draw UTF-8 text cut to maxw cells; returns the cells used. */
int
view_draw_text(WINDOW *win, int y, int x, int maxw, const char *s,
    attr_t attr)
{
	wchar_t stack[STACK_CHARS], *buf = stack;
	size_t need;
	int room = view_draw_room(win, y, x, maxw), used;

	if (room == 0 || s == NULL || *s == '\0')
		return 0;
	/* One more cell than fits, so that text_fit() sees the cut. */
	need = (size_t)(room + 1) * CHARS_PER_CELL + 1;
	if (need > STACK_CHARS)
		buf = view_draw_xrealloc(NULL, need * sizeof *buf);
	text_sanitize(s, buf, need);
	used = text_fit(buf, room);
	view_draw_put(win, y, x, buf, used, attr);
	if (buf != stack)
		free(buf);
	return used;
}

/* Draw len characters of a sanitised wide string cut to maxw cells. */
int
view_draw_wtext(WINDOW *win, int y, int x, int maxw, const wchar_t *ws,
    size_t len, attr_t attr)
{
	wchar_t stack[STACK_CHARS], *buf = stack;
	int room = view_draw_room(win, y, x, maxw), used;
	size_t need;

	if (room == 0 || len == 0)
		return 0;
	/* One more cell than fits, so that text_fit() sees the cut. */
	need = (size_t)(room + 1) * CHARS_PER_CELL + 1;
	if (len + 1 < need)
		need = len + 1;
	if (need > STACK_CHARS)
		buf = view_draw_xrealloc(NULL, need * sizeof *buf);
	wmemcpy(buf, ws, need - 1);
	buf[need - 1] = L'\0';
	used = text_fit(buf, room);
	view_draw_put(win, y, x, buf, used, attr);
	if (buf != stack)
		free(buf);
	return used;
}

/* Draw UTF-8 text right-aligned in the w cells from x; returns cells used. */
int
view_draw_text_right(WINDOW *win, int y, int x, int w, const char *s,
    attr_t attr)
{
	int width;

	if (w <= 0 || s == NULL)
		return 0;
	width = text_width_utf8(s);
	if (width > w)
		width = w;
	return view_draw_text(win, y, x + w - width, width, s, attr);
}

/* Paint w cells of a row with blanks in attr (selection bars, the header). */
void
view_draw_fill(WINDOW *win, int y, int x, int w, attr_t attr)
{
	int room = view_draw_room(win, y, x, w);

	if (room > 0)
		mvwhline(win, y, x, ' ' | attr, room);
}

/* Frame a pane and put its title in the top border, marked when focused. */
void
view_draw_box(const struct view_ctx *c, struct view_rect r,
    const char *title, bool focus)
{
	attr_t border = view_attr(c, focus ? VIEW_ROLE_BORDER_FOCUS :
	    VIEW_ROLE_BORDER);
	attr_t tattr = view_attr(c, focus ? VIEW_ROLE_TITLE_FOCUS :
	    VIEW_ROLE_TITLE);
	struct view_rect k = view_draw_clip(c->win, r);
	int right, bottom, used;

	if (k.h < 2 || k.w < 2 || k.y != r.y || k.x != r.x)
		return;
	right = k.x + k.w - 1;
	bottom = k.y + k.h - 1;
	mvwhline(c->win, k.y, k.x + 1, ACS_HLINE | border, k.w - 2);
	mvwhline(c->win, bottom, k.x + 1, ACS_HLINE | border, k.w - 2);
	mvwvline(c->win, k.y + 1, k.x, ACS_VLINE | border, k.h - 2);
	mvwvline(c->win, k.y + 1, right, ACS_VLINE | border, k.h - 2);
	mvwaddch(c->win, k.y, k.x, ACS_ULCORNER | border);
	mvwaddch(c->win, k.y, right, ACS_URCORNER | border);
	mvwaddch(c->win, bottom, k.x, ACS_LLCORNER | border);
	mvwaddch(c->win, bottom, right, ACS_LRCORNER | border);
	if (title == NULL || k.w < 6)
		return;
	/* A blank either side keeps the title off the line. */
	used = view_draw_text(c->win, k.y, k.x + 2, 1, " ", tattr);
	used += view_draw_text(c->win, k.y, k.x + 2 + used, k.w - 6, title,
	    tattr);
	view_draw_text(c->win, k.y, k.x + 2 + used, 1, " ", tattr);
}

/*
 * Open a box of h x w cells centred in screen (shrunk to fit), blank
 * inside so that the panes under it do not show through; returns it.
 */
struct view_rect
view_draw_dialog(const struct view_ctx *c, struct view_rect screen, int h,
    int w, const char *title)
{
	struct view_rect r;

	if (w > screen.w)
		w = screen.w;
	if (h > screen.h)
		h = screen.h;
	r.y = screen.y + (screen.h - h) / 2;
	r.x = screen.x + (screen.w - w) / 2;
	r.h = h;
	r.w = w;
	r = view_draw_clip(c->win, r);
	for (int y = 0; y < r.h; y++)
		view_draw_fill(c->win, r.y + y, r.x, r.w,
		    view_attr(c, VIEW_ROLE_PLAIN));
	view_draw_box(c, r, title, true);
	return r;
}

/* Draw UTF-8 text centred on row y of r (cut to r's width). */
void
view_draw_centre(WINDOW *win, struct view_rect r, int y, const char *s,
    attr_t attr)
{
	int width;

	if (y < 0 || y >= r.h || r.w <= 0)
		return;
	width = text_width_utf8(s);
	if (width > r.w)
		width = r.w;
	view_draw_text(win, r.y + y, r.x + (r.w - width) / 2, width, s, attr);
}

/* The first row to show so that row sel is visible among rows rows. */
int
view_draw_scroll(int top, int sel, int count, int rows)
{
	if (rows <= 0 || count <= 0)
		return 0;
	if (sel >= 0 && sel < count) {
		if (sel < top)
			top = sel;
		if (sel >= top + rows)
			top = sel - rows + 1;
	}
	if (top > count - rows)
		top = count - rows;
	if (top < 0)
		top = 0;
	return top;
}
