/*
 * The command ring as the crashed kernel left it: entries newest first from
 * the kernel's software tail, what the completion-wait semaphore proves
 * complete, and whether a flush ran before the capture kernel took over.
 *
 * The hardware head is an MMIO register and is not in a dump.  What the dump
 * has is the kernel's software head (refreshed only when the ring is nearly
 * full, so a lower bound at best) and the completion-wait store: a
 * COMPLETION_WAIT completes only after every command before it, so the
 * newest retired COMPLETION_WAIT proves everything older than it complete.
 */
#ifndef IOMMU_INFLIGHT_BACKEND_AMDVI_CMD_RING_H
#define IOMMU_INFLIGHT_BACKEND_AMDVI_CMD_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "amdvi/command.h"
#include "backend/amdvi/inventory.h"
#include "backend/amdvi/ring_split.h"
#include "core/flush_verdict.h"

#define CMD_RING_ENTRIES (INV_CMD_RING_SIZE / 16)

enum ring_entry_state {
	RING_ENTRY_EMPTY,		/* all zero: never written */
	RING_ENTRY_COMPLETE,		/* proven complete by a retired COMPLETION_WAIT */
	RING_ENTRY_NOT_PROVEN,		/* queued, no completion store proves it ran */
	RING_ENTRY_APPENDED,		/* written after the kernel's tail (not by the kernel) */
	RING_ENTRY_CAPTURE,		/* the capture kernel's, written into the reused ring */
};

struct ring_entry {
	uint32_t offset;		/* byte offset in the ring */
	uint32_t age;			/* 0 = newest */
	struct amdvi_cmd cmd;
	enum ring_entry_state state;
};

struct flush_result {
	enum flush_verdict verdict;
	bool appended;			/* found after the kernel's tail (an outside flusher) */
	bool after_traffic;		/* kernel-queued: ordinary commands precede it in the ring */
	uint32_t first_offset, cw_offset;	/* the flush's slots */
	uint64_t store_addr, store_data, store_seen;
	bool store_read;
	unsigned inv_all, inv_dte, inv_domain, inv_irt;
	char evidence[1024];
	/* The reference flush module's own account, found at the appended
	 * COMPLETION_WAIT's store address (module/iommu_ref_flush). */
	bool has_record;
	char record[512];		/* flush_record_format(), or why there is none */
};

struct cmd_ring_report {
	bool ordered;			/* a software tail gives the ring's order */
	uint32_t tail, head_sw;
	struct ring_entry entries[CMD_RING_ENTRIES];	/* newest first when ordered */
	unsigned n_entries;		/* non-empty entries */
	int retired_cw;			/* index in entries[] of the newest retired CW, -1 if none */
	uint64_t sem_value, sem_issued;
	bool all_retired;		/* nothing queued that the semaphore does not prove done */
	unsigned not_proven;
	char sem_summary[448];
	bool sem_trusted;		/* *cmd_sem is the crashed kernel's own (not rewritten) */
	char sem_distrust[200];		/* why not */
	struct ring_split split;	/* the capture kernel's entries, on a ring reused in place */
	unsigned capture_entries;	/* non-empty slots that are the capture kernel's */
	unsigned crashed_entries;	/* non-empty slots left that are the crashed kernel's */
	struct flush_result flush;
};

/* Analyses one IOMMU's ring.  `t` is used only to read a foreign
 * COMPLETION_WAIT's store address (an appended flush's record). */
void cmd_ring_analyse(const struct target *t, const struct inventory *inv,
		      const struct inv_iommu *io, struct cmd_ring_report *rep,
		      struct problems *pb);

const char *ring_entry_state_name(enum ring_entry_state s);

#endif
