/* klog: line cleaning and prefix stripping (src/klog/prefix.c). */
#include <check.h>
#include <math.h>
#include <string.h>

#include "klog/klog_line.h"

#define MSG "AMD-Vi: Completion-Wait loop timed out"

static void parse(const char *line, struct klog_prefix *p)
{
	klog_prefix_parse(line, strlen(line), p);
}

static const char *msg_of(const char *line, const struct klog_prefix *p)
{
	return line + p->msg_off;
}

START_TEST(test_plain_dmesg)
{
	struct klog_prefix p;
	const char *l = "[    1.234567] " MSG;
	parse(l, &p);
	ck_assert_str_eq(msg_of(l, &p), MSG);
	ck_assert(p.time.has_mono);
	ck_assert(!p.time.has_wall);
	ck_assert_str_eq(p.time.mono_text, "1.234567");
	ck_assert(fabs(p.time.mono - 1.234567) < 1e-9);
	ck_assert_int_eq(p.level, -1);
}
END_TEST

START_TEST(test_big_timestamp)
{
	struct klog_prefix p;
	const char *l = "[123456.000001] " MSG;
	parse(l, &p);
	ck_assert_str_eq(msg_of(l, &p), MSG);
	ck_assert_str_eq(p.time.mono_text, "123456.000001");
}
END_TEST

START_TEST(test_dmesg_T)
{
	struct klog_prefix p;
	const char *l = "[Tue Nov 24 02:50:01 2026] " MSG;
	parse(l, &p);
	ck_assert_str_eq(msg_of(l, &p), MSG);
	ck_assert(p.time.has_wall);
	ck_assert(!p.time.has_mono);
	ck_assert_str_eq(p.time.wall, "Tue Nov 24 02:50:01 2026");
	ck_assert(p.time.wall_sec_ok);
	/* 2026-11-24 02:50:01 UTC */
	ck_assert(fabs(p.time.wall_sec - 1795488601.0) < 1e-3);
}
END_TEST

START_TEST(test_dmesg_delta)
{
	struct klog_prefix p;
	const char *l = "[<    0.000123>] " MSG;
	parse(l, &p);
	ck_assert_str_eq(msg_of(l, &p), MSG);
	ck_assert(p.time.has_delta);
	ck_assert(!p.time.has_mono);
	ck_assert_str_eq(p.time.delta_text, "<    0.000123>");
	ck_assert(fabs(p.time.delta - 0.000123) < 1e-9);

	const char *l2 = "[    2.000001 <    1.999999>] " MSG;
	parse(l2, &p);
	ck_assert_str_eq(msg_of(l2, &p), MSG);
	ck_assert(p.time.has_mono && p.time.has_delta);
	ck_assert_str_eq(p.time.mono_text, "2.000001");

	const char *l3 = "[  +0.000200] " MSG;
	parse(l3, &p);
	ck_assert_str_eq(msg_of(l3, &p), MSG);
	ck_assert(p.time.has_delta && !p.time.has_mono);
}
END_TEST

START_TEST(test_journal_short)
{
	struct klog_prefix p;
	const char *l = "Nov 24 02:50:01 host kernel: " MSG;
	parse(l, &p);
	ck_assert_str_eq(msg_of(l, &p), MSG);
	ck_assert(p.journal);
	ck_assert_str_eq(p.time.wall, "Nov 24 02:50:01");

	const char *l2 = "Nov  4 02:50:01.123456 my-host kernel: " MSG;
	parse(l2, &p);
	ck_assert_str_eq(msg_of(l2, &p), MSG);
	ck_assert_str_eq(p.time.wall, "Nov  4 02:50:01.123456");
}
END_TEST

START_TEST(test_journal_iso)
{
	struct klog_prefix p;
	const char *l = "2026-11-24T02:50:01+0000 host kernel: " MSG;
	parse(l, &p);
	ck_assert_str_eq(msg_of(l, &p), MSG);
	ck_assert_str_eq(p.time.wall, "2026-11-24T02:50:01+0000");
	ck_assert(fabs(p.time.wall_sec - 1795488601.0) < 1e-3);

	const char *l2 = "2026-11-24T02:50:01.123456+0000 host kernel: " MSG;
	parse(l2, &p);
	ck_assert_str_eq(msg_of(l2, &p), MSG);
	ck_assert_str_eq(p.time.wall, "2026-11-24T02:50:01.123456+0000");

	/* dmesg --time-format=iso: no host, the message follows */
	const char *l3 = "2026-11-24T02:50:01,123456+00:00 " MSG;
	parse(l3, &p);
	ck_assert_str_eq(msg_of(l3, &p), MSG);
	ck_assert(!p.journal);

	/* ... even when the message starts like "host ident:" */
	const char *l4 = "2026-11-24T02:50:01,123456+00:00 nvme 0000:01:00.0: AMD-Vi: x";
	parse(l4, &p);
	ck_assert_str_eq(msg_of(l4, &p), "nvme 0000:01:00.0: AMD-Vi: x");
}
END_TEST

START_TEST(test_journal_monotonic_and_full)
{
	struct klog_prefix p;
	const char *l = "[    1.234567] host kernel: " MSG;
	parse(l, &p);
	ck_assert_str_eq(msg_of(l, &p), MSG);
	ck_assert(p.time.has_mono);
	ck_assert(p.journal);

	const char *l2 = "Tue 2026-11-24 02:50:01 UTC host kernel: " MSG;
	parse(l2, &p);
	ck_assert_str_eq(msg_of(l2, &p), MSG);
	ck_assert_str_eq(p.time.wall, "Tue 2026-11-24 02:50:01 UTC");
}
END_TEST

START_TEST(test_syslog_with_ktime)
{
	struct klog_prefix p;
	const char *l = "Nov 24 02:50:01 host kernel: [    1.234] " MSG;
	parse(l, &p);
	ck_assert_str_eq(msg_of(l, &p), MSG);
	ck_assert(p.time.has_mono && p.time.has_wall);
	ck_assert_str_eq(p.time.mono_text, "1.234");
	ck_assert_str_eq(p.time.wall, "Nov 24 02:50:01");
}
END_TEST

START_TEST(test_level_and_caller)
{
	struct klog_prefix p;
	const char *l = "<6>[    1.234567][    T1] " MSG;
	parse(l, &p);
	ck_assert_str_eq(msg_of(l, &p), MSG);
	ck_assert_int_eq(p.level, 6);
	ck_assert_str_eq(p.caller, "T1");

	const char *l2 = "[  1.234][    C0] " MSG;
	parse(l2, &p);
	ck_assert_str_eq(msg_of(l2, &p), MSG);
	ck_assert_str_eq(p.caller, "C0");
	ck_assert_str_eq(p.time.mono_text, "1.234");

	const char *l3 = "[    1.234567] [  T123] " MSG;
	parse(l3, &p);
	ck_assert_str_eq(msg_of(l3, &p), MSG);
	ck_assert_str_eq(p.caller, "T123");

	const char *l4 = "<3>" MSG;
	parse(l4, &p);
	ck_assert_str_eq(msg_of(l4, &p), MSG);
	ck_assert_int_eq(p.level, 3);
}
END_TEST

START_TEST(test_no_prefix)
{
	struct klog_prefix p;
	const char *l = MSG;
	parse(l, &p);
	ck_assert_int_eq(p.msg_off, 0);
	ck_assert(!p.time.has_mono && !p.time.has_wall && !p.time.has_delta);

	/* a bracket that is not a timestamp stays in the message */
	const char *l2 = "[drm] something";
	parse(l2, &p);
	ck_assert_int_eq(p.msg_off, 0);

	/* keeps the leading spaces of "  device=" */
	const char *l3 = "[    3.0]   device=0000:02:00.0 domain=0x0005";
	parse(l3, &p);
	ck_assert_str_eq(msg_of(l3, &p), "  device=0000:02:00.0 domain=0x0005");
}
END_TEST

START_TEST(test_resync)
{
	struct klog_prefix p;
	const char *l = "garbage\x7f [   20.000002] " MSG;
	ck_assert(klog_prefix_resync(l, strlen(l), strlen(l), &p));
	ck_assert_str_eq(p.time.mono_text, "20.000002");
	ck_assert_str_eq(l + p.msg_off, MSG);
	ck_assert(!klog_prefix_resync("no time here", 12, 12, &p));
}
END_TEST

START_TEST(test_clean)
{
	char out[128];
	const char in[] = "\x1b[1;31m[ 1.0]\r AMD\x00-Vi:\tx\x1b]0;title\x07y\x1b[0m\r";
	size_t n = klog_clean_line(in, sizeof(in) - 1, out, sizeof(out));
	ck_assert_str_eq(out, "[ 1.0] AMD-Vi: xy");
	ck_assert_int_eq(n, strlen(out));
	ck_assert(klog_line_needs_cleaning(in, sizeof(in) - 1));
	ck_assert(!klog_line_needs_cleaning("plain", 5));
	/* output is bounded */
	n = klog_clean_line("abcdef", 6, out, 4);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(out, "abc");
	/* an escape at the very end */
	n = klog_clean_line("ab\x1b", 3, out, sizeof(out));
	ck_assert_str_eq(out, "ab");
}
END_TEST

START_TEST(test_wall_seconds)
{
	double s;
	ck_assert(klog_wall_seconds("2026-11-24T02:50:01Z", 20, &s));
	ck_assert(fabs(s - 1795488601.0) < 1e-3);
	ck_assert(klog_wall_seconds("2026-11-24T03:50:01+01:00", 25, &s));
	ck_assert(fabs(s - 1795488601.0) < 1e-3);
	ck_assert(klog_wall_seconds("Nov 24 02:50:11", 15, &s));
	double s2;
	ck_assert(klog_wall_seconds("Nov 24 02:50:01", 15, &s2));
	ck_assert(fabs(s - s2 - 10.0) < 1e-6);
	ck_assert(!klog_wall_seconds("hello", 5, &s));
}
END_TEST

START_TEST(test_hostile_prefixes)
{
	struct klog_prefix p;
	/* unterminated brackets, huge numbers, lone '<' */
	const char *cases[] = { "[", "[    1.2", "<", "<3", "[99999999999999999999999.1] x", "[<  >] x",
				"Nov", "Nov 24", "2026-11-24T", "[Tue Nov 99 02:50:01 2026] x", "" };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse(cases[i], &p);
		ck_assert_uint_le(p.msg_off, strlen(cases[i]));
	}
}
END_TEST

Suite *klog_prefix_suite(void)
{
	Suite *s = suite_create("klog_prefix");
	TCase *tc = tcase_create("prefix");
	tcase_add_test(tc, test_plain_dmesg);
	tcase_add_test(tc, test_big_timestamp);
	tcase_add_test(tc, test_dmesg_T);
	tcase_add_test(tc, test_dmesg_delta);
	tcase_add_test(tc, test_journal_short);
	tcase_add_test(tc, test_journal_iso);
	tcase_add_test(tc, test_journal_monotonic_and_full);
	tcase_add_test(tc, test_syslog_with_ktime);
	tcase_add_test(tc, test_level_and_caller);
	tcase_add_test(tc, test_no_prefix);
	tcase_add_test(tc, test_resync);
	tcase_add_test(tc, test_clean);
	tcase_add_test(tc, test_wall_seconds);
	tcase_add_test(tc, test_hostile_prefixes);
	suite_add_tcase(s, tc);
	return s;
}
