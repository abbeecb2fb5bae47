/*
 * server-listen.h -- listening sockets shared by the intake and mirror
 * servers: a Unix socket next to the database (mode 0600, own user only)
 * and an opt-in TCP listener bound to exactly the address given; and what
 * they do when the process runs short of file descriptors.
 */
#ifndef PODIUM_SERVER_LISTEN_H
#define PODIUM_SERVER_LISTEN_H

#include <stdbool.h>
#include <uv.h>

/* Longest Unix socket path accepted (sun_path is 108 bytes). */
#define SERVER_LISTEN_PATH_MAX 100

/*
 * File descriptors kept free for the database, the terminal and libuv:
 * a client accepted when fewer are left is refused.
 */
#define SERVER_LISTEN_FD_SPARE 16

/* The intake's refusal line when the console is short of descriptors. */
#define SERVER_LISTEN_INTAKE_BUSY "{\"ok\":false,\"error\":\"the console " \
	"is short of file descriptors (ulimit -n); try again later\"}\n"

/*
 * Listen on a Unix socket at path, mode 0600, replacing a stale socket
 * (the caller holds the chair lock). The handle is initialised even on
 * failure, so it must be closed. 0, or -1 with *cause.
 */
int server_listen_unix(uv_loop_t *loop, uv_pipe_t *pipe, const char *path,
    uv_connection_cb cb, void *data, char **cause);

/*
 * Listen on TCP at exactly spec ("HOST:PORT" or "[V6]:PORT", numeric);
 * option names the command-line flag in messages. The handle is
 * initialised once the address parses (*inited says so). 0 or -1 + *cause.
 */
int server_listen_tcp(uv_loop_t *loop, uv_tcp_t *tcp, const char *spec,
    const char *option, uv_connection_cb cb, void *data, bool *inited,
    char **cause);

/*
 * Close the listeners that were opened (unix_on, tcp_on) and remove the
 * socket file (unix_path may be NULL).
 */
void server_listen_close(uv_pipe_t *pipe, bool unix_on, uv_tcp_t *tcp,
    bool tcp_on, const char *unix_path);

/* Whether the peer of an accepted Unix socket runs as our own user. */
bool server_listen_same_uid(uv_pipe_t *p);

/*
 * Whether the process is short of file descriptors now that client is
 * accepted (fewer than SERVER_LISTEN_FD_SPARE left). If so and refusal is
 * not NULL, that line is written to the client at once (best effort), and
 * the caller only has to close it (at once: not to hold a descriptor).
 */
bool server_listen_fds_short(uv_stream_t *client, const char *refusal);

#endif /* PODIUM_SERVER_LISTEN_H */
