/*
 * mirror-decode.c -- one line of the mirror stream decoded and checked.
 *
 * Data flow: the line is parsed by jansson (which refuses invalid UTF-8,
 * NUL characters, duplicate keys and integers beyond 64 bits); its "t"
 * member picks the message type; one function per type checks that every
 * member the mirror uses has the right JSON type and lies within the
 * bounds of mirror-decode.h, and fills the message. A line that fails
 * gets one sentence for the user naming the member at fault. The message
 * keeps the parsed document, whose strings it points into.
 */
#include "mirror-decode.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror-proto.h"

/* A malloc'd message; aborts when memory is out, as everywhere in podium. */
static char * __attribute__((format(printf, 1, 2)))
mirror_decode_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("podium: out of memory\n", stderr);
		abort();
	}
	return s;
}

/* A required integer member within [lo, hi]; false if absent, mistyped or out of range. */
static bool
mirror_decode_int(json_t *o, const char *key, int64_t lo, int64_t hi,
    int64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return *out >= lo && *out <= hi;
}

/* A required string member of min to max bytes; false if absent, mistyped or out of bounds. */
static bool
mirror_decode_str(json_t *o, const char *key, size_t min, size_t max,
    const char **out)
{
	json_t *v = json_object_get(o, key);
	size_t n;

	if (!json_is_string(v))
		return false;
	n = json_string_length(v);
	*out = json_string_value(v);
	return n >= min && n <= max;
}

/* A required boolean member; false if absent or mistyped. */
static bool
mirror_decode_bool(json_t *o, const char *key, bool *out)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_boolean(v))
		return false;
	*out = json_is_true(v);
	return true;
}

/* A hello: the protocol version first, then the mode and the event text. */
static int
mirror_decode_hello(json_t *o, struct mirror_decode_msg *m, char **cause)
{
	json_t *v = json_object_get(o, "version");
	const char *mode;

	if (!json_is_integer(v) || json_integer_value(v) != MIRROR_PROTO_VERSION) {
		*cause = mirror_decode_fmt("the chair speaks mirror protocol "
		    "version %lld, this podium %d; use the same podium version "
		    "on both sides", (long long)json_integer_value(v),
		    MIRROR_PROTO_VERSION);
		return -1;
	}
	if (!mirror_decode_str(o, "event", 1, MIRROR_LINE_MAX, &m->event) ||
	    !mirror_decode_str(o, "mode", 0, 64, &mode)) {
		*cause = mirror_decode_fmt("the chair sent a hello without its "
		    "event; is it a podium of the same version?");
		return -1;
	}
	if (strcmp(mode, "live") != 0 && strcmp(mode, "rehearsal") != 0) {
		*cause = mirror_decode_fmt("the chair sent a hello with a mode "
		    "other than live or rehearsal; is it a podium of the same "
		    "version?");
		return -1;
	}
	m->rehearsal = strcmp(mode, "rehearsal") == 0;
	return 0;
}

/* A clock reading: times within bounds, a positive speed, a paused flag. */
static int
mirror_decode_clock(json_t *o, struct mirror_decode_msg *m, char **cause)
{
	json_t *v = json_object_get(o, "speed");
	const char *bad = NULL;

	if (!mirror_decode_int(o, "mono", -MIRROR_DECODE_MS_MAX,
	    MIRROR_DECODE_MS_MAX, &m->mono_ms))
		bad = "'mono' must be an integer of milliseconds";
	else if (!mirror_decode_int(o, "wall", -MIRROR_DECODE_MS_MAX,
	    MIRROR_DECODE_MS_MAX, &m->wall_ms))
		bad = "'wall' must be an integer of milliseconds";
	else if (!json_is_number(v) || !(json_number_value(v) > 0) ||
	    json_number_value(v) > MIRROR_DECODE_SPEED_MAX)
		bad = "'speed' must be a number above 0 and at most 1000";
	else if (!mirror_decode_bool(o, "paused", &m->paused))
		bad = "'paused' must be true or false";
	if (bad != NULL) {
		*cause = mirror_decode_fmt("the chair sent a damaged clock line: %s",
		    bad);
		return -1;
	}
	m->speed = json_number_value(v);
	return 0;
}

/* A journal row, as stored: every column the replica needs. */
static int
mirror_decode_row(json_t *o, struct mirror_decode_msg *m, char **cause)
{
	struct store_row *r = &m->row;
	const char *bad = NULL;

	memset(r, 0, sizeof *r);
	if (!mirror_decode_int(o, "seq", 1, INT64_MAX, &r->seq))
		bad = "'seq' must be a positive integer";
	else if (!mirror_decode_str(o, "kind", 1, MIRROR_DECODE_KIND_MAX,
	    &r->kind))
		bad = "'kind' must be an action name";
	else if (!mirror_decode_str(o, "args", 2, MIRROR_LINE_MAX, &r->args))
		bad = "'args' must be the text of a JSON object";
	else if (!mirror_decode_int(o, "mono", -MIRROR_DECODE_MS_MAX,
	    MIRROR_DECODE_MS_MAX, &r->mono_ms))
		bad = "'mono' must be an integer of milliseconds";
	else if (!mirror_decode_int(o, "wall", -MIRROR_DECODE_MS_MAX,
	    MIRROR_DECODE_MS_MAX, &r->wall_ms))
		bad = "'wall' must be an integer of milliseconds";
	else if (!mirror_decode_str(o, "origin", 1, MIRROR_DECODE_ORIGIN_MAX,
	    &r->origin))
		bad = "'origin' must be a short name";
	else if (!mirror_decode_bool(o, "undone", &r->undone))
		bad = "'undone' must be true or false";
	if (bad != NULL) {
		*cause = mirror_decode_fmt("the chair sent a damaged row: %s", bad);
		return -1;
	}
	return 0;
}

/* An undo or a flush: a sequence number (undo: a row's, flush: the last one's). */
static int
mirror_decode_seq(json_t *o, struct mirror_decode_msg *m, int64_t lo,
    const char *what, char **cause)
{
	if (!mirror_decode_int(o, "seq", lo, INT64_MAX, &m->seq)) {
		*cause = mirror_decode_fmt("the chair sent a damaged %s line: 'seq' "
		    "must be a %s integer", what, lo > 0 ? "positive" :
		    "non-negative");
		return -1;
	}
	return 0;
}

/* A refusal: its reason, if any, is short text. */
static int
mirror_decode_error(json_t *o, struct mirror_decode_msg *m, char **cause)
{
	json_t *v = json_object_get(o, "error");

	if (v == NULL || json_is_null(v))
		return 0;
	if (!mirror_decode_str(o, "error", 0, MIRROR_DECODE_ERROR_MAX,
	    &m->error)) {
		m->error = NULL;
		*cause = mirror_decode_fmt("the chair refused this mirror without "
		    "a reason that can be shown");
		return -1;
	}
	return 0;
}

/* Decode one line of the stream. */
int
mirror_decode_line(const char *line, size_t len,
    struct mirror_decode_msg *msg, char **cause)
{
	static const struct {
		const char *name;
		enum mirror_decode_type type;
	} types[] = {
		{ "hello", MIRROR_DECODE_HELLO }, { "clock", MIRROR_DECODE_CLOCK },
		{ "row", MIRROR_DECODE_ROW }, { "undo", MIRROR_DECODE_UNDO },
		{ "flush", MIRROR_DECODE_FLUSH }, { "error", MIRROR_DECODE_ERROR },
	};
	json_t *o;
	const char *t;
	int rc = 0;

	*cause = NULL;
	memset(msg, 0, sizeof *msg);
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
	t = json_string_value(json_object_get(o, "t"));
	if (t == NULL) {
		json_decref(o);
		*cause = mirror_decode_fmt("the chair sent something that is not "
		    "the mirror protocol");
		return -1;
	}
	msg->type = MIRROR_DECODE_OTHER;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(t, types[i].name) == 0)
			msg->type = types[i].type;
	switch (msg->type) {
	case MIRROR_DECODE_HELLO:
		rc = mirror_decode_hello(o, msg, cause);
		break;
	case MIRROR_DECODE_CLOCK:
		rc = mirror_decode_clock(o, msg, cause);
		break;
	case MIRROR_DECODE_ROW:
		rc = mirror_decode_row(o, msg, cause);
		break;
	case MIRROR_DECODE_UNDO:
		rc = mirror_decode_seq(o, msg, 1, "undo", cause);
		break;
	case MIRROR_DECODE_FLUSH:
		rc = mirror_decode_seq(o, msg, 0, "flush", cause);
		break;
	case MIRROR_DECODE_ERROR:
		rc = mirror_decode_error(o, msg, cause);
		break;
	default:
		break;
	}
	if (rc != 0) {
		enum mirror_decode_type type = msg->type;

		json_decref(o);
		memset(msg, 0, sizeof *msg);
		msg->type = type;
		return -1;
	}
	msg->json = o;
	return 0;
}

/* Free what a decoded message owns. */
void
mirror_decode_finish(struct mirror_decode_msg *msg)
{
	json_decref(msg->json);
	msg->json = NULL;
}
