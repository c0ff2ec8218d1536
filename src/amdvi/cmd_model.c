/*
 * Software model of the AMD IOMMU command processor (see cmd_model.h).
 * Reserved-field rules follow the spec's command formats; QEMU's
 * hw/i386/amd_iommu.c applies the same ones (it logs ILLEGAL_COMMAND_ERROR
 * for a reserved bit set), which is what the lab runs the module against.
 */
#include <string.h>

#include "amdvi/cmd_model.h"
#include "amdvi/command.h"
#include "amdvi/efr.h"
#include "amdvi/event.h"
#include "amdvi/ring.h"

#define SET_BIT(a, i)	((a)[((i) >> 3) & 0x1fff] |= (uint8_t)(1u << ((i) & 7)))

static int fail(const char **reason, const char *why)
{
	if (reason)
		*reason = why;
	return AMDVI_ERR_FORMAT;
}

int amdvi_cmd_model_check(const uint32_t cmd[4], uint64_t efr, const char **reason)
{
	unsigned int opcode;

	if (reason)
		*reason = NULL;
	if (!cmd)
		return AMDVI_ERR_ARG;
	opcode = amdvi_cmd_opcode(cmd);
	switch (opcode) {
	case AMDVI_CMD_COMPLETION_WAIT:
		if (cmd[1] & 0x0ff00000U)
			return fail(reason, "COMPLETION_WAIT: reserved bits 27:20 of dword 1 set");
		return AMDVI_OK;
	case AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY:
	case AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE:
		if ((cmd[0] & 0xffff0000U) || (cmd[1] & 0x0fffffffU) || cmd[2] || cmd[3])
			return fail(reason, "device-id invalidation: reserved field set");
		return AMDVI_OK;
	case AMDVI_CMD_INVALIDATE_IOMMU_PAGES:
		if ((cmd[0] & 0xfff00000U) || (cmd[1] & 0x0fff0000U) || (cmd[2] & 0xff8U))
			return fail(reason, "INVALIDATE_IOMMU_PAGES: reserved field set");
		if (!(cmd[2] & AMDVI_CMD_INV_GN) && (cmd[0] & AMDVI_CMD_PASID_MASK))
			return fail(reason, "INVALIDATE_IOMMU_PAGES: PASID without GN");
		return AMDVI_OK;
	case AMDVI_CMD_INVALIDATE_IOTLB_PAGES:
		if ((cmd[1] & 0x0f000000U) || (cmd[2] & 0xffaU))
			return fail(reason, "INVALIDATE_IOTLB_PAGES: reserved field set");
		return AMDVI_OK;
	case AMDVI_CMD_PREFETCH_IOMMU_PAGES:
		if (!(efr & AMDVI_EFR_PREF))
			return fail(reason, "PREFETCH_IOMMU_PAGES without EFR.PreF");
		if ((cmd[0] & 0x00ff0000U) || (cmd[1] & 0x0ff00000U) || (cmd[2] & 0xfeaU))
			return fail(reason, "PREFETCH_IOMMU_PAGES: reserved field set");
		return AMDVI_OK;
	case AMDVI_CMD_COMPLETE_PPR_REQUEST:
		if (!(efr & AMDVI_EFR_PPR))
			return fail(reason, "COMPLETE_PPR_REQUEST without EFR.PPRSup");
		if ((cmd[0] & 0xffff0000U) || (cmd[1] & 0x0ff00000U) || (cmd[2] & ~AMDVI_CMD_INV_GN) ||
		    (cmd[3] & 0xffff0e00U))
			return fail(reason, "COMPLETE_PPR_REQUEST: reserved field set");
		return AMDVI_OK;
	case AMDVI_CMD_INVALIDATE_IOMMU_ALL:
		if (!(efr & AMDVI_EFR_IA))
			return fail(reason, "INVALIDATE_IOMMU_ALL without EFR.IA");
		if (cmd[0] || (cmd[1] & 0x0fffffffU) || cmd[2] || cmd[3])
			return fail(reason, "INVALIDATE_IOMMU_ALL: reserved field set");
		return AMDVI_OK;
	default:
		return fail(reason, "unknown opcode");
	}
}

int amdvi_cmd_model_init(struct amdvi_cmd_model *m, const void *ring, uint32_t ring_size,
			 uint64_t ring_pa, uint64_t efr, amdvi_cmd_model_store_fn store,
			 void *store_ctx, void *evt, uint32_t evt_size)
{
	int rc;

	if (!m || !ring || (evt_size && !evt))
		return AMDVI_ERR_ARG;
	rc = amdvi_ring_check_size(ring_size);
	if (rc)
		return rc;
	if (evt && (rc = amdvi_ring_check_size(evt_size)) != 0)
		return rc;
	if (ring_pa & 0xfff)
		return AMDVI_ERR_ALIGN;
	memset(m, 0, sizeof(*m));
	m->ring = ring;
	m->ring_size = ring_size;
	m->ring_pa = ring_pa;
	m->efr = efr;
	m->store = store;
	m->store_ctx = store_ctx;
	m->evt = evt;
	m->evt_size = evt ? evt_size : 0;
	m->cmdbuf_en = true;
	return AMDVI_OK;
}

int amdvi_cmd_model_set_head(struct amdvi_cmd_model *m, uint32_t head)
{
	int rc;

	if (!m)
		return AMDVI_ERR_ARG;
	rc = amdvi_ring_check_offset(m->ring_size, head);
	if (!rc)
		m->head = head;
	return rc;
}

int amdvi_cmd_model_set_tail(struct amdvi_cmd_model *m, uint32_t tail)
{
	int rc;

	if (!m)
		return AMDVI_ERR_ARG;
	rc = amdvi_ring_check_offset(m->ring_size, tail);
	if (!rc)
		m->tail = tail;
	return rc;
}

void amdvi_cmd_model_enable(struct amdvi_cmd_model *m, bool on)
{
	if (!m)
		return;
	m->cmdbuf_en = on;
	if (on)
		m->halted = false;
}

enum amdvi_cmd_model_state amdvi_cmd_model_state(const struct amdvi_cmd_model *m)
{
	if (!m->cmdbuf_en)
		return AMDVI_CMD_MODEL_DISABLED;
	if (m->halted)
		return AMDVI_CMD_MODEL_HALTED;
	return AMDVI_CMD_MODEL_IDLE;
}

static void log_event(struct amdvi_cmd_model *m, const uint32_t ev[4])
{
	uint32_t slot[4];

	if (!m->evt)
		return;
	memcpy(slot, m->evt + m->evt_tail, sizeof(slot));
	/* The model has no event head register: the reader zeroes what it
	 * consumed (as the kernel does), so a non-empty slot at the tail is
	 * an unread entry and the log is full. */
	if (!amdvi_event_is_empty(slot)) {
		m->evt_overflow = true;
		return;
	}
	memcpy(m->evt + m->evt_tail, ev, AMDVI_EVENT_SIZE);
	m->evt_tail = amdvi_ring_next(m->evt_size, m->evt_tail);
}

static void execute(struct amdvi_cmd_model *m, const uint32_t c[4])
{
	unsigned int opcode = amdvi_cmd_opcode(c);

	m->executed++;
	m->by_opcode[opcode]++;
	switch (opcode) {
	case AMDVI_CMD_COMPLETION_WAIT:
		if (c[0] & AMDVI_CMD_CW_S) {
			uint64_t pa = ((uint64_t)(c[1] & AMDVI_CMD_CW_ADDR_HI_MASK) << 32) |
				      (c[0] & AMDVI_CMD_CW_ADDR_LO_MASK);
			uint64_t v = ((uint64_t)c[3] << 32) | c[2];

			m->last_store_pa = pa;
			m->last_store_value = v;
			if (m->store && m->store(m->store_ctx, pa, v) != 0)
				m->store_errors++;
			else
				m->stores++;
		}
		break;
	case AMDVI_CMD_INVALIDATE_DEVTAB_ENTRY:
		SET_BIT(m->inv_dte, c[0] & AMDVI_CMD_DEVID_MASK);
		break;
	case AMDVI_CMD_INVALIDATE_INTERRUPT_TABLE:
		SET_BIT(m->inv_irt, c[0] & AMDVI_CMD_DEVID_MASK);
		break;
	case AMDVI_CMD_INVALIDATE_IOMMU_PAGES: {
		struct amdvi_cmd d;

		amdvi_cmd_decode(c, &d);
		if (amdvi_cmd_is_inv_domain_all(&d))
			SET_BIT(m->inv_domain, d.u.inv_pages.domid);
		break;
	}
	case AMDVI_CMD_INVALIDATE_IOMMU_ALL:
		m->inv_all = true;
		break;
	default:
		break;
	}
}

long amdvi_cmd_model_run(struct amdvi_cmd_model *m, uint32_t max)
{
	long n = 0;

	if (!m || !m->ring || amdvi_ring_check_size(m->ring_size) ||
	    amdvi_ring_check_offset(m->ring_size, m->head) ||
	    amdvi_ring_check_offset(m->ring_size, m->tail))
		return AMDVI_ERR_ARG;
	while (m->cmdbuf_en && !m->halted && m->head != m->tail && (!max || (uint32_t)n < max)) {
		uint32_t c[4];

		memcpy(c, m->ring + m->head, sizeof(c));
		if (amdvi_cmd_model_check(c, m->efr, NULL) != AMDVI_OK) {
			uint32_t ev[4];

			amdvi_event_build(ev, AMDVI_EVENT_ILLEGAL_COMMAND_ERROR, 0, 0, 0,
					  m->ring_pa + m->head);
			log_event(m, ev);
			m->illegal++;
			m->halted = true;	/* head stays on the offending entry */
			break;
		}
		execute(m, c);
		n++;
		m->head = amdvi_ring_next(m->ring_size, m->head);
	}
	return n;
}
