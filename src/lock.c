/*
 * lock.c -- the single-chair rule.
 *
 * Data flow: the chair takes an exclusive flock on DB.lock (not on the
 * database, whose readers must never be blocked) and writes its pid there
 * so that a second chair can say who holds it. The kernel drops the lock
 * when the holder's process dies, even by kill -9, so there is no stale
 * lock to clean up; the file itself is left in place, because unlinking it
 * would let two chairs lock two different files of the same name.
 */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* Hand a formatted sentence up to the caller, aborting if out of memory. */
static void __attribute__((format(printf, 2, 3)))
lock_set_cause(char **cause, const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	va_end(ap);
	*cause = text;
}

/* The pid written in a lock file by its holder, or 0 if unreadable. */
static long
lock_read_pid(int fd)
{
	char buf[32];
	char *end;
	ssize_t n;
	long pid;

	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	pid = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || pid <= 0)
		return 0;
	return pid;
}

/* Replace the lock file's content with our pid, for the next chair. */
static int
lock_write_pid(int fd)
{
	char buf[32];
	int len;

	len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0)
		return -1;
	if (pwrite(fd, buf, (size_t)len, 0) != len) {
		if (errno == 0)
			errno = ENOSPC;
		return -1;
	}
	return 0;
}

/* Take the chair lock of db_path; see lock.h. */
int
lock_acquire(const char *db_path, char **cause)
{
	char *path = NULL;
	long pid;
	int fd = -1, rc;

	if (asprintf(&path, "%s.lock", db_path) < 0) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		lock_set_cause(cause, "cannot create the chair lock %s: %s;"
		    " choose a writable --db location", path, strerror(errno));
		goto fail;
	}
	do
		rc = flock(fd, LOCK_EX | LOCK_NB);
	while (rc != 0 && errno == EINTR);
	if (rc != 0) {
		if (errno == EWOULDBLOCK) {
			pid = lock_read_pid(fd);
			if (pid > 0) {
				lock_set_cause(cause, "another chair console"
				    " (pid %ld) is running on %s; use `podium"
				    " mirror --db %s` to watch it", pid,
				    db_path, db_path);
			} else {
				lock_set_cause(cause, "another chair console"
				    " is running on %s; use `podium mirror"
				    " --db %s` to watch it", db_path, db_path);
			}
		} else {
			lock_set_cause(cause, "cannot lock %s: %s; put the"
			    " database on a local disk that supports file"
			    " locks", path, strerror(errno));
		}
		goto fail;
	}
	errno = 0;
	if (lock_write_pid(fd) != 0) {
		lock_set_cause(cause, "cannot write to the chair lock %s: %s;"
		    " check the disk and try again", path, strerror(errno));
		goto fail;
	}
	free(path);
	return fd;

fail:
	if (fd >= 0)
		close(fd);
	free(path);
	return -1;
}

/* Release the chair lock by closing its descriptor. */
void
lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
