/*
 * Struct layouts from a vmlinux's DWARF, through libdw, loading only what
 * is asked for (see include/dump/vmlinux.h for the search order).
 */
#ifndef IOMMU_INFLIGHT_DUMP_DWARF_TYPES_H
#define IOMMU_INFLIGHT_DUMP_DWARF_TYPES_H

#include <stddef.h>

#include <elfutils/libdw.h>

#include "target/target.h"

struct dwarf_types;

/* NULL if the ELF has no usable .debug_info. */
struct dwarf_types *dwarf_types_new(Elf *elf);
void dwarf_types_free(struct dwarf_types *dt);
void dwarf_types_hint(struct dwarf_types *dt, const char *cu_substr);

enum target_err dwarf_types_struct_size(struct dwarf_types *dt, const char *sname, long *size);
enum target_err dwarf_types_member(struct dwarf_types *dt, const char *sname, const char *mname,
				   struct target_member *out);
void dwarf_types_stats(const struct dwarf_types *dt, size_t *scanned, size_t *total);

#endif
