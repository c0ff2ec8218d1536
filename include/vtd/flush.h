/*
 * The reference flush of one VT-d unit: the descriptors the reference-flush
 * module (module/iommu_ref_flush, ref_flush_vtd.c) writes into the unit's
 * invalidation queue on the crash path, and how the analysis knows them
 * again in a dump.  One definition serves both (the module builds this file).
 *
 *   1. context-cache invalidation, global granularity (QI_CC_GRAN global)
 *   2. IOTLB invalidation, global granularity, draining reads and writes
 *      where CAP.DRD / CAP.DWD say the unit can (as the kernel's
 *      qi_flush_iotlb() does)
 *   3. invalidation wait with status write and fence: the 32-bit status
 *      data is the record slot's value, the address is the slot's first
 *      word (include/amdvi/flush_record.h, AMDVI_FLUSH_F_VTD)
 *
 * Descriptors are 128 bits; in a queue of 256-bit descriptors (IQA.DW) the
 * upper half is zero.
 */
#ifndef VTD_FLUSH_H
#define VTD_FLUSH_H

#include "vtd/qi.h"

#define VTD_FLUSH_N_DESC	3

struct vtd_flush_input {
	uint64_t cap;		/* the unit's CAP register */
	uint64_t store_pa;	/* where the wait's status write goes (dword aligned) */
	uint32_t store_value;	/* the status data it writes */
};

/* The flush's descriptors, qw0 and qw1 of each, in queue order.
 * VTD_ERR_ARG for NULL, VTD_ERR_ALIGN for a store address not dword aligned. */
int vtd_flush_build(const struct vtd_flush_input *in, uint64_t desc[VTD_FLUSH_N_DESC][2]);

/* True when qw is an invalidation wait with a status write whose address
 * lies outside [own_lo, own_hi) (the kernel's own desc_status array): the
 * kind of wait the reference flush appends.  *store_pa and *value get its
 * address and status data. */
bool vtd_flush_foreign_wait(const uint64_t qw[4], uint64_t own_lo, uint64_t own_hi,
			    uint64_t *store_pa, uint32_t *value);

/* True when the two descriptors before such a wait are the flush's
 * global context-cache and global IOTLB invalidations (any drain bits). */
bool vtd_flush_invalidations_match(const uint64_t cc[4], const uint64_t iotlb[4]);

#endif
