/* Unit tests: VT-d context entries (include/vtd/context.h).
 * Words are built the way the kernel's context_set_* helpers build them
 * (K6.1 intel/iommu.c:173-236, 1947-1971; K6.12 intel/iommu.h:959-1080). */
#include <check.h>
#include <string.h>

#include "vtd/context.h"

/* domain_context_mapping_one, legacy, 4-level: ASR | TT 0 | P,
 * hi = AW 2 | DID 3 << 8 (context_set_domain_id shifts by 8). */
START_TEST(legacy_translated)
{
	const uint64_t raw[2] = { 0x0000000001f2e001ULL, 0x0000000000000302ULL };
	struct vtd_context_entry ce;
	uint64_t root;
	unsigned int levels;
	char buf[96];

	ck_assert_int_eq(vtd_context_decode(raw, &ce), VTD_OK);
	ck_assert(ce.present && !ce.fpd);
	ck_assert_uint_eq(ce.tt, VTD_CTX_TT_MULTI_LEVEL);
	ck_assert_uint_eq(ce.asr, 0x1f2e000ULL);
	ck_assert_uint_eq(ce.aw, 2);
	ck_assert_uint_eq(ce.avail, 0);
	ck_assert_uint_eq(ce.did, 3);
	ck_assert_int_eq(vtd_context_classify(&ce), VTD_CTX_TRANSLATED);
	ck_assert_int_eq(vtd_context_walk_root(&ce, &root, &levels), VTD_OK);
	ck_assert_uint_eq(root, 0x1f2e000ULL);
	ck_assert_uint_eq(levels, 4);
	vtd_context_format(&ce, buf, sizeof(buf));
	ck_assert_str_eq(buf, "translated tt=multi-level did=3 aw=2(4-level) asr=0x1f2e000");
}
END_TEST

/* Every field at its extreme: FPD, TT 1 (device-TLB), AVAIL all ones,
 * DID 0xffff, AW 3 (5-level). */
START_TEST(legacy_fields)
{
	const uint64_t raw[2] = {
		0xfffffffffffff000ULL | (1ULL << 2) | VTD_CTX_FPD | VTD_CTX_P,
		(0xffffULL << 8) | (0xfULL << 3) | 3,
	};
	struct vtd_context_entry ce;
	uint64_t root;
	unsigned int levels;
	char buf[128];

	vtd_context_decode(raw, &ce);
	ck_assert(ce.present && ce.fpd);
	ck_assert_uint_eq(ce.tt, VTD_CTX_TT_DEV_IOTLB);
	ck_assert_str_eq(vtd_ctx_tt_name(ce.tt), "multi-level+dev-tlb");
	ck_assert_uint_eq(ce.asr, 0xfffffffffffff000ULL);
	ck_assert_uint_eq(ce.aw, 3);
	ck_assert_uint_eq(ce.avail, 0xf);
	ck_assert_uint_eq(ce.did, 0xffff);
	ck_assert_int_eq(vtd_context_walk_root(&ce, &root, &levels), VTD_OK);
	ck_assert_uint_eq(levels, 5);
	vtd_context_format(&ce, buf, sizeof(buf));
	ck_assert_str_eq(buf, "translated tt=multi-level+dev-tlb did=65535 aw=3(5-level) "
			      "asr=0xfffffffffffff000 FPD");
	/* bits outside the fields do not leak: hi bit 7 and 24+, lo 11:4 */
	vtd_context_decode((const uint64_t[2]){ 0xff1ULL, ~0ULL & ~VTD_CTX_DID_MASK &
						~VTD_CTX_AVAIL_MASK & ~VTD_CTX_AW_MASK }, &ce);
	ck_assert(ce.present && !ce.fpd);
	ck_assert_uint_eq(ce.tt, 0);
	ck_assert_uint_eq(ce.asr, 0);
	ck_assert_uint_eq(ce.aw, 0);
	ck_assert_uint_eq(ce.did, 0);
	ck_assert_uint_eq(ce.avail, 0);
}
END_TEST

/* Pass-through: TT 2, AW = msagaw, no ASR (K6.1 intel/iommu.c:2079-2085). */
START_TEST(legacy_passthrough_and_bad)
{
	struct vtd_context_entry ce;
	uint64_t root;
	unsigned int levels;
	char buf[96];

	vtd_context_decode((const uint64_t[2]){ (2ULL << 2) | 1, (1ULL << 8) | 2 }, &ce);
	ck_assert_uint_eq(ce.tt, VTD_CTX_TT_PASS_THROUGH);
	ck_assert_int_eq(vtd_context_classify(&ce), VTD_CTX_PASSTHROUGH);
	ck_assert_int_eq(vtd_context_walk_root(&ce, &root, &levels), VTD_ERR_FORMAT);
	vtd_context_format(&ce, buf, sizeof(buf));
	ck_assert_str_eq(buf, "passthrough tt=pass-through did=1 aw=2(4-level)");

	vtd_context_decode((const uint64_t[2]){ (3ULL << 2) | 1, 2 }, &ce);
	ck_assert_int_eq(vtd_context_classify(&ce), VTD_CTX_BAD);
	ck_assert_str_eq(vtd_ctx_tt_name(ce.tt), "reserved");
	ck_assert_int_eq(vtd_context_walk_root(&ce, &root, &levels), VTD_ERR_FORMAT);

	/* translated with an AW no kernel uses (0 = 2-level, 4 = 6-level) */
	vtd_context_decode((const uint64_t[2]){ 0x1000ULL | 1, 4 }, &ce);
	ck_assert_int_eq(vtd_context_walk_root(&ce, &root, &levels), VTD_ERR_FORMAT);
	ck_assert_uint_eq(levels, 6);

	vtd_context_decode((const uint64_t[2]){ 0x1f2e000ULL, 0x302 }, &ce);
	ck_assert_int_eq(vtd_context_classify(&ce), VTD_CTX_NOT_PRESENT);
	vtd_context_format(&ce, buf, sizeof(buf));
	ck_assert_str_eq(buf, "not-present");
	ck_assert_int_eq(vtd_context_decode(NULL, &ce), VTD_ERR_ARG);
}
END_TEST

/* SM: context_entry_set_pasid_table (K6.12 intel/pasid.c:764-784):
 * lo = dir | context_pdts(pds) | DTE | PASIDE | P; max_pasid 1 << 20 gives
 * pds = ffs(0x100000 >> 6) - 7 = 7 (context_get_sm_pds). */
START_TEST(sm_context)
{
	const uint64_t raw[4] = { 0x0000000001e3fe0dULL, 0, 0, 0 };
	struct vtd_sm_context_entry ce;
	char buf[128];

	ck_assert_int_eq(vtd_sm_context_decode(raw, &ce), VTD_OK);
	ck_assert(ce.present && !ce.fpd && ce.dte && ce.paside && !ce.pre);
	ck_assert_uint_eq(ce.pdts, 7);
	ck_assert_uint_eq(ce.pasid_dir_entries, 1U << 14);
	ck_assert_uint_eq(vtd_sm_context_max_pasid(&ce), 1U << 20);
	ck_assert_uint_eq(ce.pasid_dir, 0x1e3f000ULL);
	ck_assert_uint_eq(ce.rid_pasid, 0);
	vtd_sm_context_format(&ce, buf, sizeof(buf));
	ck_assert_str_eq(buf, "present pasid-dir=0x1e3f000 entries=16384 rid_pasid=0 DTE PASIDE");

	/* PDTS 0 (a device without PASID: max_pasid small) = 128 entries;
	 * PRE, FPD; RID_PASID 20 bits; upper words kept raw */
	vtd_sm_context_decode((const uint64_t[4]){ 0x5000ULL | VTD_SMCTX_PRE | VTD_SMCTX_FPD | 1,
						   0xfffffffffULL, 0x11, 0x22 }, &ce);
	ck_assert(ce.present && ce.fpd && ce.pre && !ce.dte && !ce.paside);
	ck_assert_uint_eq(ce.pdts, 0);
	ck_assert_uint_eq(ce.pasid_dir_entries, 128);
	ck_assert_uint_eq(vtd_sm_context_max_pasid(&ce), 8192);
	ck_assert_uint_eq(ce.rid_pasid, 0xfffff);
	ck_assert_uint_eq(ce.raw[2], 0x11);
	ck_assert_uint_eq(ce.raw[3], 0x22);
	vtd_sm_context_format(&ce, buf, sizeof(buf));
	ck_assert_str_eq(buf, "present pasid-dir=0x5000 entries=128 rid_pasid=1048575 FPD PRE");

	vtd_sm_context_decode((const uint64_t[4]){ 0x5000ULL, 0, 0, 0 }, &ce);
	vtd_sm_context_format(&ce, buf, sizeof(buf));
	ck_assert_str_eq(buf, "not-present");
	ck_assert_int_eq(vtd_sm_context_decode(raw, NULL), VTD_ERR_ARG);
}
END_TEST

extern Suite *vtd_context_suite(void);
Suite *vtd_context_suite(void)
{
	Suite *s = suite_create("vtd_context");
	TCase *tc = tcase_create("context");

	tcase_add_test(tc, legacy_translated);
	tcase_add_test(tc, legacy_fields);
	tcase_add_test(tc, legacy_passthrough_and_bad);
	tcase_add_test(tc, sm_context);
	suite_add_tcase(s, tc);
	return s;
}
