// SPDX-License-Identifier: GPL-2.0
/*
 * edu_fault: leave an IO_PAGE_FAULT unprocessed in the crashed kernel's AMD
 * IOMMU event log (tests/dumps/scenarios/events.conf).
 *
 * At load it enables QEMU's "edu" device (the lab puts it at 00:07.0; it has
 * no driver, so it sits in its default DMA domain, whose page table maps
 * nothing) as a bus master and registers a panic notifier.  At the panic
 * (the scenario boots with crash_kexec_post_notifiers, so the notifiers run
 * before kdump), with interrupts already off, it asks the edu to read `count`
 * bytes from bus address `iova` into its own buffer and polls until the edu
 * says the transfer is over (at most `timeout_us`).  The IOMMU finds nothing
 * mapped there and writes IO_PAGE_FAULT to its event log; the panicking
 * kernel no longer takes the interrupt, so the entry is still in the event
 * buffer, unprocessed, when the dump is taken.  It needs an IOMMU that reports
 * faults (the lab's QEMU=lab-faults).  The module cannot be unloaded.
 *
 * The edu's registers (QEMU hw/misc/edu.c): 0x00 identification, 0x80 DMA
 * source, 0x88 DMA destination, 0x90 count, 0x98 command/status (bit 0
 * start/running, bit 1 direction: 0 reads from the bus into the edu's buffer
 * at 0x40000).
 *
 * With when=load the read is made at once, when the module loads, and no
 * notifier is registered: the lazy scenario loads it so in the capture
 * kernel (tests/dumps/scenarios/lazy.conf).
 */
#include <linux/module.h>
#include <linux/pci.h>
/* 5.14 split panic_notifier.h out of kernel.h ("kernel.h: split out panic
 * and oops helpers"); 5.10 declares panic_notifier_list in kernel.h. */
#if __has_include(<linux/panic_notifier.h>)
#include <linux/panic_notifier.h>
#endif
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/dma-mapping.h>

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_ID		0x00
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_RUN	0x1
#define EDU_BUF_ADDR	0x40000

static unsigned long iova = 0x0badf000UL;
module_param(iova, ulong, 0444);
MODULE_PARM_DESC(iova, "bus address the edu reads at the panic (unmapped; below 256 MiB, the edu's DMA mask)");
static unsigned int count = 8;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "bytes to read (at most 4096)");
static unsigned int timeout_us = 1000000;
module_param(timeout_us, uint, 0444);
MODULE_PARM_DESC(timeout_us, "how long to wait for the edu at the panic");

static struct pci_dev *edu;
static void __iomem *regs;

static char *when = "panic";
module_param(when, charp, 0444);
MODULE_PARM_DESC(when, "panic: from a panic notifier (default); load: at once, when the module loads");

static bool attach;
module_param(attach, bool, 0444);
MODULE_PARM_DESC(attach, "with when=load: map and unmap a page for the edu first, as a driver's first DMA mapping would");

/*
 * A kdump kernel that copied (or reused) the device table defers attaching a
 * device to a domain of its own until the device's first DMA mapping
 * (iommu_deferred_attach, called by dma-iommu's map paths): until then the
 * device translates through the crashed kernel's domain, and a fault is logged
 * as "Device not attached to domain properly", without its address.  One
 * mapping attaches it, as a driver loading in the capture kernel would.
 */
static void attach_now(void)
{
	void *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	dma_addr_t h;

	if (!buf || dma_set_mask_and_coherent(&edu->dev, DMA_BIT_MASK(28))) {
		pr_err("edu_fault: cannot prepare a mapping for %s\n", pci_name(edu));
		kfree(buf);
		return;
	}
	h = dma_map_single(&edu->dev, buf, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(&edu->dev, h))
		pr_err("edu_fault: mapping a page for %s failed\n", pci_name(edu));
	else
		dma_unmap_single(&edu->dev, h, PAGE_SIZE, DMA_TO_DEVICE);
	kfree(buf);
}

static void edu_read_now(void)
{
	unsigned int waited = 0;
	u32 cmd;

	iowrite32(lower_32_bits(iova), regs + EDU_DMA_SRC);
	iowrite32(EDU_BUF_ADDR, regs + EDU_DMA_DST);
	iowrite32(count, regs + EDU_DMA_COUNT);
	iowrite32(EDU_DMA_RUN, regs + EDU_DMA_CMD);	/* direction 0: bus -> edu */
	while (((cmd = ioread32(regs + EDU_DMA_CMD)) & EDU_DMA_RUN) && waited < timeout_us) {
		udelay(10);
		waited += 10;
	}
	pr_emerg("edu_fault: %s read of %u bytes at bus address %#lx %s after %u us\n",
		 pci_name(edu), count, iova, cmd & EDU_DMA_RUN ? "still running" : "done", waited);
}

static int edu_fault_panic(struct notifier_block *nb, unsigned long event, void *msg)
{
	edu_read_now();
	return NOTIFY_DONE;
}

static struct notifier_block edu_fault_nb = {
	.notifier_call = edu_fault_panic,
	.priority = INT_MAX,	/* before other notifiers */
};

static int __init edu_fault_init(void)
{
	int rc;

	if (strcmp(when, "panic") && strcmp(when, "load")) {
		pr_err("edu_fault: when must be panic or load, not '%s'\n", when);
		return -EINVAL;
	}
	if (iova >= (1UL << 28) || !count || count > 4096) {
		pr_err("edu_fault: iova must be below 256 MiB and count 1..4096\n");
		return -EINVAL;
	}
	edu = pci_get_device(EDU_VENDOR, EDU_DEVICE, NULL);
	if (!edu) {
		pr_err("edu_fault: no QEMU edu device (%04x:%04x)\n", EDU_VENDOR, EDU_DEVICE);
		return -ENODEV;
	}
	if (edu->dev.driver) {
		pr_err("edu_fault: %s is bound to a driver\n", pci_name(edu));
		rc = -EBUSY;
		goto put;
	}
	rc = pci_enable_device(edu);
	if (rc) {
		pr_err("edu_fault: cannot enable %s (%d)\n", pci_name(edu), rc);
		goto put;
	}
	regs = pci_iomap(edu, 0, 0);
	if (!regs) {
		pr_err("edu_fault: cannot map BAR 0 of %s\n", pci_name(edu));
		rc = -ENOMEM;
		goto disable;
	}
	pci_set_master(edu);
	if (!strcmp(when, "load")) {
		/* the lazy scenario's capture kernel: a DMA the crashed kernel's
		 * device could still have had in flight, at an IOVA it unmapped */
		if (attach)
			attach_now();
		edu_read_now();
		return 0;
	}
	atomic_notifier_chain_register(&panic_notifier_list, &edu_fault_nb);
	pr_info("edu_fault: %s (id %#x) will read %u bytes at bus address %#lx at the panic\n",
		pci_name(edu), ioread32(regs + EDU_ID), count, iova);
	return 0;
disable:
	pci_disable_device(edu);
put:
	pci_dev_put(edu);
	return rc;
}
module_init(edu_fault_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("iommu-inflight lab: an unprocessed IO_PAGE_FAULT in the crashed kernel's event log");
