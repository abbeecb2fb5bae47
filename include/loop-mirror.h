/*
 * loop-mirror.h -- the co-host's mirror: follow a chair's console over
 * its mirror socket (or TCP with a token) and draw it read-only.
 */
#ifndef PODIUM_LOOP_MIRROR_H
#define PODIUM_LOOP_MIRROR_H

#include <stdbool.h>

#include "ui.h"

struct loop_mirror_options {
	const char *db_path;     /* finds DB.mirror.sock */
	const char *connect;     /* HOST:PORT instead, or NULL */
	const char *token_file;  /* with connect */
	bool clock_view;         /* --view clock */
	bool once;               /* --once --json: print the state and stop */
	bool raw;                /* --raw: copy the stream to stdout */
};

/*
 * Run the mirror until it quits. ui is NULL for --once and --raw. Returns
 * an exit code; on failure *cause says why (malloc'd) or is NULL.
 */
int loop_mirror_run(const struct loop_mirror_options *o, struct ui *ui,
    char **cause);

#endif /* PODIUM_LOOP_MIRROR_H */
