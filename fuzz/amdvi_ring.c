/*
 * Fuzz target: ring arithmetic for the command buffer and the logs
 * (src/amdvi/ring.c).  Input: a ring size (a usable power of two most of
 * the time, any 32-bit number now and then), a tail, an offset, an entry
 * limit, a buffer length, then the ring's bytes.  The newest-first
 * iterator must visit each valid slot once, in age order.
 */
#include "fuzz.h"
#include "amdvi/ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);
	uint8_t sel = fz_u8(&in);
	uint32_t ring_size = fz_u32(&in), tail = fz_u32(&in), off = fz_u32(&in);
	uint32_t max = fz_u16(&in), buf_len = fz_u32(&in);
	uint32_t slot, back, age, w[4];
	struct amdvi_ring_iter it;

	if (sel & 1) {
		ring_size = AMDVI_RING_SIZE_MIN << ((sel >> 1) % 8);	/* 4 KiB .. 512 KiB */
		tail %= ring_size;
		off %= ring_size;
		if (sel & 0x80) {
			tail &= ~15u;
			off &= ~15u;
		}
	}
	bool size_ok = amdvi_ring_check_size(ring_size) == AMDVI_OK;
	int rc = amdvi_ring_check_offset(ring_size, off);

	FZ_CHECK(rc != AMDVI_OK || (size_ok && off < ring_size && off % 16 == 0));
	if (rc == AMDVI_OK) {
		FZ_CHECK(amdvi_ring_offset_to_slot(ring_size, off, &slot) == AMDVI_OK);
		FZ_CHECK(amdvi_ring_slot_to_offset(ring_size, slot, &back) == AMDVI_OK && back == off);
		FZ_CHECK(amdvi_ring_prev(ring_size, amdvi_ring_next(ring_size, off)) == off);
	}
	if (amdvi_ring_iter_init_n(&it, ring_size, tail, max) == AMDVI_OK) {
		uint32_t n = 0, o;
		uint32_t want = amdvi_ring_entries(ring_size) < max ? amdvi_ring_entries(ring_size) : max;

		while (amdvi_ring_iter_next(&it, &o)) {
			FZ_CHECK(amdvi_ring_check_offset(ring_size, o) == AMDVI_OK);
			FZ_CHECK(amdvi_ring_age(ring_size, tail, o, &age) == AMDVI_OK && age == n);
			n++;
		}
		FZ_CHECK(n == want);
	}

	/* the ring's bytes: exactly buf_len of them on the heap */
	if (size_ok) {
		buf_len %= ring_size + 1;
		uint8_t *buf = malloc(buf_len ? buf_len : 1);

		if (!buf)
			abort();
		fz_fill(&in, buf, buf_len);
		rc = amdvi_ring_load(buf, buf_len, ring_size, off, w);
		FZ_CHECK(rc != AMDVI_OK || buf_len >= ring_size);
		free(buf);
	}
	return 0;
}
