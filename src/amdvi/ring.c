/*
 * Command-buffer / event-log ring arithmetic.
 */
#include "amdvi/ring.h"

int amdvi_ring_check_size(uint32_t ring_size)
{
	if (ring_size < AMDVI_RING_SIZE_MIN || ring_size > AMDVI_RING_SIZE_MAX)
		return AMDVI_ERR_SIZE;
	if (ring_size & (ring_size - 1))
		return AMDVI_ERR_SIZE;
	return AMDVI_OK;
}

int amdvi_ring_check_offset(uint32_t ring_size, uint32_t offset)
{
	int rc = amdvi_ring_check_size(ring_size);

	if (rc)
		return rc;
	if (offset % AMDVI_RING_ENTRY_SIZE)
		return AMDVI_ERR_ALIGN;
	if (offset >= ring_size)
		return AMDVI_ERR_RANGE;
	return AMDVI_OK;
}

uint32_t amdvi_ring_entries(uint32_t ring_size)
{
	return ring_size / AMDVI_RING_ENTRY_SIZE;
}

int amdvi_ring_slot_to_offset(uint32_t ring_size, uint32_t slot, uint32_t *offset)
{
	int rc = amdvi_ring_check_size(ring_size);

	if (rc)
		return rc;
	if (!offset)
		return AMDVI_ERR_ARG;
	if (slot >= amdvi_ring_entries(ring_size))
		return AMDVI_ERR_RANGE;
	*offset = slot * AMDVI_RING_ENTRY_SIZE;
	return AMDVI_OK;
}

int amdvi_ring_offset_to_slot(uint32_t ring_size, uint32_t offset, uint32_t *slot)
{
	int rc = amdvi_ring_check_offset(ring_size, offset);

	if (rc)
		return rc;
	if (!slot)
		return AMDVI_ERR_ARG;
	*slot = offset / AMDVI_RING_ENTRY_SIZE;
	return AMDVI_OK;
}

uint32_t amdvi_ring_prev(uint32_t ring_size, uint32_t offset)
{
	return (offset + ring_size - AMDVI_RING_ENTRY_SIZE) % ring_size;
}

uint32_t amdvi_ring_next(uint32_t ring_size, uint32_t offset)
{
	return (offset + AMDVI_RING_ENTRY_SIZE) % ring_size;
}

int amdvi_ring_age(uint32_t ring_size, uint32_t tail, uint32_t offset, uint32_t *age)
{
	int rc = amdvi_ring_check_offset(ring_size, tail);

	if (rc)
		return rc;
	rc = amdvi_ring_check_offset(ring_size, offset);
	if (rc)
		return rc;
	if (!age)
		return AMDVI_ERR_ARG;
	/* distance walking backwards from the newest slot (tail - 16) */
	*age = ((tail + ring_size - AMDVI_RING_ENTRY_SIZE - offset) % ring_size) /
	       AMDVI_RING_ENTRY_SIZE;
	return AMDVI_OK;
}

int amdvi_ring_iter_init_n(struct amdvi_ring_iter *it, uint32_t ring_size,
			   uint32_t tail, uint32_t max)
{
	int rc;

	if (!it)
		return AMDVI_ERR_ARG;
	it->remaining = 0;
	rc = amdvi_ring_check_offset(ring_size, tail);
	if (rc)
		return rc;
	it->ring_size = ring_size;
	it->tail = tail;
	it->pos = amdvi_ring_prev(ring_size, tail);
	it->remaining = amdvi_ring_entries(ring_size);
	if (max < it->remaining)
		it->remaining = max;
	return AMDVI_OK;
}

int amdvi_ring_iter_init(struct amdvi_ring_iter *it, uint32_t ring_size, uint32_t tail)
{
	return amdvi_ring_iter_init_n(it, ring_size, tail, UINT32_MAX);
}

bool amdvi_ring_iter_next(struct amdvi_ring_iter *it, uint32_t *offset)
{
	if (!it || !it->remaining)
		return false;
	if (offset)
		*offset = it->pos;
	it->pos = amdvi_ring_prev(it->ring_size, it->pos);
	it->remaining--;
	return true;
}

int amdvi_ring_load(const void *buf, size_t buf_len, uint32_t ring_size,
		    uint32_t offset, uint32_t data[4])
{
	const uint8_t *p;
	int rc, i;

	if (!buf || !data)
		return AMDVI_ERR_ARG;
	rc = amdvi_ring_check_offset(ring_size, offset);
	if (rc)
		return rc;
	if (buf_len < ring_size)
		return AMDVI_ERR_SIZE;
	p = (const uint8_t *)buf + offset;
	for (i = 0; i < 4; i++)
		data[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
			  (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	return AMDVI_OK;
}
