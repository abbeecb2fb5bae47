/*
 * cmd-chair.c -- `podium [chair]` and `podium rehearse`: take the chair
 * lock of the database, open the session, take over the terminal and run
 * the console until it quits. Rehearsal without --db works on a scratch
 * database that is removed when the console quits.
 */
#include "cli.h"

#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "lock.h"
#include "loop-chair.h"
#include "replay.h"
#include "session.h"
#include "token.h"
#include "ui.h"

#define CMD_CHAIR_SPEED_MAX 1000.0

static const char cmd_chair_usage[] =
    "usage: podium [chair] [--event FILE] [--db FILE]\n"
    "\n"
    "The chair console: agenda, speaker queue with countdowns, questions.\n"
    "Every action is saved before it is shown done; restart on the same\n"
    "database after a crash and the session is where it was.\n"
    "\n"
    "  --event FILE   the event (default: the shipped sample event); read\n"
    "                 when the database is created, then kept in it\n"
    "  --db FILE      the session database (default: one per event under\n"
    "                 $XDG_DATA_HOME/podium/, e.g. ~/.local/share/podium/)\n"
    "  --intake-listen HOST:PORT\n"
    "                 also take intake over TCP at exactly this address;\n"
    "                 clients must present the token in DB.token\n"
    "  --mirror-listen HOST:PORT\n"
    "                 also serve read-only mirrors over TCP at exactly\n"
    "                 this address (podium mirror --connect, with the\n"
    "                 token in DB.token)\n"
    "\n"
    "Co-hosts watch with `podium mirror --db DB` (DB.mirror.sock).\n"
    "Questions and floor requests arrive on DB.intake.sock (podium ask,\n"
    "podium import, or any program speaking docs/INTAKE.md).\n"
    "  -h, --help     show this help\n"
    "\n"
    "Keys: press ? in the console for the full list.\n";

static const char cmd_rehearse_usage[] =
    "usage: podium rehearse [--speed X] [--event FILE] [--db FILE]\n"
    "\n"
    "Play the session on a simulated clock that starts at the event's\n"
    "start, with the first segment current. Always shows REHEARSAL.\n"
    "\n"
    "  --speed X      simulated seconds per real second, 0 < X <= 1000\n"
    "                 (default 1)\n"
    "  --event FILE   the event (default: the shipped sample event)\n"
    "  --db FILE      keep the rehearsal in FILE; an existing rehearsal\n"
    "                 database resumes where it stopped (default: a scratch\n"
    "                 database, removed on quit)\n"
    "  --questions FILE  questions and floor requests to replay at their\n"
    "                 \"at\" offsets (default: the shipped sample questions;\n"
    "                 --questions none replays nothing)\n"
    "  -h, --help     show this help\n";

/* Make sure text is decoded as UTF-8 whatever the environment says. */
static int
cmd_chair_locale(void)
{
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		return 0;
	if (setlocale(LC_CTYPE, "C.UTF-8") != NULL &&
	    strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		return 0;
	return cli_error(CLI_FAIL, "the console needs a UTF-8 locale and none "
	    "is available; install one (e.g. locales, C.UTF-8) and set LANG");
}

/* Remove a scratch rehearsal database and its directory. */
static void
cmd_chair_remove_scratch(const char *dir, const char *db)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", ".lock",
		"-journal", ".token", ".intake.sock", ".mirror.sock" };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(path, sizeof path, "%s%s", db, suffixes[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* podium [chair] and podium rehearse. */
int
cmd_chair(int argc, char **argv, bool rehearse)
{
	static const struct option opts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "db", required_argument, NULL, 'd' },
		{ "speed", required_argument, NULL, 's' },
		{ "questions", required_argument, NULL, 'q' },
		{ "mirror-listen", required_argument, NULL, 'm' },
		{ "intake-listen", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *usage = rehearse ? cmd_rehearse_usage : cmd_chair_usage;
	const char *event_opt = NULL, *db_opt = NULL, *questions_opt = NULL;
	const char *intake_tcp = NULL, *mirror_tcp = NULL;
	char *questions_path = NULL, *intake_sock = NULL, *token = NULL;
	char *mirror_sock = NULL;
	struct replay *replay = NULL;
	struct loop_chair_options lo;
	char *event_path = NULL, *db_path = NULL, *cause = NULL;
	char scratch_dir[PATH_MAX - 64] = "", scratch_db[PATH_MAX] = "";
	struct session_options so = { 0 };
	struct session *s = NULL;
	struct ui *ui = NULL;
	struct app *app = NULL;
	double speed = 1.0;
	int c, lock = -1, rc = CLI_FAIL;

	optind = 1;
	opterr = 0;  /* errors are ours: "podium: error: ..." */
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			event_opt = optarg;
			break;
		case 'd':
			db_opt = optarg;
			break;
		case 's':
			if (!rehearse)
				return cli_error(CLI_USAGE, "--speed is for podium "
				    "rehearse; the live console runs in real time");
			if (!cli_parse_speed(optarg, CMD_CHAIR_SPEED_MAX, &speed))
				return cli_error(CLI_USAGE, "--speed '%s' is not a "
				    "number between 0 and %g (e.g. 20)", optarg,
				    CMD_CHAIR_SPEED_MAX);
			break;
		case 'q':
			if (!rehearse)
				return cli_error(CLI_USAGE, "--questions is for "
				    "podium rehearse");
			questions_opt = optarg;
			break;
		case 'i':
			intake_tcp = optarg;
			break;
		case 'm':
			mirror_tcp = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return CLI_OK;
		default:
			return cli_bad_option(argv, (rehearse ? "rehearse" : "chair"));
		}
	}
	if (optind < argc)
		return cli_error(CLI_USAGE, "unexpected argument '%s'; see "
		    "podium %s --help", argv[optind],
		    rehearse ? "rehearse" : "chair");
	if (cmd_chair_locale() != 0)
		return CLI_FAIL;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cli_error(CLI_FAIL, "the console needs a terminal on "
		    "standard input and output; for a machine-readable view use "
		    "`podium state`");

	if (rehearse && db_opt == NULL) {
		const char *tmp = getenv("TMPDIR");

		snprintf(scratch_dir, sizeof scratch_dir,
		    "%s/podium-rehearsal-XXXXXX",
		    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
		if (mkdtemp(scratch_dir) == NULL) {
			rc = cli_error(CLI_FAIL, "cannot create a scratch directory "
			    "in %s: %m; set TMPDIR or give --db FILE",
			    tmp != NULL ? tmp : "/tmp");
			goto out;
		}
		snprintf(scratch_db, sizeof scratch_db, "%s/rehearsal.db",
		    scratch_dir);
		db_opt = scratch_db;
	}
	if (cli_resolve_db(event_opt, db_opt, &event_path, &db_path,
	    &cause) != 0) {
		rc = cli_fail(cause);
		goto out;
	}
	lock = lock_acquire(db_path, &cause);
	if (lock < 0) {
		rc = cli_fail(cause);
		goto out;
	}
	so.db_path = db_path;
	so.event_path = event_path;
	so.writable = true;
	so.rehearsal = rehearse;
	so.speed = speed;
	if (session_open(&s, &so, &cause) != 0) {
		rc = cli_fail(cause);
		goto out;
	}
	if (rehearse && (questions_opt == NULL ||
	    strcmp(questions_opt, "none") != 0)) {
		if (questions_opt != NULL)
			questions_path = strdup(questions_opt);
		else
			questions_path = session_sample_event("questions.jsonl",
			    &cause);
		if (questions_path == NULL ||
		    (replay = replay_load(questions_path, &cause)) == NULL) {
			rc = cli_fail(cause);
			goto out;
		}
	}
	if (replay != NULL)
		replay->resumed = !s->created;
	token = token_load_or_create(db_path, &cause);
	if (token == NULL) {
		rc = cli_fail(cause);
		goto out;
	}
	if (asprintf(&intake_sock, "%s.intake.sock", db_path) < 0 ||
	    asprintf(&mirror_sock, "%s.mirror.sock", db_path) < 0)
		abort();
	ui = ui_create(&cause);
	if (ui == NULL) {
		rc = cli_fail(cause);
		goto out;
	}
	app = app_create(s, ui);
	memset(&lo, 0, sizeof lo);
	lo.session = s;
	lo.intake_unix = intake_sock;
	lo.intake_tcp = intake_tcp;
	lo.token = token;
	lo.replay = replay;
	lo.mirror_unix = mirror_sock;
	lo.mirror_tcp = mirror_tcp;
	if (loop_chair_run(app, STDIN_FILENO, &lo, &cause) != 0) {
		app_destroy(app);
		app = NULL;
		ui_destroy(ui);
		ui = NULL;
		rc = cli_fail(cause);
		goto out;
	}
	rc = CLI_OK;

out:
	app_destroy(app);
	ui_destroy(ui);
	session_close(s);
	lock_release(lock);
	if (scratch_dir[0] != '\0')
		cmd_chair_remove_scratch(scratch_dir, scratch_db);
	replay_destroy(replay);
	free(questions_path);
	free(intake_sock);
	free(mirror_sock);
	free(token);
	free(event_path);
	free(db_path);
	return rc;
}
