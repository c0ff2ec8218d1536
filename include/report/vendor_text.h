/* The vendor-specific parts of the text report, called by text.c. */
#ifndef IOMMU_INFLIGHT_REPORT_VENDOR_TEXT_H
#define IOMMU_INFLIGHT_REPORT_VENDOR_TEXT_H

#include <stdio.h>

#include "core/analysis.h"

/* VT-d (text_vtd.c): the units' table, -r's invalidation queues, and a
 * device's context (and PASID) entry in one line for -t. */
void text_vtd_units(const struct analysis *a, FILE *out);
void text_vtd_queue(const struct analysis *a, FILE *out);
void text_vtd_context(const struct dev_info *d, char *buf, size_t len);

#endif
