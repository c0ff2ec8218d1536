/*
 * klog: a streaming parser for the IOMMU lines of Linux kernel logs: the AMD
 * IOMMU driver's (AMD-Vi, vendor "amd") and Intel VT-d's (DMAR, DMAR-IR,
 * vendor "intel").
 *
 * Input is any text a support engineer receives: plain dmesg, `dmesg -T`,
 * `dmesg -d`, journalctl (short, short-precise, short-iso, short-iso-precise,
 * short-monotonic, short-full), syslog files, serial console captures,
 * RHEL's vmcore-dmesg.txt / kexec-dmesg.log and Debian's dmesg.<stamp>.
 * See docs/log-formats.md for the message formats by kernel era and
 * docs/json-log.md for the JSON schema that `iommu-inflight log --json` writes.
 *
 * Usage:
 *
 *	struct klog_parser *p = klog_parser_new(&ops, ctx);
 *	klog_parser_set_file(p, "vmcore-dmesg.txt");
 *	while (getline(...))
 *		klog_parser_feed_line(p, line, len);   // without the '\n'
 *	klog_parser_flush(p);                       // end of file
 *	klog_parser_free(p);
 *
 * Records come out through ops.record in line order (a split event is
 * emitted when its second half arrives, or when the pairing window closes).
 * The record pointer is only valid during the callback.  Lines that look
 * like AMD-Vi event lines or DMAR fault lines but do not parse, and halves
 * of split events that never find their partner, go to ops.unparsed;
 * AMD-Vi- or DMAR-tagged lines of no message the parser knows to
 * klog_parser_on_unrecognised()'s callback.
 *
 * The parser does not allocate per line: every line is scanned in place or
 * copied into one fixed buffer owned by the parser.
 */
#ifndef IOMMU_INFLIGHT_KLOG_H
#define IOMMU_INFLIGHT_KLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Record types.  The names returned by klog_type_name() are the JSON `type`
 * values; the first twelve are the event names iommu_print_event() prints.
 */
enum klog_type {
	KLOG_NONE = 0,
	/* AMD IOMMU event log entries (event[1] >> 28) */
	KLOG_ILLEGAL_DEV_TABLE_ENTRY,
	KLOG_IO_PAGE_FAULT,
	KLOG_DEV_TAB_HARDWARE_ERROR,
	KLOG_PAGE_TAB_HARDWARE_ERROR,
	KLOG_ILLEGAL_COMMAND_ERROR,
	KLOG_COMMAND_HARDWARE_ERROR,
	KLOG_IOTLB_INV_TIMEOUT,
	KLOG_INVALID_DEVICE_REQUEST,
	KLOG_INVALID_PPR_REQUEST,
	KLOG_RMP_PAGE_FAULT,
	KLOG_RMP_HW_ERROR,
	KLOG_UNKNOWN,
	/* other driver messages */
	KLOG_COMPLETION_WAIT_TIMEOUT,
	KLOG_COMMAND_BUFFER_TIMEOUT,
	KLOG_EVENT_LOG_OVERFLOW,
	KLOG_DEVICE_NOT_ATTACHED,
	KLOG_RATELIMIT_SUPPRESSED,
	/* kdump markers (init.c) */
	KLOG_KDUMP_TRANSLATION_PRE_ENABLED,
	KLOG_KDUMP_DEV_TABLE_COPIED,
	KLOG_KDUMP_DEV_TABLE_COPY_FAILED,
	KLOG_TRANSLATION_ENABLED_NOT_KDUMP,
	/* extensions (not in the list; names are stable too) */
	KLOG_KDUMP_BUFFER_REUSED,	/* "Re-using command buffer from the previous kernel" (6.18+) */
	KLOG_KDUMP_DEV_TABLE_COPY_ERROR,/* the reason lines before "Failed to copy DEV table" */
	KLOG_NO_EVENT_WRITTEN,		/* "No event written to event log" (erratum loop) */
	KLOG_COMMAND_BUFFER_RESET,	/* 2.6.33-2.6.38 "Resetting IOMMU command buffer" */
	KLOG_OTHER_LOG_OVERFLOW,	/* GA / PPR log overflow or restart */
	/* 7.x iommu.c */
	KLOG_CONTROL_REGISTER,		/* "Control Reg : 0x%llx" after ILLEGAL_DEV_TABLE_ENTRY */
	KLOG_COMMAND_BUFFER_DUMP,	/* "CMD Buffer head=%llu tail=%llu" + 512 entry lines */
	/* not a message we know: a line with the AMD-Vi tag or an ivhdN prefix
	 * (or, vendor intel, the DMAR: / DMAR-IR: tag) that matches none of the
	 * known messages nor a known informational line; handed out through
	 * ops.unrecognised only */
	KLOG_UNRECOGNISED,
	/* Intel VT-d (vendor intel; docs/log-formats.md section 7).  Appended:
	 * the values above keep their numbers. */
	KLOG_DMAR_FAULT,		/* DMA-remapping fault (dmar_fault_do_one) */
	KLOG_DMAR_IR_FAULT,		/* interrupt-remapping fault ([INTR-REMAP]) */
	KLOG_DMAR_FAULT_STATUS,		/* "DRHD: handling fault status reg %x" (FSTS) */
	KLOG_DMAR_QI_QUEUE_ERROR,	/* IQE: "VT-d detected Invalidation Queue Error: Reason %llx",
					 * older "VT-d detected invalid descriptor: ..." */
	KLOG_DMAR_QI_TIMEOUT,		/* ITE: "... Invalidation Time-out Error: SID %llx" */
	KLOG_DMAR_QI_COMPLETION_ERROR,	/* ICE: "... Invalidation Completion Error: SID %llx" */
	KLOG_DMAR_QI_DESCRIPTOR,	/* "QI HEAD: / QI PRIOR: %s qw0 = 0x%llx, qw1 = 0x%llx" */
	KLOG_DMAR_QI_ERROR_CLEARED,	/* "Invalidation ... Error (IQE|ITE|ICE) cleared" */
	KLOG_DMAR_KDUMP_PRE_ENABLED,	/* "Translation already enabled - trying to copy translation structures" */
	KLOG_DMAR_KDUMP_TABLES_COPIED,	/* "Copied translation tables from previous kernel for %s" */
	KLOG_DMAR_KDUMP_TABLES_COPY_FAILED,/* "Failed to copy translation tables from previous kernel for %s" */
	KLOG_DMAR_CONTEXT_COPY_FAILED,	/* "%s: Failed to copy context table for bus %d" */
	KLOG_DMAR_ENABLED_NOT_KDUMP,	/* "Translation was enabled for %s but we are not in kdump mode" */
	KLOG_DMAR_KDUMP_IR_TABLE_COPIED,/* DMAR-IR "Copied IR table for %s from previous kernel" */
	KLOG_DMAR_KDUMP_IR_COPY_FAILED,	/* DMAR-IR "Failed to copy IR table for %s from previous kernel" */
	KLOG_DMAR_IR_ENABLED_NOT_KDUMP,	/* DMAR-IR "IRQ remapping was enabled on %s but we are not in kdump mode" */
	KLOG_DMAR_INVALIDATION_MODE,	/* "%s: Using Queued invalidation" / "... Register based invalidation" */
	KLOG_DMAR_UNIT,			/* "%s: reg_base_addr %llx ver %d:%d cap %llx ecap %llx" */
	KLOG_DMAR_IOMMU_ENABLED,	/* "IOMMU enabled" (intel_iommu=on) */
	KLOG_DMAR_VTD_INIT,		/* "Intel(R) Virtualization Technology for Directed I/O" */
	KLOG_DMAR_IR_ENABLED,		/* DMAR-IR "Enabled IRQ remapping in %s mode" */
	KLOG_DMAR_BATCHING_DISALLOWED,	/* "IOMMU batching disallowed due to virtualization" (strict) */
	KLOG_DMAR_PTE_DUMP,		/* CONFIG_DMAR_DEBUG "Dump %s table entries for IOVA 0x%llx" */
	KLOG_NTYPES
};

/* Who printed a record: the AMD IOMMU driver or Intel VT-d's.  Every record
 * the parser emits has one (KLOG_VENDOR_NONE only in a zeroed record). */
enum klog_vendor { KLOG_VENDOR_NONE = 0, KLOG_VENDOR_AMD, KLOG_VENDOR_INTEL };

/* The printk format a DMAR fault line was written in (docs/log-formats.md
 * section 7; a hint at the kernel era, never a version check). */
enum klog_dmar_form {
	KLOG_DMAR_FORM_NONE = 0,
	KLOG_DMAR_FORM_SPLIT,		/* <= 4.6: "DMAR:[DMA Read] ... fault addr %llx \n"
					 * "DMAR:[fault reason %02d] %s" (two lines, decimal) */
	KLOG_DMAR_FORM_DECIMAL,		/* 4.7 .. ~4.20: one line, "[fault reason %02d]" */
	KLOG_DMAR_FORM_PASID_DECIMAL,	/* ~5.0 .. 5.13: "PASID %x fault addr %llx [fault reason %02d]" */
	KLOG_DMAR_FORM_HEX,		/* 5.14+: "[DMA Read NO_PASID]", "[fault reason 0x%02x]" */
	KLOG_DMAR_FORM_HEX_SEGMENT,	/* 7.x: the same with "[%04x:%02x:%02x.%d]" */
};

/* DMA request type of a DMAR fault (FRCD.T as printed) */
enum klog_access { KLOG_ACCESS_NONE = 0, KLOG_ACCESS_READ, KLOG_ACCESS_WRITE };

/* Presence bits for struct klog_record.has */
enum {
	KLOG_HAS_SEGMENT	= 1u << 0,
	KLOG_HAS_BDF		= 1u << 1,
	KLOG_HAS_DOMAIN		= 1u << 2,
	KLOG_HAS_PASID		= 1u << 3,
	KLOG_HAS_ADDRESS	= 1u << 4,
	KLOG_HAS_FLAGS		= 1u << 5,
	KLOG_HAS_DRIVER		= 1u << 6,
	KLOG_HAS_IOMMU		= 1u << 7,
	KLOG_HAS_SUPPRESSED	= 1u << 8,
	KLOG_HAS_TAG		= 1u << 9,
	KLOG_HAS_VMG_TAG	= 1u << 10,
	KLOG_HAS_FLAGS_RMP	= 1u << 11,
	KLOG_HAS_RAW		= 1u << 12,	/* UNKNOWN event[0..3] */
	KLOG_HAS_EVENT_CODE	= 1u << 13,	/* UNKNOWN type=0x.. */
	KLOG_HAS_IOMMU_INDEX	= 1u << 14,	/* "IOMMU:%d" */
	KLOG_HAS_FUNCTION	= 1u << 15,	/* ratelimit line's function name */
	KLOG_HAS_DETAIL		= 1u << 16,	/* free text: buffer name, error reason */
	KLOG_HAS_LEVEL		= 1u << 17,	/* "<3>" log level prefix */
	KLOG_HAS_CALLER		= 1u << 18,	/* "[    T1]" printk caller id */
	KLOG_HAS_VALUE		= 1u << 19,	/* CONTROL_REGISTER value */
	KLOG_HAS_HEAD_TAIL	= 1u << 20,	/* COMMAND_BUFFER_DUMP head= tail= */
	KLOG_HAS_EVENT_LINE	= 1u << 21,	/* event_line: the message this one belongs to */
	/* Intel VT-d */
	KLOG_HAS_ACCESS		= 1u << 22,	/* access: DMA Read / DMA Write */
	KLOG_HAS_REASON		= 1u << 23,	/* reason, reason_printed, reason_text */
	KLOG_HAS_FAULT_INDEX	= 1u << 24,	/* fault_index: [INTR-REMAP] IRTE index */
	KLOG_HAS_SID		= 1u << 25,	/* sid: QI ITE/ICE source id */
	KLOG_HAS_CAP		= 1u << 26,	/* cap, ecap, ver_major, ver_minor */
	KLOG_HAS_QW		= 1u << 27,	/* qw[0], qw[1]: a QI descriptor */
	KLOG_HAS_REASON_LINE	= 1u << 28,	/* reason_line: a split fault's second line */
	KLOG_HAS_QI_DESC	= 1u << 29,	/* qi_desc: the descriptor type as printed */
};

/* Notes (struct klog_record.notes) */
enum {
	KLOG_NOTE_REUSE		= 1u << 0,	/* "reuse" variant of a kdump marker (6.18+) */
	KLOG_NOTE_SPLIT		= 1u << 1,	/* joined from two lines; head_line is set */
	KLOG_NOTE_HEAD_MISSING	= 1u << 2,	/* second half seen, first half never */
	KLOG_NOTE_TAIL_MISSING	= 1u << 3,	/* "Device not attached" with no device line */
	KLOG_NOTE_PANIC		= 1u << 4,	/* the kernel panicked on this message */
	KLOG_NOTE_SEG_PREFIX	= 1u << 5,	/* segment taken from the driver prefix */
	/* Intel VT-d */
	KLOG_NOTE_NO_PASID	= 1u << 6,	/* the line says the request had no PASID
						 * (NO_PASID, or PASID ffffffff) */
	KLOG_NOTE_REASON_MISMATCH = 1u << 7,	/* the reason text is not the kernel's text
						 * for the code (dmar.c's tables) */
	KLOG_NOTE_REASON_HEX_DIGITS = 1u << 8,	/* a decimal-form reason whose digits are hex:
						 * the text matches only that way */
	KLOG_NOTE_REASON_MISSING = 1u << 9,	/* a split fault's "[fault reason]" line never came */
	KLOG_NOTE_APPENDED	= 1u << 10,	/* printed on the line of the message before it
						 * (that one had no '\n') */
};

enum klog_dump_kind { KLOG_DUMP_NONE = 0, KLOG_DUMP_DTE, KLOG_DUMP_CMD };

#define KLOG_MAX_DUMP 8
/* Entries of the command buffer (CMD_BUFFER_ENTRIES) that 7.x's
 * dump_command_buffer() prints. */
#define KLOG_CMD_BUFFER_ENTRIES 512

struct klog_time {
	bool has_mono;		/* seconds since boot: "[    1.234567]" */
	bool has_wall;		/* wall clock: dmesg -T, journal, syslog */
	bool has_delta;		/* dmesg -d "<    0.000123>" or "[  +0.000123]" */
	bool wall_sec_ok;	/* wall_sec could be computed */
	double mono;
	double delta;
	double wall_sec;	/* wall clock as seconds (UTC-agnostic; year 1970 when absent) */
	char mono_text[24];	/* canonical digits, e.g. "1.234567" */
	char delta_text[24];	/* original text without brackets, e.g. "<    0.000123>" */
	char wall[48];		/* original text, e.g. "Tue Nov 24 02:50:01 2026" */
};

struct klog_record {
	enum klog_type type;
	uint32_t has;		/* KLOG_HAS_* */
	uint32_t notes;		/* KLOG_NOTE_* */
	const char *file;	/* as given to klog_parser_set_file(); not owned */
	uint64_t line;		/* 1-based; for a split event, the line with the fields */
	uint64_t head_line;	/* the other half of a split event, else 0 */
	struct klog_time time;

	uint16_t segment;
	uint8_t bus, dev, fn;
	uint32_t domain;
	uint32_t pasid;
	uint64_t address;	/* IOVA, SPA or GPA depending on the type */
	uint32_t flags;
	char driver[32];	/* "nvme", "pci", "xhci_hcd" from "<drv> SSSS:BB:DD.F: " */
	char iommu[24];		/* "ivhd0", or the IOMMU's PCI name "0000:00:02.0" */
	uint64_t suppressed;
	char function[48];

	uint32_t tag;		/* INVALID_PPR_REQUEST tag= */
	uint32_t vmg_tag;	/* RMP_* vmg_tag= */
	uint32_t flags_rmp;	/* RMP_PAGE_FAULT flags_rmp= */
	uint32_t raw[4];	/* UNKNOWN event[0..3] */
	uint8_t nraw;
	uint8_t event_code;	/* UNKNOWN type=0x.. */
	int iommu_index;
	char detail[64];
	int level;		/* log level from "<N>", valid with KLOG_HAS_LEVEL */
	char caller[12];	/* "T1", "C0" */
	char era;		/* 'A'..'E' hint (docs/log-formats.md), 0 when unsure */

	enum klog_dump_kind dump_kind;	/* DTE[n] / CMD[n] lines attached */
	uint8_t ndump;
	uint8_t dump_digits;	/* 8 or 16 */
	uint64_t dump[KLOG_MAX_DUMP];

	/* 7.x: CONTROL_REGISTER and COMMAND_BUFFER_DUMP */
	uint64_t value;		/* the IOMMU Control Register (MMIO 0x18) */
	uint64_t event_line;	/* with KLOG_HAS_EVENT_LINE: the line of the event this
				 * record follows (ILLEGAL_DEV_TABLE_ENTRY,
				 * COMPLETION_WAIT_TIMEOUT) */
	uint32_t cmd_head, cmd_tail;	/* entry indexes (MMIO head/tail >> 4) */
	uint16_t ncmd_buffer;		/* entry lines gathered */
	/* The gathered entries: cmd_buffer[i] holds the four dwords of slot i
	 * when cmd_buffer_seen[i] (a slot whose line was lost stays unseen).
	 * Owned by the parser: valid during the record callback only. */
	const uint32_t (*cmd_buffer)[4];
	const uint8_t *cmd_buffer_seen;

	/* KLOG_UNRECOGNISED: the message after the line's prefix (with its
	 * "<driver> <device>: " and tag), at most KLOG_TEXT_MAX - 1 bytes, not
	 * NUL-terminated.  Owned by the parser: valid during the callback only. */
	const char *text;
	size_t text_len;

	/* Who printed it (every record the parser emits has a vendor). */
	enum klog_vendor vendor;

	/* Intel VT-d.  A DMAR fault: bus/dev/fn above (KLOG_HAS_BDF; segment
	 * only from 7.x lines), address = the faulting page (KLOG_HAS_ADDRESS),
	 * pasid (KLOG_HAS_PASID; KLOG_NOTE_NO_PASID when the line says none),
	 * access, reason; iommu = "dmarN" on the lines that name a unit. */
	enum klog_access access;
	enum klog_dmar_form form;
	uint8_t reason;			/* fault reason code (FRCD.FR), decoded from
					 * reason_printed in the form's radix */
	char reason_printed[8];		/* the digits as printed: "05", "33", "0x21" */
	char reason_text[96];		/* the text after it, as printed */
	uint16_t fault_index;		/* DMAR_IR_FAULT: the IRTE index (FRCD bits 63:48) */
	uint16_t sid;			/* QI ITE/ICE: source id (bus << 8 | devfn) */
	uint64_t reason_line;		/* split fault: the "[fault reason]" line */
	uint64_t cap, ecap;		/* DMAR_UNIT: CAP_REG and ECAP_REG */
	uint8_t ver_major, ver_minor;	/* DMAR_UNIT: "ver %d:%d" */
	uint64_t qw[2];			/* QI descriptor: qw0, qw1 */
	char qi_desc[40];		/* QI descriptor type as printed ("IOTLB Invalidation") */
};

/* PCI requester id of the record's device: bus << 8 | dev << 3 | fn (what the
 * AMD device table and VT-d's source-id are indexed by). */
static inline uint16_t klog_record_devid(const struct klog_record *r)
{
	return (uint16_t)(r->bus << 8 | r->dev << 3 | r->fn);
}

/* The longest text kept of a line the parser reports without a record
 * (KLOG_UNRECOGNISED), including room for a NUL. */
#define KLOG_TEXT_MAX 256

const char *klog_type_name(enum klog_type t);
/* Returns KLOG_NONE when the name is not one of ours. */
enum klog_type klog_type_from_name(const char *name, size_t len);
/* True for the event-log types (ILLEGAL_DEV_TABLE_ENTRY .. UNKNOWN). */
bool klog_type_is_event(enum klog_type t);
/* True for the AMD-Vi kinds that mean "a device's DMA was refused" (the
 * analysis holds these against the AMD device table). */
bool klog_type_is_fault(enum klog_type t);
/* True for the Intel VT-d faults: KLOG_DMAR_FAULT and KLOG_DMAR_IR_FAULT. */
bool klog_type_is_dmar_fault(enum klog_type t);
/* The vendor a type belongs to; KLOG_VENDOR_NONE for the types both
 * vendors share (RATELIMIT_SUPPRESSED, UNRECOGNISED: see the record's). */
enum klog_vendor klog_type_vendor(enum klog_type t);
/* "amd", "intel", or "none". */
const char *klog_vendor_name(enum klog_vendor v);
/* "split", "decimal", "pasid-decimal", "hex", "hex-segment", or NULL. */
const char *klog_dmar_form_name(enum klog_dmar_form f);
/* The kernel's text for a DMAR fault reason code (drivers/iommu/intel/
 * dmar.c, the same 5.x .. 7.3), "Unknown" outside its tables; *is_ir (may
 * be NULL) is set for the interrupt-remapping codes 0x20..0x26. */
const char *klog_dmar_reason_text(unsigned code, bool *is_ir);

/* ---------------------------------------------------------------- parser */

typedef void (*klog_record_fn)(const struct klog_record *rec, void *ctx);
/* text is the cleaned line (control bytes and ANSI escapes removed). */
typedef void (*klog_unparsed_fn)(const char *file, uint64_t line, const char *reason,
				 const char *text, size_t len, void *ctx);

struct klog_parser_ops {
	klog_record_fn record;
	klog_unparsed_fn unparsed;	/* may be NULL */
};

struct klog_parser_stats {
	uint64_t lines;		/* lines fed */
	uint64_t bytes;
	uint64_t candidates;	/* lines that went through the full recogniser */
	uint64_t records;	/* records emitted */
	uint64_t unparsed;	/* unparsed reports (bad lines + orphan halves) */
	uint64_t other_amdvi;	/* known AMD-Vi lines of no interest (init messages, ...) */
	uint64_t unrecognised;	/* AMD-Vi and DMAR lines of no message we know (KLOG_UNRECOGNISED) */
	uint64_t truncated;	/* lines longer than KLOG_LINE_MAX (tail ignored) */
	uint64_t restarts;	/* the log starting again within a file: a new boot, or the
				 * printk clock going back (halves never pair across) */
	/* Intel VT-d's share (appended) */
	uint64_t records_dmar;		/* of records */
	uint64_t unparsed_dmar;		/* of unparsed */
	uint64_t other_dmar;		/* known DMAR lines of no interest (ACPI table, init) */
	uint64_t unrecognised_dmar;	/* of unrecognised */
};

/* Lines longer than this are parsed on their first KLOG_LINE_MAX bytes. */
#define KLOG_LINE_MAX 16384
/* A split DMAR fault's two lines (one printk with a '\n' inside) must be at
 * most this many lines apart. */
#define KLOG_DMAR_PAIR_WINDOW 8
/* A QI descriptor line follows its error, a PTE dump its fault, within this
 * many lines. */
#define KLOG_DMAR_TIE_WINDOW 8
/* A split event's halves must be at most this many lines apart, and, when
 * both carry a time on the same clock, this many seconds (one more on wall
 * clocks, which print whole seconds). */
#define KLOG_PAIR_WINDOW 64
#define KLOG_PAIR_SECONDS 1.0
/* The printk clock going back by more than this within a file is the log
 * starting again (a new boot, another capture pasted after): what waits
 * for a partner is resolved, nothing pairs across. */
#define KLOG_RESTART_SECONDS 1.0
/* Each DTE/CMD dump line must follow its event (or the previous dump line)
 * within this many lines. */
#define KLOG_DUMP_WINDOW 24
/* "<func>: N callbacks suppressed" of a function the parser does not know,
 * or named after a device, is the AMD IOMMU driver's when an AMD-Vi line
 * follows it within this many lines and this many seconds (___ratelimit()
 * prints it right before the message that passes). */
#define KLOG_RATELIMIT_WINDOW 2
#define KLOG_RATELIMIT_SECONDS 0.1

struct klog_parser;

struct klog_parser *klog_parser_new(const struct klog_parser_ops *ops, void *ctx);
void klog_parser_free(struct klog_parser *p);
/* Starts a new input: flushes what is pending and resets the line counter.
 * The string must stay valid until the next set_file/flush. */
void klog_parser_set_file(struct klog_parser *p, const char *file);
/* One line, without its '\n'.  May contain '\r', NUL bytes, anything. */
void klog_parser_feed_line(struct klog_parser *p, const char *line, size_t len);
/* End of input: resolves every pending half and emits what is left. */
void klog_parser_flush(struct klog_parser *p);
const struct klog_parser_stats *klog_parser_get_stats(const struct klog_parser *p);
/* Optional (NULL: none, the default): lines with the AMD-Vi tag (or an
 * "iommu ivhdN:" prefix) that are no message the parser knows, as
 * KLOG_UNRECOGNISED records carrying their text, in line order with the
 * records, with the ops' ctx.  They are counted in the statistics either
 * way, never in `records`. */
void klog_parser_on_unrecognised(struct klog_parser *p, klog_record_fn fn);
/* Convenience: reads f line by line (any line length) and feeds it.
 * Returns 0, or -1 with errno set on a read error.  Does not flush. */
int klog_parser_feed_file(struct klog_parser *p, FILE *f);

/* ---------------------------------------------------------------- summary */

struct klog_summary;
struct klog_summary *klog_summary_new(void);
void klog_summary_free(struct klog_summary *s);
void klog_summary_add(struct klog_summary *s, const struct klog_record *rec);
void klog_summary_add_unparsed(struct klog_summary *s);
void klog_summary_add_stats(struct klog_summary *s, const struct klog_parser_stats *st);
/* Gap (seconds) above which two faults belong to different storms. */
#define KLOG_STORM_GAP 10.0
void klog_summary_print(const struct klog_summary *s, FILE *out);
uint64_t klog_summary_count(const struct klog_summary *s, enum klog_type t);

/* ---------------------------------------------------------------- output */

/* One JSON object and a '\n'. */
void klog_record_write_json(const struct klog_record *rec, FILE *out);
void klog_record_write_text_header(FILE *out);
void klog_record_write_text(const struct klog_record *rec, FILE *out);
/* Writes s as a JSON string (quotes included); invalid UTF-8 becomes U+FFFD. */
void klog_json_string(FILE *out, const char *s, size_t len);
/* Formats the device as "SSSS:BB:DD.F" or "BB:DD.F"; "-" when absent. */
const char *klog_record_device(const struct klog_record *rec, char *buf, size_t size);
/* Formats the record's time as text ("1.234567", the wall string, ...) or "-". */
const char *klog_record_time(const struct klog_record *rec, char *buf, size_t size);

#endif
