/*
 * VT-d Capability (CAP, MMIO 0x08) and Extended Capability (ECAP, 0x10)
 * registers, and the Global Command / Global Status bits (GCMD 0x18,
 * GSTS 0x1c).  The kernel keeps copies of CAP and ECAP in iommu->cap and
 * iommu->ecap (so they are in a vmcore) and a software shadow of GCMD in
 * iommu->gcmd: what it commanded, not what the hardware reports (GSTS is
 * MMIO only).  The boot log has both registers too:
 * "%s: reg_base_addr %llx ver %d:%d cap %llx ecap %llx" (K6.1
 * intel/dmar.c:1102; K6.12 :1115; K7.3 :1180; K5.10 :1107).
 *
 * Every field is the one a cap_* / ecap_* macro reads, at the same bit
 * position (K5.10 linux/intel-iommu.h:142-200; K6.1 intel/iommu.h:149-211;
 * K6.12 intel/iommu.h:162-225; K7.3 intel/iommu.h:157-218).  Macros that
 * exist in some eras only: cap_esrtps/cap_esirtps (6.1+), cap_ecmds
 * (6.12+), cap_5lp_support (5.10's name for cap_fl5lp_support), ecap_ecs
 * (5.10 only), ecap_vcs (5.10, 6.1), ecap_pms (6.12+), ecap_rps/ecap_slads
 * (6.1+).  Bits are decoded whatever the era: a register has one layout.
 */
#ifndef VTD_CAP_H
#define VTD_CAP_H

#include "vtd/common.h"

/* ---- CAP ---- */
#define VTD_CAP_ND_MASK		VTD_GENMASK(2, 0)	/* cap_ndoms: 1 << (4 + 2 nd) */
#define VTD_CAP_AFL		VTD_BIT(3)		/* advanced fault logging */
#define VTD_CAP_RWBF		VTD_BIT(4)		/* required write-buffer flush */
#define VTD_CAP_PLMR		VTD_BIT(5)		/* protected low-memory region */
#define VTD_CAP_PHMR		VTD_BIT(6)		/* protected high-memory region */
#define VTD_CAP_CM		VTD_BIT(7)		/* caching mode */
#define VTD_CAP_SAGAW_MASK	VTD_GENMASK(12, 8)	/* bit n: AGAW n supported */
#define VTD_CAP_MGAW_MASK	VTD_GENMASK(21, 16)	/* cap_mgaw = field + 1 */
#define VTD_CAP_ZLR		VTD_BIT(22)		/* zero-length read */
#define VTD_CAP_ISOCH		VTD_BIT(23)		/* cap_isoch */
#define VTD_CAP_FRO_MASK	VTD_GENMASK(33, 24)	/* fault-recording offset / 16 */
#define VTD_CAP_SLLPS_MASK	VTD_GENMASK(37, 34)	/* cap_super_page_val: 2M, 1G, .. */
#define VTD_CAP_PSI		VTD_BIT(39)		/* page-selective invalidation */
#define VTD_CAP_NFR_MASK	VTD_GENMASK(47, 40)	/* fault-recording registers - 1 */
#define VTD_CAP_MAMV_MASK	VTD_GENMASK(53, 48)	/* maximum address-mask value */
#define VTD_CAP_DWD		VTD_BIT(54)		/* write draining */
#define VTD_CAP_DRD		VTD_BIT(55)		/* read draining */
#define VTD_CAP_FL1GP		VTD_BIT(56)		/* first-level 1 GiB pages */
#define VTD_CAP_PI		VTD_BIT(59)		/* posted interrupts */
#define VTD_CAP_FL5LP		VTD_BIT(60)		/* first-level 5-level paging */
#define VTD_CAP_ECMDS		VTD_BIT(61)		/* enhanced command (6.12+) */
#define VTD_CAP_ESIRTPS		VTD_BIT(62)		/* IRTP invalidates IEC (6.1+) */
#define VTD_CAP_ESRTPS		VTD_BIT(63)		/* RTP invalidates caches (6.1+) */

/* SLLPS bits (cap_super_page_val) */
#define VTD_SLLPS_2M		0x1U
#define VTD_SLLPS_1G		0x2U

struct vtd_cap {
	uint64_t raw;
	unsigned int nd;	/* 3-bit field */
	uint32_t ndoms;		/* domain ids: 1 << (4 + 2 * nd) */
	bool afl, rwbf, plmr, phmr, cm;
	unsigned int sagaw;	/* 5 bits */
	uint32_t sagaw_levels;	/* bit L set: an L-level table is supported */
	unsigned int mgaw;	/* field + 1 = maximum guest address width */
	bool zlr, isoch;
	uint32_t fro;		/* byte offset of the first FRCD: field * 16 */
	unsigned int sllps;	/* 4 bits: VTD_SLLPS_* */
	bool psi;
	unsigned int nfr;	/* number of fault-recording registers: field + 1 */
	unsigned int mamv;	/* 6 bits */
	bool dwd, drd, fl1gp, pi, fl5lp, ecmds, esirtps, esrtps;
};

int vtd_cap_decode(uint64_t cap, struct vtd_cap *out);
/* AGAW aw (0..4) in CAP.SAGAW. */
bool vtd_cap_supports_agaw(uint64_t cap, unsigned int aw);

/* ---- ECAP ---- */
#define VTD_ECAP_C		VTD_BIT(0)		/* page-walk coherency */
#define VTD_ECAP_QI		VTD_BIT(1)		/* queued invalidation */
#define VTD_ECAP_DT		VTD_BIT(2)		/* device-TLB */
#define VTD_ECAP_IR		VTD_BIT(3)		/* interrupt remapping */
#define VTD_ECAP_EIM		VTD_BIT(4)		/* extended interrupt mode */
#define VTD_ECAP_PT		VTD_BIT(6)		/* pass-through */
#define VTD_ECAP_SC		VTD_BIT(7)		/* snoop control */
#define VTD_ECAP_IRO_MASK	VTD_GENMASK(17, 8)	/* IOTLB register offset / 16 */
#define VTD_ECAP_MHMV_MASK	VTD_GENMASK(23, 20)	/* maximum handle mask value */
#define VTD_ECAP_ECS		VTD_BIT(24)		/* extended context (5.10 only) */
#define VTD_ECAP_MTS		VTD_BIT(25)		/* memory-type support */
#define VTD_ECAP_NEST		VTD_BIT(26)		/* nested translation */
#define VTD_ECAP_DIS		VTD_BIT(27)		/* ecap_dis */
#define VTD_ECAP_BROKEN_PASID	VTD_BIT(28)		/* ecap_broken_pasid (no user) */
#define VTD_ECAP_PRS		VTD_BIT(29)		/* page requests */
#define VTD_ECAP_ERS		VTD_BIT(30)		/* execute requests */
#define VTD_ECAP_SRS		VTD_BIT(31)		/* supervisor requests */
#define VTD_ECAP_NWFS		VTD_BIT(33)		/* no write flag */
#define VTD_ECAP_EAFS		VTD_BIT(34)		/* extended accessed flag */
#define VTD_ECAP_PSS_MASK	VTD_GENMASK(39, 35)	/* PASID size: max = 2 << pss */
#define VTD_ECAP_PASID		VTD_BIT(40)
#define VTD_ECAP_DIT		VTD_BIT(41)		/* device-TLB invalidation throttle */
#define VTD_ECAP_PDS		VTD_BIT(42)		/* page-request drain */
#define VTD_ECAP_SMTS		VTD_BIT(43)		/* scalable-mode translation */
#define VTD_ECAP_VCS		VTD_BIT(44)		/* virtual command (5.10, 6.1) */
#define VTD_ECAP_SLADS		VTD_BIT(45)		/* SL access/dirty (6.1+) */
#define VTD_ECAP_SLTS		VTD_BIT(46)		/* second-level translation */
#define VTD_ECAP_FLTS		VTD_BIT(47)		/* first-level translation */
#define VTD_ECAP_SMPWC		VTD_BIT(48)		/* SM page-walk coherency */
#define VTD_ECAP_RPS		VTD_BIT(49)		/* RID_PASID (6.1+) */
#define VTD_ECAP_PMS		VTD_BIT(51)		/* performance monitoring (6.12+) */

struct vtd_ecap {
	uint64_t raw;
	bool c, qi, dt, ir, eim, pt, sc;
	uint32_t iro;		/* byte offset of the IOTLB registers: field * 16 */
	unsigned int mhmv;	/* 4 bits */
	bool ecs, mts, nest, dis, broken_pasid, prs, ers, srs, nwfs, eafs;
	unsigned int pss;	/* 5 bits */
	uint32_t max_pasids;	/* 2 << pss (K6.1 intel/dmar.c:1125), capped at 2^20 */
	bool pasid, dit, pds, smts, vcs, slads, slts, flts, smpwc, rps, pms;
};

int vtd_ecap_decode(uint64_t ecap, struct vtd_ecap *out);

/*
 * Invalidation-queue descriptor size: 1 << qi_shift = 16 << ECAP.SMTS
 * (K6.1 intel/iommu.h:423 qi_shift; K5.10 linux/intel-iommu.h:413; K6.12
 * intel/iommu.h:475; K7.3 intel/iommu.h:467).  It follows the hardware's
 * SM support, not whether SM is in use (dmar_enable_qi sets IQA.DW then,
 * K6.1 intel/dmar.c:1700-1704).
 */
unsigned int vtd_qi_desc_size(uint64_t ecap);

/*
 * The set single-bit features by name, then the multi-bit fields, e.g.
 *   CAP  "CM PSI nd=6(65536) mgaw=39 sagaw=0x2 sllps=0x3 fro=0x220 nfr=1 mamv=18"
 *   ECAP "QI DT IR EIM PT iro=0xf0 mhmv=15 pss=0"
 * (ECAP bit 28 prints as "BIT28").  Returns what snprintf returns.
 */
int vtd_cap_format(uint64_t cap, char *buf, size_t len);
int vtd_ecap_format(uint64_t ecap, char *buf, size_t len);

/* ---- GCMD / GSTS (K6.1 intel/iommu.h:247-266; same in all eras) ---- */
#define VTD_GCMD_CFI		VTD_BIT(23)	/* compatibility-format interrupts */
#define VTD_GCMD_SIRTP		VTD_BIT(24)	/* set interrupt-remap table pointer */
#define VTD_GCMD_IRE		VTD_BIT(25)	/* interrupt remapping enable */
#define VTD_GCMD_QIE		VTD_BIT(26)	/* queued invalidation enable */
#define VTD_GCMD_WBF		VTD_BIT(27)	/* write-buffer flush */
#define VTD_GCMD_EAFL		VTD_BIT(28)	/* enable advanced fault logging */
#define VTD_GCMD_SFL		VTD_BIT(29)	/* set fault log */
#define VTD_GCMD_SRTP		VTD_BIT(30)	/* set root table pointer */
#define VTD_GCMD_TE		VTD_BIT(31)	/* translation enable */

#define VTD_GSTS_CFIS		VTD_BIT(23)
#define VTD_GSTS_IRTPS		VTD_BIT(24)
#define VTD_GSTS_IRES		VTD_BIT(25)
#define VTD_GSTS_QIES		VTD_BIT(26)
#define VTD_GSTS_WBFS		VTD_BIT(27)
#define VTD_GSTS_AFLS		VTD_BIT(28)
#define VTD_GSTS_FLS		VTD_BIT(29)
#define VTD_GSTS_RTPS		VTD_BIT(30)
#define VTD_GSTS_TES		VTD_BIT(31)

/*
 * Set bits by name, most significant first, space separated:
 * GCMD "TE SRTP SFL EAFL WBF QIE IRE SIRTP CFI" (e.g. "TE QIE IRE" for a
 * running unit's iommu->gcmd), GSTS "TES RTPS FLS AFLS WBFS QIES IRES
 * IRTPS CFIS"; other set bits as "bitN"; "" for none.
 */
int vtd_gcmd_format(uint32_t gcmd, char *buf, size_t len);
int vtd_gsts_format(uint32_t gsts, char *buf, size_t len);

#endif /* VTD_CAP_H */
