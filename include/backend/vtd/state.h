/*
 * What the VT-d backend keeps of one analysis: the kernel's layout of
 * struct dmar_drhd_unit, struct intel_iommu and struct q_inval as probed,
 * and per DMAR unit what the crashed kernel left in RAM: the copies of
 * CAP/ECAP/GCMD, the root table's address, the invalidation queue with its
 * flush verdict.  MMIO registers (GSTS, IQH, IQT, the fault recording
 * registers) are not in a dump and are never read.
 */
#ifndef IOMMU_INFLIGHT_BACKEND_VTD_STATE_H
#define IOMMU_INFLIGHT_BACKEND_VTD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/flush_verdict.h"
#include "vtd/qi_verdict.h"

#define VTD_MAX_UNITS	256	/* bound on dmar_drhd_units */

struct vtd_layout {
	long drhd_list, drhd_reg_base_addr, drhd_segment, drhd_iommu, drhd_include_all_byte;
	long iommu_name, iommu_name_size, iommu_seq_id, iommu_segment, iommu_reg_phys;
	long iommu_cap, iommu_ecap, iommu_gcmd, iommu_agaw, iommu_msagaw;
	long iommu_root_entry, iommu_qi, iommu_flags;
	long qi_desc, qi_desc_status, qi_free_head, qi_free_tail, qi_free_cnt;
	bool complete;			/* every member the units need was found */
};

struct vtd_unit {
	int index;			/* order on dmar_drhd_units */
	uint64_t drhd, kaddr;		/* struct dmar_drhd_unit *, struct intel_iommu * */
	char name[16];			/* "dmar0" */
	int seq_id;
	uint16_t segment;
	uint64_t reg_base;		/* the DRHD's register base (MMIO, not read) */
	uint64_t cap, ecap;		/* the kernel's copies of CAP and ECAP */
	uint32_t gcmd;			/* the kernel's shadow of GCMD: last commanded, not live status */
	uint32_t flags;			/* VTD_FLAG_*: TRANS_PRE_ENABLED 1, IRQ_REMAP_PRE_ENABLED 2 */
	int agaw, msagaw;
	bool read_ok;			/* struct intel_iommu was read */
	bool sm;			/* scalable mode in use: intel_iommu_sm && ECAP.SMTS */
	uint64_t root_entry;		/* kernel VA of the root table */
	uint64_t root_pa;

	/* the invalidation queue */
	uint64_t qi;			/* struct q_inval *, 0: register-based invalidation */
	bool qi_read;			/* the queue, its status words and counters were read */
	unsigned desc_size;		/* 16 or 32 */
	uint8_t *ring;			/* 256 * desc_size bytes */
	int32_t desc_status[VTD_QI_LENGTH];
	int free_head, free_tail, free_cnt;
	uint64_t status_pa;
	struct vtd_qi_flush_verdict qiv;
	enum flush_verdict verdict;
	char evidence[512];

	/* A flush appended after the kernel's descriptors by someone else (the
	 * reference-flush module): a wait whose status write goes outside
	 * desc_status, found in the queue (include/vtd/flush.h). */
	bool appended;
	unsigned appended_slot;		/* the wait's slot */
	bool appended_invalidations;	/* global CC + global IOTLB just before it */
	uint64_t store_pa;		/* the wait's status address */
	uint32_t store_data, store_seen;
	bool store_read;
	bool has_record;		/* a reference-flush record at store_pa */
	char record[400];
};

/* A device as the unit's context (and, in scalable mode, PASID) entry
 * for RID_PASID has it. */
enum vtd_dev_class {
	VTD_DEV_TRANSLATED,		/* second- or first-level page table */
	VTD_DEV_PASSTHROUGH,		/* TT 2 / PGTT 4: identity */
	VTD_DEV_BLOCKED,		/* present context, no usable PASID entry: DMA faults */
	VTD_DEV_BAD,			/* an entry no kernel writes (TT 3, PGTT 0/5-7, bad AW) */
};

const char *vtd_dev_class_name(enum vtd_dev_class c);

struct vtd_dev_view {
	int unit;			/* index in vtd_state.units */
	bool sm;			/* scalable-mode entries */
	uint64_t context[4];		/* the context entry (2 words legacy, 4 SM) */
	uint64_t pasid_entry[8];	/* SM: the RID_PASID (0) entry */
	bool pasid_read;
	enum vtd_dev_class cls;
	unsigned tt;			/* legacy TT */
	unsigned pgtt;			/* SM PGTT */
	uint16_t did;
	bool first_level;		/* walked in the first-level format */
	uint64_t pt_root;
	unsigned levels;
	unsigned aw;
	bool copied;			/* the kernel marked the context copied from an older kernel */
};

struct vtd_state {
	struct vtd_layout lay;
	bool driver_present;		/* the kernel has the VT-d driver (dmar_drhd_units) */
	bool sm_known, enabled_known;
	int intel_iommu_sm, intel_iommu_enabled;
	uint64_t page_offset_base;
	bool page_offset_known;
	struct vtd_unit *units;
	size_t n_units;
	bool active;			/* a unit translated: intel_iommu_enabled, else GCMD.TE */
	char inactive_reason[200];
	bool units_unread;
	bool tables_incomplete;		/* a root or context table could not be read */		/* dmar_drhd_units could not be read: whether there are units is unknown */
};

#endif
