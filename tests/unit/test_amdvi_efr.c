/* Unit tests: AMD-Vi Extended Feature Register (include/amdvi/efr.h). */
#include <check.h>
#include <string.h>

#include "amdvi/efr.h"

/* QEMU amd-iommu: PreF|PPR|GT|IA|GA|HE | HATS=2 | GATS=2 = 0x29d3 */
START_TEST(qemu_efr)
{
	struct amdvi_efr e;
	char buf[128];

	ck_assert_int_eq(amdvi_efr_decode(0x29d3, &e), AMDVI_OK);
	ck_assert(e.pref && e.ppr && e.gt && e.ia && e.ga && e.he);
	ck_assert(!e.xt && !e.nx && !e.gappi && !e.pc && !e.gam_vapic && !e.snp);
	ck_assert_uint_eq(e.hats, 2);
	ck_assert_uint_eq(e.gats, 2);
	ck_assert_uint_eq(e.glx, 0);
	ck_assert_uint_eq(e.pasmax, 0);
	ck_assert_uint_eq(amdvi_efr_encode(&e), 0x29d3);

	amdvi_efr_kernel_names(0x29d3, buf, sizeof(buf));
	ck_assert_str_eq(buf, " PreF PPR GT IA GA HE");
	amdvi_efr_format(0x29d3, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Extended features (0x29d3, 0x0): PreF PPR GT IA GA HE");
}
END_TEST

START_TEST(kernel_names_all)
{
	char buf[256];

	amdvi_efr_kernel_names(0x3ff | AMDVI_EFR_GAM_VAPIC | AMDVI_EFR_SNP, buf, sizeof(buf));
	ck_assert_str_eq(buf, " PreF PPR X2APIC NX GT [5] IA GA HE PC GA_vAPIC SNP");
	amdvi_efr_kernel_names(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	/* multi-bit fields print nothing */
	amdvi_efr_kernel_names(AMDVI_EFR_GLX_MASK | AMDVI_EFR_PASMAX_MASK, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(fields_isolated)
{
	struct amdvi_efr e;

	amdvi_efr_decode(AMDVI_EFR_GLX_MASK, &e);
	ck_assert_uint_eq(e.glx, 3);
	ck_assert_uint_eq(e.gats + e.hats + e.smif + e.smifrc + e.pasmax, 0);
	ck_assert(!e.gam_vapic && !e.pc);
	amdvi_efr_decode(AMDVI_EFR_PASMAX_MASK, &e);
	ck_assert_uint_eq(e.pasmax, 0x1f);
	ck_assert_uint_eq(e.glx, 0);
	amdvi_efr_decode(AMDVI_EFR_SMIF_MASK | AMDVI_EFR_SMIFRC_MASK, &e);
	ck_assert_uint_eq(e.smif, 3);
	ck_assert_uint_eq(e.smifrc, 7);
	ck_assert(!e.gam_vapic);
	amdvi_efr_decode(AMDVI_EFR_XT, &e);
	ck_assert(e.xt && !e.nx && !e.ppr);
	amdvi_efr_decode(AMDVI_EFR_HASUP | AMDVI_EFR_HDSUP, &e);
	ck_assert(e.hasup && e.hdsup && !e.ephsup && !e.giosup);
	amdvi_efr_decode(AMDVI_EFR_EPHSUP | AMDVI_EFR_GIOSUP, &e);
	ck_assert(e.ephsup && e.giosup && !e.hasup && !e.hdsup);

	/* round trip of every named bit and field */
	{
		const uint64_t all = 0x3ffULL | AMDVI_EFR_HATS_MASK | AMDVI_EFR_GATS_MASK |
				     AMDVI_EFR_GLX_MASK | AMDVI_EFR_SMIF_MASK |
				     AMDVI_EFR_SMIFRC_MASK | AMDVI_EFR_GAM_VAPIC |
				     AMDVI_EFR_PASMAX_MASK | AMDVI_EFR_GIOSUP |
				     AMDVI_EFR_HASUP | AMDVI_EFR_EPHSUP | AMDVI_EFR_HDSUP |
				     AMDVI_EFR_SNP;

		amdvi_efr_decode(~0ULL, &e);
		ck_assert_uint_eq(amdvi_efr_encode(&e), all);
		ck_assert_uint_eq(all, 0x8017001f003fffffULL);
	}
	ck_assert_int_eq(amdvi_efr_decode(0, NULL), AMDVI_ERR_ARG);
}
END_TEST

START_TEST(format_efr2)
{
	char buf[128];

	amdvi_efr_format(0x58f77ef22294adeULL, 0x1ULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Extended features (0x58f77ef22294ade, 0x1): PPR X2APIC NX GT IA GA PC GA_vAPIC");
}
END_TEST

extern Suite *amdvi_efr_suite(void);
Suite *amdvi_efr_suite(void)
{
	Suite *s = suite_create("amdvi_efr");
	TCase *tc = tcase_create("efr");

	tcase_add_test(tc, qemu_efr);
	tcase_add_test(tc, kernel_names_all);
	tcase_add_test(tc, fields_isolated);
	tcase_add_test(tc, format_efr2);
	suite_add_tcase(s, tc);
	return s;
}
