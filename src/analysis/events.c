/*
 * Unprocessed entries of the crashed kernel's event log.  The driver zeroes
 * each entry it has handled (erratum 732), so a non-zero entry was written
 * after the kernel's last look: possibly after the panic, by DMA that went
 * on while nothing stopped the IOMMU.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/passes.h"

void pass_events(struct analysis *a)
{
	for (size_t i = 0; i < a->inv.n_iommus; i++) {
		const struct inv_iommu *io = &a->inv.iommus[i];

		if (a->opt.iommu >= 0 && io->index != a->opt.iommu)
			continue;
		for (size_t off = 0; io->evt_log && off + 16 <= io->evt_size; off += 16) {
			uint32_t w[4];
			struct event_info *ev;

			memcpy(w, io->evt_log + off, 16);
			if (amdvi_event_is_empty(w))
				continue;
			ev = realloc(a->events, (a->n_events + 1) * sizeof(*ev));
			if (!ev)
				return;
			a->events = ev;
			ev = &a->events[a->n_events++];
			ev->iommu = io->index;
			ev->offset = (uint32_t)off;
			amdvi_event_decode(w, &ev->ev);
		}
	}
}
