// SPDX-License-Identifier: GPL-2.0
/*
 * dma_attach: in a kdump kernel, give a PCI device that has no driver a DMA
 * domain of the capture kernel's own, as the first DMA mapping of a driver
 * that maps before it resets its device would (tests/dumps/scenarios/vtd-fault.conf).
 *
 * A kdump kernel that copied the crashed kernel's translation tables (Intel
 * VT-d: "Copied translation tables from previous kernel") defers attaching a
 * device to a domain of its own until the device's first DMA mapping
 * (iommu_deferred_attach, from dma-iommu's map paths).  Until then the
 * device translates through the copied context entry, i.e. through the
 * crashed kernel's page tables, and DMA it still has in flight succeeds.
 * This module maps one page for the device `bdf` and unmaps it: the device
 * is then attached to a fresh DMA domain whose tables map nothing the
 * crashed kernel mapped, and its next DMA at an old IOVA faults.  It does
 * not touch the device itself (no reset, no change to bus mastering): a NIC
 * whose receiver the crashed kernel left running keeps fetching its old RX
 * descriptors.  The module stays loaded.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/dma-mapping.h>

static char *bdf = "0000:00:03.0";
module_param(bdf, charp, 0444);
MODULE_PARM_DESC(bdf, "the PCI device (DDDD:BB:DD.F) to attach; it must have no driver");

static int __init dma_attach_init(void)
{
	unsigned int seg, bus, dev, fn;
	struct pci_dev *pdev;
	dma_addr_t h;
	void *buf;
	int rc = 0;

	if (sscanf(bdf, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4 || dev > 31 || fn > 7) {
		pr_err("dma_attach: bdf must be DDDD:BB:DD.F, not '%s'\n", bdf);
		return -EINVAL;
	}
	pdev = pci_get_domain_bus_and_slot(seg, bus, PCI_DEVFN(dev, fn));
	if (!pdev) {
		pr_err("dma_attach: no PCI device %s\n", bdf);
		return -ENODEV;
	}
	if (pdev->dev.driver) {
		pr_err("dma_attach: %s is bound to %s\n", pci_name(pdev), pdev->dev.driver->name);
		rc = -EBUSY;
		goto put;
	}
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf) {
		rc = -ENOMEM;
		goto put;
	}
	h = dma_map_single(&pdev->dev, buf, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(&pdev->dev, h)) {
		pr_err("dma_attach: mapping a page for %s failed\n", pci_name(pdev));
		rc = -EIO;
	} else {
		dma_unmap_single(&pdev->dev, h, PAGE_SIZE, DMA_TO_DEVICE);
		pr_info("dma_attach: %s: mapped and unmapped one page at %pad: attached to a domain of this kernel\n",
			pci_name(pdev), &h);
	}
	kfree(buf);
put:
	pci_dev_put(pdev);
	return rc;
}
module_init(dma_attach_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("iommu-inflight lab: attach a driverless device to a domain of the kdump kernel");
