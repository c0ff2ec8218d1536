/* Root, context and PASID tables of every DMAR unit -> devices and
 * domains (tables.c). */
#ifndef IOMMU_INFLIGHT_BACKEND_VTD_TABLES_H
#define IOMMU_INFLIGHT_BACKEND_VTD_TABLES_H

#include "core/analysis.h"

void vtd_devices_read(const struct target *t, struct analysis *a);

#endif
