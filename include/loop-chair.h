/*
 * loop-chair.h -- the console's libuv event loop: terminal input, signals
 * and the redraw timer, feeding the console (app.h).
 */
#ifndef PODIUM_LOOP_CHAIR_H
#define PODIUM_LOOP_CHAIR_H

#include "app.h"

/*
 * Run the console until it quits: keys from input_fd, SIGWINCH resizes,
 * SIGTERM/SIGHUP/SIGINT quit cleanly, and a one-shot timer wakes the loop
 * exactly when the display next changes. 0, or -1 with *cause.
 */
int loop_chair_run(struct app *app, int input_fd, char **cause);

#endif /* PODIUM_LOOP_CHAIR_H */
