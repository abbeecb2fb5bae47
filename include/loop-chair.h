/*
 * loop-chair.h -- the console's libuv event loop: terminal input, signals
 * and the redraw timer, feeding the console (app.h).
 */
#ifndef PODIUM_LOOP_CHAIR_H
#define PODIUM_LOOP_CHAIR_H

#include "app.h"
#include "replay.h"
#include "session.h"

/* What the console serves besides the terminal. */
struct loop_chair_options {
	struct session *session;
	const char *intake_unix;   /* DB.intake.sock */
	const char *intake_tcp;    /* --intake-listen HOST:PORT, or NULL */
	const char *token;         /* for TCP clients */
	const char *mirror_unix;   /* DB.mirror.sock */
	const char *mirror_tcp;    /* --mirror-listen HOST:PORT, or NULL */
	struct replay *replay;     /* rehearsal questions, or NULL */
};

/*
 * Run the console until it quits: keys from input_fd, SIGWINCH resizes,
 * SIGTERM/SIGHUP/SIGINT quit cleanly, a one-shot timer wakes the loop
 * exactly when the display next changes, the intake server takes
 * questions, and a rehearsal's replay timer submits them on time.
 * 0, or -1 with *cause.
 */
int loop_chair_run(struct app *app, int input_fd,
    const struct loop_chair_options *o, char **cause);

#endif /* PODIUM_LOOP_CHAIR_H */
