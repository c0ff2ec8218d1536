// SPDX-License-Identifier: GPL-2.0
/*
 * lazy_unmap: DMA through the DMA API in lazy mode, and a panic right after a
 * burst of unmaps (tests/dumps/scenarios/lazy.conf).
 *
 * QEMU's "edu" device (the lab puts it at 00:07.0; no driver) is translated
 * through its default DMA domain.  A kthread loops: it maps `burst` buffers of
 * 1 to 4 pages with dma_map_single(), has the edu read the first bytes of one
 * of them (a real DMA through the IOMMU: the emulated IOTLB now holds that
 * translation), and unmaps them all.  In lazy mode an unmap clears the PTEs at
 * once and queues the IOVA range in the domain's flush queue; the IOTLB
 * invalidation comes later, for a whole batch (the queue's timer, or a full
 * queue).
 *
 * Which unmapped ranges still wait for that invalidation is known here without
 * reading the flush queue: a kprobe on the domain's flush_iotlb_all operation
 * (the call a flush queue makes to invalidate) counts the invalidations of this
 * domain, and each unmap, done with interrupts off, notes the count right
 * after it.  A range is pending when the domain has not been invalidated
 * since.  One CPU (the lab's guests have one; the module refuses more), so no
 * invalidation can be half done when this module looks, and none can run on
 * another CPU between an unmap and its count.  The edu has no driver: the
 * module uses the DMA API on its behalf, as the edu_fault module does.
 *
 * Writing 1 to /sys/module/lazy_unmap/parameters/panic asks the kthread to
 * panic right after its next burst of unmaps.  With interrupts off from that
 * burst to panic() (the flush timer cannot run), it prints one line per range
 * still pending and a summary, which the lab turns into truth.json:
 *
 *   lazy_unmap: pending 0000:00:07.0 iova=0xfffe000 pages=2 unmapped_jiffies=4294937
 *   lazy_unmap: summary mode=lazy pending=8 unmaps=96 invalidations=11 ... missed=0 hz=250 domain=...
 *
 * The module cannot be unloaded.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/slab.h>

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_RUN	0x1
#define EDU_BUF_ADDR	0x40000

#define MAX_BURST	32
#define MAX_PAGES	4		/* buffer i has 1 + i % MAX_PAGES pages */
#define LOG_SIZE	1024		/* the newest unmaps, newest last */

static unsigned int burst = 8;
module_param(burst, uint, 0444);
MODULE_PARM_DESC(burst, "buffers mapped, read by the edu (one of them) and unmapped per round (1..32)");
static unsigned int gap_ms = 5;
module_param(gap_ms, uint, 0444);
MODULE_PARM_DESC(gap_ms, "pause between rounds");

struct unmap_record {
	dma_addr_t iova;
	unsigned int pages;
	unsigned long jiffies;
	unsigned long invalidations;	/* the domain's count right after the unmap */
};

static struct pci_dev *edu;
static void __iomem *regs;
static struct iommu_domain *domain;
static bool lazy;
static void *buf[MAX_BURST];
static struct task_struct *worker;
static bool panic_requested;
static atomic_long_t invalidations;
static unsigned long unmaps, rounds, dma_reads;
static struct unmap_record unmap_log[LOG_SIZE];

static int flush_iotlb_all_pre(struct kprobe *p, struct pt_regs *regs)
{
	if ((struct iommu_domain *)regs->di == domain)	/* x86-64: first argument */
		atomic_long_inc(&invalidations);
	return 0;
}

static struct kprobe flush_probe = { .pre_handler = flush_iotlb_all_pre };

static int panic_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int rc = kstrtobool(val, &on);

	if (rc)
		return rc;
	WRITE_ONCE(panic_requested, on);
	return 0;
}

static const struct kernel_param_ops panic_ops = { .set = panic_set, .get = param_get_bool };
module_param_cb(panic, &panic_ops, &panic_requested, 0644);
MODULE_PARM_DESC(panic, "1: panic right after the next burst of unmaps");

/* The edu reads `count` bytes at bus address `iova`; about 100 ms of QEMU time. */
static void edu_read(dma_addr_t iova, u32 count)
{
	unsigned int waited_ms = 0;

	iowrite32(lower_32_bits(iova), regs + EDU_DMA_SRC);
	iowrite32(EDU_BUF_ADDR, regs + EDU_DMA_DST);
	iowrite32(count, regs + EDU_DMA_COUNT);
	iowrite32(EDU_DMA_RUN, regs + EDU_DMA_CMD);	/* direction 0: bus -> edu */
	while ((ioread32(regs + EDU_DMA_CMD) & EDU_DMA_RUN) && waited_ms < 2000) {
		usleep_range(1000, 2000);
		waited_ms++;
	}
	if (!(ioread32(regs + EDU_DMA_CMD) & EDU_DMA_RUN))
		dma_reads++;	/* completed reads only */
}

static void report_and_panic(void)
{
	unsigned long now = atomic_long_read(&invalidations);
	unsigned long n = min_t(unsigned long, unmaps, LOG_SIZE), i, pending = 0;

	for (i = 0; i < n; i++) {
		struct unmap_record *r = &unmap_log[(unmaps - n + i) % LOG_SIZE];

		if (!lazy || r->invalidations != now)
			continue;
		pr_emerg("lazy_unmap: pending %s iova=%#llx pages=%u unmapped_jiffies=%lu\n",
			 pci_name(edu), (unsigned long long)r->iova, r->pages, r->jiffies);
		pending++;
	}
	pr_emerg("lazy_unmap: summary mode=%s pending=%lu unmaps=%lu invalidations=%lu rounds=%lu dma_reads=%lu log_complete=%d missed=%lu hz=%d domain=%px\n",
		 lazy ? "lazy" : "strict", pending, unmaps, now, rounds, dma_reads,
		 pending < LOG_SIZE, flush_probe.nmissed, HZ, domain);
	panic("lazy_unmap: panic right after a burst of unmaps");
}

static int lazy_unmap_thread(void *unused)
{
	dma_addr_t iova[MAX_BURST];
	unsigned int i, n;

	while (!kthread_should_stop()) {
		for (n = 0; n < burst; n++) {
			iova[n] = dma_map_single(&edu->dev, buf[n], (1 + n % MAX_PAGES) * PAGE_SIZE,
						 DMA_TO_DEVICE);
			if (dma_mapping_error(&edu->dev, iova[n]))
				break;
		}
		if (n)
			edu_read(iova[rounds % n], 64);
		/* Interrupts off for the unmaps: no flush timer between an unmap and its count. */
		local_irq_disable();
		for (i = 0; i < n; i++) {
			struct unmap_record *r = &unmap_log[unmaps % LOG_SIZE];

			dma_unmap_single(&edu->dev, iova[i], (1 + i % MAX_PAGES) * PAGE_SIZE,
					 DMA_TO_DEVICE);
			r->iova = iova[i];
			r->pages = 1 + i % MAX_PAGES;
			r->jiffies = jiffies;
			r->invalidations = atomic_long_read(&invalidations);
			unmaps++;
		}
		rounds++;
		if (READ_ONCE(panic_requested))
			report_and_panic();	/* interrupts still off */
		local_irq_enable();
		msleep(gap_ms);
	}
	return 0;
}

static bool domain_is_lazy(struct iommu_domain *dom)
{
#ifdef IOMMU_DOMAIN_DMA_FQ
	/* 5.15 "iommu: Introduce explicit type for non-strict DMA domains" */
	return dom->type == IOMMU_DOMAIN_DMA_FQ;
#else
	/* 5.10: the driver tells dma-iommu whether to use a flush queue */
	int attr = 0;

	return !iommu_domain_get_attr(dom, DOMAIN_ATTR_DMA_USE_FLUSH_QUEUE, &attr) && attr;
#endif
}

static int __init lazy_unmap_init(void)
{
	unsigned int i;
	int rc;

	/* one CPU: no flush can run between an unmap and its count (see the top) */
	if (num_possible_cpus() != 1) {
		pr_err("lazy_unmap: needs a machine with one CPU, this one has %u\n", num_possible_cpus());
		return -EINVAL;
	}
	if (!burst || burst > MAX_BURST) {
		pr_err("lazy_unmap: burst must be 1..%d\n", MAX_BURST);
		return -EINVAL;
	}
	edu = pci_get_device(EDU_VENDOR, EDU_DEVICE, NULL);
	if (!edu) {
		pr_err("lazy_unmap: no QEMU edu device (%04x:%04x)\n", EDU_VENDOR, EDU_DEVICE);
		return -ENODEV;
	}
	rc = -EBUSY;
	if (edu->dev.driver) {
		pr_err("lazy_unmap: %s is bound to a driver\n", pci_name(edu));
		goto put;
	}
	rc = -ENODEV;
	domain = iommu_get_domain_for_dev(&edu->dev);
	if (!domain || !domain->ops || !domain->ops->flush_iotlb_all) {
		pr_err("lazy_unmap: %s has no IOMMU domain that can be invalidated\n", pci_name(edu));
		goto put;
	}
	lazy = domain_is_lazy(domain);
	rc = pci_enable_device(edu);
	if (rc)
		goto put;
	rc = dma_set_mask_and_coherent(&edu->dev, DMA_BIT_MASK(28));	/* the edu's DMA reach */
	if (rc)
		goto disable;
	rc = -ENOMEM;
	regs = pci_iomap(edu, 0, 0);
	if (!regs)
		goto disable;
	for (i = 0; i < burst; i++) {
		buf[i] = kmalloc(MAX_PAGES * PAGE_SIZE, GFP_KERNEL);	/* page aligned */
		if (!buf[i])
			goto free;
		memset(buf[i], 0x5a, MAX_PAGES * PAGE_SIZE);
	}
	pci_set_master(edu);
	flush_probe.addr = (kprobe_opcode_t *)domain->ops->flush_iotlb_all;
	rc = register_kprobe(&flush_probe);
	if (rc) {
		pr_err("lazy_unmap: cannot probe %ps (%d)\n", domain->ops->flush_iotlb_all, rc);
		goto free;
	}
	worker = kthread_run(lazy_unmap_thread, NULL, "lazy_unmap");
	if (IS_ERR(worker)) {
		rc = PTR_ERR(worker);
		unregister_kprobe(&flush_probe);
		goto free;
	}
	pr_info("lazy_unmap: %s, %s domain %px (type %#x), invalidations counted at %ps; %u buffers per round\n",
		pci_name(edu), lazy ? "lazy" : "strict", domain, domain->type,
		domain->ops->flush_iotlb_all, burst);
	return 0;
free:
	for (i = 0; i < burst; i++)
		kfree(buf[i]);
	pci_iounmap(edu, regs);
disable:
	pci_disable_device(edu);
put:
	pci_dev_put(edu);
	return rc;
}
module_init(lazy_unmap_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("iommu-inflight lab: lazy-mode unmaps left pending in a flush queue at the panic");
