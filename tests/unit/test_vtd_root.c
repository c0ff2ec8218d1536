/* Unit tests: VT-d common helpers and root entries (include/vtd/common.h,
 * include/vtd/root.h). */
#include <check.h>
#include <string.h>

#include "vtd/root.h"

START_TEST(bit_helpers)
{
	const uint8_t bytes[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88 };
	char s[16];

	ck_assert_uint_eq(VTD_GENMASK(63, 12), 0xfffffffffffff000ULL);
	ck_assert_uint_eq(VTD_GENMASK(4, 2), 0x1cULL);
	ck_assert_uint_eq(VTD_FIELD_GET(VTD_GENMASK(8, 6), 0x1c0ULL), 7);
	ck_assert_uint_eq(VTD_FIELD_PREP(VTD_GENMASK(31, 16), 0x12345), 0x23450000ULL);
	ck_assert_uint_eq(vtd_load_le64(bytes), 0x8807060504030201ULL);
	ck_assert_uint_eq(vtd_load_le32(bytes + 4), 0x88070605U);
	/* source-id 0x0018 = 00:03.0; 0xff0f = ff:01.7 */
	ck_assert_str_eq(vtd_sid_str(0x0018, s, sizeof(s)), "00:03.0");
	ck_assert_str_eq(vtd_sid_str(0xff0f, s, sizeof(s)), "ff:01.7");
	ck_assert_uint_eq(VTD_SID(0x3a, 0x10), 0x3a10);
	ck_assert_str_eq(vtd_strerror(VTD_ERR_FORMAT), "entry has an unexpected format");
}
END_TEST

/* agaw_to_level = agaw + 2, agaw_to_width = min(30 + 9 agaw, 64)
 * (K6.12 intel/iommu.h:895-903). */
START_TEST(agaw)
{
	struct vtd_agaw a;

	ck_assert_int_eq(vtd_agaw_decode(1, &a), VTD_OK);
	ck_assert(a.valid);
	ck_assert_uint_eq(a.levels, 3);
	ck_assert_uint_eq(a.width, 39);
	ck_assert_int_eq(vtd_agaw_decode(2, &a), VTD_OK);
	ck_assert_uint_eq(a.levels, 4);
	ck_assert_uint_eq(a.width, 48);
	ck_assert_int_eq(vtd_agaw_decode(3, &a), VTD_OK);	/* 5-level */
	ck_assert_uint_eq(a.levels, 5);
	ck_assert_uint_eq(a.width, 57);
	ck_assert_int_eq(vtd_agaw_decode(0, &a), VTD_ERR_FORMAT);
	ck_assert(!a.valid);
	ck_assert_uint_eq(a.levels, 2);
	ck_assert_uint_eq(a.width, 30);
	ck_assert_int_eq(vtd_agaw_decode(4, &a), VTD_ERR_FORMAT);
	ck_assert_uint_eq(a.width, 64);		/* min(66, MAX_AGAW_WIDTH) */
	ck_assert_int_eq(vtd_agaw_decode(7, &a), VTD_ERR_FORMAT);
	ck_assert_int_eq(vtd_agaw_decode(1, NULL), VTD_ERR_ARG);
}
END_TEST

/* Legacy: lo = ctp | 1 as iommu_context_addr writes it (phy_addr | 1). */
START_TEST(legacy_root)
{
	const uint64_t raw[2] = { 0x000000012345f001ULL, 0 };
	struct vtd_root_entry re;
	uint64_t pa;
	char buf[64];

	ck_assert_int_eq(vtd_root_entry_decode(raw, &re), VTD_OK);
	ck_assert(re.present);
	ck_assert_uint_eq(re.ctp, 0x12345f000ULL);
	ck_assert(vtd_root_context_table(&re, false, 0xff, &pa));
	ck_assert_uint_eq(pa, 0x12345f000ULL);	/* legacy ignores hi */
	ck_assert_int_eq(vtd_root_entry_format(&re, false, buf, sizeof(buf)), 15);
	ck_assert_str_eq(buf, "ctp=0x12345f000");

	ck_assert_int_eq(vtd_root_entry_decode((const uint64_t[2]){ 0x12345f000ULL, 0 }, &re),
			 VTD_OK);
	ck_assert(!re.present);
	ck_assert(!vtd_root_context_table(&re, false, 0, &pa));
	ck_assert_uint_eq(pa, 0);
	vtd_root_entry_format(&re, false, buf, sizeof(buf));
	ck_assert_str_eq(buf, "not-present");
	ck_assert_int_eq(vtd_root_entry_decode(NULL, &re), VTD_ERR_ARG);
}
END_TEST

/* SM: LCTP in lo, UCTP in hi, each with P at bit 0 (root_entry_lctp/uctp). */
START_TEST(sm_root)
{
	const uint64_t raw[2] = { 0x0000000001a2b001ULL, 0x0000000001a2c001ULL };
	struct vtd_root_entry re;
	uint64_t pa;
	char buf[64];

	vtd_root_entry_decode(raw, &re);
	ck_assert(re.lower_present && re.upper_present);
	ck_assert_uint_eq(re.lctp, 0x1a2b000ULL);
	ck_assert_uint_eq(re.uctp, 0x1a2c000ULL);
	ck_assert(vtd_root_context_table(&re, true, 0x7f, &pa));
	ck_assert_uint_eq(pa, 0x1a2b000ULL);
	ck_assert(vtd_root_context_table(&re, true, 0x80, &pa));
	ck_assert_uint_eq(pa, 0x1a2c000ULL);
	vtd_root_entry_format(&re, true, buf, sizeof(buf));
	ck_assert_str_eq(buf, "lctp=0x1a2b000 uctp=0x1a2c000");

	/* upper half absent */
	vtd_root_entry_decode((const uint64_t[2]){ 0x1a2b001ULL, 0x1a2c000ULL }, &re);
	ck_assert(re.lower_present && !re.upper_present);
	ck_assert(!vtd_root_context_table(&re, true, 0xc8, &pa));
	ck_assert(vtd_root_context_table(&re, true, 0x08, &pa));
	vtd_root_entry_format(&re, true, buf, sizeof(buf));
	ck_assert_str_eq(buf, "lctp=0x1a2b000 uctp=-");
	ck_assert(!vtd_root_context_table(NULL, true, 0, &pa));
}
END_TEST

START_TEST(context_location)
{
	struct vtd_context_loc loc;

	/* legacy: 256 x 16 bytes, index = devfn */
	ck_assert_int_eq(vtd_context_locate(false, 0x18, &loc), VTD_OK);
	ck_assert(!loc.upper);
	ck_assert_uint_eq(loc.index, 0x18);
	ck_assert_uint_eq(loc.offset, 0x180);
	ck_assert_uint_eq(loc.size, 16);
	vtd_context_locate(false, 0xff, &loc);
	ck_assert_uint_eq(loc.offset, 0xff0);

	/* SM: devfn 0x00-0x7f lower, 0x80-0xff upper; &ctx[(devfn & 0x7f) * 2]
	 * of 128-bit slots = 32-byte entries */
	vtd_context_locate(true, 0x18, &loc);
	ck_assert(!loc.upper);
	ck_assert_uint_eq(loc.index, 0x18);
	ck_assert_uint_eq(loc.offset, 0x300);
	ck_assert_uint_eq(loc.size, 32);
	vtd_context_locate(true, 0x7f, &loc);
	ck_assert(!loc.upper);
	ck_assert_uint_eq(loc.offset, 0xfe0);
	vtd_context_locate(true, 0x80, &loc);
	ck_assert(loc.upper);
	ck_assert_uint_eq(loc.index, 0);
	ck_assert_uint_eq(loc.offset, 0);
	vtd_context_locate(true, 0xfa, &loc);	/* 1f.2 */
	ck_assert(loc.upper);
	ck_assert_uint_eq(loc.index, 0x7a);
	ck_assert_uint_eq(loc.offset, 0xf40);
	ck_assert_int_eq(vtd_context_locate(true, 0, NULL), VTD_ERR_ARG);
	ck_assert_uint_eq(vtd_root_entry_offset(0x3a), 0x3a0);
}
END_TEST

extern Suite *vtd_root_suite(void);
Suite *vtd_root_suite(void)
{
	Suite *s = suite_create("vtd_root");
	TCase *tc = tcase_create("root");

	tcase_add_test(tc, bit_helpers);
	tcase_add_test(tc, agaw);
	tcase_add_test(tc, legacy_root);
	tcase_add_test(tc, sm_root);
	tcase_add_test(tc, context_location);
	suite_add_tcase(s, tc);
	return s;
}
