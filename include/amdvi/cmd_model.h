/*
 * A software model of the AMD IOMMU command processor, for tests.
 *
 * It does what the hardware does with the command buffer (AMD I/O
 * Virtualization Technology spec, 48882, "Command Buffer" and "Commands"):
 * while CmdBufEn is set and the processor is not halted it fetches the
 * 16-byte entry at the head, executes it, and advances the head (mod the
 * ring size) until head == tail.  Software moves the tail (the doorbell).
 *
 *   - COMPLETION_WAIT with S stores its 64-bit data to the store address
 *     (through the caller's store callback, the model's "system memory");
 *   - the invalidations mark what they dropped in the model's cache state
 *     (which devids, domains and interrupt tables were invalidated, and
 *     whether INVALIDATE_IOMMU_ALL ran), so a test can check coverage;
 *   - a malformed command (unknown opcode, reserved field not zero, a
 *     command the EFR does not advertise) is not executed: the model writes
 *     an ILLEGAL_COMMAND_ERROR event (code 5, address = physical address of
 *     the offending entry) into its event log, and halts with head pointing
 *     at that entry, as the hardware does (software must restart it).
 *
 * Nothing here allocates; the ring and the event log are caller buffers.
 */
#ifndef AMDVI_CMD_MODEL_H
#define AMDVI_CMD_MODEL_H

#include "amdvi/common.h"

/* Where a COMPLETION_WAIT store goes: return 0 on success. */
typedef int (*amdvi_cmd_model_store_fn)(void *ctx, uint64_t pa, uint64_t value);

enum amdvi_cmd_model_state {
	AMDVI_CMD_MODEL_IDLE,		/* head == tail */
	AMDVI_CMD_MODEL_DISABLED,	/* CmdBufEn clear: nothing is fetched */
	AMDVI_CMD_MODEL_HALTED,		/* stopped on an illegal command */
};

struct amdvi_cmd_model {
	/* configuration */
	const uint8_t *ring;		/* the command buffer (ring_size bytes) */
	uint32_t ring_size;
	uint64_t ring_pa;		/* for ILLEGAL_COMMAND_ERROR addresses */
	uint64_t efr;			/* IA, PreF, PPR gate their commands */
	amdvi_cmd_model_store_fn store;
	void *store_ctx;
	uint8_t *evt;			/* event log (may be NULL: events dropped) */
	uint32_t evt_size;

	/* registers */
	uint32_t head, tail;		/* byte offsets, like MMIO 0x2000/0x2008 */
	uint32_t evt_tail;		/* like MMIO 0x2018 */
	bool cmdbuf_en;
	bool halted;
	bool evt_overflow;

	/* what ran */
	uint32_t executed;		/* commands executed, all kinds */
	uint32_t by_opcode[16];
	uint32_t stores;		/* completion-wait stores done */
	uint32_t store_errors;		/* store callback failures */
	uint32_t illegal;		/* ILLEGAL_COMMAND_ERROR events */
	uint64_t last_store_pa, last_store_value;
	bool inv_all;			/* INVALIDATE_IOMMU_ALL ran */
	uint8_t inv_dte[65536 / 8];	/* INVALIDATE_DEVTAB_ENTRY per devid */
	uint8_t inv_domain[65536 / 8];	/* whole-domain INVALIDATE_IOMMU_PAGES */
	uint8_t inv_irt[65536 / 8];	/* INVALIDATE_INTERRUPT_TABLE per devid */
};

/*
 * Set up a model over ring (ring_size: a power of two, 4 KiB..512 KiB) at
 * ring_pa, with head = tail = 0 and the command buffer enabled.  evt may be
 * NULL (evt_size 0).  Returns an amdvi_status.
 */
int amdvi_cmd_model_init(struct amdvi_cmd_model *m, const void *ring, uint32_t ring_size,
			 uint64_t ring_pa, uint64_t efr, amdvi_cmd_model_store_fn store,
			 void *store_ctx, void *evt, uint32_t evt_size);

/* Start the model where a real IOMMU stands (head and tail offsets). */
int amdvi_cmd_model_set_head(struct amdvi_cmd_model *m, uint32_t head);
/* The doorbell: software writes the tail.  Does not run anything. */
int amdvi_cmd_model_set_tail(struct amdvi_cmd_model *m, uint32_t tail);
/* Control.CmdBufEn; enabling clears a halt (the restart after an error). */
void amdvi_cmd_model_enable(struct amdvi_cmd_model *m, bool on);

/*
 * Consume entries from head towards tail, at most max (0 = no limit).
 * Returns the number of commands executed in this call (an illegal one is
 * not counted) or a negative amdvi_status for a broken model.
 */
long amdvi_cmd_model_run(struct amdvi_cmd_model *m, uint32_t max);

enum amdvi_cmd_model_state amdvi_cmd_model_state(const struct amdvi_cmd_model *m);

/* AMDVI_OK when the command is legal for a processor with this EFR;
 * AMDVI_ERR_FORMAT otherwise (reason, if not NULL, says which rule). */
int amdvi_cmd_model_check(const uint32_t cmd[4], uint64_t efr, const char **reason);

static inline bool amdvi_cmd_model_bit(const uint8_t *set, uint32_t i)
{
	return (set[(i >> 3) & 0x1fff] >> (i & 7)) & 1;
}

#endif /* AMDVI_CMD_MODEL_H */
