/*
 * test-event.c -- the event file: the shipped sample parses into the plan
 * the product promises (11 segments, 13:30-15:30 at +01:00, the seven
 * themes, speakers that fit their segments), small files exercise every
 * default and rule that is not visible in the sample, and a table of
 * broken files checks each is refused with a message naming the place.
 *
 * Event texts in this file are written with single quotes for
 * readability; json() turns them into JSON's double quotes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"

/* 2020-12-04T12:30:00Z: 13:30 at +01:00. */
#define SAMPLE_START 1607085000000LL

/* Pieces of a small valid event, replaced one at a time by the cases. */
#define FORMAT "'format':'podium-event/1',"
#define ID "'id':'t-1',"
#define TITLE "'title':'Test event',"
#define DATE "'date':'2020-12-04',"
#define OFFSET "'utc_offset':'+01:00',"
#define START "'start':'13:30',"
#define END "'end':'14:00',"
#define LANGS "'languages':['en','fr'],"
#define THEMES "'themes':[{'key':'funding','title':'Funding'," \
	"'keywords':{'en':['fund','donor'],'fr':['financ']}}," \
	"{'key':'other','title':'Other'}],"
#define SEG0 "{'title':'Opening','lead':'Chair','minutes':10," \
	"'speakers':[{'name':'A','lang':'en'}]}"
#define SEG1 "{'title':'Funding','minutes':20,'theme':'funding'," \
	"'speakers':[{'name':'B','org':'O','lang':'fr','seconds':120}," \
	"{'name':'C','lang':'en','seconds':90,'warning_s':30,'danger_s':5}]}"
#define SEGS "'segments':[" SEG0 "," SEG1 "]"
#define HEAD "{" FORMAT ID TITLE DATE OFFSET START END LANGS
#define VALID HEAD THEMES SEGS "}"

/* A copy of text with every ' turned into " (free it). */
static char *
json(const char *text)
{
	char *s = strdup(text), *p;

	assert_non_null(s);
	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

/* Parse single-quoted event text; the cause, if any, goes to *cause. */
static struct event_file *
parse(const char *text, char **cause)
{
	char *t = json(text);
	struct event_file *ef = event_parse(t, strlen(t), cause);

	free(t);
	return ef;
}

/* Assert that text is refused with a message containing fragment. */
static void
assert_refused(const char *text, size_t len, const char *fragment)
{
	char *cause = NULL;
	struct event_file *ef = event_parse(text, len, &cause);

	if (ef != NULL) {
		event_destroy(ef);
		fail_msg("accepted, expected \"%s\"", fragment);
	}
	assert_non_null(cause);
	if (strstr(cause, fragment) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", cause, fragment);
	free(cause);
}

/* Assert that single-quoted event text is refused with fragment. */
static void
assert_refused_json(const char *text, const char *fragment)
{
	char *t = json(text);

	assert_refused(t, strlen(t), fragment);
	free(t);
}

/* The path of the shipped sample (free it). */
static char *
sample_path(void)
{
	const char *dir = getenv("PODIUM_SAMPLE_DIR");
	char *path;

	if (dir == NULL)
		dir = "sample-data";
	assert_true(asprintf(&path, "%s/sample-event.json", dir) > 0);
	return path;
}

/* Load the shipped sample, failing the test with the cause if it does not. */
static struct event_file *
load_sample(void)
{
	char *path = sample_path(), *cause = NULL;
	struct event_file *ef = event_load(path, &cause);

	if (ef == NULL)
		fail_msg("%s", cause);
	assert_null(cause);
	free(path);
	return ef;
}

/* The sample is the 4 December 2020 event, 13:30-15:30 GMT+1. */
static void
test_sample_header(void **state)
{
	static const char *const langs[] = { "ar", "en", "es", "fr", "sgn" };
	struct event_file *ef = load_sample();
	const struct model_event *ev = &ef->event;
	size_t i;

	(void)state;
	assert_string_equal(ev->id, "va-financing-2020-12-04");
	assert_non_null(strstr(ev->title, "Financing Victim Assistance"));
	assert_string_equal(ev->date, "2020-12-04");
	assert_int_equal(ev->utc_offset_min, 60);
	assert_int_equal(ev->start_wall_ms, SAMPLE_START);
	assert_int_equal(ev->end_wall_ms, SAMPLE_START + 2 * 3600 * 1000LL);
	assert_int_equal(ev->nlanguages, 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(ev->languages[i], langs[i]);
	assert_int_equal(ev->speaker_s, 180);
	assert_int_equal(ev->warning_s, 60);
	assert_int_equal(ev->danger_s, 15);
	event_destroy(ef);
}

/* The sample's text is kept exactly as read, for the database. */
static void
test_sample_text_kept(void **state)
{
	struct event_file *ef = load_sample();
	char *path = sample_path(), *buf;
	FILE *f = fopen(path, "rb");
	long size;

	(void)state;
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	rewind(f);
	buf = calloc((size_t)size + 1, 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	assert_string_equal(ef->text, buf);
	free(buf);
	free(path);
	event_destroy(ef);
}

/* The sample's themes are exactly the seven of SPEC section 5, in order. */
static void
test_sample_themes(void **state)
{
	static const char *const keys[] = {
		"funding", "first-steps", "innovation", "rights", "inclusion",
		"regional", "other",
	};
	static const char *const kwlangs[] = { "en", "fr", "es", "ar" };
	struct event_file *ef = load_sample();
	const struct model_event *ev = &ef->event;
	const struct model_theme *th;
	size_t i, j, k;

	(void)state;
	assert_int_equal(ev->nthemes, 7);
	for (i = 0; i < 7; i++) {
		th = &ev->themes[i];
		assert_string_equal(th->key, keys[i]);
		assert_true(strlen(th->title) > 0);
		assert_int_equal(event_theme_index(ev, keys[i]), (int)i);
		/* Keywords in each spoken language, enough to classify by. */
		assert_int_equal(th->nkeywords, 4);
		for (j = 0; j < 4; j++) {
			assert_string_equal(th->keywords[j].lang, kwlangs[j]);
			assert_in_range(th->keywords[j].nwords, 15, 80);
			for (k = 0; k < th->keywords[j].nwords; k++)
				assert_true(strlen(th->keywords[j].words[k]) > 0);
		}
	}
	assert_int_equal(event_theme_index(ev, "Funding"), -1);
	assert_int_equal(event_theme_index(ev, "nope"), -1);
	assert_int_equal(event_theme_index(ev, NULL), -1);
	event_destroy(ef);
}

/* Seconds a speaker of the sample is allotted, the default filled in. */
static int
allotted(const struct event_file *ef, const struct model_speaker_args *a)
{
	return a->seconds != 0 ? a->seconds : ef->event.speaker_s;
}

/* The agenda: openings, six discussions in question order, conclusions. */
static void
test_sample_segments(void **state)
{
	static const char *const themes[] = {
		NULL, NULL, NULL, "funding", "first-steps", "innovation",
		"rights", "inclusion", "regional", NULL, NULL,
	};
	struct event_file *ef = load_sample();
	const struct model_event *ev = &ef->event;
	int minutes = 0;
	size_t i;

	(void)state;
	assert_int_equal(ev->nsegments, 11);
	for (i = 0; i < ev->nsegments; i++) {
		minutes += ev->segments[i].minutes;
		assert_non_null(ev->segments[i].title);
		if (themes[i] == NULL)
			assert_null(ev->segments[i].theme);
		else
			assert_string_equal(ev->segments[i].theme, themes[i]);
	}
	assert_int_equal(minutes, 120);
	assert_non_null(strstr(ev->segments[0].lead, "European Union"));
	assert_non_null(strstr(ev->segments[1].lead, "Netherlands"));
	assert_non_null(strstr(ev->segments[2].lead, "Thailand"));
	assert_non_null(strstr(ev->segments[9].lead, "Colombia"));
	event_destroy(ef);
}

/* Every segment's queue fits its minutes; discussions have 4-5 voices. */
static void
test_sample_speakers(void **state)
{
	struct event_file *ef = load_sample();
	const struct model_event *ev = &ef->event;
	const struct model_speaker_args *a;
	int seconds[11] = { 0 }, count[11] = { 0 };
	bool ar = false, en = false, es = false, fr = false;
	int last = 0;
	size_t i, j;

	(void)state;
	for (i = 0; i < ef->nspeakers; i++) {
		a = &ef->speakers[i];
		assert_in_range(a->segment, last, 10);
		last = a->segment;
		assert_true(strlen(a->name) > 0);
		assert_non_null(a->org);
		/* The language is the event's own string. */
		for (j = 0; j < ev->nlanguages; j++)
			if (a->lang == ev->languages[j])
				break;
		assert_true(j < ev->nlanguages);
		ar |= strcmp(a->lang, "ar") == 0;
		en |= strcmp(a->lang, "en") == 0;
		es |= strcmp(a->lang, "es") == 0;
		fr |= strcmp(a->lang, "fr") == 0;
		seconds[a->segment] += allotted(ef, a);
		count[a->segment]++;
	}
	assert_true(ar && en && es && fr);
	for (i = 0; i < 11; i++) {
		if (seconds[i] > ev->segments[i].minutes * 60)
			fail_msg("segment %zu: %d s of speakers in %d minutes",
			    i, seconds[i], ev->segments[i].minutes);
		if (i >= 3 && i <= 8) {
			assert_in_range(count[i], 4, 5);
			for (j = 0; j < ef->nspeakers; j++)
				if (ef->speakers[j].segment == (int)i)
					assert_in_range(allotted(ef,
					    &ef->speakers[j]), 120, 240);
		}
	}
	assert_int_equal(count[0], 1);
	assert_int_equal(count[1], 1);
	assert_int_equal(count[2], 1);
	assert_int_equal(count[9], 1);
	for (j = 0; j < ef->nspeakers; j++)
		if (ef->speakers[j].segment == 9)
			assert_string_equal(ef->speakers[j].org, "Colombia");
	event_destroy(ef);
}

/* The small event parses with its defaults and optional fields. */
static void
test_small_event(void **state)
{
	char *cause = NULL;
	struct event_file *ef = parse(VALID, &cause);
	const struct model_event *ev;
	const struct model_speaker_args *a;

	(void)state;
	if (ef == NULL)
		fail_msg("%s", cause);
	ev = &ef->event;
	assert_int_equal(ev->start_wall_ms, SAMPLE_START);
	assert_int_equal(ev->end_wall_ms, SAMPLE_START + 30 * 60000LL);
	/* No defaults object: the built-in ones. */
	assert_int_equal(ev->speaker_s, 180);
	assert_int_equal(ev->warning_s, 60);
	assert_int_equal(ev->danger_s, 15);
	assert_int_equal(ev->nthemes, 2);
	assert_int_equal(ev->themes[0].nkeywords, 2);
	assert_string_equal(ev->themes[0].keywords[0].lang, "en");
	assert_int_equal(ev->themes[0].keywords[0].nwords, 2);
	assert_string_equal(ev->themes[0].keywords[0].words[1], "donor");
	assert_int_equal(ev->themes[1].nkeywords, 0);
	assert_string_equal(ev->segments[0].lead, "Chair");
	assert_null(ev->segments[1].lead);
	assert_null(ev->segments[0].theme);
	assert_string_equal(ev->segments[1].theme, "funding");

	assert_int_equal(ef->nspeakers, 3);
	a = &ef->speakers[0];
	assert_string_equal(a->name, "A");
	assert_string_equal(a->org, "");
	assert_int_equal(a->segment, 0);
	/* 0 means "the event default". */
	assert_int_equal(a->seconds, 0);
	assert_int_equal(a->warning_s, 0);
	assert_int_equal(a->danger_s, 0);
	a = &ef->speakers[1];
	assert_string_equal(a->org, "O");
	assert_string_equal(a->lang, "fr");
	assert_int_equal(a->segment, 1);
	assert_int_equal(a->seconds, 120);
	a = &ef->speakers[2];
	assert_int_equal(a->warning_s, 30);
	assert_int_equal(a->danger_s, 5);
	event_destroy(ef);
}

/* Optional things may be left out or null; codes match in any case. */
static void
test_optional_and_case(void **state)
{
	char *cause = NULL;
	struct event_file *ef = parse(HEAD
	    "'defaults':{'speaker_s':120,'danger_s':0},'themes':null,"
	    "'segments':[{'title':'All','minutes':30,'lead':null,"
	    "'speakers':[{'name':'A','lang':'EN','org':null}]}]}", &cause);

	(void)state;
	if (ef == NULL)
		fail_msg("%s", cause);
	assert_int_equal(ef->event.speaker_s, 120);
	assert_int_equal(ef->event.warning_s, 60);
	assert_int_equal(ef->event.danger_s, 0);
	assert_int_equal(ef->event.nthemes, 0);
	assert_null(ef->event.segments[0].lead);
	assert_ptr_equal(ef->speakers[0].lang, ef->event.languages[0]);
	assert_string_equal(ef->speakers[0].org, "");
	event_destroy(ef);
}

/* A session past midnight ends on the next day; other offsets work. */
static void
test_midnight_and_offsets(void **state)
{
	char *cause = NULL;
	struct event_file *ef = parse("{" FORMAT ID TITLE DATE
	    "'utc_offset':'-03:30','start':'23:30','end':'00:30'," LANGS
	    "'segments':[{'title':'Late','minutes':60}]}", &cause);

	(void)state;
	if (ef == NULL)
		fail_msg("%s", cause);
	assert_int_equal(ef->event.utc_offset_min, -210);
	/* 2020-12-04 23:30 at -03:30 is 2020-12-05 03:00 UTC. */
	assert_int_equal(ef->event.start_wall_ms, 1607137200000LL);
	assert_int_equal(ef->event.end_wall_ms, 1607137200000LL + 3600000);
	assert_int_equal(ef->nspeakers, 0);
	event_destroy(ef);

	ef = parse("{" FORMAT ID TITLE DATE "'utc_offset':'Z',"
	    START END LANGS "'segments':[{'title':'All','minutes':30}]}",
	    &cause);
	if (ef == NULL)
		fail_msg("%s", cause);
	assert_int_equal(ef->event.utc_offset_min, 0);
	assert_int_equal(ef->event.start_wall_ms, SAMPLE_START + 3600000);
	event_destroy(ef);
}

/* A byte order mark from a Windows editor is skipped but kept in text. */
static void
test_bom(void **state)
{
	char *body = json(VALID), *text;
	struct event_file *ef;
	char *cause = NULL;

	(void)state;
	assert_true(asprintf(&text, "\xef\xbb\xbf%s", body) > 0);
	ef = event_parse(text, strlen(text), &cause);
	if (ef == NULL)
		fail_msg("%s", cause);
	assert_string_equal(ef->text, text);
	event_destroy(ef);
	free(text);
	free(body);
}

/* One broken event and a fragment of the message that must refuse it. */
struct broken {
	const char *text;
	const char *fragment;
};

static const struct broken broken[] = {
	/* The agenda must fill the session exactly. */
	{ HEAD THEMES "'segments':[" SEG0 ",{'title':'F','minutes':15}]}",
	  "segments: the minutes add up to 25, but the session from 13:30 "
	  "to 14:00 lasts 30 minutes; make them add up to 30" },
	{ HEAD THEMES "'segments':[" SEG0 ",{'title':'F','minutes':25}]}",
	  "the minutes add up to 35" },
	/* Times and offsets. */
	{ "{" FORMAT ID TITLE DATE "'utc_offset':'+1:00'," START END LANGS
	  SEGS "}", "utc_offset: '+1:00' is not a UTC offset" },
	{ "{" FORMAT ID TITLE DATE "'utc_offset':'GMT+1'," START END LANGS
	  SEGS "}", "utc_offset: 'GMT+1' is not a UTC offset" },
	{ "{" FORMAT ID TITLE DATE "'utc_offset':60," START END LANGS
	  SEGS "}", "utc_offset: must be a string, not a whole number" },
	{ "{" FORMAT ID TITLE "'date':'2020-02-30'," OFFSET START END LANGS
	  SEGS "}", "date: '2020-02-30' is not a date YYYY-MM-DD" },
	{ "{" FORMAT ID TITLE "'date':'04/12/2020'," OFFSET START END LANGS
	  SEGS "}", "date: '04/12/2020' is not a date" },
	{ "{" FORMAT ID TITLE DATE OFFSET "'start':'1:30'," END LANGS
	  SEGS "}", "start: '1:30' is not a time HH:MM" },
	{ "{" FORMAT ID TITLE DATE OFFSET "'start':'13:30:00'," END LANGS
	  SEGS "}", "start: '13:30:00' is not a time HH:MM" },
	{ "{" FORMAT ID TITLE DATE OFFSET START "'end':'24:00'," LANGS
	  SEGS "}", "end: '24:00' is not a time" },
	{ "{" FORMAT ID TITLE DATE OFFSET START "'end':'13:30'," LANGS
	  SEGS "}", "end: the session ends when it starts (13:30)" },
	/* Languages. */
	{ HEAD THEMES "'segments':[" SEG0 ",{'title':'F','minutes':20,"
	  "'speakers':[{'name':'B','lang':'fr'},{'name':'C','lang':'xx'}]}]}",
	  "segments[1].speakers[1].lang: 'xx' is not one of the event's "
	  "languages en, fr" },
	{ "{" FORMAT ID TITLE DATE OFFSET START END
	  "'languages':['en','fr','EN']," SEGS "}",
	  "languages[2]: 'EN' is listed twice" },
	{ "{" FORMAT ID TITLE DATE OFFSET START END "'languages':[]," SEGS "}",
	  "languages: must not be empty" },
	{ "{" FORMAT ID TITLE DATE OFFSET START END "'languages':['e n'],"
	  SEGS "}", "languages[0]: 'e n' is not a language code" },
	{ "{" FORMAT ID TITLE DATE OFFSET START END "'languages':'en',"
	  SEGS "}", "languages: must be a list [...], not a string" },
	{ HEAD "'themes':[{'key':'funding','title':'F','keywords':"
	  "{'de':['geld']}}]," SEGS "}",
	  "themes[0].keywords.de: 'de' is not one of the event's languages "
	  "en, fr" },
	{ HEAD "'themes':[{'key':'funding','title':'F','keywords':"
	  "{'en':['a'],'EN':['b']}}]," SEGS "}",
	  "themes[0].keywords.EN: the keywords of en are given twice" },
	{ HEAD "'themes':[{'key':'funding','title':'F','keywords':"
	  "{'en':['fund',' ']}}]," SEGS "}",
	  "themes[0].keywords.en[1]: must not be empty" },
	{ HEAD "'themes':[{'key':'funding','title':'F','keywords':"
	  "{'en':'fund'}}]," SEGS "}",
	  "themes[0].keywords.en: must be a list of words, not a string" },
	{ HEAD "'themes':[{'key':'funding','title':'F','keywords':{'en':["
	  "'0123456789012345678901234567890123456789012345678901234567890123"
	  "4567890123456789012345678901234567890']}}]," SEGS "}",
	  "themes[0].keywords.en[0]: too long (101 bytes); the limit is 100" },
	/* Themes. */
	{ HEAD THEMES "'segments':[" SEG0 ",{'title':'F','minutes':20,"
	  "'theme':'fundin'}]}",
	  "segments[1].theme: 'fundin' is not a theme key of this event; "
	  "the keys are funding, other" },
	{ HEAD "'segments':[" SEG0 ",{'title':'F','minutes':20,"
	  "'theme':'funding'}]}",
	  "segments[1].theme: 'funding' is not a theme of this event, which "
	  "has no themes" },
	{ HEAD "'themes':[{'key':'funding','title':'A'},{'key':'rights',"
	  "'title':'B'},{'key':'funding','title':'C'}]," SEGS "}",
	  "themes[2].key: 'funding' is already the key of themes[0]" },
	{ HEAD "'themes':[{'key':'Funding','title':'A'}]," SEGS "}",
	  "themes[0].key: 'Funding' is not a key of lower-case letters" },
	{ HEAD "'themes':[{'key':'funding'}]," SEGS "}",
	  "themes[0].title: missing; it is required" },
	{ HEAD "'themes':[{'key':'funding','title':'A','words':[]}],"
	  SEGS "}",
	  "themes[0].words: unknown field; a theme has key, title, keywords" },
	{ HEAD "'themes':['funding']," SEGS "}",
	  "themes[0]: must be an object {...}, not a string" },
	/* Countdown thresholds. */
	{ HEAD "'defaults':{'warning_s':15,'danger_s':15}," SEGS "}",
	  "defaults: warning_s (15) must be greater than danger_s (15)" },
	{ HEAD "'defaults':{'warning_s':10}," SEGS "}",
	  "defaults: warning_s (10) must be greater than danger_s (15)" },
	{ HEAD "'segments':[{'title':'All','minutes':30,'speakers':["
	  "{'name':'A','lang':'en','warning_s':10}]}]}",
	  "segments[0].speakers[0]: warning_s (10) must be greater than "
	  "danger_s (15, the event default)" },
	{ HEAD "'segments':[{'title':'All','minutes':30,'speakers':["
	  "{'name':'A','lang':'en','warning_s':20,'danger_s':20}]}]}",
	  "warning_s (20) must be greater than danger_s (20)" },
	{ HEAD "'segments':[{'title':'All','minutes':30,'speakers':["
	  "{'name':'A','lang':'en','danger_s':0}]}]}",
	  "segments[0].speakers[0].danger_s: 0 is out of range; it must be "
	  "from 1 to 14400" },
	{ HEAD "'defaults':{'speaker_s':0}," SEGS "}",
	  "defaults.speaker_s: 0 is out of range" },
	{ HEAD "'defaults':{'speaker':180}," SEGS "}",
	  "defaults.speaker: unknown field" },
	{ HEAD "'defaults':[]," SEGS "}",
	  "defaults: must be an object {...}, not a list" },
	/* Speakers. */
	{ HEAD "'segments':[{'title':'All','minutes':30,'speakers':["
	  "{'name':'A','lang':'en','seconds':0}]}]}",
	  "segments[0].speakers[0].seconds: 0 is out of range; it must be "
	  "from 1 to 14400" },
	{ HEAD "'segments':[{'title':'All','minutes':30,'speakers':["
	  "{'name':'A','lang':'en','seconds':14401}]}]}",
	  "seconds: 14401 is out of range" },
	{ HEAD "'segments':[{'title':'All','minutes':30,'speakers':["
	  "{'name':'A','lang':'en','seconds':'3:00'}]}]}",
	  "seconds: must be a whole number from 1 to 14400, not a string" },
	{ HEAD "'segments':[{'title':'All','minutes':30,'speakers':["
	  "{'name':'  ','lang':'en'}]}]}",
	  "segments[0].speakers[0].name: must not be empty" },
	{ HEAD "'segments':[{'title':'All','minutes':30,'speakers':["
	  "{'lang':'en'}]}]}",
	  "segments[0].speakers[0].name: missing; it is required" },
	{ HEAD "'segments':[{'title':'All','minutes':30,'speakers':["
	  "{'name':'A'}]}]}",
	  "segments[0].speakers[0].lang: missing; it is required" },
	{ HEAD "'segments':[{'title':'All','minutes':30,'speakers':["
	  "{'name':'A','lang':'en','language':'en'}]}]}",
	  "segments[0].speakers[0].language: unknown field; a speaker has "
	  "name, org, lang, seconds, warning_s, danger_s" },
	{ HEAD "'segments':[{'title':'All','minutes':30,'speakers':"
	  "{'name':'A','lang':'en'}}]}",
	  "segments[0].speakers: must be a list [...], not an object" },
	/* Segments. */
	{ HEAD "'segments':[]}", "segments: must not be empty" },
	{ "{" FORMAT ID TITLE DATE OFFSET START END "'languages':['en']}",
	  "segments: missing; it is required" },
	{ HEAD "'segments':[{'title':'All','minutes':'30'}]}",
	  "segments[0].minutes: must be a whole number from 1 to 1440, not "
	  "a string" },
	{ HEAD "'segments':[{'title':'All','minutes':29.5}]}",
	  "segments[0].minutes: must be a whole number from 1 to 1440, not "
	  "a fractional number" },
	{ HEAD "'segments':[{'title':'All','minutes':0},"
	  "{'title':'B','minutes':30}]}",
	  "segments[0].minutes: 0 is out of range" },
	{ HEAD "'segments':[{'minutes':30}]}",
	  "segments[0].title: missing; it is required" },
	{ HEAD "'segments':[{'title':'All','minutes':30,'lead':''}]}",
	  "segments[0].lead: must not be empty" },
	{ HEAD "'segments':[{'title':'All','minutes':30,'speaker':[]}]}",
	  "segments[0].speaker: unknown field; a segment has title, lead, "
	  "minutes, theme, speakers" },
	/* The top level. */
	{ "{" ID TITLE DATE OFFSET START END LANGS SEGS "}",
	  "format: missing; it is required" },
	{ "{'format':'podium-event/2'," ID TITLE DATE OFFSET START END LANGS
	  SEGS "}", "format: 'podium-event/2' is not a format this podium "
	  "reads; write \"podium-event/1\"" },
	{ "{" FORMAT "'id':'VA Financing'," TITLE DATE OFFSET START END LANGS
	  SEGS "}", "id: 'VA Financing' is not a short name" },
	{ "{" FORMAT "'id':'-x'," TITLE DATE OFFSET START END LANGS
	  SEGS "}", "id: '-x' is not a short name" },
	{ "{" FORMAT "'id':'a123456789a123456789a123456789a123456789"
	  "a123456789a123456789a1234'," TITLE DATE OFFSET START END LANGS SEGS "}",
	  "id: too long (65 bytes); the limit is 64 bytes" },
	{ "{" FORMAT ID "'title':''," DATE OFFSET START END LANGS SEGS "}",
	  "title: must not be empty" },
	{ HEAD SEGS ",'venue':'online'}",
	  "venue: unknown field; an event has format, id, title" },
	{ "['not','an','object']", "must hold one JSON object {...}, not a list" },
	/* Not JSON at all. */
	{ "{\n'format': 'podium-event/1',\n'id': 'x'\n'title': 'T'}",
	  "the event file is not valid JSON: line 4, column" },
	{ HEAD SEGS ",'id':'again'}", "duplicate object key" },
	{ "", "not valid JSON: line 1" },
	{ "{'format':'podium-event/1','title':'caf\xe9'}",
	  "not valid JSON: line 1" },
};

/* Each broken event is refused with the message that says why. */
static void
test_broken(void **state)
{
	struct event_file *ef;
	char *cause = NULL;
	size_t i;

	(void)state;
	/* The pieces the cases break are themselves fine. */
	ef = parse(VALID, &cause);
	if (ef == NULL)
		fail_msg("%s", cause);
	event_destroy(ef);

	for (i = 0; i < sizeof broken / sizeof broken[0]; i++) {
		char *t = json(broken[i].text);

		print_message("case %zu: %s\n", i, broken[i].fragment);
		assert_refused(t, strlen(t), broken[i].fragment);
		free(t);
	}
}

/* A file over the limit is refused before JSON is even looked at. */
static void
test_too_large(void **state)
{
	char *text = malloc(EVENT_FILE_MAX + 1);
	char *path = strdup("/tmp/podium-test-event-XXXXXX");
	char *cause = NULL;
	int fd;

	(void)state;
	assert_non_null(text);
	memset(text, ' ', EVENT_FILE_MAX + 1);
	assert_refused(text, EVENT_FILE_MAX + 1, "the event file is 1048577 "
	    "bytes; the largest accepted is 1048576 bytes");

	/* The same from disk, where the size is learnt by reading. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, EVENT_FILE_MAX + 1),
	    EVENT_FILE_MAX + 1);
	close(fd);
	assert_null(event_load(path, &cause));
	assert_non_null(strstr(cause, "larger than 1048576 bytes"));
	assert_non_null(strstr(cause, path));
	free(cause);
	unlink(path);
	free(path);
	free(text);
}

/* Text (or a name, an organisation) over the limit is refused. */
static void
test_text_limits(void **state)
{
	char big[MODEL_NAME_MAX + 2], *text, *t;
	char *cause = NULL;
	struct event_file *ef;

	(void)state;
	memset(big, 'n', MODEL_NAME_MAX);
	big[MODEL_NAME_MAX] = '\0';
	/* Exactly the limit is fine. */
	assert_true(asprintf(&text, HEAD "'segments':[{'title':'All',"
	    "'minutes':30,'speakers':[{'name':'%s','org':'%s','lang':'en'}]}"
	    "]}", big, big) > 0);
	ef = parse(text, &cause);
	if (ef == NULL)
		fail_msg("%s", cause);
	assert_int_equal(strlen(ef->speakers[0].name), MODEL_NAME_MAX);
	event_destroy(ef);
	free(text);

	big[MODEL_NAME_MAX] = 'n';
	big[MODEL_NAME_MAX + 1] = '\0';
	assert_true(asprintf(&text, HEAD "'segments':[{'title':'All',"
	    "'minutes':30,'speakers':[{'name':'A','org':'%s','lang':'en'}]}"
	    "]}", big) > 0);
	t = json(text);
	assert_refused(t, strlen(t), "segments[0].speakers[0].org: too "
	    "long (201 bytes); the limit is 200 bytes");
	free(t);
	free(text);
}

/* Append printf-style text to a growing string. */
static void
append(char **s, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char *piece;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&piece, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	*s = realloc(*s, *len + (size_t)n + 1);
	assert_non_null(*s);
	memcpy(*s + *len, piece, (size_t)n + 1);
	*len += (size_t)n;
	free(piece);
}

/* An event of nseg one-minute segments with per speakers each (free it). */
static char *
many(int nseg, int per)
{
	char *s = NULL;
	size_t len = 0;
	int i, j;

	append(&s, &len, "{" FORMAT ID TITLE DATE OFFSET
	    "'start':'08:00','end':'%02d:%02d'," LANGS "'segments':[",
	    8 + nseg / 60, nseg % 60);
	for (i = 0; i < nseg; i++) {
		append(&s, &len, "%s{'title':'S%d','minutes':1,'speakers':[",
		    i > 0 ? "," : "", i);
		for (j = 0; j < per; j++)
			append(&s, &len, "%s{'name':'P%d','lang':'en'}",
			    j > 0 ? "," : "", j);
		append(&s, &len, "]}");
	}
	append(&s, &len, "]}");
	return s;
}

/* At most 200 segments and 5000 speakers; exactly those limits pass. */
static void
test_counts(void **state)
{
	struct event_file *ef;
	char *text, *t, *cause = NULL;

	(void)state;
	text = many(200, 25);
	ef = parse(text, &cause);
	if (ef == NULL)
		fail_msg("%s", cause);
	assert_int_equal(ef->event.nsegments, 200);
	assert_int_equal(ef->nspeakers, 5000);
	assert_int_equal(ef->speakers[4999].segment, 199);
	event_destroy(ef);
	free(text);

	text = many(201, 0);
	t = json(text);
	assert_refused(t, strlen(t), "segments: has 201 entries; the limit "
	    "is 200");
	free(t);
	free(text);

	text = many(200, 26);
	t = json(text);
	assert_refused(t, strlen(t), "segments[192].speakers[8]: the event has "
	    "more than 5000 speakers");
	free(t);
	free(text);
}

/* Loading names the file in its messages. */
static void
test_load_errors(void **state)
{
	char path[] = "/tmp/podium-test-event-XXXXXX";
	char *cause = NULL, *t;
	int fd;

	(void)state;
	assert_null(event_load("/nonexistent/event.json", &cause));
	assert_non_null(strstr(cause, "cannot open event file "
	    "/nonexistent/event.json: No such file or directory"));
	free(cause);
	cause = NULL;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	t = json(HEAD "'segments':[{'title':'All','minutes':31}]}");
	assert_int_equal(write(fd, t, strlen(t)), (ssize_t)strlen(t));
	close(fd);
	assert_null(event_load(path, &cause));
	assert_non_null(cause);
	assert_true(strncmp(cause, path, strlen(path)) == 0);
	assert_non_null(strstr(cause, ": segments: the minutes add up to 31"));
	free(cause);
	free(t);
	unlink(path);

	/* A parse failure without a place for the cause does not crash. */
	t = json("{");
	assert_null(event_parse(t, strlen(t), NULL));
	free(t);
	event_destroy(NULL);
}

/* A directory made for one test, and the files written in it. */
struct scratch {
	char dir[64];
	char paths[8][128];
	int npaths;
};

/* Write text (single quotes become double) to a file of the scratch dir. */
static const char *
scratch_write(struct scratch *sc, const char *name, const char *text)
{
	char *path = sc->paths[sc->npaths++], *t = json(text), buf[128];
	FILE *f;

	snprintf(buf, sizeof buf, "%s/%s", sc->dir, name);
	memcpy(path, buf, sizeof buf);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(t, 1, strlen(t), f), strlen(t));
	fclose(f);
	free(t);
	return path;
}

/* Remove the files and the directory of a scratch. */
static void
scratch_remove(struct scratch *sc)
{
	int i;

	for (i = 0; i < sc->npaths; i++)
		unlink(sc->paths[i]);
	rmdir(sc->dir);
	sc->npaths = 0;
}

/* An event naming two example files, as the cases below vary them. */
#define EXAMPLES_EVENT HEAD THEMES \
	"'theme_examples':['ex1.jsonl','ex2.jsonl']," SEGS "}"

/*
 * Load EXAMPLES_EVENT with the two example files given, expecting it
 * refused with a message holding fragment (NULL: expecting it loaded,
 * which is returned).
 */
static struct event_file *
load_examples(const char *ex1, const char *ex2, const char *fragment)
{
	struct scratch sc = { "/tmp/podium-test-examples-XXXXXX", {{0}}, 0 };
	struct event_file *ef;
	const char *event;
	char *cause = NULL;

	assert_non_null(mkdtemp(sc.dir));
	event = scratch_write(&sc, "event.json", EXAMPLES_EVENT);
	if (ex1 != NULL)
		scratch_write(&sc, "ex1.jsonl", ex1);
	if (ex2 != NULL)
		scratch_write(&sc, "ex2.jsonl", ex2);
	ef = event_load(event, &cause);
	if (fragment == NULL) {
		if (ef == NULL)
			fail_msg("refused: %s", cause);
	} else {
		if (ef != NULL)
			fail_msg("accepted, expected \"%s\"", fragment);
		if (strstr(cause, fragment) == NULL)
			fail_msg("message \"%s\" lacks \"%s\"", cause, fragment);
		free(cause);
	}
	scratch_remove(&sc);
	return ef;
}

/*
 * Labelled examples named by the event file are read relative to it, in
 * order, their languages spelt as the event spells them, their themes as
 * indexes; an event parsed from text alone checks the names only.
 */
static void
test_examples(void **state)
{
	struct event_file *ef;
	const struct model_event *ev;
	char *cause = NULL, *text;

	(void)state;
	ef = load_examples("{'lang':'EN','theme':'funding','text':'Who pays "
	    "the rent next year?'}\n\n  \n{'theme':'other','lang':'fr',"
	    "'text':'Le lien ne marche pas'}\n",
	    "{'lang':'en','theme':'other','text':'Is this recorded?'}", NULL);
	ev = &ef->event;
	assert_int_equal(ev->nexamples, 3);
	assert_ptr_equal(ev->examples[0].lang, ev->languages[0]);
	assert_int_equal(ev->examples[0].theme, 0);
	assert_string_equal(ev->examples[0].text, "Who pays the rent next year?");
	assert_string_equal(ev->examples[1].lang, "fr");
	assert_int_equal(ev->examples[1].theme, 1);
	assert_string_equal(ev->examples[2].text, "Is this recorded?");

	/*
	 * Stored beside the event and given back to the event parsed from
	 * its text alone (a session opened again): the same examples.
	 */
	text = event_examples_text(ef);
	event_destroy(ef);
	ef = parse(EXAMPLES_EVENT, &cause);
	assert_non_null(ef);
	assert_int_equal(ef->event.nexamples, 0);
	assert_int_equal(event_add_examples(ef, text, &cause), 0);
	ev = &ef->event;
	assert_int_equal(ev->nexamples, 3);
	assert_ptr_equal(ev->examples[0].lang, ev->languages[0]);
	assert_int_equal(ev->examples[1].theme, 1);
	assert_string_equal(ev->examples[1].text, "Le lien ne marche pas");
	assert_string_equal(ev->examples[2].text, "Is this recorded?");
	free(text);
	text = event_examples_text(ef);
	event_destroy(ef);
	/* Damaged stored examples are refused, saying where. */
	ef = parse(EXAMPLES_EVENT, &cause);
	assert_int_equal(event_add_examples(ef, "{\"lang\":\"en\"}\n",
	    &cause), -1);
	assert_non_null(strstr(cause, "the theme examples stored in the "
	    "database:1: theme: missing"));
	free(cause);
	cause = NULL;
	event_destroy(ef);
	/* An event without examples stores none. */
	ef = parse(VALID, &cause);
	free(text);
	text = event_examples_text(ef);
	assert_string_equal(text, "");
	free(text);
	event_destroy(ef);

	/* Without the file's directory nothing is read. */
	ef = parse(EXAMPLES_EVENT, &cause);
	assert_non_null(ef);
	assert_int_equal(ef->event.nexamples, 0);
	event_destroy(ef);

	/* The sample names its examples; an event without the field has none. */
	ef = load_sample();
	assert_true(ef->event.nexamples >= 900);
	event_destroy(ef);
	ef = parse(VALID, &cause);
	assert_non_null(ef);
	assert_int_equal(ef->event.nexamples, 0);
	assert_null(ef->event.examples);
	event_destroy(ef);
}

/* Example files with a problem are refused, naming the file and line. */
static void
test_examples_broken(void **state)
{
	static const struct {
		const char *ex2;
		const char *fragment;
	} cases[] = {
		{ "{'lang':'en','theme':'other','text':'ok'}\n"
		  "{'lang':'en','theme':'fundin','text':'Money?'}",
		  "ex2.jsonl:2: theme: 'fundin' is not a theme key of this "
		  "event; the keys are funding, other" },
		{ "\n{'lang':'de','theme':'other','text':'Hallo'}",
		  "ex2.jsonl:2: lang: 'de' is not one of the event's languages "
		  "en, fr" },
		{ "{'lang':'en','theme':'other','text':'ok','label':'x'}",
		  "ex2.jsonl:1: label: unknown field; an example has lang, "
		  "theme, text" },
		{ "{'lang':'en','theme':'other'}",
		  "ex2.jsonl:1: text: missing; it is required" },
		{ "{'lang':'en','theme':'other','text':'  '}",
		  "ex2.jsonl:1: text: must not be empty" },
		{ "{'lang':'en','theme':'other','text':7}",
		  "ex2.jsonl:1: text: must be a string, not a whole number" },
		{ "['en','other','text']",
		  "ex2.jsonl:1: must be an object {...}, not a list" },
		{ "{'lang':'en','theme':'other','text':'a'} {",
		  "ex2.jsonl:1: not valid JSON" },
		{ "{'lang':'en','theme':'other','text':'a\\u0000b'}",
		  "ex2.jsonl:1: not valid JSON (column 46: \\u0000 is not "
		  "allowed" },
	};
	char *big, *line, *many, *p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		load_examples("", cases[i].ex2, cases[i].fragment);
	/* The second file is named in the message, after the event's path. */
	load_examples("", "x", "theme_examples[1]: /tmp/podium-test-examples-");
	load_examples("{'lang':'en','theme':'other','text':'ok'}", NULL,
	    "cannot open the theme examples file /tmp/podium-test-examples-");

	/* 4000 characters are a question; 4001 are not. */
	big = malloc(MODEL_TEXT_MAX_CHARS * 2 + 64);
	line = malloc(MODEL_TEXT_MAX_CHARS * 2 + 128);
	assert_non_null(big);
	assert_non_null(line);
	for (i = 0; i < MODEL_TEXT_MAX_CHARS; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);     /* é: 2 bytes each */
	big[2 * MODEL_TEXT_MAX_CHARS] = '\0';
	snprintf(line, MODEL_TEXT_MAX_CHARS * 2 + 128,
	    "{'lang':'fr','theme':'other','text':'%s'}", big);
	event_destroy(load_examples("", line, NULL));
	snprintf(line, MODEL_TEXT_MAX_CHARS * 2 + 128,
	    "{'lang':'fr','theme':'other','text':'%se'}", big);
	load_examples("", line, "ex2.jsonl:1: text: too long (4001 "
	    "characters)");
	free(big);
	free(line);

	/* At most 20,000 examples in all the files. */
	many = malloc(20001 * 48 + 1);
	assert_non_null(many);
	for (i = 0, p = many; i < 20001; i++)
		p += sprintf(p, "{'lang':'en','theme':'other','text':'q%zu'}\n",
		    i);
	load_examples("", many, "ex2.jsonl:20001: more than 20000 examples "
	    "in all");
	free(many);

	/* The names themselves are checked with the event. */
	assert_refused_json(HEAD THEMES "'theme_examples':'ex.jsonl'," SEGS "}",
	    "theme_examples: must be a list [...], not a string");
	assert_refused_json(HEAD THEMES "'theme_examples':[3]," SEGS "}",
	    "theme_examples[0]: must be a file name, not a whole number");
	assert_refused_json(HEAD THEMES "'theme_examples':['a','b','a'],"
	    SEGS "}", "theme_examples[2]: 'a' is listed twice");
	assert_refused_json(HEAD THEMES "'theme_examples':['']," SEGS "}",
	    "theme_examples[0]: must not be empty");
	assert_refused_json(HEAD THEMES "'theme_examples':['1','2','3','4',"
	    "'5','6','7','8','9','10','11','12','13','14','15','16','17'],"
	    SEGS "}", "theme_examples: has 17 entries; the limit is 16");
	assert_refused_json(HEAD "'theme_examples':['a']," SEGS "}",
	    "theme_examples: the event has no themes to learn");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_header),
		cmocka_unit_test(test_sample_text_kept),
		cmocka_unit_test(test_sample_themes),
		cmocka_unit_test(test_sample_segments),
		cmocka_unit_test(test_sample_speakers),
		cmocka_unit_test(test_small_event),
		cmocka_unit_test(test_optional_and_case),
		cmocka_unit_test(test_midnight_and_offsets),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_text_limits),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_examples_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
