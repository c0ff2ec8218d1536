/* The passes analysis_run() calls, in order (internal to the engine: src/core and the backends). */
#ifndef IOMMU_INFLIGHT_CORE_PASSES_H
#define IOMMU_INFLIGHT_CORE_PASSES_H

#include "core/analysis.h"

void pass_devices(const struct target *t, struct analysis *a);		/* devices.c */
void pass_crashed_view(const struct target *t, struct analysis *a);	/* crashed_view.c */
void pass_domains(struct analysis *a);					/* devices.c */
void name_devices(const struct target *t, struct analysis *a,		/* device_names.c */
		  const struct inv_segment *seg);
/* Names the devices of a vendor that have no name yet from the PCI bus
 * list (device_names.c). */
void name_devices_fallback(const struct target *t, struct analysis *a, enum iommu_vendor vendor);
/* A new, zeroed device of a vendor's (devices.c); NULL when the options
 * leave it out (-d, -i) or memory runs out (a problem says so). */
struct dev_info *analysis_new_dev(struct analysis *a, enum iommu_vendor vendor, uint16_t segment,
				  uint16_t devid, int iommu);
struct dev_info *analysis_find_dev(struct analysis *a, uint16_t segment, uint16_t devid);
/* A new device for the DTE at devid of segment seg (devices.c); NULL when
 * the options leave it out (-d, --iommu) or memory runs out. */
struct dev_info *analysis_add_dev(struct analysis *a, const struct inv_segment *seg, uint16_t devid,
				  const struct amdvi_dte *dte);
void pass_mappings(const struct target *t, struct analysis *a);		/* mappings.c */
void pass_flush_queues(const struct target *t, struct analysis *a);	/* flush_queues.c */
void pass_events(struct analysis *a);					/* events.c */
void pass_logs(struct analysis *a);					/* correlate.c: before the walks */
/* unit_key: 0 for AMD-Vi domains, 1 + the unit for VT-d's (their IDs are
 * per unit). */
void correlate_domain_start(struct analysis *a, int unit_key, uint16_t segment, uint16_t domid);
void correlate_extent(struct analysis *a, uint16_t segment, const struct iopt_extent *e);
void correlate_finish(struct analysis *a);				/* after the walks */
const struct domain_info *analysis_find_domain(const struct analysis *a, uint16_t segment,
					       uint16_t domid);

/* The machine's flush verdict from every backend's units (analysis.c). */
enum flush_verdict analysis_overall_flush(const struct analysis *a);

/* A VT-d unit's domain (domain IDs are per unit), or NULL. */
const struct domain_info *analysis_find_unit_domain(const struct analysis *a, int unit, uint16_t domid);

#endif
