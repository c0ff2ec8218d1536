/*
 * VT-d scalable-mode PASID structures: the PASID directory a scalable-mode
 * context entry points to, and the PASID tables its entries point to.
 *
 * Directory entry (64 bits): bit 0 P, bits 63:12 PASID-table pointer.
 * Directory index = pasid >> 6, table index = pasid & 0x3f, 64 entries of
 * 512 bits per table (K6.1 intel/pasid.h:15-22 PASID_PTE_MASK, PDE_PFN_MASK,
 * PASID_PDE_SHIFT, PASID_TBL_ENTRIES; 81-94 pasid_pde_is_present,
 * get_pasid_table_from_pde; same in K5.10, K6.12 intel/pasid.h:14-20,62-75,
 * K7.3 intel/pasid.h:14-20,55-68).
 *
 * Table entry (512 bits, u64 val[8]), the fields Linux sets, with their
 * setters (K5.10 intel/pasid.c:347-464; K6.1 intel/pasid.c:284-424;
 * K6.12 intel/pasid.h:137-306; K7.3 intel/pasid.h:130-299):
 *   val[0]: 0 P, 1 FPD, 4:2 AW, 8:6 PGTT, 9 SSADE (6.12+ dirty tracking),
 *           63:12 SLPTPTR
 *   val[1]: 15:0 DID, 23 PWSNP (page-walk snoop), 24 PGSNP (page snoop)
 *   val[2]: 0 SRE, 3:2 FLPM, 4 WPE (6.1+), 5 NXE (6.1 only), 7 EAFE,
 *           63:12 FLPTPTR
 *   val[3..7]: not written by Linux (kept raw).
 * PGTT values (PASID_ENTRY_PGTT_*, K6.1 intel/pasid.h:68-71): 1 first-level
 * only, 2 second-level only, 3 nested, 4 pass-through.
 *
 * What each era programs:
 *   - second-level: PGTT 2, SLPTPTR/AW after skipping the levels the unit
 *     cannot walk, DID, FPD clear, PWSNP = ECAP.SMPWC (K6.1 intel/pasid.c:
 *     631-690; 7.3 takes SLPTPTR/AW from the generic page table,
 *     K7.3 intel/pasid.c:433-443);
 *   - first-level: PGTT 1, FLPTPTR, FLPM 1 for 5-level, DID, AW =
 *     iommu->agaw, PWSNP; 6.1 also sets NXE because its first-level PTEs
 *     carry XD (K6.1 intel/pasid.c:597); 5.10/6.1 set SRE for supervisor
 *     PASIDs;
 *   - pass-through: PGTT 4, DID, AW, FPD clear.
 *
 * Levels of the walk, the rule the kernel's fault dump uses (K6.1
 * intel/iommu.c:958-964; K6.12 intel/iommu.c:815-820; K7.3
 * intel/iommu.c:671-676): PGTT first-level only -> FLPTPTR with
 * (val[2] bit 2 ? 5 : 4) levels, that is FLPM bit 0; anything else ->
 * SLPTPTR with AW + 2 levels.
 */
#ifndef VTD_PASID_H
#define VTD_PASID_H

#include "vtd/common.h"

#define VTD_PASID_PDE_SHIFT		6	/* PASID_PDE_SHIFT */
#define VTD_PASID_TBL_ENTRIES		64	/* PASID_TBL_ENTRIES */
#define VTD_PASID_PTE_MASK		0x3fU	/* PASID_PTE_MASK */
#define VTD_PASID_MAX			0x100000U	/* PASID_MAX: 20 bits */
#define VTD_PASID_DIR_ENTRY_SIZE	8
#define VTD_PASID_ENTRY_SIZE		64

/* directory entry */
#define VTD_PDE_P			VTD_BIT(0)		/* PASID_PTE_PRESENT */
#define VTD_PDE_PTP_MASK		VTD_GENMASK(63, 12)	/* PDE_PFN_MASK */

/* table entry, val[0] */
#define VTD_PASID_P			VTD_BIT(0)		/* PASID_PTE_PRESENT */
#define VTD_PASID_FPD			VTD_BIT(1)		/* PASID_PTE_FPD */
#define VTD_PASID_AW_MASK		VTD_GENMASK(4, 2)	/* pasid_set_address_width */
#define VTD_PASID_PGTT_MASK		VTD_GENMASK(8, 6)	/* pasid_set_translation_type */
#define VTD_PASID_SSADE			VTD_BIT(9)		/* pasid_set_ssade (6.12+) */
#define VTD_PASID_SLPTPTR_MASK		VTD_GENMASK(63, 12)	/* pasid_set_slptr */
/* val[1] */
#define VTD_PASID_DID_MASK		VTD_GENMASK(15, 0)	/* pasid_set_domain_id */
#define VTD_PASID_PWSNP			VTD_BIT(23)		/* pasid_set_page_snoop */
#define VTD_PASID_PGSNP			VTD_BIT(24)		/* pasid_set_pgsnp */
/* val[2] */
#define VTD_PASID_SRE			VTD_BIT(0)		/* pasid_set_sre */
#define VTD_PASID_FLPM_MASK		VTD_GENMASK(3, 2)	/* pasid_set_flpm */
#define VTD_PASID_FLPM_5LEVEL		VTD_BIT(2)		/* the bit the dump tests */
#define VTD_PASID_WPE			VTD_BIT(4)		/* pasid_set_wpe (6.1+) */
#define VTD_PASID_NXE			VTD_BIT(5)		/* pasid_set_nxe (6.1) */
#define VTD_PASID_EAFE			VTD_BIT(7)		/* pasid_set_eafe */
#define VTD_PASID_FLPTPTR_MASK		VTD_GENMASK(63, 12)	/* pasid_set_flptr */

enum vtd_pasid_pgtt {
	VTD_PGTT_FL_ONLY	= 1,	/* PASID_ENTRY_PGTT_FL_ONLY */
	VTD_PGTT_SL_ONLY	= 2,	/* PASID_ENTRY_PGTT_SL_ONLY */
	VTD_PGTT_NESTED		= 3,	/* PASID_ENTRY_PGTT_NESTED */
	VTD_PGTT_PT		= 4,	/* PASID_ENTRY_PGTT_PT */
};

struct vtd_pasid_dir_entry {
	uint64_t raw;
	bool present;
	uint64_t table;		/* bits 63:12 */
};

struct vtd_pasid_entry {
	uint64_t raw[8];
	/* val[0] */
	bool present, fpd, ssade;
	unsigned int aw;	/* 3 bits */
	unsigned int pgtt;	/* 3 bits, enum vtd_pasid_pgtt */
	uint64_t slptptr;
	/* val[1] */
	uint16_t did;
	bool pwsnp, pgsnp;
	/* val[2] */
	bool sre, wpe, nxe, eafe;
	unsigned int flpm;	/* 2 bits: 0 = 4-level, 1 = 5-level */
	uint64_t flptptr;
};

/* Where to start walking, as the kernel's fault dump would. */
enum vtd_pasid_walk_kind {
	VTD_PASID_WALK_NONE,		/* not present */
	VTD_PASID_WALK_FIRST_LEVEL,	/* PGTT 1 */
	VTD_PASID_WALK_SECOND_LEVEL,	/* PGTT 2 */
	VTD_PASID_WALK_NESTED,		/* PGTT 3: FL over guest-physical, then SL */
	VTD_PASID_WALK_PASS_THROUGH,	/* PGTT 4: identity */
	VTD_PASID_WALK_BAD,		/* PGTT 0, 5-7 */
};

struct vtd_pasid_walk {
	enum vtd_pasid_walk_kind kind;
	uint64_t fl_root;		/* FIRST_LEVEL, NESTED */
	unsigned int fl_levels;		/* FLPM bit 0 ? 5 : 4 */
	uint64_t sl_root;		/* SECOND_LEVEL, NESTED */
	unsigned int sl_levels;		/* AW + 2 */
};

/* Index arithmetic (pasid < 2^20). */
static inline unsigned int vtd_pasid_dir_index(uint32_t pasid)
{
	return pasid >> VTD_PASID_PDE_SHIFT;
}

static inline unsigned int vtd_pasid_table_index(uint32_t pasid)
{
	return pasid & VTD_PASID_PTE_MASK;
}

/* Byte offsets: of the directory entry in the directory, of the table
 * entry in its 4 KiB table. */
static inline uint64_t vtd_pasid_dir_offset(uint32_t pasid)
{
	return (uint64_t)vtd_pasid_dir_index(pasid) * VTD_PASID_DIR_ENTRY_SIZE;
}

static inline unsigned int vtd_pasid_entry_offset(uint32_t pasid)
{
	return vtd_pasid_table_index(pasid) * VTD_PASID_ENTRY_SIZE;
}

int vtd_pasid_dir_entry_decode(uint64_t raw, struct vtd_pasid_dir_entry *out);
int vtd_pasid_entry_decode(const uint64_t raw[8], struct vtd_pasid_entry *out);

/* "first-level", "second-level", "nested", "pass-through", "reserved" */
const char *vtd_pasid_pgtt_name(unsigned int pgtt);
const char *vtd_pasid_walk_kind_name(enum vtd_pasid_walk_kind kind);

/*
 * Roots and levels of the entry's walk.  VTD_OK, or VTD_ERR_FORMAT (out
 * still filled) for a PGTT that is reserved, an FLPM of 2 or 3 (reserved;
 * the kernel's rule would walk 4 or 5 levels), or an AW no kernel uses
 * on a second-level or nested entry.
 */
int vtd_pasid_entry_walk(const struct vtd_pasid_entry *pe, struct vtd_pasid_walk *out);

/* e.g. "present pgtt=second-level did=2 aw=2 slptptr=0x1a2b000 PWSNP" */
int vtd_pasid_entry_format(const struct vtd_pasid_entry *pe, char *buf, size_t len);

#endif /* VTD_PASID_H */
