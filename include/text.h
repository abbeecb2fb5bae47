/*
 * text.h -- text measured and cut in terminal display cells, and made
 * inert: text from outside (event files, forms, intake) never reaches the
 * terminal as a control. Decoding uses mbrtowc and widths wcwidth from the
 * C library under a UTF-8 locale; invalid bytes become U+FFFD.
 *
 * No curses here: the views call these to prepare what they draw.
 */
#ifndef PODIUM_TEXT_H
#define PODIUM_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/*
 * Make text safe to display as a wide string: C0/C1 controls, ESC, DEL,
 * bidi overrides and isolates, zero-width and tag characters become
 * visible placeholders (U+FFFD for invalid UTF-8, "·"-like marks for the
 * rest, as documented in text.c); newlines and tabs become spaces.
 * Writes at most outmax-1 wide characters plus a terminating L'\0' and
 * returns the number written.
 */
size_t text_sanitize(const char *in, wchar_t *out, size_t outmax);

/*
 * The same safe form as text_sanitize(), encoded as UTF-8 in a malloc'd
 * string (NULL gives ""): for messages printed outside curses that quote
 * text from outside. Aborts if memory is exhausted.
 */
char *text_inert_utf8(const char *in);

/* text_inert_utf8(), cut to cells display cells ("…" ends a cut). */
char *text_fit_utf8(const char *in, int cells);

/* Display width of a sanitised wide string, in cells. */
int text_width(const wchar_t *ws);

/* Display width of UTF-8 text after sanitising, in cells. */
int text_width_utf8(const char *s);

/*
 * Cut a sanitised wide string to at most width cells, ending with "…" when
 * something was cut; never splits a wide or combining sequence. Works in
 * place and returns the width used.
 */
int text_fit(wchar_t *ws, int width);

/*
 * Wrap a sanitised wide string into lines of at most width cells, breaking
 * at spaces where possible. Calls line(start, len, arg) for each line and
 * returns the number of lines.
 */
int text_wrap(const wchar_t *ws, int width,
    void (*line)(const wchar_t *start, size_t len, void *arg), void *arg);

/* Whether a string is valid UTF-8 with no NUL before its end. */
bool text_valid_utf8(const char *s, size_t len);

/* Number of Unicode characters in valid UTF-8 text. */
size_t text_length_utf8(const char *s);

/*
 * Whether text_valid_utf8() decodes under C.UTF-8 (true wherever that
 * locale exists) rather than the process locale, which might take any
 * byte for a character.
 */
bool text_utf8_strict(void);

#endif /* PODIUM_TEXT_H */
