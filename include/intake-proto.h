/*
 * intake-proto.h -- the intake protocol (SPEC section 4, docs/INTAKE.md):
 * JSON Lines over DB.intake.sock or an opt-in TCP listener, one request
 * object per line, one reply line per request line, in order.
 *
 *   {"type":"question","id":"reg-42","text":"…","from":"…","org":"…",
 *    "country":"…","lang":"fr","theme":"funding","ts":"…"}
 *   {"type":"floor","id":"reg-43","name":"…","org":"…","lang":"es",
 *    "seconds":180,"segment":4}
 *   {"type":"vote","question":17}
 *   {"type":"hello","version":1,"token":"…"}   (TCP: must come first)
 *   → {"ok":true,"id":17}  |  {"ok":false,"error":"text is empty"}
 *
 * Parsing is pure (yajl, or jansson for anything unusual; no I/O but the
 * C library's loading of the C.UTF-8 locale once) so it is unit-tested and
 * fuzzed alone.
 */
#ifndef PODIUM_INTAKE_PROTO_H
#define PODIUM_INTAKE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INTAKE_PROTO_VERSION 1
#define INTAKE_LINE_MAX (64 * 1024)   /* bytes of one request line */
#define INTAKE_TEXT_MAX_CHARS 4000

enum intake_type {
	INTAKE_HELLO,
	INTAKE_QUESTION,
	INTAKE_FLOOR,
	INTAKE_VOTE,
};

/* One parsed request; strings point into storage owned by the request. */
struct intake_request {
	enum intake_type type;
	const char *ext_id;    /* "id": the sender's own id, or NULL */
	const char *text;      /* question */
	const char *from;
	const char *org;
	const char *country;
	const char *lang;
	const char *theme;     /* sender-given theme key, or NULL */
	const char *ts;        /* sender's timestamp (kept for reference) */
	const char *name;      /* floor */
	int seconds;           /* floor: 0 = event default */
	int segment;           /* floor: -1 = current */
	int64_t question;      /* vote */
	int version;           /* hello */
	const char *token;     /* hello */
	void *json;            /* jansson's document (owns the strings), or */
	char *strings;         /* the strings copied by the quick reader */
};

/*
 * Parse one request line (without its newline). On failure returns false
 * and err holds the reason for the reply ("text is empty", "invalid UTF-8",
 * "unknown type 'x'", "'seconds' must be an integer", ...).
 */
bool intake_parse(const char *line, size_t len, struct intake_request *req,
    char *err, size_t errsz);

/* Free what a parsed request owns. */
void intake_request_finish(struct intake_request *req);

/* The reply line (with its newline) for a success: malloc'd. */
char *intake_reply_ok(int64_t id);

/* The reply line (with its newline) for a refusal: malloc'd. */
char *intake_reply_error(const char *error);

#endif /* PODIUM_INTAKE_PROTO_H */
