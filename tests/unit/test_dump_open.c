/* dump_open() on small vmcores made here, ELF and kdump-compressed: ones
 * that open and read, and damaged files refused with the reason before
 * libkdumpfile 0.5.1 crashes on them (ELF entry sizes of 0, a VMCOREINFO
 * line without '=') or allocates gigabytes (headers, bitmaps and notes
 * beyond the end of the file, a bad block size), plain and inside a
 * flattened dump (src/dump/vmcore_check.c; found by fuzz/dump_reader). */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump/dump.h"

#define PAGE 4096

static size_t put(unsigned char *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
	return n;
}

/* An ELF64 core: a VMCOREINFO note, and one page of RAM at PA 0x1000
 * filled with 0x5a.  Returns its size. */
static size_t make_core(unsigned char *buf)
{
	/* libaddrxlat sets up no translation, not even for physical
	 * addresses, without knowing whether the kernel used 5-level paging */
	static const char info[] = "OSRELEASE=6.1.0-unit\nPAGESIZE=4096\nNUMBER(pgtable_l5_enabled)=0\n";
	unsigned char *p = buf;
	size_t note_len = 12 + 12 + (sizeof(info) - 1 + 3) / 4 * 4;

	memset(buf, 0, 2 * PAGE);
	memcpy(p, "\177ELF\2\1\1", 7);
	put(p + 16, 4, 2);		/* ET_CORE */
	put(p + 18, 62, 2);		/* EM_X86_64 */
	put(p + 20, 1, 4);
	put(p + 32, 64, 8);		/* e_phoff */
	put(p + 52, 64, 2);
	put(p + 54, 56, 2);
	put(p + 56, 2, 2);		/* e_phnum */
	put(p + 58, 64, 2);
	p = buf + 64;			/* PT_NOTE */
	put(p, 4, 4);
	put(p + 8, 64 + 2 * 56, 8);
	put(p + 32, note_len, 8);
	put(p + 40, note_len, 8);
	p += 56;			/* PT_LOAD */
	put(p, 1, 4);
	put(p + 4, 7, 4);
	put(p + 8, PAGE, 8);
	put(p + 16, 0xffff888000001000ull, 8);
	put(p + 24, 0x1000, 8);
	put(p + 32, PAGE, 8);
	put(p + 40, PAGE, 8);
	put(p + 48, PAGE, 8);
	p += 56;			/* the note */
	put(p, 11, 4);
	put(p + 4, sizeof(info) - 1, 4);
	memcpy(p + 12, "VMCOREINFO", 11);
	memcpy(p + 24, info, sizeof(info) - 1);
	memset(buf + PAGE, 0x5a, PAGE);
	return 2 * PAGE;
}

/* A kdump-compressed file (makedumpfile's format, header version 6) of an
 * x86_64 kernel: 8 page frames, page 1 stored uncompressed (0x5a). */
#define KD_DESC (4 * PAGE)
static size_t make_kdump(unsigned char *buf)
{
	static const char info[] = "OSRELEASE=6.1.0-unit\nPAGESIZE=4096\nNUMBER(pgtable_l5_enabled)=0\n";
	size_t info_off = KD_DESC + 24, note_off = info_off + sizeof(info) - 1;
	size_t note_len = 12 + 12 + (sizeof(info) - 1 + 3) / 4 * 4;
	size_t data_off = (note_off + note_len + PAGE - 1) / PAGE * PAGE;
	unsigned char *sub = buf + PAGE;

	memset(buf, 0, data_off + PAGE);
	memcpy(buf, "KDUMP   ", 8);
	put(buf + 8, 6, 4);
	/* utsname: sysname, release, version, machine (libkdumpfile
	 * translates no address without the release and the version) */
	memcpy(buf + 12, "Linux", 5);
	memcpy(buf + 12 + 2 * 65, "6.1.0-unit", 10);
	memcpy(buf + 12 + 3 * 65, "#1 SMP", 6);
	memcpy(buf + 12 + 4 * 65, "x86_64", 6);
	put(buf + 428, PAGE, 4);			/* block_size */
	put(buf + 432, 1, 4);				/* sub_hdr_size */
	put(buf + 436, 2, 4);				/* bitmap_blocks */
	put(buf + 440, 8, 4);				/* max_mapnr */
	put(buf + 460, 1, 4);				/* nr_cpus */
	put(sub + 8, 31, 4);				/* dump_level */
	put(sub + 32, info_off, 8);
	put(sub + 40, sizeof(info) - 1, 8);
	put(sub + 48, note_off, 8);
	put(sub + 56, note_len, 8);
	put(sub + 88, 8, 8);				/* end_pfn_64 */
	put(sub + 96, 8, 8);				/* max_mapnr_64 */
	buf[2 * PAGE] = 0x02;				/* page 1 is RAM */
	buf[3 * PAGE] = 0x02;				/* and in the file */
	put(buf + KD_DESC, data_off, 8);
	put(buf + KD_DESC + 8, PAGE, 4);		/* uncompressed */
	memcpy(buf + info_off, info, sizeof(info) - 1);
	put(buf + note_off, 11, 4);
	put(buf + note_off + 4, sizeof(info) - 1, 4);
	memcpy(buf + note_off + 12, "VMCOREINFO", 11);
	memcpy(buf + note_off + 24, info, sizeof(info) - 1);
	memset(buf + data_off, 0x5a, PAGE);
	return data_off + PAGE;
}

static size_t make_flattened(unsigned char *out, const unsigned char *img, size_t len)
{
	size_t n = PAGE;

	memset(out, 0, PAGE);
	memcpy(out, "makedumpfile", 12);
	out[16 + 7] = 1;		/* type 1, version 1, big-endian */
	out[24 + 7] = 1;
	memset(out + n, 0, 16);
	out[n + 8 + 6] = (unsigned char)(len >> 8);
	out[n + 8 + 7] = (unsigned char)len;
	n += 16;
	memcpy(out + n, img, len);
	n += len;
	memset(out + n, 0xff, 16);	/* the end marker */
	return n + 16;
}

static const char *write_tmp(const unsigned char *buf, size_t len)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/iif-dump-open-XXXXXX");
	close(mkstemp(path));
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	fclose(f);
	return path;
}

/* Opens buf as a dump: NULL with the reason in err, or the dump. */
static struct dump *open_buf(const unsigned char *buf, size_t len, char *err, size_t errlen)
{
	const char *path = write_tmp(buf, len);
	struct dump *d = dump_open(path, NULL, err, errlen);

	unlink(path);
	return d;
}

START_TEST(test_elf_core_opens)
{
	static unsigned char img[2 * PAGE], flat[3 * PAGE + 64];
	size_t n = make_core(img);
	char err[512] = "";
	unsigned char b[8];
	struct target t;
	struct dump *d = open_buf(img, n, err, sizeof(err));

	ck_assert_msg(d != NULL, "%s", err);
	ck_assert_str_eq(dump_format(d), "elf");
	ck_assert_str_eq(dump_release(d), "6.1.0-unit");
	dump_target_init(&t, d);
	ck_assert_int_eq(target_read(&t, TARGET_PHYSADDR, 0x1ff8, b, sizeof(b)), TARGET_OK);
	ck_assert_uint_eq(b[0], 0x5a);
	dump_close(d);

	d = open_buf(flat, make_flattened(flat, img, n), err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	ck_assert_str_eq(dump_format(d), "kdump-flattened");
	ck_assert_str_eq(dump_release(d), "6.1.0-unit");
	dump_close(d);
}
END_TEST

START_TEST(test_kdump_opens)
{
	static unsigned char img[8 * PAGE];
	size_t n = make_kdump(img);
	char err[512] = "";
	unsigned char b[8];
	struct target t;
	struct dump *d = open_buf(img, n, err, sizeof(err));

	ck_assert_msg(d != NULL, "%s", err);
	ck_assert_str_eq(dump_format(d), "kdump-compressed");
	ck_assert_str_eq(dump_release(d), "6.1.0-unit");
	dump_target_init(&t, d);
	ck_assert_int_eq(target_read(&t, TARGET_PHYSADDR, 0x1ff8, b, sizeof(b)), TARGET_OK);
	ck_assert_uint_eq(b[7], 0x5a);
	dump_close(d);
	/* cut short in its pages, it still opens */
	d = open_buf(img, n - 100, err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	dump_close(d);
}
END_TEST

/* Turns "PAGESIZE=" into "PAGESIZE:" in the nth copy of the VMCOREINFO
 * (0: every copy). */
static void break_vmcoreinfo(unsigned char *img, size_t n, int nth)
{
	unsigned char *p = img;
	int k = 0;

	while ((p = memmem(p, n - (size_t)(p - img), "PAGESIZE=", 9))) {
		if (!nth || ++k == nth)
			p[8] = ':';
		p += 9;
	}
}

static void refused(const unsigned char *buf, size_t len, const char *why)
{
	char err[512] = "";
	struct dump *d = open_buf(buf, len, err, sizeof(err));

	ck_assert_msg(d == NULL, "opened: %s", why);
	ck_assert_msg(strstr(err, why) && strstr(err, "not a usable vmcore"), "%s", err);
}

START_TEST(test_bad_elf_headers_refused)
{
	static unsigned char img[2 * PAGE], bad[2 * PAGE], flat[3 * PAGE + 64];
	size_t n = make_core(img);

	refused(img, 41, "truncated ELF header");
	memcpy(bad, img, n);
	put(bad + 54, 0, 2);			/* e_phentsize 0, e_phnum 2 */
	refused(bad, n, "bad ELF program header size");
	refused(flat, make_flattened(flat, bad, n), "bad ELF program header size");
	memcpy(bad, img, n);
	put(bad + 40, 0x200, 8);		/* e_shoff, with e_shentsize 0 */
	put(bad + 58, 0, 2);
	put(bad + 60, 64, 2);
	refused(bad, n, "bad ELF section header size");
	put(bad + 40, 0, 8);			/* e_shnum 64 without e_shoff */
	refused(bad, n, "bad ELF section header size");
	memcpy(bad, img, n);
	bad[4] = 1;				/* read as ELF32: sizes 0 */
	refused(bad, n, "bad ELF section header size");
	bad[4] = 3;
	refused(bad, n, "unknown ELF class");
	refused(img, 100, "ELF program headers beyond the end of the file");
	memcpy(bad, img, n);
	put(bad + 64 + 8, 3 * PAGE, 8);		/* PT_NOTE p_offset */
	refused(bad, n, "ELF notes beyond the end of the file");
	memcpy(bad, img, n);
	break_vmcoreinfo(bad, n, 0);
	refused(bad, n, "a VMCOREINFO line without '='");

	/* found by make fuzz (fuzz/regressions/dump_reader/elf-*): */
	memcpy(bad, img, n);
	put(bad + 56, 0, 2);			/* no program headers: 3 GB malloc */
	refused(bad, n, "no ELF program headers");
	put(bad + 56, 0xffff, 2);		/* PN_XNUM, but no section 0 */
	refused(bad, n, "an extended ELF program-header count without section 0");
	put(bad + 40, 512, 8);			/* e_shoff: section 0 in the zeros */
	put(bad + 60, 1, 2);
	put(bad + 512 + 44, 0x7fffffff, 4);	/* its sh_info: the count; 5 s */
	refused(bad, n, "an extended ELF program-header count the file cannot hold");
	memcpy(bad, img, n);
	put(bad + 60, 2, 2);			/* sections, e_shoff 0 */
	refused(bad, n, "ELF section headers at offset 0");
	put(bad + 40, 512, 8);
	put(bad + 512 + 64 + 4, 1, 4);		/* SHT_PROGBITS past the end */
	put(bad + 512 + 64 + 24, 0x100000, 8);
	put(bad + 512 + 64 + 32, 0x100, 8);
	refused(bad, n, "an ELF section beyond the end of the file");
	put(bad + 40, n - 64, 8);		/* the headers themselves past the end */
	refused(bad, n, "ELF section headers beyond the end of the file");
}
END_TEST

/* What makedumpfile writes for more than 65534 segments: e_phnum PN_XNUM
 * and the count in section 0's sh_info.  It passes the checks. */
START_TEST(test_elf_extended_phnum_passes_checks)
{
	static unsigned char img[2 * PAGE];
	size_t n = make_core(img);
	char err[512] = "";

	put(img + 56, 0xffff, 2);
	put(img + 40, 512, 8);
	put(img + 60, 1, 2);
	put(img + 512 + 44, 2, 4);
	struct dump *d = open_buf(img, n, err, sizeof(err));

	ck_assert_msg(!strstr(err, "not a usable vmcore"), "%s", err);
	dump_close(d);
}
END_TEST

START_TEST(test_bad_kdump_headers_refused)
{
	static unsigned char img[8 * PAGE], bad[8 * PAGE];
	size_t n = make_kdump(img);

	refused(img, 300, "truncated kdump-compressed header");
	memcpy(bad, img, n);
	put(bad + 428, 0, 4);
	refused(bad, n, "bad block size");
	put(bad + 428, 3000, 4);
	refused(bad, n, "bad block size");
	memcpy(bad, img, n);
	memset(bad + 12 + 4 * 65, 0, 65);
	refused(bad, n, "machine other than x86_64");
	memcpy(bad + 12 + 4 * 65, "i68664", 6);
	refused(bad, n, "machine other than x86_64");
	memcpy(bad, img, n);
	put(bad + 436, 65536, 4);
	refused(bad, n, "bitmaps beyond the end of the file");
	refused(img, 3 * PAGE, "bitmaps beyond the end of the file");
	memcpy(bad, img, n);
	put(bad + PAGE + 56, 11542724608ull, 8);	/* size_note */
	refused(bad, n, "ELF notes beyond the end of the file");
	memcpy(bad, img, n);
	put(bad + PAGE + 32, ~0ull - 4, 8);		/* offset_vmcoreinfo */
	refused(bad, n, "VMCOREINFO beyond the end of the file");
	memcpy(bad, img, n);
	break_vmcoreinfo(bad, n, 1);			/* the raw copy */
	refused(bad, n, "a VMCOREINFO line without '='");
	memcpy(bad, img, n);
	break_vmcoreinfo(bad, n, 2);			/* the one in the notes */
	refused(bad, n, "a VMCOREINFO line without '='");
}
END_TEST

Suite *dump_open_suite(void)
{
	Suite *s = suite_create("dump_open");
	TCase *tc = tcase_create("elf");

	tcase_add_test(tc, test_elf_core_opens);
	tcase_add_test(tc, test_bad_elf_headers_refused);
	tcase_add_test(tc, test_elf_extended_phnum_passes_checks);
	tcase_add_test(tc, test_kdump_opens);
	tcase_add_test(tc, test_bad_kdump_headers_refused);
	suite_add_tcase(s, tc);
	return s;
}
