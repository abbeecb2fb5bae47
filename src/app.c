/*
 * app.c -- the chair console's brain.
 *
 * Keys come in through app_key(): while an overlay (help, form, confirm)
 * is up it takes the key; otherwise the key is looked up in the key map
 * and becomes a command, dispatched by app_command(), the one place where
 * the console acts. A command that changes the session goes through
 * session_do()/session_undo(), which commit before returning, so the
 * status line says "saved" only for what is on disk. Drawing happens once
 * per loop turn from the dirty flag (app_draw()).
 *
 * While the session cannot save (disk full, read-only, ...), a banner
 * says so over the keys row and every change is refused by the session;
 * app_tick() has the session check the store once a second, and the
 * banner goes as soon as a write works again.
 */
#include "app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "qlist.h"
#include "timefmt.h"

#define APP_SPEAKERS_MAX 5000

struct app {
	struct session *session;
	struct ui *ui;
	enum ui_pane focus;
	int agenda_sel;
	int64_t speaker_sel;
	int64_t question_sel;
	int followed_segment;   /* the current segment the view last followed */
	char status[256];
	bool status_error;
	enum ui_overlay overlay;
	struct form form;
	int form_segment;
	char confirm[160];
	int help_scroll;
	char mode_label[48];
	bool read_only;         /* a co-host's mirror */
	bool clock_view;        /* the mirror's --view clock */
	bool quit;
	bool dirty;
	int64_t bell_speaker;   /* speaker whose overtime was last seen */
	bool bell_overtime;
	int64_t *ids;           /* scratch for model_segment_speakers */
	struct qlist *qlist;    /* the questions pane's display order */
	struct form search;     /* the question search, one field */
	int theme_sel;          /* highlighted theme of the picker */
	int64_t theme_question; /* the question the picker is for */
	char banner[200];       /* why nothing can be saved, or "" */
};

/* Key map: which key runs which command outside overlays. */
static const struct {
	enum ui_key_kind kind;
	uint32_t ch;
	enum command_id cmd;
} app_keymap[] = {
	{ UI_KEY_CHAR, ' ', CMD_TOGGLE },
	{ UI_KEY_CHAR, 'n', CMD_NEXT_SPEAKER },
	{ UI_KEY_CHAR, '+', CMD_ADD_TIME },
	{ UI_KEY_CHAR, '=', CMD_ADD_TIME },
	{ UI_KEY_CHAR, '-', CMD_REMOVE_TIME },
	{ UI_KEY_CHAR, ']', CMD_SEGMENT_NEXT },
	{ UI_KEY_CHAR, '[', CMD_SEGMENT_PREV },
	{ UI_KEY_TAB, 0, CMD_FOCUS_NEXT },
	{ UI_KEY_RIGHT, 0, CMD_FOCUS_NEXT },
	{ UI_KEY_BTAB, 0, CMD_FOCUS_PREV },
	{ UI_KEY_LEFT, 0, CMD_FOCUS_PREV },
	{ UI_KEY_UP, 0, CMD_SELECT_UP },
	{ UI_KEY_CHAR, 'k', CMD_SELECT_UP },
	{ UI_KEY_DOWN, 0, CMD_SELECT_DOWN },
	{ UI_KEY_CHAR, 'j', CMD_SELECT_DOWN },
	{ UI_KEY_PGUP, 0, CMD_PAGE_UP },
	{ UI_KEY_PGDN, 0, CMD_PAGE_DOWN },
	{ UI_KEY_CHAR, 'K', CMD_MOVE_UP },
	{ UI_KEY_CHAR, 'J', CMD_MOVE_DOWN },
	{ UI_KEY_CHAR, 'f', CMD_FLOOR },
	{ UI_KEY_CHAR, 'w', CMD_WITHDRAW },
	{ UI_KEY_CHAR, 'u', CMD_UNDO },
	{ UI_KEY_CHAR, '?', CMD_HELP },
	{ UI_KEY_F1, 0, CMD_HELP },
	{ UI_KEY_CHAR, 'q', CMD_QUIT },
	{ UI_KEY_CHAR, 'a', CMD_APPROVE },
	{ UI_KEY_CHAR, 'd', CMD_DISMISS },
	{ UI_KEY_CHAR, 'o', CMD_ON_AIR },
	{ UI_KEY_CHAR, 'x', CMD_ANSWERED },
	{ UI_KEY_CHAR, 't', CMD_THEME },
	{ UI_KEY_CHAR, '/', CMD_SEARCH },
};

/* Set the status line. */
static void
app_status(struct app *app, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
app_status(struct app *app, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->status, sizeof app->status, fmt, ap);
	va_end(ap);
	app->status_error = error;
	app->dirty = true;
}

/* Number of segments of the event. */
static int
app_nsegments(const struct app *app)
{
	return (int)app->session->model->event->nsegments;
}

/*
 * Keep the agenda selection on the current segment whenever the current
 * segment changes, so the listed queue is the one being run.
 */
static void
app_follow(struct app *app)
{
	int cur = app->session->model->current_segment;
	int n = app_nsegments(app);

	if (cur == app->followed_segment)
		return;
	app->followed_segment = cur;
	app->agenda_sel = cur < 0 ? 0 : cur >= n ? n - 1 : cur;
	app->speaker_sel = -1;
}

/* The ids listed in the speaker pane, in display order. */
static size_t
app_listed(struct app *app)
{
	return model_segment_speakers(app->session->model, app->agenda_sel,
	    app->ids, APP_SPEAKERS_MAX);
}

/* Make sure the speaker selection is one of the listed speakers. */
static void
app_fix_selection(struct app *app)
{
	size_t n = app_listed(app);

	if (n > APP_SPEAKERS_MAX)
		n = APP_SPEAKERS_MAX;
	for (size_t i = 0; i < n; i++) {
		if (app->ids[i] == app->speaker_sel)
			return;
	}
	app->speaker_sel = n > 0 ? app->ids[0] : -1;
}

/* The mode shown in the header. */
static void
app_label(struct app *app)
{
	const struct session *s = app->session;
	char speed[24] = "";

	if (s->rehearsal)
		snprintf(speed, sizeof speed, " x%g", s->clock.speed);
	snprintf(app->mode_label, sizeof app->mode_label, "%s%s%s",
	    app->read_only ? "MIRROR · " : "", s->rehearsal ? "REHEARSAL" :
	    "LIVE", speed);
}

/* Create the console over an open session and a UI. */
struct app *
app_create(struct session *s, struct ui *ui)
{
	struct app *app = calloc(1, sizeof *app);
	const struct model_speaker *cur;

	if (app == NULL || (app->ids = calloc(APP_SPEAKERS_MAX,
	    sizeof *app->ids)) == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	app->session = s;
	app->ui = ui;
	app->focus = UI_PANE_SPEAKERS;
	app->followed_segment = -2;
	app->question_sel = -1;
	app->speaker_sel = -1;
	app->dirty = true;
	app->qlist = qlist_create();
	form_init(&app->search, "Search");
	form_add(&app->search, "/", FORM_TEXT, false, "");
	app_label(app);
	app_follow(app);
	app_fix_selection(app);
	/* A speaker already in overtime at start-up gets no second bell. */
	cur = model_speaker_current(s->model);
	if (cur != NULL) {
		app->bell_speaker = cur->id;
		app->bell_overtime = model_speaker_stage(cur,
		    session_now(s).mono_ms) == MODEL_STAGE_OVERTIME;
	}
	if (s->created)
		app_status(app, false, "new session database %s", s->db_path);
	else
		app_status(app, false, "resumed from %s", s->db_path);
	if (s->event_differs)
		app_status(app, true, "the event file differs from the one this "
		    "database was created with; showing the stored event");
	return app;
}

/* Make this console a co-host's read-only mirror. */
void
app_set_mirror(struct app *app, bool clock_view)
{
	app->read_only = true;
	app->clock_view = clock_view;
	app_label(app);
	/* The clock view keeps its rows for the digits: no idle status there. */
	if (clock_view)
		app->status[0] = '\0';
	else
		app_status(app, false, "read-only mirror: navigation, search and "
		    "help work here");
}

/* Switch to another session (a mirror's new snapshot). */
void
app_set_session(struct app *app, struct session *s)
{
	app->session = s;
	app->followed_segment = -2;
	app->speaker_sel = -1;
	qlist_invalidate(app->qlist);
	app_label(app);
	app_follow(app);
	app_fix_selection(app);
	app->dirty = true;
}

/* Free the console. */
void
app_destroy(struct app *app)
{
	if (app == NULL)
		return;
	free(app->ids);
	qlist_destroy(app->qlist);
	free(app);
}

/* Apply a model action through the session and report the outcome. */
static bool
app_act(struct app *app, struct model_action *a, const char *done)
{
	char err[256];

	if (!session_do(app->session, a, "chair", err, sizeof err)) {
		app_status(app, true, "%s", err);
		return false;
	}
	app_status(app, false, "%s · saved", done);
	app_follow(app);
	app_fix_selection(app);
	return true;
}

/* Run a model action that needs no arguments. */
static void
app_simple(struct app *app, enum model_action_type type, const char *done)
{
	struct model_action a;

	memset(&a, 0, sizeof a);
	a.type = type;
	app_act(app, &a, done);
}

/* Start or pause the current speaker, saying which. */
static void
app_toggle(struct app *app)
{
	const struct model_speaker *s =
	    model_speaker_current(app->session->model);
	bool was_running = s != NULL && model_speaker_running(s);

	app_simple(app, MODEL_ACTION_TOGGLE, was_running ?
	    "countdown paused" : "countdown running");
}

/* End the current speaker; say who is next or that the queue is empty. */
static void
app_next_speaker(struct app *app)
{
	struct model_action a;
	const struct model_speaker *s;

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_NEXT_SPEAKER;
	if (!app_act(app, &a, "next speaker"))
		return;
	/* Select the new current speaker, the one K/J and w work around. */
	app->speaker_sel = -1;
	app_fix_selection(app);
	s = model_speaker_current(app->session->model);
	if (s == NULL)
		app_status(app, false, "no more speakers queued in this segment; "
		    "] starts the next segment · saved");
	else
		app_status(app, false, "next: %.80s (Space starts) · saved",
		    s->name);
}

/* Add or remove time from the current speaker. */
static void
app_add_time(struct app *app, int seconds)
{
	struct model_action a;

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_ADD_TIME;
	a.delta = seconds;
	app_act(app, &a, seconds > 0 ? "+30 s" : "-30 s");
}

/* Move to the next or previous agenda segment. */
static void
app_segment(struct app *app, int dir)
{
	const struct model *m = app->session->model;
	const struct model_segment *seg;

	app_simple(app, dir > 0 ? MODEL_ACTION_SEGMENT_NEXT :
	    MODEL_ACTION_SEGMENT_PREV, dir > 0 ? "next segment" :
	    "previous segment");
	if (app->status_error)
		return;
	seg = model_segment_current(m);
	if (seg == NULL)
		app_status(app, false, "session ended · saved");
	else
		app_status(app, false, "segment %d: %.100s · saved",
		    m->current_segment + 1, seg->plan->title);
}

/* Move the selected queued speaker up or down its queue. */
static void
app_move(struct app *app, int delta)
{
	struct model_action a;

	if (app->focus != UI_PANE_SPEAKERS || app->speaker_sel < 0) {
		app_status(app, true, "select a queued speaker in the speakers "
		    "pane first (Tab)");
		return;
	}
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_MOVE;
	a.target = app->speaker_sel;
	a.delta = delta;
	app_act(app, &a, delta < 0 ? "moved up" : "moved down");
}

/* Withdraw the selected queued speaker. */
static void
app_withdraw(struct app *app)
{
	struct model_action a;

	if (app->focus != UI_PANE_SPEAKERS || app->speaker_sel < 0) {
		app_status(app, true, "select a queued speaker in the speakers "
		    "pane first (Tab)");
		return;
	}
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_WITHDRAW;
	a.target = app->speaker_sel;
	app_act(app, &a, "withdrawn");
}

/* Open the floor-request form for the listed segment. */
static void
app_floor(struct app *app)
{
	const struct model *m = app->session->model;
	const struct model_event *ev = m->event;
	char secs[16];
	const char *lang = ev->nlanguages > 0 ? ev->languages[0] : "";

	for (size_t i = 0; i < ev->nlanguages; i++) {
		if (strcmp(ev->languages[i], "en") == 0)
			lang = "en";
	}
	if (m->current_segment >= (int)ev->nsegments) {
		app_status(app, true, "the session has ended; [ reopens the last "
		    "segment");
		return;
	}
	snprintf(secs, sizeof secs, "%d", ev->speaker_s);
	form_init(&app->form, "Add a speaker");
	form_add(&app->form, "Name", FORM_TEXT, true, "");
	form_add(&app->form, "Organisation", FORM_TEXT, false, "");
	form_add(&app->form, "Language", FORM_LANG, true, lang);
	form_add(&app->form, "Seconds", FORM_SECONDS, true, secs);
	app->form_segment = app->agenda_sel;
	app->overlay = UI_OVERLAY_FORM;
	app_status(app, false, "adding a speaker to segment %d: %.80s",
	    app->agenda_sel + 1, ev->segments[app->agenda_sel].title);
}

/* The form was confirmed: add the speaker it describes. */
static void
app_floor_submit(struct app *app)
{
	const struct model_event *ev = app->session->model->event;
	struct model_action a;
	char done[300];

	if (!form_validate(&app->form, ev->languages, ev->nlanguages)) {
		app->dirty = true;
		return;
	}
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_ADD;
	a.speaker.name = app->form.fields[0].value;
	a.speaker.org = app->form.fields[1].value;
	a.speaker.lang = app->form.fields[2].value;
	a.speaker.seconds = form_seconds(app->form.fields[3].value);
	a.speaker.segment = app->form_segment;
	snprintf(done, sizeof done, "added %.100s to segment %d",
	    app->form.fields[0].value, app->form_segment + 1);
	if (app_act(app, &a, done)) {
		app->overlay = UI_OVERLAY_NONE;
		app->speaker_sel = a.seq;
	} else {
		snprintf(app->form.error, sizeof app->form.error, "%.150s",
		    app->status);
	}
}

/* Bring the question list up to date and keep the selection on it. */
static void
app_questions_sync(struct app *app)
{
	const struct model *m = app->session->model;

	qlist_update(app->qlist, m);
	if (qlist_row_of(app->qlist, m, app->question_sel) == QLIST_NO_ROW)
		app->question_sel = qlist_step(app->qlist, m, -1, 0);
}

/* Move the question selection by delta rows of the list. */
static void
app_question_select(struct app *app, int delta)
{
	app_questions_sync(app);
	app->question_sel = qlist_step(app->qlist, app->session->model,
	    app->question_sel, delta);
}

/*
 * The selected question for a key that acts on it, or NULL with the
 * status line saying why. Outside the questions pane the key only brings
 * the pane forward, so that nothing is done to a question the chair may
 * not be looking at (in the compact layout it is not on screen).
 */
static const struct model_question *
app_question_target(struct app *app, char key)
{
	const struct model *m = app->session->model;
	const struct model_question *q;

	if (app->focus != UI_PANE_QUESTIONS) {
		app->focus = UI_PANE_QUESTIONS;
		app_status(app, false, "questions pane: select a question, then "
		    "press %c again", key);
		return NULL;
	}
	app_questions_sync(app);
	q = model_question_find(m, app->question_sel);
	if (q == NULL)
		app_status(app, true, m->nquestions == 0 ? "no questions yet" :
		    "no question listed; Esc in the search (/) lists them all");
	return q;
}

/* a, d, o, x: move the selected question to a status. */
static void
app_question_status(struct app *app, enum model_question_status status,
    char key)
{
	const struct model_question *q = app_question_target(app, key);
	struct model_action a;
	int64_t id, was_on_air = -1;
	char done[128];
	size_t k;

	if (q == NULL)
		return;
	id = q->id;
	k = qlist_on_air(app->qlist);
	if (k != QLIST_NO_ROW)
		was_on_air = app->session->model->questions[k].id;
	switch (status) {
	case MODEL_QUESTION_APPROVED:
		snprintf(done, sizeof done, "approved question %lld",
		    (long long)id);
		break;
	case MODEL_QUESTION_DISMISSED:
		snprintf(done, sizeof done, "dismissed question %lld",
		    (long long)id);
		break;
	case MODEL_QUESTION_ON_AIR:
		if (was_on_air >= 0 && was_on_air != id)
			snprintf(done, sizeof done, "question %lld on air; "
			    "question %lld answered", (long long)id,
			    (long long)was_on_air);
		else
			snprintf(done, sizeof done, "question %lld on air",
			    (long long)id);
		break;
	default:
		snprintf(done, sizeof done, "question %lld answered",
		    (long long)id);
		break;
	}
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_QUESTION_STATUS;
	a.target = id;
	a.status = status;
	app_act(app, &a, done);
}

/* t: open the theme picker on the selected question's theme. */
static void
app_theme_open(struct app *app)
{
	const struct model_event *ev = app->session->model->event;
	const struct model_question *q = app_question_target(app, 't');

	if (q == NULL)
		return;
	if (ev->nthemes == 0) {
		app_status(app, true, "this event has no themes to choose from");
		return;
	}
	app->theme_question = q->id;
	app->theme_sel = 0;
	for (size_t t = 0; t < ev->nthemes; t++) {
		if (q->theme != NULL ? strcmp(ev->themes[t].key, q->theme) == 0 :
		    strcmp(ev->themes[t].key, "other") == 0)
			app->theme_sel = (int)t;
	}
	app->overlay = UI_OVERLAY_THEME;
	app_status(app, false, "theme of question %lld: 1-%d or Up/Down and "
	    "Enter; Esc cancels", (long long)q->id,
	    ev->nthemes > 9 ? 9 : (int)ev->nthemes);
}

/* Give the picked theme to the question the picker was opened for. */
static void
app_theme_apply(struct app *app, int theme)
{
	const struct model_event *ev = app->session->model->event;
	const struct model_question *q =
	    model_question_find(app->session->model, app->theme_question);
	const struct model_theme *th = &ev->themes[theme];
	struct model_action a;
	char done[160];

	app->overlay = UI_OVERLAY_NONE;
	if (q == NULL) {
		app_status(app, true, "question %lld is gone; theme unchanged",
		    (long long)app->theme_question);
		return;
	}
	if (q->theme != NULL && strcmp(q->theme, th->key) == 0 &&
	    !q->theme_auto) {
		app_status(app, false, "question %lld is already under %.80s",
		    (long long)q->id, th->title);
		return;
	}
	/* Picking the suggested theme confirms it: no longer "suggested". */
	snprintf(done, sizeof done, "question %lld theme: %.80s%s",
	    (long long)q->id, th->title, q->theme != NULL &&
	    strcmp(q->theme, th->key) == 0 ? " (confirmed)" : "");
	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_QUESTION_THEME;
	a.target = q->id;
	a.theme = th->key;
	app_act(app, &a, done);
}

/* Keys while the theme picker is open. */
static void
app_theme_key(struct app *app, const struct ui_key *key)
{
	int n = (int)app->session->model->event->nthemes;

	if (key->kind == UI_KEY_ESCAPE || (key->kind == UI_KEY_CHAR &&
	    key->ch == 'q')) {
		app->overlay = UI_OVERLAY_NONE;
		app_status(app, false, "theme unchanged");
	} else if (key->kind == UI_KEY_ENTER) {
		app_theme_apply(app, app->theme_sel);
	} else if (key->kind == UI_KEY_UP || (key->kind == UI_KEY_CHAR &&
	    key->ch == 'k')) {
		if (app->theme_sel > 0)
			app->theme_sel--;
	} else if (key->kind == UI_KEY_DOWN || (key->kind == UI_KEY_CHAR &&
	    key->ch == 'j')) {
		if (app->theme_sel < n - 1)
			app->theme_sel++;
	} else if (key->kind == UI_KEY_HOME) {
		app->theme_sel = 0;
	} else if (key->kind == UI_KEY_END) {
		app->theme_sel = n - 1;
	} else if (key->kind == UI_KEY_CHAR && key->ch >= '1' &&
	    key->ch <= '9' && (int)(key->ch - '1') < n) {
		app->theme_sel = (int)(key->ch - '1');
		app_theme_apply(app, app->theme_sel);
	} else {
		app_status(app, true, "1-%d or Up/Down and Enter pick a theme; "
		    "Esc cancels", n > 9 ? 9 : n);
	}
}

/* /: open the search prompt over the questions pane. */
static void
app_search_open(struct app *app)
{
	app->focus = UI_PANE_QUESTIONS;
	app->overlay = UI_OVERLAY_SEARCH;
	app_status(app, false, "search questions: type to filter; Enter keeps "
	    "the filter, Esc clears it");
}

/* The search changed: filter the list and say how much it lists. */
static void
app_search_changed(struct app *app)
{
	const char *s = app->search.fields[0].value;

	qlist_set_search(app->qlist, s);
	app_questions_sync(app);
	if (s[0] == '\0')
		app_status(app, false, "search: type to filter; Enter keeps the "
		    "filter, Esc clears it");
	else
		app_status(app, qlist_listed(app->qlist) == 0, "%zu of %zu "
		    "questions match \"%.60s\"", qlist_listed(app->qlist),
		    qlist_total(app->qlist), s);
}

/* Keys while the search prompt is open. */
static void
app_search_key(struct app *app, const struct ui_key *key)
{
	struct form *f = &app->search;

	switch (key->kind) {
	case UI_KEY_ESCAPE:
		f->fields[0].value[0] = '\0';
		qlist_set_search(app->qlist, "");
		app->overlay = UI_OVERLAY_NONE;
		app_questions_sync(app);
		app_status(app, false, "search cleared: all %zu questions listed",
		    qlist_total(app->qlist));
		break;
	case UI_KEY_ENTER:
		app->overlay = UI_OVERLAY_NONE;
		if (f->fields[0].value[0] == '\0')
			app_status(app, false, "no search: all questions listed");
		else
			app_search_changed(app);
		break;
	case UI_KEY_BACKSPACE:
		form_backspace(f);
		app_search_changed(app);
		break;
	case UI_KEY_UP:
	case UI_KEY_DOWN:
		app_question_select(app, key->kind == UI_KEY_UP ? -1 : 1);
		break;
	case UI_KEY_CHAR:
		if (!form_insert(f, key->ch) ||
		    strlen(f->fields[0].value) > QLIST_SEARCH_MAX) {
			if (strlen(f->fields[0].value) > QLIST_SEARCH_MAX)
				form_backspace(f);
			app_status(app, true, "the search is full");
			break;
		}
		app_search_changed(app);
		break;
	default:
		break;
	}
}

/* Hand the questions pane's list, search and picker to a frame. */
static void
app_questions_frame(struct app *app, struct ui_frame *f)
{
	app_questions_sync(app);
	f->question_sel = app->question_sel;
	f->qlist = app->qlist;
	f->question_search = app->search.fields[0].value;
	f->theme_sel = app->theme_sel;
}

/* Move the selection of the focused pane by delta rows. */
static void
app_select(struct app *app, int delta)
{
	int n;

	switch (app->focus) {
	case UI_PANE_AGENDA:
		n = app_nsegments(app);
		app->agenda_sel += delta;
		if (app->agenda_sel < 0)
			app->agenda_sel = 0;
		if (app->agenda_sel >= n)
			app->agenda_sel = n - 1;
		app->speaker_sel = -1;
		app_fix_selection(app);
		break;
	case UI_PANE_SPEAKERS: {
		size_t count = app_listed(app), i;
		long pos;

		if (count > APP_SPEAKERS_MAX)
			count = APP_SPEAKERS_MAX;
		if (count == 0)
			break;
		for (i = 0; i < count && app->ids[i] != app->speaker_sel; i++)
			;
		pos = (i == count ? 0 : (long)i) + delta;
		if (pos < 0)
			pos = 0;
		if (pos >= (long)count)
			pos = (long)count - 1;
		app->speaker_sel = app->ids[pos];
		break;
	}
	case UI_PANE_QUESTIONS:
		app_question_select(app, delta);
		break;
	default:
		break;
	}
	app->dirty = true;
}

/* Whether the current speaker's countdown is running. */
static bool
app_countdown_running(const struct app *app)
{
	const struct model_speaker *s =
	    model_speaker_current(app->session->model);

	return s != NULL && model_speaker_running(s);
}

/* Run one command of the command table. */
void
app_command(struct app *app, enum command_id id)
{
	const struct command *cmd = command_get(id);
	char msg[256];
	int page;

	app->dirty = true;
	/* The one gate of the read-only mirror: every command passes here. */
	if (app->read_only && cmd != NULL && !cmd->mirror_ok) {
		app_status(app, true, "read-only: %s is for the chair; this is a "
		    "mirror", cmd->label);
		return;
	}
	switch (id) {
	case CMD_TOGGLE:
		app_toggle(app);
		break;
	case CMD_NEXT_SPEAKER:
		app_next_speaker(app);
		break;
	case CMD_ADD_TIME:
		app_add_time(app, MODEL_TIME_STEP_S);
		break;
	case CMD_REMOVE_TIME:
		app_add_time(app, -MODEL_TIME_STEP_S);
		break;
	case CMD_SEGMENT_NEXT:
		app_segment(app, 1);
		break;
	case CMD_SEGMENT_PREV:
		app_segment(app, -1);
		break;
	case CMD_FOCUS_NEXT:
		app->focus = (app->focus + 1) % UI_PANE_COUNT;
		break;
	case CMD_FOCUS_PREV:
		app->focus = (app->focus + UI_PANE_COUNT - 1) % UI_PANE_COUNT;
		break;
	case CMD_SELECT_UP:
		app_select(app, -1);
		break;
	case CMD_SELECT_DOWN:
		app_select(app, 1);
		break;
	case CMD_PAGE_UP:
	case CMD_PAGE_DOWN:
		page = ui_page_rows(app->ui, app->focus);
		app_select(app, (id == CMD_PAGE_UP ? -1 : 1) *
		    (page > 1 ? page - 1 : 1));
		break;
	case CMD_MOVE_UP:
		app_move(app, -1);
		break;
	case CMD_MOVE_DOWN:
		app_move(app, 1);
		break;
	case CMD_FLOOR:
		app_floor(app);
		break;
	case CMD_WITHDRAW:
		app_withdraw(app);
		break;
	case CMD_UNDO:
		if (session_undo(app->session, msg, sizeof msg)) {
			qlist_invalidate(app->qlist);
			for (char *p = msg; *p != '\0'; p++) {
				if (*p == '_')
					*p = ' ';
			}
			app_status(app, false, "%s · saved", msg);
			app_follow(app);
			app_fix_selection(app);
		} else {
			app_status(app, true, "%s", msg);
		}
		break;
	case CMD_HELP:
		app->overlay = UI_OVERLAY_HELP;
		app->help_scroll = 0;
		break;
	case CMD_QUIT:
		/* A mirror's quit stops nothing: no need to ask. */
		if (!app->read_only && app_countdown_running(app)) {
			snprintf(app->confirm, sizeof app->confirm,
			    "A countdown is running. Quit anyway? It keeps "
			    "running and is shown again on restart.");
			app->overlay = UI_OVERLAY_CONFIRM;
		} else {
			app->quit = true;
		}
		break;
	case CMD_APPROVE:
		app_question_status(app, MODEL_QUESTION_APPROVED, 'a');
		break;
	case CMD_DISMISS:
		app_question_status(app, MODEL_QUESTION_DISMISSED, 'd');
		break;
	case CMD_ON_AIR:
		app_question_status(app, MODEL_QUESTION_ON_AIR, 'o');
		break;
	case CMD_ANSWERED:
		app_question_status(app, MODEL_QUESTION_ANSWERED, 'x');
		break;
	case CMD_THEME:
		app_theme_open(app);
		break;
	case CMD_SEARCH:
		app_search_open(app);
		break;
	case CMD_COUNT:
		break;
	}
}

/* Keys while the floor-request form is open. */
static void
app_form_key(struct app *app, const struct ui_key *key)
{
	struct form *f = &app->form;

	f->error[0] = '\0';
	switch (key->kind) {
	case UI_KEY_ESCAPE:
		app->overlay = UI_OVERLAY_NONE;
		app_status(app, false, "no speaker added");
		break;
	case UI_KEY_ENTER:
		if (f->cur + 1 < f->nfields)
			form_move(f, 1);
		else
			app_floor_submit(app);
		break;
	case UI_KEY_TAB:
	case UI_KEY_DOWN:
		form_move(f, 1);
		break;
	case UI_KEY_BTAB:
	case UI_KEY_UP:
		form_move(f, -1);
		break;
	case UI_KEY_BACKSPACE:
		form_backspace(f);
		break;
	case UI_KEY_CHAR:
		if (!form_insert(f, key->ch))
			snprintf(f->error, sizeof f->error,
			    "that character cannot go in this field (full, or "
			    "a control character)");
		break;
	default:
		break;
	}
}

/* Handle one key. */
void
app_key(struct app *app, const struct ui_key *key)
{
	app->dirty = true;
	if (key->kind == UI_KEY_RESIZE) {
		app_resized(app);
		return;
	}
	switch (app->overlay) {
	case UI_OVERLAY_FORM:
		app_form_key(app, key);
		return;
	case UI_OVERLAY_CONFIRM:
		app->overlay = UI_OVERLAY_NONE;
		if (key->kind == UI_KEY_CHAR && (key->ch == 'y' || key->ch == 'Y'))
			app->quit = true;
		else
			app_status(app, false, "still running");
		return;
	case UI_OVERLAY_HELP:
		if (key->kind == UI_KEY_DOWN || (key->kind == UI_KEY_CHAR &&
		    key->ch == 'j'))
			app->help_scroll++;
		else if ((key->kind == UI_KEY_UP || (key->kind == UI_KEY_CHAR &&
		    key->ch == 'k')) && app->help_scroll > 0)
			app->help_scroll--;
		else
			app->overlay = UI_OVERLAY_NONE;
		if (app->help_scroll > (int)command_count)
			app->help_scroll = (int)command_count;
		return;
	case UI_OVERLAY_THEME:
		app_theme_key(app, key);
		return;
	case UI_OVERLAY_SEARCH:
		app_search_key(app, key);
		return;
	case UI_OVERLAY_NONE:
		break;
	}
	for (size_t i = 0; i < sizeof app_keymap / sizeof app_keymap[0]; i++) {
		if (app_keymap[i].kind == key->kind && (key->kind != UI_KEY_CHAR ||
		    app_keymap[i].ch == key->ch)) {
			app_command(app, app_keymap[i].cmd);
			return;
		}
	}
	if (key->kind == UI_KEY_CHAR && key->ch >= 0x20 && key->ch < 0x7f)
		app_status(app, true, "'%c' does nothing here; ? shows every key",
		    (char)key->ch);
	else if (key->kind != UI_KEY_ESCAPE)
		app_status(app, true, "that key does nothing here; ? shows every "
		    "key");
}

/* Read one pending key from the terminal. */
bool
app_read_key(struct app *app, struct ui_key *key)
{
	return app->ui != NULL && ui_read_key(app->ui, key);
}

/* The banner for a session that cannot save; "" while it can. */
static void
app_banner(struct app *app)
{
	const struct session *s = app->session;
	const char *what;

	if (s->save_error[0] == '\0') {
		app->banner[0] = '\0';
		return;
	}
	switch (s->save_fault) {
	case STORE_FAULT_FULL:
		what = "disk full — actions are refused until there is space "
		    "again";
		break;
	case STORE_FAULT_READONLY:
		what = "the disk is read-only — actions are refused until it "
		    "is writable";
		break;
	case STORE_FAULT_BUSY:
		what = "another program holds the database — actions are "
		    "refused until it lets go";
		break;
	case STORE_FAULT_LOG:
		what = "the database's log file was removed — actions are "
		    "refused; keep podium running";
		break;
	default:
		what = "the disk fails — actions are refused until it takes "
		    "writes again";
		break;
	}
	snprintf(app->banner, sizeof app->banner, "NOT SAVED: %s", what);
}

/* The clock moved on. */
void
app_tick(struct app *app)
{
	const struct model_speaker *s;
	bool over;

	/* Once a second: has saving failed, or started working again? */
	if (session_maintain(app->session)) {
		if (app->session->save_error[0] == '\0')
			app_status(app, false, "saving works again; nothing "
			    "that was acknowledged is lost");
		else
			app_status(app, true, "not saved: %.230s",
			    app->session->save_error);
	}
	s = model_speaker_current(app->session->model);
	app->dirty = true;
	if (s == NULL)
		return;
	over = model_speaker_stage(s, session_now(app->session).mono_ms) ==
	    MODEL_STAGE_OVERTIME;
	if (s->id != app->bell_speaker) {
		app->bell_speaker = s->id;
		app->bell_overtime = false;
	}
	if (over && !app->bell_overtime && app->ui != NULL) {
		ui_bell(app->ui);
		app_status(app, true, "time is up for %.100s", s->name);
	}
	app->bell_overtime = over;
}

/* Something outside the console changed the session (intake). */
void
app_changed(struct app *app, const char *what)
{
	if (what != NULL)
		app_status(app, false, "%s", what);
	/* A mirror's chair may have moved on: list the current segment. */
	app_follow(app);
	app_fix_selection(app);
	app->dirty = true;
}

/* Note that the terminal was resized. */
void
app_resized(struct app *app)
{
	if (app->ui != NULL)
		ui_resize(app->ui);
	app->dirty = true;
}

/* Ask the console to quit (a signal arrived). */
void
app_request_quit(struct app *app, const char *why)
{
	(void)why;
	app->quit = true;
}

/* Whether the console should stop. */
bool
app_done(const struct app *app)
{
	return app->quit;
}

/* Whether a redraw is due. */
bool
app_dirty(const struct app *app)
{
	return app->dirty;
}

/* Draw a frame if anything changed. */
void
app_draw(struct app *app)
{
	struct ui_frame f;

	if (!app->dirty || app->ui == NULL)
		return;
	memset(&f, 0, sizeof f);
	app_label(app);  /* a mirror learns the speed from the chair's clock */
	f.model = app->session->model;
	f.now = session_now(app->session);
	f.mode_label = app->mode_label;
	f.read_only = app->read_only;
	f.clock_view = app->clock_view;
	f.focus = app->focus;
	f.agenda_sel = app->agenda_sel;
	f.view_segment = app->agenda_sel;
	f.speaker_sel = app->speaker_sel;
	f.question_sel = app->question_sel;
	f.status = app->status;
	f.status_error = app->status_error;
	app_banner(app);
	f.banner = app->banner[0] != '\0' ? app->banner : NULL;
	f.overlay = app->overlay;
	f.form = &app->form;
	f.confirm = app->confirm;
	f.help_scroll = app->help_scroll;
	f.commands = command_table;
	f.ncommands = command_count;
	app_questions_frame(app, &f);
	ui_draw(app->ui, &f);
	app->dirty = false;
}

/* Real milliseconds until what is displayed changes next (>= 1). */
int64_t
app_next_change_ms(const struct app *app)
{
	struct model_time now = session_now(app->session);
	const struct model_speaker *s =
	    model_speaker_current(app->session->model);
	int64_t next = 1000 - ((now.wall_ms % 1000) + 1000) % 1000;

	if (s != NULL && model_speaker_running(s)) {
		int64_t c = model_countdown_next_change_ms(
		    model_speaker_remaining_ms(s, now.mono_ms));

		if (c < next)
			next = c;
	}
	return clock_real_delay(&app->session->clock, next);
}

/* The current speaker's remaining ms if their countdown runs (for the trace
 * of displayed-second lateness).
 */
bool
app_running_remaining(const struct app *app, int64_t *remaining_ms)
{
	const struct model_speaker *s =
	    model_speaker_current(app->session->model);

	if (s == NULL || !model_speaker_running(s))
		return false;
	*remaining_ms = model_speaker_remaining_ms(s,
	    session_now(app->session).mono_ms);
	return true;
}
