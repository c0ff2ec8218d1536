/*
 * The flush verdict of one VT-d invalidation queue, from a snapshot of
 * what a vmcore holds of it: the ring (qi->desc), desc_status[256], and
 * free_head / free_tail / free_cnt of struct q_inval (K6.1
 * intel/iommu.h:432-439; the same struct in 5.10-7.3).
 *
 * The protocol (qi_submit_sync and reclaim_free_desc: K5.10
 * intel/dmar.c:1194-1200,1274-1368; K6.1 intel/dmar.c:1194-1200,1334-1460;
 * K6.12 intel/dmar.c:1216-1222,1378-1504; K7.3 intel/dmar.c:1282-1288,
 * 1444-1570), the same in all four eras:
 *   - a submission of count descriptors waits for free_cnt >= count + 2,
 *     copies them to slots free_head.., marks them QI_IN_USE, and puts an
 *     invalidation wait in slot wait_index = (free_head + count) % 256:
 *     qw0 = status data QI_DONE | SW | type 5 (| PD with
 *     QI_OPT_WAIT_DRAIN), qw1 = virt_to_phys(&desc_status[wait_index]),
 *     also marked QI_IN_USE;
 *   - free_head += count + 1, free_cnt -= count + 1 (mod 256), then the
 *     tail register IQT is written;
 *   - it polls desc_status[wait_index] until the hardware's status write
 *     stores QI_DONE, then sets slots index..wait_index to QI_FREE and
 *     reclaim_free_desc() moves free_tail forward over QI_FREE slots
 *     (free_cnt++ each) until it reaches free_head;
 *   - on an invalidation time-out, qi_check_fault turns the QI_IN_USE
 *     slots the hardware had fetched into QI_ABORT and the submitter
 *     retries; on a queue error it overwrites the faulting descriptor
 *     with a copy of the batch's wait (so a wait naming another slot's
 *     status can be a leftover of that, not corruption).
 * Era notes: 6.12 and 7.3 batch up to 16 descriptors per submission
 * (QI_MAX_BATCHED_DESC_COUNT, struct qi_batch; K6.12 intel/iommu.h:595-599,
 * intel/cache.c:285-299) where 5.10/6.1 mostly submit one; the page-
 * request drain submits a fenced wait without SW inside its batch (K6.1
 * intel/svm.c:573-587, K6.12 intel/prq.c:106-120).  7.3 changed nothing the
 * verdict reads: same QI_LENGTH, status values, wait layout and index
 * arithmetic (it adds tracing and latency counters only).
 *
 * So the newest submission's wait is slot (free_head - 1) mod 256, and its
 * desc_status is the verdict: FREE or DONE completed, IN_USE queued but
 * not completed, ABORT aborted after a time-out.
 *
 * Caveats:
 *   - IQH and IQT are MMIO registers, not in the dump: the verdict cannot
 *     tell "the hardware has not reached the wait" from "the CPU stopped
 *     before writing IQT", nor say which descriptor the hardware was on.
 *   - DONE/FREE mean completed before the dump was read, not before the
 *     panic: the hardware can still perform the status write while the
 *     capture kernel boots (its dmar_disable_qi waits for IQH == IQT,
 *     K6.1 intel/dmar.c:1672-1675).
 *   - FREE says the submitter is done with its slots, which is also what
 *     it does when it gives up: after a queue error (qi_check_fault
 *     returns -EINVAL, all eras) and, from 6.12, after a time-out whose
 *     device is gone (-ETIMEDOUT, K6.12 intel/dmar.c:1340-1357; same in
 *     7.3).  The log tells those apart ("Invalidation Queue Error (IQE)
 *     cleared", "Invalidation Time-out Error (ITE) cleared"; 5.10 prints
 *     "VT-d detected invalid descriptor" for the first).  ABORT is
 *     transient too: the aborted submitter frees its slots and resubmits.
 *   - The snapshot is not atomic with respect to a CPU that was inside
 *     qi_submit_sync; counters that disagree give UNKNOWN.
 */
#ifndef VTD_QI_VERDICT_H
#define VTD_QI_VERDICT_H

#include "vtd/qi.h"

struct vtd_qi_snapshot {
	const void *ring;		/* byte copy of qi->desc */
	size_t ring_len;		/* >= 256 * desc_size */
	const int32_t *desc_status;	/* the 256 ints of qi->desc_status */
	int free_head, free_tail, free_cnt;
	unsigned int desc_size;		/* 16 or 32 (vtd_qi_desc_size(ecap)) */
	uint64_t status_pa;		/* physical address of desc_status[0] */
};

enum vtd_qi_verdict {
	VTD_QI_VERDICT_IDLE,		/* never used: head = tail = 0, all zero */
	VTD_QI_VERDICT_COMPLETED,	/* last wait FREE or DONE */
	VTD_QI_VERDICT_QUEUED,		/* last wait IN_USE: queued, not completed */
	VTD_QI_VERDICT_ABORTED,		/* last wait ABORT */
	VTD_QI_VERDICT_UNKNOWN,		/* see reason */
};

/* Anomalies noted alongside the verdict (bit mask). */
#define VTD_QI_NOTE_BAD_STATUS_VALUE	0x01	/* a desc_status outside 0..3 */
#define VTD_QI_NOTE_BUSY_OUTSIDE	0x02	/* non-FREE status outside tail..head */
#define VTD_QI_NOTE_OLDER_WAIT_PENDING	0x04	/* last wait FREE/DONE, an older one IN_USE */
#define VTD_QI_NOTE_WAIT_COPY		0x08	/* a wait naming another slot's status */

struct vtd_qi_flush_verdict {
	enum vtd_qi_verdict verdict;
	char reason[160];		/* one sentence */
	int wait_slot;			/* (free_head - 1) mod 256; -1 if head is bad */
	int wait_status;		/* desc_status[wait_slot] */
	bool wait_ok;			/* that slot is an SW wait storing QI_DONE into
					 * desc_status[wait_slot] */
	struct vtd_qi_desc wait;	/* its decode (any type) */
	bool counters_ok;		/* indices in range, free_cnt = 256 - used */
	unsigned int used;		/* (free_head - free_tail) mod 256 */
	unsigned int n_pending;		/* slots tail..head-1 whose status != FREE */
	uint8_t pending[VTD_QI_LENGTH];	/* their slot numbers, oldest first */
	unsigned int n_pending_waits;	/* of them, SW waits on their own status */
	unsigned int notes;		/* VTD_QI_NOTE_* */
};

/*
 * Compute the verdict.  Returns VTD_ERR_ARG / VTD_ERR_SIZE for unusable
 * arguments (NULL pointers, a descriptor size other than 16/32, a ring
 * copy too short); otherwise VTD_OK, with what the dump says, however
 * inconsistent, in out->verdict.
 */
int vtd_qi_flush_verdict(const struct vtd_qi_snapshot *snap, struct vtd_qi_flush_verdict *out);

/* "idle", "completed", "queued-not-completed", "aborted", "unknown" */
const char *vtd_qi_verdict_name(enum vtd_qi_verdict v);

/* e.g. "completed: wait at slot 17 is done; 2 pending slots (1 wait)" */
int vtd_qi_flush_verdict_format(const struct vtd_qi_flush_verdict *v, char *buf, size_t len);

#endif /* VTD_QI_VERDICT_H */
