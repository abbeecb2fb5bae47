/*
 * export.h -- the session record (`podium export`, docs/RECORD.md): what
 * happened against what was planned, computed from a replayed model and
 * the journal it was replayed from, in Markdown for people, CSV and JSON
 * for tools, and SVG for a timeline of planned against actual.
 *
 * Data flow: the caller opens the session (read-only, also while a chair
 * writes), verifies the journal's chains in the same state of the file,
 * and hands the model, the journal records and the verification here.
 * export.c computes every figure once into one record and each format
 * only lays that record out, so the four formats cannot disagree.
 */
#ifndef PODIUM_EXPORT_H
#define PODIUM_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "action-codec.h"
#include "model.h"
#include "store.h"

/* The value of the record's "format" field; bumped if a field changes meaning. */
#define EXPORT_FORMAT_ID "podium-record/1"

enum export_format {
	EXPORT_MD,
	EXPORT_CSV,
	EXPORT_JSON,
	EXPORT_SVG,
};

/* What a record is computed from. Everything is borrowed. */
struct export_input {
	const struct model *model;   /* the replayed session */
	struct model_time now;       /* when the record is taken (session clock) */
	bool rehearsal;
	const struct action_record *journal; /* the rows replayed, or NULL */
	size_t njournal;
	const struct store_verify_result *chain; /* or NULL: not verified */
};

/* Parse "md", "csv", "json" or "svg"; false if it is none of them. */
bool export_format_by_name(const char *name, enum export_format *out);

/* The file name extension of a format, without the dot. */
const char *export_format_name(enum export_format fmt);

/* The record as JSON (a new reference); schema in docs/record.schema.json. */
json_t *export_json(const struct export_input *in);

/* Write the record in a format; 0, or -1 with *cause if writing failed. */
int export_write(FILE *f, enum export_format fmt,
    const struct export_input *in, char **cause);

#endif /* PODIUM_EXPORT_H */
