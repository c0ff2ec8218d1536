/*
 * Is the dump file whole?  A dump cut short (a full disk, an interrupted
 * copy) still opens: its headers are at the front.  What is missing is the
 * page data the headers point past the end of the file, and every read of
 * such a page fails later as a plain read error.  This check, made once
 * when the dump is opened, says so up front and says how much is missing.
 *
 * Pure code over a file descriptor (pread only): the standalone reader and
 * the crash extension (on crash's own dump file) run the same check.
 */
#ifndef IOMMU_INFLIGHT_DUMP_INTEGRITY_H
#define IOMMU_INFLIGHT_DUMP_INTEGRITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dump_integrity {
	bool checked;			/* the format was understood and checked */
	char format[24];		/* "kdump-compressed", "elf" */
	uint64_t file_size;		/* bytes in the file */
	uint64_t needed_size;		/* bytes the headers say the file holds (0: not known) */
	bool truncated;			/* data the headers point to lies past the end */
	bool headers_cut;		/* even the headers or the page table are cut */
	uint64_t units_total;		/* kdump: stored pages; ELF: bytes of PT_LOAD data */
	uint64_t units_missing;		/* of those, past the end of the file */
	bool incomplete_flag;		/* makedumpfile's own DUMP_DH_COMPRESSED_INCOMPLETE */
	char summary[256];		/* one line for the report; "" when whole */
	/* ELF: the physical ranges whose data lies past the end of the file.
	 * A reader may hand out zeros for them (libkdumpfile 0.5.1 does):
	 * reads there must fail instead.  More ranges than fit are merged
	 * into the last one, which then covers more than is missing. */
	struct { uint64_t start, end; } missing_phys[32];
	unsigned n_missing_phys;
};

/* true when [pa, pa + len) touches a physical range past the end of the file. */
bool dump_integrity_missing(const struct dump_integrity *di, uint64_t pa, uint64_t len);

/*
 * Checks the dump in fd (a kdump-compressed or ELF file; a flattened one
 * after reassembly).  Fills out; returns true when the file is whole or its
 * format is not one this check knows (out->checked false), false when it
 * is damaged (out->summary says how).
 */
bool dump_integrity_check(int fd, struct dump_integrity *out);

/* true when the check found the file damaged. */
static inline bool dump_integrity_damaged(const struct dump_integrity *di)
{
	return di && di->checked && (di->truncated || di->headers_cut || di->incomplete_flag);
}

#endif
