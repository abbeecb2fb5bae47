/*
 * store-vfs.h -- the VFS shim the writer's connection opens its files
 * through: a commit's write-ahead log frames reach the kernel in one
 * write instead of two per page (src/store-vfs.c). Store-internal.
 */
#ifndef PODIUM_STORE_VFS_H
#define PODIUM_STORE_VFS_H

#define STORE_VFS_NAME "podium-gather"

/*
 * Register the shim once (thread-safe) and return its name for
 * sqlite3_open_v2(), or NULL if SQLite has no default VFS to wrap.
 */
const char *store_vfs_name(void);

#endif /* PODIUM_STORE_VFS_H */
