/*
 * Recognition of one Intel VT-d driver message (drivers/iommu/intel/, and
 * drivers/pci/dmar.c, intel-iommu.c, intr_remapping.c before 3.x), after
 * prefix stripping.  docs/log-formats.md section 7 has every era.
 *
 * Message shape:
 *
 *   [<driver> <device>: ] [dmar: ] [DMAR: | DMAR-IR: ] content
 *
 * "DMAR: " is the pr_fmt of dmar.c and iommu.c (4.x+), "DMAR-IR: " that of
 * irq_remapping.c; 3.x printed "dmar: " in front of the older literal
 * "DMAR:[DMA Read] ..." (so "dmar: DMAR:[DMA Read] ...").  The fault lines
 * of dmar_fault_do_one() are matched field by field, in each era's order:
 *
 *   <= 4.6   DMAR:[DMA Read] Request device [%02x:%02x.%d] fault addr %llx \n
 *            DMAR:[fault reason %02d] %s                        (two lines)
 *   4.7+     [DMA Read] Request device [..] fault addr %llx [fault reason %02d] %s
 *   ~5.0+    [DMA Read] Request device [..] PASID %x fault addr %llx [fault reason %02d] %s
 *   5.14+    [DMA Read NO_PASID] / [DMA Write PASID 0x%x] Request device [..]
 *            fault addr 0x%llx [fault reason 0x%02x] %s   (5.14: [0x%02x:0x%02x.%d])
 *   7.x      the same with [%04x:%02x:%02x.%d]
 *
 * and their [INTR-REMAP] counterparts.  The reason is decimal before 5.14
 * and hex after: the record carries the decoded code, the digits as
 * printed, and the text, checked against the kernel's table.
 */
#define _GNU_SOURCE
#include <string.h>

#include "klog/klog_line.h"
#include "klog/klog_scan.h"

static enum klog_line_kind bad(struct klog_line *L, const char *why)
{
	L->reason = why;
	return L->kind = KLOG_LINE_BAD;
}

static bool starts_ci(const char *s, size_t n, size_t i, const char *lit)
{
	size_t l = strlen(lit);
	return i + l <= n && !strncasecmp(s + i, lit, l);
}

/*
 * Hex digits at s[i], "0x" first when want_0x says so (1: required, 0:
 * never, -1: optional).  At most maxd digits; more is an error.  Returns the
 * index after the digits, or 0.
 */
static size_t hex_field(const char *s, size_t n, size_t i, int want_0x, size_t maxd, uint64_t *v, bool *had_0x)
{
	bool x = i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X');

	if ((want_0x == 1 && !x) || (want_0x == 0 && x))
		return 0;
	if (x)
		i += 2;
	if (had_0x)
		*had_0x = x;
	size_t d = hex_digits(s, n, i, maxd + 1, v);
	if (d == 0 || d > maxd)
		return 0;
	return i + d;
}

/* A message glued to the end of one printed without '\n' starts with its
 * tag, or with the next record's prefix: "...Reason 1DMAR: QI HEAD: ...",
 * "...SID 100[   5.1] DMAR: ...", "...Reason 1 DMAR: ...". */
static bool tag_at(const char *s, size_t n, size_t k)
{
	return (starts(s, n, k, "DMAR", 4) || starts(s, n, k, "dmar", 4)) && k + 4 < n &&
	       (s[k + 4] == ':' || s[k + 4] == '-');
}

/*
 * The hex number ending a message the kernel prints without '\n' (VT-d's
 * "VT-d detected ...: Reason %llx" and "SID %llx" lines).  Returns the end
 * of the digits (0: malformed) and sets *rest to where an appended message
 * starts, 0 when the line ends there.
 */
static size_t hex_then_rest(const char *s, size_t n, size_t i, size_t maxd, uint64_t *v, size_t *rest)
{
	size_t run = i;
	*rest = 0;
	if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
		i += 2, run = i;
	while (run < n && hexval(s[run]) >= 0)
		run++;
	size_t end = run;
	/* "1DMAR:" -- the 'D' of the tag is a hex digit */
	for (size_t k = i + 1; k < run; k++)
		if (tag_at(s, n, k)) {
			end = k;
			*rest = k;
			break;
		}
	if (end == i || end - i > maxd)
		return 0;
	hex_digits(s, end, i, maxd, v);
	if (*rest)
		return end;
	size_t e = skip_sp(s, n, end);
	if (e >= n)
		return end;
	/* something follows: another message (its tag or a new prefix), glued
	 * or after spaces; a word glued to the digits is damage */
	if (e == end && !tag_at(s, n, e) && s[e] != '[' && s[e] != '<')
		return 0;
	*rest = e;
	return end;
}

/* "BB:DD.F", "SSSS:BB:DD.F" (7.x) or "0xBB:0xDD.F" (5.14) at s[i];
 * returns the index after it, or 0. */
static size_t dmar_device(const char *s, size_t n, size_t i, struct klog_pciname *pn, bool *with_0x)
{
	uint64_t b, d, f;
	size_t e;

	*with_0x = false;
	if (starts(s, n, i, "0x", 2)) {
		e = i + 2;
		size_t db = hex_digits(s, n, e, 3, &b);
		if (!db || db > 2 || !starts(s, n, e + db, ":0x", 3))
			return 0;
		e += db + 3;
		size_t dd = hex_digits(s, n, e, 3, &d);
		if (!dd || dd > 2 || e + dd >= n || s[e + dd] != '.')
			return 0;
		e += dd + 1;
		if (hex_digits(s, n, e, 2, &f) != 1 || b > 0xff || d > 0x1f || f > 7)
			return 0;
		memset(pn, 0, sizeof(*pn));
		pn->bus = (uint8_t)b;
		pn->dev = (uint8_t)d;
		pn->fn = (uint8_t)f;
		*with_0x = true;
		return e + 1;
	}
	return klog_parse_pci(s, n, i, pn);
}

/* The text of a reason: from s[i] to the end, trailing spaces dropped. */
static size_t text_end(const char *s, size_t n, size_t i)
{
	while (n > i && s[n - 1] == ' ')
		n--;
	return n;
}

static bool text_is(const char *s, size_t i, size_t e, const char *lit)
{
	size_t l = strlen(lit);
	return e - i == l && !memcmp(s + i, lit, l);
}

/* A code the kernels before the scalable-mode table (5.0), or before the
 * later entries of the older tables, printed as "Unknown". */
static bool unknown_in_some_era(unsigned code)
{
	return !(code <= 0x0c || (code >= 0x20 && code <= 0x24));
}

/*
 * "[fault reason NN] text" at s[i] (the '[' included): fills the reason
 * fields.  hex: the 5.14+ "0x%02x" form; else "%02d" (a "0x" there is taken
 * as hex all the same).  Returns false on a malformed reason.
 */
static bool parse_reason(const char *s, size_t n, size_t i, struct klog_record *r, bool *is_hex, bool want_ir)
{
	uint64_t v = 0;
	size_t e;

	if (!starts(s, n, i, "[fault reason ", 14))
		return false;
	i = skip_sp(s, n, i + 14);
	size_t ds = i;
	bool x = starts(s, n, i, "0x", 2) || starts(s, n, i, "0X", 2);
	if (x) {
		e = hex_field(s, n, i, 1, 2, &v, NULL);
	} else {
		e = i;
		while (e < n && is_digit(s[e]) && e - i < 4)
			v = v * 10 + (uint64_t)(s[e++] - '0');
		if (e == i || (e < n && is_digit(s[e])))
			e = 0;
	}
	if (!e || v > 0xff)
		return false;
	size_t close = skip_sp(s, n, e);
	if (close >= n || s[close] != ']')
		return false;
	*is_hex = x;
	copy_str(r->reason_printed, sizeof(r->reason_printed), s + ds, e - ds);
	r->reason = (uint8_t)v;
	r->has |= KLOG_HAS_REASON;

	size_t ts = skip_sp(s, n, close + 1), te = text_end(s, n, ts);
	copy_str(r->reason_text, sizeof(r->reason_text), s + ts, te - ts);

	/* the printed text against the kernel's text for the code */
	bool ir;
	const char *want = klog_dmar_reason_text(r->reason, &ir);
	if (text_is(s, ts, te, want) && ir == want_ir)
		return true;
	if (!x && !text_is(s, ts, te, "Unknown")) {
		/* "%02d" digits that read as hex match: a kernel that printed
		 * the code in hex without "0x" ("Unknown" tells no radix) */
		uint64_t h;
		bool hir;
		if (hex_digits(s, e, ds, 3, &h) == e - ds && h != v && h <= 0xff &&
		    text_is(s, ts, te, klog_dmar_reason_text((unsigned)h, &hir)) && hir == want_ir) {
			r->reason = (uint8_t)h;
			r->notes |= KLOG_NOTE_REASON_HEX_DIGITS;
			return true;
		}
	}
	if (text_is(s, ts, te, "Unknown") && unknown_in_some_era(r->reason) && (!want_ir || ir))
		return true;
	r->notes |= KLOG_NOTE_REASON_MISMATCH;
	return true;
}

/*
 * After a split fault's first half, the same line may go on with its second
 * (both halves on one line: a console that kept the '\n' out, or a paste):
 * [ "\x0a" ] [ "DMAR:" | "INTR-REMAP:" ] "[fault reason ..."; returns where
 * "[fault reason" starts, or 0.
 */
static size_t joined_tail(const char *s, size_t n, size_t i, const char *tag)
{
	size_t j = skip_sp(s, n, i);
	if (starts(s, n, j, "\\x0a", 4) || starts(s, n, j, "\\n", 2))
		j = skip_sp(s, n, j + (s[j + 1] == 'x' ? 4 : 2));
	if (starts(s, n, j, tag, strlen(tag)))
		j = skip_sp(s, n, j + strlen(tag));
	else
		return 0;
	return starts(s, n, j, "[fault reason ", 14) ? j : 0;
}

/*
 * "[DMA Read...] Request device [..] ..." at s[i].  tight: the text came
 * right after a "DMAR:" with no space (the <= 4.6 literal "DMAR:[DMA").
 */
static enum klog_line_kind parse_dma_fault(const char *s, size_t n, size_t i, bool tight, struct klog_line *L)
{
	struct klog_record *r = &L->rec;
	struct klog_pciname pn;
	bool dev0x = false, had0x = false, pasid_in_bracket = false, pasid_field = false;
	uint64_t v;
	size_t j = i + 5, e;

	r->type = KLOG_DMAR_FAULT;
	if (starts_ci(s, n, j, "Read"))
		r->access = KLOG_ACCESS_READ, j += 4;
	else if (starts_ci(s, n, j, "Write"))
		r->access = KLOG_ACCESS_WRITE, j += 5;
	else
		return bad(L, "DMAR fault: neither 'DMA Read' nor 'DMA Write'");
	r->has |= KLOG_HAS_ACCESS;
	/* 5.14+: " NO_PASID]" or " PASID 0x%x]" inside the bracket */
	if (starts(s, n, j, " NO_PASID]", 10)) {
		r->notes |= KLOG_NOTE_NO_PASID;
		pasid_in_bracket = true;
		j += 10;
	} else if (starts(s, n, j, " PASID ", 7)) {
		if (!(e = hex_field(s, n, j + 7, -1, 8, &v, NULL)) || e >= n || s[e] != ']')
			return bad(L, "DMAR fault: malformed PASID");
		r->pasid = (uint32_t)v;
		r->has |= KLOG_HAS_PASID;
		pasid_in_bracket = true;
		j = e + 1;
	} else if (j < n && s[j] == ']') {
		j++;
	} else {
		return bad(L, "DMAR fault: malformed '[DMA Read/Write ...]'");
	}
	j = skip_sp(s, n, j);
	if (!starts(s, n, j, "Request device [", 16))
		return bad(L, "DMAR fault: no 'Request device ['");
	if (!(e = dmar_device(s, n, j + 16, &pn, &dev0x)) || e >= n || s[e] != ']')
		return bad(L, "DMAR fault: malformed device");
	klog_set_dev(r, &pn);
	j = skip_sp(s, n, e + 1);
	/* ~5.0 .. 5.13: "PASID %x" before the address (ffffffff: none) */
	if (!pasid_in_bracket && starts(s, n, j, "PASID ", 6)) {
		if (!(e = hex_field(s, n, j + 6, -1, 8, &v, NULL)) || (e < n && s[e] != ' '))
			return bad(L, "DMAR fault: malformed PASID");
		if (v == 0xffffffffu) {
			r->notes |= KLOG_NOTE_NO_PASID;
		} else {
			r->pasid = (uint32_t)v;
			r->has |= KLOG_HAS_PASID;
		}
		pasid_field = true;
		j = skip_sp(s, n, e);
	}
	if (!starts(s, n, j, "fault addr ", 11)) {
		if (j >= n)
			return bad(L, "DMAR fault: truncated before 'fault addr'");
		return bad(L, "DMAR fault: no 'fault addr'");
	}
	j = skip_sp(s, n, j + 11);
	if (!(e = hex_field(s, n, j, -1, 16, &v, &had0x))) {
		size_t h = starts(s, n, j, "0x", 2) ? j + 2 : j;
		return bad(L, hex_digits(s, n, h, 17, &v) > 16 ? "DMAR fault: address out of range"
							       : "DMAR fault: malformed address");
	}
	if (e < n && s[e] != ' ' && s[e] != '[' && s[e] != '\\')
		return bad(L, "DMAR fault: malformed address");
	r->address = v;
	r->has |= KLOG_HAS_ADDRESS;

	bool old_shape = !pasid_in_bracket && !pasid_field && !dev0x && !pn.has_seg && !had0x;
	size_t k = skip_sp(s, n, e);
	if (k >= n) {
		/* the first line of the <= 4.6 two-line form */
		if (!(tight && old_shape))
			return bad(L, "DMAR fault: truncated (no '[fault reason')");
		r->form = KLOG_DMAR_FORM_SPLIT;
		return L->kind = KLOG_LINE_DMAR_HEAD;
	}
	bool joined = false;
	size_t t = joined_tail(s, n, k, "DMAR:");
	if (t) {
		joined = true;
		k = t;
	}
	bool hex;
	if (!parse_reason(s, n, k, r, &hex, false))
		return bad(L, k < n && s[k] == '[' ? "DMAR fault: malformed '[fault reason'"
						   : "DMAR fault: no '[fault reason' after the address");
	if (joined && old_shape && !hex)
		r->form = KLOG_DMAR_FORM_SPLIT;
	else if (hex)
		r->form = pn.has_seg ? KLOG_DMAR_FORM_HEX_SEGMENT : KLOG_DMAR_FORM_HEX;
	else
		r->form = pasid_field ? KLOG_DMAR_FORM_PASID_DECIMAL : KLOG_DMAR_FORM_DECIMAL;
	return L->kind = KLOG_LINE_RECORD;
}

/*
 * Interrupt-remapping faults at s[i]:
 *   "[INTR-REMAP] Request device [..] fault index %llx [fault reason %02d] %s"   4.7+
 *   "INTR-REMAP: Request device [[..] fault index %llx"                      <= 4.6,
 *   "INTR-REMAP:[fault reason %02d] %s"                                      two lines
 */
static enum klog_line_kind parse_ir_fault(const char *s, size_t n, size_t i, struct klog_line *L)
{
	struct klog_record *r = &L->rec;
	struct klog_pciname pn;
	bool dev0x = false, hex, old = false;
	uint64_t v;
	size_t j, e;

	r->type = KLOG_DMAR_IR_FAULT;
	if (starts(s, n, i, "[INTR-REMAP]", 12)) {
		j = skip_sp(s, n, i + 12);
	} else {
		old = true;
		j = skip_sp(s, n, i + 11);	/* "INTR-REMAP:" */
		if (starts(s, n, j, "[fault reason ", 14)) {
			if (!parse_reason(s, n, j, r, &hex, true))
				return bad(L, "INTR-REMAP: malformed '[fault reason'");
			r->form = KLOG_DMAR_FORM_SPLIT;
			return L->kind = KLOG_LINE_DMAR_TAIL;
		}
	}
	if (!starts(s, n, j, "Request device [", 16))
		return bad(L, "INTR-REMAP fault: no 'Request device ['");
	j += 16;
	if (old && j < n && s[j] == '[')	/* the kernel's "[[" */
		j++;
	if (!(e = dmar_device(s, n, j, &pn, &dev0x)) || e >= n || s[e] != ']')
		return bad(L, "INTR-REMAP fault: malformed device");
	klog_set_dev(r, &pn);
	j = skip_sp(s, n, e + 1);
	if (!starts(s, n, j, "fault index ", 12))
		return bad(L, "INTR-REMAP fault: no 'fault index'");
	bool had0x;
	if (!(e = hex_field(s, n, j + 12, -1, 4, &v, &had0x)) || (e < n && s[e] != ' ' && s[e] != '\\'))
		return bad(L, "INTR-REMAP fault: malformed or out-of-range index");
	r->fault_index = (uint16_t)v;
	r->has |= KLOG_HAS_FAULT_INDEX;
	size_t k = skip_sp(s, n, e);
	if (k >= n) {
		if (!old)
			return bad(L, "INTR-REMAP fault: truncated (no '[fault reason')");
		r->form = KLOG_DMAR_FORM_SPLIT;
		return L->kind = KLOG_LINE_DMAR_HEAD;
	}
	size_t t = old ? joined_tail(s, n, k, "INTR-REMAP:") : 0;
	if (t)
		k = t;
	if (!parse_reason(s, n, k, r, &hex, true))
		return bad(L, "INTR-REMAP fault: malformed or missing '[fault reason'");
	if (old)
		r->form = KLOG_DMAR_FORM_SPLIT;
	else if (hex)
		r->form = pn.has_seg ? KLOG_DMAR_FORM_HEX_SEGMENT : KLOG_DMAR_FORM_HEX;
	else
		r->form = KLOG_DMAR_FORM_DECIMAL;
	(void)dev0x;
	return L->kind = KLOG_LINE_RECORD;
}

/* "DRHD: handling fault status reg %x" (FSTS) */
static enum klog_line_kind parse_status(const char *s, size_t n, size_t i, struct klog_line *L)
{
	uint64_t v;
	size_t e = hex_field(s, n, skip_sp(s, n, i + 31), -1, 8, &v, NULL);

	if (!e || !rest_blank(s, n, e))
		return bad(L, "malformed 'DRHD: handling fault status reg' line");
	L->rec.type = KLOG_DMAR_FAULT_STATUS;
	L->rec.value = v;
	L->rec.has |= KLOG_HAS_VALUE;
	return L->kind = KLOG_LINE_RECORD;
}

/* "<lead>%llx, <lead2>%llx" of the old invalid-descriptor lines at s[i] */
static bool two_qw(const char *s, size_t n, size_t i, const char *a, const char *b, struct klog_record *r)
{
	size_t e;
	if (!starts(s, n, i, a, strlen(a)) ||
	    !(e = hex_field(s, n, i + strlen(a), -1, 16, &r->qw[0], NULL)) ||
	    !starts(s, n, e, b, strlen(b)) || !(e = hex_field(s, n, e + strlen(b), -1, 16, &r->qw[1], NULL)) ||
	    !rest_blank(s, n, e))
		return false;
	r->has |= KLOG_HAS_QW;
	return true;
}

/* "VT-d detected ..." at s[i] (after "VT-d detected ") */
static enum klog_line_kind parse_qi_detected(const char *s, size_t n, size_t i, struct klog_line *L)
{
	struct klog_record *r = &L->rec;
	uint64_t v;
	size_t e, rest;

	if (STARTS("Invalidation Queue Error: Reason ")) {
		if (!(e = hex_then_rest(s, n, i + 33, 16, &v, &rest)))
			return bad(L, "malformed 'Invalidation Queue Error: Reason' line");
		r->type = KLOG_DMAR_QI_QUEUE_ERROR;
		r->value = v;
		r->has |= KLOG_HAS_VALUE;
	} else if (STARTS("Invalidation Time-out Error: SID ") || STARTS("Invalidation Completion Error: SID ")) {
		bool ite = STARTS("Invalidation Time-out");
		size_t at = i + (ite ? 33 : 35);
		if (!(e = hex_then_rest(s, n, at, 16, &v, &rest)) || v > 0xffff)
			return bad(L, ite ? "malformed 'Invalidation Time-out Error: SID' line"
					  : "malformed 'Invalidation Completion Error: SID' line");
		r->type = ite ? KLOG_DMAR_QI_TIMEOUT : KLOG_DMAR_QI_COMPLETION_ERROR;
		r->sid = (uint16_t)v;
		r->has |= KLOG_HAS_SID;
		/* SID 0: hardware that does not record it (VT-d 4.1 11.4.9.9) */
		if (v) {
			r->bus = (uint8_t)(v >> 8);
			r->dev = (uint8_t)((v >> 3) & 0x1f);
			r->fn = (uint8_t)(v & 7);
			r->has |= KLOG_HAS_BDF;
		}
	} else if (STARTS("invalid descriptor:")) {
		/* <= 5.12, printed when the IQE's descriptor is ours */
		size_t j = skip_sp(s, n, i + 19);
		if (!two_qw(s, n, j, "low=", ", high=", r) && !two_qw(s, n, j, "qw0 = ", ", qw1 = ", r))
			return bad(L, "malformed 'VT-d detected invalid descriptor' line");
		r->type = KLOG_DMAR_QI_QUEUE_ERROR;
		copy_str(r->detail, sizeof(r->detail), "invalid descriptor", 18);
		r->has |= KLOG_HAS_DETAIL;
		return L->kind = KLOG_LINE_RECORD;
	} else {
		return bad(L, "'VT-d detected' of no error we know");
	}
	L->rest_off = rest;
	return L->kind = KLOG_LINE_RECORD;
}

/* "QI HEAD: %s qw0 = 0x%llx, qw1 = 0x%llx" / "QI PRIOR: ..." */
static enum klog_line_kind parse_qi_desc(const char *s, size_t n, size_t i, struct klog_line *L)
{
	struct klog_record *r = &L->rec;
	bool head = STARTS("QI HEAD:");
	size_t j = skip_sp(s, n, i + (head ? 8 : 9)), e;
	const char *q = memmem(s + j, n - j, " qw0 = ", 7);

	if (!q)
		return bad(L, "malformed 'QI HEAD/PRIOR' line (no qw0)");
	size_t qe = (size_t)(q - s);
	if (qe - j >= sizeof(r->qi_desc))
		return bad(L, "malformed 'QI HEAD/PRIOR' line (descriptor type too long)");
	if (!(e = hex_field(s, n, qe + 7, -1, 16, &r->qw[0], NULL)) || !starts(s, n, e, ", qw1 = ", 8) ||
	    !(e = hex_field(s, n, e + 8, -1, 16, &r->qw[1], NULL)) || !rest_blank(s, n, e))
		return bad(L, "malformed 'QI HEAD/PRIOR' line");
	copy_str(r->qi_desc, sizeof(r->qi_desc), s + j, qe - j);
	copy_str(r->detail, sizeof(r->detail), head ? "HEAD" : "PRIOR", head ? 4 : 5);
	r->type = KLOG_DMAR_QI_DESCRIPTOR;
	r->has |= KLOG_HAS_QW | KLOG_HAS_QI_DESC | KLOG_HAS_DETAIL;
	return L->kind = KLOG_LINE_RECORD;
}

/* "Invalidation Queue Error (IQE) cleared" and its ITE / ICE siblings */
static bool parse_qi_cleared(const char *s, size_t n, size_t i, struct klog_record *r)
{
	static const char *const what[] = { "Invalidation Queue Error (IQE) cleared",
					    "Invalidation Time-out Error (ITE) cleared",
					    "Invalidation Completion Error (ICE) cleared" };
	static const char *const abbr[] = { "IQE", "ITE", "ICE" };

	for (size_t k = 0; k < 3; k++)
		if (starts(s, n, i, what[k], strlen(what[k])) && rest_blank(s, n, i + strlen(what[k]))) {
			r->type = KLOG_DMAR_QI_ERROR_CLEARED;
			copy_str(r->detail, sizeof(r->detail), abbr[k], 3);
			r->has |= KLOG_HAS_DETAIL;
			return true;
		}
	return false;
}

/* "<drv> SSSS:BB:DD.F: " (dev_info on a PCI device, "pci 0000:00:02.0: DMAR:
 * ..."): returns the index after it, or 0. */
static size_t pci_prefix(const char *s, size_t n, size_t i, struct klog_record *r)
{
	struct klog_pciname pn;
	size_t d = i, e;

	while (d < n && tok_char(s[d]) && d - i < 31)
		d++;
	if (d == i || d >= n || s[d] != ' ' || !(e = klog_parse_pci(s, n, d + 1, &pn)) || !pn.has_seg ||
	    e >= n || s[e] != ':')
		return 0;
	copy_str(r->driver, sizeof(r->driver), s + i, d - i);
	r->has |= KLOG_HAS_DRIVER;
	klog_set_dev(r, &pn);
	return skip_sp(s, n, e + 1);
}

static void reset(struct klog_line *L)
{
	memset(L, 0, sizeof(*L));
	L->rec.iommu_index = -1;
}

/* The message starting at s[i0]. */
static void parse_at(const char *s, size_t n, size_t i0, struct klog_line *L)
{
	struct klog_record *r = &L->rec;
	size_t i = skip_sp(s, n, i0);
	size_t d = pci_prefix(s, n, i, r);
	bool tagged = false, tight = false;

	if (d)
		i = d;
	L->match_off = i0;
	for (int k = 0; k < 3; k++) {
		if (STARTS("DMAR-IR:")) {
			i = skip_sp(s, n, i + 8);
		} else if (STARTS("DMAR:")) {
			tight = i + 5 < n && s[i + 5] == '[';
			i = skip_sp(s, n, i + 5);
		} else if (STARTS("dmar:")) {	/* 3.x pr_fmt */
			i = skip_sp(s, n, i + 5);
		} else {
			break;
		}
		tagged = true;
	}
	if (d && !tagged) {
		reset(L);	/* "<drv> <device>: ..." is anybody's */
		return;
	}

	if (STARTS("[DMA ")) {
		parse_dma_fault(s, n, i, tight, L);
		return;
	}
	if (STARTS("[INTR-REMAP]") || STARTS("INTR-REMAP:")) {
		parse_ir_fault(s, n, i, L);
		return;
	}
	if (STARTS("[fault reason ") && tagged) {
		bool hex;
		r->type = KLOG_DMAR_FAULT;
		if (!parse_reason(s, n, i, r, &hex, false)) {
			bad(L, "DMAR: malformed '[fault reason'");
			return;
		}
		r->form = KLOG_DMAR_FORM_SPLIT;
		L->kind = KLOG_LINE_DMAR_TAIL;
		return;
	}
	if (STARTS("Request device [") && (tagged || memmem(s + i, n - i, "fault", 5))) {
		bad(L, "DMAR fault without its '[DMA Read/Write]' or '[INTR-REMAP]'");
		return;
	}
	if (STARTS("DRHD: handling fault status reg")) {
		parse_status(s, n, i, L);
		return;
	}
	if (STARTS("VT-d detected ")) {
		parse_qi_detected(s, n, i + 14, L);
		return;
	}
	if (STARTS("QI HEAD:") || STARTS("QI PRIOR:")) {
		parse_qi_desc(s, n, i, L);
		return;
	}
	if (parse_qi_cleared(s, n, i, r) || klog_dmar_msg_parse(s, n, i, tagged, r)) {
		L->kind = KLOG_LINE_RECORD;
		return;
	}
	struct klog_record rl;
	memset(&rl, 0, sizeof(rl));
	rl.iommu_index = -1;
	if (klog_ratelimit_parse(s, n, i, false, &rl) == KLOG_RL_INTEL) {
		*r = rl;
		L->kind = KLOG_LINE_RECORD;
		return;
	}
	if (!tagged) {
		reset(L);
		return;
	}
	if (klog_dmar_info_known(s, n, i)) {
		memset(r, 0, sizeof(*r));
		r->iommu_index = -1;
	} else {
		/* ours by its tag, but no message we know */
		uint32_t keep = r->has & (KLOG_HAS_DRIVER | KLOG_HAS_BDF | KLOG_HAS_SEGMENT);
		struct klog_record pre = *r;
		memset(r, 0, sizeof(*r));
		r->iommu_index = -1;
		if (keep) {
			memcpy(r->driver, pre.driver, sizeof(r->driver));
			r->segment = pre.segment;
			r->bus = pre.bus, r->dev = pre.dev, r->fn = pre.fn;
			r->has = keep;
		}
		r->type = KLOG_UNRECOGNISED;
	}
	L->kind = KLOG_LINE_OTHER;
}

bool klog_dmar_candidate(const char *s, size_t n)
{
	/* Every VT-d line we recognise contains one of these (the markers
	 * and init lines printed without a tag in older kernels included). */
	static const struct {
		const char *lit;
		size_t len;
	} needles[] = {
		{ "DMAR", 4 },	      { "dmar", 4 },		 { "DRHD", 4 },	     { "INTR-REMAP", 10 },
		{ "VT-d", 4 },	      { "QI HEAD", 7 },		 { "QI PRIOR", 8 },  { "nvalidation", 11 },
		{ "previous kernel", 15 }, { "translation structures", 22 }, { "kdump mode", 10 },
		{ "Intel(R) Virtualization", 23 }, { "Intel-IOMMU", 11 }, { "IRQ remapping", 13 },
		{ "batching disallowed", 19 }, { "batched IOTLB", 13 }, { "reg_base_addr", 13 },
	};
	for (size_t k = 0; k < sizeof(needles) / sizeof(needles[0]); k++)
		if (memmem(s, n, needles[k].lit, needles[k].len))
			return true;
	return false;
}

void klog_dmar_parse(const char *s, size_t n, struct klog_line *L)
{
	static const struct {
		const char *lit;
		size_t len;
	} anchors[] = {
		{ "DMAR:", 5 }, { "DMAR-IR:", 8 }, { "dmar:", 5 }, { "DRHD:", 5 }, { "INTR-REMAP", 10 },
	};

	reset(L);
	parse_at(s, n, 0, L);
	/* Line noise in front: retry at each anchor. */
	for (size_t a = 0; L->kind == KLOG_LINE_NONE && a < sizeof(anchors) / sizeof(anchors[0]); a++) {
		const char *p = memmem(s, n, anchors[a].lit, anchors[a].len);
		if (!p || p == s)
			continue;
		size_t t = (size_t)(p - s);
		/* "[INTR-REMAP]": the bracket belongs to it; "dmar: DMAR:" keeps
		 * its first tag */
		if (a == 4 && t > 0 && s[t - 1] == '[')
			t--;
		else if (a == 0 && t >= 6 && !memcmp(s + t - 6, "dmar: ", 6))
			t -= 6;
		reset(L);
		parse_at(s, n, t, L);
	}
	if (L->kind == KLOG_LINE_NONE) {
		reset(L);
		return;
	}
	L->rec.vendor = KLOG_VENDOR_INTEL;
}

bool klog_line_candidate(const char *s, size_t n)
{
	return klog_amdvi_candidate(s, n) || klog_dmar_candidate(s, n);
}

void klog_line_parse(const char *s, size_t n, struct klog_line *L)
{
	klog_amdvi_parse(s, n, L);
	if (L->kind != KLOG_LINE_NONE || L->ratelimit_maybe)
		return;
	if (klog_dmar_candidate(s, n))
		klog_dmar_parse(s, n, L);
}
