/*
 * The crash target: struct target (include/target/target.h) answered by the
 * crash utility's own API (readmem, symbol_value, datatype_info).  Private to
 * the crash extension; this header does not include crash's defs.h so that
 * it can sit next to the engine's headers.
 *
 * No call ever longjmps out: crash's FAULT_ON_ERROR paths and error(FATAL)
 * inside crash (a page-table read during kvtop(), gdb failing on a type) are
 * trapped and come back as a target_err.
 */
#ifndef IOMMU_INFLIGHT_EXT_CRASH_TARGET_H
#define IOMMU_INFLIGHT_EXT_CRASH_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "target/target.h"

#define CT_HIDDEN __attribute__((visibility("hidden")))

/* What the target saw during one command, for the verbose report. */
struct crash_target_stats {
	unsigned long reads;		/* read calls */
	unsigned long bytes;		/* bytes read successfully */
	unsigned long failed;		/* read calls that failed */
	unsigned long excluded;		/* ... because a page was excluded */
	unsigned long invalid;		/* ... because the address is not in the dump */
	unsigned long io;		/* ... for another reason */
	unsigned long unavailable;	/* ... because crash --minimal cannot translate it */
	unsigned long walked;		/* reads translated by our own page-table walk (--minimal) */
	unsigned long trapped;		/* longjmps out of crash that were caught */
	unsigned long lookups;		/* symbol and type questions */
};

/* How the dump tells an excluded page: "PAGE_EXCLUDED" (kdump-compressed,
 * flattened), "ELF gap" (makedumpfile -E: a hole in the PT_LOADs inside RAM)
 * or "none" (--zero_excluded: crash returns zeros, exclusion is invisible). */
struct crash_target_info {
	const char *format;		/* "kdump-compressed", "ELF", ... */
	int dump_level;			/* makedumpfile -d level, -1 if unknown */
	bool zero_excluded;		/* crash was started with --zero_excluded */
	const char *exclusion_method;
};

CT_HIDDEN void crash_target_init(struct target *t);
CT_HIDDEN void crash_target_reset_stats(void);
CT_HIDDEN const struct crash_target_stats *crash_target_get_stats(void);
CT_HIDDEN void crash_target_get_info(struct crash_target_info *info);

/*
 * Runs fn(arg) with crash's error exits (FAULT_ON_ERROR reads, error(FATAL))
 * caught: returns 0 when fn returned, -1 when crash tried to leave it.
 */
CT_HIDDEN int crash_target_guard(void (*fn)(void *arg), void *arg);

#endif
