/* Record type names and classification, vendors, VT-d fault reasons. */
#include <string.h>

#include "klog/klog.h"

static const char *const type_names[KLOG_NTYPES] = {
	[KLOG_NONE] = "NONE",
	[KLOG_ILLEGAL_DEV_TABLE_ENTRY] = "ILLEGAL_DEV_TABLE_ENTRY",
	[KLOG_IO_PAGE_FAULT] = "IO_PAGE_FAULT",
	[KLOG_DEV_TAB_HARDWARE_ERROR] = "DEV_TAB_HARDWARE_ERROR",
	[KLOG_PAGE_TAB_HARDWARE_ERROR] = "PAGE_TAB_HARDWARE_ERROR",
	[KLOG_ILLEGAL_COMMAND_ERROR] = "ILLEGAL_COMMAND_ERROR",
	[KLOG_COMMAND_HARDWARE_ERROR] = "COMMAND_HARDWARE_ERROR",
	[KLOG_IOTLB_INV_TIMEOUT] = "IOTLB_INV_TIMEOUT",
	[KLOG_INVALID_DEVICE_REQUEST] = "INVALID_DEVICE_REQUEST",
	[KLOG_INVALID_PPR_REQUEST] = "INVALID_PPR_REQUEST",
	[KLOG_RMP_PAGE_FAULT] = "RMP_PAGE_FAULT",
	[KLOG_RMP_HW_ERROR] = "RMP_HW_ERROR",
	[KLOG_UNKNOWN] = "UNKNOWN",
	[KLOG_COMPLETION_WAIT_TIMEOUT] = "COMPLETION_WAIT_TIMEOUT",
	[KLOG_COMMAND_BUFFER_TIMEOUT] = "COMMAND_BUFFER_TIMEOUT",
	[KLOG_EVENT_LOG_OVERFLOW] = "EVENT_LOG_OVERFLOW",
	[KLOG_DEVICE_NOT_ATTACHED] = "DEVICE_NOT_ATTACHED",
	[KLOG_RATELIMIT_SUPPRESSED] = "RATELIMIT_SUPPRESSED",
	[KLOG_KDUMP_TRANSLATION_PRE_ENABLED] = "KDUMP_TRANSLATION_PRE_ENABLED",
	[KLOG_KDUMP_DEV_TABLE_COPIED] = "KDUMP_DEV_TABLE_COPIED",
	[KLOG_KDUMP_DEV_TABLE_COPY_FAILED] = "KDUMP_DEV_TABLE_COPY_FAILED",
	[KLOG_TRANSLATION_ENABLED_NOT_KDUMP] = "TRANSLATION_ENABLED_NOT_KDUMP",
	[KLOG_KDUMP_BUFFER_REUSED] = "KDUMP_BUFFER_REUSED",
	[KLOG_KDUMP_DEV_TABLE_COPY_ERROR] = "KDUMP_DEV_TABLE_COPY_ERROR",
	[KLOG_NO_EVENT_WRITTEN] = "NO_EVENT_WRITTEN",
	[KLOG_COMMAND_BUFFER_RESET] = "COMMAND_BUFFER_RESET",
	[KLOG_OTHER_LOG_OVERFLOW] = "OTHER_LOG_OVERFLOW",
	[KLOG_CONTROL_REGISTER] = "CONTROL_REGISTER",
	[KLOG_COMMAND_BUFFER_DUMP] = "COMMAND_BUFFER_DUMP",
	[KLOG_UNRECOGNISED] = "UNRECOGNISED",
	[KLOG_DMAR_FAULT] = "DMAR_FAULT",
	[KLOG_DMAR_IR_FAULT] = "DMAR_IR_FAULT",
	[KLOG_DMAR_FAULT_STATUS] = "DMAR_FAULT_STATUS",
	[KLOG_DMAR_QI_QUEUE_ERROR] = "DMAR_QI_QUEUE_ERROR",
	[KLOG_DMAR_QI_TIMEOUT] = "DMAR_QI_TIMEOUT",
	[KLOG_DMAR_QI_COMPLETION_ERROR] = "DMAR_QI_COMPLETION_ERROR",
	[KLOG_DMAR_QI_DESCRIPTOR] = "DMAR_QI_DESCRIPTOR",
	[KLOG_DMAR_QI_ERROR_CLEARED] = "DMAR_QI_ERROR_CLEARED",
	[KLOG_DMAR_KDUMP_PRE_ENABLED] = "DMAR_KDUMP_PRE_ENABLED",
	[KLOG_DMAR_KDUMP_TABLES_COPIED] = "DMAR_KDUMP_TABLES_COPIED",
	[KLOG_DMAR_KDUMP_TABLES_COPY_FAILED] = "DMAR_KDUMP_TABLES_COPY_FAILED",
	[KLOG_DMAR_CONTEXT_COPY_FAILED] = "DMAR_CONTEXT_COPY_FAILED",
	[KLOG_DMAR_ENABLED_NOT_KDUMP] = "DMAR_ENABLED_NOT_KDUMP",
	[KLOG_DMAR_KDUMP_IR_TABLE_COPIED] = "DMAR_KDUMP_IR_TABLE_COPIED",
	[KLOG_DMAR_KDUMP_IR_COPY_FAILED] = "DMAR_KDUMP_IR_COPY_FAILED",
	[KLOG_DMAR_IR_ENABLED_NOT_KDUMP] = "DMAR_IR_ENABLED_NOT_KDUMP",
	[KLOG_DMAR_INVALIDATION_MODE] = "DMAR_INVALIDATION_MODE",
	[KLOG_DMAR_UNIT] = "DMAR_UNIT",
	[KLOG_DMAR_IOMMU_ENABLED] = "DMAR_IOMMU_ENABLED",
	[KLOG_DMAR_VTD_INIT] = "DMAR_VTD_INIT",
	[KLOG_DMAR_IR_ENABLED] = "DMAR_IR_ENABLED",
	[KLOG_DMAR_BATCHING_DISALLOWED] = "DMAR_BATCHING_DISALLOWED",
	[KLOG_DMAR_PTE_DUMP] = "DMAR_PTE_DUMP",
};

const char *klog_type_name(enum klog_type t)
{
	if ((unsigned)t >= KLOG_NTYPES || !type_names[t])
		return "NONE";
	return type_names[t];
}

enum klog_type klog_type_from_name(const char *name, size_t len)
{
	for (int t = 1; t < KLOG_NTYPES; t++)
		if (strlen(type_names[t]) == len && !memcmp(type_names[t], name, len))
			return (enum klog_type)t;
	return KLOG_NONE;
}

bool klog_type_is_event(enum klog_type t)
{
	return t >= KLOG_ILLEGAL_DEV_TABLE_ENTRY && t <= KLOG_UNKNOWN;
}

bool klog_type_is_fault(enum klog_type t)
{
	switch (t) {
	case KLOG_IO_PAGE_FAULT:
	case KLOG_ILLEGAL_DEV_TABLE_ENTRY:
	case KLOG_DEVICE_NOT_ATTACHED:
	case KLOG_RMP_PAGE_FAULT:
	case KLOG_INVALID_DEVICE_REQUEST:
	case KLOG_PAGE_TAB_HARDWARE_ERROR:
	case KLOG_DEV_TAB_HARDWARE_ERROR:
		return true;
	default:
		return false;
	}
}

bool klog_type_is_dmar_fault(enum klog_type t)
{
	return t == KLOG_DMAR_FAULT || t == KLOG_DMAR_IR_FAULT;
}

enum klog_vendor klog_type_vendor(enum klog_type t)
{
	if (t >= KLOG_DMAR_FAULT && t < KLOG_NTYPES)
		return KLOG_VENDOR_INTEL;
	if (t == KLOG_NONE || t == KLOG_RATELIMIT_SUPPRESSED || t == KLOG_UNRECOGNISED || t >= KLOG_NTYPES)
		return KLOG_VENDOR_NONE;
	return KLOG_VENDOR_AMD;
}

const char *klog_vendor_name(enum klog_vendor v)
{
	switch (v) {
	case KLOG_VENDOR_AMD:
		return "amd";
	case KLOG_VENDOR_INTEL:
		return "intel";
	default:
		return "none";
	}
}

const char *klog_dmar_form_name(enum klog_dmar_form f)
{
	switch (f) {
	case KLOG_DMAR_FORM_SPLIT:
		return "split";
	case KLOG_DMAR_FORM_DECIMAL:
		return "decimal";
	case KLOG_DMAR_FORM_PASID_DECIMAL:
		return "pasid-decimal";
	case KLOG_DMAR_FORM_HEX:
		return "hex";
	case KLOG_DMAR_FORM_HEX_SEGMENT:
		return "hex-segment";
	default:
		return NULL;
	}
}

/*
 * The fault reasons of drivers/iommu/intel/dmar.c (dma_remap_fault_reasons,
 * irq_remap_fault_reasons, dma_remap_sm_fault_reasons), identical in 5.10,
 * 6.1, 6.12 and 7.3; codes are FRCD.FR (VT-d specification, "Fault Reason
 * Encodings").  A NULL slot is a gap the kernel prints as "Unknown".
 */
static const char *const legacy_reasons[] = {
	[0x00] = "Software",
	[0x01] = "Present bit in root entry is clear",
	[0x02] = "Present bit in context entry is clear",
	[0x03] = "Invalid context entry",
	[0x04] = "Access beyond MGAW",
	[0x05] = "PTE Write access is not set",
	[0x06] = "PTE Read access is not set",
	[0x07] = "Next page table ptr is invalid",
	[0x08] = "Root table address invalid",
	[0x09] = "Context table ptr is invalid",
	[0x0a] = "non-zero reserved fields in RTP",
	[0x0b] = "non-zero reserved fields in CTP",
	[0x0c] = "non-zero reserved fields in PTE",
	[0x0d] = "PCE for translation request specifies blocking",
};

static const char *const ir_reasons[] = {
	"Detected reserved fields in the decoded interrupt-remapped request",	/* 0x20 */
	"Interrupt index exceeded the interrupt-remapping table size",
	"Present field in the IRTE entry is clear",
	"Error accessing interrupt-remapping table pointed by IRTA_REG",
	"Detected reserved fields in the IRTE entry",
	"Blocked a compatibility format interrupt request",
	"Blocked an interrupt request due to source-id verification failure",	/* 0x26 */
};

static const char *const sm_reasons[] = {	/* from 0x30 */
	[0x30 - 0x30] = "SM: Invalid Root Table Address",
	[0x31 - 0x30] = "SM: TTM 0 for request with PASID",
	[0x32 - 0x30] = "SM: TTM 0 for page group request",
	[0x38 - 0x30] = "SM: Error attempting to access Root Entry",
	[0x39 - 0x30] = "SM: Present bit in Root Entry is clear",
	[0x3a - 0x30] = "SM: Non-zero reserved field set in Root Entry",
	[0x40 - 0x30] = "SM: Error attempting to access Context Entry",
	[0x41 - 0x30] = "SM: Present bit in Context Entry is clear",
	[0x42 - 0x30] = "SM: Non-zero reserved field set in the Context Entry",
	[0x43 - 0x30] = "SM: Invalid Context Entry",
	[0x44 - 0x30] = "SM: DTE field in Context Entry is clear",
	[0x45 - 0x30] = "SM: PASID Enable field in Context Entry is clear",
	[0x46 - 0x30] = "SM: PASID is larger than the max in Context Entry",
	[0x47 - 0x30] = "SM: PRE field in Context-Entry is clear",
	[0x48 - 0x30] = "SM: RID_PASID field error in Context-Entry",
	[0x50 - 0x30] = "SM: Error attempting to access the PASID Directory Entry",
	[0x51 - 0x30] = "SM: Present bit in Directory Entry is clear",
	[0x52 - 0x30] = "SM: Non-zero reserved field set in PASID Directory Entry",
	[0x58 - 0x30] = "SM: Error attempting to access PASID Table Entry",
	[0x59 - 0x30] = "SM: Present bit in PASID Table Entry is clear",
	[0x5a - 0x30] = "SM: Non-zero reserved field set in PASID Table Entry",
	[0x5b - 0x30] = "SM: Invalid Scalable-Mode PASID Table Entry",
	[0x5c - 0x30] = "SM: ERE field is clear in PASID Table Entry",
	[0x5d - 0x30] = "SM: SRE field is clear in PASID Table Entry",
	[0x70 - 0x30] = "SM: Error attempting to access first-level paging entry",
	[0x71 - 0x30] = "SM: Present bit in first-level paging entry is clear",
	[0x72 - 0x30] = "SM: Non-zero reserved field set in first-level paging entry",
	[0x73 - 0x30] = "SM: Error attempting to access FL-PML4 entry",
	[0x74 - 0x30] = "SM: First-level entry address beyond MGAW in Nested translation",
	[0x75 - 0x30] = "SM: Read permission error in FL-PML4 entry in Nested translation",
	[0x76 - 0x30] = "SM: Read permission error in first-level paging entry in Nested translation",
	[0x77 - 0x30] = "SM: Write permission error in first-level paging entry in Nested translation",
	[0x78 - 0x30] = "SM: Error attempting to access second-level paging entry",
	[0x79 - 0x30] = "SM: Read/Write permission error in second-level paging entry",
	[0x7a - 0x30] = "SM: Non-zero reserved field set in second-level paging entry",
	[0x7b - 0x30] = "SM: Invalid second-level page table pointer",
	[0x7c - 0x30] = "SM: A/D bit update needed in second-level entry when set up in no snoop",
	[0x80 - 0x30] = "SM: Address in first-level translation is not canonical",
	[0x81 - 0x30] = "SM: U/S set 0 for first-level translation with user privilege",
	[0x82 - 0x30] = "SM: No execute permission for request with PASID and ER=1",
	[0x83 - 0x30] = "SM: Address beyond the DMA hardware max",
	[0x84 - 0x30] = "SM: Second-level entry address beyond the max",
	[0x85 - 0x30] = "SM: No write permission for Write/AtomicOp request",
	[0x86 - 0x30] = "SM: No read permission for Read/AtomicOp request",
	[0x87 - 0x30] = "SM: Invalid address-interrupt address",
	[0x90 - 0x30] = "SM: A/D bit update needed in first-level entry when set up in no snoop",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *klog_dmar_reason_text(unsigned code, bool *is_ir)
{
	const char *t = NULL;

	if (is_ir)
		*is_ir = false;
	/* the kernel's lookup order (dmar_get_fault_reason) */
	if (code >= 0x20 && code - 0x20 < NELEM(ir_reasons)) {
		if (is_ir)
			*is_ir = true;
		return ir_reasons[code - 0x20];
	}
	if (code >= 0x30 && code - 0x30 < NELEM(sm_reasons))
		t = sm_reasons[code - 0x30];
	else if (code < NELEM(legacy_reasons))
		t = legacy_reasons[code];
	return t ? t : "Unknown";
}
