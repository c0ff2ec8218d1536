/* The core's device list: one entry per device a backend found, whatever
 * the vendor, filtered by the options (-i, -d). */
#include <stdlib.h>
#include <string.h>

#include "core/passes.h"

static bool wanted(const struct analysis_options *opt, uint16_t seg, uint16_t devid, int iommu)
{
	if (opt->iommu >= 0 && iommu != opt->iommu)
		return false;
	if (opt->devid >= 0 && (devid != opt->devid || (opt->segment >= 0 && seg != opt->segment)))
		return false;
	return true;
}

struct dev_info *analysis_new_dev(struct analysis *a, enum iommu_vendor vendor, uint16_t segment,
				  uint16_t devid, int iommu)
{
	struct dev_info *di;

	if (!wanted(&a->opt, segment, devid, iommu))
		return NULL;
	if (a->n_devs == a->devs_cap) {
		size_t cap = a->devs_cap ? a->devs_cap * 2 : 64;

		di = realloc(a->devs, cap * sizeof(*di));
		if (!di) {
			problem_add(&a->pb, PROBLEM_LIMIT, "devices", "out of memory for %zu devices", cap);
			return NULL;
		}
		a->devs = di;
		a->devs_cap = cap;
	}
	di = &a->devs[a->n_devs++];
	memset(di, 0, sizeof(*di));
	di->vendor = vendor;
	di->segment = segment;
	di->devid = devid;
	di->iommu = iommu;
	return di;
}

bool analysis_dev_uses_domain(const struct dev_info *d, const struct domain_info *dom)
{
	if (d->vendor != dom->vendor || d->segment != dom->segment)
		return false;
	if (d->vendor == IOMMU_VENDOR_INTEL)
		return d->vtd.cls == VTD_DEV_TRANSLATED && d->vtd.unit == dom->unit && d->vtd.did == dom->domid;
	return (d->cls == AMDVI_DTE_TRANSLATED || d->cls == AMDVI_DTE_GUEST) && d->dte.domid == dom->domid;
}
