/*
 * cmd-verify.c -- `podium verify`: is a session database's journal what
 * podium wrote? Recomputes the hash chain of the journal rows and the
 * chain of undos, checks every undone flag against the undos and runs
 * SQLite's integrity check, all through store_verify() on a read-only
 * handle (a chair may be running). With --hash, also says which row of
 * the journal a published record's hash belongs to.
 */
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static const char cmd_verify_usage[] =
    "usage: podium verify [--db FILE | --event FILE] [--hash HASH]\n"
    "\n"
    "Check a session database's tamper-evident journal: the hash chain of\n"
    "its rows, the chain of its undos, that every undone flag agrees with\n"
    "the undos, and SQLite's integrity check (docs/RECORD.md). Prints\n"
    "\"ok: N rows, final hash ...\" and exits 0, or says where the journal\n"
    "is broken and exits 1. Works while a chair console runs.\n"
    "\n"
    "  --db FILE      the session database (default: the event's database\n"
    "                 under $XDG_DATA_HOME/podium/)\n"
    "  --event FILE   the event whose default database to read (default:\n"
    "                 the shipped sample event)\n"
    "  --hash HASH    a journal or undo hash printed in an exported record:\n"
    "                 say which row (or undo) it is the hash of; exit 1 if\n"
    "                 this database has no such hash\n"
    "  -h, --help     show this help\n";

/* Whether a --hash argument is 64 hex digits; lowercases it in place. */
static bool
cmd_verify_hash_ok(char *hash)
{
	size_t n = 0;

	for (char *p = hash; *p != '\0'; p++, n++) {
		if (!isxdigit((unsigned char)*p))
			return false;
		*p = (char)tolower((unsigned char)*p);
	}
	return n == STORE_HASH_HEX;
}

/* Print what verification found; the exit code. */
static int
cmd_verify_report(const struct store_verify_result *r)
{
	switch (r->status) {
	case STORE_VERIFY_OK:
		printf("ok: %lld rows, final hash %s\n", (long long)r->rows,
		    r->journal_hash);
		printf("undo chain: entries %lld, rows undone %lld, final hash"
		    " %s\n", (long long)r->undos, (long long)r->undone_rows,
		    r->undo_hash);
		printf("integrity: %s\n", r->integrity);
		return CLI_OK;
	case STORE_VERIFY_UNCHAINED:
		printf("not chained: %lld rows; %s\n", (long long)r->rows,
		    r->why);
		return CLI_FAIL;
	case STORE_VERIFY_DAMAGED:
		printf("damaged: %s\n", r->why);
		return CLI_FAIL;
	case STORE_VERIFY_ROW:
		printf("broken at row %lld: %s\n", (long long)r->at, r->why);
		break;
	case STORE_VERIFY_UNDO:
		printf("broken at undo %lld: %s\n", (long long)r->at, r->why);
		break;
	}
	printf("%lld of %lld rows do not match their hash, %lld of %lld undo"
	    " entries do not match theirs, %lld undone flags disagree with the"
	    " undos\n", (long long)r->bad_rows, (long long)r->rows,
	    (long long)r->bad_undos, (long long)r->undos,
	    (long long)r->bad_flags);
	return CLI_FAIL;
}

/* Say where a published hash is in the chains; the exit code. */
static int
cmd_verify_find(struct store *st, const char *hash,
    const struct store_verify_result *r, char **cause)
{
	int64_t seq, n;

	if (store_hash_find(st, hash, &seq, &n, cause) != 0)
		return -1;
	if (seq > 0) {
		printf("published hash: the journal up to row %lld%s\n",
		    (long long)seq, seq == r->last_seq ? " (all of it)" :
		    "; rows were added after that record was taken");
		return CLI_OK;
	}
	if (n > 0) {
		printf("published hash: the undo chain up to entry %lld%s\n",
		    (long long)n, n == r->undos ? " (all of it)" :
		    "; undos were made after that record was taken");
		return CLI_OK;
	}
	printf("published hash: not in this database; the record was not"
	    " taken from it, or its journal was rewritten\n");
	return CLI_FAIL;
}

/* podium verify: parse the options, verify, report. */
int
cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "event", required_argument, NULL, 'e' },
		{ "hash", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_opt = NULL, *event_opt = NULL;
	char *event_path = NULL, *db_path = NULL, *cause = NULL, *hash = NULL;
	struct store_verify_result r;
	struct store *st = NULL;
	int c, rc, found;

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
		case 'H':
			hash = optarg;
			break;
		case 'h':
			fputs(cmd_verify_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(argv, "verify");
		}
	}
	if (optind < argc)
		return cli_error(CLI_USAGE, "unexpected argument '%s'; see "
		    "podium verify --help", argv[optind]);
	if (hash != NULL && !cmd_verify_hash_ok(hash))
		return cli_error(CLI_USAGE, "--hash wants the 64 hexadecimal"
		    " digits of a hash, as an exported record prints it");
	if (cli_resolve_db(event_opt, db_opt, &event_path, &db_path,
	    &cause) != 0)
		return cli_fail(cause);
	if (store_open(&st, db_path, STORE_READ_ONLY, &cause) != 0 ||
	    store_verify(st, &r, &cause) != 0) {
		rc = cli_fail(cause);
		goto out;
	}
	rc = cmd_verify_report(&r);
	if (hash != NULL && r.status != STORE_VERIFY_UNCHAINED &&
	    r.status != STORE_VERIFY_DAMAGED) {
		found = cmd_verify_find(st, hash, &r, &cause);
		if (found < 0)
			rc = cli_fail(cause);
		else if (found != CLI_OK)
			rc = CLI_FAIL;
	}
out:
	store_close(st);
	free(event_path);
	free(db_path);
	return rc;
}
