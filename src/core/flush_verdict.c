/* Names of the flush verdicts (include/core/flush_verdict.h). */
#include "core/flush_verdict.h"

const char *flush_verdict_name(enum flush_verdict v)
{
	switch (v) {
	case FLUSH_NONE:			return "none";
	case FLUSH_COMPLETED:			return "completed";
	case FLUSH_QUEUED_NOT_COMPLETED:	return "queued-not-completed";
	case FLUSH_UNKNOWN:			return "unknown";
	case FLUSH_ABORTED:			return "aborted";
	}
	return "?";
}

void flush_tally_init(struct flush_tally *t)
{
	*t = (struct flush_tally){ .all_completed = true };
}

void flush_tally_add(struct flush_tally *t, enum flush_verdict v)
{
	t->units++;
	t->any_queued |= v == FLUSH_QUEUED_NOT_COMPLETED;
	t->any_aborted |= v == FLUSH_ABORTED;
	t->any_unknown |= v == FLUSH_UNKNOWN;
	t->all_completed &= v == FLUSH_COMPLETED;
}

enum flush_verdict flush_tally_verdict(const struct flush_tally *t)
{
	if (t->any_queued)
		return FLUSH_QUEUED_NOT_COMPLETED;
	if (t->any_aborted)
		return FLUSH_ABORTED;
	if (t->units && t->all_completed)
		return FLUSH_COMPLETED;
	return t->any_unknown ? FLUSH_UNKNOWN : FLUSH_NONE;
}
