/*
 * cmd-import.c -- `podium import FILE.csv`: a registration export becomes
 * questions and floor requests.
 *
 * Two passes. The first reads the whole file (import-csv.c) and turns
 * each usable row into intake requests, each with an id derived from the
 * row (its registration id, or a SHA-256 of its content), so that
 * importing the same file twice stores nothing new. Bad rows are listed
 * with their line numbers; unless --skip-bad, any bad row stops the
 * import before anything is stored. The second pass delivers them:
 * through the running console's intake socket when there is one (so the
 * chair sees them arrive), as JSON lines; otherwise straight into the
 * database in one transaction, under the chair lock so no console starts
 * meanwhile, with no JSON in between.
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
/*
 * Requests one import may bring: each is held in memory until stored
 * (about 1.6 kB), and the console keeps every question in memory too.
 */
#define CMD_IMPORT_ITEMS_MAX 200000

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

/* One request to deliver; its strings live in one block it owns. */
struct cmd_import_item {
	struct intake_request req;
	char *strings;
};

/* The requests to deliver and what went wrong reading the file. */
struct cmd_import {
	struct cmd_import_item *items;
	size_t nitems;
	size_t cap;
	size_t questions;
	size_t floors;
	size_t bad;
	unsigned long too_many;   /* line of the row past the limit, or 0 */
	bool progress;
};

/* Append an empty request of a type; its strings come next. */
static struct cmd_import_item *
cmd_import_new(struct cmd_import *imp, enum intake_type type)
{
	struct cmd_import_item *it;

	if (imp->nitems == imp->cap) {
		imp->cap = imp->cap ? imp->cap * 2 : 1024;
		imp->items = realloc(imp->items, imp->cap * sizeof *imp->items);
		if (imp->items == NULL)
			abort();
	}
	it = &imp->items[imp->nitems++];
	memset(it, 0, sizeof *it);
	it->req.type = type;
	it->req.segment = -1;
	return it;
}

/*
 * Copy a request's strings (NULL or empty: absent) into one block the
 * item owns, and point the request's fields (dst) at the copies.
 */
static void
cmd_import_own(struct cmd_import_item *it, const char *const *values,
    const char **const *dst, size_t n)
{
	size_t total = 1;
	char *p;

	for (size_t i = 0; i < n; i++)
		total += values[i] != NULL ? strlen(values[i]) + 1 : 0;
	if ((p = it->strings = malloc(total)) == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t len;

		if (values[i] == NULL || values[i][0] == '\0')
			continue;
		len = strlen(values[i]) + 1;
		*dst[i] = memcpy(p, values[i], len);
		p += len;
	}
}

/* A request as the JSON line the intake socket takes (malloc'd). */
static char *
cmd_import_line(const struct intake_request *r)
{
	const char *keys[] = { "id", "text", "name", "from", "org", "country",
		"lang" };
	const char *values[] = { r->ext_id, r->text, r->name, r->from, r->org,
		r->country, r->lang };
	json_t *o = json_pack("{s:s}", "type",
	    r->type == INTAKE_QUESTION ? "question" : "floor");
	char *line;

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (values[i] != NULL)
			json_object_set_new(o, keys[i], json_string(values[i]));
	}
	line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (line == NULL)
		abort();
	return line;
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

/* A usable row: one or two requests. */
static int
cmd_import_row(const struct import_row *row, void *arg)
{
	struct cmd_import *imp = arg;
	struct cmd_import_item *it;
	char id[200];

	if (imp->nitems + (row->question != NULL && row->question[0] != '\0') +
	    row->floor > CMD_IMPORT_ITEMS_MAX) {
		imp->too_many = row->line;
		return 1;
	}
	if (row->question != NULL && row->question[0] != '\0') {
		cmd_import_ext_id(row, "q", id, sizeof id);
		it = cmd_import_new(imp, INTAKE_QUESTION);
		cmd_import_own(it, (const char *[]){ id, row->question,
		    row->name, row->org, row->country, row->lang },
		    (const char **[]){ &it->req.ext_id, &it->req.text,
		    &it->req.from, &it->req.org, &it->req.country,
		    &it->req.lang }, 6);
		imp->questions++;
	}
	if (row->floor) {
		cmd_import_ext_id(row, "f", id, sizeof id);
		it = cmd_import_new(imp, INTAKE_FLOOR);
		cmd_import_own(it, (const char *[]){ id, row->name, row->org,
		    row->lang }, (const char **[]){ &it->req.ext_id,
		    &it->req.name, &it->req.org, &it->req.lang }, 4);
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

	while (answered < imp->nitems) {
		while (sent < imp->nitems && sent - answered < CMD_IMPORT_WINDOW) {
			char *line = cmd_import_line(&imp->items[sent].req);
			int rc = intake_client_send(client, line, strlen(line),
			    &cause);

			free(line);
			if (rc != 0)
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
	struct session_item *items;
	struct classify *cl = NULL;
	char *cause = NULL;
	int lock, rc = CLI_FAIL;

	lock = lock_acquire(db_path, &cause);
	if (lock < 0)
		return cli_fail(cause);
	so.db_path = db_path;
	so.event_path = event_path;
	so.writable = true;
	so.speed = 1.0;
	items = calloc(imp->nitems + 1, sizeof *items);
	if (items == NULL)
		abort();
	if (session_open(&s, &so, &cause) != 0) {
		rc = cli_fail(cause);
		goto out;
	}
	cl = classify_create(&s->event->event);
	/* The session checks every field as it would a socket's request. */
	for (size_t i = 0; i < imp->nitems; i++)
		intake_item_init(&items[i], &imp->items[i].req, s->model, cl);
	session_do_batch(s, items, imp->nitems, "import");
	for (size_t i = 0; i < imp->nitems; i++) {
		if (!items[i].ok) {
			(*refused)++;
			cmd_import_refused(i + 1, items[i].err);
		}
	}
	rc = CLI_OK;
out:
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
		if (imp.too_many != 0)
			rc = cli_error(CLI_FAIL, "%s has more than %d questions "
			    "and floor requests (line %lu is past that); nothing "
			    "was imported. Split the file and import the parts",
			    argv[optind], CMD_IMPORT_ITEMS_MAX, imp.too_many);
		else
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
	if (imp.nitems == 0) {
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
	for (size_t i = 0; i < imp.nitems; i++)
		free(imp.items[i].strings);
	free(imp.items);
	free(event_path);
	free(db_path);
	return rc;
}
