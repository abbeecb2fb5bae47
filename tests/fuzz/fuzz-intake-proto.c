/*
 * fuzz-intake-proto.c -- the intake line parser (intake-proto.c) on
 * arbitrary bytes, as a sender on the intake socket may write them.
 *
 * Data flow: the input is one request line (without its newline) handed
 * to intake_parse(). An accepted request must keep every promise of SPEC
 * section 4: the fields its type requires are there, within their limits,
 * valid UTF-8 without NUL. A refused one must have a reason, and the
 * reply line the server would send for it must be one valid JSON line
 * carrying that reason made inert (text_inert_utf8(): the server writes
 * it back to the sender, who may print it). Either way jansson alone
 * (which read every line before the quick yajl reader came) must agree:
 * an accepted line is a JSON object to jansson, whose string members are
 * the request's strings, and a line jansson takes as an object with the
 * members typed right is not refused for its JSON.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "intake-proto.h"
#include "text.h"

/* Whether an optional string of a request is text the session may store. */
static bool
fuzz_text_ok(const char *s)
{
	return s == NULL || text_valid_utf8(s, strlen(s));
}

/* The reply line is one JSON object ending in its only newline; returns it parsed. */
static json_t *
fuzz_reply(const char *line)
{
	size_t len = strlen(line);
	json_t *o;

	FUZZ_CHECK(len > 0 && line[len - 1] == '\n');
	FUZZ_CHECK(memchr(line, '\n', len - 1) == NULL);
	o = json_loadb(line, len - 1, JSON_REJECT_DUPLICATES, NULL);
	FUZZ_CHECK(json_is_object(o));
	return o;
}

/* An accepted request keeps the protocol's promises. */
static void
fuzz_accepted(const struct intake_request *r)
{
	const char *const strings[] = { r->ext_id, r->text, r->from, r->org,
	    r->country, r->lang, r->theme, r->ts, r->name, r->token };

	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
		FUZZ_CHECK(fuzz_text_ok(strings[i]));
	FUZZ_CHECK(r->ext_id == NULL ||
	    (r->ext_id[0] != '\0' && strlen(r->ext_id) <= 200));
	switch (r->type) {
	case INTAKE_QUESTION:
		FUZZ_CHECK(r->text != NULL);
		FUZZ_CHECK(r->text[strspn(r->text, " \t\r\n")] != '\0');
		FUZZ_CHECK(text_length_utf8(r->text) <= INTAKE_TEXT_MAX_CHARS);
		break;
	case INTAKE_FLOOR:
		FUZZ_CHECK(r->name != NULL && r->name[strspn(r->name, " ")] != '\0');
		FUZZ_CHECK(r->seconds >= 0 && r->seconds <= 4 * 3600);
		FUZZ_CHECK(r->segment >= -1 && r->segment <= 100000);
		break;
	case INTAKE_VOTE:
		FUZZ_CHECK(r->question >= 1);
		break;
	case INTAKE_HELLO:
		FUZZ_CHECK(r->version >= 0 && r->version <= 1000000);
		break;
	default:
		FUZZ_CHECK(!"a known request type");
	}
}

/*
 * A string the request read is jansson's member of that name (a member
 * its type does not read stays NULL in the request, whatever it holds).
 */
static void
fuzz_same(json_t *o, const char *key, const char *got)
{
	json_t *m = json_object_get(o, key);

	if (got != NULL)
		FUZZ_CHECK(json_is_string(m) &&
		    strcmp(json_string_value(m), got) == 0);
}

/*
 * A number the request's type read is jansson's member of that name, or
 * the default when jansson has none (absent or null).
 */
static void
fuzz_same_int(json_t *o, const char *key, bool read, long long got,
    long long none)
{
	json_t *m = json_object_get(o, key);

	if (!read)
		return;
	if (m == NULL || json_is_null(m))
		FUZZ_CHECK(got == none);
	else
		FUZZ_CHECK(json_is_integer(m) && json_integer_value(m) == got);
}

/* jansson reads an accepted line as the request it became. */
static void
fuzz_jansson_agrees(const uint8_t *data, size_t size,
    const struct intake_request *r)
{
	json_t *o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
	    NULL);

	FUZZ_CHECK(json_is_object(o));
	fuzz_same(o, "id", r->ext_id);
	fuzz_same(o, "text", r->text);
	fuzz_same(o, "from", r->from);
	fuzz_same(o, "org", r->org);
	fuzz_same(o, "country", r->country);
	fuzz_same(o, "lang", r->lang);
	fuzz_same(o, "theme", r->theme);
	fuzz_same(o, "ts", r->ts);
	fuzz_same(o, "name", r->name);
	fuzz_same(o, "token", r->token);
	fuzz_same(o, "type", r->type == INTAKE_QUESTION ? "question" :
	    r->type == INTAKE_FLOOR ? "floor" : r->type == INTAKE_VOTE ? "vote" :
	    "hello");
	fuzz_same_int(o, "seconds", r->type == INTAKE_FLOOR, r->seconds, 0);
	fuzz_same_int(o, "segment", r->type == INTAKE_FLOOR, r->segment, -1);
	fuzz_same_int(o, "question", r->type == INTAKE_VOTE, r->question, 0);
	fuzz_same_int(o, "version", r->type == INTAKE_HELLO, r->version, 0);
	json_decref(o);
}

/* Parse one line and check what comes out, accepted or refused. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct intake_request req;
	char err[256];
	json_t *o;
	char *reply, *inert;

	memset(err, 0x5a, sizeof err);
	if (intake_parse((const char *)data, size, &req, err, sizeof err)) {
		fuzz_accepted(&req);
		fuzz_jansson_agrees(data, size, &req);
		intake_request_finish(&req);
		intake_request_finish(&req);
		reply = intake_reply_ok(req.question > 0 ? req.question : 1);
		o = fuzz_reply(reply);
		FUZZ_CHECK(json_is_true(json_object_get(o, "ok")));
		json_decref(o);
		free(reply);
		return 0;
	}
	FUZZ_CHECK(req.json == NULL && req.strings == NULL);
	/* A line jansson cannot read is refused by jansson's words. */
	o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (o == NULL && size <= INTAKE_LINE_MAX)
		FUZZ_CHECK(strncmp(err, "not valid JSON", 14) == 0 ||
		    strncmp(err, "invalid UTF-8", 13) == 0 ||
		    strncmp(err, "NUL characters", 14) == 0);
	json_decref(o);
	FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
	FUZZ_CHECK(err[0] != '\0');
	/*
	 * The server sends the reason back: it must survive as JSON text,
	 * made inert (it may quote the sender's bytes, cut anywhere).
	 */
	reply = intake_reply_error(err);
	o = fuzz_reply(reply);
	FUZZ_CHECK(json_is_false(json_object_get(o, "ok")));
	FUZZ_CHECK(json_is_string(json_object_get(o, "error")));
	inert = text_inert_utf8(err);
	FUZZ_CHECK(strcmp(json_string_value(json_object_get(o, "error")),
	    inert) == 0);
	free(inert);
	json_decref(o);
	free(reply);
	return 0;
}
