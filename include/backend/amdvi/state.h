/*
 * What the AMD-Vi backend keeps of one analysis: the kernel's layout as
 * probed, the inventory read from RAM (IOMMUs, rings, device tables), the
 * command-ring reports with their flush verdicts, and the unprocessed
 * event-log and PPR-log entries.  The vendor-neutral core (devices,
 * domains, extents, correlation) lives in struct analysis beside it.
 */
#ifndef IOMMU_INFLIGHT_BACKEND_AMDVI_STATE_H
#define IOMMU_INFLIGHT_BACKEND_AMDVI_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "amdvi/event.h"
#include "backend/amdvi/cmd_ring.h"
#include "backend/amdvi/inventory.h"
#include "backend/amdvi/layout.h"

/* A non-zero (unprocessed) entry of an old event log or PPR log.  For a PPR
 * entry, ev holds: code = request type (1 = PPR_REQUEST), devid, flags,
 * address, ppr_pasid, tag. */
enum event_owner {
	EVENT_CRASHED,			/* the crashed kernel's log, not reused: written after its last look */
	EVENT_CAPTURE,			/* the capture kernel's, in a log it reused in place */
	EVENT_EITHER,			/* a reused log: the crashed kernel's or the capture kernel's */
};

const char *event_owner_name(enum event_owner o);

struct event_info {
	int iommu;
	enum event_owner owner;
	const char *owner_why;		/* how the owner was decided */
	bool ppr;			/* from the PPR log, not the event log */
	uint32_t offset;
	struct amdvi_event ev;
};

struct amdvi_state {
	struct layout lay;
	struct inventory inv;
	struct cmd_ring_report *rings;	/* one per inventory IOMMU */
	struct event_info *events;
	size_t n_events;
};

#endif
