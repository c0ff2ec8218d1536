/* Kernel stand-in for <stdint.h>: the shared library headers in lib/amdvi/
 * include the C library's; in the kernel the same types come from here. */
#ifndef IOMMU_REF_FLUSH_COMPAT_STDINT_H
#define IOMMU_REF_FLUSH_COMPAT_STDINT_H
#include <linux/types.h>
#include <linux/stddef.h>
#endif
