/*
 * server-mirror.h -- the chair's side of the co-host mirror (protocol in
 * mirror-proto.h and docs/MIRROR.md): DB.mirror.sock and an opt-in TCP
 * listener, a snapshot for each new mirror, then every committed change.
 */
#ifndef PODIUM_SERVER_MIRROR_H
#define PODIUM_SERVER_MIRROR_H

#include <stddef.h>

#include "session.h"

struct uv_loop_s;
struct server_mirror;

struct server_mirror_options {
	const char *unix_path;  /* DB.mirror.sock; NULL for none */
	const char *tcp_listen; /* "HOST:PORT" or NULL */
	const char *token;      /* required from TCP mirrors */
};

/*
 * Listen for mirrors and observe the session's commits; NULL with *cause
 * if a listener cannot be set up.
 */
struct server_mirror *server_mirror_create(struct uv_loop_s *loop,
    struct session *s, const struct server_mirror_options *o, char **cause);

/* Stop observing, close listeners and mirrors; the loop must run after. */
void server_mirror_close(struct server_mirror *srv);

/* Free after server_mirror_close() and the loop's run. */
void server_mirror_destroy(struct server_mirror *srv);

/* Mirrors connected now. */
size_t server_mirror_count(const struct server_mirror *srv);

#endif /* PODIUM_SERVER_MIRROR_H */
