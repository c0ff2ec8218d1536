/* Unit tests: AMD-Vi command-buffer entries (include/amdvi/command.h). */
#include <check.h>
#include <string.h>

#include "amdvi/command.h"

static struct amdvi_cmd decode(const uint32_t d[4])
{
	struct amdvi_cmd c;

	ck_assert_int_eq(amdvi_cmd_decode(d, &c), AMDVI_OK);
	return c;
}

static const char *fmt(const struct amdvi_cmd *c)
{
	static char buf[256];

	ck_assert_int_gt(amdvi_cmd_format(c, buf, sizeof(buf)), 0);
	return buf;
}

/* V-dump (6.1, strict mode): 00000000 30000003 ffe58002 00000000 */
START_TEST(real_inv_iommu_pages)
{
	const uint32_t d[4] = { 0x00000000, 0x30000003, 0xffe58002, 0x00000000 };
	struct amdvi_cmd c = decode(d);
	struct amdvi_range r;

	ck_assert_uint_eq(c.opcode, AMDVI_CMD_INVALIDATE_IOMMU_PAGES);
	ck_assert(c.known);
	ck_assert_uint_eq(c.u.inv_pages.domid, 3);
	ck_assert_uint_eq(c.u.inv_pages.address, 0xffe58000ULL);
	ck_assert(c.u.inv_pages.pde);
	ck_assert(!c.u.inv_pages.s);
	ck_assert(!c.u.inv_pages.gn);
	ck_assert(!amdvi_cmd_is_inv_domain_all(&c));
	r = amdvi_cmd_inv_range(c.u.inv_pages.address, c.u.inv_pages.s);
	ck_assert_uint_eq(r.start, 0xffe58000ULL);
	ck_assert_uint_eq(r.last, 0xffe58fffULL);
	ck_assert_str_eq(fmt(&c), "INVALIDATE_IOMMU_PAGES domain=3 addr=0xffe58000 pde");
	ck_assert_str_eq(amdvi_cmd_name(c.opcode), "INVALIDATE_IOMMU_PAGES");
}
END_TEST

/* V-dump: 011be001 10000000 00000134 00000000 */
START_TEST(real_completion_wait)
{
	const uint32_t d[4] = { 0x011be001, 0x10000000, 0x00000134, 0x00000000 };
	struct amdvi_cmd c = decode(d);

	ck_assert_uint_eq(c.opcode, AMDVI_CMD_COMPLETION_WAIT);
	ck_assert_uint_eq(c.u.cw.store_addr, 0x11be000ULL);
	ck_assert_uint_eq(c.u.cw.store_data, 0x134);
	ck_assert(c.u.cw.s);
	ck_assert(!c.u.cw.i);
	ck_assert(!c.u.cw.f);
	ck_assert_str_eq(fmt(&c), "COMPLETION_WAIT store=0x11be000 data=0x134 S");
}
END_TEST

START_TEST(cw_roundtrip_and_boundaries)
{
	uint32_t d[4];
	struct amdvi_cmd c;

	/* all-ones address and data: no bleed into opcode or reserved bits */
	amdvi_cmd_build_completion_wait(d, ~0ULL, ~0ULL, true, true, true);
	ck_assert_uint_eq(d[0], 0xffffffffU);
	ck_assert_uint_eq(d[1], 0x100fffffU);
	ck_assert_uint_eq(d[2], 0xffffffffU);
	ck_assert_uint_eq(d[3], 0xffffffffU);
	c = decode(d);
	ck_assert_uint_eq(c.opcode, AMDVI_CMD_COMPLETION_WAIT);
	ck_assert_uint_eq(c.u.cw.store_addr, 0x000ffffffffffff8ULL);
	ck_assert_uint_eq(c.u.cw.store_data, ~0ULL);
	ck_assert(c.u.cw.s && c.u.cw.i && c.u.cw.f);

	/* 64-bit data (6.0+ writes the high half too) */
	amdvi_cmd_build_completion_wait(d, 0x123456789000ULL, 0x100000002ULL, true, false, false);
	c = decode(d);
	ck_assert_uint_eq(c.u.cw.store_addr, 0x123456789000ULL);
	ck_assert_uint_eq(c.u.cw.store_data, 0x100000002ULL);
	ck_assert(c.u.cw.s && !c.u.cw.i && !c.u.cw.f);

	/* the 2.6.34 interrupt-only form: 00000002 10000000 0 0 */
	amdvi_cmd_build_completion_wait(d, 0, 0, false, true, false);
	ck_assert_uint_eq(d[0], 2);
	ck_assert_uint_eq(d[1], 0x10000000U);
	c = decode(d);
	ck_assert(c.u.cw.i && !c.u.cw.s);
	ck_assert_str_eq(fmt(&c), "COMPLETION_WAIT store=0x0 data=0x0 I");
}
END_TEST

START_TEST(inv_dte_and_irt)
{
	uint32_t d[4];
	struct amdvi_cmd c;

	amdvi_cmd_build_inv_devtab_entry(d, 0xffff);
	ck_assert_uint_eq(d[0], 0xffff);
	ck_assert_uint_eq(d[1], 0x20000000U);
	ck_assert_uint_eq(d[2] | d[3], 0);
	c = decode(d);
	ck_assert_uint_eq(c.opcode, AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY);
	ck_assert_uint_eq(c.u.inv_dte.devid, 0xffff);

	amdvi_cmd_build_inv_devtab_entry(d, 0x0018);
	c = decode(d);
	ck_assert_str_eq(fmt(&c), "INVALIDATE_DEVTAB_ENTRY devid=00:03.0");

	amdvi_cmd_build_inv_interrupt_table(d, 0x00a1);
	ck_assert_uint_eq(d[1], 0x50000000U);
	c = decode(d);
	ck_assert_uint_eq(c.opcode, AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE);
	ck_assert_uint_eq(c.u.inv_irt.devid, 0x00a1);
	ck_assert_str_eq(fmt(&c), "INVALIDATE_INTERRUPT_TABLE devid=00:14.1");
}
END_TEST

START_TEST(inv_pages_roundtrip)
{
	uint32_t d[4];
	struct amdvi_cmd c;

	amdvi_cmd_build_inv_iommu_pages(d, 0xffff, 0xfffff, 0xfffffffffffff000ULL,
					true, true, true);
	ck_assert_uint_eq(d[0], 0x000fffffU);
	ck_assert_uint_eq(d[1], 0x3000ffffU);
	ck_assert_uint_eq(d[2], 0xfffff007U);
	ck_assert_uint_eq(d[3], 0xffffffffU);
	c = decode(d);
	ck_assert_uint_eq(c.u.inv_pages.domid, 0xffff);
	ck_assert_uint_eq(c.u.inv_pages.pasid, 0xfffff);
	ck_assert(c.u.inv_pages.s && c.u.inv_pages.pde && c.u.inv_pages.gn);
	/* GN set: not the whole-domain form */
	ck_assert(!amdvi_cmd_is_inv_domain_all(&c));

	/* each flag alone */
	amdvi_cmd_build_inv_iommu_pages(d, 1, 0, 0x1000, true, false, false);
	c = decode(d);
	ck_assert(c.u.inv_pages.s && !c.u.inv_pages.pde && !c.u.inv_pages.gn);
	amdvi_cmd_build_inv_iommu_pages(d, 1, 0, 0x1000, false, false, true);
	c = decode(d);
	ck_assert(!c.u.inv_pages.s && !c.u.inv_pages.pde && c.u.inv_pages.gn);
	ck_assert_uint_eq(c.u.inv_pages.address, 0x1000);
	ck_assert_str_eq(fmt(&c), "INVALIDATE_IOMMU_PAGES domain=1 addr=0x1000 gn pasid=0x0");

	/* low 12 address bits are not address */
	amdvi_cmd_build_inv_iommu_pages(d, 1, 0, 0x12345fffULL, false, false, false);
	c = decode(d);
	ck_assert_uint_eq(c.u.inv_pages.address, 0x12345000ULL);
	ck_assert(!c.u.inv_pages.s && !c.u.inv_pages.pde && !c.u.inv_pages.gn);
}
END_TEST

START_TEST(inv_domain_all_forms)
{
	const uint32_t with_pde[4] = { 0, 0x30000000U | 0x000d, 0xfffff003U, 0x7fffffffU };
	const uint32_t no_pde[4] = { 0, 0x30000007U, 0xfffff001U, 0x7fffffffU };
	const uint32_t not_all[4] = { 0, 0x30000007U, 0xfffff001U, 0x3fffffffU };
	uint32_t d[4];
	struct amdvi_cmd c;
	struct amdvi_range r;

	c = decode(with_pde);
	ck_assert(amdvi_cmd_is_inv_domain_all(&c));
	ck_assert(c.u.inv_pages.pde);
	ck_assert_uint_eq(c.u.inv_pages.domid, 0xd);
	r = amdvi_cmd_inv_range(c.u.inv_pages.address, true);
	ck_assert_uint_eq(r.start, 0);
	ck_assert_uint_eq(r.last, ~0ULL);
	ck_assert_str_eq(fmt(&c), "INVALIDATE_IOMMU_PAGES domain=13 addr=all pde");

	c = decode(no_pde);
	ck_assert(amdvi_cmd_is_inv_domain_all(&c));
	ck_assert(!c.u.inv_pages.pde);
	ck_assert_uint_eq(c.u.inv_pages.domid, 7);

	c = decode(not_all);
	ck_assert(!amdvi_cmd_is_inv_domain_all(&c));

	/* builder reproduces the kernel's exact words */
	amdvi_cmd_build_inv_iommu_pages_domain(d, 0xd, true);
	ck_assert_mem_eq(d, with_pde, sizeof(d));
	amdvi_cmd_build_inv_iommu_pages_domain(d, 7, false);
	ck_assert_mem_eq(d, no_pde, sizeof(d));

	/* another opcode with the same words is not a domain flush */
	d[1] = (d[1] & 0x0fffffffU) | 0x40000000U;
	c = decode(d);
	ck_assert(!amdvi_cmd_is_inv_domain_all(&c));
	ck_assert(!amdvi_cmd_is_inv_domain_all(NULL));
}
END_TEST

START_TEST(inv_address_encoding)
{
	struct amdvi_range r;
	uint64_t a;

	/* one page: S clear, page address */
	a = amdvi_cmd_inv_address_encode(0xffe58123ULL, 0x10);
	ck_assert_uint_eq(a, 0xffe58000ULL);

	/* two pages at 0x1000: msb_diff = 13 -> 16 KiB range at 0 */
	a = amdvi_cmd_inv_address_encode(0x1000, 0x2000);
	ck_assert_uint_eq(a, 0x1000ULL | 1);
	r = amdvi_cmd_inv_range(a & ~1ULL, true);
	ck_assert_uint_eq(r.start, 0);
	ck_assert_uint_eq(r.last, 0x3fff);

	/* aligned 2 MiB: address | 0xff000 with bit 20 clear */
	a = amdvi_cmd_inv_address_encode(0x40000000ULL, 0x200000);
	ck_assert_uint_eq(a, 0x400ff001ULL);
	r = amdvi_cmd_inv_range(a, true);
	ck_assert_uint_eq(r.start, 0x40000000ULL);
	ck_assert_uint_eq(r.last, 0x401fffffULL);

	/* range covering [start, start+size) always */
	a = amdvi_cmd_inv_address_encode(0x7000, 0x3000);
	r = amdvi_cmd_inv_range(a, true);
	ck_assert_uint_le(r.start, 0x7000);
	ck_assert_uint_ge(r.last, 0x9fff);

	/* highest differing bit 51: still a range, bits 50:12 set */
	a = amdvi_cmd_inv_address_encode(0, 1ULL << 52);
	ck_assert_uint_eq(a, 0x0007fffffffff001ULL);
	r = amdvi_cmd_inv_range(a, true);
	ck_assert_uint_eq(r.start, 0);
	ck_assert_uint_eq(r.last, (1ULL << 52) - 1);

	/* a differing bit above 51 -> the all-pages address */
	a = amdvi_cmd_inv_address_encode(0, 1ULL << 53);
	ck_assert_uint_eq(a, AMDVI_CMD_INV_ALL_PAGES_PAGE | 1);

	/* S=0: the page, regardless of low bits */
	r = amdvi_cmd_inv_range(0xabc000ULL, false);
	ck_assert_uint_eq(r.start, 0xabc000ULL);
	ck_assert_uint_eq(r.last, 0xabcfffULL);

	/* S=1 with bit 12 clear: 8 KiB */
	r = amdvi_cmd_inv_range(0x6000, true);
	ck_assert_uint_eq(r.start, 0x6000);
	ck_assert_uint_eq(r.last, 0x7fff);
}
END_TEST

START_TEST(inv_iotlb_roundtrip)
{
	uint32_t d[4];
	struct amdvi_cmd c;

	/* Linux: pasid[15:8] in d0 23:16, pasid[7:0] in d1 23:16 */
	amdvi_cmd_build_inv_iotlb_pages(d, 0x0218, 0x0218, 0x20, 0xabcd,
					0x12345000ULL, false, true);
	ck_assert_uint_eq(d[0], 0x20ab0218U);
	ck_assert_uint_eq(d[1], 0x40cd0218U);
	ck_assert_uint_eq(d[2], 0x12345004U);
	ck_assert_uint_eq(d[3], 0);
	c = decode(d);
	ck_assert_uint_eq(c.opcode, AMDVI_CMD_INVALIDATE_IOTLB_PAGES);
	ck_assert_uint_eq(c.u.inv_iotlb.devid, 0x0218);
	ck_assert_uint_eq(c.u.inv_iotlb.queue_id, 0x0218);
	ck_assert_uint_eq(c.u.inv_iotlb.qdep, 0x20);
	ck_assert_uint_eq(c.u.inv_iotlb.pasid, 0xabcd);
	ck_assert_uint_eq(c.u.inv_iotlb.address, 0x12345000ULL);
	ck_assert(c.u.inv_iotlb.gn && !c.u.inv_iotlb.s);
	ck_assert_str_eq(fmt(&c),
			 "INVALIDATE_IOTLB_PAGES devid=02:03.0 qdep=32 addr=0x12345000 gn pasid=0xabcd");

	/* all ones: fields stay apart */
	amdvi_cmd_build_inv_iotlb_pages(d, 0xffff, 0, 0xff, 0, ~0ULL, true, false);
	c = decode(d);
	ck_assert_uint_eq(c.u.inv_iotlb.devid, 0xffff);
	ck_assert_uint_eq(c.u.inv_iotlb.queue_id, 0);
	ck_assert_uint_eq(c.u.inv_iotlb.pasid, 0);
	ck_assert_uint_eq(c.u.inv_iotlb.qdep, 0xff);
	ck_assert(c.u.inv_iotlb.s && !c.u.inv_iotlb.gn);
	ck_assert_uint_eq(c.opcode, AMDVI_CMD_INVALIDATE_IOTLB_PAGES);
}
END_TEST

START_TEST(prefetch_roundtrip)
{
	uint32_t d[4];
	struct amdvi_cmd c;

	amdvi_cmd_build_prefetch_iommu_pages(d, 0x1234, 0x7f, 0xfffff,
					     0xdead000ULL, true, true, true);
	ck_assert_uint_eq(d[0], 0x7f001234U);
	ck_assert_uint_eq(d[1], 0x600fffffU);
	ck_assert_uint_eq(d[2], 0x0dead015U);
	c = decode(d);
	ck_assert_uint_eq(c.opcode, AMDVI_CMD_PREFETCH_IOMMU_PAGES);
	ck_assert(c.known);
	ck_assert_uint_eq(c.u.prefetch.devid, 0x1234);
	ck_assert_uint_eq(c.u.prefetch.pfcount, 0x7f);
	ck_assert_uint_eq(c.u.prefetch.pasid, 0xfffff);
	ck_assert_uint_eq(c.u.prefetch.address, 0xdead000ULL);
	ck_assert(c.u.prefetch.s && c.u.prefetch.gn && c.u.prefetch.inval);

	amdvi_cmd_build_prefetch_iommu_pages(d, 1, 0, 0, 0x2000, false, false, false);
	c = decode(d);
	ck_assert(!c.u.prefetch.s && !c.u.prefetch.gn && !c.u.prefetch.inval);
	ck_assert_str_eq(fmt(&c), "PREFETCH_IOMMU_PAGES devid=00:00.1 pfcount=0 addr=0x2000");
}
END_TEST

START_TEST(complete_ppr_roundtrip)
{
	uint32_t d[4];
	struct amdvi_cmd c;

	amdvi_cmd_build_complete_ppr(d, 0x0300, 0x1234, true, 0x1ff, 0xf);
	ck_assert_uint_eq(d[0], 0x0300);
	ck_assert_uint_eq(d[1], 0x70001234U);
	ck_assert_uint_eq(d[2], 0x4);
	ck_assert_uint_eq(d[3], 0xf1ffU);
	c = decode(d);
	ck_assert_uint_eq(c.opcode, AMDVI_CMD_COMPLETE_PPR_REQUEST);
	ck_assert_uint_eq(c.u.ppr.devid, 0x0300);
	ck_assert_uint_eq(c.u.ppr.pasid, 0x1234);
	ck_assert(c.u.ppr.gn);
	ck_assert_uint_eq(c.u.ppr.tag, 0x1ff);
	ck_assert_uint_eq(c.u.ppr.status, 0xf);
	ck_assert_str_eq(fmt(&c), "COMPLETE_PPR_REQUEST devid=03:00.0 tag=0x1ff status=15 gn pasid=0x1234");

	amdvi_cmd_build_complete_ppr(d, 1, 0, false, 0x5, 0);
	c = decode(d);
	ck_assert(!c.u.ppr.gn);
	ck_assert_uint_eq(c.u.ppr.tag, 5);
	ck_assert_uint_eq(c.u.ppr.status, 0);
}
END_TEST

START_TEST(inv_all_and_unknown)
{
	const uint32_t unk[4] = { 0x11111111, 0xf2345678, 0x9, 0xa };
	uint32_t d[4] = { 1, 2, 3, 4 };
	struct amdvi_cmd c;
	unsigned int op;

	amdvi_cmd_build_inv_iommu_all(d);
	ck_assert_uint_eq(d[0], 0);
	ck_assert_uint_eq(d[1], 0x80000000U);
	ck_assert_uint_eq(d[2], 0);
	ck_assert_uint_eq(d[3], 0);
	c = decode(d);
	ck_assert_uint_eq(c.opcode, AMDVI_CMD_INVALIDATE_IOMMU_ALL);
	ck_assert_str_eq(fmt(&c), "INVALIDATE_IOMMU_ALL");

	c = decode(unk);
	ck_assert_uint_eq(c.opcode, 0xf);
	ck_assert(!c.known);
	ck_assert_mem_eq(c.raw, unk, sizeof(unk));
	ck_assert_str_eq(amdvi_cmd_name(0xf), "UNKNOWN");
	ck_assert_str_eq(fmt(&c), "UNKNOWN op=0xf raw=11111111 f2345678 00000009 0000000a");

	/* names for every defined opcode, UNKNOWN for the rest */
	for (op = 0; op < 16; op++) {
		const char *n = amdvi_cmd_name(op);

		if (op >= 1 && op <= 8)
			ck_assert_str_ne(n, "UNKNOWN");
		else
			ck_assert_str_eq(n, "UNKNOWN");
	}
	ck_assert_str_eq(amdvi_cmd_name(6), "PREFETCH_IOMMU_PAGES");
	ck_assert_str_eq(amdvi_cmd_name(99), "UNKNOWN");
	ck_assert_int_eq(amdvi_cmd_decode(NULL, &c), AMDVI_ERR_ARG);
}
END_TEST

START_TEST(format_truncation)
{
	const uint32_t d[4] = { 0x011be001, 0x10000000, 0x00000134, 0x00000000 };
	struct amdvi_cmd c = decode(d);
	char small[8];
	int n;

	memset(small, 'x', sizeof(small));
	n = amdvi_cmd_format(&c, small, sizeof(small));
	ck_assert_int_eq(n, (int)strlen("COMPLETION_WAIT store=0x11be000 data=0x134 S"));
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert_int_eq(amdvi_cmd_format(&c, NULL, 0), n);
}
END_TEST

extern Suite *amdvi_command_suite(void);
Suite *amdvi_command_suite(void)
{
	Suite *s = suite_create("amdvi_command");
	TCase *tc = tcase_create("command");

	tcase_add_test(tc, real_inv_iommu_pages);
	tcase_add_test(tc, real_completion_wait);
	tcase_add_test(tc, cw_roundtrip_and_boundaries);
	tcase_add_test(tc, inv_dte_and_irt);
	tcase_add_test(tc, inv_pages_roundtrip);
	tcase_add_test(tc, inv_domain_all_forms);
	tcase_add_test(tc, inv_address_encoding);
	tcase_add_test(tc, inv_iotlb_roundtrip);
	tcase_add_test(tc, prefetch_roundtrip);
	tcase_add_test(tc, complete_ppr_roundtrip);
	tcase_add_test(tc, inv_all_and_unknown);
	tcase_add_test(tc, format_truncation);
	suite_add_tcase(s, tc);
	return s;
}
