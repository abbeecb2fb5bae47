/*
 * store.c -- the durable store: one SQLite database per event.
 *
 * Data flow: store_open() validates the file before anything is written
 * (not SQLite, damaged, foreign, or from a newer podium: refuse and leave
 * the file as it was), then, for the writer, switches it to WAL and gives a
 * brand-new file its whole schema in one transaction. The writer appends
 * journal rows with BEGIN IMMEDIATE ... COMMIT through statements prepared
 * once and kept in struct store; a commit returning is what lets the caller
 * call an action done. Readers open the same file read-only while the
 * writer runs (WAL lets them read a committed snapshot without blocking it)
 * and replay the journal with store_journal_foreach().
 *
 * Every cached statement is reset as soon as it has been used: a statement
 * left mid-way would hold its read snapshot open, so a reader would never
 * see later commits and the writer could never checkpoint the WAL.
 *
 * The journal is tamper-evident (docs/RECORD.md): inside the transaction
 * that inserts rows, each row's hash is computed over the hash of the row
 * before it (read back in the same transaction, so no cached value can go
 * stale) and its immutable fields (store-chain.c); the mutable undone flag
 * is covered by the undo chain, one entry per store_set_undone() in the
 * same transaction. A writer that opens a schema-1 file adds both chains
 * to it in one transaction; a reader leaves it as it is. store_verify()
 * recomputes everything in one read snapshot.
 *
 * Storage faults: every failure records its kind (store_fault(): disk
 * full, read-only, I/O error, locked, ...) for the console's banner; a
 * disk that went read-only or full is told apart by statvfs() of the
 * database's directory when SQLite's errno is gone. The write-ahead log
 * is watched: if its file is removed (or replaced) while the writer has
 * it open, SQLite would go on writing to the removed file, where a crash
 * loses everything since the last checkpoint. So before and after each
 * append, and whenever store_check_log() is called, the file at the log's
 * path must still be the one SQLite writes; if not, a checkpoint copies
 * the log into the database file (synced), and leaving WAL mode and
 * entering it again makes SQLite start a new log at its path.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store-chain.h"
#include "store-vfs.h"

/* How long a statement waits for another connection's lock, in ms. */
#define STORE_BUSY_TIMEOUT_MS 2000

/* The value of meta 'application' that marks a podium database. */
#define STORE_APPLICATION "podium"

/* Statements prepared on first use and kept for the life of the handle. */
enum store_stmt {
	STMT_BEGIN,
	STMT_BEGIN_READ,
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_INSERT_ROW,
	STMT_SET_UNDONE,
	STMT_META_GET,
	STMT_META_SET,
	STMT_FIND_EXT_ID,
	STMT_LAST_SEQ,
	STMT_LAST_ROW,
	STMT_LAST_UNDO,
	STMT_INSERT_UNDO,
	STMT_COUNT
};

static const char *const store_stmt_sql[STMT_COUNT] = {
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_BEGIN_READ] = "BEGIN",
	[STMT_COMMIT] = "COMMIT",
	[STMT_ROLLBACK] = "ROLLBACK",
	[STMT_INSERT_ROW] = "INSERT INTO journal"
	    "(seq, kind, args, mono_ms, wall_ms, origin, ext_id, undone, hash)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_SET_UNDONE] = "UPDATE journal SET undone = ? WHERE seq = ?",
	[STMT_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[STMT_META_SET] = "INSERT OR REPLACE INTO meta(key, value)"
	    " VALUES (?, ?)",
	[STMT_FIND_EXT_ID] = "SELECT seq FROM journal WHERE ext_id = ?",
	[STMT_LAST_SEQ] = "SELECT COALESCE(MAX(seq), 0) FROM journal",
	[STMT_LAST_ROW] = "SELECT seq, hash FROM journal"
	    " ORDER BY seq DESC LIMIT 1",
	[STMT_LAST_UNDO] = "SELECT n, hash FROM journal_undo"
	    " ORDER BY n DESC LIMIT 1",
	[STMT_INSERT_UNDO] = "INSERT INTO journal_undo(n, seq, undone, hash)"
	    " VALUES (?, ?, ?, ?)",
};

/*
 * The whole schema of a new database, run inside one transaction so that
 * a crash leaves either no schema or all of it.
 */
static const char store_schema_sql[] =
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY,"
	" value TEXT NOT NULL);"
	"CREATE TABLE journal ("
	" seq INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" args TEXT NOT NULL,"
	" mono_ms INTEGER NOT NULL,"
	" wall_ms INTEGER NOT NULL,"
	" origin TEXT NOT NULL,"
	" ext_id TEXT UNIQUE,"
	" undone INTEGER NOT NULL DEFAULT 0,"
	" hash TEXT NOT NULL);"
	"CREATE TABLE journal_undo ("
	" n INTEGER PRIMARY KEY,"
	" seq INTEGER NOT NULL,"
	" undone INTEGER NOT NULL,"
	" hash TEXT NOT NULL);";

/*
 * What schema 1 lacks, added by a writer in one transaction before it
 * computes the chains of the rows already there.
 */
static const char store_migrate_sql[] =
	"ALTER TABLE journal ADD COLUMN hash TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE journal_undo ("
	" n INTEGER PRIMARY KEY,"
	" seq INTEGER NOT NULL,"
	" undone INTEGER NOT NULL,"
	" hash TEXT NOT NULL);";

/* The first schema that has the hash chains. */
#define STORE_CHAINED_VERSION 2

struct store {
	sqlite3 *db;
	char *path;
	enum store_mode mode;
	int64_t version;          /* schema of the file, as last read */
	struct store_chain *chain; /* digest context, reused */
	sqlite3_stmt *stmt[STMT_COUNT];
	enum store_fault fault;   /* the kind of the last failure */
	bool log_known;           /* log_dev/log_ino say which file SQLite logs to */
	bool log_lost;            /* the log was removed: a new one is due */
	dev_t log_dev;
	ino_t log_ino;
	pthread_t check;          /* the writer's integrity check, running */
	bool check_later;         /* opened STORE_READ_WRITE_LOADING */
	bool checking;
	char *check_cause;        /* what it found wrong, or NULL */
};

/* Abort with a message: podium does not try to run out of memory. */
static void
store_oom(void)
{
	fprintf(stderr, "podium: out of memory\n");
	abort();
}

/* calloc that never returns NULL. */
static void *
store_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		store_oom();
	return p;
}

/* strdup that never returns NULL. */
static char *
store_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		store_oom();
	return p;
}

/* Hand a formatted sentence up to the caller, if it asked for one. */
static void __attribute__((format(printf, 2, 3)))
store_set_cause(char **cause, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		store_oom();
	va_end(ap);
	*cause = text;
}

/*
 * What an I/O failure most likely was: SQLite's errno when it kept one
 * (else the last one of the log's or the database's file, which *errnum
 * becomes), else what
 * statvfs() says of the database's directory now (a disk gone read-only
 * after an error, or full); STORE_FAULT_IO otherwise.
 */
static enum store_fault
store_disk_fault(struct store *s, int *errnum)
{
	int sys = *errnum;
	struct statvfs vfs;
	sqlite3_file *log = NULL;
	char *dir, *slash;
	int rc;

	/* The errno of the failed write on the log, or on the file itself. */
	if (sys == 0 && sqlite3_file_control(s->db, "main",
	    SQLITE_FCNTL_JOURNAL_POINTER, &log) == SQLITE_OK && log != NULL &&
	    log->pMethods != NULL)
		log->pMethods->xFileControl(log, SQLITE_FCNTL_LAST_ERRNO, &sys);
	if (sys == 0)
		sqlite3_file_control(s->db, "main", SQLITE_FCNTL_LAST_ERRNO, &sys);
	*errnum = sys;
	if (sys == ENOSPC || sys == EDQUOT)
		return STORE_FAULT_FULL;
	if (sys == EROFS)
		return STORE_FAULT_READONLY;
	dir = store_xstrdup(s->path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else
		slash[slash == dir ? 1 : 0] = '\0';
	rc = statvfs(dir, &vfs);
	free(dir);
	if (rc != 0)
		return STORE_FAULT_IO;
	if (vfs.f_flag & ST_RDONLY)
		return STORE_FAULT_READONLY;
	if (vfs.f_bavail == 0)
		return STORE_FAULT_FULL;
	return STORE_FAULT_IO;
}

/*
 * Turn a failed SQLite call into a sentence saying what failed and what
 * to do; what is a phrase like "saving actions".
 */
static void
store_db_cause(struct store *s, const char *what, int rc, char **cause)
{
	int sys = sqlite3_system_errno(s->db);
	const char *msg = sqlite3_errmsg(s->db);
	enum store_fault disk = store_disk_fault(s, &sys);

	s->fault = STORE_FAULT_OTHER;
	switch (rc & 0xff) {
	case SQLITE_FULL:
		s->fault = STORE_FAULT_FULL;
		store_set_cause(cause, "%s in %s failed: the disk is full;"
		    " free some space and try again", what, s->path);
		break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		s->fault = disk;
		if (disk == STORE_FAULT_FULL) {
			store_set_cause(cause, "%s in %s failed: the disk is"
			    " full; free some space and try again", what,
			    s->path);
		} else if (disk == STORE_FAULT_READONLY) {
			store_set_cause(cause, "%s in %s failed: the disk is"
			    " read-only; make it writable (or restart on"
			    " another --db) and try again", what, s->path);
		} else {
			store_set_cause(cause, "%s in %s failed: input/output"
			    " error (%s); check the disk and try again", what,
			    s->path, sys != 0 ? strerror(sys) : msg);
		}
		break;
	case SQLITE_READONLY:
		s->fault = STORE_FAULT_READONLY;
		store_set_cause(cause, "%s in %s failed: the database is"
		    " read-only (%s); check its permissions or give another"
		    " --db", what, s->path, msg);
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		s->fault = STORE_FAULT_BUSY;
		store_set_cause(cause, "%s in %s failed: another process kept"
		    " the database locked (%s); try again", what, s->path,
		    msg);
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		s->fault = STORE_FAULT_DAMAGED;
		store_set_cause(cause, "%s in %s failed: the database is"
		    " damaged (%s); restore it from a backup or give another"
		    " --db", what, s->path, msg);
		break;
	default:
		store_set_cause(cause, "%s in %s failed: %s; please report"
		    " this", what, s->path, msg);
		break;
	}
}

/*
 * Like store_db_cause() but for the checks made while opening, where a
 * file that is not SQLite or is damaged is the user's file, not a fault.
 */
static void
store_open_cause(struct store *s, int rc, char **cause)
{
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		store_set_cause(cause, "%s is not an SQLite database (or it"
		    " is encrypted or damaged); give another --db", s->path);
		break;
	case SQLITE_CORRUPT:
		store_set_cause(cause, "%s is damaged (%s); restore it from a"
		    " backup or give another --db", s->path,
		    sqlite3_errmsg(s->db));
		break;
	default:
		store_db_cause(s, "opening the database", rc, cause);
		break;
	}
}

/*
 * A cached statement, prepared on first use, reset and with no bindings;
 * NULL with *cause if it cannot be prepared.
 */
static sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt id, char **cause)
{
	sqlite3_stmt *stmt = s->stmt[id];
	int rc;

	if (stmt != NULL) {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
		return stmt;
	}
	rc = sqlite3_prepare_v3(s->db, store_stmt_sql[id], -1,
	    SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	if (rc != SQLITE_OK) {
		store_db_cause(s, "preparing a query", rc, cause);
		sqlite3_finalize(stmt);
		return NULL;
	}
	s->stmt[id] = stmt;
	return stmt;
}

/* Run a cached statement that returns no rows (BEGIN, COMMIT, ...). */
static int
store_exec_stmt(struct store *s, enum store_stmt id, const char *what,
    char **cause)
{
	sqlite3_stmt *stmt = store_stmt(s, id, cause);
	int rc;

	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		store_db_cause(s, what, rc, cause);
		sqlite3_reset(stmt);
		return -1;
	}
	sqlite3_reset(stmt);
	return 0;
}

/* Undo an open transaction after a failure; harmless when none is open. */
static void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		store_exec_stmt(s, STMT_ROLLBACK, "rolling back", NULL);
}

/*
 * Run a one-off query whose first column of the first row is an integer;
 * used while opening, before the cached statements can be trusted.
 */
static int
store_query_int(struct store *s, const char *sql, int64_t *out, char **cause)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW)
		goto fail;
	*out = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;

fail:
	store_open_cause(s, rc, cause);
	sqlite3_finalize(stmt);
	return -1;
}

/*
 * Run a one-off query and hand back the first column of its first row
 * (malloc'd, NULL when there is no row or the value is NULL). Returns the
 * SQLite code of a failure (with *cause) or SQLITE_OK.
 */
static int
store_query_text(struct store *s, const char *sql, char **out, char **cause)
{
	sqlite3_stmt *stmt = NULL;
	const unsigned char *text;
	int rc;

	*out = NULL;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		text = sqlite3_column_text(stmt, 0);
		if (text != NULL)
			*out = store_xstrdup((const char *)text);
	} else if (rc != SQLITE_DONE) {
		goto fail;
	}
	sqlite3_finalize(stmt);
	return SQLITE_OK;

fail:
	store_open_cause(s, rc, cause);
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * The first problem line of an integrity check report, cut in place so a
 * cause stays one line; the report starts with a "*** in database" title.
 */
static const char *
store_first_problem(char *report)
{
	char *line = report, *nl;

	if (strncmp(line, "*** ", 4) == 0 && (nl = strchr(line, '\n')) != NULL)
		line = nl + 1;
	if ((nl = strchr(line, '\n')) != NULL)
		*nl = '\0';
	return line;
}

/*
 * Whether the file reads back as intact: refuses a file that is not SQLite
 * or fails SQLite's quick integrity check. Reads only.
 */
static int
store_check_integrity(struct store *s, char **cause)
{
	char *result = NULL;

	if (store_query_text(s, "PRAGMA quick_check", &result, cause) !=
	    SQLITE_OK)
		return -1;
	if (result == NULL || strcmp(result, "ok") != 0) {
		store_set_cause(cause, "%s is damaged (integrity check: %s);"
		    " restore it from a backup or give another --db", s->path,
		    result != NULL ? store_first_problem(result) :
		    "no answer");
		free(result);
		return -1;
	}
	free(result);
	return 0;
}

/*
 * The integrity check on a connection of its own, on another thread, so
 * that it reads the file while the session loads the journal (it costs
 * 50 ms per 60 MB: a sixth of start-up with 100,000 questions).
 */
static void *
store_check_run(void *arg)
{
	struct store *s = arg;
	struct store reader;
	char *cause = NULL;

	memset(&reader, 0, sizeof reader);
	reader.path = s->path;
	if (sqlite3_open_v2(s->path, &reader.db, SQLITE_OPEN_READONLY,
	    NULL) != SQLITE_OK) {
		store_set_cause(&cause, "cannot read %s to check it: %s", s->path,
		    sqlite3_errmsg(reader.db));
	} else {
		sqlite3_busy_timeout(reader.db, STORE_BUSY_TIMEOUT_MS);
		store_check_integrity(&reader, &cause);
	}
	sqlite3_close_v2(reader.db);
	s->check_cause = cause;
	return NULL;
}

/*
 * Start the writer's integrity check. On a database already in WAL mode
 * nothing is written before the first append, so the check runs beside
 * the loading (store_check_finish() waits for it); otherwise, and if no
 * thread can be had, it runs here first, before anything is written.
 */
static int
store_check_start(struct store *s, char **cause)
{
	char *mode = NULL;
	bool wal;

	wal = store_query_text(s, "PRAGMA journal_mode", &mode, NULL) ==
	    SQLITE_OK && mode != NULL && strcmp(mode, "wal") == 0;
	free(mode);
	if (wal && s->check_later &&
	    pthread_create(&s->check, NULL, store_check_run, s) == 0) {
		s->checking = true;
		return 0;
	}
	return store_check_integrity(s, cause);
}

/* Wait for the integrity check begun at open; -1 with *cause if damaged. */
int
store_check_finish(struct store *s, char **cause)
{
	if (s->checking) {
		pthread_join(s->check, NULL);
		s->checking = false;
	}
	if (s->check_cause != NULL) {
		*cause = s->check_cause;
		s->check_cause = NULL;
		return -1;
	}
	return 0;
}

/*
 * Decide whether the file is a podium database this build can read; sets
 * *fresh for an SQLite file with no tables at all (new, or created by a
 * writer that has not committed its schema yet). Reads only.
 */
static int
store_check_schema(struct store *s, bool *fresh, char **cause)
{
	int64_t tables, version, ours;
	char *app = NULL;
	int rc;

	*fresh = false;
	if (store_query_int(s, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
	    &tables, cause) != 0)
		return -1;
	if (store_query_int(s, "PRAGMA user_version", &version, cause) != 0)
		return -1;

	if (tables == 0 && version == 0) {
		if (s->mode == STORE_READ_ONLY) {
			store_set_cause(cause, "%s holds no podium data yet;"
			    " start the chair console first or give --db",
			    s->path);
			return -1;
		}
		*fresh = true;
		return 0;
	}

	/* A missing meta table is a prepare error: simply not ours. */
	rc = store_query_text(s, "SELECT value FROM meta"
	    " WHERE key = 'application'", &app, NULL);
	if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_ERROR) {
		store_open_cause(s, rc, cause);
		return -1;
	}
	if (app == NULL || strcmp(app, STORE_APPLICATION) != 0) {
		store_set_cause(cause, "%s is an SQLite database but not a"
		    " podium database; give another --db", s->path);
		free(app);
		return -1;
	}
	free(app);

	ours = STORE_SCHEMA_VERSION;
	if (version > ours) {
		store_set_cause(cause, "%s was written by a newer podium"
		    " (schema %lld, this one reads %lld); upgrade podium",
		    s->path, (long long)version, (long long)ours);
		return -1;
	}
	/* Schema 1 is read as it is; a writer adds the chains to it. */
	if (version < 1) {
		store_set_cause(cause, "%s is a podium database with schema"
		    " %lld, which this podium (schema %lld) cannot read; give"
		    " another --db", s->path, (long long)version,
		    (long long)ours);
		return -1;
	}

	if (store_query_int(s, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table'"
	    " AND name IN ('meta', 'journal', 'journal_undo')",
	    &tables, cause) != 0)
		return -1;
	if (tables != (version >= STORE_CHAINED_VERSION ? 3 : 2)) {
		store_set_cause(cause, "%s is damaged (its journal table is"
		    " missing); restore it from a backup or give another --db",
		    s->path);
		return -1;
	}
	s->version = version;
	return 0;
}

/*
 * Give a new database its schema in one transaction. Checks again under
 * the write lock, in case another writer created it since we looked.
 */
static int
store_create_schema(struct store *s, char **cause)
{
	char *sql = NULL;
	bool fresh;
	int rc;

	if (store_exec_stmt(s, STMT_BEGIN, "creating the database", cause) != 0)
		return -1;
	if (store_check_schema(s, &fresh, cause) != 0)
		goto fail;
	if (fresh) {
		if (asprintf(&sql, "%s"
		    "INSERT INTO meta(key, value) VALUES"
		    " ('application', '%s'), ('schema_version', '%d');"
		    "PRAGMA user_version = %d;",
		    store_schema_sql, STORE_APPLICATION, STORE_SCHEMA_VERSION,
		    STORE_SCHEMA_VERSION) < 0)
			store_oom();
		rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
		free(sql);
		if (rc != SQLITE_OK) {
			store_db_cause(s, "creating the database", rc, cause);
			goto fail;
		}
		s->version = STORE_SCHEMA_VERSION;
	}
	if (store_exec_stmt(s, STMT_COMMIT, "creating the database",
	    cause) != 0)
		goto fail;
	return 0;

fail:
	store_rollback(s);
	return -1;
}

/* Set the per-connection settings a writer needs, after validation. */
static int
store_setup_writer(struct store *s, char **cause)
{
	char *mode = NULL;
	int rc;

	/*
	 * WAL lets podium state, export and the mirror read while the chair
	 * writes; exclusive locking would shut them out.
	 */
	if (store_query_text(s, "PRAGMA journal_mode = WAL", &mode, cause) !=
	    SQLITE_OK)
		return -1;
	if (mode == NULL || strcmp(mode, "wal") != 0) {
		store_set_cause(cause, "cannot use write-ahead logging for %s"
		    " (journal mode stays %s); put the database on a local"
		    " disk in a writable directory", s->path,
		    mode != NULL ? mode : "unknown");
		free(mode);
		return -1;
	}
	free(mode);

	/*
	 * synchronous=FULL: in WAL mode NORMAL does not sync the log at each
	 * commit, so a power loss could lose actions the chair was already
	 * told were saved. Each acknowledgement must survive power loss.
	 * The writer's VFS shim (store-vfs.c) relies on it too: its gathered
	 * log writes reach the file at that sync, before SQLite tells any
	 * reader of the new frames.
	 */
	/*
	 * cache_size: the writer reads the journal once at start and then
	 * appends; 512 KiB of pages (SQLite's default is 2 MiB) keep the
	 * indexes' upper levels, and the operating system caches the rest.
	 */
	rc = sqlite3_exec(s->db, "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON; PRAGMA cache_size = -512;", NULL, NULL,
	    NULL);
	if (rc != SQLITE_OK) {
		store_db_cause(s, "configuring the database", rc, cause);
		return -1;
	}
	return 0;
}

/*
 * Make the write-ahead log durable before the writer acknowledges
 * anything. A console killed between writing a commit and syncing it (or
 * whose fsync failed) leaves that commit in the log, in the page cache
 * only; reopening replays it as committed, and a retried intake id would
 * be acknowledged as a duplicate of a row that a power cut could still
 * take away (found by tests/reliability/test-powerloss.c).
 */
static int
store_sync_log(struct store *s, char **cause)
{
	sqlite3_file *log = NULL;
	int rc;

	rc = sqlite3_file_control(s->db, "main", SQLITE_FCNTL_JOURNAL_POINTER,
	    &log);
	if (rc != SQLITE_OK || log == NULL || log->pMethods == NULL)
		return 0;
	if (log->pMethods->xSync(log, SQLITE_SYNC_FULL) != SQLITE_OK) {
		store_set_cause(cause, "cannot make the journal of %s durable:"
		    " input/output error; check the disk and try again",
		    s->path);
		return -1;
	}
	return 0;
}

/* The path of the write-ahead log, or NULL when there is none to watch. */
static const char *
store_log_path(struct store *s)
{
	const char *db;

	if (s->mode != STORE_READ_WRITE || s->db == NULL)
		return NULL;
	db = sqlite3_db_filename(s->db, "main");
	return db != NULL && db[0] != '\0' ? sqlite3_filename_wal(db) : NULL;
}

/*
 * Whether the log SQLite writes is still the file at its path. The file
 * is remembered the first time it is seen; a stat() that fails for any
 * other reason than its absence proves nothing and counts as attached.
 */
static bool
store_log_attached(struct store *s)
{
	const char *path = store_log_path(s);
	struct stat st;

	if (path == NULL)
		return true;
	if (stat(path, &st) != 0)
		return errno != ENOENT || !s->log_known;
	if (!s->log_known) {
		s->log_known = true;
		s->log_dev = st.st_dev;
		s->log_ino = st.st_ino;
		return true;
	}
	return st.st_dev == s->log_dev && st.st_ino == s->log_ino;
}

/*
 * The log was removed or replaced while SQLite had it open, so what it
 * holds is reachable only through SQLite's descriptor. Copy it into the
 * database file (a checkpoint, synced), then leave WAL mode and enter it
 * again so that SQLite starts a new log at its path. 0 once the database
 * file holds everything committed (a new log that cannot be made yet is
 * tried again next time: commits are durable without one), -1 with
 * *cause while it does not.
 */
static int
store_log_restore(struct store *s, char **cause)
{
	int nlog = -1, copied = -1, rc;
	char *mode = NULL;

	s->log_lost = true;
	s->log_known = false;
	if (store_query_text(s, "PRAGMA journal_mode", &mode, NULL) !=
	    SQLITE_OK || mode == NULL)
		goto fail;
	if (strcmp(mode, "wal") == 0) {
		rc = sqlite3_wal_checkpoint_v2(s->db, "main",
		    SQLITE_CHECKPOINT_TRUNCATE, &nlog, &copied);
		if ((rc != SQLITE_OK && rc != SQLITE_BUSY) || nlog < 0 ||
		    copied != nlog)
			goto fail;
		/* Everything committed is in the database file now. */
		free(mode);
		mode = NULL;
		if (store_query_text(s, "PRAGMA journal_mode = DELETE", &mode,
		    NULL) != SQLITE_OK || mode == NULL ||
		    strcmp(mode, "delete") != 0) {
			free(mode);
			return 0;
		}
	}
	free(mode);
	mode = NULL;
	if (store_query_text(s, "PRAGMA journal_mode = WAL", &mode, NULL) ==
	    SQLITE_OK && mode != NULL && strcmp(mode, "wal") == 0)
		s->log_lost = false;
	free(mode);
	return 0;

fail:
	free(mode);
	s->fault = STORE_FAULT_LOG;
	store_set_cause(cause, "the write-ahead log of %s (%s-wal) was removed"
	    " while podium ran, and copying what it held back into the"
	    " database failed (%s); free some space or make the disk writable,"
	    " and keep podium running until saving works again", s->path,
	    s->path, sqlite3_errmsg(s->db));
	return -1;
}

/* Make sure the writer logs to the file at the log's path; see store.h. */
int
store_check_log(struct store *s, char **cause)
{
	if (s->mode != STORE_READ_WRITE || (!s->log_lost &&
	    store_log_attached(s)))
		return 0;
	return store_log_restore(s, cause);
}

/* The kind of the last failure; see store.h. */
enum store_fault
store_fault(const struct store *s)
{
	return s->fault;
}

/*
 * Create the file ourselves when missing, so it gets mode 0600 (it holds
 * the names of people asking questions; SQLite's -wal and -shm files copy
 * its mode) and so a failure says exactly why.
 */
static int
store_create_file(struct store *s, char **cause)
{
	struct stat st;
	int fd;

	if (stat(s->path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			store_set_cause(cause, "%s is a directory, not a"
			    " database; give a file name to --db", s->path);
			return -1;
		}
		return 0;
	}
	fd = open(s->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST) {
		store_set_cause(cause, "cannot create %s: %s; choose a"
		    " writable --db location", s->path, strerror(errno));
		return -1;
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

/*
 * The hash both chains start from, over the event text and the mode as
 * stored now (both are written once, before the first row).
 */
static int
store_genesis(struct store *s, char out[STORE_HASH_HEX + 1], char **cause)
{
	char *event = NULL, *mode = NULL;

	if (store_query_text(s, "SELECT value FROM meta WHERE key = 'event'",
	    &event, cause) != SQLITE_OK)
		return -1;
	if (store_query_text(s, "SELECT value FROM meta WHERE key = 'mode'",
	    &mode, cause) != SQLITE_OK) {
		free(event);
		return -1;
	}
	store_chain_genesis(s->chain, event, mode, out);
	free(event);
	free(mode);
	return 0;
}

/* Copy a stored hash (NULL reads as empty: verification will say so). */
static void
store_copy_hash(char out[STORE_HASH_HEX + 1], const unsigned char *text)
{
	snprintf(out, STORE_HASH_HEX + 1, "%s",
	    text != NULL ? (const char *)text : "");
}

/*
 * The last link of a chain, inside the caller's transaction: the largest
 * seq (or undo n) and its hash, or 0 and the genesis for an empty chain.
 */
static int
store_last_link(struct store *s, enum store_stmt id, int64_t *last,
    char prev[STORE_HASH_HEX + 1], char **cause)
{
	sqlite3_stmt *stmt = store_stmt(s, id, cause);
	int rc;

	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*last = sqlite3_column_int64(stmt, 0);
		store_copy_hash(prev, sqlite3_column_text(stmt, 1));
		sqlite3_reset(stmt);
		return 0;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		store_db_cause(s, "reading the journal", rc, cause);
		return -1;
	}
	*last = 0;
	return store_genesis(s, prev, cause);
}

/* Append one entry to the undo chain, inside the caller's transaction. */
static int
store_append_undo(struct store *s, int64_t seq, bool undone, char **cause)
{
	char prev[STORE_HASH_HEX + 1], hash[STORE_HASH_HEX + 1];
	sqlite3_stmt *stmt;
	int64_t n;
	int rc;

	if (store_last_link(s, STMT_LAST_UNDO, &n, prev, cause) != 0)
		return -1;
	n++;
	store_chain_undo(s->chain, prev, n, seq, undone, hash);
	stmt = store_stmt(s, STMT_INSERT_UNDO, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, n);
	sqlite3_bind_int64(stmt, 2, seq);
	sqlite3_bind_int(stmt, 3, undone ? 1 : 0);
	sqlite3_bind_text(stmt, 4, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		store_db_cause(s, "saving an undo", rc, cause);
		return -1;
	}
	return 0;
}

/* One row of a schema-1 journal on its way to getting its hash. */
struct store_migrate_row {
	int64_t seq;
	bool undone;
	char hash[STORE_HASH_HEX + 1];
};

/*
 * Read a schema-1 journal in seq order and compute every row's hash
 * (before writing any: a table is not updated while it is being read).
 */
static int
store_migrate_hash(struct store *s, struct store_migrate_row **out,
    size_t *n, char **cause)
{
	char prev[STORE_HASH_HEX + 1];
	struct store_migrate_row *v = NULL;
	sqlite3_stmt *stmt = NULL;
	struct store_row row;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_genesis(s, prev, cause) != 0)
		return -1;
	rc = sqlite3_prepare_v2(s->db, "SELECT seq, kind, args, mono_ms,"
	    " wall_ms, origin, ext_id, undone FROM journal ORDER BY seq", -1,
	    &stmt, NULL);
	while (stmt != NULL && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap != 0 ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof *v);
			if (v == NULL)
				store_oom();
		}
		row.seq = sqlite3_column_int64(stmt, 0);
		row.kind = (const char *)sqlite3_column_text(stmt, 1);
		row.args = (const char *)sqlite3_column_text(stmt, 2);
		row.mono_ms = sqlite3_column_int64(stmt, 3);
		row.wall_ms = sqlite3_column_int64(stmt, 4);
		row.origin = (const char *)sqlite3_column_text(stmt, 5);
		row.ext_id = (const char *)sqlite3_column_text(stmt, 6);
		v[*n].seq = row.seq;
		v[*n].undone = sqlite3_column_int(stmt, 7) != 0;
		store_chain_row(s->chain, prev, &row, v[*n].hash);
		memcpy(prev, v[*n].hash, sizeof prev);
		(*n)++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_db_cause(s, "adding the hash chain", rc, cause);
		free(v);
		*n = 0;
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * Inside the migration's transaction: the hash column and the undo table,
 * every row's hash, and one undo entry per row already undone (in seq
 * order: when they were undone was not recorded).
 */
static int
store_migrate_rows(struct store *s, char **cause)
{
	struct store_migrate_row *v = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t n = 0, i;
	char *sql = NULL;
	int rc;

	rc = sqlite3_exec(s->db, store_migrate_sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		store_db_cause(s, "adding the hash chain", rc, cause);
		goto fail;
	}
	if (store_migrate_hash(s, &v, &n, cause) != 0)
		goto fail;
	rc = sqlite3_prepare_v2(s->db, "UPDATE journal SET hash = ?"
	    " WHERE seq = ?", -1, &stmt, NULL);
	for (i = 0; rc == SQLITE_OK && i < n; i++) {
		sqlite3_bind_text(stmt, 1, v[i].hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, v[i].seq);
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_OK) {
		store_db_cause(s, "adding the hash chain", rc, cause);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (v[i].undone && store_append_undo(s, v[i].seq, true,
		    cause) != 0)
			goto fail;
	}
	if (asprintf(&sql, "INSERT OR REPLACE INTO meta(key, value)"
	    " VALUES ('schema_version', '%d'); PRAGMA user_version = %d;",
	    STORE_CHAINED_VERSION, STORE_CHAINED_VERSION) < 0)
		store_oom();
	rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		store_db_cause(s, "adding the hash chain", rc, cause);
		goto fail;
	}
	free(v);
	return 0;

fail:
	free(v);
	return -1;
}

/* Give a schema-1 database its chains, all in one transaction. */
static int
store_migrate(struct store *s, char **cause)
{
	int64_t version;

	if (store_exec_stmt(s, STMT_BEGIN, "adding the hash chain", cause) != 0)
		return -1;
	/* Another writer may have done it since we looked. */
	if (store_query_int(s, "PRAGMA user_version", &version, cause) != 0)
		goto fail;
	if (version < STORE_CHAINED_VERSION &&
	    store_migrate_rows(s, cause) != 0)
		goto fail;
	if (store_exec_stmt(s, STMT_COMMIT, "adding the hash chain",
	    cause) != 0)
		goto fail;
	s->version = STORE_CHAINED_VERSION;
	return 0;

fail:
	store_rollback(s);
	return -1;
}

/* Open the writer's connection: validate first, then configure. */
static int
store_open_rw(struct store *s, char **cause)
{
	bool fresh;
	int rc;

	if (store_create_file(s, cause) != 0)
		return -1;
	rc = sqlite3_open_v2(s->path, &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, store_vfs_name());
	if (rc != SQLITE_OK) {
		int sys = s->db != NULL ? sqlite3_system_errno(s->db) : 0;

		store_set_cause(cause, "cannot open %s: %s; choose a writable"
		    " --db location", s->path,
		    sys != 0 ? strerror(sys) : sqlite3_errstr(rc));
		return -1;
	}
	/* SQLite quietly falls back to read-only on an unwritable file. */
	if (sqlite3_db_readonly(s->db, "main") == 1) {
		store_set_cause(cause, "cannot open %s for writing: Permission"
		    " denied; choose a writable --db location", s->path);
		return -1;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);

	if (store_check_start(s, cause) != 0)
		return -1;
	if (store_check_schema(s, &fresh, cause) != 0)
		return -1;
	if (store_setup_writer(s, cause) != 0)
		return -1;
	if (store_sync_log(s, cause) != 0)
		return -1;
	if (fresh && store_create_schema(s, cause) != 0)
		return -1;
	/* A migration writes: never into a file not known to be intact. */
	if (!fresh && s->version < STORE_CHAINED_VERSION &&
	    (store_check_finish(s, cause) != 0 || store_migrate(s, cause) != 0))
		return -1;
	store_log_attached(s);  /* remember the log SQLite has open */
	return 0;
}

/* Open a reader's connection, which never writes to the database. */
static int
store_open_ro(struct store *s, char **cause)
{
	struct stat st;
	bool fresh;
	int rc;

	if (stat(s->path, &st) != 0) {
		if (errno == ENOENT) {
			store_set_cause(cause, "no database at %s; start the"
			    " chair console first or give --db", s->path);
		} else {
			store_set_cause(cause, "cannot read %s: %s; check the"
			    " path given to --db", s->path, strerror(errno));
		}
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		store_set_cause(cause, "%s is a directory, not a database;"
		    " give a file name to --db", s->path);
		return -1;
	}
	rc = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		int sys = s->db != NULL ? sqlite3_system_errno(s->db) : 0;

		store_set_cause(cause, "cannot open %s: %s; check its"
		    " permissions or give another --db", s->path,
		    sys != 0 ? strerror(sys) : sqlite3_errstr(rc));
		return -1;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	return store_check_schema(s, &fresh, cause);
}

/* Open a database in the given mode; see store.h. */
int
store_open(struct store **out, const char *path, enum store_mode mode,
    char **cause)
{
	struct store *s;
	int rc;

	*out = NULL;
	s = store_xcalloc(1, sizeof *s);
	s->path = store_xstrdup(path);
	s->mode = mode == STORE_READ_ONLY ? mode : STORE_READ_WRITE;
	s->check_later = mode == STORE_READ_WRITE_LOADING;
	s->chain = store_chain_create();
	if (mode == STORE_READ_ONLY)
		rc = store_open_ro(s, cause);
	else
		rc = store_open_rw(s, cause);
	if (rc != 0)
		goto fail;
	*out = s;
	return 0;

fail:
	store_close(s);
	return -1;
}

/* Finalise the cached statements and close the connection. */
void
store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->checking)
		pthread_join(s->check, NULL);
	free(s->check_cause);
	for (i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close_v2(s->db);
	store_chain_destroy(s->chain);
	free(s->path);
	free(s);
}

/*
 * Read one meta value: 0 with *value malloc'd, or NULL when unset;
 * -1 with *cause on a database error.
 */
static int
store_meta_read(struct store *s, const char *key, char **value, char **cause)
{
	sqlite3_stmt *stmt;
	const unsigned char *text;
	int rc;

	*value = NULL;
	stmt = store_stmt(s, STMT_META_GET, cause);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		text = sqlite3_column_text(stmt, 0);
		if (text != NULL)
			*value = store_xstrdup((const char *)text);
	} else if (rc != SQLITE_DONE) {
		store_db_cause(s, "reading settings", rc, cause);
		sqlite3_reset(stmt);
		return -1;
	}
	sqlite3_reset(stmt);
	return 0;
}

/* Whether no event has been stored yet. */
bool
store_is_empty(struct store *s)
{
	char *event = NULL;
	bool empty;

	if (store_meta_read(s, "event", &event, NULL) != 0)
		return false;
	empty = event == NULL;
	free(event);
	return empty;
}

/* Refuse rows a caller should never hand in, before touching the file. */
static int
store_check_rows(struct store *s, const struct store_row *rows, size_t n,
    char **cause)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (rows[i].kind == NULL || rows[i].args == NULL ||
		    rows[i].origin == NULL) {
			store_set_cause(cause, "cannot save journal row %lld to"
			    " %s: its kind, args or origin is missing; please"
			    " report this", (long long)rows[i].seq, s->path);
			return -1;
		}
	}
	return 0;
}

/*
 * Insert rows inside the caller's transaction, keeping seq strictly
 * increasing so that replay order is the order things happened.
 */
static int
store_insert_rows(struct store *s, const struct store_row *rows, size_t n,
    char **cause)
{
	char prev[STORE_HASH_HEX + 1], hash[STORE_HASH_HEX + 1];
	sqlite3_stmt *stmt;
	int64_t last;
	size_t i;
	int rc;

	if (store_last_link(s, STMT_LAST_ROW, &last, prev, cause) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		const struct store_row *r = &rows[i];

		if (r->seq <= last) {
			store_set_cause(cause, "cannot save journal row %lld to"
			    " %s: it does not come after row %lld; please"
			    " report this", (long long)r->seq, s->path,
			    (long long)last);
			return -1;
		}
		store_chain_row(s->chain, prev, r, hash);
		stmt = store_stmt(s, STMT_INSERT_ROW, cause);
		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, r->seq);
		sqlite3_bind_text(stmt, 2, r->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, r->args, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 4, r->mono_ms);
		sqlite3_bind_int64(stmt, 5, r->wall_ms);
		sqlite3_bind_text(stmt, 6, r->origin, -1, SQLITE_STATIC);
		if (r->ext_id != NULL)
			sqlite3_bind_text(stmt, 7, r->ext_id, -1,
			    SQLITE_STATIC);
		else
			sqlite3_bind_null(stmt, 7);
		sqlite3_bind_int(stmt, 8, r->undone ? 1 : 0);
		sqlite3_bind_text(stmt, 9, hash, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		if (rc != SQLITE_DONE) {
			/* seq is checked above, so only ext_id can clash. */
			if (sqlite3_extended_errcode(s->db) ==
			    SQLITE_CONSTRAINT_UNIQUE && r->ext_id != NULL) {
				store_set_cause(cause, "an item with id \"%s\""
				    " is already stored in %s; a resent item"
				    " must be looked up by its id, not stored"
				    " again", r->ext_id, s->path);
			} else {
				store_db_cause(s, "saving actions", rc, cause);
			}
			sqlite3_reset(stmt);
			return -1;
		}
		sqlite3_reset(stmt);
		/* A row born undone is an undo like any other. */
		if (r->undone && store_append_undo(s, r->seq, true, cause) != 0)
			return -1;
		last = r->seq;
		memcpy(prev, hash, sizeof prev);
	}
	return 0;
}

/* Store the event text and its first rows in one transaction. */
int
store_create_event(struct store *s, const char *event_json,
    const struct store_row *rows, size_t nrows, char **cause)
{
	sqlite3_stmt *stmt;
	char *existing = NULL;
	int rc;

	if (event_json == NULL) {
		store_set_cause(cause, "cannot create the event in %s: no"
		    " event text; please report this", s->path);
		return -1;
	}
	if (store_check_rows(s, rows, nrows, cause) != 0)
		return -1;
	if (store_exec_stmt(s, STMT_BEGIN, "creating the event", cause) != 0)
		return -1;
	if (store_meta_read(s, "event", &existing, cause) != 0)
		goto fail;
	if (existing != NULL) {
		free(existing);
		store_set_cause(cause, "%s already holds an event; give"
		    " another --db to start a new one", s->path);
		goto fail;
	}
	stmt = store_stmt(s, STMT_META_SET, cause);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_text(stmt, 1, "event", -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, event_json, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		store_db_cause(s, "creating the event", rc, cause);
		goto fail;
	}
	if (store_insert_rows(s, rows, nrows, cause) != 0)
		goto fail;
	if (store_exec_stmt(s, STMT_COMMIT, "creating the event", cause) != 0)
		goto fail;
	return 0;

fail:
	store_rollback(s);
	return -1;
}

/* The stored event text, or NULL with *cause. */
char *
store_event_json(struct store *s, char **cause)
{
	char *event = NULL;

	if (store_meta_read(s, "event", &event, cause) != 0)
		return NULL;
	if (event == NULL) {
		store_set_cause(cause, "%s holds no event yet; start the chair"
		    " console with --event FILE first", s->path);
		return NULL;
	}
	return event;
}

/* A meta value, or NULL when unset (or unreadable). */
char *
store_meta_get(struct store *s, const char *key)
{
	char *value = NULL;

	if (key == NULL || store_meta_read(s, key, &value, NULL) != 0)
		return NULL;
	return value;
}

/* Set several meta values in one transaction. */
int
store_meta_set(struct store *s, const char **keys, const char **values,
    size_t n, char **cause)
{
	sqlite3_stmt *stmt;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (keys[i] == NULL || values[i] == NULL) {
			store_set_cause(cause, "cannot save settings to %s: a"
			    " key or value is missing; please report this",
			    s->path);
			return -1;
		}
	}
	if (store_check_log(s, cause) != 0)
		return -1;
	if (store_exec_stmt(s, STMT_BEGIN, "saving settings", cause) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		stmt = store_stmt(s, STMT_META_SET, cause);
		if (stmt == NULL)
			goto fail;
		sqlite3_bind_text(stmt, 1, keys[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, values[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		if (rc != SQLITE_DONE) {
			store_db_cause(s, "saving settings", rc, cause);
			sqlite3_reset(stmt);
			goto fail;
		}
		sqlite3_reset(stmt);
	}
	if (store_exec_stmt(s, STMT_COMMIT, "saving settings", cause) != 0)
		goto fail;
	return 0;

fail:
	store_rollback(s);
	return -1;
}

/* Append rows durably, all or none. */
int
store_append(struct store *s, const struct store_row *rows, size_t n,
    char **cause)
{
	if (n == 0)
		return 0;
	s->fault = STORE_FAULT_OTHER;
	if (store_check_rows(s, rows, n, cause) != 0)
		return -1;
	if (store_check_log(s, cause) != 0)
		return -1;
	if (store_exec_stmt(s, STMT_BEGIN, "saving actions", cause) != 0)
		return -1;
	if (store_insert_rows(s, rows, n, cause) != 0)
		goto fail;
	if (store_exec_stmt(s, STMT_COMMIT, "saving actions", cause) != 0)
		goto fail;
	/* Removed while this commit ran: it went to the removed file. */
	if (!store_log_attached(s) && store_log_restore(s, cause) != 0)
		return STORE_NOT_DURABLE;
	s->fault = STORE_FAULT_NONE;
	return 0;

fail:
	store_rollback(s);
	return -1;
}

/* One small write that waits for no lock; see store.h. */
int
store_probe(struct store *s, char **cause)
{
	char now[32];
	const char *key = "store.write_checked";
	const char *value = now;
	int rc;

	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	/* A lock held elsewhere must not stall the console for seconds. */
	sqlite3_busy_timeout(s->db, 0);
	rc = store_meta_set(s, &key, &value, 1, cause);
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	return rc;
}

/* Mark one row undone (or not), durably. */
int
store_set_undone(struct store *s, int64_t seq, bool undone, char **cause)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_check_log(s, cause) != 0)
		return -1;
	if (store_exec_stmt(s, STMT_BEGIN, "saving an undo", cause) != 0)
		return -1;
	stmt = store_stmt(s, STMT_SET_UNDONE, cause);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int(stmt, 1, undone ? 1 : 0);
	sqlite3_bind_int64(stmt, 2, seq);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		store_db_cause(s, "saving an undo", rc, cause);
		goto fail;
	}
	if (sqlite3_changes(s->db) != 1) {
		store_set_cause(cause, "cannot mark journal row %lld undone in"
		    " %s: there is no such row; please report this",
		    (long long)seq, s->path);
		goto fail;
	}
	if (store_append_undo(s, seq, undone, cause) != 0)
		goto fail;
	if (store_exec_stmt(s, STMT_COMMIT, "saving an undo", cause) != 0)
		goto fail;
	return 0;

fail:
	store_rollback(s);
	return -1;
}

/*
 * Walk the journal in seq order. The statement is prepared per call, not
 * cached, so fn may itself use the store (even walk it again).
 */
int
store_journal_foreach(struct store *s,
    int (*fn)(const struct store_row *row, void *arg), void *arg,
    char **cause)
{
	sqlite3_stmt *stmt = NULL;
	struct store_row row;
	int rc, ret = 0;

	rc = sqlite3_prepare_v2(s->db, "SELECT seq, kind, args, mono_ms,"
	    " wall_ms, origin, ext_id, undone FROM journal ORDER BY seq", -1,
	    &stmt, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		row.seq = sqlite3_column_int64(stmt, 0);
		row.kind = (const char *)sqlite3_column_text(stmt, 1);
		row.args = (const char *)sqlite3_column_text(stmt, 2);
		row.mono_ms = sqlite3_column_int64(stmt, 3);
		row.wall_ms = sqlite3_column_int64(stmt, 4);
		row.origin = (const char *)sqlite3_column_text(stmt, 5);
		row.ext_id = (const char *)sqlite3_column_text(stmt, 6);
		row.undone = sqlite3_column_int(stmt, 7) != 0;
		if (row.kind == NULL || row.args == NULL ||
		    row.origin == NULL) {
			store_set_cause(cause, "%s is damaged (journal row"
			    " %lld is incomplete); restore it from a backup",
			    s->path, (long long)row.seq);
			ret = -1;
			break;
		}
		ret = fn(&row, arg);
		if (ret != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(stmt);
	return ret;

fail:
	store_db_cause(s, "reading the journal", rc, cause);
	sqlite3_finalize(stmt);
	return -1;
}

/* Hold one read snapshot over several lookups; see store.h. */
void
store_read_begin(struct store *s)
{
	if (sqlite3_get_autocommit(s->db))
		store_exec_stmt(s, STMT_BEGIN_READ, "reading", NULL);
}

/* End what store_read_begin() began. */
void
store_read_end(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db) &&
	    store_exec_stmt(s, STMT_COMMIT, "reading", NULL) != 0)
		store_rollback(s);
}

/* The seq of the row carrying this sender id, 0 if none (or on error). */
int64_t
store_find_ext_id(struct store *s, const char *ext_id)
{
	sqlite3_stmt *stmt;
	int64_t seq = 0;

	if (ext_id == NULL)
		return 0;
	stmt = store_stmt(s, STMT_FIND_EXT_ID, NULL);
	if (stmt == NULL)
		return 0;
	sqlite3_bind_text(stmt, 1, ext_id, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		seq = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return seq;
}

/* The largest seq in the journal, 0 if empty, -1 on a database error. */
int64_t
store_last_seq(struct store *s)
{
	sqlite3_stmt *stmt;
	int64_t seq = -1;

	stmt = store_stmt(s, STMT_LAST_SEQ, NULL);
	if (stmt == NULL)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		seq = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return seq;
}

/* One undo entry as verification needs it. */
struct store_undo_entry {
	int64_t n;
	int64_t seq;
	bool undone;
};

/* Everything store_verify() tracks while it walks the chains. */
struct store_verify_walk {
	struct store_verify_result *r;
	struct store_undo_entry *undo; /* sorted by seq, then n */
	size_t nundo;
	size_t next;                   /* first entry not matched to a row yet */
	int64_t first_bad_row;         /* seq, or 0 */
	char bad_row_why[200];
	int64_t first_bad_undo;        /* n, or 0 */
	char bad_undo_why[200];
	int64_t first_bad_flag;        /* seq, or 0 */
	char bad_flag_why[200];
};

/* Order undo entries by the row they are about, then by when. */
static int
store_undo_cmp(const void *a, const void *b)
{
	const struct store_undo_entry *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* Note a bad undo entry, keeping the one that comes first. */
static void
store_verify_bad_undo(struct store_verify_walk *w, int64_t n,
    const char *why)
{
	if (w->first_bad_undo == 0 || n < w->first_bad_undo) {
		w->first_bad_undo = n;
		snprintf(w->bad_undo_why, sizeof w->bad_undo_why, "%s", why);
	}
}

/*
 * Recompute the undo chain (each entry against the stored hash before it,
 * so one edit shows at the entry edited) and keep its entries.
 */
static int
store_verify_undo(struct store *s, struct store_verify_walk *w,
    const char *genesis)
{
	char prev[STORE_HASH_HEX + 1], want[STORE_HASH_HEX + 1];
	sqlite3_stmt *stmt = NULL;
	size_t cap = 0;
	int rc;

	memcpy(prev, genesis, sizeof prev);
	rc = sqlite3_prepare_v2(s->db, "SELECT n, seq, undone, hash"
	    " FROM journal_undo ORDER BY n", -1, &stmt, NULL);
	while (stmt != NULL && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_undo_entry e;
		const unsigned char *hash = sqlite3_column_text(stmt, 3);

		e.n = sqlite3_column_int64(stmt, 0);
		e.seq = sqlite3_column_int64(stmt, 1);
		e.undone = sqlite3_column_int(stmt, 2) != 0;
		store_chain_undo(s->chain, prev, e.n, e.seq, e.undone, want);
		if (hash == NULL || strcmp((const char *)hash, want) != 0) {
			w->r->bad_undos++;
			store_verify_bad_undo(w, e.n, "its hash does not match"
			    " it and the entry before it: the entry was"
			    " changed after it was written, or an entry just"
			    " before it was removed or inserted");
		}
		store_copy_hash(prev, hash);
		if (w->nundo == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			w->undo = realloc(w->undo, cap * sizeof *w->undo);
			if (w->undo == NULL)
				store_oom();
		}
		w->undo[w->nundo++] = e;
		w->r->undos++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return rc;
	memcpy(w->r->undo_hash, prev, sizeof prev);
	if (w->nundo > 0)
		qsort(w->undo, w->nundo, sizeof *w->undo, store_undo_cmp);
	return SQLITE_OK;
}

/* Entries about rows that are not in the journal (seq before this one). */
static void
store_verify_orphans(struct store_verify_walk *w, int64_t before)
{
	char why[200];

	while (w->next < w->nundo && w->undo[w->next].seq < before) {
		snprintf(why, sizeof why, "it undoes row %lld, which is not in"
		    " the journal: the row was removed",
		    (long long)w->undo[w->next].seq);
		store_verify_bad_undo(w, w->undo[w->next].n, why);
		w->next++;
	}
}

/* Whether a row's undone flag is what the undo chain says it must be. */
static void
store_verify_flag(struct store_verify_walk *w, int64_t seq, bool undone)
{
	const struct store_undo_entry *last = NULL;

	store_verify_orphans(w, seq);
	while (w->next < w->nundo && w->undo[w->next].seq == seq)
		last = &w->undo[w->next++];
	if (undone == (last != NULL && last->undone))
		return;
	w->r->bad_flags++;
	if (w->first_bad_flag != 0)
		return;
	w->first_bad_flag = seq;
	if (last == NULL)
		snprintf(w->bad_flag_why, sizeof w->bad_flag_why, "it is marked"
		    " undone, but the undo chain never undid it: the flag was"
		    " changed by hand");
	else if (undone)
		snprintf(w->bad_flag_why, sizeof w->bad_flag_why, "it is marked"
		    " undone, but undo entry %lld restored it: the flag was"
		    " changed by hand", (long long)last->n);
	else
		snprintf(w->bad_flag_why, sizeof w->bad_flag_why, "it is not"
		    " marked undone, but undo entry %lld undid it: the flag"
		    " was changed by hand", (long long)last->n);
}

/*
 * Recompute the journal chain (each row against the stored hash of the
 * row before it, so one edited row shows at that row) and check each
 * row's undone flag against the undo chain.
 */
static int
store_verify_rows(struct store *s, struct store_verify_walk *w,
    const char *genesis)
{
	char prev[STORE_HASH_HEX + 1], want[STORE_HASH_HEX + 1];
	sqlite3_stmt *stmt = NULL;
	struct store_row row;
	int rc;

	memcpy(prev, genesis, sizeof prev);
	rc = sqlite3_prepare_v2(s->db, "SELECT seq, kind, args, mono_ms,"
	    " wall_ms, origin, ext_id, undone, hash FROM journal ORDER BY seq",
	    -1, &stmt, NULL);
	while (stmt != NULL && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *hash = sqlite3_column_text(stmt, 8);

		row.seq = sqlite3_column_int64(stmt, 0);
		row.kind = (const char *)sqlite3_column_text(stmt, 1);
		row.args = (const char *)sqlite3_column_text(stmt, 2);
		row.mono_ms = sqlite3_column_int64(stmt, 3);
		row.wall_ms = sqlite3_column_int64(stmt, 4);
		row.origin = (const char *)sqlite3_column_text(stmt, 5);
		row.ext_id = (const char *)sqlite3_column_text(stmt, 6);
		row.undone = sqlite3_column_int(stmt, 7) != 0;
		store_chain_row(s->chain, prev, &row, want);
		if (hash == NULL || strcmp((const char *)hash, want) != 0) {
			w->r->bad_rows++;
			if (w->first_bad_row == 0) {
				w->first_bad_row = row.seq;
				snprintf(w->bad_row_why, sizeof w->bad_row_why,
				    "%s", hash == NULL || hash[0] == '\0' ?
				    "it has no hash: it was not written by"
				    " podium" : w->r->rows == 0 ?
				    "its content does not match its hash: the"
				    " row, or the stored event or mode the"
				    " chain starts from, was changed after it"
				    " was written" :
				    "its content does not match its hash: the"
				    " row was changed after it was written, or"
				    " a row just before it was removed or"
				    " inserted");
			}
		}
		store_copy_hash(prev, hash);
		store_verify_flag(w, row.seq, row.undone);
		w->r->rows++;
		w->r->last_seq = row.seq;
		w->r->undone_rows += row.undone;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return rc;
	store_verify_orphans(w, INT64_MAX);
	memcpy(w->r->journal_hash, prev, sizeof prev);
	return SQLITE_OK;
}

/* Decide the outcome: the file, then row hashes, the undo chain, flags. */
static void
store_verify_decide(struct store_verify_walk *w)
{
	struct store_verify_result *r = w->r;

	if (w->first_bad_row != 0) {
		r->status = STORE_VERIFY_ROW;
		r->at = w->first_bad_row;
		snprintf(r->why, sizeof r->why, "%s", w->bad_row_why);
	} else if (w->first_bad_undo != 0) {
		r->status = STORE_VERIFY_UNDO;
		r->at = w->first_bad_undo;
		snprintf(r->why, sizeof r->why, "%s", w->bad_undo_why);
	} else if (w->first_bad_flag != 0) {
		r->status = STORE_VERIFY_ROW;
		r->at = w->first_bad_flag;
		snprintf(r->why, sizeof r->why, "%s", w->bad_flag_why);
	} else {
		r->status = STORE_VERIFY_OK;
	}
}

/* Count the rows of an unchained (schema 1) journal. */
static int
store_verify_count(struct store *s, struct store_verify_result *r,
    char **cause)
{
	if (store_query_int(s, "SELECT count(*) FROM journal", &r->rows,
	    cause) != 0)
		return -1;
	if (store_query_int(s, "SELECT COALESCE(MAX(seq), 0) FROM journal",
	    &r->last_seq, cause) != 0)
		return -1;
	return store_query_int(s, "SELECT count(*) FROM journal"
	    " WHERE undone != 0", &r->undone_rows, cause);
}

/* The checks of store_verify(), inside its read transaction. */
static int
store_verify_in(struct store *s, struct store_verify_result *r,
    char **cause)
{
	struct store_verify_walk w;
	char genesis[STORE_HASH_HEX + 1], *report = NULL;
	int64_t version;
	int rc;

	if (store_query_text(s, "PRAGMA integrity_check", &report, cause) !=
	    SQLITE_OK)
		return -1;
	snprintf(r->integrity, sizeof r->integrity, "%s", report != NULL ?
	    store_first_problem(report) : "no answer");
	free(report);
	if (strcmp(r->integrity, "ok") != 0) {
		r->status = STORE_VERIFY_DAMAGED;
		snprintf(r->why, sizeof r->why, "the file is damaged"
		    " (integrity check: %s); restore it from a backup",
		    r->integrity);
		return 0;
	}
	/* A chair may have added the chains since this handle opened. */
	if (store_query_int(s, "PRAGMA user_version", &version, cause) != 0)
		return -1;
	if (version < STORE_CHAINED_VERSION) {
		r->status = STORE_VERIFY_UNCHAINED;
		snprintf(r->why, sizeof r->why, "the database predates the"
		    " hash chain (schema %lld); open it once with the chair"
		    " console (podium --db %s) to add it", (long long)version,
		    s->path);
		return store_verify_count(s, r, cause);
	}
	if (store_genesis(s, genesis, cause) != 0)
		return -1;
	memset(&w, 0, sizeof w);
	w.r = r;
	rc = store_verify_undo(s, &w, genesis);
	if (rc == SQLITE_OK)
		rc = store_verify_rows(s, &w, genesis);
	free(w.undo);
	if (rc != SQLITE_OK) {
		store_db_cause(s, "verifying the journal", rc, cause);
		return -1;
	}
	store_verify_decide(&w);
	return 0;
}

/* Check the file and both chains in one read snapshot; see store.h. */
int
store_verify(struct store *s, struct store_verify_result *r, char **cause)
{
	bool own = sqlite3_get_autocommit(s->db) != 0;
	int rc, ret;

	memset(r, 0, sizeof *r);
	/* One snapshot: a chair appending meanwhile is not half-seen. */
	if (own) {
		rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			store_db_cause(s, "verifying the journal", rc, cause);
			return -1;
		}
	}
	ret = store_verify_in(s, r, cause);
	if (own)
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	return ret;
}

/* Look a hash up in one chain: the key (seq or n) holding it, or 0. */
static int
store_hash_lookup(struct store *s, const char *sql, const char *hash,
    int64_t *key, char **cause)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	*key = 0;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, hash, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW)
			*key = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_db_cause(s, "looking up a hash", rc, cause);
		return -1;
	}
	return 0;
}

/* Find a hash in the journal chain or the undo chain; see store.h. */
int
store_hash_find(struct store *s, const char *hash, int64_t *seq,
    int64_t *undo_n, char **cause)
{
	int64_t version;

	*seq = *undo_n = 0;
	if (store_query_int(s, "PRAGMA user_version", &version, cause) != 0)
		return -1;
	if (version < STORE_CHAINED_VERSION)
		return 0;
	if (store_hash_lookup(s, "SELECT seq FROM journal WHERE hash = ?"
	    " ORDER BY seq LIMIT 1", hash, seq, cause) != 0)
		return -1;
	return store_hash_lookup(s, "SELECT n FROM journal_undo"
	    " WHERE hash = ? ORDER BY n LIMIT 1", hash, undo_n, cause);
}
