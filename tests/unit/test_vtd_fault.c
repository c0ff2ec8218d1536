/* Unit tests: VT-d fault reasons, FSTS, FRCD and the kernel's fault line
 * (include/vtd/fault.h).  Expected strings are dmar_get_fault_reason's
 * and dmar_fault_do_one's (K5.10 intel/dmar.c:1845-1866; K6.1
 * intel/dmar.c:1871-1989; K7.3 intel/dmar.c:1963-2000). */
#include <check.h>
#include <string.h>

#include "vtd/fault.h"

START_TEST(reason_strings)
{
	ck_assert_str_eq(vtd_fault_reason_str(0x00), "Software");
	ck_assert_str_eq(vtd_fault_reason_str(0x05), "PTE Write access is not set");
	ck_assert_str_eq(vtd_fault_reason_str(0x06), "PTE Read access is not set");
	ck_assert_str_eq(vtd_fault_reason_str(0x0d),
			 "PCE for translation request specifies blocking");
	ck_assert_str_eq(vtd_fault_reason_str(0x20),
			 "Detected reserved fields in the decoded interrupt-remapped request");
	ck_assert_str_eq(vtd_fault_reason_str(0x26),
			 "Blocked an interrupt request due to source-id verification failure");
	ck_assert_str_eq(vtd_fault_reason_str(0x30), "SM: Invalid Root Table Address");
	ck_assert_str_eq(vtd_fault_reason_str(0x3a),
			 "SM: Non-zero reserved field set in Root Entry");
	ck_assert_str_eq(vtd_fault_reason_str(0x48), "SM: RID_PASID field error in Context-Entry");
	ck_assert_str_eq(vtd_fault_reason_str(0x5d), "SM: SRE field is clear in PASID Table Entry");
	ck_assert_str_eq(vtd_fault_reason_str(0x7c),
			 "SM: A/D bit update needed in second-level entry when set up in no snoop");
	ck_assert_str_eq(vtd_fault_reason_str(0x87), "SM: Invalid address-interrupt address");
	ck_assert_str_eq(vtd_fault_reason_str(0x90),
			 "SM: A/D bit update needed in first-level entry when set up in no snoop");
	/* gaps and beyond */
	ck_assert_str_eq(vtd_fault_reason_str(0x0e), "Unknown");
	ck_assert_str_eq(vtd_fault_reason_str(0x27), "Unknown");
	ck_assert_str_eq(vtd_fault_reason_str(0x33), "Unknown");
	ck_assert_str_eq(vtd_fault_reason_str(0x8f), "Unknown");
	ck_assert_str_eq(vtd_fault_reason_str(0x91), "Unknown");
	ck_assert_str_eq(vtd_fault_reason_str(0xff), "Unknown");
	ck_assert_str_eq(vtd_fault_reason_str(0x1234), "Unknown");
}
END_TEST

/* Every code of the kernel's tables has a text, and the table sizes give
 * the kinds: 14 DMA, 7 IR, 0x61 SM entries (0x30..0x90). */
START_TEST(reason_kinds)
{
	unsigned int code, named = 0;

	for (code = 0; code <= 0x0d; code++) {
		ck_assert_int_eq(vtd_fault_kind(code), VTD_FAULT_KIND_DMA);
		ck_assert_str_ne(vtd_fault_reason_str(code), "Unknown");
	}
	for (code = 0x20; code <= 0x26; code++) {
		ck_assert_int_eq(vtd_fault_kind(code), VTD_FAULT_KIND_IR);
		ck_assert_str_ne(vtd_fault_reason_str(code), "Unknown");
	}
	for (code = 0x30; code <= 0x90; code++) {
		ck_assert_int_eq(vtd_fault_kind(code), VTD_FAULT_KIND_SM_DMA);
		if (strcmp(vtd_fault_reason_str(code), "Unknown"))
			named++;
	}
	ck_assert_uint_eq(named, 3 + 3 + 9 + 3 + 6 + 13 + 8 + 1);
	ck_assert_int_eq(vtd_fault_kind(0x0e), VTD_FAULT_KIND_UNKNOWN);
	ck_assert_int_eq(vtd_fault_kind(0x1f), VTD_FAULT_KIND_UNKNOWN);
	ck_assert_int_eq(vtd_fault_kind(0x27), VTD_FAULT_KIND_UNKNOWN);
	ck_assert_int_eq(vtd_fault_kind(0x2f), VTD_FAULT_KIND_UNKNOWN);
	ck_assert_int_eq(vtd_fault_kind(0x91), VTD_FAULT_KIND_UNKNOWN);
	ck_assert(vtd_fault_kind_is_dma(VTD_FAULT_KIND_SM_DMA));
	ck_assert(vtd_fault_kind_is_dma(VTD_FAULT_KIND_DMA));
	ck_assert(!vtd_fault_kind_is_dma(VTD_FAULT_KIND_IR));
	ck_assert_str_eq(vtd_fault_kind_name(VTD_FAULT_KIND_IR), "interrupt-remapping");
	ck_assert_str_eq(vtd_fault_kind_name(VTD_FAULT_KIND_SM_DMA), "sm-dma");
}
END_TEST

/* DMA_FSTS_*: PFO bit 0, PPF 1, IQE 4, ICE 5, ITE 6, PRO 7, FRI 15:8. */
START_TEST(fsts)
{
	struct vtd_fsts f;
	char buf[64];

	vtd_fsts_decode(0x2, &f);
	ck_assert(f.ppf && !f.pfo && !f.iqe && !f.ice && !f.ite && !f.pro);
	ck_assert_uint_eq(f.fri, 0);
	vtd_fsts_format(0x2, buf, sizeof(buf));
	ck_assert_str_eq(buf, "PPF fri=0");

	vtd_fsts_decode(0xfff3, &f);
	ck_assert(f.pfo && f.ppf && f.iqe && f.ice && f.ite && f.pro);
	ck_assert_uint_eq(f.fri, 0xff);
	vtd_fsts_format(0x0373, buf, sizeof(buf));
	ck_assert_str_eq(buf, "PFO PPF IQE ICE ITE fri=3");
	vtd_fsts_format(0x40, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ITE fri=0");
	ck_assert_int_eq(vtd_fsts_decode(0, NULL), VTD_ERR_ARG);
}
END_TEST

/* FRCD as the kernel reads it: dword +12 = F 31, T 30, PASID 27:8, FR 7:0;
 * dword +8 = PP 31, SID 15:0; lo = fault address (dma_frcd_*). */
START_TEST(frcd)
{
	const uint64_t raw[2] = {
		0x00000000ffe58abcULL,
		VTD_FRCD_F | VTD_FRCD_T | (0x12345ULL << 40) | (0x06ULL << 32) | VTD_FRCD_PP |
			0x0018,
	};
	struct vtd_frcd f;

	ck_assert_int_eq(vtd_frcd_decode(raw, &f), VTD_OK);
	ck_assert(f.f && f.read && f.pasid_present);
	ck_assert_uint_eq(f.fault_info, 0xffe58000ULL);
	ck_assert_uint_eq(f.sid, 0x0018);
	ck_assert_uint_eq(f.pasid, 0x12345);
	ck_assert_uint_eq(f.reason, 6);
	ck_assert_uint_eq(f.at, 0);
	ck_assert_uint_eq(f.ir_index, 0);

	/* AT, write, no PASID, every bit of PV and FR */
	vtd_frcd_decode((const uint64_t[2]){ 0x002a000000000000ULL,
					     (3ULL << 60) | (0xfffffULL << 40) | (0xffULL << 32) |
						     0xffff }, &f);
	ck_assert(!f.f && !f.read && !f.pasid_present);
	ck_assert_uint_eq(f.at, 3);
	ck_assert_uint_eq(f.pasid, 0xfffff);
	ck_assert_uint_eq(f.reason, 0xff);
	ck_assert_uint_eq(f.sid, 0xffff);
	ck_assert_uint_eq(f.ir_index, 0x2a);
	ck_assert_int_eq(vtd_frcd_decode(NULL, &f), VTD_ERR_ARG);
}
END_TEST

START_TEST(kernel_lines)
{
	const uint64_t dma[2] = {
		0xffe58000ULL, VTD_FRCD_F | VTD_FRCD_T | (0x06ULL << 32) | 0x0018,
	};
	const uint64_t dma_pasid[2] = {
		0x1000ULL, VTD_FRCD_F | (0x12ULL << 40) | VTD_FRCD_PP | (0x59ULL << 32) | 0x0310,
	};
	/* IR fault: IRTE index 0x2a in fault-info bits 63:48, reason 0x22 */
	const uint64_t ir[2] = { 0x002a000000000000ULL, VTD_FRCD_F | (0x22ULL << 32) | 0x00f8 };
	struct vtd_frcd f;
	char buf[200];

	vtd_frcd_decode(dma, &f);
	vtd_fault_format_kernel_line(&f, VTD_FAULT_LINE_6_1, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr "
			      "0xffe58000 [fault reason 0x06] PTE Read access is not set");
	vtd_fault_format_kernel_line(&f, VTD_FAULT_LINE_7_3, 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "DMAR: [DMA Read NO_PASID] Request device [0001:00:03.0] fault "
			      "addr 0xffe58000 [fault reason 0x06] PTE Read access is not set");
	vtd_fault_format_kernel_line(&f, VTD_FAULT_LINE_5_10, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "DMAR: [DMA Read] Request device [00:03.0] PASID ffffffff fault "
			      "addr ffe58000 [fault reason 06] PTE Read access is not set");

	vtd_frcd_decode(dma_pasid, &f);
	vtd_fault_format_kernel_line(&f, VTD_FAULT_LINE_6_1, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "DMAR: [DMA Write PASID 0x12] Request device [03:02.0] fault addr "
			      "0x1000 [fault reason 0x59] SM: Present bit in PASID Table Entry "
			      "is clear");
	/* 5.10: decimal reason (0x59 = 89) */
	vtd_fault_format_kernel_line(&f, VTD_FAULT_LINE_5_10, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "DMAR: [DMA Write] Request device [03:02.0] PASID 12 fault addr "
			      "1000 [fault reason 89] SM: Present bit in PASID Table Entry is "
			      "clear");

	vtd_frcd_decode(ir, &f);
	vtd_fault_format_kernel_line(&f, VTD_FAULT_LINE_6_1, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "DMAR: [INTR-REMAP] Request device [00:1f.0] fault index 0x2a "
			      "[fault reason 0x22] Present field in the IRTE entry is clear");
	vtd_fault_format_kernel_line(&f, VTD_FAULT_LINE_5_10, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "DMAR: [INTR-REMAP] Request device [00:1f.0] fault index 2a "
			      "[fault reason 34] Present field in the IRTE entry is clear");
	vtd_fault_format_kernel_line(&f, VTD_FAULT_LINE_7_3, 0x10, buf, sizeof(buf));
	ck_assert_str_eq(buf, "DMAR: [INTR-REMAP] Request device [0010:00:1f.0] fault index "
			      "0x2a [fault reason 0x22] Present field in the IRTE entry is clear");

	/* unknown reason */
	vtd_frcd_decode((const uint64_t[2]){ 0, VTD_FRCD_F | (0x0eULL << 32) }, &f);
	vtd_fault_format_kernel_line(&f, VTD_FAULT_LINE_6_1, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "DMAR: [DMA Write NO_PASID] Request device [00:00.0] fault addr "
			      "0x0 [fault reason 0x0e] Unknown");
	ck_assert_int_eq(vtd_fault_format_kernel_line(NULL, VTD_FAULT_LINE_6_1, 0, buf,
						      sizeof(buf)), VTD_ERR_ARG);
}
END_TEST

extern Suite *vtd_fault_suite(void);
Suite *vtd_fault_suite(void)
{
	Suite *s = suite_create("vtd_fault");
	TCase *tc = tcase_create("fault");

	tcase_add_test(tc, reason_strings);
	tcase_add_test(tc, reason_kinds);
	tcase_add_test(tc, fsts);
	tcase_add_test(tc, frcd);
	tcase_add_test(tc, kernel_lines);
	suite_add_tcase(s, tc);
	return s;
}
