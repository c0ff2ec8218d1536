/*
 * AMD-Vi I/O page-table entries (v1 host format, v2 long-mode format,
 * GCR3 table entries).
 */
#include <string.h>

#include "amdvi/pgtable.h"

unsigned int amdvi_pt_level_index(uint64_t iova, unsigned int level)
{
	if (level > AMDVI_PT_LEVEL_MAX)
		return 0;
	return (unsigned int)((iova >> (12 + 9 * level)) & 0x1ff);
}

uint64_t amdvi_pt_level_span(unsigned int level)
{
	if (level > AMDVI_PT_LEVEL_MAX)
		return 0;
	return 1ULL << (12 + 9 * level);
}

uint64_t amdvi_pt_mode_limit(unsigned int mode)
{
	if (mode == 0 || mode > AMDVI_PT_LEVEL_MAX)
		return 0;
	return 1ULL << (12 + 9 * mode);
}

/* ---- v1 ---- */

int amdvi_pte_decode(uint64_t pte, uint64_t me_mask, struct amdvi_pte *out)
{
	if (!out)
		return AMDVI_ERR_ARG;
	memset(out, 0, sizeof(*out));
	out->raw = pte;
	out->pr = pte & AMDVI_PTE_PR;
	out->a = pte & AMDVI_PTE_A;
	out->d = pte & AMDVI_PTE_D;
	out->next_level = (uint8_t)AMDVI_FIELD_GET(AMDVI_PTE_NL_MASK, pte);
	out->addr = (pte & AMDVI_PTE_ADDR_MASK) & ~me_mask;
	out->u = pte & AMDVI_PTE_U;
	out->fc = pte & AMDVI_PTE_FC;
	out->ir = pte & AMDVI_PTE_IR;
	out->iw = pte & AMDVI_PTE_IW;
	return AMDVI_OK;
}

uint64_t amdvi_pte_encode(const struct amdvi_pte *p)
{
	if (!p)
		return 0;
	return AMDVI_FLAG(p->pr, AMDVI_PTE_PR) | AMDVI_FLAG(p->a, AMDVI_PTE_A) |
	       AMDVI_FLAG(p->d, AMDVI_PTE_D) |
	       AMDVI_FIELD_PREP(AMDVI_PTE_NL_MASK, p->next_level) |
	       (p->addr & AMDVI_PTE_ADDR_MASK) |
	       AMDVI_FLAG(p->u, AMDVI_PTE_U) | AMDVI_FLAG(p->fc, AMDVI_PTE_FC) |
	       AMDVI_FLAG(p->ir, AMDVI_PTE_IR) | AMDVI_FLAG(p->iw, AMDVI_PTE_IW);
}

uint64_t amdvi_pte_build_pde(uint64_t table_pa, unsigned int next_level)
{
	return (table_pa & AMDVI_PTE_ADDR_MASK) |
	       AMDVI_FIELD_PREP(AMDVI_PTE_NL_MASK, next_level) |
	       AMDVI_PTE_PR | AMDVI_PTE_IR | AMDVI_PTE_IW;
}

uint64_t amdvi_pte_build_leaf(uint64_t pa, bool ir, bool iw)
{
	return (pa & AMDVI_PTE_ADDR_MASK) | AMDVI_PTE_PR | AMDVI_PTE_FC |
	       AMDVI_FLAG(ir, AMDVI_PTE_IR) | AMDVI_FLAG(iw, AMDVI_PTE_IW);
}

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

uint64_t amdvi_pte_build_large(uint64_t pa, uint64_t page_size, bool ir, bool iw)
{
	uint64_t addr;

	if (!is_pow2(page_size) || page_size <= 4096 || page_size > (1ULL << 52))
		return 0;
	if (pa & (page_size - 1))
		return 0;
	if (pa >> 52)		/* the address field ends at bit 51 */
		return 0;
	/* ones below the top bit of the size, that bit zero */
	addr = (pa | (page_size - 1)) & ~(page_size >> 1) & AMDVI_PTE_ADDR_MASK;
	return addr | AMDVI_FIELD_PREP(AMDVI_PTE_NL_MASK, AMDVI_PTE_NL_LARGE) |
	       AMDVI_PTE_PR | AMDVI_PTE_FC |
	       AMDVI_FLAG(ir, AMDVI_PTE_IR) | AMDVI_FLAG(iw, AMDVI_PTE_IW);
}

uint64_t amdvi_pte_large_size(uint64_t pte)
{
	uint64_t v = pte | 0xfffULL;
	unsigned int zero;

	if (v == ~0ULL)
		return 0;
	zero = (unsigned int)__builtin_ctzll(~v);
	if (zero >= 52)		/* beyond the address field: malformed */
		return 0;
	return 1ULL << (zero + 1);
}

int amdvi_pte_resolve(uint64_t pte, unsigned int level, uint64_t iova,
		      uint64_t me_mask, struct amdvi_pte_mapping *out)
{
	uint64_t span, size, addr;
	unsigned int nl;

	if (!out || level > AMDVI_PT_LEVEL_MAX)
		return AMDVI_ERR_ARG;
	memset(out, 0, sizeof(*out));
	span = amdvi_pt_level_span(level);
	if (!(pte & AMDVI_PTE_PR)) {
		out->kind = AMDVI_PTE_NONE;
		out->iova = iova & ~(span - 1);
		out->size = span;
		return AMDVI_OK;
	}

	nl = (unsigned int)AMDVI_FIELD_GET(AMDVI_PTE_NL_MASK, pte);
	addr = (pte & AMDVI_PTE_ADDR_MASK) & ~me_mask;
	out->ir = pte & AMDVI_PTE_IR;
	out->iw = pte & AMDVI_PTE_IW;

	if (nl == AMDVI_PTE_NL_LARGE) {
		size = amdvi_pte_large_size(pte & ~me_mask);
		if (size < span || (level < AMDVI_PT_LEVEL_MAX &&
				    size >= amdvi_pt_level_span(level + 1)))
			return AMDVI_ERR_FORMAT;
		out->kind = AMDVI_PTE_LEAF;
		out->size = size;
		out->iova = iova & ~(size - 1);
		out->pa = addr & ~(size - 1);
		return AMDVI_OK;
	}
	if (nl == 0) {
		out->kind = AMDVI_PTE_LEAF;
		out->size = span;
		out->iova = iova & ~(span - 1);
		out->pa = addr & ~(span - 1);
		return AMDVI_OK;
	}
	out->kind = AMDVI_PTE_TABLE;
	out->size = span;
	out->iova = iova & ~(span - 1);
	out->pa = addr;
	return AMDVI_OK;
}

bool amdvi_pte_next_level_ok(uint64_t pte, unsigned int level)
{
	unsigned int nl = (unsigned int)AMDVI_FIELD_GET(AMDVI_PTE_NL_MASK, pte);

	return level >= 1 && level <= AMDVI_PT_LEVEL_MAX && nl == level;
}

bool amdvi_pa_within(uint64_t pa, uint64_t size, uint64_t limit)
{
	if (pa >= limit)
		return false;
	return size <= limit - pa;
}

/* ---- v2 ---- */

int amdvi_pte_v2_decode(uint64_t pte, uint64_t me_mask, struct amdvi_pte_v2 *out)
{
	if (!out)
		return AMDVI_ERR_ARG;
	memset(out, 0, sizeof(*out));
	out->raw = pte;
	out->p = pte & AMDVI_PTE2_P;
	out->rw = pte & AMDVI_PTE2_RW;
	out->us = pte & AMDVI_PTE2_US;
	out->pwt = pte & AMDVI_PTE2_PWT;
	out->pcd = pte & AMDVI_PTE2_PCD;
	out->a = pte & AMDVI_PTE2_A;
	out->d = pte & AMDVI_PTE2_D;
	out->ps = pte & AMDVI_PTE2_PS;
	out->g = pte & AMDVI_PTE2_G;
	out->nx = pte & AMDVI_PTE2_NX;
	out->addr = (pte & AMDVI_PTE2_ADDR_MASK) & ~me_mask;
	return AMDVI_OK;
}

uint64_t amdvi_pte_v2_encode(const struct amdvi_pte_v2 *p)
{
	if (!p)
		return 0;
	return AMDVI_FLAG(p->p, AMDVI_PTE2_P) | AMDVI_FLAG(p->rw, AMDVI_PTE2_RW) |
	       AMDVI_FLAG(p->us, AMDVI_PTE2_US) | AMDVI_FLAG(p->pwt, AMDVI_PTE2_PWT) |
	       AMDVI_FLAG(p->pcd, AMDVI_PTE2_PCD) | AMDVI_FLAG(p->a, AMDVI_PTE2_A) |
	       AMDVI_FLAG(p->d, AMDVI_PTE2_D) | AMDVI_FLAG(p->ps, AMDVI_PTE2_PS) |
	       AMDVI_FLAG(p->g, AMDVI_PTE2_G) | AMDVI_FLAG(p->nx, AMDVI_PTE2_NX) |
	       (p->addr & AMDVI_PTE2_ADDR_MASK);
}

int amdvi_pte_v2_resolve(uint64_t pte, unsigned int level, uint64_t iova,
			 uint64_t me_mask, struct amdvi_pte_mapping *out)
{
	uint64_t span, addr;

	if (!out || level > 4)
		return AMDVI_ERR_ARG;
	memset(out, 0, sizeof(*out));
	span = amdvi_pt_level_span(level);
	out->size = span;
	out->iova = iova & ~(span - 1);
	if (!(pte & AMDVI_PTE2_P)) {
		out->kind = AMDVI_PTE_NONE;
		return AMDVI_OK;
	}
	addr = (pte & AMDVI_PTE2_ADDR_MASK) & ~me_mask;
	if (level == 0 || (pte & AMDVI_PTE2_PS)) {
		if (level > 2)
			return AMDVI_ERR_FORMAT;
		out->kind = AMDVI_PTE_LEAF;
		out->pa = addr & ~(span - 1);
		out->ir = true;
		out->iw = pte & AMDVI_PTE2_RW;
		return AMDVI_OK;
	}
	out->kind = AMDVI_PTE_TABLE;
	out->pa = addr;
	return AMDVI_OK;
}

int amdvi_gcr3_decode(uint64_t entry, uint64_t me_mask, struct amdvi_gcr3_entry *out)
{
	if (!out)
		return AMDVI_ERR_ARG;
	out->valid = entry & AMDVI_GCR3_VALID;
	out->addr = (entry & AMDVI_GCR3_ADDR_MASK) & ~me_mask;
	return AMDVI_OK;
}

uint64_t amdvi_gcr3_encode(uint64_t pgd_pa, bool valid)
{
	return (pgd_pa & AMDVI_GCR3_ADDR_MASK) | AMDVI_FLAG(valid, AMDVI_GCR3_VALID);
}
