/*
 * AMD-Vi event-log entries (16 bytes, u32 data[4]).
 *
 * Event code = data[1] bits 31:28.  Fields are decoded the way the Linux
 * driver's iommu_print_event() and the RMP reporters read them (6.1/6.12
 * drivers/iommu/amd/iommu.c), with both historic domain/PASID encodings.
 */
#ifndef AMDVI_EVENT_H
#define AMDVI_EVENT_H

#include "amdvi/common.h"

#define AMDVI_EVENT_SIZE		16
#define AMDVI_EVENT_CODE_SHIFT		28	/* data[1] 31:28 */
#define AMDVI_EVENT_CODE_MASK		0xfU
#define AMDVI_EVENT_DEVID_MASK		0xffffU	/* data[0] 15:0 */
#define AMDVI_EVENT_PASID_HI_MASK	0xf0000U	/* data[0] 19:16 */
#define AMDVI_EVENT_DOMID_LO_MASK	0xffffU	/* data[1] 15:0 */
#define AMDVI_EVENT_FLAGS_SHIFT		16	/* data[1] 27:16 */
#define AMDVI_EVENT_FLAGS_MASK		0xfffU
#define AMDVI_EVENT_PPR_TAG_MASK	0x3ffU	/* data[1] 9:0 */
#define AMDVI_EVENT_PPR_PASID_HI_SHIFT	10	/* data[1] 13:10 = pasid 19:16 */
#define AMDVI_EVENT_PPR_PASID_LO_SHIFT	16	/* data[0] 31:16 = pasid 15:0 */
#define AMDVI_EVENT_RMP_FLAGS_SHIFT	16	/* data[0] 23:16 */
#define AMDVI_EVENT_RMP_FLAGS_MASK	0xffU
#define AMDVI_EVENT_VMG_TAG_MASK	0xffffU	/* data[1] 15:0 */
#define AMDVI_EVENT_RMP_SPA_LO_MASK	0xfffffff8U	/* data[2] 31:3 */

enum amdvi_event_code {
	AMDVI_EVENT_ILLEGAL_DEV_TABLE_ENTRY	= 0x1,
	AMDVI_EVENT_IO_PAGE_FAULT		= 0x2,
	AMDVI_EVENT_DEV_TAB_HARDWARE_ERROR	= 0x3,
	AMDVI_EVENT_PAGE_TAB_HARDWARE_ERROR	= 0x4,
	AMDVI_EVENT_ILLEGAL_COMMAND_ERROR	= 0x5,
	AMDVI_EVENT_COMMAND_HARDWARE_ERROR	= 0x6,
	AMDVI_EVENT_IOTLB_INV_TIMEOUT		= 0x7,
	AMDVI_EVENT_INVALID_DEVICE_REQUEST	= 0x8,
	AMDVI_EVENT_INVALID_PPR_REQUEST		= 0x9,
	AMDVI_EVENT_RMP_PAGE_FAULT		= 0xd,
	AMDVI_EVENT_RMP_HW_ERROR		= 0xe,
};

/* IO_PAGE_FAULT flag bits (the 12-bit flags field, entry bits 59:48). */
#define AMDVI_EVENT_FLAG_GN	0x001U	/* guest (PASID valid) */
#define AMDVI_EVENT_FLAG_NX	0x002U	/* no-execute violation */
#define AMDVI_EVENT_FLAG_US	0x004U	/* user/supervisor */
#define AMDVI_EVENT_FLAG_I	0x008U	/* interrupt request */
#define AMDVI_EVENT_FLAG_PR	0x010U	/* translation was present */
#define AMDVI_EVENT_FLAG_RW	0x020U	/* 1 = write */
#define AMDVI_EVENT_FLAG_PE	0x040U	/* permission violation */
#define AMDVI_EVENT_FLAG_RZ	0x080U	/* reserved bit not zero / bad level */
#define AMDVI_EVENT_FLAG_TR	0x100U	/* translation request */

struct amdvi_event {
	uint32_t raw[4];
	unsigned int code;	/* 0..15; 0 only for an empty entry */
	bool known;		/* code has a name */
	uint16_t devid;
	uint16_t flags;		/* 12 bits */
	uint64_t address;	/* data[3] << 32 | data[2] */
	/* domain ID / PASID, both encodings */
	uint16_t domid_legacy;	/* <=4.x kernels: data[1] & 0xffff */
	uint32_t pasid_or_domid;/* RHEL8.3+/5.x+: (data[0]&0xf0000)|(data[1]&0xffff) */
	/* INVALID_PPR_REQUEST */
	uint16_t tag;		/* data[1] 9:0 */
	uint32_t ppr_pasid;	/* data[1] 13:10 : data[0] 31:16 */
	/* RMP_PAGE_FAULT / RMP_HW_ERROR */
	uint16_t vmg_tag;	/* data[1] 15:0 */
	uint8_t flags_rmp;	/* data[0] 23:16 (RMP_PAGE_FAULT) */
	uint64_t gpa;		/* RMP_PAGE_FAULT: address */
	uint64_t spa;		/* RMP_HW_ERROR: address with bits 2:0 clear */
};

static inline unsigned int amdvi_event_code(const uint32_t data[4])
{
	return (data[1] >> AMDVI_EVENT_CODE_SHIFT) & AMDVI_EVENT_CODE_MASK;
}

/* The kernel's name for an event code, "UNKNOWN" otherwise. */
const char *amdvi_event_name(unsigned int code);

/* All four words zero: the kernel zeroes entries it has processed. */
bool amdvi_event_is_empty(const uint32_t data[4]);

int amdvi_event_decode(const uint32_t data[4], struct amdvi_event *out);

/*
 * Build an entry.  domid_or_pasid goes out in the 5.x+ encoding
 * (bits 19:16 into data[0] 19:16, 15:0 into data[1] 15:0).
 */
void amdvi_event_build(uint32_t data[4], unsigned int code, uint16_t devid,
		       uint32_t domid_or_pasid, uint16_t flags, uint64_t address);
void amdvi_event_build_ppr(uint32_t data[4], uint16_t devid, uint32_t pasid,
			   uint16_t tag, uint16_t flags, uint64_t address);
void amdvi_event_build_rmp_fault(uint32_t data[4], uint16_t devid,
				 uint16_t vmg_tag, uint8_t flags_rmp,
				 uint16_t flags, uint64_t gpa);
void amdvi_event_build_rmp_hw_error(uint32_t data[4], uint16_t devid,
				    uint16_t vmg_tag, uint16_t flags,
				    uint64_t spa);

/* IO_PAGE_FAULT flags as "PR|RW|PE" ("-" for none); snprintf return. */
int amdvi_event_flags_str(uint16_t flags, char *buf, size_t len);

/*
 * One line, e.g.
 *   "IO_PAGE_FAULT devid=00:14.1 domain=0xd address=0x245a0c0 flags=0x70 (PR|RW|PE)"
 */
int amdvi_event_format(const struct amdvi_event *ev, char *buf, size_t len);

#endif /* AMDVI_EVENT_H */
