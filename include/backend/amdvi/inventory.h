/*
 * What the crashed kernel left in RAM for each AMD IOMMU and each PCI
 * segment: struct amd_iommu (rings, completion-wait semaphore) and the
 * device tables.  Read once through the target; the analysis passes work on
 * this copy.  MMIO registers are not in a dump and are never read.
 */
#ifndef IOMMU_INFLIGHT_BACKEND_AMDVI_INVENTORY_H
#define IOMMU_INFLIGHT_BACKEND_AMDVI_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/amdvi/layout.h"
#include "core/problems.h"
#include "target/target.h"

#define INV_MAX_IOMMUS		256	/* bound on amd_iommu_list (hardware has at most 32 per system today) */
#define INV_MAX_SEGMENTS	64
#define INV_CMD_RING_SIZE	8192	/* CMD_BUFFER_SIZE in every kernel era */
#define INV_EVT_LOG_SIZE	8192	/* EVT_BUFFER_SIZE; 6.12 may use amd_iommu_evtlog_size */
#define INV_DEVTAB_ENTRIES_MAX	65536
#define INV_PPR_LOG_SIZE	8192	/* PPR_LOG_SIZE: 512 entries of 16 bytes */

struct inv_iommu {
	uint64_t kaddr;			/* &struct amd_iommu */
	int index;
	uint16_t segment;
	uint16_t devid;
	bool devid_known;
	uint64_t mmio_phys;
	uint64_t efr;
	bool efr_known;
	uint32_t flags;
	bool flags_known;
	uint64_t segment_kaddr;		/* struct amd_iommu_pci_seg *, 5.19+ */

	uint64_t cmd_buf, evt_buf, ppr_log;	/* kernel virtual addresses */
	uint32_t head_sw, tail_sw;
	bool sw_ring;			/* head_sw/tail_sw are the kernel's copies */
	bool need_sync;
	bool need_sync_known;

	enum layout_cmd_sem sem_kind;
	uint64_t sem_addr;		/* where the completion-wait store lands (kernel VA) */
	uint64_t sem_value;		/* what the IOMMU last stored there */
	bool sem_known;
	uint64_t sem_issued;		/* cmd_sem_val: the last sequence number handed out */
	bool sem_issued_known;
	uint64_t sem_pa;		/* physical address the kernel's COMPLETION_WAITs store to */
	bool sem_pa_known;

	uint8_t ring[INV_CMD_RING_SIZE];
	bool ring_ok;
	uint8_t *evt_log;		/* evt_size bytes, or NULL */
	size_t evt_size;
	uint8_t *ppr;			/* the PPR log, ppr_size bytes, or NULL */
	size_t ppr_size;
};

struct inv_segment {
	uint64_t kaddr;			/* struct amd_iommu_pci_seg *, 0 for the global table */
	uint16_t id;
	uint16_t last_bdf;
	uint64_t dev_table;		/* kernel VA */
	uint64_t (*dte)[4];		/* last_bdf + 1 entries, or NULL */
	size_t n_dte;
	bool *dte_ok;			/* per entry: false if its page could not be read */
	uint64_t dev_data_list;		/* first llist node (5.19+), or 0 */
};

struct inventory {
	struct inv_iommu *iommus;
	size_t n_iommus;
	struct inv_segment *segs;
	size_t n_segs;
	uint64_t sme_me_mask;		/* strip from every physical address taken from a DTE/PTE/CW */
	uint64_t page_offset_base;	/* start of the direct map (x86-64 page_offset_base) */
	bool page_offset_known;
	bool snp_enabled, snp_known;
	bool cwb_reused;		/* the capture log says it reused the CWB (semaphore) page */	/* amd_iommu_snp_en: the capture kernel may reuse the semaphore page */
	bool driver_present;		/* the kernel has the AMD IOMMU driver's types */
	bool iommu_active;		/* at least one IOMMU registered on amd_iommu_list */
	bool presence_unknown;		/* !iommu_active because amd_iommu_list could not be read:
					   whether there was an active IOMMU is not known */
	bool devtab_incomplete;		/* some device-table entries (or whole segments) could not be read */
	size_t dte_unread;		/* entries of the known segments that could not be read */
	char inactive_reason[160];
};

/* Reads everything; never fails as a whole: what cannot be read becomes a
 * problem and the rest goes on. */
void inventory_read(const struct target *t, const struct layout *lay,
		    struct inventory *inv, struct problems *pb);
void inventory_free(struct inventory *inv);

/* The segment a given IOMMU belongs to, or NULL. */
const struct inv_segment *inventory_segment(const struct inventory *inv, uint16_t id);

#endif
