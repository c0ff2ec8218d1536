/* Command-ring analysis: completion-wait proof and every flush verdict, on
 * synthetic rings shaped like the lab's 6.1 dump (strict-mode pairs of
 * INVALIDATE_IOMMU_PAGES + COMPLETION_WAIT). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "amdvi/command.h"
#include "backend/amdvi/cmd_ring.h"
#include "ring_rig.h"

#define KERNEL_SEM_PA	0x11be000ull
#define FLUSH_REC_PA	0x5000000ull

/* Fills slots [0, tail) with strict-mode pairs whose sequence numbers end at
 * last_seq, and the slots from the tail on with an older lap. */
static void fill_ring(struct synth_iommu *io, uint32_t tail, uint64_t last_seq)
{
	uint32_t n = tail / 16;
	uint64_t seq = last_seq;

	for (int i = (int)n - 1; i >= 0; i -= 2) {
		amdvi_cmd_build_completion_wait(io->ring[i], KERNEL_SEM_PA, seq--, true, false, false);
		if (i > 0)
			amdvi_cmd_build_inv_iommu_pages(io->ring[i - 1], 3, 0, 0xffe58000ull, false, true, false);
	}
	for (uint32_t i = n; i < 512; i += 2) {	/* the previous lap */
		amdvi_cmd_build_inv_iommu_pages(io->ring[i], 3, 0, 0xffe00000ull, false, true, false);
		if (i + 1 < 512)
			amdvi_cmd_build_completion_wait(io->ring[i + 1], KERNEL_SEM_PA, 0x10 + i, true, false, false);
	}
}

static struct ring_rig *rig_new(void)
{
	struct ring_rig *r = calloc(1, sizeof(*r));

	r->io.last_bdf = 255;
	r->io.mmio_phys = 0xfeb80000;
	r->io.efr = 0x29d3;
	r->io.tail = 0x15f0;
	r->io.head = 0x1fa0;
	r->io.sem_value = r->io.sem_issued = 0x134;
	r->io.dte = calloc(256, sizeof(*r->io.dte));
	for (int i = 0; i < 256; i++)
		r->io.dte[i][0] = 0x3;			/* V|TV, blocked */
	r->io.dte[0x18][0] = 0x6000000001ec4603ull;	/* 00:03.0, domain 3 */
	r->io.dte[0x18][1] = 3;
	r->io.dte[0x20][0] = 0x6000000001ed4603ull;	/* 00:04.0, domain 4 */
	r->io.dte[0x20][1] = 4;
	fill_ring(&r->io, r->io.tail, 0x134);
	r->fx = fixture_new();
	r->rep = calloc(1, sizeof(*r->rep));
	return r;
}

static void rig_go(struct ring_rig *r, enum synth_era era)
{
	synth_kernel(r->fx, era, &r->io);
	ring_rig_analyse(r);
}

static void rig_del(struct ring_rig *r)
{
	ring_rig_release(r);
	free(r);
}

/* The lab's stock picture: everything retired, no flush. */
START_TEST(test_stock_all_retired)
{
	struct ring_rig *r = rig_new();

	rig_go(r, SYNTH_6X);
	ck_assert(r->rep->ordered);
	ck_assert_uint_eq(r->rep->entries[0].offset, 0x15e0);
	ck_assert_uint_eq(r->rep->entries[511].offset, 0x15f0);
	ck_assert_int_eq(r->rep->entries[0].cmd.opcode, AMDVI_CMD_COMPLETION_WAIT);
	ck_assert_uint_eq(r->rep->entries[0].cmd.u.cw.store_data, 0x134);
	ck_assert_int_eq(r->rep->retired_cw, 0);
	ck_assert(r->rep->all_retired);
	ck_assert_uint_eq(r->rep->not_proven, 0);
	ck_assert_int_eq(r->rep->entries[5].state, RING_ENTRY_COMPLETE);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_NONE);
	ck_assert_ptr_nonnull(strstr(r->rep->flush.evidence, "ordinary traffic (offset 0x15d0: INVALIDATE_IOMMU_PAGES"));
	rig_del(r);
}
END_TEST

/* A CPU had queued more than the IOMMU retired. */
START_TEST(test_outstanding_completion_wait)
{
	struct ring_rig *r = rig_new();

	r->io.sem_value = 0x133;
	r->io.need_sync = 1;
	rig_go(r, SYNTH_6X);
	ck_assert_int_eq(r->rep->retired_cw, 2);
	ck_assert(!r->rep->all_retired);
	ck_assert_int_eq(r->rep->entries[0].state, RING_ENTRY_NOT_PROVEN);
	ck_assert_int_eq(r->rep->entries[1].state, RING_ENTRY_NOT_PROVEN);
	ck_assert_int_eq(r->rep->entries[2].state, RING_ENTRY_COMPLETE);
	ck_assert_uint_eq(r->rep->not_proven, 2);
	rig_del(r);
}
END_TEST

/* Before 6.0 only the low 32 bits of the sequence went into the command. */
START_TEST(test_low32_sequence)
{
	struct ring_rig *r = rig_new();

	r->io.sem_value = r->io.sem_issued = 0x100000134ull;
	rig_go(r, SYNTH_5X);
	ck_assert_int_eq(r->rep->retired_cw, 0);
	rig_del(r);
}
END_TEST

static void append_flush(struct ring_rig *r, uint64_t stored)
{
	uint32_t slot = r->io.tail / 16;

	amdvi_cmd_build_inv_iommu_all(r->io.ring[slot]);
	amdvi_cmd_build_completion_wait(r->io.ring[slot + 1], FLUSH_REC_PA, 0xf1a5f1a5ull, true, false, false);
	fixture_add_memory(r->fx, TARGET_PHYSADDR, FLUSH_REC_PA, 8, &stored, TARGET_OK);
}

START_TEST(test_appended_flush_completed)
{
	struct ring_rig *r = rig_new();

	append_flush(r, 0xf1a5f1a5ull);
	rig_go(r, SYNTH_6X);
	ck_assert(r->rep->flush.appended);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_COMPLETED);
	ck_assert_uint_eq(r->rep->flush.first_offset, 0x15f0);
	ck_assert_uint_eq(r->rep->flush.cw_offset, 0x1600);
	ck_assert_uint_eq(r->rep->flush.inv_all, 1);
	ck_assert_int_eq(r->rep->entries[511].state, RING_ENTRY_APPENDED);
	ck_assert_int_eq(r->rep->entries[510].state, RING_ENTRY_APPENDED);
	ck_assert_int_eq(r->rep->entries[509].state, RING_ENTRY_COMPLETE);
	/* the kernel's own ring is still all retired */
	ck_assert(r->rep->all_retired);
	rig_del(r);
}
END_TEST

START_TEST(test_appended_flush_not_completed)
{
	struct ring_rig *r = rig_new();

	append_flush(r, 0);
	rig_go(r, SYNTH_6X);
	ck_assert(r->rep->flush.appended);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_QUEUED_NOT_COMPLETED);
	ck_assert_ptr_nonnull(strstr(r->rep->flush.evidence, "which holds 0"));
	rig_del(r);
}
END_TEST

START_TEST(test_appended_flush_store_excluded)
{
	struct ring_rig *r = rig_new();
	uint32_t slot = r->io.tail / 16;

	amdvi_cmd_build_inv_iommu_all(r->io.ring[slot]);
	amdvi_cmd_build_completion_wait(r->io.ring[slot + 1], FLUSH_REC_PA, 7, true, false, false);
	fixture_add_memory(r->fx, TARGET_PHYSADDR, FLUSH_REC_PA, 4096, NULL, TARGET_E_EXCLUDED);
	rig_go(r, SYNTH_6X);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_UNKNOWN);
	ck_assert_uint_ge(r->pb.excluded_reads, 1);
	rig_del(r);
}
END_TEST

/* The kernel itself flushed every devid with a domain and every domain
 * (the 2010 patch's shape), and the completion store arrived. */
static void kernel_flush(struct ring_rig *r, bool with_cw)
{
	uint32_t s = r->io.tail / 16 - 6;

	amdvi_cmd_build_inv_devtab_entry(r->io.ring[s], 0x18);
	amdvi_cmd_build_inv_devtab_entry(r->io.ring[s + 1], 0x20);
	amdvi_cmd_build_completion_wait(r->io.ring[s + 2], KERNEL_SEM_PA, 0x133, true, false, false);
	amdvi_cmd_build_inv_iommu_pages_domain(r->io.ring[s + 3], 3, true);
	amdvi_cmd_build_inv_iommu_pages_domain(r->io.ring[s + 4], 4, true);
	if (with_cw)
		amdvi_cmd_build_completion_wait(r->io.ring[s + 5], KERNEL_SEM_PA, 0x134, true, false, false);
	else
		amdvi_cmd_build_inv_iommu_pages_domain(r->io.ring[s + 5], 4, true);
}

START_TEST(test_kernel_flush_completed)
{
	struct ring_rig *r = rig_new();

	kernel_flush(r, true);
	rig_go(r, SYNTH_6X);
	ck_assert(!r->rep->flush.appended);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_COMPLETED);
	ck_assert_uint_eq(r->rep->flush.inv_dte, 2);
	ck_assert_uint_eq(r->rep->flush.inv_domain, 2);
	ck_assert_uint_eq(r->rep->flush.first_offset, 0x15f0 - 6 * 16);
	rig_del(r);
}
END_TEST

START_TEST(test_kernel_flush_no_completion_wait)
{
	struct ring_rig *r = rig_new();

	kernel_flush(r, false);
	rig_go(r, SYNTH_6X);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_QUEUED_NOT_COMPLETED);
	rig_del(r);
}
END_TEST

START_TEST(test_kernel_flush_retired_not_proven)
{
	struct ring_rig *r = rig_new();

	kernel_flush(r, true);
	r->io.sem_value = 0x133;
	rig_go(r, SYNTH_6X);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_QUEUED_NOT_COMPLETED);
	rig_del(r);
}
END_TEST

/* Invalidations of one device are not a flush. */
START_TEST(test_partial_flush_is_none)
{
	struct ring_rig *r = rig_new();
	uint32_t s = r->io.tail / 16 - 3;

	amdvi_cmd_build_inv_devtab_entry(r->io.ring[s], 0x18);
	amdvi_cmd_build_inv_iommu_pages_domain(r->io.ring[s + 1], 3, true);
	rig_go(r, SYNTH_6X);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_NONE);
	ck_assert_ptr_nonnull(strstr(r->rep->flush.evidence, "1 valid devids and 1 domains"));
	rig_del(r);
}
END_TEST

/* iommu=pt: nothing but boot-time invalidations in the whole ring. */
START_TEST(test_only_initialisation_is_none)
{
	struct ring_rig *r = rig_new();
	uint64_t seq = 1;

	memset(r->io.ring, 0, sizeof(r->io.ring));
	amdvi_cmd_build_inv_iommu_all(r->io.ring[0]);
	amdvi_cmd_build_completion_wait(r->io.ring[1], KERNEL_SEM_PA, seq++, true, false, false);
	for (int i = 2; i + 3 < 0x15f; i += 3) {
		amdvi_cmd_build_inv_devtab_entry(r->io.ring[i], (uint16_t)i);
		amdvi_cmd_build_inv_iommu_pages_domain(r->io.ring[i + 1], (uint16_t)(i % 7 + 1), true);
		amdvi_cmd_build_completion_wait(r->io.ring[i + 2], KERNEL_SEM_PA, seq++, true, false, false);
	}
	amdvi_cmd_build_inv_devtab_entry(r->io.ring[0x15d], 0x18);
	amdvi_cmd_build_inv_devtab_entry(r->io.ring[0x15c], 0x20);
	amdvi_cmd_build_inv_iommu_pages_domain(r->io.ring[0x15b], 3, true);
	amdvi_cmd_build_inv_iommu_pages_domain(r->io.ring[0x15a], 4, true);
	amdvi_cmd_build_completion_wait(r->io.ring[0x15e], KERNEL_SEM_PA, seq, true, false, false);
	r->io.sem_value = r->io.sem_issued = seq;
	rig_go(r, SYNTH_6X);
	ck_assert(!r->rep->flush.after_traffic);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_NONE);
	ck_assert_ptr_nonnull(strstr(r->rep->flush.evidence, "initialisation"));
	rig_del(r);
}
END_TEST

START_TEST(test_embedded_semaphore)
{
	struct ring_rig *r = rig_new();

	r->io.sem_value = 0;
	rig_go(r, SYNTH_RHEL7);
	ck_assert_int_eq(r->rep->retired_cw, -1);
	ck_assert(!r->rep->all_retired);
	ck_assert_ptr_nonnull(strstr(r->rep->sem_summary, "outstanding"));
	rig_del(r);

	r = rig_new();
	r->io.sem_value = 1;
	rig_go(r, SYNTH_RHEL7);
	ck_assert_int_eq(r->rep->retired_cw, 0);
	rig_del(r);
}
END_TEST

START_TEST(test_no_software_tail)
{
	struct ring_rig *r = rig_new();

	rig_go(r, SYNTH_2634);
	ck_assert(!r->rep->ordered);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(r->rep->flush.evidence, "order is unknown"));
	rig_del(r);
}
END_TEST

START_TEST(test_bad_tail)
{
	struct ring_rig *r = rig_new();

	r->io.tail = 0x15f4;
	rig_go(r, SYNTH_6X);
	ck_assert(!r->rep->ordered);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_UNKNOWN);
	ck_assert_uint_ge(r->pb.n, 1);
	rig_del(r);
}
END_TEST

Suite *analysis_cmd_ring_suite(void)
{
	Suite *s = suite_create("analysis_cmd_ring");
	TCase *tc = tcase_create("ring");

	tcase_add_test(tc, test_stock_all_retired);
	tcase_add_test(tc, test_outstanding_completion_wait);
	tcase_add_test(tc, test_low32_sequence);
	tcase_add_test(tc, test_appended_flush_completed);
	tcase_add_test(tc, test_appended_flush_not_completed);
	tcase_add_test(tc, test_appended_flush_store_excluded);
	tcase_add_test(tc, test_kernel_flush_completed);
	tcase_add_test(tc, test_kernel_flush_no_completion_wait);
	tcase_add_test(tc, test_kernel_flush_retired_not_proven);
	tcase_add_test(tc, test_partial_flush_is_none);
	tcase_add_test(tc, test_only_initialisation_is_none);
	tcase_add_test(tc, test_embedded_semaphore);
	tcase_add_test(tc, test_no_software_tail);
	tcase_add_test(tc, test_bad_tail);
	suite_add_tcase(s, tc);
	return s;
}
