/*
 * klog: one AMD-Vi message at a time (src/klog/amdvi_line.c).  Lines are
 * built from the kernel's own format strings: 6.1/6.12 drivers/iommu/amd/
 * iommu.c and init.c (era E), 5.14/RHEL8 (era D), 4.19 dev_err (era C),
 * 2.6.34/RHEL7 (era B), <=2.6.29 (era A).
 */
#include <check.h>
#include <string.h>

#include "klog/klog_line.h"

static struct klog_line L;

static enum klog_line_kind parse(const char *msg)
{
	klog_amdvi_parse(msg, strlen(msg), &L);
	return L.kind;
}

#define HAS(bit) ((L.rec.has & KLOG_HAS_##bit) != 0)

static void assert_dev(int has_seg, unsigned seg, unsigned bus, unsigned dev, unsigned fn)
{
	ck_assert(HAS(BDF));
	ck_assert_int_eq(HAS(SEGMENT), has_seg);
	if (has_seg)
		ck_assert_uint_eq(L.rec.segment, seg);
	ck_assert_uint_eq(L.rec.bus, bus);
	ck_assert_uint_eq(L.rec.dev, dev);
	ck_assert_uint_eq(L.rec.fn, fn);
}

/* ------------------------------------------------------------ era E (6.1, 6.12) */

START_TEST(test_e_io_page_fault_pci_err)
{
	/* pci_err(pdev, "Event logged [IO_PAGE_FAULT domain=0x%04x address=0x%llx flags=0x%04x]\n") */
	ck_assert_int_eq(parse("nvme 0000:01:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d address=0xfffc0000 flags=0x0020]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_IO_PAGE_FAULT);
	assert_dev(1, 0, 1, 0, 0);
	ck_assert(L.rec.notes & KLOG_NOTE_SEG_PREFIX);
	ck_assert(HAS(DRIVER));
	ck_assert_str_eq(L.rec.driver, "nvme");
	ck_assert(!HAS(IOMMU));
	ck_assert(HAS(DOMAIN));
	ck_assert_uint_eq(L.rec.domain, 0xd);
	ck_assert(HAS(ADDRESS));
	ck_assert_uint_eq(L.rec.address, 0xfffc0000ull);
	ck_assert(HAS(FLAGS));
	ck_assert_uint_eq(L.rec.flags, 0x20);
	ck_assert(!HAS(PASID));
	ck_assert(!HAS(SUPPRESSED));
}
END_TEST

START_TEST(test_e_io_page_fault_pr_err)
{
	ck_assert_int_eq(parse("AMD-Vi: Event logged [IO_PAGE_FAULT device=0001:40:1f.7 domain=0x0102 address=0xffffffffffff0000 flags=0x0070]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_IO_PAGE_FAULT);
	assert_dev(1, 1, 0x40, 0x1f, 7);
	ck_assert(!HAS(DRIVER));
	ck_assert_uint_eq(L.rec.domain, 0x102);
	ck_assert_uint_eq(L.rec.address, 0xffffffffffff0000ull);
	ck_assert_uint_eq(L.rec.flags, 0x70);
	ck_assert_int_eq(L.rec.era, 'E');
}
END_TEST

START_TEST(test_e_ivhd_events)
{
	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY device=0000:02:00.0 pasid=0x00000 address=0xfee00000 flags=0x0a00]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_ILLEGAL_DEV_TABLE_ENTRY);
	ck_assert(HAS(IOMMU));
	ck_assert_str_eq(L.rec.iommu, "ivhd0");
	ck_assert(!HAS(DRIVER));
	assert_dev(1, 0, 2, 0, 0);
	ck_assert(HAS(PASID));
	ck_assert_uint_eq(L.rec.pasid, 0);
	ck_assert_uint_eq(L.rec.address, 0xfee00000);
	ck_assert_uint_eq(L.rec.flags, 0xa00);

	ck_assert_int_eq(parse("iommu ivhd12: AMD-Vi: Event logged [DEV_TAB_HARDWARE_ERROR device=0000:02:00.0 address=0x100fe4000 flags=0x0400]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_DEV_TAB_HARDWARE_ERROR);
	ck_assert_str_eq(L.rec.iommu, "ivhd12");
	ck_assert_uint_eq(L.rec.address, 0x100fe4000ull);
	ck_assert_uint_eq(L.rec.flags, 0x400);
	ck_assert(!HAS(PASID) && !HAS(DOMAIN));

	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Event logged [PAGE_TAB_HARDWARE_ERROR device=0000:03:00.0 pasid=0x0005 address=0x10a3b2000 flags=0x0400]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_PAGE_TAB_HARDWARE_ERROR);
	ck_assert_uint_eq(L.rec.pasid, 5);
	ck_assert_uint_eq(L.rec.address, 0x10a3b2000ull);

	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_COMMAND_ERROR address=0x10227c0f0]"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_ILLEGAL_COMMAND_ERROR);
	ck_assert_uint_eq(L.rec.address, 0x10227c0f0ull);
	ck_assert(!HAS(BDF) && !HAS(FLAGS));

	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Event logged [COMMAND_HARDWARE_ERROR address=0x10227c100 flags=0x0400]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_COMMAND_HARDWARE_ERROR);
	ck_assert_uint_eq(L.rec.flags, 0x400);
	ck_assert(!HAS(BDF));

	ck_assert_int_eq(parse("iommu ivhd1: AMD-Vi: Event logged [IOTLB_INV_TIMEOUT device=0001:40:00.0 address=0x10227c200]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_IOTLB_INV_TIMEOUT);
	assert_dev(1, 1, 0x40, 0, 0);
	ck_assert(!HAS(FLAGS));

	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Event logged [INVALID_DEVICE_REQUEST device=0000:01:00.0 pasid=0x00001 address=0x7f0000 flags=0x0100]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_INVALID_DEVICE_REQUEST);
	ck_assert_uint_eq(L.rec.pasid, 1);
	ck_assert_uint_eq(L.rec.flags, 0x100);

	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Event logged [INVALID_PPR_REQUEST device=0000:01:00.0 pasid=0x00002 address=0x7f1000 flags=0x0021 tag=0x01a]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_INVALID_PPR_REQUEST);
	ck_assert_uint_eq(L.rec.pasid, 2);
	ck_assert(HAS(TAG));
	ck_assert_uint_eq(L.rec.tag, 0x1a);
	ck_assert_uint_eq(L.rec.flags, 0x21);
}
END_TEST

START_TEST(test_e_rmp)
{
	ck_assert_int_eq(parse("nvme 0000:01:00.0: AMD-Vi: Event logged [RMP_PAGE_FAULT vmg_tag=0x0003, gpa=0x41000, flags_rmp=0x0001, flags=0x0020]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_RMP_PAGE_FAULT);
	assert_dev(1, 0, 1, 0, 0);
	ck_assert_str_eq(L.rec.driver, "nvme");
	ck_assert_uint_eq(L.rec.vmg_tag, 3);
	ck_assert_uint_eq(L.rec.address, 0x41000);
	ck_assert(HAS(FLAGS_RMP));
	ck_assert_uint_eq(L.rec.flags_rmp, 1);
	ck_assert_uint_eq(L.rec.flags, 0x20);

	ck_assert_int_eq(parse("AMD-Vi: Event logged [RMP_PAGE_FAULT device=0000:05:00.0, vmg_tag=0x0004, gpa=0x42000, flags_rmp=0x0002, flags=0x0000]"),
			 KLOG_LINE_RECORD);
	assert_dev(1, 0, 5, 0, 0);
	ck_assert_uint_eq(L.rec.flags_rmp, 2);
	ck_assert(HAS(FLAGS));
	ck_assert_uint_eq(L.rec.flags, 0);

	ck_assert_int_eq(parse("AMD-Vi: Event logged [RMP_HW_ERROR device=0000:05:00.0, vmg_tag=0x0004, spa=0x1235000, flags=0x0000]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_RMP_HW_ERROR);
	ck_assert_uint_eq(L.rec.address, 0x1235000);
	ck_assert_uint_eq(L.rec.vmg_tag, 4);
	ck_assert(!HAS(FLAGS_RMP));

	ck_assert_int_eq(parse("ccp 0000:05:00.2: AMD-Vi: Event logged [RMP_HW_ERROR vmg_tag=0x0004, spa=0x1235000, flags=0x0000]"),
			 KLOG_LINE_RECORD);
	assert_dev(1, 0, 5, 0, 2);
	ck_assert_str_eq(L.rec.driver, "ccp");
}
END_TEST

START_TEST(test_e_unknown)
{
	/* "Event logged [UNKNOWN event[0]=0x%08x ... event[3]=0x%08x\n": no ']' */
	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Event logged [UNKNOWN event[0]=0x00010100 event[1]=0xa0000000 event[2]=0x00001000 event[3]=0x00000000"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_UNKNOWN);
	ck_assert(HAS(RAW));
	ck_assert_int_eq(L.rec.nraw, 4);
	ck_assert_uint_eq(L.rec.raw[0], 0x00010100);
	ck_assert_uint_eq(L.rec.raw[1], 0xa0000000);
	ck_assert_uint_eq(L.rec.raw[2], 0x00001000);
	ck_assert_uint_eq(L.rec.raw[3], 0);
	ck_assert(!HAS(BDF) && !HAS(ADDRESS));

	/* truncated after event[1] */
	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Event logged [UNKNOWN event[0]=0x00010100 event[1]=0xa0000000"),
			 KLOG_LINE_BAD);
}
END_TEST

START_TEST(test_e_device_not_attached)
{
	ck_assert_int_eq(parse("AMD-Vi: Event logged [Device not attached to domain properly]"), KLOG_LINE_DNA_HEAD);
	ck_assert_int_eq(L.rec.type, KLOG_DEVICE_NOT_ATTACHED);
	ck_assert_int_eq(parse("AMD-Vi:   device=0000:06:00.0 domain=0x0000"), KLOG_LINE_DNA_TAIL);
	assert_dev(1, 0, 6, 0, 0);
	ck_assert(HAS(DOMAIN));
	ck_assert_uint_eq(L.rec.domain, 0);
	ck_assert_int_eq(parse("AMD-Vi:   device=0000:06:00.0 domain=zz"), KLOG_LINE_BAD);
	/* an unrelated "device=" line from another driver is not ours */
	ck_assert_int_eq(parse("  device=foo bar"), KLOG_LINE_NONE);
}
END_TEST

START_TEST(test_dump_lines)
{
	ck_assert_int_eq(parse("AMD-Vi: DTE[2]: 2000000109d89001"), KLOG_LINE_DUMP);
	ck_assert_int_eq(L.dump_kind, KLOG_DUMP_DTE);
	ck_assert_int_eq(L.dump_index, 2);
	ck_assert_int_eq(L.dump_digits, 16);
	ck_assert_uint_eq(L.dump_value, 0x2000000109d89001ull);

	ck_assert_int_eq(parse("AMD-Vi: DTE[7]: 00fe4003"), KLOG_LINE_DUMP);
	ck_assert_int_eq(L.dump_digits, 8);
	ck_assert_int_eq(L.dump_index, 7);

	ck_assert_int_eq(parse("AMD-Vi: CMD[3]: f0000000"), KLOG_LINE_DUMP);
	ck_assert_int_eq(L.dump_kind, KLOG_DUMP_CMD);
	ck_assert_uint_eq(L.dump_value, 0xf0000000);

	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: DTE[0]: 6000000100fe4003"), KLOG_LINE_DUMP);
	ck_assert_int_eq(parse("AMD-Vi: CMD[4]: 00000000"), KLOG_LINE_BAD);
	ck_assert_int_eq(parse("AMD-Vi: DTE[1]: xyz"), KLOG_LINE_BAD);
	ck_assert_int_eq(parse("AMD-Vi: DTE[1]: 12345678901234567"), KLOG_LINE_BAD);
	/* untagged "DTE[" is someone else's */
	ck_assert_int_eq(parse("DTE[1]: 1234"), KLOG_LINE_NONE);
}
END_TEST

START_TEST(test_other_messages)
{
	ck_assert_int_eq(parse("AMD-Vi: Completion-Wait loop timed out"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_COMPLETION_WAIT_TIMEOUT);
	ck_assert(!HAS(IOMMU));

	ck_assert_int_eq(parse("AMD-Vi: IOMMU 0000:00:02.0: Completion-Wait loop timed out"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_COMPLETION_WAIT_TIMEOUT);
	ck_assert(HAS(IOMMU));
	ck_assert_str_eq(L.rec.iommu, "0000:00:02.0");
	ck_assert(!HAS(BDF));

	ck_assert_int_eq(parse("AMD-Vi: Command buffer timeout"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_COMMAND_BUFFER_TIMEOUT);

	ck_assert_int_eq(parse("AMD-Vi: IOMMU event log overflow"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_EVENT_LOG_OVERFLOW);
	ck_assert_int_eq(parse("AMD-Vi: IOMMU Event log restarting"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_EVENT_LOG_OVERFLOW);
	ck_assert_int_eq(parse("AMD-Vi: IOMMU GA Log overflow"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_OTHER_LOG_OVERFLOW);

	ck_assert_int_eq(parse("AMD-Vi: No event written to event log"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_NO_EVENT_WRITTEN);
	ck_assert_int_eq(parse("AMD-Vi: Resetting IOMMU command buffer"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_COMMAND_BUFFER_RESET);
	ck_assert_int_eq(parse("Kernel panic - not syncing: AMD-Vi: ILLEGAL_COMMAND_ERROR while resetting command buffer"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_COMMAND_BUFFER_RESET);
	ck_assert(L.rec.notes & KLOG_NOTE_PANIC);

	/* init messages are AMD-Vi lines of no interest */
	ck_assert_int_eq(parse("AMD-Vi: Interrupt remapping enabled"), KLOG_LINE_OTHER);
	ck_assert_int_eq(parse("pci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40"), KLOG_LINE_OTHER);
	ck_assert_int_eq(parse("smpboot: CPU0: AMD EPYC 7763 64-Core Processor (family: 0x19)"), KLOG_LINE_NONE);
}
END_TEST

START_TEST(test_kdump_markers)
{
	ck_assert_int_eq(parse("AMD-Vi: Translation is already enabled - trying to copy translation structures"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_KDUMP_TRANSLATION_PRE_ENABLED);
	ck_assert(!(L.rec.notes & KLOG_NOTE_REUSE));
	ck_assert_int_eq(parse("AMD-Vi: Translation is already enabled - trying to reuse translation structures"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_KDUMP_TRANSLATION_PRE_ENABLED);
	ck_assert(L.rec.notes & KLOG_NOTE_REUSE);

	ck_assert_int_eq(parse("AMD-Vi: Copied DEV table from previous kernel."), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_KDUMP_DEV_TABLE_COPIED);
	ck_assert_int_eq(parse("AMD-Vi: Reused DEV table from previous kernel."), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_KDUMP_DEV_TABLE_COPIED);
	ck_assert(L.rec.notes & KLOG_NOTE_REUSE);

	ck_assert_int_eq(parse("AMD-Vi: Failed to copy DEV table from previous kernel."), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_KDUMP_DEV_TABLE_COPY_FAILED);
	ck_assert_int_eq(parse("AMD-Vi: Failed to reuse DEV table from previous kernel."), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_KDUMP_DEV_TABLE_COPY_FAILED);
	ck_assert(L.rec.notes & KLOG_NOTE_REUSE);

	ck_assert_int_eq(parse("AMD-Vi: Translation was enabled for IOMMU:3 but we are not in kdump mode"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_TRANSLATION_ENABLED_NOT_KDUMP);
	ck_assert(HAS(IOMMU_INDEX));
	ck_assert_int_eq(L.rec.iommu_index, 3);
	ck_assert_str_eq(L.rec.iommu, "ivhd3");

	ck_assert_int_eq(parse("AMD-Vi: Re-using command buffer from the previous kernel"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_KDUMP_BUFFER_REUSED);
	ck_assert_str_eq(L.rec.detail, "command");
	ck_assert_int_eq(parse("AMD-Vi: The device table size of IOMMU:1 is not expected!"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_KDUMP_DEV_TABLE_COPY_ERROR);
	ck_assert_int_eq(L.rec.iommu_index, 1);
}
END_TEST

/* ------------------------------------------------------------ 7.x (7.2, 7.3) */

START_TEST(test_7x_control_reg)
{
	/* iommu_print_event(): dev_err(dev, "Control Reg : 0x%llx\n", ctrl), dev = the IOMMU */
	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Control Reg : 0xc22000003f48d"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_CONTROL_REGISTER);
	ck_assert(HAS(VALUE));
	ck_assert_uint_eq(L.rec.value, 0xc22000003f48dull);
	ck_assert(HAS(IOMMU));
	ck_assert_str_eq(L.rec.iommu, "ivhd0");
	ck_assert(!HAS(BDF) && !HAS(DRIVER) && !HAS(ADDRESS) && !HAS(EVENT_LINE));
	ck_assert_int_eq(L.rec.era, 0);

	/* a dev_err without dev_fmt (as 4.19.89's): the ivhdN prefix alone */
	ck_assert_int_eq(parse("iommu ivhd12: Control Reg : 0xffffffffffffffff"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_CONTROL_REGISTER);
	ck_assert_uint_eq(L.rec.value, 0xffffffffffffffffull);
	ck_assert_str_eq(L.rec.iommu, "ivhd12");

	/* the tag alone (the device prefix lost on the way) */
	ck_assert_int_eq(parse("AMD-Vi: Control Reg : 0x1"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_CONTROL_REGISTER);
	ck_assert_uint_eq(L.rec.value, 1);
	ck_assert(!HAS(IOMMU));

	/* noise in front: found again at the ivhd anchor */
	ck_assert_int_eq(parse("@@ iommu ivhd3: AMD-Vi: Control Reg : 0x18"), KLOG_LINE_RECORD);
	ck_assert_str_eq(L.rec.iommu, "ivhd3");
	ck_assert_uint_eq(L.rec.value, 0x18);

	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Control Reg : 18"), KLOG_LINE_BAD);
	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Control Reg : 0x12345678901234567"), KLOG_LINE_BAD);
	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Control Reg : 0x18 extra"), KLOG_LINE_BAD);
	/* neither tag nor IOMMU prefix: someone else's register */
	ck_assert_int_eq(parse("Control Reg : 0x18"), KLOG_LINE_NONE);
}
END_TEST

START_TEST(test_7x_cmd_buffer_dump_lines)
{
	/* dump_command_buffer(): pr_err("CMD Buffer head=%llu tail=%llu\n", head >> 4, tail >> 4) */
	ck_assert_int_eq(parse("AMD-Vi: CMD Buffer head=339 tail=341"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_COMMAND_BUFFER_DUMP);
	ck_assert(HAS(HEAD_TAIL));
	ck_assert_uint_eq(L.rec.cmd_head, 339);
	ck_assert_uint_eq(L.rec.cmd_tail, 341);
	ck_assert(!HAS(IOMMU) && !HAS(BDF) && !HAS(EVENT_LINE));
	ck_assert_uint_eq(L.rec.ncmd_buffer, 0);
	ck_assert_int_eq(parse("AMD-Vi: CMD Buffer head=0 tail=0"), KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.cmd_head, 0);
	ck_assert_uint_eq(L.rec.cmd_tail, 0);

	/* pr_err("%3d: %08x %08x %08x %08x\n", i, cmd->data[0..3]) */
	ck_assert_int_eq(parse("AMD-Vi:   0: 00835001 10000001 00003c00 00000000"), KLOG_LINE_CMD_ENTRY);
	ck_assert_int_eq(L.dump_index, 0);
	ck_assert_uint_eq(L.cmd_entry[0], 0x00835001);
	ck_assert_uint_eq(L.cmd_entry[1], 0x10000001);
	ck_assert_uint_eq(L.cmd_entry[2], 0x00003c00);
	ck_assert_uint_eq(L.cmd_entry[3], 0x00000000);
	ck_assert_int_eq(parse("AMD-Vi:  42: 00000000 30000003 fffff00b 7fffffff"), KLOG_LINE_CMD_ENTRY);
	ck_assert_int_eq(L.dump_index, 42);
	ck_assert_uint_eq(L.cmd_entry[3], 0x7fffffff);
	ck_assert_int_eq(parse("AMD-Vi: 511: 011be001 10000000 00000134 00000000"), KLOG_LINE_CMD_ENTRY);
	ck_assert_int_eq(L.dump_index, 511);
	ck_assert_uint_eq(L.cmd_entry[2], 0x134);

	const char *bad[] = {
		"AMD-Vi: CMD Buffer head=1",
		"AMD-Vi: CMD Buffer head=x tail=2",
		"AMD-Vi: CMD Buffer head=1 tail=2 more",
		"AMD-Vi: CMD Buffer head=99999999999 tail=2",
		"AMD-Vi: 512: 00000000 00000000 00000000 00000000",
		"AMD-Vi:   1: 0000000 00000000 00000000 00000000",
		"AMD-Vi:   1: 00000000 00000000 00000000",
		"AMD-Vi:   1: 00000000 00000000 00000000 000000000",
		"AMD-Vi:   1: 00000000 00000000 00000000 00000000 x",
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		ck_assert_msg(parse(bad[k]) == KLOG_LINE_BAD, "not rejected: %s", bad[k]);
		ck_assert_ptr_nonnull(L.reason);
	}
	/* without the tag (pr_err always has it): not ours */
	ck_assert_int_eq(parse("CMD Buffer head=1 tail=2"), KLOG_LINE_NONE);
	ck_assert_int_eq(parse("  0: 00835001 10000001 00003c00 00000000"), KLOG_LINE_NONE);
	/* an AMD-Vi line with a number that is not a ring slot */
	ck_assert_int_eq(parse("AMD-Vi: 1234: 00000000 00000000 00000000 00000000"), KLOG_LINE_OTHER);
}
END_TEST

START_TEST(test_7x_timeout_and_reuse_markers)
{
	/* 7.x wait_on_sem(): pr_alert("IOMMU %04x:%02x:%02x.%01x: Completion-Wait loop timed out\n") */
	ck_assert_int_eq(parse("AMD-Vi: IOMMU 0001:40:00.2: Completion-Wait loop timed out"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_COMPLETION_WAIT_TIMEOUT);
	ck_assert(HAS(IOMMU));
	ck_assert_str_eq(L.rec.iommu, "0001:40:00.2");
	ck_assert(!HAS(BDF) && !HAS(SEGMENT));
	ck_assert_int_eq(parse("AMD-Vi: IOMMU 0000:00:02.0 Completion-Wait loop timed out"), KLOG_LINE_OTHER);

	/* 6.18+/7.x init.c, pr_info_once */
	static const struct {
		const char *line, *detail;
	} reused[] = {
		{ "AMD-Vi: Re-using command buffer from the previous kernel", "command" },
		{ "AMD-Vi: Re-using event buffer from the previous kernel", "event" },
		{ "AMD-Vi: Re-using CWB buffers from the previous kernel", "CWB" },
	};
	for (size_t k = 0; k < sizeof(reused) / sizeof(reused[0]); k++) {
		ck_assert_int_eq(parse(reused[k].line), KLOG_LINE_RECORD);
		ck_assert_int_eq(L.rec.type, KLOG_KDUMP_BUFFER_REUSED);
		ck_assert(HAS(DETAIL));
		ck_assert_str_eq(L.rec.detail, reused[k].detail);
		ck_assert(L.rec.notes & KLOG_NOTE_REUSE);
	}
	ck_assert_int_eq(parse("AMD-Vi: Reused DEV table from previous kernel."), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_KDUMP_DEV_TABLE_COPIED);
	ck_assert(L.rec.notes & KLOG_NOTE_REUSE);
	ck_assert(!HAS(DETAIL) && !HAS(IOMMU));
}
END_TEST

START_TEST(test_suppressed)
{
	ck_assert_int_eq(parse("amd_iommu_int_thread: 12 callbacks suppressed"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_RATELIMIT_SUPPRESSED);
	ck_assert(HAS(SUPPRESSED));
	ck_assert_uint_eq(L.rec.suppressed, 12);
	ck_assert_str_eq(L.rec.function, "amd_iommu_int_thread");

	ck_assert_int_eq(parse("iommu_print_event: 7 callbacks suppressed"), KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.suppressed, 7);
	ck_assert_int_eq(parse("amd_iommu_report_page_fault: 25 callbacks suppressed"), KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.suppressed, 25);

	ck_assert_int_eq(parse("AMD-Vi: 5 callbacks suppressed"), KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.suppressed, 5);
	ck_assert(!HAS(FUNCTION));
	ck_assert_int_eq(parse("AMD-Vi: some_func: 9 callbacks suppressed"), KLOG_LINE_RECORD);
	ck_assert_uint_eq(L.rec.suppressed, 9);

	/* other drivers' ratelimits are not counted */
	ck_assert_int_eq(parse("e1000e_poll: 4 callbacks suppressed"), KLOG_LINE_NONE);
	ck_assert_int_eq(parse("printk_ratelimit: 4 callbacks suppressed"), KLOG_LINE_NONE);
	ck_assert_int_eq(parse("net_ratelimit: 10 callbacks suppressed"), KLOG_LINE_NONE);
}
END_TEST

/* ------------------------------------------------------------ era D (5.5-5.18, RHEL8) */

START_TEST(test_d_lines)
{
	ck_assert_int_eq(parse("AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x245a0c0 flags=0x0070]"),
			 KLOG_LINE_RECORD);
	assert_dev(0, 0, 0, 0x14, 1);
	ck_assert_uint_eq(L.rec.address, 0x245a0c0);
	ck_assert_int_eq(L.rec.era, 'D');

	/* pci_err with "pci" when no driver is bound */
	ck_assert_int_eq(parse("pci 0000:00:14.1: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d address=0x245a0c0 flags=0x0070]"),
			 KLOG_LINE_RECORD);
	assert_dev(1, 0, 0, 0x14, 1);
	ck_assert_str_eq(L.rec.driver, "pci");

	ck_assert_int_eq(parse("AMD-Vi: Event logged [RMP_HW_ERROR device=00:14.1, vmg_tag=0x0001, spa=0x2000, flags=0x0000]"),
			 KLOG_LINE_RECORD);
	assert_dev(0, 0, 0, 0x14, 1);
	ck_assert_uint_eq(L.rec.vmg_tag, 1);

	/* 5.14 quirk: the device= form with a driver prefix is not printed, but if a
	 * line has both, the prefix gives the segment of the same device */
	ck_assert_int_eq(parse("xhci_hcd 0002:00:14.1: AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x1 flags=0x0000]"),
			 KLOG_LINE_RECORD);
	assert_dev(1, 2, 0, 0x14, 1);
	ck_assert_str_eq(L.rec.driver, "xhci_hcd");
}
END_TEST

/* ------------------------------------------------------------ era C (4.17-5.4) */

START_TEST(test_c_split_halves)
{
	ck_assert_int_eq(parse("iommu ivhd0: AMD-Vi: Event logged ["), KLOG_LINE_HEAD);
	ck_assert_str_eq(L.rec.iommu, "ivhd0");
	ck_assert_int_eq(parse("iommu ivhd0: ILLEGAL_DEV_TABLE_ENTRY device=03:00.0 pasid=0x00000 address=0x00000000fee00000 flags=0x0a00 ]"),
			 KLOG_LINE_TAIL);
	ck_assert_int_eq(L.rec.type, KLOG_ILLEGAL_DEV_TABLE_ENTRY);
	ck_assert_str_eq(L.rec.iommu, "ivhd0");
	assert_dev(0, 0, 3, 0, 0);
	ck_assert_uint_eq(L.rec.address, 0xfee00000);
	ck_assert_int_eq(L.rec.era, 'C');

	/* 4.19.89 backport: dev_err without the "AMD-Vi: " tag */
	ck_assert_int_eq(parse("iommu ivhd0: Event logged [INVALID_DEVICE_REQUEST device=01:00.0 pasid=0x00003 address=0x0000000000001000 flags=0x0100]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_INVALID_DEVICE_REQUEST);
	ck_assert_uint_eq(L.rec.pasid, 3);
}
END_TEST

/* ------------------------------------------------------------ eras A and B */

START_TEST(test_b_lines)
{
	ck_assert_int_eq(parse("AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x000000000245a0c0 flags=0x0070]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_IO_PAGE_FAULT);
	assert_dev(0, 0, 0, 0x14, 1);
	ck_assert_uint_eq(L.rec.domain, 0xd);
	ck_assert_uint_eq(L.rec.address, 0x245a0c0);
	ck_assert_uint_eq(L.rec.flags, 0x70);
	ck_assert_int_eq(L.rec.era, 'B');

	ck_assert_int_eq(parse("AMD-Vi: Event logged [PAGE_TAB_HARDWARE_ERROR device=03:00.0 domain=0x0002 address=0x000000010a3b2000 flags=0x0400]"),
			 KLOG_LINE_RECORD);
	ck_assert(HAS(DOMAIN) && !HAS(PASID));
	ck_assert_uint_eq(L.rec.domain, 2);

	ck_assert_int_eq(parse("AMD-Vi: Event logged [UNKNOWN type=0x0b]"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_UNKNOWN);
	ck_assert(HAS(EVENT_CODE));
	ck_assert_uint_eq(L.rec.event_code, 0xb);

	/* continuation tail on its own line, without any prefix */
	ck_assert_int_eq(parse("ILLEGAL_COMMAND_ERROR address=0x000000010227c0f0]"), KLOG_LINE_TAIL);
	ck_assert_int_eq(L.rec.type, KLOG_ILLEGAL_COMMAND_ERROR);
	ck_assert_int_eq(parse("AMD-Vi: Event logged ["), KLOG_LINE_HEAD);
	ck_assert(!HAS(IOMMU));
}
END_TEST

START_TEST(test_a_lines)
{
	ck_assert_int_eq(parse("AMD IOMMU: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x000000000245a0c0 flags=0x0070]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_IO_PAGE_FAULT);
	ck_assert_int_eq(L.rec.era, 'A');
	ck_assert_int_eq(parse("AMD IOMMU: Event logged ["), KLOG_LINE_HEAD);
	ck_assert_int_eq(parse("Kernel panic - not syncing: AMD IOMMU: Completion wait loop failed"), KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_COMPLETION_WAIT_TIMEOUT);
	ck_assert(L.rec.notes & KLOG_NOTE_PANIC);
}
END_TEST

/* ------------------------------------------------------------ malformed */

START_TEST(test_malformed)
{
	const char *bad[] = {
		"AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0xfffc00c0 flags=",
		"AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0xfffc00c0]",
		"AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0xfffc00c0 flags=0x0020",
		"AMD-Vi: Event logged [BOGUS_EVENT device=0000:01:00.0]",
		"AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:20.0 domain=0x000d address=0x1 flags=0x0]",
		"AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x11112222333344445 flags=0x0]",
		"AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0xd1d1d1d1d1 address=0x1 flags=0x0]",
		"AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain address=0x1 flags=0x0]",
		"AMD-Vi: Event logged [UNKNOWN]",
		"AMD-Vi: Event logged [ILLEGAL_COMMAND_ERROR address=]",
		"AMD-Vi: Event logged [PAGE_TAB_HARDWARE_ERROR device=03:00.0 address=0x1 flags=0x0400]",
		"AMD-Vi: IO_PAGE_FAULT device=00:14.1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse(bad[i]) == KLOG_LINE_BAD, "not rejected: %s", bad[i]);
		ck_assert_ptr_nonnull(L.reason);
	}
	/* an untagged line that merely starts with an upper-case word is not ours */
	ck_assert_int_eq(parse("UNKNOWN device found"), KLOG_LINE_NONE);
	ck_assert_int_eq(parse(""), KLOG_LINE_NONE);
	ck_assert_int_eq(parse("AMD-Vi:"), KLOG_LINE_OTHER);
}
END_TEST

START_TEST(test_noise_in_front)
{
	ck_assert_int_eq(parse("@@#! AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x1 flags=0x0]"),
			 KLOG_LINE_RECORD);
	ck_assert_int_eq(L.rec.type, KLOG_IO_PAGE_FAULT);
	ck_assert_int_eq(parse("xx nvme 0000:01:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d address=0x1 flags=0x0]"),
			 KLOG_LINE_RECORD);
	ck_assert_str_eq(L.rec.driver, "nvme");
	assert_dev(1, 0, 1, 0, 0);
	ck_assert_int_eq(parse("~~iommu ivhd2: AMD-Vi: Event logged ["), KLOG_LINE_HEAD);
	ck_assert_str_eq(L.rec.iommu, "ivhd2");
}
END_TEST

START_TEST(test_candidate_filter)
{
	const char *yes[] = { "AMD-Vi: x", "foo: Event logged [", "ILLEGAL_COMMAND_ERROR address=0x1]",
			      "  device=0000:00:00.0 domain=0x0", "amd_iommu_int_thread: 1 callbacks suppressed",
			      "iommu ivhd0: x" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert(klog_amdvi_candidate(yes[i], strlen(yes[i])));
	ck_assert(!klog_amdvi_candidate("usb 1-1: new high-speed USB device", 34));
}
END_TEST

Suite *klog_line_suite(void)
{
	Suite *s = suite_create("klog_line");
	TCase *tc = tcase_create("amdvi_line");
	tcase_add_test(tc, test_e_io_page_fault_pci_err);
	tcase_add_test(tc, test_e_io_page_fault_pr_err);
	tcase_add_test(tc, test_e_ivhd_events);
	tcase_add_test(tc, test_e_rmp);
	tcase_add_test(tc, test_e_unknown);
	tcase_add_test(tc, test_e_device_not_attached);
	tcase_add_test(tc, test_dump_lines);
	tcase_add_test(tc, test_other_messages);
	tcase_add_test(tc, test_kdump_markers);
	tcase_add_test(tc, test_7x_control_reg);
	tcase_add_test(tc, test_7x_cmd_buffer_dump_lines);
	tcase_add_test(tc, test_7x_timeout_and_reuse_markers);
	tcase_add_test(tc, test_suppressed);
	tcase_add_test(tc, test_d_lines);
	tcase_add_test(tc, test_c_split_halves);
	tcase_add_test(tc, test_b_lines);
	tcase_add_test(tc, test_a_lines);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_noise_in_front);
	tcase_add_test(tc, test_candidate_filter);
	suite_add_tcase(s, tc);
	return s;
}
