/*
 * VT-d legacy and scalable-mode context entries: decode, classify,
 * describe.
 */
#include <string.h>

#include "vtd/context.h"

#define GET(mask, v)	((unsigned int)VTD_FIELD_GET(mask, v))

int vtd_context_decode(const uint64_t raw[2], struct vtd_context_entry *out)
{
	uint64_t lo, hi;

	if (!raw || !out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	lo = raw[0];
	hi = raw[1];
	out->raw[0] = lo;
	out->raw[1] = hi;
	out->present = lo & VTD_CTX_P;
	out->fpd = lo & VTD_CTX_FPD;
	out->tt = GET(VTD_CTX_TT_MASK, lo);
	out->asr = lo & VTD_CTX_ASR_MASK;
	out->aw = GET(VTD_CTX_AW_MASK, hi);
	out->avail = GET(VTD_CTX_AVAIL_MASK, hi);
	out->did = (uint16_t)VTD_FIELD_GET(VTD_CTX_DID_MASK, hi);
	return VTD_OK;
}

const char *vtd_ctx_tt_name(unsigned int tt)
{
	switch (tt) {
	case VTD_CTX_TT_MULTI_LEVEL:	return "multi-level";
	case VTD_CTX_TT_DEV_IOTLB:	return "multi-level+dev-tlb";
	case VTD_CTX_TT_PASS_THROUGH:	return "pass-through";
	case VTD_CTX_TT_RESERVED:	return "reserved";
	}
	return "?";
}

enum vtd_ctx_class vtd_context_classify(const struct vtd_context_entry *ce)
{
	if (!ce || !ce->present)
		return VTD_CTX_NOT_PRESENT;
	switch (ce->tt) {
	case VTD_CTX_TT_MULTI_LEVEL:
	case VTD_CTX_TT_DEV_IOTLB:
		return VTD_CTX_TRANSLATED;
	case VTD_CTX_TT_PASS_THROUGH:
		return VTD_CTX_PASSTHROUGH;
	default:
		return VTD_CTX_BAD;
	}
}

const char *vtd_ctx_class_name(enum vtd_ctx_class cls)
{
	switch (cls) {
	case VTD_CTX_NOT_PRESENT:	return "not-present";
	case VTD_CTX_TRANSLATED:	return "translated";
	case VTD_CTX_PASSTHROUGH:	return "passthrough";
	case VTD_CTX_BAD:		return "bad";
	}
	return "?";
}

int vtd_context_walk_root(const struct vtd_context_entry *ce, uint64_t *root_pa,
			  unsigned int *levels)
{
	struct vtd_agaw a;
	int rc;

	if (!ce || !root_pa || !levels)
		return VTD_ERR_ARG;
	*root_pa = ce->asr;
	rc = vtd_agaw_decode(ce->aw, &a);
	*levels = a.levels;
	if (vtd_context_classify(ce) != VTD_CTX_TRANSLATED)
		return VTD_ERR_FORMAT;
	return rc;
}

int vtd_context_format(const struct vtd_context_entry *ce, char *buf, size_t len)
{
	struct vtd_strbuf sb = { buf, len, 0 };
	enum vtd_ctx_class cls;

	if (buf && len)
		buf[0] = '\0';
	if (!ce)
		return VTD_ERR_ARG;
	cls = vtd_context_classify(ce);
	vtd_strbuf_printf(&sb, "%s", vtd_ctx_class_name(cls));
	if (cls == VTD_CTX_NOT_PRESENT)
		return sb.total;
	vtd_strbuf_printf(&sb, " tt=%s did=%u aw=%u(%u-level)", vtd_ctx_tt_name(ce->tt),
			  ce->did, ce->aw, vtd_agaw_levels(ce->aw));
	if (cls != VTD_CTX_PASSTHROUGH)
		vtd_strbuf_printf(&sb, " asr=0x%llx", (unsigned long long)ce->asr);
	if (ce->fpd)
		vtd_strbuf_printf(&sb, " FPD");
	return sb.total;
}

int vtd_sm_context_decode(const uint64_t raw[4], struct vtd_sm_context_entry *out)
{
	uint64_t lo, hi;

	if (!raw || !out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	memcpy(out->raw, raw, sizeof(out->raw));
	lo = raw[0];
	hi = raw[1];
	out->present = lo & VTD_SMCTX_P;
	out->fpd = lo & VTD_SMCTX_FPD;
	out->dte = lo & VTD_SMCTX_DTE;
	out->paside = lo & VTD_SMCTX_PASIDE;
	out->pre = lo & VTD_SMCTX_PRE;
	out->pdts = GET(VTD_SMCTX_PDTS_MASK, lo);
	out->pasid_dir_entries = 1U << (out->pdts + 7);
	out->pasid_dir = lo & VTD_SMCTX_PDTP_MASK;
	out->rid_pasid = (uint32_t)(hi & VTD_SMCTX_RID_PASID_MASK);
	return VTD_OK;
}

uint32_t vtd_sm_context_max_pasid(const struct vtd_sm_context_entry *ce)
{
	if (!ce)
		return 0;
	/* 2^(pdts+7) entries x 64 PASIDs = 2^(pdts+13) <= 2^20 */
	return ce->pasid_dir_entries * 64U;
}

int vtd_sm_context_format(const struct vtd_sm_context_entry *ce, char *buf, size_t len)
{
	struct vtd_strbuf sb = { buf, len, 0 };

	if (buf && len)
		buf[0] = '\0';
	if (!ce)
		return VTD_ERR_ARG;
	if (!ce->present) {
		vtd_strbuf_printf(&sb, "not-present");
		return sb.total;
	}
	vtd_strbuf_printf(&sb, "present pasid-dir=0x%llx entries=%u rid_pasid=%u",
			  (unsigned long long)ce->pasid_dir, ce->pasid_dir_entries,
			  ce->rid_pasid);
	if (ce->fpd)
		vtd_strbuf_printf(&sb, " FPD");
	if (ce->dte)
		vtd_strbuf_printf(&sb, " DTE");
	if (ce->paside)
		vtd_strbuf_printf(&sb, " PASIDE");
	if (ce->pre)
		vtd_strbuf_printf(&sb, " PRE");
	return sb.total;
}
