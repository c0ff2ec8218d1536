/*
 * The DMA API's flush queues (lazy mode): IOVA ranges unmapped from a
 * domain's page table whose IOTLB invalidation was deferred to a batched
 * flush.  Until that flush, a device may still translate them through its
 * IOTLB, into pages the kernel has already reused.  The page table no longer
 * shows them; the queue does (src/core/flush_queues.c).
 */
#ifndef IOMMU_INFLIGHT_CORE_FLUSH_QUEUES_H
#define IOMMU_INFLIGHT_CORE_FLUSH_QUEUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FQ_FREELIST_KEEP	4	/* freelist pages listed per entry (all are counted) */

enum fq_state {
	FQ_UNKNOWN,		/* the dma-iommu types are not in this kernel's debug info */
	FQ_NONE,		/* no DMA domain had a flush queue: strict mode (or no DMA domain) */
	FQ_FOUND,		/* at least one domain's queues were read */
};

/* The DMA API's default invalidation policy, from the kernel's globals. */
enum fq_policy {
	FQ_POLICY_UNKNOWN,
	FQ_POLICY_LAZY,
	FQ_POLICY_STRICT,
};

/* One live entry: slots head .. tail-1 of a queue. */
struct fq_entry_info {
	size_t domain;			/* index into analysis.fq_doms */
	int cpu;			/* the per-CPU queue's CPU, -1 for the single queue */
	unsigned slot;
	uint64_t iova, bytes;		/* the unmapped range */
	uint64_t counter;		/* fq_flush_start_cnt when it was queued */
	bool flushed;			/* a flush started after it has finished: invalidated */
	uint64_t freelist_pages;	/* page-table pages waiting on it (7.x generic page table) */
	uint64_t freelist_pa[FQ_FREELIST_KEEP];
	unsigned freelist_present[FQ_FREELIST_KEEP];	/* present entries each still holds */
};

/* One DMA domain with a flush queue (struct iommu_dma_cookie). */
struct fq_domain_info {
	uint16_t segment, domid;
	int unit_key;			/* 0: AMD-Vi; VT-d: 1 + the unit whose domain ID domid is */
	uint64_t pdom;			/* struct protection_domain * (VT-d: struct iommu_domain *) */
	uint64_t cookie;		/* struct iommu_dma_cookie * */
	char device[40];		/* the first device attached to it */
	unsigned n_devices;
	uint64_t start_cnt, finish_cnt;	/* fq_flush_start_cnt, fq_flush_finish_cnt */
	bool timer_on;
	uint64_t timer_expires;		/* jiffies */
	unsigned timeout_ms;		/* the flush timer's period (options.fq_timeout, else 10) */
	uint64_t unmapped_since;	/* jiffies: its pending entries were queued at or after
					 * this (the timer's arming, less a tick); 0 unknown */
	bool single;			/* one queue (6.7+ option) instead of one per CPU */
	unsigned size;			/* entries per queue */
	unsigned queues;		/* queues read */
	uint64_t granule;		/* IOVA page size */
	size_t first_entry, n_entries;	/* slice of analysis.fq_entries */
	size_t n_pending;		/* entries not yet invalidated */
	bool incomplete;		/* a queue could not be read or was damaged */
};

#endif
