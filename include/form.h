/*
 * form.h -- a small modal form of text fields (the floor request of `f`):
 * editing by display cells and validation. No curses: the UI draws a
 * struct form, the console feeds it keys.
 */
#ifndef PODIUM_FORM_H
#define PODIUM_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FORM_FIELDS_MAX 6
#define FORM_VALUE_MAX 256 /* bytes of UTF-8 per field, with the NUL */

enum form_kind {
	FORM_TEXT,     /* any text, maybe required */
	FORM_LANG,     /* a language code of the event */
	FORM_SECONDS,  /* a duration: seconds, or m:ss */
};

struct form_field {
	const char *label;
	enum form_kind kind;
	bool required;
	char value[FORM_VALUE_MAX];
};

struct form {
	const char *title;
	struct form_field fields[FORM_FIELDS_MAX];
	size_t nfields;
	size_t cur;                 /* field being edited */
	char error[160];            /* why the form was refused, or "" */
};

/* Start an empty form with a title. */
void form_init(struct form *f, const char *title);

/* Add a field with an initial value; returns its index. */
size_t form_add(struct form *f, const char *label, enum form_kind kind,
    bool required, const char *value);

/* Append a Unicode character to the current field; false if it is full. */
bool form_insert(struct form *f, uint32_t ch);

/* Delete the last character of the current field. */
void form_backspace(struct form *f);

/* Move to the next (+1) or previous (-1) field, wrapping. */
void form_move(struct form *f, int dir);

/*
 * Check every field; on failure set f->error, move to the bad field and
 * return false. langs lists the accepted language codes (NULL: any).
 */
bool form_validate(struct form *f, char *const *langs, size_t nlangs);

/* Seconds of a FORM_SECONDS value ("90", "1:30"); -1 if malformed. */
int form_seconds(const char *value);

#endif /* PODIUM_FORM_H */
