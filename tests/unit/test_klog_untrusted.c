/*
 * klog on damaged and strange real-world logs (issue 14): split events when
 * every line carries a syslog or journal prefix, several boots in one file,
 * timestamps going backwards, driver markers printed without the "AMD-Vi: "
 * tag, ratelimit summaries of any function or device, and AMD-Vi lines the
 * parser does not know (counted and handed out, never dropped).
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klog/klog_line.h"

#define MAXREC 64

static struct klog_record recs[MAXREC];
static int nrec;
static uint64_t bad_line[MAXREC];
static int nbad;
/* unrecognised lines, with their text copied out of the callback */
static struct klog_record unk[MAXREC];
static char unk_text[MAXREC][200];
static size_t unk_len[MAXREC];
static int nunk;
/* the order of every callback: 'r' record, 'u' unrecognised, 'b' unparsed */
static char order[4 * MAXREC];
static int norder;

static void note(char c)
{
	if (norder + 1 < (int)sizeof(order))
		order[norder++] = c;
	order[norder] = 0;
}

static void on_rec(const struct klog_record *r, void *ctx)
{
	(void)ctx;
	if (nrec < MAXREC)
		recs[nrec] = *r;
	nrec++;
	note('r');
}

static void on_bad(const char *file, uint64_t line, const char *reason, const char *text, size_t len, void *ctx)
{
	(void)file, (void)reason, (void)text, (void)len, (void)ctx;
	if (nbad < MAXREC)
		bad_line[nbad] = line;
	nbad++;
	note('b');
}

static void on_unk(const struct klog_record *r, void *ctx)
{
	(void)ctx;
	if (nunk < MAXREC) {
		unk[nunk] = *r;
		snprintf(unk_text[nunk], sizeof(unk_text[nunk]), "%.*s", (int)r->text_len, r->text);
		unk[nunk].text = NULL;
		unk_len[nunk] = r->text_len;
	}
	nunk++;
	note('u');
}

static void reset_results(void)
{
	nrec = nbad = nunk = norder = 0;
	order[0] = 0;
	memset(recs, 0, sizeof(recs));
	memset(unk, 0, sizeof(unk));
}

/* Feeds the lines (NULL-terminated) as one file and flushes; the parser is
 * returned for its statistics. */
static struct klog_parser *run(const char *const *lines, bool want_unrecognised)
{
	static const struct klog_parser_ops ops = { on_rec, on_bad };
	struct klog_parser *p = klog_parser_new(&ops, NULL);
	ck_assert_ptr_nonnull(p);
	if (want_unrecognised)
		klog_parser_on_unrecognised(p, on_unk);
	reset_results();
	klog_parser_set_file(p, "test.log");
	for (int i = 0; lines[i]; i++)
		klog_parser_feed_line(p, lines[i], strlen(lines[i]));
	klog_parser_flush(p);
	return p;
}

static void run_free(const char *const *lines)
{
	klog_parser_free(run(lines, false));
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

/* ------------------------------------------------- (c) markers without the tag */

START_TEST(test_untagged_markers)
{
	static const struct {
		const char *msg;
		enum klog_type type;
		bool reuse;
	} ok[] = {
		{ "Translation is already enabled - trying to copy translation structures", KLOG_KDUMP_TRANSLATION_PRE_ENABLED, false },
		{ "Translation is already enabled - trying to reuse translation structures", KLOG_KDUMP_TRANSLATION_PRE_ENABLED, true },
		{ "Copied DEV table from previous kernel.", KLOG_KDUMP_DEV_TABLE_COPIED, false },
		{ "Reused DEV table from previous kernel.", KLOG_KDUMP_DEV_TABLE_COPIED, true },
		{ "Failed to copy DEV table from previous kernel.", KLOG_KDUMP_DEV_TABLE_COPY_FAILED, false },
		{ "Failed to reuse DEV table from previous kernel.", KLOG_KDUMP_DEV_TABLE_COPY_FAILED, true },
		{ "Translation was enabled for IOMMU:1 but we are not in kdump mode", KLOG_TRANSLATION_ENABLED_NOT_KDUMP, false },
		{ "Re-using command buffer from the previous kernel", KLOG_KDUMP_BUFFER_REUSED, true },
		{ "Re-using event buffer from the previous kernel", KLOG_KDUMP_BUFFER_REUSED, true },
		{ "Re-using CWB buffers from the previous kernel", KLOG_KDUMP_BUFFER_REUSED, true },
		{ "The device table size of IOMMU:0 is not expected!", KLOG_KDUMP_DEV_TABLE_COPY_ERROR, false },
		{ "The address of old device table is above 4G, not trustworthy!", KLOG_KDUMP_DEV_TABLE_COPY_ERROR, false },
		{ "Failed to allocate memory for copying old device table!", KLOG_KDUMP_DEV_TABLE_COPY_ERROR, false },
		{ "Wrong old irq remapping flag: 0x20000000", KLOG_KDUMP_DEV_TABLE_COPY_ERROR, false },
		{ "Failed to remap memory for reusing old device table!", KLOG_KDUMP_DEV_TABLE_COPY_ERROR, true },
		{ "Completion-Wait loop timed out", KLOG_COMPLETION_WAIT_TIMEOUT, false },
		{ "IOMMU 0000:00:02.0: Completion-Wait loop timed out", KLOG_COMPLETION_WAIT_TIMEOUT, false },
		{ "IOMMU event log overflow", KLOG_EVENT_LOG_OVERFLOW, false },
		{ "IOMMU Event log restarting", KLOG_EVENT_LOG_OVERFLOW, false },
		{ "IOMMU GA Log overflow", KLOG_OTHER_LOG_OVERFLOW, false },
		{ "IOMMU PPR log restarting", KLOG_OTHER_LOG_OVERFLOW, false },
		{ "Resetting IOMMU command buffer", KLOG_COMMAND_BUFFER_RESET, false },
	};
	static const char *const prefixes[] = {
		"", "[    0.913300] ", "Nov 24 02:50:01 host kernel: ", "Nov 24 02:50:01 host kernel: [    0.9133] ",
		"[Tue Nov 24 02:50:01 2026] ",
	};
	for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++)
		for (size_t q = 0; q < sizeof(prefixes) / sizeof(prefixes[0]); q++) {
			char line[256];
			const char *lines[] = { line, NULL };
			snprintf(line, sizeof(line), "%s%s", prefixes[q], ok[k].msg);
			run_free(lines);
			ck_assert_msg(nrec == 1, "'%s': %d records", line, nrec);
			ck_assert_msg(recs[0].type == ok[k].type, "'%s': type %s", line, klog_type_name(recs[0].type));
			ck_assert_int_eq(!!(recs[0].notes & KLOG_NOTE_REUSE), ok[k].reuse);
		}

	/* the fields are read as with the tag */
	const char *const fields[] = {
		"[    0.4] Translation was enabled for IOMMU:1 but we are not in kdump mode",
		"[    0.5] Re-using CWB buffers from the previous kernel",
		"[    5.0] IOMMU 0000:00:02.0: Completion-Wait loop timed out",
		NULL,
	};
	run_free(fields);
	ck_assert_int_eq(nrec, 3);
	ck_assert_str_eq(recs[0].iommu, "ivhd1");
	ck_assert_int_eq(recs[0].iommu_index, 1);
	ck_assert_str_eq(recs[1].detail, "CWB");
	ck_assert_str_eq(recs[2].iommu, "0000:00:02.0");
}
END_TEST

/* Wording that other drivers could print is recognised only with the tag. */
START_TEST(test_untagged_ambiguous_not_taken)
{
	const char *const lines[] = {
		"[    5.0] Command buffer timeout",
		"[    5.0] mlx5_core 0000:41:00.0: Command buffer timeout",
		"[    5.0] No event written to event log",
		"[    5.0] Completion wait loop failed",
		"[    0.5] Re-using DMA buffer from the previous kernel",
		"[    0.5] Re-using command buffer",
		"[    0.5] DMAR: Translation already enabled - trying to copy translation structures",
		"[    0.5] DMAR: Copied translation tables from previous kernel for dmar0",
		"[    0.5] DMAR: Translation was enabled for dmar0 but we are not in kdump mode",
		NULL,
	};
	struct klog_parser *p = run(lines, true);
	ck_assert_int_eq(nrec, 0);
	ck_assert_int_eq(nbad, 0);
	ck_assert_int_eq(nunk, 0);
	klog_parser_free(p);

	const char *const tagged[] = {
		"[    5.0] AMD-Vi: Command buffer timeout",
		"[    5.0] AMD-Vi: No event written to event log",
		"[    5.0] Kernel panic - not syncing: AMD IOMMU: Completion wait loop failed",
		NULL,
	};
	run_free(tagged);
	ck_assert_int_eq(nrec, 3);
	ck_assert_int_eq(recs[0].type, KLOG_COMMAND_BUFFER_TIMEOUT);
	ck_assert_int_eq(recs[1].type, KLOG_NO_EVENT_WRITTEN);
	ck_assert_int_eq(recs[2].type, KLOG_COMPLETION_WAIT_TIMEOUT);
}
END_TEST

/* ------------------------------------------------- (d) ratelimit summaries */

START_TEST(test_ratelimit_known_functions)
{
	const char *const lines[] = {
		"[    2.0] amd_iommu_report_page_fault: 12 callbacks suppressed",
		"[    2.1] iommu_print_event: 5 callbacks suppressed",
		"[    2.2] __iommu_queue_command_sync: 3 callbacks suppressed",
		"Nov 24 02:50:01 host kernel: [    2.3] amd_iommu_int_thread: 40 callbacks suppressed",
		"[    2.4] iommu ivhd1: 7 callbacks suppressed",
		"[    2.5] pci 0000:00:00.2: AMD-Vi: 2 callbacks suppressed",
		NULL,
	};
	run_free(lines);
	ck_assert_int_eq(nrec, 6);
	ck_assert_str_eq(recs[0].function, "amd_iommu_report_page_fault");
	ck_assert_uint_eq(recs[0].suppressed, 12);
	ck_assert_str_eq(recs[1].function, "iommu_print_event");
	ck_assert_str_eq(recs[2].function, "__iommu_queue_command_sync");
	ck_assert_uint_eq(recs[3].suppressed, 40);
	ck_assert_int_eq(recs[4].type, KLOG_RATELIMIT_SUPPRESSED);
	ck_assert_str_eq(recs[4].iommu, "ivhd1");
	ck_assert_uint_eq(recs[4].suppressed, 7);
	ck_assert_int_eq(recs[5].type, KLOG_RATELIMIT_SUPPRESSED);
	ck_assert_str_eq(recs[5].driver, "pci");
	ck_assert(recs[5].has & KLOG_HAS_BDF);
	ck_assert_uint_eq(recs[5].fn, 2);
	for (int i = 0; i < nrec; i++)
		ck_assert(!(recs[i].has & KLOG_HAS_EVENT_LINE));
}
END_TEST

/*
 * ___ratelimit() prints "<func>: N callbacks suppressed" right before the
 * message that passes: a summary of a function we do not know, or one named
 * after a device, is the AMD IOMMU driver's when an AMD-Vi line follows it
 * at once (the next line, or the one after when another CPU's line came
 * between, and at most 0.1 s later).
 */
START_TEST(test_ratelimit_any_function_or_device)
{
	const char *const lines[] = {
		"[    2.000000] some_new_amd_func: 12 callbacks suppressed",						/* 1 */
		"[    2.000001] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0xfffc0000 flags=0x0020]", /* 2 */
		"[    2.100000] nvme 0000:01:00.0: 9 callbacks suppressed",						/* 3 */
		"[    2.100001] usb 1-1: reset high-speed USB device number 2 using xhci_hcd",				/* 4 */
		"[    2.100002] nvme 0000:01:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d address=0xfffc0040 flags=0x0020]", /* 5 */
		"[    3.000000] e1000e_poll: 4 callbacks suppressed",							/* 6: nothing of ours follows */
		"[    3.000001] e1000e 0000:00:19.0 eth0: Reset adapter",						/* 7 */
		"[    3.500000] ixgbe_poll: 2 callbacks suppressed",							/* 8: ours, but 3 s later */
		"[    6.500000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0xfffc0080 flags=0x0020]", /* 9 */
		"[    7.000000] net_ratelimit: 10 callbacks suppressed",						/* 10: a global limiter */
		"[    7.000001] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0xfffc00c0 flags=0x0020]", /* 11 */
		"[    8.000000] foo_worker: 3 callbacks suppressed",							/* 12: three lines before */
		"[    8.000001] a",
		"[    8.000002] b",
		"[    8.000003] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0xfffc0100 flags=0x0020]", /* 15 */
		"Nov 24 02:50:01 host kernel: [    9.000000] amdvi_helper: 6 callbacks suppressed",			/* 16 */
		"Nov 24 02:50:01 host kernel: [    9.000001] AMD-Vi: Event logged [",					/* 17 */
		"Nov 24 02:50:01 host kernel: [    9.000002] IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x0000000000001000 flags=0x0070]", /* 18 */
		NULL,
	};
	run_free(lines);
	ck_assert_int_eq(nbad, 0);
	/* 1+2, 3+5, 9, 11, 15, 16+18 */
	ck_assert_int_eq(nrec, 9);
	ck_assert_int_eq(recs[0].type, KLOG_RATELIMIT_SUPPRESSED);
	ck_assert_uint_eq(recs[0].line, 1);
	ck_assert_str_eq(recs[0].function, "some_new_amd_func");
	ck_assert_uint_eq(recs[0].suppressed, 12);
	ck_assert(recs[0].has & KLOG_HAS_EVENT_LINE);
	ck_assert_uint_eq(recs[0].event_line, 2);
	ck_assert_uint_eq(recs[1].line, 2);

	ck_assert_int_eq(recs[2].type, KLOG_RATELIMIT_SUPPRESSED);
	ck_assert_uint_eq(recs[2].line, 3);
	ck_assert_str_eq(recs[2].driver, "nvme");
	ck_assert(recs[2].has & KLOG_HAS_SEGMENT);
	ck_assert_uint_eq(recs[2].bus, 1);
	ck_assert(!(recs[2].has & KLOG_HAS_FUNCTION));
	ck_assert_uint_eq(recs[2].suppressed, 9);
	ck_assert_uint_eq(recs[2].event_line, 5);
	ck_assert_uint_eq(recs[3].line, 5);

	ck_assert_uint_eq(recs[4].line, 9);
	ck_assert_int_eq(recs[4].type, KLOG_IO_PAGE_FAULT);
	ck_assert_uint_eq(recs[5].line, 11);
	ck_assert_uint_eq(recs[6].line, 15);

	ck_assert_int_eq(recs[7].type, KLOG_RATELIMIT_SUPPRESSED);
	ck_assert_uint_eq(recs[7].line, 16);
	ck_assert_str_eq(recs[7].function, "amdvi_helper");
	ck_assert_uint_eq(recs[7].event_line, 17);
	ck_assert_uint_eq(recs[8].line, 18);

	char *j = json_of(&recs[2]);
	ck_assert_msg(strstr(j, "\"type\":\"RATELIMIT_SUPPRESSED\",\"segment\":0,\"bdf\":\"01:00.0\",\"domain\":null,"
				"\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":\"nvme\",\"iommu\":null,"
				"\"suppressed\":9,\"time\":2.100000,\"event_line\":5}"), "%s", j);
	free(j);

	/* the summary names what was suppressed */
	struct klog_summary *s = klog_summary_new();
	for (int i = 0; i < nrec; i++)
		klog_summary_add(s, &recs[i]);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	klog_summary_print(s, f);
	fclose(f);
	ck_assert_msg(strstr(buf, "Messages suppressed by ratelimit: 27"), "%s", buf);
	ck_assert_msg(strstr(buf, "some_new_amd_func"), "%s", buf);
	ck_assert_msg(strstr(buf, "nvme 0000:01:00.0"), "%s", buf);
	free(buf);
	klog_summary_free(s);
}
END_TEST

/* A summary waiting for its line does not outlive its file or its boot. */
START_TEST(test_ratelimit_not_across_files)
{
	static const struct klog_parser_ops ops = { on_rec, on_bad };
	struct klog_parser *p = klog_parser_new(&ops, NULL);
	const char *a = "some_func: 3 callbacks suppressed";
	const char *b = "AMD-Vi: Completion-Wait loop timed out";
	reset_results();
	klog_parser_set_file(p, "a.log");
	klog_parser_feed_line(p, a, strlen(a));
	klog_parser_set_file(p, "b.log");
	klog_parser_feed_line(p, b, strlen(b));
	klog_parser_flush(p);
	ck_assert_int_eq(nrec, 1);
	ck_assert_int_eq(recs[0].type, KLOG_COMPLETION_WAIT_TIMEOUT);
	klog_parser_free(p);
}
END_TEST

/* ------------------------------------------------- (e) lines we do not know */

START_TEST(test_unrecognised_lines)
{
	const char *const lines[] = {
		"[    0.9] pci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40",					/* 1: known, info */
		"[    2.2] AMD-Vi: Something new we do not know",						/* 2 */
		"[    2.2] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0x1 flags=0x0020]", /* 3 */
		"Nov 24 02:50:01 host kernel: [    2.3] iommu ivhd0: AMD-Vi: weird",				/* 4 */
		"[    2.4] iommu ivhd0: AMD-Vi: Event logged [",							/* 5 */
		"[    2.4] pci 0000:00:00.2: AMD-Vi: Odd thing 0x12",						/* 6 */
		"[    2.4] iommu ivhd0: IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x0000000000001000 flags=0x0070]", /* 7 */
		"[    2.5] AMD-Vi: Interrupt remapping enabled",						/* 8: known */
		"[    2.6] iommu ivhd1: no tag here",								/* 9 */
		"[    2.6] AMD IOMMU: an era A line we do not know",						/* 10 */
		"[    2.7] usb 1-1: AMD something",								/* 11: not ours */
		NULL,
	};
	struct klog_parser *p = run(lines, true);
	const struct klog_parser_stats *st = klog_parser_get_stats(p);
	ck_assert_int_eq(nbad, 0);
	ck_assert_int_eq(nrec, 2);
	ck_assert_int_eq(nunk, 5);
	ck_assert_uint_eq(st->unrecognised, 5);
	ck_assert_uint_eq(st->other_amdvi, 2);
	ck_assert_uint_eq(st->records, 2);
	/* handed out in line order, the pending split included */
	ck_assert_str_eq(order, "uruuruu");
	ck_assert_uint_eq(unk[0].line, 2);
	ck_assert_int_eq(unk[0].type, KLOG_UNRECOGNISED);
	ck_assert_str_eq(unk_text[0], "AMD-Vi: Something new we do not know");
	ck_assert_str_eq(unk[0].time.mono_text, "2.2");
	ck_assert_uint_eq(unk[1].line, 4);
	ck_assert_str_eq(unk_text[1], "iommu ivhd0: AMD-Vi: weird");
	ck_assert_str_eq(unk[1].iommu, "ivhd0");
	ck_assert_str_eq(unk[1].time.wall, "Nov 24 02:50:01");
	ck_assert_uint_eq(unk[2].line, 6);
	ck_assert_str_eq(unk[2].driver, "pci");
	ck_assert_uint_eq(unk[2].fn, 2);
	ck_assert_uint_eq(unk[3].line, 9);
	ck_assert_uint_eq(unk[4].line, 10);

	/* JSON: the required keys, then the text */
	unk[0].text = unk_text[0];
	unk[0].text_len = strlen(unk_text[0]);
	char *j = json_of(&unk[0]);
	ck_assert_str_eq(j, "{\"file\":\"test.log\",\"line\":2,\"type\":\"UNRECOGNISED\",\"segment\":null,\"bdf\":null,"
			    "\"domain\":null,\"pasid\":null,\"address\":null,\"flags\":null,\"driver\":null,\"iommu\":null,"
			    "\"suppressed\":null,\"time\":2.2,\"text\":\"AMD-Vi: Something new we do not know\"}\n");
	free(j);

	/* the summary counts them */
	struct klog_summary *s = klog_summary_new();
	for (int i = 0; i < nrec; i++)
		klog_summary_add(s, &recs[i]);
	klog_summary_add_stats(s, st);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	klog_summary_print(s, f);
	fclose(f);
	ck_assert_msg(strstr(buf, "unrecognised AMD-Vi lines: 5 (use -v to list them)"), "%s", buf);
	ck_assert_msg(strstr(buf, "other AMD-Vi lines (init, info): 2"), "%s", buf);
	free(buf);
	klog_summary_free(s);
	klog_parser_free(p);

	/* without the callback they are still counted, and records are unchanged */
	p = run(lines, false);
	ck_assert_int_eq(nunk, 0);
	ck_assert_int_eq(nrec, 2);
	ck_assert_uint_eq(klog_parser_get_stats(p)->unrecognised, 5);
	klog_parser_free(p);
}
END_TEST

/* Without the callback they are only counted: the records around them come
 * out as before. */
START_TEST(test_unrecognised_without_callback)
{
	const char *const lines[] = {
		"[    1.0] AMD-Vi: Something new",
		"[    1.1] AMD-Vi: Completion-Wait loop timed out",
		"[    1.2] iommu ivhd3: odd",
		NULL,
	};
	run_free(lines);
	ck_assert_int_eq(nrec, 1);
	ck_assert_int_eq(nunk, 0);
	ck_assert_int_eq(nbad, 0);
	ck_assert_str_eq(order, "r");
}
END_TEST

/* A long unknown line is handed out on its first KLOG_TEXT_MAX - 1 bytes. */
START_TEST(test_unrecognised_long_line)
{
	static char line[4096];
	const char *lines[] = { line, NULL };
	memset(line, 'x', sizeof(line) - 1);
	memcpy(line, "AMD-Vi: ", 8);
	struct klog_parser *p = run(lines, true);
	ck_assert_int_eq(nunk, 1);
	ck_assert_uint_eq(unk_len[0], KLOG_TEXT_MAX - 1);
	ck_assert(!strncmp(unk_text[0], "AMD-Vi: xxx", 11));
	klog_parser_free(p);
}
END_TEST

Suite *klog_untrusted_suite(void)
{
	Suite *s = suite_create("klog_untrusted");
	TCase *tc = tcase_create("markers_and_ratelimit");
	tcase_add_test(tc, test_untagged_markers);
	tcase_add_test(tc, test_untagged_ambiguous_not_taken);
	tcase_add_test(tc, test_ratelimit_known_functions);
	tcase_add_test(tc, test_ratelimit_any_function_or_device);
	tcase_add_test(tc, test_ratelimit_not_across_files);
	suite_add_tcase(s, tc);
	TCase *te = tcase_create("unrecognised");
	tcase_add_test(te, test_unrecognised_lines);
	tcase_add_test(te, test_unrecognised_without_callback);
	tcase_add_test(te, test_unrecognised_long_line);
	suite_add_tcase(s, te);
	return s;
}
