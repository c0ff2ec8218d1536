/* The engine over a fixture recorded by `iommu-inflight analyze -R` from the
 * lab's Debian 5.10 `stock` dump (tests/dumps/fixtures/README).  5.10's AMD
 * driver unmaps lazily by default, so the dump holds live flush queues, in
 * 5.10's layout (in the cookie's struct iova_domain, a fixed 256-entry
 * array, entries with `data`): the figures of that run, which
 * tests/standalone/run.sh checks against drgn's reading of the same dump. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "report/report.h"
#include "target/fixture.h"
#include "unit_support.h"

START_TEST(test_510_flush_queues)
{
	struct fixture *fx = load_src_fixture("tests/dumps/fixtures/5.10-stock.fixture");
	struct analysis_options opt;
	struct analysis_gaps g;
	struct target t;

	ck_assert_str_eq(fixture_meta(fx, "release"), "5.10.0-46-amd64");
	analysis_options_init(&opt);
	replay_target_init(&t, fx);
	struct analysis *a = analysis_run(&t, &opt);

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->fq_state, FQ_FOUND);
	ck_assert_int_eq(a->fq_policy, FQ_POLICY_LAZY);	/* amd_iommu_unmap_flush clear */
	ck_assert_uint_eq(a->n_fq_doms, 6);
	ck_assert_uint_eq(a->fq_unchecked, 0);
	ck_assert(analysis_gaps(a, &g));
	const struct fq_domain_info *nic = NULL, *blk = NULL;

	for (size_t i = 0; i < a->n_fq_doms; i++) {
		ck_assert_uint_eq(a->fq_doms[i].size, 256);
		ck_assert(!a->fq_doms[i].single);
		if (a->fq_doms[i].domid == 3)
			nic = &a->fq_doms[i];
		if (a->fq_doms[i].domid == 4)
			blk = &a->fq_doms[i];
	}
	ck_assert_ptr_nonnull(nic);
	ck_assert_ptr_nonnull(blk);
	ck_assert_str_eq(nic->device, "0000:00:03.0");
	ck_assert_uint_eq(nic->start_cnt, 269);
	ck_assert_uint_eq(nic->finish_cnt, 269);
	ck_assert(nic->timer_on);
	ck_assert_uint_eq(nic->n_entries, 6);
	ck_assert_uint_eq(nic->n_pending, 6);
	ck_assert_uint_eq(blk->start_cnt, 376);
	ck_assert_uint_eq(blk->n_pending, 57);
	const struct fq_entry_info *e = &a->fq_entries[nic->first_entry];

	ck_assert_int_eq(e[0].cpu, 0);
	ck_assert_uint_eq(e[0].slot, 175);
	ck_assert_uint_eq(e[0].iova, 0xfff8f000);
	ck_assert_uint_eq(e[0].bytes, 0x1000);
	ck_assert_uint_eq(e[0].counter, 269);
	ck_assert_uint_eq(e[5].iova, 0xffe75000);
	ck_assert_uint_eq(e[0].freelist_pages, 0);	/* 5.10: no freelist at all */
	ck_assert_ptr_eq(fq_pending_at(a, 0, 0, 3, 0xfff8f123), &e[0]);
	ck_assert_ptr_null(fq_pending_at(a, 0, 0, 4, 0xfff8f123));
	analysis_free(a);
	fixture_free(fx);
}
END_TEST

Suite *dump_fixture_510_suite(void)
{
	Suite *s = suite_create("dump_fixture_510");
	TCase *tc = tcase_create("flush_queues");

	tcase_add_test(tc, test_510_flush_queues);
	suite_add_tcase(s, tc);
	return s;
}
