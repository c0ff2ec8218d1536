/* Unit tests: AMD-Vi ring arithmetic (include/amdvi/ring.h). */
#include <check.h>
#include <string.h>

#include "amdvi/command.h"
#include "amdvi/ring.h"

START_TEST(sizes)
{
	ck_assert_int_eq(amdvi_ring_check_size(AMDVI_CMD_BUFFER_SIZE), AMDVI_OK);
	ck_assert_int_eq(amdvi_ring_check_size(AMDVI_EVT_BUFFER_SIZE_MAX), AMDVI_OK);
	ck_assert_int_eq(amdvi_ring_check_size(4096), AMDVI_OK);
	ck_assert_int_eq(amdvi_ring_check_size(0), AMDVI_ERR_SIZE);
	ck_assert_int_eq(amdvi_ring_check_size(2048), AMDVI_ERR_SIZE);
	ck_assert_int_eq(amdvi_ring_check_size(8192 + 16), AMDVI_ERR_SIZE);
	ck_assert_int_eq(amdvi_ring_check_size(1024 * 1024), AMDVI_ERR_SIZE);
	ck_assert_uint_eq(amdvi_ring_entries(8192), 512);
	ck_assert_uint_eq(amdvi_ring_entries(512 * 1024), 32768);
}
END_TEST

START_TEST(slot_offset)
{
	uint32_t v;

	ck_assert_int_eq(amdvi_ring_slot_to_offset(8192, 0, &v), AMDVI_OK);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(amdvi_ring_slot_to_offset(8192, 511, &v), AMDVI_OK);
	ck_assert_uint_eq(v, 0x1ff0);
	ck_assert_int_eq(amdvi_ring_slot_to_offset(8192, 512, &v), AMDVI_ERR_RANGE);
	ck_assert_int_eq(amdvi_ring_offset_to_slot(8192, 0x15f0, &v), AMDVI_OK);
	ck_assert_uint_eq(v, 0x15f);
	ck_assert_int_eq(amdvi_ring_offset_to_slot(8192, 0x15f8, &v), AMDVI_ERR_ALIGN);
	ck_assert_int_eq(amdvi_ring_offset_to_slot(8192, 0x2000, &v), AMDVI_ERR_RANGE);
	ck_assert_int_eq(amdvi_ring_offset_to_slot(100, 0, &v), AMDVI_ERR_SIZE);
	ck_assert_int_eq(amdvi_ring_offset_to_slot(8192, 0, NULL), AMDVI_ERR_ARG);
	ck_assert_uint_eq(amdvi_ring_prev(8192, 0), 0x1ff0);
	ck_assert_uint_eq(amdvi_ring_next(8192, 0x1ff0), 0);
	ck_assert_uint_eq(amdvi_ring_prev(8192, 0x20), 0x10);
}
END_TEST

/* V-dump tail 0x15f0: newest at 0x15e0, then backwards, wrapping. */
START_TEST(iterate_newest_first)
{
	struct amdvi_ring_iter it;
	uint32_t off, n = 0, first = 0, second = 0, last = 0, age;

	ck_assert_int_eq(amdvi_ring_iter_init(&it, 8192, 0x15f0), AMDVI_OK);
	while (amdvi_ring_iter_next(&it, &off)) {
		if (n == 0)
			first = off;
		if (n == 1)
			second = off;
		ck_assert_int_eq(amdvi_ring_age(8192, 0x15f0, off, &age), AMDVI_OK);
		ck_assert_uint_eq(age, n);
		last = off;
		n++;
	}
	ck_assert_uint_eq(n, 512);
	ck_assert_uint_eq(first, 0x15e0);
	ck_assert_uint_eq(second, 0x15d0);
	ck_assert_uint_eq(last, 0x15f0);	/* slot at tail is the oldest */
	ck_assert(!amdvi_ring_iter_next(&it, &off));
}
END_TEST

START_TEST(iterate_wraps)
{
	struct amdvi_ring_iter it;
	uint32_t off, seen[4];
	int n = 0;

	/* tail 0x20 -> 0x10, 0x00, then wrap to 0x1ff0, 0x1fe0 */
	ck_assert_int_eq(amdvi_ring_iter_init_n(&it, 8192, 0x20, 4), AMDVI_OK);
	while (amdvi_ring_iter_next(&it, &off))
		seen[n++] = off;
	ck_assert_int_eq(n, 4);
	ck_assert_uint_eq(seen[0], 0x10);
	ck_assert_uint_eq(seen[1], 0x00);
	ck_assert_uint_eq(seen[2], 0x1ff0);
	ck_assert_uint_eq(seen[3], 0x1fe0);

	/* tail 0: newest is the last slot */
	ck_assert_int_eq(amdvi_ring_iter_init_n(&it, 8192, 0, 1), AMDVI_OK);
	ck_assert(amdvi_ring_iter_next(&it, &off));
	ck_assert_uint_eq(off, 0x1ff0);
	ck_assert(!amdvi_ring_iter_next(&it, &off));

	/* 512 KiB event log */
	ck_assert_int_eq(amdvi_ring_iter_init_n(&it, 512 * 1024, 0, 2), AMDVI_OK);
	ck_assert(amdvi_ring_iter_next(&it, &off));
	ck_assert_uint_eq(off, 512 * 1024 - 16);
}
END_TEST

START_TEST(bad_tails)
{
	struct amdvi_ring_iter it;
	uint32_t off;

	ck_assert_int_eq(amdvi_ring_iter_init(&it, 8192, 0x15f8), AMDVI_ERR_ALIGN);
	ck_assert(!amdvi_ring_iter_next(&it, &off));
	ck_assert_int_eq(amdvi_ring_iter_init(&it, 8192, 0x2000), AMDVI_ERR_RANGE);
	ck_assert(!amdvi_ring_iter_next(&it, &off));
	ck_assert_int_eq(amdvi_ring_iter_init(&it, 8192, 0xffffffffU), AMDVI_ERR_ALIGN);
	ck_assert_int_eq(amdvi_ring_iter_init(&it, 8192, 0xfffffff0U), AMDVI_ERR_RANGE);
	ck_assert_int_eq(amdvi_ring_iter_init(&it, 3000, 0), AMDVI_ERR_SIZE);
	ck_assert_int_eq(amdvi_ring_iter_init(NULL, 8192, 0), AMDVI_ERR_ARG);
	ck_assert_str_ne(amdvi_strerror(AMDVI_ERR_ALIGN), amdvi_strerror(AMDVI_ERR_RANGE));
}
END_TEST

START_TEST(load_little_endian)
{
	static uint8_t ring[8192];
	uint32_t d[4];
	struct amdvi_cmd c;

	memset(ring, 0, sizeof(ring));
	/* 011be001 10000000 00000134 00000000 at slot 0x15e0, little endian */
	memcpy(ring + 0x15e0, "\x01\xe0\x1b\x01\x00\x00\x00\x10\x34\x01\x00\x00\x00\x00\x00\x00", 16);
	ck_assert_int_eq(amdvi_ring_load(ring, sizeof(ring), 8192, 0x15e0, d), AMDVI_OK);
	ck_assert_uint_eq(d[0], 0x011be001U);
	ck_assert_uint_eq(d[1], 0x10000000U);
	ck_assert_uint_eq(d[2], 0x134);
	ck_assert_uint_eq(d[3], 0);
	ck_assert_int_eq(amdvi_cmd_decode(d, &c), AMDVI_OK);
	ck_assert_uint_eq(c.u.cw.store_data, 0x134);
	ck_assert_int_eq(amdvi_ring_load(ring, 4096, 8192, 0, d), AMDVI_ERR_SIZE);
	ck_assert_int_eq(amdvi_ring_load(ring, sizeof(ring), 8192, 8, d), AMDVI_ERR_ALIGN);
}
END_TEST

extern Suite *amdvi_ring_suite(void);
Suite *amdvi_ring_suite(void)
{
	Suite *s = suite_create("amdvi_ring");
	TCase *tc = tcase_create("ring");

	tcase_add_test(tc, sizes);
	tcase_add_test(tc, slot_offset);
	tcase_add_test(tc, iterate_newest_first);
	tcase_add_test(tc, iterate_wraps);
	tcase_add_test(tc, bad_tails);
	tcase_add_test(tc, load_little_endian);
	suite_add_tcase(s, tc);
	return s;
}
