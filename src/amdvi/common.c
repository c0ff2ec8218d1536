/* Error strings for the AMD-Vi format library. */
#include <stdarg.h>
#include <stdio.h>

#include "amdvi/common.h"

const char *amdvi_strerror(int status)
{
	switch (status) {
	case AMDVI_OK:         return "success";
	case AMDVI_ERR_ARG:    return "invalid argument";
	case AMDVI_ERR_SIZE:   return "unusable ring or table size";
	case AMDVI_ERR_ALIGN:  return "misaligned offset or address";
	case AMDVI_ERR_RANGE:  return "value out of range";
	case AMDVI_ERR_FORMAT: return "entry has an unexpected format";
	default:               return "unknown error";
	}
}

void amdvi_strbuf_printf(struct amdvi_strbuf *sb, const char *fmt, ...)
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
