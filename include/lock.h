/*
 * lock.h -- the single-chair rule: one chair console per database, held by
 * an advisory lock on DB.lock (flock), so readers of the database are never
 * blocked and a crashed chair's lock dies with its process.
 */
#ifndef PODIUM_LOCK_H
#define PODIUM_LOCK_H

/*
 * Take the chair lock of a database. Returns an fd to keep open while the
 * chair runs, or -1 with *cause saying who holds it or what failed.
 */
int lock_acquire(const char *db_path, char **cause);

/* Release the chair lock (closes the fd); -1 is accepted. */
void lock_release(int fd);

#endif /* PODIUM_LOCK_H */
