/*
 * AMD-Vi Extended Feature Register (MMIO 0x30; the kernel keeps copies in
 * iommu->features and amd_iommu_efr).  Bit names follow FEATURE_* in
 * drivers/iommu/amd/amd_iommu_types.h (6.1 and 6.12) and the AMD spec's
 * EFR field names for the multi-bit fields.
 */
#ifndef AMDVI_EFR_H
#define AMDVI_EFR_H

#include "amdvi/common.h"

#define AMDVI_EFR_PREF		AMDVI_BIT(0)	/* prefetch (PreF) */
#define AMDVI_EFR_PPR		AMDVI_BIT(1)	/* peripheral page requests */
#define AMDVI_EFR_XT		AMDVI_BIT(2)	/* x2APIC; kernel prints "X2APIC" */
#define AMDVI_EFR_NX		AMDVI_BIT(3)
#define AMDVI_EFR_GT		AMDVI_BIT(4)	/* guest translation */
#define AMDVI_EFR_GAPPI		AMDVI_BIT(5)	/* kernel prints "[5]" */
#define AMDVI_EFR_IA		AMDVI_BIT(6)	/* INVALIDATE_IOMMU_ALL */
#define AMDVI_EFR_GA		AMDVI_BIT(7)	/* guest virtual APIC */
#define AMDVI_EFR_HE		AMDVI_BIT(8)	/* hardware error registers */
#define AMDVI_EFR_PC		AMDVI_BIT(9)	/* performance counters */
#define AMDVI_EFR_HATS_MASK	AMDVI_GENMASK(11, 10)	/* host address translation size */
#define AMDVI_EFR_GATS_MASK	AMDVI_GENMASK(13, 12)	/* guest ATS; 1 = 5-level */
#define AMDVI_EFR_GLX_MASK	AMDVI_GENMASK(15, 14)	/* GCR3 table levels */
#define AMDVI_EFR_SMIF_MASK	AMDVI_GENMASK(17, 16)	/* SMI filter support */
#define AMDVI_EFR_SMIFRC_MASK	AMDVI_GENMASK(20, 18)	/* SMI filter register count */
#define AMDVI_EFR_GAM_VAPIC	AMDVI_BIT(21)	/* GAMSup bit 0: vAPIC mode */
#define AMDVI_EFR_PASMAX_MASK	AMDVI_GENMASK(36, 32)	/* max PASID bits - 1 */
#define AMDVI_EFR_GIOSUP	AMDVI_BIT(48)
#define AMDVI_EFR_HASUP		AMDVI_BIT(49)	/* host access (6.12) */
#define AMDVI_EFR_EPHSUP	AMDVI_BIT(50)	/* enhanced PPR handling */
#define AMDVI_EFR_HDSUP		AMDVI_BIT(52)	/* host dirty (6.12) */
#define AMDVI_EFR_SNP		AMDVI_BIT(63)

struct amdvi_efr {
	uint64_t raw;
	bool pref, ppr, xt, nx, gt, gappi, ia, ga, he, pc;
	uint8_t hats, gats, glx, smif, smifrc, pasmax;
	bool gam_vapic, giosup, hasup, ephsup, hdsup, snp;
};

int amdvi_efr_decode(uint64_t efr, struct amdvi_efr *out);
uint64_t amdvi_efr_encode(const struct amdvi_efr *efr);

/*
 * The names the kernel prints after "Extended features (%#llx, %#llx):"
 * (6.1/6.12 print_iommu_info): bits 0-9 as PreF PPR X2APIC NX GT [5] IA
 * GA HE PC, then GA_vAPIC and SNP.  E.g. " PreF PPR GT IA GA HE" for the
 * QEMU amd-iommu EFR 0x29d3.  Returns what snprintf returns.
 */
int amdvi_efr_kernel_names(uint64_t efr, char *buf, size_t len);

/* Full line: "Extended features (0x29d3, 0x0): PreF PPR GT IA GA HE". */
int amdvi_efr_format(uint64_t efr, uint64_t efr2, char *buf, size_t len);

#endif /* AMDVI_EFR_H */
