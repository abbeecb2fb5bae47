/*
 * action-codec.h -- actions to and from journal rows: the arguments of a
 * struct model_action as a JSON object, and a decoded row that owns its
 * strings so it can be replayed any number of times.
 */
#ifndef PODIUM_ACTION_CODEC_H
#define PODIUM_ACTION_CODEC_H

#include <stdbool.h>

#include "model.h"
#include "store.h"

/*
 * A journal row decoded: the action, its bookkeeping, and one block that
 * owns every string of both (a session keeps 100,000 of these, so one
 * allocation per row instead of eleven).
 */
struct action_record {
	struct model_action action; /* its strings point into strings */
	const char *ext_id;         /* the row's ext_id column, in strings */
	const char *origin;         /* in strings */
	char *strings;              /* block, NUL-separated: owned, or */
	bool in_slab;               /* in a slab, which frees it */
	bool undone;
};

/*
 * Where records decoded in bulk (a journal loading) keep their strings:
 * large chunks handed out in order and freed together, saving an
 * allocation and its overhead per record.
 */
struct action_codec_slab;

/* An empty slab. */
struct action_codec_slab *action_codec_slab_create(void);

/* Free a slab and every string in it; NULL is fine. */
void action_codec_slab_destroy(struct action_codec_slab *slab);

/* The arguments of an action as JSON object text (malloc'd). */
char *action_codec_encode(const struct model_action *a);

/*
 * Decode a journal row, its strings kept in slab (NULL: a block of the
 * record's own); -1 with *cause if it is not a valid action.
 */
int action_codec_decode(const struct store_row *row, struct action_record *out,
    struct action_codec_slab *slab, char **cause);

/* Fill a record from an action and the row's ext_id, copying the strings. */
void action_codec_copy(const struct model_action *a, const char *origin,
    const char *ext_id, struct action_record *out);

/* Free the strings a record owns (not the record itself). */
void action_codec_finish(struct action_record *r);

#endif /* PODIUM_ACTION_CODEC_H */
