/*
 * event.h -- reading an event file (JSON, format in docs/EVENT-FORMAT.md)
 * into the planned event and the speakers it queues in advance.
 *
 * The event file is read once, when a database is created; its text is
 * then kept in the database, so a session never depends on the file again
 * and every reader of the database sees the same plan.
 */
#ifndef PODIUM_EVENT_H
#define PODIUM_EVENT_H

#include <stddef.h>

#include "model.h"

/* Largest event file accepted. */
#define EVENT_FILE_MAX (1024 * 1024)

/* A parsed event file: the plan and the speakers queued in advance. */
struct event_file {
	struct model_event event;
	struct model_speaker_args *speakers; /* segment set on each */
	size_t nspeakers;
	char *text;                          /* the file's text, as read */
};

/*
 * Parse an event file's text. On error returns NULL and sets *cause to a
 * sentence naming what is wrong and where (free it with free()).
 */
struct event_file *event_parse(const char *text, size_t len, char **cause);

/* Read and parse an event file from a path; NULL and *cause on error. */
struct event_file *event_load(const char *path, char **cause);

/*
 * The same without reading the example files it names (its examples are
 * none): to compare a given event file with the one a session stored.
 */
struct event_file *event_load_text(const char *path, char **cause);

/*
 * The labelled examples an event learns from (read from its
 * theme_examples files), as JSON Lines of {"lang","theme","text"}: what a
 * session stores beside the event, whose text names files that may not
 * be there when the session is opened again. "" when there are none.
 */
char *event_examples_text(const struct event_file *ef);

/*
 * Give a parsed event the examples event_examples_text() wrote, checked
 * as an examples file is. 0, or -1 and *cause.
 */
int event_add_examples(struct event_file *ef, const char *text,
    char **cause);

/* Free a parsed event file; NULL is accepted. */
void event_destroy(struct event_file *ef);

/* Index of a theme by key in an event, or -1. */
int event_theme_index(const struct model_event *ev, const char *key);

#endif /* PODIUM_EVENT_H */
