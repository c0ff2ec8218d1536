/*
 * What dump_open() checks before libkdumpfile 0.5.1 reads a vmcore.  Each
 * check stands for a damaged file the dump_reader fuzz target found that
 * libkdumpfile crashes on, or spends seconds and gigabytes on before it
 * gives up (fuzz/regressions/dump_reader/, tests/unit/test_dump_open.c):
 *
 *  - ELF: program or section headers of entry size 0 (NULL dereference);
 *    program headers, section headers, sections or notes beyond the end of
 *    the file (taken with garbage, or allocated first, then not found:
 *    gigabytes); no program headers at all (a vmcore has its notes and
 *    memory there: libkdumpfile read the sections instead, 3 GB); an
 *    extended program-header count (PN_XNUM, in section 0's sh_info, as
 *    makedumpfile writes for over 65534 segments) that the file cannot hold
 *    (seconds spent on it);
 *  - kdump-compressed (makedumpfile's disk_dump_header and
 *    kdump_sub_header, 64-bit little-endian as x86_64 writes them): a block
 *    size that is not a power of two, bitmaps, notes or VMCOREINFO beyond
 *    the end of the file (gigabytes allocated and copied); a machine other
 *    than x86_64, since libkdumpfile reads a header with an empty or
 *    unknown machine as 64-bit all the same;
 *  - both: a VMCOREINFO line without '=' (its parser then hashes a key of
 *    a wrong, huge length: a read far past the buffer).
 *
 * Such files cannot be read anyway; a dump cut short in its pages (an
 * interrupted copy) still opens.  The kernel and makedumpfile write every
 * VMCOREINFO line as KEY=VALUE.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump/dump.h"

/* Notes bigger than this are not read here (a real vmcore's: a few KiB per
 * CPU, and the VMCOREINFO). */
#define NOTES_MAX (64u << 20)

static uint64_t read_num(const unsigned char *p, size_t size, bool big_endian)
{
	uint64_t v = 0;

	for (size_t i = 0; i < size; i++)
		v |= (uint64_t)p[big_endian ? size - 1 - i : i] << (8 * i);
	return v;
}

/* a + b <= limit, without overflow */
static bool fits(uint64_t a, uint64_t b, uint64_t limit)
{
	return a <= limit && b <= limit - a;
}

/* VMCOREINFO text: every line KEY=VALUE (trailing NULs allowed). */
static const char *vmcoreinfo_problem(const unsigned char *t, size_t len)
{
	while (len && !t[len - 1])
		len--;
	for (size_t i = 0; i < len;) {
		const unsigned char *nl = memchr(t + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - t) : len;

		if (end > i && !memchr(t + i, '=', end - i))
			return "a VMCOREINFO line without '='";
		i = end + 1;
	}
	return NULL;
}

/* The VMCOREINFO notes among ELF notes (4-byte aligned, like the kernel's). */
static const char *notes_problem(const unsigned char *n, size_t len, bool be)
{
	size_t off = 0;

	while (len - off >= 12) {
		uint64_t namesz = read_num(n + off, 4, be), descsz = read_num(n + off + 4, 4, be);
		size_t name = off + 12, desc = name + ((namesz + 3) & ~3ull);

		if (namesz > len || descsz > len || desc > len || descsz > len - desc)
			break;	/* libkdumpfile stops there too: nothing to parse */
		if (namesz >= 10 && !memcmp(n + name, "VMCOREINFO", 10)) {
			const char *bad = vmcoreinfo_problem(n + desc, descsz);

			if (bad)
				return bad;
		}
		off = desc + ((descsz + 3) & ~3ull);
	}
	return NULL;
}

/* Reads len bytes at off and runs check on them (text, or notes). */
static const char *region_problem(int fd, uint64_t off, uint64_t len, bool notes, bool be)
{
	unsigned char *buf;
	const char *bad = NULL;

	if (!len || len > NOTES_MAX)
		return NULL;
	buf = malloc(len);
	if (!buf)
		return NULL;
	if (pread(fd, buf, len, (off_t)off) == (ssize_t)len)
		bad = notes ? notes_problem(buf, len, be) : vmcoreinfo_problem(buf, len);
	free(buf);
	return bad;
}

/* The section headers, inside the file, and every section with contents
 * inside it too; with PN_XNUM, *phnum becomes section 0's sh_info. */
static const char *sections_problem(int fd, uint64_t shoff, uint64_t shnum, bool is64, bool be,
				    uint64_t size, uint64_t *phnum)
{
	size_t shentsize = is64 ? 64 : 40;
	unsigned char sh[64];

	if (!shoff)
		return "ELF section headers at offset 0";
	if (!shnum) {	/* SHN_UNDEF: the real count is section 0's sh_size */
		if (!fits(shoff, shentsize, size) || pread(fd, sh, shentsize, (off_t)shoff) != (ssize_t)shentsize)
			return "ELF section headers beyond the end of the file";
		shnum = read_num(sh + (is64 ? 32 : 20), is64 ? 8 : 4, be);
		if (!shnum)
			return "ELF section headers without a count";
	}
	if (shnum > size / shentsize || !fits(shoff, shnum * shentsize, size))
		return "ELF section headers beyond the end of the file";
	for (uint64_t i = 0; i < shnum; i++) {
		uint64_t type, off, sz;

		if (pread(fd, sh, shentsize, (off_t)(shoff + i * shentsize)) != (ssize_t)shentsize)
			return "ELF section headers beyond the end of the file";
		if (i == 0 && *phnum == 0xffff)		/* PN_XNUM */
			*phnum = read_num(sh + (is64 ? 44 : 28), 4, be);
		type = read_num(sh + 4, 4, be);
		off = read_num(sh + (is64 ? 24 : 16), is64 ? 8 : 4, be);
		sz = read_num(sh + (is64 ? 32 : 20), is64 ? 8 : 4, be);
		/* section 0 may hold counts; SHT_NULL and SHT_NOBITS have no bytes */
		if (i > 0 && type != 0 && type != 8 && !fits(off, sz, size))
			return "an ELF section beyond the end of the file";
	}
	if (!*phnum || *phnum > size / (is64 ? 56 : 32))
		return "an extended ELF program-header count the file cannot hold";
	return NULL;
}

static const char *elf_problem(int fd, const unsigned char *h, size_t len, uint64_t size)
{
	bool is64, be;
	size_t ehsize, phentsize, shentsize;
	uint64_t phoff, phnum, shnum, shoff;

	if (len < 6 || (h[4] != 1 && h[4] != 2) || (h[5] != 1 && h[5] != 2))
		return "unknown ELF class or byte order";
	is64 = h[4] == 2;
	be = h[5] == 2;
	ehsize = is64 ? 64 : 52;
	phentsize = is64 ? 56 : 32;
	shentsize = is64 ? 64 : 40;
	if (len < ehsize)
		return "truncated ELF header";
	phoff = read_num(h + (is64 ? 32 : 28), is64 ? 8 : 4, be);
	shoff = read_num(h + (is64 ? 40 : 32), is64 ? 8 : 4, be);
	phnum = read_num(h + (is64 ? 56 : 44), 2, be);
	shnum = read_num(h + (is64 ? 60 : 48), 2, be);
	if (phnum && read_num(h + (is64 ? 54 : 42), 2, be) != phentsize)
		return "bad ELF program header size";
	/* kexec-tools and makedumpfile write no sections: all three 0 */
	if ((shoff || shnum) && read_num(h + (is64 ? 58 : 46), 2, be) != shentsize)
		return "bad ELF section header size";
	if (!phnum)
		return "no ELF program headers (a vmcore keeps its notes and memory there)";
	if (shnum || shoff) {
		const char *bad = sections_problem(fd, shoff, shnum, is64, be, size, &phnum);

		if (bad)
			return bad;
	} else if (phnum == 0xffff) {
		return "an extended ELF program-header count without section 0 to hold it";
	}
	/* read short, they would be taken with garbage in them */
	if (!fits(phoff, phnum * phentsize, size))
		return "ELF program headers beyond the end of the file";

	unsigned char *ph = malloc(phnum * phentsize);
	const char *bad = NULL;

	if (!ph)
		return NULL;
	if (pread(fd, ph, phnum * phentsize, (off_t)phoff) != (ssize_t)(phnum * phentsize)) {
		free(ph);
		return NULL;
	}
	for (uint64_t i = 0; i < phnum && !bad; i++) {
		const unsigned char *p = ph + i * phentsize;
		uint64_t off, filesz;

		if (read_num(p, 4, be) != 4)	/* PT_NOTE */
			continue;
		off = read_num(p + (is64 ? 8 : 4), is64 ? 8 : 4, be);
		filesz = read_num(p + (is64 ? 32 : 16), is64 ? 8 : 4, be);
		if (!fits(off, filesz, size))
			bad = "ELF notes beyond the end of the file";
		else
			bad = region_problem(fd, off, filesz, true, be);
	}
	free(ph);
	return bad;
}

static const char *kdump_problem(int fd, const unsigned char *h, size_t len, uint64_t size)
{
	unsigned char sub[64];
	uint64_t block, version, sub_blocks, bitmap_blocks;

	if (len < 448)
		return "truncated kdump-compressed header";
	if (strncmp((const char *)h + 12 + 4 * 65, "x86_64", 7))	/* utsname.machine */
		return "kdump-compressed dump of a machine other than x86_64";
	version = read_num(h + 8, 4, false);
	block = read_num(h + 428, 4, false);
	sub_blocks = read_num(h + 432, 4, false);
	bitmap_blocks = read_num(h + 436, 4, false);
	if (block < 512 || block > (1u << 20) || (block & (block - 1)))
		return "bad block size in the kdump-compressed header";
	if (sub_blocks >> 31 || !fits(block, (sub_blocks + bitmap_blocks) * block, size))
		return "kdump-compressed bitmaps beyond the end of the file";
	if (version < 3)
		return NULL;
	if (pread(fd, sub, sizeof(sub), (off_t)block) != (ssize_t)sizeof(sub))
		return "truncated kdump sub-header";
	/* (makedumpfile writes both inside the sub-header's blocks) */
	uint64_t info_off = read_num(sub + 32, 8, false), info_len = read_num(sub + 40, 8, false);
	uint64_t notes_off = read_num(sub + 48, 8, false), notes_len = read_num(sub + 56, 8, false);
	const char *bad;

	if (info_len && !fits(info_off, info_len, size))
		return "kdump-compressed VMCOREINFO beyond the end of the file";
	if ((bad = region_problem(fd, info_off, info_len, false, false)))
		return bad;
	if (version < 4 || !notes_len)
		return NULL;
	if (!fits(notes_off, notes_len, size))
		return "kdump-compressed ELF notes beyond the end of the file";
	return region_problem(fd, notes_off, notes_len, true, false);
}

const char *vmcore_check(int fd, const unsigned char *head, size_t len)
{
	struct stat st;
	bool elf = len >= 4 && !memcmp(head, "\177ELF", 4);
	bool kdump = len >= 8 && !memcmp(head, "KDUMP   ", 8);

	if (!elf && !kdump)
		return NULL;
	if (fstat(fd, &st))
		return NULL;
	return elf ? elf_problem(fd, head, len, (uint64_t)st.st_size)
		   : kdump_problem(fd, head, len, (uint64_t)st.st_size);
}
