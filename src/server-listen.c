/*
 * server-listen.c -- the listening sockets of the servers. Unix sockets
 * are created under umask 0177 so they are never reachable by others,
 * not even between bind and chmod; peers are checked with SO_PEERCRED.
 * TCP binds only to a numeric address, never to a name that might
 * resolve to more than was meant.
 */
#include "server-listen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Format a cause (malloc'd). */
static char *
server_listen_cause(const char *fmt, const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, fmt, a, b) < 0)
		abort();
	return s;
}

/* Listen on a Unix socket at path, mode 0600, replacing a stale socket. */
int
server_listen_unix(uv_loop_t *loop, uv_pipe_t *pipe, const char *path,
    uv_connection_cb cb, void *data, char **cause)
{
	mode_t old;
	int rc;

	uv_pipe_init(loop, pipe, 0);
	pipe->data = data;
	if (strlen(path) >= SERVER_LISTEN_PATH_MAX) {
		*cause = server_listen_cause("the socket path %s is too long for "
		    "a Unix socket%s; give a shorter --db path", path, "");
		return -1;
	}
	unlink(path);
	old = umask(0177);
	rc = uv_pipe_bind(pipe, path);
	umask(old);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)pipe, 128, cb);
	if (rc != 0) {
		*cause = server_listen_cause("cannot listen on %s: %s", path,
		    uv_strerror(rc));
		return -1;
	}
	chmod(path, 0600);
	return 0;
}

/* Listen on TCP at exactly spec ("HOST:PORT" or "[V6]:PORT", numeric). */
int
server_listen_tcp(uv_loop_t *loop, uv_tcp_t *tcp, const char *spec,
    const char *option, uv_connection_cb cb, void *data, bool *inited,
    char **cause)
{
	struct sockaddr_storage ss;
	char host[256], *end;
	const char *colon = strrchr(spec, ':'), *h = spec;
	long port;
	size_t hl;
	int rc;

	*inited = false;
	if (colon == NULL || colon == spec)
		goto bad;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 1 || port > 65535)
		goto bad;
	hl = (size_t)(colon - spec);
	if (spec[0] == '[' && colon[-1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof host)
		goto bad;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (uv_ip4_addr(host, (int)port, (struct sockaddr_in *)&ss) != 0 &&
	    uv_ip6_addr(host, (int)port, (struct sockaddr_in6 *)&ss) != 0)
		goto bad;
	uv_tcp_init(loop, tcp);
	tcp->data = data;
	*inited = true;
	rc = uv_tcp_bind(tcp, (struct sockaddr *)&ss, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)tcp, 128, cb);
	if (rc != 0) {
		char what[300];

		snprintf(what, sizeof what, "%s %s", option, spec);
		*cause = server_listen_cause("%s: %s", what, uv_strerror(rc));
		return -1;
	}
	return 0;
bad:
	*cause = server_listen_cause("%s '%s' is not HOST:PORT with a numeric "
	    "address (e.g. 127.0.0.1:7070 or [::1]:7070)", option, spec);
	return -1;
}

/* A listener is closed; it is embedded in its server, nothing to free. */
static void
server_listen_closed(uv_handle_t *h)
{
	(void)h;
}

/* Close the listeners that were opened and remove the socket file. */
void
server_listen_close(uv_pipe_t *pipe, bool unix_on, uv_tcp_t *tcp,
    bool tcp_on, const char *unix_path)
{
	if (unix_on)
		uv_close((uv_handle_t *)pipe, server_listen_closed);
	if (tcp_on)
		uv_close((uv_handle_t *)tcp, server_listen_closed);
	if (unix_path != NULL)
		unlink(unix_path);
}

/* Whether the peer of an accepted Unix socket runs as our own user. */
bool
server_listen_same_uid(uv_pipe_t *p)
{
	uv_os_fd_t fd;
	struct ucred cred;
	socklen_t len = sizeof cred;

	if (uv_fileno((uv_handle_t *)p, &fd) != 0)
		return false;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return false;
	return cred.uid == getuid();
}
