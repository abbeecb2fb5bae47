/*
 * import-csv.c -- a registration export (CSV) read into questions and
 * floor requests, row by row, with libcsv.
 *
 * Data flow: import_csv_read_counted() reads the file in blocks of
 * BLOCK_SIZE bytes and feed() cuts every block at line ends before handing
 * the pieces to libcsv, so that the reader always knows which line libcsv
 * is on: a row starts on the line where its first non-blank byte was fed,
 * a cell on the line of the delimiter before it (both are what the user
 * sees in an editor, newlines inside quoted cells included). libcsv calls
 * cell_done() for every cell and row_done() at the end of every row. The
 * first row is the header: resolve_columns() turns it, and the maps, into
 * one column per field. Every later row keeps a copy of the cells of those
 * columns only (libcsv reuses its buffer), and row_done() checks them and
 * hands the row to cb->row or cb->bad, or counts it as skipped.
 *
 * Memory stays bounded whatever the size of the file: one block, the
 * header (at most COLUMNS_MAX cells of at most HEADER_KEEP bytes), the
 * used cells of one row (at most CELL_MAX bytes each) and libcsv's cell
 * buffer, which cell_realloc() caps at CELL_HARD_MAX: a cell beyond
 * CELL_MAX is a bad row, one beyond CELL_HARD_MAX (a quote never closed
 * swallowing the rest of the file) makes the file unusable.
 *
 * libcsv runs in its lenient mode, so that a stray quote inside a cell, as
 * hand-edited exports have, is kept as text; strict mode is switched on
 * only for csv_fini(), which then reports a quoted cell still open at the
 * end of the file.
 *
 * Header names, floor answers and language names are compared after
 * fold(), the classifier's normalisation: lower case, no accents, Arabic
 * letter variants and diacritics unified, punctuation turned into single
 * spaces. The table of names is in aliases[] and docs/IMPORT.md.
 */
#include "import-csv.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "classify.h"
#include "text.h"

#define BLOCK_SIZE     65536           /* bytes read at a time; progress granularity */
#define COLUMNS_MAX    256             /* more columns than this: not a registration export */
#define CELL_MAX       65536           /* bytes in a used cell; more is a bad row */
#define CELL_HARD_MAX  (1024 * 1024)   /* bytes libcsv may buffer for one cell */
#define HEADER_KEEP    4096            /* bytes of a header cell kept for matching */
#define QUESTION_MAX   4000            /* characters in a question, as for intake */
#define PROGRESS_MS    100             /* at most ten progress calls a second */
#define LIST_MAX       800             /* bytes of header names quoted in a message */

/* Internal fields: the public ones, then the two halves of a split name. */
enum {
	F_FIRST = IMPORT_FIELD_COUNT,  /* first name, joined to the name */
	F_LAST,                        /* last name, joined to the name */
	F_COUNT
};

/* A growable byte string. */
struct buf {
	char *s;
	size_t len;
	size_t cap;
};

/* A header name that finds a field. */
struct alias {
	int field;
	bool whole;        /* only as the whole header: too short or too common inside one */
	const char *text;  /* as people write it; folded before comparing */
};

/*
 * The header names recognised, in English, French, Spanish and Arabic.
 * A header matches an alias when, folded, it is the alias or contains its
 * words; the closest match wins (see resolve_columns()).
 */
static const struct alias aliases[] = {
	{IMPORT_ID, false, "id"},
	{IMPORT_ID, false, "registration id"},
	{IMPORT_ID, false, "registration number"},
	{IMPORT_ID, true, "n°"},
	{IMPORT_ID, true, "numéro"},
	{IMPORT_ID, false, "numéro d'inscription"},
	{IMPORT_ID, false, "n° d'inscription"},
	{IMPORT_ID, false, "identifiant"},
	{IMPORT_ID, false, "número de registro"},
	{IMPORT_ID, false, "número de inscripción"},
	{IMPORT_ID, true, "رقم"},
	{IMPORT_ID, false, "رقم التسجيل"},

	{IMPORT_NAME, false, "name"},
	{IMPORT_NAME, false, "full name"},
	{IMPORT_NAME, false, "your name"},
	{IMPORT_NAME, false, "nom"},
	{IMPORT_NAME, false, "nom complet"},
	{IMPORT_NAME, false, "prénom et nom"},
	{IMPORT_NAME, false, "nom et prénom"},
	{IMPORT_NAME, false, "prénom nom"},
	{IMPORT_NAME, false, "nom prénom"},
	{IMPORT_NAME, false, "nombre"},
	{IMPORT_NAME, false, "nombre completo"},
	{IMPORT_NAME, false, "nombre y apellido"},
	{IMPORT_NAME, false, "nombre y apellidos"},
	{IMPORT_NAME, false, "الاسم"},
	{IMPORT_NAME, false, "الاسم الكامل"},
	{IMPORT_NAME, true, "اسم"},

	{F_FIRST, false, "first name"},
	{F_FIRST, false, "given name"},
	{F_FIRST, false, "prénom"},
	{F_FIRST, false, "nombre de pila"},
	{F_FIRST, false, "الاسم الأول"},

	{F_LAST, false, "last name"},
	{F_LAST, false, "surname"},
	{F_LAST, false, "family name"},
	{F_LAST, false, "nom de famille"},
	{F_LAST, false, "apellido"},
	{F_LAST, false, "apellidos"},
	{F_LAST, false, "اسم العائلة"},
	{F_LAST, false, "اللقب"},

	{IMPORT_ORG, true, "org"},
	{IMPORT_ORG, false, "organisation"},
	{IMPORT_ORG, false, "organization"},
	{IMPORT_ORG, false, "délégation"},
	{IMPORT_ORG, false, "organisme"},
	{IMPORT_ORG, false, "institution"},
	{IMPORT_ORG, false, "affiliation"},
	{IMPORT_ORG, false, "company"},
	{IMPORT_ORG, false, "entreprise"},
	{IMPORT_ORG, false, "organización"},
	{IMPORT_ORG, false, "entidad"},
	{IMPORT_ORG, false, "delegación"},
	{IMPORT_ORG, false, "institución"},
	{IMPORT_ORG, false, "empresa"},
	{IMPORT_ORG, false, "المنظمة"},
	{IMPORT_ORG, false, "الجهة"},
	{IMPORT_ORG, false, "الوفد"},
	{IMPORT_ORG, false, "المؤسسة"},

	{IMPORT_COUNTRY, false, "country"},
	{IMPORT_COUNTRY, false, "pays"},
	{IMPORT_COUNTRY, false, "país"},
	{IMPORT_COUNTRY, false, "البلد"},
	{IMPORT_COUNTRY, false, "الدولة"},
	{IMPORT_COUNTRY, true, "بلد"},
	{IMPORT_COUNTRY, true, "دولة"},

	{IMPORT_LANG, false, "language"},
	{IMPORT_LANG, false, "languages"},
	{IMPORT_LANG, false, "langue"},
	{IMPORT_LANG, false, "langues"},
	{IMPORT_LANG, false, "idioma"},
	{IMPORT_LANG, false, "idiomas"},
	{IMPORT_LANG, false, "lengua"},
	{IMPORT_LANG, false, "اللغة"},
	{IMPORT_LANG, false, "لغة"},

	{IMPORT_QUESTION, false, "question"},
	{IMPORT_QUESTION, false, "questions"},
	{IMPORT_QUESTION, false, "your question"},
	{IMPORT_QUESTION, false, "votre question"},
	{IMPORT_QUESTION, false, "vos questions"},
	{IMPORT_QUESTION, false, "pregunta"},
	{IMPORT_QUESTION, false, "preguntas"},
	{IMPORT_QUESTION, false, "su pregunta"},
	{IMPORT_QUESTION, false, "سؤال"},
	{IMPORT_QUESTION, false, "السؤال"},
	{IMPORT_QUESTION, false, "سؤالك"},
	{IMPORT_QUESTION, false, "أسئلة"},
	{IMPORT_QUESTION, false, "الأسئلة"},

	{IMPORT_FLOOR, false, "floor"},
	{IMPORT_FLOOR, false, "take the floor"},
	{IMPORT_FLOOR, false, "request to speak"},
	{IMPORT_FLOOR, false, "speak"},
	{IMPORT_FLOOR, false, "prendre la parole"},
	{IMPORT_FLOOR, false, "souhaitez-vous prendre la parole"},
	{IMPORT_FLOOR, false, "prise de parole"},
	{IMPORT_FLOOR, false, "parole"},
	{IMPORT_FLOOR, false, "tomar la palabra"},
	{IMPORT_FLOOR, false, "desea tomar la palabra"},
	{IMPORT_FLOOR, false, "palabra"},
	{IMPORT_FLOOR, false, "الكلمة"},
	{IMPORT_FLOOR, false, "طلب الكلمة"},
	{IMPORT_FLOOR, false, "أخذ الكلمة"},

	{IMPORT_EMAIL, false, "email"},
	{IMPORT_EMAIL, false, "e-mail"},
	{IMPORT_EMAIL, false, "email address"},
	{IMPORT_EMAIL, false, "mail"},
	{IMPORT_EMAIL, false, "courriel"},
	{IMPORT_EMAIL, false, "adresse électronique"},
	{IMPORT_EMAIL, false, "correo"},
	{IMPORT_EMAIL, false, "correo electrónico"},
	{IMPORT_EMAIL, false, "البريد الإلكتروني"},
	{IMPORT_EMAIL, false, "البريد"},
};

#define ALIAS_COUNT (sizeof aliases / sizeof aliases[0])

/* Field names accepted in maps, indexed by field. */
static const char *const map_names[IMPORT_FIELD_COUNT] = {
	"id", "name", "org", "country", "lang", "question", "floor", "email",
};

/* Words a floor cell may hold, folded; "x" and "1" are what ticked boxes export. */
static const char *const floor_yes[] = {
	"yes", "y", "oui", "o", "si", "s", "نعم", "true", "vrai", "1", "x",
};
static const char *const floor_no[] = {
	"no", "n", "non", "false", "faux", "0", "لا",
};
/* Ticks, crosses and dashes, compared before folding (folding drops symbols). */
static const char *const floor_ticks[] = {"✓", "✔", "☑", "✅"};
static const char *const floor_crosses[] = {"✗", "✘", "☐", "❌", "-", "–", "—"};

/* Language names and codes, folded when compared, with the code they mean. */
static const struct language {
	const char *code;
	bool is_name;      /* a name (may be found among other words), not a code */
	const char *text;
} languages[] = {
	{"ar", false, "ar"}, {"ar", false, "ara"},
	{"ar", true, "arabic"}, {"ar", true, "arabe"}, {"ar", true, "العربية"},
	{"ar", true, "عربي"}, {"ar", true, "عربية"},
	{"en", false, "en"}, {"en", false, "eng"},
	{"en", true, "english"}, {"en", true, "anglais"}, {"en", true, "inglés"},
	{"en", true, "inglesa"}, {"en", true, "الإنجليزية"}, {"en", true, "الإنكليزية"},
	{"en", true, "إنجليزي"},
	{"es", false, "es"}, {"es", false, "spa"}, {"es", false, "esp"},
	{"es", true, "español"}, {"es", true, "española"}, {"es", true, "spanish"},
	{"es", true, "espagnol"}, {"es", true, "castellano"}, {"es", true, "castillan"},
	{"es", true, "الإسبانية"}, {"es", true, "إسباني"},
	{"fr", false, "fr"}, {"fr", false, "fra"}, {"fr", false, "fre"},
	{"fr", true, "français"}, {"fr", true, "française"}, {"fr", true, "french"},
	{"fr", true, "francés"}, {"fr", true, "francesa"}, {"fr", true, "الفرنسية"},
	{"fr", true, "فرنسي"},
};

#define LANGUAGE_COUNT (sizeof languages / sizeof languages[0])

/* A map given by the caller, checked before the file is read. */
struct map {
	bool set;
	const char *header;  /* points into the caller's string; "" = no column */
	size_t len;
};

/* A candidate pairing of a field and a column, scored by closeness. */
struct candidate {
	double score;  /* 1 for the whole header; less, the less of it the alias covers */
	int field;
	int col;
};

/* Everything one read needs; lives on import_csv_read_counted()'s stack. */
struct reader {
	struct csv_parser csv;
	const struct import_callbacks *cb;
	struct map map[IMPORT_FIELD_COUNT];
	unsigned char delim;

	/* Where libcsv is. */
	unsigned long line;        /* the line being fed, from 1 */
	unsigned long row_line;    /* the line where the current row started */
	unsigned long cell_line;   /* the line where the current cell started */
	bool row_open;             /* libcsv has started a row it has not ended */
	bool pending_cr;           /* the last block ended with CR: CRLF or a lone CR? */
	size_t ncells;             /* cells of the current row so far */

	/* The header. */
	bool header_done;
	char *header[COLUMNS_MAX]; /* trimmed, cut to HEADER_KEEP bytes */
	bool header_valid;         /* every header cell is UTF-8 */
	size_t nheader;
	int col[F_COUNT];          /* the column of each field, or -1 */

	/* The current row: used cells only. */
	struct buf cell[F_COUNT];
	bool too_long[F_COUNT];
	struct buf name;           /* first and last names joined */
	struct buf scratch;        /* folded text */

	/* How it ended. */
	bool halt;                 /* stop feeding: stopped, or fatal set */
	int stopped;               /* the row callback's non-zero value */
	char *fatal;               /* why the file cannot be used */
	struct import_counts counts;
};

/* Die on allocation failure: nothing sensible can follow. */
static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n != 0 ? n : 1);

	if (q == NULL) {
		fprintf(stderr, "podium: out of memory (%zu bytes)\n", n);
		abort();
	}
	return q;
}

/* A formatted string, malloc'd, for causes. */
static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	return s;
}

/* Make room for n bytes in b. */
static void
buf_reserve(struct buf *b, size_t n)
{
	if (n > b->cap) {
		b->cap = n > 2 * b->cap ? n : 2 * b->cap;
		b->s = xrealloc(b->s, b->cap);
	}
}

/* Append len bytes to b and keep it NUL-terminated. */
static void
buf_add(struct buf *b, const char *s, size_t len)
{
	buf_reserve(b, b->len + len + 1);
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

/*
 * libcsv's buffer growth, refused past CELL_HARD_MAX so that a runaway
 * cell cannot take the memory; any other failure aborts as xrealloc does.
 */
static void *
cell_realloc(void *p, size_t n)
{
	if (n > CELL_HARD_MAX)
		return NULL;
	return xrealloc(p, n);
}

/*
 * Fold text into b for comparing names, as the question classifier does
 * (classify_normalise): lower case, no accents, Arabic letter variants and
 * diacritics unified, anything but letters and digits a single space.
 */
static void
fold(const char *s, struct buf *b)
{
	/* Folding at most doubles a character's bytes (ß → ss, ɐ from Ɐ). */
	buf_reserve(b, 2 * strlen(s) + 8);
	b->len = classify_normalise(s, b->s, b->cap);
}

/* Whether folded text holds the folded words, whole, somewhere. */
static bool
has_words(const char *text, const char *words)
{
	size_t n = strlen(words);
	const char *p = text;

	if (n == 0)
		return false;
	while ((p = strstr(p, words)) != NULL) {
		if ((p == text || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
		p++;
	}
	return false;
}

/* Whether a byte is trimmed around cells (ASCII white space). */
static bool
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

/* Narrow s/len to its text without surrounding white space (NBSP included). */
static void
trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;

	for (;;) {
		if (n > 0 && is_blank((unsigned char)p[0]))
			p++, n--;
		else if (n >= 2 && memcmp(p, "\xc2\xa0", 2) == 0)
			p += 2, n -= 2;
		else if (n >= 3 && memcmp(p, "\xe2\x80\xaf", 3) == 0)
			p += 3, n -= 3;
		else
			break;
	}
	for (;;) {
		if (n > 0 && is_blank((unsigned char)p[n - 1]))
			n--;
		else if (n >= 2 && memcmp(p + n - 2, "\xc2\xa0", 2) == 0)
			n -= 2;
		else if (n >= 3 && memcmp(p + n - 3, "\xe2\x80\xaf", 3) == 0)
			n -= 3;
		else
			break;
	}
	*s = p;
	*len = n;
}

/*
 * Write a short, printable quotation of UTF-8 text into out (at most
 * max_chars characters, "…" when cut, C0 and C1 controls and DEL as
 * spaces), for messages.
 * outsz must leave room for a few characters.
 */
static void
excerpt(const char *s, size_t len, size_t max_chars, char *out, size_t outsz)
{
	size_t i = 0, o = 0, chars = 0;

	while (i < len) {
		size_t n = 1, k;

		if (chars == max_chars || o + 4 + sizeof "…" > outsz) {
			memcpy(out + o, "…", strlen("…"));
			o += strlen("…");
			break;
		}
		while (i + n < len && n < 4 && ((unsigned char)s[i + n] & 0xC0) == 0x80)
			n++;
		if (n == 2 && (unsigned char)s[i] == 0xC2 &&
		    (unsigned char)s[i + 1] <= 0x9F) {
			/* A C1 control (U+0080..U+009F) is a control too. */
			out[o++] = ' ';
			i += n;
			chars++;
			continue;
		}
		for (k = 0; k < n; k++) {
			unsigned char c = (unsigned char)s[i + k];

			out[o++] = c < 0x20 || c == 0x7F ? ' ' : (char)c;
		}
		i += n;
		chars++;
	}
	out[o] = '\0';
}

/* The header names of the file, quoted and listed, for causes (malloc'd). */
static char *
header_list(const struct reader *r)
{
	struct buf b = {0};
	size_t c;

	buf_add(&b, "", 0);
	for (c = 0; c < r->nheader; c++) {
		char q[200];

		if (b.len > LIST_MAX) {
			buf_add(&b, ", …", strlen(", …"));
			break;
		}
		excerpt(r->header[c], strlen(r->header[c]), 40, q, sizeof q);
		if (c > 0)
			buf_add(&b, ", ", 2);
		buf_add(&b, "\"", 1);
		buf_add(&b, q, strlen(q));
		buf_add(&b, "\"", 1);
	}
	if (r->nheader == 0)
		buf_add(&b, "(none)", 6);
	return b.s;
}

/* Record why the file cannot be used (the first reason wins) and stop. */
static void
set_fatal(struct reader *r, char *why)
{
	if (r->fatal == NULL)
		r->fatal = why;
	else
		free(why);
	r->halt = true;
}

/* Check the maps ("field=Header") before anything is read. */
static int
parse_maps(struct reader *r, const char *const *maps, size_t nmaps,
    char **cause)
{
	size_t i;

	for (i = 0; i < nmaps; i++) {
		const char *m = maps[i], *eq = strchr(m, '='), *h;
		size_t flen, hlen;
		int f;

		if (eq == NULL) {
			*cause = xasprintf("map \"%s\" has no \"=\"; write FIELD=HEADER, "
			    "e.g. question=Your question", m);
			return -1;
		}
		h = m;
		flen = (size_t)(eq - m);
		trim(&h, &flen);
		for (f = 0; f < IMPORT_FIELD_COUNT; f++)
			if (strlen(map_names[f]) == flen &&
			    strncasecmp(map_names[f], h, flen) == 0)
				break;
		if (f == IMPORT_FIELD_COUNT) {
			*cause = xasprintf("map \"%s\": unknown field \"%.*s\"; fields are "
			    "id, name, org, country, lang, question, floor, email",
			    m, (int)flen, h);
			return -1;
		}
		if (r->map[f].set) {
			*cause = xasprintf("map \"%s\": the field %s is mapped twice; keep "
			    "one map for it", m, map_names[f]);
			return -1;
		}
		h = eq + 1;
		hlen = strlen(h);
		trim(&h, &hlen);
		r->map[f].set = true;
		r->map[f].header = h;
		r->map[f].len = hlen;
	}
	return 0;
}

/* The column a map names: same text, else same folded text; -1 if none. */
static int
find_mapped(struct reader *r, const struct map *m)
{
	struct buf want = {0};
	size_t c;
	int found = -1;

	for (c = 0; c < r->nheader && found < 0; c++)
		if (strlen(r->header[c]) == m->len &&
		    memcmp(r->header[c], m->header, m->len) == 0)
			found = (int)c;
	if (found >= 0)
		return found;
	fold(m->header, &want);
	for (c = 0; c < r->nheader && found < 0 && want.len > 0; c++) {
		fold(r->header[c], &r->scratch);
		if (strcmp(r->scratch.s, want.s) == 0)
			found = (int)c;
	}
	free(want.s);
	return found;
}

/* Order candidates: closest first, then by field, then by column. */
static int
candidate_cmp(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->field != y->field)
		return x->field - y->field;
	return x->col - y->col;
}

/*
 * Give the mapped fields their columns; a field mapped to "" gets none.
 * Returns false (with the fatal cause set) when a map names no column.
 */
static bool
apply_maps(struct reader *r, bool used[], bool decided[])
{
	int f;

	for (f = 0; f < IMPORT_FIELD_COUNT; f++) {
		const struct map *m = &r->map[f];

		if (!m->set)
			continue;
		decided[f] = true;
		if (m->len == 0)
			continue;
		r->col[f] = find_mapped(r, m);
		if (r->col[f] < 0) {
			char *list = header_list(r);

			set_fatal(r, xasprintf("map \"%s=%.*s\": the file has no column "
			    "\"%.*s\"; its headers are %s", map_names[f], (int)m->len,
			    m->header, (int)m->len, m->header, list));
			free(list);
			return false;
		}
		used[r->col[f]] = true;
	}
	/* A name given by a map is the whole name: no halves to join. */
	if (decided[IMPORT_NAME])
		decided[F_FIRST] = decided[F_LAST] = true;
	return true;
}

/*
 * Give the other fields the columns their aliases find, the closest
 * pairing first (a whole header before a header that only holds the alias
 * among other words), each column used once.
 */
static void
match_aliases(struct reader *r, bool used[], bool decided[])
{
	struct buf folded[COLUMNS_MAX];
	struct buf alias[ALIAS_COUNT];
	struct candidate *cand;
	size_t c, a, n = 0;
	int f;

	for (c = 0; c < r->nheader; c++) {
		memset(&folded[c], 0, sizeof folded[c]);
		fold(r->header[c], &folded[c]);
	}
	for (a = 0; a < ALIAS_COUNT; a++) {
		memset(&alias[a], 0, sizeof alias[a]);
		fold(aliases[a].text, &alias[a]);
	}
	cand = xrealloc(NULL, sizeof *cand * (r->nheader * F_COUNT + 1));
	for (c = 0; c < r->nheader; c++) {
		double best[F_COUNT] = {0};

		if (used[c] || folded[c].len == 0)
			continue;
		for (a = 0; a < ALIAS_COUNT; a++) {
			double score;

			f = aliases[a].field;
			if (decided[f])
				continue;
			if (strcmp(folded[c].s, alias[a].s) == 0)
				score = 1.0;
			else if (!aliases[a].whole && has_words(folded[c].s, alias[a].s))
				score = (double)alias[a].len / (double)folded[c].len;
			else
				continue;
			if (score > best[f])
				best[f] = score;
		}
		for (f = 0; f < F_COUNT; f++)
			if (best[f] > 0)
				cand[n++] = (struct candidate){best[f], f, (int)c};
	}
	qsort(cand, n, sizeof *cand, candidate_cmp);
	for (a = 0; a < n; a++) {
		if (decided[cand[a].field] || used[cand[a].col])
			continue;
		decided[cand[a].field] = true;
		used[cand[a].col] = true;
		r->col[cand[a].field] = cand[a].col;
	}
	free(cand);
	for (c = 0; c < r->nheader; c++)
		free(folded[c].s);
	for (a = 0; a < ALIAS_COUNT; a++)
		free(alias[a].s);
}

/* Turn the header row into one column per field, or say why the file is unusable. */
static void
resolve_columns(struct reader *r)
{
	bool used[COLUMNS_MAX] = {false}, decided[F_COUNT] = {false};

	if (!r->header_valid) {
		set_fatal(r, xasprintf("line %lu: the header row is not UTF-8 text; "
		    "save the file as \"CSV UTF-8\" and import it again", r->row_line));
		return;
	}
	if (!apply_maps(r, used, decided))
		return;
	match_aliases(r, used, decided);
	if (r->col[IMPORT_QUESTION] < 0 && r->col[IMPORT_FLOOR] < 0) {
		char *list = header_list(r);

		set_fatal(r, xasprintf("no question or floor column among the headers "
		    "%s; name one with --map question=HEADER or --map floor=HEADER",
		    list));
		free(list);
	}
}

/* Keep a header cell: trimmed, cut to HEADER_KEEP bytes on a character boundary. */
static void
keep_header(struct reader *r, const char *s, size_t len)
{
	char *h;

	trim(&s, &len);
	if (len > HEADER_KEEP) {
		len = HEADER_KEEP;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	if (!text_valid_utf8(s, len))
		r->header_valid = false;
	h = xrealloc(NULL, len + 1);
	memcpy(h, s, len);
	h[len] = '\0';
	r->header[r->nheader++] = h;
}

/* Keep a used cell of a data row, trimmed, with CRLF inside it made LF. */
static void
keep_cell(struct reader *r, int f, const char *s, size_t len)
{
	struct buf *b = &r->cell[f];
	size_t i, o = 0;

	trim(&s, &len);
	if (len > CELL_MAX) {
		r->too_long[f] = true;
		return;
	}
	buf_reserve(b, len + 1);
	for (i = 0; i < len; i++)
		if (s[i] != '\r' || i + 1 == len || s[i + 1] != '\n')
			b->s[o++] = s[i];
	b->s[o] = '\0';
	b->len = o;
}

/* libcsv's end-of-cell callback: keep the cell if a field uses its column. */
static void
cell_done(void *s, size_t len, void *data)
{
	struct reader *r = data;
	size_t c;
	int f;

	if (r->halt)
		return;
	c = r->ncells++;
	r->cell_line = r->line;
	if (c >= COLUMNS_MAX) {
		set_fatal(r, xasprintf("line %lu: more than %d columns; this does not "
		    "look like a registration export (is the delimiter right?)",
		    r->row_line, COLUMNS_MAX));
		return;
	}
	if (s == NULL)
		len = 0;
	if (!r->header_done) {
		keep_header(r, s, len);
		return;
	}
	for (f = 0; f < F_COUNT; f++)
		if (r->col[f] == (int)c)
			keep_cell(r, f, s, len);
}

/* Whether a folded word is in a list of words. */
static bool
in_list(const char *word, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(word, list[i]) == 0)
			return true;
	return false;
}

#define IN_LIST(w, l) in_list((w), (l), sizeof (l) / sizeof (l)[0])

/*
 * Read a floor cell: 1 for yes, 0 for no (an empty cell too), -1 for
 * anything else. A longer answer counts by its first word ("Oui, je
 * souhaite…"), unless that word is a single letter or digit, which says
 * too little alone.
 */
static int
floor_value(struct reader *r, const char *cell)
{
	const char *sp;
	size_t n;

	if (cell[0] == '\0' || IN_LIST(cell, floor_crosses))
		return 0;
	if (IN_LIST(cell, floor_ticks))
		return 1;
	fold(cell, &r->scratch);
	if (IN_LIST(r->scratch.s, floor_yes))
		return 1;
	if (IN_LIST(r->scratch.s, floor_no))
		return 0;
	sp = strchr(r->scratch.s, ' ');
	n = sp != NULL ? (size_t)(sp - r->scratch.s) : r->scratch.len;
	if (sp == NULL || n < 2)
		return -1;
	r->scratch.s[n] = '\0';
	if (IN_LIST(r->scratch.s, floor_yes))
		return 1;
	if (IN_LIST(r->scratch.s, floor_no))
		return 0;
	return -1;
}

/* The text of a used field in the current row, or NULL when absent or empty. */
static const char *
field_text(const struct reader *r, int f)
{
	return r->col[f] >= 0 && r->cell[f].len > 0 ? r->cell[f].s : NULL;
}

/*
 * The name of the current row: the name column, or first and last names
 * joined when the export splits them ("Prénom" + "Nom", "First name" +
 * "Last name", "Nombre" + "Apellidos"). NULL when empty.
 */
static const char *
row_name(struct reader *r)
{
	const char *parts[2] = {NULL, NULL};
	size_t i;

	if (r->col[IMPORT_NAME] < 0) {
		parts[0] = field_text(r, F_FIRST);
		parts[1] = field_text(r, F_LAST);
	} else if (r->col[F_FIRST] >= 0 && r->col[F_LAST] < 0) {
		parts[0] = field_text(r, F_FIRST);
		parts[1] = field_text(r, IMPORT_NAME);
	} else if (r->col[F_LAST] >= 0 && r->col[F_FIRST] < 0) {
		parts[0] = field_text(r, IMPORT_NAME);
		parts[1] = field_text(r, F_LAST);
	} else {
		return field_text(r, IMPORT_NAME);
	}
	if (parts[0] == NULL || parts[1] == NULL)
		return parts[0] != NULL ? parts[0] : parts[1];
	r->name.len = 0;
	for (i = 0; i < 2; i++) {
		if (i > 0)
			buf_add(&r->name, " ", 1);
		buf_add(&r->name, parts[i], strlen(parts[i]));
	}
	return r->name.s;
}

/* The words "the question column ("Votre question")", for messages. */
static void
column_words(const struct reader *r, int f, char *out, size_t outsz)
{
	static const char *const what[F_COUNT] = {
		"id", "name", "organisation", "country", "language", "question",
		"floor", "email", "first name", "last name",
	};
	const char *h = r->header[r->col[f]];
	char q[200];

	excerpt(h, strlen(h), 40, q, sizeof q);
	snprintf(out, outsz, "the %s column (\"%s\")", what[f], q);
}

/*
 * Why the current row cannot be used, into why (empty when it can): cells
 * too long, with NUL bytes or not UTF-8; a floor cell that is neither yes
 * nor no; a question too long; a floor request with no name. Sets *floor.
 */
static void
row_problem(struct reader *r, bool *floor, char *why, size_t whysz)
{
	char col[300];
	const char *q;
	int f, v;

	why[0] = '\0';
	*floor = false;
	for (f = 0; f < F_COUNT; f++) {
		const struct buf *b = &r->cell[f];
		const char *what = NULL;

		if (r->col[f] < 0)
			continue;
		if (r->too_long[f])
			what = "holds more than 64 KiB; shorten it";
		else if (b->len > 0 && memchr(b->s, '\0', b->len) != NULL)
			what = "holds a NUL byte; remove it";
		else if (!text_valid_utf8(b->s, b->len))
			what = "is not UTF-8 text; save the file as \"CSV UTF-8\"";
		if (what != NULL) {
			column_words(r, f, col, sizeof col);
			snprintf(why, whysz, "%s %s", col, what);
			return;
		}
	}
	if (r->col[IMPORT_FLOOR] >= 0) {
		const struct buf *b = &r->cell[IMPORT_FLOOR];

		v = floor_value(r, b->len > 0 ? b->s : "");
		if (v < 0) {
			char val[200];

			excerpt(b->s, b->len, 30, val, sizeof val);
			snprintf(why, whysz, "floor column says '%s'; use yes or no", val);
			return;
		}
		*floor = v == 1;
	}
	q = field_text(r, IMPORT_QUESTION);
	if (q != NULL && r->cell[IMPORT_QUESTION].len > QUESTION_MAX) {
		size_t chars = text_length_utf8(q);

		if (chars > QUESTION_MAX) {
			snprintf(why, whysz, "the question is longer than %d characters "
			    "(%zu); shorten it", QUESTION_MAX, chars);
			return;
		}
	}
	if (*floor && row_name(r) == NULL)
		snprintf(why, whysz, "asks to take the floor but gives no name; "
		    "add the name");
}

/* Check the row just read and hand it to the caller. */
static void
take_row(struct reader *r, unsigned long line)
{
	struct import_row row;
	char why[600];
	const char *lang, *code;
	bool floor;
	int rc;

	row_problem(r, &floor, why, sizeof why);
	if (why[0] != '\0') {
		struct import_bad bad = {line, why};

		r->counts.bad++;
		if (r->cb->bad != NULL)
			r->cb->bad(&bad, r->cb->arg);
		return;
	}
	if (field_text(r, IMPORT_QUESTION) == NULL && !floor) {
		r->counts.skipped++;
		return;
	}
	lang = field_text(r, IMPORT_LANG);
	code = import_csv_lang(lang);
	if (code != NULL)
		lang = code;
	row = (struct import_row){
		.line = line,
		.id = field_text(r, IMPORT_ID),
		.name = row_name(r),
		.org = field_text(r, IMPORT_ORG),
		.country = field_text(r, IMPORT_COUNTRY),
		.lang = lang,
		.question = field_text(r, IMPORT_QUESTION),
		.email = field_text(r, IMPORT_EMAIL),
		.floor = floor,
	};
	r->counts.used++;
	rc = r->cb->row != NULL ? r->cb->row(&row, r->cb->arg) : 0;
	if (rc != 0) {
		r->stopped = rc;
		r->halt = true;
	}
}

/* libcsv's end-of-row callback: the header resolves columns, other rows are taken. */
static void
row_done(int c, void *data)
{
	struct reader *r = data;
	int f;

	(void)c;
	r->row_open = false;
	if (r->halt)
		return;
	if (!r->header_done) {
		r->header_done = true;
		resolve_columns(r);
	} else {
		take_row(r, r->row_line);
	}
	r->ncells = 0;
	for (f = 0; f < F_COUNT; f++) {
		r->cell[f].len = 0;
		r->too_long[f] = false;
	}
}

/* Whether a piece of a line starts a row: libcsv skips blanks before one. */
static bool
has_content(const struct reader *r, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\r' && p[i] != '\n' &&
		    (p[i] != '\t' || r->delim == '\t'))
			return true;
	return false;
}

/* Hand one piece of a line to libcsv. */
static void
parse(struct reader *r, const char *p, size_t n)
{
	if (csv_parse(&r->csv, p, n, cell_done, row_done, r) == n)
		return;
	if (csv_error(&r->csv) == CSV_ENOMEM)
		set_fatal(r, xasprintf("line %lu: a cell starting there is longer "
		    "than %d MiB; a quote (\") opened there and never closed makes "
		    "the rest of the file one cell: check the quotes on that line",
		    r->cell_line, CELL_HARD_MAX / (1024 * 1024)));
	else
		set_fatal(r, xasprintf("line %lu: the CSV parser failed: %s",
		    r->line, csv_strerror(csv_error(&r->csv))));
}

/*
 * Feed a block to libcsv one line at a time, counting lines (LF, CRLF or
 * a lone CR) and noting where each row starts.
 */
static void
feed(struct reader *r, const char *p, size_t len)
{
	const char *end = p + len;

	while (p < end && !r->halt) {
		const char *eol = p;
		size_t n;
		bool newline = false;

		if (r->pending_cr) {
			r->pending_cr = false;
			r->line++;
			if (*p == '\n') {
				parse(r, p, 1);
				p++;
				continue;
			}
		}
		while (eol < end && *eol != '\n' && *eol != '\r')
			eol++;
		if (eol == end) {
			n = (size_t)(end - p);
		} else if (*eol == '\n') {
			n = (size_t)(eol + 1 - p);
			newline = true;
		} else if (eol + 1 == end) {
			n = (size_t)(end - p);
			r->pending_cr = true;
		} else {
			n = (size_t)(eol + 1 - p) + (eol[1] == '\n');
			newline = true;
		}
		if (!r->row_open && has_content(r, p, n)) {
			r->row_open = true;
			r->row_line = r->cell_line = r->line;
		}
		parse(r, p, n);
		if (newline)
			r->line++;
		p += n;
	}
}

/*
 * The delimiter of the file, from its first line: a comma, unless
 * semicolons (Excel in French or Spanish) or tabs outnumber commas there.
 */
static unsigned char
sniff_delimiter(const char *p, size_t len)
{
	size_t i, commas = 0, semicolons = 0, tabs = 0;
	bool quoted = false;

	for (i = 0; i < len; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (p[i] == '\n' || p[i] == '\r')
			break;
		else if (p[i] == ',')
			commas++;
		else if (p[i] == ';')
			semicolons++;
		else if (p[i] == '\t')
			tabs++;
	}
	if (tabs > commas && tabs > semicolons)
		return '\t';
	return semicolons > commas ? ';' : ',';
}

/* libcsv's space test when tabs delimit: only spaces are trimmed. */
static int
space_only(unsigned char c)
{
	return c == ' ';
}

/* Milliseconds of the monotonic clock, to pace progress calls. */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Look at the first block: refuse UTF-16, skip a UTF-8 BOM, pick the delimiter. */
static int
first_block(struct reader *r, const char **p, size_t *len, char **cause)
{
	if (*len >= 2 && (memcmp(*p, "\xff\xfe", 2) == 0 ||
	    memcmp(*p, "\xfe\xff", 2) == 0)) {
		*cause = xasprintf("the file is UTF-16 text; save it as \"CSV UTF-8\" "
		    "and import it again");
		return -1;
	}
	if (*len >= 3 && memcmp(*p, "\xef\xbb\xbf", 3) == 0) {
		*p += 3;
		*len -= 3;
	}
	r->delim = sniff_delimiter(*p, *len);
	csv_set_delim(&r->csv, r->delim);
	if (r->delim == '\t')
		csv_set_space_func(&r->csv, space_only);
	return 0;
}

/* Read a registration export without counting what was skipped. */
int
import_csv_read(FILE *in, size_t total_bytes, const char *const *maps,
    size_t nmaps, const struct import_callbacks *cb, char **cause)
{
	return import_csv_read_counted(in, total_bytes, maps, nmaps, cb, NULL,
	    cause);
}

/* Read a registration export: maps, then blocks fed line by line, then the end. */
int
import_csv_read_counted(FILE *in, size_t total_bytes,
    const char *const *maps, size_t nmaps, const struct import_callbacks *cb,
    struct import_counts *counts, char **cause)
{
	struct reader r;
	char *block = NULL;
	size_t done = 0, got, c;
	long long last_progress = now_ms();
	bool started = false, csv_ready = false;
	int rc = -1, f;

	*cause = NULL;
	memset(&r, 0, sizeof r);
	r.cb = cb;
	r.line = 1;
	r.header_valid = true;
	for (f = 0; f < F_COUNT; f++)
		r.col[f] = -1;
	if (parse_maps(&r, maps, nmaps, cause) != 0)
		goto fail;
	if (csv_init(&r.csv, 0) != 0) {
		*cause = xasprintf("the CSV parser could not start");
		goto fail;
	}
	csv_ready = true;
	csv_set_realloc_func(&r.csv, cell_realloc);
	csv_set_blk_size(&r.csv, 4096);

	block = xrealloc(NULL, BLOCK_SIZE);
	while (!r.halt && (got = fread(block, 1, BLOCK_SIZE, in)) > 0) {
		const char *p = block;
		size_t len = got;

		done += got;
		if (!started) {
			started = true;
			if (first_block(&r, &p, &len, cause) != 0)
				goto fail;
		}
		feed(&r, p, len);
		if (cb->progress != NULL && now_ms() - last_progress >= PROGRESS_MS) {
			cb->progress(done, total_bytes, cb->arg);
			last_progress = now_ms();
		}
	}
	if (!r.halt && ferror(in)) {
		*cause = xasprintf("cannot read the file: %s", strerror(errno));
		goto fail;
	}
	if (!r.halt) {
		/* Strict only here, so that an open quote at the end is an error. */
		csv_set_opts(&r.csv, CSV_STRICT | CSV_STRICT_FINI);
		if (csv_fini(&r.csv, cell_done, row_done, &r) != 0)
			set_fatal(&r, xasprintf("line %lu: a quoted cell starts there and "
			    "its closing quote (\") never comes; close it, or write a "
			    "quote meant as text as two (\"\")", r.cell_line));
		else if (!r.header_done)
			set_fatal(&r, xasprintf("the file is empty: no header row, no "
			    "registrations"));
	}
	if (r.fatal != NULL) {
		*cause = r.fatal;
		r.fatal = NULL;
		goto fail;
	}
	if (cb->progress != NULL && r.stopped == 0)
		cb->progress(done, total_bytes, cb->arg);
	rc = r.stopped;
fail:
	if (counts != NULL)
		*counts = r.counts;
	if (csv_ready)
		csv_free(&r.csv);
	free(block);
	free(r.fatal);
	for (c = 0; c < r.nheader; c++)
		free(r.header[c]);
	for (f = 0; f < F_COUNT; f++)
		free(r.cell[f].s);
	free(r.name.s);
	free(r.scratch.s);
	return rc;
}

/* The folded text of languages[i]; the table is folded once. */
static const char *
language_folded(size_t i)
{
	static char folded[LANGUAGE_COUNT][48];
	static bool ready;

	if (!ready) {
		struct buf b = {0};
		size_t j;

		for (j = 0; j < LANGUAGE_COUNT; j++) {
			fold(languages[j].text, &b);
			snprintf(folded[j], sizeof folded[j], "%s", b.s);
		}
		free(b.s);
		ready = true;
	}
	return folded[i];
}

/* Whether folded text at w starts with the whole word. */
static bool
word_at(const char *w, const char *word)
{
	size_t n = strlen(word);

	return strncmp(w, word, n) == 0 && (w[n] == ' ' || w[n] == '\0');
}

/* Say which of podium's languages a cell names: whole, as a locale, or among words. */
const char *
import_csv_lang(const char *cell)
{
	struct buf b = {0};
	const char *code = NULL, *w, *sp;
	size_t i, len;

	if (cell == NULL)
		return NULL;
	len = strlen(cell);
	trim(&cell, &len);
	if (len == 0 || len > 200)
		return NULL;
	fold(cell, &b);
	/* The whole cell: "Français", "العربية", "FR". */
	for (i = 0; i < LANGUAGE_COUNT && code == NULL; i++)
		if (strcmp(b.s, language_folded(i)) == 0)
			code = languages[i].code;
	/* A locale: "fr-FR", "es_ES", "en-US", "es-419". */
	sp = strchr(b.s, ' ');
	if (code == NULL && sp != NULL && strchr(sp + 1, ' ') == NULL &&
	    strlen(sp + 1) >= 2 && strlen(sp + 1) <= 3)
		for (i = 0; i < LANGUAGE_COUNT && code == NULL; i++)
			if (!languages[i].is_name && word_at(b.s, language_folded(i)))
				code = languages[i].code;
	/* The first language named among other words: "Français (French)". */
	for (w = b.s; code == NULL && w != NULL;
	    w = (sp = strchr(w, ' ')) != NULL ? sp + 1 : NULL)
		for (i = 0; i < LANGUAGE_COUNT && code == NULL; i++)
			if (languages[i].is_name && word_at(w, language_folded(i)))
				code = languages[i].code;
	free(b.s);
	return code;
}
