/* Lazy mode's flush queues (src/core/flush_queues.c) on the synthetic
 * kernel of run_kernel.h, in the layouts of 7.x (per-CPU queues with a
 * mod_mask, iommu_pages_list freelists, iommu_domain.cookie_type) and 6.1
 * (a fixed 256-entry array, list_head freelists, the cookie's own type
 * tag), and damaged. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/analysis.h"
#include "core/passes.h"
#include "report/report.h"
#include "run_kernel.h"

#define SYM		0xffffffff82000800ull	/* nr_cpu_ids and friends */
#define COOKIE_KV	0xffff888000800000ull
#define PERCPU_FQ	0x0000000000030000ull	/* a per-CPU pointer: + __per_cpu_offset[cpu] */
#define PCPU0		0xffff888000900000ull
#define PCPU1		0xffff888000a00000ull
#define VMEMMAP		0xffffea0000000000ull
#define FREED_TABLE	0x3000000ull		/* a page-table page on a freelist */

static void m(struct fixture *fx, const char *s, const char *mem, long off, long size, const char *type)
{
	struct target_member tm = { .offset = off, .size = size };

	snprintf(tm.type_name, sizeof(tm.type_name), "%s", type);
	fixture_add_member(fx, s, mem, TARGET_OK, &tm);
}

static void put64(uint8_t *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}

/* nr_cpu_ids 2, both possible, their per-CPU offsets; vmemmap, jiffies. */
static void add_cpus(struct fixture *fx)
{
	uint64_t n = 2, mask = 3, offs[2] = { PCPU0 - PERCPU_FQ, PCPU1 - PERCPU_FQ };
	uint64_t vm = VMEMMAP, jif = 1000, strict = 0;

	fixture_add_symbol(fx, "nr_cpu_ids", TARGET_OK, SYM);
	fixture_add_memory(fx, TARGET_KVADDR, SYM, 4, &n, TARGET_OK);
	fixture_add_symbol(fx, "__cpu_possible_mask", TARGET_OK, SYM + 0x10);
	fixture_add_memory(fx, TARGET_KVADDR, SYM + 0x10, 8, &mask, TARGET_OK);
	fixture_add_symbol(fx, "__per_cpu_offset", TARGET_OK, SYM + 0x20);
	fixture_add_memory(fx, TARGET_KVADDR, SYM + 0x20, 16, offs, TARGET_OK);
	fixture_add_symbol(fx, "vmemmap_base", TARGET_OK, SYM + 0x40);
	fixture_add_memory(fx, TARGET_KVADDR, SYM + 0x40, 8, &vm, TARGET_OK);
	fixture_add_symbol(fx, "jiffies_64", TARGET_OK, SYM + 0x48);
	fixture_add_memory(fx, TARGET_KVADDR, SYM + 0x48, 8, &jif, TARGET_OK);
	fixture_add_symbol(fx, "iommu_dma_strict", TARGET_OK, SYM + 0x50);
	fixture_add_memory(fx, TARGET_KVADDR, SYM + 0x50, 1, &strict, TARGET_OK);
	fixture_add_struct(fx, "iova_fq_entry", TARGET_OK, 40);
	fixture_add_struct(fx, "page", TARGET_OK, 64);
	m(fx, "page", "lru", 8, 16, "struct list_head");
	m(fx, "iova_fq_entry", "iova_pfn", 0, 8, "unsigned long");
	m(fx, "iova_fq_entry", "pages", 8, 8, "unsigned long");
	m(fx, "iova_fq_entry", "counter", 32, 8, "u64");
}

/*
 * 7.x: protection_domain.domain at 0 (a union), cookie_type 1, the flat
 * cookie, per-CPU queues of 256.  CPU 0 holds slot 10 (0x7000000, 4 pages,
 * counter 5: pending, one freed table with 3 present entries on its
 * freelist) and slot 11 (0x8000000, counter 3: invalidated); CPU 1 is
 * empty.  head of CPU 0 is set by the caller (10, or damaged).
 */
static struct fixture *kernel_7x(struct synth_iommu *io, uint32_t head0)
{
	struct fixture *fx = run_kernel_build(io);
	uint8_t dom[96] = { 0 }, cookie[248] = { 0 }, q0[16 + 256 * 40] = { 0 }, q1[16] = { 0 };
	uint64_t table[512] = { 0 };
	uint64_t page = VMEMMAP + (FREED_TABLE >> 12) * 64, lh = PCPU0 + 16 + 10 * 40 + 16;
	uint64_t node[2] = { lh, lh };

	run_kernel_add_dev_data_03(fx);
	add_cpus(fx);
	m(fx, "protection_domain", "domain", 0, 96, "struct iommu_domain");
	m(fx, "iommu_domain", "cookie_type", 4, 4, "enum iommu_domain_cookie_type");
	m(fx, "iommu_domain", "iova_cookie", 88, 8, "struct iommu_dma_cookie *");
	m(fx, "iommu_dma_cookie", "iovad", 0, 128, "struct iova_domain");
	m(fx, "iova_domain", "granule", 32, 8, "unsigned long");
	m(fx, "iommu_dma_cookie", "percpu_fq", 144, 8, "struct iova_fq *");
	m(fx, "iommu_dma_cookie", "single_fq", 144, 8, "struct iova_fq *");
	m(fx, "iommu_dma_cookie", "fq_flush_start_cnt", 152, 8, "atomic64_t");
	m(fx, "iommu_dma_cookie", "fq_flush_finish_cnt", 160, 8, "atomic64_t");
	m(fx, "iommu_dma_cookie", "fq_timer", 168, 40, "struct timer_list");
	m(fx, "timer_list", "expires", 16, 8, "unsigned long");
	m(fx, "iommu_dma_cookie", "fq_timer_on", 208, 4, "atomic_t");
	m(fx, "iommu_dma_cookie", "fq_domain", 216, 8, "struct iommu_domain *");
	m(fx, "iommu_dma_cookie", "options", 224, 24, "struct iommu_dma_options");
	m(fx, "iommu_dma_options", "qt", 0, 4, "enum iommu_dma_queue_type");
	m(fx, "iommu_dma_options", "fq_timeout", 8, 4, "unsigned int");
	/* 6.13+: no tick_nsec; HZ 250 from the NTP state's tick_length (ns << 32) */
	m(fx, "ntp_data", "tick_length", 8, 8, "u64");
	{
		uint64_t ntp[2] = { 4000, 4000000ull << 32 };

		fixture_add_symbol(fx, "tk_ntp_data", TARGET_OK, SYM + 0x60);
		fixture_add_memory(fx, TARGET_KVADDR, SYM + 0x60, sizeof(ntp), ntp, TARGET_OK);
	}
	m(fx, "iova_fq", "head", 4, 4, "unsigned int");
	m(fx, "iova_fq", "tail", 8, 4, "unsigned int");
	m(fx, "iova_fq", "mod_mask", 12, 4, "unsigned int");
	m(fx, "iova_fq", "entries", 16, 0, "struct iova_fq_entry []");
	m(fx, "iova_fq_entry", "freelist", 16, 16, "struct iommu_pages_list");
	m(fx, "iommu_pages_list", "pages", 0, 16, "struct list_head");

	/* the domain overlays the protection domain's first bytes (7.x's
	 * union): its two words go into run_kernel's record of it */
	ck_assert_int_eq(fixture_read(fx, TARGET_KVADDR, PD_KV, dom, sizeof(dom)), TARGET_OK);
	put32(dom, 4, 1);			/* IOMMU_COOKIE_DMA_IOVA */
	put64(dom, 88, COOKIE_KV);
	fixture_add_memory(fx, TARGET_KVADDR, PD_KV, sizeof(dom), dom, TARGET_OK);
	put64(cookie, 32, 4096);		/* granule */
	put64(cookie, 144, PERCPU_FQ);
	put64(cookie, 152, 5);			/* started */
	put64(cookie, 160, 4);			/* finished */
	put64(cookie, 168 + 16, 1003);		/* timer expires */
	put32(cookie, 208, 1);
	put64(cookie, 216, PD_KV);		/* fq_domain: the domain itself */
	put32(cookie, 224 + 8, 10);		/* options.fq_timeout, ms */
	fixture_add_memory(fx, TARGET_KVADDR, COOKIE_KV, sizeof(cookie), cookie, TARGET_OK);

	put32(q0, 4, head0);
	put32(q0, 8, 12);
	put32(q0, 12, 255);
	put64(q0, 16 + 10 * 40 + 0, 0x7000);	/* pfn */
	put64(q0, 16 + 10 * 40 + 8, 4);
	put64(q0, 16 + 10 * 40 + 16, page + 8);	/* freelist -> the page's lru */
	put64(q0, 16 + 10 * 40 + 24, page + 8);
	put64(q0, 16 + 10 * 40 + 32, 5);
	put64(q0, 16 + 11 * 40 + 0, 0x8000);
	put64(q0, 16 + 11 * 40 + 8, 1);
	put64(q0, 16 + 11 * 40 + 16, lh + 40);	/* an empty list: itself */
	put64(q0, 16 + 11 * 40 + 24, lh + 40);
	put64(q0, 16 + 11 * 40 + 32, 3);
	fixture_add_memory(fx, TARGET_KVADDR, PCPU0, sizeof(q0), q0, TARGET_OK);
	put32(q1, 12, 255);
	fixture_add_memory(fx, TARGET_KVADDR, PCPU1, sizeof(q1), q1, TARGET_OK);
	fixture_add_memory(fx, TARGET_KVADDR, PCPU1 + 16, 256 * 40, q0 + 16, TARGET_OK);
	fixture_add_memory(fx, TARGET_KVADDR, page + 8, 16, node, TARGET_OK);
	table[0] = table[7] = table[511] = 0x2b37000ull | 1;
	fixture_add_memory(fx, TARGET_PHYSADDR, FREED_TABLE, sizeof(table), table, TARGET_OK);
	return fx;
}

START_TEST(test_fq_7x_pending_flushed_freelist_and_stale_fault)
{
	struct synth_iommu io;
	struct fixture *fx = kernel_7x(&io, 10);
	struct analysis_options opt;
	struct analysis_gaps g;
	struct target t;
	char *log = run_kernel_write_log(), *text = NULL, *json = NULL;
	size_t tl = 0, jl = 0;
	FILE *f;

	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	opt.capture_log = log;
	struct analysis *a = analysis_run(&t, &opt);

	ck_assert_int_eq(a->fq_state, FQ_FOUND);
	ck_assert_int_eq(a->fq_policy, FQ_POLICY_LAZY);
	ck_assert_uint_eq(a->n_fq_doms, 1);
	const struct fq_domain_info *d = &a->fq_doms[0];

	ck_assert_uint_eq(d->domid, 3);
	ck_assert_uint_eq(d->cookie, COOKIE_KV);
	ck_assert_uint_eq(d->queues, 2);
	ck_assert_uint_eq(d->size, 256);
	ck_assert(!d->single);
	ck_assert(d->timer_on);
	/* armed by the first pending entry: 10 ms = 3 jiffies at HZ 250 before
	 * it expires at 1003, one more of slack */
	ck_assert_uint_eq(a->hz, 250);
	ck_assert_uint_eq(d->timeout_ms, 10);
	ck_assert_uint_eq(d->unmapped_since, 999);
	ck_assert_uint_eq(d->n_entries, 2);
	ck_assert_uint_eq(d->n_pending, 1);
	const struct fq_entry_info *e = &a->fq_entries[d->first_entry];

	ck_assert_int_eq(e[0].cpu, 0);
	ck_assert_uint_eq(e[0].slot, 10);
	ck_assert_uint_eq(e[0].iova, 0x7000000);
	ck_assert_uint_eq(e[0].bytes, 0x4000);
	ck_assert(!e[0].flushed);
	ck_assert_uint_eq(e[0].freelist_pages, 1);
	ck_assert_uint_eq(e[0].freelist_pa[0], FREED_TABLE);
	ck_assert_uint_eq(e[0].freelist_present[0], 3);
	ck_assert(e[1].flushed);
	ck_assert_uint_eq(e[1].freelist_pages, 0);
	/* 00:04.0 is translated but has no iommu_dev_data here: its queue is
	 * unknown, and in lazy mode that is a gap */
	ck_assert_uint_eq(a->fq_unchecked, 1);
	ck_assert(!analysis_gaps(a, &g));
	ck_assert_uint_eq(g.flush_queues_incomplete, 1);
	ck_assert_uint_eq(g.inconsistencies, 0);
	/* the capture kernel's fault on 00:03.0 at 0x7000000 (its own domain 9) */
	const struct corr_info *c = NULL;

	for (size_t i = 0; i < a->n_corr; i++)
		if (a->corr[i].rec.address == 0x7000000)
			c = &a->corr[i];
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->cls, CORR_STALE_IOTLB);
	ck_assert_ptr_eq(c->fq, &e[0]);

	f = open_memstream(&text, &tl);
	report_text(a, REPORT_SUMMARY | REPORT_FLUSH_QUEUES | REPORT_CORRELATION, false, f);
	fclose(f);
	ck_assert_msg(strstr(text, "Flush queues (lazy mode, 1 DMA domain(s)): at least 1 IOVA range(s) unmapped but "
			     "NOT yet invalidated at the panic, in 1 domain(s)"), "%s", text);
	ck_assert_msg(strstr(text, "1 translated device(s) could not be checked"), "%s", text);
	ck_assert_msg(strstr(text, "flushes started 5, finished 4; per-CPU queues of 256; timer armed, flush due 3 "
			     "jiffies after the panic"), "%s", text);
	ck_assert_msg(strstr(text, "its PENDING ranges were unmapped at jiffies 999 or later (the timer, 10 ms, was "
			     "armed as the first of them was queued; one tick of slack): less than 8 ms before the "
			     "panic"), "%s", text);
	ck_assert_msg(strstr(text, "PENDING      1 table page(s), first at PA 0x3000000 (3 present)"), "%s", text);
	ck_assert_msg(strstr(text, "invalidated"), "%s", text);
	ck_assert_msg(strstr(text, "-> stale-iotlb (old domain 0x3): DMA to a range unmapped lazily, its IOTLB "
			     "invalidation still pending at the panic (until the IOTLB was flushed, DMA through a "
			     "stale IOTLB entry); flush-queue entry IOVA 0x7000000+16.0 KiB (CPU 0 slot 10, queued "
			     "at flush #5)"), "%s", text);
	f = open_memstream(&json, &jl);
	report_json(a, f);
	fclose(f);
	ck_assert_msg(strstr(json, "\"flush_queues\":{\"state\":\"found\",\"policy\":\"lazy\""), "%s", json);
	ck_assert_msg(strstr(json, "\"iova\":\"0x7000000\",\"bytes\":\"0x4000\",\"counter\":5,\"state\":\"pending\""),
		      "%s", json);
	ck_assert_msg(strstr(json, "\"class\":\"stale-iotlb\""), "%s", json);
	ck_assert_msg(strstr(json, "\"jiffies\":1000,\"hz\":250,"), "%s", json);
	ck_assert_msg(strstr(json, "\"timer_expires\":1003,\"timeout_ms\":10,\"unmapped_since\":999,"), "%s", json);
	free(text);
	free(json);
	analysis_free(a);
	unlink(log);
	fixture_free(fx);
	free(io.dte);
}
END_TEST

/* A head beyond the queue: damage, named, and the analysis incomplete. */
START_TEST(test_fq_damaged_queue)
{
	struct synth_iommu io;
	struct fixture *fx = kernel_7x(&io, 300);
	struct analysis_options opt;
	struct analysis_gaps g;
	struct target t;

	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	struct analysis *a = analysis_run(&t, &opt);

	ck_assert_int_eq(a->fq_state, FQ_FOUND);
	ck_assert(a->fq_doms[0].incomplete);
	ck_assert_uint_eq(a->fq_doms[0].queues, 1);	/* CPU 1's still read */
	ck_assert(!analysis_gaps(a, &g));
	ck_assert_uint_eq(g.flush_queues_incomplete, 2);	/* and 00:04.0 unchecked */
	ck_assert_uint_eq(g.inconsistencies, 1);
	analysis_free(a);
	fixture_free(fx);
	free(io.dte);
}
END_TEST

/*
 * 6.1: protection_domain.domain at 96, iova_cookie at 64, the cookie's own
 * type 0 (IOVA), its queue pointer "fq", a fixed 256-entry array before
 * head and tail, list_head freelists.  The queue wraps: slots 255 and 0.
 * Then the same cookie typed MSI (1) has no queue.
 */
START_TEST(test_fq_61_fixed_array_wraps)
{
	struct synth_iommu io;
	struct fixture *fx = run_kernel_build(&io);
	uint8_t dom[72] = { 0 }, cookie[264] = { 0 }, q[256 * 40 + 16] = { 0 };
	struct analysis_options opt;
	struct target t;

	run_kernel_add_dev_data_03(fx);
	add_cpus(fx);
	m(fx, "protection_domain", "domain", 96, 72, "struct iommu_domain");
	m(fx, "iommu_domain", "iova_cookie", 64, 8, "struct iommu_dma_cookie *");
	m(fx, "iommu_dma_cookie", "type", 0, 4, "enum iommu_dma_cookie_type");
	m(fx, "iommu_dma_cookie", "iovad", 8, 128, "struct iova_domain");
	m(fx, "iova_domain", "granule", 32, 8, "unsigned long");
	m(fx, "iommu_dma_cookie", "fq", 136, 8, "struct iova_fq *");
	m(fx, "iommu_dma_cookie", "fq_flush_start_cnt", 144, 8, "atomic64_t");
	m(fx, "iommu_dma_cookie", "fq_flush_finish_cnt", 152, 8, "atomic64_t");
	m(fx, "iommu_dma_cookie", "fq_domain", 224, 8, "struct iommu_domain *");
	m(fx, "iova_fq", "entries", 0, 256 * 40, "struct iova_fq_entry [256]");
	m(fx, "iova_fq", "head", 10240, 4, "unsigned int");
	m(fx, "iova_fq", "tail", 10244, 4, "unsigned int");
	m(fx, "iova_fq_entry", "freelist", 16, 16, "struct list_head");
	put64(dom, 64, COOKIE_KV);
	fixture_add_memory(fx, TARGET_KVADDR, PD_KV + 96, sizeof(dom), dom, TARGET_OK);
	put64(cookie, 8 + 32, 4096);
	put64(cookie, 136, PERCPU_FQ);
	put64(cookie, 144, 9);
	put64(cookie, 152, 9);
	put64(cookie, 224, PD_KV + 96);
	fixture_add_memory(fx, TARGET_KVADDR, COOKIE_KV, sizeof(cookie), cookie, TARGET_OK);
	for (int s = 0; s < 256; s++) {		/* every freelist empty: itself */
		put64(q, s * 40 + 16, PCPU0 + s * 40 + 16);
		put64(q, s * 40 + 24, PCPU0 + s * 40 + 16);
	}
	put64(q, 255 * 40, 0xfff00);
	put64(q, 255 * 40 + 8, 2);
	put64(q, 255 * 40 + 32, 8);		/* invalidated */
	put64(q, 0, 0xfff10);
	put64(q, 8, 1);
	put64(q, 32, 9);			/* pending */
	put32(q, 10240, 255);
	put32(q, 10244, 1);
	fixture_add_memory(fx, TARGET_KVADDR, PCPU0, sizeof(q), q, TARGET_OK);
	put32(q, 10240, 0);
	put32(q, 10244, 0);
	fixture_add_memory(fx, TARGET_KVADDR, PCPU1, sizeof(q), q, TARGET_OK);
	{	/* up to 6.12: tick_nsec, here HZ 1000 trimmed by NTP */
		uint64_t tick = 999848;

		fixture_add_symbol(fx, "tick_nsec", TARGET_OK, SYM + 0x60);
		fixture_add_memory(fx, TARGET_KVADDR, SYM + 0x60, 8, &tick, TARGET_OK);
	}

	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	struct analysis *a = analysis_run(&t, &opt);

	ck_assert_int_eq(a->fq_state, FQ_FOUND);
	ck_assert_uint_eq(a->n_fq_doms, 1);
	ck_assert_uint_eq(a->fq_doms[0].size, 256);
	ck_assert_uint_eq(a->hz, 1000);
	ck_assert_uint_eq(a->fq_doms[0].timeout_ms, 10);	/* IOVA_FQ_TIMEOUT: no options yet */
	ck_assert_uint_eq(a->fq_doms[0].unmapped_since, 0);	/* no timer member: unknown */
	ck_assert_uint_eq(a->fq_doms[0].n_entries, 2);
	ck_assert_uint_eq(a->fq_doms[0].n_pending, 1);
	ck_assert_uint_eq(a->fq_entries[0].slot, 255);
	ck_assert_uint_eq(a->fq_entries[0].iova, 0xfff00000);
	ck_assert_uint_eq(a->fq_entries[0].bytes, 0x2000);
	ck_assert(a->fq_entries[0].flushed);
	ck_assert_uint_eq(a->fq_entries[1].slot, 0);
	ck_assert(!a->fq_entries[1].flushed);
	ck_assert_uint_eq(a->fq_entries[1].freelist_pages, 0);
	ck_assert_ptr_eq(fq_pending_at(a, 0, 0, 3, 0xfff10fff), &a->fq_entries[1]);
	ck_assert_ptr_null(fq_pending_at(a, 0, 0, 3, 0xfff00000));	/* invalidated */
	analysis_free(a);

	put32(cookie, 0, 1);			/* IOMMU_DMA_MSI_COOKIE */
	fixture_add_memory(fx, TARGET_KVADDR, COOKIE_KV, sizeof(cookie), cookie, TARGET_OK);
	a = analysis_run(&t, &opt);
	ck_assert_int_eq(a->fq_state, FQ_NONE);
	ck_assert_uint_eq(a->n_fq_doms, 0);
	analysis_free(a);
	fixture_free(fx);
	free(io.dte);
}
END_TEST

Suite *analysis_flush_queues_suite(void)
{
	Suite *s = suite_create("flush_queues");
	TCase *tc = tcase_create("flush_queues");

	tcase_add_test(tc, test_fq_7x_pending_flushed_freelist_and_stale_fault);
	tcase_add_test(tc, test_fq_damaged_queue);
	tcase_add_test(tc, test_fq_61_fixed_array_wraps);
	suite_add_tcase(s, tc);
	return s;
}
