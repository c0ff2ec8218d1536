/* Unit tests: the VT-d invalidation-queue flush verdict
 * (include/vtd/qi_verdict.h).  Rings are built by a rig that does what
 * qi_submit_sync and reclaim_free_desc do (K6.1 intel/dmar.c:1194-1200,
 * 1334-1460): descriptors then a wait QI_IWD_STATUS_DATA(QI_DONE) |
 * QI_IWD_STATUS_WRITE | QI_IWD_TYPE whose qw1 is &desc_status[wait_index]. */
#include <check.h>
#include <string.h>

#include "vtd/qi_verdict.h"

#define STATUS_PA	0x1b3c0000ULL
#define WAIT_QW0	0x0000000200000025ULL

struct rig {
	uint8_t ring[256 * 32];
	int32_t st[256];
	unsigned int size;		/* descriptor size */
	int head, tail, cnt;
};

static void rig_init(struct rig *r, unsigned int size)
{
	memset(r, 0, sizeof(*r));
	r->size = size;
	r->cnt = 256;
}

static void put(struct rig *r, unsigned int slot, uint64_t qw0, uint64_t qw1)
{
	uint8_t *p = r->ring + (size_t)(slot % 256) * r->size;
	int i;

	memset(p, 0, r->size);
	for (i = 0; i < 8; i++) {
		p[i] = (uint8_t)(qw0 >> (8 * i));
		p[8 + i] = (uint8_t)(qw1 >> (8 * i));
	}
}

/* qi_submit_sync up to the IQT write: count IOTLB descriptors (did 3,
 * page-selective) and the wait; returns the wait's slot. */
static int submit(struct rig *r, unsigned int count)
{
	int index = r->head, wait_index = (index + (int)count) % 256;
	unsigned int i;

	ck_assert_int_ge(r->cnt, (int)count + 2);
	for (i = 0; i < count; i++) {
		put(r, (unsigned int)(index + (int)i) % 256, 0x300f2ULL, 0xffe58000ULL + 0x1000 * i);
		r->st[(index + (int)i) % 256] = VTD_QI_IN_USE;
	}
	r->st[wait_index] = VTD_QI_IN_USE;
	put(r, (unsigned int)wait_index, WAIT_QW0, STATUS_PA + 4ULL * (unsigned int)wait_index);
	r->head = (r->head + (int)count + 1) % 256;
	r->cnt -= (int)count + 1;
	return wait_index;
}

/* The hardware's status write. */
static void hw_done(struct rig *r, int wait_index)
{
	r->st[wait_index] = VTD_QI_DONE;
}

/* The submitter after seeing QI_DONE: slots index..index+count FREE, then
 * reclaim_free_desc. */
static void reap(struct rig *r, int index, unsigned int count)
{
	unsigned int i;

	for (i = 0; i <= count; i++)
		r->st[(index + (int)i) % 256] = VTD_QI_FREE;
	while (r->st[r->tail] == VTD_QI_FREE && r->tail != r->head) {
		r->tail = (r->tail + 1) % 256;
		r->cnt++;
	}
}

static struct vtd_qi_flush_verdict verdict(const struct rig *r)
{
	struct vtd_qi_snapshot s = {
		.ring = r->ring, .ring_len = sizeof(r->ring), .desc_status = r->st,
		.free_head = r->head, .free_tail = r->tail, .free_cnt = r->cnt,
		.desc_size = r->size, .status_pa = STATUS_PA,
	};
	struct vtd_qi_flush_verdict v;

	ck_assert_int_eq(vtd_qi_flush_verdict(&s, &v), VTD_OK);
	return v;
}

START_TEST(idle)
{
	static struct rig r;
	struct vtd_qi_flush_verdict v;
	char buf[256];

	rig_init(&r, 16);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_IDLE);
	ck_assert_int_eq(v.wait_slot, -1);
	ck_assert(v.counters_ok);
	ck_assert_uint_eq(v.n_pending, 0);
	ck_assert_uint_eq(v.notes, 0);
	vtd_qi_flush_verdict_format(&v, buf, sizeof(buf));
	ck_assert_str_eq(buf, "idle: never used: indices 0, ring and desc_status all zero");
	ck_assert_str_eq(vtd_qi_verdict_name(v.verdict), "idle");
}
END_TEST

START_TEST(completed_free)
{
	static struct rig r;
	struct vtd_qi_flush_verdict v;
	char buf[256];
	int w;

	rig_init(&r, 16);
	w = submit(&r, 1);
	hw_done(&r, w);
	reap(&r, 0, 1);
	ck_assert_int_eq(r.head, 2);
	ck_assert_int_eq(r.tail, 2);
	ck_assert_int_eq(r.cnt, 256);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_COMPLETED);
	ck_assert_int_eq(v.wait_slot, 1);
	ck_assert_int_eq(v.wait_status, VTD_QI_FREE);
	ck_assert(v.wait_ok && v.counters_ok);
	ck_assert_uint_eq(v.wait.type, VTD_QI_IWD);
	ck_assert_uint_eq(v.used, 0);
	ck_assert_uint_eq(v.n_pending, 0);
	ck_assert_uint_eq(v.notes, 0);
	vtd_qi_flush_verdict_format(&v, buf, sizeof(buf));
	ck_assert_str_eq(buf, "completed: the wait at slot 1 completed and its submitter "
			      "reclaimed the slots (free); 0 pending slots (0 waits)");
}
END_TEST

/* Stopped in the poll loop after the hardware stored QI_DONE. */
START_TEST(completed_done)
{
	static struct rig r;
	struct vtd_qi_flush_verdict v;
	int w;

	rig_init(&r, 16);
	w = submit(&r, 1);
	hw_done(&r, w);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_COMPLETED);
	ck_assert_int_eq(v.wait_status, VTD_QI_DONE);
	ck_assert_uint_eq(v.used, 2);
	ck_assert_uint_eq(v.n_pending, 2);
	ck_assert_uint_eq(v.pending[0], 0);
	ck_assert_uint_eq(v.pending[1], 1);
	ck_assert_uint_eq(v.n_pending_waits, 1);
	ck_assert_uint_eq(v.notes, 0);
	ck_assert(strstr(v.reason, "(done)"));
}
END_TEST

START_TEST(queued_not_completed)
{
	static struct rig r;
	struct vtd_qi_flush_verdict v;
	char buf[256];
	int w;

	rig_init(&r, 16);
	w = submit(&r, 1);		/* an earlier flush, completed */
	hw_done(&r, w);
	reap(&r, 0, 1);
	w = submit(&r, 1);		/* the one in flight at the panic */
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_QUEUED);
	ck_assert_int_eq(v.wait_slot, 3);
	ck_assert_int_eq(w, 3);
	ck_assert_int_eq(v.wait_status, VTD_QI_IN_USE);
	ck_assert_uint_eq(v.n_pending, 2);
	ck_assert_uint_eq(v.pending[0], 2);
	ck_assert_uint_eq(v.pending[1], 3);
	vtd_qi_flush_verdict_format(&v, buf, sizeof(buf));
	ck_assert_str_eq(buf, "queued-not-completed: the wait at slot 3 is still in-use: queued, "
			      "its status write not seen; 2 pending slots (1 wait)");
}
END_TEST

/* qi_check_fault on ITE: QI_IN_USE slots become QI_ABORT. */
START_TEST(aborted)
{
	static struct rig r;
	struct vtd_qi_flush_verdict v;

	rig_init(&r, 16);
	submit(&r, 1);
	r.st[0] = VTD_QI_ABORT;
	r.st[1] = VTD_QI_ABORT;
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_ABORTED);
	ck_assert_int_eq(v.wait_status, VTD_QI_ABORT);
	ck_assert_uint_eq(v.n_pending, 2);
	ck_assert_str_eq(vtd_qi_verdict_name(v.verdict), "aborted");
}
END_TEST

START_TEST(wrong_wait)
{
	static struct rig r;
	struct vtd_qi_flush_verdict v;

	/* status address of the next slot */
	rig_init(&r, 16);
	submit(&r, 1);
	put(&r, 1, WAIT_QW0, STATUS_PA + 8);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_UNKNOWN);
	ck_assert(!v.wait_ok);
	ck_assert_str_eq(v.reason, "the wait at slot 1 writes desc_status[2], not desc_status[1]");
	ck_assert(v.notes & VTD_QI_NOTE_WAIT_COPY);

	/* an address outside this desc_status (another unit's, or junk) */
	put(&r, 1, WAIT_QW0, 0x7777000ULL);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_UNKNOWN);
	ck_assert_str_eq(v.reason, "the wait at slot 1 writes to 0x7777000, not desc_status[1] "
				   "at 0x1b3c0004");

	/* no status write */
	put(&r, 1, 0x0000000200000045ULL, STATUS_PA + 4);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_UNKNOWN);
	ck_assert_str_eq(v.reason, "the wait at slot 1 has no status write");

	/* status data other than QI_DONE */
	put(&r, 1, 0x0000000300000025ULL, STATUS_PA + 4);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_UNKNOWN);
	ck_assert_str_eq(v.reason, "the wait at slot 1 stores 3, not QI_DONE");

	/* not a wait at all */
	put(&r, 1, 0x300f2ULL, 0xffe58000ULL);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_UNKNOWN);
	ck_assert_str_eq(v.reason, "slot 1 (free_head - 1) holds IOTLB_INV, not an invalidation "
				   "wait");
	ck_assert_int_eq(v.wait_slot, 1);

	/* a status value no kernel writes */
	put(&r, 1, WAIT_QW0, STATUS_PA + 4);
	r.st[1] = 7;
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_UNKNOWN);
	ck_assert_str_eq(v.reason, "desc_status[1] is 7, not a QI_* value");
	ck_assert(v.notes & VTD_QI_NOTE_BAD_STATUS_VALUE);
}
END_TEST

START_TEST(inconsistent_counters)
{
	static struct rig r;
	struct vtd_qi_flush_verdict v;

	rig_init(&r, 16);
	submit(&r, 1);
	r.cnt++;			/* stopped between free_head and free_cnt updates */
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_UNKNOWN);
	ck_assert(!v.counters_ok);
	ck_assert_str_eq(v.reason, "free_cnt 255 disagrees with free_head 2 and free_tail 0 "
				   "(expected 254)");
	ck_assert_int_eq(v.wait_slot, 1);	/* still reported */
	ck_assert_uint_eq(v.n_pending, 2);

	r.cnt--;
	r.head = 256;
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_UNKNOWN);
	ck_assert_int_eq(v.wait_slot, -1);
	ck_assert_str_eq(v.reason, "free_head 256 is not a slot (0-255)");
	r.head = 2;
	r.tail = -1;
	v = verdict(&r);
	ck_assert_str_eq(v.reason, "free_tail -1 is not a slot (0-255)");
}
END_TEST

/* The same queue with 256-bit descriptors (ECAP.SMTS); read with the
 * wrong size it is not understood. */
START_TEST(descriptor_sizes)
{
	static struct rig r;
	struct vtd_qi_snapshot s;
	struct vtd_qi_flush_verdict v;

	rig_init(&r, 32);
	submit(&r, 3);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_QUEUED);
	ck_assert_int_eq(v.wait_slot, 3);
	ck_assert_uint_eq(v.n_pending, 4);

	r.size = 16;			/* same bytes, 128-bit stride: slot 3 is */
	v = verdict(&r);		/* the upper half of 256-bit slot 1 */
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_UNKNOWN);
	ck_assert_str_eq(v.reason, "slot 3 (free_head - 1) holds UNKNOWN, not an invalidation "
				   "wait");

	memset(&s, 0, sizeof(s));
	s.ring = r.ring;
	s.ring_len = 256 * 16;
	s.desc_status = r.st;
	s.desc_size = 32;
	ck_assert_int_eq(vtd_qi_flush_verdict(&s, &v), VTD_ERR_SIZE);	/* copy too short */
	s.ring_len = sizeof(r.ring);
	s.desc_size = 24;
	ck_assert_int_eq(vtd_qi_flush_verdict(&s, &v), VTD_ERR_SIZE);
	s.desc_size = 16;
	s.desc_status = NULL;
	ck_assert_int_eq(vtd_qi_flush_verdict(&s, &v), VTD_ERR_ARG);
	ck_assert_int_eq(vtd_qi_flush_verdict(NULL, &v), VTD_ERR_ARG);
}
END_TEST

/* free_head wraps to 0: the last wait is slot 255. */
START_TEST(wrap_around)
{
	static struct rig r;
	struct vtd_qi_flush_verdict v;
	int w;

	rig_init(&r, 16);
	r.head = r.tail = 254;		/* after 127 completed single flushes */
	put(&r, 252, 0x300f2ULL, 0);
	put(&r, 253, WAIT_QW0, STATUS_PA + 4 * 253);
	w = submit(&r, 1);
	ck_assert_int_eq(w, 255);
	ck_assert_int_eq(r.head, 0);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_QUEUED);
	ck_assert_int_eq(v.wait_slot, 255);
	ck_assert_uint_eq(v.n_pending, 2);
	ck_assert_uint_eq(v.pending[0], 254);
	ck_assert_uint_eq(v.pending[1], 255);

	hw_done(&r, w);
	reap(&r, 254, 1);
	ck_assert_int_eq(r.tail, 0);
	v = verdict(&r);		/* head = tail = 0 but not idle */
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_COMPLETED);
	ck_assert_int_eq(v.wait_slot, 255);

	/* a batch straddling the end: 254, 255, then the wait in slot 0 */
	rig_init(&r, 32);
	r.head = r.tail = 254;
	w = submit(&r, 2);
	ck_assert_int_eq(w, 0);
	ck_assert_int_eq(r.head, 1);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_QUEUED);
	ck_assert_int_eq(v.wait_slot, 0);
	ck_assert_uint_eq(v.used, 3);
	ck_assert_uint_eq(v.n_pending, 3);
	ck_assert_uint_eq(v.pending[0], 254);
	ck_assert_uint_eq(v.pending[2], 0);
}
END_TEST

/* Two CPUs: a 16-descriptor batch (6.12 qi_batch) then a single flush
 * while the first submitter polls. */
START_TEST(several_batches)
{
	static struct rig r;
	struct vtd_qi_flush_verdict v;
	int w1, w2;

	rig_init(&r, 32);
	w1 = submit(&r, 16);
	w2 = submit(&r, 1);
	ck_assert_int_eq(w1, 16);
	ck_assert_int_eq(w2, 18);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_QUEUED);
	ck_assert_uint_eq(v.n_pending, 19);
	ck_assert_uint_eq(v.n_pending_waits, 2);
	ck_assert_uint_eq(v.notes, 0);

	/* the hardware finished the first batch only */
	hw_done(&r, w1);
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_QUEUED);
	ck_assert_uint_eq(v.notes, 0);

	/* both done; the second submitter reaped its slots, the first not yet */
	hw_done(&r, w2);
	reap(&r, 17, 1);
	ck_assert_int_eq(r.tail, 0);	/* reclaim stops at the first batch */
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_COMPLETED);
	ck_assert_int_eq(v.wait_status, VTD_QI_FREE);
	ck_assert_uint_eq(v.n_pending, 17);
	ck_assert_uint_eq(v.pending[16], 16);
	ck_assert_uint_eq(v.n_pending_waits, 1);
	ck_assert_uint_eq(v.notes, 0);

	/* out of order: the newer wait done, the older still in use */
	r.st[w1] = VTD_QI_IN_USE;
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_COMPLETED);
	ck_assert(v.notes & VTD_QI_NOTE_OLDER_WAIT_PENDING);
}
END_TEST

/* After an IQE, qi_check_fault copies the wait over the batch's first
 * descriptor; a stale busy status outside the window is noted. */
START_TEST(notes)
{
	static struct rig r;
	struct vtd_qi_flush_verdict v;
	char buf[320];
	int w;

	rig_init(&r, 16);
	w = submit(&r, 2);
	put(&r, 0, WAIT_QW0, STATUS_PA + 4ULL * (unsigned int)w);
	r.st[200] = VTD_QI_IN_USE;
	v = verdict(&r);
	ck_assert_int_eq(v.verdict, VTD_QI_VERDICT_QUEUED);
	ck_assert_uint_eq(v.notes, VTD_QI_NOTE_WAIT_COPY | VTD_QI_NOTE_BUSY_OUTSIDE);
	ck_assert_uint_eq(v.n_pending, 3);
	ck_assert_uint_eq(v.n_pending_waits, 1);	/* the copy is not its own wait */
	vtd_qi_flush_verdict_format(&v, buf, sizeof(buf));
	ck_assert_str_eq(buf, "queued-not-completed: the wait at slot 2 is still in-use: queued, "
			      "its status write not seen; 3 pending slots (1 wait); busy status "
			      "outside free_tail..free_head; a wait names another slot's status "
			      "(queue-error copy?)");
}
END_TEST

extern Suite *vtd_qi_verdict_suite(void);
Suite *vtd_qi_verdict_suite(void)
{
	Suite *s = suite_create("vtd_qi_verdict");
	TCase *tc = tcase_create("verdict");

	tcase_add_test(tc, idle);
	tcase_add_test(tc, completed_free);
	tcase_add_test(tc, completed_done);
	tcase_add_test(tc, queued_not_completed);
	tcase_add_test(tc, aborted);
	tcase_add_test(tc, wrong_wait);
	tcase_add_test(tc, inconsistent_counters);
	tcase_add_test(tc, descriptor_sizes);
	tcase_add_test(tc, wrap_around);
	tcase_add_test(tc, several_batches);
	tcase_add_test(tc, notes);
	suite_add_tcase(s, tc);
	return s;
}
