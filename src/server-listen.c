/*
 * server-listen.c -- the listening sockets of the servers. Unix sockets
 * are created under umask 0177 so they are never reachable by others,
 * not even between bind and chmod; peers are checked with SO_PEERCRED.
 * TCP binds only to a numeric address, never to a name that might
 * resolve to more than was meant.
 *
 * Running out of file descriptors (EMFILE, ENFILE) must neither freeze
 * the console nor make it spin. Three layers:
 *  - a server refuses, with a line saying why, a client accepted when
 *    fewer than SERVER_LISTEN_FD_SPARE descriptors are left, so the
 *    database and the terminal always have some (server_listen_fds_short);
 *  - when accept() itself fails, libuv closes a spare descriptor of its
 *    own, accepts and closes every pending connection (their clients see
 *    the connection closed), and opens the spare again;
 *  - if libuv's spare is gone (another thread took the slot), it reports
 *    EMFILE to the connection callback and calls accept() again at once,
 *    for as long as it fails: a busy loop, as accept() fails with EMFILE
 *    even when nothing is pending. Every listener's callback goes through
 *    server_listen_accepted(), which then does the same with a spare of
 *    ours, and leaves that slot free until the next client is accepted:
 *    libuv's next accept() finds nothing pending and its loop ends. A
 *    client accepted into the slot our spare needs is closed at once.
 * Refusals close at once, so they never hold a descriptor. Both spares
 * are the process's, as the descriptor table is.
 */
#include "server-listen.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Listeners open at once: intake and mirror, Unix and TCP, with room. */
#define SERVER_LISTEN_MAX 8

/* Which connection callback each listener was given. */
static struct {
	uv_stream_t *listener;
	uv_connection_cb cb;
} server_listen_cbs[SERVER_LISTEN_MAX];

/* Our spare descriptor, closed to make room when accept() fails. */
static int server_listen_spare = -1;

/* Open the spare descriptor if it is not open. */
static void
server_listen_spare_open(void)
{
	if (server_listen_spare < 0)
		server_listen_spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/*
 * Out of descriptors: close our spare, accept and close every pending
 * connection (their clients see it closed). The spare is taken again
 * when the next client is accepted (server_listen_fds_short), not now:
 * the free slot is what lets libuv's accept() say "nothing pending".
 */
static void
server_listen_shed(uv_stream_t *listener)
{
	uv_os_fd_t lfd;
	int fd;

	if (uv_fileno((uv_handle_t *)listener, &lfd) != 0)
		return;
	if (server_listen_spare >= 0) {
		close(server_listen_spare);
		server_listen_spare = -1;
	}
	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			close(fd);
		else if (errno != EINTR)
			break;
	}
}

/* A client dropped to keep our spare is closed. */
static void
server_listen_dropped(uv_handle_t *h)
{
	free(h);
}

/*
 * Keep our spare: if it is not open and cannot be (the client just
 * accepted took the last slot), close that client at once and take the
 * slot. True if the client was dropped.
 */
static bool
server_listen_keep_spare(uv_stream_t *listener)
{
	union {
		uv_stream_t stream;
		uv_pipe_t pipe;
		uv_tcp_t tcp;
	} *tmp;

	server_listen_spare_open();
	if (server_listen_spare >= 0)
		return false;
	tmp = malloc(sizeof *tmp);
	if (tmp == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	if (listener->type == UV_TCP)
		uv_tcp_init(listener->loop, &tmp->tcp);
	else
		uv_pipe_init(listener->loop, &tmp->pipe, 0);
	(void)uv_accept(listener, &tmp->stream);
	uv_close((uv_handle_t *)tmp, server_listen_dropped);
	server_listen_spare_open();
	return true;
}

/* Every listener's connection callback: shed load on EMFILE, else pass on. */
static void
server_listen_accepted(uv_stream_t *listener, int status)
{
	for (size_t i = 0; i < SERVER_LISTEN_MAX; i++) {
		if (server_listen_cbs[i].listener != listener)
			continue;
		if (status == UV_EMFILE || status == UV_ENFILE)
			server_listen_shed(listener);
		else if (status < 0 || !server_listen_keep_spare(listener))
			server_listen_cbs[i].cb(listener, status);
		return;
	}
}

/*
 * Connections the kernel may hold before the loop accepts them: as many
 * as it allows (SOMAXCONN), so that a burst of clients connecting at once
 * (1,000 in the hostile tests) waits instead of being refused.
 */
#define SERVER_LISTEN_BACKLOG SOMAXCONN

/* Listen on a stream through server_listen_accepted(). */
static int
server_listen_start(uv_stream_t *listener, uv_connection_cb cb)
{
	server_listen_spare_open();
	for (size_t i = 0; i < SERVER_LISTEN_MAX; i++) {
		if (server_listen_cbs[i].listener == NULL) {
			server_listen_cbs[i].listener = listener;
			server_listen_cbs[i].cb = cb;
			return uv_listen(listener, SERVER_LISTEN_BACKLOG,
			    server_listen_accepted);
		}
	}
	/* No room: libuv's own spare only. */
	return uv_listen(listener, SERVER_LISTEN_BACKLOG, cb);
}

/* Forget a listener's callback. */
static void
server_listen_forget(uv_stream_t *listener)
{
	for (size_t i = 0; i < SERVER_LISTEN_MAX; i++) {
		if (server_listen_cbs[i].listener == listener)
			server_listen_cbs[i].listener = NULL;
	}
}

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
		rc = server_listen_start((uv_stream_t *)pipe, cb);
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
		rc = server_listen_start((uv_stream_t *)tcp, cb);
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
	server_listen_forget((uv_stream_t *)pipe);
	server_listen_forget((uv_stream_t *)tcp);
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

/*
 * Descriptors open in the process: the entries of /proc/self/fd (LONG_MAX
 * if there is no descriptor left to read it with, -1 without /proc).
 */
static long
server_listen_fds_open(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long n = -1;  /* the directory's own descriptor is not counted */

	if (d == NULL)
		return errno == EMFILE || errno == ENFILE ? LONG_MAX : -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n;
}

/* Whether the process is short of descriptors now that client is in. */
bool
server_listen_fds_short(uv_stream_t *client, const char *refusal)
{
	struct rlimit rl;
	uv_os_fd_t fd;
	uv_buf_t b;
	long open;

	if (uv_fileno((uv_handle_t *)client, &fd) != 0 ||
	    getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return false;
	/* Without /proc: descriptors are handed out lowest first. */
	open = server_listen_fds_open();
	if (open < 0)
		open = (long)fd + 1;
	if (open <= LONG_MAX - SERVER_LISTEN_FD_SPARE &&
	    (rlim_t)(open + SERVER_LISTEN_FD_SPARE) <= rl.rlim_cur)
		return false;
	if (refusal != NULL) {
		b = uv_buf_init((char *)refusal, (unsigned)strlen(refusal));
		(void)uv_try_write(client, &b, 1);
	}
	return true;
}
