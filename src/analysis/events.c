/*
 * Unprocessed entries of the crashed kernel's event log and PPR log.  The
 * driver zeroes each entry it has handled (errata 732 and 733), so a
 * non-zero entry was written after the kernel's last look: possibly after
 * the panic, by DMA that went on while nothing stopped the IOMMU.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/passes.h"

/* PPR log entry (the kernel's PPR_* macros on the first u64; the second u64
 * is the address): type 63:60, flags 59:48, PASID[19:16] 45:42, tag 41:32,
 * PASID[15:0] 31:16, devid 15:0. */
static void ppr_decode(const uint32_t w[4], struct amdvi_event *ev)
{
	uint64_t lo = (uint64_t)w[1] << 32 | w[0];

	memset(ev, 0, sizeof(*ev));
	memcpy(ev->raw, w, sizeof(ev->raw));
	ev->code = (unsigned)(lo >> 60) & 0xf;
	ev->known = ev->code == 1;	/* PPR_REQUEST */
	ev->flags = (uint16_t)((lo >> 48) & 0xfff);
	ev->devid = (uint16_t)(lo & 0xffff);
	ev->tag = (uint16_t)((lo >> 32) & 0x3ff);
	ev->ppr_pasid = (uint32_t)(((lo >> 42) & 0xf) << 16 | ((lo >> 16) & 0xffff));
	ev->address = (uint64_t)w[3] << 32 | w[2];
}

static void add_entries(struct analysis *a, int iommu, const uint8_t *log, size_t size, bool ppr)
{
	for (size_t off = 0; log && off + 16 <= size; off += 16) {
		uint32_t w[4];
		struct event_info *ev;

		memcpy(w, log + off, 16);
		if (amdvi_event_is_empty(w))
			continue;
		ev = realloc(a->events, (a->n_events + 1) * sizeof(*ev));
		if (!ev)
			return;
		a->events = ev;
		ev = &a->events[a->n_events++];
		ev->iommu = iommu;
		ev->ppr = ppr;
		ev->offset = (uint32_t)off;
		if (ppr)
			ppr_decode(w, &ev->ev);
		else
			amdvi_event_decode(w, &ev->ev);
	}
}

void pass_events(struct analysis *a)
{
	for (size_t i = 0; i < a->inv.n_iommus; i++) {
		const struct inv_iommu *io = &a->inv.iommus[i];

		if (a->opt.iommu >= 0 && io->index != a->opt.iommu)
			continue;
		add_entries(a, io->index, io->evt_log, io->evt_size, false);
		add_entries(a, io->index, io->ppr, io->ppr_size, true);
	}
}
