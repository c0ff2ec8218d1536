/* analysis_run(): every pass, in order, over one target. */
#include <stdlib.h>
#include <string.h>

#include "amdvi/ring.h"
#include "analysis/passes.h"

void analysis_options_init(struct analysis_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->iommu = -1;
	opt->segment = -1;
	opt->devid = -1;
}

/* One verdict for the machine: queued-not-completed anywhere wins; completed
 * only if every IOMMU completed; unknown beats none. */
static enum flush_verdict overall_flush(const struct analysis *a)
{
	bool any_queued = false, all_completed = a->inv.n_iommus > 0, any_unknown = a->inv.presence_unknown;

	for (size_t i = 0; i < a->inv.n_iommus; i++) {
		enum flush_verdict v = a->rings[i].flush.verdict;

		any_queued |= v == FLUSH_QUEUED_NOT_COMPLETED;
		any_unknown |= v == FLUSH_UNKNOWN;
		all_completed &= v == FLUSH_COMPLETED;
	}
	if (any_queued)
		return FLUSH_QUEUED_NOT_COMPLETED;
	if (all_completed)
		return FLUSH_COMPLETED;
	return any_unknown ? FLUSH_UNKNOWN : FLUSH_NONE;
}

struct analysis *analysis_run(const struct target *t, const struct analysis_options *opt)
{
	struct analysis *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	if (opt)
		a->opt = *opt;
	else
		analysis_options_init(&a->opt);
	a->target_name = t->name;
	problems_init(&a->pb);
	if (dump_integrity_damaged(a->opt.integrity))
		problem_add(&a->pb, PROBLEM_INPUT, "vmcore", "%s", a->opt.integrity->summary);
	layout_probe(t, &a->lay, &a->pb);
	inventory_read(t, &a->lay, &a->inv, &a->pb);
	if (a->inv.n_iommus) {
		a->rings = calloc(a->inv.n_iommus, sizeof(*a->rings));
		if (!a->rings) {
			analysis_free(a);
			return NULL;
		}
		for (size_t i = 0; i < a->inv.n_iommus; i++)
			cmd_ring_analyse(t, &a->inv, &a->inv.iommus[i], &a->rings[i], &a->pb);
	}
	a->flush = overall_flush(a);
	pass_devices(t, a);
	pass_crashed_view(t, a);
	pass_domains(a);
	pass_logs(a);		/* faults first: the walk resolves their IOVAs as it goes */
	if (a->kdump_cwb_reused && a->rings) {
		/* The capture kernel says it reused the semaphore page: what the
		 * ring analysis took from *cmd_sem is taken back. */
		a->inv.cwb_reused = true;
		for (size_t i = 0; i < a->inv.n_iommus; i++)
			cmd_ring_analyse(t, &a->inv, &a->inv.iommus[i], &a->rings[i], &a->pb);
		a->flush = overall_flush(a);
	}
	pass_mappings(t, a);
	pass_flush_queues(t, a);
	correlate_finish(a);
	pass_events(a);
	return a;
}

void analysis_free(struct analysis *a)
{
	if (!a)
		return;
	inventory_free(&a->inv);
	problems_free(&a->pb);
	free(a->rings);
	free(a->devs);
	free(a->fq_doms);
	free(a->fq_entries);
	free(a->doms);
	free(a->extents);
	free(a->events);
	free(a->corr);
	free(a->lookups);
	free(a->log_odd);
	free(a);
}

bool analysis_gaps(const struct analysis *a, struct analysis_gaps *g)
{
	memset(g, 0, sizeof(*g));
	g->input_damaged = dump_integrity_damaged(a->opt.integrity);
	g->presence_unknown = a->inv.presence_unknown;
	g->devices_incomplete = a->inv.iommu_active && a->inv.devtab_incomplete;
	/* a table that could not be read, an entry that cannot be decoded or
	 * a table reached twice (no Linux page table shares one): the
	 * mappings under them are not counted */
	for (size_t i = 0; i < a->n_doms; i++) {
		const struct iopt_walk_stats *st = &a->doms[i].stats;

		g->domains_incomplete += a->doms[i].walked &&
					 (st->unreadable_tables || st->bad_entries || st->revisits);
	}
	for (size_t i = 0; i < a->inv.n_iommus; i++) {
		const struct inv_iommu *io = &a->inv.iommus[i];

		g->rings_unread += !io->ring_ok;
		g->rings_unordered += io->ring_ok && io->sw_ring &&
				      amdvi_ring_check_offset(INV_CMD_RING_SIZE, io->tail_sw) != 0;
		g->event_logs_unread += io->evt_buf && !io->evt_log;
	}
	for (size_t i = 0; i < a->n_fq_doms; i++)
		g->flush_queues_incomplete += a->fq_doms[i].incomplete;
	/* devices whose queues could not be looked for, unless nothing queues */
	if (a->fq_unchecked && a->fq_state != FQ_UNKNOWN && a->fq_policy != FQ_POLICY_STRICT)
		g->flush_queues_incomplete++;
	g->inconsistencies = a->pb.corrupt;
	return !g->input_damaged && !g->presence_unknown && !g->rings_unread && !g->devices_incomplete &&
	       !g->domains_incomplete && !g->event_logs_unread && !g->rings_unordered &&
	       !g->inconsistencies && !g->flush_queues_incomplete;
}
