/* The engine over a fixture recorded by `iommu-inflight analyze -R` from the
 * lab's Debian 6.12 `stock` dump (tests/dumps/fixtures/README): the
 * scenario's promises (one IOMMU, e1000 and virtio-blk translated in their
 * own domains with live mappings, no flush, device table copied by the
 * capture kernel) and the exact figures of that run. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "report/report.h"
#include "target/fixture.h"
#include "unit_support.h"

/* What the recorded run had (re-record and update these together, see
 * tests/dumps/fixtures/README): cross-checked against the drgn walker. */
#define NIC_MAPPED_BYTES	1421312
#define N_EXTENTS		243

static struct fixture *load_612(void)
{
	return load_src_fixture("tests/dumps/fixtures/6.12-stock.fixture");
}

static struct analysis *run_612(struct fixture *fx, bool logs)
{
	struct analysis_options opt;
	struct target t;

	analysis_options_init(&opt);
	if (logs) {
		opt.capture_log = srcpath("tests/dumps/fixtures/6.12-stock-kexec-dmesg.log");
		opt.crashed_log = srcpath("tests/dumps/fixtures/6.12-stock-vmcore-dmesg.txt");
	}
	replay_target_init(&t, fx);
	return analysis_run(&t, &opt);
}

START_TEST(test_612_meta)
{
	struct fixture *fx = load_612();

	ck_assert_str_eq(fixture_meta(fx, "source"), "kdumpfile");
	ck_assert_str_eq(fixture_meta(fx, "release"), "6.12.117+deb12-amd64");
	ck_assert_str_eq(fixture_meta(fx, "format"), "kdump-compressed");
	fixture_free(fx);
}
END_TEST

START_TEST(test_612_verdicts)
{
	struct fixture *fx = load_612();
	struct analysis *a = run_612(fx, true);

	ck_assert_ptr_nonnull(a);
	ck_assert_msg(a->pb.n == 0, "%zu problems, first: %s: %s", a->pb.n,
		      a->pb.n ? a->pb.list[0].what : "", a->pb.n ? a->pb.list[0].why : "");
	ck_assert_int_eq(a->amd.lay.cmd_sem, CMD_SEM_POINTER);
	ck_assert_int_eq(a->amd.lay.devtab, DEVTAB_PER_SEGMENT);
	ck_assert(a->amd.inv.iommu_active);
	ck_assert_uint_eq(a->amd.inv.n_iommus, 1);
	ck_assert_int_eq(a->flush, FLUSH_NONE);
	ck_assert_int_eq(a->amd.rings[0].flush.verdict, FLUSH_NONE);

	const struct dev_info *nic = find_dev(a, 0, 0x18), *blk = find_dev(a, 0, 0x20);

	ck_assert_ptr_nonnull(nic);
	ck_assert_ptr_nonnull(blk);
	ck_assert_int_eq(nic->cls, AMDVI_DTE_TRANSLATED);
	ck_assert_int_eq(blk->cls, AMDVI_DTE_TRANSLATED);
	ck_assert_str_eq(nic->driver, "e1000");
	ck_assert_str_eq(blk->driver, "virtio-pci");
	ck_assert_str_eq(nic->name, "0000:00:03.0");
	ck_assert_uint_ne(nic->dte.domid, blk->dte.domid);
	/* the figures of the recorded run (drgn's walk agrees: tests/standalone) */
	ck_assert_uint_eq(nic->mapped_bytes, NIC_MAPPED_BYTES);
	ck_assert_uint_eq(blk->mapped_bytes, 8192);
	ck_assert_uint_eq(a->n_extents, N_EXTENTS);
	ck_assert_uint_eq(a->n_devs, 252);
	ck_assert_uint_eq(a->amd.n_events, 0);
	/* the capture kernel copied the old device table; no fault was logged */
	ck_assert(a->kdump_pre_enabled);
	ck_assert(a->kdump_dt_copied);
	ck_assert(!a->kdump_dt_copy_failed);
	ck_assert_uint_eq(a->capture_faults, 0);
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

START_TEST(test_612_json)
{
	struct fixture *fx = load_612();
	struct analysis *a = run_612(fx, false);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(a);
	report_json(a, m);
	fclose(m);
	ck_assert_ptr_nonnull(strstr(buf, "\"schema\":\"iommu-inflight/1\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"verdict\":\"none\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"driver\":\"e1000\""));
	free(buf);
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

Suite *dump_fixture_612_suite(void)
{
	Suite *s = suite_create("dump_fixture_612");
	TCase *tc = tcase_create("replay");

	tcase_add_test(tc, test_612_meta);
	tcase_add_test(tc, test_612_verdicts);
	tcase_add_test(tc, test_612_json);
	suite_add_tcase(s, tc);
	return s;
}
