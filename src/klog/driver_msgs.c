/*
 * The AMD IOMMU driver's fixed-text messages (docs/log-formats.md section
 * 5): Completion-Wait and command-buffer timeouts, event/GA/PPR log
 * overflows and restarts, and the kdump markers of init.c, matched by hand
 * against the driver's format strings at the start of the message.
 *
 * Kernels whose string had no literal "AMD-Vi: " and whose file had no
 * pr_fmt print them without the tag.  Wording only this driver uses ("DEV
 * table", "IOMMU:%d", "Completion-Wait", "IOMMU event log", ...) is taken
 * with or without the tag; wording another driver could print ("Command
 * buffer timeout", "No event written to event log", "Completion wait loop
 * failed") only with it.  Intel VT-d's kdump lines differ ("Translation
 * already enabled", "Copied translation tables from previous kernel for
 * dmar0", "Translation was enabled for dmar0") and never match.
 */
#include <stdio.h>

#include "klog/klog_scan.h"

static void set_detail(struct klog_record *r, const char *s, size_t len)
{
	while (len && s[len - 1] == ' ')
		len--;
	copy_str(r->detail, sizeof(r->detail), s, len);
	r->has |= KLOG_HAS_DETAIL;
}

/* "Re-using <what> buffer(s) from the previous kernel" (6.18+): untagged,
 * only the three buffers the driver names, and the whole wording. */
static bool reused_buffer(const char *s, size_t n, size_t i, bool tagged, struct klog_record *r)
{
	static const char *const what[] = { "command buffer", "event buffer", "CWB buffers" };
	size_t e = i + 9, w = e;

	if (!STARTS("Re-using ") || e >= n)
		return false;
	while (w < n && s[w] != ' ')
		w++;
	if (!starts(s, n, w, " buffer", 7))
		return false;
	if (!tagged) {
		bool known = false;
		for (size_t k = 0; k < sizeof(what) / sizeof(what[0]) && !known; k++) {
			size_t l = strlen(what[k]);
			known = starts(s, n, e, what[k], l) && starts(s, n, e + l, " from the previous kernel", 25);
		}
		if (!known)
			return false;
	}
	r->type = KLOG_KDUMP_BUFFER_REUSED;
	r->notes |= KLOG_NOTE_REUSE;
	set_detail(r, s + e, w - e);
	return true;
}

bool klog_driver_msg_parse(const char *s, size_t n, size_t i, bool tagged, struct klog_record *r)
{
	size_t e;
	int idx;
	struct klog_pciname pn;

	if (STARTS("Completion-Wait loop timed out")) {
		r->type = KLOG_COMPLETION_WAIT_TIMEOUT;
		return true;
	}
	if (STARTS("IOMMU ") && (e = klog_parse_pci(s, n, i + 6, &pn)) &&
	    starts(s, n, e, ": Completion-Wait loop timed out", 32)) {
		r->type = KLOG_COMPLETION_WAIT_TIMEOUT;
		copy_str(r->iommu, sizeof(r->iommu), s + i + 6, e - (i + 6));
		r->has |= KLOG_HAS_IOMMU;
		return true;
	}
	if (tagged && STARTS("Completion wait loop failed")) {	/* <= 2.6.29 panic() */
		r->type = KLOG_COMPLETION_WAIT_TIMEOUT;
		r->notes |= KLOG_NOTE_PANIC;
		r->era = 'A';
		return true;
	}
	if (tagged && STARTS("Command buffer timeout")) {
		r->type = KLOG_COMMAND_BUFFER_TIMEOUT;
		return true;
	}
	if (STARTS("IOMMU event log overflow") || STARTS("IOMMU Event log overflow")) {
		r->type = KLOG_EVENT_LOG_OVERFLOW;
		return true;
	}
	if (STARTS("IOMMU Event log restarting") || STARTS("IOMMU event log restarting")) {
		r->type = KLOG_EVENT_LOG_OVERFLOW;	/* 6.12: amd_iommu_restart_log("Event") */
		set_detail(r, "restarting", 10);
		return true;
	}
	if (STARTS("IOMMU GA Log overflow") || STARTS("IOMMU GA log overflow") ||
	    STARTS("IOMMU GA log restarting") || STARTS("IOMMU GA Log restarting") ||
	    STARTS("IOMMU PPR log restarting") || STARTS("IOMMU PPR log overflow")) {
		r->type = KLOG_OTHER_LOG_OVERFLOW;
		set_detail(r, s + i + 6, n - i - 6);
		return true;
	}
	if (STARTS("Translation is already enabled - trying to copy translation structures")) {
		r->type = KLOG_KDUMP_TRANSLATION_PRE_ENABLED;
		return true;
	}
	if (STARTS("Translation is already enabled - trying to reuse translation structures")) {
		r->type = KLOG_KDUMP_TRANSLATION_PRE_ENABLED;
		r->notes |= KLOG_NOTE_REUSE;
		return true;
	}
	if (STARTS("Copied DEV table from previous kernel")) {
		r->type = KLOG_KDUMP_DEV_TABLE_COPIED;
		return true;
	}
	if (STARTS("Reused DEV table from previous kernel")) {
		r->type = KLOG_KDUMP_DEV_TABLE_COPIED;
		r->notes |= KLOG_NOTE_REUSE;
		return true;
	}
	if (STARTS("Failed to copy DEV table from previous kernel")) {
		r->type = KLOG_KDUMP_DEV_TABLE_COPY_FAILED;
		return true;
	}
	if (STARTS("Failed to reuse DEV table from previous kernel")) {
		r->type = KLOG_KDUMP_DEV_TABLE_COPY_FAILED;
		r->notes |= KLOG_NOTE_REUSE;
		return true;
	}
	if (STARTS("Translation was enabled for IOMMU:") && parse_int(s, n, i + 34, &idx, &e) &&
	    starts(s, n, e, " but we are not in kdump mode", 29)) {
		r->type = KLOG_TRANSLATION_ENABLED_NOT_KDUMP;
		r->iommu_index = idx;
		r->has |= KLOG_HAS_IOMMU_INDEX | KLOG_HAS_IOMMU;
		/* iommu->index is also the N of the "ivhdN" sysfs name (init.c) */
		snprintf(r->iommu, sizeof(r->iommu), "ivhd%d", idx);
		return true;
	}
	if (reused_buffer(s, n, i, tagged, r))
		return true;
	if (STARTS("The device table size of IOMMU:") && parse_int(s, n, i + 31, &idx, &e)) {
		r->type = KLOG_KDUMP_DEV_TABLE_COPY_ERROR;
		r->iommu_index = idx;
		r->has |= KLOG_HAS_IOMMU_INDEX | KLOG_HAS_IOMMU;
		snprintf(r->iommu, sizeof(r->iommu), "ivhd%d", idx);
		set_detail(r, s + i, n - i);
		return true;
	}
	if (STARTS("The address of old device table is above 4G") ||
	    STARTS("Failed to allocate memory for copying old device table") ||
	    STARTS("Wrong old irq remapping flag") || STARTS("Failed to remap memory for reusing old device table")) {
		r->type = KLOG_KDUMP_DEV_TABLE_COPY_ERROR;
		if (STARTS("Failed to remap"))
			r->notes |= KLOG_NOTE_REUSE;
		set_detail(r, s + i, n - i);
		return true;
	}
	if (tagged && STARTS("No event written to event log")) {
		r->type = KLOG_NO_EVENT_WRITTEN;
		return true;
	}
	if (STARTS("Resetting IOMMU command buffer")) {
		r->type = KLOG_COMMAND_BUFFER_RESET;
		return true;
	}
	if (tagged && STARTS("ILLEGAL_COMMAND_ERROR while resetting command buffer")) {
		r->type = KLOG_COMMAND_BUFFER_RESET;
		r->notes |= KLOG_NOTE_PANIC;
		return true;
	}
	return false;
}

/*
 * Informational lines of the driver's init code, by their start: known, so
 * not "unrecognised", and of no interest to the analysis.  From the
 * references (docs/log-formats.md section 5) and the lab's logs
 * (tests/logs/real).  A line that is not here is handed out as unrecognised:
 * a new kernel's wording shows up instead of vanishing.
 */
static const char *const info_starts[] = {
	"Found IOMMU cap",			/* 6.x, pci_info on the IOMMU */
	"Found IOMMU at",			/* RHEL7 */
	"Enabling IOMMU at",			/* 2.6.3x */
	"Extended features",			/* "(%#llx, %#llx): ..." or ": ..." */
	"Interrupt remapping enabled",
	"Lazy IO/TLB flushing enabled",		/* <= 4.x */
	"Using strict mode due to virtualization",
	"Using global IVHD EFR",
	"IOMMU performance counters supported",
	"AMD IOMMUv2",				/* "loaded and initialized", "functionality not available" */
	"Initialized for Passthrough Mode",
	"Virtual APIC enabled",
	"X2APIC enabled",
};

bool klog_driver_info_known(const char *s, size_t n, size_t i)
{
	for (size_t k = 0; k < sizeof(info_starts) / sizeof(info_starts[0]); k++)
		if (starts(s, n, i, info_starts[k], strlen(info_starts[k])))
			return true;
	return false;
}
