/*
 * test-import-csv.c -- import_csv_* : registration exports in the shapes
 * real tools write them (BOM, CRLF, semicolons, quoted cells spanning
 * lines, headers in four languages) come out as rows with the right line
 * numbers; bad rows are reported with theirs while the others still come
 * through; files that cannot be used are refused with a cause; a large
 * file streams in bounded memory.
 *
 * Fixtures are in tests/unit/data (PODIUM_TEST_DATA points there when
 * meson runs the test); larger or odd inputs are generated here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import-csv.h"

#define ROWS_MAX 64
#define BAD_MAX 16

/* A row as received, copied out of the callback. */
struct saved_row {
	unsigned long line;
	char *id, *name, *org, *country, *lang, *question, *email;
	bool floor;
};

/* A bad row as received. */
struct saved_bad {
	unsigned long line;
	char *why;
};

/* What a read handed to the callbacks. */
struct got {
	struct saved_row rows[ROWS_MAX];
	size_t nrows;
	struct saved_bad bad[BAD_MAX];
	size_t nbad;
	size_t stop_after;      /* return 7 from the row callback after this many; 0 never */
	size_t progress_calls;
	size_t progress_done;
	size_t progress_total;
};

/* A copy of a string that may be NULL. */
static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* Row callback: keep a copy (strings are valid during the call only). */
static int
on_row(const struct import_row *row, void *arg)
{
	struct got *g = arg;
	struct saved_row *s;

	assert_true(g->nrows < ROWS_MAX);
	s = &g->rows[g->nrows++];
	s->line = row->line;
	s->id = dup_or_null(row->id);
	s->name = dup_or_null(row->name);
	s->org = dup_or_null(row->org);
	s->country = dup_or_null(row->country);
	s->lang = dup_or_null(row->lang);
	s->question = dup_or_null(row->question);
	s->email = dup_or_null(row->email);
	s->floor = row->floor;
	return g->stop_after != 0 && g->nrows == g->stop_after ? 7 : 0;
}

/* Bad-row callback: keep a copy. */
static void
on_bad(const struct import_bad *bad, void *arg)
{
	struct got *g = arg;

	assert_true(g->nbad < BAD_MAX);
	g->bad[g->nbad].line = bad->line;
	g->bad[g->nbad].why = strdup(bad->why);
	g->nbad++;
}

/* Progress callback: remember the last call. */
static void
on_progress(size_t done, size_t total, void *arg)
{
	struct got *g = arg;

	g->progress_calls++;
	g->progress_done = done;
	g->progress_total = total;
}

/* Free what the callbacks copied. */
static void
got_free(struct got *g)
{
	size_t i;

	for (i = 0; i < g->nrows; i++) {
		struct saved_row *s = &g->rows[i];

		free(s->id);
		free(s->name);
		free(s->org);
		free(s->country);
		free(s->lang);
		free(s->question);
		free(s->email);
	}
	for (i = 0; i < g->nbad; i++)
		free(g->bad[i].why);
	memset(g, 0, sizeof *g);
}

/* Where the fixtures are. */
static const char *
data_dir(void)
{
	const char *d = getenv("PODIUM_TEST_DATA");

	return d != NULL && *d != '\0' ? d : "tests/unit/data";
}

/* Read a stream with the collecting callbacks. */
static int
read_stream(FILE *f, const char *const *maps, size_t nmaps, struct got *g,
    struct import_counts *counts, char **cause)
{
	struct import_callbacks cb = {on_row, on_bad, on_progress, g};
	struct import_counts ignored;

	return import_csv_read_counted(f, 0, maps, nmaps, &cb,
	    counts != NULL ? counts : &ignored, cause);
}

/* Read a fixture by name. */
static int
read_fixture(const char *name, const char *const *maps, size_t nmaps,
    struct got *g, struct import_counts *counts, char **cause)
{
	char path[1024];
	FILE *f;
	int rc;

	snprintf(path, sizeof path, "%s/%s", data_dir(), name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open fixture %s (set PODIUM_TEST_DATA)", path);
	rc = read_stream(f, maps, nmaps, g, counts, cause);
	fclose(f);
	return rc;
}

/* Read bytes from memory. */
static int
read_bytes(const char *text, size_t len, const char *const *maps,
    size_t nmaps, struct got *g, struct import_counts *counts, char **cause)
{
	FILE *f = fmemopen((void *)text, len, "rb");
	int rc;

	assert_non_null(f);
	rc = read_stream(f, maps, nmaps, g, counts, cause);
	fclose(f);
	return rc;
}

/* Read a C string from memory. */
static int
read_text(const char *text, struct got *g, struct import_counts *counts,
    char **cause)
{
	return read_bytes(text, strlen(text), NULL, 0, g, counts, cause);
}

/* Fail unless a read succeeded without a cause. */
static void
assert_read_ok(int rc, char *cause)
{
	if (rc != 0 || cause != NULL)
		fail_msg("read failed (%d): %s", rc, cause != NULL ? cause : "-");
}

/* Fail unless a read failed with a cause holding every given piece. */
static void
assert_refused(int rc, char *cause, const char *const *pieces, size_t n)
{
	size_t i;

	assert_int_equal(rc, -1);
	assert_non_null(cause);
	for (i = 0; i < n; i++)
		if (strstr(cause, pieces[i]) == NULL)
			fail_msg("cause lacks \"%s\": %s", pieces[i], cause);
	free(cause);
}

/* A BOM is dropped, CRLF ends lines, a blank line counts as a line. */
static void
test_bom_crlf(void **state)
{
	struct got g = {0};
	struct import_counts c;
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("bom-crlf.csv", NULL, 0, &g, &c, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, 4);
	assert_int_equal(c.used, 4);
	/* The first header is "Id" only if the BOM was dropped. */
	assert_string_equal(g.rows[0].id, "r-1");
	assert_int_equal(g.rows[0].line, 2);
	assert_string_equal(g.rows[0].name, "Ana Pérez");
	assert_string_equal(g.rows[0].org, "Ministerio de Salud");
	assert_string_equal(g.rows[0].country, "Perú");
	assert_string_equal(g.rows[0].lang, "es");
	assert_string_equal(g.rows[0].question,
	    "¿Cómo asegurar la financiación a largo plazo?");
	assert_string_equal(g.rows[0].email, "ana@example.org");
	assert_false(g.rows[0].floor);

	assert_int_equal(g.rows[1].line, 3);
	assert_null(g.rows[1].question);
	assert_null(g.rows[1].country);
	assert_string_equal(g.rows[1].lang, "en");
	assert_true(g.rows[1].floor);

	/* Line 4 is blank; the quoted cell spans lines 5 and 6, CRLF made LF. */
	assert_int_equal(g.rows[2].line, 5);
	assert_string_equal(g.rows[2].question,
	    "What about survivors' organisations, and \"capacity\"?\nSecond line.");
	assert_string_equal(g.rows[2].lang, "fr");
	assert_true(g.rows[2].floor);

	assert_int_equal(g.rows[3].line, 7);
	assert_string_equal(g.rows[3].org, "Mine Action Centre");
	assert_string_equal(g.rows[3].question, "Padded question");
	assert_int_equal(g.nbad, 0);
	got_free(&g);
}

/* Quoted cells hold commas, doubled quotes and newlines; lines still add up. */
static void
test_multiline_quotes(void **state)
{
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("multiline.csv", NULL, 0, &g, NULL, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, 4);
	assert_int_equal(g.rows[0].line, 2);
	assert_string_equal(g.rows[0].name, "Smith, Jane");
	assert_string_equal(g.rows[0].question,
	    "First line, with a comma\nsecond line with \"quotes\"\nthird line");
	assert_int_equal(g.rows[1].line, 5);
	assert_string_equal(g.rows[1].question, "Short \"quoted\" one");
	assert_true(g.rows[1].floor);
	assert_int_equal(g.rows[2].line, 6);
	assert_string_equal(g.rows[2].name, "Multi\nline name");
	assert_null(g.rows[2].question);
	assert_int_equal(g.rows[3].line, 8);
	assert_string_equal(g.rows[3].question, "final, question");
	assert_false(g.rows[3].floor);
	got_free(&g);
}

/* French headers, as a French form exports them. */
static void
test_french_headers(void **state)
{
	struct got g = {0};
	struct import_counts c;
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("french.csv", NULL, 0, &g, &c, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, 2);
	assert_int_equal(c.skipped, 1);
	assert_string_equal(g.rows[0].id, "F-01");
	assert_string_equal(g.rows[0].name, "Aminata Diallo");
	assert_string_equal(g.rows[0].org, "Ministère de l'Action sociale");
	assert_string_equal(g.rows[0].country, "Sénégal");
	assert_string_equal(g.rows[0].lang, "fr");
	assert_string_equal(g.rows[0].email, "aminata@example.org");
	assert_true(g.rows[0].floor);
	assert_int_equal(g.rows[1].line, 4);
	assert_string_equal(g.rows[1].lang, "en");
	assert_null(g.rows[1].org);
	assert_true(g.rows[1].floor);   /* "O" */
	got_free(&g);
}

/* Excel in French: BOM, CRLF, semicolons, "Prénom" and "Nom" joined. */
static void
test_excel_semicolons(void **state)
{
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("excel-fr.csv", NULL, 0, &g, NULL, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, 2);
	assert_string_equal(g.rows[0].name, "Jean Dupont");
	assert_string_equal(g.rows[0].org, "Belgique");
	assert_string_equal(g.rows[0].question, "Financement; durabilité, et suivi ?");
	assert_string_equal(g.rows[0].email, "jean@example.org");
	assert_string_equal(g.rows[0].lang, "fr");
	assert_int_equal(g.rows[1].line, 3);
	assert_string_equal(g.rows[1].name, "Fatou Ndiaye");
	assert_true(g.rows[1].floor);
	got_free(&g);
}

/* Spanish headers. */
static void
test_spanish_headers(void **state)
{
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("spanish.csv", NULL, 0, &g, NULL, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, 3);
	assert_string_equal(g.rows[0].id, "E-1");
	assert_string_equal(g.rows[0].name, "María González");
	assert_string_equal(g.rows[0].org, "Centro Peruano de Acción contra las Minas");
	assert_string_equal(g.rows[0].country, "Perú");
	assert_string_equal(g.rows[0].lang, "es");
	assert_string_equal(g.rows[0].email, "maria@example.org");
	assert_true(g.rows[0].floor);
	assert_string_equal(g.rows[1].lang, "en");
	assert_true(g.rows[1].floor);
	assert_string_equal(g.rows[2].lang, "es");
	assert_false(g.rows[2].floor);
	got_free(&g);
}

/* Arabic headers, with letter variants (الإسم, الالكتروني) and attached words. */
static void
test_arabic_headers(void **state)
{
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("arabic.csv", NULL, 0, &g, NULL, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, 3);
	assert_string_equal(g.rows[0].id, "ع-1");
	assert_string_equal(g.rows[0].name, "أحمد علي");
	assert_string_equal(g.rows[0].org, "الهيئة الوطنية لشؤون الألغام");
	assert_string_equal(g.rows[0].country, "العراق");
	assert_string_equal(g.rows[0].lang, "ar");
	assert_string_equal(g.rows[0].question,
	    "كيف يمكن ضمان تمويل مستدام لمساعدة الضحايا؟");
	assert_string_equal(g.rows[0].email, "ahmed@example.org");
	assert_true(g.rows[0].floor);
	assert_null(g.rows[1].question);
	assert_string_equal(g.rows[1].lang, "ar");
	assert_false(g.rows[2].floor);
	got_free(&g);
}

/* English headers in odd case, with accents, stars, colons and a stray column. */
static void
test_english_variants(void **state)
{
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("english-variants.csv", NULL, 0, &g, NULL, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, 2);
	assert_string_equal(g.rows[0].id, "X-9");
	assert_string_equal(g.rows[0].name, "Sam Jones");
	assert_string_equal(g.rows[0].org, "Norway");
	assert_string_equal(g.rows[0].country, "Norway");
	assert_string_equal(g.rows[0].lang, "en");
	assert_string_equal(g.rows[0].question,
	    "How is South-South cooperation funded?");
	assert_string_equal(g.rows[0].email, "sam@example.org");
	assert_true(g.rows[0].floor);
	/* A language podium does not know passes through for the caller to judge. */
	assert_string_equal(g.rows[1].lang, "Portuguese");
	assert_true(g.rows[1].floor);
	got_free(&g);
}

/* "First Name" and "Last Name" columns make one name. */
static void
test_split_names(void **state)
{
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("split-name.csv", NULL, 0, &g, NULL, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, 2);
	assert_string_equal(g.rows[0].name, "Jane Doe");
	assert_string_equal(g.rows[0].org, "UNDP");
	assert_string_equal(g.rows[0].country, "Norway");
	assert_string_equal(g.rows[0].question,
	    "How do partnerships with the private sector work?");
	assert_string_equal(g.rows[1].name, "Solo");
	got_free(&g);
}

/* A map picks the column; header names in maps ignore case and accents. */
static void
test_map_override(void **state)
{
	static const char *const exact[] = {"question=Your question for the panel"};
	static const char *const loose[] = {
		" question = your QUESTION for the pánel ", "org=",
	};
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("map.csv", NULL, 0, &g, NULL, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, 1);
	assert_string_equal(g.rows[0].question, "not this one");
	assert_string_equal(g.rows[0].org, "Org A");
	got_free(&g);

	rc = read_fixture("map.csv", exact, 1, &g, NULL, &cause);
	assert_read_ok(rc, cause);
	assert_string_equal(g.rows[0].question, "the real question");
	got_free(&g);

	/* "org=" names no column: the field is left empty. */
	rc = read_fixture("map.csv", loose, 2, &g, NULL, &cause);
	assert_read_ok(rc, cause);
	assert_string_equal(g.rows[0].question, "the real question");
	assert_null(g.rows[0].org);
	assert_string_equal(g.rows[0].name, "Ann");
	got_free(&g);
}

/* Maps that cannot work refuse the file, saying why. */
static void
test_map_errors(void **state)
{
	static const char *const unknown[] = {"colour=Name"};
	static const char *const missing[] = {"question=Nope"};
	static const char *const no_eq[] = {"question"};
	static const char *const twice[] = {"question=Question", "QUESTION=Floor"};
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("map.csv", unknown, 1, &g, NULL, &cause);
	assert_refused(rc, cause, (const char *[]){"colour", "id, name, org"}, 2);
	rc = read_fixture("map.csv", missing, 1, &g, NULL, &cause);
	assert_refused(rc, cause, (const char *[]){"\"Nope\"", "\"Name\"",
	    "\"Your question for the panel\"", "\"Org\""}, 4);
	rc = read_fixture("map.csv", no_eq, 1, &g, NULL, &cause);
	assert_refused(rc, cause, (const char *[]){"="}, 1);
	rc = read_fixture("map.csv", twice, 2, &g, NULL, &cause);
	assert_refused(rc, cause, (const char *[]){"twice"}, 1);
	/* An unknown field is refused before anything is read, even an empty file. */
	rc = read_fixture("empty.csv", unknown, 1, &g, NULL, &cause);
	assert_refused(rc, cause, (const char *[]){"colour"}, 1);
	assert_int_equal(g.nrows, 0);
	got_free(&g);
}

/* Bad rows come with their line numbers; the good ones around them still come. */
static void
test_bad_rows(void **state)
{
	struct got g = {0};
	struct import_counts c;
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("bad-rows.csv", NULL, 0, &g, &c, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(c.used, 4);
	assert_int_equal(c.bad, 5);
	assert_int_equal(c.skipped, 1);   /* Dave: no question, no floor */

	assert_int_equal(g.nrows, 4);
	assert_string_equal(g.rows[0].name, "Alice");
	assert_int_equal(g.rows[0].line, 2);
	assert_string_equal(g.rows[1].name, "Carla");   /* exactly 4000 characters */
	assert_int_equal(g.rows[1].line, 5);
	assert_int_equal(strlen(g.rows[1].question), 8000);
	assert_string_equal(g.rows[2].name, "Eve");
	assert_int_equal(g.rows[2].line, 8);
	assert_string_equal(g.rows[2].question, "multi\nline");
	assert_string_equal(g.rows[3].name, "Grace");
	assert_int_equal(g.rows[3].line, 12);

	assert_int_equal(g.nbad, 5);
	assert_int_equal(g.bad[0].line, 3);
	assert_string_equal(g.bad[0].why, "floor column says 'maybe'; use yes or no");
	assert_int_equal(g.bad[1].line, 4);
	assert_non_null(strstr(g.bad[1].why, "longer than 4000 characters (4001)"));
	assert_int_equal(g.bad[2].line, 6);
	assert_non_null(strstr(g.bad[2].why, "no name"));
	assert_int_equal(g.bad[3].line, 10);
	assert_non_null(strstr(g.bad[3].why, "not UTF-8"));
	assert_int_equal(g.bad[4].line, 11);
	assert_non_null(strstr(g.bad[4].why, "NUL"));
	got_free(&g);
}

/* Language names and codes, in a file and alone. */
static void
test_languages(void **state)
{
	static const char *const want[] = {
		"fr", "fr", "fr", "es", "es", "en", "en", "en", "ar", "ar", "ar",
		"ar", "ar", "fr", "fr", "es", "ar", "en", "Deutsch", NULL,
	};
	struct got g = {0};
	char *cause;
	size_t i;
	int rc;

	(void)state;
	rc = read_fixture("languages.csv", NULL, 0, &g, NULL, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, sizeof want / sizeof want[0]);
	for (i = 0; i < g.nrows; i++) {
		if (want[i] == NULL)
			assert_null(g.rows[i].lang);
		else
			assert_string_equal(g.rows[i].lang, want[i]);
	}
	got_free(&g);

	assert_string_equal(import_csv_lang("Français"), "fr");
	assert_string_equal(import_csv_lang("  FRANÇAIS "), "fr");
	assert_string_equal(import_csv_lang("es-419"), "es");
	assert_string_equal(import_csv_lang("en_GB"), "en");
	assert_string_equal(import_csv_lang("Français (French)"), "fr");
	assert_string_equal(import_csv_lang("en español"), "es");
	assert_string_equal(import_csv_lang("اللغة العربية"), "ar");
	assert_string_equal(import_csv_lang("الإنجليزية"), "en");
	assert_null(import_csv_lang("Deutsch"));
	assert_null(import_csv_lang("Portuguese"));
	assert_null(import_csv_lang("en-route"));
	assert_null(import_csv_lang(""));
	assert_null(import_csv_lang("   "));
	assert_null(import_csv_lang(NULL));
}

/* What a floor cell may say, and what it may not. */
static void
test_floor_values(void **state)
{
	static const struct {
		const char *cell;
		int want;   /* 1 yes, 0 no (row skipped), -1 bad */
	} cases[] = {
		{"yes", 1}, {"Y", 1}, {"Oui", 1}, {"o", 1}, {"Sí", 1}, {"si", 1},
		{"S", 1}, {"نعم", 1}, {"TRUE", 1}, {"1", 1}, {"x", 1}, {"X", 1},
		{"✓", 1}, {"Oui, je souhaite intervenir", 1}, {"Yes!", 1},
		{"No", 0}, {"NON", 0}, {"false", 0}, {"0", 0}, {"", 0}, {"لا", 0},
		{"-", 0},
		{"maybe", -1}, {"peut-être", -1}, {"1 minute", -1}, {"?", -1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct got g = {0};
		struct import_counts c;
		char text[200], *cause;
		int rc;

		snprintf(text, sizeof text, "name,floor\nAnn,\"%s\"\n", cases[i].cell);
		rc = read_text(text, &g, &c, &cause);
		assert_read_ok(rc, cause);
		if (cases[i].want == 1 && (g.nrows != 1 || !g.rows[0].floor))
			fail_msg("\"%s\" should mean yes", cases[i].cell);
		if (cases[i].want == 0 && c.skipped != 1)
			fail_msg("\"%s\" should mean no", cases[i].cell);
		if (cases[i].want == -1 && (g.nbad != 1 || g.bad[0].line != 2))
			fail_msg("\"%s\" should be a bad row", cases[i].cell);
		got_free(&g);
	}
}

/* A quote that never closes refuses the file, naming the line it opened on. */
static void
test_unclosed_quote(void **state)
{
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("unclosed.csv", NULL, 0, &g, NULL, &cause);
	assert_refused(rc, cause, (const char *[]){"line 3:", "quote"}, 2);
	/* Rows before it were already handed over: the caller must not commit. */
	assert_int_equal(g.nrows, 1);
	got_free(&g);

	/* The line named is the quote's, not the row's: this row starts on line 2. */
	rc = read_text("name,question,floor\nA,\"two\nlines\",\"never closed\nmore\n",
	    &g, NULL, &cause);
	assert_refused(rc, cause, (const char *[]){"line 3:"}, 1);
	got_free(&g);
}

/* No question and no floor column: nothing to import; the headers are listed. */
static void
test_no_question_column(void **state)
{
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("no-question.csv", NULL, 0, &g, NULL, &cause);
	assert_refused(rc, cause, (const char *[]){"no question or floor column",
	    "\"name\", \"organisation\", \"country\"", "--map"}, 3);
	got_free(&g);
}

/* Empty files are refused; a header alone is a file with nothing in it. */
static void
test_empty_files(void **state)
{
	struct got g = {0};
	struct import_counts c;
	char *cause;
	int rc;

	(void)state;
	rc = read_fixture("empty.csv", NULL, 0, &g, NULL, &cause);
	assert_refused(rc, cause, (const char *[]){"empty"}, 1);
	rc = read_bytes("\xef\xbb\xbf\r\n\r\n", 7, NULL, 0, &g, NULL, &cause);
	assert_refused(rc, cause, (const char *[]){"empty"}, 1);
	rc = read_fixture("header-only.csv", NULL, 0, &g, &c, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows + g.nbad + c.skipped, 0);
	assert_int_equal(g.progress_calls, 1);
	got_free(&g);
}

/* Encodings other than UTF-8 are refused with what to do. */
static void
test_not_utf8(void **state)
{
	static const char utf16[] = "\xff\xfen\0a\0m\0e\0";
	static const char latin1_header[] = "Pr\xe9nom,Question\nA,q\n";
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_bytes(utf16, sizeof utf16 - 1, NULL, 0, &g, NULL, &cause);
	assert_refused(rc, cause, (const char *[]){"UTF-16", "CSV UTF-8"}, 2);
	rc = read_text(latin1_header, &g, NULL, &cause);
	assert_refused(rc, cause, (const char *[]){"line 1:", "UTF-8"}, 2);
	got_free(&g);
}

/* Old Mac line ends (a lone CR) end rows and count as lines. */
static void
test_lone_cr(void **state)
{
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_text("name,question\rA,one\r\rB,\"two\rlines\"\rC,three", &g,
	    NULL, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, 3);
	assert_int_equal(g.rows[0].line, 2);
	assert_int_equal(g.rows[1].line, 4);
	assert_string_equal(g.rows[1].question, "two\rlines");
	assert_int_equal(g.rows[2].line, 6);
	assert_string_equal(g.rows[2].question, "three");
	got_free(&g);
}

/* Tabs as delimiters are found and not trimmed away as blanks. */
static void
test_tabs(void **state)
{
	struct got g = {0};
	char *cause;
	int rc;

	(void)state;
	rc = read_text("Name\tQuestion\tFloor\n\t\tyes\nB\t q, with comma \tno\n",
	    &g, NULL, &cause);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, 1);
	assert_int_equal(g.rows[0].line, 3);
	assert_string_equal(g.rows[0].question, "q, with comma");
	assert_int_equal(g.nbad, 1);   /* floor without a name on line 2 */
	assert_int_equal(g.bad[0].line, 2);
	got_free(&g);
}

/* The row callback can stop the import; its value comes back. */
static void
test_callback_stops(void **state)
{
	struct got g = {0};
	struct import_counts c;
	char *cause;
	int rc;

	(void)state;
	g.stop_after = 2;
	rc = read_fixture("multiline.csv", NULL, 0, &g, &c, &cause);
	assert_int_equal(rc, 7);
	assert_null(cause);
	assert_int_equal(g.nrows, 2);
	assert_int_equal(c.used, 2);
	got_free(&g);
}

/* Write n bytes of c to f. */
static void
put_repeated(FILE *f, int c, size_t n)
{
	while (n-- > 0)
		fputc(c, f);
}

/* A cell over 64 KiB is a bad row; the next row comes through. */
static void
test_long_cell(void **state)
{
	struct got g = {0};
	char *cause;
	FILE *f = tmpfile();
	int rc;

	(void)state;
	assert_non_null(f);
	fputs("name,question,floor\nA,\"", f);
	put_repeated(f, 'q', 70000);
	fputs("\",no\nB,fine,no\n", f);
	rewind(f);
	rc = read_stream(f, NULL, 0, &g, NULL, &cause);
	fclose(f);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nbad, 1);
	assert_int_equal(g.bad[0].line, 2);
	assert_non_null(strstr(g.bad[0].why, "64 KiB"));
	assert_int_equal(g.nrows, 1);
	assert_int_equal(g.rows[0].line, 3);
	got_free(&g);
}

/* A quote left open in a big file stops at 1 MiB, naming its line. */
static void
test_runaway_quote(void **state)
{
	struct got g = {0};
	char *cause;
	FILE *f = tmpfile();
	int i, rc;

	(void)state;
	assert_non_null(f);
	fputs("name,question,floor\nA,ok,no\nB,\"opens here,no\n", f);
	for (i = 0; i < 40000; i++)
		fputs("C,a line that will never be a row,no\n", f);
	rewind(f);
	rc = read_stream(f, NULL, 0, &g, NULL, &cause);
	fclose(f);
	assert_refused(rc, cause, (const char *[]){"line 3:", "1 MiB"}, 2);
	assert_int_equal(g.nrows, 1);
	got_free(&g);
}

/* More than 256 columns: not a registration export. */
static void
test_too_many_columns(void **state)
{
	struct got g = {0};
	char *cause;
	FILE *f = tmpfile();
	int i, rc;

	(void)state;
	assert_non_null(f);
	fputs("question", f);
	for (i = 1; i < 257; i++)
		fprintf(f, ",c%d", i);
	fputs("\nq\n", f);
	rewind(f);
	rc = read_stream(f, NULL, 0, &g, NULL, &cause);
	fclose(f);
	assert_refused(rc, cause, (const char *[]){"line 1:", "256 columns"}, 2);

	/* Exactly 256 is fine. */
	f = tmpfile();
	assert_non_null(f);
	fputs("question", f);
	for (i = 1; i < 256; i++)
		fprintf(f, ",c%d", i);
	fputs("\nq\n", f);
	rewind(f);
	rc = read_stream(f, NULL, 0, &g, NULL, &cause);
	fclose(f);
	assert_read_ok(rc, cause);
	assert_int_equal(g.nrows, 1);
	got_free(&g);
}

/* The shipped sample export imports cleanly. */
static void
test_sample(void **state)
{
	const char *dir = getenv("PODIUM_SAMPLE_DIR");
	struct import_callbacks cb = {on_row, on_bad, NULL, NULL};
	struct import_counts c;
	struct got *g = calloc(1, sizeof *g);
	char path[1024], *cause;
	bool multiline = false;
	size_t i;
	FILE *f;
	int rc;

	(void)state;
	assert_non_null(g);
	snprintf(path, sizeof path, "%s/registrations.csv",
	    dir != NULL && *dir != '\0' ? dir : "sample-data");
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s (set PODIUM_SAMPLE_DIR)", path);
	cb.arg = g;
	rc = import_csv_read_counted(f, 0, NULL, 0, &cb, &c, &cause);
	fclose(f);
	assert_read_ok(rc, cause);
	assert_int_equal(c.bad, 0);
	assert_true(c.used >= 30);
	assert_true(c.skipped > 0);
	for (i = 0; i < g->nrows; i++) {
		const struct saved_row *r = &g->rows[i];

		assert_non_null(r->id);
		assert_non_null(r->name);
		assert_non_null(r->lang);
		assert_true(r->question != NULL || r->floor);
		if (r->question != NULL && strchr(r->question, '\n') != NULL)
			multiline = true;
	}
	assert_true(multiline);
	got_free(g);
	free(g);
}

/* Counters for the large test: nothing is kept per row. */
struct big {
	unsigned long rows;
	unsigned long first_wrong_line;  /* row index + 1 of the first mismatch, 0 none */
	size_t heap_base;
	size_t heap_peak;
	size_t progress_calls;
	size_t progress_done;
};

/* Bytes the C library's allocator holds now (0 under tools that replace it). */
static size_t
heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* The line row i starts on in the generated file: every 7th row spans two lines. */
static unsigned long
big_line(unsigned long i)
{
	return 2 + i + (i + 6) / 7;
}

/* Row callback of the large test: check the line, sample the heap. */
static int
big_row(const struct import_row *row, void *arg)
{
	struct big *b = arg;
	unsigned long i = strtoul(row->id, NULL, 10);

	if (b->first_wrong_line == 0 && row->line != big_line(i))
		b->first_wrong_line = i + 1;
	if (b->rows++ % 1000 == 0) {
		size_t h = heap_in_use();

		if (h > b->heap_peak)
			b->heap_peak = h;
	}
	return 0;
}

/* Bad-row callback of the large test: there should be exactly one. */
static void
big_bad(const struct import_bad *bad, void *arg)
{
	(void)arg;
	assert_int_equal(bad->line, big_line(54321));
}

/* Progress callback of the large test. */
static void
big_progress(size_t done, size_t total, void *arg)
{
	struct big *b = arg;

	assert_true(done <= total);
	b->progress_calls++;
	b->progress_done = done;
}

/* 100,000 rows (about 16 MB) stream through in bounded memory, lines right. */
static void
test_100k_rows(void **state)
{
	static const char *const langs[] = {
		"Français", "English", "es", "árabe", "fr-FR", "العربية",
	};
	struct big b = {0};
	struct import_callbacks cb = {big_row, big_bad, big_progress, &b};
	struct import_counts c;
	struct timespec t0, t1;
	unsigned long i, want_used = 0;
	char *cause;
	long size;
	FILE *f = tmpfile();
	int rc;

	(void)state;
	assert_non_null(f);
	fputs("\xef\xbb\xbfN°,Prénom et nom,Organisation,Pays,Langue,Votre question,"
	    "Souhaitez-vous prendre la parole ?,Courriel\r\n", f);
	for (i = 0; i < 100000; i++) {
		bool asks = i % 5 != 0, floor = i % 3 == 0;

		fprintf(f, "%lu,Participant %lu,Organisation %lu,Pays,%s,", i, i,
		    i % 50, langs[i % 6]);
		if (i % 7 == 0)
			fprintf(f, "\"Comment financer l'assistance, à long terme ? "
			    "n°%lu \"\"citée\"\"\r\nseconde ligne\",", i);
		else if (asks)
			fprintf(f, "Question numéro %lu sur la coopération régionale,", i);
		else
			fputc(',', f);
		fprintf(f, "%s,p%lu@example.org\r\n", i == 54321 ? "maybe" :
		    floor ? "oui" : "non", i);
		if (i != 54321 && (asks || i % 7 == 0 || floor))
			want_used++;
	}
	size = ftell(f);
	rewind(f);

	b.heap_base = heap_in_use();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = import_csv_read_counted(f, (size_t)size, NULL, 0, &cb, &c, &cause);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fclose(f);
	assert_read_ok(rc, cause);
	print_message("    100000 rows, %ld bytes parsed in %.3f s\n", size,
	    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);

	assert_int_equal(c.used, want_used);
	assert_int_equal(c.bad, 1);
	assert_int_equal(c.used + c.bad + c.skipped, 100000);
	assert_int_equal(b.rows, want_used);
	if (b.first_wrong_line != 0)
		fail_msg("row %lu has the wrong line number", b.first_wrong_line - 1);
	/* The file is ~16 MB; the reader may hold a block, a row and the header. */
	assert_true(size > 10 * 1024 * 1024);
	if (b.heap_peak > b.heap_base)
		assert_true(b.heap_peak - b.heap_base < 2 * 1024 * 1024);
	assert_true(b.progress_calls >= 1);
	assert_int_equal(b.progress_done, (size_t)size);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bom_crlf),
		cmocka_unit_test(test_multiline_quotes),
		cmocka_unit_test(test_french_headers),
		cmocka_unit_test(test_excel_semicolons),
		cmocka_unit_test(test_spanish_headers),
		cmocka_unit_test(test_arabic_headers),
		cmocka_unit_test(test_english_variants),
		cmocka_unit_test(test_split_names),
		cmocka_unit_test(test_map_override),
		cmocka_unit_test(test_map_errors),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_floor_values),
		cmocka_unit_test(test_unclosed_quote),
		cmocka_unit_test(test_no_question_column),
		cmocka_unit_test(test_empty_files),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_lone_cr),
		cmocka_unit_test(test_tabs),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_long_cell),
		cmocka_unit_test(test_runaway_quote),
		cmocka_unit_test(test_too_many_columns),
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_100k_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
