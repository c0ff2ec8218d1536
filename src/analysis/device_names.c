/*
 * Device names and drivers, from the crashed kernel's iommu_dev_data list:
 * devid, then the struct device's kobject name and its driver's name.
 * Also records where each device's iommu_dev_data is, for the passes that
 * rebuild the crashed kernel's own view of the device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "analysis/passes.h"

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

struct dev_info *analysis_find_dev(struct analysis *a, uint16_t seg, uint16_t devid)
{
	for (size_t i = 0; i < a->n_devs; i++)
		if (a->devs[i].segment == seg && a->devs[i].devid == devid)
			return &a->devs[i];
	return NULL;
}

/* Names devices from the kernel's iommu_dev_data list: devid, then
 * dev->kobj.name and dev->driver->name. */
void name_devices(const struct target *t, struct analysis *a, const struct inv_segment *seg)
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
		di = analysis_find_dev(a, seg->id, (uint16_t)devid);
		if (di)
			di->dev_data = dd;
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

