/* Unit tests: VT-d CAP / ECAP / GCMD / GSTS (include/vtd/cap.h).  Expected
 * values follow the cap_* / ecap_* macros (K6.12 intel/iommu.h:162-225). */
#include <check.h>
#include <string.h>

#include "vtd/cap.h"

/* A QEMU-style CAP (caching-mode on, aw-bits 39): cap_ndoms = 1 << (4 +
 * 2 * 6), cap_caching_mode = bit 7, cap_sagaw = 0x2, cap_mgaw = 0x26 + 1,
 * cap_fault_reg_offset = 0x22 * 16, cap_super_page_val = 3,
 * cap_pgsel_inv, cap_num_fault_regs = 0 + 1, cap_max_amask_val = 0x12. */
START_TEST(cap_qemu_like)
{
	const uint64_t cap = 0x0012008c22260286ULL;
	struct vtd_cap c;
	char buf[160];

	ck_assert_int_eq(vtd_cap_decode(cap, &c), VTD_OK);
	ck_assert_uint_eq(c.nd, 6);
	ck_assert_uint_eq(c.ndoms, 65536);
	ck_assert(c.cm && !c.afl && !c.rwbf && !c.plmr && !c.phmr);
	ck_assert_uint_eq(c.sagaw, 0x2);
	ck_assert_uint_eq(c.sagaw_levels, 1U << 3);	/* 3-level only */
	ck_assert(vtd_cap_supports_agaw(cap, 1));
	ck_assert(!vtd_cap_supports_agaw(cap, 2));
	ck_assert(!vtd_cap_supports_agaw(cap, 7));
	ck_assert_uint_eq(c.mgaw, 39);
	ck_assert(!c.zlr && !c.isoch);
	ck_assert_uint_eq(c.fro, 0x220);
	ck_assert_uint_eq(c.sllps, VTD_SLLPS_2M | VTD_SLLPS_1G);
	ck_assert(c.psi);
	ck_assert_uint_eq(c.nfr, 1);
	ck_assert_uint_eq(c.mamv, 18);
	ck_assert(!c.dwd && !c.drd && !c.fl1gp && !c.pi && !c.fl5lp);
	ck_assert(!c.ecmds && !c.esirtps && !c.esrtps);
	vtd_cap_format(cap, buf, sizeof(buf));
	ck_assert_str_eq(buf, "CM PSI nd=6(65536) mgaw=39 sagaw=0x2 sllps=0x3 fro=0x220 nfr=1 mamv=18");
}
END_TEST

/* Every CAP field at a distinct value. */
START_TEST(cap_every_field)
{
	uint64_t cap = 2 | VTD_CAP_AFL | VTD_CAP_RWBF | VTD_CAP_PLMR | VTD_CAP_PHMR |
		       (0xcULL << 8) |			/* SAGAW: 48 and 57 bits */
		       (56ULL << 16) |			/* MGAW 57 */
		       VTD_CAP_ZLR | VTD_CAP_ISOCH |
		       (0x3ffULL << 24) |		/* FRO */
		       (0xfULL << 34) | VTD_CAP_PSI |
		       (7ULL << 40) |			/* NFR 8 */
		       (0x3fULL << 48) | VTD_CAP_DWD | VTD_CAP_DRD | VTD_CAP_FL1GP |
		       VTD_CAP_PI | VTD_CAP_FL5LP | VTD_CAP_ECMDS | VTD_CAP_ESIRTPS |
		       VTD_CAP_ESRTPS;
	struct vtd_cap c;

	vtd_cap_decode(cap, &c);
	ck_assert_uint_eq(c.nd, 2);
	ck_assert_uint_eq(c.ndoms, 256);
	ck_assert(c.afl && c.rwbf && c.plmr && c.phmr && !c.cm);
	ck_assert_uint_eq(c.sagaw, 0xc);
	ck_assert_uint_eq(c.sagaw_levels, (1U << 4) | (1U << 5));
	ck_assert_uint_eq(c.mgaw, 57);
	ck_assert(c.zlr && c.isoch && c.psi);
	ck_assert_uint_eq(c.fro, 0x3ff0);
	ck_assert_uint_eq(c.sllps, 0xf);
	ck_assert_uint_eq(c.nfr, 8);
	ck_assert_uint_eq(c.mamv, 0x3f);
	ck_assert(c.dwd && c.drd && c.fl1gp && c.pi && c.fl5lp && c.ecmds);
	ck_assert(c.esirtps && c.esrtps);
	/* ND 7: 1 << 18; NFR field 0xff: 256 registers */
	vtd_cap_decode(7 | (0xffULL << 40), &c);
	ck_assert_uint_eq(c.ndoms, 1U << 18);
	ck_assert_uint_eq(c.nfr, 256);
	ck_assert_uint_eq(c.mgaw, 1);
	ck_assert_int_eq(vtd_cap_decode(0, NULL), VTD_ERR_ARG);
}
END_TEST

/* ECAP 0xf00f5e: QI DT IR EIM PT, ecap_iotlb_offset = 0xf * 16,
 * ecap_max_handle_mask = 0xf. */
START_TEST(ecap_qemu_like)
{
	struct vtd_ecap e;
	char buf[160];

	ck_assert_int_eq(vtd_ecap_decode(0xf00f5eULL, &e), VTD_OK);
	ck_assert(!e.c && e.qi && e.dt && e.ir && e.eim && e.pt && !e.sc);
	ck_assert_uint_eq(e.iro, 0xf0);
	ck_assert_uint_eq(e.mhmv, 0xf);
	ck_assert(!e.smts && !e.pasid);
	ck_assert_uint_eq(vtd_qi_desc_size(0xf00f5eULL), 16);
	vtd_ecap_format(0xf00f5eULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "QI DT IR EIM PT iro=0xf0 mhmv=15 pss=0");
}
END_TEST

START_TEST(ecap_every_field)
{
	const uint64_t all = VTD_ECAP_C | VTD_ECAP_QI | VTD_ECAP_DT | VTD_ECAP_IR |
			     VTD_ECAP_EIM | VTD_ECAP_PT | VTD_ECAP_SC | (0x3ffULL << 8) |
			     (0x9ULL << 20) | VTD_ECAP_ECS | VTD_ECAP_MTS | VTD_ECAP_NEST |
			     VTD_ECAP_DIS | VTD_ECAP_BROKEN_PASID | VTD_ECAP_PRS |
			     VTD_ECAP_ERS | VTD_ECAP_SRS | VTD_ECAP_NWFS | VTD_ECAP_EAFS |
			     (19ULL << 35) | VTD_ECAP_PASID | VTD_ECAP_DIT | VTD_ECAP_PDS |
			     VTD_ECAP_SMTS | VTD_ECAP_VCS | VTD_ECAP_SLADS | VTD_ECAP_SLTS |
			     VTD_ECAP_FLTS | VTD_ECAP_SMPWC | VTD_ECAP_RPS | VTD_ECAP_PMS;
	struct vtd_ecap e;

	vtd_ecap_decode(all, &e);
	ck_assert(e.c && e.qi && e.dt && e.ir && e.eim && e.pt && e.sc);
	ck_assert_uint_eq(e.iro, 0x3ff0);
	ck_assert_uint_eq(e.mhmv, 9);
	ck_assert(e.ecs && e.mts && e.nest && e.dis && e.broken_pasid && e.prs && e.ers);
	ck_assert(e.srs && e.nwfs && e.eafs);
	ck_assert_uint_eq(e.pss, 19);
	ck_assert_uint_eq(e.max_pasids, 1U << 20);	/* 2 << 19 */
	ck_assert(e.pasid && e.dit && e.pds && e.smts && e.vcs && e.slads && e.slts);
	ck_assert(e.flts && e.smpwc && e.rps && e.pms);
	/* bit positions one by one against the kernel's shifts */
	vtd_ecap_decode(1ULL << 43, &e);
	ck_assert(e.smts && !e.vcs && !e.pds);
	vtd_ecap_decode(1ULL << 42, &e);
	ck_assert(e.pds && !e.smts && !e.dit);
	vtd_ecap_decode(1ULL << 41, &e);
	ck_assert(e.dit && !e.pasid);
	vtd_ecap_decode(1ULL << 51, &e);
	ck_assert(e.pms && !e.rps);
	vtd_ecap_decode(7ULL << 35, &e);
	ck_assert_uint_eq(e.pss, 7);
	ck_assert_uint_eq(e.max_pasids, 256);
	ck_assert(!e.eafs && !e.pasid);
	ck_assert_int_eq(vtd_ecap_decode(0, NULL), VTD_ERR_ARG);
}
END_TEST

/* qi_shift = DMAR_IQ_SHIFT (4) + !!ecap_smts: 16 or 32 bytes. */
START_TEST(qi_desc_size)
{
	ck_assert_uint_eq(vtd_qi_desc_size(0), 16);
	ck_assert_uint_eq(vtd_qi_desc_size(VTD_ECAP_SMTS), 32);
	ck_assert_uint_eq(vtd_qi_desc_size(~VTD_ECAP_SMTS), 16);
	ck_assert_uint_eq(vtd_qi_desc_size(~0ULL), 32);
}
END_TEST

START_TEST(gcmd_gsts)
{
	char buf[96];

	/* a running unit's iommu->gcmd: DMA_GCMD_TE | DMA_GCMD_QIE | DMA_GCMD_IRE */
	ck_assert_int_eq(vtd_gcmd_format(VTD_GCMD_TE | VTD_GCMD_QIE | VTD_GCMD_IRE, buf,
					 sizeof(buf)), 10);
	ck_assert_str_eq(buf, "TE QIE IRE");
	vtd_gcmd_format(0xff800000U, buf, sizeof(buf));
	ck_assert_str_eq(buf, "TE SRTP SFL EAFL WBF QIE IRE SIRTP CFI");
	vtd_gsts_format(0xff800000U, buf, sizeof(buf));
	ck_assert_str_eq(buf, "TES RTPS FLS AFLS WBFS QIES IRES IRTPS CFIS");
	vtd_gsts_format(VTD_GSTS_TES | VTD_GSTS_IRTPS | 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "TES IRTPS bit0");
	ck_assert_int_eq(vtd_gcmd_format(0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	/* truncation like snprintf */
	ck_assert_int_eq(vtd_gcmd_format(VTD_GCMD_TE | VTD_GCMD_QIE, buf, 4), 6);
	ck_assert_str_eq(buf, "TE ");
}
END_TEST

extern Suite *vtd_cap_suite(void);
Suite *vtd_cap_suite(void)
{
	Suite *s = suite_create("vtd_cap");
	TCase *tc = tcase_create("cap");

	tcase_add_test(tc, cap_qemu_like);
	tcase_add_test(tc, cap_every_field);
	tcase_add_test(tc, ecap_qemu_like);
	tcase_add_test(tc, ecap_every_field);
	tcase_add_test(tc, qi_desc_size);
	tcase_add_test(tc, gcmd_gsts);
	suite_add_tcase(s, tc);
	return s;
}
