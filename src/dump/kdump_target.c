/*
 * The standalone target: memory from libkdumpfile, symbols and types from
 * the vmlinux.
 *
 * Failed reads are classified as crash's own readers do, so that both
 * front ends report the same problems: libkdumpfile says KDUMP_ERR_NODATA
 * both for a page makedumpfile filtered out and for an address that is not
 * RAM at all, so the page's frame is looked up in the dump's two bitmaps:
 * in memory.pagemap (RAM the dump describes: the kdump header's first
 * bitmap, an ELF dump's PT_LOAD p_memsz) but not in file.pagemap (pages
 * stored) means excluded; in neither means not in the dump.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

#include "dump/dump.h"

#define KERNEL_MAP_START 0xffffffff80000000ull

struct dump {
	int fd;
	kdump_ctx_t *kd;
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	kdump_bmp_t *file_map, *mem_map;
	bool maps_tried;
	char format[64];
	char release[128];
	char build_id[128];
	uint64_t kaslr;
	struct vmlinux *vm;
	struct dump_stats stats;
	struct dump_integrity integrity;
};

static char *vmcoreinfo(kdump_ctx_t *kd, const char *key)
{
	char *v = NULL;

	if (kdump_vmcoreinfo_line(kd, key, &v) != KDUMP_OK)
		return NULL;
	return v;
}

/* A temporary file, already unlinked, to reassemble a flattened dump into. */
static int tmp_fd(const char *tmpdir, char *err, size_t errlen)
{
	char *path;
	int fd;

	if (!tmpdir)
		tmpdir = getenv("TMPDIR");
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
#ifdef O_TMPFILE
	fd = open(tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	if (asprintf(&path, "%s/iommu-inflight-vmcore-XXXXXX", tmpdir) < 0)
		return -1;
	fd = mkstemp(path);
	if (fd < 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else
		unlink(path);
	free(path);
	return fd;
}

struct dump *dump_open(const char *path, const struct dump_open_opts *opts, char *err, size_t errlen)
{
	struct dump_open_opts no_opts = { 0 };
	struct dump *d = calloc(1, sizeof(*d));
	unsigned char head[4096];
	ssize_t got = 0;
	struct stat st;
	char cut[256] = "";
	bool stream_cut = false;

	if (!opts)
		opts = &no_opts;
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(0);
	if (d->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(d);
		return NULL;
	}
	/* read (not pread): the flattened format may come through a pipe */
	while (got < (ssize_t)sizeof(head)) {
		ssize_t n = read(d->fd, head + got, sizeof(head) - (size_t)got);

		if (n <= 0)
			break;
		got += n;
	}
	if (flattened_is_header(head, (size_t)got)) {
		int out = tmp_fd(opts->tmpdir, err, errlen);
		uint64_t total = fstat(d->fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;

		int rc = out < 0 ? -1 : flattened_reassemble(d->fd, head, (size_t)got, out, opts->progress,
							       total, cut, sizeof(cut));

		if (rc < 0) {
			if (out >= 0) {		/* else tmp_fd() said why */
				snprintf(err, errlen, "%s", cut);
				close(out);
			}
			close(d->fd);
			free(d);
			return NULL;
		}
		if (rc > 0)
			stream_cut = true;
		close(d->fd);
		d->fd = out;
		snprintf(d->format, sizeof(d->format), "kdump-flattened");
		got = pread(d->fd, head, sizeof(head), 0);
		if (got < 0)
			got = 0;
	} else if (strcmp(path, "-") == 0) {
		snprintf(err, errlen, "stdin: only a flattened dump (makedumpfile -F) can be read from a pipe");
		close(d->fd);
		free(d);
		return NULL;
	}
	/* whole or cut short: known before the first read fails */
	dump_integrity_check(d->fd, &d->integrity);
	if (stream_cut) {
		struct dump_integrity *di = &d->integrity;
		char was[sizeof(di->summary)];

		snprintf(was, sizeof(was), "%s", di->summary);
		di->checked = di->truncated = true;
		snprintf(di->summary, sizeof(di->summary), "%.120s%s%.130s", cut, was[0] ? "; " : "", was);
	}
	const char *bad = vmcore_check(d->fd, head, (size_t)got);

	if (bad) {
		/* a file cut inside its headers says so too */
		snprintf(err, errlen, "%s: %s: not a usable vmcore%s%.200s", path, bad,
			 d->integrity.summary[0] ? "; " : "", d->integrity.summary);
		close(d->fd);
		free(d);
		return NULL;
	}

	d->kd = kdump_new();
	if (!d->kd) {
		snprintf(err, errlen, "out of memory");
		dump_close(d);
		return NULL;
	}
	/* read(2), not mmap(2): with the default policy every page the walk
	 * touches stays mapped, and peak RSS grows with the page tables read
	 * (914 MB against 149 MB on a 10^8-PTE synthetic image, docs/scale.md). */
	if (kdump_set_number_attr(d->kd, KDUMP_ATTR_FILE_MMAP_POLICY, KDUMP_MMAP_NEVER) != KDUMP_OK) {
		snprintf(err, errlen, "%s: cannot set the mmap policy: %s", path, kdump_get_err(d->kd));
		dump_close(d);
		return NULL;
	}
	if (kdump_open_fd(d->kd, d->fd) != KDUMP_OK) {
		snprintf(err, errlen, "%s: %s%s%s", path, kdump_get_err(d->kd),
			 d->integrity.summary[0] ? ": " : "", d->integrity.summary);
		dump_close(d);
		return NULL;
	}
	if (kdump_set_string_attr(d->kd, KDUMP_ATTR_OSTYPE, "linux") != KDUMP_OK) {
		snprintf(err, errlen, "%s: cannot set up Linux address translation: %s%s%.200s", path,
			 kdump_get_err(d->kd), d->integrity.summary[0] ? "; " : "", d->integrity.summary);
		dump_close(d);
		return NULL;
	}
	if (!d->format[0]) {
		const char *f = NULL;

		kdump_get_string_attr(d->kd, KDUMP_ATTR_FILE_FORMAT, &f);
		if (f && !strcmp(f, "diskdump"))
			snprintf(d->format, sizeof(d->format), "kdump-compressed");
		else
			snprintf(d->format, sizeof(d->format), "%s", f ? f : "unknown");
	}
	char *v;

	if ((v = vmcoreinfo(d->kd, "OSRELEASE"))) {
		snprintf(d->release, sizeof(d->release), "%s", v);
		free(v);
	}
	if ((v = vmcoreinfo(d->kd, "BUILD-ID"))) {
		snprintf(d->build_id, sizeof(d->build_id), "%s", v);
		free(v);
	}
	if ((v = vmcoreinfo(d->kd, "KERNELOFFSET"))) {
		d->kaslr = strtoull(v, NULL, 16);
		free(v);
	}
	kdump_get_addrxlat(d->kd, &d->axctx, &d->axsys);
	return d;
}

void dump_close(struct dump *d)
{
	if (!d)
		return;
	if (d->file_map)
		kdump_bmp_decref(d->file_map);
	if (d->mem_map)
		kdump_bmp_decref(d->mem_map);
	if (d->axctx)
		addrxlat_ctx_decref(d->axctx);
	if (d->axsys)
		addrxlat_sys_decref(d->axsys);
	if (d->kd)
		kdump_free(d->kd);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

const char *dump_format(const struct dump *d) { return d->format; }
const struct dump_integrity *dump_get_integrity(const struct dump *d) { return &d->integrity; }
const char *dump_release(const struct dump *d) { return d->release; }
const char *dump_build_id(const struct dump *d) { return d->build_id; }
uint64_t dump_kaslr_offset(const struct dump *d) { return d->kaslr; }
const struct dump_stats *dump_get_stats(const struct dump *d) { return &d->stats; }

int dump_attach_vmlinux(struct dump *d, struct vmlinux *vm, char *err, size_t errlen)
{
	const char *vb = vmlinux_build_id(vm), *vr = vmlinux_release(vm);
	bool bad_id = *vb && *d->build_id && strncasecmp(vb, d->build_id, strlen(d->build_id)) != 0;
	bool bad_rel = *vr && *d->release && strcmp(vr, d->release) != 0;

	if (bad_id || bad_rel) {
		snprintf(err, errlen,
			 "vmlinux does not match the dump: vmlinux is %s (build id %s), the dump is %s (build id %s)",
			 *vr ? vr : "of unknown release", *vb ? vb : "unknown",
			 *d->release ? d->release : "of unknown release",
			 *d->build_id ? d->build_id : "unknown");
		return -1;
	}
	if (!vmlinux_has_dwarf(vm)) {
		snprintf(err, errlen, "the vmlinux has no DWARF debug information (use the -dbg package's vmlinux)");
		return -1;
	}
	d->vm = vm;
	return 0;
}

/* ---- the target ---------------------------------------------------- */

static int map_bit(kdump_bmp_t *bmp, uint64_t pfn)
{
	unsigned char raw[1] = { 0 };

	if (!bmp || kdump_bmp_get_bits(bmp, pfn, pfn, raw) != KDUMP_OK)
		return -1;
	return raw[0] & 1;
}

/*
 * The page maps, fetched at the first failed read only: libkdumpfile 0.5.1
 * never frees a kdump-compressed dump's memory.pagemap once it was asked
 * for (24 KiB per dump; it adds up over a batch of thousands).
 */
static void get_maps(struct dump *d)
{
	kdump_attr_t at;

	if (d->maps_tried)
		return;
	d->maps_tried = true;
	if (kdump_get_attr(d->kd, KDUMP_ATTR_FILE_PAGEMAP, &at) == KDUMP_OK && at.type == KDUMP_BITMAP) {
		d->file_map = at.val.bitmap;
		kdump_bmp_incref(d->file_map);
	}
	if (kdump_get_attr(d->kd, KDUMP_ATTR_MEMORY_PAGEMAP, &at) == KDUMP_OK && at.type == KDUMP_BITMAP) {
		d->mem_map = at.val.bitmap;
		kdump_bmp_incref(d->mem_map);
	}
}

/* Does [addr, addr + len) reach data past the end of a cut ELF file
 * (which the reader may have handed out as zeros)? */
static bool reads_missing(struct dump *d, kdump_addrspace_t as, uint64_t addr, size_t len)
{
	for (uint64_t page = addr & ~0xfffull; page < addr + len; page += 4096) {
		uint64_t pa = page, lo = page < addr ? addr : page;
		uint64_t hi = page + 4096 < addr + len ? page + 4096 : addr + len;

		if (as != KDUMP_KVADDR)
			pa = lo;
		else if (dump_vtop(d, lo, &pa))
			return true;
		if (dump_integrity_missing(&d->integrity, pa, hi - lo))
			return true;
	}
	return false;
}

/* Why the page at addr (in space as) could not be read. */
static enum target_err classify(struct dump *d, kdump_addrspace_t as, uint64_t addr)
{
	uint64_t pa = addr;

	get_maps(d);

	if (as == KDUMP_KVADDR && dump_vtop(d, addr, &pa))
		return TARGET_E_INVALID;
	int in_file = map_bit(d->file_map, pa >> 12), in_mem = map_bit(d->mem_map, pa >> 12);

	if (in_mem == 1 && in_file == 0)
		return TARGET_E_EXCLUDED;
	return TARGET_E_INVALID;
}

static enum target_err dt_read(void *priv, enum target_space space, uint64_t addr, void *buf, size_t len)
{
	struct dump *d = priv;
	kdump_addrspace_t as;
	size_t got = len;
	kdump_status st;
	enum target_err err;

	d->stats.reads++;
	if (space == TARGET_KVADDR)
		as = KDUMP_KVADDR;
	else if (space == TARGET_PHYSADDR)
		as = KDUMP_KPHYSADDR;
	else
		return TARGET_E_UNSUPPORTED;
	if (!len)
		return TARGET_OK;
	st = kdump_read(d->kd, as, addr, buf, &got);
	if (st == KDUMP_OK && d->integrity.n_missing_phys && reads_missing(d, as, addr, len))
		st = KDUMP_ERR_SYSTEM;		/* zeros for bytes the cut file does not have */
	if (st == KDUMP_OK) {
		d->stats.bytes += len;
		return TARGET_OK;
	}
	if (got > len)
		got = 0;
	switch (st) {
	case KDUMP_ERR_NODATA:
		err = classify(d, as, addr + got);
		break;
	case KDUMP_ERR_ADDRXLAT:
	case KDUMP_ERR_INVALID:
		err = TARGET_E_INVALID;
		break;
	default:
		err = TARGET_E_IO;
		break;
	}
	d->stats.failed++;
	if (err == TARGET_E_EXCLUDED)
		d->stats.excluded++;
	else if (err == TARGET_E_INVALID)
		d->stats.invalid++;
	else
		d->stats.io++;
	return err;
}

static enum target_err dt_symbol(void *priv, const char *name, uint64_t *addr)
{
	struct dump *d = priv;
	uint64_t a;
	enum target_err e;

	if (!d->vm)
		return TARGET_E_UNSUPPORTED;
	e = vmlinux_symbol(d->vm, name, &a);
	if (e != TARGET_OK)
		return e;
	/* the kernel image moved by KASLR; per-CPU offsets and absolute
	 * symbols did not */
	if (a >= KERNEL_MAP_START)
		a += d->kaslr;
	*addr = a;
	return TARGET_OK;
}

static enum target_err dt_struct_size(void *priv, const char *sname, long *size)
{
	struct dump *d = priv;

	return d->vm ? vmlinux_struct_size(d->vm, sname, size) : TARGET_E_UNSUPPORTED;
}

static enum target_err dt_member(void *priv, const char *sname, const char *mname,
				 struct target_member *out)
{
	struct dump *d = priv;

	return d->vm ? vmlinux_member(d->vm, sname, mname, out) : TARGET_E_UNSUPPORTED;
}

static const struct target_ops dump_target_ops = {
	.read = dt_read,
	.symbol = dt_symbol,
	.struct_size = dt_struct_size,
	.member = dt_member,
};

int dump_vtop(struct dump *d, uint64_t vaddr, uint64_t *paddr)
{
	addrxlat_fulladdr_t fa = { .addr = vaddr, .as = ADDRXLAT_KVADDR };

	if (!d->axctx || !d->axsys ||
	    addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, d->axctx, d->axsys) != ADDRXLAT_OK)
		return -1;
	*paddr = fa.addr;
	return 0;
}

void dump_target_init(struct target *t, struct dump *d)
{
	t->ops = &dump_target_ops;
	t->priv = d;
	t->name = "kdumpfile";
}
