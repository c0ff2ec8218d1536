/* Unit tests: VT-d invalidation-queue descriptors (include/vtd/qi.h).
 * Words are built with the kernel's QI_* macros as its builders use them
 * (qi_flush_* in K6.1 intel/dmar.c:1478-1652, qi_desc_* in K6.12
 * intel/iommu.h, qi_flush_iec in intel/irq_remapping.c, page responses
 * in K6.1 intel/svm.c:673-687 and K6.12 intel/prq.c:147-153). */
#include <check.h>
#include <string.h>

#include "vtd/qi.h"

static struct vtd_qi_desc dec(uint64_t qw0, uint64_t qw1)
{
	const uint64_t qw[4] = { qw0, qw1, 0, 0 };
	struct vtd_qi_desc d;

	ck_assert_int_eq(vtd_qi_desc_decode(qw, &d), VTD_OK);
	return d;
}

static const char *fmt(const struct vtd_qi_desc *d)
{
	static char buf[256];

	vtd_qi_desc_format(d, buf, sizeof(buf));
	return buf;
}

/* qi_flush_context: QI_CC_FM(fm) | QI_CC_SID(sid) | QI_CC_DID(did) |
 * QI_CC_GRAN(type) | QI_CC_TYPE; GRAN = DMA_CCMD_*_INVL >> 57. */
START_TEST(context_cache)
{
	struct vtd_qi_desc d = dec(0x0000001800030031ULL, 0);	/* device, did 3, 00:03.0 */

	ck_assert(d.known);
	ck_assert_uint_eq(d.type, VTD_QI_CC);
	ck_assert_uint_eq(d.u.cc.g, VTD_QI_CC_G_DEVICE);
	ck_assert_uint_eq(d.u.cc.did, 3);
	ck_assert_uint_eq(d.u.cc.sid, 0x0018);
	ck_assert_uint_eq(d.u.cc.fm, 0);
	ck_assert_str_eq(fmt(&d), "CC_INV device did=3 sid=00:03.0 fm=0");

	d = dec((3ULL << 48) | (0xffffULL << 32) | (0xffffULL << 16) | (2 << 4) | 1, 0);
	ck_assert_uint_eq(d.u.cc.g, VTD_QI_CC_G_DOMAIN);
	ck_assert_uint_eq(d.u.cc.fm, 3);
	ck_assert_uint_eq(d.u.cc.sid, 0xffff);
	ck_assert_uint_eq(d.u.cc.did, 0xffff);
	ck_assert_str_eq(fmt(&d), "CC_INV domain did=65535");

	d = dec(0x11, 0);	/* DMA_CCMD_GLOBAL_INVL */
	ck_assert_str_eq(fmt(&d), "CC_INV global did=0");
	ck_assert_str_eq(vtd_qi_gran_name(VTD_QI_CC, 0), "reserved");
}
END_TEST

/* qi_flush_iotlb / qi_desc_iotlb: QI_IOTLB_DID | DR | DW | GRAN
 * (DMA_TLB_*_FLUSH >> 56) | type; qw1 = ADDR | IH | AM. */
START_TEST(iotlb)
{
	struct vtd_qi_desc d = dec(0x00000000000300f2ULL, 0xffe58000ULL);	/* PSI, DR, DW */

	ck_assert_uint_eq(d.type, VTD_QI_IOTLB);
	ck_assert_uint_eq(d.u.iotlb.g, VTD_QI_IOTLB_G_PAGE);
	ck_assert_uint_eq(d.u.iotlb.did, 3);
	ck_assert(d.u.iotlb.dr && d.u.iotlb.dw && !d.u.iotlb.ih);
	ck_assert_uint_eq(d.u.iotlb.addr, 0xffe58000ULL);
	ck_assert_uint_eq(d.u.iotlb.am, 0);
	ck_assert_uint_eq(d.u.iotlb.range.start, 0xffe58000ULL);
	ck_assert_uint_eq(d.u.iotlb.range.last, 0xffe58fffULL);
	ck_assert_str_eq(fmt(&d), "IOTLB_INV page did=3 addr=0xffe58000 am=0 "
				  "[0xffe58000-0xffe58fff] DR DW");

	/* AM 9 = 2 MiB; 6.12 passes IH in addr bit 0 -> qw1 bit 6 */
	d = dec((3ULL << 16) | 0x32, 0x40000000ULL | (1ULL << 6) | 9);
	ck_assert(d.u.iotlb.ih && !d.u.iotlb.dr && !d.u.iotlb.dw);
	ck_assert_uint_eq(d.u.iotlb.am, 9);
	ck_assert_uint_eq(d.u.iotlb.range.start, 0x40000000ULL);
	ck_assert_uint_eq(d.u.iotlb.range.last, 0x401fffffULL);

	/* DSI and global: the whole domain / everything */
	d = dec((3ULL << 16) | 0x22, 0);
	ck_assert_uint_eq(d.u.iotlb.g, VTD_QI_IOTLB_G_DOMAIN);
	ck_assert_uint_eq(d.u.iotlb.range.last, ~0ULL);
	ck_assert_str_eq(fmt(&d), "IOTLB_INV domain did=3");
	d = dec(0x12, 0);
	ck_assert_str_eq(fmt(&d), "IOTLB_INV global did=0");
	ck_assert_str_eq(vtd_qi_type_kernel_string(VTD_QI_IOTLB), "IOTLB Invalidation");
}
END_TEST

/* qi_flush_dev_iotlb: QI_DEV_IOTLB_SID | QDEP | type | PFSID (3:0 at
 * 15:12, 15:4 at 63:52); with a mask, addr |= (1 << (12 + mask - 1)) - 1
 * and S. */
START_TEST(device_tlb)
{
	struct vtd_qi_desc d = dec(0x0300030000000003ULL, 0x10000ULL);	/* 03:00.0, 1 page */

	ck_assert_uint_eq(d.type, VTD_QI_DIOTLB);
	ck_assert_uint_eq(d.u.dev_tlb.sid, 0x0300);
	ck_assert_uint_eq(d.u.dev_tlb.pfsid, 0x0300);
	ck_assert_uint_eq(d.u.dev_tlb.qdep, 0);	/* qdep >= 32 is written as 0 */
	ck_assert(!d.u.dev_tlb.s);
	ck_assert_uint_eq(d.u.dev_tlb.range.start, 0x10000ULL);
	ck_assert_uint_eq(d.u.dev_tlb.range.last, 0x10fffULL);

	/* mask 4 (16 pages) at 0x10000: 0x10000 | 0x7fff -> qw1 0x17000 | S */
	d = dec(0x0310030000002003ULL | (16ULL << 16), 0x17001ULL);
	ck_assert_uint_eq(d.u.dev_tlb.pfsid, 0x0312);
	ck_assert_uint_eq(d.u.dev_tlb.qdep, 16);
	ck_assert(d.u.dev_tlb.s);
	ck_assert_uint_eq(d.u.dev_tlb.addr, 0x17000ULL);
	ck_assert_uint_eq(d.u.dev_tlb.range.start, 0x10000ULL);
	ck_assert_uint_eq(d.u.dev_tlb.range.last, 0x1ffffULL);
	ck_assert_str_eq(fmt(&d), "DEV_TLB_INV sid=03:00.0 pfsid=03:02.2 qdep=16 addr=0x17000 "
				  "[0x10000-0x1ffff] S");
}
END_TEST

/* qi_flush_iec: QI_IEC_IIDEX(index) | QI_IEC_TYPE | QI_IEC_IM(mask) |
 * QI_IEC_SELECTIVE; qi_global_iec: QI_IEC_TYPE alone. */
START_TEST(iec)
{
	struct vtd_qi_desc d = dec(0x0000001010000014ULL, 0);

	ck_assert_uint_eq(d.type, VTD_QI_IEC);
	ck_assert(d.u.iec.g);
	ck_assert_uint_eq(d.u.iec.iidx, 0x10);
	ck_assert_uint_eq(d.u.iec.im, 2);
	ck_assert_str_eq(fmt(&d), "IEC_INV index iidx=0x10 im=2");
	d = dec(0x4, 0);
	ck_assert(!d.u.iec.g);
	ck_assert_str_eq(fmt(&d), "IEC_INV global");
	d = dec((0x1fULL << 27) | (0xffffULL << 32) | 0x14, 0);
	ck_assert_uint_eq(d.u.iec.im, 0x1f);
	ck_assert_uint_eq(d.u.iec.iidx, 0xffff);
	ck_assert_str_eq(vtd_qi_type_kernel_string(VTD_QI_IEC),
			 "Interrupt Entry Cache Invalidation");
}
END_TEST

/* qi_submit_sync's wait: QI_IWD_STATUS_DATA(QI_DONE) | QI_IWD_STATUS_WRITE |
 * QI_IWD_TYPE (| QI_IWD_PRQ_DRAIN), qw1 = &desc_status[w]; the PRQ drain's
 * fenced wait: STATUS_DATA(QI_DONE) | QI_IWD_FENCE | type. */
START_TEST(wait)
{
	struct vtd_qi_desc d = dec(0x0000000200000025ULL, 0x1b3c0044ULL);

	ck_assert_uint_eq(d.type, VTD_QI_IWD);
	ck_assert(d.u.wait.sw && !d.u.wait.fn && !d.u.wait.pd && !d.u.wait.intr);
	ck_assert_uint_eq(d.u.wait.status_data, VTD_QI_DONE);
	ck_assert_uint_eq(d.u.wait.status_addr, 0x1b3c0044ULL);
	ck_assert_str_eq(fmt(&d), "INV_WAIT SW data=0x2 addr=0x1b3c0044");

	d = dec(0x00000002000000a5ULL, 0x1b3c0044ULL);		/* with PRQ drain */
	ck_assert(d.u.wait.pd);
	ck_assert_str_eq(fmt(&d), "INV_WAIT SW data=0x2 addr=0x1b3c0044 PD");
	d = dec(0x0000000200000045ULL, 0);			/* fence, no SW */
	ck_assert(d.u.wait.fn && !d.u.wait.sw);
	ck_assert_str_eq(fmt(&d), "INV_WAIT FN");
	d = dec(0xffffffff00000015ULL, 0x1b3c0047ULL);	/* IF; address bits 1:0 ignored */
	ck_assert(d.u.wait.intr);
	ck_assert_uint_eq(d.u.wait.status_data, 0xffffffffU);
	ck_assert_uint_eq(d.u.wait.status_addr, 0x1b3c0044ULL);
	ck_assert_str_eq(vtd_qi_type_kernel_string(VTD_QI_IWD), "Invalidation Wait");
}
END_TEST

/* qi_flush_piotlb: PASID | DID | GRAN(QI_GRAN_NONG_PASID or _PSI_PASID) |
 * type; PSI qw1 = ADDR | IH | AM(ilog2(npages)). */
START_TEST(pasid_iotlb)
{
	struct vtd_qi_desc d = dec(0x0000000500020026ULL, 0);	/* npages == -1 */

	ck_assert_uint_eq(d.type, VTD_QI_EIOTLB);
	ck_assert_uint_eq(d.u.iotlb.g, VTD_QI_EIOTLB_G_PASID);
	ck_assert_uint_eq(d.u.iotlb.did, 2);
	ck_assert_uint_eq(d.u.iotlb.pasid, 5);
	ck_assert_uint_eq(d.u.iotlb.range.last, ~0ULL);
	ck_assert_str_eq(fmt(&d), "PASID_IOTLB_INV pasid did=2 pasid=0x5");

	d = dec(0x000fffff00020036ULL, 0x200000ULL | (1ULL << 6) | 3);	/* 8 pages */
	ck_assert_uint_eq(d.u.iotlb.g, VTD_QI_EIOTLB_G_PAGE);
	ck_assert_uint_eq(d.u.iotlb.pasid, 0xfffff);
	ck_assert(d.u.iotlb.ih);
	ck_assert_uint_eq(d.u.iotlb.range.start, 0x200000ULL);
	ck_assert_uint_eq(d.u.iotlb.range.last, 0x207fffULL);
	ck_assert_str_eq(fmt(&d), "PASID_IOTLB_INV pasid-page did=2 pasid=0xfffff addr=0x200000 "
				  "am=3 [0x200000-0x207fff] IH");
	ck_assert_str_eq(vtd_qi_gran_name(VTD_QI_EIOTLB, 1), "reserved");
}
END_TEST

/* qi_flush_pasid_cache: QI_PC_PASID | QI_PC_DID | QI_PC_GRAN | type. */
START_TEST(pasid_cache)
{
	struct vtd_qi_desc d = dec(0x0000000500020017ULL, 0);

	ck_assert_uint_eq(d.type, VTD_QI_PC);
	ck_assert_uint_eq(d.u.pc.g, VTD_QI_PC_G_PASID);
	ck_assert_uint_eq(d.u.pc.did, 2);
	ck_assert_uint_eq(d.u.pc.pasid, 5);
	ck_assert_str_eq(fmt(&d), "PASID_CACHE_INV pasid did=2 pasid=0x5");
	d = dec(0x37, 0);
	ck_assert_str_eq(fmt(&d), "PASID_CACHE_INV global did=0");
	d = dec(0x0000000000020007ULL, 0);
	ck_assert_str_eq(fmt(&d), "PASID_CACHE_INV all-pasids did=2");
	ck_assert_str_eq(vtd_qi_gran_name(VTD_QI_PC, 2), "reserved");
}
END_TEST

/* qi_flush_dev_iotlb_pasid, size_order 2 at 0x200000: qw1 = 0x200000 |
 * GENMASK(13, 12), bit 13 cleared, | QI_DEV_EIOTLB_SIZE (bit 11). */
START_TEST(pasid_device_tlb)
{
	struct vtd_qi_desc d = dec(0x0300000503000088ULL, 0x201800ULL);

	ck_assert_uint_eq(d.type, VTD_QI_DEIOTLB);
	ck_assert_uint_eq(d.u.dev_tlb.pasid, 5);
	ck_assert_uint_eq(d.u.dev_tlb.sid, 0x0300);
	ck_assert_uint_eq(d.u.dev_tlb.pfsid, 0x0300);
	ck_assert_uint_eq(d.u.dev_tlb.qdep, 8);
	ck_assert(d.u.dev_tlb.s && !d.u.dev_tlb.g);
	ck_assert_uint_eq(d.u.dev_tlb.addr, 0x201000ULL);
	ck_assert_uint_eq(d.u.dev_tlb.range.start, 0x200000ULL);
	ck_assert_uint_eq(d.u.dev_tlb.range.last, 0x203fffULL);
	ck_assert_str_eq(fmt(&d), "PASID_DEV_TLB_INV sid=03:00.0 pfsid=03:00.0 qdep=8 pasid=0x5 "
				  "addr=0x201000 [0x200000-0x203fff] S");
	/* the "everything" address 0x7fffffff_fffff with S, and G (spec) */
	d = dec(0x8, 0x7ffffffffffff801ULL);
	ck_assert(d.u.dev_tlb.g);
	ck_assert_uint_eq(d.u.dev_tlb.range.start, 0);
	ck_assert_uint_eq(d.u.dev_tlb.range.last, ~0ULL);
	/* bit 11 is not S for type 3 (S is bit 0 there) */
	d = dec(0x3, 0x201800ULL);
	ck_assert(!d.u.dev_tlb.s);
	ck_assert_uint_eq(d.u.dev_tlb.range.last, 0x201fffULL);
}
END_TEST

/* 6.1 page response: QI_PGRP_PASID | QI_PGRP_DID(rid) | PASID_P | PDP |
 * RESP_CODE | type; qw1 = QI_PGRP_IDX | QI_PGRP_LPIG; private data in
 * qw2/qw3.  7.3 drops LPIG. */
START_TEST(page_group_response)
{
	const uint64_t qw[4] = { 0x0000000503001039ULL, 0xffcULL, 0x1111, 0x2222 };
	struct vtd_qi_desc d;

	vtd_qi_desc_decode(qw, &d);
	ck_assert_uint_eq(d.type, VTD_QI_PGRP_RESP);
	ck_assert(d.u.pgrp.pasid_present && d.u.pgrp.pdp && d.u.pgrp.lpig);
	ck_assert_uint_eq(d.u.pgrp.code, 1);
	ck_assert_uint_eq(d.u.pgrp.rid, 0x0300);
	ck_assert_uint_eq(d.u.pgrp.pasid, 5);
	ck_assert_uint_eq(d.u.pgrp.prg_index, 0x1ff);
	ck_assert_uint_eq(d.qw[2], 0x1111);
	ck_assert_uint_eq(d.qw[3], 0x2222);
	ck_assert_str_eq(fmt(&d), "PAGE_GROUP_RESP rid=03:00.0 pasid=0x5 code=1 prg=511 LPIG PDP");
	d = dec((0x0018ULL << 16) | (0xfULL << 12) | 9, 5 << 3);
	ck_assert(!d.u.pgrp.pasid_present && !d.u.pgrp.lpig && !d.u.pgrp.pdp);
	ck_assert_uint_eq(d.u.pgrp.code, 0xf);
	ck_assert_str_eq(fmt(&d), "PAGE_GROUP_RESP rid=00:03.0 code=15 prg=5");
	ck_assert_str_eq(vtd_qi_type_kernel_string(VTD_QI_PGRP_RESP), "Page Group Response");
}
END_TEST

START_TEST(unknown_types_and_names)
{
	struct vtd_qi_desc d = dec(0xa, 0x1234);

	ck_assert(d.known);
	ck_assert_str_eq(vtd_qi_type_name(0xa), "PAGE_STREAM_RESP");
	ck_assert_str_eq(vtd_qi_type_kernel_string(0xa), "UNKNOWN");	/* qi_type_string */
	ck_assert_str_eq(fmt(&d), "PAGE_STREAM_RESP type=0xa qw0=0xa qw1=0x1234");
	d = dec(0xffff0000000000fbULL, 1);
	ck_assert(!d.known);
	ck_assert_uint_eq(d.type, 0xb);
	ck_assert_str_eq(vtd_qi_type_name(d.type), "UNKNOWN");
	ck_assert_str_eq(fmt(&d), "UNKNOWN type=0xb qw0=0xffff0000000000fb qw1=0x1");
	d = dec(0, 0);
	ck_assert(!d.known);
	ck_assert_str_eq(vtd_qi_type_name(16), "UNKNOWN");
	ck_assert_str_eq(vtd_qi_type_kernel_string(VTD_QI_CC), "Context-cache Invalidation");
	ck_assert_str_eq(vtd_qi_type_kernel_string(VTD_QI_DIOTLB), "Device-TLB Invalidation");
	ck_assert_str_eq(vtd_qi_type_kernel_string(VTD_QI_EIOTLB),
			 "PASID-based IOTLB Invalidation");
	ck_assert_str_eq(vtd_qi_type_kernel_string(VTD_QI_PC), "PASID-cache Invalidation");
	ck_assert_str_eq(vtd_qi_type_kernel_string(VTD_QI_DEIOTLB),
			 "PASID-based Device-TLB Invalidation");
	ck_assert_str_eq(vtd_qi_status_name(VTD_QI_FREE), "free");
	ck_assert_str_eq(vtd_qi_status_name(VTD_QI_IN_USE), "in-use");
	ck_assert_str_eq(vtd_qi_status_name(VTD_QI_DONE), "done");
	ck_assert_str_eq(vtd_qi_status_name(VTD_QI_ABORT), "abort");
	ck_assert_str_eq(vtd_qi_status_name(4), "invalid");
	ck_assert_str_eq(vtd_qi_status_name(-1), "invalid");
	ck_assert_int_eq(vtd_qi_desc_decode(NULL, &d), VTD_ERR_ARG);
}
END_TEST

static void put_le64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* 16- and 32-byte slots; qw2/qw3 of a 16-byte slot read as 0. */
START_TEST(ring_load)
{
	static uint8_t ring[256 * 32];
	uint64_t qw[4];

	memset(ring, 0, sizeof(ring));
	put_le64(ring + 255 * 16, 0x0000000200000025ULL);
	put_le64(ring + 255 * 16 + 8, 0x1b3c03fcULL);
	ck_assert_int_eq(vtd_qi_desc_load(ring, 256 * 16, 16, 255, qw), VTD_OK);
	ck_assert_uint_eq(qw[0], 0x0000000200000025ULL);
	ck_assert_uint_eq(qw[1], 0x1b3c03fcULL);
	ck_assert_uint_eq(qw[2], 0);
	ck_assert_uint_eq(qw[3], 0);

	put_le64(ring + 7 * 32, 0x11);
	put_le64(ring + 7 * 32 + 8, 0x22);
	put_le64(ring + 7 * 32 + 16, 0x33);
	put_le64(ring + 7 * 32 + 24, 0x44);
	ck_assert_int_eq(vtd_qi_desc_load(ring, sizeof(ring), 32, 7, qw), VTD_OK);
	ck_assert_uint_eq(qw[0], 0x11);
	ck_assert_uint_eq(qw[3], 0x44);

	ck_assert_int_eq(vtd_qi_desc_load(ring, sizeof(ring), 32, 256, qw), VTD_ERR_RANGE);
	ck_assert_int_eq(vtd_qi_desc_load(ring, 256 * 16, 32, 0, qw), VTD_ERR_SIZE);
	ck_assert_int_eq(vtd_qi_desc_load(ring, sizeof(ring), 24, 0, qw), VTD_ERR_SIZE);
	ck_assert_int_eq(vtd_qi_desc_load(NULL, sizeof(ring), 16, 0, qw), VTD_ERR_ARG);
}
END_TEST

START_TEST(ranges)
{
	struct vtd_range r;

	r = vtd_qi_am_range(0x12345000ULL, 0);
	ck_assert_uint_eq(r.start, 0x12345000ULL);
	ck_assert_uint_eq(r.last, 0x12345fffULL);
	r = vtd_qi_am_range(0x12345000ULL, 4);		/* 64 KiB, aligned down */
	ck_assert_uint_eq(r.start, 0x12340000ULL);
	ck_assert_uint_eq(r.last, 0x1234ffffULL);
	r = vtd_qi_am_range(0x12345000ULL, 52);
	ck_assert_uint_eq(r.start, 0);
	ck_assert_uint_eq(r.last, ~0ULL);
	r = vtd_qi_am_range(0, 63);
	ck_assert_uint_eq(r.last, ~0ULL);

	r = vtd_qi_s_range(0x5000, false);
	ck_assert_uint_eq(r.start, 0x5000);
	ck_assert_uint_eq(r.last, 0x5fff);
	r = vtd_qi_s_range(0x4000, true);		/* bit 12 zero: 8 KiB */
	ck_assert_uint_eq(r.start, 0x4000);
	ck_assert_uint_eq(r.last, 0x5fff);
	r = vtd_qi_s_range(0x3fffffffffff000ULL, true);	/* zero at bit 58: 2^59 bytes */
	ck_assert_uint_eq(r.start, 0);
	ck_assert_uint_eq(r.last, (1ULL << 59) - 1);
	r = vtd_qi_s_range(~0ULL, true);
	ck_assert_uint_eq(r.start, 0);
	ck_assert_uint_eq(r.last, ~0ULL);
}
END_TEST

extern Suite *vtd_qi_suite(void);
Suite *vtd_qi_suite(void)
{
	Suite *s = suite_create("vtd_qi");
	TCase *tc = tcase_create("qi");

	tcase_add_test(tc, context_cache);
	tcase_add_test(tc, iotlb);
	tcase_add_test(tc, device_tlb);
	tcase_add_test(tc, iec);
	tcase_add_test(tc, wait);
	tcase_add_test(tc, pasid_iotlb);
	tcase_add_test(tc, pasid_cache);
	tcase_add_test(tc, pasid_device_tlb);
	tcase_add_test(tc, page_group_response);
	tcase_add_test(tc, unknown_types_and_names);
	tcase_add_test(tc, ring_load);
	tcase_add_test(tc, ranges);
	suite_add_tcase(s, tc);
	return s;
}
