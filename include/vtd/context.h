/*
 * VT-d context entries: the per-devfn entry a root entry points to.
 *
 * Legacy mode (128 bits, lo/hi, 256 per table; K6.1 intel/iommu.h:502-516
 * struct context_entry and the setters at K6.1 intel/iommu.c:173-236,
 * moved to K6.12 intel/iommu.h:959-1022 and K7.3 intel/iommu.h:897-960;
 * K5.10 intel/iommu.c:246-285):
 *   lo: bit 0 P, bit 1 FPD, bits 3:2 TT, bits 63:12 ASR (page-table root)
 *   hi: bits 2:0 AW, bits 6:3 AVAIL, bits 23:8 DID
 * TT values are CONTEXT_TT_* (K6.1 intel/iommu.h:54-56; K5.10
 * linux/intel-iommu.h:52-54).  For pass-through the kernel programs AW =
 * iommu->msagaw and the hardware ignores ASR (K6.1 intel/iommu.c:2079-2085).
 * The ASR already skips the top levels the unit cannot walk: use AW from
 * the entry, never the domain's agaw, to count levels.
 *
 * Scalable mode (256 bits, 128 per table; only the low 128 bits are
 * written by Linux):
 *   lo: bit 0 P, bit 1 FPD, bit 2 DTE, bit 3 PASIDE, bit 4 PRE,
 *       bits 11:9 PDTS, bits 63:12 PASID-directory pointer
 *   hi: bits 19:0 RID_PASID (Linux writes 0, PASID_RID2PASID/IOMMU_NO_PASID)
 * (K6.1 intel/iommu.c:1947-1971 context_set_sm_*, context_pdts; K6.12
 * intel/iommu.h:1058-1080,1222; K7.3 intel/iommu.h:996-1018,1155; K5.10
 * intel/iommu.c:2119-2143).  The directory has 1 << (PDTS + 7) entries
 * (get_pasid_dir_size, K6.1 intel/pasid.h:25; K6.12/K7.3 intel/pasid.h:23).
 */
#ifndef VTD_CONTEXT_H
#define VTD_CONTEXT_H

#include "vtd/common.h"

/* ---- legacy ---- */
/* lo */
#define VTD_CTX_P		VTD_BIT(0)		/* context_present() */
#define VTD_CTX_FPD		VTD_BIT(1)		/* context_set_fault_enable clears it */
#define VTD_CTX_TT_MASK		VTD_GENMASK(3, 2)	/* context_set_translation_type */
#define VTD_CTX_ASR_MASK	VTD_GENMASK(63, 12)	/* context_set_address_root */
/* hi */
#define VTD_CTX_AW_MASK		VTD_GENMASK(2, 0)	/* context_set_address_width */
#define VTD_CTX_AVAIL_MASK	VTD_GENMASK(6, 3)
#define VTD_CTX_DID_MASK	VTD_GENMASK(23, 8)	/* context_domain_id */

enum vtd_ctx_tt {
	VTD_CTX_TT_MULTI_LEVEL	= 0,	/* CONTEXT_TT_MULTI_LEVEL */
	VTD_CTX_TT_DEV_IOTLB	= 1,	/* CONTEXT_TT_DEV_IOTLB: multi-level + device-TLB */
	VTD_CTX_TT_PASS_THROUGH	= 2,	/* CONTEXT_TT_PASS_THROUGH */
	VTD_CTX_TT_RESERVED	= 3,
};

struct vtd_context_entry {
	uint64_t raw[2];	/* lo, hi */
	bool present, fpd;
	unsigned int tt;	/* enum vtd_ctx_tt */
	uint64_t asr;		/* lo 63:12 */
	unsigned int aw;	/* hi 2:0 */
	unsigned int avail;	/* hi 6:3 */
	uint16_t did;		/* hi 23:8 */
};

enum vtd_ctx_class {
	VTD_CTX_NOT_PRESENT,
	VTD_CTX_TRANSLATED,	/* TT 0 or 1: walk ASR with AW levels */
	VTD_CTX_PASSTHROUGH,	/* TT 2: identity, ASR ignored */
	VTD_CTX_BAD,		/* TT 3 */
};

int vtd_context_decode(const uint64_t raw[2], struct vtd_context_entry *out);
/* "multi-level", "multi-level+dev-tlb", "pass-through", "reserved" */
const char *vtd_ctx_tt_name(unsigned int tt);
enum vtd_ctx_class vtd_context_classify(const struct vtd_context_entry *ce);
const char *vtd_ctx_class_name(enum vtd_ctx_class cls);

/*
 * Where a translated legacy context's walk starts: the root table (ASR)
 * and the number of levels from AW.  VTD_ERR_FORMAT for a context that
 * does not translate (not present, pass-through, TT 3) or an AW that no
 * kernel uses (see vtd_agaw_decode); *levels is still aw + 2 then.
 */
int vtd_context_walk_root(const struct vtd_context_entry *ce, uint64_t *root_pa,
			  unsigned int *levels);

/* e.g. "translated tt=multi-level did=3 aw=2(4-level) asr=0x1f2e000" */
int vtd_context_format(const struct vtd_context_entry *ce, char *buf, size_t len);

/* ---- scalable mode ---- */
/* lo */
#define VTD_SMCTX_P		VTD_BIT(0)
#define VTD_SMCTX_FPD		VTD_BIT(1)
#define VTD_SMCTX_DTE		VTD_BIT(2)		/* context_set_sm_dte */
#define VTD_SMCTX_PASIDE	VTD_BIT(3)		/* CONTEXT_PASIDE */
#define VTD_SMCTX_PRE		VTD_BIT(4)		/* context_set_sm_pre */
#define VTD_SMCTX_PDTS_MASK	VTD_GENMASK(11, 9)	/* context_pdts() */
#define VTD_SMCTX_PDTP_MASK	VTD_GENMASK(63, 12)	/* PASID-directory pointer */
/* hi */
#define VTD_SMCTX_RID_PASID_MASK VTD_GENMASK(19, 0)	/* context_set_sm_rid2pasid */

struct vtd_sm_context_entry {
	uint64_t raw[4];	/* lo, hi, and two reserved words */
	bool present, fpd, dte, paside, pre;
	unsigned int pdts;	/* 3 bits */
	uint32_t pasid_dir_entries;	/* 1 << (pdts + 7) */
	uint64_t pasid_dir;	/* lo 63:12 */
	uint32_t rid_pasid;	/* hi 19:0 */
};

/* raw = lo, hi and the two reserved words; only lo/hi carry fields. */
int vtd_sm_context_decode(const uint64_t raw[4], struct vtd_sm_context_entry *out);
/* PASIDs the directory can reach: entries * 64 (one table per entry). */
uint32_t vtd_sm_context_max_pasid(const struct vtd_sm_context_entry *ce);
/* e.g. "present pasid-dir=0x1e3f000 entries=128 rid_pasid=0 DTE PASIDE" */
int vtd_sm_context_format(const struct vtd_sm_context_entry *ce, char *buf, size_t len);

#endif /* VTD_CONTEXT_H */
