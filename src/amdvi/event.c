/*
 * AMD-Vi event-log entries: decode, build, describe.
 */
#include <stdio.h>
#include <string.h>

#include "amdvi/event.h"

static const char *const event_names[16] = {
	[AMDVI_EVENT_ILLEGAL_DEV_TABLE_ENTRY]	= "ILLEGAL_DEV_TABLE_ENTRY",
	[AMDVI_EVENT_IO_PAGE_FAULT]		= "IO_PAGE_FAULT",
	[AMDVI_EVENT_DEV_TAB_HARDWARE_ERROR]	= "DEV_TAB_HARDWARE_ERROR",
	[AMDVI_EVENT_PAGE_TAB_HARDWARE_ERROR]	= "PAGE_TAB_HARDWARE_ERROR",
	[AMDVI_EVENT_ILLEGAL_COMMAND_ERROR]	= "ILLEGAL_COMMAND_ERROR",
	[AMDVI_EVENT_COMMAND_HARDWARE_ERROR]	= "COMMAND_HARDWARE_ERROR",
	[AMDVI_EVENT_IOTLB_INV_TIMEOUT]		= "IOTLB_INV_TIMEOUT",
	[AMDVI_EVENT_INVALID_DEVICE_REQUEST]	= "INVALID_DEVICE_REQUEST",
	[AMDVI_EVENT_INVALID_PPR_REQUEST]	= "INVALID_PPR_REQUEST",
	[AMDVI_EVENT_RMP_PAGE_FAULT]		= "RMP_PAGE_FAULT",
	[AMDVI_EVENT_RMP_HW_ERROR]		= "RMP_HW_ERROR",
};

const char *amdvi_event_name(unsigned int code)
{
	if (code < 16 && event_names[code])
		return event_names[code];
	return "UNKNOWN";
}

bool amdvi_event_is_empty(const uint32_t data[4])
{
	return !data || (data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] == 0);
}

int amdvi_event_decode(const uint32_t data[4], struct amdvi_event *out)
{
	if (!data || !out)
		return AMDVI_ERR_ARG;

	memset(out, 0, sizeof(*out));
	memcpy(out->raw, data, sizeof(out->raw));
	out->code = amdvi_event_code(data);
	out->known = out->code < 16 && event_names[out->code] != NULL;
	out->devid = data[0] & AMDVI_EVENT_DEVID_MASK;
	out->flags = (data[1] >> AMDVI_EVENT_FLAGS_SHIFT) & AMDVI_EVENT_FLAGS_MASK;
	out->address = ((uint64_t)data[3] << 32) | data[2];
	out->domid_legacy = data[1] & AMDVI_EVENT_DOMID_LO_MASK;
	out->pasid_or_domid = (data[0] & AMDVI_EVENT_PASID_HI_MASK) |
			      (data[1] & AMDVI_EVENT_DOMID_LO_MASK);

	switch (out->code) {
	case AMDVI_EVENT_INVALID_PPR_REQUEST:
		out->tag = data[1] & AMDVI_EVENT_PPR_TAG_MASK;
		out->ppr_pasid = (((data[1] >> AMDVI_EVENT_PPR_PASID_HI_SHIFT) & 0xf) << 16) |
				 (data[0] >> AMDVI_EVENT_PPR_PASID_LO_SHIFT);
		break;
	case AMDVI_EVENT_RMP_PAGE_FAULT:
		out->vmg_tag = data[1] & AMDVI_EVENT_VMG_TAG_MASK;
		out->flags_rmp = (data[0] >> AMDVI_EVENT_RMP_FLAGS_SHIFT) & AMDVI_EVENT_RMP_FLAGS_MASK;
		out->gpa = out->address;
		break;
	case AMDVI_EVENT_RMP_HW_ERROR:
		out->vmg_tag = data[1] & AMDVI_EVENT_VMG_TAG_MASK;
		out->spa = ((uint64_t)data[3] << 32) | (data[2] & AMDVI_EVENT_RMP_SPA_LO_MASK);
		break;
	default:
		break;
	}
	return AMDVI_OK;
}

static void build_common(uint32_t data[4], unsigned int code, uint16_t devid,
			 uint16_t flags, uint64_t address)
{
	data[0] = devid;
	data[1] = ((uint32_t)(code & AMDVI_EVENT_CODE_MASK) << AMDVI_EVENT_CODE_SHIFT) |
		  ((uint32_t)(flags & AMDVI_EVENT_FLAGS_MASK) << AMDVI_EVENT_FLAGS_SHIFT);
	data[2] = (uint32_t)address;
	data[3] = (uint32_t)(address >> 32);
}

void amdvi_event_build(uint32_t data[4], unsigned int code, uint16_t devid,
		       uint32_t domid_or_pasid, uint16_t flags, uint64_t address)
{
	build_common(data, code, devid, flags, address);
	data[0] |= domid_or_pasid & AMDVI_EVENT_PASID_HI_MASK;
	data[1] |= domid_or_pasid & AMDVI_EVENT_DOMID_LO_MASK;
}

void amdvi_event_build_ppr(uint32_t data[4], uint16_t devid, uint32_t pasid,
			   uint16_t tag, uint16_t flags, uint64_t address)
{
	build_common(data, AMDVI_EVENT_INVALID_PPR_REQUEST, devid, flags, address);
	data[0] |= (pasid & 0xffff) << AMDVI_EVENT_PPR_PASID_LO_SHIFT;
	data[1] |= ((pasid >> 16) & 0xf) << AMDVI_EVENT_PPR_PASID_HI_SHIFT;
	data[1] |= tag & AMDVI_EVENT_PPR_TAG_MASK;
}

void amdvi_event_build_rmp_fault(uint32_t data[4], uint16_t devid,
				 uint16_t vmg_tag, uint8_t flags_rmp,
				 uint16_t flags, uint64_t gpa)
{
	build_common(data, AMDVI_EVENT_RMP_PAGE_FAULT, devid, flags, gpa);
	data[0] |= (uint32_t)flags_rmp << AMDVI_EVENT_RMP_FLAGS_SHIFT;
	data[1] |= vmg_tag;
}

void amdvi_event_build_rmp_hw_error(uint32_t data[4], uint16_t devid,
				    uint16_t vmg_tag, uint16_t flags,
				    uint64_t spa)
{
	build_common(data, AMDVI_EVENT_RMP_HW_ERROR, devid, flags, spa);
	data[1] |= vmg_tag;
}

static const struct {
	uint16_t bit;
	const char *name;
} flag_names[] = {
	{ AMDVI_EVENT_FLAG_GN, "GN" }, { AMDVI_EVENT_FLAG_NX, "NX" },
	{ AMDVI_EVENT_FLAG_US, "US" }, { AMDVI_EVENT_FLAG_I, "I" },
	{ AMDVI_EVENT_FLAG_PR, "PR" }, { AMDVI_EVENT_FLAG_RW, "RW" },
	{ AMDVI_EVENT_FLAG_PE, "PE" }, { AMDVI_EVENT_FLAG_RZ, "RZ" },
	{ AMDVI_EVENT_FLAG_TR, "TR" },
};

static void put_flags(struct amdvi_strbuf *sb, uint16_t flags)
{
	const char *sep = "";
	size_t i;

	flags &= AMDVI_EVENT_FLAGS_MASK;
	if (!flags) {
		amdvi_strbuf_printf(sb, "-");
		return;
	}
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (flags & flag_names[i].bit) {
			amdvi_strbuf_printf(sb, "%s%s", sep, flag_names[i].name);
			sep = "|";
			flags &= ~flag_names[i].bit;
		}
	}
	if (flags)	/* bits 11:9 have no name */
		amdvi_strbuf_printf(sb, "%s0x%x", sep, flags);
}

int amdvi_event_flags_str(uint16_t flags, char *buf, size_t len)
{
	struct amdvi_strbuf sb = { buf, len, 0 };

	if (buf && len)
		buf[0] = '\0';
	put_flags(&sb, flags);
	return sb.total;
}

static void put_devid(struct amdvi_strbuf *sb, uint16_t devid)
{
	amdvi_strbuf_printf(sb, " devid=%02x:%02x.%x", AMDVI_DEVID_BUS(devid),
			    AMDVI_DEVID_SLOT(devid), AMDVI_DEVID_FUNC(devid));
}

int amdvi_event_format(const struct amdvi_event *ev, char *buf, size_t len)
{
	struct amdvi_strbuf sb = { buf, len, 0 };
	unsigned long long addr;

	if (buf && len)
		buf[0] = '\0';
	if (!ev)
		return AMDVI_ERR_ARG;
	addr = (unsigned long long)ev->address;

	if (ev->code == 0 && amdvi_event_is_empty(ev->raw)) {
		amdvi_strbuf_printf(&sb, "EMPTY");
		return sb.total;
	}
	amdvi_strbuf_printf(&sb, "%s", amdvi_event_name(ev->code));
	switch (ev->code) {
	case AMDVI_EVENT_IO_PAGE_FAULT:
		put_devid(&sb, ev->devid);
		amdvi_strbuf_printf(&sb, " %s=0x%x address=0x%llx flags=0x%x (",
				    (ev->flags & AMDVI_EVENT_FLAG_GN) ? "pasid" : "domain",
				    ev->pasid_or_domid, addr, ev->flags);
		put_flags(&sb, ev->flags);
		amdvi_strbuf_printf(&sb, ")");
		break;
	case AMDVI_EVENT_ILLEGAL_DEV_TABLE_ENTRY:
	case AMDVI_EVENT_PAGE_TAB_HARDWARE_ERROR:
	case AMDVI_EVENT_INVALID_DEVICE_REQUEST:
		put_devid(&sb, ev->devid);
		amdvi_strbuf_printf(&sb, " pasid=0x%x address=0x%llx flags=0x%x",
				    ev->pasid_or_domid, addr, ev->flags);
		break;
	case AMDVI_EVENT_DEV_TAB_HARDWARE_ERROR:
		put_devid(&sb, ev->devid);
		amdvi_strbuf_printf(&sb, " address=0x%llx flags=0x%x", addr, ev->flags);
		break;
	case AMDVI_EVENT_ILLEGAL_COMMAND_ERROR:
		amdvi_strbuf_printf(&sb, " address=0x%llx", addr);
		break;
	case AMDVI_EVENT_COMMAND_HARDWARE_ERROR:
		amdvi_strbuf_printf(&sb, " address=0x%llx flags=0x%x", addr, ev->flags);
		break;
	case AMDVI_EVENT_IOTLB_INV_TIMEOUT:
		put_devid(&sb, ev->devid);
		amdvi_strbuf_printf(&sb, " address=0x%llx", addr);
		break;
	case AMDVI_EVENT_INVALID_PPR_REQUEST:
		put_devid(&sb, ev->devid);
		amdvi_strbuf_printf(&sb, " pasid=0x%x address=0x%llx flags=0x%x tag=0x%x",
				    ev->ppr_pasid, addr, ev->flags, ev->tag);
		break;
	case AMDVI_EVENT_RMP_PAGE_FAULT:
		put_devid(&sb, ev->devid);
		amdvi_strbuf_printf(&sb, " vmg_tag=0x%x gpa=0x%llx flags_rmp=0x%x flags=0x%x",
				    ev->vmg_tag, (unsigned long long)ev->gpa,
				    ev->flags_rmp, ev->flags);
		break;
	case AMDVI_EVENT_RMP_HW_ERROR:
		put_devid(&sb, ev->devid);
		amdvi_strbuf_printf(&sb, " vmg_tag=0x%x spa=0x%llx flags=0x%x",
				    ev->vmg_tag, (unsigned long long)ev->spa, ev->flags);
		break;
	default:
		amdvi_strbuf_printf(&sb, " code=0x%x raw=%08x %08x %08x %08x", ev->code,
				    ev->raw[0], ev->raw[1], ev->raw[2], ev->raw[3]);
		break;
	}
	return sb.total;
}
