/*
 * AMD-Vi command-buffer entries (16 bytes, u32 data[4]).
 *
 * The opcode is in bits 31:28 of data[1] for every command.  Layouts follow
 * the AMD I/O Virtualization Technology specification as the Linux driver
 * builds them (drivers/iommu/amd/iommu.c build_*(), 6.1 and 6.12); see
 * docs/hardware-formats.md for the source of each field.
 */
#ifndef AMDVI_COMMAND_H
#define AMDVI_COMMAND_H

#include "amdvi/common.h"

#define AMDVI_CMD_SIZE			16
#define AMDVI_CMD_OPCODE_SHIFT		28	/* in data[1] */
#define AMDVI_CMD_OPCODE_MASK		0xfU

enum amdvi_cmd_opcode {
	AMDVI_CMD_COMPLETION_WAIT		= 0x1,
	AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY	= 0x2,
	AMDVI_CMD_INVALIDATE_IOMMU_PAGES	= 0x3,
	AMDVI_CMD_INVALIDATE_IOTLB_PAGES	= 0x4,
	AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE	= 0x5,
	AMDVI_CMD_PREFETCH_IOMMU_PAGES		= 0x6,
	AMDVI_CMD_COMPLETE_PPR_REQUEST		= 0x7,
	AMDVI_CMD_INVALIDATE_IOMMU_ALL		= 0x8,
};

/* COMPLETION_WAIT: d0 = store_addr[31:3] | F | I | S, d1 = store_addr[51:32] */
#define AMDVI_CMD_CW_S			0x1U	/* d0 bit 0: store data */
#define AMDVI_CMD_CW_I			0x2U	/* d0 bit 1: interrupt */
#define AMDVI_CMD_CW_F			0x4U	/* d0 bit 2: flush queue */
#define AMDVI_CMD_CW_ADDR_LO_MASK	0xfffffff8U	/* d0 31:3 */
#define AMDVI_CMD_CW_ADDR_HI_MASK	0x000fffffU	/* d1 19:0 = addr 51:32 */

/* Device-ID commands (INVALIDATE_DEVTAB_ENTRY, _INTERRUPT_TABLE, ...) */
#define AMDVI_CMD_DEVID_MASK		0xffffU	/* d0 15:0 */

/* INVALIDATE_IOMMU_PAGES / _IOTLB_PAGES / PREFETCH: d2 low bits */
#define AMDVI_CMD_INV_S			0x1U	/* d2 bit 0: size (range) */
#define AMDVI_CMD_INV_PDE		0x2U	/* d2 bit 1: include PDEs */
#define AMDVI_CMD_INV_GN		0x4U	/* d2 bit 2: guest (PASID valid) */
#define AMDVI_CMD_PREF_INVAL		0x10U	/* d2 bit 4: invalidate first */
#define AMDVI_CMD_ADDR_LO_MASK		0xfffff000U	/* d2 31:12 */
#define AMDVI_CMD_PASID_MASK		0xfffffU	/* d0 19:0 (IOMMU_PAGES), d1 19:0 */
#define AMDVI_CMD_DOMID_MASK		0xffffU	/* d1 15:0 */
/* The driver's "all pages" address (CMD_INV_IOMMU_ALL_PAGES_ADDRESS). */
#define AMDVI_CMD_INV_ALL_PAGES_ADDRESS	0x7fffffffffffffffULL
#define AMDVI_CMD_INV_ALL_PAGES_PAGE	0x7ffffffffffff000ULL

/* INVALIDATE_IOTLB_PAGES: PASID split as Linux builds it */
#define AMDVI_CMD_IOTLB_PASID_HI_SHIFT	16	/* d0 23:16 = pasid[15:8] */
#define AMDVI_CMD_IOTLB_QDEP_SHIFT	24	/* d0 31:24 = max pending */
#define AMDVI_CMD_IOTLB_PASID_LO_SHIFT	16	/* d1 23:16 = pasid[7:0] */
#define AMDVI_CMD_IOTLB_QUEUEID_MASK	0xffffU	/* d1 15:0 (Linux: devid) */

/* PREFETCH_IOMMU_PAGES (spec only; Linux never issues it) */
#define AMDVI_CMD_PREF_PFCOUNT_SHIFT	24	/* d0 31:24 */

/* COMPLETE_PPR_REQUEST: d3 = tag | status << 12 */
#define AMDVI_CMD_PPR_TAG_MASK		0x1ffU	/* d3 8:0 as Linux writes it */
#define AMDVI_CMD_PPR_STATUS_SHIFT	12
#define AMDVI_CMD_PPR_STATUS_MASK	0xfU

struct amdvi_cmd_completion_wait {
	uint64_t store_addr;	/* bits 51:3, 8-byte aligned */
	uint64_t store_data;	/* d2 | d3 << 32 */
	bool s, i, f;
};

struct amdvi_cmd_inv_devtab_entry {
	uint16_t devid;
};

struct amdvi_cmd_inv_iommu_pages {
	uint16_t domid;
	uint32_t pasid;		/* meaningful when gn */
	uint64_t address;	/* bits 63:12 of d3:d2, low 12 bits zero */
	bool s, pde, gn;
};

struct amdvi_cmd_inv_iotlb_pages {
	uint16_t devid;
	uint16_t queue_id;	/* d1 15:0; Linux writes the devid here */
	uint16_t pasid;		/* Linux split: d0 23:16 = hi byte, d1 23:16 = lo byte */
	uint8_t qdep;		/* maximum pending invalidations, d0 31:24 */
	uint64_t address;
	bool s, gn;
};

struct amdvi_cmd_inv_interrupt_table {
	uint16_t devid;
};

struct amdvi_cmd_prefetch_iommu_pages {
	uint16_t devid;
	uint8_t pfcount;
	uint32_t pasid;
	uint64_t address;
	bool s, gn, inval;
};

struct amdvi_cmd_complete_ppr {
	uint16_t devid;
	uint32_t pasid;
	uint16_t tag;
	uint8_t status;
	bool gn;
};

struct amdvi_cmd {
	uint32_t raw[4];
	unsigned int opcode;	/* 0..15, kept also for unknown opcodes */
	bool known;		/* opcode is one of enum amdvi_cmd_opcode */
	union {
		struct amdvi_cmd_completion_wait cw;
		struct amdvi_cmd_inv_devtab_entry inv_dte;
		struct amdvi_cmd_inv_iommu_pages inv_pages;
		struct amdvi_cmd_inv_iotlb_pages inv_iotlb;
		struct amdvi_cmd_inv_interrupt_table inv_irt;
		struct amdvi_cmd_prefetch_iommu_pages prefetch;
		struct amdvi_cmd_complete_ppr ppr;
	} u;
};

static inline unsigned int amdvi_cmd_opcode(const uint32_t data[4])
{
	return (data[1] >> AMDVI_CMD_OPCODE_SHIFT) & AMDVI_CMD_OPCODE_MASK;
}

/* Name of an opcode ("COMPLETION_WAIT"...), "UNKNOWN" otherwise. */
const char *amdvi_cmd_name(unsigned int opcode);

/* Decode one entry.  Unknown opcodes succeed with known=false. */
int amdvi_cmd_decode(const uint32_t data[4], struct amdvi_cmd *out);

/* Builders: write the 16-byte entry into data[4]. */
void amdvi_cmd_build_completion_wait(uint32_t data[4], uint64_t store_addr,
				     uint64_t store_data, bool s, bool i, bool f);
void amdvi_cmd_build_inv_devtab_entry(uint32_t data[4], uint16_t devid);
void amdvi_cmd_build_inv_iommu_pages(uint32_t data[4], uint16_t domid,
				     uint32_t pasid, uint64_t address,
				     bool s, bool pde, bool gn);
/* The kernel's whole-domain flush (all-pages address, S, optional PDE). */
void amdvi_cmd_build_inv_iommu_pages_domain(uint32_t data[4], uint16_t domid,
					    bool pde);
void amdvi_cmd_build_inv_iotlb_pages(uint32_t data[4], uint16_t devid,
				     uint16_t queue_id, uint8_t qdep,
				     uint16_t pasid, uint64_t address,
				     bool s, bool gn);
void amdvi_cmd_build_inv_interrupt_table(uint32_t data[4], uint16_t devid);
void amdvi_cmd_build_prefetch_iommu_pages(uint32_t data[4], uint16_t devid,
					  uint8_t pfcount, uint32_t pasid,
					  uint64_t address, bool s, bool gn,
					  bool inval);
void amdvi_cmd_build_complete_ppr(uint32_t data[4], uint16_t devid,
				  uint32_t pasid, bool gn, uint16_t tag,
				  uint8_t status);
void amdvi_cmd_build_inv_iommu_all(uint32_t data[4]);

/*
 * Address encoding of the INVALIDATE_* commands as the kernel's
 * build_inv_address() makes it: for [address, address+size) return the
 * address field (bits 63:12) plus the S bit in bit 0.
 */
uint64_t amdvi_cmd_inv_address_encode(uint64_t address, uint64_t size);

/*
 * IOVA range invalidated by an address field and S bit: S=0 is the one
 * 4 KiB page; S=1 means the lowest zero bit n (n >= 12) of the address
 * selects a naturally aligned 2^(n+1)-byte range.
 */
struct amdvi_range amdvi_cmd_inv_range(uint64_t address, bool s);

/*
 * True for an INVALIDATE_IOMMU_PAGES that flushes a whole domain: S set,
 * GN clear, address = the kernel's all-pages address.  PDE may be set or
 * not; the caller reads cmd->u.inv_pages.pde.
 */
bool amdvi_cmd_is_inv_domain_all(const struct amdvi_cmd *cmd);

/*
 * One-line description, e.g.
 *   "INVALIDATE_IOMMU_PAGES domain=3 addr=0xffe58000 pde"
 *   "COMPLETION_WAIT store=0x11be000 data=0x134 S"
 * Returns what snprintf returns.
 */
int amdvi_cmd_format(const struct amdvi_cmd *cmd, char *buf, size_t len);

#endif /* AMDVI_COMMAND_H */
