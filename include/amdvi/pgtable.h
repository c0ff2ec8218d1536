/*
 * AMD-Vi I/O page-table entries.
 *
 * v1 = the AMD host format (drivers/iommu/amd/io_pgtable.c and the PM_* /
 * IOMMU_PTE_* / PAGE_SIZE_* macros of amd_iommu_types.h, 6.1 and 6.12).
 * v2 = x86-64 long-mode format used for guest/PASID tables
 * (io_pgtable_v2.c), reached through a GCR3 table entry.
 *
 * Levels are 0-based throughout: level 0 holds the 4 KiB PTEs, a DTE with
 * Mode = N has its root table at level N-1.  One slot at level L covers
 * 1 << (12 + 9*L) bytes of IOVA.
 */
#ifndef AMDVI_PGTABLE_H
#define AMDVI_PGTABLE_H

#include "amdvi/common.h"

#define AMDVI_PT_ENTRIES	512
#define AMDVI_PT_LEVEL_MAX	5	/* root level of a 6-level table */

/* v1 PTE / PDE bits */
#define AMDVI_PTE_PR		AMDVI_BIT(0)
#define AMDVI_PTE_A		AMDVI_BIT(5)
#define AMDVI_PTE_D		AMDVI_BIT(6)	/* 6.12 IOMMU_PTE_HD */
#define AMDVI_PTE_NL_MASK	AMDVI_GENMASK(11, 9)	/* next level */
#define AMDVI_PTE_ADDR_MASK	AMDVI_GENMASK(51, 12)
#define AMDVI_PTE_U		AMDVI_BIT(59)
#define AMDVI_PTE_FC		AMDVI_BIT(60)
#define AMDVI_PTE_IR		AMDVI_BIT(61)
#define AMDVI_PTE_IW		AMDVI_BIT(62)
#define AMDVI_PTE_NL_LARGE	7	/* size encoded in the address field */

struct amdvi_pte {
	uint64_t raw;
	bool pr, a, d, u, fc, ir, iw;
	uint8_t next_level;
	uint64_t addr;		/* bits 51:12, C-bit stripped */
};

/* v2 (x86-64 long mode) entry bits */
#define AMDVI_PTE2_P		AMDVI_BIT(0)
#define AMDVI_PTE2_RW		AMDVI_BIT(1)
#define AMDVI_PTE2_US		AMDVI_BIT(2)
#define AMDVI_PTE2_PWT		AMDVI_BIT(3)
#define AMDVI_PTE2_PCD		AMDVI_BIT(4)
#define AMDVI_PTE2_A		AMDVI_BIT(5)
#define AMDVI_PTE2_D		AMDVI_BIT(6)
#define AMDVI_PTE2_PS		AMDVI_BIT(7)	/* 2M at level 1, 1G at level 2 */
#define AMDVI_PTE2_G		AMDVI_BIT(8)
#define AMDVI_PTE2_ADDR_MASK	AMDVI_GENMASK(51, 12)
#define AMDVI_PTE2_NX		AMDVI_BIT(63)

struct amdvi_pte_v2 {
	uint64_t raw;
	bool p, rw, us, pwt, pcd, a, d, ps, g, nx;
	uint64_t addr;		/* bits 51:12, C-bit stripped */
};

/* GCR3 table entry (one per PASID): valid + guest page-table root */
#define AMDVI_GCR3_VALID	AMDVI_BIT(0)
#define AMDVI_GCR3_ADDR_MASK	AMDVI_GENMASK(51, 12)

struct amdvi_gcr3_entry {
	bool valid;
	uint64_t addr;
};

/* What one page-table slot means for the IOVA it covers. */
enum amdvi_pte_kind {
	AMDVI_PTE_NONE,		/* not present */
	AMDVI_PTE_TABLE,	/* points to the next-lower table */
	AMDVI_PTE_LEAF,		/* maps a page */
};

struct amdvi_pte_mapping {
	enum amdvi_pte_kind kind;
	uint64_t iova;		/* LEAF: base of the (aligned) page */
	uint64_t size;		/* LEAF: page size; TABLE: slot span */
	uint64_t pa;		/* LEAF: PA of the page; TABLE: next table */
	bool ir, iw;		/* LEAF permissions (v2: read=P, write=RW) */
};

/* Index of iova in a table at level (9 bits). */
unsigned int amdvi_pt_level_index(uint64_t iova, unsigned int level);
/* IOVA bytes covered by one slot at level; 0 if level > AMDVI_PT_LEVEL_MAX. */
uint64_t amdvi_pt_level_span(unsigned int level);
/* Highest IOVA + 1 a table with Mode = mode can map (0 = all 64 bits). */
uint64_t amdvi_pt_mode_limit(unsigned int mode);

/* ---- v1 ---- */
int amdvi_pte_decode(uint64_t pte, uint64_t me_mask, struct amdvi_pte *out);
uint64_t amdvi_pte_encode(const struct amdvi_pte *pte);
/* PDE as the kernel writes it: table_pa | next_level << 9 | PR | IR | IW. */
uint64_t amdvi_pte_build_pde(uint64_t table_pa, unsigned int next_level);
/* Default-size leaf (4K at level 0, 2M/1G with NL=0 at level 1/2): PR|FC. */
uint64_t amdvi_pte_build_leaf(uint64_t pa, bool ir, bool iw);
/* NL=7 leaf of page_size (power of two > 4K); 0 on a bad size/alignment, or
 * for a pa the address field cannot hold (bit 52 or above). */
uint64_t amdvi_pte_build_large(uint64_t pa, uint64_t page_size, bool ir, bool iw);
/* Page size encoded in an NL=7 PTE: 1 << (1 + lowest zero bit >= 12). */
uint64_t amdvi_pte_large_size(uint64_t pte);

/*
 * Interpret a v1 entry found in the table at level for the IOVA iova:
 *   not present             -> NONE
 *   level 0, NL 0           -> LEAF 4 KiB
 *   level > 0, NL 0         -> LEAF of the level's default size
 *   NL 7                    -> LEAF of the encoded size, aligned span (the
 *                              kernel replicates it over size/span slots)
 *   NL 1..6                 -> TABLE (validate with the helpers below)
 * Returns AMDVI_ERR_ARG for a level > 5, AMDVI_ERR_FORMAT for an NL=7 size
 * that does not fit the level (not in [span(level), span(level+1))).
 */
int amdvi_pte_resolve(uint64_t pte, unsigned int level, uint64_t iova,
		      uint64_t me_mask, struct amdvi_pte_mapping *out);

/*
 * Walker checks.  A PDE at level L points to the table at level L-1; its
 * NextLevel field counts tables from 1 (1 = the 4 KiB PTE table), so a
 * non-skipping PDE found at level L has NL == L.  The kernel never skips
 * levels (fetch_pte rejects NL != level).
 */
bool amdvi_pte_next_level_ok(uint64_t pte, unsigned int level);
/* True if [pa, pa + size) lies below limit (exclusive). */
bool amdvi_pa_within(uint64_t pa, uint64_t size, uint64_t limit);

/* ---- v2 ---- */
int amdvi_pte_v2_decode(uint64_t pte, uint64_t me_mask, struct amdvi_pte_v2 *out);
uint64_t amdvi_pte_v2_encode(const struct amdvi_pte_v2 *pte);
/*
 * level 0 -> 4K leaf; PS at level 1/2 -> 2M/1G leaf; otherwise TABLE.
 * AMDVI_ERR_FORMAT for PS above level 2, AMDVI_ERR_ARG for level > 4.
 */
int amdvi_pte_v2_resolve(uint64_t pte, unsigned int level, uint64_t iova,
			 uint64_t me_mask, struct amdvi_pte_mapping *out);

int amdvi_gcr3_decode(uint64_t entry, uint64_t me_mask, struct amdvi_gcr3_entry *out);
uint64_t amdvi_gcr3_encode(uint64_t pgd_pa, bool valid);

#endif /* AMDVI_PGTABLE_H */
