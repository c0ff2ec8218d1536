/*
 * Fuzz target: the standalone reader's vmlinux (src/dump/vmlinux.c and
 * src/dump/dwarf_types.c): the input is the ELF file, opened by path.
 * Seeded with a small static ELF built from fuzz/seed/tiny-vmlinux.c, so
 * that the fuzzer starts from a symbol table, a build-id note, a
 * linux_banner and DWARF types.  Each input asks for the symbols, struct
 * sizes and members the analysis and the printk reader ask for, each
 * twice (the second answer comes from the caches and must agree).
 */
#include "fuzz.h"
#include "dump/vmlinux.h"

static const char *const symbols[] = {
	"linux_banner", "amd_iommu_list", "amd_iommu_pci_seg_list", "amd_iommu_efr",
	"sme_me_mask", "prb", "amd_iommu_dev_table", "no_such_symbol",
};

static const char *const members[][2] = {
	{ "amd_iommu", "list" }, { "amd_iommu", "cmd_buf" }, { "amd_iommu", "cmd_sem" },
	{ "amd_iommu", "pci_seg" }, { "amd_iommu", "need_sync" },
	{ "amd_iommu_pci_seg", "dev_table" }, { "amd_iommu_pci_seg", "last_bdf" },
	{ "iommu_dev_data", "dev" }, { "iommu_dev_data", "domain" },
	{ "protection_domain", "id" }, { "amd_io_pgtable", "mode" },
	{ "device", "driver" }, { "kobject", "name" }, { "pci_dev", "devfn" },
	{ "prb_desc_ring", "count_bits" }, { "printk_ringbuffer", "text_data_ring" },
	{ "printk_info", "ts_nsec" }, { "no_such_struct", "x" }, { "amd_iommu", "no_such_member" },
};

static void same_member(const struct target_member *a, const struct target_member *b)
{
	FZ_CHECK(a->offset == b->offset && a->size == b->size && a->is_pointer == b->is_pointer);
	FZ_CHECK(memchr(a->type_name, 0, sizeof(a->type_name)) != NULL);
	FZ_CHECK(!strcmp(a->type_name, b->type_name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct vmlinux *vm = vmlinux_open(fz_file(data, size), err, sizeof(err));

	if (!vm)
		return 0;
	vmlinux_type_hint(vm, "drivers/iommu/amd/");
	vmlinux_type_hint(vm, "tiny-vmlinux");
	FZ_CHECK(strlen(vmlinux_build_id(vm)) < 128 && strlen(vmlinux_release(vm)) < 128);
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
			uint64_t a = 0, b = 0;
			enum target_err e = vmlinux_symbol(vm, symbols[i], &a);

			FZ_CHECK(vmlinux_symbol(vm, symbols[i], &b) == e && (e != TARGET_OK || a == b));
		}
		for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
			struct target_member m1, m2;
			long s1 = 0, s2 = 0;
			enum target_err e = vmlinux_struct_size(vm, members[i][0], &s1);

			FZ_CHECK(vmlinux_struct_size(vm, members[i][0], &s2) == e && s1 == s2);
			e = vmlinux_member(vm, members[i][0], members[i][1], &m1);
			FZ_CHECK(vmlinux_member(vm, members[i][0], members[i][1], &m2) == e);
			if (e == TARGET_OK)
				same_member(&m1, &m2);
		}
	}
	size_t scanned, total;

	vmlinux_type_stats(vm, &scanned, &total);
	FZ_CHECK(scanned <= total);
	vmlinux_close(vm);
	return 0;
}
