/* Kernel stand-in for <stdbool.h>: the shared library headers in lib/amdvi/
 * include the C library's; in the kernel the same types come from here. */
#ifndef IOMMU_REF_FLUSH_COMPAT_STDBOOL_H
#define IOMMU_REF_FLUSH_COMPAT_STDBOOL_H
#include <linux/types.h>
#include <linux/stddef.h>
#endif
