/*
 * import-csv.h -- reading a registration export (CSV, as forms and webinar
 * tools write them) into questions and floor requests, with libcsv.
 *
 * Columns are found by their header names in English, French, Spanish and
 * Arabic, case- and accent-insensitively, or named explicitly with maps
 * ("field=Header"). Rows are handed to a callback one by one; a row that
 * cannot be used is reported with its line number.
 */
#ifndef PODIUM_IMPORT_CSV_H
#define PODIUM_IMPORT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Fields a registration row may carry. */
enum import_field {
	IMPORT_ID,        /* the registration's own id, if the export has one */
	IMPORT_NAME,
	IMPORT_ORG,
	IMPORT_COUNTRY,
	IMPORT_LANG,
	IMPORT_QUESTION,
	IMPORT_FLOOR,     /* yes/oui/sí/si/نعم/true/1/x */
	IMPORT_EMAIL,
	IMPORT_FIELD_COUNT
};

/* One usable row. Strings are valid during the callback only. */
struct import_row {
	unsigned long line;   /* line number in the file where the row starts */
	const char *id;       /* NULL when the export has no id column */
	const char *name;
	const char *org;
	const char *country;
	const char *lang;     /* a code: "ar", "en", "es", "fr", or as given */
	const char *question; /* NULL or "" when the row asks none */
	const char *email;
	bool floor;           /* asks to take the floor */
};

/* A row that could not be used. */
struct import_bad {
	unsigned long line;
	const char *why;      /* e.g. "the question is longer than 4000 characters" */
};

struct import_callbacks {
	/* A usable row; return non-zero to stop the import. */
	int (*row)(const struct import_row *row, void *arg);
	/* A bad row (the import goes on; the caller decides what it means). */
	void (*bad)(const struct import_bad *bad, void *arg);
	/* Progress: bytes read of total (total 0 when unknown). May be NULL. */
	void (*progress)(size_t done, size_t total, void *arg);
	void *arg;
};

/*
 * Parse a CSV stream. maps are "field=Header" overrides (field names: id,
 * name, org, country, lang, question, floor, email), nmaps of them.
 * Returns 0 when the whole file was read (bad rows reported through
 * callbacks), the callback's non-zero value if it stopped, or -1 with
 * *cause when the file cannot be used at all (no question or floor column,
 * unknown map field, unclosed quote at end of file, not UTF-8, I/O error).
 * total_bytes (0 if unknown) is only used for progress.
 */
int import_csv_read(FILE *in, size_t total_bytes, const char *const *maps,
    size_t nmaps, const struct import_callbacks *cb, char **cause);

/* What a read saw, for the caller's summary ("38 imported, 2 bad, 5 skipped"). */
struct import_counts {
	unsigned long used;     /* rows handed to cb->row */
	unsigned long bad;      /* rows handed to cb->bad */
	unsigned long skipped;  /* rows with neither a question nor floor=yes */
};

/*
 * import_csv_read() that also fills *counts (when counts is not NULL),
 * including the rows it skips silently; the counts are filled whatever is
 * returned.
 */
int import_csv_read_counted(FILE *in, size_t total_bytes,
    const char *const *maps, size_t nmaps, const struct import_callbacks *cb,
    struct import_counts *counts, char **cause);

/* The language code of a language cell ("Français" → "fr"), or NULL. */
const char *import_csv_lang(const char *cell);

#endif /* PODIUM_IMPORT_CSV_H */
