/*
 * Devices: every valid DTE, with the PCI name and driver the kernel knew for
 * it, and the translated domains those DTEs name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "core/passes.h"

static int iommu_of_segment(const struct inventory *inv, uint16_t seg)
{
	for (size_t i = 0; i < inv->n_iommus; i++)
		if (inv->iommus[i].segment == seg)
			return inv->iommus[i].index;
	return -1;
}

struct dev_info *analysis_add_dev(struct analysis *a, const struct inv_segment *seg, uint16_t devid,
				  const struct amdvi_dte *dte)
{
	struct dev_info *di = analysis_new_dev(a, IOMMU_VENDOR_AMD, seg->id, devid,
					       iommu_of_segment(&a->amd.inv, seg->id));

	if (!di)
		return NULL;
	di->dte = *dte;
	di->cls = amdvi_dte_classify(dte);
	snprintf(di->name, sizeof(di->name), "%04x:%02x:%02x.%x", seg->id,
		 (unsigned)(devid >> 8), (unsigned)((devid >> 3) & 0x1f), (unsigned)(devid & 7));
	return di;
}

void pass_devices(const struct target *t, struct analysis *a)
{
	for (size_t s = 0; s < a->amd.inv.n_segs; s++) {
		const struct inv_segment *seg = &a->amd.inv.segs[s];

		for (size_t i = 0; i < seg->n_dte; i++) {
			struct amdvi_dte d;

			if (!seg->dte_ok[i] || amdvi_dte_decode(seg->dte[i], a->amd.inv.sme_me_mask, &d) || !d.v)
				continue;
			analysis_add_dev(a, seg, (uint16_t)i, &d);
		}
		name_devices(t, a, seg);
	}
	name_devices_fallback(t, a, IOMMU_VENDOR_AMD);
}

/* Domains named by translated DTEs, one entry per (segment, domain id). */
void pass_domains(struct analysis *a)
{
	for (size_t i = 0; i < a->n_devs; i++) {
		const struct dev_info *di = &a->devs[i];
		struct domain_info *dom = NULL;

		bool v2 = di->cls == AMDVI_DTE_GUEST;
		uint64_t root = v2 ? di->dte.gcr3_root : di->dte.pt_root;
		unsigned mode = v2 ? di->dte.glx : di->dte.mode;

		if (di->cls != AMDVI_DTE_TRANSLATED && !v2)
			continue;
		for (size_t k = 0; k < a->n_doms && !dom; k++)
			if (analysis_dev_uses_domain(di, &a->doms[k]))
				dom = &a->doms[k];
		if (dom) {
			dom->n_devices++;
			if (dom->root != root || dom->mode != mode || dom->v2 != v2) {
				char what[64];

				snprintf(what, sizeof(what), "domain %u", di->dte.domid);
				problem_add(&a->pb, PROBLEM_CORRUPT, what,
					    "devices %s and others name different page-table roots; the first one is walked",
					    di->name);
			}
			continue;
		}
		dom = realloc(a->doms, (a->n_doms + 1) * sizeof(*dom));
		if (!dom)
			return;
		a->doms = dom;
		dom = &a->doms[a->n_doms++];
		memset(dom, 0, sizeof(*dom));
		dom->segment = di->segment;
		dom->domid = di->dte.domid;
		dom->v2 = v2;
		dom->root = root;
		dom->mode = mode;
		/* 6.12's DTE guest paging level: 0 = 4 levels, 1 = 5 levels */
		dom->v2_levels = di->dte.gpt_level == 1 ? 5 : 4;
		dom->n_devices = 1;
	}
}
