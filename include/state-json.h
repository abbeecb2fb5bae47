/*
 * state-json.h -- the state of a session as the JSON of SPEC section 8,
 * computed at a given moment. Used by `podium state` and, later, by the
 * mirror's --once --json, so both print the same thing.
 */
#ifndef PODIUM_STATE_JSON_H
#define PODIUM_STATE_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "model.h"

/* Build the state object of a model at time now (a new reference). */
json_t *state_json(const struct model *m, struct model_time now,
    bool rehearsal);

#endif /* PODIUM_STATE_JSON_H */
