/*
 * cmd-ask.c -- `podium ask TEXT`: send one question to a running console
 * over the intake protocol and print the id it was stored under.
 */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "intake-client.h"

static const char cmd_ask_usage[] =
    "usage: podium ask [OPTIONS] TEXT\n"
    "\n"
    "Send one question to a running chair console and print its stored id.\n"
    "\n"
    "  --db FILE            the console's database (finds DB.intake.sock;\n"
    "                       default: the sample event's database)\n"
    "  --connect HOST:PORT  a console's --intake-listen address instead\n"
    "  --token-file FILE    the DB.token file, required with --connect\n"
    "  --from NAME, --org ORG, --country COUNTRY, --lang CODE\n"
    "  --theme KEY          the question's theme (default: suggested)\n"
    "  --id ID              your own id for it: sending the same id again\n"
    "                       stores nothing new and prints the same stored id\n"
    "  -h, --help           show this help\n";

/* podium ask. */
int
cmd_ask(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "event", required_argument, NULL, 'e' },
		{ "connect", required_argument, NULL, 'c' },
		{ "token-file", required_argument, NULL, 't' },
		{ "from", required_argument, NULL, 'f' },
		{ "org", required_argument, NULL, 'o' },
		{ "country", required_argument, NULL, 'y' },
		{ "lang", required_argument, NULL, 'l' },
		{ "theme", required_argument, NULL, 'T' },
		{ "id", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct intake_client_target target = { 0 };
	const char *db_opt = NULL, *event_opt = NULL;
	const char *fields[][2] = { { "from", NULL }, { "org", NULL },
		{ "country", NULL }, { "lang", NULL }, { "theme", NULL },
		{ "id", NULL } };
	char *event_path = NULL, *db_path = NULL, *cause = NULL, *line = NULL;
	char *error = NULL;
	struct intake_client *client = NULL;
	json_t *req;
	bool absent, ok;
	int64_t id;
	int c, rc = CLI_FAIL;

	optind = 1;
	opterr = 0;  /* errors are ours: "podium: error: ..." */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db_opt = optarg; break;
		case 'e': event_opt = optarg; break;
		case 'c': target.connect = optarg; break;
		case 't': target.token_file = optarg; break;
		case 'f': fields[0][1] = optarg; break;
		case 'o': fields[1][1] = optarg; break;
		case 'y': fields[2][1] = optarg; break;
		case 'l': fields[3][1] = optarg; break;
		case 'T': fields[4][1] = optarg; break;
		case 'i': fields[5][1] = optarg; break;
		case 'h':
			fputs(cmd_ask_usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(argv, "ask");
		}
	}
	if (optind != argc - 1)
		return cli_error(CLI_USAGE, "podium ask takes the question text "
		    "as one argument (quote it); see podium ask --help");
	req = json_pack("{s:s}", "type", "question");
	if (json_object_set_new(req, "text", json_string(argv[optind])) != 0) {
		json_decref(req);
		return cli_error(CLI_USAGE, "the question text is not valid "
		    "UTF-8");
	}
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (fields[i][1] != NULL && json_object_set_new(req, fields[i][0],
		    json_string(fields[i][1])) != 0) {
			json_decref(req);
			return cli_error(CLI_USAGE, "--%s is not valid UTF-8",
			    fields[i][0]);
		}
	}
	line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (target.connect == NULL) {
		if (cli_resolve_db(event_opt, db_opt, &event_path, &db_path,
		    &cause) != 0) {
			rc = cli_fail(cause);
			goto out;
		}
		target.db_path = db_path;
	}
	client = intake_client_connect(&target, &absent, &cause);
	if (client == NULL) {
		rc = cli_fail(cause);
		goto out;
	}
	if (intake_client_send(client, line, strlen(line), &cause) != 0 ||
	    intake_client_reply(client, &ok, &id, &error, &cause) != 0) {
		rc = cli_fail(cause);
		goto out;
	}
	if (!ok) {
		rc = cli_error(CLI_FAIL, "the console refused the question: %s",
		    error);
		goto out;
	}
	printf("%" PRId64 "\n", id);
	rc = CLI_OK;
out:
	intake_client_close(client);
	free(error);
	free(line);
	free(event_path);
	free(db_path);
	return rc;
}
