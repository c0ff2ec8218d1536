/*
 * The crashed kernel's own view of each device, rebuilt from its software
 * state (iommu_dev_data.domain -> struct protection_domain: domain id,
 * page-table root and levels) and checked against the DTE in the dump.
 *
 * Since 6.18 a kdump kernel reuses the old device table in place, so a
 * DTE in the dump may be the capture kernel's (another domain, a root in
 * its own memory).  Where the two disagree, the device's answer is the
 * crashed kernel's software view, and the dump's DTE is kept beside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "core/passes.h"

/* include/linux/iommu.h: IOMMU_DOMAIN_IDENTITY = __IOMMU_DOMAIN_PT */
#define IOMMU_DOMAIN_TYPE_IDENTITY	(1u << 2)
#define PD_MODE_V2			2u	/* enum protection_domain_mode */

const char *dte_state_name(enum dte_state s)
{
	switch (s) {
	case DTE_UNVERIFIED:	return "unverified";
	case DTE_CRASHED:	return "crashed";
	case DTE_REWRITTEN:	return "rewritten";
	}
	return "?";
}

/* A direct-map kernel address as a physical one (page tables come from the
 * page allocator). */
static bool direct_pa(const struct analysis *a, uint64_t va, uint64_t *pa)
{
	if (!a->amd.inv.page_offset_known || va < a->amd.inv.page_offset_base ||
	    va - a->amd.inv.page_offset_base >= (1ull << 46))
		return false;
	*pa = va - a->amd.inv.page_offset_base;
	return true;
}

static void read_view(const struct target *t, struct analysis *a, struct dev_info *di)
{
	const struct layout_pdom *lp = &a->amd.lay.pdom;
	struct sw_view *v = &di->sw;
	uint64_t pd, w = 0, va = 0, id, ident;
	unsigned mode = 0;
	enum target_err err;

	err = target_read_u64(t, TARGET_KVADDR, di->dev_data + lp->dev_data_domain, &pd);
	if (err) {
		problem_read(&a->pb, err, TARGET_KVADDR, di->dev_data + lp->dev_data_domain, 8,
			     "device %s iommu_dev_data.domain", di->name);
		return;
	}
	v->read = true;
	v->kaddr = pd;
	if (!pd)
		return;		/* not attached: no DMA domain */
	v->attached = true;
	/* 7.x: every identity-mapped device points at the static identity_domain */
	if (target_symbol(t, "identity_domain", &ident) == TARGET_OK && pd == ident) {
		v->identity = true;
		return;
	}
	if (lp->domain_type >= 0 &&
	    target_read_uint(t, TARGET_KVADDR, pd + lp->domain_type, 4, &w) == TARGET_OK &&
	    w == IOMMU_DOMAIN_TYPE_IDENTITY) {
		v->identity = true;
		return;
	}
	err = target_read_uint(t, TARGET_KVADDR, pd + lp->id, lp->id_size > 0 && lp->id_size <= 4 ?
			       (size_t)lp->id_size : 2, &id);
	if (err) {
		v->read = false;
		problem_read(&a->pb, err, TARGET_KVADDR, pd + lp->id, 2,
			     "device %s protection_domain.id", di->name);
		return;
	}
	v->domid = (uint16_t)id;
	if (lp->pd_mode >= 0 && target_read_uint(t, TARGET_KVADDR, pd + lp->pd_mode, 4, &w) == TARGET_OK &&
	    w == PD_MODE_V2) {
		v->v2 = true;	/* root in GCR3 (dev_data.gcr3_info): the DTE's answer stands */
		return;
	}
	switch (lp->kind) {
	case PD_ROOT_NONE:
		v->read = false;
		return;
	case PD_ROOT_GENERIC:
	case PD_ROOT_ATOMIC:
		err = target_read_u64(t, TARGET_KVADDR, pd + lp->root, &w);
		/* generic: the low 3 bits are the 0-based top level;
		 * atomic pt_root: they are the mode itself */
		va = w & ~7ull;
		mode = lp->kind == PD_ROOT_GENERIC ? (unsigned)(w & 7) + 1 : (unsigned)(w & 7);
		break;
	case PD_ROOT_IOP:
		err = target_read_u64(t, TARGET_KVADDR, pd + lp->root, &va);
		if (!err)
			err = target_read_uint(t, TARGET_KVADDR, pd + lp->mode,
					       lp->mode_size > 0 && lp->mode_size <= 8 ? (size_t)lp->mode_size : 4, &w);
		mode = (unsigned)w;
		break;
	}
	if (err) {
		v->read = false;
		problem_read(&a->pb, err, TARGET_KVADDR, pd + lp->root, 8,
			     "device %s protection domain %u page-table root", di->name, v->domid);
		return;
	}
	if (!va || mode == 0) {
		v->identity = mode == 0 && va == 0;	/* no table: pass-through */
		return;
	}
	if (mode > 6 || !direct_pa(a, va, &v->root)) {
		v->read = false;
		problem_add(&a->pb, PROBLEM_CORRUPT, di->name,
			    "protection domain %u: root %#llx, mode %u is not a page table in the direct map",
			    v->domid, (unsigned long long)va, mode);
		return;
	}
	v->mode = mode;
	v->translated = true;
}

/* The DTE says what the software view says. */
static bool agrees(const struct dev_info *di)
{
	const struct sw_view *v = &di->sw;

	if (v->translated)
		return di->cls == AMDVI_DTE_TRANSLATED && di->dte.domid == v->domid &&
		       di->dte.pt_root == v->root && di->dte.mode == v->mode;
	if (v->identity)
		return di->cls == AMDVI_DTE_PASSTHROUGH;
	if (!v->attached)
		return di->cls == AMDVI_DTE_BLOCKED;
	return true;
}

/*
 * A DTE with V=0 for a device the crashed kernel had attached to a domain:
 * no kernel leaves an attached device's DTE invalid (every era sets V up
 * to last_bdf at init and keeps it), so the table is damaged there.  The
 * device's answer is the kernel's own view, and a problem says so.  An
 * unattached (or unreadable) one is dropped: nothing to tell.
 */
static bool keep_not_valid(struct analysis *a, const struct dev_info *di)
{
	if (!di->sw.read || !di->sw.attached || di->sw.v2)
		return false;
	problem_add(&a->pb, PROBLEM_CORRUPT, di->name,
		    "DTE is not valid (V=0), but the crashed kernel had attached the device to %s "
		    "(iommu_dev_data): the kernel's view is used", di->sw.identity ? "an identity domain" : "a domain");
	return true;
}

static int by_devid(const void *x, const void *y)
{
	const struct dev_info *p = x, *q = y;

	if (p->segment != q->segment)
		return p->segment < q->segment ? -1 : 1;
	return (p->devid > q->devid) - (p->devid < q->devid);
}

void pass_crashed_view(const struct target *t, struct analysis *a)
{
	const struct layout_pdom *lp = &a->amd.lay.pdom;
	size_t kept = 0;
	bool resort = false;

	for (size_t i = 0; i < a->n_devs; i++) {
		struct dev_info *di = &a->devs[i];

		di->dump_dte = di->dte;
		di->dump_cls = di->cls;
		if (!di->dev_data || lp->dev_data_domain < 0 || lp->id < 0) {
			if (di->dte_not_valid)
				di->dev_data = 0;	/* dropped below */
			continue;
		}
		read_view(t, a, di);
		if (di->dte_not_valid && !keep_not_valid(a, di)) {
			di->dev_data = 0;	/* dropped below */
			continue;
		}
		if (!di->sw.read || di->sw.v2 || di->cls == AMDVI_DTE_GUEST)
			continue;	/* unverified: the DTE's answer stands */
		if (agrees(di)) {
			di->dte_state = DTE_CRASHED;
			continue;
		}
		di->dte_state = DTE_REWRITTEN;
		di->from_dev_data = true;
		/* the device's answer becomes the crashed kernel's */
		if (di->sw.translated) {
			di->cls = AMDVI_DTE_TRANSLATED;
			di->dte.tv = true;
			di->dte.domid = di->sw.domid;
			di->dte.pt_root = di->sw.root;
			di->dte.mode = di->sw.mode;
		} else {
			di->cls = di->sw.identity ? AMDVI_DTE_PASSTHROUGH : AMDVI_DTE_BLOCKED;
			di->dte.mode = 0;
			di->dte.domid = di->sw.domid;
		}
	}
	/* drop the V=0 DTEs found through iommu_dev_data that told nothing;
	 * keep the others in devid order */
	for (size_t i = 0; i < a->n_devs; i++) {
		if (!a->devs[i].dte_not_valid)
			a->devs[kept++] = a->devs[i];
		else if (a->devs[i].dev_data)
			a->devs[kept++] = a->devs[i], resort = true;
	}
	a->n_devs = kept;
	if (resort)
		qsort(a->devs, a->n_devs, sizeof(*a->devs), by_devid);
}
