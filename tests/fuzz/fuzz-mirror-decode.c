/*
 * fuzz-mirror-decode.c -- the mirror's stream decoder (mirror-decode.c) on
 * arbitrary bytes, as a hostile or broken "chair" at the other end of
 * `podium mirror --connect` may send them, followed through the replica
 * the mirror feeds with what it decodes.
 *
 * Data flow: the input is cut into lines at '\n' as loop-mirror.c cuts the
 * stream. Each line goes through mirror_decode_line(); a decoded message
 * must respect every bound of mirror-decode.h, a refused one must carry a
 * message and own nothing. Then, as the mirror's loop does (without its
 * libuv and its screen), a hello opens a fresh replica session from its
 * event text, a clock line sets the replica's clock, rows and undos are
 * replayed into it with the chair's model code, and a flush renders the
 * replica's state as `podium mirror --once --json` would. So that rows
 * are replayed even when the input has no hello, each input starts with a
 * replica of a small built-in event.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fuzz.h"
#include "mirror-decode.h"
#include "session.h"
#include "state-json.h"
#include "text.h"

/* The event a replica starts from before any hello: two segments, two themes. */
static const char fuzz_event[] =
    "{\"format\":\"podium-event/1\",\"id\":\"fuzz\",\"title\":\"Fuzz\","
    "\"date\":\"2020-12-04\",\"utc_offset\":\"+01:00\",\"start\":\"13:30\","
    "\"end\":\"15:30\",\"languages\":[\"ar\",\"en\",\"es\",\"fr\"],"
    "\"themes\":[{\"key\":\"funding\",\"title\":\"Funding\","
    "\"keywords\":{\"en\":[\"fund\"],\"ar\":[\"تمويل\"]}},"
    "{\"key\":\"other\",\"title\":\"Other\"}],"
    "\"segments\":[{\"title\":\"Opening\",\"minutes\":5,\"speakers\":["
    "{\"name\":\"Ambassador\",\"org\":\"EU\",\"lang\":\"en\",\"seconds\":240}]},"
    "{\"title\":\"Q1\",\"minutes\":115,\"theme\":\"funding\",\"speakers\":["
    "{\"name\":\"Senegal\",\"lang\":\"fr\"},{\"name\":\"Iraq\",\"lang\":\"ar\"}]}]}";

/* A decoded message within the bounds mirror-decode.h promises. */
static void
fuzz_bounds(const struct mirror_decode_msg *m)
{
	const struct store_row *r = &m->row;

	FUZZ_CHECK(m->json != NULL);
	switch (m->type) {
	case MIRROR_DECODE_HELLO:
		FUZZ_CHECK(m->event != NULL && m->event[0] != '\0');
		break;
	case MIRROR_DECODE_CLOCK:
		FUZZ_CHECK(m->mono_ms >= -MIRROR_DECODE_MS_MAX &&
		    m->mono_ms <= MIRROR_DECODE_MS_MAX);
		FUZZ_CHECK(m->wall_ms >= -MIRROR_DECODE_MS_MAX &&
		    m->wall_ms <= MIRROR_DECODE_MS_MAX);
		FUZZ_CHECK(m->speed > 0 && m->speed <= MIRROR_DECODE_SPEED_MAX);
		break;
	case MIRROR_DECODE_ROW:
		FUZZ_CHECK(r->seq >= 1);
		FUZZ_CHECK(r->kind != NULL && strlen(r->kind) >= 1 &&
		    strlen(r->kind) <= MIRROR_DECODE_KIND_MAX);
		FUZZ_CHECK(r->args != NULL && strlen(r->args) >= 2);
		FUZZ_CHECK(r->origin != NULL && strlen(r->origin) >= 1 &&
		    strlen(r->origin) <= MIRROR_DECODE_ORIGIN_MAX);
		FUZZ_CHECK(r->mono_ms >= -MIRROR_DECODE_MS_MAX &&
		    r->mono_ms <= MIRROR_DECODE_MS_MAX);
		FUZZ_CHECK(r->wall_ms >= -MIRROR_DECODE_MS_MAX &&
		    r->wall_ms <= MIRROR_DECODE_MS_MAX);
		FUZZ_CHECK(r->ext_id == NULL);
		break;
	case MIRROR_DECODE_UNDO:
		FUZZ_CHECK(m->seq >= 1);
		break;
	case MIRROR_DECODE_FLUSH:
		FUZZ_CHECK(m->seq >= 0);
		break;
	case MIRROR_DECODE_ERROR:
		FUZZ_CHECK(m->error == NULL ||
		    strlen(m->error) <= MIRROR_DECODE_ERROR_MAX);
		break;
	case MIRROR_DECODE_OTHER:
		break;
	default:
		FUZZ_CHECK(!"a decoded line has a type");
	}
}

/* The replica's state, rendered as `podium mirror --once --json` prints it. */
static void
fuzz_render(struct session *s)
{
	json_t *j = state_json(s->model, session_now(s), s->rehearsal);
	char *text;

	FUZZ_CHECK(j != NULL);
	text = json_dumps(j, JSON_COMPACT);
	FUZZ_CHECK(text != NULL && text_valid_utf8(text, strlen(text)));
	free(text);
	json_decref(j);
}

/* Act on a decoded message as the mirror's loop does. */
static void
fuzz_apply(struct session **replica, const struct mirror_decode_msg *m)
{
	struct session *s = *replica;
	char *cause = NULL;

	switch (m->type) {
	case MIRROR_DECODE_HELLO:
		if (session_open_replica(&s, m->event, m->rehearsal, &cause) == 0) {
			session_close(*replica);
			*replica = s;
		}
		break;
	case MIRROR_DECODE_CLOCK:
		clock_init_follower(&s->clock, m->mono_ms, m->wall_ms, m->speed,
		    m->paused, clock_raw_mono());
		break;
	case MIRROR_DECODE_ROW:
		session_replica_row(s, &m->row, &cause);
		break;
	case MIRROR_DECODE_UNDO:
		session_replica_undo(s, m->seq);
		break;
	case MIRROR_DECODE_FLUSH:
		fuzz_render(s);
		break;
	default:
		break;
	}
	free(cause);
}

/* Decode one line, check the outcome, and feed the replica. */
static void
fuzz_line(struct session **replica, const char *line, size_t len)
{
	struct mirror_decode_msg m;
	char *cause = (char *)"untouched";

	if (mirror_decode_line(line, len, &m, &cause) != 0) {
		FUZZ_CHECK(cause != NULL && cause[0] != '\0');
		FUZZ_CHECK(text_valid_utf8(cause, strlen(cause)));
		FUZZ_CHECK(m.json == NULL);
		FUZZ_CHECK(m.type != MIRROR_DECODE_OTHER);
		free(cause);
		return;
	}
	FUZZ_CHECK(cause == NULL);
	fuzz_bounds(&m);
	fuzz_apply(replica, &m);
	mirror_decode_finish(&m);
	FUZZ_CHECK(m.json == NULL);
}

/* Feed the input, line by line, to the decoder and a replica. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct session *replica = NULL;
	char *cause = NULL;

	if (session_open_replica(&replica, fuzz_event, false, &cause) != 0) {
		fprintf(stderr, "fuzz: the built-in event: %s\n", cause);
		abort();
	}
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		if (nl != NULL || len > 0)
			fuzz_line(&replica, p, len);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	session_close(replica);
	return 0;
}
