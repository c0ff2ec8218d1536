/* analysis_run(): every pass, in order, over one target. */
#include <stdlib.h>
#include <string.h>

#include "amdvi/ring.h"
#include "core/backend.h"
#include "core/passes.h"

void analysis_options_init(struct analysis_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->iommu = -1;
	opt->segment = -1;
	opt->devid = -1;
}

static const struct iommu_backend *const backends[] = { &amdvi_backend, &vtd_backend };
#define N_BACKENDS (sizeof(backends) / sizeof(backends[0]))

const struct iommu_backend *analysis_backend(enum iommu_vendor v)
{
	for (size_t i = 0; i < N_BACKENDS; i++)
		if (backends[i]->vendor == v)
			return backends[i];
	return backends[0];
}

/* One verdict for the machine, from every backend's units. */
enum flush_verdict analysis_overall_flush(const struct analysis *a)
{
	struct flush_tally tally;

	flush_tally_init(&tally);
	for (size_t i = 0; i < N_BACKENDS; i++)
		backends[i]->tally_flush(a, &tally);
	return flush_tally_verdict(&tally);
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
	for (size_t i = 0; i < N_BACKENDS && !a->out_of_memory; i++)
		backends[i]->read(t, a);
	if (a->out_of_memory) {
		analysis_free(a);
		return NULL;
	}
	a->flush = analysis_overall_flush(a);
	pass_logs(a);		/* faults first: the walk resolves their IOVAs as it goes */
	for (size_t i = 0; i < N_BACKENDS; i++)
		if (backends[i]->after_logs)
			backends[i]->after_logs(t, a);
	pass_mappings(t, a);
	pass_flush_queues(t, a);
	correlate_finish(a);
	for (size_t i = 0; i < N_BACKENDS; i++)
		if (backends[i]->finish)
			backends[i]->finish(a);
	return a;
}

void analysis_free(struct analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < N_BACKENDS; i++)
		if (backends[i]->free)
			backends[i]->free(a);
	problems_free(&a->pb);
	free(a->devs);
	free(a->fq_doms);
	free(a->fq_entries);
	free(a->doms);
	free(a->extents);
	free(a->corr);
	free(a->lookups);
	free(a->log_odd);
	free(a);
}

bool analysis_gaps(const struct analysis *a, struct analysis_gaps *g)
{
	memset(g, 0, sizeof(*g));
	g->input_damaged = dump_integrity_damaged(a->opt.integrity);
	g->presence_unknown = a->amd.inv.presence_unknown;
	g->devices_incomplete = a->amd.inv.iommu_active && a->amd.inv.devtab_incomplete;
	/* a table that could not be read, an entry that cannot be decoded or
	 * a table reached twice (no Linux page table shares one): the
	 * mappings under them are not counted */
	for (size_t i = 0; i < a->n_doms; i++) {
		const struct iopt_walk_stats *st = &a->doms[i].stats;

		g->domains_incomplete += a->doms[i].walked &&
					 (st->unreadable_tables || st->bad_entries || st->revisits);
	}
	for (size_t i = 0; i < a->amd.inv.n_iommus; i++) {
		const struct inv_iommu *io = &a->amd.inv.iommus[i];

		g->rings_unread += !io->ring_ok;
		g->rings_unordered += io->ring_ok && io->sw_ring &&
				      amdvi_ring_check_offset(INV_CMD_RING_SIZE, io->tail_sw) != 0;
		g->event_logs_unread += io->evt_buf && !io->evt_log;
	}
	/* VT-d: a unit or its invalidation queue unread leaves its verdict unknown */
	for (size_t i = 0; i < a->vtd.n_units; i++)
		g->rings_unread += a->vtd.units[i].verdict == FLUSH_UNKNOWN;
	g->devices_incomplete |= a->vtd.tables_incomplete;
	g->presence_unknown |= a->vtd.units_unread;
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

const char *iommu_vendor_name(enum iommu_vendor v)
{
	switch (v) {
	case IOMMU_VENDOR_AMD:		return "amd";
	case IOMMU_VENDOR_INTEL:	return "intel";
	}
	return "?";
}

/* The machine's presence from every backend's: active if any is; the
 * reason of the first backend whose vendor has units, else the first's. */
static void combined_presence(const struct analysis *a, struct iommu_presence *out)
{
	const char *first_reason = NULL, *unit_reason = NULL;
	bool unknown = false;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < N_BACKENDS; i++) {
		struct iommu_presence p = { 0 };

		backends[i]->presence(a, &p);
		out->active |= p.active;
		out->has_units |= p.has_units;
		unknown |= p.unknown;
		if (!first_reason)
			first_reason = p.reason;
		if (!unit_reason && p.has_units)
			unit_reason = p.reason;
	}
	out->unknown = !out->active && unknown;
	out->reason = out->active ? NULL : unit_reason ? unit_reason : first_reason;
}

bool analysis_iommu_active(const struct analysis *a)
{
	struct iommu_presence p;

	combined_presence(a, &p);
	return p.active;
}

bool analysis_presence_unknown(const struct analysis *a)
{
	struct iommu_presence p;

	combined_presence(a, &p);
	return p.unknown;
}

const char *analysis_inactive_reason(const struct analysis *a)
{
	struct iommu_presence p;

	combined_presence(a, &p);
	return p.reason ? p.reason : "";
}
