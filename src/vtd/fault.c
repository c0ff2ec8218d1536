/*
 * VT-d fault reasons, FSTS and FRCD decode, and the kernel's fault line.
 */
#include <string.h>

#include "vtd/fault.h"

/* Reason codes and the text the kernel prints for them (the same in
 * 5.10, 6.1, 6.12 and 7.3).  Codes not listed print "Unknown". */
struct reason {
	uint8_t code;
	const char *text;
};

static const struct reason reasons[] = {
	/* DMA remapping, 0x00-0x0d */
	{ 0x00, "Software" },
	{ 0x01, "Present bit in root entry is clear" },
	{ 0x02, "Present bit in context entry is clear" },
	{ 0x03, "Invalid context entry" },
	{ 0x04, "Access beyond MGAW" },
	{ 0x05, "PTE Write access is not set" },
	{ 0x06, "PTE Read access is not set" },
	{ 0x07, "Next page table ptr is invalid" },
	{ 0x08, "Root table address invalid" },
	{ 0x09, "Context table ptr is invalid" },
	{ 0x0a, "non-zero reserved fields in RTP" },
	{ 0x0b, "non-zero reserved fields in CTP" },
	{ 0x0c, "non-zero reserved fields in PTE" },
	{ 0x0d, "PCE for translation request specifies blocking" },
	/* interrupt remapping, 0x20-0x26 */
	{ 0x20, "Detected reserved fields in the decoded interrupt-remapped request" },
	{ 0x21, "Interrupt index exceeded the interrupt-remapping table size" },
	{ 0x22, "Present field in the IRTE entry is clear" },
	{ 0x23, "Error accessing interrupt-remapping table pointed by IRTA_REG" },
	{ 0x24, "Detected reserved fields in the IRTE entry" },
	{ 0x25, "Blocked a compatibility format interrupt request" },
	{ 0x26, "Blocked an interrupt request due to source-id verification failure" },
	/* scalable mode, 0x30-0x90 */
	{ 0x30, "SM: Invalid Root Table Address" },
	{ 0x31, "SM: TTM 0 for request with PASID" },
	{ 0x32, "SM: TTM 0 for page group request" },
	{ 0x38, "SM: Error attempting to access Root Entry" },
	{ 0x39, "SM: Present bit in Root Entry is clear" },
	{ 0x3a, "SM: Non-zero reserved field set in Root Entry" },
	{ 0x40, "SM: Error attempting to access Context Entry" },
	{ 0x41, "SM: Present bit in Context Entry is clear" },
	{ 0x42, "SM: Non-zero reserved field set in the Context Entry" },
	{ 0x43, "SM: Invalid Context Entry" },
	{ 0x44, "SM: DTE field in Context Entry is clear" },
	{ 0x45, "SM: PASID Enable field in Context Entry is clear" },
	{ 0x46, "SM: PASID is larger than the max in Context Entry" },
	{ 0x47, "SM: PRE field in Context-Entry is clear" },
	{ 0x48, "SM: RID_PASID field error in Context-Entry" },
	{ 0x50, "SM: Error attempting to access the PASID Directory Entry" },
	{ 0x51, "SM: Present bit in Directory Entry is clear" },
	{ 0x52, "SM: Non-zero reserved field set in PASID Directory Entry" },
	{ 0x58, "SM: Error attempting to access PASID Table Entry" },
	{ 0x59, "SM: Present bit in PASID Table Entry is clear" },
	{ 0x5a, "SM: Non-zero reserved field set in PASID Table Entry" },
	{ 0x5b, "SM: Invalid Scalable-Mode PASID Table Entry" },
	{ 0x5c, "SM: ERE field is clear in PASID Table Entry" },
	{ 0x5d, "SM: SRE field is clear in PASID Table Entry" },
	{ 0x70, "SM: Error attempting to access first-level paging entry" },
	{ 0x71, "SM: Present bit in first-level paging entry is clear" },
	{ 0x72, "SM: Non-zero reserved field set in first-level paging entry" },
	{ 0x73, "SM: Error attempting to access FL-PML4 entry" },
	{ 0x74, "SM: First-level entry address beyond MGAW in Nested translation" },
	{ 0x75, "SM: Read permission error in FL-PML4 entry in Nested translation" },
	{ 0x76, "SM: Read permission error in first-level paging entry in Nested translation" },
	{ 0x77, "SM: Write permission error in first-level paging entry in Nested translation" },
	{ 0x78, "SM: Error attempting to access second-level paging entry" },
	{ 0x79, "SM: Read/Write permission error in second-level paging entry" },
	{ 0x7a, "SM: Non-zero reserved field set in second-level paging entry" },
	{ 0x7b, "SM: Invalid second-level page table pointer" },
	{ 0x7c, "SM: A/D bit update needed in second-level entry when set up in no snoop" },
	{ 0x80, "SM: Address in first-level translation is not canonical" },
	{ 0x81, "SM: U/S set 0 for first-level translation with user privilege" },
	{ 0x82, "SM: No execute permission for request with PASID and ER=1" },
	{ 0x83, "SM: Address beyond the DMA hardware max" },
	{ 0x84, "SM: Second-level entry address beyond the max" },
	{ 0x85, "SM: No write permission for Write/AtomicOp request" },
	{ 0x86, "SM: No read permission for Read/AtomicOp request" },
	{ 0x87, "SM: Invalid address-interrupt address" },
	{ 0x90, "SM: A/D bit update needed in first-level entry when set up in no snoop" },
};

/* Extents of the kernel's three tables. */
#define DMA_LAST	0x0d
#define IR_FIRST	0x20
#define IR_LAST		0x26
#define SM_FIRST	0x30
#define SM_LAST		0x90

const char *vtd_fault_reason_str(unsigned int code)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].text;
	return "Unknown";
}

enum vtd_fault_kind vtd_fault_kind(unsigned int code)
{
	if (code >= IR_FIRST && code <= IR_LAST)
		return VTD_FAULT_KIND_IR;
	if (code >= SM_FIRST && code <= SM_LAST)
		return VTD_FAULT_KIND_SM_DMA;
	if (code <= DMA_LAST)
		return VTD_FAULT_KIND_DMA;
	return VTD_FAULT_KIND_UNKNOWN;
}

const char *vtd_fault_kind_name(enum vtd_fault_kind kind)
{
	switch (kind) {
	case VTD_FAULT_KIND_UNKNOWN:	return "unknown";
	case VTD_FAULT_KIND_DMA:	return "dma";
	case VTD_FAULT_KIND_IR:		return "interrupt-remapping";
	case VTD_FAULT_KIND_SM_DMA:	return "sm-dma";
	}
	return "?";
}

int vtd_fsts_decode(uint32_t fsts, struct vtd_fsts *out)
{
	if (!out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	out->raw = fsts;
	out->pfo = fsts & VTD_FSTS_PFO;
	out->ppf = fsts & VTD_FSTS_PPF;
	out->iqe = fsts & VTD_FSTS_IQE;
	out->ice = fsts & VTD_FSTS_ICE;
	out->ite = fsts & VTD_FSTS_ITE;
	out->pro = fsts & VTD_FSTS_PRO;
	out->fri = (unsigned int)VTD_FIELD_GET(VTD_FSTS_FRI_MASK, fsts);
	return VTD_OK;
}

int vtd_fsts_format(uint32_t fsts, char *buf, size_t len)
{
	struct vtd_strbuf sb = { buf, len, 0 };
	struct vtd_fsts f;

	if (buf && len)
		buf[0] = '\0';
	vtd_fsts_decode(fsts, &f);
	if (f.pfo)
		vtd_strbuf_printf(&sb, "PFO ");
	if (f.ppf)
		vtd_strbuf_printf(&sb, "PPF ");
	if (f.iqe)
		vtd_strbuf_printf(&sb, "IQE ");
	if (f.ice)
		vtd_strbuf_printf(&sb, "ICE ");
	if (f.ite)
		vtd_strbuf_printf(&sb, "ITE ");
	if (f.pro)
		vtd_strbuf_printf(&sb, "PRO ");
	vtd_strbuf_printf(&sb, "fri=%u", f.fri);
	return sb.total;
}

int vtd_frcd_decode(const uint64_t raw[2], struct vtd_frcd *out)
{
	uint64_t lo, hi;

	if (!raw || !out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	lo = raw[0];
	hi = raw[1];
	out->raw[0] = lo;
	out->raw[1] = hi;
	out->fault_info = lo & VTD_FRCD_FI_MASK;
	out->ir_index = (uint16_t)VTD_FIELD_GET(VTD_FRCD_IR_INDEX_MASK, lo);
	out->sid = (uint16_t)(hi & VTD_FRCD_SID_MASK);
	out->pasid_present = hi & VTD_FRCD_PP;
	out->reason = (uint8_t)VTD_FIELD_GET(VTD_FRCD_FR_MASK, hi);
	out->pasid = (uint32_t)VTD_FIELD_GET(VTD_FRCD_PV_MASK, hi);
	out->at = (unsigned int)VTD_FIELD_GET(VTD_FRCD_AT_MASK, hi);
	out->read = hi & VTD_FRCD_T;
	out->f = hi & VTD_FRCD_F;
	return VTD_OK;
}

/* "[bb:dd.f]" or, 7.3, "[ssss:bb:dd.f]" */
static void put_device(struct vtd_strbuf *sb, const struct vtd_frcd *f,
		       enum vtd_fault_line_style style, uint16_t segment)
{
	vtd_strbuf_printf(sb, "Request device [");
	if (style == VTD_FAULT_LINE_7_3)
		vtd_strbuf_printf(sb, "%04x:", segment);
	vtd_strbuf_printf(sb, "%02x:%02x.%u]", VTD_SID_BUS(f->sid), VTD_SID_DEV(f->sid),
			  VTD_SID_FN(f->sid));
}

int vtd_fault_format_kernel_line(const struct vtd_frcd *frcd, enum vtd_fault_line_style style,
				 uint16_t segment, char *buf, size_t len)
{
	struct vtd_strbuf sb = { buf, len, 0 };
	const char *reason, *access;
	bool old = style == VTD_FAULT_LINE_5_10;

	if (buf && len)
		buf[0] = '\0';
	if (!frcd)
		return VTD_ERR_ARG;
	reason = vtd_fault_reason_str(frcd->reason);
	access = frcd->read ? "DMA Read" : "DMA Write";

	vtd_strbuf_printf(&sb, "DMAR: ");
	if (vtd_fault_kind(frcd->reason) == VTD_FAULT_KIND_IR) {
		vtd_strbuf_printf(&sb, "[INTR-REMAP] ");
		put_device(&sb, frcd, style, segment);
		vtd_strbuf_printf(&sb, old ? " fault index %x [fault reason %02u] %s"
					   : " fault index 0x%x [fault reason 0x%02x] %s",
				  frcd->ir_index, frcd->reason, reason);
		return sb.total;
	}
	if (old) {
		vtd_strbuf_printf(&sb, "[%s] ", access);
		put_device(&sb, frcd, style, segment);
		vtd_strbuf_printf(&sb, " PASID %x fault addr %llx [fault reason %02u] %s",
				  frcd->pasid_present ? frcd->pasid : 0xffffffffU,
				  (unsigned long long)frcd->fault_info, frcd->reason, reason);
		return sb.total;
	}
	if (frcd->pasid_present)
		vtd_strbuf_printf(&sb, "[%s PASID 0x%x] ", access, frcd->pasid);
	else
		vtd_strbuf_printf(&sb, "[%s NO_PASID] ", access);
	put_device(&sb, frcd, style, segment);
	vtd_strbuf_printf(&sb, " fault addr 0x%llx [fault reason 0x%02x] %s",
			  (unsigned long long)frcd->fault_info, frcd->reason, reason);
	return sb.total;
}
