/* Error strings, source-id text, AGAW arithmetic and the string builder
 * of the VT-d format library. */
#include <stdarg.h>
#include <stdio.h>

#include "vtd/common.h"

const char *vtd_strerror(int status)
{
	switch (status) {
	case VTD_OK:         return "success";
	case VTD_ERR_ARG:    return "invalid argument";
	case VTD_ERR_SIZE:   return "unusable ring or table size";
	case VTD_ERR_ALIGN:  return "misaligned offset or address";
	case VTD_ERR_RANGE:  return "value out of range";
	case VTD_ERR_FORMAT: return "entry has an unexpected format";
	default:             return "unknown error";
	}
}

char *vtd_sid_str(uint16_t sid, char *buf, size_t len)
{
	if (buf && len)
		snprintf(buf, len, "%02x:%02x.%u", VTD_SID_BUS(sid), VTD_SID_DEV(sid),
			 VTD_SID_FN(sid));
	return buf;
}

unsigned int vtd_agaw_width(unsigned int aw)
{
	unsigned int w = 30 + 9 * aw;

	return w > 64 ? 64 : w;
}

int vtd_agaw_decode(unsigned int aw, struct vtd_agaw *out)
{
	if (!out)
		return VTD_ERR_ARG;
	out->aw = aw;
	out->levels = vtd_agaw_levels(aw);
	out->width = vtd_agaw_width(aw);
	out->valid = aw >= VTD_AGAW_MIN && aw <= VTD_AGAW_MAX;
	return out->valid ? VTD_OK : VTD_ERR_FORMAT;
}

void vtd_strbuf_printf(struct vtd_strbuf *sb, const char *fmt, ...)
{
	size_t used = sb->total > 0 ? (size_t)sb->total : 0;
	char *dst = NULL;
	size_t room = 0;
	va_list ap;
	int n;

	if (sb->buf && used < sb->len) {
		dst = sb->buf + used;
		room = sb->len - used;
	}
	va_start(ap, fmt);
	n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->total += n;
}
