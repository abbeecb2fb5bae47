/*
 * test-powerloss.c -- what survives a power cut: every transaction whose
 * commit returned, and nothing else is required.
 *
 * This test-only file includes <sqlite3.h> (the layer rule keeps it in
 * src/store*.c otherwise): it is a fault-injecting SQLite VFS, a shim over
 * the default unix VFS registered as the default with
 * sqlite3_vfs_register(vfs, 1), so src/store.c opens its files through it
 * unchanged.
 *
 * Data flow: the shim keeps, per database, WAL and rollback-journal path,
 * the file's content as of its last xSync (its durable image) and the
 * writes made since (not yet durable). A scripted workload drives the real
 * session API (session_open, session_do, session_do_batch, session_undo,
 * session_close and a reopen, so checkpoints are crossed too) and logs
 * every acknowledgement: each action whose commit returned, each intake
 * item acked, each undo. The sweep first counts the workload's xSync
 * calls, then for every N from 1 to that count runs it again on a fresh
 * directory and cuts the power at the Nth xSync: that sync and every later
 * write fail (the process sees I/O errors, as on a dead disk, and acks
 * nothing more); once the session is closed, every file is put back to its
 * durable image ("drop"), or to its image plus a random subset of the
 * unsynced writes, some cut short at a 512-byte boundary ("tear"); the -shm
 * file is removed. Then the database is reopened through session_open()
 * as the chair would after the reboot, and checked: integrity_check ok and
 * both hash chains intact (store_verify), every acked row present with its
 * kind, every acked intake id present exactly once with the id it was
 * acked with, every acked undo still undone, the journal replaying without
 * a refusal, and the session able to commit again.
 *
 * PODIUM_POWERLOSS_SEED sets the tear mode's random seed (printed, so a
 * failure can be replayed).
 */
#include "session.h"
#include "store.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

/* Sector size a torn write is cut at. */
#define PL_SECTOR 512

/* Most acknowledgements one workload run can log. */
#define PL_ACKS_MAX 256

/* One write not yet followed by a sync of its file. */
struct pl_write {
	sqlite3_int64 off;
	int len;
	unsigned char *data;
};

/* One tracked file path: what a power cut would leave of it. */
struct pl_node {
	char *path;
	bool durable;          /* the file exists after a power cut */
	unsigned char *image;  /* its content as of the last sync */
	size_t image_len;
	struct pl_write *pending;
	size_t npending;
	size_t cap;
	struct pl_node *next;
};

/* An open file: ours, with the real unix file right after it. */
struct pl_file {
	sqlite3_file base;
	struct pl_node *node;  /* NULL for files a power cut does not concern */
	sqlite3_file *real;
};

/* The shim's global state (SQLite's VFS interface has no user pointer). */
static struct {
	sqlite3_vfs vfs;
	sqlite3_vfs *real;
	sqlite3_io_methods io;
	struct pl_node *nodes;
	long syncs;            /* xSync calls on tracked files so far */
	long crash_at;         /* cut the power at this sync; 0: never */
	bool dead;             /* the power is off: every write fails */
} pl;

/* Abort the test when memory runs out. */
static void *
pl_xalloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	if (q == NULL)
		abort();
	return q;
}

/* The node of a path, created (durable as it is on disk now) if new. */
static struct pl_node *
pl_node_get(const char *path)
{
	struct pl_node *n;
	struct stat st;
	FILE *f;

	for (n = pl.nodes; n != NULL; n = n->next) {
		if (strcmp(n->path, path) == 0)
			return n;
	}
	n = pl_xalloc(NULL, sizeof *n);
	memset(n, 0, sizeof *n);
	n->path = pl_xalloc(NULL, strlen(path) + 1);
	strcpy(n->path, path);
	/* A file that is there before the shim first sees it is durable. */
	if (stat(path, &st) == 0 && (f = fopen(path, "rb")) != NULL) {
		n->durable = true;
		n->image = pl_xalloc(NULL, (size_t)st.st_size);
		n->image_len = fread(n->image, 1, (size_t)st.st_size, f);
		fclose(f);
	}
	n->next = pl.nodes;
	pl.nodes = n;
	return n;
}

/* Forget the writes made since the last sync of a node. */
static void
pl_node_clear_pending(struct pl_node *n)
{
	for (size_t i = 0; i < n->npending; i++)
		free(n->pending[i].data);
	n->npending = 0;
}

/* Forget every node (after a power cut, or at the end of a run). */
static void
pl_nodes_free(void)
{
	while (pl.nodes != NULL) {
		struct pl_node *n = pl.nodes;

		pl.nodes = n->next;
		pl_node_clear_pending(n);
		free(n->pending);
		free(n->image);
		free(n->path);
		free(n);
	}
}

/* Close the real file. */
static int
pl_close(sqlite3_file *f)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xClose(p->real);
}

/* Read through to the real file (the page cache survives until the cut). */
static int
pl_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xRead(p->real, buf, amt, off);
}

/* Write through, remembering the write until its file is synced. */
static int
pl_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	struct pl_file *p = (struct pl_file *)f;
	struct pl_node *n = p->node;
	int rc;

	if (pl.dead)
		return SQLITE_IOERR_WRITE;
	rc = p->real->pMethods->xWrite(p->real, buf, amt, off);
	if (rc != SQLITE_OK || n == NULL)
		return rc;
	if (n->npending == n->cap) {
		n->cap = n->cap ? n->cap * 2 : 16;
		n->pending = pl_xalloc(n->pending, n->cap * sizeof *n->pending);
	}
	n->pending[n->npending].off = off;
	n->pending[n->npending].len = amt;
	n->pending[n->npending].data = pl_xalloc(NULL, (size_t)amt);
	memcpy(n->pending[n->npending].data, buf, (size_t)amt);
	n->npending++;
	return SQLITE_OK;
}

/* Truncate the real file; not durable before the next sync either. */
static int
pl_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	struct pl_file *p = (struct pl_file *)f;

	if (pl.dead)
		return SQLITE_IOERR_TRUNCATE;
	return p->real->pMethods->xTruncate(p->real, size);
}

/*
 * Make a file durable as it is now -- or, at the chosen sync, cut the
 * power before this sync completes.
 */
static int
pl_sync(sqlite3_file *f, int flags)
{
	struct pl_file *p = (struct pl_file *)f;
	struct pl_node *n = p->node;
	sqlite3_int64 size;
	int rc;

	(void)flags;
	if (n == NULL)
		return pl.dead ? SQLITE_IOERR_FSYNC : SQLITE_OK;
	pl.syncs++;
	if (pl.crash_at > 0 && pl.syncs == pl.crash_at)
		pl.dead = true;
	if (pl.dead)
		return SQLITE_IOERR_FSYNC;
	/*
	 * The durable image is what the file holds now; the real fsync is
	 * left out, since after a simulated cut the image is what counts.
	 */
	rc = p->real->pMethods->xFileSize(p->real, &size);
	if (rc != SQLITE_OK)
		return rc;
	n->image = pl_xalloc(n->image, (size_t)size);
	n->image_len = (size_t)size;
	if (size > 0) {
		rc = p->real->pMethods->xRead(p->real, n->image, (int)size, 0);
		if (rc != SQLITE_OK)
			return rc;
	}
	n->durable = true;
	pl_node_clear_pending(n);
	return SQLITE_OK;
}

/* Pass-through: the file's size. */
static int
pl_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xFileSize(p->real, size);
}

/* Pass-through: take a lock. */
static int
pl_lock(sqlite3_file *f, int level)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xLock(p->real, level);
}

/* Pass-through: release a lock. */
static int
pl_unlock(sqlite3_file *f, int level)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xUnlock(p->real, level);
}

/* Pass-through: is a reserved lock held. */
static int
pl_check_reserved(sqlite3_file *f, int *out)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xCheckReservedLock(p->real, out);
}

/* Pass-through: file controls. */
static int
pl_file_control(sqlite3_file *f, int op, void *arg)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xFileControl(p->real, op, arg);
}

/* Pass-through: sector size. */
static int
pl_sector_size(sqlite3_file *f)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xSectorSize(p->real);
}

/* Pass-through: device characteristics. */
static int
pl_device(sqlite3_file *f)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xDeviceCharacteristics(p->real);
}

/* Pass-through: map the wal-index (shared memory dies with the power). */
static int
pl_shm_map(sqlite3_file *f, int pg, int pgsz, int extend,
    void volatile **out)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xShmMap(p->real, pg, pgsz, extend, out);
}

/* Pass-through: wal-index locks. */
static int
pl_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xShmLock(p->real, offset, n, flags);
}

/* Pass-through: memory barrier. */
static void
pl_shm_barrier(sqlite3_file *f)
{
	struct pl_file *p = (struct pl_file *)f;

	p->real->pMethods->xShmBarrier(p->real);
}

/* Pass-through: unmap the wal-index. */
static int
pl_shm_unmap(sqlite3_file *f, int delete_flag)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xShmUnmap(p->real, delete_flag);
}

/* Pass-through: memory-mapped page. */
static int
pl_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **out)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xFetch(p->real, off, amt, out);
}

/* Pass-through: release a memory-mapped page. */
static int
pl_unfetch(sqlite3_file *f, sqlite3_int64 off, void *page)
{
	struct pl_file *p = (struct pl_file *)f;

	return p->real->pMethods->xUnfetch(p->real, off, page);
}

/* Open a file with the real VFS; track the ones a power cut concerns. */
static int
pl_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out_flags)
{
	struct pl_file *p = (struct pl_file *)f;
	int rc;

	(void)vfs;
	p->real = (sqlite3_file *)&p[1];
	p->node = NULL;
	rc = pl.real->xOpen(pl.real, name, p->real, flags, out_flags);
	if (rc != SQLITE_OK || p->real->pMethods == NULL) {
		f->pMethods = NULL;
		return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
	}
	if (name != NULL && (flags & (SQLITE_OPEN_MAIN_DB |
	    SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_WAL)) != 0)
		p->node = pl_node_get(name);
	f->pMethods = &pl.io;
	return SQLITE_OK;
}

/* Delete a file; a deletion is durable at once (SQLite syncs before). */
static int
pl_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	struct pl_node *n;
	int rc;

	(void)vfs;
	if (pl.dead)
		return SQLITE_IOERR_DELETE;
	rc = pl.real->xDelete(pl.real, name, sync_dir);
	for (n = pl.nodes; n != NULL; n = n->next) {
		if (strcmp(n->path, name) == 0) {
			n->durable = false;
			n->image_len = 0;
			pl_node_clear_pending(n);
		}
	}
	return rc;
}

/* Pass-through: whether a file exists. */
static int
pl_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return pl.real->xAccess(pl.real, name, flags, out);
}

/* Pass-through: absolute path. */
static int
pl_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return pl.real->xFullPathname(pl.real, name, n, out);
}

/* Pass-through: random bytes. */
static int
pl_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return pl.real->xRandomness(pl.real, n, out);
}

/* Pass-through: sleep. */
static int
pl_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return pl.real->xSleep(pl.real, us);
}

/* Pass-through: current time (Julian days). */
static int
pl_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return pl.real->xCurrentTime(pl.real, out);
}

/* Pass-through: last OS error. */
static int
pl_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return pl.real->xGetLastError(pl.real, n, out);
}

/* Pass-through: current time (Julian ms). */
static int
pl_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return pl.real->xCurrentTimeInt64(pl.real, out);
}

/* Register the shim as the default VFS, over the unix one. */
static void
pl_register(void)
{
	pl.real = sqlite3_vfs_find(NULL);
	assert_non_null(pl.real);
	memset(&pl.vfs, 0, sizeof pl.vfs);
	pl.vfs.iVersion = 2;
	pl.vfs.szOsFile = (int)sizeof(struct pl_file) + pl.real->szOsFile;
	pl.vfs.mxPathname = pl.real->mxPathname;
	pl.vfs.zName = "podium-powerloss";
	pl.vfs.xOpen = pl_open;
	pl.vfs.xDelete = pl_delete;
	pl.vfs.xAccess = pl_access;
	pl.vfs.xFullPathname = pl_full_pathname;
	pl.vfs.xRandomness = pl_randomness;
	pl.vfs.xSleep = pl_sleep;
	pl.vfs.xCurrentTime = pl_current_time;
	pl.vfs.xGetLastError = pl_last_error;
	pl.vfs.xCurrentTimeInt64 = pl_current_time64;

	memset(&pl.io, 0, sizeof pl.io);
	pl.io.iVersion = 3;
	pl.io.xClose = pl_close;
	pl.io.xRead = pl_read;
	pl.io.xWrite = pl_write;
	pl.io.xTruncate = pl_truncate;
	pl.io.xSync = pl_sync;
	pl.io.xFileSize = pl_file_size;
	pl.io.xLock = pl_lock;
	pl.io.xUnlock = pl_unlock;
	pl.io.xCheckReservedLock = pl_check_reserved;
	pl.io.xFileControl = pl_file_control;
	pl.io.xSectorSize = pl_sector_size;
	pl.io.xDeviceCharacteristics = pl_device;
	pl.io.xShmMap = pl_shm_map;
	pl.io.xShmLock = pl_shm_lock;
	pl.io.xShmBarrier = pl_shm_barrier;
	pl.io.xShmUnmap = pl_shm_unmap;
	pl.io.xFetch = pl_fetch;
	pl.io.xUnfetch = pl_unfetch;
	assert_int_equal(sqlite3_vfs_register(&pl.vfs, 1), SQLITE_OK);
}

/* A small deterministic generator (xorshift64*), for the tear mode. */
static uint64_t
pl_rand(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ULL;
}

/* Write bytes at an offset of a file by path (the disk after the cut). */
static void
pl_put(const char *path, sqlite3_int64 off, const unsigned char *data,
    size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, off), (ssize_t)len);
	close(fd);
}

/*
 * Lay every tracked file down as the disk holds it after the cut: its
 * durable image, plus in tear mode some of its unsynced writes (whole or
 * cut at a sector boundary), in any case without the -shm file.
 */
static void
pl_power_cut(const char *db, bool tear, uint64_t *rng)
{
	char shm[4096];

	for (struct pl_node *n = pl.nodes; n != NULL; n = n->next) {
		bool keep_any = tear && n->npending > 0 && pl_rand(rng) % 2 == 0;

		if (unlink(n->path) != 0)
			assert_int_equal(errno, ENOENT);
		if (!n->durable && !keep_any)
			continue;
		pl_put(n->path, 0, n->image, n->image_len);
		for (size_t i = 0; keep_any && i < n->npending; i++) {
			struct pl_write *w = &n->pending[i];
			size_t len = (size_t)w->len;

			if (pl_rand(rng) % 2 != 0)
				continue;
			if (pl_rand(rng) % 4 == 0)
				len = (size_t)(pl_rand(rng) % (len / PL_SECTOR + 1)) *
				    PL_SECTOR;
			pl_put(n->path, w->off, w->data, len);
		}
	}
	snprintf(shm, sizeof shm, "%s-shm", db);
	unlink(shm);
	pl_nodes_free();
	pl.dead = false;
	pl.crash_at = 0;
}

/* Everything one workload run was told was saved. */
struct pl_acks {
	int64_t seq[PL_ACKS_MAX];        /* rows whose commit returned */
	enum model_action_type type[PL_ACKS_MAX];
	size_t nrows;
	char ext[PL_ACKS_MAX][32];       /* intake ids acked ... */
	int64_t ext_id[PL_ACKS_MAX];     /* ... with the stored id */
	size_t next;
	int64_t undone[PL_ACKS_MAX];     /* rows whose undo returned */
	size_t nundone;
};

/* The run's files and what it has been told. */
struct pl_run {
	char dir[64];
	char db[128];
	char *event;
	struct pl_acks acks;
};

/* Note a row the store acknowledged. */
static void
pl_ack_row(struct pl_acks *k, int64_t seq, enum model_action_type type)
{
	assert_true(k->nrows < PL_ACKS_MAX);
	k->seq[k->nrows] = seq;
	k->type[k->nrows++] = type;
}

/* Open the run's database as the chair does; NULL once the disk is dead. */
static struct session *
pl_session_open(struct pl_run *r)
{
	struct session_options o = { r->db, r->event, true, false, 1.0 };
	struct session *s = NULL;
	char *cause = NULL;

	if (session_open(&s, &o, &cause) != 0) {
		if (!pl.dead)
			fail_msg("opening %s: %s", r->db, cause);
		free(cause);
		return NULL;
	}
	return s;
}

/* One chair action, logged if its commit returned. */
static void
pl_chair(struct session *s, struct pl_run *r, enum model_action_type type,
    int64_t target, int delta, enum model_question_status status)
{
	struct model_action a;
	char err[256];

	memset(&a, 0, sizeof a);
	a.type = type;
	a.target = target;
	a.delta = delta;
	a.status = status;
	if (session_do(s, &a, "chair", err, sizeof err))
		pl_ack_row(&r->acks, a.seq, type);
	else if (!pl.dead)
		fail_msg("chair action %d refused with the power on: %s",
		    (int)type, err);
}

/* Add a floor request as the chair's f does. */
static void
pl_floor(struct session *s, struct pl_run *r, const char *name)
{
	struct model_action a;
	char err[256];

	memset(&a, 0, sizeof a);
	a.type = MODEL_ACTION_SPEAKER_ADD;
	a.speaker.name = name;
	a.speaker.org = "Org";
	a.speaker.lang = "en";
	a.speaker.seconds = 120;
	a.speaker.segment = -1;
	if (session_do(s, &a, "chair", err, sizeof err))
		pl_ack_row(&r->acks, a.seq, a.type);
	else if (!pl.dead)
		fail_msg("floor request refused with the power on: %s", err);
}

/*
 * An intake batch of questions named ids[0..n) (a name may repeat: a retry
 * in the same batch, or of an earlier batch); acks are logged per item.
 */
static void
pl_intake(struct session *s, struct pl_run *r, const char **ids, size_t n)
{
	struct session_item items[16];

	assert_true(n <= 16);
	memset(items, 0, sizeof items);
	for (size_t i = 0; i < n; i++) {
		struct model_action *a = &items[i].action;

		items[i].ext_id = ids[i];
		a->type = MODEL_ACTION_QUESTION_ADD;
		a->question.ext_id = ids[i];
		a->question.text = "How can funding last beyond one budget cycle?";
		a->question.from = "Amina";
		a->question.lang = "en";
		a->question.theme = "funding";
	}
	session_do_batch(s, items, n, "intake");
	for (size_t i = 0; i < n; i++) {
		struct pl_acks *k = &r->acks;

		if (!items[i].ok) {
			if (!pl.dead)
				fail_msg("intake %s refused with the power on: %s",
				    ids[i], items[i].err);
			continue;
		}
		assert_true(k->next < PL_ACKS_MAX);
		snprintf(k->ext[k->next], sizeof k->ext[0], "%s", ids[i]);
		k->ext_id[k->next++] = items[i].id;
		if (!items[i].duplicate)
			pl_ack_row(k, items[i].id, MODEL_ACTION_QUESTION_ADD);
	}
}

/* A vote for a question, as intake sends it. */
static void
pl_vote(struct session *s, struct pl_run *r, int64_t question)
{
	struct session_item it;

	memset(&it, 0, sizeof it);
	it.action.type = MODEL_ACTION_QUESTION_VOTE;
	it.action.target = question;
	session_do_batch(s, &it, 1, "intake");
	if (it.ok)
		pl_ack_row(&r->acks, it.action.seq, MODEL_ACTION_QUESTION_VOTE);
	else if (!pl.dead)
		fail_msg("vote refused with the power on: %s", it.err);
}

/* The chair's u, logged (with the row it undid) if it returned. */
static void
pl_undo(struct session *s, struct pl_run *r)
{
	char msg[256];
	int64_t seq = 0;

	for (size_t i = s->njournal; i > 0 && seq == 0; i--) {
		if (!s->journal[i - 1].undone &&
		    strcmp(s->journal[i - 1].origin, "chair") == 0)
			seq = s->journal[i - 1].action.seq;
	}
	if (session_undo(s, msg, sizeof msg)) {
		assert_true(r->acks.nundone < PL_ACKS_MAX);
		r->acks.undone[r->acks.nundone++] = seq;
	} else if (!pl.dead) {
		fail_msg("undo refused with the power on: %s", msg);
	}
}

/* The first question of a session with an ext_id, or 0. */
static int64_t
pl_question(struct session *s, const char *ext)
{
	for (size_t i = 0; i < s->model->nquestions; i++) {
		if (s->model->questions[i].ext_id != NULL &&
		    strcmp(s->model->questions[i].ext_id, ext) == 0)
			return s->model->questions[i].id;
	}
	return 0;
}

/*
 * The scripted workload: a chair's session with intake, a restart in the
 * middle (a clean close checkpoints the WAL into the database) and undo.
 * It stops early only when a reopen fails on the dead disk.
 */
static void
pl_workload(struct pl_run *r)
{
	struct session *s = pl_session_open(r);
	int64_t q;

	if (s == NULL)
		return;
	/* To the first discussion segment, which has five speakers. */
	for (int i = 0; i < 4; i++)
		pl_chair(s, r, MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	pl_chair(s, r, MODEL_ACTION_TOGGLE, 0, 0, 0);
	pl_chair(s, r, MODEL_ACTION_ADD_TIME, 0, 30, 0);
	pl_intake(s, r, (const char *[]){ "q-1", "q-2", "q-3", "q-2", "q-4" },
	    5);
	q = pl_question(s, "q-1");
	if (q > 0)
		pl_chair(s, r, MODEL_ACTION_QUESTION_STATUS, q, 0,
		    MODEL_QUESTION_APPROVED);
	pl_undo(s, r);
	pl_intake(s, r, (const char *[]){ "q-5", "q-2", "q-6" }, 3);
	pl_chair(s, r, MODEL_ACTION_NEXT_SPEAKER, 0, 0, 0);
	pl_floor(s, r, "Delegate of Peru");
	pl_chair(s, r, MODEL_ACTION_TOGGLE, 0, 0, 0);
	session_close(s);

	if ((s = pl_session_open(r)) == NULL)
		return;
	pl_intake(s, r, (const char *[]){ "q-6", "q-7", "q-8", "q-9", "q-10",
	    "q-11", "q-12", "q-13" }, 8);
	q = pl_question(s, "q-3");
	if (q > 0) {
		pl_vote(s, r, q);
		pl_chair(s, r, MODEL_ACTION_QUESTION_STATUS, q, 0,
		    MODEL_QUESTION_ON_AIR);
	}
	pl_chair(s, r, MODEL_ACTION_TOGGLE, 0, 0, 0);
	pl_chair(s, r, MODEL_ACTION_ADD_TIME, 0, -30, 0);
	pl_undo(s, r);
	pl_undo(s, r);
	pl_chair(s, r, MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	pl_intake(s, r, (const char *[]){ "q-14", "q-1" }, 2);
	session_close(s);
}

/* The journal record of a seq in a reopened session, or NULL. */
static const struct action_record *
pl_record(const struct session *s, int64_t seq)
{
	for (size_t i = 0; i < s->njournal; i++) {
		if (s->journal[i].action.seq == seq)
			return &s->journal[i];
	}
	return NULL;
}

/*
 * After the cut: reopen as the chair would and check that nothing that
 * was acknowledged is missing, that the file and its chains are intact,
 * and that the chair can go on. Returns the acked items checked.
 */
static size_t
pl_check(struct pl_run *r, const char *what)
{
	struct store_verify_result v;
	struct session *s;
	char *cause = NULL;
	size_t checked = 0;

	s = pl_session_open(r);
	if (s == NULL)
		fail_msg("%s: the database does not reopen", what);
	if (store_verify(s->store, &v, &cause) != 0)
		fail_msg("%s: verify failed: %s", what, cause);
	if (strcmp(v.integrity, "ok") != 0 || v.status != STORE_VERIFY_OK)
		fail_msg("%s: integrity %s, chains: %s", what, v.integrity, v.why);
	if (s->replay_refused != 0)
		fail_msg("%s: %zu journal rows refused on replay", what,
		    s->replay_refused);
	for (size_t i = 0; i < r->acks.nrows; i++, checked++) {
		const struct action_record *rec = pl_record(s, r->acks.seq[i]);

		if (rec == NULL || rec->action.type != r->acks.type[i])
			fail_msg("%s: acknowledged row %" PRId64 " (%s) lost", what,
			    r->acks.seq[i], model_action_info(r->acks.type[i])->name);
	}
	for (size_t i = 0; i < r->acks.next; i++, checked++) {
		size_t copies = 0;

		if (store_find_ext_id(s->store, r->acks.ext[i]) != r->acks.ext_id[i])
			fail_msg("%s: acknowledged question %s (id %" PRId64
			    ") lost", what, r->acks.ext[i], r->acks.ext_id[i]);
		for (size_t j = 0; j < s->model->nquestions; j++) {
			const char *e = s->model->questions[j].ext_id;

			copies += e != NULL && strcmp(e, r->acks.ext[i]) == 0;
		}
		if (copies != 1)
			fail_msg("%s: question %s stored %zu times", what,
			    r->acks.ext[i], copies);
	}
	for (size_t i = 0; i < r->acks.nundone; i++, checked++) {
		const struct action_record *rec = pl_record(s, r->acks.undone[i]);

		if (rec == NULL || !rec->undone)
			fail_msg("%s: acknowledged undo of row %" PRId64 " lost",
			    what, r->acks.undone[i]);
	}
	/* The chair goes on after the reboot. */
	pl_chair(s, r, MODEL_ACTION_SEGMENT_NEXT, 0, 0, 0);
	session_close(s);
	return checked;
}

/* Remove one entry of a run directory. */
static int
pl_remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Start a run on a fresh directory. */
static void
pl_run_init(struct pl_run *r, char *event)
{
	memset(r, 0, sizeof *r);
	snprintf(r->dir, sizeof r->dir, "/tmp/podium-powerloss-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	snprintf(r->db, sizeof r->db, "%s/session.db", r->dir);
	r->event = event;
}

/* Remove a run's directory. */
static void
pl_run_finish(struct pl_run *r)
{
	pl_nodes_free();
	nftw(r->dir, pl_remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Cut the power at every sync point of the workload, in both modes. */
static void
test_powerloss_sweep(void **state)
{
	const char *env = getenv("PODIUM_POWERLOSS_SEED");
	uint64_t seed = env != NULL ? strtoull(env, NULL, 10) : 20201204;
	uint64_t rng = seed ? seed : 1;
	char *cause = NULL, *event = session_sample_event("sample-event.json",
	    &cause);
	struct pl_run r;
	long total;
	size_t tried = 0, acked = 0;

	(void)state;
	assert_non_null(event);
	pl_register();

	/* A run without a cut counts the sync points. */
	pl_run_init(&r, event);
	pl.syncs = 0;
	pl_workload(&r);
	total = pl.syncs;
	assert_true(total > 10);
	pl_run_finish(&r);

	for (int mode = 0; mode < 2; mode++) {
		for (long n = 1; n <= total; n++) {
			char what[96];

			snprintf(what, sizeof what, "%s at sync %ld of %ld (seed %"
			    PRIu64 ")", mode ? "tear" : "drop", n, total, seed);
			pl_run_init(&r, event);
			pl.syncs = 0;
			pl.crash_at = n;
			pl_workload(&r);
			if (!pl.dead)
				fail_msg("%s: the cut never came", what);
			pl_power_cut(r.db, mode == 1, &rng);
			acked += pl_check(&r, what);
			tried++;
			pl_run_finish(&r);
		}
	}
	/* Any loss has failed the test above: here, none was lost. */
	printf("power-loss: %ld sync points, %zu cuts (drop and tear, seed %"
	    PRIu64 "), %zu acknowledgements checked, acknowledged lost: 0\n",
	    total, tried, seed, acked);
	free(event);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_powerloss_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
