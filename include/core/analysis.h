/*
 * The whole analysis of one dump: every pass run in order over one target,
 * results kept for the reports.  Front ends (crash extension, standalone
 * CLI, tests) call analysis_run() and then one of the report_* functions.
 */
#ifndef IOMMU_INFLIGHT_ANALYSIS_H
#define IOMMU_INFLIGHT_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "amdvi/dte.h"
#include "backend/amdvi/state.h"
#include "backend/vtd/state.h"
#include "core/backend.h"
#include "core/flush_queues.h"
#include "core/iopt_walk.h"
#include "core/problems.h"
#include "dump/integrity.h"
#include "klog/klog.h"
#include "target/target.h"

struct analysis_options {
	const char *capture_log;	/* -k: the capture kernel's log (kexec-dmesg.log, console...) */
	const char *crashed_log;	/* -l: the crashed kernel's log (vmcore-dmesg.txt) */
	FILE *crashed_log_fp;		/* or an open stream (crash's own `log`), used when crashed_log is NULL */
	const char *crashed_log_name;	/* the name to report for that stream, e.g. "crash log" */
	int iommu;			/* only this IOMMU index, or -1 */
	int segment, devid;		/* only this device (segment, bus<<8|devfn), or -1 */
	bool no_walk;			/* skip the I/O page-table walks */
	size_t max_extents;		/* extents kept for the reports (0: 1,000,000) */
	/* Streaming: every extent is also handed to on_extent as the walk
	 * produces it (in IOVA order per domain); with discard_extents none is
	 * kept, so memory does not grow with the number of mappings.  The log
	 * correlation does not need kept extents either way. */
	iopt_extent_fn on_extent;
	void *on_extent_arg;
	bool discard_extents;
	/* What the front end found when it opened the dump (NULL: not checked).
	 * A damaged input is the first problem, and the reports say so first. */
	const struct dump_integrity *integrity;
};

void analysis_options_init(struct analysis_options *opt);

/* Where a device's name came from. */
enum dev_name_source {
	DEV_NAME_DEVID,			/* built from the devid: the kernel's name was not found */
	DEV_NAME_DEV_DATA,		/* iommu_dev_data -> struct device */
	DEV_NAME_PCI_LIST,		/* the PCI bus tree (pci_root_buses) */
};

const char *dev_name_source_name(enum dev_name_source s);

/* Whose a device's DTE in the dump is. */
enum dte_state {
	DTE_UNVERIFIED,			/* no iommu_dev_data to check it against */
	DTE_CRASHED,			/* agrees with the crashed kernel's iommu_dev_data */
	DTE_REWRITTEN,			/* disagrees: rewritten (by a 6.18+ capture kernel in place) */
};

/* The crashed kernel's own view of a device: iommu_dev_data.domain. */
struct sw_view {
	bool read;			/* dev_data and its domain were read */
	bool attached;			/* dev_data.domain is set */
	bool identity;			/* an identity (pass-through) domain */
	bool translated;		/* a v1 page table: domid, root, mode */
	bool v2;			/* a v2 (GCR3) domain: not rebuilt here, the DTE is used */
	uint16_t domid;
	uint64_t root;			/* PA */
	unsigned mode;
	uint64_t kaddr;			/* struct protection_domain * */
};

const char *dte_state_name(enum dte_state s);

/* One valid device-table entry, with what the kernel knew of the device. */
struct dev_info {
	enum iommu_vendor vendor;	/* whose backend found it */
	uint16_t segment, devid;
	int iommu;			/* index of the IOMMU whose segment holds it, or -1 (VT-d: the unit) */
	struct vtd_dev_view vtd;	/* VT-d: its context / PASID entry (vendor == IOMMU_VENDOR_INTEL) */
	struct amdvi_dte dte;
	enum amdvi_dte_class cls;
	char name[40];			/* "0000:00:03.0" (from the kernel's struct device, else built) */
	enum dev_name_source name_source;
	bool name_unreadable;		/* its struct device could not be read: a read problem says so */
	char driver[40];		/* "e1000", "" when unbound or unknown */
	uint64_t dev_data;		/* the crashed kernel's struct iommu_dev_data, 0 if none found */
	uint64_t dev_kaddr;		/* its struct device, 0 if not found */
	struct sw_view sw;
	enum dte_state dte_state;
	bool from_dev_data;		/* dte/cls hold the crashed kernel's view, not the dump's DTE */
	bool dte_not_valid;		/* found through its iommu_dev_data; the DTE has V=0 */
	struct amdvi_dte dump_dte;	/* the DTE as the dump has it (== dte unless from_dev_data) */
	enum amdvi_dte_class dump_cls;
	uint64_t extents, mapped_bytes, writable_bytes;	/* of its domain */
};

/* One translated domain: a domain ID with a v1 root, or (GV set) a GCR3
 * table of v2 roots, in at least one DTE. */
struct domain_info {
	enum iommu_vendor vendor;	/* whose backend found it, and walks it */
	int unit;			/* VT-d: the DRHD unit whose domain ID it is (IDs are per unit) */
	uint16_t segment, domid;
	bool v2;			/* guest (x86-64) format through GCR3 */
	bool first_level;		/* VT-d: first-level format (else second-level) */
	uint64_t root;			/* v1: page-table root PA; v2: GCR3 table root PA */
	unsigned mode;			/* v1: levels; v2: GLX (GCR3 table levels - 1) */
	unsigned v2_levels;		/* v2: 4 or 5 */
	unsigned n_devices;
	bool walked;
	struct iopt_walk_stats stats;
	size_t first_extent, n_extents;	/* slice of analysis.extents (kept ones) */
};

enum corr_class {
	CORR_OLD_MAPPING,		/* DMA through an old mapping still present, in the
					   device's own old domain (whatever domain was logged) */
	CORR_IOVA_NOT_MAPPED,		/* the old domain has no mapping at that IOVA */
	CORR_NO_TRANSLATION,		/* the device had no translation in the old kernel */
	CORR_NEW_DOMAIN,		/* not the device's old domain (the capture kernel's own), IOVA not mapped in that either */
	CORR_DEVICE_UNKNOWN,		/* no valid DTE for that device in the dump */
	CORR_UNRESOLVED,		/* the domain's page table was not walked (-n): IOVA not looked up */
	CORR_STALE_IOTLB,		/* not mapped any more, but in a range of the device's old domain
					   still waiting in a flush queue (lazy unmap, not invalidated):
					   DMA through a stale IOTLB entry */
	CORR_NOT_A_FAULT,		/* markers and other records: not classified */
};

struct corr_info {
	struct klog_record rec;		/* the log record (file/line inside) */
	const char *source;		/* "capture" or "crashed" */
	enum corr_class cls;
	bool has_extent;
	struct iopt_extent extent;	/* the old mapping hit, for CORR_OLD_MAPPING */
	uint64_t phys;			/* physical page the faulting IOVA reached */
	uint16_t old_domain;		/* the device's domain in the dump */
	bool has_old_domain;
	bool new_domain;		/* the logged domain is not the device's domain in the dump */
	bool pending;			/* IOVA to look up in (segment, old_domain) during the walk */
	uint16_t segment;
	int unit_key;			/* 0: AMD-Vi; VT-d: 1 + the unit whose domain it is */
	const struct fq_entry_info *fq;	/* CORR_STALE_IOTLB: the queue entry */
};

/* A line of the logs the parser could not use, kept for the text report's
 * -v: unparsed (AMD-Vi-looking, does not parse) or unrecognised (AMD-Vi
 * tagged, no message the parser knows). */
struct log_odd_line {
	const char *file;		/* the log's name, as the fault records' */
	uint64_t line;
	const char *reason;		/* unparsed: the parser's reason; NULL: unrecognised */
	char text[160];
};
#define LOG_ODD_MAX 50			/* kept for -v; the rest are counted */

struct analysis {
	struct analysis_options opt;
	const char *target_name;
	struct problems pb;
	bool out_of_memory;		/* a backend could not allocate: analysis_run() returns NULL */

	struct amdvi_state amd;		/* the AMD-Vi backend's (src/backend/amdvi) */
	struct vtd_state vtd;		/* the VT-d backend's (src/backend/vtd) */
	enum flush_verdict flush;	/* overall */

	struct dev_info *devs;
	size_t n_devs, devs_cap;
	struct domain_info *doms;
	size_t n_doms;
	struct iopt_extent *extents;	/* kept extents, grouped by domain */
	size_t n_extents;
	size_t extents_dropped;		/* beyond max_extents */

	/* lazy mode's flush queues (src/core/flush_queues.c) */
	enum fq_state fq_state;
	enum fq_policy fq_policy;
	struct fq_domain_info *fq_doms;
	size_t n_fq_doms;
	struct fq_entry_info *fq_entries;	/* grouped by domain */
	size_t n_fq_entries, fq_entries_cap;
	uint64_t jiffies;		/* at the panic, for the flush timer; 0 if unknown */
	unsigned hz;			/* the kernel's HZ, from tick_nsec or tk_ntp_data; 0 if unknown */
	size_t fq_unchecked;		/* translated devices whose DMA cookie could not be reached */

	struct corr_info *corr;		/* one per fault-like record of the logs */
	size_t n_corr;
	size_t *lookups;		/* indices of pending corr entries, by (segment, domain, address) */
	size_t n_lookups, lookup_cursor;
	int lookup_unit_key;		/* of the domain being walked */
	size_t corr_counts[CORR_NOT_A_FAULT + 1];
	/* capture kernel markers */
	bool kdump_pre_enabled, kdump_dt_copied, kdump_dt_copy_failed, kdump_reuse;
	bool kdump_vtd_tables_copied;	/* "Copied translation tables from previous kernel for dmarN" */
	bool kdump_vtd_copy_failed;	/* "Failed to copy translation tables" / "context table for bus" */
	bool kdump_dt_reused;		/* 6.18+ "Reused DEV table": kdump_dt_copied too */
	bool kdump_cmd_reused, kdump_evt_reused, kdump_cwb_reused;	/* "Re-using command/event/CWB buffer(s)" */
	bool capture_log_read;		/* the -k file could be opened */
	size_t capture_faults;
	/* lines of the logs the parser could not use (docs/log-formats.md
	 * sections 5 and 6), over both logs */
	size_t log_unparsed, log_unrecognised;
	struct log_odd_line *log_odd;	/* the first LOG_ODD_MAX of them, in the order read */
	size_t n_log_odd;
};

/* Runs every pass.  Never fails as a whole; returns NULL only when out of
 * memory.  Log files that cannot be opened become problems. */
struct analysis *analysis_run(const struct target *t, const struct analysis_options *opt);
void analysis_free(struct analysis *a);

/* The answers that could not be given because reads failed (each one
 * "unknown" or a lower bound in the reports), and whether the input was
 * damaged.  A front end's exit status comes from this. */
struct analysis_gaps {
	bool input_damaged;		/* the dump file is cut short or marked incomplete */
	bool presence_unknown;		/* whether there was an active AMD IOMMU */
	size_t rings_unread;		/* IOMMUs whose command ring could not be read (flush: unknown) */
	bool devices_incomplete;	/* device-table entries could not be read */
	size_t domains_incomplete;	/* domains whose page tables could not all be read */
	size_t event_logs_unread;	/* IOMMUs whose event log could not be read */
	size_t flush_queues_incomplete;	/* DMA domains whose flush queues could not all be read */
	size_t rings_unordered;		/* IOMMUs whose software tail is not a ring offset (flush: unknown) */
	size_t inconsistencies;		/* findings that read fine but cannot be right (PROBLEM_CORRUPT):
					   a damaged dump, so the answers built on them may be wrong */
};

/* Whether there was an active IOMMU of any vendor; whether that could
 * not be told; when none was active, why (the vendor's whose units the
 * dump holds, else the first backend's). */
bool analysis_iommu_active(const struct analysis *a);
bool analysis_presence_unknown(const struct analysis *a);
const char *analysis_inactive_reason(const struct analysis *a);

/* Whether device d translates through domain dom: same vendor; AMD-Vi: its
 * DTE (v1 or guest tables) names dom's ID in dom's segment; VT-d: its
 * context (PASID) entry names dom's ID on dom's unit (IDs are per unit). */
bool analysis_dev_uses_domain(const struct dev_info *d, const struct domain_info *dom);

/* Fills g; true when every answer was given in full from an intact input. */
bool analysis_gaps(const struct analysis *a, struct analysis_gaps *g);

const char *corr_class_name(enum corr_class c);
const char *fq_state_name(enum fq_state s);
const char *fq_policy_name(enum fq_policy p);
/* The flush-queue entry of (segment, domid) not yet invalidated that holds
 * iova, or NULL. */
const struct fq_entry_info *fq_pending_at(const struct analysis *a, int unit_key, uint16_t segment, uint16_t domid,
					   uint64_t iova);

#endif
