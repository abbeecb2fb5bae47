/*
 * form.c -- the small modal form the chair fills in for a floor request.
 *
 * Data flow: the console turns key presses into form_insert() (one Unicode
 * character), form_backspace() and form_move(); the UI draws the struct
 * form as it stands; on Enter the console calls form_validate() and, if it
 * passes, reads the values out. Values are kept as UTF-8 in fixed buffers,
 * so a character is encoded with wcrtomb() on the way in and removed whole
 * on the way out by walking the value with mbrlen(); both need a UTF-8
 * LC_CTYPE, which the program sets at start. Nothing here draws or
 * allocates.
 */
#include "form.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "model.h"
#include "timefmt.h"

/* Bytes of a typed value quoted back in an error, so the message stays short. */
#define QUOTE_MAX 40

/* Length of the longest prefix of s, at most max bytes, that ends on a character. */
static size_t
char_prefix(const char *s, size_t max)
{
	mbstate_t st;
	size_t at = 0, n;

	memset(&st, 0, sizeof st);
	while (s[at] != '\0') {
		n = mbrlen(s + at, MB_LEN_MAX, &st);
		if (n == (size_t)-1 || n == (size_t)-2) {
			/* A stray byte counts as one character of its own. */
			memset(&st, 0, sizeof st);
			n = 1;
		}
		if (at + n > max)
			break;
		at += n;
	}
	return at;
}

/* Copy text into a buffer of dstsz bytes, cut on a character boundary. */
static void
copy_cut(char *dst, size_t dstsz, const char *src)
{
	size_t n = char_prefix(src, dstsz - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Say why the form is refused, never cutting a character in two. */
static void
set_error(struct form *f, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	copy_cut(f->error, sizeof f->error, buf);
}

/* Start a form afresh, so nothing of a previous one shows through. */
void
form_init(struct form *f, const char *title)
{
	memset(f, 0, sizeof *f);
	f->title = title;
}

/* Add a field; more than FORM_FIELDS_MAX is a programming error. */
size_t
form_add(struct form *f, const char *label, enum form_kind kind,
    bool required, const char *value)
{
	struct form_field *field;

	if (f->nfields == FORM_FIELDS_MAX) {
		fprintf(stderr, "podium: form '%s' has more than %d fields\n",
		    f->title != NULL ? f->title : "", FORM_FIELDS_MAX);
		abort();
	}
	field = &f->fields[f->nfields];
	field->label = label;
	field->kind = kind;
	field->required = required;
	copy_cut(field->value, sizeof field->value,
	    value != NULL ? value : "");
	return f->nfields++;
}

/* Type one character into the field being edited. */
bool
form_insert(struct form *f, uint32_t ch)
{
	char enc[MB_LEN_MAX];
	struct form_field *field;
	mbstate_t st;
	size_t len, n;

	if (f->nfields == 0 || f->cur >= f->nfields)
		return false;
	/* Controls would reach the terminal when the value is drawn. */
	if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f))
		return false;
	if ((ch >= 0xd800 && ch <= 0xdfff) || ch > 0x10ffff)
		return false;
	memset(&st, 0, sizeof st);
	n = wcrtomb(enc, (wchar_t)ch, &st);
	if (n == (size_t)-1)
		return false;
	field = &f->fields[f->cur];
	len = strlen(field->value);
	if (len + n > FORM_VALUE_MAX - 1)
		return false;
	memcpy(field->value + len, enc, n);
	field->value[len + n] = '\0';
	return true;
}

/* Remove the last whole character of the field being edited. */
void
form_backspace(struct form *f)
{
	char *value;
	size_t len;

	if (f->nfields == 0 || f->cur >= f->nfields)
		return;
	value = f->fields[f->cur].value;
	len = strlen(value);
	if (len == 0)
		return;
	value[char_prefix(value, len - 1)] = '\0';
}

/* Step through the fields, wrapping at both ends. */
void
form_move(struct form *f, int dir)
{
	long n = (long)f->nfields;
	long to;

	if (n == 0)
		return;
	to = ((long)f->cur + dir % n + n) % n;
	f->cur = (size_t)to;
}

/* Whether a value has nothing but spaces in it. */
static bool
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

/* Copy a value without its leading and trailing spaces. */
static void
trim_copy(char *dst, size_t dstsz, const char *src)
{
	size_t n;

	while (*src == ' ' || *src == '\t')
		src++;
	n = strlen(src);
	while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\t'))
		n--;
	if (n > dstsz - 1)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Check a language field against the event's languages, fixing its case. */
static bool
validate_lang(struct form *f, struct form_field *field, char *const *langs,
    size_t nlangs)
{
	char code[FORM_VALUE_MAX], quoted[QUOTE_MAX + 1], list[256];
	size_t i, used = 0;
	int n;

	trim_copy(code, sizeof code, field->value);
	if (langs == NULL) {
		if (strlen(code) > MODEL_LANG_MAX || strchr(code, ' ') != NULL) {
			copy_cut(quoted, sizeof quoted, code);
			set_error(f, "%s: '%s' is not a language code; type "
			    "one like en or fr", field->label, quoted);
			return false;
		}
		memcpy(field->value, code, strlen(code) + 1);
		return true;
	}
	for (i = 0; i < nlangs; i++) {
		if (strcasecmp(code, langs[i]) == 0) {
			/* The event's spelling is the one the rest of podium matches. */
			copy_cut(field->value, sizeof field->value, langs[i]);
			return true;
		}
	}
	list[0] = '\0';
	for (i = 0; i < nlangs && used < sizeof list; i++) {
		n = snprintf(list + used, sizeof list - used, "%s%s",
		    i > 0 ? ", " : "", langs[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	copy_cut(quoted, sizeof quoted, code);
	set_error(f, "%s: '%s' is not one of %s", field->label, quoted, list);
	return false;
}

/* Check a duration field against the limits of a speaker's time. */
static bool
validate_seconds(struct form *f, struct form_field *field)
{
	char quoted[QUOTE_MAX + 1];
	int s = form_seconds(field->value);

	if (s < 0) {
		copy_cut(quoted, sizeof quoted, field->value);
		set_error(f, "%s: '%s' is not a duration; type 180 or 3:00",
		    field->label, quoted);
		return false;
	}
	if (s < 1 || s > MODEL_SECONDS_MAX) {
		set_error(f, "%s: %d s is out of range; type 1 to %d (%d:00:00)",
		    field->label, s, MODEL_SECONDS_MAX, MODEL_SECONDS_MAX / 3600);
		return false;
	}
	return true;
}

/* Check one field; false with f->error set. */
static bool
validate_field(struct form *f, struct form_field *field, char *const *langs,
    size_t nlangs)
{
	if (blank(field->value)) {
		if (!field->required)
			return true;
		set_error(f, "%s: required; type a value", field->label);
		return false;
	}
	switch (field->kind) {
	case FORM_TEXT:
		if (strlen(field->value) > MODEL_NAME_MAX) {
			set_error(f, "%s: too long (%zu bytes); at most %d",
			    field->label, strlen(field->value), MODEL_NAME_MAX);
			return false;
		}
		return true;
	case FORM_LANG:
		return validate_lang(f, field, langs, nlangs);
	case FORM_SECONDS:
		return validate_seconds(f, field);
	}
	return true;
}

/* Check the whole form before its values are used. */
bool
form_validate(struct form *f, char *const *langs, size_t nlangs)
{
	size_t i;

	for (i = 0; i < f->nfields; i++) {
		if (!validate_field(f, &f->fields[i], langs, nlangs)) {
			f->cur = i;
			return false;
		}
	}
	f->error[0] = '\0';
	return true;
}

/* Read a typed duration as whole seconds; -1 if it is not one. */
int
form_seconds(const char *value)
{
	char v[FORM_VALUE_MAX];
	int64_t ms;

	if (value == NULL || strlen(value) >= sizeof v)
		return -1;
	trim_copy(v, sizeof v, value);
	if (!timefmt_parse_clock(v, &ms))
		return -1;
	if (ms / 1000 > INT_MAX)
		return INT_MAX;
	return (int)(ms / 1000);
}
