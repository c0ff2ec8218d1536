/*
 * VT-d CAP / ECAP decode and the GCMD / GSTS bit names.
 */
#include <string.h>

#include "vtd/cap.h"

#define GET(mask, v)	((unsigned int)VTD_FIELD_GET(mask, v))

int vtd_cap_decode(uint64_t cap, struct vtd_cap *out)
{
	unsigned int aw;

	if (!out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	out->raw = cap;
	out->nd = GET(VTD_CAP_ND_MASK, cap);
	out->ndoms = 1U << (4 + 2 * out->nd);
	out->afl = cap & VTD_CAP_AFL;
	out->rwbf = cap & VTD_CAP_RWBF;
	out->plmr = cap & VTD_CAP_PLMR;
	out->phmr = cap & VTD_CAP_PHMR;
	out->cm = cap & VTD_CAP_CM;
	out->sagaw = GET(VTD_CAP_SAGAW_MASK, cap);
	for (aw = 0; aw < 5; aw++)
		if (out->sagaw & (1U << aw))
			out->sagaw_levels |= 1U << vtd_agaw_levels(aw);
	out->mgaw = GET(VTD_CAP_MGAW_MASK, cap) + 1;
	out->zlr = cap & VTD_CAP_ZLR;
	out->isoch = cap & VTD_CAP_ISOCH;
	out->fro = GET(VTD_CAP_FRO_MASK, cap) * 16;
	out->sllps = GET(VTD_CAP_SLLPS_MASK, cap);
	out->psi = cap & VTD_CAP_PSI;
	out->nfr = GET(VTD_CAP_NFR_MASK, cap) + 1;
	out->mamv = GET(VTD_CAP_MAMV_MASK, cap);
	out->dwd = cap & VTD_CAP_DWD;
	out->drd = cap & VTD_CAP_DRD;
	out->fl1gp = cap & VTD_CAP_FL1GP;
	out->pi = cap & VTD_CAP_PI;
	out->fl5lp = cap & VTD_CAP_FL5LP;
	out->ecmds = cap & VTD_CAP_ECMDS;
	out->esirtps = cap & VTD_CAP_ESIRTPS;
	out->esrtps = cap & VTD_CAP_ESRTPS;
	return VTD_OK;
}

bool vtd_cap_supports_agaw(uint64_t cap, unsigned int aw)
{
	return aw < 5 && (GET(VTD_CAP_SAGAW_MASK, cap) & (1U << aw));
}

int vtd_ecap_decode(uint64_t ecap, struct vtd_ecap *out)
{
	if (!out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	out->raw = ecap;
	out->c = ecap & VTD_ECAP_C;
	out->qi = ecap & VTD_ECAP_QI;
	out->dt = ecap & VTD_ECAP_DT;
	out->ir = ecap & VTD_ECAP_IR;
	out->eim = ecap & VTD_ECAP_EIM;
	out->pt = ecap & VTD_ECAP_PT;
	out->sc = ecap & VTD_ECAP_SC;
	out->iro = GET(VTD_ECAP_IRO_MASK, ecap) * 16;
	out->mhmv = GET(VTD_ECAP_MHMV_MASK, ecap);
	out->ecs = ecap & VTD_ECAP_ECS;
	out->mts = ecap & VTD_ECAP_MTS;
	out->nest = ecap & VTD_ECAP_NEST;
	out->dis = ecap & VTD_ECAP_DIS;
	out->broken_pasid = ecap & VTD_ECAP_BROKEN_PASID;
	out->prs = ecap & VTD_ECAP_PRS;
	out->ers = ecap & VTD_ECAP_ERS;
	out->srs = ecap & VTD_ECAP_SRS;
	out->nwfs = ecap & VTD_ECAP_NWFS;
	out->eafs = ecap & VTD_ECAP_EAFS;
	out->pss = GET(VTD_ECAP_PSS_MASK, ecap);
	/* 2 << 31 does not fit: the PASID space is 20 bits anyway */
	out->max_pasids = out->pss >= 19 ? 1U << 20 : 2U << out->pss;
	out->pasid = ecap & VTD_ECAP_PASID;
	out->dit = ecap & VTD_ECAP_DIT;
	out->pds = ecap & VTD_ECAP_PDS;
	out->smts = ecap & VTD_ECAP_SMTS;
	out->vcs = ecap & VTD_ECAP_VCS;
	out->slads = ecap & VTD_ECAP_SLADS;
	out->slts = ecap & VTD_ECAP_SLTS;
	out->flts = ecap & VTD_ECAP_FLTS;
	out->smpwc = ecap & VTD_ECAP_SMPWC;
	out->rps = ecap & VTD_ECAP_RPS;
	out->pms = ecap & VTD_ECAP_PMS;
	return VTD_OK;
}

unsigned int vtd_qi_desc_size(uint64_t ecap)
{
	return (ecap & VTD_ECAP_SMTS) ? 32 : 16;
}

struct bit_name {
	uint64_t bit;
	const char *name;
};

static const struct bit_name cap_bits[] = {
	{ VTD_CAP_AFL, "AFL" }, { VTD_CAP_RWBF, "RWBF" }, { VTD_CAP_PLMR, "PLMR" },
	{ VTD_CAP_PHMR, "PHMR" }, { VTD_CAP_CM, "CM" }, { VTD_CAP_ZLR, "ZLR" },
	{ VTD_CAP_ISOCH, "ISOCH" }, { VTD_CAP_PSI, "PSI" }, { VTD_CAP_DWD, "DWD" },
	{ VTD_CAP_DRD, "DRD" }, { VTD_CAP_FL1GP, "FL1GP" }, { VTD_CAP_PI, "PI" },
	{ VTD_CAP_FL5LP, "FL5LP" }, { VTD_CAP_ECMDS, "ECMDS" },
	{ VTD_CAP_ESIRTPS, "ESIRTPS" }, { VTD_CAP_ESRTPS, "ESRTPS" },
};

static const struct bit_name ecap_bits[] = {
	{ VTD_ECAP_C, "C" }, { VTD_ECAP_QI, "QI" }, { VTD_ECAP_DT, "DT" },
	{ VTD_ECAP_IR, "IR" }, { VTD_ECAP_EIM, "EIM" }, { VTD_ECAP_PT, "PT" },
	{ VTD_ECAP_SC, "SC" }, { VTD_ECAP_ECS, "ECS" }, { VTD_ECAP_MTS, "MTS" },
	{ VTD_ECAP_NEST, "NEST" }, { VTD_ECAP_DIS, "DIS" },
	{ VTD_ECAP_BROKEN_PASID, "BIT28" }, { VTD_ECAP_PRS, "PRS" },
	{ VTD_ECAP_ERS, "ERS" }, { VTD_ECAP_SRS, "SRS" }, { VTD_ECAP_NWFS, "NWFS" },
	{ VTD_ECAP_EAFS, "EAFS" }, { VTD_ECAP_PASID, "PASID" }, { VTD_ECAP_DIT, "DIT" },
	{ VTD_ECAP_PDS, "PDS" }, { VTD_ECAP_SMTS, "SMTS" }, { VTD_ECAP_VCS, "VCS" },
	{ VTD_ECAP_SLADS, "SLADS" }, { VTD_ECAP_SLTS, "SLTS" }, { VTD_ECAP_FLTS, "FLTS" },
	{ VTD_ECAP_SMPWC, "SMPWC" }, { VTD_ECAP_RPS, "RPS" }, { VTD_ECAP_PMS, "PMS" },
};

static void put_names(struct vtd_strbuf *sb, uint64_t v, const struct bit_name *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v & t[i].bit)
			vtd_strbuf_printf(sb, "%s%s", sb->total ? " " : "", t[i].name);
}

int vtd_cap_format(uint64_t cap, char *buf, size_t len)
{
	struct vtd_strbuf sb = { buf, len, 0 };
	struct vtd_cap c;

	if (buf && len)
		buf[0] = '\0';
	vtd_cap_decode(cap, &c);
	put_names(&sb, cap, cap_bits, sizeof(cap_bits) / sizeof(cap_bits[0]));
	vtd_strbuf_printf(&sb, "%snd=%u(%u) mgaw=%u sagaw=0x%x sllps=0x%x fro=0x%x nfr=%u mamv=%u",
			  sb.total ? " " : "", c.nd, c.ndoms, c.mgaw, c.sagaw, c.sllps, c.fro,
			  c.nfr, c.mamv);
	return sb.total;
}

int vtd_ecap_format(uint64_t ecap, char *buf, size_t len)
{
	struct vtd_strbuf sb = { buf, len, 0 };
	struct vtd_ecap e;

	if (buf && len)
		buf[0] = '\0';
	vtd_ecap_decode(ecap, &e);
	put_names(&sb, ecap, ecap_bits, sizeof(ecap_bits) / sizeof(ecap_bits[0]));
	vtd_strbuf_printf(&sb, "%siro=0x%x mhmv=%u pss=%u", sb.total ? " " : "", e.iro, e.mhmv,
			  e.pss);
	return sb.total;
}

/* Bits 31..23 of GCMD and GSTS, most significant first. */
static const char *const gcmd_names[9] = {
	"TE", "SRTP", "SFL", "EAFL", "WBF", "QIE", "IRE", "SIRTP", "CFI",
};
static const char *const gsts_names[9] = {
	"TES", "RTPS", "FLS", "AFLS", "WBFS", "QIES", "IRES", "IRTPS", "CFIS",
};

static int format_global(uint32_t v, const char *const names[9], char *buf, size_t len)
{
	struct vtd_strbuf sb = { buf, len, 0 };
	int bit;

	if (buf && len)
		buf[0] = '\0';
	for (bit = 31; bit >= 0; bit--) {
		if (!(v & (1U << bit)))
			continue;
		if (bit >= 23)
			vtd_strbuf_printf(&sb, "%s%s", sb.total ? " " : "", names[31 - bit]);
		else
			vtd_strbuf_printf(&sb, "%sbit%d", sb.total ? " " : "", bit);
	}
	return sb.total;
}

int vtd_gcmd_format(uint32_t gcmd, char *buf, size_t len)
{
	return format_global(gcmd, gcmd_names, buf, len);
}

int vtd_gsts_format(uint32_t gsts, char *buf, size_t len)
{
	return format_global(gsts, gsts_names, buf, len);
}
