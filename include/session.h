/*
 * session.h -- one session database opened for use: the store, the event
 * it holds, the clock its readers agree on, the journal in memory and the
 * model rebuilt from it.
 *
 * Data flow: session_do() stamps an action with the next sequence number
 * and the clock, applies it to the model, and commits it to the store
 * before returning; if the commit fails the model is rebuilt without it.
 * A batch (intake) goes the same way in three steps, so that its commit
 * can run on a worker thread: prepare (model), store (disk), finish
 * (journal and observer, or rebuild); the journal in memory only ever
 * holds rows that are stored.
 *
 * When a write fails (disk full, read-only, ...) the session remembers
 * why (save_error) and refuses every change from then on without trying,
 * so nothing can look done; session_maintain(), called once a second,
 * tries a small write and lifts the refusal as soon as one works.
 * session_undo() marks the last chair action undone in the store and
 * rebuilds the model by replaying the journal. Readers (podium state)
 * open the same way read-only and replay.
 */
#ifndef PODIUM_SESSION_H
#define PODIUM_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "action-codec.h"
#include "clock.h"
#include "event.h"
#include "model.h"
#include "store.h"

struct session_options {
	const char *db_path;
	const char *event_path; /* read when the database is new */
	bool writable;          /* the chair; otherwise a reader */
	bool rehearsal;         /* podium rehearse */
	double speed;           /* rehearsal speed, > 0 */
};

/* Who is told about every committed change (the mirror server). */
struct session_observer {
	/* Rows just committed, in order. */
	void (*rows)(void *arg, const struct store_row *rows, size_t n);
	/* A row was marked undone. */
	void (*undo)(void *arg, int64_t seq);
	void *arg;
};

/* A batch applied to the model whose rows are not committed yet. */
struct session_pending;

struct session {
	char *db_path;
	struct store *store;
	struct event_file *event;
	struct model *model;
	struct clock clock;
	bool rehearsal;
	bool writable;
	bool created;           /* the database was new */
	bool event_differs;     /* --event given and not the stored one */
	struct action_record *journal;
	struct action_codec_slab *slab; /* strings of the rows loaded */
	size_t njournal;
	size_t journal_cap;
	int64_t last_seq;
	size_t replay_refused;  /* journal rows the model refused on replay */
	struct session_observer observer;
	char *event_text;       /* the event file text the session runs on */
	struct session_pending *pending; /* a batch prepared, not finished */
	/*
	 * Why the last write failed ("" while writes work): until a write
	 * works again (session_maintain()), every change is refused with it.
	 */
	char save_error[256];
	enum store_fault save_fault; /* its kind, for the console's banner */
};

/*
 * Open a session database; creating it from the event file when new (for a
 * writer). -1 with *cause when the database or event cannot be used.
 */
int session_open(struct session **out, const struct session_options *o,
    char **cause);

/* Close a session; a rehearsal's simulated clock stops here. NULL is fine. */
void session_close(struct session *s);

/* The time now on the session's clock. */
struct model_time session_now(const struct session *s);

/*
 * Apply an action now (a->seq and a->at are filled in) and commit it.
 * false with err set when refused or not stored; then nothing changed.
 */
bool session_do(struct session *s, struct model_action *a, const char *origin,
    char *err, size_t errsz);

/* One item of a batch (intake, import, rehearsal replay). */
struct session_item {
	struct model_action action; /* type and arguments; seq and at are set */
	const char *ext_id;         /* the sender's id, for safe retries, or NULL */
	bool ok;                    /* accepted and committed */
	bool duplicate;             /* ext_id seen before: nothing new stored */
	int64_t id;                 /* stored id: the new entity's, or the target */
	char err[200];              /* why not, when !ok */
	/*
	 * action_codec_encode(&action) done by the caller already (intake
	 * does it while a commit runs, off the commit's path), or NULL.
	 * Borrowed until session_batch_finish(); not used for a speaker_add,
	 * whose segment the session settles. The caller frees it.
	 */
	char *args;
};

/*
 * Apply items in order and commit every accepted one in one transaction
 * (group commit): each ok means durable. Returns how many are ok.
 * session_batch_prepare(), _store() and _finish() in a row.
 */
size_t session_do_batch(struct session *s, struct session_item *items,
    size_t n, const char *origin);

/*
 * The first step of a batch, on the thread that owns the session:
 * validate the items, give them ids, apply them to the model and encode
 * their rows. NULL when there is nothing to store (every item refused or
 * already stored): the items are final then. Otherwise the items are
 * provisional until session_batch_finish(); until then the session must
 * not be drawn (its model holds rows that may not be stored), and its
 * store must not be used by anyone but session_batch_store(). The items
 * must stay where they are until then.
 */
struct session_pending *session_batch_prepare(struct session *s,
    struct session_item *items, size_t n, const char *origin);

/*
 * The second step: commit the rows (BEGIN IMMEDIATE ... COMMIT, one
 * fsync). Touches only the store, so it may run on another thread while
 * the session's owner goes on with anything but the store. 0 or -1.
 * After 0 the items are final (all that session_batch_finish() may still
 * change is a failed commit's items): their replies may go out at once.
 */
int session_batch_store(struct session_pending *p);

/*
 * The last step, on the session's thread: if the commit succeeded, the
 * rows join the journal and the observer is told; if not, every new item
 * is marked "not saved: why" and the model is rebuilt without the batch.
 * Frees p and returns how many items are ok.
 */
size_t session_batch_finish(struct session *s, struct session_pending *p);

/*
 * Undo the last chair action not yet undone; false with msg saying why
 * not, true with msg naming what was undone.
 */
bool session_undo(struct session *s, char *msg, size_t msgsz);

/*
 * Look after the store, once a second, with no batch pending: restore a
 * removed write-ahead log, and while writes fail, try a small one to see
 * whether the disk takes writes again. True when save_error changed.
 */
bool session_maintain(struct session *s);

/* Be told of every change committed from now on. */
void session_observe(struct session *s, const struct session_observer *o);

/*
 * Open a replica: a read-only session with no database, fed journal rows
 * by a mirror connection. -1 with *cause if the event text is bad.
 */
int session_open_replica(struct session **out, const char *event_text,
    bool rehearsal, char **cause);

/* Add a journal row to a replica (applies it unless undone). */
int session_replica_row(struct session *s, const struct store_row *row,
    char **cause);

/* Mark a replica's row undone and rebuild its model. */
void session_replica_undo(struct session *s, int64_t seq);

/* Encode a journal record back into a row (args malloc'd into *args). */
void session_record_row(const struct action_record *r, struct store_row *row,
    char **args);

/* Directory and file name of the default database for an event id. */
char *session_default_db(const char *event_id, char **cause);

/* Path of the shipped sample event, or NULL with *cause. */
char *session_sample_event(const char *name, char **cause);

#endif /* PODIUM_SESSION_H */
