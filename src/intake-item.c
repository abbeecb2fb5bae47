/*
 * intake-item.c -- intake requests as session items.
 *
 * A question without a theme gets the classifier's suggestion (marked
 * theme_auto); a sender-given theme is kept as sent (the model refuses an
 * unknown key). A floor request without a segment goes to the current
 * segment, or before the start to the first discussion segment (the first
 * with a theme), where registrations asking the floor belong.
 */
#include "intake-item.h"

#include <string.h>

/* The segment a floor request without one goes to (-1: the current one). */
static int
intake_item_floor_segment(const struct model *m, int given)
{
	if (given >= 0)
		return given;
	if (m->current_segment >= 0)
		return -1;
	for (size_t i = 0; i < m->event->nsegments; i++) {
		if (m->event->segments[i].theme != NULL)
			return (int)i;
	}
	return -1;
}

/* Fill a session item from a parsed request (not a hello). */
void
intake_item_init(struct session_item *it, const struct intake_request *r,
    const struct model *m, const struct classify *classify)
{
	struct model_action *a = &it->action;
	double confidence;

	memset(it, 0, sizeof *it);
	it->ext_id = r->ext_id;
	switch (r->type) {
	case INTAKE_QUESTION:
		a->type = MODEL_ACTION_QUESTION_ADD;
		a->question.ext_id = r->ext_id;
		a->question.text = r->text;
		a->question.from = r->from;
		a->question.org = r->org;
		a->question.country = r->country;
		a->question.lang = r->lang;
		if (r->theme != NULL) {
			a->question.theme = r->theme;
		} else if (classify != NULL) {
			a->question.theme = classify_text(classify, r->text,
			    r->lang, &confidence);
			a->question.theme_auto = true;
		}
		break;
	case INTAKE_FLOOR:
		a->type = MODEL_ACTION_SPEAKER_ADD;
		a->speaker.name = r->name;
		a->speaker.org = r->org;
		a->speaker.lang = r->lang;
		a->speaker.seconds = r->seconds;
		a->speaker.segment = intake_item_floor_segment(m, r->segment);
		break;
	case INTAKE_VOTE:
		a->type = MODEL_ACTION_QUESTION_VOTE;
		a->target = r->question;
		it->ext_id = NULL;  /* every vote counts */
		break;
	case INTAKE_HELLO:
		break;
	}
}
