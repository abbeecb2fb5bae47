/*
 * action-codec.c -- journal rows <-> actions.
 *
 * Encoding writes the arguments with yajl's generator, straight into one
 * buffer, members in the order of their names: for valid UTF-8, byte for
 * byte what jansson's JSON_SORT_KEYS wrote before (test-action-codec.c
 * compares). It runs for every question the intake takes in. A string
 * that yajl finds not to be UTF-8 is left out, as jansson left it out (a
 * second pass, rare: the session refuses such an action before it is
 * stored anyway). Decoding, which replays
 * every row at start-up (100,000 and more), runs yajl's event parser over
 * the arguments: the members with known names are copied into a buffer
 * on the stack, the parser's own memory comes from an arena on the stack,
 * and the decoded strings land in one block per record (or in the
 * session's slab when it loads in bulk). Only the arguments that an
 * action type uses are written; decoding checks types and ranges so a
 * damaged row is reported, never replayed as something else.
 */
#include "action-codec.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

/* Text being generated: one buffer, grown by doubling. */
struct action_codec_out {
	char *p;
	size_t len;
	size_t cap;
};

/* Abort when memory runs out. */
static void *
action_codec_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	return q;
}

/* yajl's generator hands its output here, piece by piece. */
static void
action_codec_print(void *ctx, const char *s, size_t len)
{
	struct action_codec_out *o = ctx;

	if (o->len + len + 1 > o->cap) {
		/* 512 bytes hold most actions whole: one allocation. */
		o->cap = (o->len + len + 1) * 2 < 512 ? 512 :
		    (o->len + len + 1) * 2;
		o->p = action_codec_xrealloc(o->p, o->cap);
	}
	memcpy(o->p + o->len, s, len);
	o->len += len;
	o->p[o->len] = '\0';
}

/* The generator, and in the second pass a checker of strings. */
struct action_codec_gen {
	yajl_gen g;
	yajl_gen check;  /* NULL in the first pass */
};

/* Output of the checker: nowhere. */
static void
action_codec_discard(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	(void)s;
	(void)len;
}

/* Write a member name; true when the generator took it. */
static bool
action_codec_gen_key(struct action_codec_gen *g, const char *key)
{
	return yajl_gen_string(g->g, (const unsigned char *)key,
	    strlen(key)) == yajl_gen_status_ok;
}

/* Write an integer member. */
static bool
action_codec_gen_int(struct action_codec_gen *g, const char *key,
    long long v)
{
	return action_codec_gen_key(g, key) &&
	    yajl_gen_integer(g->g, v) == yajl_gen_status_ok;
}

/*
 * Write a string member when the string is not NULL; in the second pass,
 * not when the string is not UTF-8 either.
 */
static bool
action_codec_gen_str(struct action_codec_gen *g, const char *key,
    const char *value)
{
	const unsigned char *v = (const unsigned char *)value;

	if (value == NULL)
		return true;
	if (g->check != NULL) {
		yajl_gen_reset(g->check, NULL);
		if (yajl_gen_string(g->check, v, strlen(value)) !=
		    yajl_gen_status_ok)
			return true;
	}
	return action_codec_gen_key(g, key) &&
	    yajl_gen_string(g->g, v, strlen(value)) == yajl_gen_status_ok;
}

/* Write the members of an action, names in strcmp order. */
static bool
action_codec_gen_members(struct action_codec_gen *g,
    const struct model_action *a)
{
	switch (a->type) {
	case MODEL_ACTION_SPEAKER_ADD:
		return (a->speaker.danger_s <= 0 || action_codec_gen_int(g,
		    "danger_s", a->speaker.danger_s)) &&
		    action_codec_gen_str(g, "lang",
		    a->speaker.lang ? a->speaker.lang : "") &&
		    action_codec_gen_str(g, "name", a->speaker.name) &&
		    action_codec_gen_str(g, "org",
		    a->speaker.org ? a->speaker.org : "") &&
		    action_codec_gen_int(g, "seconds", a->speaker.seconds) &&
		    action_codec_gen_int(g, "segment", a->speaker.segment) &&
		    (a->speaker.warning_s <= 0 || action_codec_gen_int(g,
		    "warning_s", a->speaker.warning_s));
	case MODEL_ACTION_ADD_TIME:
		return action_codec_gen_int(g, "seconds", a->delta);
	case MODEL_ACTION_SPEAKER_MOVE:
		return action_codec_gen_int(g, "delta", a->delta) &&
		    action_codec_gen_int(g, "speaker", a->target);
	case MODEL_ACTION_SPEAKER_WITHDRAW:
		return action_codec_gen_int(g, "speaker", a->target);
	case MODEL_ACTION_QUESTION_ADD:
		return action_codec_gen_str(g, "country", a->question.country) &&
		    action_codec_gen_str(g, "ext_id", a->question.ext_id) &&
		    action_codec_gen_str(g, "from", a->question.from) &&
		    action_codec_gen_str(g, "lang", a->question.lang) &&
		    action_codec_gen_str(g, "org", a->question.org) &&
		    action_codec_gen_str(g, "text", a->question.text) &&
		    action_codec_gen_str(g, "theme", a->question.theme) &&
		    action_codec_gen_key(g, "theme_auto") &&
		    yajl_gen_bool(g->g, a->question.theme_auto) ==
		    yajl_gen_status_ok;
	case MODEL_ACTION_QUESTION_STATUS:
		return action_codec_gen_int(g, "question", a->target) &&
		    action_codec_gen_str(g, "status",
		    model_question_status_name(a->status));
	case MODEL_ACTION_QUESTION_THEME:
		return action_codec_gen_int(g, "question", a->target) &&
		    action_codec_gen_str(g, "theme", a->theme);
	case MODEL_ACTION_QUESTION_VOTE:
		return action_codec_gen_int(g, "question", a->target);
	default:
		return true;
	}
}

/*
 * Generate an action's object into o; false when a string is refused
 * (first pass only: the second leaves such strings out).
 */
static bool
action_codec_generate(const struct model_action *a, bool skip_invalid,
    struct action_codec_out *o)
{
	struct action_codec_gen g = { yajl_gen_alloc(NULL), NULL };
	bool ok;

	if (g.g == NULL || (skip_invalid &&
	    (g.check = yajl_gen_alloc(NULL)) == NULL)) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	yajl_gen_config(g.g, yajl_gen_print_callback, action_codec_print, o);
	yajl_gen_config(g.g, yajl_gen_validate_utf8, 1);
	if (g.check != NULL) {
		yajl_gen_config(g.check, yajl_gen_print_callback,
		    action_codec_discard, NULL);
		yajl_gen_config(g.check, yajl_gen_validate_utf8, 1);
	}
	o->len = 0;
	ok = yajl_gen_map_open(g.g) == yajl_gen_status_ok &&
	    action_codec_gen_members(&g, a) &&
	    yajl_gen_map_close(g.g) == yajl_gen_status_ok;
	yajl_gen_free(g.g);
	if (g.check != NULL)
		yajl_gen_free(g.check);
	return ok;
}

/* The arguments of an action as JSON object text. */
char *
action_codec_encode(const struct model_action *a)
{
	struct action_codec_out o = { NULL, 0, 0 };

	if (!action_codec_generate(a, false, &o) &&
	    !action_codec_generate(a, true, &o)) {
		fprintf(stderr, "podium: cannot encode an action\n");
		abort();
	}
	return o.p;
}

/* What one member of a row's arguments holds. */
enum action_codec_type {
	ACTION_CODEC_TEXT,
	ACTION_CODEC_INT,
	ACTION_CODEC_TRUE,
	ACTION_CODEC_OTHER,  /* false, null, a number with a fraction, ... */
};

/* The argument names any action uses, as indices of action_codec_keys. */
enum action_codec_key {
	KEY_NAME,
	KEY_ORG,
	KEY_LANG,
	KEY_SECONDS,
	KEY_SEGMENT,
	KEY_WARNING_S,
	KEY_DANGER_S,
	KEY_SPEAKER,
	KEY_DELTA,
	KEY_TEXT,
	KEY_EXT_ID,
	KEY_FROM,
	KEY_COUNTRY,
	KEY_THEME,
	KEY_THEME_AUTO,
	KEY_QUESTION,
	KEY_STATUS,
	KEY_COUNT
};

/* Their names in the JSON; other names are ignored when read. */
static const struct {
	const char *name;
	size_t len;
} action_codec_keys[KEY_COUNT] = {
	[KEY_NAME] = { "name", 4 },
	[KEY_ORG] = { "org", 3 },
	[KEY_LANG] = { "lang", 4 },
	[KEY_SECONDS] = { "seconds", 7 },
	[KEY_SEGMENT] = { "segment", 7 },
	[KEY_WARNING_S] = { "warning_s", 9 },
	[KEY_DANGER_S] = { "danger_s", 8 },
	[KEY_SPEAKER] = { "speaker", 7 },
	[KEY_DELTA] = { "delta", 5 },
	[KEY_TEXT] = { "text", 4 },
	[KEY_EXT_ID] = { "ext_id", 6 },
	[KEY_FROM] = { "from", 4 },
	[KEY_COUNTRY] = { "country", 7 },
	[KEY_THEME] = { "theme", 5 },
	[KEY_THEME_AUTO] = { "theme_auto", 10 },
	[KEY_QUESTION] = { "question", 8 },
	[KEY_STATUS] = { "status", 6 },
};

/* One known top-level member of a row's arguments. */
struct action_codec_member {
	enum action_codec_type type;
	bool set;
	size_t text;         /* offset into buf */
	long long integer;
};

/* Bytes a row's strings usually fit in without a heap allocation. */
#define ACTION_CODEC_STACK 2048

/*
 * A row's arguments as yajl's event parser reports them: the top-level
 * members with known names (a later duplicate wins, as in jansson),
 * their texts copied (yajl reuses its own buffer).
 */
struct action_codec_args {
	struct action_codec_member m[KEY_COUNT];
	int depth;           /* 1 inside the top-level object */
	bool object;         /* the value is an object */
	int key;             /* index of the key just read, -1: unknown */
	char *buf;
	size_t len;
	size_t cap;
	char stack[ACTION_CODEC_STACK];
};

/* Copy bytes into the arguments' buffer, NUL-terminated; their offset. */
static size_t
action_codec_keep(struct action_codec_args *a, const unsigned char *s,
    size_t len)
{
	size_t off = a->len;

	if (a->len + len + 1 > a->cap) {
		char *nb;

		a->cap = (a->len + len + 1) * 2;
		nb = malloc(a->cap);
		if (nb == NULL) {
			fprintf(stderr, "podium: out of memory\n");
			abort();
		}
		memcpy(nb, a->buf, a->len);
		if (a->buf != a->stack)
			free(a->buf);
		a->buf = nb;
	}
	memcpy(a->buf + a->len, s, len);
	a->buf[a->len + len] = '\0';
	a->len += len + 1;
	return off;
}

/* Record a top-level value of the given type for the key just read. */
static struct action_codec_member *
action_codec_value(struct action_codec_args *a, enum action_codec_type type)
{
	struct action_codec_member *m;

	if (a->depth != 1 || a->key < 0)
		return NULL;
	m = &a->m[a->key];
	m->set = true;
	m->type = type;
	return m;
}

/* yajl: an object opens (only the top level's members are kept). */
static int
action_codec_on_map(void *ctx)
{
	struct action_codec_args *a = ctx;

	if (a->depth == 0)
		a->object = true;
	else
		action_codec_value(a, ACTION_CODEC_OTHER);
	a->depth++;
	return 1;
}

/* yajl: an array opens. */
static int
action_codec_on_array(void *ctx)
{
	struct action_codec_args *a = ctx;

	action_codec_value(a, ACTION_CODEC_OTHER);
	a->depth++;
	return 1;
}

/* yajl: an object or array closes. */
static int
action_codec_on_close(void *ctx)
{
	((struct action_codec_args *)ctx)->depth--;
	return 1;
}

/* yajl: a member's key, looked up among the known ones. */
static int
action_codec_on_key(void *ctx, const unsigned char *s, size_t len)
{
	struct action_codec_args *a = ctx;

	if (a->depth != 1)
		return 1;
	a->key = -1;
	for (int i = 0; i < KEY_COUNT; i++) {
		if (action_codec_keys[i].len == len &&
		    memcmp(action_codec_keys[i].name, s, len) == 0) {
			a->key = i;
			break;
		}
	}
	return 1;
}

/* yajl: a string; one holding a NUL is not a text of ours. */
static int
action_codec_on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct action_codec_args *a = ctx;
	struct action_codec_member *m;

	m = action_codec_value(a, memchr(s, '\0', len) == NULL ?
	    ACTION_CODEC_TEXT : ACTION_CODEC_OTHER);
	if (m != NULL)
		m->text = action_codec_keep(a, s, len);
	return 1;
}

/* yajl: an integer. */
static int
action_codec_on_integer(void *ctx, long long v)
{
	struct action_codec_member *m = action_codec_value(ctx,
	    ACTION_CODEC_INT);

	if (m != NULL)
		m->integer = v;
	return 1;
}

/* yajl: true or false. */
static int
action_codec_on_boolean(void *ctx, int v)
{
	action_codec_value(ctx, v ? ACTION_CODEC_TRUE : ACTION_CODEC_OTHER);
	return 1;
}

/* yajl: null. */
static int
action_codec_on_null(void *ctx)
{
	action_codec_value(ctx, ACTION_CODEC_OTHER);
	return 1;
}

/* yajl: a number with a fraction or an exponent. */
static int
action_codec_on_double(void *ctx, double v)
{
	(void)v;
	action_codec_value(ctx, ACTION_CODEC_OTHER);
	return 1;
}

/* The events the parser reports to a row's arguments. */
static const yajl_callbacks action_codec_events = {
	.yajl_null = action_codec_on_null,
	.yajl_boolean = action_codec_on_boolean,
	.yajl_integer = action_codec_on_integer,
	.yajl_double = action_codec_on_double,
	.yajl_string = action_codec_on_string,
	.yajl_start_map = action_codec_on_map,
	.yajl_map_key = action_codec_on_key,
	.yajl_end_map = action_codec_on_close,
	.yajl_start_array = action_codec_on_array,
	.yajl_end_array = action_codec_on_close,
};

/*
 * Memory for one parse: yajl's handle, lexer and buffers come from a block
 * on the stack, so replaying a row allocates nothing (a tenth of start-up
 * with 100,000 rows was malloc and free); past the block, the heap.
 */
struct action_codec_arena {
	union {
		max_align_t align;
		char bytes[16384];
	} block;
	size_t used;
};

/* The arena's size header before each block it hands out. */
#define ACTION_CODEC_HDR sizeof(max_align_t)

/* Whether p was handed out by the arena. */
static bool
action_codec_in_arena(const struct action_codec_arena *ar, const void *p)
{
	const char *c = p;

	return c >= ar->block.bytes && c < ar->block.bytes + sizeof ar->block;
}

/* yajl: allocate. */
static void *
action_codec_alloc(void *ctx, size_t sz)
{
	struct action_codec_arena *ar = ctx;
	size_t n = ACTION_CODEC_HDR + (sz + ACTION_CODEC_HDR - 1) /
	    ACTION_CODEC_HDR * ACTION_CODEC_HDR;
	char *p;

	if (ar->used + n > sizeof ar->block) {
		if ((p = malloc(sz)) == NULL) {
			fprintf(stderr, "podium: out of memory\n");
			abort();
		}
		return p;
	}
	p = ar->block.bytes + ar->used;
	memcpy(p, &sz, sizeof sz);
	ar->used += n;
	return p + ACTION_CODEC_HDR;
}

/* yajl: resize (an arena block moves; its old copy is left behind). */
static void *
action_codec_realloc(void *ctx, void *ptr, size_t sz)
{
	struct action_codec_arena *ar = ctx;
	size_t old;
	void *q;

	if (ptr == NULL)
		return action_codec_alloc(ctx, sz);
	if (!action_codec_in_arena(ar, ptr)) {
		if ((q = realloc(ptr, sz)) == NULL) {
			fprintf(stderr, "podium: out of memory\n");
			abort();
		}
		return q;
	}
	memcpy(&old, (char *)ptr - ACTION_CODEC_HDR, sizeof old);
	q = action_codec_alloc(ctx, sz);
	memcpy(q, ptr, old < sz ? old : sz);
	return q;
}

/* yajl: free (arena blocks go with the arena). */
static void
action_codec_free(void *ctx, void *ptr)
{
	if (!action_codec_in_arena(ctx, ptr))
		free(ptr);
}

/*
 * Take a row's arguments apart; false if they are not one JSON object.
 * yajl's event parser builds no tree: replaying 100,000 questions at
 * start-up takes a fraction of the time jansson's parser does
 * (docs/PERFORMANCE.md). The caller frees a->buf unless it is a->stack.
 */
static bool
action_codec_parse(const char *text, struct action_codec_args *a)
{
	struct action_codec_arena arena;
	yajl_alloc_funcs funcs = { action_codec_alloc, action_codec_realloc,
		action_codec_free, &arena };
	yajl_handle h;
	bool ok;

	arena.used = 0;
	memset(a->m, 0, sizeof a->m);
	a->depth = 0;
	a->object = false;
	a->key = -1;
	a->buf = a->stack;
	a->len = 0;
	a->cap = sizeof a->stack;
	if ((h = yajl_alloc(&action_codec_events, &funcs, a)) == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	ok = yajl_parse(h, (const unsigned char *)text, strlen(text)) ==
	    yajl_status_ok && yajl_complete_parse(h) == yajl_status_ok &&
	    a->object;
	yajl_free(h);
	return ok;
}

/* The member called key, or NULL if absent. */
static const struct action_codec_member *
action_codec_member(const struct action_codec_args *a,
    enum action_codec_key key)
{
	return a->m[key].set ? &a->m[key] : NULL;
}

/* An integer argument within [lo, hi]; false if missing or bad. */
static bool
action_codec_int(const struct action_codec_args *a, enum action_codec_key key,
    long long lo, long long hi, long long *out)
{
	const struct action_codec_member *m = action_codec_member(a, key);

	if (m == NULL || m->type != ACTION_CODEC_INT)
		return false;
	*out = m->integer;
	return *out >= lo && *out <= hi;
}

/* A string argument (in the buffer); false if missing or not a string. */
static bool
action_codec_str(const struct action_codec_args *a, enum action_codec_key key,
    const char **out)
{
	const struct action_codec_member *m = action_codec_member(a, key);

	if (m == NULL || m->type != ACTION_CODEC_TEXT)
		return false;
	*out = a->buf + m->text;
	return true;
}

/* Whether a boolean argument is present and true. */
static bool
action_codec_true(const struct action_codec_args *a, enum action_codec_key key)
{
	const struct action_codec_member *m = action_codec_member(a, key);

	return m != NULL && m->type == ACTION_CODEC_TRUE;
}

/* One chunk of a slab. */
struct action_codec_chunk {
	struct action_codec_chunk *next;
	size_t used;
	size_t cap;
	char bytes[];
};

struct action_codec_slab {
	struct action_codec_chunk *head;  /* the chunk handing out, or NULL */
};

/* Bytes of a slab's chunk: big enough that the per-chunk cost vanishes. */
#define ACTION_CODEC_CHUNK (256 * 1024)

/* An empty slab. */
struct action_codec_slab *
action_codec_slab_create(void)
{
	struct action_codec_slab *slab = calloc(1, sizeof *slab);

	if (slab == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	return slab;
}

/* Free a slab and every string in it. */
void
action_codec_slab_destroy(struct action_codec_slab *slab)
{
	struct action_codec_chunk *c, *next;

	if (slab == NULL)
		return;
	for (c = slab->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(slab);
}

/* n bytes from the slab (strings: no alignment needed). */
static char *
action_codec_slab_take(struct action_codec_slab *slab, size_t n)
{
	struct action_codec_chunk *c = slab->head;

	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > ACTION_CODEC_CHUNK ? n : ACTION_CODEC_CHUNK;

		if ((c = malloc(sizeof *c + cap)) == NULL) {
			fprintf(stderr, "podium: out of memory\n");
			abort();
		}
		c->next = slab->head;
		c->used = 0;
		c->cap = cap;
		slab->head = c;
	}
	c->used += n;
	return c->bytes + c->used - n;
}

/*
 * Copy every string the action, the row's ext_id and its origin point to
 * into one block (the record's own, or in slab when not NULL), and point
 * them there. A question's ext_id is
 * most often the row's too: that one is kept once.
 */
static void
action_codec_own(struct action_record *r, const char *ext_id,
    const char *origin, struct action_codec_slab *slab)
{
	struct model_speaker_args *sp = &r->action.speaker;
	struct model_question_args *q = &r->action.question;
	const char **strs[9] = { &ext_id, &origin };
	size_t total = 0, n = 2;
	bool shared = false;
	char *p;

	/* Only the union member the type uses holds strings. */
	if (r->action.type == MODEL_ACTION_SPEAKER_ADD) {
		strs[n++] = &sp->name;
		strs[n++] = &sp->org;
		strs[n++] = &sp->lang;
	} else if (r->action.type == MODEL_ACTION_QUESTION_THEME) {
		strs[n++] = &r->action.theme;
	} else if (r->action.type == MODEL_ACTION_QUESTION_ADD) {
		shared = ext_id != NULL && q->ext_id != NULL &&
		    strcmp(ext_id, q->ext_id) == 0;
		if (!shared)
			strs[n++] = &q->ext_id;
		strs[n++] = &q->text;
		strs[n++] = &q->from;
		strs[n++] = &q->org;
		strs[n++] = &q->country;
		strs[n++] = &q->lang;
		strs[n++] = &q->theme;
	}
	for (size_t i = 0; i < n; i++)
		total += *strs[i] != NULL ? strlen(*strs[i]) + 1 : 0;
	r->strings = NULL;
	r->in_slab = slab != NULL && total > 0;
	if (r->in_slab)
		r->strings = action_codec_slab_take(slab, total);
	else if (total > 0 && (r->strings = malloc(total)) == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	p = r->strings;
	for (size_t i = 0; i < n; i++) {
		size_t len;

		if (*strs[i] == NULL)
			continue;
		len = strlen(*strs[i]) + 1;
		memcpy(p, *strs[i], len);
		*strs[i] = p;
		p += len;
	}
	r->ext_id = ext_id;
	r->origin = origin;
	if (shared)
		q->ext_id = ext_id;
}

/* Decode a journal row whose arguments are found through args. */
static int
action_codec_decode_args(const struct store_row *row,
    const struct action_codec_args *o, struct action_record *out,
    struct action_codec_slab *slab, char **cause)
{
	long long v;
	int type;
	const char *bad = NULL;
	struct model_question_args *q;
	char *msg;

	memset(out, 0, sizeof *out);
	type = model_action_by_name(row->kind);
	if (type < 0) {
		bad = "unknown action";
		goto fail;
	}
	out->action.type = (enum model_action_type)type;
	out->action.seq = row->seq;
	out->action.at.mono_ms = row->mono_ms;
	out->action.at.wall_ms = row->wall_ms;
	switch (out->action.type) {
	case MODEL_ACTION_SPEAKER_ADD:
		if (!action_codec_str(o, KEY_NAME, &out->action.speaker.name) ||
		    !action_codec_str(o, KEY_ORG, &out->action.speaker.org) ||
		    !action_codec_str(o, KEY_LANG, &out->action.speaker.lang)) {
			bad = "speaker name, org or lang missing";
			goto fail;
		}
		if (!action_codec_int(o, KEY_SECONDS, 0, MODEL_SECONDS_MAX, &v)) {
			bad = "bad seconds";
			goto fail;
		}
		out->action.speaker.seconds = (int)v;
		if (!action_codec_int(o, KEY_SEGMENT, -1, 100000, &v)) {
			bad = "bad segment";
			goto fail;
		}
		out->action.speaker.segment = (int)v;
		if (action_codec_int(o, KEY_WARNING_S, 1, MODEL_SECONDS_MAX, &v))
			out->action.speaker.warning_s = (int)v;
		if (action_codec_int(o, KEY_DANGER_S, 1, MODEL_SECONDS_MAX, &v))
			out->action.speaker.danger_s = (int)v;
		break;
	case MODEL_ACTION_ADD_TIME:
		if (!action_codec_int(o, KEY_SECONDS, -MODEL_SECONDS_MAX,
		    MODEL_SECONDS_MAX, &v)) {
			bad = "bad seconds";
			goto fail;
		}
		out->action.delta = (int)v;
		break;
	case MODEL_ACTION_SPEAKER_MOVE:
	case MODEL_ACTION_SPEAKER_WITHDRAW:
		if (!action_codec_int(o, KEY_SPEAKER, 1, INT64_MAX, &v)) {
			bad = "bad speaker id";
			goto fail;
		}
		out->action.target = v;
		if (out->action.type == MODEL_ACTION_SPEAKER_MOVE) {
			if (!action_codec_int(o, KEY_DELTA, -1, 1, &v)) {
				bad = "bad delta";
				goto fail;
			}
			out->action.delta = (int)v;
		}
		break;
	case MODEL_ACTION_QUESTION_ADD:
		q = &out->action.question;
		if (!action_codec_str(o, KEY_TEXT, &q->text)) {
			bad = "question text missing";
			goto fail;
		}
		action_codec_str(o, KEY_EXT_ID, &q->ext_id);
		action_codec_str(o, KEY_FROM, &q->from);
		action_codec_str(o, KEY_ORG, &q->org);
		action_codec_str(o, KEY_COUNTRY, &q->country);
		action_codec_str(o, KEY_LANG, &q->lang);
		action_codec_str(o, KEY_THEME, &q->theme);
		out->action.question.theme_auto =
		    action_codec_true(o, KEY_THEME_AUTO);
		break;
	case MODEL_ACTION_QUESTION_STATUS:
	case MODEL_ACTION_QUESTION_THEME:
	case MODEL_ACTION_QUESTION_VOTE:
		if (!action_codec_int(o, KEY_QUESTION, 1, INT64_MAX, &v)) {
			bad = "bad question id";
			goto fail;
		}
		out->action.target = v;
		if (out->action.type == MODEL_ACTION_QUESTION_STATUS) {
			const char *st;
			int status = action_codec_str(o, KEY_STATUS, &st) ?
			    model_question_status_by_name(st) : -1;

			if (status < 0) {
				bad = "bad question status";
				goto fail;
			}
			out->action.status = (enum model_question_status)status;
		}
		if (out->action.type == MODEL_ACTION_QUESTION_THEME &&
		    !action_codec_str(o, KEY_THEME, &out->action.theme)) {
			bad = "theme missing";
			goto fail;
		}
		break;
	default:
		break;
	}
	/* The strings still point into o: copy them before it goes. */
	action_codec_own(out, row->ext_id, row->origin, slab);
	out->undone = row->undone;
	return 0;

fail:
	action_codec_finish(out);
	if (asprintf(&msg, "journal row %lld (%s) is damaged: %s; restore the "
	    "database from a backup",
	    (long long)row->seq, row->kind, bad) < 0)
		abort();
	*cause = msg;
	return -1;
}

/* Decode a journal row. */
int
action_codec_decode(const struct store_row *row, struct action_record *out,
    struct action_codec_slab *slab, char **cause)
{
	struct action_codec_args args;
	int rc;

	if (!action_codec_parse(row->args, &args)) {
		if (args.buf != args.stack)
			free(args.buf);
		memset(out, 0, sizeof *out);
		if (asprintf(cause, "journal row %lld (%s) is damaged: arguments"
		    " are not a JSON object; restore the database from a backup",
		    (long long)row->seq, row->kind) < 0)
			abort();
		return -1;
	}
	rc = action_codec_decode_args(row, &args, out, slab, cause);
	if (args.buf != args.stack)
		free(args.buf);
	return rc;
}

/* Fill a record from an action, copying its strings. */
void
action_codec_copy(const struct model_action *a, const char *origin,
    const char *ext_id, struct action_record *out)
{
	memset(out, 0, sizeof *out);
	out->action = *a;
	action_codec_own(out, ext_id, origin, NULL);
}

/* Free the strings a record owns (not the record itself). */
void
action_codec_finish(struct action_record *r)
{
	if (!r->in_slab)
		free(r->strings);
	r->strings = NULL;
	r->ext_id = NULL;
	r->origin = NULL;
}
