/*
 * The Intel VT-d backend: dmar_drhd_units and each unit's struct
 * intel_iommu, the invalidation queue and its wait descriptors' status
 * words, the root, context and PASID tables, the second- and first-level
 * page tables.
 */
#include "backend/vtd/tables.h"
#include "backend/vtd/units.h"
#include "backend/vtd/walk.h"
#include "core/backend.h"
#include "core/passes.h"

static void vtd_read(const struct target *t, struct analysis *a)
{
	vtd_units_read(t, &a->vtd, &a->pb);
	vtd_units_presence(&a->vtd);
	vtd_devices_read(t, a);
	name_devices_fallback(t, a, IOMMU_VENDOR_INTEL);
}

static void vtd_tally_flush(const struct analysis *a, struct flush_tally *t)
{
	t->any_unknown |= a->vtd.units_unread;
	for (size_t i = 0; i < a->vtd.n_units; i++)
		flush_tally_add(t, a->vtd.units[i].verdict);
}

static void vtd_presence(const struct analysis *a, struct iommu_presence *p)
{
	p->has_units = a->vtd.n_units > 0;
	p->active = a->vtd.active;
	p->unknown = a->vtd.units_unread;
	p->reason = a->vtd.active || !a->vtd.n_units ? NULL : a->vtd.inactive_reason;
}

static void vtd_free(struct analysis *a)
{
	vtd_units_free(&a->vtd);
}

const struct iommu_backend vtd_backend = {
	.vendor = IOMMU_VENDOR_INTEL,
	.read = vtd_read,
	.walk_domain = vtd_walk_domain,
	.tally_flush = vtd_tally_flush,
	.presence = vtd_presence,
	.free = vtd_free,
};
