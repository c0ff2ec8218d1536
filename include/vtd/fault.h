/*
 * VT-d fault reporting: fault-reason codes, the Fault Status register
 * (FSTS) and the 128-bit Fault Recording registers (FRCD).
 *
 * FSTS and FRCD are MMIO and never in a vmcore (and VT-d has no in-RAM
 * fault log: Linux leaves advanced fault logging unused, "TBD: ignore
 * advanced fault log currently", K6.1 intel/dmar.c:2007).  A dump shows
 * faults only as the kernel's log lines; the FRCD decoder and the line
 * formatter serve the fault-injection lab and the tests, which build
 * FRCD values and compare the lines a kernel of each era prints.
 *
 * Reason strings and the lookup order are dmar_get_fault_reason's
 * (K5.10 intel/dmar.c:1674-1778; K6.1 intel/dmar.c:1784-1888; K6.12
 * intel/dmar.c:1748-1852; K7.3 intel/dmar.c:1803-1907): the three tables
 * and the lookup are the same text in all four eras.  Lookup order:
 * 0x20-0x26 interrupt remapping; 0x30-0x90 scalable-mode table (the
 * kernel reports these as DMA faults, and the table's gaps as "Unknown"
 * DMA faults); 0x00-0x0d DMA remapping; anything else "Unknown".
 *
 * The printed line changed (dmar_fault_do_one, prefix "DMAR: " from
 * pr_fmt, intel/dmar.c:17 in every era):
 *   5.10   "[DMA Read] Request device [bb:dd.f] PASID %x fault addr %llx
 *           [fault reason %02d] %s": the reason in *decimal*, a missing
 *           PASID printed as ffffffff (-1) (K5.10 intel/dmar.c:1845-1866);
 *   6.1, 6.12  "[DMA Read NO_PASID] ..." / "[DMA Read PASID 0x%x] ...
 *           fault addr 0x%llx [fault reason 0x%02x] %s" (K6.1
 *           intel/dmar.c:1955-1989; K6.12 intel/dmar.c:1921-1955);
 *   7.3    the same with the segment: "Request device [%04x:bb:dd.f]"
 *           (K7.3 intel/dmar.c:1963-2000).
 * Interrupt-remapping faults print "[INTR-REMAP] ... fault index %llx"
 * (the FRCD fault-info bits 63:48) in the same three styles.
 */
#ifndef VTD_FAULT_H
#define VTD_FAULT_H

#include "vtd/common.h"

/* ---- fault reasons ---- */
enum vtd_fault_kind {
	VTD_FAULT_KIND_UNKNOWN,	/* kernel: UNKNOWN, "Unknown" */
	VTD_FAULT_KIND_DMA,	/* 0x00-0x0d, kernel DMA_REMAP */
	VTD_FAULT_KIND_IR,	/* 0x20-0x26, kernel INTR_REMAP */
	VTD_FAULT_KIND_SM_DMA,	/* 0x30-0x90, kernel DMA_REMAP too */
};

/* The kernel's text for a reason code, "Unknown" when it has none. */
const char *vtd_fault_reason_str(unsigned int code);
enum vtd_fault_kind vtd_fault_kind(unsigned int code);
/* "unknown", "dma", "interrupt-remapping", "sm-dma" */
const char *vtd_fault_kind_name(enum vtd_fault_kind kind);
/* DMA or SM_DMA: the kernel prints the request line, not INTR-REMAP. */
static inline bool vtd_fault_kind_is_dma(enum vtd_fault_kind kind)
{
	return kind == VTD_FAULT_KIND_DMA || kind == VTD_FAULT_KIND_SM_DMA;
}

/* ---- FSTS (K6.1 intel/iommu.h:288-294; same in all eras) ---- */
#define VTD_FSTS_PFO		VTD_BIT(0)		/* primary fault overflow */
#define VTD_FSTS_PPF		VTD_BIT(1)		/* primary pending fault */
#define VTD_FSTS_IQE		VTD_BIT(4)		/* invalidation queue error */
#define VTD_FSTS_ICE		VTD_BIT(5)		/* invalidation completion error */
#define VTD_FSTS_ITE		VTD_BIT(6)		/* invalidation time-out error */
#define VTD_FSTS_PRO		VTD_BIT(7)		/* page request overflow */
#define VTD_FSTS_FRI_MASK	VTD_GENMASK(15, 8)	/* fault record index */

struct vtd_fsts {
	uint32_t raw;
	bool pfo, ppf, iqe, ice, ite, pro;
	unsigned int fri;
};

int vtd_fsts_decode(uint32_t fsts, struct vtd_fsts *out);
/* "PFO PPF IQE ICE ITE PRO fri=N" for the set bits (fri always), e.g.
 * "PPF fri=0" for the kernel's "handling fault status reg 2". */
int vtd_fsts_format(uint32_t fsts, char *buf, size_t len);

/* ---- FRCD: 128 bits, lo = bytes 0-7, hi = bytes 8-15 ----
 * (K6.1 intel/iommu.h:296-304 DMA_FRCD_F, dma_frcd_*; the kernel reads
 * the dword at +12 for F/T/PASID/FR and the one at +8 for SID/PP) */
#define VTD_FRCD_FI_MASK	VTD_GENMASK(63, 12)	/* lo: fault info (page) */
#define VTD_FRCD_IR_INDEX_MASK	VTD_GENMASK(63, 48)	/* lo: IR fault: IRTE index */
#define VTD_FRCD_SID_MASK	VTD_GENMASK(15, 0)	/* hi: source-id */
#define VTD_FRCD_PP		VTD_BIT(31)		/* hi: PASID present */
#define VTD_FRCD_FR_MASK	VTD_GENMASK(39, 32)	/* hi: fault reason */
#define VTD_FRCD_PV_MASK	VTD_GENMASK(59, 40)	/* hi: PASID value */
#define VTD_FRCD_AT_MASK	VTD_GENMASK(61, 60)	/* hi: address type (spec only) */
#define VTD_FRCD_T		VTD_BIT(62)		/* hi: 1 = read, 0 = write */
#define VTD_FRCD_F		VTD_BIT(63)		/* hi: fault recorded */

struct vtd_frcd {
	uint64_t raw[2];
	uint64_t fault_info;	/* lo 63:12, as dma_frcd_page_addr */
	uint16_t ir_index;	/* lo 63:48, what INTR-REMAP lines print */
	uint16_t sid;
	bool pasid_present;	/* PP */
	uint32_t pasid;		/* PV, 20 bits */
	uint8_t reason;		/* FR */
	unsigned int at;	/* 2 bits */
	bool read;		/* T: "DMA Read" when set, "DMA Write" when clear */
	bool f;			/* fault recorded (valid) */
};

int vtd_frcd_decode(const uint64_t raw[2], struct vtd_frcd *out);

/* The kernel's line for an FRCD, by era. */
enum vtd_fault_line_style {
	VTD_FAULT_LINE_5_10,	/* "PASID %x", decimal reason */
	VTD_FAULT_LINE_6_1,	/* NO_PASID / PASID 0x%x, hex reason (6.1, 6.12) */
	VTD_FAULT_LINE_7_3,	/* as 6.1 with the segment in the device */
};

/*
 * The whole line dmar_fault_do_one prints for frcd (with "DMAR: ", no
 * newline), e.g. "DMAR: [DMA Read NO_PASID] Request device [00:03.0]
 * fault addr 0xffe58000 [fault reason 0x06] PTE Read access is not set".
 * segment is used by the 7.3 style only.  Returns what snprintf returns.
 */
int vtd_fault_format_kernel_line(const struct vtd_frcd *frcd, enum vtd_fault_line_style style,
				 uint16_t segment, char *buf, size_t len);

#endif /* VTD_FAULT_H */
