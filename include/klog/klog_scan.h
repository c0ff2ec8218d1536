/*
 * klog internals: the scanning primitives the line recognisers share
 * (amdvi_line.c, driver_msgs.c, ratelimit.c, dmar_line.c, dmar_msgs.c), and
 * the recognisers' parts.
 * Everything scans s[i..n) by hand; nothing allocates.  Not an API: only
 * src/klog includes this.
 */
#ifndef IOMMU_INFLIGHT_KLOG_SCAN_H
#define IOMMU_INFLIGHT_KLOG_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "klog/klog.h"

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

static inline int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A character of a driver name, a function name or a key. */
static inline bool tok_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-' ||
	       c == '.';
}

static inline bool starts(const char *s, size_t n, size_t i, const char *lit, size_t ll)
{
	return i + ll <= n && !memcmp(s + i, lit, ll);
}
/* In a function scanning s[i..n): does the text at i start with lit? */
#define STARTS(lit) starts(s, n, i, lit, sizeof(lit) - 1)

static inline size_t skip_sp(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

/* Only spaces (or nothing) from i to the end. */
static inline bool rest_blank(const char *s, size_t n, size_t i)
{
	return skip_sp(s, n, i) == n;
}

/* Up to maxd hex digits at s[i]; returns digits read. */
static inline size_t hex_digits(const char *s, size_t n, size_t i, size_t maxd, uint64_t *v)
{
	size_t k = 0;
	uint64_t x = 0;
	while (i + k < n && k < maxd) {
		int h = hexval(s[i + k]);
		if (h < 0)
			break;
		x = (x << 4) | (uint64_t)h;
		k++;
	}
	*v = x;
	return k;
}

/* Decimal digits at s[i] (at most 9) into an int; false when none. */
static inline bool parse_int(const char *s, size_t n, size_t i, int *v, size_t *end)
{
	size_t k = i;
	int x = 0;
	while (k < n && is_digit(s[k]) && k - i < 9)
		x = x * 10 + (s[k++] - '0');
	if (k == i)
		return false;
	*v = x;
	*end = k;
	return true;
}

static inline void copy_str(char *dst, size_t cap, const char *s, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, s, len);
	dst[len] = 0;
}

/* ------------------------------------------------------------ PCI names */

struct klog_pciname {
	bool has_seg;
	uint16_t seg;
	uint8_t bus, dev, fn;
};

/* "SSSS:BB:DD.F" or "BB:DD.F" at s[i]; returns the index after it, or 0. */
size_t klog_parse_pci(const char *s, size_t n, size_t i, struct klog_pciname *pn);
/* Sets the record's device (bdf, and segment when the name has one). */
void klog_set_dev(struct klog_record *r, const struct klog_pciname *pn);

/* ------------------------------------------------------- driver_msgs.c */

/* The driver's fixed-text messages (timeouts, overflows, kdump markers) at
 * s[i], after the prefix and the tag.  `tagged`: the line carried the
 * "AMD-Vi: " / "AMD IOMMU: " tag or an "iommu ivhdN: " prefix (wording other
 * drivers could print is taken only then).  Fills the record's type and
 * fields; false when the text is none of them. */
bool klog_driver_msg_parse(const char *s, size_t n, size_t i, bool tagged, struct klog_record *r);
/* The driver's informational lines (init: "Found IOMMU cap", "Extended
 * features", ...) at s[i]: known, and of no interest to the analysis. */
bool klog_driver_info_known(const char *s, size_t n, size_t i);

/* --------------------------------------------------------- ratelimit.c */

enum klog_rl_owner {
	KLOG_RL_NONE,		/* not a ratelimit summary */
	KLOG_RL_AMD,		/* ours: tagged (or ivhdN), or an AMD IOMMU driver function */
	KLOG_RL_GLOBAL,		/* a limiter every caller shares (printk_ratelimit, net_ratelimit) */
	KLOG_RL_MAYBE,		/* another function, or none (a device's prefix may name it):
				 * ours only if an AMD-Vi line follows at once */
	KLOG_RL_INTEL,		/* an Intel VT-d driver function (dmar_fault): the record
				 * is filled, the VT-d recogniser takes it */
};

/* "[func: ]N callbacks suppressed" at s[i].  For KLOG_RL_AMD and
 * KLOG_RL_MAYBE the record is filled (type, suppressed, function).
 * `tagged`: the tag or an "iommu ivhdN:" prefix. */
enum klog_rl_owner klog_ratelimit_parse(const char *s, size_t n, size_t i, bool tagged, struct klog_record *r);

/* ---------------------------------------------------------- dmar_msgs.c */

/* VT-d's fixed-text messages at s[i], after the prefix and the tags: kdump
 * markers, invalidation mode, unit and init lines (docs/log-formats.md
 * section 7).  `tagged`: the line carried "DMAR:", "DMAR-IR:" or "dmar:"
 * (generic wording is taken only then).  Fills the record's type and
 * fields; false when the text is none of them. */
bool klog_dmar_msg_parse(const char *s, size_t n, size_t i, bool tagged, struct klog_record *r);
/* VT-d's informational lines (ACPI DMAR table, RMRR, IOAPIC scope, ...):
 * known, and of no interest to the analysis. */
bool klog_dmar_info_known(const char *s, size_t n, size_t i);

#endif
