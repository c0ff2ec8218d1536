/*
 * Shared definitions of the AMD-Vi hardware-format library: error codes
 * and bit-field helpers.  Nothing here allocates or does I/O.
 */
#ifndef AMDVI_COMMON_H
#define AMDVI_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Return codes.  0 is success; errors are negative. */
enum amdvi_status {
	AMDVI_OK         = 0,
	AMDVI_ERR_ARG    = -1,	/* NULL pointer or nonsensical argument */
	AMDVI_ERR_SIZE   = -2,	/* ring/table size not usable */
	AMDVI_ERR_ALIGN  = -3,	/* offset/address not aligned as required */
	AMDVI_ERR_RANGE  = -4,	/* offset/index/value out of range */
	AMDVI_ERR_FORMAT = -5,	/* entry does not have the expected format */
};

const char *amdvi_strerror(int status);

/* Single bit / contiguous mask helpers (64-bit). */
#define AMDVI_BIT(n)		(1ULL << (n))
#define AMDVI_GENMASK(hi, lo)	((~0ULL >> (63 - (hi))) & ~((1ULL << (lo)) - 1))
#define AMDVI_FIELD_GET(mask, v) (((v) & (mask)) >> __builtin_ctzll(mask))
#define AMDVI_FIELD_PREP(mask, v) (((uint64_t)(v) << __builtin_ctzll(mask)) & (mask))
/* bit if cond, else 0: for encoders building a word from booleans */
#define AMDVI_FLAG(cond, bit)	((cond) ? (uint64_t)(bit) : 0ULL)

/* PCI requester ID (devid) = bus<<8 | device<<3 | function. */
#define AMDVI_DEVID_BUS(d)	(((d) >> 8) & 0xff)
#define AMDVI_DEVID_SLOT(d)	(((d) >> 3) & 0x1f)
#define AMDVI_DEVID_FUNC(d)	((d) & 0x7)

/* An inclusive IOVA range; last avoids overflow for "everything". */
struct amdvi_range {
	uint64_t start;
	uint64_t last;
};

/*
 * Bounded string builder used by the one-line formatters: appends like
 * snprintf, never overflows buf, and total counts what would have been
 * written (so a too-small buffer is detectable, as with snprintf).
 */
struct amdvi_strbuf {
	char *buf;
	size_t len;
	int total;
};

void amdvi_strbuf_printf(struct amdvi_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* AMDVI_COMMON_H */
