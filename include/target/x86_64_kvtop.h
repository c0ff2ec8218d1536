/* Kernel virtual to physical on x86-64, by walking the kernel's own page
 * tables as they are in the dump (init_top_pgt and below).
 *
 * For targets whose own translation does not cover module, vmalloc or
 * vmemmap addresses: crash --minimal sets up no page-table walk of its own,
 * yet a module's data and the structures an analysis reaches from it are
 * in the dump like any other page. */
#ifndef IIF_TARGET_X86_64_KVTOP_H
#define IIF_TARGET_X86_64_KVTOP_H

#include <stdint.h>

#include "target/target.h"

struct x86_64_kernel_pt {
	uint64_t top;		/* physical address of the top table (init_top_pgt) */
	int levels;		/* 4, or 5 with LA57 */
	uint64_t me_mask;	/* sme_me_mask: the encryption bit entries carry (0 if none) */
};

typedef enum target_err (*x86_64_read_phys)(void *arg, uint64_t paddr, uint64_t *entry);

/* Translates VADDR; TARGET_E_INVALID when an entry is not present, or the
 * error of the read of a table entry (excluded, not in the dump...).
 * *LEVEL_FAILED (if given) gets the level whose entry failed, 1 = PTE. */
enum target_err x86_64_kvtop(const struct x86_64_kernel_pt *pt, x86_64_read_phys read, void *arg,
			     uint64_t vaddr, uint64_t *paddr, int *level_failed);

#endif
