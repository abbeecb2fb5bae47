/*
 * app.h -- the chair console: owns the session and the console's view
 * state (focus, selections, overlays, status line), turns keys into
 * commands of the command table, dispatches them in one function, and
 * hands the UI a frame to draw. No curses and no libuv here: the loop
 * (loop-chair.c) feeds keys and ticks, the UI draws.
 */
#ifndef PODIUM_APP_H
#define PODIUM_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "command.h"
#include "session.h"
#include "ui.h"

struct app;

/* Create the console over an open session and a UI (both borrowed). */
struct app *app_create(struct session *s, struct ui *ui);

/*
 * Make this console a co-host's read-only mirror (clock_view: the big
 * countdown only). Every command not marked mirror_ok is refused.
 */
void app_set_mirror(struct app *app, bool clock_view);

/* Switch to another session (a mirror's new snapshot). */
void app_set_session(struct app *app, struct session *s);

/* Free the console; NULL is accepted. */
void app_destroy(struct app *app);

/* Handle one key. */
void app_key(struct app *app, const struct ui_key *key);

/* Read one pending key from the terminal; false if none. */
bool app_read_key(struct app *app, struct ui_key *key);

/* Run one command of the command table: the single dispatch point. */
void app_command(struct app *app, enum command_id id);

/* The clock moved on: ring the bell when a speaker's time runs out. */
void app_tick(struct app *app);

/* Something outside the console changed the session (intake): redraw. */
void app_changed(struct app *app, const char *what);

/* Note that the terminal was resized. */
void app_resized(struct app *app);

/* Ask the console to quit (a signal arrived); state is already saved. */
void app_request_quit(struct app *app, const char *why);

/* Whether the console should stop. */
bool app_done(const struct app *app);

/* Whether a redraw is due. */
bool app_dirty(const struct app *app);

/* Draw a frame if anything changed. */
void app_draw(struct app *app);

/* Real milliseconds until what is displayed changes next (>= 1). */
int64_t app_next_change_ms(const struct app *app);

/*
 * The current speaker's remaining ms if their countdown runs (for the
 * trace of displayed-second lateness); false otherwise.
 */
bool app_running_remaining(const struct app *app, int64_t *remaining_ms);

#endif /* PODIUM_APP_H */
