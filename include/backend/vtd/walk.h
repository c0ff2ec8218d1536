/* Walking VT-d second- and first-level page tables (walk.c). */
#ifndef IOMMU_INFLIGHT_BACKEND_VTD_WALK_H
#define IOMMU_INFLIGHT_BACKEND_VTD_WALK_H

#include <stdio.h>

#include "core/analysis.h"

extern const struct iopt_format vtd_sl_format, vtd_fl_format;

void vtd_walk_domain(const struct target *t, struct analysis *a, struct domain_info *dom,
		     iopt_extent_fn fn, void *arg);

#endif
