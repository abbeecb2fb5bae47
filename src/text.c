/*
 * text.c -- text measured in terminal cells and made inert before it is
 * drawn.
 *
 * Data flow: UTF-8 from the model (event file, forms, intake) goes through
 * one decoder, struct cleaner, which hands out one wide character at a
 * time, already made safe; text_sanitize() stores them, text_width_utf8()
 * only adds up their widths. The views then cut (text_fit) or wrap
 * (text_wrap) the sanitised wide string by display cells and draw it.
 *
 * Decoding (mbrtowc, mbsnrtowcs) and widths (wcwidth) come from the C
 * library, always under a C.UTF-8 character type, whatever the process
 * locale is: the stored text is UTF-8 by contract, so a chair whose LANG=C
 * must not see every accent refused by text_valid_utf8(). If C.UTF-8 is
 * missing, the process locale is used as it is, and text_utf8_strict()
 * says so (intake then leaves the checking of non-ASCII text to jansson).
 *
 * What text becomes (so that nothing can move the cursor, change colours,
 * reorder a line or hide characters on the chair's terminal):
 *   - invalid UTF-8, one U+FFFD per bad byte, decoding going on at the next
 *     byte; code points beyond U+10FFFF, one U+FFFD;
 *   - newline, tab and carriage return, a space (CSV exports end lines
 *     with CRLF, and a stray mark for each would only be noise);
 *   - other C0 controls, their Control Pictures U+2400..U+241F (ESC shows
 *     as U+241B "␛"), DEL as U+2421 "␡";
 *   - C1 controls U+0080..U+009F and anything else wcwidth() calls
 *     unprintable, U+FFFD;
 *   - bidi embeddings, overrides, isolates and marks, zero-width spaces and
 *     joiners, word joiner and invisible operators, BOM, interlinear
 *     annotation controls and tag characters, U+25C7 "◇" (visible, one
 *     cell), because they are invisible or reorder what follows;
 *   - combining marks (wcwidth 0, variation selectors included) are kept
 *     up to MARKS_MAX after one base character, the rest dropped; a mark
 *     with nothing to sit on gets U+25CC "◌" as its base.
 */
#include "text.h"

#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Characters decoded per mbsnrtowcs() call in text_valid_utf8(). */
#define TEXT_VALID_CHUNK 256

/* Placeholders; see the top of the file. */
#define REPLACEMENT L'\xFFFD'
#define HIDDEN_MARK L'\x25C7'
#define ORPHAN_BASE L'\x25CC'
#define ELLIPSIS L'\x2026'
#define CONTROL_PICTURES 0x2400
#define DEL_PICTURE L'\x2421'

/* Combining marks kept after one base character. */
#define MARKS_MAX 4

/* One pass of decoding and cleaning over a NUL-terminated UTF-8 string. */
struct cleaner {
	const char *p;      /* next byte to decode; the string ends at a NUL */
	mbstate_t state;
	bool has_base;      /* a character with width > 0 was handed out */
	int marks;          /* combining marks handed out since that base */
	wchar_t pending;    /* a mark waiting behind its ORPHAN_BASE, or 0 */
};

/* The C.UTF-8 character type, made once; (locale_t)0 when unavailable. */
static locale_t
text_locale(void)
{
	static bool tried;
	static locale_t loc;

	if (!tried) {
		tried = true;
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	return loc;
}

/* Switch this thread to UTF-8 decoding; returns what to switch back to. */
static locale_t
text_enter(void)
{
	locale_t loc = text_locale();

	return loc != (locale_t)0 ? uselocale(loc) : (locale_t)0;
}

/* Undo text_enter(). */
static void
text_leave(locale_t old)
{
	if (old != (locale_t)0)
		uselocale(old);
}

/* Whether a character is invisible or reorders text (and is not a mark). */
static bool
text_hidden_format(wchar_t wc)
{
	return wc == 0x061C || wc == 0x180E ||
	    (wc >= 0x200B && wc <= 0x200F) ||
	    (wc >= 0x202A && wc <= 0x202E) ||
	    (wc >= 0x2060 && wc <= 0x2064) ||
	    (wc >= 0x2066 && wc <= 0x206F) ||
	    wc == 0xFEFF ||
	    (wc >= 0xFFF9 && wc <= 0xFFFB) ||
	    (wc >= 0xE0000 && wc <= 0xE007F);
}

/* Cells of a wide character; unprintable ones count as their placeholder. */
static int
text_cell_width(wchar_t wc)
{
	int w = wc >= 0x20 && wc < 0x7F ? 1 : wcwidth(wc);

	return w < 0 ? 1 : w;
}

/* Start cleaning a string. */
static void
cleaner_init(struct cleaner *c, const char *s)
{
	c->p = s;
	memset(&c->state, 0, sizeof c->state);
	c->has_base = false;
	c->marks = 0;
	c->pending = 0;
}

/* Decode the next character as it is in the input; 0 at the end. */
static wchar_t
cleaner_decode(struct cleaner *c)
{
	wchar_t wc;
	size_t n;

	if (*c->p == '\0')
		return 0;
	/* ASCII is itself in UTF-8: most text is, and mbrtowc costs. */
	if ((unsigned char)*c->p < 0x80)
		return (wchar_t)(unsigned char)*c->p++;
	/*
	 * Look at no more than one character's worth of bytes: a caller that
	 * shows the first 80 cells of a 4000-byte question pays for 80 cells.
	 */
	n = mbrtowc(&wc, c->p, strnlen(c->p, MB_LEN_MAX), &c->state);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		/* A bad or cut sequence costs one byte, then we resync. */
		memset(&c->state, 0, sizeof c->state);
		c->p++;
		return REPLACEMENT;
	}
	c->p += n;
	if ((uint32_t)wc > 0x10FFFF)
		return REPLACEMENT;
	return wc;
}

/* The next safe character to display; 0 at the end. */
static wchar_t
cleaner_next(struct cleaner *c)
{
	wchar_t wc;
	int w;

	if (c->pending != 0) {
		wc = c->pending;
		c->pending = 0;
		c->marks = 1;
		return wc;
	}
	for (;;) {
		wc = cleaner_decode(c);
		if (wc == 0)
			return 0;
		if (wc >= 0x20 && wc < 0x7F) {  /* printable ASCII: one cell */
			c->has_base = true;
			c->marks = 0;
			return wc;
		}
		if (wc == L'\n' || wc == L'\t' || wc == L'\r')
			wc = L' ';
		else if (wc < 0x20)
			wc = (wchar_t)(CONTROL_PICTURES + wc);
		else if (wc == 0x7F)
			wc = DEL_PICTURE;
		else if (wc >= 0x80 && wc <= 0x9F)
			wc = REPLACEMENT;
		else if (text_hidden_format(wc))
			wc = HIDDEN_MARK;
		w = wcwidth(wc);
		if (w < 0) {
			wc = REPLACEMENT;
			w = 1;
		}
		if (w > 0) {
			c->has_base = true;
			c->marks = 0;
			return wc;
		}
		if (!c->has_base) {
			c->has_base = true;
			c->pending = wc;
			return ORPHAN_BASE;
		}
		if (c->marks < MARKS_MAX) {
			c->marks++;
			return wc;
		}
		/* Past MARKS_MAX the marks would only pile up in one cell. */
	}
}

/* Store the safe, displayable form of UTF-8 text as a wide string. */
size_t
text_sanitize(const char *in, wchar_t *out, size_t outmax)
{
	struct cleaner c;
	locale_t old;
	size_t n = 0;
	wchar_t wc;

	if (outmax == 0)
		return 0;
	if (in == NULL) {
		out[0] = L'\0';
		return 0;
	}
	old = text_enter();
	cleaner_init(&c, in);
	while (n + 1 < outmax && (wc = cleaner_next(&c)) != 0)
		out[n++] = wc;
	out[n] = L'\0';
	text_leave(old);
	return n;
}

/* The safe form of UTF-8 text cut to cells (<= 0: whole), as UTF-8. */
char *
text_fit_utf8(const char *in, int cells)
{
	/* Sanitising never makes more than two characters of a byte. */
	size_t n = (in != NULL ? strlen(in) : 0) * 2 + 2, k = 0;
	wchar_t *ws = malloc(n * sizeof *ws);
	mbstate_t st;
	locale_t old;
	char *out;

	if (ws == NULL) {
		fprintf(stderr, "podium: out of memory (%zu wide chars)\n", n);
		abort();
	}
	text_sanitize(in != NULL ? in : "", ws, n);
	if (cells > 0)
		text_fit(ws, cells);
	n = wcslen(ws) * MB_LEN_MAX + 1;
	if ((out = malloc(n)) == NULL) {
		fprintf(stderr, "podium: out of memory (%zu bytes)\n", n);
		abort();
	}
	old = text_enter();
	memset(&st, 0, sizeof st);
	for (size_t i = 0; ws[i] != L'\0'; i++) {
		size_t w;

		if (ws[i] < 0x80) {  /* ASCII is itself in UTF-8 */
			out[k++] = (char)ws[i];
			continue;
		}
		w = wcrtomb(out + k, ws[i], &st);
		if (w == (size_t)-1) {
			/* Only without C.UTF-8: the character cannot be written. */
			memset(&st, 0, sizeof st);
			out[k] = '?';
			w = 1;
		}
		k += w;
	}
	out[k] = '\0';
	text_leave(old);
	free(ws);
	return out;
}

/* The safe, displayable form of UTF-8 text, as malloc'd UTF-8. */
char *
text_inert_utf8(const char *in)
{
	return text_fit_utf8(in, 0);
}

/* Cells a sanitised wide string takes on the terminal. */
int
text_width(const wchar_t *ws)
{
	locale_t old = text_enter();
	int total = 0;

	for (; *ws != L'\0'; ws++)
		total += text_cell_width(*ws);
	text_leave(old);
	return total;
}

/* Cells UTF-8 text takes once sanitised, without storing it. */
int
text_width_utf8(const char *s)
{
	struct cleaner c;
	locale_t old;
	int total = 0;
	wchar_t wc;

	if (s == NULL)
		return 0;
	old = text_enter();
	cleaner_init(&c, s);
	while ((wc = cleaner_next(&c)) != 0)
		total += text_cell_width(wc);
	text_leave(old);
	return total;
}

/* Cut a sanitised string to a number of cells, marking the cut. */
int
text_fit(wchar_t *ws, int width)
{
	locale_t old;
	int used = 0, total;
	size_t i;

	if (width <= 0) {
		ws[0] = L'\0';
		return 0;
	}
	total = text_width(ws);
	if (total <= width)
		return total;
	old = text_enter();
	/* Keep whole characters (and their marks) in width - 1 cells. */
	for (i = 0; ws[i] != L'\0'; i++) {
		int w = text_cell_width(ws[i]);

		if (used + w > width - 1)
			break;
		used += w;
	}
	text_leave(old);
	/* Something did not fit, so ws[i] and ws[i + 1] exist. */
	ws[i] = ELLIPSIS;
	ws[i + 1] = L'\0';
	return used + 1;
}

/* Break a sanitised string into lines of a number of cells. */
int
text_wrap(const wchar_t *ws, int width,
    void (*line)(const wchar_t *start, size_t len, void *arg), void *arg)
{
	locale_t old;
	size_t n = wcslen(ws), i = 0;
	int lines = 0;

	if (width <= 0)
		return 0;
	old = text_enter();
	while (i < n) {
		size_t start, j, end, next, space = SIZE_MAX;
		int used = 0;

		while (i < n && ws[i] == L' ')
			i++;
		if (i >= n)
			break;
		start = i;
		for (j = i; j < n; j++) {
			int w = text_cell_width(ws[j]);

			if (used + w > width)
				break;
			if (ws[j] == L' ')
				space = j;
			used += w;
		}
		if (j >= n || ws[j] == L' ') {
			end = next = j;
		} else if (space != SIZE_MAX) {
			end = next = space;
		} else if (j > start) {
			/* A word longer than a line breaks anywhere. */
			end = next = j;
		} else {
			/*
			 * A character wider than the whole line cannot be
			 * shown at all; skip it and its marks, not overflow.
			 */
			for (j++; j < n && text_cell_width(ws[j]) == 0; j++)
				;
			i = j;
			continue;
		}
		while (end > start && ws[end - 1] == L' ')
			end--;
		line(ws + start, end - start, arg);
		lines++;
		i = next;
	}
	text_leave(old);
	return lines;
}

/*
 * Check that bytes from outside are UTF-8 before they are stored: no NUL,
 * nothing the C library's UTF-8 decoder refuses, nothing past U+10FFFF.
 * ASCII is passed over; the rest is decoded a chunk at a time
 * (mbsnrtowcs: one call per TEXT_VALID_CHUNK characters rather than one
 * per character, a tenth of the cost on Arabic text).
 */
bool
text_valid_utf8(const char *s, size_t len)
{
	wchar_t wide[TEXT_VALID_CHUNK];
	locale_t old;
	mbstate_t st;
	const char *p = s, *end = s + len;
	bool ok = true;

	while (p < end && (unsigned char)*p < 0x80 && *p != '\0')
		p++;
	if (p == end)
		return true;
	if (memchr(p, '\0', (size_t)(end - p)) != NULL)
		return false;
	old = text_enter();
	memset(&st, 0, sizeof st);
	while (ok && p != NULL && p < end) {
		const char *before = p;
		/* At most as many bytes as the chunk holds characters: glibc
		 * looks at every byte it is allowed before converting. */
		size_t nms = (size_t)(end - p) < 4 * TEXT_VALID_CHUNK ?
		    (size_t)(end - p) : 4 * TEXT_VALID_CHUNK;
		size_t n = mbsnrtowcs(wide, &p, nms, TEXT_VALID_CHUNK, &st);

		if (n == (size_t)-1 || (n == 0 && p == before))
			ok = false;
		for (size_t i = 0; ok && i < n; i++)
			ok = (uint32_t)wide[i] <= 0x10FFFF;
	}
	/* Input ending inside a character leaves the state unfinished. */
	ok = ok && mbsinit(&st);
	text_leave(old);
	return ok;
}

/* Whether text_valid_utf8() checks under C.UTF-8, not a fallback locale. */
bool
text_utf8_strict(void)
{
	return text_locale() != (locale_t)0;
}

/* Count characters, for limits stated in characters rather than bytes. */
size_t
text_length_utf8(const char *s)
{
	locale_t old = text_enter();
	mbstate_t st;
	size_t count = 0, len = strlen(s), i = 0;

	memset(&st, 0, sizeof st);
	while (i < len) {
		size_t n = mbrlen(s + i, len - i, &st);

		if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
			/* Not valid after all: count the byte and go on. */
			memset(&st, 0, sizeof st);
			n = 1;
		}
		i += n;
		count++;
	}
	text_leave(old);
	return count;
}
