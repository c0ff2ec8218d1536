/*
 * Fuzz target: the standalone dump reader (src/dump/kdump_target.c) on a
 * vmcore: the input is the dump file (kdump-compressed, ELF, or flattened,
 * which dump_open() reassembles first), opened by path as `iommu-inflight
 * analyze --vmcore` opens it.  Without a vmlinux the target still reads
 * memory: physical pages, the direct map and the kernel image (moved by
 * the dump's KASLR offset), single bytes and reads across pages, and the
 * failed reads are classified through the dump's page bitmaps.  The last
 * 16 bytes of the input name one more physical and one more virtual
 * address to read.
 */
#include "fuzz.h"
#include "dump/dump.h"

static void read_at(const struct target *t, enum target_space sp, uint64_t addr)
{
	static uint8_t buf[8192];
	static const size_t lens[] = { 1, 8, 4096, 6000 };

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		enum target_err e = target_read(t, sp, addr, buf, lens[i]);

		FZ_CHECK(e == TARGET_OK || e == TARGET_E_INVALID || e == TARGET_E_EXCLUDED ||
			 e == TARGET_E_IO || e == TARGET_E_UNSUPPORTED);
		FZ_CHECK(target_err_name(e) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dump_open_opts opts = { .progress = false, .tmpdir = "/dev/shm" };
	char err[512];
	struct dump *d = dump_open(fz_file(data, size), &opts, err, sizeof(err));

	if (!d)
		return 0;
	struct target t;
	uint64_t kaslr = dump_kaslr_offset(d), a;

	FZ_CHECK(dump_format(d) && dump_release(d) && dump_build_id(d));
	dump_target_init(&t, d);
	FZ_CHECK(target_symbol(&t, "linux_banner", &a) == TARGET_E_UNSUPPORTED);
	read_at(&t, TARGET_PHYSADDR, 0);
	read_at(&t, TARGET_PHYSADDR, 0x1000);
	read_at(&t, TARGET_PHYSADDR, 0x100ff8);
	read_at(&t, TARGET_KVADDR, 0xffff888000001000ull);
	read_at(&t, TARGET_KVADDR, 0xffffffff81000000ull + kaslr);
	if (size >= 16) {
		struct fz_in in = fz_in(data + size - 16, 16);

		read_at(&t, TARGET_PHYSADDR, fz_u64(&in));
		read_at(&t, TARGET_KVADDR, fz_u64(&in));
	}
	const struct dump_stats *st = dump_get_stats(d);

	FZ_CHECK(st->failed == st->excluded + st->invalid + st->io);
	dump_close(d);
	return 0;
}
