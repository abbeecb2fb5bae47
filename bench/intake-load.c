/*
 * intake-load.c -- load generator for the intake server (bench/intake.py
 * drives it). Modes:
 *   pipelined: one connection, a writer thread sends COUNT questions as
 *              fast as it can while the main thread reads the replies;
 *   serial:    CLIENTS connections, each sending one question and waiting
 *              for its reply before the next, COUNT questions in all.
 * Prints one JSON object: count, seconds, per_second, and in serial mode
 * the ack latency median / p90 / p99 / max in ms.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct load {
	const char *path;
	const char *tag;
	long count;
	int clients;
	double *lat;      /* serial: latency of every request, ms */
	long lat_n;
	pthread_mutex_t mu;
	int failed;
};

struct client_arg {
	struct load *l;
	int index;
	long count;
};

/* Monotonic seconds. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Connect to the intake socket. */
static int
connect_unix(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		fprintf(stderr, "intake-load: connect %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	return fd;
}

/* Write all bytes. */
static void
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0) {
			perror("intake-load: write");
			exit(1);
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Format question i of a client as a request line; returns its length. */
static int
request(char *buf, size_t sz, const char *tag, int client, long i)
{
	return snprintf(buf, sz, "{\"type\":\"question\",\"id\":\"%s-%d-%ld\","
	    "\"text\":\"How can long-term funding for survivors' associations "
	    "be made predictable? (load %d/%ld)\",\"lang\":\"en\","
	    "\"from\":\"Load Tester\",\"org\":\"Bench\"}\n", tag, client, i,
	    client, i);
}

/* Read reply lines, counting them and checking each says ok. */
static long
read_replies(FILE *in, long n, struct load *l)
{
	char line[512];
	long got = 0;

	while (got < n && fgets(line, sizeof line, in) != NULL) {
		if (strncmp(line, "{\"ok\":true", 10) != 0) {
			if (l->failed++ < 3)
				fprintf(stderr, "intake-load: refused: %s", line);
		}
		got++;
	}
	return got;
}

/* Pipelined writer thread. */
static void *
pipelined_writer(void *arg)
{
	struct client_arg *a = arg;
	char *buf = malloc(1 << 16);
	size_t used = 0;
	int fd = a->index;

	for (long i = 0; i < a->l->count; i++) {
		if (used > (1 << 16) - 512) {
			write_all(fd, buf, used);
			used = 0;
		}
		used += (size_t)request(buf + used, 512, a->l->tag, 0, i);
	}
	write_all(fd, buf, used);
	free(buf);
	return NULL;
}

/* One serial client: one request, one reply, again. */
static void *
serial_client(void *arg)
{
	struct client_arg *a = arg;
	int fd = connect_unix(a->l->path);
	FILE *in = fdopen(dup(fd), "r");
	double *lat = malloc(sizeof *lat * (size_t)a->count);
	char buf[512];

	for (long i = 0; i < a->count; i++) {
		int n = request(buf, sizeof buf, a->l->tag, a->index, i);
		double t0 = now_s();

		write_all(fd, buf, (size_t)n);
		if (read_replies(in, 1, a->l) != 1) {
			fprintf(stderr, "intake-load: connection closed\n");
			exit(1);
		}
		lat[i] = (now_s() - t0) * 1000;
	}
	pthread_mutex_lock(&a->l->mu);
	memcpy(a->l->lat + a->l->lat_n, lat, sizeof *lat * (size_t)a->count);
	a->l->lat_n += a->count;
	pthread_mutex_unlock(&a->l->mu);
	free(lat);
	fclose(in);
	close(fd);
	return NULL;
}

/* Order doubles, for percentiles. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct load l;
	double t0, t1;

	if (argc != 6) {
		fprintf(stderr, "usage: intake-load SOCKET pipelined|serial CLIENTS "
		    "COUNT TAG\n");
		return 2;
	}
	memset(&l, 0, sizeof l);
	l.path = argv[1];
	l.clients = atoi(argv[3]);
	l.count = atol(argv[4]);
	l.tag = argv[5];
	pthread_mutex_init(&l.mu, NULL);
	if (strcmp(argv[2], "pipelined") == 0) {
		int fd = connect_unix(l.path);
		FILE *in = fdopen(dup(fd), "r");
		struct client_arg a = { &l, fd, l.count };
		pthread_t w;

		t0 = now_s();
		pthread_create(&w, NULL, pipelined_writer, &a);
		if (read_replies(in, l.count, &l) != l.count) {
			fprintf(stderr, "intake-load: short read\n");
			return 1;
		}
		t1 = now_s();
		pthread_join(w, NULL);
		printf("{\"mode\":\"pipelined\",\"count\":%ld,\"seconds\":%.3f,"
		    "\"per_second\":%.0f,\"failed\":%d}\n", l.count, t1 - t0,
		    (double)l.count / (t1 - t0), l.failed);
		return l.failed != 0;
	}
	{
		pthread_t th[256];
		struct client_arg args[256];
		long per = l.count / l.clients;

		if (l.clients < 1 || l.clients > 256)
			return 2;
		l.lat = malloc(sizeof *l.lat * (size_t)(per * l.clients));
		t0 = now_s();
		for (int i = 0; i < l.clients; i++) {
			args[i] = (struct client_arg){ &l, i, per };
			pthread_create(&th[i], NULL, serial_client, &args[i]);
		}
		for (int i = 0; i < l.clients; i++)
			pthread_join(th[i], NULL);
		t1 = now_s();
		qsort(l.lat, (size_t)l.lat_n, sizeof *l.lat, cmp_double);
		printf("{\"mode\":\"serial\",\"clients\":%d,\"count\":%ld,"
		    "\"seconds\":%.3f,\"per_second\":%.0f,\"median_ms\":%.3f,"
		    "\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"failed\":%d}\n",
		    l.clients, l.lat_n, t1 - t0, (double)l.lat_n / (t1 - t0),
		    l.lat[l.lat_n / 2], l.lat[l.lat_n * 9 / 10],
		    l.lat[l.lat_n * 99 / 100], l.lat[l.lat_n - 1], l.failed);
		free(l.lat);
	}
	return l.failed != 0;
}
