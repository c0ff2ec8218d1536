/* Unit tests: AMD-Vi event-log entries (include/amdvi/event.h). */
#include <check.h>
#include <string.h>

#include "amdvi/event.h"

static struct amdvi_event decode(const uint32_t d[4])
{
	struct amdvi_event e;

	ck_assert_int_eq(amdvi_event_decode(d, &e), AMDVI_OK);
	return e;
}

static const char *fmt(const struct amdvi_event *e)
{
	static char buf[256];

	ck_assert_int_gt(amdvi_event_format(e, buf, sizeof(buf)), 0);
	return buf;
}

static const char *flags(uint16_t f)
{
	static char buf[64];

	amdvi_event_flags_str(f, buf, sizeof(buf));
	return buf;
}

START_TEST(names)
{
	static const char *const want[16] = {
		"UNKNOWN", "ILLEGAL_DEV_TABLE_ENTRY", "IO_PAGE_FAULT",
		"DEV_TAB_HARDWARE_ERROR", "PAGE_TAB_HARDWARE_ERROR",
		"ILLEGAL_COMMAND_ERROR", "COMMAND_HARDWARE_ERROR",
		"IOTLB_INV_TIMEOUT", "INVALID_DEVICE_REQUEST",
		"INVALID_PPR_REQUEST", "UNKNOWN", "UNKNOWN", "UNKNOWN",
		"RMP_PAGE_FAULT", "RMP_HW_ERROR", "UNKNOWN",
	};
	unsigned int c;

	for (c = 0; c < 16; c++)
		ck_assert_str_eq(amdvi_event_name(c), want[c]);
	ck_assert_str_eq(amdvi_event_name(16), "UNKNOWN");
}
END_TEST

/* The seed patch's fault: device=00:14.1 domain=0x000d address=0x245a0c0 flags=0x0070 */
START_TEST(io_page_fault)
{
	uint32_t d[4];
	struct amdvi_event e;

	amdvi_event_build(d, AMDVI_EVENT_IO_PAGE_FAULT, 0x00a1, 0xd, 0x0070, 0x245a0c0ULL);
	ck_assert_uint_eq(d[0], 0x000000a1U);
	ck_assert_uint_eq(d[1], 0x2070000dU);
	ck_assert_uint_eq(d[2], 0x0245a0c0U);
	ck_assert_uint_eq(d[3], 0);
	e = decode(d);
	ck_assert_uint_eq(e.code, AMDVI_EVENT_IO_PAGE_FAULT);
	ck_assert(e.known);
	ck_assert_uint_eq(e.devid, 0xa1);
	ck_assert_uint_eq(e.flags, 0x70);
	ck_assert_uint_eq(e.address, 0x245a0c0ULL);
	ck_assert_uint_eq(e.domid_legacy, 0xd);
	ck_assert_uint_eq(e.pasid_or_domid, 0xd);
	ck_assert_str_eq(flags(e.flags), "PR|RW|PE");
	ck_assert_str_eq(fmt(&e),
			 "IO_PAGE_FAULT devid=00:14.1 domain=0xd address=0x245a0c0 flags=0x70 (PR|RW|PE)");
}
END_TEST

START_TEST(flag_names)
{
	ck_assert_str_eq(flags(0x0070), "PR|RW|PE");
	ck_assert_str_eq(flags(0x0020), "RW");
	ck_assert_str_eq(flags(0), "-");
	ck_assert_str_eq(flags(0x1ff), "GN|NX|US|I|PR|RW|PE|RZ|TR");
	ck_assert_str_eq(flags(0x001), "GN");
	ck_assert_str_eq(flags(0x002), "NX");
	ck_assert_str_eq(flags(0x004), "US");
	ck_assert_str_eq(flags(0x008), "I");
	ck_assert_str_eq(flags(0x080), "RZ");
	ck_assert_str_eq(flags(0x100), "TR");
	ck_assert_str_eq(flags(0x210), "PR|0x200");
	ck_assert_uint_eq(AMDVI_EVENT_FLAG_PR | AMDVI_EVENT_FLAG_RW | AMDVI_EVENT_FLAG_PE, 0x70);
}
END_TEST

START_TEST(domid_encodings)
{
	/* 5.x+ wide value: bits 19:16 live in data[0] 19:16 */
	uint32_t d[4];
	struct amdvi_event e;

	amdvi_event_build(d, AMDVI_EVENT_ILLEGAL_DEV_TABLE_ENTRY, 0xffff, 0xfffff, 0xfff, ~0ULL);
	ck_assert_uint_eq(d[0], 0x000fffffU);
	ck_assert_uint_eq(d[1], 0x1fffffffU);
	e = decode(d);
	ck_assert_uint_eq(e.code, 1);
	ck_assert_uint_eq(e.devid, 0xffff);
	ck_assert_uint_eq(e.flags, 0xfff);
	ck_assert_uint_eq(e.pasid_or_domid, 0xfffff);
	ck_assert_uint_eq(e.domid_legacy, 0xffff);
	ck_assert_uint_eq(e.address, ~0ULL);

	/* encodings differ when data[0] 19:16 is set */
	amdvi_event_build(d, AMDVI_EVENT_PAGE_TAB_HARDWARE_ERROR, 0x10, 0x30004, 0, 0x1000);
	e = decode(d);
	ck_assert_uint_eq(e.pasid_or_domid, 0x30004);
	ck_assert_uint_eq(e.domid_legacy, 0x0004);
	ck_assert_uint_eq(e.devid, 0x10);
	ck_assert_str_eq(fmt(&e), "PAGE_TAB_HARDWARE_ERROR devid=00:02.0 pasid=0x30004 address=0x1000 flags=0x0");
}
END_TEST

START_TEST(ppr_request)
{
	uint32_t d[4];
	struct amdvi_event e;

	amdvi_event_build_ppr(d, 0x0300, 0xfabcd, 0x3ff, 0x020, 0x7000ULL);
	e = decode(d);
	ck_assert_uint_eq(e.code, AMDVI_EVENT_INVALID_PPR_REQUEST);
	ck_assert_uint_eq(e.devid, 0x0300);
	ck_assert_uint_eq(e.ppr_pasid, 0xfabcd);
	ck_assert_uint_eq(e.tag, 0x3ff);
	ck_assert_uint_eq(e.flags, 0x020);
	ck_assert_uint_eq(e.address, 0x7000);

	amdvi_event_build_ppr(d, 1, 0x1, 0x2, 0, 0);
	e = decode(d);
	ck_assert_uint_eq(e.ppr_pasid, 1);
	ck_assert_uint_eq(e.tag, 2);
	ck_assert_str_eq(fmt(&e), "INVALID_PPR_REQUEST devid=00:00.1 pasid=0x1 address=0x0 flags=0x0 tag=0x2");
}
END_TEST

START_TEST(rmp_events)
{
	uint32_t d[4];
	struct amdvi_event e;

	amdvi_event_build_rmp_fault(d, 0x18, 0xbeef, 0xa5, 0x123, 0x123456789000ULL);
	e = decode(d);
	ck_assert_uint_eq(e.code, AMDVI_EVENT_RMP_PAGE_FAULT);
	ck_assert_uint_eq(e.devid, 0x18);
	ck_assert_uint_eq(e.vmg_tag, 0xbeef);
	ck_assert_uint_eq(e.flags_rmp, 0xa5);
	ck_assert_uint_eq(e.flags, 0x123);
	ck_assert_uint_eq(e.gpa, 0x123456789000ULL);

	amdvi_event_build_rmp_hw_error(d, 0x18, 0x1234, 0x7, 0xabcdef007ULL);
	e = decode(d);
	ck_assert_uint_eq(e.code, AMDVI_EVENT_RMP_HW_ERROR);
	ck_assert_uint_eq(e.vmg_tag, 0x1234);
	ck_assert_uint_eq(e.flags, 0x7);
	ck_assert_uint_eq(e.spa, 0xabcdef000ULL);	/* bits 2:0 dropped */
	ck_assert_uint_eq(e.address, 0xabcdef007ULL);
	ck_assert_str_eq(fmt(&e), "RMP_HW_ERROR devid=00:03.0 vmg_tag=0x1234 spa=0xabcdef000 flags=0x7");
}
END_TEST

START_TEST(other_codes_format)
{
	uint32_t d[4];
	struct amdvi_event e;

	amdvi_event_build(d, AMDVI_EVENT_ILLEGAL_COMMAND_ERROR, 0, 0, 0, 0x11bf5e0ULL);
	e = decode(d);
	ck_assert_str_eq(fmt(&e), "ILLEGAL_COMMAND_ERROR address=0x11bf5e0");
	amdvi_event_build(d, AMDVI_EVENT_IOTLB_INV_TIMEOUT, 0x18, 0, 0, 0x2000);
	e = decode(d);
	ck_assert_str_eq(fmt(&e), "IOTLB_INV_TIMEOUT devid=00:03.0 address=0x2000");
	amdvi_event_build(d, AMDVI_EVENT_COMMAND_HARDWARE_ERROR, 0, 0, 0x5, 0x2000);
	e = decode(d);
	ck_assert_str_eq(fmt(&e), "COMMAND_HARDWARE_ERROR address=0x2000 flags=0x5");
	amdvi_event_build(d, AMDVI_EVENT_DEV_TAB_HARDWARE_ERROR, 0x18, 0, 0x5, 0x3000);
	e = decode(d);
	ck_assert_str_eq(fmt(&e), "DEV_TAB_HARDWARE_ERROR devid=00:03.0 address=0x3000 flags=0x5");
	amdvi_event_build(d, AMDVI_EVENT_INVALID_DEVICE_REQUEST, 0x18, 0x2, 0x5, 0x3000);
	e = decode(d);
	ck_assert_str_eq(fmt(&e), "INVALID_DEVICE_REQUEST devid=00:03.0 pasid=0x2 address=0x3000 flags=0x5");
}
END_TEST

START_TEST(unknown_and_empty)
{
	const uint32_t zero[4] = { 0, 0, 0, 0 };
	const uint32_t unk[4] = { 0x1, 0xa0000000U, 0x2, 0x3 };
	const uint32_t almost[4] = { 0, 0, 0, 1 };
	struct amdvi_event e;

	ck_assert(amdvi_event_is_empty(zero));
	ck_assert(!amdvi_event_is_empty(unk));
	ck_assert(!amdvi_event_is_empty(almost));
	e = decode(zero);
	ck_assert_uint_eq(e.code, 0);
	ck_assert(!e.known);
	ck_assert_str_eq(fmt(&e), "EMPTY");

	e = decode(unk);
	ck_assert_uint_eq(e.code, 0xa);
	ck_assert(!e.known);
	ck_assert_mem_eq(e.raw, unk, sizeof(unk));
	ck_assert_str_eq(fmt(&e), "UNKNOWN code=0xa raw=00000001 a0000000 00000002 00000003");
	ck_assert_int_eq(amdvi_event_decode(NULL, &e), AMDVI_ERR_ARG);
}
END_TEST

extern Suite *amdvi_event_suite(void);
Suite *amdvi_event_suite(void)
{
	Suite *s = suite_create("amdvi_event");
	TCase *tc = tcase_create("event");

	tcase_add_test(tc, names);
	tcase_add_test(tc, io_page_fault);
	tcase_add_test(tc, flag_names);
	tcase_add_test(tc, domid_encodings);
	tcase_add_test(tc, ppr_request);
	tcase_add_test(tc, rmp_events);
	tcase_add_test(tc, other_codes_format);
	tcase_add_test(tc, unknown_and_empty);
	suite_add_tcase(s, tc);
	return s;
}
