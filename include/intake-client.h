/*
 * intake-client.h -- the client side of the intake protocol, for
 * `podium ask` and `podium import`: a blocking connection to a running
 * console's DB.intake.sock or TCP listener, request lines out, reply
 * lines in.
 */
#ifndef PODIUM_INTAKE_CLIENT_H
#define PODIUM_INTAKE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct intake_client;

/* Where a running console is: its database, or HOST:PORT with a token. */
struct intake_client_target {
	const char *db_path;     /* finds DB.intake.sock */
	const char *connect;     /* HOST:PORT instead, or NULL */
	const char *token_file;  /* required with connect */
};

/*
 * Connect (and on TCP say hello with the token). NULL with *cause; *absent
 * is set when no console is listening (so callers can fall back).
 */
struct intake_client *intake_client_connect(
    const struct intake_client_target *t, bool *absent, char **cause);

/* Close a connection; NULL is accepted. */
void intake_client_close(struct intake_client *c);

/* Send one request line (a newline is added); 0 or -1 with *cause. */
int intake_client_send(struct intake_client *c, const char *line, size_t len,
    char **cause);

/*
 * Read one reply: 0 with *ok and either *id or *error (malloc'd) set, or
 * -1 with *cause when the connection failed.
 */
int intake_client_reply(struct intake_client *c, bool *ok, int64_t *id,
    char **error, char **cause);

#endif /* PODIUM_INTAKE_CLIENT_H */
