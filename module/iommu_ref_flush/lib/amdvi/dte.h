/*
 * AMD-Vi Device Table Entry (256 bits = u64 data[4]).
 *
 * Bit positions from drivers/iommu/amd/amd_iommu_types.h (6.1, 6.12:
 * DTE_FLAG_*, DEV_ENTRY_*, DTE_GCR3_*, DTE_IRQ_*) and the AMD IOMMU spec
 * Device Table Entry layout (IoCtl, Cache, SD, IG which Linux never sets).
 * Addresses are returned with the SME C-bit removed when the caller
 * passes its me_mask (the dump's sme_me_mask); pass 0 when SME is off.
 */
#ifndef AMDVI_DTE_H
#define AMDVI_DTE_H

#include "amdvi/common.h"

#define AMDVI_DTE_SIZE		32

/* data[0] */
#define AMDVI_DTE_V		AMDVI_BIT(0)
#define AMDVI_DTE_TV		AMDVI_BIT(1)
#define AMDVI_DTE_HAD_MASK	AMDVI_GENMASK(8, 7)	/* host access/dirty */
#define AMDVI_DTE_MODE_MASK	AMDVI_GENMASK(11, 9)	/* paging levels */
#define AMDVI_DTE_ROOT_MASK	AMDVI_GENMASK(51, 12)	/* page-table root PA */
#define AMDVI_DTE_PPR		AMDVI_BIT(52)
#define AMDVI_DTE_GPRP		AMDVI_BIT(53)		/* spec; Linux: unused */
#define AMDVI_DTE_GIOV		AMDVI_BIT(54)
#define AMDVI_DTE_GV		AMDVI_BIT(55)
#define AMDVI_DTE_GLX_MASK	AMDVI_GENMASK(57, 56)
#define AMDVI_DTE_GCR3_A_MASK	AMDVI_GENMASK(60, 58)	/* GCR3[14:12] */
#define AMDVI_DTE_IR		AMDVI_BIT(61)
#define AMDVI_DTE_IW		AMDVI_BIT(62)

/* data[1] */
#define AMDVI_DTE_DOMID_MASK	AMDVI_GENMASK(15, 0)
#define AMDVI_DTE_GCR3_B_MASK	AMDVI_GENMASK(31, 16)	/* GCR3[30:15] */
#define AMDVI_DTE_I		AMDVI_BIT(32)		/* IOTLB (ATS) enable */
#define AMDVI_DTE_SE		AMDVI_BIT(33)		/* suppress PF events */
#define AMDVI_DTE_SA		AMDVI_BIT(34)		/* suppress all PF events */
#define AMDVI_DTE_IOCTL_MASK	AMDVI_GENMASK(36, 35)	/* port I/O control */
#define AMDVI_DTE_CACHE		AMDVI_BIT(37)
#define AMDVI_DTE_SD		AMDVI_BIT(38)		/* snoop disable */
#define AMDVI_DTE_EX		AMDVI_BIT(39)		/* allow exclusion */
#define AMDVI_DTE_SYSMGT_MASK	AMDVI_GENMASK(41, 40)
#define AMDVI_DTE_GCR3_C_MASK	AMDVI_GENMASK(63, 43)	/* GCR3[51:31] */

/* data[2] */
#define AMDVI_DTE_IV		AMDVI_BIT(0)		/* interrupt map valid */
#define AMDVI_DTE_INTTABLEN_MASK AMDVI_GENMASK(4, 1)
#define AMDVI_DTE_IG		AMDVI_BIT(5)		/* ignore unmapped intr */
#define AMDVI_DTE_INTTAB_MASK	AMDVI_GENMASK(51, 6)
#define AMDVI_DTE_GPT_LEVEL_MASK AMDVI_GENMASK(55, 54)	/* 6.12: 0=4, 1=5 levels */
#define AMDVI_DTE_INIT_PASS	AMDVI_BIT(56)
#define AMDVI_DTE_EINT_PASS	AMDVI_BIT(57)
#define AMDVI_DTE_NMI_PASS	AMDVI_BIT(58)
#define AMDVI_DTE_INTCTL_MASK	AMDVI_GENMASK(61, 60)
#define AMDVI_DTE_LINT0_PASS	AMDVI_BIT(62)
#define AMDVI_DTE_LINT1_PASS	AMDVI_BIT(63)

/* GCR3 table root address pieces: address bits -> DTE fields */
#define AMDVI_GCR3_A_ADDR_MASK	AMDVI_GENMASK(14, 12)
#define AMDVI_GCR3_B_ADDR_MASK	AMDVI_GENMASK(30, 15)
#define AMDVI_GCR3_C_ADDR_MASK	AMDVI_GENMASK(51, 31)

#define AMDVI_DTE_INTCTL_ABORT	 0	/* IntCtl values (spec) */
#define AMDVI_DTE_INTCTL_PASS	 1
#define AMDVI_DTE_INTCTL_REMAP	 2	/* what Linux uses */

struct amdvi_dte {
	uint64_t raw[4];
	/* data[0] */
	bool v, tv;
	uint8_t had;		/* 2 bits */
	uint8_t mode;		/* 0 = no translation, 1..6 levels, 7 reserved */
	uint64_t pt_root;	/* bits 51:12, C-bit stripped */
	bool ppr, gprp, giov, gv;
	uint8_t glx;		/* 2 bits */
	bool ir, iw;
	/* data[1] */
	uint16_t domid;
	bool i, se, sa, cache, sd, ex;
	uint8_t ioctl;		/* 2 bits */
	uint8_t sysmgt;		/* 2 bits */
	uint64_t gcr3_root;	/* GCR3 table root, assembled, C-bit stripped */
	/* data[2] */
	bool iv, ig;
	uint8_t int_tab_len;	/* 4-bit encoding; entries = 1 << len */
	uint64_t int_tab_root;	/* bits 51:6, C-bit stripped */
	uint8_t gpt_level;	/* 2 bits (6.12) */
	bool init_pass, eint_pass, nmi_pass;
	uint8_t int_ctl;	/* 2 bits */
	bool lint0_pass, lint1_pass;
};

enum amdvi_dte_class {
	AMDVI_DTE_NOT_VALID,	/* V = 0: no DTE, DMA uses defaults */
	AMDVI_DTE_BLOCKED,	/* V (TV), mode 0, no IR/IW: all DMA faults */
	AMDVI_DTE_PASSTHROUGH,	/* V, TV=0, or mode 0 with IR|IW: identity */
	AMDVI_DTE_TRANSLATED,	/* V, TV, mode 1..6: host (v1) page table */
	AMDVI_DTE_GUEST,	/* GV: GCR3 table (v2 / PASID) translation */
};

/* Strip an SME C-bit (or any extra high bits) mask from a PA. */
static inline uint64_t amdvi_strip_me_mask(uint64_t pa, uint64_t me_mask)
{
	return pa & ~me_mask;
}

/* Decode; me_mask is stripped from pt_root, gcr3_root and int_tab_root. */
int amdvi_dte_decode(const uint64_t data[4], uint64_t me_mask, struct amdvi_dte *out);
/* Encode every field of dte into data[4]; raw[3] is copied as is. */
int amdvi_dte_encode(const struct amdvi_dte *dte, uint64_t data[4]);

bool amdvi_dte_valid(const struct amdvi_dte *dte);
/* V && TV && mode != 0 */
bool amdvi_dte_translates(const struct amdvi_dte *dte);
enum amdvi_dte_class amdvi_dte_classify(const struct amdvi_dte *dte);
const char *amdvi_dte_class_name(enum amdvi_dte_class cls);
/* Number of interrupt-table entries, 1 << IntTabLen (0 when IV clear). */
uint32_t amdvi_dte_int_tab_entries(const struct amdvi_dte *dte);

/*
 * One line, e.g.
 *   "translated domain=3 mode=3 root=0x1ec4000 IR IW"
 */
int amdvi_dte_format(const struct amdvi_dte *dte, char *buf, size_t len);

#endif /* AMDVI_DTE_H */
