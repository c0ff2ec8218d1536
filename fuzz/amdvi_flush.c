/*
 * Fuzz target: the reference flush sequence (src/amdvi/flush.c), the
 * code the kernel module runs on the crash path.  Input: the EFR, the SME
 * mask, the store address and value, the number of DTEs, then the device
 * table.  The sequence built for any table, run through the
 * command-processor model, must be legal and must invalidate every DTE,
 * domain and interrupt table the header promises, then store the value.
 */
#include "fuzz.h"
#include "amdvi/cmd_model.h"
#include "amdvi/command.h"
#include "amdvi/dte.h"
#include "amdvi/efr.h"
#include "amdvi/flush.h"

#define MAX_DTE 64		/* at most 3 * 64 + 1 commands: one 4 KiB ring */

struct mem {
	uint64_t pa, value;
	unsigned n;
};

static int store(void *ctx, uint64_t pa, uint64_t value)
{
	struct mem *s = ctx;

	s->pa = pa;
	s->value = value;
	s->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t dte[MAX_DTE][4];
	static uint32_t cmds[256][4];
	static struct amdvi_cmd_model m;
	struct fz_in in = fz_in(data, size);
	struct amdvi_flush_input fi;
	struct amdvi_flush_iter it;
	struct mem mem = { 0 };
	uint32_t c[4];

	fi.efr = fz_u64(&in);
	uint8_t me_bit = fz_u8(&in);

	/* the SME C-bit is a physical-address bit: 32..51 (or none) */
	fi.me_mask = (me_bit & 0x3f) >= 32 && (me_bit & 0x3f) < 52 ? 1ULL << (me_bit & 0x3f) : 0;
	fi.store_pa = fz_u64(&in);
	if (!(me_bit & 0x80))	/* mostly a usable address */
		fi.store_pa &= 0x000ffffffffffff8ULL & ~fi.me_mask;
	fi.store_value = fz_u64(&in);
	fi.n_dte = fz_u8(&in) % (MAX_DTE + 1);
	fz_fill(&in, dte, sizeof(dte));
	fi.dte = (const uint64_t (*)[4])dte;

	long n = amdvi_flush_count(&fi);
	int rc = amdvi_flush_check(&fi);

	if (rc != AMDVI_OK) {
		FZ_CHECK(n == rc && amdvi_flush_build(&fi, cmds, 256) == rc);
		FZ_CHECK(amdvi_flush_iter_init(&it, &fi) == rc && !amdvi_flush_iter_next(&it, c));
		return 0;
	}
	FZ_CHECK(n >= 1 && n <= 3 * MAX_DTE + 1);
	FZ_CHECK(amdvi_flush_build(&fi, cmds, (size_t)n) == n);
	if (n > 1)
		FZ_CHECK(amdvi_flush_build(&fi, cmds, (size_t)n - 1) == AMDVI_ERR_SIZE);
	FZ_CHECK(amdvi_flush_build(&fi, cmds, 256) == n);

	/* through the model: a 4 KiB ring, commands from slot 0 */
	static uint8_t ring[4096];

	memset(ring, 0, sizeof(ring));
	memcpy(ring, cmds, (size_t)n * 16);
	FZ_CHECK(amdvi_cmd_model_init(&m, ring, sizeof(ring), 0x11b0000, fi.efr, store, &mem,
				      NULL, 0) == AMDVI_OK);
	FZ_CHECK(amdvi_cmd_model_set_tail(&m, (uint32_t)n * 16) == AMDVI_OK);
	FZ_CHECK(amdvi_cmd_model_run(&m, 0) == n);
	FZ_CHECK(m.illegal == 0 && amdvi_cmd_model_state(&m) == AMDVI_CMD_MODEL_IDLE);
	FZ_CHECK(mem.n == 1 && mem.value == fi.store_value);
	FZ_CHECK(mem.pa == (fi.store_pa | fi.me_mask));
	for (uint32_t d = 0; d < fi.n_dte; d++) {
		bool valid = dte[d][0] & AMDVI_DTE_V;
		uint16_t domid = (uint16_t)(dte[d][1] & AMDVI_DTE_DOMID_MASK);

		FZ_CHECK(amdvi_flush_dte_wanted(dte[d]) == (valid && (domid || (dte[d][2] & AMDVI_DTE_IV))));
		if (amdvi_flush_dte_wanted(dte[d])) {
			FZ_CHECK(amdvi_cmd_model_bit(m.inv_dte, d));
			if (domid)
				FZ_CHECK(m.inv_all || amdvi_cmd_model_bit(m.inv_domain, domid));
		}
		if (valid && (dte[d][2] & AMDVI_DTE_IV))
			FZ_CHECK(amdvi_cmd_model_bit(m.inv_irt, d));
	}
	FZ_CHECK(m.inv_all == ((fi.efr & AMDVI_EFR_IA) != 0));
	return 0;
}
