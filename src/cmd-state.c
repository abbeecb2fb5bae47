/*
 * cmd-state.c -- `podium state`: open a session database read-only (also
 * while a chair console writes to it), replay its journal and print the
 * state as JSON at this moment.
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>

#include "session.h"
#include "state-json.h"

static const char cmd_state_usage[] =
    "usage: podium state [--db FILE | --event FILE] [--compact]\n"
    "\n"
    "Print the current state of a session database as JSON (schema in\n"
    "docs/STATE-JSON.md). Works while a chair console runs on it.\n"
    "\n"
    "  --db FILE      the session database (default: the event's database\n"
    "                 under $XDG_DATA_HOME/podium/)\n"
    "  --event FILE   the event whose default database to read (default:\n"
    "                 the shipped sample event)\n"
    "  --compact      one line instead of indented JSON\n"
    "  -h, --help     show this help\n";

/* podium state. */
int
cmd_state(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "event", required_argument, NULL, 'e' },
		{ "compact", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_opt = NULL, *event_opt = NULL;
	char *event_path = NULL, *db_path = NULL, *cause = NULL;
	struct session *s = NULL;
	struct session_options so = { 0 };
	bool compact = false;
	json_t *j;
	int c, rc = CLI_FAIL;

	optind = 1;
	opterr = 0;  /* errors are ours: "podium: error: ..." */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db_opt = optarg;
			break;
		case 'e':
			event_opt = optarg;
			break;
		case 'c':
			compact = true;
			break;
		case 'h':
			fputs(cmd_state_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(argv, "state");
		}
	}
	if (optind < argc)
		return cli_error(CLI_USAGE, "unexpected argument '%s'; see "
		    "podium state --help", argv[optind]);
	if (cli_resolve_db(event_opt, db_opt, &event_path, &db_path,
	    &cause) != 0)
		return cli_fail(cause);
	so.db_path = db_path;
	so.writable = false;
	so.speed = 1.0;
	if (session_open(&s, &so, &cause) != 0) {
		rc = cli_fail(cause);
		goto out;
	}
	j = state_json(s->model, session_now(s), s->rehearsal);
	if (json_dumpf(j, stdout, compact ? JSON_COMPACT :
	    JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', stdout) == EOF || fflush(stdout) != 0)
		rc = cli_error(CLI_FAIL, "cannot write the state to standard "
		    "output");
	else
		rc = CLI_OK;
	json_decref(j);
out:
	session_close(s);
	free(event_path);
	free(db_path);
	return rc;
}
