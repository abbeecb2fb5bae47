/*
 * cli.c -- helpers shared by the commands: error reporting, number
 * parsing, and finding the event file and the session database.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "session.h"
#include "text.h"

/*
 * Print "podium: error: ..." and return code. Messages can quote text
 * from outside (a CSV cell, a console's refusal): controls in it are
 * printed as visible marks, never sent to the user's terminal.
 */
int
cli_error(int code, const char *fmt, ...)
{
	va_list ap;
	char *msg, *safe;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("podium: out of memory\n", stderr);
		abort();
	}
	safe = text_inert_utf8(msg);
	fprintf(stderr, "podium: error: %s\n", safe);
	free(safe);
	free(msg);
	return code;
}

/* Report a refused option as a usage error. */
int
cli_bad_option(char **argv, const char *cmd)
{
	const char *opt = optind > 0 ? argv[optind - 1] : "?";

	if (optopt != 0 && strncmp(opt, "--", 2) != 0)
		return cli_error(CLI_USAGE, "unknown option '-%c' or missing "
		    "value; see podium %s --help", optopt, cmd);
	return cli_error(CLI_USAGE, "unknown option '%s' or missing value; see "
	    "podium %s --help", opt, cmd);
}

/* Print a cause string as an error, free it, and return CLI_FAIL. */
int
cli_fail(char *cause)
{
	cli_error(CLI_FAIL, "%s", cause != NULL ? cause : "unknown error");
	free(cause);
	return CLI_FAIL;
}

/* Parse a positive decimal number in (0, max]. */
bool
cli_parse_speed(const char *s, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v <= 0 ||
	    v > max)
		return false;
	*out = v;
	return true;
}

/* Resolve --event/--db for commands that work on a session database. */
int
cli_resolve_db(const char *event_opt, const char *db_opt, char **event_path,
    char **db_path, char **cause)
{
	struct event_file *ef;

	*event_path = *db_path = NULL;
	if (event_opt != NULL) {
		*event_path = strdup(event_opt);
	} else {
		*event_path = session_sample_event("sample-event.json", cause);
		if (*event_path == NULL)
			return -1;
	}
	if (db_opt != NULL) {
		*db_path = strdup(db_opt);
		return 0;
	}
	ef = event_load(*event_path, cause);
	if (ef == NULL)
		goto fail;
	*db_path = session_default_db(ef->event.id, cause);
	event_destroy(ef);
	if (*db_path == NULL)
		goto fail;
	return 0;

fail:
	free(*event_path);
	*event_path = NULL;
	return -1;
}
