/*
 * intake-item.h -- what an intake request means for the session: the
 * action it becomes, with the theme suggested when the sender gave none
 * and the segment a floor request lands in. Shared by the intake server
 * and by `podium import` when no console runs, so both store the same.
 */
#ifndef PODIUM_INTAKE_ITEM_H
#define PODIUM_INTAKE_ITEM_H

#include "classify.h"
#include "intake-proto.h"
#include "model.h"
#include "session.h"

/*
 * Fill a session item from a parsed request (not a hello). The item
 * borrows the request's strings. classify may be NULL (no suggestion).
 */
void intake_item_init(struct session_item *it, const struct intake_request *r,
    const struct model *m, const struct classify *classify);

#endif /* PODIUM_INTAKE_ITEM_H */
