/*
 * VT-d second- and first-level page-table entries: decode, resolve one
 * slot of a walk.
 */
#include <string.h>

#include "vtd/pte.h"

unsigned int vtd_pt_level_index(uint64_t iova, unsigned int level)
{
	if (level > VTD_PT_LEVEL_MAX)
		return 0;
	return (unsigned int)((iova >> (12 + 9 * level)) & 0x1ff);
}

uint64_t vtd_pt_level_span(unsigned int level)
{
	if (level > VTD_PT_LEVEL_MAX)
		return 0;
	return 1ULL << (12 + 9 * level);
}

unsigned int vtd_pt_levels_width(unsigned int levels)
{
	unsigned int w = 12 + 9 * levels;

	return w > 64 ? 64 : w;
}

uint64_t vtd_pte_addr_mask(enum vtd_pte_format fmt)
{
	return fmt == VTD_PTE_FMT_FL ? VTD_FL_PTE_ADDR_MASK : VTD_SL_PTE_ADDR_MASK;
}

bool vtd_pte_present(uint64_t pte, enum vtd_pte_format fmt)
{
	if (fmt == VTD_PTE_FMT_FL)
		return pte & VTD_FL_PTE_P;
	return (pte & VTD_SL_PTE_PRESENT_MASK) != 0;
}

int vtd_sl_pte_decode(uint64_t pte, struct vtd_sl_pte *out)
{
	if (!out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	out->raw = pte;
	out->r = pte & VTD_SL_PTE_R;
	out->w = pte & VTD_SL_PTE_W;
	out->ps = pte & VTD_SL_PTE_PS;
	out->a = pte & VTD_SL_PTE_A;
	out->d = pte & VTD_SL_PTE_D;
	out->snp = pte & VTD_SL_PTE_SNP;
	out->addr = pte & VTD_SL_PTE_ADDR_MASK;
	out->high = (uint16_t)VTD_FIELD_GET(VTD_PTE_HIGH_MASK, pte);
	return VTD_OK;
}

int vtd_fl_pte_decode(uint64_t pte, struct vtd_fl_pte *out)
{
	if (!out)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	out->raw = pte;
	out->p = pte & VTD_FL_PTE_P;
	out->rw = pte & VTD_FL_PTE_RW;
	out->us = pte & VTD_FL_PTE_US;
	out->pwt = pte & VTD_FL_PTE_PWT;
	out->pcd = pte & VTD_FL_PTE_PCD;
	out->a = pte & VTD_FL_PTE_A;
	out->d = pte & VTD_FL_PTE_D;
	out->ps = pte & VTD_FL_PTE_PS;
	out->g = pte & VTD_FL_PTE_G;
	out->xd = pte & VTD_FL_PTE_XD;
	out->addr = pte & VTD_FL_PTE_ADDR_MASK;
	out->high = (uint16_t)VTD_FIELD_GET(VTD_PTE_HIGH_MASK, pte);
	return VTD_OK;
}

int vtd_pte_resolve(uint64_t pte, enum vtd_pte_format fmt, unsigned int level,
		    uint64_t iova, struct vtd_pte_mapping *out)
{
	uint64_t span, addr;
	bool ps;

	if (!out || level > VTD_PT_LEVEL_MAX)
		return VTD_ERR_ARG;
	memset(out, 0, sizeof(*out));
	span = vtd_pt_level_span(level);
	out->iova = iova & ~(span - 1);
	out->size = span;
	if (!vtd_pte_present(pte, fmt)) {
		out->kind = VTD_PTE_NONE;
		return VTD_OK;
	}

	addr = vtd_pte_addr(pte, fmt);
	if (fmt == VTD_PTE_FMT_FL) {
		out->ir = true;
		out->iw = pte & VTD_FL_PTE_RW;
		ps = pte & VTD_FL_PTE_PS;
	} else {
		out->ir = pte & VTD_SL_PTE_R;
		out->iw = pte & VTD_SL_PTE_W;
		ps = pte & VTD_SL_PTE_PS;
	}

	if (level == 0 || (ps && level <= 2)) {
		out->kind = VTD_PTE_LEAF;
		out->pa = addr & ~(span - 1);
		return VTD_OK;
	}
	if (ps) {
		out->kind = VTD_PTE_BAD;
		out->pa = addr;
		return VTD_ERR_FORMAT;
	}
	out->kind = VTD_PTE_TABLE;
	out->pa = addr;
	return VTD_OK;
}

const char *vtd_pte_kind_name(enum vtd_pte_kind kind)
{
	switch (kind) {
	case VTD_PTE_NONE:	return "none";
	case VTD_PTE_TABLE:	return "table";
	case VTD_PTE_LEAF:	return "leaf";
	case VTD_PTE_BAD:	return "bad";
	}
	return "?";
}

bool vtd_pa_within(uint64_t pa, uint64_t size, uint64_t limit)
{
	if (pa >= limit)
		return false;
	return size <= limit - pa;
}

uint64_t vtd_fl_iova_canonical(uint64_t iova, unsigned int levels)
{
	unsigned int width = vtd_pt_levels_width(levels);
	uint64_t top;

	if (width >= 64)
		return iova;
	top = 1ULL << (width - 1);
	if (iova & top)
		return iova | ~(top - 1);
	return iova & (top - 1);
}
