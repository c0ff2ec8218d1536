/* The engine over fixtures recorded with the crash extension (`iommu_inflight
 * -R`) from the lab's Debian 6.1 `stock` and `passthrough` dumps
 * (tests/dumps/fixtures/README), and over the same recordings damaged:
 * an excluded command ring, an excluded page-table page, a page-table cycle. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "target/fixture.h"
#include "unit_support.h"

static struct fixture *load(const char *name)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "tests/dumps/fixtures/6.1-%s.fixture", name);
	return load_src_fixture(rel);
}

static struct analysis *run(struct fixture *fx, const char *name)
{
	struct target t;
	struct analysis_options opt;
	static char klog[128], clog[128];

	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	snprintf(klog, sizeof(klog), "tests/dumps/fixtures/6.1-%s-kexec-dmesg.log", name);
	snprintf(clog, sizeof(clog), "tests/dumps/fixtures/6.1-%s-vmcore-dmesg.txt", name);
	opt.capture_log = srcpath(klog);
	opt.crashed_log = srcpath(clog);
	struct analysis *a = analysis_run(&t, &opt);

	ck_assert_ptr_nonnull(a);
	return a;
}

START_TEST(test_61_stock)
{
	struct fixture *fx = load("stock");
	struct analysis *a = run(fx, "stock");
	const struct dev_info *nic = find_dev(a, 0, 0x18), *blk = find_dev(a, 0, 0x20);

	ck_assert_str_eq(fixture_meta(fx, "source"), "crash");
	ck_assert_msg(a->pb.n == 0, "%zu problems: %s", a->pb.n, a->pb.n ? a->pb.list[0].why : "");
	ck_assert_int_eq(a->amd.lay.cmd_sem, CMD_SEM_POINTER);
	ck_assert_int_eq(a->amd.lay.devtab, DEVTAB_PER_SEGMENT);
	ck_assert_uint_eq(a->amd.inv.n_iommus, 1);
	ck_assert_uint_eq(a->amd.inv.iommus[0].efr, 0x29d3);
	ck_assert_int_eq(a->flush, FLUSH_NONE);
	ck_assert(a->amd.rings[0].all_retired);
	ck_assert_ptr_nonnull(nic);
	ck_assert_ptr_nonnull(blk);
	ck_assert_int_eq(nic->cls, AMDVI_DTE_TRANSLATED);
	ck_assert_int_eq(blk->cls, AMDVI_DTE_TRANSLATED);
	ck_assert_str_eq(nic->driver, "e1000");
	ck_assert_str_eq(blk->driver, "virtio-pci");
	ck_assert_uint_ne(nic->dte.domid, blk->dte.domid);
	ck_assert_uint_gt(nic->extents, 200);	/* the e1000's RX/TX rings and buffers */
	ck_assert_uint_ge(blk->extents, 1);
	ck_assert_uint_eq(a->n_extents, 245);	/* this recording; equal to the drgn walker's */
	ck_assert(a->kdump_pre_enabled && a->kdump_dt_copied && !a->kdump_reuse);
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

/* iommu=pt: identity devices, no mappings, and a ring of boot-time
 * invalidations that is not a crash-path flush. */
START_TEST(test_61_passthrough)
{
	struct fixture *fx = load("passthrough");
	struct analysis *a = run(fx, "passthrough");

	ck_assert_int_eq(a->flush, FLUSH_NONE);
	ck_assert_ptr_nonnull(strstr(a->amd.rings[0].flush.evidence, "initialisation"));
	ck_assert_int_eq(find_dev(a, 0, 0x18)->cls, AMDVI_DTE_PASSTHROUGH);
	ck_assert_int_eq(find_dev(a, 0, 0x20)->cls, AMDVI_DTE_PASSTHROUGH);
	ck_assert_uint_eq(a->n_doms, 0);
	ck_assert_uint_eq(a->n_extents, 0);
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

/* Damage on top of the real recording: the later record wins in a fixture. */
START_TEST(test_61_damaged)
{
	struct fixture *fx = load("stock");
	struct analysis *a = run(fx, "stock");
	uint64_t ring = a->amd.inv.iommus[0].cmd_buf;
	const struct domain_info *d3 = NULL;

	for (size_t i = 0; i < a->n_doms; i++)
		if (a->doms[i].domid == find_dev(a, 0, 0x18)->dte.domid)
			d3 = &a->doms[i];
	ck_assert_ptr_nonnull(d3);
	uint64_t root = d3->root;
	uint64_t extents = d3->stats.extents;

	analysis_free(a);

	/* 1. the command ring excluded: verdict unknown, named */
	fixture_add_memory(fx, TARGET_KVADDR, ring, 8192, NULL, TARGET_E_EXCLUDED);
	a = run(fx, "stock");
	ck_assert_int_eq(a->flush, FLUSH_UNKNOWN);
	ck_assert_uint_ge(a->pb.excluded_reads, 1);
	ck_assert_ptr_nonnull(strstr(a->pb.list[0].what, "cmd_buf"));
	ck_assert_uint_eq(a->n_extents, 245);	/* everything else still there */
	analysis_free(a);
	fixture_free(fx);

	/* 2. the e1000 domain's root table excluded: that domain loses its
	 * mappings, with a problem; the others are walked */
	fx = load("stock");
	fixture_add_memory(fx, TARGET_PHYSADDR, root, 4096, NULL, TARGET_E_EXCLUDED);
	a = run(fx, "stock");
	ck_assert_uint_eq(a->n_extents, 245 - extents);
	ck_assert_uint_eq(a->pb.excluded_reads, 1);
	analysis_free(a);
	fixture_free(fx);

	/* 3. a cycle: the root's first present entry points back at the root */
	fx = load("stock");
	{
		uint64_t tbl[512];
		struct target t;

		replay_target_init(&t, fx);
		ck_assert_int_eq(target_read(&t, TARGET_PHYSADDR, root, tbl, sizeof(tbl)), TARGET_OK);
		for (int i = 0; i < 512; i++)
			if (tbl[i] & 1) {
				tbl[i] = (tbl[i] & ~0x000ffffffffff000ull) | root;
				tbl[i] = (tbl[i] & ~0xe00ull) | (2ull << 9);	/* next level 2: the root's own level */
				break;
			}
		fixture_add_memory(fx, TARGET_PHYSADDR, root, sizeof(tbl), tbl, TARGET_OK);
	}
	a = run(fx, "stock");
	int cycle = 0;

	for (size_t i = 0; i < a->pb.n; i++)
		cycle |= a->pb.list[i].kind == PROBLEM_CORRUPT;
	ck_assert(cycle);
	ck_assert_uint_lt(a->n_extents, 245);
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

/* No verdict from what could not be read: the same recording with the
 * reads behind each answer failing.  Each answer becomes "unknown" or a
 * lower bound, says so in analysis_gaps(), and is never the opposite. */
START_TEST(test_61_damaged_no_wrong_verdict)
{
	struct fixture *fx = load("stock");
	struct analysis *a = run(fx, "stock");
	struct analysis_gaps g;
	struct target t;
	uint64_t list, devtab = a->amd.inv.segs[0].dev_table, evt = a->amd.inv.iommus[0].evt_buf;
	size_t n_devs = a->n_devs;

	ck_assert(analysis_gaps(a, &g));		/* the intact recording is complete */
	analysis_free(a);
	replay_target_init(&t, fx);
	ck_assert_int_eq(target_symbol(&t, "amd_iommu_list", &list), TARGET_OK);

	/* 1. the list of IOMMUs unreadable: not "no AMD IOMMU" but unknown */
	fixture_add_memory(fx, TARGET_KVADDR, list, 8, NULL, TARGET_E_IO);
	a = run(fx, "stock");
	ck_assert(!a->amd.inv.iommu_active);
	ck_assert(a->amd.inv.presence_unknown);
	ck_assert_ptr_nonnull(strstr(a->amd.inv.inactive_reason, "could not be read"));
	ck_assert_int_eq(a->flush, FLUSH_UNKNOWN);
	ck_assert(!analysis_gaps(a, &g));
	ck_assert(g.presence_unknown);
	analysis_free(a);
	fixture_free(fx);

	/* 2. the list's first entry pointing nowhere: an IOMMU whose ring
	 * cannot be read gets an unknown verdict, never "none" */
	fx = load("stock");
	{
		uint64_t wild = 0xffffdead00000000ull;

		fixture_add_memory(fx, TARGET_KVADDR, list, 8, &wild, TARGET_OK);
	}
	a = run(fx, "stock");
	ck_assert_int_ne(a->flush, FLUSH_NONE);
	ck_assert(!analysis_gaps(a, &g));
	analysis_free(a);
	fixture_free(fx);

	/* 3. the device table's first page excluded: its 128 devids unknown,
	 * the device list a lower bound (the NIC and disk live there) */
	fx = load("stock");
	fixture_add_memory(fx, TARGET_KVADDR, devtab, 4096, NULL, TARGET_E_EXCLUDED);
	a = run(fx, "stock");
	ck_assert(!analysis_gaps(a, &g));
	ck_assert(g.devices_incomplete);
	ck_assert_uint_eq(a->amd.inv.dte_unread, 128);
	ck_assert_uint_lt(a->n_devs, n_devs);
	ck_assert_ptr_null(find_dev(a, 0, 0x18));
	analysis_free(a);
	fixture_free(fx);

	/* 4. the event log excluded: its unprocessed entries unknown */
	fx = load("stock");
	fixture_add_memory(fx, TARGET_KVADDR, evt, 8192, NULL, TARGET_E_EXCLUDED);
	a = run(fx, "stock");
	ck_assert(!analysis_gaps(a, &g));
	ck_assert_uint_eq(g.event_logs_unread, 1);
	ck_assert_uint_eq(a->amd.n_events, 0);
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

Suite *dump_fixture_61_suite(void)
{
	Suite *s = suite_create("dump_fixture_61");
	TCase *tc = tcase_create("replay");

	tcase_add_test(tc, test_61_stock);
	tcase_add_test(tc, test_61_passthrough);
	tcase_add_test(tc, test_61_damaged);
	tcase_add_test(tc, test_61_damaged_no_wrong_verdict);
	suite_add_tcase(s, tc);
	return s;
}
