/* A loaded module's symbols from the crashed kernel's module list
 * (include/core/module_syms.h). */
#include <stdio.h>
#include <string.h>

#include "core/module_syms.h"

#define MODULES_MAX	4096		/* a longer list is a cycle */
#define MODULE_SYMS_MAX	(1u << 20)
#define ELF64_SYM_SIZE	24		/* st_name u32, info, other, shndx u16, value, size */
#define SYM_BATCH	256

static long member_off(const struct target *t, const char *s, const char *m)
{
	struct target_member tm;

	return target_member(t, s, m, &tm) == TARGET_OK ? tm.offset : -1;
}

static void fail(struct module_sym_result *out, enum module_sym_status st, enum target_err err,
		 uint64_t at, const char *what)
{
	out->status = st;
	out->err = err;
	out->at = at;
	snprintf(out->why, sizeof(out->why), "%s%s%s", what,
		 st == MODULE_SYM_READ ? ": " : "", st == MODULE_SYM_READ ? target_err_name(err) : "");
}

/* The struct module named `name` on the `modules` list, or 0. */
static uint64_t find_module(const struct target *t, const char *name, long off_list, long off_name,
			    struct module_sym_result *out)
{
	uint64_t head, node;
	enum target_err err;
	char buf[64];

	if (target_symbol(t, "modules", &head) != TARGET_OK) {
		fail(out, MODULE_SYM_NO_TYPES, TARGET_OK, 0, "the symbol `modules` is not in the kernel");
		return 0;
	}
	if ((err = target_read_u64(t, TARGET_KVADDR, head, &node))) {
		fail(out, MODULE_SYM_READ, err, head, "the module list head `modules`");
		return 0;
	}
	for (unsigned n = 0; node != head; n++) {
		uint64_t mod = node - (uint64_t)off_list;

		if (n >= MODULES_MAX || !node) {
			fail(out, MODULE_SYM_CORRUPT, TARGET_OK, node,
			     !node ? "the module list holds a NULL link" : "the module list does not end (a cycle?)");
			return 0;
		}
		if ((err = target_read(t, TARGET_KVADDR, mod + (uint64_t)off_name, buf, sizeof(buf)))) {
			fail(out, MODULE_SYM_READ, err, mod + (uint64_t)off_name, "a struct module's name");
			return 0;
		}
		buf[sizeof(buf) - 1] = '\0';
		if (!strcmp(buf, name))
			return mod;
		if ((err = target_read_u64(t, TARGET_KVADDR, node, &node))) {
			fail(out, MODULE_SYM_READ, err, node, "the module list");
			return 0;
		}
	}
	out->status = MODULE_SYM_NOT_LOADED;
	snprintf(out->why, sizeof(out->why), "module %s is not loaded in the crashed kernel", name);
	return 0;
}

void module_symbol(const struct target *t, const char *module, const char *symbol,
		   struct module_sym_result *out)
{
	long off_list = member_off(t, "module", "list"), off_name = member_off(t, "module", "name");
	long off_ks = member_off(t, "module", "kallsyms");
	long off_symtab = member_off(t, "mod_kallsyms", "symtab");
	long off_num = member_off(t, "mod_kallsyms", "num_symtab");
	long off_strtab = member_off(t, "mod_kallsyms", "strtab");
	uint64_t mod, ks, symtab, num, strtab;
	size_t want = strlen(symbol) + 1;
	enum target_err err;

	memset(out, 0, sizeof(*out));
	/* struct mod_kallsyms and module.kallsyms came with 4.6's "modules:
	 * fix longstanding /proc/kallsyms vs module insertion race" (Rusty
	 * Russell); every kernel this tool reads has them. */
	if (off_list < 0 || off_name < 0 || off_ks < 0 || off_symtab < 0 || off_num < 0 || off_strtab < 0) {
		fail(out, MODULE_SYM_NO_TYPES, TARGET_OK, 0,
		     "struct module.kallsyms or struct mod_kallsyms is not in the kernel's types");
		return;
	}
	if (!(mod = find_module(t, module, off_list, off_name, out)))
		return;
	out->module = mod;
	if ((err = target_read_u64(t, TARGET_KVADDR, mod + (uint64_t)off_ks, &ks)) ||
	    (err = target_read_u64(t, TARGET_KVADDR, ks + (uint64_t)off_symtab, &symtab)) ||
	    (err = target_read_uint(t, TARGET_KVADDR, ks + (uint64_t)off_num, 4, &num)) ||
	    (err = target_read_u64(t, TARGET_KVADDR, ks + (uint64_t)off_strtab, &strtab))) {
		fail(out, MODULE_SYM_READ, err, ks, "the module's symbol table (struct mod_kallsyms)");
		return;
	}
	if (num > MODULE_SYMS_MAX) {
		fail(out, MODULE_SYM_CORRUPT, TARGET_OK, ks, "the module's num_symtab is implausibly large");
		return;
	}
	for (uint64_t i = 0; i < num; i += SYM_BATCH) {
		uint8_t syms[SYM_BATCH * ELF64_SYM_SIZE];
		unsigned n = num - i < SYM_BATCH ? (unsigned)(num - i) : SYM_BATCH;

		if ((err = target_read(t, TARGET_KVADDR, symtab + i * ELF64_SYM_SIZE, syms,
				       (size_t)n * ELF64_SYM_SIZE))) {
			fail(out, MODULE_SYM_READ, err, symtab + i * ELF64_SYM_SIZE, "the module's symbols");
			return;
		}
		for (unsigned k = 0; k < n; k++) {
			const uint8_t *s = syms + (size_t)k * ELF64_SYM_SIZE;
			uint32_t st_name = (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 |
					   (uint32_t)s[3] << 24;
			char name[128];
			uint64_t value = 0;

			if (want > sizeof(name) ||
			    target_read(t, TARGET_KVADDR, strtab + st_name, name, want) != TARGET_OK ||
			    memcmp(name, symbol, want))
				continue;
			for (int b = 7; b >= 0; b--)
				value = value << 8 | s[8 + b];
			out->status = MODULE_SYM_OK;
			out->addr = value;
			snprintf(out->why, sizeof(out->why), "%s:%s at %#llx", module, symbol,
				 (unsigned long long)value);
			return;
		}
	}
	out->status = MODULE_SYM_NO_SYMBOL;
	snprintf(out->why, sizeof(out->why), "module %s has no symbol %s in its kallsyms", module, symbol);
}
