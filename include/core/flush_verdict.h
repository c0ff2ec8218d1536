/*
 * The answer to "was the IOMMU flushed before the capture kernel took
 * over?", one per unit and one for the machine, whatever the vendor: AMD-Vi
 * proves it with a COMPLETION_WAIT's store, VT-d with an invalidation wait
 * descriptor's status write.
 */
#ifndef IOMMU_INFLIGHT_CORE_FLUSH_VERDICT_H
#define IOMMU_INFLIGHT_CORE_FLUSH_VERDICT_H

#include <stdbool.h>

enum flush_verdict {
	FLUSH_NONE,			/* no flush after the kernel's last normal traffic */
	FLUSH_COMPLETED,		/* a full flush, then a completion store that reached memory */
	FLUSH_QUEUED_NOT_COMPLETED,	/* the flush is in the ring, its completion store never arrived */
	FLUSH_UNKNOWN,			/* evidence missing (ring unreadable, no tail...) */
	FLUSH_ABORTED,			/* VT-d: the flush's wait was aborted (invalidation time-out) */
};

/* "none", "completed", "queued-not-completed", "unknown", "aborted" */
const char *flush_verdict_name(enum flush_verdict v);

/* The machine's verdict from its units': a flush queued and not completed
 * on any unit wins, then an aborted one; completed only when every unit
 * completed; unknown (a unit's evidence missing, or whether there are
 * units at all) beats none. */
struct flush_tally {
	unsigned units;
	bool any_queued, any_aborted, any_unknown, all_completed;
};

void flush_tally_init(struct flush_tally *t);
void flush_tally_add(struct flush_tally *t, enum flush_verdict v);
enum flush_verdict flush_tally_verdict(const struct flush_tally *t);

#endif
