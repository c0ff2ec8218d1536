/*
 * The standalone reader's view of a vmlinux: its ELF symbol table, build id
 * and release, and the struct layouts from its DWARF (libdw).
 *
 * Types are found lazily: a struct is looked up among the top-level DIEs of
 * the compile units named by the hints first (e.g. "drivers/iommu/amd/"),
 * then of every other unit in order, and every struct name seen on the way
 * is remembered, so a handful of structs costs a few units, never the whole
 * .debug_info.
 */
#ifndef IOMMU_INFLIGHT_DUMP_VMLINUX_H
#define IOMMU_INFLIGHT_DUMP_VMLINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target/target.h"

struct vmlinux;

/* Opens an ELF vmlinux (with or without DWARF; types need DWARF).  NULL on
 * failure, with the reason in err. */
struct vmlinux *vmlinux_open(const char *path, char *err, size_t errlen);
void vmlinux_close(struct vmlinux *vm);

/* Compile units whose name contains `substr` are searched first. */
void vmlinux_type_hint(struct vmlinux *vm, const char *substr);

/* "" when the file has no NT_GNU_BUILD_ID note. */
const char *vmlinux_build_id(const struct vmlinux *vm);
/* The release from the image's linux_banner ("6.12.117+deb12-amd64"), "" if unknown. */
const char *vmlinux_release(const struct vmlinux *vm);
bool vmlinux_has_dwarf(const struct vmlinux *vm);

/* A symbol's link-time address from .symtab (no KASLR offset). */
enum target_err vmlinux_symbol(struct vmlinux *vm, const char *name, uint64_t *addr);

enum target_err vmlinux_struct_size(struct vmlinux *vm, const char *sname, long *size);
enum target_err vmlinux_member(struct vmlinux *vm, const char *sname, const char *mname,
			       struct target_member *out);

/* Lookup statistics (compile units scanned out of the total). */
void vmlinux_type_stats(const struct vmlinux *vm, size_t *cus_scanned, size_t *cus_total);

/*
 * Finding a vmlinux.  `spec` is a path to an ELF vmlinux, or to a Debian
 * linux-image-*-dbg package (.deb; the vmlinux is extracted into a temporary
 * file), or NULL: then the dump's build id and release are looked up in the
 * usual debug directories (/usr/lib/debug/.build-id/xx/rest.debug,
 * /usr/lib/debug/boot/vmlinux-REL, /usr/lib/debug/lib/modules/REL/vmlinux,
 * /boot/vmlinux-REL, /lib/modules/REL/build/vmlinux), each below every
 * directory of `debug_dirs` (':'-separated, may be NULL) and then "/".
 * Returns a malloc'ed path; *is_temp says it is a temporary file to unlink.
 */
char *vmlinux_locate(const char *spec, const char *build_id, const char *release,
		     const char *debug_dirs, bool *is_temp, char *err, size_t errlen);

#endif
