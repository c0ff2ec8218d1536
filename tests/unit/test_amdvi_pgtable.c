/* Unit tests: AMD-Vi I/O page-table entries (include/amdvi/pgtable.h). */
#include <check.h>
#include <string.h>

#include "amdvi/pgtable.h"

START_TEST(level_helpers)
{
	ck_assert_uint_eq(amdvi_pt_level_span(0), 0x1000);
	ck_assert_uint_eq(amdvi_pt_level_span(1), 0x200000);
	ck_assert_uint_eq(amdvi_pt_level_span(2), 0x40000000ULL);
	ck_assert_uint_eq(amdvi_pt_level_span(5), 1ULL << 57);
	ck_assert_uint_eq(amdvi_pt_level_span(6), 0);
	/* IOVA 0xffe59000: indexes 0x59 / 0x1ff / 3 at levels 0 / 1 / 2 */
	ck_assert_uint_eq(amdvi_pt_level_index(0xffe59000ULL, 0), 0x59);
	ck_assert_uint_eq(amdvi_pt_level_index(0xffe59000ULL, 1), 0x1ff);
	ck_assert_uint_eq(amdvi_pt_level_index(0xffe59000ULL, 2), 3);
	ck_assert_uint_eq(amdvi_pt_level_index(~0ULL, 5), 0x7f);	/* bits 63:57 */
	ck_assert_uint_eq(amdvi_pt_level_index(1ULL << 57, 5), 1);
	ck_assert_uint_eq(amdvi_pt_mode_limit(3), 1ULL << 39);
	ck_assert_uint_eq(amdvi_pt_mode_limit(1), 1ULL << 21);
	ck_assert_uint_eq(amdvi_pt_mode_limit(6), 0);
}
END_TEST

/* V-dump walk: domain 3, IOVA 0xffe59000, mode 3. */
START_TEST(real_walk)
{
	const uint64_t iova = 0xffe59000ULL;
	const uint64_t l2 = 0x6000000002a59401ULL;	/* PDE, NL = 2 */
	const uint64_t l1 = 0x6000000002a58201ULL;	/* PDE, NL = 1 */
	const uint64_t l0 = 0x5000000002b37001ULL;	/* leaf */
	struct amdvi_pte_mapping m;
	struct amdvi_pte p;

	ck_assert_int_eq(amdvi_pte_decode(l2, 0, &p), AMDVI_OK);
	ck_assert(p.pr && p.ir && p.iw && !p.fc);
	ck_assert_uint_eq(p.next_level, 2);
	ck_assert_uint_eq(p.addr, 0x2a59000ULL);
	ck_assert(amdvi_pte_next_level_ok(l2, 2));
	ck_assert(!amdvi_pte_next_level_ok(l2, 1));
	ck_assert_int_eq(amdvi_pte_resolve(l2, 2, iova, 0, &m), AMDVI_OK);
	ck_assert_int_eq(m.kind, AMDVI_PTE_TABLE);
	ck_assert_uint_eq(m.pa, 0x2a59000ULL);
	ck_assert_uint_eq(m.size, 1ULL << 30);
	ck_assert_uint_eq(m.iova, 0xc0000000ULL);

	ck_assert_int_eq(amdvi_pte_decode(l1, 0, &p), AMDVI_OK);
	ck_assert_uint_eq(p.next_level, 1);
	ck_assert(amdvi_pte_next_level_ok(l1, 1));
	ck_assert_int_eq(amdvi_pte_resolve(l1, 1, iova, 0, &m), AMDVI_OK);
	ck_assert_int_eq(m.kind, AMDVI_PTE_TABLE);
	ck_assert_uint_eq(m.pa, 0x2a58000ULL);

	ck_assert_int_eq(amdvi_pte_decode(l0, 0, &p), AMDVI_OK);
	ck_assert(p.pr && p.fc && p.iw && !p.ir && !p.u && !p.a && !p.d);
	ck_assert_uint_eq(p.next_level, 0);
	ck_assert_uint_eq(p.addr, 0x2b37000ULL);
	ck_assert_int_eq(amdvi_pte_resolve(l0, 0, iova, 0, &m), AMDVI_OK);
	ck_assert_int_eq(m.kind, AMDVI_PTE_LEAF);
	ck_assert_uint_eq(m.iova, iova);
	ck_assert_uint_eq(m.size, 0x1000);
	ck_assert_uint_eq(m.pa, 0x2b37000ULL);
	ck_assert(m.iw && !m.ir);

	/* builders give back the kernel's words */
	ck_assert_uint_eq(amdvi_pte_build_pde(0x2a59000ULL, 2), l2);
	ck_assert_uint_eq(amdvi_pte_build_pde(0x2a58000ULL, 1), l1);
	ck_assert_uint_eq(amdvi_pte_build_leaf(0x2b37000ULL, false, true), l0);

	/* 0xffe58000 was unmapped: PTE 0 */
	ck_assert_int_eq(amdvi_pte_resolve(0, 0, 0xffe58000ULL, 0, &m), AMDVI_OK);
	ck_assert_int_eq(m.kind, AMDVI_PTE_NONE);
}
END_TEST

START_TEST(pte_field_roundtrip)
{
	struct amdvi_pte in, out;
	uint64_t v;

	memset(&in, 0, sizeof(in));
	in.pr = in.a = in.d = in.u = in.fc = in.ir = in.iw = true;
	in.next_level = 7;
	in.addr = 0x000ffffffffff000ULL;
	v = amdvi_pte_encode(&in);
	ck_assert_uint_eq(v, 0x7800000000000000ULL | 0x000ffffffffff000ULL | 0xe00 | 0x61);
	amdvi_pte_decode(v, 0, &out);
	ck_assert(out.pr && out.a && out.d && out.u && out.fc && out.ir && out.iw);
	ck_assert_uint_eq(out.next_level, 7);
	ck_assert_uint_eq(out.addr, 0x000ffffffffff000ULL);

	/* one bit at a time */
	amdvi_pte_decode(AMDVI_PTE_A, 0, &out);
	ck_assert(out.a && !out.pr && !out.d);
	amdvi_pte_decode(AMDVI_PTE_D, 0, &out);
	ck_assert(out.d && !out.a);
	amdvi_pte_decode(AMDVI_PTE_U, 0, &out);
	ck_assert(out.u && !out.fc);
	amdvi_pte_decode(AMDVI_PTE_FC, 0, &out);
	ck_assert(out.fc && !out.u && !out.ir);
	amdvi_pte_decode(AMDVI_PTE_IR, 0, &out);
	ck_assert(out.ir && !out.iw);
	amdvi_pte_decode(1ULL << 9, 0, &out);
	ck_assert_uint_eq(out.next_level, 1);
	ck_assert_uint_eq(out.addr, 0);
	/* bits 63 and 58:52 are not address */
	amdvi_pte_decode(0x87f0000000000000ULL, 0, &out);
	ck_assert_uint_eq(out.addr, 0);
	ck_assert(!out.u && !out.fc && !out.ir && !out.iw && !out.pr);
	/* SME C-bit stripped */
	amdvi_pte_decode(0x5000800002b37001ULL, 1ULL << 47, &out);
	ck_assert_uint_eq(out.addr, 0x2b37000ULL);
}
END_TEST

START_TEST(large_page_sizes)
{
	struct amdvi_pte_mapping m;
	uint64_t pte;

	/* 8 KiB at level 0: replicated over 2 slots, NL = 7 */
	pte = amdvi_pte_build_large(0x40000000ULL, 0x2000, true, true);
	ck_assert_uint_eq(pte, 0x6000000040000001ULL | 0xe00 | AMDVI_PTE_FC);
	ck_assert_uint_eq(amdvi_pte_large_size(pte), 0x2000);
	/* either slot gives the same aligned span */
	ck_assert_int_eq(amdvi_pte_resolve(pte, 0, 0x12343000ULL, 0, &m), AMDVI_OK);
	ck_assert_int_eq(m.kind, AMDVI_PTE_LEAF);
	ck_assert_uint_eq(m.size, 0x2000);
	ck_assert_uint_eq(m.iova, 0x12342000ULL);
	ck_assert_uint_eq(m.pa, 0x40000000ULL);
	ck_assert_int_eq(amdvi_pte_resolve(pte, 0, 0x12342000ULL, 0, &m), AMDVI_OK);
	ck_assert_uint_eq(m.iova, 0x12342000ULL);

	/* 64 KiB at level 0 */
	pte = amdvi_pte_build_large(0x10000ULL, 0x10000, true, false);
	ck_assert_uint_eq(pte & AMDVI_PTE_ADDR_MASK, 0x17000ULL);
	ck_assert_uint_eq(amdvi_pte_large_size(pte), 0x10000);

	/* 2 MiB encoded with NL = 7 (legal per spec; Linux uses NL = 0 at level 1) */
	pte = amdvi_pte_build_large(0x200000ULL, 0x200000, true, true);
	ck_assert_uint_eq(pte & AMDVI_PTE_ADDR_MASK, 0x2ff000ULL);
	ck_assert_uint_eq(amdvi_pte_large_size(pte), 0x200000);
	ck_assert_int_eq(amdvi_pte_resolve(pte, 1, 0x3fffffULL, 0, &m), AMDVI_OK);
	ck_assert_uint_eq(m.iova, 0x200000ULL);
	ck_assert_uint_eq(m.pa, 0x200000ULL);
	ck_assert_uint_eq(m.size, 0x200000);
	/* the same 2 MiB entry does not fit at level 0 */
	ck_assert_int_eq(amdvi_pte_resolve(pte, 0, 0x200000ULL, 0, &m), AMDVI_ERR_FORMAT);

	/* 1 GiB */
	pte = amdvi_pte_build_large(0x80000000ULL, 0x40000000ULL, true, true);
	ck_assert_uint_eq(amdvi_pte_large_size(pte), 0x40000000ULL);
	ck_assert_int_eq(amdvi_pte_resolve(pte, 2, 0xbfffffffULL, 0, &m), AMDVI_OK);
	ck_assert_uint_eq(m.iova, 0x80000000ULL);
	ck_assert_uint_eq(m.pa, 0x80000000ULL);

	/* raw formula on bare values */
	ck_assert_uint_eq(amdvi_pte_large_size(0x0), 0x2000);
	ck_assert_uint_eq(amdvi_pte_large_size(0x1000), 0x4000);
	ck_assert_uint_eq(amdvi_pte_large_size(0xff000), 0x200000);
	ck_assert_uint_eq(amdvi_pte_large_size(0x1ffff000ULL), 0x40000000ULL);

	/* bad sizes / alignment */
	ck_assert_uint_eq(amdvi_pte_build_large(0x1000, 0x2000, true, true), 0);
	ck_assert_uint_eq(amdvi_pte_build_large(0, 0x3000, true, true), 0);
	ck_assert_uint_eq(amdvi_pte_build_large(0, 0x1000, true, true), 0);
	/* a pa above bit 51 does not fit (found by fuzz/amdvi_pgtable) */
	ck_assert_uint_eq(amdvi_pte_build_large(0x4010000000000000ULL, 0x10000000, true, true), 0);
	ck_assert_uint_ne(amdvi_pte_build_large(0xff0000000000ULL, 0x10000000, true, true), 0);
}
END_TEST

START_TEST(default_large_pages)
{
	struct amdvi_pte_mapping m;
	uint64_t pte = amdvi_pte_build_leaf(0x40200000ULL, true, false);

	/* NL = 0 at level 1: 2 MiB page */
	ck_assert_int_eq(amdvi_pte_resolve(pte, 1, 0x7fe12345ULL, 0, &m), AMDVI_OK);
	ck_assert_int_eq(m.kind, AMDVI_PTE_LEAF);
	ck_assert_uint_eq(m.size, 0x200000);
	ck_assert_uint_eq(m.iova, 0x7fe00000ULL);
	ck_assert_uint_eq(m.pa, 0x40200000ULL);
	ck_assert(m.ir && !m.iw);
	/* NL = 0 at level 2: 1 GiB page */
	pte = amdvi_pte_build_leaf(0x40000000ULL, true, true);
	ck_assert_int_eq(amdvi_pte_resolve(pte, 2, 0x7fe12345ULL, 0, &m), AMDVI_OK);
	ck_assert_uint_eq(m.size, 0x40000000ULL);
	ck_assert_uint_eq(m.iova, 0x40000000ULL);
	/* errors */
	ck_assert_int_eq(amdvi_pte_resolve(pte, 6, 0, 0, &m), AMDVI_ERR_ARG);
	ck_assert_int_eq(amdvi_pte_resolve(pte, 0, 0, 0, NULL), AMDVI_ERR_ARG);
}
END_TEST

START_TEST(walker_checks)
{
	/* a PDE at level 2 skipping to NL 1 */
	uint64_t skip = amdvi_pte_build_pde(0x1000, 1);

	ck_assert(!amdvi_pte_next_level_ok(skip, 2));
	ck_assert(amdvi_pte_next_level_ok(skip, 1));
	ck_assert(!amdvi_pte_next_level_ok(amdvi_pte_build_pde(0x1000, 0), 0));
	ck_assert(!amdvi_pte_next_level_ok(amdvi_pte_build_pde(0x1000, 7), 7));
	ck_assert(amdvi_pa_within(0x2b37000ULL, 0x1000, 0x30000000ULL));
	ck_assert(amdvi_pa_within(0x2fffff000ULL, 0x1000, 0x300000000ULL));
	ck_assert(!amdvi_pa_within(0x2fffff000ULL, 0x2000, 0x300000000ULL));
	ck_assert(!amdvi_pa_within(0x300000000ULL, 0x1000, 0x300000000ULL));
	ck_assert(!amdvi_pa_within(~0ULL - 10, 0x1000, ~0ULL));
}
END_TEST

START_TEST(v2_entries)
{
	struct amdvi_pte_v2 in, out;
	struct amdvi_pte_mapping m;
	uint64_t v;

	memset(&in, 0, sizeof(in));
	in.p = in.rw = in.us = in.pwt = in.pcd = in.a = in.d = in.ps = in.g = in.nx = true;
	in.addr = 0x000ffffffffff000ULL;
	v = amdvi_pte_v2_encode(&in);
	ck_assert_uint_eq(v, 0x800ffffffffff1ffULL);
	amdvi_pte_v2_decode(v, 0, &out);
	ck_assert(out.p && out.rw && out.us && out.pwt && out.pcd && out.a && out.d &&
		  out.ps && out.g && out.nx);
	ck_assert_uint_eq(out.addr, 0x000ffffffffff000ULL);
	amdvi_pte_v2_decode(AMDVI_PTE2_PS, 0, &out);
	ck_assert(out.ps && !out.p && !out.g && !out.d);
	amdvi_pte_v2_decode(AMDVI_PTE2_NX, 0, &out);
	ck_assert(out.nx && out.addr == 0);

	/* 4K leaf at level 0, read-only */
	ck_assert_int_eq(amdvi_pte_v2_resolve(0x1234000ULL | AMDVI_PTE2_P, 0, 0x5000, 0, &m), AMDVI_OK);
	ck_assert_int_eq(m.kind, AMDVI_PTE_LEAF);
	ck_assert_uint_eq(m.size, 0x1000);
	ck_assert_uint_eq(m.pa, 0x1234000ULL);
	ck_assert(m.ir && !m.iw);
	/* 2M and 1G */
	v = 0x40200000ULL | AMDVI_PTE2_P | AMDVI_PTE2_RW | AMDVI_PTE2_PS;
	ck_assert_int_eq(amdvi_pte_v2_resolve(v, 1, 0x7fe12345ULL, 0, &m), AMDVI_OK);
	ck_assert_uint_eq(m.size, 0x200000);
	ck_assert_uint_eq(m.iova, 0x7fe00000ULL);
	ck_assert_uint_eq(m.pa, 0x40200000ULL);
	ck_assert(m.iw);
	v = 0x40000000ULL | AMDVI_PTE2_P | AMDVI_PTE2_PS;
	ck_assert_int_eq(amdvi_pte_v2_resolve(v, 2, 0x7fe12345ULL, 0, &m), AMDVI_OK);
	ck_assert_uint_eq(m.size, 0x40000000ULL);
	ck_assert_uint_eq(m.iova, 0x40000000ULL);
	/* table at level 1 without PS; PS at level 3 is invalid */
	ck_assert_int_eq(amdvi_pte_v2_resolve(0x5000 | AMDVI_PTE2_P, 1, 0, 0, &m), AMDVI_OK);
	ck_assert_int_eq(m.kind, AMDVI_PTE_TABLE);
	ck_assert_uint_eq(m.pa, 0x5000);
	ck_assert_int_eq(amdvi_pte_v2_resolve(0x5000 | AMDVI_PTE2_P | AMDVI_PTE2_PS, 3, 0, 0, &m),
			 AMDVI_ERR_FORMAT);
	ck_assert_int_eq(amdvi_pte_v2_resolve(0x5000, 1, 0, 0, &m), AMDVI_OK);
	ck_assert_int_eq(m.kind, AMDVI_PTE_NONE);
}
END_TEST

START_TEST(gcr3_entries)
{
	struct amdvi_gcr3_entry g;
	uint64_t v = amdvi_gcr3_encode(0x12345000ULL, true);

	ck_assert_uint_eq(v, 0x12345001ULL);
	ck_assert_int_eq(amdvi_gcr3_decode(v, 0, &g), AMDVI_OK);
	ck_assert(g.valid);
	ck_assert_uint_eq(g.addr, 0x12345000ULL);
	amdvi_gcr3_decode(amdvi_gcr3_encode(0x000ffffffffff000ULL, false) | (1ULL << 47), 1ULL << 47, &g);
	ck_assert(!g.valid);
	ck_assert_uint_eq(g.addr, 0x000f7ffffffff000ULL);
}
END_TEST

extern Suite *amdvi_pgtable_suite(void);
Suite *amdvi_pgtable_suite(void)
{
	Suite *s = suite_create("amdvi_pgtable");
	TCase *tc = tcase_create("pgtable");

	tcase_add_test(tc, level_helpers);
	tcase_add_test(tc, real_walk);
	tcase_add_test(tc, pte_field_roundtrip);
	tcase_add_test(tc, large_page_sizes);
	tcase_add_test(tc, default_large_pages);
	tcase_add_test(tc, walker_checks);
	tcase_add_test(tc, v2_entries);
	tcase_add_test(tc, gcr3_entries);
	suite_add_tcase(s, tc);
	return s;
}
