/* The reference-flush module's record read from a dump
 * (include/backend/amdvi/flush_record.h), and the whole chain on a synthetic
 * 6.x kernel: the library's flush appended at the kernel's tail, executed
 * (or not) by the command-processor model into the record, then the
 * engine's verdict and the record read back through the CW's store. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "amdvi/cmd_model.h"
#include "amdvi/command.h"
#include "amdvi/flush.h"
#include "backend/amdvi/cmd_ring.h"
#include "backend/amdvi/flush_record.h"
#include "ring_rig.h"

#define REC_PA		0x3a5e000ull
#define KERNEL_SEM_PA	0x11be000ull
#define CMDBUF_PA	0x11b0000ull

static void slot_init(struct amdvi_flush_record *r, unsigned i, unsigned n)
{
	memset(r, 0, sizeof(*r));
	r->magic = AMDVI_FLUSH_RECORD_MAGIC;
	r->version = AMDVI_FLUSH_RECORD_VERSION;
	r->n_iommus = (uint16_t)n;
	r->index = (uint16_t)i;
	r->value = AMDVI_FLUSH_RECORD_VALUE(i);
	r->mmio_base = 0xfeb80000ull + 0x80000ull * i;
	r->devid = 0x10;
	r->flags = AMDVI_FLUSH_F_IA;
	r->steps = AMDVI_FLUSH_STEP_ARMED;
	r->efr = 0x29d3;
	r->cmdbuf_pa = CMDBUF_PA;
}

static struct fixture *page_fixture(struct amdvi_flush_record *slots, unsigned n)
{
	struct fixture *fx = fixture_new();

	fixture_add_memory(fx, TARGET_PHYSADDR, REC_PA, n * sizeof(*slots), slots, TARGET_OK);
	return fx;
}

START_TEST(test_read_completed_and_siblings)
{
	struct amdvi_flush_record s[2];
	struct flush_record_info info;
	struct target t;
	struct fixture *fx;
	char line[512];

	slot_init(&s[0], 0, 2);
	slot_init(&s[1], 1, 2);
	s[1].completion = s[1].value;
	s[1].steps |= AMDVI_FLUSH_STEP_ENTERED | AMDVI_FLUSH_STEP_WRITTEN | AMDVI_FLUSH_STEP_DOORBELL |
		      AMDVI_FLUSH_STEP_COMPLETED;
	s[1].n_cmds = 7;
	s[1].tail_before = s[1].head_before = 0x1a30;
	s[1].tail_after = 0x1aa0;
	s[1].wait_us = 12;
	s[1].t_start_ns = 37123456789ull;
	fx = page_fixture(s, 2);
	replay_target_init(&t, fx);
	ck_assert_int_eq(flush_record_read(&t, REC_PA + 128, &info), FLUSH_RECORD_OK);
	ck_assert_uint_eq(info.self, 1);
	ck_assert_uint_eq(info.page_pa, REC_PA);
	ck_assert_uint_eq(info.n_iommus, 2);
	ck_assert(info.slot_ok[0] && info.slot_ok[1]);
	ck_assert_ptr_eq(flush_record_self(&info), &info.slot[1]);
	ck_assert(flush_record_completed(&info.slot[1]));
	ck_assert(!flush_record_completed(&info.slot[0]));
	ck_assert_uint_eq(info.slot[0].mmio_base, 0xfeb80000ull);
	ck_assert_uint_eq(info.slot[1].tail_after, 0x1aa0);
	ck_assert_int_gt(flush_record_format(&info.slot[1], line, sizeof(line)), 0);
	ck_assert_str_eq(line, "module record slot 1/2: IOMMU mmio 0xfec00000 seg 0 devid 00:02.0: "
			 "steps armed,entered,written,doorbell,completed; flags ia; 7 commands at tail "
			 "0x1a30 (head 0x1a30, tail after 0x1aa0); completion 0x464c5553484f4b01 = value "
			 "0x464c5553484f4b01 (store landed); waited 12 us; t=37.123456789 s");
	fixture_free(fx);
}
END_TEST

START_TEST(test_read_pending)
{
	struct amdvi_flush_record s;
	struct flush_record_info info;
	struct target t;
	struct fixture *fx;

	slot_init(&s, 0, 1);
	s.flags |= AMDVI_FLUSH_F_NO_DOORBELL;
	fx = page_fixture(&s, 1);
	replay_target_init(&t, fx);
	ck_assert_int_eq(flush_record_read(&t, REC_PA, &info), FLUSH_RECORD_OK);
	ck_assert(!flush_record_completed(flush_record_self(&info)));
	ck_assert_uint_eq(flush_record_self(&info)->completion, AMDVI_FLUSH_RECORD_PENDING);
	fixture_free(fx);
}
END_TEST

/* A machine with one AMD-Vi IOMMU (slot 0) and one DMAR unit (slot 1):
 * the VT-d slot's status write lands in the low half of `completion`. */
START_TEST(test_read_vtd_slot)
{
	struct amdvi_flush_record s[2];
	struct flush_record_info info;
	struct target t;
	struct fixture *fx;
	char line[512];

	slot_init(&s[0], 0, 2);
	slot_init(&s[1], 1, 2);
	s[1].value = VTD_FLUSH_RECORD_VALUE(1);
	s[1].mmio_base = 0xfed90000ull;
	s[1].devid = 1;
	s[1].flags = AMDVI_FLUSH_F_VTD | AMDVI_FLUSH_F_NO_DOORBELL | AMDVI_FLUSH_F_BY_NOTIFIER;
	s[1].steps |= AMDVI_FLUSH_STEP_ENTERED | AMDVI_FLUSH_STEP_WRITTEN;
	s[1].n_cmds = 3;
	s[1].head_before = s[1].tail_before = 0x7a0;
	s[1].tail_after = 0x7d0;
	s[1].control_before = s[1].control_after = 0x87000000ull;
	fx = page_fixture(s, 2);
	replay_target_init(&t, fx);
	ck_assert_int_eq(flush_record_read(&t, REC_PA + 128, &info), FLUSH_RECORD_OK);
	ck_assert(!flush_record_completed(flush_record_self(&info)));
	ck_assert_int_gt(flush_record_format(&info.slot[1], line, sizeof(line)), 0);
	ck_assert_str_eq(line, "module record slot 1/2: DMAR unit at 0xfed90000 seg 0: steps armed,entered,written; "
			 "flags no-doorbell,panic-notifier,vtd; 3 descriptors at IQT 0x7a0 (IQH 0x7a0, IQT after 0x7d0); "
			 "status word 0 != value 0x56544401 (status write never landed); GSTS 0x87000000 FSTS 0 before, "
			 "GSTS 0x87000000 FSTS 0 after; waited 0 us; t=0.000000000 s");
	fixture_free(fx);
	s[1].completion = (uint32_t)s[1].value;		/* the unit wrote its 32 bits */
	fx = page_fixture(s, 2);
	replay_target_init(&t, fx);
	ck_assert_int_eq(flush_record_read(&t, REC_PA + 128, &info), FLUSH_RECORD_OK);
	ck_assert(flush_record_completed(flush_record_self(&info)));
	fixture_free(fx);
}
END_TEST

START_TEST(test_read_rejects)
{
	struct amdvi_flush_record s[2];
	struct flush_record_info info;
	struct target t;
	struct fixture *fx;
	char buf[64];

	slot_init(&s[0], 0, 2);
	slot_init(&s[1], 1, 2);
	s[1].magic ^= 1;			/* sibling damaged */
	fx = page_fixture(s, 2);
	fixture_add_memory(fx, TARGET_PHYSADDR, REC_PA + 0x1000, 128, NULL, TARGET_E_EXCLUDED);
	replay_target_init(&t, fx);
	ck_assert_int_eq(flush_record_read(&t, REC_PA, &info), FLUSH_RECORD_OK);
	ck_assert(info.slot_ok[0] && !info.slot_ok[1]);
	ck_assert_int_eq(flush_record_read(&t, REC_PA + 128, &info), FLUSH_RECORD_E_MAGIC);
	ck_assert_ptr_null(flush_record_self(&info));
	ck_assert_int_eq(flush_record_read(&t, REC_PA + 8, &info), FLUSH_RECORD_E_BOUNDS);
	ck_assert_int_eq(flush_record_read(&t, REC_PA + 0x1000, &info), FLUSH_RECORD_E_READ);
	ck_assert_int_eq(info.read_err, TARGET_E_EXCLUDED);
	ck_assert_int_eq(flush_record_read(&t, KERNEL_SEM_PA, &info), FLUSH_RECORD_E_READ);
	ck_assert_int_eq(flush_record_read(NULL, REC_PA, &info), FLUSH_RECORD_E_ARG);
	ck_assert_int_eq(flush_record_read(&t, REC_PA, NULL), FLUSH_RECORD_E_ARG);
	fixture_free(fx);

	slot_init(&s[0], 0, 1);
	s[0].version = 2;
	fx = page_fixture(s, 1);
	replay_target_init(&t, fx);
	ck_assert_int_eq(flush_record_read(&t, REC_PA, &info), FLUSH_RECORD_E_VERSION);
	fixture_free(fx);

	slot_init(&s[0], 0, 1);
	s[0].index = 1;				/* says slot 1, sits in slot 0 */
	fx = page_fixture(s, 1);
	replay_target_init(&t, fx);
	ck_assert_int_eq(flush_record_read(&t, REC_PA, &info), FLUSH_RECORD_E_BOUNDS);
	fixture_free(fx);

	slot_init(&s[0], 0, 40);		/* more than a page holds */
	fx = page_fixture(s, 1);
	replay_target_init(&t, fx);
	ck_assert_int_eq(flush_record_read(&t, REC_PA, &info), FLUSH_RECORD_E_BOUNDS);
	fixture_free(fx);

	ck_assert_str_eq(flush_record_strerror(FLUSH_RECORD_E_MAGIC), "no flush record at the store address");
	flush_record_flags_str(AMDVI_FLUSH_F_DISABLE | AMDVI_FLUSH_F_TIMEOUT | (1u << 30), buf, sizeof(buf));
	ck_assert_str_eq(buf, "disable,timeout,0x40000000");
	flush_record_steps_str(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-");
}
END_TEST

/* ---- the whole chain on a synthetic 6.x kernel ---- */

struct chain {
	struct ring_rig rig;
	struct amdvi_flush_record rec;
};

static int store_rec(void *ctx, uint64_t pa, uint64_t value)
{
	struct chain *c = ctx;

	if (pa != REC_PA)
		return -1;
	c->rec.completion = value;
	return 0;
}

/* Strict-mode traffic up to the tail, all retired (the lab's stock ring),
 * then the library's flush at the tail; the model runs it when rung. */
static struct chain *chain_run(uint64_t efr, bool ring_doorbell)
{
	struct chain *c = calloc(1, sizeof(*c));
	struct amdvi_flush_input in = { 0 };
	struct amdvi_flush_iter it;
	struct amdvi_cmd_model *m = calloc(1, sizeof(*m));
	uint32_t cmd[4], tail = 0x15f0, slot;
	uint64_t seq = 0x134;

	c->rig.io.last_bdf = 255;
	c->rig.io.mmio_phys = 0xfeb80000;
	c->rig.io.efr = efr;
	c->rig.io.tail = c->rig.io.head = tail;
	c->rig.io.sem_value = c->rig.io.sem_issued = seq;
	c->rig.io.dte = calloc(256, sizeof(*c->rig.io.dte));
	for (int i = 0; i < 256; i++)
		c->rig.io.dte[i][0] = 0x3;
	c->rig.io.dte[0x18][0] = 0x6000000001ec4603ull; c->rig.io.dte[0x18][1] = 3;
	c->rig.io.dte[0x20][0] = 0x6000000001ed4603ull; c->rig.io.dte[0x20][1] = 4;
	for (int i = (int)(tail / 16) - 1; i >= 0; i -= 2) {
		amdvi_cmd_build_completion_wait(c->rig.io.ring[i], KERNEL_SEM_PA, seq--, true, false, false);
		if (i > 0)
			amdvi_cmd_build_inv_iommu_pages(c->rig.io.ring[i - 1], 3, 0, 0xffe58000ull, false, true, false);
	}
	for (uint32_t i = tail / 16; i < 512; i += 2) {
		amdvi_cmd_build_inv_iommu_pages(c->rig.io.ring[i], 3, 0, 0xffe00000ull, false, true, false);
		if (i + 1 < 512)
			amdvi_cmd_build_completion_wait(c->rig.io.ring[i + 1], KERNEL_SEM_PA, 0x10 + i, true, false, false);
	}

	/* the module's part */
	slot_init(&c->rec, 0, 1);
	c->rec.tail_before = tail;
	in.dte = (const uint64_t (*)[4])c->rig.io.dte;
	in.n_dte = 256;
	in.efr = efr;
	in.store_pa = REC_PA;
	in.store_value = c->rec.value;
	ck_assert_int_eq(amdvi_cmd_model_init(m, c->rig.io.ring, 8192, CMDBUF_PA, efr, store_rec, c, NULL, 0),
			 AMDVI_OK);
	amdvi_cmd_model_set_head(m, tail);
	amdvi_cmd_model_set_tail(m, tail);
	amdvi_flush_iter_init(&it, &in);
	slot = tail / 16;
	while (amdvi_flush_iter_next(&it, cmd)) {
		memcpy(c->rig.io.ring[slot], cmd, 16);
		slot = (slot + 1) % 512;
		c->rec.n_cmds++;
	}
	c->rec.tail_after = slot * 16;
	if (ring_doorbell) {
		amdvi_cmd_model_set_tail(m, slot * 16);
		ck_assert_int_eq(amdvi_cmd_model_run(m, 0), c->rec.n_cmds);
		ck_assert_int_eq(m->illegal, 0);
	}
	free(m);

	/* the dump */
	c->rig.fx = fixture_new();
	synth_kernel(c->rig.fx, SYNTH_6X, &c->rig.io);
	fixture_add_memory(c->rig.fx, TARGET_PHYSADDR, REC_PA, sizeof(c->rec), &c->rec, TARGET_OK);
	ring_rig_analyse(&c->rig);
	return c;
}

static void chain_free(struct chain *c)
{
	ring_rig_release(&c->rig);
	free(c);
}

static void chain_check(uint64_t efr, bool doorbell, enum flush_verdict want)
{
	struct chain *c = chain_run(efr, doorbell);
	struct flush_record_info info;

	ck_assert_msg(c->rig.rep->flush.verdict == want, "verdict %s: %s",
		      flush_verdict_name(c->rig.rep->flush.verdict), c->rig.rep->flush.evidence);
	ck_assert(c->rig.rep->flush.appended);
	ck_assert_uint_eq(c->rig.rep->flush.first_offset, 0x15f0);
	ck_assert_uint_eq(c->rig.rep->flush.store_addr, REC_PA);
	ck_assert_uint_eq(c->rig.rep->flush.inv_dte, 2);
	ck_assert_uint_eq(c->rig.rep->flush.inv_all, (efr & 0x40) ? 1 : 0);
	ck_assert_uint_eq(c->rig.rep->flush.inv_domain, (efr & 0x40) ? 0 : 2);
	ck_assert_int_eq(flush_record_read(&c->rig.t, c->rig.rep->flush.store_addr, &info), FLUSH_RECORD_OK);
	ck_assert_int_eq(flush_record_completed(flush_record_self(&info)), want == FLUSH_COMPLETED);
	ck_assert_uint_eq(flush_record_self(&info)->tail_before, c->rig.rep->flush.first_offset);
	/* the engine found the record itself and reports it next to the ring */
	ck_assert(c->rig.rep->flush.has_record);
	ck_assert_ptr_nonnull(strstr(c->rig.rep->flush.record, "steps armed"));
	chain_free(c);
}

START_TEST(test_chain_completed_ia)
{
	chain_check(0x29d3, true, FLUSH_COMPLETED);
}
END_TEST

START_TEST(test_chain_completed_no_ia)
{
	chain_check(0x2993, true, FLUSH_COMPLETED);
}
END_TEST

START_TEST(test_chain_stuck)
{
	chain_check(0x29d3, false, FLUSH_QUEUED_NOT_COMPLETED);
}
END_TEST

extern Suite *analysis_flush_record_suite(void);
Suite *analysis_flush_record_suite(void)
{
	Suite *s = suite_create("analysis_flush_record");
	TCase *tc = tcase_create("record");

	tcase_add_test(tc, test_read_completed_and_siblings);
	tcase_add_test(tc, test_read_pending);
	tcase_add_test(tc, test_read_rejects);
	tcase_add_test(tc, test_read_vtd_slot);
	tcase_add_test(tc, test_chain_completed_ia);
	tcase_add_test(tc, test_chain_completed_no_ia);
	tcase_add_test(tc, test_chain_stuck);
	suite_add_tcase(s, tc);
	return s;
}
