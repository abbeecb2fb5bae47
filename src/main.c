/*
 * main.c -- podium's entry point: global options, then one command.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"

static const char main_usage[] =
    "usage: podium [COMMAND] [OPTIONS]\n"
    "\n"
    "A terminal console for chairing a live, time-boxed, multilingual\n"
    "session: agenda, speaker queue with countdowns, audience questions.\n"
    "\n"
    "commands:\n"
    "  chair      the chair console (the default command)\n"
    "  rehearse   play the session on a simulated clock\n"
    "  state      print the state of a session database as JSON\n"
    "  mirror     read-only co-host view of a running console\n"
    "  ask        send a question to a running console\n"
    "  import     import a registration CSV export\n"
    "  export     write the session record (md, csv, json or svg)\n"
    "  verify     check the journal's hash chain and the database\n"
    "\n"
    "options:\n"
    "  -h, --help     show this help; podium COMMAND --help for a command\n"
    "  --version      print the version\n"
    "\n"
    "Start here: podium rehearse --speed 20\n";

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (cmd == NULL || cmd[0] == '-') {
		if (cmd != NULL && (strcmp(cmd, "--help") == 0 ||
		    strcmp(cmd, "-h") == 0)) {
			fputs(main_usage, stdout);
			return CLI_OK;
		}
		if (cmd != NULL && strcmp(cmd, "--version") == 0) {
			printf("podium %s\n", PODIUM_VERSION);
			return CLI_OK;
		}
		return cmd_chair(argc, argv, false);
	}
	if (strcmp(cmd, "chair") == 0)
		return cmd_chair(argc - 1, argv + 1, false);
	if (strcmp(cmd, "rehearse") == 0)
		return cmd_chair(argc - 1, argv + 1, true);
	if (strcmp(cmd, "state") == 0)
		return cmd_state(argc - 1, argv + 1);
	if (strcmp(cmd, "mirror") == 0)
		return cmd_mirror(argc - 1, argv + 1);
	if (strcmp(cmd, "ask") == 0)
		return cmd_ask(argc - 1, argv + 1);
	if (strcmp(cmd, "import") == 0)
		return cmd_import(argc - 1, argv + 1);
	if (strcmp(cmd, "export") == 0)
		return cmd_export(argc - 1, argv + 1);
	if (strcmp(cmd, "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(cmd, "help") == 0) {
		fputs(main_usage, stdout);
		return CLI_OK;
	}
	return cli_error(CLI_USAGE, "unknown command '%s'; podium --help lists "
	    "the commands", cmd);
}
