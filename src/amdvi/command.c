/*
 * AMD-Vi command-buffer entries: decode, build, describe.
 */
#include <stdio.h>
#include <string.h>

#include "amdvi/command.h"

static const char *const cmd_names[16] = {
	[AMDVI_CMD_COMPLETION_WAIT]		= "COMPLETION_WAIT",
	[AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY]	= "INVALIDATE_DEVTAB_ENTRY",
	[AMDVI_CMD_INVALIDATE_IOMMU_PAGES]	= "INVALIDATE_IOMMU_PAGES",
	[AMDVI_CMD_INVALIDATE_IOTLB_PAGES]	= "INVALIDATE_IOTLB_PAGES",
	[AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE]	= "INVALIDATE_INTERRUPT_TABLE",
	[AMDVI_CMD_PREFETCH_IOMMU_PAGES]	= "PREFETCH_IOMMU_PAGES",
	[AMDVI_CMD_COMPLETE_PPR_REQUEST]	= "COMPLETE_PPR_REQUEST",
	[AMDVI_CMD_INVALIDATE_IOMMU_ALL]	= "INVALIDATE_IOMMU_ALL",
};

const char *amdvi_cmd_name(unsigned int opcode)
{
	if (opcode < 16 && cmd_names[opcode])
		return cmd_names[opcode];
	return "UNKNOWN";
}

static uint64_t cmd_address(const uint32_t data[4])
{
	return ((uint64_t)data[3] << 32) | (data[2] & AMDVI_CMD_ADDR_LO_MASK);
}

int amdvi_cmd_decode(const uint32_t data[4], struct amdvi_cmd *out)
{
	if (!data || !out)
		return AMDVI_ERR_ARG;

	memset(out, 0, sizeof(*out));
	memcpy(out->raw, data, sizeof(out->raw));
	out->opcode = amdvi_cmd_opcode(data);
	out->known = true;

	switch (out->opcode) {
	case AMDVI_CMD_COMPLETION_WAIT: {
		struct amdvi_cmd_completion_wait *cw = &out->u.cw;

		cw->s = data[0] & AMDVI_CMD_CW_S;
		cw->i = data[0] & AMDVI_CMD_CW_I;
		cw->f = data[0] & AMDVI_CMD_CW_F;
		cw->store_addr = ((uint64_t)(data[1] & AMDVI_CMD_CW_ADDR_HI_MASK) << 32) |
				 (data[0] & AMDVI_CMD_CW_ADDR_LO_MASK);
		cw->store_data = ((uint64_t)data[3] << 32) | data[2];
		break;
	}
	case AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY:
		out->u.inv_dte.devid = data[0] & AMDVI_CMD_DEVID_MASK;
		break;
	case AMDVI_CMD_INVALIDATE_IOMMU_PAGES: {
		struct amdvi_cmd_inv_iommu_pages *p = &out->u.inv_pages;

		p->pasid = data[0] & AMDVI_CMD_PASID_MASK;
		p->domid = data[1] & AMDVI_CMD_DOMID_MASK;
		p->s = data[2] & AMDVI_CMD_INV_S;
		p->pde = data[2] & AMDVI_CMD_INV_PDE;
		p->gn = data[2] & AMDVI_CMD_INV_GN;
		p->address = cmd_address(data);
		break;
	}
	case AMDVI_CMD_INVALIDATE_IOTLB_PAGES: {
		struct amdvi_cmd_inv_iotlb_pages *p = &out->u.inv_iotlb;

		p->devid = data[0] & AMDVI_CMD_DEVID_MASK;
		p->qdep = (data[0] >> AMDVI_CMD_IOTLB_QDEP_SHIFT) & 0xff;
		p->queue_id = data[1] & AMDVI_CMD_IOTLB_QUEUEID_MASK;
		p->pasid = (uint16_t)((((data[0] >> AMDVI_CMD_IOTLB_PASID_HI_SHIFT) & 0xff) << 8) |
				      ((data[1] >> AMDVI_CMD_IOTLB_PASID_LO_SHIFT) & 0xff));
		p->s = data[2] & AMDVI_CMD_INV_S;
		p->gn = data[2] & AMDVI_CMD_INV_GN;
		p->address = cmd_address(data);
		break;
	}
	case AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE:
		out->u.inv_irt.devid = data[0] & AMDVI_CMD_DEVID_MASK;
		break;
	case AMDVI_CMD_PREFETCH_IOMMU_PAGES: {
		struct amdvi_cmd_prefetch_iommu_pages *p = &out->u.prefetch;

		p->devid = data[0] & AMDVI_CMD_DEVID_MASK;
		p->pfcount = (data[0] >> AMDVI_CMD_PREF_PFCOUNT_SHIFT) & 0xff;
		p->pasid = data[1] & AMDVI_CMD_PASID_MASK;
		p->s = data[2] & AMDVI_CMD_INV_S;
		p->gn = data[2] & AMDVI_CMD_INV_GN;
		p->inval = data[2] & AMDVI_CMD_PREF_INVAL;
		p->address = cmd_address(data);
		break;
	}
	case AMDVI_CMD_COMPLETE_PPR_REQUEST: {
		struct amdvi_cmd_complete_ppr *p = &out->u.ppr;

		p->devid = data[0] & AMDVI_CMD_DEVID_MASK;
		p->pasid = data[1] & AMDVI_CMD_PASID_MASK;
		p->gn = data[2] & AMDVI_CMD_INV_GN;
		p->tag = data[3] & AMDVI_CMD_PPR_TAG_MASK;
		p->status = (data[3] >> AMDVI_CMD_PPR_STATUS_SHIFT) & AMDVI_CMD_PPR_STATUS_MASK;
		break;
	}
	case AMDVI_CMD_INVALIDATE_IOMMU_ALL:
		break;
	default:
		out->known = false;
		break;
	}
	return AMDVI_OK;
}

static void set_opcode(uint32_t data[4], unsigned int op)
{
	data[1] = (data[1] & ~(AMDVI_CMD_OPCODE_MASK << AMDVI_CMD_OPCODE_SHIFT)) |
		  (op << AMDVI_CMD_OPCODE_SHIFT);
}

static void set_address(uint32_t data[4], uint64_t address)
{
	data[2] |= (uint32_t)address & AMDVI_CMD_ADDR_LO_MASK;
	data[3] = (uint32_t)(address >> 32);
}

void amdvi_cmd_build_completion_wait(uint32_t data[4], uint64_t store_addr,
				     uint64_t store_data, bool s, bool i, bool f)
{
	data[0] = ((uint32_t)store_addr & AMDVI_CMD_CW_ADDR_LO_MASK) |
		  (s ? AMDVI_CMD_CW_S : 0) | (i ? AMDVI_CMD_CW_I : 0) |
		  (f ? AMDVI_CMD_CW_F : 0);
	data[1] = (uint32_t)(store_addr >> 32) & AMDVI_CMD_CW_ADDR_HI_MASK;
	data[2] = (uint32_t)store_data;
	data[3] = (uint32_t)(store_data >> 32);
	set_opcode(data, AMDVI_CMD_COMPLETION_WAIT);
}

static void build_devid_only(uint32_t data[4], uint16_t devid, unsigned int op)
{
	data[0] = devid;
	data[1] = 0;
	data[2] = 0;
	data[3] = 0;
	set_opcode(data, op);
}

void amdvi_cmd_build_inv_devtab_entry(uint32_t data[4], uint16_t devid)
{
	build_devid_only(data, devid, AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY);
}

void amdvi_cmd_build_inv_interrupt_table(uint32_t data[4], uint16_t devid)
{
	build_devid_only(data, devid, AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE);
}

void amdvi_cmd_build_inv_iommu_pages(uint32_t data[4], uint16_t domid,
				     uint32_t pasid, uint64_t address,
				     bool s, bool pde, bool gn)
{
	data[0] = pasid & AMDVI_CMD_PASID_MASK;
	data[1] = domid;
	data[2] = (s ? AMDVI_CMD_INV_S : 0) | (pde ? AMDVI_CMD_INV_PDE : 0) |
		  (gn ? AMDVI_CMD_INV_GN : 0);
	set_address(data, address);
	set_opcode(data, AMDVI_CMD_INVALIDATE_IOMMU_PAGES);
}

void amdvi_cmd_build_inv_iommu_pages_domain(uint32_t data[4], uint16_t domid,
					    bool pde)
{
	amdvi_cmd_build_inv_iommu_pages(data, domid, 0,
					AMDVI_CMD_INV_ALL_PAGES_ADDRESS,
					true, pde, false);
}

void amdvi_cmd_build_inv_iotlb_pages(uint32_t data[4], uint16_t devid,
				     uint16_t queue_id, uint8_t qdep,
				     uint16_t pasid, uint64_t address,
				     bool s, bool gn)
{
	data[0] = devid | ((uint32_t)(pasid >> 8) << AMDVI_CMD_IOTLB_PASID_HI_SHIFT) |
		  ((uint32_t)qdep << AMDVI_CMD_IOTLB_QDEP_SHIFT);
	data[1] = queue_id | ((uint32_t)(pasid & 0xff) << AMDVI_CMD_IOTLB_PASID_LO_SHIFT);
	data[2] = (s ? AMDVI_CMD_INV_S : 0) | (gn ? AMDVI_CMD_INV_GN : 0);
	set_address(data, address);
	set_opcode(data, AMDVI_CMD_INVALIDATE_IOTLB_PAGES);
}

void amdvi_cmd_build_prefetch_iommu_pages(uint32_t data[4], uint16_t devid,
					  uint8_t pfcount, uint32_t pasid,
					  uint64_t address, bool s, bool gn,
					  bool inval)
{
	data[0] = devid | ((uint32_t)pfcount << AMDVI_CMD_PREF_PFCOUNT_SHIFT);
	data[1] = pasid & AMDVI_CMD_PASID_MASK;
	data[2] = (s ? AMDVI_CMD_INV_S : 0) | (gn ? AMDVI_CMD_INV_GN : 0) |
		  (inval ? AMDVI_CMD_PREF_INVAL : 0);
	set_address(data, address);
	set_opcode(data, AMDVI_CMD_PREFETCH_IOMMU_PAGES);
}

void amdvi_cmd_build_complete_ppr(uint32_t data[4], uint16_t devid,
				  uint32_t pasid, bool gn, uint16_t tag,
				  uint8_t status)
{
	data[0] = devid;
	data[1] = pasid & AMDVI_CMD_PASID_MASK;
	data[2] = gn ? AMDVI_CMD_INV_GN : 0;
	data[3] = (tag & AMDVI_CMD_PPR_TAG_MASK) |
		  ((uint32_t)(status & AMDVI_CMD_PPR_STATUS_MASK) << AMDVI_CMD_PPR_STATUS_SHIFT);
	set_opcode(data, AMDVI_CMD_COMPLETE_PPR_REQUEST);
}

void amdvi_cmd_build_inv_iommu_all(uint32_t data[4])
{
	data[0] = data[1] = data[2] = data[3] = 0;
	set_opcode(data, AMDVI_CMD_INVALIDATE_IOMMU_ALL);
}

/* Index of the most significant set bit, 1-based; 0 for x == 0. */
static unsigned int fls64(uint64_t x)
{
	return x ? 64 - (unsigned int)__builtin_clzll(x) : 0;
}

uint64_t amdvi_cmd_inv_address_encode(uint64_t address, uint64_t size)
{
	uint64_t first = address & ~0xfffULL;
	uint64_t last = size ? address + size - 1 : address;
	unsigned int msb;

	if (size == 0 || (last & ~0xfffULL) == first)
		return first;	/* one page, S clear */

	msb = fls64(last ^ address) - 1;
	if (msb > 51)
		address = AMDVI_CMD_INV_ALL_PAGES_ADDRESS;
	else
		address |= (1ULL << msb) - 1;
	return (address & ~0xfffULL) | AMDVI_CMD_INV_S;
}

struct amdvi_range amdvi_cmd_inv_range(uint64_t address, bool s)
{
	struct amdvi_range r;
	uint64_t v = address | 0xfffULL;
	unsigned int zero;

	if (!s) {
		r.start = address & ~0xfffULL;
		r.last = r.start + 0xfff;
		return r;
	}
	if (v == ~0ULL) {
		r.start = 0;
		r.last = ~0ULL;
		return r;
	}
	zero = (unsigned int)__builtin_ctzll(~v);	/* lowest zero bit, >= 12 */
	if (zero >= 63) {
		r.start = 0;
		r.last = ~0ULL;
		return r;
	}
	/* The range is 2^(zero+1) bytes, aligned. */
	r.start = address & ~((2ULL << zero) - 1);
	r.last = r.start + ((2ULL << zero) - 1);
	return r;
}

bool amdvi_cmd_is_inv_domain_all(const struct amdvi_cmd *cmd)
{
	const struct amdvi_cmd_inv_iommu_pages *p;

	if (!cmd || cmd->opcode != AMDVI_CMD_INVALIDATE_IOMMU_PAGES)
		return false;
	p = &cmd->u.inv_pages;
	return p->s && !p->gn && p->address == AMDVI_CMD_INV_ALL_PAGES_PAGE;
}

static void put_devid(struct amdvi_strbuf *o, uint16_t devid)
{
	amdvi_strbuf_printf(o, " devid=%02x:%02x.%x", AMDVI_DEVID_BUS(devid),
	    AMDVI_DEVID_SLOT(devid), AMDVI_DEVID_FUNC(devid));
}

static void put_addr(struct amdvi_strbuf *o, uint64_t address, bool s)
{
	if (s) {
		struct amdvi_range r = amdvi_cmd_inv_range(address, true);

		if (r.start == 0 && r.last == ~0ULL)
			amdvi_strbuf_printf(o, " addr=all");
		else
			amdvi_strbuf_printf(o, " addr=0x%llx-0x%llx", (unsigned long long)r.start,
			    (unsigned long long)r.last);
	} else {
		amdvi_strbuf_printf(o, " addr=0x%llx", (unsigned long long)address);
	}
}

int amdvi_cmd_format(const struct amdvi_cmd *cmd, char *buf, size_t len)
{
	struct amdvi_strbuf o = { buf, len, 0 };

	if (buf && len)
		buf[0] = '\0';
	if (!cmd)
		return AMDVI_ERR_ARG;

	amdvi_strbuf_printf(&o, "%s", amdvi_cmd_name(cmd->opcode));
	switch (cmd->opcode) {
	case AMDVI_CMD_COMPLETION_WAIT: {
		const struct amdvi_cmd_completion_wait *cw = &cmd->u.cw;

		amdvi_strbuf_printf(&o, " store=0x%llx data=0x%llx", (unsigned long long)cw->store_addr,
		    (unsigned long long)cw->store_data);
		if (cw->s)
			amdvi_strbuf_printf(&o, " S");
		if (cw->i)
			amdvi_strbuf_printf(&o, " I");
		if (cw->f)
			amdvi_strbuf_printf(&o, " F");
		break;
	}
	case AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY:
		put_devid(&o, cmd->u.inv_dte.devid);
		break;
	case AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE:
		put_devid(&o, cmd->u.inv_irt.devid);
		break;
	case AMDVI_CMD_INVALIDATE_IOMMU_PAGES: {
		const struct amdvi_cmd_inv_iommu_pages *p = &cmd->u.inv_pages;

		amdvi_strbuf_printf(&o, " domain=%u", p->domid);
		put_addr(&o, p->address, p->s);
		if (p->pde)
			amdvi_strbuf_printf(&o, " pde");
		if (p->gn)
			amdvi_strbuf_printf(&o, " gn pasid=0x%x", p->pasid);
		break;
	}
	case AMDVI_CMD_INVALIDATE_IOTLB_PAGES: {
		const struct amdvi_cmd_inv_iotlb_pages *p = &cmd->u.inv_iotlb;

		put_devid(&o, p->devid);
		amdvi_strbuf_printf(&o, " qdep=%u", p->qdep);
		put_addr(&o, p->address, p->s);
		if (p->gn)
			amdvi_strbuf_printf(&o, " gn pasid=0x%x", p->pasid);
		break;
	}
	case AMDVI_CMD_PREFETCH_IOMMU_PAGES: {
		const struct amdvi_cmd_prefetch_iommu_pages *p = &cmd->u.prefetch;

		put_devid(&o, p->devid);
		amdvi_strbuf_printf(&o, " pfcount=%u", p->pfcount);
		put_addr(&o, p->address, p->s);
		if (p->inval)
			amdvi_strbuf_printf(&o, " inval");
		if (p->gn)
			amdvi_strbuf_printf(&o, " gn pasid=0x%x", p->pasid);
		break;
	}
	case AMDVI_CMD_COMPLETE_PPR_REQUEST: {
		const struct amdvi_cmd_complete_ppr *p = &cmd->u.ppr;

		put_devid(&o, p->devid);
		amdvi_strbuf_printf(&o, " tag=0x%x status=%u", p->tag, p->status);
		if (p->gn)
			amdvi_strbuf_printf(&o, " gn pasid=0x%x", p->pasid);
		break;
	}
	case AMDVI_CMD_INVALIDATE_IOMMU_ALL:
		break;
	default:
		amdvi_strbuf_printf(&o, " op=0x%x raw=%08x %08x %08x %08x", cmd->opcode,
		    cmd->raw[0], cmd->raw[1], cmd->raw[2], cmd->raw[3]);
		break;
	}
	return o.total;
}
