/*
 * VT-d root entries: decode, locate a devfn's context entry, describe.
 */
#include <string.h>

#include "vtd/root.h"

int vtd_root_entry_decode(const uint64_t raw[2], struct vtd_root_entry *out)
{
	if (!raw || !out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	out->raw[0] = raw[0];
	out->raw[1] = raw[1];
	out->present = raw[0] & VTD_ROOT_P;
	out->ctp = raw[0] & VTD_ROOT_CTP_MASK;
	out->lower_present = raw[0] & VTD_ROOT_P;
	out->lctp = raw[0] & VTD_ROOT_CTP_MASK;
	out->upper_present = raw[1] & VTD_ROOT_P;
	out->uctp = raw[1] & VTD_ROOT_CTP_MASK;
	return VTD_OK;
}

int vtd_context_locate(bool sm, uint8_t devfn, struct vtd_context_loc *out)
{
	if (!out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	if (!sm) {
		out->index = devfn;
		out->size = VTD_CONTEXT_SIZE_LEGACY;
	} else {
		out->upper = devfn >= 0x80;
		out->index = devfn & 0x7f;
		out->size = VTD_CONTEXT_SIZE_SM;
	}
	out->offset = out->index * out->size;
	return VTD_OK;
}

bool vtd_root_context_table(const struct vtd_root_entry *re, bool sm, uint8_t devfn,
			    uint64_t *table_pa)
{
	bool present;
	uint64_t pa;

	if (table_pa)
		*table_pa = 0;
	if (!re)
		return false;
	if (sm && devfn >= 0x80) {
		present = re->upper_present;
		pa = re->uctp;
	} else {
		present = re->lower_present;
		pa = re->lctp;
	}
	if (!present)
		return false;
	if (table_pa)
		*table_pa = pa;
	return true;
}

int vtd_root_entry_format(const struct vtd_root_entry *re, bool sm, char *buf, size_t len)
{
	struct vtd_strbuf sb = { buf, len, 0 };

	if (buf && len)
		buf[0] = '\0';
	if (!re)
		return VTD_ERR_ARG;
	if (!sm) {
		if (!re->present)
			vtd_strbuf_printf(&sb, "not-present");
		else
			vtd_strbuf_printf(&sb, "ctp=0x%llx", (unsigned long long)re->ctp);
		if (re->raw[1])
			vtd_strbuf_printf(&sb, " hi=0x%llx", (unsigned long long)re->raw[1]);
		return sb.total;
	}
	if (!re->lower_present && !re->upper_present) {
		vtd_strbuf_printf(&sb, "not-present");
		return sb.total;
	}
	if (re->lower_present)
		vtd_strbuf_printf(&sb, "lctp=0x%llx", (unsigned long long)re->lctp);
	else
		vtd_strbuf_printf(&sb, "lctp=-");
	if (re->upper_present)
		vtd_strbuf_printf(&sb, " uctp=0x%llx", (unsigned long long)re->uctp);
	else
		vtd_strbuf_printf(&sb, " uctp=-");
	return sb.total;
}
