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

/* ------------------------------------------------- (a) split events, every prefix */

/*
 * Every prefix of docs/log-formats.md section 1 (and the combinations a
 * syslog daemon or a serial console adds), on both halves of a split event.
 * Second column: the tail's prefix when it differs from the head's.
 */
static const char *const split_prefixes[][2] = {
	{ "", "" },
	{ "[   12.300000] ", "[   12.300001] " },
	{ "<3>[   12.300000] ", "<3>[   12.300001] " },
	{ "<3>", "<3>" },
	{ "[   12.300000][    T1] ", "[   12.300001][    T1] " },
	{ "[   12.300000][    C0] ", "[   12.300001][    C0] " },
	{ "[ 12.3] [  T12] ", "[ 12.3] [  T12] " },
	{ "[Tue Nov 24 02:50:01 2026] ", "[Tue Nov 24 02:50:01 2026] " },
	{ "[   12.300000 <    0.000123>] ", "[   12.300001 <    0.000001>] " },
	{ "[<    0.000123>] ", "[<    0.000001>] " },
	{ "[Nov24 02:50] ", "[Nov24 02:50] " },
	{ "[  +0.000123] ", "[  +0.000001] " },
	{ "2026-11-24T02:50:01,123456+00:00 ", "2026-11-24T02:50:01,123457+00:00 " },
	{ "Nov 24 02:50:01 host kernel: ", "Nov 24 02:50:01 host kernel: " },
	{ "Nov  4 02:50:01 host kernel: ", "Nov  4 02:50:02 host kernel: " },
	{ "Nov 24 02:50:01.123456 host kernel: ", "Nov 24 02:50:01.123457 host kernel: " },
	{ "2026-11-24T02:50:01+0000 host kernel: ", "2026-11-24T02:50:01+0000 host kernel: " },
	{ "2026-11-24T02:50:01.123456+00:00 host kernel: ", "2026-11-24T02:50:01.123457+00:00 host kernel: " },
	{ "Tue 2026-11-24 02:50:01 UTC host kernel: ", "Tue 2026-11-24 02:50:01 UTC host kernel: " },
	{ "[   12.300000] host kernel: ", "[   12.300001] host kernel: " },
	{ "Nov 24 02:50:01 host kernel: [   12.300000] ", "Nov 24 02:50:01 host kernel: [   12.300001] " },
	{ "Nov 24 02:50:01 host.example.com kernel: [   12.3] ", "Nov 24 02:50:01 host.example.com kernel: [   12.3] " },
	{ "Nov 24 02:50:01 host kernel: [   12.300000][    T1] ", "Nov 24 02:50:01 host kernel: [   12.300001][    T1] " },
	{ "Nov 24 02:50:01 host kernel: <3>[   12.300000] ", "Nov 24 02:50:01 host kernel: <3>[   12.300001] " },
	{ "2026-11-24T02:50:01.123456+01:00 host kernel: [   12.3] ", "2026-11-24T02:50:01.123457+01:00 host kernel: [   12.3] " },
	/* a syslog priority in front of the header (on the wire, some templates) */
	{ "<3>Nov 24 02:50:01 host kernel: [   12.300000] ", "<3>Nov 24 02:50:01 host kernel: [   12.300001] " },
	{ "<11>Nov 24 02:50:01 host kernel: ", "<11>Nov 24 02:50:01 host kernel: " },
	/* serial console: colours, carriage returns, garbage in front */
	{ "\x1b[31m[   12.300000] \x1b[0m", "\r[   12.300001] " },
	{ "\xff\xfe garbage [   12.300000] ", "\xfe\xfe noise [   12.300001] " },
	/* the tail printed as a bare continuation, no prefix at all */
	{ "Nov 24 02:50:01 host kernel: [   12.300000] ", "" },
};
#define NSPLIT (sizeof(split_prefixes) / sizeof(split_prefixes[0]))

static const char *const *two_lines(const char *p1, const char *m1, const char *p2, const char *m2)
{
	static char buf[2][512];
	static const char *lines[3];
	snprintf(buf[0], sizeof(buf[0]), "%s%s", p1, m1);
	snprintf(buf[1], sizeof(buf[1]), "%s%s", p2, m2);
	lines[0] = buf[0];
	lines[1] = buf[1];
	lines[2] = NULL;
	return lines;
}

START_TEST(test_split_every_prefix)
{
	for (size_t k = 0; k < NSPLIT; k++) {
		const char *ph = split_prefixes[k][0], *pt = split_prefixes[k][1];

		/* era A/B: a printk continuation broken in two */
		run_free(two_lines(ph, "AMD-Vi: Event logged [", pt,
				   "IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x000000000245a0c0 flags=0x0070]"));
		ck_assert_msg(nrec == 1 && nbad == 0, "era B, prefix %zu '%s': %d records, %d unparsed", k, ph, nrec,
			      nbad);
		ck_assert_int_eq(recs[0].type, KLOG_IO_PAGE_FAULT);
		ck_assert_uint_eq(recs[0].line, 2);
		ck_assert_uint_eq(recs[0].head_line, 1);
		ck_assert_uint_eq(recs[0].address, 0x245a0c0);

		/* era A: "AMD IOMMU:" and its continuation */
		run_free(two_lines(ph, "AMD IOMMU: Event logged [", pt,
				   "ILLEGAL_DEV_TABLE_ENTRY device=03:00.0 address=0x00000000fee00000 flags=0x0a00]"));
		ck_assert_msg(nrec == 1 && nbad == 0, "era A, prefix %zu '%s': %d records, %d unparsed", k, ph, nrec,
			      nbad);
		ck_assert_uint_eq(recs[0].head_line, 1);
		ck_assert_int_eq(recs[0].era, 'A');

		/* era C: two dev_err() lines on the IOMMU */
		run_free(two_lines(ph, "iommu ivhd0: AMD-Vi: Event logged [", pt,
				   "iommu ivhd0: ILLEGAL_DEV_TABLE_ENTRY device=03:00.0 pasid=0x00000 address=0x00000000fee00000 flags=0x0a00]"));
		ck_assert_msg(nrec == 1 && nbad == 0, "era C, prefix %zu '%s': %d records, %d unparsed", k, ph, nrec,
			      nbad);
		ck_assert_int_eq(recs[0].type, KLOG_ILLEGAL_DEV_TABLE_ENTRY);
		ck_assert_uint_eq(recs[0].head_line, 1);
		ck_assert_str_eq(recs[0].iommu, "ivhd0");

		/* 6.x: the "Device not attached" pair */
		run_free(two_lines(ph, "AMD-Vi: Event logged [Device not attached to domain properly]", pt,
				   "AMD-Vi:   device=0000:06:00.0 domain=0x0000"));
		ck_assert_msg(nrec == 1 && nbad == 0, "DNA, prefix %zu '%s': %d records, %d unparsed", k, ph, nrec, nbad);
		ck_assert_uint_eq(recs[0].head_line, 1);
		ck_assert_uint_eq(recs[0].bus, 6);
	}
}
END_TEST

/* The syslog prefix keeps both clocks: the kernel's time, and the wall clock
 * in wall_time; a <PRI> in front gives the level. */
START_TEST(test_syslog_priority_prefix)
{
	const char *const lines[] = {
		"<3>Nov 24 02:50:01 host kernel: [   12.300000] AMD-Vi: Event logged [",
		"<3>Nov 24 02:50:01 host kernel: [   12.300001] IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x1000 flags=0x0070]",
		"<11>Nov 24 02:50:02 host kernel: AMD-Vi: Completion-Wait loop timed out",
		NULL,
	};
	run_free(lines);
	ck_assert_int_eq(nbad, 0);
	ck_assert_int_eq(nrec, 2);
	ck_assert_str_eq(recs[0].time.mono_text, "12.300001");
	ck_assert_str_eq(recs[0].time.wall, "Nov 24 02:50:01");
	ck_assert_int_eq(recs[0].level, 3);
	ck_assert_int_eq(recs[1].type, KLOG_COMPLETION_WAIT_TIMEOUT);
	ck_assert_str_eq(recs[1].time.wall, "Nov 24 02:50:02");
	ck_assert_int_eq(recs[1].level, 3);	/* <11>: facility user, severity err */
}
END_TEST

/* ------------------------------------------------- (a) two boots in one file */

/* Two boots in one syslog file: the kernel's clock starts again at 0.  The
 * last head of boot 1 has lost its tail (the machine crashed); boot 2 splits
 * events of its own.  No half of boot 1 may pair with a half of boot 2. */
START_TEST(test_two_boots_syslog_linux_version)
{
	const char *const lines[] = {
		"Nov 24 02:50:01 host kernel: [    0.000000] Linux version 4.18.0-80.el8.x86_64 (mockbuild@example) #1 SMP",	/* 1 */
		"Nov 24 02:50:01 host kernel: [   12.300000] iommu ivhd0: AMD-Vi: Event logged [",				/* 2 */
		"Nov 24 02:50:01 host kernel: [   12.300001] iommu ivhd0: ILLEGAL_DEV_TABLE_ENTRY device=03:00.0 pasid=0x00000 address=0x00000000fee00000 flags=0x0a00]", /* 3 */
		"Nov 24 02:50:02 host kernel: [   13.000000] AMD-Vi: Event logged [",					/* 4 */
		"Nov 24 02:50:02 host kernel: [   13.000001] IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x000000000245a0c0 flags=0x0070]", /* 5 */
		"Nov 24 02:50:03 host kernel: [   14.000000] AMD-Vi: Event logged [",					/* 6: tail lost */
		"Nov 24 03:10:00 host systemd[1]: Started Journal Service.",						/* 7 */
		"Nov 24 03:10:00 host kernel: [    0.000000] Linux version 4.18.0-80.el8.x86_64 (mockbuild@example) #1 SMP",	/* 8 */
		"Nov 24 03:10:00 host kernel: [    1.000000] AMD-Vi: Event logged [",					/* 9 */
		"Nov 24 03:10:00 host kernel: [    1.000001] IO_PAGE_FAULT device=00:14.2 domain=0x000e address=0x0000000000001000 flags=0x0070]", /* 10 */
		"Nov 24 03:10:01 host kernel: [    2.000001] IO_PAGE_FAULT device=00:14.3 domain=0x000e address=0x0000000000002000 flags=0x0070]", /* 11 */
		"Nov 24 03:10:01 host kernel: [    2.000002] AMD-Vi: Event logged [",					/* 12 */
		NULL,
	};
	struct klog_parser *p = run(lines, false);
	ck_assert_int_eq(nbad, 1);
	ck_assert_uint_eq(bad_line[0], 6);
	ck_assert_int_eq(nrec, 4);
	ck_assert_uint_eq(recs[0].line, 3);
	ck_assert_uint_eq(recs[0].head_line, 2);
	ck_assert_uint_eq(recs[1].line, 5);
	ck_assert_uint_eq(recs[1].head_line, 4);
	ck_assert_uint_eq(recs[2].line, 10);
	ck_assert_uint_eq(recs[2].head_line, 9);
	ck_assert_str_eq(recs[2].time.mono_text, "1.000001");
	ck_assert_uint_eq(recs[3].line, 11);
	ck_assert_uint_eq(recs[3].head_line, 12);
	ck_assert_uint_eq(klog_parser_get_stats(p)->restarts, 1);
	klog_parser_free(p);
}
END_TEST

/* The same without any "Linux version" line (a log rotated in the middle of
 * boot 2's start): the printk clock going back is enough.  A tail of boot 2
 * whose head is in boot 1 is still a record, noted head_missing. */
START_TEST(test_two_boots_clock_restart)
{
	const char *const lines[] = {
		"Nov 24 02:50:03 host kernel: [   14.000000] AMD-Vi: Event logged [",					/* 1 */
		"Nov 24 03:10:00 host kernel: [    0.900000] pci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40",		/* 2 */
		"Nov 24 03:10:00 host kernel: [    1.000001] IO_PAGE_FAULT device=00:14.2 domain=0x000e address=0x0000000000001000 flags=0x0070]", /* 3 */
		"Nov 24 03:10:02 host kernel: [    3.000000] AMD-Vi: Event logged [",					/* 4 */
		"Nov 24 03:10:02 host kernel: [    3.000001] IO_PAGE_FAULT device=00:14.3 domain=0x000e address=0x0000000000002000 flags=0x0070]", /* 5 */
		NULL,
	};
	struct klog_parser *p = run(lines, false);
	ck_assert_int_eq(nbad, 1);
	ck_assert_uint_eq(bad_line[0], 1);
	ck_assert_int_eq(nrec, 2);
	ck_assert_uint_eq(recs[0].line, 3);
	ck_assert(recs[0].notes & KLOG_NOTE_HEAD_MISSING);
	ck_assert_uint_eq(recs[1].line, 5);
	ck_assert_uint_eq(recs[1].head_line, 4);
	ck_assert_uint_eq(klog_parser_get_stats(p)->restarts, 1);
	klog_parser_free(p);
}
END_TEST

/* journalctl without -b writes "-- Boot <id> --" (older: "-- Reboot --")
 * between boots, and its short format carries only the wall clock. */
START_TEST(test_two_boots_journal_separator)
{
	const char *const lines[] = {
		"-- Logs begin at Tue 2026-11-24 02:49:50 UTC, end at Tue 2026-11-24 03:11:00 UTC. --",		/* 1 */
		"Nov 24 02:50:03 host kernel: AMD-Vi: Event logged [",						/* 2 */
		"-- Boot 3f2a0c1d9e8b4a7f9c6d5e4f3a2b1c0d --",							/* 3 */
		"Nov 24 02:50:03 host kernel: IO_PAGE_FAULT device=00:14.2 domain=0x000e address=0x0000000000001000 flags=0x0070]", /* 4 */
		"Nov 24 02:50:04 host kernel: AMD-Vi: Completion-Wait loop timed out",				/* 5 */
		"-- Reboot --",												/* 6 */
		"Nov 24 02:50:04 host kernel: AMD-Vi: Event logged [",						/* 7 */
		"Nov 24 02:50:04 host kernel: IO_PAGE_FAULT device=00:14.3 domain=0x000e address=0x0000000000002000 flags=0x0070]", /* 8 */
		NULL,
	};
	struct klog_parser *p = run(lines, false);
	ck_assert_int_eq(nbad, 1);
	ck_assert_uint_eq(bad_line[0], 2);
	ck_assert_int_eq(nrec, 3);
	ck_assert_uint_eq(recs[0].line, 4);
	ck_assert(recs[0].notes & KLOG_NOTE_HEAD_MISSING);
	ck_assert_int_eq(recs[1].type, KLOG_COMPLETION_WAIT_TIMEOUT);
	ck_assert_uint_eq(recs[2].line, 8);
	ck_assert_uint_eq(recs[2].head_line, 7);
	ck_assert_uint_eq(klog_parser_get_stats(p)->restarts, 2);
	klog_parser_free(p);
}
END_TEST

/*
 * Two boots for every prefix that carries a clock: boot 1 ends with a head
 * whose tail was lost; boot 2 starts with a tail whose head was lost, then
 * splits an event of its own.  With the printk clock the restart is found
 * with or without the "Linux version" line; with a wall clock only, at
 * that line.  %s is the time: seconds since boot, or the wall clock's
 * seconds.
 */
START_TEST(test_two_boots_every_prefix)
{
	static const struct {
		const char *fmt;
		bool mono;
	} forms[] = {
		{ "[%s] ", true },
		{ "<3>[%s] ", true },
		{ "[%s][    T1] ", true },
		{ "[%s <    0.000001>] ", true },
		{ "[%s] host kernel: ", true },
		{ "Nov 24 02:50:01 host kernel: [%s] ", true },
		{ "<3>Nov 24 02:50:01 host kernel: [%s] ", true },
		{ "2026-11-24T02:50:01.123456+01:00 host kernel: [%s] ", true },
		{ "\xff\xfe garbage [%s] ", true },
		{ "[Tue Nov 24 02:50:%s 2026] ", false },
		{ "Nov 24 02:50:%s host kernel: ", false },
		{ "Nov 24 02:50:%s.123456 host kernel: ", false },
		{ "2026-11-24T02:50:%s+0000 host kernel: ", false },
		{ "Tue 2026-11-24 02:50:%s UTC host kernel: ", false },
		{ "2026-11-24T02:50:%s,123456+00:00 ", false },
	};
	static const char *const msgs[] = {
		"AMD-Vi: Event logged [",
		"Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org)",
		"IO_PAGE_FAULT device=00:14.2 domain=0x000e address=0x0000000000001000 flags=0x0070]",
		"AMD-Vi: Event logged [",
		"IO_PAGE_FAULT device=00:14.3 domain=0x000e address=0x0000000000002000 flags=0x0070]",
	};
	static const char *const mono[] = { "   14.000000", "    0.000000", "    1.000000", "    3.000000", "    3.000001" };
	static const char *const wall[] = { "14", "30", "31", "45", "45" };
	static char buf[5][256];

	for (size_t k = 0; k < sizeof(forms) / sizeof(forms[0]); k++)
		for (int with_version = 0; with_version < 2; with_version++) {
			const char *lines[6];
			int n = 0;
			char pre[128];

			if (!forms[k].mono && !with_version)
				continue;
			for (int i = 0; i < 5; i++) {
				if (i == 1 && !with_version)
					continue;
				snprintf(pre, sizeof(pre), forms[k].fmt, forms[k].mono ? mono[i] : wall[i]);
				snprintf(buf[i], sizeof(buf[i]), "%s%s", pre, msgs[i]);
				lines[n++] = buf[i];
			}
			lines[n] = NULL;
			struct klog_parser *p = run(lines, false);
			int t1 = with_version ? 3 : 2;	/* boot 2's lone tail */
			ck_assert_msg(nbad == 1 && bad_line[0] == 1 && nrec == 2,
				      "form %zu '%s' (version line %d): %d unparsed, %d records", k, forms[k].fmt,
				      with_version, nbad, nrec);
			ck_assert_uint_eq(recs[0].line, (uint64_t)t1);
			ck_assert(recs[0].notes & KLOG_NOTE_HEAD_MISSING);
			ck_assert_uint_eq(recs[1].line, (uint64_t)t1 + 2);
			ck_assert_uint_eq(recs[1].head_line, (uint64_t)t1 + 1);
			ck_assert_msg(klog_parser_get_stats(p)->restarts == 1, "form %zu '%s' (version line %d): %llu restarts",
				      k, forms[k].fmt, with_version,
				      (unsigned long long)klog_parser_get_stats(p)->restarts);
			klog_parser_free(p);
		}
}
END_TEST

/* ------------------------------------------------- (b) time going backwards */

/* CPUs' clocks disagree by a little: a tail stamped a few microseconds
 * before its head still pairs; halves more than a second apart do not. */
START_TEST(test_backwards_small_and_far_halves)
{
	const char *const lines[] = {
		"[   12.300010][    C1] iommu ivhd0: AMD-Vi: Event logged [",					/* 1 */
		"[   12.300002][    C0] iommu ivhd0: DEV_TAB_HARDWARE_ERROR device=03:00.0 address=0x0000000100fe4000 flags=0x0400]", /* 2 */
		"[   20.000000] AMD-Vi: Event logged [",								/* 3 */
		"[   25.000000] IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x000000000245a0c0 flags=0x0070]",	/* 4 */
		NULL,
	};
	run_free(lines);
	ck_assert_int_eq(nrec, 2);
	ck_assert_uint_eq(recs[0].line, 2);
	ck_assert_uint_eq(recs[0].head_line, 1);
	ck_assert_uint_eq(recs[1].line, 4);
	ck_assert(recs[1].notes & KLOG_NOTE_HEAD_MISSING);
	ck_assert_int_eq(nbad, 1);
	ck_assert_uint_eq(bad_line[0], 3);
}
END_TEST

/* Two dmesg captures pasted one after the other: the clock jumps back by
 * minutes.  Everything is still found; the summary's storms follow the
 * clock, and a storm's length is never negative. */
START_TEST(test_backwards_summary)
{
	const char *const lines[] = {
		"[  300.000000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0x1 flags=0x0020]",
		"[  300.100000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0x2 flags=0x0020]",
		"[  299.950000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0x3 flags=0x0020]",
		"[    5.000000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0x4 flags=0x0020]",
		"[    5.500000] AMD-Vi: Event logged [",
		"[    5.500001] IO_PAGE_FAULT device=00:14.1 domain=0x000d address=0x000000000245a0c0 flags=0x0070]",
		NULL,
	};
	struct klog_parser *p = run(lines, false);
	ck_assert_int_eq(nrec, 5);
	ck_assert_int_eq(nbad, 0);
	ck_assert_uint_eq(recs[4].head_line, 5);
	ck_assert_uint_eq(klog_parser_get_stats(p)->restarts, 1);

	struct klog_summary *s = klog_summary_new();
	for (int i = 0; i < nrec; i++)
		klog_summary_add(s, &recs[i]);
	klog_summary_add_stats(s, klog_parser_get_stats(p));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	klog_summary_print(s, f);
	fclose(f);
	ck_assert_msg(strstr(buf, "lines 1-3: 3 faults, first 300.000000, last 299.950000 (0.150 s)"), "%s", buf);
	ck_assert_msg(strstr(buf, "lines 4-6: 2 faults"), "%s", buf);
	ck_assert_msg(strstr(buf, "log restarts (a new boot, or the clock going back): 1"), "%s", buf);
	ck_assert(!strstr(buf, "(-"));
	free(buf);
	klog_summary_free(s);
	klog_parser_free(p);
}
END_TEST

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
		"", "[    0.913300] ", "<6>[    0.913300] ", "[    0.913300][    T1] ", "Nov 24 02:50:01 host kernel: ",
		"Nov 24 02:50:01 host kernel: [    0.9133] ", "<14>Nov 24 02:50:01 host kernel: [    0.9133] ",
		"[Tue Nov 24 02:50:01 2026] ", "2026-11-24T02:50:01+0000 host kernel: ", "[    0.913300] host kernel: ",
		"Tue 2026-11-24 02:50:01 UTC host kernel: ", "2026-11-24T02:50:01,123456+00:00 ",
		"\x1b[32m[    0.913300] \x1b[0m\r",
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
		/* Intel VT-d's kdump lines are never the AMD driver's: they are
		 * VT-d records (test_klog_dmar.c) */
		"[    0.5] DMAR: Translation already enabled - trying to copy translation structures",
		"[    0.5] DMAR: Copied translation tables from previous kernel for dmar0",
		"[    0.5] DMAR: Translation was enabled for dmar0 but we are not in kdump mode",
		NULL,
	};
	struct klog_parser *p = run(lines, true);
	ck_assert_int_eq(nrec, 3);
	for (int i = 0; i < nrec; i++) {
		ck_assert_int_eq(recs[i].vendor, KLOG_VENDOR_INTEL);
		ck_assert_int_eq(klog_type_vendor(recs[i].type), KLOG_VENDOR_INTEL);
	}
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
				"\"suppressed\":9,\"time\":2.100000,\"vendor\":\"amd\",\"event_line\":5}"), "%s", j);
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

/* The same under every prefix: the summary line and the AMD-Vi line each
 * carry their own. */
START_TEST(test_ratelimit_every_prefix)
{
	for (size_t k = 0; k < NSPLIT; k++) {
		run_free(two_lines(split_prefixes[k][0], "some_helper: 12 callbacks suppressed", split_prefixes[k][1],
				   "AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:01:00.0 domain=0x000d address=0x1 flags=0x0020]"));
		ck_assert_msg(nrec == 2, "prefix %zu '%s': %d records", k, split_prefixes[k][0], nrec);
		ck_assert_int_eq(recs[0].type, KLOG_RATELIMIT_SUPPRESSED);
		ck_assert_str_eq(recs[0].function, "some_helper");
		ck_assert_uint_eq(recs[0].event_line, 2);

		run_free(two_lines(split_prefixes[k][0], "xhci_hcd 0000:00:14.0: 3 callbacks suppressed",
				   split_prefixes[k][1], "AMD-Vi: Completion-Wait loop timed out"));
		ck_assert_msg(nrec == 2, "device, prefix %zu '%s': %d records", k, split_prefixes[k][0], nrec);
		ck_assert_str_eq(recs[0].driver, "xhci_hcd");
		ck_assert_uint_eq(recs[0].dev, 0x14);
	}
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

	const char *const boots[] = { a, "-- Reboot --", b, NULL };
	run_free(boots);
	ck_assert_int_eq(nrec, 1);
	ck_assert_int_eq(recs[0].type, KLOG_COMPLETION_WAIT_TIMEOUT);
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
			    "\"suppressed\":null,\"time\":2.2,\"vendor\":\"amd\",\"text\":\"AMD-Vi: Something new we do not know\"}\n");
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
	TCase *ta = tcase_create("split_and_boots");
	tcase_add_test(ta, test_split_every_prefix);
	tcase_add_test(ta, test_syslog_priority_prefix);
	tcase_add_test(ta, test_two_boots_syslog_linux_version);
	tcase_add_test(ta, test_two_boots_clock_restart);
	tcase_add_test(ta, test_two_boots_journal_separator);
	tcase_add_test(ta, test_two_boots_every_prefix);
	tcase_add_test(ta, test_backwards_small_and_far_halves);
	tcase_add_test(ta, test_backwards_summary);
	suite_add_tcase(s, ta);
	TCase *tc = tcase_create("markers_and_ratelimit");
	tcase_add_test(tc, test_untagged_markers);
	tcase_add_test(tc, test_untagged_ambiguous_not_taken);
	tcase_add_test(tc, test_ratelimit_known_functions);
	tcase_add_test(tc, test_ratelimit_any_function_or_device);
	tcase_add_test(tc, test_ratelimit_every_prefix);
	tcase_add_test(tc, test_ratelimit_not_across_files);
	suite_add_tcase(s, tc);
	TCase *te = tcase_create("unrecognised");
	tcase_add_test(te, test_unrecognised_lines);
	tcase_add_test(te, test_unrecognised_without_callback);
	tcase_add_test(te, test_unrecognised_long_line);
	suite_add_tcase(s, te);
	return s;
}
