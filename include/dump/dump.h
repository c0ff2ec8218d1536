/*
 * The standalone dump reader: a vmcore opened with libkdumpfile (kdump-
 * compressed with zlib/lzo/snappy/zstd, ELF, QEMU's ELF; makedumpfile's
 * flattened format reassembled first), kernel addresses translated from the
 * dump's VMCOREINFO (KASLR included), symbols and types from the vmlinux.
 * dump_target_init() turns it into the engine's struct target, named
 * "kdumpfile".
 */
#ifndef IOMMU_INFLIGHT_DUMP_DUMP_H
#define IOMMU_INFLIGHT_DUMP_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dump/integrity.h"
#include "dump/vmlinux.h"
#include "target/target.h"

struct dump;

struct dump_open_opts {
	bool progress;			/* a progress line on stderr while reassembling a big flattened dump */
	const char *tmpdir;		/* where a flattened dump is reassembled (NULL: $TMPDIR or /tmp) */
};

/* Opens the dump file ("-" reads a flattened dump from stdin).  NULL on
 * failure with the reason in err. */
struct dump *dump_open(const char *path, const struct dump_open_opts *opts, char *err, size_t errlen);
void dump_close(struct dump *d);

/* What the dump says about itself (VMCOREINFO); "" when unknown. */
const char *dump_format(const struct dump *d);	/* "kdump-compressed", "kdump-flattened", "elf" ... */
const char *dump_release(const struct dump *d);
const char *dump_build_id(const struct dump *d);
uint64_t dump_kaslr_offset(const struct dump *d);

/*
 * Attaches the vmlinux (symbols, types).  Refuses, returning -1 with both
 * versions named in err, a vmlinux whose build id or release differs from
 * the dump's.  The dump does not own vm.
 */
int dump_attach_vmlinux(struct dump *d, struct vmlinux *vm, char *err, size_t errlen);

/* Kernel-virtual to physical through the dump's own page tables (after
 * dump_attach_vmlinux); 0 on success, -1 when the address does not map.
 * The engine never needs it (it reads through the target); test tools
 * use it to find where a kernel structure sits in the file. */
int dump_vtop(struct dump *d, uint64_t vaddr, uint64_t *paddr);

/* The engine's target over the dump (after dump_attach_vmlinux). */
void dump_target_init(struct target *t, struct dump *d);

/* Whether the file is whole (src/dump/integrity.c), checked at open; for a
 * flattened dump, the stream's end marker too. */
const struct dump_integrity *dump_get_integrity(const struct dump *d);

struct dump_stats {
	unsigned long reads, bytes, failed, excluded, invalid, io;
};
const struct dump_stats *dump_get_stats(const struct dump *d);

/* ---- makedumpfile's flattened format (src/dump/flattened.c) ---------- */

/* true if the first bytes are a flattened dump's header. */
bool flattened_is_header(const void *buf, size_t len);
/*
 * Reassembles the flattened stream read from in_fd (a file or a pipe;
 * `already` bytes of it were consumed into `head`) into out_fd, the way
 * `makedumpfile -R` does: every (offset, size) record written at its offset.
 * Returns 0; 1 when the stream ends early (a cut file: what came before is
 * reassembled, err says where it ends); or -1 with the reason in err.
 */
int flattened_reassemble(int in_fd, const void *head, size_t already, int out_fd,
			 bool progress, uint64_t total_hint, char *err, size_t errlen);

/* ---- before libkdumpfile sees a file (src/dump/vmcore_check.c) ------ */

/*
 * Why the vmcore open as fd, whose first len bytes are head, must not be
 * handed to libkdumpfile 0.5.1 (it would crash, or allocate gigabytes,
 * on it), or NULL.  dump_open() refuses such a file with this reason.
 */
const char *vmcore_check(int fd, const unsigned char *head, size_t len);

/* ---- the crashed kernel's log (src/dump/dmesg.c) --------------------- */

/*
 * Writes the printk ring buffer (the lockless `prb` of 5.10+) of the dump to
 * out, oldest first, byte for byte as `makedumpfile --dump-dmesg` (1.7.2)
 * does: "[seconds.micros] text", the further lines of a multi-line record
 * indented without a timestamp, data-less records left out, unprintable
 * bytes escaped (src/dump/dmesg.c, src/dump/dmesg_text.c).  Uses the
 * target's types and memory.  Returns the number of records written, or -1
 * with the reason in err.
 */
long dump_dmesg(const struct target *t, FILE *out, char *err, size_t errlen);

#endif
