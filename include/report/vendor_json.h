/*
 * The vendor-specific parts of the JSON report: each backend's units in
 * "iommus", its devices' own keys, its flush evidence lines.  The core
 * report (json.c) calls them.
 */
#ifndef IOMMU_INFLIGHT_REPORT_VENDOR_JSON_H
#define IOMMU_INFLIGHT_REPORT_VENDOR_JSON_H

#include "core/analysis.h"
#include "report/json_writer.h"

/* VT-d (json_vtd.c) */
void json_vtd_units(struct jw *w, const struct analysis *a);
void json_vtd_device(struct jw *w, const struct analysis *a, const struct dev_info *d);
void json_vtd_flush_evidence(struct jw *w, const struct analysis *a);

#endif
