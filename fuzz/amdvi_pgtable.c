/*
 * Fuzz target: I/O page-table entries, v1 and v2, and GCR3 entries
 * (src/amdvi/pgtable.c).  Input: an entry, a level, an IOVA, an SME mask
 * and a page size.  What an entry maps must be an aligned page of a size
 * the level allows, holding the IOVA it was resolved for.
 */
#include "fuzz.h"
#include "amdvi/pgtable.h"

static void leaf_ok(const struct amdvi_pte_mapping *m, uint64_t iova)
{
	FZ_CHECK(m->size && (m->size & (m->size - 1)) == 0);
	FZ_CHECK((m->iova & (m->size - 1)) == 0 && (m->pa & (m->size - 1)) == 0);
	FZ_CHECK(m->iova <= iova && iova - m->iova < m->size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);
	uint64_t pte = fz_u64(&in);
	unsigned int level = fz_u8(&in);
	uint64_t iova = fz_u64(&in), me_mask = fz_u64(&in), page = fz_u64(&in);
	struct amdvi_pte p;
	struct amdvi_pte_v2 p2;
	struct amdvi_pte_mapping m;
	struct amdvi_gcr3_entry g;

	/* small levels most of the time, any level now and then */
	if (level & 0x80)
		level &= 7;
	FZ_CHECK(amdvi_pt_level_index(iova, level) < AMDVI_PT_ENTRIES);
	(void)amdvi_pt_mode_limit(level);

	/* v1 */
	FZ_CHECK(amdvi_pte_decode(pte, 0, &p) == AMDVI_OK);
	FZ_CHECK(amdvi_pte_encode(&p) == (pte & (AMDVI_PTE_PR | AMDVI_PTE_A | AMDVI_PTE_D |
						 AMDVI_PTE_NL_MASK | AMDVI_PTE_ADDR_MASK |
						 AMDVI_PTE_U | AMDVI_PTE_FC | AMDVI_PTE_IR |
						 AMDVI_PTE_IW)));
	FZ_CHECK(amdvi_pte_decode(pte, me_mask, &p) == AMDVI_OK && (p.addr & me_mask) == 0);
	int rc = amdvi_pte_resolve(pte, level, iova, me_mask, &m);

	FZ_CHECK(rc == AMDVI_OK || rc == AMDVI_ERR_FORMAT || (rc == AMDVI_ERR_ARG && level > AMDVI_PT_LEVEL_MAX));
	if (rc == AMDVI_OK && m.kind == AMDVI_PTE_LEAF) {
		leaf_ok(&m, iova);
		FZ_CHECK(m.size >= amdvi_pt_level_span(level));
	}
	(void)amdvi_pte_next_level_ok(pte, level);
	(void)amdvi_pte_large_size(pte);
	if (amdvi_pa_within(iova, page, me_mask))
		FZ_CHECK(iova < me_mask && page <= me_mask - iova);

	/* a large page the builder accepts resolves to itself at its level */
	uint64_t big = amdvi_pte_build_large(iova, page, pte & 1, pte & 2);

	if (big) {
		unsigned int lv = 0;

		while (lv < AMDVI_PT_LEVEL_MAX && amdvi_pt_level_span(lv + 1) <= page)
			lv++;
		FZ_CHECK(amdvi_pte_large_size(big) == page);
		FZ_CHECK(amdvi_pte_resolve(big, lv, iova, 0, &m) == AMDVI_OK);
		FZ_CHECK(m.kind == AMDVI_PTE_LEAF && m.size == page && m.pa == iova);
	}
	uint64_t leaf = amdvi_pte_build_leaf(iova, pte & 1, pte & 2);

	FZ_CHECK(amdvi_pte_resolve(leaf, 0, iova, 0, &m) == AMDVI_OK && m.kind == AMDVI_PTE_LEAF);
	leaf_ok(&m, iova);
	if (level >= 1 && level <= AMDVI_PT_LEVEL_MAX) {
		uint64_t pde = amdvi_pte_build_pde(iova & AMDVI_PTE_ADDR_MASK, level);

		FZ_CHECK(amdvi_pte_next_level_ok(pde, level));
		FZ_CHECK(amdvi_pte_resolve(pde, level, iova, 0, &m) == AMDVI_OK);
		FZ_CHECK(m.kind == AMDVI_PTE_TABLE && m.pa == (iova & AMDVI_PTE_ADDR_MASK));
	}

	/* v2 */
	FZ_CHECK(amdvi_pte_v2_decode(pte, me_mask, &p2) == AMDVI_OK && (p2.addr & me_mask) == 0);
	FZ_CHECK(amdvi_pte_v2_decode(pte, 0, &p2) == AMDVI_OK);
	FZ_CHECK((amdvi_pte_v2_encode(&p2) & ~pte) == 0);
	rc = amdvi_pte_v2_resolve(pte, level, iova, me_mask, &m);
	FZ_CHECK(rc == AMDVI_OK || rc == AMDVI_ERR_FORMAT || (rc == AMDVI_ERR_ARG && level > 4));
	if (rc == AMDVI_OK && m.kind == AMDVI_PTE_LEAF)
		leaf_ok(&m, iova);

	/* GCR3 */
	FZ_CHECK(amdvi_gcr3_decode(pte, me_mask, &g) == AMDVI_OK && (g.addr & me_mask) == 0);
	FZ_CHECK(amdvi_gcr3_decode(amdvi_gcr3_encode(iova, pte & 1), 0, &g) == AMDVI_OK);
	FZ_CHECK(g.valid == (pte & 1) && g.addr == (iova & AMDVI_GCR3_ADDR_MASK));
	return 0;
}
