/*
 * Fuzz target: the command-processor model (src/amdvi/cmd_model.c), which
 * the unit tests trust to say what a command ring does.  Input: ring and
 * event-log sizes, the EFR, head, tail, a command limit, then the ring's
 * bytes.  Whatever the ring holds, the model stops at the tail or on an
 * illegal command, keeps its registers in the ring, and logs exactly one
 * ILLEGAL_COMMAND_ERROR per halt, pointing at the offending entry.
 */
#include "fuzz.h"
#include "amdvi/cmd_model.h"
#include "amdvi/command.h"
#include "amdvi/event.h"
#include "amdvi/ring.h"

static int store(void *ctx, uint64_t pa, uint64_t value)
{
	unsigned *n = ctx;

	(void)value;
	(*n)++;
	return pa & 0x8 ? -1 : 0;	/* some stores fail */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct amdvi_cmd_model m;
	static uint8_t ring[AMDVI_RING_SIZE_MIN << 3], evt[AMDVI_RING_SIZE_MIN];
	struct fz_in in = fz_in(data, size);
	uint8_t sel = fz_u8(&in);
	uint32_t ring_size = AMDVI_RING_SIZE_MIN << (sel & 3);	/* 4 to 32 KiB */
	uint64_t efr = fz_u64(&in);
	uint32_t head = fz_u16(&in) % ring_size & ~15u, tail = fz_u16(&in) % ring_size & ~15u;
	uint32_t max = fz_u8(&in);
	unsigned stores = 0;
	uint32_t w[4];
	bool with_evt = sel & 4;

	fz_fill(&in, ring, ring_size);
	memset(evt, 0, sizeof(evt));
	FZ_CHECK(amdvi_cmd_model_init(&m, ring, ring_size, 0x11b0000, efr, store, &stores,
				      with_evt ? evt : NULL, with_evt ? sizeof(evt) : 0) == AMDVI_OK);
	FZ_CHECK(amdvi_cmd_model_set_head(&m, head) == AMDVI_OK);
	FZ_CHECK(amdvi_cmd_model_set_tail(&m, tail) == AMDVI_OK);
	if (sel & 8)
		amdvi_cmd_model_enable(&m, false);

	/* run, restart after each halt past the bad entry, as software would */
	for (int round = 0; round < 4; round++) {
		uint32_t before = m.head;
		long n = amdvi_cmd_model_run(&m, max);

		FZ_CHECK(n >= 0 && (!max || n <= (long)max));
		FZ_CHECK(amdvi_ring_check_offset(ring_size, m.head) == AMDVI_OK);
		FZ_CHECK((uint32_t)n <= amdvi_ring_entries(ring_size));
		switch (amdvi_cmd_model_state(&m)) {
		case AMDVI_CMD_MODEL_DISABLED:
			FZ_CHECK(n == 0 && m.head == before);
			amdvi_cmd_model_enable(&m, true);
			break;
		case AMDVI_CMD_MODEL_HALTED:
			FZ_CHECK(m.head != m.tail);
			memcpy(w, ring + m.head, sizeof(w));
			FZ_CHECK(amdvi_cmd_model_check(w, efr, NULL) != AMDVI_OK);
			amdvi_cmd_model_enable(&m, true);
			m.head = amdvi_ring_next(ring_size, m.head);
			break;
		case AMDVI_CMD_MODEL_IDLE:
			FZ_CHECK(m.head == m.tail || (max && n == (long)max));
			break;
		}
	}
	FZ_CHECK(m.stores + m.store_errors == stores);
	uint32_t total = 0;

	for (int i = 0; i < 16; i++)
		total += m.by_opcode[i];
	FZ_CHECK(total == m.executed);
	if (with_evt && !m.evt_overflow) {
		/* one ILLEGAL_COMMAND_ERROR per halt, in order */
		for (uint32_t k = 0; k < m.illegal; k++) {
			struct amdvi_event ev;

			memcpy(w, evt + 16 * k, sizeof(w));
			FZ_CHECK(amdvi_event_decode(w, &ev) == AMDVI_OK);
			FZ_CHECK(ev.code == AMDVI_EVENT_ILLEGAL_COMMAND_ERROR);
			FZ_CHECK(ev.address >= 0x11b0000 && ev.address < 0x11b0000 + ring_size);
		}
	}
	return 0;
}
