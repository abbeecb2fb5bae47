/*
 * cli.h -- the command line: each `podium COMMAND` is a function taking
 * its own argv, and every error reaches stderr as "podium: error: ...".
 * Exit codes: 0 success, 1 runtime error, 2 bad usage.
 */
#ifndef PODIUM_CLI_H
#define PODIUM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

/* Print "podium: error: ..." and return code. */
int cli_error(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Report the option getopt_long() just refused (unknown, or missing its
 * value) as a usage error of command cmd; returns CLI_USAGE.
 */
int cli_bad_option(char **argv, const char *cmd);

/* Print a cause string as an error, free it, and return CLI_FAIL. */
int cli_fail(char *cause);

/* Parse a positive decimal number in (0, max]; false if malformed. */
bool cli_parse_speed(const char *s, double max, double *out);

/*
 * Resolve --event/--db for commands that work on a session database: the
 * event defaults to the shipped sample, the database to the event's file
 * under $XDG_DATA_HOME/podium/. Both results are malloc'd.
 */
int cli_resolve_db(const char *event_opt, const char *db_opt,
    char **event_path, char **db_path, char **cause);

/* podium [chair] and podium rehearse. */
int cmd_chair(int argc, char **argv, bool rehearse);

/* podium ask. */
int cmd_ask(int argc, char **argv);

/* podium mirror. */
int cmd_mirror(int argc, char **argv);

/* podium import. */
int cmd_import(int argc, char **argv);

/* podium state. */
int cmd_state(int argc, char **argv);

/* podium export. */
int cmd_export(int argc, char **argv);

/* podium verify. */
int cmd_verify(int argc, char **argv);

#endif /* PODIUM_CLI_H */
