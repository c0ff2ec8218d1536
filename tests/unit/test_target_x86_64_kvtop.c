/* The x86-64 kernel page-table walk: 4 KiB, 2 MiB and 1 GiB pages, 4 and
 * 5 levels, the SME encryption bit, entries not present or not readable. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "target/x86_64_kvtop.h"

/* a sparse physical memory of page-table entries */
#define NENT 64
static struct { uint64_t pa, val; enum target_err err; } ents[NENT];
static int nents;

static void set(uint64_t pa, uint64_t val)
{
	ents[nents].pa = pa;
	ents[nents].val = val;
	ents[nents].err = TARGET_OK;
	nents++;
}

static enum target_err rd(void *arg, uint64_t pa, uint64_t *v)
{
	(void)arg;
	for (int i = 0; i < nents; i++)
		if (ents[i].pa == pa) {
			*v = ents[i].val;
			return ents[i].err;
		}
	*v = 0;			/* an empty table */
	return TARGET_OK;
}

static uint64_t idx(uint64_t va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

#define TOP	0x1000000ull
#define PUD	0x1001000ull
#define PMD	0x1002000ull
#define PT	0x1003000ull
#define ME	(1ull << 47)

static void setup(uint64_t me)
{
	memset(ents, 0, sizeof(ents));
	nents = 0;
	/* 0xffffffffc0286000: a module page, 4 KiB */
	uint64_t va = 0xffffffffc0286000ull;

	set(TOP + idx(va, 4) * 8, PUD | me | 0x63);
	set(PUD + idx(va, 3) * 8, PMD | me | 0x63);
	set(PMD + idx(va, 2) * 8, PT | me | 0x63);
	set(PT + idx(va, 1) * 8, 0x117b2000ull | me | 0x8000000000000163ull);
	/* 0xffffffffc0400000: a 2 MiB page, PAT bit 12 set in the entry */
	set(PMD + idx(0xffffffffc0400000ull, 2) * 8, 0x40000000ull | me | 0x1000 | 0xe3);
	/* 0xffffffff40000000: a 1 GiB page */
	set(PUD + idx(0xffffffff40000000ull, 3) * 8, 0x80000000ull | me | 0xe3);
}

START_TEST(test_four_levels)
{
	struct x86_64_kernel_pt pt = { .top = TOP, .levels = 4 };
	uint64_t pa = 0;
	int lv = 0;

	setup(0);
	ck_assert_int_eq(x86_64_kvtop(&pt, rd, NULL, 0xffffffffc02860d8ull, &pa, &lv), TARGET_OK);
	ck_assert_uint_eq(pa, 0x117b20d8ull);
	ck_assert_int_eq(x86_64_kvtop(&pt, rd, NULL, 0xffffffffc0512345ull, &pa, &lv), TARGET_OK);
	ck_assert_uint_eq(pa, 0x40112345ull);
	ck_assert_int_eq(x86_64_kvtop(&pt, rd, NULL, 0xffffffff4abcdef0ull, &pa, &lv), TARGET_OK);
	ck_assert_uint_eq(pa, 0x8abcdef0ull);
	/* the next PTE of the same table is empty: not present, at level 1 */
	ck_assert_int_eq(x86_64_kvtop(&pt, rd, NULL, 0xffffffffc0287000ull, &pa, &lv), TARGET_E_INVALID);
	ck_assert_int_eq(lv, 1);
	/* nothing under this PGD entry */
	ck_assert_int_eq(x86_64_kvtop(&pt, rd, NULL, 0xffffc90000000000ull, &pa, &lv), TARGET_E_INVALID);
	ck_assert_int_eq(lv, 4);
}
END_TEST

START_TEST(test_encryption_bit)
{
	struct x86_64_kernel_pt pt = { .top = TOP, .levels = 4, .me_mask = ME };
	uint64_t pa = 0;

	setup(ME);
	ck_assert_int_eq(x86_64_kvtop(&pt, rd, NULL, 0xffffffffc02860d8ull, &pa, NULL), TARGET_OK);
	ck_assert_uint_eq(pa, 0x117b20d8ull);
	ck_assert_int_eq(x86_64_kvtop(&pt, rd, NULL, 0xffffffffc0400010ull, &pa, NULL), TARGET_OK);
	ck_assert_uint_eq(pa, 0x40000010ull);
}
END_TEST

START_TEST(test_five_levels)
{
	struct x86_64_kernel_pt pt = { .top = 0x2000000ull, .levels = 5 };
	uint64_t va = 0xff11000012345678ull, pa = 0;

	setup(0);
	set(0x2000000ull + idx(va, 5) * 8, 0x2001000ull | 0x63);
	set(0x2001000ull + idx(va, 4) * 8, 0x2002000ull | 0x63);
	set(0x2002000ull + idx(va, 3) * 8, 0x2003000ull | 0x63);
	set(0x2003000ull + idx(va, 2) * 8, 0x2004000ull | 0x63);
	set(0x2004000ull + idx(va, 1) * 8, 0x5555000ull | 0x63);
	ck_assert_int_eq(x86_64_kvtop(&pt, rd, NULL, va, &pa, NULL), TARGET_OK);
	ck_assert_uint_eq(pa, 0x5555678ull);
	/* read as 4 levels the same tables give another answer, or none */
	pt.levels = 4;
	ck_assert(x86_64_kvtop(&pt, rd, NULL, va, &pa, NULL) != TARGET_OK || pa != 0x5555678ull);
}
END_TEST

START_TEST(test_unreadable_table)
{
	struct x86_64_kernel_pt pt = { .top = TOP, .levels = 4 };
	uint64_t va = 0xffffffffc02860d8ull, pa = 0;
	int lv = 0;

	setup(0);
	for (int i = 0; i < nents; i++)
		if (ents[i].pa == PMD + idx(va, 2) * 8)
			ents[i].err = TARGET_E_EXCLUDED;
	ck_assert_int_eq(x86_64_kvtop(&pt, rd, NULL, va, &pa, &lv), TARGET_E_EXCLUDED);
	ck_assert_int_eq(lv, 2);
}
END_TEST

Suite *target_x86_64_kvtop_suite(void)
{
	Suite *s = suite_create("target_x86_64_kvtop");
	TCase *tc = tcase_create("walk");

	tcase_add_test(tc, test_four_levels);
	tcase_add_test(tc, test_encryption_bit);
	tcase_add_test(tc, test_five_levels);
	tcase_add_test(tc, test_unreadable_table);
	suite_add_tcase(s, tc);
	return s;
}
