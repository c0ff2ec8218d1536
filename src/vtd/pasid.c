/*
 * VT-d PASID directory and PASID table entries: decode, walk roots,
 * describe.
 */
#include <string.h>

#include "vtd/pasid.h"

#define GET(mask, v)	((unsigned int)VTD_FIELD_GET(mask, v))

int vtd_pasid_dir_entry_decode(uint64_t raw, struct vtd_pasid_dir_entry *out)
{
	if (!out)
		return VTD_ERR_ARG;
	out->raw = raw;
	out->present = raw & VTD_PDE_P;
	out->table = raw & VTD_PDE_PTP_MASK;
	return VTD_OK;
}

int vtd_pasid_entry_decode(const uint64_t raw[8], struct vtd_pasid_entry *out)
{
	uint64_t v0, v1, v2;

	if (!raw || !out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	memcpy(out->raw, raw, sizeof(out->raw));
	v0 = raw[0];
	v1 = raw[1];
	v2 = raw[2];

	out->present = v0 & VTD_PASID_P;
	out->fpd = v0 & VTD_PASID_FPD;
	out->aw = GET(VTD_PASID_AW_MASK, v0);
	out->pgtt = GET(VTD_PASID_PGTT_MASK, v0);
	out->ssade = v0 & VTD_PASID_SSADE;
	out->slptptr = v0 & VTD_PASID_SLPTPTR_MASK;

	out->did = (uint16_t)(v1 & VTD_PASID_DID_MASK);
	out->pwsnp = v1 & VTD_PASID_PWSNP;
	out->pgsnp = v1 & VTD_PASID_PGSNP;

	out->sre = v2 & VTD_PASID_SRE;
	out->flpm = GET(VTD_PASID_FLPM_MASK, v2);
	out->wpe = v2 & VTD_PASID_WPE;
	out->nxe = v2 & VTD_PASID_NXE;
	out->eafe = v2 & VTD_PASID_EAFE;
	out->flptptr = v2 & VTD_PASID_FLPTPTR_MASK;
	return VTD_OK;
}

const char *vtd_pasid_pgtt_name(unsigned int pgtt)
{
	switch (pgtt) {
	case VTD_PGTT_FL_ONLY:	return "first-level";
	case VTD_PGTT_SL_ONLY:	return "second-level";
	case VTD_PGTT_NESTED:	return "nested";
	case VTD_PGTT_PT:	return "pass-through";
	default:		return "reserved";
	}
}

const char *vtd_pasid_walk_kind_name(enum vtd_pasid_walk_kind kind)
{
	switch (kind) {
	case VTD_PASID_WALK_NONE:		return "none";
	case VTD_PASID_WALK_FIRST_LEVEL:	return "first-level";
	case VTD_PASID_WALK_SECOND_LEVEL:	return "second-level";
	case VTD_PASID_WALK_NESTED:		return "nested";
	case VTD_PASID_WALK_PASS_THROUGH:	return "pass-through";
	case VTD_PASID_WALK_BAD:		return "bad";
	}
	return "?";
}

int vtd_pasid_entry_walk(const struct vtd_pasid_entry *pe, struct vtd_pasid_walk *out)
{
	struct vtd_agaw a;
	int rc = VTD_OK;

	if (!pe || !out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	if (!pe->present) {
		out->kind = VTD_PASID_WALK_NONE;
		return VTD_OK;
	}

	out->fl_root = pe->flptptr;
	out->fl_levels = (pe->raw[2] & VTD_PASID_FLPM_5LEVEL) ? 5 : 4;
	out->sl_root = pe->slptptr;
	out->sl_levels = vtd_agaw_levels(pe->aw);

	switch (pe->pgtt) {
	case VTD_PGTT_FL_ONLY:
		out->kind = VTD_PASID_WALK_FIRST_LEVEL;
		if (pe->flpm > 1)
			rc = VTD_ERR_FORMAT;
		break;
	case VTD_PGTT_SL_ONLY:
		out->kind = VTD_PASID_WALK_SECOND_LEVEL;
		rc = vtd_agaw_decode(pe->aw, &a);
		break;
	case VTD_PGTT_NESTED:
		out->kind = VTD_PASID_WALK_NESTED;
		rc = vtd_agaw_decode(pe->aw, &a);
		if (pe->flpm > 1)
			rc = VTD_ERR_FORMAT;
		break;
	case VTD_PGTT_PT:
		out->kind = VTD_PASID_WALK_PASS_THROUGH;
		break;
	default:
		out->kind = VTD_PASID_WALK_BAD;
		rc = VTD_ERR_FORMAT;
		break;
	}
	return rc;
}

int vtd_pasid_entry_format(const struct vtd_pasid_entry *pe, char *buf, size_t len)
{
	struct vtd_strbuf sb = { buf, len, 0 };

	if (buf && len)
		buf[0] = '\0';
	if (!pe)
		return VTD_ERR_ARG;
	if (!pe->present) {
		vtd_strbuf_printf(&sb, "not-present");
		if (pe->fpd)
			vtd_strbuf_printf(&sb, " FPD");
		return sb.total;
	}
	vtd_strbuf_printf(&sb, "present pgtt=%s did=%u aw=%u", vtd_pasid_pgtt_name(pe->pgtt),
			  pe->did, pe->aw);
	if (pe->pgtt == VTD_PGTT_SL_ONLY || pe->pgtt == VTD_PGTT_NESTED)
		vtd_strbuf_printf(&sb, " slptptr=0x%llx", (unsigned long long)pe->slptptr);
	if (pe->pgtt == VTD_PGTT_FL_ONLY || pe->pgtt == VTD_PGTT_NESTED)
		vtd_strbuf_printf(&sb, " flptptr=0x%llx flpm=%u", (unsigned long long)pe->flptptr,
				  pe->flpm);
	if (pe->fpd)
		vtd_strbuf_printf(&sb, " FPD");
	if (pe->ssade)
		vtd_strbuf_printf(&sb, " SSADE");
	if (pe->pwsnp)
		vtd_strbuf_printf(&sb, " PWSNP");
	if (pe->pgsnp)
		vtd_strbuf_printf(&sb, " PGSNP");
	if (pe->sre)
		vtd_strbuf_printf(&sb, " SRE");
	if (pe->wpe)
		vtd_strbuf_printf(&sb, " WPE");
	if (pe->nxe)
		vtd_strbuf_printf(&sb, " NXE");
	if (pe->eafe)
		vtd_strbuf_printf(&sb, " EAFE");
	return sb.total;
}
