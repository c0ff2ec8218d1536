/*
 * klog: a streaming parser for AMD IOMMU (AMD-Vi) lines in Linux kernel logs.
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
 * like AMD-Vi event lines but do not parse, and halves of split events that
 * never find their partner, go to ops.unparsed; AMD-Vi lines of no message
 * the parser knows to klog_parser_on_unrecognised()'s callback.
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
	 * that matches none of the above nor a known informational line; handed
	 * out through ops.unrecognised only */
	KLOG_UNRECOGNISED,
	KLOG_NTYPES
};

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
};

/* Notes (struct klog_record.notes) */
enum {
	KLOG_NOTE_REUSE		= 1u << 0,	/* "reuse" variant of a kdump marker (6.18+) */
	KLOG_NOTE_SPLIT		= 1u << 1,	/* joined from two lines; head_line is set */
	KLOG_NOTE_HEAD_MISSING	= 1u << 2,	/* second half seen, first half never */
	KLOG_NOTE_TAIL_MISSING	= 1u << 3,	/* "Device not attached" with no device line */
	KLOG_NOTE_PANIC		= 1u << 4,	/* the kernel panicked on this message */
	KLOG_NOTE_SEG_PREFIX	= 1u << 5,	/* segment taken from the driver prefix */
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
};

/* The longest text kept of a line the parser reports without a record
 * (KLOG_UNRECOGNISED), including room for a NUL. */
#define KLOG_TEXT_MAX 256

const char *klog_type_name(enum klog_type t);
/* Returns KLOG_NONE when the name is not one of ours. */
enum klog_type klog_type_from_name(const char *name, size_t len);
/* True for the event-log types (ILLEGAL_DEV_TABLE_ENTRY .. UNKNOWN). */
bool klog_type_is_event(enum klog_type t);
/* True for the kinds that mean "a device's DMA was refused". */
bool klog_type_is_fault(enum klog_type t);

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
	uint64_t unrecognised;	/* AMD-Vi lines of no message we know (KLOG_UNRECOGNISED) */
	uint64_t truncated;	/* lines longer than KLOG_LINE_MAX (tail ignored) */
	uint64_t restarts;	/* the log starting again within a file: a new boot, or the
				 * printk clock going back (halves never pair across) */
};

/* Lines longer than this are parsed on their first KLOG_LINE_MAX bytes. */
#define KLOG_LINE_MAX 16384
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
