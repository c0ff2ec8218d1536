/*
 * A vmlinux for the standalone reader: ELF symbols, build id, release (from
 * the image's linux_banner) and, through dwarf_types.c, struct layouts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

#include "dump/dwarf_types.h"
#include "dump/vmlinux.h"

struct vm_sym {
	char *name;
	enum target_err err;
	uint64_t addr;
};

struct vmlinux {
	int fd;
	Elf *elf;
	Elf_Scn *symtab;
	size_t symtab_strndx;
	struct dwarf_types *dt;
	char build_id[128];
	char release[128];
	struct vm_sym *cache;
	size_t n_cache;
};

static void find_build_id(struct vmlinux *vm)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(vm->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		if (!(d = elf_getdata(scn, NULL)))
			continue;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;

		while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)d->d_buf + name_off, "GNU", 4))
				continue;
			const unsigned char *b = (const unsigned char *)d->d_buf + desc_off;
			size_t n = nh.n_descsz;

			if (n * 2 + 1 > sizeof(vm->build_id))
				n = (sizeof(vm->build_id) - 1) / 2;
			for (size_t i = 0; i < n; i++)
				sprintf(vm->build_id + 2 * i, "%02x", b[i]);
			return;
		}
	}
}

/* Reads `len` bytes at link-time address `addr` from the file's sections. */
static bool read_image(struct vmlinux *vm, uint64_t addr, void *buf, size_t len)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(vm->elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) || sh.sh_type == SHT_NOBITS)
			continue;
		if (addr < sh.sh_addr || addr + len > sh.sh_addr + sh.sh_size)
			continue;
		return pread(vm->fd, buf, len, (off_t)(sh.sh_offset + (addr - sh.sh_addr))) == (ssize_t)len;
	}
	return false;
}

static void find_release(struct vmlinux *vm)
{
	uint64_t a;
	char banner[256];

	if (vmlinux_symbol(vm, "linux_banner", &a) != TARGET_OK ||
	    !read_image(vm, a, banner, sizeof(banner) - 1))
		return;
	banner[sizeof(banner) - 1] = 0;
	if (strncmp(banner, "Linux version ", 14))
		return;
	sscanf(banner + 14, "%127s", vm->release);
}

struct vmlinux *vmlinux_open(const char *path, char *err, size_t errlen)
{
	struct vmlinux *vm = calloc(1, sizeof(*vm));
	GElf_Ehdr eh;

	if (!vm) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	elf_version(EV_CURRENT);
	vm->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (vm->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(vm);
		return NULL;
	}
	vm->elf = elf_begin(vm->fd, ELF_C_READ_MMAP, NULL);
	if (!vm->elf || elf_kind(vm->elf) != ELF_K_ELF || !gelf_getehdr(vm->elf, &eh)) {
		snprintf(err, errlen, "%s: not an ELF file", path);
		vmlinux_close(vm);
		return NULL;
	}
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(vm->elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
			vm->symtab = scn;
			vm->symtab_strndx = sh.sh_link;
			break;
		}
	}
	if (!vm->symtab) {
		snprintf(err, errlen, "%s: no symbol table (stripped? give the -dbg vmlinux)", path);
		vmlinux_close(vm);
		return NULL;
	}
	vm->dt = dwarf_types_new(vm->elf);
	find_build_id(vm);
	find_release(vm);
	return vm;
}

void vmlinux_close(struct vmlinux *vm)
{
	if (!vm)
		return;
	dwarf_types_free(vm->dt);
	if (vm->elf)
		elf_end(vm->elf);
	if (vm->fd >= 0)
		close(vm->fd);
	for (size_t i = 0; i < vm->n_cache; i++)
		free(vm->cache[i].name);
	free(vm->cache);
	free(vm);
}

void vmlinux_type_hint(struct vmlinux *vm, const char *substr)
{
	if (vm->dt)
		dwarf_types_hint(vm->dt, substr);
}

const char *vmlinux_build_id(const struct vmlinux *vm)
{
	return vm->build_id;
}

const char *vmlinux_release(const struct vmlinux *vm)
{
	return vm->release;
}

bool vmlinux_has_dwarf(const struct vmlinux *vm)
{
	return vm->dt != NULL;
}

static enum target_err symtab_lookup(struct vmlinux *vm, const char *name, uint64_t *addr)
{
	Elf_Data *d = elf_getdata(vm->symtab, NULL);
	GElf_Shdr sh;

	if (!d || !gelf_getshdr(vm->symtab, &sh) || !sh.sh_entsize)
		return TARGET_E_IO;
	size_t n = sh.sh_size / sh.sh_entsize;
	enum target_err best = TARGET_E_NOTFOUND;

	for (size_t i = 1; i < n; i++) {
		GElf_Sym s;
		const char *sn;

		if (!gelf_getsym(d, (int)i, &s) || !s.st_name)
			continue;
		sn = elf_strptr(vm->elf, vm->symtab_strndx, s.st_name);
		if (!sn || strcmp(sn, name))
			continue;
		if (GELF_ST_TYPE(s.st_info) == STT_SECTION || GELF_ST_TYPE(s.st_info) == STT_FILE)
			continue;
		*addr = s.st_value;
		best = TARGET_OK;
		/* a global definition beats a local one of the same name */
		if (GELF_ST_BIND(s.st_info) != STB_LOCAL)
			break;
	}
	return best;
}

enum target_err vmlinux_symbol(struct vmlinux *vm, const char *name, uint64_t *addr)
{
	for (size_t i = 0; i < vm->n_cache; i++) {
		if (!strcmp(vm->cache[i].name, name)) {
			*addr = vm->cache[i].addr;
			return vm->cache[i].err;
		}
	}
	uint64_t a = 0;
	enum target_err e = symtab_lookup(vm, name, &a);
	struct vm_sym *nc = realloc(vm->cache, (vm->n_cache + 1) * sizeof(*nc));

	if (nc) {
		vm->cache = nc;
		nc[vm->n_cache].name = strdup(name);
		nc[vm->n_cache].err = e;
		nc[vm->n_cache].addr = a;
		if (nc[vm->n_cache].name)
			vm->n_cache++;
	}
	*addr = a;
	return e;
}

enum target_err vmlinux_struct_size(struct vmlinux *vm, const char *sname, long *size)
{
	return vm->dt ? dwarf_types_struct_size(vm->dt, sname, size) : TARGET_E_UNSUPPORTED;
}

enum target_err vmlinux_member(struct vmlinux *vm, const char *sname, const char *mname,
			       struct target_member *out)
{
	return vm->dt ? dwarf_types_member(vm->dt, sname, mname, out) : TARGET_E_UNSUPPORTED;
}

void vmlinux_type_stats(const struct vmlinux *vm, size_t *cus_scanned, size_t *cus_total)
{
	*cus_scanned = *cus_total = 0;
	if (vm->dt)
		dwarf_types_stats(vm->dt, cus_scanned, cus_total);
}

/* ---- finding the vmlinux ------------------------------------------- */

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool has_magic(const char *path, const char *magic, size_t n)
{
	char buf[16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = pread(fd, buf, n, 0) == (ssize_t)n && !memcmp(buf, magic, n);
	close(fd);
	return ok;
}

/* Extracts the vmlinux from a Debian -dbg package with
 * dpkg-deb and tar (both on every Debian system) into a temporary file. */
static char *extract_deb(const char *deb, char *err, size_t errlen)
{
	const char *tmpdir = getenv("TMPDIR");
	char *out;
	char cmd[4096];

	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	if (asprintf(&out, "%s/iommu-inflight-vmlinux-XXXXXX", tmpdir) < 0)
		return NULL;
	int fd = mkstemp(out);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		free(out);
		return NULL;
	}
	close(fd);
	/* the package path is passed through the environment, never the shell */
	setenv("IIF_DEB", deb, 1);
	setenv("IIF_OUT", out, 1);
	/* 5.10 .. 6.x: usr/lib/debug/boot/vmlinux-REL is the file.  7.x's
	 * packages make it a symlink to ../lib/modules/REL/vmlinux (tar -O
	 * writes nothing for a symlink), so both names are asked for in one
	 * pass; tar's status is not used, as one of the two is always missing,
	 * and the result must be an ELF file. */
	snprintf(cmd, sizeof(cmd),
		 "dpkg-deb --fsys-tarfile \"$IIF_DEB\" | "
		 "tar -xO --wildcards './usr/lib/debug/boot/vmlinux-*' './usr/lib/debug/lib/modules/*/vmlinux' "
		 "> \"$IIF_OUT\" 2>/dev/null; exit 0");
	int rc = system(cmd);

	unsetenv("IIF_DEB");
	unsetenv("IIF_OUT");
	if (rc != 0 || !has_magic(out, "\177ELF", 4)) {
		snprintf(err, errlen, "%s: no vmlinux in the package (looked for usr/lib/debug/boot/vmlinux-* "
			 "and usr/lib/debug/lib/modules/*/vmlinux; is it a linux-image-*-dbg .deb?)", deb);
		unlink(out);
		free(out);
		return NULL;
	}
	return out;
}

char *vmlinux_locate(const char *spec, const char *build_id, const char *release,
		     const char *debug_dirs, bool *is_temp, char *err, size_t errlen)
{
	*is_temp = false;
	if (spec) {
		if (!is_file(spec)) {
			snprintf(err, errlen, "%s: %s", spec, strerror(errno ? errno : ENOENT));
			return NULL;
		}
		if (has_magic(spec, "!<arch>\n", 8)) {
			char *p = extract_deb(spec, err, errlen);

			*is_temp = p != NULL;
			return p;
		}
		return strdup(spec);
	}
	/* the usual places, below each debug root and then "/" */
	char *roots = strdup(debug_dirs ? debug_dirs : "");
	char *save = NULL, path[4096];
	const char *tries[8];
	size_t nt = 0;

	if (!roots)
		return NULL;
	for (char *r = strtok_r(roots, ":", &save);; r = strtok_r(NULL, ":", &save)) {
		const char *root = r ? r : "";

		nt = 0;
		if (build_id && strlen(build_id) > 2)
			tries[nt++] = "B";
		if (release && *release) {
			tries[nt++] = "usr/lib/debug/boot/vmlinux-";
			tries[nt++] = "usr/lib/debug/lib/modules/";
			tries[nt++] = "boot/vmlinux-";
			tries[nt++] = "lib/modules/";
		}
		for (size_t i = 0; i < nt; i++) {
			if (!strcmp(tries[i], "B"))
				snprintf(path, sizeof(path), "%s/usr/lib/debug/.build-id/%.2s/%s.debug",
					 root, build_id, build_id + 2);
			else if (!strcmp(tries[i], "usr/lib/debug/lib/modules/"))
				snprintf(path, sizeof(path), "%s/%s%s/vmlinux", root, tries[i], release);
			else if (!strcmp(tries[i], "lib/modules/"))
				snprintf(path, sizeof(path), "%s/%s%s/build/vmlinux", root, tries[i], release);
			else
				snprintf(path, sizeof(path), "%s/%s%s", root, tries[i], release);
			if (is_file(path) && has_magic(path, "\177ELF", 4)) {
				free(roots);
				return strdup(path);
			}
		}
		if (!r)
			break;
	}
	free(roots);
	snprintf(err, errlen, "no vmlinux given and none found for build id %s, release %s "
		 "(looked in /usr/lib/debug/.build-id, /usr/lib/debug/boot, /boot, /lib/modules/REL/build%s%s)",
		 build_id && *build_id ? build_id : "?", release && *release ? release : "?",
		 debug_dirs ? " below / and " : "", debug_dirs ? debug_dirs : "");
	return NULL;
}
