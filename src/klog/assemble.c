/*
 * The streaming parser: cleans each line, strips its prefix, recognises it
 * (amdvi_line.c, then dmar_line.c), and joins what the kernel printed over
 * several lines:
 *
 *  - split events: "Event logged [" then "TYPE fields]" (era A/B printk
 *    continuations broken by another CPU, era C dev_err), in either order,
 *    with other lines between them, and interleaved between IOMMUs (halves
 *    pair up by their "iommu ivhdN:" prefix when they have one);
 *  - 5.19+ "Event logged [Device not attached to domain properly]" followed
 *    by "  device=SSSS:BB:DD.F domain=0x....";
 *  - DTE[n] / CMD[n] dump lines after ILLEGAL_DEV_TABLE_ENTRY and
 *    ILLEGAL_COMMAND_ERROR;
 *  - 7.x: "Control Reg : 0x..." tied to the ILLEGAL_DEV_TABLE_ENTRY before
 *    it, and the command-buffer dump ("CMD Buffer head=N tail=N" and its
 *    512 "%3d: %08x %08x %08x %08x" lines) gathered into one record, tied
 *    to the Completion-Wait timeout before it;
 *  - Intel VT-d <= 4.6: "DMAR:[DMA Read] Request device [..] fault addr %llx"
 *    and "DMAR:[fault reason %02d] %s" (one printk with a '\n' inside; the
 *    same for INTR-REMAP), joined into one record on the first line;
 *  - VT-d's QI error lines, printed without '\n': a message appended to
 *    one on the same line is taken as a line of its own; QI HEAD/PRIOR tied
 *    to the error before them, a CONFIG_DMAR_DEBUG page-table dump to its
 *    fault;
 *  - the further lines of one printk record of several lines (a '\n' in
 *    the text): makedumpfile --dump-dmesg (vmcore-dmesg.txt), crash's log,
 *    dmesg(1) and journalctl write them indented by the first line's prefix
 *    width and without a prefix of their own.  Such a line belongs to the
 *    record above it: it takes that line's time, level and caller id, and
 *    its message starts after the indent.
 *
 * Records wait in a small ring (no allocation per line) until nothing before
 * them is pending, so they come out in line order.  A half that finds no
 * partner within KLOG_PAIR_WINDOW lines is resolved: a lone head is reported
 * as unparsed, a lone tail still carries every field and becomes a record
 * noted "head missing".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "klog/klog_line.h"

enum qstate { Q_READY, Q_WAIT_TAIL, Q_WAIT_HEAD, Q_DEAD };
enum qpair { PAIR_EVENT, PAIR_DNA, PAIR_DMAR };

struct qent {
	struct klog_record rec;
	uint8_t state, pair;
	bool dump_open;
	uint8_t dump_max;
	uint16_t cmd_next;	/* COMMAND_BUFFER_DUMP: lowest slot still expected */
	uint64_t since;
	uint64_t dump_last;	/* line of the event or of its last dump line */
	char text[KLOG_TEXT_MAX];	/* a pending head's text (for the unparsed report),
					 * an unrecognised line's (for its record) */
	size_t text_len;
};

#define QCAP 1024
/* Enough of a line to hold its prefix ("[123456.123456] [ T12345] ",
 * "Nov 24 02:50:01 host kernel: ") for the continuation lines below it. */
#define KLOG_HEAD_KEEP 128

struct klog_parser {
	struct klog_parser_ops ops;
	klog_record_fn on_unrecognised;	/* may be NULL */
	void *ctx;
	const char *file;
	uint64_t line;
	struct klog_parser_stats st;
	struct qent *q;
	size_t qhead, qlen;
	char *buf;
	char head[KLOG_HEAD_KEEP];	/* start of the last line that did not begin with a space */
	size_t head_len;
	char *rdbuf;
	size_t rdcap;
	/* the one command-buffer dump being gathered or waiting in the queue */
	uint32_t (*cmd_buffer)[4];
	uint8_t *cmd_buffer_seen;
	bool cmd_buffer_busy;
	/* the last COMPLETION_WAIT_TIMEOUT: a dump_command_buffer() follows it */
	uint64_t cwt_line;
	bool cwt_has_iommu;
	char cwt_iommu[24];
	/* a ratelimit summary of another function or of a device, waiting for
	 * the AMD-Vi line that would make it ours (rl.line 0: none) */
	struct klog_record rl;
	/* restarts of the log within the file (a new boot, the clock going back) */
	bool seen;		/* a candidate line was read since the file or the last
				 * restart began: the next restart counts */
	bool has_max_mono;
	double max_mono;	/* the latest printk time since the last restart */
	/* VT-d: the last QI error (for QI HEAD/PRIOR) and DMA fault (for a
	 * page-table dump), lines 0: none */
	uint64_t qi_err_line;
	uint64_t dmar_fault_line;
	uint64_t dmar_fault_addr;
};

struct klog_parser *klog_parser_new(const struct klog_parser_ops *ops, void *ctx)
{
	struct klog_parser *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->ops = *ops;
	p->ctx = ctx;
	p->file = "-";
	p->q = calloc(QCAP, sizeof(*p->q));
	p->buf = malloc(KLOG_LINE_MAX + 1);
	p->cmd_buffer = calloc(KLOG_CMD_BUFFER_ENTRIES, sizeof(*p->cmd_buffer));
	p->cmd_buffer_seen = calloc(KLOG_CMD_BUFFER_ENTRIES, 1);
	if (!p->q || !p->buf || !p->cmd_buffer || !p->cmd_buffer_seen) {
		klog_parser_free(p);
		return NULL;
	}
	return p;
}

void klog_parser_free(struct klog_parser *p)
{
	if (!p)
		return;
	free(p->q);
	free(p->buf);
	free(p->rdbuf);
	free(p->cmd_buffer);
	free(p->cmd_buffer_seen);
	free(p);
}

const struct klog_parser_stats *klog_parser_get_stats(const struct klog_parser *p)
{
	return &p->st;
}

void klog_parser_on_unrecognised(struct klog_parser *p, klog_record_fn fn)
{
	p->on_unrecognised = fn;
}

static inline struct qent *qat(struct klog_parser *p, size_t k)
{
	return &p->q[(p->qhead + k) % QCAP];
}

static void report_unparsed(struct klog_parser *p, uint64_t line, const char *why, const char *text, size_t len,
			    enum klog_vendor vendor)
{
	p->st.unparsed++;
	if (vendor == KLOG_VENDOR_INTEL)
		p->st.unparsed_dmar++;
	if (p->ops.unparsed)
		p->ops.unparsed(p->file, line, why, text, len, p->ctx);
}

static void emit(struct klog_parser *p, struct klog_record *r)
{
	r->file = p->file;
	p->st.records++;
	if (r->vendor == KLOG_VENDOR_INTEL)
		p->st.records_dmar++;
	if (p->ops.record)
		p->ops.record(r, p->ctx);
}

/* An unrecognised line, handed out with its text (not a record). */
static void emit_unrecognised(struct klog_parser *p, struct qent *e)
{
	e->rec.file = p->file;
	e->rec.text = e->text;
	e->rec.text_len = e->text_len;
	if (p->on_unrecognised)
		p->on_unrecognised(&e->rec, p->ctx);
}

static void release(struct klog_parser *p)
{
	while (p->qlen) {
		struct qent *e = qat(p, 0);
		if (e->state == Q_READY && !e->dump_open && e->rec.type == KLOG_UNRECOGNISED) {
			emit_unrecognised(p, e);
		} else if (e->state == Q_READY && !e->dump_open) {
			emit(p, &e->rec);
			if (e->rec.type == KLOG_COMMAND_BUFFER_DUMP)
				p->cmd_buffer_busy = false;
		} else if (e->state != Q_DEAD) {
			break;
		}
		p->qhead = (p->qhead + 1) % QCAP;
		p->qlen--;
	}
}

static void resolve(struct klog_parser *p, struct qent *e)
{
	switch (e->state) {
	case Q_WAIT_TAIL:
		if (e->pair == PAIR_EVENT) {
			report_unparsed(p, e->rec.line, "incomplete event: 'Event logged [' without its second half",
					e->text, e->text_len, KLOG_VENDOR_AMD);
			e->state = Q_DEAD;
		} else if (e->pair == PAIR_DMAR) {
			/* every field but the reason is on the first line */
			e->rec.notes |= KLOG_NOTE_REASON_MISSING;
			e->state = Q_READY;
		} else {
			e->rec.notes |= KLOG_NOTE_TAIL_MISSING;
			e->state = Q_READY;
		}
		break;
	case Q_WAIT_HEAD:
		e->rec.notes |= KLOG_NOTE_HEAD_MISSING;
		e->state = Q_READY;
		break;
	default:
		break;
	}
	e->dump_open = false;
}

static void expire(struct klog_parser *p, bool all)
{
	for (size_t k = 0; k < p->qlen; k++) {
		struct qent *e = qat(p, k);
		if ((e->state == Q_WAIT_TAIL || e->state == Q_WAIT_HEAD) &&
		    (all || p->line - e->since > (e->pair == PAIR_DMAR ? KLOG_DMAR_PAIR_WINDOW : KLOG_PAIR_WINDOW)))
			resolve(p, e);
		if (e->dump_open && (all || p->line - e->dump_last > KLOG_DUMP_WINDOW))
			e->dump_open = false;
	}
	release(p);
}

static struct qent *push(struct klog_parser *p, const struct klog_record *r, enum qstate st, enum qpair pair)
{
	while (p->qlen >= QCAP) {
		resolve(p, qat(p, 0));
		release(p);
	}
	struct qent *e = qat(p, p->qlen++);
	e->rec = *r;
	e->state = (uint8_t)st;
	e->pair = (uint8_t)pair;
	e->dump_open = false;
	e->dump_max = 0;
	e->cmd_next = 0;
	e->since = p->line;
	e->text_len = 0;
	return e;
}

/* At most KLOG_TEXT_MAX - 1 bytes of a line, kept with its queue entry. */
static void keep_text(struct qent *e, const char *s, size_t n)
{
	e->text_len = n < sizeof(e->text) - 1 ? n : sizeof(e->text) - 1;
	memcpy(e->text, s, e->text_len);
	e->text[e->text_len] = 0;
}

static const char *key_of(const struct klog_record *r)
{
	return (r->has & KLOG_HAS_IOMMU) ? r->iommu : "";
}

/* Two times within `secs` of each other, on a clock both have; true when
 * they share no clock.  Wall clocks have a resolution of one second. */
static bool times_close(const struct klog_time *a, const struct klog_time *b, double secs)
{
	if (a->has_mono && b->has_mono)
		return a->mono - b->mono <= secs && b->mono - a->mono <= secs;
	if (a->has_wall && b->has_wall && a->wall_sec_ok && b->wall_sec_ok)
		return a->wall_sec - b->wall_sec <= secs + 1 && b->wall_sec - a->wall_sec <= secs + 1;
	return true;
}

/* The oldest entry waiting in `state` for `pair` whose IOMMU key matches
 * and whose time is near t; an exact key match wins over a match where one
 * side has no key. */
static struct qent *find_partner(struct klog_parser *p, enum qstate state, enum qpair pair, const char *key,
				 const struct klog_time *t)
{
	struct qent *loose = NULL;
	for (size_t k = 0; k < p->qlen; k++) {
		struct qent *e = qat(p, k);
		if (e->state != state || e->pair != pair || !times_close(&e->rec.time, t, KLOG_PAIR_SECONDS))
			continue;
		const char *ek = key_of(&e->rec);
		if (!strcmp(ek, key))
			return e;
		if (!loose && (!*ek || !*key))
			loose = e;
	}
	return loose;
}

static void open_dump(struct qent *e)
{
	if (e->rec.type == KLOG_ILLEGAL_DEV_TABLE_ENTRY || e->rec.type == KLOG_ILLEGAL_COMMAND_ERROR ||
	    e->rec.type == KLOG_COMMAND_BUFFER_DUMP) {
		e->dump_open = true;
		e->dump_last = e->rec.line;
	}
}

/* Merges a head's context into the tail's record. */
static void join(struct klog_record *tail, const struct klog_record *head)
{
	tail->head_line = head->line;
	tail->notes |= KLOG_NOTE_SPLIT;
	if (!(tail->has & KLOG_HAS_IOMMU) && (head->has & KLOG_HAS_IOMMU)) {
		memcpy(tail->iommu, head->iommu, sizeof(tail->iommu));
		tail->has |= KLOG_HAS_IOMMU;
	}
	if (!(tail->has & KLOG_HAS_DRIVER) && (head->has & KLOG_HAS_DRIVER)) {
		memcpy(tail->driver, head->driver, sizeof(tail->driver));
		tail->has |= KLOG_HAS_DRIVER;
	}
	if (!tail->time.has_mono && !tail->time.has_wall && !tail->time.has_delta)
		tail->time = head->time;
	if (!(tail->has & KLOG_HAS_LEVEL) && (head->has & KLOG_HAS_LEVEL)) {
		tail->level = head->level;
		tail->has |= KLOG_HAS_LEVEL;
	}
	if (head->era == 'A')
		tail->era = 'A';
	else if ((tail->has & KLOG_HAS_IOMMU) && tail->era != 'E' && tail->era != 'D')
		tail->era = 'C';
}

static void on_dump(struct klog_parser *p, const struct klog_line *L, const char *s, size_t n)
{
	enum klog_type want = L->dump_kind == KLOG_DUMP_DTE ? KLOG_ILLEGAL_DEV_TABLE_ENTRY : KLOG_ILLEGAL_COMMAND_ERROR;
	for (size_t k = p->qlen; k-- > 0;) {
		struct qent *e = qat(p, k);
		if (!e->dump_open || e->rec.type != want || e->rec.ndump != L->dump_index)
			continue;
		if (e->rec.ndump == 0) {
			e->rec.dump_kind = L->dump_kind;
			e->rec.dump_digits = (uint8_t)(L->dump_digits <= 8 ? 8 : 16);
			/* 2.6.3x: 8 x %08x; RHEL7 and later: 4 x %016llx; CMD: 4 x %08x */
			e->dump_max = (L->dump_kind == KLOG_DUMP_DTE && L->dump_digits <= 8) ? 8 : 4;
		}
		e->rec.dump[e->rec.ndump++] = L->dump_value;
		e->dump_last = p->line;
		if (e->rec.ndump >= e->dump_max)
			e->dump_open = false;
		return;
	}
	report_unparsed(p, p->line, L->dump_kind == KLOG_DUMP_DTE ? "DTE dump line without its ILLEGAL_DEV_TABLE_ENTRY event"
								   : "CMD dump line without its ILLEGAL_COMMAND_ERROR event",
			s, n, KLOG_VENDOR_AMD);
}

/* Do two records' IOMMU keys allow them to belong together? */
static bool same_iommu(const struct klog_record *a, const struct klog_record *b)
{
	const char *ka = key_of(a), *kb = key_of(b);
	return !*ka || !*kb || !strcmp(ka, kb);
}

/* 7.x prints "Control Reg : 0x..." between an ILLEGAL_DEV_TABLE_ENTRY and
 * its DTE dump: tie it to the newest such event of the same IOMMU that is
 * still waiting for its dump. */
static void tie_control_reg(struct klog_parser *p, struct klog_record *r)
{
	for (size_t k = p->qlen; k-- > 0;) {
		struct qent *e = qat(p, k);
		if (!e->dump_open || e->rec.type != KLOG_ILLEGAL_DEV_TABLE_ENTRY || e->rec.ndump ||
		    !same_iommu(&e->rec, r))
			continue;
		r->event_line = e->rec.line;
		r->has |= KLOG_HAS_EVENT_LINE;
		if (!(r->has & KLOG_HAS_IOMMU) && (e->rec.has & KLOG_HAS_IOMMU)) {
			memcpy(r->iommu, e->rec.iommu, sizeof(r->iommu));
			r->has |= KLOG_HAS_IOMMU;
		}
		e->dump_last = p->line;	/* the DTE lines follow this one */
		return;
	}
}

/* "CMD Buffer head=N tail=N": the record that gathers the entry lines in
 * the parser's one buffer.  An earlier dump still waiting in the queue (a
 * second dump before the first was emitted) is emitted first. */
static void start_cmd_buffer(struct klog_parser *p, struct klog_record *r)
{
	while (p->cmd_buffer_busy && p->qlen) {
		resolve(p, qat(p, 0));
		release(p);
	}
	p->cmd_buffer_busy = true;
	memset(p->cmd_buffer_seen, 0, KLOG_CMD_BUFFER_ENTRIES);
	r->cmd_buffer = (const uint32_t (*)[4])p->cmd_buffer;
	r->cmd_buffer_seen = p->cmd_buffer_seen;
	r->ncmd_buffer = 0;
	/* dump_command_buffer() runs right after wait_on_sem()'s timeout message */
	if (p->cwt_line && p->line - p->cwt_line <= KLOG_DUMP_WINDOW) {
		r->event_line = p->cwt_line;
		r->has |= KLOG_HAS_EVENT_LINE;
		if (!(r->has & KLOG_HAS_IOMMU) && p->cwt_has_iommu) {
			memcpy(r->iommu, p->cwt_iommu, sizeof(r->iommu));
			r->has |= KLOG_HAS_IOMMU;
		}
	}
}

static void on_cmd_entry(struct klog_parser *p, const struct klog_line *L, const char *s, size_t n)
{
	for (size_t k = p->qlen; k-- > 0;) {
		struct qent *e = qat(p, k);
		if (!e->dump_open || e->rec.type != KLOG_COMMAND_BUFFER_DUMP)
			continue;
		if (L->dump_index < e->cmd_next) {
			report_unparsed(p, p->line, "command-buffer dump slot out of order", s, n, KLOG_VENDOR_AMD);
			return;
		}
		memcpy(p->cmd_buffer[L->dump_index], L->cmd_entry, sizeof(L->cmd_entry));
		p->cmd_buffer_seen[L->dump_index] = 1;
		e->rec.ncmd_buffer++;
		e->cmd_next = (uint16_t)(L->dump_index + 1);
		e->dump_last = p->line;
		if (e->cmd_next >= KLOG_CMD_BUFFER_ENTRIES)
			e->dump_open = false;
		return;
	}
	report_unparsed(p, p->line, "command-buffer dump line without its 'CMD Buffer head= tail=' line", s, n,
			KLOG_VENDOR_AMD);
}

/* An AMD-Vi line at p->line: a waiting ratelimit summary just before it is
 * the driver's (it was printed with this message), else it was another
 * driver's. */
static void claim_ratelimit(struct klog_parser *p, const struct klog_time *t)
{
	if (!p->rl.line)
		return;
	if (p->line - p->rl.line <= KLOG_RATELIMIT_WINDOW && times_close(&p->rl.time, t, KLOG_RATELIMIT_SECONDS)) {
		p->rl.event_line = p->line;
		p->rl.has |= KLOG_HAS_EVENT_LINE;
		push(p, &p->rl, Q_READY, PAIR_EVENT);
	}
	p->rl.line = 0;
}

static bool has_time(const struct klog_prefix *pf)
{
	return pf->time.has_mono || pf->time.has_wall || pf->time.has_delta;
}

/* The log starts again within the file: what waits for a partner is
 * resolved now (a head alone is unparsed, a tail alone a record noted
 * head_missing), so that nothing of one boot pairs with the next's. */
static void restart(struct klog_parser *p)
{
	if (p->seen)	/* "-- Reboot --" then "Linux version": one restart */
		p->st.restarts++;
	p->seen = false;
	expire(p, true);
	p->cwt_line = 0;
	p->rl.line = 0;
	p->has_max_mono = false;
	p->qi_err_line = p->dmar_fault_line = 0;
}

/* A candidate line's printk time: far behind the latest one is a restart. */
static void check_clock(struct klog_parser *p, const struct klog_time *t)
{
	p->seen = true;
	if (!t->has_mono)
		return;
	if (p->has_max_mono && t->mono < p->max_mono - KLOG_RESTART_SECONDS)
		restart(p);
	if (!p->has_max_mono || t->mono > p->max_mono)
		p->max_mono = t->mono;
	p->has_max_mono = true;
}

/* Lines that start a boot: journalctl's separators between boots, and the
 * first line every kernel prints ("Linux version ..."). */
static bool boot_start(const char *s, size_t n)
{
	struct klog_prefix pf;

	if ((n >= 8 && !memcmp(s, "-- Boot ", 8)) || (n >= 12 && !memcmp(s, "-- Reboot --", 12)))
		return true;
	if (!memmem(s, n, "Linux version ", 14))
		return false;
	klog_prefix_parse(s, n, &pf);
	return n - pf.msg_off >= 14 && !memcmp(s + pf.msg_off, "Linux version ", 14);
}

/* A line with no prefix that the recogniser did not take, and junk in front
 * of a prefix further on ("\xfe noise [ 12.3] IO_PAGE_FAULT ..."): the
 * message after that prefix, when the recogniser takes it (pf and L are
 * left as they were otherwise). */
static void resync_message(const char *s, size_t n, struct klog_prefix *pf, struct klog_line *L)
{
	struct klog_prefix p2;
	struct klog_line L2;

	if (has_time(pf) || !klog_prefix_resync(s + pf->msg_off, n - pf->msg_off, n - pf->msg_off, &p2))
		return;
	p2.msg_off += pf->msg_off;
	if (p2.level < 0)
		p2.level = pf->level;
	if (!p2.caller[0])
		memcpy(p2.caller, pf->caller, sizeof(p2.caller));
	klog_line_parse(s + p2.msg_off, n - p2.msg_off, &L2);
	if (L2.kind == KLOG_LINE_NONE && !L2.ratelimit_maybe)
		return;
	*pf = p2;
	*L = L2;
}

/* A message found after junk (at an anchor, L->match_off into it): its
 * time is that of a prefix within the junk, when there is one. */
static void time_after_junk(const char *s, struct klog_prefix *pf, const struct klog_line *L)
{
	struct klog_prefix p2;

	if (has_time(pf) || L->match_off == 0 || !klog_prefix_resync(s + pf->msg_off, L->match_off, L->match_off, &p2))
		return;
	pf->time = p2.time;
	if (pf->level < 0)
		pf->level = p2.level;
	if (!pf->caller[0])
		memcpy(pf->caller, p2.caller, sizeof(pf->caller));
}

/* A line without a prefix of its own, indented at least as far as the
 * message of the last unindented line, which has a time: a continuation
 * line of that line's record.  Fills pf with that line's prefix. */
static bool continuation_of_head(const struct klog_parser *p, const char *s, size_t n,
				 struct klog_prefix *pf)
{
	struct klog_prefix hp;
	size_t indent = 0;

	if (!p->head_len || has_time(pf) || pf->level >= 0 || pf->caller[0] || pf->journal)
		return false;
	while (indent < n && s[indent] == ' ')
		indent++;
	if (!indent)
		return false;
	klog_prefix_parse(p->head, p->head_len, &hp);
	if (!has_time(&hp) || hp.msg_off == 0 || indent < hp.msg_off)
		return false;
	*pf = hp;
	return true;
}

/* A split DMAR fault's second line: the reason goes to the first line
 * still waiting for it (only the newest one waits), when of the same kind. */
static void on_dmar_tail(struct klog_parser *p, const struct klog_record *r, const char *s, size_t n)
{
	for (size_t k = p->qlen; k-- > 0;) {
		struct qent *e = qat(p, k);
		if (e->state != Q_WAIT_TAIL || e->pair != PAIR_DMAR || e->rec.type != r->type ||
		    !times_close(&e->rec.time, &r->time, KLOG_PAIR_SECONDS))
			continue;
		e->rec.reason = r->reason;
		memcpy(e->rec.reason_printed, r->reason_printed, sizeof(e->rec.reason_printed));
		memcpy(e->rec.reason_text, r->reason_text, sizeof(e->rec.reason_text));
		e->rec.has |= KLOG_HAS_REASON | KLOG_HAS_REASON_LINE;
		e->rec.notes |= r->notes & (KLOG_NOTE_REASON_MISMATCH | KLOG_NOTE_REASON_HEX_DIGITS);
		e->rec.reason_line = r->line;
		e->state = Q_READY;
		return;
	}
	report_unparsed(p, p->line,
			r->type == KLOG_DMAR_IR_FAULT
				? "INTR-REMAP fault reason line without its 'Request device' line"
				: "DMAR fault reason line without its 'Request device' line",
			s, n, KLOG_VENDOR_INTEL);
}

/* VT-d records tied to the line before them: QI HEAD/PRIOR to the QI error
 * they describe, a page-table dump to the fault at its IOVA. */
static void tie_dmar(struct klog_parser *p, struct klog_record *r)
{
	switch (r->type) {
	case KLOG_DMAR_QI_QUEUE_ERROR:
	case KLOG_DMAR_QI_TIMEOUT:
	case KLOG_DMAR_QI_COMPLETION_ERROR:
		p->qi_err_line = p->line;
		break;
	case KLOG_DMAR_QI_DESCRIPTOR:
		if (p->qi_err_line && p->line - p->qi_err_line <= KLOG_DMAR_TIE_WINDOW) {
			r->event_line = p->qi_err_line;
			r->has |= KLOG_HAS_EVENT_LINE;
		}
		break;
	case KLOG_DMAR_FAULT:
		p->dmar_fault_line = p->line;
		p->dmar_fault_addr = r->address;
		break;
	case KLOG_DMAR_PTE_DUMP:
		if (p->dmar_fault_line && p->line - p->dmar_fault_line <= KLOG_DMAR_TIE_WINDOW &&
		    p->dmar_fault_addr == r->address) {
			r->event_line = p->dmar_fault_line;
			r->has |= KLOG_HAS_EVENT_LINE;
		}
		break;
	default:
		break;
	}
}

/* One recognised message of the line s (its prefix pf, what it is L). */
static void take(struct klog_parser *p, const char *s, size_t n, const struct klog_prefix *pf, struct klog_line *L)
{
	if (L->kind == KLOG_LINE_NONE) {
		if (L->ratelimit_maybe) {
			p->rl = L->rec;
			p->rl.line = p->line;
			p->rl.time = pf->time;
		}
		return;
	}
	bool intel = L->rec.vendor == KLOG_VENDOR_INTEL;
	/* a summary of another function is claimed by the AMD-Vi line after it
	 * only (VT-d's dmar_fault() summaries are named) */
	if (!intel)
		claim_ratelimit(p, &pf->time);
	if (L->kind == KLOG_LINE_OTHER && L->rec.type != KLOG_UNRECOGNISED) {
		if (intel)
			p->st.other_dmar++;
		else
			p->st.other_amdvi++;
		return;
	}
	if (L->kind == KLOG_LINE_OTHER) {
		p->st.unrecognised++;
		if (intel)
			p->st.unrecognised_dmar++;
		if (!p->on_unrecognised)
			return;
	}
	if (L->kind == KLOG_LINE_BAD) {
		report_unparsed(p, p->line, L->reason, s, n, intel ? KLOG_VENDOR_INTEL : KLOG_VENDOR_AMD);
		return;
	}
	struct klog_record *r = &L->rec;
	r->file = p->file;
	r->line = p->line;
	r->time = pf->time;
	if (pf->level >= 0) {
		r->level = pf->level;
		r->has |= KLOG_HAS_LEVEL;
	}
	if (pf->caller[0]) {
		memcpy(r->caller, pf->caller, sizeof(r->caller));
		r->has |= KLOG_HAS_CALLER;
	}

	struct qent *e;
	switch (L->kind) {
	case KLOG_LINE_RECORD:
		if (r->type == KLOG_CONTROL_REGISTER)
			tie_control_reg(p, r);
		else if (r->type == KLOG_COMMAND_BUFFER_DUMP)
			start_cmd_buffer(p, r);
		else if (intel)
			tie_dmar(p, r);
		e = push(p, r, Q_READY, PAIR_EVENT);
		open_dump(e);
		if (r->type == KLOG_COMPLETION_WAIT_TIMEOUT) {
			p->cwt_line = p->line;
			p->cwt_has_iommu = (r->has & KLOG_HAS_IOMMU) != 0;
			memcpy(p->cwt_iommu, r->iommu, sizeof(p->cwt_iommu));
		}
		break;
	case KLOG_LINE_HEAD:
		e = find_partner(p, Q_WAIT_HEAD, PAIR_EVENT, key_of(r), &r->time);
		if (e) {
			struct klog_record tail = e->rec;
			join(&tail, r);
			e->rec = tail;
			e->state = Q_READY;
		} else {
			e = push(p, r, Q_WAIT_TAIL, PAIR_EVENT);
			keep_text(e, s, n);
		}
		break;
	case KLOG_LINE_TAIL:
		e = find_partner(p, Q_WAIT_TAIL, PAIR_EVENT, key_of(r), &r->time);
		if (e) {
			/* the record takes the tail's place, so output stays in line order */
			join(r, &e->rec);
			e->state = Q_DEAD;
			e = push(p, r, Q_READY, PAIR_EVENT);
		} else {
			e = push(p, r, Q_WAIT_HEAD, PAIR_EVENT);
		}
		open_dump(e);
		break;
	case KLOG_LINE_DNA_HEAD:
		e = find_partner(p, Q_WAIT_HEAD, PAIR_DNA, key_of(r), &r->time);
		if (e) {
			struct klog_record tail = e->rec;
			join(&tail, r);
			e->rec = tail;
			e->state = Q_READY;
		} else {
			push(p, r, Q_WAIT_TAIL, PAIR_DNA);
		}
		break;
	case KLOG_LINE_DNA_TAIL:
		e = find_partner(p, Q_WAIT_TAIL, PAIR_DNA, key_of(r), &r->time);
		if (e) {
			join(r, &e->rec);
			e->state = Q_DEAD;
			push(p, r, Q_READY, PAIR_DNA);
		} else {
			push(p, r, Q_WAIT_HEAD, PAIR_DNA);
		}
		break;
	case KLOG_LINE_DMAR_HEAD:
		/* both lines come from one printk: a first line still waiting
		 * when the next one comes has lost its reason */
		for (size_t k = 0; k < p->qlen; k++) {
			e = qat(p, k);
			if (e->state == Q_WAIT_TAIL && e->pair == PAIR_DMAR)
				resolve(p, e);
		}
		tie_dmar(p, r);
		push(p, r, Q_WAIT_TAIL, PAIR_DMAR);
		break;
	case KLOG_LINE_DMAR_TAIL:
		on_dmar_tail(p, r, s, n);
		break;
	case KLOG_LINE_DUMP:
		on_dump(p, L, s, n);
		break;
	case KLOG_LINE_CMD_ENTRY:
		on_cmd_entry(p, L, s, n);
		break;
	case KLOG_LINE_OTHER:
		/* unrecognised: queued like a record, so that it comes out in line order */
		e = push(p, r, Q_READY, PAIR_EVENT);
		keep_text(e, s + pf->msg_off + L->match_off, n - pf->msg_off - L->match_off);
		break;
	default:
		break;
	}
}

/* Messages glued to a line's end (VT-d's QI error lines have no '\n'): at
 * most this many per line. */
#define KLOG_MAX_APPENDED 16

void klog_parser_feed_line(struct klog_parser *p, const char *line, size_t len)
{
	const char *s = line;
	size_t n = len;

	p->line++;
	p->st.lines++;
	p->st.bytes += len + 1;
	if (n > KLOG_LINE_MAX) {
		n = KLOG_LINE_MAX;
		p->st.truncated++;
	}
	if (klog_line_needs_cleaning(s, n)) {
		n = klog_clean_line(s, n, p->buf, KLOG_LINE_MAX + 1);
		s = p->buf;
	}
	if (n && s[0] != ' ') {
		p->head_len = n < sizeof(p->head) ? n : sizeof(p->head);
		memcpy(p->head, s, p->head_len);
	}
	if (boot_start(s, n))
		restart(p);
	if (!klog_line_candidate(s, n))
		goto out;
	p->st.candidates++;

	struct klog_prefix pf;
	struct klog_line L;
	klog_prefix_parse(s, n, &pf);
	if (n && s[0] == ' ')
		continuation_of_head(p, s, n, &pf);
	klog_line_parse(s + pf.msg_off, n - pf.msg_off, &L);
	if (L.kind == KLOG_LINE_NONE && !L.ratelimit_maybe)
		resync_message(s, n, &pf, &L);
	else if (L.kind != KLOG_LINE_NONE)
		time_after_junk(s, &pf, &L);
	check_clock(p, &pf.time);
	take(p, s, n, &pf, &L);

	/* the messages appended to this one, each with its own prefix if it
	 * has one, else this line's */
	for (int k = 0; k < KLOG_MAX_APPENDED && L.kind != KLOG_LINE_NONE && L.rest_off; k++) {
		size_t at = pf.msg_off + L.rest_off;
		struct klog_prefix p2;

		if (at >= n)
			break;
		klog_prefix_parse(s + at, n - at, &p2);
		p2.msg_off += at;
		if (!has_time(&p2)) {
			p2.time = pf.time;
			if (p2.level < 0)
				p2.level = pf.level;
			if (!p2.caller[0])
				memcpy(p2.caller, pf.caller, sizeof(p2.caller));
		}
		pf = p2;
		klog_line_parse(s + pf.msg_off, n - pf.msg_off, &L);
		L.rec.notes |= KLOG_NOTE_APPENDED;
		take(p, s, n, &pf, &L);
	}
out:
	if (p->qlen)
		expire(p, false);
}

void klog_parser_flush(struct klog_parser *p)
{
	expire(p, true);
}

void klog_parser_set_file(struct klog_parser *p, const char *file)
{
	klog_parser_flush(p);
	p->file = file ? file : "-";
	p->line = 0;
	p->head_len = 0;
	p->cwt_line = 0;
	p->rl.line = 0;
	p->seen = false;
	p->has_max_mono = false;
	p->qi_err_line = p->dmar_fault_line = 0;
}

int klog_parser_feed_file(struct klog_parser *p, FILE *f)
{
	ssize_t got;
	errno = 0;
	while ((got = getline(&p->rdbuf, &p->rdcap, f)) > 0) {
		size_t n = (size_t)got;
		if (p->rdbuf[n - 1] == '\n')
			n--;
		klog_parser_feed_line(p, p->rdbuf, n);
	}
	return ferror(f) ? -1 : 0;
}
