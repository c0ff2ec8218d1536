/* Layout probing and inventory reading across kernel eras, through replay
 * fixtures built by synth_kernel.c. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "backend/amdvi/inventory.h"
#include "synth_kernel.h"

struct rig {
	struct fixture *fx;
	struct target t;
	struct layout lay;
	struct inventory inv;
	struct problems pb;
	struct synth_iommu io;
};

static void rig_setup(struct rig *r, uint16_t last_bdf)
{
	memset(r, 0, sizeof(*r));
	r->io.index = 0;
	r->io.segment = 0;
	r->io.devid = 0x0010;
	r->io.last_bdf = last_bdf;
	r->io.mmio_phys = 0xfeb80000;
	r->io.efr = 0x29d3;
	r->io.head = 0x1fa0;
	r->io.tail = 0x15f0;
	r->io.need_sync = 0;
	r->io.sem_value = 0x134;
	r->io.sem_issued = 0x134;
	r->io.dte = calloc((size_t)last_bdf + 1, sizeof(*r->io.dte));
	r->io.dte[0x18][0] = 0x6000000001ec4603ull;
	r->io.dte[0x18][1] = 0x3;
	r->io.ring[0x15e][0] = 0x011be001;
	r->io.ring[0x15e][1] = 0x10000000;
	r->io.ring[0x15e][2] = 0x134;
	r->fx = fixture_new();
}

static void rig_build(struct rig *r, enum synth_era era)
{
	synth_kernel(r->fx, era, &r->io);
}

static void rig_analyse(struct rig *r)
{
	replay_target_init(&r->t, r->fx);
	problems_init(&r->pb);
	ck_assert(layout_probe(&r->t, &r->lay, &r->pb));
	inventory_read(&r->t, &r->lay, &r->inv, &r->pb);
}

static void rig_run(struct rig *r, enum synth_era era)
{
	rig_build(r, era);
	rig_analyse(r);
}

static void rig_free(struct rig *r)
{
	inventory_free(&r->inv);
	problems_free(&r->pb);
	fixture_free(r->fx);
	free(r->io.dte);
}

static void check_common(struct rig *r)
{
	ck_assert(r->inv.iommu_active);
	ck_assert_uint_eq(r->inv.n_iommus, 1);
	const struct inv_iommu *io = &r->inv.iommus[0];

	ck_assert_uint_eq(io->kaddr, SYNTH_IOMMU_KV);
	ck_assert_uint_eq(io->mmio_phys, 0xfeb80000);
	ck_assert(io->ring_ok);
	uint32_t w[4];

	memcpy(w, io->ring + 0x15e * 16, 16);
	ck_assert_uint_eq(w[0], 0x011be001);
	ck_assert_uint_eq(r->inv.n_segs, 1);
	ck_assert_uint_eq(r->inv.segs[0].n_dte, 256);
	ck_assert(r->inv.segs[0].dte_ok[0x18]);
	ck_assert_uint_eq(r->inv.segs[0].dte[0x18][0], 0x6000000001ec4603ull);
	ck_assert_uint_eq(r->inv.segs[0].dte[0x18][1], 3);
	ck_assert_ptr_nonnull(io->evt_log);
	ck_assert_uint_eq(io->evt_size, 8192);
}

START_TEST(test_era_6x)
{
	struct rig r;

	rig_setup(&r, 255);
	r.io.segment = 0;
	rig_run(&r, SYNTH_6X);
	ck_assert_int_eq(r.lay.cmd_sem, CMD_SEM_POINTER);
	ck_assert_int_eq(r.lay.devtab, DEVTAB_PER_SEGMENT);
	ck_assert(r.lay.iommu.pci_seg_is_pointer);
	ck_assert(!r.lay.cmd_sem_val_atomic);
	check_common(&r);
	const struct inv_iommu *io = &r.inv.iommus[0];

	ck_assert(io->sw_ring);
	ck_assert_uint_eq(io->tail_sw, 0x15f0);
	ck_assert_uint_eq(io->head_sw, 0x1fa0);
	ck_assert(io->sem_known && io->sem_issued_known);
	ck_assert_uint_eq(io->sem_addr, SYNTH_SEM_KV);
	ck_assert_uint_eq(io->sem_value, 0x134);
	ck_assert_uint_eq(io->sem_issued, 0x134);
	ck_assert(io->efr_known);
	ck_assert_uint_eq(io->efr, 0x29d3);
	ck_assert(io->devid_known);
	ck_assert_uint_eq(io->devid, 0x10);
	ck_assert_uint_eq(io->segment_kaddr, SYNTH_SEG_KV);
	ck_assert_uint_eq(r.inv.segs[0].kaddr, SYNTH_SEG_KV);
	ck_assert_uint_eq(r.pb.n, 0);
	rig_free(&r);
}
END_TEST

/* 6.x: iommu->features can be 0 (QEMU's type-10 IVHD); the driver's EFR is
 * the global amd_iommu_efr. */
START_TEST(test_global_efr_fallback)
{
	struct rig r;
	uint64_t efr = 0x29d3, sym = 0xffffffff82000400ull;

	rig_setup(&r, 255);
	r.io.efr = 0;
	rig_build(&r, SYNTH_6X);
	fixture_add_symbol(r.fx, "amd_iommu_efr", TARGET_OK, sym);
	fixture_add_memory(r.fx, TARGET_KVADDR, sym, 8, &efr, TARGET_OK);
	rig_analyse(&r);
	ck_assert(r.inv.iommus[0].efr_known);
	ck_assert_uint_eq(r.inv.iommus[0].efr, 0x29d3);
	rig_free(&r);
}
END_TEST

START_TEST(test_era_5x_atomic_sem_val)
{
	struct rig r;

	rig_setup(&r, 255);
	rig_run(&r, SYNTH_5X);
	ck_assert_int_eq(r.lay.cmd_sem, CMD_SEM_POINTER);
	ck_assert_int_eq(r.lay.devtab, DEVTAB_GLOBAL);
	ck_assert(!r.lay.iommu.pci_seg_is_pointer);
	ck_assert(r.lay.cmd_sem_val_atomic);
	check_common(&r);
	ck_assert_uint_eq(r.inv.iommus[0].sem_value, 0x134);
	rig_free(&r);
}
END_TEST

START_TEST(test_era_rhel7_embedded_sem)
{
	struct rig r;

	rig_setup(&r, 255);
	r.io.sem_value = 0;	/* a COMPLETION_WAIT was outstanding */
	rig_run(&r, SYNTH_RHEL7);
	ck_assert_int_eq(r.lay.cmd_sem, CMD_SEM_EMBEDDED);
	check_common(&r);
	const struct inv_iommu *io = &r.inv.iommus[0];

	ck_assert_uint_eq(io->sem_addr, SYNTH_IOMMU_KV + 1224);
	ck_assert(io->sem_known);
	ck_assert_uint_eq(io->sem_value, 0);
	ck_assert(!io->sem_issued_known);
	rig_free(&r);
}
END_TEST

START_TEST(test_era_2634_minimal)
{
	struct rig r;

	rig_setup(&r, 255);
	rig_run(&r, SYNTH_2634);
	ck_assert_int_eq(r.lay.cmd_sem, CMD_SEM_NONE);
	ck_assert_int_eq(r.lay.devtab, DEVTAB_GLOBAL);
	check_common(&r);
	const struct inv_iommu *io = &r.inv.iommus[0];

	ck_assert(!io->sw_ring);
	ck_assert(!io->sem_known);
	ck_assert(!io->efr_known);
	ck_assert(!io->devid_known);
	rig_free(&r);
}
END_TEST

/* An excluded device-table page loses only its own entries and is named. */
START_TEST(test_devtab_page_excluded)
{
	struct rig r;

	rig_setup(&r, 0x3ff);	/* 1024 entries = 8 pages */
	r.io.dte[0x200][0] = 0x3;
	uint64_t (*dt)[4] = r.io.dte;

	r.io.dte = NULL;	/* synth_kernel writes no table; we add it page by page */
	fixture_add_memory(r.fx, TARGET_KVADDR, SYNTH_DEVTAB_KV, 4096, dt, TARGET_OK);
	fixture_add_memory(r.fx, TARGET_KVADDR, SYNTH_DEVTAB_KV + 4096, 4096, NULL, TARGET_E_EXCLUDED);
	fixture_add_memory(r.fx, TARGET_KVADDR, SYNTH_DEVTAB_KV + 8192, 6 * 4096,
			   (uint8_t *)dt + 8192, TARGET_OK);
	rig_run(&r, SYNTH_6X);
	r.io.dte = dt;
	const struct inv_segment *seg = &r.inv.segs[0];

	ck_assert_uint_eq(seg->n_dte, 1024);
	ck_assert(seg->dte_ok[0x18]);
	ck_assert(!seg->dte_ok[0x80]);
	ck_assert(!seg->dte_ok[0xff]);
	ck_assert(seg->dte_ok[0x100]);
	ck_assert_uint_eq(seg->dte[0x200][0], 3);
	ck_assert_uint_eq(r.pb.n, 1);
	ck_assert_int_eq(r.pb.list[0].err, TARGET_E_EXCLUDED);
	ck_assert_uint_eq(r.pb.excluded_reads, 1);
	ck_assert_ptr_nonnull(strstr(r.pb.list[0].what, "devids 0x0080-0x00ff"));
	rig_free(&r);
}
END_TEST

START_TEST(test_no_driver)
{
	struct fixture *fx = fixture_new();
	struct target t;
	struct layout lay;
	struct inventory inv;
	struct problems pb;

	fixture_add_struct(fx, "amd_iommu", TARGET_E_NOTFOUND, 0);
	replay_target_init(&t, fx);
	problems_init(&pb);
	ck_assert(!layout_probe(&t, &lay, &pb));
	inventory_read(&t, &lay, &inv, &pb);
	ck_assert(!inv.driver_present);
	ck_assert(!inv.iommu_active);
	ck_assert_ptr_nonnull(strstr(inv.inactive_reason, "no AMD IOMMU driver"));
	inventory_free(&inv);
	problems_free(&pb);
	fixture_free(fx);
}
END_TEST

/* amd_iommu=off: the driver is there, the list is empty. */
START_TEST(test_empty_list)
{
	struct rig r;
	uint64_t head[2] = { SYNTH_LIST_SYM, SYNTH_LIST_SYM };

	rig_setup(&r, 255);
	rig_build(&r, SYNTH_6X);
	fixture_add_memory(r.fx, TARGET_KVADDR, SYNTH_LIST_SYM, 16, head, TARGET_OK);
	rig_analyse(&r);
	ck_assert(r.inv.driver_present);
	ck_assert(!r.inv.iommu_active);
	ck_assert_uint_eq(r.inv.n_iommus, 0);
	ck_assert_ptr_nonnull(strstr(r.inv.inactive_reason, "empty"));
	rig_free(&r);
}
END_TEST

/* A list whose entry points to itself is cut, reported, and not looped on. */
START_TEST(test_list_cycle)
{
	struct rig r;

	rig_setup(&r, 255);
	uint64_t self = SYNTH_IOMMU_KV;	/* iommu.list.next = &iommu.list */

	rig_build(&r, SYNTH_6X);
	fixture_add_memory(r.fx, TARGET_KVADDR, SYNTH_IOMMU_KV, 8, &self, TARGET_OK);
	rig_analyse(&r);
	ck_assert_uint_eq(r.inv.n_iommus, 1);
	int found = 0;

	for (size_t i = 0; i < r.pb.n; i++)
		found |= r.pb.list[i].kind == PROBLEM_CORRUPT &&
			 strstr(r.pb.list[i].what, "amd_iommu_list") != NULL;
	ck_assert(found);
	rig_free(&r);
}
END_TEST

Suite *analysis_inventory_suite(void)
{
	Suite *s = suite_create("analysis_inventory");
	TCase *tc = tcase_create("eras");

	tcase_add_test(tc, test_era_6x);
	tcase_add_test(tc, test_global_efr_fallback);
	tcase_add_test(tc, test_era_5x_atomic_sem_val);
	tcase_add_test(tc, test_era_rhel7_embedded_sem);
	tcase_add_test(tc, test_era_2634_minimal);
	tcase_add_test(tc, test_devtab_page_excluded);
	tcase_add_test(tc, test_no_driver);
	tcase_add_test(tc, test_empty_list);
	tcase_add_test(tc, test_list_cycle);
	suite_add_tcase(s, tc);
	return s;
}
