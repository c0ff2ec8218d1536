/*
 * The record the reference-flush module (module/iommu_ref_flush) leaves in
 * RAM, so that a crash dump says what the module did without its symbols.
 *
 * Where: one zeroed, page-aligned page the module allocates at load time.
 * It holds one 128-byte slot per IOMMU, slot i at page + i * 128.  The
 * COMPLETION_WAIT the module appends to IOMMU i's command ring stores
 * AMDVI_FLUSH_RECORD_VALUE(i) to slot i's first u64 (`completion`), so the
 * analysis gets from the ring's appended COMPLETION_WAIT (its store address)
 * straight to the record: `completion` is what the IOMMU wrote, the rest is
 * what the module wrote about itself.  The store never lands when the flush
 * was queued but not executed (flush-stuck): `completion` then stays
 * AMDVI_FLUSH_RECORD_PENDING.
 *
 * Every field is fixed-width little-endian (x86), naturally aligned; the
 * same header serves the module (kernel types) and user space.
 */
#ifndef AMDVI_FLUSH_RECORD_H
#define AMDVI_FLUSH_RECORD_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define AMDVI_FLUSH_RECORD_MAGIC	0x314853554c464949ULL	/* "IIFLUSH1" */
#define AMDVI_FLUSH_RECORD_VERSION	1U
#define AMDVI_FLUSH_RECORD_SLOT_SIZE	128U
#define AMDVI_FLUSH_RECORD_PAGE_SIZE	4096U
#define AMDVI_FLUSH_RECORD_MAX_IOMMUS	(AMDVI_FLUSH_RECORD_PAGE_SIZE / AMDVI_FLUSH_RECORD_SLOT_SIZE)

/* `completion` before the IOMMU stored anything, and what it stores. */
#define AMDVI_FLUSH_RECORD_PENDING	0ULL
#define AMDVI_FLUSH_RECORD_VALUE(i)	(0x464c5553484f4b00ULL | ((uint64_t)(i) & 0xff))	/* "\0KOHSULF" | i */

/* steps: what the module did, in order */
#define AMDVI_FLUSH_STEP_ARMED		(1U << 0)	/* load: IOMMU found, registers mapped */
#define AMDVI_FLUSH_STEP_ENTERED	(1U << 1)	/* crash path reached for this IOMMU */
#define AMDVI_FLUSH_STEP_WRITTEN	(1U << 2)	/* commands written at the hardware tail */
#define AMDVI_FLUSH_STEP_DOORBELL	(1U << 3)	/* tail register written */
#define AMDVI_FLUSH_STEP_COMPLETED	(1U << 4)	/* the completion store was seen */
#define AMDVI_FLUSH_STEP_DISABLED	(1U << 5)	/* IOMMU_EN and CMDBUF_EN cleared */

/* flags: how it was asked to run, and what it found */
#define AMDVI_FLUSH_F_DISABLE		(1U << 0)	/* parameter: disable after the flush */
#define AMDVI_FLUSH_F_NO_DOORBELL	(1U << 1)	/* parameter: leave it queued (fault injection) */
#define AMDVI_FLUSH_F_IA		(1U << 2)	/* EFR.IA: INVALIDATE_IOMMU_ALL used */
#define AMDVI_FLUSH_F_BY_NOTIFIER	(1U << 3)	/* ran from the panic notifier */
#define AMDVI_FLUSH_F_BY_KPROBE		(1U << 4)	/* ran from the machine_kexec probe */
#define AMDVI_FLUSH_F_TIMEOUT		(1U << 8)	/* the bounded poll ran out */
#define AMDVI_FLUSH_F_NOT_ENABLED	(1U << 9)	/* IOMMU_EN or CMDBUF_EN was clear: skipped */
#define AMDVI_FLUSH_F_BAD_REGS		(1U << 10)	/* head/tail/base registers changed or invalid: skipped */
#define AMDVI_FLUSH_F_TRUNCATED		(1U << 11)	/* not all commands fitted the free ring space */
#define AMDVI_FLUSH_F_HALTED		(1U << 12)	/* command processor not running (Status.CmdBufRun) */
#define AMDVI_FLUSH_F_RING_BUSY		(1U << 13)	/* head != tail when the flush started */
#define AMDVI_FLUSH_F_VTD		(1U << 14)	/* an Intel VT-d DMAR unit's slot (below) */
#define AMDVI_FLUSH_F_FAULTED		(1U << 15)	/* VT-d: FSTS reported a queue error (IQE/ITE/ICE) */

/*
 * A VT-d unit's slot (flags has AMDVI_FLUSH_F_VTD; module ref_flush_vtd.c,
 * descriptors in include/vtd/flush.h).  The same layout, read so:
 *   completion     the invalidation wait's status write lands in its low
 *                  32 bits (the upper half stays 0)
 *   value          VTD_FLUSH_RECORD_VALUE(i): the wait's 32-bit status data
 *   mmio_base      the DRHD's register base (ACPI DMAR)
 *   segment        the DRHD's PCI segment; devid: the DRHD's flags
 *   efr            ECAP (MMIO 0x10)
 *   control_*      GSTS (MMIO 0x1c) in bits 31:0, FSTS (0x34) in 63:32
 *   cmdbuf_pa      IQA (MMIO 0x90): queue base, DW (bit 11), QS (2:0)
 *   head_before    IQH; tail_before: IQT, where the first descriptor went;
 *   tail_after     the IQT written (or, without the doorbell, not written)
 *   n_cmds         descriptors written; steps DISABLED: GCMD.TE cleared
 */
#define VTD_FLUSH_RECORD_VALUE(i)	(0x56544400U | ((uint32_t)(i) & 0xff))	/* "\0DTV" | i */

struct amdvi_flush_record {
	uint64_t completion;	/*   0: COMPLETION_WAIT store target */
	uint64_t magic;		/*   8: AMDVI_FLUSH_RECORD_MAGIC */
	uint32_t version;	/*  16: AMDVI_FLUSH_RECORD_VERSION */
	uint16_t n_iommus;	/*  20: slots used in this page */
	uint16_t index;		/*  22: this slot's number */
	uint64_t value;		/*  24: what the COMPLETION_WAIT stores */
	uint64_t mmio_base;	/*  32: the IOMMU's MMIO base (IVHD) */
	uint16_t segment;	/*  40: PCI segment (IVHD) */
	uint16_t devid;		/*  42: the IOMMU's own BDF (IVHD) */
	uint32_t flags;		/*  44: AMDVI_FLUSH_F_* */
	uint32_t steps;		/*  48: AMDVI_FLUSH_STEP_* */
	uint32_t n_cmds;	/*  52: commands written */
	uint32_t head_before;	/*  56: hardware head at the start (byte offset) */
	uint32_t tail_before;	/*  60: hardware tail at the start: first command here */
	uint32_t tail_after;	/*  64: tail after the flush (written or not) */
	uint32_t wait_us;	/*  68: time spent polling for the store */
	uint64_t t_start_ns;	/*  72: ktime_get_mono_fast_ns() on entry (~ dmesg time) */
	uint64_t t_done_ns;	/*  80: ... when done with this IOMMU */
	uint64_t tsc_start;	/*  88: rdtsc on entry */
	uint64_t efr;		/*  96: MMIO 0x30 */
	uint64_t control_before;/* 104: MMIO 0x18 on entry */
	uint64_t control_after;	/* 112: MMIO 0x18 when done */
	uint64_t cmdbuf_pa;	/* 120: command buffer PA (MMIO 0x08, C-bit stripped) */
};

_Static_assert(sizeof(struct amdvi_flush_record) == AMDVI_FLUSH_RECORD_SLOT_SIZE,
	       "flush record slot is 128 bytes");

#endif /* AMDVI_FLUSH_RECORD_H */
