/*
 * Intel VT-d's fixed-text messages (docs/log-formats.md section 7): the
 * kdump markers of iommu.c's init_dmars() and irq_remapping.c's
 * intel_setup_irq_remapping(), the invalidation mode, the unit line with
 * CAP/ECAP, the init lines worth a record, and the CONFIG_DMAR_DEBUG page
 * table dump's first line.  Matched by hand at the start of the message,
 * after the "DMAR: " / "DMAR-IR: " tag.
 *
 * The wording is the same in 4.1 (when the kdump copy came) and 5.10 .. 7.3.
 * A unit is "%s" = iommu->name, "dmar%d"; kernels before the pr_fmt
 * conversion named it "IOMMU %d" in the unit and invalidation lines.  The
 * AMD driver's kdump lines differ ("Translation is already enabled", "for
 * IOMMU:%d") and never match here.
 */
#include <stdio.h>

#include "klog/klog_scan.h"

static void set_detail(struct klog_record *r, const char *s, size_t len)
{
	copy_str(r->detail, sizeof(r->detail), s, len);
	r->has |= KLOG_HAS_DETAIL;
}

static void set_unit(struct klog_record *r, const char *s, size_t len)
{
	copy_str(r->iommu, sizeof(r->iommu), s, len);
	r->has |= KLOG_HAS_IOMMU;
}

/* A unit name token at s[i] ("dmar0", anything iommu->name may hold): its
 * end, or 0. */
static size_t unit_name(const char *s, size_t n, size_t i)
{
	size_t e = i;
	while (e < n && tok_char(s[e]) && e - i < 23)
		e++;
	return e > i ? e : 0;
}

/* "<lead><unit><tail>" exactly, the unit in between: fills iommu. */
static bool unit_between(const char *s, size_t n, size_t i, const char *lead, const char *tail, struct klog_record *r)
{
	size_t ll = strlen(lead), tl = strlen(tail), e;

	if (!starts(s, n, i, lead, ll) || !(e = unit_name(s, n, i + ll)) || !starts(s, n, e, tail, tl) ||
	    !rest_blank(s, n, e + tl))
		return false;
	set_unit(r, s + i + ll, e - i - ll);
	return true;
}

/* "dmar%d: " at s[i] (or, kernels before the pr_fmt conversion, "IOMMU %d: "
 * and "IOMMU %d 0x%Lx: "): fills iommu and returns the index after the
 * colon and space, or 0. */
static size_t unit_prefix(const char *s, size_t n, size_t i, struct klog_record *r)
{
	int idx;
	size_t e;

	if (starts(s, n, i, "dmar", 4) && parse_int(s, n, i + 4, &idx, &e) && starts(s, n, e, ": ", 2)) {
		set_unit(r, s + i, e - i);
		return e + 2;
	}
	if (starts(s, n, i, "IOMMU ", 6) && parse_int(s, n, i + 6, &idx, &e)) {
		uint64_t base;
		size_t b;
		if (starts(s, n, e, " 0x", 3) && (b = hex_digits(s, n, e + 3, 17, &base)) && b <= 16) {
			r->address = base;
			r->has |= KLOG_HAS_ADDRESS;
			e += 3 + b;
		}
		if (!starts(s, n, e, ": ", 2))
			return 0;
		snprintf(r->iommu, sizeof(r->iommu), "dmar%d", idx);
		r->has |= KLOG_HAS_IOMMU;
		return e + 2;
	}
	return 0;
}

/* "reg_base_addr %llx ver %d:%d cap %llx ecap %llx" at s[i] */
static bool unit_line(const char *s, size_t n, size_t i, struct klog_record *r)
{
	uint64_t base, cap, ecap;
	int maj, min;
	size_t e, d;

	if (!starts(s, n, i, "reg_base_addr ", 14) || !(d = hex_digits(s, n, i + 14, 17, &base)) || d > 16)
		return false;
	e = i + 14 + d;
	if (!starts(s, n, e, " ver ", 5) || !parse_int(s, n, e + 5, &maj, &e) || e >= n || s[e] != ':' ||
	    !parse_int(s, n, e + 1, &min, &e) || maj > 255 || min > 255)
		return false;
	if (!starts(s, n, e, " cap ", 5) || !(d = hex_digits(s, n, e + 5, 17, &cap)) || d > 16)
		return false;
	e += 5 + d;
	if (!starts(s, n, e, " ecap ", 6) || !(d = hex_digits(s, n, e + 6, 17, &ecap)) || d > 16 ||
	    !rest_blank(s, n, e + 6 + d))
		return false;
	r->type = KLOG_DMAR_UNIT;
	r->address = base;
	r->cap = cap;
	r->ecap = ecap;
	r->ver_major = (uint8_t)maj;
	r->ver_minor = (uint8_t)min;
	r->has |= KLOG_HAS_ADDRESS | KLOG_HAS_CAP;
	return true;
}

bool klog_dmar_msg_parse(const char *s, size_t n, size_t i, bool tagged, struct klog_record *r)
{
	size_t e;
	int bus;

	/* kdump kernel, init_dmars() */
	if (STARTS("Translation already enabled - trying to copy translation structures")) {
		r->type = KLOG_DMAR_KDUMP_PRE_ENABLED;
		return true;
	}
	if (unit_between(s, n, i, "Copied translation tables from previous kernel for ", "", r)) {
		r->type = KLOG_DMAR_KDUMP_TABLES_COPIED;
		return true;
	}
	if (unit_between(s, n, i, "Failed to copy translation tables from previous kernel for ", "", r)) {
		r->type = KLOG_DMAR_KDUMP_TABLES_COPY_FAILED;
		return true;
	}
	if (!STARTS("Translation was enabled for IOMMU:") &&
	    unit_between(s, n, i, "Translation was enabled for ", " but we are not in kdump mode", r)) {
		r->type = KLOG_DMAR_ENABLED_NOT_KDUMP;
		return true;
	}
	/* intel_setup_irq_remapping(), "DMAR-IR: " */
	if (unit_between(s, n, i, "Copied IR table for ", " from previous kernel", r)) {
		r->type = KLOG_DMAR_KDUMP_IR_TABLE_COPIED;
		return true;
	}
	if (unit_between(s, n, i, "Failed to copy IR table for ", " from previous kernel", r)) {
		r->type = KLOG_DMAR_KDUMP_IR_COPY_FAILED;
		return true;
	}
	if (unit_between(s, n, i, "IRQ remapping was enabled on ", " but we are not in kdump mode", r)) {
		r->type = KLOG_DMAR_IR_ENABLED_NOT_KDUMP;
		return true;
	}
	/* "%s: ..." lines of a unit */
	struct klog_record u = *r;
	if ((e = unit_prefix(s, n, i, &u))) {
		if (starts(s, n, e, "Failed to copy context table for bus ", 37) && parse_int(s, n, e + 37, &bus, &e) &&
		    rest_blank(s, n, e) && bus <= 255) {
			*r = u;
			r->type = KLOG_DMAR_CONTEXT_COPY_FAILED;
			r->value = (uint64_t)bus;
			r->has |= KLOG_HAS_VALUE;
			return true;
		}
		if (starts(s, n, e, "Using Queued invalidation", 25) || starts(s, n, e, "using Queued invalidation", 25) ||
		    starts(s, n, e, "Using Register based invalidation", 33) ||
		    starts(s, n, e, "using Register based invalidation", 33)) {
			bool q = s[e + 6] == 'Q';
			*r = u;
			r->type = KLOG_DMAR_INVALIDATION_MODE;
			set_detail(r, q ? "queued" : "register", q ? 6 : 8);
			return true;
		}
		u.has &= ~KLOG_HAS_ADDRESS;	/* "IOMMU %d 0x%Lx:" is the invalidation line's only */
		if (unit_line(s, n, e, &u)) {
			*r = u;
			return true;
		}
	}
	/* init */
	if ((tagged && STARTS("IOMMU enabled") && rest_blank(s, n, i + 13)) || STARTS("Intel-IOMMU: enabled")) {
		r->type = KLOG_DMAR_IOMMU_ENABLED;
		return true;
	}
	if (STARTS("Intel(R) Virtualization Technology for Directed I/O") ||
	    STARTS("PCI-DMA: Intel(R) Virtualization Technology for Directed I/O")) {	/* 2.6 */
		r->type = KLOG_DMAR_VTD_INIT;
		return true;
	}
	if (STARTS("Enabled IRQ remapping in ") && (e = unit_name(s, n, i + 25)) && starts(s, n, e, " mode", 5)) {
		r->type = KLOG_DMAR_IR_ENABLED;
		set_detail(r, s + i + 25, e - i - 25);
		return true;
	}
	if (STARTS("IOMMU batching disallowed due to virtualization") ||	/* 5.15+ */
	    STARTS("Disable batched IOTLB flush due to virtualization")) {	/* <= 5.14 */
		r->type = KLOG_DMAR_BATCHING_DISALLOWED;
		return true;
	}
	/* CONFIG_DMAR_DEBUG, after a DMA fault (dmar_fault_dump_ptes) */
	if (STARTS("Dump ") && (e = unit_name(s, n, i + 5)) && starts(s, n, e, " table entries for IOVA 0x", 26)) {
		uint64_t iova;
		size_t d = hex_digits(s, n, e + 26, 17, &iova);
		if (d && d <= 16 && rest_blank(s, n, e + 26 + d)) {
			r->type = KLOG_DMAR_PTE_DUMP;
			set_unit(r, s + i + 5, e - i - 5);
			r->address = iova;
			r->has |= KLOG_HAS_ADDRESS;
			return true;
		}
	}
	return false;
}

/*
 * Informational lines of the driver, by their start (after the tag): known,
 * so not "unrecognised", and of no interest to the analysis.  From
 * drivers/iommu/intel/{dmar,iommu,irq_remapping}.c of 5.10, 6.1, 6.12 and
 * 7.3.  A DMAR-tagged line that is not here is handed out as unrecognised.
 */
static const char *const info_starts[] = {
	/* ACPI DMAR table (dmar.c) */
	"Host address width", "DRHD base:", "RMRR base:", "ATSR flags:", "RHSA base:", "SATC flags:",
	"ANDD device:", "ACPI device", "No DMAR devices found", "Parse DMAR table failure",
	"Device scope type does not match", "Unsupported device scope", "[Firmware Bug]:", "[Firmware Info]:",
	"[Firmware Warn]:", "Firmware forces DMA remapping off", "Any user opt or tboot",
	/* interrupt remapping (irq_remapping.c) */
	"IOAPIC id", "HPET id", "x2apic is disabled", "Use 'intremap=", "Queued invalidation will be enabled",
	"Failed to enable queued invalidation", "Not enabling interrupt remapping", "This system BIOS has enabled",
	"on a chipset that contains an erratum", "feature unstable", "interrupt remapping is being disabled",
	"contact your BIOS vendor", "Enabled IRQ remapping", "Disabled IRQ remapping",
	/* init (iommu.c) */
	"Setting RMRR:", "Setting identity map", "Prepare 0-16MiB unity mapping", "No RMRR found", "No ATSR found",
	"No SATC found", "Intel-IOMMU force enabled", "Forcing Intel-IOMMU to enabled", "Disable GFX device mapping",
	"Disable integrated GPU device mapping", "IOMMU disabled", "Scalable mode", "Enable scalable mode",
	"Disable supported super page", "Skip IOMMU disabling for graphics", "Allocating domain",
	"Scalable mode is disallowed", "Intel-IOMMU: not forcing on after tboot", "Unknown option",
	"intel_iommu=", "No 5-level paging support", "No extended access flag support",
	"No first level translation support", "No second level translation support",
	"No supervisor request support", "Recommended TLB entries for ISOCH",
	"Using Queued invalidation", "Using Register based invalidation", "IOMMU feature",
	/* CONFIG_DMAR_DEBUG page-table dump lines after "Dump dmarN table entries" */
	"root entry:", "scalable mode root entry:", "context entry:", "pasid dir entry:", "pasid table entry",
	"pte level:", "page table not present", "root table is not present", "context table is not present",
	"pasid directory table is not present", "pasid table is not present",
	"legacy mode page table is not present", "scalable mode page table is not present",
};

bool klog_dmar_info_known(const char *s, size_t n, size_t i)
{
	for (size_t k = 0; k < sizeof(info_starts) / sizeof(info_starts[0]); k++)
		if (starts(s, n, i, info_starts[k], strlen(info_starts[k])))
			return true;
	return false;
}
