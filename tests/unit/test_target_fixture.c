/* The replay fixture store, its file format, and the record/replay targets. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target/fixture.h"

static char *tmp_path(void)
{
	static char path[64];

	snprintf(path, sizeof(path), "/tmp/iif-fixture-XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	return path;
}

/* A fixture built by hand, saved and loaded again, answers the same. */
START_TEST(test_round_trip)
{
	struct fixture *fx = fixture_new();
	struct target_member m = { .offset = 120, .size = 8, .is_pointer = true };
	uint8_t page[4096] = { 0 };

	snprintf(m.type_name, sizeof(m.type_name), "u8 *");
	page[0] = 0x03;
	page[4095] = 0xee;
	fixture_set_meta(fx, "release", "6.1.0-test amd64");
	fixture_add_symbol(fx, "amd_iommu_list", TARGET_OK, 0xffffffff82a4b0c0ull);
	fixture_add_symbol(fx, "amd_iommu_dev_table", TARGET_E_NOTFOUND, 0);
	fixture_add_struct(fx, "amd_iommu", TARGET_OK, 1240);
	fixture_add_member(fx, "amd_iommu", "cmd_buf", TARGET_OK, &m);
	fixture_add_member(fx, "amd_iommu", "cmd_buf_size", TARGET_E_NOTFOUND, NULL);
	fixture_add_memory(fx, TARGET_PHYSADDR, 0x1ec4000, sizeof(page), page, TARGET_OK);
	fixture_add_memory(fx, TARGET_KVADDR, 0xffff888001000000ull, 8, "\x11\x22\x33\x44\x55\x66\x77\x88", TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, 0x2000000, 4096, NULL, TARGET_E_EXCLUDED);

	char *path = tmp_path();

	ck_assert_int_eq(fixture_save(fx, path), 0);
	fixture_free(fx);

	char err[256];

	fx = fixture_load(path, err, sizeof(err));
	ck_assert_msg(fx != NULL, "%s", err);
	unlink(path);

	struct target t;
	uint64_t addr = 0, v = 0;
	long size = 0;
	struct target_member got;

	replay_target_init(&t, fx);
	ck_assert_str_eq(fixture_meta(fx, "release"), "6.1.0-test amd64");
	ck_assert_int_eq(target_symbol(&t, "amd_iommu_list", &addr), TARGET_OK);
	ck_assert_uint_eq(addr, 0xffffffff82a4b0c0ull);
	ck_assert_int_eq(target_symbol(&t, "amd_iommu_dev_table", &addr), TARGET_E_NOTFOUND);
	ck_assert_int_eq(target_symbol(&t, "never_asked", &addr), TARGET_E_NOTFOUND);
	ck_assert_int_eq(target_struct_size(&t, "amd_iommu", &size), TARGET_OK);
	ck_assert_int_eq(size, 1240);
	ck_assert_int_eq(target_member(&t, "amd_iommu", "cmd_buf", &got), TARGET_OK);
	ck_assert_int_eq(got.offset, 120);
	ck_assert_int_eq(got.size, 8);
	ck_assert(got.is_pointer);
	ck_assert_str_eq(got.type_name, "u8 *");
	ck_assert(!target_has_member(&t, "amd_iommu", "cmd_buf_size"));

	ck_assert_int_eq(target_read_u64(&t, TARGET_KVADDR, 0xffff888001000000ull, &v), TARGET_OK);
	ck_assert_uint_eq(v, 0x8877665544332211ull);
	ck_assert_int_eq(target_read_u64(&t, TARGET_PHYSADDR, 0x1ec4000, &v), TARGET_OK);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(target_read_u64(&t, TARGET_PHYSADDR, 0x1ec4ff8, &v), TARGET_OK);
	ck_assert_uint_eq(v, 0xee00000000000000ull);
	ck_assert_int_eq(target_read_u64(&t, TARGET_PHYSADDR, 0x1ec4800, &v), TARGET_OK);
	ck_assert_uint_eq(v, 0);
	/* a read running off the end of what was recorded fails */
	ck_assert_int_eq(target_read_u64(&t, TARGET_PHYSADDR, 0x1ec4ffc, &v), TARGET_E_INVALID);
	/* the same address in the other space was never recorded */
	ck_assert_int_eq(target_read_u64(&t, TARGET_KVADDR, 0x1ec4000, &v), TARGET_E_INVALID);
	ck_assert_int_eq(target_read_u64(&t, TARGET_PHYSADDR, 0x2000010, &v), TARGET_E_EXCLUDED);
	fixture_free(fx);
}
END_TEST

/* Recording through a target keeps overlapping reads consistent and the
 * replay answers every question the recording saw. */
START_TEST(test_record_then_replay)
{
	struct fixture *src = fixture_new(), *rec_fx = fixture_new();
	uint8_t mem[8192];

	for (size_t i = 0; i < sizeof(mem); i++)
		mem[i] = (uint8_t)(i * 7 + 1);
	fixture_add_memory(src, TARGET_PHYSADDR, 0x10000, sizeof(mem), mem, TARGET_OK);
	fixture_add_memory(src, TARGET_PHYSADDR, 0x40000, 4096, NULL, TARGET_E_EXCLUDED);
	fixture_add_symbol(src, "amd_iommu_list", TARGET_OK, 0x1234);

	struct target inner, rec_t;
	struct record_target rec;
	uint8_t buf[8192];
	uint64_t v, addr;

	replay_target_init(&inner, src);
	record_target_init(&rec_t, &rec, &inner, rec_fx);
	ck_assert_int_eq(target_read(&rec_t, TARGET_PHYSADDR, 0x10000, buf, 4096), TARGET_OK);
	ck_assert_int_eq(target_read(&rec_t, TARGET_PHYSADDR, 0x10ff8, buf, 16), TARGET_OK);
	ck_assert_int_eq(target_read_u64(&rec_t, TARGET_PHYSADDR, 0x11800, &v), TARGET_OK);
	ck_assert_int_eq(target_read(&rec_t, TARGET_PHYSADDR, 0x40000, buf, 64), TARGET_E_EXCLUDED);
	ck_assert_int_eq(target_symbol(&rec_t, "amd_iommu_list", &addr), TARGET_OK);
	ck_assert_int_eq(target_symbol(&rec_t, "amd_iommu_pci_seg_list", &addr), TARGET_E_NOTFOUND);

	char *path = tmp_path();

	ck_assert_int_eq(fixture_save(rec_fx, path), 0);
	fixture_free(rec_fx);
	char err[256];
	struct fixture *back = fixture_load(path, err, sizeof(err));

	ck_assert_msg(back != NULL, "%s", err);
	unlink(path);
	struct target t;

	replay_target_init(&t, back);
	ck_assert_int_eq(target_read(&t, TARGET_PHYSADDR, 0x10000, buf, 4096 + 8), TARGET_OK);
	ck_assert_mem_eq(buf, mem, 4096 + 8);
	ck_assert_int_eq(target_read_u64(&t, TARGET_PHYSADDR, 0x11800, &v), TARGET_OK);
	ck_assert_mem_eq(&v, mem + 0x1800, 8);
	/* never read during recording: not in the fixture */
	ck_assert_int_eq(target_read_u64(&t, TARGET_PHYSADDR, 0x11900, &v), TARGET_E_INVALID);
	ck_assert_int_eq(target_read(&t, TARGET_PHYSADDR, 0x40000, buf, 8), TARGET_E_EXCLUDED);
	ck_assert_int_eq(target_symbol(&t, "amd_iommu_pci_seg_list", &addr), TARGET_E_NOTFOUND);
	fixture_free(back);
	fixture_free(src);
}
END_TEST

static void expect_load_error(const char *text, const char *needle)
{
	char *path = tmp_path();
	FILE *f = fopen(path, "w");
	char err[256] = "";

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	struct fixture *fx = fixture_load(path, err, sizeof(err));

	unlink(path);
	ck_assert_msg(fx == NULL, "fixture loaded although it is bad: %s", text);
	ck_assert_msg(strstr(err, needle) != NULL, "error '%s' lacks '%s'", err, needle);
}

START_TEST(test_bad_fixtures)
{
	expect_load_error("", "empty fixture");
	expect_load_error("iommu-inflight-replay 2\n", "unsupported fixture version");
	expect_load_error("iommu-inflight-replay 1\nmem pa 0x1000 4 0011\n", ":2: hex data does not match");
	expect_load_error("iommu-inflight-replay 1\nmem pa 0x1000 2 zz11\n", "bad hex digit");
	expect_load_error("iommu-inflight-replay 1\nmem xx 0x1000 2 0011\n", "kv or pa");
	expect_load_error("iommu-inflight-replay 1\nbogus a b\n", "unknown record");
	expect_load_error("iommu-inflight-replay 1\nzero pa 0xfffffffffffff000 8192\n", "wraps");

	char err[256];

	ck_assert_ptr_null(fixture_load("/nonexistent/fixture", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/fixture"));
}
END_TEST

Suite *target_fixture_suite(void)
{
	Suite *s = suite_create("target_fixture");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_record_then_replay);
	tcase_add_test(tc, test_bad_fixtures);
	suite_add_tcase(s, tc);
	return s;
}
