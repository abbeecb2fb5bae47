/*
 * intake-proto.c -- parsing intake request lines and writing replies.
 *
 * A line is read in one of two ways into one table of the members a
 * request may have, which is then checked member by member (types,
 * limits), so a refused line never stores anything half-way:
 *  - the usual line, one flat object of strings, integers, booleans and
 *    nulls with no key twice and nothing but white space after it, is
 *    read with yajl's event parser, its strings copied into one block the
 *    request owns; every key and string must be valid UTF-8
 *    (text_valid_utf8, under C.UTF-8) without NUL;
 *  - anything else is read again by jansson, whose errors become the
 *    reasons ("invalid UTF-8 at byte 9", "NUL characters are not
 *    allowed", "not valid JSON: ... (column 3)"): a syntax error, a
 *    non-object or an empty one, a nested or repeated member, more than
 *    32 members, a fraction or exponent, an integer out of range, bytes
 *    that are not UTF-8, a NUL, any \uDxxx escape, a form feed or
 *    vertical tab, non-ASCII text where C.UTF-8 is missing.
 * So what reaches the session is always valid text, and a refusal says
 * the same whichever way the line was read. The first way is for speed:
 * jansson builds a tree with an allocation per value, a tenth of the
 * intake's CPU per question.
 */
#include "intake-proto.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "text.h"

/* The members a request may have; others are passed over. */
enum intake_key {
	KEY_TYPE,
	KEY_ID,
	KEY_TEXT,
	KEY_FROM,
	KEY_ORG,
	KEY_COUNTRY,
	KEY_LANG,
	KEY_THEME,
	KEY_TS,
	KEY_NAME,
	KEY_SECONDS,
	KEY_SEGMENT,
	KEY_QUESTION,
	KEY_VERSION,
	KEY_TOKEN,
	KEY_COUNT
};

/* Their names in a request line. */
static const char *const intake_key_names[KEY_COUNT] = {
	"type", "id", "text", "from", "org", "country", "lang", "theme", "ts",
	"name", "seconds", "segment", "question", "version", "token",
};

/* What a member holds, as far as the checks care. */
enum intake_kind {
	KIND_ABSENT,
	KIND_NULL,
	KIND_STRING,
	KIND_INT,
	KIND_OTHER,   /* a boolean, a fraction, an object, a list */
};

/* One member's value. */
struct intake_value {
	enum intake_kind kind;
	const char *s;   /* KIND_STRING: owned by the request */
	long long i;     /* KIND_INT */
};

/* Distinct keys the quick reader keeps track of (more: jansson reads). */
#define INTAKE_FLAT_KEYS 32

/* The quick reader's state while yajl reads a line. */
struct intake_flat {
	struct intake_value v[KEY_COUNT];
	int depth;
	int key;                       /* the member being read, or -1 */
	char *strings;                 /* copies of keys and strings */
	size_t used;
	size_t cap;
	const char *keys[INTAKE_FLAT_KEYS];
	size_t key_len[INTAKE_FLAT_KEYS];
	int nkeys;
	bool strict;                   /* text_utf8_strict(): C.UTF-8 checks */
	yajl_handle h;
	size_t end;                    /* bytes up to the object's close */
};

/* Write a refusal reason. */
static bool
intake_refuse(char *err, size_t errsz, const char *fmt, const char *arg)
{
	snprintf(err, errsz, fmt, arg);
	return false;
}

/* Characters in UTF-8 text (checked already to be valid). */
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

/*
 * Whether the quick reader may keep n bytes of text: no NUL, and valid
 * UTF-8 by the C library under C.UTF-8 (without it, only ASCII: the
 * process locale might take any byte for a character; jansson reads the
 * rest).
 */
static bool
intake_flat_text(const struct intake_flat *f, const unsigned char *s,
    size_t n)
{
	if (!f->strict) {
		for (size_t i = 0; i < n; i++)
			if (s[i] >= 0x80 || s[i] == '\0')
				return false;
		return true;
	}
	return text_valid_utf8((const char *)s, n);  /* refuses NUL too */
}

/* Copy n bytes and a NUL into the strings block (sized to the line). */
static const char *
intake_flat_copy(struct intake_flat *f, const unsigned char *s, size_t n)
{
	char *at;

	if (f->used + n + 1 > f->cap)
		return NULL;
	at = f->strings + f->used;
	memcpy(at, s, n);
	at[n] = '\0';
	f->used += n + 1;
	return at;
}

/* Set the current member's value, if it is one the checks read. */
static int
intake_flat_value(struct intake_flat *f, enum intake_kind kind,
    const char *s, long long i)
{
	if (f->depth != 1)
		return 0;  /* a value outside the object: jansson says why */
	if (f->key >= 0) {
		f->v[f->key].kind = kind;
		f->v[f->key].s = s;
		f->v[f->key].i = i;
	}
	return 1;
}

/* yajl: null. */
static int
intake_flat_null(void *ctx)
{
	return intake_flat_value(ctx, KIND_NULL, NULL, 0);
}

/* yajl: true or false. */
static int
intake_flat_boolean(void *ctx, int b)
{
	(void)b;
	return intake_flat_value(ctx, KIND_OTHER, NULL, 0);
}

/* yajl: a whole number. */
static int
intake_flat_integer(void *ctx, long long i)
{
	return intake_flat_value(ctx, KIND_INT, NULL, i);
}

/* yajl: a number with a fraction or exponent: left to jansson. */
static int
intake_flat_double(void *ctx, double d)
{
	(void)ctx;
	(void)d;
	return 0;
}

/*
 * yajl: a string, kept if it is UTF-8 without NUL by the C library's
 * standard (yajl lets overlong forms and surrogates through; jansson
 * does not); else jansson reads the line.
 */
static int
intake_flat_string(void *ctx, const unsigned char *s, size_t n)
{
	struct intake_flat *f = ctx;
	const char *copy;

	if (!intake_flat_text(f, s, n))
		return 0;
	copy = intake_flat_copy(f, s, n);
	return copy != NULL && intake_flat_value(f, KIND_STRING, copy, 0);
}

/* yajl: an object opens; only the request itself may. */
static int
intake_flat_start_map(void *ctx)
{
	struct intake_flat *f = ctx;

	return ++f->depth == 1;
}

/*
 * yajl: a member's name; a name seen before, or not UTF-8 by the C
 * library's standard (yajl lets overlong forms through), is left to
 * jansson.
 */
static int
intake_flat_key(void *ctx, const unsigned char *s, size_t n)
{
	struct intake_flat *f = ctx;
	const char *copy;

	for (int k = 0; k < f->nkeys; k++)
		if (f->key_len[k] == n && memcmp(f->keys[k], s, n) == 0)
			return 0;
	if (f->nkeys == INTAKE_FLAT_KEYS || !intake_flat_text(f, s, n))
		return 0;
	copy = intake_flat_copy(f, s, n);
	if (copy == NULL)
		return 0;
	f->keys[f->nkeys] = copy;
	f->key_len[f->nkeys++] = n;
	f->key = -1;
	for (int k = 0; k < KEY_COUNT; k++)
		if (strcmp(copy, intake_key_names[k]) == 0)
			f->key = k;
	return 1;
}

/* yajl: the object closes; where, to look at what follows it. */
static int
intake_flat_end_map(void *ctx)
{
	struct intake_flat *f = ctx;

	if (--f->depth == 0)
		f->end = yajl_get_bytes_consumed(f->h);
	return 1;
}

/* yajl: a list: left to jansson. */
static int
intake_flat_start_array(void *ctx)
{
	(void)ctx;
	return 0;
}

static const yajl_callbacks intake_flat_events = {
	.yajl_null = intake_flat_null,
	.yajl_boolean = intake_flat_boolean,
	.yajl_integer = intake_flat_integer,
	.yajl_double = intake_flat_double,
	.yajl_string = intake_flat_string,
	.yajl_start_map = intake_flat_start_map,
	.yajl_map_key = intake_flat_key,
	.yajl_end_map = intake_flat_end_map,
	.yajl_start_array = intake_flat_start_array,
};

/*
 * Whether a line may go to yajl at all (the callbacks and the check of
 * what follows the object turn away the rest). yajl takes a form feed and
 * a vertical tab as white space, turns a lone \uD800-\uDBFF escape into
 * "?" and pairs it with any escape that follows: such lines are jansson's
 * (any \uDxxx, to keep the test simple).
 */
static bool
intake_plain(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = line[i];

		if (c == '\f' || c == '\v')
			return false;
		if (c == '\\' && i + 2 < len && line[i + 1] == 'u' &&
		    (line[i + 2] == 'd' || line[i + 2] == 'D'))
			return false;
		if (c == '\\')
			i++;  /* the escaped character is not a backslash */
	}
	return true;
}

/*
 * Read a flat request line quickly into v, its strings into a block that
 * *strings then owns; false (nothing kept) when jansson must read it.
 */
static bool
intake_read_flat(const char *line, size_t len, struct intake_value *v,
    char **strings)
{
	struct intake_flat f;
	yajl_handle h;
	bool ok;

	if (!intake_plain(line, len))
		return false;
	memset(&f, 0, sizeof f);
	f.key = -1;
	f.strict = text_utf8_strict();
	f.cap = len + 1;
	f.strings = malloc(f.cap);
	h = yajl_alloc(&intake_flat_events, NULL, &f);
	if (f.strings == NULL || h == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	f.h = h;
	ok = yajl_parse(h, (const unsigned char *)line, len) ==
	    yajl_status_ok && yajl_complete_parse(h) == yajl_status_ok &&
	    f.depth == 0 && f.used > 0 && f.end > 0 && f.end <= len;
	yajl_free(h);
	/*
	 * Only white space after the object: yajl takes an unfinished token
	 * there (a string never closed) for the end of the input.
	 */
	for (size_t i = f.end; ok && i < len; i++)
		ok = line[i] == ' ' || line[i] == '\t' || line[i] == '\r' ||
		    line[i] == '\n';
	if (!ok) {
		free(f.strings);
		return false;
	}
	memcpy(v, f.v, sizeof f.v);
	*strings = f.strings;
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

/*
 * Read a line with jansson into v (strings point into the document,
 * which *doc then owns); false with the reason when it is not a JSON
 * object.
 */
static bool
intake_read_tree(const char *line, size_t len, struct intake_value *v,
    void **doc, char *err, size_t errsz)
{
	json_error_t je;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);

	if (o == NULL) {
		intake_json_error(&je, err, errsz);
		return false;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		return intake_refuse(err, errsz, "a request must be a JSON %s",
		    "object");
	}
	for (int k = 0; k < KEY_COUNT; k++) {
		json_t *m = json_object_get(o, intake_key_names[k]);

		v[k].kind = m == NULL ? KIND_ABSENT : json_is_null(m) ?
		    KIND_NULL : json_is_string(m) ? KIND_STRING :
		    json_is_integer(m) ? KIND_INT : KIND_OTHER;
		v[k].s = json_is_string(m) ? json_string_value(m) : NULL;
		v[k].i = json_is_integer(m) ? json_integer_value(m) : 0;
	}
	*doc = o;
	return true;
}

/* An optional string member: absent or null is NULL; false if mistyped. */
static bool
intake_str(const struct intake_value *v, enum intake_key k,
    const char **out, char *err, size_t errsz)
{
	*out = NULL;
	if (v[k].kind == KIND_ABSENT || v[k].kind == KIND_NULL)
		return true;
	if (v[k].kind != KIND_STRING)
		return intake_refuse(err, errsz, "'%s' must be a string",
		    intake_key_names[k]);
	*out = v[k].s;
	return true;
}

/* An optional integer member within [lo, hi]; false if mistyped. */
static bool
intake_int(const struct intake_value *v, enum intake_key k, long long lo,
    long long hi, long long *out, char *err, size_t errsz)
{
	if (v[k].kind == KIND_ABSENT || v[k].kind == KIND_NULL)
		return true;
	if (v[k].kind != KIND_INT)
		return intake_refuse(err, errsz, "'%s' must be an integer",
		    intake_key_names[k]);
	*out = v[k].i;
	if (*out < lo || *out > hi)
		return intake_refuse(err, errsz, "'%s' is out of range",
		    intake_key_names[k]);
	return true;
}

/* Check the members of a read request and fill req; false with why. */
static bool
intake_check(const struct intake_value *v, struct intake_request *req,
    char *err, size_t errsz)
{
	const char *type;
	long long n;

	if (v[KEY_TYPE].kind != KIND_STRING)
		return intake_refuse(err, errsz, "'type' is missing (question, "
		    "floor, vote or hello)%s", "");
	type = v[KEY_TYPE].s;
	if (!intake_str(v, KEY_ID, &req->ext_id, err, errsz))
		return false;
	if (req->ext_id != NULL && (req->ext_id[0] == '\0' ||
	    strlen(req->ext_id) > 200))
		return intake_refuse(err, errsz, "'id' must be 1 to 200 bytes%s",
		    "");
	if (strcmp(type, "question") == 0) {
		req->type = INTAKE_QUESTION;
		if (!intake_str(v, KEY_TEXT, &req->text, err, errsz) ||
		    !intake_str(v, KEY_FROM, &req->from, err, errsz) ||
		    !intake_str(v, KEY_ORG, &req->org, err, errsz) ||
		    !intake_str(v, KEY_COUNTRY, &req->country, err, errsz) ||
		    !intake_str(v, KEY_LANG, &req->lang, err, errsz) ||
		    !intake_str(v, KEY_THEME, &req->theme, err, errsz) ||
		    !intake_str(v, KEY_TS, &req->ts, err, errsz))
			return false;
		if (req->text == NULL)
			return intake_refuse(err, errsz, "'text' is missing%s", "");
		if (req->text[strspn(req->text, " \t\r\n")] == '\0')
			return intake_refuse(err, errsz, "text is empty%s", "");
		if (intake_chars(req->text) > INTAKE_TEXT_MAX_CHARS)
			return intake_refuse(err, errsz, "text is longer than %s "
			    "characters", "4000");
	} else if (strcmp(type, "floor") == 0) {
		req->type = INTAKE_FLOOR;
		if (!intake_str(v, KEY_NAME, &req->name, err, errsz) ||
		    !intake_str(v, KEY_ORG, &req->org, err, errsz) ||
		    !intake_str(v, KEY_LANG, &req->lang, err, errsz))
			return false;
		if (req->name == NULL || req->name[strspn(req->name, " ")] == '\0')
			return intake_refuse(err, errsz, "'name' is missing or "
			    "empty%s", "");
		n = 0;
		if (!intake_int(v, KEY_SECONDS, 1, 4 * 3600, &n, err, errsz))
			return false;
		req->seconds = (int)n;
		n = -1;
		if (!intake_int(v, KEY_SEGMENT, 0, 100000, &n, err, errsz))
			return false;
		req->segment = (int)n;
	} else if (strcmp(type, "vote") == 0) {
		req->type = INTAKE_VOTE;
		n = 0;
		if (!intake_int(v, KEY_QUESTION, 1, INT64_MAX, &n, err, errsz))
			return false;
		if (n == 0)
			return intake_refuse(err, errsz, "'question' (the stored id) "
			    "is missing%s", "");
		req->question = n;
	} else if (strcmp(type, "hello") == 0) {
		req->type = INTAKE_HELLO;
		n = 0;
		if (!intake_int(v, KEY_VERSION, 0, 1000000, &n, err, errsz) ||
		    !intake_str(v, KEY_TOKEN, &req->token, err, errsz))
			return false;
		req->version = (int)n;
	} else {
		snprintf(err, errsz, "unknown type '%.40s' (question, floor, vote "
		    "or hello)", type);
		return false;
	}
	return true;
}

/* Parse one request line (without its newline). */
bool
intake_parse(const char *line, size_t len, struct intake_request *req,
    char *err, size_t errsz)
{
	struct intake_value v[KEY_COUNT];

	memset(req, 0, sizeof *req);
	req->segment = -1;
	if (len > INTAKE_LINE_MAX)
		return intake_refuse(err, errsz, "line longer than %s",
		    "64 KiB");
	if (!intake_read_flat(line, len, v, &req->strings) &&
	    !intake_read_tree(line, len, v, &req->json, err, errsz))
		return false;
	if (!intake_check(v, req, err, errsz)) {
		intake_request_finish(req);
		return false;
	}
	return true;
}

/* Free what a parsed request owns. */
void
intake_request_finish(struct intake_request *req)
{
	json_decref(req->json);
	req->json = NULL;
	free(req->strings);
	req->strings = NULL;
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
