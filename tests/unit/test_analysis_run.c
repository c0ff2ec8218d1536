/* analysis_run() end to end on a synthetic 6.x kernel: two translated
 * devices with page tables, a capture-kernel log with faults of every class,
 * and the JSON report's keys. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amdvi/command.h"
#include "amdvi/pgtable.h"
#include "core/analysis.h"
#include "core/passes.h"
#include "report/report.h"
#include "run_kernel.h"

START_TEST(test_run_end_to_end)
{
	struct synth_iommu io;
	struct fixture *fx = run_kernel_build(&io);
	struct target t;
	struct analysis_options opt;
	char *log = run_kernel_write_log();

	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	opt.capture_log = log;
	struct analysis *a = analysis_run(&t, &opt);

	ck_assert_ptr_nonnull(a);
	ck_assert(a->amd.inv.iommu_active);
	ck_assert_int_eq(a->flush, FLUSH_NONE);
	ck_assert_uint_eq(a->n_devs, 256);		/* every DTE is valid (V) */
	ck_assert_uint_eq(a->n_doms, 2);
	ck_assert_uint_eq(a->n_extents, 2);		/* adjacent pages, different permissions: not merged */
	ck_assert_uint_eq(a->doms[0].stats.extents, 2);
	ck_assert_uint_eq(a->doms[0].stats.mapped_bytes, 0x2000);
	ck_assert_uint_eq(a->doms[1].stats.extents, 0);
	ck_assert_uint_eq(a->amd.n_events, 2);
	ck_assert(!a->amd.events[0].ppr);
	ck_assert_uint_eq(a->amd.events[0].ev.devid, 0x18);
	ck_assert(a->amd.events[1].ppr);
	ck_assert_uint_eq(a->amd.events[1].offset, 3 * 16);
	ck_assert_uint_eq(a->amd.events[1].ev.code, 1);
	ck_assert_uint_eq(a->amd.events[1].ev.devid, 0x18);
	ck_assert_uint_eq(a->amd.events[1].ev.ppr_pasid, 0x12345);
	ck_assert_uint_eq(a->amd.events[1].ev.tag, 0x2a);
	ck_assert_uint_eq(a->amd.events[1].ev.flags, 0x1);
	ck_assert_uint_eq(a->amd.events[1].ev.address, 0x7f0000001000ull);
	ck_assert(a->kdump_pre_enabled && a->kdump_dt_copied && !a->kdump_reuse);
	ck_assert_uint_eq(a->n_corr, 7);
	ck_assert_int_eq(a->corr[0].cls, CORR_OLD_MAPPING);
	ck_assert_uint_eq(a->corr[0].phys, 0x2b38010ull);
	ck_assert(!a->corr[0].new_domain);
	ck_assert_int_eq(a->corr[1].cls, CORR_IOVA_NOT_MAPPED);
	ck_assert_int_eq(a->corr[2].cls, CORR_NEW_DOMAIN);
	ck_assert_int_eq(a->corr[3].cls, CORR_OLD_MAPPING);
	ck_assert(a->corr[3].new_domain);
	ck_assert_uint_eq(a->corr[3].phys, 0x2b37008ull);
	/* domain 4 was 00:04.0's in the dump: looked up in 00:03.0's own (3) */
	ck_assert_int_eq(a->corr[4].cls, CORR_OLD_MAPPING);
	ck_assert(a->corr[4].new_domain);
	ck_assert_uint_eq(a->corr[4].old_domain, 3);
	ck_assert_uint_eq(a->corr[4].extent.domain, 3);
	ck_assert_uint_eq(a->corr[4].phys, 0x2b38010ull);
	ck_assert_int_eq(a->corr[5].cls, CORR_NO_TRANSLATION);
	ck_assert_int_eq(a->corr[6].cls, CORR_DEVICE_UNKNOWN);
	ck_assert_uint_eq(a->capture_faults, 7);
	analysis_free(a);
	unlink(log);
	fixture_free(fx);
	free(io.dte);
}
END_TEST

static int count_extent(const struct iopt_extent *e, void *arg)
{
	size_t *n = arg;

	(void)e;
	(*n)++;
	return 0;
}

/* Streaming: extents go to the callback, none is kept, and the log
 * correlation still finds the old mappings. */
START_TEST(test_run_streaming)
{
	struct synth_iommu io;
	struct fixture *fx = run_kernel_build(&io);
	struct target t;
	struct analysis_options opt;
	char *log = run_kernel_write_log();
	size_t streamed = 0;

	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	opt.capture_log = log;
	opt.on_extent = count_extent;
	opt.on_extent_arg = &streamed;
	opt.discard_extents = true;
	struct analysis *a = analysis_run(&t, &opt);

	ck_assert_uint_eq(streamed, 2);
	ck_assert_uint_eq(a->n_extents, 0);
	ck_assert_uint_eq(a->doms[0].stats.extents, 2);
	ck_assert_int_eq(a->corr[0].cls, CORR_OLD_MAPPING);
	ck_assert_uint_eq(a->corr[0].phys, 0x2b38010ull);
	ck_assert_int_eq(a->corr[3].cls, CORR_OLD_MAPPING);
	ck_assert_int_eq(a->corr[4].cls, CORR_OLD_MAPPING);
	ck_assert_uint_eq(a->corr_counts[CORR_OLD_MAPPING], 3);
	analysis_free(a);

	/* -n: nothing walked, IOVAs unresolved rather than "not mapped" */
	opt.on_extent = NULL;
	opt.discard_extents = false;
	opt.no_walk = true;
	a = analysis_run(&t, &opt);
	ck_assert_int_eq(a->corr[0].cls, CORR_UNRESOLVED);
	ck_assert_int_eq(a->corr[5].cls, CORR_NO_TRANSLATION);
	analysis_free(a);
	unlink(log);
	fixture_free(fx);
	free(io.dte);
}
END_TEST

/* -d selects one device; the JSON carries every key the issue names. */
START_TEST(test_run_json_keys)
{
	struct synth_iommu io;
	struct fixture *fx = run_kernel_build(&io);
	struct target t;
	struct analysis_options opt;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	opt.devid = 0x18;
	struct analysis *a = analysis_run(&t, &opt);

	ck_assert_uint_eq(a->n_devs, 1);
	report_json(a, mem);
	fclose(mem);
	static const char *keys[] = {
		"\"schema\":\"iommu-inflight/1\"", "\"iommus\":[", "\"index\":0", "\"segment\":0",
		"\"bdf\":\"00:02.0\"", "\"mmio_phys\":\"0xfeb80000\"", "\"cmd_ring\":{", "\"tail\":32",
		"\"head_sw\":", "\"need_sync\":false", "\"completion_wait\":{", "\"sem\":\"0x2\"",
		"\"expected\":\"0x2\"", "\"retired\":true", "\"entries\":[", "\"devices\":[",
		"\"devid\":24", "\"iommu\":0", "\"translation\":true", "\"mode\":3",
		"\"pt_root\":\"0x1ec4000\"", "\"domain\":3", "\"ir\":true", "\"iw\":true", "\"driver\":null",
		"\"mappings\":[", "\"iova\":\"0xffe59000\"", "\"phys\":\"0x2b37000\"", "\"size\":\"0x1000\"",
		"\"read\":false", "\"write\":true", "\"flush\":{\"verdict\":\"none\"", "\"evidence\":[",
		"\"events\":[", "\"correlation\":{", "\"problems\":[", NULL,
	};
	for (int i = 0; keys[i]; i++)
		ck_assert_msg(strstr(buf, keys[i]) != NULL, "JSON lacks %s", keys[i]);
	/* -d selects the device, and so only its domain is walked */
	ck_assert_uint_eq(a->n_doms, 1);
	analysis_free(a);
	free(buf);
	fixture_free(fx);
	free(io.dte);
}
END_TEST

/* No driver types at all: one line, no crash. */
START_TEST(test_run_no_iommu_text)
{
	struct fixture *fx = fixture_new();
	struct target t;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	fixture_add_struct(fx, "amd_iommu", TARGET_E_NOTFOUND, 0);
	replay_target_init(&t, fx);
	struct analysis *a = analysis_run(&t, NULL);

	report_text(a, REPORT_SUMMARY, false, mem);
	fclose(mem);
	ck_assert_ptr_nonnull(strstr(buf, "no active AMD IOMMU"));
	ck_assert_ptr_null(strchr(strchr(buf, '\n') + 1, '\n'));	/* exactly one line */
	analysis_free(a);
	free(buf);
	fixture_free(fx);
}
END_TEST

/* The text summary of run_capture() with -v. */
static bool run_capture_verbose;

/* Runs the analysis with a capture log of these lines; returns the text
 * summary and the JSON (both to free). */
static struct analysis *run_capture(const char *log_text, char **text, char **json)
{
	static struct synth_iommu io;
	static struct fixture *fx;
	struct target t;
	struct analysis_options opt;
	char path[64];
	size_t len = 0;
	FILE *f;

	fx = run_kernel_build(&io);
	snprintf(path, sizeof(path), "/tmp/iif-capture-XXXXXX");
	close(mkstemp(path));
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(log_text, f);
	fclose(f);
	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	opt.capture_log = path;
	struct analysis *a = analysis_run(&t, &opt);
	ck_assert_ptr_nonnull(a);
	f = open_memstream(text, &len);
	report_text(a, REPORT_SUMMARY, run_capture_verbose, f);
	fclose(f);
	f = open_memstream(json, &len);
	report_json(a, f);
	fclose(f);
	unlink(path);
	fixture_free(fx);
	free(io.dte);
	return a;
}

/* The capture-log summary says which kdump path the capture kernel took:
 * 4.13-6.17 copy the old device table, 6.18+ (and 7.x) reuse it in place. */
START_TEST(test_run_capture_dev_table_reused)
{
	char *text, *json;
	struct analysis *a = run_capture(
		"[    0.320000] AMD-Vi: Translation is already enabled - trying to reuse translation structures\n"
		"[    0.320100] AMD-Vi: Reused DEV table from previous kernel.\n"
		"[    0.320200] AMD-Vi: Re-using command buffer from the previous kernel\n",
		&text, &json);

	ck_assert(a->kdump_pre_enabled && a->kdump_dt_copied && a->kdump_dt_reused && a->kdump_reuse);
	ck_assert_msg(strstr(text, "  translation was pre-enabled; old device table reused; old tables and buffers REUSED in place"),
		      "%s", text);
	ck_assert_ptr_null(strstr(text, "old device table copied"));
	ck_assert_msg(strstr(json, "\"dev_table_copied\":true,\"dev_table_reused\":true,\"dev_table_copy_failed\":false"),
		      "%s", json);
	analysis_free(a);
	free(text);
	free(json);

	/* a copying capture kernel: wording and JSON as before, no new key */
	a = run_capture("[    0.326715] AMD-Vi: Translation is already enabled - trying to copy translation structures\n"
			"[    0.328558] AMD-Vi: Copied DEV table from previous kernel.\n",
			&text, &json);
	ck_assert(a->kdump_dt_copied && !a->kdump_dt_reused && !a->kdump_reuse);
	ck_assert_msg(strstr(text, "  translation was pre-enabled; old device table copied; \n"), "%s", text);
	ck_assert_ptr_null(strstr(text, "reused"));
	ck_assert_ptr_nonnull(strstr(json, "\"dev_table_copied\":true,\"dev_table_copy_failed\":false"));
	ck_assert_ptr_null(strstr(json, "dev_table_reused"));
	analysis_free(a);
	free(text);
	free(json);
}
END_TEST

/* A capture kernel that reused the event log and (SNP) the semaphore page:
 * the old log's entry is told apart by the capture kernel's own log, and
 * *cmd_sem is no longer evidence. */
START_TEST(test_run_capture_reused_event_log_and_cwb)
{
	char *text, *json;
	const char *reuse =
		"[    0.320200] AMD-Vi: Re-using event buffer from the previous kernel\n"
		"[    0.320300] AMD-Vi: Re-using CWB buffers from the previous kernel\n";
	char log[1024];
	struct analysis *a;

	/* one fault logged elsewhere: the entry at offset 0x70 is beyond the
	 * one slot the capture kernel filled, so it may be either kernel's */
	snprintf(log, sizeof(log), "%s%s", reuse,
		 "[    2.1] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:04.0 domain=0x0009 address=0x1000 flags=0x0020]\n");
	a = run_capture(log, &text, &json);
	ck_assert(a->kdump_evt_reused && a->kdump_cwb_reused && !a->kdump_cmd_reused);
	ck_assert_uint_eq(a->amd.n_events, 2);
	ck_assert(!a->amd.events[0].ppr);
	ck_assert_int_eq(a->amd.events[0].owner, EVENT_EITHER);
	ck_assert_int_eq(a->amd.events[1].owner, EVENT_CRASHED);	/* the PPR log */
	ck_assert(!a->amd.rings[0].sem_trusted);
	ck_assert(!a->amd.rings[0].all_retired);
	ck_assert_ptr_nonnull(strstr(a->amd.rings[0].sem_distrust, "Re-using CWB buffers"));
	ck_assert_msg(strstr(text, "UNTRUSTED: sem 0x2, issued 0x2"), "%s", text);
	{
		char *ev = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&ev, &n);

		report_text(a, REPORT_EVENTS, false, f);
		fclose(f);
		ck_assert_msg(strstr(ev, "[either kernel's: the capture kernel's log says it reused the event buffer]"),
			      "%s", ev);
		free(ev);
	}
	ck_assert_ptr_nonnull(strstr(json, "\"owner\":\"either\""));
	ck_assert_ptr_nonnull(strstr(json, "\"sem_trusted\":false"));
	analysis_free(a);
	free(text);
	free(json);

	/* the capture kernel printed that very event: its own */
	snprintf(log, sizeof(log), "%s%s", reuse,
		 "[    2.1] AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x0003 address=0xdead000 flags=0x0020]\n");
	a = run_capture(log, &text, &json);
	ck_assert_int_eq(a->amd.events[0].owner, EVENT_CAPTURE);
	ck_assert_ptr_nonnull(strstr(a->amd.events[0].owner_why, "prints this event"));
	analysis_free(a);
	free(text);
	free(json);

	/* no reuse: the old log's entries are the crashed kernel's, the semaphore trusted */
	a = run_capture("[    0.328558] AMD-Vi: Copied DEV table from previous kernel.\n", &text, &json);
	ck_assert_int_eq(a->amd.events[0].owner, EVENT_CRASHED);
	ck_assert(a->amd.rings[0].sem_trusted);
	ck_assert(a->amd.rings[0].all_retired);
	ck_assert_msg(strstr(text, "all retired: sem 0x2, issued 0x2"), "%s", text);
	analysis_free(a);
	free(text);
	free(json);
}
END_TEST

START_TEST(test_run_dte_rewritten_crashed_view)
{
	struct synth_iommu io;
	struct fixture *fx = run_kernel_build(&io);
	uint64_t dte[4] = { 0x6000000000000603ull | 0x3000000ull, 9, 0, 0 };
	struct analysis_options opt;
	struct target t;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	/* the dump's DTE: the capture kernel's (the table again, newer) */
	memcpy(io.dte[0x18], dte, sizeof(dte));
	fixture_add_memory(fx, TARGET_KVADDR, SYNTH_DEVTAB_KV, 256 * 32, io.dte, TARGET_OK);
	run_kernel_add_dev_data_03(fx);

	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	struct analysis *a = analysis_run(&t, &opt);
	const struct dev_info *d = NULL;

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->amd.lay.pdom.kind, PD_ROOT_GENERIC);
	for (size_t i = 0; i < a->n_devs; i++)
		if (a->devs[i].devid == 0x18)
			d = &a->devs[i];
	ck_assert_ptr_nonnull(d);
	ck_assert(d->sw.translated);
	ck_assert_uint_eq(d->sw.domid, 3);
	ck_assert_uint_eq(d->sw.root, ROOT3);
	ck_assert_uint_eq(d->sw.mode, 3);
	ck_assert_int_eq(d->dte_state, DTE_REWRITTEN);
	ck_assert(d->from_dev_data);
	ck_assert_uint_eq(d->dte.domid, 3);
	ck_assert_uint_eq(d->dump_dte.domid, 9);
	ck_assert_uint_eq(d->dump_dte.pt_root, 0x3000000);
	/* the crashed kernel's table was walked: its two pages */
	const struct domain_info *dom = analysis_find_domain(a, 0, 3);

	ck_assert_ptr_nonnull(dom);
	ck_assert_uint_eq(dom->root, ROOT3);
	ck_assert_uint_eq(dom->stats.mapped_bytes, 0x2000);
	ck_assert_ptr_null(analysis_find_domain(a, 0, 9));
	f = open_memstream(&text, &len);
	report_text(a, REPORT_SUMMARY, false, f);
	fclose(f);
	ck_assert_msg(strstr(text, "0000:00:03.0: DTE rewritten by the capture kernel (domain 9, root 0x3000000); "
			     "the crashed kernel's iommu_dev_data says domain 3, root 0x1ec4000, 3 levels: walked that"),
		      "%s", text);
	ck_assert_msg(strstr(text, "DTEs checked against the crashed kernel's iommu_dev_data: 1, 1 rewritten"), "%s", text);
	free(text);
	analysis_free(a);
	fixture_free(fx);
	free(io.dte);
}
END_TEST

/* A zeroed DTE (V=0) for 00:03.0, which the crashed kernel had attached to
 * domain 3: damage, not a capture kernel.  The device's answer is the
 * kernel's own view, a corrupt problem names it, and the analysis is not
 * complete. */
START_TEST(test_run_dte_not_valid_attached)
{
	struct synth_iommu io;
	struct fixture *fx = run_kernel_build(&io);
	struct analysis_options opt;
	struct analysis_gaps g;
	struct target t;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	memset(io.dte[0x18], 0, sizeof(io.dte[0x18]));
	fixture_add_memory(fx, TARGET_KVADDR, SYNTH_DEVTAB_KV, 256 * 32, io.dte, TARGET_OK);
	run_kernel_add_dev_data_03(fx);
	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	struct analysis *a = analysis_run(&t, &opt);
	struct dev_info *d = analysis_find_dev(a, 0, 0x18);

	ck_assert_ptr_nonnull(d);
	ck_assert(d->dte_not_valid);
	ck_assert_int_eq(d->dte_state, DTE_REWRITTEN);
	ck_assert_int_eq(d->cls, AMDVI_DTE_TRANSLATED);
	ck_assert_uint_eq(d->dte.domid, 3);
	ck_assert_uint_eq(d->mapped_bytes, 0x2000);
	ck_assert_uint_eq(a->pb.corrupt, 1);
	ck_assert(!analysis_gaps(a, &g));
	ck_assert_uint_eq(g.inconsistencies, 1);
	f = open_memstream(&text, &len);
	report_text(a, REPORT_SUMMARY, false, f);
	fclose(f);
	ck_assert_msg(!strncmp(text, "iommu_inflight: INCONSISTENT DUMP: 1 finding(s)", 47), "%s", text);
	ck_assert_msg(strstr(text, "0000:00:03.0: DTE not valid (V=0): damaged; the crashed kernel's iommu_dev_data "
			     "says domain 3"), "%s", text);
	free(text);
	analysis_free(a);
	/* the same dev_data, detached: nothing to tell, the V=0 entry is not a device */
	uint64_t none = 0;

	fixture_add_memory(fx, TARGET_KVADDR, DD_KV + 32, 8, &none, TARGET_OK);
	a = analysis_run(&t, &opt);
	ck_assert_ptr_null(analysis_find_dev(a, 0, 0x18));
	ck_assert_uint_eq(a->pb.corrupt, 0);
	ck_assert(analysis_gaps(a, &g));
	analysis_free(a);
	fixture_free(fx);
	free(io.dte);
}
END_TEST

/* last_bdf beyond the device table the kernel allocated (dev_table_size):
 * only the table's entries are read, and a corrupt problem says so. */
START_TEST(test_run_last_bdf_beyond_table)
{
	struct synth_iommu io;
	struct fixture *fx = run_kernel_build(&io);
	uint64_t wild = 0xffff;
	struct analysis_options opt;
	struct analysis_gaps g;
	struct target t;

	fixture_add_memory(fx, TARGET_KVADDR, SYNTH_SEG_KV + 26, 2, &wild, TARGET_OK);
	replay_target_init(&t, fx);
	analysis_options_init(&opt);
	struct analysis *a = analysis_run(&t, &opt);

	ck_assert_uint_eq(a->amd.inv.segs[0].last_bdf, 255);
	ck_assert_uint_eq(a->amd.inv.segs[0].n_dte, 256);
	ck_assert_uint_eq(a->amd.inv.dte_unread, 0);
	ck_assert(!analysis_gaps(a, &g));
	ck_assert_uint_eq(g.inconsistencies, 1);
	ck_assert_msg(strstr(a->pb.list[0].why, "last_bdf 0xffff lies beyond the device table (0x2000 bytes"),
		      "%s", a->pb.list[0].why);
	analysis_free(a);
	fixture_free(fx);
	free(io.dte);
}
END_TEST

/* A software tail that is no ring offset, and a page-table entry pointing
 * back at its own table: each makes the analysis incomplete. */
START_TEST(test_run_bad_tail_and_cycle_are_gaps)
{
	struct synth_iommu io;
	struct fixture *fx = run_kernel_build(&io);
	struct target_member m;
	struct analysis_options opt;
	struct analysis_gaps g;
	struct target t;
	uint64_t tail = 0x7ffffff0, root3[512] = { 0 };

	replay_target_init(&t, fx);
	ck_assert_int_eq(target_member(&t, "amd_iommu", "cmd_buf_tail", &m), TARGET_OK);
	fixture_add_memory(fx, TARGET_KVADDR, SYNTH_IOMMU_KV + m.offset, (size_t)m.size, &tail, TARGET_OK);
	analysis_options_init(&opt);
	struct analysis *a = analysis_run(&t, &opt);

	ck_assert(!analysis_gaps(a, &g));
	ck_assert_uint_eq(g.rings_unordered, 1);
	ck_assert_int_eq(a->amd.rings[0].flush.verdict, FLUSH_UNKNOWN);
	ck_assert_msg(strstr(a->amd.rings[0].flush.evidence, "not an offset inside the ring (damaged)"), "%s",
		      a->amd.rings[0].flush.evidence);
	ck_assert_uint_eq(g.domains_incomplete, 0);
	analysis_free(a);
	fixture_free(fx);
	free(io.dte);

	fx = run_kernel_build(&io);
	root3[amdvi_pt_level_index(0xffe59000ull, 2)] = amdvi_pte_build_pde(L1_3, 2);
	root3[0] = amdvi_pte_build_pde(ROOT3, 2);	/* back to itself */
	fixture_add_memory(fx, TARGET_PHYSADDR, ROOT3, 4096, root3, TARGET_OK);
	replay_target_init(&t, fx);
	a = analysis_run(&t, &opt);
	ck_assert(!analysis_gaps(a, &g));
	ck_assert_uint_eq(g.rings_unordered, 0);
	ck_assert_uint_eq(g.domains_incomplete, 1);
	ck_assert_uint_eq(g.inconsistencies, 1);
	analysis_free(a);
	fixture_free(fx);
	free(io.dte);
}
END_TEST

/* Lines of the capture log the parser could not use are counted where the
 * summary speaks of that log, and listed with -v; never dropped silently. */
START_TEST(test_run_capture_log_lines_not_understood)
{
	static const char log[] =
		"[    0.320000] AMD-Vi: Translation is already enabled - trying to copy translation structures\n"
		"[    0.320100] AMD-Vi: Copied DEV table from previous kernel.\n"
		"[    0.320200] pci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40\n"
		"[    0.330000] AMD-Vi: Something new we do not know\n"
		"[    2.000000] AMD-Vi: Event logged [BOGUS_EVENT device=0000:00:03.0]\n"
		"[    2.100000] iommu ivhd0: weird\n";
	char *text, *json;
	struct analysis *a = run_capture(log, &text, &json);

	ck_assert_uint_eq(a->log_unparsed, 1);
	ck_assert_uint_eq(a->log_unrecognised, 2);
	ck_assert_msg(strstr(text, "Log lines not understood: 1 unparsed, 2 unrecognised AMD-Vi line(s) (-v lists them)\n"),
		      "%s", text);
	ck_assert_ptr_null(strstr(text, "Something new"));
	ck_assert_msg(strstr(json, "\"log_lines\":{\"unparsed\":1,\"unrecognised\":2}"), "%s", json);
	analysis_free(a);
	free(text);
	free(json);

	run_capture_verbose = true;
	a = run_capture(log, &text, &json);
	run_capture_verbose = false;
	ck_assert_msg(strstr(text, "Log lines not understood: 1 unparsed, 2 unrecognised AMD-Vi line(s):\n"), "%s", text);
	ck_assert_msg(strstr(text, ":4: unrecognised: AMD-Vi: Something new we do not know\n"), "%s", text);
	ck_assert_msg(strstr(text, ":5: unparsed (unknown event type after 'Event logged ['): [    2.000000] AMD-Vi: Event "
				   "logged [BOGUS_EVENT device=0000:00:03.0]\n"), "%s", text);
	ck_assert_msg(strstr(text, ":6: unrecognised: iommu ivhd0: weird\n"), "%s", text);
	analysis_free(a);
	free(text);
	free(json);
}
END_TEST

Suite *analysis_run_suite(void)
{
	Suite *s = suite_create("analysis_run");
	TCase *tc = tcase_create("run");

	tcase_add_test(tc, test_run_end_to_end);
	tcase_add_test(tc, test_run_streaming);
	tcase_add_test(tc, test_run_json_keys);
	tcase_add_test(tc, test_run_no_iommu_text);
	tcase_add_test(tc, test_run_capture_dev_table_reused);
	tcase_add_test(tc, test_run_capture_reused_event_log_and_cwb);
	tcase_add_test(tc, test_run_capture_log_lines_not_understood);
	tcase_add_test(tc, test_run_dte_rewritten_crashed_view);
	tcase_add_test(tc, test_run_dte_not_valid_attached);
	tcase_add_test(tc, test_run_last_bdf_beyond_table);
	tcase_add_test(tc, test_run_bad_tail_and_cycle_are_gaps);
	suite_add_tcase(s, tc);
	return s;
}
