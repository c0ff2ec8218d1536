/*
 * The kernel's AMD IOMMU data structures as this dump lays them out.
 *
 * Every difference between kernel eras is decided by probing the types
 * (does the member exist, is it a pointer, how big is it), never by comparing
 * version strings.  Each probe's comment in src/backend/amdvi/layout.c names the
 * kernel change that made it necessary.
 */
#ifndef IOMMU_INFLIGHT_BACKEND_AMDVI_LAYOUT_H
#define IOMMU_INFLIGHT_BACKEND_AMDVI_LAYOUT_H

#include <stdbool.h>

#include "core/problems.h"
#include "target/target.h"

/* How the crashed kernel waited for COMPLETION_WAIT. */
enum layout_cmd_sem {
	CMD_SEM_NONE,		/* <= 4.8: MMIO status bit or a semaphore on the stack */
	CMD_SEM_EMBEDDED,	/* 4.9 .. ~5.10: volatile u64 cmd_sem inside struct amd_iommu, 0/1 */
	CMD_SEM_POINTER,	/* ~5.11+: volatile u64 *cmd_sem (a 4 KiB page) + sequence cmd_sem_val */
};

/* Where the device tables are. */
enum layout_devtab {
	DEVTAB_NONE,
	DEVTAB_GLOBAL,		/* <= 5.18: amd_iommu_dev_table + amd_iommu_last_bdf */
	DEVTAB_PER_SEGMENT,	/* 5.19+: amd_iommu_pci_seg_list, pci_seg->dev_table */
};

struct layout_amd_iommu {
	long size;
	long list, index, mmio_phys, features, devid, pci_seg, cmd_buf;
	long cmd_buf_head, cmd_buf_tail;	/* -1 when the kernel keeps no software copy */
	long evt_buf, ppr_log, need_sync, flags;
	long cmd_sem, cmd_sem_val;		/* -1 when absent */
	long cmd_sem_paddr;			/* 7.x: the PA written into COMPLETION_WAIT, -1 before */
	long cmd_sem_val_size;
	bool pci_seg_is_pointer;
	long devid_size, need_sync_size;
};

struct layout_pci_seg {
	long list, id, last_bdf, dev_table, dev_table_size, dev_data_list;
};

struct layout_dev_data {
	long dev_data_list;	/* llist_node in the per-segment (or global) list */
	long dev, devid;
	long pdev;		/* 5.10: struct pci_dev *pdev instead of dev */
};

/* How the crashed kernel's protection domain holds its page-table root. */
enum layout_pd_root {
	PD_ROOT_NONE,		/* not found: the DTE is the only source */
	PD_ROOT_ATOMIC,		/* <= 5.10: atomic64_t pt_root = root VA | mode */
	PD_ROOT_IOP,		/* 5.11 .. 6.17: struct amd_io_pgtable iop {root, mode} */
	PD_ROOT_GENERIC,	/* 6.18+: generic page table, amdv1.amdpt.common.top_of_table */
};

struct layout_pdom {
	long dev_data_domain;	/* iommu_dev_data.domain (struct protection_domain *) */
	long id, id_size;
	long root;		/* ATOMIC: pt_root; IOP: iop.root; GENERIC: ...top_of_table */
	long mode, mode_size;	/* IOP: iop.mode */
	long pd_mode;		/* 6.12+: enum protection_domain_mode (1 = v1, 2 = v2) */
	long domain_type;	/* protection_domain.domain.type (struct iommu_domain) */
	enum layout_pd_root kind;
};

struct layout {
	struct layout_amd_iommu iommu;
	struct layout_pci_seg seg;
	struct layout_dev_data dev_data;
	struct layout_pdom pdom;
	long device_driver, device_kobj, kobject_name, device_driver_name;
	long pci_dev_dev, pci_dev_bus_list;	/* struct pci_dev: embedded device, node on bus->devices */
	long pci_bus_node, pci_bus_children, pci_bus_devices;
	enum layout_cmd_sem cmd_sem;
	enum layout_devtab devtab;
	bool cmd_sem_val_atomic;	/* atomic64_t window: CW sequence numbers may be out of ring order */
	bool have_driver;		/* the AMD IOMMU driver's types are in this kernel at all */
};

/* Probes the layout.  Returns false (and records a problem) when the dump's
 * kernel has no AMD IOMMU driver types at all. */
bool layout_probe(const struct target *t, struct layout *lay, struct problems *pb);

const char *layout_cmd_sem_name(enum layout_cmd_sem k);
const char *layout_devtab_name(enum layout_devtab k);
const char *layout_pd_root_name(enum layout_pd_root k);

#endif
