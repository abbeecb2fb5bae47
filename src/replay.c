/*
 * replay.c -- loading a rehearsal's question file. Each line must be a
 * JSON object with a valid "at"; the rest is checked by the intake parser
 * when the line is submitted, exactly as for a live client.
 */
#include "replay.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake-proto.h"
#include "timefmt.h"

/* Order items by offset, keeping file order for equal offsets. */
static int
replay_cmp(const void *a, const void *b)
{
	const struct replay_item *x = a, *y = b;

	if (x->at_ms != y->at_ms)
		return x->at_ms < y->at_ms ? -1 : 1;
	return x->lineno < y->lineno ? -1 : x->lineno > y->lineno;
}

/* Load a replay file; NULL with *cause naming the bad line. */
struct replay *
replay_load(const char *path, char **cause)
{
	FILE *f = fopen(path, "r");
	struct replay *r;
	char *line = NULL;
	size_t cap = 0, total = 0, items_cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	const char *why = NULL;

	if (f == NULL) {
		if (asprintf(cause, "cannot read the questions file %s: %m",
		    path) < 0)
			abort();
		return NULL;
	}
	r = calloc(1, sizeof *r);
	if (r == NULL)
		abort();
	while ((len = getline(&line, &cap, f)) >= 0) {
		json_t *o, *at;
		int64_t ms;
		bool vote;

		lineno++;
		total += (size_t)len;
		if (total > REPLAY_FILE_MAX) {
			why = "the file is larger than 64 MiB";
			goto fail;
		}
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		if ((size_t)len > INTAKE_LINE_MAX) {
			why = "line longer than 64 KiB";
			goto fail;
		}
		o = json_loadb(line, (size_t)len, 0, NULL);
		at = json_object_get(o, "at");
		if (!json_is_object(o) || !json_is_string(at) ||
		    !timefmt_parse_clock(json_string_value(at), &ms) || ms < 0) {
			json_decref(o);
			why = "not a JSON object with \"at\":\"HH:MM:SS\"";
			goto fail;
		}
		/*
		 * An id makes a line idempotent, so a resumed rehearsal can
		 * submit again whatever may not have been stored; lines without
		 * one get an id from their line number. Votes carry none (each
		 * counts), so a resumed rehearsal skips the past ones instead.
		 */
		vote = json_is_string(json_object_get(o, "type")) &&
		    strcmp(json_string_value(json_object_get(o, "type")),
		    "vote") == 0;
		if (!vote && json_object_get(o, "id") == NULL) {
			char id[48], *text;

			snprintf(id, sizeof id, "replay-line-%lu", lineno);
			json_object_set_new(o, "id", json_string(id));
			text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
			if (text == NULL)
				abort();
			free(line);
			line = text;
			cap = strlen(text) + 1;
			len = (ssize_t)strlen(text);
		}
		json_decref(o);
		if (r->n == items_cap) {
			items_cap = items_cap ? items_cap * 2 : 128;
			r->items = realloc(r->items, items_cap * sizeof *r->items);
			if (r->items == NULL)
				abort();
		}
		r->items[r->n].at_ms = ms;
		r->items[r->n].line = strndup(line, (size_t)len);
		r->items[r->n].len = (size_t)len;
		r->items[r->n].lineno = lineno;
		r->items[r->n].vote = vote;
		if (r->items[r->n].line == NULL)
			abort();
		r->n++;
	}
	if (ferror(f)) {
		why = "read error";
		goto fail;
	}
	free(line);
	fclose(f);
	qsort(r->items, r->n, sizeof *r->items, replay_cmp);
	return r;

fail:
	if (asprintf(cause, "%s:%lu: %s", path, lineno, why) < 0)
		abort();
	free(line);
	fclose(f);
	replay_destroy(r);
	return NULL;
}

/* Free a replay. */
void
replay_destroy(struct replay *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->items[i].line);
	free(r->items);
	free(r);
}
