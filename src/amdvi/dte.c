/*
 * AMD-Vi device-table entries: decode, encode, classify, describe.
 */
#include <string.h>

#include "amdvi/dte.h"

#define GET(mask, v)	((uint8_t)AMDVI_FIELD_GET(mask, v))

int amdvi_dte_decode(const uint64_t data[4], uint64_t me_mask, struct amdvi_dte *out)
{
	uint64_t d0, d1, d2, gcr3;

	if (!data || !out)
		return AMDVI_ERR_ARG;
	memset(out, 0, sizeof(*out));
	memcpy(out->raw, data, sizeof(out->raw));
	d0 = data[0];
	d1 = data[1];
	d2 = data[2];

	out->v = d0 & AMDVI_DTE_V;
	out->tv = d0 & AMDVI_DTE_TV;
	out->had = GET(AMDVI_DTE_HAD_MASK, d0);
	out->mode = GET(AMDVI_DTE_MODE_MASK, d0);
	out->pt_root = amdvi_strip_me_mask(d0 & AMDVI_DTE_ROOT_MASK, me_mask);
	out->ppr = d0 & AMDVI_DTE_PPR;
	out->gprp = d0 & AMDVI_DTE_GPRP;
	out->giov = d0 & AMDVI_DTE_GIOV;
	out->gv = d0 & AMDVI_DTE_GV;
	out->glx = GET(AMDVI_DTE_GLX_MASK, d0);
	out->ir = d0 & AMDVI_DTE_IR;
	out->iw = d0 & AMDVI_DTE_IW;

	out->domid = (uint16_t)(d1 & AMDVI_DTE_DOMID_MASK);
	out->i = d1 & AMDVI_DTE_I;
	out->se = d1 & AMDVI_DTE_SE;
	out->sa = d1 & AMDVI_DTE_SA;
	out->ioctl = GET(AMDVI_DTE_IOCTL_MASK, d1);
	out->cache = d1 & AMDVI_DTE_CACHE;
	out->sd = d1 & AMDVI_DTE_SD;
	out->ex = d1 & AMDVI_DTE_EX;
	out->sysmgt = GET(AMDVI_DTE_SYSMGT_MASK, d1);

	gcr3 = AMDVI_FIELD_PREP(AMDVI_GCR3_A_ADDR_MASK, AMDVI_FIELD_GET(AMDVI_DTE_GCR3_A_MASK, d0)) |
	       AMDVI_FIELD_PREP(AMDVI_GCR3_B_ADDR_MASK, AMDVI_FIELD_GET(AMDVI_DTE_GCR3_B_MASK, d1)) |
	       AMDVI_FIELD_PREP(AMDVI_GCR3_C_ADDR_MASK, AMDVI_FIELD_GET(AMDVI_DTE_GCR3_C_MASK, d1));
	out->gcr3_root = amdvi_strip_me_mask(gcr3, me_mask);

	out->iv = d2 & AMDVI_DTE_IV;
	out->int_tab_len = GET(AMDVI_DTE_INTTABLEN_MASK, d2);
	out->ig = d2 & AMDVI_DTE_IG;
	out->int_tab_root = amdvi_strip_me_mask(d2 & AMDVI_DTE_INTTAB_MASK, me_mask);
	out->gpt_level = GET(AMDVI_DTE_GPT_LEVEL_MASK, d2);
	out->init_pass = d2 & AMDVI_DTE_INIT_PASS;
	out->eint_pass = d2 & AMDVI_DTE_EINT_PASS;
	out->nmi_pass = d2 & AMDVI_DTE_NMI_PASS;
	out->int_ctl = GET(AMDVI_DTE_INTCTL_MASK, d2);
	out->lint0_pass = d2 & AMDVI_DTE_LINT0_PASS;
	out->lint1_pass = d2 & AMDVI_DTE_LINT1_PASS;
	return AMDVI_OK;
}

int amdvi_dte_encode(const struct amdvi_dte *dte, uint64_t data[4])
{
	uint64_t g;

	if (!dte || !data)
		return AMDVI_ERR_ARG;
	g = dte->gcr3_root;

	data[0] = AMDVI_FLAG(dte->v, AMDVI_DTE_V) | AMDVI_FLAG(dte->tv, AMDVI_DTE_TV) |
		  AMDVI_FIELD_PREP(AMDVI_DTE_HAD_MASK, dte->had) |
		  AMDVI_FIELD_PREP(AMDVI_DTE_MODE_MASK, dte->mode) |
		  (dte->pt_root & AMDVI_DTE_ROOT_MASK) |
		  AMDVI_FLAG(dte->ppr, AMDVI_DTE_PPR) | AMDVI_FLAG(dte->gprp, AMDVI_DTE_GPRP) |
		  AMDVI_FLAG(dte->giov, AMDVI_DTE_GIOV) | AMDVI_FLAG(dte->gv, AMDVI_DTE_GV) |
		  AMDVI_FIELD_PREP(AMDVI_DTE_GLX_MASK, dte->glx) |
		  AMDVI_FIELD_PREP(AMDVI_DTE_GCR3_A_MASK, AMDVI_FIELD_GET(AMDVI_GCR3_A_ADDR_MASK, g)) |
		  AMDVI_FLAG(dte->ir, AMDVI_DTE_IR) | AMDVI_FLAG(dte->iw, AMDVI_DTE_IW);

	data[1] = dte->domid |
		  AMDVI_FIELD_PREP(AMDVI_DTE_GCR3_B_MASK, AMDVI_FIELD_GET(AMDVI_GCR3_B_ADDR_MASK, g)) |
		  AMDVI_FLAG(dte->i, AMDVI_DTE_I) | AMDVI_FLAG(dte->se, AMDVI_DTE_SE) |
		  AMDVI_FLAG(dte->sa, AMDVI_DTE_SA) |
		  AMDVI_FIELD_PREP(AMDVI_DTE_IOCTL_MASK, dte->ioctl) |
		  AMDVI_FLAG(dte->cache, AMDVI_DTE_CACHE) | AMDVI_FLAG(dte->sd, AMDVI_DTE_SD) |
		  AMDVI_FLAG(dte->ex, AMDVI_DTE_EX) |
		  AMDVI_FIELD_PREP(AMDVI_DTE_SYSMGT_MASK, dte->sysmgt) |
		  AMDVI_FIELD_PREP(AMDVI_DTE_GCR3_C_MASK, AMDVI_FIELD_GET(AMDVI_GCR3_C_ADDR_MASK, g));

	data[2] = AMDVI_FLAG(dte->iv, AMDVI_DTE_IV) |
		  AMDVI_FIELD_PREP(AMDVI_DTE_INTTABLEN_MASK, dte->int_tab_len) |
		  AMDVI_FLAG(dte->ig, AMDVI_DTE_IG) |
		  (dte->int_tab_root & AMDVI_DTE_INTTAB_MASK) |
		  AMDVI_FIELD_PREP(AMDVI_DTE_GPT_LEVEL_MASK, dte->gpt_level) |
		  AMDVI_FLAG(dte->init_pass, AMDVI_DTE_INIT_PASS) |
		  AMDVI_FLAG(dte->eint_pass, AMDVI_DTE_EINT_PASS) |
		  AMDVI_FLAG(dte->nmi_pass, AMDVI_DTE_NMI_PASS) |
		  AMDVI_FIELD_PREP(AMDVI_DTE_INTCTL_MASK, dte->int_ctl) |
		  AMDVI_FLAG(dte->lint0_pass, AMDVI_DTE_LINT0_PASS) |
		  AMDVI_FLAG(dte->lint1_pass, AMDVI_DTE_LINT1_PASS);

	data[3] = dte->raw[3];
	return AMDVI_OK;
}

bool amdvi_dte_valid(const struct amdvi_dte *dte)
{
	return dte && dte->v;
}

bool amdvi_dte_translates(const struct amdvi_dte *dte)
{
	return dte && dte->v && dte->tv && dte->mode != 0;
}

enum amdvi_dte_class amdvi_dte_classify(const struct amdvi_dte *dte)
{
	if (!dte || !dte->v)
		return AMDVI_DTE_NOT_VALID;
	if (!dte->tv)
		return AMDVI_DTE_PASSTHROUGH;
	if (dte->gv)
		return AMDVI_DTE_GUEST;
	if (dte->mode != 0)
		return AMDVI_DTE_TRANSLATED;
	if (dte->ir || dte->iw)
		return AMDVI_DTE_PASSTHROUGH;
	return AMDVI_DTE_BLOCKED;
}

const char *amdvi_dte_class_name(enum amdvi_dte_class cls)
{
	switch (cls) {
	case AMDVI_DTE_NOT_VALID:	return "not-valid";
	case AMDVI_DTE_BLOCKED:		return "blocked";
	case AMDVI_DTE_PASSTHROUGH:	return "passthrough";
	case AMDVI_DTE_TRANSLATED:	return "translated";
	case AMDVI_DTE_GUEST:		return "guest";
	}
	return "?";
}

uint32_t amdvi_dte_int_tab_entries(const struct amdvi_dte *dte)
{
	if (!dte || !dte->iv)
		return 0;
	return 1U << dte->int_tab_len;
}

int amdvi_dte_format(const struct amdvi_dte *dte, char *buf, size_t len)
{
	struct amdvi_strbuf sb = { buf, len, 0 };
	enum amdvi_dte_class cls;

	if (buf && len)
		buf[0] = '\0';
	if (!dte)
		return AMDVI_ERR_ARG;
	cls = amdvi_dte_classify(dte);
	amdvi_strbuf_printf(&sb, "%s", amdvi_dte_class_name(cls));
	if (cls == AMDVI_DTE_NOT_VALID)
		return sb.total;

	amdvi_strbuf_printf(&sb, " domain=%u mode=%u", dte->domid, dte->mode);
	if (dte->mode)
		amdvi_strbuf_printf(&sb, " root=0x%llx", (unsigned long long)dte->pt_root);
	if (dte->gv)
		amdvi_strbuf_printf(&sb, " gcr3=0x%llx glx=%u", (unsigned long long)dte->gcr3_root,
				    dte->glx);
	if (dte->tv)
		amdvi_strbuf_printf(&sb, " TV");
	if (dte->ir)
		amdvi_strbuf_printf(&sb, " IR");
	if (dte->iw)
		amdvi_strbuf_printf(&sb, " IW");
	if (dte->i)
		amdvi_strbuf_printf(&sb, " I");
	if (dte->se)
		amdvi_strbuf_printf(&sb, " SE");
	if (dte->sa)
		amdvi_strbuf_printf(&sb, " SA");
	if (dte->ppr)
		amdvi_strbuf_printf(&sb, " PPR");
	if (dte->giov)
		amdvi_strbuf_printf(&sb, " GIoV");
	if (dte->had)
		amdvi_strbuf_printf(&sb, " HAD=%u", dte->had);
	if (dte->iv)
		amdvi_strbuf_printf(&sb, " irt=0x%llx len=%u intctl=%u",
				    (unsigned long long)dte->int_tab_root,
				    amdvi_dte_int_tab_entries(dte), dte->int_ctl);
	return sb.total;
}
