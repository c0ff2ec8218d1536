/*
 * The translation structures of each DMAR unit, walked from its root
 * table: root entries (one per bus) -> context entries (one per devfn;
 * 128-bit legacy, or 256-bit in a lower and an upper table in scalable
 * mode) -> in scalable mode the PASID directory and the RID_PASID (0)
 * PASID-table entry.  Every present context entry becomes a device, every
 * translating one names a domain (unit, domain ID, page-table root) for the
 * walk.  These are the hardware's tables, the same in every kernel era;
 * the kernel's own structures (dmar_domain, and generic_pt's from 7.x) are
 * not needed to read them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/vtd/tables.h"
#include "core/passes.h"
#include "vtd/context.h"
#include "vtd/pasid.h"
#include "vtd/root.h"

const char *vtd_dev_class_name(enum vtd_dev_class c)
{
	switch (c) {
	case VTD_DEV_TRANSLATED:	return "translated";
	case VTD_DEV_PASSTHROUGH:	return "passthrough";
	case VTD_DEV_BLOCKED:		return "blocked";
	case VTD_DEV_BAD:		return "bad";
	}
	return "?";
}

static struct dev_info *add_dev(struct analysis *a, const struct vtd_unit *u, uint16_t devid)
{
	struct dev_info *di = analysis_new_dev(a, IOMMU_VENDOR_INTEL, u->segment, devid, u->index);

	if (!di)
		return NULL;
	di->vtd.unit = u->index;
	di->vtd.sm = u->sm;
	snprintf(di->name, sizeof(di->name), "%04x:%02x:%02x.%x", u->segment, devid >> 8, (devid >> 3) & 0x1f,
		 devid & 7);
	di->name_source = DEV_NAME_DEVID;
	return di;
}

/* The RID_PASID entry of a scalable-mode context: directory entry 0,
 * table entry 0. */
static void read_rid_pasid(const struct target *t, struct analysis *a, const struct vtd_unit *u,
			   struct dev_info *di, const struct vtd_sm_context_entry *ce)
{
	struct vtd_pasid_dir_entry de;
	struct vtd_pasid_entry pe;
	struct vtd_pasid_walk w;
	uint64_t dir0;
	enum target_err err;

	err = target_read_u64(t, TARGET_PHYSADDR, ce->pasid_dir, &dir0);
	if (err) {
		problem_read(&a->pb, err, TARGET_PHYSADDR, ce->pasid_dir, 8, "%s %s: PASID directory", u->name,
			     di->name);
		di->vtd.cls = VTD_DEV_BAD;
		return;
	}
	if (vtd_pasid_dir_entry_decode(dir0, &de) || !de.present) {
		di->vtd.cls = VTD_DEV_BLOCKED;
		return;
	}
	err = target_read(t, TARGET_PHYSADDR, de.table, di->vtd.pasid_entry, sizeof(di->vtd.pasid_entry));
	if (err) {
		problem_read(&a->pb, err, TARGET_PHYSADDR, de.table, 64, "%s %s: PASID table", u->name, di->name);
		di->vtd.cls = VTD_DEV_BAD;
		return;
	}
	di->vtd.pasid_read = true;
	if (vtd_pasid_entry_decode(di->vtd.pasid_entry, &pe) || !pe.present) {
		di->vtd.cls = VTD_DEV_BLOCKED;
		return;
	}
	di->vtd.pgtt = pe.pgtt;
	di->vtd.did = pe.did;
	di->vtd.aw = pe.aw;
	if (vtd_pasid_entry_walk(&pe, &w) != VTD_OK) {
		di->vtd.cls = VTD_DEV_BAD;
		return;
	}
	switch (w.kind) {
	case VTD_PASID_WALK_PASS_THROUGH:
		di->vtd.cls = VTD_DEV_PASSTHROUGH;
		break;
	case VTD_PASID_WALK_FIRST_LEVEL:
	case VTD_PASID_WALK_NESTED:	/* the first level maps the device's IOVAs */
		di->vtd.cls = VTD_DEV_TRANSLATED;
		di->vtd.first_level = true;
		di->vtd.pt_root = w.fl_root;
		di->vtd.levels = w.fl_levels;
		break;
	case VTD_PASID_WALK_SECOND_LEVEL:
		di->vtd.cls = VTD_DEV_TRANSLATED;
		di->vtd.pt_root = w.sl_root;
		di->vtd.levels = w.sl_levels;
		break;
	default:
		di->vtd.cls = VTD_DEV_BAD;
		break;
	}
}

static void context_entry(const struct target *t, struct analysis *a, const struct vtd_unit *u,
			  uint8_t bus, unsigned devfn, const uint64_t *raw)
{
	struct dev_info *di;

	if (u->sm) {
		struct vtd_sm_context_entry ce;

		if (vtd_sm_context_decode(raw, &ce) || !ce.present)
			return;
		di = add_dev(a, u, (uint16_t)(bus << 8 | devfn));
		if (!di)
			return;
		memcpy(di->vtd.context, raw, 4 * sizeof(uint64_t));
		read_rid_pasid(t, a, u, di, &ce);
		return;
	}
	struct vtd_context_entry ce;

	if (vtd_context_decode(raw, &ce) || !ce.present)
		return;
	di = add_dev(a, u, (uint16_t)(bus << 8 | devfn));
	if (!di)
		return;
	memcpy(di->vtd.context, raw, 2 * sizeof(uint64_t));
	di->vtd.tt = ce.tt;
	di->vtd.did = ce.did;
	di->vtd.aw = ce.aw;
	switch (vtd_context_classify(&ce)) {
	case VTD_CTX_TRANSLATED:
		di->vtd.cls = vtd_context_walk_root(&ce, &di->vtd.pt_root, &di->vtd.levels) == VTD_OK ?
			      VTD_DEV_TRANSLATED : VTD_DEV_BAD;
		break;
	case VTD_CTX_PASSTHROUGH:
		di->vtd.cls = VTD_DEV_PASSTHROUGH;
		break;
	default:
		di->vtd.cls = VTD_DEV_BAD;
		break;
	}
}

/* One context table (legacy: devfn 0-255; SM: half of them). */
static void context_table(const struct target *t, struct analysis *a, const struct vtd_unit *u,
			  uint8_t bus, uint64_t table_pa, unsigned first_devfn)
{
	uint64_t *tbl = malloc(4096);
	unsigned esize = u->sm ? VTD_CONTEXT_SIZE_SM : VTD_CONTEXT_SIZE_LEGACY;
	enum target_err err;

	if (!tbl)
		return;
	err = target_read(t, TARGET_PHYSADDR, table_pa, tbl, 4096);
	if (err) {
		problem_read(&a->pb, err, TARGET_PHYSADDR, table_pa, 4096, "%s: context table of bus %02x",
			     u->name, bus);
		a->vtd.tables_incomplete = true;
	} else {
		for (unsigned i = 0; i < 4096 / esize; i++)
			context_entry(t, a, u, bus, first_devfn + i, &tbl[i * esize / 8]);
	}
	free(tbl);
}

static void unit_tables(const struct target *t, struct analysis *a, const struct vtd_unit *u)
{
	uint64_t root[512];
	enum target_err err;

	if (!u->read_ok || !u->root_pa)
		return;
	err = target_read(t, TARGET_PHYSADDR, u->root_pa, root, sizeof(root));
	if (err) {
		problem_read(&a->pb, err, TARGET_PHYSADDR, u->root_pa, 4096, "%s: root table", u->name);
		a->vtd.tables_incomplete = true;
		return;
	}
	for (unsigned bus = 0; bus < VTD_ROOT_ENTRIES; bus++) {
		struct vtd_root_entry re;

		if (vtd_root_entry_decode(&root[bus * 2], &re))
			continue;
		if (!u->sm) {
			if (re.present)
				context_table(t, a, u, (uint8_t)bus, re.ctp, 0);
			continue;
		}
		if (re.lower_present)
			context_table(t, a, u, (uint8_t)bus, re.lctp, 0);
		if (re.upper_present)
			context_table(t, a, u, (uint8_t)bus, re.uctp, VTD_SM_CONTEXT_PER_TABLE);
	}
}

void vtd_devices_read(const struct target *t, struct analysis *a)
{
	size_t first = a->n_devs;

	for (size_t i = 0; i < a->vtd.n_units; i++)
		unit_tables(t, a, &a->vtd.units[i]);
	/* the domains: (unit, domain ID) with one root */
	for (size_t i = first; i < a->n_devs; i++) {
		struct dev_info *di = &a->devs[i];
		struct domain_info *dom = NULL;

		if (di->vendor != IOMMU_VENDOR_INTEL || di->vtd.cls != VTD_DEV_TRANSLATED)
			continue;
		for (size_t k = 0; k < a->n_doms && !dom; k++)
			if (analysis_dev_uses_domain(di, &a->doms[k]))
				dom = &a->doms[k];
		if (dom) {
			dom->n_devices++;
			if (dom->root != di->vtd.pt_root || dom->mode != di->vtd.levels) {
				char what[64];

				snprintf(what, sizeof(what), "%s domain %u", a->vtd.units[di->vtd.unit].name, di->vtd.did);
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
		dom->vendor = IOMMU_VENDOR_INTEL;
		dom->unit = di->vtd.unit;
		dom->segment = di->segment;
		dom->domid = di->vtd.did;
		dom->root = di->vtd.pt_root;
		dom->mode = di->vtd.levels;
		dom->first_level = di->vtd.first_level;
		dom->n_devices = 1;
	}
}
