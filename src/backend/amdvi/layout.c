/*
 * Probe the AMD IOMMU driver's data structures in this dump.
 *
 * Each branch below exists because a kernel change moved or retyped
 * something; the comment next to it names that change.  Nothing here looks
 * at a version string.
 */
#include <stdio.h>
#include <string.h>

#include "backend/amdvi/layout.h"

static long member_offset(const struct target *t, const char *s, const char *m,
			  long *size, bool *is_ptr, char *type_name, size_t tn_len)
{
	struct target_member tm;

	if (target_member(t, s, m, &tm) != TARGET_OK)
		return -1;
	if (size)
		*size = tm.size;
	if (is_ptr)
		*is_ptr = tm.is_pointer;
	if (type_name && tn_len)
		snprintf(type_name, tn_len, "%s", tm.type_name);
	return tm.offset;
}

static long off(const struct target *t, const char *s, const char *m)
{
	return member_offset(t, s, m, NULL, NULL, NULL, 0);
}

/* A member the analysis cannot do without: its absence is a problem. */
static long need(const struct target *t, struct problems *pb, const char *s, const char *m)
{
	long o = off(t, s, m);

	if (o < 0) {
		char what[128];

		snprintf(what, sizeof(what), "%s.%s", s, m);
		problem_add(pb, PROBLEM_TYPE, what, "member not found in the kernel's types");
	}
	return o;
}

static void probe_amd_iommu(const struct target *t, struct layout *lay, struct problems *pb)
{
	struct layout_amd_iommu *li = &lay->iommu;
	char tname[TARGET_TYPE_NAME_MAX] = "";
	bool is_ptr = false;

	li->list = need(t, pb, "amd_iommu", "list");
	li->index = need(t, pb, "amd_iommu", "index");
	li->mmio_phys = need(t, pb, "amd_iommu", "mmio_phys");
	li->cmd_buf = need(t, pb, "amd_iommu", "cmd_buf");
	li->evt_buf = need(t, pb, "amd_iommu", "evt_buf");
	li->need_sync = member_offset(t, "amd_iommu", "need_sync", &li->need_sync_size, NULL, NULL, 0);
	/* `features` (the EFR copy) arrived after 2.6.34; `flags`
	 * (AMD_IOMMU_FLAG_TRANS_PRE_ENABLED) with Baoquan He's kdump series
	 * ("iommu/amd: Detect pre enabled translation", 4.13). */
	li->features = off(t, "amd_iommu", "features");
	li->flags = off(t, "amd_iommu", "flags");
	li->ppr_log = off(t, "amd_iommu", "ppr_log");
	/* 2.6.34 has first_device/last_device instead of the IOMMU's own devid. */
	li->devid = member_offset(t, "amd_iommu", "devid", &li->devid_size, NULL, NULL, 0);

	/* `pci_seg` was a u16 segment number until the PCI-segment series of
	 * 5.19 ("iommu/amd: Introduce pci segment structure") made it a
	 * pointer to struct amd_iommu_pci_seg. */
	li->pci_seg = member_offset(t, "amd_iommu", "pci_seg", NULL, &li->pci_seg_is_pointer, NULL, 0);

	/* Software copies of the ring head and tail: d334a5637dfb "iommu/amd:
	 * Reduce amount of MMIO when submitting commands" (4.15; RHEL 7.9 has a
	 * backport).  Before that only the MMIO registers knew them. */
	li->cmd_buf_head = off(t, "amd_iommu", "cmd_buf_head");
	li->cmd_buf_tail = off(t, "amd_iommu", "cmd_buf_tail");

	/* Completion-wait semaphore:
	 *  - 4bf5beef578e "iommu/amd: Don't put completion-wait semaphore on
	 *    stack" (4.9) embedded `volatile u64 cmd_sem` in struct amd_iommu;
	 *  - c69d89aff393 "iommu/amd: Use 4K page for completion wait
	 *    write-back semaphore" made it a pointer plus a sequence number
	 *    `cmd_sem_val`, which was an atomic64_t for a while (incremented
	 *    outside the lock) until 9e249c48412 serialized it as a u64. */
	li->cmd_sem = member_offset(t, "amd_iommu", "cmd_sem", NULL, &is_ptr, NULL, 0);
	li->cmd_sem_val = member_offset(t, "amd_iommu", "cmd_sem_val", &li->cmd_sem_val_size,
					NULL, tname, sizeof(tname));
	/* 7.x keeps the semaphore's physical address (C-bit included) that
	 * build_completion_wait() writes, since the SNP kdump rework that lets
	 * a capture kernel reuse the old semaphore page ("iommu/amd: Reuse
	 * completion-wait semaphore ... in kdump kernel", 6.18). */
	li->cmd_sem_paddr = off(t, "amd_iommu", "cmd_sem_paddr");
	if (li->cmd_sem < 0)
		lay->cmd_sem = CMD_SEM_NONE;
	else if (is_ptr)
		lay->cmd_sem = CMD_SEM_POINTER;
	else
		lay->cmd_sem = CMD_SEM_EMBEDDED;
	lay->cmd_sem_val_atomic = strstr(tname, "atomic") != NULL;

	if (target_struct_size(t, "amd_iommu", &li->size) != TARGET_OK)
		li->size = -1;
}

static void probe_devtab(const struct target *t, struct layout *lay, struct problems *pb)
{
	uint64_t addr;

	/* 5.19's PCI-segment series moved amd_iommu_dev_table/last_bdf into
	 * struct amd_iommu_pci_seg, listed on amd_iommu_pci_seg_list. */
	if (target_symbol(t, "amd_iommu_pci_seg_list", &addr) == TARGET_OK &&
	    target_has_member(t, "amd_iommu_pci_seg", "dev_table")) {
		lay->devtab = DEVTAB_PER_SEGMENT;
		lay->seg.list = need(t, pb, "amd_iommu_pci_seg", "list");
		lay->seg.id = need(t, pb, "amd_iommu_pci_seg", "id");
		lay->seg.last_bdf = need(t, pb, "amd_iommu_pci_seg", "last_bdf");
		lay->seg.dev_table = need(t, pb, "amd_iommu_pci_seg", "dev_table");
		lay->seg.dev_table_size = off(t, "amd_iommu_pci_seg", "dev_table_size");
		lay->seg.dev_data_list = off(t, "amd_iommu_pci_seg", "dev_data_list");
	} else if (target_symbol(t, "amd_iommu_dev_table", &addr) == TARGET_OK) {
		lay->devtab = DEVTAB_GLOBAL;
		memset(&lay->seg, 0xff, sizeof(lay->seg));	/* all -1 */
	} else {
		lay->devtab = DEVTAB_NONE;
		memset(&lay->seg, 0xff, sizeof(lay->seg));
		problem_add(pb, PROBLEM_TYPE, "device table",
			    "neither amd_iommu_pci_seg_list nor amd_iommu_dev_table is in the symbols");
	}
}

static void probe_device_names(const struct target *t, struct layout *lay)
{
	/* iommu_dev_data is on a global list (4.x-5.18: `dev_data_list`, an
	 * llist since "iommu/amd: Make dev_data_list lock-free", 4.18ish) or
	 * on pci_seg->dev_data_list (5.19+). The node member kept its name. */
	lay->dev_data.dev_data_list = off(t, "iommu_dev_data", "dev_data_list");
	lay->dev_data.dev = off(t, "iommu_dev_data", "dev");
	lay->dev_data.devid = off(t, "iommu_dev_data", "devid");
	lay->dev_data.pdev = off(t, "iommu_dev_data", "pdev");
	/* The PCI bus tree, the fallback for naming devices: pci_root_buses,
	 * pci_bus.{node, children, devices}, pci_dev.{bus_list, dev}; unchanged
	 * since 2.6. */
	lay->pci_dev_dev = off(t, "pci_dev", "dev");
	lay->pci_dev_bus_list = off(t, "pci_dev", "bus_list");
	lay->pci_bus_node = off(t, "pci_bus", "node");
	lay->pci_bus_children = off(t, "pci_bus", "children");
	lay->pci_bus_devices = off(t, "pci_bus", "devices");
	lay->device_driver = off(t, "device", "driver");
	lay->device_kobj = off(t, "device", "kobj");
	lay->kobject_name = off(t, "kobject", "name");
	lay->device_driver_name = off(t, "device_driver", "name");
}

/* Sum of member offsets along a path of (struct, member) pairs, or -1. */
static long path_offset(const struct target *t, const char *const *path, size_t n)
{
	long total = 0;

	for (size_t i = 0; i + 1 < n; i += 2) {
		long o = off(t, path[i], path[i + 1]);

		if (o < 0)
			return -1;
		total += o;
	}
	return total;
}

static void probe_protection_domain(const struct target *t, struct layout *lay)
{
	struct layout_pdom *pd = &lay->pdom;
	static const char *const generic[] = {
		"protection_domain", "amdv1", "pt_iommu_amdv1", "amdpt",
		"pt_amdv1", "common", "pt_common", "top_of_table",
	};
	static const char *const iop_root[] = { "protection_domain", "iop", "amd_io_pgtable", "root" };
	static const char *const iop_mode[] = { "protection_domain", "iop", "amd_io_pgtable", "mode" };
	static const char *const dtype[] = { "protection_domain", "domain", "iommu_domain", "type" };
	struct target_member tm;

	memset(pd, 0xff, sizeof(*pd));
	pd->kind = PD_ROOT_NONE;
	pd->dev_data_domain = off(t, "iommu_dev_data", "domain");
	if (target_member(t, "protection_domain", "id", &tm) == TARGET_OK) {
		pd->id = tm.offset;
		pd->id_size = tm.size;
	}
	pd->pd_mode = off(t, "protection_domain", "pd_mode");
	pd->domain_type = path_offset(t, dtype, 4);
	if (pd->dev_data_domain < 0 || pd->id < 0)
		return;
	/* 6.18's generic page table conversion ("iommu/amd: Use the generic
	 * iommu page table", iommupt series) replaced amd_io_pgtable with a
	 * union of pt_iommu formats at offset 0; the top table's VA and its
	 * 0-based level share one word, top_of_table. */
	if ((pd->root = path_offset(t, generic, 8)) >= 0) {
		pd->kind = PD_ROOT_GENERIC;
		return;
	}
	/* 5.11's io-pgtable conversion ("iommu/amd: Convert to using
	 * amd_io_pgtable", Suravee Suthikulpanit) moved root and mode into
	 * struct amd_io_pgtable iop. */
	if ((pd->root = path_offset(t, iop_root, 4)) >= 0 &&
	    target_member(t, "amd_io_pgtable", "mode", &tm) == TARGET_OK) {
		pd->mode = path_offset(t, iop_mode, 4);
		pd->mode_size = tm.size;
		pd->kind = PD_ROOT_IOP;
		return;
	}
	/* 5.10 (and RHEL 8.3): one atomic64_t pt_root holding root VA | mode,
	 * since 5.7 made root and mode change together (the fix for increase_
	 * address_space() racing with fetch_pte()). */
	if ((pd->root = off(t, "protection_domain", "pt_root")) >= 0)
		pd->kind = PD_ROOT_ATOMIC;
}

bool layout_probe(const struct target *t, struct layout *lay, struct problems *pb)
{
	long size;

	memset(lay, 0, sizeof(*lay));
	if (target_struct_size(t, "amd_iommu", &size) != TARGET_OK) {
		problem_add(pb, PROBLEM_TYPE, "struct amd_iommu",
			    "not in the kernel's types: this kernel was built without the AMD IOMMU driver (CONFIG_AMD_IOMMU)");
		lay->have_driver = false;
		return false;
	}
	lay->have_driver = true;
	probe_amd_iommu(t, lay, pb);
	probe_devtab(t, lay, pb);
	probe_device_names(t, lay);
	probe_protection_domain(t, lay);
	return true;
}

const char *layout_cmd_sem_name(enum layout_cmd_sem k)
{
	switch (k) {
	case CMD_SEM_NONE:	return "none";
	case CMD_SEM_EMBEDDED:	return "embedded";
	case CMD_SEM_POINTER:	return "pointer+sequence";
	}
	return "?";
}

const char *layout_pd_root_name(enum layout_pd_root k)
{
	switch (k) {
	case PD_ROOT_NONE:	return "none";
	case PD_ROOT_ATOMIC:	return "pt_root (atomic64: root | mode)";
	case PD_ROOT_IOP:	return "iop (amd_io_pgtable root, mode)";
	case PD_ROOT_GENERIC:	return "generic page table (top_of_table)";
	}
	return "?";
}

const char *layout_devtab_name(enum layout_devtab k)
{
	switch (k) {
	case DEVTAB_NONE:		return "none";
	case DEVTAB_GLOBAL:		return "global";
	case DEVTAB_PER_SEGMENT:	return "per-segment";
	}
	return "?";
}
