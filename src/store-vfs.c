/*
 * store-vfs.c -- a VFS shim under the writer's connection that hands a
 * commit's write-ahead log frames to the kernel in one write.
 *
 * Data flow: SQLite writes each frame of a commit into the log with two
 * writes (a 24-byte header, then the page) and then syncs the log. This
 * shim gathers consecutive writes to the log in a buffer and passes them
 * on in one write when SQLite next does anything else with that file
 * (sync, read, size, truncate, file control, close), so a commit of ten
 * pages makes one system call instead of twenty. What reaches the file,
 * and when it is synced, is unchanged. A failed write is reported by the
 * call that flushed it, and again by the next sync if that call was a
 * file control (SQLite does not look at the result of its hints): so the
 * commit whose frames were lost fails, as it would have, and only that
 * one.
 *
 * This relies on every commit ending in a sync of the log, which SQLite
 * does with synchronous=FULL (store.c sets it on the writer before
 * anything is written; the writer is the only connection opened through
 * the shim): only after that sync does SQLite publish the new frames in
 * the wal-index, so no reader, in this process or another, is told of
 * frames still in the buffer.
 *
 * A file keeps the VFS that was the process's default when it was opened
 * (a test's fault-injecting VFS too, tests/reliability/test-powerloss.c);
 * the calls that concern no open file (delete, access, full path, time,
 * randomness) go to the default of the moment. The shim itself is never
 * the default.
 */
#include "store-vfs.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * Bytes gathered before they are written: a commit of 15 pages fits.
 * SQLite's unix VFS takes at most 128 KiB - 1 in one write.
 */
#define STORE_VFS_GATHER_MAX (64 * 1024)

/* A file opened through the shim. */
struct store_vfs_file {
	sqlite3_file base;      /* what SQLite holds; pMethods is ours */
	sqlite3_file *real;     /* the same file opened by the real VFS */
	bool log;               /* the write-ahead log: writes are gathered */
	int err;                /* a failed flush in a file control, or 0 */
	char *buf;              /* gathered bytes, for the file at off */
	size_t len;
	size_t cap;
	sqlite3_int64 off;
};

static sqlite3_io_methods store_vfs_io[3];  /* iVersion 1, 2, 3 */
static sqlite3_vfs store_vfs;
static pthread_once_t store_vfs_once = PTHREAD_ONCE_INIT;
static bool store_vfs_ok;

/* The VFS that does the work: the process's default. */
static sqlite3_vfs *
store_vfs_real(void)
{
	return sqlite3_vfs_find(NULL);
}

/* Write what was gathered; the real VFS's result. */
static int
store_vfs_flush(struct store_vfs_file *f)
{
	int rc;

	if (f->len == 0)
		return SQLITE_OK;
	rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->off);
	f->len = 0;
	return rc;
}

/* Close: write what was gathered, close the real file. */
static int
store_vfs_close(sqlite3_file *file)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;
	int rc = store_vfs_flush(f), rc2;

	rc2 = f->real->pMethods->xClose(f->real);
	sqlite3_free(f->real);
	free(f->buf);
	f->real = NULL;
	f->buf = NULL;
	return rc != SQLITE_OK ? rc : rc2;
}

/* Read, after writing what was gathered (it may be read back). */
static int
store_vfs_read(sqlite3_file *file, void *p, int amt, sqlite3_int64 off)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;
	int rc = store_vfs_flush(f);

	if (rc != SQLITE_OK)
		return rc;
	return f->real->pMethods->xRead(f->real, p, amt, off);
}

/* Write: to the log, gathered while the writes follow one another. */
static int
store_vfs_write(sqlite3_file *file, const void *p, int amt,
    sqlite3_int64 off)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;
	size_t n = (size_t)amt;
	int rc;

	if (!f->log || amt <= 0)
		return f->real->pMethods->xWrite(f->real, p, amt, off);
	if (f->len > 0 && (off != f->off + (sqlite3_int64)f->len ||
	    f->len + n > STORE_VFS_GATHER_MAX)) {
		rc = store_vfs_flush(f);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (n > STORE_VFS_GATHER_MAX)
		return f->real->pMethods->xWrite(f->real, p, amt, off);
	if (f->len + n > f->cap) {
		size_t cap = STORE_VFS_GATHER_MAX;
		char *buf = realloc(f->buf, cap);

		if (buf == NULL) {
			rc = store_vfs_flush(f);
			if (rc != SQLITE_OK)
				return rc;
			return f->real->pMethods->xWrite(f->real, p, amt, off);
		}
		f->buf = buf;
		f->cap = cap;
	}
	if (f->len == 0)
		f->off = off;
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	return SQLITE_OK;
}

/* Truncate, after writing what was gathered. */
static int
store_vfs_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;
	int rc = store_vfs_flush(f);

	if (rc != SQLITE_OK)
		return rc;
	return f->real->pMethods->xTruncate(f->real, size);
}

/*
 * Sync: write what was gathered, then sync; a failed write fails it, and
 * so does one that failed in a file control since the last sync (once).
 */
static int
store_vfs_sync(sqlite3_file *file, int flags)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;
	int rc = store_vfs_flush(f);

	if (rc == SQLITE_OK)
		rc = f->err;
	f->err = 0;
	if (rc != SQLITE_OK)
		return rc;
	return f->real->pMethods->xSync(f->real, flags);
}

/* Size, counting what was gathered (written first). */
static int
store_vfs_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;
	int rc = store_vfs_flush(f);

	if (rc != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFileSize(f->real, size);
}

/* Lock: straight through. */
static int
store_vfs_lock(sqlite3_file *file, int level)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;

	return f->real->pMethods->xLock(f->real, level);
}

/* Unlock: straight through. */
static int
store_vfs_unlock(sqlite3_file *file, int level)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;

	return f->real->pMethods->xUnlock(f->real, level);
}

/* Reserved lock check: straight through. */
static int
store_vfs_check_reserved(sqlite3_file *file, int *out)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

/*
 * File controls, after writing what was gathered (size hints and the
 * like must see the file as SQLite wrote it); a failed write is kept for
 * the next sync, and the control still goes through (the last errno is
 * then the failed write's).
 */
static int
store_vfs_file_control(sqlite3_file *file, int op, void *arg)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;
	int rc = store_vfs_flush(f);

	if (rc != SQLITE_OK)
		f->err = rc;  /* SQLite may not look at this call's result */
	return f->real->pMethods->xFileControl(f->real, op, arg);
}

/* Sector size: the real file's. */
static int
store_vfs_sector_size(sqlite3_file *file)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;

	return f->real->pMethods->xSectorSize(f->real);
}

/* Device characteristics: the real file's. */
static int
store_vfs_device(sqlite3_file *file)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;

	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* Shared memory (the database file's wal-index): straight through. */
static int
store_vfs_shm_map(sqlite3_file *file, int region, int size, int extend,
    void volatile **p)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;

	return f->real->pMethods->xShmMap(f->real, region, size, extend, p);
}

/* Shared-memory locks: straight through. */
static int
store_vfs_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;

	return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

/* Shared-memory barrier: straight through. */
static void
store_vfs_shm_barrier(sqlite3_file *file)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;

	f->real->pMethods->xShmBarrier(f->real);
}

/* Shared-memory unmap: straight through. */
static int
store_vfs_shm_unmap(sqlite3_file *file, int delete_flag)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;

	return f->real->pMethods->xShmUnmap(f->real, delete_flag);
}

/* Memory-mapped page, after writing what was gathered. */
static int
store_vfs_fetch(sqlite3_file *file, sqlite3_int64 off, int amt, void **pp)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;
	int rc = store_vfs_flush(f);

	if (rc != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFetch(f->real, off, amt, pp);
}

/* Release a memory-mapped page: straight through. */
static int
store_vfs_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;

	return f->real->pMethods->xUnfetch(f->real, off, p);
}

/* Open through the real VFS; the log's writes will be gathered. */
static int
store_vfs_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file,
    int flags, int *out_flags)
{
	struct store_vfs_file *f = (struct store_vfs_file *)file;
	sqlite3_vfs *real = store_vfs_real();
	int rc, version;

	(void)vfs;
	memset(f, 0, sizeof *f);
	f->real = sqlite3_malloc(real->szOsFile);
	if (f->real == NULL)
		return SQLITE_NOMEM;
	memset(f->real, 0, (size_t)real->szOsFile);
	rc = real->xOpen(real, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK || f->real->pMethods == NULL) {
		if (f->real->pMethods != NULL)
			f->real->pMethods->xClose(f->real);
		sqlite3_free(f->real);
		f->real = NULL;
		return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
	}
	f->log = (flags & SQLITE_OPEN_WAL) != 0;
	version = f->real->pMethods->iVersion;
	version = version < 1 ? 1 : version > 3 ? 3 : version;
	f->base.pMethods = &store_vfs_io[version - 1];
	return SQLITE_OK;
}

/* Delete a file: the real VFS. */
static int
store_vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	sqlite3_vfs *real = store_vfs_real();

	(void)vfs;
	return real->xDelete(real, name, sync_dir);
}

/* Whether a file exists or may be written: the real VFS. */
static int
store_vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	sqlite3_vfs *real = store_vfs_real();

	(void)vfs;
	return real->xAccess(real, name, flags, out);
}

/* The full path of a file: the real VFS. */
static int
store_vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n,
    char *out)
{
	sqlite3_vfs *real = store_vfs_real();

	(void)vfs;
	return real->xFullPathname(real, name, n, out);
}

/* Random bytes: the real VFS. */
static int
store_vfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	sqlite3_vfs *real = store_vfs_real();

	(void)vfs;
	return real->xRandomness(real, n, out);
}

/* Sleep: the real VFS. */
static int
store_vfs_sleep(sqlite3_vfs *vfs, int us)
{
	sqlite3_vfs *real = store_vfs_real();

	(void)vfs;
	return real->xSleep(real, us);
}

/* The time as a Julian day: the real VFS. */
static int
store_vfs_current_time(sqlite3_vfs *vfs, double *out)
{
	sqlite3_vfs *real = store_vfs_real();

	(void)vfs;
	return real->xCurrentTime(real, out);
}

/* The last error of the real VFS. */
static int
store_vfs_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	sqlite3_vfs *real = store_vfs_real();

	(void)vfs;
	return real->xGetLastError != NULL ?
	    real->xGetLastError(real, n, out) : 0;
}

/* Open a shared library: the real VFS. */
static void *
store_vfs_dl_open(sqlite3_vfs *vfs, const char *name)
{
	sqlite3_vfs *real = store_vfs_real();

	(void)vfs;
	return real->xDlOpen(real, name);
}

/* The last shared-library error: the real VFS. */
static void
store_vfs_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
	sqlite3_vfs *real = store_vfs_real();

	(void)vfs;
	real->xDlError(real, n, out);
}

/* A symbol of a shared library: the real VFS. */
static void (*store_vfs_dl_sym(sqlite3_vfs *vfs, void *lib,
    const char *sym))(void)
{
	sqlite3_vfs *real = store_vfs_real();

	(void)vfs;
	return real->xDlSym(real, lib, sym);
}

/* Close a shared library: the real VFS. */
static void
store_vfs_dl_close(sqlite3_vfs *vfs, void *lib)
{
	sqlite3_vfs *real = store_vfs_real();

	(void)vfs;
	real->xDlClose(real, lib);
}

/* The time in milliseconds since the Julian epoch: the real VFS. */
static int
store_vfs_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	sqlite3_vfs *real = store_vfs_real();
	double day;
	int rc;

	(void)vfs;
	if (real->iVersion >= 2 && real->xCurrentTimeInt64 != NULL)
		return real->xCurrentTimeInt64(real, out);
	rc = real->xCurrentTime(real, &day);
	*out = (sqlite3_int64)(day * 86400000.0);
	return rc;
}

/* Register the shim (once). */
static void
store_vfs_register(void)
{
	static const sqlite3_io_methods io = {
		.iVersion = 3,
		.xClose = store_vfs_close,
		.xRead = store_vfs_read,
		.xWrite = store_vfs_write,
		.xTruncate = store_vfs_truncate,
		.xSync = store_vfs_sync,
		.xFileSize = store_vfs_file_size,
		.xLock = store_vfs_lock,
		.xUnlock = store_vfs_unlock,
		.xCheckReservedLock = store_vfs_check_reserved,
		.xFileControl = store_vfs_file_control,
		.xSectorSize = store_vfs_sector_size,
		.xDeviceCharacteristics = store_vfs_device,
		.xShmMap = store_vfs_shm_map,
		.xShmLock = store_vfs_shm_lock,
		.xShmBarrier = store_vfs_shm_barrier,
		.xShmUnmap = store_vfs_shm_unmap,
		.xFetch = store_vfs_fetch,
		.xUnfetch = store_vfs_unfetch,
	};
	sqlite3_vfs *real = store_vfs_real();

	if (real == NULL)
		return;
	for (int v = 0; v < 3; v++) {
		store_vfs_io[v] = io;
		store_vfs_io[v].iVersion = v + 1;
	}
	store_vfs.iVersion = 2;
	store_vfs.szOsFile = (int)sizeof(struct store_vfs_file);
	store_vfs.mxPathname = real->mxPathname;
	store_vfs.zName = STORE_VFS_NAME;
	store_vfs.xOpen = store_vfs_open;
	store_vfs.xDelete = store_vfs_delete;
	store_vfs.xAccess = store_vfs_access;
	store_vfs.xFullPathname = store_vfs_full_pathname;
	store_vfs.xRandomness = store_vfs_randomness;
	store_vfs.xSleep = store_vfs_sleep;
	store_vfs.xCurrentTime = store_vfs_current_time;
	store_vfs.xGetLastError = store_vfs_last_error;
	store_vfs.xCurrentTimeInt64 = store_vfs_current_time64;
	store_vfs.xDlOpen = store_vfs_dl_open;
	store_vfs.xDlError = store_vfs_dl_error;
	store_vfs.xDlSym = store_vfs_dl_sym;
	store_vfs.xDlClose = store_vfs_dl_close;
	store_vfs_ok = sqlite3_vfs_register(&store_vfs, 0) == SQLITE_OK;
}

const char *
store_vfs_name(void)
{
	pthread_once(&store_vfs_once, store_vfs_register);
	return store_vfs_ok ? STORE_VFS_NAME : NULL;
}
