/*
 * Shared definitions of the Intel VT-d hardware-format library: error
 * codes, bit-field helpers, little-endian loads, PCI source-ids and the
 * address-width (AGAW) arithmetic every translation structure uses.
 * Nothing here allocates or does I/O.
 *
 * Citations in this library name the kernel tree and file:line, with
 *   K5.10 = Debian linux-source-5.10 5.10.262,  K6.1 = 6.1.192,
 *   K6.12 = 6.12.118,  K7.3 = 7.3.4;
 *   intel/ = drivers/iommu/intel/,  linux/ = include/linux/
 * (in 5.10 the register and descriptor macros live in
 * linux/intel-iommu.h; from 6.1 on in intel/iommu.h).
 */
#ifndef VTD_COMMON_H
#define VTD_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Return codes.  0 is success; errors are negative (same values as
 * enum amdvi_status, so a shared driver can treat both alike). */
enum vtd_status {
	VTD_OK         = 0,
	VTD_ERR_ARG    = -1,	/* NULL pointer or nonsensical argument */
	VTD_ERR_SIZE   = -2,	/* ring/table size not usable */
	VTD_ERR_ALIGN  = -3,	/* offset/address not aligned as required */
	VTD_ERR_RANGE  = -4,	/* offset/index/value out of range */
	VTD_ERR_FORMAT = -5,	/* entry does not have the expected format */
};

const char *vtd_strerror(int status);

/* Single bit / contiguous mask helpers (64-bit). */
#define VTD_BIT(n)		(1ULL << (n))
#define VTD_GENMASK(hi, lo)	((~0ULL >> (63 - (hi))) & ~((1ULL << (lo)) - 1))
#define VTD_FIELD_GET(mask, v)	(((v) & (mask)) >> __builtin_ctzll(mask))
#define VTD_FIELD_PREP(mask, v)	(((uint64_t)(v) << __builtin_ctzll(mask)) & (mask))
/* bit if cond, else 0 */
#define VTD_FLAG(cond, bit)	((cond) ? (uint64_t)(bit) : 0ULL)

/* VT-d always uses 4 KiB pages (K6.1 intel/iommu.h:32-34 VTD_PAGE_*). */
#define VTD_PAGE_SHIFT		12
#define VTD_PAGE_SIZE		(1ULL << VTD_PAGE_SHIFT)
#define VTD_PAGE_MASK		VTD_GENMASK(63, 12)

/* Little-endian loads from a byte copy of guest memory. */
static inline uint64_t vtd_load_le64(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

static inline uint32_t vtd_load_le32(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/*
 * PCI source-id (requester id) = bus<<8 | device<<3 | function, as the
 * kernel splits it when it prints "[%02x:%02x.%d]" (K6.1 intel/dmar.c:1974:
 * source_id >> 8, PCI_SLOT(), PCI_FUNC()).
 */
#define VTD_SID_BUS(s)		(((s) >> 8) & 0xff)
#define VTD_SID_DEV(s)		(((s) >> 3) & 0x1f)
#define VTD_SID_FN(s)		((s) & 0x7)
#define VTD_SID(bus, devfn)	((uint16_t)(((bus) & 0xff) << 8 | ((devfn) & 0xff)))

/* "bb:dd.f" into buf (at least 8 bytes); returns buf. */
char *vtd_sid_str(uint16_t sid, char *buf, size_t len);

/* An inclusive address range; last avoids overflow for "everything". */
struct vtd_range {
	uint64_t start;
	uint64_t last;
};

/*
 * Adjusted guest address width (the AW field of legacy context entries
 * and PASID entries, and the bit index in CAP.SAGAW): a table with AW = a
 * has a + 2 levels and covers 30 + 9a address bits (K6.1 intel/iommu.c:72-80
 * agaw_to_level / agaw_to_width; K6.12 intel/iommu.h:895-903; K7.3
 * intel/iommu.h:876).  Linux builds only AW 1, 2, 3 (3, 4, 5 levels:
 * 39, 48, 57 bits); 0 (2 levels) and 4 (6 levels) are defined by early
 * VT-d specifications but no kernel walks them, 5-7 are reserved.
 */
#define VTD_AGAW_MIN		1
#define VTD_AGAW_MAX		3

struct vtd_agaw {
	unsigned int aw;	/* the 3-bit field */
	unsigned int levels;	/* aw + 2 */
	unsigned int width;	/* min(30 + 9 * aw, 64) address bits */
	bool valid;		/* VTD_AGAW_MIN <= aw <= VTD_AGAW_MAX */
};

/* Always fills out (levels/width computed even for invalid values);
 * returns VTD_OK, or VTD_ERR_FORMAT when the width is not one Linux uses. */
int vtd_agaw_decode(unsigned int aw, struct vtd_agaw *out);
static inline unsigned int vtd_agaw_levels(unsigned int aw) { return aw + 2; }
unsigned int vtd_agaw_width(unsigned int aw);

/*
 * Bounded string builder used by the one-line formatters: appends like
 * snprintf, never overflows buf, and total counts what would have been
 * written (so a too-small buffer is detectable, as with snprintf).
 */
struct vtd_strbuf {
	char *buf;
	size_t len;
	int total;
};

void vtd_strbuf_printf(struct vtd_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* VTD_COMMON_H */
