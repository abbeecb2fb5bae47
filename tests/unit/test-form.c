/*
 * test-form.c -- the floor-request form: typing and deleting whole
 * characters of any width in UTF-8 (é, Arabic, emoji), refusing controls
 * and overflow, moving between fields, and validation of required text,
 * lengths, languages and durations with the messages the chair sees.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "form.h"
#include "model.h"

static char *const event_langs[] = { "ar", "en", "es", "fr", "sgn" };
#define NLANGS (sizeof event_langs / sizeof event_langs[0])

/* The floor-request form as the console builds it. */
static void
floor_form(struct form *f)
{
	form_init(f, "Floor request");
	assert_int_equal(form_add(f, "name", FORM_TEXT, true, ""), 0);
	assert_int_equal(form_add(f, "organisation", FORM_TEXT, false, ""), 1);
	assert_int_equal(form_add(f, "language", FORM_LANG, true, "en"), 2);
	assert_int_equal(form_add(f, "seconds", FORM_SECONDS, true, "180"), 3);
}

/* Type a string of code points into the current field. */
static void
type(struct form *f, const uint32_t *cps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_true(form_insert(f, cps[i]));
}

/* The tests need a UTF-8 locale, as the program sets at start. */
static int
setup_locale(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL &&
	    setlocale(LC_ALL, "") == NULL)
		return -1;
	return 0;
}

/* A fresh form is empty; fields keep their initial values. */
static void
test_init_add(void **state)
{
	struct form f;

	(void)state;
	memset(&f, 0xa5, sizeof f);
	floor_form(&f);
	assert_string_equal(f.title, "Floor request");
	assert_int_equal(f.nfields, 4);
	assert_int_equal(f.cur, 0);
	assert_string_equal(f.error, "");
	assert_string_equal(f.fields[0].value, "");
	assert_string_equal(f.fields[2].value, "en");
	assert_string_equal(f.fields[3].label, "seconds");
	assert_int_equal(f.fields[3].kind, FORM_SECONDS);
	assert_true(f.fields[0].required);
	assert_false(f.fields[1].required);
}

/* An initial value too long for the field is cut between characters. */
static void
test_add_long_value(void **state)
{
	char longv[400];
	struct form f;
	size_t i;

	(void)state;
	/* "é" is two bytes, so the 255 bytes that fit would end mid-character. */
	for (i = 0; i + 2 < sizeof longv; i += 2)
		memcpy(longv + i, "\xc3\xa9", 2);
	longv[i] = '\0';
	form_init(&f, "t");
	form_add(&f, "name", FORM_TEXT, true, longv);
	form_add(&f, "org", FORM_TEXT, true, NULL);
	assert_int_equal(strlen(f.fields[0].value), FORM_VALUE_MAX - 2);
	assert_string_equal(f.fields[1].value, "");
}

/* Characters of every length append as UTF-8. */
static void
test_insert_multibyte(void **state)
{
	static const uint32_t name[] = { 'R', 0xe9, 'n', 'e', 'e' };
	static const uint32_t arabic[] = { 0x633, 0x644, 0x627, 0x645 };
	struct form f;

	(void)state;
	floor_form(&f);
	type(&f, name, 5);
	assert_string_equal(f.fields[0].value, "R\xc3\xa9nee");
	assert_true(form_insert(&f, ' '));
	type(&f, arabic, 4);
	assert_true(form_insert(&f, 0x1f44b)); /* waving hand */
	assert_string_equal(f.fields[0].value,
	    "R\xc3\xa9nee \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85\xf0\x9f\x91\x8b");
}

/* Backspace takes away one character however many bytes it has. */
static void
test_backspace_multibyte(void **state)
{
	static const uint32_t text[] = { 'a', 0xe9, 0x633, 0x1f600, 0x4e2d };
	struct form f;

	(void)state;
	floor_form(&f);
	type(&f, text, 5);
	assert_int_equal(strlen(f.fields[0].value), 1 + 2 + 2 + 4 + 3);
	form_backspace(&f);
	assert_string_equal(f.fields[0].value,
	    "a\xc3\xa9\xd8\xb3\xf0\x9f\x98\x80");
	form_backspace(&f);
	assert_string_equal(f.fields[0].value, "a\xc3\xa9\xd8\xb3");
	form_backspace(&f);
	assert_string_equal(f.fields[0].value, "a\xc3\xa9");
	form_backspace(&f);
	assert_string_equal(f.fields[0].value, "a");
	form_backspace(&f);
	assert_string_equal(f.fields[0].value, "");
	form_backspace(&f);
	assert_string_equal(f.fields[0].value, "");
}

/* A stray byte in an initial value goes on its own, not with its neighbour. */
static void
test_backspace_invalid_bytes(void **state)
{
	struct form f;

	(void)state;
	form_init(&f, "t");
	form_add(&f, "name", FORM_TEXT, true, "ab\xff");
	form_backspace(&f);
	assert_string_equal(f.fields[0].value, "ab");
	form_init(&f, "t");
	form_add(&f, "name", FORM_TEXT, true, "a\xc3");
	form_backspace(&f);
	assert_string_equal(f.fields[0].value, "a");
}

/* Control characters and non-characters are refused, the value kept. */
static void
test_insert_refuses_controls(void **state)
{
	static const uint32_t bad[] = {
		0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0x9b,
		0x9f, 0xd800, 0xdfff, 0x110000, 0xffffffff,
	};
	struct form f;
	size_t i;

	(void)state;
	floor_form(&f);
	assert_true(form_insert(&f, 'x'));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (form_insert(&f, bad[i]))
			fail_msg("U+%04X was accepted", (unsigned)bad[i]);
	assert_string_equal(f.fields[0].value, "x");
	/* The edges just outside the refused ranges are fine. */
	assert_true(form_insert(&f, 0x20));
	assert_true(form_insert(&f, 0x7e));
	assert_true(form_insert(&f, 0xa0));
	assert_true(form_insert(&f, 0x10ffff - 2));
}

/* A field takes characters only while the whole one still fits. */
static void
test_insert_full(void **state)
{
	struct form f;
	size_t i;

	(void)state;
	floor_form(&f);
	for (i = 0; i < FORM_VALUE_MAX - 3; i++)
		assert_true(form_insert(&f, 'a'));
	/* Two bytes left: a four-byte emoji does not fit, "é" does. */
	assert_false(form_insert(&f, 0x1f600));
	assert_true(form_insert(&f, 0xe9));
	assert_int_equal(strlen(f.fields[0].value), FORM_VALUE_MAX - 1);
	assert_false(form_insert(&f, 'a'));
	assert_int_equal(strlen(f.fields[0].value), FORM_VALUE_MAX - 1);
	form_backspace(&f);
	assert_int_equal(strlen(f.fields[0].value), FORM_VALUE_MAX - 3);
}

/* A form without fields ignores typing instead of writing anywhere. */
static void
test_no_fields(void **state)
{
	struct form f;

	(void)state;
	form_init(&f, "empty");
	assert_false(form_insert(&f, 'a'));
	form_backspace(&f);
	form_move(&f, 1);
	assert_int_equal(f.cur, 0);
	assert_true(form_validate(&f, NULL, 0));
}

/* Moving wraps at both ends, and typing goes to the current field. */
static void
test_move(void **state)
{
	struct form f;

	(void)state;
	floor_form(&f);
	form_move(&f, 1);
	assert_int_equal(f.cur, 1);
	assert_true(form_insert(&f, 'O'));
	assert_string_equal(f.fields[1].value, "O");
	assert_string_equal(f.fields[0].value, "");
	form_move(&f, 1);
	form_move(&f, 1);
	assert_int_equal(f.cur, 3);
	form_move(&f, 1);
	assert_int_equal(f.cur, 0);
	form_move(&f, -1);
	assert_int_equal(f.cur, 3);
	form_move(&f, -1);
	assert_int_equal(f.cur, 2);
}

/* A filled-in form passes and its error is cleared. */
static void
test_validate_ok(void **state)
{
	struct form f;

	(void)state;
	floor_form(&f);
	strcpy(f.error, "stale");
	strcpy(f.fields[0].value, "Ambassador of Senegal");
	f.cur = 2;
	assert_true(form_validate(&f, event_langs, NLANGS));
	assert_string_equal(f.error, "");
	assert_int_equal(f.cur, 2);
}

/* A required text that is empty or blank is refused, on that field. */
static void
test_validate_required(void **state)
{
	struct form f;

	(void)state;
	floor_form(&f);
	f.cur = 3;
	assert_false(form_validate(&f, event_langs, NLANGS));
	assert_int_equal(f.cur, 0);
	assert_string_equal(f.error, "name: required; type a value");
	strcpy(f.fields[0].value, "   ");
	assert_false(form_validate(&f, event_langs, NLANGS));
	assert_string_equal(f.error, "name: required; type a value");
	/* An optional field may stay empty. */
	strcpy(f.fields[0].value, "Ana");
	assert_true(form_validate(&f, event_langs, NLANGS));
}

/* Text longer than a speaker entry holds is refused with its size. */
static void
test_validate_too_long(void **state)
{
	struct form f;

	(void)state;
	floor_form(&f);
	strcpy(f.fields[0].value, "Ana");
	memset(f.fields[1].value, 'o', MODEL_NAME_MAX + 1);
	f.fields[1].value[MODEL_NAME_MAX + 1] = '\0';
	assert_false(form_validate(&f, event_langs, NLANGS));
	assert_int_equal(f.cur, 1);
	assert_string_equal(f.error,
	    "organisation: too long (201 bytes); at most 200");
	f.fields[1].value[MODEL_NAME_MAX] = '\0';
	assert_true(form_validate(&f, event_langs, NLANGS));
}

/* Languages match the event's in any case and take the event's spelling. */
static void
test_validate_lang(void **state)
{
	struct form f;

	(void)state;
	floor_form(&f);
	strcpy(f.fields[0].value, "Ana");
	strcpy(f.fields[2].value, " FR ");
	assert_true(form_validate(&f, event_langs, NLANGS));
	assert_string_equal(f.fields[2].value, "fr");
	strcpy(f.fields[2].value, "Sgn");
	assert_true(form_validate(&f, event_langs, NLANGS));
	assert_string_equal(f.fields[2].value, "sgn");

	strcpy(f.fields[2].value, "xx");
	assert_false(form_validate(&f, event_langs, NLANGS));
	assert_int_equal(f.cur, 2);
	assert_string_equal(f.error,
	    "language: 'xx' is not one of ar, en, es, fr, sgn");

	strcpy(f.fields[2].value, "");
	assert_false(form_validate(&f, event_langs, NLANGS));
	assert_string_equal(f.error, "language: required; type a value");

	/* Without a list any short code will do. */
	strcpy(f.fields[2].value, "pt-BR");
	assert_true(form_validate(&f, NULL, 0));
	strcpy(f.fields[2].value, "portuguese-brazil");
	assert_false(form_validate(&f, NULL, 0));
	assert_string_equal(f.error,
	    "language: 'portuguese-brazil' is not a language code; type one "
	    "like en or fr");
}

/* Durations: seconds or m:ss, within a speaker's limits. */
static void
test_validate_seconds(void **state)
{
	struct form f;

	(void)state;
	floor_form(&f);
	strcpy(f.fields[0].value, "Ana");
	strcpy(f.fields[3].value, "9x");
	assert_false(form_validate(&f, event_langs, NLANGS));
	assert_int_equal(f.cur, 3);
	assert_string_equal(f.error,
	    "seconds: '9x' is not a duration; type 180 or 3:00");
	strcpy(f.fields[3].value, "0");
	assert_false(form_validate(&f, event_langs, NLANGS));
	assert_string_equal(f.error,
	    "seconds: 0 s is out of range; type 1 to 14400 (4:00:00)");
	strcpy(f.fields[3].value, "4:00:01");
	assert_false(form_validate(&f, event_langs, NLANGS));
	strcpy(f.fields[3].value, "4:00:00");
	assert_true(form_validate(&f, event_langs, NLANGS));
	strcpy(f.fields[3].value, "2:30");
	assert_true(form_validate(&f, event_langs, NLANGS));

	/* An optional duration may be left empty: the event default. */
	f.fields[3].required = false;
	strcpy(f.fields[3].value, "");
	assert_true(form_validate(&f, event_langs, NLANGS));
}

/* A long typed value is quoted short and the message ends on a character. */
static void
test_error_is_cut_cleanly(void **state)
{
	struct form f;
	size_t i, len;

	(void)state;
	floor_form(&f);
	strcpy(f.fields[0].value, "Ana");
	f.fields[3].value[0] = '\0';
	for (i = 0; i < 100; i++)
		strcat(f.fields[3].value, "\xd9\xa3"); /* Arabic-Indic three */
	assert_false(form_validate(&f, event_langs, NLANGS));
	len = strlen(f.error);
	assert_true(len < sizeof f.error);
	assert_non_null(strstr(f.error, "is not a duration"));
	/* Every Arabic digit quoted is whole. */
	assert_int_equal(strstr(f.error, "' is not") - strchr(f.error, '\'') - 1,
	    40);
}

/* form_seconds reads what a chair types for a duration. */
static void
test_seconds(void **state)
{
	(void)state;
	assert_int_equal(form_seconds("180"), 180);
	assert_int_equal(form_seconds("3:00"), 180);
	assert_int_equal(form_seconds(" 1:30 "), 90);
	assert_int_equal(form_seconds("1:00:00"), 3600);
	assert_int_equal(form_seconds("0"), 0);
	assert_int_equal(form_seconds("9x"), -1);
	assert_int_equal(form_seconds(""), -1);
	assert_int_equal(form_seconds("-30"), -1);
	assert_int_equal(form_seconds("1:5"), -1);
	assert_int_equal(form_seconds(NULL), -1);
	assert_int_equal(form_seconds("999999999"), 999999999);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_add),
		cmocka_unit_test(test_add_long_value),
		cmocka_unit_test(test_insert_multibyte),
		cmocka_unit_test(test_backspace_multibyte),
		cmocka_unit_test(test_backspace_invalid_bytes),
		cmocka_unit_test(test_insert_refuses_controls),
		cmocka_unit_test(test_insert_full),
		cmocka_unit_test(test_no_fields),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_validate_ok),
		cmocka_unit_test(test_validate_required),
		cmocka_unit_test(test_validate_too_long),
		cmocka_unit_test(test_validate_lang),
		cmocka_unit_test(test_validate_seconds),
		cmocka_unit_test(test_error_is_cut_cleanly),
		cmocka_unit_test(test_seconds),
	};

	return cmocka_run_group_tests(tests, setup_locale, NULL);
}
