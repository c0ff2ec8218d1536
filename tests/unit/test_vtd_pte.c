/* Unit tests: VT-d page-table entries (include/vtd/pte.h).  Entries are
 * built as each era's kernel writes them: pfn_to_dma_pte / __domain_mapping
 * (K6.1 intel/iommu.c:1005-1007, 2277-2313; K6.12 intel/iommu.c:861-863,
 * 1829-1868) and the 7.3 generic page tables (generic_pt/fmt/vtdss.h,
 * x86_64.h install_table / install_leaf_entry / set_prot). */
#include <check.h>
#include <string.h>

#include "vtd/pte.h"

START_TEST(level_helpers)
{
	ck_assert_uint_eq(vtd_pt_level_span(0), 0x1000);
	ck_assert_uint_eq(vtd_pt_level_span(1), 0x200000);
	ck_assert_uint_eq(vtd_pt_level_span(2), 0x40000000ULL);
	ck_assert_uint_eq(vtd_pt_level_span(3), 1ULL << 39);
	ck_assert_uint_eq(vtd_pt_level_span(4), 1ULL << 48);
	ck_assert_uint_eq(vtd_pt_level_span(5), 0);
	ck_assert_uint_eq(vtd_pt_levels_width(3), 39);
	ck_assert_uint_eq(vtd_pt_levels_width(4), 48);
	ck_assert_uint_eq(vtd_pt_levels_width(5), 57);
	/* IOVA 0xffe59000: 0x59 / 0x1ff / 3 at levels 0 / 1 / 2 */
	ck_assert_uint_eq(vtd_pt_level_index(0xffe59000ULL, 0), 0x59);
	ck_assert_uint_eq(vtd_pt_level_index(0xffe59000ULL, 1), 0x1ff);
	ck_assert_uint_eq(vtd_pt_level_index(0xffe59000ULL, 2), 3);
	ck_assert_uint_eq(vtd_pt_level_index(1ULL << 48, 4), 1);	/* 5-level root */
	ck_assert_uint_eq(vtd_pt_level_index(~0ULL, 4), 0x1ff);
	ck_assert_uint_eq(vtd_pt_level_index(~0ULL, 5), 0);
	ck_assert_uint_eq(vtd_pte_addr_mask(VTD_PTE_FMT_SL), 0x000ffffffffff000ULL);
	ck_assert_uint_eq(vtd_pte_addr_mask(VTD_PTE_FMT_FL), 0x000ffffffffff000ULL);
	ck_assert_str_eq(vtd_pte_kind_name(VTD_PTE_BAD), "bad");
}
END_TEST

/* Present: SL (val & 3) != 0 (dma_pte_present), FL bit 0. */
START_TEST(present_is_format_dependent)
{
	ck_assert(vtd_pte_present(0x1002ULL, VTD_PTE_FMT_SL));	/* W only */
	ck_assert(!vtd_pte_present(0x1002ULL, VTD_PTE_FMT_FL));
	ck_assert(vtd_pte_present(0x1001ULL, VTD_PTE_FMT_FL));
	ck_assert(!vtd_pte_present(0x1f80ULL | VTD_SL_PTE_SNP, VTD_PTE_FMT_SL));
	ck_assert(!vtd_pte_present(0, VTD_PTE_FMT_SL));
}
END_TEST

/* A 4-level SL walk as 6.1 builds it: tables pa | R | W; the leaf of a
 * DMA_FROM_DEVICE mapping is prot W | the forced bit 0, i.e. R|W. */
START_TEST(sl_walk)
{
	const uint64_t iova = 0xffe59000ULL;
	struct vtd_pte_mapping m;
	struct vtd_sl_pte p;

	ck_assert_int_eq(vtd_pte_resolve(0x0000000001a2b003ULL, VTD_PTE_FMT_SL, 3, iova, &m),
			 VTD_OK);
	ck_assert_int_eq(m.kind, VTD_PTE_TABLE);
	ck_assert_uint_eq(m.pa, 0x1a2b000ULL);
	ck_assert_uint_eq(m.iova, 0);
	ck_assert_uint_eq(m.size, 1ULL << 39);
	ck_assert(m.ir && m.iw);

	ck_assert_int_eq(vtd_pte_resolve(0x0000000002b37003ULL, VTD_PTE_FMT_SL, 0, iova, &m),
			 VTD_OK);
	ck_assert_int_eq(m.kind, VTD_PTE_LEAF);
	ck_assert_uint_eq(m.iova, iova);
	ck_assert_uint_eq(m.size, 0x1000);
	ck_assert_uint_eq(m.pa, 0x2b37000ULL);
	ck_assert(m.ir && m.iw);

	/* 6.x DMA_TO_DEVICE leaf: R only */
	vtd_pte_resolve(0x2b37001ULL, VTD_PTE_FMT_SL, 0, iova, &m);
	ck_assert(m.ir && !m.iw);
	/* 7.3 DMA_FROM_DEVICE leaf: W only (set_prot sets R only for IOMMU_READ) */
	vtd_pte_resolve(0x2b37002ULL, VTD_PTE_FMT_SL, 0, iova, &m);
	ck_assert_int_eq(m.kind, VTD_PTE_LEAF);
	ck_assert(!m.ir && m.iw);

	ck_assert_int_eq(vtd_pte_resolve(0, VTD_PTE_FMT_SL, 0, 0xffe58000ULL, &m), VTD_OK);
	ck_assert_int_eq(m.kind, VTD_PTE_NONE);
	ck_assert_uint_eq(m.iova, 0xffe58000ULL);
	ck_assert_uint_eq(m.size, 0x1000);

	/* every SL field */
	vtd_sl_pte_decode(0x0000000002b37000ULL | VTD_SL_PTE_SNP | VTD_SL_PTE_D | VTD_SL_PTE_A |
			  VTD_SL_PTE_PS | 3, &p);
	ck_assert(p.r && p.w && p.ps && p.a && p.d && p.snp);
	ck_assert_uint_eq(p.addr, 0x2b37000ULL);
	ck_assert_uint_eq(p.high, 0);
	vtd_sl_pte_decode(0x2b37001ULL, &p);
	ck_assert(p.r && !p.w && !p.ps && !p.a && !p.d && !p.snp);
	ck_assert_int_eq(vtd_sl_pte_decode(0, NULL), VTD_ERR_ARG);
}
END_TEST

/* Superpages: PS at level 1 = 2 MiB, level 2 = 1 GiB; PS at level 0 is not
 * a superpage; PS at level 3 or 4 is bad. */
START_TEST(superpages)
{
	struct vtd_pte_mapping m;

	/* 2 MiB: pa | PS | R | W; iova inside it */
	ck_assert_int_eq(vtd_pte_resolve(0x0000000040000083ULL, VTD_PTE_FMT_SL, 1,
					 0x12345678ULL, &m), VTD_OK);
	ck_assert_int_eq(m.kind, VTD_PTE_LEAF);
	ck_assert_uint_eq(m.iova, 0x12200000ULL);
	ck_assert_uint_eq(m.size, 0x200000ULL);
	ck_assert_uint_eq(m.pa, 0x40000000ULL);
	/* address bits below the superpage size are dropped */
	vtd_pte_resolve(0x0000000040123083ULL, VTD_PTE_FMT_SL, 1, 0x12345678ULL, &m);
	ck_assert_uint_eq(m.pa, 0x40000000ULL);

	/* 1 GiB */
	ck_assert_int_eq(vtd_pte_resolve(0x0000000080000083ULL, VTD_PTE_FMT_SL, 2,
					 0x7654321000ULL, &m), VTD_OK);
	ck_assert_int_eq(m.kind, VTD_PTE_LEAF);
	ck_assert_uint_eq(m.iova, 0x7640000000ULL);
	ck_assert_uint_eq(m.size, 1ULL << 30);
	ck_assert_uint_eq(m.pa, 0x80000000ULL);

	/* PS at level 0: a 4 KiB leaf */
	ck_assert_int_eq(vtd_pte_resolve(0x0000000002b37083ULL, VTD_PTE_FMT_SL, 0, 0x5000, &m),
			 VTD_OK);
	ck_assert_int_eq(m.kind, VTD_PTE_LEAF);
	ck_assert_uint_eq(m.size, 0x1000);
	ck_assert_uint_eq(m.pa, 0x2b37000ULL);

	/* PS at level 3 / 4: bad (no 512 GiB pages) */
	ck_assert_int_eq(vtd_pte_resolve(0x0000000080000083ULL, VTD_PTE_FMT_SL, 3, 0, &m),
			 VTD_ERR_FORMAT);
	ck_assert_int_eq(m.kind, VTD_PTE_BAD);
	ck_assert_uint_eq(m.size, 1ULL << 39);
	ck_assert_int_eq(vtd_pte_resolve(0x81ULL | (1ULL << 12), VTD_PTE_FMT_FL, 4, 0, &m),
			 VTD_ERR_FORMAT);
	ck_assert_int_eq(m.kind, VTD_PTE_BAD);

	/* FL 2 MiB with the PAT bit (12): pa aligned down */
	vtd_pte_resolve(0x0000000040001000ULL | VTD_FL_PTE_PS | 0x67, VTD_PTE_FMT_FL, 1,
			0x200000ULL, &m);
	ck_assert_int_eq(m.kind, VTD_PTE_LEAF);
	ck_assert_uint_eq(m.pa, 0x40000000ULL);

	/* level 5 does not exist */
	ck_assert_int_eq(vtd_pte_resolve(0x3, VTD_PTE_FMT_SL, 5, 0, &m), VTD_ERR_ARG);
	ck_assert_int_eq(vtd_pte_resolve(0x3, VTD_PTE_FMT_SL, 0, 0, NULL), VTD_ERR_ARG);
}
END_TEST

/* 5.10/6.1 first level: XD on every entry.  Tables: pa | R | W | XD | US |
 * A (K6.1 intel/iommu.c:1005-1007); leaves: pa | P | prot | XD | US | A
 * (| D if writable) (K6.1 intel/iommu.c:2277-2282). */
START_TEST(fl_xd_masked)
{
	const uint64_t table = 0x8000000001a2b027ULL;
	const uint64_t leaf_ro = 0x8000000002b37025ULL;
	const uint64_t leaf_rw = 0x8000000002b37067ULL;
	struct vtd_pte_mapping m;
	struct vtd_fl_pte p;

	vtd_fl_pte_decode(table, &p);
	ck_assert(p.p && p.rw && p.us && p.a && p.xd && !p.d && !p.ps && !p.g);
	ck_assert(!p.pwt && !p.pcd);
	ck_assert_uint_eq(p.addr, 0x1a2b000ULL);
	ck_assert_uint_eq(p.high, 0x800);
	ck_assert_int_eq(vtd_pte_resolve(table, VTD_PTE_FMT_FL, 3, 0xffe59000ULL, &m), VTD_OK);
	ck_assert_int_eq(m.kind, VTD_PTE_TABLE);
	ck_assert_uint_eq(m.pa, 0x1a2b000ULL);	/* XD is not part of the address */
	ck_assert(m.ir && m.iw);

	vtd_pte_resolve(leaf_ro, VTD_PTE_FMT_FL, 0, 0xffe59000ULL, &m);
	ck_assert_int_eq(m.kind, VTD_PTE_LEAF);
	ck_assert_uint_eq(m.pa, 0x2b37000ULL);
	ck_assert(m.ir && !m.iw);
	vtd_pte_resolve(leaf_rw, VTD_PTE_FMT_FL, 0, 0xffe59000ULL, &m);
	ck_assert(m.ir && m.iw);
	vtd_fl_pte_decode(leaf_rw, &p);
	ck_assert(p.d && p.xd);

	/* 6.12: no XD; 7.3 tables P | RW | U | A, the same word */
	vtd_fl_pte_decode(0x0000000001a2b027ULL, &p);
	ck_assert(!p.xd);
	ck_assert_uint_eq(p.high, 0);
	ck_assert_uint_eq(p.addr, 0x1a2b000ULL);
	/* the remaining bits */
	vtd_fl_pte_decode(VTD_FL_PTE_PWT | VTD_FL_PTE_PCD | VTD_FL_PTE_G, &p);
	ck_assert(p.pwt && p.pcd && p.g && !p.p);
	ck_assert_int_eq(vtd_fl_pte_decode(0, NULL), VTD_ERR_ARG);
}
END_TEST

/* 7.3 software bits never leak into addresses: SL table with sw bit 0
 * (bit 10) and bits 52-60/63; FL with bits 9, 11, 52-62. */
START_TEST(software_bits)
{
	struct vtd_pte_mapping m;
	struct vtd_sl_pte p;

	vtd_pte_resolve(0x9ff0000001a2b403ULL, VTD_PTE_FMT_SL, 2, 0, &m);
	ck_assert_int_eq(m.kind, VTD_PTE_TABLE);
	ck_assert_uint_eq(m.pa, 0x1a2b000ULL);
	vtd_sl_pte_decode(0x9ff0000001a2b403ULL, &p);
	ck_assert_uint_eq(p.high, 0x9ff);
	vtd_pte_resolve(0x7ff0000001a2ba27ULL, VTD_PTE_FMT_FL, 2, 0, &m);
	ck_assert_int_eq(m.kind, VTD_PTE_TABLE);
	ck_assert_uint_eq(m.pa, 0x1a2b000ULL);
}
END_TEST

START_TEST(limits_and_canonical)
{
	ck_assert(vtd_pa_within(0x1000, 0x1000, 0x2000));
	ck_assert(!vtd_pa_within(0x1000, 0x1001, 0x2000));
	ck_assert(!vtd_pa_within(0x2000, 1, 0x2000));
	ck_assert(vtd_pa_within(0, 1ULL << 39, 1ULL << 39));
	ck_assert(!vtd_pa_within(~0ULL - 0xfff, 0x2000, ~0ULL));

	/* 4-level FL: bit 47 extends; 5-level: bit 56 */
	ck_assert_uint_eq(vtd_fl_iova_canonical(0x0000800000000000ULL, 4), 0xffff800000000000ULL);
	ck_assert_uint_eq(vtd_fl_iova_canonical(0x00007ffffffff000ULL, 4), 0x00007ffffffff000ULL);
	ck_assert_uint_eq(vtd_fl_iova_canonical(0xffff7ffffffff000ULL, 4), 0x00007ffffffff000ULL);
	ck_assert_uint_eq(vtd_fl_iova_canonical(0x0100000000000000ULL, 5), 0xff00000000000000ULL);
	ck_assert_uint_eq(vtd_fl_iova_canonical(0x0080000000000000ULL, 5), 0x0080000000000000ULL);
	ck_assert_uint_eq(vtd_fl_iova_canonical(0x1234, 6), 0x1234);	/* 66 bits: as is */
}
END_TEST

extern Suite *vtd_pte_suite(void);
Suite *vtd_pte_suite(void)
{
	Suite *s = suite_create("vtd_pte");
	TCase *tc = tcase_create("pte");

	tcase_add_test(tc, level_helpers);
	tcase_add_test(tc, present_is_format_dependent);
	tcase_add_test(tc, sl_walk);
	tcase_add_test(tc, superpages);
	tcase_add_test(tc, fl_xd_masked);
	tcase_add_test(tc, software_bits);
	tcase_add_test(tc, limits_and_canonical);
	suite_add_tcase(s, tc);
	return s;
}
