/*
 * cmd-import.c -- `podium import FILE.csv`: a registration export becomes
 * questions and floor requests.
 *
 * Two passes. The first reads the whole file (import-csv.c) and turns
 * each usable row into intake request lines, each with an id derived from
 * the row (its registration id, or a SHA-256 of its content), so that
 * importing the same file twice stores nothing new. Bad rows are listed
 * with their line numbers; unless --skip-bad, any bad row stops the
 * import before anything is stored. The second pass delivers the lines:
 * through the running console's intake socket when there is one (so the
 * chair sees them arrive), otherwise straight into the database in one
 * transaction, under the chair lock so no console starts meanwhile.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify.h"
#include "import-csv.h"
#include "intake-client.h"
#include "intake-item.h"
#include "lock.h"
#include "session.h"
#include "text.h"

#define CMD_IMPORT_MAPS_MAX 16
#define CMD_IMPORT_WINDOW 256      /* requests in flight over the socket */
#define CMD_IMPORT_BAD_SHOWN 20

static const char cmd_import_usage[] =
    "usage: podium import [OPTIONS] FILE.csv\n"
    "\n"
    "Import a registration export: rows with a question become questions,\n"
    "rows asking to take the floor become floor requests (both if both).\n"
    "Columns are found by their headers in English, French, Spanish or\n"
    "Arabic (docs/IMPORT.md). Importing the same file again adds nothing.\n"
    "Goes through the running console when there is one.\n"
    "\n"
    "  --db FILE            the session database (default: the event's)\n"
    "  --event FILE         the event (default: the shipped sample)\n"
    "  --connect HOST:PORT  a console's --intake-listen address instead\n"
    "  --token-file FILE    with --connect: the DB.token file\n"
    "  --map FIELD=HEADER   use column HEADER for FIELD (id, name, org,\n"
    "                       country, lang, question, floor, email);\n"
    "                       may be repeated\n"
    "  --skip-bad           import the good rows even if some are bad\n"
    "                       (default: any bad row stops the import)\n"
    "  -h, --help           show this help\n";

/* The lines to deliver and what went wrong reading the file. */
struct cmd_import {
	char **lines;
	size_t nlines;
	size_t cap;
	size_t questions;
	size_t floors;
	size_t bad;
	bool progress;
};

/* Append a request line. */
static void
cmd_import_push(struct cmd_import *imp, json_t *req)
{
	char *line = json_dumps(req, JSON_COMPACT);

	json_decref(req);
	if (line == NULL)
		abort();
	if (imp->nlines == imp->cap) {
		imp->cap = imp->cap ? imp->cap * 2 : 1024;
		imp->lines = realloc(imp->lines, imp->cap * sizeof *imp->lines);
		if (imp->lines == NULL)
			abort();
	}
	imp->lines[imp->nlines++] = line;
}

/*
 * The id a row is stored under: its registration id, or a digest of what
 * it says, so the same row imported twice is the same item.
 */
static void
cmd_import_ext_id(const struct import_row *row, const char *kind, char *out,
    size_t outsz)
{
	uint8_t md[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	const char *parts[] = { row->name, row->org, row->country, row->email,
		row->question };

	if (row->id != NULL && row->id[0] != '\0') {
		snprintf(out, outsz, "import-%s:%.150s", kind, row->id);
		return;
	}
	sha256_init(&ctx);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		const char *p = parts[i] != NULL ? parts[i] : "";

		/* The NUL keeps ("ab","c") apart from ("a","bc"). */
		sha256_update(&ctx, strlen(p) + 1, (const uint8_t *)p);
	}
	sha256_digest(&ctx, sizeof md, md);
	snprintf(out, outsz, "import-%s:", kind);
	for (unsigned int i = 0; i < 16; i++)
		snprintf(out + strlen(out), outsz - strlen(out), "%02x", md[i]);
}

/* Set a string member when present. */
static void
cmd_import_set(json_t *o, const char *key, const char *value)
{
	if (value != NULL && value[0] != '\0')
		json_object_set_new(o, key, json_string(value));
}

/* A usable row: one or two request lines. */
static int
cmd_import_row(const struct import_row *row, void *arg)
{
	struct cmd_import *imp = arg;
	char id[200];
	json_t *req;

	if (row->question != NULL && row->question[0] != '\0') {
		cmd_import_ext_id(row, "q", id, sizeof id);
		req = json_pack("{s:s, s:s, s:s}", "type", "question", "id", id,
		    "text", row->question);
		cmd_import_set(req, "from", row->name);
		cmd_import_set(req, "org", row->org);
		cmd_import_set(req, "country", row->country);
		cmd_import_set(req, "lang", row->lang);
		cmd_import_push(imp, req);
		imp->questions++;
	}
	if (row->floor) {
		cmd_import_ext_id(row, "f", id, sizeof id);
		req = json_pack("{s:s, s:s, s:s}", "type", "floor", "id", id,
		    "name", row->name);
		cmd_import_set(req, "org", row->org);
		cmd_import_set(req, "lang", row->lang);
		cmd_import_push(imp, req);
		imp->floors++;
	}
	return 0;
}

/* A bad row: say where and why. */
static void
cmd_import_bad(const struct import_bad *bad, void *arg)
{
	struct cmd_import *imp = arg;
	char *why;

	if (imp->bad++ < CMD_IMPORT_BAD_SHOWN) {
		/* The reason quotes the cell: no control of it reaches a tty. */
		why = text_inert_utf8(bad->why);
		fprintf(stderr, "podium: line %lu: %s\n", bad->line, why);
		free(why);
	}
}

/* An item the session refused: say which, quoting no control. */
static void
cmd_import_refused(size_t item, const char *error)
{
	char *safe = text_inert_utf8(error);

	fprintf(stderr, "podium: item %zu refused: %s\n", item, safe);
	free(safe);
}

/* A progress bar on stderr, only on a terminal. */
static void
cmd_import_progress(size_t done, size_t total, void *arg)
{
	struct cmd_import *imp = arg;
	int width = 40, fill;

	if (!imp->progress || total == 0)
		return;
	fill = (int)((double)done / (double)total * width);
	if (fill > width)
		fill = width;
	fprintf(stderr, "\r[%.*s%*s] %3d%%",
	    fill, "########################################", width - fill, "",
	    (int)((double)done * 100 / (double)total));
	if (done >= total)
		fputc('\n', stderr);
}

/* Deliver through a running console, a window of requests at a time. */
static int
cmd_import_socket(struct cmd_import *imp, struct intake_client *client,
    size_t *refused)
{
	size_t sent = 0, answered = 0;
	char *cause = NULL, *error = NULL;
	bool ok;
	int64_t id;

	while (answered < imp->nlines) {
		while (sent < imp->nlines && sent - answered < CMD_IMPORT_WINDOW) {
			if (intake_client_send(client, imp->lines[sent],
			    strlen(imp->lines[sent]), &cause) != 0)
				return cli_fail(cause);
			sent++;
		}
		if (intake_client_reply(client, &ok, &id, &error, &cause) != 0)
			return cli_fail(cause);
		if (!ok) {
			(*refused)++;
			cmd_import_refused(answered + 1, error);
			free(error);
		}
		answered++;
	}
	return CLI_OK;
}

/* Deliver straight into the database, in one transaction. */
static int
cmd_import_direct(struct cmd_import *imp, const char *db_path,
    const char *event_path, size_t *refused)
{
	struct session_options so = { 0 };
	struct session *s = NULL;
	struct intake_request *reqs;
	struct session_item *items;
	struct classify *cl = NULL;
	char *cause = NULL, err[200];
	int lock, rc = CLI_FAIL;

	lock = lock_acquire(db_path, &cause);
	if (lock < 0)
		return cli_fail(cause);
	so.db_path = db_path;
	so.event_path = event_path;
	so.writable = true;
	so.speed = 1.0;
	reqs = calloc(imp->nlines + 1, sizeof *reqs);
	items = calloc(imp->nlines + 1, sizeof *items);
	if (reqs == NULL || items == NULL)
		abort();
	if (session_open(&s, &so, &cause) != 0) {
		rc = cli_fail(cause);
		goto out;
	}
	cl = classify_create(&s->event->event);
	for (size_t i = 0; i < imp->nlines; i++) {
		if (!intake_parse(imp->lines[i], strlen(imp->lines[i]), &reqs[i],
		    err, sizeof err)) {
			rc = cli_error(CLI_FAIL, "internal: item %zu: %s", i + 1,
			    err);
			goto out;
		}
		intake_item_init(&items[i], &reqs[i], s->model, cl);
	}
	session_do_batch(s, items, imp->nlines, "import");
	for (size_t i = 0; i < imp->nlines; i++) {
		if (!items[i].ok) {
			(*refused)++;
			cmd_import_refused(i + 1, items[i].err);
		}
	}
	rc = CLI_OK;
out:
	for (size_t i = 0; i < imp->nlines; i++)
		intake_request_finish(&reqs[i]);
	free(reqs);
	free(items);
	classify_destroy(cl);
	session_close(s);
	lock_release(lock);
	return rc;
}

/* podium import. */
int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "event", required_argument, NULL, 'e' },
		{ "connect", required_argument, NULL, 'c' },
		{ "token-file", required_argument, NULL, 't' },
		{ "map", required_argument, NULL, 'm' },
		{ "skip-bad", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *maps[CMD_IMPORT_MAPS_MAX];
	struct intake_client_target target = { 0 };
	struct import_callbacks cb = { 0 };
	struct cmd_import imp = { 0 };
	struct intake_client *client = NULL;
	const char *db_opt = NULL, *event_opt = NULL;
	char *event_path = NULL, *db_path = NULL, *cause = NULL;
	size_t nmaps = 0, refused = 0;
	bool skip_bad = false, absent = false;
	struct stat st;
	FILE *in;
	int c, rc = CLI_FAIL;

	optind = 1;
	opterr = 0;  /* errors are ours: "podium: error: ..." */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'e': event_opt = optarg; break;
		case 'c': target.connect = optarg; break;
		case 't': target.token_file = optarg; break;
		case 's': skip_bad = true; break;
		case 'm':
			if (nmaps == CMD_IMPORT_MAPS_MAX)
				return cli_error(CLI_USAGE, "at most %d --map options",
				    CMD_IMPORT_MAPS_MAX);
			maps[nmaps++] = optarg;
			break;
		case 'h':
			fputs(cmd_import_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(argv, "import");
		}
	}
	if (optind != argc - 1)
		return cli_error(CLI_USAGE, "podium import takes one CSV file; "
		    "see podium import --help");

	in = fopen(argv[optind], "rb");
	if (in == NULL)
		return cli_error(CLI_FAIL, "cannot read %s: %m", argv[optind]);
	imp.progress = isatty(STDERR_FILENO);
	cb.row = cmd_import_row;
	cb.bad = cmd_import_bad;
	cb.progress = cmd_import_progress;
	cb.arg = &imp;
	if (import_csv_read(in, fstat(fileno(in), &st) == 0 ?
	    (size_t)st.st_size : 0, maps, nmaps, &cb, &cause) != 0) {
		fclose(in);
		rc = cli_fail(cause);
		goto out;
	}
	fclose(in);
	if (imp.bad > CMD_IMPORT_BAD_SHOWN)
		fprintf(stderr, "podium: … and %zu more bad rows\n",
		    imp.bad - CMD_IMPORT_BAD_SHOWN);
	if (imp.bad > 0 && !skip_bad) {
		rc = cli_error(CLI_FAIL, "%zu bad row%s in %s; nothing was "
		    "imported. Fix them, or import the rest with --skip-bad",
		    imp.bad, imp.bad == 1 ? "" : "s", argv[optind]);
		goto out;
	}
	if (imp.nlines == 0) {
		rc = cli_error(CLI_FAIL, "%s has no row with a question or a "
		    "floor request", argv[optind]);
		goto out;
	}

	if (target.connect == NULL) {
		if (cli_resolve_db(event_opt, db_opt, &event_path, &db_path,
		    &cause) != 0) {
			rc = cli_fail(cause);
			goto out;
		}
		target.db_path = db_path;
	}
	client = intake_client_connect(&target, &absent, &cause);
	if (client != NULL) {
		rc = cmd_import_socket(&imp, client, &refused);
	} else if (absent && target.connect == NULL) {
		free(cause);
		rc = cmd_import_direct(&imp, db_path, event_path, &refused);
	} else {
		rc = cli_fail(cause);
	}
	if (rc == CLI_OK) {
		printf("%zu question%s and %zu floor request%s imported from %s "
		    "(already present ones count once)%s\n", imp.questions,
		    imp.questions == 1 ? "" : "s", imp.floors,
		    imp.floors == 1 ? "" : "s", argv[optind],
		    skip_bad && imp.bad > 0 ? "; bad rows skipped" : "");
		if (refused > 0)
			rc = cli_error(CLI_FAIL, "%zu item%s refused by the session "
			    "(listed above)", refused, refused == 1 ? " was" :
			    "s were");
	}
out:
	intake_client_close(client);
	for (size_t i = 0; i < imp.nlines; i++)
		free(imp.lines[i]);
	free(imp.lines);
	free(event_path);
	free(db_path);
	return rc;
}
