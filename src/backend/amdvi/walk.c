/* AMD-Vi I/O page tables through the core's walk driver: the v1 and v2
 * entry formats, and the GCR3 table that names one v2 table per PASID. */
#include <stdio.h>
#include <stdlib.h>

#include "amdvi/pgtable.h"
#include "backend/amdvi/walk.h"

static void resolve_common(int err, const struct amdvi_pte_mapping *m, struct iopt_slot *out)
{
	if (err) {
		out->kind = IOPT_SLOT_BAD;
		out->bad = "impossible large-page size for this level";
		return;
	}
	out->kind = m->kind == AMDVI_PTE_LEAF ? IOPT_SLOT_LEAF :
		    m->kind == AMDVI_PTE_TABLE ? IOPT_SLOT_TABLE : IOPT_SLOT_NONE;
	out->iova = m->iova;
	out->size = m->size;
	out->pa = m->pa;
	out->read = m->ir;
	out->write = m->iw;
}

static void resolve_v1(uint64_t pte, unsigned level, uint64_t iova, uint64_t strip, struct iopt_slot *out)
{
	struct amdvi_pte_mapping m;

	resolve_common(amdvi_pte_resolve(pte, level, iova, strip, &m), &m, out);
	/* the kernel never skips levels (fetch_pte rejects it) */
	if (out->kind == IOPT_SLOT_TABLE && !amdvi_pte_next_level_ok(pte, level)) {
		out->kind = IOPT_SLOT_BAD;
		out->bad = "next level does not follow this level";
	}
}

static void resolve_v2(uint64_t pte, unsigned level, uint64_t iova, uint64_t strip, struct iopt_slot *out)
{
	struct amdvi_pte_mapping m;

	resolve_common(amdvi_pte_v2_resolve(pte, level, iova, strip, &m), &m, out);
}

const struct iopt_format amdvi_v1_format = {
	.name = "v1",
	.present_mask = AMDVI_PTE_PR,
	.addr_mask = AMDVI_PTE_ADDR_MASK,
	.resolve = resolve_v1,
};

const struct iopt_format amdvi_v2_format = {
	.name = "v2",
	.present_mask = AMDVI_PTE2_P,
	.addr_mask = AMDVI_PTE2_ADDR_MASK,
	.resolve = resolve_v2,
};

int iopt_walk_v1(const struct target *t, const struct iopt_walk_params *p,
		 iopt_extent_fn fn, void *arg, struct iopt_walk_stats *st, struct problems *pb)
{
	struct iopt_walk_ctx *w = iopt_walk_begin(t, &amdvi_v1_format, p->segment, p->domain, p->me_mask,
						  p->pa_limit, p->max_tables, fn, arg, st, pb);

	if (!w)
		return -1;
	if (p->mode < 1 || p->mode > 6) {
		char what[64];

		snprintf(what, sizeof(what), "domain %u page-table root", p->domain);
		problem_add(pb, PROBLEM_CORRUPT, what, "DTE mode %u is not 1..6: not walked", p->mode);
		iopt_walk_end(w, 0);
		return -1;
	}
	return iopt_walk_end(w, iopt_walk_table(w, p->root_pa, p->mode, 0, false));
}

/* Walks one GCR3 table level; leaf slots name PASIDs' page tables. */
static int walk_gcr3(struct iopt_walk_ctx *w, const struct target *t, const struct iopt_walk_v2_params *p,
		     struct problems *pb, uint64_t table_pa, unsigned level, uint32_t pasid_base,
		     unsigned *pasids)
{
	uint64_t *tbl = malloc(4096);
	uint64_t pa_limit = p->pa_limit ? p->pa_limit : 1ull << 52;
	enum target_err err;
	int stop = 0;

	if (!tbl)
		return 1;
	err = target_read(t, TARGET_PHYSADDR, table_pa, tbl, 4096);
	if (err) {
		problem_read(pb, err, TARGET_PHYSADDR, table_pa, 4096,
			     "domain %u GCR3 table, level %u", p->domain, level);
		free(tbl);
		return 0;
	}
	for (unsigned i = 0; i < 512 && !stop; i++) {
		struct amdvi_gcr3_entry g;
		uint32_t pasid = pasid_base | i << (9 * level);

		if (amdvi_gcr3_decode(tbl[i], p->me_mask, &g) || !g.valid)
			continue;
		if (!iopt_pa_within(g.addr, 4096, pa_limit)) {
			iopt_walk_bad(w, table_pa, i, level, "GCR3 entry beyond the physical-address limit", tbl[i]);
			continue;
		}
		if (level > 0) {
			stop = walk_gcr3(w, t, p, pb, g.addr, level - 1, pasid, pasids);
			continue;
		}
		if (*pasids >= (p->max_pasids ? p->max_pasids : 4096)) {
			problem_add(pb, PROBLEM_LIMIT, "GCR3 table", "domain %u: more than %u PASIDs; stopped",
				    p->domain, *pasids);
			stop = 1;
			break;
		}
		(*pasids)++;
		stop = iopt_walk_table(w, g.addr, p->levels, pasid, true);
	}
	free(tbl);
	return stop;
}

int iopt_walk_v2(const struct target *t, const struct iopt_walk_v2_params *p,
		 iopt_extent_fn fn, void *arg, struct iopt_walk_stats *st, struct problems *pb)
{
	struct iopt_walk_ctx *w = iopt_walk_begin(t, &amdvi_v2_format, p->segment, p->domain, p->me_mask,
						  p->pa_limit, p->max_tables, fn, arg, st, pb);
	unsigned pasids = 0;

	if (!w)
		return -1;
	if (p->glx > 2 || (p->levels != 4 && p->levels != 5)) {
		char what[64];

		snprintf(what, sizeof(what), "domain %u GCR3 table", p->domain);
		problem_add(pb, PROBLEM_CORRUPT, what, "GLX %u / %u paging levels not supported: not walked",
			    p->glx, p->levels);
		iopt_walk_end(w, 0);
		return -1;
	}
	return iopt_walk_end(w, walk_gcr3(w, t, p, pb, p->gcr3_root, p->glx, 0, &pasids));
}
