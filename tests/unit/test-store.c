/*
 * test-store.c -- the durable store and the chair lock, on real files in a
 * scratch directory under /tmp that the group teardown removes.
 *
 * Data flow: each test opens its own database file in the scratch
 * directory, writes through store.h, reopens or opens a second handle and
 * reads back. Refusal tests snapshot the file first and check that it is
 * byte-identical afterwards. SQLite is used directly only to build files
 * that podium itself would never write (foreign, newer schema, schema 1)
 * and to tamper with a journal behind the store's back, as someone editing
 * the file would; the hash chains must then say where.
 *
 * The chain hashes are checked against values computed independently with
 * Python's hashlib from the encoding documented in docs/RECORD.md.
 */
#include "store.h"
#include "lock.h"
#include "store-chain.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#define MAX_SEEN 16

static char scratch[] = "/tmp/podium-test-store-XXXXXX";

/* What a journal walk saw, to compare against what was written. */
struct seen {
	size_t n;
	int64_t last_seq;
	bool ordered;
	int stop_at;
	int64_t seq[MAX_SEEN];
	char kind[MAX_SEEN][32];
	char args[MAX_SEEN][64];
	char origin[MAX_SEEN][16];
	char ext_id[MAX_SEEN][16];
	bool has_ext_id[MAX_SEEN];
	bool undone[MAX_SEEN];
	int64_t mono_ms[MAX_SEEN];
	int64_t wall_ms[MAX_SEEN];
};

/* A file's whole content, to prove a refusal wrote nothing. */
struct snapshot {
	char *data;
	size_t len;
};

/* Build the path of a file in the scratch directory. */
static void
tpath(char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", scratch, name);

	assert_true(n > 0 && (size_t)n < size);
}

/* Read a whole file into a snapshot. */
static void
snapshot_take(struct snapshot *snap, const char *path)
{
	FILE *f = fopen(path, "rb");
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	snap->len = (size_t)len;
	snap->data = malloc(snap->len + 1);
	assert_non_null(snap->data);
	assert_int_equal(fread(snap->data, 1, snap->len, f), snap->len);
	fclose(f);
}

/* Assert that a file still has the content of a snapshot, then free it. */
static void
snapshot_check(struct snapshot *snap, const char *path)
{
	struct snapshot now;

	snapshot_take(&now, path);
	assert_int_equal(now.len, snap->len);
	assert_memory_equal(now.data, snap->data, snap->len);
	free(now.data);
	free(snap->data);
}

/* Write bytes to a file, replacing it or patching it at an offset. */
static void
write_bytes(const char *path, off_t offset, const char *data, size_t len,
    bool truncate)
{
	int fd = open(path, O_WRONLY | O_CREAT | (truncate ? O_TRUNC : 0),
	    0600);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, offset), (ssize_t)len);
	close(fd);
}

/* Fill a buffer with bytes no SQLite header starts with. */
static void
fill_garbage(char *buf, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (char)(seed >> 16);
	}
	buf[0] = 'X';
}

/* Run SQL on a file through SQLite directly, for files podium never makes. */
static void
raw_sql(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* A journal row with test defaults. */
static struct store_row
row(int64_t seq, const char *kind, const char *ext_id)
{
	struct store_row r = {
		.seq = seq,
		.kind = kind,
		.args = "{\"n\":1}",
		.mono_ms = 1000 * seq,
		.wall_ms = 1607085000000 + seq,
		.origin = "chair",
		.ext_id = ext_id,
		.undone = false,
	};

	return r;
}

/* Record a journal row (a copy of the first MAX_SEEN ones). */
static int
collect(const struct store_row *r, void *arg)
{
	struct seen *seen = arg;
	size_t i = seen->n;

	if (seen->n > 0 && r->seq <= seen->last_seq)
		seen->ordered = false;
	seen->last_seq = r->seq;
	if (i < MAX_SEEN) {
		seen->seq[i] = r->seq;
		snprintf(seen->kind[i], sizeof seen->kind[i], "%s", r->kind);
		snprintf(seen->args[i], sizeof seen->args[i], "%s", r->args);
		snprintf(seen->origin[i], sizeof seen->origin[i], "%s",
		    r->origin);
		seen->has_ext_id[i] = r->ext_id != NULL;
		snprintf(seen->ext_id[i], sizeof seen->ext_id[i], "%s",
		    r->ext_id != NULL ? r->ext_id : "");
		seen->undone[i] = r->undone;
		seen->mono_ms[i] = r->mono_ms;
		seen->wall_ms[i] = r->wall_ms;
	}
	seen->n++;
	if (seen->stop_at > 0 && (int)seen->n == seen->stop_at)
		return 42;
	return 0;
}

/* Walk the whole journal into seen. */
static void
walk(struct store *s, struct seen *seen)
{
	char *cause = NULL;

	memset(seen, 0, sizeof *seen);
	seen->ordered = true;
	assert_int_equal(store_journal_foreach(s, collect, seen, &cause), 0);
	assert_null(cause);
}

/* Open a database that must open. */
static struct store *
open_ok(const char *path, enum store_mode mode)
{
	struct store *s = NULL;
	char *cause = NULL;

	if (store_open(&s, path, mode, &cause) != 0)
		fail_msg("store_open %s: %s", path, cause);
	assert_non_null(s);
	assert_null(cause);
	return s;
}

/* Assert a database refuses to open and its cause mentions needle. */
static void
open_refused(const char *path, enum store_mode mode, const char *needle)
{
	struct store *s = (struct store *)1;
	char *cause = NULL;

	assert_int_equal(store_open(&s, path, mode, &cause), -1);
	assert_null(s);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, needle);
	free(cause);
}

/* Create a podium database holding an event and n rows, then close it. */
static void
make_podium_db(const char *path, int64_t n)
{
	struct store_row rows[64];
	struct store *s = open_ok(path, STORE_READ_WRITE);
	char *cause = NULL;
	int64_t i, done = 0;

	assert_int_equal(store_create_event(s, "{\"title\":\"t\"}", NULL, 0,
	    &cause), 0);
	while (done < n) {
		for (i = 0; i < 64 && done + i < n; i++)
			rows[i] = row(done + i + 1, "speaker_add", NULL);
		assert_int_equal(store_append(s, rows, (size_t)i, &cause), 0);
		done += i;
	}
	store_close(s);
}

/* An event and its rows survive close and reopen; the file is set up. */
static void
test_create_reopen(void **state)
{
	const char *event = "{\"title\":\"Financing cooperation\"}";
	struct store_row rows[3] = {
		row(1, "segment_start", NULL),
		row(2, "speaker_add", "reg-1"),
		row(3, "question_add", NULL),
	};
	char path[512], *cause = NULL, *text, *mode;
	struct store *s;
	struct seen seen;
	struct stat st;
	sqlite3 *db;
	sqlite3_stmt *stmt;

	(void)state;
	tpath(path, sizeof path, "create.db");
	rows[1].origin = "intake";
	rows[1].args = "{\"name\":\"Ana\"}";
	rows[2].undone = true;

	s = open_ok(path, STORE_READ_WRITE);
	assert_true(store_is_empty(s));
	assert_int_equal(store_last_seq(s), 0);
	assert_null(store_event_json(s, &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(store_create_event(s, event, rows, 3, &cause), 0);
	assert_false(store_is_empty(s));
	store_close(s);

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	s = open_ok(path, STORE_READ_WRITE);
	assert_false(store_is_empty(s));
	text = store_event_json(s, &cause);
	assert_non_null(text);
	assert_string_equal(text, event);
	free(text);
	text = store_meta_get(s, "application");
	assert_string_equal(text, "podium");
	free(text);
	text = store_meta_get(s, "schema_version");
	assert_string_equal(text, "2");
	free(text);
	assert_int_equal(store_last_seq(s), 3);

	walk(s, &seen);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.seq[0], 1);
	assert_string_equal(seen.kind[0], "segment_start");
	assert_string_equal(seen.origin[0], "chair");
	assert_false(seen.has_ext_id[0]);
	assert_string_equal(seen.kind[1], "speaker_add");
	assert_string_equal(seen.args[1], "{\"name\":\"Ana\"}");
	assert_string_equal(seen.origin[1], "intake");
	assert_true(seen.has_ext_id[1]);
	assert_string_equal(seen.ext_id[1], "reg-1");
	assert_int_equal(seen.mono_ms[1], 2000);
	assert_int_equal(seen.wall_ms[1], 1607085000002);
	assert_false(seen.undone[1]);
	assert_true(seen.undone[2]);

	/* A second event on the same database is refused. */
	assert_int_equal(store_create_event(s, "{}", NULL, 0, &cause), -1);
	assert_non_null(strstr(cause, "already holds an event"));
	free(cause);
	cause = NULL;
	store_close(s);

	/* The file is in WAL mode with our schema version. */
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1,
	    &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	mode = (char *)sqlite3_column_text(stmt, 0);
	assert_string_equal(mode, "wal");
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1,
	    &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), STORE_SCHEMA_VERSION);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

/* Rows come back in seq order; a seq that does not advance is refused. */
static void
test_journal_order(void **state)
{
	struct store_row rows[2];
	char path[512], *cause = NULL;
	struct store *s;
	struct seen seen;
	int64_t i;

	(void)state;
	tpath(path, sizeof path, "order.db");
	s = open_ok(path, STORE_READ_WRITE);
	assert_int_equal(store_create_event(s, "{}", NULL, 0, &cause), 0);
	for (i = 1; i <= 5; i++) {
		rows[0] = row(i * 10, "tick", NULL);
		assert_int_equal(store_append(s, rows, 1, &cause), 0);
	}
	assert_int_equal(store_append(s, rows, 0, &cause), 0);

	rows[0] = row(35, "late", NULL);
	assert_int_equal(store_append(s, rows, 1, &cause), -1);
	assert_non_null(strstr(cause, "35"));
	free(cause);
	cause = NULL;

	/* A batch whose second row goes backwards stores neither row. */
	rows[0] = row(60, "ok", NULL);
	rows[1] = row(55, "back", NULL);
	assert_int_equal(store_append(s, rows, 2, &cause), -1);
	free(cause);
	cause = NULL;

	walk(s, &seen);
	assert_int_equal(seen.n, 5);
	assert_true(seen.ordered);
	for (i = 0; i < 5; i++)
		assert_int_equal(seen.seq[i], (i + 1) * 10);
	assert_int_equal(store_last_seq(s), 50);

	/* The walk stops with the callback's value. */
	memset(&seen, 0, sizeof seen);
	seen.ordered = true;
	seen.stop_at = 2;
	assert_int_equal(store_journal_foreach(s, collect, &seen, &cause),
	    42);
	assert_int_equal(seen.n, 2);
	store_close(s);
}

/* Meta values are set together, overwritten, and kept across reopen. */
static void
test_meta(void **state)
{
	const char *keys[2] = { "clock_speed", "clock_start" };
	const char *values[2] = { "20", "1607085000000" };
	const char *bad_keys[2] = { "x", NULL };
	char path[512], *cause = NULL, *v;
	struct store *s;

	(void)state;
	tpath(path, sizeof path, "meta.db");
	s = open_ok(path, STORE_READ_WRITE);
	assert_null(store_meta_get(s, "clock_speed"));
	assert_int_equal(store_meta_set(s, keys, values, 2, &cause), 0);
	values[0] = "1";
	assert_int_equal(store_meta_set(s, keys, values, 1, &cause), 0);
	assert_int_equal(store_meta_set(s, bad_keys, values, 2, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	store_close(s);

	s = open_ok(path, STORE_READ_WRITE);
	v = store_meta_get(s, "clock_speed");
	assert_string_equal(v, "1");
	free(v);
	v = store_meta_get(s, "clock_start");
	assert_string_equal(v, "1607085000000");
	free(v);
	assert_null(store_meta_get(s, "x"));
	assert_null(store_meta_get(s, "nothing"));
	assert_true(store_is_empty(s));
	store_close(s);
}

/* The undone flag is durable and can be cleared again. */
static void
test_undone(void **state)
{
	char path[512], *cause = NULL;
	struct store *s;
	struct seen seen;

	(void)state;
	tpath(path, sizeof path, "undone.db");
	make_podium_db(path, 3);
	s = open_ok(path, STORE_READ_WRITE);
	assert_int_equal(store_set_undone(s, 2, true, &cause), 0);
	store_close(s);

	s = open_ok(path, STORE_READ_WRITE);
	walk(s, &seen);
	assert_false(seen.undone[0]);
	assert_true(seen.undone[1]);
	assert_false(seen.undone[2]);
	assert_int_equal(store_set_undone(s, 2, false, &cause), 0);
	assert_int_equal(store_set_undone(s, 99, true, &cause), -1);
	assert_non_null(strstr(cause, "99"));
	free(cause);
	cause = NULL;
	walk(s, &seen);
	assert_false(seen.undone[1]);
	store_close(s);
}

/*
 * Append rows while the log cannot grow (RLIMIT_FSIZE at its size: the
 * writes past it fail with EFBIG); the append must fail and store
 * nothing. Returns how many rows the journal holds after a reopen.
 */
static size_t
append_unwritable(const char *path, int64_t first, size_t n,
    const char *args)
{
	struct store_row *rows = calloc(n, sizeof *rows);
	char wal[600], *cause = NULL;
	struct rlimit old, lim;
	struct store *s;
	struct seen seen;
	struct stat st;

	assert_non_null(rows);
	for (size_t i = 0; i < n; i++) {
		rows[i] = row(first + (int64_t)i, "question_add", NULL);
		rows[i].args = args;
	}
	snprintf(wal, sizeof wal, "%s-wal", path);
	s = open_ok(path, STORE_READ_WRITE);
	assert_int_equal(stat(wal, &st), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = (rlim_t)st.st_size;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(store_append(s, rows, n, &cause), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	/* The next commit on the same connection is not failed for it. */
	for (size_t i = 0; i < n; i++)
		rows[i].seq += 1000;
	assert_int_equal(store_append(s, rows, 1, &cause), 0);
	assert_null(cause);
	store_close(s);
	free(rows);
	s = open_ok(path, STORE_READ_WRITE);
	walk(s, &seen);
	store_close(s);
	return seen.n;
}

/*
 * The writer's VFS shim gathers a commit's log writes and writes them at
 * the sync (store-vfs.c): a write that fails there, or while gathering a
 * large commit, fails the commit, which is not stored; later commits are.
 */
static void
test_log_write_fails(void **state)
{
	struct store_row rows[10];
	char path[512], *cause = NULL, big[600];
	struct store *s;
	struct seen seen;
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);

	(void)state;
	tpath(path, sizeof path, "unwritable-log.db");
	for (int i = 0; i < 10; i++)
		rows[i] = row(i + 1, "question_add", NULL);
	s = open_ok(path, STORE_READ_WRITE);
	assert_int_equal(store_create_event(s, "{}", rows, 10, &cause), 0);
	store_close(s);
	/* A small commit: its frames are written at the sync. */
	assert_int_equal(append_unwritable(path, 11, 8, "{\"n\":1}"), 11);
	/* A large one: written while gathering, 64 KiB at a time. */
	memset(big, 'x', sizeof big - 1);
	big[0] = '"';
	big[sizeof big - 2] = '"';
	big[sizeof big - 1] = '\0';
	assert_int_equal(append_unwritable(path, 1012, 500, big), 12);
	/* And the log takes commits again. */
	s = open_ok(path, STORE_READ_WRITE);
	for (int i = 0; i < 8; i++)
		rows[i] = row(3000 + i, "question_add", NULL);
	assert_int_equal(store_append(s, rows, 8, &cause), 0);
	walk(s, &seen);
	assert_int_equal(seen.n, 20);
	store_close(s);
	signal(SIGXFSZ, was);
}

/* A thousand rows go in with one call and come back in order. */
static void
test_append_many(void **state)
{
	struct store_row *rows;
	char path[512], *cause = NULL;
	struct store *s;
	struct seen seen;
	int64_t i;

	(void)state;
	tpath(path, sizeof path, "many.db");
	rows = calloc(1000, sizeof *rows);
	assert_non_null(rows);
	for (i = 0; i < 1000; i++)
		rows[i] = row(i + 1, "question_add", NULL);
	s = open_ok(path, STORE_READ_WRITE);
	assert_int_equal(store_create_event(s, "{}", rows, 10, &cause), 0);
	assert_int_equal(store_append(s, rows + 10, 990, &cause), 0);
	store_close(s);
	free(rows);

	s = open_ok(path, STORE_READ_ONLY);
	walk(s, &seen);
	assert_int_equal(seen.n, 1000);
	assert_true(seen.ordered);
	assert_int_equal(seen.last_seq, 1000);
	assert_int_equal(store_last_seq(s), 1000);
	store_close(s);
}

/* Sender ids are found; a duplicate is refused with its whole batch. */
static void
test_ext_id(void **state)
{
	struct store_row rows[3];
	char path[512], *cause = NULL;
	struct store *s;

	(void)state;
	tpath(path, sizeof path, "ext.db");
	make_podium_db(path, 2);
	s = open_ok(path, STORE_READ_WRITE);
	rows[0] = row(3, "question_add", "reg-0042");
	rows[1] = row(4, "question_add", NULL);
	assert_int_equal(store_append(s, rows, 2, &cause), 0);
	assert_int_equal(store_find_ext_id(s, "reg-0042"), 3);
	assert_int_equal(store_find_ext_id(s, "reg-0043"), 0);
	assert_int_equal(store_find_ext_id(s, NULL), 0);

	rows[0] = row(5, "question_add", "reg-0043");
	rows[1] = row(6, "question_add", NULL);
	rows[2] = row(7, "question_add", "reg-0042");
	assert_int_equal(store_append(s, rows, 3, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "\"reg-0042\" is already stored"));
	free(cause);
	cause = NULL;
	assert_int_equal(store_last_seq(s), 4);
	assert_int_equal(store_find_ext_id(s, "reg-0043"), 0);

	/* The handle is still usable after the rollback. */
	assert_int_equal(store_append(s, rows, 2, &cause), 0);
	assert_int_equal(store_find_ext_id(s, "reg-0043"), 5);
	store_close(s);
}

/* A database from a newer podium is refused and left byte-identical. */
static void
test_newer_schema(void **state)
{
	char path[512], wal[600];
	struct snapshot snap;

	(void)state;
	tpath(path, sizeof path, "newer.db");
	make_podium_db(path, 5);
	raw_sql(path, "PRAGMA user_version = 7;");
	snprintf(wal, sizeof wal, "%s-wal", path);
	assert_int_equal(access(wal, F_OK), -1);

	snapshot_take(&snap, path);
	open_refused(path, STORE_READ_WRITE,
	    "was written by a newer podium (schema 7, this one reads 2);"
	    " upgrade podium");
	open_refused(path, STORE_READ_ONLY, "newer podium");
	snapshot_check(&snap, path);
}

/* Garbage is refused as not a database and left untouched. */
static void
test_garbage(void **state)
{
	char path[512], buf[4096];
	struct snapshot snap;

	(void)state;
	tpath(path, sizeof path, "garbage.db");
	fill_garbage(buf, sizeof buf, 7);
	write_bytes(path, 0, buf, sizeof buf, true);

	snapshot_take(&snap, path);
	open_refused(path, STORE_READ_WRITE, "not an SQLite database");
	open_refused(path, STORE_READ_ONLY, "not an SQLite database");
	snapshot_check(&snap, path);
}

/* A podium database with a damaged page fails the integrity check. */
static void
test_damaged(void **state)
{
	char path[512], buf[4096];
	struct snapshot snap;

	(void)state;
	tpath(path, sizeof path, "damaged.db");
	make_podium_db(path, 300);
	/* Page 4 is the journal's root page; page 1 (the schema) stays. */
	fill_garbage(buf, sizeof buf, 11);
	write_bytes(path, 3 * 4096, buf, sizeof buf, false);

	snapshot_take(&snap, path);
	open_refused(path, STORE_READ_WRITE,
	    "is damaged (integrity check: Page 4");
	snapshot_check(&snap, path);
}

/*
 * The same damage, opened as the session opens (the check runs beside
 * the loading): refused at store_check_finish(), nothing written.
 */
static void
test_damaged_loading(void **state)
{
	char path[512], buf[4096], *cause = NULL;
	struct snapshot snap;
	struct store *s = NULL;

	(void)state;
	tpath(path, sizeof path, "damaged-loading.db");
	make_podium_db(path, 300);
	fill_garbage(buf, sizeof buf, 11);
	write_bytes(path, 3 * 4096, buf, sizeof buf, false);

	snapshot_take(&snap, path);
	if (store_open(&s, path, STORE_READ_WRITE_LOADING, &cause) == 0) {
		assert_int_equal(store_check_finish(s, &cause), -1);
		store_close(s);
	}
	assert_non_null(cause);
	if (strstr(cause, "is damaged") == NULL)
		fail_msg("cause \"%s\" lacks \"is damaged\"", cause);
	free(cause);
	cause = NULL;
	snapshot_check(&snap, path);

	/* An intact one passes, and the check is over when it says so. */
	tpath(path, sizeof path, "intact-loading.db");
	make_podium_db(path, 300);
	assert_int_equal(store_open(&s, path, STORE_READ_WRITE_LOADING,
	    &cause), 0);
	assert_int_equal(store_check_finish(s, &cause), 0);
	assert_int_equal(store_check_finish(s, &cause), 0);
	assert_null(cause);
	store_close(s);
}

/* Someone else's SQLite database is refused and left untouched. */
static void
test_foreign(void **state)
{
	char path[512], empty[512];
	struct snapshot snap;

	(void)state;
	tpath(path, sizeof path, "foreign.db");
	raw_sql(path, "CREATE TABLE people(name TEXT);"
	    "INSERT INTO people VALUES ('Ana');");
	snapshot_take(&snap, path);
	open_refused(path, STORE_READ_WRITE,
	    "is an SQLite database but not a podium database; give another"
	    " --db");
	open_refused(path, STORE_READ_ONLY, "not a podium database");
	snapshot_check(&snap, path);

	/* Even a foreign table called meta is not ours. */
	tpath(path, sizeof path, "foreign-meta.db");
	raw_sql(path, "CREATE TABLE meta(key TEXT, value TEXT);");
	snapshot_take(&snap, path);
	open_refused(path, STORE_READ_WRITE, "not a podium database");
	snapshot_check(&snap, path);

	/* An empty file becomes a podium database for the writer only. */
	tpath(empty, sizeof empty, "empty.db");
	write_bytes(empty, 0, "", 0, true);
	open_refused(empty, STORE_READ_ONLY, "no podium data yet");
	store_close(open_ok(empty, STORE_READ_WRITE));
	store_close(open_ok(empty, STORE_READ_ONLY));
}

/* A directory given as the database is refused. */
static void
test_directory(void **state)
{
	(void)state;
	open_refused(scratch, STORE_READ_WRITE, "is a directory");
	open_refused(scratch, STORE_READ_ONLY, "is a directory");
}

/* A path under a regular file cannot be created. */
static void
test_parent_is_file(void **state)
{
	char file[512], path[600];

	(void)state;
	tpath(file, sizeof file, "plain-file");
	write_bytes(file, 0, "x", 1, true);
	snprintf(path, sizeof path, "%s/podium.db", file);
	open_refused(path, STORE_READ_WRITE, "cannot create");
	open_refused(path, STORE_READ_WRITE, "choose a writable --db");
	open_refused(path, STORE_READ_ONLY, "cannot read");
}

/* Unwritable directories and files are refused (not as root). */
static void
test_unwritable(void **state)
{
	char dir[512], path[600], file[512];

	(void)state;
	if (geteuid() == 0)
		skip();
	tpath(dir, sizeof dir, "locked-dir");
	assert_int_equal(mkdir(dir, 0500), 0);
	snprintf(path, sizeof path, "%s/podium.db", dir);
	open_refused(path, STORE_READ_WRITE,
	    "cannot create");
	open_refused(path, STORE_READ_WRITE, "Permission denied");
	assert_int_equal(chmod(dir, 0700), 0);

	tpath(file, sizeof file, "readonly.db");
	make_podium_db(file, 1);
	assert_int_equal(chmod(file, 0400), 0);
	open_refused(file, STORE_READ_WRITE, "Permission denied");
	store_close(open_ok(file, STORE_READ_ONLY));
}

/* A reader sees what a writer that stays open appends, and cannot write. */
static void
test_reader_beside_writer(void **state)
{
	struct store_row rows[2];
	char path[512], *cause = NULL, *text;
	struct store *w, *r;
	struct seen seen;

	(void)state;
	tpath(path, sizeof path, "shared.db");
	w = open_ok(path, STORE_READ_WRITE);
	rows[0] = row(1, "segment_start", NULL);
	assert_int_equal(store_create_event(w, "{\"title\":\"x\"}", rows, 1,
	    &cause), 0);

	r = open_ok(path, STORE_READ_ONLY);
	assert_false(store_is_empty(r));
	text = store_event_json(r, &cause);
	assert_string_equal(text, "{\"title\":\"x\"}");
	free(text);
	assert_int_equal(store_last_seq(r), 1);

	rows[0] = row(2, "speaker_add", "reg-9");
	rows[1] = row(3, "speaker_next", NULL);
	assert_int_equal(store_append(w, rows, 2, &cause), 0);
	assert_int_equal(store_last_seq(r), 3);
	assert_int_equal(store_find_ext_id(r, "reg-9"), 2);
	walk(r, &seen);
	assert_int_equal(seen.n, 3);

	assert_int_equal(store_set_undone(w, 3, true, &cause), 0);
	walk(r, &seen);
	assert_true(seen.undone[2]);

	rows[0] = row(4, "x", NULL);
	assert_int_equal(store_append(r, rows, 1, &cause), -1);
	assert_non_null(strstr(cause, "read-only"));
	free(cause);
	cause = NULL;
	assert_int_equal(store_last_seq(w), 3);

	store_close(r);
	store_close(w);
}

/* A reader on a missing file is told to start the chair first. */
static void
test_reader_missing(void **state)
{
	char path[512];

	(void)state;
	tpath(path, sizeof path, "missing.db");
	open_refused(path, STORE_READ_ONLY,
	    "no database at");
	open_refused(path, STORE_READ_ONLY,
	    "start the chair console first or give --db");
	assert_int_equal(access(path, F_OK), -1);
	store_close(NULL);
}

/* A second chair is refused with the first one's pid, until it releases. */
static void
test_lock(void **state)
{
	char path[512], lockpath[600], expect[64], pidtext[32];
	char *cause = NULL;
	struct stat st;
	int fd1, fd2, fd, n;

	(void)state;
	tpath(path, sizeof path, "chair.db");
	snprintf(lockpath, sizeof lockpath, "%s.lock", path);

	fd1 = lock_acquire(path, &cause);
	assert_true(fd1 >= 0);
	assert_null(cause);
	assert_int_equal(stat(lockpath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true((fcntl(fd1, F_GETFD) & FD_CLOEXEC) != 0);

	fd = open(lockpath, O_RDONLY);
	assert_true(fd >= 0);
	n = (int)read(fd, pidtext, sizeof pidtext - 1);
	close(fd);
	assert_true(n > 0);
	pidtext[n] = '\0';
	assert_int_equal(strtol(pidtext, NULL, 10), (long)getpid());

	fd2 = lock_acquire(path, &cause);
	assert_int_equal(fd2, -1);
	assert_non_null(cause);
	snprintf(expect, sizeof expect, "(pid %ld)", (long)getpid());
	assert_non_null(strstr(cause, expect));
	assert_non_null(strstr(cause, "podium mirror --db"));
	free(cause);
	cause = NULL;

	lock_release(fd1);
	fd2 = lock_acquire(path, &cause);
	assert_true(fd2 >= 0);
	assert_null(cause);
	lock_release(fd2);
	lock_release(-1);

	/* A lock file that cannot be created says so. */
	tpath(path, sizeof path, "plain-lock-parent");
	write_bytes(path, 0, "x", 1, true);
	snprintf(lockpath, sizeof lockpath, "%s/podium.db", path);
	assert_int_equal(lock_acquire(lockpath, &cause), -1);
	assert_non_null(strstr(cause, "cannot create the chair lock"));
	free(cause);
}

/* The hashes are those of the documented encoding (hashlib agrees). */
static void
test_chain_vectors(void **state)
{
	struct store_chain *c = store_chain_create();
	char g[STORE_HASH_HEX + 1], h1[STORE_HASH_HEX + 1];
	char h2[STORE_HASH_HEX + 1], u[STORE_HASH_HEX + 1];
	struct store_row r1 = { 1, "speaker_add", "{\"n\":1}", -5,
		1607085000001, "chair", NULL, false };
	struct store_row r2 = { 2, "question_add",
		"{\"text\":\"\xc2\xbfQu\xc3\xa9?\"}", 2000, 1607085000002,
		"intake", "reg-1", true };

	(void)state;
	store_chain_genesis(c, "{\"title\":\"t\"}", NULL, g);
	assert_string_equal(g, "c2c5b0186e9687daaad2d69a61f500bb"
	    "e09edc04d78ba11c2e539232987415d4");
	store_chain_genesis(c, NULL, "live", h1);
	assert_string_equal(h1, "10a994f309e930f43c367a4d9afc073d"
	    "2a78fb19b7dd041b2f08c10929c2d14d");
	store_chain_row(c, g, &r1, h1);
	assert_string_equal(h1, "4dd6b8e065444260da445f7b65787d6b"
	    "e6b2fec04ec93a325bf5bad0ce98cb91");
	/* The undone flag is not part of a row's hash. */
	store_chain_row(c, h1, &r2, h2);
	assert_string_equal(h2, "493f6a977c4440a6fe50920649abace2"
	    "907ef384b66f672eb41bca48ecc25271");
	r2.undone = false;
	store_chain_row(c, h1, &r2, u);
	assert_string_equal(u, h2);
	/* A NULL ext_id and an empty one are different rows. */
	r1.ext_id = "";
	store_chain_row(c, g, &r1, u);
	assert_string_not_equal(u, h1);
	store_chain_undo(c, g, 1, 2, true, u);
	assert_string_equal(u, "63bbf2d8bf93a3195fa22ae7ee083fcd"
	    "41e0e776a449f1cbdbda10002b32f41c");
	store_chain_destroy(c);
	store_chain_destroy(NULL);
}

/* Verify a database that must verify, and hand back the result. */
static void
verify_ok(const char *path, struct store_verify_result *r)
{
	struct store *s = open_ok(path, STORE_READ_ONLY);
	char *cause = NULL;

	assert_int_equal(store_verify(s, r, &cause), 0);
	assert_null(cause);
	if (r->status != STORE_VERIFY_OK)
		fail_msg("verify %s: status %d at %lld: %s", path,
		    (int)r->status, (long long)r->at, r->why);
	assert_string_equal(r->integrity, "ok");
	assert_string_equal(r->why, "");
	store_close(s);
}

/* Verify a database that must be found broken, with status and place. */
static void
verify_broken(const char *path, enum store_verify_status status, int64_t at,
    const char *needle, struct store_verify_result *r)
{
	struct store *s = open_ok(path, STORE_READ_ONLY);
	char *cause = NULL;

	assert_int_equal(store_verify(s, r, &cause), 0);
	assert_null(cause);
	if (r->status != status || r->at != at)
		fail_msg("verify %s: status %d at %lld (wanted %d at %lld): %s",
		    path, (int)r->status, (long long)r->at, (int)status,
		    (long long)at, r->why);
	if (strstr(r->why, needle) == NULL)
		fail_msg("why \"%s\" lacks \"%s\"", r->why, needle);
	store_close(s);
}

/* One text value read straight from a file with SQLite (malloc'd). */
static char *
raw_text(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	char *text = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
	    SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW &&
	    sqlite3_column_text(stmt, 0) != NULL)
		text = strdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return text;
}

/* A fresh chained journal with undos and redos verifies; its ends are reported. */
static void
test_chain_verify(void **state)
{
	char path[512], *cause = NULL, *last;
	struct store_row rows[2];
	struct store_verify_result r;
	struct store *s;
	int64_t seq, n;

	(void)state;
	tpath(path, sizeof path, "chain.db");
	make_podium_db(path, 6);
	s = open_ok(path, STORE_READ_WRITE);
	assert_int_equal(store_set_undone(s, 5, true, &cause), 0);
	assert_int_equal(store_set_undone(s, 6, true, &cause), 0);
	assert_int_equal(store_set_undone(s, 6, false, &cause), 0);
	rows[0] = row(7, "question_add", "reg-7");
	rows[1] = row(8, "toggle", NULL);
	rows[1].undone = true;
	assert_int_equal(store_append(s, rows, 2, &cause), 0);

	/* The writer's own handle verifies too, inside no transaction. */
	assert_int_equal(store_verify(s, &r, &cause), 0);
	assert_int_equal(r.status, STORE_VERIFY_OK);
	store_close(s);

	verify_ok(path, &r);
	assert_int_equal(r.rows, 8);
	assert_int_equal(r.last_seq, 8);
	assert_int_equal(r.undos, 4);
	assert_int_equal(r.undone_rows, 2);
	assert_int_equal(r.bad_rows + r.bad_undos + r.bad_flags, 0);
	last = raw_text(path, "SELECT hash FROM journal WHERE seq = 8");
	assert_string_equal(r.journal_hash, last);
	free(last);
	last = raw_text(path, "SELECT hash FROM journal_undo WHERE n = 4");
	assert_string_equal(r.undo_hash, last);
	free(last);

	s = open_ok(path, STORE_READ_ONLY);
	assert_int_equal(store_hash_find(s, r.journal_hash, &seq, &n,
	    &cause), 0);
	assert_int_equal(seq, 8);
	assert_int_equal(n, 0);
	assert_int_equal(store_hash_find(s, r.undo_hash, &seq, &n, &cause),
	    0);
	assert_int_equal(seq, 0);
	assert_int_equal(n, 4);
	assert_int_equal(store_hash_find(s, "00", &seq, &n, &cause), 0);
	assert_int_equal(seq + n, 0);
	store_close(s);

	/* An empty journal ends at the genesis, in both chains. */
	tpath(path, sizeof path, "chain-empty.db");
	make_podium_db(path, 0);
	verify_ok(path, &r);
	assert_int_equal(r.rows, 0);
	assert_string_equal(r.journal_hash, r.undo_hash);
	assert_string_equal(r.journal_hash, "c2c5b0186e9687daaad2d69a61f500bb"
	    "e09edc04d78ba11c2e539232987415d4");
}

/* Each way of editing the file behind podium's back is found where it is. */
static void
test_chain_tamper(void **state)
{
	struct store_verify_result r;
	char path[512], *cause = NULL;
	struct store *s;

	(void)state;
	tpath(path, sizeof path, "tamper.db");
	make_podium_db(path, 10);
	s = open_ok(path, STORE_READ_WRITE);
	assert_int_equal(store_set_undone(s, 9, true, &cause), 0);
	store_close(s);
	verify_ok(path, &r);

	/* An edited argument: that row, and only that row. */
	raw_sql(path, "UPDATE journal SET args = '{\"n\":2}' WHERE seq = 4;");
	verify_broken(path, STORE_VERIFY_ROW, 4, "changed after it was"
	    " written", &r);
	assert_int_equal(r.bad_rows, 1);
	raw_sql(path, "UPDATE journal SET args = '{\"n\":1}' WHERE seq = 4;");
	verify_ok(path, &r);

	/* An edited time, or origin. */
	raw_sql(path, "UPDATE journal SET wall_ms = wall_ms + 1 WHERE seq = 7;");
	verify_broken(path, STORE_VERIFY_ROW, 7, "changed", &r);
	raw_sql(path, "UPDATE journal SET wall_ms = wall_ms - 1 WHERE seq = 7;"
	    "UPDATE journal SET origin = 'event' WHERE seq = 2;");
	verify_broken(path, STORE_VERIFY_ROW, 2, "changed", &r);
	raw_sql(path, "UPDATE journal SET origin = 'chair' WHERE seq = 2;");
	verify_ok(path, &r);

	/* An undone flag set or cleared by hand. */
	raw_sql(path, "UPDATE journal SET undone = 1 WHERE seq = 3;");
	verify_broken(path, STORE_VERIFY_ROW, 3, "never undid it", &r);
	assert_int_equal(r.bad_flags, 1);
	raw_sql(path, "UPDATE journal SET undone = 0 WHERE seq IN (3, 9);");
	verify_broken(path, STORE_VERIFY_ROW, 9, "undo entry 1 undid it", &r);
	raw_sql(path, "UPDATE journal SET undone = 1 WHERE seq = 9;");
	verify_ok(path, &r);

	/* The undo chain itself edited. */
	raw_sql(path, "UPDATE journal_undo SET seq = 8 WHERE n = 1;");
	verify_broken(path, STORE_VERIFY_UNDO, 1, "does not match", &r);
	raw_sql(path, "UPDATE journal_undo SET seq = 9 WHERE n = 1;");
	verify_ok(path, &r);

	/* The event the chain starts from edited: row 1 says so. */
	raw_sql(path, "UPDATE meta SET value = '{\"title\":\"u\"}'"
	    " WHERE key = 'event';");
	verify_broken(path, STORE_VERIFY_ROW, 1, "stored event", &r);
	raw_sql(path, "UPDATE meta SET value = '{\"title\":\"t\"}'"
	    " WHERE key = 'event';");
	verify_ok(path, &r);

	/* A row inserted by hand has no hash; one removed breaks the next. */
	raw_sql(path, "INSERT INTO journal(seq, kind, args, mono_ms, wall_ms,"
	    " origin, hash) VALUES (11, 'toggle', '{}', 0, 0, 'chair', '');");
	verify_broken(path, STORE_VERIFY_ROW, 11, "no hash", &r);
	raw_sql(path, "DELETE FROM journal WHERE seq = 11;"
	    "DELETE FROM journal WHERE seq = 5;");
	verify_broken(path, STORE_VERIFY_ROW, 6, "removed", &r);

	/* A removed undone row leaves its undo entry pointing at nothing. */
	tpath(path, sizeof path, "tamper-undo.db");
	make_podium_db(path, 3);
	s = open_ok(path, STORE_READ_WRITE);
	assert_int_equal(store_set_undone(s, 3, true, &cause), 0);
	store_close(s);
	raw_sql(path, "DELETE FROM journal WHERE seq = 3;");
	verify_broken(path, STORE_VERIFY_UNDO, 1, "not in the journal", &r);
}

/*
 * Build a schema-1 database as podium 0.1 wrote it: the same event and
 * rows as make_podium_db(path, n) plus an undone row.
 */
static void
make_schema1_db(const char *path, int64_t n)
{
	char *sql = NULL;

	raw_sql(path, "PRAGMA journal_mode = WAL;"
	    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	    "CREATE TABLE journal (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
	    " args TEXT NOT NULL, mono_ms INTEGER NOT NULL,"
	    " wall_ms INTEGER NOT NULL, origin TEXT NOT NULL,"
	    " ext_id TEXT UNIQUE, undone INTEGER NOT NULL DEFAULT 0);"
	    "INSERT INTO meta VALUES ('application', 'podium'),"
	    " ('schema_version', '1'), ('event', '{\"title\":\"t\"}');"
	    "PRAGMA user_version = 1;");
	for (int64_t i = 1; i <= n; i++) {
		if (asprintf(&sql, "INSERT INTO journal VALUES (%lld,"
		    " 'speaker_add', '{\"n\":1}', %lld, %lld, 'chair', NULL,"
		    " %d);", (long long)i, (long long)(1000 * i),
		    (long long)(1607085000000 + i), i == 2 ? 1 : 0) < 0)
			abort();
		raw_sql(path, sql);
		free(sql);
	}
}

/* Schema 1 is read as it is, and a writer adds the chains to it. */
static void
test_migrate(void **state)
{
	struct store_verify_result r, fresh;
	char path[512], path2[512], *cause = NULL, *v;
	struct snapshot snap;
	struct store_row rows[1];
	struct store *s;
	struct seen seen;

	(void)state;
	tpath(path, sizeof path, "schema1.db");
	make_schema1_db(path, 5);

	/* A reader leaves it alone and verify says what to do. */
	snapshot_take(&snap, path);
	s = open_ok(path, STORE_READ_ONLY);
	walk(s, &seen);
	assert_int_equal(seen.n, 5);
	assert_true(seen.undone[1]);
	assert_int_equal(store_verify(s, &r, &cause), 0);
	assert_int_equal(r.status, STORE_VERIFY_UNCHAINED);
	assert_non_null(strstr(r.why, "predates the hash chain"));
	assert_non_null(strstr(r.why, "podium --db"));
	assert_int_equal(r.rows, 5);
	assert_int_equal(r.undone_rows, 1);
	store_close(s);
	snapshot_check(&snap, path);

	/* A writer migrates it; the rows and the flag stay as they were. */
	s = open_ok(path, STORE_READ_WRITE);
	v = store_meta_get(s, "schema_version");
	assert_string_equal(v, "2");
	free(v);
	walk(s, &seen);
	assert_int_equal(seen.n, 5);
	assert_true(seen.undone[1]);
	assert_false(seen.undone[2]);
	rows[0] = row(6, "speaker_add", NULL);
	assert_int_equal(store_append(s, rows, 1, &cause), 0);
	store_close(s);
	verify_ok(path, &r);
	assert_int_equal(r.rows, 6);
	assert_int_equal(r.undos, 1);
	assert_int_equal(r.undone_rows, 1);
	v = raw_text(path, "PRAGMA user_version");
	assert_string_equal(v, "2");
	free(v);

	/* The chain is the one a chained podium would have written. */
	tpath(path2, sizeof path2, "schema2.db");
	make_podium_db(path2, 6);
	s = open_ok(path2, STORE_READ_WRITE);
	assert_int_equal(store_set_undone(s, 2, true, &cause), 0);
	store_close(s);
	verify_ok(path2, &fresh);
	assert_string_equal(r.journal_hash, fresh.journal_hash);
	assert_string_equal(r.undo_hash, fresh.undo_hash);

	/* Opening it again changes nothing more. */
	snapshot_take(&snap, path);
	store_close(open_ok(path, STORE_READ_WRITE));
	snapshot_check(&snap, path);
	verify_ok(path, &fresh);
	assert_string_equal(r.journal_hash, fresh.journal_hash);
}

/* Create the scratch directory. */
static int
group_setup(void **state)
{
	(void)state;
	return mkdtemp(scratch) != NULL ? 0 : -1;
}

/* Remove one entry of the scratch tree. */
static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		chmod(path, 0700);
	return remove(path);
}

/* Remove the scratch directory and all it holds. */
static int
group_teardown(void **state)
{
	(void)state;
	return nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_reopen),
		cmocka_unit_test(test_journal_order),
		cmocka_unit_test(test_meta),
		cmocka_unit_test(test_undone),
		cmocka_unit_test(test_append_many),
		cmocka_unit_test(test_log_write_fails),
		cmocka_unit_test(test_ext_id),
		cmocka_unit_test(test_newer_schema),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_damaged_loading),
		cmocka_unit_test(test_foreign),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_parent_is_file),
		cmocka_unit_test(test_unwritable),
		cmocka_unit_test(test_reader_beside_writer),
		cmocka_unit_test(test_reader_missing),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_chain_vectors),
		cmocka_unit_test(test_chain_verify),
		cmocka_unit_test(test_chain_tamper),
		cmocka_unit_test(test_migrate),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
