/*
 * server-intake.c -- the intake server on the console's libuv loop.
 *
 * Data flow: a read callback splits a connection's bytes into lines and
 * parses each one (intake-proto.c); every line becomes an entry of the
 * server's pending queue, in arrival order: either a reply already known
 * (a refusal) or an item for the session. Once per loop turn, after all
 * readable sockets were read, a check handle hands the whole queue to a
 * batch, if no batch is committing: the loop thread prepares it
 * (session_batch_prepare(): validation, ids, the model, the rows), a
 * libuv worker commits it (session_batch_store(): one transaction, one
 * fsync: group commit), and back on the loop thread each connection
 * gets its replies in order in one write -- at once when the commit
 * returned 0, since the replies are final then -- and the batch is
 * finished (session_batch_finish(): the journal, the mirrors); then the
 * next batch, the lines that were read and parsed while this one was
 * committing, goes out. So a reply {"ok":true} is only ever written after
 * its commit, and one batch at most is committing at any time.
 *
 * A small batch (fewer than SERVER_INTAKE_WORKER_MIN items: clients that
 * send one question at a time) is committed right there on the loop
 * thread instead, in the same three steps. Measured on a 2-vCPU machine
 * (docs/PERFORMANCE.md), handing a handful of questions to a thread and
 * back costs more than reading meanwhile saves: two more thread wake-ups
 * per commit, and the idle loop woken by every line that trickles in
 * during it (8 clients one at a time: 8,400/s with the worker, 10,400/s
 * without). Bursts (pipelined lines, an import) keep the disk busy while
 * the next lines are read.
 *
 * While a batch commits, the session's store belongs to the worker and
 * its model holds rows that may not be stored: the console calls
 * server_intake_settle() before anything that draws or touches the store
 * (a key, a tick, a frame), which waits for the commit to return and
 * finishes the batch first.
 *
 * Gathering: clients that send one request at a time and wait for its
 * reply would otherwise split into two groups that take turns, each
 * committing while the other's requests arrive (8 such clients: about
 * 4.5 questions a commit). So before a batch starts, the connections the
 * last batch answered and that have not sent since are waited for, with
 * ppoll(), for at most SERVER_INTAKE_GATHER_NS (a fraction of a commit),
 * and the batch starts once they all sent or the time is up; 8 clients
 * then share every commit. A single client, a pipelining client and an
 * import do not wait: a connection that has lines queued is not waited
 * for (one that stopped sending is waited for once, for the next batch).
 * ppoll() blocks the loop for that fraction of a commit rather than
 * letting it spin on an idle handle: on 2 vCPUs the clients need the
 * other CPU, and a key waits 0.2 ms at most.
 *
 * PODIUM_TEST_COMMIT_DELAY_MS=N (tests only, tests/e2e/
 * test_storage_faults.py) makes each commit first sleep N ms, as a slow
 * disk would, so that a test can look at everything while a worker's
 * commit runs.
 *
 * A client that does not read its replies stops being read once its
 * unsent replies pass a high-water mark, and is read again when they
 * drain: it can delay only itself. Over-long lines are skipped up to the
 * next newline and refused; the connection goes on.
 */
#include "server-intake.h"

#include <errno.h>
#include <nettle/memops.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "action-codec.h"
#include "classify.h"
#include "intake-item.h"
#include "intake-proto.h"
#include "server-listen.h"

#define SERVER_INTAKE_CONNS_MAX 512
#define SERVER_INTAKE_HIGH_WATER (1024 * 1024)  /* unsent reply bytes */
#define SERVER_INTAKE_LOW_WATER (256 * 1024)
#define SERVER_INTAKE_PENDING_MAX 100000        /* queued lines, all clients */
#define SERVER_INTAKE_WORKER_MIN 32             /* items: smaller commit inline */
#define SERVER_INTAKE_GATHER_NS 200000          /* longest wait for answered clients */
#define SERVER_INTAKE_READ_BYTES (64 * 1024)    /* one read from a client */
#define SERVER_INTAKE_GATHER_FDS 64             /* clients waited for at most */

struct server_intake;

/* One client connection. */
struct intake_conn {
	union {
		uv_stream_t stream;
		uv_pipe_t pipe;
		uv_tcp_t tcp;
	} h;
	struct server_intake *srv;
	struct intake_conn *next;
	char *buf;            /* bytes of an unfinished line */
	size_t len;
	size_t cap;
	char *out;            /* replies gathered during a flush */
	size_t outlen;
	size_t outcap;
	size_t pending;       /* queue entries not yet answered */
	uint64_t answered;    /* the batch that last answered it, until it sends */
	uint64_t queued_for;  /* the batch its last queued line is for */
	bool discarding;      /* inside an over-long line */
	bool tcp;
	bool authed;          /* TCP: hello with the right token seen */
	bool closed;          /* uv_close called */
	bool handle_gone;     /* close callback ran */
	bool reading;
	bool paused;          /* reading stopped for back-pressure */
};

/* One request line awaiting its reply. */
struct intake_entry {
	struct intake_conn *conn; /* NULL for submitted (replay) lines */
	char *reply;              /* a reply known already, or NULL */
	struct intake_request req;
	bool is_item;             /* req is the queue's next item */
};

/* Request lines in arrival order, and the items among them. */
struct intake_queue {
	struct intake_entry *entries;
	size_t n;
	size_t cap;
	struct session_item *items; /* strings borrowed from the entries' req */
	size_t nitems;
	size_t items_cap;
};

/* A batch of queue entries: committing on a worker, then answered. */
struct intake_batch {
	uv_work_t work;
	struct server_intake *srv;
	struct intake_queue q;           /* the queue as it was handed over */
	struct session_pending *pending; /* NULL once finished */
	bool stored;                     /* the commit returned (under lock) */
	bool durable;                    /* it returned 0: the items are final */
	bool finished;                   /* session_batch_finish() done */
};

struct server_intake {
	uv_loop_t *loop;
	struct session *session;
	struct server_intake_options opt;
	uv_pipe_t unix_listener;
	uv_tcp_t tcp_listener;
	bool unix_on;
	bool tcp_on;
	char *unix_path;
	uv_check_t flush;
	uv_idle_t nudge;             /* active: the loop polls without blocking */
	uv_timer_t warm;             /* builds the classifier after the first frame */
	uint64_t answered;           /* batches answered so far */
	uint64_t started;            /* batches started so far */
	char readbuf[SERVER_INTAKE_READ_BYTES]; /* every connection's reads */
	uint64_t gather_until;       /* uv_hrtime() when the gathering ends, or 0 */
	struct intake_conn *conns;
	size_t nconns;
	struct intake_queue queue;   /* read since the last batch started */
	struct intake_queue spare;   /* arrays to reuse for the next queue */
	struct intake_batch *committing; /* submitted and not answered yet */
	uv_mutex_t lock;             /* guards intake_batch.stored */
	uv_cond_t stored;            /* signalled when a commit returns */
	struct classify *classify;   /* NULL until server_intake_classifier() */
	size_t accepted;
	unsigned test_delay_ms;      /* PODIUM_TEST_COMMIT_DELAY_MS */
	bool closing;
};

/* Abort when memory runs out. */
static void *
server_intake_xalloc(void *p, size_t n)
{
	void *q = realloc(p, n == 0 ? 1 : n);

	if (q == NULL) {
		fprintf(stderr, "podium: out of memory\n");
		abort();
	}
	return q;
}

/* Free a connection once its handle is closed and nothing refers to it. */
static void
server_intake_conn_free(struct intake_conn *c)
{
	struct server_intake *srv = c->srv;
	struct intake_conn **pp;

	if (!c->handle_gone || c->pending > 0)
		return;
	for (pp = &srv->conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	srv->nconns--;
	free(c->buf);
	free(c->out);
	free(c);
}

/* The handle of a connection is closed. */
static void
server_intake_conn_closed(uv_handle_t *h)
{
	struct intake_conn *c = h->data;

	c->handle_gone = true;
	server_intake_conn_free(c);
}

/* Close a connection (its queued requests are still committed). */
static void
server_intake_conn_close(struct intake_conn *c)
{
	if (c->closed)
		return;
	c->closed = true;
	uv_close((uv_handle_t *)&c->h.stream, server_intake_conn_closed);
}

/* Append an entry to the pending queue. */
static struct intake_entry *
server_intake_queue(struct server_intake *srv, struct intake_conn *c)
{
	struct intake_queue *q = &srv->queue;
	struct intake_entry *p;

	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 256;
		q->entries = server_intake_xalloc(q->entries,
		    q->cap * sizeof *q->entries);
	}
	p = &q->entries[q->n++];
	memset(p, 0, sizeof *p);
	p->conn = c;
	if (c != NULL) {
		c->pending++;
		c->answered = 0;
		c->queued_for = srv->started + 1;
	}
	return p;
}

/*
 * The theme classifier, built the first time it is needed: learning the
 * event's examples takes a few milliseconds, which the console's first
 * frame does not wait for (the warm-up timer builds it right after).
 */
static const struct classify *
server_intake_classifier(struct server_intake *srv)
{
	if (srv->classify == NULL)
		srv->classify = classify_create(&srv->session->event->event);
	return srv->classify;
}

/* The warm-up timer: build the classifier once the loop runs. */
static void
server_intake_warm(uv_timer_t *t)
{
	(void)server_intake_classifier(t->data);
}

/* Handle one complete line of a connection (or of the replay). */
static void
server_intake_line(struct server_intake *srv, struct intake_conn *c,
    const char *line, size_t len)
{
	struct intake_queue *q;
	struct intake_entry *p;
	struct session_item *it;
	char err[200];

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return;  /* blank lines are keep-alives, not requests */
	p = server_intake_queue(srv, c);
	if (!intake_parse(line, len, &p->req, err, sizeof err)) {
		p->reply = intake_reply_error(err);
		return;
	}
	if (p->req.type == INTAKE_HELLO) {
		if (p->req.version != 0 && p->req.version != INTAKE_PROTO_VERSION) {
			snprintf(err, sizeof err, "protocol version %d is not "
			    "supported; this podium speaks version %d",
			    p->req.version, INTAKE_PROTO_VERSION);
			p->reply = intake_reply_error(err);
		} else if (c != NULL && c->tcp) {
			const char *t = p->req.token, *want = srv->opt.token;

			c->authed = t != NULL && want != NULL &&
			    strlen(t) == strlen(want) &&
			    memeql_sec(t, want, strlen(want));
			p->reply = c->authed ? intake_reply_ok(0) :
			    intake_reply_error("wrong or missing token; use the "
			    "token file written next to the database (DB.token)");
		} else {
			p->reply = intake_reply_ok(0);
		}
		intake_request_finish(&p->req);
		return;
	}
	if (c != NULL && c->tcp && !c->authed) {
		p->reply = intake_reply_error("send {\"type\":\"hello\",\"token\":"
		    "\"…\"} with the token first");
		intake_request_finish(&p->req);
		return;
	}
	/* Made an item now, while a commit may run: off the commit's path. */
	q = &srv->queue;
	if (q->nitems == q->items_cap) {
		q->items_cap = q->items_cap ? q->items_cap * 2 : 256;
		q->items = server_intake_xalloc(q->items,
		    q->items_cap * sizeof *q->items);
	}
	it = &q->items[q->nitems++];
	intake_item_init(it, &p->req, srv->session->model,
	    server_intake_classifier(srv));
	if (it->action.type == MODEL_ACTION_QUESTION_ADD)
		it->args = action_codec_encode(&it->action);
	p->is_item = true;
}

/* Split freshly read bytes into lines. */
static void
server_intake_feed(struct intake_conn *c, const char *data, size_t n)
{
	struct server_intake *srv = c->srv;

	while (n > 0) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl != NULL ? (size_t)(nl - data) : n;

		if (c->discarding) {
			if (nl != NULL) {
				c->discarding = false;
				server_intake_queue(srv, c)->reply =
				    intake_reply_error("line longer than 64 KiB; "
				    "nothing stored");
			}
		} else if (c->len + take > INTAKE_LINE_MAX) {
			c->len = 0;
			if (nl != NULL)
				server_intake_queue(srv, c)->reply =
				    intake_reply_error("line longer than 64 KiB; "
				    "nothing stored");
			else
				c->discarding = true;
		} else if (nl != NULL && c->len == 0) {
			server_intake_line(srv, c, data, take);
		} else {
			if (c->len + take > c->cap) {
				c->cap = c->len + take + 1024;
				c->buf = server_intake_xalloc(c->buf, c->cap);
			}
			memcpy(c->buf + c->len, data, take);
			c->len += take;
			if (nl != NULL) {
				server_intake_line(srv, c, c->buf, c->len);
				c->len = 0;
			}
		}
		if (nl == NULL)
			break;
		data += take + 1;
		n -= take + 1;
	}
}

/*
 * Every read lands in the server's one read buffer: the read callback
 * runs right after, on the same thread, and keeps nothing of it (an
 * unfinished line is copied into its connection).
 */
static void
server_intake_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct intake_conn *c = h->data;

	(void)suggested;
	buf->base = c->srv->readbuf;
	buf->len = sizeof c->srv->readbuf;
}

/* Bytes from a client. */
static void
server_intake_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct intake_conn *c = s->data;

	if (nread > 0)
		server_intake_feed(c, buf->base, (size_t)nread);
	else if (nread < 0)
		server_intake_conn_close(c);  /* EOF, ECONNRESET: replies dropped */
	if (!c->closed && c->srv->queue.n > SERVER_INTAKE_PENDING_MAX &&
	    c->reading) {
		/* Too much queued: wait for the next flush before reading on. */
		uv_read_stop(&c->h.stream);
		c->reading = false;
		c->paused = true;
	}
}

/* Start (or resume) reading a connection. */
static void
server_intake_resume(struct intake_conn *c)
{
	if (c->closed || c->reading)
		return;
	if (uv_read_start(&c->h.stream, server_intake_alloc,
	    server_intake_read) == 0) {
		c->reading = true;
		c->paused = false;
	}
}

/* A reply write finished. */
static void
server_intake_written(uv_write_t *w, int status)
{
	struct intake_conn *c = w->data;

	free(w);
	if (status < 0) {
		server_intake_conn_close(c);  /* EPIPE, ECONNRESET */
	} else if (c->paused && uv_stream_get_write_queue_size(&c->h.stream) <
	    SERVER_INTAKE_LOW_WATER) {
		server_intake_resume(c);
	}
	c->pending--;
	server_intake_conn_free(c);
}

/* Gather a reply for a connection's next write. */
static void
server_intake_out(struct intake_conn *c, const char *reply)
{
	size_t n = strlen(reply);

	if (c->outlen + n > c->outcap) {
		c->outcap = (c->outlen + n) * 2;
		c->out = server_intake_xalloc(c->out, c->outcap);
	}
	memcpy(c->out + c->outlen, reply, n);
	c->outlen += n;
}

/*
 * Send what was gathered for a connection: at once if the socket takes it
 * all (uv_try_write: no request, no callback, no change to what the loop
 * polls for -- uv_write costs an epoll_ctl per reply), else the rest in
 * one queued write.
 */
static void
server_intake_send(struct intake_conn *c)
{
	uv_write_t *w;
	uv_buf_t b;
	size_t done = 0;

	if (c->outlen == 0)
		return;
	if (c->closed) {
		c->outlen = 0;
		return;
	}
	if (uv_stream_get_write_queue_size(&c->h.stream) == 0) {
		int n;

		b = uv_buf_init(c->out, (unsigned)c->outlen);
		n = uv_try_write(&c->h.stream, &b, 1);
		if (n == (int)c->outlen) {
			c->outlen = 0;
			return;
		}
		if (n < 0 && n != UV_EAGAIN) {
			c->outlen = 0;
			server_intake_conn_close(c);  /* EPIPE, ECONNRESET */
			return;
		}
		done = n > 0 ? (size_t)n : 0;
	}
	/* The write owns the bytes: the write request and data in one block. */
	w = server_intake_xalloc(NULL, sizeof *w + c->outlen - done);
	memcpy((char *)(w + 1), c->out + done, c->outlen - done);
	b = uv_buf_init((char *)(w + 1), (unsigned)(c->outlen - done));
	w->data = c;
	c->outlen = 0;
	c->pending++;  /* held until the write completes */
	if (uv_write(w, &c->h.stream, &b, 1, server_intake_written) != 0) {
		free(w);
		c->pending--;
		server_intake_conn_close(c);
		return;
	}
	if (uv_stream_get_write_queue_size(&c->h.stream) >
	    SERVER_INTAKE_HIGH_WATER && c->reading) {
		uv_read_stop(&c->h.stream);
		c->reading = false;
		c->paused = true;
	}
}

/*
 * Gather a finished batch's replies, in order, for each connection's
 * next write (server_intake_send_all() writes them).
 */
static void
server_intake_reply(struct intake_batch *b)
{
	size_t k = 0;

	if (b->q.n == 0)
		return;  /* answered already (server_intake_answer()) */
	b->srv->answered++;
	for (size_t i = 0; i < b->q.n; i++) {
		struct intake_entry *p = &b->q.entries[i];

		if (p->is_item) {
			/* Awaited next, unless it sent more meanwhile. */
			if (p->conn != NULL &&
			    p->conn->queued_for != b->srv->started + 1)
				p->conn->answered = b->srv->answered;
			struct session_item *it = &b->q.items[k++];

			p->reply = it->ok ? intake_reply_ok(it->id) :
			    intake_reply_error(it->err);
			intake_request_finish(&p->req);
		}
		if (p->conn != NULL) {
			server_intake_out(p->conn, p->reply);
			p->conn->pending--;
		}
		free(p->reply);
	}
	b->q.n = 0;  /* the items' args go with the batch: rows borrow them */
}

/* Write what was gathered for every connection; resume paused readers. */
static void
server_intake_send_all(struct server_intake *srv)
{
	struct intake_conn *c;

	for (c = srv->conns; c != NULL; c = c->next)
		server_intake_send(c);
	for (c = srv->conns; c != NULL;) {
		struct intake_conn *next = c->next;

		/* Below the low mark, as the write callback resumes it. */
		if (c->paused && c->reading == false &&
		    uv_stream_get_write_queue_size(&c->h.stream) <
		    SERVER_INTAKE_LOW_WATER)
			server_intake_resume(c);
		server_intake_conn_free(c);
		c = next;
	}
}

/* Free a batch; its arrays are kept for a next queue if none are. */
static void
server_intake_batch_free(struct server_intake *srv, struct intake_batch *b)
{
	for (size_t i = 0; i < b->q.nitems; i++)
		free(b->q.items[i].args);
	b->q.nitems = 0;
	if (srv->spare.entries == NULL) {
		srv->spare = b->q;
	} else {
		free(b->q.entries);
		free(b->q.items);
	}
	free(b);
}

/*
 * Wait for a committing batch's commit to return (a worker's fdatasync:
 * well under a millisecond on a local disk), then finish it in the
 * session and tell the console what was added; its replies were sent
 * already (server_intake_answer()) or are gathered next
 * (server_intake_reply()).
 */
static void
server_intake_complete(struct server_intake *srv, struct intake_batch *b)
{
	size_t added = 0;
	char what[160];

	uv_mutex_lock(&srv->lock);
	while (!b->stored)
		uv_cond_wait(&srv->stored, &srv->lock);
	uv_mutex_unlock(&srv->lock);
	session_batch_finish(srv->session, b->pending);
	b->pending = NULL;
	b->finished = true;
	srv->committing = NULL;
	for (size_t i = 0; i < b->q.nitems; i++)
		added += b->q.items[i].ok && !b->q.items[i].duplicate;
	srv->accepted += added;
	if (added > 0 && srv->opt.changed != NULL) {
		snprintf(what, sizeof what, "%zu new item%s from intake · saved",
		    added, added == 1 ? "" : "s");
		srv->opt.changed(srv->opt.arg, added, what);
	}
}

/*
 * A batch whose commit returned 0: its replies are final, so they go out
 * before the session takes the batch in (journal, mirrors, the frame),
 * and the clients' next requests are on their way meanwhile.
 */
static void
server_intake_answer(struct server_intake *srv, struct intake_batch *b)
{
	server_intake_reply(b);
	server_intake_send_all(srv);
}

/* Worker thread: commit the batch; nothing but the store is touched. */
static void
server_intake_work(uv_work_t *w)
{
	struct intake_batch *b = w->data;

	if (b->srv->test_delay_ms > 0)
		uv_sleep(b->srv->test_delay_ms);
	b->durable = session_batch_store(b->pending) == 0;
	uv_mutex_lock(&b->srv->lock);
	b->stored = true;
	uv_cond_signal(&b->srv->stored);
	uv_mutex_unlock(&b->srv->lock);
}

static void server_intake_start(struct server_intake *srv);

/*
 * Loop thread, after a commit: answer the batch at once if the commit
 * returned 0, finish it (unless settled) and answer it if not done yet,
 * start the next batch with what was read meanwhile, then write what is
 * gathered. (A connection's replies go in the order of its lines: this
 * batch's are gathered before the next batch's.)
 */
static void
server_intake_worked(uv_work_t *w, int status)
{
	struct intake_batch *b = w->data;
	struct server_intake *srv = b->srv;

	(void)status;  /* never cancelled */
	if (!b->finished && b->durable)
		server_intake_answer(srv, b);
	if (!b->finished)
		server_intake_complete(srv, b);
	server_intake_reply(b);
	server_intake_batch_free(srv, b);
	if (!srv->closing && srv->committing == NULL && srv->queue.n > 0)
		server_intake_start(srv);
	server_intake_send_all(srv);
}

/*
 * Hand the queue to a batch: prepare it here, commit it on a worker (or
 * here: a small batch, or while closing), answer it when the commit
 * returns.
 */
static void
server_intake_start(struct server_intake *srv)
{
	struct intake_batch *b = server_intake_xalloc(NULL, sizeof *b);

	/* Whoever starts it, the gathering for this batch is over. */
	srv->gather_until = 0;
	uv_idle_stop(&srv->nudge);
	srv->started++;
	memset(b, 0, sizeof *b);
	b->srv = srv;
	b->work.data = b;
	b->q = srv->queue;
	srv->queue = srv->spare;
	memset(&srv->spare, 0, sizeof srv->spare);
	if (b->q.nitems > 0)
		b->pending = session_batch_prepare(srv->session, b->q.items,
		    b->q.nitems, "intake");
	if (b->pending == NULL) {
		/* Nothing to store: every reply is known now. */
		server_intake_reply(b);
		server_intake_batch_free(srv, b);
		server_intake_send_all(srv);
		return;
	}
	srv->committing = b;
	if (srv->closing || b->q.nitems < SERVER_INTAKE_WORKER_MIN ||
	    uv_queue_work(srv->loop, &b->work,
	    server_intake_work, server_intake_worked) != 0) {
		server_intake_work(&b->work);
		if (b->durable)
			server_intake_answer(srv, b);
		server_intake_complete(srv, b);
		server_intake_reply(b);
		server_intake_batch_free(srv, b);
		server_intake_send_all(srv);
	}
}

/* The nudge does nothing: being active, it keeps the poll from blocking. */
static void
server_intake_nudged(uv_idle_t *h)
{
	(void)h;
}

/*
 * Before a batch starts: the clients the last batch answered that have
 * not sent again are likely about to (they wait for a reply to send the
 * next request). Wait for them, a fraction of a commit at most, so that
 * they share this commit instead of waiting for the next one. Returns
 * true while some of them are readable and the time is not up: the loop
 * then reads them, without blocking, and the batch starts at a later turn.
 */
static bool
server_intake_gather(struct server_intake *srv)
{
	struct pollfd fds[SERVER_INTAKE_GATHER_FDS];
	struct timespec ts;
	uint64_t now = uv_hrtime();
	nfds_t n = 0;

	if (srv->gather_until == 0)
		srv->gather_until = now + SERVER_INTAKE_GATHER_NS;
	for (struct intake_conn *c = srv->conns; c != NULL &&
	    n < SERVER_INTAKE_GATHER_FDS && now < srv->gather_until;
	    c = c->next) {
		uv_os_fd_t fd;

		if (c->answered != 0 && c->answered == srv->answered &&
		    c->reading && !c->closed &&
		    uv_fileno((uv_handle_t *)&c->h.stream, &fd) == 0) {
			fds[n].fd = fd;
			fds[n].events = POLLIN;
			fds[n].revents = 0;
			n++;
		}
	}
	if (n > 0) {
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(srv->gather_until - now);
		if (ppoll(fds, n, &ts, NULL) > 0) {
			uv_idle_start(&srv->nudge, server_intake_nudged);
			return true;
		}
	}
	srv->gather_until = 0;
	uv_idle_stop(&srv->nudge);
	return false;
}

/* Once per loop turn: start a batch with what was queued, if none runs. */
static void
server_intake_flush(uv_check_t *h)
{
	struct server_intake *srv = h->data;

	if (srv->queue.n > 0 && srv->committing == NULL &&
	    (srv->closing || !server_intake_gather(srv)))
		server_intake_start(srv);
}

void
server_intake_settle(struct server_intake *srv)
{
	struct intake_batch *b;

	if (srv == NULL || srv->committing == NULL)
		return;
	b = srv->committing;
	server_intake_complete(srv, b);
	server_intake_reply(b);
	server_intake_send_all(srv);
}

/* A client connects to a listener. */
static void
server_intake_accept(uv_stream_t *listener, int status)
{
	struct server_intake *srv = listener->data;
	bool tcp = listener == (uv_stream_t *)&srv->tcp_listener;
	struct intake_conn *c;

	if (status < 0)
		return;  /* EMFILE and friends: the client is refused by the kernel */
	c = server_intake_xalloc(NULL, sizeof *c);
	memset(c, 0, sizeof *c);
	c->srv = srv;
	c->tcp = tcp;
	if (tcp)
		uv_tcp_init(srv->loop, &c->h.tcp);
	else
		uv_pipe_init(srv->loop, &c->h.pipe, 0);
	c->h.stream.data = c;
	c->next = srv->conns;
	srv->conns = c;
	srv->nconns++;
	if (uv_accept(listener, &c->h.stream) != 0 ||
	    server_listen_fds_short(&c->h.stream, SERVER_LISTEN_INTAKE_BUSY)) {
		server_intake_conn_close(c);
		return;
	}
	if (srv->nconns > SERVER_INTAKE_CONNS_MAX ||
	    (!tcp && !server_listen_same_uid(&c->h.pipe))) {
		server_intake_out(c, srv->nconns > SERVER_INTAKE_CONNS_MAX ?
		    "{\"ok\":false,\"error\":\"too many connections; try again "
		    "later\"}\n" :
		    "{\"ok\":false,\"error\":\"only the console's own user may "
		    "connect\"}\n");
		server_intake_send(c);
		server_intake_conn_close(c);
		return;
	}
	if (tcp)
		uv_tcp_nodelay(&c->h.tcp, 1);
	server_intake_resume(c);
}

/* Listen for intake on the given loop. */
struct server_intake *
server_intake_create(struct uv_loop_s *loop, struct session *s,
    const struct server_intake_options *o, char **cause)
{
	struct server_intake *srv = server_intake_xalloc(NULL, sizeof *srv);

	memset(srv, 0, sizeof *srv);
	srv->loop = loop;
	srv->session = s;
	srv->opt = *o;
	if (getenv("PODIUM_TEST_COMMIT_DELAY_MS") != NULL)
		srv->test_delay_ms = (unsigned)strtoul(
		    getenv("PODIUM_TEST_COMMIT_DELAY_MS"), NULL, 10);
	if (uv_mutex_init(&srv->lock) != 0 || uv_cond_init(&srv->stored) != 0) {
		fprintf(stderr, "podium: cannot create a mutex\n");
		abort();
	}
	uv_check_init(loop, &srv->flush);
	srv->flush.data = srv;
	uv_check_start(&srv->flush, server_intake_flush);
	uv_idle_init(loop, &srv->nudge);
	uv_timer_init(loop, &srv->warm);
	srv->warm.data = srv;
	uv_timer_start(&srv->warm, server_intake_warm, 0, 0);
	if (o->unix_path != NULL) {
		srv->unix_on = true;
		if (server_listen_unix(loop, &srv->unix_listener, o->unix_path,
		    server_intake_accept, srv, cause) != 0)
			goto fail;
		srv->unix_path = strdup(o->unix_path);
	}
	if (o->tcp_listen != NULL && server_listen_tcp(loop, &srv->tcp_listener,
	    o->tcp_listen, "--intake-listen", server_intake_accept, srv,
	    &srv->tcp_on, cause) != 0)
		goto fail;
	return srv;

fail:
	server_intake_close(srv);
	uv_run(loop, UV_RUN_NOWAIT);  /* let the close callbacks run */
	server_intake_destroy(srv);
	return NULL;
}

/* A listener or the flush handle is closed; nothing to free with it. */
static void
server_intake_handle_closed(uv_handle_t *h)
{
	(void)h;
}

/* Commit what is queued, then close every listener and connection. */
void
server_intake_close(struct server_intake *srv)
{
	if (srv == NULL || srv->closing)
		return;
	srv->closing = true;
	/* Whatever is queued has not been answered yet: commit it now. */
	server_intake_settle(srv);
	if (srv->queue.n > 0)
		server_intake_start(srv);
	for (struct intake_conn *c = srv->conns; c != NULL; c = c->next)
		server_intake_conn_close(c);
	uv_close((uv_handle_t *)&srv->flush, server_intake_handle_closed);
	uv_close((uv_handle_t *)&srv->nudge, server_intake_handle_closed);
	uv_close((uv_handle_t *)&srv->warm, server_intake_handle_closed);
	server_listen_close(&srv->unix_listener, srv->unix_on,
	    &srv->tcp_listener, srv->tcp_on, srv->unix_path);
}

/* Free the server after server_intake_close() and the loop's run. */
void
server_intake_destroy(struct server_intake *srv)
{
	if (srv == NULL)
		return;
	while (srv->conns != NULL) {
		struct intake_conn *c = srv->conns;

		srv->conns = c->next;
		free(c->buf);
		free(c->out);
		free(c);
	}
	for (size_t i = 0; i < srv->queue.n; i++) {
		intake_request_finish(&srv->queue.entries[i].req);
		free(srv->queue.entries[i].reply);
	}
	for (size_t i = 0; i < srv->queue.nitems; i++)
		free(srv->queue.items[i].args);
	classify_destroy(srv->classify);
	uv_cond_destroy(&srv->stored);
	uv_mutex_destroy(&srv->lock);
	free(srv->queue.entries);
	free(srv->queue.items);
	free(srv->spare.entries);
	free(srv->spare.items);
	free(srv->unix_path);
	free(srv);
}

/* Submit one request line as a client would (rehearsal replay). */
void
server_intake_submit(struct server_intake *srv, const char *line, size_t len)
{
	server_intake_line(srv, NULL, line, len);
}

/* Requests accepted since start (for the status line and benchmarks). */
size_t
server_intake_count(const struct server_intake *srv)
{
	return srv->accepted;
}
