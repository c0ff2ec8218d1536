/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frame the reference flush's vendor parts share (ref_flush_main.c:
 * parameters, trigger, record page, AMD-Vi; ref_flush_vtd.c: Intel VT-d).
 * Each unit, whatever its vendor, owns one 128-byte slot of the record page
 * (include/amdvi/flush_record.h).
 */
#ifndef IOMMU_REF_FLUSH_H
#define IOMMU_REF_FLUSH_H

#include <linux/types.h>
#include "amdvi/flush_record.h"

struct ref_flush_opts {
	bool disable;		/* clear translation enable after the flush */
	bool no_doorbell;	/* fault injection: never write the tail */
	unsigned int timeout_us;	/* bound of the completion poll per unit */
};

/* ACPI DMAR -> the DRHDs (at most max); their count, 0 when there is no
 * DMAR table or it lists no unit (a message says which). */
unsigned int vtd_find_units(unsigned int max);
/* Map unit i's registers and queue and fill its record slot; 0 or -errno
 * (with the reason printed). */
int vtd_arm_unit(unsigned int i, struct amdvi_flush_record *rec, u64 rec_pa, unsigned int n_slots,
		 unsigned int slot, const struct ref_flush_opts *o);
/* The crash path: flush every armed unit (no lock, no sleep, no allocation). */
void vtd_flush_units(u32 how, const struct ref_flush_opts *o);
/* After the work: one console line per unit. */
void vtd_report_units(void);
void vtd_release_units(void);

#endif
