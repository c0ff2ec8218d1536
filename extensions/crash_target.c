/*
 * The crash target: the engine's four questions answered by the crash
 * utility (readmem, symbol_value, datatype_info), without ever letting crash
 * longjmp out of the engine.
 *
 * Reads.  readmem(RETURN_ON_ERROR|QUIET) only says yes or no, so a failed
 * read is done again page by page one level down, the way readmem() itself
 * does it: kvtop() for a kernel-virtual address, then the dump's own reader
 * pc->readmem(), whose return code names the failure: PAGE_EXCLUDED (the
 * page is not in a makedumpfile dump), SEEK_ERROR (the page is not in the
 * dump at all), READ_ERROR / PAGE_INCOMPLETE (the file could not be read).
 *
 * Two dump formats hide exclusion from readmem():
 *  - crash --zero_excluded makes a kdump-compressed dump return zeros for
 *    excluded pages; the flag is cleared around our reads so that the
 *    engine still learns which structure was filtered out;
 *  - makedumpfile -E (ELF) writes each PT_LOAD with p_filesz < p_memsz
 *    when its tail was excluded, and crash reads the tail as zeros; the
 *    program headers are read once from the dump file (through crash's
 *    read_flattened_format() when it is flattened, -F -E) and a read that
 *    touches such a tail is reported as excluded.
 *
 * Longjmps.  crash's own helpers may still leave by longjmp: kvtop() reads
 * page tables with FAULT_ON_ERROR, and error(FATAL) can come from gdb or from
 * a type helper.  Every call into crash runs under crash_target_guard(),
 * which uses crash's own escape hatch for this: with IN_FOREACH set, both
 * FAULT_ON_ERROR reads and error(FATAL) longjmp to pc->foreach_loop_env,
 * which the guard points at itself for the duration of the call.
 */
#include "defs.h"

#include <elf.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "crash_target.h"
#include "target/x86_64_kvtop.h"

static struct crash_target_stats ct_stats;

/* ---- the guard ------------------------------------------------------- */

int crash_target_guard(void (*fn)(void *arg), void *arg)
{
	jmp_buf saved_env;
	ulonglong saved_foreach = pc->flags & IN_FOREACH;
	volatile int rc = 0;

	memcpy(saved_env, pc->foreach_loop_env, sizeof(jmp_buf));
	pc->flags |= IN_FOREACH;
	if (setjmp(pc->foreach_loop_env) == 0) {
		fn(arg);
	} else {
		rc = -1;
		ct_stats.trapped++;
	}
	memcpy(pc->foreach_loop_env, saved_env, sizeof(jmp_buf));
	pc->flags = (pc->flags & ~IN_FOREACH) | saved_foreach;
	return rc;
}

/* ---- ELF dumps: where crash zero-fills excluded pages --------------- */

struct elf_tail {
	uint64_t start, end;		/* physical, [start, end) */
};

static struct {
	bool loaded;
	struct elf_tail *tails;
	size_t n;
} ct_elf;

/* Reads [off, off + len) of the ELF image in the dump file: in place, or,
 * in a flattened dump (makedumpfile -F -E, e.g. saved over ssh), through
 * crash's own table of the flattened stream's data blocks. */
static bool elf_image_read(int fd, off_t off, void *buf, size_t len)
{
	if (FLAT_FORMAT())
		return read_flattened_format(fd, off, buf, len) == TRUE;
	return pread(fd, buf, len, off) == (ssize_t)len;
}

/* Reads the dump file's PT_LOAD headers and keeps every [filesz, memsz)
 * tail.  A QEMU or unfiltered ELF dump has none. */
static void elf_tails_load(void)
{
	Elf64_Ehdr eh;
	int fd;

	ct_elf.loaded = true;
	if (!KDUMP_DUMPFILE() || !pc->dumpfile)
		return;
	fd = open(pc->dumpfile, O_RDONLY);
	if (fd < 0)
		return;
	if (!elf_image_read(fd, 0, &eh, sizeof(eh)) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum == PN_XNUM) {
		/* PN_XNUM: >65534 headers (QEMU paging dumps), never filtered */
		close(fd);
		return;
	}
	size_t n = eh.e_phnum;
	Elf64_Phdr *ph = calloc(n, sizeof(*ph));

	if (ph && elf_image_read(fd, (off_t)eh.e_phoff, ph, n * sizeof(*ph))) {
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			k += ph[i].p_type == PT_LOAD && ph[i].p_filesz < ph[i].p_memsz;
		ct_elf.tails = k ? calloc(k, sizeof(*ct_elf.tails)) : NULL;
		for (size_t i = 0; ct_elf.tails && i < n; i++) {
			if (ph[i].p_type != PT_LOAD || ph[i].p_filesz >= ph[i].p_memsz)
				continue;
			ct_elf.tails[ct_elf.n].start = ph[i].p_paddr + ph[i].p_filesz;
			ct_elf.tails[ct_elf.n].end = ph[i].p_paddr + ph[i].p_memsz;
			ct_elf.n++;
		}
	}
	free(ph);
	close(fd);
}

static bool elf_in_tail(uint64_t paddr)
{
	for (size_t i = 0; i < ct_elf.n; i++)
		if (paddr >= ct_elf.tails[i].start && paddr < ct_elf.tails[i].end)
			return true;
	return false;
}

/* ---- reads --------------------------------------------------------- */

struct ct_readmem {
	ulonglong addr;
	int memtype;
	void *buf;
	long len;
	int ok;
};

static void do_readmem(void *p)
{
	struct ct_readmem *r = p;

	r->ok = readmem(r->addr, r->memtype, r->buf, r->len, "iommu_inflight",
			RETURN_ON_ERROR | QUIET);
}

struct ct_kvtop {
	ulong vaddr;
	physaddr_t paddr;
	int ok;
};

static void do_kvtop(void *p)
{
	struct ct_kvtop *k = p;

	k->ok = kvtop(CURRENT_CONTEXT(), k->vaddr, &k->paddr, 0);
}

/* One page (or less) through the dump's own reader, as readmem() does. */
struct ct_lowread {
	ulong vaddr;			/* 0 for a physical read */
	physaddr_t paddr;
	void *buf;
	int cnt;
	int rc;
};

static void do_lowread(void *p)
{
	struct ct_lowread *l = p;
	int fd = REMOTE_MEMSRC() ? pc->sockfd : (ACTIVE() ? pc->mfd : pc->dfd);
	ulong saved = pc->curcmd_flags;

	if (l->vaddr)
		pc->curcmd_flags |= MEMTYPE_KVADDR;
	else
		pc->curcmd_flags &= ~MEMTYPE_KVADDR;
	l->rc = pc->readmem(fd, l->buf, l->cnt, l->vaddr, l->paddr);
	pc->curcmd_flags = (pc->curcmd_flags & ~MEMTYPE_KVADDR) | (saved & MEMTYPE_KVADDR);
}

/* ---- crash --minimal: our own walk of the kernel page tables ----------
 *
 * --minimal sets up no page-table walk: crash's kvtop() of a vmalloc or
 * vmemmap address fails, and that of a module address (taken for the
 * kernel image's mapping) lands on the wrong physical page.  The kernel's
 * own tables are in the dump, reachable from init_top_pgt in the kernel
 * image, whose mapping --minimal does translate. */
static struct {
	bool tried, ok;
	struct x86_64_kernel_pt pt;
} ct_kpt;

static enum target_err ct_read_phys_entry(void *arg, uint64_t paddr, uint64_t *entry)
{
	struct ct_readmem r = { .addr = paddr, .memtype = PHYSADDR, .buf = entry, .len = 8 };

	(void)arg;
	if (crash_target_guard(do_readmem, &r) || !r.ok)
		return TARGET_E_INVALID;
	return TARGET_OK;
}

static bool ct_minimal_walk_setup(void)
{
	struct ct_kvtop k = { 0 };
	char *top = "init_top_pgt";
	ulong me = 0;

	if (ct_kpt.tried)
		return ct_kpt.ok;
	ct_kpt.tried = true;
	/* init_top_pgt since v4.13 (commit 65ade2f872b4, "x86/boot/64: Rename
	 * init_level4_pgt and early_level4_pgt"); init_level4_pgt before */
	if (!symbol_exists(top))
		top = "init_level4_pgt";
	if (!symbol_exists(top))
		return false;
	k.vaddr = symbol_value(top);
	if (crash_target_guard(do_kvtop, &k) || !k.ok)
		return false;
	ct_kpt.pt.top = k.paddr;
	/* LA57 moves the direct map below the 4-level half: PAGE_OFFSET
	 * 0xff11... instead of 0xffff88... (crash's PAGE_OFFSET_5LEVEL) */
	ct_kpt.pt.levels = (ulong)PAGE_OFFSET < 0xff80000000000000ul ? 5 : 4;
	/* the SME encryption bit, set in every entry when SME is on */
	if (symbol_exists("sme_me_mask")) {
		struct ct_readmem r = { .addr = symbol_value("sme_me_mask"), .memtype = KVADDR,
					.buf = &me, .len = sizeof(me) };

		if (crash_target_guard(do_readmem, &r) || !r.ok)
			me = 0;
	}
	ct_kpt.pt.me_mask = me;
	ct_kpt.ok = true;
	return true;
}

/* Under --minimal, an address only our walk translates. */
static bool ct_minimal_needs_walk(enum target_space space, uint64_t addr)
{
	return space == TARGET_KVADDR && (pc->flags & MINIMAL_MODE) && IS_VMALLOC_ADDR(addr);
}

/* Translates one address of the request; false if it has no mapping. */
static bool ct_translate(enum target_space space, uint64_t addr, physaddr_t *paddr)
{
	struct ct_kvtop k = { .vaddr = addr };

	if (space == TARGET_PHYSADDR) {
		*paddr = addr;
		return true;
	}
	if (ct_minimal_needs_walk(space, addr)) {
		uint64_t pa;

		if (!ct_minimal_walk_setup() ||
		    x86_64_kvtop(&ct_kpt.pt, ct_read_phys_entry, NULL, addr, &pa, NULL))
			return false;
		*paddr = pa;
		return true;
	}
	if (!IS_KVADDR(addr))
		return false;
	if (crash_target_guard(do_kvtop, &k) || !k.ok)
		return false;
	*paddr = k.paddr;
	return true;
}

/* readmem() failed: find the first page that fails and say why. */
static enum target_err ct_diagnose(enum target_space space, uint64_t addr, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		physaddr_t paddr;
		struct ct_lowread l;
		size_t cnt;

		if (!ct_translate(space, addr, &paddr))
			return TARGET_E_INVALID;
		cnt = PAGESIZE() - PAGEOFFSET(paddr);
		if (cnt > len)
			cnt = len;
		l = (struct ct_lowread){
			.vaddr = space == TARGET_KVADDR ? addr : 0,
			.paddr = paddr, .buf = p, .cnt = (int)cnt,
		};
		if (crash_target_guard(do_lowread, &l))
			return TARGET_E_IO;
		switch (l.rc) {
		case PAGE_EXCLUDED:
			return TARGET_E_EXCLUDED;
		case SEEK_ERROR:
			return TARGET_E_INVALID;
		case READ_ERROR:
			/* an ELF dump says READ_ERROR for a page outside every
			 * PT_LOAD: not in the dump, like SEEK_ERROR elsewhere */
			return KDUMP_DUMPFILE() || NETDUMP_DUMPFILE() ?
				TARGET_E_INVALID : TARGET_E_IO;
		case PAGE_INCOMPLETE:
		default:
			if (l.rc != (int)cnt)
				return TARGET_E_IO;
		}
		addr += cnt;
		p += cnt;
		len -= cnt;
	}
	/* every page reads on its own: readmem() failed for another reason */
	return TARGET_E_IO;
}

/* ELF dumps: a read that succeeded may have been zero-filled by crash. */
static bool ct_touches_elf_tail(enum target_space space, uint64_t addr, size_t len)
{
	uint64_t end = addr + len;

	addr &= ~(uint64_t)(PAGESIZE() - 1);
	for (; addr < end; addr += PAGESIZE()) {
		physaddr_t paddr;

		if (ct_translate(space, addr, &paddr) && elf_in_tail(paddr))
			return true;
	}
	return false;
}

static enum target_err ct_read(void *priv, enum target_space space, uint64_t addr,
			       void *buf, size_t len);

/* A kernel-virtual read under --minimal, translated by our walk page by
 * page; each page then read physically (and counted there). */
static enum target_err ct_read_walked(uint64_t addr, void *buf, size_t len)
{
	char *p = buf;

	ct_stats.walked++;
	while (len) {
		size_t cnt = PAGESIZE() - (addr & (PAGESIZE() - 1));
		physaddr_t pa;
		enum target_err err;

		if (cnt > len)
			cnt = len;
		if (!ct_translate(TARGET_KVADDR, addr, &pa)) {
			ct_stats.reads++;
			ct_stats.failed++;
			ct_stats.invalid++;
			return TARGET_E_INVALID;
		}
		err = ct_read(NULL, TARGET_PHYSADDR, pa, p, cnt);
		if (err)
			return err;
		addr += cnt;
		p += cnt;
		len -= cnt;
	}
	return TARGET_OK;
}

static enum target_err ct_read(void *priv, enum target_space space, uint64_t addr,
			       void *buf, size_t len)
{
	struct ct_readmem r = {
		.addr = addr,
		.memtype = space == TARGET_KVADDR ? KVADDR : PHYSADDR,
		.buf = buf,
		.len = (long)len,
	};
	enum target_err err = TARGET_OK;
	ulong saved_dd = 0;

	(void)priv;
	ct_stats.reads++;
	if (len == 0)
		return TARGET_OK;
	if (space != TARGET_KVADDR && space != TARGET_PHYSADDR)
		return TARGET_E_UNSUPPORTED;
	if (!ct_elf.loaded)
		elf_tails_load();
	/* crash --minimal: module, vmalloc and vmemmap addresses through our
	 * own walk, a page at a time; without the walk, refused rather than
	 * read from the wrong page */
	if (ct_minimal_needs_walk(space, addr)) {
		if (!ct_minimal_walk_setup()) {
			ct_stats.failed++;
			ct_stats.unavailable++;
			return TARGET_E_UNAVAILABLE;
		}
		return ct_read_walked(addr, buf, len);
	}

	/* --zero_excluded would hide excluded pages as zeros: not for us */
	if (DISKDUMP_DUMPFILE() && diskdump_flags) {
		saved_dd = *diskdump_flags;
		*diskdump_flags &= ~ZERO_EXCLUDED;
	}
	if (crash_target_guard(do_readmem, &r) || !r.ok)
		err = ct_diagnose(space, addr, buf, len);
	else if (ct_elf.n && ct_touches_elf_tail(space, addr, len))
		err = TARGET_E_EXCLUDED;
	if (DISKDUMP_DUMPFILE() && diskdump_flags)
		*diskdump_flags = saved_dd;

	if (err) {
		ct_stats.failed++;
		if (err == TARGET_E_EXCLUDED)
			ct_stats.excluded++;
		else if (err == TARGET_E_INVALID)
			ct_stats.invalid++;
		else
			ct_stats.io++;
	} else {
		ct_stats.bytes += len;
	}
	return err;
}

/* ---- symbols and types --------------------------------------------- */

struct ct_symbol {
	char *name;
	ulong value;
	int found;
};

static void do_symbol(void *p)
{
	struct ct_symbol *s = p;

	s->found = symbol_exists(s->name);
	if (s->found)
		s->value = symbol_value(s->name);
}

static enum target_err ct_symbol(void *priv, const char *name, uint64_t *addr)
{
	struct ct_symbol s = { .name = (char *)name };

	(void)priv;
	ct_stats.lookups++;
	if (crash_target_guard(do_symbol, &s) || !s.found)
		return TARGET_E_NOTFOUND;
	*addr = s.value;
	return TARGET_OK;
}

struct ct_type {
	char *sname, *mname;
	long size, offset, msize, mtype;
	char type_name[TARGET_TYPE_NAME_MAX];
};

static void do_struct_size(void *p)
{
	struct ct_type *t = p;

	t->size = STRUCT_SIZE(t->sname);
}

static void do_member(void *p)
{
	struct ct_type *t = p;
	char *tn;

	t->offset = -1;
	if (!STRUCT_EXISTS(t->sname))
		return;
	t->offset = MEMBER_OFFSET(t->sname, t->mname);
	if (t->offset < 0)
		return;
	t->msize = MEMBER_SIZE(t->sname, t->mname);
	t->mtype = MEMBER_TYPE(t->sname, t->mname);
	tn = MEMBER_TYPE_NAME(t->sname, t->mname);
	if (tn && (long)tn != -1)
		snprintf(t->type_name, sizeof(t->type_name), "%s", tn);
}

static enum target_err ct_struct_size(void *priv, const char *sname, long *size)
{
	struct ct_type t = { .sname = (char *)sname, .size = -1 };

	(void)priv;
	ct_stats.lookups++;
	if (crash_target_guard(do_struct_size, &t) || t.size < 0)
		return TARGET_E_NOTFOUND;
	*size = t.size;
	return TARGET_OK;
}

static enum target_err ct_member(void *priv, const char *sname, const char *mname,
				 struct target_member *out)
{
	struct ct_type t = { .sname = (char *)sname, .mname = (char *)mname, .msize = -1 };

	(void)priv;
	ct_stats.lookups++;
	if (crash_target_guard(do_member, &t) || t.offset < 0)
		return TARGET_E_NOTFOUND;
	out->offset = t.offset;
	out->size = t.msize;
	out->is_pointer = t.mtype == TYPE_CODE_PTR;
	snprintf(out->type_name, sizeof(out->type_name), "%s", t.type_name);
	return TARGET_OK;
}

static const struct target_ops crash_target_ops = {
	.read = ct_read,
	.symbol = ct_symbol,
	.struct_size = ct_struct_size,
	.member = ct_member,
};

void crash_target_init(struct target *t)
{
	t->ops = &crash_target_ops;
	t->priv = NULL;
	t->name = "crash";
}

void crash_target_reset_stats(void)
{
	memset(&ct_stats, 0, sizeof(ct_stats));
}

const struct crash_target_stats *crash_target_get_stats(void)
{
	return &ct_stats;
}

static void do_dump_level(void *p)
{
	*(int *)p = get_dump_level();
}

void crash_target_get_info(struct crash_target_info *info)
{
	int level = -1;

	memset(info, 0, sizeof(*info));
	if (!ct_elf.loaded)
		elf_tails_load();
	if (DISKDUMP_DUMPFILE() && diskdump_flags && (*diskdump_flags & KDUMP_CMPRS_LOCAL)) {
		info->format = FLAT_FORMAT() ? "kdump-compressed (flattened)" : "kdump-compressed";
		info->zero_excluded = (*diskdump_flags & ZERO_EXCLUDED) != 0;
		info->exclusion_method = (*diskdump_flags & ERROR_EXCLUDED) ?
			"PAGE_EXCLUDED" : "none (old dump header: excluded pages read as zeros)";
	} else if (DISKDUMP_DUMPFILE()) {
		info->format = "diskdump";
		info->exclusion_method = "PAGE_EXCLUDED";
	} else if (KDUMP_DUMPFILE()) {
		info->format = FLAT_FORMAT() ? "ELF (flattened)" : "ELF";
		info->exclusion_method = ct_elf.n ? "ELF PT_LOAD tails (p_filesz < p_memsz)" :
			"none (no filtered PT_LOAD)";
	} else if (ACTIVE()) {
		info->format = "live";
		info->exclusion_method = "none";
	} else {
		info->format = "other";
		info->exclusion_method = "none";
	}
	if (crash_target_guard(do_dump_level, &level))
		level = -1;
	info->dump_level = level;
}
