/* Synthetic AMD IOMMU driver state for the engine's unit tests. */
#include <stdio.h>
#include <string.h>

#include "synth_kernel.h"

static void member(struct fixture *fx, const char *s, const char *m, long off, long size,
		   int ptr, const char *type)
{
	struct target_member tm = { .offset = off, .size = size, .is_pointer = ptr != 0 };

	snprintf(tm.type_name, sizeof(tm.type_name), "%s", type);
	fixture_add_member(fx, s, m, TARGET_OK, &tm);
}

static void absent(struct fixture *fx, const char *s, const char *m)
{
	fixture_add_member(fx, s, m, TARGET_E_NOTFOUND, NULL);
}

static void put(uint8_t *buf, long off, uint64_t v, int size)
{
	for (int i = 0; i < size; i++)
		buf[off + i] = (uint8_t)(v >> (8 * i));
}

void synth_kernel(struct fixture *fx, enum synth_era era, const struct synth_iommu *io)
{
	uint8_t st[1280] = { 0 };
	size_t dt_bytes = ((size_t)io->last_bdf + 1) * 32;

	fixture_add_struct(fx, "amd_iommu", TARGET_OK, sizeof(st));
	member(fx, "amd_iommu", "list", 0, 16, 0, "struct list_head");
	member(fx, "amd_iommu", "index", 16, 4, 0, "int");
	member(fx, "amd_iommu", "mmio_phys", 40, 8, 0, "u64");
	member(fx, "amd_iommu", "cmd_buf", 120, 8, 1, "u8 *");
	member(fx, "amd_iommu", "evt_buf", 136, 8, 1, "u8 *");
	member(fx, "amd_iommu", "need_sync", 169, 1, 0, "bool");
	member(fx, "amd_iommu", "ppr_log", 144, 8, 1, "u8 *");
	put(st, 144, SYNTH_PPR_KV, 8);
	put(st, 16, (uint64_t)io->index, 4);
	put(st, 40, io->mmio_phys, 8);
	put(st, 120, SYNTH_CMDBUF_KV, 8);
	put(st, 136, SYNTH_EVTBUF_KV, 8);
	put(st, 169, (uint64_t)io->need_sync, 1);
	/* list: amd_iommu_list <-> iommu.list */
	put(st, 0, SYNTH_LIST_SYM, 8);
	put(st, 8, SYNTH_LIST_SYM, 8);
	fixture_add_symbol(fx, "amd_iommu_list", TARGET_OK, SYNTH_LIST_SYM);
	uint64_t head[2] = { SYNTH_IOMMU_KV, SYNTH_IOMMU_KV };

	fixture_add_memory(fx, TARGET_KVADDR, SYNTH_LIST_SYM, 16, head, TARGET_OK);
	fixture_add_symbol(fx, "sme_me_mask", TARGET_E_NOTFOUND, 0);
	fixture_add_symbol(fx, "amd_iommu_evtlog_size", TARGET_E_NOTFOUND, 0);

	if (era == SYNTH_2634) {
		absent(fx, "amd_iommu", "features");
		absent(fx, "amd_iommu", "flags");
		absent(fx, "amd_iommu", "devid");
	} else {
		member(fx, "amd_iommu", "features", 72, 8, 0, "u64");
		member(fx, "amd_iommu", "flags", 1216, 4, 0, "u32");
		member(fx, "amd_iommu", "devid", 88, 2, 0, "u16");
		put(st, 72, io->efr, 8);
		put(st, 88, io->devid, 2);
	}
	if (era == SYNTH_2634) {
		absent(fx, "amd_iommu", "cmd_buf_head");
		absent(fx, "amd_iommu", "cmd_buf_tail");
	} else {
		member(fx, "amd_iommu", "cmd_buf_head", 128, 4, 0, "u32");
		member(fx, "amd_iommu", "cmd_buf_tail", 132, 4, 0, "u32");
		put(st, 128, io->head, 4);
		put(st, 132, io->tail, 4);
	}
	switch (era) {
	case SYNTH_6X:
	case SYNTH_5X:
		member(fx, "amd_iommu", "cmd_sem", 1224, 8, 1, "volatile u64 *");
		member(fx, "amd_iommu", "cmd_sem_val", 1232, 8, 0,
		       era == SYNTH_6X ? "u64" : "atomic64_t");
		put(st, 1224, SYNTH_SEM_KV, 8);
		put(st, 1232, io->sem_issued, 8);
		fixture_add_memory(fx, TARGET_KVADDR, SYNTH_SEM_KV, 8, &io->sem_value, TARGET_OK);
		break;
	case SYNTH_RHEL7:
		member(fx, "amd_iommu", "cmd_sem", 1224, 8, 0, "volatile u64");
		absent(fx, "amd_iommu", "cmd_sem_val");
		put(st, 1224, io->sem_value, 8);
		break;
	case SYNTH_2634:
		absent(fx, "amd_iommu", "cmd_sem");
		absent(fx, "amd_iommu", "cmd_sem_val");
		break;
	}

	if (era == SYNTH_6X) {
		uint8_t seg[128] = { 0 };

		member(fx, "amd_iommu", "pci_seg", 96, 8, 1, "struct amd_iommu_pci_seg *");
		put(st, 96, SYNTH_SEG_KV, 8);
		fixture_add_symbol(fx, "amd_iommu_pci_seg_list", TARGET_OK, SYNTH_SEGLIST_SYM);
		member(fx, "amd_iommu_pci_seg", "list", 0, 16, 0, "struct list_head");
		member(fx, "amd_iommu_pci_seg", "dev_data_list", 16, 8, 0, "struct llist_head");
		member(fx, "amd_iommu_pci_seg", "id", 24, 2, 0, "u16");
		member(fx, "amd_iommu_pci_seg", "last_bdf", 26, 2, 0, "u16");
		member(fx, "amd_iommu_pci_seg", "dev_table_size", 28, 4, 0, "u32");
		member(fx, "amd_iommu_pci_seg", "dev_table", 40, 8, 1, "struct dev_table_entry *");
		put(seg, 0, SYNTH_SEGLIST_SYM, 8);
		put(seg, 8, SYNTH_SEGLIST_SYM, 8);
		put(seg, 24, io->segment, 2);
		put(seg, 26, io->last_bdf, 2);
		put(seg, 28, dt_bytes, 4);
		put(seg, 40, SYNTH_DEVTAB_KV, 8);
		fixture_add_memory(fx, TARGET_KVADDR, SYNTH_SEG_KV, sizeof(seg), seg, TARGET_OK);
		uint64_t seghead[2] = { SYNTH_SEG_KV, SYNTH_SEG_KV };

		fixture_add_memory(fx, TARGET_KVADDR, SYNTH_SEGLIST_SYM, 16, seghead, TARGET_OK);
	} else {
		member(fx, "amd_iommu", "pci_seg", 96, 2, 0, "u16");
		put(st, 96, io->segment, 2);
		fixture_add_symbol(fx, "amd_iommu_pci_seg_list", TARGET_E_NOTFOUND, 0);
		fixture_add_symbol(fx, "amd_iommu_dev_table", TARGET_OK, SYNTH_DEVTAB_SYM);
		fixture_add_symbol(fx, "amd_iommu_last_bdf", TARGET_OK, SYNTH_LASTBDF_SYM);
		fixture_add_symbol(fx, "dev_data_list", TARGET_E_NOTFOUND, 0);
		uint64_t dt = SYNTH_DEVTAB_KV, lb = io->last_bdf;

		fixture_add_memory(fx, TARGET_KVADDR, SYNTH_DEVTAB_SYM, 8, &dt, TARGET_OK);
		fixture_add_memory(fx, TARGET_KVADDR, SYNTH_LASTBDF_SYM, 2, &lb, TARGET_OK);
	}
	fixture_add_memory(fx, TARGET_KVADDR, SYNTH_IOMMU_KV, sizeof(st), st, TARGET_OK);
	fixture_add_memory(fx, TARGET_KVADDR, SYNTH_CMDBUF_KV, sizeof(io->ring), io->ring, TARGET_OK);
	fixture_add_memory(fx, TARGET_KVADDR, SYNTH_EVTBUF_KV, sizeof(io->evt), io->evt, TARGET_OK);
	fixture_add_memory(fx, TARGET_KVADDR, SYNTH_PPR_KV, sizeof(io->ppr), io->ppr, TARGET_OK);
	if (io->dte)
		fixture_add_memory(fx, TARGET_KVADDR, SYNTH_DEVTAB_KV, dt_bytes, io->dte, TARGET_OK);
}
