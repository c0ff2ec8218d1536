/*
 * klog internals, exposed for the unit tests and for callers that want one
 * line's meaning without the streaming joiner:
 *
 *   klog_clean_line()   removes '\r', NUL and other control bytes, ANSI escapes
 *   klog_prefix_parse() strips timestamps, log levels, caller ids and
 *                       journal/syslog headers (src/klog/prefix.c)
 *   klog_amdvi_parse()  recognises one AMD-Vi message (src/klog/amdvi_line.c)
 *   klog_dmar_parse()   recognises one Intel VT-d message (src/klog/dmar_line.c)
 *   klog_line_parse()   either: the one the streaming parser uses
 */
#ifndef IOMMU_INFLIGHT_KLOG_LINE_H
#define IOMMU_INFLIGHT_KLOG_LINE_H

#include "klog/klog.h"

/* ------------------------------------------------------------- prefix.c */

struct klog_prefix {
	size_t msg_off;		/* where the message starts in the line */
	struct klog_time time;
	int level;		/* -1 when absent */
	char caller[12];	/* "" when absent */
	bool journal;		/* a journal/syslog "host ident:" header was removed */
};

/* Returns true when a line needs klog_clean_line() (control bytes, ESC, DEL). */
bool klog_line_needs_cleaning(const char *s, size_t len);
/* Copies s into out (at most cap-1 bytes, NUL-terminated) without control
 * bytes and ANSI escape sequences; tabs become spaces.  Returns the length. */
size_t klog_clean_line(const char *s, size_t len, char *out, size_t cap);

/* Parses the prefixes at the start of s.  Never fails: with no prefix,
 * msg_off is 0 and no time is set. */
void klog_prefix_parse(const char *s, size_t len, struct klog_prefix *out);
/* For lines with garbage in front: looks for a prefix starting at any '['
 * or '<' in s[1..limit).  Returns true and fills out when one carries a time. */
bool klog_prefix_resync(const char *s, size_t len, size_t limit, struct klog_prefix *out);
/* Parses a wall-clock string (any of the forms above) into seconds. */
bool klog_wall_seconds(const char *s, size_t len, double *out);

/* ---------------------------------------------------------- amdvi_line.c */

enum klog_line_kind {
	KLOG_LINE_NONE = 0,	/* not an AMD IOMMU line */
	KLOG_LINE_RECORD,	/* a complete record */
	KLOG_LINE_HEAD,		/* "Event logged [" and nothing else */
	KLOG_LINE_TAIL,		/* "TYPE fields]" without "Event logged [" */
	KLOG_LINE_DNA_HEAD,	/* "Event logged [Device not attached to domain properly]" */
	KLOG_LINE_DNA_TAIL,	/* "  device=SSSS:BB:DD.F domain=0x...." */
	KLOG_LINE_DUMP,		/* "DTE[n]: ..." / "CMD[n]: ..." */
	KLOG_LINE_CMD_ENTRY,	/* 7.x "%3d: %08x %08x %08x %08x" of a command-buffer dump */
	KLOG_LINE_BAD,		/* looks like ours, does not parse */
	KLOG_LINE_OTHER,	/* AMD-Vi tagged (or ivhdN) but no record: rec.type is
				 * KLOG_NONE for a known line of no interest (init,
				 * info), KLOG_UNRECOGNISED (with the prefix's fields)
				 * for a line of no message we know; the same for
				 * DMAR-tagged lines (rec.vendor intel) */
	KLOG_LINE_DMAR_HEAD,	/* <= 4.6 split DMAR fault, first line: "DMAR:[DMA Read]
				 * Request device [..] fault addr %llx" (or "INTR-REMAP:
				 * Request device [[..] fault index %llx"); rec holds its
				 * fields, the reason comes on the next line */
	KLOG_LINE_DMAR_TAIL,	/* its second line: "DMAR:[fault reason %02d] %s" or
				 * "INTR-REMAP:[fault reason %02d] %s" (rec.type tells
				 * which, the reason fields are set) */
};

struct klog_line {
	enum klog_line_kind kind;
	const char *reason;	/* for KLOG_LINE_BAD */
	size_t match_off;	/* where the recognised text starts in the message */
	struct klog_record rec;	/* fields found on this line (type set for RECORD/TAIL) */
	/* KLOG_LINE_DUMP */
	enum klog_dump_kind dump_kind;
	int dump_index;
	int dump_digits;
	uint64_t dump_value;
	/* KLOG_LINE_CMD_ENTRY (dump_index is the slot) */
	uint32_t cmd_entry[4];
	/* KLOG_LINE_NONE, but rec holds a ratelimit summary of another
	 * function or of a device: the AMD IOMMU driver's only if an AMD-Vi
	 * line follows at once (the assembler decides) */
	bool ratelimit_maybe;
	/* Another message starts at this offset of the text (0: none): the
	 * kernel printed this one without a '\n' (VT-d's QI error lines), so
	 * the next one was appended on the same line.  The caller parses the
	 * rest as a line of its own. */
	size_t rest_off;
};

/* Cheap pre-filter: false means the line cannot be an AMD IOMMU line. */
bool klog_amdvi_candidate(const char *s, size_t len);
/* Recognises the message s (after klog_prefix_parse).  Fills everything in
 * out->rec except file, line and time. */
void klog_amdvi_parse(const char *s, size_t len, struct klog_line *out);

/* ----------------------------------------------------------- dmar_line.c */

/* Cheap pre-filter: false means the line cannot be an Intel VT-d line. */
bool klog_dmar_candidate(const char *s, size_t len);
/* Recognises the Intel VT-d message s (after klog_prefix_parse): faults of
 * every era, FSTS, QI errors, kdump markers, init lines (docs/log-formats.md
 * section 7).  Fills out->rec (vendor intel) except file, line and time. */
void klog_dmar_parse(const char *s, size_t len, struct klog_line *out);

/* Either vendor's candidate test, and either's recogniser: AMD-Vi first,
 * VT-d when the AMD one does not take the line. */
bool klog_line_candidate(const char *s, size_t len);
void klog_line_parse(const char *s, size_t len, struct klog_line *out);

#endif
