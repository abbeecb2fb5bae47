/*
 * ui.h -- the terminal: drawing a frame of the console and reading keys.
 *
 * The UI draws only what it is handed in a struct ui_frame (the model and
 * the console's own view state); it never changes the model and decides
 * nothing. The chair console and the co-host's mirror draw through the
 * same code. Only ui/ includes curses.
 *
 * Layout (ui/ui-screen.c): at 100x30 and larger every pane is shown at
 * once (header, agenda, speakers, questions, footer); below that down to
 * UI_MIN_COLS x UI_MIN_LINES the header stays and the focused pane fills
 * the rest with a tab bar; smaller still shows "terminal too small".
 */
#ifndef PODIUM_UI_H
#define PODIUM_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct command;
struct form;
struct qlist;

/* Smallest terminal the console draws in. */
#define UI_MIN_COLS 50
#define UI_MIN_LINES 14
/* Smallest terminal that shows all panes at once. */
#define UI_FULL_COLS 100
#define UI_FULL_LINES 30

enum ui_pane {
	UI_PANE_AGENDA,
	UI_PANE_SPEAKERS,
	UI_PANE_QUESTIONS,
	UI_PANE_COUNT
};

enum ui_overlay {
	UI_OVERLAY_NONE,
	UI_OVERLAY_HELP,    /* every key, from the command table */
	UI_OVERLAY_FORM,    /* a small form, e.g. the floor request of f */
	UI_OVERLAY_CONFIRM, /* a yes/no question, e.g. quit while running */
	UI_OVERLAY_THEME,   /* the theme picker of t, in the questions pane */
	UI_OVERLAY_SEARCH,  /* the search prompt of /, in the questions pane */
};

/* Everything one frame shows. */
struct ui_frame {
	const struct model *model;
	struct model_time now;
	const char *mode_label;   /* "LIVE", "REHEARSAL x20", "MIRROR" ... */
	bool read_only;           /* the mirror */
	bool clock_view;          /* draw only the big countdown (mirror) */
	enum ui_pane focus;
	int agenda_sel;           /* selected segment index */
	int view_segment;         /* segment whose queue the speaker pane lists */
	int64_t speaker_sel;      /* selected speaker id, or -1 */
	int64_t question_sel;     /* selected question id, or -1 */
	const char *status;       /* last action, "saved", an error; may be NULL */
	bool status_error;
	const char *banner;       /* saving fails: shown over the keys; or NULL */
	enum ui_overlay overlay;
	const struct form *form;  /* for UI_OVERLAY_FORM */
	const char *confirm;      /* for UI_OVERLAY_CONFIRM */
	int help_scroll;          /* first line of the help overlay */
	const struct command *commands; /* for the footer and the help */
	size_t ncommands;
	/*
	 * The questions pane's display order, up to date with model; NULL:
	 * the view keeps its own, filtered by question_search.
	 */
	const struct qlist *qlist;
	const char *question_search; /* the search typed or kept; NULL: none */
	int theme_sel;            /* highlighted theme in UI_OVERLAY_THEME */
};

/* Keys as the console sees them, without curses. */
enum ui_key_kind {
	UI_KEY_NONE,
	UI_KEY_CHAR,      /* ch holds the character */
	UI_KEY_UP,
	UI_KEY_DOWN,
	UI_KEY_LEFT,
	UI_KEY_RIGHT,
	UI_KEY_TAB,
	UI_KEY_BTAB,
	UI_KEY_ENTER,
	UI_KEY_ESCAPE,
	UI_KEY_BACKSPACE,
	UI_KEY_DELETE,
	UI_KEY_HOME,
	UI_KEY_END,
	UI_KEY_PGUP,
	UI_KEY_PGDN,
	UI_KEY_F1,
	UI_KEY_RESIZE,
};

struct ui_key {
	enum ui_key_kind kind;
	uint32_t ch; /* a Unicode code point, for UI_KEY_CHAR */
};

struct ui;

/*
 * Take over the terminal (ncursesw, no echo, keypad, no delay). Colours are
 * used when the terminal has them and NO_COLOR is unset; otherwise bold,
 * reverse and blink stand in. NULL with *cause if the terminal is unusable.
 */
struct ui *ui_create(char **cause);

/* Give the terminal back as it was; NULL is accepted. */
void ui_destroy(struct ui *ui);

/* Draw one frame (only what changed reaches the terminal). */
void ui_draw(struct ui *ui, const struct ui_frame *f);

/* Recompute the layout after the terminal changed size (SIGWINCH). */
void ui_resize(struct ui *ui);

/* Ring the terminal bell. */
void ui_bell(struct ui *ui);

/* Read one pending key without blocking; false if there is none. */
bool ui_read_key(struct ui *ui, struct ui_key *key);

/* Rows the focused pane's list can show, for page up / page down. */
int ui_page_rows(const struct ui *ui, enum ui_pane pane);

#endif /* PODIUM_UI_H */
