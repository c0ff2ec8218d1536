/* The VT-d backend over fixtures recorded (`analyze -R`) from the lab's
 * Debian 6.1 VT-d dumps (tests/dumps/fixtures/README): `vtd-fault`
 * (legacy mode, the capture kernel logging DMAR faults for the e1000) and
 * `vtd-sm-stock` (scalable mode), and over the same recordings damaged. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "report/report.h"
#include "target/fixture.h"
#include "unit_support.h"

static struct fixture *load(const char *name)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "tests/dumps/fixtures/6.1-%s.fixture", name);
	return load_src_fixture(rel);
}

static struct analysis *run(struct fixture *fx, bool logs)
{
	struct target t;
	struct analysis_options opt;

	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	if (logs) {
		opt.capture_log = srcpath("tests/dumps/fixtures/6.1-vtd-fault-kexec-dmesg.log");
		opt.crashed_log = srcpath("tests/dumps/fixtures/6.1-vtd-fault-vmcore-dmesg.txt");
	}
	struct analysis *a = analysis_run(&t, &opt);

	ck_assert_ptr_nonnull(a);
	return a;
}

static char *json_of(const struct analysis *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_json(a, f);
	fclose(f);
	return buf;
}

START_TEST(test_vtd_legacy_fault)
{
	struct fixture *fx = load("vtd-fault");
	struct analysis *a = run(fx, true);
	const struct dev_info *nic = find_dev(a, 0, 0x18), *blk = find_dev(a, 0, 0x20);
	const struct vtd_unit *u;

	ck_assert_msg(a->pb.n == 0, "%zu problems: %s", a->pb.n, a->pb.n ? a->pb.list[0].why : "");
	ck_assert_uint_eq(a->amd.inv.n_iommus, 0);
	ck_assert_uint_eq(a->vtd.n_units, 1);
	u = &a->vtd.units[0];
	ck_assert_str_eq(u->name, "dmar0");
	ck_assert_uint_eq(u->reg_base, 0xfed90000);
	ck_assert(!u->sm);
	ck_assert(u->gcmd & (1u << 31));		/* TE commanded */
	ck_assert(u->qi_read);
	ck_assert_uint_eq(u->desc_size, 16);		/* QEMU's ECAP has no SMTS */
	ck_assert_int_eq(u->qiv.verdict, VTD_QI_VERDICT_COMPLETED);
	ck_assert_int_eq(u->qiv.wait_slot, (u->free_head + 255) % 256);
	ck_assert(u->qiv.wait_ok);
	/* ordinary traffic, not a crash-path flush */
	ck_assert_int_eq(u->verdict, FLUSH_NONE);
	ck_assert_int_eq(a->flush, FLUSH_NONE);
	ck_assert(analysis_iommu_active(a));
	ck_assert_ptr_nonnull(nic);
	ck_assert_ptr_nonnull(blk);
	ck_assert_int_eq(nic->vendor, IOMMU_VENDOR_INTEL);
	ck_assert_int_eq(nic->vtd.cls, VTD_DEV_TRANSLATED);
	ck_assert_str_eq(nic->driver, "e1000");
	ck_assert_str_eq(blk->driver, "virtio-pci");
	ck_assert_uint_eq(nic->vtd.levels, 3);		/* QEMU's 39-bit AW */
	ck_assert_uint_ne(nic->vtd.did, blk->vtd.did);
	ck_assert_uint_gt(nic->extents, 200);		/* the e1000's rings and buffers */
	ck_assert_uint_eq(nic->mapped_bytes, 1421312);	/* this recording */
	/* the capture kernel's DMAR faults: the e1000 at IOVAs its old domain maps */
	ck_assert(a->kdump_pre_enabled && a->kdump_vtd_tables_copied && !a->kdump_vtd_copy_failed);
	ck_assert_uint_eq(a->capture_faults, 3);
	ck_assert_uint_eq(a->corr_counts[CORR_OLD_MAPPING], 3);
	for (size_t i = 0; i < a->n_corr; i++) {
		ck_assert_uint_eq(klog_record_devid(&a->corr[i].rec), 0x18);
		ck_assert(a->corr[i].has_extent);
		ck_assert_uint_eq(a->corr[i].old_domain, nic->vtd.did);
	}
	/* lazy mode: dma-iommu's flush queues, reached through each device's
	 * group domain (struct device.iommu_group -> iommu_group.domain) */
	ck_assert_int_eq(a->fq_state, FQ_FOUND);
	ck_assert_uint_eq(a->fq_unchecked, 0);
	ck_assert_uint_ge(a->n_fq_doms, 2);
	size_t pending = 0;

	for (size_t i = 0; i < a->n_fq_doms; i++) {
		ck_assert_int_eq(a->fq_doms[i].unit_key, 1);
		pending += a->fq_doms[i].n_pending;
	}
	ck_assert_uint_gt(pending, 0);			/* this recording: 18 */
	{
		struct analysis_gaps g;

		ck_assert(analysis_gaps(a, &g));	/* everything answered */
	}
	char *j = json_of(a);

	ck_assert_ptr_nonnull(strstr(j, "\"vendor\":\"intel\",\"index\":0,\"name\":\"dmar0\""));
	ck_assert_ptr_nonnull(strstr(j, "\"state\":\"completed\""));
	ck_assert_ptr_nonnull(strstr(j, "\"translation_tables_copied\":true"));
	ck_assert_ptr_null(strstr(j, "\"vendor\":\"amd\""));
	free(j);
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

START_TEST(test_vtd_scalable_mode)
{
	struct fixture *fx = load("vtd-sm-stock");
	struct analysis *a = run(fx, false);
	const struct dev_info *nic = find_dev(a, 0, 0x18);

	ck_assert_msg(a->pb.n == 0, "%zu problems: %s", a->pb.n, a->pb.n ? a->pb.list[0].why : "");
	ck_assert_uint_eq(a->vtd.n_units, 1);
	ck_assert(a->vtd.units[0].sm);
	ck_assert_uint_eq(a->vtd.units[0].desc_size, 32);	/* 256-bit descriptors with SMTS */
	ck_assert_int_eq(a->vtd.units[0].qiv.verdict, VTD_QI_VERDICT_COMPLETED);
	ck_assert_ptr_nonnull(nic);
	ck_assert(nic->vtd.sm && nic->vtd.pasid_read);
	ck_assert_int_eq(nic->vtd.cls, VTD_DEV_TRANSLATED);
	ck_assert_uint_eq(nic->vtd.pgtt, 2);		/* second-level only: QEMU 7.2 has no FLTS */
	ck_assert(!nic->vtd.first_level);
	ck_assert_uint_gt(nic->extents, 200);
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

/* Damage: the invalidation queue excluded gives an unknown verdict, named;
 * a context table excluded loses its bus's devices, and says so. */
START_TEST(test_vtd_damaged)
{
	struct fixture *fx = load("vtd-fault");
	struct analysis *a = run(fx, false);
	struct analysis_gaps g;
	uint64_t ring, root_pa = a->vtd.units[0].root_pa, ctx;
	struct target t;
	uint64_t re[2];
	size_t ndev = a->n_devs;

	ck_assert(analysis_gaps(a, &g));
	ck_assert_uint_eq(g.rings_unread, 0);
	/* the ring's VA, from struct q_inval's first pointer after the lock */
	replay_target_init(&t, fx);
	ck_assert_int_eq(target_read_u64(&t, TARGET_KVADDR, a->vtd.units[0].qi + a->vtd.lay.qi_desc, &ring), TARGET_OK);
	ck_assert_int_eq(target_read(&t, TARGET_PHYSADDR, root_pa, re, sizeof(re)), TARGET_OK);
	ctx = re[0] & ~0xfffull;
	analysis_free(a);

	fixture_add_memory(fx, TARGET_KVADDR, ring, 4096, NULL, TARGET_E_EXCLUDED);
	a = run(fx, false);
	ck_assert_int_eq(a->vtd.units[0].verdict, FLUSH_UNKNOWN);
	ck_assert_int_eq(a->flush, FLUSH_UNKNOWN);
	ck_assert_uint_ge(a->pb.excluded_reads, 1);
	ck_assert(!analysis_gaps(a, &g));
	ck_assert_uint_eq(g.rings_unread, 1);
	ck_assert_uint_eq(a->n_devs, ndev);		/* the tables are still read */
	analysis_free(a);
	fixture_free(fx);

	fx = load("vtd-fault");
	fixture_add_memory(fx, TARGET_PHYSADDR, ctx, 4096, NULL, TARGET_E_EXCLUDED);
	a = run(fx, false);
	ck_assert_uint_eq(a->n_devs, 0);		/* QEMU's devices are all on bus 0 */
	ck_assert(!analysis_gaps(a, &g));
	ck_assert(g.devices_incomplete);
	ck_assert_int_eq(a->vtd.units[0].qiv.verdict, VTD_QI_VERDICT_COMPLETED);
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

Suite *backend_vtd_suite(void)
{
	Suite *s = suite_create("backend_vtd");
	TCase *tc = tcase_create("replay");

	tcase_add_test(tc, test_vtd_legacy_fault);
	tcase_add_test(tc, test_vtd_scalable_mode);
	tcase_add_test(tc, test_vtd_damaged);
	suite_add_tcase(s, tc);
	return s;
}
