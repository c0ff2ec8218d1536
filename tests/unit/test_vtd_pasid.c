/* Unit tests: VT-d PASID directory and table entries (include/vtd/pasid.h).
 * Words are built as the kernel's pasid_set_* helpers build them (K6.1
 * intel/pasid.c:284-424; K6.12 intel/pasid.h:137-306; K7.3
 * intel/pasid.h:130-299). */
#include <check.h>
#include <string.h>

#include "vtd/pasid.h"

START_TEST(index_math)
{
	/* dir index = pasid >> PASID_PDE_SHIFT (6), table index = pasid & 0x3f */
	ck_assert_uint_eq(vtd_pasid_dir_index(0), 0);
	ck_assert_uint_eq(vtd_pasid_table_index(0), 0);
	ck_assert_uint_eq(vtd_pasid_dir_index(0x12345), 0x48d);
	ck_assert_uint_eq(vtd_pasid_table_index(0x12345), 5);
	ck_assert_uint_eq(vtd_pasid_dir_offset(0x12345), 0x2468);
	ck_assert_uint_eq(vtd_pasid_entry_offset(0x12345), 0x140);
	ck_assert_uint_eq(vtd_pasid_dir_index(VTD_PASID_MAX - 1), 0x3fff);
	ck_assert_uint_eq(vtd_pasid_table_index(VTD_PASID_MAX - 1), 63);
	ck_assert_uint_eq(vtd_pasid_entry_offset(63), 0xfc0);
}
END_TEST

START_TEST(dir_entry)
{
	struct vtd_pasid_dir_entry de;

	ck_assert_int_eq(vtd_pasid_dir_entry_decode(0x000000007654a001ULL, &de), VTD_OK);
	ck_assert(de.present);
	ck_assert_uint_eq(de.table, 0x7654a000ULL);
	vtd_pasid_dir_entry_decode(0x7654a000ULL | 0xffe, &de);
	ck_assert(!de.present);
	ck_assert_uint_eq(de.table, 0x7654a000ULL);
	ck_assert_int_eq(vtd_pasid_dir_entry_decode(0, NULL), VTD_ERR_ARG);
}
END_TEST

/* intel_pasid_setup_second_level (K6.12 intel/pasid.c:397-449): DID 2,
 * SLPTPTR, AW 2, PGTT 2, FPD clear, PWSNP (SMPWC), SSADE for dirty
 * tracking, P. */
START_TEST(second_level)
{
	const uint64_t raw[8] = {
		0x0000000001a2b000ULL | (2ULL << 2) | (2ULL << 6) | VTD_PASID_SSADE | 1,
		(1ULL << 23) | 2, 0, 0, 0, 0, 0, 0,
	};
	struct vtd_pasid_entry pe;
	struct vtd_pasid_walk w;
	char buf[128];

	ck_assert_int_eq(vtd_pasid_entry_decode(raw, &pe), VTD_OK);
	ck_assert(pe.present && !pe.fpd && pe.ssade);
	ck_assert_uint_eq(pe.aw, 2);
	ck_assert_uint_eq(pe.pgtt, VTD_PGTT_SL_ONLY);
	ck_assert_uint_eq(pe.slptptr, 0x1a2b000ULL);
	ck_assert_uint_eq(pe.did, 2);
	ck_assert(pe.pwsnp && !pe.pgsnp);
	ck_assert(!pe.sre && !pe.wpe && !pe.nxe && !pe.eafe);
	ck_assert_uint_eq(pe.flpm, 0);
	ck_assert_uint_eq(pe.flptptr, 0);
	ck_assert_int_eq(vtd_pasid_entry_walk(&pe, &w), VTD_OK);
	ck_assert_int_eq(w.kind, VTD_PASID_WALK_SECOND_LEVEL);
	ck_assert_uint_eq(w.sl_root, 0x1a2b000ULL);
	ck_assert_uint_eq(w.sl_levels, 4);
	vtd_pasid_entry_format(&pe, buf, sizeof(buf));
	ck_assert_str_eq(buf, "present pgtt=second-level did=2 aw=2 slptptr=0x1a2b000 SSADE PWSNP");
	ck_assert_str_eq(vtd_pasid_walk_kind_name(w.kind), "second-level");

	/* 5-level second level: AW 3 */
	pe.aw = 3;
	ck_assert_int_eq(vtd_pasid_entry_walk(&pe, &w), VTD_OK);
	ck_assert_uint_eq(w.sl_levels, 5);
	/* AW 4 is no kernel's: flagged */
	pe.aw = 4;
	ck_assert_int_eq(vtd_pasid_entry_walk(&pe, &w), VTD_ERR_FORMAT);
	ck_assert_uint_eq(w.sl_levels, 6);
}
END_TEST

/* intel_pasid_setup_first_level, 6.1 (K6.1 intel/pasid.c:532-601):
 * FLPTPTR, FLPM 1 (5-level), DID, AW = iommu->agaw (3), PWSNP, NXE,
 * PGTT 1, P.  6.12 has no NXE; the walk only looks at FLPM bit 0
 * (val[2] & BIT(2), K6.1 intel/iommu.c:959). */
START_TEST(first_level)
{
	uint64_t raw[8] = {
		(3ULL << 2) | (1ULL << 6) | 1,
		(1ULL << 23) | 9,
		0x0000000003c4d000ULL | (1ULL << 2) | VTD_PASID_NXE,
		0, 0, 0, 0, 0,
	};
	struct vtd_pasid_entry pe;
	struct vtd_pasid_walk w;
	char buf[128];

	vtd_pasid_entry_decode(raw, &pe);
	ck_assert_uint_eq(pe.pgtt, VTD_PGTT_FL_ONLY);
	ck_assert_uint_eq(pe.flpm, 1);
	ck_assert(pe.nxe && !pe.sre && !pe.wpe);
	ck_assert_uint_eq(pe.flptptr, 0x3c4d000ULL);
	ck_assert_uint_eq(pe.did, 9);
	ck_assert_int_eq(vtd_pasid_entry_walk(&pe, &w), VTD_OK);
	ck_assert_int_eq(w.kind, VTD_PASID_WALK_FIRST_LEVEL);
	ck_assert_uint_eq(w.fl_root, 0x3c4d000ULL);
	ck_assert_uint_eq(w.fl_levels, 5);
	vtd_pasid_entry_format(&pe, buf, sizeof(buf));
	ck_assert_str_eq(buf, "present pgtt=first-level did=9 aw=3 flptptr=0x3c4d000 flpm=1 PWSNP NXE");

	/* 6.12: 4-level, no NXE */
	raw[2] = 0x3c4d000ULL;
	vtd_pasid_entry_decode(raw, &pe);
	ck_assert(!pe.nxe);
	ck_assert_int_eq(vtd_pasid_entry_walk(&pe, &w), VTD_OK);
	ck_assert_uint_eq(w.fl_levels, 4);

	/* FLPM 2 is reserved; the kernel's rule (bit 2 of val[2]) says 4 */
	raw[2] = 0x3c4d000ULL | (2ULL << 2);
	vtd_pasid_entry_decode(raw, &pe);
	ck_assert_uint_eq(pe.flpm, 2);
	ck_assert_int_eq(vtd_pasid_entry_walk(&pe, &w), VTD_ERR_FORMAT);
	ck_assert_uint_eq(w.fl_levels, 4);
}
END_TEST

/* intel_pasid_setup_nested (K6.12 intel/pasid.c:612-695): FL fields
 * (FLPTPTR, FLPM, SRE, WPE, EAFE, PGSNP) plus SL ones, PGTT 3. */
START_TEST(nested_and_passthrough)
{
	const uint64_t nested[8] = {
		0x0000000011111000ULL | (2ULL << 2) | (3ULL << 6) | 1,
		(1ULL << 24) | (1ULL << 23) | 0x44,
		0x0000000022222000ULL | VTD_PASID_EAFE | VTD_PASID_WPE | VTD_PASID_SRE,
		0, 0, 0, 0, 0x77,
	};
	/* intel_pasid_setup_pass_through: DID, AW, PGTT 4, FPD clear, PWSNP, P */
	const uint64_t pt[8] = { (2ULL << 2) | (4ULL << 6) | 1, 1, 0, 0, 0, 0, 0, 0 };
	struct vtd_pasid_entry pe;
	struct vtd_pasid_walk w;
	char buf[160];

	vtd_pasid_entry_decode(nested, &pe);
	ck_assert_uint_eq(pe.pgtt, VTD_PGTT_NESTED);
	ck_assert(pe.pgsnp && pe.pwsnp && pe.sre && pe.wpe && pe.eafe && !pe.nxe);
	ck_assert_uint_eq(pe.did, 0x44);
	ck_assert_uint_eq(pe.raw[7], 0x77);
	ck_assert_int_eq(vtd_pasid_entry_walk(&pe, &w), VTD_OK);
	ck_assert_int_eq(w.kind, VTD_PASID_WALK_NESTED);
	ck_assert_uint_eq(w.fl_root, 0x22222000ULL);
	ck_assert_uint_eq(w.fl_levels, 4);
	ck_assert_uint_eq(w.sl_root, 0x11111000ULL);
	ck_assert_uint_eq(w.sl_levels, 4);
	vtd_pasid_entry_format(&pe, buf, sizeof(buf));
	ck_assert_str_eq(buf, "present pgtt=nested did=68 aw=2 slptptr=0x11111000 "
			      "flptptr=0x22222000 flpm=0 PWSNP PGSNP SRE WPE EAFE");

	vtd_pasid_entry_decode(pt, &pe);
	ck_assert_uint_eq(pe.pgtt, VTD_PGTT_PT);
	ck_assert_uint_eq(pe.did, 1);		/* FLPT_DEFAULT_DID */
	ck_assert_int_eq(vtd_pasid_entry_walk(&pe, &w), VTD_OK);
	ck_assert_int_eq(w.kind, VTD_PASID_WALK_PASS_THROUGH);
	vtd_pasid_entry_format(&pe, buf, sizeof(buf));
	ck_assert_str_eq(buf, "present pgtt=pass-through did=1 aw=2");
	ck_assert_str_eq(vtd_pasid_pgtt_name(0), "reserved");
}
END_TEST

START_TEST(not_present_and_reserved)
{
	struct vtd_pasid_entry pe;
	struct vtd_pasid_walk w;
	char buf[64];

	/* pasid_clear_entry_with_fpd: val[0] = FPD, rest zero */
	vtd_pasid_entry_decode((const uint64_t[8]){ VTD_PASID_FPD }, &pe);
	ck_assert(!pe.present && pe.fpd);
	ck_assert_int_eq(vtd_pasid_entry_walk(&pe, &w), VTD_OK);
	ck_assert_int_eq(w.kind, VTD_PASID_WALK_NONE);
	vtd_pasid_entry_format(&pe, buf, sizeof(buf));
	ck_assert_str_eq(buf, "not-present FPD");

	/* present with PGTT 0 or 5 */
	vtd_pasid_entry_decode((const uint64_t[8]){ 1 }, &pe);
	ck_assert_int_eq(vtd_pasid_entry_walk(&pe, &w), VTD_ERR_FORMAT);
	ck_assert_int_eq(w.kind, VTD_PASID_WALK_BAD);
	vtd_pasid_entry_decode((const uint64_t[8]){ (5ULL << 6) | 1 }, &pe);
	ck_assert_int_eq(vtd_pasid_entry_walk(&pe, &w), VTD_ERR_FORMAT);
	ck_assert_str_eq(vtd_pasid_pgtt_name(pe.pgtt), "reserved");
	ck_assert_int_eq(vtd_pasid_entry_decode(NULL, &pe), VTD_ERR_ARG);
	ck_assert_int_eq(vtd_pasid_entry_walk(NULL, &w), VTD_ERR_ARG);
}
END_TEST

extern Suite *vtd_pasid_suite(void);
Suite *vtd_pasid_suite(void)
{
	Suite *s = suite_create("vtd_pasid");
	TCase *tc = tcase_create("pasid");

	tcase_add_test(tc, index_math);
	tcase_add_test(tc, dir_entry);
	tcase_add_test(tc, second_level);
	tcase_add_test(tc, first_level);
	tcase_add_test(tc, nested_and_passthrough);
	tcase_add_test(tc, not_present_and_reserved);
	suite_add_tcase(s, tc);
	return s;
}
