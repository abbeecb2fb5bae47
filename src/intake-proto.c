/*
 * intake-proto.c -- parsing intake request lines and writing replies.
 *
 * jansson refuses invalid UTF-8 and (without JSON_ALLOW_NUL) NUL bytes in
 * strings, so what reaches the session is always valid text; every field
 * is type-checked here, and limits are checked so a refused line never
 * stores anything half-way.
 */
#include "intake-proto.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Write a refusal reason. */
static bool
intake_refuse(char *err, size_t errsz, const char *fmt, const char *arg)
{
	snprintf(err, errsz, fmt, arg);
	return false;
}

/* Characters in UTF-8 text (jansson has checked it is valid). */
static size_t
intake_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* An optional string member: absent or null is NULL; false if mistyped. */
static bool
intake_str(json_t *o, const char *key, const char **out, char *err,
    size_t errsz)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_string(v))
		return intake_refuse(err, errsz, "'%s' must be a string", key);
	*out = json_string_value(v);
	return true;
}

/* An optional integer member within [lo, hi]; false if mistyped. */
static bool
intake_int(json_t *o, const char *key, long long lo, long long hi,
    long long *out, char *err, size_t errsz)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_integer(v))
		return intake_refuse(err, errsz, "'%s' must be an integer", key);
	*out = json_integer_value(v);
	if (*out < lo || *out > hi)
		return intake_refuse(err, errsz, "'%s' is out of range", key);
	return true;
}

/* Translate jansson's error into a reason a sender can act on. */
static void
intake_json_error(const json_error_t *je, char *err, size_t errsz)
{
	if (json_error_code(je) == json_error_invalid_utf8)
		snprintf(err, errsz, "invalid UTF-8 at byte %d", je->position);
	else if (json_error_code(je) == json_error_null_character ||
	    json_error_code(je) == json_error_null_byte_in_key)
		snprintf(err, errsz, "NUL characters are not allowed");
	else
		snprintf(err, errsz, "not valid JSON: %s (column %d)", je->text,
		    je->column);
}

/* Parse one request line (without its newline). */
bool
intake_parse(const char *line, size_t len, struct intake_request *req,
    char *err, size_t errsz)
{
	json_error_t je;
	json_t *o;
	const char *type;
	long long n;

	memset(req, 0, sizeof *req);
	req->segment = -1;
	if (len > INTAKE_LINE_MAX)
		return intake_refuse(err, errsz, "line longer than %s",
		    "64 KiB");
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL) {
		intake_json_error(&je, err, errsz);
		return false;
	}
	req->json = o;
	if (!json_is_object(o)) {
		intake_refuse(err, errsz, "a request must be a JSON %s", "object");
		goto fail;
	}
	if (!json_is_string(json_object_get(o, "type"))) {
		intake_refuse(err, errsz, "'type' is missing (question, floor, "
		    "vote or hello)%s", "");
		goto fail;
	}
	type = json_string_value(json_object_get(o, "type"));
	if (!intake_str(o, "id", &req->ext_id, err, errsz))
		goto fail;
	if (req->ext_id != NULL && (req->ext_id[0] == '\0' ||
	    strlen(req->ext_id) > 200)) {
		intake_refuse(err, errsz, "'id' must be 1 to 200 bytes%s", "");
		goto fail;
	}
	if (strcmp(type, "question") == 0) {
		req->type = INTAKE_QUESTION;
		if (!intake_str(o, "text", &req->text, err, errsz) ||
		    !intake_str(o, "from", &req->from, err, errsz) ||
		    !intake_str(o, "org", &req->org, err, errsz) ||
		    !intake_str(o, "country", &req->country, err, errsz) ||
		    !intake_str(o, "lang", &req->lang, err, errsz) ||
		    !intake_str(o, "theme", &req->theme, err, errsz) ||
		    !intake_str(o, "ts", &req->ts, err, errsz))
			goto fail;
		if (req->text == NULL) {
			intake_refuse(err, errsz, "'text' is missing%s", "");
			goto fail;
		}
		if (req->text[strspn(req->text, " \t\r\n")] == '\0') {
			intake_refuse(err, errsz, "text is empty%s", "");
			goto fail;
		}
		if (intake_chars(req->text) > INTAKE_TEXT_MAX_CHARS) {
			intake_refuse(err, errsz, "text is longer than %s characters",
			    "4000");
			goto fail;
		}
	} else if (strcmp(type, "floor") == 0) {
		req->type = INTAKE_FLOOR;
		if (!intake_str(o, "name", &req->name, err, errsz) ||
		    !intake_str(o, "org", &req->org, err, errsz) ||
		    !intake_str(o, "lang", &req->lang, err, errsz))
			goto fail;
		if (req->name == NULL || req->name[strspn(req->name, " ")] == '\0') {
			intake_refuse(err, errsz, "'name' is missing or empty%s", "");
			goto fail;
		}
		n = 0;
		if (!intake_int(o, "seconds", 1, 4 * 3600, &n, err, errsz))
			goto fail;
		req->seconds = (int)n;
		n = -1;
		if (!intake_int(o, "segment", 0, 100000, &n, err, errsz))
			goto fail;
		req->segment = (int)n;
	} else if (strcmp(type, "vote") == 0) {
		req->type = INTAKE_VOTE;
		n = 0;
		if (!intake_int(o, "question", 1, INT64_MAX, &n, err, errsz))
			goto fail;
		if (n == 0) {
			intake_refuse(err, errsz, "'question' (the stored id) is "
			    "missing%s", "");
			goto fail;
		}
		req->question = n;
	} else if (strcmp(type, "hello") == 0) {
		req->type = INTAKE_HELLO;
		n = 0;
		if (!intake_int(o, "version", 0, 1000000, &n, err, errsz) ||
		    !intake_str(o, "token", &req->token, err, errsz))
			goto fail;
		req->version = (int)n;
	} else {
		snprintf(err, errsz, "unknown type '%.40s' (question, floor, vote "
		    "or hello)", type);
		goto fail;
	}
	return true;

fail:
	intake_request_finish(req);
	return false;
}

/* Free what a parsed request owns. */
void
intake_request_finish(struct intake_request *req)
{
	json_decref(req->json);
	req->json = NULL;
}

/* The reply line (with its newline) for a success. */
char *
intake_reply_ok(int64_t id)
{
	char *s;

	if (asprintf(&s, "{\"ok\":true,\"id\":%lld}\n", (long long)id) < 0)
		abort();
	return s;
}

/*
 * The reply line (with its newline) for a refusal. A reason may quote the
 * sender's text, cut to a number of bytes that can fall inside a
 * character: text_inert_utf8() makes it valid UTF-8 (which json_pack()
 * insists on) and free of controls for whoever prints it.
 */
char *
intake_reply_error(const char *error)
{
	char *safe = text_inert_utf8(error);
	json_t *o = json_pack("{s:b, s:s}", "ok", 0, "error", safe);
	char *body = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	char *s;

	json_decref(o);
	free(safe);
	if (body == NULL || asprintf(&s, "%s\n", body) < 0)
		abort();
	free(body);
	return s;
}
