/*
 * iommu-synth: writes a synthetic x86-64 ELF crash dump (ET_CORE, like
 * makedumpfile -E) of a machine with several AMD IOMMUs, PCI segments and
 * translated domains of any size (10^8 PTEs and more), laid out for a real
 * Debian vmlinux: the kernel's own symbols (amd_iommu_list,
 * amd_iommu_pci_seg_list, init_top_pgt...) and struct layouts (from the
 * vmlinux's DWARF) are used, so the standalone reader opens it exactly like a
 * real dump (VMCOREINFO, kernel page tables for the image and the direct map).
 *
 * Page tables are written as they are built, in post-order (children before
 * parents, so each table's physical address is the next free page): memory
 * stays at a few pages per level whatever the number of PTEs.  The generator
 * merges leaves into extents with the walker's rules and writes the expected
 * results (--expect FILE, key=value lines; --extents FILE, the expected JSON
 * lines), and can write a capture-kernel log of IO_PAGE_FAULTs with known
 * answers (--faults N --fault-log FILE).
 *
 *   iommu-synth --vmlinux VMLINUX -o OUT.vmcore [--iommus N] [--segments N]
 *       [--devids N] [--devices N] [--domain PTES[:4k|2m|mix[:RUN[:MODE]]]]...
 *       [--corrupt D] [--faults N --fault-log FILE] [--expect FILE] [--extents FILE]
 *       [--vtd PAGES [--vtd-levels 3|4|5] [--vtd-first-level]]
 *
 * --vtd adds what a machine with both IOMMU vendors would hold: an Intel
 * DMAR unit (dmar_drhd_units -> struct intel_iommu, an idle invalidation
 * queue) translating one device, 0000:00:03.0 (legacy context entry, domain
 * ID 1 as the first AMD-Vi domain's), through a second-level table of 3 to
 * 5 levels, or a first-level one of 4 or 5 in scalable mode, that maps PAGES
 * contiguous 4 KiB pages at IOVA 0x100000.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>

#include "amdvi/dte.h"
#include "amdvi/pgtable.h"
#include "dump/vmlinux.h"

#define PAGE		((uint64_t)4096ull)
#define SZ_2M		((uint64_t)(2ull << 20))
#define SZ_1G		((uint64_t)(1ull << 30))
#define KMAP_START	((uint64_t)0xffffffff80000000ull)	/* __START_KERNEL_map */
#define PAGE_OFFSET	((uint64_t)0xffff888000000000ull)	/* direct map, no KASLR */
#define HDR_SIZE	((uint64_t)(64 * 1024ull))
#define HEAP_PA		((uint64_t)0x40000000ull)		/* 1 GiB: kernel heap objects */
#define EXCL_PA		((uint64_t)0x80000000ull)		/* 2 GiB: RAM excluded from the dump (p_filesz 0) */
#define EXCL_SIZE	((uint64_t)(1ull << 20))
#define PT_PA		((uint64_t)0x100000000ull)		/* 4 GiB: I/O page tables */
#define ABSENT_PA	((uint64_t)0x7f0000000000ull)	/* not RAM at all */
#define MAX_DOMS	4096
#define MAX_IOMMUS	64
#define MAX_SEGS	64

enum kind { K4K, K2M, KMIX };

struct dom {
	int seg;
	uint16_t domid;
	uint64_t leaves;		/* requested leaf PTEs */
	enum kind kind;
	uint64_t run;			/* leaves per physically contiguous run (0: all contiguous) */
	unsigned mode;			/* 0: smallest >= 3 */
	/* built */
	uint64_t root;
	uint64_t mapped_end;		/* IOVA end of the dense mapping (from 0) */
	uint64_t k;			/* leaves emitted */
	uint64_t pa_cur, pa_base;
	uint64_t tables, extents, mapped, writable;
	bool corrupt;
	/* the open extent */
	bool have;
	uint64_t e_iova, e_pa, e_size;
	bool e_w;
	uint16_t first_devid;
	uint64_t pd_va;			/* its struct protection_domain */
};

static struct {
	const char *vmlinux, *out, *expect, *extents, *fault_log;
	unsigned iommus, segs, devids, devices;
	unsigned n_doms;
	struct dom doms[MAX_DOMS];
	int corrupt;			/* domain index or -1 */
	uint64_t faults;
	uint64_t seed;
	uint64_t vtd_pages;		/* --vtd: an Intel DMAR unit too, one device with this many pages */
	unsigned vtd_levels;		/* --vtd-levels: 3, 4 (default) or 5 */
	bool vtd_first_level;		/* --vtd-first-level: scalable mode, a first-level table */
	bool quiet;
} cfg = { .vtd_levels = 4, .iommus = 2, .segs = 2, .devids = 65536, .devices = 4, .corrupt = -1, .seed = 1 };

static struct vmlinux *vm;
static int fd;
static FILE *ext_out;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("iommu-synth: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static uint64_t sym(const char *name)
{
	uint64_t a;

	if (vmlinux_symbol(vm, name, &a) != TARGET_OK)
		die("symbol %s not in the vmlinux", name);
	return a;
}

static long ssize(const char *s)
{
	long n;

	if (vmlinux_struct_size(vm, s, &n) != TARGET_OK)
		die("struct %s not in the vmlinux's DWARF", s);
	return n;
}

static struct target_member mem(const char *s, const char *m)
{
	struct target_member tm;

	if (vmlinux_member(vm, s, m, &tm) != TARGET_OK)
		die("%s.%s not in the vmlinux's DWARF", s, m);
	return tm;
}

/* ---- file regions -------------------------------------------------- */

struct region {
	uint64_t pa, size, file_off;
	uint8_t *buf;			/* in-memory regions (kernel image, heap); NULL for the page tables */
};

static struct region kimg, heap, pt;
static uint64_t text_va, end_va;

static void pwrite_all(const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n <= 0)
			die("write: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
}

/* Writes only the non-zero pages of an in-memory region (the file stays sparse). */
static void write_region(const struct region *r)
{
	static const uint8_t zero[PAGE];

	for (uint64_t o = 0; o < r->size; o += PAGE)
		if (memcmp(r->buf + o, zero, PAGE))
			pwrite_all(r->buf + o, PAGE, r->file_off + o);
}

/* Kernel virtual address (image or direct map) -> pointer into a region. */
static uint8_t *kv(uint64_t va, size_t len)
{
	uint64_t pa;

	if (va >= KMAP_START)
		pa = va - text_va + kimg.pa;
	else
		pa = va - PAGE_OFFSET;
	if (pa >= kimg.pa && pa + len <= kimg.pa + kimg.size)
		return kimg.buf + (pa - kimg.pa);
	if (pa >= heap.pa && pa + len <= heap.pa + heap.size)
		return heap.buf + (pa - heap.pa);
	die("address %#" PRIx64 " outside the generated memory", va);
	return NULL;
}

static void put(uint64_t va, uint64_t val, size_t size)
{
	memcpy(kv(va, size), &val, size);	/* little-endian */
}

static void put_member(uint64_t base, const char *s, const char *m, uint64_t val)
{
	struct target_member tm = mem(s, m);

	put(base + (uint64_t)tm.offset, val, (size_t)(tm.size > 8 ? 8 : tm.size));
}

static uint64_t heap_next = HEAP_PA;

static uint64_t heap_alloc(uint64_t bytes)	/* returns a direct-map VA */
{
	uint64_t pa = heap_next;

	heap_next += (bytes + PAGE - 1) & ~(PAGE - 1);
	if (heap_next > heap.pa + heap.size)
		die("heap overflow");
	return PAGE_OFFSET + pa;
}

/* ---- I/O page tables, streamed ------------------------------------- */

static uint8_t *wbuf;
static size_t wbuf_len;
static uint64_t wbuf_off;
#define WBUF_SIZE (4u << 20)
static uint64_t pt_next = PT_PA;

static void wflush(void)
{
	if (wbuf_len)
		pwrite_all(wbuf, wbuf_len, wbuf_off);
	wbuf_len = 0;
}

/* Appends one table at the next free page of the page-table region. */
static uint64_t emit_table(const uint64_t *tbl)
{
	uint64_t pa = pt_next, off = pt.file_off + (pa - PT_PA);

	pt_next += PAGE;
	if (wbuf_len && wbuf_off + wbuf_len != off)
		wflush();
	if (!wbuf_len)
		wbuf_off = off;
	memcpy(wbuf + wbuf_len, tbl, PAGE);
	wbuf_len += PAGE;
	if (wbuf_len == WBUF_SIZE)
		wflush();
	return pa;
}

static void ext_close(struct dom *d)
{
	if (!d->have)
		return;
	d->extents++;
	if (ext_out)
		fprintf(ext_out, "{\"segment\":%d,\"domain\":%u,\"pasid\":null,\"iova\":\"0x%" PRIx64
			"\",\"phys\":\"0x%" PRIx64 "\",\"size\":\"0x%" PRIx64 "\",\"read\":true,\"write\":%s}\n",
			d->seg, d->domid, d->e_iova, d->e_pa, d->e_size, d->e_w ? "true" : "false");
	d->have = false;
}

/* One leaf, in IOVA order: the walker's merge rule. */
static void ext_add(struct dom *d, uint64_t iova, uint64_t pa, uint64_t size, bool w)
{
	d->mapped += size;
	if (w)
		d->writable += size;
	if (d->have && d->e_iova + d->e_size == iova && d->e_pa + d->e_size == pa && d->e_w == w) {
		d->e_size += size;
		return;
	}
	ext_close(d);
	d->have = true;
	d->e_iova = iova;
	d->e_pa = pa;
	d->e_size = size;
	d->e_w = w;
}

/* The next leaf's PA and permission: runs of `run` leaves are physically
 * contiguous, a 4 KiB hole between runs; every 8th run is read-only. */
static uint64_t leaf(struct dom *d, uint64_t iova, uint64_t size, unsigned level)
{
	uint64_t pa;
	bool w = true;

	if (d->run) {
		if (d->k && d->k % d->run == 0)
			d->pa_cur += PAGE;
		w = (d->k / d->run) % 8 != 7;
	}
	if (size > PAGE)
		d->pa_cur = (d->pa_cur + size - 1) & ~(size - 1);
	pa = d->pa_cur;
	d->pa_cur += size;
	d->k++;
	d->mapped_end = iova + size;
	ext_add(d, iova, pa, size, w);
	(void)level;
	return amdvi_pte_build_leaf(pa, true, w);
}

/* 2 MiB chunk i of the domain: a 2 MiB page or a table of 4 KiB pages. */
static bool chunk_is_2m(const struct dom *d, uint64_t i)
{
	return d->kind == K2M || (d->kind == KMIX && i % 4 == 3);
}

/* Builds the table at `level` for IOVAs from base; returns its PA, or 0 when
 * there is nothing left to map there. */
static uint64_t build(struct dom *d, unsigned level, uint64_t base)
{
	uint64_t tbl[512];
	uint64_t span = amdvi_pt_level_span(level);
	bool any = false;

	memset(tbl, 0, sizeof(tbl));
	for (unsigned i = 0; i < 512 && d->k < d->leaves; i++) {
		uint64_t iova = base + i * span;

		if (level == 0) {
			tbl[i] = leaf(d, iova, PAGE, 0);
		} else if (level == 1 && chunk_is_2m(d, iova / SZ_2M)) {
			tbl[i] = leaf(d, iova, SZ_2M, 1);
		} else {
			uint64_t c = build(d, level - 1, iova);

			if (!c)
				break;
			tbl[i] = amdvi_pte_build_pde(c, level);
		}
		any = true;
	}
	if (!any)
		return 0;
	d->tables++;
	return emit_table(tbl);
}

/* A chain of single-entry tables from `level` down to one 4 KiB leaf at iova. */
static uint64_t chain(struct dom *d, unsigned level, uint64_t iova, uint64_t pa)
{
	uint64_t tbl[512];

	memset(tbl, 0, sizeof(tbl));
	unsigned idx = amdvi_pt_level_index(iova, level);

	if (level == 0) {
		tbl[idx] = amdvi_pte_build_leaf(pa, true, true);
		ext_add(d, iova, pa, PAGE, true);
	} else {
		tbl[idx] = amdvi_pte_build_pde(chain(d, level - 1, iova, pa), level);
	}
	d->tables++;
	return emit_table(tbl);
}

static unsigned needed_mode(const struct dom *d)
{
	uint64_t span = d->kind == K2M ? d->leaves * SZ_2M :
			d->kind == K4K ? d->leaves * PAGE : d->leaves * PAGE * 2;	/* generous */
	unsigned m = 3;

	while (m < 6 && amdvi_pt_mode_limit(m) && amdvi_pt_mode_limit(m) < span + SZ_1G * 4)
		m++;
	return m;
}

static uint64_t corrupt_slot_base(const struct dom *d)
{
	return 511 * amdvi_pt_level_span(d->mode - 1);
}

static void build_domain(struct dom *d, unsigned index)
{
	unsigned root_level;
	uint64_t root[512];

	if (!d->mode)
		d->mode = needed_mode(d);
	root_level = d->mode - 1;
	d->pa_base = d->pa_cur = (uint64_t)(index + 1) << 42;
	if (d->corrupt && d->mode != 3)
		die("--corrupt needs a domain of mode 3 (its mapping under 511 GiB)");
	/* the root is built by hand so that the corruption slot can be added */
	memset(root, 0, sizeof(root));
	uint64_t span = amdvi_pt_level_span(root_level);

	for (unsigned i = 0; i < 512 && d->k < d->leaves; i++) {
		uint64_t iova = i * span;

		if (d->corrupt && i == 511)
			die("domain %u: the mapping reaches the corruption slot", d->domid);
		root[i] = amdvi_pte_build_pde(build(d, root_level - 1, iova), root_level);
	}
	if (d->k < d->leaves)
		die("domain %u: %" PRIu64 " leaves do not fit mode %u", d->domid, d->leaves, d->mode);
	if (d->corrupt) {
		/* slot 511 of the root: a level-1 table with
		 *   0: a table that is not in the dump at all      -> unreadable (invalid)
		 *   1: a table on a page excluded from the dump    -> unreadable (excluded)
		 *   2: the domain's own root again                 -> revisit (cycle)
		 *   3: a PDE whose next level skips levels         -> bad entry
		 *   4: a good table with one 4 KiB page            -> still walked */
		uint64_t c[512], base = corrupt_slot_base(d);

		ext_close(d);
		memset(c, 0, sizeof(c));
		c[4] = amdvi_pte_build_pde(chain(d, 0, base + 4 * SZ_2M, d->pa_cur + SZ_1G), 1);
		c[0] = amdvi_pte_build_pde(ABSENT_PA, 1);
		c[1] = amdvi_pte_build_pde(EXCL_PA, 1);
		c[2] = amdvi_pte_build_pde(pt_next + PAGE, 1);	/* the root: written right after c */
		c[3] = amdvi_pte_build_pde(EXCL_PA + PAGE, 3);
		d->tables += 1 + 2;	/* c, and the two unreadable tables the walker counts */
		root[511] = amdvi_pte_build_pde(emit_table(c), root_level);
	}
	ext_close(d);
	d->tables++;
	d->root = emit_table(root);
}

/* ---- ELF ------------------------------------------------------------- */

struct note_buf { uint8_t *p; size_t len, cap; };

static void note_add(struct note_buf *nb, const char *name, uint32_t type, const void *desc, size_t dlen)
{
	size_t nlen = strlen(name) + 1, need = 12 + ((nlen + 3) & ~3u) + ((dlen + 3) & ~3u);
	uint32_t h[3] = { (uint32_t)nlen, (uint32_t)dlen, type };

	if (nb->len + need > nb->cap) {
		nb->cap = (nb->len + need) * 2;
		nb->p = realloc(nb->p, nb->cap);
		if (!nb->p)
			die("out of memory");
	}
	memset(nb->p + nb->len, 0, need);
	memcpy(nb->p + nb->len, h, 12);
	memcpy(nb->p + nb->len + 12, name, nlen);
	memcpy(nb->p + nb->len + 12 + ((nlen + 3) & ~3u), desc, dlen);
	nb->len += need;
}

static void write_elf(void)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[16];
	unsigned n = 0;
	struct note_buf nb = { 0 };
	char *info = NULL;
	size_t info_len = 0;
	FILE *f = open_memstream(&info, &info_len);

	fprintf(f, "OSRELEASE=%s\n", vmlinux_release(vm));
	if (*vmlinux_build_id(vm))
		fprintf(f, "BUILD-ID=%s\n", vmlinux_build_id(vm));
	fprintf(f, "PAGESIZE=4096\n");
	fprintf(f, "SYMBOL(swapper_pg_dir)=%" PRIx64 "\n", sym("init_top_pgt"));
	fprintf(f, "SYMBOL(_stext)=%" PRIx64 "\n", sym("_stext"));
	fprintf(f, "NUMBER(MAX_PHYSMEM_BITS)=46\n");
	fprintf(f, "NUMBER(phys_base)=%" PRIu64 "\n", kimg.pa - (text_va - KMAP_START));
	fprintf(f, "SYMBOL(init_top_pgt)=%" PRIx64 "\n", sym("init_top_pgt"));
	fprintf(f, "NUMBER(pgtable_l5_enabled)=0\n");
	fprintf(f, "KERNELOFFSET=0\n");
	fprintf(f, "NUMBER(sme_mask)=0\n");
	fprintf(f, "CRASHTIME=1700000000\n");
	fclose(f);
	note_add(&nb, "VMCOREINFO", 0, info, info_len);
	free(info);

	memset(ph, 0, sizeof(ph));
	uint64_t note_off = sizeof(eh) + 16 * sizeof(Elf64_Phdr);

	ph[n++] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = note_off, .p_filesz = nb.len, .p_memsz = nb.len };
	/* kernel image mapping, then the direct map of every RAM range */
	ph[n++] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = kimg.file_off,
				.p_vaddr = text_va, .p_paddr = kimg.pa, .p_filesz = kimg.size, .p_memsz = kimg.size };
	ph[n++] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = kimg.file_off,
				.p_vaddr = PAGE_OFFSET + kimg.pa, .p_paddr = kimg.pa, .p_filesz = kimg.size,
				.p_memsz = kimg.size };
	ph[n++] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = heap.file_off,
				.p_vaddr = PAGE_OFFSET + heap.pa, .p_paddr = heap.pa, .p_filesz = heap.size,
				.p_memsz = heap.size };
	/* RAM that makedumpfile left out: in p_memsz, not in p_filesz */
	ph[n++] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = pt.file_off,
				.p_vaddr = PAGE_OFFSET + EXCL_PA, .p_paddr = EXCL_PA, .p_filesz = 0,
				.p_memsz = EXCL_SIZE };
	ph[n++] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X, .p_offset = pt.file_off,
				.p_vaddr = PAGE_OFFSET + PT_PA, .p_paddr = PT_PA, .p_filesz = pt.size,
				.p_memsz = pt.size };
	if (note_off + nb.len > HDR_SIZE)
		die("notes too big");

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)n;
	pwrite_all(&eh, sizeof(eh), 0);
	pwrite_all(ph, n * sizeof(Elf64_Phdr), sizeof(eh));
	pwrite_all(nb.p, nb.len, note_off);
	free(nb.p);
}

/* ---- the kernel's structures ----------------------------------------- */

static void list_init(uint64_t head)
{
	put(head, head, 8);
	put(head + 8, head, 8);
}

static void list_add_tail(uint64_t head, uint64_t node)
{
	uint64_t prev;

	memcpy(&prev, kv(head + 8, 8), 8);
	put(node, head, 8);
	put(node + 8, prev, 8);
	put(prev, node, 8);
	put(head + 8, node, 8);
}

/* x86-64 4-level tables: the kernel image with 2 MiB pages, the direct map
 * with 1 GiB pages, so that libaddrxlat can walk them. */
static void kernel_page_tables(uint64_t ram_end)
{
	uint64_t pgd = sym("init_top_pgt");
	uint64_t pud_k = heap_alloc(PAGE), pmd_k = heap_alloc(PAGE), pud_d = heap_alloc(PAGE);
	uint64_t phys_base = kimg.pa - (text_va - KMAP_START);

	put(pgd + 511 * 8, (pud_k - PAGE_OFFSET) | 0x63, 8);
	put(pud_k + 510 * 8, (pmd_k - PAGE_OFFSET) | 0x63, 8);
	for (uint64_t va = text_va & ~(SZ_2M - 1); va < end_va; va += SZ_2M)
		put(pmd_k + ((va - KMAP_START) >> 21) * 8, (va - KMAP_START + phys_base) | 0xe3, 8);
	put(pgd + ((PAGE_OFFSET >> 39) & 511) * 8, (pud_d - PAGE_OFFSET) | 0x63, 8);
	for (uint64_t g = 0; g * SZ_1G < ram_end && g < 512; g++)
		put(pud_d + g * 8, (g * SZ_1G) | 0xe3, 8);
}

struct iommu_obj { uint64_t va; int seg; };
struct seg_obj { uint64_t va, devtab; unsigned n_doms, n_devs; };

/* Small objects packed into heap pages, 64-byte aligned. */
static uint64_t small_alloc(uint64_t bytes)
{
	static uint64_t cur, left;

	bytes = (bytes + 63) & ~63ull;
	if (bytes > left) {
		left = (bytes + PAGE - 1) & ~(PAGE - 1);
		cur = heap_alloc(left);
	}
	cur += bytes;
	left -= bytes;
	return cur - bytes;
}

static uint64_t put_string(const char *str)
{
	uint64_t va = small_alloc(strlen(str) + 1);

	memcpy(kv(va, strlen(str) + 1), str, strlen(str) + 1);
	return va;
}

/* 6.1's protection_domain: id, and iop.root (a direct-map VA) with iop.mode,
 * as the analysis reads them to rebuild the crashed kernel's view. */
static void add_protection_domain(struct dom *d)
{
	uint64_t pd = small_alloc((uint64_t)ssize("protection_domain"));
	uint64_t iop = pd + (uint64_t)mem("protection_domain", "iop").offset;

	put_member(pd, "protection_domain", "id", d->domid);
	put_member(iop, "amd_io_pgtable", "root", PAGE_OFFSET + d->root);
	put_member(iop, "amd_io_pgtable", "mode", d->mode);
	d->pd_va = pd;
}

/* The iommu_dev_data of a device attached to domain domid, on its segment's
 * dev_data_list (an llist, newest first), with a struct device named
 * "SSSS:BB:DD.F" and bound to a driver, as a PCI device's would be. */
static void add_dev_data(struct seg_obj *seg, unsigned segid, uint16_t devid, uint16_t domid)
{
	static uint64_t driver;
	uint64_t dd = small_alloc((uint64_t)ssize("iommu_dev_data"));
	uint64_t dev = small_alloc((uint64_t)ssize("device"));
	uint64_t head = seg->va + (uint64_t)mem("amd_iommu_pci_seg", "dev_data_list").offset;
	uint64_t node = dd + (uint64_t)mem("iommu_dev_data", "dev_data_list").offset, first;
	char name[16];

	if (!driver) {
		driver = small_alloc((uint64_t)ssize("device_driver"));
		put_member(driver, "device_driver", "name", put_string("synth"));
	}
	snprintf(name, sizeof(name), "%04x:%02x:%02x.%x", segid, devid >> 8, (devid >> 3) & 31, devid & 7);
	put_member(dev + (uint64_t)mem("device", "kobj").offset, "kobject", "name", put_string(name));
	put_member(dev, "device", "driver", driver);
	put_member(dd, "iommu_dev_data", "devid", devid);
	put_member(dd, "iommu_dev_data", "dev", dev);
	for (unsigned i = 0; i < cfg.n_doms; i++)
		if (cfg.doms[i].domid == domid)
			put_member(dd, "iommu_dev_data", "domain", cfg.doms[i].pd_va);
	memcpy(&first, kv(head, 8), 8);		/* llist_add */
	put(node, first, 8);
	put(head, node, 8);
}

/* ---- an Intel DMAR unit beside the AMD IOMMUs (--vtd) ------------------ */

#define VTD_IOVA	0x100000ull
#define VTD_PHYS	0x60000000ull
#define VTD_DEVFN	0x18		/* 00:03.0 */
#define VTD_DID		1

static uint64_t vtd_heap_bytes(void)
{
	uint64_t leaf_tables = (cfg.vtd_pages + 511) / 512 + 1;

	/* queue (2 pages: 256 x 32 bytes in scalable mode), status, root,
	 * context, PASID directory and table, the table chain above level 1,
	 * the leaf tables; the small objects, and a page for small_alloc() */
	return (uint64_t)(ssize("dmar_drhd_unit") + ssize("intel_iommu") + ssize("q_inval") + 4 * 64) +
	       (6 + cfg.vtd_levels + leaf_tables + 1) * PAGE;
}

static uint64_t pa_of(uint64_t va)
{
	return va - PAGE_OFFSET;
}

/* Legacy mode: root -> context entry (TT 0, AW = levels - 2) -> second-level
 * table.  Scalable mode (--vtd-first-level): root (lower context table) ->
 * 256-bit context entry -> PASID directory -> RID_PASID (0) entry naming a
 * first-level table (PGTT 1, FLPM 5-level when asked).  Every table entry
 * and leaf is 0x3: R+W for second-level, P+R/W for first-level. */
static void add_vtd_unit(void)
{
	uint64_t head = sym("dmar_drhd_units");
	uint64_t drhd = small_alloc((uint64_t)ssize("dmar_drhd_unit"));
	uint64_t io = small_alloc((uint64_t)ssize("intel_iommu"));
	uint64_t qi = small_alloc((uint64_t)ssize("q_inval"));
	uint64_t desc = heap_alloc(2 * PAGE), status = heap_alloc(PAGE);
	uint64_t root = heap_alloc(PAGE), ctx = heap_alloc(PAGE), top = heap_alloc(PAGE), l2 = top;
	uint64_t first = (VTD_IOVA >> 12) & 511, n = cfg.vtd_pages;
	struct target_member name = mem("intel_iommu", "name");
	bool sm = cfg.vtd_first_level;

	list_init(head);
	put_member(drhd, "dmar_drhd_unit", "reg_base_addr", 0xfed90000ull);
	put_member(drhd, "dmar_drhd_unit", "segment", 0);
	put_member(drhd, "dmar_drhd_unit", "iommu", io);
	list_add_tail(head, drhd + (uint64_t)mem("dmar_drhd_unit", "list").offset);
	memcpy(kv(io + (uint64_t)name.offset, 6), "dmar0", 6);
	put_member(io, "intel_iommu", "seq_id", 0);
	put_member(io, "intel_iommu", "segment", 0);
	put_member(io, "intel_iommu", "reg_phys", 0xfed90000ull);
	put_member(io, "intel_iommu", "cap", 0xd2008c222f0606ull);	/* QEMU 7.2's */
	put_member(io, "intel_iommu", "ecap", sm ? 0x480080f00f4aull : 0xf00f4aull);	/* SMTS in SM */
	put_member(io, "intel_iommu", "gcmd", (1u << 31) | (1u << 26));	/* TE, QIE */
	put_member(io, "intel_iommu", "agaw", cfg.vtd_levels - 2);
	put_member(io, "intel_iommu", "msagaw", cfg.vtd_levels - 2);
	put_member(io, "intel_iommu", "root_entry", root);
	put_member(io, "intel_iommu", "qi", qi);
	put_member(qi, "q_inval", "desc", desc);
	put_member(qi, "q_inval", "desc_status", status);
	put_member(qi, "q_inval", "free_cnt", 256);	/* an idle queue */
	put(sym("intel_iommu_enabled"), 1, 4);
	put(sym("intel_iommu_sm"), sm, 4);
	/* the table chain from the top level down to level 2 (index 0 each:
	 * the IOVAs are below 1 GiB) */
	for (unsigned lvl = cfg.vtd_levels; lvl > 2; lvl--) {
		uint64_t next = heap_alloc(PAGE);

		put(l2, pa_of(next) | 3, 8);
		l2 = next;
	}
	if (!sm) {
		put(root, pa_of(ctx) | 1, 8);
		put(ctx + VTD_DEVFN * 16, pa_of(top) | 1, 8);
		put(ctx + VTD_DEVFN * 16 + 8, (cfg.vtd_levels - 2) | (uint64_t)VTD_DID << 8, 8);
	} else {
		uint64_t dir = heap_alloc(PAGE), table = heap_alloc(PAGE);

		put(root, pa_of(ctx) | 1, 8);				/* LCTP, LP: devfn < 128 */
		put(ctx + VTD_DEVFN * 32, pa_of(dir) | 1, 8);		/* PDTS 0: 128 directory entries */
		put(dir, pa_of(table) | 1, 8);
		put(table, 1 | (uint64_t)(cfg.vtd_levels - 2) << 2 | 1ull << 6, 8);	/* P, AW, PGTT 1 */
		put(table + 8, VTD_DID, 8);
		put(table + 16, pa_of(top) | (cfg.vtd_levels == 5 ? 1ull << 2 : 0), 8);	/* FLPTR, FLPM */
	}
	for (uint64_t k = 0; k < n; k++) {
		uint64_t slot = first + k, l1;

		if (k == 0 || slot % 512 == 0) {
			l1 = heap_alloc(PAGE);
			put(l2 + (slot / 512) * 8, pa_of(l1) | 3, 8);
		}
		memcpy(&l1, kv(l2 + (slot / 512) * 8, 8), 8);
		l1 = PAGE_OFFSET + (l1 & ~0xfffull);
		put(l1 + (slot % 512) * 8, (VTD_PHYS + k * PAGE) | 3, 8);
	}
}

static void faults(const struct seg_obj *segs);
static uint64_t f_hit, f_miss, f_unknown;

static void usage(void)
{
	fprintf(stderr,
		"usage: iommu-synth --vmlinux VMLINUX -o OUT [--iommus N] [--segments N] [--devids N]\n"
		"       [--devices N] [--domain PTES[:4k|2m|mix[:RUN[:MODE]]]]... [--corrupt D]\n"
		"       [--faults N --fault-log FILE] [--expect FILE] [--extents FILE] [--seed N] [-q]\n"
		"       [--vtd PAGES [--vtd-levels 3|4|5] [--vtd-first-level]]\n"
		"  --domain  one translated domain with PTES leaf entries (4k: 4 KiB pages; 2m: 2 MiB pages;\n"
		"            mix: every 4th 2 MiB slot a 2 MiB page, the others 512 4 KiB pages), RUN leaves\n"
		"            per physically contiguous run (0: one run), MODE page-table levels (0: smallest >= 3).\n"
		"            Domains go to the segments in turn; domain IDs are 1, 2, ...\n"
		"  --corrupt D  damage domain D (0-based): an absent table, an excluded table, a cycle,\n"
		"            a bad next level, and one good page after them\n"
		"  --vtd PAGES  an Intel DMAR unit too, its device 0000:00:03.0 mapping PAGES 4 KiB pages\n"
		"            through a second-level table of --vtd-levels levels (default 4), or with\n"
		"            --vtd-first-level a first-level one in scalable mode (PASID entry PGTT 1)\n");
	exit(2);
}

static uint64_t num(const char *s)
{
	char *e;
	double v = strtod(s, &e);

	if (e == s || v < 0)
		die("bad number '%s'", s);
	return (uint64_t)v;	/* accepts 1e8 */
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "vmlinux", 1, NULL, 'L' }, { "iommus", 1, NULL, 'I' }, { "segments", 1, NULL, 'S' },
		{ "devids", 1, NULL, 'B' }, { "devices", 1, NULL, 'D' }, { "domain", 1, NULL, 'd' },
		{ "corrupt", 1, NULL, 'C' }, { "faults", 1, NULL, 'F' }, { "fault-log", 1, NULL, 'l' },
		{ "expect", 1, NULL, 'e' }, { "extents", 1, NULL, 'x' }, { "seed", 1, NULL, 's' },
		{ "vtd", 1, NULL, 'V' }, { "vtd-levels", 1, NULL, 'W' }, { "vtd-first-level", 0, NULL, 'X' },
		{ NULL, 0, NULL, 0 },
	};
	char err[512];
	int c;

	while ((c = getopt_long(argc, argv, "o:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'L': cfg.vmlinux = optarg; break;
		case 'o': cfg.out = optarg; break;
		case 'q': cfg.quiet = true; break;
		case 'I': cfg.iommus = (unsigned)num(optarg); break;
		case 'S': cfg.segs = (unsigned)num(optarg); break;
		case 'B': cfg.devids = (unsigned)num(optarg); break;
		case 'D': cfg.devices = (unsigned)num(optarg); break;
		case 'C': cfg.corrupt = (int)num(optarg); break;
		case 'F': cfg.faults = num(optarg); break;
		case 'l': cfg.fault_log = optarg; break;
		case 'e': cfg.expect = optarg; break;
		case 'x': cfg.extents = optarg; break;
		case 's': cfg.seed = num(optarg); break;
		case 'V': cfg.vtd_pages = num(optarg); break;
		case 'W': cfg.vtd_levels = (unsigned)num(optarg); break;
		case 'X': cfg.vtd_first_level = true; break;
		case 'd': {
			struct dom *d;
			char *s = strdup(optarg), *f[4] = { 0 }, *save = NULL;
			int nf = 0;

			if (cfg.n_doms == MAX_DOMS)
				die("too many domains");
			for (char *t = strtok_r(s, ":", &save); t && nf < 4; t = strtok_r(NULL, ":", &save))
				f[nf++] = t;
			d = &cfg.doms[cfg.n_doms++];
			memset(d, 0, sizeof(*d));
			d->leaves = f[0] ? num(f[0]) : 0;
			d->kind = !f[1] || !strcmp(f[1], "4k") ? K4K : !strcmp(f[1], "2m") ? K2M :
				  !strcmp(f[1], "mix") ? KMIX : (die("bad page kind '%s'", f[1]), K4K);
			d->run = f[2] ? num(f[2]) : 0;
			d->mode = f[3] ? (unsigned)num(f[3]) : 0;
			free(s);
			break;
		}
		default: usage();
		}
	}
	if (!cfg.vmlinux || !cfg.out || optind != argc)
		usage();
	if (!cfg.n_doms)
		cfg.doms[cfg.n_doms++] = (struct dom){ .leaves = 1000, .kind = K4K };
	if (!cfg.iommus || cfg.iommus > MAX_IOMMUS || !cfg.segs || cfg.segs > MAX_SEGS || cfg.segs > cfg.iommus)
		die("want 1..%d IOMMUs and 1..IOMMUs segments", MAX_IOMMUS);
	if (cfg.devids < 256 || cfg.devids > 65536)
		die("--devids: 256..65536");
	if (cfg.corrupt >= (int)cfg.n_doms)
		die("--corrupt: no domain %d", cfg.corrupt);
	if (cfg.faults && !cfg.fault_log)
		die("--faults needs --fault-log");
	if (cfg.vtd_pages > 100000)
		die("--vtd: at most 100000 pages (one level-2 table)");
	if (cfg.vtd_levels < 3 || cfg.vtd_levels > 5 || (cfg.vtd_first_level && cfg.vtd_levels == 3))
		die("--vtd-levels: 3, 4 or 5 (first-level: 4 or 5)");

	vm = vmlinux_open(cfg.vmlinux, err, sizeof(err));
	if (!vm)
		die("%s", err);
	vmlinux_type_hint(vm, "drivers/iommu/amd/");
	text_va = sym("_text");
	end_va = sym("_end");

	/* sizes first: the file is header, kernel image, heap, page tables */
	long iommu_size = ssize("amd_iommu"), seg_size = ssize("amd_iommu_pci_seg");
	uint64_t devtab_bytes = ((uint64_t)cfg.devids * 32 + PAGE - 1) & ~(PAGE - 1);

	kimg.pa = 0x1000000;	/* 16 MiB, phys_base 0 */
	kimg.size = ((end_va - text_va) + SZ_2M - 1) & ~(SZ_2M - 1);
	kimg.file_off = HDR_SIZE;
	heap.pa = HEAP_PA;
	heap.size = 4 * PAGE + cfg.iommus * (((uint64_t)iommu_size + PAGE - 1) / PAGE * PAGE + 5 * PAGE) +
		    cfg.segs * (((uint64_t)seg_size + PAGE - 1) / PAGE * PAGE + devtab_bytes);
	/* the small objects: per device an iommu_dev_data, a struct device and
	 * its name, per domain a protection_domain, one device_driver */
	heap.size += ((uint64_t)cfg.segs * (cfg.devices > cfg.n_doms ? cfg.devices : cfg.n_doms) *
		      (uint64_t)(ssize("iommu_dev_data") + ssize("device") + 4 * 64) +
		      (uint64_t)cfg.n_doms * (uint64_t)(ssize("protection_domain") + 64) +
		      (uint64_t)ssize("device_driver") + 2 * PAGE + PAGE - 1) & ~(PAGE - 1);
	if (cfg.vtd_pages)
		heap.size += (vtd_heap_bytes() + PAGE - 1) & ~(PAGE - 1);
	heap.file_off = kimg.file_off + kimg.size;
	pt.pa = PT_PA;
	pt.file_off = heap.file_off + heap.size;
	kimg.buf = calloc(1, kimg.size);
	heap.buf = calloc(1, heap.size);
	wbuf = malloc(WBUF_SIZE);
	if (!kimg.buf || !heap.buf || !wbuf)
		die("out of memory");

	fd = open(cfg.out, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		die("%s: %s", cfg.out, strerror(errno));
	if (cfg.extents && !(ext_out = fopen(cfg.extents, "w")))
		die("%s: %s", cfg.extents, strerror(errno));

	/* domains: segment in turn, IDs from 1 */
	for (unsigned i = 0; i < cfg.n_doms; i++) {
		struct dom *d = &cfg.doms[i];

		d->seg = (int)(i % cfg.segs);
		d->domid = (uint16_t)(i + 1);
		d->corrupt = (int)i == cfg.corrupt;
		build_domain(d, i);
		if (!cfg.quiet)
			fprintf(stderr, "iommu-synth: domain %u (segment %d): %" PRIu64 " leaves, %" PRIu64
				" extents, %" PRIu64 " tables, mode %u\n", d->domid, d->seg, d->k, d->extents,
				d->tables, d->mode);
	}
	wflush();
	pt.size = pt_next - PT_PA;
	if (ext_out)
		fclose(ext_out);

	/* the kernel's structures */
	uint64_t iommu_list = sym("amd_iommu_list"), seg_list = sym("amd_iommu_pci_seg_list");
	struct seg_obj segs[MAX_SEGS];
	struct iommu_obj ios[MAX_IOMMUS];
	uint64_t efr = 0x246577efa2254afaull;	/* an EFR value as QEMU's amd-iommu reports, any will do */

	list_init(iommu_list);
	list_init(seg_list);
	put(sym("amd_iommu_efr"), efr, 8);
	put(sym("sme_me_mask"), 0, 8);
	put(sym("page_offset_base"), PAGE_OFFSET, 8);
	put(sym("phys_base"), kimg.pa - (text_va - KMAP_START), 8);
	memset(segs, 0, sizeof(segs));
	for (unsigned s = 0; s < cfg.segs; s++) {
		segs[s].va = heap_alloc((uint64_t)seg_size);
		segs[s].devtab = heap_alloc(devtab_bytes);
		put_member(segs[s].va, "amd_iommu_pci_seg", "id", s);
		put_member(segs[s].va, "amd_iommu_pci_seg", "last_bdf", cfg.devids - 1);
		put_member(segs[s].va, "amd_iommu_pci_seg", "dev_table", segs[s].devtab);
		put_member(segs[s].va, "amd_iommu_pci_seg", "dev_table_size", devtab_bytes);
		list_add_tail(seg_list, segs[s].va + (uint64_t)mem("amd_iommu_pci_seg", "list").offset);
	}
	for (unsigned i = 0; i < cfg.iommus; i++) {
		uint64_t io = heap_alloc((uint64_t)iommu_size), cmd = heap_alloc(8192), evt = heap_alloc(8192),
			 sem = heap_alloc(PAGE);

		ios[i].va = io;
		ios[i].seg = (int)(i % cfg.segs);
		put_member(io, "amd_iommu", "index", i);
		put_member(io, "amd_iommu", "mmio_phys", 0xfeb80000ull + i * 0x80000ull);
		put_member(io, "amd_iommu", "features", efr);
		put_member(io, "amd_iommu", "devid", 0x0002 + (i / cfg.segs) * 8);
		put_member(io, "amd_iommu", "pci_seg", segs[ios[i].seg].va);
		put_member(io, "amd_iommu", "cmd_buf", cmd);
		put_member(io, "amd_iommu", "evt_buf", evt);
		put_member(io, "amd_iommu", "cmd_sem", sem);
		put_member(io, "amd_iommu", "cmd_sem_val", 0);
		put_member(io, "amd_iommu", "cmd_buf_head", 0);
		put_member(io, "amd_iommu", "cmd_buf_tail", 0);
		list_add_tail(iommu_list, io + (uint64_t)mem("amd_iommu", "list").offset);
	}
	/* the kernel's protection domains, one per I/O page table */
	for (unsigned i = 0; i < cfg.n_doms; i++)
		add_protection_domain(&cfg.doms[i]);
	/* DTEs: each segment's devices 01:00.0, 01:01.0, ... over that segment's domains in turn */
	for (unsigned i = 0; i < cfg.n_doms; i++)
		segs[cfg.doms[i].seg].n_doms++;
	for (unsigned s = 0; s < cfg.segs; s++) {
		unsigned ndev = cfg.devices > segs[s].n_doms ? cfg.devices : segs[s].n_doms, k = 0;
		unsigned nd = segs[s].n_doms;

		for (unsigned dv = 0; dv < ndev; dv++) {
			uint16_t devid = (uint16_t)(0x100 + dv * 8);
			struct amdvi_dte dte = { .v = true, .tv = true, .ir = true, .iw = true };
			uint64_t raw[4];

			if (devid >= cfg.devids)
				die("--devices: devid %#x beyond --devids", devid);
			if (nd) {
				/* the (dv % nd)-th domain of this segment */
				unsigned want = dv % nd, seen = 0;
				struct dom *d = NULL;

				for (unsigned i = 0; i < cfg.n_doms && !d; i++)
					if (cfg.doms[i].seg == (int)s && seen++ == want)
						d = &cfg.doms[i];
				dte.mode = (uint8_t)d->mode;
				dte.pt_root = d->root;
				dte.domid = d->domid;
				if (dv < nd)
					d->first_devid = devid;
			} else {
				dte.mode = 0;	/* blocked */
				dte.ir = dte.iw = false;
			}
			amdvi_dte_encode(&dte, raw);
			memcpy(kv(segs[s].devtab + (uint64_t)devid * 32, 32), raw, 32);
			if (nd)
				add_dev_data(&segs[s], s, devid, dte.domid);
			segs[s].n_devs++;
			k++;
		}
	}
	if (cfg.vtd_pages)
		add_vtd_unit();
	kernel_page_tables(pt_next);
	write_region(&kimg);
	write_region(&heap);
	write_elf();
	if (ftruncate(fd, (off_t)(pt.file_off + pt.size)))
		die("ftruncate: %s", strerror(errno));
	close(fd);

	if (cfg.fault_log)
		faults(segs);
	if (cfg.expect) {
		FILE *f = fopen(cfg.expect, "w");
		uint64_t tl = 0, te = 0, tm = 0, tt = 0;

		if (!f)
			die("%s: %s", cfg.expect, strerror(errno));
		fprintf(f, "iommus=%u\nsegments=%u\ndomains=%u\n", cfg.iommus, cfg.segs, cfg.n_doms);
		if (cfg.vtd_pages)
			fprintf(f, "vtd.units=1\nvtd.device=0000:00:03.0\nvtd.domain=%u\nvtd.mode=%u\n"
				"vtd.format=%s\nvtd.mapped_bytes=%" PRIu64 "\nvtd.extents=1\nvtd.iova=0x%llx\n"
				"vtd.phys=0x%llx\n", VTD_DID, cfg.vtd_levels,
				cfg.vtd_first_level ? "first-level" : "second-level", cfg.vtd_pages * PAGE, VTD_IOVA,
				VTD_PHYS);
		for (unsigned s = 0; s < cfg.segs; s++)
			fprintf(f, "segment.%u.devices=%u\n", s, segs[s].n_devs);
		for (unsigned i = 0; i < cfg.n_doms; i++) {
			const struct dom *d = &cfg.doms[i];

			fprintf(f, "domain.%u.segment=%d\ndomain.%u.root=0x%" PRIx64 "\ndomain.%u.mode=%u\n"
				"domain.%u.leaves=%" PRIu64 "\ndomain.%u.extents=%" PRIu64 "\ndomain.%u.tables=%" PRIu64
				"\ndomain.%u.mapped_bytes=%" PRIu64 "\ndomain.%u.writable_bytes=%" PRIu64 "\n",
				d->domid, d->seg, d->domid, d->root, d->domid, d->mode, d->domid, d->k, d->domid,
				d->extents, d->domid, d->tables, d->domid, d->mapped, d->domid, d->writable);
			if (d->corrupt)
				fprintf(f, "domain.%u.unreadable_tables=2\ndomain.%u.bad_entries=1\ndomain.%u.revisits=1\n",
					d->domid, d->domid, d->domid);
			tl += d->k;
			te += d->extents;
			tm += d->mapped;
			tt += d->tables;
		}
		fprintf(f, "total.leaves=%" PRIu64 "\ntotal.extents=%" PRIu64 "\ntotal.mapped_bytes=%" PRIu64
			"\ntotal.tables=%" PRIu64 "\npt_region=0x%" PRIx64 "-0x%" PRIx64 "\n", tl, te, tm, tt,
			(uint64_t)PT_PA, pt_next);
		if (cfg.fault_log)
			fprintf(f, "faults=%" PRIu64 "\nfaults.old-mapping=%" PRIu64 "\nfaults.iova-not-mapped=%" PRIu64
				"\nfaults.device-unknown=%" PRIu64 "\n", cfg.faults, f_hit, f_miss, f_unknown);
		fclose(f);
	}
	vmlinux_close(vm);
	free(kimg.buf);
	free(heap.buf);
	free(wbuf);
	return 0;
}

/* ---- a capture kernel's log of faults with known answers ------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Faults on the first device of each domain in turn: a third inside the
 * mapping (old-mapping), a third above it (iova-not-mapped), a third from a
 * device with no DTE (device-unknown). */
static void faults(const struct seg_obj *segs)
{
	FILE *f = fopen(cfg.fault_log, "w");
	uint64_t hit = 0, miss = 0, unknown = 0;

	(void)segs;
	if (!f)
		die("%s: %s", cfg.fault_log, strerror(errno));
	rng_state = cfg.seed * 0x9e3779b97f4a7c15ull | 1;
	fprintf(f, "[    0.000000] Linux version %s (synthetic capture kernel)\n", vmlinux_release(vm));
	for (uint64_t n = 0; n < cfg.faults; n++) {
		const struct dom *d = &cfg.doms[n % cfg.n_doms];
		unsigned what = (unsigned)((n / cfg.n_doms) % 3);
		uint16_t devid = d->first_devid;
		uint64_t iova;

		if (what == 0 && d->mapped_end) {
			iova = (rnd() % d->mapped_end) & ~0xfull;
			hit++;
		} else if (what == 1 || (what == 0 && !d->mapped_end)) {
			uint64_t lo = (d->mapped_end + SZ_1G) & ~(SZ_1G - 1);

			iova = lo + ((rnd() % SZ_1G) & ~0xfull);
			miss++;
		} else {
			devid = 0xfff8;	/* ff:1f.0: no DTE */
			iova = (rnd() % SZ_1G) & ~0xfull;
			unknown++;
		}
		fprintf(f, "[%5" PRIu64 ".%06" PRIu64 "] pci %04x:%02x:%02x.%x: AMD-Vi: Event logged "
			"[IO_PAGE_FAULT domain=0x%04x address=0x%" PRIx64 " flags=0x0020]\n",
			1 + n / 1000000, n % 1000000, d->seg, devid >> 8, (devid >> 3) & 0x1f, devid & 7,
			d->domid, iova);
	}
	fclose(f);
	f_hit = hit;
	f_miss = miss;
	f_unknown = unknown;
}
