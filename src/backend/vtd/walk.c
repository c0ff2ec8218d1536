/* VT-d page tables through the core's walk driver: the second-level and
 * first-level entry formats (vtd/pte.h). */
#include "backend/vtd/walk.h"
#include "vtd/pte.h"

static void resolve(enum vtd_pte_format fmt, uint64_t pte, unsigned level, uint64_t iova,
		    struct iopt_slot *out)
{
	struct vtd_pte_mapping m;
	int err = vtd_pte_resolve(pte, fmt, level, iova, &m);

	if (err || m.kind == VTD_PTE_BAD) {
		out->kind = IOPT_SLOT_BAD;
		out->bad = level > VTD_PT_LEVEL_MAX ? "level beyond a 5-level table" :
			   "superpage bit at a level without superpages";
		return;
	}
	out->kind = m.kind == VTD_PTE_LEAF ? IOPT_SLOT_LEAF :
		    m.kind == VTD_PTE_TABLE ? IOPT_SLOT_TABLE : IOPT_SLOT_NONE;
	out->iova = m.iova;
	out->size = m.size;
	out->pa = m.pa;
	out->read = m.ir;
	out->write = m.iw;
}

static void resolve_sl(uint64_t pte, unsigned level, uint64_t iova, uint64_t strip, struct iopt_slot *out)
{
	(void)strip;
	resolve(VTD_PTE_FMT_SL, pte, level, iova, out);
}

static void resolve_fl(uint64_t pte, unsigned level, uint64_t iova, uint64_t strip, struct iopt_slot *out)
{
	(void)strip;
	resolve(VTD_PTE_FMT_FL, pte, level, iova, out);
}

const struct iopt_format vtd_sl_format = {
	.name = "second-level",
	.present_mask = VTD_SL_PTE_PRESENT_MASK,
	.addr_mask = VTD_SL_PTE_ADDR_MASK,
	.resolve = resolve_sl,
};

const struct iopt_format vtd_fl_format = {
	.name = "first-level",
	.present_mask = VTD_FL_PTE_P,
	.addr_mask = VTD_FL_PTE_ADDR_MASK,
	.resolve = resolve_fl,
};

void vtd_walk_domain(const struct target *t, struct analysis *a, struct domain_info *dom,
		     iopt_extent_fn fn, void *arg)
{
	struct iopt_walk_ctx *w;

	w = iopt_walk_begin(t, dom->first_level ? &vtd_fl_format : &vtd_sl_format, dom->segment, dom->domid,
			    0, 0, 0, fn, arg, &dom->stats, &a->pb);
	if (!w)
		return;
	if (dom->mode < 2 || dom->mode > 5) {
		char what[64];

		snprintf(what, sizeof(what), "domain %u page-table root", dom->domid);
		problem_add(&a->pb, PROBLEM_CORRUPT, what, "%u levels is not 2..5: not walked", dom->mode);
		iopt_walk_end(w, 0);
		return;
	}
	iopt_walk_end(w, iopt_walk_table(w, dom->root, dom->mode, 0, false));
}
