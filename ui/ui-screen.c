/*
 * ui-screen.c -- the terminal: taking it over and giving it back, keys,
 * the palette, the layout, and one frame drawn per ui_draw().
 *
 * Data flow: the console hands a struct ui_frame to ui_draw(); the layout
 * (recomputed whenever the terminal size differs from the one it was made
 * for) says which panes show where; each view draws its rectangle of
 * stdscr from the frame; one refresh() then sends only the cells that
 * changed. After a resize (ui_resize(), called from the console's own
 * SIGWINCH handling) the next frame repaints the whole screen.
 *
 * Three layouts, chosen by size:
 *   full     (UI_FULL_COLS x UI_FULL_LINES and up): header, agenda and
 *            speakers side by side, questions below, footer;
 *   compact  (down to UI_MIN_COLS x UI_MIN_LINES): header, a countdown row
 *            that is always there, a tab bar, the focused pane, footer;
 *   tiny     (smaller): only a centred "terminal too small" message.
 */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wctype.h>

#include "text.h"
#include "view.h"

/* Share of the width the agenda takes in the full layout, in percent. */
#define AGENDA_PCT 42
/* Smallest questions pane of the full layout, in rows. */
#define QUESTIONS_MIN_H 8
/* Terminal ncurses waits this long after ESC for the rest of a sequence. */
#define ESC_DELAY_MS 25
/* Colour numbers beyond the basic eight, when the terminal has 256. */
#define AMBER_256 214
#define GREY_16 8
/* Ctrl-L: the usual "repaint the screen" key. */
#define KEY_CTRL_L 12

enum layout {
	LAYOUT_TINY,
	LAYOUT_COMPACT,
	LAYOUT_FULL,
};

/* Colour pairs of the palette. */
enum {
	PAIR_GREEN = 1,
	PAIR_AMBER,
	PAIR_RED,
	PAIR_GREY,
};

struct ui {
	SCREEN *screen;
	int fd;                      /* the terminal's output, for its size */
	struct view_palette pal;
	int lines, cols;             /* the size the layout was made for */
	enum layout layout;
	struct view_rect header, line, tabs, body, keys, status;
	struct view_rect pane[UI_PANE_COUNT];
	int page_rows[UI_PANE_COUNT];
	bool repaint;                /* clear the whole terminal next frame */
	int cursor;                  /* last curs_set() value, -1 unknown */
	struct view_agenda_state agenda;
	struct view_speakers_state speakers;
	struct view_questions_state questions;
};

/* A malloc'd sentence for *cause; aborts if memory is exhausted. */
static char *
ui_cause(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	return s;
}

/* Whether the user asked for no colours (https://no-color.org). */
static bool
ui_no_color(void)
{
	const char *v = getenv("NO_COLOR");

	return v != NULL && v[0] != '\0';
}

/* Fill the palette: colours when there are some, else attributes only. */
static void
ui_palette(struct view_palette *p, bool colour)
{
	attr_t *a = p->attr;

	memset(p, 0, sizeof *p);
	p->colour = colour;
	a[VIEW_ROLE_PLAIN] = A_NORMAL;
	a[VIEW_ROLE_BAR] = A_REVERSE;
	a[VIEW_ROLE_TITLE] = A_BOLD;
	a[VIEW_ROLE_TITLE_FOCUS] = A_REVERSE | A_BOLD;
	a[VIEW_ROLE_BORDER] = A_NORMAL;
	a[VIEW_ROLE_BORDER_FOCUS] = A_BOLD;
	a[VIEW_ROLE_SELECT] = A_REVERSE;
	a[VIEW_ROLE_MARK] = A_UNDERLINE;
	a[VIEW_ROLE_CURRENT] = A_BOLD;
	a[VIEW_ROLE_DIM] = A_DIM;
	a[VIEW_ROLE_KEY] = A_BOLD;
	a[VIEW_ROLE_STAGE_IDLE] = A_NORMAL;
	if (!colour) {
		a[VIEW_ROLE_STAGE_NORMAL] = A_NORMAL;
		a[VIEW_ROLE_STAGE_WARNING] = A_BOLD;
		a[VIEW_ROLE_STAGE_DANGER] = A_REVERSE;
		a[VIEW_ROLE_STAGE_OVERTIME] = A_REVERSE | A_BLINK;
		a[VIEW_ROLE_ERROR] = A_BOLD | A_REVERSE;
		a[VIEW_ROLE_ALERT] = A_BOLD | A_REVERSE;
		return;
	}
	a[VIEW_ROLE_STAGE_NORMAL] = COLOR_PAIR(PAIR_GREEN);
	a[VIEW_ROLE_STAGE_WARNING] = COLOR_PAIR(PAIR_AMBER) | A_BOLD;
	a[VIEW_ROLE_STAGE_DANGER] = COLOR_PAIR(PAIR_RED) | A_BOLD;
	a[VIEW_ROLE_STAGE_OVERTIME] = COLOR_PAIR(PAIR_RED) | A_BOLD | A_BLINK;
	a[VIEW_ROLE_ERROR] = COLOR_PAIR(PAIR_RED) | A_BOLD;
	a[VIEW_ROLE_ALERT] = COLOR_PAIR(PAIR_RED) | A_BOLD | A_REVERSE;
	if (COLORS > GREY_16)
		a[VIEW_ROLE_DIM] = COLOR_PAIR(PAIR_GREY);
}

/* Set up colour pairs on the terminal's default background. */
static bool
ui_colours(void)
{
	short bg = -1;

	if (ui_no_color() || !has_colors() || start_color() == ERR)
		return false;
	if (use_default_colors() == ERR)
		bg = COLOR_BLACK;
	init_pair(PAIR_GREEN, COLOR_GREEN, bg);
	init_pair(PAIR_AMBER, COLORS >= 256 ? AMBER_256 : COLOR_YELLOW, bg);
	init_pair(PAIR_RED, COLOR_RED, bg);
	if (COLORS > GREY_16)
		init_pair(PAIR_GREY, GREY_16, bg);
	return true;
}

/* A rectangle, for the layout. */
static struct view_rect
ui_rect(int y, int x, int h, int w)
{
	struct view_rect r = { y, x, h < 0 ? 0 : h, w < 0 ? 0 : w };

	return r;
}

/* Compute where everything goes for the current terminal size. */
static void
ui_layout(struct ui *ui)
{
	int L = LINES > 0 ? LINES : 0, C = COLS > 0 ? COLS : 0;

	ui->lines = L;
	ui->cols = C;
	if (C >= UI_FULL_COLS && L >= UI_FULL_LINES)
		ui->layout = LAYOUT_FULL;
	else if (C >= UI_MIN_COLS && L >= UI_MIN_LINES)
		ui->layout = LAYOUT_COMPACT;
	else
		ui->layout = LAYOUT_TINY;

	ui->header = ui_rect(0, 0, 1, C);
	ui->keys = ui_rect(L - 2, 0, 1, C);
	ui->status = ui_rect(L - 1, 0, 1, C);
	if (ui->layout == LAYOUT_FULL) {
		int body = L - 3, qh = body / 3, top, aw = C * AGENDA_PCT / 100;

		if (qh < QUESTIONS_MIN_H)
			qh = QUESTIONS_MIN_H;
		top = body - qh;
		ui->line = ui_rect(0, 0, 0, 0);
		ui->tabs = ui_rect(0, 0, 0, 0);
		ui->body = ui_rect(1, 0, body, C);
		ui->pane[UI_PANE_AGENDA] = ui_rect(1, 0, top, aw);
		ui->pane[UI_PANE_SPEAKERS] = ui_rect(1, aw, top, C - aw);
		ui->pane[UI_PANE_QUESTIONS] = ui_rect(1 + top, 0, qh, C);
		ui->page_rows[UI_PANE_AGENDA] = view_agenda_page_rows(
		    ui->pane[UI_PANE_AGENDA], true);
		ui->page_rows[UI_PANE_SPEAKERS] = view_speakers_page_rows(
		    ui->pane[UI_PANE_SPEAKERS], true);
		ui->page_rows[UI_PANE_QUESTIONS] = view_questions_page_rows(
		    ui->pane[UI_PANE_QUESTIONS], true);
		return;
	}
	ui->line = ui_rect(1, 0, 1, C);
	ui->tabs = ui_rect(2, 0, 1, C);
	ui->body = ui_rect(3, 0, L - 5, C);
	for (int p = 0; p < UI_PANE_COUNT; p++)
		ui->pane[p] = ui->body;
	ui->page_rows[UI_PANE_AGENDA] = view_agenda_page_rows(ui->body, false);
	ui->page_rows[UI_PANE_SPEAKERS] = view_speakers_page_rows(ui->body,
	    false);
	ui->page_rows[UI_PANE_QUESTIONS] = view_questions_page_rows(ui->body,
	    false);
}

/* Take over the terminal; NULL and *cause if it cannot be used. */
struct ui *
ui_create(char **cause)
{
	const char *term = getenv("TERM");
	struct ui *ui;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = ui_cause("the console needs a terminal on standard "
		    "input and output; run it in a terminal, or use `podium "
		    "state` for the state as JSON");
		return NULL;
	}
	ui = calloc(1, sizeof *ui);
	if (ui == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	ui->fd = STDOUT_FILENO;
	ui->cursor = -1;
	ui->screen = newterm(NULL, stdout, stdin);
	if (ui->screen == NULL) {
		*cause = ui_cause("cannot drive a terminal of type \"%s\": set "
		    "TERM to a type this system knows, such as xterm-256color",
		    term != NULL ? term : "(unset)");
		free(ui);
		return NULL;
	}
	set_term(ui->screen);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(ESC_DELAY_MS);
	ui_palette(&ui->pal, ui_colours());
	curs_set(0);
	ui->cursor = 0;
	ui_layout(ui);
	ui->repaint = true;
	return ui;
}

/* Give the terminal back as it was. */
void
ui_destroy(struct ui *ui)
{
	if (ui == NULL)
		return;
	curs_set(1);
	endwin();
	delscreen(ui->screen);
	view_speakers_finish(&ui->speakers);
	view_questions_finish(&ui->questions);
	free(ui);
}

/* Read the terminal's size from the kernel and make curses use it. */
void
ui_resize(struct ui *ui)
{
	struct winsize ws;
	int rows = LINES, cols = COLS;

	if (ioctl(ui->fd, TIOCGWINSZ, &ws) == 0) {
		rows = ws.ws_row;
		cols = ws.ws_col;
	}
	/* A 0x0 report (some ptys before their first resize) is not a size. */
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	resize_term(rows, cols);
	ui_layout(ui);
	ui->repaint = true;
}

/* Ring the terminal bell. */
void
ui_bell(struct ui *ui)
{
	(void)ui;
	beep();
}

/* Map a curses function key to a console key; false for keys we ignore. */
static bool
ui_function_key(wint_t k, struct ui_key *key)
{
	switch (k) {
	case KEY_UP: key->kind = UI_KEY_UP; return true;
	case KEY_DOWN: key->kind = UI_KEY_DOWN; return true;
	case KEY_LEFT: key->kind = UI_KEY_LEFT; return true;
	case KEY_RIGHT: key->kind = UI_KEY_RIGHT; return true;
	case KEY_BTAB: key->kind = UI_KEY_BTAB; return true;
	case KEY_ENTER: key->kind = UI_KEY_ENTER; return true;
	case KEY_BACKSPACE: key->kind = UI_KEY_BACKSPACE; return true;
	case KEY_DC: key->kind = UI_KEY_DELETE; return true;
	case KEY_HOME: key->kind = UI_KEY_HOME; return true;
	case KEY_END: key->kind = UI_KEY_END; return true;
	case KEY_PPAGE: key->kind = UI_KEY_PGUP; return true;
	case KEY_NPAGE: key->kind = UI_KEY_PGDN; return true;
	case KEY_F(1): key->kind = UI_KEY_F1; return true;
	case KEY_RESIZE: key->kind = UI_KEY_RESIZE; return true;
	default: return false;
	}
}

/* Map a typed character to a console key; false for ones we ignore. */
static bool
ui_char_key(struct ui *ui, wint_t ch, struct ui_key *key)
{
	switch (ch) {
	case L'\t': key->kind = UI_KEY_TAB; return true;
	case L'\r':
	case L'\n': key->kind = UI_KEY_ENTER; return true;
	case 27: key->kind = UI_KEY_ESCAPE; return true;
	case 127:
	case 8: key->kind = UI_KEY_BACKSPACE; return true;
	case KEY_CTRL_L:
		/* Repaint everything, as after a resize. */
		ui->repaint = true;
		key->kind = UI_KEY_RESIZE;
		return true;
	default:
		break;
	}
	if (!iswprint(ch))
		return false;
	key->kind = UI_KEY_CHAR;
	key->ch = (uint32_t)ch;
	return true;
}

/* Read one pending key without blocking; false if there is none. */
bool
ui_read_key(struct ui *ui, struct ui_key *key)
{
	for (;;) {
		wint_t ch;
		int r = get_wch(&ch);

		key->kind = UI_KEY_NONE;
		key->ch = 0;
		if (r == ERR)
			return false;
		if (r == KEY_CODE_YES ? ui_function_key(ch, key) :
		    ui_char_key(ui, ch, key))
			return true;
	}
}

/* Rows the focused pane's list can show, for page up / page down. */
int
ui_page_rows(const struct ui *ui, enum ui_pane pane)
{
	if (ui == NULL || (unsigned)pane >= UI_PANE_COUNT)
		return 1;
	return ui->page_rows[pane] > 0 ? ui->page_rows[pane] : 1;
}

/* Line of the "too small" message, as text_wrap hands them over. */
struct tiny_lines {
	struct view_rect r;
	int row, top;
};

/* text_wrap callback: draw one line of the message centred. */
static void
ui_tiny_line(const wchar_t *start, size_t len, void *arg)
{
	struct tiny_lines *t = arg;
	wchar_t ws[128];
	int w;

	if (len >= sizeof ws / sizeof ws[0])
		len = sizeof ws / sizeof ws[0] - 1;
	wmemcpy(ws, start, len);
	ws[len] = L'\0';
	w = text_width(ws);
	if (w > t->r.w)
		w = t->r.w;
	view_draw_wtext(stdscr, t->top + t->row, (t->r.w - w) / 2, w, ws, len,
	    A_BOLD);
	t->row++;
}

/* text_wrap callback that only counts lines. */
static void
ui_tiny_count(const wchar_t *start, size_t len, void *arg)
{
	(void)start;
	(void)len;
	(void)arg;
}

/* The whole screen when it is smaller than min_cols x min_lines. */
static void
ui_draw_tiny(struct ui *ui, int min_cols, int min_lines)
{
	char msg[128];
	wchar_t ws[128];
	struct tiny_lines t;
	int n;

	/*
	 * One cell says nothing, and ncurses 6.4 reads before the line when it
	 * updates the bottom-right cell of a one-column screen.
	 */
	if (ui->cols < 2 && ui->lines < 2)
		return;
	snprintf(msg, sizeof msg, "terminal too small (%dx%d) \xe2\x80\x94 "
	    "need at least %dx%d", ui->cols, ui->lines, min_cols, min_lines);
	text_sanitize(msg, ws, sizeof ws / sizeof ws[0]);
	t.r = ui_rect(0, 0, ui->lines, ui->cols);
	t.row = 0;
	n = text_wrap(ws, ui->cols, ui_tiny_count, NULL);
	if (n > ui->lines) {
		/* Too many short lines: one line cut to fit says more. */
		view_draw_text(stdscr, ui->lines / 2, 0, ui->cols, msg, A_BOLD);
		return;
	}
	t.top = (ui->lines - n) / 2;
	text_wrap(ws, ui->cols, ui_tiny_line, &t);
}

/* Draw the panes of the full or compact layout. */
static void
ui_draw_panes(struct ui *ui, const struct view_ctx *c)
{
	const struct ui_frame *f = c->f;
	bool full = ui->layout == LAYOUT_FULL;

	view_header_draw(c, ui->header);
	if (full) {
		view_agenda_draw(c, ui->pane[UI_PANE_AGENDA], true,
		    &ui->agenda);
		view_speakers_draw(c, ui->pane[UI_PANE_SPEAKERS], true,
		    &ui->speakers);
		view_questions_draw(c, ui->pane[UI_PANE_QUESTIONS], true,
		    &ui->questions);
	} else {
		view_speakers_line_draw(c, ui->line);
		view_header_tabs_draw(c, ui->tabs);
		switch (f->focus) {
		case UI_PANE_SPEAKERS:
			view_speakers_draw(c, ui->body, false, &ui->speakers);
			break;
		case UI_PANE_QUESTIONS:
			view_questions_draw(c, ui->body, false, &ui->questions);
			break;
		default:
			view_agenda_draw(c, ui->body, false, &ui->agenda);
			break;
		}
	}
	view_footer_draw(c, ui->keys, ui->status);
}

/* Show or hide the terminal cursor, only when that changes. */
static void
ui_cursor(struct ui *ui, int visibility)
{
	if (ui->cursor != visibility) {
		curs_set(visibility);
		ui->cursor = visibility;
	}
}

/* Draw one frame of the console. */
void
ui_draw(struct ui *ui, const struct ui_frame *f)
{
	struct view_ctx c = { stdscr, f, &ui->pal };
	struct view_rect screen;
	int cy = 0, cx = 0;
	bool cursor = false, clock = f != NULL && f->clock_view, tiny;
	/* The clock view has no panes to fit, so it draws smaller. */
	int min_cols = clock ? VIEW_CLOCK_MIN_COLS : UI_MIN_COLS;
	int min_lines = clock ? VIEW_CLOCK_MIN_LINES : UI_MIN_LINES;

	if (LINES != ui->lines || COLS != ui->cols) {
		ui_layout(ui);
		ui->repaint = true;
	}
	if (ui->repaint) {
		clear();
		ui->repaint = false;
	} else {
		erase();
	}
	tiny = clock ? ui->cols < min_cols || ui->lines < min_lines :
	    ui->layout == LAYOUT_TINY;
	if (tiny || f == NULL || f->model == NULL) {
		if (tiny)
			ui_draw_tiny(ui, min_cols, min_lines);
		ui_cursor(ui, 0);
		refresh();
		return;
	}
	if (clock) {
		/* No footer under the clock: overlays may take every row. */
		screen = ui_rect(0, 0, ui->lines, ui->cols);
		view_clock_draw(&c, screen);
	} else {
		ui_draw_panes(ui, &c);
		screen = ui_rect(0, 0, ui->lines - 2, ui->cols);
	}
	switch (f->overlay) {
	case UI_OVERLAY_HELP:
		view_help_draw(&c, screen);
		break;
	case UI_OVERLAY_FORM:
		cursor = view_form_draw(&c, screen, &cy, &cx);
		break;
	case UI_OVERLAY_CONFIRM:
		view_form_confirm_draw(&c, screen);
		break;
	default:
		break;
	}
	ui_cursor(ui, cursor ? 1 : 0);
	if (cursor)
		move(cy, cx);
	refresh();
}
