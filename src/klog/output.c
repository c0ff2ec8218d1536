/*
 * Output of records: one JSON object per line (docs/json-log.md) or one
 * fixed-width text row.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "amdvi/command.h"
#include "klog/klog.h"

/* Length of the valid UTF-8 sequence at s (max n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	unsigned cp = c & (0x3f >> (len - 1));
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void klog_json_string(FILE *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	putc('"', out);
	for (size_t i = 0; i < len;) {
		unsigned c = u[i];
		if (c == '"' || c == '\\') {
			putc('\\', out);
			putc((int)c, out);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			putc((int)c, out);
			i++;
		} else {
			size_t l = utf8_len(u + i, len - i);
			if (l) {
				fwrite(u + i, 1, l, out);
				i += l;
			} else {
				fputs("\\ufffd", out);
				i++;
			}
		}
	}
	putc('"', out);
}

static void jstr(FILE *out, const char *key, const char *s, bool present)
{
	fprintf(out, ",\"%s\":", key);
	if (present)
		klog_json_string(out, s, strlen(s));
	else
		fputs("null", out);
}

static void jint(FILE *out, const char *key, uint64_t v, bool present)
{
	if (present)
		fprintf(out, ",\"%s\":%" PRIu64, key, v);
	else
		fprintf(out, ",\"%s\":null", key);
}

/* Is slot i between the logged head and tail (queued, not yet fetched by
 * the IOMMU)?  Only for the 512-entry ring the kernel prints. */
static bool cmd_pending(const struct klog_record *r, unsigned i)
{
	uint32_t h = r->cmd_head, t = r->cmd_tail;
	if (h >= KLOG_CMD_BUFFER_ENTRIES || t >= KLOG_CMD_BUFFER_ENTRIES)
		return false;
	return h <= t ? (i >= h && i < t) : (i >= h || i < t);
}

static unsigned cmd_pending_count(const struct klog_record *r)
{
	uint32_t h = r->cmd_head, t = r->cmd_tail;
	if (h >= KLOG_CMD_BUFFER_ENTRIES || t >= KLOG_CMD_BUFFER_ENTRIES)
		return 0;
	return (t + KLOG_CMD_BUFFER_ENTRIES - h) % KLOG_CMD_BUFFER_ENTRIES;
}

static bool cmd_empty(const uint32_t w[4])
{
	return !(w[0] | w[1] | w[2] | w[3]);
}

/* The dumped ring, one object per slot, decoded as the analysis decodes
 * the ring it reads from a dump (docs/json-analysis.md, cmd_ring.entries). */
static void write_cmd_buffer_json(const struct klog_record *r, FILE *out)
{
	char text[160];
	bool first = true;

	fputs(",\"cmd_buffer\":[", out);
	for (unsigned i = 0; r->cmd_buffer && i < KLOG_CMD_BUFFER_ENTRIES; i++) {
		const uint32_t *w = r->cmd_buffer[i];
		struct amdvi_cmd c;

		if (!r->cmd_buffer_seen[i])
			continue;
		fprintf(out, "%s{\"index\":%u,\"offset\":%u,\"raw\":[\"0x%08x\",\"0x%08x\",\"0x%08x\",\"0x%08x\"]",
			first ? "" : ",", i, i * 16, w[0], w[1], w[2], w[3]);
		first = false;
		if (cmd_empty(w) || amdvi_cmd_decode(w, &c) < 0) {
			fputs(",\"op\":null", out);
		} else {
			fprintf(out, ",\"op\":\"%s\"", amdvi_cmd_name(c.opcode));
			if (amdvi_cmd_format(&c, text, sizeof(text)) >= 0)
				jstr(out, "text", text, true);
		}
		if (cmd_pending(r, i))
			fputs(",\"pending\":true", out);
		putc('}', out);
	}
	putc(']', out);
}

/* FSTS bits (drivers/iommu/intel/iommu.h DMA_FSTS_*); bits 2 and 3 are
 * the advanced-fault bits Linux never uses. */
static const char *const fsts_bit[8] = { "PFO", "PPF", "bit2", "bit3", "IQE", "ICE", "ITE", "PRO" };

static const char *access_name(enum klog_access a)
{
	return a == KLOG_ACCESS_READ ? "read" : a == KLOG_ACCESS_WRITE ? "write" : "-";
}

/* The VT-d keys of a record (docs/json-log.md), after "vendor". */
static void write_dmar_json(const struct klog_record *r, FILE *out)
{
	const char *form = klog_dmar_form_name(r->form);

	if (r->has & KLOG_HAS_ACCESS)
		fprintf(out, ",\"access\":\"%s\"", access_name(r->access));
	if (r->notes & KLOG_NOTE_NO_PASID)
		fputs(",\"no_pasid\":true", out);
	if (r->has & KLOG_HAS_FAULT_INDEX)
		fprintf(out, ",\"fault_index\":%u", r->fault_index);
	if (r->has & KLOG_HAS_REASON) {
		fprintf(out, ",\"reason\":%u", r->reason);
		jstr(out, "reason_printed", r->reason_printed, true);
		jstr(out, "reason_text", r->reason_text, true);
	}
	if (r->notes & KLOG_NOTE_REASON_HEX_DIGITS)
		fputs(",\"reason_hex_digits\":true", out);
	if (r->notes & KLOG_NOTE_REASON_MISMATCH)
		fputs(",\"reason_mismatch\":true", out);
	if (r->notes & KLOG_NOTE_REASON_MISSING)
		fputs(",\"reason_missing\":true", out);
	if (r->has & KLOG_HAS_REASON_LINE)
		fprintf(out, ",\"reason_line\":%" PRIu64, r->reason_line);
	if (form)
		fprintf(out, ",\"form\":\"%s\"", form);
	if (r->type == KLOG_DMAR_FAULT_STATUS && (r->has & KLOG_HAS_VALUE)) {
		bool first = true;
		fputs(",\"fsts\":[", out);
		for (unsigned b = 0; b < 8; b++)
			if (r->value & (1u << b)) {
				fprintf(out, "%s\"%s\"", first ? "" : ",", fsts_bit[b]);
				first = false;
			}
		fprintf(out, "],\"fri\":%u", (unsigned)(r->value >> 8) & 0xff);
	}
	if (r->has & KLOG_HAS_SID)
		fprintf(out, ",\"sid\":%u", r->sid);
	if (r->has & KLOG_HAS_CAP)
		fprintf(out, ",\"version\":\"%u:%u\",\"cap\":\"0x%" PRIx64 "\",\"ecap\":\"0x%" PRIx64 "\"", r->ver_major,
			r->ver_minor, r->cap, r->ecap);
	if (r->has & KLOG_HAS_QI_DESC)
		jstr(out, "qi_desc", r->qi_desc, true);
	if (r->has & KLOG_HAS_QW)
		fprintf(out, ",\"qw\":[\"0x%" PRIx64 "\",\"0x%" PRIx64 "\"]", r->qw[0], r->qw[1]);
	if (r->notes & KLOG_NOTE_APPENDED)
		fputs(",\"appended\":true", out);
}

const char *klog_record_device(const struct klog_record *r, char *buf, size_t size)
{
	if (!(r->has & KLOG_HAS_BDF))
		snprintf(buf, size, "-");
	else if (r->has & KLOG_HAS_SEGMENT)
		snprintf(buf, size, "%04x:%02x:%02x.%x", r->segment, r->bus, r->dev, r->fn);
	else
		snprintf(buf, size, "%02x:%02x.%x", r->bus, r->dev, r->fn);
	return buf;
}

const char *klog_record_time(const struct klog_record *r, char *buf, size_t size)
{
	if (r->time.has_mono)
		snprintf(buf, size, "%s", r->time.mono_text);
	else if (r->time.has_wall)
		snprintf(buf, size, "%s", r->time.wall);
	else if (r->time.has_delta)
		snprintf(buf, size, "%s", r->time.delta_text);
	else
		snprintf(buf, size, "-");
	return buf;
}

void klog_record_write_json(const struct klog_record *r, FILE *out)
{
	char b[64];

	fputs("{\"file\":", out);
	klog_json_string(out, r->file ? r->file : "-", strlen(r->file ? r->file : "-"));
	fprintf(out, ",\"line\":%" PRIu64 ",\"type\":\"%s\"", r->line, klog_type_name(r->type));
	jint(out, "segment", r->segment, r->has & KLOG_HAS_SEGMENT);
	if (r->has & KLOG_HAS_BDF) {
		snprintf(b, sizeof(b), "%02x:%02x.%x", r->bus, r->dev, r->fn);
		jstr(out, "bdf", b, true);
	} else {
		jstr(out, "bdf", NULL, false);
	}
	jint(out, "domain", r->domain, r->has & KLOG_HAS_DOMAIN);
	jint(out, "pasid", r->pasid, r->has & KLOG_HAS_PASID);
	if (r->has & KLOG_HAS_ADDRESS) {
		snprintf(b, sizeof(b), "0x%" PRIx64, r->address);
		jstr(out, "address", b, true);
	} else {
		jstr(out, "address", NULL, false);
	}
	jint(out, "flags", r->flags, r->has & KLOG_HAS_FLAGS);
	jstr(out, "driver", r->driver, r->has & KLOG_HAS_DRIVER);
	jstr(out, "iommu", r->iommu, r->has & KLOG_HAS_IOMMU);
	jint(out, "suppressed", r->suppressed, r->has & KLOG_HAS_SUPPRESSED);
	fputs(",\"time\":", out);
	if (r->time.has_mono)
		fputs(r->time.mono_text, out);
	else if (r->time.has_wall)
		klog_json_string(out, r->time.wall, strlen(r->time.wall));
	else if (r->time.has_delta)
		klog_json_string(out, r->time.delta_text, strlen(r->time.delta_text));
	else
		fputs("null", out);

	/* extra keys, only when they carry something */
	if (r->vendor != KLOG_VENDOR_NONE)
		fprintf(out, ",\"vendor\":\"%s\"", klog_vendor_name(r->vendor));
	if (r->vendor == KLOG_VENDOR_INTEL)
		write_dmar_json(r, out);
	if (r->time.has_mono && r->time.has_wall) {
		fputs(",\"wall_time\":", out);
		klog_json_string(out, r->time.wall, strlen(r->time.wall));
	}
	if (r->time.has_delta) {
		fprintf(out, ",\"time_delta\":%.6f", r->time.delta);
	}
	if (r->era)
		fprintf(out, ",\"era\":\"%c\"", r->era);
	if (r->has & KLOG_HAS_TAG)
		fprintf(out, ",\"tag\":%u", r->tag);
	if (r->has & KLOG_HAS_VMG_TAG)
		fprintf(out, ",\"vmg_tag\":%u", r->vmg_tag);
	if (r->has & KLOG_HAS_FLAGS_RMP)
		fprintf(out, ",\"flags_rmp\":%u", r->flags_rmp);
	if (r->has & KLOG_HAS_EVENT_CODE)
		fprintf(out, ",\"event_code\":%u", r->event_code);
	if (r->has & KLOG_HAS_RAW) {
		fputs(",\"raw\":[", out);
		for (int k = 0; k < r->nraw; k++)
			fprintf(out, "%s\"0x%08x\"", k ? "," : "", r->raw[k]);
		putc(']', out);
	}
	if (r->ndump) {
		fprintf(out, ",\"%s\":[", r->dump_kind == KLOG_DUMP_DTE ? "dte" : "cmd");
		for (int k = 0; k < r->ndump; k++)
			fprintf(out, "%s\"0x%0*" PRIx64 "\"", k ? "," : "", r->dump_digits, r->dump[k]);
		putc(']', out);
	}
	if (r->type == KLOG_DMAR_CONTEXT_COPY_FAILED)
		fprintf(out, ",\"bus\":%" PRIu64, r->value);
	else if (r->has & KLOG_HAS_VALUE)
		fprintf(out, ",\"value\":\"0x%" PRIx64 "\"", r->value);
	if (r->has & KLOG_HAS_HEAD_TAIL)
		fprintf(out, ",\"head\":%u,\"tail\":%u,\"pending\":%u", r->cmd_head, r->cmd_tail,
			cmd_pending_count(r));
	if (r->type == KLOG_COMMAND_BUFFER_DUMP)
		write_cmd_buffer_json(r, out);
	if (r->has & KLOG_HAS_EVENT_LINE)
		fprintf(out, ",\"event_line\":%" PRIu64, r->event_line);
	if (r->has & KLOG_HAS_IOMMU_INDEX)
		fprintf(out, ",\"iommu_index\":%d", r->iommu_index);
	if (r->has & KLOG_HAS_FUNCTION)
		jstr(out, "function", r->function, true);
	if (r->has & KLOG_HAS_DETAIL)
		jstr(out, "detail", r->detail, true);
	if (r->has & KLOG_HAS_LEVEL)
		fprintf(out, ",\"level\":%d", r->level);
	if (r->has & KLOG_HAS_CALLER)
		jstr(out, "caller", r->caller, true);
	if (r->notes & KLOG_NOTE_REUSE)
		fputs(",\"reuse\":true", out);
	if (r->notes & KLOG_NOTE_SPLIT)
		fprintf(out, ",\"head_line\":%" PRIu64, r->head_line);
	if (r->notes & KLOG_NOTE_HEAD_MISSING)
		fputs(",\"head_missing\":true", out);
	if (r->notes & KLOG_NOTE_TAIL_MISSING)
		fputs(",\"tail_missing\":true", out);
	if (r->notes & KLOG_NOTE_PANIC)
		fputs(",\"panic\":true", out);
	if (r->type == KLOG_UNRECOGNISED && r->text) {
		fputs(",\"text\":", out);
		klog_json_string(out, r->text, r->text_len);
	}
	fputs("}\n", out);
}

void klog_record_write_text_header(FILE *out)
{
	fprintf(out, "%-24s %-16s %-29s %-12s %-13s %-10s %-7s %-7s %-18s %-6s %s\n", "FILE:LINE", "TIME", "TYPE",
		"IOMMU", "DEVICE", "DRIVER", "DOMAIN", "PASID", "ADDRESS", "FLAGS", "NOTES");
}

void klog_record_write_text(const struct klog_record *r, FILE *out)
{
	char where[256], t[64], dev[32], dom[16], pas[16], addr[24], fl[16], notes[256];
	const char *file = r->file ? r->file : "-";
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;

	snprintf(where, sizeof(where), "%s:%" PRIu64, base, r->line);
	klog_record_time(r, t, sizeof(t));
	klog_record_device(r, dev, sizeof(dev));
	if (r->has & KLOG_HAS_DOMAIN)
		snprintf(dom, sizeof(dom), "0x%04x", r->domain);
	else
		snprintf(dom, sizeof(dom), "-");
	if (r->has & KLOG_HAS_PASID)
		snprintf(pas, sizeof(pas), "0x%05x", r->pasid);
	else if (r->notes & KLOG_NOTE_NO_PASID)
		snprintf(pas, sizeof(pas), "none");
	else
		snprintf(pas, sizeof(pas), "-");
	if (r->has & KLOG_HAS_ADDRESS)
		snprintf(addr, sizeof(addr), "0x%" PRIx64, r->address);
	else
		snprintf(addr, sizeof(addr), "-");
	if (r->has & KLOG_HAS_FLAGS)
		snprintf(fl, sizeof(fl), "0x%03x", r->flags);
	else
		snprintf(fl, sizeof(fl), "-");

	size_t o = 0;
	notes[0] = 0;
#define NOTE(...) \
	do { \
		if (o < sizeof(notes)) \
			o += (size_t)snprintf(notes + o, sizeof(notes) - o, __VA_ARGS__); \
	} while (0)
	if (r->has & KLOG_HAS_SUPPRESSED)
		NOTE("%s%" PRIu64 " suppressed", o ? " " : "", r->suppressed);
	if (r->has & KLOG_HAS_FUNCTION)
		NOTE("%sin %s", o ? " " : "", r->function);
	if (r->has & KLOG_HAS_TAG)
		NOTE("%stag=0x%03x", o ? " " : "", r->tag);
	if (r->has & KLOG_HAS_VMG_TAG)
		NOTE("%svmg_tag=0x%04x", o ? " " : "", r->vmg_tag);
	if (r->has & KLOG_HAS_FLAGS_RMP)
		NOTE("%sflags_rmp=0x%02x", o ? " " : "", r->flags_rmp);
	if (r->has & KLOG_HAS_EVENT_CODE)
		NOTE("%stype=0x%02x", o ? " " : "", r->event_code);
	if (r->has & KLOG_HAS_RAW)
		for (int k = 0; k < r->nraw; k++)
			NOTE("%s%s0x%08x", o ? " " : "", k ? "" : "raw=", r->raw[k]);
	if (r->ndump) {
		NOTE("%s%s=", o ? " " : "", r->dump_kind == KLOG_DUMP_DTE ? "DTE" : "CMD");
		for (int k = 0; k < r->ndump; k++)
			NOTE("%s%0*" PRIx64, k ? ":" : "", r->dump_digits, r->dump[k]);
	}
	/* VT-d */
	if (r->has & KLOG_HAS_ACCESS)
		NOTE("%s%s", o ? " " : "", access_name(r->access));
	if (r->has & KLOG_HAS_FAULT_INDEX)
		NOTE("%sindex=0x%x", o ? " " : "", r->fault_index);
	if (r->has & KLOG_HAS_REASON) {
		char canon[8];
		NOTE("%sreason=0x%02x", o ? " " : "", r->reason);
		/* the decimal digits, when they differ from the hex ones ("33" is 0x21) */
		snprintf(canon, sizeof(canon), "%02x", r->reason);
		if (strncmp(r->reason_printed, "0x", 2) && strcmp(r->reason_printed, canon))
			NOTE(" (printed %s)", r->reason_printed);
		NOTE(" \"%s\"", r->reason_text);
	}
	if (r->notes & KLOG_NOTE_REASON_HEX_DIGITS)
		NOTE("%sreason-digits-hex", o ? " " : "");
	if (r->notes & KLOG_NOTE_REASON_MISMATCH)
		NOTE("%sreason-text-mismatch", o ? " " : "");
	if (r->notes & KLOG_NOTE_REASON_MISSING)
		NOTE("%sreason-line-missing", o ? " " : "");
	if (r->has & KLOG_HAS_REASON_LINE)
		NOTE("%ssplit(reason line %" PRIu64 ")", o ? " " : "", r->reason_line);
	if (klog_dmar_form_name(r->form))
		NOTE("%sform=%s", o ? " " : "", klog_dmar_form_name(r->form));
	if (r->type == KLOG_DMAR_FAULT_STATUS && (r->has & KLOG_HAS_VALUE)) {
		NOTE("%sfsts=0x%" PRIx64, o ? " " : "", r->value);
		for (unsigned b = 0; b < 8; b++)
			if (r->value & (1u << b))
				NOTE(" %s", fsts_bit[b]);
		NOTE(" fri=%u", (unsigned)(r->value >> 8) & 0xff);
	} else if (r->type == KLOG_DMAR_CONTEXT_COPY_FAILED) {
		NOTE("%sbus %" PRIu64, o ? " " : "", r->value);
	} else if (r->type == KLOG_DMAR_QI_QUEUE_ERROR && (r->has & KLOG_HAS_VALUE)) {
		NOTE("%siqei=0x%" PRIx64, o ? " " : "", r->value);
	} else if (r->has & KLOG_HAS_VALUE) {
		NOTE("%s0x%" PRIx64, o ? " " : "", r->value);
	}
	if (r->has & KLOG_HAS_SID)
		NOTE("%ssid=0x%04x", o ? " " : "", r->sid);
	if (r->has & KLOG_HAS_CAP)
		NOTE("%sver %u:%u cap=0x%" PRIx64 " ecap=0x%" PRIx64, o ? " " : "", r->ver_major, r->ver_minor, r->cap,
		     r->ecap);
	if (r->has & KLOG_HAS_QI_DESC)
		NOTE("%s%s: %s", o ? " " : "", (r->has & KLOG_HAS_DETAIL) ? r->detail : "QI", r->qi_desc);
	if (r->has & KLOG_HAS_QW)
		NOTE("%sqw0=0x%" PRIx64 " qw1=0x%" PRIx64, o ? " " : "", r->qw[0], r->qw[1]);
	if (r->notes & KLOG_NOTE_APPENDED)
		NOTE("%sappended", o ? " " : "");
	if (r->has & KLOG_HAS_HEAD_TAIL) {
		NOTE("%shead=%u tail=%u, %u pending, %u of %u slots", o ? " " : "", r->cmd_head, r->cmd_tail,
		     cmd_pending_count(r), r->ncmd_buffer, KLOG_CMD_BUFFER_ENTRIES);
		if (r->cmd_buffer && r->cmd_head < KLOG_CMD_BUFFER_ENTRIES && r->cmd_buffer_seen[r->cmd_head] &&
		    r->cmd_head != r->cmd_tail) {
			const uint32_t *w = r->cmd_buffer[r->cmd_head];
			struct amdvi_cmd c;
			char text[160];
			if (!cmd_empty(w) && amdvi_cmd_decode(w, &c) >= 0 && amdvi_cmd_format(&c, text, sizeof(text)) >= 0)
				NOTE("; at head: %s", text);
		}
	}
	if (r->has & KLOG_HAS_EVENT_LINE)
		NOTE("%s(%s line %" PRIu64 ")", o ? " " : "", r->type == KLOG_RATELIMIT_SUPPRESSED ? "before" : "after",
		     r->event_line);
	if ((r->has & KLOG_HAS_DETAIL) && !(r->has & KLOG_HAS_QI_DESC))
		NOTE("%s%s", o ? " " : "", r->detail);
	if (r->notes & KLOG_NOTE_REUSE)
		NOTE("%sreuse", o ? " " : "");
	if (r->notes & KLOG_NOTE_SPLIT)
		NOTE("%ssplit(head %" PRIu64 ")", o ? " " : "", r->head_line);
	if (r->notes & KLOG_NOTE_HEAD_MISSING)
		NOTE("%shead-missing", o ? " " : "");
	if (r->notes & KLOG_NOTE_TAIL_MISSING)
		NOTE("%sdevice-line-missing", o ? " " : "");
	if (r->notes & KLOG_NOTE_PANIC)
		NOTE("%spanic", o ? " " : "");
#undef NOTE
	fprintf(out, "%-24s %-16s %-29s %-12s %-13s %-10s %-7s %-7s %-18s %-6s %s\n", where, t,
		klog_type_name(r->type), (r->has & KLOG_HAS_IOMMU) ? r->iommu : "-", dev,
		(r->has & KLOG_HAS_DRIVER) ? r->driver : "-", dom, pas, addr, fl, notes);
}
