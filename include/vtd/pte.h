/*
 * VT-d page-table entries (struct dma_pte { u64 val; }), in the two
 * formats a unit walks:
 *
 * Second level (SL; legacy mode always, scalable mode with PGTT 2):
 *   bit 0 R, bit 1 W, bit 7 PS (superpage), bit 11 SNP, bits 51:12 address
 *   (DMA_PTE_*, K5.10 linux/intel-iommu.h:38-41; K6.1 intel/iommu.h:40-43;
 *   K6.12 intel/iommu.h:43-46; K7.3 intel/iommu.h:44-47 and
 *   generic_pt/fmt/vtdss.h:44-56); bit 9 D (6.12 DMA_SL_PTE_DIRTY,
 *   K6.12 intel/iommu.h:53-54; K7.3 VTDSS_FMT_D), bit 8 A (K7.3
 *   VTDSS_FMT_A).  An SL entry has no present bit: it is present when R
 *   or W is set (dma_pte_present, K6.1 intel/iommu.h:684-687).
 * First level (FL; scalable mode with PGTT 1, x86-64 paging layout):
 *   bit 0 P, bit 1 R/W, bit 2 U/S, 3 PWT, 4 PCD, 5 A, 6 D, 7 PS, 8 G,
 *   bit 63 XD, bits 51:12 address (DMA_FL_PTE_*, K6.1 intel/iommu.h:45-49;
 *   K7.3 generic_pt/fmt/x86_64.h:61-74).
 *
 * Era differences a walker meets:
 *   - XD: 5.10 and 6.1 set bit 63 on every FL entry, table and leaf
 *     (K5.10 intel/iommu.c:1059,2415; K6.1 intel/iommu.c:1007,2280) and
 *     their dma_pte_addr() masks it off (K6.1 intel/iommu.h:673-682);
 *     6.12 and 7.3 never set it (K6.12 intel/iommu.c:863,1832).
 *   - Leaf R: 5.10-6.12 OR bit 0 into every leaf (attr |= DMA_FL_PTE_PRESENT,
 *     K6.1 intel/iommu.c:2278; K6.12 intel/iommu.c:1830), so every present
 *     SL leaf is readable there; 7.3's generic page table sets R only for
 *     IOMMU_READ mappings (K7.3 generic_pt/fmt/vtdss.h:225-231), so a
 *     DMA_FROM_DEVICE mapping is W-only.  The resolver reports R as the
 *     entry has it, which is right for every era.
 *   - Software bits: 7.3 may set SL bit 10 and bits 52-60/63 (vtdss_pt_sw_bit,
 *     K7.3 generic_pt/fmt/vtdss.h:175-193) and FL bits 9, 11, 52-62
 *     (x86_64.h:176-194).  The address masks here stop at bit 51 (as 7.3's
 *     VTDSS_FMT_OA / X86_64_FMT_OA do); the kernels before 7.3 keep bits
 *     63:12 (minus XD) but never set 62:52, so the masks agree on every
 *     entry Linux writes.
 *   - 7.3 SL tables use "entry != 0" as present (vtdss_pt_load_entry_raw);
 *     entries it writes always have R or W, so the tests agree.
 *
 * Levels are 0-based like the AMD library's: level 0 holds the 4 KiB
 * entries (the kernel's level 1), a table with L levels has its root at
 * level L - 1, and one slot at level l covers 1 << (12 + 9 l) bytes.
 * Superpages exist at level 1 (2 MiB) and 2 (1 GiB) only
 * (vtdss_pt_can_have_leaf / x86_64_pt_can_have_leaf: level <= 2).
 */
#ifndef VTD_PTE_H
#define VTD_PTE_H

#include "vtd/common.h"

#define VTD_PT_ENTRIES		512
#define VTD_PT_LEVEL_MAX	4	/* root level of a 5-level table */

enum vtd_pte_format {
	VTD_PTE_FMT_SL,		/* second level */
	VTD_PTE_FMT_FL,		/* first level */
};

/* second level */
#define VTD_SL_PTE_R		VTD_BIT(0)		/* DMA_PTE_READ */
#define VTD_SL_PTE_W		VTD_BIT(1)		/* DMA_PTE_WRITE */
#define VTD_SL_PTE_PS		VTD_BIT(7)		/* DMA_PTE_LARGE_PAGE */
#define VTD_SL_PTE_A		VTD_BIT(8)		/* 7.3 VTDSS_FMT_A */
#define VTD_SL_PTE_D		VTD_BIT(9)		/* 6.12 DMA_SL_PTE_DIRTY */
#define VTD_SL_PTE_SW0		VTD_BIT(10)		/* 7.3 software bit 0 */
#define VTD_SL_PTE_SNP		VTD_BIT(11)		/* DMA_PTE_SNP */
#define VTD_SL_PTE_ADDR_MASK	VTD_GENMASK(51, 12)	/* VTDSS_FMT_OA */
#define VTD_SL_PTE_PRESENT_MASK	(VTD_SL_PTE_R | VTD_SL_PTE_W)

/* first level */
#define VTD_FL_PTE_P		VTD_BIT(0)		/* DMA_FL_PTE_PRESENT */
#define VTD_FL_PTE_RW		VTD_BIT(1)		/* DMA_PTE_WRITE */
#define VTD_FL_PTE_US		VTD_BIT(2)		/* DMA_FL_PTE_US */
#define VTD_FL_PTE_PWT		VTD_BIT(3)
#define VTD_FL_PTE_PCD		VTD_BIT(4)
#define VTD_FL_PTE_A		VTD_BIT(5)		/* DMA_FL_PTE_ACCESS */
#define VTD_FL_PTE_D		VTD_BIT(6)		/* DMA_FL_PTE_DIRTY */
#define VTD_FL_PTE_PS		VTD_BIT(7)		/* DMA_PTE_LARGE_PAGE */
#define VTD_FL_PTE_G		VTD_BIT(8)
#define VTD_FL_PTE_XD		VTD_BIT(63)		/* DMA_FL_PTE_XD (5.10, 6.1) */
#define VTD_FL_PTE_ADDR_MASK	VTD_GENMASK(51, 12)	/* X86_64_FMT_OA */

/* bits above the address field (XD, software or reserved bits) */
#define VTD_PTE_HIGH_MASK	VTD_GENMASK(63, 52)

struct vtd_sl_pte {
	uint64_t raw;
	bool r, w, ps, a, d, snp;
	uint64_t addr;		/* bits 51:12 */
	uint16_t high;		/* bits 63:52 */
};

struct vtd_fl_pte {
	uint64_t raw;
	bool p, rw, us, pwt, pcd, a, d, ps, g, xd;
	uint64_t addr;		/* bits 51:12, XD never included */
	uint16_t high;		/* bits 63:52, XD included */
};

/* What one page-table slot means for the IOVA it covers; the shape of
 * struct amdvi_pte_mapping (amdvi/pgtable.h) plus BAD. */
enum vtd_pte_kind {
	VTD_PTE_NONE,		/* not present */
	VTD_PTE_TABLE,		/* points to the next-lower table */
	VTD_PTE_LEAF,		/* maps a page */
	VTD_PTE_BAD,		/* present but cannot be interpreted */
};

struct vtd_pte_mapping {
	enum vtd_pte_kind kind;
	uint64_t iova;		/* base of the (aligned) slot / page */
	uint64_t size;		/* LEAF: page size; otherwise the slot span */
	uint64_t pa;		/* LEAF: PA of the page; TABLE: next table */
	bool ir, iw;		/* LEAF/TABLE: this entry's read/write rights
				 * (SL: R, W; FL: true, R/W); access needs them
				 * at every level of the walk */
};

/* Index of iova in a table at level (9 bits); 0 for level > max. */
unsigned int vtd_pt_level_index(uint64_t iova, unsigned int level);
/* IOVA bytes covered by one slot at level; 0 if level > VTD_PT_LEVEL_MAX. */
uint64_t vtd_pt_level_span(unsigned int level);
/* Address bits a table of levels levels translates (12 + 9 * levels). */
unsigned int vtd_pt_levels_width(unsigned int levels);

/* Address field of an entry (bits 51:12 for both formats). */
uint64_t vtd_pte_addr_mask(enum vtd_pte_format fmt);
static inline uint64_t vtd_pte_addr(uint64_t pte, enum vtd_pte_format fmt)
{
	return pte & vtd_pte_addr_mask(fmt);
}

/* SL: (val & 3) != 0 (dma_pte_present); FL: bit 0. */
bool vtd_pte_present(uint64_t pte, enum vtd_pte_format fmt);

int vtd_sl_pte_decode(uint64_t pte, struct vtd_sl_pte *out);
int vtd_fl_pte_decode(uint64_t pte, struct vtd_fl_pte *out);

/*
 * Interpret the entry pte found at level for the IOVA iova:
 *   not present                    -> NONE, slot iova/size
 *   level 0 (PS ignored there)     -> LEAF 4 KiB
 *   PS at level 1 / 2              -> LEAF 2 MiB / 1 GiB (pa aligned down)
 *   PS at level >= 3               -> BAD, returns VTD_ERR_FORMAT
 *   otherwise                      -> TABLE, pa = next table
 * VTD_ERR_ARG for a level above VTD_PT_LEVEL_MAX or a NULL out.
 */
int vtd_pte_resolve(uint64_t pte, enum vtd_pte_format fmt, unsigned int level,
		    uint64_t iova, struct vtd_pte_mapping *out);

const char *vtd_pte_kind_name(enum vtd_pte_kind kind);

/* True if [pa, pa + size) lies below limit (exclusive), e.g. 1 << MGAW
 * or the dump's end of RAM. */
bool vtd_pa_within(uint64_t pa, uint64_t size, uint64_t limit);

/*
 * First-level IOVAs are canonical like x86 virtual addresses: bit
 * 12 + 9 * levels - 1 (47 for 4 levels, 56 for 5) is copied into the bits
 * above it (7.3 uses PT_FEAT_SIGN_EXTEND for its first-level tables,
 * K7.3 intel/iommu.c:2883).  A walker building an IOVA from the indexes
 * of an FL walk passes it through this; SL IOVAs are zero-extended.
 */
uint64_t vtd_fl_iova_canonical(uint64_t iova, unsigned int levels);

#endif /* VTD_PTE_H */
