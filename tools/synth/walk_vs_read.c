/*
 * walk-vs-read: the I/O page-table walk against merely reading the same
 * page-table pages through the same dump reader, side by side in one run.
 *
 *   walk-vs-read VMLINUX VMCORE [ROUNDS]
 *
 * The dump is opened once with the standalone reader (libkdumpfile +
 * libdw); the domains come from the engine (analysis_run without walks).
 * For every v1 domain, each round times
 *   read: every table the walk reads, in the walk's order, 4 KiB each through
 *         target_read(TARGET_PHYSADDR) (upper levels decoded only to find
 *         the next tables; the 4 KiB PTE tables are only read), and
 *   walk: iopt_walk_v1 (decode every entry, merge extents, cycle checks)
 *         with a callback that counts extents.
 * The best of ROUNDS (default 3) of each is printed, with the ratio
 * walk speed / read speed (= read time / walk time).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amdvi/pgtable.h"
#include "core/analysis.h"
#include "backend/amdvi/walk.h"
#include "dump/dump.h"
#include "dump/vmlinux.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct reader {
	const struct target *t;
	uint64_t tables, failed, limit;
	uint64_t sum;		/* so the reads cannot be optimised away */
};

static void read_tables(struct reader *r, uint64_t pa, unsigned level)
{
	uint64_t tbl[512];

	if (r->tables >= r->limit)
		return;
	r->tables++;
	if (target_read(r->t, TARGET_PHYSADDR, pa, tbl, sizeof(tbl)) != TARGET_OK) {
		r->failed++;
		return;
	}
	r->sum += tbl[0];
	if (level == 0)
		return;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t pte = tbl[i];
		unsigned nl = (unsigned)((pte >> 9) & 7);

		if ((pte & 1) && nl >= 1 && nl <= 6)
			read_tables(r, pte & AMDVI_PTE_ADDR_MASK, level - 1);
	}
}

static int count_extent(const struct iopt_extent *e, void *arg)
{
	(void)e;
	++*(uint64_t *)arg;
	return 0;
}

int main(int argc, char **argv)
{
	char err[512];
	struct dump *d;
	struct vmlinux *vm;
	struct target t;
	struct analysis_options opt;
	struct analysis *a;
	int rounds = argc > 3 ? atoi(argv[3]) : 3;
	double tot_read = 0, tot_walk = 0;
	uint64_t tot_tables = 0, tot_leaves = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: walk-vs-read VMLINUX VMCORE [ROUNDS]\n");
		return 2;
	}
	if (rounds < 1)
		rounds = 1;
	d = dump_open(argv[2], NULL, err, sizeof(err));
	if (!d) {
		fprintf(stderr, "walk-vs-read: %s\n", err);
		return 1;
	}
	vm = vmlinux_open(argv[1], err, sizeof(err));
	if (!vm || dump_attach_vmlinux(d, vm, err, sizeof(err))) {
		fprintf(stderr, "walk-vs-read: %s\n", err);
		return 1;
	}
	vmlinux_type_hint(vm, "drivers/iommu/amd/");
	dump_target_init(&t, d);
	analysis_options_init(&opt);
	opt.no_walk = true;
	a = analysis_run(&t, &opt);
	if (!a)
		return 1;
	printf("%-8s %-7s %5s %10s %12s %10s %10s %10s %8s\n", "segment", "domain", "mode", "tables",
	       "leaves", "read s", "walk s", "MB/s walk", "walk/read");
	for (size_t i = 0; i < a->n_doms; i++) {
		const struct domain_info *dom = &a->doms[i];
		double best_read = 1e9, best_walk = 1e9;
		struct iopt_walk_stats st = { 0 };
		struct reader r = { 0 };

		if (dom->v2 || dom->vendor != IOMMU_VENDOR_AMD)
			continue;	/* the v1 walk against plain reads of its tables */
		for (int k = 0; k < rounds + 1; k++) {	/* round 0 warms the page cache */
			struct iopt_walk_params p = { .domain = dom->domid, .root_pa = dom->root, .mode = dom->mode };
			struct problems pb;
			uint64_t n = 0;
			double t0, t1, t2;

			r = (struct reader){ .t = &t, .limit = 1ull << 24 };
			t0 = now();
			read_tables(&r, dom->root, dom->mode - 1);
			t1 = now();
			problems_init(&pb);
			iopt_walk_v1(&t, &p, count_extent, &n, &st, &pb);
			t2 = now();
			problems_free(&pb);
			if (k == 0)
				continue;
			if (t1 - t0 < best_read)
				best_read = t1 - t0;
			if (t2 - t1 < best_walk)
				best_walk = t2 - t1;
		}
		if (r.tables != st.tables)
			fprintf(stderr, "walk-vs-read: domain %u: read %llu tables, the walk %llu\n", dom->domid,
				(unsigned long long)r.tables, (unsigned long long)st.tables);
		printf("%-8u %-7u %5u %10llu %12llu %10.3f %10.3f %10.0f %8.2f\n", dom->segment, dom->domid,
		       dom->mode, (unsigned long long)st.tables, (unsigned long long)st.leaves, best_read, best_walk,
		       st.tables * 4096.0 / 1e6 / best_walk, best_read / best_walk);
		tot_read += best_read;
		tot_walk += best_walk;
		tot_tables += st.tables;
		tot_leaves += st.leaves;
	}
	printf("%-8s %-7s %5s %10llu %12llu %10.3f %10.3f %10.0f %8.2f\n", "all", "", "",
	       (unsigned long long)tot_tables, (unsigned long long)tot_leaves, tot_read, tot_walk,
	       tot_tables * 4096.0 / 1e6 / (tot_walk > 0 ? tot_walk : 1), tot_walk > 0 ? tot_read / tot_walk : 0);
	printf("walk speed / read speed: %.2f (target >= 0.50); best of %d rounds after a warm-up\n",
	       tot_walk > 0 ? tot_read / tot_walk : 0, rounds);
	analysis_free(a);
	dump_close(d);
	vmlinux_close(vm);
	return 0;
}
