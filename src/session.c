/*
 * session.c -- a session database in use: open or create, replay, act,
 * undo, and keep the clock that every reader of the database agrees on.
 *
 * Clock parameters live in the store's meta table. A live session anchors
 * the monotonic clock once per boot (meta clock.boot_id/clock.offset_ms).
 * A rehearsal persists its simulated clock (clock.base_ms, clock.anchor_ms,
 * clock.speed, clock.paused): while a chair runs, any reader on the same
 * boot computes the same simulated time; a clean quit pauses it, and the
 * next `podium rehearse` resumes from there. After a crash the simulated
 * clock has kept running, as a live clock would have.
 */
#include "session.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "text.h"

/* Abort when memory runs out. */
static void *
session_xalloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	if (q == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	return q;
}

/* Format a cause string (malloc'd). */
static char *
session_cause(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

/* This boot's identity, so monotonic readings are only trusted within it. */
static void
session_boot_id(char *buf, size_t bufsz)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	snprintf(buf, bufsz, "unknown");
	if (f == NULL)
		return;
	if (fgets(buf, (int)bufsz, f) != NULL)
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* A meta value as int64, or def when unset or malformed. */
static int64_t
session_meta_int(struct store *st, const char *key, int64_t def)
{
	char *v = store_meta_get(st, key);
	char *end;
	long long n;

	if (v == NULL)
		return def;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0')
		n = def;
	free(v);
	return n;
}

/* Persist the clock parameters so every reader computes the same time. */
static int
session_save_clock(struct session *s, char **cause)
{
	char boot[64], a[32], b[32], c[32], d[32];
	const char *keys[6], *vals[6];
	size_t n = 0;

	session_boot_id(boot, sizeof boot);
	keys[n] = "clock.boot_id";
	vals[n++] = boot;
	if (s->clock.simulated) {
		snprintf(a, sizeof a, "%" PRId64, s->clock.base_ms);
		snprintf(b, sizeof b, "%" PRId64, s->clock.anchor_ms);
		snprintf(c, sizeof c, "%.17g", s->clock.speed);
		snprintf(d, sizeof d, "%d", s->clock.paused ? 1 : 0);
		keys[n] = "clock.base_ms";
		vals[n++] = a;
		keys[n] = "clock.anchor_ms";
		vals[n++] = b;
		keys[n] = "clock.speed";
		vals[n++] = c;
		keys[n] = "clock.paused";
		vals[n++] = d;
	} else {
		snprintf(a, sizeof a, "%" PRId64, s->clock.offset_ms);
		keys[n] = "clock.offset_ms";
		vals[n++] = a;
	}
	return store_meta_set(s->store, keys, vals, n, cause);
}

/*
 * Set up the clock from the stored parameters: the writer re-anchors and
 * saves, a reader only computes.
 */
static int
session_setup_clock(struct session *s, double speed, char **cause)
{
	char boot[64];
	char *stored = store_meta_get(s->store, "clock.boot_id");
	bool same_boot;
	int64_t raw_mono = clock_raw_mono(), raw_wall = clock_raw_wall();
	char *v;

	session_boot_id(boot, sizeof boot);
	same_boot = stored != NULL && strcmp(stored, boot) == 0;
	free(stored);

	if (!s->rehearsal) {
		clock_init_live(&s->clock, raw_mono, raw_wall);
		if (same_boot)
			s->clock.offset_ms = session_meta_int(s->store,
			    "clock.offset_ms", s->clock.offset_ms);
		else if (s->writable)
			return session_save_clock(s, cause);
		return 0;
	}

	clock_init_simulated(&s->clock, s->event->event.start_wall_ms,
	    speed, raw_mono);
	v = store_meta_get(s->store, "clock.speed");
	if (v != NULL) {
		s->clock.speed = strtod(v, NULL);
		if (!(s->clock.speed > 0))
			s->clock.speed = 1.0;
		free(v);
		s->clock.base_ms = session_meta_int(s->store, "clock.base_ms",
		    s->clock.base_ms);
		s->clock.anchor_ms = session_meta_int(s->store,
		    "clock.anchor_ms", raw_mono);
		s->clock.paused = session_meta_int(s->store, "clock.paused", 0);
		if (!same_boot) {
			/* The anchor was on another boot: resume from the base. */
			s->clock.anchor_ms = raw_mono;
			s->clock.paused = true;
		}
	} else if (!s->writable) {
		s->clock.paused = true;
	}
	if (s->writable) {
		clock_reanchor(&s->clock, raw_mono, speed, false);
		return session_save_clock(s, cause);
	}
	return 0;
}

/* Append a record to the in-memory journal. */
static struct action_record *
session_journal_push(struct session *s)
{
	if (s->njournal == s->journal_cap) {
		s->journal_cap = s->journal_cap ? s->journal_cap * 2 : 256;
		s->journal = session_xalloc(s->journal,
		    s->journal_cap * sizeof *s->journal);
	}
	return &s->journal[s->njournal++];
}

/* Rebuild the model by replaying every journal row not undone. */
static void
session_rebuild(struct session *s)
{
	/* Views cache by version: it must keep rising across rebuilds. */
	uint64_t version = s->model != NULL ? s->model->questions_version + 1 : 0;

	model_destroy(s->model);
	s->model = model_create(&s->event->event);
	s->model->borrowed = true;  /* the journal outlives the model */
	s->model->questions_version = version;
	s->replay_refused = 0;
	for (size_t i = 0; i < s->njournal; i++) {
		if (s->journal[i].undone)
			continue;
		if (!model_apply(s->model, &s->journal[i].action, NULL, 0))
			s->replay_refused++;
	}
}

/* Journal loading state for store_journal_foreach. */
struct session_load {
	struct session *s;
	char *cause;
};

/* Decode one stored row into the in-memory journal. */
static int
session_load_row(const struct store_row *row, void *arg)
{
	struct session_load *l = arg;
	struct action_record *r = session_journal_push(l->s);

	if (action_codec_decode(row, r, l->s->slab, &l->cause) != 0) {
		l->s->njournal--;
		return -1;
	}
	if (row->seq > l->s->last_seq)
		l->s->last_seq = row->seq;
	return 0;
}

/* Build the journal rows that seed a new database from its event file. */
static int
session_create(struct session *s, const char *event_path, char **cause)
{
	struct store_row *rows;
	char **args;
	size_t n = s->event->nspeakers, nrows = 0;
	struct model_time start = { 0, s->event->event.start_wall_ms };
	int rc;

	(void)event_path;
	rows = session_xalloc(NULL, (n + 1) * sizeof *rows);
	args = session_xalloc(NULL, (n + 1) * sizeof *args);
	for (size_t i = 0; i < n; i++) {
		struct model_action a;

		memset(&a, 0, sizeof a);
		a.type = MODEL_ACTION_SPEAKER_ADD;
		a.seq = (int64_t)i + 1;
		a.at = start;
		a.speaker = s->event->speakers[i];
		args[nrows] = action_codec_encode(&a);
		rows[nrows] = (struct store_row){ a.seq,
		    model_action_info(a.type)->name, args[nrows], 0,
		    start.wall_ms, "event", NULL, false };
		nrows++;
	}
	if (s->rehearsal) {
		/* A rehearsal starts with the first segment current. */
		struct model_time t = clock_now(&s->clock);
		struct model_action a;

		memset(&a, 0, sizeof a);
		a.type = MODEL_ACTION_SEGMENT_NEXT;
		args[nrows] = action_codec_encode(&a);
		rows[nrows] = (struct store_row){ (int64_t)nrows + 1,
		    model_action_info(a.type)->name, args[nrows], t.mono_ms,
		    t.wall_ms, "rehearse", NULL, false };
		nrows++;
	}
	rc = store_create_event(s->store, s->event->text, rows, nrows, cause);
	for (size_t i = 0; i < nrows; i++)
		free(args[i]);
	free(args);
	free(rows);
	return rc;
}

int
session_open(struct session **out, const struct session_options *o,
    char **cause)
{
	struct session *s = session_xalloc(NULL, sizeof *s);
	struct session_load load = { s, NULL };
	char *text = NULL, *mode = NULL, *examples = NULL;

	memset(s, 0, sizeof *s);
	s->slab = action_codec_slab_create();
	s->db_path = strdup(o->db_path);
	s->writable = o->writable;
	if (s->db_path == NULL)
		abort();
	if (store_open(&s->store, o->db_path,
	    o->writable ? STORE_READ_WRITE_LOADING : STORE_READ_ONLY,
	    cause) != 0)
		goto fail;

	if (store_is_empty(s->store)) {
		if (!o->writable || o->event_path == NULL) {
			*cause = session_cause("%s holds no session yet; start "
			    "the chair console on it first", o->db_path);
			goto fail;
		}
		s->event = event_load(o->event_path, cause);
		if (s->event == NULL)
			goto fail;
		s->rehearsal = o->rehearsal;
		s->created = true;
		/* The clock must exist before the rehearsal's first row. */
		clock_init_simulated(&s->clock, s->event->event.start_wall_ms,
		    o->speed, clock_raw_mono());
		/*
		 * The mode goes first: until the event is stored the database
		 * counts as empty, so a crash in between is redone from scratch.
		 */
		/*
		 * The examples the classifier learns from go with them: the
		 * event names files that may be gone when the session is
		 * opened again.
		 */
		examples = event_examples_text(s->event);
		if (store_meta_set(s->store,
		    (const char *[]){ "mode", "theme_examples" },
		    (const char *[]){ s->rehearsal ? "rehearsal" : "live",
		    examples }, 2, cause) != 0)
			goto fail;
		if (session_create(s, o->event_path, cause) != 0)
			goto fail;
	} else {
		text = store_event_json(s->store, cause);
		if (text == NULL)
			goto fail;
		s->event = event_parse(text, strlen(text), cause);
		if (s->event == NULL)
			goto fail;
		/* Only a writer classifies: readers never need the examples. */
		examples = o->writable ?
		    store_meta_get(s->store, "theme_examples") : NULL;
		if (examples != NULL && examples[0] != '\0' &&
		    event_add_examples(s->event, examples, cause) != 0)
			goto fail;
		mode = store_meta_get(s->store, "mode");
		s->rehearsal = mode != NULL && strcmp(mode, "rehearsal") == 0;
		if (o->writable && s->rehearsal != o->rehearsal) {
			*cause = session_cause(s->rehearsal ?
			    "%s is a rehearsal database; rehearse on it with "
			    "`podium rehearse --db %s`, or give the chair another --db" :
			    "%s holds a live session; rehearse on another --db "
			    "(or none: rehearsal uses a scratch database) instead of %s",
			    o->db_path, o->db_path);
			goto fail;
		}
		if (o->event_path != NULL) {
			struct event_file *given = event_load_text(
			    o->event_path, cause);

			if (given == NULL)
				goto fail;
			s->event_differs = strcmp(given->text, text) != 0;
			event_destroy(given);
		}
	}

	if (store_journal_foreach(s->store, session_load_row, &load, cause) != 0) {
		if (load.cause != NULL)
			*cause = load.cause;
		goto fail;
	}
	/* The file's integrity check ran beside the loading: nothing is
	 * written (the clock's meta, then actions) before it said ok. */
	if (store_check_finish(s->store, cause) != 0)
		goto fail;
	if (session_setup_clock(s, o->speed > 0 ? o->speed : 1.0, cause) != 0)
		goto fail;
	session_rebuild(s);
	if ((s->event_text = strdup(s->event->text)) == NULL)
		abort();
	/* Decoding left the heap full of small holes: give them back. */
	malloc_trim(0);
	free(text);
	free(examples);
	free(mode);
	*out = s;
	return 0;

fail:
	free(text);
	free(examples);
	free(mode);
	s->writable = false; /* nothing to save on the way out */
	session_close(s);
	return -1;
}

void
session_close(struct session *s)
{
	char *cause = NULL;

	if (s == NULL)
		return;
	if (s->writable && s->rehearsal && s->store != NULL) {
		clock_reanchor(&s->clock, clock_raw_mono(), s->clock.speed, true);
		if (session_save_clock(s, &cause) != 0) {
			fprintf(stderr, "podium: warning: %s\n", cause);
			free(cause);
		}
	}
	for (size_t i = 0; i < s->njournal; i++)
		action_codec_finish(&s->journal[i]);
	free(s->journal);
	action_codec_slab_destroy(s->slab);
	model_destroy(s->model);
	event_destroy(s->event);
	store_close(s->store);
	free(s->event_text);
	free(s->db_path);
	free(s);
}

struct model_time
session_now(const struct session *s)
{
	return clock_now(&s->clock);
}

/* Remember why a write failed: changes are refused until one works. */
static void
session_save_failed(struct session *s, const char *cause, enum store_fault f)
{
	snprintf(s->save_error, sizeof s->save_error, "%s", cause);
	s->save_fault = f;
}

/*
 * After a failed write: whether the disk takes a (small) write again. If
 * it does, the refusal is lifted; if it fails another way, say that.
 */
static bool
session_probe(struct session *s)
{
	char *cause = NULL;
	enum store_fault f;

	if (store_probe(s->store, &cause) == 0) {
		s->save_error[0] = '\0';
		return true;
	}
	f = store_fault(s->store);
	if (f != s->save_fault)
		session_save_failed(s, cause, f);
	free(cause);
	return false;
}

bool
session_maintain(struct session *s)
{
	char *cause = NULL;
	bool changed;

	if (!s->writable || s->store == NULL || s->pending != NULL)
		return false;
	if (store_check_log(s->store, &cause) != 0) {
		changed = strcmp(cause, s->save_error) != 0;
		session_save_failed(s, cause, store_fault(s->store));
		free(cause);
		return changed;
	}
	return s->save_error[0] != '\0' && session_probe(s);
}

/* The id a successful item reports: the new entity's, or the one voted for. */
static int64_t
session_item_id(const struct model_action *a)
{
	switch (a->type) {
	case MODEL_ACTION_QUESTION_STATUS:
	case MODEL_ACTION_QUESTION_THEME:
	case MODEL_ACTION_QUESTION_VOTE:
	case MODEL_ACTION_SPEAKER_MOVE:
	case MODEL_ACTION_SPEAKER_WITHDRAW:
		return a->target;
	default:
		return a->seq;
	}
}

/*
 * A batch applied to the model whose rows are not committed yet. The
 * records are the rows decoded, kept out of the session's journal until
 * the commit returns (so the journal only ever holds what is stored);
 * the model borrows their strings meanwhile. Rows point into the records
 * and args only, so the commit needs nothing else of the caller's.
 */
struct session_pending {
	struct store *store;
	struct store_row *rows;
	char **args;
	bool *borrowed;          /* args[i] is the caller's item's */
	struct action_record *records; /* records[i] is rows[i] decoded */
	size_t nrows;
	struct session_item *items;
	size_t nitems;
	int64_t first_seq;       /* the session's last seq before the batch */
	size_t *group_of;        /* item -> its ext_id's group, or SIZE_MAX */
	size_t *primary;         /* group -> first accepted item, or SIZE_MAX */
	int rc;                  /* what the commit returned */
	char *cause;             /* why the commit failed */
	enum store_fault fault;  /* its kind */
};

/* Whether every string an action carries is valid UTF-8. */
static bool
session_action_utf8(const struct model_action *a)
{
	const char *strs[7] = { NULL };

	if (a->type == MODEL_ACTION_SPEAKER_ADD) {
		strs[0] = a->speaker.name;
		strs[1] = a->speaker.org;
		strs[2] = a->speaker.lang;
	} else if (a->type == MODEL_ACTION_QUESTION_THEME) {
		strs[0] = a->theme;
	} else if (a->type == MODEL_ACTION_QUESTION_ADD) {
		const struct model_question_args *q = &a->question;
		const char *qs[7] = { q->ext_id, q->text, q->from, q->org,
			q->country, q->lang, q->theme };

		memcpy(strs, qs, sizeof strs);
	}
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		if (strs[i] != NULL && !text_valid_utf8(strs[i], strlen(strs[i])))
			return false;
	}
	return true;
}

/* Order item indices by ext_id, then by position (for qsort_r). */
static int
session_ext_cmp(const void *x, const void *y, void *arg)
{
	const struct session_item *items = arg;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = strcmp(items[i].ext_id, items[j].ext_id);

	if (c != 0)
		return c;
	return i < j ? -1 : i > j;
}

/*
 * Group the batch's items by ext_id (sorting, O(n log n)), so a retry
 * within the same batch finds the first accepted item with its id.
 */
static void
session_batch_groups(struct session_pending *b, struct session_item *items,
    size_t n)
{
	size_t *idx = session_xalloc(NULL, n * sizeof *idx);
	size_t m = 0, groups = 0;

	b->group_of = session_xalloc(NULL, n * sizeof *b->group_of);
	b->primary = session_xalloc(NULL, n * sizeof *b->primary);
	for (size_t i = 0; i < n; i++) {
		b->group_of[i] = b->primary[i] = SIZE_MAX;
		if (items[i].ext_id != NULL)
			idx[m++] = i;
	}
	qsort_r(idx, m, sizeof *idx, session_ext_cmp, items);
	for (size_t k = 0; k < m; k++) {
		if (k > 0 && strcmp(items[idx[k]].ext_id,
		    items[idx[k - 1]].ext_id) != 0)
			groups++;
		b->group_of[idx[k]] = groups;
	}
	free(idx);
}

/*
 * Apply one item to the model and prepare its row; true if accepted.
 * An item whose ext_id is already stored (or earlier in the batch) is
 * accepted without a new row and reports the stored id.
 */
static bool
session_batch_item(struct session *s, struct session_pending *b,
    struct session_item *it, size_t index, const char *origin)
{
	struct model_action *a = &it->action;
	struct action_record *r;
	int64_t seq;
	size_t g = b->group_of[index];

	if (it->ext_id != NULL) {
		seq = store_find_ext_id(s->store, it->ext_id);
		if (seq > 0) {
			it->ok = true;
			it->id = seq;
			it->duplicate = true;
			return true;
		}
		if (g != SIZE_MAX && b->primary[g] != SIZE_MAX) {
			struct session_item *first = &b->items[b->primary[g]];

			it->ok = first->ok;
			it->id = first->id;
			it->duplicate = true;
			snprintf(it->err, sizeof it->err, "%s", first->err);
			return it->ok;
		}
	}
	if (!session_action_utf8(a)) {
		snprintf(it->err, sizeof it->err, "text is not valid UTF-8");
		return false;
	}
	a->seq = s->last_seq + 1;
	a->at = session_now(s);
	/*
	 * The model borrows the strings it keeps: apply the record's own
	 * copy, which goes to the journal once stored and is dropped if the
	 * model refuses it or the commit fails.
	 */
	r = &b->records[b->nrows];
	action_codec_copy(a, origin, it->ext_id, r);
	if (!model_apply(s->model, &r->action, it->err, sizeof it->err)) {
		action_codec_finish(r);
		return false;
	}
	/* Journal the segment a speaker landed in, not "the current one". */
	if (a->type == MODEL_ACTION_SPEAKER_ADD)
		a->speaker.segment = r->action.speaker.segment =
		    model_speaker_find(s->model, a->seq)->segment;
	b->borrowed[b->nrows] = it->args != NULL &&
	    a->type != MODEL_ACTION_SPEAKER_ADD;
	b->args[b->nrows] = b->borrowed[b->nrows] ? it->args :
	    action_codec_encode(a);
	b->rows[b->nrows] = (struct store_row){ a->seq,
	    model_action_info(a->type)->name, b->args[b->nrows], a->at.mono_ms,
	    a->at.wall_ms, r->origin, r->ext_id, false };
	b->nrows++;
	s->last_seq = a->seq;
	it->ok = true;
	it->id = session_item_id(a);
	if (g != SIZE_MAX && b->primary[g] == SIZE_MAX)
		b->primary[g] = index;
	return true;
}

/* Free a pending batch (its records must be owned elsewhere or gone). */
static void
session_pending_free(struct session_pending *b)
{
	for (size_t i = 0; i < b->nrows; i++) {
		if (!b->borrowed[i])
			free(b->args[i]);
	}
	free(b->borrowed);
	free(b->group_of);
	free(b->primary);
	free(b->args);
	free(b->rows);
	free(b->records);
	free(b->cause);
	free(b);
}

struct session_pending *
session_batch_prepare(struct session *s, struct session_item *items, size_t n,
    const char *origin)
{
	struct session_pending *b;

	for (size_t i = 0; i < n; i++) {
		items[i].ok = items[i].duplicate = false;
		items[i].id = 0;
		items[i].err[0] = '\0';
		if (!s->writable)
			snprintf(items[i].err, sizeof items[i].err,
			    "read-only: this view cannot change the session");
	}
	if (s->writable && s->pending != NULL) {
		/* The caller forgot to finish the batch being stored. */
		for (size_t i = 0; i < n; i++)
			snprintf(items[i].err, sizeof items[i].err, "busy: the "
			    "last batch is still being saved; please report this");
		return NULL;
	}
	if (s->writable && s->save_error[0] != '\0' && !session_probe(s)) {
		/*
		 * Saving still fails: refuse at once (no model to rebuild),
		 * retries of stored items too.
		 */
		for (size_t i = 0; i < n; i++)
			snprintf(items[i].err, sizeof items[i].err,
			    "not saved: %.188s", s->save_error);
		return NULL;
	}
	if (!s->writable || n == 0)
		return NULL;
	b = session_xalloc(NULL, sizeof *b);
	memset(b, 0, sizeof *b);
	b->store = s->store;
	b->items = items;
	b->nitems = n;
	b->first_seq = s->last_seq;
	b->rows = session_xalloc(NULL, n * sizeof *b->rows);
	b->args = session_xalloc(NULL, n * sizeof *b->args);
	b->borrowed = session_xalloc(NULL, n * sizeof *b->borrowed);
	/* Never reallocated: rows point into the records. */
	b->records = session_xalloc(NULL, n * sizeof *b->records);
	session_batch_groups(b, items, n);
	store_read_begin(s->store);  /* the ext_id lookups: one snapshot */
	for (size_t i = 0; i < n; i++)
		session_batch_item(s, b, &items[i], i, origin);
	store_read_end(s->store);
	if (b->nrows == 0) {
		session_pending_free(b);
		return NULL;
	}
	s->pending = b;
	return b;
}

int
session_batch_store(struct session_pending *b)
{
	b->rc = store_append(b->store, b->rows, b->nrows, &b->cause);
	if (b->rc != 0)
		b->fault = store_fault(b->store);
	return b->rc;
}

size_t
session_batch_finish(struct session *s, struct session_pending *b)
{
	size_t accepted = 0;

	s->pending = NULL;
	if (b->rc != 0) {
		/* Nothing of the batch is durable: nothing of it may be acked. */
		for (size_t i = 0; i < b->nitems; i++) {
			struct session_item *it = &b->items[i];

			if (it->ok && !(it->duplicate && it->id <= b->first_seq)) {
				it->ok = false;
				snprintf(it->err, sizeof it->err, "not saved: %s",
				    b->cause);
			}
		}
		session_save_failed(s, b->cause, b->fault);
	}
	if (b->rc != 0 && b->rc != STORE_NOT_DURABLE) {
		s->last_seq = b->first_seq;
		/* Rebuild before the records go: the model borrows. */
		session_rebuild(s);
		for (size_t i = 0; i < b->nrows; i++)
			action_codec_finish(&b->records[i]);
	} else {
		/*
		 * Stored (if not durable yet, the store is in the database and
		 * must be journaled to stay in step; nobody was told ok).
		 */
		if (b->rc == 0)
			s->save_error[0] = '\0';
		for (size_t i = 0; i < b->nrows; i++)
			*session_journal_push(s) = b->records[i];
		if (s->observer.rows != NULL)
			s->observer.rows(s->observer.arg, b->rows, b->nrows);
	}
	for (size_t i = 0; i < b->nitems; i++)
		accepted += b->items[i].ok;
	session_pending_free(b);
	return accepted;
}

size_t
session_do_batch(struct session *s, struct session_item *items, size_t n,
    const char *origin)
{
	struct session_pending *b = session_batch_prepare(s, items, n, origin);
	size_t accepted = 0;

	if (b == NULL) {
		for (size_t i = 0; i < n; i++)
			accepted += items[i].ok;
		return accepted;
	}
	session_batch_store(b);
	return session_batch_finish(s, b);
}

bool
session_do(struct session *s, struct model_action *a, const char *origin,
    char *err, size_t errsz)
{
	struct session_item it;

	memset(&it, 0, sizeof it);
	it.action = *a;
	session_do_batch(s, &it, 1, origin);
	*a = it.action;
	if (!it.ok)
		snprintf(err, errsz, "%s", it.err);
	return it.ok;
}

bool
session_undo(struct session *s, char *msg, size_t msgsz)
{
	char *cause = NULL;

	if (!s->writable) {
		snprintf(msg, msgsz, "read-only: this view cannot undo");
		return false;
	}
	if (s->pending != NULL) {
		snprintf(msg, msgsz, "busy: the last batch is still being saved; "
		    "please report this");
		return false;
	}
	if (s->save_error[0] != '\0' && !session_probe(s)) {
		snprintf(msg, msgsz, "undo not saved: %s", s->save_error);
		return false;
	}
	for (size_t i = s->njournal; i > 0; i--) {
		struct action_record *r = &s->journal[i - 1];

		if (r->undone || strcmp(r->origin, "chair") != 0)
			continue;
		if (store_set_undone(s->store, r->action.seq, true, &cause) != 0) {
			snprintf(msg, msgsz, "undo not saved: %s", cause);
			session_save_failed(s, cause, store_fault(s->store));
			free(cause);
			return false;
		}
		s->save_error[0] = '\0';
		r->undone = true;
		session_rebuild(s);
		if (s->observer.undo != NULL)
			s->observer.undo(s->observer.arg, r->action.seq);
		snprintf(msg, msgsz, "undone: %s",
		    model_action_info(r->action.type)->name);
		return true;
	}
	snprintf(msg, msgsz, "nothing to undo");
	return false;
}

void
session_observe(struct session *s, const struct session_observer *o)
{
	s->observer = *o;
}

int
session_open_replica(struct session **out, const char *event_text,
    bool rehearsal, char **cause)
{
	struct session *s = session_xalloc(NULL, sizeof *s);

	memset(s, 0, sizeof *s);
	s->slab = action_codec_slab_create();
	s->db_path = strdup("(mirror)");
	s->event = event_parse(event_text, strlen(event_text), cause);
	if (s->db_path == NULL || s->event == NULL) {
		session_close(s);
		return -1;
	}
	s->event_text = strdup(event_text);
	s->rehearsal = rehearsal;
	clock_init_follower(&s->clock, s->event->event.start_wall_ms,
	    s->event->event.start_wall_ms, 1.0, true, clock_raw_mono());
	session_rebuild(s);
	*out = s;
	return 0;
}

int
session_replica_row(struct session *s, const struct store_row *row,
    char **cause)
{
	struct action_record *r = session_journal_push(s);

	if (action_codec_decode(row, r, s->slab, cause) != 0) {
		s->njournal--;
		return -1;
	}
	if (row->seq > s->last_seq)
		s->last_seq = row->seq;
	if (!r->undone && !model_apply(s->model, &r->action, NULL, 0))
		s->replay_refused++;
	return 0;
}

void
session_replica_undo(struct session *s, int64_t seq)
{
	for (size_t i = s->njournal; i > 0; i--) {
		if (s->journal[i - 1].action.seq == seq) {
			s->journal[i - 1].undone = true;
			session_rebuild(s);
			return;
		}
	}
}

void
session_record_row(const struct action_record *r, struct store_row *row,
    char **args)
{
	*args = action_codec_encode(&r->action);
	*row = (struct store_row){ r->action.seq,
	    model_action_info(r->action.type)->name, *args,
	    r->action.at.mono_ms, r->action.at.wall_ms, r->origin, r->ext_id,
	    r->undone };
}

/* Make a directory and its parents, mode 0700; 0 or -1 with errno. */
static int
session_mkdirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

char *
session_default_db(const char *event_id, char **cause)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *dir, *path;

	if (xdg != NULL && xdg[0] == '/') {
		if (asprintf(&dir, "%s/podium", xdg) < 0)
			abort();
	} else if (home != NULL && home[0] == '/') {
		if (asprintf(&dir, "%s/.local/share/podium", home) < 0)
			abort();
	} else {
		*cause = session_cause("neither XDG_DATA_HOME nor HOME is set; "
		    "give the database with --db FILE");
		return NULL;
	}
	if (session_mkdirs(dir) != 0) {
		*cause = session_cause("cannot create %s: %s; give the database "
		    "with --db FILE", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	if (asprintf(&path, "%s/%s.db", dir, event_id) < 0)
		abort();
	free(dir);
	return path;
}

char *
session_sample_event(const char *name, char **cause)
{
	const char *env = getenv("PODIUM_DATADIR");
	const char *dirs[] = { env, PODIUM_DATADIR, PODIUM_SOURCE_DATADIR };
	char *path;

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (dirs[i] == NULL || dirs[i][0] == '\0')
			continue;
		if (asprintf(&path, "%s/%s", dirs[i], name) < 0)
			abort();
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	*cause = session_cause("the sample event %s was not found in "
	    "$PODIUM_DATADIR, %s or %s; give an event with --event FILE", name,
	    PODIUM_DATADIR, PODIUM_SOURCE_DATADIR);
	return NULL;
}
