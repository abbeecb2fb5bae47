/*
 * cmd-export.c -- `podium export`: the session record of a database, in
 * Markdown, CSV, JSON or SVG (docs/RECORD.md).
 *
 * Data flow: open the session read-only (the journal replayed into the
 * model, exactly as the console and `podium state` do), verify the
 * journal's hash chains, and check that both saw the same journal: a
 * chair writing meanwhile may have added or undone a row between the two
 * reads, and then the whole thing is taken again, so that the final hash
 * printed is the hash of exactly the rows the figures come from. The
 * record goes to standard output, or to a temporary file beside -o FILE
 * renamed over it once complete, so a reader never sees half a record.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "session.h"

/* How many times the record is retaken while a chair keeps writing. */
#define CMD_EXPORT_TRIES 8

static const char cmd_export_usage[] =
    "usage: podium export [--db FILE | --event FILE] [--format FORMAT]"
    " [-o FILE]\n"
    "\n"
    "Write the session record: each segment planned against actual, each\n"
    "speaker's allotted and spoken time, totals per organisation and per\n"
    "language, the questions by theme, status and language with the share\n"
    "put on air, and the journal's final hash (docs/RECORD.md). Works while\n"
    "a chair console runs on the database.\n"
    "\n"
    "  --db FILE        the session database (default: the event's database\n"
    "                   under $XDG_DATA_HOME/podium/)\n"
    "  --event FILE     the event whose default database to read (default:\n"
    "                   the shipped sample event)\n"
    "  --format FORMAT  md (the default), csv, json, or svg (a timeline);\n"
    "                   without it, -o FILE's extension chooses\n"
    "  -o FILE          write to FILE, replaced in one step, mode 0600\n"
    "                   (default: standard output)\n"
    "  -h, --help       show this help\n"
    "\n"
    "Check a record against its database with podium verify --hash.\n";

/* The format a file name's extension asks for, or false. */
static bool
cmd_export_guess(const char *path, enum export_format *fmt)
{
	const char *dot = strrchr(path, '.');

	return dot != NULL && strchr(dot, '/') == NULL &&
	    export_format_by_name(dot + 1, fmt);
}

/* Whether the replayed journal is the one the chains were verified on. */
static bool
cmd_export_same(const struct session *s, const struct store_verify_result *c)
{
	int64_t undone = 0;

	if (c->status == STORE_VERIFY_DAMAGED)
		return true;
	for (size_t i = 0; i < s->njournal; i++)
		undone += s->journal[i].undone;
	return c->rows == (int64_t)s->njournal && c->last_seq == s->last_seq &&
	    c->undone_rows == undone;
}

/*
 * Open the session and verify its chains on the same journal; retaken
 * while a chair changes it in between.
 */
static int
cmd_export_open(const char *db_path, struct session **out,
    struct store_verify_result *chain, char **cause)
{
	struct session_options so = { 0 };

	so.db_path = db_path;
	so.writable = false;
	so.speed = 1.0;
	for (int i = 0; i < CMD_EXPORT_TRIES; i++) {
		if (session_open(out, &so, cause) != 0)
			return -1;
		if (store_verify((*out)->store, chain, cause) != 0)
			goto fail;
		if (cmd_export_same(*out, chain))
			return 0;
		session_close(*out);
		*out = NULL;
		usleep(20000);
	}
	if (asprintf(cause, "%s kept changing while the record was taken;"
	    " try again", db_path) < 0)
		abort();
	return -1;

fail:
	session_close(*out);
	*out = NULL;
	return -1;
}

/* Write the record to a file beside path, then rename it over path. */
static int
cmd_export_file(const char *path, enum export_format fmt,
    const struct export_input *in, char **cause)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int fd;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		abort();
	fd = mkstemp(tmp);
	if (fd < 0) {
		if (asprintf(cause, "cannot create a file beside %s: %m;"
		    " check that its directory exists and is writable",
		    path) < 0)
			abort();
		free(tmp);
		return -1;
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		close(fd);
		if (asprintf(cause, "cannot write %s: %m", tmp) < 0)
			abort();
		goto fail;
	}
	if (export_write(f, fmt, in, cause) != 0)
		goto fail;
	if (fsync(fileno(f)) != 0) {
		if (asprintf(cause, "cannot write %s: %m; check the disk",
		    path) < 0)
			abort();
		goto fail;
	}
	if (fclose(f) != 0) {
		f = NULL;
		if (asprintf(cause, "cannot write %s: %m; check the disk",
		    path) < 0)
			abort();
		goto fail;
	}
	f = NULL;
	if (rename(tmp, path) != 0) {
		if (asprintf(cause, "cannot replace %s: %m; give another -o",
		    path) < 0)
			abort();
		goto fail;
	}
	free(tmp);
	return 0;

fail:
	if (f != NULL)
		fclose(f);
	unlink(tmp);
	free(tmp);
	return -1;
}

/* Say on stderr when the record cannot be trusted as the chain would let it. */
static void
cmd_export_warn(const char *db_path, const struct store_verify_result *c)
{
	switch (c->status) {
	case STORE_VERIFY_OK:
		break;
	case STORE_VERIFY_ROW:
		fprintf(stderr, "podium: warning: the journal of %s is broken at"
		    " row %lld: %s; the record says so\n", db_path,
		    (long long)c->at, c->why);
		break;
	case STORE_VERIFY_UNDO:
		fprintf(stderr, "podium: warning: the undo chain of %s is broken"
		    " at entry %lld: %s; the record says so\n", db_path,
		    (long long)c->at, c->why);
		break;
	default:
		fprintf(stderr, "podium: warning: %s: %s; the record has no"
		    " hash\n", db_path, c->why);
		break;
	}
}

/* podium export: parse the options, take the record, write it. */
int
cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "event", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_opt = NULL, *event_opt = NULL, *out_path = NULL;
	const char *format = NULL;
	char *event_path = NULL, *db_path = NULL, *cause = NULL;
	struct store_verify_result chain;
	struct export_input in;
	struct session *s = NULL;
	enum export_format fmt = EXPORT_MD;
	int c, rc;

	optind = 1;
	opterr = 0;  /* errors are ours: "podium: error: ..." */
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db_opt = optarg;
			break;
		case 'e':
			event_opt = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'h':
			fputs(cmd_export_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(argv, "export");
		}
	}
	if (optind < argc)
		return cli_error(CLI_USAGE, "unexpected argument '%s'; see "
		    "podium export --help", argv[optind]);
	if (format != NULL && !export_format_by_name(format, &fmt))
		return cli_error(CLI_USAGE, "unknown format '%s'; use md, csv,"
		    " json or svg", format);
	if (format == NULL && out_path != NULL)
		cmd_export_guess(out_path, &fmt);
	if (cli_resolve_db(event_opt, db_opt, &event_path, &db_path,
	    &cause) != 0)
		return cli_fail(cause);
	if (cmd_export_open(db_path, &s, &chain, &cause) != 0) {
		rc = cli_fail(cause);
		goto out;
	}
	memset(&in, 0, sizeof in);
	in.model = s->model;
	in.now = session_now(s);
	in.rehearsal = s->rehearsal;
	in.journal = s->journal;
	in.njournal = s->njournal;
	in.chain = &chain;
	if (out_path != NULL)
		rc = cmd_export_file(out_path, fmt, &in, &cause);
	else
		rc = export_write(stdout, fmt, &in, &cause);
	if (rc != 0) {
		rc = cli_fail(cause);
		goto out;
	}
	cmd_export_warn(db_path, &chain);
	rc = CLI_OK;
out:
	session_close(s);
	free(event_path);
	free(db_path);
	return rc;
}
