/*
 * The AMD-Vi backend: amd_iommu_list, the command rings and their
 * completion-wait proof, the device tables and the crashed kernel's
 * iommu_dev_data, the unprocessed event and PPR logs.
 */
#include <stdlib.h>

#include "backend/amdvi/walk.h"
#include "core/backend.h"
#include "core/passes.h"

static void amdvi_read(const struct target *t, struct analysis *a)
{
	struct amdvi_state *s = &a->amd;

	layout_probe(t, &s->lay, &a->pb);
	inventory_read(t, &s->lay, &s->inv, &a->pb);
	if (s->inv.n_iommus) {
		s->rings = calloc(s->inv.n_iommus, sizeof(*s->rings));
		if (!s->rings) {
			a->out_of_memory = true;
			return;
		}
		for (size_t i = 0; i < s->inv.n_iommus; i++)
			cmd_ring_analyse(t, &s->inv, &s->inv.iommus[i], &s->rings[i], &a->pb);
	}
	pass_devices(t, a);
	pass_crashed_view(t, a);
	pass_domains(a);
}

static void amdvi_after_logs(const struct target *t, struct analysis *a)
{
	struct amdvi_state *s = &a->amd;

	if (!a->kdump_cwb_reused || !s->rings)
		return;
	/* The capture kernel says it reused the semaphore page: what the
	 * ring analysis took from *cmd_sem is taken back. */
	s->inv.cwb_reused = true;
	for (size_t i = 0; i < s->inv.n_iommus; i++)
		cmd_ring_analyse(t, &s->inv, &s->inv.iommus[i], &s->rings[i], &a->pb);
	a->flush = analysis_overall_flush(a);
}

static void amdvi_walk_domain(const struct target *t, struct analysis *a, struct domain_info *dom,
			      iopt_extent_fn fn, void *arg)
{
	if (dom->v2) {
		struct iopt_walk_v2_params p = {
			.segment = dom->segment,
			.domain = dom->domid,
			.gcr3_root = dom->root,
			.glx = dom->mode,
			.levels = dom->v2_levels,
			.me_mask = a->amd.inv.sme_me_mask,
		};

		iopt_walk_v2(t, &p, fn, arg, &dom->stats, &a->pb);
	} else {
		struct iopt_walk_params p = {
			.segment = dom->segment,
			.domain = dom->domid,
			.root_pa = dom->root,
			.mode = dom->mode,
			.me_mask = a->amd.inv.sme_me_mask,
		};

		iopt_walk_v1(t, &p, fn, arg, &dom->stats, &a->pb);
	}
}

static void amdvi_tally_flush(const struct analysis *a, struct flush_tally *t)
{
	t->any_unknown |= a->amd.inv.presence_unknown;
	for (size_t i = 0; i < a->amd.inv.n_iommus; i++)
		flush_tally_add(t, a->amd.rings[i].flush.verdict);
}

static void amdvi_presence(const struct analysis *a, struct iommu_presence *p)
{
	p->has_units = a->amd.inv.n_iommus > 0;
	p->active = a->amd.inv.iommu_active;
	p->unknown = a->amd.inv.presence_unknown;
	p->reason = a->amd.inv.iommu_active ? NULL : a->amd.inv.inactive_reason;
}

static void amdvi_free(struct analysis *a)
{
	inventory_free(&a->amd.inv);
	free(a->amd.rings);
	free(a->amd.events);
}

const struct iommu_backend amdvi_backend = {
	.vendor = IOMMU_VENDOR_AMD,
	.read = amdvi_read,
	.after_logs = amdvi_after_logs,
	.finish = pass_events,
	.walk_domain = amdvi_walk_domain,
	.tally_flush = amdvi_tally_flush,
	.presence = amdvi_presence,
	.free = amdvi_free,
};
