/*
 * Unprocessed entries of the crashed kernel's event log and PPR log.  The
 * driver zeroes each entry it has handled (errata 732 and 733), so a
 * non-zero entry was written after the kernel's last look: possibly after
 * the panic, by DMA that went on while nothing stopped the IOMMU.
 */
#include <stdlib.h>
#include <string.h>

#include "core/passes.h"

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
		ev = realloc(a->amd.events, (a->amd.n_events + 1) * sizeof(*ev));
		if (!ev)
			return;
		a->amd.events = ev;
		ev = &a->amd.events[a->amd.n_events++];
		ev->iommu = iommu;
		ev->ppr = ppr;
		ev->offset = (uint32_t)off;
		if (ppr)
			ppr_decode(w, &ev->ev);
		else
			amdvi_event_decode(w, &ev->ev);
	}
}

const char *event_owner_name(enum event_owner o)
{
	switch (o) {
	case EVENT_CRASHED:	return "crashed";
	case EVENT_CAPTURE:	return "capture";
	case EVENT_EITHER:	return "either";
	}
	return "?";
}

/* The capture kernel logged this very event (same device and address). */
static bool logged_by_capture(const struct analysis *a, const struct amdvi_event *ev)
{
	for (size_t i = 0; i < a->n_corr; i++) {
		const struct corr_info *c = &a->corr[i];

		if (!strcmp(c->source, "capture") && (c->rec.has & KLOG_HAS_ADDRESS) &&
		    (uint16_t)(c->rec.bus << 8 | c->rec.dev << 3 | c->rec.fn) == ev->devid &&
		    c->rec.address == ev->address)
			return true;
	}
	return false;
}

/* A 6.18+ capture kernel that reused the event log in place zeroed its
 * head and tail and wrote its own events from offset 0 (and, without SNP,
 * zeroed each one it printed).  Its entries are told apart by its own log
 * (the same event printed there, or among the first N slots for the N
 * faults it logged); the rest may be either kernel's. */
static void own_events(struct analysis *a, size_t first, bool reused, const char *why)
{
	for (size_t i = first; i < a->amd.n_events; i++) {
		struct event_info *e = &a->amd.events[i];

		if (e->ppr || !reused) {
			e->owner = EVENT_CRASHED;	/* the PPR log is always new */
			e->owner_why = e->ppr ? "the PPR log is never reused" : "the event log was not reused";
		} else if (logged_by_capture(a, &e->ev)) {
			e->owner = EVENT_CAPTURE;
			e->owner_why = "the capture kernel's log prints this event";
		} else if (a->capture_log_read && e->offset < a->capture_faults * 16) {
			e->owner = EVENT_CAPTURE;
			e->owner_why = "within the slots the capture kernel's logged faults filled from offset 0";
		} else {
			e->owner = EVENT_EITHER;
			e->owner_why = why;
		}
	}
}

void pass_events(struct analysis *a)
{
	for (size_t i = 0; i < a->amd.inv.n_iommus; i++) {
		const struct inv_iommu *io = &a->amd.inv.iommus[i];

		if (a->opt.iommu >= 0 && io->index != a->opt.iommu)
			continue;
		size_t first = a->amd.n_events;
		bool ring_reused = a->amd.rings && a->amd.rings[i].split.found;

		add_entries(a, io->index, io->evt_log, io->evt_size, false);
		add_entries(a, io->index, io->ppr, io->ppr_size, true);
		own_events(a, first, a->kdump_evt_reused || ring_reused,
			   a->kdump_evt_reused ? "the capture kernel's log says it reused the event buffer"
			   : "the capture kernel reused this IOMMU's command ring in place, so likely its event log too");
	}
}
