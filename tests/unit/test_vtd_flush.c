/* Unit tests: the VT-d reference flush (include/vtd/flush.h): the module's
 * descriptors decode as the kernel's own global invalidations and wait, and
 * the analysis knows the wait again among the kernel's. */
#include <check.h>
#include <string.h>

#include "vtd/cap.h"
#include "vtd/flush.h"

static void desc4(const uint64_t d[2], uint64_t qw[4])
{
	qw[0] = d[0];
	qw[1] = d[1];
	qw[2] = qw[3] = 0;
}

START_TEST(build_decodes_as_global_invalidations)
{
	struct vtd_flush_input in = { .cap = VTD_CAP_DRD | VTD_CAP_DWD, .store_pa = 0x12345080, .store_value = 0x56544401 };
	uint64_t d[VTD_FLUSH_N_DESC][2], qw[4];
	struct vtd_qi_desc x;

	ck_assert_int_eq(vtd_flush_build(&in, d), VTD_OK);
	desc4(d[0], qw);
	ck_assert_int_eq(vtd_qi_desc_decode(qw, &x), VTD_OK);
	ck_assert_uint_eq(x.type, VTD_QI_CC);
	ck_assert_uint_eq(x.u.cc.g, VTD_QI_CC_G_GLOBAL);
	/* the kernel's qi_flush_context(iommu, 0, 0, 0, DMA_CCMD_GLOBAL_INVL) */
	ck_assert_uint_eq(d[0][0], 0x11);
	desc4(d[1], qw);
	ck_assert_int_eq(vtd_qi_desc_decode(qw, &x), VTD_OK);
	ck_assert_uint_eq(x.type, VTD_QI_IOTLB);
	ck_assert_uint_eq(x.u.iotlb.g, VTD_QI_IOTLB_G_GLOBAL);
	ck_assert(x.u.iotlb.dr && x.u.iotlb.dw);
	desc4(d[2], qw);
	ck_assert_int_eq(vtd_qi_desc_decode(qw, &x), VTD_OK);
	ck_assert_uint_eq(x.type, VTD_QI_IWD);
	ck_assert(x.u.wait.sw && x.u.wait.fn && !x.u.wait.intr);
	ck_assert_uint_eq(x.u.wait.status_data, 0x56544401);
	ck_assert_uint_eq(x.u.wait.status_addr, 0x12345080);
	ck_assert(vtd_flush_invalidations_match((uint64_t[4]){ d[0][0], d[0][1] }, (uint64_t[4]){ d[1][0], d[1][1] }));
}
END_TEST

START_TEST(drain_bits_follow_cap)
{
	struct vtd_flush_input in = { .cap = 0, .store_pa = 0x1000, .store_value = 1 };
	uint64_t d[VTD_FLUSH_N_DESC][2];

	ck_assert_int_eq(vtd_flush_build(&in, d), VTD_OK);
	ck_assert_uint_eq(d[1][0], 0x12);	/* global, no drain */
	in.cap = VTD_CAP_DWD;
	ck_assert_int_eq(vtd_flush_build(&in, d), VTD_OK);
	ck_assert_uint_eq(d[1][0], 0x52);
	ck_assert(vtd_flush_invalidations_match((uint64_t[4]){ d[0][0] }, (uint64_t[4]){ d[1][0] }));
}
END_TEST

START_TEST(bad_input)
{
	struct vtd_flush_input in = { .store_pa = 0x1002, .store_value = 1 };
	uint64_t d[VTD_FLUSH_N_DESC][2];

	ck_assert_int_eq(vtd_flush_build(&in, d), VTD_ERR_ALIGN);
	ck_assert_int_eq(vtd_flush_build(NULL, d), VTD_ERR_ARG);
	ck_assert_int_eq(vtd_flush_build(&in, NULL), VTD_ERR_ARG);
}
END_TEST

/* The kernel's own waits store into desc_status (QI_IWD_STATUS_DATA(QI_DONE)
 * | QI_IWD_STATUS_WRITE | QI_IWD_TYPE, address virt_to_phys(&desc_status[i])):
 * not foreign.  The module's store elsewhere: foreign. */
START_TEST(foreign_wait)
{
	const uint64_t lo = 0x7f000000, hi = lo + 256 * 4;
	uint64_t kernel_wait[4] = { (1ULL << 32) | (1 << 5) | 5, lo + 4 * 17, 0, 0 };
	struct vtd_flush_input in = { .store_pa = 0x2a000040, .store_value = 0x56544400 };
	uint64_t d[VTD_FLUSH_N_DESC][2], qw[4], pa = 0;
	uint32_t v = 0;

	ck_assert(!vtd_flush_foreign_wait(kernel_wait, lo, hi, &pa, &v));
	kernel_wait[0] &= ~(1ULL << 5);		/* no status write: not a flush's wait */
	kernel_wait[1] = 0x2a000040;
	ck_assert(!vtd_flush_foreign_wait(kernel_wait, lo, hi, &pa, &v));
	ck_assert_int_eq(vtd_flush_build(&in, d), VTD_OK);
	desc4(d[2], qw);
	ck_assert(vtd_flush_foreign_wait(qw, lo, hi, &pa, &v));
	ck_assert_uint_eq(pa, 0x2a000040);
	ck_assert_uint_eq(v, 0x56544400);
	desc4(d[1], qw);			/* an IOTLB invalidation is no wait */
	ck_assert(!vtd_flush_foreign_wait(qw, lo, hi, &pa, &v));
	/* not the flush's invalidations: a domain-selective IOTLB before the wait */
	ck_assert(!vtd_flush_invalidations_match((uint64_t[4]){ d[0][0] }, (uint64_t[4]){ 0x0000000300000022ULL }));
	ck_assert(!vtd_flush_invalidations_match((uint64_t[4]){ 0x21 }, (uint64_t[4]){ d[1][0] }));
}
END_TEST

extern Suite *vtd_flush_suite(void);
Suite *vtd_flush_suite(void)
{
	Suite *s = suite_create("vtd_flush");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, build_decodes_as_global_invalidations);
	tcase_add_test(tc, drain_bits_follow_cap);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, foreign_wait);
	suite_add_tcase(s, tc);
	return s;
}
