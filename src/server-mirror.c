/*
 * server-mirror.c -- the chair side of the co-host mirror.
 *
 * Data flow: a mirror connects and sends one hello line (with the token
 * on TCP). The server answers with its hello (protocol version, mode,
 * event text) and the clock, then streams the journal as row lines in
 * pieces of about SERVER_MIRROR_PIECE_BYTES: a mirror gets its next
 * piece only once the last one has been written to its socket, and an
 * idle handle hands out pieces for at most SERVER_MIRROR_PUMP_NS per loop
 * turn, so a big journal never holds the chair's loop and a connecting
 * mirror never has more than a piece queued. Pieces are encoded once and
 * kept while a mirror behind them still needs them (up to
 * SERVER_MIRROR_CACHE_MAX), so mirrors connecting together share them.
 * Rows committed meanwhile are simply more rows to stream; a row that is
 * undone before a mirror gets it is streamed undone, one it already has
 * gets an undo line. When a mirror has every committed row it gets a
 * fresh clock and a flush and is live: from then on the session's
 * observer hands every committed row and undo to server_mirror_rows()/
 * server_mirror_undo(), which encode the lines once into a shared buffer
 * and write that same buffer to every live mirror, ending with a flush
 * line. A heartbeat timer sends the clock every MIRROR_HEARTBEAT_MS, so a
 * mirror computes countdowns itself and the stream stays quiet while one
 * runs.
 *
 * Read-only by construction: after the hello nothing a mirror sends is
 * ever looked at; any further byte closes its connection. A live mirror
 * that stops reading is dropped once what waits for it passes a cap; it
 * reconnects and gets a fresh snapshot. It never delays the chair.
 * "Stops reading" means both: more than the cap waits for it, and none of
 * it was taken for a heartbeat period. One burst of commits (an import,
 * thousands of pipelined questions) can queue more than the cap at once
 * even for a mirror that reads all the time; that one keeps going, up to
 * a hard cap that bounds memory whatever happens. A mirror that stops
 * reading its snapshot costs one piece and its connection.
 */
#include "server-mirror.h"

#include <jansson.h>
#include <nettle/memops.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "mirror-proto.h"
#include "server-listen.h"

#define SERVER_MIRROR_CONNS_MAX 1024
#define SERVER_MIRROR_SLACK (4 * 1024 * 1024) /* unsent bytes, live */
#define SERVER_MIRROR_HARD_SLACK (64 * 1024 * 1024) /* even while it reads */
#define SERVER_MIRROR_STALL_MS MIRROR_HEARTBEAT_MS /* took nothing this long */
#define SERVER_MIRROR_PIECE_BYTES (64 * 1024) /* rows per snapshot piece */
#define SERVER_MIRROR_PUMP_NS (2 * 1000 * 1000) /* snapshot work per turn */
#define SERVER_MIRROR_CACHE_MAX (16 * 1024 * 1024) /* pieces kept to share */

struct server_mirror;

/* Lines written to many mirrors at once; filled before it is shared. */
struct mirror_buf {
	int refs;
	size_t len;
	size_t cap;
	char data[];
};

/* The encoded row lines of journal rows [start, end), kept to share. */
struct mirror_piece {
	size_t start;
	size_t end;
	struct mirror_buf *buf;
	struct mirror_piece *next;
};

/* One write of a shared buffer to one mirror. */
struct mirror_write {
	uv_write_t req;
	struct mirror_buf *buf;
	bool piece;       /* a snapshot piece: when written, send the next */
};

/* One mirror connection. */
struct mirror_conn {
	union {
		uv_stream_t stream;
		uv_pipe_t pipe;
		uv_tcp_t tcp;
	} h;
	struct server_mirror *srv;
	struct mirror_conn *next;
	struct mirror_conn *ready_next; /* in the pump queue */
	char hello[MIRROR_HELLO_MAX];
	size_t hello_len;
	size_t cap;       /* unsent bytes allowed before dropping it */
	uint64_t queued;  /* bytes ever handed to uv_write */
	uint64_t taken;   /* of those, bytes the mirror had taken when last seen */
	uint64_t moved_ms; /* loop time when taken last grew */
	size_t cursor;    /* snapshot: the next journal row to send */
	bool tcp;
	bool snapshot;    /* hello accepted, snapshot being streamed */
	bool ready;       /* in the pump queue: its last piece is written */
	bool live;        /* snapshot complete: gets every change */
	bool closed;
};

struct server_mirror {
	uv_loop_t *loop;
	struct session *session;
	struct server_mirror_options opt;
	uv_pipe_t unix_listener;
	uv_tcp_t tcp_listener;
	uv_timer_t heartbeat;
	uv_idle_t pump;
	bool unix_on;
	bool tcp_on;
	bool closing;
	char *unix_path;
	struct mirror_conn *conns;
	size_t nconns;
	size_t dropped;
	struct mirror_conn *ready_head; /* mirrors due a snapshot piece */
	struct mirror_conn *ready_tail;
	struct mirror_buf *hello;       /* the hello line, encoded once */
	struct mirror_piece *pieces;    /* encoded pieces kept to share */
	size_t pieces_bytes;
	size_t nrows;     /* journal rows committed: what a snapshot sends */
	int64_t last_seq; /* seq of the last of them */
};

/* Abort when memory runs out. */
static void *
server_mirror_xalloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	if (q == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	return q;
}

/* A new empty buffer with room for cap bytes. */
static struct mirror_buf *
server_mirror_buf_new(size_t cap)
{
	struct mirror_buf *b = server_mirror_xalloc(NULL, sizeof *b + cap);

	b->refs = 1;
	b->len = 0;
	b->cap = cap;
	return b;
}

/* Append a JSON value as one line, encoded straight into the buffer. */
static void
server_mirror_line(struct mirror_buf **bp, json_t *o)
{
	struct mirror_buf *b = *bp;
	size_t n;

	if (o == NULL)
		abort();
	n = json_dumpb(o, b->data + b->len, b->cap - b->len, JSON_COMPACT);
	if (n == 0)
		abort();
	if (n + 1 > b->cap - b->len) {
		b->cap = (b->len + n + 1) * 2;
		b = server_mirror_xalloc(b, sizeof *b + b->cap);
		n = json_dumpb(o, b->data + b->len, b->cap - b->len,
		    JSON_COMPACT);
	}
	b->data[b->len + n] = '\n';
	b->len += n + 1;
	json_decref(o);
	*bp = b;
}

/* The row line of a journal row. */
static void
server_mirror_row_line(struct mirror_buf **bp, const struct store_row *r)
{
	server_mirror_line(bp, json_pack(
	    "{s:s, s:I, s:s, s:s, s:I, s:I, s:s, s:b}", "t", "row",
	    "seq", (json_int_t)r->seq, "kind", r->kind, "args", r->args,
	    "mono", (json_int_t)r->mono_ms, "wall", (json_int_t)r->wall_ms,
	    "origin", r->origin, "undone", r->undone));
}

/* The clock line: the session's time now and how fast it runs. */
static void
server_mirror_clock_line(struct server_mirror *srv, struct mirror_buf **bp)
{
	const struct clock *c = &srv->session->clock;
	struct model_time now = session_now(srv->session);

	server_mirror_line(bp, json_pack("{s:s, s:I, s:I, s:f, s:b}",
	    "t", "clock", "mono", (json_int_t)now.mono_ms,
	    "wall", (json_int_t)now.wall_ms,
	    "speed", c->simulated ? c->speed : 1.0,
	    "paused", c->simulated && c->paused));
}

/* The flush line that ends a group of changes (or a snapshot). */
static void
server_mirror_flush_line(struct server_mirror *srv, struct mirror_buf **bp)
{
	server_mirror_line(bp, json_pack("{s:s, s:I}", "t", "flush", "seq",
	    (json_int_t)srv->last_seq));
}

/* The undo line: row seq is undone. */
static void
server_mirror_undo_line(struct mirror_buf **bp, int64_t seq)
{
	server_mirror_line(bp, json_pack("{s:s, s:I}", "t", "undo", "seq",
	    (json_int_t)seq));
}

/* Drop a reference to a shared buffer. */
static void
server_mirror_buf_unref(struct mirror_buf *b)
{
	if (--b->refs == 0)
		free(b);
}

/* Take a mirror out of the pump queue, if it is there. */
static void
server_mirror_unready(struct mirror_conn *c)
{
	struct server_mirror *srv = c->srv;
	struct mirror_conn **pp, *prev = NULL;

	if (!c->ready)
		return;
	for (pp = &srv->ready_head; *pp != NULL; pp = &(*pp)->ready_next) {
		if (*pp == c) {
			*pp = c->ready_next;
			if (srv->ready_tail == c)
				srv->ready_tail = prev;
			break;
		}
		prev = *pp;
	}
	c->ready = false;
	c->ready_next = NULL;
}

/* A connection's handle is closed: free it. */
static void
server_mirror_conn_closed(uv_handle_t *h)
{
	struct mirror_conn *c = h->data;
	struct server_mirror *srv = c->srv;
	struct mirror_conn **pp;

	server_mirror_unready(c);
	for (pp = &srv->conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	srv->nconns--;
	/* No mirror left: an idle chair wakes only for what it draws. */
	if (srv->nconns == 0 && !srv->closing)
		uv_timer_stop(&srv->heartbeat);
	free(c);
}

/* Close a mirror connection. */
static void
server_mirror_conn_close(struct mirror_conn *c)
{
	if (c->closed)
		return;
	c->closed = true;
	c->snapshot = false;
	server_mirror_unready(c);
	uv_close((uv_handle_t *)&c->h.stream, server_mirror_conn_closed);
}

static void server_mirror_pump(uv_idle_t *h);

/* Queue a mirror for its next snapshot piece. */
static void
server_mirror_ready(struct mirror_conn *c)
{
	struct server_mirror *srv = c->srv;

	if (c->ready || c->closed || !c->snapshot || srv->closing)
		return;
	c->ready = true;
	c->ready_next = NULL;
	if (srv->ready_tail != NULL)
		srv->ready_tail->ready_next = c;
	else
		srv->ready_head = c;
	srv->ready_tail = c;
	if (!uv_is_active((uv_handle_t *)&srv->pump))
		uv_idle_start(&srv->pump, server_mirror_pump);
}

/* A write to a mirror finished. */
static void
server_mirror_written(uv_write_t *req, int status)
{
	struct mirror_write *w = (struct mirror_write *)req;
	struct mirror_conn *c = req->data;
	bool piece = w->piece;

	server_mirror_buf_unref(w->buf);
	free(w);
	if (status < 0 && status != UV_ECANCELED)
		server_mirror_conn_close(c);  /* EPIPE, ECONNRESET */
	else if (status == 0 && piece)
		server_mirror_ready(c);
}

/*
 * Whether a mirror has stopped reading: what waits for it would pass its
 * cap, and it took no byte for a heartbeat period (or even so, what waits
 * would pass the hard cap). A burst alone does not drop a mirror that
 * reads: its kernel buffer is small, so a burst queues up for everyone.
 */
static bool
server_mirror_lagging(struct mirror_conn *c, size_t more)
{
	size_t waiting = uv_stream_get_write_queue_size(&c->h.stream);
	uint64_t now = uv_now(c->srv->loop);

	if (c->queued - waiting != c->taken) {
		c->taken = c->queued - waiting;
		c->moved_ms = now;
	}
	if (c->cap <= SIZE_MAX - SERVER_MIRROR_HARD_SLACK &&
	    waiting + more > c->cap + SERVER_MIRROR_HARD_SLACK)
		return true;
	return waiting + more > c->cap &&
	    now - c->moved_ms >= SERVER_MIRROR_STALL_MS;
}

/*
 * Queue a shared buffer to one mirror, dropping it if it lags too far;
 * piece says the buffer is a snapshot piece (the next follows it).
 */
static void
server_mirror_send(struct mirror_conn *c, struct mirror_buf *b, bool piece)
{
	struct mirror_write *w;
	uv_buf_t ub;

	if (c->closed)
		return;
	if (server_mirror_lagging(c, b->len)) {
		c->srv->dropped++;
		server_mirror_conn_close(c);
		return;
	}
	w = server_mirror_xalloc(NULL, sizeof *w);
	w->buf = b;
	w->piece = piece;
	w->req.data = c;
	b->refs++;
	ub = uv_buf_init(b->data, (unsigned)b->len);
	c->queued += b->len;
	if (uv_write(&w->req, &c->h.stream, &ub, 1, server_mirror_written) != 0) {
		server_mirror_buf_unref(b);
		free(w);
		server_mirror_conn_close(c);
	}
}

/* Send a buffer to every live mirror (takes the buffer). */
static void
server_mirror_broadcast(struct server_mirror *srv, struct mirror_buf *b)
{
	for (struct mirror_conn *c = srv->conns; c != NULL; c = c->next) {
		if (c->live)
			server_mirror_send(c, b, false);
	}
	server_mirror_buf_unref(b);
}

/* The error line went out: now close. */
static void
server_mirror_shutdown_done(uv_shutdown_t *req, int status)
{
	struct mirror_conn *c = req->data;

	(void)status;
	free(req);
	server_mirror_conn_close(c);
}

/* Send an error line to a mirror, then close it once it is written. */
static void
server_mirror_refuse(struct mirror_conn *c, const char *error)
{
	struct mirror_buf *b = server_mirror_buf_new(256);
	uv_shutdown_t *req;

	server_mirror_line(&b, json_pack("{s:s, s:s, s:i}", "t", "error",
	    "error", error, "version", MIRROR_PROTO_VERSION));
	c->cap = SIZE_MAX;
	server_mirror_send(c, b, false);
	server_mirror_buf_unref(b);
	uv_read_stop(&c->h.stream);
	req = server_mirror_xalloc(NULL, sizeof *req);
	req->data = c;
	if (c->closed || uv_shutdown(req, &c->h.stream,
	    server_mirror_shutdown_done) != 0) {
		free(req);
		server_mirror_conn_close(c);
	}
}

/*
 * Refuse a mirror at once, its descriptor given back now: the error line
 * if the socket takes it without waiting, then close. Short of
 * descriptors, a refusal must not hold one until a write completes.
 */
static void
server_mirror_refuse_now(struct mirror_conn *c, const char *error)
{
	struct mirror_buf *b = server_mirror_buf_new(256);
	uv_buf_t ub;

	server_mirror_line(&b, json_pack("{s:s, s:s, s:i}", "t", "error",
	    "error", error, "version", MIRROR_PROTO_VERSION));
	ub = uv_buf_init(b->data, (unsigned)b->len);
	(void)uv_try_write(&c->h.stream, &ub, 1);
	server_mirror_buf_unref(b);
	server_mirror_conn_close(c);
}

/* Forget the kept pieces for which free_it says so. */
static void
server_mirror_pieces_drop(struct server_mirror *srv,
    bool (*free_it)(const struct mirror_piece *, size_t), size_t arg)
{
	struct mirror_piece **pp = &srv->pieces;

	while (*pp != NULL) {
		struct mirror_piece *p = *pp;

		if (free_it(p, arg)) {
			*pp = p->next;
			srv->pieces_bytes -= p->buf->len;
			server_mirror_buf_unref(p->buf);
			free(p);
		} else {
			pp = &p->next;
		}
	}
}

/* A piece every snapshot still running has passed (row arg onwards). */
static bool
server_mirror_piece_behind(const struct mirror_piece *p, size_t row)
{
	return p->end <= row;
}

/* A piece that holds journal row arg. */
static bool
server_mirror_piece_holds(const struct mirror_piece *p, size_t row)
{
	return p->start <= row && row < p->end;
}

/*
 * The encoded rows from journal row start on, about a piece's worth:
 * a kept piece if there is one, else encoded now (and kept while there is
 * room). The caller holds a reference; *end is the row after the last.
 */
static struct mirror_buf *
server_mirror_piece(struct server_mirror *srv, size_t start, size_t *end)
{
	struct session *s = srv->session;
	size_t nrows = srv->nrows < s->njournal ? srv->nrows : s->njournal;
	struct mirror_buf *b;
	struct mirror_piece *p;
	size_t i;

	for (p = srv->pieces; p != NULL; p = p->next) {
		if (p->start == start) {
			*end = p->end;
			p->buf->refs++;
			return p->buf;
		}
	}
	b = server_mirror_buf_new(SERVER_MIRROR_PIECE_BYTES + 4096);
	for (i = start; i < nrows && b->len < SERVER_MIRROR_PIECE_BYTES; i++) {
		struct store_row row;
		char *args;

		session_record_row(&s->journal[i], &row, &args);
		server_mirror_row_line(&b, &row);
		free(args);
	}
	*end = i;
	if (srv->pieces_bytes + b->len <= SERVER_MIRROR_CACHE_MAX) {
		p = server_mirror_xalloc(NULL, sizeof *p);
		*p = (struct mirror_piece){ start, i, b, srv->pieces };
		srv->pieces = p;
		srv->pieces_bytes += b->len;
		b->refs++;
	}
	return b;
}

/*
 * Send a snapshotting mirror what comes next: a piece of rows, or, once
 * it has every committed row, a fresh clock and the flush that ends its
 * snapshot; it is live from then on.
 */
static void
server_mirror_next_piece(struct mirror_conn *c)
{
	struct server_mirror *srv = c->srv;
	struct mirror_buf *b;
	size_t end;

	if (c->closed || !c->snapshot)
		return;
	if (c->cursor < srv->nrows && c->cursor < srv->session->njournal) {
		b = server_mirror_piece(srv, c->cursor, &end);
		c->cursor = end;
		server_mirror_send(c, b, true);
		server_mirror_buf_unref(b);
		return;
	}
	b = server_mirror_buf_new(256);
	server_mirror_clock_line(srv, &b);
	server_mirror_flush_line(srv, &b);
	c->snapshot = false;
	c->live = true;
	c->cap = SERVER_MIRROR_SLACK;
	server_mirror_send(c, b, false);
	server_mirror_buf_unref(b);
}

/*
 * Idle handle, active while a mirror is due a snapshot piece: hand out
 * pieces in turn for at most SERVER_MIRROR_PUMP_NS, then let the loop
 * poll (keys, intake, timers) before the next turn. Pieces behind every
 * running snapshot are forgotten.
 */
static void
server_mirror_pump(uv_idle_t *h)
{
	struct server_mirror *srv = h->data;
	uint64_t t0 = uv_hrtime();
	size_t behind = SIZE_MAX;

	while (srv->ready_head != NULL) {
		struct mirror_conn *c = srv->ready_head;

		server_mirror_unready(c);
		server_mirror_next_piece(c);
		if (uv_hrtime() - t0 >= SERVER_MIRROR_PUMP_NS)
			break;
	}
	if (srv->ready_head == NULL)
		uv_idle_stop(h);
	for (struct mirror_conn *c = srv->conns; c != NULL; c = c->next) {
		if (c->snapshot && c->cursor < behind)
			behind = c->cursor;
	}
	server_mirror_pieces_drop(srv, server_mirror_piece_behind, behind);
}

/*
 * The hello was accepted: send hello (the same buffer to every mirror:
 * the event text does not change) and clock, then stream the rows.
 */
static void
server_mirror_welcome(struct mirror_conn *c)
{
	struct server_mirror *srv = c->srv;
	struct session *s = srv->session;
	size_t n = strlen(s->event_text);
	struct mirror_buf *b;

	if (srv->hello == NULL) {
		srv->hello = server_mirror_buf_new(n + n / 8 + 256);
		server_mirror_line(&srv->hello, json_pack("{s:s, s:i, s:s, s:s}",
		    "t", "hello", "version", MIRROR_PROTO_VERSION,
		    "mode", s->rehearsal ? "rehearsal" : "live",
		    "event", s->event_text));
	}
	server_mirror_send(c, srv->hello, false);
	b = server_mirror_buf_new(128);
	server_mirror_clock_line(srv, &b);
	c->snapshot = true;
	c->cursor = 0;
	server_mirror_send(c, b, true);
	server_mirror_buf_unref(b);
}

/* Check a mirror's hello line. */
static void
server_mirror_hello(struct mirror_conn *c, const char *line, size_t len)
{
	json_t *o = json_loadb(line, len, 0, NULL);
	json_t *v = json_object_get(o, "version");
	const char *t = json_string_value(json_object_get(o, "type"));
	const char *tok = json_string_value(json_object_get(o, "token"));
	const char *want = c->srv->opt.token;
	char err[160];

	if (!json_is_object(o) || t == NULL || strcmp(t, "hello") != 0) {
		server_mirror_refuse(c, "expected {\"type\":\"hello\",\"version\":1}");
	} else if (!json_is_integer(v) ||
	    json_integer_value(v) != MIRROR_PROTO_VERSION) {
		snprintf(err, sizeof err, "mirror protocol version %lld is not "
		    "supported; this podium speaks version %d; use the same "
		    "podium version on both sides",
		    json_is_integer(v) ? (long long)json_integer_value(v) : -1LL,
		    MIRROR_PROTO_VERSION);
		server_mirror_refuse(c, err);
	} else if (c->tcp && (tok == NULL || want == NULL ||
	    strlen(tok) != strlen(want) ||
	    !memeql_sec(tok, want, strlen(want)))) {
		server_mirror_refuse(c, "wrong or missing token; pass the chair's "
		    "DB.token file with --token-file");
	} else {
		server_mirror_welcome(c);
	}
	json_decref(o);
}

/* Read buffers: a hello is short, whatever libuv suggests. */
static void
server_mirror_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	buf->base = server_mirror_xalloc(NULL, MIRROR_HELLO_MAX);
	buf->len = MIRROR_HELLO_MAX;
}

/*
 * Bytes from a mirror: only the hello is read; anything after it, or a
 * hello that is too long, closes the connection.
 */
static void
server_mirror_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct mirror_conn *c = s->data;
	const char *nl;

	if (nread < 0 || (nread > 0 && (c->live || c->snapshot))) {
		server_mirror_conn_close(c);
	} else if (nread > 0) {
		size_t n = (size_t)nread;

		nl = memchr(buf->base, '\n', n);
		if (nl != NULL && (size_t)(nl - buf->base) + 1 < n) {
			/* Bytes after the hello: a mirror sends nothing more. */
			server_mirror_conn_close(c);
		} else if (c->hello_len + n > sizeof c->hello) {
			server_mirror_refuse(c, "hello line too long");
		} else {
			memcpy(c->hello + c->hello_len, buf->base, n);
			c->hello_len += n;
			if (nl != NULL)
				server_mirror_hello(c, c->hello, c->hello_len - 1);
		}
	}
	free(buf->base);
}

static void server_mirror_heartbeat(uv_timer_t *h);

/* A mirror connects. */
static void
server_mirror_accept(uv_stream_t *listener, int status)
{
	struct server_mirror *srv = listener->data;
	bool tcp = listener == (uv_stream_t *)&srv->tcp_listener;
	struct mirror_conn *c;

	if (status < 0)
		return;
	c = server_mirror_xalloc(NULL, sizeof *c);
	memset(c, 0, sizeof *c);
	c->srv = srv;
	c->tcp = tcp;
	c->cap = SERVER_MIRROR_SLACK;
	c->moved_ms = uv_now(srv->loop);
	if (tcp)
		uv_tcp_init(srv->loop, &c->h.tcp);
	else
		uv_pipe_init(srv->loop, &c->h.pipe, 0);
	c->h.stream.data = c;
	c->next = srv->conns;
	srv->conns = c;
	srv->nconns++;
	if (!uv_is_active((uv_handle_t *)&srv->heartbeat))
		uv_timer_start(&srv->heartbeat, server_mirror_heartbeat,
		    MIRROR_HEARTBEAT_MS, MIRROR_HEARTBEAT_MS);
	if (uv_accept(listener, &c->h.stream) != 0) {
		server_mirror_conn_close(c);
		return;
	}
	if (srv->nconns > SERVER_MIRROR_CONNS_MAX) {
		server_mirror_refuse(c, "too many mirrors connected");
		return;
	}
	if (server_listen_fds_short(&c->h.stream, NULL)) {
		server_mirror_refuse_now(c, "the chair is short of file "
		    "descriptors (ulimit -n); try again later");
		return;
	}
	if (!tcp && !server_listen_same_uid(&c->h.pipe)) {
		server_mirror_refuse(c, "only the chair's own user may connect");
		return;
	}
	if (tcp)
		uv_tcp_nodelay(&c->h.tcp, 1);
	if (uv_read_start(&c->h.stream, server_mirror_alloc,
	    server_mirror_read) != 0)
		server_mirror_conn_close(c);
}

/* Session observer: rows were committed. */
static void
server_mirror_rows(void *arg, const struct store_row *rows, size_t n)
{
	struct server_mirror *srv = arg;
	struct mirror_buf *b;
	size_t len = 0;

	/* Snapshots still streaming send these rows when they get there. */
	srv->nrows += n;
	if (n > 0)
		srv->last_seq = rows[n - 1].seq;
	if (srv->nconns == 0)
		return;
	for (size_t i = 0; i < n; i++)
		len += strlen(rows[i].args) * 2 + 256;
	b = server_mirror_buf_new(len + 64);
	for (size_t i = 0; i < n; i++)
		server_mirror_row_line(&b, &rows[i]);
	server_mirror_flush_line(srv, &b);
	server_mirror_broadcast(srv, b);
}

/*
 * Session observer: a row was undone. Live mirrors get an undo and a
 * flush; a snapshot that has already sent the row gets the undo alone (a
 * flush would end it), one that has not will send the row undone.
 */
static void
server_mirror_undo(void *arg, int64_t seq)
{
	struct server_mirror *srv = arg;
	struct session *s = srv->session;
	struct mirror_buf *live, *mid;
	size_t row = SIZE_MAX;

	for (size_t i = srv->nrows < s->njournal ? srv->nrows : s->njournal;
	    i > 0; i--) {
		if (s->journal[i - 1].action.seq == seq) {
			row = i - 1;
			break;
		}
	}
	server_mirror_pieces_drop(srv, server_mirror_piece_holds, row);
	if (srv->nconns == 0)
		return;
	mid = server_mirror_buf_new(64);
	server_mirror_undo_line(&mid, seq);
	for (struct mirror_conn *c = srv->conns; c != NULL; c = c->next) {
		if (c->snapshot && row != SIZE_MAX && c->cursor > row)
			server_mirror_send(c, mid, false);
	}
	server_mirror_buf_unref(mid);
	live = server_mirror_buf_new(128);
	server_mirror_undo_line(&live, seq);
	server_mirror_flush_line(srv, &live);
	server_mirror_broadcast(srv, live);
}

/* Heartbeat: the clock, so mirrors notice a lost connection and drift. */
static void
server_mirror_heartbeat(uv_timer_t *h)
{
	struct server_mirror *srv = h->data;
	struct mirror_buf *b;

	if (srv->nconns == 0)
		return;
	b = server_mirror_buf_new(128);
	server_mirror_clock_line(srv, &b);
	server_mirror_broadcast(srv, b);
}

/* Listen for mirrors and observe the session's commits. */
struct server_mirror *
server_mirror_create(struct uv_loop_s *loop, struct session *s,
    const struct server_mirror_options *o, char **cause)
{
	struct server_mirror *srv = server_mirror_xalloc(NULL, sizeof *srv);
	struct session_observer obs = { server_mirror_rows, server_mirror_undo,
		srv };

	memset(srv, 0, sizeof *srv);
	srv->loop = loop;
	srv->session = s;
	srv->opt = *o;
	srv->nrows = s->njournal;
	srv->last_seq = s->last_seq;
	/* The heartbeat runs only while a mirror is connected (accept/close). */
	uv_timer_init(loop, &srv->heartbeat);
	srv->heartbeat.data = srv;
	/* The pump runs only while a snapshot piece is due. */
	uv_idle_init(loop, &srv->pump);
	srv->pump.data = srv;
	if (o->unix_path != NULL) {
		srv->unix_on = true;
		if (server_listen_unix(loop, &srv->unix_listener, o->unix_path,
		    server_mirror_accept, srv, cause) != 0)
			goto fail;
		srv->unix_path = strdup(o->unix_path);
	}
	if (o->tcp_listen != NULL && server_listen_tcp(loop, &srv->tcp_listener,
	    o->tcp_listen, "--mirror-listen", server_mirror_accept, srv,
	    &srv->tcp_on, cause) != 0)
		goto fail;
	session_observe(s, &obs);
	return srv;

fail:
	server_mirror_close(srv);
	uv_run(loop, UV_RUN_NOWAIT);
	server_mirror_destroy(srv);
	return NULL;
}

/* A listener or a timer is closed; nothing to free with it. */
static void
server_mirror_handle_closed(uv_handle_t *h)
{
	(void)h;
}

/* Always true: every piece goes. */
static bool
server_mirror_piece_any(const struct mirror_piece *p, size_t row)
{
	(void)p;
	(void)row;
	return true;
}

/* Stop observing, close listeners and mirrors. */
void
server_mirror_close(struct server_mirror *srv)
{
	struct session_observer none = { NULL, NULL, NULL };

	if (srv == NULL || srv->closing)
		return;
	srv->closing = true;
	session_observe(srv->session, &none);
	for (struct mirror_conn *c = srv->conns; c != NULL; c = c->next)
		server_mirror_conn_close(c);
	uv_close((uv_handle_t *)&srv->heartbeat, server_mirror_handle_closed);
	uv_close((uv_handle_t *)&srv->pump, server_mirror_handle_closed);
	server_listen_close(&srv->unix_listener, srv->unix_on,
	    &srv->tcp_listener, srv->tcp_on, srv->unix_path);
}

/* Free after server_mirror_close() and the loop's run. */
void
server_mirror_destroy(struct server_mirror *srv)
{
	if (srv == NULL)
		return;
	while (srv->conns != NULL) {
		struct mirror_conn *c = srv->conns;

		srv->conns = c->next;
		free(c);
	}
	server_mirror_pieces_drop(srv, server_mirror_piece_any, 0);
	if (srv->hello != NULL)
		server_mirror_buf_unref(srv->hello);
	free(srv->unix_path);
	free(srv);
}

/* Mirrors connected now. */
size_t
server_mirror_count(const struct server_mirror *srv)
{
	return srv->nconns;
}
