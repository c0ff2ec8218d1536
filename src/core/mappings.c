/* Walk every translated domain's page table, through its vendor's backend
 * (which knows the formats), and keep its extents. */
#include <stdlib.h>
#include <string.h>

#include "core/backend.h"
#include "core/passes.h"

#define DEFAULT_MAX_EXTENTS 1000000

struct keep {
	struct analysis *a;
	size_t cap, max;
};

static int keep_extent(const struct iopt_extent *e, void *arg)
{
	struct keep *k = arg;
	struct analysis *a = k->a;

	correlate_extent(a, e->segment, e);
	if (a->opt.on_extent && a->opt.on_extent(e, a->opt.on_extent_arg))
		return 1;
	if (a->opt.discard_extents)
		return 0;
	if (a->n_extents >= k->max) {
		a->extents_dropped++;
		return 0;	/* keep walking: the statistics still count */
	}
	if (a->n_extents == k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 1024;
		struct iopt_extent *p = realloc(a->extents, ncap * sizeof(*p));

		if (!p) {
			a->extents_dropped++;
			return 0;
		}
		a->extents = p;
		k->cap = ncap;
	}
	a->extents[a->n_extents++] = *e;
	return 0;
}

void pass_mappings(const struct target *t, struct analysis *a)
{
	struct keep k = { .a = a, .max = a->opt.max_extents ? a->opt.max_extents : DEFAULT_MAX_EXTENTS };

	for (size_t i = 0; i < a->n_doms; i++) {
		struct domain_info *dom = &a->doms[i];
		dom->first_extent = a->n_extents;
		if (a->opt.no_walk)
			continue;
		correlate_domain_start(a, dom->vendor == IOMMU_VENDOR_INTEL ? dom->unit + 1 : 0, dom->segment, dom->domid);
		analysis_backend(dom->vendor)->walk_domain(t, a, dom, keep_extent, &k);
		dom->walked = true;
		dom->n_extents = a->n_extents - dom->first_extent;
	}
	if (a->extents_dropped)
		problem_add(&a->pb, PROBLEM_LIMIT, "mappings",
			    "%zu extents beyond the %zu kept were counted but not listed",
			    a->extents_dropped, k.max);
	for (size_t i = 0; i < a->n_devs; i++) {
		struct dev_info *di = &a->devs[i];
		const struct domain_info *dom;

		if (di->vendor == IOMMU_VENDOR_INTEL) {
			if (di->vtd.cls != VTD_DEV_TRANSLATED)
				continue;
			dom = analysis_find_unit_domain(a, di->vtd.unit, di->vtd.did);
		} else {
			if (di->cls != AMDVI_DTE_TRANSLATED && di->cls != AMDVI_DTE_GUEST)
				continue;
			dom = analysis_find_domain(a, di->segment, di->dte.domid);
		}
		if (dom && dom->walked) {
			di->extents = dom->stats.extents;
			di->mapped_bytes = dom->stats.mapped_bytes;
			di->writable_bytes = dom->stats.writable_bytes;
		}
	}
}

const struct domain_info *analysis_find_domain(const struct analysis *a, uint16_t segment,
					       uint16_t domid)
{
	for (size_t i = 0; i < a->n_doms; i++)
		if (a->doms[i].vendor == IOMMU_VENDOR_AMD && a->doms[i].segment == segment &&
		    a->doms[i].domid == domid)
			return &a->doms[i];
	return NULL;
}

const struct domain_info *analysis_find_unit_domain(const struct analysis *a, int unit, uint16_t domid)
{
	for (size_t i = 0; i < a->n_doms; i++)
		if (a->doms[i].vendor == IOMMU_VENDOR_INTEL && a->doms[i].unit == unit && a->doms[i].domid == domid)
			return &a->doms[i];
	return NULL;
}
