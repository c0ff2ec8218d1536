/* Is the dump file whole (src/dump/integrity.c): kdump-compressed files
 * built here block by block and cut at every interesting point, a
 * reassembled flattened dump whose stream stopped early (descriptors never
 * written), makedumpfile's incomplete flag, ELF segments past the end, and
 * a flattened stream without its end marker. */
#include <check.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump/integrity.h"

#define BLK 4096
/* header block, one sub-header block, two bitmap blocks (RAM, stored) */
#define TABLE (4 * BLK)

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* A kdump-compressed file of `pages` stored pages: the first is the shared
 * zero page (4096 bytes right after the table), every later one 100 bytes
 * in order; the last `zeros` descriptors point at the zero page again. */
static size_t make_kdump(unsigned char *f, unsigned pages, unsigned zeros, uint32_t status)
{
	size_t data = TABLE + (size_t)pages * 24, off = data + BLK;

	memset(f, 0, data + BLK + (size_t)pages * 100);
	memcpy(f, "KDUMP   ", 8);
	put32(f + 8, 6);
	put32(f + 424, status);
	put32(f + 428, BLK);
	put32(f + 432, 1);		/* sub-header blocks */
	put32(f + 436, 2);		/* bitmap blocks */
	for (unsigned i = 0; i < pages; i++) {
		unsigned char *d = f + TABLE + (size_t)i * 24;

		f[3 * BLK + i / 8] |= (unsigned char)(1u << (i % 8));	/* stored */
		if (i == 0 || i >= pages - zeros) {
			put64(d, data);
			put32(d + 8, BLK);
		} else {
			put64(d, off);
			put32(d + 8, 100);
			off += 100;
		}
	}
	return off;
}

static struct dump_integrity check_bytes(const unsigned char *buf, size_t len)
{
	struct dump_integrity di;
	FILE *f = tmpfile();

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	fflush(f);
	dump_integrity_check(fileno(f), &di);
	fclose(f);
	return di;
}

static unsigned char file[8 * BLK + 64 * 124];

START_TEST(test_kdump_whole_and_cut)
{
	size_t n = make_kdump(file, 40, 0, 0);
	struct dump_integrity di = check_bytes(file, n);

	ck_assert(di.checked);
	ck_assert_str_eq(di.format, "kdump-compressed");
	ck_assert(!dump_integrity_damaged(&di));
	ck_assert_uint_eq(di.units_total, 40);
	ck_assert_uint_eq(di.needed_size, n);
	ck_assert_str_eq(di.summary, "");

	/* the last page's data cut by one byte */
	di = check_bytes(file, n - 1);
	ck_assert(di.truncated && !di.headers_cut);
	ck_assert_uint_eq(di.units_missing, 1);
	ck_assert_uint_eq(di.needed_size, n);
	ck_assert_ptr_nonnull(strstr(di.summary, "1 of its 40 stored pages (2.5%) cannot be read"));

	/* ten pages' data gone */
	di = check_bytes(file, n - 1000);
	ck_assert_uint_eq(di.units_missing, 10);

	/* cut inside the descriptor table: 40 - 15 descriptors lost, and every
	 * page whose data was not reached yet */
	di = check_bytes(file, TABLE + 15 * 24 + 7);
	ck_assert(di.truncated && di.headers_cut);
	ck_assert_uint_eq(di.units_missing, 40);
	ck_assert_ptr_nonnull(strstr(di.summary, "inside its page descriptors"));

	/* cut inside the bitmaps: nothing can be read */
	di = check_bytes(file, 3 * BLK + 10);
	ck_assert(di.headers_cut && dump_integrity_damaged(&di));
	ck_assert_ptr_nonnull(strstr(di.summary, "headers and bitmaps"));

	/* cut inside the first header */
	di = check_bytes(file, 100);
	ck_assert(di.headers_cut);
	ck_assert_ptr_nonnull(strstr(di.summary, "first header"));
}
END_TEST

START_TEST(test_kdump_zero_pages_at_the_end)
{
	/* the last descriptors share the zero page: the end of the data is the
	 * last page that is not, so a cut there is still found */
	size_t n = make_kdump(file, 40, 5, 0);

	struct dump_integrity di = check_bytes(file, n);

	ck_assert(!dump_integrity_damaged(&di));
	di = check_bytes(file, n - 50);
	ck_assert(di.truncated);
	ck_assert_uint_eq(di.units_missing, 1);
}
END_TEST

START_TEST(test_kdump_unwritten_descriptors)
{
	/* a flattened stream cut early, reassembled: the file has its full
	 * length of table, but the last descriptors were never written (zeros) */
	size_t n = make_kdump(file, 40, 0, 0);

	memset(file + TABLE + 30 * 24, 0, 10 * 24);
	struct dump_integrity di = check_bytes(file, n);

	ck_assert(di.truncated);
	ck_assert_uint_eq(di.units_missing, 10);
}
END_TEST

START_TEST(test_kdump_incomplete_flag)
{
	size_t n = make_kdump(file, 8, 0, 0x8);
	struct dump_integrity di = check_bytes(file, n);

	ck_assert(di.incomplete_flag && !di.truncated);
	ck_assert(dump_integrity_damaged(&di));
	ck_assert_ptr_nonnull(strstr(di.summary, "marked the dump incomplete"));
	/* insane header fields are damage too, never a crash */
	put32(file + 428, 1000);
	di = check_bytes(file, n);
	ck_assert(di.headers_cut);
	ck_assert_ptr_nonnull(strstr(di.summary, "not sane"));
}
END_TEST

START_TEST(test_elf_segments)
{
	static unsigned char e[4096 + 3 * 1024];
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph[3] = { { 0 } };

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_phoff = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 3;
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = 1024;
	ph[0].p_filesz = 512;
	for (int i = 1; i < 3; i++) {
		ph[i].p_type = PT_LOAD;
		ph[i].p_offset = 4096 + (uint64_t)(i - 1) * 1024;
		ph[i].p_paddr = 0x100000 * (uint64_t)i;
		ph[i].p_filesz = 1024;
	}
	memset(e, 0, sizeof(e));
	memcpy(e, &eh, sizeof(eh));
	memcpy(e + sizeof(eh), ph, sizeof(ph));
	struct dump_integrity di = check_bytes(e, 4096 + 2048);

	ck_assert(di.checked && !dump_integrity_damaged(&di));
	ck_assert_str_eq(di.format, "elf");
	ck_assert_uint_eq(di.units_total, 2048);
	di = check_bytes(e, 4096 + 1024 + 24);
	ck_assert(di.truncated);
	ck_assert_uint_eq(di.units_missing, 1000);
	ck_assert_ptr_nonnull(strstr(di.summary, "1000 of its 2048 bytes of memory"));
	/* the physical bytes past the end: reads there must fail, not read zeros */
	ck_assert_uint_eq(di.n_missing_phys, 1);
	ck_assert(!dump_integrity_missing(&di, 0x100000, 1024));
	ck_assert(!dump_integrity_missing(&di, 0x200000, 24));
	ck_assert(dump_integrity_missing(&di, 0x200000 + 23, 2));
	ck_assert(dump_integrity_missing(&di, 0x200000 + 1023, 1));
	ck_assert(!dump_integrity_missing(&di, 0x200000 + 1024, 4096));
	di = check_bytes(e, 100);	/* inside the program headers */
	ck_assert(di.headers_cut);
}
END_TEST

START_TEST(test_flattened_stream)
{
	static unsigned char s[4096 + 3 * 16 + 200];
	size_t n = 4096;

	memset(s, 0, sizeof(s));
	memcpy(s, "makedumpfile", 12);
	put64(s + n, 0);		/* big-endian fields: offset 0 ... */
	s[n + 15] = 100;		/* ... size 100 */
	n += 16 + 100;
	memset(s + n, 0xff, 16);	/* end marker */
	n += 16;
	struct dump_integrity di = check_bytes(s, n);

	ck_assert(di.checked && !dump_integrity_damaged(&di));
	ck_assert_str_eq(di.format, "kdump-flattened");
	di = check_bytes(s, n - 16);
	ck_assert(di.truncated);
	ck_assert_ptr_nonnull(strstr(di.summary, "1 records without its end marker"));
	di = check_bytes(s, 4096 + 50);
	ck_assert(di.truncated);
}
END_TEST

START_TEST(test_other_inputs)
{
	/* not a dump format the check knows, or not a regular file: no verdict */
	struct dump_integrity di = check_bytes((const unsigned char *)"QEMU saved state", 16);

	ck_assert(!di.checked && !dump_integrity_damaged(&di));
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert(dump_integrity_check(p[0], &di));
	ck_assert(!di.checked);
	close(p[0]);
	close(p[1]);
}
END_TEST

Suite *dump_integrity_suite(void)
{
	Suite *s = suite_create("dump_integrity");
	TCase *tc = tcase_create("integrity");

	tcase_add_test(tc, test_kdump_whole_and_cut);
	tcase_add_test(tc, test_kdump_zero_pages_at_the_end);
	tcase_add_test(tc, test_kdump_unwritten_descriptors);
	tcase_add_test(tc, test_kdump_incomplete_flag);
	tcase_add_test(tc, test_elf_segments);
	tcase_add_test(tc, test_flattened_stream);
	tcase_add_test(tc, test_other_inputs);
	suite_add_tcase(s, tc);
	return s;
}
