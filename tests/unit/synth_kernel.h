/*
 * Builds replay fixtures that look like the AMD IOMMU driver's structures of
 * a chosen kernel era, for the engine's unit tests.  The layouts follow the
 * kernel-era table in docs/engine.md (offsets are our own choice; only
 * what the engine probes matters: which members exist and their types).
 */
#ifndef IIF_TEST_SYNTH_KERNEL_H
#define IIF_TEST_SYNTH_KERNEL_H

#include <stdint.h>

#include "target/fixture.h"

enum synth_era {
	SYNTH_6X,	/* 5.19+: pci_seg pointer, per-segment tables, cmd_sem pointer + u64 cmd_sem_val */
	SYNTH_5X,	/* ~5.11-5.18: u16 pci_seg, global table, cmd_sem pointer + atomic64_t cmd_sem_val */
	SYNTH_RHEL7,	/* 4.9-5.10 (and RHEL 7.9): embedded cmd_sem, no cmd_sem_val, global table */
	SYNTH_2634,	/* 2.6.34: no cmd_sem, no software head/tail, global table */
};

#define SYNTH_IOMMU_KV		0xffff888000100000ull
#define SYNTH_SEG_KV		0xffff888000200000ull
#define SYNTH_CMDBUF_KV		0xffff888000300000ull
#define SYNTH_EVTBUF_KV		0xffff888000310000ull
#define SYNTH_SEM_KV		0xffff888000320000ull
#define SYNTH_PPR_KV		0xffff888000330000ull
#define SYNTH_DEVTAB_KV		0xffff888000400000ull
#define SYNTH_LIST_SYM		0xffffffff82000000ull
#define SYNTH_SEGLIST_SYM	0xffffffff82000100ull
#define SYNTH_DEVTAB_SYM	0xffffffff82000200ull
#define SYNTH_LASTBDF_SYM	0xffffffff82000300ull

struct synth_iommu {
	int index;
	uint16_t segment, devid, last_bdf;
	uint64_t mmio_phys, efr;
	uint32_t head, tail;
	int need_sync;
	uint64_t sem_value, sem_issued;
	uint32_t ring[512][4];
	uint32_t evt[512][4];
	uint32_t ppr[512][4];		/* PPR log */
	uint64_t (*dte)[4];		/* last_bdf + 1 entries */
};

/* Writes the types, symbols and memory of one IOMMU (and its segment) of
 * the given era into fx. */
void synth_kernel(struct fixture *fx, enum synth_era era, const struct synth_iommu *io);

#endif
