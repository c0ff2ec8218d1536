/*
 * klog: the streaming parser and joiner (src/klog/assemble.c), the summary
 * (src/klog/summary.c) and the JSON output (src/klog/output.c).
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klog/klog.h"

#define MAXREC 64

static struct klog_record recs[MAXREC];
static int nrec;
static uint64_t unparsed_lines[MAXREC];
static const char *unparsed_reason[MAXREC];
static int nunparsed;

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
	if (nunparsed < MAXREC) {
		unparsed_lines[nunparsed] = line;
		unparsed_reason[nunparsed] = reason;
	}
	nunparsed++;
}

/* Feeds the lines (NULL-terminated) as one file and flushes. */
static struct klog_parser *run(const char *const *lines)
{
	static const struct klog_parser_ops ops = { on_rec, on_bad };
	struct klog_parser *p = klog_parser_new(&ops, NULL);
	ck_assert_ptr_nonnull(p);
	nrec = nunparsed = 0;
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

START_TEST(test_single_lines_and_file_line)
{
	const char *const lines[] = {
		"[    0.100000] Linux version 6.1.0",
		"[    2.000001] nvme 0000:01:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d address=0xfffc0000 flags=0x0020]",
		"[    2.000002] usb 1-1: new device",
		"[    2.000003] AMD-Vi: Completion-Wait loop timed out",
		NULL,
	};
	struct klog_parser *p = run(lines);
	ck_assert_int_eq(nrec, 2);
	ck_assert_str_eq(recs[0].file, "test.log");
	ck_assert_uint_eq(recs[0].line, 2);
	ck_assert(recs[0].time.has_mono);
	ck_assert_str_eq(recs[0].time.mono_text, "2.000001");
	ck_assert_uint_eq(recs[1].line, 4);
	ck_assert_int_eq(recs[1].type, KLOG_COMPLETION_WAIT_TIMEOUT);
	const struct klog_parser_stats *st = klog_parser_get_stats(p);
	ck_assert_uint_eq(st->lines, 4);
	ck_assert_uint_eq(st->records, 2);
	ck_assert_uint_eq(st->unparsed, 0);
	klog_parser_free(p);
}
END_TEST

START_TEST(test_era_c_split_with_dte)
{
	const char *const lines[] = {
		"[    5.100000] iommu ivhd0: AMD-Vi: Event logged [",
		"[    5.100001] iommu ivhd0: ILLEGAL_DEV_TABLE_ENTRY device=03:00.0 pasid=0x00000 address=0x00000000fee00000 flags=0x0a00]",
		"[    5.100002] AMD-Vi: DTE[0]: 6000000100fe4003",
		"[    5.100003] AMD-Vi: DTE[1]: 0000000000000000",
		"[    5.100004] AMD-Vi: DTE[2]: 2000000109d89001",
		"[    5.100005] AMD-Vi: DTE[3]: 0000000000000000",
		NULL,
	};
	run_free(lines);
	ck_assert_int_eq(nunparsed, 0);
	ck_assert_int_eq(nrec, 1);
	struct klog_record *r = &recs[0];
	ck_assert_int_eq(r->type, KLOG_ILLEGAL_DEV_TABLE_ENTRY);
	ck_assert_uint_eq(r->line, 2);
	ck_assert_uint_eq(r->head_line, 1);
	ck_assert(r->notes & KLOG_NOTE_SPLIT);
	ck_assert_str_eq(r->iommu, "ivhd0");
	ck_assert_int_eq(r->dump_kind, KLOG_DUMP_DTE);
	ck_assert_int_eq(r->ndump, 4);
	ck_assert_uint_eq(r->dump[0], 0x6000000100fe4003ull);
	ck_assert_uint_eq(r->dump[2], 0x2000000109d89001ull);
	ck_assert_str_eq(r->time.mono_text, "5.100001");
}
END_TEST

START_TEST(test_interleaved_iommus_and_tail_first)
{
	const char *const lines[] = {
		"[    5.200000] iommu ivhd0: AMD-Vi: Event logged [",				/* 1 */
		"[    5.200001] iommu ivhd1: AMD-Vi: Event logged [",				/* 2 */
		"[    5.200002] iommu ivhd1: IOTLB_INV_TIMEOUT device=41:00.0 address=0x000000010227c200]", /* 3 */
		"[    5.200003] usb 1-1: new high-speed USB device number 2 using xhci_hcd",	/* 4 */
		"[    5.200004] iommu ivhd0: DEV_TAB_HARDWARE_ERROR device=03:00.0 address=0x0000000100fe4000 flags=0x0400]", /* 5 */
		"[    5.300000] iommu ivhd1: COMMAND_HARDWARE_ERROR address=0x000000010227c100 flags=0x0400]", /* 6: tail first */
		"[    5.300001] iommu ivhd1: AMD-Vi: Event logged [",				/* 7 */
		NULL,
	};
	run_free(lines);
	ck_assert_int_eq(nunparsed, 0);
	ck_assert_int_eq(nrec, 3);
	ck_assert_int_eq(recs[0].type, KLOG_IOTLB_INV_TIMEOUT);
	ck_assert_str_eq(recs[0].iommu, "ivhd1");
	ck_assert_uint_eq(recs[0].line, 3);
	ck_assert_uint_eq(recs[0].head_line, 2);
	ck_assert_int_eq(recs[1].type, KLOG_DEV_TAB_HARDWARE_ERROR);
	ck_assert_str_eq(recs[1].iommu, "ivhd0");
	ck_assert_uint_eq(recs[1].line, 5);
	ck_assert_uint_eq(recs[1].head_line, 1);
	ck_assert_int_eq(recs[2].type, KLOG_COMMAND_HARDWARE_ERROR);
	ck_assert_uint_eq(recs[2].line, 6);
	ck_assert_uint_eq(recs[2].head_line, 7);
	ck_assert(!(recs[2].notes & KLOG_NOTE_HEAD_MISSING));
}
END_TEST

START_TEST(test_era_b_continuation)
{
	/* a printk continuation broken by another CPU's line, no prefix on the tail */
	const char *const lines[] = {
		"<3>[   10.000100] AMD-Vi: Event logged [",
		"<4>[   10.000101] ata1: SATA link up 6.0 Gbps",
		"IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x000000000245a0c0 flags=0x0070]",
		NULL,
	};
	run_free(lines);
	ck_assert_int_eq(nrec, 1);
	ck_assert_int_eq(recs[0].type, KLOG_IO_PAGE_FAULT);
	ck_assert_uint_eq(recs[0].line, 3);
	ck_assert_uint_eq(recs[0].head_line, 1);
	/* the tail has no time: the head's is used */
	ck_assert_str_eq(recs[0].time.mono_text, "10.000100");
	ck_assert_int_eq(recs[0].level, 3);
}
END_TEST

/* One printk record of several lines, as makedumpfile --dump-dmesg
 * (vmcore-dmesg.txt), crash's log and dmesg(1) write it: the further lines
 * indented as wide as the first line's prefix, without a timestamp.  They
 * belong to that record: its time, level and caller id. */
START_TEST(test_multi_line_record)
{
	const char *const lines[] = {
		"[    5.000000] Unstable clock detected, switching default tracing clock to \"global\"",
		"               If you want to keep using the local clock, then add:",
		"                 \"trace_clock=local\"",
		"               on the kernel command line",
		"[    6.000001] test: two lines",
		"               AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x1000 flags=0x0070]",
		"[100000.250000] [    C1] test: wider prefix",
		"                         AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.2 domain=0x000e address=0x2000 flags=0x0070]",
		"[    7.000000] test: an indent narrower than the prefix is not a continuation",
		"    AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.3 domain=0x000f address=0x3000 flags=0x0070]",
		NULL,
	};
	run_free(lines);
	ck_assert_int_eq(nunparsed, 0);
	ck_assert_int_eq(nrec, 3);
	ck_assert_int_eq(recs[0].type, KLOG_IO_PAGE_FAULT);
	ck_assert_uint_eq(recs[0].line, 6);
	ck_assert_str_eq(recs[0].time.mono_text, "6.000001");
	ck_assert_uint_eq(recs[0].fn, 1);
	ck_assert_uint_eq(recs[1].line, 8);
	ck_assert_str_eq(recs[1].time.mono_text, "100000.250000");
	ck_assert_str_eq(recs[1].caller, "C1");
	ck_assert_uint_eq(recs[1].fn, 2);
	ck_assert_uint_eq(recs[2].line, 10);
	ck_assert(!recs[2].time.has_mono);
	ck_assert_uint_eq(recs[2].fn, 3);
}
END_TEST

/* A continuation line does not reach back over a file boundary. */
START_TEST(test_continuation_not_across_files)
{
	static const struct klog_parser_ops ops = { on_rec, on_bad };
	struct klog_parser *p = klog_parser_new(&ops, NULL);
	const char *head = "[    6.000001] test: two lines";
	const char *cont = "               AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x1000 flags=0x0070]";

	nrec = nunparsed = 0;
	klog_parser_set_file(p, "a.log");
	klog_parser_feed_line(p, head, strlen(head));
	klog_parser_set_file(p, "b.log");
	klog_parser_feed_line(p, cont, strlen(cont));
	klog_parser_flush(p);
	ck_assert_int_eq(nrec, 1);
	ck_assert(!recs[0].time.has_mono);
	klog_parser_free(p);
}
END_TEST

START_TEST(test_orphans)
{
	const char *const lines[] = {
		"[    1.0] iommu ivhd0: AMD-Vi: Event logged [",			/* head, no tail */
		"[    1.1] AMD-Vi: DTE[0]: 6000000100fe4003",			/* dump, no event */
		"[    1.2] AMD-Vi: Event logged [Device not attached to domain properly]", /* no device line */
		"[    1.3] AMD-Vi:   device=0000:02:00.0 domain=0x0005",	/* pairs with line 3 */
		"[    1.4] AMD-Vi: Event logged [Device not attached to domain properly]",
		NULL,
	};
	run_free(lines);
	ck_assert_int_eq(nunparsed, 2);
	ck_assert_uint_eq(unparsed_lines[0], 2);	/* the dump line, at once */
	ck_assert_uint_eq(unparsed_lines[1], 1);	/* the head, at flush */
	ck_assert(strstr(unparsed_reason[1], "incomplete"));
	ck_assert_int_eq(nrec, 2);
	ck_assert_int_eq(recs[0].type, KLOG_DEVICE_NOT_ATTACHED);
	ck_assert_uint_eq(recs[0].line, 4);
	ck_assert_uint_eq(recs[0].head_line, 3);
	ck_assert_uint_eq(recs[0].domain, 5);
	ck_assert_uint_eq(recs[0].bus, 2);
	ck_assert_int_eq(recs[1].type, KLOG_DEVICE_NOT_ATTACHED);
	ck_assert(recs[1].notes & KLOG_NOTE_TAIL_MISSING);
	ck_assert(!(recs[1].has & KLOG_HAS_BDF));
}
END_TEST

START_TEST(test_pair_window)
{
	/* a head and a tail too far apart do not pair */
	static char buf[KLOG_PAIR_WINDOW + 10][64];
	const char *lines[KLOG_PAIR_WINDOW + 12];
	int n = 0;
	lines[n++] = "AMD-Vi: Event logged [";
	for (int i = 0; i < KLOG_PAIR_WINDOW + 5; i++) {
		snprintf(buf[i], sizeof(buf[i]), "[ %d.0] filler line", i);
		lines[n++] = buf[i];
	}
	lines[n++] = "ILLEGAL_COMMAND_ERROR address=0x000000010227c0f0]";
	lines[n] = NULL;
	run_free(lines);
	ck_assert_int_eq(nunparsed, 1);
	ck_assert_uint_eq(unparsed_lines[0], 1);
	ck_assert_int_eq(nrec, 1);
	ck_assert(recs[0].notes & KLOG_NOTE_HEAD_MISSING);
}
END_TEST

START_TEST(test_cmd_and_8x32_dte)
{
	const char *const lines[] = {
		"AMD-Vi: Event logged [ILLEGAL_COMMAND_ERROR address=0x000000010227c0f0]",
		"AMD-Vi: CMD[0]: 00000001",
		"AMD-Vi: CMD[1]: f0000000",
		"AMD-Vi: CMD[2]: 00000000",
		"AMD-Vi: CMD[3]: 00000000",
		"AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY device=03:00.0 address=0x00000000fee00000 flags=0x0a00]",
		"AMD-Vi: DTE[0]: 00fe4003", "AMD-Vi: DTE[1]: 60000001", "AMD-Vi: DTE[2]: 00000000",
		"AMD-Vi: DTE[3]: 00000000", "AMD-Vi: DTE[4]: 09d89001", "AMD-Vi: DTE[5]: 20000001",
		"AMD-Vi: DTE[6]: 00000000", "AMD-Vi: DTE[7]: 00000000",
		"AMD-Vi: CMD[0]: 00000001",	/* no event for it */
		NULL,
	};
	run_free(lines);
	ck_assert_int_eq(nrec, 2);
	ck_assert_int_eq(recs[0].dump_kind, KLOG_DUMP_CMD);
	ck_assert_int_eq(recs[0].ndump, 4);
	ck_assert_uint_eq(recs[0].dump[1], 0xf0000000);
	ck_assert_int_eq(recs[1].dump_kind, KLOG_DUMP_DTE);
	ck_assert_int_eq(recs[1].ndump, 8);
	ck_assert_int_eq(recs[1].dump_digits, 8);
	ck_assert_uint_eq(recs[1].dump[4], 0x09d89001);
	ck_assert_int_eq(nunparsed, 1);
	ck_assert_uint_eq(unparsed_lines[0], 15);
}
END_TEST

START_TEST(test_bad_neighbours)
{
	/* garbage around good lines never costs a good line */
	static char longline[100 * 1024];
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	const char nul_line[] = "[ 1.0] AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x0001\0 address=0x1 flags=0x0]";
	struct klog_parser *p;
	static const struct klog_parser_ops ops = { on_rec, on_bad };
	p = klog_parser_new(&ops, NULL);
	nrec = nunparsed = 0;
	klog_parser_set_file(p, "n.log");
	const char *good = "[ 2.0] AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x0002 address=0x2 flags=0x0]";
	klog_parser_feed_line(p, longline, strlen(longline));
	klog_parser_feed_line(p, good, strlen(good));
	klog_parser_feed_line(p, "\xff\xfe\x80\x81 AMD-Vi: Event logged [IO_PAGE_FAULT dev", 45);
	klog_parser_feed_line(p, good, strlen(good));
	klog_parser_feed_line(p, nul_line, sizeof(nul_line) - 1);
	klog_parser_feed_line(p, "", 0);
	klog_parser_feed_line(p, "\x1b[31m\r\r", 7);
	klog_parser_feed_line(p, good, strlen(good));
	klog_parser_flush(p);
	ck_assert_int_eq(nrec, 4);
	ck_assert_uint_eq(recs[0].line, 2);
	ck_assert_uint_eq(recs[1].line, 4);
	ck_assert_uint_eq(recs[2].line, 5);	/* the NUL byte is dropped */
	ck_assert_uint_eq(recs[2].domain, 1);
	ck_assert_uint_eq(recs[3].line, 8);
	ck_assert_int_eq(nunparsed, 1);
	ck_assert_uint_eq(unparsed_lines[0], 3);
	ck_assert_uint_eq(klog_parser_get_stats(p)->lines, 8);
	klog_parser_free(p);
}
END_TEST

START_TEST(test_random_bytes_do_not_crash)
{
	static const struct klog_parser_ops ops = { on_rec, on_bad };
	struct klog_parser *p = klog_parser_new(&ops, NULL);
	char buf[512];
	const char *seeds[] = { "AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0x1 flags=0x0]",
				"iommu ivhd0: AMD-Vi: Event logged [", "[    1.0] AMD-Vi:   device=0000:06:00.0 domain=0x0000",
				"AMD-Vi: DTE[0]: 6000000100fe4003", "amd_iommu_int_thread: 12 callbacks suppressed" };
	unsigned seed = 12345;
	nrec = nunparsed = 0;
	for (int iter = 0; iter < 20000; iter++) {
		const char *s = seeds[iter % 5];
		size_t n = strlen(s);
		memcpy(buf, s, n);
		/* mutate a few bytes and truncate */
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[(seed >> 8) % n] = (char)(seed >> 16);
		}
		seed = seed * 1103515245u + 12345u;
		size_t len = (seed >> 8) % (n + 1);
		klog_parser_feed_line(p, buf, len);
	}
	klog_parser_flush(p);
	ck_assert_uint_eq(klog_parser_get_stats(p)->lines, 20000);
	klog_parser_free(p);
}
END_TEST

START_TEST(test_set_file_flushes_and_resets)
{
	static const struct klog_parser_ops ops = { on_rec, on_bad };
	struct klog_parser *p = klog_parser_new(&ops, NULL);
	nrec = nunparsed = 0;
	klog_parser_set_file(p, "a.log");
	klog_parser_feed_line(p, "x", 1);
	klog_parser_feed_line(p, "AMD-Vi: Event logged [", 22);
	klog_parser_set_file(p, "b.log");
	ck_assert_int_eq(nunparsed, 1);		/* a.log's head resolved at the switch */
	const char *t = "ILLEGAL_COMMAND_ERROR address=0x1]";
	klog_parser_feed_line(p, t, strlen(t));
	klog_parser_flush(p);
	ck_assert_int_eq(nrec, 1);
	ck_assert_str_eq(recs[0].file, "b.log");
	ck_assert_uint_eq(recs[0].line, 1);
	ck_assert(recs[0].notes & KLOG_NOTE_HEAD_MISSING);
	klog_parser_free(p);
}
END_TEST

START_TEST(test_feed_file)
{
	const char text[] = "[ 1.0] AMD-Vi: Command buffer timeout\r\nno newline at end: AMD-Vi: IOMMU event log overflow";
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	static const struct klog_parser_ops ops = { on_rec, on_bad };
	struct klog_parser *p = klog_parser_new(&ops, NULL);
	nrec = nunparsed = 0;
	klog_parser_set_file(p, "mem");
	ck_assert_int_eq(klog_parser_feed_file(p, f), 0);
	klog_parser_flush(p);
	fclose(f);
	ck_assert_int_eq(nrec, 2);
	ck_assert_int_eq(recs[0].type, KLOG_COMMAND_BUFFER_TIMEOUT);
	ck_assert_int_eq(recs[1].type, KLOG_EVENT_LOG_OVERFLOW);
	ck_assert_uint_eq(recs[1].line, 2);
	klog_parser_free(p);
}
END_TEST

/* ------------------------------------------------------------ JSON */

static char *json_of(const struct klog_record *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	klog_record_write_json(r, f);
	fclose(f);
	return buf;
}

static const char *const required_keys[] = { "file", "line", "type", "segment", "bdf", "domain", "pasid",
					     "address", "flags", "driver", "iommu", "suppressed", "time" };

static void assert_required_keys(const char *json)
{
	for (size_t k = 0; k < sizeof(required_keys) / sizeof(required_keys[0]); k++) {
		char pat[32];
		snprintf(pat, sizeof(pat), "\"%s\":", required_keys[k]);
		ck_assert_msg(strstr(json, pat), "key %s missing in %s", required_keys[k], json);
	}
	ck_assert(json[0] == '{');
	ck_assert(json[strlen(json) - 1] == '\n');
	ck_assert(json[strlen(json) - 2] == '}');
}

START_TEST(test_json_every_type)
{
	const char *const lines[] = {
		"[    2.000001] nvme 0000:01:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d address=0xfffc0000 flags=0x0020]",
		"[    2.000100] iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY device=0000:02:00.0 pasid=0x00000 address=0xfee00000 flags=0x0a00]",
		"[    2.000200] iommu ivhd0: AMD-Vi: Event logged [DEV_TAB_HARDWARE_ERROR device=0000:02:00.0 address=0x100fe4000 flags=0x0400]",
		"[    2.000300] iommu ivhd0: AMD-Vi: Event logged [PAGE_TAB_HARDWARE_ERROR device=0000:03:00.0 pasid=0x0000 address=0x10a3b2000 flags=0x0400]",
		"[    2.000400] iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_COMMAND_ERROR address=0x10227c0f0]",
		"[    2.000500] iommu ivhd0: AMD-Vi: Event logged [COMMAND_HARDWARE_ERROR address=0x10227c100 flags=0x0400]",
		"[    2.000600] iommu ivhd1: AMD-Vi: Event logged [IOTLB_INV_TIMEOUT device=0001:40:00.0 address=0x10227c200]",
		"[    2.000700] iommu ivhd0: AMD-Vi: Event logged [INVALID_DEVICE_REQUEST device=0000:01:00.0 pasid=0x00001 address=0x7f0000 flags=0x0100]",
		"[    2.000800] iommu ivhd0: AMD-Vi: Event logged [INVALID_PPR_REQUEST device=0000:01:00.0 pasid=0x00002 address=0x7f1000 flags=0x0021 tag=0x01a]",
		"[    2.000900] nvme 0000:01:00.0: AMD-Vi: Event logged [RMP_PAGE_FAULT vmg_tag=0x0003, gpa=0x41000, flags_rmp=0x0001, flags=0x0020]",
		"[    2.000903] AMD-Vi: Event logged [RMP_HW_ERROR device=0000:05:00.0, vmg_tag=0x0004, spa=0x1235000, flags=0x0000]",
		"[    2.001000] iommu ivhd0: AMD-Vi: Event logged [UNKNOWN event[0]=0x00010100 event[1]=0xa0000000 event[2]=0x00001000 event[3]=0x00000000",
		"[    5.000000] AMD-Vi: Completion-Wait loop timed out",
		"[    5.000002] AMD-Vi: Command buffer timeout",
		"[    2.003002] AMD-Vi: IOMMU event log overflow",
		"[    2.002000] AMD-Vi: Event logged [Device not attached to domain properly]",
		"[    2.002001] AMD-Vi:   device=0000:06:00.0 domain=0x0000",
		"[    2.003000] amd_iommu_report_page_fault: 25 callbacks suppressed",
		"[    0.913300] AMD-Vi: Translation is already enabled - trying to copy translation structures",
		"[    0.913400] AMD-Vi: Copied DEV table from previous kernel.",
		"[    0.913500] AMD-Vi: Failed to copy DEV table from previous kernel.",
		"[    0.411000] AMD-Vi: Translation was enabled for IOMMU:0 but we are not in kdump mode",
		NULL,
	};
	static const char *const expect[] = {
		"{\"file\":\"test.log\",\"line\":1,\"type\":\"IO_PAGE_FAULT\",\"segment\":0,\"bdf\":\"01:00.0\",\"domain\":13,\"pasid\":null,\"address\":\"0xfffc0000\",\"flags\":32,\"driver\":\"nvme\",\"iommu\":null,\"suppressed\":null,\"time\":2.000001",
		"{\"file\":\"test.log\",\"line\":2,\"type\":\"ILLEGAL_DEV_TABLE_ENTRY\",\"segment\":0,\"bdf\":\"02:00.0\",\"domain\":null,\"pasid\":0,\"address\":\"0xfee00000\",\"flags\":2560,\"driver\":null,\"iommu\":\"ivhd0\",\"suppressed\":null,\"time\":2.000100",
		"{\"file\":\"test.log\",\"line\":3,\"type\":\"DEV_TAB_HARDWARE_ERROR\",\"segment\":0,\"bdf\":\"02:00.0\",\"domain\":null,\"pasid\":null,\"address\":\"0x100fe4000\",\"flags\":1024,\"driver\":null,\"iommu\":\"ivhd0\",\"suppressed\":null,\"time\":2.000200",
		"{\"file\":\"test.log\",\"line\":4,\"type\":\"PAGE_TAB_HARDWARE_ERROR\",\"segment\":0,\"bdf\":\"03:00.0\",\"domain\":null,\"pasid\":0,\"address\":\"0x10a3b2000\",\"flags\":1024,\"driver\":null,\"iommu\":\"ivhd0\",\"suppressed\":null,\"time\":2.000300",
		"{\"file\":\"test.log\",\"line\":5,\"type\":\"ILLEGAL_COMMAND_ERROR\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,\"address\":\"0x10227c0f0\",\"flags\":null,\"driver\":null,\"iommu\":\"ivhd0\",\"suppressed\":null,\"time\":2.000400",
		"{\"file\":\"test.log\",\"line\":6,\"type\":\"COMMAND_HARDWARE_ERROR\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,\"address\":\"0x10227c100\",\"flags\":1024,\"driver\":null,\"iommu\":\"ivhd0\",\"suppressed\":null,\"time\":2.000500",
		"{\"file\":\"test.log\",\"line\":7,\"type\":\"IOTLB_INV_TIMEOUT\",\"segment\":1,\"bdf\":\"40:00.0\",\"domain\":null,\"pasid\":null,\"address\":\"0x10227c200\",\"flags\":null,\"driver\":null,\"iommu\":\"ivhd1\",\"suppressed\":null,\"time\":2.000600",
		"{\"file\":\"test.log\",\"line\":8,\"type\":\"INVALID_DEVICE_REQUEST\",\"segment\":0,\"bdf\":\"01:00.0\",\"domain\":null,\"pasid\":1,\"address\":\"0x7f0000\",\"flags\":256,\"driver\":null,\"iommu\":\"ivhd0\",\"suppressed\":null,\"time\":2.000700",
		"{\"file\":\"test.log\",\"line\":9,\"type\":\"INVALID_PPR_REQUEST\",\"segment\":0,\"bdf\":\"01:00.0\",\"domain\":null,\"pasid\":2,\"address\":\"0x7f1000\",\"flags\":33,\"driver\":null,\"iommu\":\"ivhd0\",\"suppressed\":null,\"time\":2.000800",
		"{\"file\":\"test.log\",\"line\":10,\"type\":\"RMP_PAGE_FAULT\",\"segment\":0,\"bdf\":\"01:00.0\",\"domain\":null,\"pasid\":null,\"address\":\"0x41000\",\"flags\":32,\"driver\":\"nvme\",\"iommu\":null,\"suppressed\":null,\"time\":2.000900",
		"{\"file\":\"test.log\",\"line\":11,\"type\":\"RMP_HW_ERROR\",\"segment\":0,\"bdf\":\"05:00.0\",\"domain\":null,\"pasid\":null,\"address\":\"0x1235000\",\"flags\":0,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":2.000903",
		"{\"file\":\"test.log\",\"line\":12,\"type\":\"UNKNOWN\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":\"ivhd0\",\"suppressed\":null,\"time\":2.001000",
		"{\"file\":\"test.log\",\"line\":13,\"type\":\"COMPLETION_WAIT_TIMEOUT\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":5.000000,\"vendor\":\"amd\"}",
		"{\"file\":\"test.log\",\"line\":14,\"type\":\"COMMAND_BUFFER_TIMEOUT\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":5.000002,\"vendor\":\"amd\"}",
		"{\"file\":\"test.log\",\"line\":15,\"type\":\"EVENT_LOG_OVERFLOW\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":2.003002,\"vendor\":\"amd\"}",
		"{\"file\":\"test.log\",\"line\":17,\"type\":\"DEVICE_NOT_ATTACHED\",\"segment\":0,\"bdf\":\"06:00.0\",\"domain\":0,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":2.002001",
		"{\"file\":\"test.log\",\"line\":18,\"type\":\"RATELIMIT_SUPPRESSED\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":25,\"time\":2.003000",
		"{\"file\":\"test.log\",\"line\":19,\"type\":\"KDUMP_TRANSLATION_PRE_ENABLED\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":0.913300,\"vendor\":\"amd\"}",
		"{\"file\":\"test.log\",\"line\":20,\"type\":\"KDUMP_DEV_TABLE_COPIED\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":0.913400,\"vendor\":\"amd\"}",
		"{\"file\":\"test.log\",\"line\":21,\"type\":\"KDUMP_DEV_TABLE_COPY_FAILED\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,\"suppressed\":null,\"time\":0.913500,\"vendor\":\"amd\"}",
		"{\"file\":\"test.log\",\"line\":22,\"type\":\"TRANSLATION_ENABLED_NOT_KDUMP\",\"segment\":null,\"bdf\":null,\"domain\":null,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":\"ivhd0\",\"suppressed\":null,\"time\":0.411000",
	};
	run_free(lines);
	ck_assert_int_eq(nunparsed, 0);
	ck_assert_int_eq(nrec, (int)(sizeof(expect) / sizeof(expect[0])));
	for (int i = 0; i < nrec; i++) {
		char *j = json_of(&recs[i]);
		assert_required_keys(j);
		ck_assert_msg(!strncmp(j, expect[i], strlen(expect[i])), "record %d:\n got %s want %s", i, j, expect[i]);
		free(j);
	}
	/* extra keys */
	char *j = json_of(&recs[1]);
	ck_assert(strstr(j, "\"era\":\"E\""));
	free(j);
	j = json_of(&recs[8]);
	ck_assert(strstr(j, "\"tag\":26"));
	free(j);
	j = json_of(&recs[9]);
	ck_assert(strstr(j, "\"vmg_tag\":3"));
	ck_assert(strstr(j, "\"flags_rmp\":1"));
	free(j);
	j = json_of(&recs[11]);
	ck_assert(strstr(j, "\"raw\":[\"0x00010100\",\"0xa0000000\",\"0x00001000\",\"0x00000000\"]"));
	free(j);
	j = json_of(&recs[15]);
	ck_assert(strstr(j, "\"head_line\":16"));
	free(j);
	j = json_of(&recs[16]);
	ck_assert(strstr(j, "\"function\":\"amd_iommu_report_page_fault\""));
	free(j);
	j = json_of(&recs[20]);
	ck_assert(strstr(j, "\"iommu_index\":0"));
	free(j);
}
END_TEST

START_TEST(test_json_wall_time_and_escaping)
{
	const char *const lines[] = {
		"[Tue Nov 24 02:50:01 2026] AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x000000000245a0c0 flags=0x0070]",
		"AMD-Vi: Translation is already enabled - trying to reuse translation structures",
		NULL,
	};
	run_free(lines);
	ck_assert_int_eq(nrec, 2);
	recs[0].file = "dir/we\"ird\\\x01\xff.log";
	char *j = json_of(&recs[0]);
	ck_assert_msg(strstr(j, "{\"file\":\"dir/we\\\"ird\\\\\\u0001\\ufffd.log\""), "%s", j);
	ck_assert(strstr(j, "\"segment\":null,\"bdf\":\"00:14.1\""));
	ck_assert(strstr(j, "\"time\":\"Tue Nov 24 02:50:01 2026\""));
	ck_assert(strstr(j, "\"address\":\"0x245a0c0\""));
	free(j);
	j = json_of(&recs[1]);
	ck_assert(strstr(j, "\"time\":null"));
	ck_assert(strstr(j, "\"reuse\":true"));
	free(j);
}
END_TEST

/* ------------------------------------------------------------ 7.x */

/* The container prefixes a 7.x line arrives with (docs/log-formats.md §1). */
static const char *const prefixes_7x[] = {
	"[  100.000001] ",
	"<3>[  100.000001] ",
	"[  100.000001][    T1] ",
	"[Tue Nov 24 02:50:01 2026] ",
	"2026-11-24T02:50:01,123456+00:00 ",
	"Nov 24 02:50:01 host kernel: ",
	"",
};
#define NPREFIX (sizeof(prefixes_7x) / sizeof(prefixes_7x[0]))

static char lines_7x[600][192];
static const char *line_ptrs_7x[601];

/* Builds the lines "prefix + msgs[i]" into line_ptrs_7x (NULL-terminated). */
static const char *const *with_prefix(const char *prefix, const char *const *msgs)
{
	int i;
	for (i = 0; msgs[i]; i++) {
		snprintf(lines_7x[i], sizeof(lines_7x[i]), "%s%s", prefix, msgs[i]);
		line_ptrs_7x[i] = lines_7x[i];
	}
	line_ptrs_7x[i] = NULL;
	return line_ptrs_7x;
}

START_TEST(test_7x_control_reg_tied_to_event)
{
	static const char *const msgs[] = {
		"iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY device=0000:02:00.0 pasid=0x00000 address=0xfee00000 flags=0x0a00]",
		"iommu ivhd1: AMD-Vi: Control Reg : 0x1d",	/* another IOMMU's, with no event */
		"iommu ivhd0: AMD-Vi: Control Reg : 0xc22000003f48d",
		"iommu ivhd0: AMD-Vi: DTE[0]: 6000000100fe4003",
		"iommu ivhd0: AMD-Vi: DTE[1]: 0000000000000000",
		"iommu ivhd0: AMD-Vi: DTE[2]: 2000000109d89001",
		"iommu ivhd0: AMD-Vi: DTE[3]: 0000000000000000",
		NULL,
	};
	for (size_t k = 0; k < NPREFIX; k++) {
		run_free(with_prefix(prefixes_7x[k], msgs));
		ck_assert_msg(nrec == 3 && nunparsed == 0, "prefix '%s': %d records, %d unparsed", prefixes_7x[k], nrec,
			      nunparsed);
		ck_assert_int_eq(recs[0].type, KLOG_ILLEGAL_DEV_TABLE_ENTRY);
		ck_assert_int_eq(recs[0].ndump, 4);
		ck_assert_uint_eq(recs[0].dump[2], 0x2000000109d89001ull);
		ck_assert_int_eq(recs[1].type, KLOG_CONTROL_REGISTER);
		ck_assert_uint_eq(recs[1].line, 2);
		ck_assert_uint_eq(recs[1].value, 0x1d);
		ck_assert_str_eq(recs[1].iommu, "ivhd1");
		ck_assert(!(recs[1].has & KLOG_HAS_EVENT_LINE));
		ck_assert_int_eq(recs[2].type, KLOG_CONTROL_REGISTER);
		ck_assert_uint_eq(recs[2].line, 3);
		ck_assert_uint_eq(recs[2].value, 0xc22000003f48dull);
		ck_assert_str_eq(recs[2].iommu, "ivhd0");
		ck_assert(recs[2].has & KLOG_HAS_EVENT_LINE);
		ck_assert_uint_eq(recs[2].event_line, 1);
		ck_assert_int_eq(recs[2].time.has_mono || recs[2].time.has_wall, k + 1 < NPREFIX);
	}

	run_free(with_prefix("[  100.000001] ", msgs));
	char *j = json_of(&recs[2]);
	ck_assert_str_eq(j, "{\"file\":\"test.log\",\"line\":3,\"type\":\"CONTROL_REGISTER\",\"segment\":null,\"bdf\":null,"
			    "\"domain\":null,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":\"ivhd0\","
			    "\"suppressed\":null,\"time\":100.000001,\"vendor\":\"amd\",\"value\":\"0xc22000003f48d\",\"event_line\":1}\n");
	free(j);
}
END_TEST

/* wait_on_sem()'s timeout, then dump_command_buffer(): the header and its
 * 512 slots become one record. */
static const char *const *cmd_buffer_msgs(int skip_slot)
{
	static char m[520][96];
	static const char *mp[521];
	int n = 0;

	snprintf(m[n], sizeof(m[n]), "AMD-Vi: IOMMU 0000:00:02.0: Completion-Wait loop timed out");
	mp[n] = m[n], n++;
	snprintf(m[n], sizeof(m[n]), "AMD-Vi: CMD Buffer head=5 tail=7");
	mp[n] = m[n], n++;
	for (int i = 0; i < KLOG_CMD_BUFFER_ENTRIES; i++) {
		if (i == skip_slot)
			continue;
		if (i == 5)	/* INVALIDATE_IOMMU_PAGES domain 3, all pages, PDE */
			snprintf(m[n], sizeof(m[n]), "AMD-Vi: %3d: 00000000 30000003 fffff003 7fffffff", i);
		else if (i == 6)	/* COMPLETION_WAIT store 0x11be000 data 0x134 */
			snprintf(m[n], sizeof(m[n]), "AMD-Vi: %3d: 011be001 10000000 00000134 00000000", i);
		else if (i < 5)
			snprintf(m[n], sizeof(m[n]), "AMD-Vi: %3d: 011be001 10000000 %08x 00000000", i, 0x130 + i);
		else
			snprintf(m[n], sizeof(m[n]), "AMD-Vi: %3d: 00000000 00000000 00000000 00000000", i);
		mp[n] = m[n], n++;
	}
	snprintf(m[n], sizeof(m[n]), "AMD-Vi: Command buffer timeout");
	mp[n] = m[n], n++;
	mp[n] = NULL;
	return mp;
}

START_TEST(test_7x_cmd_buffer_dump)
{
	for (size_t k = 0; k < NPREFIX; k++) {
		struct klog_parser *p = run(with_prefix(prefixes_7x[k], cmd_buffer_msgs(-1)));
		ck_assert_msg(nrec == 3 && nunparsed == 0, "prefix '%s': %d records, %d unparsed", prefixes_7x[k], nrec,
			      nunparsed);
		ck_assert_int_eq(recs[0].type, KLOG_COMPLETION_WAIT_TIMEOUT);
		ck_assert_str_eq(recs[0].iommu, "0000:00:02.0");
		const struct klog_record *r = &recs[1];
		ck_assert_int_eq(r->type, KLOG_COMMAND_BUFFER_DUMP);
		ck_assert_uint_eq(r->line, 2);
		ck_assert(r->has & KLOG_HAS_HEAD_TAIL);
		ck_assert_uint_eq(r->cmd_head, 5);
		ck_assert_uint_eq(r->cmd_tail, 7);
		ck_assert(r->has & KLOG_HAS_EVENT_LINE);
		ck_assert_uint_eq(r->event_line, 1);
		ck_assert_str_eq(r->iommu, "0000:00:02.0");
		ck_assert_uint_eq(r->ncmd_buffer, 512);
		for (int i = 0; i < KLOG_CMD_BUFFER_ENTRIES; i++)
			ck_assert(r->cmd_buffer_seen[i]);
		ck_assert_uint_eq(r->cmd_buffer[0][2], 0x130);
		ck_assert_uint_eq(r->cmd_buffer[5][1], 0x30000003);
		ck_assert_uint_eq(r->cmd_buffer[6][2], 0x134);
		ck_assert_uint_eq(r->cmd_buffer[511][0], 0);
		/* the record after the 512 lines comes out after the dump */
		ck_assert_int_eq(recs[2].type, KLOG_COMMAND_BUFFER_TIMEOUT);
		ck_assert_uint_eq(recs[2].line, 515);
		klog_parser_free(p);
	}

	/* JSON: head, tail, pending count, every slot decoded as the analysis
	 * decodes the ring; slots head..tail-1 are pending */
	struct klog_parser *p = run(with_prefix("[  200.000001] ", cmd_buffer_msgs(-1)));
	char *j = json_of(&recs[1]);
	static const char want_start[] = "{\"file\":\"test.log\",\"line\":2,\"type\":\"COMMAND_BUFFER_DUMP\",\"segment\":null,\"bdf\":null,"
				  "\"domain\":null,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,"
				  "\"iommu\":\"0000:00:02.0\",\"suppressed\":null,\"time\":200.000001,\"vendor\":\"amd\",\"head\":5,\"tail\":7,"
				  "\"pending\":2,\"cmd_buffer\":[{\"index\":0,\"offset\":0,"
				  "\"raw\":[\"0x011be001\",\"0x10000000\",\"0x00000130\",\"0x00000000\"],\"op\":\"COMPLETION_WAIT\","
				  "\"text\":\"COMPLETION_WAIT store=0x11be000 data=0x130 S\"},";
	ck_assert_msg(!strncmp(j, want_start, sizeof(want_start) - 1), "%.600s", j);
	ck_assert_msg(strstr(j, "{\"index\":5,\"offset\":80,\"raw\":[\"0x00000000\",\"0x30000003\",\"0xfffff003\",\"0x7fffffff\"],"
				"\"op\":\"INVALIDATE_IOMMU_PAGES\",\"text\":\"INVALIDATE_IOMMU_PAGES domain=3 addr=all pde\","
				"\"pending\":true},"
				"{\"index\":6,\"offset\":96,\"raw\":[\"0x011be001\",\"0x10000000\",\"0x00000134\",\"0x00000000\"],"
				"\"op\":\"COMPLETION_WAIT\",\"text\":\"COMPLETION_WAIT store=0x11be000 data=0x134 S\",\"pending\":true},"
				"{\"index\":7,\"offset\":112,\"raw\":[\"0x00000000\",\"0x00000000\",\"0x00000000\",\"0x00000000\"],"
				"\"op\":null},"),
		      "%s", j);
	ck_assert(strstr(j, "{\"index\":511,\"offset\":8176,\"raw\":[\"0x00000000\",\"0x00000000\",\"0x00000000\",\"0x00000000\"],"
			    "\"op\":null}],\"event_line\":1}\n"));
	free(j);
	klog_parser_free(p);

	/* a lost line leaves its slot out; it costs nothing else */
	p = run(with_prefix("[  200.000001] ", cmd_buffer_msgs(100)));
	ck_assert_int_eq(nrec, 3);
	ck_assert_int_eq(nunparsed, 0);
	ck_assert_uint_eq(recs[1].ncmd_buffer, 511);
	ck_assert(!recs[1].cmd_buffer_seen[100]);
	ck_assert(recs[1].cmd_buffer_seen[101]);
	j = json_of(&recs[1]);
	ck_assert(!strstr(j, "\"index\":100,"));
	ck_assert(strstr(j, "{\"index\":101,\"offset\":1616,"));
	free(j);
	klog_parser_free(p);
}
END_TEST

START_TEST(test_7x_cmd_buffer_orphans)
{
	static const char *const lines[] = {
		"[    1.0] AMD-Vi:   0: 00000000 00000000 00000000 00000000",	/* no header */
		"[    2.0] AMD-Vi: CMD Buffer head=0 tail=1",	/* no timeout before it */
		"[    2.1] AMD-Vi:   0: 011be001 10000000 00000001 00000000",
		"[    2.2] AMD-Vi:   1: 011be001 10000000 00000002 00000000",
		"[    2.3] AMD-Vi:   1: 011be001 10000000 00000003 00000000",	/* slot again */
		"[    2.4] AMD-Vi: Completion-Wait loop timed out",
		NULL,
	};
	struct klog_parser *p = run(lines);
	ck_assert_int_eq(nunparsed, 2);
	ck_assert_uint_eq(unparsed_lines[0], 1);
	ck_assert_str_eq(unparsed_reason[0], "command-buffer dump line without its 'CMD Buffer head= tail=' line");
	ck_assert_uint_eq(unparsed_lines[1], 5);
	ck_assert_str_eq(unparsed_reason[1], "command-buffer dump slot out of order");
	ck_assert_int_eq(nrec, 2);
	ck_assert_int_eq(recs[0].type, KLOG_COMMAND_BUFFER_DUMP);
	ck_assert(!(recs[0].has & KLOG_HAS_EVENT_LINE));
	ck_assert(!(recs[0].has & KLOG_HAS_IOMMU));
	ck_assert_uint_eq(recs[0].ncmd_buffer, 2);
	ck_assert_uint_eq(recs[0].cmd_buffer[1][2], 2);
	ck_assert_int_eq(recs[1].type, KLOG_COMPLETION_WAIT_TIMEOUT);
	klog_parser_free(p);

	/* a second dump while the first waits behind a pending split head:
	 * the first is emitted whole, the second gathers its own slots */
	static const char *const two[] = {
		"[    1.0] AMD-Vi: Event logged [",
		"[    1.1] AMD-Vi: CMD Buffer head=0 tail=0",
		"[    1.2] AMD-Vi:   0: 011be001 10000000 00000001 00000000",
		"[    1.3] AMD-Vi: CMD Buffer head=3 tail=3",
		"[    1.4] AMD-Vi:   0: 011be001 10000000 00000009 00000000",
		NULL,
	};
	p = run(two);
	ck_assert_int_eq(nrec, 2);
	ck_assert_int_eq(nunparsed, 1);	/* the head without its tail */
	ck_assert_uint_eq(recs[0].line, 2);
	ck_assert_uint_eq(recs[0].cmd_head, 0);
	ck_assert_uint_eq(recs[0].ncmd_buffer, 1);
	ck_assert_uint_eq(recs[1].line, 4);
	ck_assert_uint_eq(recs[1].cmd_head, 3);
	ck_assert_uint_eq(recs[1].ncmd_buffer, 1);
	ck_assert_uint_eq(recs[1].cmd_buffer[0][2], 9);
	klog_parser_free(p);
}
END_TEST

/* ------------------------------------------------------------ summary */

START_TEST(test_summary)
{
	const char *const lines[] = {
		"[    2.0] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0x1 flags=0x0020]",
		"[    2.5] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0x2 flags=0x0020]",
		"[    3.0] amd_iommu_report_page_fault: 25 callbacks suppressed",
		"[    3.1] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:02:00.0 domain=0x000e address=0x2 flags=0x0020]",
		"[   60.0] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0x3 flags=0x0020]",
		"[   61.0] AMD-Vi: Copied DEV table from previous kernel.",
		NULL,
	};
	run_free(lines);
	struct klog_summary *s = klog_summary_new();
	for (int i = 0; i < nrec; i++)
		klog_summary_add(s, &recs[i]);
	klog_summary_add_unparsed(s);
	ck_assert_uint_eq(klog_summary_count(s, KLOG_IO_PAGE_FAULT), 4);
	ck_assert_uint_eq(klog_summary_count(s, KLOG_RATELIMIT_SUPPRESSED), 1);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	klog_summary_print(s, f);
	fclose(f);
	ck_assert_msg(strstr(buf, "IO_PAGE_FAULT                             4"), "%s", buf);
	ck_assert(strstr(buf, "0000:01:00.0   -                     3"));
	ck_assert(strstr(buf, "0x000d          3"));
	ck_assert(strstr(buf, "lines 1-4: 3 faults, first 2.0, last 3.1 (1.100 s), 25 suppressed"));
	ck_assert(strstr(buf, "lines 5-5: 1 fault, first 60.0, last 60.0"));
	ck_assert(strstr(buf, "Messages suppressed by ratelimit: 25"));
	ck_assert(strstr(buf, "unparsed AMD-Vi-looking lines: 1"));
	ck_assert(strstr(buf, "old device table copied"));
	free(buf);
	klog_summary_free(s);
}
END_TEST

START_TEST(test_type_names)
{
	for (int t = 1; t < KLOG_NTYPES; t++) {
		const char *n = klog_type_name((enum klog_type)t);
		ck_assert_int_eq(klog_type_from_name(n, strlen(n)), t);
	}
	ck_assert_str_eq(klog_type_name(KLOG_IO_PAGE_FAULT), "IO_PAGE_FAULT");
	ck_assert_str_eq(klog_type_name(KLOG_TRANSLATION_ENABLED_NOT_KDUMP), "TRANSLATION_ENABLED_NOT_KDUMP");
	ck_assert_int_eq(klog_type_from_name("IO_PAGE", 7), KLOG_NONE);
	ck_assert(klog_type_is_event(KLOG_UNKNOWN));
	ck_assert(!klog_type_is_event(KLOG_COMPLETION_WAIT_TIMEOUT));
}
END_TEST

Suite *klog_parser_suite(void)
{
	Suite *s = suite_create("klog_parser");
	TCase *tc = tcase_create("assemble");
	tcase_add_test(tc, test_single_lines_and_file_line);
	tcase_add_test(tc, test_era_c_split_with_dte);
	tcase_add_test(tc, test_interleaved_iommus_and_tail_first);
	tcase_add_test(tc, test_era_b_continuation);
	tcase_add_test(tc, test_multi_line_record);
	tcase_add_test(tc, test_continuation_not_across_files);
	tcase_add_test(tc, test_orphans);
	tcase_add_test(tc, test_pair_window);
	tcase_add_test(tc, test_cmd_and_8x32_dte);
	tcase_add_test(tc, test_7x_control_reg_tied_to_event);
	tcase_add_test(tc, test_7x_cmd_buffer_dump);
	tcase_add_test(tc, test_7x_cmd_buffer_orphans);
	tcase_add_test(tc, test_bad_neighbours);
	tcase_add_test(tc, test_random_bytes_do_not_crash);
	tcase_add_test(tc, test_set_file_flushes_and_resets);
	tcase_add_test(tc, test_feed_file);
	suite_add_tcase(s, tc);
	TCase *tj = tcase_create("output");
	tcase_add_test(tj, test_json_every_type);
	tcase_add_test(tj, test_json_wall_time_and_escaping);
	tcase_add_test(tj, test_summary);
	tcase_add_test(tj, test_type_names);
	suite_add_tcase(s, tj);
	return s;
}
