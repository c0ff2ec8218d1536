/* A walk of the x86-64 kernel page tables: PGD (P4D with LA57), PUD, PMD,
 * PTE, with 1 GiB and 2 MiB pages (PS at the PUD and PMD levels). */
#include "target/x86_64_kvtop.h"

#define PTE_PRESENT	0x001ull
#define PTE_PS		0x080ull
#define PTE_ADDR_MASK	0x000ffffffffff000ull	/* bits 51:12 */

enum target_err x86_64_kvtop(const struct x86_64_kernel_pt *pt, x86_64_read_phys read, void *arg,
			     uint64_t vaddr, uint64_t *paddr, int *level_failed)
{
	uint64_t mask = PTE_ADDR_MASK & ~pt->me_mask;
	uint64_t table = pt->top & mask;
	int levels = pt->levels == 5 ? 5 : 4;

	for (int level = levels; level >= 1; level--) {
		int shift = 12 + 9 * (level - 1);
		uint64_t entry;
		enum target_err err = read(arg, table + ((vaddr >> shift) & 511) * 8, &entry);

		if (!err && !(entry & PTE_PRESENT))
			err = TARGET_E_INVALID;
		if (err) {
			if (level_failed)
				*level_failed = level;
			return err;
		}
		/* a leaf: the PTE, or PS in a PUD (1 GiB) or PMD (2 MiB); the
		 * low address bits of a large page's entry hold PAT, not address */
		if (level == 1 || ((level == 2 || level == 3) && (entry & PTE_PS))) {
			uint64_t span = 1ull << shift;

			*paddr = (entry & mask & ~(span - 1)) | (vaddr & (span - 1));
			return TARGET_OK;
		}
		table = entry & mask;
	}
	return TARGET_E_INVALID;	/* not reached */
}
