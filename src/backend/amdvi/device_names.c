/*
 * Device names and drivers, from the crashed kernel's iommu_dev_data list
 * (devid, then the struct device's kobject name and its driver's name), and
 * for devices not named that way, from the PCI bus tree.
 * Also records where each device's iommu_dev_data is, for the passes that
 * rebuild the crashed kernel's own view of the device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analysis.h"
#include "core/passes.h"

#define DEV_DATA_MAX 65536	/* bound on the dev_data list walk */

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
static void read_name_field(const struct target *t, struct analysis *a, struct dev_info *di,
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
	di->name_unreadable = true;
	problem_read(&a->pb, err, TARGET_KVADDR, at, 8, "device %s %s", di->name, field);
}

struct dev_info *analysis_find_dev(struct analysis *a, uint16_t seg, uint16_t devid)
{
	for (size_t i = 0; i < a->n_devs; i++)
		if (a->devs[i].segment == seg && a->devs[i].devid == devid)
			return &a->devs[i];
	return NULL;
}

/* Names di from its struct device: kobj.name, then driver->name. */
static void name_from_device(const struct target *t, struct analysis *a, struct dev_info *di,
			     uint64_t dev, enum dev_name_source src)
{
	const struct layout *lay = &a->amd.lay;
	char name[sizeof(di->name)] = "";
	uint64_t p;

	di->dev_kaddr = dev;
	if (lay->device_kobj >= 0 && lay->kobject_name >= 0) {
		read_name_field(t, a, di, dev + lay->device_kobj + lay->kobject_name,
				name, sizeof(name), "name (struct device.kobj.name)");
		if (name[0]) {
			memcpy(di->name, name, sizeof(name));
			di->name_source = src;
		}
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

/* The struct device of an iommu_dev_data, or 0.  6.x and 7.x keep
 * `struct device *dev`; 5.10 kept `struct pci_dev *pdev` (the AMD driver
 * was PCI-only then; the pointer became a struct device when the driver
 * was reworked for non-PCI (ACPI HID) devices and PCI segments, by 6.1),
 * whose struct device is embedded at pci_dev.dev. */
static enum target_err device_of_dev_data(const struct target *t, const struct layout *lay,
					  uint64_t dd, uint64_t *dev)
{
	enum target_err err;
	uint64_t pdev;

	*dev = 0;
	if (lay->dev_data.dev >= 0)
		return target_read_u64(t, TARGET_KVADDR, dd + lay->dev_data.dev, dev);
	if (lay->dev_data.pdev < 0 || lay->pci_dev_dev < 0)
		return TARGET_OK;
	err = target_read_u64(t, TARGET_KVADDR, dd + lay->dev_data.pdev, &pdev);
	if (err == TARGET_OK && pdev)
		*dev = pdev + (uint64_t)lay->pci_dev_dev;
	return err;
}

/*
 * A device the kernel knew (it has an iommu_dev_data) whose DTE was read
 * but has V=0.  Every kernel sets V in each DTE up to last_bdf at init and
 * keeps it set, so this is a damaged table unless the device was never
 * attached; it is kept for the crashed view to decide
 * (pass_crashed_view drops it again when the kernel had not attached it).
 */
static struct dev_info *not_valid_dte(struct analysis *a, const struct inv_segment *seg, uint16_t devid)
{
	struct amdvi_dte d;
	struct dev_info *di;

	if (devid >= seg->n_dte || !seg->dte_ok[devid] ||
	    amdvi_dte_decode(seg->dte[devid], a->amd.inv.sme_me_mask, &d) || d.v)
		return NULL;
	di = analysis_add_dev(a, seg, devid, &d);
	if (di)
		di->dte_not_valid = true;
	return di;
}

/* Names devices from the kernel's iommu_dev_data list: devid, then the
 * device's kobj.name and driver->name; records each dev_data's address. */
void name_devices(const struct target *t, struct analysis *a, const struct inv_segment *seg)
{
	const struct layout *lay = &a->amd.lay;
	uint64_t node = seg->dev_data_list;
	size_t n = 0;

	if (lay->dev_data.dev_data_list < 0 || lay->dev_data.devid < 0)
		return;
	while (node && n++ < DEV_DATA_MAX) {
		uint64_t dd = node - (uint64_t)lay->dev_data.dev_data_list, devid, dev;
		struct dev_info *di;

		if (target_read_uint(t, TARGET_KVADDR, dd + lay->dev_data.devid, 2, &devid) ||
		    device_of_dev_data(t, lay, dd, &dev)) {
			problem_read(&a->pb, TARGET_E_INVALID, TARGET_KVADDR, dd, 8,
				     "iommu_dev_data@%#llx (device names)", (unsigned long long)dd);
			return;
		}
		di = analysis_find_dev(a, seg->id, (uint16_t)devid);
		if (!di)
			di = not_valid_dte(a, seg, (uint16_t)devid);
		if (di)
			di->dev_data = dd;
		if (di && dev)
			name_from_device(t, a, di, dev, DEV_NAME_DEV_DATA);
		if (target_read_u64(t, TARGET_KVADDR, node, &node) != TARGET_OK)	/* llist_node.next */
			break;
	}
	if (n > DEV_DATA_MAX)
		problem_add(&a->pb, PROBLEM_LIMIT, "dev_data_list", "more than %d entries: stopped", DEV_DATA_MAX);
}

/* Devices that can DMA deserve a name; blocked DTEs (every devid the
 * IVRS table covers is valid and blocked until a driver attaches) do not. */
static bool wants_name(const struct dev_info *di)
{
	if (di->vendor == IOMMU_VENDOR_INTEL)
		return di->vtd.cls != VTD_DEV_BLOCKED && di->name_source == DEV_NAME_DEVID;
	return di->cls != AMDVI_DTE_BLOCKED && di->name_source == DEV_NAME_DEVID;
}

/* "SSSS:BB:DD.F" -> segment, devid. */
static bool parse_pci_name(const char *s, uint16_t *seg, uint16_t *devid)
{
	unsigned sg, b, d, f;
	char tail;

	if (sscanf(s, "%4x:%2x:%2x.%1x%c", &sg, &b, &d, &f, &tail) != 4 || b > 0xff || d > 0x1f || f > 7)
		return false;
	*seg = (uint16_t)sg;
	*devid = (uint16_t)(b << 8 | d << 3 | f);
	return true;
}

struct pci_walk {
	const struct target *t;
	struct analysis *a;
	size_t visited, named;
	bool failed;
};

#define PCI_WALK_MAX	65536	/* bound on buses + devices visited (cycles) */
#define PCI_BUS_DEPTH	32

/* The list_head at head: calls fn on each entry's address (node - off). */
static void walk_list(struct pci_walk *w, uint64_t head, long off,
		      void (*fn)(struct pci_walk *, uint64_t, int), int depth)
{
	uint64_t node;

	if (target_read_u64(w->t, TARGET_KVADDR, head, &node) != TARGET_OK) {
		w->failed = true;
		return;
	}
	while (node && node != head && w->visited++ < PCI_WALK_MAX) {
		fn(w, node - (uint64_t)off, depth);
		if (target_read_u64(w->t, TARGET_KVADDR, node, &node) != TARGET_OK) {
			w->failed = true;
			return;
		}
	}
}

static void visit_pci_dev(struct pci_walk *w, uint64_t pdev, int depth)
{
	const struct layout *lay = &w->a->amd.lay;
	uint64_t dev = pdev + (uint64_t)lay->pci_dev_dev, p;
	char name[40] = "";
	enum target_err err;
	uint16_t seg, devid;
	struct dev_info *di;

	(void)depth;
	err = target_read_u64(w->t, TARGET_KVADDR, dev + lay->device_kobj + lay->kobject_name, &p);
	if (err || !read_string(w->t, p, name, sizeof(name), &err) || !parse_pci_name(name, &seg, &devid))
		return;
	di = analysis_find_dev(w->a, seg, devid);
	if (di && wants_name(di)) {
		name_from_device(w->t, w->a, di, dev, DEV_NAME_PCI_LIST);
		w->named++;
	}
}

static void visit_pci_bus(struct pci_walk *w, uint64_t bus, int depth)
{
	const struct layout *lay = &w->a->amd.lay;

	if (depth > PCI_BUS_DEPTH)
		return;
	walk_list(w, bus + lay->pci_bus_devices, lay->pci_dev_bus_list, visit_pci_dev, depth);
	walk_list(w, bus + lay->pci_bus_children, lay->pci_bus_node, visit_pci_bus, depth + 1);
}

/* The fallback: devices that can DMA but were not named through their
 * iommu_dev_data are looked up on the PCI bus tree (pci_root_buses ->
 * bus->devices, bus->children), by their kobject name.  A device that
 * stays unnamed is a problem saying why. */
void name_devices_fallback(const struct target *t, struct analysis *a, enum iommu_vendor vendor)
{
	const struct layout *lay = &a->amd.lay;
	struct pci_walk w = { .t = t, .a = a };
	size_t unnamed = 0;
	uint64_t roots;

	for (size_t i = 0; i < a->n_devs; i++)
		unnamed += a->devs[i].vendor == vendor && wants_name(&a->devs[i]);
	if (!unnamed)
		return;
	if (lay->pci_dev_dev >= 0 && lay->pci_dev_bus_list >= 0 && lay->pci_bus_node >= 0 &&
	    lay->pci_bus_children >= 0 && lay->pci_bus_devices >= 0 && lay->device_kobj >= 0 &&
	    lay->kobject_name >= 0 && target_symbol(t, "pci_root_buses", &roots) == TARGET_OK)
		walk_list(&w, roots, lay->pci_bus_node, visit_pci_bus, 0);
	if (w.visited > PCI_WALK_MAX)
		problem_add(&a->pb, PROBLEM_LIMIT, "pci_root_buses",
			    "more than %d buses and devices (a cycle?): stopped", PCI_WALK_MAX);
	for (size_t i = 0; i < a->n_devs; i++) {
		const struct dev_info *di = &a->devs[i];
		const char *why;

		if (di->vendor != vendor || !wants_name(di) || di->name_unreadable)
			continue;	/* (an unreadable struct device has its read problem) */
		if (vendor == IOMMU_VENDOR_INTEL)
			why = "the VT-d backend names devices from the PCI bus list";
		else if (lay->dev_data.dev < 0 && lay->dev_data.pdev < 0)
			why = "iommu_dev_data has neither `dev` nor `pdev`";
		else if (!di->dev_data)
			why = "no iommu_dev_data for this devid";
		else
			why = "its iommu_dev_data names no device";
		problem_add(&a->pb, PROBLEM_TYPE, di->name,
			    "no device name or driver: %s, and %s; the name is built from the devid",
			    why, w.failed ? "the PCI bus list (pci_root_buses) could not be read"
			    : target_symbol(t, "pci_root_buses", &roots) != TARGET_OK
			    ? "pci_root_buses is not in the symbols" : "it is not on the PCI bus list");
	}
}

const char *dev_name_source_name(enum dev_name_source s)
{
	switch (s) {
	case DEV_NAME_DEVID:		return "devid";
	case DEV_NAME_DEV_DATA:		return "dev_data";
	case DEV_NAME_PCI_LIST:		return "pci_list";
	}
	return "?";
}
