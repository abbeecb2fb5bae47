/*
 * intake-client.c -- blocking intake client over a Unix or TCP socket.
 *
 * Replies are read through a stdio stream on the socket; requests are
 * written with write(2) in full. The caller keeps the number of requests
 * in flight bounded, so neither side's buffers can fill up and deadlock.
 */
#include "intake-client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "intake-proto.h"
#include "token.h"

struct intake_client {
	int fd;
	FILE *in;
	char *line;
	size_t cap;
};

/* Format a cause (malloc'd). */
static char *
intake_client_cause(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

/* Connect to DB.intake.sock. */
static int
intake_client_unix(const char *db, bool *absent, char **cause)
{
	struct sockaddr_un sa;
	char path[sizeof sa.sun_path + 64];
	int fd;

	snprintf(path, sizeof path, "%s.intake.sock", db);
	if (strlen(path) >= sizeof sa.sun_path) {
		*cause = intake_client_cause("the socket path %s is too long",
		    path);
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		*absent = e == ENOENT || e == ECONNREFUSED;
		*cause = intake_client_cause(*absent ?
		    "no chair console is running on %s (nothing listens on %s); "
		    "start it with `podium --db %s`" :
		    "cannot connect to %s's console at %s: %s", db, path,
		    *absent ? db : strerror(e));
		return -1;
	}
	return fd;
}

/* Connect to HOST:PORT. */
static int
intake_client_tcp(const char *spec, bool *absent, char **cause)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints, *res = NULL;
	size_t hl;
	int fd = -1, rc;

	if (colon == NULL || colon == spec || (hl = (size_t)(colon - spec)) >=
	    sizeof host) {
		*cause = intake_client_cause("--connect '%s' is not HOST:PORT",
		    spec);
		return -1;
	}
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc != 0) {
		*cause = intake_client_cause("--connect %s: %s", spec,
		    gai_strerror(rc));
		return -1;
	}
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		*absent = errno == ECONNREFUSED;
		*cause = intake_client_cause("cannot connect to %s: %s", spec,
		    strerror(errno));
	}
	return fd;
}

/* Connect (and on TCP say hello with the token). */
struct intake_client *
intake_client_connect(const struct intake_client_target *t, bool *absent,
    char **cause)
{
	struct intake_client *c;
	char *token = NULL, *hello = NULL, *err = NULL;
	bool ok;
	int64_t id;
	int fd;

	*absent = false;
	signal(SIGPIPE, SIG_IGN);
	if (t->connect != NULL) {
		if (t->token_file == NULL) {
			*cause = intake_client_cause("--connect needs --token-file "
			    "(the DB.token file next to the console's database)");
			return NULL;
		}
		token = token_read(t->token_file, cause);
		if (token == NULL)
			return NULL;
		fd = intake_client_tcp(t->connect, absent, cause);
	} else {
		fd = intake_client_unix(t->db_path, absent, cause);
	}
	if (fd < 0) {
		free(token);
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL || (c->in = fdopen(dup(fd), "r")) == NULL)
		abort();
	c->fd = fd;
	if (asprintf(&hello, "{\"type\":\"hello\",\"version\":%d%s%s%s}",
	    INTAKE_PROTO_VERSION, token ? ",\"token\":\"" : "",
	    token ? token : "", token ? "\"" : "") < 0)
		abort();
	free(token);
	if (intake_client_send(c, hello, strlen(hello), cause) != 0 ||
	    intake_client_reply(c, &ok, &id, &err, cause) != 0)
		goto fail;
	if (!ok) {
		*cause = intake_client_cause("the console refused the "
		    "connection: %s", err);
		goto fail;
	}
	free(hello);
	return c;

fail:
	free(hello);
	free(err);
	intake_client_close(c);
	return NULL;
}

/* Close a connection. */
void
intake_client_close(struct intake_client *c)
{
	if (c == NULL)
		return;
	fclose(c->in);
	close(c->fd);
	free(c->line);
	free(c);
}

/* Send one request line (a newline is added). */
int
intake_client_send(struct intake_client *c, const char *line, size_t len,
    char **cause)
{
	struct part {
		const char *p;
		size_t n;
	} parts[2] = { { line, len }, { "\n", 1 } };

	for (int i = 0; i < 2; i++) {
		const char *p = parts[i].p;
		size_t n = parts[i].n;

		while (n > 0) {
			ssize_t w = write(c->fd, p, n);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				*cause = intake_client_cause("the console closed the "
				    "connection: %s", strerror(errno));
				return -1;
			}
			p += w;
			n -= (size_t)w;
		}
	}
	return 0;
}

/* Read one reply. */
int
intake_client_reply(struct intake_client *c, bool *ok, int64_t *id,
    char **error, char **cause)
{
	json_t *o;
	ssize_t n = getline(&c->line, &c->cap, c->in);

	*ok = false;
	*id = 0;
	*error = NULL;
	if (n <= 0) {
		*cause = intake_client_cause("the console closed the connection "
		    "before answering");
		return -1;
	}
	o = json_loadb(c->line, (size_t)n, 0, NULL);
	if (!json_is_object(o) || !json_is_boolean(json_object_get(o, "ok"))) {
		json_decref(o);
		*cause = intake_client_cause("the console answered something "
		    "that is not an intake reply");
		return -1;
	}
	*ok = json_is_true(json_object_get(o, "ok"));
	if (*ok) {
		*id = json_integer_value(json_object_get(o, "id"));
	} else {
		const char *e = json_string_value(json_object_get(o, "error"));

		*error = strdup(e != NULL ? e : "refused");
	}
	json_decref(o);
	return 0;
}
