/*
 * store.h -- the durable store: one SQLite database in WAL mode holding
 * the event (as its original JSON text), a key/value meta table (schema
 * version, clock parameters) and the journal: every action, in order, as
 * rows of (seq, kind, args as JSON text, times, origin, undone).
 *
 * Data flow: the session appends rows with BEGIN IMMEDIATE ... COMMIT
 * before the chair sees an action done; readers (podium state, export,
 * mirror --once) open the file read-only and replay the journal.
 * Only store-*.c include sqlite3.h.
 */
#ifndef PODIUM_STORE_H
#define PODIUM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The schema version this build writes. Schema 1 (no hash chain) is still
 * read; a writer migrates it to 2 when it opens it.
 */
#define STORE_SCHEMA_VERSION 2

/* Hex digits of a SHA-256 hash in the journal's chains. */
#define STORE_HASH_HEX 64

struct store;

enum store_mode {
	STORE_READ_ONLY,  /* the file must exist; nothing is ever written */
	STORE_READ_WRITE, /* created if missing; WAL; synchronous=FULL */
	/*
	 * As READ_WRITE, but the integrity check of a file already in WAL
	 * mode runs on another thread while the caller loads; the caller
	 * must call store_check_finish() before its first write.
	 */
	STORE_READ_WRITE_LOADING,
};

/* One journal row. Strings are borrowed from the caller or the store. */
struct store_row {
	int64_t seq;        /* > 0; assigned by the writer, strictly increasing */
	const char *kind;   /* action name (model_action_info()->name) */
	const char *args;   /* JSON object text */
	int64_t mono_ms;
	int64_t wall_ms;
	const char *origin; /* "event", "chair", "intake", ... */
	const char *ext_id; /* sender's id for idempotent intake, or NULL */
	bool undone;
};

/*
 * Open (and in READ_WRITE mode create) a database. Refuses a file that is
 * not a podium database, is corrupt, or has a newer schema, with *cause
 * saying what and what to do; nothing is written in those cases.
 */
int store_open(struct store **out, const char *path, enum store_mode mode,
    char **cause);

/*
 * Wait for the integrity check STORE_READ_WRITE_LOADING left running;
 * -1 with *cause if the file is damaged. 0 at once in the other modes,
 * which check at open.
 */
int store_check_finish(struct store *s, char **cause);

/* Close a database; NULL is accepted. */
void store_close(struct store *s);

/* Whether the database has no event yet (just created). */
bool store_is_empty(struct store *s);

/*
 * Store the event text and the initial journal rows in one transaction;
 * only on an empty database.
 */
int store_create_event(struct store *s, const char *event_json,
    const struct store_row *rows, size_t nrows, char **cause);

/* The stored event text (malloc'd), or NULL with *cause. */
char *store_event_json(struct store *s, char **cause);

/* A meta value (malloc'd) or NULL if unset. */
char *store_meta_get(struct store *s, const char *key);

/* Set meta values atomically (keys[i] = values[i]); 0 or -1 with *cause. */
int store_meta_set(struct store *s, const char **keys, const char **values,
    size_t n, char **cause);

/* store_append(): committed, but only in a log file that was removed. */
#define STORE_NOT_DURABLE (-2)

/*
 * Append rows in one durable transaction: 0, or -1 with *cause when
 * nothing was stored, or STORE_NOT_DURABLE with *cause when the rows were
 * committed into a write-ahead log that was removed meanwhile and could
 * not be copied back into the database (they are in the database for
 * this connection, but a crash would lose them; store_check_log() tries
 * again).
 */
int store_append(struct store *s, const struct store_row *rows, size_t n,
    char **cause);

/* What the last failure of a store call was, for a short banner. */
enum store_fault {
	STORE_FAULT_NONE,
	STORE_FAULT_FULL,      /* the disk is full */
	STORE_FAULT_READONLY,  /* the disk or the file is read-only */
	STORE_FAULT_IO,        /* an input/output error */
	STORE_FAULT_BUSY,      /* another process held the database locked */
	STORE_FAULT_DAMAGED,   /* the file is damaged */
	STORE_FAULT_LOG,       /* the write-ahead log was removed, not restored */
	STORE_FAULT_OTHER,
};

/* The kind of the last failure reported by a call on s. */
enum store_fault store_fault(const struct store *s);

/*
 * The writer's check of its write-ahead log: if the file at the log's
 * path is no longer the one SQLite writes (someone removed it), copy the
 * log into the database file and start a new one. 0 when everything
 * committed is in a file at its path, -1 with *cause otherwise. Every
 * write does it first; the console also calls it once a second.
 */
int store_check_log(struct store *s, char **cause);

/*
 * Whether the store takes a write now, after a failure: one small durable
 * write (meta 'store.write_checked' = the time) that waits for no other
 * process's lock. 0, or -1 with *cause (and store_fault()).
 */
int store_probe(struct store *s, char **cause);

/* Mark a row undone, durably; 0 or -1 with *cause. */
int store_set_undone(struct store *s, int64_t seq, bool undone, char **cause);

/*
 * Call fn for each journal row in seq order (row strings valid during the
 * call only). Stops and returns fn's value if non-zero; -1 with *cause on
 * a database error.
 */
int store_journal_foreach(struct store *s,
    int (*fn)(const struct store_row *row, void *arg), void *arg,
    char **cause);

/*
 * Read several things in one snapshot (one read transaction, so one pair
 * of lock calls instead of one per lookup); store_read_end() ends it.
 * Best effort: if it cannot begin, each lookup takes its own snapshot.
 */
void store_read_begin(struct store *s);
void store_read_end(struct store *s);

/* Seq of a row with this ext_id, or 0 if none. */
int64_t store_find_ext_id(struct store *s, const char *ext_id);

/* Largest seq in the journal, 0 if empty. */
int64_t store_last_seq(struct store *s);

/*
 * The tamper-evident journal (docs/RECORD.md). Every row carries a SHA-256
 * over the previous row's hash and its own immutable fields; every change
 * of an undone flag is an entry of a second chain, the undo chain, written
 * in the same transaction. store_verify() recomputes both.
 */

/* What store_verify() found, in the order it looks. */
enum store_verify_status {
	STORE_VERIFY_OK,        /* both chains and the flags are intact */
	STORE_VERIFY_UNCHAINED, /* schema 1: the journal predates the chains */
	STORE_VERIFY_DAMAGED,   /* the file fails SQLite's integrity check */
	STORE_VERIFY_ROW,       /* a journal row is wrong: at is its seq */
	STORE_VERIFY_UNDO,      /* an undo entry is wrong: at is its n */
};

/* The outcome of store_verify(). */
struct store_verify_result {
	enum store_verify_status status;
	int64_t at;            /* seq (ROW) or undo n (UNDO) of the first break */
	char why[320];         /* what is wrong there, one sentence; "" if ok */
	int64_t rows;          /* journal rows read */
	int64_t last_seq;      /* seq of the last row, 0 if none */
	int64_t undone_rows;   /* rows whose undone flag is set */
	int64_t undos;         /* entries of the undo chain */
	int64_t bad_rows;      /* rows whose hash does not match */
	int64_t bad_undos;     /* undo entries whose hash does not match */
	int64_t bad_flags;     /* rows whose flag disagrees with the undo chain */
	char journal_hash[STORE_HASH_HEX + 1]; /* last row's hash (the genesis if none) */
	char undo_hash[STORE_HASH_HEX + 1];    /* last undo entry's hash (likewise) */
	char integrity[160];   /* "ok" or SQLite's first complaint */
};

/*
 * Check the file, both chains and that every row's undone flag is what the
 * undo chain says, all in one read snapshot (a chair may be writing). 0
 * with *r filled in (r->status says whether it is intact), or -1 with
 * *cause when the database cannot be read.
 */
int store_verify(struct store *s, struct store_verify_result *r,
    char **cause);

/*
 * Find a hash in the chains, to check a published record: *seq is the row
 * whose hash it is, or *undo_n the undo entry's n; both 0 when it is in
 * neither. 0, or -1 with *cause on a database error.
 */
int store_hash_find(struct store *s, const char *hash, int64_t *seq,
    int64_t *undo_n, char **cause);

#endif /* PODIUM_STORE_H */
