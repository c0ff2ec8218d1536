/* Reading the DMAR units and their invalidation queues (units.c). */
#ifndef IOMMU_INFLIGHT_BACKEND_VTD_UNITS_H
#define IOMMU_INFLIGHT_BACKEND_VTD_UNITS_H

#include "backend/vtd/state.h"
#include "core/problems.h"
#include "target/target.h"

/* Fills s->units; what cannot be read becomes a problem. */
void vtd_units_read(const struct target *t, struct vtd_state *s, struct problems *pb);
/* Sets s->active and s->inactive_reason from the units read. */
void vtd_units_presence(struct vtd_state *s);
void vtd_units_free(struct vtd_state *s);
/* The queue's descriptor `age` submissions back from free_head (0 = the
 * newest slot, free_head - 1): its slot, words and decode; false for an
 * all-zero (never written) slot. */
bool vtd_unit_queue_entry(const struct vtd_unit *u, unsigned age, unsigned *slot, uint64_t qw[4],
			  struct vtd_qi_desc *d);

#endif
