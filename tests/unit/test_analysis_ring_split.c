/* A command ring the capture kernel reused in place (6.18+ / 7.x kdump):
 * its entries from slot 0 are told apart from the crashed kernel's, the
 * verdict rests on the crashed kernel's alone, and a semaphore equal to
 * the last sequence issued means retired even when the CW is overwritten. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "amdvi/command.h"
#include "backend/amdvi/cmd_ring.h"
#include "ring_rig.h"

#define KERNEL_SEM_PA	0x11be000ull
#define CAPTURE_SEM_PA	0x7f3e000ull
#define POB_SYM		0xffffffff82000600ull	/* page_offset_base */

/* The crashed kernel's ring: strict-mode pairs (INVALIDATE_IOMMU_PAGES +
 * COMPLETION_WAIT) in every slot, the newest CW (last_seq) just before
 * the tail. */
static void crashed_ring(struct synth_iommu *io, uint32_t tail, uint64_t last_seq)
{
	uint64_t seq = last_seq;

	for (unsigned k = 1; k <= 256; k++) {
		unsigned cw = (tail / 16 + 512 - (2 * k - 1)) % 512;

		amdvi_cmd_build_completion_wait(io->ring[cw], KERNEL_SEM_PA, seq--, true, false, false);
		amdvi_cmd_build_inv_iommu_pages(io->ring[(cw + 511) % 512], 3, 0, 0xffe58000ull,
						false, true, false);
	}
}

/* The capture kernel's boot from slot 0: groups of a whole-domain
 * INVALIDATE_IOMMU_PAGES, an INVALIDATE_INTERRUPT_TABLE and a CW storing
 * sequence 1, 2, ... to store_pa.  Returns the end offset. */
static uint32_t capture_boot(struct synth_iommu *io, unsigned groups, uint64_t store_pa)
{
	for (unsigned g = 0; g < groups; g++) {
		amdvi_cmd_build_inv_iommu_pages_domain(io->ring[3 * g], (uint16_t)(g + 1), true);
		amdvi_cmd_build_inv_interrupt_table(io->ring[3 * g + 1], (uint16_t)(0x18 + g));
		amdvi_cmd_build_completion_wait(io->ring[3 * g + 2], store_pa, g + 1, true, false, false);
	}
	return groups * 3 * 16;
}

static struct ring_rig *rig(uint32_t tail, uint64_t issued)
{
	struct ring_rig *r = calloc(1, sizeof(*r));

	r->io.last_bdf = 255;
	r->io.mmio_phys = 0xfeb80000;
	r->io.efr = 0x29d3;
	r->io.tail = tail;
	r->io.head = tail;
	r->io.sem_value = r->io.sem_issued = issued;
	r->io.dte = calloc(256, sizeof(*r->io.dte));
	for (int i = 0; i < 256; i++)
		r->io.dte[i][0] = 0x3;
	r->io.dte[0x18][0] = 0x6000000001ec4603ull;
	r->io.dte[0x18][1] = 3;
	crashed_ring(&r->io, tail, issued);
	r->fx = fixture_new();
	return r;
}

/* Before 7.x the engine finds the semaphore's PA through the direct map. */
static void direct_map(struct ring_rig *r)
{
	uint64_t base = SYNTH_SEM_KV - KERNEL_SEM_PA;

	fixture_add_symbol(r->fx, "page_offset_base", TARGET_OK, POB_SYM);
	fixture_add_memory(r->fx, TARGET_KVADDR, POB_SYM, 8, &base, TARGET_OK);
}

static void go(struct ring_rig *r)
{
	synth_kernel(r->fx, SYNTH_6X, &r->io);
	ring_rig_analyse(r);
}

static void del(struct ring_rig *r)
{
	ring_rig_release(r);
	free(r);
}

static unsigned count_state(const struct cmd_ring_report *rep, enum ring_entry_state s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < CMD_RING_ENTRIES; i++)
		n += rep->entries[i].state == s;
	return n;
}

START_TEST(test_not_reused_no_split)
{
	struct ring_rig *r = rig(0x15f0, 0x134);

	direct_map(r);
	go(r);
	ck_assert(r->inv.iommus[0].sem_pa_known);
	ck_assert_uint_eq(r->inv.iommus[0].sem_pa, KERNEL_SEM_PA);
	ck_assert(!r->rep->split.found);
	ck_assert_uint_eq(count_state(r->rep, RING_ENTRY_CAPTURE), 0);
	ck_assert(r->rep->all_retired);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_NONE);
	del(r);
}
END_TEST

/* The capture kernel wrote slots 0..0x23f; the crashed kernel's tail
 * (0x15f0) and its newest entries survive. */
START_TEST(test_reused_split_newest_survive)
{
	struct ring_rig *r = rig(0x15f0, 0x134);
	uint32_t end = capture_boot(&r->io, 12, CAPTURE_SEM_PA);

	direct_map(r);
	go(r);
	ck_assert(r->rep->split.found);
	ck_assert(!r->rep->split.same_sem);
	ck_assert(!r->rep->split.whole_ring);
	ck_assert_uint_eq(r->rep->split.end, end);
	ck_assert_uint_eq(r->rep->split.cws, 12);
	ck_assert_uint_eq(r->rep->split.store_pa, CAPTURE_SEM_PA);
	ck_assert_uint_eq(count_state(r->rep, RING_ENTRY_CAPTURE), 36);
	ck_assert_uint_eq(r->rep->capture_entries, 36);
	ck_assert_uint_eq(r->rep->crashed_entries, 512 - 36);
	for (unsigned i = 0; i < CMD_RING_ENTRIES; i++)
		ck_assert((r->rep->entries[i].offset < end) ==
			  (r->rep->entries[i].state == RING_ENTRY_CAPTURE));
	/* the capture kernel's whole-domain invalidations are not a flush */
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_NONE);
	ck_assert_uint_eq(r->rep->flush.inv_domain, 0);
	ck_assert(r->rep->sem_trusted);
	ck_assert(r->rep->all_retired);
	ck_assert_int_eq(r->rep->retired_cw, 0);
	ck_assert_ptr_nonnull(strstr(r->rep->flush.evidence, "reused in place"));
	ck_assert_ptr_nonnull(strstr(r->rep->flush.evidence, "rests on the crashed kernel's 476 surviving"));
	ck_assert_ptr_nonnull(strstr(r->rep->flush.evidence, "0x7f3e000"));
	del(r);
}
END_TEST

/* The crashed kernel's tail (0x100) lies inside what the capture kernel
 * overwrote: no verdict from the ring, yet *cmd_sem == cmd_sem_val still
 * proves everything it queued retired (the "PENDING: sem 0x2d7c9,
 * issued 0x2d7c9"). */
START_TEST(test_reused_newest_overwritten)
{
	struct ring_rig *r = rig(0x100, 0x2d7c9);

	capture_boot(&r->io, 40, CAPTURE_SEM_PA);
	direct_map(r);
	go(r);
	ck_assert(r->rep->split.found);
	ck_assert_int_eq(r->rep->entries[0].state, RING_ENTRY_CAPTURE);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(r->rep->flush.evidence, "overwrote the crashed kernel's newest entries"));
	ck_assert_int_eq(r->rep->retired_cw, -1);	/* the CW with 0x2d7c9 is gone */
	ck_assert(r->rep->all_retired);
	ck_assert_uint_eq(r->rep->not_proven, 0);
	del(r);
}
END_TEST

/* The capture kernel went round the ring: its sequence numbers wrap and no
 * CW of the crashed kernel is left. */
START_TEST(test_reused_whole_ring)
{
	struct ring_rig *r = rig(0x800, 0x500);

	for (unsigned s = 0; s < 512; s += 2) {
		/* its 300th.. CWs from slot 0, its older lap above */
		uint64_t seq = s < 0x100 ? 300 + s / 2 : 300 - 256 + s / 2;

		amdvi_cmd_build_inv_interrupt_table(r->io.ring[s], 0x18);
		amdvi_cmd_build_completion_wait(r->io.ring[s + 1], CAPTURE_SEM_PA, seq, true, false, false);
	}
	direct_map(r);
	go(r);
	ck_assert(r->rep->split.found);
	ck_assert(r->rep->split.whole_ring);
	ck_assert_uint_eq(r->rep->crashed_entries, 0);
	ck_assert_int_eq(r->rep->flush.verdict, FLUSH_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(r->rep->flush.evidence, "every slot is the capture kernel's"));
	del(r);
}
END_TEST

/* With SNP the capture kernel reuses the semaphore page too: its count
 * 1..5 from slot 0 stores where the crashed kernel's did, and *cmd_sem
 * holds its 5, not the crashed kernel's sequence. */
START_TEST(test_reused_same_semaphore_untrusted)
{
	struct ring_rig *r = rig(0x15f0, 0x134);

	capture_boot(&r->io, 5, KERNEL_SEM_PA);
	r->io.sem_value = 5;
	direct_map(r);
	go(r);
	ck_assert(r->rep->split.found);
	ck_assert(r->rep->split.same_sem);
	ck_assert_uint_eq(r->rep->split.end, 15 * 16);
	ck_assert(!r->rep->sem_trusted);
	ck_assert_ptr_nonnull(strstr(r->rep->sem_distrust, "same semaphore page"));
	ck_assert(!r->rep->all_retired);
	ck_assert_int_eq(r->rep->retired_cw, -1);
	ck_assert_ptr_nonnull(strstr(r->rep->sem_summary, "not trusted"));
	del(r);
}
END_TEST

/* 7.x keeps the semaphore's PA in struct amd_iommu (cmd_sem_paddr, with
 * the C-bit): no direct-map arithmetic needed. */
START_TEST(test_cmd_sem_paddr_member)
{
	struct ring_rig *r = rig(0x15f0, 0x134);
	struct target_member tm = { .offset = 1280, .size = 8 };
	uint64_t pa = KERNEL_SEM_PA;

	capture_boot(&r->io, 12, CAPTURE_SEM_PA);
	fixture_add_member(r->fx, "amd_iommu", "cmd_sem_paddr", TARGET_OK, &tm);
	fixture_add_memory(r->fx, TARGET_KVADDR, SYNTH_IOMMU_KV + 1280, 8, &pa, TARGET_OK);
	fixture_add_symbol(r->fx, "page_offset_base", TARGET_E_NOTFOUND, 0);
	go(r);
	ck_assert(r->inv.iommus[0].sem_pa_known);
	ck_assert_uint_eq(r->inv.iommus[0].sem_pa, KERNEL_SEM_PA);
	ck_assert(r->rep->split.found);
	ck_assert_uint_eq(r->rep->split.cws, 12);
	del(r);
}
END_TEST

/* A semaphore beyond what the crashed kernel issued is someone else's. */
START_TEST(test_semaphore_beyond_issued_untrusted)
{
	struct ring_rig *r = rig(0x15f0, 0x134);

	r->io.sem_value = 0x200;
	direct_map(r);
	go(r);
	ck_assert(!r->rep->sem_trusted);
	ck_assert(!r->rep->all_retired);
	ck_assert_ptr_nonnull(strstr(r->rep->sem_distrust, "beyond the last sequence"));
	del(r);
}
END_TEST

Suite *analysis_ring_split_suite(void)
{
	Suite *s = suite_create("analysis_ring_split");
	TCase *tc = tcase_create("split");

	tcase_add_test(tc, test_not_reused_no_split);
	tcase_add_test(tc, test_reused_split_newest_survive);
	tcase_add_test(tc, test_reused_newest_overwritten);
	tcase_add_test(tc, test_reused_whole_ring);
	tcase_add_test(tc, test_reused_same_semaphore_untrusted);
	tcase_add_test(tc, test_cmd_sem_paddr_member);
	tcase_add_test(tc, test_semaphore_beyond_issued_untrusted);
	suite_add_tcase(s, tc);
	return s;
}
