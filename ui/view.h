/*
 * view.h -- what the ui/ files share: rectangles, the palette of roles,
 * the drawing helpers of view-draw.c and each view's entry points.
 *
 * Data flow: ui-screen.c owns the terminal and the layout; on each frame it
 * hands every view a struct view_ctx (the frame, the window, the palette)
 * and the rectangle it may draw in. Views read the model through its query
 * functions, pass all model text through text_sanitize() and text_fit() or
 * text_wrap() (view_draw_text() does it), and never draw outside their
 * rectangle. A view keeps only scroll positions and scratch buffers
 * between frames, in the state struct ui-screen.c lends it.
 */
#ifndef PODIUM_UI_VIEW_H
#define PODIUM_UI_VIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "model.h"
#include "ui.h"

/* A rectangle of the screen, in cells. Empty when h or w is <= 0. */
struct view_rect {
	int y, x, h, w;
};

/* What a piece of the screen means; the palette turns it into attributes. */
enum view_role {
	VIEW_ROLE_PLAIN,
	VIEW_ROLE_BAR,          /* header and focused tab: reverse video */
	VIEW_ROLE_TITLE,        /* pane title, pane not focused */
	VIEW_ROLE_TITLE_FOCUS,  /* pane title, pane focused */
	VIEW_ROLE_BORDER,
	VIEW_ROLE_BORDER_FOCUS,
	VIEW_ROLE_SELECT,       /* selected line in the focused pane */
	VIEW_ROLE_MARK,         /* selected line in another pane */
	VIEW_ROLE_CURRENT,      /* the current segment or speaker */
	VIEW_ROLE_DIM,          /* withdrawn, dismissed, hints */
	VIEW_ROLE_KEY,          /* a key name in the footer and help */
	VIEW_ROLE_STAGE_IDLE,   /* countdown stages, as enum model_stage */
	VIEW_ROLE_STAGE_NORMAL,
	VIEW_ROLE_STAGE_WARNING,
	VIEW_ROLE_STAGE_DANGER,
	VIEW_ROLE_STAGE_OVERTIME,
	VIEW_ROLE_ERROR,        /* a status line that reports a failure */
	VIEW_ROLE_ALERT,        /* the banner while nothing can be saved */
	VIEW_ROLE_COUNT
};

/* Attributes (colour pair included) of every role on this terminal. */
struct view_palette {
	attr_t attr[VIEW_ROLE_COUNT];
	bool colour;
};

/* What every view draws with. */
struct view_ctx {
	WINDOW *win;
	const struct ui_frame *f;
	const struct view_palette *pal;
};

/* Scroll position of the agenda list. */
struct view_agenda_state {
	int top;
};

/* Scroll position of the speaker list and its scratch list of ids. */
struct view_speakers_state {
	int top;
	int64_t *ids;
	size_t cap;
};

struct qlist;

/* Scroll positions of the question list and of the theme picker. */
struct view_questions_state {
	int top;              /* first row of the list shown */
	int theme_top;        /* first theme shown in the picker */
	struct qlist *own;    /* the list, when the frame brings none */
};

/* The attributes of a role. */
static inline attr_t
view_attr(const struct view_ctx *c, enum view_role role)
{
	return c->pal->attr[role];
}

/* The role that shows a countdown stage. */
static inline enum view_role
view_stage_role(enum model_stage stage)
{
	return (enum view_role)(VIEW_ROLE_STAGE_IDLE + (int)stage);
}

/* view-draw.c: clipped drawing of sanitised text, boxes, bars. */
void *view_draw_xrealloc(void *p, size_t n);
void *view_draw_xcalloc(size_t n, size_t size);
struct view_rect view_draw_inner(struct view_rect r);
struct view_rect view_draw_clip(WINDOW *win, struct view_rect r);
int view_draw_text(WINDOW *win, int y, int x, int maxw, const char *s,
    attr_t attr);
int view_draw_wtext(WINDOW *win, int y, int x, int maxw, const wchar_t *ws,
    size_t len, attr_t attr);
int view_draw_text_right(WINDOW *win, int y, int x, int w, const char *s,
    attr_t attr);
void view_draw_fill(WINDOW *win, int y, int x, int w, attr_t attr);
void view_draw_box(const struct view_ctx *c, struct view_rect r,
    const char *title, bool focus);
struct view_rect view_draw_dialog(const struct view_ctx *c,
    struct view_rect screen, int h, int w, const char *title);
void view_draw_centre(WINDOW *win, struct view_rect r, int y,
    const char *s, attr_t attr);
int view_draw_scroll(int top, int sel, int count, int rows);

/* view-bigdigits.c: a countdown in digits VIEW_BIGDIGITS_ROWS * scale high. */
#define VIEW_BIGDIGITS_ROWS 5
int view_bigdigits_width(const char *text, int scale);
int view_bigdigits_height(int scale);
void view_bigdigits_draw(WINDOW *win, int y, int x, const char *text,
    attr_t attr, int scale);

/*
 * view-clock.c: the mirror's clock view, a countdown filling the screen.
 * It draws from a smaller terminal than the panes need.
 */
#define VIEW_CLOCK_MIN_COLS 20
#define VIEW_CLOCK_MIN_LINES 5
void view_clock_draw(const struct view_ctx *c, struct view_rect screen);

/* view-header.c: the top bar and the tab bar of the compact layout. */
void view_header_draw(const struct view_ctx *c, struct view_rect r);
void view_header_tabs_draw(const struct view_ctx *c, struct view_rect r);

/* view-agenda.c: the agenda timeline. */
void view_agenda_draw(const struct view_ctx *c, struct view_rect r,
    bool boxed, struct view_agenda_state *st);
int view_agenda_page_rows(struct view_rect r, bool boxed);

/* view-speakers.c: the current speaker, its countdown and the queue. */
void view_speakers_draw(const struct view_ctx *c, struct view_rect r,
    bool boxed, struct view_speakers_state *st);
void view_speakers_line_draw(const struct view_ctx *c, struct view_rect r);
int view_speakers_page_rows(struct view_rect r, bool boxed);
void view_speakers_finish(struct view_speakers_state *st);

/* view-questions.c: questions grouped by theme and the selected one. */
void view_questions_draw(const struct view_ctx *c, struct view_rect r,
    bool boxed, struct view_questions_state *st);
int view_questions_page_rows(struct view_rect r, bool boxed);
void view_questions_finish(struct view_questions_state *st);

/* view-footer.c: the keys of the focused pane and the status line. */
void view_footer_draw(const struct view_ctx *c, struct view_rect keys,
    struct view_rect status);

/* view-help.c: the help overlay. */
void view_help_draw(const struct view_ctx *c, struct view_rect screen);

/* view-form.c: the form and confirmation overlays. */
bool view_form_draw(const struct view_ctx *c, struct view_rect screen,
    int *cursor_y, int *cursor_x);
void view_form_confirm_draw(const struct view_ctx *c,
    struct view_rect screen);

#endif /* PODIUM_UI_VIEW_H */
