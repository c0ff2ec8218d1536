/*
 * Ring arithmetic for the AMD-Vi command buffer, event log and PPR log:
 * 16-byte entries in a power-of-two byte ring (command buffer: 8 KiB =
 * 512 entries; event log 8 KiB, or 512 KiB on 6.12 SNP hosts).
 *
 * Software writes at the tail, so the newest command is at
 * (tail - 16) mod size and iteration goes backwards from there.
 */
#ifndef AMDVI_RING_H
#define AMDVI_RING_H

#include "amdvi/common.h"

#define AMDVI_RING_ENTRY_SIZE	16
#define AMDVI_CMD_BUFFER_SIZE	8192	/* CMD_BUFFER_SIZE, 512 entries */
#define AMDVI_EVT_BUFFER_SIZE	8192	/* EVT_BUFFER_SIZE / EVTLOG_SIZE_DEF */
#define AMDVI_EVT_BUFFER_SIZE_MAX (512U * 1024)	/* 6.12 EVTLOG_SIZE_MAX */
#define AMDVI_RING_SIZE_MIN	(256U * 16)	/* spec: ComLen >= 8 (256 entries) */
#define AMDVI_RING_SIZE_MAX	(32768U * 16)	/* spec: ComLen <= 15 */

/* AMDVI_OK if ring_size is a power of two between MIN and MAX. */
int amdvi_ring_check_size(uint32_t ring_size);
/* AMDVI_OK if offset is a valid entry offset (aligned, < size). */
int amdvi_ring_check_offset(uint32_t ring_size, uint32_t offset);

uint32_t amdvi_ring_entries(uint32_t ring_size);
int amdvi_ring_slot_to_offset(uint32_t ring_size, uint32_t slot, uint32_t *offset);
int amdvi_ring_offset_to_slot(uint32_t ring_size, uint32_t offset, uint32_t *slot);

/* Neighbouring entries with wrap-around; offset must be valid. */
uint32_t amdvi_ring_prev(uint32_t ring_size, uint32_t offset);
uint32_t amdvi_ring_next(uint32_t ring_size, uint32_t offset);

/*
 * How many entries before the tail an offset is: 0 = the newest entry,
 * (tail - 16); entries - 1 = the oldest, at tail itself.
 */
int amdvi_ring_age(uint32_t ring_size, uint32_t tail, uint32_t offset, uint32_t *age);

/* Newest-first iterator over every slot of the ring. */
struct amdvi_ring_iter {
	uint32_t ring_size;
	uint32_t tail;
	uint32_t pos;		/* offset to return next */
	uint32_t remaining;	/* entries still to return */
};

/* Fails (AMDVI_ERR_SIZE/_ALIGN/_RANGE) for a bad size or tail. */
int amdvi_ring_iter_init(struct amdvi_ring_iter *it, uint32_t ring_size, uint32_t tail);
/* Same but stops after at most max entries. */
int amdvi_ring_iter_init_n(struct amdvi_ring_iter *it, uint32_t ring_size,
			   uint32_t tail, uint32_t max);
/* Next offset, newest first; false when done. */
bool amdvi_ring_iter_next(struct amdvi_ring_iter *it, uint32_t *offset);

/*
 * Read the four little-endian u32 words of the entry at offset from a
 * byte copy of the ring (buf_len must be >= ring_size).
 */
int amdvi_ring_load(const void *buf, size_t buf_len, uint32_t ring_size,
		    uint32_t offset, uint32_t data[4]);

#endif /* AMDVI_RING_H */
