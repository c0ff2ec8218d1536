/*
 * Fuzz target: event-log entries (src/amdvi/event.c).  Input: one 16-byte
 * entry, a buffer length, then the fields of one built entry.  Any entry
 * must decode and format; a built entry must decode to its fields.
 */
#include "fuzz.h"
#include "amdvi/event.h"

static int format(const void *ev, char *buf, size_t len)
{
	return amdvi_event_format(ev, buf, len);
}

static int flags_text(const void *flags, char *buf, size_t len)
{
	return amdvi_event_flags_str(*(const uint16_t *)flags, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = fz_in(data, size);
	uint32_t w[4];
	struct amdvi_event ev;

	for (int i = 0; i < 4; i++)
		w[i] = fz_u32(&in);
	size_t cut = fz_u8(&in);

	FZ_CHECK(amdvi_event_decode(w, &ev) == AMDVI_OK);
	FZ_CHECK(ev.code == amdvi_event_code(w) && amdvi_event_name(ev.code) != NULL);
	FZ_CHECK(amdvi_event_is_empty(w) == !(w[0] | w[1] | w[2] | w[3]));
	fz_check_format(format, &ev, cut);
	fz_check_format(flags_text, &ev.flags, cut);

	/* a built entry */
	uint8_t which = fz_u8(&in);
	unsigned int code = fz_u8(&in) & 0xf;
	uint16_t devid = fz_u16(&in), flags = fz_u16(&in), tag = fz_u16(&in);
	uint32_t id = fz_u32(&in);
	uint64_t addr = fz_u64(&in);

	switch (which % 4) {
	case 0:
		amdvi_event_build(w, code, devid, id, flags, addr);
		FZ_CHECK(amdvi_event_decode(w, &ev) == AMDVI_OK);
		FZ_CHECK(ev.code == code && ev.devid == devid && ev.address == addr);
		FZ_CHECK(ev.flags == (flags & AMDVI_EVENT_FLAGS_MASK));
		FZ_CHECK(ev.pasid_or_domid == (id & 0xfffff));
		break;
	case 1:
		amdvi_event_build_ppr(w, devid, id, tag, flags, addr);
		FZ_CHECK(amdvi_event_decode(w, &ev) == AMDVI_OK);
		FZ_CHECK(ev.code == AMDVI_EVENT_INVALID_PPR_REQUEST && ev.devid == devid);
		FZ_CHECK(ev.ppr_pasid == (id & 0xfffff) && ev.tag == (tag & AMDVI_EVENT_PPR_TAG_MASK));
		FZ_CHECK(ev.address == addr);
		break;
	case 2:
		amdvi_event_build_rmp_fault(w, devid, tag, (uint8_t)id, flags, addr);
		FZ_CHECK(amdvi_event_decode(w, &ev) == AMDVI_OK);
		FZ_CHECK(ev.code == AMDVI_EVENT_RMP_PAGE_FAULT && ev.devid == devid);
		FZ_CHECK(ev.vmg_tag == tag && ev.flags_rmp == (uint8_t)id && ev.gpa == addr);
		break;
	default:
		amdvi_event_build_rmp_hw_error(w, devid, tag, flags, addr);
		FZ_CHECK(amdvi_event_decode(w, &ev) == AMDVI_OK);
		FZ_CHECK(ev.code == AMDVI_EVENT_RMP_HW_ERROR && ev.devid == devid);
		FZ_CHECK(ev.vmg_tag == tag && ev.spa == (addr & ~7ULL));
		break;
	}
	fz_check_format(format, &ev, cut);
	return 0;
}
