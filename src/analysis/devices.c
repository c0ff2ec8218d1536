/*
 * Devices: every valid DTE, with the PCI name and driver the kernel knew for
 * it, and the translated domains those DTEs name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "analysis/passes.h"

#define DEV_DATA_MAX 65536	/* bound on the dev_data list walk */

static int iommu_of_segment(const struct inventory *inv, uint16_t seg)
{
	for (size_t i = 0; i < inv->n_iommus; i++)
		if (inv->iommus[i].segment == seg)
			return inv->iommus[i].index;
	return -1;
}

static bool wanted(const struct analysis_options *opt, uint16_t seg, uint16_t devid, int iommu)
{
	if (opt->iommu >= 0 && iommu != opt->iommu)
		return false;
	if (opt->devid >= 0 && (devid != opt->devid || (opt->segment >= 0 && seg != opt->segment)))
		return false;
	return true;
}

/* Reads a NUL-terminated kernel string of at most len-1 bytes.  On a failed
 * read, *err says why (an empty string is not an error). */
static bool read_string(const struct target *t, uint64_t addr, char *buf, size_t len,
			enum target_err *err)
{
	size_t n = 0;

	*err = TARGET_OK;
	if (!addr || len == 0)
		return false;
	while (n + 1 < len) {
		char c;

		*err = target_read(t, TARGET_KVADDR, addr + n, &c, 1);
		if (*err != TARGET_OK) {
			buf[0] = '\0';
			return false;
		}
		if (c == '\0')
			break;
		buf[n++] = (char)((c >= 0x20 && c < 0x7f) ? c : '?');
	}
	buf[n] = '\0';
	return n > 0;
}

/* Follows a char * at ptr_addr into buf.  A failed read becomes a problem
 * naming the device and the field (an excluded page is counted as such). */
static void read_name_field(const struct target *t, struct analysis *a, const struct dev_info *di,
			    uint64_t ptr_addr, char *buf, size_t len, const char *field)
{
	uint64_t p;
	enum target_err err = target_read_u64(t, TARGET_KVADDR, ptr_addr, &p);
	uint64_t at = ptr_addr;

	if (err == TARGET_OK) {
		if (!p || read_string(t, p, buf, len, &err) || err == TARGET_OK)
			return;
		at = p;
	}
	problem_read(&a->pb, err, TARGET_KVADDR, at, 8, "device %s %s", di->name, field);
}

static struct dev_info *find_dev(struct analysis *a, uint16_t seg, uint16_t devid)
{
	for (size_t i = 0; i < a->n_devs; i++)
		if (a->devs[i].segment == seg && a->devs[i].devid == devid)
			return &a->devs[i];
	return NULL;
}

/* Names devices from the kernel's iommu_dev_data list: devid, then
 * dev->kobj.name and dev->driver->name. */
static void name_devices(const struct target *t, struct analysis *a, const struct inv_segment *seg)
{
	const struct layout *lay = &a->lay;
	uint64_t node = seg->dev_data_list;
	size_t n = 0;

	if (lay->dev_data.dev_data_list < 0 || lay->dev_data.devid < 0 || lay->dev_data.dev < 0)
		return;
	while (node && n++ < DEV_DATA_MAX) {
		uint64_t dd = node - (uint64_t)lay->dev_data.dev_data_list, devid, dev, p;
		struct dev_info *di;

		if (target_read_uint(t, TARGET_KVADDR, dd + lay->dev_data.devid, 2, &devid) ||
		    target_read_u64(t, TARGET_KVADDR, dd + lay->dev_data.dev, &dev)) {
			problem_read(&a->pb, TARGET_E_INVALID, TARGET_KVADDR, dd, 8,
				     "iommu_dev_data@%#llx (device names)", (unsigned long long)dd);
			return;
		}
		di = find_dev(a, seg->id, (uint16_t)devid);
		if (di && dev) {
			char name[sizeof(di->name)] = "";

			if (lay->device_kobj >= 0 && lay->kobject_name >= 0) {
				read_name_field(t, a, di, dev + lay->device_kobj + lay->kobject_name,
						name, sizeof(name), "name (struct device.kobj.name)");
				if (name[0])
					memcpy(di->name, name, sizeof(name));
			}
			/* driver names live in module memory, which some dumps lack */
			if (lay->device_driver >= 0 && lay->device_driver_name >= 0) {
				enum target_err err = target_read_u64(t, TARGET_KVADDR, dev + lay->device_driver, &p);

				if (err)
					problem_read(&a->pb, err, TARGET_KVADDR, dev + lay->device_driver, 8,
						     "device %s driver (struct device.driver)", di->name);
				else if (p)
					read_name_field(t, a, di, p + lay->device_driver_name, di->driver,
							sizeof(di->driver), "driver (struct device_driver.name)");
			}
		}
		if (target_read_u64(t, TARGET_KVADDR, node, &node) != TARGET_OK)	/* llist_node.next */
			break;
	}
	if (n > DEV_DATA_MAX)
		problem_add(&a->pb, PROBLEM_LIMIT, "dev_data_list", "more than %d entries: stopped", DEV_DATA_MAX);
}

void pass_devices(const struct target *t, struct analysis *a)
{
	size_t cap = 0;

	for (size_t s = 0; s < a->inv.n_segs; s++) {
		const struct inv_segment *seg = &a->inv.segs[s];
		int iommu = iommu_of_segment(&a->inv, seg->id);

		for (size_t i = 0; i < seg->n_dte; i++) {
			struct amdvi_dte d;
			struct dev_info *di;

			if (!seg->dte_ok[i] || amdvi_dte_decode(seg->dte[i], a->inv.sme_me_mask, &d) || !d.v)
				continue;
			if (!wanted(&a->opt, seg->id, (uint16_t)i, iommu))
				continue;
			if (a->n_devs == cap) {
				cap = cap ? cap * 2 : 64;
				di = realloc(a->devs, cap * sizeof(*di));
				if (!di)
					return;
				a->devs = di;
			}
			di = &a->devs[a->n_devs++];
			memset(di, 0, sizeof(*di));
			di->segment = seg->id;
			di->devid = (uint16_t)i;
			di->iommu = iommu;
			di->dte = d;
			di->cls = amdvi_dte_classify(&d);
			snprintf(di->name, sizeof(di->name), "%04x:%02x:%02x.%x", seg->id,
				 (unsigned)(i >> 8), (unsigned)((i >> 3) & 0x1f), (unsigned)(i & 7));
		}
		name_devices(t, a, seg);
	}
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
			if (a->doms[k].segment == di->segment && a->doms[k].domid == di->dte.domid)
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
