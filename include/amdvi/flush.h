/*
 * The reference flush: the command sequence that makes one AMD IOMMU drop
 * everything it may have cached from its device table before a kdump
 * kernel takes over.  It is what the 2010 seed patch meant to queue from
 * iommu_disable() (amd_iommu_flush_all_devices + _all_domains), written as
 * one definition that three users share:
 *
 *   - module/iommu_ref_flush (the out-of-tree module) queues it on the
 *     crash path, from a byte-identical copy of src/amdvi/flush.c;
 *   - src/amdvi/cmd_model.c runs it in the unit tests;
 *   - the analysis (src/backend/amdvi/cmd_ring.c) recognises it in a ring.
 *
 * The sequence, for one IOMMU whose device table is dte[0..n_dte-1]:
 *
 *   1. INVALIDATE_DEVTAB_ENTRY(devid) for every devid whose DTE is valid
 *      (V=1) and either names a domain (DomainID != 0) or has interrupt
 *      remapping (IV=1), ascending devid;
 *   2. with EFR.IA: one INVALIDATE_IOMMU_ALL; without it, one whole-domain
 *      INVALIDATE_IOMMU_PAGES (address 0x7ffffffffffff000, S, PDE) for every
 *      distinct non-zero DomainID those DTEs carry, ascending domain id;
 *   3. INVALIDATE_INTERRUPT_TABLE(devid) for every valid DTE with IV=1,
 *      ascending devid;
 *   4. COMPLETION_WAIT, S=1, storing store_value (64 bits) to store_pa
 *      (with the SME C-bit me_mask set, as the kernel's
 *      build_completion_wait() does with iommu_virt_to_phys()).
 *
 * Pure C over fixed-width integers: no allocation, no I/O, no libc call, so
 * that the kernel module compiles the same file.  The iterator produces one
 * command at a time (a caller can stream it into a ring that wraps); the
 * domain de-duplication needs no scratch memory (it scans the table once
 * per domain, O(n_dte x domains), and is skipped entirely with EFR.IA).
 */
#ifndef AMDVI_FLUSH_H
#define AMDVI_FLUSH_H

#include "amdvi/common.h"

#define AMDVI_FLUSH_MAX_DTE	65536U	/* 16-bit devids */

struct amdvi_flush_input {
	const uint64_t (*dte)[4];	/* the device table, dte[devid] */
	uint32_t n_dte;			/* entries in it (last_bdf + 1 or size/32) */
	uint64_t me_mask;		/* SME C-bit: set in the store address */
	uint64_t efr;			/* the IOMMU's Extended Feature Register */
	uint64_t store_pa;		/* 8-byte aligned, below 2^52, without C-bit */
	uint64_t store_value;		/* 64 bits the COMPLETION_WAIT stores */
};

enum amdvi_flush_phase {
	AMDVI_FLUSH_PHASE_DTE,
	AMDVI_FLUSH_PHASE_PAGES,	/* INVALIDATE_IOMMU_ALL or per domain */
	AMDVI_FLUSH_PHASE_IRT,
	AMDVI_FLUSH_PHASE_CW,
	AMDVI_FLUSH_PHASE_DONE,
};

struct amdvi_flush_iter {
	const struct amdvi_flush_input *in;
	enum amdvi_flush_phase phase;
	uint32_t devid;			/* next devid to look at */
	uint32_t last_domid;		/* last domain emitted (0 = none yet) */
	uint32_t emitted;
};

/* AMDVI_OK, or AMDVI_ERR_ARG/_ALIGN/_RANGE for a bad input. */
int amdvi_flush_check(const struct amdvi_flush_input *in);

/* A DTE the flush names in step 1 (V and (DomainID or IV)). */
bool amdvi_flush_dte_wanted(const uint64_t dte[4]);

/* Iterator: init fails like amdvi_flush_check; next writes the next
 * command into cmd[4] and returns false when the sequence is done. */
int amdvi_flush_iter_init(struct amdvi_flush_iter *it, const struct amdvi_flush_input *in);
bool amdvi_flush_iter_next(struct amdvi_flush_iter *it, uint32_t cmd[4]);

/* Number of commands in the sequence (>= 1: the COMPLETION_WAIT), or a
 * negative amdvi_status for a bad input. */
long amdvi_flush_count(const struct amdvi_flush_input *in);

/*
 * Build the whole sequence into cmds[0..max_cmds-1]: returns the number of
 * commands, AMDVI_ERR_SIZE when it does not fit (nothing useful is left in
 * cmds then), or another negative amdvi_status for a bad input.
 */
long amdvi_flush_build(const struct amdvi_flush_input *in, uint32_t (*cmds)[4], size_t max_cmds);

#endif /* AMDVI_FLUSH_H */
