/*
 * test-mirror-decode.c -- the mirror stream's line decoder: every message
 * type as a chair of this version sends it (lines taken from a real
 * `podium mirror --raw`), and every damaged, mistyped or out-of-bounds
 * member refused with the type still known and a message naming it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror-decode.h"
#include "mirror-proto.h"

/* Decode a C string that must be accepted. */
static void
ok(const char *line, struct mirror_decode_msg *m)
{
	char *cause = NULL;

	if (mirror_decode_line(line, strlen(line), m, &cause) != 0)
		fail_msg("refused %s: %s", line, cause);
	assert_null(cause);
}

/*
 * Decode a C string that must be refused as type; the cause must contain
 * want. Nothing is left to finish.
 */
static void
refused(const char *line, enum mirror_decode_type type, const char *want)
{
	struct mirror_decode_msg m;
	char *cause = NULL;

	if (mirror_decode_line(line, strlen(line), &m, &cause) == 0)
		fail_msg("accepted %s", line);
	assert_int_equal(m.type, type);
	assert_null(m.json);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("cause for %s is '%s', not about '%s'", line, cause, want);
	free(cause);
}

/* A hello gives the mode and the event text. */
static void
test_hello(void **state)
{
	struct mirror_decode_msg m;

	(void)state;
	ok("{\"t\":\"hello\",\"version\":1,\"mode\":\"rehearsal\","
	    "\"event\":\"{\\n  \\\"format\\\": \\\"podium-event/1\\\"}\"}", &m);
	assert_int_equal(m.type, MIRROR_DECODE_HELLO);
	assert_true(m.rehearsal);
	assert_string_equal(m.event, "{\n  \"format\": \"podium-event/1\"}");
	mirror_decode_finish(&m);
	ok("{\"t\":\"hello\",\"version\":1,\"mode\":\"live\",\"event\":\"{}\"}",
	    &m);
	assert_false(m.rehearsal);
	mirror_decode_finish(&m);
}

/* Another version is refused naming both; a hello without event or mode too. */
static void
test_hello_refused(void **state)
{
	(void)state;
	refused("{\"t\":\"hello\",\"version\":99,\"mode\":\"live\","
	    "\"event\":\"{}\"}", MIRROR_DECODE_HELLO,
	    "version 99, this podium 1; use the same podium version");
	refused("{\"t\":\"hello\",\"version\":\"1\",\"mode\":\"live\","
	    "\"event\":\"{}\"}", MIRROR_DECODE_HELLO, "version 0");
	refused("{\"t\":\"hello\",\"mode\":\"live\",\"event\":\"{}\"}",
	    MIRROR_DECODE_HELLO, "version 0");
	refused("{\"t\":\"hello\",\"version\":1,\"mode\":\"live\"}",
	    MIRROR_DECODE_HELLO, "without its event");
	refused("{\"t\":\"hello\",\"version\":1,\"mode\":\"live\",\"event\":\"\"}",
	    MIRROR_DECODE_HELLO, "without its event");
	refused("{\"t\":\"hello\",\"version\":1,\"mode\":\"live\",\"event\":{}}",
	    MIRROR_DECODE_HELLO, "without its event");
	refused("{\"t\":\"hello\",\"version\":1,\"event\":\"{}\"}",
	    MIRROR_DECODE_HELLO, "without its event");
	refused("{\"t\":\"hello\",\"version\":1,\"mode\":\"LIVE\","
	    "\"event\":\"{}\"}", MIRROR_DECODE_HELLO, "mode");
}

/* A clock line as the chair sends it; an integer speed is a number too. */
static void
test_clock(void **state)
{
	struct mirror_decode_msg m;

	(void)state;
	ok("{\"t\":\"clock\",\"mono\":1607085300700,\"wall\":1607085300701,"
	    "\"speed\":50.0,\"paused\":false}", &m);
	assert_int_equal(m.type, MIRROR_DECODE_CLOCK);
	assert_true(m.mono_ms == INT64_C(1607085300700));
	assert_true(m.wall_ms == INT64_C(1607085300701));
	assert_true(m.speed == 50.0);
	assert_false(m.paused);
	mirror_decode_finish(&m);
	ok("{\"t\":\"clock\",\"mono\":-5,\"wall\":0,\"speed\":1,\"paused\":true}",
	    &m);
	assert_true(m.speed == 1.0);
	assert_true(m.paused);
	mirror_decode_finish(&m);
}

/* Clock members out of their bounds or of the wrong type. */
static void
test_clock_refused(void **state)
{
	char line[200];

	(void)state;
	refused("{\"t\":\"clock\",\"wall\":1,\"speed\":1.0,\"paused\":false}",
	    MIRROR_DECODE_CLOCK, "'mono'");
	refused("{\"t\":\"clock\",\"mono\":1.5,\"wall\":1,\"speed\":1.0,"
	    "\"paused\":false}", MIRROR_DECODE_CLOCK, "'mono'");
	snprintf(line, sizeof line, "{\"t\":\"clock\",\"mono\":1,\"wall\":%lld,"
	    "\"speed\":1.0,\"paused\":false}",
	    (long long)MIRROR_DECODE_MS_MAX + 1);
	refused(line, MIRROR_DECODE_CLOCK, "'wall'");
	refused("{\"t\":\"clock\",\"mono\":1,\"wall\":1,\"speed\":0.0,"
	    "\"paused\":false}", MIRROR_DECODE_CLOCK, "'speed'");
	refused("{\"t\":\"clock\",\"mono\":1,\"wall\":1,\"speed\":-2.0,"
	    "\"paused\":false}", MIRROR_DECODE_CLOCK, "'speed'");
	refused("{\"t\":\"clock\",\"mono\":1,\"wall\":1,\"speed\":1000.5,"
	    "\"paused\":false}", MIRROR_DECODE_CLOCK, "'speed'");
	refused("{\"t\":\"clock\",\"mono\":1,\"wall\":1,\"speed\":\"1\","
	    "\"paused\":false}", MIRROR_DECODE_CLOCK, "'speed'");
	refused("{\"t\":\"clock\",\"mono\":1,\"wall\":1,\"speed\":1.0,"
	    "\"paused\":0}", MIRROR_DECODE_CLOCK, "'paused'");
	refused("{\"t\":\"clock\",\"mono\":1,\"wall\":1,\"speed\":1.0}",
	    MIRROR_DECODE_CLOCK, "'paused'");
}

/* A journal row with every column, as a real stream carries it. */
static void
test_row(void **state)
{
	struct mirror_decode_msg m;

	(void)state;
	ok("{\"t\":\"row\",\"seq\":55,\"kind\":\"next_speaker\",\"args\":\"{}\","
	    "\"mono\":1607085200150,\"wall\":1607085200151,\"origin\":\"chair\","
	    "\"undone\":true}", &m);
	assert_int_equal(m.type, MIRROR_DECODE_ROW);
	assert_int_equal(m.row.seq, 55);
	assert_string_equal(m.row.kind, "next_speaker");
	assert_string_equal(m.row.args, "{}");
	assert_true(m.row.mono_ms == INT64_C(1607085200150));
	assert_true(m.row.wall_ms == INT64_C(1607085200151));
	assert_string_equal(m.row.origin, "chair");
	assert_null(m.row.ext_id);
	assert_true(m.row.undone);
	mirror_decode_finish(&m);
	ok("{\"t\":\"row\",\"seq\":1,\"kind\":\"speaker_add\",\"args\":"
	    "\"{\\\"lang\\\":\\\"ar\\\",\\\"name\\\":\\\"\xd8\xa3\xd8\xad\xd9\x85"
	    "\xd8\xaf\\\",\\\"seconds\\\":240,\\\"segment\\\":0}\",\"mono\":0,"
	    "\"wall\":1607085000000,\"origin\":\"event\",\"undone\":false}", &m);
	assert_string_equal(m.row.args, "{\"lang\":\"ar\",\"name\":\""
	    "\xd8\xa3\xd8\xad\xd9\x85\xd8\xaf\",\"seconds\":240,\"segment\":0}");
	assert_false(m.row.undone);
	mirror_decode_finish(&m);
}

/* Each column of a row missing, mistyped or out of bounds. */
static void
test_row_refused(void **state)
{
	static const struct {
		const char *line;
		const char *want;
	} cases[] = {
		{ "{\"t\":\"row\",\"kind\":\"toggle\",\"args\":\"{}\",\"mono\":0,"
		  "\"wall\":0,\"origin\":\"chair\",\"undone\":false}", "'seq'" },
		{ "{\"t\":\"row\",\"seq\":0,\"kind\":\"toggle\",\"args\":\"{}\","
		  "\"mono\":0,\"wall\":0,\"origin\":\"chair\",\"undone\":false}",
		  "'seq'" },
		{ "{\"t\":\"row\",\"seq\":-3,\"kind\":\"toggle\",\"args\":\"{}\","
		  "\"mono\":0,\"wall\":0,\"origin\":\"chair\",\"undone\":false}",
		  "'seq'" },
		{ "{\"t\":\"row\",\"seq\":1,\"kind\":\"\",\"args\":\"{}\","
		  "\"mono\":0,\"wall\":0,\"origin\":\"chair\",\"undone\":false}",
		  "'kind'" },
		{ "{\"t\":\"row\",\"seq\":1,\"kind\":7,\"args\":\"{}\","
		  "\"mono\":0,\"wall\":0,\"origin\":\"chair\",\"undone\":false}",
		  "'kind'" },
		{ "{\"t\":\"row\",\"seq\":1,\"kind\":\"toggle\",\"args\":{},"
		  "\"mono\":0,\"wall\":0,\"origin\":\"chair\",\"undone\":false}",
		  "'args'" },
		{ "{\"t\":\"row\",\"seq\":1,\"kind\":\"toggle\",\"args\":\"{}\","
		  "\"wall\":0,\"origin\":\"chair\",\"undone\":false}", "'mono'" },
		{ "{\"t\":\"row\",\"seq\":1,\"kind\":\"toggle\",\"args\":\"{}\","
		  "\"mono\":0,\"wall\":1e3,\"origin\":\"chair\",\"undone\":false}",
		  "'wall'" },
		{ "{\"t\":\"row\",\"seq\":1,\"kind\":\"toggle\",\"args\":\"{}\","
		  "\"mono\":0,\"wall\":0,\"origin\":null,\"undone\":false}",
		  "'origin'" },
		{ "{\"t\":\"row\",\"seq\":1,\"kind\":\"toggle\",\"args\":\"{}\","
		  "\"mono\":0,\"wall\":0,\"origin\":\"a-much-too-long-origin\","
		  "\"undone\":false}", "'origin'" },
		{ "{\"t\":\"row\",\"seq\":1,\"kind\":\"toggle\",\"args\":\"{}\","
		  "\"mono\":0,\"wall\":0,\"origin\":\"chair\",\"undone\":\"no\"}",
		  "'undone'" },
		{ "{\"t\":\"row\",\"seq\":1,\"kind\":\"toggle\",\"args\":\"{}\","
		  "\"mono\":0,\"wall\":0,\"origin\":\"chair\"}", "'undone'" },
	};
	char kind[MIRROR_DECODE_KIND_MAX + 2], line[300];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		refused(cases[i].line, MIRROR_DECODE_ROW, cases[i].want);
	memset(kind, 'k', sizeof kind - 1);
	kind[sizeof kind - 1] = '\0';
	snprintf(line, sizeof line, "{\"t\":\"row\",\"seq\":1,\"kind\":\"%s\","
	    "\"args\":\"{}\",\"mono\":0,\"wall\":0,\"origin\":\"chair\","
	    "\"undone\":false}", kind);
	refused(line, MIRROR_DECODE_ROW, "'kind'");
}

/* Undo and flush carry a sequence number; flush may be 0 (empty journal). */
static void
test_undo_flush(void **state)
{
	struct mirror_decode_msg m;

	(void)state;
	ok("{\"t\":\"undo\",\"seq\":58}", &m);
	assert_int_equal(m.type, MIRROR_DECODE_UNDO);
	assert_int_equal(m.seq, 58);
	mirror_decode_finish(&m);
	ok("{\"t\":\"flush\",\"seq\":0}", &m);
	assert_int_equal(m.type, MIRROR_DECODE_FLUSH);
	assert_int_equal(m.seq, 0);
	mirror_decode_finish(&m);
	refused("{\"t\":\"undo\",\"seq\":0}", MIRROR_DECODE_UNDO, "positive");
	refused("{\"t\":\"undo\"}", MIRROR_DECODE_UNDO, "'seq'");
	refused("{\"t\":\"flush\",\"seq\":-1}", MIRROR_DECODE_FLUSH,
	    "non-negative");
	refused("{\"t\":\"flush\",\"seq\":\"9\"}", MIRROR_DECODE_FLUSH, "'seq'");
}

/* A refusal with a reason, without one, and with one too long to show. */
static void
test_error(void **state)
{
	struct mirror_decode_msg m;
	size_t n = MIRROR_DECODE_ERROR_MAX + 1;
	char *line = malloc(n + 40);

	(void)state;
	ok("{\"t\":\"error\",\"error\":\"wrong token\",\"version\":1}", &m);
	assert_int_equal(m.type, MIRROR_DECODE_ERROR);
	assert_string_equal(m.error, "wrong token");
	mirror_decode_finish(&m);
	ok("{\"t\":\"error\"}", &m);
	assert_int_equal(m.type, MIRROR_DECODE_ERROR);
	assert_null(m.error);
	mirror_decode_finish(&m);
	refused("{\"t\":\"error\",\"error\":[1]}", MIRROR_DECODE_ERROR,
	    "refused this mirror");
	strcpy(line, "{\"t\":\"error\",\"error\":\"");
	memset(line + strlen(line), 'e', n);
	strcpy(line + strlen("{\"t\":\"error\",\"error\":\"") + n, "\"}");
	refused(line, MIRROR_DECODE_ERROR, "refused this mirror");
	free(line);
}

/* Lines that are not the protocol at all, and types of a later version. */
static void
test_not_protocol(void **state)
{
	static const char *const lines[] = {
		"", "not json", "[1,2]", "{}", "{\"t\":5}", "{\"t\":null}",
		"{\"type\":\"hello\"}", "{\"t\":\"flush\",\"seq\":1",
		"{\"t\":\"flush\",\"t\":\"flush\",\"seq\":1}",
		"{\"t\":\"flush\",\"seq\":99999999999999999999}",
		"{\"t\":\"hel\\u0000lo\",\"version\":1}",
		"{\"t\":\"flush\xff\",\"seq\":1}",
	};
	struct mirror_decode_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		refused(lines[i], MIRROR_DECODE_NONE, "not the mirror protocol");
	ok("{\"t\":\"bookmark\",\"seq\":3}", &m);
	assert_int_equal(m.type, MIRROR_DECODE_OTHER);
	mirror_decode_finish(&m);
}

/* The length given is the line: bytes after it are not read. */
static void
test_length(void **state)
{
	const char buf[] = "{\"t\":\"undo\",\"seq\":7}{garbage";
	struct mirror_decode_msg m;
	char *cause = NULL;

	(void)state;
	assert_int_equal(mirror_decode_line(buf, strlen("{\"t\":\"undo\","
	    "\"seq\":7}"), &m, &cause), 0);
	assert_int_equal(m.seq, 7);
	mirror_decode_finish(&m);
	mirror_decode_finish(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_hello_refused),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_clock_refused),
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_row_refused),
		cmocka_unit_test(test_undo_flush),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_not_protocol),
		cmocka_unit_test(test_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
