/*
 * test-intake-proto.c -- the intake line parser: every request type, every
 * refusal the protocol promises, and the reply lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "intake-proto.h"

/* Parse a C string; returns success and leaves the reason in err. */
static bool
parse(const char *line, struct intake_request *r, char *err, size_t errsz)
{
	return intake_parse(line, strlen(line), r, err, errsz);
}

/* A full question parses with every field. */
static void
test_question(void **state)
{
	struct intake_request r;
	char err[200];

	(void)state;
	assert_true(parse("{\"type\":\"question\",\"id\":\"reg-0042\","
	    "\"text\":\"Comment financer ?\",\"from\":\"A\",\"org\":\"B\","
	    "\"country\":\"C\",\"lang\":\"fr\",\"theme\":\"funding\","
	    "\"ts\":\"2020-12-04T13:41:00+01:00\"}", &r, err, sizeof err));
	assert_int_equal(r.type, INTAKE_QUESTION);
	assert_string_equal(r.ext_id, "reg-0042");
	assert_string_equal(r.text, "Comment financer ?");
	assert_string_equal(r.from, "A");
	assert_string_equal(r.org, "B");
	assert_string_equal(r.country, "C");
	assert_string_equal(r.lang, "fr");
	assert_string_equal(r.theme, "funding");
	intake_request_finish(&r);
}

/* Only type and text are required; absent fields are NULL. */
static void
test_question_minimal(void **state)
{
	struct intake_request r;
	char err[200];

	(void)state;
	assert_true(parse("{\"type\":\"question\",\"text\":\"x\"}", &r, err,
	    sizeof err));
	assert_null(r.ext_id);
	assert_null(r.from);
	assert_null(r.theme);
	intake_request_finish(&r);
}

/* Floor and vote requests. */
static void
test_floor_vote_hello(void **state)
{
	struct intake_request r;
	char err[200];

	(void)state;
	assert_true(parse("{\"type\":\"floor\",\"id\":\"reg-43\",\"name\":\"N\","
	    "\"org\":\"O\",\"lang\":\"es\",\"seconds\":180}", &r, err,
	    sizeof err));
	assert_int_equal(r.type, INTAKE_FLOOR);
	assert_string_equal(r.name, "N");
	assert_int_equal(r.seconds, 180);
	assert_int_equal(r.segment, -1);
	intake_request_finish(&r);
	assert_true(parse("{\"type\":\"vote\",\"question\":17}", &r, err,
	    sizeof err));
	assert_int_equal(r.type, INTAKE_VOTE);
	assert_int_equal(r.question, 17);
	intake_request_finish(&r);
	assert_true(parse("{\"type\":\"hello\",\"version\":1,\"token\":\"ab\"}",
	    &r, err, sizeof err));
	assert_int_equal(r.type, INTAKE_HELLO);
	assert_int_equal(r.version, 1);
	assert_string_equal(r.token, "ab");
	intake_request_finish(&r);
}

/* Every refusal comes with a reason that names the problem. */
static void
test_refusals(void **state)
{
	static const struct {
		const char *line;
		const char *reason;
	} cases[] = {
		{ "{\"type\":\"question\",\"text\":\"\"}", "text is empty" },
		{ "{\"type\":\"question\",\"text\":\"  \\n \"}", "text is empty" },
		{ "{\"type\":\"question\"}", "'text' is missing" },
		{ "{\"type\":\"question\",\"text\":5}", "'text' must be a string" },
		{ "{\"type\":\"question\",\"text\":\"x\",\"lang\":[]}",
		  "'lang' must be a string" },
		{ "{\"type\":\"floor\",\"name\":\"n\",\"seconds\":\"180\"}",
		  "'seconds' must be an integer" },
		{ "{\"type\":\"floor\",\"name\":\"n\",\"seconds\":0}",
		  "'seconds' is out of range" },
		{ "{\"type\":\"floor\",\"org\":\"o\"}", "'name' is missing" },
		{ "{\"type\":\"vote\"}", "'question'" },
		{ "{\"type\":\"vote\",\"question\":\"17\"}",
		  "'question' must be an integer" },
		{ "{\"type\":\"poll\"}", "unknown type 'poll'" },
		{ "{\"text\":\"x\"}", "'type' is missing" },
		{ "[1,2]", "JSON object" },
		{ "{\"type\":\"question\",", "not valid JSON" },
		{ "{\"type\":\"question\",\"text\":\"a\\u0000b\"}", "NUL" },
		{ "{\"type\":\"question\",\"id\":\"\",\"text\":\"x\"}", "'id'" },
		{ "{\"type\":\"question\",\"text\":\"x\",\"text\":\"y\"}",
		  "not valid JSON" },
	};
	struct intake_request r;
	char err[200];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err[0] = '\0';
		if (parse(cases[i].line, &r, err, sizeof err))
			fail_msg("accepted: %s", cases[i].line);
		if (strstr(err, cases[i].reason) == NULL)
			fail_msg("%s: reason '%s' lacks '%s'", cases[i].line, err,
			    cases[i].reason);
		assert_null(r.json);
	}
}

/*
 * Lines the quick reader (yajl) and jansson might read differently:
 * escapes, surrogates, white space, NULs, numbers, nesting, repeats. Each
 * is taken or refused as jansson alone took or refused it.
 */
static void
test_readers_agree(void **state)
{
	static const struct {
		const char *line;
		const char *text;    /* accepted: the text read */
		const char *reason;  /* refused: part of the reason */
	} cases[] = {
		{ "{\"type\":\"question\",\"text\":\"caf\\u00e9 \\ud83d\\ude00\"}",
		  "caf\xc3\xa9 \xf0\x9f\x98\x80", NULL },
		{ "{\"type\":\"question\",\"text\":\"lone \\ud800\"}", NULL,
		  "not valid JSON" },
		{ "{\"type\":\"question\",\"text\":\"pair? \\uD800\\u0041\"}", NULL,
		  "not valid JSON" },
		{ "{\"type\":\"question\",\"text\":\"x\"}\f", NULL,
		  "not valid JSON" },
		{ "{\"type\":\"question\",\v\"text\":\"x\"}", NULL,
		  "not valid JSON" },
		{ "{\"type\":\"question\",\"text\":\"a\\u0000\"}", NULL, "NUL" },
		{ "{\"type\":\"question\",\"te\\u0000xt\":\"x\"}", NULL, "NUL" },
		{ "{\"type\":\"question\",\"text\":\"\xc0\xaf\"}", NULL,
		  "invalid UTF-8" },
		{ "{\"type\":\"question\",\"text\":\"\xed\xa0\x80\"}", NULL,
		  "invalid UTF-8" },
		{ "{\"type\":\"floor\",\"n\xc1\xa9" "ame\":\".\"}", NULL,
		  "invalid UTF-8" },
		{ "{\"type\":\"question\",\"text\":\"\xf4\x90\x80\x80\"}", NULL,
		  "invalid UTF-8" },
		{ "{\"type\":\"floor\",\"name\":\"n\",\"seconds\":1.5}", NULL,
		  "'seconds' must be an integer" },
		{ "{\"type\":\"floor\",\"name\":\"n\",\"seconds\":1e2}", NULL,
		  "'seconds' must be an integer" },
		{ "{\"type\":\"vote\",\"question\":9223372036854775808}", NULL,
		  "not valid JSON" },
		{ "{\"type\":\"question\",\"text\":\"x\",\"extra\":{\"a\":[1,2]}}",
		  "x", NULL },
		{ "{\"type\":\"question\",\"text\":\"x\",\"extra\":{\"a\":1,\"a\":2}}",
		  NULL, "not valid JSON" },
		{ "{\"type\":\"question\",\"text\":\"x\",\"extra\":1,\"extra\":1}",
		  NULL, "not valid JSON" },
		{ "{\"type\":\"question\",\"text\":\"x\",\"from\":true}", NULL,
		  "'from' must be a string" },
		{ "{\"type\":\"question\",\"text\":\"x\",\"from\":null}", "x",
		  NULL },
		{ "{\"type\":\"question\",\"text\":\"x\"} {\"type\":\"vote\"}", NULL,
		  "not valid JSON" },
		{ "{\"type\":\"question\",\"text\":\"x\",}", NULL,
		  "not valid JSON" },
		{ "{\"type\":\"floor\",\"org\":4}\"or", NULL, "not valid JSON" },
		{ "{\"type\":\"question\",\"text\":\"x\"}\"y}", NULL,
		  "not valid JSON" },
		{ "{\"type\":\"question\",\"text\":\"x\"} \t\r\n", "x", NULL },
		{ "{\"type\":\"vote\",\"question\":-9223372036854775808}", NULL,
		  "'question' is out of range" },
		{ "{\"type\":\"floor\",\"name\":\"n\",\"seconds\":-0}", NULL,
		  "'seconds' is out of range" },
		{ "{\"type\":\"floor\",\"name\":\"n\",\"seconds\":1e-999}", NULL,
		  "'seconds' must be an integer" },
		{ "{\"type\":\"vote\",\"question\":1} tru", NULL, "not valid JSON" },
		{ "{\"type\":\"vote\",\"question\":1} 1", NULL, "not valid JSON" },
		{ "{}", NULL, "'type' is missing" },
		{ " ", NULL, "not valid JSON" },
		{ "\"question\"", NULL, "'[' or '{' expected" },
		{ "17", NULL, "'[' or '{' expected" },
		{ "{\"type\":\"question\",\"text\":\"x\\/y \\\"q\\\" \\\\ \\t\"}",
		  "x/y \"q\" \\ \t", NULL },
		{ "{\"type\":\"question\",\"text\":\"raw \x1b[2J\"}", NULL,
		  "not valid JSON" },
		{ "{\"type\":\"question\",\"text\":\"del \x7f ok\"}",
		  "del \x7f ok", NULL },
		{ "{\"type\":\"question\",\"text\":\"x\"} /* c */", NULL,
		  "not valid JSON" },
	};
	struct intake_request r;
	char err[200], line[4096];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bool ok;

		err[0] = '\0';
		ok = parse(cases[i].line, &r, err, sizeof err);
		if (cases[i].text != NULL) {
			if (!ok)
				fail_msg("%s: refused: %s", cases[i].line, err);
			assert_string_equal(r.text, cases[i].text);
			intake_request_finish(&r);
		} else {
			if (ok)
				fail_msg("accepted: %s", cases[i].line);
			if (strstr(err, cases[i].reason) == NULL)
				fail_msg("%s: reason '%s' lacks '%s'", cases[i].line,
				    err, cases[i].reason);
			assert_null(r.json);
			assert_null(r.strings);
		}
	}
	/* More members than the quick reader keeps track of. */
	strcpy(line, "{\"type\":\"question\",\"text\":\"many\"");
	for (int k = 0; k < 40; k++)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    ",\"k%d\":%d", k, k);
	strcat(line, "}");
	assert_true(parse(line, &r, err, sizeof err));
	assert_string_equal(r.text, "many");
	intake_request_finish(&r);
}

/* Invalid UTF-8 is refused by position. */
static void
test_invalid_utf8(void **state)
{
	const char line[] = "{\"type\":\"question\",\"text\":\"caf\xc3\x28\"}";
	struct intake_request r;
	char err[200];

	(void)state;
	assert_false(intake_parse(line, sizeof line - 1, &r, err, sizeof err));
	assert_non_null(strstr(err, "invalid UTF-8"));
}

/* The 4000-character limit counts characters, not bytes. */
static void
test_text_limit(void **state)
{
	size_t n = 4000, prefix = strlen("{\"type\":\"question\",\"text\":\"");
	char *line = malloc(prefix + n * 2 + 8);
	struct intake_request r;
	char err[200];

	(void)state;
	strcpy(line, "{\"type\":\"question\",\"text\":\"");
	for (size_t i = 0; i < n; i++)
		memcpy(line + prefix + 2 * i, "\xc3\xa9", 2);  /* é: 2 bytes */
	strcpy(line + prefix + 2 * n, "\"}");
	assert_true(intake_parse(line, strlen(line), &r, err, sizeof err));
	intake_request_finish(&r);
	strcpy(line + prefix + 2 * n, "x\"}");
	assert_false(intake_parse(line, strlen(line), &r, err, sizeof err));
	assert_non_null(strstr(err, "longer than 4000"));
	free(line);
}

/* A line over 64 KiB is refused before parsing. */
static void
test_line_limit(void **state)
{
	size_t n = INTAKE_LINE_MAX + 1;
	char *line = malloc(n);
	struct intake_request r;
	char err[200];

	(void)state;
	memset(line, ' ', n);
	assert_false(intake_parse(line, n, &r, err, sizeof err));
	assert_non_null(strstr(err, "64 KiB"));
	free(line);
}

/* Replies are one JSON line each. */
static void
test_replies(void **state)
{
	char *ok = intake_reply_ok(17);
	char *bad = intake_reply_error("text is \"empty\"");

	(void)state;
	assert_string_equal(ok, "{\"ok\":true,\"id\":17}\n");
	assert_string_equal(bad,
	    "{\"ok\":false,\"error\":\"text is \\\"empty\\\"\"}\n");
	free(ok);
	free(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_question),
		cmocka_unit_test(test_question_minimal),
		cmocka_unit_test(test_floor_vote_hello),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_readers_agree),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_replies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
