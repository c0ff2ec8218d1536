// SPDX-License-Identifier: GPL-2.0
/*
 * labnop: the smallest module a lab scenario can insert (MODULE=labnop). It only
 * logs that it was loaded. Template for the reference-flush module; see docs/lab.md.
 */
#include <linux/module.h>
#include <linux/printk.h>

static int __init labnop_init(void)
{
	pr_info("labnop: loaded\n");
	return 0;
}

static void __exit labnop_exit(void)
{
}

module_init(labnop_init);
module_exit(labnop_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("iommu-inflight lab: no-op module (template)");
