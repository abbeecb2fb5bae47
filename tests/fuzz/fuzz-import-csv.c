/*
 * fuzz-import-csv.c -- the registration importer (import-csv.c) on
 * arbitrary bytes given as a CSV file: libcsv, the line counting, the
 * header matching in four languages and the row checks. No database: the
 * importer only hands rows to callbacks.
 *
 * Data flow: the input is read through fmemopen() by
 * import_csv_read_counted() twice: once with no maps, as `podium import
 * FILE` does, and once with one of a few sets of maps picked by the input's
 * size (maps that name columns, an unknown field, a field mapped twice), and
 * stopping at the first row when the size is a multiple of 5. Every row
 * handed over must be usable as an intake item (valid UTF-8, no NUL, a
 * question within 4000 characters or a floor request with a name), line
 * numbers must grow and stay within the file, the counts must match what
 * the callbacks saw, and every message must be one line of printable text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "import-csv.h"
#include "text.h"

/* What the callbacks saw during one read. */
struct fuzz_seen {
	size_t size;             /* bytes in the file */
	unsigned long lines;     /* lines in the file (LF, CRLF or CR ends one) */
	unsigned long last_line; /* of the last row or bad row */
	unsigned long rows;
	unsigned long bad;
	int stop;                /* returned by the first row when non-zero */
	size_t progress;         /* the last progress call's done */
};

/* A message for the user: one line of valid UTF-8, no control character. */
static void
fuzz_message(const char *s)
{
	size_t len = strlen(s);
	const unsigned char *p = (const unsigned char *)s;

	FUZZ_CHECK(len > 0);
	FUZZ_CHECK(text_valid_utf8(s, len));
	for (size_t i = 0; i < len; i++) {
		FUZZ_CHECK(p[i] >= 0x20 && p[i] != 0x7f);
		/* C1 controls, as UTF-8: U+0080..U+009F. */
		FUZZ_CHECK(!(p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f));
	}
}

/* A string of a usable row: absent, or text the session may store. */
static void
fuzz_field(const char *s)
{
	if (s != NULL)
		FUZZ_CHECK(text_valid_utf8(s, strlen(s)));
}

/* A row's line: after the one before, within the file. */
static void
fuzz_line(struct fuzz_seen *seen, unsigned long line)
{
	FUZZ_CHECK(line >= 2 && line <= seen->lines);
	FUZZ_CHECK(line > seen->last_line);
	seen->last_line = line;
}

/* A usable row: everything intake would need of it. */
static int
fuzz_row(const struct import_row *row, void *arg)
{
	struct fuzz_seen *seen = arg;
	const char *const fields[] = { row->id, row->name, row->org,
	    row->country, row->lang, row->question, row->email };

	fuzz_line(seen, row->line);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		fuzz_field(fields[i]);
	FUZZ_CHECK(row->floor || (row->question != NULL &&
	    row->question[0] != '\0'));
	FUZZ_CHECK(!row->floor || row->name != NULL);
	FUZZ_CHECK(row->question == NULL ||
	    text_length_utf8(row->question) <= 4000);
	seen->rows++;
	return seen->stop;
}

/* A bad row: a line number and a reason to show. */
static void
fuzz_bad(const struct import_bad *bad, void *arg)
{
	struct fuzz_seen *seen = arg;

	fuzz_line(seen, bad->line);
	fuzz_message(bad->why);
	seen->bad++;
}

/* Progress only moves forward and never past the file. */
static void
fuzz_progress(size_t done, size_t total, void *arg)
{
	struct fuzz_seen *seen = arg;

	FUZZ_CHECK(total == seen->size && done <= total);
	FUZZ_CHECK(done >= seen->progress);
	seen->progress = done;
}

/* Lines as a text editor counts them: LF, CRLF and a lone CR each end one. */
static unsigned long
fuzz_lines(const uint8_t *data, size_t size)
{
	unsigned long n = 1;

	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n' || (data[i] == '\r' &&
		    (i + 1 == size || data[i + 1] != '\n')))
			n++;
	return n;
}

/* Read the input once with these maps and check the outcome. */
static void
fuzz_read(const uint8_t *data, size_t size, const char *const *maps,
    size_t nmaps, int stop)
{
	struct fuzz_seen seen = { size, fuzz_lines(data, size), 1, 0, 0, stop,
	    0 };
	struct import_callbacks cb = { fuzz_row, fuzz_bad, fuzz_progress,
	    &seen };
	struct import_counts counts;
	char *cause = NULL;
	static char empty[1];
	FILE *in;
	int rc;

	in = fmemopen(size > 0 ? (void *)data : empty, size, "r");
	FUZZ_CHECK(in != NULL);
	rc = import_csv_read_counted(in, size, maps, nmaps, &cb, &counts,
	    &cause);
	fclose(in);
	FUZZ_CHECK(rc == -1 || rc == 0 || (stop != 0 && rc == stop));
	FUZZ_CHECK((rc == -1) == (cause != NULL));
	if (cause != NULL)
		fuzz_message(cause);
	FUZZ_CHECK(counts.used == seen.rows && counts.bad == seen.bad);
	FUZZ_CHECK(stop == 0 || rc != stop || seen.rows == 1);
	if (rc == 0)
		FUZZ_CHECK(seen.progress == size);
	free(cause);
}

/* Read the file as `podium import` would, then with maps. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const named[] = { "question=Question",
	    "name=Nom", "floor=" };
	static const char *const arabic[] = { "question=السؤال",
	    "lang = Langue " };
	static const char *const unknown[] = { "topic=Sujet" };
	static const char *const twice[] = { "org=A", "ORG=B" };
	static const char *const no_eq[] = { "question" };
	static const struct {
		const char *const *maps;
		size_t n;
	} sets[] = {
		{ named, 3 }, { arabic, 2 }, { unknown, 1 }, { twice, 2 },
		{ no_eq, 1 },
	};

	fuzz_read(data, size, NULL, 0, 0);
	fuzz_read(data, size, sets[size % 5].maps, sets[size % 5].n,
	    size % 5 == 0 ? 7 : 0);
	return 0;
}
