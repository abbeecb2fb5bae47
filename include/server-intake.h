/*
 * server-intake.h -- the intake server: JSON Lines requests (questions,
 * floor requests, votes) from other programs over DB.intake.sock and an
 * opt-in TCP listener, committed in groups and acknowledged only once
 * durable. Runs on the console's libuv loop; each group's commit runs on
 * a libuv worker while the loop reads the next group.
 */
#ifndef PODIUM_SERVER_INTAKE_H
#define PODIUM_SERVER_INTAKE_H

#include <stddef.h>

#include "session.h"

struct uv_loop_s;
struct server_intake;

struct server_intake_options {
	const char *unix_path;   /* DB.intake.sock; NULL for none */
	const char *tcp_listen;  /* "HOST:PORT" or NULL */
	const char *token;       /* required from TCP clients */
	/* Called after each committed batch with the number of new items. */
	void (*changed)(void *arg, size_t added, const char *what);
	void *arg;
};

/*
 * Listen for intake on the given loop; NULL with *cause if a listener
 * cannot be set up (path too long, address in use, ...).
 */
struct server_intake *server_intake_create(struct uv_loop_s *loop,
    struct session *s, const struct server_intake_options *o, char **cause);

/*
 * Commit what is queued, then close every listener and connection; the
 * loop must run until their close callbacks have fired.
 */
void server_intake_close(struct server_intake *srv);

/* Free the server after server_intake_close() and the loop's run. */
void server_intake_destroy(struct server_intake *srv);

/*
 * Submit one request line as a client would (rehearsal replay); it is
 * committed with the next batch and its reply is dropped.
 */
void server_intake_submit(struct server_intake *srv, const char *line,
    size_t len);

/*
 * Make the session the console's own again: if a batch is committing,
 * wait for its commit to return and answer it. Call before anything that
 * draws the session or uses its store (keys, ticks, frames): while a
 * batch commits, the store is the worker's and the model holds rows that
 * may not be stored. NULL is fine.
 */
void server_intake_settle(struct server_intake *srv);

/* Requests accepted since start (for the status line and benchmarks). */
size_t server_intake_count(const struct server_intake *srv);

#endif /* PODIUM_SERVER_INTAKE_H */
