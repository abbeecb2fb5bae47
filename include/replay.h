/*
 * replay.h -- the questions a rehearsal replays: a JSON Lines file of
 * intake objects, each with "at":"HH:MM:SS", its offset from the event's
 * start. Loaded once, sorted by offset; the console's loop submits each
 * line through the intake path when the simulated clock reaches it.
 */
#ifndef PODIUM_REPLAY_H
#define PODIUM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPLAY_FILE_MAX (64 * 1024 * 1024)

struct replay_item {
	int64_t at_ms;   /* offset from the event's start */
	char *line;      /* the request line as written in the file */
	size_t len;
	unsigned long lineno; /* line in the file, for order and messages */
	bool vote;            /* a vote: not idempotent, never submitted twice */
};

struct replay {
	struct replay_item *items;
	size_t n;
	size_t next;     /* first item not yet submitted */
	bool resumed;    /* an existing rehearsal: past votes are not resent */
};

/* Load a replay file; NULL with *cause naming the bad line. */
struct replay *replay_load(const char *path, char **cause);

/* Free a replay; NULL is accepted. */
void replay_destroy(struct replay *r);

#endif /* PODIUM_REPLAY_H */
