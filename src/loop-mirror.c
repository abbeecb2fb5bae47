/*
 * loop-mirror.c -- the co-host's side of the mirror, on a libuv loop.
 *
 * Data flow: connect (Unix socket next to the database, or TCP), send the
 * one hello line, then read the stream (mirror-proto.h), each line
 * decoded and checked by mirror-decode.c before it is acted on. A hello makes a
 * fresh replica session from the event text; clock lines set its
 * follower clock; rows and undos feed it; at each flush the view redraws
 * with the very same app and ui code as the chair's, in read-only mode.
 * Keys typed here only navigate locally: nothing is ever sent back.
 *
 * When the connection drops, the view keeps its last state, says how
 * long it has been disconnected, and reconnects with back-off; the new
 * snapshot replaces the old state entirely. --once prints the state as
 * `podium state` does after the first flush; --raw copies the stream.
 */
#include "loop-mirror.h"

#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "app.h"
#include "clock.h"
#include "mirror-decode.h"
#include "mirror-proto.h"
#include "state-json.h"
#include "token.h"

#define LOOP_MIRROR_BACKOFF_MIN_MS 250
#define LOOP_MIRROR_BACKOFF_MAX_MS 4000
/* A burst of readable-but-empty input means the terminal is gone. */
#define LOOP_MIRROR_EMPTY_READS_MAX 64
/* No heartbeat for this long: the chair is gone even if TCP says not. */
#define LOOP_MIRROR_SILENCE_MS (3 * MIRROR_HEARTBEAT_MS)

struct loop_mirror {
	uv_loop_t loop;
	union {
		uv_stream_t stream;
		uv_pipe_t pipe;
		uv_tcp_t tcp;
	} conn;
	uv_connect_t connect_req;
	uv_timer_t retry;
	uv_timer_t redraw;
	uv_timer_t watchdog;
	uv_poll_t input;
	uv_signal_t sigwinch;
	uv_signal_t sigterm;
	uv_signal_t sighup;
	uv_signal_t sigint;
	uv_signal_t sigquit;
	const struct loop_mirror_options *opt;
	char *token;
	char *sock_path;
	struct session *session;  /* what is shown */
	struct session *incoming; /* the snapshot being received, until flush */
	struct app *app;
	struct ui *ui;
	char *buf;             /* an unfinished line */
	size_t len;
	size_t cap;
	bool connected;
	bool conn_open;        /* the conn handle is initialised */
	bool synced;           /* a flush arrived since the hello */
	bool done;
	int rc;
	char *cause;
	int64_t backoff_ms;
	int64_t lost_at;       /* raw mono ms when the connection dropped */
	int64_t last_heard;    /* raw mono ms of the last line */
	bool ever_synced;
	int empty_reads;
};

static void loop_mirror_connect(struct loop_mirror *l);
static void loop_mirror_redraw_cb(uv_timer_t *t);
static void loop_mirror_retry_cb(uv_timer_t *t);
static void loop_mirror_watchdog_cb(uv_timer_t *t);

/* Stop with an error (or success when cause is NULL). */
static void
loop_mirror_finish(struct loop_mirror *l, int rc, char *cause)
{
	l->done = true;
	l->rc = rc;
	free(l->cause);
	l->cause = cause;
	uv_stop(&l->loop);
}

/* Draw if anything changed and re-arm the redraw timer. */
static void
loop_mirror_after(struct loop_mirror *l)
{
	if (l->app == NULL || l->done)
		return;
	if (app_done(l->app)) {
		loop_mirror_finish(l, 0, NULL);
		return;
	}
	app_draw(l->app);
	uv_timer_start(&l->redraw, loop_mirror_redraw_cb,
	    (uint64_t)app_next_change_ms(l->app) + 1, 0);
}

/* The display is due to change (countdown, clock, disconnection time). */
static void
loop_mirror_redraw_cb(uv_timer_t *t)
{
	struct loop_mirror *l = t->data;
	char msg[160];

	if (l->app == NULL)
		return;
	if (!l->connected && l->lost_at != 0) {
		snprintf(msg, sizeof msg, "disconnected from the chair for %lld s "
		    "— reconnecting", (long long)((clock_raw_mono() - l->lost_at)
		    / 1000));
		app_changed(l->app, msg);
	}
	app_tick(l->app);
	app_draw(l->app);
	uv_timer_start(&l->redraw, loop_mirror_redraw_cb,
	    (uint64_t)app_next_change_ms(l->app) + 1, 0);
}

/* Print the replica's state as `podium state` does. */
static int
loop_mirror_print(struct loop_mirror *l)
{
	json_t *j = state_json(l->session->model, session_now(l->session),
	    l->session->rehearsal);
	int rc = json_dumpf(j, stdout, JSON_INDENT(2)) == 0 &&
	    fputc('\n', stdout) != EOF && fflush(stdout) == 0 ? 0 : 1;

	json_decref(j);
	return rc;
}

/* The connection's handle is closed: reconnect later (or not at all). */
static void
loop_mirror_conn_closed(uv_handle_t *h)
{
	struct loop_mirror *l = h->data;

	l->conn_open = false;
	if (l->done)
		return;
	uv_timer_start(&l->retry, loop_mirror_retry_cb, (uint64_t)l->backoff_ms,
	    0);
	l->backoff_ms *= 2;
	if (l->backoff_ms > LOOP_MIRROR_BACKOFF_MAX_MS)
		l->backoff_ms = LOOP_MIRROR_BACKOFF_MAX_MS;
}

/* Lose the connection: keep the last state on screen and retry. */
static void
loop_mirror_lost(struct loop_mirror *l, const char *why)
{
	if (l->conn_open && !uv_is_closing((uv_handle_t *)&l->conn.stream))
		uv_close((uv_handle_t *)&l->conn.stream, loop_mirror_conn_closed);
	uv_timer_stop(&l->watchdog);
	if (l->connected || l->lost_at == 0)
		l->lost_at = clock_raw_mono();
	l->connected = false;
	l->synced = false;
	l->len = 0;
	/* Before a first snapshot there is nothing to keep showing. */
	if (l->opt->once || l->opt->raw || !l->ever_synced) {
		char *cause;

		if (asprintf(&cause, "%s", why) < 0)
			abort();
		loop_mirror_finish(l, 1, cause);
		return;
	}
	if (l->app != NULL) {
		app_changed(l->app, "disconnected from the chair — reconnecting");
		loop_mirror_after(l);
	}
}

/* A new snapshot begins: a fresh replica from the event text. */
static int
loop_mirror_hello(struct loop_mirror *l, const struct mirror_decode_msg *m)
{
	struct session *s;
	char *cause = NULL;

	if (session_open_replica(&s, m->event, m->rehearsal, &cause) != 0) {
		loop_mirror_finish(l, 1, cause);
		return -1;
	}
	/* Shown only once complete, at its flush: never a half snapshot. */
	if (l->incoming != l->session)
		session_close(l->incoming);
	l->incoming = s;
	return 0;
}

/* A flush: a snapshot just completed replaces what is shown. */
static void
loop_mirror_flush(struct loop_mirror *l)
{
	if (l->incoming == l->session)
		return;
	if (l->app != NULL) {
		app_set_session(l->app, l->incoming);
	} else if (l->ui != NULL) {
		l->app = app_create(l->incoming, l->ui);
		app_set_mirror(l->app, l->opt->clock_view);
	}
	session_close(l->session);
	l->session = l->incoming;
}

/* One line of the stream, decoded (mirror-decode.c), acted on. */
static void
loop_mirror_line(struct loop_mirror *l, const char *line, size_t len)
{
	struct mirror_decode_msg m;
	char *cause = NULL;
	int rc;

	l->last_heard = clock_raw_mono();
	if (l->opt->raw) {
		fwrite(line, 1, len, stdout);
		fputc('\n', stdout);
		fflush(stdout);
	}
	rc = mirror_decode_line(line, len, &m, &cause);
	if (m.type == MIRROR_DECODE_HELLO || m.type == MIRROR_DECODE_ERROR) {
		/* A refusal, or a chair this mirror cannot follow: give up. */
		if (rc == 0 && m.type == MIRROR_DECODE_HELLO) {
			loop_mirror_hello(l, &m);
		} else if (rc == 0) {
			free(cause);
			if (asprintf(&cause, "the chair refused this mirror: %s",
			    m.error != NULL ? m.error : "?") < 0)
				abort();
			loop_mirror_finish(l, 1, cause);
			cause = NULL;
		} else {
			loop_mirror_finish(l, 1, cause);
			cause = NULL;
		}
	} else if (m.type != MIRROR_DECODE_NONE && l->incoming == NULL) {
		loop_mirror_lost(l, "the chair's stream did not start with hello");
	} else if (rc != 0) {
		loop_mirror_lost(l, cause);
	} else if (m.type == MIRROR_DECODE_CLOCK) {
		clock_init_follower(&l->incoming->clock, m.mono_ms, m.wall_ms,
		    m.speed, m.paused, clock_raw_mono());
	} else if (m.type == MIRROR_DECODE_ROW) {
		if (session_replica_row(l->incoming, &m.row, &cause) != 0)
			loop_mirror_lost(l, "the chair sent a damaged row");
	} else if (m.type == MIRROR_DECODE_UNDO) {
		session_replica_undo(l->incoming, m.seq);
	} else if (m.type == MIRROR_DECODE_FLUSH) {
		loop_mirror_flush(l);
		l->synced = true;
		if (l->opt->once) {
			loop_mirror_finish(l, loop_mirror_print(l), NULL);
		} else if (l->app != NULL) {
			app_changed(l->app, l->ever_synced && l->lost_at != 0 ?
			    "reconnected to the chair" : NULL);
			l->lost_at = 0;
			l->ever_synced = true;
		}
	}
	free(cause);
	mirror_decode_finish(&m);
}

/* Read buffers come from malloc. */
static void
loop_mirror_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	buf->base = malloc(suggested);
	buf->len = buf->base != NULL ? suggested : 0;
}

/* Bytes from the chair: split into lines; draw once after the batch. */
static void
loop_mirror_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct loop_mirror *l = s->data;
	const char *p = buf->base;
	size_t n = nread > 0 ? (size_t)nread : 0;

	if (nread < 0) {
		free(buf->base);
		loop_mirror_lost(l, nread == UV_EOF ? "the chair closed the "
		    "connection" : uv_strerror((int)nread));
		return;
	}
	while (n > 0 && !l->done) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl != NULL ? (size_t)(nl - p) : n;

		if (l->len + take > MIRROR_LINE_MAX) {
			free(buf->base);
			loop_mirror_lost(l, "the chair sent a line longer than "
			    "1 MiB");
			return;
		}
		if (l->len + take > l->cap) {
			l->cap = (l->len + take) * 2 + 1024;
			l->buf = realloc(l->buf, l->cap);
			if (l->buf == NULL)
				abort();
		}
		memcpy(l->buf + l->len, p, take);
		l->len += take;
		if (nl == NULL)
			break;
		loop_mirror_line(l, l->buf, l->len);
		l->len = 0;
		p += take + 1;
		n -= take + 1;
		if (!l->connected)
			break;  /* the line made us drop the connection */
	}
	free(buf->base);
	if (l->synced)
		loop_mirror_after(l);
}

/* The hello was written (or failed: reading will tell). */
static void
loop_mirror_written(uv_write_t *w, int status)
{
	(void)status;
	free(w);
}

/* Connected: say hello, then listen. */
static void
loop_mirror_connected(uv_connect_t *req, int status)
{
	struct loop_mirror *l = req->data;
	char *hello;
	uv_write_t *w;
	uv_buf_t b;

	if (status < 0) {
		loop_mirror_lost(l, uv_strerror(status));
		return;
	}
	l->connected = true;
	l->backoff_ms = LOOP_MIRROR_BACKOFF_MIN_MS;
	if (asprintf(&hello, "{\"type\":\"hello\",\"version\":%d%s%s%s}\n",
	    MIRROR_PROTO_VERSION, l->token ? ",\"token\":\"" : "",
	    l->token ? l->token : "", l->token ? "\"" : "") < 0)
		abort();
	w = malloc(sizeof *w + strlen(hello));
	if (w == NULL)
		abort();
	memcpy((char *)(w + 1), hello, strlen(hello));
	b = uv_buf_init((char *)(w + 1), (unsigned)strlen(hello));
	free(hello);
	if (uv_write(w, &l->conn.stream, &b, 1, loop_mirror_written) != 0)
		free(w);
	uv_read_start(&l->conn.stream, loop_mirror_alloc, loop_mirror_read);
	l->last_heard = clock_raw_mono();
	uv_timer_start(&l->watchdog, loop_mirror_watchdog_cb,
	    MIRROR_HEARTBEAT_MS, MIRROR_HEARTBEAT_MS);
}

/* No line for too long: the chair or the network is gone. */
static void
loop_mirror_watchdog_cb(uv_timer_t *t)
{
	struct loop_mirror *l = t->data;

	if (l->connected &&
	    clock_raw_mono() - l->last_heard > LOOP_MIRROR_SILENCE_MS)
		loop_mirror_lost(l, "the chair stopped answering");
}

/* Time to (re)connect. */
static void
loop_mirror_retry_cb(uv_timer_t *t)
{
	loop_mirror_connect(t->data);
}

/* Open a connection to the chair. */
static void
loop_mirror_connect(struct loop_mirror *l)
{
	struct sockaddr_storage ss;
	int rc;

	l->connect_req.data = l;
	if (l->opt->connect != NULL) {
		char host[256], *end;
		long port;
		const char *colon = strrchr(l->opt->connect, ':');
		size_t hl = colon != NULL ? (size_t)(colon - l->opt->connect) : 0;
		const char *h = l->opt->connect;

		if (hl > 2 && h[0] == '[' && h[hl - 1] == ']') {
			h++;
			hl -= 2;
		}
		if (colon == NULL || hl == 0 || hl >= sizeof host) {
			loop_mirror_finish(l, 2, strdup("--connect takes HOST:PORT "
			    "with a numeric address"));
			return;
		}
		memcpy(host, h, hl);
		host[hl] = '\0';
		port = strtol(colon + 1, &end, 10);
		if (*end != '\0' || port < 1 || port > 65535 ||
		    (uv_ip4_addr(host, (int)port, (struct sockaddr_in *)&ss) != 0 &&
		    uv_ip6_addr(host, (int)port, (struct sockaddr_in6 *)&ss) != 0)) {
			loop_mirror_finish(l, 2, strdup("--connect takes HOST:PORT "
			    "with a numeric address (e.g. 192.0.2.7:7071)"));
			return;
		}
		uv_tcp_init(&l->loop, &l->conn.tcp);
		l->conn.stream.data = l;
		l->conn_open = true;
		rc = uv_tcp_connect(&l->connect_req, &l->conn.tcp,
		    (struct sockaddr *)&ss, loop_mirror_connected);
		if (rc != 0)
			loop_mirror_lost(l, uv_strerror(rc));
	} else {
		uv_pipe_init(&l->loop, &l->conn.pipe, 0);
		l->conn.stream.data = l;
		l->conn_open = true;
		uv_pipe_connect(&l->connect_req, &l->conn.pipe, l->sock_path,
		    loop_mirror_connected);
	}
}

/* Keys: navigation and help, handled by the read-only app. */
static void
loop_mirror_input_cb(uv_poll_t *p, int status, int events)
{
	struct loop_mirror *l = p->data;
	struct ui_key key;
	int n = 0;

	(void)events;
	if (status < 0) {
		loop_mirror_finish(l, 0, NULL);
		return;
	}
	if (l->app == NULL) {
		/* No snapshot yet: nothing to navigate; q still quits. */
		while (ui_read_key(l->ui, &key)) {
			n++;
			if (key.kind == UI_KEY_CHAR && key.ch == 'q')
				loop_mirror_finish(l, 0, NULL);
		}
		l->empty_reads = n == 0 ? l->empty_reads + 1 : 0;
		if (l->empty_reads > LOOP_MIRROR_EMPTY_READS_MAX)
			loop_mirror_finish(l, 0, NULL);
		return;
	}
	while (!app_done(l->app) && app_read_key(l->app, &key)) {
		app_key(l->app, &key);
		n++;
	}
	/* Readable with nothing to read, again and again: the tty hung up. */
	l->empty_reads = n == 0 ? l->empty_reads + 1 : 0;
	if (l->empty_reads > LOOP_MIRROR_EMPTY_READS_MAX)
		loop_mirror_finish(l, 0, NULL);
	loop_mirror_after(l);
}

/* Signals: resize, or quit cleanly. */
static void
loop_mirror_signal_cb(uv_signal_t *s, int signum)
{
	struct loop_mirror *l = s->data;

	if (signum == SIGWINCH && l->app != NULL) {
		app_resized(l->app);
		loop_mirror_after(l);
	} else if (signum != SIGWINCH) {
		loop_mirror_finish(l, 0, NULL);
	}
}

/* Close every handle still open. */
static void
loop_mirror_close_all(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int
loop_mirror_run(const struct loop_mirror_options *o, struct ui *ui,
    char **cause)
{
	struct loop_mirror l;
	uv_signal_t *sigs[] = { &l.sigwinch, &l.sigterm, &l.sighup, &l.sigint,
		&l.sigquit };
	const int signums[] = { SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT };
	int rc;

	memset(&l, 0, sizeof l);
	l.opt = o;
	l.ui = ui;
	l.backoff_ms = LOOP_MIRROR_BACKOFF_MIN_MS;
	signal(SIGPIPE, SIG_IGN);
	if (o->connect != NULL) {
		l.token = token_read(o->token_file, cause);
		if (l.token == NULL)
			return 1;
	} else if (asprintf(&l.sock_path, "%s.mirror.sock", o->db_path) < 0) {
		abort();
	}
	uv_loop_init(&l.loop);
	uv_timer_init(&l.loop, &l.retry);
	uv_timer_init(&l.loop, &l.redraw);
	uv_timer_init(&l.loop, &l.watchdog);
	l.retry.data = l.redraw.data = l.watchdog.data = &l;
	for (size_t i = 0; i < 4; i++) {
		uv_signal_init(&l.loop, sigs[i]);
		sigs[i]->data = &l;
		uv_signal_start(sigs[i], loop_mirror_signal_cb, signums[i]);
	}
	if (ui != NULL) {
		/*
		 * uv_poll_init() makes the terminal non-blocking, and its input
		 * and output are one open file: ncurses' writes would spin on
		 * EAGAIN while the terminal is slow, and the shell would get it
		 * back non-blocking. The poll handle never reads, so the flags
		 * go back as they were (loop-chair.c does the same).
		 */
		int flags = fcntl(STDIN_FILENO, F_GETFL);

		uv_poll_init(&l.loop, &l.input, STDIN_FILENO);
		if (flags != -1)
			fcntl(STDIN_FILENO, F_SETFL, flags);
		l.input.data = &l;
		uv_poll_start(&l.input, UV_READABLE, loop_mirror_input_cb);
	}
	loop_mirror_connect(&l);
	uv_run(&l.loop, UV_RUN_DEFAULT);
	uv_walk(&l.loop, loop_mirror_close_all, NULL);
	uv_run(&l.loop, UV_RUN_DEFAULT);
	uv_loop_close(&l.loop);

	rc = l.rc;
	*cause = l.cause;
	app_destroy(l.app);
	if (l.incoming != l.session)
		session_close(l.incoming);
	session_close(l.session);
	free(l.buf);
	free(l.token);
	free(l.sock_path);
	return rc;
}
