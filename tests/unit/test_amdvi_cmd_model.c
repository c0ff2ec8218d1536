/* Unit tests: the command-processor model (include/amdvi/cmd_model.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "amdvi/cmd_model.h"
#include "amdvi/command.h"
#include "amdvi/efr.h"
#include "amdvi/event.h"

#define RING_PA		0x11b0000ull
#define SEM_PA		0x11be000ull
#define QEMU_EFR	0x29d3ull

struct rig {
	uint8_t ring[8192];
	uint8_t evt[8192];
	uint64_t sem;
	int stores;
	struct amdvi_cmd_model m;
};

static int store(void *ctx, uint64_t pa, uint64_t value)
{
	struct rig *r = ctx;

	if (pa != SEM_PA)
		return -1;
	r->sem = value;
	r->stores++;
	return 0;
}

static struct rig *rig_new(uint64_t efr)
{
	struct rig *r = calloc(1, sizeof(*r));

	ck_assert_int_eq(amdvi_cmd_model_init(&r->m, r->ring, 8192, RING_PA, efr, store, r,
					      r->evt, 8192), AMDVI_OK);
	return r;
}

static uint32_t put(struct rig *r, uint32_t off, const uint32_t c[4])
{
	memcpy(r->ring + off, c, 16);
	return (off + 16) % 8192;
}

static void event_at(const struct rig *r, uint32_t off, struct amdvi_event *ev)
{
	uint32_t d[4];

	memcpy(d, r->evt + off, 16);
	ck_assert_int_eq(amdvi_event_decode(d, ev), AMDVI_OK);
}

/* The lab 6.1 strict-mode pair, wrapping at the end of the ring. */
START_TEST(test_runs_head_to_tail_with_wrap)
{
	struct rig *r = rig_new(QEMU_EFR);
	uint32_t c[4], off = 8192 - 16;

	amdvi_cmd_model_set_head(&r->m, off);
	amdvi_cmd_model_set_tail(&r->m, off);
	amdvi_cmd_build_inv_iommu_pages(c, 3, 0, 0xffe58000ull, false, true, false);
	off = put(r, off, c);
	ck_assert_uint_eq(off, 0);
	amdvi_cmd_build_completion_wait(c, SEM_PA, 0x134, true, false, false);
	off = put(r, off, c);
	ck_assert_int_eq(amdvi_cmd_model_run(&r->m, 0), 0);	/* no doorbell yet */
	ck_assert_int_eq(amdvi_cmd_model_set_tail(&r->m, off), AMDVI_OK);
	ck_assert_int_eq(amdvi_cmd_model_run(&r->m, 1), 1);	/* max */
	ck_assert_int_eq(r->stores, 0);
	ck_assert_int_eq(amdvi_cmd_model_run(&r->m, 0), 1);
	ck_assert_uint_eq(r->m.head, 16);
	ck_assert_int_eq(r->stores, 1);
	ck_assert_uint_eq(r->sem, 0x134);
	ck_assert_uint_eq(r->m.by_opcode[AMDVI_CMD_INVALIDATE_IOMMU_PAGES], 1);
	ck_assert(!amdvi_cmd_model_bit(r->m.inv_domain, 3));	/* one page, not the domain */
	ck_assert_int_eq(amdvi_cmd_model_state(&r->m), AMDVI_CMD_MODEL_IDLE);
	ck_assert_int_eq(r->m.illegal, 0);
	free(r);
}
END_TEST

/* A reserved bit set: ILLEGAL_COMMAND_ERROR naming the slot, halt with the
 * head on it; the commands after it wait for the restart. */
START_TEST(test_illegal_command_halts)
{
	struct rig *r = rig_new(QEMU_EFR);
	uint32_t c[4], off = 0x40;
	struct amdvi_event ev;

	amdvi_cmd_model_set_head(&r->m, off);
	amdvi_cmd_build_inv_devtab_entry(c, 0x18);
	off = put(r, off, c);
	amdvi_cmd_build_inv_devtab_entry(c, 0x20);
	c[2] = 1;					/* reserved */
	off = put(r, off, c);
	amdvi_cmd_build_completion_wait(c, SEM_PA, 7, true, false, false);
	off = put(r, off, c);
	amdvi_cmd_model_set_tail(&r->m, off);
	ck_assert_int_eq(amdvi_cmd_model_run(&r->m, 0), 1);
	ck_assert_int_eq(amdvi_cmd_model_state(&r->m), AMDVI_CMD_MODEL_HALTED);
	ck_assert_uint_eq(r->m.head, 0x50);
	ck_assert_int_eq(r->m.illegal, 1);
	ck_assert_int_eq(r->stores, 0);
	event_at(r, 0, &ev);
	ck_assert_uint_eq(ev.code, AMDVI_EVENT_ILLEGAL_COMMAND_ERROR);
	ck_assert_uint_eq(ev.address, RING_PA + 0x50);
	ck_assert_uint_eq(r->m.evt_tail, 16);
	ck_assert_int_eq(amdvi_cmd_model_run(&r->m, 0), 0);	/* stays halted */
	/* software fixes the entry and restarts (CmdBufEn 0 -> 1) */
	amdvi_cmd_build_inv_devtab_entry(c, 0x20);
	put(r, 0x50, c);
	amdvi_cmd_model_enable(&r->m, false);
	ck_assert_int_eq(amdvi_cmd_model_state(&r->m), AMDVI_CMD_MODEL_DISABLED);
	ck_assert_int_eq(amdvi_cmd_model_run(&r->m, 0), 0);
	amdvi_cmd_model_enable(&r->m, true);
	ck_assert_int_eq(amdvi_cmd_model_run(&r->m, 0), 2);
	ck_assert_uint_eq(r->sem, 7);
	ck_assert(amdvi_cmd_model_bit(r->m.inv_dte, 0x18));
	ck_assert(amdvi_cmd_model_bit(r->m.inv_dte, 0x20));
	free(r);
}
END_TEST

/* INVALIDATE_IOMMU_ALL is illegal on an IOMMU without EFR.IA. */
START_TEST(test_inv_all_needs_ia)
{
	struct rig *r = rig_new(QEMU_EFR & ~AMDVI_EFR_IA);
	uint32_t c[4];
	const char *why;

	amdvi_cmd_build_inv_iommu_all(c);
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR, NULL), AMDVI_OK);
	ck_assert_int_eq(amdvi_cmd_model_check(c, 0, &why), AMDVI_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(why, "EFR.IA"));
	put(r, 0, c);
	amdvi_cmd_model_set_tail(&r->m, 16);
	ck_assert_int_eq(amdvi_cmd_model_run(&r->m, 0), 0);
	ck_assert_int_eq(r->m.illegal, 1);
	ck_assert(!r->m.inv_all);
	free(r);
}
END_TEST

START_TEST(test_check_rules)
{
	uint32_t c[4];
	const uint32_t kernel_cw[4] = { 0x011be001, 0x10000000, 0x00000134, 0 };
	const uint32_t kernel_page[4] = { 0, 0x30000003, 0xffe58002, 0 };
	const uint32_t kernel_domain[4] = { 0, 0x30000003, 0xfffff003, 0x7fffffff };
	const uint32_t zero[4] = { 0, 0, 0, 0 };

	ck_assert_int_eq(amdvi_cmd_model_check(kernel_cw, QEMU_EFR, NULL), AMDVI_OK);
	ck_assert_int_eq(amdvi_cmd_model_check(kernel_page, QEMU_EFR, NULL), AMDVI_OK);
	ck_assert_int_eq(amdvi_cmd_model_check(kernel_domain, QEMU_EFR, NULL), AMDVI_OK);
	ck_assert_int_eq(amdvi_cmd_model_check(zero, QEMU_EFR, NULL), AMDVI_ERR_FORMAT);
	amdvi_cmd_build_completion_wait(c, SEM_PA, 1, true, false, false);
	c[1] |= 1u << 20;
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR, NULL), AMDVI_ERR_FORMAT);
	amdvi_cmd_build_completion_wait(c, 0, 0, false, true, false);	/* <= 2.6.38: I only */
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR, NULL), AMDVI_OK);
	amdvi_cmd_build_inv_iommu_pages(c, 3, 0, 0x1000, false, false, false);
	c[2] |= 0x8;
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR, NULL), AMDVI_ERR_FORMAT);
	amdvi_cmd_build_inv_iommu_pages(c, 3, 5, 0x1000, false, false, false);	/* PASID, no GN */
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR, NULL), AMDVI_ERR_FORMAT);
	amdvi_cmd_build_inv_iommu_pages(c, 3, 5, 0x1000, false, false, true);
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR, NULL), AMDVI_OK);
	amdvi_cmd_build_inv_interrupt_table(c, 0x30);
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR, NULL), AMDVI_OK);
	c[3] = 1;
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR, NULL), AMDVI_ERR_FORMAT);
	amdvi_cmd_build_inv_iotlb_pages(c, 0x18, 0x18, 32, 0, 0x1000, false, false);
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR, NULL), AMDVI_OK);
	amdvi_cmd_build_prefetch_iommu_pages(c, 0x18, 1, 0, 0x1000, false, false, true);
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR, NULL), AMDVI_OK);
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR & ~AMDVI_EFR_PREF, NULL), AMDVI_ERR_FORMAT);
	amdvi_cmd_build_complete_ppr(c, 0x18, 0, false, 3, 0);
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR, NULL), AMDVI_OK);
	ck_assert_int_eq(amdvi_cmd_model_check(c, 0, NULL), AMDVI_ERR_FORMAT);
	c[0] = 0; c[1] = 0x90000000u; c[2] = c[3] = 0;	/* opcode 9 */
	ck_assert_int_eq(amdvi_cmd_model_check(c, QEMU_EFR, NULL), AMDVI_ERR_FORMAT);
}
END_TEST

/* A full event log drops the event (overflow) but still halts. */
START_TEST(test_event_log_full)
{
	struct rig *r = rig_new(QEMU_EFR);
	uint32_t bad[4] = { 0, 0x90000000u, 0, 0 };

	memset(r->evt, 0xff, sizeof(r->evt));			/* nothing consumed */
	put(r, 0, bad);
	amdvi_cmd_model_set_tail(&r->m, 16);
	ck_assert_int_eq(amdvi_cmd_model_run(&r->m, 0), 0);
	ck_assert(r->m.evt_overflow);
	ck_assert_int_eq(amdvi_cmd_model_state(&r->m), AMDVI_CMD_MODEL_HALTED);
	free(r);
}
END_TEST

START_TEST(test_bad_setup)
{
	struct amdvi_cmd_model m;
	uint8_t ring[4096] = { 0 };

	ck_assert_int_eq(amdvi_cmd_model_init(&m, ring, 3000, 0, 0, NULL, NULL, NULL, 0), AMDVI_ERR_SIZE);
	ck_assert_int_eq(amdvi_cmd_model_init(&m, ring, 4096, 0x10, 0, NULL, NULL, NULL, 0), AMDVI_ERR_ALIGN);
	ck_assert_int_eq(amdvi_cmd_model_init(&m, NULL, 4096, 0, 0, NULL, NULL, NULL, 0), AMDVI_ERR_ARG);
	ck_assert_int_eq(amdvi_cmd_model_init(&m, ring, 4096, 0, 0, NULL, NULL, NULL, 0), AMDVI_OK);
	ck_assert_int_eq(amdvi_cmd_model_set_tail(&m, 8), AMDVI_ERR_ALIGN);
	ck_assert_int_eq(amdvi_cmd_model_set_head(&m, 4096), AMDVI_ERR_RANGE);
	ck_assert_int_eq(amdvi_cmd_model_run(NULL, 0), AMDVI_ERR_ARG);
}
END_TEST

extern Suite *amdvi_cmd_model_suite(void);
Suite *amdvi_cmd_model_suite(void)
{
	Suite *s = suite_create("amdvi_cmd_model");
	TCase *tc = tcase_create("model");

	tcase_add_test(tc, test_runs_head_to_tail_with_wrap);
	tcase_add_test(tc, test_illegal_command_halts);
	tcase_add_test(tc, test_inv_all_needs_ia);
	tcase_add_test(tc, test_check_rules);
	tcase_add_test(tc, test_event_log_full);
	tcase_add_test(tc, test_bad_setup);
	suite_add_tcase(s, tc);
	return s;
}
