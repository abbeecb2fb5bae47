/*
 * event.c -- reading an event file (docs/EVENT-FORMAT.md) into the planned
 * event and the speakers it queues in advance.
 *
 * Data flow: the text is checked for size, handed to jansson (which also
 * guarantees valid UTF-8 and refuses duplicate keys), and the JSON tree is
 * walked once, top-level fields first, then languages, defaults, themes
 * and segments with their speakers, because each later part is checked
 * against the earlier ones (a speaker's language against the languages, a
 * segment's theme against the themes, the minutes against start and end).
 * The first problem found stops the walk and becomes the one sentence the
 * author reads, naming the JSON path of the bad value.
 *
 * Every string of the result is copied out of the JSON tree and recorded
 * in the holder's list of owned strings, so the tree is freed at the end
 * of parsing and event_destroy() frees each string once however the
 * structures share them (a speaker's lang points at the event's own
 * spelling of that language, a segment's theme at the theme's key).
 *
 * The labelled example files an event names ("theme_examples") are read
 * by event_load() only, after the event itself, because their paths are
 * relative to the event file: each non-blank line is one JSON object
 * {"lang","theme","text"}, checked against the event's languages and
 * themes, its strings owned like the event's, and the list handed to the
 * theme classifier through model_event.examples. event_parse() of a text
 * alone checks the names and reads no file.
 */
#include "event.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "text.h"
#include "timefmt.h"

/* The one format version this build reads. */
#define EVENT_FORMAT "podium-event/1"

/* Limits of the format; docs/EVENT-FORMAT.md lists them for authors. */
#define ID_MAX 64
#define THEME_KEY_MAX 32
#define TEXT_MAX MODEL_NAME_MAX
#define LANGUAGES_MAX 16
#define THEMES_MAX 32
#define KEYWORDS_MAX 500
#define KEYWORD_MAX 100
#define SEGMENTS_MAX 200
#define SPEAKERS_MAX 5000
#define MINUTES_MAX (24 * 60)

/* Limits of the labelled example files (theme_examples). */
#define EXAMPLE_FILES_MAX 16
#define EXAMPLES_MAX 20000
#define EXAMPLE_PATH_MAX 1024
#define EXAMPLE_LINE_MAX (64 * 1024)
#define EXAMPLES_BYTES_MAX (16 * 1024 * 1024)

/* Defaults of the "defaults" object. */
#define DEFAULT_SPEAKER_S 180
#define DEFAULT_WARNING_S 60
#define DEFAULT_DANGER_S 15

/* Bytes of a value or key from the file quoted in a message. */
#define QUOTE_MAX 48

/* A parsed event file and the strings it owns. */
struct event_holder {
	struct event_file ef; /* first: the public pointer is the holder's */
	char **strings;
	size_t nstrings;
	size_t strings_cap;
	size_t speakers_cap;
	const char **example_files;  /* as named in the file, owned strings */
	size_t nexample_files;
	struct model_example *examples;
	size_t nexamples;
	size_t examples_cap;
	size_t example_bytes;        /* text read from example files so far */
};

/* What the walk over the JSON tree carries along. */
struct parser {
	struct event_holder *h;
	char **cause;
};

/* Give up on an allocation failure: there is nothing sensible left to do. */
static void
out_of_memory(void)
{
	fprintf(stderr, "podium: out of memory\n");
	abort();
}

/* calloc that never returns NULL. */
static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		out_of_memory();
	return p;
}

/* realloc of an array that never returns NULL. */
static void *
xreallocarray(void *old, size_t n, size_t size)
{
	void *p = reallocarray(old, n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		out_of_memory();
	return p;
}

/* vasprintf that never fails. */
static char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		out_of_memory();
	return s;
}

/* asprintf that never fails. */
static char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* Report the first problem found as "path: what is wrong"; returns -1. */
static int
fail(struct parser *p, const char *path, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (p->cause != NULL && *p->cause == NULL) {
		if (path[0] != '\0')
			*p->cause = xasprintf("%s: %s", path, msg);
		else
			*p->cause = xasprintf("%s", msg);
	}
	free(msg);
	return -1;
}

/* Copy at most QUOTE_MAX bytes of text for a message, ending on a character. */
static const char *
quote(const char *s, char *buf, size_t bufsz)
{
	size_t n = strlen(s);

	if (n <= QUOTE_MAX && n < bufsz) {
		memcpy(buf, s, n + 1);
		return buf;
	}
	n = QUOTE_MAX < bufsz - 4 ? QUOTE_MAX : bufsz - 4;
	/* Back off over UTF-8 continuation bytes so no character is split. */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

/* Keep a copy of a string for the life of the event file. */
static char *
own(struct parser *p, const char *s)
{
	struct event_holder *h = p->h;
	char *copy = strdup(s);

	if (copy == NULL)
		out_of_memory();
	if (h->nstrings == h->strings_cap) {
		h->strings_cap = h->strings_cap == 0 ? 64 : h->strings_cap * 2;
		h->strings = xreallocarray(h->strings, h->strings_cap,
		    sizeof *h->strings);
	}
	h->strings[h->nstrings++] = copy;
	return copy;
}

/* How a JSON value's type reads in a message. */
static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "a list";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "a whole number";
	case JSON_REAL:
		return "a fractional number";
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

/* A member of an object; NULL when absent or null, which mean the same. */
static json_t *
member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_null(v) ? NULL : v;
}

/* "parent.key" for messages, or just "key" at the top. */
static void
join_path(char *buf, size_t bufsz, const char *parent, const char *key)
{
	if (parent[0] == '\0')
		snprintf(buf, bufsz, "%s", key);
	else
		snprintf(buf, bufsz, "%s.%s", parent, key);
}

/*
 * Refuse members an object of this kind does not have, so that a misspelt
 * field is reported instead of silently ignored.
 */
static int
check_fields(struct parser *p, json_t *obj, const char *path,
    const char *what, const char *const *known, const char *list)
{
	char at[256], q[QUOTE_MAX + 4];
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(obj, key, v) {
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (known[i] == NULL) {
			join_path(at, sizeof at, path, quote(key, q, sizeof q));
			return fail(p, at, "unknown field; %s has %s", what,
			    list);
		}
	}
	return 0;
}

/* Whether text has nothing but white space in it. */
static bool
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/*
 * Read a text member: absent (or null) gives *out = NULL unless required;
 * present, it must be a string, not blank, of at most max bytes.
 */
static int
get_text(struct parser *p, json_t *obj, const char *path, const char *key,
    bool required, size_t max, const char **out)
{
	json_t *v = member(obj, key);
	char at[256];
	size_t len;

	join_path(at, sizeof at, path, key);
	*out = NULL;
	if (v == NULL) {
		if (required)
			return fail(p, at, "missing; it is required");
		return 0;
	}
	if (!json_is_string(v))
		return fail(p, at, "must be a string, not %s", type_name(v));
	len = json_string_length(v);
	if (len == 0 || blank(json_string_value(v)))
		return fail(p, at, "must not be empty");
	if (len > max)
		return fail(p, at, "too long (%zu bytes); the limit is %zu "
		    "bytes", len, max);
	*out = json_string_value(v);
	return 0;
}

/*
 * Read a whole-number member in min..max: 1 if present, 0 if absent (or
 * null, *out untouched), -1 if wrong.
 */
static int
get_int(struct parser *p, json_t *obj, const char *path, const char *key,
    bool required, long long min, long long max, int *out)
{
	json_t *v = member(obj, key);
	json_int_t n;
	char at[256];

	join_path(at, sizeof at, path, key);
	if (v == NULL) {
		if (required)
			return fail(p, at, "missing; it is required");
		return 0;
	}
	if (!json_is_integer(v))
		return fail(p, at, "must be a whole number from %lld to %lld, "
		    "not %s", min, max, type_name(v));
	n = json_integer_value(v);
	if (n < min || n > max)
		return fail(p, at, "%lld is out of range; it must be from %lld "
		    "to %lld", (long long)n, min, max);
	*out = (int)n;
	return 1;
}

/*
 * Read a list member: *out = NULL when absent and optional; otherwise a
 * list of at most max entries (and at least one if required).
 */
static int
get_list(struct parser *p, json_t *obj, const char *path, const char *key,
    bool required, size_t max, json_t **out)
{
	json_t *v = member(obj, key);
	char at[256];

	join_path(at, sizeof at, path, key);
	*out = NULL;
	if (v == NULL) {
		if (required)
			return fail(p, at, "missing; it is required");
		return 0;
	}
	if (!json_is_array(v))
		return fail(p, at, "must be a list [...], not %s",
		    type_name(v));
	if (required && json_array_size(v) == 0)
		return fail(p, at, "must not be empty");
	if (json_array_size(v) > max)
		return fail(p, at, "has %zu entries; the limit is %zu",
		    json_array_size(v), max);
	*out = v;
	return 0;
}

/* Make sure a list entry is an object before its fields are read. */
static int
check_object(struct parser *p, json_t *v, const char *path)
{
	if (!json_is_object(v))
		return fail(p, path, "must be an object {...}, not %s",
		    type_name(v));
	return 0;
}

/* Whether text is a slug: lower-case letters, digits and '-', not leading. */
static bool
is_slug(const char *s)
{
	if (*s == '-')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-'))
			return false;
	return true;
}

/* Whether text can be a language code (BCP 47 style: letters, digits, '-'). */
static bool
is_lang_code(const char *s)
{
	if (*s == '\0' || *s == '-')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

/* The event's own spelling of a language code, matched in any case; or NULL. */
static char *
find_language(const struct model_event *ev, const char *code)
{
	size_t i;

	for (i = 0; i < ev->nlanguages; i++)
		if (strcasecmp(ev->languages[i], code) == 0)
			return ev->languages[i];
	return NULL;
}

/* The event's languages as "ar, en, es", for messages (malloc'd). */
static char *
language_list(const struct model_event *ev)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < ev->nlanguages; i++)
		len += strlen(ev->languages[i]) + 2;
	s = xcalloc(len, 1);
	for (i = 0; i < ev->nlanguages; i++) {
		if (i > 0)
			strcat(s, ", ");
		strcat(s, ev->languages[i]);
	}
	return s;
}

/* The event's theme keys as "funding, rights", for messages (malloc'd). */
static char *
theme_list(const struct model_event *ev)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < ev->nthemes; i++)
		len += strlen(ev->themes[i].key) + 2;
	s = xcalloc(len, 1);
	for (i = 0; i < ev->nthemes; i++) {
		if (i > 0)
			strcat(s, ", ");
		strcat(s, ev->themes[i].key);
	}
	return s;
}

/* Refuse a language code that is not one of the event's. */
static int
unknown_language(struct parser *p, const char *path, const char *code)
{
	char *list = language_list(&p->h->ef.event);
	char q[QUOTE_MAX + 4];
	int rc;

	rc = fail(p, path, "'%s' is not one of the event's languages %s",
	    quote(code, q, sizeof q), list);
	free(list);
	return rc;
}

/* Read the top-level id, title, date, offset, start and end. */
static int
parse_header(struct parser *p, json_t *root)
{
	struct model_event *ev = &p->h->ef.event;
	const char *format, *id, *title, *date, *offset, *start, *end;
	char q[QUOTE_MAX + 4];
	int64_t day;

	if (get_text(p, root, "", "format", true, 64, &format) < 0)
		return -1;
	if (strcmp(format, EVENT_FORMAT) != 0)
		return fail(p, "format", "'%s' is not a format this podium "
		    "reads; write \"%s\"", quote(format, q, sizeof q),
		    EVENT_FORMAT);

	if (get_text(p, root, "", "id", true, ID_MAX, &id) < 0)
		return -1;
	if (!is_slug(id))
		return fail(p, "id", "'%s' is not a short name of lower-case "
		    "letters a-z, digits and '-' (like va-financing-2020)",
		    quote(id, q, sizeof q));
	ev->id = own(p, id);

	if (get_text(p, root, "", "title", true, TEXT_MAX, &title) < 0)
		return -1;
	ev->title = own(p, title);

	if (get_text(p, root, "", "date", true, 64, &date) < 0)
		return -1;
	if (!timefmt_parse_local(date, "00:00", 0, &day))
		return fail(p, "date", "'%s' is not a date YYYY-MM-DD "
		    "(like 2020-12-04)", quote(date, q, sizeof q));
	ev->date = own(p, date);

	if (get_text(p, root, "", "utc_offset", true, 64, &offset) < 0)
		return -1;
	if (!timefmt_parse_offset(offset, &ev->utc_offset_min))
		return fail(p, "utc_offset", "'%s' is not a UTC offset like "
		    "+01:00, -03:30 or Z", quote(offset, q, sizeof q));

	if (get_text(p, root, "", "start", true, 64, &start) < 0)
		return -1;
	if (strlen(start) != 5 || !timefmt_parse_local(date, start,
	    ev->utc_offset_min, &ev->start_wall_ms))
		return fail(p, "start", "'%s' is not a time HH:MM (like "
		    "13:30)", quote(start, q, sizeof q));
	if (get_text(p, root, "", "end", true, 64, &end) < 0)
		return -1;
	if (strlen(end) != 5 || !timefmt_parse_local(date, end,
	    ev->utc_offset_min, &ev->end_wall_ms))
		return fail(p, "end", "'%s' is not a time HH:MM (like 15:30)",
		    quote(end, q, sizeof q));
	if (ev->end_wall_ms == ev->start_wall_ms)
		return fail(p, "end", "the session ends when it starts (%s); "
		    "give the time it ends", end);
	/* A session that runs past midnight ends on the next day. */
	if (ev->end_wall_ms < ev->start_wall_ms)
		ev->end_wall_ms += 24 * 3600 * 1000LL;
	return 0;
}

/* Read the list of languages of interpretation. */
static int
parse_languages(struct parser *p, json_t *root)
{
	struct model_event *ev = &p->h->ef.event;
	char at[64], q[QUOTE_MAX + 4];
	json_t *list, *v;
	const char *code;
	size_t i;

	if (get_list(p, root, "", "languages", true, LANGUAGES_MAX, &list) < 0)
		return -1;
	ev->languages = xcalloc(json_array_size(list), sizeof *ev->languages);
	json_array_foreach(list, i, v) {
		snprintf(at, sizeof at, "languages[%zu]", i);
		if (!json_is_string(v))
			return fail(p, at, "must be a string, not %s",
			    type_name(v));
		code = json_string_value(v);
		if (json_string_length(v) > MODEL_LANG_MAX ||
		    !is_lang_code(code))
			return fail(p, at, "'%s' is not a language code of at "
			    "most %d letters, digits and '-' (like en, fr, "
			    "sgn)", quote(code, q, sizeof q), MODEL_LANG_MAX);
		if (find_language(ev, code) != NULL)
			return fail(p, at, "'%s' is listed twice", code);
		ev->languages[ev->nlanguages++] = own(p, code);
	}
	return 0;
}

/* Read the default speaker times, or keep the built-in ones. */
static int
parse_defaults(struct parser *p, json_t *root)
{
	static const char *const known[] = {
		"speaker_s", "warning_s", "danger_s", NULL
	};
	struct model_event *ev = &p->h->ef.event;
	json_t *d = member(root, "defaults");

	ev->speaker_s = DEFAULT_SPEAKER_S;
	ev->warning_s = DEFAULT_WARNING_S;
	ev->danger_s = DEFAULT_DANGER_S;
	if (d == NULL)
		return 0;
	if (!json_is_object(d))
		return fail(p, "defaults", "must be an object {...}, not %s",
		    type_name(d));
	if (check_fields(p, d, "defaults", "the defaults object",
	    known, "speaker_s, warning_s, danger_s") < 0)
		return -1;
	if (get_int(p, d, "defaults", "speaker_s", false, 1,
	    MODEL_SECONDS_MAX, &ev->speaker_s) < 0 ||
	    get_int(p, d, "defaults", "warning_s", false, 1,
	    MODEL_SECONDS_MAX, &ev->warning_s) < 0 ||
	    get_int(p, d, "defaults", "danger_s", false, 0,
	    MODEL_SECONDS_MAX, &ev->danger_s) < 0)
		return -1;
	if (ev->warning_s <= ev->danger_s)
		return fail(p, "defaults", "warning_s (%d) must be greater "
		    "than danger_s (%d): amber comes before red",
		    ev->warning_s, ev->danger_s);
	return 0;
}

/* Read one theme's keywords, language by language. */
static int
parse_keywords(struct parser *p, struct model_theme *th, json_t *kw,
    const char *path)
{
	struct model_event *ev = &p->h->ef.event;
	char at[320], wat[352], q[QUOTE_MAX + 4];
	struct model_keywords *k;
	const char *lang, *word;
	json_t *list, *w;
	char *canon;
	size_t i, j;

	if (!json_is_object(kw))
		return fail(p, path, "must be an object {\"en\": [...], ...}, "
		    "not %s", type_name(kw));
	th->keywords = xcalloc(json_object_size(kw), sizeof *th->keywords);
	json_object_foreach(kw, lang, list) {
		join_path(at, sizeof at, path, quote(lang, q, sizeof q));
		canon = find_language(ev, lang);
		if (canon == NULL)
			return unknown_language(p, at, lang);
		for (j = 0; j < th->nkeywords; j++)
			if (strcmp(th->keywords[j].lang, canon) == 0)
				return fail(p, at, "the keywords of %s are "
				    "given twice", canon);
		if (!json_is_array(list))
			return fail(p, at, "must be a list of words, not %s",
			    type_name(list));
		if (json_array_size(list) > KEYWORDS_MAX)
			return fail(p, at, "has %zu keywords; the limit is %d",
			    json_array_size(list), KEYWORDS_MAX);
		k = &th->keywords[th->nkeywords++];
		snprintf(k->lang, sizeof k->lang, "%s", canon);
		k->words = xcalloc(json_array_size(list), sizeof *k->words);
		json_array_foreach(list, i, w) {
			snprintf(wat, sizeof wat, "%s[%zu]", at, i);
			if (!json_is_string(w))
				return fail(p, wat, "must be a string, not %s",
				    type_name(w));
			word = json_string_value(w);
			if (blank(word))
				return fail(p, wat, "must not be empty");
			if (json_string_length(w) > KEYWORD_MAX)
				return fail(p, wat, "too long (%zu bytes); the "
				    "limit is %d bytes", json_string_length(w),
				    KEYWORD_MAX);
			k->words[k->nwords++] = own(p, word);
		}
	}
	return 0;
}

/* Read the themes questions are grouped by. */
static int
parse_themes(struct parser *p, json_t *root)
{
	static const char *const known[] = { "key", "title", "keywords", NULL };
	struct model_event *ev = &p->h->ef.event;
	char at[64], kat[96], q[QUOTE_MAX + 4];
	const char *key, *title;
	struct model_theme *th;
	json_t *list, *v, *kw;
	int other;
	size_t i;

	if (get_list(p, root, "", "themes", false, THEMES_MAX, &list) < 0)
		return -1;
	if (list == NULL)
		return 0;
	ev->themes = xcalloc(json_array_size(list), sizeof *ev->themes);
	json_array_foreach(list, i, v) {
		snprintf(at, sizeof at, "themes[%zu]", i);
		if (check_object(p, v, at) < 0 ||
		    check_fields(p, v, at, "a theme", known,
		    "key, title, keywords") < 0)
			return -1;
		if (get_text(p, v, at, "key", true, THEME_KEY_MAX, &key) < 0)
			return -1;
		join_path(kat, sizeof kat, at, "key");
		if (!is_slug(key))
			return fail(p, kat, "'%s' is not a key of lower-case "
			    "letters a-z, digits and '-' (like first-steps)",
			    quote(key, q, sizeof q));
		other = event_theme_index(ev, key);
		if (other >= 0)
			return fail(p, kat, "'%s' is already the key of "
			    "themes[%d]; keys must differ", key, other);
		if (get_text(p, v, at, "title", true, TEXT_MAX, &title) < 0)
			return -1;
		th = &ev->themes[ev->nthemes++];
		th->key = own(p, key);
		th->title = own(p, title);
		kw = member(v, "keywords");
		join_path(kat, sizeof kat, at, "keywords");
		if (kw != NULL && parse_keywords(p, th, kw, kat) < 0)
			return -1;
	}
	return 0;
}

/*
 * Read the names of the labelled example files; they are read later, by
 * event_load(), which knows the directory they are relative to.
 */
static int
parse_example_names(struct parser *p, json_t *root)
{
	struct event_holder *h = p->h;
	char at[64], q[QUOTE_MAX + 4];
	const char *name;
	json_t *list, *v;
	size_t i, j;

	if (get_list(p, root, "", "theme_examples", false, EXAMPLE_FILES_MAX,
	    &list) < 0)
		return -1;
	if (list == NULL)
		return 0;
	if (h->ef.event.nthemes == 0 && json_array_size(list) > 0)
		return fail(p, "theme_examples", "the event has no themes to "
		    "learn; list themes or remove theme_examples");
	h->example_files = xcalloc(json_array_size(list),
	    sizeof *h->example_files);
	json_array_foreach(list, i, v) {
		snprintf(at, sizeof at, "theme_examples[%zu]", i);
		if (!json_is_string(v))
			return fail(p, at, "must be a file name, not %s",
			    type_name(v));
		name = json_string_value(v);
		if (json_string_length(v) == 0 || blank(name))
			return fail(p, at, "must not be empty");
		if (json_string_length(v) > EXAMPLE_PATH_MAX ||
		    strlen(name) != json_string_length(v))
			return fail(p, at, "'%s' is not a file name of at most "
			    "%d bytes", quote(name, q, sizeof q),
			    EXAMPLE_PATH_MAX);
		for (j = 0; j < h->nexample_files; j++)
			if (strcmp(h->example_files[j], name) == 0)
				return fail(p, at, "'%s' is listed twice",
				    quote(name, q, sizeof q));
		h->example_files[h->nexample_files++] = own(p, name);
	}
	return 0;
}

/* Read one speaker queued in advance and append it to the event file. */
static int
parse_speaker(struct parser *p, json_t *v, const char *path, int segment)
{
	static const char *const known[] = {
		"name", "org", "lang", "seconds", "warning_s", "danger_s", NULL
	};
	struct event_holder *h = p->h;
	struct model_event *ev = &h->ef.event;
	struct model_speaker_args args;
	const char *name, *org, *lang;
	int warning, danger;
	char at[256];

	if (check_object(p, v, path) < 0 ||
	    check_fields(p, v, path, "a speaker", known,
	    "name, org, lang, seconds, warning_s, danger_s") < 0)
		return -1;
	memset(&args, 0, sizeof args);
	args.segment = segment;
	if (get_text(p, v, path, "name", true, MODEL_NAME_MAX, &name) < 0 ||
	    get_text(p, v, path, "org", false, MODEL_NAME_MAX, &org) < 0 ||
	    get_text(p, v, path, "lang", true, TEXT_MAX, &lang) < 0)
		return -1;
	args.name = own(p, name);
	args.org = org != NULL ? own(p, org) : "";
	args.lang = find_language(ev, lang);
	if (args.lang == NULL) {
		join_path(at, sizeof at, path, "lang");
		return unknown_language(p, at, lang);
	}
	/* 0 stands for "the event default" in model_speaker_args. */
	if (get_int(p, v, path, "seconds", false, 1, MODEL_SECONDS_MAX,
	    &args.seconds) < 0 ||
	    get_int(p, v, path, "warning_s", false, 1, MODEL_SECONDS_MAX,
	    &args.warning_s) < 0 ||
	    get_int(p, v, path, "danger_s", false, 1, MODEL_SECONDS_MAX,
	    &args.danger_s) < 0)
		return -1;
	warning = args.warning_s != 0 ? args.warning_s : ev->warning_s;
	danger = args.danger_s != 0 ? args.danger_s : ev->danger_s;
	if (warning <= danger)
		return fail(p, path, "warning_s (%d%s) must be greater than "
		    "danger_s (%d%s): amber comes before red", warning,
		    args.warning_s != 0 ? "" : ", the event default", danger,
		    args.danger_s != 0 ? "" : ", the event default");

	if (h->ef.nspeakers == SPEAKERS_MAX)
		return fail(p, path, "the event has more than %d speakers; "
		    "that is the limit", SPEAKERS_MAX);
	if (h->ef.nspeakers == h->speakers_cap) {
		h->speakers_cap = h->speakers_cap == 0 ? 32 :
		    h->speakers_cap * 2;
		h->ef.speakers = xreallocarray(h->ef.speakers, h->speakers_cap,
		    sizeof *h->ef.speakers);
	}
	h->ef.speakers[h->ef.nspeakers++] = args;
	return 0;
}

/* Read one segment of the agenda and its speakers. */
static int
parse_segment(struct parser *p, json_t *v, const char *path, int index)
{
	static const char *const known[] = {
		"title", "lead", "minutes", "theme", "speakers", NULL
	};
	struct model_event *ev = &p->h->ef.event;
	struct model_segment_plan *seg = &ev->segments[index];
	char at[128], q[QUOTE_MAX + 4];
	const char *title, *lead, *theme;
	json_t *speakers, *s;
	char *keys;
	size_t i;
	int t;

	if (check_object(p, v, path) < 0 ||
	    check_fields(p, v, path, "a segment", known,
	    "title, lead, minutes, theme, speakers") < 0)
		return -1;
	if (get_text(p, v, path, "title", true, TEXT_MAX, &title) < 0 ||
	    get_text(p, v, path, "lead", false, TEXT_MAX, &lead) < 0 ||
	    get_int(p, v, path, "minutes", true, 1, MINUTES_MAX,
	    &seg->minutes) < 0 ||
	    get_text(p, v, path, "theme", false, TEXT_MAX, &theme) < 0)
		return -1;
	seg->title = own(p, title);
	seg->lead = lead != NULL ? own(p, lead) : NULL;
	if (theme != NULL) {
		t = event_theme_index(ev, theme);
		if (t < 0) {
			join_path(at, sizeof at, path, "theme");
			if (ev->nthemes == 0)
				return fail(p, at, "'%s' is not a theme of "
				    "this event, which has no themes",
				    quote(theme, q, sizeof q));
			keys = theme_list(ev);
			fail(p, at, "'%s' is not a theme key of this event; "
			    "the keys are %s", quote(theme, q, sizeof q), keys);
			free(keys);
			return -1;
		}
		seg->theme = ev->themes[t].key;
	}
	if (get_list(p, v, path, "speakers", false, SPEAKERS_MAX,
	    &speakers) < 0)
		return -1;
	if (speakers == NULL)
		return 0;
	json_array_foreach(speakers, i, s) {
		snprintf(at, sizeof at, "%s.speakers[%zu]", path, i);
		if (parse_speaker(p, s, at, index) < 0)
			return -1;
	}
	return 0;
}

/* Read the agenda and check that it fills the session exactly. */
static int
parse_segments(struct parser *p, json_t *root)
{
	struct model_event *ev = &p->h->ef.event;
	char at[32], from[8], to[8];
	long long total = 0, expected;
	json_t *list, *v;
	size_t i;

	if (get_list(p, root, "", "segments", true, SEGMENTS_MAX, &list) < 0)
		return -1;
	ev->segments = xcalloc(json_array_size(list), sizeof *ev->segments);
	json_array_foreach(list, i, v) {
		snprintf(at, sizeof at, "segments[%zu]", i);
		ev->nsegments++;
		if (parse_segment(p, v, at, (int)i) < 0)
			return -1;
		total += ev->segments[i].minutes;
	}
	expected = (ev->end_wall_ms - ev->start_wall_ms) / 60000;
	if (total != expected) {
		timefmt_hm(ev->start_wall_ms, ev->utc_offset_min, from,
		    sizeof from);
		timefmt_hm(ev->end_wall_ms, ev->utc_offset_min, to, sizeof to);
		return fail(p, "segments", "the minutes add up to %lld, but "
		    "the session from %s to %s lasts %lld minutes; make them "
		    "add up to %lld", total, from, to, expected, expected);
	}
	return 0;
}

/* Parse an event file's text into a plan and its queued speakers. */
struct event_file *
event_parse(const char *text, size_t len, char **cause)
{
	static const char *const known[] = {
		"format", "id", "title", "date", "utc_offset", "start", "end",
		"languages", "defaults", "themes", "theme_examples",
		"segments", NULL
	};
	struct parser p = { NULL, cause };
	const char *json = text;
	size_t jsonlen = len;
	json_error_t jerr;
	json_t *root = NULL;

	if (cause != NULL)
		*cause = NULL;
	if (len > EVENT_FILE_MAX) {
		fail(&p, "", "the event file is %zu bytes; the largest "
		    "accepted is %d bytes (1 MiB): shorten it", len,
		    EVENT_FILE_MAX);
		return NULL;
	}
	/* Some editors start UTF-8 files with a byte order mark; skip it. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		json += 3;
		jsonlen -= 3;
	}
	root = json_loadb(json, jsonlen, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		fail(&p, "", "the event file is not valid JSON: line %d, "
		    "column %d: %s", jerr.line, jerr.column, jerr.text);
		return NULL;
	}

	p.h = xcalloc(1, sizeof *p.h);
	p.h->ef.text = xcalloc(len + 1, 1);
	memcpy(p.h->ef.text, text, len);
	if (!json_is_object(root)) {
		fail(&p, "", "the event file must hold one JSON object "
		    "{...}, not %s", type_name(root));
		goto fail;
	}
	if (check_fields(&p, root, "", "an event", known,
	    "format, id, title, date, utc_offset, start, end, languages, "
	    "defaults, themes, theme_examples, segments") < 0 ||
	    parse_header(&p, root) < 0 ||
	    parse_languages(&p, root) < 0 ||
	    parse_defaults(&p, root) < 0 ||
	    parse_themes(&p, root) < 0 ||
	    parse_example_names(&p, root) < 0 ||
	    parse_segments(&p, root) < 0)
		goto fail;
	json_decref(root);
	return &p.h->ef;

fail:
	json_decref(root);
	event_destroy(&p.h->ef);
	return NULL;
}

/*
 * Check one line of an example file and keep it as an example; on a
 * problem, a sentence saying what is wrong in it (for "FILE:LINE: ").
 */
static int
example_line(struct parser *p, const char *line, size_t len)
{
	static const char *const known[] = { "lang", "theme", "text", NULL };
	struct event_holder *h = p->h;
	struct model_event *ev = &h->ef.event;
	struct model_example *x;
	char q[QUOTE_MAX + 4], *list;
	const char *lang, *theme, *text;
	json_error_t jerr;
	json_t *o;
	size_t chars;
	int t, rc = -1;

	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL)
		return fail(p, "", "not valid JSON (column %d: %s); each line "
		    "holds one object {\"lang\", \"theme\", \"text\"}",
		    jerr.column, jerr.text);
	if (check_object(p, o, "") < 0 ||
	    check_fields(p, o, "", "an example", known,
	    "lang, theme, text") < 0 ||
	    get_text(p, o, "", "lang", true, MODEL_LANG_MAX + 32, &lang) < 0 ||
	    get_text(p, o, "", "theme", true, THEME_KEY_MAX + 32, &theme) < 0 ||
	    get_text(p, o, "", "text", true, (size_t)MODEL_TEXT_MAX_CHARS * 4,
	    &text) < 0)
		goto fail;
	if (find_language(ev, lang) == NULL) {
		unknown_language(p, "lang", lang);
		goto fail;
	}
	t = event_theme_index(ev, theme);
	if (t < 0) {
		list = theme_list(ev);
		fail(p, "theme", "'%s' is not a theme key of this event; the "
		    "keys are %s", quote(theme, q, sizeof q), list);
		free(list);
		goto fail;
	}
	/* jansson refuses \u0000 and invalid UTF-8 in a string. */
	/* Fewer bytes than the limit are fewer characters: no count. */
	chars = strlen(text) > MODEL_TEXT_MAX_CHARS ? text_length_utf8(text) : 0;
	if (chars > MODEL_TEXT_MAX_CHARS) {
		fail(p, "text", "too long (%zu characters); a question has at "
		    "most %d characters", chars, MODEL_TEXT_MAX_CHARS);
		goto fail;
	}
	if (h->nexamples == EXAMPLES_MAX) {
		fail(p, "", "more than %d examples in all; that is the limit: "
		    "list fewer files or shorten them", EXAMPLES_MAX);
		goto fail;
	}
	h->example_bytes += strlen(text);
	if (h->example_bytes > EXAMPLES_BYTES_MAX) {
		fail(p, "", "the examples hold more than %d bytes of text in "
		    "all; that is the limit: list fewer files",
		    EXAMPLES_BYTES_MAX);
		goto fail;
	}
	if (h->nexamples == h->examples_cap) {
		h->examples_cap = h->examples_cap == 0 ? 256 :
		    h->examples_cap * 2;
		h->examples = xreallocarray(h->examples, h->examples_cap,
		    sizeof *h->examples);
	}
	x = &h->examples[h->nexamples++];
	x->lang = find_language(ev, lang);
	x->theme = t;
	x->text = own(p, text);
	rc = 0;
fail:
	json_decref(o);
	return rc;
}

/*
 * Read examples from a stream, line by line; a problem is reported as
 * "NAME:LINE: what is wrong" in *cause.
 */
static int
example_stream(struct event_holder *h, FILE *f, const char *path,
    char **cause)
{
	struct parser p = { h, NULL };
	char *line = NULL, *why = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = -1;

	p.cause = &why;
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (blank(line))
			continue;
		if (len > EXAMPLE_LINE_MAX) {
			*cause = xasprintf("%s:%zu: the line is %zd bytes; the "
			    "limit is %d", path, lineno, len, EXAMPLE_LINE_MAX);
			goto fail;
		}
		if (example_line(&p, line, (size_t)len) < 0) {
			*cause = xasprintf("%s:%zu: %s", path, lineno, why);
			goto fail;
		}
	}
	if (ferror(f)) {
		*cause = xasprintf("cannot read the theme examples file %s: %s",
		    path, strerror(errno));
		goto fail;
	}
	rc = 0;
fail:
	free(why);
	free(line);
	return rc;
}

/* Read one example file (example_stream() says what is wrong where). */
static int
example_file(struct event_holder *h, const char *path, char **cause)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	int rc;

	if (f == NULL) {
		*cause = xasprintf("cannot open the theme examples file %s: "
		    "%s; check theme_examples in the event file", path,
		    strerror(errno));
		return -1;
	}
	/* Refused before reading: a line is read whole before its check. */
	if (fstat(fileno(f), &st) == 0 && st.st_size > 2 * EXAMPLES_BYTES_MAX) {
		*cause = xasprintf("%s: the file is larger than %d bytes, more "
		    "than the examples may hold in all; list a smaller file",
		    path, 2 * EXAMPLES_BYTES_MAX);
		fclose(f);
		return -1;
	}
	rc = example_stream(h, f, path, cause);
	fclose(f);
	return rc;
}

/*
 * Read the labelled example files an event file names, relative to the
 * event file's directory, and hand them to the event.
 */
static int
load_examples(struct event_file *ef, const char *event_path, char **cause)
{
	struct event_holder *h = (struct event_holder *)ef;
	const char *slash = strrchr(event_path, '/');
	char *why = NULL, *path;
	size_t i;
	int dirlen = slash == NULL ? 0 : (int)(slash - event_path + 1);

	for (i = 0; i < h->nexample_files; i++) {
		if (h->example_files[i][0] == '/')
			path = xasprintf("%s", h->example_files[i]);
		else
			path = xasprintf("%.*s%s", dirlen, event_path,
			    h->example_files[i]);
		if (example_file(h, path, &why) < 0) {
			if (cause != NULL)
				*cause = xasprintf("%s: theme_examples[%zu]: %s",
				    event_path, i, why);
			free(why);
			free(path);
			return -1;
		}
		free(path);
	}
	ef->event.examples = h->examples;
	ef->event.nexamples = h->nexamples;
	return 0;
}

/* The event's examples as JSON Lines, to be stored beside the event. */
char *
event_examples_text(const struct event_file *ef)
{
	const struct model_event *ev = &ef->event;
	size_t len = 0, cap = 0;
	char *out = NULL;

	for (size_t i = 0; i < ev->nexamples; i++) {
		const struct model_example *x = &ev->examples[i];
		json_t *o = json_pack("{s:s, s:s, s:s}", "lang", x->lang,
		    "theme", ev->themes[x->theme].key, "text", x->text);
		char *line = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
		size_t n;

		json_decref(o);
		if (line == NULL)
			out_of_memory();
		n = strlen(line);
		if (len + n + 2 > cap) {
			cap = (len + n + 2) * 2;
			out = xreallocarray(out, cap, 1);
		}
		memcpy(out + len, line, n);
		len += n;
		out[len++] = '\n';
		out[len] = '\0';
		free(line);
	}
	return out != NULL ? out : xasprintf("%s", "");
}

/* Give a parsed event the examples stored beside it. */
int
event_add_examples(struct event_file *ef, const char *text, char **cause)
{
	struct event_holder *h = (struct event_holder *)ef;
	FILE *f;
	int rc;

	if (ef->event.nthemes == 0) {
		*cause = xasprintf("the theme examples stored in the database "
		    "have no themes to belong to: the database is damaged; "
		    "run `podium verify` on it and start from a copy");
		return -1;
	}
	f = fmemopen((void *)text, strlen(text), "r");
	if (f == NULL) {
		*cause = xasprintf("cannot read the theme examples stored in "
		    "the database: %s; try again", strerror(errno));
		return -1;
	}
	rc = example_stream(h, f, "the theme examples stored in the database",
	    cause);
	fclose(f);
	if (rc != 0) {
		char *why = *cause;

		*cause = xasprintf("%s; the database is damaged: run `podium "
		    "verify` on it and start from a copy", why);
		free(why);
	}
	if (rc == 0) {
		ef->event.examples = h->examples;
		ef->event.nexamples = h->nexamples;
	}
	return rc;
}

/*
 * Read an event file from disk, refusing huge ones before reading them;
 * its example files too when examples is true.
 */
static struct event_file *
event_read(const char *path, bool examples, char **cause)
{
	struct event_file *ef = NULL;
	char *text = NULL, *why = NULL;
	size_t len = 0, n;
	FILE *f;

	if (cause != NULL)
		*cause = NULL;
	f = fopen(path, "rb");
	if (f == NULL) {
		if (cause != NULL)
			*cause = xasprintf("cannot open event file %s: %s; "
			    "check the path", path, strerror(errno));
		return NULL;
	}
	/* One byte more than the limit tells a too-big file from a full one. */
	text = xcalloc(EVENT_FILE_MAX + 1, 1);
	while (len < EVENT_FILE_MAX + 1) {
		n = fread(text + len, 1, EVENT_FILE_MAX + 1 - len, f);
		if (n == 0)
			break;
		len += n;
	}
	if (ferror(f)) {
		if (cause != NULL)
			*cause = xasprintf("cannot read event file %s: %s",
			    path, strerror(errno));
		goto fail;
	}
	if (len > EVENT_FILE_MAX) {
		if (cause != NULL)
			*cause = xasprintf("%s: the event file is larger than "
			    "%d bytes (1 MiB), the largest accepted: shorten "
			    "it", path, EVENT_FILE_MAX);
		goto fail;
	}
	ef = event_parse(text, len, &why);
	if (ef == NULL && cause != NULL)
		*cause = xasprintf("%s: %s", path, why);
	if (ef != NULL && examples && load_examples(ef, path, cause) < 0) {
		event_destroy(ef);
		ef = NULL;
	}

fail:
	free(why);
	free(text);
	fclose(f);
	return ef;
}

/* Read an event file and its example files. */
struct event_file *
event_load(const char *path, char **cause)
{
	return event_read(path, true, cause);
}

/* Read an event file alone, to compare it with a stored one. */
struct event_file *
event_load_text(const char *path, char **cause)
{
	return event_read(path, false, cause);
}

/* Free a parsed event file and every string it owns. */
void
event_destroy(struct event_file *ef)
{
	struct event_holder *h = (struct event_holder *)ef;
	struct model_event *ev;
	size_t i, j;

	if (ef == NULL)
		return;
	ev = &ef->event;
	for (i = 0; i < h->nstrings; i++)
		free(h->strings[i]);
	free(h->strings);
	for (i = 0; i < ev->nthemes; i++) {
		for (j = 0; j < ev->themes[i].nkeywords; j++)
			free(ev->themes[i].keywords[j].words);
		free(ev->themes[i].keywords);
	}
	free(ev->themes);
	free(ev->languages);
	free(ev->segments);
	free(ef->speakers);
	free(ef->text);
	free(h->example_files);
	free(h->examples);
	free(h);
}

/* Find a theme by key, as segments and questions name them. */
int
event_theme_index(const struct model_event *ev, const char *key)
{
	size_t i;

	if (ev == NULL || key == NULL)
		return -1;
	for (i = 0; i < ev->nthemes; i++)
		if (strcmp(ev->themes[i].key, key) == 0)
			return (int)i;
	return -1;
}
