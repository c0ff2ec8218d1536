/*
 * klog: Intel VT-d lines (src/klog/dmar_line.c, dmar_msgs.c) and their
 * joining (src/klog/assemble.c).  Lines are built from the kernel's own
 * format strings: drivers/iommu/intel/dmar.c, iommu.c, irq_remapping.c of
 * 5.10, 6.1, 6.12 and 7.3 (dmar_fault_do_one, qi_dump_fault, init_dmars,
 * intel_setup_irq_remapping), and the older forms of docs/log-formats.md
 * section 7 (<= 4.6 two lines, 4.7 one line, 5.x PASID, 5.14 "0x" device).
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klog/klog_line.h"

static struct klog_line L;

/* One message (after the prefix) through the recogniser the parser uses. */
static enum klog_line_kind parse(const char *msg)
{
	klog_line_parse(msg, strlen(msg), &L);
	return L.kind;
}

#define HAS(bit) ((L.rec.has & KLOG_HAS_##bit) != 0)
#define NOTE(bit) ((L.rec.notes & KLOG_NOTE_##bit) != 0)

static void assert_bdf(unsigned bus, unsigned dev, unsigned fn)
{
	ck_assert(HAS(BDF));
	ck_assert_uint_eq(L.rec.bus, bus);
	ck_assert_uint_eq(L.rec.dev, dev);
	ck_assert_uint_eq(L.rec.fn, fn);
	ck_assert_uint_eq(klog_record_devid(&L.rec), bus << 8 | dev << 3 | fn);
}

static void assert_reason(unsigned code, const char *printed, const char *text)
{
	ck_assert(HAS(REASON));
	ck_assert_uint_eq(L.rec.reason, code);
	ck_assert_str_eq(L.rec.reason_printed, printed);
	ck_assert_str_eq(L.rec.reason_text, text);
}

/* ------------------------------------------------------------ type numbers */

START_TEST(test_type_numbers_and_names)
{
	/* the AMD-Vi values keep their numbers; VT-d's come after */
	ck_assert_int_eq(KLOG_IO_PAGE_FAULT, 2);
	ck_assert_int_eq(KLOG_RATELIMIT_SUPPRESSED, 17);
	ck_assert_int_eq(KLOG_COMMAND_BUFFER_DUMP, 28);
	ck_assert_int_eq(KLOG_UNRECOGNISED, 29);
	ck_assert_int_eq(KLOG_DMAR_FAULT, 30);
	ck_assert_str_eq(klog_type_name(KLOG_DMAR_FAULT), "DMAR_FAULT");
	ck_assert_str_eq(klog_type_name(KLOG_DMAR_IR_FAULT), "DMAR_IR_FAULT");
	ck_assert_str_eq(klog_type_name(KLOG_DMAR_PTE_DUMP), "DMAR_PTE_DUMP");
	for (int t = KLOG_DMAR_FAULT; t < KLOG_NTYPES; t++) {
		const char *n = klog_type_name((enum klog_type)t);
		ck_assert(!strncmp(n, "DMAR_", 5));
		ck_assert_int_eq(klog_type_from_name(n, strlen(n)), t);
		ck_assert_int_eq(klog_type_vendor((enum klog_type)t), KLOG_VENDOR_INTEL);
		ck_assert(!klog_type_is_event((enum klog_type)t));
		ck_assert(!klog_type_is_fault((enum klog_type)t));
	}
	ck_assert(klog_type_is_dmar_fault(KLOG_DMAR_FAULT) && klog_type_is_dmar_fault(KLOG_DMAR_IR_FAULT));
	ck_assert(!klog_type_is_dmar_fault(KLOG_IO_PAGE_FAULT) && !klog_type_is_dmar_fault(KLOG_DMAR_FAULT_STATUS));
	ck_assert_int_eq(klog_type_vendor(KLOG_IO_PAGE_FAULT), KLOG_VENDOR_AMD);
	ck_assert_int_eq(klog_type_vendor(KLOG_RATELIMIT_SUPPRESSED), KLOG_VENDOR_NONE);
	ck_assert_str_eq(klog_vendor_name(KLOG_VENDOR_AMD), "amd");
	ck_assert_str_eq(klog_vendor_name(KLOG_VENDOR_INTEL), "intel");
	ck_assert_str_eq(klog_dmar_form_name(KLOG_DMAR_FORM_PASID_DECIMAL), "pasid-decimal");
	ck_assert_ptr_null(klog_dmar_form_name(KLOG_DMAR_FORM_NONE));
}
END_TEST

START_TEST(test_reason_table)
{
	bool ir;
	ck_assert_str_eq(klog_dmar_reason_text(0x05, &ir), "PTE Write access is not set");
	ck_assert(!ir);
	ck_assert_str_eq(klog_dmar_reason_text(0x0d, NULL), "PCE for translation request specifies blocking");
	ck_assert_str_eq(klog_dmar_reason_text(0x0e, NULL), "Unknown");
	ck_assert_str_eq(klog_dmar_reason_text(0x21, &ir), "Interrupt index exceeded the interrupt-remapping table size");
	ck_assert(ir);
	ck_assert_str_eq(klog_dmar_reason_text(0x26, &ir), "Blocked an interrupt request due to source-id verification failure");
	ck_assert(ir);
	ck_assert_str_eq(klog_dmar_reason_text(0x27, &ir), "Unknown");
	ck_assert(!ir);
	ck_assert_str_eq(klog_dmar_reason_text(0x30, NULL), "SM: Invalid Root Table Address");
	ck_assert_str_eq(klog_dmar_reason_text(0x33, NULL), "Unknown");
	ck_assert_str_eq(klog_dmar_reason_text(0x41, NULL), "SM: Present bit in Context Entry is clear");
	ck_assert_str_eq(klog_dmar_reason_text(0x7c, NULL),
			 "SM: A/D bit update needed in second-level entry when set up in no snoop");
	ck_assert_str_eq(klog_dmar_reason_text(0x87, NULL), "SM: Invalid address-interrupt address");
	ck_assert_str_eq(klog_dmar_reason_text(0x8f, NULL), "Unknown");
	ck_assert_str_eq(klog_dmar_reason_text(0x90, NULL),
			 "SM: A/D bit update needed in first-level entry when set up in no snoop");
	ck_assert_str_eq(klog_dmar_reason_text(0x91, NULL), "Unknown");
	ck_assert_str_eq(klog_dmar_reason_text(0xff, NULL), "Unknown");
}
END_TEST

/* ------------------------------------------------------------ faults by era */

/* <= 4.6: printk("DMAR:[%s] Request device [%02x:%02x.%d] fault addr %llx \n"
 *                "DMAR:[fault reason %02d] %s\n") -- one printk, two lines */
START_TEST(test_split_two_lines)
{
	ck_assert_int_eq(parse("DMAR:[DMA Read] Request device [02:00.0] fault addr a0c58000 "), KLOG_LINE_DMAR_HEAD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_FAULT);
	ck_assert_int_eq(L.rec.vendor, KLOG_VENDOR_INTEL);
	ck_assert_int_eq(L.rec.access, KLOG_ACCESS_READ);
	assert_bdf(2, 0, 0);
	ck_assert(!HAS(SEGMENT));
	ck_assert_uint_eq(L.rec.address, 0xa0c58000ull);
	ck_assert(!HAS(REASON) && !HAS(PASID) && !NOTE(NO_PASID));
	ck_assert_int_eq(L.rec.form, KLOG_DMAR_FORM_SPLIT);

	ck_assert_int_eq(parse("DMAR:[fault reason 02] Present bit in context entry is clear"), KLOG_LINE_DMAR_TAIL);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_FAULT);
	assert_reason(2, "02", "Present bit in context entry is clear");
	ck_assert(!NOTE(REASON_MISMATCH));

	/* 3.x: pr_fmt "dmar: " in front of the literal; 4.x: "DMAR: DMAR:" */
	ck_assert_int_eq(parse("dmar: DMAR:[DMA Write] Request device [00:1d.7] fault addr 7fe00000 "), KLOG_LINE_DMAR_HEAD);
	ck_assert_int_eq(L.rec.access, KLOG_ACCESS_WRITE);
	assert_bdf(0, 0x1d, 7);
	ck_assert_int_eq(parse("DMAR: DMAR:[DMA Read] Request device [04:00.0] fault addr ca6d5000 "), KLOG_LINE_DMAR_HEAD);
	ck_assert_uint_eq(L.rec.address, 0xca6d5000ull);
	/* as seen pasted: "DMA read", no space before "fault addr" */
	ck_assert_int_eq(parse("DMAR: DMAR:[DMA read] Request device [5e:00.0]fault addr fffff000"), KLOG_LINE_DMAR_HEAD);
	assert_bdf(0x5e, 0, 0);
	ck_assert_int_eq(L.rec.access, KLOG_ACCESS_READ);

	/* both halves on one line: a console that dropped the '\n', or /dev/kmsg's "\x0a" */
	ck_assert_int_eq(parse("dmar: DMAR:[DMA Read] Request device [01:00.0] fault addr 37ae5000 DMAR:[fault reason 02] "
			       "Present bit in context entry is clear"),
			 KLOG_LINE_RECORD);
	assert_bdf(1, 0, 0);
	assert_reason(2, "02", "Present bit in context entry is clear");
	ck_assert_int_eq(L.rec.form, KLOG_DMAR_FORM_SPLIT);
	ck_assert_int_eq(parse("DMAR:[DMA Write] Request device [01:00.0] fault addr 1000 \\x0aDMAR:[fault reason 05] "
			       "PTE Write access is not set"),
			 KLOG_LINE_RECORD);
	assert_reason(5, "05", "PTE Write access is not set");

	/* interrupt remapping: "INTR-REMAP: Request device [[..] fault index %llx\n"
	 * "INTR-REMAP:[fault reason %02d] %s" -- "[[" as the kernel printed it */
	ck_assert_int_eq(parse("INTR-REMAP: Request device [[f0:1f.0] fault index 1a"), KLOG_LINE_DMAR_HEAD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_IR_FAULT);
	assert_bdf(0xf0, 0x1f, 0);
	ck_assert(HAS(FAULT_INDEX));
	ck_assert_uint_eq(L.rec.fault_index, 0x1a);
	ck_assert(!HAS(ADDRESS) && !HAS(ACCESS));
	ck_assert_int_eq(parse("INTR-REMAP:[fault reason 34] Present field in the IRTE entry is clear"), KLOG_LINE_DMAR_TAIL);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_IR_FAULT);
	assert_reason(0x22, "34", "Present field in the IRTE entry is clear");
	ck_assert(!NOTE(REASON_MISMATCH));
}
END_TEST

/* 4.7 .. ~4.20: pr_err("[%s] Request device [%02x:%02x.%d] fault addr %llx [fault reason %02d] %s\n") */
START_TEST(test_decimal_one_line)
{
	ck_assert_int_eq(parse("DMAR: [DMA Write] Request device [00:02.0] fault addr 7fe00000 [fault reason 05] PTE Write access is not set"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_FAULT);
	ck_assert_int_eq(L.rec.access, KLOG_ACCESS_WRITE);
	assert_bdf(0, 2, 0);
	ck_assert_uint_eq(L.rec.address, 0x7fe00000ull);
	assert_reason(5, "05", "PTE Write access is not set");
	ck_assert_int_eq(L.rec.form, KLOG_DMAR_FORM_DECIMAL);
	ck_assert(!HAS(PASID) && !NOTE(NO_PASID) && !HAS(IOMMU));

	/* the decimal trap: "12" is 0x0c, not 0x12 */
	ck_assert_int_eq(parse("DMAR: [DMA Read] Request device [00:02.0] fault addr 1000 [fault reason 12] non-zero reserved fields in PTE"),
			 KLOG_LINE_RECORD);
	assert_reason(0x0c, "12", "non-zero reserved fields in PTE");
	ck_assert(!NOTE(REASON_MISMATCH) && !NOTE(REASON_HEX_DIGITS));

	/* "fault reason 33" is 0x21, an interrupt-remapping reason */
	ck_assert_int_eq(parse("DMAR: [INTR-REMAP] Request device [00:1f.0] fault index 3 [fault reason 33] "
			       "Interrupt index exceeded the interrupt-remapping table size"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_IR_FAULT);
	assert_bdf(0, 0x1f, 0);
	ck_assert_uint_eq(L.rec.fault_index, 3);
	assert_reason(0x21, "33", "Interrupt index exceeded the interrupt-remapping table size");
	ck_assert_int_eq(L.rec.form, KLOG_DMAR_FORM_DECIMAL);
	ck_assert(!NOTE(REASON_MISMATCH));
}
END_TEST

/* ~5.0 .. 5.13 (5.10): "[%s] Request device [..] PASID %x fault addr %llx [fault reason %02d] %s" */
START_TEST(test_pasid_decimal)
{
	ck_assert_int_eq(parse("DMAR: [DMA Read] Request device [00:1e.0] PASID ffffffff fault addr df63e000 [fault reason 06] PTE Read access is not set"),
			 KLOG_LINE_RECORD);
	assert_bdf(0, 0x1e, 0);
	ck_assert(!HAS(PASID));
	ck_assert(NOTE(NO_PASID));
	ck_assert_uint_eq(L.rec.address, 0xdf63e000ull);
	assert_reason(6, "06", "PTE Read access is not set");
	ck_assert_int_eq(L.rec.form, KLOG_DMAR_FORM_PASID_DECIMAL);

	ck_assert_int_eq(parse("DMAR: [DMA Write] Request device [03:00.0] PASID 5 fault addr 7f0000 [fault reason 65] SM: Present bit in Context Entry is clear"),
			 KLOG_LINE_RECORD);
	ck_assert(HAS(PASID) && !NOTE(NO_PASID));
	ck_assert_uint_eq(L.rec.pasid, 5);
	assert_reason(0x41, "65", "SM: Present bit in Context Entry is clear");

	/* 5.10 interrupt remapping: "fault index %llx [fault reason %02d]" */
	ck_assert_int_eq(parse("DMAR: [INTR-REMAP] Request device [f0:1f.0] fault index 1a [fault reason 37] "
			       "Blocked a compatibility format interrupt request"),
			 KLOG_LINE_RECORD);
	assert_reason(0x25, "37", "Blocked a compatibility format interrupt request");
	ck_assert_uint_eq(L.rec.fault_index, 0x1a);
}
END_TEST

/* 5.14+ (6.1, 6.12): "[%s NO_PASID]" / "[%s PASID 0x%x]", "fault addr 0x%llx [fault reason 0x%02x]";
 * 5.14 itself printed the device as "[0x%02x:0x%02x.%d]"; 7.x adds the segment */
START_TEST(test_hex_forms)
{
	ck_assert_int_eq(parse("DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0xffffe000 [fault reason 0x06] PTE Read access is not set"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.access, KLOG_ACCESS_READ);
	assert_bdf(0, 3, 0);
	ck_assert(!HAS(SEGMENT) && !HAS(PASID) && NOTE(NO_PASID));
	ck_assert_uint_eq(L.rec.address, 0xffffe000ull);
	assert_reason(6, "0x06", "PTE Read access is not set");
	ck_assert_int_eq(L.rec.form, KLOG_DMAR_FORM_HEX);

	ck_assert_int_eq(parse("DMAR: [DMA Write PASID 0x2] Request device [3a:00.0] fault addr 0x7f1000 [fault reason 0x85] "
			       "SM: No write permission for Write/AtomicOp request"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.access, KLOG_ACCESS_WRITE);
	ck_assert(HAS(PASID) && !NOTE(NO_PASID));
	ck_assert_uint_eq(L.rec.pasid, 2);
	assert_reason(0x85, "0x85", "SM: No write permission for Write/AtomicOp request");

	/* "0x21" in hex is the same code as "33" in decimal */
	ck_assert_int_eq(parse("DMAR: [INTR-REMAP] Request device [00:1f.0] fault index 0x9 [fault reason 0x21] "
			       "Interrupt index exceeded the interrupt-remapping table size"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_IR_FAULT);
	ck_assert_uint_eq(L.rec.fault_index, 9);
	assert_reason(0x21, "0x21", "Interrupt index exceeded the interrupt-remapping table size");
	ck_assert_int_eq(L.rec.form, KLOG_DMAR_FORM_HEX);

	/* 5.14 */
	ck_assert_int_eq(parse("DMAR: [DMA Read NO_PASID] Request device [0x00:0x1f.3] fault addr 0xdf63e000 [fault reason 0x06] PTE Read access is not set"),
			 KLOG_LINE_RECORD);
	assert_bdf(0, 0x1f, 3);
	ck_assert_int_eq(L.rec.form, KLOG_DMAR_FORM_HEX);
	ck_assert_int_eq(parse("DMAR: [INTR-REMAP] Request device [0x00:0x00.5] fault index 0x0 [fault reason 0x26] "
			       "Blocked an interrupt request due to source-id verification failure"),
			 KLOG_LINE_RECORD);
	assert_bdf(0, 0, 5);

	/* 7.x: [%04x:%02x:%02x.%d] */
	ck_assert_int_eq(parse("DMAR: [DMA Write NO_PASID] Request device [0001:3a:00.1] fault addr 0xfee00000 [fault reason 0x05] PTE Write access is not set"),
			 KLOG_LINE_RECORD);
	ck_assert(HAS(SEGMENT));
	ck_assert_uint_eq(L.rec.segment, 1);
	assert_bdf(0x3a, 0, 1);
	ck_assert_int_eq(L.rec.form, KLOG_DMAR_FORM_HEX_SEGMENT);
	ck_assert_int_eq(parse("DMAR: [INTR-REMAP] Request device [0000:00:1f.0] fault index 0x1 [fault reason 0x22] "
			       "Present field in the IRTE entry is clear"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.form, KLOG_DMAR_FORM_HEX_SEGMENT);
	ck_assert(HAS(SEGMENT));
}
END_TEST

/* The text against the kernel's table for the code. */
START_TEST(test_reason_cross_check)
{
	/* text of another code */
	ck_assert_int_eq(parse("DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x1000 [fault reason 0x06] PTE Write access is not set"),
			 KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.reason, 6);
	ck_assert(NOTE(REASON_MISMATCH));
	/* an interrupt-remapping reason on a DMA line: the kernel prints those as [INTR-REMAP] */
	ck_assert_int_eq(parse("DMAR: [DMA Read] Request device [00:02.0] fault addr 1000 [fault reason 33] "
			       "Interrupt index exceeded the interrupt-remapping table size"),
			 KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.reason, 0x21);
	ck_assert(NOTE(REASON_MISMATCH));
	/* "%02d" digits that only match read as hex: the code is the hex one, and said so */
	ck_assert_int_eq(parse("DMAR: [INTR-REMAP] Request device [00:1f.0] fault index 3 [fault reason 21] "
			       "Interrupt index exceeded the interrupt-remapping table size"),
			 KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.reason, 0x21);
	ck_assert_str_eq(L.rec.reason_printed, "21");
	ck_assert(NOTE(REASON_HEX_DIGITS) && !NOTE(REASON_MISMATCH));
	/* kernels before the scalable-mode table printed "Unknown" for 0x31 */
	ck_assert_int_eq(parse("DMAR: [DMA Read] Request device [00:02.0] fault addr 1000 [fault reason 49] Unknown"),
			 KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.reason, 0x31);
	ck_assert(!NOTE(REASON_MISMATCH));
	/* but 0x05 never printed "Unknown" */
	ck_assert_int_eq(parse("DMAR: [DMA Read] Request device [00:02.0] fault addr 1000 [fault reason 05] Unknown"),
			 KLOG_LINE_RECORD);
	ck_assert(NOTE(REASON_MISMATCH));
	/* an over-long text is kept in part, never overflows */
	char line[600];
	snprintf(line, sizeof(line), "DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x1000 [fault reason 0x06] %0400d", 7);
	ck_assert_int_eq(parse(line), KLOG_LINE_RECORD);
	ck_assert_uint_eq(strlen(L.rec.reason_text), sizeof(L.rec.reason_text) - 1);
	ck_assert(NOTE(REASON_MISMATCH));
}
END_TEST

/* ------------------------------------------------------------ status, QI */

START_TEST(test_status_and_qi)
{
	/* 2.6 printed it without a tag */
	ck_assert_int_eq(parse("DRHD: handling fault status reg 2"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_FAULT_STATUS);
	ck_assert_uint_eq(L.rec.value, 2);
	ck_assert_int_eq(parse("DMAR: DRHD: handling fault status reg 3"), KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.value, 3);
	ck_assert_int_eq(parse("dmar: DRHD: handling fault status reg 702"), KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.value, 0x702);

	/* qi_dump_fault (5.13+): no '\n' after these three */
	ck_assert_int_eq(parse("DMAR: VT-d detected Invalidation Queue Error: Reason 1"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_QI_QUEUE_ERROR);
	ck_assert(HAS(VALUE));
	ck_assert_uint_eq(L.rec.value, 1);
	ck_assert_uint_eq(L.rest_off, 0);
	ck_assert_int_eq(parse("DMAR: VT-d detected Invalidation Time-out Error: SID 300"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_QI_TIMEOUT);
	ck_assert(HAS(SID));
	ck_assert_uint_eq(L.rec.sid, 0x300);
	assert_bdf(3, 0, 0);
	/* SID 0: hardware that does not record it, no device */
	ck_assert_int_eq(parse("DMAR: VT-d detected Invalidation Completion Error: SID 0"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_QI_COMPLETION_ERROR);
	ck_assert(HAS(SID) && !HAS(BDF));

	/* the next message on the same line: glued to the number (its 'D' is a hex digit) */
	const char *m = "DMAR: VT-d detected Invalidation Queue Error: Reason 1DMAR: QI HEAD: IOTLB Invalidation qw0 = 0x200f2, qw1 = 0x0";
	ck_assert_int_eq(parse(m), KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.value, 1);
	ck_assert_str_eq(m + L.rest_off, "DMAR: QI HEAD: IOTLB Invalidation qw0 = 0x200f2, qw1 = 0x0");
	m = "DMAR: VT-d detected Invalidation Time-out Error: SID 100dmar: x";
	ck_assert_int_eq(parse(m), KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.sid, 0x100);
	ck_assert_str_eq(m + L.rest_off, "dmar: x");
	m = "DMAR: VT-d detected Invalidation Time-out Error: SID 1d[  5.1] DMAR: QI HEAD: UNKNOWN qw0 = 0x0, qw1 = 0x0";
	ck_assert_int_eq(parse(m), KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.sid, 0x1d);
	ck_assert_str_eq(m + L.rest_off, "[  5.1] DMAR: QI HEAD: UNKNOWN qw0 = 0x0, qw1 = 0x0");
	m = "DMAR: VT-d detected Invalidation Completion Error: SID a0 DMAR: QI PRIOR: Invalidation Wait qw0 = 0x1, qw1 = 0x2";
	ck_assert_int_eq(parse(m), KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.sid, 0xa0);
	ck_assert(!strncmp(m + L.rest_off, "DMAR: QI PRIOR", 14));

	ck_assert_int_eq(parse("DMAR: QI HEAD: Device-TLB Invalidation qw0 = 0x100000003, qw1 = 0x7ffffffffffff001"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_QI_DESCRIPTOR);
	ck_assert_str_eq(L.rec.detail, "HEAD");
	ck_assert_str_eq(L.rec.qi_desc, "Device-TLB Invalidation");
	ck_assert(HAS(QW));
	ck_assert_uint_eq(L.rec.qw[0], 0x100000003ull);
	ck_assert_uint_eq(L.rec.qw[1], 0x7ffffffffffff001ull);
	ck_assert_int_eq(parse("DMAR: QI PRIOR: Invalidation Wait qw0 = 0x200000025, qw1 = 0x1001ed000"), KLOG_LINE_RECORD);
	ck_assert_str_eq(L.rec.detail, "PRIOR");
	ck_assert_str_eq(L.rec.qi_desc, "Invalidation Wait");

	/* <= 4.x and 5.0 .. 5.12: the IQE's descriptor */
	ck_assert_int_eq(parse("DMAR: VT-d detected invalid descriptor: low=2000000000011, high=0"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_QI_QUEUE_ERROR);
	ck_assert(!HAS(VALUE) && HAS(QW));
	ck_assert_uint_eq(L.rec.qw[0], 0x2000000000011ull);
	ck_assert_str_eq(L.rec.detail, "invalid descriptor");
	ck_assert_int_eq(parse("DMAR: VT-d detected invalid descriptor: qw0 = 33, qw1 = 1000"), KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.qw[0], 0x33);
	ck_assert_uint_eq(L.rec.qw[1], 0x1000);

	ck_assert_int_eq(parse("DMAR: Invalidation Queue Error (IQE) cleared"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_QI_ERROR_CLEARED);
	ck_assert_str_eq(L.rec.detail, "IQE");
	ck_assert_int_eq(parse("DMAR: Invalidation Time-out Error (ITE) cleared"), KLOG_LINE_RECORD);
	ck_assert_str_eq(L.rec.detail, "ITE");
	ck_assert_int_eq(parse("DMAR: Invalidation Completion Error (ICE) cleared"), KLOG_LINE_RECORD);
	ck_assert_str_eq(L.rec.detail, "ICE");
}
END_TEST

/* ------------------------------------------------------------ markers */

START_TEST(test_kdump_markers)
{
	ck_assert_int_eq(parse("DMAR: Translation already enabled - trying to copy translation structures"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_KDUMP_PRE_ENABLED);
	ck_assert_int_eq(L.rec.vendor, KLOG_VENDOR_INTEL);
	ck_assert_int_eq(parse("DMAR: Copied translation tables from previous kernel for dmar0"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_KDUMP_TABLES_COPIED);
	ck_assert_str_eq(L.rec.iommu, "dmar0");
	ck_assert_int_eq(parse("DMAR: Failed to copy translation tables from previous kernel for dmar1"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_KDUMP_TABLES_COPY_FAILED);
	ck_assert_str_eq(L.rec.iommu, "dmar1");
	ck_assert_int_eq(parse("DMAR: dmar2: Failed to copy context table for bus 58"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_CONTEXT_COPY_FAILED);
	ck_assert_str_eq(L.rec.iommu, "dmar2");
	ck_assert_uint_eq(L.rec.value, 58);
	ck_assert_int_eq(parse("DMAR: Translation was enabled for dmar0 but we are not in kdump mode"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_ENABLED_NOT_KDUMP);
	ck_assert_str_eq(L.rec.iommu, "dmar0");
	/* the AMD driver's wording stays the AMD driver's */
	ck_assert_int_eq(parse("AMD-Vi: Translation was enabled for IOMMU:0 but we are not in kdump mode"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_TRANSLATION_ENABLED_NOT_KDUMP);
	ck_assert_int_eq(L.rec.vendor, KLOG_VENDOR_AMD);

	ck_assert_int_eq(parse("DMAR-IR: Copied IR table for dmar0 from previous kernel"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_KDUMP_IR_TABLE_COPIED);
	ck_assert_str_eq(L.rec.iommu, "dmar0");
	ck_assert_int_eq(parse("DMAR-IR: Failed to copy IR table for dmar3 from previous kernel"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_KDUMP_IR_COPY_FAILED);
	ck_assert_str_eq(L.rec.iommu, "dmar3");
	ck_assert_int_eq(parse("DMAR-IR: IRQ remapping was enabled on dmar0 but we are not in kdump mode"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_IR_ENABLED_NOT_KDUMP);

	ck_assert_int_eq(parse("DMAR: dmar0: Using Queued invalidation"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_INVALIDATION_MODE);
	ck_assert_str_eq(L.rec.detail, "queued");
	ck_assert_str_eq(L.rec.iommu, "dmar0");
	ck_assert_int_eq(parse("DMAR: dmar1: Using Register based invalidation"), KLOG_LINE_RECORD);
	ck_assert_str_eq(L.rec.detail, "register");
	/* before the pr_fmt conversion */
	ck_assert_int_eq(parse("IOMMU 1 0xfed91000: using Queued invalidation"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_INVALIDATION_MODE);
	ck_assert_str_eq(L.rec.iommu, "dmar1");
	ck_assert_uint_eq(L.rec.address, 0xfed91000ull);
}
END_TEST

START_TEST(test_init_lines)
{
	ck_assert_int_eq(parse("DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 1c0000c40660462 ecap 19e2ff0505e"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_UNIT);
	ck_assert_str_eq(L.rec.iommu, "dmar0");
	ck_assert(HAS(CAP) && HAS(ADDRESS));
	ck_assert_uint_eq(L.rec.address, 0xfed90000ull);
	ck_assert_uint_eq(L.rec.cap, 0x1c0000c40660462ull);
	ck_assert_uint_eq(L.rec.ecap, 0x19e2ff0505eull);
	ck_assert_uint_eq(L.rec.ver_major, 1);
	ck_assert_uint_eq(L.rec.ver_minor, 0);
	ck_assert_int_eq(parse("IOMMU 0: reg_base_addr fbffe000 ver 1:0 cap d2078c106f0466 ecap f020de"), KLOG_LINE_RECORD);
	ck_assert_str_eq(L.rec.iommu, "dmar0");
	ck_assert_uint_eq(L.rec.ecap, 0xf020deull);
	ck_assert_int_eq(parse("DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 1c0000c40660462"), KLOG_LINE_OTHER);
	ck_assert_int_eq(L.rec.type, KLOG_UNRECOGNISED);

	ck_assert_int_eq(parse("DMAR: IOMMU enabled"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_IOMMU_ENABLED);
	ck_assert_int_eq(parse("IOMMU enabled"), KLOG_LINE_NONE);	/* anybody's words */
	ck_assert_int_eq(parse("Intel-IOMMU: enabled"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_IOMMU_ENABLED);
	ck_assert_int_eq(parse("DMAR: Intel(R) Virtualization Technology for Directed I/O"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_VTD_INIT);
	ck_assert_int_eq(parse("DMAR-IR: Enabled IRQ remapping in x2apic mode"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_IR_ENABLED);
	ck_assert_str_eq(L.rec.detail, "x2apic");
	ck_assert_int_eq(parse("DMAR: IOMMU batching disallowed due to virtualization"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_BATCHING_DISALLOWED);
	ck_assert_int_eq(parse("DMAR: Disable batched IOTLB flush due to virtualization"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_BATCHING_DISALLOWED);
	ck_assert_int_eq(parse("DMAR: Dump dmar1 table entries for IOVA 0xfffff000"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DMAR_PTE_DUMP);
	ck_assert_str_eq(L.rec.iommu, "dmar1");
	ck_assert_uint_eq(L.rec.address, 0xfffff000ull);

	/* dmar_fault()'s ratelimit: named, so VT-d's */
	ck_assert_int_eq(parse("dmar_fault: 12 callbacks suppressed"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_RATELIMIT_SUPPRESSED);
	ck_assert_int_eq(L.rec.vendor, KLOG_VENDOR_INTEL);
	ck_assert_uint_eq(L.rec.suppressed, 12);
	ck_assert_str_eq(L.rec.function, "dmar_fault");
	klog_amdvi_parse("dmar_fault: 12 callbacks suppressed", 35, &L);
	ck_assert_int_eq(L.kind, KLOG_LINE_NONE);
	ck_assert(!L.ratelimit_maybe);
}
END_TEST

/* DMAR-tagged lines of no interest, of no message we know, and others' lines. */
START_TEST(test_known_unrecognised_and_others)
{
	static const char *const known[] = {
		"DMAR: Host address width 46",
		"DMAR: DRHD base: 0x000000fed90000 flags: 0x1",
		"DMAR: RMRR base: 0x0000007b800000 end: 0x0000007fffffff",
		"DMAR-IR: IOAPIC id 2 under DRHD base  0xfed91000 IOMMU 1",
		"DMAR-IR: HPET id 0 under DRHD base 0xfed91000",
		"DMAR-IR: Queued invalidation will be enabled to support x2apic and Intr-remapping.",
		"DMAR: No ATSR found",
		"DMAR: [Firmware Bug]: No firmware reserved region can cover this RMRR [0x000000007b800000-0x000000007fffffff], contact BIOS vendor for fixes",
		"pci 0000:00:02.0: DMAR: Skip IOMMU disabling for graphics",
		"DMAR: root entry: 0x0000000101234001",
		"DMAR: pte level: 2, pte value: 0x0000000103456003",
	};
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		ck_assert_msg(parse(known[k]) == KLOG_LINE_OTHER, "%s", known[k]);
		ck_assert_int_eq(L.rec.type, KLOG_NONE);
		ck_assert_int_eq(L.rec.vendor, KLOG_VENDOR_INTEL);
	}
	ck_assert_int_eq(parse("DMAR: Something we have never seen"), KLOG_LINE_OTHER);
	ck_assert_int_eq(L.rec.type, KLOG_UNRECOGNISED);
	ck_assert_int_eq(L.rec.vendor, KLOG_VENDOR_INTEL);
	ck_assert_uint_eq(L.match_off, 0);
	ck_assert_int_eq(parse("pci 0000:00:1f.0: DMAR: brand new wording"), KLOG_LINE_OTHER);
	ck_assert_int_eq(L.rec.type, KLOG_UNRECOGNISED);
	ck_assert_str_eq(L.rec.driver, "pci");
	assert_bdf(0, 0x1f, 0);

	static const char *const none[] = {
		"ACPI: DMAR 0x000000007A6A4000 0000A8 (v01 INTEL  EDK2     00000002      01000013)",
		"ACPI: Reserving DMAR table memory at [mem 0x7a6a4000-0x7a6a40a7]",
		" dmar_fault+0x1a4/0x3b0",
		"Command line: BOOT_IMAGE=/vmlinuz intel_iommu=on",
		"smpboot: CPU0: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz (family: 0x6, model: 0x4f, stepping: 0x1)",
		"nvme 0000:01:00.0: something about invalidation",
		"some_helper: 3 callbacks suppressed",
	};
	for (size_t k = 0; k < sizeof(none) / sizeof(none[0]); k++) {
		klog_line_parse(none[k], strlen(none[k]), &L);
		ck_assert_msg(L.kind == KLOG_LINE_NONE, "%s: %d", none[k], L.kind);
	}
}
END_TEST

/* ------------------------------------------------------------ garbage */

START_TEST(test_bad_lines)
{
	static const char *const bad_lines[] = {
		"DMAR: [DMA Read] Request device [00:02.0] fault addr 7fe00000",	/* 4.7+ cut before the reason */
		"DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x7fe00000 [fault reason 0x06",
		"DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x7fe000001234567890 [fault reason 0x06] x",
		"DMAR: [DMA Read NO_PASID] Request device [00:0g.0] fault addr 0x1000 [fault reason 0x06] x",
		"DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0xzz [fault reason 0x06] x",
		"DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x1000 [fault reason 0x106] x",
		"DMAR: [DMA Read] Request device [00:02.0] fault addr 1000 [fault reason 999] x",
		"DMAR: [DMA Read] Request device [00:02.0] PASID zz fault addr 1000 [fault reason 06] x",
		"DMAR: [DMA Read PASID 0x123456789] Request device [00:02.0] fault addr 0x1000 [fault reason 0x06] x",
		"DMAR: [DMA Read] Request device [100:02.0] fault addr 1000 [fault reason 06] x",
		"DMAR: [DMA Read] Request device [00:20.0] fault addr 1000 [fault reason 06] x",
		"DMAR: [DMA Read] Request device [00:02.8] fault addr 1000 [fault reason 06] x",
		"DMAR: [DMA Fetch] Request device [00:02.0] fault addr 1000 [fault reason 06] x",
		"DMAR: [DMA Read] Request device",
		"DMAR: [DMA Read",
		"DMAR: [INTR-REMAP] Request device [00:1f.0] fault index 12345 [fault reason 0x22] x",
		"DMAR: [INTR-REMAP] Request device [00:1f.0] fault index 0x9",
		"DMAR: [INTR-REMAP] Request device 00:1f.0 fault index 0x9 [fault reason 0x22] x",
		"INTR-REMAP:[fault reason xx] x",
		"DMAR:[fault reason 1000] x",
		"DMAR: Request device [00:02.0] fault addr 1000",
		"DMAR: DRHD: handling fault status reg zz",
		"DMAR: DRHD: handling fault status reg 123456789",
		"DMAR: VT-d detected Invalidation Queue Error: Reason ",
		"DMAR: VT-d detected Invalidation Queue Error: Reason 1garbage",
		"DMAR: VT-d detected Invalidation Time-out Error: SID 10000",
		"DMAR: VT-d detected something else",
		"DMAR: VT-d detected invalid descriptor: low=zz, high=0",
		"DMAR: QI HEAD: IOTLB Invalidation",
		"DMAR: QI HEAD: IOTLB Invalidation qw0 = 0x1, qw1 = ",
		"DMAR: QI PRIOR: IOTLB Invalidation qw0 = 0x12345678901234567, qw1 = 0x0",
		"DMAR: QI HEAD: A descriptor type name far too long to be one of the kernel's qw0 = 0x1, qw1 = 0x0",
	};
	for (size_t k = 0; k < sizeof(bad_lines) / sizeof(bad_lines[0]); k++) {
		ck_assert_msg(parse(bad_lines[k]) == KLOG_LINE_BAD, "%s: kind %d", bad_lines[k], L.kind);
		ck_assert_ptr_nonnull(L.reason);
		ck_assert_int_eq(L.rec.vendor, KLOG_VENDOR_INTEL);
	}
}
END_TEST

/* Every prefix of every sample line, and bytes flipped: never a crash, and
 * every field within its bounds (the ASan+UBSan build runs this too). */
START_TEST(test_truncated_and_mutated_never_crash)
{
	static const char *const samples[] = {
		"dmar: DMAR:[DMA Read] Request device [01:00.0] fault addr 37ae5000 DMAR:[fault reason 02] Present bit in context entry is clear",
		"INTR-REMAP: Request device [[f0:1f.0] fault index 1a",
		"DMAR: [DMA Read] Request device [00:1e.0] PASID ffffffff fault addr df63e000 [fault reason 06] PTE Read access is not set",
		"DMAR: [DMA Write PASID 0x2] Request device [0x3a:0x00.0] fault addr 0x7f1000 [fault reason 0x85] SM: No write permission",
		"DMAR: [INTR-REMAP] Request device [0000:00:1f.0] fault index 0x1 [fault reason 0x22] Present field in the IRTE entry is clear",
		"DMAR: VT-d detected Invalidation Queue Error: Reason 1DMAR: QI HEAD: IOTLB Invalidation qw0 = 0x200f2, qw1 = 0x0",
		"DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 1c0000c40660462 ecap 19e2ff0505e",
		"DMAR-IR: IRQ remapping was enabled on dmar0 but we are not in kdump mode",
		"IOMMU 1 0xfed91000: using Queued invalidation",
	};
	char buf[256];
	for (size_t k = 0; k < sizeof(samples) / sizeof(samples[0]); k++) {
		size_t n = strlen(samples[k]);
		for (size_t cut = 0; cut <= n; cut++) {
			/* not NUL-terminated: the parser must not read past len */
			char *heap = malloc(cut ? cut : 1);
			memcpy(heap, samples[k], cut);
			klog_line_parse(heap, cut, &L);
			ck_assert(L.rest_off <= cut);
			ck_assert(L.match_off <= cut);
			ck_assert(strlen(L.rec.reason_text) < sizeof(L.rec.reason_text));
			ck_assert(strlen(L.rec.qi_desc) < sizeof(L.rec.qi_desc));
			free(heap);
		}
		for (size_t at = 0; at < n && n < sizeof(buf); at++) {
			static const char flips[] = { '0', 'x', ']', '[', ' ', ':', 'f', '\0', '\\', 'D' };
			for (size_t f = 0; f < sizeof(flips); f++) {
				memcpy(buf, samples[k], n);
				buf[at] = flips[f];
				klog_line_parse(buf, n, &L);
				ck_assert(L.rest_off <= n);
				ck_assert(L.kind == KLOG_LINE_NONE || L.kind == KLOG_LINE_RECORD || L.kind == KLOG_LINE_BAD ||
					  L.kind == KLOG_LINE_OTHER || L.kind == KLOG_LINE_DMAR_HEAD ||
					  L.kind == KLOG_LINE_DMAR_TAIL || L.kind == KLOG_LINE_HEAD || L.kind == KLOG_LINE_TAIL);
			}
		}
	}
}
END_TEST

/* ============================================================ the streaming parser */

#define MAXREC 64

static struct klog_record recs[MAXREC];
static int nrec;
static uint64_t bad_line[MAXREC];
static const char *bad_reason[MAXREC];
static int nbad;
static int nunk;

static void on_rec(const struct klog_record *r, void *ctx)
{
	(void)ctx;
	if (nrec < MAXREC)
		recs[nrec] = *r;
	nrec++;
}

static void on_bad(const char *file, uint64_t line, const char *reason, const char *text, size_t len, void *ctx)
{
	(void)file, (void)text, (void)len, (void)ctx;
	if (nbad < MAXREC) {
		bad_line[nbad] = line;
		bad_reason[nbad] = reason;
	}
	nbad++;
}

static void on_unk(const struct klog_record *r, void *ctx)
{
	(void)r, (void)ctx;
	nunk++;
}

static struct klog_parser *run(const char *const *lines)
{
	static const struct klog_parser_ops ops = { on_rec, on_bad };
	struct klog_parser *p = klog_parser_new(&ops, NULL);
	ck_assert_ptr_nonnull(p);
	klog_parser_on_unrecognised(p, on_unk);
	nrec = nbad = nunk = 0;
	memset(recs, 0, sizeof(recs));
	klog_parser_set_file(p, "test.log");
	for (int i = 0; lines[i]; i++)
		klog_parser_feed_line(p, lines[i], strlen(lines[i]));
	klog_parser_flush(p);
	return p;
}

static void run_free(const char *const *lines)
{
	klog_parser_free(run(lines));
}

static char *json_of(const struct klog_record *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	klog_record_write_json(r, f);
	fclose(f);
	return buf;
}

/* The prefixes a VT-d line arrives with: dmesg, dmesg -T (kexec-dmesg.log),
 * vmcore-dmesg / console levels, printk caller, journal, syslog. */
static const char *const prefixes[][2] = {
	{ "[    5.100001] ", "[    5.100001] " },
	{ "<3>[    5.100001] ", "<3>[    5.100001] " },
	{ "[    5.100001][    T1] ", "[    5.100001][    T1] " },
	{ "[Tue Nov 24 02:50:01 2026] ", "[Tue Nov 24 02:50:01 2026] " },
	{ "Nov 24 02:50:01 host kernel: ", "Nov 24 02:50:01 host kernel: " },
	{ "Nov 24 02:50:01.123456 host kernel: ", "Nov 24 02:50:01.123457 host kernel: " },
	{ "2026-11-24T02:50:01+0000 host kernel: ", "2026-11-24T02:50:01+0000 host kernel: " },
	{ "<11>Nov 24 02:50:01 host kernel: [    5.100001] ", "<11>Nov 24 02:50:01 host kernel: [    5.100001] " },
	{ "[    5.100001] ", "" },		/* the second line without a prefix (makedumpfile) */
	{ "[    5.100001] ", "               " },	/* dmesg's indented continuation */
	{ "", "" },
};

START_TEST(test_split_join_every_prefix)
{
	for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
		char a[256], b[256], c[256], d[256];
		snprintf(a, sizeof(a), "%sdmar: DMAR:[DMA Write] Request device [00:02.0] fault addr 7fe00000 ", prefixes[k][0]);
		snprintf(b, sizeof(b), "%sDMAR:[fault reason 05] PTE Write access is not set", prefixes[k][1]);
		snprintf(c, sizeof(c), "%sINTR-REMAP: Request device [[00:1f.0] fault index 3", prefixes[k][0]);
		snprintf(d, sizeof(d), "%sINTR-REMAP:[fault reason 33] Interrupt index exceeded the interrupt-remapping table size",
			 prefixes[k][1]);
		const char *const lines[] = { "[    0.000000] Linux version 3.10.0", a, b, "usb 1-1: new device", c, d, NULL };
		run_free(lines);
		ck_assert_msg(nrec == 2 && nbad == 0, "prefix %zu: %d records, %d unparsed", k, nrec, nbad);
		ck_assert_int_eq(recs[0].type, KLOG_DMAR_FAULT);
		ck_assert_uint_eq(recs[0].line, 2);
		ck_assert_uint_eq(recs[0].reason_line, 3);
		ck_assert(recs[0].has & KLOG_HAS_REASON_LINE);
		ck_assert_uint_eq(recs[0].reason, 5);
		ck_assert_uint_eq(recs[0].address, 0x7fe00000ull);
		ck_assert_int_eq(recs[0].access, KLOG_ACCESS_WRITE);
		ck_assert(!(recs[0].notes & KLOG_NOTE_REASON_MISSING));
		ck_assert_int_eq(recs[1].type, KLOG_DMAR_IR_FAULT);
		ck_assert_uint_eq(recs[1].line, 5);
		ck_assert_uint_eq(recs[1].reason_line, 6);
		ck_assert_uint_eq(recs[1].reason, 0x21);
		ck_assert_uint_eq(recs[1].fault_index, 3);
		if (prefixes[k][0][0] == '[' && prefixes[k][0][1] == ' ') {
			ck_assert(recs[0].time.has_mono);
			ck_assert_str_eq(recs[0].time.mono_text, "5.100001");
		}
	}
}
END_TEST

START_TEST(test_one_line_every_prefix)
{
	for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
		char a[256], b[256];
		snprintf(a, sizeof(a), "%sDMAR: DRHD: handling fault status reg 2", prefixes[k][0]);
		snprintf(b, sizeof(b), "%sDMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0xffffe000 "
			 "[fault reason 0x06] PTE Read access is not set", prefixes[k][0]);
		const char *const lines[] = { a, b, NULL };
		run_free(lines);
		ck_assert_msg(nrec == 2 && nbad == 0, "prefix %zu", k);
		ck_assert_int_eq(recs[0].type, KLOG_DMAR_FAULT_STATUS);
		ck_assert_int_eq(recs[1].type, KLOG_DMAR_FAULT);
		ck_assert(recs[1].notes & KLOG_NOTE_NO_PASID);
		ck_assert_uint_eq(recs[1].line, 2);
	}
}
END_TEST

/* A half that never finds its partner. */
START_TEST(test_split_orphans)
{
	const char *const lines[] = {
		"[    5.0] DMAR:[DMA Read] Request device [02:00.0] fault addr a0c58000 ",	/* 1: its reason is lost */
		"[    5.0] DMAR:[DMA Write] Request device [03:00.0] fault addr b0000000 ",	/* 2 */
		"[    5.0] DMAR:[fault reason 05] PTE Write access is not set",		/* 3: the newest head's */
		"[    6.0] DMAR:[fault reason 06] PTE Read access is not set",		/* 4: nobody's */
		"[    7.0] INTR-REMAP:[fault reason 34] Present field in the IRTE entry is clear",	/* 5: nobody's */
		"[    8.0] DMAR:[DMA Read] Request device [04:00.0] fault addr c0000000 ",	/* 6 */
		"[    8.1] a", "[    8.2] b", "[    8.3] c", "[    8.4] d", "[    8.5] e", "[    8.6] f", "[    8.7] g",
		"[    8.8] h", "[    8.85] i",
		"[    8.9] DMAR:[fault reason 05] PTE Write access is not set",		/* 16: too far */
		"[    9.0] INTR-REMAP: Request device [[f0:1f.0] fault index 1a",		/* 17: until the end */
		NULL,
	};
	struct klog_parser *p = run(lines);
	ck_assert_int_eq(nrec, 4);
	ck_assert_uint_eq(recs[0].line, 1);
	ck_assert(recs[0].notes & KLOG_NOTE_REASON_MISSING);
	ck_assert(!(recs[0].has & KLOG_HAS_REASON));
	ck_assert_uint_eq(recs[0].address, 0xa0c58000ull);
	ck_assert_uint_eq(recs[1].line, 2);
	ck_assert_uint_eq(recs[1].reason_line, 3);
	ck_assert_uint_eq(recs[1].reason, 5);
	ck_assert_uint_eq(recs[2].line, 6);
	ck_assert(recs[2].notes & KLOG_NOTE_REASON_MISSING);
	ck_assert_int_eq(recs[3].type, KLOG_DMAR_IR_FAULT);
	ck_assert(recs[3].notes & KLOG_NOTE_REASON_MISSING);
	ck_assert_int_eq(nbad, 3);
	ck_assert_uint_eq(bad_line[0], 4);
	ck_assert_uint_eq(bad_line[1], 5);
	ck_assert(strstr(bad_reason[1], "INTR-REMAP"));
	ck_assert_uint_eq(bad_line[2], 16);
	const struct klog_parser_stats *st = klog_parser_get_stats(p);
	ck_assert_uint_eq(st->unparsed, 3);
	ck_assert_uint_eq(st->unparsed_dmar, 3);
	ck_assert_uint_eq(st->records_dmar, 4);
	klog_parser_free(p);
}
END_TEST

/* Messages glued to an IQE/ITE/ICE line, and the ties of QI HEAD/PRIOR and
 * the page-table dump. */
START_TEST(test_appended_and_ties)
{
	const char *const lines[] = {
		"[   60.1] DMAR: VT-d detected Invalidation Queue Error: Reason 1DMAR: VT-d detected Invalidation Time-out Error: SID 300DMAR: QI HEAD: IOTLB Invalidation qw0 = 0x200f2, qw1 = 0x0",
		"[   60.1] DMAR: QI PRIOR: Invalidation Wait qw0 = 0x200000025, qw1 = 0x1001ed000",
		"[   60.2] DMAR: Invalidation Queue Error (IQE) cleared",
		"[   61.0] DMAR: VT-d detected Invalidation Completion Error: SID 0[   61.5] DMAR: QI HEAD: UNKNOWN qw0 = 0x0, qw1 = 0x0",
		"[   70.0] DMAR: DRHD: handling fault status reg 2",
		"[   70.0] DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0xffffe000 [fault reason 0x06] PTE Read access is not set",
		"[   70.0] DMAR: Dump dmar0 table entries for IOVA 0xffffe000",
		"[   70.0] DMAR: root entry: 0x0000000101234001",
		"[   70.0] DMAR: context entry: hi 0x0000000000000102, low 0x0000000101235001",
		"[   70.0] DMAR: pte level: 2, pte value: 0x0000000103456003",
		"[   70.0] DMAR: page table not present at level 1",
		"[   80.0] DMAR: Dump dmar0 table entries for IOVA 0x1000",
		NULL,
	};
	struct klog_parser *p = run(lines);
	ck_assert_int_eq(nbad, 0);
	ck_assert_int_eq(nunk, 0);
	ck_assert_int_eq(nrec, 11);
	ck_assert_int_eq(recs[0].type, KLOG_DMAR_QI_QUEUE_ERROR);
	ck_assert(!(recs[0].notes & KLOG_NOTE_APPENDED));
	ck_assert_int_eq(recs[1].type, KLOG_DMAR_QI_TIMEOUT);
	ck_assert_uint_eq(recs[1].line, 1);
	ck_assert(recs[1].notes & KLOG_NOTE_APPENDED);
	ck_assert_uint_eq(recs[1].sid, 0x300);
	ck_assert_int_eq(recs[2].type, KLOG_DMAR_QI_DESCRIPTOR);
	ck_assert_uint_eq(recs[2].line, 1);
	ck_assert(recs[2].notes & KLOG_NOTE_APPENDED);
	ck_assert_uint_eq(recs[2].event_line, 1);
	ck_assert_str_eq(recs[2].time.mono_text, "60.1");
	ck_assert_int_eq(recs[3].type, KLOG_DMAR_QI_DESCRIPTOR);
	ck_assert_uint_eq(recs[3].event_line, 1);
	ck_assert_int_eq(recs[4].type, KLOG_DMAR_QI_ERROR_CLEARED);
	ck_assert_int_eq(recs[5].type, KLOG_DMAR_QI_COMPLETION_ERROR);
	ck_assert_int_eq(recs[6].type, KLOG_DMAR_QI_DESCRIPTOR);
	ck_assert_str_eq(recs[6].time.mono_text, "61.5");	/* its own prefix */
	ck_assert_uint_eq(recs[6].event_line, 4);
	ck_assert_int_eq(recs[7].type, KLOG_DMAR_FAULT_STATUS);
	ck_assert_int_eq(recs[8].type, KLOG_DMAR_FAULT);
	ck_assert_int_eq(recs[9].type, KLOG_DMAR_PTE_DUMP);
	ck_assert_uint_eq(recs[9].event_line, 6);
	ck_assert_str_eq(recs[9].iommu, "dmar0");
	ck_assert_int_eq(recs[10].type, KLOG_DMAR_PTE_DUMP);
	ck_assert(!(recs[10].has & KLOG_HAS_EVENT_LINE));
	const struct klog_parser_stats *st = klog_parser_get_stats(p);
	ck_assert_uint_eq(st->other_dmar, 4);
	ck_assert_uint_eq(st->records_dmar, 11);
	ck_assert_uint_eq(st->other_amdvi, 0);
	klog_parser_free(p);
}
END_TEST

/* A ratelimit summary of a function nobody knows is claimed by an AMD-Vi
 * line right after it, never by a VT-d one; dmar_fault's is VT-d's. */
START_TEST(test_ratelimit_and_mixed_vendors)
{
	const char *const lines[] = {
		"[    1.0] some_helper: 3 callbacks suppressed",
		"[    1.0] DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0xffffe000 [fault reason 0x06] PTE Read access is not set",
		"[    2.0] dmar_fault: 40 callbacks suppressed",
		"[    2.0] DMAR: DRHD: handling fault status reg 3",
		"[    3.0] AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x245a0c0 flags=0x0070]",
		"[    4.0] DMAR: Something new",
		NULL,
	};
	struct klog_parser *p = run(lines);
	ck_assert_int_eq(nrec, 4);
	ck_assert_int_eq(recs[0].type, KLOG_DMAR_FAULT);
	ck_assert_int_eq(recs[1].type, KLOG_RATELIMIT_SUPPRESSED);
	ck_assert_int_eq(recs[1].vendor, KLOG_VENDOR_INTEL);
	ck_assert_uint_eq(recs[1].suppressed, 40);
	ck_assert_int_eq(recs[2].vendor, KLOG_VENDOR_INTEL);
	ck_assert_int_eq(recs[3].type, KLOG_IO_PAGE_FAULT);
	ck_assert_int_eq(recs[3].vendor, KLOG_VENDOR_AMD);
	ck_assert_int_eq(nunk, 1);
	const struct klog_parser_stats *st = klog_parser_get_stats(p);
	ck_assert_uint_eq(st->unrecognised, 1);
	ck_assert_uint_eq(st->unrecognised_dmar, 1);
	ck_assert_uint_eq(st->records, 4);
	ck_assert_uint_eq(st->records_dmar, 3);

	/* the summary: DMAR faults by device, in the storms, the VT-d lines */
	struct klog_summary *s = klog_summary_new();
	for (int i = 0; i < nrec; i++)
		klog_summary_add(s, &recs[i]);
	klog_summary_add_stats(s, st);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	klog_summary_print(s, f);
	fclose(f);
	ck_assert_msg(strstr(buf, "AMD-Vi records:      1\n"), "%s", buf);
	ck_assert(strstr(buf, "Intel DMAR records:  3\n"));
	ck_assert(strstr(buf, "unrecognised DMAR lines: 1 (use -v to list them)"));
	ck_assert(strstr(buf, "unrecognised AMD-Vi lines: 0\n"));
	ck_assert(strstr(buf, "DMAR_FAULT                                1"));
	ck_assert(strstr(buf, "00:03.0        -                     1"));
	ck_assert(strstr(buf, "lines 2-5: 2 faults, first 1.0, last 3.0 (2.000 s), 40 suppressed"));
	ck_assert(strstr(buf, "dmar_fault                               40"));
	free(buf);
	klog_summary_free(s);
	klog_parser_free(p);
}
END_TEST

START_TEST(test_json)
{
	const char *const lines[] = {
		"[   70.000001] DMAR: [DMA Write PASID 0x2] Request device [3a:00.0] fault addr 0x7f1000 [fault reason 0x05] PTE Write access is not set",
		"[   70.000002] DMAR: [INTR-REMAP] Request device [00:1f.0] fault index 3 [fault reason 33] Interrupt index exceeded the interrupt-remapping table size",
		"[   70.000003] DMAR: [DMA Read] Request device [00:1e.0] PASID ffffffff fault addr df63e000 [fault reason 06] PTE Read access is not set",
		"[   70.000004] DMAR: DRHD: handling fault status reg 702",
		"[   70.000005] DMAR: QI HEAD: IOTLB Invalidation qw0 = 0x200f2, qw1 = 0x0",
		"[    0.500000] DMAR: dmar2: Failed to copy context table for bus 58",
		"[    0.400000] DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 1c0000c40660462 ecap 19e2ff0505e",
		"[    0.600000] DMAR: VT-d detected Invalidation Time-out Error: SID 300",
		"[    5.0] DMAR:[DMA Read] Request device [02:00.0] fault addr a0c58000 ",
		"[    5.0] DMAR:[fault reason 02] Present bit in context entry is clear",
		NULL,
	};
	static const char *const expect[] = {
		"{\"file\":\"test.log\",\"line\":1,\"type\":\"DMAR_FAULT\",\"segment\":null,\"bdf\":\"3a:00.0\",\"domain\":null,\"pasid\":2,"
		"\"address\":\"0x7f1000\",\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":70.000001,"
		"\"vendor\":\"intel\",\"access\":\"write\",\"reason\":5,\"reason_printed\":\"0x05\","
		"\"reason_text\":\"PTE Write access is not set\",\"form\":\"hex\"}\n",
		"{\"file\":\"test.log\",\"line\":2,\"type\":\"DMAR_IR_FAULT\",\"segment\":null,\"bdf\":\"00:1f.0\",\"domain\":null,\"pasid\":null,"
		"\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":70.000002,"
		"\"vendor\":\"intel\",\"fault_index\":3,\"reason\":33,\"reason_printed\":\"33\","
		"\"reason_text\":\"Interrupt index exceeded the interrupt-remapping table size\",\"form\":\"decimal\"}\n",
		"{\"file\":\"test.log\",\"line\":3,\"type\":\"DMAR_FAULT\",\"segment\":null,\"bdf\":\"00:1e.0\",\"domain\":null,\"pasid\":null,"
		"\"address\":\"0xdf63e000\",\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":70.000003,"
		"\"vendor\":\"intel\",\"access\":\"read\",\"no_pasid\":true,\"reason\":6,\"reason_printed\":\"06\","
		"\"reason_text\":\"PTE Read access is not set\",\"form\":\"pasid-decimal\"}\n",
		"{\"file\":\"test.log\",\"line\":4,\"type\":\"DMAR_FAULT_STATUS\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,"
		"\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":70.000004,"
		"\"vendor\":\"intel\",\"fsts\":[\"PPF\"],\"fri\":7,\"value\":\"0x702\"}\n",
		"{\"file\":\"test.log\",\"line\":5,\"type\":\"DMAR_QI_DESCRIPTOR\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,"
		"\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":70.000005,"
		"\"vendor\":\"intel\",\"qi_desc\":\"IOTLB Invalidation\",\"qw\":[\"0x200f2\",\"0x0\"],\"detail\":\"HEAD\"}\n",
		"{\"file\":\"test.log\",\"line\":6,\"type\":\"DMAR_CONTEXT_COPY_FAILED\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,"
		"\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":\"dmar2\",\"suppressed\":null,\"time\":0.500000,"
		"\"vendor\":\"intel\",\"bus\":58}\n",
		"{\"file\":\"test.log\",\"line\":7,\"type\":\"DMAR_UNIT\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,"
		"\"address\":\"0xfed90000\",\"flags\":null,\"driver\":null,\"iommu\":\"dmar0\",\"suppressed\":null,\"time\":0.400000,"
		"\"vendor\":\"intel\",\"version\":\"1:0\",\"cap\":\"0x1c0000c40660462\",\"ecap\":\"0x19e2ff0505e\"}\n",
		"{\"file\":\"test.log\",\"line\":8,\"type\":\"DMAR_QI_TIMEOUT\",\"segment\":null,\"bdf\":\"03:00.0\",\"domain\":null,\"pasid\":null,"
		"\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":0.600000,"
		"\"vendor\":\"intel\",\"sid\":768}\n",
		"{\"file\":\"test.log\",\"line\":9,\"type\":\"DMAR_FAULT\",\"segment\":null,\"bdf\":\"02:00.0\",\"domain\":null,\"pasid\":null,"
		"\"address\":\"0xa0c58000\",\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":5.0,"
		"\"vendor\":\"intel\",\"access\":\"read\",\"reason\":2,\"reason_printed\":\"02\","
		"\"reason_text\":\"Present bit in context entry is clear\",\"reason_line\":10,\"form\":\"split\"}\n",
	};
	run_free(lines);
	ck_assert_int_eq(nbad, 0);
	ck_assert_int_eq(nrec, (int)(sizeof(expect) / sizeof(expect[0])));
	for (int i = 0; i < nrec; i++) {
		char *j = json_of(&recs[i]);
		ck_assert_msg(!strcmp(j, expect[i]), "record %d:\n got %s want %s", i, j, expect[i]);
		ck_assert(!strstr(j, "\"era\""));
		free(j);
	}
	/* the text row */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	klog_record_write_text(&recs[1], f);
	klog_record_write_text(&recs[2], f);
	klog_record_write_text(&recs[3], f);
	fclose(f);
	ck_assert_msg(strstr(buf, "DMAR_IR_FAULT"), "%s", buf);
	ck_assert(strstr(buf, "index=0x3 reason=0x21 (printed 33) \"Interrupt index exceeded the interrupt-remapping table size\" form=decimal"));
	ck_assert(strstr(buf, " none    0xdf63e000 "));
	ck_assert(strstr(buf, "read reason=0x06 \"PTE Read access is not set\" form=pasid-decimal"));
	ck_assert(strstr(buf, "fsts=0x702 PPF fri=7"));
	free(buf);
}
END_TEST

Suite *klog_dmar_suite(void)
{
	Suite *s = suite_create("klog_dmar");
	TCase *tl = tcase_create("line");
	tcase_add_test(tl, test_type_numbers_and_names);
	tcase_add_test(tl, test_reason_table);
	tcase_add_test(tl, test_split_two_lines);
	tcase_add_test(tl, test_decimal_one_line);
	tcase_add_test(tl, test_pasid_decimal);
	tcase_add_test(tl, test_hex_forms);
	tcase_add_test(tl, test_reason_cross_check);
	tcase_add_test(tl, test_status_and_qi);
	tcase_add_test(tl, test_kdump_markers);
	tcase_add_test(tl, test_init_lines);
	tcase_add_test(tl, test_known_unrecognised_and_others);
	tcase_add_test(tl, test_bad_lines);
	tcase_add_test(tl, test_truncated_and_mutated_never_crash);
	suite_add_tcase(s, tl);
	TCase *tp = tcase_create("parser");
	tcase_add_test(tp, test_split_join_every_prefix);
	tcase_add_test(tp, test_one_line_every_prefix);
	tcase_add_test(tp, test_split_orphans);
	tcase_add_test(tp, test_appended_and_ties);
	tcase_add_test(tp, test_ratelimit_and_mixed_vendors);
	tcase_add_test(tp, test_json);
	suite_add_tcase(s, tp);
	return s;
}
