/*
 * model.h -- podium's state model: the event plan, the agenda position, the
 * speaker queue with its countdowns, and the questions.
 *
 * Data flow: the model is never changed directly. Every change is a
 * struct model_action (built by the chair's command table, by intake, or
 * read back from the store's journal) handed to model_apply(), the single
 * entry point. An action carries the time it happened, so replaying the
 * journal onto a fresh model rebuilds the exact state; undo is "replay
 * without the undone rows". Queries take the time to compute at, so the
 * same model answers for the live monotonic clock and the simulated
 * rehearsal clock alike.
 *
 * No I/O here: no files, no sockets, no clock reads, no curses, no SQLite.
 */
#ifndef PODIUM_MODEL_H
#define PODIUM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A time that is not known (yet). */
#define MODEL_NO_TIME INT64_MIN

/* Seconds added or removed by the chair's + and - keys. */
#define MODEL_TIME_STEP_S 30

/* Limits on what one speaker entry may hold. */
#define MODEL_NAME_MAX 200   /* bytes of name / organisation */
#define MODEL_LANG_MAX 15    /* bytes of a language code */
#define MODEL_SECONDS_MAX (4 * 3600)
#define MODEL_TEXT_MAX_CHARS 4000 /* characters of a question */
#define MODEL_EXT_ID_MAX 200      /* bytes of a sender's id */

/*
 * One instant on both clocks: mono_ms drives countdowns and elapsed times
 * (it never jumps), wall_ms is Unix time in milliseconds for what is shown
 * and recorded as clock time. In rehearsal both are the simulated clock.
 */
struct model_time {
	int64_t mono_ms;
	int64_t wall_ms;
};

/* Keywords of one theme in one language. */
struct model_keywords {
	char lang[MODEL_LANG_MAX + 1];
	char **words;
	size_t nwords;
};

/* A theme questions are grouped by. */
struct model_theme {
	char *key;
	char *title;
	struct model_keywords *keywords;
	size_t nkeywords;
};

/*
 * A question labelled with its theme, from the example files an event
 * file names ("theme_examples"): what the theme classifier learns from.
 */
struct model_example {
	const char *lang;  /* one of the event's languages */
	int theme;         /* index into model_event.themes */
	const char *text;
};

/* One planned part of the session, as the event file describes it. */
struct model_segment_plan {
	char *title;
	char *lead;    /* who leads it, e.g. "European Union"; may be NULL */
	char *theme;   /* theme key of a discussion segment; may be NULL */
	int minutes;
};

/* The event as planned: everything the event file says. */
struct model_event {
	char *id;          /* short slug, names the default database */
	char *title;
	char *date;        /* YYYY-MM-DD */
	int utc_offset_min; /* e.g. +60 for GMT+1 */
	int64_t start_wall_ms;
	int64_t end_wall_ms;
	char **languages;
	size_t nlanguages;
	int warning_s;     /* default amber threshold, seconds left */
	int danger_s;      /* default red threshold, seconds left */
	int speaker_s;     /* default allotted time of a floor request */
	struct model_theme *themes;
	size_t nthemes;
	struct model_segment_plan *segments;
	size_t nsegments;
	const struct model_example *examples; /* for the classifier; may be none */
	size_t nexamples;
};

enum model_speaker_status {
	MODEL_SPEAKER_QUEUED,
	MODEL_SPEAKER_CURRENT,
	MODEL_SPEAKER_DONE,
	MODEL_SPEAKER_WITHDRAWN,
};

/* Stages of a countdown, in the order they are reached. */
enum model_stage {
	MODEL_STAGE_IDLE,     /* never started */
	MODEL_STAGE_NORMAL,
	MODEL_STAGE_WARNING,
	MODEL_STAGE_DANGER,
	MODEL_STAGE_OVERTIME,
};

/* One entry of the speaker queue and its countdown. */
struct model_speaker {
	int64_t id;        /* journal sequence number of the row that added it */
	int segment;       /* index into model.segments */
	char *name;
	char *org;
	char *lang;
	int allotted_s;
	int warning_s;
	int danger_s;
	enum model_speaker_status status;
	int64_t added_ms;      /* time added (or removed) by the chair */
	int64_t spent_ms;      /* time spoken before the current run */
	int64_t running_since; /* mono ms when the current run began, or MODEL_NO_TIME */
	int64_t start_wall;    /* first start, or MODEL_NO_TIME */
	int64_t end_wall;      /* when done, or MODEL_NO_TIME */
};

/* A segment of the agenda with what actually happened. */
struct model_segment {
	const struct model_segment_plan *plan;
	int64_t planned_start; /* wall ms */
	int64_t planned_end;   /* wall ms */
	int64_t actual_start;  /* wall ms, or MODEL_NO_TIME */
	int64_t actual_end;    /* wall ms, or MODEL_NO_TIME */
	int64_t start_mono;    /* mono ms of actual_start, or MODEL_NO_TIME */
	int64_t end_mono;
};

enum model_question_status {
	MODEL_QUESTION_NEW,
	MODEL_QUESTION_APPROVED,
	MODEL_QUESTION_ON_AIR,
	MODEL_QUESTION_ANSWERED,
	MODEL_QUESTION_DISMISSED,
};

/* An audience question. */
struct model_question {
	int64_t id;
	/* Owned, or borrowed when the model borrows strings (model.borrowed). */
	const char *ext_id;
	const char *text;
	const char *from;
	const char *org;
	const char *country;
	const char *lang;
	const char *theme;       /* always an event theme's key */
	bool theme_auto;
	enum model_question_status status;
	int votes;
	int64_t received_wall;
	int64_t on_air_wall;   /* when put on air (last time), or MODEL_NO_TIME */
	int64_t answered_wall; /* when marked answered, or MODEL_NO_TIME */
};

/* Question changes remembered by a model (model.question_log). */
#define MODEL_QUESTION_LOG 256

/*
 * One question change remembered, so that a view ordering the questions
 * can follow a few changes one by one instead of rebuilding its order.
 */
struct model_question_change {
	uint64_t version; /* questions_version right after the change */
	int64_t id;       /* the question added or changed */
};

/* The whole state of a session. */
struct model {
	const struct model_event *event; /* borrowed; outlives the model */
	struct model_segment *segments;  /* event->nsegments entries */
	int current_segment;             /* -1 before the start, nsegments after the end */
	struct model_speaker *speakers;  /* ordered by segment, then queue order */
	size_t nspeakers;
	size_t speakers_cap;
	struct model_question *questions; /* in arrival order, so by id */
	size_t nquestions;
	size_t questions_cap;
	uint64_t questions_version;      /* bumped on every question change */
	/* The last question changes; the one that made version v is at
	 * v % MODEL_QUESTION_LOG. */
	struct model_question_change question_log[MODEL_QUESTION_LOG];
	int64_t last_wall;               /* time of the last applied action */
	/*
	 * Question strings point into the actions applied instead of being
	 * copied: set by an owner whose actions outlive the model (a
	 * session's journal), halving the memory of 100,000 questions.
	 */
	bool borrowed;
};

enum model_action_type {
	MODEL_ACTION_SPEAKER_ADD,
	MODEL_ACTION_TOGGLE,
	MODEL_ACTION_NEXT_SPEAKER,
	MODEL_ACTION_ADD_TIME,
	MODEL_ACTION_SEGMENT_NEXT,
	MODEL_ACTION_SEGMENT_PREV,
	MODEL_ACTION_SPEAKER_MOVE,
	MODEL_ACTION_SPEAKER_WITHDRAW,
	MODEL_ACTION_QUESTION_ADD,
	MODEL_ACTION_QUESTION_STATUS,
	MODEL_ACTION_QUESTION_THEME,
	MODEL_ACTION_QUESTION_VOTE,
	MODEL_ACTION_COUNT
};

/* Arguments of a speaker entry, for MODEL_ACTION_SPEAKER_ADD. */
struct model_speaker_args {
	const char *name;
	const char *org;
	const char *lang;
	int seconds;  /* 0: the event default */
	int segment;  /* -1: the current segment (the first before the start) */
	int warning_s; /* 0: the event default */
	int danger_s;  /* 0: the event default */
};

/* Arguments of a question, for MODEL_ACTION_QUESTION_ADD. */
struct model_question_args {
	const char *ext_id;   /* sender's id, or NULL */
	const char *text;
	const char *from;
	const char *org;
	const char *country;
	const char *lang;
	const char *theme;    /* a theme key of the event; also for QUESTION_THEME */
	bool theme_auto;      /* suggested by podium, not given by a person */
};

/* One change to the state, as journaled. Strings are borrowed. */
struct model_action {
	enum model_action_type type;
	int64_t seq;           /* journal sequence number; ids of new entities */
	struct model_time at;  /* when it happened */
	/* Which member holds depends on the type: a session keeps 100,000. */
	union {
		struct model_speaker_args speaker;    /* SPEAKER_ADD */
		struct model_question_args question;  /* QUESTION_ADD */
		struct {                              /* every other type */
			int64_t target;  /* speaker or question id it is about */
			int delta;       /* seconds for ADD_TIME, -1/+1 for MOVE */
			enum model_question_status status; /* QUESTION_STATUS */
			const char *theme;                 /* QUESTION_THEME */
		};
	};
};

/* What the action table knows of each action type. */
struct model_action_info {
	enum model_action_type type;
	const char *name;  /* stable name used in the journal */
	bool chair;        /* a chair action (undoable with u) */
};

/* Describe an action type. */
const struct model_action_info *model_action_info(enum model_action_type type);

/* Find an action type by its journal name; -1 if unknown. */
int model_action_by_name(const char *name);

/* Create an empty model of an event (no segment started, no speakers). */
struct model *model_create(const struct model_event *event);

/* Free a model; NULL is accepted. */
void model_destroy(struct model *m);

/*
 * Apply one action. On refusal nothing changes, false is returned and err
 * holds a sentence for the chair.
 */
bool model_apply(struct model *m, const struct model_action *a, char *err,
    size_t errsz);

/* The current segment, or NULL before the start and after the end. */
const struct model_segment *model_segment_current(const struct model *m);

/* A question by id, or NULL (binary search: ids grow with arrival). */
const struct model_question *model_question_find(const struct model *m,
    int64_t id);

/* The question on air, or NULL. */
const struct model_question *model_question_on_air(const struct model *m);

/* Question status by journal name; -1 if unknown. */
int model_question_status_by_name(const char *name);

/* The current speaker, or NULL. */
const struct model_speaker *model_speaker_current(const struct model *m);

/* A speaker by id, or NULL. */
const struct model_speaker *model_speaker_find(const struct model *m,
    int64_t id);

/*
 * The speakers of one segment in display order: the current one, the queued
 * ones in queue order, then the done and withdrawn ones in the order they
 * finished. Writes up to max ids and returns how many there are.
 */
size_t model_segment_speakers(const struct model *m, int segment,
    int64_t *ids, size_t max);

/* Milliseconds a speaker has spoken by mono time now. */
int64_t model_speaker_spoken_ms(const struct model_speaker *s, int64_t now);

/* Milliseconds left to a speaker at mono time now; negative in overtime. */
int64_t model_speaker_remaining_ms(const struct model_speaker *s, int64_t now);

/* The countdown stage of a speaker at mono time now. */
enum model_stage model_speaker_stage(const struct model_speaker *s,
    int64_t now);

/* Whether a speaker's countdown is running. */
bool model_speaker_running(const struct model_speaker *s);

/*
 * Format a countdown as a person reads it: "m:ss" rounded up while time
 * remains (never 0:00 while any remains), "+m:ss" counting up in overtime;
 * hours appear past 59:59. Returns buf.
 */
char *model_format_countdown(int64_t remaining_ms, char *buf, size_t bufsz);

/*
 * Milliseconds of countdown time until the displayed value of
 * model_format_countdown() changes next; always in 1..1000.
 */
int64_t model_countdown_next_change_ms(int64_t remaining_ms);

/* Wall ms at which the session is projected to end. */
int64_t model_projected_end(const struct model *m, struct model_time now);

/* Projected end minus planned end, in ms: positive is late, negative early. */
int64_t model_offset_ms(const struct model *m, struct model_time now);

/* Fraction 0..1 of the current segment's planned time used (may exceed 1). */
double model_segment_progress(const struct model *m, struct model_time now);

/* Journal name of a speaker status ("queued", "current", ...). */
const char *model_speaker_status_name(enum model_speaker_status status);

/* Journal name of a question status ("new", "approved", ...). */
const char *model_question_status_name(enum model_question_status status);

#endif /* PODIUM_MODEL_H */
