/*
 * cmd-mirror.c -- `podium mirror`: the co-host's read-only view of a
 * running chair console, on this machine (--db) or another (--connect).
 */
#include "cli.h"

#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop-mirror.h"
#include "ui.h"

static const char cmd_mirror_usage[] =
    "usage: podium mirror [--db FILE | --connect HOST:PORT --token-file F]\n"
    "                     [--view full|clock] [--once --json] [--raw]\n"
    "\n"
    "Watch a running chair console, read-only: the same screen, live.\n"
    "Navigation, search and help work; nothing typed here changes the\n"
    "session. Reconnects by itself when the chair restarts.\n"
    "\n"
    "  --db FILE            the chair's database (finds DB.mirror.sock;\n"
    "                       default: the sample event's database)\n"
    "  --connect HOST:PORT  a chair's --mirror-listen address instead\n"
    "  --token-file F       with --connect: the chair's DB.token file\n"
    "  --view full|clock    the chair's screen (default), or the current\n"
    "                       speaker's countdown in large digits\n"
    "  --once --json        print the mirrored state (as podium state) and\n"
    "                       exit\n"
    "  --raw                print the mirror stream (JSON Lines,\n"
    "                       docs/MIRROR.md) instead of drawing\n"
    "  -h, --help           show this help\n"
    "\n"
    "Remotely over SSH: ssh HOST podium mirror --db FILE\n";

/* podium mirror. */
int
cmd_mirror(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "event", required_argument, NULL, 'e' },
		{ "connect", required_argument, NULL, 'c' },
		{ "token-file", required_argument, NULL, 't' },
		{ "view", required_argument, NULL, 'v' },
		{ "once", no_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "raw", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct loop_mirror_options o = { 0 };
	const char *db_opt = NULL, *event_opt = NULL;
	char *event_path = NULL, *db_path = NULL, *cause = NULL;
	struct ui *ui = NULL;
	bool json = false;
	int c, rc;

	optind = 1;
	opterr = 0;  /* errors are ours: "podium: error: ..." */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'e': event_opt = optarg; break;
		case 'c': o.connect = optarg; break;
		case 't': o.token_file = optarg; break;
		case 'o': o.once = true; break;
		case 'j': json = true; break;
		case 'r': o.raw = true; break;
		case 'v':
			if (strcmp(optarg, "clock") == 0)
				o.clock_view = true;
			else if (strcmp(optarg, "full") != 0)
				return cli_error(CLI_USAGE, "--view takes full or clock, "
				    "not '%s'", optarg);
			break;
		case 'h':
			fputs(cmd_mirror_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(argv, "mirror");
		}
	}
	if (optind < argc)
		return cli_error(CLI_USAGE, "unexpected argument '%s'; see "
		    "podium mirror --help", argv[optind]);
	if (o.once != json)
		return cli_error(CLI_USAGE, "--once and --json go together: "
		    "podium mirror --once --json");
	if (o.once && o.raw)
		return cli_error(CLI_USAGE, "--raw and --once --json exclude each "
		    "other");
	if (o.connect != NULL && o.token_file == NULL)
		return cli_error(CLI_USAGE, "--connect needs --token-file (the "
		    "chair's DB.token)");
	if (o.connect == NULL) {
		if (cli_resolve_db(event_opt, db_opt, &event_path, &db_path,
		    &cause) != 0)
			return cli_fail(cause);
		o.db_path = db_path;
	}
	if (!o.once && !o.raw) {
		setlocale(LC_ALL, "");
		if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
			setlocale(LC_CTYPE, "C.UTF-8");
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			free(event_path);
			free(db_path);
			return cli_error(CLI_FAIL, "the mirror needs a terminal; "
			    "for tools use --once --json or --raw");
		}
		ui = ui_create(&cause);
		if (ui == NULL) {
			free(event_path);
			free(db_path);
			return cli_fail(cause);
		}
	}
	rc = loop_mirror_run(&o, ui, &cause);
	ui_destroy(ui);
	if (rc != 0)
		rc = cause != NULL ? (cli_error(rc, "%s", cause), rc) : rc;
	free(cause);
	free(event_path);
	free(db_path);
	return rc;
}
