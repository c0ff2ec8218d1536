/*
 * Fuzz target: command-buffer entries (src/amdvi/command.c).  Input: one
 * 16-byte entry, then the fields of one built command.  Any entry must
 * decode and format; every builder's output must decode to the fields it
 * was given; the invalidation range an address field names must cover the
 * range it was encoded from.
 */
#include "fuzz.h"
#include "amdvi/command.h"

static int format(const void *cmd, char *buf, size_t len)
{
	return amdvi_cmd_format(cmd, buf, len);
}

static void decode(const uint32_t w[4], struct amdvi_cmd *c, unsigned int opcode)
{
	FZ_CHECK(amdvi_cmd_decode(w, c) == AMDVI_OK);
	FZ_CHECK(c->opcode == opcode && c->known);
	fz_check_format(format, c, 40);
}

static void built(struct fz_in *in)
{
	uint32_t w[4];
	struct amdvi_cmd c;
	uint8_t which = fz_u8(in), bits = fz_u8(in);
	uint16_t id = fz_u16(in), id2 = fz_u16(in);
	uint32_t pasid = fz_u32(in);
	uint64_t a = fz_u64(in), b = fz_u64(in);
	bool s = bits & 1, x = bits & 2, y = bits & 4;

	switch (which % 9) {
	case 0:
		amdvi_cmd_build_completion_wait(w, a, b, s, x, y);
		decode(w, &c, AMDVI_CMD_COMPLETION_WAIT);
		FZ_CHECK(c.u.cw.store_addr == (a & 0x000ffffffffffff8ULL));
		FZ_CHECK(c.u.cw.store_data == b && c.u.cw.s == s && c.u.cw.i == x && c.u.cw.f == y);
		break;
	case 1:
		amdvi_cmd_build_inv_devtab_entry(w, id);
		decode(w, &c, AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY);
		FZ_CHECK(c.u.inv_dte.devid == id);
		break;
	case 2:
		amdvi_cmd_build_inv_iommu_pages(w, id, pasid, a, s, x, y);
		decode(w, &c, AMDVI_CMD_INVALIDATE_IOMMU_PAGES);
		FZ_CHECK(c.u.inv_pages.domid == id && c.u.inv_pages.address == (a & ~0xfffULL));
		FZ_CHECK(c.u.inv_pages.pasid == (pasid & AMDVI_CMD_PASID_MASK));
		FZ_CHECK(c.u.inv_pages.s == s && c.u.inv_pages.pde == x && c.u.inv_pages.gn == y);
		break;
	case 3:
		amdvi_cmd_build_inv_iommu_pages_domain(w, id, x);
		decode(w, &c, AMDVI_CMD_INVALIDATE_IOMMU_PAGES);
		FZ_CHECK(amdvi_cmd_is_inv_domain_all(&c) && c.u.inv_pages.domid == id);
		break;
	case 4:
		amdvi_cmd_build_inv_iotlb_pages(w, id, id2, (uint8_t)pasid, (uint16_t)(pasid >> 8), a, s, y);
		decode(w, &c, AMDVI_CMD_INVALIDATE_IOTLB_PAGES);
		FZ_CHECK(c.u.inv_iotlb.devid == id && c.u.inv_iotlb.queue_id == id2);
		FZ_CHECK(c.u.inv_iotlb.qdep == (uint8_t)pasid && c.u.inv_iotlb.pasid == (uint16_t)(pasid >> 8));
		FZ_CHECK(c.u.inv_iotlb.address == (a & ~0xfffULL) && c.u.inv_iotlb.s == s && c.u.inv_iotlb.gn == y);
		break;
	case 5:
		amdvi_cmd_build_inv_interrupt_table(w, id);
		decode(w, &c, AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE);
		FZ_CHECK(c.u.inv_irt.devid == id);
		break;
	case 6:
		amdvi_cmd_build_prefetch_iommu_pages(w, id, (uint8_t)id2, pasid, a, s, x, y);
		decode(w, &c, AMDVI_CMD_PREFETCH_IOMMU_PAGES);
		FZ_CHECK(c.u.prefetch.devid == id && c.u.prefetch.pfcount == (uint8_t)id2);
		FZ_CHECK(c.u.prefetch.pasid == (pasid & AMDVI_CMD_PASID_MASK));
		FZ_CHECK(c.u.prefetch.address == (a & ~0xfffULL));
		FZ_CHECK(c.u.prefetch.s == s && c.u.prefetch.gn == x && c.u.prefetch.inval == y);
		break;
	case 7:
		amdvi_cmd_build_complete_ppr(w, id, pasid, y, id2, (uint8_t)bits);
		decode(w, &c, AMDVI_CMD_COMPLETE_PPR_REQUEST);
		FZ_CHECK(c.u.ppr.devid == id && c.u.ppr.pasid == (pasid & AMDVI_CMD_PASID_MASK));
		FZ_CHECK(c.u.ppr.tag == (id2 & AMDVI_CMD_PPR_TAG_MASK) && c.u.ppr.gn == y);
		FZ_CHECK(c.u.ppr.status == ((uint8_t)bits & AMDVI_CMD_PPR_STATUS_MASK));
		break;
	default:
		amdvi_cmd_build_inv_iommu_all(w);
		decode(w, &c, AMDVI_CMD_INVALIDATE_IOMMU_ALL);
		break;
	}

	/* the range encoded for [a, a + b) covers it */
	if (b && a + b - 1 >= a) {
		uint64_t enc = amdvi_cmd_inv_address_encode(a, b);
		struct amdvi_range r = amdvi_cmd_inv_range(enc & ~0xfffULL, enc & AMDVI_CMD_INV_S);

		FZ_CHECK(r.start <= a && a + b - 1 <= r.last);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);
	uint32_t w[4];
	struct amdvi_cmd c;

	for (int i = 0; i < 4; i++)
		w[i] = fz_u32(&in);
	size_t cut = fz_u8(&in);

	FZ_CHECK(amdvi_cmd_decode(w, &c) == AMDVI_OK);
	FZ_CHECK(c.opcode == amdvi_cmd_opcode(w) && amdvi_cmd_name(c.opcode) != NULL);
	fz_check_format(format, &c, cut);
	(void)amdvi_cmd_is_inv_domain_all(&c);

	uint64_t addr = (uint64_t)w[3] << 32 | (w[2] & ~0xfffU);
	struct amdvi_range r = amdvi_cmd_inv_range(addr, w[2] & 1);

	FZ_CHECK(r.start <= addr && addr <= r.last);
	built(&in);
	return 0;
}
