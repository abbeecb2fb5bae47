/*
 * mirror-load.c -- mirror clients for the mirror benchmark (bench/mirror.py
 * drives it). Modes:
 *   latency: MIRRORS raw mirror connections (hello, then the snapshot up
 *            to its flush) and one intake connection; COUNT times, one
 *            vote for QUESTION is sent and the program waits until the
 *            ack has arrived and every mirror has received the flush line
 *            that ends the change. Times (CLOCK_MONOTONIC, one thread,
 *            poll) are taken when poll returns with the bytes ready.
 *   hold:    MIRRORS raw mirror connections kept open and drained for
 *            SECONDS (the chair's CPU is measured meanwhile); "ready" is
 *            printed once every snapshot has arrived.
 *   snapshot: MIRRORS raw mirror connections opened at once to a chair
 *            with a big journal; until every snapshot has its flush, one
 *            vote for QUESTION at a time is sent over intake (the next
 *            10 ms after the last ack; QUESTION 0: an intake hello, which
 *            commits nothing): how long each snapshot took, and how long
 *            the acks waited for the chair's loop meanwhile.
 * Prints one JSON object. In latency mode, for each vote:
 *   send_to_ack        request written -> ack line read
 *   ack_to_first       ack read -> first mirror has the flush (may be < 0:
 *                      the chair writes to mirrors before it answers)
 *   ack_to_last        ack read -> last mirror has the flush
 *   send_to_last       request written -> last mirror has the flush
 * and the bytes of the row and flush lines one mirror got per vote.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MIRROR_LOAD_MAX 1000

/* One connection and the unfinished line read from it. */
struct peer {
	int fd;
	char *buf;
	size_t len;
	size_t cap;
	long flushes;        /* flush lines seen (the snapshot's is the first) */
	long acks;           /* intake: reply lines seen */
	double last_flush;   /* when the latest flush line was read */
	double last_ack;
	long change_bytes;   /* row, undo and flush bytes after the snapshot */
	long clock_bytes;    /* heartbeat clock lines */
	long clock_lines;
	long snapshot_bytes; /* up to and with the first flush */
	bool intake;
};

/* Monotonic seconds. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Stop with a message. */
static void
die(const char *what)
{
	fprintf(stderr, "mirror-load: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Abort when memory runs out. */
static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		fprintf(stderr, "mirror-load: out of memory\n");
		abort();
	}
	return q;
}

/* Connect to a Unix socket. */
static int
connect_unix(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
		die(path);
	return fd;
}

/* Write all bytes. */
static void
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EAGAIN)
			continue;
		if (w <= 0)
			die("write");
		p += w;
		n -= (size_t)w;
	}
}

/* Account for one complete line read at time t. */
static void
peer_line(struct peer *p, const char *line, size_t n, double t)
{
	if (p->intake) {
		if (strncmp(line, "{\"ok\":true", 10) != 0) {
			fprintf(stderr, "mirror-load: refused: %.*s\n", (int)n, line);
			exit(1);
		}
		p->acks++;
		p->last_ack = t;
		return;
	}
	if (n >= 12 && memcmp(line, "{\"t\":\"clock\"", 12) == 0) {
		p->clock_bytes += (long)n;
		p->clock_lines++;
		return;
	}
	if (n >= 12 && memcmp(line, "{\"t\":\"error\"", 12) == 0) {
		fprintf(stderr, "mirror-load: mirror refused: %.*s\n", (int)n, line);
		exit(1);
	}
	if (p->flushes > 0)
		p->change_bytes += (long)n;
	else
		p->snapshot_bytes += (long)n;
	if (n >= 12 && memcmp(line, "{\"t\":\"flush\"", 12) == 0) {
		p->flushes++;
		p->last_flush = t;
	}
}

/* Read what a socket has and split it into lines; false at EOF. */
static bool
peer_read(struct peer *p, double t)
{
	for (;;) {
		ssize_t r;
		size_t start = 0;

		if (p->cap - p->len < 65536) {
			p->cap = p->cap * 2 + 65536;
			p->buf = xrealloc(p->buf, p->cap);
		}
		r = read(p->fd, p->buf + p->len, p->cap - p->len);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (r < 0)
			die("read");
		if (r == 0)
			return false;
		p->len += (size_t)r;
		for (size_t i = p->len - (size_t)r; i < p->len; i++) {
			if (p->buf[i] == '\n') {
				/* The newline counts: it is on the wire too. */
				peer_line(p, p->buf + start, i - start + 1, t);
				start = i + 1;
			}
		}
		memmove(p->buf, p->buf + start, p->len - start);
		p->len -= start;
	}
}

/* Poll every peer once (up to timeout ms) and read what is ready. */
static void
poll_once(struct peer *peers, struct pollfd *pfd, int n, int timeout_ms)
{
	double t;
	int rc = poll(pfd, (nfds_t)n, timeout_ms);

	if (rc < 0 && errno != EINTR)
		die("poll");
	t = now_s();
	for (int i = 0; i < n && rc > 0; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (!peer_read(&peers[i], t)) {
			fprintf(stderr, "mirror-load: connection %d closed by the "
			    "chair\n", i);
			exit(1);
		}
	}
}

/* Open the mirrors, send their hellos and wait for every snapshot. */
static void
open_mirrors(const char *path, struct peer *peers, struct pollfd *pfd,
    int first, int n)
{
	static const char hello[] = "{\"type\":\"hello\",\"version\":1}\n";
	double deadline = now_s() + 60;
	bool done = false;

	for (int i = first; i < first + n; i++) {
		memset(&peers[i], 0, sizeof peers[i]);
		peers[i].fd = connect_unix(path);
		write_all(peers[i].fd, hello, sizeof hello - 1);
		fcntl(peers[i].fd, F_SETFL, O_NONBLOCK);
		pfd[i] = (struct pollfd){ peers[i].fd, POLLIN, 0 };
	}
	while (!done) {
		if (now_s() > deadline) {
			fprintf(stderr, "mirror-load: snapshots not complete after "
			    "60 s\n");
			exit(1);
		}
		poll_once(peers, pfd, first + n, 100);
		done = true;
		for (int i = first; i < first + n; i++)
			done = done && peers[i].flushes >= 1;
	}
}

/* Order doubles, for percentiles. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Print the median, p99 and max (ms) of v as a JSON member. */
static void
print_stats(const char *name, double *v, long n, bool last)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	printf("\"%s\":{\"median_ms\":%.4f,\"p90_ms\":%.4f,\"p99_ms\":%.4f,"
	    "\"min_ms\":%.4f,\"max_ms\":%.4f}%s", name, v[n / 2], v[n * 9 / 10],
	    v[n * 99 / 100], v[0], v[n - 1], last ? "" : ",");
}

/* The latency mode. */
static int
run_latency(const char *intake, const char *mirror, int nm, long count,
    long question)
{
	struct peer *peers = calloc((size_t)nm + 1, sizeof *peers);
	struct pollfd *pfd = calloc((size_t)nm + 1, sizeof *pfd);
	double *s2a = malloc(sizeof(double) * (size_t)count);
	double *a2f = malloc(sizeof(double) * (size_t)count);
	double *a2l = malloc(sizeof(double) * (size_t)count);
	double *s2l = malloc(sizeof(double) * (size_t)count);
	char req[128];
	int reqlen;

	if (peers == NULL || pfd == NULL || s2a == NULL || a2f == NULL ||
	    a2l == NULL || s2l == NULL)
		abort();
	open_mirrors(mirror, peers, pfd, 1, nm);
	peers[0].fd = connect_unix(intake);
	peers[0].intake = true;
	fcntl(peers[0].fd, F_SETFL, O_NONBLOCK);
	pfd[0] = (struct pollfd){ peers[0].fd, POLLIN, 0 };
	reqlen = snprintf(req, sizeof req, "{\"type\":\"vote\",\"question\":%ld}\n",
	    question);
	for (long k = 0; k < count; k++) {
		double t0, first, last;
		bool done = false;

		t0 = now_s();
		write_all(peers[0].fd, req, (size_t)reqlen);
		while (!done) {
			poll_once(peers, pfd, nm + 1, 5000);
			if (now_s() - t0 > 10) {
				fprintf(stderr, "mirror-load: vote %ld not mirrored "
				    "after 10 s\n", k);
				return 1;
			}
			done = peers[0].acks == k + 1;
			for (int i = 1; i <= nm; i++)
				done = done && peers[i].flushes == k + 2;
		}
		first = last = peers[1].last_flush;
		for (int i = 2; i <= nm; i++) {
			if (peers[i].last_flush < first)
				first = peers[i].last_flush;
			if (peers[i].last_flush > last)
				last = peers[i].last_flush;
		}
		s2a[k] = (peers[0].last_ack - t0) * 1000;
		a2f[k] = (first - peers[0].last_ack) * 1000;
		a2l[k] = (last - peers[0].last_ack) * 1000;
		s2l[k] = (last - t0) * 1000;
	}
	printf("{\"mode\":\"latency\",\"mirrors\":%d,\"count\":%ld,"
	    "\"bytes_per_update\":%.1f,\"clock_lines\":%ld,", nm, count,
	    (double)peers[1].change_bytes / (double)count, peers[1].clock_lines);
	print_stats("send_to_ack", s2a, count, false);
	print_stats("ack_to_first", a2f, count, false);
	print_stats("ack_to_last", a2l, count, false);
	print_stats("send_to_last", s2l, count, true);
	printf("}\n");
	return 0;
}

/* The snapshot mode. */
static int
run_snapshot(const char *intake, const char *mirror, int nm, long question)
{
	static const char hello[] = "{\"type\":\"hello\",\"version\":1}\n";
	struct peer *peers = calloc((size_t)nm + 1, sizeof *peers);
	struct pollfd *pfd = calloc((size_t)nm + 1, sizeof *pfd);
	double *done_s = calloc((size_t)nm + 1, sizeof *done_s);
	size_t acap = 1024;
	double *ack = malloc(sizeof(double) * acap);
	long nack = 0, sent = 0;
	double t0, sent_at = 0, first = 1e9, last = 0;
	char req[128];
	int reqlen, left = nm;

	if (peers == NULL || pfd == NULL || done_s == NULL || ack == NULL)
		abort();
	peers[0].fd = connect_unix(intake);
	peers[0].intake = true;
	fcntl(peers[0].fd, F_SETFL, O_NONBLOCK);
	pfd[0] = (struct pollfd){ peers[0].fd, POLLIN, 0 };
	/* Question 0: a hello, answered without a commit (the loop alone). */
	reqlen = question == 0 ?
	    snprintf(req, sizeof req, "{\"type\":\"hello\",\"version\":1}\n") :
	    snprintf(req, sizeof req, "{\"type\":\"vote\",\"question\":%ld}\n",
	    question);
	t0 = now_s();
	for (int i = 1; i <= nm; i++) {
		peers[i].fd = connect_unix(mirror);
		write_all(peers[i].fd, hello, sizeof hello - 1);
		fcntl(peers[i].fd, F_SETFL, O_NONBLOCK);
		pfd[i] = (struct pollfd){ peers[i].fd, POLLIN, 0 };
	}
	/* Probe: one vote at a time, the next 10 ms after the last ack. */
	while (left > 0 || sent > peers[0].acks) {
		double t = now_s();

		if (t - t0 > 600) {
			fprintf(stderr, "mirror-load: snapshots not complete after "
			    "600 s\n");
			return 1;
		}
		if (sent == peers[0].acks && left > 0 &&
		    (sent == 0 || t - peers[0].last_ack >= 0.010)) {
			sent_at = now_s();
			write_all(peers[0].fd, req, (size_t)reqlen);
			sent++;
		}
		poll_once(peers, pfd, nm + 1, 2);
		if (sent > 0 && peers[0].acks == sent && sent > nack) {
			if ((size_t)nack == acap) {
				acap *= 2;
				ack = xrealloc(ack, sizeof(double) * acap);
			}
			ack[nack++] = (peers[0].last_ack - sent_at) * 1000;
		}
		for (int i = 1; i <= nm; i++) {
			if (done_s[i] == 0 && peers[i].flushes >= 1) {
				done_s[i] = peers[i].last_flush - t0;
				left--;
				if (done_s[i] < first)
					first = done_s[i];
				if (done_s[i] > last)
					last = done_s[i];
				/* Stop reading it: what follows is not the snapshot. */
				close(peers[i].fd);
				pfd[i].fd = -1;
			}
		}
	}
	printf("{\"mode\":\"snapshot\",\"mirrors\":%d,\"first_s\":%.3f,"
	    "\"last_s\":%.3f,\"bytes\":%ld,\"probes\":%ld,", nm, first, last,
	    peers[1].snapshot_bytes, nack);
	print_stats("ack", ack, nack, true);
	printf("}\n");
	return 0;
}

/* The hold mode. */
static int
run_hold(const char *mirror, int nm, double seconds)
{
	struct peer *peers = calloc((size_t)nm, sizeof *peers);
	struct pollfd *pfd = calloc((size_t)nm, sizeof *pfd);
	long bytes = 0, lines = 0;
	double t0, end;

	if (peers == NULL || pfd == NULL)
		abort();
	open_mirrors(mirror, peers, pfd, 0, nm);
	printf("ready\n");
	fflush(stdout);
	t0 = now_s();
	end = t0 + seconds;
	for (int i = 0; i < nm; i++)
		peers[i].clock_bytes = peers[i].clock_lines = 0;
	while (now_s() < end)
		poll_once(peers, pfd, nm, 100);
	for (int i = 0; i < nm; i++) {
		bytes += peers[i].clock_bytes + peers[i].change_bytes;
		lines += peers[i].clock_lines;
	}
	printf("{\"mode\":\"hold\",\"mirrors\":%d,\"seconds\":%.3f,"
	    "\"bytes_per_mirror_per_s\":%.1f,\"clock_lines_per_mirror\":%.1f}\n",
	    nm, now_s() - t0, (double)bytes / nm / seconds,
	    (double)lines / nm);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[1], "latency") == 0) {
		int nm = atoi(argv[4]);

		if (nm < 1 || nm > MIRROR_LOAD_MAX || atol(argv[5]) < 1)
			return 2;
		return run_latency(argv[2], argv[3], nm, atol(argv[5]),
		    atol(argv[6]));
	}
	if (argc == 6 && strcmp(argv[1], "snapshot") == 0) {
		int nm = atoi(argv[4]);

		if (nm < 1 || nm > MIRROR_LOAD_MAX)
			return 2;
		return run_snapshot(argv[2], argv[3], nm, atol(argv[5]));
	}
	if (argc == 5 && strcmp(argv[1], "hold") == 0) {
		int nm = atoi(argv[3]);

		if (nm < 1 || nm > MIRROR_LOAD_MAX)
			return 2;
		return run_hold(argv[2], nm, atof(argv[4]));
	}
	fprintf(stderr, "usage: mirror-load latency INTAKE_SOCK MIRROR_SOCK "
	    "MIRRORS COUNT QUESTION_ID\n"
	    "       mirror-load snapshot INTAKE_SOCK MIRROR_SOCK MIRRORS "
	    "QUESTION_ID\n"
	    "       mirror-load hold MIRROR_SOCK MIRRORS SECONDS\n");
	return 2;
}
