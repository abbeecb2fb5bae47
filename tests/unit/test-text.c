/*
 * test-text.c -- text_* : what reaches the terminal is inert (no control,
 * no bidi or invisible character survives), invalid UTF-8 is replaced and
 * decoding goes on, widths are terminal cells, and fit/wrap never produce
 * more cells than asked nor split a wide character from its cells or a
 * base from its marks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"

#define BUF 4096

/* Sanitise into a static buffer, for short assertions. */
static const wchar_t *
clean(const char *s)
{
	static wchar_t out[BUF];

	text_sanitize(s, out, BUF);
	return out;
}

/* Fail unless nothing in ws could act on a terminal or reorder text. */
static void
assert_inert(const wchar_t *ws)
{
	for (; *ws != L'\0'; ws++) {
		uint32_t c = (uint32_t)*ws;

		assert_true(c >= 0x20);
		assert_false(c >= 0x7F && c <= 0x9F);
		assert_false(c >= 0x202A && c <= 0x202E);
		assert_false(c >= 0x2066 && c <= 0x2069);
		assert_false(c == 0x200E || c == 0x200F || c == 0x061C);
		assert_false(c >= 0x200B && c <= 0x200D);
		assert_false(c >= 0x2060 && c <= 0x2064);
		assert_false(c == 0xFEFF);
		assert_false(c >= 0xFFF9 && c <= 0xFFFB);
		assert_false(c >= 0xE0000 && c <= 0xE007F);
		assert_false(c >= 0xD800 && c <= 0xDFFF);
		assert_true(c <= 0x10FFFF);
		assert_true(wcwidth(*ws) >= 0);
	}
}

/* Append the UTF-8 form of a code point (all planes) to buf. */
static void
put_utf8(char *buf, uint32_t c)
{
	char *p = buf + strlen(buf);

	if (c < 0x80) {
		*p++ = (char)c;
	} else if (c < 0x800) {
		*p++ = (char)(0xC0 | c >> 6);
		*p++ = (char)(0x80 | (c & 0x3F));
	} else if (c < 0x10000) {
		*p++ = (char)(0xE0 | c >> 12);
		*p++ = (char)(0x80 | (c >> 6 & 0x3F));
		*p++ = (char)(0x80 | (c & 0x3F));
	} else {
		*p++ = (char)(0xF0 | c >> 18);
		*p++ = (char)(0x80 | (c >> 12 & 0x3F));
		*p++ = (char)(0x80 | (c >> 6 & 0x3F));
		*p++ = (char)(0x80 | (c & 0x3F));
	}
	*p = '\0';
}

/* Every C0 control, ESC included, becomes a visible picture; \n \t spaces. */
static void
test_c0_controls(void **state)
{
	char in[8];
	wchar_t out[8];

	(void)state;
	for (unsigned c = 1; c < 0x20; c++) {
		snprintf(in, sizeof in, "a%cb", (char)c);
		assert_int_equal(text_sanitize(in, out, 8), 3);
		assert_inert(out);
		assert_true(out[0] == L'a' && out[2] == L'b');
		if (c == '\n' || c == '\t' || c == '\r')
			assert_true(out[1] == L' ');
		else
			assert_true((uint32_t)out[1] == 0x2400 + c);
	}
	assert_true(wcscmp(clean("\x1b"), L"\x241B") == 0);
}

/* A terminal escape sequence arrives as harmless text. */
static void
test_escape_sequences(void **state)
{
	const wchar_t *out;

	(void)state;
	out = clean("x\x1b[2J\x1b]0;owned\x07\x1b[31mred\x9b" "1m");
	assert_inert(out);
	assert_non_null(wcsstr(out, L"[2J"));
	assert_non_null(wcsstr(out, L"red"));
	assert_null(wcschr(out, L'\x1b'));
}

/* DEL and the C1 controls (U+0080..U+009F, encoded in UTF-8) are replaced. */
static void
test_del_and_c1(void **state)
{
	char in[16];

	(void)state;
	assert_true(wcscmp(clean("\x7f"), L"\x2421") == 0);
	for (uint32_t c = 0x80; c <= 0x9F; c++) {
		const wchar_t *out;

		in[0] = '\0';
		put_utf8(in, c);
		out = clean(in);
		assert_inert(out);
		assert_int_equal(wcslen(out), 1);
		assert_true(out[0] == L'\xFFFD');
	}
}

/* Bidi controls and invisible format characters become visible marks. */
static void
test_bidi_and_invisible(void **state)
{
	static const uint32_t cps[] = {
		0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068,
		0x2069, 0x200E, 0x200F, 0x061C, 0x200B, 0x200C, 0x200D, 0x2060,
		0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB,
		0xE0001, 0xE0020, 0xE0041, 0xE007F,
	};
	char in[32];

	(void)state;
	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		const wchar_t *out;

		strcpy(in, "a");
		put_utf8(in, cps[i]);
		strcat(in, "b");
		out = clean(in);
		assert_inert(out);
		assert_int_equal(wcslen(out), 3);
		assert_int_equal(text_width(out), 3);
	}
	/* The classic "evil filename": the override must not survive. */
	assert_inert(clean("invoice\xe2\x80\xaegpj.exe"));
}

/* Variation selectors are kept: they belong to the character before. */
static void
test_variation_selector_kept(void **state)
{
	(void)state;
	assert_true(wcscmp(clean("\xe2\x9d\xa4\xef\xb8\x8f"),
	    L"\x2764\xFE0F") == 0);
}

/* Bad bytes become U+FFFD and decoding resumes at the next byte. */
static void
test_invalid_utf8(void **state)
{
	const wchar_t *out;

	(void)state;
	/* A lone continuation byte. */
	assert_true(wcscmp(clean("a\x80z"), L"a\xFFFDz") == 0);
	/* A sequence cut short, in the middle and at the end. */
	out = clean("a\xe4\xb8z");
	assert_true(out[0] == L'a' && out[1] == L'\xFFFD');
	assert_true(out[wcslen(out) - 1] == L'z');
	assert_inert(out);
	out = clean("ok\xe4\xb8");
	assert_true(wcsncmp(out, L"ok\xFFFD", 3) == 0);
	assert_inert(out);
	/* Overlong encodings of '/' and of NUL. */
	assert_true(wcscmp(clean("\xc0\xaf"), L"\xFFFD\xFFFD") == 0);
	assert_true(wcscmp(clean("\xe0\x80\xaf"), L"\xFFFD\xFFFD\xFFFD") == 0);
	assert_true(wcscmp(clean("\xc0\x80x"), L"\xFFFD\xFFFDx") == 0);
	/* A surrogate half and a code point beyond U+10FFFF. */
	out = clean("\xed\xa0\x80x");
	assert_inert(out);
	assert_true(out[0] == L'\xFFFD' && out[wcslen(out) - 1] == L'x');
	out = clean("\xf4\x90\x80\x80x");
	assert_inert(out);
	assert_true(out[0] == L'\xFFFD' && out[wcslen(out) - 1] == L'x');
	/* Valid text after all that is intact. */
	assert_true(wcscmp(clean("\xff\xc3\xa9t\xc3\xa9"),
	    L"\xFFFD\x00E9t\x00E9") == 0);
}

/* text_valid_utf8 agrees with the decoder and refuses embedded NULs. */
static void
test_valid_utf8(void **state)
{
	(void)state;
	assert_true(text_valid_utf8("", 0));
	assert_true(text_valid_utf8("h\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80",
	    12));
	assert_false(text_valid_utf8("\x80", 1));
	assert_false(text_valid_utf8("\xe4\xb8", 2));
	assert_false(text_valid_utf8("\xc0\xaf", 2));
	assert_false(text_valid_utf8("\xed\xa0\x80", 3));
	assert_false(text_valid_utf8("\xf4\x90\x80\x80", 4));
	assert_false(text_valid_utf8("a\0b", 3));
	/* Only len bytes count: a sequence cut by len is incomplete. */
	assert_false(text_valid_utf8("\xc3\xa9", 1));
	/* Past the decoder's chunk of 256 characters, a fault still counts. */
	{
		char long_text[2 * 600 + 8];

		for (int i = 0; i < 600; i++)
			memcpy(long_text + 2 * i, "\xd8\xa7", 2);  /* alef */
		assert_true(text_valid_utf8(long_text, 1200));
		long_text[1100] = '\xff';
		assert_false(text_valid_utf8(long_text, 1200));
		long_text[1100] = '\xd8';
		assert_false(text_valid_utf8(long_text, 1199));
		memcpy(long_text + 1200, "\xf4\x90\x80\x80", 4);
		assert_false(text_valid_utf8(long_text, 1204));
	}
	assert_int_equal(text_length_utf8(
	    "h\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80"), 4);
	assert_int_equal(text_length_utf8(""), 0);
}

/* Widths are display cells: CJK 2, emoji 2, Arabic letters 1, marks 0. */
static void
test_widths(void **state)
{
	(void)state;
	assert_int_equal(text_width_utf8("abc"), 3);
	assert_int_equal(text_width_utf8("\xe4\xb8\xad\xe6\x96\x87"), 4);
	assert_int_equal(text_width_utf8("\xf0\x9f\x98\x80"), 2);
	/* "marhaban" with fatha, sukun, fatha, fathatan: 5 letters, 4 marks. */
	assert_int_equal(text_width_utf8(
	    "\xd9\x85\xd9\x8e\xd8\xb1\xd9\x92\xd8\xad"
	    "\xd9\x8e\xd8\xa8\xd9\x8b\xd8\xa7"), 5);
	assert_int_equal(wcslen(clean("\xd9\x85\xd9\x8e\xd8\xb1\xd9\x92\xd8\xad"
	    "\xd9\x8e\xd8\xa8\xd9\x8b\xd8\xa7")), 9);
	/* e + combining acute. */
	assert_int_equal(text_width_utf8("e\xcc\x81"), 1);
	assert_int_equal(text_width(L"\x4E2D" L"a\x0301"), 3);
	assert_int_equal(text_width_utf8(NULL), 0);
}

/* A pile of marks is cut to a few; a mark with no base gets one. */
static void
test_combining_limits(void **state)
{
	char *in = malloc(1 + 300 * 2 + 2);
	const wchar_t *out;
	char *p = in;

	(void)state;
	assert_non_null(in);
	*p++ = 'a';
	for (int i = 0; i < 300; i++) {
		*p++ = '\xcc';
		*p++ = '\x81';
	}
	*p++ = 'b';
	*p = '\0';
	out = clean(in);
	free(in);
	assert_true(out[0] == L'a');
	assert_true(wcslen(out) <= 1 + 4 + 1);
	assert_true(wcslen(out) >= 3);
	assert_true(out[wcslen(out) - 1] == L'b');
	assert_int_equal(text_width(out), 2);
	/* An orphan mark at the start sits on a dotted circle. */
	assert_true(wcscmp(clean("\xcc\x81x"), L"\x25CC\x0301x") == 0);
	/* Marks after a placeholder attach to it, not to nothing. */
	out = clean("\x1b\xcc\x81");
	assert_true(wcscmp(out, L"\x241B\x0301") == 0);
}

/* The output buffer is never overrun and always terminated. */
static void
test_sanitize_bounds(void **state)
{
	wchar_t out[4];

	(void)state;
	assert_int_equal(text_sanitize("abcdef", out, 4), 3);
	assert_true(wcscmp(out, L"abc") == 0);
	assert_int_equal(text_sanitize("\xcc\x81", out, 2), 1);
	assert_true(out[0] == L'\x25CC' && out[1] == L'\0');
	assert_int_equal(text_sanitize("abc", out, 1), 0);
	assert_true(out[0] == L'\0');
	assert_int_equal(text_sanitize("abc", out, 0), 0);
	assert_int_equal(text_sanitize(NULL, out, 4), 0);
	assert_true(out[0] == L'\0');
}

/* Fit a copy of ws to width and check the promises of text_fit. */
static void
check_fit(const wchar_t *ws, int width)
{
	wchar_t buf[256];
	size_t len, keep;
	int used;

	wcscpy(buf, ws);
	used = text_fit(buf, width);
	assert_int_equal(used, text_width(buf));
	assert_true(used <= (width < 0 ? 0 : width));
	len = wcslen(buf);
	if (wcscmp(buf, ws) == 0)
		return;
	if (width <= 0) {
		/* Not even the ellipsis fits in no cells. */
		assert_int_equal(len, 0);
		return;
	}
	/* Cut: a prefix of whole characters followed by the ellipsis. */
	assert_true(len >= 1 && buf[len - 1] == L'\x2026');
	keep = len - 1;
	assert_true(wcsncmp(buf, ws, keep) == 0);
	/* The next original character is a base, so no mark was orphaned. */
	assert_true(wcwidth(ws[keep]) > 0);
}

/* text_fit never exceeds the width and cuts between whole characters. */
static void
test_fit(void **state)
{
	static const wchar_t *const samples[] = {
		L"",
		L"hello world",
		L"\x4E2D\x6587\x5B57",
		L"a\x4E2D" L"b\x6587",
		L"e\x0301" L"e\x0301" L"e\x0301" L"e\x0301",
		L"\x0645\x064E\x0631\x0652\x062D\x064E\x0628\x064B\x0627",
		L"\x1F600\x1F600x",
	};
	wchar_t buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		for (int w = -1; w < 14; w++)
			check_fit(samples[i], w);
	}
	/* A width-1 budget with a CJK character: only the ellipsis fits. */
	wcscpy(buf, L"\x4E2D");
	assert_int_equal(text_fit(buf, 1), 1);
	assert_true(wcscmp(buf, L"\x2026") == 0);
	wcscpy(buf, L"\x4E2D\x6587");
	assert_int_equal(text_fit(buf, 3), 3);
	assert_true(wcscmp(buf, L"\x4E2D\x2026") == 0);
	/* Fitting text is left alone. */
	wcscpy(buf, L"abc");
	assert_int_equal(text_fit(buf, 3), 3);
	assert_true(wcscmp(buf, L"abc") == 0);
	wcscpy(buf, L"abcd");
	assert_int_equal(text_fit(buf, 3), 3);
	assert_true(wcscmp(buf, L"ab\x2026") == 0);
	/* Marks stay with the last base kept. */
	wcscpy(buf, L"e\x0301" L"e\x0301" L"e\x0301");
	text_fit(buf, 2);
	assert_true(wcscmp(buf, L"e\x0301\x2026") == 0);
}

/* The lines text_wrap produced, joined by '|'. */
struct wrapped {
	wchar_t text[512];
	int width;
	int max_used;
};

/* text_wrap callback: record a line and its width. */
static void
collect(const wchar_t *start, size_t len, void *arg)
{
	struct wrapped *w = arg;
	wchar_t line[256];
	int used;

	assert_true(len < 256);
	wmemcpy(line, start, len);
	line[len] = L'\0';
	used = text_width(line);
	if (used > w->max_used)
		w->max_used = used;
	if (w->text[0] != L'\0')
		wcscat(w->text, L"|");
	wcscat(w->text, line);
}

/* Wrap ws at width into w and return the number of lines. */
static int
wrap(struct wrapped *w, const wchar_t *ws, int width)
{
	w->text[0] = L'\0';
	w->width = width;
	w->max_used = 0;
	return text_wrap(ws, width, collect, w);
}

/* text_wrap breaks at spaces, by cells, and never overfills a line. */
static void
test_wrap(void **state)
{
	struct wrapped w;

	(void)state;
	assert_int_equal(wrap(&w, L"the quick brown fox", 10), 2);
	assert_true(wcscmp(w.text, L"the quick|brown fox") == 0);
	assert_int_equal(wrap(&w, L"the quick brown fox", 9), 2);
	assert_true(wcscmp(w.text, L"the quick|brown fox") == 0);
	assert_int_equal(wrap(&w, L"  spaced   out  ", 7), 2);
	assert_true(wcscmp(w.text, L"spaced|out") == 0);
	/* A word longer than the line is broken between characters. */
	assert_int_equal(wrap(&w, L"abcdefghij", 4), 3);
	assert_true(wcscmp(w.text, L"abcd|efgh|ij") == 0);
	/* CJK by cells: two characters per four cells, none split. */
	assert_int_equal(wrap(&w, L"\x4E2D\x6587\x5B57\x4E2D\x6587", 5), 3);
	assert_true(w.max_used <= 5);
	assert_true(wcscmp(w.text,
	    L"\x4E2D\x6587|\x5B57\x4E2D|\x6587") == 0);
	/* Marks stay on their base line. */
	assert_int_equal(wrap(&w, L"e\x0301" L"e\x0301" L"e\x0301", 2), 2);
	assert_true(wcscmp(w.text, L"e\x0301" L"e\x0301|e\x0301") == 0);
	/* Nothing fits in zero cells; wide characters skip a 1-cell line. */
	assert_int_equal(wrap(&w, L"abc", 0), 0);
	assert_int_equal(wrap(&w, L"a\x4E2D" L"b", 1), 2);
	assert_true(wcscmp(w.text, L"a|b") == 0);
	assert_int_equal(wrap(&w, L"", 10), 0);
	assert_int_equal(wrap(&w, L"   ", 10), 0);
	/* Arabic wraps at its spaces like any other text. */
	assert_int_equal(wrap(&w, L"\x0645\x064E\x0631\x0652\x062D\x064E\x0628"
	    L"\x064B\x0627 \x0628\x0643\x0645", 6), 2);
	assert_true(w.max_used <= 6);
}

/* The results do not depend on the process locale: data is UTF-8. */
static void
test_locale_independent(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C");
	assert_true(text_valid_utf8("\xc3\xa9", 2));
	assert_int_equal(text_width_utf8("\xe4\xb8\xad"), 2);
	assert_true(wcscmp(clean("\xc3\xa9"), L"\x00E9") == 0);
	setlocale(LC_ALL, "C.UTF-8");
}

/*
 * text_inert_utf8: the sanitised form as valid UTF-8 with no control, also
 * from input cut inside a character (as "%.40s" cuts a message).
 */
static void
test_inert_utf8(void **state)
{
	char *out;
	wchar_t back[BUF];
	mbstate_t st;
	const char *p;

	(void)state;
	out = text_inert_utf8("a\x1b]0;t\x07\xc2\x9b" "6n\x7f\xe2\x80\xae\xc3");
	assert_non_null(out);
	assert_true(text_valid_utf8(out, strlen(out)));
	for (p = out; *p != '\0'; p++)
		assert_false((unsigned char)*p < 0x20 || *p == 0x7f);
	p = out;
	memset(&st, 0, sizeof st);
	assert_true(mbsrtowcs(back, &p, BUF, &st) != (size_t)-1);
	assert_inert(back);
	assert_true(wcscmp(back, clean("a\x1b]0;t\x07\xc2\x9b" "6n\x7f"
	    "\xe2\x80\xae\xc3")) == 0);
	free(out);
	out = text_inert_utf8(NULL);
	assert_string_equal(out, "");
	free(out);
	/* Worst case: every byte a control or a bad byte (three bytes out). */
	out = text_inert_utf8("\x01\x80\x01\x80");
	assert_string_equal(out, "\xe2\x90\x81\xef\xbf\xbd\xe2\x90\x81"
	    "\xef\xbf\xbd");
	free(out);
}

/* Run every text test. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c0_controls),
		cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_del_and_c1),
		cmocka_unit_test(test_bidi_and_invisible),
		cmocka_unit_test(test_variation_selector_kept),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_valid_utf8),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_combining_limits),
		cmocka_unit_test(test_sanitize_bounds),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_locale_independent),
		cmocka_unit_test(test_inert_utf8),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
