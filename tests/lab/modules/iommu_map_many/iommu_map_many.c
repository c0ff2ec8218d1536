// SPDX-License-Identifier: GPL-2.0
/*
 * iommu_map_many: the lab's "big" scenario (tests/dumps/scenarios/big.conf).
 *
 * At load, takes one PCI device that has no driver and is alone in its IOMMU
 * group (the lab adds QEMU's "edu" device at 00:07.0 for this), gives it an
 * unmanaged IOMMU domain and maps a large IOVA space through the kernel's IOMMU
 * API:
 *   pages_4k   4 KiB mappings from IOVA iova_4k up, one after the other;
 *   pages_2m   2 MiB mappings from IOVA iova_2m up, one after the other.
 * All of them point into one 2 MiB physically contiguous buffer (4 KiB pages
 * in a stride of 7 pages, so two neighbours are never physically contiguous
 * and stay two extents; the 2 MiB ones all at the buffer), so guest memory is
 * spent on the I/O page tables only.  Every 4th run of 512 4 KiB pages and
 * every 4th 2 MiB page is read-only, the rest read-write.
 * The domain stays attached and nothing is unmapped: the crash dump holds it.
 * Loading fails (-ENODEV, -EBUSY, ...) with a message when the device is not
 * usable.  The module cannot be unloaded.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/iommu.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/version.h>

static char *bdf = "0000:00:07.0";
module_param(bdf, charp, 0444);
MODULE_PARM_DESC(bdf, "PCI device (domain:bus:dev.fn) to give the domain; no driver, alone in its group");
static unsigned long pages_4k = 1000;
module_param(pages_4k, ulong, 0444);
MODULE_PARM_DESC(pages_4k, "number of 4 KiB mappings");
static unsigned long pages_2m = 10;
module_param(pages_2m, ulong, 0444);
MODULE_PARM_DESC(pages_2m, "number of 2 MiB mappings");
static unsigned long iova_4k = 0x40000000UL;        /* 1 GiB */
module_param(iova_4k, ulong, 0444);
MODULE_PARM_DESC(iova_4k, "first IOVA of the 4 KiB mappings");
static unsigned long iova_2m = 0x10000000000UL;     /* 1 TiB */
module_param(iova_2m, ulong, 0444);
MODULE_PARM_DESC(iova_2m, "first IOVA of the 2 MiB mappings (2 MiB aligned)");

#define SZ_4K_ 0x1000UL
#define SZ_2M_ 0x200000UL
#define POOL_ORDER 9          /* 2 MiB */
#define CHUNK 2048            /* scatterlist entries per iommu_map_sg call */
#define STRIDE 7              /* pool pages between two neighbouring 4 KiB mappings */

static struct pci_dev *pdev;
static struct iommu_domain *domain;
static struct page *pool;

static int count_dev(struct device *dev, void *data)
{
	(*(int *)data)++;
	return 0;
}

static ssize_t map_sg(unsigned long iova, struct scatterlist *sg, unsigned int n, int prot)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	return iommu_map_sg(domain, iova, sg, n, prot, GFP_KERNEL);
#else
	return iommu_map_sg(domain, iova, sg, n, prot);
#endif
}

static bool is_readonly(unsigned long k, unsigned long sz)
{
	return (sz == SZ_4K_ ? k / 512 : k) % 4 == 3;
}

/*
 * Map count pages of size sz from iova up, CHUNK scatterlist entries (or up to
 * the next change of protection) per iommu_map_sg call: one IOTLB sync per call
 * instead of one per page.  Neighbouring entries are never physically
 * contiguous, so iommu_map_sg cannot merge them into a larger page size.
 */
static int map_many(unsigned long iova, unsigned long count, unsigned long sz,
		    struct scatterlist *sg, unsigned long *ro)
{
	unsigned long i = 0;

	*ro = 0;
	while (i < count) {
		bool readonly = is_readonly(i, sz);
		unsigned long n = 0, lim = min(count, i + CHUNK);
		ssize_t done;

		while (i + n < lim && is_readonly(i + n, sz) == readonly)
			n++;
		sg_init_table(sg, n);
		for (lim = 0; lim < n; lim++) {
			unsigned long off = sz == SZ_4K_ ? ((i + lim) * STRIDE) % 512 : 0;

			sg_set_page(&sg[lim], pool + off, sz, 0);
		}
		done = map_sg(iova + i * sz, sg, n,
			      readonly ? IOMMU_READ : (IOMMU_READ | IOMMU_WRITE));
		if (done < 0 || (size_t)done != n * sz) {
			pr_err("iommu_map_many: iommu_map_sg at IOVA %#lx (%lu x %#lx) returned %zd\n",
			       iova + i * sz, n, sz, done);
			return done < 0 ? (int)done : -ENOMEM;
		}
		if (readonly)
			*ro += n;
		i += n;
		cond_resched();
	}
	return 0;
}

static int __init iommu_map_many_init(void)
{
	unsigned int seg, bus, dev, fn;
	struct iommu_group *group;
	struct scatterlist *sg;
	unsigned long ro4 = 0, ro2 = 0;
	int n = 0, ret;
	ktime_t t0;

	if (sscanf(bdf, "%x:%x:%x.%x", &seg, &bus, &dev, &fn) != 4) {
		pr_err("iommu_map_many: bad bdf '%s' (want 0000:00:07.0)\n", bdf);
		return -EINVAL;
	}
	if (iova_2m & (SZ_2M_ - 1) || iova_4k & (SZ_4K_ - 1) ||
	    (pages_4k && pages_2m && iova_4k < iova_2m + pages_2m * SZ_2M_ &&
	     iova_2m < iova_4k + pages_4k * SZ_4K_)) {
		pr_err("iommu_map_many: IOVA ranges misaligned or overlapping\n");
		return -EINVAL;
	}
	pdev = pci_get_domain_bus_and_slot(seg, bus, PCI_DEVFN(dev, fn));
	if (!pdev) {
		pr_err("iommu_map_many: no PCI device %s (the lab adds DEVICES=spare at 00:07.0)\n", bdf);
		return -ENODEV;
	}
	ret = -EBUSY;
	if (pdev->dev.driver) {
		pr_err("iommu_map_many: %s has driver %s bound; need a device without one\n",
		       bdf, pdev->dev.driver->name);
		goto put_dev;
	}
	ret = -ENODEV;
	if (!device_iommu_mapped(&pdev->dev)) {
		pr_err("iommu_map_many: %s is not behind an IOMMU\n", bdf);
		goto put_dev;
	}
	group = iommu_group_get(&pdev->dev);
	if (!group)
		goto put_dev;
	iommu_group_for_each_dev(group, &n, count_dev);
	if (n != 1) {
		pr_err("iommu_map_many: %s shares IOMMU group %d with %d other device(s)\n",
		       bdf, iommu_group_id(group), n - 1);
		iommu_group_put(group);
		ret = -EBUSY;
		goto put_dev;
	}
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	domain = iommu_paging_domain_alloc(&pdev->dev);
	if (IS_ERR(domain)) {
		ret = PTR_ERR(domain);
		domain = NULL;
	}
#else
	domain = iommu_domain_alloc(&pci_bus_type);
#endif
	if (!domain) {
		pr_err("iommu_map_many: cannot allocate an unmanaged domain (%d)\n", ret);
		iommu_group_put(group);
		goto put_dev;
	}
	ret = iommu_attach_device(domain, &pdev->dev);
	if (ret) {
		pr_err("iommu_map_many: iommu_attach_device(%s): %d\n", bdf, ret);
		iommu_group_put(group);
		goto free_domain;
	}
	pr_info("iommu_map_many: %s (%04x:%04x) in IOMMU group %d attached to an unmanaged domain (type %#x, pgsize_bitmap %#lx)\n",
		bdf, pdev->vendor, pdev->device, iommu_group_id(group), domain->type,
		domain->pgsize_bitmap);
	iommu_group_put(group);

	ret = -ENOMEM;
	pool = alloc_pages(GFP_KERNEL | __GFP_ZERO, POOL_ORDER);
	sg = kvmalloc_array(CHUNK, sizeof(*sg), GFP_KERNEL);
	if (!pool || !sg) {
		pr_err("iommu_map_many: no memory for the 2 MiB buffer or the scatterlist\n");
		goto out_keep;   /* the domain stays attached: detaching is not worth the code */
	}
	memset(page_address(pool), 0x5a, SZ_4K_);   /* one non-zero page, kept by makedumpfile -d 31 */
	pr_info("iommu_map_many: buffer at phys %#llx, 2 MiB\n",
		(unsigned long long)page_to_phys(pool));

	t0 = ktime_get();
	ret = map_many(iova_4k, pages_4k, SZ_4K_, sg, &ro4);
	if (!ret)
		ret = map_many(iova_2m, pages_2m, SZ_2M_, sg, &ro2);
	kvfree(sg);
	if (ret)
		goto out_keep;
	if (pages_4k)
		pr_info("iommu_map_many: %s mapped IOVA %#lx-%#lx: %lu x 4 KiB (%lu read-only), %lu bytes\n",
			bdf, iova_4k, iova_4k + pages_4k * SZ_4K_ - 1, pages_4k, ro4, pages_4k * SZ_4K_);
	if (pages_2m)
		pr_info("iommu_map_many: %s mapped IOVA %#lx-%#lx: %lu x 2 MiB (%lu read-only), %lu bytes\n",
			bdf, iova_2m, iova_2m + pages_2m * SZ_2M_ - 1, pages_2m, ro2, pages_2m * SZ_2M_);
	pr_info("iommu_map_many: %s total %lu bytes mapped in %lld ms; domain kept attached\n",
		bdf, pages_4k * SZ_4K_ + pages_2m * SZ_2M_,
		ktime_ms_delta(ktime_get(), t0));
	return 0;	/* pdev reference, domain and pool are kept for the dump */

out_keep:
	pr_err("iommu_map_many: failed (%d); the domain stays attached to %s\n", ret, bdf);
	return ret;
free_domain:
	iommu_domain_free(domain);
put_dev:
	pci_dev_put(pdev);
	return ret;
}

module_init(iommu_map_many_init);
/* no module_exit: the mappings are meant to stay until the crash */
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("iommu-inflight lab: map a large IOVA space (4 KiB and 2 MiB) for one device");
