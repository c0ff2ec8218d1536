/*
 * The capture kernel's entries in a command ring it reused in place.
 *
 * Since 6.18 a kdump kernel remaps the crashed kernel's command buffer
 * instead of allocating its own, resets head and tail to 0 and queues its
 * boot-time invalidations from slot 0 up, so by the time makedumpfile runs
 * the dump's ring holds the capture kernel's commands over the crashed
 * kernel's oldest (or newest) ones.  The capture kernel gives itself away
 * by its COMPLETION_WAITs: they store to its own semaphore page (another
 * physical address than the crashed kernel's cmd_sem), or, when SNP makes
 * it reuse the old semaphore page too, they carry its own sequence numbers
 * counting 1, 2, 3... from slot 0.
 */
#ifndef IOMMU_INFLIGHT_BACKEND_AMDVI_RING_SPLIT_H
#define IOMMU_INFLIGHT_BACKEND_AMDVI_RING_SPLIT_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/amdvi/inventory.h"

struct ring_split {
	bool found;		/* the capture kernel wrote into this ring */
	bool whole_ring;	/* it went round the ring: no slot is the crashed kernel's */
	bool same_sem;		/* its COMPLETION_WAITs store to the crashed kernel's semaphore */
	uint32_t end;		/* slots at offsets [0, end) are its own */
	unsigned cws;		/* its COMPLETION_WAITs */
	uint64_t store_pa;	/* where they store */
	uint64_t first_seq, last_seq;
	char evidence[320];
};

/* Looks for the capture kernel's run of commands from slot 0 of the ring
 * in io->ring. */
void ring_split_find(const struct inv_iommu *io, uint64_t me_mask, struct ring_split *rs);

#endif
