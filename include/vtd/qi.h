/*
 * VT-d invalidation-queue (QI) descriptors and the desc_status values.
 *
 * The queue is a ring of QI_LENGTH = 256 descriptors in RAM (qi->desc),
 * 128-bit, or 256-bit when the hardware supports scalable mode
 * (1 << qi_shift bytes, see vtd_qi_desc_size() in vtd/cap.h).  In memory
 * a descriptor is u64 qw0, qw1 (and qw2, qw3 for 256-bit) (struct qi_desc,
 * K6.1 intel/iommu.h:425-430).  The type is qw0 bits 3:0 (what the kernel
 * tests: qw0 & 0xf in qi_dump_fault, GENMASK_ULL(3, 0) in 7.3
 * qi_submit_sync).  Linux writes qw2 = qw3 = 0 for every type except the
 * 6.1 page group response, which carries private data there.
 *
 * Field positions are those of the QI_* macros (K5.10
 * linux/intel-iommu.h:324-413; K6.1 intel/iommu.h:334-423; K6.12
 * intel/iommu.h:387-475; K7.3 intel/iommu.h:380-467; the macro set is the
 * same but for QI_PGRP_PDP, 5.10/6.1 only, and QI_PGRP_LPIG, gone in 7.3)
 * and of their builders (qi_flush_* in K6.1 intel/dmar.c:1478-1652,
 * qi_desc_* in K6.12 intel/iommu.h).
 *
 *   1 context-cache   qw0: G 5:4 (1 global, 2 domain, 3 device), DID 31:16,
 *                     SID 47:32, FM 49:48
 *   2 IOTLB           qw0: G 5:4 (1 global, 2 domain, 3 page), DW 6, DR 7,
 *                     DID 31:16; qw1: ADDR 63:12, IH 6, AM 5:0
 *   3 device-TLB      qw0: PFSID 15:12 + 63:52, QDEP 20:16, SID 47:32;
 *                     qw1: ADDR 63:12, S 0
 *   4 interrupt entry cache  qw0: G 4 (index-selective), IM 31:27, IIDX 47:32
 *   5 invalidation wait      qw0: IF 4, SW 5, FN 6, PD 7, status data 63:32;
 *                     qw1: status address
 *   6 PASID-based IOTLB      qw0: G 5:4 (2 PASID, 3 page in PASID), DID 31:16,
 *                     PASID 51:32; qw1: ADDR 63:12, IH 6, AM 5:0
 *   7 PASID cache     qw0: G 5:4 (0 all PASIDs of a DID, 1 PASID, 3 global),
 *                     DID 31:16, PASID 51:32
 *   8 PASID-based device-TLB qw0: PFSID 15:12 + 63:52, QDEP 8:4, SID 31:16,
 *                     PASID 51:32; qw1: ADDR 63:12, S 11, G 0 (spec; Linux
 *                     never sets it)
 *   9 page group response    qw0: PASID_P 4, PDP 5 (5.10/6.1), response
 *                     code 15:12, RID 31:16, PASID 51:32; qw1: LPIG 2
 *                     (5.10-6.12), PRG index 11:3
 *   0xa page stream response (Linux never builds one; kept raw)
 */
#ifndef VTD_QI_H
#define VTD_QI_H

#include "vtd/common.h"

#define VTD_QI_LENGTH		256	/* QI_LENGTH */
#define VTD_QI_DESC_SIZE_128	16
#define VTD_QI_DESC_SIZE_256	32
#define VTD_QI_TYPE_MASK	VTD_GENMASK(3, 0)

enum vtd_qi_type {
	VTD_QI_CC		= 0x1,	/* QI_CC_TYPE */
	VTD_QI_IOTLB		= 0x2,	/* QI_IOTLB_TYPE */
	VTD_QI_DIOTLB		= 0x3,	/* QI_DIOTLB_TYPE */
	VTD_QI_IEC		= 0x4,	/* QI_IEC_TYPE */
	VTD_QI_IWD		= 0x5,	/* QI_IWD_TYPE */
	VTD_QI_EIOTLB		= 0x6,	/* QI_EIOTLB_TYPE */
	VTD_QI_PC		= 0x7,	/* QI_PC_TYPE */
	VTD_QI_DEIOTLB		= 0x8,	/* QI_DEIOTLB_TYPE */
	VTD_QI_PGRP_RESP	= 0x9,	/* QI_PGRP_RESP_TYPE */
	VTD_QI_PSTRM_RESP	= 0xa,	/* QI_PSTRM_RESP_TYPE */
};

/* Shared qw0 fields */
#define VTD_QI_G_MASK		VTD_GENMASK(5, 4)	/* QI_*_GRAN */
#define VTD_QI_DID_MASK		VTD_GENMASK(31, 16)	/* QI_CC/IOTLB/EIOTLB/PC_DID */
#define VTD_QI_PASID_MASK	VTD_GENMASK(51, 32)	/* QI_EIOTLB/PC/DEV_EIOTLB_PASID */
#define VTD_QI_PFSID_LO_MASK	VTD_GENMASK(15, 12)	/* QI_DEV_IOTLB_PFSID: pfsid 3:0 */
#define VTD_QI_PFSID_HI_MASK	VTD_GENMASK(63, 52)	/*   pfsid 15:4 */
/* Shared qw1 fields */
#define VTD_QI_ADDR_MASK	VTD_GENMASK(63, 12)	/* QI_IOTLB/EIOTLB/DEV_*_ADDR */
#define VTD_QI_IH		VTD_BIT(6)		/* QI_IOTLB_IH / QI_EIOTLB_IH */
#define VTD_QI_AM_MASK		VTD_GENMASK(5, 0)	/* QI_IOTLB_AM / QI_EIOTLB_AM */

/* 1: context cache */
#define VTD_QI_CC_SID_MASK	VTD_GENMASK(47, 32)	/* QI_CC_SID */
#define VTD_QI_CC_FM_MASK	VTD_GENMASK(49, 48)	/* QI_CC_FM */
/* 2: IOTLB */
#define VTD_QI_IOTLB_DW		VTD_BIT(6)		/* QI_IOTLB_DW */
#define VTD_QI_IOTLB_DR		VTD_BIT(7)		/* QI_IOTLB_DR */
/* 3: device-TLB */
#define VTD_QI_DIOTLB_QDEP_MASK	VTD_GENMASK(20, 16)	/* QI_DEV_IOTLB_QDEP */
#define VTD_QI_DIOTLB_SID_MASK	VTD_GENMASK(47, 32)	/* QI_DEV_IOTLB_SID */
#define VTD_QI_DIOTLB_S		VTD_BIT(0)		/* QI_DEV_IOTLB_SIZE (qw1) */
/* 4: interrupt entry cache */
#define VTD_QI_IEC_G		VTD_BIT(4)		/* QI_IEC_SELECTIVE */
#define VTD_QI_IEC_IM_MASK	VTD_GENMASK(31, 27)	/* QI_IEC_IM */
#define VTD_QI_IEC_IIDX_MASK	VTD_GENMASK(47, 32)	/* QI_IEC_IIDEX */
/* 5: invalidation wait */
#define VTD_QI_IWD_IF		VTD_BIT(4)		/* interrupt flag (spec) */
#define VTD_QI_IWD_SW		VTD_BIT(5)		/* QI_IWD_STATUS_WRITE */
#define VTD_QI_IWD_FN		VTD_BIT(6)		/* QI_IWD_FENCE */
#define VTD_QI_IWD_PD		VTD_BIT(7)		/* QI_IWD_PRQ_DRAIN */
#define VTD_QI_IWD_DATA_MASK	VTD_GENMASK(63, 32)	/* QI_IWD_STATUS_DATA */
#define VTD_QI_IWD_ADDR_MASK	VTD_GENMASK(63, 2)	/* qw1: dword-aligned address */
/* 8: PASID-based device-TLB */
#define VTD_QI_DEIOTLB_QDEP_MASK VTD_GENMASK(8, 4)	/* QI_DEV_EIOTLB_QDEP */
#define VTD_QI_DEIOTLB_SID_MASK	VTD_GENMASK(31, 16)	/* QI_DEV_EIOTLB_SID */
#define VTD_QI_DEIOTLB_S	VTD_BIT(11)		/* QI_DEV_EIOTLB_SIZE (qw1) */
#define VTD_QI_DEIOTLB_G	VTD_BIT(0)		/* qw1, spec only */
/* 9: page group response */
#define VTD_QI_PGRP_PASID_P	VTD_BIT(4)		/* QI_PGRP_PASID_P */
#define VTD_QI_PGRP_PDP		VTD_BIT(5)		/* QI_PGRP_PDP (5.10, 6.1) */
#define VTD_QI_PGRP_CODE_MASK	VTD_GENMASK(15, 12)	/* QI_PGRP_RESP_CODE */
#define VTD_QI_PGRP_RID_MASK	VTD_GENMASK(31, 16)	/* QI_PGRP_DID (holds the RID) */
#define VTD_QI_PGRP_LPIG	VTD_BIT(2)		/* QI_PGRP_LPIG (qw1) */
#define VTD_QI_PGRP_IDX_MASK	VTD_GENMASK(11, 3)	/* QI_PGRP_IDX (qw1) */

/* Granularity values */
enum {
	VTD_QI_CC_G_GLOBAL = 1, VTD_QI_CC_G_DOMAIN = 2, VTD_QI_CC_G_DEVICE = 3,
	VTD_QI_IOTLB_G_GLOBAL = 1, VTD_QI_IOTLB_G_DOMAIN = 2, VTD_QI_IOTLB_G_PAGE = 3,
	VTD_QI_EIOTLB_G_PASID = 2, VTD_QI_EIOTLB_G_PAGE = 3,	/* QI_GRAN_NONG_PASID, _PSI_PASID */
	VTD_QI_PC_G_ALL_PASIDS = 0, VTD_QI_PC_G_PASID = 1, VTD_QI_PC_G_GLOBAL = 3,
};

/* desc_status[] values (K6.1 intel/iommu.h:327-332; identical 5.10-7.3). */
enum vtd_qi_status {
	VTD_QI_FREE	= 0,	/* QI_FREE: slot reclaimable */
	VTD_QI_IN_USE	= 1,	/* QI_IN_USE: submitted, not completed */
	VTD_QI_DONE	= 2,	/* QI_DONE: what the wait's status write stores */
	VTD_QI_ABORT	= 3,	/* QI_ABORT: set by qi_check_fault on ITE */
};

struct vtd_qi_cc {
	unsigned int g;
	uint16_t did, sid;
	unsigned int fm;
};

struct vtd_qi_iotlb {		/* types 2 and 6 */
	unsigned int g;
	uint16_t did;
	uint32_t pasid;		/* type 6 */
	bool dw, dr;		/* type 2 */
	uint64_t addr;
	bool ih;
	unsigned int am;
	struct vtd_range range;	/* G page: addr aligned to 4 KiB << am;
				 * other G: everything (0 .. ~0) */
};

struct vtd_qi_dev_tlb {		/* types 3 and 8 */
	uint16_t sid, pfsid;
	unsigned int qdep;
	uint32_t pasid;		/* type 8 */
	uint64_t addr;
	bool s;
	bool g;			/* type 8, spec only */
	struct vtd_range range;	/* from addr and S */
};

struct vtd_qi_iec {
	bool g;			/* index-selective */
	unsigned int im;
	uint16_t iidx;
};

struct vtd_qi_wait {
	bool intr, sw, fn, pd;	/* IF, SW, FN, PD */
	uint32_t status_data;
	uint64_t status_addr;
};

struct vtd_qi_pc {
	unsigned int g;
	uint16_t did;
	uint32_t pasid;
};

struct vtd_qi_pgrp_resp {
	bool pasid_present, pdp, lpig;
	unsigned int code;
	uint16_t rid;
	uint32_t pasid;
	unsigned int prg_index;
};

struct vtd_qi_desc {
	uint64_t qw[4];
	unsigned int type;	/* qw0 bits 3:0, kept also when unknown */
	bool known;		/* one of enum vtd_qi_type */
	union {
		struct vtd_qi_cc cc;
		struct vtd_qi_iotlb iotlb;	/* IOTLB, PASID-based IOTLB */
		struct vtd_qi_dev_tlb dev_tlb;	/* device-TLB, PASID-based device-TLB */
		struct vtd_qi_iec iec;
		struct vtd_qi_wait wait;
		struct vtd_qi_pc pc;
		struct vtd_qi_pgrp_resp pgrp;
	} u;
};

/* "CC_INV", "IOTLB_INV", "DEV_TLB_INV", "IEC_INV", "INV_WAIT",
 * "PASID_IOTLB_INV", "PASID_CACHE_INV", "PASID_DEV_TLB_INV",
 * "PAGE_GROUP_RESP", "PAGE_STREAM_RESP", else "UNKNOWN". */
const char *vtd_qi_type_name(unsigned int type);
/* The kernel's qi_type_string() text (6.1+, in "QI HEAD:"/"QI PRIOR:"
 * lines), e.g. "Invalidation Wait"; "UNKNOWN" for 0xa and others. */
const char *vtd_qi_type_kernel_string(unsigned int type);
/* Granularity name for a type's G value ("global", "domain", "device",
 * "page", "pasid", "pasid-page", "all-pasids", "index"); "reserved" for a
 * value the type does not define, "" for a type without granularity. */
const char *vtd_qi_gran_name(unsigned int type, unsigned int g);
/* "free", "in-use", "done", "abort", "invalid" */
const char *vtd_qi_status_name(int status);

/* Decode qw[0..3] (qw[2], qw[3] are 0 for 128-bit descriptors). */
int vtd_qi_desc_decode(const uint64_t qw[4], struct vtd_qi_desc *out);

/*
 * Load slot's descriptor from a byte copy of the ring (little-endian;
 * ring_len >= 256 * desc_size; desc_size 16 or 32).  qw[2..3] are 0 for
 * 16-byte descriptors.  VTD_ERR_SIZE / VTD_ERR_RANGE on bad arguments.
 */
int vtd_qi_desc_load(const void *ring, size_t ring_len, unsigned int desc_size,
		     unsigned int slot, uint64_t qw[4]);

/* IOVA range of an address-mask (AM) invalidation: 4 KiB << am at addr
 * aligned down; AM above 52 is "everything". */
struct vtd_range vtd_qi_am_range(uint64_t addr, unsigned int am);
/*
 * IOVA range of a device-TLB address with its S bit: S = 0 is the page
 * at addr; S = 1 means the lowest zero bit n >= 12 of addr selects the
 * naturally aligned 2^(n+1) bytes (as qi_flush_dev_iotlb encodes a mask:
 * ones below the size bit); all ones up to bit 62 is everything.
 */
struct vtd_range vtd_qi_s_range(uint64_t addr, bool s);

/*
 * One line for reports, e.g.
 *   "IOTLB_INV page did=3 addr=0xffe58000 am=0 [0xffe58000-0xffe58fff] DR DW"
 *   "INV_WAIT SW data=0x2 addr=0x1b3c0044"
 * Returns what snprintf returns.
 */
int vtd_qi_desc_format(const struct vtd_qi_desc *d, char *buf, size_t len);

#endif /* VTD_QI_H */
