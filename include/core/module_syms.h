/*
 * Symbols of a loaded module, read from the crashed kernel's own module
 * list: `modules` -> struct module (list, name) -> mod->kallsyms (struct
 * mod_kallsyms: symtab, num_symtab, strtab), whose Elf64_Sym st_value are
 * the symbols' addresses in the running kernel.  Works through any target
 * (crash's, the standalone reader, a fixture) and needs no module debuginfo.
 */
#ifndef IOMMU_INFLIGHT_CORE_MODULE_SYMS_H
#define IOMMU_INFLIGHT_CORE_MODULE_SYMS_H

#include <stddef.h>
#include <stdint.h>

#include "target/target.h"

enum module_sym_status {
	MODULE_SYM_OK = 0,
	MODULE_SYM_NO_TYPES,	/* struct module / mod_kallsyms not in the kernel's types */
	MODULE_SYM_NOT_LOADED,	/* no module of that name on the list */
	MODULE_SYM_NO_SYMBOL,	/* loaded, but its symbol table lacks the name */
	MODULE_SYM_READ,	/* a read failed (err and at say which) */
	MODULE_SYM_CORRUPT,	/* the list or the table does not check out */
};

struct module_sym_result {
	enum module_sym_status status;
	uint64_t addr;			/* the symbol's address (MODULE_SYM_OK) */
	uint64_t module;		/* the struct module, when found */
	enum target_err err;		/* MODULE_SYM_READ */
	uint64_t at;			/* the address that failed or did not check out */
	char why[160];			/* one line for a problem or a report */
};

/* Looks up `symbol` of module `module` (as modinfo names it, e.g.
 * "iommu_ref_flush").  Always fills *out. */
void module_symbol(const struct target *t, const char *module, const char *symbol,
		   struct module_sym_result *out);

#endif
