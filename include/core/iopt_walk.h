/*
 * Walk an AMD-Vi v1 I/O page table from the root a DTE names, reading whole
 * 4 KiB tables through the target, and stream the mappings as extents: IOVA
 * to physical ranges, consecutive pages merged while IOVA, physical address
 * and permissions stay contiguous.  Memory use does not grow with the number
 * of mappings: extents go to a callback as they close.
 *
 * Bad tables do not stop the walk: an unreadable or excluded table, a
 * next-level that skips levels, a table reached twice (a cycle) or a
 * pointer beyond the physical-address limit is reported as a problem and
 * that subtree is skipped.
 */
#ifndef IOMMU_INFLIGHT_CORE_IOPT_WALK_H
#define IOMMU_INFLIGHT_CORE_IOPT_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/problems.h"
#include "target/target.h"

struct iopt_extent {
	uint16_t segment;		/* PCI segment of the domain (the params' segment) */
	uint16_t domain;
	uint32_t pasid;			/* v2 tables: the GCR3 slot; 0 for v1 */
	bool v2;
	uint64_t iova, pa, size;
	bool read, write;
};

/* Return non-zero to stop the walk. */
typedef int (*iopt_extent_fn)(const struct iopt_extent *ext, void *arg);

struct iopt_walk_stats {
	uint64_t tables;		/* tables read */
	uint64_t leaves;		/* present leaf entries (a replicated large page counts once) */
	uint64_t extents;
	uint64_t mapped_bytes, writable_bytes;
	unsigned unreadable_tables, bad_entries, revisits;
	bool stopped;			/* the callback or a bound stopped the walk */
};

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
