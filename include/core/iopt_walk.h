/*
 * The I/O page-table walk driver, shared by every vendor: reads whole 4 KiB
 * tables through the target, asks the table format what each slot means
 * (struct iopt_format: AMD-Vi v1 and v2 in src/backend/amdvi, VT-d
 * second- and first-level in src/backend/vtd), and streams the mappings as
 * extents: IOVA to physical ranges, consecutive pages merged while IOVA,
 * physical address and permissions stay contiguous.  Memory use does not
 * grow with the number of mappings: extents go to a callback as they close.
 *
 * Bad tables do not stop the walk: an unreadable or excluded table, an
 * entry the format rejects, a table reached twice (a cycle) or a pointer
 * beyond the physical-address limit is reported as a problem and that
 * subtree is skipped.
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

/* What one page-table slot means for the IOVA it covers, as a format says. */
enum iopt_slot_kind {
	IOPT_SLOT_NONE,			/* not present */
	IOPT_SLOT_TABLE,		/* points to the next-lower table (pa) */
	IOPT_SLOT_LEAF,			/* maps [iova, iova + size) to pa */
	IOPT_SLOT_BAD,			/* present, but no table of this format holds it: `bad` says why */
};

struct iopt_slot {
	enum iopt_slot_kind kind;
	uint64_t iova, size, pa;	/* LEAF: the (aligned) page; TABLE: pa of the next table */
	bool read, write;		/* LEAF permissions */
	const char *bad;		/* BAD: the reason, for the problem report */
};

/*
 * A table format.  Levels are 0-based: level 0 holds the 4 KiB entries and
 * one slot at level L covers 1 << (12 + 9 L) bytes of IOVA.  resolve()
 * is called for present entries only; `strip` is the walk's mask of address
 * bits that are not address (an SME C-bit), to clear from every pointer.
 */
struct iopt_format {
	const char *name;
	uint64_t present_mask;		/* an entry is present when (entry & present_mask) != 0 */
	uint64_t addr_mask;		/* the entry's address bits */
	void (*resolve)(uint64_t entry, unsigned level, uint64_t iova, uint64_t strip,
			struct iopt_slot *out);
};

/*
 * One walk: several tables (a domain's root, or one root per PASID) whose
 * extents go to one callback with one set of statistics and one
 * cycle-detection set.  iopt_walk_begin(), then iopt_walk_table() for each
 * root, then iopt_walk_end() (which flushes the extent being built).
 */
struct iopt_walk_ctx;

struct iopt_walk_ctx *iopt_walk_begin(const struct target *t, const struct iopt_format *fmt,
				      uint16_t segment, uint16_t domain, uint64_t strip,
				      uint64_t pa_limit, uint64_t max_tables,
				      iopt_extent_fn fn, void *arg, struct iopt_walk_stats *st,
				      struct problems *pb);
/* Walks the table at root_pa with `levels` levels (root at level
 * levels - 1); extents carry pasid and `v2`.  Non-zero when the walk must
 * stop (the callback or a bound). */
int iopt_walk_table(struct iopt_walk_ctx *w, uint64_t root_pa, unsigned levels, uint32_t pasid, bool v2);
/* A bad entry outside the tables (a GCR3 or PASID table's), counted with
 * the walk's and reported as a problem. */
void iopt_walk_bad(struct iopt_walk_ctx *w, uint64_t table_pa, unsigned idx, unsigned level,
		   const char *why, uint64_t entry);
/* Closes the open extent (unless stop) and frees w; 1 when stopped early. */
int iopt_walk_end(struct iopt_walk_ctx *w, int stop);
/* true if [pa, pa + size) lies below limit */
bool iopt_pa_within(uint64_t pa, uint64_t size, uint64_t limit);

#endif
