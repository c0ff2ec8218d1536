/*
 * Walking AMD-Vi I/O page tables with the core's walk driver: the v1 host
 * format from a DTE's root, and the v2 (x86-64 long-mode) format through a
 * GCR3 table, one page table per PASID.
 */
#ifndef IOMMU_INFLIGHT_BACKEND_AMDVI_WALK_H
#define IOMMU_INFLIGHT_BACKEND_AMDVI_WALK_H

#include "core/iopt_walk.h"

extern const struct iopt_format amdvi_v1_format, amdvi_v2_format;

struct iopt_walk_params {
	uint16_t segment;
	uint16_t domain;
	uint64_t root_pa;		/* from the DTE, C-bit already stripped */
	unsigned mode;			/* DTE mode: number of levels, 1..6 */
	uint64_t me_mask;		/* SME C-bit to strip from PTE addresses */
	uint64_t pa_limit;		/* physical addresses at or above are wild (0: 2^52) */
	uint64_t max_tables;		/* bound on tables read (0: 1<<24) */
};

int iopt_walk_v1(const struct target *t, const struct iopt_walk_params *p,
		 iopt_extent_fn fn, void *arg, struct iopt_walk_stats *st, struct problems *pb);

/* v2 (x86-64 long-mode format) tables, reached through a DTE with GV set:
 * every valid entry of the GCR3 table (GLX + 1 levels) names one PASID's
 * page table of `levels` levels (4, or 5 with the DTE's guest paging level).
 * At most max_pasids PASIDs are walked. */
struct iopt_walk_v2_params {
	uint16_t segment;
	uint16_t domain;
	uint64_t gcr3_root;		/* GCR3 table root PA, C-bit stripped */
	unsigned glx;			/* 0..2: GCR3 table levels - 1 */
	unsigned levels;		/* 4 or 5 */
	uint64_t me_mask, pa_limit, max_tables;
	unsigned max_pasids;		/* 0: 4096 */
};

int iopt_walk_v2(const struct target *t, const struct iopt_walk_v2_params *p,
		 iopt_extent_fn fn, void *arg, struct iopt_walk_stats *st, struct problems *pb);

#endif
