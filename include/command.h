/*
 * command.h -- the chair's command table: every key of the console, what it
 * does, in which panes the footer shows it, and whether a read-only mirror
 * may use it. One table, dispatched in one function (app_command()); the
 * help overlay and the footer are drawn from it.
 */
#ifndef PODIUM_COMMAND_H
#define PODIUM_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

enum command_id {
	CMD_TOGGLE,
	CMD_NEXT_SPEAKER,
	CMD_ADD_TIME,
	CMD_REMOVE_TIME,
	CMD_SEGMENT_NEXT,
	CMD_SEGMENT_PREV,
	CMD_FOCUS_NEXT,
	CMD_FOCUS_PREV,
	CMD_SELECT_UP,
	CMD_SELECT_DOWN,
	CMD_PAGE_UP,
	CMD_PAGE_DOWN,
	CMD_MOVE_UP,
	CMD_MOVE_DOWN,
	CMD_FLOOR,
	CMD_WITHDRAW,
	CMD_UNDO,
	CMD_HELP,
	CMD_QUIT,
	CMD_APPROVE,   /* questions: approve the selected one */
	CMD_DISMISS,
	CMD_ON_AIR,
	CMD_ANSWERED,
	CMD_THEME,     /* questions: pick the selected one's theme */
	CMD_SEARCH,    /* questions: filter by a search */
	CMD_COUNT
};

/* Bits of command.panes: where the footer lists a command. */
#define COMMAND_PANE_AGENDA (1u << 0)
#define COMMAND_PANE_SPEAKERS (1u << 1)
#define COMMAND_PANE_QUESTIONS (1u << 2)
#define COMMAND_PANE_ALL 7u

/* One entry of the command table. */
struct command {
	enum command_id id;
	const char *keys;   /* as shown: "Space", "+", "Up/k" */
	const char *label;  /* short, for the footer: "start/pause" */
	const char *help;   /* one line, for the help overlay */
	unsigned panes;     /* COMMAND_PANE_* where the footer shows it */
	bool mirror_ok;     /* allowed in a read-only mirror */
};

extern const struct command command_table[];
extern const size_t command_count;

/* The table entry of a command id. */
const struct command *command_get(enum command_id id);

#endif /* PODIUM_COMMAND_H */
