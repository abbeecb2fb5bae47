/*
 * fuzz-text.c -- the text sanitiser (text.c) on arbitrary bytes, as
 * question texts, names and event titles from outside may carry them,
 * with the properties the console's screen depends on checked on every
 * output.
 *
 * Data flow: the input (up to its first NUL, as a C string) goes through
 * text_sanitize(); the wide string that comes out must hold no C0 or C1
 * control, no ESC, no DEL, no bidi embedding, override, isolate or mark,
 * no zero-width or invisible format character, no tag character, nothing
 * wcwidth() calls unprintable, no run of more than four combining marks
 * and no mark without a base, and it must encode to valid UTF-8. Its width
 * must be what text_width_utf8() says of the input, a smaller buffer
 * must give a prefix of it, and text_inert_utf8() must give the same
 * characters as UTF-8. Then every function of text.h that takes a
 * width budget, text_fit() and text_wrap(), runs with budgets from 0 to
 * 80 cells (and a negative one): what they return must never be wider than
 * the budget. Any violation aborts.
 */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "fuzz.h"
#include "text.h"

/* Combining marks text.c keeps after one base character. */
#define FUZZ_MARKS_MAX 4

/* Width budgets tried on every input (cells). */
static const int fuzz_budgets[] = { -1, 0, 1, 2, 3, 4, 7, 20, 80 };

/* What text_wrap() handed out for one budget. */
struct fuzz_wrap {
	const wchar_t *ws;  /* the string being wrapped */
	size_t n;           /* its length */
	int width;          /* the budget */
	int lines;          /* lines seen */
	size_t after;       /* where the last line ended, in ws */
};

/* The C.UTF-8 character type, for wcwidth() and the UTF-8 encoding here. */
static locale_t
fuzz_locale(void)
{
	static locale_t loc;

	if (loc == (locale_t)0) {
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		FUZZ_CHECK(loc != (locale_t)0);
	}
	return loc;
}

/*
 * Whether a character must never reach the terminal: the list of issue 6
 * and DESIGN.md, written out here on its own so that it checks text.c
 * rather than repeats it.
 */
static bool
fuzz_forbidden(wchar_t wc)
{
	unsigned long c = (unsigned long)wc;

	return c < 0x20 ||                       /* C0, ESC included */
	    c == 0x7f ||                         /* DEL */
	    (c >= 0x80 && c <= 0x9f) ||          /* C1 */
	    (c >= 0xd800 && c <= 0xdfff) ||      /* surrogates: not text */
	    c > 0x10ffff ||
	    c == 0x061c ||                       /* Arabic letter mark */
	    c == 0x180e ||                       /* Mongolian vowel separator */
	    (c >= 0x200b && c <= 0x200d) ||      /* zero-width space, (non-)joiner */
	    c == 0x200e || c == 0x200f ||        /* LRM, RLM */
	    (c >= 0x202a && c <= 0x202e) ||      /* embeddings, overrides */
	    (c >= 0x2060 && c <= 0x2064) ||      /* word joiner, invisible operators */
	    (c >= 0x2066 && c <= 0x2069) ||      /* isolates */
	    (c >= 0x206a && c <= 0x206f) ||      /* deprecated format controls */
	    c == 0xfeff ||                       /* zero-width no-break space, BOM */
	    (c >= 0xfff9 && c <= 0xfffb) ||      /* interlinear annotation */
	    (c >= 0xe0000 && c <= 0xe007f);      /* tags */
}

/*
 * Whether two wide strings start with the same n characters (a loop, not
 * wmemcmp(), whose vector reads past the end valgrind reports).
 */
static bool
fuzz_same(const wchar_t *a, const wchar_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* Cells of one sanitised character (every one must be printable). */
static int
fuzz_cells(wchar_t wc)
{
	int w = wcwidth(wc);

	FUZZ_CHECK(w >= 0);
	return w;
}

/* Cells of n characters. */
static int
fuzz_width(const wchar_t *ws, size_t n)
{
	int total = 0;

	for (size_t i = 0; i < n; i++)
		total += fuzz_cells(ws[i]);
	return total;
}

/* The sanitised string holds only safe characters and is valid UTF-8. */
static void
fuzz_safe(const wchar_t *ws, size_t n)
{
	int marks = 0;

	for (size_t i = 0; i < n; i++) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		wchar_t back;
		size_t k;

		FUZZ_CHECK(ws[i] != L'\0');
		FUZZ_CHECK(!fuzz_forbidden(ws[i]));
		if (fuzz_cells(ws[i]) == 0) {
			FUZZ_CHECK(i > 0);        /* a mark always has a base */
			FUZZ_CHECK(++marks <= FUZZ_MARKS_MAX);
		} else {
			marks = 0;
		}
		/* It encodes as UTF-8, and that decodes back to it. */
		memset(&st, 0, sizeof st);
		k = wcrtomb(mb, ws[i], &st);
		FUZZ_CHECK(k != (size_t)-1 && k >= 1 && k <= 4);
		memset(&st, 0, sizeof st);
		FUZZ_CHECK(mbrtowc(&back, mb, k, &st) == k && back == ws[i]);
		FUZZ_CHECK(text_valid_utf8(mb, k));
	}
	FUZZ_CHECK(ws[n] == L'\0');
}

/* text_fit() never exceeds the budget and only cuts, marking the cut. */
static void
fuzz_fit(const wchar_t *ws, size_t n, int width)
{
	wchar_t *cut = malloc((n + 1) * sizeof *cut);
	int full = fuzz_width(ws, n), used;
	size_t m;

	FUZZ_CHECK(cut != NULL);
	wmemcpy(cut, ws, n + 1);
	used = text_fit(cut, width);
	m = wcslen(cut);
	FUZZ_CHECK(m <= n);
	FUZZ_CHECK(used == fuzz_width(cut, m));
	FUZZ_CHECK(used == text_width(cut));
	FUZZ_CHECK(used <= (width > 0 ? width : 0));
	if (width > 0 && full <= width) {
		FUZZ_CHECK(m == n && fuzz_same(cut, ws, n));
	} else if (width > 0) {
		FUZZ_CHECK(m >= 1 && cut[m - 1] == L'\x2026');
		FUZZ_CHECK(fuzz_same(cut, ws, m - 1));
		/* The cut is between whole characters: no mark left behind it. */
		FUZZ_CHECK(m - 1 >= n || fuzz_cells(ws[m - 1]) > 0);
	} else {
		FUZZ_CHECK(m == 0);
	}
	free(cut);
}

/* One line from text_wrap(): inside the string, in order, within the budget. */
static void
fuzz_wrap_line(const wchar_t *start, size_t len, void *arg)
{
	struct fuzz_wrap *w = arg;

	FUZZ_CHECK(start >= w->ws + w->after);
	FUZZ_CHECK((size_t)(start - w->ws) + len <= w->n);
	FUZZ_CHECK(len > 0);
	FUZZ_CHECK(start[0] != L' ' && start[len - 1] != L' ');
	FUZZ_CHECK(fuzz_width(start, len) <= w->width);
	w->after = (size_t)(start - w->ws) + len;
	w->lines++;
}

/* text_wrap() never hands out a line wider than the budget. */
static void
fuzz_wrap(const wchar_t *ws, size_t n, int width)
{
	struct fuzz_wrap w = { ws, n, width, 0, 0 };
	int lines = text_wrap(ws, width, fuzz_wrap_line, &w);

	FUZZ_CHECK(lines == w.lines);
	FUZZ_CHECK(width > 0 || lines == 0);
	/* Something that is not blank is shown on at least one line. */
	if (width >= 2 && wcsspn(ws, L" ") < n)
		FUZZ_CHECK(lines > 0);
}

/*
 * text_inert_utf8(), the sanitiser for messages printed outside curses,
 * gives valid UTF-8 that decodes to exactly what text_sanitize() gives.
 */
static void
fuzz_inert(const char *s, const wchar_t *ws, size_t n)
{
	char *inert = text_inert_utf8(s);
	size_t len = strlen(inert), i = 0, k;
	mbstate_t st;

	FUZZ_CHECK(text_valid_utf8(inert, len));
	memset(&st, 0, sizeof st);
	for (size_t j = 0; j < n; j++) {
		wchar_t wc;

		k = mbrtowc(&wc, inert + i, len - i, &st);
		FUZZ_CHECK(k != 0 && k <= 4 && wc == ws[j]);
		i += k;
	}
	FUZZ_CHECK(i == len);
	free(inert);
}

/* Sanitise the input and check the output and every budgeted function. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	size_t cap = 2 * size + 2, n, half;
	wchar_t *ws = malloc(cap * sizeof *ws);
	wchar_t *part;
	locale_t old;

	FUZZ_CHECK(s != NULL && ws != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	n = text_sanitize(s, ws, cap);
	/* Never more than two characters for one byte (an orphan mark's base). */
	FUZZ_CHECK(n + 1 < cap);
	old = uselocale(fuzz_locale());
	fuzz_safe(ws, n);
	FUZZ_CHECK(text_width(ws) == fuzz_width(ws, n));
	FUZZ_CHECK(text_width_utf8(s) == text_width(ws));
	fuzz_inert(s, ws, n);
	/* A smaller buffer holds a prefix of the same string. */
	half = n / 2 + 1;
	part = malloc(half * sizeof *part);
	FUZZ_CHECK(part != NULL);
	FUZZ_CHECK(text_sanitize(s, part, half) == half - 1);
	FUZZ_CHECK(fuzz_same(part, ws, half - 1) && part[half - 1] == L'\0');
	free(part);
	for (size_t i = 0; i < sizeof fuzz_budgets / sizeof fuzz_budgets[0]; i++) {
		fuzz_fit(ws, n, fuzz_budgets[i]);
		fuzz_wrap(ws, n, fuzz_budgets[i]);
	}
	/* The checks made on text from outside agree with each other. */
	if (text_valid_utf8(s, strlen(s)))
		FUZZ_CHECK(text_length_utf8(s) == mbstowcs(NULL, s, 0));
	uselocale(old);
	free(ws);
	free(s);
	return 0;
}
