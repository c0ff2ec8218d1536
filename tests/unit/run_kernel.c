/* The synthetic 6.x kernel the analysis_run tests share (see run_kernel.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amdvi/command.h"
#include "amdvi/event.h"
#include "amdvi/pgtable.h"
#include "run_kernel.h"

struct fixture *run_kernel_build(struct synth_iommu *io)
{
	struct fixture *fx = fixture_new();
	static uint64_t root3[512], l1[512], l0[512], root4[512];

	memset(io, 0, sizeof(*io));
	io->last_bdf = 255;
	io->mmio_phys = 0xfeb80000;
	io->efr = 0x29d3;
	io->devid = 0x10;
	io->tail = 0x20;
	io->sem_value = io->sem_issued = 2;
	amdvi_cmd_build_inv_iommu_pages(io->ring[0], 3, 0, 0xffe58000ull, false, true, false);
	amdvi_cmd_build_completion_wait(io->ring[1], 0x11be000, 2, true, false, false);
	io->dte = calloc(256, sizeof(*io->dte));
	for (int i = 0; i < 256; i++)
		io->dte[i][0] = 0x3;
	io->dte[0x18][0] = 0x6000000000000603ull | ROOT3;	/* 00:03.0 domain 3, mode 3 */
	io->dte[0x18][1] = 3;
	io->dte[0x20][0] = 0x6000000000000603ull | ROOT4;	/* 00:04.0 domain 4, empty table */
	io->dte[0x20][1] = 4;
	io->dte[0x28][0] = 0x6000000000000001ull;		/* 00:05.0 identity */
	/* one unprocessed event in the old event log, one in the PPR log:
	 * PPR_REQUEST devid 00:03.0, PASID 0x12345, tag 0x2a, flags 0x1,
	 * address 0x7f0000001000 */
	amdvi_event_build(io->evt[7], 2, 0x18, 3, 0x20, 0xdead000);
	io->ppr[3][0] = 0x2345u << 16 | 0x18;
	io->ppr[3][1] = 1u << 28 | 0x001u << 16 | 0x1u << 10 | 0x2a;
	io->ppr[3][2] = 0x00001000;
	io->ppr[3][3] = 0x7f00;

	memset(root3, 0, sizeof(root3));
	memset(l1, 0, sizeof(l1));
	memset(l0, 0, sizeof(l0));
	memset(root4, 0, sizeof(root4));
	root3[amdvi_pt_level_index(0xffe59000ull, 2)] = amdvi_pte_build_pde(L1_3, 2);
	l1[amdvi_pt_level_index(0xffe59000ull, 1)] = amdvi_pte_build_pde(L0_3, 1);
	l0[amdvi_pt_level_index(0xffe59000ull, 0)] = amdvi_pte_build_leaf(0x2b37000ull, false, true);
	l0[amdvi_pt_level_index(0xffe5a000ull, 0)] = amdvi_pte_build_leaf(0x2b38000ull, true, true);
	synth_kernel(fx, SYNTH_6X, io);
	fixture_add_memory(fx, TARGET_PHYSADDR, ROOT3, 4096, root3, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, L1_3, 4096, l1, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, L0_3, 4096, l0, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, ROOT4, 4096, root4, TARGET_OK);
	return fx;
}

char *run_kernel_write_log(void)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/iif-capture-XXXXXX");
	close(mkstemp(path));
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("[    0.326715] AMD-Vi: Translation is already enabled - trying to copy translation structures\n"
	      "[    0.328558] AMD-Vi: Copied DEV table from previous kernel.\n"
	      /* through the old mapping, in the old domain */
	      "[    2.100000] e1000 0000:00:03.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0003 address=0xffe5a010 flags=0x0070]\n"
	      /* old domain, but no mapping there */
	      "[    2.200000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x0003 address=0x12345000 flags=0x0020]\n"
	      /* the capture kernel's own domain, at an IOVA the old domain never mapped */
	      "[    2.300000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x0009 address=0x7000000 flags=0x0020]\n"
	      /* the capture kernel's own domain, but the device still uses an old IOVA */
	      "[    2.350000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x0009 address=0xffe59008 flags=0x0020]\n"
	      /* a fresh capture kernel's domain whose number the crashed kernel
	       * used for another device (00:04.0): still 00:03.0's old IOVA */
	      "[    2.370000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x0004 address=0xffe5a010 flags=0x0020]\n"
	      /* identity device in the old kernel */
	      "[    2.400000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:05.0 domain=0x0000 address=0x1000 flags=0x0020]\n"
	      /* no valid DTE (beyond last_bdf) */
	      "[    2.500000] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:02:00.0 domain=0x0001 address=0x1000 flags=0x0020]\n",
	      f);
	fclose(f);
	return path;
}

void run_kernel_member(struct fixture *fx, const char *s, const char *m, long off, long size)
{
	struct target_member tm = { .offset = off, .size = size };

	fixture_add_member(fx, s, m, TARGET_OK, &tm);
}

/* pci_seg->dev_data_list -> one iommu_dev_data: 00:03.0, attached to
 * protection domain 3 (7.x layout) whose root is ROOT3, 3 levels. */
void run_kernel_add_dev_data_03(struct fixture *fx)
{
	uint64_t pob = POB, dd[5] = { 0 }, pd[12] = { 0 }, node = DD_KV + 8;

	fixture_add_memory(fx, TARGET_KVADDR, SYNTH_SEG_KV + 16, 8, &node, TARGET_OK);
	run_kernel_member(fx, "iommu_dev_data", "dev_data_list", 8, 8);
	run_kernel_member(fx, "iommu_dev_data", "devid", 16, 2);
	run_kernel_member(fx, "iommu_dev_data", "dev", 24, 8);
	run_kernel_member(fx, "iommu_dev_data", "domain", 32, 8);
	dd[2] = 0x18;
	dd[4] = PD_KV;
	fixture_add_memory(fx, TARGET_KVADDR, DD_KV, sizeof(dd), dd, TARGET_OK);
	/* struct protection_domain { union { ..., pt_iommu_amdv1 amdv1 }; ...; u16 id; pd_mode } */
	run_kernel_member(fx, "protection_domain", "id", 80, 2);
	run_kernel_member(fx, "protection_domain", "pd_mode", 84, 4);
	run_kernel_member(fx, "protection_domain", "amdv1", 0, 64);
	run_kernel_member(fx, "pt_iommu_amdv1", "amdpt", 40, 16);
	run_kernel_member(fx, "pt_amdv1", "common", 0, 16);
	run_kernel_member(fx, "pt_common", "top_of_table", 0, 8);
	pd[5] = (POB + ROOT3) | 2;		/* top level 2 (0-based): 3 levels */
	pd[10] = 3;				/* id */
	pd[10] |= 1ull << 32;			/* pd_mode V1 */
	fixture_add_memory(fx, TARGET_KVADDR, PD_KV, sizeof(pd), pd, TARGET_OK);
	fixture_add_symbol(fx, "page_offset_base", TARGET_OK, 0xffffffff82000700ull);
	fixture_add_memory(fx, TARGET_KVADDR, 0xffffffff82000700ull, 8, &pob, TARGET_OK);
}

