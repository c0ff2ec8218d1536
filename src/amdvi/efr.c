/*
 * AMD-Vi Extended Feature Register.
 */
#include <string.h>

#include "amdvi/efr.h"

int amdvi_efr_decode(uint64_t efr, struct amdvi_efr *out)
{
	if (!out)
		return AMDVI_ERR_ARG;
	memset(out, 0, sizeof(*out));
	out->raw = efr;
	out->pref = efr & AMDVI_EFR_PREF;
	out->ppr = efr & AMDVI_EFR_PPR;
	out->xt = efr & AMDVI_EFR_XT;
	out->nx = efr & AMDVI_EFR_NX;
	out->gt = efr & AMDVI_EFR_GT;
	out->gappi = efr & AMDVI_EFR_GAPPI;
	out->ia = efr & AMDVI_EFR_IA;
	out->ga = efr & AMDVI_EFR_GA;
	out->he = efr & AMDVI_EFR_HE;
	out->pc = efr & AMDVI_EFR_PC;
	out->hats = (uint8_t)AMDVI_FIELD_GET(AMDVI_EFR_HATS_MASK, efr);
	out->gats = (uint8_t)AMDVI_FIELD_GET(AMDVI_EFR_GATS_MASK, efr);
	out->glx = (uint8_t)AMDVI_FIELD_GET(AMDVI_EFR_GLX_MASK, efr);
	out->smif = (uint8_t)AMDVI_FIELD_GET(AMDVI_EFR_SMIF_MASK, efr);
	out->smifrc = (uint8_t)AMDVI_FIELD_GET(AMDVI_EFR_SMIFRC_MASK, efr);
	out->gam_vapic = efr & AMDVI_EFR_GAM_VAPIC;
	out->pasmax = (uint8_t)AMDVI_FIELD_GET(AMDVI_EFR_PASMAX_MASK, efr);
	out->giosup = efr & AMDVI_EFR_GIOSUP;
	out->hasup = efr & AMDVI_EFR_HASUP;
	out->ephsup = efr & AMDVI_EFR_EPHSUP;
	out->hdsup = efr & AMDVI_EFR_HDSUP;
	out->snp = efr & AMDVI_EFR_SNP;
	return AMDVI_OK;
}

uint64_t amdvi_efr_encode(const struct amdvi_efr *e)
{
	if (!e)
		return 0;
	return AMDVI_FLAG(e->pref, AMDVI_EFR_PREF) | AMDVI_FLAG(e->ppr, AMDVI_EFR_PPR) |
	       AMDVI_FLAG(e->xt, AMDVI_EFR_XT) | AMDVI_FLAG(e->nx, AMDVI_EFR_NX) |
	       AMDVI_FLAG(e->gt, AMDVI_EFR_GT) | AMDVI_FLAG(e->gappi, AMDVI_EFR_GAPPI) |
	       AMDVI_FLAG(e->ia, AMDVI_EFR_IA) | AMDVI_FLAG(e->ga, AMDVI_EFR_GA) |
	       AMDVI_FLAG(e->he, AMDVI_EFR_HE) | AMDVI_FLAG(e->pc, AMDVI_EFR_PC) |
	       AMDVI_FIELD_PREP(AMDVI_EFR_HATS_MASK, e->hats) |
	       AMDVI_FIELD_PREP(AMDVI_EFR_GATS_MASK, e->gats) |
	       AMDVI_FIELD_PREP(AMDVI_EFR_GLX_MASK, e->glx) |
	       AMDVI_FIELD_PREP(AMDVI_EFR_SMIF_MASK, e->smif) |
	       AMDVI_FIELD_PREP(AMDVI_EFR_SMIFRC_MASK, e->smifrc) |
	       AMDVI_FLAG(e->gam_vapic, AMDVI_EFR_GAM_VAPIC) |
	       AMDVI_FIELD_PREP(AMDVI_EFR_PASMAX_MASK, e->pasmax) |
	       AMDVI_FLAG(e->giosup, AMDVI_EFR_GIOSUP) | AMDVI_FLAG(e->hasup, AMDVI_EFR_HASUP) |
	       AMDVI_FLAG(e->ephsup, AMDVI_EFR_EPHSUP) | AMDVI_FLAG(e->hdsup, AMDVI_EFR_HDSUP) |
	       AMDVI_FLAG(e->snp, AMDVI_EFR_SNP);
}

/* Order and spelling of the kernel's feat_str[] (bits 0..9). */
static const char *const kernel_bit_names[10] = {
	"PreF", "PPR", "X2APIC", "NX", "GT", "[5]", "IA", "GA", "HE", "PC",
};

static void put_names(struct amdvi_strbuf *sb, uint64_t efr)
{
	unsigned int i;

	for (i = 0; i < 10; i++)
		if (efr & AMDVI_BIT(i))
			amdvi_strbuf_printf(sb, " %s", kernel_bit_names[i]);
	if (efr & AMDVI_EFR_GAM_VAPIC)
		amdvi_strbuf_printf(sb, " GA_vAPIC");
	if (efr & AMDVI_EFR_SNP)
		amdvi_strbuf_printf(sb, " SNP");
}

int amdvi_efr_kernel_names(uint64_t efr, char *buf, size_t len)
{
	struct amdvi_strbuf sb = { buf, len, 0 };

	if (buf && len)
		buf[0] = '\0';
	put_names(&sb, efr);
	return sb.total;
}

int amdvi_efr_format(uint64_t efr, uint64_t efr2, char *buf, size_t len)
{
	struct amdvi_strbuf sb = { buf, len, 0 };

	if (buf && len)
		buf[0] = '\0';
	/* Linux's %#llx prints a zero as "0x0" (unlike glibc's "0") */
	amdvi_strbuf_printf(&sb, "Extended features (0x%llx, 0x%llx):",
			    (unsigned long long)efr, (unsigned long long)efr2);
	put_names(&sb, efr);
	return sb.total;
}
