/*
 * Reading the reference-flush module's record (include/amdvi/flush_record.h)
 * out of a dump.  The engine finds it through the store address of the
 * COMPLETION_WAIT appended after the kernel's tail (cmd_ring.c read_store):
 * that address is one record slot's first u64.
 */
#ifndef IOMMU_INFLIGHT_BACKEND_AMDVI_FLUSH_RECORD_H
#define IOMMU_INFLIGHT_BACKEND_AMDVI_FLUSH_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "amdvi/flush_record.h"
#include "target/target.h"

enum flush_record_status {
	FLUSH_RECORD_OK		= 0,
	FLUSH_RECORD_E_ARG	= -1,	/* NULL target/out */
	FLUSH_RECORD_E_READ	= -2,	/* the slot at pa could not be read (read_err says why) */
	FLUSH_RECORD_E_MAGIC	= -3,	/* no record there (the store address is something else) */
	FLUSH_RECORD_E_VERSION	= -4,	/* a record of a version this code does not know */
	FLUSH_RECORD_E_BOUNDS	= -5,	/* misaligned pa, n_iommus/index out of range or inconsistent */
};

struct flush_record_info {
	uint64_t pa;			/* the address asked for (a slot's completion word) */
	uint64_t page_pa;		/* the record page */
	unsigned self;			/* slot index pa points at */
	unsigned n_iommus;		/* from that slot */
	enum target_err read_err;	/* for FLUSH_RECORD_E_READ */
	/* slots 0..n_iommus-1; slot_ok false when a sibling slot could not be
	 * read or does not check out (its contents are then zero) */
	bool slot_ok[AMDVI_FLUSH_RECORD_MAX_IOMMUS];
	struct amdvi_flush_record slot[AMDVI_FLUSH_RECORD_MAX_IOMMUS];
};

/*
 * Read and validate the record whose slot starts at physical address pa
 * (read through target_read(t, TARGET_PHYSADDR, ...)): the magic, the
 * version, the slot's index against its place in the page, n_iommus within
 * 1..AMDVI_FLUSH_RECORD_MAX_IOMMUS; then the sibling slots of the same page.
 * Returns FLUSH_RECORD_OK or a negative enum flush_record_status.  out is
 * always initialised.
 */
int flush_record_read(const struct target *t, uint64_t pa, struct flush_record_info *out);

const char *flush_record_strerror(int status);

/* The slot pa pointed at (NULL unless flush_record_read succeeded). */
const struct amdvi_flush_record *flush_record_self(const struct flush_record_info *info);

/* True when the IOMMU's store landed: completion == value. */
bool flush_record_completed(const struct amdvi_flush_record *r);

/* "entered,written,doorbell,completed" ("-" for none); snprintf's return. */
int flush_record_steps_str(uint32_t steps, char *buf, size_t len);
/* "disable,ia,timeout..." ("-" for none); snprintf's return. */
int flush_record_flags_str(uint32_t flags, char *buf, size_t len);

/*
 * One line for a report, e.g.
 *   "module record slot 0/1: IOMMU mmio 0xfeb80000 seg 0 devid 00:02.0:
 *    steps armed,entered,written,doorbell,completed; flags ia; 4 commands at
 *    tail 0x1a30 (head 0x1a30); completion 0x464c5553484f4b00 = value
 *    (store landed); waited 12 us; t=37.123456789 s"
 */
int flush_record_format(const struct amdvi_flush_record *r, char *buf, size_t len);

/*
 * The report line of the record whose slot the flush's completion store
 * (AMD-Vi) or status write (VT-d) targets at pa: flush_record_format() of it,
 * or "no reference-flush record at the <what> (<reason>)".  True when a
 * record was found.  Both backends' readers of an appended flush use it.
 */
bool flush_record_describe(const struct target *t, uint64_t pa, const char *what, char *buf, size_t len);

#endif
