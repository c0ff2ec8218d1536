/*
 * VT-d invalidation-queue descriptors: decode, load from a ring copy,
 * describe.
 */
#include <string.h>

#include "vtd/qi.h"

#define GET(mask, v)	((unsigned int)VTD_FIELD_GET(mask, v))

static const char *const type_names[16] = {
	[VTD_QI_CC]		= "CC_INV",
	[VTD_QI_IOTLB]		= "IOTLB_INV",
	[VTD_QI_DIOTLB]		= "DEV_TLB_INV",
	[VTD_QI_IEC]		= "IEC_INV",
	[VTD_QI_IWD]		= "INV_WAIT",
	[VTD_QI_EIOTLB]		= "PASID_IOTLB_INV",
	[VTD_QI_PC]		= "PASID_CACHE_INV",
	[VTD_QI_DEIOTLB]	= "PASID_DEV_TLB_INV",
	[VTD_QI_PGRP_RESP]	= "PAGE_GROUP_RESP",
	[VTD_QI_PSTRM_RESP]	= "PAGE_STREAM_RESP",
};

/* qi_type_string() of 6.1-7.3: no entry for the page stream response. */
static const char *const kernel_strings[16] = {
	[VTD_QI_CC]		= "Context-cache Invalidation",
	[VTD_QI_IOTLB]		= "IOTLB Invalidation",
	[VTD_QI_DIOTLB]		= "Device-TLB Invalidation",
	[VTD_QI_IEC]		= "Interrupt Entry Cache Invalidation",
	[VTD_QI_IWD]		= "Invalidation Wait",
	[VTD_QI_EIOTLB]		= "PASID-based IOTLB Invalidation",
	[VTD_QI_PC]		= "PASID-cache Invalidation",
	[VTD_QI_DEIOTLB]	= "PASID-based Device-TLB Invalidation",
	[VTD_QI_PGRP_RESP]	= "Page Group Response",
};

const char *vtd_qi_type_name(unsigned int type)
{
	if (type < 16 && type_names[type])
		return type_names[type];
	return "UNKNOWN";
}

const char *vtd_qi_type_kernel_string(unsigned int type)
{
	if (type < 16 && kernel_strings[type])
		return kernel_strings[type];
	return "UNKNOWN";
}

const char *vtd_qi_gran_name(unsigned int type, unsigned int g)
{
	switch (type) {
	case VTD_QI_CC:
		switch (g) {
		case VTD_QI_CC_G_GLOBAL:	return "global";
		case VTD_QI_CC_G_DOMAIN:	return "domain";
		case VTD_QI_CC_G_DEVICE:	return "device";
		}
		return "reserved";
	case VTD_QI_IOTLB:
		switch (g) {
		case VTD_QI_IOTLB_G_GLOBAL:	return "global";
		case VTD_QI_IOTLB_G_DOMAIN:	return "domain";
		case VTD_QI_IOTLB_G_PAGE:	return "page";
		}
		return "reserved";
	case VTD_QI_EIOTLB:
		switch (g) {
		case VTD_QI_EIOTLB_G_PASID:	return "pasid";
		case VTD_QI_EIOTLB_G_PAGE:	return "pasid-page";
		}
		return "reserved";
	case VTD_QI_PC:
		switch (g) {
		case VTD_QI_PC_G_ALL_PASIDS:	return "all-pasids";
		case VTD_QI_PC_G_PASID:		return "pasid";
		case VTD_QI_PC_G_GLOBAL:	return "global";
		}
		return "reserved";
	case VTD_QI_IEC:
		return g ? "index" : "global";
	default:
		return "";
	}
}

const char *vtd_qi_status_name(int status)
{
	switch (status) {
	case VTD_QI_FREE:	return "free";
	case VTD_QI_IN_USE:	return "in-use";
	case VTD_QI_DONE:	return "done";
	case VTD_QI_ABORT:	return "abort";
	}
	return "invalid";
}

struct vtd_range vtd_qi_am_range(uint64_t addr, unsigned int am)
{
	struct vtd_range r;
	uint64_t size;

	if (am + VTD_PAGE_SHIFT >= 64) {
		r.start = 0;
		r.last = ~0ULL;
		return r;
	}
	size = VTD_PAGE_SIZE << am;
	r.start = addr & ~(size - 1);
	r.last = r.start + size - 1;
	return r;
}

struct vtd_range vtd_qi_s_range(uint64_t addr, bool s)
{
	struct vtd_range r;
	uint64_t v = addr | (VTD_PAGE_SIZE - 1);
	unsigned int zero;

	if (!s) {
		r.start = addr & VTD_PAGE_MASK;
		r.last = r.start + VTD_PAGE_SIZE - 1;
		return r;
	}
	if ((v | VTD_BIT(63)) == ~0ULL) {	/* no zero bit below 63 */
		r.start = 0;
		r.last = ~0ULL;
		return r;
	}
	zero = (unsigned int)__builtin_ctzll(~v);	/* lowest zero, 12..62 */
	r.start = addr & ~((2ULL << zero) - 1);
	r.last = r.start + (2ULL << zero) - 1;
	return r;
}

static uint16_t pfsid_of(uint64_t qw0)
{
	return (uint16_t)(GET(VTD_QI_PFSID_LO_MASK, qw0) | GET(VTD_QI_PFSID_HI_MASK, qw0) << 4);
}

int vtd_qi_desc_decode(const uint64_t qw[4], struct vtd_qi_desc *out)
{
	uint64_t q0, q1;

	if (!qw || !out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	memcpy(out->qw, qw, sizeof(out->qw));
	q0 = qw[0];
	q1 = qw[1];
	out->type = GET(VTD_QI_TYPE_MASK, q0);
	out->known = true;

	switch (out->type) {
	case VTD_QI_CC:
		out->u.cc.g = GET(VTD_QI_G_MASK, q0);
		out->u.cc.did = (uint16_t)GET(VTD_QI_DID_MASK, q0);
		out->u.cc.sid = (uint16_t)GET(VTD_QI_CC_SID_MASK, q0);
		out->u.cc.fm = GET(VTD_QI_CC_FM_MASK, q0);
		break;
	case VTD_QI_IOTLB:
	case VTD_QI_EIOTLB: {
		struct vtd_qi_iotlb *t = &out->u.iotlb;

		t->g = GET(VTD_QI_G_MASK, q0);
		t->did = (uint16_t)GET(VTD_QI_DID_MASK, q0);
		if (out->type == VTD_QI_IOTLB) {
			t->dw = q0 & VTD_QI_IOTLB_DW;
			t->dr = q0 & VTD_QI_IOTLB_DR;
		} else {
			t->pasid = (uint32_t)VTD_FIELD_GET(VTD_QI_PASID_MASK, q0);
		}
		t->addr = q1 & VTD_QI_ADDR_MASK;
		t->ih = q1 & VTD_QI_IH;
		t->am = GET(VTD_QI_AM_MASK, q1);
		/* page-selective is 3 for both types */
		if (t->g == VTD_QI_IOTLB_G_PAGE) {
			t->range = vtd_qi_am_range(t->addr, t->am);
		} else {
			t->range.start = 0;
			t->range.last = ~0ULL;
		}
		break;
	}
	case VTD_QI_DIOTLB:
	case VTD_QI_DEIOTLB: {
		struct vtd_qi_dev_tlb *t = &out->u.dev_tlb;

		t->pfsid = pfsid_of(q0);
		t->addr = q1 & VTD_QI_ADDR_MASK;
		if (out->type == VTD_QI_DIOTLB) {
			t->qdep = GET(VTD_QI_DIOTLB_QDEP_MASK, q0);
			t->sid = (uint16_t)GET(VTD_QI_DIOTLB_SID_MASK, q0);
			t->s = q1 & VTD_QI_DIOTLB_S;
		} else {
			t->qdep = GET(VTD_QI_DEIOTLB_QDEP_MASK, q0);
			t->sid = (uint16_t)GET(VTD_QI_DEIOTLB_SID_MASK, q0);
			t->pasid = (uint32_t)VTD_FIELD_GET(VTD_QI_PASID_MASK, q0);
			t->s = q1 & VTD_QI_DEIOTLB_S;
			t->g = q1 & VTD_QI_DEIOTLB_G;
		}
		t->range = vtd_qi_s_range(t->addr, t->s);
		break;
	}
	case VTD_QI_IEC:
		out->u.iec.g = q0 & VTD_QI_IEC_G;
		out->u.iec.im = GET(VTD_QI_IEC_IM_MASK, q0);
		out->u.iec.iidx = (uint16_t)GET(VTD_QI_IEC_IIDX_MASK, q0);
		break;
	case VTD_QI_IWD:
		out->u.wait.intr = q0 & VTD_QI_IWD_IF;
		out->u.wait.sw = q0 & VTD_QI_IWD_SW;
		out->u.wait.fn = q0 & VTD_QI_IWD_FN;
		out->u.wait.pd = q0 & VTD_QI_IWD_PD;
		out->u.wait.status_data = (uint32_t)VTD_FIELD_GET(VTD_QI_IWD_DATA_MASK, q0);
		out->u.wait.status_addr = q1 & VTD_QI_IWD_ADDR_MASK;
		break;
	case VTD_QI_PC:
		out->u.pc.g = GET(VTD_QI_G_MASK, q0);
		out->u.pc.did = (uint16_t)GET(VTD_QI_DID_MASK, q0);
		out->u.pc.pasid = (uint32_t)VTD_FIELD_GET(VTD_QI_PASID_MASK, q0);
		break;
	case VTD_QI_PGRP_RESP: {
		struct vtd_qi_pgrp_resp *p = &out->u.pgrp;

		p->pasid_present = q0 & VTD_QI_PGRP_PASID_P;
		p->pdp = q0 & VTD_QI_PGRP_PDP;
		p->code = GET(VTD_QI_PGRP_CODE_MASK, q0);
		p->rid = (uint16_t)GET(VTD_QI_PGRP_RID_MASK, q0);
		p->pasid = (uint32_t)VTD_FIELD_GET(VTD_QI_PASID_MASK, q0);
		p->lpig = q1 & VTD_QI_PGRP_LPIG;
		p->prg_index = GET(VTD_QI_PGRP_IDX_MASK, q1);
		break;
	}
	case VTD_QI_PSTRM_RESP:
		break;
	default:
		out->known = false;
		break;
	}
	return VTD_OK;
}

int vtd_qi_desc_load(const void *ring, size_t ring_len, unsigned int desc_size,
		     unsigned int slot, uint64_t qw[4])
{
	const uint8_t *p;
	unsigned int i;

	if (!ring || !qw)
		return VTD_ERR_ARG;
	if (desc_size != VTD_QI_DESC_SIZE_128 && desc_size != VTD_QI_DESC_SIZE_256)
		return VTD_ERR_SIZE;
	if (ring_len < (size_t)VTD_QI_LENGTH * desc_size)
		return VTD_ERR_SIZE;
	if (slot >= VTD_QI_LENGTH)
		return VTD_ERR_RANGE;
	p = (const uint8_t *)ring + (size_t)slot * desc_size;
	for (i = 0; i < 4; i++)
		qw[i] = i * 8 < desc_size ? vtd_load_le64(p + 8 * i) : 0;
	return VTD_OK;
}

static void put_range(struct vtd_strbuf *sb, struct vtd_range r)
{
	if (r.start == 0 && r.last == ~0ULL)
		vtd_strbuf_printf(sb, " [all]");
	else
		vtd_strbuf_printf(sb, " [0x%llx-0x%llx]", (unsigned long long)r.start,
				  (unsigned long long)r.last);
}

static void put_sid(struct vtd_strbuf *sb, const char *name, uint16_t sid)
{
	char s[16];

	vtd_strbuf_printf(sb, " %s=%s", name, vtd_sid_str(sid, s, sizeof(s)));
}

int vtd_qi_desc_format(const struct vtd_qi_desc *d, char *buf, size_t len)
{
	struct vtd_strbuf sb = { buf, len, 0 };

	if (buf && len)
		buf[0] = '\0';
	if (!d)
		return VTD_ERR_ARG;
	vtd_strbuf_printf(&sb, "%s", vtd_qi_type_name(d->type));
	switch (d->type) {
	case VTD_QI_CC:
		vtd_strbuf_printf(&sb, " %s did=%u", vtd_qi_gran_name(d->type, d->u.cc.g),
				  d->u.cc.did);
		if (d->u.cc.g == VTD_QI_CC_G_DEVICE) {
			put_sid(&sb, "sid", d->u.cc.sid);
			vtd_strbuf_printf(&sb, " fm=%u", d->u.cc.fm);
		}
		break;
	case VTD_QI_IOTLB:
	case VTD_QI_EIOTLB: {
		const struct vtd_qi_iotlb *t = &d->u.iotlb;

		vtd_strbuf_printf(&sb, " %s did=%u", vtd_qi_gran_name(d->type, t->g), t->did);
		if (d->type == VTD_QI_EIOTLB)
			vtd_strbuf_printf(&sb, " pasid=0x%x", t->pasid);
		if (t->g == VTD_QI_IOTLB_G_PAGE) {
			vtd_strbuf_printf(&sb, " addr=0x%llx am=%u", (unsigned long long)t->addr,
					  t->am);
			put_range(&sb, t->range);
		}
		if (t->ih)
			vtd_strbuf_printf(&sb, " IH");
		if (t->dr)
			vtd_strbuf_printf(&sb, " DR");
		if (t->dw)
			vtd_strbuf_printf(&sb, " DW");
		break;
	}
	case VTD_QI_DIOTLB:
	case VTD_QI_DEIOTLB: {
		const struct vtd_qi_dev_tlb *t = &d->u.dev_tlb;

		put_sid(&sb, "sid", t->sid);
		put_sid(&sb, "pfsid", t->pfsid);
		vtd_strbuf_printf(&sb, " qdep=%u", t->qdep);
		if (d->type == VTD_QI_DEIOTLB)
			vtd_strbuf_printf(&sb, " pasid=0x%x", t->pasid);
		vtd_strbuf_printf(&sb, " addr=0x%llx", (unsigned long long)t->addr);
		put_range(&sb, t->range);
		if (t->s)
			vtd_strbuf_printf(&sb, " S");
		if (t->g)
			vtd_strbuf_printf(&sb, " G");
		break;
	}
	case VTD_QI_IEC:
		vtd_strbuf_printf(&sb, " %s", vtd_qi_gran_name(d->type, d->u.iec.g));
		if (d->u.iec.g)
			vtd_strbuf_printf(&sb, " iidx=0x%x im=%u", d->u.iec.iidx, d->u.iec.im);
		break;
	case VTD_QI_IWD: {
		const struct vtd_qi_wait *w = &d->u.wait;

		if (w->sw)
			vtd_strbuf_printf(&sb, " SW data=0x%x addr=0x%llx", w->status_data,
					  (unsigned long long)w->status_addr);
		if (w->fn)
			vtd_strbuf_printf(&sb, " FN");
		if (w->pd)
			vtd_strbuf_printf(&sb, " PD");
		if (w->intr)
			vtd_strbuf_printf(&sb, " IF");
		break;
	}
	case VTD_QI_PC:
		vtd_strbuf_printf(&sb, " %s did=%u", vtd_qi_gran_name(d->type, d->u.pc.g),
				  d->u.pc.did);
		if (d->u.pc.g == VTD_QI_PC_G_PASID)
			vtd_strbuf_printf(&sb, " pasid=0x%x", d->u.pc.pasid);
		break;
	case VTD_QI_PGRP_RESP: {
		const struct vtd_qi_pgrp_resp *p = &d->u.pgrp;

		put_sid(&sb, "rid", p->rid);
		if (p->pasid_present)
			vtd_strbuf_printf(&sb, " pasid=0x%x", p->pasid);
		vtd_strbuf_printf(&sb, " code=%u prg=%u", p->code, p->prg_index);
		if (p->lpig)
			vtd_strbuf_printf(&sb, " LPIG");
		if (p->pdp)
			vtd_strbuf_printf(&sb, " PDP");
		break;
	}
	default:
		vtd_strbuf_printf(&sb, " type=0x%x qw0=0x%llx qw1=0x%llx", d->type,
				  (unsigned long long)d->qw[0], (unsigned long long)d->qw[1]);
		break;
	}
	return sb.total;
}
