/*
 * Is the dump file whole?  (include/dump/integrity.h)
 *
 * kdump-compressed (makedumpfile, "KDUMP   "): block 0 is struct
 * disk_dump_header, then sub_hdr_size blocks of kdump_sub_header, then
 * bitmap_blocks blocks of two bitmaps (RAM, then pages stored), then one
 * 24-byte page descriptor {offset, size, flags, page_flags} per page set in
 * the second bitmap, then the page data.  makedumpfile writes the shared
 * zero page first and every other page in PFN order after it, so the last
 * descriptor that is not the zero page points at the end of the data: if
 * that lies inside the file, the file is whole; if not, every descriptor is
 * checked to count the pages lost.
 *
 * ELF (makedumpfile -E, /proc/vmcore copied, QEMU's dump-guest-memory):
 * every PT_LOAD and PT_NOTE segment's p_offset + p_filesz against the file.
 *
 * Flattened (makedumpfile -F, as crash reads it in place): the record
 * stream must reach its end marker.  The standalone reader reassembles it
 * first and checks the result as kdump-compressed.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump/integrity.h"

/* struct disk_dump_header on x86-64 (makedumpfile diskdump_mod.h): after
 * the signature, header_version and a struct new_utsname (6 x 65 bytes),
 * a struct timeval aligned to 8. */
#define KD_SIGNATURE		"KDUMP   "
#define KD_OFF_STATUS		424
#define KD_OFF_BLOCK_SIZE	428
#define KD_OFF_SUB_HDR_SIZE	432
#define KD_OFF_BITMAP_BLOCKS	436
#define KD_HEADER_LEN		464
/* kdump_sub_header: phys_base, dump_level (int), split (int) */
#define KD_SUB_OFF_SPLIT	12
#define KD_STATUS_INCOMPLETE	0x8	/* DUMP_DH_COMPRESSED_INCOMPLETE */
#define KD_DESC_SIZE		24

static bool pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void size_text(char *buf, size_t len, uint64_t bytes)
{
	if (bytes >= 1ull << 30)
		snprintf(buf, len, "%.1f GiB", (double)bytes / (1ull << 30));
	else if (bytes >= 1ull << 20)
		snprintf(buf, len, "%.1f MiB", (double)bytes / (1ull << 20));
	else if (bytes >= 1ull << 10)
		snprintf(buf, len, "%.1f KiB", (double)bytes / (1ull << 10));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)bytes);
}

static double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* Pages set in the stored-pages bitmap: the number of descriptors. */
static bool count_stored(int fd, uint64_t off, uint64_t len, uint64_t *n)
{
	unsigned char buf[65536];

	*n = 0;
	while (len) {
		size_t chunk = len < sizeof(buf) ? (size_t)len : sizeof(buf);

		if (!pread_all(fd, buf, chunk, off))
			return false;
		for (size_t i = 0; i < chunk; i++)
			*n += (uint64_t)__builtin_popcount(buf[i]);
		off += chunk;
		len -= chunk;
	}
	return true;
}

/* Descriptors [0, n) at table: how many point past file_size, or before
 * data_start (a descriptor never written: zeros in a reassembled flattened
 * dump whose stream was cut). */
static uint64_t count_past_end(int fd, uint64_t table, uint64_t n, uint64_t data_start,
			       uint64_t file_size)
{
	enum { PER = 4096 };
	unsigned char buf[PER * KD_DESC_SIZE];
	uint64_t missing = 0;

	for (uint64_t i = 0; i < n; i += PER) {
		size_t k = n - i < PER ? (size_t)(n - i) : PER;

		if (!pread_all(fd, buf, k * KD_DESC_SIZE, table + i * KD_DESC_SIZE))
			return missing + (n - i);
		for (size_t j = 0; j < k; j++) {
			const unsigned char *d = buf + j * KD_DESC_SIZE;

			if (le64(d) < data_start || le64(d) + le32(d + 8) > file_size)
				missing++;
		}
	}
	return missing;
}

static void check_kdump(int fd, const unsigned char *h, struct dump_integrity *out)
{
	uint32_t status = le32(h + KD_OFF_STATUS);
	uint32_t block = le32(h + KD_OFF_BLOCK_SIZE);
	uint32_t sub_blocks = le32(h + KD_OFF_SUB_HDR_SIZE);
	uint32_t bitmap_blocks = le32(h + KD_OFF_BITMAP_BLOCKS);
	uint64_t size = out->file_size, bitmap2, bitmap_len, table, n = 0, in_file, data_start, data_end = 0;
	unsigned char sub[16], d[KD_DESC_SIZE];
	char have[32], want[32];

	snprintf(out->format, sizeof(out->format), "kdump-compressed");
	if (block < 512 || block > (1u << 20) || (block & (block - 1)) || !bitmap_blocks ||
	    sub_blocks > (1u << 20)) {
		out->checked = true;
		out->headers_cut = true;
		snprintf(out->summary, sizeof(out->summary),
			 "the kdump header is not sane (block size %u, %u sub-header and %u bitmap blocks)",
			 block, sub_blocks, bitmap_blocks);
		return;
	}
	out->incomplete_flag = (status & KD_STATUS_INCOMPLETE) != 0;
	/* a split dump (makedumpfile --split) holds a PFN range per file: not checked */
	if (pread_all(fd, sub, sizeof(sub), block) && le32(sub + KD_SUB_OFF_SPLIT))
		goto flag_only;
	bitmap_len = (uint64_t)bitmap_blocks * block / 2;
	bitmap2 = (uint64_t)block * (1 + sub_blocks) + bitmap_len;
	table = bitmap2 + bitmap_len;
	out->checked = true;
	if (table > size || !count_stored(fd, bitmap2, bitmap_len, &n)) {
		out->headers_cut = true;
		out->needed_size = table;
		size_text(have, sizeof(have), size);
		size_text(want, sizeof(want), table);
		snprintf(out->summary, sizeof(out->summary),
			 "the file is cut short inside its headers and bitmaps: %s of at least %s; "
			 "no page can be read", have, want);
		return;
	}
	out->units_total = n;
	if (!n)
		goto flag_only;
	data_start = table + n * KD_DESC_SIZE;
	in_file = size > table ? (size - table) / KD_DESC_SIZE : 0;
	if (in_file < n) {
		out->headers_cut = true;
		out->needed_size = data_start;
		out->units_missing = (n - in_file) + count_past_end(fd, table, in_file, data_start, size);
	} else {
		/* the last page that is not the shared zero page (the first
		 * descriptor's data, written right after the table) ends the data */
		uint64_t zero_off = 0;
		bool unwritten = false;

		if (pread_all(fd, d, sizeof(d), table))
			zero_off = le64(d);
		for (uint64_t i = n; i-- > 0;) {
			if (!pread_all(fd, d, sizeof(d), table + i * KD_DESC_SIZE))
				break;
			if (le64(d) < data_start) {
				unwritten = true;
				break;
			}
			if (i == 0 || le64(d) != zero_off) {
				data_end = le64(d) + le32(d + 8);
				break;
			}
		}
		out->needed_size = data_end;
		if (unwritten || data_end > size)
			out->units_missing = count_past_end(fd, table, n, data_start, size);
	}
	if (out->units_missing) {
		char sizes[80] = "";

		out->truncated = true;
		size_text(have, sizeof(have), size);
		if (out->needed_size > size) {
			size_text(want, sizeof(want), out->needed_size);
			snprintf(sizes, sizeof(sizes), " (%s of %s)", have, want);
		}
		snprintf(out->summary, sizeof(out->summary),
			 "the file is cut short%s: %llu of its %llu stored pages (%.1f%%) cannot be read%s%s",
			 out->headers_cut ? " inside its page descriptors" : "",
			 (unsigned long long)out->units_missing, (unsigned long long)n,
			 percent(out->units_missing, n), sizes,
			 out->incomplete_flag ? "; makedumpfile marked it incomplete" : "");
		return;
	}
flag_only:
	if (out->incomplete_flag) {
		out->checked = true;
		snprintf(out->summary, sizeof(out->summary),
			 "makedumpfile marked the dump incomplete (it could not write every page, "
			 "for example on a full disk)");
	}
}

static void check_elf(int fd, const Elf64_Ehdr *eh, struct dump_integrity *out)
{
	uint64_t size = out->file_size, phnum = eh->e_phnum, total = 0, missing = 0, end = 0;
	char have[32], want[32];

	snprintf(out->format, sizeof(out->format), "elf");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_phentsize != sizeof(Elf64_Phdr))
		return;		/* not a 64-bit dump: not checked */
	out->checked = true;
	if (phnum == PN_XNUM) {
		/* more than 65534 segments: the count is section 0's sh_info */
		Elf64_Shdr sh;

		if (!eh->e_shoff || !pread_all(fd, &sh, sizeof(sh), eh->e_shoff)) {
			out->headers_cut = true;
			snprintf(out->summary, sizeof(out->summary),
				 "the file is cut short before its section header (segment count)");
			return;
		}
		phnum = sh.sh_info;
	}
	if (eh->e_phoff + phnum * sizeof(Elf64_Phdr) > size) {
		out->headers_cut = true;
		out->needed_size = eh->e_phoff + phnum * sizeof(Elf64_Phdr);
		snprintf(out->summary, sizeof(out->summary),
			 "the file is cut short inside its program headers: no memory can be read");
		return;
	}
	for (uint64_t i = 0; i < phnum; i++) {
		Elf64_Phdr ph;

		if (!pread_all(fd, &ph, sizeof(ph), eh->e_phoff + i * sizeof(ph)))
			break;
		if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
			continue;
		if (ph.p_offset + ph.p_filesz > end)
			end = ph.p_offset + ph.p_filesz;
		if (ph.p_type != PT_LOAD)
			continue;
		total += ph.p_filesz;
		if (ph.p_offset + ph.p_filesz > size) {
			uint64_t lost = ph.p_offset >= size ? ph.p_filesz : ph.p_offset + ph.p_filesz - size;
			unsigned k = out->n_missing_phys;

			missing += lost;
			if (k == sizeof(out->missing_phys) / sizeof(out->missing_phys[0])) {
				k--;		/* full: widen the last range */
				if (ph.p_paddr + ph.p_filesz - lost < out->missing_phys[k].start)
					out->missing_phys[k].start = ph.p_paddr + ph.p_filesz - lost;
				if (ph.p_paddr + ph.p_filesz > out->missing_phys[k].end)
					out->missing_phys[k].end = ph.p_paddr + ph.p_filesz;
			} else {
				out->missing_phys[k].start = ph.p_paddr + ph.p_filesz - lost;
				out->missing_phys[k].end = ph.p_paddr + ph.p_filesz;
				out->n_missing_phys++;
			}
		}
	}
	out->needed_size = end;
	out->units_total = total;
	out->units_missing = missing;
	if (end > size) {
		out->truncated = true;
		size_text(have, sizeof(have), size);
		size_text(want, sizeof(want), end);
		snprintf(out->summary, sizeof(out->summary),
			 "the file is cut short: %llu of its %llu bytes of memory (%.1f%%) lie past its end "
			 "(%s of %s)", (unsigned long long)missing, (unsigned long long)total,
			 percent(missing, total), have, want);
	}
}

/* makedumpfile -F: a 4 KiB header, then (be64 offset, be64 size, data)
 * records up to an end marker of two -1s.  Only the record headers are
 * read; a stream without its end marker was cut. */
static void check_flattened(int fd, struct dump_integrity *out)
{
	uint64_t pos = 4096, records = 0;
	unsigned char rh[16];

	snprintf(out->format, sizeof(out->format), "kdump-flattened");
	out->checked = true;
	for (;;) {
		if (pos + sizeof(rh) > out->file_size || !pread_all(fd, rh, sizeof(rh), pos))
			break;
		uint64_t off = 0, len = 0;

		for (int i = 0; i < 8; i++) {
			off = off << 8 | rh[i];
			len = len << 8 | rh[8 + i];
		}
		if (off == UINT64_MAX && len == UINT64_MAX)
			return;			/* the end marker: whole */
		if ((int64_t)off < 0 || (int64_t)len < 0)
			break;
		pos += sizeof(rh) + len;
		records++;
	}
	out->truncated = true;
	out->needed_size = pos > out->file_size ? pos : 0;
	snprintf(out->summary, sizeof(out->summary),
		 "the flattened stream is cut short: it ends after %llu bytes and %llu records without "
		 "its end marker", (unsigned long long)out->file_size, (unsigned long long)records);
}

bool dump_integrity_check(int fd, struct dump_integrity *out)
{
	unsigned char h[KD_HEADER_LEN];
	struct stat st;
	size_t got;

	memset(out, 0, sizeof(*out));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return true;
	out->file_size = (uint64_t)st.st_size;
	got = out->file_size < sizeof(h) ? (size_t)out->file_size : sizeof(h);
	if (got < SELFMAG || !pread_all(fd, h, got, 0))
		return true;
	if (got >= 16 && !memcmp(h, "makedumpfile\0\0\0\0", 16)) {
		check_flattened(fd, out);
	} else if (!memcmp(h, KD_SIGNATURE, got < 8 ? got : 8) && got == sizeof(h)) {
		check_kdump(fd, h, out);
	} else if (!memcmp(h, ELFMAG, SELFMAG) && got >= sizeof(Elf64_Ehdr)) {
		Elf64_Ehdr eh;

		memcpy(&eh, h, sizeof(eh));
		check_elf(fd, &eh, out);
	} else if (!memcmp(h, ELFMAG, SELFMAG) || (got >= 8 && !memcmp(h, KD_SIGNATURE, 8))) {
		out->checked = out->headers_cut = true;
		snprintf(out->format, sizeof(out->format), memcmp(h, ELFMAG, SELFMAG) ? "kdump-compressed" : "elf");
		snprintf(out->summary, sizeof(out->summary),
			 "the file is cut short inside its first header (%llu bytes)",
			 (unsigned long long)out->file_size);
	}
	return !dump_integrity_damaged(out);
}

bool dump_integrity_missing(const struct dump_integrity *di, uint64_t pa, uint64_t len)
{
	for (unsigned i = 0; i < di->n_missing_phys; i++)
		if (pa < di->missing_phys[i].end && pa + len > di->missing_phys[i].start)
			return true;
	return false;
}
