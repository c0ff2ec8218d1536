/* The v1 I/O page-table walk: real-shaped tables built with the format
 * library's encoders in a replay fixture. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "amdvi/pgtable.h"
#include "backend/amdvi/walk.h"
#include "target/fixture.h"

#define ROOT	0x1ec4000ull	/* level 2 (mode 3) */
#define L1	0x2a59000ull
#define L0	0x2a58000ull
#define L0B	0x2a57000ull

struct collected {
	struct iopt_extent ext[64];
	int n;
	int stop_after;
};

static int collect(const struct iopt_extent *e, void *arg)
{
	struct collected *c = arg;

	if (c->n < 64)
		c->ext[c->n++] = *e;
	return c->stop_after && c->n >= c->stop_after;
}

struct tables {
	uint64_t root[512], l1[512], l0[512], l0b[512];
};

/* IOVA 0xffe59000 -> PA 0x2b37000 (write only), as in the 6.1 lab dump,
 * plus 0xffe5a000 -> 0x2b38000 (merges with it), 0xffe5c000 -> 0x3000000
 * (read+write, separate), and a 2 MiB page at IOVA 0xffc00000. */
static void build(struct tables *tb)
{
	memset(tb, 0, sizeof(*tb));
	tb->root[amdvi_pt_level_index(0xffe59000ull, 2)] = amdvi_pte_build_pde(L1, 2);
	tb->l1[amdvi_pt_level_index(0xffe59000ull, 1)] = amdvi_pte_build_pde(L0, 1);
	tb->l0[amdvi_pt_level_index(0xffe59000ull, 0)] = 0x5000000002b37001ull;
	tb->l0[amdvi_pt_level_index(0xffe5a000ull, 0)] = amdvi_pte_build_leaf(0x2b38000ull, false, true);
	tb->l0[amdvi_pt_level_index(0xffe5c000ull, 0)] = amdvi_pte_build_leaf(0x3000000ull, true, true);
	/* NL=0 at level 1: a default-size (2 MiB) large page */
	tb->l1[amdvi_pt_level_index(0xffc00000ull, 1)] = amdvi_pte_build_leaf(0x40000000ull, true, false);
}

static struct fixture *load(const struct tables *tb)
{
	struct fixture *fx = fixture_new();

	fixture_add_memory(fx, TARGET_PHYSADDR, ROOT, 4096, tb->root, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, L1, 4096, tb->l1, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, L0, 4096, tb->l0, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, L0B, 4096, tb->l0b, TARGET_OK);
	return fx;
}

static void walk(struct fixture *fx, struct collected *c, struct iopt_walk_stats *st,
		 struct problems *pb)
{
	struct target t;
	struct iopt_walk_params p = { .domain = 3, .root_pa = ROOT, .mode = 3 };

	replay_target_init(&t, fx);
	problems_init(pb);
	iopt_walk_v1(&t, &p, collect, c, st, pb);
}

START_TEST(test_walk_merges_and_large_pages)
{
	struct tables tb;
	struct collected c = { 0 };
	struct iopt_walk_stats st;
	struct problems pb;

	build(&tb);
	struct fixture *fx = load(&tb);

	walk(fx, &c, &st, &pb);
	ck_assert_int_eq(c.n, 3);
	/* the 2 MiB page first (lower IOVA) */
	ck_assert_uint_eq(c.ext[0].iova, 0xffc00000ull);
	ck_assert_uint_eq(c.ext[0].size, 2ull << 20);
	ck_assert_uint_eq(c.ext[0].pa, 0x40000000ull);
	ck_assert(c.ext[0].read && !c.ext[0].write);
	/* two contiguous write-only pages merged */
	ck_assert_uint_eq(c.ext[1].iova, 0xffe59000ull);
	ck_assert_uint_eq(c.ext[1].pa, 0x2b37000ull);
	ck_assert_uint_eq(c.ext[1].size, 0x2000);
	ck_assert(!c.ext[1].read && c.ext[1].write);
	ck_assert_uint_eq(c.ext[1].domain, 3);
	ck_assert_uint_eq(c.ext[2].iova, 0xffe5c000ull);
	ck_assert(c.ext[2].read && c.ext[2].write);
	ck_assert_uint_eq(st.tables, 3);
	ck_assert_uint_eq(st.leaves, 4);
	ck_assert_uint_eq(st.extents, 3);
	ck_assert_uint_eq(st.mapped_bytes, (2ull << 20) + 3 * 4096);
	ck_assert_uint_eq(st.writable_bytes, 3 * 4096);
	ck_assert_uint_eq(pb.n, 0);
	problems_free(&pb);
	fixture_free(fx);
}
END_TEST

START_TEST(test_walk_cycle_is_cut)
{
	struct tables tb;
	struct collected c = { 0 };
	struct iopt_walk_stats st;
	struct problems pb;

	build(&tb);
	/* a level-1 entry pointing back at the level-1 table itself */
	tb.l1[5] = amdvi_pte_build_pde(L1, 1);
	struct fixture *fx = load(&tb);

	walk(fx, &c, &st, &pb);
	ck_assert_int_eq(c.n, 3);
	ck_assert_uint_eq(st.revisits, 1);
	ck_assert_uint_eq(pb.n, 1);
	ck_assert_int_eq(pb.list[0].kind, PROBLEM_CORRUPT);
	problems_free(&pb);
	fixture_free(fx);
}
END_TEST

START_TEST(test_walk_excluded_table_and_level_skip)
{
	struct tables tb;
	struct collected c = { 0 };
	struct iopt_walk_stats st;
	struct problems pb;

	build(&tb);
	tb.l1[7] = amdvi_pte_build_pde(0x7000000ull, 1);	/* table page excluded from the dump */
	tb.root[10] = amdvi_pte_build_pde(L0B, 1);		/* skips a level: NL 1 at level 2 */
	tb.root[11] = amdvi_pte_build_pde(1ull << 51, 2);	/* beyond the PA limit below */
	struct fixture *fx = load(&tb);

	fixture_add_memory(fx, TARGET_PHYSADDR, 0x7000000ull, 4096, NULL, TARGET_E_EXCLUDED);
	struct target t;
	struct iopt_walk_params p = { .domain = 3, .root_pa = ROOT, .mode = 3, .pa_limit = 1ull << 40 };

	replay_target_init(&t, fx);
	problems_init(&pb);
	iopt_walk_v1(&t, &p, collect, &c, &st, &pb);
	ck_assert_int_eq(c.n, 3);		/* the good mappings all survive */
	ck_assert_uint_eq(st.unreadable_tables, 1);
	ck_assert_uint_eq(st.bad_entries, 2);
	ck_assert_uint_eq(pb.excluded_reads, 1);
	ck_assert_uint_eq(pb.n, 3);
	problems_free(&pb);
	fixture_free(fx);
}
END_TEST

START_TEST(test_walk_callback_stops)
{
	struct tables tb;
	struct collected c = { .stop_after = 1 };
	struct iopt_walk_stats st;
	struct problems pb;

	build(&tb);
	struct fixture *fx = load(&tb);

	walk(fx, &c, &st, &pb);
	ck_assert_int_eq(c.n, 1);
	ck_assert(st.stopped);
	problems_free(&pb);
	fixture_free(fx);
}
END_TEST

START_TEST(test_walk_bad_mode)
{
	struct fixture *fx = fixture_new();
	struct target t;
	struct iopt_walk_params p = { .domain = 9, .root_pa = ROOT, .mode = 7 };
	struct iopt_walk_stats st;
	struct problems pb;

	replay_target_init(&t, fx);
	problems_init(&pb);
	ck_assert_int_eq(iopt_walk_v1(&t, &p, NULL, NULL, &st, &pb), -1);
	ck_assert_uint_eq(pb.n, 1);
	problems_free(&pb);
	fixture_free(fx);
}
END_TEST

/* Long runs of contiguous pages (the walker's fast path) break exactly where
 * the permissions change, a page is missing, or the physical run jumps. */
START_TEST(test_walk_long_runs)
{
	static uint64_t root[512], l1[512], l0[512];
	struct fixture *fx = fixture_new();
	struct collected c = { 0 };
	struct iopt_walk_stats st;
	struct problems pb;

	memset(root, 0, sizeof(root));
	memset(l1, 0, sizeof(l1));
	root[0] = amdvi_pte_build_pde(L1, 2);
	l1[0] = amdvi_pte_build_pde(L0, 1);
	for (unsigned i = 0; i < 512; i++)
		l0[i] = amdvi_pte_build_leaf(0x10000000ull + i * 4096ull, true, i < 300 || i >= 310);
	l0[400] = 0;					/* a hole */
	l0[450] = amdvi_pte_build_leaf(0x20000000ull, true, true);	/* a physical jump */
	fixture_add_memory(fx, TARGET_PHYSADDR, ROOT, 4096, root, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, L1, 4096, l1, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, L0, 4096, l0, TARGET_OK);
	walk(fx, &c, &st, &pb);
	ck_assert_int_eq(c.n, 6);
	ck_assert_uint_eq(c.ext[0].iova, 0);
	ck_assert_uint_eq(c.ext[0].size, 300 * 4096);
	ck_assert(c.ext[0].write);
	ck_assert_uint_eq(c.ext[1].iova, 300 * 4096);
	ck_assert_uint_eq(c.ext[1].size, 10 * 4096);
	ck_assert(!c.ext[1].write);
	ck_assert_uint_eq(c.ext[2].iova, 310 * 4096);
	ck_assert_uint_eq(c.ext[2].size, 90 * 4096);
	ck_assert_uint_eq(c.ext[3].iova, 401 * 4096);
	ck_assert_uint_eq(c.ext[3].size, 49 * 4096);
	ck_assert_uint_eq(c.ext[4].pa, 0x20000000ull);
	ck_assert_uint_eq(c.ext[4].size, 4096);
	ck_assert_uint_eq(c.ext[5].iova, 451 * 4096);
	ck_assert_uint_eq(c.ext[5].size, 61 * 4096);
	ck_assert_uint_eq(st.leaves, 511);
	ck_assert_uint_eq(st.mapped_bytes, 511 * 4096ull);
	ck_assert_uint_eq(st.writable_bytes, 501 * 4096ull);
	problems_free(&pb);
	fixture_free(fx);
}
END_TEST

/* v2: a GCR3 table (GLX 0) with PASIDs 0 and 3, x86-64 4-level tables. */
static uint64_t v2e(uint64_t pa, bool rw, bool ps)
{
	struct amdvi_pte_v2 e = { .p = true, .rw = rw, .us = true, .ps = ps, .addr = pa };

	return amdvi_pte_v2_encode(&e);
}

START_TEST(test_walk_v2_gcr3)
{
	static uint64_t gcr3[512], pml4[512], pdpt[512], pd[512], pt[512], pml4b[512];
	struct fixture *fx = fixture_new();
	struct target t;
	struct collected c = { 0 };
	struct iopt_walk_stats st;
	struct problems pb;
	struct iopt_walk_v2_params p = { .domain = 7, .gcr3_root = 0x100000, .glx = 0, .levels = 4 };

	memset(gcr3, 0, sizeof(gcr3));
	memset(pml4, 0, sizeof(pml4));
	memset(pdpt, 0, sizeof(pdpt));
	memset(pd, 0, sizeof(pd));
	memset(pt, 0, sizeof(pt));
	memset(pml4b, 0, sizeof(pml4b));
	gcr3[0] = amdvi_gcr3_encode(0x101000, true);
	gcr3[3] = amdvi_gcr3_encode(0x106000, true);
	gcr3[4] = amdvi_gcr3_encode(0x107000, false);		/* not valid: skipped */
	pml4[0] = v2e(0x102000, true, false);
	pdpt[0] = v2e(0x103000, true, false);
	pd[0] = v2e(0x104000, true, false);
	pd[1] = v2e(0x40000000, false, true);			/* 2 MiB at IOVA 0x200000, read-only */
	pt[1] = v2e(0x5000, true, false);			/* 4 KiB at IOVA 0x1000 */
	pml4b[0] = v2e(0x102000, true, false);			/* PASID 3 shares the lower tables */
	fixture_add_memory(fx, TARGET_PHYSADDR, 0x100000, 4096, gcr3, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, 0x101000, 4096, pml4, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, 0x102000, 4096, pdpt, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, 0x103000, 4096, pd, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, 0x104000, 4096, pt, TARGET_OK);
	fixture_add_memory(fx, TARGET_PHYSADDR, 0x106000, 4096, pml4b, TARGET_OK);
	replay_target_init(&t, fx);
	problems_init(&pb);
	ck_assert_int_eq(iopt_walk_v2(&t, &p, collect, &c, &st, &pb), 0);
	ck_assert_int_eq(c.n, 2);
	ck_assert(c.ext[0].v2);
	ck_assert_uint_eq(c.ext[0].pasid, 0);
	ck_assert_uint_eq(c.ext[0].iova, 0x1000);
	ck_assert_uint_eq(c.ext[0].pa, 0x5000);
	ck_assert(c.ext[0].write);
	ck_assert_uint_eq(c.ext[1].iova, 0x200000);
	ck_assert_uint_eq(c.ext[1].size, 2u << 20);
	ck_assert(!c.ext[1].write);
	/* PASID 3 reaches tables already walked: reported as revisits, not walked twice */
	ck_assert_uint_eq(st.revisits, 1);
	problems_free(&pb);

	/* an unsupported GLX is refused with a problem */
	p.glx = 3;
	problems_init(&pb);
	ck_assert_int_eq(iopt_walk_v2(&t, &p, collect, &c, &st, &pb), -1);
	ck_assert_uint_eq(pb.n, 1);
	problems_free(&pb);
	fixture_free(fx);
}
END_TEST

Suite *analysis_iopt_walk_suite(void)
{
	Suite *s = suite_create("analysis_iopt_walk");
	TCase *tc = tcase_create("walk");

	tcase_add_test(tc, test_walk_merges_and_large_pages);
	tcase_add_test(tc, test_walk_cycle_is_cut);
	tcase_add_test(tc, test_walk_excluded_table_and_level_skip);
	tcase_add_test(tc, test_walk_callback_stops);
	tcase_add_test(tc, test_walk_bad_mode);
	tcase_add_test(tc, test_walk_v2_gcr3);
	tcase_add_test(tc, test_walk_long_runs);
	suite_add_tcase(s, tc);
	return s;
}
