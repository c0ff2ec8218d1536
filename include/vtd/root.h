/*
 * VT-d root table: 256 root entries of 128 bits (lo, hi), indexed by PCI
 * bus number; the table is one 4 KiB page whose physical address goes to
 * RTADDR (the kernel keeps its virtual address in iommu->root_entry).
 *
 * Legacy mode: lo bit 0 = P, lo 63:12 = context-table pointer, hi is
 * reserved (K6.1 intel/iommu.h:491-500 struct root_entry).
 * Scalable mode: lo is the lower context-table pointer (devfn 0x00-0x7f)
 * and hi the upper one (devfn 0x80-0xff), each with its own present bit 0
 * (K6.1 intel/iommu.c:153-171 root_entry_lctp/uctp; K6.12
 * intel/iommu.c:78-96; K5.10 intel/iommu.c:194-216).  An SM context
 * table holds 128 entries of 256 bits: the kernel subtracts 0x80 for the
 * upper half and doubles devfn to index 128-bit slots (K6.1
 * intel/iommu.c:637-643 iommu_context_addr; K6.12 intel/iommu.c:507-512;
 * K7.3 intel/iommu.c:369-374; K5.10 intel/iommu.c:798-803).
 *
 * The entry does not say which mode it is in: that is RTADDR.SMT, which
 * the kernel sets when sm_supported(iommu) (intel_iommu_sm && ECAP.SMTS),
 * so the caller passes the mode.
 */
#ifndef VTD_ROOT_H
#define VTD_ROOT_H

#include "vtd/common.h"

#define VTD_ROOT_ENTRY_SIZE	16
#define VTD_ROOT_ENTRIES	256	/* ROOT_ENTRY_NR, K6.1 intel/iommu.c:147 */

/* One 64-bit half (lo in legacy mode; lo and hi in scalable mode). */
#define VTD_ROOT_P		VTD_BIT(0)
#define VTD_ROOT_CTP_MASK	VTD_GENMASK(63, 12)	/* & VTD_PAGE_MASK */

/* RTADDR register (MMIO; shown for completeness) */
#define VTD_RTADDR_SMT		VTD_BIT(10)	/* K6.1 intel/iommu.h:269 DMA_RTADDR_SMT */
#define VTD_RTADDR_RTT		VTD_BIT(11)	/* K5.10 linux/intel-iommu.h:258, extended
						 * root table (ECAP.ECS), gone from 6.1 */
#define VTD_RTADDR_ADDR_MASK	VTD_GENMASK(63, 12)

/* Context entry sizes per mode. */
#define VTD_CONTEXT_SIZE_LEGACY	16
#define VTD_CONTEXT_SIZE_SM	32
#define VTD_SM_CONTEXT_PER_TABLE 128

struct vtd_root_entry {
	uint64_t raw[2];	/* lo, hi */
	/* legacy view */
	bool present;		/* lo bit 0 */
	uint64_t ctp;		/* lo 63:12 */
	/* scalable-mode view */
	bool lower_present;	/* lo bit 0 */
	uint64_t lctp;		/* lo 63:12: devfn 0x00-0x7f */
	bool upper_present;	/* hi bit 0 */
	uint64_t uctp;		/* hi 63:12: devfn 0x80-0xff */
};

/* Where the context entry of one devfn lives. */
struct vtd_context_loc {
	bool upper;		/* SM only: in the upper table (UCTP) */
	unsigned int index;	/* entry index in its table */
	unsigned int offset;	/* byte offset in its 4 KiB table */
	unsigned int size;	/* entry size: 16 (legacy) or 32 (SM) */
};

/* Decode both views from raw[0] = lo, raw[1] = hi. */
int vtd_root_entry_decode(const uint64_t raw[2], struct vtd_root_entry *out);

/* Byte offset of bus's root entry in the root table (bus * 16). */
static inline unsigned int vtd_root_entry_offset(uint8_t bus)
{
	return (unsigned int)bus * VTD_ROOT_ENTRY_SIZE;
}

/*
 * Locate devfn's context entry: legacy: index devfn, offset 16 * devfn;
 * SM: upper = devfn >= 0x80, index devfn & 0x7f, offset 32 * index.
 */
int vtd_context_locate(bool sm, uint8_t devfn, struct vtd_context_loc *out);

/*
 * The context table that holds devfn: sets *table_pa and returns true if
 * the relevant pointer is present (lo for legacy, lo or hi for SM), else
 * returns false with *table_pa = 0.
 */
bool vtd_root_context_table(const struct vtd_root_entry *re, bool sm, uint8_t devfn,
			    uint64_t *table_pa);

/*
 * One line, e.g. "ctp=0x1234000" (legacy), "lctp=0x1234000 uctp=-" (SM),
 * "not-present".
 */
int vtd_root_entry_format(const struct vtd_root_entry *re, bool sm, char *buf, size_t len);

#endif /* VTD_ROOT_H */
