/*
 * mirror-decode.h -- one line of the chair's mirror stream (mirror-proto.h,
 * docs/MIRROR.md) decoded into a tagged message, every field type-checked
 * and bounded.
 *
 * Pure: jansson in, a struct out, no I/O and no event loop, so that the
 * mirror's loop (loop-mirror.c) only acts on messages already known to be
 * well formed, and the decoder is unit-tested and fuzzed alone.
 */
#ifndef PODIUM_MIRROR_DECODE_H
#define PODIUM_MIRROR_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Bounds on what a line may carry; a chair of this version never exceeds them. */
#define MIRROR_DECODE_MS_MAX      (INT64_C(1) << 50) /* |mono|, |wall| (~35,000 years) */
#define MIRROR_DECODE_SPEED_MAX   1000.0             /* as podium rehearse --speed */
#define MIRROR_DECODE_KIND_MAX    64                 /* bytes of an action name */
#define MIRROR_DECODE_ORIGIN_MAX  15                 /* bytes of a row's origin */
#define MIRROR_DECODE_ERROR_MAX   1024               /* bytes of a refusal's text */

/* What a line is, from its "t" member. */
enum mirror_decode_type {
	MIRROR_DECODE_NONE,   /* not the mirror protocol: not JSON, or no "t" */
	MIRROR_DECODE_HELLO,
	MIRROR_DECODE_CLOCK,
	MIRROR_DECODE_ROW,
	MIRROR_DECODE_UNDO,
	MIRROR_DECODE_FLUSH,
	MIRROR_DECODE_ERROR,  /* the chair refuses this mirror */
	MIRROR_DECODE_OTHER,  /* a "t" this version does not know: ignored */
};

/*
 * One decoded line. Only the members of its type are set; strings point
 * into the parsed document, which the message owns until
 * mirror_decode_finish().
 */
struct mirror_decode_msg {
	enum mirror_decode_type type;
	/* hello */
	bool rehearsal;         /* "mode": "rehearsal" (else "live") */
	const char *event;      /* the event file's text, never empty */
	/* clock */
	int64_t mono_ms;        /* the chair's session time ... */
	int64_t wall_ms;        /* ... and wall time, when it read them */
	double speed;           /* 0 < speed <= MIRROR_DECODE_SPEED_MAX */
	bool paused;
	/* row (ext_id is always NULL: the stream does not carry it) */
	struct store_row row;
	/* undo (> 0), flush (>= 0) */
	int64_t seq;
	/* error: the chair's reason, or NULL when it gave none */
	const char *error;
	void *json;             /* the parsed document (owns the strings) */
};

/*
 * Decode one line (without its newline). Returns 0, or -1 with *cause
 * (malloc'd) saying what is wrong, for the user. On failure msg->type
 * still says what the line claimed to be (MIRROR_DECODE_NONE when not
 * even that), so a caller can treat a bad hello as fatal and a bad row as
 * a damaged connection; a hello of another protocol version fails with
 * a message naming both versions. Nothing needs finishing after a failure.
 */
int mirror_decode_line(const char *line, size_t len,
    struct mirror_decode_msg *msg, char **cause);

/* Free what a decoded message owns; safe on a zeroed or failed message. */
void mirror_decode_finish(struct mirror_decode_msg *msg);

#endif /* PODIUM_MIRROR_DECODE_H */
