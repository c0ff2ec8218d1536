/*
 * The reference flush sequence (see include/amdvi/flush.h).
 *
 * This file is also compiled into the kernel module: module/iommu_ref_flush/
 * prepare.sh copies it into the module's build folder.  So: only the
 * headers below, no libc calls, no floating point, no allocation.  The
 * commands are encoded here from command.h's field definitions; the unit
 * tests check that they equal what amdvi_cmd_build_*() produce.
 */
#include "amdvi/flush.h"
#include "amdvi/command.h"
#include "amdvi/dte.h"
#include "amdvi/efr.h"

int amdvi_flush_check(const struct amdvi_flush_input *in)
{
	if (!in || (in->n_dte && !in->dte))
		return AMDVI_ERR_ARG;
	if (in->n_dte > AMDVI_FLUSH_MAX_DTE)
		return AMDVI_ERR_RANGE;
	if (in->store_pa & 7)
		return AMDVI_ERR_ALIGN;
	if ((in->store_pa | in->me_mask) >> 52)
		return AMDVI_ERR_RANGE;
	return AMDVI_OK;
}

bool amdvi_flush_dte_wanted(const uint64_t dte[4])
{
	if (!(dte[0] & AMDVI_DTE_V))
		return false;
	return (dte[1] & AMDVI_DTE_DOMID_MASK) || (dte[2] & AMDVI_DTE_IV);
}

static void clear(uint32_t cmd[4])
{
	cmd[0] = cmd[1] = cmd[2] = cmd[3] = 0;
}

static void op(uint32_t cmd[4], unsigned int opcode)
{
	cmd[1] |= (uint32_t)opcode << AMDVI_CMD_OPCODE_SHIFT;
}

/* Smallest domain id > after carried by a wanted DTE; 0 when none. */
static uint32_t next_domain(const struct amdvi_flush_input *in, uint32_t after)
{
	uint32_t best = 0;

	for (uint32_t i = 0; i < in->n_dte; i++) {
		uint32_t d = (uint32_t)(in->dte[i][1] & AMDVI_DTE_DOMID_MASK);

		if (d > after && (!best || d < best) && amdvi_flush_dte_wanted(in->dte[i]))
			best = d;
	}
	return best;
}

int amdvi_flush_iter_init(struct amdvi_flush_iter *it, const struct amdvi_flush_input *in)
{
	int rc;

	if (!it)
		return AMDVI_ERR_ARG;
	rc = amdvi_flush_check(in);
	it->in = in;
	it->phase = rc ? AMDVI_FLUSH_PHASE_DONE : AMDVI_FLUSH_PHASE_DTE;
	it->devid = 0;
	it->last_domid = 0;
	it->emitted = 0;
	return rc;
}

bool amdvi_flush_iter_next(struct amdvi_flush_iter *it, uint32_t cmd[4])
{
	const struct amdvi_flush_input *in;

	if (!it || !cmd)
		return false;
	in = it->in;
	clear(cmd);
	for (;;) {
		switch (it->phase) {
		case AMDVI_FLUSH_PHASE_DTE:
			while (it->devid < in->n_dte && !amdvi_flush_dte_wanted(in->dte[it->devid]))
				it->devid++;
			if (it->devid < in->n_dte) {
				cmd[0] = it->devid++ & AMDVI_CMD_DEVID_MASK;
				op(cmd, AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY);
				it->emitted++;
				return true;
			}
			it->phase = AMDVI_FLUSH_PHASE_PAGES;
			it->devid = 0;
			break;
		case AMDVI_FLUSH_PHASE_PAGES:
			if (in->efr & AMDVI_EFR_IA) {
				if (it->last_domid)
					goto pages_done;
				it->last_domid = 1;	/* emitted */
				op(cmd, AMDVI_CMD_INVALIDATE_IOMMU_ALL);
				it->emitted++;
				return true;
			} else {
				uint32_t d = next_domain(in, it->last_domid);

				if (!d)
					goto pages_done;
				it->last_domid = d;
				cmd[1] = d & AMDVI_CMD_DOMID_MASK;
				op(cmd, AMDVI_CMD_INVALIDATE_IOMMU_PAGES);
				cmd[2] = (uint32_t)(AMDVI_CMD_INV_ALL_PAGES_PAGE & AMDVI_CMD_ADDR_LO_MASK) |
					 AMDVI_CMD_INV_S | AMDVI_CMD_INV_PDE;
				cmd[3] = (uint32_t)(AMDVI_CMD_INV_ALL_PAGES_PAGE >> 32);
				it->emitted++;
				return true;
			}
pages_done:
			it->phase = AMDVI_FLUSH_PHASE_IRT;
			it->devid = 0;
			break;
		case AMDVI_FLUSH_PHASE_IRT:
			while (it->devid < in->n_dte &&
			       !((in->dte[it->devid][0] & AMDVI_DTE_V) && (in->dte[it->devid][2] & AMDVI_DTE_IV)))
				it->devid++;
			if (it->devid < in->n_dte) {
				cmd[0] = it->devid++ & AMDVI_CMD_DEVID_MASK;
				op(cmd, AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE);
				it->emitted++;
				return true;
			}
			it->phase = AMDVI_FLUSH_PHASE_CW;
			break;
		case AMDVI_FLUSH_PHASE_CW: {
			uint64_t a = in->store_pa | in->me_mask;

			cmd[0] = ((uint32_t)a & AMDVI_CMD_CW_ADDR_LO_MASK) | AMDVI_CMD_CW_S;
			cmd[1] = (uint32_t)(a >> 32) & AMDVI_CMD_CW_ADDR_HI_MASK;
			op(cmd, AMDVI_CMD_COMPLETION_WAIT);
			cmd[2] = (uint32_t)in->store_value;
			cmd[3] = (uint32_t)(in->store_value >> 32);
			it->phase = AMDVI_FLUSH_PHASE_DONE;
			it->emitted++;
			return true;
		}
		case AMDVI_FLUSH_PHASE_DONE:
		default:
			return false;
		}
	}
}

long amdvi_flush_count(const struct amdvi_flush_input *in)
{
	struct amdvi_flush_iter it;
	uint32_t cmd[4];
	long n = 0;
	int rc = amdvi_flush_iter_init(&it, in);

	if (rc)
		return rc;
	while (amdvi_flush_iter_next(&it, cmd))
		n++;
	return n;
}

long amdvi_flush_build(const struct amdvi_flush_input *in, uint32_t (*cmds)[4], size_t max_cmds)
{
	struct amdvi_flush_iter it;
	uint32_t cmd[4];
	size_t n = 0;
	int rc = amdvi_flush_iter_init(&it, in);

	if (rc)
		return rc;
	if (!cmds && max_cmds)
		return AMDVI_ERR_ARG;
	while (amdvi_flush_iter_next(&it, cmd)) {
		if (n >= max_cmds)
			return AMDVI_ERR_SIZE;
		cmds[n][0] = cmd[0];
		cmds[n][1] = cmd[1];
		cmds[n][2] = cmd[2];
		cmds[n][3] = cmd[3];
		n++;
	}
	return (long)n;
}
