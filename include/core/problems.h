/*
 * Everything the analysis could not read or could not trust, kept with what
 * it was for, so that the report says "amd_iommu[0].cmd_buf: page excluded
 * from the dump" instead of silently printing less.
 */
#ifndef IOMMU_INFLIGHT_CORE_PROBLEMS_H
#define IOMMU_INFLIGHT_CORE_PROBLEMS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "target/target.h"

enum problem_kind {
	PROBLEM_READ,		/* a memory read failed: see err */
	PROBLEM_TYPE,		/* a type, member or symbol the analysis needs is missing */
	PROBLEM_CORRUPT,	/* data read fine but cannot be right (cycle, bad level, wild pointer) */
	PROBLEM_LIMIT,		/* a bound was hit (too many entries); output is cut there */
	PROBLEM_INPUT,		/* the input itself is damaged (a dump file cut short) */
};

struct problem {
	enum problem_kind kind;
	enum target_err err;		/* for PROBLEM_READ */
	enum target_space space;
	uint64_t addr;
	uint64_t len;
	char what[128];			/* which structure, e.g. "amd_iommu[0].cmd_buf" */
	char why[160];			/* free text */
};

#define PROBLEMS_KEEP_MAX 4096		/* further problems are counted, not kept */

struct problems {
	struct problem *list;
	size_t n, cap;
	size_t dropped;			/* problems beyond PROBLEMS_KEEP_MAX */
	size_t excluded_reads;		/* how many reads hit excluded pages */
	size_t corrupt;			/* PROBLEM_CORRUPT added, kept or dropped */
};

void problems_init(struct problems *pb);
void problems_free(struct problems *pb);

void problem_read(struct problems *pb, enum target_err err, enum target_space space,
		  uint64_t addr, uint64_t len, const char *what_fmt, ...)
	__attribute__((format(printf, 6, 7)));
void problem_add(struct problems *pb, enum problem_kind kind, const char *what,
		 const char *why_fmt, ...) __attribute__((format(printf, 4, 5)));

const char *problem_kind_name(enum problem_kind kind);

#endif
