/*
 * command.c -- the command table: every key the console understands.
 *
 * The console (app.c) maps a key to an entry here and dispatches it in one
 * function; the footer and the help overlay are drawn from this table, and
 * a read-only mirror refuses every entry whose mirror_ok is false.
 */
#include "command.h"

#define A COMMAND_PANE_AGENDA
#define S COMMAND_PANE_SPEAKERS
#define Q COMMAND_PANE_QUESTIONS

const struct command command_table[] = {
	{ CMD_TOGGLE, "Space", "start/pause",
	  "start or pause the current speaker's countdown", A | S, false },
	{ CMD_NEXT_SPEAKER, "n", "next speaker",
	  "current speaker done; the next queued speaker becomes current",
	  A | S, false },
	{ CMD_ADD_TIME, "+", "+30s", "give the current speaker 30 more seconds",
	  S, false },
	{ CMD_REMOVE_TIME, "-", "-30s", "take 30 seconds from the current speaker",
	  S, false },
	{ CMD_SEGMENT_NEXT, "]", "next segment",
	  "end this agenda segment and start the next", A | S, false },
	{ CMD_SEGMENT_PREV, "[", "prev segment",
	  "go back to the previous agenda segment", A, false },
	{ CMD_FOCUS_NEXT, "Tab", "pane", "focus the next pane", COMMAND_PANE_ALL,
	  true },
	{ CMD_FOCUS_PREV, "S-Tab", "pane back", "focus the previous pane", 0,
	  true },
	{ CMD_SELECT_UP, "Up/k", "up", "move the selection up", 0, true },
	{ CMD_SELECT_DOWN, "Down/j", "down", "move the selection down", 0, true },
	{ CMD_PAGE_UP, "PgUp", "page up", "move the selection one page up", 0,
	  true },
	{ CMD_PAGE_DOWN, "PgDn", "page down", "move the selection one page down",
	  0, true },
	{ CMD_MOVE_UP, "K", "move up",
	  "move the selected queued speaker up the queue", S, false },
	{ CMD_MOVE_DOWN, "J", "move down",
	  "move the selected queued speaker down the queue", S, false },
	{ CMD_FLOOR, "f", "add speaker",
	  "add a speaker (floor request) to the listed segment's queue", S,
	  false },
	{ CMD_WITHDRAW, "w", "withdraw",
	  "withdraw the selected queued speaker", S, false },
	{ CMD_APPROVE, "a", "approve",
	  "approve the selected question (new or dismissed)", Q, false },
	{ CMD_DISMISS, "d", "dismiss", "dismiss the selected question", Q,
	  false },
	{ CMD_ON_AIR, "o", "on air",
	  "put the selected question on air; the one on air is answered", Q,
	  false },
	{ CMD_ANSWERED, "x", "answered",
	  "mark the selected question answered", Q, false },
	{ CMD_THEME, "t", "theme",
	  "change the selected question's theme (a picker opens)", Q, false },
	{ CMD_SEARCH, "/", "search",
	  "search questions: text, sender, organisation, country", Q, true },
	{ CMD_UNDO, "u", "undo", "undo the last chair action (several levels)",
	  COMMAND_PANE_ALL, false },
	{ CMD_HELP, "?", "help", "show every key", COMMAND_PANE_ALL, true },
	{ CMD_QUIT, "q", "quit",
	  "quit (asks to confirm while a countdown runs)", COMMAND_PANE_ALL,
	  true },
};

const size_t command_count = sizeof command_table / sizeof command_table[0];

/* The table entry of a command id. */
const struct command *
command_get(enum command_id id)
{
	for (size_t i = 0; i < command_count; i++) {
		if (command_table[i].id == id)
			return &command_table[i];
	}
	return NULL;
}
