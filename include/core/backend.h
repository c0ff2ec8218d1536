/*
 * An IOMMU vendor's part of the analysis.  The core (src/core) owns the
 * vendor-neutral results: devices, domains, extents, problems, the
 * correlation of log faults with old mappings and the lazy-unmap flush
 * queues.  A backend reads its vendor's structures from the dump (units,
 * their invalidation rings, device tables or root/context tables), adds
 * the devices and domains it finds to the core's lists, and gives each
 * unit a flush verdict.  analysis_run() runs every backend, in the order
 * of analysis_backends[]: a machine with units of both vendors is
 * reported whole, and a backend whose vendor's structures are empty in
 * the dump adds nothing.
 */
#ifndef IOMMU_INFLIGHT_CORE_BACKEND_H
#define IOMMU_INFLIGHT_CORE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "core/flush_verdict.h"
#include "core/iopt_walk.h"
#include "target/target.h"

struct analysis;
struct domain_info;

enum iommu_vendor {
	IOMMU_VENDOR_AMD,		/* AMD-Vi (src/backend/amdvi) */
	IOMMU_VENDOR_INTEL,		/* Intel VT-d (src/backend/vtd) */
};

/* "amd", "intel": the JSON `vendor` values. */
const char *iommu_vendor_name(enum iommu_vendor v);

/* Whether a backend found its vendor's IOMMU active in the dump. */
struct iommu_presence {
	bool has_units;			/* the dump holds units of this vendor (active or not) */
	bool active;
	bool unknown;			/* could not be told: the unit list was unreadable */
	const char *reason;		/* when not active: why (NULL: nothing to say) */
};

struct iommu_backend {
	enum iommu_vendor vendor;
	/* Units, rings and per-unit flush verdicts, then the devices and
	 * the translated domains (not yet walked), before the logs are read. */
	void (*read)(const struct target *t, struct analysis *a);
	/* After the logs: what the capture kernel's log says changes how
	 * the dump is read (NULL: nothing to do). */
	void (*after_logs)(const struct target *t, struct analysis *a);
	/* After the walks and the correlation (NULL: nothing to do). */
	void (*finish)(struct analysis *a);
	/* Walks one of its translated domains' page tables into fn, filling
	 * dom->stats. */
	void (*walk_domain)(const struct target *t, struct analysis *a, struct domain_info *dom,
			    iopt_extent_fn fn, void *arg);
	/* Adds each unit's flush verdict to the machine's. */
	void (*tally_flush)(const struct analysis *a, struct flush_tally *t);
	void (*presence)(const struct analysis *a, struct iommu_presence *p);
	/* Frees what read() allocated (NULL: nothing). */
	void (*free)(struct analysis *a);
};

extern const struct iommu_backend amdvi_backend, vtd_backend;

/* The backend of a vendor. */
const struct iommu_backend *analysis_backend(enum iommu_vendor v);

#endif
